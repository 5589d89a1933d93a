"""`python -m replication.agent`: a secondary region's replication agent.

The agent is its region's volume's only writer. It opens the volume like a writer
(recovery with a new epoch: a restarted agent fences the one before it), then pulls
the primary's durable log from the primary's replication server and writes each
primary mini-transaction into its own volume as one mini-transaction, with 4-of-6
quorums, keeping the primary's commit time. LSNs are dense on both sides, so every
primary mini-transaction lands at exactly the same LSNs here (checked: a mismatch stops
the agent). The secondary's VDL therefore only ever lands on a primary commit
boundary, and a restarted agent resumes after its recovered VDL: no gap, no duplicate.

To the region's readers the agent is the writer: it serves them the same redo stream
(`ComputeNode.Subscribe`) a writer does, so a read replica works unchanged.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
from pathlib import Path

import grpc

from compute_node.redo_stream import RedoRing, serve_subscriber
from compute_node.volume_client import PageChange, VolumeClient
from sixfold.constants import (
    APPEND_RECONNECT_BACKOFF_MS_MIN, REPLICA_RECONNECT_BACKOFF_MS_MAX, REPLICATION_PROGRESS_INTERVAL_MS,
    REPLICATION_STREAM_SILENCE_MS, RPC_TIMEOUT_MS,
)
from replication.log_fetch import fetch_durable_range
from sixfold.core.records import KIND_MARKER, LogRecord, decode_record, peek_commit_ts_us
from sixfold.errors import InvalidMessage, SixfoldError, StaleEpoch
from sixfold.process import run_server
from sixfold.rpc import compute_pb2 as cpb
from sixfold.rpc import compute_pb2_grpc as cpb_grpc
from sixfold.rpc.channel_options import GRPC_OPTIONS, SERVER_OPTIONS
from sixfold.spec import ClusterSpec

log = logging.getLogger("sixfold.replication.agent")


class LogDiverged(SixfoldError):
    """The primary's server refused this secondary: its log differs from the primary's
    (a failover left it behind). Not retriable: `sixfold global rejoin` rebuilds it."""


def agent_name(region: str) -> str:
    return f"agent-{region}"


class Agent(cpb_grpc.ComputeNodeServicer):
    def __init__(self, spec: ClusterSpec):
        assert spec.replication is not None and spec.replication.role == "secondary"
        self.spec = spec
        self.name = agent_name(spec.region)
        self.vc: VolumeClient | None = None
        self.submitted = 0  # the last primary LSN handed to the volume (durable or in flight)
        self.submitted_ts_us = 0  # its commit time: the server checks it against the primary's log
        self.primary_vdl = 0  # as the server last told
        self.primary_vdl_ts_us = 0
        self._mtx: list[LogRecord] = []  # the primary mini-transaction being received
        self.failed: asyncio.Future | None = None

    async def open(self) -> None:
        self.failed = asyncio.get_running_loop().create_future()
        self.vc = await VolumeClient.open(self.spec, writer_id=self.name, on_failure=self._on_failure)
        self.vc.redo_ring = RedoRing(self.vc.vdl)
        self.submitted = vdl = self.vc.vdl
        if vdl:  # the commit time of the last primary commit the volume holds
            raws = await fetch_durable_range(self.vc.stubs, self.vc.geometry, self.spec.volume, vdl - 1, vdl,
                                             self.vc.recovered.pg_tails)
            self.submitted_ts_us = peek_commit_ts_us(raws[0])
        log.info("agent of region %s opened its volume: epoch %d, durable to primary LSN %d", self.spec.region,
                 self.vc.epoch, self.vc.vdl)

    def _on_failure(self, err: SixfoldError) -> None:
        if not self.failed.done():
            self.failed.set_result(err)

    # --- pulling the primary's log ----------------------------------------------------
    async def pull(self) -> None:
        backoff_ms = APPEND_RECONNECT_BACKOFF_MS_MIN
        upstream = self.spec.replication.upstream
        while True:
            try:
                await self._stream(upstream)
                backoff_ms = APPEND_RECONNECT_BACKOFF_MS_MIN
            except grpc.aio.AioRpcError as e:
                if e.code() == grpc.StatusCode.FAILED_PRECONDITION:  # diverged: following would corrupt the volume
                    raise LogDiverged(e.details()) from None
                log.info("the log stream from %s ended (%s: %s); resuming after LSN %d", upstream, e.code().name,
                         e.details(), self.submitted)
            except (InvalidMessage, asyncio.TimeoutError) as e:
                detail = f"{e.code().name}: {e.details()}" if isinstance(e, grpc.aio.AioRpcError) else str(e)
                log.info("the log stream from %s ended (%s); resuming after LSN %d", upstream, detail, self.submitted)
            await asyncio.sleep(backoff_ms / 1000)  # reconnect backoff
            backoff_ms = min(backoff_ms * 2, REPLICA_RECONNECT_BACKOFF_MS_MAX)

    def _progress(self, **kw) -> cpb.ReplicaProgress:
        return cpb.ReplicaProgress(name=self.spec.region, applied_vdl=self.vc.vdl, min_read_lsn=self.vc.vdl, **kw)

    async def _stream(self, upstream: str) -> None:
        silence_s = (REPLICATION_STREAM_SILENCE_MS + 2 * self.spec.replication.delay_ms) / 1000
        self._mtx.clear()
        channel = grpc.aio.insecure_channel(upstream, options=GRPC_OPTIONS)
        try:
            call = cpb_grpc.ComputeNodeStub(channel).Subscribe()
            await call.write(self._progress(resume_after_lsn=self.submitted, resume_commit_ts_us=self.submitted_ts_us))
            reporter = asyncio.ensure_future(self._report(call))
            try:
                first = await asyncio.wait_for(call.read(), RPC_TIMEOUT_MS / 1000 + silence_s)
                if first is grpc.aio.EOF:
                    return
                if first.start_lsn != self.submitted:
                    raise InvalidMessage(f"the server resumed at {first.start_lsn}, the agent is at {self.submitted}")
                log.info("pulling the primary's log from %s after LSN %d (primary VDL %d)", upstream,
                         self.submitted, first.vdl)
                batch = first
                while batch is not grpc.aio.EOF:
                    await self._apply(batch)
                    batch = await asyncio.wait_for(call.read(), silence_s)
            finally:
                reporter.cancel()
                call.cancel()
        finally:
            await channel.close()

    async def _report(self, call) -> None:
        while True:
            await asyncio.sleep(REPLICATION_PROGRESS_INTERVAL_MS / 1000)
            await call.write(self._progress())

    async def _apply(self, batch: cpb.RedoBatch) -> None:
        if batch.vdl > self.primary_vdl:
            self.primary_vdl, self.primary_vdl_ts_us = batch.vdl, batch.vdl_commit_ts_us
        vc = self.vc
        for raw in batch.records:
            rec = decode_record(raw)
            expected = self.submitted + len(self._mtx) + 1
            if rec.lsn != expected:
                raise InvalidMessage(f"the primary's log skipped from {expected - 1} to {rec.lsn}")
            self._mtx.append(rec)
            if not rec.cpl:
                continue
            mtx, self._mtx = self._mtx, []
            changes = [PageChange(r.page, r.kind, r.payload) for r in mtx if r.kind != KIND_MARKER]
            commit = await vc.submit(changes, commit_ts_us=rec.commit_ts_us)
            if commit.cpl != rec.lsn:  # the two logs would diverge: stop before anything reads it
                err = InvalidMessage(f"primary commit at LSN {rec.lsn} landed at LSN {commit.cpl} here")
                vc.stop(err)  # ends the process through `failed`
                raise err
            self.submitted, self.submitted_ts_us = rec.lsn, rec.commit_ts_us

    # --- to the region's readers, the agent is the writer ------------------------------------
    async def Health(self, request, context):
        vc = self.vc
        h = cpb.ComputeHealth(name=self.name, role="agent", pid=os.getpid(), region=self.spec.region,
                              writer=self.name, synced=True, writer_vdl=self.primary_vdl)
        if vc is not None:
            h.epoch, h.vdl = vc.epoch, vc.vdl
            h.vdl_commit_ts_us = vc.redo_ring.vdl_commit_ts_us
            if self.primary_vdl > vc.vdl and h.vdl_commit_ts_us:
                h.lag_ms = max(0.0, (self.primary_vdl_ts_us - h.vdl_commit_ts_us) / 1000)
        return h

    async def Promote(self, request, context):
        await context.abort(grpc.StatusCode.FAILED_PRECONDITION,
                            "an agent is not promoted: promote one of the region's readers")

    async def Subscribe(self, request_iterator, context):
        await serve_subscriber(self.vc, self.vc.redo_ring, self.name, request_iterator, context)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="sixfold-replication-agent",
        description="Run a secondary region's replication agent: open the region's volume as its only writer "
        "and write the primary's durable log into it (global database).")
    p.add_argument("--cluster-spec", required=True, type=Path, help="the secondary region's cluster spec JSON")
    p.add_argument("--log-level", default="INFO", choices=["DEBUG", "INFO", "WARNING", "ERROR"])
    return p.parse_args(argv)


async def serve(args: argparse.Namespace) -> int:
    spec = ClusterSpec.load(args.cluster_spec)
    if spec.replication is None or spec.replication.role != "secondary":
        raise SystemExit(f"{args.cluster_spec} is not a secondary region's spec (no replication role 'secondary')")
    if spec.replication.diverged:
        raise SystemExit(f"region {spec.region} diverged from the primary in a failover; `sixfold global rejoin "
                         f"{spec.region}` rebuilds it as a secondary")
    agent = Agent(spec)
    await agent.open()
    grpc_server = grpc.aio.server(options=SERVER_OPTIONS)
    cpb_grpc.add_ComputeNodeServicer_to_server(agent, grpc_server)
    if grpc_server.add_insecure_port(spec.replication.address) == 0:
        raise SystemExit(f"cannot listen on {spec.replication.address}")
    await grpc_server.start()
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    puller = asyncio.ensure_future(agent.pull())
    stopper = asyncio.ensure_future(stop.wait())
    done, _ = await asyncio.wait({stopper, puller, agent.failed}, return_when=asyncio.FIRST_COMPLETED)
    code = 0
    if agent.failed in done:
        err = agent.failed.result()
        if isinstance(err, StaleEpoch):
            log.warning("agent fenced by a newer writer of region %s's volume (%s): it stops", spec.region, err)
        else:
            log.critical("agent stopped after a failure: %s", err)
            code = 70
    elif puller in done and isinstance(puller.exception(), StaleEpoch):
        log.warning("agent fenced by a newer writer of region %s's volume: it stops", spec.region)
    elif puller in done and isinstance(puller.exception(), LogDiverged):
        log.critical("region %s cannot follow the primary: %s; run `sixfold global rejoin %s`", spec.region,
                     puller.exception(), spec.region)
        code = 70
    elif puller in done and puller.exception() is not None:
        log.critical("agent stopped", exc_info=puller.exception())
        code = 70
    puller.cancel()
    stopper.cancel()
    await grpc_server.stop(0.5)
    await agent.vc.close()
    return code


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    code = [0]

    async def run() -> None:
        code[0] = await serve(args)

    run_server("replication-agent", args.log_level, run())
    raise SystemExit(code[0])


if __name__ == "__main__":
    main()
