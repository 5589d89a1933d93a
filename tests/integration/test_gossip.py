"""A node that missed commits catches up from its peers by gossip, with no writer
running at all (so nothing can have been resent by one)."""

from __future__ import annotations

import asyncio
import time

import pytest

from compute_node.volume_client import VolumeClient
from sixfold.supervisor import wait_until
from tests.integration.mtr_workload import MtrWorkload, seed_from_env

MISSED_COMMITS = 1_000
CATCH_UP_S = 10


def scls(cluster, name) -> dict[int, int]:
    return {s.pg: s.scl for s in cluster.health(name).scls}


@pytest.mark.integration
def test_restarted_node_reaches_peers_scl_by_gossip(cluster_builder):
    seed = seed_from_env()
    cluster = cluster_builder.build()
    wl = MtrWorkload(seed, image_pages_count=3_000, image_bytes=256)
    victim = cluster.names_in_az("az2")[1]

    async def write():
        vc = await VolumeClient.open(cluster.spec)
        try:
            for i in range(200):
                await vc.commit(wl.changes(i))
            await asyncio.to_thread(cluster.kill, victim)
            sem = asyncio.Semaphore(16)

            async def one(i):
                async with sem:
                    await vc.commit(wl.changes(i))
            await asyncio.gather(*(one(i) for i in range(200, 200 + MISSED_COMMITS)))
            return vc.vdl, vc.link_stats()[victim]["sent_bytes"]
        finally:
            await vc.close()  # no writer from here on

    vdl, _ = asyncio.run(write())
    peers = [n for n in cluster.nodes if n != victim]
    # What the peers hold: the highest SCL per PG among them (all of them are complete).
    target = {}
    for p in peers:
        for pg, s in scls(cluster, p).items():
            target[pg] = max(target.get(pg, 0), s)
    t0 = time.monotonic()
    cluster.start(victim)
    mine = scls(cluster, victim)
    behind_at_start = sum(1 for pg, s in target.items() if mine.get(pg, 0) < s)
    assert behind_at_start > 0, "the restarted node was not behind: the test proves nothing"

    def caught_up():
        now = scls(cluster, victim)
        return all(now.get(pg, 0) >= s for pg, s in target.items())

    wait_until(caught_up, CATCH_UP_S, f"{victim} to reach its peers' SCLs by gossip")
    took = time.monotonic() - t0
    gossiped = cluster.health(victim).gossip_records_count
    print(f"{victim}: behind on {behind_at_start} PGs, caught up in {took:.2f}s with {gossiped} gossiped records")
    assert gossiped >= MISSED_COMMITS, gossiped
    assert took < CATCH_UP_S


@pytest.mark.integration
def test_packed_ranges_fetch_what_range_messages_fetch(cluster_builder):
    """Gossip and the backup's probe send a range per PG as packed lists: a node answers
    them exactly as it answers the same ranges sent as messages, says how many it read
    (a node that predates them reads none, and its empty answer must vouch for nothing),
    and refuses lists of different lengths."""
    import grpc

    from sixfold.rpc import storage_pb2 as pb
    from sixfold.rpc import storage_pb2_grpc as pb_grpc

    seed = seed_from_env()
    cluster = cluster_builder.build()
    wl = MtrWorkload(seed, image_pages_count=3_000, image_bytes=256)

    async def write():
        vc = await VolumeClient.open(cluster.spec)
        try:
            for i in range(100):
                await vc.commit(wl.changes(i))
        finally:
            await vc.close()

    asyncio.run(write())
    name = cluster.storage_names[0]
    held = scls(cluster, name)
    pgs = sorted(held)
    assert len(pgs) > 1
    afters = [held[pg] // 2 for pg in pgs]
    with grpc.insecure_channel(cluster.nodes[name].address) as ch:
        stub = pb_grpc.StorageNodeStub(ch)
        as_messages = stub.FetchRecords(pb.FetchRequest(
            volume=cluster.spec.volume, max_records=100_000, max_bytes=1 << 30,
            ranges=[pb.FetchRange(pg=pg, after_lsn=a) for pg, a in zip(pgs, afters)]), timeout=10)
        packed = stub.FetchRecords(pb.FetchRequest(
            volume=cluster.spec.volume, max_records=100_000, max_bytes=1 << 30, range_pgs=pgs,
            range_after_lsns=afters), timeout=10)
        assert as_messages.records and list(packed.records) == list(as_messages.records)
        assert packed.packed_ranges_read == len(pgs) and as_messages.packed_ranges_read == 0
        assert not packed.scls and len(as_messages.scls) == len(pgs)
        with pytest.raises(grpc.RpcError) as e:
            stub.FetchRecords(pb.FetchRequest(volume=cluster.spec.volume, max_records=10, max_bytes=1 << 20,
                                              range_pgs=pgs, range_after_lsns=afters[:-1]), timeout=10)
        assert e.value.code() == grpc.StatusCode.INVALID_ARGUMENT, e.value
