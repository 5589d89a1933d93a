"""Backup, restore, trimming and clones, measured. Each part writes JSON under
bench/results/ and prints a one-line summary.

  python -m bench.backup_bench disk [--minutes 10]   storage disk use under pgbench (trimming)
  python -m bench.backup_bench drill [--restores 20]  restore drill, directory and S3 backends
  python -m bench.backup_bench overhead               pgbench TPS with backup on and off
  python -m bench.backup_bench lag                    latest restorable time vs the clock under pgbench
  python -m bench.backup_bench large [--gb 1]         clone time at ~1 MB and ~1 GB; restore time of ~1 GB

Run alone on the machine: two cores, one cluster at a time.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


def _write(name: str, doc: dict, summary: str) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    doc = {"summary": summary, "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), **doc}
    (RESULTS / name).write_text(json.dumps(doc, indent=2, sort_keys=True) + "\n")
    print(summary)


def _allocated_bytes(root: Path) -> int:
    """Disk blocks actually used under `root` (LMDB's file is sparse until written)."""
    total = 0
    for dirpath, _d, files in os.walk(root):
        for f in files:
            try:
                total += os.stat(os.path.join(dirpath, f)).st_blocks * 512
            except FileNotFoundError:
                pass
    return total


def _cluster(root: Path, backup=True):
    from sixfold.supervisor import Supervisor

    c = Supervisor.create(root, writer=True, password=secrets.token_urlsafe(12), backup=backup)
    c.start_all()
    return c


# TPC-B without its INSERT into pgbench_history, the one statement that grows the
# database: what is left of the disk's growth is the log's.
NO_HISTORY_SCRIPT = """\\set aid random(1, 100000 * :scale)
\\set bid random(1, 1 * :scale)
\\set tid random(1, 10 * :scale)
\\set delta random(-5000, 5000)
BEGIN;
UPDATE pgbench_accounts SET abalance = abalance + :delta WHERE aid = :aid;
SELECT abalance FROM pgbench_accounts WHERE aid = :aid;
UPDATE pgbench_tellers SET tbalance = tbalance + :delta WHERE tid = :tid;
UPDATE pgbench_branches SET bbalance = bbalance + :delta WHERE bid = :bid;
END;
"""


def part_disk(args) -> None:
    """pgbench for --minutes; every 15 s: the storage nodes' disk use, the records their
    logs hold, and the bytes shipped to the backup (which grows with the log)."""
    from bench import pgbench_run

    work = Path(tempfile.mkdtemp(prefix="sixfold-disk-"))
    c = _cluster(work / "c")
    samples = []
    try:
        uri = c.uri()
        pgbench_run.init(uri, args.scale)
        script = []
        if args.script == "no-history":
            (work / "no-history.sql").write_text(NO_HISTORY_SCRIPT)
            script = ["-f", str(work / "no-history.sql")]
        t0 = time.monotonic()
        proc = subprocess.Popen(["pgbench", "-n", "-c", "4", "-j", "2", "-T", str(int(args.minutes * 60)), *script, uri],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=work)
        while proc.poll() is None:
            time.sleep(15)  # the sampling period of this measurement, not a wait for a condition
            h = [c.health(n) for n in c.storage_names]
            s = {"t_s": round(time.monotonic() - t0, 1),
                 "storage_disk_bytes": _allocated_bytes(work / "c" / "nodes"),
                 "log_records": sum(x.records_count for x in h), "page_versions": sum(x.versions_count for x in h),
                 "backup_bytes": _allocated_bytes(work / "c" / "backup")}
            samples.append(s)
            print(f"  {s['t_s']:6.0f} s: storage {s['storage_disk_bytes'] / 1e6:7.1f} MB, "
                  f"{s['log_records']:7d} log records, backup {s['backup_bytes'] / 1e6:7.1f} MB", flush=True)
        out, err = proc.communicate()
        if proc.returncode != 0:
            raise SystemExit(f"pgbench failed: {err[-2000:]}")
        tps = float(out.split("tps = ")[1].split()[0])
    except BaseException:
        print(f"kept {work} for its logs", file=sys.stderr)
        raise
    else:
        shutil.rmtree(work, ignore_errors=True)
    finally:
        c.stop_all(kill=True)
    half = samples[len(samples) // 2]
    last = samples[-1]
    grow_storage = last["storage_disk_bytes"] - half["storage_disk_bytes"]
    grow_backup = last["backup_bytes"] - half["backup_bytes"]
    summary = (f"disk over {args.minutes:g} min of pgbench {args.script} (4 clients, scale {args.scale}, "
               f"{tps:.0f} TPS): storage "
               f"{half['storage_disk_bytes'] / 1e6:.1f} MB at half time, {last['storage_disk_bytes'] / 1e6:.1f} MB at "
               f"the end (+{grow_storage / 1e6:.1f} MB) while the backup grew +{grow_backup / 1e6:.1f} MB; log records "
               f"{half['log_records']} -> {last['log_records']}")
    _write(f"backup-disk-{args.script}.json", {"minutes": args.minutes, "scale": args.scale, "script": args.script,
                                              "tps": tps, "samples": samples}, summary)


def part_lag(args) -> None:
    """How far the latest restorable time trails the clock under pgbench (4 clients):
    `sixfold backup status --json` every 5 s."""
    work = Path(tempfile.mkdtemp(prefix="sixfold-lag-"))
    c = _cluster(work / "c")
    lags = []
    try:
        from bench import pgbench_run

        uri = c.uri()
        pgbench_run.init(uri, 1)
        proc = subprocess.Popen(["pgbench", "-n", "-c", "4", "-j", "2", "-T", str(int(args.seconds)), uri],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        time.sleep(10)  # past the first passes: the lag of a backup that has started
        while proc.poll() is None:
            out = subprocess.run([sys.executable, "-m", "sixfold.cli", "backup", "status", "--json", "--data-dir",
                                  str(work / "c")], capture_output=True, text=True, timeout=60)
            if proc.poll() is not None:
                break  # the load ended while status read the backup: not a sample under load
            lags.append(json.loads(out.stdout)["lag_s"])
            print(f"  latest restorable {lags[-1]:.2f} s behind", flush=True)
            time.sleep(5)  # the sampling period, not a wait for a condition
        if proc.returncode != 0:
            raise SystemExit(f"pgbench failed: {proc.stderr.read()[-2000:]}")
    finally:
        c.stop_all(kill=True)
        shutil.rmtree(work, ignore_errors=True)
    lags.sort()
    summary = (f"latest restorable time under pgbench (4 clients, {args.seconds:.0f} s): median {lags[len(lags) // 2]:.2f} s, "
               f"max {lags[-1]:.2f} s behind the clock ({len(lags)} samples)")
    _write("backup-lag.json", {"seconds": args.seconds, "lags_s": lags}, summary)


def part_drill(args) -> None:
    from sixfold.backup.drill import result_json, run_drill
    from sixfold.backup.s3_server import start_s3_server

    seed = args.seed if args.seed is not None else random.randrange(1 << 30)
    results = {}
    for backend in ("dir", "s3"):
        work = Path(tempfile.mkdtemp(prefix=f"sixfold-drill-{backend}-"))
        started = []
        server = start_s3_server(work / "s3.log") if backend == "s3" else None
        try:
            backup = server.backup_config("sixfold-drill", "bench/") if server else True
            r = run_drill(work / "drill", seed, backup=backup, duration_s=args.seconds, restores=args.restores,
                          on_cluster=started.append)
            results[backend] = result_json(r)
        finally:
            for sup in started:
                sup.stop_all(kill=True)
            if server:
                server.stop()
            shutil.rmtree(work, ignore_errors=True)
    valid = {b: sum(x["valid"] for x in r["restores"]) for b, r in results.items()}
    summary = (f"restore drill (seed {seed}): " + ", ".join(
        f"{b}: {valid[b]}/{len(r['restores'])} restores exact, {r['transfers_ok']} transfers, kills {r['kills']}, "
        f"median restore {sorted(x['restore_s'] for x in r['restores'])[len(r['restores']) // 2]:.1f} s"
        for b, r in results.items()))
    _write("backup-drill.json", {"seed": seed, "results": results}, summary)
    if not all(r["valid"] for r in results.values()):
        raise SystemExit(1)


def part_overhead(args) -> None:
    """pgbench TPS and latency with the backup on and off, alternating."""
    from bench import pgbench_run

    runs = {"on": [], "off": []}
    for rep in range(args.reps):
        for mode in ("off", "on") if rep % 2 == 0 else ("on", "off"):
            work = Path(tempfile.mkdtemp(prefix="sixfold-ovh-"))
            c = _cluster(work / "c", backup=(mode == "on"))
            try:
                uri = c.uri()
                pgbench_run.init(uri, 1)
                r = pgbench_run.run(uri, 4, args.seconds, work / "pgb")
                runs[mode].append({"tps": r["tps"], "p50_ms": r["latency_ms"]["p50"],
                                   "p99_ms": r["latency_ms"]["p99"]})
                print(f"  backup {mode}: {r['tps']:.1f} TPS, p99 {r['latency_ms']['p99']:.1f} ms", flush=True)
            finally:
                c.stop_all(kill=True)
                shutil.rmtree(work, ignore_errors=True)

    def med(mode, k):
        v = sorted(x[k] for x in runs[mode])
        return v[len(v) // 2]

    summary = (f"backup overhead (pgbench TPC-B, 4 clients, {args.reps} alternating runs each): TPS "
               f"{med('off', 'tps'):.1f} off, {med('on', 'tps'):.1f} on; p99 {med('off', 'p99_ms'):.1f} -> "
               f"{med('on', 'p99_ms'):.1f} ms")
    _write("backup-overhead.json", {"runs": runs}, summary)


def _clone_s(src_root: Path, into: Path) -> float:
    """Seconds `sixfold clone` takes (it prints them: creation on the six nodes and the
    clone's writer started), then the clone dropped."""
    from sixfold.supervisor import free_ports

    out = subprocess.run([sys.executable, "-m", "sixfold.cli", "clone", "--data-dir", str(src_root), "--into",
                          str(into), "--port", str(free_ports(1)[0])], capture_output=True, text=True, timeout=600)
    if out.returncode != 0:
        raise SystemExit(f"clone failed: {out.stderr[-2000:]}")
    took = float(out.stdout.split(" in ", 1)[1].split(" s ", 1)[0])
    subprocess.run([sys.executable, "-m", "sixfold.cli", "drop", "--data-dir", str(into), "--yes"],
                   capture_output=True, text=True, timeout=120, check=True)
    return took


def _shipped_bytes(c, since_time: float) -> int:
    """Wait until the backup holds every commit made before `since_time` (a marker commit
    made after it), then return the backup's size: the redo that built the database,
    about the database's size after a bulk load."""
    from sixfold.backup.catalog import Catalog
    from sixfold.backup.objects import open_store
    from sixfold.supervisor import wait_until

    subprocess.run(["psql", c.uri(), "-qc", f"create table mark_{int(since_time)} (x int)"], capture_output=True,
                   check=True)
    store = open_store(c.spec.backup)

    def shipped():
        cat = Catalog.load(store, c.spec.volume, verify=False)
        w = cat.window()
        return w is not None and w[1].commit_ts_us / 1e6 >= since_time

    wait_until(shipped, 3600, "the backup to hold the loaded database", interval_s=5.0)
    return _allocated_bytes(Path(c.spec.backup["path"]))


def _settle(c, stable_s: float = 5.0, bound_s: float = 1800.0) -> float:
    """Wait until no storage node's log shrinks for `stable_s`: after a bulk load the
    nodes trim the backed-up log in bounded passes for a while, and a clone measured then
    would measure that work, not its own. Returns the seconds waited."""
    from sixfold.supervisor import wait_until

    t0 = time.monotonic()
    last: dict = {}

    def settled():
        counts = {n: c.health(n, 10.0).records_count for n in c.storage_names}
        same = counts == last.get("counts")
        last["counts"] = counts
        return same

    wait_until(settled, bound_s, "the storage nodes to finish trimming", interval_s=stable_s)
    return round(time.monotonic() - t0, 1)


LARGE_ROW_BYTES = 1024  # rows of the large table: an id and 1 KiB of text
LARGE_TXN_BYTES = 32 * 1024 * 1024  # loaded per transaction: 1 KiB rows take ~1.4x their size in pages, and one may change 64 MiB


def part_large(args) -> None:
    """Clone time of a ~1 MB database and of a --gb one, then the restore time of the
    large one from its backup, with its storage gone. (pgbench -i loads its data in one
    transaction, more than Sixfold takes beyond scale ~40, and a scale is ~10x smaller in
    SQLite than in PostgreSQL: the large table is loaded in 32 MiB transactions instead.)"""
    from sixfold.supervisor import free_ports

    work = Path(tempfile.mkdtemp(prefix="sixfold-large-"))
    doc: dict = {"gb": args.gb}
    started = []  # clusters this process started (its supervisors kill them; `sixfold down` would not know them)
    try:
        small = _cluster(work / "small")
        started.append(small)
        subprocess.run(["psql", small.uri(), "-qc", "create table t as select g as id, repeat('x', 200) as v "
                        "from generate_series(1, 4000) g"], check=True, capture_output=True)
        doc["small_bytes"] = _shipped_bytes(small, time.time())
        doc["clone_small_s"] = [_clone_s(work / "small", work / f"small-clone{i}") for i in range(3)]
        small.stop_all(kill=True)
        print(f"  clone of {doc['small_bytes'] / 1e6:.1f} MB: {doc['clone_small_s']} s", flush=True)

        c = _cluster(work / "src")
        started.append(c)
        uri = c.uri()
        t0 = time.monotonic()
        rows = int(args.gb * 1e9 / LARGE_ROW_BYTES)
        per_txn = LARGE_TXN_BYTES // LARGE_ROW_BYTES  # one transaction may change at most 64 MiB of pages
        subprocess.run(["psql", uri, "-qc", "create table big (id bigint primary key, pad text)"], check=True,
                       capture_output=True)
        for lo in range(0, rows, per_txn):
            subprocess.run(["psql", uri, "-qc", f"insert into big select g, repeat(md5(g::text), "
                            f"{LARGE_ROW_BYTES // 32}) from generate_series({lo + 1}, {min(rows, lo + per_txn)}) g"],
                           check=True, capture_output=True, timeout=3600)
            print(f"    loaded {min(rows, lo + per_txn) * LARGE_ROW_BYTES / 1e9:.2f} GB "
                  f"({time.monotonic() - t0:.0f} s)", flush=True)
        doc["rows"] = rows
        doc["data_bytes"] = rows * LARGE_ROW_BYTES
        doc["load_s"] = round(time.monotonic() - t0, 1)
        t0 = time.monotonic()
        doc["backup_bytes"] = _shipped_bytes(c, time.time())
        doc["backup_catch_up_s"] = round(time.monotonic() - t0, 1)
        print(f"  loaded {doc['data_bytes'] / 1e9:.2f} GB in {doc['load_s']} s; backup {doc['backup_bytes'] / 1e9:.2f} GB, "
              f"caught up {doc['backup_catch_up_s']} s later", flush=True)
        doc["settle_s"] = _settle(c)
        print(f"  storage settled (log trimmed behind the backup) {doc['settle_s']} s later", flush=True)
        doc["clone_large_s"] = [_clone_s(work / "src", work / f"clone{i}") for i in range(3)]
        print(f"  clone of {doc['backup_bytes'] / 1e9:.2f} GB: {doc['clone_large_s']} s", flush=True)
        c.stop_all(kill=True)
        shutil.rmtree(work / "src" / "nodes")
        t0 = time.monotonic()
        out = subprocess.run([sys.executable, "-m", "sixfold.cli", "restore", "--data-dir", str(work / "src"),
                              "--into", str(work / "dst"), "--port", str(free_ports(1)[0])],
                             capture_output=True, text=True, timeout=7200)
        doc["restore_s"] = round(time.monotonic() - t0, 1)
        if out.returncode != 0:
            raise SystemExit(f"restore failed: {out.stderr[-2000:]}")
        dst_uri = out.stdout.strip().splitlines()[-1]
        n = subprocess.run(["psql", dst_uri, "-Atc", "select count(*) from big"],
                           capture_output=True, text=True).stdout.strip()
        doc["restored_rows"] = int(n or 0)
    finally:
        for sup in started:
            sup.stop_all(kill=True)
        if (work / "dst" / "cluster.json").exists():  # started by `sixfold restore`: its pids.json knows it
            subprocess.run([sys.executable, "-m", "sixfold.cli", "down", "--force", "--data-dir", str(work / "dst")],
                           capture_output=True)
        shutil.rmtree(work, ignore_errors=True)
    med = lambda v: sorted(v)[len(v) // 2]  # noqa: E731
    ratio = med(doc["clone_large_s"]) / med(doc["clone_small_s"])
    doc["clone_ratio"] = round(ratio, 2)
    summary = (f"clone of a {doc['small_bytes'] / 1e6:.1f} MB database: {med(doc['clone_small_s']):.2f} s, of a "
               f"{doc['data_bytes'] / 1e9:.2f} GB one: {med(doc['clone_large_s']):.2f} s (ratio {ratio:.2f}); restore "
               f"of the large one from its backup ({doc['backup_bytes'] / 1e9:.2f} GB): {doc['restore_s']:.0f} s, "
               f"{doc['restored_rows']} of {doc['rows']} rows")
    _write("backup-large.json", doc, summary)


def main(argv=None) -> None:
    p = argparse.ArgumentParser(prog="python -m bench.backup_bench", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="part", required=True)
    d = sub.add_parser("disk", help="storage disk use under a long pgbench run")
    d.add_argument("--minutes", type=float, default=10.0)
    d.add_argument("--scale", type=int, default=1)
    d.add_argument("--script", choices=["no-history", "tpcb"], default="no-history",
                   help="no-history: TPC-B without the history INSERT, so the database keeps its size (default); "
                        "tpcb: pgbench's own, whose history table grows the database")
    d.set_defaults(func=part_disk)
    dr = sub.add_parser("drill", help="restore drill on both backends")
    dr.add_argument("--restores", type=int, default=20)
    dr.add_argument("--seconds", type=float, default=30.0, help="bank workload duration")
    dr.add_argument("--seed", type=int, default=None)
    dr.set_defaults(func=part_drill)
    o = sub.add_parser("overhead", help="pgbench with backup on and off")
    o.add_argument("--reps", type=int, default=3)
    o.add_argument("--seconds", type=float, default=30.0)
    o.set_defaults(func=part_overhead)
    lg = sub.add_parser("lag", help="latest restorable time vs the clock, under pgbench")
    lg.add_argument("--seconds", type=float, default=90.0)
    lg.set_defaults(func=part_lag)
    r = sub.add_parser("large", help="clone time at ~1 MB and ~1 GB, restore time of ~1 GB")
    r.add_argument("--gb", type=float, default=1.0, help="size of the large database's table data")
    r.set_defaults(func=part_large)
    a = p.parse_args(argv)
    a.func(a)


if __name__ == "__main__":
    main()
