"""Wire-protocol overhead: the real pgbench at one client against a fresh local cluster.

    python -m bench.wire_bench [--seconds S] [--out bench/results/wire.json]

Three scripts, each on the same cluster: `select 1` (the protocol and a read
round trip), pgbench -S (one indexed read), and the TPC-B-like transaction (seven
statements and a commit on 4 of 6 segments); simple and extended (-M prepared) query
modes. Prints one line per script and writes JSON with the commit; run it on two
commits to compare them.
"""

from __future__ import annotations

import argparse
import json
import re
import secrets
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.storage_bench import git_info
from sixfold.supervisor import Supervisor

SCRIPTS = {"select1": ["-f", "{select1}"], "select_only": ["-S"], "tpcb": []}


def pgbench(uri: str, args: list[str], seconds: float) -> dict:
    cp = subprocess.run(["pgbench", "-n", "-c", "1", "-T", str(seconds), *args, uri], capture_output=True,
                        text=True, timeout=seconds + 120)
    if cp.returncode != 0:
        raise SystemExit(f"pgbench {' '.join(args)} failed: {cp.stderr}")
    tps = float(re.search(r"tps = ([\d.]+)", cp.stdout).group(1))
    lat = float(re.search(r"latency average = ([\d.]+) ms", cp.stdout).group(1))
    return {"tps": tps, "latency_ms_avg": lat}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.wire_bench", description=__doc__.split("\n\n")[0])
    ap.add_argument("--seconds", type=int, default=10, help="seconds per pgbench run (default 10)")
    ap.add_argument("--out", type=Path, default=Path("bench/results/wire.json"), help="JSON output")
    args = ap.parse_args(argv)
    root = Path(tempfile.mkdtemp(prefix="sixfold-wire-"))
    select1 = root / "select1.sql"
    select1.write_text("select 1;\n")
    cluster = Supervisor.create(root / "cluster", writer=True, password=secrets.token_urlsafe(12))
    results = {}
    try:
        cluster.start_all()
        uri = cluster.uri()
        subprocess.run(["pgbench", "-i", "-q", "-s", "1", uri], check=True, capture_output=True, timeout=300)
        pgbench(uri, [], min(args.seconds, 5))  # warm the buffer cache
        for mode in ("simple", "prepared"):
            for name, extra in SCRIPTS.items():
                r = pgbench(uri, ["-M", mode, *[a.format(select1=select1) for a in extra]], args.seconds)
                results[f"{name}_{mode}"] = r
                print(f"{name:12s} {mode:9s} {r['tps']:8.1f} tps  {r['latency_ms_avg']:7.3f} ms", flush=True)
    finally:
        cluster.stop_all(kill=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"git": git_info(), "seconds": args.seconds, "results": results}, indent=2))
    print("wire: " + " | ".join(f"{k} {v['latency_ms_avg']:.3f} ms" for k, v in results.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
