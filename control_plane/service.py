"""The ControlPlane gRPC service: the topology as a call and as a watch stream, and
planned failover. Everything it answers comes from the monitor; it decides nothing."""

from __future__ import annotations

import grpc

from control_plane.monitor import FailoverError, Monitor
from control_plane.topology import TooManyWatchers, TopologyHub
from sixfold.rpc import control_pb2 as pb
from sixfold.rpc import control_pb2_grpc as pb_grpc


class ControlPlaneService(pb_grpc.ControlPlaneServicer):
    def __init__(self, monitor: Monitor, hub: TopologyHub):
        self.monitor = monitor
        self.hub = hub

    async def GetTopology(self, request: pb.TopologyRequest, context) -> pb.Topology:
        return self.monitor.topology()

    async def WatchTopology(self, request: pb.TopologyRequest, context):
        """The current topology at once, then every change and a refresh every
        CONTROL_TOPOLOGY_REFRESH_MS. A watcher that falls CONTROL_WATCH_QUEUE_TOPOLOGIES_MAX
        topologies behind is ended with RESOURCE_EXHAUSTED (it should reconnect)."""
        try:
            w = self.hub.subscribe()
        except TooManyWatchers as e:
            await context.abort(grpc.StatusCode.RESOURCE_EXHAUSTED, str(e))
        try:
            while True:
                t = await w.queue.get()
                if t is None:
                    if w.dropped:
                        await context.abort(grpc.StatusCode.RESOURCE_EXHAUSTED,
                                            "topology watcher fell too far behind; reconnect")
                    return
                yield t
        finally:
            self.hub.unsubscribe(w)

    async def Failover(self, request: pb.FailoverRequest, context) -> pb.FailoverResponse:
        """A planned failover to `request.target` (or the control plane's choice). Refused
        (FAILED_PRECONDITION) when it cannot start; ABORTED or DEADLINE_EXCEEDED when the
        promotion fails or takes too long (the old writer may then be fenced: the
        control plane replaces it like any failed writer)."""
        try:
            return await self.monitor.failover(request.target or None)
        except ValueError as e:
            await context.abort(grpc.StatusCode.FAILED_PRECONDITION, str(e))
        except FailoverError as e:
            await context.abort(e.code, str(e))
