"""Temporary tables' renaming (compute_node/pg_sql/temp_tables.py): which names in a
statement are the session's temporary tables, and what is left alone."""

from __future__ import annotations

import pytest

from compute_node.pg_sql.temp_tables import parse_create, rewrite, strip_names, token_of
from sixfold.errors import SqlError

TOKEN = "ab12cd34"
P = f"sixfold_temp_{TOKEN}_"


def rw(sql: str, tables=("t", "u"), indexes=("i",)) -> str:
    return rewrite(sql, TOKEN, set(tables), set(indexes)).sql


@pytest.mark.parametrize("sql,expected", [
    ("select * from t", f"select * from {P}t"),
    ("select t.a, x.b from t join x on t.a = x.a", f"select {P}t.a, x.b from {P}t join x on {P}t.a = x.a"),
    ("select * from x, t where t.a = 1", f"select * from x, {P}t where {P}t.a = 1"),
    ("SELECT * FROM T", f"SELECT * FROM {P}t"),
    ("insert into t (a) values (1) on conflict (a) do update set a = t.a",
     f"insert into {P}t (a) values (1) on conflict (a) do update set a = {P}t.a"),
    ("update t set a = 1 from u where u.a = t.a", f"update {P}t set a = 1 from {P}u where {P}u.a = {P}t.a"),
    ("delete from t using u where u.a = t.a", f"delete from {P}t using {P}u where {P}u.a = {P}t.a"),
    ("create index i on t (a)", f"create index {P}i on {P}t (a)"),
    ("create index on t (a)", f"create index on {P}t (a)"),
    ("drop index i", f"drop index {P}i"),
    ("drop table if exists t, u, v", f"drop table if exists {P}t, {P}u, v"),
    ("truncate t, u", f"truncate {P}t, {P}u"),
    ("copy t (a) from stdin", f"copy {P}t (a) from stdin"),
    ("create table x as select * from t", f"create table x as select * from {P}t"),
    ("alter table t rename to v", f"alter table {P}t rename to {P}v"),
    ("select * from (select * from t) s where s.a > 1", f"select * from (select * from {P}t) s where s.a > 1"),
    ("select * from pg_temp.t", f"select * from {P}t"),
    ("select (select count(*) from t) from u", f"select (select count(*) from {P}t) from {P}u"),
    ("create trigger g after insert on t for each row execute function f()",
     f"create trigger g after insert on {P}t for each row execute function f()"),
    ("explain select * from t", f"explain select * from {P}t"),
    ("comment on table t is 'from t'", f"comment on table {P}t is 'from t'"),
    ('select * from "t"', f"select * from {P}t"),
])
def test_references_renamed(sql, expected):
    assert rw(sql) == expected


@pytest.mark.parametrize("sql", [
    "select t.a from other t",  # an alias of another table
    "with t as (select 1 a) select * from t",  # a CTE shadows the table
    "with recursive t(n) as (select 1 union all select n + 1 from t where n < 3) select * from t",
    "select * from public.t",
    "create table t (a int)",  # CREATE TABLE's own name is a permanent table's
    "select extract(year from t) from x",  # a column named like the table
    "select a is distinct from t from x",
    "select t from x",
    "select 'from t' from x",
    'select * from "T"',  # another name
    "select * from x -- from t",
])
def test_other_names_left_alone(sql):
    assert rw(sql) == sql


def test_what_the_statement_refers_to():
    r = rewrite("create table x (a int references t(a))", TOKEN, {"t"}, set())
    assert (r.renamed, r.referenced_by_fk) == ({"t"}, True)
    r = rewrite("select * from x", TOKEN, {"t"}, set())
    assert (r.renamed, r.referenced_by_fk) == (set(), False)


def test_pg_temp_of_a_missing_table_is_42p01():
    with pytest.raises(SqlError) as e:
        rw("select * from pg_temp.nope")
    assert e.value.sqlstate == "42P01"


@pytest.mark.parametrize("sql,name,body,on_commit", [
    ("create temp table t (a int) on commit drop", "t", f"CREATE TABLE {P}t (a int) ", "drop"),
    ("CREATE TEMPORARY TABLE IF NOT EXISTS \"My T\" as select 1", "My T",
     f'CREATE TABLE IF NOT EXISTS "{P}My T" as select 1', "preserve"),
    ("create local temp table t (a int) ON COMMIT DELETE ROWS;", "t", f"CREATE TABLE {P}t (a int) ", "delete"),
    ("create temp table pg_temp.t (a int) on commit preserve rows", "t", f"CREATE TABLE {P}t (a int) ", "preserve"),
    ("select a, (select 1) into temporary table T from x where y in (select 1)", "t",
     f"select a, (select 1) into {P}t from x where y in (select 1)", "preserve"),
    ("select 1 as a into temp t", "t", f"select 1 as a into {P}t", "preserve"),
])
def test_create_temp_table(sql, name, body, on_commit):
    c = parse_create(sql, TOKEN)
    assert (c.name, c.sql, c.on_commit) == (name, body, on_commit)


def test_not_a_temporary_table():
    assert parse_create("create table t (a int)", TOKEN) is None
    assert parse_create("select 1 into t", TOKEN) is None
    for sql in ("create temp view v as select 1", "create temporary sequence s"):
        with pytest.raises(SqlError) as e:
            parse_create(sql, TOKEN)
        assert e.value.sqlstate == "0A000"


def test_names_in_messages_and_tokens():
    assert strip_names(f'duplicate key in relation "{P}t"', TOKEN) == 'duplicate key in relation "t"'
    assert token_of(f"{P}t") == TOKEN
    assert token_of("t") is None
