"""Write quorum tracking: acks -> PGCL -> VCL -> VDL, LAL, group commit.

A hypothesis state machine drives WriteTracker against a model of six (or nine)
storage nodes. The model keeps, per (pg, node), the records that node holds and
computes its SCL from the PG's record chain (the `prev` values allocate returns).
Acceptance properties checked after every step:
* VDL never decreases and is always a CPL or the VDL the tracker opened at;
* VDL (and VCL) never pass a record that fewer than 4 segments of its PG hold;
* parked tokens come back in LSN order, each exactly once, only once VDL >= their
  CPL, and no parked token with CPL <= VDL is left waiting;
* LAL: next_lsn - 1 - VDL <= LAL; when the limit is hit can_allocate is False and
  allocate refuses;
* read_requirement / readable_segments only name segments whose SCL covers every
  record of the PG at or below the read point.
"""

from __future__ import annotations

from collections import deque

import pytest
from hypothesis import event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine, initialize, invariant, precondition, rule,
)

import sixfold.constants as C
from sixfold.core.geometry import Geometry, NodeInfo
from sixfold.core.write_tracker import WriteTracker
from sixfold.errors import MiniTransactionTooLarge

LAL = 20
SIX = tuple(f"n{i}" for i in range(6))
PGS = (0, 1, 2)


def nine_node_geometry() -> Geometry:
    nodes = [NodeInfo(f"n{i}", f"az{i % 3}", f"h:{i}") for i in range(9)]
    return Geometry(nodes, pg_pages=4)


