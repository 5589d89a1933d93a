"""One writer-to-storage-node append stream.

The link pulls: it holds a cursor into the writer's in-flight log (every record
above VDL, in LSN order) and sends what lies past the cursor for the PGs its node
holds, one batch awaiting its ack at a time (records that arrive meanwhile leave
together in the next batch: group commit). The commit path therefore never waits on
a node and never hands a record to a link that could drop it: a slow node just
falls behind its cursor. Records below VDL stay in the log while a connected link has
not sent them (up to IN_FLIGHT_HOLD_RECORDS_MAX), so a slow node still gets every
record; only a node that was away, or further behind than that, fills holes from its
peers by gossip.

A stream is reliable and ordered while it lives. When it breaks (the node went
away, answered nothing for APPEND_ACK_TIMEOUT_MS, or gRPC's keepalive gave up), the
link reconnects with backoff and starts again from the first in-flight record the
node has not acknowledged.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from typing import Protocol

import grpc

from sixfold.clock import monotonic_s
from sixfold.constants import (
    APPEND_ACK_TIMEOUT_MS, APPEND_BATCH_BYTES_MAX, APPEND_CONNECT_TIMEOUT_MS, APPEND_IN_FLIGHT_BATCHES_MAX,
    APPEND_RECONNECT_BACKOFF_MS_MAX, APPEND_RECONNECT_BACKOFF_MS_MIN,
)
from sixfold.errors import StaleEpoch
from sixfold.rpc import storage_pb2 as pb

log = logging.getLogger("sixfold.compute.link")
GRPC_PREFIX_BYTES = 5  # gRPC's length prefix before every message on a stream (format, not a limit)


class StreamClosed(Exception):
    """The node ended the append stream without a status (it went away)."""


class AckTimeout(Exception):
    """The node acknowledged nothing for APPEND_ACK_TIMEOUT_MS: treat the stream as dead."""


class LinkSource(Protocol):
    """What a link needs from the writer (the volume client)."""

    volume: str
    epoch: int

    def hints(self) -> pb.AppendRequest:
        """A message carrying the current VDL, minimum read point, PG count and floor."""

    def truncation_history(self) -> dict[int, int]: ...

    def first_in_flight_lsn(self) -> int: ...

    def next_records(self, node: str, cursor: int, max_bytes: int) -> tuple[list[bytes], int]:
        """Records past `cursor` for `node` (at most `max_bytes`, at least one), and the new cursor."""

    def has_records_after(self, cursor: int) -> bool: ...

    def held_until(self) -> float | None:
        """The loop time until which new records are held back for group commit, or None.
        The source wakes every link when a held group leaves."""

    def on_ack(self, node: str, ack: pb.AppendAck) -> None: ...

    def on_fenced(self, err: StaleEpoch) -> None: ...


class SegmentLink:
    def __init__(self, node: str, stub, source: LinkSource):
        self.node = node
        self.stub = stub
        self.source = source
        self._wake = asyncio.Event()
        self._batch_id = 0
        # Messages sent and not yet acknowledged: (batch_id, carries records, sent at).
        self._unacked: deque[tuple[int, bool, float]] = deque()
        self._heartbeat_due = False
        self.cursor = 0  # the next LSN to consider sending
        self.connected = False
        self.sent_bytes = 0  # the records' own bytes
        self.sent_wire_bytes = 0  # every AppendRequest as sent: records, their framing, hints, heartbeats
        self.sent_batches = 0  # AppendRequests that carried records
        self.sent_records = 0
        self.reconnects = 0
        self._task: asyncio.Task | None = None
        self._closed = False

    def start(self) -> asyncio.Task:
        self._task = asyncio.get_running_loop().create_task(self._run(), name=f"link-{self.node}")
        return self._task

    def wake(self) -> None:
        """New records are in the writer's log."""
        self._wake.set()

    def heartbeat(self) -> None:
        """Send the current hints even if there are no records."""
        self._heartbeat_due = True
        self._wake.set()

    async def close(self, flush_timeout_ms: int = 0) -> None:
        """Stop. With a flush timeout, first send what is pending plus a last heartbeat
        (the final VDL, so peers may gossip everything up to it)."""
        self._closed = True
        if self._task and flush_timeout_ms and self.connected:
            self.heartbeat()
            try:
                await asyncio.wait_for(asyncio.shield(self._task), flush_timeout_ms / 1000)
            except (asyncio.TimeoutError, Exception):
                pass
        if self._task:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)

    @property
    def unacked_count(self) -> int:
        return len(self._unacked)

    async def _run(self) -> None:
        backoff_ms = APPEND_RECONNECT_BACKOFF_MS_MIN
        while not self._closed:
            try:
                await self._stream()
                backoff_ms = APPEND_RECONNECT_BACKOFF_MS_MIN
            except StaleEpoch as e:
                self.source.on_fenced(e)
                return
            except grpc.aio.AioRpcError as e:
                if e.code() == grpc.StatusCode.FAILED_PRECONDITION:
                    self.source.on_fenced(StaleEpoch(f"{self.node}: {e.details()}"))
                    return
                if self.connected:
                    log.info("append stream to %s lost: %s", self.node, e.code().name)
            except (StreamClosed, AckTimeout, asyncio.TimeoutError, asyncio.InvalidStateError) as e:
                # InvalidStateError: a write raced with the stream's end ("RPC already
                # finished"); the reader has the reason, the link just reconnects.
                if self.connected and not self._closed:
                    log.info("append stream to %s dropped: %s", self.node, type(e).__name__)
            finally:
                self.connected = False
            if self._closed:
                return
            self.reconnects += 1
            await asyncio.sleep(backoff_ms / 1000)
            backoff_ms = min(backoff_ms * 2, APPEND_RECONNECT_BACKOFF_MS_MAX)

    async def _stream(self) -> None:
        self._unacked.clear()
        src = self.source
        call = self.stub.Append()
        try:
            first = src.hints()
            first.batch_id = self._next_id(False)
            first.truncations.extend(pb.Truncation(epoch=e, above_lsn=t)
                                     for e, t in sorted(src.truncation_history().items()))
            self.sent_wire_bytes += first.ByteSize() + GRPC_PREFIX_BYTES
            await call.write(first)
            ack = await asyncio.wait_for(call.read(), APPEND_CONNECT_TIMEOUT_MS / 1000)
            if ack is grpc.aio.EOF:
                raise StreamClosed(self.node)
            self._acked(ack)
            self.connected = True
            self.cursor = src.first_in_flight_lsn()
            log.info("append stream to %s open", self.node)
            reader = asyncio.get_running_loop().create_task(self._read_acks(call))
            try:
                await self._send_loop(call, reader)
            finally:
                reader.cancel()
        finally:
            call.cancel()

    async def _send_loop(self, call, reader: asyncio.Task) -> None:
        src = self.source
        loop = asyncio.get_running_loop()
        ack_timeout_s = APPEND_ACK_TIMEOUT_MS / 1000
        while True:
            if self._unacked:
                deadline = self._unacked[0][2] + ack_timeout_s
                if loop.time() >= deadline:
                    raise AckTimeout(self.node)
                timer = loop.call_at(deadline, self._wake.set)
                await self._wake.wait()
                timer.cancel()
            else:
                await self._wake.wait()
            # One turn of the loop lets other committers that are ready add their
            # records, so concurrent commits share one message (and one fsync).
            await asyncio.sleep(0)
            self._wake.clear()
            if reader.done():
                reader.result()  # raises the stream's error
                return
            records: list[bytes] = []
            if sum(1 for u in self._unacked if u[1]) < APPEND_IN_FLIGHT_BATCHES_MAX:
                # Group commit: while the writer holds new records back, the link waits (the
                # writer wakes every link when the group leaves).
                if self._closed or src.held_until() is None:
                    records, self.cursor = src.next_records(self.node, self.cursor, APPEND_BATCH_BYTES_MAX)
            finishing = self._closed and not src.has_records_after(self.cursor)
            if not records and not self._heartbeat_due and not finishing:
                continue
            self._heartbeat_due = False
            msg = src.hints()
            msg.batch_id = self._next_id(bool(records))
            if records:
                msg.records.extend(records)
                self.sent_batches += 1
                self.sent_records += len(records)
                self.sent_bytes += sum(len(r) for r in records)
            self.sent_wire_bytes += msg.ByteSize() + GRPC_PREFIX_BYTES
            await call.write(msg)
            if finishing:
                await call.done_writing()
                await reader  # the node acks what it got, then ends the stream
                return

    async def _read_acks(self, call) -> None:
        try:
            while True:
                ack = await call.read()
                if ack is grpc.aio.EOF:
                    raise StreamClosed(self.node)
                self._acked(ack)
        finally:
            self._wake.set()  # the sender has room again, or must notice the end

    def _acked(self, ack: pb.AppendAck) -> None:
        while self._unacked and self._unacked[0][0] <= ack.batch_id:
            self._unacked.popleft()
        self.source.on_ack(self.node, ack)
        if self.source.has_records_after(self.cursor):
            self._wake.set()

    def _next_id(self, records: bool) -> int:
        self._batch_id += 1
        self._unacked.append((self._batch_id, records, monotonic_s()))
        return self._batch_id
