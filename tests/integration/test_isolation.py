"""Isolation under concurrency, checked: seeded list-append transactions from four
clients against the writer, and an Elle-style dependency-graph check of the history.

REPEATABLE READ must be snapshot isolation: no G0, G1, G-single, lost update, and no
transaction reading anything but its snapshot plus its own writes. SERIALIZABLE must
also have no G2. Replay a failure with the SIXFOLD_SEED it prints (the interleaving
differs, the transactions do not); the history is kept in the test's tmp_path.

Then the rule behind it, one transaction at a time, on the engine in-process.
"""

from __future__ import annotations

import threading

import pytest

from compute_node.engine import ComputeNode
from compute_node.pg_sql.statement import LOCKING_READ_MARK, LOCKING_READ_NOWAIT_MARK
from sixfold.supervisor import wait_until
from sixfold.errors import ReadOnlyTransaction, SixfoldError
from sixfold.workloads.list_append import SERIALIZATION_FAILURE, ListAppend
from tests.integration.mtr_workload import seed_from_env

RUN_S = 6.0
RUN_MAX_S = 60.0
CLIENTS_COUNT = 4
# Below what a run commits in RUN_S (~900 on a loaded 2-core laptop), far above what a
# run that mostly fails would: the check cannot pass on an empty history. A slow machine
# runs on past RUN_S (up to RUN_MAX_S) until this many committed.
COMMITTED_MIN = 200
EXPECTED_ERRORS = {SERIALIZATION_FAILURE, "55P03"}  # 55P03: the write lock's bounded wait


# The rows of a run share a page or two; with padding they spread over many, so that
# transactions also go on past commits that changed no page they read (their snapshot
# moves forward): that path gets checked too.
@pytest.mark.parametrize("isolation,row_pad_bytes", [("repeatable read", 0), ("serializable", 0),
                                                     ("serializable", 1500)],
                         ids=["repeatable-read", "serializable", "serializable-rows-spread"])
def test_list_append_is_isolated(pg_cluster, tmp_path, isolation, row_pad_bytes):
    seed = seed_from_env()
    wl = ListAppend(pg_cluster.uri(), seed, clients=CLIENTS_COUNT, isolation=isolation, row_pad_bytes=row_pad_bytes)
    wl.setup()
    _run_and_check(wl, seed, tmp_path, f"{isolation}, rows padded {row_pad_bytes} bytes")


def test_optimistic_transactions_are_serializable(pg_cluster, tmp_path):
    """sixfold.write_concurrency = optimistic at READ COMMITTED: the transactions run off
    the write lock and are replayed at COMMIT; the history must have no G2 either."""
    seed = seed_from_env()
    wl = ListAppend(pg_cluster.uri(), seed, clients=CLIENTS_COUNT, isolation="read committed",
                    write_concurrency="optimistic")
    wl.setup()
    _run_and_check(wl, seed, tmp_path, "optimistic, read committed asked (serializable checked)")


def test_replica_reads_are_snapshots(cluster_builder, tmp_path):
    """Read-only transactions on a read replica, while clients write on the writer: each
    reads one snapshot (an older one is allowed, the replica lags), never a mix of two
    (a G-single cycle through the reader). Rows spread over pages, where a mix shows."""
    import secrets

    import psycopg

    cluster = cluster_builder.build(writer=True, replicas=1, password=secrets.token_urlsafe(12))
    writer, replica = cluster.compute_names
    seed = seed_from_env()
    wl = ListAppend(cluster.uri(writer), seed, clients=CLIENTS_COUNT - 1, isolation="repeatable read",
                    row_pad_bytes=1500, reader_uri=cluster.uri(replica), reader_clients=2)
    wl.setup()
    with psycopg.connect(cluster.uri(replica), autocommit=True) as conn:
        wait_until(lambda: conn.execute("select count(*) from la").fetchone() == (0,), 30,
                   "the replica to have the table")
    _run_and_check(wl, seed, tmp_path, "repeatable read, 2 readers on a replica")


def _run_and_check(wl: ListAppend, seed: int, tmp_path, label: str) -> None:
    history = wl.run(RUN_S, ok_min=COMMITTED_MIN, duration_max_s=RUN_MAX_S)
    (tmp_path / "history.jsonl").write_text(history.dumps())
    result = wl.check(history)
    m = wl.metrics(history)
    verdict = result.render(per_kind_max=0).splitlines()[0]
    print(f"SIXFOLD_SEED={seed} {label}: {verdict}")
    print("metrics: " + ", ".join(f"{k}={v:.3g}" if isinstance(v, float) else f"{k}={v}" for k, v in m.items()))
    assert result.valid, f"SIXFOLD_SEED={seed}, history in {tmp_path}\n{result.render()}"
    assert m["ok"] >= COMMITTED_MIN, m
    assert m["info"] == 0, [op.describe() for op in history.ops if op.type == "info"][:5]
    unexpected = {op.error for op in history.ops if op.error and op.error.split(":", 1)[0] not in EXPECTED_ERRORS}
    assert not unexpected, sorted(unexpected)[:5]


