"""How a process reaches storage nodes: the network seam.

Production code asks a `Transport` for a node's stub and never builds channels
itself, so the deterministic simulator (`sixfold/sim/`) can hand the same code stubs
that travel over a simulated network instead of gRPC. A stub has the methods of
`StorageNodeStub`: unary calls take `timeout=` (seconds) and raise
`grpc.aio.AioRpcError`; `Append()` returns a bidirectional call with `write`,
`read` (`grpc.aio.EOF` at the end), `done_writing` and `cancel`.
"""

from __future__ import annotations

from typing import Protocol

import grpc

from sixfold.rpc import storage_pb2_grpc as pb_grpc
from sixfold.rpc.channel_options import GRPC_OPTIONS


class Transport(Protocol):
    def storage_stub(self, address: str) -> pb_grpc.StorageNodeStub: ...

    async def close(self) -> None: ...


class GrpcTransport:
    """gRPC channels (one per address, shared by every stub), with keepalive."""

    def __init__(self) -> None:
        self._channels: dict[str, grpc.aio.Channel] = {}
        self._stubs: dict[str, pb_grpc.StorageNodeStub] = {}

    def storage_stub(self, address: str) -> pb_grpc.StorageNodeStub:
        stub = self._stubs.get(address)
        if stub is None:
            ch = self._channels[address] = grpc.aio.insecure_channel(address, options=GRPC_OPTIONS)
            stub = self._stubs[address] = pb_grpc.StorageNodeStub(ch)
        return stub

    async def close(self) -> None:
        for ch in self._channels.values():
            await ch.close()
        self._channels.clear()
        self._stubs.clear()
