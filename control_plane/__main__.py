"""`python -m control_plane` / `sixfold-control-plane`: run the control plane.

    python -m control_plane --cluster-spec cluster.json --data-dir DIR [--log-level INFO]

It serves ControlPlane on the spec's `control_plane` address, health-checks every
compute instance on its admin port, fails the writer over, and keeps its state in
DIR/control-plane.json. SIGTERM (or SIGINT) stops it; nothing else stops serving
because of that (see docs/2026-12-02-control-plane.md).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
from pathlib import Path

import grpc

from control_plane.monitor import Monitor
from control_plane.service import ControlPlaneService
from control_plane.state import StateError, StateFile
from control_plane.topology import TopologyHub
from sixfold.constants import SHUTDOWN_GRACE_MS
from sixfold.process import run_server
from sixfold.rpc import control_pb2_grpc as pb_grpc
from sixfold.rpc.channel_options import SERVER_OPTIONS
from sixfold.spec import ClusterSpec

log = logging.getLogger("sixfold.control")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="sixfold-control-plane",
        description="Run the Sixfold control plane: health-checks the compute instances, promotes "
        "a replica when the writer fails, and serves the topology (a call and a watch stream).")
    p.add_argument("--cluster-spec", required=True, type=Path, help="cluster spec JSON (names every instance)")
    p.add_argument("--data-dir", required=True, type=Path, help="directory for control-plane.json (its state)")
    p.add_argument("--log-level", default="INFO", choices=["DEBUG", "INFO", "WARNING", "ERROR"])
    return p.parse_args(argv)


async def serve(args: argparse.Namespace) -> None:
    spec = ClusterSpec.load(args.cluster_spec)
    if spec.control_plane is None:
        raise SystemExit(f"{args.cluster_spec} names no control_plane address")
    hub = TopologyHub()
    try:
        monitor = Monitor(spec, StateFile(args.data_dir), hub)
    except StateError as e:
        raise SystemExit(f"cannot resume: {e}")
    server = grpc.aio.server(options=SERVER_OPTIONS)
    pb_grpc.add_ControlPlaneServicer_to_server(ControlPlaneService(monitor, hub), server)
    if server.add_insecure_port(spec.control_plane.address) == 0:
        raise SystemExit(f"cannot listen on {spec.control_plane.address}")
    await monitor.start()
    await server.start()
    log.info("control plane of cluster %s listening on %s", spec.name, spec.control_plane.address)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    log.info("control plane stopping")
    hub.close()
    await server.stop(SHUTDOWN_GRACE_MS / 1000)
    await monitor.stop()


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    run_server("control-plane", args.log_level, serve(args))


if __name__ == "__main__":
    main()
