"""Recovery benchmark: how long a new writer takes to recover the volume after the old
one crashed, at two log lengths. Aurora-style recovery replays no redo (it fences a read
quorum, reads the segments' states near the end of the log and truncates above VDL),
so the time must not grow with the length of the log.

    python -m bench.recovery_bench [--quick] [--records N1 N2] [--out bench/results/recovery.json]

For each log length N (default 10,000 and 1,000,000 records; --quick: 10,000 and
100,000), in order:

 1. a fresh local cluster of six storage nodes (two in each of az1..az3) in a
    temporary directory;
 2. a writer subprocess (this module with --child-writer) opens a `VolumeClient` and
    commits mini-transactions of --records-per-commit small deltas (default 100 deltas
    of 16 bytes on random pages of --pages pages, i.e. over many PGs) from --committers
    concurrent committers (default 8), reporting acknowledged records on stdout; a
    progress bar goes to stderr;
 3. once N records are acknowledged (durable on 4 of 6 segments), the writer is
    SIGKILLed while it is still streaming: records above VDL are in flight, as in a
    real crash (--clean-close instead stops at N records and closes the writer);
 4. `VolumeClient.open(spec)` is timed at once (the crash recovery proper), and the
    cluster stays up.

Then, once the storage nodes have digested what was written (their background work,
mostly coalescing redo into page versions, shares an event loop with recovery's RPCs
and slows it for a while after a large write; waited for up to --settle-max-s), every
size is recovered again until each has --opens timed opens (default 7), alternating
between the sizes' clusters so that all sizes meet the same machine load (other jobs
come and go on this 2-core machine; --no-interleave times all opens of a size right
after its write instead). Each open bumps the epoch (fence a read quorum,
read segment states, truncate a write quorum, carry over) and then closes cleanly.
Reported per open: `vc.recovery_ms` (measured by the client), the wall-clock time
around `open()`, the epoch, the recovered VDL, the records carried over and the CPU
used by the bench and by other processes meanwhile.

Reported: the write rate, each value and the median per size, and the ratio of the
medians of the largest and the smallest size (`vc.recovery_ms`; wall-clock and the
first, post-crash, opens too). The acceptance target is a median ratio < 2. Also
recorded: bytes on disk per node, machine, date, git commit, seed. Node logs are scanned for
Traceback/ERROR/CRITICAL; the temporary directory is kept when any are found (or with
--keep). Writes JSON to --out and prints one summary line.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

from bench.storage_bench import (
    BUSY_WARN_FRACTION, REPO, SHUTDOWN_GRACE_S, CpuMeter, report_header, scan_logs, write_report,
)
from compute_node.volume_client import PageChange, VolumeClient
from sixfold.supervisor import Supervisor
from sixfold.constants import PAGE_SIZE_BYTES
from sixfold.errors import SixfoldError
from sixfold.spec import ClusterSpec

RATIO_TARGET = 2.0
PROGRESS_INTERVAL_S = 0.25  # child -> parent progress lines
NO_PROGRESS_TIMEOUT_S = 120.0  # the writer acknowledged nothing for this long: give up
CHILD_EXIT_TIMEOUT_S = 60.0
CHILD_RECORDS_CAP_FACTOR = 3  # a child whose parent vanished stops at this many times its target
CHILD_COMMIT_TIMEOUT_MS = 60_000
BAR_WIDTH = 30
BACKGROUND_SAMPLE_S = 3.0  # storage CPU is sampled this long per cluster while settling
SETTLE_CPU_PER_S_MIN = 0.2  # CPU-s per second of six idle storage nodes that counts as quiet anyway
SETTLE_CPU_FACTOR = 1.5  # ... or this times that of the cluster written first
SETTLE_QUIET_SAMPLES = 2  # consecutive quiet samples of every cluster


def parse_args(argv=None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(prog="python -m bench.recovery_bench", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="log lengths 10,000 and 100,000 records (unless --records)")
    ap.add_argument("--records", type=int, nargs="+", metavar="N",
                    help="log lengths in records, smallest first (default 10000 1000000; quick 10000 100000)")
    ap.add_argument("--opens", type=int, default=7, help="timed recoveries per log length (default 7)")
    ap.add_argument("--committers", type=int, default=8, help="concurrent committers of the writer (default 8)")
    ap.add_argument("--records-per-commit", type=int, default=100,
                    help="deltas per mini-transaction (default 100)")
    ap.add_argument("--delta-bytes", type=int, default=16, help="bytes of each delta (default 16)")
    ap.add_argument("--pages", type=int, default=4096,
                    help="pages the deltas are spread over (default 4096 = 64 PGs of 64 pages)")
    ap.add_argument("--clean-close", action="store_true",
                    help="stop the writer at N records and close it instead of SIGKILLing it mid-stream")
    ap.add_argument("--settle-s", type=float, default=0.0,
                    help="seconds between the writer's end and the first timed open (default 0: recover at once)")
    ap.add_argument("--settle-max-s", type=float, default=300.0,
                    help="before the interleaved opens, wait at most this long for the storage nodes' background "
                         "work to quiet down (default 300)")
    ap.add_argument("--no-interleave", dest="interleave", action="store_false",
                    help="do all opens of a size right after its write (default: after the first open, "
                         "alternate the opens between the sizes' clusters, which stay up)")
    ap.add_argument("--seed", type=int, default=1, help="seed of the pages and offsets written (default 1)")
    ap.add_argument("--out", type=Path, default=REPO / "bench" / "results" / "recovery.json",
                    help="JSON output path (default bench/results/recovery.json)")
    ap.add_argument("--keep", action="store_true", help="keep the clusters' temporary directories")
    ap.add_argument("-v", "--verbose", action="store_true", help="log the volume client at INFO")
    ap.add_argument("--child-writer", nargs=2, metavar=("SPEC", "TARGET"), help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    a.records = a.records or ([10_000, 100_000] if a.quick else [10_000, 1_000_000])
    if min(a.records) < 1 or a.opens < 1 or a.committers < 1 or not 1 <= a.records_per_commit <= 4096:
        ap.error("--records, --opens and --committers must be positive, --records-per-commit in 1..4096")
    if not 1 <= a.delta_bytes <= PAGE_SIZE_BYTES:
        ap.error(f"--delta-bytes must be in 1..{PAGE_SIZE_BYTES}")
    return a


# --- the writer subprocess -----------------------------------------------------------------

async def child_writer(spec_path: str, target: int, args) -> None:
    """Commit until killed (or, with --clean-close, until `target` records are durable).
    stdout: `open <epoch> <vdl>`, then `progress <acked records> <commits> <vdl> <seconds>`."""
    vc = await VolumeClient.open(ClusterSpec.load(spec_path))
    print(f"open {vc.epoch} {vc.vdl}", flush=True)
    cap = target if args.clean_close else target * CHILD_RECORDS_CAP_FACTOR
    state = {"records": 0, "commits": 0, "submitted": 0}
    t0 = time.monotonic()
    stop = asyncio.Event()
    per, size, pages = args.records_per_commit, args.delta_bytes, args.pages

    async def committer(i: int) -> None:
        rng = random.Random(args.seed * 1000 + i)
        filler = bytes(rng.randrange(256) for _ in range(size))
        while not stop.is_set() and state["submitted"] < cap:
            state["submitted"] += per
            changes = [PageChange.delta(rng.randrange(pages), [(rng.randrange(PAGE_SIZE_BYTES - size + 1), filler)])
                       for _ in range(per)]
            try:
                await vc.commit(changes, timeout_ms=CHILD_COMMIT_TIMEOUT_MS)
            except SixfoldError as e:
                print(f"error {type(e).__name__} {e}", flush=True)
                stop.set()
                return
            state["records"] += per
            state["commits"] += 1

    async def reporter() -> None:
        while not stop.is_set():
            print(f"progress {state['records']} {state['commits']} {vc.vdl} {time.monotonic() - t0:.3f}", flush=True)
            await asyncio.sleep(PROGRESS_INTERVAL_S)

    rep = asyncio.get_running_loop().create_task(reporter())
    await asyncio.gather(*(committer(i) for i in range(args.committers)))
    stop.set()
    await rep
    print(f"progress {state['records']} {state['commits']} {vc.vdl} {time.monotonic() - t0:.3f}", flush=True)
    await vc.close()
    print("done", flush=True)


# --- the parent ------------------------------------------------------------------------------

class Progress:
    """A text progress bar on stderr: redrawn in place on a terminal, every 10% otherwise."""

    def __init__(self, total: int, label: str):
        self.total, self.label = total, label
        self.tty = sys.stderr.isatty()
        self.next_decile = 1

    def update(self, done: int, seconds: float) -> None:
        frac = min(1.0, done / self.total)
        rate = done / seconds if seconds > 0 else 0.0
        eta = (self.total - done) / rate if rate > 0 and done < self.total else 0.0
        bar = "#" * int(frac * BAR_WIDTH) + "-" * (BAR_WIDTH - int(frac * BAR_WIDTH))
        text = (f"{self.label} [{bar}] {frac:4.0%} {done:,}/{self.total:,} records "
                f"{rate:,.0f} rec/s ETA {eta:.0f} s")
        if self.tty:
            sys.stderr.write("\r" + text + "\x1b[K")
            sys.stderr.flush()
        elif frac * 10 >= self.next_decile:
            print(text, file=sys.stderr, flush=True)
            self.next_decile = int(frac * 10) + 1

    def finish(self) -> None:
        if self.tty:
            sys.stderr.write("\n")
            sys.stderr.flush()


def write_log(cluster: Supervisor, target: int, args) -> dict:
    """Run the writer subprocess until `target` records are acknowledged, then SIGKILL it
    (or let it close, with --clean-close). Returns what it wrote."""
    cmd = [sys.executable, "-m", "bench.recovery_bench", "--child-writer", str(cluster.spec_path), str(target),
           "--committers", str(args.committers), "--records-per-commit", str(args.records_per_commit),
           "--delta-bytes", str(args.delta_bytes), "--pages", str(args.pages), "--seed", str(args.seed)]
    if args.clean_close:
        cmd.append("--clean-close")
    err_path = cluster.root / "logs" / f"writer-{target}.stderr"
    err_path.parent.mkdir(parents=True, exist_ok=True)
    with open(err_path, "wb") as err:
        child = subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.PIPE, stderr=err, stdin=subprocess.DEVNULL,
                                 text=True)
    lines: list[str] = []

    def read_stdout():
        for line in child.stdout:
            lines.append(line)

    reader = threading.Thread(target=read_stdout, daemon=True)
    reader.start()
    bar = Progress(target, f"{target:,} records:")
    last = {"records": 0, "commits": 0, "vdl": 0, "seconds": 0.0}
    errors: list[str] = []
    seen, last_move = 0, time.monotonic()
    t_spawn = time.monotonic()
    killed_at = None

    def consume() -> None:
        nonlocal seen, last, last_move
        for line in lines[seen:]:
            parts = line.split()
            if parts and parts[0] == "progress":
                rec = {"records": int(parts[1]), "commits": int(parts[2]), "vdl": int(parts[3]),
                       "seconds": float(parts[4])}
                if rec["records"] > last["records"]:
                    last_move = time.monotonic()
                last = rec
            elif parts and parts[0] == "error":
                errors.append(line.strip())
        seen = len(lines)

    try:
        while True:
            exited = child.poll() is not None
            if exited:
                reader.join(5)  # the last lines
            consume()
            bar.update(last["records"], last["seconds"])
            if not args.clean_close and last["records"] >= target:
                child.send_signal(signal.SIGKILL)  # mid-stream: commits are in flight
                killed_at = last
                break
            if exited:
                break
            if time.monotonic() - last_move > NO_PROGRESS_TIMEOUT_S:
                raise RuntimeError(f"the writer acknowledged nothing for {NO_PROGRESS_TIMEOUT_S:g} s "
                                   f"(at {last['records']} records); see {err_path}")
            time.sleep(0.1)
    finally:
        bar.finish()
        if child.poll() is None and killed_at is None:
            child.kill()
        try:
            child.wait(CHILD_EXIT_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
    reader.join(5)
    if killed_at is None and (child.returncode != 0 or last["records"] < target):
        raise RuntimeError(f"the writer exited with {child.returncode} after {last['records']} records "
                           f"({'; '.join(errors[:3]) or 'no error line'}); see {err_path}")
    secs = last["seconds"]
    return {"mode": "clean close" if killed_at is None else "SIGKILL mid-stream",
            "records_acked": last["records"], "commits_acked": last["commits"], "vdl_seen_by_writer": last["vdl"],
            "seconds": round(secs, 2), "spawn_to_end_s": round(time.monotonic() - t_spawn, 2),
            "records_per_s": round(last["records"] / secs, 1) if secs else None,
            "commits_per_s": round(last["commits"] / secs, 1) if secs else None,
            "writer_exit": child.returncode, "writer_errors": errors[:10],
            "writer_stderr_bytes": err_path.stat().st_size if err_path.exists() else None}


class _AllNodes:
    """What CpuMeter needs of a cluster (`.nodes`), over every cluster still running."""

    def __init__(self, runs: list["SizeRun"]):
        self.nodes = {f"{r.target}:{n}": p for r in runs if r.cluster is not None for n, p in r.cluster.nodes.items()}


async def timed_open(spec: ClusterSpec) -> dict:
    """One recovery: open (fence, read segment states, truncate, carry over), then close."""
    t0 = time.perf_counter()
    vc = await VolumeClient.open(spec)
    wall_ms = (time.perf_counter() - t0) * 1000
    rec = vc.recovered
    out = {"recovery_ms": round(vc.recovery_ms, 2), "wall_ms": round(wall_ms, 2), "epoch": vc.epoch,
           "vdl": vc.vdl, "pg_count": vc.pg_count, "carried_over": len(rec.carry_over)}
    await vc.close()
    return out


def storage_cpu_s(cluster: Supervisor) -> float | None:
    """CPU seconds used so far by the cluster's live storage nodes (Linux /proc; None elsewhere)."""
    try:
        total = 0
        for p in cluster.nodes.values():
            if p.alive:
                st = Path(f"/proc/{p.pid}/stat").read_text().rsplit(")", 1)[1].split()
                total += int(st[11]) + int(st[12])  # utime, stime
        return total / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def dir_bytes(path: Path) -> int:
    total = 0
    for dirpath, _dirs, files in os.walk(path):
        for f in files:
            try:
                total += os.path.getsize(os.path.join(dirpath, f))
            except OSError:
                pass
    return total


