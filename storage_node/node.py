"""A storage node process: the volumes it holds, its peers, its background work."""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Callable
from pathlib import Path

from sixfold.rpc import storage_pb2_grpc as pb_grpc
from sixfold.rpc.transport import GrpcTransport, Transport
from sixfold.spec import ClusterSpec
from storage_node.volume import NodeVolume

log = logging.getLogger("sixfold.storage.node")


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
        self._transport = transport or GrpcTransport()
        self._open_env = open_env
        self._on_fatal = on_fatal

    def volume(self, name: str, create: bool = True) -> NodeVolume | None:
        """The node's part of volume `name`, created on first use by a writer or peer
        (not by a health probe: `create=False` returns None for an unknown volume)."""
        vol = self.volumes.get(name)
        if vol is None and create:
            if not name or "/" in name or name.startswith("."):
                from sixfold.errors import InvalidRecord
                raise InvalidRecord(f"bad volume name {name!r}")
            vol = NodeVolume(name, self.name, self.geometry, self.data_dir / "volumes" / name, self._open_env)
            vol.on_persist_failure = self._persist_failed
            self.volumes[name] = vol
            self._start_volume_tasks(vol)
        return vol

    def open_existing_volumes(self, names: list[str] | None = None) -> None:
        """Open the volumes found in the data directory (or the given ones)."""
        if names is None:
            root = self.data_dir / "volumes"
            names = sorted(p.name for p in root.iterdir() if p.is_dir()) if root.is_dir() else []
        for name in names:
            self.volume(name)

    def peer(self, name: str) -> pb_grpc.StorageNodeStub:
        return self._transport.storage_stub(self.spec.node(name).address)

    def _start_volume_tasks(self, vol: NodeVolume) -> None:
        from storage_node import background

        coros = [vol.persist_loop(), background.gossip_loop(self, vol), background.coalesce_loop(vol),
                 background.gc_loop(vol), background.scrub_loop(vol), background.repair_loop(self, vol)]
        if self.spec.backup:
            from storage_node.backup import backup_loop

            coros.append(backup_loop(self, vol))
        for coro in coros:
            task = asyncio.get_running_loop().create_task(coro)
            task.add_done_callback(self._crash_on_failure)
            self._tasks.append(task)

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
