"""Read replicas on the shared volume, against real processes: they serve reads of what
the writer committed, refuse writes with 25006 and answer as a hot standby; under
pgbench load a replica session never sees half a transaction nor a state older than
one it already saw; storage keeps what a replica's open transaction reads; a replica
follows a writer that restarted (new epoch) without losing its place; and a promoted
replica takes writes with the data intact."""

from __future__ import annotations

import asyncio
import subprocess
import threading
from decimal import Decimal

import grpc
import psycopg
import pytest

from sixfold.supervisor import wait_until
from sixfold.rpc import compute_pb2 as cpb
from sixfold.rpc import compute_pb2_grpc as cpb_grpc
from tests.integration.test_pg_clients import PGBENCH

LOAD_S = 8
CATCH_UP_S = 10


@pytest.fixture
def replicated(cluster_builder):
    import secrets

    return cluster_builder.build(writer=True, replicas=1, password=secrets.token_urlsafe(12))


def connect(cluster, name: str) -> psycopg.Connection:
    return psycopg.connect(cluster.uri(name), autocommit=True)


def promote(cluster, name: str) -> cpb.PromoteResponse:
    async def call():
        async with grpc.aio.insecure_channel(cluster.spec.compute(name).admin_address) as ch:
            return await cpb_grpc.ComputeNodeStub(ch).Promote(cpb.PromoteRequest(generation=2, reason="test"),
                                                              timeout=30)
    return asyncio.run(call())


@pytest.mark.integration
def test_replica_serves_reads_and_refuses_writes(replicated):
    w, r = connect(replicated, "db-1"), connect(replicated, "db-2")
    w.execute("create table t(id int primary key, v text)")
    w.execute("insert into t select i, 'row ' || i from generate_series(1, 500) as s(i)")
    wait_until(lambda: r.execute("select count(*) from t").fetchone()[0] == 500, CATCH_UP_S, "the replica")
    assert r.execute("select v from t where id = 77").fetchone() == ("row 77",)
    assert r.execute("show transaction_read_only").fetchone() == ("on",)
    assert r.execute("select pg_is_in_recovery()").fetchone() == (True,)
    assert w.execute("show transaction_read_only").fetchone() == ("off",)
    assert w.execute("select pg_is_in_recovery()").fetchone() == (False,)
    for stmt in ("insert into t values (1000, 'x')", "update t set v = 'y'", "create table u(a int)",
                 "delete from t"):
        with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
            r.execute(stmt)
    with r.transaction():
        with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
            r.execute("insert into t values (1001, 'x')")
    assert r.execute("select count(*) from t").fetchone() == (500,)
    lag = r.execute("select sixfold_metric('lag_lsn')").fetchone()[0]
    assert lag is not None and lag >= 0
    # A prepared statement on the replica is analyzed again after the writer's schema
    # changes reach it: kept when its result stays the same, 0A000 when it would not.
    w.execute("create table p(id int primary key, n numeric(10,2))")
    w.execute("insert into p values (1, 2.5)")
    wait_until(lambda: r.execute("select count(*) from p").fetchone()[0] == 1, CATCH_UP_S, "the replica")
    q = "select n * 2 as d from p where id = %s"
    assert [r.execute(q, (1,), prepare=True).fetchone()[0] for _ in range(2)] == [Decimal("5.00")] * 2
    w.execute("create table p_unrelated(a int)")
    w.execute("alter table p add column z int default 7")
    wait_until(lambda: r.execute("select count(*) from p where z = 7").fetchone()[0] == 1, CATCH_UP_S, "the replica")
    assert r.execute(q, (1,), prepare=True).fetchone()[0] == Decimal("5.00")
    w.execute("alter table p alter column n type numeric(10,3)")
    wait_until(lambda: str(r.execute("select n from p").fetchone()[0]) == "2.500", CATCH_UP_S, "the replica")
    with pytest.raises(psycopg.errors.FeatureNotSupported, match="cached plan must not change result type"):
        r.execute(q, (1,), prepare=True)
    with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):  # as a hot standby answers
        r.execute("select txid_current()")


@pytest.mark.integration
def test_replica_sessions_see_whole_transactions_and_never_go_back(replicated):
    """pgbench TPC-B on the writer keeps sum(abalance) = sum(bbalance) = sum(tbalance) =
    sum(history.delta) after every transaction: a replica read that saw half of one
    would break it. And the history only grows: a session must never see it shrink."""
    uri_w = replicated.uri("db-1")
    subprocess.run([PGBENCH, "-i", "-s", "1", uri_w], check=True, capture_output=True, timeout=120)
    stop = threading.Event()
    problems: list[str] = []
    reads = [0]
    reads_by_session = [0, 0]

    def reader(n: int) -> None:
        seen = -1
        with connect(replicated, "db-2") as r:
            while not stop.is_set():
                a, b, t, h, count = r.execute(
                    "select (select sum(abalance) from pgbench_accounts), (select sum(bbalance) from pgbench_branches),"
                    " (select sum(tbalance) from pgbench_tellers), (select coalesce(sum(delta), 0) from pgbench_history),"
                    " (select count(*) from pgbench_history)").fetchone()
                if not a == b == t == h:
                    problems.append(f"session {n}: half a transaction: accounts {a}, branches {b}, tellers {t}, "
                                    f"history {h}")
                if count < seen:
                    problems.append(f"session {n}: went back from {seen} to {count} history rows")
                seen = count
                reads[0] += 1
                reads_by_session[n] += 1

    threads = [threading.Thread(target=reader, args=(n,)) for n in range(2)]
    for t in threads:
        t.start()
    try:
        bench = subprocess.run([PGBENCH, "-c", "2", "-j", "1", "-T", str(LOAD_S), uri_w], capture_output=True,
                               text=True, timeout=LOAD_S + 60)
    finally:
        stop.set()
        for t in threads:
            t.join(30)
    assert bench.returncode == 0, bench.stderr
    assert not problems, problems[:5]
    w = connect(replicated, "db-1")
    total = w.execute("select count(*) from pgbench_history").fetchone()[0]
    r = connect(replicated, "db-2")
    wait_until(lambda: r.execute("select count(*) from pgbench_history").fetchone()[0] == total, CATCH_UP_S,
               "the replica to catch up")
    print(f"{total} pgbench transactions; {reads[0]} consistent replica reads; "
          f"lag now {r.execute('select sixfold_metric(%s)', ('lag_ms',)).fetchone()[0]} ms")
    # The checks above are not vacuous: both sessions read while pgbench committed (how
    # many reads fit depends on the machine: each sums 100,000 accounts, a full scan).
    assert min(reads_by_session) >= 1 and total > 20, (reads_by_session, total)


