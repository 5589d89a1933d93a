"""Recovery planning: plan_recovery over a read quorum of every PG.

A random history is built with the real WriteTracker as the writer: dense LSNs in
mini-transactions over a few PGs, each record reaching a random subset of its PG's
six segments in a random order, the writer's VDL following the 4-of-6 rule after
every ack. Each node's vdl_hint is some VDL the writer had. A random read quorum
(>= 3 segments per PG) then reports exactly as a storage node does: its SCL by the
chain rule and the headers of the records it holds above min(SCL, hint).

Properties:
* nothing acknowledged is lost: plan.vdl >= every VDL the writer ever had;
* plan.vdl is a CPL or the base (the highest hint);
* every LSN in (base, vdl] is held by a reporting segment, and carry_over names
  exactly the reporting holders; the recovered VCL is the end of that unbroken run;
* no mini-transaction is partially recovered;
* fewer than 3 reporting segments for some PG raises QuorumUnavailable.
"""

from __future__ import annotations

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from sixfold.constants import R_QUORUM_COUNT, V_SEGMENTS_COUNT, W_QUORUM_COUNT
from sixfold.core.geometry import Geometry, NodeInfo
from sixfold.core.recovery import RecordHeader, SegmentReport, next_epoch, plan_recovery
from sixfold.core.write_tracker import WriteTracker
from sixfold.errors import InvalidMessage, QuorumUnavailable

SIX = tuple(f"n{i}" for i in range(6))
NINE = Geometry([NodeInfo(f"n{i}", f"az{i % 3}", f"h:{i}") for i in range(9)], pg_pages=4)
EPOCH = 1
# Subsets of a PG's six segments as bit masks (prebuilt: building strategies per draw is slow).
_MASKS = range(1 << 6)
REACH = st.one_of(  # the segments one record reaches: often a write quorum, sometimes fewer
    st.sampled_from([m for m in _MASKS if m.bit_count() >= W_QUORUM_COUNT]), st.sampled_from(list(_MASKS)))
READ_QUORUM = st.sampled_from([m for m in _MASKS if m.bit_count() >= R_QUORUM_COUNT])


def pick(segs, mask: int) -> list[str]:
    return [n for i, n in enumerate(segs) if mask >> i & 1]


class History:
    """What happened on the write path, and the state every segment is left in."""

    def __init__(self, segments_of, pg_count: int):
        self.segments_of = segments_of
        self.pg_count = pg_count
        self.tracker = WriteTracker(segments_of, vdl=0, pg_tails={}, lal_records=10**6)
        self.chain = {pg: [] for pg in range(pg_count)}
        self.pg_of: dict[int, int] = {}
        self.cpl: dict[int, bool] = {}
        self.mtrs: list[list[int]] = []
        self.held = {(pg, n): set() for pg in range(pg_count) for n in segments_of(pg)}
        self.vdls = [0]  # every VDL the writer had, in order

    def allocate(self, pgs: list[int]) -> None:
        out = self.tracker.allocate(pgs)
        for pg, (lsn, prev) in zip(pgs, out):
            assert prev == (self.chain[pg][-1] if self.chain[pg] else 0)
            self.chain[pg].append(lsn)
            self.pg_of[lsn] = pg
            self.cpl[lsn] = False
        self.cpl[out[-1][0]] = True
        self.mtrs.append([lsn for lsn, _ in out])

    def scl(self, pg: int, node: str) -> int:
        scl = 0
        for lsn in self.chain[pg]:
            if lsn not in self.held[(pg, node)]:
                break
            scl = lsn
        return scl

    def deliver(self, lsn: int, node: str) -> None:
        pg = self.pg_of[lsn]
        self.held[(pg, node)].add(lsn)
        self.tracker.on_ack(pg, node, self.scl(pg, node))
        assert self.tracker.vdl >= self.vdls[-1]
        self.vdls.append(self.tracker.vdl)

    def report(self, pg: int, node: str, hint: int) -> SegmentReport:
        """What a storage node answers for one segment (recovery.py's contract)."""
        scl = self.scl(pg, node)
        lower = min(scl, hint)
        headers = tuple(RecordHeader(l, self.cpl[l], EPOCH) for l in sorted(self.held[(pg, node)]) if l > lower)
        return SegmentReport(pg=pg, node=node, scl=scl, vdl_hint=hint, headers=headers)


