"""pg_get_indexdef's text from SQLite's CREATE INDEX (index_definitions.py), and the
parts of a foreign key the catalog reads from its definition (constraints.py)."""

import pytest

from compute_node.pg_sql import constraints, index_definitions, values


@pytest.mark.parametrize("sql,name,table,columns,want", [
    ('CREATE UNIQUE INDEX "ix_t" ON "t" ("title")', "ix_t", "t", "title",
     "CREATE UNIQUE INDEX ix_t ON public.t USING btree (title)"),
    ('CREATE INDEX "Mixed" ON "T" ("a", "B" DESC)', "Mixed", "T", "a, B",
     'CREATE INDEX "Mixed" ON public."T" USING btree (a, "B" DESC)'),
    ("CREATE INDEX i ON t (a ASC, b)", "i", "t", "a, b", "CREATE INDEX i ON public.t USING btree (a, b)"),
    (None, "t_pkey", "t", "a, b", "CREATE UNIQUE INDEX t_pkey ON public.t USING btree (a, b)"),
    (None, "t_select_key", "t", "select", 'CREATE UNIQUE INDEX t_select_key ON public.t USING btree ("select")'),
])
def test_definition(sql, name, table, columns, want):
    assert index_definitions.definition(sql, name, table, columns) == want


@pytest.mark.parametrize("sql", ["CREATE INDEX i ON t (lower(a))", "CREATE INDEX i ON t (a) WHERE a > 0"])
def test_expression_and_partial_indexes_are_refused(sql):
    with pytest.raises(values.InputError) as e:
        index_definitions.definition(sql, "i", "t", "a")
    assert e.value.sqlstate == "0A000"


@pytest.mark.parametrize("definition,update,delete,referenced", [
    ("FOREIGN KEY (a) REFERENCES p(id)", "a", "a", "id"),
    ("FOREIGN KEY (a, b) REFERENCES p(x, y) ON UPDATE CASCADE ON DELETE SET NULL", "c", "n", "x,y"),
    ("FOREIGN KEY (a) REFERENCES p(id) ON DELETE RESTRICT NOT VALID", "a", "r", "id"),
    ("FOREIGN KEY (a) REFERENCES p(id) ON UPDATE SET DEFAULT", "d", "a", "id"),
    ("UNIQUE (a)", " ", " ", None),
])
def test_foreign_key_parts(definition, update, delete, referenced):
    assert constraints.foreign_key_part(definition, "update") == update
    assert constraints.foreign_key_part(definition, "delete") == delete
    assert constraints.foreign_key_part(definition, "referenced") == referenced


@pytest.mark.parametrize("sql,cols,want", [
    ('CREATE TABLE "c" ("id" integer, "p_id" bigint, CONSTRAINT "fk_rails_1" FOREIGN KEY ("p_id") REFERENCES "p" '
     '("id"))', "p_id", "fk_rails_1"),
    ("CREATE TABLE c (a int, b int, constraint Named foreign key (a, b) references p (x, y))", "a,b", "named"),
    ("CREATE TABLE c (a int references p (id))", "a", "c_a_fkey"),
    ('CREATE TABLE c (a int, b int, CONSTRAINT "other" FOREIGN KEY ("b") REFERENCES p (id), FOREIGN KEY (a) '
     "REFERENCES p (id))", "a", "c_a_fkey"),
])
def test_foreign_key_names(sql, cols, want):
    assert constraints.foreign_key_name(sql, "c", cols) == want


def _made(keys: str, where: str | None, sqlite_keys: str, head: str = "CREATE INDEX i", on: str = "ON t") -> str:
    return f"{head} {index_definitions.written_comment(keys, where, sqlite_keys)} {on} {sqlite_keys}"


def test_expression_and_partial_indexes_print_their_keys_as_written():
    sql = _made("lower(email)", None, "(lower(email))", head="CREATE UNIQUE INDEX i")
    assert index_definitions.definition(sql, "i", "t", None) == "CREATE UNIQUE INDEX i ON public.t USING btree " \
                                                                "(lower(email))"
    sql = _made("kind", "kind <> 'noise'", "(kind) WHERE kind <> 'noise'")
    assert index_definitions.definition(sql, "i", "t", "kind") == \
        "CREATE INDEX i ON public.t USING btree (kind) WHERE kind <> 'noise'"
    sql = _made("items", None, "(items)", on="ON t /*using gin*/")  # plain keys: read from SQLite's, the method kept
    assert index_definitions.definition(sql, "i", "t", "items") == "CREATE INDEX i ON public.t USING gin (items)"


def test_kept_keys_go_stale_when_sqlite_text_changes():
    """A column renamed since CREATE INDEX (SQLite rewrote its text): refused, never the old text."""
    sql = _made("lower(email)", None, "(lower(email))").replace("(lower(email))", "(lower(mail))")
    with pytest.raises(values.InputError) as e:
        index_definitions.definition(sql, "i", "t", None)
    assert e.value.sqlstate == "0A000"


@pytest.mark.parametrize("sql,cols,want", [
    ("CREATE TABLE c (a int REFERENCES p (id) DEFERRABLE INITIALLY DEFERRED, b int)", "a",
     " DEFERRABLE INITIALLY DEFERRED"),
    ("CREATE TABLE c (a int, b int, FOREIGN KEY (a, b) REFERENCES p (x, y) DEFERRABLE)", "a,b", " DEFERRABLE"),
    ("CREATE TABLE c (a int, FOREIGN KEY (a) REFERENCES p (x) DEFERRABLE INITIALLY IMMEDIATE)", "a", " DEFERRABLE"),
    ("CREATE TABLE c (a int REFERENCES p (id), b int REFERENCES q (id) DEFERRABLE)", "a", ""),
    ("CREATE TABLE c (a int REFERENCES p (id) NOT DEFERRABLE)", "a", ""),
])
def test_foreign_key_deferral(sql, cols, want):
    assert constraints.foreign_key_deferral(sql, cols) == want
