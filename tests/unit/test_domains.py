"""CREATE DOMAIN (compute_node/pg_sql/domains.py), in memory: a domain's column takes its
base type and constraints; a cast to it checks them."""

from __future__ import annotations

import pytest

from compute_node.pg_sql import domains
from sixfold.errors import SqlError
from tests.unit.memory_sql import memory_database


def test_value_is_replaced_outside_strings_only():
    assert domains.with_value("VALUE > 0 and value <> 'value'", "qty") == "qty > 0 and qty <> 'value'"


def test_domain_columns_and_casts():
    db = memory_database()
    db("create domain dm_pos as integer not null check (value > 0) default 1")
    db("create table dm_t (id int primary key, q dm_pos, r public.dm_pos default 9)")
    db("insert into dm_t (id) values (1)")
    assert db("select q, r from dm_t") == [(1, 9)]
    for bad, sqlstate in (("insert into dm_t (id, q) values (2, 0)", "23514"),
                          ("insert into dm_t (id, q) values (3, null)", "23502"),
                          ("select 0::dm_pos", "23514"), ("select null::dm_pos", "23502"),
                          ("create domain dm_pos as text", "42710"), ("create domain dm_a as int[]", "0A000"),
                          ("alter domain dm_pos drop not null", "0A000")):
        with pytest.raises(SqlError) as e:
            db(bad)
        assert e.value.sqlstate == sqlstate, bad
    assert db("select 3::dm_pos + 1") == [(4,)]
    for in_use, sqlstate in (("drop domain dm_pos", "2BP01"), ("drop domain dm_pos cascade", "0A000")):
        with pytest.raises(SqlError) as e:
            db(in_use)  # dm_t's columns are of it
        assert e.value.sqlstate == sqlstate, in_use
    db("drop table dm_t")
    db("drop domain dm_pos")
    with pytest.raises(SqlError) as e:
        db("select 3::dm_pos")
    assert e.value.sqlstate == "42704"