@st.composite
def histories(draw) -> History:
    segments_of = draw(st.sampled_from([lambda pg: SIX, NINE.segments]), label="placement")
    pg_count = draw(st.integers(1, 3), label="pg_count")
    h = History(segments_of, pg_count)
    for pgs in draw(st.lists(st.lists(st.integers(0, pg_count - 1), min_size=1, max_size=4),
                             min_size=1, max_size=8), label="mtrs"):
        h.allocate(pgs)
    # Each record reaches some of its segments: often a write quorum, sometimes fewer.
    deliveries = []
    for lsn, pg in h.pg_of.items():
        deliveries += [(lsn, n) for n in pick(segments_of(pg), draw(REACH))]
    for lsn, node in draw(st.permutations(deliveries), label="delivery order"):
        h.deliver(lsn, node)
    return h


@st.composite
def recoveries(draw):
    """(history, reports of a random read quorum of every PG)."""
    h = draw(histories())
    nodes = sorted({n for pg in range(h.pg_count) for n in h.segments_of(pg)})
    # The hint a node holds is some VDL the writer advertised (never above the true one).
    when = st.integers(0, len(h.vdls) - 1)
    hints = {n: h.vdls[draw(when)] for n in nodes}
    reports = []
    for pg in range(h.pg_count):
        quorum = pick(h.segments_of(pg), draw(READ_QUORUM))
        reports += [h.report(pg, n, hints[n]) for n in quorum]
    return h, draw(st.permutations(reports), label="report order")


@settings(max_examples=200, deadline=None)
@given(recoveries())
def test_plan_recovery_properties(case):
    h, reports = case
    plan = plan_recovery(h.pg_count, h.segments_of, reports)
    writer_vdl = h.tracker.vdl
    cpls = {l for l, c in h.cpl.items() if c}

    event(f"writer VDL {'>' if writer_vdl > 0 else '='} 0")
    event(f"plan.vdl {'>' if plan.vdl > writer_vdl else '='} writer VDL")
    event(f"base {'<' if plan.base < writer_vdl else '='} writer VDL")
    event(f"vcl {'>' if plan.vcl > plan.vdl else '='} vdl")

    # Nothing acknowledged is lost.
    assert plan.vdl >= max(h.vdls) == writer_vdl
    # The base is the highest hint, which was durable.
    assert plan.base == max(r.vdl_hint for r in reports) <= writer_vdl
    assert plan.base <= plan.vdl <= plan.vcl < h.tracker.next_lsn
    assert plan.vdl == plan.base or plan.vdl in cpls

    # Every LSN kept above the base is held by a reporting segment, named in carry_over.
    reporters = {}
    for r in reports:
        reporters.setdefault(r.pg, set()).add(r.node)
    def holders(lsn):
        pg = h.pg_of[lsn]
        return tuple(sorted(n for n in reporters[pg] if lsn in h.held[(pg, n)]))
    assert sorted(plan.carry_over) == list(range(plan.base + 1, plan.vdl + 1))
    for lsn, (pg, nodes, _epoch) in plan.carry_over.items():
        assert pg == h.pg_of[lsn]
        assert nodes == holders(lsn) and nodes, (lsn, nodes)
    # VCL is the end of the unbroken run of reported records above the base.
    for lsn in range(plan.base + 1, plan.vcl + 1):
        assert holders(lsn)
    if plan.vcl + 1 < h.tracker.next_lsn:
        assert not holders(plan.vcl + 1)
    # VDL is the highest CPL of that run.
    assert not [c for c in cpls if plan.vdl < c <= plan.vcl]

    # No mini-transaction is partially recovered.
    for mtr in h.mtrs:
        assert all(l <= plan.vdl for l in mtr) or all(l > plan.vdl for l in mtr), (mtr, plan.vdl)


