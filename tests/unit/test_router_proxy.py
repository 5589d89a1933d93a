"""The router's proxy in one process, over loopback sockets, with stand-in instances
(plain asyncio servers): the bounds (connections, first-packet wait, buffers), cancel
forwarding and shutdown, which the process-level tests cannot reach cheaply."""

from __future__ import annotations

import asyncio
import struct

import router.proxy
import router.server
from router.policy import READER, WRITER, Endpoint
from router.server import Router
from router.topology import Member, View

STARTUP = struct.pack("!i", 196608) + b"user\0u\0\0"
STARTUP = struct.pack("!i", len(STARTUP) + 4) + STARTUP


class Instance:
    """A stand-in instance: records what it receives; `send` bytes to every session."""

    def __init__(self) -> None:
        self.received = bytearray()
        self.sessions: list[asyncio.StreamWriter] = []
        self.got = asyncio.Event()
        self.server: asyncio.base_events.Server | None = None
        self.port = 0

    async def start(self) -> "Instance":
        async def on(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            self.sessions.append(writer)
            while data := await reader.read(65536):
                self.received += data
                self.got.set()
            writer.close()

        self.server = await asyncio.start_server(on, "127.0.0.1", 0)
        self.port = self.server.sockets[0].getsockname()[1]
        return self

    async def stop(self) -> None:
        self.server.close()
        for w in self.sessions:
            w.close()


def topology(**ports_roles: tuple[int, str]) -> View:
    members = {n: Member(n, "127.0.0.1", port, role, True) for n, (port, role) in ports_roles.items()}
    writer = next(n for n, (_, role) in ports_roles.items() if role == "writer")
    return View(1, 1, writer, members, "control plane")


async def running_router(view: View) -> tuple[Router, dict[str, int]]:
    eps = [Endpoint("writer", WRITER, "127.0.0.1", 0), Endpoint("reader", READER, "127.0.0.1", 0)]
    r = Router(eps, view)
    await r.start()
    ports = {ep.name: s.sockets[0].getsockname()[1] for ep, s in zip(eps, r.servers)}
    return r, ports


async def read_error(reader: asyncio.StreamReader) -> dict[str, str]:
    kind = await reader.readexactly(1)
    assert kind == b"E"
    (length,) = struct.unpack("!i", await reader.readexactly(4))
    body = await reader.readexactly(length - 4)
    assert await reader.read() == b""  # and then the router closes
    return {f[:1].decode(): f[1:].decode() for f in body.split(b"\0") if f}


def test_over_the_connection_limit_a_client_gets_53300(monkeypatch):
    monkeypatch.setattr(router.server, "ROUTER_CONNECTIONS_MAX", 1)

    async def main() -> None:
        inst = await Instance().start()
        r, ports = await running_router(topology(w=(inst.port, "writer")))
        try:
            _, first = await asyncio.open_connection("127.0.0.1", ports["writer"])
            first.write(STARTUP)
            await asyncio.wait_for(inst.got.wait(), 5)
            reader, second = await asyncio.open_connection("127.0.0.1", ports["writer"])
            second.write(STARTUP)
            fields = await asyncio.wait_for(read_error(reader), 5)
            assert fields["C"] == "53300" and fields["S"] == "FATAL"
            assert r.over_limit == 0 or await _until(lambda: r.over_limit == 0)
        finally:
            await r.stop()
            await inst.stop()

    asyncio.run(main())


async def _until(cond, timeout_s: float = 5.0) -> bool:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    while not cond():
        assert loop.time() < deadline, "condition not reached"
        await asyncio.sleep(0.01)
    return True


def test_a_client_silent_past_the_first_packet_bound_is_dropped_unplaced(monkeypatch):
    monkeypatch.setattr(router.proxy, "ROUTER_FIRST_PACKET_TIMEOUT_MS", 200)

    async def main() -> None:
        inst = await Instance().start()
        r, ports = await running_router(topology(w=(inst.port, "writer")))
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", ports["writer"])
            writer.write(b"\0\0")  # half a header
            try:
                data = await asyncio.wait_for(reader.read(), 5)
            except ConnectionResetError:
                data = b""
            assert data == b""
            assert inst.sessions == []  # no instance connection was ever opened
            assert r.clients == set()
        finally:
            await r.stop()
            await inst.stop()

    asyncio.run(main())


def test_a_client_that_stops_reading_makes_the_router_stop_reading_the_instance():
    total = 32 * 1024 * 1024

    async def main() -> None:
        inst = await Instance().start()
        r, ports = await running_router(topology(w=(inst.port, "writer")))
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", ports["writer"])
            writer.write(STARTUP)
            await asyncio.wait_for(inst.got.wait(), 5)
            session = inst.sessions[0]
            session.write(b"x" * total)  # the instance's buffer holds what nobody reads
            (client,) = r.clients
            await _until(lambda: not client.backend.transport.is_reading())
            assert client.transport.get_write_buffer_size() <= 2 * router.proxy.ROUTER_BUFFER_BYTES_MAX
            got = 0
            while got < total:
                got += len(await reader.read(1 << 20))
            assert got == total  # every byte, in the end
            assert client.backend.transport.is_reading()
        finally:
            await r.stop()
            await inst.stop()

    asyncio.run(main())


def test_cancel_request_goes_to_every_instance_the_endpoint_may_have_used():
    cancel = struct.pack("!iiii", 16, 80877102, 1234, 5678)

    async def main() -> None:
        w, a, b = await Instance().start(), await Instance().start(), await Instance().start()
        r, ports = await running_router(topology(w=(w.port, "writer"), a=(a.port, "replica"),
                                                 b=(b.port, "replica")))
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", ports["reader"])
            writer.write(cancel)
            assert await asyncio.wait_for(reader.read(), 5) == b""
            await asyncio.wait_for(asyncio.gather(a.got.wait(), b.got.wait(), w.got.wait()), 5)
            assert bytes(a.received) == bytes(b.received) == bytes(w.received) == cancel
        finally:
            await r.stop()
            for i in (w, a, b):
                await i.stop()

    asyncio.run(main())


def test_stop_closes_proxied_connections():
    async def main() -> None:
        inst = await Instance().start()
        r, ports = await running_router(topology(w=(inst.port, "writer")))
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", ports["writer"])
            writer.write(STARTUP)
            await asyncio.wait_for(inst.got.wait(), 5)
            await asyncio.wait_for(r.stop(), 5)
            assert await asyncio.wait_for(reader.read(), 5) == b""
            assert r.clients == set()
        finally:
            await inst.stop()

    asyncio.run(main())
