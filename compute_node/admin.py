"""The ComputeNode gRPC service of a compute instance (on its admin port): health for
the control plane, promotion of a replica to the writer, and the redo stream the
writer serves to its replicas. Runs on the instance's volume loop, next to the
volume client or the replica view it reports on."""

from __future__ import annotations

import logging
import os

import grpc

from compute_node.engine import ComputeNode
from compute_node.redo_stream import serve_subscriber
from sixfold.errors import SixfoldError
from sixfold.rpc import compute_pb2 as cpb
from sixfold.rpc import compute_pb2_grpc as cpb_grpc
from sixfold.rpc.channel_options import SERVER_OPTIONS

log = logging.getLogger("sixfold.compute.admin")


class ComputeAdmin(cpb_grpc.ComputeNodeServicer):
    def __init__(self, node: ComputeNode, name: str):
        self.node = node
        self.name = name

    async def Health(self, request, context):
        node = self.node
        h = cpb.ComputeHealth(name=self.name, role=node.role, pid=os.getpid())
        if node.role == "writer" and node.vc is not None:
            vc = node.vc
            h.role = "fenced" if vc._failure is not None else "writer"
            h.epoch, h.vdl, h.writer_vdl, h.synced, h.writer = vc.epoch, vc.vdl, vc.vdl, True, self.name
            if vc.redo_ring is not None:
                h.vdl_commit_ts_us = vc.redo_ring.vdl_commit_ts_us
        elif node.replica is not None:
            r = node.replica
            h.epoch, h.vdl, h.writer_vdl, h.lag_ms, h.synced, h.writer = (
                r.epoch, r.read_point, r.writer_vdl, r.lag_ms, r.synced, r.writer)
            h.vdl_commit_ts_us = r.read_point_ts_us
        return h

    async def Promote(self, request, context):
        log.info("promotion asked (generation %d): %s", request.generation, request.reason)
        try:
            vc = await self.node.promote()
            if request.global_primary:
                vc.rpo_ms = request.rpo_s * 1000
        except SixfoldError as e:
            log.warning("promotion failed: %s", e)
            await context.abort(grpc.StatusCode.UNAVAILABLE, f"{type(e).__name__}: {e}")
        return cpb.PromoteResponse(epoch=vc.epoch, vdl=vc.recovered.vdl, recovery_ms=vc.recovery_ms)

    async def PauseWrites(self, request, context):
        vc = self.node.vc
        if self.node.role != "writer" or vc is None:
            await context.abort(grpc.StatusCode.FAILED_PRECONDITION, f"{self.name} is not the writer")
        if request.resume:
            vc.resume_writes()
            log.info("writes resumed")
            return cpb.PauseWritesResponse(epoch=vc.epoch)
        try:
            lsn = await vc.pause_writes(request.reason or "the writer is not taking writes")
        except SixfoldError as e:
            await context.abort(grpc.StatusCode.UNAVAILABLE, f"{type(e).__name__}: {e}")
        return cpb.PauseWritesResponse(marker_lsn=lsn, epoch=vc.epoch)

    async def Subscribe(self, request_iterator, context):
        node = self.node
        if node.role != "writer" or node.vc is None or node.vc.redo_ring is None:
            await context.abort(grpc.StatusCode.FAILED_PRECONDITION, f"{self.name} is not the writer ({node.role})")
        await serve_subscriber(node.vc, node.vc.redo_ring, self.name, request_iterator, context)


async def serve_admin(node: ComputeNode, name: str, address: str) -> grpc.aio.Server:
    """Start the admin service on `address` (call on the node's volume loop)."""
    server = grpc.aio.server(options=SERVER_OPTIONS)
    cpb_grpc.add_ComputeNodeServicer_to_server(ComputeAdmin(node, name), server)
    if server.add_insecure_port(address) == 0:
        raise OSError(f"cannot listen on {address}")
    await server.start()
    return server
