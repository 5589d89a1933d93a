"""A storage node process: the volumes it holds, its peers, its background work."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import grpc

from sixfold.rpc import storage_pb2_grpc as pb_grpc
from sixfold.rpc.channel_options import GRPC_OPTIONS
from sixfold.spec import ClusterSpec
from storage_node.volume import NodeVolume

log = logging.getLogger("sixfold.storage.node")



class StorageNode:
    def __init__(self, spec: ClusterSpec, name: str, data_dir: Path):
        self.spec = spec
        self.name = name
        self.me = spec.node(name)
        self.az = self.me.az
        self.geometry = spec.geometry()
        self.data_dir = data_dir
        self.volumes: dict[str, NodeVolume] = {}
        self._tasks: list[asyncio.Task] = []
        self._peers: dict[str, pb_grpc.StorageNodeStub] = {}
        self._channels: list[grpc.aio.Channel] = []

    def volume(self, name: str, create: bool = True) -> NodeVolume | None:
        """The node's part of volume `name`, created on first use by a writer or peer
        (not by a health probe: `create=False` returns None for an unknown volume)."""
        vol = self.volumes.get(name)
        if vol is None and create:
            if not name or "/" in name or name.startswith("."):
                from sixfold.errors import InvalidRecord
                raise InvalidRecord(f"bad volume name {name!r}")
            vol = NodeVolume(name, self.name, self.geometry, self.data_dir / "volumes" / name)
            self.volumes[name] = vol
            self._start_volume_tasks(vol)
        return vol

    def open_existing_volumes(self) -> None:
        root = self.data_dir / "volumes"
        if root.is_dir():
            for p in sorted(root.iterdir()):
                if p.is_dir():
                    self.volume(p.name)

    def peer(self, name: str) -> pb_grpc.StorageNodeStub:
        stub = self._peers.get(name)
        if stub is None:
            ch = grpc.aio.insecure_channel(self.spec.node(name).address, options=GRPC_OPTIONS)
            self._channels.append(ch)
            stub = self._peers[name] = pb_grpc.StorageNodeStub(ch)
        return stub

    def _start_volume_tasks(self, vol: NodeVolume) -> None:
        from storage_node import background

        for coro in (vol.persist_loop(), background.gossip_loop(self, vol), background.coalesce_loop(vol),
                     background.gc_loop(vol), background.scrub_loop(vol), background.repair_loop(self, vol)):
            task = asyncio.get_running_loop().create_task(coro)
            task.add_done_callback(_crash_on_failure)
            self._tasks.append(task)

    async def close(self) -> None:
        for t in self._tasks:
            t.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        for ch in self._channels:
            await ch.close()
        for vol in self.volumes.values():
            vol.close()


def _crash_on_failure(task: asyncio.Task) -> None:
    """A background task that dies leaves the node unable to do its job: stop loudly."""
    if task.cancelled():
        return
    exc = task.exception()
    if exc is not None:
        log.critical("background task failed; stopping the node", exc_info=exc)
        import os
        os._exit(70)
