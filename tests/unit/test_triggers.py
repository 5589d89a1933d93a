"""Trigger functions and row triggers (compute_node/pg_sql/triggers.py, routines.py): the
PL/pgSQL a trigger function may hold, IF/RETURN compiled into guards (checked against a
direct interpretation, with SQLite evaluating the guards), and the SQLite triggers at
work on an in-memory database."""

from __future__ import annotations

import re
import sqlite3

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from compute_node.pg_sql import plpgsql, triggers
from sixfold.errors import SqlError
from tests.unit.memory_sql import memory_database


# --- parsing ---------------------------------------------------------------------------------
def test_trigger_body_forms():
    tree = plpgsql.parse_trigger_body("""
        begin
          new.updated_at := now();
          NEW."Note" = 'a := b';
          if tg_op = 'DELETE' then return old; end if;
          insert into log values (new.id);
          return NULL;
        end""")
    assert tree == plpgsql.Block([
        plpgsql.Assign("updated_at", "now()"), plpgsql.Assign("Note", "'a := b'"),
        plpgsql.If([("tg_op = 'DELETE'", [plpgsql.Return("old")])]), plpgsql.Sql("insert into log values (new.id)"),
        plpgsql.Return("null")])


@pytest.mark.parametrize("body,sqlstate", [
    ("begin old.x := 1; return new; end", "0A000"),
    ("begin return 1; end", "0A000"),
    ("declare n int; begin return new; end", "0A000"),
    ("begin x := 1; return new; end", "42601"),
    ("begin retur new; end", "42601"),
    ("begin for r in select 1 loop null; end loop; return new; end", "0A000"),
    ("begin select count(*) into n from t; return new; end", "0A000"),
])
def test_trigger_body_refusals(body, sqlstate):
    with pytest.raises(SqlError) as e:
        plpgsql.parse_trigger_body(body)
    assert e.value.sqlstate == sqlstate, str(e.value)


# --- IF / RETURN as guards -----------------------------------------------------------------
CONDITIONS = ("c1", "c2", "c3")


def _trees(depth: int):
    leaf = st.one_of(st.integers(0, 99).map(lambda i: plpgsql.Sql(f"s{i}")),
                     st.sampled_from(["new", "null"]).map(plpgsql.Return))
    if depth == 0:
        return st.lists(leaf, max_size=4)
    cond = st.sampled_from(CONDITIONS + ("c1 and not c2", "c3 or c2"))
    branch = st.tuples(cond, _trees(depth - 1))
    if_node = st.builds(lambda bs, els: plpgsql.If(bs + ([(None, els)] if els is not None else [])),
                        st.lists(branch, min_size=1, max_size=3), st.none() | _trees(depth - 1))
    block = _trees(depth - 1).map(plpgsql.Block)
    return st.lists(st.one_of(leaf, if_node, block), max_size=4)


def _run(nodes, env, ran) -> bool:
    """Interpret directly: append what runs; True when a RETURN ended it."""
    for node in nodes:
        if isinstance(node, plpgsql.Sql):
            ran.append(node.text)
        elif isinstance(node, plpgsql.Return):
            ran.append(f"return {node.row}")
            return True
        elif isinstance(node, plpgsql.Block):
            if _run(node.body, env, ran):
                return True
        else:
            for cond, body in node.branches:
                if cond is None or _truth(cond, env):
                    if _run(body, env, ran):
                        return True
                    break
    return False


def _truth(sql: str, env: dict) -> bool:
    db = sqlite3.connect(":memory:")
    sql = re.sub(r"\b(c\d)\b", r":\1", sql)  # the conditions' variables, bound
    return bool(db.execute(f"SELECT COALESCE(({sql}), 0)", env).fetchone()[0])


@settings(max_examples=150, deadline=None)
@given(body=_trees(2), values=st.lists(st.sampled_from([1, 0, None]), min_size=3, max_size=3))
def test_guards_run_what_the_body_would(body, values):
    env = {c: v for c, v in zip(CONDITIONS, values)}
    want: list[str] = []
    returned = _run(body, env, want)
    steps: list = []
    end = triggers._flatten([plpgsql.Block(body)], None, steps)

    def holds(guard):
        return guard is None or _truth(guard.replace("false", "0"), {c: env[c] for c in CONDITIONS})
    got = [n.text if isinstance(n, plpgsql.Sql) else f"return {n.row}" for g, n in steps if holds(g)]
    assert got == want
    assert (end is not False and holds(end)) == (not returned)  # the end reached: 2F005


# --- at work, in memory ----------------------------------------------------------------------
@pytest.fixture
def db():
    """Each test names its tables apart (memory_sql.py)."""
    return memory_database()


def test_updated_at_and_audit(db):
    db("create table t (id serial primary key, name text, at timestamptz default '2020-01-01', d date)")
    db("create table log (op text, id int, note text)")
    db("create function touch() returns trigger language plpgsql as $$ begin new.at := '2024-05-01 12:00+02'; "
       "return new; end $$")
    db("create trigger t_touch before update on t for each row execute function touch()")
    db("create function audit() returns trigger language plpgsql as $$ begin "
       "insert into log values (tg_op, coalesce(new.id, old.id), 'd=' || new.d); return null; end $$")
    db("create trigger t_audit after insert or update or delete on t for each row execute function audit()")
    db("insert into t (name, d) values ('a', 'Jan 2 2024')")  # canonicalized by an internal update
    assert db("select * from log") == [("INSERT", 1, "d=2024-01-02")]
    db("update t set name = 'b'")
    assert db("select name, at from t") == [("b", "2024-05-01 10:00:00+00")]
    db("delete from t")
    assert db("select op from log") == [("INSERT",), ("UPDATE",), ("DELETE",)]


def test_what_could_see_an_assignment_early_is_refused(db):
    db("create table t2 (id int primary key, at timestamptz, n int)")
    db("create function touch() returns trigger language plpgsql as $$ begin new.at := now(); return new; end $$")
    db("create function show() returns trigger language plpgsql as $$ begin "
       "if new.at is null then raise exception 'no time'; end if; return new; end $$")
    db("create trigger a_touch before insert on t2 for each row execute function touch()")
    with pytest.raises(SqlError) as e:  # reads NEW.at, which a_touch assigns after the write
        db("create trigger b_show after insert on t2 for each row execute function show()")
    assert e.value.sqlstate == "0A000"
    with pytest.raises(SqlError) as e:
        db("insert into t2 values (1, null, 1) returning at")
    assert e.value.sqlstate == "0A000"
    assert db("insert into t2 values (2, null, 1) returning id, n") == [(2, 1)]
    with pytest.raises(SqlError) as e:
        db("drop function touch()")
    assert e.value.sqlstate == "2BP01"
    db("drop function touch() cascade")
    assert db("select count(*) from pg_trigger") == [(0,)]


def test_function_replaced_recompiles_its_triggers(db):
    db("create table t3 (id int primary key, n int)")
    db("create function f() returns trigger language plpgsql as $$ begin new.n := 1; return new; end $$")
    db("create trigger t_f before insert on t3 for each row execute function f()")
    db("insert into t3 values (1, 0)")
    db("create or replace function f() returns trigger language plpgsql as $$ begin new.n := 2; return new; end $$")
    db("insert into t3 values (2, 0)")
    assert db("select n from t3 order by id") == [(1,), (2,)]
    with pytest.raises(SqlError) as e:
        db("create function f() returns trigger language plpgsql as $$ begin return new; end $$")
    assert e.value.sqlstate == "42723"
