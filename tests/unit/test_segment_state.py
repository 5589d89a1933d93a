"""Segment state: the SCL chain of one segment and the volume fence of one node.

SegmentChain (hypothesis state machine against a model): a PG's records form a chain
(strictly increasing LSNs, each naming the previous one, the first naming 0). They
arrive in any order, with duplicates, and the segment may be truncated. Always:
* scl is the highest LSN whose whole prefix of the chain is held;
* scl never decreases, except by truncate;
* pending is exactly the held records above scl; `has` agrees with the model, and a
  record removed by truncate is never reported held again unless re-added;
* rebuilding a chain from (scl, pending) - what a restarting node does - gives the same state;
* a node that trimmed its log (every record up to a mark, which need not be a record's
  LSN) and restarts from an older persisted SCL, its trim mark and the records left on
  disk comes back with the same SCL and pending records, and its chain goes on.

VolumeFence: fencing needs a newer epoch (the same writer may repeat its epoch until
it truncated), truncation only from the fencing writer or a newer epoch, appends only
at the current epoch once its truncation is known, truncations merge and are final,
and `record_valid` drops records of an epoch above a later epoch's truncation point.
"""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine, initialize, invariant, precondition, rule,
)

from sixfold.core.segment_state import SegmentChain, VolumeFence
from sixfold.errors import EpochUnknown, InvalidMessage, StaleEpoch

# --- SegmentChain ---------------------------------------------------------------------

STEPS = st.integers(1, 4)  # LSN gaps: the other LSNs belong to other PGs


def chain_from(start: int, steps: list[int]) -> list[int]:
    return list(itertools.accumulate(steps, initial=start))[1:]