class TrackerMachine(RuleBasedStateMachine):
    """Model: `chain[pg]` lists the PG's records (its tail from before the tracker
    opened, then every LSN allocated in it); `held[(pg, node)]` what each node holds."""

    def segments_of(self, pg: int) -> tuple[str, ...]:
        return SIX

    @initialize(
        start=st.sampled_from([0, 0, 40]),
        tails=st.fixed_dictionaries({pg: st.integers(0, 40) for pg in PGS}),
        seed_known=st.booleans(),
        first_mtrs=st.lists(st.lists(st.sampled_from(PGS), min_size=1, max_size=5), max_size=4),
    )
    def open_tracker(self, start, tails, seed_known, first_mtrs):
        # The tails of a reopened volume are distinct LSNs at or below its VDL.
        pg_tails = {}
        if start:
            used = set()
            for pg, t in tails.items():
                if t and t not in used:
                    pg_tails[pg] = t
                    used.add(t)
        self.start = start
        self.t = WriteTracker(self.segments_of, vdl=start, pg_tails=pg_tails, lal_records=LAL)
        self.chain = {pg: [pg_tails.get(pg, 0)] for pg in PGS}  # first entry: what every node holds
        self.held = {(pg, n): set() for pg in PGS for n in self.segments_of(pg)}
        self.pg_of: dict[int, int] = {}
        self.cpls: list[int] = []
        self.unparked: deque[int] = deque()  # CPLs allocated, not parked yet (in order)
        self.parked: dict[str, int] = {}  # token -> cpl, not released yet
        self.released: list[str] = []
        self.released_cpls: list[int] = []
        self.last_vdl = start
        self.limit_hit = False
        if seed_known:
            for pg, tail in pg_tails.items():
                for n in self.segments_of(pg):
                    self.t.set_known_scl(pg, n, tail)
        for pgs in first_mtrs:  # so that every run starts with records in flight
            self.allocate(pgs, park_now=True)

    # --- model -----------------------------------------------------------------------
    def model_scl(self, pg: int, node: str) -> int:
        chain, held = self.chain[pg], self.held[(pg, node)]
        scl = chain[0]
        for lsn in chain[1:]:
            if lsn not in held:
                break
            scl = lsn
        return scl

    def holders(self, lsn: int) -> int:
        pg = self.pg_of[lsn]
        return sum(lsn in self.held[(pg, n)] for n in self.segments_of(pg))

    def last_record_at_or_below(self, pg: int, lsn: int) -> int:
        return max((l for l in self.chain[pg] if l <= lsn), default=0)

    def take_released(self, tokens) -> None:
        if tokens:
            event("tokens released")
        for tok in tokens:
            assert tok in self.parked, f"{tok} released twice or never parked"
            cpl = self.parked.pop(tok)
            assert cpl <= self.t.vdl, (tok, cpl, self.t.vdl)
            assert not self.released_cpls or self.released_cpls[-1] < cpl, "released out of LSN order"
            self.released.append(tok)
            self.released_cpls.append(cpl)

    def park(self, cpl: int) -> None:
        tok = f"commit@{cpl}"
        self.parked[tok] = cpl
        if cpl <= self.t.vdl:
            event("parked after durable")
        self.take_released(self.t.park(cpl, tok))

    # --- rules ---------------------------------------------------------------------------
    @rule(pgs=st.lists(st.sampled_from(PGS), min_size=1, max_size=5), park_now=st.booleans())
    def allocate(self, pgs, park_now):
        t = self.t
        nxt = t.next_lsn
        if not t.can_allocate(len(pgs)):
            # Back-pressure: the MTR would end more than LAL above VDL.
            assert nxt + len(pgs) - 1 - t.vdl > LAL
            self.limit_hit = True
            event("LAL limit hit")
            with pytest.raises(AssertionError):
                t.allocate(pgs)
            assert t.next_lsn == nxt
            return
        out = t.allocate(pgs)
        assert [lsn for lsn, _ in out] == list(range(nxt, nxt + len(pgs))), "LSNs are dense"
        for pg, (lsn, prev) in zip(pgs, out):
            assert prev == self.chain[pg][-1], "backlink names the PG's previous record"
            self.chain[pg].append(lsn)
            self.pg_of[lsn] = pg
        cpl = out[-1][0]
        self.cpls.append(cpl)
        self.unparked.append(cpl)
        if park_now and len(self.unparked) == 1:
            self.park(self.unparked.popleft())

    @precondition(lambda self: self.unparked)
    @rule(skip=st.booleans())
    def park_later(self, skip):
        """Park the oldest unparked CPL, possibly after it became durable; or never
        park it (an MTR nobody waits for)."""
        cpl = self.unparked.popleft()
        if not skip:
            self.park(cpl)

    def _deliver(self, pg: int, node: str, lsn: int) -> None:
        self.held[(pg, node)].add(lsn)

    def _ack(self, pg: int, node: str, scl: int | None = None) -> None:
        self.take_released(self.t.on_ack(pg, node, self.model_scl(pg, node) if scl is None else scl))

    @precondition(lambda self: self.pg_of)
    @rule(data=st.data(), ack=st.booleans())
    def deliver_any(self, data, ack):
        """One record reaches one segment, in any order (holes are possible)."""
        lsn = data.draw(st.sampled_from(sorted(self.pg_of)), label="lsn")
        pg = self.pg_of[lsn]
        node = data.draw(st.sampled_from(self.segments_of(pg)), label="node")
        self._deliver(pg, node, lsn)
        if ack:
            self._ack(pg, node)

    @precondition(lambda self: self.pg_of)
    @rule(data=st.data(), count=st.integers(1, 8))
    def deliver_in_order(self, data, count):
        """A segment receives its next missing records in order, then acks its SCL."""
        pg = data.draw(st.sampled_from([pg for pg in PGS if len(self.chain[pg]) > 1]), label="pg")
        node = data.draw(st.sampled_from(self.segments_of(pg)), label="node")
        missing = [l for l in self.chain[pg][1:] if l not in self.held[(pg, node)]]
        for lsn in missing[:count]:
            self._deliver(pg, node, lsn)
        self._ack(pg, node)

    @precondition(lambda self: self.pg_of)
    @rule(data=st.data())
    def deliver_to_quorum(self, data):
        """Everything allocated so far reaches four segments of one PG, which ack."""
        pg = data.draw(st.sampled_from([pg for pg in PGS if len(self.chain[pg]) > 1]), label="pg")
        nodes = data.draw(st.permutations(self.segments_of(pg)), label="order")[:4]
        for node in nodes:
            for lsn in self.chain[pg][1:]:
                self._deliver(pg, node, lsn)
            self._ack(pg, node)

    @precondition(lambda self: self.pg_of)
    @rule(data=st.data())
    def deliver_everything(self, data):
        """Every PG's records so far reach a random 4 to 6 of its segments, which ack
        in a random order (VDL catches up with everything allocated)."""
        for pg in PGS:
            segs = data.draw(st.permutations(self.segments_of(pg)), label=f"order of pg {pg}")
            for node in segs[: data.draw(st.integers(4, 6), label="count")]:
                for lsn in self.chain[pg][1:]:
                    self._deliver(pg, node, lsn)
                self._ack(pg, node)

    @rule(data=st.data())
    def ack(self, data):
        """A segment (re)sends its current SCL."""
        pg = data.draw(st.sampled_from(PGS), label="pg")
        self._ack(pg, data.draw(st.sampled_from(self.segments_of(pg)), label="node"))

    @rule(data=st.data())
    def stale_ack(self, data):
        """An old ack arrives late: an SCL the segment had earlier. Changes nothing."""
        pg = data.draw(st.sampled_from(PGS), label="pg")
        node = data.draw(st.sampled_from(self.segments_of(pg)), label="node")
        scl = self.model_scl(pg, node)
        older = [l for l in self.chain[pg] if l <= scl]
        before = (self.t.vdl, self.t.vcl, self.t.pgcl(pg))
        old = data.draw(st.sampled_from(older), label="old scl")
        if old <= self.t.acked_scl(pg, node):
            assert self.t.on_ack(pg, node, old) == []
            assert (self.t.vdl, self.t.vcl, self.t.pgcl(pg)) == before
        else:
            self._ack(pg, node, old)

    @rule(data=st.data())
    def check_read(self, data):
        """A read at any point only goes to segments that hold all it needs."""
        pg = data.draw(st.sampled_from(PGS), label="pg")
        read_lsn = data.draw(st.integers(0, self.t.next_lsn), label="read_lsn")
        self._check_read(pg, read_lsn)

    def _check_read(self, pg: int, read_lsn: int) -> None:
        need = self.last_record_at_or_below(pg, read_lsn)
        req = self.t.read_requirement(pg, read_lsn)
        assert need <= req <= max(read_lsn, need), (pg, read_lsn, need, req)
        for node in self.t.readable_segments(pg, read_lsn):
            assert self.model_scl(pg, node) >= need, (pg, node, read_lsn, need)

    # --- invariants --------------------------------------------------------------------
    @invariant()
    def vdl_monotone_and_a_cpl(self):
        vdl = self.t.vdl
        assert vdl >= self.last_vdl, "VDL went back"
        self.last_vdl = vdl
        assert vdl == self.start or vdl in self.cpls, (vdl, self.cpls)
        assert self.start <= vdl <= self.t.vcl < self.t.next_lsn

    @invariant()
    def nothing_below_vcl_lacks_a_write_quorum(self):
        for lsn in range(self.start + 1, self.t.vcl + 1):
            assert self.holders(lsn) >= C.W_QUORUM_COUNT, (lsn, self.holders(lsn))
        # VDL is the highest CPL at or below VCL: the MTRs below it are whole.
        assert not [c for c in self.cpls if self.t.vdl < c <= self.t.vcl]

    @invariant()
    def pgcl_is_backed_by_a_write_quorum(self):
        for pg in PGS:
            pgcl = self.t.pgcl(pg)
            for lsn in self.chain[pg][1:]:
                if lsn <= pgcl:
                    assert self.holders(lsn) >= C.W_QUORUM_COUNT, (pg, lsn)

    @invariant()
    def parked_commits_wait_only_above_vdl(self):
        for tok, cpl in self.parked.items():
            assert cpl > self.t.vdl, f"{tok} (cpl {cpl}) is durable at VDL {self.t.vdl} but still parked"
        assert self.t.parked_count == len(self.parked)

    @invariant()
    def lal_holds(self):
        assert self.t.next_lsn - 1 - self.t.vdl <= LAL
        assert self.t.in_flight_records == self.t.next_lsn - 1 - self.t.vcl

    @invariant()
    def reads_at_vdl_are_served_by_a_quorum(self):
        for pg in PGS:
            self._check_read(pg, self.t.vdl)
            self._check_read(pg, self.t.next_lsn - 1)
            if any(self.start < l <= self.t.vdl for l in self.chain[pg]):
                assert len(self.t.readable_segments(pg, self.t.vdl)) >= C.W_QUORUM_COUNT


