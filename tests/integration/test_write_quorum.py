"""Writes stay available with any two of six nodes down and stop, cleanly and
boundedly, with three down: the 4-of-6 write quorum against real processes. The
stalled commits are in doubt (CommitTimeout, not retriable), and complete once a
node returns."""

from __future__ import annotations

import asyncio
import time

import pytest

from compute_node.volume_client import VolumeClient
from sixfold.errors import CommitTimeout
from tests.integration.mtr_workload import MtrWorkload, seed_from_env

MTRS_COUNT = 10_000
COMMITTERS_COUNT = 16
STALL_TIMEOUT_MS = 1_500


async def commit_range(vc: VolumeClient, wl: MtrWorkload, ids: range, acked: dict[int, int]) -> None:
    """COMMITTERS_COUNT tasks commit the MTRs of `ids`; acked maps id -> CPL."""
    it = iter(ids)

    async def worker():
        for i in it:
            acked[i] = await vc.commit(wl.changes(i))

    await asyncio.gather(*(worker() for _ in range(COMMITTERS_COUNT)))


async def commit_while(vc, wl, ids: range, acked, action_after: int, action) -> None:
    """Commit `ids`; run `action` (a blocking launcher call) once `action_after` of them are acked."""
    task = asyncio.ensure_future(commit_range(vc, wl, ids, acked))
    start = len(acked)
    while len(acked) - start < action_after:
        assert not task.done() or task.exception() is None
        await asyncio.sleep(0.01)
    await asyncio.to_thread(action)
    await task


@pytest.mark.integration
def test_two_down_keep_committing_three_down_stop_and_resume(cluster_builder):
    seed = seed_from_env()
    cluster = cluster_builder.build()
    wl = MtrWorkload(seed, image_pages_count=MTRS_COUNT, image_bytes=64)
    az1, az2, az3 = (cluster.names_in_az(az) for az in ("az1", "az2", "az3"))

    async def run():
        vc = await VolumeClient.open(cluster.spec)
        acked: dict[int, int] = {}
        try:
            # 1. Healthy, then a whole AZ (two nodes) killed mid-stream: commits go on.
            await commit_while(vc, wl, range(0, 3000), acked, 1000, lambda: [cluster.kill(n) for n in az1])
            assert len(acked) == 3000
            for n in az1:
                cluster.start(n)
            # 2. Two nodes in different AZs killed mid-stream: commits go on.
            await commit_while(vc, wl, range(3000, 6000), acked, 1000,
                               lambda: (cluster.kill(az2[0]), cluster.kill(az3[1])))
            assert len(acked) == 6000
            # 3. A third node down: nothing is acknowledged, and waits end with a clear error.
            await asyncio.to_thread(cluster.kill, az1[0])
            vdl_before = vc.vdl
            t0 = time.monotonic()
            stalled = [await vc.submit(wl.changes(i)) for i in range(6000, 6000 + COMMITTERS_COUNT)]
            results = await asyncio.gather(*(c.durable(STALL_TIMEOUT_MS) for c in stalled), return_exceptions=True)
            waited_s = time.monotonic() - t0
            assert all(isinstance(r, CommitTimeout) for r in results), results
            # In doubt, not refused: the commits were sent and may still become durable.
            assert "not acknowledged" in str(results[0]) and not results[0].retriable
            assert waited_s < STALL_TIMEOUT_MS / 1000 + 2, waited_s
            assert vc.vdl == vdl_before, "a commit was acknowledged with three of six segments down"
            # 4. One node returns: the stalled commits complete and new ones are acknowledged.
            await asyncio.to_thread(cluster.start, az2[0])
            for i, c in zip(range(6000, 6000 + COMMITTERS_COUNT), stalled):
                acked[i] = await c.durable(20_000)
            await commit_range(vc, wl, range(6000 + COMMITTERS_COUNT, MTRS_COUNT), acked)
            assert len(acked) == MTRS_COUNT
            # Every acknowledged MTR reads back.
            for i in range(0, MTRS_COUNT, 7):
                page = await vc.get_page(wl.image_page(i))
                stamp = await vc.get_page(wl.stamp_page(i))
                assert wl.state_of(i, page, stamp) == "present", i
            print(f"{MTRS_COUNT} MTRs, VDL {vc.vdl}, links {vc.link_stats()}")
        finally:
            await vc.close()

    asyncio.run(run())


@pytest.mark.integration
def test_links_send_each_record_at_most_once_with_little_framing(cluster_builder):
    """What the bench reports as bytes leaving the writer. On a healthy cluster each link
    sends a record of its node's PGs at most once (a node may get a few from a peer by
    gossip instead), at least four links sent each one (a record is acknowledged by four
    nodes before any peer may gossip it), and the append messages as sent (records, their
    framing, hints, heartbeats) are a little more than the records they carry."""
    seed = seed_from_env()
    cluster = cluster_builder.build()
    wl = MtrWorkload(seed, image_pages_count=200, image_bytes=64)

    async def run():
        vc = await VolumeClient.open(cluster.spec)
        try:
            acked: dict[int, int] = {}
            await commit_range(vc, wl, range(0, 200), acked)
            record_bytes = vc.stats["record_bytes"]
            stats = vc.link_stats()
            assert sum(s["sent_bytes"] for s in stats.values()) >= 4 * record_bytes, stats
            for name, s in stats.items():
                assert s["reconnects"] == 0 and s["sent_bytes"] <= record_bytes, (name, s)
                framing_bytes = s["sent_wire_bytes"] - s["sent_bytes"]
                assert 0 < framing_bytes < 128 * max(s["sent_records"], 1), (name, s)
        finally:
            await vc.close()

    asyncio.run(run())


