"""The CREATE-text edits ALTER COLUMN writes under writable_schema (alter_column.py), the
guard that refuses an edit SQLite could not read back (schema_text.py), and the type
families foreign keys are compared by (foreign_key_targets.py). Pure: no cluster."""

import apsw
import pytest

from compute_node.pg_sql import foreign_key_targets, schema_text
from compute_node.pg_sql.alter_column import rewrite_column

_REFERENCING = ('CREATE TABLE c (f1 integer DEFAULT 0 REFERENCES p ON delete SET DEFAULT ON update SET NULL '
                'CONSTRAINT "22003 integer f1" CHECK (typeof(f1) IN (\'integer\', \'null\')), f2 text)')


@pytest.mark.parametrize("op, arg", [("set_default", "DEFAULT (1)"), ("drop_default", ""), ("set_not_null", ""),
                                     ("drop_not_null", ""), ("type", "bigint")])
def test_referential_actions_survive_every_column_edit(op, arg):
    out = rewrite_column(_REFERENCING, "f1", op, arg)
    assert "ON delete SET DEFAULT ON update SET NULL" in out, out
    assert schema_text.parse_error(out) is None, out
    assert out.endswith(", f2 text)")


def test_column_edits_do_what_they_say():
    assert "DEFAULT (1)" in rewrite_column(_REFERENCING, "f1", "set_default", "DEFAULT (1)")
    assert "DEFAULT 0" not in rewrite_column(_REFERENCING, "f1", "drop_default", "")
    assert rewrite_column(_REFERENCING, "f1", "set_not_null", "").split(", f2")[0].endswith("NOT NULL")


def test_parse_error_finds_a_text_sqlite_cannot_read():
    bad = 'CREATE TABLE c (f1 integer REFERENCES p ON delete SET "22003 integer f1" CHECK (f1 > 0))'
    assert "syntax error" in schema_text.parse_error(bad)
    # names that need not exist on the scratch database: tables, collations, functions
    assert schema_text.parse_error("CREATE TABLE c (a text COLLATE pg_numeric REFERENCES nowhere CHECK "
                                   "(pg_fn(a)))") is None
    assert schema_text.parse_error("CREATE VIEW v AS SELECT * FROM nowhere") is None


def test_checked_edit_refuses_instead_of_writing():
    broken = schema_text.checked(lambda sql, *_: sql.replace("SET DEFAULT", "SET"))
    with pytest.raises(apsw.SQLError, match=r"\[XX000\]"):
        broken(_REFERENCING)
    kept = schema_text.checked(lambda sql, *_: sql + " /* x */")
    assert kept(_REFERENCING).endswith("/* x */")


@pytest.mark.parametrize("referencing, referenced, ok", [
    ("integer", "bigint", True), ("bigint", "INTEGER", True), ("integer", "numeric text", True),
    ("integer", "REAL", True), ("numeric(5,2)", "double precision", True), ("varchar(4)", "TEXT", True),
    ("date", "timestamp with time zone", True), ("cidr", "inet", True),
    ("numeric text", "INTEGER", False), ("REAL", "INTEGER", False), ("double precision", "numeric", False),
    ("varchar(4)", "REAL", False), ("INTEGER", "TEXT", False), ("inet", "INTEGER", False), ("uuid", "TEXT", False),
    # not judged: left to the write-time check
    ("my_domain", "INTEGER", True), ("int[]", "INTEGER", True), ("mood", "TEXT", True),
])
def test_key_type_families(referencing, referenced, ok):
    assert foreign_key_targets.comparable(referencing, referenced) is ok

