"""The simulated cluster: six real storage nodes and real writers on one SimLoop.

Every storage node is the production `StorageNode` + `StorageService` with an
in-memory disk and a `SimTransport`; every writer is the production `VolumeClient`
(recovery, links, write tracker) with a `SimTransport`. A process crash cancels its
tasks and forgets its memory; its disk stays. The oracle watches through thin
wrappers around a few methods (what was sent, what VDL passed, what a node
persisted or truncated); nothing in the product knows it is simulated.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from dataclasses import dataclass
from pathlib import PurePosixPath

from compute_node.volume_client import PageChange, VolumeClient
from sixfold.errors import CommitInDoubt, SixfoldError
from sixfold.sim.disk import DiskFault, MemDisk, open_env_on
from sixfold.sim.loop import SimLoop
from sixfold.sim.network import SimNetwork, SimTransport
from sixfold.sim.oracle import InvariantViolation, Oracle, Outcome
from sixfold.spec import ClusterSpec, local_spec
from storage_node.node import StorageNode
from storage_node.service import StorageService
from storage_node.trim import trim_once, trim_target

log = logging.getLogger("sixfold.sim")
PG_PAGES = 16
MTR_PAYLOAD_BYTES = 24
TRIM_INTERVAL_S = 0.5  # how often a node trims its log (the backup pass's interval is 1 s)


@dataclass
class WorldConfig:
    committers: int = 4
    cancel_rate: float = 0.0  # a commit is cancelled by its caller after a few loop turns
    commit_timeout_ms: int = 3_000
    think_s: float = 0.002  # between a committer's commits
    mtrs_max: int = 300  # the workload stops after this many commits (bounds the run's cost)


class World:
    def __init__(self, loop: SimLoop, net: SimNetwork, rng, config: WorldConfig, plant: str | None = None):
        self.loop, self.net, self.rng, self.config, self.plant = loop, net, rng, config, plant
        self.spec: ClusterSpec = local_spec(7100, pg_pages=PG_PAGES, name="sim")
        self.geometry = self.spec.geometry()
        self.env_disks: dict[str, MemDisk] = {}
        self.node_names = [n.name for n in self.spec.storage_nodes]
        for n in self.node_names:
            self.env_disks[self._env_path(n)] = MemDisk()
        self.oracle = Oracle({n: self.env_disks[self._env_path(n)] for n in self.node_names}, self.geometry.segments)
        self.nodes: dict[str, StorageNode] = {}
        self.writers: dict[str, VolumeClient] = {}
        self.current: str | None = None  # the writer clients use
        self._writer_serial = 0
        self._mtr = 0
        self.stopping = False
        self.committer_tasks: list[asyncio.Task] = []
        self.outcome_counts: dict[str, int] = {}
        self._retired = {"trimmed_records": 0, "segment_copies": 0, "rebuilds_finished": 0}  # of crashed processes

    def _env_path(self, node: str) -> str:
        return str(PurePosixPath("/sim") / node / "volumes" / self.spec.volume)

    # --- storage nodes ------------------------------------------------------------------
    def start_node(self, name: str) -> None:
        assert name not in self.nodes
        node = StorageNode(self.spec, name, PurePosixPath("/sim") / name, transport=SimTransport(self.net, name),
                           open_env=open_env_on(self.env_disks), on_fatal=lambda e, n=name: self._node_fatal(n, e))
        self.nodes[name] = node
        self.net.serve(name, self.spec.node(name).address, StorageService(node))
        self.loop.spawn(name, self._boot(node), name=f"boot-{name}")

    async def _boot(self, node: StorageNode) -> None:
        node.open_existing_volumes([self.spec.volume])
        vol = node.volumes[self.spec.volume]
        self._watch_volume(node.name, vol)
        trim = self.loop.spawn(node.name, self._trim_loop(vol), name=f"trim-{node.name}")
        trim.add_done_callback(lambda t, n=node.name: None if t.cancelled() or t.exception() is None
                               else self._node_fatal(n, t.exception()))

    async def _trim_loop(self, vol) -> None:
        """What a node's backup pass does once it has shipped (`storage_node/backup.py`),
        with everything durable taken as shipped: trim each PG behind every segment's SCL.
        The SCLs are read from the live nodes, as their progress objects would report them
        (a node that is down reports none, which stops trimming)."""
        while True:
            await asyncio.sleep(TRIM_INTERVAL_S)
            targets = {}
            for pg in sorted(vol.chains):
                scls = []
                for n in self.geometry.segments(pg):
                    peer = self.nodes.get(n)
                    peer_vol = peer.volumes.get(self.spec.volume) if peer is not None else None
                    scls.append(peer_vol.scl(pg) if peer_vol is not None else None)
                targets[pg] = trim_target(vol.hints.vdl_hint, scls, vol.hints.gc_horizon_lsn)
            vol.counters.trimmed_records += await trim_once(vol, targets)

    def storage_activity(self) -> dict[str, int]:
        """Records trimmed and segments copied so far, over every node process."""
        out = dict(self._retired)
        for node in self.nodes.values():
            for k, v in self._activity_of(node).items():
                out[k] += v
        return out

    def _activity_of(self, node: StorageNode) -> dict[str, int]:
        vol = node.volumes.get(self.spec.volume)
        if vol is None:
            return {}
        return {"trimmed_records": vol.counters.trimmed_records, "segment_copies": vol.counters.segment_copies,
                "rebuilds_finished": vol.counters.rebuilds_finished}

    def crash_node(self, name: str) -> None:
        if name not in self.nodes:
            return
        for k, v in self._activity_of(self.nodes[name]).items():
            self._retired[k] += v
        self.net.crash(name)
        self.loop.kill_process(name)
        self.oracle.node_disks[name].dead = True
        del self.nodes[name]

    def lose_disk(self, name: str) -> None:
        """Crash `name` and replace its disk with an empty one (what it held is gone)."""
        self.crash_node(name)
        disk = self.oracle.node_disks[name]
        self.oracle.on_disk_lost(name)
        disk.dbs.clear()
        disk.full, disk.fail_next_fsyncs = False, 0

    def _node_fatal(self, name: str, exc: BaseException) -> None:
        if not isinstance(exc, DiskFault):
            self.violation("task-died", f"a background task of {name} died: {exc!r}")
        self.loop.call_soon(self.crash_node, name)

    def _watch_volume(self, node: str, vol) -> None:
        oracle = self.oracle
        if self.plant == "no-epoch-check":
            from sixfold.sim.plants import skip_epoch_checks
            skip_epoch_checks(vol)  # inside the watch: the oracle sees what the planted bug does
        elif self.plant == "amnesia-fences":
            from sixfold.sim.plants import refuse_unknown_epochs_as_stale
            refuse_unknown_epochs_as_stale(vol)

        persist = vol._persist_group
        truncate = vol.truncate

        def persist_group(group):
            epochs = [it.epoch for it in group]
            persist(group)
            for it, epoch in zip(group, epochs):
                if epoch is not None and it.fut.done() and not it.fut.cancelled() and it.fut.exception() is None:
                    oracle.on_persisted(node, epoch, vol.fence.epoch, True)

        async def truncate_then_check(epoch, writer_id, above_lsn, history):
            await truncate(epoch, writer_id, above_lsn, history)
            oracle.on_truncated(node, vol.fence.epoch)

        vol._persist_group = persist_group
        vol.truncate = truncate_then_check

    # --- writers ------------------------------------------------------------------------
    def new_writer_name(self) -> str:
        self._writer_serial += 1
        return f"writer-{self._writer_serial}"

    async def open_writer(self, name: str) -> VolumeClient | None:
        """Recover the volume as a new writer process; None if recovery failed."""
        self.net.register(name)
        task = self.loop.spawn(name, VolumeClient.open(self.spec, writer_id=name,
                                                       transport=SimTransport(self.net, name),
                                                       on_failure=lambda e, n=name: self._writer_failed(n, e)))
        try:
            vc = await task
        except (SixfoldError, asyncio.CancelledError) as e:
            log.info("%s could not open the volume: %r", name, e)
            self.net.crash(name)
            self.loop.kill_process(name)
            return None
        self.writers[name] = vc
        self._watch_writer(vc)
        self.oracle.on_recovered(vc.epoch, vc.recovered.vdl, vc.recovered.carry_over)
        if self.plant == "vdl-at-3":
            vc.tracker._w = 3
        return vc

    def _writer_failed(self, name: str, err: BaseException) -> None:
        self.violation("task-died", f"writer {name} stopped: {err}")

    def crash_writer(self, name: str) -> None:
        if name not in self.writers:
            return
        self.net.crash(name)
        self.loop.kill_process(name)
        vc = self.writers.pop(name)
        vc._closing = True  # its memory is gone: nothing of it runs again
        if self.current == name:
            self.current = None

    def _watch_writer(self, vc: VolumeClient) -> None:
        oracle = self.oracle
        send, on_ack, on_fenced = vc._send, vc.on_ack, vc.on_fenced

        def watched_send(*args, **kw):
            before = len(vc._log) + vc._log_base
            commit = send(*args, **kw)
            first = before - vc._log_base
            oracle.on_sent(vc.epoch, vc._log[first:])
            return commit

        def watched_ack(node, ack):
            old = vc.tracker.vdl
            on_ack(node, ack)
            if vc.tracker.vdl != old:
                oracle.on_vdl(vc.epoch, old, vc.tracker.vdl)

        def watched_fenced(err):
            if vc._failure is None:
                try:
                    oracle.on_writer_fenced(vc.writer_id, vc.epoch, str(err))
                except InvariantViolation:
                    self.loop.stop()
            on_fenced(err)

        vc._send = watched_send
        vc.on_ack = watched_ack
        vc.on_fenced = watched_fenced

    # --- the workload -------------------------------------------------------------------
    def pages_of(self, mtr: int) -> tuple[int, int]:
        """MTR i writes its own two pages (in different PGs), so every MTR is checkable."""
        return 1 + mtr, 1_000_000 + mtr

    def payload(self, mtr: int, k: int) -> bytes:
        return hashlib.blake2b(f"{mtr}/{k}".encode(), digest_size=MTR_PAYLOAD_BYTES).digest()

    def changes(self, mtr: int) -> list[PageChange]:
        return [PageChange.delta(p, [(0, self.payload(mtr, k))]) for k, p in enumerate(self.pages_of(mtr))]

    def start_committers(self, name: str) -> None:
        for i in range(self.config.committers):
            self.committer_tasks.append(self.loop.spawn(name, self._committer(name), name=f"{name}-committer-{i}"))

    async def _committer(self, name: str) -> None:
        cfg, rng = self.config, self.rng
        while not self.stopping and name in self.writers and self._mtr < cfg.mtrs_max:
            vc = self.writers[name]
            self._mtr += 1
            mtr = self._mtr
            cancel_after = rng.randrange(8) if cfg.cancel_rate and rng.random() < cfg.cancel_rate else None
            await self.one_commit(vc, mtr, cancel_after)
            if vc._failure is not None:
                return  # fenced or stopped: every later submit would be refused
            await asyncio.sleep(rng.uniform(0, 2 * cfg.think_s))

    async def one_commit(self, vc: VolumeClient, mtr: int, cancel_after: int | None) -> str:
        holder: list = []

        async def attempt():
            # Two of three commits say others follow, so group commit holds some of them
            # back (without a draw from the seeded RNG: old seeds replay unchanged).
            c = await vc.submit(self.changes(mtr), more_coming=mtr % 3 != 0)
            holder.append(c)
            return await c.durable(self.config.commit_timeout_ms)

        task = asyncio.ensure_future(attempt())
        if cancel_after is not None:
            for _ in range(cancel_after):
                if task.done():
                    break
                await asyncio.sleep(0)
            task.cancel()
        try:
            await task
        except asyncio.CancelledError:
            # Cancelled by its caller, or its process crashed: refused if it was never
            # sent (submit had not returned), in doubt if it was.
            kind = "in_doubt" if holder else "refused"
            self.oracle.on_outcome(Outcome(mtr, kind, vc.epoch, holder[0].cpl if holder else 0))
            if cancel_after is None:
                raise
            return kind
        except CommitInDoubt:
            self.oracle.on_outcome(Outcome(mtr, "in_doubt", vc.epoch, holder[0].cpl if holder else 0))
            return "in_doubt"
        except SixfoldError:
            if holder:
                self.violation("outcome", f"MTR {mtr}: a refusal was reported after the commit was sent")
            self.oracle.on_outcome(Outcome(mtr, "refused", vc.epoch))
            return "refused"
        self.oracle.on_outcome(Outcome(mtr, "durable", vc.epoch, holder[0].cpl))
        return "durable"

    # --- invariants -----------------------------------------------------------------------
    def violation(self, invariant: str, detail: str) -> None:
        try:
            self.oracle.fail(invariant, detail)
        except InvariantViolation:
            pass
        self.loop.stop()
