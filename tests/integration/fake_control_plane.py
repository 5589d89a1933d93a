"""A ControlPlane gRPC service the test drives by hand: it publishes whatever topology
the test sets, to every WatchTopology stream, and can be stopped and started again on
the same port (the control plane going away and coming back).

    cp = FakeControlPlane(port).start(topology(...))
    cp.publish(topology(...))   # every watcher gets it at once
    cp.stop()                   # streams end with UNAVAILABLE/CANCELLED, the port refuses
"""

from __future__ import annotations

import queue
import threading
from concurrent import futures

import grpc

from sixfold.rpc import control_pb2 as pb
from sixfold.rpc import control_pb2_grpc as pb_grpc
from sixfold.rpc.channel_options import SERVER_OPTIONS

WAKE_S = 0.1  # a parked stream looks at its context this often (to end when the server stops)


def topology(generation: int, epoch: int, writer: str, members: dict[str, tuple[str, bool, int]]) -> pb.Topology:
    """members: name -> (role, healthy, port); every host is 127.0.0.1."""
    return pb.Topology(generation=generation, epoch=epoch, writer=writer, instances=[
        pb.Instance(name=n, az="az1", tier=1, role=role, host="127.0.0.1", port=port, healthy=healthy)
        for n, (role, healthy, port) in sorted(members.items())])


class FakeControlPlane(pb_grpc.ControlPlaneServicer):
    def __init__(self, port: int):
        self.port = port
        self.lock = threading.Lock()
        self.current = pb.Topology()
        self.watchers: list[queue.Queue] = []
        self.server: grpc.Server | None = None

    def start(self, t: pb.Topology | None = None) -> FakeControlPlane:
        if t is not None:
            self.current = t
        self.server = grpc.server(futures.ThreadPoolExecutor(max_workers=8), options=SERVER_OPTIONS)
        pb_grpc.add_ControlPlaneServicer_to_server(self, self.server)
        if self.server.add_insecure_port(f"127.0.0.1:{self.port}") == 0:
            raise RuntimeError(f"fake control plane cannot listen on {self.port}")
        self.server.start()
        return self

    def stop(self) -> None:
        if self.server is None:
            return
        with self.lock:
            for q in self.watchers:
                q.put(None)
        self.server.stop(grace=0).wait()
        self.server = None

    def publish(self, t: pb.Topology) -> None:
        with self.lock:
            self.current = t
            for q in self.watchers:
                q.put(t)

    def watcher_count(self) -> int:
        with self.lock:
            return len(self.watchers)

    # --- the service -----------------------------------------------------------------------
    def GetTopology(self, request, context):
        with self.lock:
            return self.current

    def WatchTopology(self, request, context):
        q: queue.Queue = queue.Queue()
        with self.lock:
            self.watchers.append(q)
            first = self.current
        try:
            yield first
            while context.is_active():
                try:
                    t = q.get(timeout=WAKE_S)
                except queue.Empty:
                    continue
                if t is None:
                    return
                yield t
        finally:
            with self.lock:
                self.watchers.remove(q)

    def Failover(self, request, context):
        context.abort(grpc.StatusCode.UNIMPLEMENTED, "the fake control plane only publishes topologies")
