"""The list-append workload over psycopg 3: the input of the isolation checker.

Table `la(k int primary key, v text, pad text)`: each key holds a comma-separated list. A
transaction is 1 to `ops_per_txn_max` micro-operations on keys drawn from a small
set of active keys:

* append: ``INSERT INTO la VALUES (k, e) ON CONFLICT (k) DO UPDATE SET v = la.v || ',' || EXCLUDED.v``
  with an element e unique to its key;
* read: ``SELECT v FROM la WHERE k = %s``.

A key retires after `appends_per_key_max` appends and a fresh key takes its place,
so lists stay short and reads cheap while every key's whole history stays visible.
With `row_pad_bytes`, each row also carries that many bytes of padding (written when
the row is created), so that rows spread over many pages instead of sharing one.

`clients` threads each run transactions back to back at the isolation level given
(psycopg opens them with ``BEGIN ISOLATION LEVEL ...``) until the run's end. With
`reader_uri`, `reader_clients` more threads run read-only transactions there (a read
replica, or the reader endpoint): each must read one snapshot, an older one being
allowed (a replica lags), never a mix of two. Outcomes:

* ok: COMMIT succeeded;
* fail: an error before COMMIT (the server aborts the transaction), or 40001 / 40P01
  at COMMIT. A 40001 is retried (up to `retries_max` times) as a new transaction on
  the same keys with new elements;
* info: the connection was lost, or COMMIT failed otherwise (08007 and the like):
  the transaction may have committed. The client reconnects.

    wl = ListAppend(uri, seed=7, isolation="repeatable read")
    wl.setup()
    history = wl.run(10.0)
    result = wl.check(history)
    assert result.valid, result.render()

Seeded: each client's choices come from `random.Random(f"{seed}:{client}")`; what
the interleaving does with them is up to the database.
"""

from __future__ import annotations

import random
import threading
import time
from collections import Counter

from sixfold.checkers.anomalies import FORBIDDEN_BY_LEVEL, CheckResult
from sixfold.checkers.list_append import check as check_list_append
from sixfold.constants import (
    WORKLOAD_CONNECT_TIMEOUT_MS, WORKLOAD_RECONNECT_BACKOFF_MS, WORKLOAD_RETRIES_MAX, WORKLOAD_STATEMENT_TIMEOUT_MS,
    WORKLOAD_STOP_TIMEOUT_MS,
)
from sixfold.workloads.base import FAIL, INFO, OK, History, MicroOp, Op, Workload

LEVELS = ("read committed", "repeatable read", "serializable")
SERIALIZATION_FAILURE = "40001"


class _Keys:
    """The active keys and each key's next element (thread-safe; shared by the clients)."""

    def __init__(self, active: int, appends_max: int):
        self.active = list(range(active))
        self.next_key = active
        self.appends_max = appends_max
        self.count: Counter[int] = Counter()
        self._lock = threading.Lock()

    def pick(self, rng: random.Random) -> int:
        with self._lock:
            return rng.choice(self.active)

    def element(self, k: int) -> int:
        """A new element for key k (1, 2, ...); the key retires after its last one."""
        with self._lock:
            self.count[k] += 1
            n = self.count[k]
            if n >= self.appends_max and k in self.active:
                self.active[self.active.index(k)] = self.next_key
                self.next_key += 1
            return n


