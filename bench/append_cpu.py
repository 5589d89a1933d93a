"""Storage CPU per append message: six storage nodes driven by an in-process volume client.

    python -m bench.append_cpu [--commits 2000] [--committers 1] [--tree PATH]

It starts a local six-node cluster (no compute node), opens a VolumeClient in this
process and makes `--commits` commits of five 40-byte deltas each on 500 pages, from
`--committers` concurrent tasks, after 200 warm-up commits. Storage CPU is read from
/proc for the six node processes before and after; append messages are the links'
record batches. With `--tree`, the cluster and client come from another checkout, so
two trees can be run side by side (at the same time, on a drifting machine, both
suffer the same drift: compare CPU per message, not commits per second).

Writes bench/results/append-cpu.json and prints one summary line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "append-cpu.json"
WARMUP_COMMITS = 200
RECORDS_PER_COMMIT = 5
PAGES_COUNT = 500


def _ticks(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--commits", type=int, default=2000, help="measured commits (default 2000)")
    ap.add_argument("--committers", type=int, default=1, help="concurrent committing tasks (default 1)")
    ap.add_argument("--tree", type=Path, default=ROOT, help="the checkout to run (default this one)")
    ap.add_argument("--out", type=Path, default=RESULTS)
    args = ap.parse_args(argv)
    sys.path.insert(0, str(args.tree))
    from compute_node.volume_client import PageChange, VolumeClient
    from sixfold.supervisor import Supervisor

    root = Path(tempfile.mkdtemp(prefix="append-cpu-"))
    cluster = Supervisor.create(root / "c")
    cluster.start_all()
    try:
        pids = [int(p) for p in subprocess.run(["pgrep", "-f", f"storage_node.*{root}"], capture_output=True,
                                               text=True, timeout=30).stdout.split()]
        assert len(pids) == 6, f"expected six storage nodes, found {len(pids)}"

        async def run() -> dict:
            vc = await VolumeClient.open(cluster.spec)
            try:
                async def one(i: int) -> None:
                    await vc.commit([PageChange.delta(10 + (i * 7 + k) % PAGES_COUNT, [(100 + k, os.urandom(40))])
                                     for k in range(RECORDS_PER_COMMIT)])
                for i in range(WARMUP_COMMITS):
                    await one(i)
                sent0 = sum(link.sent_batches for link in vc.links.values())
                cpu0, t0 = sum(_ticks(p) for p in pids), time.monotonic()
                todo = iter(range(args.commits))

                async def committer() -> None:
                    for i in todo:
                        await one(i)
                await asyncio.gather(*(committer() for _ in range(args.committers)))
                seconds = time.monotonic() - t0
                cpu_ms = (sum(_ticks(p) for p in pids) - cpu0) * 1000 / os.sysconf("SC_CLK_TCK")
                messages_per_node = (sum(link.sent_batches for link in vc.links.values()) - sent0) / 6
                return {"commits": args.commits, "committers": args.committers, "seconds": round(seconds, 2),
                        "commits_per_s": round(args.commits / seconds, 1),
                        "append_messages_per_node_per_commit": round(messages_per_node / args.commits, 3),
                        "storage_cpu_ms_per_commit": round(cpu_ms / args.commits, 3),
                        "storage_cpu_ms_per_message_per_node": round(cpu_ms / 6 / messages_per_node, 3)}
            finally:
                await vc.close()

        result = asyncio.run(run())
    finally:
        cluster.stop_all()
        shutil.rmtree(root, ignore_errors=True)
    rev = subprocess.run(["git", "-C", str(args.tree), "rev-parse", "--short", "HEAD"], capture_output=True,
                         text=True, timeout=30).stdout.strip()
    result = {"tree_commit": rev, "date": time.strftime("%Y-%m-%d %H:%M:%S"), **result}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"append-cpu {rev}: {result['commits_per_s']} commits/s, "
          f"{result['append_messages_per_node_per_commit']} append messages per node per commit, storage CPU "
          f"{result['storage_cpu_ms_per_commit']} ms per commit, {result['storage_cpu_ms_per_message_per_node']} ms "
          f"per message per node")
    return 0


if __name__ == "__main__":
    sys.exit(main())
