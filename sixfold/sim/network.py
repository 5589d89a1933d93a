"""A simulated network with gRPC's shape, so production code runs on it unchanged.

`SimTransport.storage_stub(address)` hands out stubs with the methods of
`StorageNodeStub`. A unary call travels as a request and a response message; the
bidirectional `Append` call as two ordered pipes (a gRPC stream is reliable and
ordered while it lives, and dies as a whole). Messages are serialized on the way, so
no object is shared between simulated processes.

Faults, all drawn from the run's seeded RNG:
* latency per message, with rare long delays; unary messages to different places
  overtake each other (reorder), a stream's never do;
* a unary request or response lost (the caller waits out its deadline), a unary
  request delivered twice (the second answer is ignored);
* a stream reset (both ends see it fail, what was in flight is lost);
* partitions between processes: messages wait (TCP retransmits) until the link
  heals; a stream still cut after the keepalive bound dies;
* a paused process: nothing reaches it or leaves it until it resumes;
* a crashed process: its streams fail at the other end, calls to it fail, and the
  caller's channel backs off as gRPC's does (failing fast until the next attempt,
  the wait growing 1.6x per failed attempt up to `backoff_max_s`), so a process that
  returns is reached only at the caller's next attempt.
"""

from __future__ import annotations

import asyncio
import random
from collections import deque
from dataclasses import dataclass

import grpc

from sixfold.constants import (
    GRPC_KEEPALIVE_TIME_MS, GRPC_KEEPALIVE_TIMEOUT_MS, GRPC_RECONNECT_BACKOFF_MS_MAX, GRPC_RECONNECT_BACKOFF_MS_MIN,
)
from sixfold.rpc import storage_pb2 as pb
from sixfold.sim.loop import SimLoop

_EOF = object()
KEEPALIVE_S = (GRPC_KEEPALIVE_TIME_MS + GRPC_KEEPALIVE_TIMEOUT_MS) / 1000

# method name -> (request type, response type)
UNARY = {
    "GetPage": (pb.GetPageRequest, pb.GetPageResponse),
    "GetSegmentState": (pb.SegmentStateRequest, pb.SegmentStateResponse),
    "Truncate": (pb.TruncateRequest, pb.TruncateResponse),
    "FetchRecords": (pb.FetchRequest, pb.FetchResponse),
    "CopySegment": (pb.CopySegmentRequest, pb.CopySegmentResponse),
    "Health": (pb.HealthRequest, pb.HealthResponse),
}


@dataclass
class NetFaults:
    """Fault rates of one run (probabilities per message)."""

    latency_s_min: float = 0.0001
    latency_s_max: float = 0.002
    spike_rate: float = 0.0  # a message takes spike_s_min..spike_s_max instead
    spike_s_min: float = 0.05
    spike_s_max: float = 0.5
    drop_rate: float = 0.0  # unary request or response lost
    dup_rate: float = 0.0  # unary request delivered twice
    reset_rate: float = 0.0  # a stream message resets the stream


def rpc_error(code: grpc.StatusCode, details: str) -> grpc.aio.AioRpcError:
    return grpc.aio.AioRpcError(code, grpc.aio.Metadata(), grpc.aio.Metadata(), details)


class _Abort(Exception):
    def __init__(self, code: grpc.StatusCode, details: str):
        super().__init__(details)
        self.code, self.details = code, details


class SimServerContext:
    """The server side `context` of a call."""

    def __init__(self, stream: "_Stream | None" = None):
        self._stream = stream

    async def abort(self, code, details=""):
        raise _Abort(code, details)

    async def write(self, msg) -> None:
        self._stream.to_client.push(msg.SerializeToString())


