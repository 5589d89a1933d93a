"""The volume client: the compute node's view of the distributed volume.

It allocates LSNs, turns each mini-transaction into log records, keeps every record
above VDL in its in-flight log (from which one `SegmentLink` per storage node pulls
what that node's segments need), and acknowledges a commit when VDL passes its CPL.
Reads go to one segment whose SCL covers the read point, hedged to a second after
READ_HEDGE_DELAY_MS. Opening a volume recovers it (new epoch, read quorum,
truncation above VDL), which also fences any previous writer.

    vc = await VolumeClient.open(spec)
    lsn = await vc.commit([PageChange.image(0, page_bytes)])
    page = await vc.get_page(0)

A commit ends durable, refused or in doubt (see `sixfold.errors`). Allocating its
LSNs and putting its records in the in-flight log is one synchronous step, so a
cancelled or timed-out caller can never leave allocated LSNs that no record fills:
every wait (LAL back-pressure) happens before it, and after it the commit is sent.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass

from sixfold import sabotage
from sixfold.clock import monotonic_s, wall_us
from sixfold.constants import (
    ADVERTISE_INTERVAL_MS, CLOSE_FLUSH_TIMEOUT_MS, COMMIT_WAIT_PER_RECORD_US, COMMIT_WAIT_TIMEOUT_MS,
    GROUP_COMMIT_TXNS_MAX, GROUP_COMMIT_WAIT_MS, LAL_WAIT_TIMEOUT_MS, MTR_RECORDS_MAX,
    IN_FLIGHT_HOLD_RECORDS_MAX, PAGE_SIZE_BYTES, RPO_WAIT_TIMEOUT_MS, VDL_STALL_WARNING_MS, W_QUORUM_COUNT,
)
from sixfold.core.group_commit import GroupCommitHold
from sixfold.core.quorum import committed_index
from sixfold.core.rpo import rpo_allows
from sixfold.core.records import KIND_DELTA, KIND_IMAGE, KIND_MARKER, NO_PAGE, LogRecord, encode_delta, encode_record
from sixfold.core.segment_state import compact_history
from sixfold.core.write_tracker import WriteTracker
from sixfold.errors import (
    CommitInDoubt, CommitTimeout, LogAllocationLimit, MiniTransactionTooLarge, QuorumUnavailable,
    ReplicationLagExceeded, SegmentBehind, SixfoldError, StaleEpoch, VolumeClosed, WritesPaused,
)
from sixfold.rpc import storage_pb2 as pb
from sixfold.rpc.transport import GrpcTransport, Transport
from sixfold.spec import ClusterSpec
from compute_node.page_reads import hedged_read
from compute_node.read_points import ReadPoints
from compute_node.redo_stream import ReplicaReadPoints
from compute_node.recovery import recover_volume
from compute_node.segment_link import SegmentLink

log = logging.getLogger("sixfold.compute.volume")
_ACK_BEFORE_QUORUM = sabotage.active("ack-before-quorum")
_SABOTAGE_SHIP_DELAY_S = 1.0  # ack-before-quorum: redo reaches the links this long after the "ack"


@dataclass(frozen=True, slots=True)
class PageChange:
    """One page's change in a mini-transaction: a whole image or byte ranges."""

    page: int
    kind: int
    payload: bytes

    @classmethod
    def image(cls, page: int, data: bytes) -> "PageChange":
        if len(data) != PAGE_SIZE_BYTES:
            raise ValueError(f"a page image is {PAGE_SIZE_BYTES} bytes, got {len(data)}")
        return cls(page, KIND_IMAGE, bytes(data))

    @classmethod
    def delta(cls, page: int, ranges: list[tuple[int, bytes]]) -> "PageChange":
        return cls(page, KIND_DELTA, encode_delta(ranges))


def _retrieve(fut: asyncio.Future) -> None:
    """Mark a commit's outcome as seen, so one nobody awaits any more is not logged."""
    if not fut.cancelled():
        fut.exception()


