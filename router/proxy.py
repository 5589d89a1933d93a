"""One client connection and the instance connection it is piped to.

A client connection is first *placed*: the router waits for the client's first packet
header (8 bytes: a CancelRequest is forwarded, not proxied), picks the instances the
endpoint allows, connects to the first that answers within the connect timeout, hands
it the bytes the client sent meanwhile, and from then on only pipes bytes, untouched,
both ways. When no instance can be reached the client gets a FATAL 57P03
(`router.refuse`).

Flow control: each side's outgoing buffer is capped at ROUTER_BUFFER_BYTES_MAX; when
it fills, the other side stops being read until it drains, so a slow client never
makes the router buffer a whole result set (and a slow instance never a whole COPY).
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from router.policy import Endpoint
from router.refuse import (
    CANCEL, CANCEL_REQUEST_BYTES, CANNOT_CONNECT_NOW, HEADER_BYTES, INVALID, TOO_MANY_CONNECTIONS,
    answer_with_error, first_packet_kind,
)
from router.topology import Member
from sixfold.constants import (
    ROUTER_BACKEND_CONNECT_TIMEOUT_MS, ROUTER_BUFFER_BYTES_MAX, ROUTER_CLOSE_FLUSH_TIMEOUT_MS,
    ROUTER_CONNECT_ATTEMPTS_MAX, ROUTER_FIRST_PACKET_TIMEOUT_MS, ROUTER_PENDING_BYTES_MAX,
)

if TYPE_CHECKING:
    from router.server import Router

log = logging.getLogger("sixfold.router")


async def connect(member: Member, protocol_factory) -> tuple[asyncio.Transport, asyncio.Protocol] | str:
    """A TCP connection to `member`, or why there is none (refused, timed out)."""
    loop = asyncio.get_running_loop()
    try:
        return await asyncio.wait_for(loop.create_connection(protocol_factory, member.host, member.port),
                                      ROUTER_BACKEND_CONNECT_TIMEOUT_MS / 1000)
    except asyncio.TimeoutError:
        return f"no answer within {ROUTER_BACKEND_CONNECT_TIMEOUT_MS} ms"
    except OSError as e:
        return e.strerror or str(e)


class BackendSide(asyncio.Protocol):
    """The connection to the instance: what it sends goes to the client."""

    def __init__(self, client: ClientSide):
        self.client = client
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        transport.set_write_buffer_limits(high=ROUTER_BUFFER_BYTES_MAX)  # type: ignore[attr-defined]

    def data_received(self, data: bytes) -> None:
        if not self.client.transport.is_closing():
            self.client.transport.write(data)

    def eof_received(self) -> bool:
        return False  # close: PostgreSQL never half-closes

    def connection_lost(self, exc: Exception | None) -> None:
        self.client.close_client()

    def pause_writing(self) -> None:
        self.client.pause_reading()

    def resume_writing(self) -> None:
        self.client.resume_reading()


class ClientSide(asyncio.Protocol):
    """A client of one endpoint. `instance` and `role_at_connect` say where it was
    placed (empty until then); the router closes it when the topology no longer allows
    that placement."""

    def __init__(self, router: Router, endpoint: Endpoint):
        self.router = router
        self.endpoint = endpoint
        self.transport: asyncio.Transport = None  # type: ignore[assignment]
        self.buffer = bytearray()  # client bytes received before an instance was connected
        self.arrived = asyncio.Event()
        self.backend: BackendSide | None = None
        self.instance = ""
        self.role_at_connect = ""
        self.lost = False
        self.peer = ""
        self.task: asyncio.Task | None = None
        self.deadline = 0.0
        self.admission = ""  # "ok", "refuse" (over the connection limit) or "drop": Router.admit
        self._abort_timer: asyncio.TimerHandle | None = None

    # --- asyncio.Protocol --------------------------------------------------------------
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        transport.set_write_buffer_limits(high=ROUTER_BUFFER_BYTES_MAX)  # type: ignore[attr-defined]
        peer = transport.get_extra_info("peername")
        self.peer = f"{peer[0]}:{peer[1]}" if peer else "?"
        loop = asyncio.get_running_loop()
        self.deadline = loop.time() + ROUTER_FIRST_PACKET_TIMEOUT_MS / 1000
        self.admission = self.router.admit(self)
        if self.admission == "drop":
            transport.abort()
            return
        self.task = loop.create_task(self._place(refuse_only=self.admission == "refuse"))

    def data_received(self, data: bytes) -> None:
        if self.backend is not None:
            if not self.backend.transport.is_closing():  # type: ignore[union-attr]
                self.backend.transport.write(data)  # type: ignore[union-attr]
            return
        self.buffer += data
        self.arrived.set()
        if len(self.buffer) > ROUTER_PENDING_BYTES_MAX:
            log.warning("%s: client %s sent %d bytes before it was placed; dropped", self.endpoint.name, self.peer,
                        len(self.buffer))
            self.transport.abort()

    def eof_received(self) -> bool:
        return False

    def connection_lost(self, exc: Exception | None) -> None:
        self.lost = True
        self.arrived.set()
        if self.task is not None and not self.task.done():
            self.task.cancel()
        if self._abort_timer is not None:
            self._abort_timer.cancel()
        if self.backend is not None and self.backend.transport is not None:
            self.backend.transport.close()  # what the client sent last (a Terminate) still goes
        self.router.forget(self)

    def pause_writing(self) -> None:
        if self.backend is not None and self.backend.transport is not None and not self.backend.transport.is_closing():
            self.backend.transport.pause_reading()

    def resume_writing(self) -> None:
        if self.backend is not None and self.backend.transport is not None and not self.backend.transport.is_closing():
            self.backend.transport.resume_reading()

    # --- used by the backend side and the router -----------------------------------------
    def pause_reading(self) -> None:
        if not self.transport.is_closing():
            self.transport.pause_reading()

    def resume_reading(self) -> None:
        if not self.transport.is_closing():
            self.transport.resume_reading()

    def close_client(self) -> None:
        """Close the client side once what is buffered for it is sent; reset it if that
        takes longer than ROUTER_CLOSE_FLUSH_TIMEOUT_MS (a client that stopped reading)."""
        if self.lost or self.transport.is_closing():
            return
        self.transport.close()
        self._abort_timer = asyncio.get_running_loop().call_later(ROUTER_CLOSE_FLUSH_TIMEOUT_MS / 1000,
                                                                  self.transport.abort)

    def close(self) -> None:
        """End this proxied connection now (its instance is no longer allowed): the
        instance side is reset, the client side closed."""
        if self.backend is not None and self.backend.transport is not None:
            self.backend.transport.abort()
        self.close_client()

    # --- placement ----------------------------------------------------------------------
    async def _wait_bytes(self, n: int) -> bool:
        """Until the buffer holds `n` bytes; False if the client left or its first
        packet is later than ROUTER_FIRST_PACKET_TIMEOUT_MS after it connected."""
        loop = asyncio.get_running_loop()
        while len(self.buffer) < n:
            remaining = self.deadline - loop.time()
            if self.lost or remaining <= 0:
                return False
            self.arrived.clear()
            try:
                await asyncio.wait_for(self.arrived.wait(), remaining)
            except asyncio.TimeoutError:
                return False
        return True

    async def _place(self, refuse_only: bool) -> None:
        try:
            if not await self._wait_bytes(HEADER_BYTES):
                self.transport.abort()
                return
            kind = first_packet_kind(bytes(self.buffer[:HEADER_BYTES]))
            if kind == CANCEL:
                if await self._wait_bytes(CANCEL_REQUEST_BYTES):
                    await self.router.forward_cancel(self.endpoint, bytes(self.buffer[:CANCEL_REQUEST_BYTES]))
                self.close_client()
                return
            if refuse_only:
                await self._refuse(TOO_MANY_CONNECTIONS, "sorry, too many clients already (router)")
                return
            if kind == INVALID:
                self.transport.abort()  # no PostgreSQL client: nothing worth answering
                return
            failures = await self._connect_somewhere()  # a startup or an encryption request: place it
            if failures is not None:
                await self._refuse(CANNOT_CONNECT_NOW, self._why_refused(failures), bool(failures))
        except asyncio.CancelledError:
            pass  # the client left while it was being placed
        except Exception:  # noqa: BLE001 - one client's trouble never stops the router
            log.exception("%s: placing client %s failed", self.endpoint.name, self.peer)
            self.transport.abort()

    async def _connect_somewhere(self) -> list[str] | None:
        """Connect to the first instance of the endpoint's targets that answers (at most
        ROUTER_CONNECT_ATTEMPTS_MAX tries). None when placed, else why each try failed.
        A topology that changed during a try decides the next one (a writer that stopped
        answering may have been replaced meanwhile)."""
        failures: list[str] = []
        tried: set[tuple[str, str]] = set()
        view, candidates = None, []
        while len(failures) < ROUTER_CONNECT_ATTEMPTS_MAX:
            if view is not self.router.view:
                view, candidates = self.router.view, self.router.next_targets(self.endpoint)
            member = next((m for m in candidates if (m.name, m.address) not in tried), None)
            if member is None:
                break
            tried.add((member.name, member.address))
            outcome = await connect(member, lambda: BackendSide(self))
            if isinstance(outcome, str):
                failures.append(f"{member.name} ({member.address}): {outcome}")
                continue
            backend = outcome[1]
            if backend.transport is None or backend.transport.is_closing():  # type: ignore[union-attr]
                # The instance went away between accepting and now (a writer being killed).
                failures.append(f"{member.name} ({member.address}): connection closed as it opened")
                continue
            self._attach(member, backend)  # type: ignore[arg-type]
            return None
        return failures

    def _attach(self, member: Member, backend: BackendSide) -> None:
        if self.lost:
            backend.transport.abort()  # type: ignore[union-attr]
            return
        self.backend = backend
        self.instance, self.role_at_connect = member.name, member.role
        if self.buffer:
            backend.transport.write(bytes(self.buffer))  # type: ignore[union-attr]
            self.buffer.clear()
        log.debug("%s: client %s -> %s (%s)", self.endpoint.name, self.peer, member.name, member.address)
        self.router.placed(self)  # may close it at once if the topology moved meanwhile

    def _why_refused(self, failures: list[str]) -> str:
        ep = self.endpoint
        what = {"writer": "the cluster (writer) endpoint", "reader": "the reader endpoint"}.get(
            ep.kind, f"custom endpoint {ep.name!r}")
        if failures:
            return f"{what} cannot reach an instance now ({'; '.join(failures)})"
        return f"{what} has no instance to connect to now ({self.router.no_target_reason(ep)})"

    def _write_client(self, data: bytes) -> None:
        """Write to the client unless it already left (its transport refuses writes then)."""
        if not self.transport.is_closing():
            self.transport.write(data)

    async def _refuse(self, sqlstate: str, message: str, unexpected: bool = False) -> None:
        """Tell the client why it cannot connect (logged as a warning when `unexpected`:
        the topology named instances that did not answer)."""
        if self.transport.is_closing():
            return  # the client left while it was being placed: nobody to tell
        sent = await answer_with_error(self.buffer, self._wait_bytes, self._write_client, sqlstate, message,
                                       hint="A failover may be under way: retry in a moment."
                                       if sqlstate == CANNOT_CONNECT_NOW else None)
        if sent:
            log.log(logging.WARNING if unexpected else logging.INFO, "%s: refused client %s: %s %s",
                    self.endpoint.name, self.peer, sqlstate, message)
            self.close_client()
        else:
            self.transport.abort()
