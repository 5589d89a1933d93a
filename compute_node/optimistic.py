"""Optimistic write transactions: a session's writes off the write lock, replayed at COMMIT.

The writer has one SQLite connection, so write transactions take turns on the compute
node's write lock. A serial write transaction (the default) holds it from its first write
to its COMMIT, across every round trip its client makes in between; at a few clients the
clients mostly wait for each other (docs/2026-12-03-commit-path-profile.md).

With `sixfold.write_concurrency = optimistic`, a transaction's first statement opens
instead a private copy of the volume at the newest durable state (the session's scratch
connection: vfs.ScratchFile, its writes kept in memory). Its statements, reads and writes,
run there, and the session keeps a `WriteLog`: each statement, its parameters and what it
answered (rows and their description, the count of changed rows, or the SQLSTATE of its
error). At COMMIT, if it wrote anything, the session takes the write lock, runs the log
again on the writer (the newest state: every commit shipped before it) and compares every
answer with the one the client got. All equal: the transaction commits, and it is exactly
as if it had run whole at that moment, under the lock - each answer the client saw is that
run's answer, and what it writes is that run's writes. Optimistic transactions are
therefore serializable, at any isolation level asked for. Any difference (another
transaction changed what it read, a row it inserts now collides): nothing of it is
written, and COMMIT fails with 40001 (roll back and retry, as with any serialization
failure). The lock is held for the replay alone, a few statements' worth of SQLite work,
instead of across the client's round trips. A transaction that only read commits without
a replay: it read one consistent snapshot.

Statements the log cannot replay faithfully end the optimism: the session takes the write
lock there, replays the log (the same comparison; a difference is 40001) and goes on as a
serial transaction. These are statements whose answer or effect is not a function of the
database alone (random(), UUID generators, clock_timestamp(), pg_sleep, NOTIFY, advisory
locks, txid_current), schema changes, savepoints, locking reads, COPY, and a log past
OPTIMISTIC_LOG_STATEMENTS_MAX statements or OPTIMISTIC_LOG_ROWS_MAX result rows (the log
keeps every answer until COMMIT). A transaction whose first statement is one of those
is serial from the start. Pure: the engine (engine.Session) owns the connections
and the lock.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from sixfold.constants import OPTIMISTIC_LOG_ROWS_MAX, OPTIMISTIC_LOG_STATEMENTS_MAX

# Statements a log may hold: reads and row changes (their SQLite text, as translated).
_REPLAYABLE = re.compile(r"^\s*(?:select|insert|update|delete|with|values|replace)\b", re.I)
# Functions whose answer or effect depends on something besides the database: a replay
# would answer differently (a spurious 40001) or act twice.
_NOT_A_FUNCTION_OF_THE_DATA = re.compile(
    r"random|uuid|clock_timestamp|timeofday|pg_sleep|notify|advisory|txid|xact_id|_backend\b", re.I)
MODES = ("serial", "optimistic")


def replayable(stmt: str) -> bool:
    """Whether `stmt` (SQLite text) may run in an optimistic transaction: a read or a
    row change whose outcome is a function of the database and its parameters."""
    return _REPLAYABLE.match(stmt) is not None and _NOT_A_FUNCTION_OF_THE_DATA.search(stmt) is None


@dataclass(frozen=True)
class Outcome:
    """What a statement answered: its result, or the SQLSTATE it failed with."""

    columns: tuple = ()
    decltypes: tuple = ()
    rows: tuple = ()
    rowcount: int = -1
    command: str = ""
    sqlstate: str | None = None  # set: it failed

    def same_as(self, other: "Outcome") -> bool:
        """Equal answers, value for value and type for type (1 and 1.0 differ; a NaN
        equals a NaN: a replay that reads the same NaN answers the same)."""
        if (self.columns, self.decltypes, self.rowcount, self.command, self.sqlstate) != \
                (other.columns, other.decltypes, other.rowcount, other.command, other.sqlstate):
            return False
        return len(self.rows) == len(other.rows) and all(
            len(a) == len(b) and all(map(_same_value, a, b)) for a, b in zip(self.rows, other.rows))


def _same_value(x, y) -> bool:
    return type(x) is type(y) and (x == y or (isinstance(x, float) and math.isnan(x) and math.isnan(y)))


def answered(result) -> Outcome:
    """The outcome of a statement that ran (`result`: an engine Result)."""
    return Outcome(tuple(result.columns), tuple(result.decltypes), tuple(result.rows), result.rowcount,
                   result.command)  # (rows are SQLite's tuples already)


def failed(err: BaseException) -> Outcome:
    """The outcome of a statement that failed with `err`."""
    return Outcome(sqlstate=getattr(err, "sqlstate", None) or type(err).__name__)


@dataclass
class WriteLog:
    """The statements of one optimistic transaction, in order, with their outcomes.
    `schema_epoch`: the compute node's schema epoch when the transaction began; a replay
    under another epoch is refused (the statements were translated for that schema)."""

    schema_epoch: object
    changes_at_start: int = 0  # the scratch connection's total_changes() then (none since: it only read)
    entries: list[tuple[str, object, Outcome]] = field(default_factory=list)
    rows: int = 0  # result rows the entries hold

    @property
    def full(self) -> bool:
        """No room for another statement: the transaction goes serial before it runs."""
        return len(self.entries) >= OPTIMISTIC_LOG_STATEMENTS_MAX or self.rows >= OPTIMISTIC_LOG_ROWS_MAX

    def record(self, stmt: str, params, outcome: Outcome) -> None:
        assert not self.full, "a full log goes serial before its next statement"
        self.entries.append((stmt, params, outcome))
        self.rows += len(outcome.rows)


def difference(stmt: str, seen: Outcome, now: Outcome) -> str:
    """Why a replayed statement's outcome is not the one its client saw (for 40001's
    message)."""
    what = " ".join(stmt.split())[:80]
    if seen.sqlstate != now.sqlstate:
        was = f"failed with {seen.sqlstate}" if seen.sqlstate else "succeeded"
        is_ = f"fails with {now.sqlstate}" if now.sqlstate else "succeeds"
        return f"statement {what!r} {was} in the transaction and {is_} at its commit"
    return f"statement {what!r} answers differently at the transaction's commit than it did in the transaction"
