"""One chaos run: start a cluster, run workloads through its endpoints while the
nemesis carries out a seeded fault schedule, heal, read the final state, check every
history, and judge liveness. Returns (and writes) the verdict.

    verdict = run(ChaosConfig(workloads=("bank",), nemeses=("kill", "writer-kill"), duration_s=60, seed=7))

The same seed gives the same schedule (which fault, on which process, when); the
processes' own timing is real, so a replay reproduces the faults, not every
interleaving. Every op must end accounted for: ok, fail or info (in doubt) — an op
still running after the heal and a bounded wait is itself an anomaly.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import logging
import os
import re
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import psycopg

from sixfold import sabotage
from sixfold.chaos import liveness, netns
from sixfold.chaos.cluster import ChaosCluster
from sixfold.chaos.nemesis import Nemesis
from sixfold.chaos.schedule import NEMESES, WRITER_NEMESES, ScheduleConfig, make_schedule
from sixfold.workloads import CHAOS_WORKLOADS as WORKLOADS
from sixfold.constants import (
    CHAOS_FINAL_RESUME_BOUND_S, CHAOS_OPS_SETTLE_TIMEOUT_S, CHAOS_STALL_RESUME_BOUND_S, WORKLOAD_CONNECT_TIMEOUT_MS,
    WORKLOAD_STATEMENT_TIMEOUT_MS)
from sixfold.supervisor import wait_until
from sixfold.workloads.base import INVOKE, History

log = logging.getLogger("sixfold.chaos")
CORRUPTION = re.compile(r"XX001|XX002|data corrupted|malformed")
LOG_ERROR = re.compile(r"Traceback|\bERROR\b|\bCRITICAL\b")

@dataclass
class ChaosConfig:
    workloads: tuple[str, ...]
    nemeses: tuple[str, ...]
    duration_s: float
    seed: int
    sabotage: str | None = None
    writer_kill_interval_s: float = 30.0
    replicas: int = 2
    out_dir: Path | None = None  # verdict.json and history.jsonl go here
    use_netns: bool | None = None  # None: when the machine allows it
    stall_resume_bound_s: float = CHAOS_STALL_RESUME_BOUND_S
    # The workloads' sessions' sixfold.write_concurrency (compute_node/optimistic.py)
    write_concurrency: str = "serial"

    def validate(self) -> None:
        bad = [w for w in self.workloads if w not in WORKLOADS]
        if bad or not self.workloads:
            raise ValueError(f"unknown workload(s) {bad}; choose from {', '.join(WORKLOADS)}")
        bad = [n for n in self.nemeses if n not in NEMESES]
        if bad:
            raise ValueError(f"unknown nemesis(es) {bad}; choose from {', '.join(NEMESES)}")
        if self.sabotage is not None and self.sabotage not in sabotage.SABOTAGES:
            raise ValueError(f"unknown sabotage {self.sabotage!r}; choose from {', '.join(sabotage.SABOTAGES)}")
        if self.write_concurrency not in ("serial", "optimistic"):
            raise ValueError(f"unknown write concurrency {self.write_concurrency!r}; choose serial or optimistic")
        if self.duration_s < 10:
            raise ValueError("--duration must be at least 10 s")
        if not 1 <= self.replicas <= 15:
            raise ValueError("--replicas must be in 1..15 (failover needs one)")


@dataclass
class WorkloadRun:
    name: str
    wl: object
    history: History | None = None
    thread: threading.Thread | None = None
    result: object = None
    final: dict = field(default_factory=dict)


def _connect(uri: str):
    def connect():
        conn = psycopg.connect(uri, connect_timeout=max(1, WORKLOAD_CONNECT_TIMEOUT_MS // 1000), keepalives=1,
                               keepalives_idle=2, keepalives_interval=1, keepalives_count=3)
        conn.execute(f"set statement_timeout = {WORKLOAD_STATEMENT_TIMEOUT_MS}")
        conn.commit()
        return conn
    return connect


def _mixed_writer_connect(sup, writer_uri: str):
    """Every other new connection goes straight to the instance the control plane names
    writer at that moment (an application using instance endpoints), the rest through
    the cluster endpoint. The direct ones are what an old writer could still answer after
    a failover: only fencing on storage stops it acknowledging a commit then."""
    counter = itertools.count()
    via_endpoint = _connect(writer_uri)

    def connect():
        if next(counter) % 2 == 0:
            return via_endpoint()
        return _connect(sup.uri(sup.writer_name()))()
    return connect


class _AzClients:
    """Connections for a workload where one writing client and one reading client live
    in az1 (with namespaces): the first thread that connects to write and the first
    that connects to read open their connections from inside that AZ (a thread
    `setns`es for good), to the writer instance they last knew and to az1's replica,
    like an application server there. When az1 is cut off with the writer in it, that
    client keeps committing to the old writer, whose records then reach only az1's two
    storage nodes and its replica, and the failover's recovery drops them: a replica
    reading ahead of the durable point shows them to the local reader."""

    AZ = "az1"

    def __init__(self, cluster, writer_uri: str, reader_uri: str):
        self.cluster, self.sup = cluster, cluster.sup
        self.via_endpoint, self.via_reader = _connect(writer_uri), _connect(reader_uri)
        self.local = threading.local()
        self.lock = threading.Lock()
        free = cluster.net is not None  # without namespaces every client stays outside
        self.claims = {"write": free, "read": free}
        self.writer = self.sup.spec.writer.name

    def _in_az(self, kind: str) -> bool:
        if threading.current_thread() is threading.main_thread():
            return False  # setup, final reads: a namespace is a thread's for good, and threads inherit it
        if not hasattr(self.local, "in_az"):
            with self.lock:
                self.local.in_az, self.claims[kind] = self.claims[kind], False
            if self.local.in_az:
                self.cluster.net.enter(self.AZ)
        return self.local.in_az

    def connect(self):
        if not self._in_az("write"):
            return self.via_endpoint()
        from compute_node.topology import fetch_topology

        topo = fetch_topology(self.sup.spec, 1.0)  # the control plane, when this AZ reaches it
        if topo is not None and topo.writer:
            self.writer = topo.writer
        return _connect(self.sup.uri(self.writer))()

    def connect_reader(self):
        if not self._in_az("read"):
            return self.via_reader()
        local = [n for n in self.sup.compute_names if self.sup.az_of(n) == self.AZ and n != self.writer]
        return _connect(self.sup.uri(local[0]))() if local else self.via_reader()


def _make_workloads(cfg: ChaosConfig, cluster, writer_uri: str, reader_uri: str) -> list[WorkloadRun]:
    from sixfold.workloads.bank import Bank
    from sixfold.workloads.list_append import ListAppend

    sup = cluster.sup
    made = {
        "bank": lambda: Bank(_mixed_writer_connect(sup, writer_uri), seed=cfg.seed),
        "set": lambda: _set_in_azs(cfg, cluster, writer_uri, reader_uri),
        "list-append": lambda: ListAppend(writer_uri, seed=cfg.seed, reader_uri=reader_uri, reader_clients=2),
        "monotonic": lambda: _monotonic_in_azs(cfg, cluster, writer_uri, reader_uri),
    }
    return [WorkloadRun(w, made[w]()) for w in cfg.workloads]


def _set_in_azs(cfg: ChaosConfig, cluster, writer_uri: str, reader_uri: str):
    from sixfold.workloads.set_add import SetAdd

    az = _AzClients(cluster, writer_uri, reader_uri)
    return SetAdd(az.connect, seed=cfg.seed, connect_reader=az.connect_reader)


def _monotonic_in_azs(cfg: ChaosConfig, cluster, writer_uri: str, reader_uri: str):
    from sixfold.workloads.monotonic import MonotonicReads

    az = _AzClients(cluster, writer_uri, reader_uri)
    return MonotonicReads(az.connect, az.connect_reader, seed=cfg.seed)


def _final_state(run: WorkloadRun, writer_uri: str) -> None:
    with _connect(writer_uri)() as conn:
        if run.name == "bank":
            transfers, balances = run.wl.final_state(conn)
            run.final = {"transfers": len(transfers), "balances": balances}
            run.result = run.wl.check(run.history, transfers, balances)
        elif run.name == "set":
            final = run.wl.final_state(conn)
            run.final = {"elements": len(final)}
            run.result = run.wl.check(run.history, final)
        else:
            run.result = run.wl.check(run.history)


def _anomalies(result) -> dict[str, list[str]]:
    out = {}
    for kind, items in (result.anomalies or {}).items():
        if items:
            out[kind] = [x.render() if hasattr(x, "render") else str(x) for x in items]
    return out


def _valid(result) -> bool:
    return bool(result.valid)


def run(cfg: ChaosConfig, progress=print) -> dict:
    cfg.validate()
    with _session_options(f"-c sixfold.write_concurrency={cfg.write_concurrency}"):
        return _run(cfg, progress)


@contextlib.contextmanager
def _session_options(options: str):
    """Every libpq connection this process opens meanwhile (each workload's, whoever
    opens it) starts its session with `options` (PGOPTIONS, added to any set before)."""
    before = os.environ.get("PGOPTIONS")
    os.environ["PGOPTIONS"] = f"{before} {options}" if before else options
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("PGOPTIONS", None)
        else:
            os.environ["PGOPTIONS"] = before


def _run(cfg: ChaosConfig, progress) -> dict:
    use_netns = netns.available() if cfg.use_netns is None else cfg.use_netns
    if "partition" in cfg.nemeses and not use_netns:
        raise RuntimeError("the partition nemesis needs network namespaces: run as root with iproute2 "
                           "(no fault-injecting proxy fallback yet)")
    out_dir = Path(cfg.out_dir) if cfg.out_dir else Path(tempfile.mkdtemp(prefix="sixfold-chaos-"))
    out_dir.mkdir(parents=True, exist_ok=True)
    run_id = f"{cfg.seed % 100000:05d}{int(time.time()) % 10:d}"
    cluster = ChaosCluster(out_dir / "data", run_id, replicas=cfg.replicas, sabotage_name=cfg.sabotage,
                           use_netns=use_netns, fake_clock="clock-jump" in cfg.nemeses)
    verdict: dict = {"config": {**asdict(cfg), "out_dir": str(out_dir), "use_netns": use_netns},
                     "commit": _git_commit(), "started": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
    try:
        t_start = time.monotonic()
        sup = cluster.start()
        progress(f"cluster up in {time.monotonic() - t_start:.1f} s ({len(sup.nodes)} processes"
                 f"{', AZs in network namespaces' if use_netns else ''}"
                 f"{', sabotage ' + cfg.sabotage if cfg.sabotage else ''}); data in {out_dir / 'data'}")
        layout = cluster.layout()
        schedule = make_schedule(ScheduleConfig(duration_s=cfg.duration_s, nemeses=cfg.nemeses, seed=cfg.seed,
                                                writer_kill_interval_s=cfg.writer_kill_interval_s), layout)
        verdict["schedule"] = [f.to_json() for f in schedule]
        for f in schedule:
            progress(f"  scheduled {f.describe()}")
        writer_uri, reader_uri = sup.uri("writer"), sup.uri("reader")
        runs = _make_workloads(cfg, cluster, writer_uri, reader_uri)
        for r in runs:
            r.wl.setup()

        t0 = time.monotonic()
        nemesis = Nemesis(cluster, schedule, t0)
        nemesis.start()
        for r in runs:
            def body(r=r):
                r.history = r.wl.run(cfg.duration_s)
            r.thread = threading.Thread(target=body, name=f"workload-{r.name}", daemon=True)
            r.thread.start()
        for r in runs:
            r.thread.join(cfg.duration_s + CHAOS_OPS_SETTLE_TIMEOUT_S)
        run_end = time.monotonic() - t0
        progress(f"workloads done at {run_end:.1f} s; healing")
        nemesis.heal_all()
        for r in runs:
            r.wl.stop()
            r.thread.join(CHAOS_OPS_SETTLE_TIMEOUT_S)

        def settled() -> bool:  # the ops a fault held up must end now that everything is back
            return all(op.type != INVOKE for r in runs if r.history is not None for op in r.history)

        with contextlib.suppress(TimeoutError):
            wait_until(settled, CHAOS_OPS_SETTLE_TIMEOUT_S, "every operation to end after the heal")
        anomalies: dict[str, list[str]] = {}
        for r in runs:
            if r.history is None:
                anomalies.setdefault("workload-hung", []).append(
                    f"{r.name}: its clients did not stop within {CHAOS_OPS_SETTLE_TIMEOUT_S} s of the heal")
                continue
            damaged = [op for op in r.history if op.error and CORRUPTION.search(op.error)]
            if damaged:  # a failure, but one that a correct database never has
                anomalies.setdefault(f"{r.name}:data-corrupted", []).extend(op.describe() for op in damaged[:10])
            stuck = [op for op in r.history if op.type == INVOKE]
            if stuck:
                anomalies.setdefault("unfinished-op", []).extend(
                    f"{r.name}: {op.describe()} never completed" for op in stuck[:10])
        # Final state, through the cluster endpoint, once it takes a commit again.
        wait_until(lambda: _connect(writer_uri)().close() is None, CHAOS_FINAL_RESUME_BOUND_S,
                   "the cluster endpoint to accept connections after the heal")
        for r in runs:
            if r.history is not None:
                try:
                    _final_state(r, writer_uri)
                except psycopg.Error as e:  # the data itself is damaged: the worst anomaly of all
                    anomalies.setdefault(f"{r.name}:final-state-unreadable", []).append(
                        f"reading the final state failed: {getattr(e, 'sqlstate', None) or '?'} {e}")
                    continue
                if not _valid(r.result):
                    for kind, items in _anomalies(r.result).items():
                        anomalies.setdefault(f"{r.name}:{kind}", []).extend(items)
        # Liveness: commits resume after a stalled quorum is whole again, and after the run.
        ops = [(r.history.t0 - t0, op) for r in runs if r.history is not None for op in r.history]
        bound = cfg.stall_resume_bound_s
        moments = [(label, t) for label, t in nemesis.moments  # a writer fault then is a failover, not a stall
                   if not any(f.kind in WRITER_NEMESES and f.start_s - bound < t < f.end_s + bound for f in schedule)]
        stall_rows, stall_bad = liveness.resume_gaps(ops, moments, bound, run_end)
        for line in stall_bad:
            anomalies.setdefault("stalled-commits", []).append(line)
        buckets = liveness.commit_buckets(ops)
        partitions = [{"fault": f.index, "az": f.az, **liveness.window_availability(buckets, f.start_s, f.end_s)}
                      for f in schedule if f.kind == "partition"]
        if nemesis.errors:
            anomalies.setdefault("nemesis-error", []).extend(nemesis.errors)
        log_errors = _log_errors(sup)
        verdict.update({
            "valid": not anomalies,
            "log_errors": log_errors,  # for a human to read: faults cause some, a bug may cause others
            "anomalies": anomalies,
            "fault_log": nemesis.log,
            "workloads": {r.name: {
                "valid": None if r.result is None else _valid(r.result),
                "ops": _counts(r.history), "final": r.final,
                "report": None if r.result is None else r.result.render()} for r in runs},
            "liveness": {"stall_resume": stall_rows, "stall_resume_bound_s": cfg.stall_resume_bound_s,
                         "partitions": partitions},
            "run_s": round(run_end, 3),
        })
        with open(out_dir / "history.jsonl", "w") as f:
            for r in runs:
                for op in (r.history or []):
                    f.write(json.dumps({"workload": r.name, "t_offset_s": round(r.history.t0 - t0, 6),
                                        **op.to_json()}) + "\n")
        return verdict
    finally:
        cluster.stop()
        (out_dir / "verdict.json").write_text(json.dumps(verdict, indent=2, default=str))


def _git_commit() -> str | None:
    """The commit the run's code came from (with "+dirty" for local changes), when in a checkout."""
    import subprocess

    here = Path(__file__).resolve().parent
    try:
        head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=here, capture_output=True, text=True,
                              timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=here,
                               capture_output=True, text=True, timeout=10).stdout.strip()
    except OSError:
        return None
    return (head + ("+dirty" if dirty else "")) or None


