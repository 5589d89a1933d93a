"""Crash recovery: a writer SIGKILLed with an AZ plus one node down loses nothing it
acknowledged, shows no partial mini-transaction, and nothing above the recovered
VDL survives on any segment."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import threading

import grpc
import pytest

from compute_node.volume_client import VolumeClient
from sixfold.supervisor import wait_until
from sixfold.rpc import storage_pb2 as pb
from sixfold.rpc import storage_pb2_grpc as pb_grpc
from tests.integration.mtr_workload import MtrWorkload, seed_from_env

IMAGE_PAGES = 4_000
COMMITTERS = 8


def start_writer(cluster, seed: int, start: int, count: int) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.integration.writer_proc", str(cluster.spec_path), str(seed), str(IMAGE_PAGES),
         str(start), str(count), str(COMMITTERS)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def acked_of(out: str) -> dict[int, int]:
    acked = {}
    for line in out.splitlines():
        if line.startswith("ack "):
            _, i, cpl = line.split()
            acked[int(i)] = int(cpl)
    return acked


def records_above(cluster, lsn: int, pg_count: int) -> list[tuple[str, int]]:
    """Every (node, lsn) of a record above `lsn` that any segment still serves."""
    found = []
    for name, node in cluster.nodes.items():
        with grpc.insecure_channel(node.address) as ch:
            resp = pb_grpc.StorageNodeStub(ch).FetchRecords(pb.FetchRequest(
                volume=cluster.spec.volume, max_records=1_000_000, max_bytes=1 << 30,
                ranges=[pb.FetchRange(pg=pg, after_lsn=lsn) for pg in range(pg_count)]), timeout=10)
        from sixfold.core.records import decode_record
        found += [(name, decode_record(r).lsn) for r in resp.records]
    return found


@pytest.mark.integration
def test_az_plus_one_down_and_writer_killed_recovers_every_ack(cluster_builder):
    seed = seed_from_env()
    cluster = cluster_builder.build()
    wl = MtrWorkload(seed, IMAGE_PAGES)
    writer = start_writer(cluster, seed, 0, IMAGE_PAGES)
    out_lines: list[str] = []
    reader = threading.Thread(target=lambda: out_lines.extend(writer.stdout), daemon=True)
    reader.start()
    try:
        # Let it acknowledge a good number of commits, then take down az1 and one node of az2
        # while it is writing, then crash the writer itself.
        wait_until(lambda: sum(l.startswith("ack ") for l in list(out_lines)) >= 1500, 120,
                   "1,500 acknowledged commits")
        victims = cluster.names_in_az("az1") + cluster.names_in_az("az2")[:1]
        for n in victims:
            cluster.kill(n)
        writer.kill()
        writer.wait(10)
        reader.join(10)
    finally:
        if writer.poll() is None:
            writer.kill()
    acked = acked_of("".join(out_lines))
    assert len(acked) >= 1500
    for n in victims:
        cluster.start(n)

    async def check():
        vc = await VolumeClient.open(cluster.spec)
        try:
            vdl = vc.vdl
            assert vdl >= max(acked.values()), "recovery lost an acknowledged commit"
            states = {}
            for i in range(IMAGE_PAGES):
                states[i] = wl.state_of(i, await vc.get_page(wl.image_page(i)), await vc.get_page(wl.stamp_page(i)))
            missing = [i for i in acked if states[i] != "present"]
            partial = [i for i, s in states.items() if s == "partial"]
            assert not missing, f"acknowledged MTRs not read back: {missing[:10]}"
            assert not partial, f"partially visible MTRs: {partial[:10]}"
            print(f"acked {len(acked)}, present {sum(s == 'present' for s in states.values())}, VDL {vdl}, "
                  f"carried over {len(vc.recovered.carry_over)}, recovery {vc.recovery_ms:.0f} ms")
            return vdl, vc.pg_count
        finally:
            await vc.close()

    vdl, pg_count = asyncio.run(check())
    # Nothing above the recovered VDL is served by any segment, including the ones
    # that were down when the writer crashed.
    wait_until(lambda: all(cluster.health(n).epoch >= 2 for n in cluster.nodes), 10, "every node to learn the epoch")
    assert records_above(cluster, vdl, pg_count) == []


@pytest.mark.integration
def test_whole_cluster_restarts_after_its_logs_were_trimmed(cluster_builder):
    """Storage nodes trim records that are backed up and held by all six segments. A
    segment's persisted SCL lags its last append by one batch, so for a PG whose records
    were then all trimmed it sat below the trim mark: after a restart the segment saw a
    hole nobody could fill, on all six nodes, and reads of those pages failed forever."""
    import secrets

    import psycopg

    cluster = cluster_builder.build(writer=True, password=secrets.token_urlsafe(12), backup=True)
    uri = cluster.uri()
    with psycopg.connect(uri, autocommit=True) as conn:
        conn.execute("create table t (id int primary key, v int, pad text)")
        conn.execute("insert into t select g, 0, repeat('x', 200) from generate_series(1, 3000) g")
        for i in range(300):  # deltas spread over many pages, each PG then left idle
            conn.execute("update t set v = v + 1 where id = %s", (1 + i * 10,))
    expect = {i: (1 if i % 10 == 1 and i <= 2991 else 0) for i in range(1, 3001)}
    wait_until(lambda: sum(cluster.health(n).records_count for n in cluster.storage_names) < 6 * 50, 90,
               "the storage nodes to trim their backed-up logs")
    cluster.stop_all()
    cluster.start_all()
    with psycopg.connect(uri, autocommit=True) as conn:
        assert dict(conn.execute("select id, v from t").fetchall()) == expect
        conn.execute("update t set v = v + 1 where id = 1")  # and the chains go on
    with psycopg.connect(uri) as conn:
        assert conn.execute("select v from t where id = 1").fetchone() == (2,)
