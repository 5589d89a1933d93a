"""Per-session monotonic reads on replicas: a counter only grows, so no session may
read a smaller value than it read before.

Table `counter(id int primary key, n bigint)`, one row. One writer process increments
it through the writer endpoint; `readers` sessions, each on its own connection through
the reader endpoint (or any replica), read it back to back. Checked by
`sixfold.checkers.set_reads.check_monotonic`: no session goes back, none reads a value
never written.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from sixfold.checkers.set_reads import Result, check_monotonic
from sixfold.constants import WORKLOAD_RECONNECT_BACKOFF_MS, WORKLOAD_STOP_TIMEOUT_MS
from sixfold.workloads.base import History, Workload

WRITER_PROCESS = 1_000  # the incrementing client's process number in the history


class MonotonicReads(Workload):
    name = "monotonic-reads"

    def __init__(self, connect_writer: Callable[[], object], connect_reader: Callable[[], object], seed: int,
                 readers: int = 3):
        self.connect_writer, self.connect_reader = connect_writer, connect_reader
        self.seed, self.readers = seed, readers
        self.written_max = 0  # the highest value an increment may have set (acknowledged or not)
        self._stop = threading.Event()

    def setup(self) -> None:
        conn = self.connect_writer()
        try:
            conn.autocommit = True
            conn.execute("drop table if exists counter")
            conn.execute("create table counter (id integer primary key, n bigint not null)")
            conn.execute("insert into counter values (1, 0)")
        finally:
            conn.close()

    def run(self, duration_s: float) -> History:
        history = History()
        self._stop.clear()
        deadline = time.monotonic() + duration_s
        threads = [threading.Thread(target=self._writer, args=(history, deadline), daemon=True)]
        threads += [threading.Thread(target=self._reader, args=(p, history, deadline), daemon=True)
                    for p in range(self.readers)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(max(0.0, deadline + WORKLOAD_STOP_TIMEOUT_MS / 1000 - time.monotonic()))
        self._stop.set()
        return history

    def stop(self) -> None:
        self._stop.set()

    def check(self, history: History) -> Result:
        return check_monotonic(history, self.written_max)

    def _writer(self, history: History, deadline: float) -> None:
        conn = None
        while time.monotonic() < deadline and not self._stop.is_set():
            if conn is None:
                conn = self._open(self.connect_writer)
                continue
            op = history.invoke(WRITER_PROCESS, [("inc", None)])
            self.written_max += 1
            try:
                n = conn.execute("update counter set n = n + 1 where id = 1 returning n").fetchone()[0]
                history.ok(op, [("inc", n)])
            except Exception as e:  # noqa: BLE001 - in doubt or refused: the reads decide nothing about it
                history.info(op, str(e)[:200])
                conn = _drop(conn)

    def _reader(self, process: int, history: History, deadline: float) -> None:
        """One session: one connection for as long as it lives (a new connection is a new session)."""
        conn = None
        session = process
        while time.monotonic() < deadline and not self._stop.is_set():
            if conn is None:
                conn = self._open(self.connect_reader)
                session += self.readers  # a reconnect starts a new session
                continue
            op = history.invoke(session, [("read", None)])
            try:
                n = conn.execute("select n from counter where id = 1").fetchone()[0]
                history.ok(op, [("read", n)])
            except Exception as e:  # noqa: BLE001
                history.fail(op, str(e)[:200])
                conn = _drop(conn)

    def _open(self, connect):
        try:
            conn = connect()
            conn.autocommit = True
            return conn
        except Exception:  # noqa: BLE001 - nobody reachable yet
            self._stop.wait(WORKLOAD_RECONNECT_BACKOFF_MS / 1000)
            return None


def _drop(conn):
    try:
        conn.close()
    except Exception:  # noqa: BLE001
        pass
    return None
