"""The pure parts of optimistic write transactions (compute_node/optimistic.py): which
statements a log may hold, and when two outcomes are the same answer."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, strategies as st

from compute_node import optimistic
from compute_node.optimistic import Outcome, WriteLog
from sixfold.constants import OPTIMISTIC_LOG_ROWS_MAX, OPTIMISTIC_LOG_STATEMENTS_MAX

values = st.one_of(st.none(), st.integers(), st.floats(allow_nan=True), st.text(max_size=5), st.binary(max_size=5))
rows = st.lists(st.tuples(values, values), max_size=4)
outcomes = st.builds(Outcome, columns=st.just(("a", "b")), decltypes=st.just(("INT", "TEXT")),
                     rows=rows.map(tuple), rowcount=st.integers(-1, 3),
                     command=st.sampled_from(["SELECT", "UPDATE"]), sqlstate=st.sampled_from([None, "23505"]))


@given(outcomes)
def test_an_outcome_is_the_same_as_itself_and_its_copy(o):
    assert o.same_as(o)
    assert o.same_as(Outcome(o.columns, o.decltypes, tuple(tuple(r) for r in o.rows), o.rowcount, o.command,
                             o.sqlstate))


@given(outcomes, outcomes)
def test_same_as_is_symmetric(a, b):
    assert a.same_as(b) == b.same_as(a)


@given(outcomes, st.data())
def test_any_changed_value_is_a_different_answer(o, data):
    if not o.rows:
        return
    i = data.draw(st.integers(0, len(o.rows) - 1))
    j = data.draw(st.integers(0, 1))
    new = data.draw(values)
    old = o.rows[i][j]
    if type(new) is type(old) and (new == old or (isinstance(new, float) and math.isnan(new) and math.isnan(old))):
        return
    changed = list(o.rows)
    row = list(changed[i])
    row[j] = new
    changed[i] = tuple(row)
    other = Outcome(o.columns, o.decltypes, tuple(changed), o.rowcount, o.command, o.sqlstate)
    assert not o.same_as(other)


def test_types_count_and_nan_equals_nan():
    def one(v):
        return Outcome(("x",), ("",), ((v,),), -1, "SELECT")
    assert not one(1).same_as(one(1.0))
    assert not one(1).same_as(one(True))
    assert not one("1").same_as(one(b"1"))
    assert one(float("nan")).same_as(one(float("nan")))
    assert not one(None).same_as(one(0))
    assert not Outcome(rowcount=1, command="UPDATE").same_as(Outcome(rowcount=0, command="UPDATE"))
    assert not Outcome(sqlstate="23505").same_as(Outcome(sqlstate="23503"))
    assert not Outcome(sqlstate="23505").same_as(Outcome())


@pytest.mark.parametrize("stmt", [
    "SELECT 1", "  insert into t values (1)", "UPDATE t SET a = a + ?1 WHERE id = ?2", "delete from t",
    "WITH x AS (SELECT 1) SELECT * FROM x", "VALUES (1)", "select now()",
])
def test_replayable(stmt):
    assert optimistic.replayable(stmt)


@pytest.mark.parametrize("stmt", [
    "CREATE TABLE t (a int)", "DROP TABLE t", "ALTER TABLE t ADD b int", "SAVEPOINT s", "RELEASE s",
    "ROLLBACK TO s", "PRAGMA schema_version", "SELECT pg_random()", "insert into t values (gen_random_uuid())",
    "select clock_timestamp()", "select pg_sleep(1)", "select pg_notify('c', 'x')",
    "select pg_advisory_xact_lock(1)", "select txid_current()", "select pg_current_xact_id()",
    "select pg_cancel_backend(3)",
])
def test_not_replayable(stmt):
    assert not optimistic.replayable(stmt)


def test_a_log_is_bounded_in_statements_and_rows():
    log = WriteLog(schema_epoch=(0, 0))
    for _ in range(OPTIMISTIC_LOG_STATEMENTS_MAX - 1):
        log.record("UPDATE t SET a = 1", (), Outcome(rowcount=1, command="UPDATE"))
    assert not log.full
    log.record("UPDATE t SET a = 1", (), Outcome(rowcount=1, command="UPDATE"))
    assert log.full
    with pytest.raises(AssertionError):
        log.record("SELECT 1", (), Outcome())
    big = WriteLog(schema_epoch=(0, 0))
    big.record("SELECT a FROM t", (), Outcome(("a",), ("",), tuple((i,) for i in range(OPTIMISTIC_LOG_ROWS_MAX)),
                                              -1, "SELECT"))
    assert big.full


def test_the_difference_says_what_changed():
    assert "fails with 23505" in optimistic.difference("INSERT INTO t VALUES (1)", Outcome(), Outcome(sqlstate="23505"))
    assert "answers differently" in optimistic.difference("SELECT a FROM t", Outcome(rowcount=0), Outcome(rowcount=1))
