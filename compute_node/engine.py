"""The compute node's SQL engine: SQLite over the Sixfold volume.

    node = ComputeNode(spec).start()     # recovers the volume: fences any older writer
    s = node.session()
    s.execute("create table t(a integer primary key, b text)")
    s.execute("insert into t values (?, ?)", (1, "x"))
    print(s.execute("select * from t").rows)

Routing. One writer connection serves every write, under a write lock (writes are
serialized; waiting longer than WRITE_LOCK_WAIT_TIMEOUT_MS fails with 55P03, which
is retriable). The lock is released as soon as the commit's redo is handed to the
volume client; the session then waits for VDL to pass its CPL, while the next write
transaction already runs (group commit). Each session also has a reader connection:
an autocommit statement runs there first, at a fresh read point; if it turns out to
write, it is run again on the writer. `BEGIN READ ONLY` keeps one read point for the
whole transaction.

A plain `BEGIN` takes the write lock only at the transaction's first write (until
then it is "pending": its reads run on the reader), so an idle transaction that only
read blocks nobody. A SELECT ... FOR UPDATE / FOR SHARE counts as a write there: it
takes the lock and reads on the writer, so a second locker waits for the first one's
commit and reads what it wrote (PostgreSQL's row lock, table-wide here). Isolation
(docs/2026-12-02-isolation.md): READ COMMITTED (the default) reads at a fresh read
point per statement until the first write, then on the writer, which sees everything
committed. REPEATABLE READ (snapshot isolation) and SERIALIZABLE read at one read
point R, pinned by the first read after VDL has reached the last commit already
shipped (bounded wait). At the first write, with the write
lock held: if a write transaction shipped a commit above R, 40001 (retriable);
otherwise the writer's state is exactly R, and the transaction goes on there with its
own writes and nobody else's. Writers being serialized, that makes SERIALIZABLE
serializable too. `BEGIN IMMEDIATE` / `EXCLUSIVE` take the lock at once.

Optimistic transactions (`write_concurrency = "optimistic"`, optimistic.py) run instead
on the session's scratch copy of the volume, off the lock, and are replayed on the
writer, under the lock, at COMMIT: they commit if every statement answers as it did,
else fail with 40001.

Session methods block (SQLite is synchronous): call them from worker threads, never
from the event loop that runs the volume client (the node runs its own).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import itertools
import logging
import re
import threading
import time
from dataclasses import dataclass, field

import apsw

from compute_node import activity, advisory_locks, notifications, optimistic
from compute_node.activity import Activity
from compute_node.advisory_locks import AdvisoryLocks
from compute_node.buffer_cache import BufferCache
from compute_node.notifications import NotificationHub
from compute_node.page_reads import read_many
from compute_node.pg_sql.functions import reset_fixup_depth
from compute_node.pg_sql.statement import LOCKING_READ_MARK, LOCKING_READ_NOWAIT_MARK
from compute_node.read_points import ReadPoints
from compute_node.redo_stream import RedoRing
from compute_node.replica import ReplicaVolume
from compute_node.sql_errors import (drop_column_error, failing_row_error, foreign_key_error, sql_error,
                                    unique_key_error, update_column_error)
from compute_node.vfs import READER_FILE_PREFIX, SCRATCH_FILE_PREFIX, WRITER_FILE, VolumeAccess, VolumeVFS
from compute_node.volume_client import VolumeClient
from sixfold import sabotage
from sixfold.constants import (
    BUFFER_CACHE_BYTES_MAX, GROUP_COMMIT_WAIT_MS, SNAPSHOT_WAIT_TIMEOUT_MS, SQL_BUSY_TIMEOUT_MS,
    VOLUME_CALL_TIMEOUT_MS, WRITE_LOCK_WAIT_TIMEOUT_MS,
)
from sixfold.errors import (
    CommitInDoubt, ReadOnlyTransaction, SerializationFailure, SixfoldError, SqlError, WriteLockTimeout,
)
from sixfold.spec import ClusterSpec

log = logging.getLogger("sixfold.compute.engine")
_ids = itertools.count(1)


@dataclass
class Result:
    """What one statement produced."""

    columns: list[str] = field(default_factory=list)
    decltypes: list[str | None] = field(default_factory=list)  # declared column types, when known
    rows: list[tuple] = field(default_factory=list)
    rowcount: int = -1  # rows changed by INSERT/UPDATE/DELETE
    command: str = ""  # first keyword, upper case: SELECT, INSERT, BEGIN, ...
    commit_lsn: int | None = None  # CPL of the mini-transaction a commit shipped


_UNCHECKED_REPLAY = sabotage.active("unchecked-replay")  # a planted bug, for the chaos harness only
_TXN = re.compile(r"^\s*(begin|start\s+transaction|commit|end|rollback|abort)\b(.*)$", re.I | re.S)
_ISOLATION = re.compile(r"\bisolation\s+level\s+(serializable|repeatable\s+read|read\s+committed|"
                        r"read\s+uncommitted)\b", re.I)
_EAGER = re.compile(r"^\s*(immediate|exclusive)\b", re.I)
_READS_FIRST = re.compile(r"^\s*(select|with|values)\b", re.I)  # may run on the reader while pending
SNAPSHOT_LEVELS = ("repeatable read", "serializable")
_READ_ONLY = re.compile(r"\bread\s+only\b", re.I)
_TO_SAVEPOINT = re.compile(r"^\s*(transaction\s+)?to\b", re.I)
_SAVEPOINT = re.compile(r"^\s*savepoint\b", re.I)
# Schema changes go straight to the writer: tried on a reader, SQLite would check them
# against the reader's cached schema, which can predate the session's own last change
# (CREATE INDEX t_pkey after a DROP TABLE t and a CREATE TABLE t in one transaction:
# "index t_pkey already exists").
_SCHEMA_CHANGE = re.compile(r"^\s*(create|drop|alter)\b", re.I)
_ROLLBACK = re.compile(r"^\s*rollback\b", re.I)  # (ROLLBACK TO a savepoint reaches _run)
# SQLite statements that change the schema (Sixfold edits sqlite_master for some DDL).
_SCHEMA_EDIT = re.compile(r"^\s*(create|drop|alter|pragma\s+(writable_schema|schema_version)\b)", re.I)


def split_statements(sql: str) -> list[str]:
    """Complete SQL statements in `sql`, in order (quotes and comments respected)."""
    out, start = [], 0
    for i, ch in enumerate(sql):
        if ch == ";" and apsw.complete(sql[start : i + 1]):
            stmt = sql[start : i + 1].strip()
            if stmt.rstrip(";").strip():
                out.append(stmt)
            start = i + 1
    rest = sql[start:].strip()
    if rest:
        out.append(rest)
    return out


class ComputeNode:
    """One compute instance: the writer, or a read replica (same volume, no copy of
    the data) that a promotion turns into the writer."""

    def __init__(self, spec: ClusterSpec, volume: str | None = None, cache_bytes: int = BUFFER_CACHE_BYTES_MAX,
                 writer_id: str | None = None, connection_hook=None, on_writer_failure=None,
                 role: str = "writer", follow=None):
        """`role` "writer" recovers the volume and takes writes; "replica" follows the
        writer that `follow()` names ((name, admin address) or None while unknown)."""
        assert role in ("writer", "replica"), role
        self.spec = spec
        # Called (on the volume client's loop) if the writer stops after one of its
        # background tasks failed; the compute node process exits then.
        self.on_writer_failure = on_writer_failure
        # Called with every SQLite connection the node opens (SQL functions, collations).
        self.connection_hook = connection_hook
        self.volume = volume or spec.volume
        self.writer_id = writer_id
        self.role = role  # "writer" | "replica" | "promoting"
        # The VDL this instance opened at as the writer (recovery's): commits up to it are
        # earlier writers', which its snapshot checks cannot see one by one.
        self.writer_opened_vdl = 0
        self.follow = follow
        self.cache = BufferCache(cache_bytes)
        self.read_points = ReadPoints()
        self.vc: VolumeClient | None = None  # the writer's volume client
        self.replica: ReplicaVolume | None = None  # a replica's view
        self.storage = None  # whichever of the two serves reads now
        self._follow_task: asyncio.Task | None = None  # a replica's follow loop, on the volume loop
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self.write_lock = threading.Lock()
        self.advisory = AdvisoryLocks()
        self.notifications = NotificationHub()
        self.activity = Activity()
        # Tokens of the sessions open here that may own temporary tables
        # (pgwire/temp_tables.py); the first session on the writer drops other tokens'.
        self.temp_table_tokens: set[str] = set()
        self.temp_tables_swept = False
        self._schema_epoch = 0  # see schema_epoch
        self.schema_touched = False  # the write lock's holder ran SQL that edits the schema
        self._xact_ids = 0  # txid_current()'s last, within this writer's epoch
        self._xact_ids_lock = threading.Lock()
        # Moves when a transaction's schema changes are rolled back: SQLite's schema version
        # goes back then, and the next change reuses its numbers for another schema, so
        # what is cached by schema version is cached by (generation, version).
        self.schema_generation = 0
        self._waiting_lock = threading.Lock()
        self.write_lock_waiters = 0  # sessions blocked in acquire_write_lock (group commit asks)
        # Sessions in an optimistic write transaction (group commit asks whether one of them
        # ran a statement lately: then its commit is likely near).
        self.optimistic_sessions: set[Session] = set()
        self.vfs_name = f"sixfold-{next(_ids)}"
        self.vfs: VolumeVFS | None = None
        self.writer: apsw.Connection | None = None
        self.stats = {"commits": 0, "write_lock_wait_ms": 0.0, "serialization_failures": 0, "snapshot_advances": 0,
                      "snapshot_waits": 0, "snapshot_wait_ms": 0.0, "snapshot_wait_timeouts": 0,
                      "write_lock_holds": 0, "write_lock_held_ms": 0.0,
                      # optimistic write transactions (optimistic.py): committed after their replay;
                      # failed it (40001); went serial on a statement the log cannot hold
                      "optimistic_commits": 0, "optimistic_conflicts": 0, "optimistic_to_serial": 0}
        self._write_lock_taken_at = 0.0  # monotonic seconds; only the holder reads or sets it
        # SNAPSHOT_WAIT_TIMEOUT_MS; 0 turns the wait off (to measure what it saves).
        self.snapshot_wait_timeout_ms = SNAPSHOT_WAIT_TIMEOUT_MS

    @property
    def is_writer(self) -> bool:
        return self.role == "writer"

    @property
    def schema_epoch(self) -> tuple[int, int]:
        """A value that changes (not always grows) whenever the schema a session sees may
        have changed: SQL that edits the schema ran on the writer connection (`Session._run`),
        the write lock was released after it (its transaction committed or rolled back), a
        ROLLBACK TO undid it, or (a replica) the writer's records touched SQLite's header
        page. Sessions read the schema version again (for translations and prepared
        statements) only then."""
        replica = self.replica.schema_epoch if self.replica is not None else 0
        return self._schema_epoch, replica

    def schema_may_have_changed(self) -> None:
        self._schema_epoch += 1

    def next_xact_id(self) -> int:
        """A transaction id for txid_current(): above every id an earlier writer of the
        volume gave (each writer opens at a higher epoch), rising within this one."""
        if not self.is_writer or self.vc is None:
            raise SqlError("cannot assign TransactionIds during recovery", "25006")
        with self._xact_ids_lock:
            self._xact_ids += 1
            return (self.vc.epoch << 32) + self._xact_ids

    # --- lifecycle ---------------------------------------------------------------------
    def start(self) -> "ComputeNode":
        ready = threading.Event()

        def run():
            import uvloop
            self._loop = uvloop.new_event_loop()
            asyncio.set_event_loop(self._loop)
            ready.set()
            self._loop.run_forever()

        self._thread = threading.Thread(target=run, name=f"{self.vfs_name}-volume", daemon=True)
        self._thread.start()
        ready.wait()
        try:
            access = VolumeAccess(
                cache=self.cache,
                read_storage=lambda page, lsn: self.call(self.storage.get_page_version(page, lsn)),
                read_storage_many=lambda pages, lsn: self.call(read_many(self.storage.get_page_version, pages, lsn)),
                submit=self.submit,
                vdl=lambda: self.storage.vdl, min_read_lsn=lambda: self.storage.min_read_lsn,
                pin=lambda: self.storage.acquire_read_point(), unpin=self.read_points.unpin)
            self.vfs = VolumeVFS(self.vfs_name, access)
            if self.role == "writer":
                self.vc = self.storage = self.call(VolumeClient.open(
                    self.spec, self.volume, self.writer_id, on_failure=self.on_writer_failure,
                    read_points=self.read_points))
                self._writer_opened(self.vc)
                self._open_writer_connection()
                log.info("compute node open on volume %s as the writer: epoch %d, VDL %d, recovery %.0f ms",
                         self.volume, self.vc.epoch, self.vc.vdl, self.vc.recovery_ms)
            else:
                async def make_replica() -> ReplicaVolume:  # its gRPC channels belong to the volume loop
                    return ReplicaVolume(self.spec, self.writer_id or "replica", self.cache,
                                         read_points=self.read_points)

                self.replica = self.storage = self.call(make_replica())
                self.call(self._start_following())
                log.info("compute node open on volume %s as a read replica", self.volume)
        except BaseException:
            self.close()
            raise
        return self

    async def _start_following(self) -> None:
        self._follow_task = asyncio.ensure_future(self.replica.follow(self.follow))
        self._follow_task.add_done_callback(self._follow_ended)

    async def _stop_following(self) -> None:
        """End the follow loop, even in the middle of a stream from a silent writer."""
        task, self._follow_task = self._follow_task, None
        if task is not None:
            self.replica.stop()
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)

    def retarget(self) -> None:
        """The writer changed (on the volume loop): a replica drops the stream it has and
        subscribes to the new writer at once, instead of waiting for the old stream to die."""
        if self.role == "replica" and self.replica is not None:
            self.replica.retarget()

    def _follow_ended(self, fut) -> None:
        """A replica's follow loop ends only when asked to; anything else leaves a
        replica that silently stops moving: stop loudly instead."""
        if fut.cancelled() or fut.exception() is None:
            return
        log.critical("the replica stopped following the writer", exc_info=fut.exception())
        if self.on_writer_failure is not None:
            self.on_writer_failure(fut.exception())

    def open_connection(self, name: str, pragmas: tuple[str, ...], flags: int | None = None) -> apsw.Connection:
        """A SQLite connection to this node's volume file `name` (the writer's, a session's
        reader or scratch file), with PostgreSQL's functions (blocking: not on the volume loop)."""
        conn = apsw.Connection(name, vfs=self.vfs_name) if flags is None else \
            apsw.Connection(name, vfs=self.vfs_name, flags=flags)
        conn.set_busy_timeout(SQL_BUSY_TIMEOUT_MS)
        for pragma in pragmas:
            conn.execute(f"pragma {pragma}")
        if self.connection_hook is not None:
            self.connection_hook(conn)
        advisory_locks.register(conn, self.advisory)
        notifications.register(conn)
        activity.register(conn, self.activity)
        return conn

    def _open_writer_connection(self) -> None:
        """The one SQLite connection that writes."""
        self.writer = self.open_connection(WRITER_FILE, ("page_size=4096", "journal_mode=MEMORY",
                                                         "locking_mode=EXCLUSIVE", "synchronous=NORMAL",
                                                         "temp_store=MEMORY"))

    async def promote(self) -> VolumeClient:
        """This replica becomes the writer (on the volume loop): recovery with a new
        epoch fences the old writer everywhere; the cache stays warm (storage fills the
        gap between the replica's read point and the recovered VDL)."""
        if self.role == "writer":
            return self.vc
        if self.role != "replica":
            raise SixfoldError(f"cannot promote an instance that is {self.role}")
        self.role = "promoting"
        replica = self.replica
        try:
            await self._stop_following()
            vc = await VolumeClient.open(self.spec, self.volume, self.writer_id, on_failure=self.on_writer_failure,
                                         read_points=self.read_points)
        except BaseException:
            self.role = "replica"
            replica.restart()
            await self._start_following()
            raise
        await replica.catch_up_from_storage(vc.vdl, vc.recovered.pg_tails)
        self._writer_opened(vc)
        self.vc = self.storage = vc
        await asyncio.get_running_loop().run_in_executor(None, self._open_writer_connection)
        self.role = "writer"
        log.info("promoted to the writer: epoch %d, VDL %d, recovery %.0f ms (read point was %d)", vc.epoch, vc.vdl,
                 vc.recovery_ms, replica.read_point)
        return vc

    def _writer_opened(self, vc: VolumeClient) -> None:
        """What a writer serves besides SQL: the redo stream for its replicas (and, in a
        global database's primary region, its replication server), and the managed RPO."""
        self.writer_opened_vdl = vc.vdl
        vc.redo_ring = RedoRing(vc.vdl)
        repl = self.spec.replication
        if repl is not None and repl.role == "primary":
            vc.rpo_ms = repl.rpo_s * 1000

    def call(self, coro, timeout_ms: int = VOLUME_CALL_TIMEOUT_MS, on_timeout: type[SixfoldError] = SixfoldError):
        """Run a volume client coroutine on the node's loop from a SQL thread; at the
        bound it is cancelled and `on_timeout` raised. Never for a submit (see `submit`)."""
        assert threading.current_thread() is not self._thread, "never block the volume client's loop"
        fut = asyncio.run_coroutine_threadsafe(coro, self._loop)
        try:
            return fut.result(timeout_ms / 1000)
        except TimeoutError:
            fut.cancel()
            raise on_timeout(f"volume call did not finish within {timeout_ms} ms") from None

    def submit(self, changes: list, on_allocated=None):
        """Send one mini-transaction (the writer file's commit); `on_allocated` is the
        volume client's (it caches the pages before VDL can reach them). The volume
        client refuses within LAL_WAIT_TIMEOUT_MS by itself; if even
        VOLUME_CALL_TIMEOUT_MS passes, its loop is stuck and whether the commit was sent
        is unknown, so it cannot be reported refused: the writer stops and the commit
        is in doubt."""
        assert threading.current_thread() is not self._thread, "never block the volume client's loop"
        vc, loop = self.vc, self._loop
        # They commit next (a waiter for the lock; an optimistic transaction that ran a
        # statement within the group's wait, not one idle in its transaction): group
        # commit may hold this one for them.
        more_coming = self.write_lock_waiters > 0 or self._optimistic_active()
        fut: concurrent.futures.Future = concurrent.futures.Future()

        def send() -> None:  # on the loop: a task only when the commit has to wait
            try:
                commit = vc.try_send(changes, None, more_coming, on_allocated)
            except BaseException as e:  # noqa: BLE001 - refused (or in doubt): the caller raises it
                fut.set_exception(e)
                return
            if commit is not None:
                fut.set_result(commit)
            else:
                loop.create_task(vc.submit(changes, None, more_coming, on_allocated)).add_done_callback(
                    lambda t: _pass_outcome(t, fut))

        loop.call_soon_threadsafe(send)
        try:
            return fut.result(VOLUME_CALL_TIMEOUT_MS / 1000)
        except TimeoutError:
            err = CommitInDoubt(f"the volume client did not answer a commit within {VOLUME_CALL_TIMEOUT_MS} ms; "
                                "the commit may have been sent, and this writer stops")
            self._loop.call_soon_threadsafe(self.vc.stop, err)
            raise err from None

    def _optimistic_active(self) -> bool:
        if not self.optimistic_sessions:  # (serial sessions: no lock taken per commit)
            return False
        since = time.monotonic() - GROUP_COMMIT_WAIT_MS / 1000
        with self._waiting_lock:
            return any(s.active_at >= since for s in self.optimistic_sessions)

    def metrics(self) -> dict[str, int]:
        """Counters of this node since it started, for monitoring and benchmarks (read
        without locks: each value is a plain int, possibly a moment old)."""
        vc = self.vc
        links = list(vc.links.values()) if vc is not None else []
        out = {
            "commits": self.stats["commits"],
            "redo_bytes_sent": sum(link.sent_bytes for link in links),  # to all segments together
            # The append messages as sent (records, framing, hints, heartbeats), gRPC's prefix included.
            "redo_wire_bytes_sent": sum(link.sent_wire_bytes for link in links),
            "redo_batches_sent": sum(link.sent_batches for link in links),
            "redo_records_sent": sum(link.sent_records for link in links),
            "write_lock_wait_ms": int(self.stats["write_lock_wait_ms"]),
            "write_lock_holds": self.stats["write_lock_holds"],
            "write_lock_held_ms": int(self.stats["write_lock_held_ms"]),
            "serialization_failures": self.stats["serialization_failures"],
            "snapshot_advances": self.stats["snapshot_advances"],
            "snapshot_waits": self.stats["snapshot_waits"],
            "snapshot_wait_ms": int(self.stats["snapshot_wait_ms"]),
            "snapshot_wait_timeouts": self.stats["snapshot_wait_timeouts"],
            "optimistic_commits": self.stats["optimistic_commits"],
            "optimistic_conflicts": self.stats["optimistic_conflicts"],
            "optimistic_to_serial": self.stats["optimistic_to_serial"],
        }
        if vc is not None:
            out.update({"vdl": vc.tracker.vdl, "epoch": vc.epoch, "records": vc.stats["records"],
                        "redo_record_bytes": vc.stats["record_bytes"], "group_commit_holds": vc.group.groups,
                        "vdl_stalls": vc.stats["vdl_stalls"], "read_hedges": vc.stats["read_hedges"]})
        elif self.replica is not None:
            r = self.replica
            delays = sorted(r.visible_delay_ms)
            out.update({"vdl": r.read_point, "epoch": r.epoch, "lag_lsn": r.lag_lsn, "lag_ms": int(r.lag_ms),
                        "replica_resets": r.stats["resets"], "read_hedges": r.stats["read_hedges"],
                        # commit on the writer -> visible here, over every commit this replica applied
                        "visible_delay_ms_p50": round(delays[len(delays) // 2], 2) if delays else None,
                        "visible_delay_ms_p99": round(delays[min(len(delays) - 1, int(len(delays) * 0.99))], 2)
                        if delays else None,
                        "visible_delay_samples": len(delays)})
        if self.vfs is not None and self.writer is not None:
            wf = self.writer_file
            out.update({"redo_bytes": wf.redo_bytes, "pages_shipped": wf.pages_shipped})
        return out

    def session(self) -> "Session":
        return Session(self)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.writer = None
        if self.replica is not None and self._loop is not None:
            try:
                self.call(self._stop_following(), 5_000)
            except Exception:  # closing anyway
                pass
        if self.vc is not None and self._loop is not None:
            try:
                self.call(self.vc.close(), 5_000)
            except Exception:  # closing anyway
                pass
        if self.vfs is not None:
            self.vfs.unregister()
            self.vfs = None
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(5)
            self._loop = None

    def __enter__(self):
        return self.start() if self.vc is None else self

    def __exit__(self, *exc):
        self.close()

    @property
    def writer_file(self):
        return self.vfs.writer_file

    # --- shared by sessions ----------------------------------------------------------------
    def check_writable(self) -> None:
        """ReadOnlyTransaction unless this instance is the writer."""
        if self.role != "writer":
            raise ReadOnlyTransaction("cannot execute a write on a read replica (it is in recovery): "
                                      "connect to the writer (the cluster endpoint)")

    def acquire_write_lock(self, wait: bool = True) -> None:
        """Take the write lock, waiting at most WRITE_LOCK_WAIT_TIMEOUT_MS (or, not
        `wait`, not at all: 55P03 at once, for SELECT ... FOR UPDATE NOWAIT)."""
        self.check_writable()
        t0 = time.monotonic()
        if self.write_lock.acquire(blocking=False):
            self._write_lock_taken_at = t0
            return
        if not wait:
            raise SqlError("could not obtain lock on row: another transaction holds the write lock", "55P03")
        with self._waiting_lock:
            self.write_lock_waiters += 1
        try:
            got = self.write_lock.acquire(timeout=WRITE_LOCK_WAIT_TIMEOUT_MS / 1000)
        finally:
            with self._waiting_lock:
                self.write_lock_waiters -= 1
        if not got:
            raise WriteLockTimeout(f"waited {WRITE_LOCK_WAIT_TIMEOUT_MS} ms for the write lock; "
                                   "another write transaction holds it")
        self._write_lock_taken_at = now = time.monotonic()
        self.stats["write_lock_wait_ms"] += (now - t0) * 1000

    def release_write_lock(self) -> None:
        # Writers are serialized by this lock: at a few clients, throughput is about
        # holds / held time (a write transaction holds it across its clients' round trips).
        self.stats["write_lock_holds"] += 1
        self.stats["write_lock_held_ms"] += (time.monotonic() - self._write_lock_taken_at) * 1000
        if self.schema_touched:  # before the next writer can see the schema its holder changed
            self.schema_touched = False
            self.schema_may_have_changed()
        self.write_lock.release()

    @property
    def last_shipped_cpl(self) -> int:
        """CPL of the last mini-transaction the writer shipped (0: none since it opened).
        Only a holder of the write lock ships, so under the lock it is the writer's
        current state: everything up to it, durable or not. Rollbacks ship nothing."""
        commit = self.writer_file.last_commit
        return 0 if commit is None else commit.cpl

    def changed_since(self, lsn: int, pages) -> int | None:
        """A volume page of `pages` that the writer changed above `lsn`, or None. Under
        the write lock this covers every change shipped: the buffer cache records the
        LSN of each page's last change (older writers' changes are all below any read
        point, which is at least the VDL recovery found)."""
        tail = self.cache.tail
        return next((p for p in sorted(pages) if tail(p) > lsn), None)

    def settle_snapshot(self) -> None:
        """Before a snapshot transaction pins its read point: wait until VDL reaches the
        last shipped commit, so that the snapshot includes every commit that released
        the write lock before it. Without this, a commit shipped but not yet durable
        would be missing from the snapshot, and the transaction's first write would
        fail with 40001. Bounded by `snapshot_wait_timeout_ms`; past it (or if the
        commit fails) the snapshot is simply the VDL of then."""
        wf = self.vfs.writer_file
        commit = wf.last_commit if wf is not None and self.role == "writer" else None
        if commit is None or self.vc.tracker.vdl >= commit.cpl or self.snapshot_wait_timeout_ms <= 0:
            return  # a replica has nothing of its own in flight: its read point is all it has
        t0 = time.monotonic()
        try:
            self._await_commit(commit, self.snapshot_wait_timeout_ms)
        except SixfoldError:
            self.stats["snapshot_wait_timeouts"] += 1
        self.stats["snapshot_waits"] += 1
        self.stats["snapshot_wait_ms"] += (time.monotonic() - t0) * 1000

    def wait_durable(self, commits: list) -> int | None:
        """Block until VDL passes the last shipped commit (CPLs are ordered). Raises
        CommitInDoubt (never a retriable error) when that cannot be known."""
        if not commits:
            return None
        last = commits[-1]
        self._await_commit(last, max(c.wait_bound_ms() for c in commits))
        self.stats["commits"] += len(commits)
        return last.cpl

    def _await_commit(self, commit, timeout_ms: int) -> None:
        """Block this SQL thread until `commit` is durable: a callback on its future (no
        task on the volume loop). Raises CommitTimeout after `timeout_ms`, or the error
        the commit ended with (CommitInDoubt)."""
        assert threading.current_thread() is not self._thread, "never block the volume client's loop"
        done: concurrent.futures.Future = concurrent.futures.Future()
        self._loop.call_soon_threadsafe(commit.fut.add_done_callback, lambda f: _pass_outcome(f, done))
        try:
            done.result(timeout_ms / 1000)
        except TimeoutError:
            raise commit.timed_out(timeout_ms) from None


def _pass_outcome(src: asyncio.Future, dst: concurrent.futures.Future) -> None:
    """Copy a loop future's outcome to the future a SQL thread waits on (unless that one
    gave up already). A cancelled commit wait is in doubt, like any lost wait."""
    if dst.done():
        return
    if src.cancelled():
        dst.set_exception(CommitInDoubt("the volume client stopped before the commit's outcome was known"))
    elif src.exception() is not None:
        dst.set_exception(src.exception())
    else:
        dst.set_result(src.result())


class Session:
    """One client's connection: its transaction state and its reader connection."""

    def __init__(self, node: ComputeNode):
        self.node = node
        self.reader_name = f"{READER_FILE_PREFIX}-{next(_ids)}.db"
        self.reader = node.open_connection(self.reader_name, ("temp_store=MEMORY",), apsw.SQLITE_OPEN_READONLY)
        self.notifies: list[tuple[str, str]] = []  # NOTIFY's (channel, payload) of the open transaction
        self.cancel_requested = False  # interrupt() asked; an advisory lock's wait looks
        self.txn: str | None = None  # None, "pending" (BEGIN, no write yet), "write" or "read"
        self._writing = False  # an autocommit statement of this session runs on the writer
        self.default_isolation = "read committed"
        self.isolation = self.default_isolation  # of the open transaction
        self._read_any = False  # the pending transaction ran a statement (too late to SET TRANSACTION)
        self.default_read_only = False  # default_transaction_read_only (the session sets it)
        self.writes_refused = False  # SET TRANSACTION READ ONLY after the transaction wrote
        # The read point of a REPEATABLE READ / SERIALIZABLE transaction, once a read
        # pinned it: its first write checks that no commit was shipped above it.
        self._read_point: int | None = None
        self.write_concurrency = "serial"  # or "optimistic" (sixfold.write_concurrency; optimistic.py)
        self._scratch: apsw.Connection | None = None  # opened at the first optimistic write
        self._wlog: optimistic.WriteLog | None = None  # set: an optimistic write transaction, on the scratch
        self.active_at = 0.0  # monotonic seconds: when its optimistic transaction last ran a statement

    def interrupt(self) -> None:
        """Abort the statement this session runs (from any thread): it fails with 57014.
        The writer connection is interrupted only while this session owns it."""
        self.cancel_requested = True
        self.reader.interrupt()
        if self._wlog is not None and self._scratch is not None:
            self._scratch.interrupt()
        if self._writing or (self.txn == "write" and self._wlog is None):
            self.node.writer.interrupt()

    def close(self) -> None:
        if self.txn == "write":
            self._end_write("rollback")
        elif self.txn == "pending" and self.reader.in_transaction:
            self.reader.execute("rollback")
        self.node.advisory.release(self)
        self.reader.close()
        if self._scratch is not None:
            self._scratch.close()

    def deferred_foreign_key_violations(self) -> bool:
        """Whether this session's write transaction has unresolved violations of SQLite's
        own deferred foreign keys (SQLite counts them; none in any other state)."""
        return self.txn == "write" and self._write_conn().status(apsw.SQLITE_DBSTATUS_DEFERRED_FKS)[0] > 0

    @property
    def optimistic(self) -> bool:
        """An optimistic write transaction is open: its statements run on the session's
        scratch copy at an older read point, not on the writer."""
        return self._wlog is not None

    def _write_conn(self) -> apsw.Connection:
        """The connection of the open write transaction."""
        return self._scratch if self._wlog is not None else self.node.writer

    # --- statements --------------------------------------------------------------------
    def execute(self, sql: str, params: tuple | dict = ()) -> Result:
        """Run one statement (or several without parameters; the last one's result)."""
        stmts = split_statements(sql)
        if not stmts:
            return Result(command="EMPTY")
        if len(stmts) > 1 and params:
            raise SqlError("cannot pass parameters to several statements", "42601")
        result = Result()
        self.cancel_requested = False
        advisory_locks.running.session = self
        try:
            for stmt in stmts:
                try:
                    result = self._one(stmt, params)
                finally:
                    if self.txn is None:  # its transaction ended (COMMIT, ROLLBACK, an autocommit statement)
                        self.node.advisory.release(self, "xact")
        finally:
            advisory_locks.running.session = None
        return result

    def _one(self, stmt: str, params) -> Result:
        m = _TXN.match(stmt)
        if m:
            word, rest = m.group(1).lower().split()[0], m.group(2)
            if word in ("begin", "start"):
                return self._begin(read_only=bool(_READ_ONLY.search(rest)), rest=rest)
            if word in ("commit", "end"):
                return self._commit()
            if not _TO_SAVEPOINT.match(rest):  # ROLLBACK TO SAVEPOINT stays inside the transaction
                return self._rollback()
        if self.txn is None and _SAVEPOINT.match(stmt):
            self._begin(read_only=False)  # a savepoint outside a transaction opens one
        tail = stmt.rstrip().rstrip(";").rstrip()
        nowait = tail.endswith(LOCKING_READ_NOWAIT_MARK)
        locking = nowait or tail.endswith(LOCKING_READ_MARK)
        if locking and self.txn is not None and (self.txn == "read" or not self.node.is_writer):
            raise ReadOnlyTransaction("cannot execute SELECT FOR UPDATE in a read-only transaction")
        if self.txn == "pending":
            if not locking and self._may_go_optimistic(stmt):
                self._start_optimistic()
            else:
                if _READS_FIRST.match(stmt) and not locking:  # FOR UPDATE: the write lock first
                    try:
                        return self._pending_read(stmt, params)
                    except _WriteAttempt:
                        pass  # it writes: nothing happened on the reader
                self._upgrade(wait=not nowait)
        if self.txn == "write":
            if self.writes_refused and not (_READS_FIRST.match(stmt) and not locking):
                raise ReadOnlyTransaction("cannot execute a write in a read-only transaction")
            if self._wlog is not None:
                if not locking and not self._wlog.full and optimistic.replayable(stmt):
                    return self._run_logged(stmt, params)
                self._go_serial()
            try:
                return self._run(self.node.writer, stmt, params)
            finally:
                if not self.node.writer.in_transaction:
                    # SQLite ended the transaction itself (RELEASE of the outermost
                    # savepoint, INSERT OR ROLLBACK, an I/O error): so does the session.
                    self._finish_write()
        if self.txn == "read":
            self._read_any = True
            return self._run(self.reader, stmt, params)
        return self._autocommit(stmt, params)

    def _finish_write(self) -> int | None:
        node = self.node
        shipped = node.writer_file.take_shipped()
        self.txn = None
        self.writes_refused = False
        node.release_write_lock()
        return node.wait_durable(shipped)

    def _autocommit(self, stmt: str, params) -> Result:
        if not _SCHEMA_CHANGE.match(stmt):
            try:
                return self._run(self.reader, stmt, params)
            except SixfoldError as e:
                if not isinstance(e, _WriteAttempt):
                    raise
        # It writes: run it on the writer, alone, as its own mini-transaction.
        node = self.node
        node.acquire_write_lock()
        self._writing = True
        try:
            result = self._run(node.writer, stmt, params)
        except SixfoldError:
            # It may have committed part of its work (INSERT OR FAIL): that part must be
            # durable before the error is reported, like any commit.
            shipped = node.writer_file.take_shipped()
            self._writing = False
            node.release_write_lock()
            node.wait_durable(shipped)
            raise
        except BaseException:
            node.writer_file.take_shipped()
            self._writing = False
            node.release_write_lock()
            raise
        shipped = node.writer_file.take_shipped()
        self._writing = False
        node.release_write_lock()
        result.commit_lsn = node.wait_durable(shipped)
        return result

    def catalog_rows(self, sql: str, params: tuple = ()) -> list[tuple]:
        """A read of the schema (sqlite_master, pragma tables) as this session's next
        statement would see it: on the writer inside its write transaction, else on
        its reader (inside its snapshot, if it holds one)."""
        conn = self._write_conn() if self.txn == "write" else self.reader
        try:
            return list(conn.execute(sql, params))
        except apsw.Error as e:
            raise sql_error(e) from None

    def describe(self, stmt: str, params) -> list[tuple[str, str | None]]:
        """(name, declared type) of the result columns of `stmt`, without running it."""
        conn = self._write_conn() if self.txn == "write" else self.reader
        try:
            desc = _describe_only(conn, stmt, params)
        except apsw.Error as e:
            raise sql_error(e) from None
        return [(d[0], d[1]) for d in desc]

    def execute_many(self, stmt: str, rows) -> int:
        """Run one writing statement once per parameter row (COPY FROM, executemany), all
        in one transaction: the session's, or one of its own, committed as one
        mini-transaction. Returns the number of parameter rows run (COPY's count: each
        inserts one row; changes made by triggers and foreign key actions do not count)."""
        node = self.node
        fed = [0]

        def counted(rows):
            for row in rows:
                fed[0] += 1
                yield row
        rows = counted(rows)
        reset_fixup_depth()
        if self.txn == "read" or (self.txn is None and self.default_read_only) or self.writes_refused:
            raise ReadOnlyTransaction("cannot execute COPY FROM in a read-only transaction")
        if self.txn == "pending":
            self._upgrade()
        if self._wlog is not None:
            self._go_serial()
        if self.txn == "write":
            before = node.writer.total_changes()
            try:
                node.writer.cursor().executemany(stmt, rows)
            except apsw.Error as e:
                raise sql_error(e, node.writer_file.error) from None
            finally:
                if not node.writer.in_transaction:
                    self._finish_write()
            return fed[0] if node.writer.total_changes() != before else 0
        self._begin(read_only=False, rest="immediate")  # its own transaction, on the writer at once
        try:
            before = node.writer.total_changes()
            node.writer.cursor().executemany(stmt, rows)
            changed = fed[0] if node.writer.total_changes() != before else 0
        except BaseException as e:
            if self.txn == "write":
                self._end_write("rollback")
            if isinstance(e, apsw.Error):
                raise sql_error(e, node.writer_file.error) from None
            raise
        self._end_write("commit")
        return changed

    def set_read_only(self) -> None:
        """SET TRANSACTION READ ONLY: the open transaction writes no more. A transaction
        that has not written becomes a read-only one on the reader; one that has keeps
        its writes and refuses the rest."""
        if self.txn == "pending":
            if not self.reader.in_transaction:
                self.reader.execute("begin")
            self.txn = "read"
        elif self.txn == "write":
            self.writes_refused = True

    def set_read_write(self) -> None:
        """SET TRANSACTION READ WRITE: before the read-only transaction's first query."""
        if self.txn != "read":
            return
        if self._read_any:
            raise SqlError("transaction read-write mode must be set before any query", "25001")
        if self.isolation not in SNAPSHOT_LEVELS and self.reader.in_transaction:
            self.reader.execute("rollback")  # nothing read: READ COMMITTED reads per statement
        self.txn = "pending"

    def set_isolation(self, level: str) -> None:
        """SET TRANSACTION ISOLATION LEVEL: for the open transaction, before its first read."""
        level = " ".join(level.lower().split())
        ran = self.txn == "write" or (self.txn in ("pending", "read") and self._read_any)
        if ran and level != self.isolation:
            raise SqlError("SET TRANSACTION ISOLATION LEVEL must be called before any query", "25001")
        if self.txn == "pending" and not self._read_any:
            self.isolation = level
            if level in SNAPSHOT_LEVELS and not self.reader.in_transaction:
                self.reader.execute("begin")
            elif level not in SNAPSHOT_LEVELS and self.reader.in_transaction:
                self.reader.execute("rollback")  # nothing read yet: READ COMMITTED reads per statement

    def _pending_read(self, stmt: str, params) -> Result:
        """A read of a transaction that has not written: on the reader. READ COMMITTED
        reads at a fresh read point per statement; a snapshot transaction at the one
        its first read pins (after waiting for the commits already shipped)."""
        self._read_any = True
        if self.isolation not in SNAPSHOT_LEVELS:
            return self._run(self.reader, stmt, params)
        if self._read_point is None:
            if not self.reader.in_transaction:
                self.reader.execute("begin")
            self.node.settle_snapshot()
        elif not self.reader.in_transaction:
            # SQLite ended the read transaction itself (an I/O error): reading on would
            # mean a second snapshot.
            raise SerializationFailure("could not serialize access: the transaction lost its snapshot; "
                                       "roll it back and retry")
        try:
            result = self._run(self.reader, stmt, params)
        except _WriteAttempt:
            raise  # nothing was read: it runs on the writer next
        except BaseException:
            self._note_read_point()
            raise
        self._note_read_point()
        return result

    def _note_read_point(self) -> None:
        """Remember the read point the reader pinned for this snapshot transaction."""
        if self._read_point is None and self.reader.in_transaction:
            file = self.node.vfs.reader_files.get(self.reader_name)
            if file is not None and file.read_lsn is not None:
                self._read_point = file.read_lsn

    def _upgrade(self, wait: bool = True) -> None:
        """The pending transaction's first write: take the write lock and move to the writer.

        A snapshot transaction that has read at read point R may go on only if the
        writer's state S (every commit shipped: writers are serialized) gives the same
        reads as R. That holds if no commit was shipped above R, or if none of those
        commits changed a page the transaction read (its reads at R are then its reads at
        S: its snapshot moves forward to S). From here on it sees S plus its own writes,
        as nobody else writes until it ends. Otherwise 40001. Taking the lock is the only
        way to the writer, so every first write (a statement, execute_many, a savepoint)
        passes this check."""
        node = self.node
        read_point = self._read_point if self.isolation in SNAPSHOT_LEVELS else None
        node.acquire_write_lock(wait=wait)
        try:
            conflict = self._snapshot_conflict(read_point) if read_point is not None else None
            if conflict is not None:
                node.stats["serialization_failures"] += 1
                # The transaction stays open (pending) and failed: the client rolls it back.
                raise SerializationFailure(f"could not serialize access due to concurrent update: {conflict}")
            if self.reader.in_transaction:
                self.reader.execute("rollback")  # the snapshot's read transaction; it wrote nothing
            node.writer.execute("begin")
        except BaseException:
            node.release_write_lock()
            raise
        self.txn = "write"

    def _snapshot_conflict(self, read_point: int) -> str | None:
        """Under the write lock: why the writer's state is not the snapshot at
        `read_point` as far as this transaction read it (None: it is)."""
        node = self.node
        if read_point < node.writer_opened_vdl:
            # Taken on this instance while it was a replica: earlier writers committed
            # between the snapshot and the state this writer opened at, and which pages
            # they changed is not known here (a promotion's cache may have been reset).
            return (f"this transaction's snapshot (LSN {read_point}) predates this instance becoming the writer "
                    f"(at LSN {node.writer_opened_vdl}); commits in between may have changed what it read")
        shipped = node.last_shipped_cpl
        if shipped <= read_point:
            return None
        file = node.vfs.reader_files.get(self.reader_name)
        if file is None or not self.reader.in_transaction or file.read_lsn != read_point \
                or file.pages_lsn != read_point:
            return (f"a write transaction committed at LSN {shipped}, after this transaction's snapshot "
                    f"(LSN {read_point})")
        page = node.changed_since(read_point, file.read_pages)
        if page is not None:
            return (f"a write transaction committed after this transaction's snapshot (LSN {read_point}) changed "
                    f"page {page}, which it read")
        node.stats["snapshot_advances"] += 1
        return None

    # --- optimistic write transactions (optimistic.py) -------------------------------------
    def _may_go_optimistic(self, stmt: str) -> bool:
        """Whether the pending transaction's first statement `stmt` opens an optimistic
        transaction (a statement after a read on the reader would not: that read is not in
        the log, and the replay could not vouch for it)."""
        return self.write_concurrency == "optimistic" and not self._read_any and self.node.role == "writer" \
            and not self.writes_refused and optimistic.replayable(stmt)

    def _start_optimistic(self) -> None:
        """The first statement of an optimistic transaction: a scratch copy at the newest
        durable state, and an empty log."""
        node = self.node
        node.check_writable()
        self._read_any = True
        if self.reader.in_transaction:
            self.reader.execute("rollback")  # a snapshot transaction's reader, which read nothing
        if self._scratch is None:
            # its writes stay in memory and are dropped at its transaction's end (vfs.ScratchFile)
            self._scratch = node.open_connection(f"{SCRATCH_FILE_PREFIX}-{next(_ids)}.db",
                                                 ("journal_mode=MEMORY", "temp_store=MEMORY"))
        self._scratch.execute("begin")
        self._wlog = optimistic.WriteLog(node.schema_epoch, changes_at_start=self._scratch.total_changes())
        self.active_at = time.monotonic()
        with node._waiting_lock:
            node.optimistic_sessions.add(self)
        self.txn = "write"

    def _run_logged(self, stmt: str, params) -> Result:
        """A statement of an optimistic transaction: on the scratch copy, into the log."""
        wlog = self._wlog
        try:
            result = self._run(self._scratch, stmt, params)
        except SixfoldError as e:
            wlog.record(stmt, params, optimistic.failed(e))
            raise
        finally:
            if not self._scratch.in_transaction:
                # SQLite ended the transaction itself (INSERT OR ROLLBACK, an I/O error):
                # rolled back, as the session's is now.
                self._drop_scratch_transaction()
                self.txn = None
                self.writes_refused = False
        wlog.record(stmt, params, optimistic.answered(result))
        self.active_at = time.monotonic()
        return result

    def _go_serial(self) -> None:
        """A statement the log cannot hold: replay the log on the writer under the write
        lock and go on there. A difference fails the transaction (40001); it stays open,
        failed, for the client to roll back."""
        try:
            self._replay()
        except BaseException:
            self.txn = "pending"
            raise
        self.node.stats["optimistic_to_serial"] += 1

    def _replay(self) -> None:
        """Take the write lock, run the log again on the writer and compare every outcome
        with the one the client got. On return the session is a serial write
        transaction holding the lock; on SerializationFailure (or any error) nothing of
        the transaction is on the writer and the lock is free."""
        node, wlog = self.node, self._wlog
        assert wlog is not None and self.txn == "write"
        self._drop_scratch_transaction()
        node.acquire_write_lock()
        self._writing = True  # the writer is this session's now (a cancel reaches it)
        try:
            if node.schema_epoch != wlog.schema_epoch:
                raise SerializationFailure("could not serialize access: the schema changed while this "
                                           "transaction ran optimistically")
            node.writer.execute("begin")
            for stmt, params, seen in wlog.entries:
                try:
                    now = optimistic.answered(self._run(node.writer, stmt, params))
                except SqlError as e:  # any other error (the volume's) is the replay's own: it stands
                    if e.sqlstate == "57014" and seen.sqlstate != "57014":
                        raise  # the replay itself was cancelled (statement_timeout, a cancel request)
                    now = optimistic.failed(e)
                if not node.writer.in_transaction:
                    raise SerializationFailure(f"could not serialize access: replaying {stmt[:80]!r} ended the "
                                               "transaction")
                if not seen.same_as(now) and not _UNCHECKED_REPLAY:
                    raise SerializationFailure("could not serialize access due to concurrent update: "
                                               + optimistic.difference(stmt, seen, now))
        except BaseException as e:
            if node.writer.in_transaction:
                node.writer.execute("rollback")
            node.writer_file.take_shipped()  # (nothing: the writer commits nothing inside a transaction)
            if isinstance(e, SerializationFailure):
                node.stats["optimistic_conflicts"] += 1
                node.stats["serialization_failures"] += 1
            node.release_write_lock()
            raise
        finally:
            self._writing = False

    def _drop_scratch_transaction(self) -> None:
        if self._wlog is not None:
            self._wlog = None
            with self.node._waiting_lock:
                self.node.optimistic_sessions.discard(self)
        if self._scratch is not None and self._scratch.in_transaction:
            self._scratch.execute("rollback")

    def _begin(self, read_only: bool, rest: str = "") -> Result:
        if self.txn is not None:
            raise SqlError("there is already a transaction in progress", "25001")
        if not read_only and not _EAGER.match(rest):
            m = _ISOLATION.search(rest)
            self.isolation = " ".join(m.group(1).lower().split()) if m else self.default_isolation
            self._read_any = False
            self._read_point = None
            if self.isolation in SNAPSHOT_LEVELS:
                self.reader.execute("begin")  # one read point, pinned at the first read
            self.txn = "pending"
            return Result(command="BEGIN")
        if read_only:
            # Take the read point now: it also loads the current schema, so statements
            # see tables other sessions created or dropped before this BEGIN.
            self.reader.execute("begin")
            try:
                self.reader.execute("select 1 from sqlite_master limit 1").fetchall()
            except BaseException:
                self.reader.execute("rollback")
                raise
            self.txn = "read"
            self._read_any = False
            self.isolation = self.default_isolation
        else:
            self.node.acquire_write_lock()
            try:
                self.node.writer.execute("begin")
            except BaseException:
                self.node.release_write_lock()
                raise
            self.txn = "write"
        return Result(command="BEGIN")

    def _commit(self) -> Result:
        if self.txn in ("read", "pending"):
            if self.reader.in_transaction:
                self.reader.execute("commit")
            self.txn = None
            self.writes_refused = False
            self._read_point = None
            return Result(command="COMMIT")
        if self.txn is None:
            return Result(command="COMMIT")  # PostgreSQL warns and carries on
        self._read_point = None
        if self._wlog is not None:
            if self._scratch.total_changes() == self._wlog.changes_at_start:
                # It only read, all at one read point: nothing to replay or write.
                self._end_write("rollback")
                return Result(command="COMMIT")
            try:
                self._replay()
            except BaseException:
                self.txn = None  # a COMMIT that fails ends the transaction, rolled back
                self.writes_refused = False
                raise
            self.node.stats["optimistic_commits"] += 1
        lsn = self._end_write("commit")
        return Result(command="COMMIT", commit_lsn=lsn)

    def _rollback(self) -> Result:
        if self.txn in ("read", "pending"):
            if self.reader.in_transaction:
                self.reader.execute("rollback")
        elif self.txn == "write":
            self._end_write("rollback")
        self.txn = None
        self.writes_refused = False
        self._read_point = None
        return Result(command="ROLLBACK")

    def _end_write(self, how: str) -> int | None:
        node = self.node
        if self._wlog is not None:  # optimistic: nothing on the writer yet
            assert how == "rollback", "an optimistic transaction commits through its replay"
            self._drop_scratch_transaction()
            self.txn = None
            self.writes_refused = False
            return None
        committed = False
        try:
            try:
                node.writer.execute(how)
            except apsw.Error as e:
                err = sql_error(e, node.writer_file.error)
                if node.writer.in_transaction:
                    node.writer.execute("rollback")
                node.writer_file.take_shipped()
                raise err from None
            shipped = node.writer_file.take_shipped()
            committed = how == "commit"
        finally:
            self.txn = None
            self.writes_refused = False
            if node.schema_touched and not committed:
                node.schema_generation += 1
            node.release_write_lock()
        return node.wait_durable(shipped) if how == "commit" else None

    def _run(self, conn: apsw.Connection, stmt: str, params) -> Result:
        cur = conn.cursor()
        described: list = []

        def trace(cursor, sql, bindings):
            try:
                described.append(cursor.get_description())
            except apsw.ExecutionCompleteError:
                described.append(())
            return True

        cur.exec_trace = trace
        file = self.node.writer_file if conn is self.node.writer else None
        edits_schema = False
        if file is not None:
            file.error = None
            edits_schema = _SCHEMA_EDIT.match(stmt) is not None
            if edits_schema:
                self.node.schema_touched = True
            elif self.node.schema_touched and _ROLLBACK.match(stmt):
                self.node.schema_generation += 1  # (see schema_generation)
                self.node.schema_may_have_changed()
        try:
            return self._execute(conn, cur, stmt, params, file, described)
        finally:
            if edits_schema:  # after it ran: who reads the schema version from now on sees it
                self.node.schema_may_have_changed()

    def _execute(self, conn: apsw.Connection, cur: apsw.Cursor, stmt: str, params, file, described: list) -> Result:
        try:
            reset_fixup_depth()
            before = conn.total_changes()
            cur.execute(stmt, params)
            try:
                # After the first step: if the schema changed, SQLite re-prepared the
                # statement and the traced description is stale. (`description`, not
                # get_description(): that one keeps what the trace saw, and a table
                # dropped and made again with other column types was shown in the old
                # ones: a bigint 5 printed as t.)
                described.append(tuple(d[:2] for d in cur.description))
            except apsw.ExecutionCompleteError:
                pass
            rows = list(cur)
        except apsw.ReadOnlyError as e:
            if conn is self.reader and self.txn in (None, "pending"):
                raise _WriteAttempt(str(e)) from None
            raise sql_error(e) from None
        except apsw.Error as e:
            err = sql_error(e, file.error if file else None)
            if isinstance(err, SqlError) and err.sqlstate == "23503" and "constraint \"" not in str(err):
                err = foreign_key_error(err, stmt, lambda sql, args: list(conn.execute(sql, args)), params)
            elif isinstance(err, SqlError) and err.sqlstate == "42703":
                err = update_column_error(err, stmt)
            elif isinstance(err, SqlError) and err.sqlstate == "23505":
                err = unique_key_error(err, str(e), lambda sql, args: list(conn.execute(sql, args)), stmt, params)
            elif isinstance(err, SqlError) and err.sqlstate == "2BP01":
                err = drop_column_error(err, stmt)
            elif isinstance(err, SqlError) and err.sqlstate in ("23502", "23514"):
                err = failing_row_error(err, lambda sql, args: list(conn.execute(sql, args)), stmt, params)
            raise err from None
        except OverflowError as e:  # a bound value SQLite cannot hold (an int beyond 64 bits)
            raise SqlError(f"value out of range: {e}", "22003") from None
        except SixfoldError:
            raise
        except ValueError as e:  # an integer argument given as text no integer reads ('x')
            m = _INT_TEXT_ERROR.match(str(e))
            if m is None:
                log.error("statement failed inside a SQL function: %s", stmt[:200], exc_info=e)
                raise SqlError(f"internal error in a SQL function: {type(e).__name__}: {e}", "XX000") from None
            raise SqlError(f'invalid input syntax for type integer: "{m.group(1)}"', "22P02") from None
        except Exception as e:  # a bug in a SQL function: the statement fails, the connection stays
            log.error("statement failed inside a SQL function: %s", stmt[:200], exc_info=e)
            raise SqlError(f"internal error in a SQL function: {type(e).__name__}: {e}", "XX000") from None
        desc = described[-1] if described else ()
        if desc and (not rows or len(rows[0]) != len(desc)):
            # SQLite re-prepares a statement whose schema changed after apsw described
            # it; with rows we can tell by their width, without rows we ask again.
            desc = _describe_only(conn, stmt, params)
        command = stmt.split(None, 1)[0].upper().rstrip(";") if stmt.strip() else ""
        changed = conn.total_changes() != before
        return Result(columns=[d[0] for d in desc], decltypes=[d[1] for d in desc], rows=rows,
                      rowcount=conn.changes() if changed else 0, command=command)


def _describe_only(conn: apsw.Connection, stmt: str, params) -> tuple:
    """The result description of `stmt`, prepared but not run (the tracer aborts it)."""
    out: list = []

    def trace(cursor, sql, bindings):
        out.append(cursor.get_description())
        return False

    cur = conn.cursor()
    cur.exec_trace = trace
    try:
        cur.execute(stmt, params, can_cache=False)  # a cached statement may describe an older schema
    except apsw.ExecTraceAbort:
        pass
    return out[0] if out else ()


# Python's int('x'): a SQL function's integer argument that was text no integer reads
_INT_TEXT_ERROR = re.compile(r"^invalid literal for int\(\) with base 10: '(.*)'$", re.DOTALL)


class _WriteAttempt(SqlError):
    """Internal: an autocommit statement tried to write on the reader connection."""

    def __init__(self, message: str):
        super().__init__(message, "25006")
