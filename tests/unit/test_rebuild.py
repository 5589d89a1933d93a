"""Rebuilding after a lost disk (sixfold/core/rebuild.py): the target is at or above every
record that was durable when the disk was lost, under the fault model (at most V-W
replaced disks per placement), and a rebuild ends only when enough established peers
covered every PG the node holds.

The property builds the world the target is computed from: one record R on W of the six
nodes; this node and at most V-W-1 others replaced (empty, rebuilding or not yet
confirmed); some peers empty because they never received anything; the rest
established, reporting a highest LSN at or above R's when they hold it and below it
otherwise; any subset of the peers answering. Whatever answers, the target is unknown
(None) or bounds R.
"""

from __future__ import annotations

from hypothesis import event, given, settings
from hypothesis import strategies as st

from sixfold.constants import V_SEGMENTS_COUNT, W_QUORUM_COUNT
from sixfold.core.rebuild import PEERS_NEEDED_COUNT, PeerView, RebuildProgress, rebuild_target

SIX = tuple("abcdef")
ME = "a"
R_LSN = 100


@st.composite
def worlds(draw):
    holders = set(draw(st.permutations(SIX))[:W_QUORUM_COUNT])
    others_lost = set(draw(st.lists(st.sampled_from(SIX[1:]), max_size=V_SEGMENTS_COUNT - W_QUORUM_COUNT - 1,
                                    unique=True), label="other replaced disks"))
    views = []
    for n in SIX[1:]:
        if n in others_lost:  # replaced: holds nothing yet, or rebuilding (maybe holding newer records)
            rebuilding = draw(st.booleans())
            holds_nothing = not rebuilding or draw(st.booleans())
            views.append(PeerView(n, holds_nothing, rebuilding, draw(st.integers(0, R_LSN - 1))))
        elif n in holders:
            views.append(PeerView(n, False, False, draw(st.integers(R_LSN, R_LSN + 50))))
        elif draw(st.booleans()):  # never received anything (started late, a young volume)
            views.append(PeerView(n, True, False, 0))
        else:  # established, missed R (its hint never reached it either)
            views.append(PeerView(n, False, False, draw(st.integers(0, R_LSN - 1))))
    answering = draw(st.lists(st.sampled_from(views), unique_by=lambda v: v.node), label="answering")
    return holders, others_lost, answering


@settings(max_examples=500, deadline=None)
@given(worlds())
def test_the_target_bounds_every_record_durable_at_the_loss(world):
    _holders, _lost, answering = world
    target = rebuild_target([SIX], ME, answering)
    event("unknown" if target is None else "nothing to rebuild" if target == 0 else "known")
    assert target is None or target >= R_LSN, (target, answering)


def test_a_new_volume_has_nothing_to_rebuild():
    empty = [PeerView(n, True, False, 0) for n in SIX[1:]]
    assert rebuild_target([SIX], ME, empty) == 0
    assert rebuild_target([SIX], ME, empty[:4]) == 0  # one peer down
    assert rebuild_target([SIX], ME, empty[:3]) is None  # two down: they may hold a commit


def test_a_young_volume_with_records_on_few_peers():
    """Records on two peers, three peers that never received any: the two bound them."""
    views = [PeerView("b", False, False, 7), PeerView("c", False, False, 9)] + \
            [PeerView(n, True, False, 0) for n in "def"]
    assert rebuild_target([SIX], ME, views) == 9


def test_too_few_established_peers_leave_the_target_unknown():
    est = [PeerView(n, False, False, 10) for n in "bcd"]
    assert rebuild_target([SIX], ME, est) == 10
    assert rebuild_target([SIX], ME, est[:2]) is None
    # Another replaced disk among the answers: it vouches for nothing.
    assert rebuild_target([SIX], ME, est[:2] + [PeerView("e", False, True, 50)]) is None
    # Every placement holding this node needs its own answers.
    other = ("a", "g", "h", "i", "j", "k")
    assert rebuild_target([SIX, other], ME, est) is None
    assert rebuild_target([SIX, other], ME, est + [PeerView(n, False, False, 12) for n in "ghi"]) == 12


def test_a_rebuild_ends_once_enough_established_peers_covered_every_placement():
    other = ("a", "b", "g", "h", "i", "j")
    placements = [SIX, other, ("b", "c", "d", "e", "f", "g")]  # the last does not hold this node
    p = RebuildProgress(ME, target=50)

    def peer(n, established=True, rebuilding=False):
        return PeerView(n, not established, rebuilding, 60)

    assert p.note_round(peer("b"), durable_bound=60, complete=True)
    assert p.note_round(peer("c"), durable_bound=60, complete=True)
    # Rounds that vouch for nothing: cut short, below the target, from a rebuilding or empty peer.
    assert not p.note_round(peer("d"), durable_bound=60, complete=False)
    assert not p.note_round(peer("d"), durable_bound=49, complete=True)
    assert not p.note_round(peer("e", rebuilding=True), durable_bound=60, complete=True)
    assert not p.note_round(peer("f", established=False), durable_bound=60, complete=True)
    assert p.note_round(peer("b"), durable_bound=60, complete=True)  # the same peer again
    assert p.covered(SIX) == 2 and not p.done(placements)
    p.note_round(peer("d"), durable_bound=60, complete=True)
    assert p.covered(SIX) == PEERS_NEEDED_COUNT and p.covered(other) == 1 and not p.done(placements)
    p.note_round(peer("g"), durable_bound=60, complete=True)
    p.note_round(peer("h"), durable_bound=60, complete=True)
    assert p.done(placements)
    # A covering peer later seen rebuilding (its disk was replaced) no longer counts.
    p.note_round(peer("h", rebuilding=True), durable_bound=60, complete=True)
    assert p.covered(other) == 2 and not p.done(placements)


def test_where_several_peers_never_received_anything_fewer_established_peers_suffice():
    """A young volume: two replaced disks and two nodes that never received a record, all
    rebuilding; the established peers cover them (nothing else can hold a record)."""
    p = RebuildProgress(ME, target=5)
    for n in "bcd":
        p.note_round(PeerView(n, n != "b", True, 5), durable_bound=5, complete=True)
    assert p.empty(SIX) == 3 and not p.done([SIX])
    p.note_round(PeerView("e", False, False, 5), durable_bound=5, complete=True)
    assert p.done([SIX])  # three peers known empty: one established holder is enough
    p.note_round(PeerView("c", False, False, 5), durable_bound=5, complete=False)  # c finished its own rebuild
    assert p.empty(SIX) == 2 and not p.done([SIX])


@settings(max_examples=300, deadline=None)
@given(worlds(), st.data())
def test_a_done_rebuild_heard_from_a_holder_of_every_record_durable_at_the_loss(world, data):
    holders, _lost, answering = world
    p = RebuildProgress(ME, target=R_LSN)
    for v in answering:
        p.note_round(v, durable_bound=data.draw(st.sampled_from([R_LSN, R_LSN + 1, R_LSN - 1])),
                     complete=data.draw(st.booleans()))
    if p.done([SIX]):
        assert p._covered & holders, (p._covered, holders, answering)
        event("done")