# --- the rule, transaction by transaction (the engine in-process) ----------------------
def _fails_with_40001(write) -> None:
    with pytest.raises(SixfoldError) as e:
        write()
    assert e.value.sqlstate == SERIALIZATION_FAILURE, e.value


def _snapshot_txn(node: ComputeNode, level: str = "repeatable read"):
    s = node.session()
    s.execute(f"begin isolation level {level}")
    return s


def test_first_write_fails_after_a_concurrent_commit_on_every_path(cluster_builder):
    """A snapshot transaction that read and then writes after another transaction
    committed gets 40001, whichever way its first write comes (a statement, a
    savepoint, execute_many as COPY does); a concurrent rollback ships nothing and
    does not count; a transaction whose first statement writes has nothing to
    conflict with; nor has one whose reads no concurrent commit changed."""
    cluster = cluster_builder.build()
    with ComputeNode(cluster.spec) as node:
        other = node.session()
        other.execute("create table kv(k integer primary key, v integer)")
        other.execute("insert into kv values (1, 0)")
        first_writes = [
            lambda s: s.execute("update kv set v = v + 1 where k = 1"),
            lambda s: s.execute("savepoint sp"),
            lambda s: s.execute_many("insert into kv values (?, ?)", [(100, 1)]),
            lambda s: s.execute("insert into kv select 101, v from kv where k = 1"),
        ]
        for level in ("repeatable read", "serializable"):
            for i, write in enumerate(first_writes):
                s = _snapshot_txn(node, level)
                assert s.execute("select v from kv where k = 1").rows
                other.execute("update kv set v = v + 1 where k = 1")
                _fails_with_40001(lambda: write(s))
                assert s.execute("select count(*) from kv").rows == [(1,)], "its snapshot stays readable"
                s.execute("rollback")
                s.close()

        s = _snapshot_txn(node)
        (v0,) = s.execute("select v from kv where k = 1").rows[0]
        other.execute("begin")
        other.execute("insert into kv values (2, 0)")
        other.execute("rollback")
        s.execute("update kv set v = v + 1 where k = 1")  # a rollback is no concurrent commit
        assert s.execute("select v from kv where k = 1").rows == [(v0 + 1,)]
        s.execute("commit")

        s = _snapshot_txn(node)
        other.execute("update kv set v = v + 1 where k = 1")
        s.execute("update kv set v = v + 1 where k = 1")  # a write first: its snapshot starts here
        assert s.execute("select v from kv where k = 1").rows == [(v0 + 3,)]
        s.execute("commit")
        assert node.metrics()["serialization_failures"] == 2 * len(first_writes)

        # A commit that changed no page the transaction read: its reads are the same
        # at the writer's state, so its snapshot moves on to it instead of failing.
        other.execute("create table elsewhere(k integer primary key, v integer)")
        other.execute("insert into elsewhere values (1, 0)")
        for level in ("repeatable read", "serializable"):
            s = _snapshot_txn(node, level)
            assert s.execute("select v from kv where k = 1").rows == [(v0 + 3,)]
            other.execute("update elsewhere set v = v + 1")
            s.execute("update kv set v = v where k = 1")
            assert s.execute("select v from elsewhere").rows == [(1 if level == "repeatable read" else 2,)]
            s.execute("commit")
        assert node.metrics()["snapshot_advances"] == 2
        assert node.metrics()["serialization_failures"] == 2 * len(first_writes)


def test_a_commit_not_yet_durable_is_in_the_next_snapshot_or_fails_its_write(cluster_builder):
    """The issue's mechanism. A commit is shipped and has released the write lock but is
    not durable (storage below a write quorum). A snapshot transaction that reads
    without it must get 40001 at its write (before the fix it wrote over it: a lost
    update). One that starts meanwhile with the snapshot wait on waits for it and
    sees it."""
    cluster = cluster_builder.build()
    paused = [*cluster.names_in_az("az1"), cluster.names_in_az("az2")[0]]  # 3 of 6: no write quorum
    with ComputeNode(cluster.spec) as node:
        a = node.session()
        a.execute("create table kv(k integer primary key, v integer)")
        a.execute("insert into kv values (1, 0)")
        for n in paused:
            cluster.pause(n)
        committer = threading.Thread(target=a.execute, args=("update kv set v = 1 where k = 1",))
        try:
            committer.start()
            wait_until(lambda: node.last_shipped_cpl > node.vc.vdl, 10, "the update shipped, not durable")

            node.snapshot_wait_timeout_ms = 0  # read at VDL, without the commit
            b = _snapshot_txn(node)
            assert b.execute("select v from kv where k = 1").rows == [(0,)]
            _fails_with_40001(lambda: b.execute("update kv set v = v + 10 where k = 1"))
            b.execute("rollback")

            node.snapshot_wait_timeout_ms = 60_000
            waiting = threading.Event()
            settle = node.settle_snapshot

            def settle_and_tell():
                waiting.set()
                settle()

            node.settle_snapshot = settle_and_tell
            seen: list = []
            c = _snapshot_txn(node)
            reader = threading.Thread(target=lambda: seen.append(c.execute("select v from kv where k = 1").rows))
            reader.start()
            assert waiting.wait(10)
        finally:
            for n in paused:
                cluster.resume(n)
            committer.join(30)
        reader.join(30)
        assert seen == [[(1,)]]
        c.execute("update kv set v = v + 10 where k = 1")
        c.execute("commit")
        assert a.execute("select v from kv").rows == [(11,)]


