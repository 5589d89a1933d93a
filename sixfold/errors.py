"""The Sixfold error hierarchy.

Every error is a `SixfoldError`. Each class says when it is raised, the SQLSTATE a
SQL client will see, the name of the gRPC status a storage node answers with, and whether the
caller may retry the same operation (`retriable`).

Commit outcomes. A commit ends as exactly one of three things:

* durable: the call returns (its CPL). A write quorum (4 of 6) holds every record
  of it and VDL passed it; every later recovery keeps it.
* refused: it raises an error that is *not* a `CommitInDoubt` (for example
  `StaleEpoch`, `VolumeClosed`, `LogAllocationLimit`, `MiniTransactionTooLarge`).
  Nothing of it was allocated or sent, so it can never appear later; retrying is
  safe when the class says `retriable`.
* in doubt: it raises `CommitInDoubt` (SQLSTATE 08007, `CommitTimeout` is one).
  It was sent and may or may not survive recovery. It is never retriable: a client
  that retries a non-idempotent transaction could apply it twice; it must first
  find out (read) whether it took effect. Over the PostgreSQL protocol the
  connection is then closed, as when a connection dies during COMMIT.
"""

from __future__ import annotations

# Between an error's message and its detail in the error's text (one string through
# SQLite's function errors and the workers): the wire sends the part after it as the
# ErrorResponse's DETAIL field, as PostgreSQL's errdetail.
DETAIL_MARK = "\nDETAIL:  "
# After the message (and detail): the ErrorResponse's HINT field, as PostgreSQL's errhint.
HINT_MARK = "\nHINT:  "


class SixfoldError(Exception):
    """Base class. Not raised itself."""

    sqlstate = "XX000"  # internal_error
    grpc_status = "INTERNAL"
    retriable = False


class QuorumUnavailable(SixfoldError):
    """Fewer segments than a quorum answered within the wait bound (writes need
    4 of 6, recovery needs 3 of 6 of every protection group). Retriable once nodes
    return."""

    sqlstate = "08006"  # connection_failure
    grpc_status = "UNAVAILABLE"
    retriable = True


class CommitInDoubt(SixfoldError):
    """A commit was handed to storage and its outcome is unknown: the writer was
    fenced, failed or closed while it was in flight, or it was not acknowledged in
    time (`CommitTimeout`). The next recovery decides whether it survives. Never
    retriable: retrying could apply it twice."""

    sqlstate = "08007"  # transaction_resolution_unknown
    grpc_status = "UNKNOWN"
    retriable = False


class CommitTimeout(CommitInDoubt):
    """A commit was not acknowledged by a write quorum within COMMIT_WAIT_TIMEOUT_MS
    (fewer than four segments are reachable). In doubt: it may still become durable
    when nodes return, or be truncated by the next recovery."""


class LogAllocationLimit(QuorumUnavailable):
    """The writer would allocate an LSN more than LAL above VDL and VDL did not
    advance within LAL_WAIT_TIMEOUT_MS (storage is not keeping up or is down). The
    commit was refused before anything was allocated: retrying is safe."""

    sqlstate = "53400"  # configuration_limit_exceeded


class ReplicationLagExceeded(SixfoldError):
    """Global database with a managed RPO: no secondary region was within the RPO for
    RPO_WAIT_TIMEOUT_MS, so the commit was refused before anything was sent (acknowledging
    it would break the promise to lose at most that much). Retriable once a secondary
    catches up."""

    sqlstate = "53400"  # configuration_limit_exceeded
    grpc_status = "UNAVAILABLE"
    retriable = True


class WritesPaused(SixfoldError):
    """The writer is not taking writes for now: a global switchover is moving the
    primary to another region. Nothing was sent. Retriable (through the global writer
    endpoint, which moves with the primary)."""

    sqlstate = "57P03"  # cannot_connect_now
    grpc_status = "UNAVAILABLE"
    retriable = True


class ReplicaNotReady(SixfoldError):
    """A read replica has no read point yet: it has just started, or follows no writer,
    and has not received the first VDL of a writer's redo stream. It serves no read until
    then (a read at LSN 0 would ask storage for versions long collected). Retriable, as
    PostgreSQL's standby that is not yet consistent."""

    sqlstate = "57P03"  # cannot_connect_now
    grpc_status = "UNAVAILABLE"
    retriable = True


class StaleEpoch(SixfoldError):
    """The request carries a volume epoch older than the segment's: a newer writer
    has recovered the volume. The old writer is fenced and must stop; never retried."""

    sqlstate = "25006"  # read_only_sql_transaction
    grpc_status = "FAILED_PRECONDITION"