class SizeRun:
    """One log length: its cluster (running until `stop`), the write, the timed opens."""

    def __init__(self, target: int, args):
        self.target, self.args = target, args
        self.root = Path(tempfile.mkdtemp(prefix=f"sixfold-recbench-{target}-"))
        self.cluster: Supervisor | None = Supervisor.create(self.root)
        self.closed_at: datetime | None = None
        self.result: dict = {"records_target": target, "opens": []}

    def write(self) -> None:
        print(f"--- {self.target:,} log records: fresh cluster", flush=True)
        self.cluster.start_all()
        w = write_log(self.cluster, self.target, self.args)
        self.write_ended = time.monotonic()
        self.result["write"] = w
        print(f"wrote {w['records_acked']:,} records ({w['commits_acked']:,} commits) in {w['seconds']} s: "
              f"{w['records_per_s']:,} records/s, {w['commits_per_s']:,} commits/s; writer {w['mode']}", flush=True)
        if self.args.settle_s:
            time.sleep(self.args.settle_s)
        self.result["data_bytes_per_node"] = {n: dir_bytes(p.data_dir) for n, p in self.cluster.nodes.items()}

    def open_once(self, loop: asyncio.AbstractEventLoop, running: list["SizeRun"]) -> dict:
        cpu = CpuMeter(_AllNodes(running))
        s0 = storage_cpu_s(self.cluster)
        cpu("start")
        o = loop.run_until_complete(timed_open(self.cluster.spec))
        cpu("end")
        s1 = storage_cpu_s(self.cluster)
        o["cpu"] = cpu.result
        o["this_cluster_storage_cpu_s"] = round(s1 - s0, 2) if s0 is not None and s1 is not None else None
        o["seconds_after_writer_end"] = round(time.monotonic() - self.write_ended, 1)
        self.result["opens"].append(o)
        return o

    def measure_background(self, seconds: float) -> None:
        """Storage CPU per second while nobody writes or recovers (coalescing, GC, scrub)."""
        s0 = storage_cpu_s(self.cluster)
        time.sleep(seconds)
        s1 = storage_cpu_s(self.cluster)
        if s0 is not None and s1 is not None:
            self.result["idle_storage_cpu_per_s"] = round((s1 - s0) / seconds, 3)

    def finish(self) -> None:
        r, opens = self.result, self.result["opens"]
        if opens:
            r["log_records_at_recovery"] = opens[0]["vdl"]
            r["first_open_after_crash_ms"] = opens[0]["recovery_ms"]
            r["recovery_ms"] = [o["recovery_ms"] for o in opens]
            r["wall_ms"] = [o["wall_ms"] for o in opens]
            r["median_recovery_ms"] = round(statistics.median(r["recovery_ms"]), 2)
            r["median_wall_ms"] = round(statistics.median(r["wall_ms"]), 2)
            cpus = [o["cpu"] for o in opens if o["cpu"]]
            r["cpu_during_opens"] = {
                "wall_s": round(sum(c["wall_s"] for c in cpus), 2),
                "ours_cpu_s": round(sum(c["ours_cpu_s"] for c in cpus), 2),
                "other_cpu_s": round(sum(c["other_cpu_s"] for c in cpus), 2),
                "other_cpu_fraction_max": max((c["other_cpu_fraction"] for c in cpus), default=None)}
            print(f"{self.target:,} records: recovered at VDL {opens[0]['vdl']:,} ({opens[0]['carried_over']} records "
                  f"carried over by the first open); recovery_ms {r['recovery_ms']} median {r['median_recovery_ms']}; "
                  f"wall ms {r['wall_ms']} median {r['median_wall_ms']} "
                  f"[other processes used {r['cpu_during_opens']['other_cpu_s']} CPU-s"
                  + (f"; idle storage CPU {r['idle_storage_cpu_per_s']}/s" if "idle_storage_cpu_per_s" in r else "")
                  + "]", flush=True)

    def stop(self) -> None:
        if self.cluster is None:
            return
        cluster, self.cluster = self.cluster, None
        if self.result["opens"]:
            self.closed_at = datetime.now()
            time.sleep(SHUTDOWN_GRACE_S)
        died = {n: p.proc.returncode for n, p in cluster.nodes.items() if p.proc is not None and not p.alive}
        cluster.stop_all(kill=True)
        log_problems = scan_logs(cluster, self.closed_at)
        self.result["node_log_problems"] = log_problems
        self.result["nodes_died"] = died
        if log_problems or self.args.keep or self.closed_at is None:
            self.result["cluster_dir_kept"] = str(self.root)
            print(f"cluster directory kept: {self.root}", file=sys.stderr)
        else:
            shutil.rmtree(self.root, ignore_errors=True)
        for name, p in log_problems.items():
            print(f"warning: {self.target:,} records: {p['count']} problem line(s) in {name} log ({p['log']}); "
                  f"first:\n" + p["first"][0]["text"], file=sys.stderr)
        for name, rc in died.items():
            print(f"warning: {self.target:,} records: storage node {name} exited with {rc} during the run",
                  file=sys.stderr)


