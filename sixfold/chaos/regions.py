"""Chaos across regions: region nemeses against a real global database.

`sixfold chaos --regions 2` starts a global database of its own (every region's
processes real), runs the bank through the global writer endpoint and a reader in
every region, and strikes one region fault at a time on a seeded schedule:

- kill-server: SIGKILL the primary's replication server, restart it after the hold;
- kill-agent: SIGKILL a secondary's agent, restart it;
- kill-secondary-storage: SIGKILL two storage nodes of a secondary, restart them;
- cut-link: drop every packet to and from the replication server's port (iptables;
  root only, else the server is paused instead), then heal;
- lose-secondary: SIGKILL every process of a secondary region, restart them all;
- switchover: move the primary to another region (planned; nothing may be lost).

Losing the primary region is the failover test's subject (it loses data on purpose).
Checks: the bank's (no acknowledged transfer lost, none twice, totals right in every
read of the writer), every region's reads show the right total and never go back in
time on one connection (the count of transfers never shrinks), and at the end every
region holds exactly the primary's transfers. The seed is printed; a run replays by it.
"""

from __future__ import annotations

import contextlib
import random
import shutil
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

from replication.regions import GlobalDatabase
from sixfold.supervisor import REPLICATION_AGENT, REPLICATION_SERVER, wait_until

REGION_FAULTS = ("kill-server", "kill-agent", "kill-secondary-storage", "cut-link", "lose-secondary", "switchover")
FAULT_HOLD_S = (1.0, 4.0)  # how long a fault holds before it heals
FAULT_GAP_S = (1.0, 3.0)  # healthy time between faults
CATCH_UP_TIMEOUT_S = 90.0  # after the run, every region must hold the primary's transfers by then


@dataclass(frozen=True)
class RegionFault:
    at_s: float
    kind: str
    hold_s: float
    pick: int  # chooses the secondary / the storage nodes / the switchover target


def region_schedule(seed: int, duration_s: float, kinds=REGION_FAULTS) -> list[RegionFault]:
    """One fault at a time over `duration_s`, each held then healed (pure, seeded)."""
    rng = random.Random(seed)
    out, t = [], rng.uniform(*FAULT_GAP_S)
    while True:
        hold = rng.uniform(*FAULT_HOLD_S)
        if t + hold > duration_s:
            return out
        out.append(RegionFault(round(t, 3), rng.choice(kinds), round(hold, 3), rng.randrange(1 << 30)))
        t += hold + rng.uniform(*FAULT_GAP_S)


@dataclass
class RegionReads:
    """Every region's reader: (total, transfers seen) per read; anomalies found."""
    reads: dict[str, int] = field(default_factory=dict)
    failed: dict[str, int] = field(default_factory=dict)
    anomalies: list[str] = field(default_factory=list)


def read_regions(g: GlobalDatabase, bank_table: str, transfers_table: str, total: int,
                 stop: threading.Event) -> tuple[RegionReads, list[threading.Thread]]:
    """Read the total and the number of transfers (one statement: one snapshot) on every
    region's reader endpoint until `stop`; check each total and that, on one connection,
    the number of transfers never shrinks (reads never go back in time)."""
    out = RegionReads({n: 0 for n in g.regions}, {n: 0 for n in g.regions})

    def reader(region: str) -> None:
        conn, seen = None, -1
        while not stop.is_set():
            try:
                if conn is None:
                    conn = psycopg.connect(g.endpoints()[f"reader-{region}"], autocommit=True, connect_timeout=2)
                    seen = -1
                got_total, count = conn.execute(
                    f"select (select sum(balance) from {bank_table}), (select count(*) from {transfers_table})"
                ).fetchone()
                out.reads[region] += 1
                if got_total != total:
                    out.anomalies.append(f"region {region} read a total of {got_total}, not {total}")
                if count < seen:
                    out.anomalies.append(f"region {region} went back in time: {count} transfers after {seen}")
                seen = count
            except psycopg.Error:
                out.failed[region] += 1
                if conn is not None:
                    conn.close()
                    conn = None
                stop.wait(0.05)
        if conn is not None:
            conn.close()

    threads = [threading.Thread(target=reader, args=(r,), daemon=True) for r in g.regions]
    for t in threads:
        t.start()
    return out, threads


@contextlib.contextmanager
def link_cut(g: GlobalDatabase):
    """Drop every packet to and from the primary's replication server (iptables), or
    pause the server where iptables cannot be used; healed on exit, always."""
    port = g.regions[g.primary].spec.replication.port
    rules = [["INPUT", "-p", "tcp", "--dport", str(port), "-j", "DROP"],
             ["OUTPUT", "-p", "tcp", "--sport", str(port), "-j", "DROP"]]
    added = []
    usable = shutil.which("iptables") is not None  # not installed: pause the server instead
    try:
        for r in rules if usable else []:
            if subprocess.run(["iptables", "-I", *r], capture_output=True).returncode == 0:
                added.append(r)
        if not added:
            g.regions[g.primary].pause(REPLICATION_SERVER)
        yield "iptables" if added else "pause"
    finally:
        for r in added:
            subprocess.run(["iptables", "-D", *r], capture_output=True)
        if not added:
            g.regions[g.primary].resume(REPLICATION_SERVER)


