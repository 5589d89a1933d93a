"""The global database, measured: cross-region replication lag under pgbench, and the
RTO of switchovers.

    python -m bench.global_bench [--seconds S] [--delay-ms D] [--seed K] [--out bench/results/global.json]

Two regions on this machine, the cross-region link given a one-way delay of D ms
(default 35, two real regions apart). pgbench TPC-B at 4 clients on the primary for S
seconds. Reports, over every primary commit the secondary's reader applied during the
run, the delay from the commit on the primary to its being visible on the secondary
(p50/p99: both clocks are this machine's), and the secondary's lag in ms and LSNs as
the primary's replication server reports it, sampled every 100 ms. Both regions share
this machine's two cores: the TPS is what one machine running twelve storage nodes
gives, not what two regions would.

Then, on a fresh global database, the bank workload through the global writer endpoint
while the primary switches over r1 -> r2 -> r1 -> r2: the bank's verdict, reads in every
region, and each switchover's RTO (last acknowledged transfer on the old primary ->
first on the new one) and its steps.

Prints one line per part and writes JSON with the commit.
"""

from __future__ import annotations

import argparse
import json
import secrets
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import psycopg

from bench.ha_bench import SAMPLE_INTERVAL_S, pct
from bench.storage_bench import git_info
from replication.regions import GlobalDatabase
from sixfold.supervisor import wait_until


def global_lag(root: Path, seconds: int, delay_ms: int) -> dict:
    g = GlobalDatabase.create(root / "global", 2, delay_ms=delay_ms, password=secrets.token_urlsafe(12))
    primary, secondary = g.regions["r1"], g.regions["r2"]
    try:
        g.start_all()
        writer_uri, reader_uri = primary.uri("writer"), secondary.uri("db-1")
        subprocess.run(["pgbench", "-i", "-q", "-s", "1", writer_uri], check=True, capture_output=True, timeout=300)
        target = primary.replication_health().vdl
        wait_until(lambda: secondary.replication_health().vdl >= target, 120, "the secondary to apply pgbench -i")
        # A fresh reader: its commit -> visible delays then cover only the run below.
        secondary.stop("db-1")
        secondary.start("db-1")
        samples: list[tuple[float, int]] = []
        stop = threading.Event()

        def sample() -> None:
            while not stop.wait(SAMPLE_INTERVAL_S):
                h = primary.replication_health()
                for s in (h.secondaries if h is not None else ()):
                    if s.region == "r2" and s.lag_ms >= 0:
                        samples.append((s.lag_ms, s.lag_lsn))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        cp = subprocess.run(["pgbench", "-n", "-c", "4", "-j", "2", "-T", str(seconds), writer_uri],
                            capture_output=True, text=True, timeout=seconds + 120)
        stop.set()
        sampler.join(10)
        end = primary.replication_health().vdl
        wait_until(lambda: secondary.replication_health().vdl >= end, 120, "the secondary to catch up")
        with psycopg.connect(reader_uri, autocommit=True) as r:
            wait_until(lambda: r.execute("select sixfold_metric('vdl')").fetchone()[0] >= end, 30,
                       "the secondary's reader to catch up")
            p50, p99, n = r.execute("select sixfold_metric('visible_delay_ms_p50'), "
                                    "sixfold_metric('visible_delay_ms_p99'), "
                                    "sixfold_metric('visible_delay_samples')").fetchone()
        tps = float(cp.stdout.split("tps = ")[1].split()[0]) if "tps = " in cp.stdout else None
        mss = [s[0] for s in samples]
        lsns = [s[1] for s in samples]
        return {"regions": 2, "delay_ms_one_way": delay_ms, "pgbench_clients": 4, "seconds": seconds, "tps": tps,
                "visible_delay_ms_p50": p50, "visible_delay_ms_p99": p99, "commits_applied": n,
                "lag_ms_p50": pct(mss, 0.5), "lag_ms_p99": pct(mss, 0.99),
                "lag_lsn_p50": pct(lsns, 0.5), "lag_lsn_p99": pct(lsns, 0.99), "samples": len(samples)}
    finally:
        g.stop_all(kill=True)