def test_a_read_point_past_a_commit_sees_all_of_it(cluster_builder):
    """A reader that pins a read point at or above a commit's LSN sees every page it
    changed, however late the committing SQL thread runs after sending it (a busy
    machine may deschedule it for milliseconds). Here that thread is held after its
    submit returned until the commit is durable, and a snapshot reads meanwhile: before
    the fix the cache got the commit's pages only after the submit returned, so the
    reader, pinned past the commit, got their previous versions from the cache (seen
    by the isolation test as G-single: one row of a transaction read, another not)."""
    cluster = cluster_builder.build()
    with ComputeNode(cluster.spec) as node:
        w = node.session()
        w.execute("create table t(k integer primary key, v integer, pad blob)")
        w.execute("insert into t values (1, 0, zeroblob(3000)), (2, 0, zeroblob(3000))")  # a page each
        reader = node.session()
        assert reader.execute("select k, v from t order by k").rows == [(1, 0), (2, 0)]  # cached, both pages

        access = node.vfs.access
        real_submit = access.submit
        seen: list = []

        def read_snapshot() -> None:
            reader.execute("begin isolation level repeatable read")
            rows = reader.execute("select k, v from t order by k").rows
            seen.append((node.vfs.reader_files[reader.reader_name].read_lsn, rows))
            reader.execute("commit")

        def submit_then_stall(*args):
            commit = real_submit(*args)
            wait_until(lambda: node.vc.vdl >= commit.cpl, 10, "the commit durable")
            t = threading.Thread(target=read_snapshot)
            t.start()
            t.join(30)
            seen.append(commit.cpl)
            return commit

        access.submit = submit_then_stall
        try:
            w.execute("update t set v = 1")
        finally:
            access.submit = real_submit
        (read_lsn, rows), cpl = seen
        assert read_lsn >= cpl, seen
        assert rows == [(1, 1), (2, 1)], f"a read at LSN {read_lsn}, past the commit at {cpl}, saw {rows}"
        assert w.execute("select k, v from t order by k").rows == [(1, 1), (2, 1)]


def test_select_for_update_waits_for_the_first_locker(cluster_builder):
    """Read-modify-write under SELECT ... FOR UPDATE loses no update: the second locker
    waits (for the write lock, taken by a locking read as by a write) until the first one
    commits, then reads what it wrote. A read-only transaction cannot lock (25006)."""
    cluster = cluster_builder.build()
    with ComputeNode(cluster.spec) as node:
        setup = node.session()
        setup.execute("create table acct(id integer primary key, bal integer)")
        setup.execute("insert into acct values (1, 100)")
        first, second = node.session(), node.session()
        locking_read = f"select bal from acct where id = 1 {LOCKING_READ_MARK}"
        first.execute("begin")
        ((bal,),) = first.execute(locking_read).rows
        seen: list = []

        def read_modify_write() -> None:
            second.execute("begin")
            ((b,),) = second.execute(locking_read).rows
            seen.append(b)
            second.execute(f"update acct set bal = {b + 10} where id = 1")
            second.execute("commit")

        t = threading.Thread(target=read_modify_write)
        t.start()
        wait_until(lambda: node.write_lock_waiters == 1, 10, "the second locker waits for the first")
        assert seen == []
        first.execute(f"update acct set bal = {bal + 10} where id = 1")
        first.execute("commit")
        t.join(10)
        assert not t.is_alive() and seen == [110]
        assert setup.execute("select bal from acct").rows == [(120,)]

        # NOWAIT: the lock now, or 55P03 at once
        nowait = f"select bal from acct where id = 1 {LOCKING_READ_NOWAIT_MARK}"
        first.execute("begin")
        first.execute(locking_read)
        second.execute("begin")
        with pytest.raises(SixfoldError) as refused:
            second.execute(nowait)
        assert refused.value.sqlstate == "55P03" and node.write_lock_waiters == 0
        second.execute("rollback")
        first.execute("commit")
        second.execute("begin")
        assert second.execute(nowait).rows == [(120,)]
        second.execute("commit")

        ro = node.session()
        ro.execute("begin read only")
        with pytest.raises(ReadOnlyTransaction):
            ro.execute(locking_read)
        ro.execute("rollback")
        for s in (setup, first, second, ro):
            s.close()
