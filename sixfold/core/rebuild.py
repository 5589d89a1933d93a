"""Rebuilding a segment set after a lost disk: membership for recovery's read quorum.

A storage node whose disk was replaced forgets records it acknowledged. With one such
node every durable record is still on three disks and any read quorum sees it; with a
second disk lost before the first node has caught up, a record can be left on two, and
a recovery reading the two wiped nodes and two that never had it would truncate a
commit reported durable. So a node that opened holding nothing is *rebuilding* until
it holds everything it may have lost, and recovery does not count it toward the read
quorum (`plan_recovery(..., rebuilding=...)`; Aurora's hydrating segments).

The fault model: at most V-W disks of a placement are replaced before the first of them
has rebuilt (two of six: the quorum cannot lose more and keep every commit anyway).

* **The target** (`rebuild_target`), fixed when the node first hears from its peers:
  the highest LSN (VDL hint, held record or trim mark) any established peer reports. It must be
  at or above every record R durable when the disk was lost. R was on W disks: perhaps
  this one, at most V-W-1 other replaced ones, and at least W-1-(V-W-1) of the peers
  that hold something and are not rebuilding (*established*). A peer that holds nothing
  or is rebuilding does not hold R. So among the established peers at most V-W of
  those that could hold R lack it - fewer when some peers are empty, since an empty
  peer is either replaced (and R was on one disk fewer) or never received anything (one
  place fewer R can be missing from). Answers from one more established peer than can
  lack R, in every placement, bound R (`_established_needed`). When enough answering
  peers hold nothing, no record can be durable: a new volume; the target is then 0,
  nothing to rebuild.
* **Done** (`RebuildProgress`): in every placement of the node, established peers have
  each answered one gossip round that started after the target was fixed, reached the
  target (the peer's durable bound at least the target), and was not cut short by the
  response limits, and what they sent is persisted here. How many: by the same count as
  the target's, given the peers last seen empty or rebuilding - V-W+1 when all but one
  are established. In a young volume where several nodes never received anything, they
  start out rebuilding too (they cannot tell themselves from a replaced disk) and need
  fewer peers, so they do not wait for one another forever.

Pure: the storage node feeds it peers' answers and persists the target.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sixfold.constants import V_SEGMENTS_COUNT, W_QUORUM_COUNT

PEERS_NEEDED_COUNT = V_SEGMENTS_COUNT - W_QUORUM_COUNT + 1  # established peers per placement


@dataclass(frozen=True, slots=True)
class PeerView:
    """One peer's answer about the volume."""

    node: str
    holds_nothing: bool  # no record, page version or trim mark
    rebuilding: bool  # itself rebuilding: what it holds vouches for nothing
    highest_lsn: int  # the highest of its VDL hint, held records and trim marks

    @property
    def established(self) -> bool:
        return not self.holds_nothing and not self.rebuilding


def _established_needed(empty_peers: int) -> int:
    """Established answers needed in one placement when `empty_peers` of the answering
    peers hold nothing or are rebuilding (see the module docstring):

        V-W+1            while empty_peers <= V-W-1 (one of them may be a replaced disk)
        2(V-W) - empty   beyond that (the others never received anything)
    """
    lost_others_max = V_SEGMENTS_COUNT - W_QUORUM_COUNT - 1
    if empty_peers <= lost_others_max:
        return PEERS_NEEDED_COUNT
    return max(0, 2 * (V_SEGMENTS_COUNT - W_QUORUM_COUNT) - empty_peers)


def rebuild_target(placements: Iterable[Sequence[str]], me: str, views: Sequence[PeerView]) -> int | None:
    """The LSN through which `me`, opened holding nothing, must catch up before it counts
    for recovery again: 0 when there is nothing to rebuild, None when too few established
    peers answered to know it yet.

        rebuild_target([("a", "b", "c", "d", "e", "f")], "a",
                       [PeerView(n, False, False, 10) for n in "bcd"]) == 10
    """
    by_node = {v.node: v for v in views}
    for p in placements:
        if me not in p:
            continue
        answered = [by_node[n] for n in p if n != me and n in by_node]
        established = sum(1 for v in answered if v.established)
        if established < _established_needed(len(answered) - established):
            return None
    # Only what established peers report: one of them holds each record that matters, and
    # an empty peer's VDL hint (a new clone's starts at its fork) vouches for nothing.
    return max((v.highest_lsn for v in views if v.established), default=0)


class RebuildProgress:
    """Which established peers have sent `me` everything they held through `target`.
    A gossip round covers every PG the two nodes share, so progress is counted per
    placement (a distinct six-node set), not per PG. Held in memory: after a restart the
    node starts counting again."""

    __slots__ = ("me", "target", "_covered", "_views")

    def __init__(self, me: str, target: int):
        assert target > 0, "nothing to rebuild needs no progress"
        self.me = me
        self.target = target
        self._covered: set[str] = set()  # peers whose round counted
        self._views: dict[str, PeerView] = {}  # each peer's latest answer

    def note_round(self, peer_view: PeerView, durable_bound: int, complete: bool) -> bool:
        """A gossip round with a peer ended with everything it sent persisted here.
        `durable_bound` is the highest LSN it would send (its VDL hint); `complete` is false
        when its answer stopped at the response limits, a record failed its checks, or a
        PG it trimmed could not be copied. Returns whether the round counted."""
        assert peer_view.node != self.me
        self._views[peer_view.node] = peer_view
        if not complete or not peer_view.established or durable_bound < self.target:
            return False
        self._covered.add(peer_view.node)
        return True

    def done(self, placements: Iterable[Sequence[str]]) -> bool:
        """Whether every placement holding `me` has enough peers that covered it: as many
        as `_established_needed` asks, given the peers last seen empty or rebuilding (a
        peer counts as covering while it is still established)."""
        return all(self.covered(p) >= _established_needed(self.empty(p)) for p in placements if self.me in p)

    def covered(self, placement: Sequence[str]) -> int:
        return sum(1 for n in placement if n in self._covered and self._views[n].established)

    def empty(self, placement: Sequence[str]) -> int:
        return sum(1 for n in placement if n != self.me and n in self._views and not self._views[n].established)