def settle(runs: list[SizeRun], max_s: float) -> None:
    """Wait until the storage nodes have digested what was written: the background
    (coalescing a backlog of redo into page versions) runs on the same event loop as
    recovery's RPCs, so it slows recovery for a while after a large write. Quiet means
    every cluster's storage CPU, sampled BACKGROUND_SAMPLE_S at a time, was at most
    max(SETTLE_CPU_PER_S_MIN, SETTLE_CPU_FACTOR x that of the cluster written first,
    which has long settled) SETTLE_QUIET_SAMPLES times in a row. The last sample is
    reported as each cluster's idle storage CPU."""
    t0 = time.monotonic()
    quiet_in_a_row = 0
    while True:
        rates: dict[int, float] = {}
        for run in runs:
            s0 = storage_cpu_s(run.cluster)
            time.sleep(BACKGROUND_SAMPLE_S)
            s1 = storage_cpu_s(run.cluster)
            if s0 is None or s1 is None:
                return
            rates[run.target] = (s1 - s0) / BACKGROUND_SAMPLE_S
        limit = max(SETTLE_CPU_PER_S_MIN, SETTLE_CPU_FACTOR * rates[runs[0].target])
        waited = time.monotonic() - t0
        quiet_in_a_row = quiet_in_a_row + 1 if all(r <= limit for r in rates.values()) else 0
        quiet = quiet_in_a_row >= SETTLE_QUIET_SAMPLES
        if quiet or waited >= max_s:
            for run in runs:
                run.result["idle_storage_cpu_per_s"] = round(rates[run.target], 3)
                run.result["settle"] = {"waited_s": round(waited, 1), "quiet": quiet,
                                        "quiet_limit_cpu_per_s": round(limit, 3)}
            if quiet:
                print(f"storage settled after {waited:.0f} s", flush=True)
            else:
                print(f"warning: storage still busy after {waited:.0f} s "
                      f"({', '.join(f'{t:,}: {r:.2f} CPU-s/s' for t, r in rates.items())}); timing anyway",
                      file=sys.stderr, flush=True)
            return
        print(f"settling: storage CPU per second {', '.join(f'{t:,} records: {r:.2f}' for t, r in rates.items())} "
              f"(quiet at <= {limit:.2f}; {waited:.0f} s)", file=sys.stderr, flush=True)


