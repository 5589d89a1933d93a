"""Differential test of the compute node's SQL engine against plain in-memory SQLite.

Hypothesis runs random sequences of DDL, DML, SELECTs and transactions (BEGIN /
COMMIT / ROLLBACK, savepoints, BEGIN READ ONLY, constraint errors inside and outside
transactions) from two sessions of one Sixfold compute node, and the same statements
against the model in `sql_model` (in-memory SQLite). Every statement must give the
same rows, rowcount and columns, or the same SQLSTATE; each session's transaction
state must match SQLite's; at the end (open transactions rolled back) the schema and
contents must be equal, and again after a new compute node recovers the volume.

One cluster serves the whole run; each example starts by dropping every table.
Seeded and replayable: SIXFOLD_SEED=<seed> replays a run (the seed is printed);
SIXFOLD_SQL_EXAMPLES sets the number of examples; SIXFOLD_SQL_SHRINK=1 shrinks a
failure to a minimal sequence (slow: minutes).
"""

from __future__ import annotations

import os
import time
from collections import Counter

import pytest
from hypothesis import HealthCheck, Phase, given, note, seed, settings
from hypothesis import strategies as st

from compute_node.engine import ComputeNode, Session
from sixfold.constants import BUFFER_CACHE_BYTES_MAX, PAGE_SIZE_BYTES
from sixfold.errors import SixfoldError
from tests.integration.mtr_workload import seed_from_env
from tests.integration.sql_model import (
    CREATE, SAVEPOINT_KINDS, TABLES, TXN_KINDS, Model, Outcome, Stmt, abbrev, dump, ok_outcome, run_apsw,
    statement_strategy, weighted,
)

SESSIONS = 2  # session 0 does most of the work; session 1 also reads while 0 holds a transaction
STATEMENTS_MAX = 40
EXAMPLES = int(os.environ.get("SIXFOLD_SQL_EXAMPLES") or 80)
# Shrinking a failure re-runs examples for minutes: on request only (the failing
# example's statements are printed either way).
SHRINK = os.environ.get("SIXFOLD_SQL_SHRINK", "") not in ("", "0")


def run_engine(sess: Session, stmt: Stmt) -> Outcome:
    try:
        r = sess.execute(stmt.sql, stmt.params)
    except SixfoldError as e:
        return Outcome(False, e.sqlstate, message=str(e))
    return ok_outcome(r.columns, r.rows, r.rowcount)


def fmt_stmt(s: int, stmt: Stmt) -> str:
    params = f"  -- params {tuple(abbrev(p) for p in stmt.params)}" if stmt.params else ""
    return f"[{'AB'[s]}] {stmt.sql};{params}"


class Run:
    """What all examples share: the cluster, one volume, the compute node on it, and
    counters for the summary. (A volume per example would be cleaner, but every
    volume keeps background work running on every storage node.)"""

    VOLUME = "sqldiff"

    def __init__(self, spec):
        self.spec = spec
        self.node: ComputeNode | None = None
        self.cache_bytes = 0
        self.stats: Counter = Counter()
        self.examples = 0

    def node_with(self, cache_bytes: int) -> ComputeNode:
        if self.node is None or self.cache_bytes != cache_bytes:
            self.drop_node()
            self.node = ComputeNode(self.spec, volume=self.VOLUME, cache_bytes=cache_bytes).start()
            self.cache_bytes = cache_bytes
        return self.node

    def reopen(self) -> ComputeNode:
        """A new compute node: it recovers the volume."""
        self.drop_node()
        return self.node_with(BUFFER_CACHE_BYTES_MAX)

    def drop_node(self) -> None:
        node, self.node = self.node, None
        if node is not None:
            node.close()


def engine_rows(sess: Session):
    return lambda sql: sess.execute(sql).rows