def switchover_scenario(g: GlobalDatabase, seed: int, targets: list[str], settle_s: float = 3.0) -> dict:
    """The bank workload through the global writer endpoint while the primary switches
    over to each of `targets` in turn; a reader in every region checks totals and that
    reads never go back in time (`sixfold.chaos.regions.read_regions`). Returns the
    bank's verdict, the region reads, and each switchover with its RTO (last
    acknowledged transfer before it -> first after it)."""
    from replication.switchover import switchover
    from sixfold.chaos.regions import read_regions
    from sixfold.workloads.bank import Bank

    uri = g.endpoints()["global-writer"]
    bank = Bank(lambda: psycopg.connect(uri, connect_timeout=2), seed=seed)
    bank.setup()
    primary_vdl = g.regions[g.primary].replication_health().vdl
    for name in g.secondaries:
        wait_until(lambda name=name: g.regions[name].replication_health().vdl >= primary_vdl, 60,
                   f"region {name} to hold the bank")
    stop = threading.Event()
    reads, readers = read_regions(g, bank.bank, bank.transfers, bank.accounts * bank.initial_balance, stop)
    duration_s = settle_s * (len(targets) + 1) + 30 * len(targets)
    result: dict = {}
    runner = threading.Thread(target=lambda: result.setdefault("history", bank.run(duration_s)), daemon=True)
    runner.start()
    switches = []
    try:
        for to in targets:
            time.sleep(settle_s)  # transfers commit on the current primary in between
            t0 = time.monotonic()
            r = switchover(g, to)
            r["started_s"] = t0
            switches.append(r)
        time.sleep(settle_s)
    finally:
        bank.stop()
        runner.join(60)
        stop.set()
        for t in readers:
            t.join(10)
    commits = sorted(bank.commit_times)
    for r in switches:
        # The longest stretch without an acknowledged transfer around the switchover: the
        # last commit on the old primary to the first on the new one.
        start = r.pop("started_s")
        window = [t for t in commits if start - settle_s <= t <= start + r["total_ms"] / 1000 + settle_s]
        gaps = [b - a for a, b in zip(window, window[1:]) if b > start]
        r["rto_ms"] = round(max(gaps) * 1000, 1) if gaps else None
    conn = psycopg.connect(uri, connect_timeout=5)
    try:
        transfers, balances = bank.final_state(conn)
    finally:
        conn.close()
    verdict = bank.check(result["history"], transfers, balances)
    return {"bank": verdict, "reads": reads, "switchovers": switches, "final": (transfers, balances)}


def switchover_rto(root: Path, delay_ms: int, seed: int) -> dict:
    g = GlobalDatabase.create(root / "switchover", 2, delay_ms=delay_ms, password=secrets.token_urlsafe(12))
    try:
        g.start_all()
        out = switchover_scenario(g, seed, ["r2", "r1", "r2"])
        verdict = out["bank"]
        return {"delay_ms_one_way": delay_ms, "seed": seed,
                "bank": "valid" if verdict.valid else verdict.render(), "bank_counts": verdict.counts,
                "region_reads": out["reads"].reads, "region_read_anomalies": out["reads"].anomalies[:10],
                "switchovers": out["switchovers"]}
    finally:
        g.stop_all(kill=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.global_bench", description=__doc__.split("\n\n")[0])
    ap.add_argument("--seconds", type=int, default=60, help="pgbench seconds (default 60)")
    ap.add_argument("--delay-ms", type=int, default=35, help="one-way cross-region delay (default 35)")
    ap.add_argument("--seed", type=int, default=1, help="the bank workload's seed for the switchover part")
    ap.add_argument("--out", type=Path, default=Path("bench/results/global.json"))
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="sixfold-global-bench-") as tmp:
        lag = global_lag(Path(tmp), args.seconds, args.delay_ms)
        switch = switchover_rto(Path(tmp), args.delay_ms, args.seed)
    print(f"global database, {args.delay_ms} ms one-way, pgbench -c 4 on the primary ({lag['tps']} tps): "
          f"primary commit -> visible on the secondary p50 {lag['visible_delay_ms_p50']} ms, p99 "
          f"{lag['visible_delay_ms_p99']} ms over {lag['commits_applied']} commits; sampled lag p50/p99 "
          f"{lag['lag_ms_p50']}/{lag['lag_ms_p99']} ms, {lag['lag_lsn_p50']}/{lag['lag_lsn_p99']} LSNs", flush=True)
    rtos = [x["rto_ms"] for x in switch["switchovers"]]
    print(f"switchovers r1->r2->r1->r2 under the bank through the global writer endpoint: {switch['bank']}; "
          f"RTO (last commit on the old primary -> first on the new) {rtos} ms", flush=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({**git_info(), "lag": lag, "switchover": switch}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
