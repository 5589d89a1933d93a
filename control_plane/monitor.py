"""The shell around the failover core: health checks, promotions, persistence and
publication. Every decision is the core's (`sixfold/core/failover.py`); this module
only feeds it observations and carries out what it returns.

* Every CONTROL_HEALTH_INTERVAL_MS each instance's `Health` is called (each instance in
  its own task, so a hung one delays no other) with CONTROL_HEALTH_TIMEOUT_MS. A failed
  call is a *refusal* when the kernel refused the connection (no process listens: it
  is gone), otherwise a plain failure (timeout, reset, a broken answer).
* The core is also ticked every interval, so the time bound (FAILOVER_DETECT_MS) fires
  on time even while the writer's checks hang.
* Grace after a start: for the first FAILOVER_DETECT_MS a refusal counts as a plain
  failed check. A control plane (re)started together with the instances (a machine
  reboot, `sixfold up`) must not fail over a writer that is still starting; one that
  is really gone is failed by the time bound as the grace ends.
* A `Promote` action calls the target's `Promote` with PROMOTE_TIMEOUT_MS. At most one
  runs at a time (the core never asks for a second while one is in flight).
* After every step the state is saved if it changed (before anyone is told), and the
  topology is published if its shape changed, and every CONTROL_TOPOLOGY_REFRESH_MS
  anyway (lag moves).
"""

from __future__ import annotations

import asyncio
import logging
import os

import grpc

from control_plane.state import ControlState, StateFile
from control_plane.topology import TopologyHub, build_topology, shape
from sixfold.clock import monotonic_s
from sixfold.constants import (
    CONTROL_HEALTH_INTERVAL_MS, CONTROL_HEALTH_TIMEOUT_MS, CONTROL_TOPOLOGY_REFRESH_MS, FAILOVER_DETECT_MS,
    FAILOVER_REQUEST_TIMEOUT_MS, PROMOTE_TIMEOUT_MS,
)
from sixfold.core.failover import FailoverCore, Promote, Publish
from sixfold.rpc import compute_pb2 as cpb
from sixfold.rpc import compute_pb2_grpc as cpb_grpc
from sixfold.rpc import control_pb2 as pb
from sixfold.rpc.channel_options import GRPC_OPTIONS
from sixfold.spec import ClusterSpec

log = logging.getLogger("sixfold.control")


def is_refused(e: grpc.aio.AioRpcError) -> bool:
    """The connection was refused: nothing listens on the admin port (the process is
    gone). A paused process's kernel still accepts connections, so it is never this."""
    return e.code() == grpc.StatusCode.UNAVAILABLE and "connection refused" in (e.details() or "").lower()


class FailoverError(Exception):
    """A planned failover that was accepted but did not happen (the promotion failed or
    took too long). `code` is the gRPC status to answer with."""

    def __init__(self, message: str, code: grpc.StatusCode):
        super().__init__(message)
        self.code = code


