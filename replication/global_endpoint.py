"""`python -m replication.global_endpoint`: the global writer endpoint.

One stable address that always reaches the current primary region's writer: each new
client connection is piped, bytes untouched, to the writer endpoint of the region
`global.json` names primary (its router, which itself follows failovers inside the
region; while that router does not answer, the instance its spec names writer). When a
switchover or failover moves the primary, every connection still piped to the old one
is closed, so clients reconnect here and reach the new primary. A client that cannot be
placed gets FATAL 57P03.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import signal
from pathlib import Path

from router.refuse import CANNOT_CONNECT_NOW, fatal
from sixfold.constants import (
    GLOBAL_ENDPOINT_WATCH_INTERVAL_MS, ROUTER_BACKEND_CONNECT_TIMEOUT_MS, ROUTER_BUFFER_BYTES_MAX,
)
from sixfold.process import run_server
from sixfold.spec import ClusterSpec

log = logging.getLogger("sixfold.replication.endpoint")
NAME = "global-endpoint"


def primary_writer(root: Path) -> tuple[str, list[tuple[str, int]]]:
    """(primary region, where its writer answers: the region's router, then the instance
    the spec names writer), from the data directory. The instance is the fallback while
    the router of a region that just became primary is still starting."""
    from replication.regions import GLOBAL_FILE, REGIONS_DIR

    d = json.loads((root / GLOBAL_FILE).read_text())
    primary = d["primary"]
    rroot = root if primary == d["regions"][0] else root / REGIONS_DIR / primary
    spec = ClusterSpec.load(rroot / "cluster.json")
    out = [(spec.router.host, spec.router.writer_port)] if spec.router is not None else []
    if spec.writer is not None:
        out.append((spec.writer.host, spec.writer.port))
    if not out:
        raise LookupError(f"region {primary} has no writer")
    return primary, out


class GlobalEndpoint:
    def __init__(self, root: Path):
        self.root = root
        self.pipes: dict[asyncio.StreamWriter, str] = {}  # client side -> the region it is piped to
        self.primary = ""

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            region, targets = primary_writer(self.root)
        except (OSError, LookupError, ValueError) as e:
            targets, why = [], e
        up = None
        for target in targets:
            try:
                up = await asyncio.wait_for(asyncio.open_connection(*target), ROUTER_BACKEND_CONNECT_TIMEOUT_MS / 1000)
                break
            except (OSError, asyncio.TimeoutError) as e:
                why = e
        if up is None:
            writer.write(fatal(CANNOT_CONNECT_NOW,
                               f"the global writer endpoint cannot reach the primary's writer: {why}"))
            await _close(writer)
            return
        up_r, up_w = up
        self.pipes[writer] = region
        try:
            await asyncio.gather(_pipe(reader, up_w), _pipe(up_r, writer))
        finally:
            self.pipes.pop(writer, None)
            await _close(up_w)
            await _close(writer)

    async def watch(self) -> None:
        while True:
            try:
                primary, _ = primary_writer(self.root)
            except (OSError, LookupError, ValueError):
                primary = self.primary
            if primary != self.primary:
                if self.primary:
                    log.info("the primary moved from %s to %s: closing %d connection(s) to the old one",
                             self.primary, primary, sum(r != primary for r in self.pipes.values()))
                for w, region in list(self.pipes.items()):
                    if region != primary:
                        w.transport.abort()
                self.primary = primary
            await asyncio.sleep(GLOBAL_ENDPOINT_WATCH_INTERVAL_MS / 1000)


async def _pipe(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
    try:
        while (data := await src.read(ROUTER_BUFFER_BYTES_MAX)) and not dst.is_closing():
            dst.write(data)
            await dst.drain()  # bounded: a slow side stops the other being read
    except (OSError, RuntimeError):  # RuntimeError: uvloop's word for a transport closed under us
        pass
    finally:
        dst.close()  # the other direction then ends too


async def _close(w: asyncio.StreamWriter) -> None:
    w.close()
    try:
        await w.wait_closed()
    except OSError:
        pass


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="sixfold-global-endpoint",
        description="Run a global database's global writer endpoint: pipe each client connection to the "
        "current primary region's writer endpoint, and close connections to a primary that moved.")
    p.add_argument("--cluster-spec", required=True, type=Path,
                   help="the spec of the region whose directory holds global.json (the first region)")
    p.add_argument("--log-level", default="INFO", choices=["DEBUG", "INFO", "WARNING", "ERROR"])
    return p.parse_args(argv)


async def serve(args: argparse.Namespace) -> None:
    spec = ClusterSpec.load(args.cluster_spec)
    ep = spec.extra.get("global_endpoint")
    if not ep:
        raise SystemExit(f"{args.cluster_spec} names no global endpoint (extra.global_endpoint)")
    g = GlobalEndpoint(args.cluster_spec.resolve().parent)
    server = await asyncio.start_server(g.handle, ep["host"], ep["port"])
    watcher = asyncio.ensure_future(g.watch())
    log.info("global writer endpoint on %s:%d", ep["host"], ep["port"])
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    watcher.cancel()
    server.close()
    for w in list(g.pipes):
        w.transport.abort()


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    run_server(NAME, args.log_level, serve(args))


if __name__ == "__main__":
    main()