TrackerMachine.TestCase.settings = settings(max_examples=120, stateful_step_count=50, deadline=None)
TestWriteTrackerSixNodes = TrackerMachine.TestCase


class GeometryTrackerMachine(TrackerMachine):
    """The same properties with real placement: nine nodes, each PG on a different six."""

    geometry = nine_node_geometry()

    def segments_of(self, pg: int) -> tuple[str, ...]:
        return self.geometry.segments(pg)


GeometryTrackerMachine.TestCase.settings = settings(max_examples=80, stateful_step_count=50, deadline=None)
TestWriteTrackerNineNodes = GeometryTrackerMachine.TestCase


def test_nine_node_geometry_places_pgs_differently():
    g = nine_node_geometry()
    assert len({frozenset(g.segments(pg)) for pg in PGS}) > 1


# --- plain tests -----------------------------------------------------------------------


def test_quorum_constants():
    assert C.V_SEGMENTS_COUNT == C.AZ_COUNT * C.SEGMENTS_PER_AZ_COUNT == 6
    assert (C.W_QUORUM_COUNT, C.R_QUORUM_COUNT) == (4, 3)
    assert C.W_QUORUM_COUNT + C.R_QUORUM_COUNT > C.V_SEGMENTS_COUNT
    assert 2 * C.W_QUORUM_COUNT > C.V_SEGMENTS_COUNT
    assert C.V_SEGMENTS_COUNT - C.SEGMENTS_PER_AZ_COUNT >= C.W_QUORUM_COUNT
    assert C.V_SEGMENTS_COUNT - C.SEGMENTS_PER_AZ_COUNT - 1 >= C.R_QUORUM_COUNT
    assert C.MTR_RECORDS_MAX <= C.LAL_RECORDS