class SegmentChainMachine(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self.seg = SegmentChain(pg=7)
        self.chain: list[int] = []  # the PG's current record chain, ascending
        self.prev: dict[int, int] = {}  # lsn -> backlink
        self.held: set[int] = set()  # records of the chain the segment holds
        self.dropped: set[int] = set()  # LSNs removed by a truncation and not re-added
        self.floor = 0  # the last truncation point: new LSNs are allocated above it
        self.trim_mark = 0  # records at or below it were trimmed (held, gone from disk)
        self.last_scl = 0

    def _extend(self, steps: list[int]) -> None:
        start = self.chain[-1] if self.chain else 0
        # After a truncation new LSNs start right above the truncation point, so
        # they may reuse the numbers of dropped records (with other backlinks).
        base = max(start, self.floor)
        for lsn in chain_from(base, steps):
            self.prev[lsn] = self.chain[-1] if self.chain else 0
            self.chain.append(lsn)

    def model_scl(self) -> int:
        scl = 0
        for lsn in self.chain:
            if lsn not in self.held:
                break
            scl = lsn
        return scl

    @initialize(steps=st.lists(STEPS, min_size=1, max_size=25))
    def make_chain(self, steps):
        self._extend(steps)

    @rule(data=st.data())
    def deliver(self, data):
        """Deliver any record of the chain (possibly one already held)."""
        lsn = data.draw(st.sampled_from(self.chain), label="lsn")
        was_held = lsn in self.held
        assert self.seg.add(lsn, self.prev[lsn]) == (not was_held)
        self.held.add(lsn)
        self.dropped.discard(lsn)

    @precondition(lambda self: self.held)
    @rule(data=st.data())
    def deliver_duplicate(self, data):
        lsn = data.draw(st.sampled_from(sorted(self.held)), label="held lsn")
        assert self.seg.add(lsn, self.prev[lsn]) is False

    @precondition(lambda self: any(l not in self.held for l in self.chain))
    @rule(data=st.data())
    def deliver_last_missing_first(self, data):
        """Deliver the highest missing records first: builds long pending runs."""
        missing = [l for l in self.chain if l not in self.held]
        count = data.draw(st.integers(1, len(missing)), label="count")
        for lsn in reversed(missing[-count:]):
            assert self.seg.add(lsn, self.prev[lsn])
            self.held.add(lsn)
            self.dropped.discard(lsn)

    @rule(steps=st.lists(STEPS, min_size=1, max_size=8))
    def writer_appends_more(self, steps):
        self._extend(steps)

    @rule(data=st.data())
    def trim(self, data):
        """The segment trims its log up to any point at or below its SCL."""
        t = data.draw(st.integers(self.trim_mark, self.seg.scl), label="trim to")
        self.seg.note_trimmed(t)
        self.trim_mark = t

    @rule(data=st.data())
    def restart(self, data):
        """The node restarts: the SCL it persisted (a value its SCL once had, at most the
        current one), its trim mark, then every record left on disk above them."""
        known = [0, self.trim_mark] + [l for l in self.chain if l in self.held and l <= self.seg.scl]
        persisted = data.draw(st.sampled_from(sorted(set(known))), label="persisted scl")
        again = SegmentChain(7, persisted, trimmed_to=self.trim_mark)
        for lsn in sorted(l for l in self.held if l > again.scl):
            again.add(lsn, self.prev[lsn])
        assert (again.scl, again.pending) == (self.seg.scl, self.seg.pending)
        self.seg = again

    @rule(data=st.data(), steps=st.lists(STEPS, min_size=1, max_size=8))
    def truncate(self, data, steps):
        """Recovery truncates above `t` (never below the trim mark: trimmed records are
        durable); the new writer then continues the chain from the last record at or
        below `t`, allocating from t+1. The node reads the last record it holds at or
        below `t` off disk, counting the trim mark as held (records below it are gone)."""
        t = data.draw(st.integers(self.trim_mark, self.chain[-1] + 1), label="above_lsn")
        on_disk = max((l for l in self.held if self.trim_mark < l <= t), default=0)
        last_held = max(on_disk, min(self.trim_mark, t))
        self.seg.truncate(t, last_held)
        gone = {l for l in self.held if l > t}
        self.dropped |= gone
        self.held -= gone
        for lsn in [l for l in self.chain if l > t]:
            del self.prev[lsn]
        self.chain = [l for l in self.chain if l <= t]
        self.floor = t
        self._extend(steps)
        assert self.seg.scl <= t
        assert all(l <= t for l in self.seg.pending)
        self.last_scl = self.seg.scl

    @invariant()
    def scl_is_highest_complete_prefix(self):
        # Complete up to the trim mark even where it is no record's LSN.
        expected = max(self.model_scl(), self.trim_mark)
        assert self.seg.scl == expected, (self.seg.scl, self.chain, sorted(self.held), self.trim_mark)

    @invariant()
    def scl_never_decreases(self):
        assert self.seg.scl >= self.last_scl
        self.last_scl = self.seg.scl

    @invariant()
    def pending_is_held_above_scl(self):
        assert self.seg.pending == sorted(l for l in self.held if l > self.seg.scl)

    @invariant()
    def has_agrees_with_model(self):
        for lsn in self.chain:
            assert self.seg.has(lsn) == (lsn in self.held), lsn
        for lsn in self.dropped:
            # A dropped LSN not in the chain again is not an LSN of this PG any more;
            # it may only be "held" in the sense that it lies below the SCL.
            if lsn not in self.prev:
                assert not self.seg.has(lsn) or lsn <= self.seg.scl, lsn
            else:
                assert not self.seg.has(lsn), lsn

    @invariant()
    def rebuild_from_disk_gives_same_state(self):
        again = SegmentChain(7, self.seg.scl, [(l, self.prev[l]) for l in self.seg.pending], trimmed_to=self.trim_mark)
        assert (again.scl, again.pending) == (self.seg.scl, self.seg.pending)


SegmentChainMachine.TestCase.settings = settings(max_examples=120, stateful_step_count=40, deadline=None)
TestSegmentChain = SegmentChainMachine.TestCase


def test_chain_example():
    seg = SegmentChain(0)
    assert seg.add(5, 3) and seg.scl == 0 and seg.pending == [5]
    assert seg.add(3, 1) and seg.scl == 0 and seg.pending == [3, 5]
    assert not seg.add(5, 3)
    assert seg.add(1, 0) and seg.scl == 5 and seg.pending == []
    assert seg.has(1) and seg.has(5) and not seg.has(6)
    assert not seg.add(3, 1)
    seg.add(9, 7)
    seg.truncate(6, 5)
    assert seg.scl == 5 and seg.pending == [] and not seg.has(9)
    seg.truncate(2, 1)
    assert seg.scl == 1 and not seg.has(3)
    assert seg.add(2, 1) and seg.scl == 2  # the new epoch reuses LSN 2


def test_chain_rejects_contradictions():
    seg = SegmentChain(0)
    with pytest.raises(AssertionError):
        seg.add(4, 4)
    seg.add(6, 4)
    with pytest.raises(InvalidMessage):
        seg.add(7, 4)  # two records cannot name the same predecessor (it came from the network)
    with pytest.raises(AssertionError):
        seg.truncate(3, 4)


# --- VolumeFence ----------------------------------------------------------------------


def fenced(epoch=3, writer="w") -> VolumeFence:
    f = VolumeFence()
    f.fence(epoch, writer)
    return f


def test_fence_needs_a_newer_epoch():
    f = fenced(3, "a")
    assert (f.epoch, f.writer_id) == (3, "a")
    for epoch, writer in [(2, "a"), (2, "b"), (3, "b"), (0, "a")]:
        with pytest.raises(StaleEpoch):
            f.fence(epoch, writer)
        assert (f.epoch, f.writer_id) == (3, "a")
    f.fence(4, "b")
    assert (f.epoch, f.writer_id) == (4, "b")


def test_same_writer_may_repeat_its_fence_until_it_truncated():
    f = fenced(3, "a")
    f.fence(3, "a")
    assert f.truncate(3, "a", 100)
    with pytest.raises(StaleEpoch):
        f.fence(3, "a")


def test_truncate_only_from_fencing_writer_or_newer_epoch():
    f = fenced(3, "a")
    with pytest.raises(StaleEpoch):
        f.truncate(3, "b", 10)
    with pytest.raises(StaleEpoch):
        f.truncate(2, "a", 10)
    assert f.truncations == {}
    assert f.truncate(3, "a", 10) is True
    assert f.truncate(3, "a", 10) is False  # a retry is not new information
    with pytest.raises(StaleEpoch):
        f.truncate(3, "a", 11)  # one truncation point per epoch
    assert f.truncations == {3: 10}
    # a newer epoch this node never saw fenced may truncate it directly
    assert f.truncate(5, "c", 20) is True
    assert (f.epoch, f.writer_id, f.truncations) == (5, "c", {3: 10, 5: 20})
    with pytest.raises(StaleEpoch):
        f.truncate(4, "d", 15)


def test_writer_truncate_after_gossip_taught_the_same_truncation():
    """A node outside the recovery quorum may learn (e, t) from a peer before the
    recovering writer's own Truncate(e, t) reaches it. That request repeats what the
    node knows: it must not be refused as stale (StaleEpoch tells a writer it was fenced
    and must stop)."""
    f = VolumeFence()
    f.fence(2, "old")
    f.truncate(2, "old", 50)
    assert f.learn({2: 50, 3: 80}) == {3: 80}
    assert f.epoch == 3
    assert f.truncate(3, "new", 80) is False
    f.check_write(3)
    with pytest.raises(StaleEpoch):
        f.truncate(3, "new", 81)


def test_check_write():
    f = fenced(3, "a")
    with pytest.raises(EpochUnknown):
        f.check_write(3)  # recovery of epoch 3 not known yet: this node is behind, the writer is not fenced
    f.truncate(3, "a", 10)
    f.check_write(3)
    for old in (0, 1, 2):
        with pytest.raises(StaleEpoch):
            f.check_write(old)
    with pytest.raises(EpochUnknown):
        f.check_write(4)  # a future epoch this node has not seen recover
    f.fence(4, "b")
    with pytest.raises(StaleEpoch):
        f.check_write(3)  # the old writer is fenced
    with pytest.raises(EpochUnknown):
        f.check_write(4)  # b's truncation is not here yet


def test_learn_merges_and_raises_epoch():
    f = fenced(2, "a")
    f.truncate(2, "a", 10)
    assert f.learn({1: 5, 2: 10}) == {1: 5}
    assert (f.epoch, f.writer_id) == (2, "a")
    assert f.learn({1: 5, 2: 10}) == {}
    assert f.learn({4: 30}) == {4: 30}
    assert (f.epoch, f.writer_id) == (4, "")
    assert f.truncations == {1: 5, 2: 10, 4: 30}
    f.check_write(4)
    with pytest.raises(StaleEpoch):
        f.check_write(2)
    with pytest.raises(InvalidMessage):
        f.learn({4: 31})
    assert f.truncations[4] == 30


def test_a_node_holding_nothing_adopts_the_writers_floor():
    """A new or wiped node never saw the truncations the history has forgotten (every
    other node applied them). Holding nothing they could invalidate, it takes the floor
    as applied and the floor's epoch, and accepts the writer at that epoch."""
    f = VolumeFence()
    with pytest.raises(EpochUnknown):
        f.check_write(17)  # the writer's own truncation was compacted away everywhere
    assert f.adopt_floor(17)
    assert (f.epoch, f.floor, f.applied_epoch, f.truncations) == (17, 17, 17, {})
    f.check_write(17)
    with pytest.raises(StaleEpoch):
        f.check_write(16)
    assert not f.adopt_floor(17) and not f.adopt_floor(5)
    assert f.learn({18: 40}) == {18: 40} and f.epoch == 18  # a later recovery is learned as usual
    with pytest.raises(StaleEpoch):
        f.check_write(17)


def test_a_node_holding_nothing_takes_its_peers_epoch():
    """A wiped node learns the newest epoch from its peers: older writers are refused as
    fenced from then on, and the writer that claims that epoch (its recovery may still
    be running) may still fence it, since nobody claimed the epoch here."""
    f = VolumeFence()
    assert f.learn_epoch(5) and (f.epoch, f.writer_id) == (5, "")
    assert not f.learn_epoch(5) and not f.learn_epoch(3)
    with pytest.raises(StaleEpoch):
        f.check_write(4)  # a writer older than the peers' epoch is fenced
    with pytest.raises(EpochUnknown):
        f.check_write(5)  # its recovery is not known here yet
    f.fence(5, "w5")
    assert (f.epoch, f.writer_id) == (5, "w5")
    with pytest.raises(StaleEpoch):
        f.fence(5, "other")  # claimed now: exclusive as ever
    g = VolumeFence()
    g.learn_epoch(5)
    g.truncate(5, "w5", 40)
    with pytest.raises(StaleEpoch):
        g.fence(5, "w5")  # recovered: nobody fences this epoch again


def test_record_valid():
    f = VolumeFence(truncations={2: 100, 4: 150})
    assert f.record_valid(1, 100) and not f.record_valid(1, 101)
    assert f.record_valid(2, 150) and not f.record_valid(2, 151)
    assert f.record_valid(2, 120)  # epoch 2's own truncation does not apply to it
    assert f.record_valid(3, 150) and not f.record_valid(3, 151)
    assert f.record_valid(4, 10**9) and f.record_valid(5, 10**9)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.integers(1, 8), st.integers(0, 50), max_size=6), st.integers(0, 9), st.integers(0, 60))
