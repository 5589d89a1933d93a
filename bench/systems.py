"""The three systems the comparison runs side by side, each in its own temporary
directory on free ports, behind one interface: start(), uri, roots() (pids whose
process trees make up the system, for CPU), snapshot()/bytes_out() (bytes leaving the
writer), config(), stop().

- sixfold:  six storage nodes + the writer compute node (Supervisor, SCRAM password);
- pg-single: one PostgreSQL 15 server, its default config (fsync on);
- pg-sync:  a primary and two streaming standbys s1, s2 with
            synchronous_standby_names = 'ANY 1 (s1, s2)' (quorum commit).
"""

from __future__ import annotations

import secrets
import shutil
import subprocess
import tempfile
import time
from datetime import datetime
from pathlib import Path

import psycopg

from bench.pg_server import PostgresNotInstalled, PostgresServer, bin_dir
from bench.storage_bench import REPO, SHUTDOWN_GRACE_S, stop_cluster
from sixfold.supervisor import Supervisor, free_ports

SYNC_WAIT_S = 30.0  # standbys streaming with sync_state 'quorum'
SENT_WAIT_S = 10.0  # after a run: standbys were sent everything the primary wrote
POLL_S = 0.1
STANDBYS = ("s1", "s2")
SYNC_NAMES = "'ANY 1 (s1, s2)'"
SIXFOLD_METRICS = ("redo_bytes_sent", "redo_wire_bytes_sent", "commits", "redo_bytes", "redo_record_bytes",
                   "pages_shipped", "redo_batches_sent", "write_lock_held_ms")


def lsn_int(lsn: str) -> int:
    """A PostgreSQL LSN 'X/Y' (hex) as a byte position."""
    hi, lo = lsn.split("/")
    return (int(hi, 16) << 32) + int(lo, 16)


def ensure_postgres() -> Path:
    """PostgreSQL's server binaries, installing them (scripts/ensure_postgres.sh) when missing."""
    try:
        if shutil.which("pgbench"):
            return bin_dir()
    except PostgresNotInstalled:
        pass
    subprocess.run(["bash", str(REPO / "scripts" / "ensure_postgres.sh")], check=True, timeout=900)
    return bin_dir()


def query(uri: str, sql: str, params=()) -> list[tuple]:
    with psycopg.connect(uri, connect_timeout=10, autocommit=True) as c:
        cur = c.execute(sql, params)
        return cur.fetchall() if cur.description is not None else []


class Sixfold:
    name = "sixfold"

    def __init__(self):
        self.root = Path(tempfile.mkdtemp(prefix="sixfold-compare-"))
        self.cluster = Supervisor.create(self.root, writer=True, password=secrets.token_urlsafe(16))
        self.log_problems: dict = {}
        self.died: dict = {}

    def start(self) -> None:
        self.cluster.start_all()
        self.uri = self.cluster.uri()

    def roots(self) -> list[int]:
        return [p.pid for p in self.cluster.nodes.values() if p.pid is not None]

    def snapshot(self) -> dict:
        cols = ", ".join(f"sixfold_metric('{m}')" for m in SIXFOLD_METRICS)
        return dict(zip(SIXFOLD_METRICS, query(self.uri, f"select {cols}")[0]))

    def bytes_out(self, before: dict, after: dict) -> dict:
        d = {k: (after[k] or 0) - (before[k] or 0) for k in SIXFOLD_METRICS}
        # One copy of the redo: the records as shipped, headers included, as PostgreSQL's WAL
        # counts its record headers; the page-change payloads alone are kept beside it.
        # Leaving the writer: the append messages as sent (records, their framing, the hints
        # each message carries, heartbeats; gRPC's prefix included, HTTP/2 and TCP not),
        # as PostgreSQL's count is its WAL stream. The records alone are kept beside it.
        return {"bytes_leaving_writer": d["redo_wire_bytes_sent"], "record_bytes_sent": d["redo_bytes_sent"],
                "redo_bytes_one_copy": d["redo_record_bytes"],
                "redo_payload_bytes": d["redo_bytes"],
                "pages_shipped": d["pages_shipped"], "commits": d["commits"],
                "append_messages": d["redo_batches_sent"],  # record-carrying messages, all links together
                "write_lock_held_ms": d["write_lock_held_ms"]}  # write transactions are serialized by it

    def process_groups(self) -> dict[str, list[int]]:
        """The cluster's processes by kind: the writer, the storage nodes."""
        c = self.cluster
        writer = c.nodes[c.writer_name()].pid
        return {"writer": [writer] if writer else [],
                "storage_nodes": [c.nodes[n].pid for n in c.storage_names if c.nodes[n].pid]}

    def config(self) -> dict:
        spec = self.cluster.spec
        return {"storage_nodes": [f"{n.name}@{n.az}" for n in spec.storage_nodes],
                "compute_nodes": [n.name for n in spec.compute_nodes], "write_quorum": "4 of 6",
                "durability": "each storage node fsyncs its LMDB commit before acknowledging",
                "processes": len(self.cluster.nodes)}

    def stop(self, keep: bool, closed_at: datetime | None) -> None:
        if closed_at is not None:
            time.sleep(SHUTDOWN_GRACE_S)
        self.log_problems, self.died = stop_cluster(self.cluster, self.root, closed_at, keep)


