"""`python -m storage_node` / `sixfold-storage-node`: run one storage node."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
from pathlib import Path

import grpc

from sixfold.constants import SHUTDOWN_GRACE_MS
from sixfold.rpc import storage_pb2_grpc as pb_grpc
from sixfold.process import run_server
from sixfold.spec import ClusterSpec
from sixfold.rpc.channel_options import SERVER_OPTIONS
from storage_node.node import StorageNode
from storage_node.service import StorageService


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="sixfold-storage-node",
        description="Run one Sixfold storage node: persists redo for its segments, gossips with "
        "peers, materializes pages and serves GetPage@LSN over gRPC.")
    p.add_argument("--cluster-spec", required=True, type=Path, help="cluster spec JSON (names every node)")
    p.add_argument("--name", required=True, help="this node's name in the spec")
    p.add_argument("--data-dir", required=True, type=Path, help="directory for this node's LMDB files")
    p.add_argument("--log-level", default="INFO", choices=["DEBUG", "INFO", "WARNING", "ERROR"])
    return p.parse_args(argv)


async def serve(args: argparse.Namespace) -> None:
    spec = ClusterSpec.load(args.cluster_spec)
    node = StorageNode(spec, args.name, args.data_dir)
    server = grpc.aio.server(options=SERVER_OPTIONS)
    pb_grpc.add_StorageNodeServicer_to_server(StorageService(node), server)
    bound = server.add_insecure_port(node.me.address)
    if bound == 0:
        raise SystemExit(f"cannot listen on {node.me.address}")
    node.open_existing_volumes()
    await server.start()
    logging.getLogger("sixfold.storage").info("storage node %s (%s) listening on %s", node.name, node.az,
                                              node.me.address)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    logging.getLogger("sixfold.storage").info("storage node %s stopping", node.name)
    await server.stop(SHUTDOWN_GRACE_MS / 1000)
    await node.close()


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    run_server(args.name, args.log_level, serve(args))


if __name__ == "__main__":
    main()
