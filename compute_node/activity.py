"""pg_stat_activity of a compute instance: who is connected and what each runs, and
pg_cancel_backend / pg_terminate_backend, which act on them.

The wire protocol reports each connection (`add`, `remove`) and each query's start and
end (`started`, `ready`) on its event loop; SQL reads the rows through the eponymous
virtual table `pg_stat_activity_rows` from any session's thread. Cancel and terminate
are the connection's own thread-safe callables.
"""

from __future__ import annotations

import datetime
import threading
import time
from dataclasses import dataclass, field
from typing import Callable

import apsw

from compute_node.pg_sql import virtual_rows

# pg_stat_activity's columns, in PostgreSQL 15's order (those Sixfold has a value for
# are filled, the rest NULL).
COLUMNS = ("datid", "datname", "pid", "leader_pid", "usesysid", "usename", "application_name", "client_addr",
           "client_hostname", "client_port", "backend_start", "xact_start", "query_start", "state_change",
           "wait_event_type", "wait_event", "state", "backend_xid", "backend_xmin", "query_id", "query",
           "backend_type")
_STATES = {"I": "idle", "T": "idle in transaction", "E": "idle in transaction (aborted)"}


def _shown(t: float | None) -> str | None:
    """A time.time() as timestamptz text (formatted when read, not on every statement)."""
    if t is None:
        return None
    return datetime.datetime.fromtimestamp(t, datetime.UTC).strftime("%Y-%m-%d %H:%M:%S.%f+00")


@dataclass
class Backend:
    pid: int
    user: str
    database: str
    application_name: str
    client_addr: str | None
    client_port: int | None
    cancel: Callable[[], None]  # thread-safe: interrupt the running statement
    terminate: Callable[[], None]  # thread-safe: end the connection
    backend_start: float = field(default_factory=time.time)
    state: str = "idle"
    query: str = ""
    query_start: float | None = None
    xact_start: float | None = None
    state_change: float = field(default_factory=time.time)

    def row(self) -> tuple:
        return (1, self.database, self.pid, None, 10, self.user, self.application_name, self.client_addr, None,
                self.client_port, _shown(self.backend_start), _shown(self.xact_start), _shown(self.query_start),
                _shown(self.state_change), None, None, self.state, None, None, None, self.query, "client backend")


class Activity:
    """The instance's client backends, by pid."""

    def __init__(self):
        self._lock = threading.Lock()
        self._backends: dict[int, Backend] = {}

    def add(self, backend: Backend) -> None:
        with self._lock:
            self._backends[backend.pid] = backend

    def remove(self, pid: int) -> None:
        with self._lock:
            self._backends.pop(pid, None)

    def started(self, pid: int, query: str) -> None:
        b = self._backends.get(pid)
        if b is not None:
            now = time.time()
            b.state, b.query, b.query_start, b.state_change = "active", query, now, now
            if b.xact_start is None:
                b.xact_start = now

    def ready(self, pid: int, status: str) -> None:
        """The connection sent ReadyForQuery with `status` (I, T or E)."""
        b = self._backends.get(pid)
        if b is not None and b.state != _STATES[status]:
            b.state, b.state_change = _STATES[status], time.time()
        if b is not None and status == "I":
            b.xact_start = None

    def rows(self) -> list[tuple]:
        with self._lock:
            return [b.row() for b in sorted(self._backends.values(), key=lambda x: x.pid)]

    def signal(self, pid: int, terminate: bool) -> bool:
        with self._lock:
            b = self._backends.get(pid)
        if b is None:
            return False
        (b.terminate if terminate else b.cancel)()
        return True


def register(conn: apsw.Connection, activity: Activity) -> None:
    """pg_stat_activity's rows and the functions that signal backends, on `conn`."""
    virtual_rows.register(conn, "pg_stat_activity_rows", COLUMNS, activity.rows)

    def signal(terminate: bool):
        def fn(pid):
            if pid is None:
                return None
            if not isinstance(pid, int):
                raise apsw.SQLError("[22023] a backend pid is an integer")
            return int(activity.signal(pid, terminate))
        return fn

    conn.create_scalar_function("pg_cancel_backend", signal(False), 1)
    conn.create_scalar_function("pg_terminate_backend", signal(True), 1)