def strike(g: GlobalDatabase, f: RegionFault, log) -> None:
    """Apply fault `f`, hold it, heal it."""
    from replication.switchover import switchover

    rng = random.Random(f.pick)
    secondary = rng.choice(g.secondaries)
    sup = g.regions[secondary]
    if f.kind == "switchover":
        r = switchover(g, secondary)
        log(f"switchover to {secondary}: writes paused {r['serving_ms'] - r['paused_ms']:.0f} ms")
        return
    if f.kind == "cut-link":
        with link_cut(g) as how:
            log(f"cross-region link cut ({how}) for {f.hold_s:.1f} s")
            time.sleep(f.hold_s)  # the fault's hold: what the schedule decided
        return
    if f.kind == "kill-server":
        victims, where = [REPLICATION_SERVER], g.regions[g.primary]
    elif f.kind == "kill-agent":
        victims, where = [REPLICATION_AGENT], sup
    elif f.kind == "kill-secondary-storage":
        victims, where = rng.sample(sup.storage_names, 2), sup
    else:  # lose-secondary
        victims, where = [n for n, p in sup.nodes.items() if p.alive and p.kind != "global-endpoint"], sup
    for v in victims:
        where.kill(v)
    log(f"{f.kind}: killed {', '.join(victims)} of region {where.spec.region} for {f.hold_s:.1f} s")
    time.sleep(f.hold_s)
    for group in where.start_order(victims):
        for v in group:
            where.start(v, wait=False)
        for v in group:
            where.wait_ready(v)
    where.save_state()


def run_region_chaos(root: Path, seed: int, duration_s: float, delay_ms: int = 10, log=print) -> dict:
    """The whole run; returns the verdict ({"valid", "seed", "faults", "bank", "regions", ...})."""
    from sixfold.workloads.bank import Bank

    log(f"region chaos: seed {seed}, {duration_s:.0f} s, {delay_ms} ms one-way")
    g = GlobalDatabase.create(root, 2, delay_ms=delay_ms)
    try:
        g.start_all()
        uri = g.endpoints()["global-writer"]
        bank = Bank(lambda: psycopg.connect(uri, connect_timeout=2), seed=seed)
        bank.setup()
        vdl = g.regions[g.primary].replication_health().vdl
        for name in g.secondaries:
            wait_until(lambda name=name: g.regions[name].replication_health().vdl >= vdl, 60,
                       f"region {name} to hold the bank")
        stop = threading.Event()
        reads, readers = read_regions(g, bank.bank, bank.transfers, bank.accounts * bank.initial_balance, stop)
        result: dict = {}
        runner = threading.Thread(target=lambda: result.setdefault("history", bank.run(duration_s + 60)),
                                  daemon=True)
        t0 = time.monotonic()
        runner.start()
        done = []
        try:
            for f in region_schedule(seed, duration_s):
                time.sleep(max(0.0, t0 + f.at_s - time.monotonic()))  # the schedule's clock
                strike(g, f, log)
                done.append(f.kind)
            time.sleep(max(0.0, t0 + duration_s - time.monotonic()))
        finally:
            bank.stop()
            runner.join(120)
        with psycopg.connect(uri, connect_timeout=5) as c:
            transfers, balances = bank.final_state(c)
        want = sorted(transfers)
        behind = []
        for name in g.secondaries:
            try:
                with psycopg.connect(g.endpoints()[f"reader-{name}"], autocommit=True, connect_timeout=5) as c:
                    wait_until(lambda c=c: sorted(tuple(t) for t in c.execute(
                        f"select tid, src, dst, amount from {bank.transfers}")) == want, CATCH_UP_TIMEOUT_S,
                        f"region {name} to hold the primary's transfers")
            except (TimeoutError, psycopg.Error) as e:
                behind.append(f"region {name}: {e}")
        stop.set()
        for t in readers:
            t.join(10)
        verdict = bank.check(result["history"], transfers, balances)
        valid = verdict.valid and not reads.anomalies and not behind and all(reads.reads.values())
        return {"valid": valid, "seed": seed, "duration_s": duration_s, "faults": done,
                "bank": {"valid": verdict.valid, "counts": verdict.counts, "anomalies": verdict.anomalies},
                "region_reads": reads.reads, "region_reads_failed": reads.failed,
                "region_anomalies": reads.anomalies[:20], "regions_behind": behind, "primary": g.primary}
    finally:
        g.stop_all(kill=True)