@settings(max_examples=60, deadline=None)
@given(recoveries(), st.data())
def test_too_few_segments_raise_quorum_unavailable(case, data):
    h, reports = case
    pg = data.draw(st.integers(0, h.pg_count - 1), label="short pg")
    keep = data.draw(st.integers(0, R_QUORUM_COUNT - 1), label="segments left")
    of_pg = [r for r in reports if r.pg == pg]
    short = [r for r in reports if r.pg != pg] + of_pg[:keep]
    # Repeating a report does not make it count twice.
    short += of_pg[:1] * 3 if keep >= 1 else []
    with pytest.raises(QuorumUnavailable):
        plan_recovery(h.pg_count, h.segments_of, short)
    # A PG beyond pg_count does not need a quorum.
    plan_recovery(pg, h.segments_of, [r for r in reports if r.pg < pg])


def test_example_recovery():
    """Two MTRs: 1,2(cpl) complete, 3,4(cpl) only partly delivered; 5(cpl) above a hole."""
    hdr = lambda lsn, cpl: RecordHeader(lsn, cpl, 1)
    segs = lambda pg: SIX
    reports = [
        SegmentReport(0, "n0", scl=2, vdl_hint=2, headers=(hdr(3, False),)),
        SegmentReport(0, "n1", scl=2, vdl_hint=0, headers=(hdr(1, False), hdr(2, True), hdr(5, True))),
        SegmentReport(0, "n2", scl=1, vdl_hint=0, headers=(hdr(1, False), hdr(4, True))),
    ]
    plan = plan_recovery(1, segs, reports)
    assert (plan.base, plan.vcl, plan.vdl) == (2, 5, 5)
    assert plan.carry_over == {3: (0, ("n0",), 1), 4: (0, ("n2",), 1), 5: (0, ("n1",), 1)}
    # without n2's record 4 the run stops at 3, which is no CPL: VDL stays at the base
    plan = plan_recovery(1, segs, reports[:2] + [SegmentReport(0, "n3", 0, 0)])
    assert (plan.base, plan.vcl, plan.vdl, plan.carry_over) == (2, 3, 2, {})
    with pytest.raises(QuorumUnavailable):
        plan_recovery(1, segs, reports[:2])
    with pytest.raises(QuorumUnavailable):
        plan_recovery(2, segs, reports)


def test_empty_volume_and_next_epoch():
    plan = plan_recovery(1, lambda pg: SIX, [SegmentReport(0, n, 0, 0) for n in SIX[:3]])
    assert (plan.base, plan.vcl, plan.vdl, plan.carry_over) == (0, 0, 0, {})
    assert next_epoch([]) == 1 and next_epoch([3, 1, 2]) == 4


def test_records_a_missed_recovery_truncated_neither_extend_nor_return():
    """n2 was down when epoch 2 recovered at VDL 2 and still holds epoch 1's records
    3 and 4 (truncated). Epoch 2 wrote its own 3 (cpl) on n0 and n1. Recovery at epoch
    3 must keep epoch 2's record 3 and stop there, ignoring n2's stale 4."""
    hdr = lambda lsn, cpl, epoch: RecordHeader(lsn, cpl, epoch)
    segs = lambda pg: SIX
    reports = [
        SegmentReport(0, "n0", scl=3, vdl_hint=2, headers=(hdr(3, True, 2),)),
        SegmentReport(0, "n1", scl=3, vdl_hint=2, headers=(hdr(3, True, 2),)),
        SegmentReport(0, "n2", scl=4, vdl_hint=2, headers=(hdr(3, False, 1), hdr(4, True, 1))),
    ]
    plan = plan_recovery(1, segs, reports, truncations={2: 2})
    assert (plan.base, plan.vcl, plan.vdl) == (2, 3, 3)
    assert plan.carry_over == {3: (0, ("n0", "n1"), 2)}
    # Without the history the stale records would be taken for the volume's own:
    with pytest.raises(InvalidMessage):
        plan_recovery(1, segs, reports)


