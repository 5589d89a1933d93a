"""The bank workload: transfers between a few accounts, reads of the total.

Tables `bank(id int primary key, balance int)` (`accounts` rows of `initial_balance`)
and `transfers(tid bigint primary key, src int, dst int, amount int)` (with a prefix
when several banks share a database). A transfer is
one transaction: debit (only if the balance covers it), credit, and a row in
`transfers` naming it, so the final state says exactly which transfers committed. A
read is one statement: the sum and the smallest balance.

`clients` threads run transfers and reads back to back through connections from
`connect()` (a plain URI through an endpoint, or the failover-aware driver), and
reconnect when a connection fails. Outcomes:

* ok: COMMIT succeeded (a read: the statement answered);
* fail: it certainly did not commit: an error before COMMIT (nothing commits without
  it), 40001/55P03, a refusal (25006: the writer was fenced or this is a replica), or
  the driver's retriable failover error;
* info: the outcome is unknown: the connection failed during COMMIT, 08007, or the
  driver's in-doubt error.

    wl = Bank(lambda: psycopg.connect(uri), seed=1)
    wl.setup(); history = wl.run(30); wl.check(history, *wl.final_state(connect()))

The checker (`sixfold/checkers/bank.py`) needs the final state, read after the run.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable

from sixfold.checkers.bank import BankResult, check_bank
from sixfold.constants import WORKLOAD_RECONNECT_BACKOFF_MS, WORKLOAD_STOP_TIMEOUT_MS
from sixfold.workloads.base import FAIL, INFO, OK, History, Op, Workload

# Errors that say a transaction certainly did not commit (the client may retry it).
NOT_COMMITTED = ("40001", "40P01", "55P03", "25006", "57P01", "57P03")


class Bank(Workload):
    name = "bank"

    def __init__(self, connect: Callable[[], object], seed: int, clients: int = 4, accounts: int = 10,
                 initial_balance: int = 100, read_probability: float = 0.3, amount_max: int = 10,
                 prefix: str = ""):
        """`prefix` names the tables (`{prefix}bank`, `{prefix}transfers`), so several banks
        can share a database."""
        self.connect = connect
        self.bank, self.transfers = f"{prefix}bank", f"{prefix}transfers"
        self.seed = seed
        self.clients = clients
        self.accounts = accounts
        self.initial_balance = initial_balance
        self.read_probability = read_probability
        self.amount_max = amount_max
        self._stop = threading.Event()
        self.commit_times: list[float] = []  # monotonic time of every acknowledged transfer (for RTO)
        # ... and when each of them began: a transfer begun after a writer died was
        # committed by another one (an ack read just after a kill may be the dead one's).
        self.commit_begins: list[float] = []
        self._lock = threading.Lock()

    # --- Workload ------------------------------------------------------------------------
    def setup(self) -> None:
        conn = self.connect()
        try:
            conn.autocommit = True
            conn.execute(f"drop table if exists {self.bank}")
            conn.execute(f"drop table if exists {self.transfers}")
            conn.execute(f"create table {self.bank} (id integer primary key, balance integer not null)")
            conn.execute(f"create table {self.transfers} (tid bigint primary key, src integer, dst integer, "
                         "amount integer)")
            with conn.transaction():
                for a in range(self.accounts):
                    conn.execute(f"insert into {self.bank} values (%s, %s)", (a, self.initial_balance))
        finally:
            conn.close()

    def run(self, duration_s: float) -> History:
        history = History()
        self._stop.clear()
        deadline = time.monotonic() + duration_s
        threads = [threading.Thread(target=self._client, args=(p, history, deadline), name=f"bank-{p}", daemon=True)
                   for p in range(self.clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(max(0.0, deadline + WORKLOAD_STOP_TIMEOUT_MS / 1000 - time.monotonic()))
        self._stop.set()
        return history

    def stop(self) -> None:
        self._stop.set()

    def final_state(self, conn) -> tuple[list[tuple[int, int, int, int]], dict[int, int]]:
        """(transfers, balances) as the database holds them now."""
        conn.autocommit = True
        transfers = [tuple(r) for r in conn.execute(f"select tid, src, dst, amount from {self.transfers}").fetchall()]
        balances = {a: b for a, b in conn.execute(f"select id, balance from {self.bank}").fetchall()}
        return transfers, balances

    def check(self, history: History, final_transfers=None, final_balances=None) -> BankResult:
        return check_bank(history, self.accounts, self.initial_balance, final_transfers, final_balances)

    # --- one client --------------------------------------------------------------------
    def _client(self, process: int, history: History, deadline: float) -> None:
        rng = random.Random(f"{self.seed}:{process}")
        conn = None
        n = 0
        try:
            while time.monotonic() < deadline and not self._stop.is_set():
                if conn is None or getattr(conn, "closed", False):
                    try:
                        conn = self.connect()
                        conn.autocommit = False
                    except Exception:  # noqa: BLE001 - no writer reachable yet: try again
                        conn = None
                        self._stop.wait(WORKLOAD_RECONNECT_BACKOFF_MS / 1000)
                        continue
                n += 1
                if rng.random() < self.read_probability:
                    op = history.invoke(process, [("read", None, None)])
                    outcome = self._read(conn, history, op)
                else:
                    a, b = rng.sample(range(self.accounts), 2)
                    amount = rng.randint(1, self.amount_max)
                    op = history.invoke(process, [("transfer", a, b, amount, process * 1_000_000_000 + n)])
                    outcome = self._transfer(conn, history, op)
                if outcome != OK and (getattr(conn, "broken", False) or getattr(conn, "closed", False)):
                    _close(conn)
                    conn = None
        finally:
            if conn is not None:
                _close(conn)

    def _read(self, conn, history: History, op: Op) -> str:
        try:
            conn.autocommit = True
            total, low = conn.execute(f"select sum(balance), min(balance) from {self.bank}").fetchone()
        except Exception as e:  # noqa: BLE001 - recorded, then the client reconnects if needed
            history.fail(op, _describe(e))
            return FAIL
        finally:
            _quietly(lambda: setattr(conn, "autocommit", False))
        history.ok(op, [("read", total, low)])
        return OK

    def _transfer(self, conn, history: History, op: Op) -> str:
        _f, a, b, amount, tid = op.value[0]
        try:
            cur = conn.execute(f"update {self.bank} set balance = balance - %s where id = %s and balance >= %s",
                               (amount, a, amount))
            if cur.rowcount != 1:
                conn.rollback()
                history.fail(op, "insufficient funds")
                return FAIL
            conn.execute(f"update {self.bank} set balance = balance + %s where id = %s", (amount, b))
            conn.execute(f"insert into {self.transfers} values (%s, %s, %s, %s)", (tid, a, b, amount))
        except Exception as e:  # noqa: BLE001 - before COMMIT nothing commits
            _quietly(conn.rollback)
            history.fail(op, _describe(e))
            return FAIL
        try:
            conn.commit()
        except Exception as e:  # noqa: BLE001 - at COMMIT: refused, or unknown
            state = _state(e)
            if state in NOT_COMMITTED or getattr(e, "retriable", False):
                history.fail(op, _describe(e))
                return FAIL
            history.info(op, _describe(e))
            return INFO
        with self._lock:
            self.commit_times.append(time.monotonic())
            self.commit_begins.append(history.t0 + op.start)
        history.ok(op, op.value)
        return OK


def _state(e: Exception) -> str:
    return getattr(e, "sqlstate", None) or ""


def _describe(e: Exception) -> str:
    text = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
    return f"{_state(e) or type(e).__name__}: {text}"


def _quietly(fn) -> None:
    try:
        fn()
    except Exception:  # noqa: BLE001 - the connection is gone; the client reconnects
        pass


def _close(conn) -> None:
    _quietly(conn.close)