def run_all(args) -> list[SizeRun]:
    """Write and crash each size in turn, recovering each at once (the crash recovery
    proper). The further opens then alternate between the sizes' clusters, which all
    stay up, so that every size sees the same machine load (other jobs come and go on
    this machine); --no-interleave does all opens of a size right after its write."""
    # One event loop for every open: grpc.aio's poller is bound to the first loop it
    # meets, and a second asyncio.run() makes it log "Event loop is closed".
    loop = asyncio.new_event_loop()
    runs: list[SizeRun] = []
    try:
        for n in args.records:
            run = SizeRun(n, args)
            runs.append(run)
            run.write()
            run.open_once(loop, runs)
            if not args.interleave:
                for _ in range(args.opens - 1):
                    run.open_once(loop, runs)
                run.finish()
                run.stop()
        if args.interleave:
            settle(runs, args.settle_max_s)
            for k in range(1, args.opens):
                for run in (runs if k % 2 else runs[::-1]):
                    run.open_once(loop, runs)
            for run in runs:
                run.finish()
    finally:
        for run in runs:
            run.stop()
        # What closed channels leave behind (grpc.aio status tasks): cancel, then close.
        pending = asyncio.all_tasks(loop)
        for t in pending:
            t.cancel()
        loop.run_until_complete(_settled(pending))
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.close()
    return runs


