"""`python -m replication.server`: the primary region's replication server.

It follows the primary writer's durable log (`durable_log.py`; the control plane's
topology says which instance is the writer) and serves it to each secondary region's
agent over `ComputeNode.Subscribe`: an agent says where its volume is durable
(`resume_after_lsn`) and gets every durable record after it, in LSN order, and the
primary's VDL as it moves, through the link's one-way delay. Agents report how far
their volume is durable; the server turns that into each secondary's lag (shown by
`Health`) and reports the best lag to the writer, which enforces the managed RPO.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import time
from dataclasses import dataclass
from pathlib import Path

import grpc

from compute_node.topology import TopologyView, fetch_topology
from replication.durable_log import DurableLog
from replication.link import DelayLine
from sixfold.clock import wall_us
from sixfold.constants import (
    REDO_BATCH_BYTES_MAX, REDO_HEARTBEAT_INTERVAL_MS, REPLICATION_LINK_BATCHES_MAX,
)
from sixfold.process import run_server
from sixfold.rpc import compute_pb2 as cpb
from sixfold.rpc import compute_pb2_grpc as cpb_grpc
from sixfold.rpc.channel_options import SERVER_OPTIONS
from sixfold.spec import ClusterSpec

log = logging.getLogger("sixfold.replication.server")
SERVER_NAME = "replication-server"


@dataclass
class Secondary:
    applied_lsn: int = 0  # durable in its volume
    connected: bool = False


class ReplicationServer(cpb_grpc.ComputeNodeServicer):
    def __init__(self, spec: ClusterSpec):
        assert spec.replication is not None
        self.spec = spec
        self.delay_ms = spec.replication.delay_ms
        self.secondaries: dict[str, Secondary] = {}
        self.log = DurableLog(spec, f"{SERVER_NAME}-{spec.region}", self.best_lag_ms)

    # --- lag ------------------------------------------------------------------------------
    def lag(self, s: Secondary) -> tuple[int, float | None]:
        """(LSNs, ms) a secondary is behind the primary's durable log. The ms are how long
        ago the oldest primary commit it lacks committed (None: too old for the ring)."""
        vdl = self.log.vdl
        if s.applied_lsn >= vdl:
            return 0, 0.0
        ts = self.log.commit_ts_after(s.applied_lsn)
        return vdl - s.applied_lsn, None if ts is None else max(0.0, (wall_us() - ts) / 1000)

    def best_lag_ms(self) -> float | None:
        lags = [ms for s in self.secondaries.values() if (ms := self.lag(s)[1]) is not None]
        return min(lags, default=None)

    # --- the ComputeNode service, as a replication server ---------------------------------
    async def Health(self, request, context):
        h = cpb.ComputeHealth(name=SERVER_NAME, role="replication-server", pid=os.getpid(), region=self.spec.region,
                              epoch=self.log.epoch, vdl=self.log.vdl, writer_vdl=self.log.vdl, writer=self.log.writer,
                              synced=self.log.ring is not None)
        for region, s in sorted(self.secondaries.items()):
            lsns, ms = self.lag(s)
            h.secondaries.append(cpb.SecondaryLag(region=region, applied_lsn=s.applied_lsn, lag_lsn=lsns,
                                                  lag_ms=-1.0 if ms is None else ms, connected=s.connected))
        return h

    async def Promote(self, request, context):
        await context.abort(grpc.StatusCode.FAILED_PRECONDITION, "a replication server cannot be promoted")

    async def Subscribe(self, request_iterator, context):
        """One secondary's stream of the durable log."""
        it = request_iterator.__aiter__()
        try:
            first = await it.__anext__()
        except StopAsyncIteration:
            return  # the agent went away before saying which region it is
        region, cursor = first.name, first.resume_after_lsn
        s = self.secondaries.setdefault(region, Secondary())
        s.applied_lsn, s.connected = first.applied_vdl, True
        reader = asyncio.ensure_future(self._read_progress(s, it))
        link = DelayLine(self.delay_ms, REPLICATION_LINK_BATCHES_MAX)
        producer = asyncio.ensure_future(self._produce(region, cursor, first.resume_commit_ts_us, link, context))
        getter: asyncio.Future | None = None
        try:
            while not producer.done() or not link.empty():
                getter = asyncio.ensure_future(link.get())
                done, _ = await asyncio.wait({getter, producer, reader}, return_when=asyncio.FIRST_COMPLETED)
                if getter in done:
                    await context.write(getter.result())
                    continue
                if reader in done:
                    return  # the agent went away
                producer.result()  # raises what ended it
        finally:
            s.connected = False
            tasks = [t for t in (producer, reader, getter) if t is not None]
            for t in tasks:
                t.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    async def _read_progress(self, s: Secondary, it) -> None:
        try:
            async for progress in it:
                s.applied_lsn = max(s.applied_lsn, progress.applied_vdl)
        except Exception:  # noqa: BLE001 - the stream ended: the subscription ends with it
            pass

    async def _produce(self, region: str, cursor: int, cursor_ts_us: int, link: DelayLine, context) -> None:
        dlog = self.log
        while dlog.ring is None:  # not following a writer yet
            dlog.changed.clear()
            try:
                await asyncio.wait_for(dlog.changed.wait(), REDO_HEARTBEAT_INTERVAL_MS / 1000)
            except asyncio.TimeoutError:
                pass
        if cursor > dlog.vdl:
            await context.abort(grpc.StatusCode.FAILED_PRECONDITION,
                                f"region {region} is durable to LSN {cursor}, beyond the primary's durable log "
                                f"({dlog.vdl}): its log has diverged; it must rejoin")
        if cursor and cursor_ts_us:
            ours = await dlog.commit_ts_at(cursor)
            if ours is not None and ours != cursor_ts_us:
                await context.abort(grpc.StatusCode.FAILED_PRECONDITION,
                                    f"region {region}'s commit at LSN {cursor} is not the primary's (commit time "
                                    f"{cursor_ts_us} there, {ours} here): its log has diverged; it must rejoin")
        log.info("secondary %s resumes after LSN %d (primary VDL %d)", region, cursor, dlog.vdl)
        await link.put(self._batch(start_lsn=cursor))
        last_sent = time.monotonic()
        while True:
            records = await dlog.read(cursor, REDO_BATCH_BYTES_MAX)
            if records:
                cursor += len(records)
                await link.put(self._batch(records=records))
                last_sent = time.monotonic()
                continue
            dlog.changed.clear()
            try:
                await asyncio.wait_for(dlog.changed.wait(), REDO_HEARTBEAT_INTERVAL_MS / 1000)
            except asyncio.TimeoutError:
                pass
            if time.monotonic() - last_sent >= REDO_HEARTBEAT_INTERVAL_MS / 1000:
                await link.put(self._batch())  # a heartbeat (with the VDL)
                last_sent = time.monotonic()

    def _batch(self, **kw) -> cpb.RedoBatch:
        ring = self.log.ring
        return cpb.RedoBatch(epoch=self.log.epoch, vdl=ring.vdl, vdl_commit_ts_us=ring.vdl_commit_ts_us,
                             writer=f"{SERVER_NAME}-{self.spec.region}", **kw)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="sixfold-replication-server",
        description="Run the primary region's replication server: follow the writer's durable log and serve "
        "it to every secondary region's replication agent (global database).")
    p.add_argument("--cluster-spec", required=True, type=Path, help="the primary region's cluster spec JSON")
    p.add_argument("--log-level", default="INFO", choices=["DEBUG", "INFO", "WARNING", "ERROR"])
    return p.parse_args(argv)


