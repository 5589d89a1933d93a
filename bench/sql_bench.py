"""SQL benchmark: pgbench-like (TPC-B-like) transactions per second through the SQL
engine of one compute node (SQLite over the Sixfold volume), in process.

    python -m bench.sql_bench [--quick] [--seed N] [--out bench/results/sql.json]

It starts a local six-node cluster (two storage nodes in each of az1..az3) in a
temporary directory, opens one `ComputeNode` and loads a pgbench schema (scale 1):

    pgbench_branches   1 row
    pgbench_tellers    10 rows
    pgbench_accounts   100,000 rows (10,000 with --quick), loaded by a few large
                       transactions of --load-batch rows each
    pgbench_history    empty

Then, for each concurrency in --sessions (default 1 and 8), that many threads each
open their own Session of the node and run back to back the TPC-B-like transaction
of `pgbench -b tpcb-like`:

    BEGIN;
    UPDATE pgbench_accounts SET abalance = abalance + :delta WHERE aid = :aid;
    SELECT abalance FROM pgbench_accounts WHERE aid = :aid;
    UPDATE pgbench_tellers SET tbalance = tbalance + :delta WHERE tid = :tid;
    UPDATE pgbench_branches SET bbalance = bbalance + :delta WHERE bid = :bid;
    INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES (...);
    COMMIT;

with aid, tid and delta (-5000..5000) drawn by a seeded generator per thread. Write
transactions are serialized by the engine's write lock; a wait longer than its bound
fails with WriteLockTimeout (SQLSTATE 55P03, retriable): the transaction is retried
with the same parameters and the retry is counted. Any other error is counted by type
and the thread goes on with the next transaction. A transaction counts when its COMMIT
returns (durable on 4 of 6 segments) inside the measured period; its latency runs from
its first BEGIN to that return (retries included), and is broken down into the mean
time in BEGIN (write-lock wait), in the five statements and in COMMIT (redo diff and
hand-off under the write lock, then the wait for 4 of 6). Warm-up is excluded.

Also recorded, over each measured period: redo bytes shipped per committed transaction
(`writer_file.redo_bytes` delta / commits) against 4 KiB x pages shipped per committed
transaction (`writer_file.pages_shipped` delta x 4096 / commits): the ratio is what
shipping byte-range redo saves over shipping whole pages. CPU used by the bench's
processes and by everything else (a 2-core machine), machine, date, git commit, seed.

At the end the bench checks sum(abalance) = sum(tbalance) = sum(bbalance) =
sum(delta over history) on the running node and again on a fresh compute node that
recovered the volume (a correctness check; a mismatch is reported loudly and makes
the exit status 1). Node logs are scanned for Traceback/ERROR/CRITICAL; the temporary
directory is kept when any are found (or with --keep). Writes JSON to --out and
prints one summary line.
"""

from __future__ import annotations

import argparse
import logging
import os
import random
import statistics
import sys
import threading
import time
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

from bench.storage_bench import (
    BUSY_WARN_FRACTION, REPO, CpuMeter, fmt, report_header, with_cluster, write_report,
)
from bench.workloads import percentile
from compute_node.engine import ComputeNode
from sixfold.supervisor import Supervisor
from sixfold.constants import PAGE_SIZE_BYTES
from sixfold.errors import SixfoldError, WriteLockTimeout

TELLERS_PER_BRANCH = 10
DELTA_MAX = 5000  # pgbench: delta in [-5000, 5000]
ACCOUNT_FILLER = " " * 84  # pgbench's accounts.filler is char(84), blank-padded
THREAD_JOIN_TIMEOUT_S = 120.0

SCHEMA = [
    "create table pgbench_branches (bid integer primary key, bbalance integer not null, filler char(88))",
    "create table pgbench_tellers (tid integer primary key, bid integer not null, tbalance integer not null, "
    "filler char(84))",
    "create table pgbench_accounts (aid integer primary key, bid integer not null, abalance integer not null, "
    "filler char(84))",
    "create table pgbench_history (tid integer, bid integer, aid integer, delta integer, mtime timestamp, "
    "filler char(22))",
]

