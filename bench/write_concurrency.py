"""Serial against optimistic write transactions on pgbench TPC-B, one cluster, runs
alternating so that the machine's drift hits both alike.

    python -m bench.write_concurrency [--clients 4,16] [--seconds 15] [--reps 3]

One local cluster of this tree, pgbench scale 1; for each client count and repetition,
a run with `sixfold.write_concurrency=serial` and one with `optimistic` (PGOPTIONS),
`pgbench -c N -j 2 -T SECONDS`. Per run: TPS, transactions pgbench counted as failed
(40001: optimistic transactions whose replay answered differently; pgbench does not
retry them), CPU per committed transaction of the writer and of every process of the
cluster (/proc), the write lock's held time per hold, and append messages per commit
(group commit). Results: bench/results/write-concurrency.json and a one-line summary
(medians per mode and client count).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.ab_pgbench import ROOT, STEP_TIMEOUT_S, _cpu_ms, _pids
from bench.systems import query

RESULTS = ROOT / "bench" / "results" / "write-concurrency.json"
METRICS = ("commits", "write_lock_held_ms", "write_lock_holds", "redo_batches_sent", "optimistic_commits",
           "optimistic_conflicts", "optimistic_to_serial")
MODES = ("serial", "optimistic")


def _metrics(uri: str) -> dict[str, int]:
    cols = ", ".join(f"sixfold_metric('{m}')" for m in METRICS)
    return {m: v or 0 for m, v in zip(METRICS, query(uri, f"select {cols}")[0])}


def one_run(uri: str, data: Path, mode: str, clients: int, seconds: int) -> dict:
    everyone, writer = _pids(str(data)), _pids(f"compute_node.*{data}")[:1]
    cpu_all, cpu_writer, before = _cpu_ms(everyone), _cpu_ms(writer), _metrics(uri)
    out = subprocess.run(["pgbench", "-c", str(clients), "-j", "2", "-T", str(seconds), uri], check=True,
                         capture_output=True, text=True, timeout=seconds + STEP_TIMEOUT_S,
                         env={**os.environ, "PGOPTIONS": f"-c sixfold.write_concurrency={mode}"}).stdout
    after = _metrics(uri)
    d = {m: after[m] - before[m] for m in METRICS}
    commits = max(d["commits"], 1)
    failed = re.search(r"^number of failed transactions: (\d+)", out, re.MULTILINE)
    return {"mode": mode, "clients": clients,
            "tps": round(float(re.search(r"^tps = ([\d.]+)", out, re.MULTILINE).group(1)), 1),
            "failed_txns": int(failed.group(1)) if failed else 0,
            "writer_cpu_ms_per_txn": round((_cpu_ms(writer) - cpu_writer) / commits, 2),
            "all_cpu_ms_per_txn": round((_cpu_ms(everyone) - cpu_all) / commits, 2),
            "write_lock_held_ms_per_hold": round(d["write_lock_held_ms"] / max(d["write_lock_holds"], 1), 2),
            "append_messages_per_commit": round(d["redo_batches_sent"] / commits, 2),
            "optimistic_commits": d["optimistic_commits"], "optimistic_conflicts": d["optimistic_conflicts"],
            "optimistic_to_serial": d["optimistic_to_serial"]}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--clients", default="4,16", help="client counts, comma-separated (default 4,16)")
    ap.add_argument("--seconds", type=int, default=15, help="length of each run (default 15)")
    ap.add_argument("--reps", type=int, default=3, help="runs of each mode per client count (default 3)")
    args = ap.parse_args(argv)
    clients = [int(c) for c in args.clients.split(",")]
    cli = [sys.executable, "-m", "sixfold.cli"]
    work = Path(tempfile.mkdtemp(prefix="bench-write-concurrency-"))
    data = work / "c"
    runs: list[dict] = []
    try:
        subprocess.run([*cli, "up", "--data-dir", str(data)], cwd=ROOT, check=True, capture_output=True,
                       timeout=STEP_TIMEOUT_S)
        uri = subprocess.run([*cli, "status", "--data-dir", str(data), "--uri"], cwd=ROOT, check=True,
                             capture_output=True, text=True, timeout=60).stdout.strip()
        subprocess.run(["pgbench", "-q", "-i", "-s", "1", uri], check=True, capture_output=True,
                       timeout=STEP_TIMEOUT_S)
        total = len(clients) * args.reps * len(MODES)
        for n in clients:
            for rep in range(args.reps):
                for mode in (MODES if rep % 2 == 0 else MODES[::-1]):
                    run = one_run(uri, data, mode, n, args.seconds)
                    runs.append(run)
                    print(f"[{len(runs)}/{total}] {mode} {n} clients: {run}", flush=True)
    finally:
        subprocess.run([*cli, "down", "--data-dir", str(data)], cwd=ROOT, capture_output=True,
                       timeout=STEP_TIMEOUT_S, check=False)
        shutil.rmtree(work, ignore_errors=True)
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                            check=False).stdout.strip()
    summary = {}
    for n in clients:
        for mode in MODES:
            mine = [r for r in runs if r["clients"] == n and r["mode"] == mode]
            summary[f"{mode}_{n}"] = {k: statistics.median(r[k] for r in mine)
                                      for k in ("tps", "failed_txns", "all_cpu_ms_per_txn", "writer_cpu_ms_per_txn",
                                                "write_lock_held_ms_per_hold", "append_messages_per_commit")}
    RESULTS.write_text(json.dumps({"commit": commit, "workload": "pgbench TPC-B scale 1", "seconds": args.seconds,
                                   "reps": args.reps, "summary_medians": summary, "runs": runs}, indent=1) + "\n")
    line = "; ".join(f"{n} clients: tps serial {summary[f'serial_{n}']['tps']} optimistic "
                     f"{summary[f'optimistic_{n}']['tps']} (failed {summary[f'optimistic_{n}']['failed_txns']}), "
                     f"lock held ms/hold {summary[f'serial_{n}']['write_lock_held_ms_per_hold']} -> "
                     f"{summary[f'optimistic_{n}']['write_lock_held_ms_per_hold']}" for n in clients)
    print(f"write concurrency ({commit}, medians of {args.reps}): {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
