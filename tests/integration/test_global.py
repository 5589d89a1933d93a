"""The global database with real processes: a primary region, a secondary region fed
by the replication server and agent, lag in `sixfold status`, restarts of every
replication process without gap or duplicate, and the managed RPO."""

from __future__ import annotations

import dataclasses
import json
import os
import random
import subprocess
import sys
import threading
import time

import psycopg
import pytest

from replication.regions import GlobalDatabase
from sixfold.supervisor import wait_until

pytestmark = pytest.mark.integration

SEED = int(os.environ.get("SIXFOLD_SEED", random.randrange(2**31)))


def _connect_when_ready(uri: str, timeout_s: float = 60) -> psycopg.Connection:
    """A replica refuses connections (57P03, retriable) until a writer's redo stream gave
    it a read point; a region's reader that just started following is retried until then."""
    got: list[psycopg.Connection] = []

    def attempt() -> bool:
        try:
            got.append(psycopg.connect(uri, autocommit=True, connect_timeout=5))
        except psycopg.OperationalError as e:
            if "has not received a read point" not in str(e):
                raise
            return False
        return True

    wait_until(attempt, timeout_s, "the replica to have a read point")
    return got[0]


def table_digest(uri: str) -> list[tuple]:
    with psycopg.connect(uri, autocommit=True) as c:
        return c.execute("select id, v from t order by id").fetchall()


def wait_same_contents(g: GlobalDatabase, region: str, timeout_s: float) -> list[tuple]:
    """Poll until the region's reader shows exactly the primary's rows (a quiesced point)."""
    want = table_digest(g.regions[g.primary].uri("writer"))
    reader = g.regions[region].uri("db-1")
    wait_until(lambda: table_digest(reader) == want, timeout_s, f"region {region} to show the primary's rows")
    return want


def test_secondary_region_serves_the_primarys_commits(cluster_builder):
    g = cluster_builder.build_global(2, delay_ms=35)
    primary = g.regions["r1"]
    with psycopg.connect(primary.uri("writer"), autocommit=True) as c:
        c.execute("create table t (id int primary key, v int)")
        for i in range(40):
            with c.transaction():  # two statements, one primary transaction: a reader sees both or neither
                c.execute("insert into t values (%s, %s)", (2 * i, i))
                c.execute("insert into t values (%s, %s)", (2 * i + 1, -i))
    rows = wait_same_contents(g, "r2", 30)
    assert len(rows) == 80 and sum(v for _id, v in rows) == 0
    with psycopg.connect(g.regions["r2"].uri("db-1"), autocommit=True) as c:
        with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
            c.execute("insert into t values (1000, 1)")
        delay_p50 = c.execute("select sixfold_metric('visible_delay_ms_p50')").fetchone()[0]
    assert delay_p50 >= 35, "the cross-region link's one-way delay is part of every commit's way"

    st = json.loads(subprocess.run([sys.executable, "-m", "sixfold.cli", "status", "--json", "--data-dir",
                                    str(g.root)], check=True, capture_output=True, text=True).stdout)
    assert [(r["name"], r["role"]) for r in st["regions"]] == [("r1", "primary"), ("r2", "secondary")]
    r2 = st["regions"][1]
    assert r2["connected"] and r2["lag_lsn"] == 0 and r2["lag_ms"] == 0.0
    assert {"global-writer", "reader-r1", "reader-r2"} <= set(st["endpoints"])
    regions = {p["name"]: p["region"] for p in st["processes"]}
    assert regions["replication-server"] == "r1" and regions["r2/replication-agent"] == "r2"
    assert regions["r2/sn-az3-b"] == "r2" and regions["sn-az1-a"] == "r1"