class Commit:
    """A submitted (sent) mini-transaction. `await commit.durable()` returns when VDL >= cpl."""

    __slots__ = ("cpl", "fut", "records")

    def __init__(self, cpl: int, fut: asyncio.Future, records: int):
        self.cpl = cpl
        self.fut = fut
        self.records = records

    def wait_bound_ms(self) -> int:
        """How long a caller waits for this commit before reporting it in doubt: the base
        bound, plus time to ship and persist a large one (pgbench -i loads 19,000 pages
        in one transaction at scale 50)."""
        return COMMIT_WAIT_TIMEOUT_MS + self.records * COMMIT_WAIT_PER_RECORD_US // 1000

    async def durable(self, timeout_ms: int = COMMIT_WAIT_TIMEOUT_MS) -> int:
        """Returns the CPL once durable. Raises `CommitTimeout` after `timeout_ms`, or
        `CommitInDoubt` if the writer was fenced, failed or closed first: either way the
        commit was sent and its fate is for the next recovery to decide."""
        try:
            await asyncio.wait_for(asyncio.shield(self.fut), timeout_ms / 1000)
        except asyncio.TimeoutError:
            raise self.timed_out(timeout_ms) from None
        return self.cpl

    def timed_out(self, timeout_ms: int) -> CommitTimeout:
        """The error for a wait on this commit that gave up after `timeout_ms`."""
        return CommitTimeout(f"commit at LSN {self.cpl} not acknowledged by {W_QUORUM_COUNT} of 6 segments "
                             f"within {timeout_ms} ms; its outcome is decided by the next recovery")


OnAllocated = Callable[[Commit], None]  # see VolumeClient.submit


