"""Following the control plane: a WatchTopology stream, opened again whenever it
breaks, for as long as the router runs.

The stream sends the current topology at once and then every change, so the router
learns of a new writer one network hop after the control plane decides it. While the
control plane is unreachable nothing changes here: the router keeps routing by the
last topology it saw (or the spec's, if it never saw one) and tries again, waiting
ROUTER_WATCH_BACKOFF_MS_MIN doubling up to ROUTER_WATCH_BACKOFF_MS_MAX between attempts.
The channel's own reconnect backoff is capped too (`sixfold.rpc.channel_options`).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Callable

import grpc

from router.topology import View, view_from_proto
from sixfold.constants import ROUTER_WATCH_BACKOFF_MS_MAX, ROUTER_WATCH_BACKOFF_MS_MIN
from sixfold.rpc import control_pb2 as pb
from sixfold.rpc import control_pb2_grpc as pb_grpc
from sixfold.rpc.channel_options import GRPC_OPTIONS

log = logging.getLogger("sixfold.router")


async def watch_topology(address: str, on_view: Callable[[View], None]) -> None:
    """Call `on_view` with every topology the control plane at `address` publishes;
    runs until cancelled."""
    backoff_ms = ROUTER_WATCH_BACKOFF_MS_MIN
    reachable: bool | None = None  # None: not tried yet (log the first outcome either way)
    async with grpc.aio.insecure_channel(address, options=GRPC_OPTIONS) as channel:
        stub = pb_grpc.ControlPlaneStub(channel)
        while True:
            call = stub.WatchTopology(pb.TopologyRequest())
            try:
                async for topology in call:
                    if reachable is not True:
                        log.info("watching the topology at the control plane %s", address)
                        reachable = True
                    backoff_ms = ROUTER_WATCH_BACKOFF_MS_MIN
                    on_view(view_from_proto(topology))
                why = "it ended the watch"
            except grpc.aio.AioRpcError as e:
                why = f"{e.code().name}: {e.details()}"
            except Exception as e:  # noqa: BLE001 - a bad topology must not end the watch for good
                log.exception("applying a topology from the control plane failed")
                why = repr(e)
            finally:
                call.cancel()
            if reachable is not False:
                log.warning("control plane %s unreachable (%s); routing by the last topology until it answers",
                            address, why)
                reachable = False
            await asyncio.sleep(backoff_ms / 1000)
            backoff_ms = min(2 * backoff_ms, ROUTER_WATCH_BACKOFF_MS_MAX)
