"""Storage benchmark: commit throughput and latency of the write path (volume client ->
six storage nodes, acknowledged on 4 of 6), healthy and with one storage node paused.

    python -m bench.storage_bench [--quick] [--seed N] [--rounds N] [--out bench/results/storage.json]

It starts a local six-node cluster (two nodes in each of az1..az3) in a temporary
directory, opens one VolumeClient and writes an image of every page of the workload.
Then it runs, per round, the scenarios

    healthy-1, paused-1, healthy-16, paused-16

"N" is the number of committers: asyncio tasks sharing the VolumeClient, each doing
sequential commits of the pgbench-like mini-transaction of `bench.workloads.PgbenchLike`
(a 100-byte delta on one of 2,000 account pages chosen by a seeded generator, 16-byte
deltas on a teller and a branch page, a 50-byte history append, and in 5% of commits a
full 4 KiB page image: 4.05 records per commit on average). Each scenario has a warm-up
(excluded) and a measured period; a commit counts when it completes inside the latter.
"paused" SIGSTOPs one storage node (seeded choice) before the warm-up and SIGCONTs it
after the measured period; the next scenario starts once that node has caught up.
Rounds alternate healthy and paused scenarios; each scenario's figures are the median
over rounds. The target: with 4/6 write quorums, a paused node must not raise p99 commit
latency by more than 20% (p99 paused / p99 healthy <= 1.20).

Also recorded: records per commit, bytes sent per commit (summed over the six append
streams), CPU used by the bench's processes and by everything else
during each measured period (this is a 2-core machine: other load shows up in p99),
machine, date, git commit and seed. Writes the figures as JSON to --out and prints one
summary line. Node logs are scanned for Traceback/ERROR/CRITICAL at the end; the
temporary directory is kept when any are found (or with --keep) so the logs can be read.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from bench.workloads import PgbenchLike
from compute_node.volume_client import VolumeClient
from sixfold.supervisor import Supervisor

P99_RATIO_TARGET = 1.20
BUSY_WARN_FRACTION = 0.10  # of all CPUs, used by processes other than the bench's during a measured period
CATCH_UP_TIMEOUT_S = 60.0
CATCH_UP_POLL_S = 0.05
SHUTDOWN_GRACE_S = 0.5  # after closing the client, before killing nodes: lets close-time errors reach the logs
LOG_PROBLEM = re.compile(r"Traceback|ERROR|CRITICAL")
LOG_TIME = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}) ")
REPO = Path(__file__).resolve().parent.parent


def parse_args(argv=None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(prog="python -m bench.storage_bench", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true",
                    help="short run: 5 s measured, 2 s warm-up, 1 round (unless given explicitly)")
    ap.add_argument("--seed", type=int, default=1,
                    help="seed of the workload and of the paused-node choice (default 1)")
    ap.add_argument("--rounds", type=int,
                    help="rounds of the four scenarios; medians are reported (default 2, quick 1)")
    ap.add_argument("--measure-s", type=float, help="measured period per scenario in seconds (default 20, quick 5)")
    ap.add_argument("--warmup-s", type=float, help="warm-up per scenario in seconds, excluded (default 5, quick 2)")
    ap.add_argument("--committers", type=int, nargs="+", default=[1, 16],
                    help="concurrent committers of each scenario pair (default: 1 16)")
    ap.add_argument("--out", type=Path, default=REPO / "bench" / "results" / "storage.json",
                    help="JSON output path (default bench/results/storage.json)")
    ap.add_argument("--keep", action="store_true", help="keep the cluster's temporary directory (data and logs)")
    ap.add_argument("-v", "--verbose", action="store_true", help="log the volume client at INFO")
    a = ap.parse_args(argv)
    a.rounds = a.rounds or (1 if a.quick else 2)
    a.measure_s = a.measure_s or (5.0 if a.quick else 20.0)
    a.warmup_s = a.warmup_s if a.warmup_s is not None else (2.0 if a.quick else 5.0)
    return a


class CpuMeter:
    """CPU seconds used by the bench's own processes (this one and the storage nodes)
    and by everything else on the machine, between start() and stop(). Linux /proc only;
    the result stays empty elsewhere. A large `other_cpu_s` means the run was disturbed."""

    def __init__(self, cluster: Supervisor):
        self.cluster = cluster
        self.tick = os.sysconf("SC_CLK_TCK")
        self._start = None
        self.result: dict = {}

    def _sample(self) -> tuple[int, int] | None:
        try:
            fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
            busy = sum(map(int, fields)) - int(fields[3]) - int(fields[4])  # all but idle and iowait
            ours = 0
            for pid in [os.getpid()] + [p.pid for p in self.cluster.nodes.values() if p.alive]:
                st = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                ours += int(st[11]) + int(st[12])  # utime, stime
            return busy, ours
        except (OSError, ValueError, IndexError):
            return None

    def __call__(self, edge: str) -> None:
        if edge == "start":
            self._start, self._t0 = self._sample(), time.monotonic()
            return
        end = self._sample()
        if self._start and end:
            wall = time.monotonic() - self._t0
            busy, ours = ((e - s) / self.tick for s, e in zip(self._start, end))
            self.result = {"wall_s": round(wall, 2), "ours_cpu_s": round(ours, 2),
                           "other_cpu_s": round(max(0.0, busy - ours), 2),
                           "idle_cpu_s": round(max(0.0, wall * (os.cpu_count() or 1) - busy), 2),
                           "other_cpu_fraction": round(max(0.0, busy - ours) / (wall * (os.cpu_count() or 1)), 3)}


async def wait_caught_up(vc: VolumeClient, node: str) -> float | None:
    """Seconds until `node` acknowledged every record written so far; None on timeout."""
    t0 = time.monotonic()
    tr = vc.tracker
    target = {pg: tr.pg_tail(pg) for pg in range(vc.pg_count) if node in vc.geometry.segments(pg)}
    while time.monotonic() - t0 < CATCH_UP_TIMEOUT_S:
        if all(tr.acked_scl(pg, node) >= lsn for pg, lsn in target.items()):
            return round(time.monotonic() - t0, 3)
        await asyncio.sleep(CATCH_UP_POLL_S)
    return None


async def run_scenarios(cluster: Supervisor, args, wl: PgbenchLike) -> tuple[list[dict], dict]:
    rng = random.Random(args.seed)
    vc = await VolumeClient.open(cluster.spec)
    try:
        t0 = time.monotonic()
        await wl.setup(vc)
        setup = {"pages": wl.pages, "seconds": round(time.monotonic() - t0, 2), "recovery_ms": round(vc.recovery_ms, 1)}
        print(f"setup: {wl.pages} page images in {setup['seconds']} s", flush=True)
        runs = []
        for rnd in range(args.rounds):
            for c in args.committers:
                for paused in (False, True):
                    dead = sorted(n for n, p in cluster.nodes.items() if not p.alive)
                    node = rng.choice(sorted(cluster.nodes)) if paused else None
                    if node:
                        cluster.pause(node)
                    cpu = CpuMeter(cluster)
                    try:
                        res = await wl.run(vc, c, args.warmup_s, args.measure_s, on_window=cpu)
                    finally:
                        if node:
                            cluster.resume(node)
                    m = res.metrics()
                    m.update(round=rnd, scenario=scenario_name(c, paused), paused_node=node, dead_nodes=dead,
                             cpu=cpu.result, catch_up_s=await wait_caught_up(vc, node) if node else None)
                    runs.append(m)
                    lat = m["latency_ms"]
                    print(f"round {rnd + 1}/{args.rounds} {m['scenario']:>10}: {m['commits_per_s']} commits/s "
                          f"p50 {lat['p50']} ms p99 {lat['p99']} ms"
                          + (f" (paused {node}, caught up in {m['catch_up_s']} s)" if node else "")
                          + (f" [other processes used {cpu.result['other_cpu_s']} CPU-s]" if cpu.result else "")
                          + (f" errors {m['errors']}" if m["errors"] else "")
                          + (f" DEAD NODES {dead}" if dead else ""), flush=True)
                    if node and m["catch_up_s"] is None:
                        print(f"warning: {node} did not catch up within {CATCH_UP_TIMEOUT_S} s", file=sys.stderr)
        setup["link_stats_at_end"] = vc.link_stats()
        setup["client_stats_at_end"] = dict(vc.stats)
        return runs, setup
    finally:
        await vc.close()


def scenario_name(committers: int, paused: bool) -> str:
    return f"{'paused' if paused else 'healthy'}-{committers}"


def pick(runs: list[dict], rnd: int, scenario: str) -> dict | None:
    return next((r for r in runs if r["round"] == rnd and r["scenario"] == scenario), None)


def summarize(runs: list[dict], committers: list[int]) -> dict:
    def med(rs, get):
        vals = [v for v in map(get, rs) if v is not None]
        return round(statistics.median(vals), 3) if vals else None

    scenarios, ratios, per_round = {}, {}, {}
    for c in committers:
        for paused in (False, True):
            rs = [r for r in runs if r["scenario"] == scenario_name(c, paused)]
            scenarios[scenario_name(c, paused)] = {
                "rounds": len(rs), "commits_per_s": med(rs, lambda r: r["commits_per_s"]),
                "p50_ms": med(rs, lambda r: r["latency_ms"]["p50"]),
                "p99_ms": med(rs, lambda r: r["latency_ms"]["p99"]),
                "records_per_commit": med(rs, lambda r: r["records_per_commit"]),
                "bytes_sent_per_commit": med(rs, lambda r: r["bytes_sent_per_commit"]),
                "errors": sum(sum(r["errors"].values()) for r in rs),
                "other_cpu_fraction_max": max((r["cpu"].get("other_cpu_fraction", 0) for r in rs), default=None)}
        h, p = scenarios[scenario_name(c, False)]["p99_ms"], scenarios[scenario_name(c, True)]["p99_ms"]
        ratios[str(c)] = round(p / h, 3) if h and p else None
        per_round[str(c)] = []
        for rnd in sorted({r["round"] for r in runs}):
            hp = [pick(runs, rnd, scenario_name(c, paused)) for paused in (False, True)]
            if all(r and r["latency_ms"]["p99"] for r in hp):
                per_round[str(c)].append(round(hp[1]["latency_ms"]["p99"] / hp[0]["latency_ms"]["p99"], 3))
    holds = all(v is not None and v <= P99_RATIO_TARGET for v in ratios.values())
    return {"scenarios": scenarios, "paused_p99_ratio": ratios, "paused_p99_ratio_per_round": per_round,
            "target": {"paused_p99_ratio_max": P99_RATIO_TARGET, "holds": holds}}


def scan_logs(cluster: Supervisor, closed_at: datetime | None) -> dict:
    """Lines matching Traceback/ERROR/CRITICAL per node log (with a few lines of each traceback)."""
    found = {}
    for name, n in cluster.nodes.items():
        if not n.log_path.exists():
            continue
        lines = n.log_path.read_text(errors="replace").splitlines()
        hits, last_time = [], None
        for i, line in enumerate(lines):
            if m := LOG_TIME.match(line):
                last_time = datetime.strptime(m.group(1), "%Y-%m-%d %H:%M:%S,%f")
            if LOG_PROBLEM.search(line):
                block = lines[i:i + 8] if "Traceback" in line else [line]
                after_close = bool(closed_at and last_time and last_time >= closed_at)
                hits.append({"line": i + 1, "after_client_close": after_close, "text": "\n".join(block)})
        if hits:
            found[name] = {"count": len(hits), "first": hits[:5], "log": str(n.log_path)}
    return found


def git_info() -> dict:
    def git(*a):
        r = subprocess.run(["git", *a], cwd=REPO, capture_output=True, text=True)
        return r.stdout.strip() if r.returncode == 0 else None
    status = git("status", "--porcelain")
    return {"commit": git("rev-parse", "HEAD"), "dirty": bool(status) if status is not None else None}


def with_cluster(prefix: str, keep: bool, run) -> tuple[object, Supervisor, dict, dict]:
    """Create a local cluster in a fresh temporary directory (named `prefix`...), start it,
    call `run(cluster)`, wait SHUTDOWN_GRACE_S, then stop it and scan its logs (also when
    `run` raises). Returns (run's result, the cluster, log problems per node, exit codes
    of nodes that died during the run)."""
    root = Path(tempfile.mkdtemp(prefix=prefix))
    cluster = Supervisor.create(root)
    closed_at = None
    try:
        cluster.start_all()
        result = run(cluster)
        closed_at = datetime.now()
        time.sleep(SHUTDOWN_GRACE_S)
    finally:
        log_problems, died = stop_cluster(cluster, root, closed_at, keep)
    return result, cluster, log_problems, died


def stop_cluster(cluster: Supervisor, root: Path, closed_at: datetime | None, keep: bool) -> tuple[dict, dict]:
    """Kill the cluster, scan its logs, keep its directory if anything looks wrong.
    Returns (log problems per node, exit codes of nodes that died during the run)."""
    died = {n: p.proc.returncode for n, p in cluster.nodes.items() if p.proc is not None and not p.alive}
    cluster.stop_all(kill=True)
    log_problems = scan_logs(cluster, closed_at)
    if log_problems or keep or closed_at is None:
        print(f"cluster directory kept: {root}", file=sys.stderr)
    else:
        shutil.rmtree(root, ignore_errors=True)
    for name, p in log_problems.items():
        print(f"warning: {p['count']} problem line(s) in {name} log ({p['log']}); first:\n"
              + p["first"][0]["text"], file=sys.stderr)
    for name, rc in died.items():
        print(f"warning: storage node {name} exited with {rc} during the run", file=sys.stderr)
    return log_problems, died


def report_header(benchmark: str, started: datetime, seed: int, load_before) -> dict:
    """The fields every benchmark report starts with: what, when, which commit, where."""
    return {
        "benchmark": benchmark,
        "date": started.isoformat(timespec="seconds"),
        "duration_s": round((datetime.now(timezone.utc) - started).total_seconds(), 1),
        "git": git_info(),
        "seed": seed,
        "machine": {"cpu_count": os.cpu_count(), "python": platform.python_version(),
                    "platform": platform.platform(), "loadavg_before": [round(x, 2) for x in load_before]},
    }


def write_report(report: dict, out: Path, line: str) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2) + "\n")
    print(f"wrote {out}")
    print(line)


def fmt(v, nd=1) -> str:
    return "n/a" if v is None else f"{v:.{nd}f}" if nd else f"{v:.0f}"


def summary_line(summary: dict, committers: list[int], log_problems: dict, died: dict) -> str:
    parts = []
    for i, c in enumerate(committers):
        s = summary["scenarios"][scenario_name(c, False)]
        unit = " ms" if i == 0 else ""
        parts.append(f"{c} committer{'s' if c != 1 else ''} {fmt(s['commits_per_s'], 0)} commits/s "
                     f"p50 {fmt(s['p50_ms'])}{unit} p99 {fmt(s['p99_ms'])}{unit}")
    ratios = ", ".join(f"x{fmt(summary['paused_p99_ratio'][str(c)], 2)} ({c})" for c in committers)
    verdict = ("within 20%" if summary["target"]["holds"]
               else f"NOT within 20% (target x{P99_RATIO_TARGET:.2f})")
    line = f"storage: {' | '.join(parts)} | paused node p99 {ratios}: {verdict}"
    if any(s["errors"] for s in summary["scenarios"].values()):
        line += f" | commit errors: {sum(s['errors'] for s in summary['scenarios'].values())}"
    busy = max((s["other_cpu_fraction_max"] or 0 for s in summary["scenarios"].values()), default=0)
    if busy > BUSY_WARN_FRACTION:
        line += f" | WARNING: machine busy, other processes used up to {busy:.0%} of the CPUs"
    if log_problems:
        line += f" | WARNING: errors in logs of {', '.join(sorted(log_problems))}"
    if died:
        line += f" | WARNING: nodes died: {', '.join(sorted(died))}"
    return line


def main(argv=None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s %(message)s")
    wl = PgbenchLike(seed=args.seed)
    order = [scenario_name(c, p) for c in args.committers for p in (False, True)]
    print(f"storage bench: seed {args.seed}, {args.rounds} round(s) of {', '.join(order)}, "
          f"{args.warmup_s:g} s warm-up + {args.measure_s:g} s measured each", flush=True)
    started = datetime.now(timezone.utc)
    load_before = os.getloadavg()
    (runs, setup), cluster, log_problems, died = with_cluster(
        "sixfold-bench-", args.keep, lambda c: asyncio.run(run_scenarios(c, args, wl)))

    summary = summarize(runs, args.committers)
    line = summary_line(summary, args.committers, log_problems, died)
    report = {
        **report_header("storage", started, args.seed, load_before),
        "config": {"quick": args.quick, "rounds": args.rounds, "warmup_s": args.warmup_s,
                   "measure_s": args.measure_s, "committers": args.committers, "scenario_order": order,
                   "storage_nodes": len(cluster.spec.storage_nodes), "pg_pages": cluster.spec.pg_pages},
        "workload": wl.describe(),
        "setup": setup,
        **summary,
        "runs": runs,
        "node_log_problems": log_problems,
        "nodes_died": died,
        "summary": line,
    }
    write_report(report, args.out, line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
