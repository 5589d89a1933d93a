"""A failover-aware PostgreSQL driver for Sixfold (psycopg 3 underneath).

    from sixfold import driver
    conn = driver.connect(".sixfold")                  # a data dir, a cluster.json, or control_plane="host:port"
    with conn.transaction():
        conn.execute("update t set v = v + 1 where id = %s", (1,))

It learns the topology from the control plane (a watch stream, so it hears of a new
writer the moment it is promoted) and connects straight to the writer, not through an
endpoint. When the writer fails under it, it never retries anything silently; it
tells the application what happened to the transaction in flight:

* `TransactionLost` (retriable): the connection failed before COMMIT was sent (or a
  statement was refused because the instance is no longer the writer): the
  transaction did not commit; run it again.
* `CommitInDoubt` (SQLSTATE 08007, not retriable): COMMIT (or a statement that writes,
  in autocommit) was sent and no answer came: it may or may not have committed; find
  out before retrying.

Either way the next call reconnects to the writer the control plane names (waiting
at most DRIVER_FAILOVER_WAIT_MS). `conn.reader()` gives a plain psycopg connection to
a healthy replica (the writer when there is none), for splitting reads off.
"""

from __future__ import annotations

import re
import threading
import time
from pathlib import Path

import grpc
import psycopg

from sixfold.constants import DRIVER_CONNECT_TIMEOUT_S, DRIVER_FAILOVER_WAIT_MS, DRIVER_RETRY_INTERVAL_MS
from sixfold.endpoints import DEFAULT_USER, load_credentials
from sixfold.rpc import control_pb2 as ctl
from sixfold.rpc import control_pb2_grpc as ctl_grpc
from sixfold.rpc.channel_options import GRPC_OPTIONS
from sixfold.spec import ClusterSpec

_READ_ONLY = re.compile(r"^\s*(select|show|with\s+(?!.*\b(insert|update|delete)\b))", re.I | re.S)


class TransactionLost(psycopg.OperationalError):
    """The writer failed before the transaction's COMMIT was sent: it did not commit.
    Retriable: run the whole transaction again."""

    retriable = True
    sqlstate = "40003"  # statement_completion_unknown is 40003; this one is known: not committed


class CommitInDoubt(psycopg.OperationalError):
    """COMMIT was sent and the writer failed before answering: the transaction may or
    may not have committed. Not retriable: find out (read) before running it again."""

    retriable = False
    sqlstate = "08007"  # transaction_resolution_unknown


class Topology:
    """The cluster's topology as the control plane tells it (a background watch)."""

    def __init__(self, spec: ClusterSpec):
        self.spec = spec
        self.changed = threading.Condition()
        self.current: ctl.Topology | None = None
        self._stop = threading.Event()
        if spec.control_plane is not None:
            threading.Thread(target=self._watch, name="sixfold-topology", daemon=True).start()

    def _watch(self) -> None:
        while not self._stop.is_set():
            try:
                with grpc.insecure_channel(self.spec.control_plane.address, options=GRPC_OPTIONS) as ch:
                    for topo in ctl_grpc.ControlPlaneStub(ch).WatchTopology(ctl.TopologyRequest()):
                        with self.changed:
                            self.current = topo
                            self.changed.notify_all()
                        if self._stop.is_set():
                            return
            except grpc.RpcError:
                pass
            self._stop.wait(DRIVER_RETRY_INTERVAL_MS / 1000)

    def writer(self) -> tuple[str, str, int]:
        """(name, host, port) of the writer now."""
        name = self.current.writer if self.current is not None and self.current.writer else None
        if name is None:
            if self.spec.writer is None:
                raise psycopg.OperationalError("the cluster has no writer")
            name = self.spec.writer.name
        inst = self.spec.compute(name)
        return name, inst.host, inst.port

    def replicas(self) -> list[tuple[str, str, int]]:
        if self.current is None:
            return [(r.name, r.host, r.port) for r in self.spec.replicas]
        return [(i.name, i.host, i.port) for i in self.current.instances if i.role == "replica" and i.healthy]

    def wait_for_change(self, generation: int, timeout_s: float) -> None:
        with self.changed:
            self.changed.wait_for(lambda: self.current is not None and self.current.generation != generation,
                                  timeout_s)

    @property
    def generation(self) -> int:
        return self.current.generation if self.current is not None else 0

    def close(self) -> None:
        self._stop.set()


