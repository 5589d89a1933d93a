"""The DO-block subset of PL/pgSQL: what it parses to, and what it refuses before
anything runs (compute_node/pg_sql/plpgsql.py)."""

from __future__ import annotations

import pytest

from compute_node.pg_sql.plpgsql import Block, Handler, If, Perform, Raise, Sql, parse_do
from sixfold.errors import SqlError


def test_the_migration_forms():
    _, tree = parse_do("""$$ BEGIN
        CREATE TYPE "public"."status" AS ENUM('a', 'b');
    EXCEPTION
        WHEN duplicate_object THEN null;
    END $$""")
    assert tree == Block([Sql("""CREATE TYPE "public"."status" AS ENUM('a', 'b')""")], [Handler(["42710"], [])])
    _, tree = parse_do("""$q$ begin
        if not exists (select 1 from pg_type where typname = 'then') then create type x as enum ('a');
        elsif 1 = 2 then raise notice 'n %, %', 1, 'two';
        else perform 1;
        end if;
        begin alter table t add column c int;
        exception when duplicate_column or sqlstate '42P07' then raise warning 'w'; when others then null;
        end;
    end $q$ language plpgsql""")
    assert tree == Block([
        If([("not exists (select 1 from pg_type where typname = 'then')", [Sql("create type x as enum ('a')")]),
            ("1 = 2", [Raise("notice", "n %, %", ["1", "'two'"])]), (None, [Perform("SELECT 1")])]),
        Block([Sql("alter table t add column c int")],
              [Handler(["42701", "42P07"], [Raise("warning", "w", [])]), Handler(["*"], [])])])


@pytest.mark.parametrize("body,sqlstate", [
    ("$$ declare n int; begin end $$", "0A000"),
    ("$$ begin loop null; end loop; end $$", "0A000"),
    ("$$ begin return; end $$", "0A000"),
    ("$$ begin select 1 into n; end $$", "0A000"),
    ("$$ begin exception when no_such_condition then null; end $$", "0A000"),
    ("$$ begin select 1; $$", "42601"),
    ("$$ begin if true then null; end $$", "42601"),
    ("$$ select 1 $$", "42601"),
    ("language sql $$ select 1 $$", "0A000"),
    ("language nosuch $$ begin end $$", "42704"),
    ("$$ " + "begin " * 40 + "null; " + "end; " * 39 + "end $$", "54001"),
])
def test_refused_before_anything_runs(body, sqlstate):
    with pytest.raises(SqlError) as e:
        parse_do(body)
    assert e.value.sqlstate == sqlstate, str(e.value)