class EpochUnknown(SixfoldError):
    """A storage node refused an append at an epoch whose recovery point it does not
    know: the node is behind (new, or its disk was replaced), not ahead. The writer is
    not fenced: its stream reconnects and sends its truncation history again."""

    sqlstate = "08006"
    grpc_status = "UNAVAILABLE"
    retriable = True


class SegmentBehind(SixfoldError):
    """A read asked a segment for a point it does not hold completely yet (its SCL
    is below the read point). The reader tries another segment."""

    sqlstate = "08006"
    grpc_status = "UNAVAILABLE"
    retriable = True


class ReadPointCollected(SixfoldError):
    """A read asked for a page version below the garbage-collection horizon."""

    sqlstate = "72000"  # snapshot_too_old
    grpc_status = "OUT_OF_RANGE"


class ChecksumMismatch(SixfoldError):
    """A record or page read from disk failed its checksum. It is not served; the
    segment repairs it from a peer and the reader tries another segment."""

    sqlstate = "XX001"  # data_corrupted
    grpc_status = "DATA_LOSS"
    retriable = True


class InvalidMessage(SixfoldError):
    """A peer sent something that breaks the protocol (a report for a segment it does
    not hold, two recovery points for one epoch, an acknowledgement beyond what was
    sent). The message is refused; never retried."""

    sqlstate = "08P01"  # protocol_violation
    grpc_status = "INVALID_ARGUMENT"


class InvalidRecord(SixfoldError):
    """A log record that cannot be decoded or violates an invariant (bad length,
    page outside its protection group, payload too large). Never retried."""

    sqlstate = "XX001"
    grpc_status = "INVALID_ARGUMENT"


class MiniTransactionTooLarge(SixfoldError):
    """A mini-transaction has more records than MTR_RECORDS_MAX or than LAL allows."""

    sqlstate = "54000"  # program_limit_exceeded
    grpc_status = "INVALID_ARGUMENT"


class VolumeClosed(SixfoldError):
    """The volume client was closed, or stopped after one of its background tasks
    failed; nothing more is accepted (a commit refused with it was never sent)."""

    sqlstate = "57P01"  # admin_shutdown
    grpc_status = "CANCELLED"


class BackupError(SixfoldError):
    """The backup in the object store cannot serve what was asked: the store is
    unreachable, or the requested point lies outside the restorable window (the
    message names the window). Retriable when the store was unreachable."""

    sqlstate = "58030"  # io_error
    grpc_status = "UNAVAILABLE"


class CorruptBackupObject(BackupError):
    """An object of the backup failed its checksum, could not be parsed, or is missing
    (`key` names it, or the LSN range no object covers). Restoring past it is refused
    unless the caller asks to restore to the latest point before it."""

    def __init__(self, key: str, why: str):
        super().__init__(f"backup object {key}: {why}")
        self.key = key


def error_from_status(status_name: str, details: str) -> SixfoldError:
    """Map a storage node's gRPC status (by name, e.g. "FAILED_PRECONDITION") back to
    the Sixfold error it stands for. Pure: the shells own the grpc import."""
    for cls in (StaleEpoch, ReadPointCollected, ChecksumMismatch, InvalidRecord):
        if cls.grpc_status == status_name:
            return cls(details)
    if status_name in ("UNAVAILABLE", "DEADLINE_EXCEEDED", "CANCELLED"):
        return SegmentBehind(details)
    return SixfoldError(f"{status_name}: {details}")


class SqlError(SixfoldError):
    """An error of the SQL engine (syntax, constraint, missing table, ...). Its SQLSTATE
    is set per instance from what SQLite reported; retriable only for 40001."""

    grpc_status = "INVALID_ARGUMENT"

    def __init__(self, message: str, sqlstate: str = "XX000"):
        super().__init__(message)
        self.sqlstate = sqlstate
        self.retriable = sqlstate in ("40001", "40P01", "55P03")


class WriteLockTimeout(SixfoldError):
    """A write transaction waited WRITE_LOCK_WAIT_TIMEOUT_MS for the writer lock (writes
    are serialized) and gave up. Retry the transaction."""

    sqlstate = "55P03"  # lock_not_available
    grpc_status = "ABORTED"
    retriable = True


class SerializationFailure(SixfoldError):
    """A REPEATABLE READ or SERIALIZABLE transaction cannot go on without breaking its
    isolation level: at its first write, a write transaction had committed after its
    snapshot (any commit, not only one to the same rows: writers are serialized). Roll
    back and retry the whole transaction."""

    sqlstate = "40001"  # serialization_failure
    grpc_status = "ABORTED"
    retriable = True


class ReadOnlyTransaction(SixfoldError):
    """A write was attempted in a read-only transaction."""

    sqlstate = "25006"  # read_only_sql_transaction
    grpc_status = "FAILED_PRECONDITION"
