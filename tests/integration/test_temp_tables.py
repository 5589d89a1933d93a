"""Temporary tables end to end with psycopg: each session's own, shadowing a permanent
table of the same name, ON COMMIT, DISCARD TEMP, dropped when the session ends and, after
a crash of the writer, when it starts again (compute_node/pgwire/temp_tables.py)."""

from __future__ import annotations

import psycopg
import pytest
from psycopg import errors as pe

from sixfold.supervisor import wait_until

pytestmark = pytest.mark.integration
GONE_WITHIN_S = 10.0  # a closed session's tables are dropped by then
PHYSICAL = "select name from sqlite_master where type = 'table' and name like 'sixfold\\_temp\\_%' escape '\\'"


@pytest.fixture
def cluster(pg_module_cluster):
    return pg_module_cluster


def connect(cluster) -> psycopg.Connection:
    return psycopg.connect(cluster.uri(), connect_timeout=10, autocommit=True)


def physical_tables(conn) -> set[str]:
    """Every session's temporary tables as stored. A test compares only its own session's
    (those it saw appear): an earlier test's closed session may still be dropping its."""
    return {n for (n,) in conn.execute(PHYSICAL).fetchall()}


def test_each_session_has_its_own_and_they_shadow_public(cluster):
    with connect(cluster) as a, connect(cluster) as b:
        a.execute("create table tt_shadow (id int primary key, v text)")
        a.execute("insert into tt_shadow values (1, 'public')")
        a.execute("create temp table tt_shadow (id int primary key, v text)")
        b.execute("create temp table tt_shadow (id int, w int)")
        a.execute("insert into tt_shadow values (2, 'a')")
        b.execute("insert into tt_shadow values (3, 30), (4, 40)")
        assert a.execute("select * from tt_shadow").fetchall() == [(2, "a")]
        assert b.execute("select id, w from tt_shadow order by id").fetchall() == [(3, 30), (4, 40)]
        assert a.execute("select * from public.tt_shadow").fetchall() == [(1, "public")]
        assert a.execute("select * from pg_temp.tt_shadow").fetchall() == [(2, "a")]
        assert a.execute("select tt_shadow.v, p.v from tt_shadow join public.tt_shadow p on true").fetchall() == \
            [("a", "public")]
        with psycopg.ClientCursor(a) as cur:  # the same through the simple protocol
            cur.execute("update tt_shadow set v = 'a2' where tt_shadow.id = %s", (2,))
            assert cur.rowcount == 1
        with pytest.raises(pe.UniqueViolation) as e:
            a.execute("insert into tt_shadow values (2, 'dup')")
        assert "sixfold_temp" not in str(e.value)  # the session's own name in messages
        with connect(cluster) as c:  # a third session sees the permanent table only
            assert c.execute("select * from tt_shadow").fetchall() == [(1, "public")]
            assert c.execute("select count(*) from pg_class where relname like 'sixfold%'").fetchone() == (0,)
        a.execute("drop table tt_shadow")  # the temporary one, as in PostgreSQL
        assert a.execute("select * from tt_shadow").fetchall() == [(1, "public")]
        a.execute("drop table tt_shadow")


def test_created_in_one_query_and_rolled_back(cluster):
    with connect(cluster) as a:
        a.execute("create temp table tt_batch (a int); insert into tt_batch values (1), (2); "
                  "create index tt_batch_a on tt_batch (a)")
        assert a.execute("select count(*) from tt_batch").fetchone() == (2,)
        with pytest.raises(RuntimeError):
            with a.transaction():
                a.execute("create temp table tt_rolled (a int)")
                raise RuntimeError("roll back")
        with pytest.raises(pe.UndefinedTable) as e:
            a.execute("select * from tt_rolled")
        assert 'relation "tt_rolled" does not exist' in str(e.value)
        with a.cursor().copy("copy tt_batch from stdin") as cp:
            cp.write_row((3,))
        assert a.execute("select array_agg(a order by a) from tt_batch").fetchone() == ([1, 2, 3],)
        a.execute("drop index tt_batch_a")