@pytest.mark.integration
def test_storage_keeps_what_an_open_replica_transaction_reads(replicated):
    w, r = connect(replicated, "db-1"), connect(replicated, "db-2")
    w.execute("create table t(id int primary key, v int)")
    w.execute("insert into t values (1, 0)")
    vdl = w.execute("select sixfold_metric('vdl')").fetchone()[0]
    wait_until(lambda: r.execute("select sixfold_metric('vdl')").fetchone()[0] == vdl, CATCH_UP_S, "the replica")
    with r.transaction():
        r.execute("set transaction isolation level repeatable read")
        assert r.execute("select v from t").fetchone() == (0,)  # pins the replica's read point: vdl
        for k in range(1, 400):  # many versions of one page: coalescing and GC run meanwhile
            w.execute("update t set v = %s", (k,))
        last = w.execute("select sixfold_metric('vdl')").fetchone()[0]
        storage = replicated.storage_names
        # Every node heard of the new VDL, and coalescing made page versions above the
        # pinned read point: GC would collect what the replica reads unless it is held back.
        wait_until(lambda: all(replicated.health(n).vdl_hint >= last for n in storage), CATCH_UP_S, "the VDL hint")
        wait_until(lambda: sum(replicated.health(n).versions_count for n in storage) > 0, CATCH_UP_S,
                   "page versions to be coalesced")
        horizons = [replicated.health(n).gc_horizon_lsn for n in storage]
        assert max(horizons) <= vdl, (horizons, vdl)
        assert r.execute("select v from t").fetchone() == (0,)
    wait_until(lambda: r.execute("select v from t").fetchone() == (399,), CATCH_UP_S, "the replica to move on")


@pytest.mark.integration
def test_replica_follows_a_restarted_writer_and_a_promoted_replica_takes_writes(replicated):
    w, r = connect(replicated, "db-1"), connect(replicated, "db-2")
    w.execute("create table t(id int primary key, v text)")
    w.execute("insert into t select i, 'a' from generate_series(1, 300) as s(i)")
    wait_until(lambda: r.execute("select count(*) from t").fetchone() == (300,), CATCH_UP_S, "the replica")
    # The writer dies and comes back: a new epoch, a new redo stream; the replica follows.
    replicated.kill("db-1")
    replicated.start("db-1")
    w = connect(replicated, "db-1")
    w.execute("insert into t select i, 'b' from generate_series(301, 400) as s(i)")
    wait_until(lambda: r.execute("select count(*) from t").fetchone() == (400,), CATCH_UP_S,
               "the replica to follow the restarted writer")
    # The writer dies for good; the replica is promoted (recovery, a new epoch).
    replicated.kill("db-1")
    resp = promote(replicated, "db-2")
    assert resp.epoch >= 3 and resp.vdl > 0
    r.execute("insert into t values (401, 'c')")
    assert r.execute("select count(*), max(id) from t").fetchone() == (401, 401)
    assert r.execute("show transaction_read_only").fetchone() == ("off",)
    fresh = connect(replicated, "db-2")
    assert fresh.execute("select count(*) from t where v = 'b'").fetchone() == (100,)


@pytest.mark.integration
def test_a_snapshot_from_before_a_promotion_cannot_write_over_what_it_missed(replicated):
    """A REPEATABLE READ transaction reads on a replica; the writer commits a change to
    what it read; the writer dies and the replica is promoted; the transaction's first
    write comes after that, on the new writer. Its snapshot is older than the state it
    would write over: 40001, like any write over a concurrent commit (it used to go
    through: the new writer had shipped nothing, so no commit looked newer than the
    snapshot - a lost update)."""
    w, r = connect(replicated, "db-1"), connect(replicated, "db-2")
    w.execute("create table t(id int primary key, v int)")
    w.execute("insert into t values (1, 0)")
    wait_until(lambda: r.execute("select count(*) from t").fetchone() == (1,), CATCH_UP_S, "the replica")
    txn = connect(replicated, "db-2")
    txn.execute("begin isolation level repeatable read")
    assert txn.execute("select v from t where id = 1").fetchone() == (0,)  # its snapshot
    w.execute("update t set v = 1 where id = 1")  # a commit after it
    replicated.kill("db-1")
    promote(replicated, "db-2")
    with pytest.raises(psycopg.errors.SerializationFailure):
        txn.execute("update t set v = %s where id = 1", (0 + 10,))  # what it read, plus 10
    txn.execute("rollback")
    assert r.execute("select v from t where id = 1").fetchone() == (1,)
