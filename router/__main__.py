"""`python -m router --cluster-spec PATH` / `sixfold-router`: serve the cluster's
endpoints (the spec's `router` section) until SIGTERM, following the control plane's
topology (the spec's `control_plane`) when there is one."""

from __future__ import annotations

import argparse
import asyncio
import logging
import resource
import signal
from pathlib import Path

from router.policy import endpoints_of
from router.server import Router
from router.topology import view_from_spec
from router.watch import watch_topology
from sixfold.constants import ROUTER_CONNECTIONS_MAX, ROUTER_REFUSING_CONNECTIONS_MAX
from sixfold.process import run_server
from sixfold.spec import ClusterSpec

log = logging.getLogger("sixfold.router")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="sixfold-router",
        description="Serve a Sixfold cluster's endpoints as a TCP proxy: the cluster (writer) endpoint, "
        "the reader endpoint and custom endpoints of the spec's router section, following the "
        "control plane's topology.")
    p.add_argument("--cluster-spec", required=True, type=Path, help="cluster spec JSON (with a router section)")
    p.add_argument("--log-level", default="INFO", choices=["DEBUG", "INFO", "WARNING", "ERROR"])
    return p.parse_args(argv)


def raise_fd_limit() -> None:
    """Each proxied connection holds two sockets: make room for the connection bound."""
    need = 2 * (ROUTER_CONNECTIONS_MAX + ROUTER_REFUSING_CONNECTIONS_MAX) + 64
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < need:
        target = need if hard == resource.RLIM_INFINITY else min(need, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
        if target < need:
            log.warning("open files limited to %d: fewer than %d connections fit", target, ROUTER_CONNECTIONS_MAX)


async def serve(args: argparse.Namespace) -> None:
    spec = ClusterSpec.load(args.cluster_spec)
    try:
        endpoints = endpoints_of(spec)
    except ValueError as e:
        raise SystemExit(f"sixfold-router: {e}") from None
    raise_fd_limit()
    router = Router(endpoints, view_from_spec(spec))
    log.info("router for cluster %s starting with the spec's topology: %s", spec.name, router.view.describe())
    try:
        await router.start()
    except OSError as e:
        raise SystemExit(f"sixfold-router: cannot listen: {e}") from None
    watcher = None
    if spec.control_plane is not None:
        watcher = asyncio.create_task(watch_topology(spec.control_plane.address, router.apply))
    else:
        log.warning("no control plane in the spec: routing by the spec's topology only")
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    log.info("router stopping: closing %d client connections", len(router.clients))
    if watcher is not None:
        watcher.cancel()
        try:
            await watcher
        except asyncio.CancelledError:
            pass
    await router.stop()
    log.info("router stopped")


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    run_server("router", args.log_level, serve(args))


if __name__ == "__main__":
    main()