class Monitor:
    """Owns the failover core for the life of the process: built from the state file at
    start, changed only on the event loop (health results, ticks, promotion results,
    planned failover requests), saved and published after every change."""

    def __init__(self, spec: ClusterSpec, state_file: StateFile, hub: TopologyHub):
        self.spec = spec
        self.state_file = state_file
        self.hub = hub
        self.saved: ControlState = state_file.load(spec)  # raises StateError before anything starts
        self.core: FailoverCore | None = None
        self.stubs: dict[str, cpb_grpc.ComputeNodeStub] = {}
        self.channels: list[grpc.aio.Channel] = []
        self.tasks: list[asyncio.Task] = []
        self.promotion: asyncio.Task | None = None
        self.last_error: dict[str, str] = {}  # the last failed promotion's error, by target
        self.published_shape: tuple | None = None
        self.misnamed: set[str] = set()  # instances whose admin port answers with another name (logged once)

    # --- life ------------------------------------------------------------------------------
    async def start(self) -> None:
        """Resume from the saved state and begin checking every instance."""
        self.core = self.saved.core(self.spec, monotonic_s(), FAILOVER_DETECT_MS)
        self.state_file.save(self.saved)  # a fresh control plane fixes its writer on disk at once
        for n in self.spec.compute_nodes:
            if n.admin_port:  # without an admin service it cannot be checked (nor promoted)
                ch = grpc.aio.insecure_channel(n.admin_address, options=GRPC_OPTIONS)
                self.channels.append(ch)
                self.stubs[n.name] = cpb_grpc.ComputeNodeStub(ch)
        self._publish(force=True)
        self.tasks = [self._spawn(self._health_loop(name), f"health-{name}") for name in self.stubs]
        self.tasks.append(self._spawn(self._tick_loop(), "tick"))
        log.info("control plane resumes at generation %d: writer %s, epoch %d; detection bound %d ms",
                 self.core.generation, self.core.writer, self.core.epoch, FAILOVER_DETECT_MS)

    async def stop(self) -> None:
        """Stop checking. A promotion in flight is abandoned here; if it succeeds, the next
        control plane adopts its writer when that instance reports itself the writer."""
        tasks = self.tasks + ([self.promotion] if self.promotion is not None else [])
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        for ch in self.channels:
            await ch.close()

    @staticmethod
    def _spawn(coro, name: str) -> asyncio.Task:
        """A background task whose failure (a bug) ends the process: a control plane that
        silently stopped checking or promoting is worse than one that restarts from its
        state file."""
        def done(t: asyncio.Task) -> None:
            if not t.cancelled() and t.exception() is not None:
                log.critical("task %s failed; exiting", name, exc_info=t.exception())
                os._exit(70)

        task = asyncio.create_task(coro, name=name)
        task.add_done_callback(done)
        return task

    def topology(self) -> pb.Topology:
        return build_topology(self.core, self.spec)

    # --- health ----------------------------------------------------------------------------
    async def _health_loop(self, name: str) -> None:
        interval_s = CONTROL_HEALTH_INTERVAL_MS / 1000
        while True:
            started = monotonic_s()
            await self.check(name)
            await asyncio.sleep(max(0.0, started + interval_s - monotonic_s()))

    async def check(self, name: str) -> None:
        """One health check of `name`, fed to the core."""
        try:
            h = await self.stubs[name].Health(cpb.ComputeHealthRequest(), timeout=CONTROL_HEALTH_TIMEOUT_MS / 1000)
        except grpc.aio.AioRpcError as e:
            now = monotonic_s()
            in_grace = (now - self.core.started_s) * 1000 < FAILOVER_DETECT_MS
            self._apply(self.core.observe(name, now, False, refused=is_refused(e) and not in_grace))
            return
        if h.name and h.name != name:  # the spec points this admin port at another instance
            if name not in self.misnamed:
                self.misnamed.add(name)
                log.warning("instance %s answers health checks as %r: counted as failed", name, h.name)
            self._apply(self.core.observe(name, monotonic_s(), False))
            return
        lag_lsn = max(0, h.writer_vdl - h.vdl) if h.role == "replica" else 0
        self._apply(self.core.observe(name, monotonic_s(), True, role=h.role, synced=h.synced, vdl=h.vdl,
                                      epoch=h.epoch, lag_lsn=lag_lsn, lag_ms=h.lag_ms))

    async def _tick_loop(self) -> None:
        interval_s = CONTROL_HEALTH_INTERVAL_MS / 1000
        last_refresh = monotonic_s()
        while True:
            await asyncio.sleep(interval_s)
            self._apply(self.core.tick(monotonic_s()))
            if monotonic_s() - last_refresh >= CONTROL_TOPOLOGY_REFRESH_MS / 1000:
                last_refresh = monotonic_s()
                self._publish(force=True)

    # --- actions ---------------------------------------------------------------------------
    def _apply(self, actions: list) -> None:
        """Carry out the core's actions: save, then publish, then promote."""
        self._save()
        self._publish(force=any(isinstance(a, Publish) for a in actions))
        for a in actions:
            if isinstance(a, Promote):
                self._start_promotion(a)

    def _save(self) -> None:
        state = ControlState.of(self.core, self.spec.name)
        if state != self.saved:
            self.state_file.save(state)
            self.saved = state

    def _publish(self, force: bool) -> None:
        t = self.topology()
        s = shape(t)
        if force or s != self.published_shape:
            self.published_shape = s
            self.hub.publish(t)

    def _start_promotion(self, p: Promote) -> None:
        # The promotion that just failed may be the caller (its result led to this one).
        running = self.promotion is not None and not self.promotion.done()
        assert not running or self.promotion is asyncio.current_task(), "two promotions at once"
        w = self.core.instances.get(self.core.writer) if self.core.writer else None
        if w is not None:
            since = monotonic_s() - (w.last_ok_s if w.last_ok_s is not None else self.core.started_s)
            log.warning("promoting %s to writer (generation %d): %s (writer %s: %d refusals in a row, "
                        "last healthy %.0f ms ago)", p.target, p.generation, p.reason, w.name,
                        w.refused_in_a_row, since * 1000)
        else:
            log.warning("promoting %s to writer (generation %d): %s", p.target, p.generation, p.reason)
        self.promotion = self._spawn(self._promote(p), f"promote-{p.target}")

    async def _promote(self, p: Promote) -> None:
        started = monotonic_s()
        stub = self.stubs.get(p.target)
        try:
            if stub is None:
                raise RuntimeError(f"{p.target} has no admin port")
            resp = await stub.Promote(cpb.PromoteRequest(generation=p.generation, reason=p.reason),
                                      timeout=PROMOTE_TIMEOUT_MS / 1000)
        except (grpc.aio.AioRpcError, RuntimeError) as e:
            err = f"{e.code().name}: {e.details()}" if isinstance(e, grpc.aio.AioRpcError) else str(e)
            log.warning("promotion of %s failed after %.0f ms: %s", p.target, (monotonic_s() - started) * 1000, err)
            self.last_error[p.target] = err
            self._apply(self.core.promotion_failed(p.target, monotonic_s()))
            return
        if self.core.promoting == p.target and resp.epoch <= self.core.epoch:
            err = f"answered epoch {resp.epoch}, not above the writer's {self.core.epoch}"
            log.error("promotion of %s is not believable: %s", p.target, err)
            self.last_error[p.target] = err
            self._apply(self.core.promotion_failed(p.target, monotonic_s()))
            return
        log.warning("%s is the writer at epoch %d (generation %d), promoted in %.0f ms (its recovery: %.0f ms)",
                    p.target, resp.epoch, p.generation, (monotonic_s() - started) * 1000, resp.recovery_ms)
        self._apply(self.core.promoted(p.target, resp.epoch, monotonic_s()))

    # --- planned failover ------------------------------------------------------------------
    async def failover(self, target: str | None) -> pb.FailoverResponse:
        """Promote `target` (or the best candidate) now and wait for the result, at most
        FAILOVER_REQUEST_TIMEOUT_MS. Raises ValueError when the core refuses (unknown,
        unhealthy or unsynced target, a failover already in flight) and FailoverError
        when the promotion fails or takes too long."""
        if target is not None and target not in self.core.instances:
            raise ValueError(f"no compute instance named {target!r}")
        started = monotonic_s()
        old = self.core.writer
        actions = self.core.request_failover(started, target)
        [p] = [a for a in actions if isinstance(a, Promote)]
        self._apply(actions)
        promotion = self.promotion
        await asyncio.wait({promotion}, timeout=FAILOVER_REQUEST_TIMEOUT_MS / 1000)  # never cancels it
        if self.core.writer == p.target and self.core.generation >= p.generation:
            return pb.FailoverResponse(old_writer=old or "", new_writer=p.target, epoch=self.core.epoch,
                                       duration_ms=(monotonic_s() - started) * 1000)
        if not promotion.done():
            raise FailoverError(f"promotion of {p.target} not finished after {FAILOVER_REQUEST_TIMEOUT_MS} ms",
                                grpc.StatusCode.DEADLINE_EXCEEDED)
        raise FailoverError(f"promotion of {p.target} failed: {self.last_error.get(p.target, 'unknown error')}",
                            grpc.StatusCode.ABORTED)
