"""Reading a durable LSN range of the primary's log back from its storage nodes.

The replication server keeps recent durable log in memory; a secondary that is
further behind (a new agent, one that was down, a server that just restarted) gets
the rest from primary storage. The log is dense (every LSN is exactly one record of
some PG), so a range (after, up_to] read back is complete exactly when it holds
up_to - after records with consecutive LSNs: that is checked, never assumed.

A PG is read from a segment complete at least to the PG's last record at or below
the range's end (`tails`): such a segment holds every record of the PG in the range.
"""

from __future__ import annotations

import asyncio

import grpc

from sixfold.constants import LOG_FETCH_BYTES_MAX, RPC_TIMEOUT_MS
from sixfold.core.geometry import Geometry
from sixfold.core.records import peek_header
from sixfold.errors import QuorumUnavailable
from sixfold.rpc import storage_pb2 as pb
from sixfold.rpc.fetch_answers import fetch_is_complete


async def fetch_durable_range(stubs: dict, geometry: Geometry, volume: str, after: int, up_to: int,
                              tails: dict[int, int]) -> list[bytes]:
    """Every record in (after, up_to], in LSN order. `tails`: each PG's last record at or
    below some LSN >= up_to. Raises QuorumUnavailable when a PG has no complete segment
    answering, or the records read back are not the dense range."""
    if up_to <= after:
        return []
    pgs = sorted(pg for pg, tail in tails.items() if tail > after)
    by_node: dict[str, list[int]] = {}
    for pg in pgs:
        for node in geometry.segments(pg):
            by_node.setdefault(node, []).append(pg)

    async def ask(node: str) -> pb.FetchResponse | None:
        ranges = [pb.FetchRange(pg=pg, after_lsn=after, up_to_lsn=up_to) for pg in by_node[node]]
        try:
            return await stubs[node].FetchRecords(
                pb.FetchRequest(volume=volume, ranges=ranges, max_records=up_to - after + 1,
                                max_bytes=LOG_FETCH_BYTES_MAX), timeout=RPC_TIMEOUT_MS / 1000)
        except grpc.aio.AioRpcError:
            return None

    nodes = sorted(by_node)
    answers = dict(zip(nodes, await asyncio.gather(*(ask(n) for n in nodes))))
    records: dict[int, bytes] = {}
    for pg in pgs:
        source = None
        for node in geometry.segments(pg):
            resp = answers.get(node)
            if resp is not None and fetch_is_complete(resp, pg, after, tails[pg]):
                source = resp
                break
        if source is None:
            raise QuorumUnavailable(f"no segment of PG {pg} answered with all its records in ({after}, {up_to}] "
                                    f"(complete to LSN {tails[pg]}, not trimmed above {after})")
        for raw in source.records:
            lsn, rpg = peek_header(raw)[:2]
            if rpg == pg and after < lsn <= up_to:
                records[lsn] = raw
    if len(records) != up_to - after:
        missing = next(lsn for lsn in range(after + 1, up_to + 1) if lsn not in records)
        raise QuorumUnavailable(f"primary storage returned {len(records)} of the {up_to - after} records in "
                                f"({after}, {up_to}]; LSN {missing} is missing")
    return [records[lsn] for lsn in range(after + 1, up_to + 1)]
