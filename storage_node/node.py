"""A storage node process: the volumes it holds, its peers, its background work."""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Callable
from pathlib import Path

from sixfold.constants import RPC_TIMEOUT_MS
from sixfold.core.quorum import peers_know_every_fence
from sixfold.core.rebuild import PEERS_NEEDED_COUNT, PeerView, rebuild_target
from sixfold.errors import EpochUnknown, InvalidRecord, ReadPointCollected, SegmentBehind, StaleEpoch
from sixfold.rpc import storage_pb2 as pb
from sixfold.rpc import storage_pb2_grpc as pb_grpc
from sixfold.rpc.transport import GrpcTransport, Transport
from sixfold.spec import ClusterSpec
from storage_node.volume import NodeVolume

log = logging.getLogger("sixfold.storage.node")


def peer_view(peer: str, r: pb.FetchResponse) -> PeerView:
    """What a peer's FetchRecords answer says about what it holds (`sixfold.core.rebuild`)."""
    return PeerView(peer, r.holds_nothing, r.rebuilding, r.highest_lsn)


def _exit_process(exc: BaseException) -> None:
    os._exit(70)


class StorageNode:
    def __init__(self, spec: ClusterSpec, name: str, data_dir: Path, transport: Transport | None = None,
                 open_env=None, on_fatal: Callable[[BaseException], None] = _exit_process):
        """`transport` reaches peers (default gRPC), `open_env` opens each volume's
        LMDB environment (default real LMDB), `on_fatal` stops the node when a
        background task fails (default: exit the process). The simulator passes its own."""
        self.spec = spec
        self.name = name
        self.me = spec.node(name)
        self.az = self.me.az
        self.geometry = spec.geometry()
        self.data_dir = data_dir
        self.volumes: dict[str, NodeVolume] = {}
        self._tasks: list[asyncio.Task] = []
        self._vol_tasks: dict[str, list[asyncio.Task]] = {}
        self._transport = transport or GrpcTransport()
        self._open_env = open_env
        self._on_fatal = on_fatal

    def volume(self, name: str, create: bool = True) -> NodeVolume | None:
        """The node's part of volume `name`, created on first use by a writer or peer
        (not by a health probe: `create=False` returns None for an unknown volume)."""
        vol = self.volumes.get(name)
        if vol is None and create:
            if not name or "/" in name or name.startswith("."):
                raise InvalidRecord(f"bad volume name {name!r}")
            if self._dropped(name):
                raise StaleEpoch(f"volume {name!r} was dropped")
            vol = NodeVolume(name, self.name, self.geometry, self.data_dir / "volumes" / name, self._open_env)
            vol.on_persist_failure = self._persist_failed
            self.volumes[name] = vol
            if vol.clone_of is not None:
                vol.parent = self.volume(vol.clone_of["parent"])
            self._start_volume_tasks(vol)
        return vol

    def _tombstone(self, name: str) -> Path:
        return self.data_dir / "volumes" / f".{name}.dropped"

    def _dropped(self, name: str) -> bool:
        """Whether volume `name` was dropped here. (The simulator's disk, `open_env`,
        holds no tombstones: it never drops a volume.)"""
        return self._open_env is None and self._tombstone(name).exists()

    # --- copy-on-write clones and dropping volumes -----------------------------------
    async def create_clone(self, parent_name: str, clone_name: str, fork_lsn: int, pg_count: int) -> None:
        """Make this node's part of volume `clone_name`: every page as of `fork_lsn` of
        `parent_name` (a durable point), read from the parent until the clone writes it.
        Only metadata is written, whatever the volume's size."""
        from storage_node.backup import complete_to
        from storage_node.store import Hints, VolumeStore, WriteBatch

        parent = self.volume(parent_name, create=False)
        if parent is None or parent.dropped:
            raise InvalidRecord(f"no volume {parent_name!r} on {self.name} to clone")
        if clone_name in self.volumes or (self.data_dir / "volumes" / clone_name).exists():
            raise InvalidRecord(f"volume {clone_name!r} exists on {self.name}")
        if fork_lsn < parent.hints.gc_horizon_lsn:
            raise ReadPointCollected(f"fork point {fork_lsn} is below {parent_name}'s GC horizon "
                                     f"{parent.hints.gc_horizon_lsn}")
        pgs = [pg for pg in range(pg_count) if parent.holds(pg)]
        complete = set(await complete_to(self, parent, pgs, fork_lsn))
        if len(complete) < len(pgs):
            raise SegmentBehind(f"{self.name} lacks records of {parent_name} up to {fork_lsn} in "
                                f"{len(pgs) - len(complete)} PG(s); gossip is filling them, retry")
        parent.pins[clone_name] = fork_lsn  # from now on GC and trimming keep the fork's pages
        pins = dict(parent.pins)
        await parent.control(lambda: parent.store.put_meta_json(b"pins", pins))
        store = VolumeStore(self.data_dir / "volumes" / clone_name, self._open_env)
        try:
            # Nothing per PG: the clone's own record chains start empty (its writer's first
            # record of a PG links to LSN 0) and its durable point is the fork, so its
            # writer recovers to the fork and allocates above it. Only metadata, whatever
            # the volume's size.
            store.commit(WriteBatch(hints=Hints(vdl_hint=fork_lsn)))
            store.put_meta_json(b"clone", {"parent": parent_name, "fork_lsn": fork_lsn})
        finally:
            store.close()
        self.volume(clone_name)
        log.info("volume %s created as a clone of %s at LSN %d", clone_name, parent_name, fork_lsn)

    async def drop_volume(self, name: str) -> None:
        """Drop a volume: refuse its writers from now on, and delete it once no clone
        reads from it. Dropping a clone releases what its parent kept for it."""
        vol = self.volume(name, create=False)
        if vol is None:
            return
        if not vol.dropped:
            vol.dropped = True
            await vol.control(lambda: vol.store.put_meta_json(b"dropped", True))
        if vol.parent is not None:
            parent = vol.parent
            parent.pins.pop(name, None)
            pins = dict(parent.pins)
            await parent.control(lambda: parent.store.put_meta_json(b"pins", pins))
        if not vol.pins:
            await self._delete_volume(vol)
            if vol.parent is not None and vol.parent.dropped and not vol.parent.pins:
                await self._delete_volume(vol.parent)

    async def _delete_volume(self, vol: NodeVolume) -> None:
        import shutil

        self._tombstone(vol.name).parent.mkdir(parents=True, exist_ok=True)
        self._tombstone(vol.name).touch()
        tasks = self._vol_tasks.pop(vol.name, [])
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self.volumes.pop(vol.name, None)
        vol.close()
        shutil.rmtree(vol.store.path, ignore_errors=True)
        log.info("volume %s deleted", vol.name)

    def open_existing_volumes(self, names: list[str] | None = None) -> None:
        """Open the volumes found in the data directory (or the given ones)."""
        if names is None:
            root = self.data_dir / "volumes"
            names = sorted(p.name for p in root.iterdir() if p.is_dir()) if root.is_dir() else []
        for name in names:
            if not self._dropped(name):
                self.volume(name)

    def peer(self, name: str) -> pb_grpc.StorageNodeStub:
        return self._transport.storage_stub(self.spec.node(name).address)

    async def confirm_volume(self, vol: NodeVolume) -> None:
        """For a volume opened holding nothing (new, or its disk was replaced): learn from
        its peers, before taking any record or serving any read, the newest epoch they
        were fenced at, and whether the volume is a clone.

        A disk replaced after a recovery was compacted out of the history would otherwise
        take a fenced writer's appends at LSNs that recovery gave to other records, and no
        later truncation would tell it. And a clone's metadata is written once, on the six
        nodes, when it is made: a replaced disk would hold the clone as an ordinary volume
        and read the pages the clone never wrote as zeros, not as the parent's. Such a
        node does not serve the clone (`NodeVolume.lost_clone`)."""
        epoch, clone, views = await self._peer_view(vol)
        placements = [p for p in self.geometry.placements(self.geometry.placement_period) if self.name in p]
        through = rebuild_target(placements, self.name, views)
        if through is None:
            raise EpochUnknown(f"volume {vol.name} holds nothing here and fewer than {PEERS_NEEDED_COUNT} peers "
                               "per placement that hold it answered: what it must rebuild is not known yet")
        await vol.learn_epoch(epoch)
        if through > 0:
            await vol.begin_rebuild(through)  # persisted before the volume takes any record
        if clone is not None and vol.clone_of is None:
            vol.lost_clone = clone
            log.warning("volume %s is a clone of %s (at LSN %d) that this node no longer holds: not served here",
                        vol.name, clone["parent"], clone["fork_lsn"])
        vol.unconfirmed = False

    async def _peer_view(self, vol: NodeVolume) -> tuple[int, dict | None, list[PeerView]]:
        """(the newest epoch this node's peers were fenced at, the volume's clone metadata
        if a peer has it, what each peer that answered holds), from enough peers to be sure
        of the epoch (`peers_know_every_fence`) and of the rebuild target
        (`rebuild_target`); raises EpochUnknown (retriable) otherwise. Returns as soon as
        the answers are enough: a silent peer does not hold up a node it is not needed by
        (recovery asks a node holding nothing for its state, and waits for its answer)."""
        placements = [p for p in self.geometry.placements(self.geometry.placement_period) if self.name in p]
        peers = sorted({n for p in placements for n in p if n != self.name})

        async def ask(peer: str) -> pb.FetchResponse:
            return await self.peer(peer).FetchRecords(
                pb.FetchRequest(volume=vol.name, from_node=self.name, max_records=1, max_bytes=1),
                timeout=RPC_TIMEOUT_MS / 1000)

        def enough(answered: dict[str, pb.FetchResponse]) -> bool:
            return peers_know_every_fence(placements, self.name, answered) and rebuild_target(
                placements, self.name, [peer_view(p, r) for p, r in answered.items()]) is not None

        tasks = {asyncio.ensure_future(ask(p)): p for p in peers}
        answered: dict[str, pb.FetchResponse] = {}
        pending = set(tasks)
        try:
            while pending and not enough(answered):
                done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
                for t in done:
                    if not t.cancelled() and t.exception() is None:
                        answered[tasks[t]] = t.result()
        finally:
            for t in pending:
                t.cancel()
        if not peers_know_every_fence(placements, self.name, answered):
            raise EpochUnknown(f"volume {vol.name} holds nothing here and only {len(answered)} of {len(peers)} "
                               "peers answered: the volume's epoch is not known yet")
        clones = [{"parent": r.clone_parent, "fork_lsn": r.clone_fork_lsn} for r in answered.values() if r.clone_parent]
        views = [peer_view(p, r) for p, r in answered.items()]
        return max((r.epoch for r in answered.values()), default=0), (clones[0] if clones else None), views

    def _start_volume_tasks(self, vol: NodeVolume) -> None:
        from storage_node import background

        coros = [vol.persist_loop(), background.gossip_loop(self, vol), background.coalesce_loop(vol),
                 background.gc_loop(vol), background.scrub_loop(vol), background.repair_loop(self, vol)]
        if self.spec.backup and vol.clone_of is None:  # a clone's backup would need its parent's
            from storage_node.backup import backup_loop

            coros.append(backup_loop(self, vol))
        for coro in coros:
            task = asyncio.get_running_loop().create_task(coro)
            task.add_done_callback(self._crash_on_failure)
            self._tasks.append(task)
            self._vol_tasks.setdefault(vol.name, []).append(task)

    def _persist_failed(self, exc: BaseException) -> None:
        log.critical("a write to disk failed; stopping the node", exc_info=exc)
        self._on_fatal(exc)

    def _crash_on_failure(self, task: asyncio.Task) -> None:
        """A background task that dies leaves the node unable to do its job: stop loudly."""
        if task.cancelled():
            return
        exc = task.exception()
        if exc is not None:
            log.critical("background task failed; stopping the node", exc_info=exc)
            self._on_fatal(exc)

    async def close(self) -> None:
        for t in self._tasks:
            t.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self._transport.close()
        for vol in self.volumes.values():
            vol.close()
