"""Cold reads: a full scan and a DROP TABLE on a compute node whose cache is empty, with
and without read-ahead, in one run.

    python -m bench.cold_read_bench [--rows N] [--rounds N] [--out bench/results/cold-read.json]

It starts a local six-node cluster in a temporary directory, opens a writer and loads
two identical tables of --rows rows (about 100 bytes each, so about 40 per 4 KiB page).
Then, each time on a freshly opened compute node (its buffer cache empty: every page
comes from storage), with read-ahead off (0 pages) and on (READ_AHEAD_PAGES_MAX),
alternating for --rounds rounds:

    select count(*), sum(v) from cold_a        (the scan, timed)
    the same again                             (warm: from the cache, for reference)

and once each, last, DROP TABLE on a cold node: cold_a with read-ahead off, cold_b on
(SQLite walks the whole tree of a table it drops, reading every page). Each result is
checked (count and sum), and the storage page reads the node made are counted.
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

from bench.storage_bench import REPO, report_header, with_cluster, write_report
from compute_node.engine import ComputeNode
from sixfold.constants import READ_AHEAD_PAGES_MAX
from sixfold.supervisor import Supervisor

LOAD_BATCH_ROWS = 50_000
FILLER = "x" * 84


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench.cold_read_bench", description=__doc__.split("\n\n")[0])
    p.add_argument("--rows", type=int, default=200_000, help="rows in each table (default 200000)")
    p.add_argument("--rounds", type=int, default=2, help="cold scans per setting, alternating (default 2)")
    p.add_argument("--out", type=Path, default=REPO / "bench" / "results" / "cold-read.json")
    p.add_argument("--keep", action="store_true", help="keep the cluster's directory")
    return p.parse_args(argv)


def load(node: ComputeNode, rows: int) -> float:
    s = node.session()
    t0 = time.monotonic()
    try:
        for t in ("cold_a", "cold_b"):
            s.execute(f"create table {t} (id integer primary key, v integer not null, filler text)")
            for lo in range(1, rows + 1, LOAD_BATCH_ROWS):
                hi = min(rows, lo + LOAD_BATCH_ROWS - 1)
                s.execute("begin")
                s.execute(f"with recursive n(i) as (select ? union all select i + 1 from n where i < ?) "
                          f"insert into {t} (id, v, filler) select i, i % 7, ? from n", (lo, hi, FILLER))
                s.execute("commit")
    finally:
        s.close()
    return time.monotonic() - t0


def cold_node(cluster: Supervisor, ahead: int) -> ComputeNode:
    node = ComputeNode(cluster.spec).start()
    node.vfs.access.read_ahead_pages = ahead
    return node


def reads(node: ComputeNode) -> int:
    return int(node.vc.stats.get("page_reads", 0))


def timed(node: ComputeNode, sql: str):
    s = node.session()
    try:
        t0 = time.monotonic()
        rows = s.execute(sql).rows
        return time.monotonic() - t0, rows
    finally:
        s.close()


def run(cluster: Supervisor, args) -> dict:
    node = ComputeNode(cluster.spec).start()
    try:
        load_s = load(node, args.rows)
    finally:
        node.close()
    want = [(args.rows, sum(i % 7 for i in range(1, args.rows + 1)))]
    problems: list[str] = []
    scans: dict[str, list[dict]] = {"off": [], "on": []}
    settings = {"off": 0, "on": READ_AHEAD_PAGES_MAX}
    for _ in range(args.rounds):
        for name in ("off", "on"):
            node = cold_node(cluster, settings[name])
            try:
                cold_s, rows = timed(node, "select count(*), sum(v) from cold_a")
                warm_s, rows2 = timed(node, "select count(*), sum(v) from cold_a")
                stats = dict(node.vfs.access.read_ahead_stats)
            finally:
                node.close()
            if [tuple(r) for r in rows] != want or [tuple(r) for r in rows2] != want:
                problems.append(f"scan with read-ahead {name}: {rows} / {rows2}, expected {want}")
            scans[name].append({"cold_s": round(cold_s, 3), "warm_s": round(warm_s, 3), "read_ahead": stats})
            print(f"scan, read-ahead {name}: cold {cold_s:.2f} s, warm {warm_s:.2f} s, "
                  f"read-ahead {stats['batches']} batches / {stats['pages']} pages", flush=True)
    drops = {}
    for name, table in (("off", "cold_a"), ("on", "cold_b")):
        node = cold_node(cluster, settings[name])
        try:
            drop_s, _ = timed(node, f"drop table {table}")
            drops[name] = {"table": table, "seconds": round(drop_s, 3), "read_ahead": dict(node.vfs.access.read_ahead_stats)}
        finally:
            node.close()
        print(f"drop table, read-ahead {name}: {drop_s:.2f} s", flush=True)
    median = {k: statistics.median(r["cold_s"] for r in v) for k, v in scans.items()}
    return {"load_s": round(load_s, 1), "scans": scans, "drops": drops, "problems": problems,
            "cold_scan_s_median": median,
            "cold_scan_speedup": round(median["off"] / median["on"], 2) if median["on"] else None,
            "drop_speedup": round(drops["off"]["seconds"] / drops["on"]["seconds"], 2) if drops["on"]["seconds"] else None}


def main(argv=None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    started = datetime.now(timezone.utc)
    load_before = os.getloadavg()
    result, cluster, log_problems, died = with_cluster("sixfold-coldread-", args.keep, lambda c: run(c, args))
    m = result["cold_scan_s_median"]
    line = (f"cold-read: {args.rows} rows, cold scan {m['off']:.2f} s without read-ahead, {m['on']:.2f} s with "
            f"(x{result['cold_scan_speedup']}); drop table {result['drops']['off']['seconds']:.2f} s -> "
            f"{result['drops']['on']['seconds']:.2f} s (x{result['drop_speedup']})"
            + ("; PROBLEMS " + "; ".join(result["problems"]) if result["problems"] else ""))
    report = {**report_header("cold-read", started, 0, load_before),
              "config": {"rows": args.rows, "rounds": args.rounds, "read_ahead_pages_max": READ_AHEAD_PAGES_MAX,
                         "storage_nodes": len(cluster.spec.storage_nodes)},
              **result, "node_log_problems": log_problems, "nodes_died": died, "summary": line}
    write_report(report, args.out, line)
    return 0 if not result["problems"] and not died else 1


if __name__ == "__main__":
    sys.exit(main())
