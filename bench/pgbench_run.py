"""Running the real `pgbench` and reading what it leaves: its per-transaction log
(`-l`), its closing report on stdout, its own CPU time.

PostgreSQL 15's per-transaction log line (one per transaction, one file per pgbench
thread: PREFIX.PID for thread 0, PREFIX.PID.N for thread N):

    client_id transaction_no time script_no time_epoch time_us [schedule_lag] [retries]

where `time` is the transaction's latency in microseconds, or `failed` / `skipped`.
"""

from __future__ import annotations

import glob
import re
import resource
import subprocess
import time
from pathlib import Path

from bench.workloads import percentile

PGBENCH_TIMEOUT_GRACE_S = 120.0  # beyond -T: connecting, vacuum, the last transactions


def parse_log_lines(lines) -> dict:
    """Latencies (µs) of the completed transactions and counts of failed/skipped ones."""
    lat: list[int] = []
    failed = skipped = bad = 0
    for line in lines:
        parts = line.split()
        if len(parts) < 6:
            if parts:
                bad += 1
            continue
        t = parts[2]
        if t == "failed":
            failed += 1
        elif t == "skipped":
            skipped += 1
        elif t.isdigit():
            lat.append(int(t))
        else:
            bad += 1
    return {"latencies_us": lat, "failed": failed, "skipped": skipped, "unparsed_lines": bad}


def read_logs(prefix: Path) -> dict:
    """parse_log_lines over every log file pgbench wrote under `prefix` (PREFIX.PID[.N])."""
    out = {"latencies_us": [], "failed": 0, "skipped": 0, "unparsed_lines": 0, "files": 0}
    for path in sorted(glob.glob(f"{glob.escape(str(prefix))}.*")):
        with open(path) as f:
            r = parse_log_lines(f)
        out["latencies_us"] += r["latencies_us"]
        for k in ("failed", "skipped", "unparsed_lines"):
            out[k] += r[k]
        out["files"] += 1
    return out


_NUM = r"([0-9]+(?:\.[0-9]+)?)"
_STDOUT_FIELDS = {
    "processed": re.compile(r"number of transactions actually processed: (\d+)"),
    "failed": re.compile(r"number of failed transactions: (\d+)"),
    "latency_avg_ms": re.compile(r"latency average = " + _NUM + " ms"),
    "initial_connection_ms": re.compile(r"initial connection time = " + _NUM + " ms"),
    "tps": re.compile(r"tps = " + _NUM + r" \(without initial connection time\)"),
}


def parse_stdout(text: str) -> dict:
    """The figures of pgbench's closing report (None for those absent)."""
    out = {}
    for k, rx in _STDOUT_FIELDS.items():
        m = rx.search(text)
        out[k] = None if m is None else (int(m.group(1)) if k in ("processed", "failed") else float(m.group(1)))
    return out


def latency_ms(lat_us: list[int]) -> dict:
    """p50/p90/p99/mean/max in ms (nearest rank) of latencies in µs."""
    s = sorted(lat_us)

    def ms(v):
        return None if v is None else round(v / 1000, 3)

    return {"n": len(s), "p50": ms(percentile(s, 0.50)), "p90": ms(percentile(s, 0.90)),
            "p99": ms(percentile(s, 0.99)), "mean": ms(sum(s) / len(s) if s else None),
            "max": ms(s[-1] if s else None)}


def children_cpu_s() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def pgbench(args: list[str], uri: str, timeout_s: float, cwd: Path | None = None) -> tuple[subprocess.CompletedProcess, float]:
    """Run `pgbench ARGS URI`; returns the finished process and pgbench's own CPU seconds
    (our reaped children's rusage delta: nothing else is reaped meanwhile)."""
    c0 = children_cpu_s()
    cp = subprocess.run(["pgbench", *args, uri], capture_output=True, text=True, timeout=timeout_s, cwd=cwd,
                        stdin=subprocess.DEVNULL, check=False)
    return cp, children_cpu_s() - c0


def init(uri: str, scale: int, timeout_s: float = 900.0) -> dict:
    """pgbench -i -s SCALE; RuntimeError with its output when it fails."""
    t0 = time.monotonic()
    cp, _ = pgbench(["-i", "-s", str(scale), "-q"], uri, timeout_s)
    if cp.returncode != 0:
        raise RuntimeError(f"pgbench -i failed ({cp.returncode}):\n{cp.stdout[-2000:]}{cp.stderr[-3000:]}")
    return {"scale": scale, "seconds": round(time.monotonic() - t0, 2)}


def run(uri: str, clients: int, seconds: float, log_prefix: Path, extra: list[str] | None = None) -> dict:
    """The TPC-B-like workload: pgbench -n -c C -j min(C, 2) -T S -l (-n: the caller does
    pgbench's vacuum step before, outside what it measures). Returns its figures
    (TPS from its report, latencies from its log); RuntimeError when it fails or
    reports failed transactions."""
    args = ["-n", "-c", str(clients), "-j", str(min(clients, 2)), "-T", str(int(seconds)), "-l",
            "--log-prefix", str(log_prefix), *(extra or [])]
    t0 = time.monotonic()
    cp, cpu = pgbench(args, uri, seconds + PGBENCH_TIMEOUT_GRACE_S, cwd=log_prefix.parent)
    wall = time.monotonic() - t0
    rep = parse_stdout(cp.stdout)
    logs = read_logs(log_prefix)
    if cp.returncode != 0:
        raise RuntimeError(f"pgbench exited with {cp.returncode}:\n{cp.stdout[-2000:]}{cp.stderr[-3000:]}")
    failed = max(rep["failed"] or 0, logs["failed"])
    if failed:
        raise RuntimeError(f"pgbench reported {failed} failed transaction(s):\n{cp.stdout[-2000:]}{cp.stderr[-2000:]}")
    lat = logs.pop("latencies_us")
    return {"clients": clients, "threads": min(clients, 2), "seconds": seconds, "wall_s": round(wall, 2),
            "tps": rep["tps"], "transactions": rep["processed"], "logged_transactions": len(lat),
            "failed": failed, "latency_ms": latency_ms(lat), "pgbench_report": rep, "log": logs,
            "pgbench_cpu_s": round(cpu, 3), "stderr_tail": cp.stderr[-500:], "_latencies_us": lat}
