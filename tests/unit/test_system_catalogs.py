"""The catalog pieces tools such as pg_dump read (system_catalogs.py, dependencies.py,
domains.py, functions._format_builtin_type): pure functions of their arguments."""

import json

import apsw
import pytest

from compute_node.pg_sql import dependencies, domains, system_catalogs
from compute_node.pg_sql.functions import _format_builtin_type


@pytest.mark.parametrize("kind,want", [
    ("r", "{sixfold=arwdDxt/sixfold}"), ("s", "{sixfold=rwU/sixfold}"), ("n", "{sixfold=UC/sixfold}"),
    ("f", "{=X/sixfold,sixfold=X/sixfold}"), ("T", "{=U/sixfold,sixfold=U/sixfold}"), ("L", "{sixfold=rw/sixfold}"),
])
def test_acldefault(kind, want):
    assert system_catalogs.acldefault(kind, "sixfold") == want


def test_acldefault_of_an_unknown_kind_is_22023():
    with pytest.raises(apsw.SQLError, match=r"^\[22023\]"):
        system_catalogs.acldefault("q", "sixfold")
    assert system_catalogs.acldefault(None, "sixfold") is None


def test_name_subscripts_start_at_zero():
    assert [system_catalogs.name_at("_int4", i) for i in (0, 1, 4, 5, -1)] == ["_", "i", "4", None, None]


def test_regnamespace():
    assert system_catalogs.regnamespace("public") == 2200
    assert system_catalogs.regnamespace("PG_CATALOG") == 11
    with pytest.raises(apsw.SQLError, match=r"^\[3F000\]"):
        system_catalogs.regnamespace('"Public"')
    assert system_catalogs.regnamespace_name(13000) == "information_schema"
    assert system_catalogs.regnamespace_name(42) == "42"


def test_empty_catalogs_have_their_columns_and_no_rows():
    conn = apsw.Connection(":memory:")
    for name, sql in system_catalogs.relations().items():
        cur = conn.execute(sql)
        assert list(cur) == [] or name == "pg_language", name
    names = [r[1] for r in conn.execute(system_catalogs.relations()["pg_language"])]
    assert names == ["internal", "c", "sql", "plpgsql"]


@pytest.mark.parametrize("query,want", [
    (" select o.id from orders o join customers c on c.id = o.customer_id;", ["orders", "customers"]),
    ('with x as (select 1) select * from x, "Mixed", public.t, pg_catalog.pg_class, T', ["Mixed", "t"]),
    ("select 1", []),
    ("not sql at all (", []),
    (None, []),
])
def test_referenced_relations(query, want):
    assert json.loads(dependencies.referenced_relations(query)) == want


def test_column_domain_follows_the_column_definition():
    sql = ('CREATE TABLE s (sku text, qty integer NOT NULL CONSTRAINT "positive_qty_check" CHECK (qty > 0) '
           'CONSTRAINT "pgdomain:positive_qty" CHECK (1), n int)')
    assert domains.column_domain(sql, "qty") == "positive_qty"
    assert domains.column_domain(sql, "QTY") == "positive_qty"
    assert domains.column_domain(sql, "sku") is None
    assert domains.column_domain("CREATE TABLE s (a int)", "a") is None


@pytest.mark.parametrize("oid,typmod,want", [
    (1043, 124, "character varying(120)"), (1043, -1, "character varying"), (1042, 5, "character(1)"),
    (1700, (12 << 16 | 2) + 4, "numeric(12,2)"), (1700, None, "numeric"), (1184, 3, "timestamp(3) with time zone"),
    (1083, 0, "time(0) without time zone"), (1009, -1, "text[]"), (1015, 24, "character varying(20)[]"),
    (1186, -1, "interval"), (23, -1, "integer"), (424242, -1, "???"), (None, -1, None),
])
def test_format_type_applies_the_typmod(oid, typmod, want):
    assert _format_builtin_type(oid, typmod) == want