class ListAppend(Workload):
    name = "list-append"

    def __init__(self, uri: str, seed: int, clients: int = 4, isolation: str = "repeatable read",
                 active_keys: int = 8, appends_per_key_max: int = 16, ops_per_txn_max: int = 4,
                 read_probability: float = 0.5, retries_max: int = WORKLOAD_RETRIES_MAX, table: str = "la",
                 row_pad_bytes: int = 0, reader_uri: str | None = None, reader_clients: int = 0,
                 write_concurrency: str = "serial"):
        """`write_concurrency`: the writer clients' sixfold.write_concurrency; optimistic
        transactions are serializable whatever `isolation` says, and are checked so."""
        if isolation not in LEVELS:
            raise ValueError(f"isolation must be one of {LEVELS}, not {isolation!r}")
        if reader_clients and reader_uri is None:
            raise ValueError("reader_clients needs a reader_uri")
        self.uri = uri
        self.reader_uri = reader_uri
        self.reader_clients = reader_clients
        self.seed = seed
        self.clients = clients
        self.isolation = isolation
        self.active_keys = active_keys
        self.appends_per_key_max = appends_per_key_max
        self.ops_per_txn_max = ops_per_txn_max
        self.read_probability = read_probability
        self.retries_max = retries_max
        self.table = table
        self.row_pad_bytes = row_pad_bytes
        self.write_concurrency = write_concurrency
        self._stop = threading.Event()

    # --- Workload ------------------------------------------------------------------------
    def setup(self) -> None:
        """A fresh, empty table (elements must be unique over the whole history)."""
        with self._connect() as conn:
            conn.execute(f"drop table if exists {self.table}")
            conn.execute(f"create table {self.table} (k integer primary key, v text, pad text)")

    def run(self, duration_s: float, ok_min: int = 0, duration_max_s: float | None = None) -> History:
        """Run for `duration_s`, and on after it until `ok_min` transactions committed or
        `duration_max_s` passed (a slow machine still checks a history of that size)."""
        history = History()
        keys = _Keys(self.active_keys, self.appends_per_key_max)
        start = time.monotonic()
        soft_deadline = start + duration_s
        deadline = start + max(duration_s, duration_max_s or duration_s)
        self._stop.clear()
        threads = [threading.Thread(target=self._client, args=(p, history, keys, deadline, soft_deadline, ok_min),
                                    name=f"list-append-{p}", daemon=True)
                   for p in range(self.clients + self.reader_clients)]
        for t in threads:
            t.start()
        join_by = deadline + WORKLOAD_STOP_TIMEOUT_MS / 1000
        for t in threads:
            t.join(max(0.0, join_by - time.monotonic()))
        self._stop.set()  # a client still stuck leaves its op invoked: an unknown outcome
        return history

    def stop(self) -> None:
        """End the run early (clients finish the transaction they are in)."""
        self._stop.set()

    def check(self, history: History) -> CheckResult:
        level = "serializable" if self.write_concurrency == "optimistic" else self.isolation
        return check_list_append(history, FORBIDDEN_BY_LEVEL[level])

    def metrics(self, history: History) -> dict[str, float]:
        """Outcome counts, the serialization-failure rate (40001 per attempted
        transaction), errors by SQLSTATE and commit latency percentiles."""
        out = super().metrics(history)
        done = [op for op in history.ops if op.type in (OK, FAIL, INFO)]
        states = Counter((op.error or "").split(":", 1)[0] for op in done if op.error)
        out["serialization_failures"] = states.get(SERIALIZATION_FAILURE, 0)
        out["serialization_failure_rate"] = states.get(SERIALIZATION_FAILURE, 0) / len(done) if done else 0.0
        for state, n in sorted(states.items()):
            out[f"errors_{state}"] = n
        lat = sorted((op.end - op.start) * 1000 for op in done if op.type == OK and op.end is not None)
        if lat:
            out["ok_ms_p50"] = lat[len(lat) // 2]
            out["ok_ms_p99"] = lat[min(len(lat) - 1, int(len(lat) * 0.99))]
        return out

    # --- one client --------------------------------------------------------------------
    def _connect(self, autocommit: bool = True, uri: str | None = None):
        import psycopg

        conn = psycopg.connect(uri or self.uri, autocommit=True,
                               connect_timeout=max(1, WORKLOAD_CONNECT_TIMEOUT_MS // 1000))
        conn.execute(f"set statement_timeout = {WORKLOAD_STATEMENT_TIMEOUT_MS}")
        if self.write_concurrency != "serial" and (uri or self.uri) == self.uri:
            conn.execute(f"set sixfold.write_concurrency = {self.write_concurrency}")
        if not autocommit:
            conn.autocommit = False
            conn.isolation_level = getattr(psycopg.IsolationLevel, self.isolation.upper().replace(" ", "_"))
        return conn

    def _plan(self, rng: random.Random, keys: _Keys, reads_only: bool = False) -> list[tuple[str, int]]:
        if reads_only:  # enough reads for a mixed snapshot to show
            return [("r", keys.pick(rng)) for _ in range(rng.randint(2, 2 * self.ops_per_txn_max))]
        n = rng.randint(1, self.ops_per_txn_max)
        return [("r" if rng.random() < self.read_probability else "append", keys.pick(rng)) for _ in range(n)]

    def _client(self, process: int, history: History, keys: _Keys, deadline: float, soft_deadline: float,
                ok_min: int) -> None:
        import psycopg

        rng = random.Random(f"{self.seed}:{process}")
        reader = process >= self.clients  # read-only transactions on the reader URI
        uri = self.reader_uri if reader else self.uri
        conn = None
        retry: tuple[list[tuple[str, int]], int] | None = None  # (plan, attempts so far)
        try:
            while time.monotonic() < deadline and not self._stop.is_set():
                if time.monotonic() >= soft_deadline and history.ok_count >= ok_min:
                    break
                if conn is None or conn.closed:
                    try:
                        conn = self._connect(autocommit=False, uri=uri)
                    except psycopg.Error:
                        self._stop.wait(WORKLOAD_RECONNECT_BACKOFF_MS / 1000)
                        continue
                plan, attempt = retry if retry is not None else (self._plan(rng, keys, reader), 0)
                retry = None
                value: list[MicroOp] = [(f, k, keys.element(k) if f == "append" else None) for f, k in plan]
                op = history.invoke(process, value)
                outcome = self._transaction(conn, history, op)
                if outcome == FAIL and (op.error or "").startswith(SERIALIZATION_FAILURE) \
                        and attempt < self.retries_max:
                    retry = (plan, attempt + 1)
                if outcome == INFO:
                    conn.close()
        finally:
            if conn is not None:
                conn.close()

    def _transaction(self, conn, history: History, op: Op) -> str:
        """Run one transaction and record its outcome in the history."""
        import psycopg

        t = self.table
        append_sql = (f"insert into {t} (k, v, pad) values (%s, %s, %s) "
                      f"on conflict (k) do update set v = {t}.v || ',' || excluded.v")
        pad = "x" * self.row_pad_bytes
        read_sql = f"select v from {t} where k = %s"
        done: list[MicroOp] = []
        try:
            with conn.cursor() as cur:
                for f, k, v in op.value:
                    if f == "append":
                        cur.execute(append_sql, (k, str(v), pad))
                        done.append((f, k, v))
                    else:
                        cur.execute(read_sql, (k,))
                        row = cur.fetchone()
                        done.append((f, k, [] if row is None or row[0] is None
                                     else [int(x) for x in row[0].split(",")]))
        except psycopg.Error as e:
            if conn.broken or conn.closed:
                history.info(op, _describe(e))
                return INFO
            history.fail(op, _describe(e))
            try:
                conn.rollback()
            except psycopg.Error:
                conn.close()
            return FAIL
        try:
            conn.commit()
        except psycopg.Error as e:
            state = e.sqlstate or ""
            if state.startswith("40") and not conn.broken:
                history.fail(op, _describe(e))
                return FAIL
            history.info(op, _describe(e))
            return INFO
        history.ok(op, done)
        return OK


def _describe(e: Exception) -> str:
    state = getattr(e, "sqlstate", None) or "connection"
    return f"{state}: {str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__}"
