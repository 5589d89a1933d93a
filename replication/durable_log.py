"""The primary's durable log, as the replication server follows it.

The server subscribes to the primary writer's redo stream like a read replica does
(`ComputeNode.Subscribe`), and keeps what it received in a bounded ring. Only records
at or below the writer's VDL count: those are durable on four of six primary segments
and no recovery will ever cut them; records above it wait in the ring and are dropped
when the stream ends (a new writer may truncate them). Nothing above the VDL ever
leaves the region.

When the writer changes (a failover in the primary region), the new writer's stream
starts at its VDL; the records between what the server had and that VDL are read
back from primary storage (`log_fetch.py`), so the durable log the server serves has
no gap. `tails` is each PG's last record at or below the VDL: what a storage read of
an older range must find complete.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

import grpc

from compute_node.redo_stream import RedoRing
from replication.log_fetch import fetch_durable_range
from sixfold.constants import (
    APPEND_RECONNECT_BACKOFF_MS_MIN, REPLICA_RECONNECT_BACKOFF_MS_MAX, REPLICATION_FETCH_LSNS_MAX,
    REPLICATION_PROGRESS_INTERVAL_MS, REPLICATION_RING_BYTES_MAX, REDO_STREAM_SILENCE_MS, RPC_TIMEOUT_MS,
)
from sixfold.core.records import peek_commit_ts_us, peek_header
from sixfold.errors import InvalidMessage, QuorumUnavailable
from sixfold.rpc import compute_pb2 as cpb
from sixfold.rpc import compute_pb2_grpc as cpb_grpc
from sixfold.rpc.channel_options import GRPC_OPTIONS
from sixfold.rpc.transport import GrpcTransport
from sixfold.spec import ClusterSpec

log = logging.getLogger("sixfold.replication.log")


class DurableLog:
    def __init__(self, spec: ClusterSpec, name: str, best_lag_ms: Callable[[], float | None]):
        self.spec = spec
        self.name = name
        self.geometry = spec.geometry()
        self.transport = GrpcTransport()
        self.stubs = {n.name: self.transport.storage_stub(n.address) for n in spec.storage_nodes}
        self.best_lag_ms = best_lag_ms  # reported to the writer (managed RPO)
        self.ring: RedoRing | None = None  # None until the first stream says where the log is
        self.tails: dict[int, int] = {}  # pg -> its last record at or below ring.vdl
        self._above: list[tuple[int, int]] = []  # (lsn, pg) received above ring.vdl, in order
        self.writer = ""
        self.epoch = 0
        self.changed = asyncio.Event()
        self._stop = asyncio.Event()
        self._stream: asyncio.Task | None = None

    @property
    def vdl(self) -> int:
        return self.ring.vdl if self.ring is not None else 0

    # --- following the writer ----------------------------------------------------------
    async def follow(self, writer_admin: Callable[[], tuple[str, str] | None]) -> None:
        backoff_ms = APPEND_RECONNECT_BACKOFF_MS_MIN
        while not self._stop.is_set():
            target = writer_admin()
            if target is not None:
                self._stream = asyncio.ensure_future(self._subscribe(*target))
                try:
                    await self._stream
                    backoff_ms = APPEND_RECONNECT_BACKOFF_MS_MIN
                except asyncio.CancelledError:
                    if self._stop.is_set() or not self._stream.cancelled():
                        raise
                    backoff_ms = APPEND_RECONNECT_BACKOFF_MS_MIN
                    continue
                except (grpc.aio.AioRpcError, InvalidMessage, QuorumUnavailable, asyncio.TimeoutError) as e:
                    log.info("redo stream from %s lost: %s", target[0],
                             e.code().name if isinstance(e, grpc.aio.AioRpcError) else e)
                finally:
                    self._drop_above_vdl()
            try:
                await asyncio.wait_for(self._stop.wait(), backoff_ms / 1000)
            except asyncio.TimeoutError:
                pass
            backoff_ms = min(backoff_ms * 2, REPLICA_RECONNECT_BACKOFF_MS_MAX)

    def retarget(self) -> None:
        if self._stream is not None and not self._stream.done():
            self._stream.cancel()

    def stop(self) -> None:
        self._stop.set()
        self.retarget()

    async def _subscribe(self, writer: str, address: str) -> None:
        channel = grpc.aio.insecure_channel(address, options=GRPC_OPTIONS)
        try:
            call = cpb_grpc.ComputeNodeStub(channel).Subscribe()
            await call.write(self._progress(resume_after_lsn=self.vdl))
            reporter = asyncio.ensure_future(self._report(call))
            try:
                first = await asyncio.wait_for(call.read(), RPC_TIMEOUT_MS / 1000)
                if first is grpc.aio.EOF:
                    return
                await self._start(writer, first)
                while True:
                    batch = await asyncio.wait_for(call.read(), REDO_STREAM_SILENCE_MS / 1000)
                    if batch is grpc.aio.EOF:
                        return
                    self._receive(batch)
            finally:
                reporter.cancel()
                call.cancel()
        finally:
            await channel.close()

    def _progress(self, **kw) -> cpb.ReplicaProgress:
        lag = self.best_lag_ms()
        return cpb.ReplicaProgress(name=self.name, min_read_lsn=self.vdl, applied_vdl=self.vdl,
                                   replication_server=True, best_secondary_lag_ms=-1.0 if lag is None else lag, **kw)

    async def _report(self, call) -> None:
        while True:
            await asyncio.sleep(REPLICATION_PROGRESS_INTERVAL_MS / 1000)
            await call.write(self._progress())

    async def _start(self, writer: str, first: cpb.RedoBatch) -> None:
        if first.epoch < self.epoch:
            raise InvalidMessage(f"{writer} is at epoch {first.epoch}, behind epoch {self.epoch} already followed")
        start = first.start_lsn
        if self.ring is None:
            self.ring = RedoRing(start, REPLICATION_RING_BYTES_MAX)
            self.tails = {t.pg: t.lsn for t in first.pg_tails}
            log.info("following %s (epoch %d): the durable log starts at LSN %d", writer, first.epoch, start)
        elif first.reset:
            if start < self.vdl:
                raise InvalidMessage(f"{writer} starts at VDL {start}, below the durable {self.vdl} already served")
            self._drop_above_vdl()
            tails = {t.pg: t.lsn for t in first.pg_tails}
            cursor = self.vdl
            while cursor < start:  # the gap to the new writer, from primary storage
                up_to = min(start, cursor + REPLICATION_FETCH_LSNS_MAX)
                records = await fetch_durable_range(self.stubs, self.geometry, self.spec.volume, cursor, up_to, tails)
                self.ring.append(records)
                self._note(records)
                self._advance(up_to)
                cursor = up_to
            log.info("following %s (epoch %d) from LSN %d", writer, first.epoch, start)
        elif start != self.vdl:
            raise InvalidMessage(f"{writer} resumed at {start}, the durable log is at {self.vdl}")
        self.writer, self.epoch = writer, first.epoch
        self._receive(first)

    def _receive(self, batch: cpb.RedoBatch) -> None:
        ring = self.ring
        for i, raw in enumerate(batch.records):
            lsn = peek_header(raw)[0]
            if lsn != ring.next_lsn + i:
                raise InvalidMessage(f"redo stream skipped from {ring.next_lsn + i - 1} to {lsn}")
        ring.append(list(batch.records))
        self._note(batch.records)
        target = min(batch.vdl, ring.next_lsn - 1)
        if target > ring.vdl:
            self._advance(target)

    def _note(self, records) -> None:
        self._above.extend(peek_header(raw)[:2] for raw in records)

    def _advance(self, vdl: int) -> None:
        above, n = self._above, 0
        while n < len(above) and above[n][0] <= vdl:
            lsn, pg = above[n]
            self.tails[pg] = lsn
            n += 1
        del above[:n]
        self.ring.advance(vdl)
        self.changed.set()

    def _drop_above_vdl(self) -> None:
        """Records above the VDL may be cut by a new writer's recovery: forget them."""
        ring = self.ring
        if ring is None or ring.next_lsn == ring.vdl + 1:
            return
        ring.truncate_after(ring.vdl)
        self._above.clear()

    # --- reading ------------------------------------------------------------------------
    async def read(self, after: int, max_bytes: int) -> list[bytes]:
        """Durable records above `after` (at most `max_bytes`, at least one when any):
        from the ring, or from primary storage when the ring no longer holds them."""
        ring = self.ring
        vdl = ring.vdl
        if after >= vdl:
            return []
        if ring.holds_after(after):
            out = []
            for raw in ring.read(after, max_bytes):
                if peek_header(raw)[0] > vdl:
                    break
                out.append(raw)
            return out
        up_to = min(vdl, after + REPLICATION_FETCH_LSNS_MAX, ring.first_lsn - 1)
        return await fetch_durable_range(self.stubs, self.geometry, self.spec.volume, after, up_to, dict(self.tails))

    async def commit_ts_at(self, lsn: int) -> int | None:
        """Commit time of the commit whose last record is `lsn`: 0 when no commit ends
        there, None when `lsn` is above the durable log."""
        ring = self.ring
        if lsn > self.vdl:
            return None
        if ring.holds_after(lsn - 1):
            raws = ring.read(lsn - 1, 1)
        else:
            raws = await fetch_durable_range(self.stubs, self.geometry, self.spec.volume, lsn - 1, lsn, dict(self.tails))
        assert raws and peek_header(raws[0])[0] == lsn, "a durable LSN reads back as itself"
        return peek_commit_ts_us(raws[0]) if peek_header(raws[0])[3] else 0

    def commit_ts_after(self, lsn: int) -> int | None:
        """Commit time of the first commit above `lsn`, when the ring still holds it."""
        ring = self.ring
        if ring is None:
            return None
        return ring.first_commit_ts_after(lsn)

    async def close(self) -> None:
        self.stop()
        await self.transport.close()