class _Pipe:
    """One direction of a connection: ordered delivery from `src` to `dst`, holding
    messages while the link is cut or an end is paused."""

    def __init__(self, net: "SimNetwork", src: str, dst: str, deliver, ordered: bool):
        self.net, self.src, self.dst, self.deliver, self.ordered = net, src, dst, deliver, ordered
        self.q: deque[tuple[float, object]] = deque()
        self.last_at = 0.0
        self.timer = None
        self.closed = False
        self.seq = net.next_seq()

    def push(self, item) -> None:
        if self.closed:
            return
        at = self.net.loop.time() + self.net.latency_s()
        if self.ordered:
            at = max(at, self.last_at)
        self.last_at = at
        self.q.append((at, item))
        self.net.pipes[self.seq] = self
        self.kick()

    def kick(self) -> None:
        if self.timer is not None or not self.q or self.closed:
            return
        if not self.net.passable(self.src, self.dst):
            return  # held: kicked again when the link heals or the process resumes
        at = self.q[0][0]
        self.timer = self.net.loop.call_at(at, self._due)

    def _due(self) -> None:
        self.timer = None
        if self.closed or not self.q:
            return
        if not self.net.passable(self.src, self.dst):
            return
        _at, item = self.q.popleft()
        self.deliver(item)
        if not self.q:
            self.net.pipes.pop(self.seq, None)
        self.kick()

    def close(self) -> None:
        self.closed = True
        self.q.clear()
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None
        self.net.pipes.pop(self.seq, None)


class _Stream:
    """A bidirectional Append call between `client` and `server` processes."""

    def __init__(self, net: "SimNetwork", client: str, address: str):
        self.net, self.client, self.address = net, client, address
        self.server = net.server_process(address)
        self.to_server = _Pipe(net, client, self.server or "?", self._at_server, True)
        self.to_client = _Pipe(net, self.server or "?", client, self._at_client, True)
        self.requests: asyncio.Queue = asyncio.Queue()
        self.responses: asyncio.Queue = asyncio.Queue()
        self.error: grpc.aio.AioRpcError | None = None
        self.handler: asyncio.Task | None = None
        self.seq = net.next_seq()
        net.streams[self.seq] = self

    # client -> server
    def _at_server(self, item) -> None:
        if item == ("open",):
            self._start_handler()
        elif item is _EOF:
            self.requests.put_nowait(_EOF)
        else:
            self.requests.put_nowait(pb.AppendRequest.FromString(item))

    def _start_handler(self) -> None:
        servicer = self.net.servicer_at(self.address)
        if servicer is None:
            self.fail(grpc.StatusCode.UNAVAILABLE, f"{self.address}: connection refused")
            return
        ctx = SimServerContext(self)
        self.handler = self.net.loop.spawn(self.server, self._serve(servicer, ctx), name=f"Append<-{self.client}")

    async def _serve(self, servicer, ctx) -> None:
        try:
            await servicer.Append(self._request_iter(), ctx)
        except _Abort as a:
            self.to_client.push(("status", a.code, a.details))
            return
        except asyncio.CancelledError:
            raise
        except Exception as e:  # noqa: BLE001 - a handler bug: the world records it
            self.net.on_handler_error("Append", self.server, e)
            self.to_client.push(("status", grpc.StatusCode.UNKNOWN, repr(e)))
            return
        self.to_client.push(_EOF)

    async def _request_iter(self):
        while True:
            item = await self.requests.get()
            if item is _EOF:
                return
            yield item

    # server -> client
    def _at_client(self, item) -> None:
        if isinstance(item, tuple) and item[0] == "status":
            self.fail(item[1], item[2], server_side=False)
        elif item is _EOF:
            self.responses.put_nowait(_EOF)
        else:
            self.responses.put_nowait(pb.AppendAck.FromString(item))

    def fail(self, code: grpc.StatusCode, details: str, server_side: bool = True) -> None:  # noqa: ARG002
        """The stream dies: the client's next read raises, the handler is cancelled."""
        if self.error is not None:
            return
        self.error = rpc_error(code, details)
        self.to_server.close()
        self.to_client.close()
        self.responses.put_nowait(self.error)
        if self.handler is not None:
            self.handler.cancel()
        self.net.streams.pop(self.seq, None)


class SimAppendCall:
    """The client side of a bidirectional call, like grpc.aio's StreamStreamCall."""

    def __init__(self, stream: _Stream):
        self._s = stream

    async def write(self, msg) -> None:
        s = self._s
        if s.error is not None:
            raise s.error
        if s.net.roll(s.net.faults.reset_rate):
            s.fail(grpc.StatusCode.UNAVAILABLE, "connection reset (injected)")
            raise s.error
        s.to_server.push(msg.SerializeToString())

    async def read(self):
        s = self._s
        item = await s.responses.get()
        if isinstance(item, grpc.aio.AioRpcError):
            s.responses.put_nowait(item)  # every later read fails the same way
            raise item
        if item is _EOF:
            s.responses.put_nowait(_EOF)
            return grpc.aio.EOF
        return item

    async def done_writing(self) -> None:
        if self._s.error is None:
            self._s.to_server.push(_EOF)

    def cancel(self) -> bool:
        self._s.fail(grpc.StatusCode.CANCELLED, "cancelled by the client")
        return True


