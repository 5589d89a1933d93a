"""Tables made from a query (compute_node/pg_sql/table_as.py), in memory: the columns take
the query's PostgreSQL types, and a materialized view refuses writes but its REFRESH."""

from __future__ import annotations

import pytest

from sixfold.errors import SqlError
from tests.unit.memory_sql import memory_database


def test_create_table_as_declares_the_query_types():
    db = memory_database()
    db("create table ta_src (id int primary key, g varchar(3), amt numeric(10,2), at timestamptz, ok boolean)")
    db("insert into ta_src values (1, 'a', 1.5, '2024-01-01', true), (2, 'a', 2, '2024-01-02', false)")
    db("create table ta_s as select g, sum(amt) as total, count(*) as n, max(at) as last, bool_or(ok) as any, "
       "'x' as lit, amt from ta_src group by g, amt")
    decl = {name: t for _, name, t, *_ in db("select * from pragma_table_info('ta_s')")}
    # (a computed numeric: numeric without a precision, declared to SQLite as its text form)
    assert decl == {"g": "varchar(3)", "total": "numeric text", "n": "bigint",
                    "last": "timestamp with time zone", "any": "boolean", "lit": "TEXT", "amt": "numeric(10,2)"}
    assert db("select count(*) from ta_s where total > 1") == [(2,)]  # by value, not as text
    assert db("select total from ta_s order by total") == [("1.50",), ("2.00",)]  # each one's display scale
    with pytest.raises(SqlError) as e:
        db("create table ta_bad as select (select 1 where false) as x, null::int + 1 as y, "
           "pg_typeof(1) as z")
    assert e.value.sqlstate == "0A000"


def test_materialized_view_refuses_writes_but_refresh():
    db = memory_database()
    db("create table tm_src (id int primary key, g text)")
    db("insert into tm_src values (1, 'a')")
    db("create materialized view tm_mv as select g, count(*) as n from tm_src group by g")
    db("insert into tm_src values (2, 'a'), (3, 'b')")
    assert db("select * from tm_mv order by g") == [("a", 1)]
    for write in ("insert into tm_mv values ('z', 1)", "update tm_mv set n = 0", "delete from tm_mv"):
        with pytest.raises(SqlError) as e:
            db(write)
        assert e.value.sqlstate == "42809"
    db("refresh materialized view tm_mv")
    assert db("select * from tm_mv order by g") == [("a", 2), ("b", 1)]
    with pytest.raises(SqlError) as e:
        db("drop table tm_mv")
    assert e.value.sqlstate == "42809"
