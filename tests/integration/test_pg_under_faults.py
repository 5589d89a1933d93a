"""pgbench through the PostgreSQL protocol while storage nodes die: a write quorum
survives, so the clients see nothing.

Two storage nodes are SIGKILLed during a pgbench run (chosen by seed: a whole AZ, or
two nodes in different AZs); one of them is started again, and then another node is
paused (SIGSTOP) for a while - never more than two of six away, so a write quorum of
four is always there. pgbench must finish with 0 failed transactions,
pgbench_history must hold exactly the transactions pgbench counted, and the balances
must add up. Replay with SIXFOLD_SEED.
"""

from __future__ import annotations

import os
import random
import re
import shutil
import subprocess
import threading

import pytest

from sixfold.supervisor import wait_until

pytestmark = pytest.mark.integration

SEED = int(os.environ.get("SIXFOLD_SEED") or random.SystemRandom().randrange(1 << 31))
RUN_S = 20


def psql_value(uri: str, sql: str) -> str:
    cp = subprocess.run([shutil.which("psql"), uri, "-X", "-At", "-c", sql], capture_output=True, text=True,
                        timeout=60)
    assert cp.returncode == 0, cp.stderr
    return cp.stdout.strip()


def test_pgbench_survives_two_storage_nodes_killed_then_one_paused(pg_cluster):
    print(f"\nSIXFOLD_SEED={SEED}")
    rng = random.Random(SEED)
    assert shutil.which("pgbench"), "pgbench is not installed: run scripts/ensure_postgres.sh"
    c, uri = pg_cluster, pg_cluster.uri()
    init = subprocess.run(["pgbench", "-i", "-s", "1", "-q", uri], capture_output=True, text=True, timeout=300)
    assert init.returncode == 0, init.stderr
    names = c.storage_names
    if rng.random() < 0.5:
        az = rng.choice(["az1", "az2", "az3"])
        victims = c.names_in_az(az)
    else:
        azs = rng.sample(["az1", "az2", "az3"], 2)
        victims = [rng.choice(c.names_in_az(a)) for a in azs]
    back = rng.choice(victims)
    paused = rng.choice([n for n in names if n not in victims])
    print(f"killing {victims}, starting {back} again, then pausing {paused}")

    out: dict = {}
    bench = threading.Thread(target=lambda: out.update(cp=subprocess.run(
        ["pgbench", "-n", "-c", "4", "-j", "2", "-T", str(RUN_S), uri], capture_output=True, text=True,
        timeout=RUN_S + 120)))
    bench.start()
    # Faults while transactions flow: wait for commits to move, then act.
    start = int(psql_value(uri, "select count(*) from pgbench_history"))
    wait_until(lambda: int(psql_value(uri, "select count(*) from pgbench_history")) > start + 50, 30,
               "pgbench to commit")
    for v in victims:
        c.kill(v)
    mid = int(psql_value(uri, "select count(*) from pgbench_history"))
    wait_until(lambda: int(psql_value(uri, "select count(*) from pgbench_history")) > mid + 50, 30,
               "commits with two storage nodes down")
    c.start(back)
    # Back, it fills in what it missed by gossip; until then it is not yet one of the
    # four that acknowledge. Wait for it to hold what a live peer held when it returned.
    peer = next(n for n in names if n not in victims and n != paused)
    target = {s.pg: s.scl for s in c.health(peer).scls}
    wait_until(lambda: all({s.pg: s.scl for s in c.health(back).scls}.get(pg, 0) >= scl
                           for pg, scl in target.items()), 30, f"{back} to catch up by gossip")
    c.pause(paused)
    later = int(psql_value(uri, "select count(*) from pgbench_history"))
    try:
        wait_until(lambda: int(psql_value(uri, "select count(*) from pgbench_history")) > later + 20, 30,
                   "commits with one more node paused")
    finally:
        c.resume(paused)
    bench.join(RUN_S + 150)
    cp = out["cp"]
    print(cp.stdout)
    assert cp.returncode == 0, cp.stdout + cp.stderr
    processed = int(re.search(r"number of transactions actually processed: (\d+)", cp.stdout).group(1))
    failed = re.search(r"number of failed transactions: (\d+)", cp.stdout)
    assert failed is None or int(failed.group(1)) == 0, cp.stdout
    assert int(psql_value(uri, "select count(*) from pgbench_history")) == processed
    sums = psql_value(uri, "select (select sum(abalance) from pgbench_accounts), (select sum(bbalance) from "
                           "pgbench_branches), (select sum(tbalance) from pgbench_tellers), "
                           "(select coalesce(sum(delta), 0) from pgbench_history)")
    a, b, t, h = (int(x) for x in sums.split("|"))
    assert a == b == t == h, sums
