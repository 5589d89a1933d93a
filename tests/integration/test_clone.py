"""Copy-on-write clones, end to end: `sixfold clone` makes a new volume on the source's
real storage nodes that shares its pages as of the fork; writes on either side stay on
that side; the source's garbage collection and log trimming keep what the clone still
reads; dropping the source leaves the clone whole."""

from __future__ import annotations

import secrets
from pathlib import Path

import grpc
import psycopg
import pytest

from sixfold.endpoints import endpoints, load_credentials
from sixfold.rpc import storage_pb2 as pb
from sixfold.rpc import storage_pb2_grpc as pb_grpc
from sixfold.spec import ClusterSpec
from sixfold.supervisor import Supervisor, free_ports, wait_until
from tests.integration.test_cli import ok, sixfold

pytestmark = pytest.mark.integration

ROWS = 2_000


def rows(uri: str) -> dict[int, int]:
    with psycopg.connect(uri) as conn:
        return dict(conn.execute("select id, v from t").fetchall())


def source_and_clone(cluster_builder, into: Path, **spec_kw) -> tuple[Supervisor, Supervisor, dict[int, int], str]:
    """A source cluster with a table of ROWS rows, and `sixfold clone` of it into `into`
    (adopted, so the fixture stops it): (source, clone, rows at the fork, the clone's
    writer URI)."""
    src = cluster_builder.build(writer=True, password=secrets.token_urlsafe(12), **spec_kw)
    with psycopg.connect(src.uri(), autocommit=True) as conn:
        conn.execute("create table t (id int primary key, v int)")
        conn.execute(f"insert into t select g, 0 from generate_series(1, {ROWS}) g")
    at_fork = rows(src.uri())
    out = ok(sixfold("clone", "--data-dir", str(src.root), "--into", str(into), "--port", str(free_ports(1)[0])))
    assert "cloned volume 'main' at LSN" in out.stdout
    clone = Supervisor.attach(ClusterSpec.load(into / "cluster.json"), into, adopt=True)
    cluster_builder.clusters.append(clone)
    return src, clone, at_fork, endpoints(clone.spec, load_credentials(into))["writer"]


def test_clone_shares_pages_then_diverges_and_outlives_its_source(cluster_builder, tmp_path):
    into = tmp_path / "clone"
    src, clone, at_fork, clone_uri = source_and_clone(cluster_builder, into, backup=True)
    src_uri = src.uri()
    assert clone.storage_names == [], "a clone runs no storage nodes of its own"
    assert rows(clone_uri) == at_fork

    # Diverge: each side writes; neither sees the other's writes.
    with psycopg.connect(clone_uri, autocommit=True) as conn:
        conn.execute("update t set v = -1 where id <= 100")
        conn.execute("insert into t values (100000, 7)")
    with psycopg.connect(src_uri, autocommit=True) as conn:
        for i in range(600):  # many deltas on pages the clone never writes: coalescing, GC and trimming run
            conn.execute("update t set v = v + 1 where id = %s", (1000 + i % 300,))
        conn.execute("delete from t where id > 1900")
    expect_clone = {**at_fork, **{i: -1 for i in range(1, 101)}, 100000: 7}
    expect_src = {i: (2 if 1000 <= i < 1300 else 0) for i in range(1, 1901)}
    assert rows(clone_uri) == expect_clone
    assert rows(src_uri) == expect_src

    # The source trims its log past the fork (its backup holds the records): the clone
    # must still read the source's pages as of the fork, from the versions kept for it.
    wait_until(lambda: sum(src.health(n).records_count for n in src.storage_names) < 6 * 300, 60,
               "the source's storage to trim its log")
    clone.stop_all()
    clone.start_all()  # a cold buffer cache: every page comes from storage
    assert rows(clone_uri) == expect_clone

    ok(sixfold("drop", "--data-dir", str(src.root), "--yes"))
    assert rows(clone_uri) == expect_clone, "dropping the source broke the clone"
    with psycopg.connect(clone_uri, autocommit=True) as conn:
        conn.execute("insert into t values (100001, 8)")
    assert rows(clone_uri)[100001] == 8
    refused = sixfold("up", "--data-dir", str(src.root))
    assert refused.returncode == 1 and "dropped" in refused.stderr

    ok(sixfold("drop", "--data-dir", str(into), "--yes"))
    assert not into.exists()
    volumes = src.root / "nodes" / src.storage_names[0] / "volumes"
    wait_until(lambda: not [p for p in volumes.iterdir() if not p.name.startswith(".")], 10,
               "the storage nodes to delete both volumes once nothing reads them")
    # A peer (gossip, repair) still asking a node for a volume it deleted is refused with
    # the call's status, not an unhandled servicer error (the log scan at teardown checks).
    for call, request in (("FetchRecords", pb.FetchRequest(volume=src.spec.volume, max_records=1, max_bytes=1)),
                          ("GetPage", pb.GetPageRequest(volume=src.spec.volume, page=0, read_lsn=1))):
        with grpc.insecure_channel(src.nodes[src.storage_names[0]].address) as ch:
            with pytest.raises(grpc.RpcError) as e:
                getattr(pb_grpc.StorageNodeStub(ch), call)(request, timeout=5)
        assert e.value.code() == grpc.StatusCode.FAILED_PRECONDITION and "dropped" in e.value.details(), call


def test_a_storage_node_with_a_replaced_disk_does_not_serve_a_clone_it_lost(cluster_builder, tmp_path):
    """A clone's metadata (its parent and fork point) is written once, on the six nodes,
    when it is made. A node whose disk was replaced later took the clone's writer's
    appends as an ordinary volume, and served the pages the clone never wrote as zeros
    instead of the parent's: a wrong answer for any read that reached it. Now the node
    learns from its peers that the volume is a clone it lost, and refuses to serve it;
    its peers serve every page, and the clone's data reads back whole."""
    import shutil

    import grpc

    from sixfold.rpc import storage_pb2 as pb
    from sixfold.rpc import storage_pb2_grpc as pb_grpc

    src, clone, at_fork, clone_uri = source_and_clone(cluster_builder, tmp_path / "clone")
    volume = clone.spec.volume

    victim, peer = src.storage_names[-1], src.storage_names[0]
    src.kill(victim)
    shutil.rmtree(src.nodes[victim].data_dir)
    src.start(victim)
    with psycopg.connect(clone_uri, autocommit=True) as conn:  # the clone's writer reaches the new node
        conn.execute("update t set v = 5 where id = 1")
    with grpc.insecure_channel(src.nodes[peer].address) as ch:
        vdl = pb_grpc.StorageNodeStub(ch).Health(pb.HealthRequest(volume=volume), timeout=10).vdl_hint

    def page_of(name: str, page: int):
        with grpc.insecure_channel(src.nodes[name].address) as ch:
            try:
                return pb_grpc.StorageNodeStub(ch).GetPage(
                    pb.GetPageRequest(volume=volume, page=page, read_lsn=vdl), timeout=10).image
            except grpc.RpcError as e:
                return e.code()

    served = {p: page_of(peer, p) for p in range(64)}
    pages = [p for p, img in served.items() if isinstance(img, bytes) and any(img)]
    assert len(pages) > 3, f"the clone should share several written pages with its parent: {served}"
    for p in pages:
        assert page_of(victim, p) == grpc.StatusCode.UNAVAILABLE, f"{victim} served page {p} of a clone it lost"
    assert rows(clone_uri) == {**at_fork, 1: 5}
