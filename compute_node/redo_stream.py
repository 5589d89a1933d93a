"""The writer's side of the redo stream its read replicas follow.

`RedoRing` keeps the writer's recent redo: every record it sent, in LSN order, while it
fits in REDO_RING_BYTES_MAX (records above VDL always stay: LAL bounds them). Each
replica subscribes (`serve_subscriber`): it says where it is (`resume_after_lsn`, the
VDL it applied), and gets every record after that and the VDL each time it moves. A
replica the ring cannot serve from where it is (new, too far behind, or following a
new writer) is reset: it drops its cache and starts at the current VDL, with the last
record of every PG at or below it (what a storage read there needs).

What a replica reports back (its oldest read point) goes into the writer's minimum
read point, so storage never collects a page version a replica still reads.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time

from sixfold.constants import (
    REDO_BATCH_BYTES_MAX, REDO_HEARTBEAT_INTERVAL_MS, REDO_RING_BYTES_MAX, REPLICA_READ_POINT_GRACE_MS,
)
from sixfold.core.records import peek_commit_ts_us, peek_header
from sixfold.rpc import compute_pb2 as cpb

log = logging.getLogger("sixfold.compute.redo")


class ReplicaReadPoints:
    """The oldest read point each replica reported (thread-safe). A replica's entry
    outlives its stream by REPLICA_READ_POINT_GRACE_MS, so a replica that reconnects
    never has its open transactions' page versions collected in between; one that does
    not come back stops holding storage's GC back after that."""

    def __init__(self) -> None:
        self._points: dict[str, tuple[int, float | None]] = {}  # name -> (lsn, expires at, None while connected)
        self._lock = threading.Lock()

    def report(self, name: str, lsn: int) -> None:
        with self._lock:
            self._points[name] = (lsn, None)

    def disconnected(self, name: str) -> None:
        with self._lock:
            if name in self._points:
                self._points[name] = (self._points[name][0], time.monotonic() + REPLICA_READ_POINT_GRACE_MS / 1000)

    def oldest(self) -> int | None:
        now = time.monotonic()
        with self._lock:
            for name in [n for n, (_l, exp) in self._points.items() if exp is not None and exp < now]:
                del self._points[name]
            return min((lsn for lsn, _exp in self._points.values()), default=None)

    def names(self) -> list[str]:
        with self._lock:
            return sorted(self._points)


class RedoRing:
    """Recent redo in LSN order. Lives on the volume client's event loop."""

    def __init__(self, start_lsn: int, max_bytes: int = REDO_RING_BYTES_MAX):
        self.max_bytes = max_bytes
        self._raw: list[bytes] = []
        self._head = 0  # index of the oldest live entry
        self._base = start_lsn + 1  # LSN of _raw[0]
        self._bytes = 0
        self.vdl = start_lsn
        self.vdl_commit_ts_us = 0
        self.changed = asyncio.Event()

    @property
    def first_lsn(self) -> int:
        """The oldest LSN still held (the next one to come when empty)."""
        return self._base + self._head

    @property
    def next_lsn(self) -> int:
        return self._base + len(self._raw)

    def append(self, raws: list[bytes]) -> None:
        """Records just sent, in LSN order, continuing the ring."""
        for raw in raws:
            assert peek_header(raw)[0] == self.next_lsn, "the redo ring is dense"
            self._raw.append(raw)
            self._bytes += len(raw)
        self._trim()
        self.changed.set()

    def advance(self, vdl: int) -> None:
        if vdl <= self.vdl:
            return
        self.vdl = vdl
        i = vdl - self._base
        if 0 <= i < len(self._raw) and i >= self._head:
            self.vdl_commit_ts_us = peek_commit_ts_us(self._raw[i])
        self._trim()
        self.changed.set()

    def _trim(self) -> None:
        raw, head = self._raw, self._head
        while self._bytes > self.max_bytes and head < len(raw) and self._base + head <= self.vdl:
            self._bytes -= len(raw[head])
            head += 1
        self._head = head
        if head > 4096 and head * 2 > len(raw):
            del raw[:head]
            self._base += head
            self._head = 0

    def truncate_after(self, lsn: int) -> None:
        """Forget the records above `lsn` (at or above the VDL: they were never durable)."""
        assert lsn >= self.vdl, "durable records are never forgotten"
        keep = max(lsn + 1 - self._base, self._head)
        for raw in self._raw[keep:]:
            self._bytes -= len(raw)
        del self._raw[keep:]

    def first_commit_ts_after(self, lsn: int) -> int | None:
        """Commit time of the first commit above `lsn` at or below the VDL, when held."""
        if not self.holds_after(lsn):
            return None
        for i in range(lsn + 1 - self._base, min(len(self._raw), self.vdl + 1 - self._base)):
            raw = self._raw[i]
            if peek_header(raw)[3]:
                return peek_commit_ts_us(raw)
        return None

    def holds_after(self, lsn: int) -> bool:
        """Whether every record above `lsn` is still here."""
        return self.first_lsn <= lsn + 1 <= self.next_lsn

    def read(self, after_lsn: int, max_bytes: int = REDO_BATCH_BYTES_MAX) -> list[bytes]:
        """Records above `after_lsn` (which must be held), at most `max_bytes` (at least one)."""
        assert self.holds_after(after_lsn)
        out, size = [], 0
        for i in range(after_lsn + 1 - self._base, len(self._raw)):
            raw = self._raw[i]
            if out and size + len(raw) > max_bytes:
                break
            out.append(raw)
            size += len(raw)
        return out


