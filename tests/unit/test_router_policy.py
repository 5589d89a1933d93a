"""The router's rules without sockets: where a new connection goes, which connections a
topology change closes, which topologies are stale, what a refused client is told."""

from __future__ import annotations

import asyncio
import struct

import pytest

from router.policy import CUSTOM, READER, WRITER, Endpoint, endpoints_of, keeps, targets
from router.refuse import CANCEL, ENCRYPTION, INVALID, START, answer_with_error, first_packet_kind
from router.topology import Member, View, is_stale, view_from_proto, view_from_spec
from sixfold.rpc import control_pb2 as pb
from sixfold.spec import ClusterSpec, ComputeNodeSpec, CustomEndpointSpec, RouterSpec, StorageNodeSpec

W = Endpoint("writer", WRITER, "127.0.0.1", 1)
R = Endpoint("reader", READER, "127.0.0.1", 2)
C = Endpoint("reporting", CUSTOM, "127.0.0.1", 3, ("db-1", "db-3"))


def view(writer: str, **states: tuple[str, bool]) -> View:
    members = {n: Member(n, "127.0.0.1", 5000 + i, role, healthy) for i, (n, (role, healthy)) in
               enumerate(sorted(states.items()))}
    return View(1, 1, writer, members, "control plane")


def names(ms: list[Member]) -> list[str]:
    return [m.name for m in ms]


def spec(**router_kw) -> ClusterSpec:
    sn = tuple(StorageNodeSpec(f"sn{i}", f"az{i % 3 + 1}", "127.0.0.1", 7100 + i) for i in range(6))
    cn = (ComputeNodeSpec("db-1", "az1", "127.0.0.1", 5441, "writer", 0, 7201),
          ComputeNodeSpec("db-2", "az2", "127.0.0.1", 5442, "replica", 1, 7202),
          ComputeNodeSpec("db-3", "az3", "127.0.0.1", 5443, "replica", 1, 7203))
    router = RouterSpec("127.0.0.1", 5432, 5433, router_kw.get("custom", {}))
    return ClusterSpec("t", sn, compute_nodes=cn, router=router)


def test_spec_view_assumes_writer_and_healthy_replicas():
    v = view_from_spec(spec())
    assert v.writer == "db-1" and v.generation == 0 and v.epoch == 0
    assert {m.name: (m.role, m.healthy) for m in v.members.values()} == {
        "db-1": ("writer", True), "db-2": ("replica", True), "db-3": ("replica", True)}


def test_writer_endpoint_goes_to_the_writer_whatever_its_health():
    v = view("db-2", **{"db-1": ("down", False), "db-2": ("writer", False), "db-3": ("replica", True)})
    assert names(targets(W, v, 0)) == ["db-2"]
    assert names(targets(W, view("", **{"db-1": ("down", False)}), 0)) == []


def test_reader_round_robin_over_healthy_replicas_then_writer():
    v = view("db-1", **{"db-1": ("writer", True), "db-2": ("replica", True), "db-3": ("replica", True),
                        "db-4": ("replica", False), "db-5": ("down", False)})
    firsts = [targets(R, v, t)[0].name for t in range(4)]
    assert firsts == ["db-2", "db-3", "db-2", "db-3"]
    assert names(targets(R, v, 1)) == ["db-3", "db-2", "db-1"]  # the writer only as a last resort


def test_reader_falls_back_to_the_writer():
    v = view("db-1", **{"db-1": ("writer", True), "db-2": ("replica", False)})
    assert names(targets(R, v, 0)) == ["db-1"]
    assert names(targets(R, view("", **{"db-2": ("replica", False)}), 0)) == []


def test_custom_endpoint_any_role_but_only_usable_members():
    v = view("db-1", **{"db-1": ("writer", True), "db-2": ("replica", True), "db-3": ("replica", True)})
    assert sorted(targets(C, v, 0)[0].name for _ in range(1)) == ["db-1"]
    assert {targets(C, v, t)[0].name for t in range(2)} == {"db-1", "db-3"}
    v2 = view("db-2", **{"db-1": ("down", False), "db-2": ("writer", True), "db-3": ("replica", False)})
    assert targets(C, v2, 0) == []