def test_record_valid_definition(truncations, epoch, lsn):
    f = VolumeFence(truncations=dict(truncations))
    expected = not any(e2 > epoch and lsn > t for e2, t in truncations.items())
    assert f.record_valid(epoch, lsn) == expected


WRITERS = st.sampled_from(["a", "b", "c"])
EPOCHS = st.integers(1, 6)


class FenceMachine(RuleBasedStateMachine):
    """Random fence / truncate / learn / check_write calls: epochs never go back,
    truncations are final, and every call obeys the rules in the module docstring."""

    def __init__(self):
        super().__init__()
        self.f = VolumeFence()
        self.known: dict[int, int] = {}
        self.last_epoch = 0

    @rule(epoch=EPOCHS, writer=WRITERS)
    def fence(self, epoch, writer):
        before = (self.f.epoch, self.f.writer_id)
        allowed = epoch > before[0] or (epoch == before[0] and writer == before[1] and epoch not in self.known)
        try:
            self.f.fence(epoch, writer)
        except StaleEpoch:
            assert not allowed
            assert (self.f.epoch, self.f.writer_id) == before
        else:
            assert allowed
            assert (self.f.epoch, self.f.writer_id) == (epoch, writer)

    @rule(epoch=EPOCHS, writer=WRITERS, above=st.integers(0, 30))
    def truncate(self, epoch, writer, above):
        before = (self.f.epoch, self.f.writer_id)
        repeat = self.known.get(epoch) == above
        allowed = epoch >= before[0] and (repeat or epoch not in self.known) and (
            repeat or epoch > before[0] or writer == before[1])
        try:
            new = self.f.truncate(epoch, writer, above)
        except StaleEpoch:
            assert not allowed, (before, epoch, writer, above, self.known)
            assert (self.f.epoch, self.f.writer_id) == before
        else:
            assert allowed, (before, epoch, writer, above, self.known)
            assert new == (not repeat)
            assert self.f.truncations[epoch] == above and self.f.epoch == epoch
            self.known[epoch] = above

    @rule(data=st.data())
    def learn(self, data):
        """Learn a history consistent with what is known (a peer never disagrees)."""
        extra = data.draw(st.dictionaries(EPOCHS, st.integers(0, 30), max_size=3))
        merged = {**extra, **self.known}
        given_ = {e: merged[e] for e in data.draw(st.sets(st.sampled_from(sorted(merged)))) } if merged else {}
        before = self.f.epoch
        new = self.f.learn(given_)
        assert new == {e: t for e, t in given_.items() if e not in self.known}
        self.known.update(given_)
        assert self.f.epoch == max([before, *new])

    @rule(epoch=st.integers(0, 7))
    def check_write(self, epoch):
        ok = epoch == self.f.epoch and epoch in self.known
        try:
            self.f.check_write(epoch)
        except StaleEpoch:
            assert not ok and epoch < self.f.epoch  # fenced only by a newer epoch
        except EpochUnknown:
            assert not ok and epoch >= self.f.epoch  # behind: never a reason to fence the writer
        else:
            assert ok

    @invariant()
    def epoch_never_decreases_and_bounds_truncations(self):
        assert self.f.epoch >= self.last_epoch
        self.last_epoch = self.f.epoch
        assert self.f.truncations == self.known
        assert all(e <= self.f.epoch for e in self.known)