class Connection:
    """A connection that follows the writer. The common psycopg calls are here
    (`execute`, `cursor`, `commit`, `rollback`, `transaction`, `autocommit`, `close`);
    `raw` is the psycopg connection of the moment."""

    def __init__(self, topology: Topology, dbname: str, user: str, password: str | None, autocommit: bool):
        self.topology = topology
        self._dbname, self._user, self._password = dbname, user, password
        self._autocommit = autocommit
        self.raw: psycopg.Connection | None = None
        self.writer = ""
        self.failovers = 0
        self._reconnect()

    # --- connecting --------------------------------------------------------------------
    def _open(self, host: str, port: int) -> psycopg.Connection:
        return psycopg.connect(host=host, port=port, dbname=self._dbname, user=self._user, password=self._password,
                               autocommit=self._autocommit, connect_timeout=DRIVER_CONNECT_TIMEOUT_S)

    def _reconnect(self) -> None:
        """Connect to the writer the topology names, waiting (bounded) through a failover."""
        deadline = time.monotonic() + DRIVER_FAILOVER_WAIT_MS / 1000
        last: Exception | None = None
        while True:
            name, host, port = self.topology.writer()
            generation = self.topology.generation
            try:
                self.raw = self._open(host, port)
                if self.raw.execute("select pg_is_in_recovery()").fetchone()[0]:
                    raise psycopg.OperationalError(f"{name} is a replica now")
                if not self._autocommit:
                    self.raw.rollback()
                self.writer = name
                return
            except psycopg.Error as e:
                last = e
                if self.raw is not None:
                    _close(self.raw)
                self.raw = None
            left = deadline - time.monotonic()
            if left <= 0:
                raise psycopg.OperationalError(f"no writer accepted a connection within {DRIVER_FAILOVER_WAIT_MS} ms "
                                               f"(last tried {name}: {last})")
            self.topology.wait_for_change(generation, min(left, DRIVER_RETRY_INTERVAL_MS / 1000))

    def _ensure(self) -> psycopg.Connection:
        if self.raw is None or self.raw.closed or self.raw.broken:
            if self.raw is not None:
                _close(self.raw)
            self.failovers += 1
            self._reconnect()
        return self.raw

    def _lost(self, e: psycopg.Error, committing: bool):
        """Map a failure of the writer under us to what the application must know."""
        if self.raw is not None:
            _close(self.raw)
        self.raw = None
        cls = CommitInDoubt if committing else TransactionLost
        what = "COMMIT was sent and no answer came" if committing else "the transaction did not commit"
        return cls(f"the writer {self.writer} failed under this connection; {what} ({e})")

    @staticmethod
    def _writer_gone(e: psycopg.Error) -> bool:
        """A failure that means: this instance is not (or no longer) the writer to use."""
        state = e.sqlstate or ""
        return isinstance(e, psycopg.OperationalError) or state in ("25006", "57P01", "57P03", "08007", "08006")

    # --- psycopg-like API --------------------------------------------------------------
    @property
    def autocommit(self) -> bool:
        return self._autocommit

    @autocommit.setter
    def autocommit(self, value: bool) -> None:
        self._autocommit = value
        if self.raw is not None and not self.raw.closed and not self.raw.broken:
            self.raw.autocommit = value

    def execute(self, query, params=None):
        conn = self._ensure()
        try:
            return conn.execute(query, params)
        except psycopg.Error as e:
            if not self._writer_gone(e):
                raise
            text = query if isinstance(query, str) else str(query)
            # In autocommit a statement is its own transaction: one that may write is in doubt.
            in_doubt = self._autocommit and not _READ_ONLY.match(text) and (e.sqlstate or "") != "25006"
            raise self._lost(e, committing=in_doubt) from e

    def cursor(self, *args, **kw):
        return self._ensure().cursor(*args, **kw)

    def commit(self) -> None:
        conn = self._ensure()
        try:
            conn.commit()
        except psycopg.Error as e:
            if not self._writer_gone(e):
                raise
            if (e.sqlstate or "") == "25006":  # refused: nothing was sent
                raise self._lost(e, committing=False) from e
            raise self._lost(e, committing=True) from e

    def rollback(self) -> None:
        if self.raw is None or self.raw.closed or self.raw.broken:
            return  # the transaction is gone with the connection
        try:
            self.raw.rollback()
        except psycopg.OperationalError:
            _close(self.raw)
            self.raw = None

    def transaction(self):
        return self._ensure().transaction()

    def reader(self) -> psycopg.Connection:
        """A psycopg connection to a healthy replica (the writer when there is none)."""
        for _name, host, port in self.topology.replicas():
            try:
                return self._open(host, port)
            except psycopg.Error:
                continue
        _name, host, port = self.topology.writer()
        return self._open(host, port)

    @property
    def closed(self) -> bool:
        return False  # reconnects on the next call

    @property
    def broken(self) -> bool:
        return False

    def close(self) -> None:
        if self.raw is not None:
            _close(self.raw)
            self.raw = None


def connect(cluster: str | Path = ".sixfold", *, dbname: str | None = None, user: str | None = None,
            password: str | None = None, autocommit: bool = False) -> Connection:
    """A failover-aware connection to the cluster whose data dir (or cluster.json) is
    `cluster`: credentials from it unless given."""
    path = Path(cluster)
    spec_path = path / "cluster.json" if path.is_dir() else path
    spec = ClusterSpec.load(spec_path)
    creds = load_credentials(spec_path.parent) or {}
    return Connection(Topology(spec), dbname or spec.database, user or creds.get("user", DEFAULT_USER),
                      password if password is not None else creds.get("password"), autocommit)


def _close(conn: psycopg.Connection) -> None:
    try:
        conn.close()
    except Exception:  # noqa: BLE001 - closing a dead connection
        pass