TPCB = [
    ("UPDATE pgbench_accounts SET abalance = abalance + ? WHERE aid = ?", lambda t: (t.delta, t.aid)),
    ("SELECT abalance FROM pgbench_accounts WHERE aid = ?", lambda t: (t.aid,)),
    ("UPDATE pgbench_tellers SET tbalance = tbalance + ? WHERE tid = ?", lambda t: (t.delta, t.tid)),
    ("UPDATE pgbench_branches SET bbalance = bbalance + ? WHERE bid = ?", lambda t: (t.delta, t.bid)),
    ("INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES (?, ?, ?, ?, CURRENT_TIMESTAMP)",
     lambda t: (t.tid, t.bid, t.aid, t.delta)),
]


def parse_args(argv=None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(prog="python -m bench.sql_bench", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true",
                    help="short run: 10,000 accounts, 5 s measured, 2 s warm-up (unless given explicitly)")
    ap.add_argument("--seed", type=int, default=1, help="seed of the transactions' parameters (default 1)")
    ap.add_argument("--sessions", type=int, nargs="+", default=[1, 8],
                    help="concurrent sessions (threads) per scenario, run in this order (default: 1 8)")
    ap.add_argument("--accounts", type=int, help="rows of pgbench_accounts (default 100000, quick 10000)")
    ap.add_argument("--load-batch", type=int, default=10_000,
                    help="accounts rows per loading transaction (default 10000)")
    ap.add_argument("--measure-s", type=float, help="measured period per scenario in seconds (default 20, quick 5)")
    ap.add_argument("--warmup-s", type=float, help="warm-up per scenario in seconds, excluded (default 5, quick 2)")
    ap.add_argument("--out", type=Path, default=REPO / "bench" / "results" / "sql.json",
                    help="JSON output path (default bench/results/sql.json)")
    ap.add_argument("--keep", action="store_true", help="keep the cluster's temporary directory (data and logs)")
    ap.add_argument("-v", "--verbose", action="store_true", help="log the compute node at INFO")
    a = ap.parse_args(argv)
    a.accounts = a.accounts or (10_000 if a.quick else 100_000)
    a.measure_s = a.measure_s or (5.0 if a.quick else 20.0)
    a.warmup_s = a.warmup_s if a.warmup_s is not None else (2.0 if a.quick else 5.0)
    if min(a.sessions) < 1 or a.accounts < 1 or a.load_batch < 1:
        ap.error("--sessions, --accounts and --load-batch must be positive")
    return a


# --- loading ---------------------------------------------------------------------------

def load(node: ComputeNode, accounts: int, batch: int) -> dict:
    """pgbench -i at scale 1 (accounts rows as given): one branch, ten tellers, the
    accounts in transactions of `batch` rows."""
    s = node.session()
    t0 = time.monotonic()
    redo0, pages0 = node.writer_file.redo_bytes, node.writer_file.pages_shipped
    try:
        for ddl in SCHEMA:
            s.execute(ddl)
        branches = 1
        s.execute("begin")
        for b in range(1, branches + 1):
            s.execute("insert into pgbench_branches (bid, bbalance) values (?, 0)", (b,))
        for t in range(1, TELLERS_PER_BRANCH * branches + 1):
            s.execute("insert into pgbench_tellers (tid, bid, tbalance) values (?, ?, 0)",
                      (t, (t - 1) // TELLERS_PER_BRANCH + 1))
        s.execute("commit")
        txns = 0
        for lo in range(1, accounts + 1, batch):
            hi = min(accounts, lo + batch - 1)
            s.execute("begin")
            # One statement per batch: a recursive CTE generates the rows inside SQLite.
            s.execute("with recursive n(aid) as (select ? union all select aid + 1 from n where aid < ?) "
                      "insert into pgbench_accounts (aid, bid, abalance, filler) "
                      "select aid, (aid - 1) / 100000 + 1, 0, ? from n", (lo, hi, ACCOUNT_FILLER))
            s.execute("commit")
            txns += 1
        count = s.execute("select count(*) from pgbench_accounts").rows[0][0]
    finally:
        s.close()
    secs = time.monotonic() - t0
    if count != accounts:
        raise RuntimeError(f"loaded {count} accounts rows, expected {accounts}")
    info = {"branches": branches, "tellers": TELLERS_PER_BRANCH * branches, "accounts": accounts,
            "accounts_per_txn": batch, "account_txns": txns, "seconds": round(secs, 2),
            "rows_per_s": round(accounts / secs, 1) if secs else None,
            "redo_bytes": node.writer_file.redo_bytes - redo0, "pages_shipped": node.writer_file.pages_shipped - pages0}
    print(f"load: {accounts} accounts in {txns} transaction(s) + branches/tellers, {info['seconds']} s "
          f"({info['rows_per_s']} rows/s), {info['pages_shipped']} pages shipped", flush=True)
    return info


# --- running ---------------------------------------------------------------------------

class Txn:
    __slots__ = ("aid", "tid", "bid", "delta")

    def __init__(self, rng: random.Random, accounts: int, tellers: int, branches: int):
        self.aid = rng.randint(1, accounts)
        self.tid = rng.randint(1, tellers)
        self.bid = rng.randint(1, branches)
        self.delta = rng.randint(-DELTA_MAX, DELTA_MAX)


class Scenario:
    """`sessions` threads running the TPC-B-like transaction for warm-up + measured period."""

    def __init__(self, node: ComputeNode, cluster: Supervisor, sessions: int, accounts: int, seed: int,
                 warmup_s: float, measure_s: float):
        self.node, self.cluster, self.sessions = node, cluster, sessions
        self.accounts, self.seed = accounts, seed
        self.warmup_s, self.measure_s = warmup_s, measure_s
        self.lock = threading.Lock()
        self.latencies: list[float] = []
        self.retries = 0  # WriteLockTimeout retries inside the measured period
        self.retries_total = 0
        self.errors: Counter = Counter()  # by error type, inside the measured period
        self.errors_total: Counter = Counter()
        self.thread_failures: list[str] = []
        self.started_txns = 0
        # Summed over counted transactions (last attempt): where a transaction's time goes.
        self.parts_s = {"begin_lock_wait": 0.0, "statements": 0.0, "commit_ship_and_durable": 0.0}

    def _worker(self, i: int, ready: threading.Barrier) -> None:
        rng = random.Random(self.seed * 1000 + self.sessions * 100 + i)
        try:
            s = self.node.session()
        except BaseException as e:
            self.thread_failures.append(f"session {i}: {type(e).__name__}: {e}")
            ready.abort()
            return
        try:
            ready.wait()  # every session is open
            ready.wait()  # the main thread has set the clock
            t_start, t_end = self.t_start, self.t_end
            while time.monotonic() < t_end:
                t = Txn(rng, self.accounts, TELLERS_PER_BRANCH, 1)
                t0 = time.monotonic()
                retries = 0
                while True:
                    try:
                        parts = self._run_txn(s, t)
                        ok = True
                        break
                    except WriteLockTimeout:
                        retries += 1
                        if time.monotonic() >= t_end:
                            ok = False
                            break
                    except SixfoldError as e:
                        self._note_error(type(e).__name__, t_start, t_end)
                        ok = False
                        break
                t1 = time.monotonic()
                with self.lock:
                    self.started_txns += 1
                    self.retries_total += retries
                    if t_start <= t1 <= t_end:
                        self.retries += retries
                        if ok:
                            self.latencies.append(t1 - t0)
                            for k, v in zip(self.parts_s, parts):
                                self.parts_s[k] += v
        except BaseException as e:  # a bug: record it, the scenario reports it
            self.thread_failures.append(f"session {i}: {type(e).__name__}: {e}")
        finally:
            try:
                s.close()
            except Exception as e:
                self.thread_failures.append(f"session {i} close: {type(e).__name__}: {e}")

    def _note_error(self, name: str, t_start: float, t_end: float) -> None:
        with self.lock:
            self.errors_total[name] += 1
            if t_start <= time.monotonic() <= t_end:
                self.errors[name] += 1

    @staticmethod
    def _run_txn(s, t: Txn) -> tuple[float, float, float]:
        """Seconds in BEGIN (write-lock wait), in the five statements, in COMMIT (ship + wait for 4/6)."""
        t0 = time.monotonic()
        s.execute("BEGIN")  # raises WriteLockTimeout before anything ran: safe to retry
        t1 = time.monotonic()
        try:
            for sql, params in TPCB:
                s.execute(sql, params(t))
        except BaseException:
            if s.txn is not None:
                s.execute("ROLLBACK")
            raise
        t2 = time.monotonic()
        s.execute("COMMIT")
        return t1 - t0, t2 - t1, time.monotonic() - t2

    def run(self) -> dict:
        node, wf = self.node, self.node.writer_file
        ready = threading.Barrier(self.sessions + 1)
        threads = [threading.Thread(target=self._worker, args=(i, ready), name=f"sql-bench-{self.sessions}-{i}",
                                    daemon=True) for i in range(self.sessions)]
        for th in threads:
            th.start()
        try:
            ready.wait(timeout=60)  # every worker has its own Session
            self.t_start = time.monotonic() + self.warmup_s
            self.t_end = self.t_start + self.measure_s
            ready.wait(timeout=60)  # go
        except threading.BrokenBarrierError:
            raise RuntimeError(f"sessions did not open: {self.thread_failures}") from None
        cpu = CpuMeter(self.cluster)
        time.sleep(max(0.0, self.t_start - time.monotonic()))
        redo0, pages0, lockwait0 = wf.redo_bytes, wf.pages_shipped, node.stats["write_lock_wait_ms"]
        commits0, vc_records0 = node.stats["commits"], node.vc.stats["records"]
        cpu("start")
        time.sleep(max(0.0, self.t_end - time.monotonic()))
        cpu("end")
        redo1, pages1, lockwait1 = wf.redo_bytes, wf.pages_shipped, node.stats["write_lock_wait_ms"]
        commits1, vc_records1 = node.stats["commits"], node.vc.stats["records"]
        for th in threads:
            th.join(THREAD_JOIN_TIMEOUT_S)
        stuck = [th.name for th in threads if th.is_alive()]
        if stuck:
            self.thread_failures.append(f"threads still running {THREAD_JOIN_TIMEOUT_S} s after the end: {stuck}")

        lat = sorted(self.latencies)
        n = len(lat)

        def ms(v):
            return None if v is None else round(v * 1000, 3)

        redo, pages = redo1 - redo0, pages1 - pages0
        redo_per = redo / n if n else None
        page_bytes_per = pages * PAGE_SIZE_BYTES / n if n else None
        return {
            "sessions": self.sessions,
            "measure_s": self.measure_s,
            "warmup_s": self.warmup_s,
            "transactions": n,
            "transactions_started_whole_run": self.started_txns,
            "tps": round(n / self.measure_s, 1),
            "latency_ms": {"mean": ms(sum(lat) / n if n else None), "p50": ms(percentile(lat, 0.50)),
                           "p90": ms(percentile(lat, 0.90)), "p99": ms(percentile(lat, 0.99)),
                           "max": ms(lat[-1] if lat else None)},
            "latency_breakdown_mean_ms": {k: round(v / n * 1000, 3) if n else None for k, v in self.parts_s.items()},
            "write_lock_retries": self.retries,
            "write_lock_retries_whole_run": self.retries_total,
            "errors": dict(self.errors),
            "errors_whole_run": dict(self.errors_total),
            "redo": {
                "redo_bytes": redo, "pages_shipped": pages,
                "mini_transactions": commits1 - commits0, "log_records": vc_records1 - vc_records0,
                "redo_bytes_per_txn": round(redo_per, 1) if redo_per is not None else None,
                "pages_per_txn": round(pages / n, 3) if n else None,
                "page_bytes_per_txn": round(page_bytes_per, 1) if page_bytes_per is not None else None,
                "page_bytes_over_redo_bytes": round(page_bytes_per / redo_per, 2) if redo_per else None,
            },
            "write_lock_wait_ms_per_txn": round((lockwait1 - lockwait0) / n, 3) if n else None,
            "cpu": cpu.result,
            "thread_failures": self.thread_failures,
        }


# --- checking ----------------------------------------------------------------------------

def balances(node: ComputeNode) -> dict:
    s = node.session()
    try:
        s.execute("begin read only")  # one read point for all four sums
        q = {"accounts": "select coalesce(sum(abalance), 0) from pgbench_accounts",
             "tellers": "select coalesce(sum(tbalance), 0) from pgbench_tellers",
             "branches": "select coalesce(sum(bbalance), 0) from pgbench_branches",
             "history": "select coalesce(sum(delta), 0) from pgbench_history"}
        out = {k: s.execute(v).rows[0][0] for k, v in q.items()}
        out["history_rows"] = s.execute("select count(*) from pgbench_history").rows[0][0]
        out["accounts_rows"] = s.execute("select count(*) from pgbench_accounts").rows[0][0]
        s.execute("commit")
        return out
    finally:
        s.close()


def check(b: dict, accounts: int) -> list[str]:
    problems = [f"sum({k}) = {b[k]} != sum(history.delta) = {b['history']}"
                for k in ("accounts", "tellers", "branches") if b[k] != b["history"]]
    if b["accounts_rows"] != accounts:
        problems.append(f"pgbench_accounts has {b['accounts_rows']} rows, expected {accounts}")
    return problems


# --- report ---------------------------------------------------------------------------------

def summary_line(runs: list[dict], consistency: dict, log_problems: dict, died: dict) -> str:
    parts = []
    for i, r in enumerate(runs):
        unit = " ms" if i == 0 else ""
        parts.append(f"{r['sessions']} session{'s' if r['sessions'] != 1 else ''} {fmt(r['tps'])} tps "
                     f"p50 {fmt(r['latency_ms']['p50'])}{unit} p99 {fmt(r['latency_ms']['p99'])}{unit}")
    redo = [r["redo"] for r in runs if r["redo"]["redo_bytes_per_txn"]]
    if redo:
        rb = statistics.median(x["redo_bytes_per_txn"] for x in redo)
        pb = statistics.median(x["page_bytes_per_txn"] for x in redo)
        parts.append(f"redo {rb:.0f} B/txn vs pages {pb:.0f} B/txn (x{pb / rb:.1f} saved)")
    line = "sql: " + " | ".join(parts)
    line += " | balances OK" if consistency["ok"] else " | BALANCE CHECK FAILED"
    retries = sum(r["write_lock_retries"] for r in runs)
    if retries:
        line += f" | write-lock retries {retries}"
    errors = sum(sum(r["errors"].values()) for r in runs)
    if errors:
        line += f" | errors {errors}"
    if any(r["thread_failures"] for r in runs):
        line += " | WARNING: session threads failed"
    busy = max((r["cpu"].get("other_cpu_fraction", 0) for r in runs), default=0)
    if busy > BUSY_WARN_FRACTION:
        line += f" | WARNING: machine busy, other processes used up to {busy:.0%} of the CPUs"
    if log_problems:
        line += f" | WARNING: errors in logs of {', '.join(sorted(log_problems))}"
    if died:
        line += f" | WARNING: nodes died: {', '.join(sorted(died))}"
    return line


def run_all(cluster: Supervisor, args) -> tuple[dict, list[dict], dict]:
    node = ComputeNode(cluster.spec).start()
    try:
        setup = {"recovery_ms": round(node.vc.recovery_ms, 1)}
        setup["load"] = load(node, args.accounts, args.load_batch)
        runs = []
        for n in args.sessions:
            r = Scenario(node, cluster, n, args.accounts, args.seed, args.warmup_s, args.measure_s).run()
            runs.append(r)
            lat, redo = r["latency_ms"], r["redo"]
            print(f"{n:>2} session(s): {r['tps']} tps, p50 {lat['p50']} ms, p99 {lat['p99']} ms, "
                  f"redo {redo['redo_bytes_per_txn']} B/txn vs {redo['pages_per_txn']} pages "
                  f"= {redo['page_bytes_per_txn']} B/txn; mean ms in BEGIN/statements/COMMIT "
                  f"{'/'.join(str(v) for v in r['latency_breakdown_mean_ms'].values())}"
                  + (f", write-lock retries {r['write_lock_retries']}" if r["write_lock_retries"] else "")
                  + (f", errors {r['errors']}" if r["errors"] else "")
                  + (f" [other processes used {r['cpu']['other_cpu_s']} CPU-s]" if r["cpu"] else "")
                  + (f" THREAD FAILURES {r['thread_failures']}" if r["thread_failures"] else ""), flush=True)
        live = balances(node)
        setup["node_stats_at_end"] = dict(node.stats)
        setup["volume_client_stats_at_end"] = dict(node.vc.stats)
        setup["link_stats_at_end"] = node.vc.link_stats()
    finally:
        node.close()
    # A fresh writer recovers the volume and must see the same balances.
    node2 = ComputeNode(cluster.spec).start()
    try:
        reopened = balances(node2)
        setup["reopen_recovery_ms"] = round(node2.vc.recovery_ms, 1)
    finally:
        node2.close()
    problems = [f"live: {p}" for p in check(live, args.accounts)]
    problems += [f"after reopen: {p}" for p in check(reopened, args.accounts)]
    if reopened["history_rows"] != live["history_rows"]:
        problems.append(f"history rows {live['history_rows']} before close, {reopened['history_rows']} after reopen")
    consistency = {"ok": not problems, "problems": problems, "live": live, "after_reopen": reopened}
    return setup, runs, consistency


def main(argv=None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s %(message)s")
    print(f"sql bench: seed {args.seed}, {args.accounts} accounts, sessions {' then '.join(map(str, args.sessions))}, "
          f"{args.warmup_s:g} s warm-up + {args.measure_s:g} s measured each", flush=True)
    started = datetime.now(timezone.utc)
    load_before = os.getloadavg()
    (setup, runs, consistency), cluster, log_problems, died = with_cluster(
        "sixfold-sqlbench-", args.keep, lambda c: run_all(c, args))

    if not consistency["ok"]:
        print("\n!!! BALANCE CHECK FAILED !!!\n" + "\n".join(consistency["problems"]) + "\n", file=sys.stderr)
    line = summary_line(runs, consistency, log_problems, died)
    report = {
        **report_header("sql", started, args.seed, load_before),
        "config": {"quick": args.quick, "sessions": args.sessions, "accounts": args.accounts,
                   "load_batch": args.load_batch, "warmup_s": args.warmup_s, "measure_s": args.measure_s,
                   "storage_nodes": len(cluster.spec.storage_nodes), "pg_pages": cluster.spec.pg_pages,
                   "transaction": ["BEGIN"] + [sql for sql, _ in TPCB] + ["COMMIT"]},
        "setup": setup,
        "runs": runs,
        "consistency": consistency,
        "node_log_problems": log_problems,
        "nodes_died": died,
        "summary": line,
    }
    write_report(report, args.out, line)
    return 0 if consistency["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