FenceMachine.TestCase.settings = settings(max_examples=100, stateful_step_count=30, deadline=None)
TestVolumeFence = FenceMachine.TestCase


# --- history compaction --------------------------------------------------------------


@given(st.dictionaries(st.integers(1, 12), st.integers(0, 60), max_size=8),
       st.integers(0, 13), st.integers(1, 70))
def test_compaction_keeps_every_verdict(truncations, record_epoch, lsn):
    """Dropping dominated entries never changes whether a record survives."""
    from sixfold.core.segment_state import compact_history, record_valid
    compacted = compact_history(truncations)
    assert record_valid(compacted, record_epoch, lsn) == record_valid(truncations, record_epoch, lsn)
    assert list(compacted.values()) == sorted(compacted.values())  # a staircase, strictly rising
    assert len(set(compacted.values())) == len(compacted)


def test_floor_forgets_what_every_node_applied():
    from sixfold.core.segment_state import VolumeFence
    f = VolumeFence(epoch=3, truncations={1: 10, 2: 20, 3: 30})
    f.applied(3)
    assert f.raise_floor(2) and f.truncations == {3: 30}
    assert not f.raise_floor(1)
    assert f.learn({1: 10, 2: 20, 3: 30}) == {}  # forgotten entries are not learned again
    g = VolumeFence(epoch=3, truncations={1: 10, 2: 20, 3: 30})
    g.applied(1)
    g.raise_floor(3)  # this node applied only epoch 1: it cannot forget more
    assert g.floor == 1 and g.truncations == {2: 20, 3: 30}


def test_learning_a_conflicting_recovery_point_is_refused():
    from sixfold.core.segment_state import VolumeFence
    from sixfold.errors import InvalidMessage
    f = VolumeFence(epoch=2, truncations={2: 20})
    with pytest.raises(InvalidMessage):
        f.learn({2: 21})


def test_gossip_is_due_for_a_known_hole_a_catch_up_or_the_idle_interval():
    from sixfold.core.segment_state import gossip_due
    chain = SegmentChain(0)
    chain.add(1, 0)
    assert not chain.has_holes
    chain.add(5, 3)  # 2..3 missing: 5 waits above the SCL
    assert chain.has_holes and chain.scl == 1
    assert gossip_due(chain.has_holes, 0, 0.0, 2.0)
    assert gossip_due(False, 12, 0.0, 2.0), "the last turn brought records: still catching up"
    assert not gossip_due(False, 0, 1.9, 2.0), "a complete segment under a steady stream asks nobody"
    assert gossip_due(False, 0, 2.0, 2.0), "a tail it cannot know it lacks: asked for now and then"
    chain.add(3, 1)
    assert not chain.has_holes and chain.scl == 5