async def _settled(tasks) -> None:
    """Wait for cancelled tasks inside the loop that runs them: asyncio.gather outside a
    running loop binds its future to the thread's current loop, which in `sixfold bench`
    is not this one ("The future belongs to a different loop")."""
    await asyncio.gather(*tasks, return_exceptions=True)


def summary_line(sizes: list[dict], ratio: float | None, wall_ratio: float | None, first_ratio: float | None) -> str:
    parts = [f"{s['records_target']:,} records: median {s['median_recovery_ms']:.0f} ms "
             f"(wall {s['median_wall_ms']:.0f} ms, first after crash {s['first_open_after_crash_ms']:.0f} ms)"
             for s in sizes]
    lo, hi = sizes[0]["records_target"], sizes[-1]["records_target"]
    verdict = ("OK" if ratio is not None and ratio < RATIO_TARGET else f"NOT MET (target < {RATIO_TARGET:g})")
    line = (f"recovery: {' | '.join(parts)} | median ratio {hi:,}/{lo:,} x{ratio:.2f} (wall x{wall_ratio:.2f}, "
            f"first x{first_ratio:.2f}), target < {RATIO_TARGET:g}: {verdict}")
    rates = [s["write"]["records_per_s"] for s in sizes if s["write"]["records_per_s"]]
    if rates:
        line += f" | write {min(rates):,.0f}-{max(rates):,.0f} records/s, writer {sizes[-1]['write']['mode']}"
    st = sizes[-1].get("settle")
    if st:
        line += (f" | storage settled {st['waited_s']:.0f} s before the repeat opens" if st["quiet"]
                 else f" | WARNING: storage not quiet after {st['waited_s']:.0f} s of settling")
    busy = max((s["cpu_during_opens"]["other_cpu_fraction_max"] or 0 for s in sizes), default=0)
    if busy > BUSY_WARN_FRACTION:
        line += f" | WARNING: machine busy, other processes used up to {busy:.0%} of the CPUs during opens"
    bad_logs = sorted({n for s in sizes for n in s["node_log_problems"]})
    if bad_logs:
        line += f" | WARNING: errors in logs of {', '.join(bad_logs)}"
    died = sorted({n for s in sizes for n in s["nodes_died"]})
    if died:
        line += f" | WARNING: nodes died: {', '.join(died)}"
    return line


