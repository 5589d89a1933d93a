"""The router: one listener per endpoint, the proxied connections, and the topology
they follow.

`apply(view)` is called for every topology the control plane publishes; it swaps the
view and, in the same turn of the event loop, closes every connection the new view no
longer allows (`policy.keeps`), so that a client of the cluster endpoint learns of a
new writer as soon as the router does. New connections are placed by the view of the
moment they arrive.
"""

from __future__ import annotations

import asyncio
import logging

from router.policy import CUSTOM, READER, WRITER, Endpoint, keeps, targets
from router.proxy import ClientSide, connect
from router.topology import Member, View, is_stale
from sixfold.constants import (
    ROUTER_CONNECTIONS_MAX, ROUTER_REFUSING_CONNECTIONS_MAX, ROUTER_SHUTDOWN_GRACE_MS,
)

log = logging.getLogger("sixfold.router")


class Router:
    def __init__(self, endpoints: list[Endpoint], view: View):
        self.endpoints = endpoints
        self.view = view
        self.clients: set[ClientSide] = set()  # admitted: being placed, proxied, or being answered
        self.over_limit = 0  # clients being told 53300
        self.turns = {ep.name: 0 for ep in endpoints}  # round-robin counters
        self.servers: list[asyncio.base_events.Server] = []
        self._drained = asyncio.Event()

    # --- listeners -----------------------------------------------------------------------
    async def start(self) -> None:
        """Listen on every endpoint; OSError (a port taken) stops the start."""
        loop = asyncio.get_running_loop()
        for ep in self.endpoints:
            server = await loop.create_server(lambda ep=ep: ClientSide(self, ep), ep.host, ep.port,
                                              reuse_address=True, backlog=1024)
            self.servers.append(server)
            log.info("%s endpoint listening on %s:%d", ep.name, ep.host, ep.port)

    async def stop(self) -> None:
        """Stop accepting, close every client connection, wait (bounded) for them to go."""
        for s in self.servers:
            s.close()
        for c in list(self.clients):
            c.close()
        if self.clients:
            self._drained.clear()
            try:
                await asyncio.wait_for(self._drained.wait(), ROUTER_SHUTDOWN_GRACE_MS / 1000)
            except asyncio.TimeoutError:
                for c in list(self.clients):
                    c.transport.abort()
        for s in self.servers:
            await s.wait_closed()

    # --- topology ------------------------------------------------------------------------
    def apply(self, view: View) -> None:
        """Take a new topology and close the connections it no longer allows."""
        if is_stale(view, self.view):
            log.warning("ignoring a topology of epoch %d (we follow epoch %d): %s", view.epoch, self.view.epoch,
                        view.describe())
            return
        old, self.view = self.view, view
        closing = [c for c in self.clients if c.instance and not keeps(c.endpoint, view, c.instance,
                                                                           c.role_at_connect)]
        for c in closing:
            c.close()
        if old.writer != view.writer or old.describe() != view.describe() or closing:
            by_instance: dict[str, int] = {}
            for c in closing:
                by_instance[c.instance] = by_instance.get(c.instance, 0) + 1
            log.info("topology: %s%s", view.describe(),
                     f"; closed {len(closing)} connections {by_instance}" if closing else "")

    def next_targets(self, ep: Endpoint) -> list[Member]:
        """The instances a new connection to `ep` tries, in order (one round-robin step)."""
        turn = self.turns[ep.name]
        self.turns[ep.name] = turn + 1
        return targets(ep, self.view, turn)

    def no_target_reason(self, ep: Endpoint) -> str:
        v = self.view
        if ep.kind in (WRITER, READER):
            return f"no writer{'' if ep.kind == WRITER else ' and no healthy replica'} in topology generation " \
                   f"{v.generation} from the {v.source}"
        assert ep.kind == CUSTOM
        return f"none of {', '.join(ep.members)} is a healthy replica or the writer"

    # --- connections ---------------------------------------------------------------------
    def admit(self, client: ClientSide) -> str:
        """"ok", "refuse" (over ROUTER_CONNECTIONS_MAX: told 53300) or "drop" (even the
        clients being refused are too many)."""
        if len(self.clients) < ROUTER_CONNECTIONS_MAX:
            self.clients.add(client)
            return "ok"
        if self.over_limit < ROUTER_REFUSING_CONNECTIONS_MAX:
            self.over_limit += 1
            return "refuse"
        return "drop"

    def placed(self, client: ClientSide) -> None:
        """`client` was just connected to its instance: the view may have changed while
        it connected, so check it against the current one."""
        if not keeps(client.endpoint, self.view, client.instance, client.role_at_connect):
            log.info("%s: %s changed role while client %s connected to it; closing", client.endpoint.name,
                     client.instance, client.peer)
            client.close()

    def forget(self, client: ClientSide) -> None:
        if client.admission == "refuse":
            self.over_limit -= 1
        self.clients.discard(client)
        if not self.clients:
            self._drained.set()

    async def forward_cancel(self, ep: Endpoint, packet: bytes) -> None:
        """A CancelRequest names a backend by its key, which only the instance that
        handed it out knows: send it to every instance the endpoint may have placed the
        session on (the others ignore a key they did not issue)."""
        members = {m.name: m for m in targets(ep, self.view, 0)}
        for c in self.clients:  # and wherever this endpoint's open sessions are
            if c.endpoint is ep and c.instance and c.instance in self.view.members:
                members.setdefault(c.instance, self.view.members[c.instance])
        log.info("%s: forwarding a cancel request to %s", ep.name, ", ".join(sorted(members)) or "no instance")
        await asyncio.gather(*(_send_and_close(m, packet) for m in members.values()))

    def counts(self) -> dict[str, int]:
        """Proxied connections per instance (for logs and tests)."""
        out: dict[str, int] = {}
        for c in self.clients:
            if c.instance:
                out[c.instance] = out.get(c.instance, 0) + 1
        return out


class _OneShot(asyncio.Protocol):
    def __init__(self, packet: bytes):
        self.packet = packet

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        transport.write(self.packet)  # type: ignore[attr-defined]
        transport.close()


async def _send_and_close(member: Member, packet: bytes) -> None:
    outcome = await connect(member, lambda: _OneShot(packet))
    if isinstance(outcome, str):
        log.info("cancel request not delivered to %s: %s", member.name, outcome)
