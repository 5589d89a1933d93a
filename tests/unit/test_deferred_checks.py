"""Deferred foreign key checks (deferred_checks.py): when a violation is kept and when it
is raised, and what SET CONSTRAINTS checks. The queries run against a plain SQLite."""

import apsw
import pytest

from compute_node.pg_sql import constraints, functions
from compute_node.pg_sql import deferred_checks as dc
from sixfold.errors import SqlError

MSG = '[23503] insert or update on table "c" violates foreign key constraint "c_fk"'


@pytest.fixture
def db():
    """p and c, with c's key to p added as ALTER TABLE adds it (deferrable)."""
    conn = apsw.Connection(":memory:")
    functions.register(conn)
    conn.execute("create table p (id int primary key); create table c (id int primary key, p int)")
    for sql in constraints.add_foreign_key("c", "add constraint c_fk foreign key (p) references p (id) "
                                                "deferrable initially deferred"):
        conn.execute(sql)
    return conn


@pytest.fixture
def state():
    st = dc.DeferredChecks(in_block=True)
    dc.SESSION.state = st
    yield st
    dc.SESSION.state = None


def _execute(db):
    return lambda sql, params: list(db.execute(sql, params))


def test_kept_when_deferred_in_a_block(state):
    assert dc.violated("c_fk", 1, MSG) is None
    assert state.pending == {"c_fk": MSG}


@pytest.mark.parametrize("in_block,initially_deferred,all_deferred,named", [
    (False, 1, None, {}),  # autocommit: checked at once
    (True, 0, None, {}),  # DEFERRABLE INITIALLY IMMEDIATE
    (True, 1, False, {}),  # SET CONSTRAINTS ALL IMMEDIATE
    (True, 0, True, {"c_fk": False}),  # the name's own setting wins over ALL
])
def test_raised_when_immediate(state, in_block, initially_deferred, all_deferred, named):
    state.in_block, state.all_deferred, state.named = in_block, all_deferred, dict(named)
    with pytest.raises(apsw.SQLError, match=r"^\[23503\] insert or update"):
        dc.violated("c_fk", initially_deferred, MSG)
    assert state.pending == {}


def test_raised_without_a_session():
    dc.SESSION.state = None
    with pytest.raises(apsw.SQLError):
        dc.violated("c_fk", 1, MSG)


def test_commit_check_reads_the_rows_as_they_are_then(db, state):
    db.execute("insert into c values (1, 5)")  # (the trigger keeps it: in a block, deferred)
    with pytest.raises(SqlError) as e:
        dc.check_pending(state, None, _execute(db))
    assert e.value.sqlstate == "23503" and str(e.value).startswith("insert or update on table")
    db.execute("insert into p values (5)")
    dc.check_pending(state, None, _execute(db))
    assert state.pending == {}


def test_set_constraints_all(db, state):
    db.execute("insert into c values (1, 5)")  # (the trigger keeps it: in a block, deferred)
    with pytest.raises(SqlError):
        dc.set_constraints(state, None, False, _execute(db), lambda: False)
    db.execute("delete from c")
    dc.set_constraints(state, None, False, _execute(db), lambda: False)
    assert state.all_deferred is False and state.pending == {}
    dc.set_constraints(state, None, True, _execute(db), lambda: False)
    assert state.deferred("c_fk", False)
    state.transaction_ended()
    assert state.all_deferred is None and not state.deferred("c_fk", False)


def test_the_check_follows_renames(db, state):
    """The check read at commit is the trigger's as SQLite keeps it through renames."""
    db.execute("alter table c rename to c2; alter table p rename to p2; alter table c2 rename column p to pp")
    db.execute("insert into c2 values (1, 5)")
    assert list(state.pending) == ["c_fk"]
    with pytest.raises(SqlError):
        dc.check_pending(state, None, _execute(db))
    db.execute("insert into p2 values (5)")
    dc.check_pending(state, None, _execute(db))
    assert [q.split(" WHERE ")[0] for q in dc.check_queries("c_fk", _execute(db))] == ['SELECT 1 FROM "c2" AS c']
