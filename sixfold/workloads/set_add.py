"""The set workload: unique elements added, the whole set read back.

Table `sets(e bigint primary key)`. Clients add elements (each unique to its client)
and now and then read the whole set; through the writer endpoint a read must see every
add acknowledged before it began. Checked by `sixfold.checkers.set_reads.check_set`
with the final contents.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable

from sixfold.checkers.set_reads import Result, check_set
from sixfold.constants import WORKLOAD_RECONNECT_BACKOFF_MS, WORKLOAD_STOP_TIMEOUT_MS
from sixfold.workloads.base import FAIL, INFO, OK, History, Workload

NOT_COMMITTED = ("40001", "40P01", "55P03", "25006", "57P01", "57P03", "23505")


class SetAdd(Workload):
    name = "set"

    def __init__(self, connect: Callable[[], object], seed: int, clients: int = 4, read_probability: float = 0.1,
                 table: str = "sets", connect_reader: Callable[[], object] | None = None):
        """With `connect_reader` (a replica, the reader endpoint), every other read goes
        there and is recorded as `rread`: no read-your-writes is expected of it, but
        what it shows must have committed."""
        self.connect, self.seed, self.clients = connect, seed, clients
        self.read_probability, self.table = read_probability, table
        self.connect_reader = connect_reader
        self._stop = threading.Event()

    def setup(self) -> None:
        conn = self.connect()
        try:
            conn.autocommit = True
            conn.execute(f"drop table if exists {self.table}")
            conn.execute(f"create table {self.table} (e bigint primary key)")
        finally:
            conn.close()

    def run(self, duration_s: float) -> History:
        history = History()
        self._stop.clear()
        deadline = time.monotonic() + duration_s
        threads = [threading.Thread(target=self._client, args=(p, history, deadline), daemon=True)
                   for p in range(self.clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(max(0.0, deadline + WORKLOAD_STOP_TIMEOUT_MS / 1000 - time.monotonic()))
        self._stop.set()
        return history

    def stop(self) -> None:
        self._stop.set()

    def final_state(self, conn) -> list[int]:
        conn.autocommit = True
        return [r[0] for r in conn.execute(f"select e from {self.table}").fetchall()]

    def check(self, history: History, final: list[int] | None = None) -> Result:
        return check_set(history, final)

    def _client(self, process: int, history: History, deadline: float) -> None:
        rng = random.Random(f"{self.seed}:{process}")
        conn, rconn, n = None, None, 0
        while time.monotonic() < deadline and not self._stop.is_set():
            if conn is None:
                try:
                    conn = self.connect()
                    conn.autocommit = True
                except Exception:  # noqa: BLE001 - no writer reachable yet
                    conn = None
                    self._stop.wait(WORKLOAD_RECONNECT_BACKOFF_MS / 1000)
                    continue
            if rng.random() < self.read_probability:
                on_replica = self.connect_reader is not None and rng.random() < 0.5
                conn, rconn = self._read(process, history, on_replica, conn, rconn)
                continue
            n += 1
            e = process * 1_000_000_000 + n
            op = history.invoke(process, [("add", e)])
            try:
                conn.execute(f"insert into {self.table} values (%s)", (e,))
                history.ok(op, op.value)
            except Exception as ex:  # noqa: BLE001 - autocommit: the insert is its own commit
                state = getattr(ex, "sqlstate", None) or ""
                if state in NOT_COMMITTED or getattr(ex, "retriable", False):
                    history.fail(op, _describe(ex))
                else:
                    history.info(op, _describe(ex))
                    if self.connect_reader is not None:  # did it land? (what 08007 tells a client to check)
                        conn, rconn = self._read(process, history, True, _drop(conn), rconn)
                        continue
                conn = _drop(conn)
        for c in (conn, rconn):
            if c is not None:
                _drop(c)


    def _read(self, process: int, history: History, on_replica: bool, conn, rconn):
        """One read of the whole set, on the writer's connection or a replica's (rread);
        returns the connections, a failed one dropped."""
        f = "rread" if on_replica else "read"
        op = history.invoke(process, [(f, None)])
        try:
            if on_replica:
                if rconn is None:
                    rconn = self.connect_reader()
                    rconn.autocommit = True
                seen = [r[0] for r in rconn.execute(f"select e from {self.table}").fetchall()]
            else:
                seen = [r[0] for r in conn.execute(f"select e from {self.table}").fetchall()]
            history.ok(op, [(f, seen)])
        except Exception as e:  # noqa: BLE001
            history.fail(op, _describe(e))
            if on_replica:
                rconn = _drop(rconn)
            else:
                conn = _drop(conn)
        return conn, rconn

def _describe(e: Exception) -> str:
    return f"{getattr(e, 'sqlstate', None) or type(e).__name__}: {str(e).strip()[:200]}"


def _drop(conn) -> None:
    try:
        conn.close()
    except Exception:  # noqa: BLE001
        pass
    return None


__all__ = ["SetAdd", "FAIL", "INFO", "OK"]
