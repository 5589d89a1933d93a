"""A read replica's view of the volume: the same storage, no copy of the data.

A replica never bumps the epoch and never appends. It follows the writer's redo
stream (`compute_node/redo_stream.py`): records arrive in LSN order with the VDL as it
moves. Records at or below the VDL are applied to the pages it caches, and only
noted for the pages it does not (a later storage read brings those). Reads happen
at the highest VDL fully received and applied (the read point): never half a
transaction (a VDL is always a commit's last record), never above what four of six
segments hold, never going backwards (the read point only grows, and a writer whose
VDL is behind it is not followed). Records above the VDL wait: a writer that dies may
have them truncated.

A replica that cannot stay in step (new, fell behind the writer's redo ring, or the
writer changed and storage cannot fill the gap within a bound) drops its cache and
starts again at the writer's current VDL, and says so in its log. It reports its
oldest read point to the writer, which keeps storage from collecting what it reads.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable

import grpc

from sixfold import sabotage
from sixfold.clock import wall_us
from sixfold.constants import (
    APPEND_RECONNECT_BACKOFF_MS_MIN, LOG_FETCH_BYTES_MAX, REDO_STREAM_SILENCE_MS, REPLICA_CATCH_UP_RECORDS_MAX,
    REPLICA_PENDING_RECORDS_MAX, REPLICA_PG_LSNS_KEPT_MAX, REPLICA_PROGRESS_INTERVAL_MS, REPLICA_RECONNECT_BACKOFF_MS_MAX,
    RPC_TIMEOUT_MS,
)
from sixfold.core.records import NO_PAGE, SCHEMA_HEADER_PAGE, apply_record, decode_record, peek_commit_ts_us, peek_header, peek_page_kind
from sixfold.errors import InvalidMessage, ReplicaNotReady
from sixfold.rpc import compute_pb2 as cpb
from sixfold.rpc import compute_pb2_grpc as cpb_grpc
from sixfold.rpc import storage_pb2 as pb
from sixfold.rpc.channel_options import GRPC_OPTIONS
from sixfold.rpc.fetch_answers import fetch_is_complete
from sixfold.rpc.transport import GrpcTransport, Transport
from sixfold.spec import ClusterSpec
from compute_node.buffer_cache import BufferCache
from compute_node.page_reads import hedged_read
from compute_node.read_points import ReadPoints

log = logging.getLogger("sixfold.compute.replica")
_READ_AHEAD = sabotage.active("replica-read-ahead")


class ReplicaVolume:
    def __init__(self, spec: ClusterSpec, name: str, cache: BufferCache, transport: Transport | None = None,
                 read_points: ReadPoints | None = None):
        self.spec = spec
        self.name = name
        self.volume = spec.volume
        self.geometry = spec.geometry()
        self.cache = cache
        self.transport = transport or GrpcTransport()
        self.stubs = {n.name: self.transport.storage_stub(n.address) for n in spec.storage_nodes}
        self.read_point = 0  # the VDL fully received and applied: every read happens here
        # Moves whenever what readers see of page 1 (the schema version) may change:
        # sessions check their prepared statements against the schema only then.
        self.schema_epoch = 0
        self.read_point_ts_us = 0  # commit time of the transaction at the read point
        self.writer_vdl = 0  # the newest VDL the writer told
        self.writer_vdl_ts_us = 0
        self.epoch = 0  # of the writer followed
        self.writer = ""  # its name
        # Has a read point the writer's stream established: stays so when the stream ends
        # (the cache is still right at the read point), which is exactly when a replica
        # may be promoted; false until the first stream starts.
        self.synced = False
        self._received = 0  # the last LSN received (records are dense)
        self._pending: list[bytes] = []  # received records above the read point, in LSN order
        self._pg_lsns: dict[int, list[int]] = {}  # pg -> its recent record LSNs at or below the read point
        self.read_points = read_points or ReadPoints()
        self._lock = threading.Lock()  # the read point (SQL threads pin it while the loop moves it)
        self.stats = Counter()
        self.visible_delay_ms: list[float] = []  # commit -> visible here, per applied VDL (bounded)
        self._stop = asyncio.Event()
        self._stream_task: asyncio.Task | None = None  # the subscription in progress

    # --- read points (thread-safe) -----------------------------------------------------
    def acquire_read_point(self) -> int:
        with self._lock:
            if not self.synced:
                raise ReplicaNotReady(f"read replica {self.name} has not received a read point from a writer yet; "
                                      "retry in a moment")
            return self.read_points.pin(lambda: self.read_point)

    def release_read_point(self, lsn: int) -> None:
        self.read_points.unpin(lsn)

    @property
    def min_read_lsn(self) -> int:
        return self.read_points.oldest(self.read_point)

    @property
    def vdl(self) -> int:
        return self.read_point

    @property
    def lag_lsn(self) -> int:
        return max(0, self.writer_vdl - self.read_point)

    @property
    def lag_ms(self) -> float:
        if self.lag_lsn == 0 or not self.read_point_ts_us:
            return 0.0
        return max(0.0, (self.writer_vdl_ts_us - self.read_point_ts_us) / 1000)

    # --- reading ---------------------------------------------------------------------
    def read_requirement(self, pg: int, read_lsn: int) -> int:
        """The SCL a segment of `pg` needs to serve a read at `read_lsn`: the PG's last
        record at or below it, as far as the stream told (else `read_lsn` itself)."""
        lsns = self._pg_lsns.get(pg)
        if not lsns:
            return 0
        i = bisect_right(lsns, read_lsn)
        return lsns[i - 1] if i else min(read_lsn, lsns[0])

    async def get_page_version(self, page: int, read_lsn: int | None = None) -> tuple[bytes, int]:
        if read_lsn is None:
            read_lsn = self.read_point
        pg = self.geometry.pg_of_page(page)
        req = pb.GetPageRequest(volume=self.volume, page=page, read_lsn=read_lsn,
                                required_scl=self.read_requirement(pg, read_lsn))
        return await hedged_read(self.stubs, list(self.geometry.segments(pg)), req, self.stats)

    # --- following the writer -------------------------------------------------------------
    async def follow(self, writer_admin: Callable[[], tuple[str, str] | None]) -> None:
        """Follow whichever writer `writer_admin()` names ((name, admin address), or None
        while unknown), reconnecting with backoff, until `stop()`."""
        backoff_ms = APPEND_RECONNECT_BACKOFF_MS_MIN
        while not self._stop.is_set():
            target = writer_admin()
            if target is not None and target[0] != self.name:
                self._stream_task = asyncio.ensure_future(self._subscribe(*target))
                try:
                    await self._stream_task
                    backoff_ms = APPEND_RECONNECT_BACKOFF_MS_MIN
                except asyncio.CancelledError:
                    if self._stop.is_set() or not self._stream_task.cancelled():
                        raise
                    backoff_ms = APPEND_RECONNECT_BACKOFF_MS_MIN  # retargeted: the new writer at once
                    continue
                except (grpc.aio.AioRpcError, InvalidMessage, asyncio.TimeoutError) as e:
                    if self.writer:
                        log.info("redo stream from %s lost: %s", target[0],
                                 e.code().name if isinstance(e, grpc.aio.AioRpcError) else e)
            try:
                await asyncio.wait_for(self._stop.wait(), backoff_ms / 1000)
            except asyncio.TimeoutError:
                pass
            backoff_ms = min(backoff_ms * 2, REPLICA_RECONNECT_BACKOFF_MS_MAX)

    def stop(self) -> None:
        self._stop.set()

    def restart(self) -> None:
        """Follow again after a `stop()` (a promotion that failed)."""
        self._stop.clear()

    def retarget(self) -> None:
        """Drop the current stream: the follow loop subscribes to whichever writer the
        topology names now."""
        if self._stream_task is not None and not self._stream_task.done():
            self._stream_task.cancel()

    async def _subscribe(self, writer: str, address: str) -> None:
        channel = grpc.aio.insecure_channel(address, options=GRPC_OPTIONS)
        try:
            call = cpb_grpc.ComputeNodeStub(channel).Subscribe()
            await call.write(cpb.ReplicaProgress(name=self.name, resume_after_lsn=self.read_point,
                                                 min_read_lsn=self.min_read_lsn))
            reporter = asyncio.ensure_future(self._report(call))
            try:
                first = await asyncio.wait_for(call.read(), RPC_TIMEOUT_MS / 1000)
                if first is grpc.aio.EOF:
                    return
                await self._start(writer, first)
                while True:
                    # The writer sends at least a heartbeat every REDO_HEARTBEAT_INTERVAL_MS: a
                    # silent stream is a writer paused or cut off.
                    batch = await asyncio.wait_for(call.read(), REDO_STREAM_SILENCE_MS / 1000)
                    if batch is grpc.aio.EOF:
                        return
                    self._apply_batch(batch)
            finally:
                reporter.cancel()
                call.cancel()
        finally:
            await channel.close()

    async def _report(self, call) -> None:
        while True:
            await asyncio.sleep(REPLICA_PROGRESS_INTERVAL_MS / 1000)
            await call.write(cpb.ReplicaProgress(name=self.name, applied_vdl=self.read_point,
                                                 min_read_lsn=self.min_read_lsn))

    async def _start(self, writer: str, first: cpb.RedoBatch) -> None:
        if first.epoch < self.epoch or (first.reset and first.start_lsn < self.read_point):
            # A writer behind what this replica already serves (an old one, fenced but
            # alive): following it would make reads go backwards.
            raise InvalidMessage(f"{writer} (epoch {first.epoch}, at {first.start_lsn}) is behind this replica "
                                 f"(epoch {self.epoch}, at {self.read_point})")
        if first.reset:
            tails = {t.pg: t.lsn for t in first.pg_tails}
            self._pending.clear()
            if self.read_point and writer != self.writer:
                # A new writer: fill the gap from storage and keep the cache warm.
                await self.catch_up_from_storage(first.start_lsn, tails)
            else:
                self.reset(first.start_lsn, tails, f"{writer} could not resume this replica's stream")
            if first.vdl == first.start_lsn:
                self.read_point_ts_us = first.vdl_commit_ts_us
        elif first.start_lsn != self.read_point:
            raise InvalidMessage(f"{writer} resumed at {first.start_lsn}, this replica is at {self.read_point}")
        self._received = first.start_lsn
        self._pending.clear()
        self.epoch, self.writer = first.epoch, writer
        self.synced = True
        self._apply_batch(first)
        log.info("following %s (epoch %d) from LSN %d", writer, first.epoch, self.read_point)

    def reset(self, start_lsn: int, pg_tails: dict[int, int], why: str) -> None:
        """Drop the cache and start over at `start_lsn` (a VDL of the writer followed)."""
        log.warning("replica %s drops its cache and restarts at LSN %d: %s", self.name, start_lsn, why)
        self.stats["resets"] += 1
        self.schema_epoch += 1
        with self._lock:
            self.read_point = max(self.read_point, start_lsn)
        self.cache.clear(self.read_point)
        self._pg_lsns = {pg: [lsn] for pg, lsn in pg_tails.items()}

    def _apply_batch(self, batch: cpb.RedoBatch) -> None:
        for raw in batch.records:
            lsn = peek_header(raw)[0]
            if lsn != self._received + 1:
                raise InvalidMessage(f"redo stream skipped from {self._received} to {lsn}")
            self._received = lsn
            self._pending.append(raw)
        if len(self._pending) > REPLICA_PENDING_RECORDS_MAX:
            raise InvalidMessage(f"more than {REPLICA_PENDING_RECORDS_MAX} records above the VDL")
        if batch.vdl > self.writer_vdl:
            self.writer_vdl, self.writer_vdl_ts_us = batch.vdl, batch.vdl_commit_ts_us
        # Sabotage (chaos runs only): read what arrived, durable or not, whole or not.
        target = self._received if _READ_AHEAD else min(batch.vdl, self._received)
        if target > self.read_point:
            self._apply_up_to(target)

    def _apply_up_to(self, vdl: int) -> None:
        """Apply the pending records at or below `vdl` (a commit boundary) and move the
        read point there: readers see the whole transaction or none of it."""
        n = 0
        pending = self._pending
        ts = 0
        min_read = self.min_read_lsn
        header = False  # a record changes page 1, whose header holds the schema version
        while n < len(pending) and peek_header(pending[n])[0] <= vdl:
            raw = pending[n]
            n += 1
            lsn, pg, _prev, cpl, _epoch = peek_header(raw)
            if cpl:
                ts = peek_commit_ts_us(raw)
            self._note_pg(pg, lsn)
            page, _kind = peek_page_kind(raw)
            header = header or page == SCHEMA_HEADER_PAGE
            if page != NO_PAGE:
                self.cache.apply_change(page, lsn, lambda img, raw=raw: apply_record(img, decode_record(raw)),
                                        vdl, min_read)
        del pending[:n]
        if header:  # before readers can see it: a session's prepared statements look again
            self.schema_epoch += 1
        with self._lock:
            self.read_point = vdl
        if ts:
            self.read_point_ts_us = ts
            delay = (wall_us() - ts) / 1000
            if len(self.visible_delay_ms) < 100_000:
                self.visible_delay_ms.append(delay)
        self.stats["applied_records"] += n

    def _note_pg(self, pg: int, lsn: int) -> None:
        lsns = self._pg_lsns.setdefault(pg, [])
        lsns.append(lsn)
        if len(lsns) > REPLICA_PG_LSNS_KEPT_MAX:
            del lsns[: len(lsns) - REPLICA_PG_LSNS_KEPT_MAX]

    # --- catching up from storage --------------------------------------------------------
    async def catch_up_from_storage(self, to_lsn: int, pg_tails: dict[int, int]) -> bool:
        """Bring the cache from the read point to `to_lsn` (a new writer's VDL) with the
        records storage holds in between, so the cache stays warm across a change of
        writer. `pg_tails`: each PG's last record at or below `to_lsn`. Returns False
        (cache dropped, restarted at `to_lsn`) when there are more than
        REPLICA_CATCH_UP_RECORDS_MAX records to fetch or a PG cannot be read."""
        start = self.read_point
        if to_lsn <= start:
            return True
        wanted = [pg for pg, tail in pg_tails.items() if tail > start]
        fetched: list[bytes] = []
        for pg in wanted:
            got = await self._fetch_pg(pg, start, to_lsn, pg_tails[pg])
            if got is None or len(fetched) + len(got) > REPLICA_CATCH_UP_RECORDS_MAX:
                self.reset(to_lsn, pg_tails, "the gap to the new writer could not be read from storage")
                return False
            fetched += got
        fetched.sort(key=lambda raw: peek_header(raw)[0])
        n_fetched = len(fetched)
        self._pending = fetched  # applying empties it
        self._received = to_lsn
        self._apply_up_to(to_lsn)
        for pg, tail in pg_tails.items():
            if tail and (not self._pg_lsns.get(pg) or self._pg_lsns[pg][-1] < tail):
                self._note_pg(pg, tail)
        log.info("replica %s caught up from %d to %d with %d records of %d PGs from storage", self.name, start,
                 to_lsn, n_fetched, len(wanted))
        return True

    async def _fetch_pg(self, pg: int, after: int, up_to: int, tail: int) -> list[bytes] | None:
        """Every record of `pg` in (after, up_to] from one segment complete to `tail`.
        Asks every segment at once and takes the first complete answer: a node cut off
        by a partition must not hold a promotion up for an RPC timeout. An answer is
        complete when the segment's SCL reaches `tail`, it has not trimmed its log above
        `after` (records folded into pages and gone: a replica cut off from its writer no
        longer holds the GC horizon back) and the answer was not cut by a limit; None
        when no segment gives one."""
        request = pb.FetchRequest(volume=self.volume, ranges=[pb.FetchRange(pg=pg, after_lsn=after, up_to_lsn=up_to)],
                                  max_records=REPLICA_CATCH_UP_RECORDS_MAX + 1, max_bytes=LOG_FETCH_BYTES_MAX)
        calls = [asyncio.ensure_future(self.stubs[node].FetchRecords(request, timeout=RPC_TIMEOUT_MS / 1000))
                 for node in self.geometry.segments(pg)]
        try:
            for next_done in asyncio.as_completed(calls):
                try:
                    resp = await next_done
                except grpc.aio.AioRpcError:
                    continue
                if fetch_is_complete(resp, pg, after, tail):
                    return list(resp.records)
            return None
        finally:
            for c in calls:
                c.add_done_callback(lambda f: f.cancelled() or f.exception())
                c.cancel()

