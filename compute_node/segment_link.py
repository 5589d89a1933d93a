"""One writer-to-storage-node append stream.

The commit path only ever appends encoded records to the link's outgoing buffer and
never waits on one node: the sender task packs the buffer into AppendRequests, the
receiver task feeds acks to the write tracker. A node that is down, slow or paused
loses records past APPEND_QUEUE_BYTES_MAX; it fills the gap later by gossip with its
peers, so four healthy segments keep commits flowing.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Callable

import grpc

from sixfold.constants import (
    APPEND_BATCH_BYTES_MAX, APPEND_IN_FLIGHT_BATCHES_MAX, APPEND_QUEUE_BYTES_MAX, APPEND_RECONNECT_BACKOFF_MS_MAX,
    APPEND_RECONNECT_BACKOFF_MS_MIN,
)
from sixfold.errors import StaleEpoch
from sixfold.rpc import storage_pb2 as pb
from sixfold.rpc import storage_pb2_grpc as pb_grpc

log = logging.getLogger("sixfold.compute.link")


class StreamClosed(Exception):
    """The node ended the append stream without a status (it went away)."""


class SegmentLink:
    def __init__(
        self,
        node: str,
        stub: pb_grpc.StorageNodeStub,
        volume: str,
        epoch: int,
        truncations: dict[int, int],
        on_ack: Callable[[str, list[tuple[int, int]]], None],
        on_fenced: Callable[[StaleEpoch], None],
        hints: Callable[[], tuple[int, int, int]],
        on_connected: Callable[["SegmentLink"], None],
    ):
        self.node = node
        self.stub = stub
        self.volume = volume
        self.epoch = epoch
        self.truncations = truncations
        self._on_ack = on_ack
        self._on_fenced = on_fenced
        self._hints = hints  # () -> (vdl, min_read_lsn, pg_count)
        self._on_connected = on_connected  # resend the writer's in-flight records
        self._buf: deque[bytes] = deque()
        self._buf_bytes = 0
        self._wake = asyncio.Event()
        self._batch_id = 0
        # Record batches sent and not yet acknowledged: while the window is full, new
        # records accumulate and leave together in the next batch (group commit).
        self._unacked: deque[tuple[int, bool]] = deque()  # (batch_id, carries records)
        self._window = asyncio.Semaphore(APPEND_IN_FLIGHT_BATCHES_MAX)
        self.connected = False
        self.dropped_records = 0
        self.sent_bytes = 0
        self.sent_batches = 0  # AppendRequests that carried records
        self.sent_records = 0
        self._task: asyncio.Task | None = None
        self._closed = False

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def close(self, flush_timeout_ms: int = 0) -> None:
        """Stop. With a flush timeout, first send what is queued plus a last heartbeat
        (the final VDL, so peers may gossip everything up to it)."""
        self._closed = True
        if self._task and flush_timeout_ms and self.connected:
            self._wake.set()
            try:
                await asyncio.wait_for(asyncio.shield(self._task), flush_timeout_ms / 1000)
            except (asyncio.TimeoutError, Exception):
                pass
        if self._task:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)

    def send(self, raw: bytes) -> None:
        """Queue one encoded record; never blocks. Drops it if the node is not keeping up."""
        if not self.connected or self._buf_bytes + len(raw) > APPEND_QUEUE_BYTES_MAX:
            self.dropped_records += 1
            return
        self._buf.append(raw)
        self._buf_bytes += len(raw)
        self._wake.set()

    @property
    def queued_bytes(self) -> int:
        """Encoded records waiting to be sent."""
        return self._buf_bytes

    def heartbeat(self) -> None:
        self._wake.set()

    async def _run(self) -> None:
        backoff_ms = APPEND_RECONNECT_BACKOFF_MS_MIN
        while True:
            try:
                await self._stream()
                backoff_ms = APPEND_RECONNECT_BACKOFF_MS_MIN
            except StaleEpoch as e:
                self._on_fenced(e)
                return
            except grpc.aio.AioRpcError as e:
                if e.code() == grpc.StatusCode.FAILED_PRECONDITION:
                    self._on_fenced(StaleEpoch(f"{self.node}: {e.details()}"))
                    return
                if self.connected:
                    log.info("append stream to %s lost: %s", self.node, e.code().name)
            except StreamClosed:
                if self.connected and not self._closed:
                    log.info("append stream to %s closed", self.node)
            finally:
                if self.connected:
                    self.connected = False
                self.dropped_records += len(self._buf)
                self._buf.clear()
                self._buf_bytes = 0
            if self._closed:
                return
            await asyncio.sleep(backoff_ms / 1000)
            backoff_ms = min(backoff_ms * 2, APPEND_RECONNECT_BACKOFF_MS_MAX)

    async def _stream(self) -> None:
        self._unacked.clear()
        self._window = asyncio.Semaphore(APPEND_IN_FLIGHT_BATCHES_MAX)
        call = self.stub.Append()
        vdl, min_read, pg_count = self._hints()
        await call.write(pb.AppendRequest(
            volume=self.volume, epoch=self.epoch, batch_id=self._next_id(False), vdl_hint=vdl, min_read_lsn=min_read,
            pg_count=pg_count,
            truncations=[pb.Truncation(epoch=e, above_lsn=t) for e, t in sorted(self.truncations.items())]))
        first = await call.read()
        if first is grpc.aio.EOF:
            raise StreamClosed(self.node)
        if first.scls:
            self._on_ack(self.node, [(s.pg, s.scl) for s in first.scls])
        self.connected = True
        log.info("append stream to %s open", self.node)
        self._on_connected(self)
        reader = asyncio.get_running_loop().create_task(self._read_acks(call))
        try:
            while True:
                await self._wake.wait()
                # One turn of the loop lets other committers that are ready add their
                # records, so concurrent commits share one message (and one fsync).
                await asyncio.sleep(0)
                self._wake.clear()
                if reader.done():
                    reader.result()  # raises the stream error
                    return
                if self._buf:
                    await self._window.acquire()  # released by the ack of an earlier batch
                    if reader.done():
                        reader.result()
                        return
                vdl, min_read, pg_count = self._hints()
                records: list[bytes] = []
                size = 0
                while self._buf and (not records or size + len(self._buf[0]) <= APPEND_BATCH_BYTES_MAX):
                    raw = self._buf.popleft()
                    records.append(raw)
                    size += len(raw)
                self._buf_bytes -= size
                if self._buf:
                    self._wake.set()
                self.sent_bytes += size
                if records:
                    self.sent_batches += 1
                    self.sent_records += len(records)
                await call.write(pb.AppendRequest(
                    volume=self.volume, epoch=self.epoch, batch_id=self._next_id(bool(records)), records=records,
                    vdl_hint=vdl, min_read_lsn=min_read, pg_count=pg_count))
                if self._closed and not self._buf:
                    await call.done_writing()
                    await reader  # the node acks what it got, then ends the stream
                    return
        finally:
            reader.cancel()
            call.cancel()

    async def _read_acks(self, call) -> None:
        try:
            while True:
                ack = await call.read()
                if ack is grpc.aio.EOF:
                    raise StreamClosed(self.node)
                while self._unacked and self._unacked[0][0] <= ack.batch_id:
                    _bid, had_records = self._unacked.popleft()
                    if had_records:
                        self._window.release()
                if ack.scls:
                    self._on_ack(self.node, [(s.pg, s.scl) for s in ack.scls])
        finally:
            self._wake.set()  # let the sender notice,
            self._window.release()  # even while it waits for the window

    def _next_id(self, records: bool) -> int:
        self._batch_id += 1
        self._unacked.append((self._batch_id, records))
        return self._batch_id