def main(argv=None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s %(message)s")
    if args.child_writer:
        asyncio.run(child_writer(args.child_writer[0], int(args.child_writer[1]), args))
        return 0
    print(f"recovery bench: log lengths {', '.join(f'{n:,}' for n in args.records)} records, {args.opens} opens each, "
          f"writer: {args.committers} committers x {args.records_per_commit} deltas of {args.delta_bytes} B "
          f"over {args.pages} pages, {'clean close' if args.clean_close else 'SIGKILL mid-stream'}", flush=True)
    started = datetime.now(timezone.utc)
    load_before = os.getloadavg()
    sizes = [r.result for r in run_all(args)]
    by_size = sorted(sizes, key=lambda s: s["records_target"])
    lo, hi = by_size[0], by_size[-1]
    ratio = round(hi["median_recovery_ms"] / lo["median_recovery_ms"], 3) if lo["median_recovery_ms"] else None
    wall_ratio = round(hi["median_wall_ms"] / lo["median_wall_ms"], 3) if lo["median_wall_ms"] else None
    first_ratio = (round(hi["first_open_after_crash_ms"] / lo["first_open_after_crash_ms"], 3)
                   if lo["first_open_after_crash_ms"] else None)
    line = summary_line(by_size, ratio, wall_ratio, first_ratio)
    report = {
        **report_header("recovery", started, args.seed, load_before),
        "config": {"quick": args.quick, "records": args.records, "opens": args.opens, "committers": args.committers,
                   "records_per_commit": args.records_per_commit, "delta_bytes": args.delta_bytes,
                   "pages": args.pages, "clean_close": args.clean_close, "settle_s": args.settle_s,
                   "settle_max_s": args.settle_max_s,
                   "interleave": args.interleave},
        "sizes": sizes,
        "ratio_median_recovery_ms": ratio,
        "ratio_median_wall_ms": wall_ratio,
        "ratio_first_open_after_crash_ms": first_ratio,
        "target": {"ratio_max_exclusive": RATIO_TARGET, "holds": ratio is not None and ratio < RATIO_TARGET},
        "summary": line,
    }
    write_report(report, args.out, line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
