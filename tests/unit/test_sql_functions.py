"""Functions that return a value, inlined into the statements that call them
(compute_node/pg_sql/sql_functions.py), on an in-memory database: each test names its
tables and functions apart (translations are cached by schema version)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sixfold.errors import SqlError
from tests.unit.memory_sql import memory_database


@pytest.fixture(scope="module")
def db():
    run = memory_database()
    run("create function fx_sgn(x int) returns text as $$ begin if x > 0 then return 'pos'; "
        "elsif x < 0 then return 'neg'; end if; if x is null then return null; end if; return 'zero'; end $$ "
        "language plpgsql")
    run("create function fx_clamp(x int, lo int default 0, hi int default 10) returns int language sql "
        "return greatest(lo, least(hi, x))")
    return run


@settings(max_examples=60, deadline=None)
@given(x=st.none() | st.integers(-5, 15), lo=st.integers(-3, 3), hi=st.integers(4, 12))
def test_inlined_bodies_compute_what_the_body_says(db, x, lo, hi):
    arg = "null" if x is None else str(x)
    sign = None if x is None else "pos" if x > 0 else "neg" if x < 0 else "zero"
    # greatest/least skip NULLs, as PostgreSQL's: least(hi, NULL) is hi
    clamp = max(lo, min(hi, x)) if x is not None else hi
    assert db(f"select fx_sgn({arg}), fx_clamp({arg}, {lo}, {hi}), fx_clamp({arg})") == [
        (sign, clamp, max(0, min(10, x)) if x is not None else 10)]


def test_a_caller_column_is_not_captured_by_the_body(db):
    db("create table fx_t (id int primary key, price numeric(10,2), qty int)")
    db("insert into fx_t values (1, 2.5, 3), (2, null, 4), (3, 10, -2)")
    db("create function fx_first(p numeric) returns int language sql as "
       "'select qty from fx_t where price >= p order by fx_t.id'")
    # the body's fx_t and the caller's are two scopes: price is the caller's row, each time
    assert db("select id, fx_first(price) from fx_t order by id") == [(1, 3), (2, None), (3, -2)]


@pytest.mark.parametrize("sql,sqlstate", [
    ("select fx_clamp(1.5)", "42883"),          # numeric where an integer is declared
    ("select fx_clamp(2::bigint)", "42883"),    # bigint does not narrow
    ("select fx_clamp()", "42883"),
    ("select fx_clamp(1, 2, 3, 4)", "42883"),
    ("create function fx_bad(x int) returns int language sql as 'select x, x'", "42P13"),
    ("create function fx_bad(x nosuch) returns int language sql as 'select 1'", "42704"),
    ("create function fx_bad(out x int) returns int language sql as 'select 1'", "0A000"),
    ("create function fx_bad() returns setof int language sql as 'select 1'", "0A000"),
    ("create function fx_bad() returns int language sql as 'insert into fx_t values (9, 1, 1)'", "0A000"),
    ("create function fx_sgn(x text) returns text language sql as 'select x'", "42723"),
    ("create or replace function fx_sgn(x text) returns text language sql as 'select x'", "0A000"),
])
def test_refused_as_postgresql_or_as_not_supported(db, sql, sqlstate):
    with pytest.raises(SqlError) as e:
        db(sql)
    assert e.value.sqlstate == sqlstate, str(e.value)
