"""A/B of two commits on pgbench TPC-B: TPS and CPU per transaction, alternating the two
trees run by run so that the machine's drift hits both alike.

    python -m bench.ab_pgbench --old 0823067 [--new HEAD] [--txns 300] [--clients 4] [--reps 3]

Each run starts a fresh local cluster from that tree (its own data directory and ports),
loads pgbench scale 1, runs `pgbench -c CLIENTS -j 2 -t TXNS`, and reads the CPU time of
the writer and of every process of the cluster from /proc before and after. Results:
bench/results/ab-pgbench.json and a one-line summary (medians; compare the pairs).
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

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "ab-pgbench.json"
STEP_TIMEOUT_S = 600


def _cpu_ms(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total * 1000 // os.sysconf("SC_CLK_TCK")


def _pids(pattern: str) -> list[int]:
    out = subprocess.run(["pgrep", "-f", pattern], capture_output=True, text=True, check=False).stdout
    return [int(p) for p in out.split()]


def one_run(tree: Path, txns: int, clients: int) -> dict:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    work = Path(tempfile.mkdtemp(prefix="ab-pgbench-"))
    data = work / "c"
    cli = [sys.executable, "-m", "sixfold.cli"]
    try:
        subprocess.run([*cli, "up", "--data-dir", str(data)], cwd=tree, env=env, check=True, capture_output=True,
                       timeout=STEP_TIMEOUT_S)
        uri = subprocess.run([*cli, "status", "--data-dir", str(data), "--uri"], cwd=tree, env=env, check=True,
                             capture_output=True, text=True, timeout=60).stdout.strip()
        subprocess.run(["pgbench", "-q", "-i", "-s", "1", uri], check=True, capture_output=True,
                       timeout=STEP_TIMEOUT_S)
        everyone, writer = _pids(str(data)), _pids(f"compute_node.*{data}")[:1]
        before_all, before_writer = _cpu_ms(everyone), _cpu_ms(writer)
        out = subprocess.run(["pgbench", "-c", str(clients), "-j", "2", "-t", str(txns), uri], check=True,
                             capture_output=True, text=True, timeout=STEP_TIMEOUT_S).stdout
        total = clients * txns
        tps = float(re.search(r"^tps = ([\d.]+)", out, re.MULTILINE).group(1))
        return {"tps": round(tps, 1),
                "writer_cpu_ms_per_txn": round((_cpu_ms(writer) - before_writer) / total, 2),
                "all_cpu_ms_per_txn": round((_cpu_ms(everyone) - before_all) / total, 2)}
    finally:
        subprocess.run([*cli, "down", "--data-dir", str(data)], cwd=tree, env=env, capture_output=True,
                       timeout=STEP_TIMEOUT_S, check=False)
        shutil.rmtree(work, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--old", required=True, help="the commit to compare against")
    ap.add_argument("--new", default="HEAD", help="the commit measured (default HEAD)")
    ap.add_argument("--txns", type=int, default=300, help="transactions per client (default 300)")
    ap.add_argument("--clients", type=int, default=4)
    ap.add_argument("--reps", type=int, default=3, help="runs of each tree, alternating (default 3)")
    args = ap.parse_args(argv)
    for label in ("old", "new"):  # record commits, not names that move (HEAD, branches)
        setattr(args, label, subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", getattr(args, label)],
                                            check=True, capture_output=True, text=True, timeout=30).stdout.strip())
    base = Path(tempfile.mkdtemp(prefix="ab-trees-"))
    trees = {}
    try:
        for label in ("old", "new"):
            rev = getattr(args, label)
            trees[label] = base / label
            subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "-q", str(trees[label]), rev],
                           check=True, timeout=120)
        runs = []
        for rep in range(1, args.reps + 1):
            for label in ("old", "new"):
                r = {"tree": label, "rev": getattr(args, label), "rep": rep,
                     **one_run(trees[label], args.txns, args.clients)}
                print(json.dumps(r), flush=True)
                runs.append(r)
    finally:
        for t in trees.values():
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(t)], check=False,
                           timeout=120)
        shutil.rmtree(base, ignore_errors=True)
    med = {label: {k: round(statistics.median(r[k] for r in runs if r["tree"] == label), 2)
                   for k in ("tps", "writer_cpu_ms_per_txn", "all_cpu_ms_per_txn")} for label in ("old", "new")}
    RESULTS.write_text(json.dumps({"old": args.old, "new": args.new, "txns_per_client": args.txns,
                                   "clients": args.clients, "runs": runs, "median": med}, indent=2) + "\n")
    print(f"ab-pgbench {args.old} -> {args.new}: tps {med['old']['tps']} -> {med['new']['tps']}, writer CPU "
          f"{med['old']['writer_cpu_ms_per_txn']} -> {med['new']['writer_cpu_ms_per_txn']} ms/txn, all processes "
          f"{med['old']['all_cpu_ms_per_txn']} -> {med['new']['all_cpu_ms_per_txn']} ms/txn (medians of "
          f"{args.reps}; {RESULTS.relative_to(ROOT)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