def test_lal_back_pressure():
    t = WriteTracker(lambda pg: SIX, vdl=0, pg_tails={}, lal_records=5)
    assert t.can_allocate(5)
    with pytest.raises(MiniTransactionTooLarge):
        t.can_allocate(6)
    (l1, _), (l2, _), (l3, _) = t.allocate([0, 0, 0])
    assert t.can_allocate(2) and not t.can_allocate(3)
    with pytest.raises(AssertionError):
        t.allocate([0, 0, 0])
    t.allocate([1, 1])
    assert not t.can_allocate(1)
    for n in SIX[:4]:
        t.on_ack(0, n, l3)
    assert t.vdl == 3 and t.can_allocate(3) and not t.can_allocate(4)


def test_group_commit_releases_in_lsn_order():
    t = WriteTracker(lambda pg: SIX, vdl=0, pg_tails={})
    a = t.allocate([0])[-1][0]
    b = t.allocate([1, 0])[-1][0]
    c = t.allocate([1])[-1][0]
    for cpl, tok in ((a, "a"), (b, "b"), (c, "c")):
        t.park(cpl, tok)
    # PG 1 completes first (LSNs 2 and 4), then PG 0 (1 and 3): everything at once.
    for n in SIX[:4]:
        assert t.on_ack(1, n, 4) == []
    assert t.vdl == 0
    released = []
    for n in SIX[:4]:
        released += t.on_ack(0, n, 3)
    assert released == ["a", "b", "c"] and t.vdl == 4


def test_three_acks_are_not_a_quorum():
    t = WriteTracker(lambda pg: SIX, vdl=0, pg_tails={})
    cpl = t.allocate([0])[-1][0]
    t.park(cpl, "x")
    for n in SIX[:3]:
        assert t.on_ack(0, n, cpl) == []
    assert t.vdl == 0 and t.pgcl(0) == 0
    assert t.on_ack(0, SIX[3], cpl) == ["x"]


def test_park_after_the_commit_became_durable():
    """A CPL that became durable before it was parked is released at once (park
    returns it); it must not wait for an ack that may never come."""
    t = WriteTracker(lambda pg: SIX, vdl=0, pg_tails={})
    cpl = t.allocate([0])[-1][0]
    for n in SIX[:4]:
        t.on_ack(0, n, cpl)
    assert t.vdl == cpl
    assert t.park(cpl, "late") == ["late"]
    assert t.parked_count == 0


def test_acks_for_unknown_segments_or_future_lsns_are_refused():
    t = WriteTracker(lambda pg: SIX, vdl=0, pg_tails={})
    t.allocate([0])
    with pytest.raises(AssertionError):
        t.on_ack(0, "stranger", 1)
    with pytest.raises(AssertionError):
        t.on_ack(0, "n0", 2)  # no record 2 was sent to PG 0
