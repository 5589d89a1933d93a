"""The volume client: the compute node's view of the distributed volume.

It allocates LSNs, turns each mini-transaction into log records, streams every
record to the six segments of its PG, and acknowledges a commit when VDL passes its
CPL. Reads go to one segment whose SCL covers the read point, hedged to a second
after READ_HEDGE_DELAY_MS. Opening a volume recovers it (new epoch, read quorum,
truncation above VDL), which also fences any previous writer.

    vc = await VolumeClient.open(spec)
    lsn = await vc.commit([PageChange.image(0, page_bytes)])
    page = await vc.get_page(0)
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass

import grpc

from sixfold.constants import (
    ADVERTISE_INTERVAL_MS, APPEND_PACE_QUEUE_BYTES, APPEND_PACE_RECORDS, APPEND_PACE_WAIT_TIMEOUT_MS,
    CLOSE_FLUSH_TIMEOUT_MS, COMMIT_WAIT_TIMEOUT_MS, RETRANSMIT_STALLED_MS, LAL_WAIT_TIMEOUT_MS, MTR_RECORDS_MAX,
    PAGE_SIZE_BYTES, READ_HEDGE_DELAY_MS, READ_TIMEOUT_MS, RPC_TIMEOUT_MS, W_QUORUM_COUNT,
)
from sixfold.core.records import KIND_DELTA, KIND_IMAGE, KIND_MARKER, NO_PAGE, LogRecord, encode_delta, encode_record
from sixfold.core.write_tracker import WriteTracker
from sixfold.errors import (
    CommitTimeout, LogAllocationLimit, MiniTransactionTooLarge, QuorumUnavailable, SegmentBehind, SixfoldError,
    StaleEpoch, VolumeClosed, error_from_status,
)
from sixfold.rpc import storage_pb2 as pb
from sixfold.rpc import storage_pb2_grpc as pb_grpc
from sixfold.rpc.channel_options import GRPC_OPTIONS
from sixfold.spec import ClusterSpec
from compute_node.recovery import recover_volume
from compute_node.segment_link import SegmentLink

log = logging.getLogger("sixfold.compute.volume")


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


class Commit:
    """A submitted mini-transaction. `await commit.durable()` returns when VDL >= cpl."""

    __slots__ = ("cpl", "fut")

    def __init__(self, cpl: int, fut: asyncio.Future):
        self.cpl = cpl
        self.fut = fut

    async def durable(self, timeout_ms: int = COMMIT_WAIT_TIMEOUT_MS) -> int:
        """Raises CommitTimeout after `timeout_ms`, StaleEpoch if the writer was fenced."""
        try:
            await asyncio.wait_for(asyncio.shield(self.fut), timeout_ms / 1000)
        except asyncio.TimeoutError:
            raise CommitTimeout(
                f"commit at LSN {self.cpl} not acknowledged by {W_QUORUM_COUNT} of 6 segments "
                f"within {timeout_ms} ms; its outcome is decided by the next recovery") from None
        return self.cpl


class VolumeClient:
    def __init__(self, spec: ClusterSpec, volume: str, writer_id: str):
        self.spec = spec
        self.volume = volume
        self.writer_id = writer_id
        self.geometry = spec.geometry()
        self._channels = {n.name: grpc.aio.insecure_channel(n.address, options=GRPC_OPTIONS)
                          for n in spec.storage_nodes}
        self.stubs = {n: pb_grpc.StorageNodeStub(ch) for n, ch in self._channels.items()}
        self.links: dict[str, SegmentLink] = {}
        self.tracker: WriteTracker | None = None
        self.epoch = 0
        self.pg_count = 0
        self._page_tail: dict[int, int] = {}
        # Records above VDL, resent to a link that (re)connects: without this a record
        # dropped by every link (all down at once) could never complete. At or below
        # VDL, a lagging segment gets records from its peers by gossip instead.
        self._inflight: dict[int, tuple[int, bytes]] = {}  # lsn -> (pg, encoded), insertion = LSN order
        self._vdl_changed = asyncio.Event()
        self._read_points: Counter[int] = Counter()
        self._read_points_lock = threading.Lock()
        self._fenced: StaleEpoch | None = None
        self._closed = False
        self._tasks: list[asyncio.Task] = []
        self.stats = Counter()
        self._submit_lock = asyncio.Lock()

    # --- opening -------------------------------------------------------------------
    @classmethod
    async def open(cls, spec: ClusterSpec, volume: str | None = None, writer_id: str | None = None) -> "VolumeClient":
        """Recover the volume (creating it if new) and become its writer."""
        vc = cls(spec, volume or spec.volume, writer_id or f"writer-{uuid.uuid4().hex[:12]}")
        try:
            await vc._recover()
        except BaseException:
            await vc.close()
            raise
        return vc

    async def _recover(self) -> None:
        t0 = time.monotonic()
        rec = await recover_volume(self.stubs, self.geometry, self.volume, self.writer_id)
        self.epoch, self.pg_count = rec.epoch, rec.pg_count
        self.tracker = WriteTracker(self.geometry.segments, rec.vdl, rec.pg_tails)
        for (pg, node), scl in rec.known_scls.items():
            self.tracker.set_known_scl(pg, node, min(scl, self.tracker.pg_tail(pg)))
        for node, stub in self.stubs.items():
            link = SegmentLink(node, stub, self.volume, self.epoch, rec.truncations, self._on_ack,
                               self._on_fenced, self._hints, self._on_link_connected)
            self.links[node] = link
            link.start()
        self._tasks.append(asyncio.get_running_loop().create_task(self._advertise_loop()))
        t1 = time.monotonic()
        if rec.carry_over:
            await self._carry_over(rec.carry_over)
        rec.phases_ms["carry_over"] = (time.monotonic() - t1) * 1000
        self.recovery_ms = (time.monotonic() - t0) * 1000
        self.recovered = rec

    async def _carry_over(self, records: dict[int, bytes]) -> None:
        """Re-replicate records recovery kept that may sit on fewer than four segments."""
        from sixfold.core.records import decode_record

        need: dict[int, int] = {}
        await self._wait_links_connected()
        for lsn, raw in sorted(records.items()):
            rec = decode_record(raw)
            need[rec.pg] = max(need.get(rec.pg, 0), lsn)
            for node in self.geometry.segments(rec.pg):
                self.links[node].send(raw)

        def done() -> bool:
            return all(sum(self.tracker.acked_scl(pg, n) >= lsn for n in self.geometry.segments(pg)) >= W_QUORUM_COUNT
                       for pg, lsn in need.items())

        await self._wait_for(done, COMMIT_WAIT_TIMEOUT_MS, "carry-over records to reach a write quorum")

    async def _wait_links_connected(self) -> None:
        def enough() -> bool:
            return sum(l.connected for l in self.links.values()) >= W_QUORUM_COUNT
        await self._wait_for(enough, RPC_TIMEOUT_MS, "append streams to open")

    async def _wait_for(self, cond, timeout_ms: int, what: str) -> None:
        deadline = time.monotonic() + timeout_ms / 1000
        while not cond():
            self._check_open()
            left = deadline - time.monotonic()
            if left <= 0:
                raise QuorumUnavailable(f"timed out after {timeout_ms} ms waiting for {what}")
            self._vdl_changed.clear()
            try:
                await asyncio.wait_for(self._vdl_changed.wait(), min(left, 0.05))
            except asyncio.TimeoutError:
                pass

    # --- callbacks from links --------------------------------------------------------
    def _on_ack(self, node: str, scls: list[tuple[int, int]]) -> None:
        tr = self.tracker
        for pg, scl in scls:
            if node not in self.geometry.segments(pg):
                continue
            for fut in tr.on_ack(pg, node, min(scl, tr.pg_tail(pg))):
                if not fut.done():
                    fut.set_result(None)
        inflight, vdl = self._inflight, tr.vdl
        while inflight:
            lsn = next(iter(inflight))
            if lsn > vdl:
                break
            del inflight[lsn]
        self._vdl_changed.set()

    def _on_link_connected(self, link: SegmentLink) -> None:
        for lsn, (pg, raw) in self._inflight.items():
            if link.node in self.geometry.segments(pg) and self.tracker.acked_scl(pg, link.node) < lsn:
                link.send(raw)

    def _on_fenced(self, err: StaleEpoch) -> None:
        if self._fenced is None:
            log.warning("writer %s fenced: %s", self.writer_id, err)
            self._fenced = err
            for fut in self.tracker.abandon_parked():
                if not fut.done():
                    fut.set_exception(StaleEpoch(f"commit refused: this writer was fenced ({err})"))
            self._vdl_changed.set()

    def _hints(self) -> tuple[int, int, int]:
        vdl = self.tracker.vdl if self.tracker else 0
        return vdl, self.min_read_lsn, self.pg_count

    async def _advertise_loop(self) -> None:
        last_vdl, stalled_since = -1, time.monotonic()
        while True:
            await asyncio.sleep(ADVERTISE_INTERVAL_MS / 1000)
            for link in self.links.values():
                link.heartbeat()
            now = time.monotonic()
            if self.tracker.vdl != last_vdl or not self._inflight:
                last_vdl, stalled_since = self.tracker.vdl, now
            elif (now - stalled_since) * 1000 >= RETRANSMIT_STALLED_MS:
                # A safety net: whatever was lost on the way (a record or the SCL report),
                # resending what a connected segment has not acknowledged makes progress
                # possible again; its ack carries the segment's current SCL.
                self.stats["retransmits"] += 1
                for link in self.links.values():
                    if link.connected:
                        self._on_link_connected(link)
                stalled_since = now

    # --- writing -------------------------------------------------------------------------
    def _check_open(self) -> None:
        if self._fenced is not None:
            raise StaleEpoch(f"this writer was fenced by a newer one: {self._fenced}")
        if self._closed:
            raise VolumeClosed("the volume client is closed")

    async def submit(self, changes: list[PageChange], commit_ts_us: int | None = None) -> Commit:
        """Allocate LSNs for one mini-transaction and hand its records to the links.
        Returns at once (after LAL back-pressure); await `.durable()` for the commit."""
        self._check_open()
        if len(changes) > MTR_RECORDS_MAX:
            raise MiniTransactionTooLarge(
                f"transaction too large: it changed {len(changes)} pages, more than the {MTR_RECORDS_MAX} "
                f"({MTR_RECORDS_MAX * PAGE_SIZE_BYTES // 2**20} MiB) one transaction may change; split it")
        async with self._submit_lock:  # LSN order on every link, even while a large MTR paces
            return await self._submit(changes, commit_ts_us)

    def _quorum_has_room(self, pg: int) -> bool:
        links = self.links
        room = sum(1 for n in self.geometry.segments(pg)
                   if links[n].connected and links[n].queued_bytes < APPEND_PACE_QUEUE_BYTES)
        return room >= W_QUORUM_COUNT

    async def _submit(self, changes: list[PageChange], commit_ts_us: int | None) -> Commit:
        tr = self.tracker
        n = max(1, len(changes))
        if not tr.can_allocate(n):
            self.stats["lal_waits"] += 1
            try:
                await self._wait_for(lambda: tr.can_allocate(n), LAL_WAIT_TIMEOUT_MS, "VDL to move (LAL)")
            except QuorumUnavailable as e:
                raise LogAllocationLimit(str(e)) from None
        pgs = [self.geometry.pg_of_page(c.page) for c in changes] or [0]
        allocated = tr.allocate(pgs)
        ts = commit_ts_us if commit_ts_us is not None else time.time_ns() // 1000
        last = len(allocated) - 1
        for i, (lsn, prev) in enumerate(allocated):
            if i and i % APPEND_PACE_RECORDS == 0 and not self._quorum_has_room(pgs[i]):
                pg = pgs[i]
                self.stats["append_paced"] += 1
                try:
                    await self._wait_for(lambda: self._quorum_has_room(pg), APPEND_PACE_WAIT_TIMEOUT_MS,
                                         "append queues to drain")
                except QuorumUnavailable:
                    pass  # send anyway: what a link drops, gossip or the retransmit fills
            if changes:
                c = changes[i]
                page, kind, payload = c.page, c.kind, c.payload
                prev_page = self._page_tail.get(page, 0)
                self._page_tail[page] = lsn
            else:
                page, kind, payload, prev_page = NO_PAGE, KIND_MARKER, b"", 0
            raw = encode_record(LogRecord(lsn, pgs[i], page, prev, prev_page, kind, i == last, self.epoch,
                                          ts if i == last else 0, payload))
            self._inflight[lsn] = (pgs[i], raw)
            for node in self.geometry.segments(pgs[i]):
                self.links[node].send(raw)
            if pgs[i] >= self.pg_count:
                self.pg_count = pgs[i] + 1
        cpl = allocated[-1][0]
        fut = asyncio.get_running_loop().create_future()
        for done in tr.park(cpl, fut):  # already durable (nothing awaited since allocate)
            done.set_result(None)
        self.stats["commits"] += 1
        self.stats["records"] += len(allocated)
        return Commit(cpl, fut)

    async def commit(self, changes: list[PageChange], commit_ts_us: int | None = None,
                     timeout_ms: int = COMMIT_WAIT_TIMEOUT_MS) -> int:
        """Submit one mini-transaction and wait until it is durable. Returns its CPL."""
        c = await self.submit(changes, commit_ts_us)
        try:
            return await c.durable(timeout_ms)
        finally:
            self._check_open()

    @property
    def vdl(self) -> int:
        return self.tracker.vdl

    # --- read points (thread-safe: SQL threads pin them) -----------------------------------
    def acquire_read_point(self) -> int:
        """Pin the current VDL as a read point: storage keeps the versions it needs."""
        with self._read_points_lock:
            lsn = self.tracker.vdl
            self._read_points[lsn] += 1
            return lsn

    def release_read_point(self, lsn: int) -> None:
        with self._read_points_lock:
            self._read_points[lsn] -= 1
            if self._read_points[lsn] <= 0:
                del self._read_points[lsn]

    @property
    def min_read_lsn(self) -> int:
        vdl = self.tracker.vdl if self.tracker else 0
        with self._read_points_lock:
            return min(self._read_points, default=vdl)

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
        return await self._hedged_read(order, req)

    async def _hedged_read(self, order: list[str], req: pb.GetPageRequest) -> tuple[bytes, int]:
        deadline = time.monotonic() + READ_TIMEOUT_MS / 1000
        pending: set[asyncio.Task] = set()
        errors: list[SixfoldError] = []
        queue = list(order)
        try:
            while queue or pending:
                if queue:
                    node = queue.pop(0)
                    pending.add(asyncio.ensure_future(self._read_one(node, req)))
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                wait = min(left, READ_HEDGE_DELAY_MS / 1000) if queue else left
                done, pending = await asyncio.wait(pending, timeout=wait, return_when=asyncio.FIRST_COMPLETED)
                for t in done:
                    try:
                        return t.result()
                    except SixfoldError as e:
                        errors.append(e)
                if done:
                    self.stats["read_retries"] += 1
                elif queue:
                    self.stats["read_hedges"] += 1
        finally:
            for t in pending:
                t.cancel()
        collected = [e for e in errors if e.grpc_status == "OUT_OF_RANGE"]
        if collected:
            raise collected[0]
        raise QuorumUnavailable(f"page {req.page} at LSN {req.read_lsn}: no segment could serve it "
                                f"({'; '.join(str(e) for e in errors[:3]) or 'timed out'})")

    async def _read_one(self, node: str, req: pb.GetPageRequest) -> tuple[bytes, int]:
        try:
            resp = await self.stubs[node].GetPage(req, timeout=READ_TIMEOUT_MS / 1000)
        except grpc.aio.AioRpcError as e:
            raise error_from_status(e.code().name, f"{node}: {e.details()}") from None
        return resp.image, resp.page_lsn

    # --- closing -------------------------------------------------------------------------
    async def close(self) -> None:
        """Stop writing. Queued records and a last heartbeat (the final VDL) go out first,
        within a bound, so storage knows everything up to it is durable."""
        self._closed = True
        for t in self._tasks:
            t.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await asyncio.gather(*(link.close(CLOSE_FLUSH_TIMEOUT_MS) for link in self.links.values()))
        for ch in self._channels.values():
            await ch.close()

    def link_stats(self) -> dict[str, dict]:
        return {n: {"connected": l.connected, "dropped_records": l.dropped_records, "sent_bytes": l.sent_bytes,
                    "sent_batches": l.sent_batches, "sent_records": l.sent_records}
                for n, l in self.links.items()}


__all__ = ["VolumeClient", "PageChange", "Commit", "SegmentBehind"]