def test_writer_change_closes_writer_connections_only_to_the_old_writer():
    before = view("db-1", **{"db-1": ("writer", True), "db-2": ("replica", True), "db-3": ("replica", True)})
    after = view("db-2", **{"db-1": ("down", False), "db-2": ("writer", True), "db-3": ("replica", True)})
    assert keeps(W, before, "db-1", "writer") and not keeps(W, after, "db-1", "writer")
    # reader connections: to the old writer (fallback) close, to the promoted replica close,
    # to a replica that stays one are kept
    assert not keeps(R, after, "db-1", "writer")
    assert not keeps(R, after, "db-2", "replica")
    assert keeps(R, after, "db-3", "replica")
    # custom: the promoted replica is still usable, the old writer is not
    assert keeps(C, after, "db-2", "replica") and not keeps(C, after, "db-1", "writer")


def test_reader_fallback_connection_to_writer_survives_replicas_returning():
    v = view("db-1", **{"db-1": ("writer", True), "db-2": ("replica", True)})
    assert keeps(R, v, "db-1", "writer")


def test_unhealthy_replica_loses_its_reader_connections():
    v = view("db-1", **{"db-1": ("writer", True), "db-2": ("replica", False)})
    assert not keeps(R, v, "db-2", "replica")
    assert not keeps(R, v, "db-9", "replica")  # gone from the topology


def test_proto_writer_field_is_the_authority():
    t = pb.Topology(generation=3, writer="db-2", epoch=7, instances=[
        pb.Instance(name="db-1", role="writer", host="h", port=1, healthy=True),
        pb.Instance(name="db-2", role="replica", host="h", port=2, healthy=True),
        pb.Instance(name="db-3", role="weird", host="h", port=3, healthy=True)])
    v = view_from_proto(t)
    assert v.writer == "db-2" and v.epoch == 7 and v.generation == 3
    assert [v.members[n].role for n in ("db-1", "db-2", "db-3")] == ["down", "writer", "down"]
    assert view_from_proto(pb.Topology(writer="ghost")).writer == ""


def test_lower_epoch_is_stale():
    a = View(5, 7, "db-2", {})
    assert is_stale(View(9, 6, "db-1", {}), a)
    assert not is_stale(View(1, 7, "db-2", {}), a)  # a restarted control plane, same writer epoch
    assert not is_stale(View(6, 8, "db-3", {}), a)
    assert not is_stale(View(1, 3, "db-1", {}), View(0, 0, "db-1", {}))  # anything beats the spec


def test_endpoints_of_spec_and_its_clashes():
    eps = endpoints_of(spec(custom={"reporting": CustomEndpointSpec(5434, ("db-2", "db-3"))}))
    assert [(e.name, e.kind, e.port, e.members) for e in eps] == [
        ("writer", WRITER, 5432, ()), ("reader", READER, 5433, ()), ("reporting", CUSTOM, 5434, ("db-2", "db-3"))]
    for bad in ({"db-2": CustomEndpointSpec(5434, ("db-2",))}, {"reader": CustomEndpointSpec(5434, ("db-2",))},
                {"r": CustomEndpointSpec(5434, ("nope",))}, {"r": CustomEndpointSpec(5433, ("db-2",))},
                {"r": CustomEndpointSpec(5434, ())}):
        with pytest.raises(ValueError):
            endpoints_of(spec(custom=bad))
    with pytest.raises(ValueError):
        endpoints_of(spec().replace(router=None))


def test_first_packet_kinds():
    assert first_packet_kind(struct.pack("!ii", 8, 80877103)) == ENCRYPTION
    assert first_packet_kind(struct.pack("!ii", 8, 80877104)) == ENCRYPTION
    assert first_packet_kind(struct.pack("!ii", 16, 80877102)) == CANCEL
    assert first_packet_kind(struct.pack("!ii", 40, 196608)) == START
    assert first_packet_kind(struct.pack("!ii", 4, 196608)) == INVALID
    assert first_packet_kind(struct.pack("!ii", 1 << 30, 196608)) == INVALID
    assert first_packet_kind(struct.pack("!ii", 12, 80877103)) == INVALID


def test_refusal_declines_ssl_then_answers_the_startup():
    startup = struct.pack("!i", 196608) + b"user\0u\0\0"
    buf = bytearray(struct.pack("!ii", 8, 80877103) + struct.pack("!i", len(startup) + 4) + startup)
    out = []

    async def have(n: int) -> bool:
        return len(buf) >= n

    assert asyncio.run(answer_with_error(buf, have, out.append, "57P03", "no writer"))
    assert out[0] == b"N" and out[1][:1] == b"E" and b"C57P03\0" in out[1] and b"SFATAL\0" in out[1]
    assert not buf
