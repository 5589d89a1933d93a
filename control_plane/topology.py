"""The topology as clients see it (`control_pb2.Topology`) and its publication to
watchers (the driver, the router, replicas following the writer).

Each watcher has its own bounded queue: publishing never waits for a watcher. A
watcher whose queue is full (it stopped reading: gRPC flow control holds its stream)
is dropped, its stream ended with RESOURCE_EXHAUSTED; it reconnects and starts again
from the current topology, which is all a watcher needs (every message is the whole
topology, not a delta).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from sixfold.constants import CONTROL_WATCH_QUEUE_TOPOLOGIES_MAX, CONTROL_WATCHERS_MAX
from sixfold.core.failover import FailoverCore
from sixfold.rpc import control_pb2 as pb
from sixfold.spec import ClusterSpec


def build_topology(core: FailoverCore, spec: ClusterSpec) -> pb.Topology:
    """The whole topology now, instances in spec order."""
    instances = []
    promotable = {c.name for c in core.candidates()}
    for n in spec.compute_nodes:
        i = core.instances[n.name]
        instances.append(pb.Instance(name=n.name, az=n.az, tier=n.tier, role=i.role, host=n.host, port=n.port,
                                     admin_port=n.admin_port, healthy=i.healthy, lag_lsn=i.lag_lsn,
                                     lag_ms=i.lag_ms, promotable=n.name in promotable))
    return pb.Topology(generation=core.generation, writer=core.writer or "", epoch=core.epoch,
                       instances=instances)


def shape(t: pb.Topology) -> tuple:
    """What makes a topology different enough to publish at once: the writer, the
    generation and epoch, any instance's role or health (lag alone waits for the refresh)."""
    return (t.generation, t.writer, t.epoch, tuple((i.name, i.role, i.healthy) for i in t.instances))


class TooManyWatchers(Exception):
    pass


@dataclass(eq=False)
class Watcher:
    """One WatchTopology stream. `None` in the queue ends it; `dropped` says why."""

    queue: asyncio.Queue = field(default_factory=lambda: asyncio.Queue(CONTROL_WATCH_QUEUE_TOPOLOGIES_MAX))
    dropped: bool = False

    def end(self, dropped: bool) -> None:
        self.dropped = dropped
        while not self.queue.empty():
            self.queue.get_nowait()
        self.queue.put_nowait(None)


class TopologyHub:
    """The last published topology and every watcher waiting for the next one."""

    def __init__(self, watchers_max: int = CONTROL_WATCHERS_MAX):
        self.current: pb.Topology | None = None
        self.watchers: set[Watcher] = set()
        self.watchers_max = watchers_max
        self.closed = False

    def publish(self, topology: pb.Topology) -> None:
        self.current = topology
        for w in list(self.watchers):
            try:
                w.queue.put_nowait(topology)
            except asyncio.QueueFull:
                self.watchers.discard(w)
                w.end(dropped=True)

    def subscribe(self) -> Watcher:
        """A new watcher, the current topology already queued for it."""
        if len(self.watchers) >= self.watchers_max:
            raise TooManyWatchers(f"{len(self.watchers)} topology watchers already (limit {self.watchers_max})")
        w = Watcher()
        if self.closed:
            w.end(dropped=False)
            return w
        if self.current is not None:
            w.queue.put_nowait(self.current)
        self.watchers.add(w)
        return w

    def unsubscribe(self, w: Watcher) -> None:
        self.watchers.discard(w)

    def close(self) -> None:
        """The control plane stops: every stream ends (cleanly; watchers reconnect)."""
        self.closed = True
        for w in list(self.watchers):
            w.end(dropped=False)
        self.watchers.clear()
