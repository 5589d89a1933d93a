"""Volume geometry: page -> PG -> six segments on distinct nodes, two per AZ.

Properties, for arbitrary valid clusters (3 AZs, >= 2 nodes each):
* every PG is placed on six distinct nodes, exactly two in each AZ, ordered by AZ;
* placement is deterministic and independent of the order nodes are listed in;
* pg_of_page and pages_of_pg are inverse;
* with more than six nodes placement spreads: every node holds some of the first 100 PGs;
* invalid clusters (not 3 AZs, an AZ with one node, duplicate names) are refused.
"""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sixfold.constants import AZ_COUNT, SEGMENTS_PER_AZ_COUNT, V_SEGMENTS_COUNT
from sixfold.core.geometry import Geometry, NodeInfo

SETTINGS = settings(max_examples=60, deadline=None)


def make_nodes(per_az: list[int], az_names=("az-a", "az-b", "az-c")) -> list[NodeInfo]:
    out = []
    for az, count in zip(az_names, per_az):
        for i in range(count):
            name = f"{az}-n{i}"
            out.append(NodeInfo(name, az, f"127.0.0.1:{7000 + len(out)}"))
    return out


@st.composite
def clusters(draw, max_nodes: int = 12) -> list[NodeInfo]:
    """3 AZs with >= 2 nodes each, at most `max_nodes` in all, with arbitrary names,
    listed in arbitrary order."""
    extra = max_nodes - AZ_COUNT * SEGMENTS_PER_AZ_COUNT
    per_az = [SEGMENTS_PER_AZ_COUNT] * AZ_COUNT
    for _ in range(draw(st.integers(0, extra))):
        per_az[draw(st.integers(0, AZ_COUNT - 1))] += 1
    azs = draw(st.lists(st.text("abcxyz-", min_size=1, max_size=4), min_size=3, max_size=3, unique=True))
    names = draw(st.lists(st.text("nodeABC0123", min_size=1, max_size=6), min_size=sum(per_az),
                          max_size=sum(per_az), unique=True))
    nodes, k = [], 0
    for az, count in zip(azs, per_az):
        for _ in range(count):
            nodes.append(NodeInfo(names[k], az, f"h{k}:1"))
            k += 1
    return draw(st.permutations(nodes))


@SETTINGS
@given(clusters(), st.lists(st.integers(0, 10**6), min_size=1, max_size=20))
def test_six_distinct_nodes_two_per_az(nodes, pgs):
    g = Geometry(nodes)
    az_of = {n.name: n.az for n in nodes}
    for pg in pgs:
        segs = g.segments(pg)
        assert len(segs) == V_SEGMENTS_COUNT == len(set(segs))
        assert all(s in az_of for s in segs)
        per_az = Counter(az_of[s] for s in segs)
        assert sorted(per_az.values()) == [SEGMENTS_PER_AZ_COUNT] * AZ_COUNT
        assert set(per_az) == set(az_of.values())
        # ordered by AZ: the two segments of each AZ are adjacent, AZs ascending
        azs = [az_of[s] for s in segs]
        assert azs == sorted(azs)
        assert [g.az_of(s) for s in segs] == azs
        # peers are the other five
        for s in segs:
            peers = g.peers(pg, s)
            assert len(peers) == V_SEGMENTS_COUNT - 1 and s not in peers and set(peers) | {s} == set(segs)


@SETTINGS
@given(clusters(), st.data())
def test_placement_is_deterministic_and_order_independent(nodes, data):
    pgs = data.draw(st.lists(st.integers(0, 10**9), min_size=1, max_size=10))
    shuffled = data.draw(st.permutations(nodes))
    a, b, c = Geometry(nodes), Geometry(list(shuffled)), Geometry(nodes)
    for pg in pgs:
        assert a.segments(pg) == b.segments(pg) == c.segments(pg) == a.segments(pg)


@SETTINGS
@given(st.integers(1, 1000), st.integers(0, 10**9))
def test_pg_of_page_and_pages_of_pg_agree(pg_pages, page):
    g = Geometry(make_nodes([2, 2, 2]), pg_pages=pg_pages)
    pg = g.pg_of_page(page)
    pages = g.pages_of_pg(pg)
    assert page in pages
    assert len(pages) == pg_pages
    assert all(g.pg_of_page(p) == pg for p in (pages[0], pages[-1]))
    assert g.pg_of_page(pages[-1] + 1) == pg + 1
    if pg > 0:
        assert g.pg_of_page(pages[0] - 1) == pg - 1
        assert g.pages_of_pg(pg - 1)[-1] + 1 == pages[0]


@SETTINGS
@given(clusters())
def test_placement_spreads_over_every_node(nodes):
    """With N > 6 nodes every node holds a segment of some of the first 100 PGs, and
    within an AZ the load differs by at most a small constant."""
    g = Geometry(nodes)
    load = Counter(s for pg in range(100) for s in g.segments(pg))
    assert set(load) == {n.name for n in nodes}
    for n in nodes:
        assert g.pgs_on_node(n.name, 100) == [pg for pg in range(100) if n.name in g.segments(pg)]
        assert len(g.pgs_on_node(n.name, 100)) == load[n.name] > 0
    for az in {n.az for n in nodes}:
        loads = [load[n.name] for n in nodes if n.az == az]
        assert max(loads) - min(loads) <= 2, (az, loads)


def test_six_nodes_hold_every_pg():
    nodes = make_nodes([2, 2, 2])
    g = Geometry(nodes)
    for pg in range(50):
        assert set(g.segments(pg)) == {n.name for n in nodes}


@pytest.mark.parametrize(
    "per_az, azs",
    [
        ([3, 3], ("a", "b")),  # two AZs
        ([2, 2, 2, 2], ("a", "b", "c", "d")),  # four AZs
        ([1, 2, 2], ("a", "b", "c")),  # an AZ with one node
        ([2, 2, 1], ("a", "b", "c")),
        ([6], ("a",)),
    ],
)
def test_invalid_geometry_raises_value_error(per_az, azs):
    with pytest.raises(ValueError):
        Geometry(make_nodes(per_az, azs))


def test_empty_cluster_raises_value_error():
    with pytest.raises(ValueError):
        Geometry([])


def test_duplicate_node_names_are_refused():
    nodes = make_nodes([2, 2, 2])
    dup = NodeInfo(nodes[0].name, nodes[3].az, "elsewhere:1")
    with pytest.raises(AssertionError, match="unique"):
        Geometry(nodes + [dup])


def test_bad_pg_pages_and_negative_inputs_are_refused():
    with pytest.raises(AssertionError):
        Geometry(make_nodes([2, 2, 2]), pg_pages=0)
    g = Geometry(make_nodes([2, 2, 2]))
    with pytest.raises(AssertionError):
        g.pg_of_page(-1)
    with pytest.raises(AssertionError):
        g.segments(-1)
    with pytest.raises(AssertionError):
        g.peers(0, "not-a-node")
