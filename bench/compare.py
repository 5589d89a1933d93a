"""Sixfold side by side with PostgreSQL 15: the real `pgbench` TPC-B-like workload
against three systems started by this one run, on the same machine.

    python -m bench.compare [--quick] [--rounds N] [--seconds S] [--scale N] [--profile]
                            [--out-dir bench/results]

1. Starts, each in its own temporary directory on free ports: Sixfold (six storage
   nodes over three AZs + the writer compute node, SCRAM password); PostgreSQL 15 single
   node; PostgreSQL 15 primary + two streaming standbys s1, s2 with
   synchronous_standby_names = 'ANY 1 (s1, s2)' (checked: both stream with sync_state
   'quorum'). PostgreSQL keeps its default config (fsync on, synchronous_commit on)
   except listen/port/socket and the replication settings; Sixfold's storage nodes fsync
   every LMDB commit. PostgreSQL is installed (scripts/ensure_postgres.sh) when missing.
2. `pgbench -i -s SCALE` on each (default 2, --quick 1), one warm-up run per system
   (4 clients, excluded), then `pgbench -n -c C -j min(C,2)
   -T S -l` at 1 and 4 clients, alternating the systems within each round (sixfold,
   pg-single, pg-sync), --rounds rounds (default 3, --quick 1), S = --seconds (default 20,
   --quick 5). Before each run, outside the measured window, what pgbench's own
   vacuum step does (vacuum branches and tellers, truncate history). A run with failed
   transactions fails the bench. TPS from pgbench's report; p50/p99 from its
   per-transaction log.
3. Per run: bytes leaving the writer (Sixfold: the append messages sent to all six
   segments - records, their framing, hints, heartbeats -
   `sixfold_metric('redo_wire_bytes_sent')`; PostgreSQL: WAL generated x standbys, cross-checked
   with pg_stat_replication.sent_lsn), one copy of the log (Sixfold: its redo records as
   shipped, headers included, `sixfold_metric('redo_record_bytes')`, as PostgreSQL's WAL
   counts its record headers; the payloads alone are kept as redo_payload_bytes), CPU
   seconds of all the system's processes (/proc; PostgreSQL's exited backends through
   the postmaster's cutime+cstime), and pgbench's own CPU apart.
4. Sixfold only: p99 at 4 clients healthy vs one storage node SIGSTOPped; writer crash
   recovery time at 10k and 1M log records (--quick: 100k; bench/recovery_bench.py);
   replica lag under pgbench at 4 clients (commit -> visible on a replica, p50/p99) and
   failover RTO (writer SIGKILLed, first commit through the endpoint and the driver),
   from bench/ha_bench.py.
5. --profile: py-spy on the writer and on one storage node during an extra 4-client run:
   profile-writer.{txt,md}, profile-storage.txt.
Writes compare.json, compare.md, compare_tps.png and compare_latency.png to --out-dir and
prints one summary line; a progress bar goes to stderr.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import resource
import shutil
import signal
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from bench import compare_report, pgbench_run, plots, profile
from bench import ha_bench
from bench.args import add_arguments
from bench.cpu import machine_busy_s, trees_cpu_s
from bench.progress import Progress
from bench.storage_bench import BUSY_WARN_FRACTION, report_header, write_report
from bench.systems import Postgres, Sixfold, ensure_postgres, query

CLIENTS = (1, 4)
# Rows of the full run beyond TPC-B at CLIENTS: (workload, clients, pgbench options).
# Select-only needs no quorum (the closest Sixfold can come to PostgreSQL); prepared
# statements skip the parse; 16 clients show scale; SCALE_LARGE shows cache misses.
EXTRA_WORKLOADS = (("tpcb", 16, ()), ("select-only", 4, ("-S",)), ("tpcb-prepared", 4, ("-M", "prepared")))
SCALE_LARGE = 20  # pgbench scale of the large-data row (about 300 MB): buffer-cache misses and storage reads
LARGE_WORKLOAD = "tpcb-scale20"
PAUSED_CLIENTS = 4
HA_KILLS, HA_KILLS_QUICK = 5, 2  # writer kills for the failover RTO figures
PREP_SQL = {"pg": ["vacuum pgbench_branches", "vacuum pgbench_tellers", "truncate pgbench_history"],
            "sixfold": ["delete from pgbench_history"]}


def _defaults(a: argparse.Namespace) -> argparse.Namespace:
    a.rounds = a.rounds or (1 if a.quick else 3)
    a.seconds = a.seconds or (5.0 if a.quick else 20.0)
    a.scale = a.scale or (1 if a.quick else 2)
    a.records = [10_000, 100_000] if a.quick else [10_000, 1_000_000]
    a.extra_rows = not a.quick
    if a.rounds < 1 or a.seconds < 1 or a.scale < 1:
        raise SystemExit("--rounds, --seconds and --scale must be positive")
    return a


def machine() -> dict:
    def first(path, key):
        try:
            return next(line.split(":", 1)[1].strip() for line in open(path) if line.startswith(key))
        except (OSError, StopIteration):
            return None
    mem = first("/proc/meminfo", "MemTotal")
    return {"cpu_model": first("/proc/cpuinfo", "model name"), "cpu_count": os.cpu_count(),
            "ram_gib": round(int(mem.split()[0]) / 1024 ** 2, 1) if mem else None,
            "kernel": platform.release(), "python": platform.python_version()}


class Bench:
    def __init__(self, args):
        self.args = args
        self.systems = {}
        self.runs: list[dict] = []
        self.warmup: list[dict] = []
        self.extra: dict = {}
        self.warnings: list[str] = []
        self.work = Path(tempfile.mkdtemp(prefix="sixfold-compare-logs-"))

    def plan(self) -> list[tuple[str, float]]:
        a, s = self.args, self.args.seconds
        steps = [("start sixfold", 15), ("start pg-single", 5), ("start pg-sync", 10),
                 ("pgbench -i sixfold", 4 * a.scale), ("pgbench -i pg-single", 2 * a.scale),
                 ("pgbench -i pg-sync", 2 * a.scale)]
        steps += [(f"warm-up 4c {n}", s + 3) for n in ("sixfold", "pg-single", "pg-sync")]
        steps += [(f"round {r + 1}/{a.rounds} {c}c {n}", s + 3) for r in range(a.rounds) for c in CLIENTS
                  for n in ("sixfold", "pg-single", "pg-sync")]
        if a.extra_rows:
            steps += [(f"round {r + 1}/{a.rounds} {w} {c}c {n}", s + 3) for r in range(a.rounds)
                      for w, c, _o in EXTRA_WORKLOADS for n in ("sixfold", "pg-single", "pg-sync")]
            steps += [(f"pgbench -i -s {SCALE_LARGE} {n}", 12 * SCALE_LARGE if n == "sixfold" else SCALE_LARGE)
                      for n in ("sixfold", "pg-single", "pg-sync")]
            steps += [(f"round {r + 1}/{a.rounds} {LARGE_WORKLOAD} 4c {n}", s + 3) for r in range(a.rounds)
                      for n in ("sixfold", "pg-single", "pg-sync")]
        steps += [(f"sixfold 4c {k} ({r + 1}/{a.rounds})", s + 3) for r in range(a.rounds)
                  for k in ("healthy", "paused node")]
        if a.profile:
            steps.append(("profile sixfold 4c", s + 8))
        steps.append(("stop systems", 5))
        if a.recovery:
            steps.append(("writer crash recovery", 90 if a.quick else 700))
        return steps

    # --- systems -----------------------------------------------------------------------
    def start(self, bar: Progress) -> None:
        ensure_postgres()
        for sys_ in (Sixfold(), Postgres(standbys=False), Postgres(standbys=True)):
            bar.step(f"start {sys_.name}")
            self.systems[sys_.name] = sys_
            sys_.start()
        for name, s in self.systems.items():
            bar.step(f"pgbench -i {name}")
            info = pgbench_run.init(s.uri, self.args.scale)
            bar.note(f"{name}: pgbench -i -s {self.args.scale} in {info['seconds']} s")

    def groups(self) -> dict[str, list[int]]:
        return {n: s.roots() for n, s in self.systems.items()}

    def prep(self, name: str) -> None:
        for sql in PREP_SQL["sixfold" if name == "sixfold" else "pg"]:
            query(self.systems[name].uri, sql)

    # --- one measured run ------------------------------------------------------------------
    def measure(self, name: str, clients: int, tag: str, on_start=None, workload: str = "tpcb",
                options: tuple[str, ...] = ()) -> dict:
        sys_ = self.systems[name]
        self.prep(name)
        snap0 = sys_.snapshot()
        kinds = sys_.process_groups() if name == "sixfold" else {}
        cpu0, busy0, self0 = trees_cpu_s(self.groups()), machine_busy_s(), _self_cpu()
        kind0 = trees_cpu_s(kinds)
        extra = on_start() if on_start else None
        r = pgbench_run.run(sys_.uri, clients, self.args.seconds, self.work / f"{tag}-{name}-{workload}-{clients}c",
                            list(options))
        cpu1, busy1, self1 = trees_cpu_s(self.groups()), machine_busy_s(), _self_cpu()
        kind1 = trees_cpu_s(kinds)
        snap1 = sys_.snapshot()
        n = r["transactions"] or 0
        b = sys_.bytes_out(snap0, snap1)
        r["workload"] = workload
        if kinds and n:
            r["cpu_ms_per_txn_by_process"] = {k: round((kind1[k] - kind0[k]) * 1000 / n, 3) for k in kinds}
            r["cpu_ms_per_txn_by_process"]["storage_node_mean"] = round(
                r["cpu_ms_per_txn_by_process"]["storage_nodes"] / max(len(kinds["storage_nodes"]), 1), 3)
        if name == "sixfold" and b.get("append_messages"):
            per_node = b["append_messages"] / max(len(kinds.get("storage_nodes", ())), 1)
            r["append_messages_per_node"] = round(per_node)
            r["txns_per_append_message"] = round(n / per_node, 3) if per_node else None
        if name == "sixfold" and n and b.get("write_lock_held_ms") is not None:
            # Write transactions hold the writer's one lock across their clients' round
            # trips: near 1.0 busy, the lock, not CPU, sets the pace.
            r["write_lock_held_ms_per_txn"] = round(b["write_lock_held_ms"] / n, 3)
            r["write_lock_busy_fraction"] = round(b["write_lock_held_ms"] / (r["wall_s"] * 1000), 3)
        cpu = cpu1[name] - cpu0[name]
        others = {k: round(cpu1[k] - cpu0[k], 2) for k in cpu1 if k != name}
        busy = busy1 - busy0
        other_load = busy - cpu - sum(others.values()) - r["pgbench_cpu_s"] - (self1 - self0)
        log_bytes = b.get("redo_bytes_one_copy", b.get("wal_bytes"))
        r.update(system=name, bytes=b, bytes_per_txn=round(b["bytes_leaving_writer"] / n, 1) if n else None,
                 log_bytes_per_txn=round(log_bytes / n, 1) if n else None,
                 cpu_s=round(cpu, 3), cpu_s_per_txn=cpu / n if n else None,
                 pgbench_cpu_s_per_txn=r["pgbench_cpu_s"] / n if n else None,
                 other_systems_cpu_s=others, bench_process_cpu_s=round(self1 - self0, 3),
                 machine_busy_s=round(busy, 2), other_load_cpu_s=round(max(0.0, other_load), 2),
                 other_load_fraction=round(max(0.0, other_load) / (r["wall_s"] * (os.cpu_count() or 1)), 3),
                 loadavg=[round(x, 2) for x in os.getloadavg()])
        if name == "sixfold" and "-S" not in options and b["commits"] < n:  # select-only commits nothing
            self.warnings.append(f"sixfold commits counter {b['commits']} < pgbench transactions {n}")
        if extra is not None:
            r["during"] = extra
        return r

    def _note(self, bar: Progress, r: dict, prefix: str) -> None:
        lat = r["latency_ms"]
        bar.note(f"{prefix} {r['system']:>9} {r['clients']}c: {r['tps']:.1f} tps p50 {lat['p50']} ms p99 {lat['p99']} ms"
                 f" | {r['bytes_per_txn']} B/txn out, log {r['log_bytes_per_txn']} B/txn | CPU {r['cpu_s_per_txn'] * 1000:.2f} ms/txn"
                 f" (pgbench {r['pgbench_cpu_s_per_txn'] * 1000:.2f}) | other load {r['other_load_cpu_s']} CPU-s")

    def rounds(self, bar: Progress) -> None:
        for name in self.systems:  # excluded: caches, first writes of each page after start
            bar.step(f"warm-up 4c {name}")
            r = self.measure(name, 4, "warmup")
            self.warmup.append(_strip(r))
            self._note(bar, r, "warm-up")
        for rnd in range(self.args.rounds):
            for c in CLIENTS:
                for name in self.systems:
                    bar.step(f"round {rnd + 1}/{self.args.rounds} {c}c {name}")
                    r = self.measure(name, c, f"r{rnd}")
                    r["round"] = rnd
                    self.runs.append(r)
                    self._note(bar, r, f"round {rnd + 1}")
        if not self.args.extra_rows:
            return
        for rnd in range(self.args.rounds):
            for workload, c, options in EXTRA_WORKLOADS:
                for name in self.systems:
                    bar.step(f"round {rnd + 1}/{self.args.rounds} {workload} {c}c {name}")
                    r = self.measure(name, c, f"r{rnd}", workload=workload, options=options)
                    r["round"] = rnd
                    self.runs.append(r)
                    self._note(bar, r, f"round {rnd + 1} {workload}")

    def large(self, bar: Progress) -> None:
        """The large-data row: every system reloaded at SCALE_LARGE, then 4-client TPC-B."""
        if not self.args.extra_rows:
            return
        for name, s in self.systems.items():
            bar.step(f"pgbench -i -s {SCALE_LARGE} {name}")
            info = pgbench_run.init(s.uri, SCALE_LARGE)
            bar.note(f"{name}: pgbench -i -s {SCALE_LARGE} in {info['seconds']} s")
        for rnd in range(self.args.rounds):
            for name in self.systems:
                bar.step(f"round {rnd + 1}/{self.args.rounds} {LARGE_WORKLOAD} 4c {name}")
                r = self.measure(name, 4, f"r{rnd}", workload=LARGE_WORKLOAD)
                r["round"] = rnd
                self.runs.append(r)
                self._note(bar, r, f"round {rnd + 1} {LARGE_WORKLOAD}")

    def paused(self, bar: Progress) -> None:
        sf = self.systems["sixfold"]
        node = random.Random(self.args.seed).choice(sf.cluster.storage_names)
        pairs = []
        for rnd in range(self.args.rounds):
            bar.step(f"sixfold 4c healthy ({rnd + 1}/{self.args.rounds})")
            h = self.measure("sixfold", PAUSED_CLIENTS, f"healthy{rnd}")
            self._note(bar, h, "healthy  ")
            bar.step(f"sixfold 4c paused node ({rnd + 1}/{self.args.rounds})")
            try:
                p = self.measure("sixfold", PAUSED_CLIENTS, f"paused{rnd}",
                                 on_start=lambda: (sf.cluster.pause(node), {"paused": node})[1])
            finally:
                sf.cluster.resume(node)
            self._note(bar, p, f"paused {node}")
            pairs.append({"healthy": _strip(h), "paused": _strip(p)})
        med = compare_report._median
        hp99 = med(x["healthy"]["latency_ms"]["p99"] for x in pairs)
        pp99 = med(x["paused"]["latency_ms"]["p99"] for x in pairs)
        self.extra["paused_node"] = {
            "node": node, "clients": PAUSED_CLIENTS, "healthy_p99_ms": hp99, "paused_p99_ms": pp99,
            "p99_ratio": round(pp99 / hp99, 3) if hp99 and pp99 else None,
            "healthy_tps": med(x["healthy"]["tps"] for x in pairs), "paused_tps": med(x["paused"]["tps"] for x in pairs),
            "runs": pairs}

    def profile(self, bar: Progress) -> None:
        bar.step("profile sixfold 4c")
        sf, out = self.systems["sixfold"], self.args.out_dir
        storage = sf.cluster.storage_names[0]
        pids = {"writer": sf.cluster.nodes[sf.cluster.writer_name()].pid, storage: sf.cluster.nodes[storage].pid}
        files = {"writer": out / "profile-writer.txt", storage: out / "profile-storage.txt"}
        procs = {}

        def on_start():
            for k, pid in pids.items():
                procs[k] = profile.start(pid, self.args.seconds, files[k])
            c0.update(trees_cpu_s({k: [p] for k, p in pids.items()}))
            return {"py-spy": {k: f.name for k, f in files.items()}}

        c0: dict = {}
        r = self.measure("sixfold", PAUSED_CLIENTS, "profile", on_start=on_start)
        c1 = trees_cpu_s({k: [p] for k, p in pids.items()})
        sections, result = [], {"run": _strip(r), "processes": {}}
        for k, proc in procs.items():
            if proc is None:
                continue
            msg = profile.finish(proc, self.args.seconds)
            if not files[k].exists():
                self.warnings.append(f"py-spy wrote no profile of {k}")
                result["processes"][k] = {"error": msg[-500:]}
                continue
            stacks = profile.parse_collapsed(files[k].read_text())
            cpu = c1[k] - c0[k]
            top = profile.top_functions(stacks, 10)
            result["processes"][k] = {"pid": pids[k], "cpu_s": round(cpu, 2), "samples": top["total_samples"],
                                      "cpu_ms_per_txn": round(cpu / r["transactions"] * 1000, 3)
                                      if r["transactions"] else None,
                                      "top_self": top["self"], "top_inclusive": top["inclusive"]}
            sections.append(profile.render(f"{k} (pid {pids[k]})", stacks, cpu, r["transactions"]))
        if sections:
            (out / "profile-writer.md").write_text(
                f"# Where Sixfold's CPU goes: py-spy during one pgbench run, {PAUSED_CLIENTS} clients, "
                f"{self.args.seconds:g} s, {r['tps']:.1f} tps (profiled: slower than unprofiled)\n\n"
                + "\n".join(sections))
            bar.note(f"profile: {out / 'profile-writer.md'}")
        self.extra["profile"] = result

    def recovery(self, bar: Progress) -> None:
        from bench import recovery_bench
        bar.step("writer crash recovery")
        q = self.args.quick
        rargs = recovery_bench.parse_args(["--records", *map(str, self.args.records), "--opens", "3" if q else "5",
                                           "--settle-max-s", "20" if q else "120"])
        sizes = [r.result for r in recovery_bench.run_all(rargs)]
        self.extra["recovery"] = {
            "config": {"records": rargs.records, "opens": rargs.opens, "settle_max_s": rargs.settle_max_s},
            "sizes": [{"records": s["records_target"], "median_recovery_ms": s.get("median_recovery_ms"),
                       "first_open_after_crash_ms": s.get("first_open_after_crash_ms"),
                       "recovery_ms": s.get("recovery_ms"), "write": s.get("write"),
                       "node_log_problems": s.get("node_log_problems"), "nodes_died": s.get("nodes_died")}
                      for s in sizes]}

    def stop(self, keep: bool, closed_at) -> None:
        for s in self.systems.values():
            try:
                s.stop(keep, closed_at)
            except Exception as e:  # noqa: BLE001 - stop the others anyway
                print(f"warning: stopping {s.name}: {type(e).__name__}: {e}", file=sys.stderr)


def _self_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _strip(r: dict) -> dict:
    return {k: v for k, v in r.items() if not k.startswith("_")}


def _sigterm(*_):
    raise KeyboardInterrupt("SIGTERM")


def run(args: argparse.Namespace) -> int:
    args = _defaults(args)
    try:  # SIGTERM unwinds like Ctrl-C: every process started is stopped
        signal.signal(signal.SIGTERM, _sigterm)
    except ValueError:  # not the main thread
        pass
    args.out_dir.mkdir(parents=True, exist_ok=True)
    started = datetime.now(UTC)
    load_before = os.getloadavg()
    b = Bench(args)
    bar = Progress(b.plan())
    print(f"compare: sixfold vs pg-single vs pg-sync, pgbench scale {args.scale}, {args.rounds} round(s) x "
          f"clients {'/'.join(map(str, CLIENTS))} x {args.seconds:g} s; logs in {b.work}", flush=True)
    closed_at, ok = None, False
    configs = {}
    try:
        b.start(bar)
        configs = {n: s.config() for n, s in b.systems.items()}
        b.rounds(bar)
        b.paused(bar)
        if args.profile:
            b.profile(bar)
        b.large(bar)  # last: it reloads every system with the large data set
        closed_at = datetime.now()
        ok = True
    finally:
        bar.step("stop systems")
        b.stop(args.keep or not ok, closed_at)
        if not ok:
            bar.finish()
    try:
        if args.recovery:
            b.recovery(bar)
    finally:
        bar.finish()

    sf = b.systems["sixfold"]
    if sf.log_problems:
        b.warnings.append(f"ERROR lines in Sixfold logs of {', '.join(sorted(sf.log_problems))}")
    if sf.died:
        b.warnings.append(f"Sixfold processes died: {', '.join(sorted(sf.died))}")
    busy = max((r["other_load_fraction"] for r in b.runs), default=0)
    if busy > BUSY_WARN_FRACTION:
        b.warnings.append(f"machine busy, other processes used up to {busy:.0%} of the CPUs during a run")
    # High availability (bench/ha_bench.py), alone on the machine like every run above.
    lag = ha_bench.replica_lag(b.work, int(args.seconds))
    b.extra["replica_lag"] = {"value": lag["visible_delay_ms_p50"], "p50_ms": lag["visible_delay_ms_p50"],
                              "p99_ms": lag["visible_delay_ms_p99"], **lag}
    rto = ha_bench.failover(b.work, HA_KILLS_QUICK if args.quick else HA_KILLS)
    b.extra["failover_rto"] = {"value": rto["endpoint"]["rto_ms_p50"], **rto}
    print(f"replica lag (commit on the writer -> visible on a replica, pgbench 4 clients): "
          f"p50 {lag['visible_delay_ms_p50']} ms, p99 {lag['visible_delay_ms_p99']} ms; failover RTO "
          f"(SIGKILL -> first commit) p50/max: endpoint {rto['endpoint']['rto_ms_p50']}/"
          f"{rto['endpoint']['rto_ms_max']} ms, driver {rto['driver']['rto_ms_p50']}/{rto['driver']['rto_ms_max']} ms")

    workloads = [("tpcb", c) for c in CLIENTS]
    if args.extra_rows:
        workloads += [(w, c) for w, c, _o in EXTRA_WORKLOADS] + [(LARGE_WORKLOAD, 4)]
    rows = compare_report.summarize(b.runs, list(b.systems), workloads)
    mach = machine()
    mach["postgresql"] = configs.get("pg-single", {}).get("version")
    header = report_header("compare", started, args.seed, load_before)
    header["machine"].update(mach)
    meta = {"scale": args.scale, "seconds": args.seconds, "rounds": args.rounds, "date": header["date"][:10],
            "commit": (header["git"]["commit"] or "?")[:10] + ("+dirty" if header["git"]["dirty"] else ""),
            "machine": f"{mach['cpu_model']} x{mach['cpu_count']}, {mach['ram_gib']} GiB, PostgreSQL "
                       f"{mach['postgresql']}"}
    md = compare_report.render_markdown(rows, meta)
    md += "\n" + "\n".join(compare_report.sixfold_only_lines(b.extra)) + "\n"
    (args.out_dir / "compare.md").write_text(md)
    pg_short = (mach["postgresql"] or "?").split()[0]
    pngs = plots.plot([r for r in rows if r["workload"] == "tpcb" and r["clients"] in CLIENTS], args.out_dir, f"{mach['cpu_count']} CPUs, PostgreSQL {pg_short}, scale {args.scale}, "
                                          f"{args.rounds} x {args.seconds:g} s, {meta['date']}, {meta['commit']}")
    line = compare_report.summary_line(rows, b.extra, b.warnings)
    report = {**header,
              "config": {"quick": args.quick, "rounds": args.rounds, "seconds": args.seconds, "scale": args.scale,
                         "clients": list(CLIENTS), "order": list(b.systems), "pgbench": "-n -c C -j min(C,2) -T S -l",
                         "extra_workloads": [{"workload": w, "clients": c, "pgbench_options": list(o)}
                                             for w, c, o in EXTRA_WORKLOADS] if args.extra_rows else [],
                         "large_scale": SCALE_LARGE if args.extra_rows else None,
                         "prep_before_each_run": PREP_SQL, "systems": configs},
              "summary_rows": rows, "warmup_runs": b.warmup, "runs": [_strip(r) for r in b.runs], "sixfold_only": b.extra,
              "sixfold_log_problems": sf.log_problems, "sixfold_nodes_died": sf.died, "warnings": b.warnings,
              "outputs": [Path(p).name for p in [args.out_dir / "compare.md", *pngs]], "summary": line}
    if not args.keep:
        shutil.rmtree(b.work, ignore_errors=True)
    print(md)
    write_report(report, args.out_dir / "compare.json", line)
    return 0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.compare", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    add_arguments(ap)
    return run(ap.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
