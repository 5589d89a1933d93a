"""Quorum math: table tests for the one module every "4 of 6" asks."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sixfold.constants import R_QUORUM_COUNT, V_SEGMENTS_COUNT, W_QUORUM_COUNT
from sixfold.core.quorum import committed_index, has_read_quorum, has_write_quorum

SIX = ("a1", "a2", "b1", "b2", "c1", "c2")


@pytest.mark.parametrize("acked, quorum, expected", [
    ([9, 7, 7, 5, 2, 1], 4, 5),
    ([9, 7, 7, 5, 2, 1], 3, 7),
    ([5, 5, 5, 5, 5, 5], 4, 5),
    ([10, 9, 8], 4, -1),          # three voters answered: no write quorum yet
    ([10, 9, 8, -1, -1, -1], 4, -1),  # -1: acknowledged nothing
    ([10, 9, 8, 0], 4, 0),
    ([], 4, -1),
    ([3, 1, 4, 1, 5, 9], 4, 3),   # order of voters does not matter
])
def test_committed_index_table(acked, quorum, expected):
    assert committed_index(acked, quorum) == expected


@given(st.lists(st.integers(min_value=-1, max_value=50), min_size=V_SEGMENTS_COUNT, max_size=V_SEGMENTS_COUNT))
def test_committed_index_is_held_by_a_quorum_and_is_the_highest_such(acked):
    ci = committed_index(acked)
    if ci < 0:
        assert sum(a >= 0 for a in acked) < W_QUORUM_COUNT
        return
    assert sum(a >= ci for a in acked) >= W_QUORUM_COUNT
    assert sum(a >= ci + 1 for a in acked) < W_QUORUM_COUNT


@pytest.mark.parametrize("holding, write, read", [
    (set(SIX), True, True),
    ({"a1", "a2", "b1", "b2"}, True, True),      # a whole AZ lost: writes go on
    ({"a1", "b1", "c1"}, False, True),            # an AZ plus one node lost: still readable
    ({"a1", "b1"}, False, False),
    (set(), False, False),
])
def test_quorum_table(holding, write, read):
    assert has_write_quorum(SIX, holding) is write
    assert has_read_quorum(SIX, holding) is read
    assert has_write_quorum(SIX, lambda n: n in holding) is write


def test_quorums_intersect():
    assert W_QUORUM_COUNT + R_QUORUM_COUNT > V_SEGMENTS_COUNT and 2 * W_QUORUM_COUNT > V_SEGMENTS_COUNT


def test_peers_know_every_fence_needs_three_peers_per_placement():
    from sixfold.core.quorum import peers_know_every_fence

    six = ("a", "b", "c", "d", "e", "f")
    assert peers_know_every_fence([six], "a", {"b", "c", "d"})
    assert not peers_know_every_fence([six], "a", {"b", "c"})
    assert not peers_know_every_fence([six], "a", {"a", "b", "c"})  # itself does not count
    other = ("a", "b", "c", "g", "h", "i")
    assert not peers_know_every_fence([six, other], "a", {"d", "e", "f"})  # three for each placement
    assert peers_know_every_fence([six, other], "a", {"b", "c", "d", "g"})
    assert peers_know_every_fence([other], "d", set())  # placements without the node ask nothing