def _log_errors(sup, per_process_max: int = 5) -> dict[str, dict]:
    """ERROR / CRITICAL / Traceback lines in each process's log: not anomalies by
    themselves (a checksum failure is expected after `corrupt`), but worth a look."""
    out = {}
    for name, proc in sup.nodes.items():
        if not proc.log_path.exists():
            continue
        lines = [line for line in proc.log_path.read_text(errors="replace").splitlines()
                 if LOG_ERROR.search(line)]
        if lines:
            out[name] = {"count": len(lines), "first": [line[:300] for line in lines[:per_process_max]]}
    return out


def _counts(history: History | None) -> dict[str, int]:
    if history is None:
        return {}
    out: dict[str, int] = {}
    for op in history:
        out[op.type] = out.get(op.type, 0) + 1
    return out


def summary(verdict: dict) -> str:
    """The human report: per workload, liveness, verdict with the evidence."""
    lines = []
    cfg = verdict["config"]
    for name, w in verdict.get("workloads", {}).items():
        ops = ", ".join(f"{k} {v}" for k, v in sorted(w["ops"].items()))
        lines.append(f"{name}: {'valid' if w['valid'] else 'INVALID'} ({ops})")
    for p in verdict.get("liveness", {}).get("partitions", []):
        lines.append(f"partition F{p['fault']} {p['az']}: commits in {p['seconds_with_commits']}/{p['seconds']} s, "
                     f"mean success {p['success_fraction_mean']}")
    for s in verdict.get("liveness", {}).get("stall_resume", []):
        lines.append(f"{s['moment']}: commits resumed after {s['resumed_after_s']} s")
    errs = verdict.get("log_errors") or {}
    if errs:
        lines.append("log lines at ERROR or worse (faults explain some): "
                     + ", ".join(f"{n} {e['count']}" for n, e in sorted(errs.items())))
    if verdict.get("valid"):
        lines.append(f"VERDICT: valid — seed {cfg['seed']}, {len(verdict.get('schedule', []))} faults, "
                     f"no anomaly")
    else:
        lines.append(f"VERDICT: ANOMALIES FOUND — seed {cfg['seed']}")
        for kind, items in verdict.get("anomalies", {}).items():
            lines.append(f"  {kind} x{len(items)}")
            lines += ["    " + x.replace("\n", "\n    ") for x in items[:5]]
    lines.append(f"history and verdict: {cfg['out_dir']}/history.jsonl, {cfg['out_dir']}/verdict.json")
    return "\n".join(lines)