@pytest.mark.integration
def test_a_storage_node_with_a_replaced_disk_rejoins_without_fencing_the_writer(cluster_builder):
    """Once every node applied the writer's recovery, the writer forgets that truncation
    (its history is compacted to the floor). A node whose disk was replaced never saw it:
    it used to refuse every append as 'recovery not known here', and the writer took that
    for being fenced and stopped taking writes - one lost disk stopped the cluster. Now
    the empty node takes the floor as applied, and a node that is merely behind never
    fences the writer."""
    import secrets
    import shutil

    import psycopg

    from sixfold.supervisor import wait_until

    cluster = cluster_builder.build(writer=True, password=secrets.token_urlsafe(12))
    uri = cluster.uri()
    with psycopg.connect(uri, autocommit=True) as conn:
        conn.execute("create table t (id int primary key)")
        conn.execute("insert into t select g from generate_series(1, 100) g")
    victim = cluster.storage_names[-1]
    epoch = cluster.health(cluster.storage_names[0]).epoch
    cluster.kill(victim)
    shutil.rmtree(cluster.nodes[victim].data_dir)
    cluster.start(victim)
    with psycopg.connect(uri, autocommit=True) as conn:
        for i in range(101, 201):
            conn.execute("insert into t values (%s)", (i,))
        assert conn.execute("select count(*) from t").fetchone() == (200,)
    wait_until(lambda: cluster.health(victim).epoch == epoch and cluster.health(victim).records_count > 0, 20,
               f"{victim} to take appends at epoch {epoch}")


@pytest.mark.integration
def test_a_replaced_node_copies_trimmed_segments_from_a_peer_and_counts_again(cluster_builder):
    """After the logs are trimmed (backed up, folded into page versions) no peer can send
    a node with a replaced disk the records it lacks. It takes a copy of a peer's whole
    segment instead, then gossip fills the rest: it serves every page as its peers do,
    and with two other nodes down the writer's 4-of-6 quorum holds with it."""
    import secrets
    import shutil

    import grpc
    import psycopg

    from sixfold.rpc import storage_pb2 as pb
    from sixfold.rpc import storage_pb2_grpc as pb_grpc
    from sixfold.supervisor import wait_until

    cluster = cluster_builder.build(writer=True, password=secrets.token_urlsafe(12), backup=True)
    uri = cluster.uri()
    with psycopg.connect(uri, autocommit=True) as conn:
        conn.execute("create table t (id int primary key, v int, pad text)")
        conn.execute("insert into t select g, 0, repeat('x', 200) from generate_series(1, 3000) g")
        for i in range(200):
            conn.execute("update t set v = v + 1 where id = %s", (1 + i * 13,))
    names = cluster.storage_names
    wait_until(lambda: sum(cluster.health(n).records_count for n in names) < 6 * 50, 90,
               "the storage nodes to trim their backed-up logs")
    victim = names[-1]  # az3
    cluster.kill(victim)
    shutil.rmtree(cluster.nodes[victim].data_dir)
    cluster.start(victim)
    with psycopg.connect(uri, autocommit=True) as conn:
        conn.execute("update t set v = v + 1 where id = 2")  # the writer goes on meanwhile

    def scls(name: str) -> dict[int, int]:
        return {s.pg: s.scl for s in cluster.health(name).scls}

    peer = names[0]
    wait_until(lambda: scls(victim) == scls(peer), 60, f"{victim} to reach {peer}'s SCLs by copies and gossip")
    # Until it has heard from enough peers, recovery does not count it (it may have
    # forgotten commits it acknowledged); then it counts again.
    wait_until(lambda: not cluster.health(victim).rebuilding, 30, f"{victim} to finish rebuilding")
    log_text = cluster.nodes[victim].log_path.read_text()
    assert "rebuilding through LSN" in log_text and "rebuilt through LSN" in log_text
    vdl = cluster.health(peer).vdl_hint
    pages = range(0, cluster.spec.pg_pages * (max(scls(peer)) + 1))

    def page_of(name: str, page: int) -> tuple[bytes, int]:
        with grpc.insecure_channel(cluster.nodes[name].address) as ch:
            r = pb_grpc.StorageNodeStub(ch).GetPage(pb.GetPageRequest(volume=cluster.spec.volume, page=page,
                                                                     read_lsn=vdl), timeout=10)
        return r.image, r.page_lsn

    differ = [p for p in pages if page_of(peer, p) != page_of(victim, p)]
    assert not differ, f"{victim} serves pages {differ[:10]} unlike {peer}"
    # Two nodes of the other AZs down: every commit now needs the copied node's ack.
    for n in (names[0], names[2]):
        cluster.kill(n)
    with psycopg.connect(uri, autocommit=True) as conn:
        conn.execute("update t set v = v + 100 where id = 1")
        rows = dict(conn.execute("select id, v from t").fetchall())
    expect = {i: (1 if (i - 1) % 13 == 0 and i <= 1 + 199 * 13 else 0) for i in range(1, 3001)}
    expect[2] += 1
    expect[1] += 100
    assert rows == expect