async def serve_subscriber(vc, ring: RedoRing, writer_name: str, request_iterator, context) -> None:
    """One replica's subscription (the `ComputeNode.Subscribe` handler on the writer)."""
    it = request_iterator.__aiter__()
    try:
        first = await it.__anext__()
    except StopAsyncIteration:
        return  # the replica went away before saying which it is
    name = first.name
    vc.replica_read_points.report(name, first.min_read_lsn)  # before anything: it may hold a read point
    reader = asyncio.ensure_future(_read_progress(vc, name, it))

    def batch(**kw) -> cpb.RedoBatch:
        return cpb.RedoBatch(epoch=vc.epoch, vdl=ring.vdl, vdl_commit_ts_us=ring.vdl_commit_ts_us,
                             writer=writer_name, **kw)

    async def reset() -> int:
        start, tr = ring.vdl, vc.tracker
        tails = [cpb.PgTail(pg=pg, lsn=lsn) for pg in range(vc.pg_count) if (lsn := tr.read_requirement(pg, start))]
        await context.write(batch(start_lsn=start, reset=True, pg_tails=tails))
        return start

    try:
        cursor = first.resume_after_lsn
        if 0 < cursor <= ring.vdl and ring.holds_after(cursor):
            await context.write(batch(start_lsn=cursor))
            log.info("replica %s resumes after LSN %d", name, cursor)
        else:
            cursor = await reset()
            log.info("replica %s starts at VDL %d, with a fresh cache", name, cursor)
        sent_vdl = ring.vdl
        while not reader.done():
            if not ring.holds_after(cursor):
                log.warning("replica %s fell behind the redo ring (at %d, the ring starts at %d): it resets",
                            name, cursor, ring.first_lsn)
                cursor = await reset()
                sent_vdl = ring.vdl
                continue
            records = ring.read(cursor) if cursor + 1 < ring.next_lsn else []
            if records or ring.vdl != sent_vdl:
                cursor += len(records)
                sent_vdl = ring.vdl
                await context.write(batch(records=records))
                continue
            ring.changed.clear()
            waiter = asyncio.ensure_future(ring.changed.wait())
            try:
                done, _ = await asyncio.wait({waiter, reader}, timeout=REDO_HEARTBEAT_INTERVAL_MS / 1000,
                                             return_when=asyncio.FIRST_COMPLETED)
            finally:  # also when the subscription is cancelled (the writer stopping): no task left pending
                waiter.cancel()
            if not done:
                await context.write(batch())  # a heartbeat: the replica knows the writer is there
    finally:
        reader.cancel()
        vc.replica_read_points.disconnected(name)


async def _read_progress(vc, name: str, it) -> None:
    """The replica's reports: its oldest read point holds storage's GC back."""
    try:
        async for progress in it:
            vc.replica_read_points.report(name, progress.min_read_lsn)
            if progress.replication_server:
                vc.note_secondary_lag(progress.best_secondary_lag_ms if progress.best_secondary_lag_ms >= 0 else None)
    except Exception:  # noqa: BLE001 - the stream ended: the subscription ends with it
        pass