class Postgres:
    """PostgreSQL 15: a single node, or (standbys=True) a primary with s1, s2."""

    def __init__(self, standbys: bool):
        self.name = "pg-sync" if standbys else "pg-single"
        self.password = secrets.token_urlsafe(16)
        ports = free_ports(3 if standbys else 1)
        self.dirs = [Path(tempfile.mkdtemp(prefix=f"sixfold-compare-{self.name}-")) for _ in ports]
        extra = {"synchronous_standby_names": SYNC_NAMES} if standbys else {}
        self.primary = PostgresServer(self.dirs[0], ports[0], password=self.password, base_conf={}, extra_conf=extra)
        self.standbys = [PostgresServer(d, p, password=self.password, base_conf={}, standby_of=self.primary,
                                        application_name=n) for d, p, n in zip(self.dirs[1:], ports[1:], STANDBYS)]
        self.servers = [self.primary, *self.standbys]

    def start(self) -> None:
        for s in self.servers:
            s.start()
        self.uri = self.primary.uri
        if self.standbys:
            self.replication = self.wait_quorum()

    def wait_quorum(self) -> list[dict]:
        """Both standbys stream with sync_state 'quorum' (bounded); RuntimeError otherwise."""
        deadline = time.monotonic() + SYNC_WAIT_S
        rows = []
        while time.monotonic() < deadline:
            rows = query(self.uri, "select application_name, state, sync_state from pg_stat_replication")
            if sorted((r[0], r[1], r[2]) for r in rows) == [(n, "streaming", "quorum") for n in STANDBYS]:
                return [{"application_name": r[0], "state": r[1], "sync_state": r[2]} for r in rows]
            time.sleep(POLL_S)
        raise RuntimeError(f"{self.name}: standbys s1, s2 not both streaming with sync_state 'quorum' within "
                           f"{SYNC_WAIT_S:g} s; pg_stat_replication: {rows}\nprimary log:\n{self.primary.log_tail()}")

    def roots(self) -> list[int]:
        return [p for p in (s.postmaster_pid() for s in self.servers) if p is not None]

    def _sent(self) -> dict[str, int]:
        return {r[0]: lsn_int(r[1]) for r in query(self.uri, "select application_name, sent_lsn::text "
                                                            "from pg_stat_replication") if r[1]}

    def snapshot(self) -> dict:
        snap = {"lsn": lsn_int(query(self.uri, "select pg_current_wal_lsn()::text")[0][0])}
        if self.standbys:
            deadline = time.monotonic() + SENT_WAIT_S  # the last commits' WAL reached both standbys
            while True:
                snap["sent"] = self._sent()
                if (all(snap["sent"].get(n, 0) >= snap["lsn"] for n in STANDBYS)
                        or time.monotonic() > deadline):
                    break
                time.sleep(POLL_S)
        return snap

    def bytes_out(self, before: dict, after: dict) -> dict:
        wal = after["lsn"] - before["lsn"]
        out = {"wal_bytes": wal, "bytes_leaving_writer": wal * len(self.standbys)}
        if self.standbys:
            out["sent_bytes_per_standby"] = {n: after["sent"].get(n, 0) - before["sent"].get(n, 0) for n in STANDBYS}
            out["sent_bytes_measured"] = sum(out["sent_bytes_per_standby"].values())
        return out

    def config(self) -> dict:
        out = {"version": query(self.uri, "show server_version")[0][0],
               "settings": {s: query(self.uri, f"show {s}")[0][0] for s in
                            ("fsync", "synchronous_commit", "full_page_writes", "wal_level", "shared_buffers",
                             "synchronous_standby_names", "max_wal_size", "checkpoint_timeout")},
               "conf_added": {"primary": self.primary.conf_summary(),
                              **{s.application_name: s.conf_summary() for s in self.standbys}}}
        if self.standbys:
            out["replication_at_start"] = self.replication
        return out

    def stop(self, keep: bool, closed_at: datetime | None) -> None:
        for s in reversed(self.servers):
            try:
                s.stop("immediate")
            except Exception as e:  # noqa: BLE001 - stop the others anyway
                print(f"warning: stopping {self.name} server at {s.root}: {e}")
        if not keep:
            for d in self.dirs:
                shutil.rmtree(d, ignore_errors=True)
