"""Views read as their query (compute_node/pg_sql/views.py) and renames carried along
(renames.py), in memory: a view's computed numerics compare as numbers; a stale
definition falls back to SQLite's view; a rename keeps views current and frees the old
table name; what a view reads is dropped only with CASCADE."""

from __future__ import annotations

import apsw
import pytest

from compute_node.pg_sql import catalog, renames
from compute_node.pg_sql.views import view_columns_kept
from sixfold.errors import SqlError
from tests.unit.memory_sql import memory_database


def test_a_view_compares_its_computed_numerics_as_numbers():
    db = memory_database()
    db("create table uv_t (id int primary key, a numeric(10,2))")
    db("insert into uv_t values (1, 2.5), (2, 3), (3, 10)")
    db("create view uv_v as select id, a + 1.5 as x, a * 2 as y, a / 1.5 as r from uv_t")
    assert db("select id from uv_v where x > 10") == [(3,)]  # as text, 4.00 > 10 too
    assert db("select id from uv_v where y = 20") == [(3,)]
    assert db("select id from uv_v order by y desc") == [(3,), (2,), (1,)]
    assert db("select r from uv_v where id = 3") == [("6.6666666666666667",)]  # the quotient's own text


def test_a_renamed_column_keeps_the_view_current_and_its_column_names():
    db = memory_database()
    db("create table uw_t (id int primary key, a numeric(10,2))")
    db("insert into uw_t values (1, 2.5), (2, 30)")
    db("create view uw_v as select id, a, a * 2 as y from uw_t")
    db("create view uw_w as select v.a from uw_v v where v.y > 10")  # SQLite alone refused the rename
    db("alter table uw_t rename column a to b")
    assert db("select id, a from uw_v where y > 10") == [(2, 30)]
    assert db("select a from uw_w") == [(30,)]
    definition = db("select sql from sqlite_master where name = 'uw_v'")[0][0]
    assert "b AS a" in catalog.view_definition(definition)
    db("alter table uw_t rename to uw_r")
    assert db("select count(*) from uw_v where y > 10") == [(1,)]


def test_an_older_views_stale_definition_reads_sqlites_view():
    db = memory_database()
    db("create table us_t (id int primary key, a numeric(10,2))")
    db("insert into us_t values (1, 5), (2, 50)")
    db("create view us_v as select id, a * 2 as y from us_t")
    assert db("select id from us_v where y > 20") == [(2,)]  # inlined: y is a number
    sql = db("select sql from sqlite_master where name = 'us_v'")[0][0]
    assert catalog.view_definition_kept_current(sql)
    older = sql.replace("sixfold view definition 2: ", "sixfold view definition: ")  # the comment's first version
    assert not catalog.view_definition_kept_current(older)
    db("drop view us_v")
    db.conn.execute(older)  # its definition still translates to its SQLite query: inlined
    assert db("select id from us_v where y > 20") == [(2,)]
    db("drop view us_v")
    # no longer (as after a rename Sixfold did not then carry along): read as SQLite's
    # view, whose y is the text it showed ('10.00' > 20 as text)
    db.conn.execute(older.replace("PG_ARITH('*t', a, 2", "PG_ARITH('*t', a, 3"))
    assert db("select id from us_v where y > 20 order by id") == [(1,), (2,)]


def test_a_renamed_table_frees_its_name_for_a_new_table():
    db = memory_database()
    db("create table ur_p (id int primary key)")
    db("create table ur_a (id int primary key, a numeric(10,2), d date, p int references ur_p(id), check (a > 0))")
    db("alter table ur_a rename to ur_b")
    db("create table ur_a (id int primary key, a numeric(10,2), d date)")  # its triggers' names were taken
    db("insert into ur_p values (1)")
    db("insert into ur_b values (1, 2.555, '2024-01-31', 1)")
    assert db("select a, d from ur_b") == [(2.56, "2024-01-31")]


def test_renamed_trigger_names_and_markers():
    assert renames.renamed_name("sixfold_in:t.a:i", "t", "u") == "sixfold_in:u.a:i"
    assert renames.renamed_name("sixfold_in:t2.a:i", "t", "u") == "sixfold_in:t2.a:i"
    assert renames.renamed_name("sixfold_con:c:t:c_p_fkey:pd", "t", "u") == "sixfold_con:c:u:c_p_fkey:pd"
    assert renames.renamed_name("sixfold_trg:T:touch:bi", "t", "u") == "sixfold_trg:u:touch:bi"
    assert renames.renamed_name("user_trigger", "t", "u") == "user_trigger"
    sql = ('CREATE TRIGGER "sixfold_con:c:t:k:ci" BEFORE INSERT ON c FOR EACH ROW '
           '/*sixfold_con {"name": "k", "parent": "t", "def": "FOREIGN KEY (p) REFERENCES t(id)"}*/ BEGIN SELECT 1; END')
    out = renames.renamed_sql("sixfold_con:c:t:k:ci", sql, "t", "u")
    assert out.startswith('CREATE TRIGGER "sixfold_con:c:u:k:ci" BEFORE INSERT ON c')
    assert '"parent": "u"' in out and "REFERENCES u(id)" in out


def test_dropping_what_a_view_reads_needs_cascade():
    db = memory_database()
    db("create table ud_t (id int primary key, a int)")
    db("create view ud_v as select id, a * 2 as y from ud_t")
    db("create view ud_w as select y from ud_v")
    for drop in ("drop table ud_t", "drop view ud_v"):
        with pytest.raises(SqlError) as e:
            db(drop)
        assert e.value.sqlstate == "2BP01"
    db("drop view ud_w, ud_v")  # both in one statement: nothing is left reading ud_v
    db("create view ud_v as select id from ud_t")
    db("drop table ud_t cascade")
    names = {r[0] for r in db("select name from sqlite_master where name like 'ud_%'")}
    assert names == set()


def test_a_replaced_view_keeps_the_old_columns():
    old = '[["a", "int"], ["b", "text"]]'
    assert view_columns_kept(old, '[["a", "int"], ["b", "text"], ["c", ""]]') == 1  # a new column may follow
    assert view_columns_kept(old, '[["a", "integer"], ["b", ""]]') == 1  # (a type SQLite does not declare)
    for new, message in (('[["a", "int"]]', "cannot drop columns from view"),
                         ('[["b", "int"], ["a", "text"]]', 'cannot change name of view column "a" to "b"'),
                         ('[["a", "bigint"], ["b", "text"]]', 'view column "a" from integer to bigint')):
        with pytest.raises(apsw.SQLError, match="42P16") as raised:
            view_columns_kept(old, new)
        assert message in str(raised.value)