def test_a_report_for_a_segment_not_held_is_refused():
    with pytest.raises(InvalidMessage):
        plan_recovery(1, lambda pg: SIX, [SegmentReport(0, "elsewhere", scl=0, vdl_hint=0)])


@st.composite
def recoveries_after_lost_disks(draw):
    """(history, reports, rebuilding): up to V-W nodes lost their disks after the history
    and came back empty (rebuilding: they report no record and hint 0); any of them and
    any of the others answer (often a read quorum of the others)."""
    h = draw(histories())
    nodes = sorted({n for pg in range(h.pg_count) for n in h.segments_of(pg)})
    lost_count = draw(st.sampled_from([0, 1] + [V_SEGMENTS_COUNT - W_QUORUM_COUNT] * 3), label="lost disks")
    lost = set(draw(st.lists(st.sampled_from(nodes), min_size=lost_count, max_size=lost_count, unique=True)))
    when = st.integers(0, len(h.vdls) - 1)
    hints = {n: 0 if n in lost else h.vdls[draw(when)] for n in nodes}
    for pg in range(h.pg_count):
        for n in lost & set(h.segments_of(pg)):
            h.held[(pg, n)] = set()
    reports = []
    for pg in range(h.pg_count):
        segs = h.segments_of(pg)
        kept = [n for n in segs if n not in lost]
        quorum = set(draw(st.lists(st.sampled_from(kept), min_size=draw(st.sampled_from([0, 2, 3, 3, 3])),
                                   unique=True), label="others answering"))
        quorum |= {n for n in segs if n in lost and draw(st.booleans(), label="rebuilding answers")}
        reports += [h.report(pg, n, hints[n]) for n in sorted(quorum)]
    return h, reports, lost


@settings(max_examples=200, deadline=None)
@given(recoveries_after_lost_disks())
def test_rebuilding_nodes_do_not_count_and_nothing_acknowledged_is_lost(case):
    h, reports, lost = case
    event(f"{len(lost)} lost disks")
    counted = {pg: {r.node for r in reports if r.pg == pg} - lost for pg in range(h.pg_count)}
    if any(len(c) < R_QUORUM_COUNT for c in counted.values()):
        with pytest.raises(QuorumUnavailable):
            plan_recovery(h.pg_count, h.segments_of, reports, rebuilding=lost)
        event("refused")
        return
    plan = plan_recovery(h.pg_count, h.segments_of, reports, rebuilding=lost)
    assert plan.vdl >= h.tracker.vdl


def test_a_rebuilding_node_does_not_make_a_read_quorum():
    """Two wiped nodes and two that missed the records: four answers, a write quorum,
    but only two that can vouch for what they hold."""
    h = History(lambda pg: SIX, 1)
    h.allocate([0])
    for n in ("n0", "n1", "n2", "n3"):
        h.deliver(1, n)
    assert h.tracker.vdl == 1
    reports = [h.report(0, n, 0) for n in ("n4", "n5")] + [SegmentReport(0, n, 0, 0) for n in ("n0", "n1")]
    # Counted as ordinary segments they would make a quorum and recover below the commit:
    assert plan_recovery(1, h.segments_of, reports).vdl == 0
    with pytest.raises(QuorumUnavailable, match="rebuilding"):
        plan_recovery(1, h.segments_of, reports, rebuilding={"n0", "n1"})
    with pytest.raises(QuorumUnavailable, match="rebuilding"):
        plan_recovery(1, h.segments_of, reports, responders={"n0", "n1", "n4", "n5"}, rebuilding={"n0", "n1"})
    plan = plan_recovery(1, h.segments_of, reports + [h.report(0, "n2", 0)], rebuilding={"n0", "n1"})
    assert plan.vdl == 1