def test_on_commit_delete_rows_and_drop(cluster):
    with connect(cluster) as a:
        a.execute("create temp table tt_rows (a int) on commit delete rows")
        with a.transaction():
            a.execute("insert into tt_rows values (1), (2)")
            assert a.execute("select count(*) from tt_rows").fetchone() == (2,)
        assert a.execute("select count(*) from tt_rows").fetchone() == (0,)
        a.execute("insert into tt_rows values (3)")  # its own transaction: emptied at its commit
        assert a.execute("select count(*) from tt_rows").fetchone() == (0,)
        with a.transaction():
            a.execute("create temp table tt_drop (a int) on commit drop")
            a.execute("insert into tt_drop values (1)")
            assert a.execute("select count(*) from tt_drop").fetchone() == (1,)
        with pytest.raises(pe.UndefinedTable):
            a.execute("select * from tt_drop")


def test_refused_where_postgres_differs(cluster):
    with connect(cluster) as a:
        a.execute("create temp table tt_ref (id int primary key)")
        with pytest.raises(pe.InvalidTableDefinition):  # 42P16, as in PostgreSQL
            a.execute("create table tt_perm_child (r int references tt_ref (id))")
        a.execute("create temp table tt_temp_child (r int references tt_ref (id))")  # allowed
        with pytest.raises(pe.FeatureNotSupported):  # PostgreSQL would make the view temporary
            a.execute("create view tt_v as select * from tt_ref")
        with pytest.raises(pe.FeatureNotSupported):
            a.execute("create temp view tt_v2 as select 1")


def test_discard_and_session_end_drop_them(cluster):
    with connect(cluster) as watcher:
        before = physical_tables(watcher)
        a = connect(cluster)
        a.execute("create temp table tt_end1 (a int)")
        a.execute("create temp table tt_end2 (a int)")
        a.execute("discard temp")
        with pytest.raises(pe.UndefinedTable):
            a.execute("select * from tt_end1")
        a.execute("create temp table tt_end3 (a int)")
        a.execute("insert into tt_end3 values (1)")
        mine = physical_tables(watcher) - before
        assert len(mine) == 1
        a.close()
        wait_until(lambda: not physical_tables(watcher) & mine, GONE_WITHIN_S, "the closed session's tables dropped")


def test_a_serial_in_one_has_the_session_s_sequence_and_goes_with_it(cluster):
    """A temporary table's serial column takes its values from a sequence the session
    names as it named it (pg_temp first); the sequence goes with the table at the
    session's end (the drop failed on it when the catalog took it for a table)."""
    with connect(cluster) as watcher:
        before = physical_tables(watcher)
        a = connect(cluster)
        a.execute("create temp table tt_serial (id serial primary key, v int)")
        assert a.execute("insert into tt_serial (v) values (1), (2) returning id").fetchall() == [(1,), (2,)]
        assert a.execute("select currval('tt_serial_id_seq')").fetchone() == (2,)
        a.execute("select setval('tt_serial_id_seq', 10)")
        assert a.execute("insert into tt_serial (v) values (3) returning id").fetchone() == (11,)
        with connect(cluster) as b:  # another session has no such sequence
            with pytest.raises(pe.UndefinedTable):
                b.execute("select nextval('tt_serial_id_seq')")
        mine = physical_tables(watcher) - before
        assert len(mine) == 2  # the table and its sequence
        a.close()
        wait_until(lambda: not physical_tables(watcher) & mine, GONE_WITHIN_S, "the closed session's tables dropped")


def test_a_crashed_writer_drops_them_when_it_starts_again(pg_cluster):
    c = pg_cluster
    a = psycopg.connect(c.uri(), connect_timeout=10, autocommit=True)
    a.execute("create temp table tt_crash (a int)")
    a.execute("insert into tt_crash values (1)")
    writer = c.writer_name()
    c.kill(writer)
    a.close()
    c.start(writer)
    c.wait_ready(writer)
    with psycopg.connect(c.uri(), connect_timeout=10, autocommit=True) as b:
        # The first session on the new writer dropped what no open session owns.
        assert physical_tables(b) == set()
        with pytest.raises(pe.UndefinedTable):
            b.execute("select * from tt_crash")