class SimStub:
    """A StorageNodeStub whose calls travel the simulated network."""

    def __init__(self, net: "SimNetwork", client: str, address: str):
        self._net, self._client, self._address = net, client, address

    def Append(self) -> SimAppendCall:
        s = _Stream(self._net, self._client, self._address)
        if self._net.connect(self._client, self._address):
            s.to_server.push(("open",))
        else:
            s.fail(grpc.StatusCode.UNAVAILABLE, f"{self._address}: connection refused")
        return SimAppendCall(s)

    def __getattr__(self, method: str):
        if method not in UNARY:
            raise AttributeError(method)

        async def call(request, timeout: float | None = None):
            return await self._net.unary(self._client, self._address, method, request, timeout)

        return call


class SimTransport:
    """The `Transport` of one simulated process."""

    def __init__(self, net: "SimNetwork", process: str):
        self.net, self.process = net, process

    def storage_stub(self, address: str) -> SimStub:
        return SimStub(self.net, self.process, address)

    async def close(self) -> None:
        pass


class SimNetwork:
    def __init__(self, loop: SimLoop, rng: random.Random, faults: NetFaults):
        self.loop, self.rng, self.faults = loop, rng, faults
        self._servers: dict[str, tuple[str, object]] = {}  # address -> (process, servicer)
        self._address_of: dict[str, str] = {}  # process -> address
        self.alive: set[str] = set()
        self.paused: set[str] = set()
        self.cuts: set[frozenset[str]] = set()
        # Insertion-ordered by a serial number, so every walk over them is deterministic.
        self.streams: dict[int, _Stream] = {}
        self.pipes: dict[int, _Pipe] = {}
        self._seq = 0
        self.messages = 0
        self.backoff_min_s = GRPC_RECONNECT_BACKOFF_MS_MIN / 1000
        self.backoff_max_s = GRPC_RECONNECT_BACKOFF_MS_MAX / 1000
        self._channels: dict[tuple[str, str], tuple[float, float]] = {}  # (client, address) -> (next try, backoff)

    def next_seq(self) -> int:
        self._seq += 1
        return self._seq

    # --- topology ---------------------------------------------------------------------
    def register(self, process: str, address: str | None = None) -> None:
        self.alive.add(process)
        if address is not None:
            self._address_of[process] = address

    def serve(self, process: str, address: str, servicer) -> None:
        self._servers[address] = (process, servicer)
        self.register(process, address)

    def server_process(self, address: str) -> str | None:
        entry = self._servers.get(address)
        return entry[0] if entry else None

    def servicer_at(self, address: str):
        entry = self._servers.get(address)
        if entry is None or entry[0] not in self.alive:
            return None
        return entry[1]

    def passable(self, src: str, dst: str) -> bool:
        return (src not in self.paused and dst not in self.paused
                and frozenset((src, dst)) not in self.cuts)

    def connect(self, client: str, address: str) -> bool:
        """Whether a new call from `client` reaches `address` now, with gRPC's channel
        backoff: after a failed connection attempt, calls fail at once until the next one."""
        key = (client, address)
        state = self._channels.get(key)
        now = self.loop.time()
        if state is not None and now < state[0]:
            return False
        if self.servicer_at(address) is not None:
            self._channels.pop(key, None)
            return True
        backoff = self.backoff_min_s if state is None else min(state[1] * 1.6, self.backoff_max_s)
        self._channels[key] = (now + backoff * self.rng.uniform(0.8, 1.2), backoff)
        return False

    def roll(self, p: float) -> bool:
        return p > 0 and self.rng.random() < p

    def latency_s(self) -> float:
        self.messages += 1
        f = self.faults
        if self.roll(f.spike_rate):
            return self.rng.uniform(f.spike_s_min, f.spike_s_max)
        return self.rng.uniform(f.latency_s_min, f.latency_s_max)

    # --- faults -------------------------------------------------------------------------
    def crash(self, process: str) -> None:
        """The process is gone: its connections fail at the other end."""
        self.alive.discard(process)
        self.paused.discard(process)
        for s in list(self.streams.values()):
            if process in (s.client, s.server):
                s.fail(grpc.StatusCode.UNAVAILABLE, f"{process} went away")
        for p in list(self.pipes.values()):
            if process in (p.src, p.dst):
                p.close()

    def pause(self, process: str) -> None:
        self.paused.add(process)

    def resume(self, process: str) -> None:
        self.paused.discard(process)
        self._kick_all()

    def cut(self, a: str, b: str) -> None:
        self.cuts.add(frozenset((a, b)))
        self.loop.call_later(KEEPALIVE_S, self._expire_cut_streams, frozenset((a, b)))

    def heal(self, a: str, b: str) -> None:
        self.cuts.discard(frozenset((a, b)))
        self._kick_all()

    def heal_all(self) -> None:
        self.cuts.clear()
        self._kick_all()

    def reset_stream(self) -> bool:
        """Reset one live stream at random (an RST): both ends see it fail."""
        live = list(self.streams.values())
        if not live:
            return False
        self.rng.choice(live).fail(grpc.StatusCode.UNAVAILABLE, "connection reset (injected)")
        return True

    def _expire_cut_streams(self, pair: frozenset[str]) -> None:
        if pair not in self.cuts:
            return
        for s in list(self.streams.values()):
            if frozenset((s.client, s.server)) == pair:
                s.fail(grpc.StatusCode.UNAVAILABLE, "keepalive timeout (partition)")

    def _kick_all(self) -> None:
        for p in list(self.pipes.values()):
            p.kick()

    # --- unary calls ------------------------------------------------------------------------
    async def unary(self, client: str, address: str, method: str, request, timeout: float | None):
        loop = self.loop
        req_type, resp_type = UNARY[method]
        server = self.server_process(address)
        result: asyncio.Future = loop.create_future()
        deadline = timeout if timeout is not None else 3600.0

        def answer(item) -> None:
            if result.done():
                return
            if isinstance(item, BaseException):
                result.set_exception(item)
            else:
                result.set_result(resp_type.FromString(item))

        if server is None or not self.connect(client, address):
            # Connection refused (or the channel is backing off): fails at once.
            loop.call_soon(answer, rpc_error(grpc.StatusCode.UNAVAILABLE, f"{address}: connection refused"))
        else:
            back = _Pipe(self, server, client, answer, False)
            raw = request.SerializeToString()
            copies = 2 if self.roll(self.faults.dup_rate) else 1
            for _ in range(copies):
                if self.roll(self.faults.drop_rate):
                    continue  # lost on the way: the caller waits out its deadline

                def arrive(item, back=back):
                    servicer = self.servicer_at(address)
                    if servicer is None:
                        back.push(rpc_error(grpc.StatusCode.UNAVAILABLE, f"{address}: connection reset"))
                        return
                    loop.spawn(server, self._handle(servicer, method, req_type.FromString(item), back),
                               name=f"{method}<-{client}")

                _Pipe(self, client, server, arrive, False).push(raw)
        try:
            return await asyncio.wait_for(asyncio.shield(result), deadline)
        except asyncio.TimeoutError:
            raise rpc_error(grpc.StatusCode.DEADLINE_EXCEEDED, f"{method} to {address}: deadline exceeded") from None
        finally:
            if not result.done():
                result.cancel()

    async def _handle(self, servicer, method: str, request, back: _Pipe) -> None:
        ctx = SimServerContext()
        try:
            resp = await getattr(servicer, method)(request, ctx)
        except _Abort as a:
            back.push(rpc_error(a.code, a.details))
            return
        except asyncio.CancelledError:
            raise
        except Exception as e:  # noqa: BLE001 - a handler bug: the world records it
            self.on_handler_error(method, back.src, e)
            back.push(rpc_error(grpc.StatusCode.UNKNOWN, repr(e)))
            return
        if self.roll(self.faults.drop_rate):
            return  # the answer is lost: the caller waits out its deadline
        back.push(resp.SerializeToString())

    def on_handler_error(self, method: str, process: str, e: BaseException) -> None:
        """A handler raised something other than an abort; the runner replaces this to
        report it (a bug in the product, unless an injected disk fault explains it)."""
