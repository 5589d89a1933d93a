"""Fake compute instances for control plane tests: ComputeNode gRPC servers (Health,
Promote) running in the test process, whose answers the test controls.

A `FakeVolume` plays storage: a successful promotion opens it at the next epoch and
fences whichever instance held the volume before (it then reports "fenced"), as a real
recovery does. Stopping an instance's server makes its port refuse connections (a
killed process); `health_mode = "hang"` makes Health never answer (a paused one).
"""

from __future__ import annotations

import os
import threading
import time
from concurrent import futures
from dataclasses import dataclass, field

import grpc

from sixfold.rpc import compute_pb2 as pb
from sixfold.rpc import compute_pb2_grpc as pb_grpc
from sixfold.rpc.channel_options import SERVER_OPTIONS

HANG_POLL_S = 0.02  # a hung handler checks this often whether its caller gave up


@dataclass
class PromoteCall:
    at_s: float  # time.monotonic() when it arrived (one clock for every process on the machine)
    generation: int
    reason: str


class FakeVolume:
    def __init__(self, epoch: int = 1):
        self.lock = threading.Lock()
        self.epoch = epoch
        self.holder: FakeInstance | None = None
        self.vdl = 100

    def open_as_writer(self, inst: "FakeInstance") -> int:
        with self.lock:
            if self.holder is not None and self.holder is not inst:
                self.holder.role = "fenced"
            self.epoch += 1
            self.holder = inst
            inst.role = "writer"
            return self.epoch


@dataclass(eq=False)
class FakeInstance(pb_grpc.ComputeNodeServicer):
    volume: FakeVolume
    name: str
    admin_port: int
    role: str = "replica"  # "writer" | "replica" | "fenced"
    vdl: int = 100
    synced: bool = True
    health_mode: str = "ok"  # "ok" | "hang"
    promote_mode: str = "ok"  # "ok" | "fail"
    promote_calls: list[PromoteCall] = field(default_factory=list)
    health_answered_s: float | None = None  # when Health last answered
    server: grpc.Server | None = None

    def start(self) -> "FakeInstance":
        if self.role == "writer":
            self.volume.holder = self
        self.server = grpc.server(futures.ThreadPoolExecutor(max_workers=4), options=SERVER_OPTIONS)
        pb_grpc.add_ComputeNodeServicer_to_server(self, self.server)
        if self.server.add_insecure_port(f"127.0.0.1:{self.admin_port}") == 0:
            raise RuntimeError(f"cannot listen on {self.admin_port}")
        self.server.start()
        return self

    def stop(self) -> None:
        """As if the process were killed: the port refuses connections from now on."""
        if self.server is not None:
            self.server.stop(grace=None).wait()
            self.server = None

    # --- ComputeNode -------------------------------------------------------------------
    def Health(self, request, context):
        while self.health_mode == "hang":
            if not context.is_active():
                return pb.ComputeHealth()
            time.sleep(HANG_POLL_S)
        h = pb.ComputeHealth(name=self.name, role=self.role, epoch=self.volume.epoch, pid=os.getpid())
        if self.role == "writer":
            h.vdl = self.volume.vdl
        else:
            h.vdl, h.writer_vdl, h.synced = self.vdl, self.volume.vdl, self.synced and self.role == "replica"
            h.lag_ms = float(self.volume.vdl - self.vdl)
            h.writer = self.volume.holder.name if self.volume.holder is not None else ""
        self.health_answered_s = time.monotonic()
        return h

    def Promote(self, request, context):
        self.promote_calls.append(PromoteCall(time.monotonic(), request.generation, request.reason))
        if self.promote_mode == "fail":
            context.abort(grpc.StatusCode.UNAVAILABLE, f"{self.name}: recovery failed (test)")
        epoch = self.volume.open_as_writer(self)
        return pb.PromoteResponse(epoch=epoch, vdl=self.volume.vdl, recovery_ms=1.0)


def main(argv: list[str] | None = None) -> None:
    """`python -m tests.integration.fake_compute --name N --port P [--role writer]`: one fake
    instance as its own process, for tests that kill it with a real SIGKILL."""
    import argparse

    p = argparse.ArgumentParser()
    p.add_argument("--name", required=True)
    p.add_argument("--port", required=True, type=int)
    p.add_argument("--role", default="writer")
    p.add_argument("--epoch", default=1, type=int)
    args = p.parse_args(argv)
    inst = FakeInstance(FakeVolume(args.epoch), args.name, args.port, role=args.role).start()
    inst.server.wait_for_termination()


if __name__ == "__main__":
    main()
