"""High availability, measured: replica lag under pgbench, and failover time.

    python -m bench.ha_bench [--seconds S] [--kills N] [--out bench/results/ha.json]

1. Replica lag: a writer and one replica (and the control plane and router); pgbench
   TPC-B at 4 clients on the writer for S seconds while the replica follows. Reports,
   over every commit the replica applied, the delay from the commit on the writer to
   its being visible on the replica (p50/p99), and the replica's lag in LSNs and ms
   sampled every 100 ms.
2. Failover: a writer, two replicas, the control plane and the router; a committer
   through the cluster endpoint and one through the failover-aware driver; the writer
   is SIGKILLed N times, each time after both paths committed on the new one. RTO is
   SIGKILL -> the first commit on each path (p50/max).
Prints one line per part and writes JSON with the commit.
"""

from __future__ import annotations

import argparse
import json
import secrets
import statistics
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import psycopg

from bench.storage_bench import git_info
from sixfold.supervisor import Supervisor, wait_until

SAMPLE_INTERVAL_S = 0.1


def pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    v = sorted(values)
    return round(v[min(len(v) - 1, int(len(v) * q))], 2)


def replica_lag(root: Path, seconds: int) -> dict:
    cluster = Supervisor.create(root / "lag", writer=True, replicas=1, control_plane=True, router=True,
                                  password=secrets.token_urlsafe(12))
    try:
        cluster.start_all()
        writer_uri, replica_uri = cluster.uri("db-1"), cluster.uri("db-2")
        subprocess.run(["pgbench", "-i", "-q", "-s", "1", writer_uri], check=True, capture_output=True, timeout=300)
        samples: list[tuple[int, int]] = []
        stop = threading.Event()

        def sample() -> None:
            with psycopg.connect(replica_uri, autocommit=True) as r:
                while not stop.wait(SAMPLE_INTERVAL_S):
                    samples.append(r.execute("select sixfold_metric('lag_lsn'), sixfold_metric('lag_ms')").fetchone())

        with psycopg.connect(replica_uri, autocommit=True) as r:
            before = r.execute("select sixfold_metric('visible_delay_samples')").fetchone()[0] or 0
        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        cp = subprocess.run(["pgbench", "-n", "-c", "4", "-j", "2", "-T", str(seconds), writer_uri],
                            capture_output=True, text=True, timeout=seconds + 120)
        stop.set()
        sampler.join(10)
        with psycopg.connect(replica_uri, autocommit=True) as r:
            p50, p99, n = r.execute("select sixfold_metric('visible_delay_ms_p50'), "
                                    "sixfold_metric('visible_delay_ms_p99'), "
                                    "sixfold_metric('visible_delay_samples')").fetchone()
        tps = float(cp.stdout.split("tps = ")[1].split()[0]) if "tps = " in cp.stdout else None
        lsns = [s[0] for s in samples if s[0] is not None]
        mss = [s[1] for s in samples if s[1] is not None]
        return {"pgbench_clients": 4, "seconds": seconds, "tps": tps,
                "visible_delay_ms_p50": p50, "visible_delay_ms_p99": p99, "commits_applied": n - before,
                "lag_lsn_p50": pct(lsns, 0.5), "lag_lsn_p99": pct(lsns, 0.99),
                "lag_ms_p50": pct(mss, 0.5), "lag_ms_p99": pct(mss, 0.99), "samples": len(samples)}
    finally:
        cluster.stop_all(kill=True)


def failover(root: Path, kills: int) -> dict:
    from sixfold import driver
    from compute_node.topology import fetch_topology

    cluster = Supervisor.create(root / "failover", writer=True, replicas=2, control_plane=True, router=True,
                                  password=secrets.token_urlsafe(12))
    commits: dict[str, list[float]] = {"endpoint": [], "driver": []}
    stop = threading.Event()
    try:
        cluster.start_all()
        creds = json.loads((cluster.root / "credentials.json").read_text())
        with psycopg.connect(cluster.uri(), autocommit=True) as c:
            c.execute("create table ticks (path text, n integer)")

        def committer(path: str) -> None:
            conn = None
            n = 0
            while not stop.is_set():
                try:
                    if conn is None:
                        conn = (psycopg.connect(cluster.uri(), autocommit=True, connect_timeout=2) if path == "endpoint"
                                else driver.connect(cluster.root, user=creds["user"], password=creds["password"],
                                                    autocommit=True))
                    n += 1
                    conn.execute("insert into ticks values (%s, %s)", (path, n))
                    commits[path].append(time.monotonic())
                except psycopg.Error:
                    if path == "endpoint" and conn is not None:
                        conn.close()
                        conn = None
                    time.sleep(0.01)

        threads = [threading.Thread(target=committer, args=(p,), daemon=True) for p in commits]
        for t in threads:
            t.start()
        rto: dict[str, list[float]] = {p: [] for p in commits}
        wait_until(lambda: all(len(c) > 10 for c in commits.values()), 30, "commits on both paths")
        for _ in range(kills):
            wait_until(lambda: all(i.healthy for i in fetch_topology(cluster.spec, 2).instances), 30,
                       "every instance healthy")
            old = fetch_topology(cluster.spec, 2).writer
            t0 = time.monotonic()
            cluster.kill(old)
            for p, c in commits.items():
                wait_until(lambda c=c: c and c[-1] > t0, 30, f"a commit through the {p}")
                rto[p].append(min(t for t in c if t > t0) - t0)
            cluster.start(old)
        stop.set()
        for t in threads:
            t.join(10)
        return {p: {"kills": len(v), "rto_ms_p50": round(statistics.median(v) * 1000, 1),
                    "rto_ms_max": round(max(v) * 1000, 1), "rto_ms": [round(x * 1000) for x in v]}
                for p, v in rto.items()}
    finally:
        stop.set()
        cluster.stop_all(kill=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.ha_bench", description=__doc__.split("\n\n")[0])
    ap.add_argument("--seconds", type=int, default=20, help="pgbench seconds for the lag run (default 20)")
    ap.add_argument("--kills", type=int, default=10, help="writer kills in the failover run (default 10)")
    ap.add_argument("--out", type=Path, default=Path("bench/results/ha.json"), help="JSON output")
    args = ap.parse_args(argv)
    root = Path(tempfile.mkdtemp(prefix="sixfold-ha-"))
    lag = replica_lag(root, args.seconds)
    print(f"replica lag under pgbench -c 4 ({lag['tps']} tps): commit->visible p50 {lag['visible_delay_ms_p50']} ms, "
          f"p99 {lag['visible_delay_ms_p99']} ms; lag p50/p99 {lag['lag_lsn_p50']}/{lag['lag_lsn_p99']} LSNs, "
          f"{lag['lag_ms_p50']}/{lag['lag_ms_p99']} ms", flush=True)
    fo = failover(root, args.kills)
    print(f"failover RTO over {args.kills} writer kills: endpoint p50 {fo['endpoint']['rto_ms_p50']} ms, max "
          f"{fo['endpoint']['rto_ms_max']} ms; driver p50 {fo['driver']['rto_ms_p50']} ms, max "
          f"{fo['driver']['rto_ms_max']} ms", flush=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"when": time.strftime("%Y-%m-%dT%H:%M:%S%z"), **git_info(),
                                    "replica_lag": lag, "failover": fo}, indent=2) + "\n")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
