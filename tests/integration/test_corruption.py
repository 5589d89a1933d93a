"""A byte flipped on disk in one node's LMDB file (in a log record and in a page
version) is caught by checksum, never served, and repaired from a peer."""

from __future__ import annotations

import asyncio

import grpc
import pytest

from compute_node.volume_client import PageChange, VolumeClient
from sixfold.supervisor import wait_until
from sixfold.constants import COALESCE_DELTAS_PER_PAGE_MIN, PAGE_SIZE_BYTES
from sixfold.rpc import storage_pb2 as pb
from sixfold.rpc import storage_pb2_grpc as pb_grpc

PAGE = 3
PATTERN = b"SIXFOLD-CORRUPTION-PROBE-" * 40  # 1000 distinctive bytes in the page


def flip_pattern(path, pattern: bytes) -> int:
    """Flip one byte in the middle of every occurrence of `pattern`. Returns how many."""
    data = bytearray(path.read_bytes())
    n, at = 0, data.find(pattern)
    while at >= 0:
        data[at + len(pattern) // 2] ^= 0xFF
        n += 1
        at = data.find(pattern, at + len(pattern))
    path.write_bytes(data)
    return n


def direct_get(cluster, node, page, lsn):
    with grpc.insecure_channel(cluster.nodes[node].address) as ch:
        return pb_grpc.StorageNodeStub(ch).GetPage(pb.GetPageRequest(
            volume=cluster.spec.volume, page=page, read_lsn=lsn), timeout=5)


@pytest.mark.integration
def test_flipped_byte_is_detected_not_served_and_repaired(cluster_builder):
    cluster = cluster_builder.build()
    cluster_builder.allow_log(r"failed its checksum")
    victim = cluster.names_in_az("az3")[0]
    image = PATTERN + bytes(PAGE_SIZE_BYTES - len(PATTERN))

    async def write():
        vc = await VolumeClient.open(cluster.spec)
        try:
            await vc.commit([PageChange.image(PAGE, image)])
            for k in range(COALESCE_DELTAS_PER_PAGE_MIN + 2):  # enough for a page version to be materialized
                await vc.commit([PageChange.delta(PAGE, [(2000 + 8 * k, b"delta-%02d" % k)])])
            return vc.vdl, await vc.get_page(PAGE)
        finally:
            await vc.close()

    vdl, expected = asyncio.run(write())
    assert expected[: len(PATTERN)] == PATTERN
    wait_until(lambda: cluster.health(victim).versions_count > 0, 15, "a page version on the victim")
    cluster.kill(victim)
    data_file = cluster.nodes[victim].data_dir / "volumes" / cluster.spec.volume / "data.mdb"
    flipped = flip_pattern(data_file, PATTERN)
    assert flipped >= 2, f"expected the pattern in a record and a version, found {flipped}"
    cluster.start(victim)

    # Never served wrong: either refused as corrupt, or (once repaired) right.
    try:
        got = direct_get(cluster, victim, PAGE, vdl)
        assert got.image == expected
    except grpc.RpcError as e:
        assert e.code() == grpc.StatusCode.DATA_LOSS, e
    # A reader through the volume client is served by another segment meanwhile.
    async def read():
        vc = await VolumeClient.open(cluster.spec)
        try:
            return await vc.get_page(PAGE)
        finally:
            await vc.close()
    assert asyncio.run(read()) == expected
    # Detected and repaired from a peer: the record (by the scrubber) and the version.
    wait_until(lambda: cluster.health(victim).repairs_count >= 2, 20, "both corrupt entries to be repaired")
    h = cluster.health(victim)
    assert h.checksum_failures_count >= 2
    assert direct_get(cluster, victim, PAGE, vdl).image == expected
    cluster.kill(victim)
    assert data_file.read_bytes().count(PATTERN) >= 2, "the repaired entries hold the right bytes again"


@pytest.mark.integration
def test_a_corrupt_version_below_trimmed_log_is_repaired_never_rebuilt_from_zeros(cluster_builder):
    """Once a PG's log is trimmed (backed up and folded into page versions), a page's
    version can be the only base it has. A corrupt one must be repaired from a peer, or
    kept and refused until one can send it: peers refuse reads below their GC horizon,
    and the repair used to drop such a version as derived data, so the page was rebuilt
    from zeros plus what log remained, and served (a chaos run's XX001)."""
    cluster = cluster_builder.build(backup=True)
    cluster_builder.allow_log(r"failed its checksum")
    victim = cluster.names_in_az("az3")[0]
    image = PATTERN + bytes(PAGE_SIZE_BYTES - len(PATTERN))
    other = PAGE + 1
    assert cluster.spec.geometry().pg_of_page(other) == cluster.spec.geometry().pg_of_page(PAGE)

    async def write():
        vc = await VolumeClient.open(cluster.spec)
        try:
            await vc.commit([PageChange.image(PAGE, image)])
            for k in range(COALESCE_DELTAS_PER_PAGE_MIN + 2):  # a page version is materialized
                await vc.commit([PageChange.delta(PAGE, [(2000 + 8 * k, b"delta-%02d" % k)])])
            expected = await vc.get_page(PAGE)
            version_vdl = vc.vdl
            for k in range(3 * COALESCE_DELTAS_PER_PAGE_MIN):  # VDL, and the GC horizon, move past that version
                await vc.commit([PageChange.delta(other, [(8 * (k % 400), b"other-%03d" % k)])])
            return version_vdl, vc.vdl, expected
        finally:
            await vc.close()

    version_vdl, vdl, expected = asyncio.run(write())
    names = cluster.storage_names
    wait_until(lambda: all(cluster.health(n).records_count < COALESCE_DELTAS_PER_PAGE_MIN for n in names), 60,
               "the storage nodes to trim their backed-up logs")
    h = cluster.health(victim)
    assert h.gc_horizon_lsn > version_vdl, (h.gc_horizon_lsn, version_vdl)
    cluster.kill(victim)
    data_file = cluster.nodes[victim].data_dir / "volumes" / cluster.spec.volume / "data.mdb"
    assert flip_pattern(data_file, PATTERN) >= 1, "the page's version holds the pattern (its records are trimmed)"
    cluster.start(victim)

    served: list[bytes] = []

    def answered() -> bool:
        try:
            served.append(direct_get(cluster, victim, PAGE, vdl).image)
        except grpc.RpcError as e:
            if e.code() in (grpc.StatusCode.DATA_LOSS, grpc.StatusCode.UNAVAILABLE):
                return False  # refused as corrupt (not repaired yet), or still starting
            raise
        return True

    wait_until(answered, 30, "the victim to serve the page again (its corrupt version repaired)")
    assert served[0] == expected, "served wrong: the page rebuilt without its only base version"
    assert cluster.health(victim).repairs_count >= 1
    cluster.kill(victim)
    assert data_file.read_bytes().count(PATTERN) >= 1, "the repaired version holds the right bytes again"