async def serve(args: argparse.Namespace) -> None:
    spec = ClusterSpec.load(args.cluster_spec)
    if spec.replication is None or spec.replication.role != "primary":
        raise SystemExit(f"{args.cluster_spec} is not a primary region's spec (no replication role 'primary')")
    loop = asyncio.get_running_loop()
    topo = await loop.run_in_executor(None, fetch_topology, spec, 5.0)
    view = TopologyView(spec, SERVER_NAME, topo)
    server = ReplicationServer(spec)
    grpc_server = grpc.aio.server(options=SERVER_OPTIONS)
    cpb_grpc.add_ComputeNodeServicer_to_server(server, grpc_server)
    if grpc_server.add_insecure_port(spec.replication.address) == 0:
        raise SystemExit(f"cannot listen on {spec.replication.address}")
    await grpc_server.start()
    tasks = [asyncio.ensure_future(server.log.follow(view.writer_admin)),
             asyncio.ensure_future(view.watch(lambda _topo: server.log.retarget()))]
    log.info("replication server of region %s on %s (link delay %d ms)", spec.region, spec.replication.address,
             spec.replication.delay_ms)
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    done, _ = await asyncio.wait({asyncio.ensure_future(stop.wait()), *tasks}, return_when=asyncio.FIRST_COMPLETED)
    for t in done:
        if t in tasks and t.exception() is not None:
            log.critical("replication server task failed", exc_info=t.exception())
    view.stop()
    for t in tasks:
        t.cancel()
    await grpc_server.stop(0.5)
    await server.log.close()


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    run_server(SERVER_NAME, args.log_level, serve(args))


if __name__ == "__main__":
    main()