def one_example(run: Run, data) -> None:
    run.examples += 1
    # A small buffer cache makes readers fetch old page versions from storage.
    cache_pages = data.draw(st.sampled_from([BUFFER_CACHE_BYTES_MAX // PAGE_SIZE_BYTES, 16]), label="cache pages")
    node = run.node_with(cache_pages * PAGE_SIZE_BYTES)
    reset = node.session()  # start from an empty database (sessions of its own: new reader connections)
    try:
        for (name,) in reset.execute("SELECT name FROM sqlite_master WHERE type = 'table'").rows:
            reset.execute(f'DROP TABLE "{name}"')
        assert reset.execute("SELECT count(*) FROM sqlite_master").rows == [(0,)]
    finally:
        reset.close()
    model = Model(SESSIONS)
    sessions = [node.session() for _ in range(SESSIONS)]
    log: list[str] = []

    def fail(msg: str):
        note("statements of this example (A, B = sessions):\n" + "\n".join(log))
        raise AssertionError(f"{msg}\n--- statements (A, B = sessions):\n" + "\n".join(log[-60:]))

    def check_txn_state(after: str) -> None:
        """The node's own idea of each session's transaction (white box) is SQLite's."""
        for i, sess in enumerate(sessions):
            # "pending": a write transaction that has not written yet (the write lock is
            # taken at its first write); to the model it is the open write transaction.
            if {"pending": "write"}.get(sess.txn, sess.txn) != model.mode[i]:
                fail(f"after {after}: session {'AB'[i]} is in transaction {sess.txn!r} on the node, "
                     f"{model.mode[i]!r} in SQLite")
        w = model.writer_session()
        writing = w is not None and sessions[w].txn != "pending"  # pending: not on the writer yet
        if node.writer.in_transaction != writing:
            fail(f"after {after}: the node's writer connection in_transaction={node.writer.in_transaction}, "
                 f"SQLite's: {writing}")

    def check_integrity(sess: Session, when: str) -> None:
        rows = sess.execute("PRAGMA integrity_check").rows
        if rows != [("ok",)]:
            fail(f"PRAGMA integrity_check {when}: {rows[:10]}")

    def check_visible(after: str) -> None:
        """What the writer committed is visible to a new session now."""
        fresh = node.session()
        try:
            got = dump(engine_rows(fresh))
        finally:
            fresh.close()
        expected = dump(lambda sql: run_apsw_rows(model.ref, sql))
        if got != expected:
            fail(f"right after {after}, a new session sees other contents than SQLite's: "
                 f"{diff_dumps(got, expected)}")

    def step(s: int, stmt: Stmt) -> None:
        autocommit = model.mode[s] is None
        observed = run_engine(sessions[s], stmt)
        if any(len(r) != len(observed.columns) for r in observed.rows):
            log.append(f"{fmt_stmt(s, stmt)}\n      node: {observed.short()} columns={list(observed.columns)}")
            fail("the node's result has rows of another width than its columns")
        outs = model.execute(s, stmt)
        full = stmt.kind not in TXN_KINDS and stmt.kind not in SAVEPOINT_KINDS
        log.append(f"{fmt_stmt(s, stmt)}\n      node: {observed.short()}")
        run.stats[f"{stmt.kind} {'ok' if observed.ok else observed.sqlstate}"] += 1
        if not model.accept(s, stmt, outs, observed, full):
            fail(f"statement result differs\n  node:   {observed.short()}\n  sqlite: "
                 + "\n  sqlite: ".join(o.short() for o in outs) + f"\n  in {fmt_stmt(s, stmt)}")
        check_txn_state(fmt_stmt(s, stmt))
        if autocommit and not outs[0].ok and outs[0].rowcount and model.writer_session() is None:
            # A failed autocommit statement that SQLite committed in part (INSERT OR FAIL):
            # once it has returned, its changes are durable and visible like any commit's.
            run.stats["failed autocommit with changes"] += 1
            check_visible(fmt_stmt(s, stmt))

    ok = False
    try:
        for table in TABLES:  # the tables exist at first, so most statements do something
            step(0, Stmt("ddl", CREATE[table].format(ine="")))
        count = data.draw(st.integers(1, STATEMENTS_MAX), label="statements")
        for _ in range(count):
            s = data.draw(weighted((7, st.just(0)), (3, st.just(1))), label="session")
            other_writes = model.writer_session() not in (None, s)
            stmt = data.draw(statement_strategy(model.mode[s], other_writes, tuple(model.savepoints[s])),
                             label=f"statement {'AB'[s]}")
            step(s, stmt)
        for s in range(SESSIONS):
            if model.mode[s] is not None:
                step(s, Stmt("rollback", "ROLLBACK"))
        expected = dump(lambda sql: run_apsw_rows(model.ref, sql))
        got = dump(engine_rows(sessions[1]))
        if got != expected:
            fail(f"final contents differ: {diff_dumps(got, expected)}")
        check_integrity(sessions[0], "at the end of the example")
        ok = True
    finally:
        for sess in sessions:
            try:
                sess.close()
            except SixfoldError:
                pass
        model.close()
        if not ok:
            run.drop_node()  # whatever state it is in, the next example starts on a new one
    # A new compute node recovers the volume: the committed state, nothing else.
    node = run.reopen()
    sess = node.session()
    try:
        got = dump(engine_rows(sess))
        if got != expected:
            fail(f"contents after recovery differ: {diff_dumps(got, expected)}")
        check_integrity(sess, "after recovery")
    finally:
        sess.close()
    run.stats["statements"] += len(log)


def run_apsw_rows(conn, sql):
    out = run_apsw(conn, sql)
    assert out.ok, (sql, out)
    return [tuple(v for _, v in r) for r in out.rows]


def diff_dumps(got: dict, expected: dict) -> str:
    parts = []
    for key in sorted(set(got) | set(expected)):
        g, e = got.get(key), expected.get(key)
        if g != e:
            if key == "schema":
                parts.append(f"schema: node {g} / sqlite {e}")
            else:
                g, e = set(g or ()), set(e or ())

                def rows(rs):
                    return [tuple(abbrev(v) for v in r) for r in sorted(rs, key=repr)][:5]

                parts.append(f"{key}: only on the node {rows(g - e)}, only in sqlite {rows(e - g)}")
    return "; ".join(parts)


@pytest.mark.integration
def test_sql_matches_sqlite(cluster_builder):
    run_seed = seed_from_env()
    cluster = cluster_builder.build()
    run = Run(cluster.spec)
    t0 = time.monotonic()

    @settings(max_examples=EXAMPLES, deadline=None, database=None, print_blob=True,
              phases=list(Phase) if SHRINK else [Phase.explicit, Phase.reuse, Phase.generate, Phase.target],
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @seed(run_seed)
    @given(data=st.data())
    def differential(data):
        one_example(run, data)

    try:
        differential()
    finally:
        run.drop_node()
        took = time.monotonic() - t0
        kinds = ", ".join(f"{k}: {n}" for k, n in sorted(run.stats.items()) if k != "statements")
        print(f"\nSIXFOLD_SEED={run_seed}: {run.examples} examples, {run.stats['statements']} statements "
              f"in {took:.1f} s\n  {kinds}")
