"""Which instance is the writer, as one compute instance knows it.

From the spec until the control plane says otherwise, then from its topology watch
stream; when the control plane is down the last topology stays (nothing stops
serving). A replica follows the writer named here; a writer that sees another
instance named writer by a newer generation has been replaced.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

import grpc

from sixfold.constants import APPEND_RECONNECT_BACKOFF_MS_MIN, REPLICA_RECONNECT_BACKOFF_MS_MAX
from sixfold.rpc import control_pb2 as ctl
from sixfold.rpc import control_pb2_grpc as ctl_grpc
from sixfold.rpc.channel_options import GRPC_OPTIONS
from sixfold.spec import ClusterSpec

log = logging.getLogger("sixfold.compute.topology")


def fetch_topology(spec: ClusterSpec, timeout_s: float) -> ctl.Topology | None:
    """The control plane's topology now (blocking), or None if it does not answer."""
    if spec.control_plane is None:
        return None
    with grpc.insecure_channel(spec.control_plane.address, options=GRPC_OPTIONS) as ch:
        try:
            return ctl_grpc.ControlPlaneStub(ch).GetTopology(ctl.TopologyRequest(), timeout=timeout_s,
                                                             wait_for_ready=True)
        except grpc.RpcError:
            return None


class TopologyView:
    def __init__(self, spec: ClusterSpec, me: str, initial: ctl.Topology | None = None):
        self.spec = spec
        self.me = me
        self.generation = initial.generation if initial is not None else 0
        self.writer = (initial.writer if initial is not None and initial.writer
                       else (spec.writer.name if spec.writer is not None else ""))
        self._stop = asyncio.Event()

    def writer_admin(self) -> tuple[str, str] | None:
        """(name, admin address) of the writer to follow, or None while there is none."""
        repl = self.spec.replication
        if not self.writer and repl is not None and repl.role == "secondary":
            # A secondary region's readers follow its replication agent, its volume's writer.
            return f"agent-{self.spec.region}", repl.address
        if not self.writer:
            return None
        inst = self.spec.compute(self.writer)
        return (inst.name, inst.admin_address) if inst.admin_port else None

    async def watch(self, on_change: Callable[[ctl.Topology], None]) -> None:
        """Follow the control plane's topology until `stop()`; `on_change` hears of each
        one with a new generation."""
        if self.spec.control_plane is None:
            return
        backoff_ms = APPEND_RECONNECT_BACKOFF_MS_MIN
        while not self._stop.is_set():
            channel = grpc.aio.insecure_channel(self.spec.control_plane.address, options=GRPC_OPTIONS)
            try:
                async for topo in ctl_grpc.ControlPlaneStub(channel).WatchTopology(ctl.TopologyRequest()):
                    backoff_ms = APPEND_RECONNECT_BACKOFF_MS_MIN
                    if topo.generation > self.generation or (topo.generation == self.generation
                                                             and topo.writer != self.writer):
                        self.generation, self.writer = topo.generation, topo.writer
                        log.info("topology generation %d: the writer is %s", topo.generation, topo.writer or "none")
                        on_change(topo)
            except grpc.aio.AioRpcError:
                pass
            finally:
                await channel.close()
            try:
                await asyncio.wait_for(self._stop.wait(), backoff_ms / 1000)
            except asyncio.TimeoutError:
                pass
            backoff_ms = min(backoff_ms * 2, REPLICA_RECONNECT_BACKOFF_MS_MAX)

    def stop(self) -> None:
        self._stop.set()