class VolumeClient:
    def __init__(self, spec: ClusterSpec, volume: str, writer_id: str, transport: Transport | None = None,
                 on_failure=None, read_points: ReadPoints | None = None):
        self.spec = spec
        self.on_failure = on_failure  # called with the error when a background task failed and the writer stopped
        self.volume = volume
        self.writer_id = writer_id
        self.geometry = spec.geometry()
        self._own_transport = transport is None
        self.transport = transport or GrpcTransport()
        self.stubs = {n.name: self.transport.storage_stub(n.address) for n in spec.storage_nodes}
        self.links: dict[str, SegmentLink] = {}
        self.tracker: WriteTracker | None = None
        self.epoch = 0
        self.pg_count = 0
        self.truncations: dict[int, int] = {}  # recovery points every node must learn (compacted)
        self._applied_epoch: dict[str, int] = {}  # node -> newest truncation it has applied
        self._floor = 0  # every node applied every truncation at or below this epoch
        # The in-flight log: records in (_trim_to, next LSN), dense, in LSN order; _trim_to
        # follows VDL, held back (IN_FLIGHT_HOLD_RECORDS_MAX at most) for connected links. Links
        # pull from it; at or below VDL a lagging segment gets records from its peers.
        self._log: list[tuple[int, int, int, bytes]] = []  # (lsn, pg, page, encoded)
        self._log_head = 0  # index of the first live entry of _log
        self._log_base = 1  # LSN of _log[0]
        self._trim_to = 0  # records at or below this LSN leave the log (VDL, or base during carry-over)
        self._carrying_over = True  # until recovery's records sit on a write quorum
        self._page_tail: dict[int, int] = {}  # page -> its last record in the log (prev_page_lsn)
        self._changed = asyncio.Event()  # VDL moved, a link connected, or the client failed
        self._lal_waiters: deque[object] = deque()  # commits waiting for LAL room, in arrival order
        self.read_points = read_points or ReadPoints()
        # Read replicas: the redo they follow (set by the compute node when it serves them)
        # and the oldest read point each still serves (storage must keep those versions).
        self.redo_ring = None
        self.replica_read_points = ReplicaReadPoints()
        self._failure: SixfoldError | None = None  # why nothing more is accepted (fenced, failed, closed)
        self._sabotage_ship_lsn = 0  # ack-before-quorum only: links send records below this LSN
        self._closing = False
        # Global database, primary region: the managed RPO (0: off), the best secondary's
        # lag as the replication server last reported it, and when; and a switchover's pause.
        self.rpo_ms = 0.0
        self._secondary_lag: tuple[float | None, float] = (None, monotonic_s())
        self.writes_paused: str | None = None  # why, while a switchover holds writes
        self._tasks: list[asyncio.Task] = []
        self.stats = Counter()
        self.recovery_ms = 0.0
        self.group = GroupCommitHold(GROUP_COMMIT_WAIT_MS, GROUP_COMMIT_TXNS_MAX)

    # --- opening -------------------------------------------------------------------
    @classmethod
    async def open(cls, spec: ClusterSpec, volume: str | None = None, writer_id: str | None = None,
                   transport: Transport | None = None, on_failure=None,
                   read_points: ReadPoints | None = None) -> "VolumeClient":
        """Recover the volume (creating it if new) and become its writer."""
        vc = cls(spec, volume or spec.volume, writer_id or f"writer-{uuid.uuid4().hex[:12]}", transport, on_failure,
                 read_points)
        try:
            await vc._recover()
        except BaseException:
            await vc.close()
            raise
        return vc

    async def _recover(self) -> None:
        t0 = monotonic_s()
        rec = await recover_volume(self.stubs, self.geometry, self.volume, self.writer_id)
        self.epoch, self.pg_count, self.truncations = rec.epoch, rec.pg_count, dict(rec.truncations)
        self.tracker = WriteTracker(self.geometry.segments, rec.vdl, rec.pg_tails)
        for (pg, node), scl in rec.known_scls.items():
            self.tracker.set_known_scl(pg, node, min(scl, self.tracker.pg_tail(pg)))
        # Carry-over records (base, VDL] go first in the log: links send them like any other.
        self._log_base = rec.vdl + 1 - len(rec.carry_over)
        self._trim_to = self._log_base - 1
        self._sabotage_ship_lsn = rec.vdl + 1
        for lsn, (pg, raw) in sorted(rec.carry_over.items()):
            assert lsn == self._log_base + len(self._log), "carry-over records are dense"
            self._log.append((lsn, pg, NO_PAGE, raw))
        for node, stub in self.stubs.items():
            link = self.links[node] = SegmentLink(node, stub, self)
            self._watch(link.start())
        self._watch(asyncio.get_running_loop().create_task(self._advertise_loop(), name="advertise"))
        t1 = monotonic_s()
        if rec.carry_over:
            await self._carry_over(rec.carry_over)
        self._carrying_over = False
        self._trim_to = self.tracker.vdl
        self._trim_log()
        rec.phases_ms["carry_over"] = (monotonic_s() - t1) * 1000
        self.recovery_ms = (monotonic_s() - t0) * 1000
        self.recovered = rec

    async def _carry_over(self, records: dict[int, tuple[int, bytes]]) -> None:
        """Wait until the records recovery kept sit on a write quorum of their PG."""
        need: dict[int, int] = {}
        for lsn, (pg, _raw) in records.items():
            need[pg] = max(need.get(pg, 0), lsn)
        tr, segments = self.tracker, self.geometry.segments

        def done() -> bool:
            return all(committed_index(tr.acked_scl(pg, n) for n in segments(pg)) >= lsn for pg, lsn in need.items())

        await self._wait_for(done, COMMIT_WAIT_TIMEOUT_MS, "carry-over records to reach a write quorum")

    async def _wait_for(self, cond, timeout_ms: int, what: str) -> None:
        """Wait (bounded) until `cond()`; raises QuorumUnavailable at the bound."""
        deadline = monotonic_s() + timeout_ms / 1000
        while not cond():
            self._check_open()
            left = deadline - monotonic_s()
            if left <= 0:
                raise QuorumUnavailable(f"timed out after {timeout_ms} ms waiting for {what}")
            self._changed.clear()
            try:
                await asyncio.wait_for(self._changed.wait(), min(left, 0.05))
            except asyncio.TimeoutError:
                pass

    def _watch(self, task: asyncio.Task) -> None:
        """A background task that ends unexpectedly leaves a half-working writer: stop."""
        self._tasks.append(task)

        def done(t: asyncio.Task) -> None:
            if t.cancelled() or self._closing:
                return
            exc = t.exception()
            if exc is not None:
                log.critical("writer %s: background task %s failed; the writer stops", self.writer_id,
                             t.get_name(), exc_info=exc)
                self.stop(VolumeClosed(f"the writer stopped: its task {t.get_name()} failed: {exc!r}"))
        task.add_done_callback(done)

    def stop(self, err: SixfoldError) -> None:
        """Stop writing for good after a failure (on the loop): nothing more is accepted,
        commits in flight are in doubt, links close, and `on_failure` hears of it."""
        if self._closing:
            return
        self._fail(err)
        asyncio.get_running_loop().create_task(self._stop_links())
        if self.on_failure is not None:
            self.on_failure(err)

    # --- what links pull (the LinkSource protocol) ------------------------------------
    def hints(self) -> pb.AppendRequest:
        return pb.AppendRequest(volume=self.volume, epoch=self.epoch, vdl_hint=self.tracker.vdl,
                                min_read_lsn=self.min_read_lsn, pg_count=self.pg_count,
                                truncation_floor=self._floor)

    def truncation_history(self) -> dict[int, int]:
        return self.truncations

    def _wake_links(self) -> None:
        for link in self.links.values():
            link.wake()

    def _hold_expired(self, until: float) -> None:
        if self.group.expire(until):
            self._wake_links()

    def held_until(self) -> float | None:
        """The loop time until which links keep new records back (group commit), or None."""
        return self.group.held_until(asyncio.get_running_loop().time())

    def first_in_flight_lsn(self) -> int:
        return self._log_base + self._log_head

    def _shippable_end(self) -> int:
        """The LSN after the last record links may send: the log's end (under the
        ack-before-quorum sabotage, only what its delay has released)."""
        end = self._log_base + len(self._log)
        return min(end, self._sabotage_ship_lsn) if _ACK_BEFORE_QUORUM else end

    def has_records_after(self, cursor: int) -> bool:
        return cursor < self._shippable_end()

    def next_records(self, node: str, cursor: int, max_bytes: int) -> tuple[list[bytes], int]:
        log_, base = self._log, self._log_base
        i = max(cursor - base, self._log_head)
        n = self._shippable_end() - base
        out: list[bytes] = []
        size = 0
        segments, acked = self.geometry.segments, self.tracker.acked_scl
        while i < n:
            lsn, pg, _page, raw = log_[i]
            if node in segments(pg) and acked(pg, node) < lsn:
                if out and size + len(raw) > max_bytes:
                    break
                out.append(raw)
                size += len(raw)
            i += 1
        return out, base + i

    def on_ack(self, node: str, ack: pb.AppendAck) -> None:
        if ack.applied_epoch > self._applied_epoch.get(node, 0):
            self._applied_epoch[node] = ack.applied_epoch
            self._advance_floor()
        if not ack.scls:
            return
        tr = self.tracker
        segments = self.geometry.segments
        released = []
        for s in ack.scls:
            if node in segments(s.pg):
                # A node never holds more of a PG than this writer sent or recovery kept.
                released += tr.on_ack(s.pg, node, min(s.scl, tr.pg_tail(s.pg)))
        for fut in released:
            if not fut.done():
                fut.set_result(None)
        if self.redo_ring is not None:
            self.redo_ring.advance(tr.vdl)
        if not self._carrying_over:
            # Keep what a connected link has not sent yet (within a bound): a node that
            # is merely slow then gets every record from the writer instead of holes to
            # fill by gossip, so it is complete, and counts, the moment two others go.
            target = tr.vdl
            slowest = min((link.cursor for link in self.links.values() if link.connected), default=None)
            if slowest is not None:
                target = min(target, max(slowest - 1, target - IN_FLIGHT_HOLD_RECORDS_MAX))
            if target > self._trim_to:
                self._trim_to = target
                self._trim_log()
        self._changed.set()

    def _trim_log(self) -> None:
        log_, tails = self._log, self._page_tail
        i, end = self._log_head, len(log_)
        last = self._trim_to - self._log_base
        while i < end and i <= last:
            lsn, _pg, page, _raw = log_[i]
            if tails.get(page) == lsn:
                del tails[page]
            i += 1
        self._log_head = i
        if i > 4096 and i * 2 > end:
            del log_[:i]
            self._log_base += i
            self._log_head = 0

    def _advance_floor(self) -> None:
        floor = min(self._applied_epoch.get(n, 0) for n in self.geometry.nodes)
        if floor > self._floor:
            self._floor = floor
            self.truncations = compact_history(self.truncations, floor)

    def on_fenced(self, err: StaleEpoch) -> None:
        if self._failure is None:
            log.warning("writer %s fenced: %s", self.writer_id, err)
        self._fail(StaleEpoch(f"this writer was fenced by a newer one: {err}"))

    def _fail(self, err: SixfoldError) -> None:
        """Accept nothing more. Commits still parked were sent: they are in doubt."""
        if self._failure is None:
            self._failure = err
        for cpl, fut in self.tracker.abandon_parked() if self.tracker else ():
            if not fut.done():
                fut.set_exception(CommitInDoubt(
                    f"commit at LSN {cpl} was sent but not yet durable when {err}; "
                    "the next recovery decides whether it survives"))
        self._changed.set()

    async def _advertise_loop(self) -> None:
        last_vdl, stalled_since = -1, monotonic_s()
        while True:
            await asyncio.sleep(ADVERTISE_INTERVAL_MS / 1000)
            for link in self.links.values():
                link.heartbeat()
            now = monotonic_s()
            vdl = self.tracker.vdl
            if vdl != last_vdl or self.tracker.in_flight_records == 0:
                last_vdl, stalled_since = vdl, now
            elif (now - stalled_since) * 1000 >= VDL_STALL_WARNING_MS:
                self.stats["vdl_stalls"] += 1
                log.warning("VDL stuck at %d for %.1f s with %d records in flight; links: %s", vdl,
                            now - stalled_since, self.tracker.in_flight_records,
                            {n: (l.connected, l.cursor, l.unacked_count) for n, l in self.links.items()})
                stalled_since = now

    # --- writing -------------------------------------------------------------------------
    def _check_open(self) -> None:
        if self._failure is not None:
            raise type(self._failure)(str(self._failure))
        if self._closing:
            raise VolumeClosed("the volume client is closed")

    def note_secondary_lag(self, best_lag_ms: float | None) -> None:
        """The replication server's report (on the loop): the best secondary's lag now."""
        self._secondary_lag = (best_lag_ms, monotonic_s())
        self._changed.set()

    def rpo_met(self) -> bool:
        lag, at = self._secondary_lag
        return rpo_allows(self.rpo_ms, lag, max(0.0, (monotonic_s() - at) * 1000))

    async def submit(self, changes: list[PageChange], commit_ts_us: int | None = None,
                     more_coming: bool = False, on_allocated: OnAllocated | None = None) -> Commit:
        """Send one mini-transaction; returns once it is sent (after LAL back-pressure).
        Await `.durable()` for the outcome. An error raised here means refused: nothing
        was allocated or sent. Cancelling this call never leaves a half-sent commit.
        `more_coming`: other transactions wait to write, so the links may hold this
        commit a moment for the next to share its messages (group commit).
        `on_allocated(commit)` runs once its LSNs are allocated and before any of its
        records can leave, so before VDL can reach it: the compute node puts the pages
        in its buffer cache there (a read point never includes a commit the cache lacks)."""
        commit = self.try_send(changes, commit_ts_us, more_coming, on_allocated)
        if commit is not None:
            return commit
        return await self._submit_waiting(changes, commit_ts_us, more_coming, on_allocated)

    def try_send(self, changes: list[PageChange], commit_ts_us: int | None = None,
                 more_coming: bool = False, on_allocated: OnAllocated | None = None) -> Commit | None:
        """`submit` when it need not wait (the usual case; no coroutine, no task): the
        sent Commit, or None when it must wait for LAL room or the managed RPO (call
        `submit` then). Raises what `submit` raises for a refused commit."""
        self._check_open()
        if self.writes_paused is not None:
            raise WritesPaused(self.writes_paused)
        if self.rpo_ms and not self.rpo_met():
            return None
        n = max(1, len(changes))
        if n > MTR_RECORDS_MAX or self._lal_waiters or not self.tracker.can_allocate(n):
            return None  # submit refuses the first, waits for the others
        return self._send(changes, commit_ts_us, more_coming, on_allocated)

    async def _submit_waiting(self, changes: list[PageChange], commit_ts_us: int | None,
                              more_coming: bool, on_allocated: OnAllocated | None) -> Commit:
        self._check_open()
        if self.writes_paused is not None:
            raise WritesPaused(self.writes_paused)
        if self.rpo_ms and not self.rpo_met():
            self.stats["rpo_waits"] += 1
            try:
                await self._wait_for(self.rpo_met, RPO_WAIT_TIMEOUT_MS, "a secondary region within the RPO")
            except QuorumUnavailable:
                lag = self._secondary_lag[0]
                raise ReplicationLagExceeded(
                    f"commit refused: no secondary region was within the managed RPO of {self.rpo_ms / 1000:g} s "
                    f"for {RPO_WAIT_TIMEOUT_MS} ms (best lag {'unknown' if lag is None else f'{lag:.0f} ms'}); "
                    "nothing was written, retry") from None
            if self.writes_paused is not None:
                raise WritesPaused(self.writes_paused)
        n = max(1, len(changes))
        if n > MTR_RECORDS_MAX:
            raise MiniTransactionTooLarge(
                f"transaction too large: it changed {len(changes)} pages, more than the {MTR_RECORDS_MAX} "
                f"({MTR_RECORDS_MAX * PAGE_SIZE_BYTES // 2**20} MiB) one transaction may change; split it")
        tr = self.tracker
        if self._lal_waiters or not tr.can_allocate(n):
            # Wait for LAL room, first come first served, the whole wait (queue included)
            # bounded by LAL_WAIT_TIMEOUT_MS: a caller never waits longer than that to be
            # refused, however many commits wait before it.
            self.stats["lal_waits"] += 1
            me = object()
            self._lal_waiters.append(me)
            try:
                await self._wait_for(lambda: self._lal_waiters[0] is me and tr.can_allocate(n),
                                     LAL_WAIT_TIMEOUT_MS, "VDL to move (LAL)")
                self._check_open()
                if self.writes_paused is not None:
                    raise WritesPaused(self.writes_paused)
                return self._send(changes, commit_ts_us, more_coming, on_allocated)
            except QuorumUnavailable as e:
                raise LogAllocationLimit(str(e)) from None
            finally:
                self._lal_waiters.remove(me)
                self._changed.set()  # the next waiter may be first now
        return self._send(changes, commit_ts_us, more_coming, on_allocated)

    async def pause_writes(self, reason: str) -> int:
        """Take no more writes (each refused with WritesPaused) and write a marker record
        after the last one; returns its LSN once it is durable, with everything before it."""
        self._check_open()
        self.writes_paused = reason
        tr = self.tracker
        await self._wait_for(lambda: tr.can_allocate(1), LAL_WAIT_TIMEOUT_MS, "LAL room for the marker")
        self._check_open()
        marker = self._send([], None)
        log.info("writes paused (%s): marker at LSN %d", reason, marker.cpl)
        return await marker.durable()

    def resume_writes(self) -> None:
        self.writes_paused = None

    def _send(self, changes: list[PageChange], commit_ts_us: int | None, more_coming: bool = False,
              on_allocated: OnAllocated | None = None) -> Commit:
        """Allocate the LSNs and put the records in the in-flight log. Synchronous on
        purpose: nothing can interrupt it between allocation and sending, and no ack can
        be processed before it returns (acks are handled on this loop)."""
        tr = self.tracker
        pg_of = self.geometry.pg_of_page
        pgs = [pg_of(c.page) for c in changes] or [0]
        allocated = tr.allocate(pgs)
        ts = commit_ts_us if commit_ts_us is not None else wall_us()
        last = len(allocated) - 1
        epoch, tails, log_ = self.epoch, self._page_tail, self._log
        record_bytes = 0
        for i, (lsn, prev) in enumerate(allocated):
            if changes:
                c = changes[i]
                page, kind, payload = c.page, c.kind, c.payload
                prev_page = tails.get(page, 0)
                tails[page] = lsn
            else:
                page, kind, payload, prev_page = NO_PAGE, KIND_MARKER, b"", 0
            raw = encode_record(LogRecord(lsn, pgs[i], page, prev, prev_page, kind, i == last, epoch,
                                          ts if i == last else 0, payload))
            record_bytes += len(raw)
            assert lsn == self._log_base + len(log_), "the in-flight log is dense"
            log_.append((lsn, pgs[i], page, raw))
        top = max(pgs)
        if top >= self.pg_count:
            self.pg_count = top + 1
        if self.redo_ring is not None:
            self.redo_ring.append([e[3] for e in log_[len(log_) - len(allocated):]])
        loop = asyncio.get_running_loop()
        now = loop.time()
        held = self.group.held_until(now)
        self.group.on_commit(now, more_coming)
        until = self.group.held_until(now)
        if until is None:
            self._wake_links()
        elif until != held:  # a new group: one timer releases it, the links sleep meanwhile
            loop.call_at(until, self._hold_expired, until)
        cpl = allocated[-1][0]
        fut = loop.create_future()
        fut.add_done_callback(_retrieve)
        if _ACK_BEFORE_QUORUM:  # sabotage (chaos runs only): "durable" now, shipped a second later
            fut.set_result(None)
            asyncio.get_running_loop().call_later(_SABOTAGE_SHIP_DELAY_S, self._sabotage_ship, cpl + 1)
        for done in tr.park(cpl, fut):  # already durable: impossible before a send, but cheap to honour
            if not done.done():
                done.set_result(None)
        self.stats["commits"] += 1
        self.stats["records"] += len(allocated)
        self.stats["record_bytes"] += record_bytes  # one copy of the redo as shipped: headers included
        commit = Commit(cpl, fut, len(allocated))
        if on_allocated is not None:
            try:
                on_allocated(commit)
            except BaseException as e:
                # Allocated and about to be sent, so it cannot be refused: its outcome is
                # unknown to the caller, and this writer stops.
                err = CommitInDoubt(f"the commit at LSN {cpl} was sent but its pages could not be cached: {e!r}")
                self.stop(err)
                raise err from e
        return commit

    def _sabotage_ship(self, lsn: int) -> None:
        self._sabotage_ship_lsn = max(self._sabotage_ship_lsn, lsn)
        for link in self.links.values():
            link.wake()

    async def commit(self, changes: list[PageChange], commit_ts_us: int | None = None,
                     timeout_ms: int = COMMIT_WAIT_TIMEOUT_MS) -> int:
        """Submit one mini-transaction and wait until it is durable. Returns its CPL."""
        c = await self.submit(changes, commit_ts_us)
        return await c.durable(timeout_ms)

    @property
    def vdl(self) -> int:
        return self.tracker.vdl

    # --- read points (thread-safe: SQL threads pin them) -----------------------------------
    def acquire_read_point(self) -> int:
        """Pin the current VDL as a read point: storage keeps the versions it needs."""
        return self.read_points.pin(lambda: self.tracker.vdl)

    def release_read_point(self, lsn: int) -> None:
        self.read_points.unpin(lsn)

    @property
    def min_read_lsn(self) -> int:
        """The oldest read point this writer or any of its replicas still reads at."""
        own = self.read_points.oldest(self.tracker.vdl if self.tracker else 0)
        replicas = self.replica_read_points.oldest()
        return own if replicas is None else min(own, replicas)

    # --- reading ---------------------------------------------------------------------
    async def get_page(self, page: int, read_lsn: int | None = None) -> bytes:
        """The page as of `read_lsn` (default: the current VDL), from one segment whose
        SCL covers it; a second segment is asked too if the first is slow."""
        return (await self.get_page_version(page, read_lsn))[0]

    async def get_page_version(self, page: int, read_lsn: int | None = None) -> tuple[bytes, int]:
        """(image, LSN of the page's last change at or below the read point)."""
        self._check_open()
        if read_lsn is None:
            read_lsn = self.tracker.vdl
        pg = self.geometry.pg_of_page(page)
        need = self.tracker.read_requirement(pg, read_lsn)
        known = self.tracker.readable_segments(pg, read_lsn)
        order = known + [n for n in self.geometry.segments(pg) if n not in known]
        req = pb.GetPageRequest(volume=self.volume, page=page, read_lsn=read_lsn, required_scl=need)
        return await hedged_read(self.stubs, order, req, self.stats)

    # --- closing -------------------------------------------------------------------------
    async def close(self) -> None:
        """Stop writing. Pending records and a last heartbeat (the final VDL) go out
        first, within a bound, so storage knows everything up to it is durable. Commits
        still not durable after that are in doubt."""
        if self._closing:
            return
        self._closing = True
        await self._stop_links(CLOSE_FLUSH_TIMEOUT_MS)
        for t in self._tasks:
            t.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._fail(VolumeClosed("the volume client is closed"))
        if self._own_transport:
            await self.transport.close()

    async def _stop_links(self, flush_timeout_ms: int = 0) -> None:
        await asyncio.gather(*(link.close(flush_timeout_ms) for link in self.links.values()))

    def link_stats(self) -> dict[str, dict]:
        return {n: {"connected": l.connected, "reconnects": l.reconnects, "sent_bytes": l.sent_bytes,
                    "sent_wire_bytes": l.sent_wire_bytes,
                    "sent_batches": l.sent_batches, "sent_records": l.sent_records}
                for n, l in self.links.items()}


__all__ = ["VolumeClient", "PageChange", "Commit", "SegmentBehind"]