def test_replication_processes_restart_without_gap_or_duplicate(cluster_builder):
    """SIGKILL the replication server, the agent and two secondary storage nodes while
    clients write: the secondary ends with exactly the primary's rows."""
    rng = random.Random(SEED)
    print(f"seed {SEED}")
    cluster_builder.allow_log(r"redo stream from .* lost|the log stream from .* ended")
    g = cluster_builder.build_global(2, delay_ms=10)
    primary, secondary = g.regions["r1"], g.regions["r2"]
    with psycopg.connect(primary.uri("writer"), autocommit=True) as c:
        c.execute("create table t (id int primary key, v int)")
    stop = threading.Event()
    errors: list[BaseException] = []
    written = [0, 0]

    def client(k: int) -> None:
        try:
            with psycopg.connect(primary.uri("writer"), autocommit=True) as c:
                i = 0
                while not stop.is_set():
                    with c.transaction():
                        c.execute("insert into t values (%s, %s)", (k * 1_000_000 + i, i))
                        c.execute("update t set v = v + 1 where id = %s", (k * 1_000_000 + i // 2,))
                    i += 1
                    written[k] = i
        except BaseException as e:  # noqa: BLE001 - reported by the test
            errors.append(e)

    threads = [threading.Thread(target=client, args=(k,)) for k in range(2)]
    for t in threads:
        t.start()
    try:
        victims = rng.sample([n.name for n in secondary.spec.storage_nodes], 2)
        for step in ["replication-server", "replication-agent", *victims]:
            wait_until(lambda: sum(written) > 0, 10, "commits")
            before = sum(written)
            sup = primary if step == "replication-server" else secondary
            sup.kill(step)
            wait_until(lambda: sum(written) >= before + 20, 30, f"commits to go on after killing {step}")
            sup.start(step)
            wait_until(lambda: sum(written) >= before + 40, 30, f"commits after {step} restarted")
    finally:
        stop.set()
        for t in threads:
            t.join(30)
    assert not errors, errors
    rows = wait_same_contents(g, "r2", 60)
    assert len(rows) == sum(written)
    agent_log = secondary.nodes["replication-agent"].log_path.read_text()
    assert agent_log.count("opened its volume") == 2  # the restarted agent recovered and resumed


def test_managed_rpo_refuses_commits_while_no_secondary_is_within_it(cluster_builder):
    rpo_s = 2.0
    g = cluster_builder.build_global(2, rpo_s=rpo_s)
    primary, secondary = g.regions["r1"], g.regions["r2"]
    with psycopg.connect(primary.uri("writer"), autocommit=True) as c:
        c.execute("create table t (id int primary key, v int)")
        c.execute("insert into t values (0, 0)")
        secondary.pause("replication-agent")
        paused_at = time.monotonic()
        acked_at = []
        refused = None
        for i in range(1, 1000):
            try:
                c.execute("insert into t values (%s, %s)", (i, i))
                acked_at.append(time.monotonic())
            except psycopg.errors.ConfigurationLimitExceeded as e:
                refused = (time.monotonic(), str(e))
                break
            assert time.monotonic() - paused_at < rpo_s + 30, "commits were never refused"
        assert refused is not None and "RPO" in refused[1], refused
        # What the secondary lacks grows from the pause on; nothing acknowledged later than
        # the RPO after it (the bound includes the report interval and the refused wait).
        assert acked_at and acked_at[-1] - paused_at <= rpo_s + 1.0, (acked_at[-1] - paused_at)
        secondary.resume("replication-agent")
        ids = iter(range(10_000, 20_000))
        wait_until(lambda: c.execute("insert into t values (%s, 0)", (next(ids),)) is not None,
                   30, "commits to be acknowledged again once the secondary caught up")
    wait_same_contents(g, "r2", 30)

    # The promise moves with the primary: after a switchover r2's writer enforces it.
    from replication.switchover import switchover

    switchover(g, "r2")
    wait_same_contents(g, "r1", 30)
    g.regions["r1"].pause("replication-agent")
    with psycopg.connect(g.endpoints()["global-writer"], autocommit=True) as c:
        with pytest.raises(psycopg.errors.ConfigurationLimitExceeded):
            for i in range(30_000, 31_000):
                c.execute("insert into t values (%s, 0)", (i,))
    g.regions["r1"].resume("replication-agent")


def test_switchovers_lose_nothing_and_every_region_reads_whole_totals(cluster_builder):
    """The bank through the global writer endpoint while the primary moves r1 -> r2 ->
    r1: no acknowledged transfer lost, none applied twice, every read in every region
    sees the right total, and the old primary ends with the new one's data. (Three
    switchovers: `python -m bench.global_bench`.)"""
    from bench.global_bench import switchover_scenario

    print(f"seed {SEED}")
    g = cluster_builder.build_global(2, delay_ms=35)
    out = switchover_scenario(g, SEED, ["r2", "r1"], settle_s=2.0)
    verdict = out["bank"]
    print(verdict.render())
    assert verdict.valid, verdict.render()
    assert verdict.counts["transfers ok"] > 0
    reads = out["reads"]
    print(f"region reads {reads.reads}, failed {reads.failed}")
    assert not reads.anomalies, reads.anomalies[:5]
    assert all(reads.reads.values()), reads.reads
    assert [s["to"] for s in out["switchovers"]] == ["r2", "r1"]
    for s in out["switchovers"]:
        print(s)
        assert s["rto_ms"] is not None
    assert g.primary == "r1"
    transfers, balances = out["final"]
    with psycopg.connect(g.endpoints()["reader-r2"], autocommit=True) as c:
        wait_until(lambda: sorted(tuple(r) for r in c.execute("select tid, src, dst, amount from transfers")) ==
                   sorted(transfers), 30, "region r2 (a secondary again) to hold the same transfers")


def test_forced_failover_reports_exactly_what_it_lost_and_the_old_primary_rejoins(cluster_builder):
    """The bank through the global writer endpoint; every process of the primary region
    SIGKILLed; its storage restarted (readable, not writable: no writer); failover to
    r2: each acknowledged transfer is on r2 or inside the reported lost window, whose
    transaction count is what r2 lacks up to the transfers in flight at the kill. The
    old primary takes no writes; after rejoin it reads r2's data."""
    from replication.failover import failover, rejoin
    from sixfold.workloads.bank import Bank

    print(f"seed {SEED}")
    cluster_builder.allow_log(r"redo stream from .* lost|the log stream from .* ended")
    g = cluster_builder.build_global(2, delay_ms=35)
    old, new = g.regions["r1"], g.regions["r2"]
    uri = g.endpoints()["global-writer"]
    bank = Bank(lambda: psycopg.connect(uri, connect_timeout=2), seed=SEED)
    bank.setup()
    vdl = old.replication_health().vdl
    wait_until(lambda: new.replication_health().vdl >= vdl, 60, "r2 to hold the bank")
    out: dict = {}
    runner = threading.Thread(target=lambda: out.setdefault("history", bank.run(40)), daemon=True)
    runner.start()
    wait_until(lambda: len(bank.commit_times) >= 100, 60, "transfers on r1")
    wall_minus_mono = time.time() - time.monotonic()
    for name in [n for n, p in old.nodes.items() if p.kind != "global-endpoint"]:
        old.kill(name)  # the whole region at once, short of the global endpoint (not a region's)
    acked_at_kill = len(bank.commit_times)
    for name in old.storage_names:
        old.start(name)
    r = failover(g, "r2", say=print)
    print(r)
    lost = r["lost"]
    assert lost["exact"] and lost["from_lsn"] == r["start_lsn"] + 1
    wait_until(lambda: len(bank.commit_times) >= acked_at_kill + 50, 60, "transfers on r2")
    bank.stop()
    runner.join(60)
    with psycopg.connect(uri, connect_timeout=5) as c:
        transfers, balances = bank.final_state(c)
    present = {t[0] for t in transfers}
    history = out["history"]
    acked = [op for op in history if op.type == "ok" and op.value[0][0] == "transfer"]
    missing = [op for op in acked if op.value[0][4] not in present]
    for op in missing:  # inside the window: acknowledged after its first commit, invoked before its last
        assert (history.t0 + op.end + wall_minus_mono) * 1e6 >= lost["first_commit_us"], op.describe()
        assert (history.t0 + op.start + wall_minus_mono) * 1e6 <= lost["last_commit_us"], op.describe()
    print(f"acknowledged transfers missing on r2: {len(missing)}; lost window: {lost['transactions']} transactions")
    assert len(missing) <= lost["transactions"] <= len(missing) + bank.clients, (len(missing), lost)
    assert sum(balances.values()) == 1000
    assert g.regions["r1"].spec.replication.diverged and "replication-agent" not in g.regions["r1"].nodes
    # The old primary's instance comes back, but only as a reader of no one: never a writer.
    old = g.regions["r1"]
    old.start("db-1")
    with pytest.raises(psycopg.Error) as refused:  # no writer to follow: it serves nothing, and never writes
        with psycopg.connect(old.uri("db-1"), autocommit=True, connect_timeout=5) as c:
            c.execute("insert into bank values (99, 0)")
    print(f"the old primary's instance refused: {refused.value.sqlstate} {refused.value}")
    assert refused.value.sqlstate != "08007"
    # Told by hand to follow r2 anyway, its agent is refused: its log is not r2's.
    from replication.switchover import _respec

    cluster_builder.allow_log(r"region r1 cannot follow the primary")
    g.regions["r1"] = _respec(old, old.spec.replace(replication=dataclasses.replace(old.spec.replication,
                                                                                    diverged=False)))
    agent = g.regions["r1"].start("replication-agent", wait=False)
    if lost["transactions"]:
        assert agent.wait_exit(60), "a diverged agent kept running"
        assert "its log has diverged" in agent.log_path.read_text()
        g.regions["r1"] = _respec(g.regions["r1"], g.regions["r1"].spec.replace(
            replication=dataclasses.replace(old.spec.replication, diverged=True)))
        j = rejoin(g, "r1", say=print)
        print(j)
        assert j["discarded"]["transactions"] == lost["transactions"]
    else:
        # r2 had every commit r1 made: r1's log is a prefix of r2's, so following r2 is right and
        # there is nothing to discard (a rejoin now would count r2's own commits, which the agent
        # has pulled into r1, as r1's tail).
        wait_until(lambda: "pulling the primary's log" in agent.log_path.read_text(), 60, "r1's agent to follow r2")
    with _connect_when_ready(g.endpoints()["reader-r1"]) as c:
        wait_until(lambda: sorted(tuple(t) for t in c.execute("select tid, src, dst, amount from transfers")) ==
                   sorted(transfers), 60, "r1, rejoined, to hold r2's transfers")
