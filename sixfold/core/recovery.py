"""Volume recovery planning: from a read quorum of every PG to the new VDL.

A new writer fences a read quorum (3 of 6) of every PG at a new epoch, so the old
writer can never again reach a write quorum. Each fenced segment reports its SCL,
the highest VDL the old writer told it (`vdl_hint`, always truly durable) and the
headers of the records it holds above min(SCL, hint).

Let `base` be the highest hint reported. Every record at or below it reached a write
quorum, so at least one segment of any read quorum holds it. Above `base`, LSNs are
dense (every LSN is exactly one record), so the recovered VCL is the end of the
unbroken run base+1, base+2, ... of records some responding segment holds, and the
VDL is the highest CPL in that run. Everything above VDL is truncated; the records
in (base, VDL] are re-replicated to a write quorum before the writer opens.
No redo is replayed: the work is bounded by LAL, not by the log's length.

A node whose disk was replaced and that has not caught up yet (`rebuilding`,
`sixfold.core.rebuild`) may have forgotten records it acknowledged: it does not count
toward the read quorum, though what it reports is used.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field

from sixfold.constants import R_QUORUM_COUNT
from sixfold.core.quorum import has_read_quorum
from sixfold.core.segment_state import record_valid
from sixfold.errors import InvalidMessage, QuorumUnavailable


@dataclass(frozen=True, slots=True)
class RecordHeader:
    lsn: int
    cpl: bool
    epoch: int


@dataclass(frozen=True, slots=True)
class SegmentReport:
    pg: int
    node: str
    scl: int
    vdl_hint: int
    headers: tuple[RecordHeader, ...] = ()


@dataclass(frozen=True, slots=True)
class RecoveryPlan:
    base: int  # highest VDL any segment was told: durable for sure
    vcl: int
    vdl: int  # the volume reopens here; everything above is truncated
    # Records in (base, vdl]: lsn -> (pg, nodes holding it, epoch). Re-replicated before opening.
    carry_over: dict[int, tuple[int, tuple[str, ...], int]] = field(default_factory=dict)


def next_epoch(reported_epochs: Sequence[int]) -> int:
    return max(reported_epochs, default=0) + 1


def plan_recovery(
    pg_count: int,
    segments_of: Callable[[int], Sequence[str]],
    reports: Sequence[SegmentReport],
    responders: set[str] | None = None,
    placements: Iterable[Sequence[str]] | None = None,
    truncations: dict[int, int] | None = None,
    responder_hint: int = 0,
    rebuilding: Collection[str] = (),
) -> RecoveryPlan:
    """Compute the recovery point. Raises QuorumUnavailable unless every PG among the
    first `pg_count` has a read quorum of segments answering.

    Without `responders`, a segment answers when it sent a report. With it, every node
    in `responders` answered for all its segments and reports only those holding
    records; `placements` (the distinct six-node sets of the volume's PGs) then lets
    the quorum check skip the PGs one by one.

    `truncations` is the recovery history the responders know together: a segment
    that missed a recovery may still hold records it truncated, which must neither
    extend the recovered run nor come back. Reports come from the network, so a
    report that breaks the protocol raises InvalidMessage rather than asserting.

    `responder_hint` is the highest VDL hint a responder gave for the volume as a whole,
    durable like any other hint: it counts even when no segment holds a record (a new
    copy-on-write clone starts at its fork with empty segments).

    `rebuilding` names nodes whose disk was replaced and which have not caught up yet
    (`sixfold.core.rebuild`): they may have forgotten records they acknowledged, so they
    do not count toward a read quorum. Their reports are still used: what they hold
    since they came back is real."""
    truncations = truncations or {}
    by_pg: dict[int, list[SegmentReport]] = {}
    for r in reports:
        if r.node not in segments_of(r.pg) or (responders is not None and r.node not in responders):
            raise InvalidMessage(f"{r.node} reported PG {r.pg}, which it does not hold or for which it did not answer")
        by_pg.setdefault(r.pg, []).append(r)
    if responders is None:
        for pg in range(pg_count):
            answered = {r.node for r in by_pg.get(pg, ()) if r.node not in rebuilding}
            if not has_read_quorum(segments_of(pg), answered):
                raise QuorumUnavailable(f"protection group {pg}: {len(answered)} segments answered that are not "
                                        f"rebuilding, {R_QUORUM_COUNT} needed")
    else:
        if placements is None:
            placements = {tuple(segments_of(pg)) for pg in range(pg_count)}
        counted = set(responders) - set(rebuilding)
        for nodes in placements:
            if not has_read_quorum(nodes, counted):
                got = sum(1 for n in nodes if n in counted)
                raise QuorumUnavailable(f"segments on {sorted(nodes)}: {got} answered that are not rebuilding, "
                                        f"{R_QUORUM_COUNT} needed")
    base = max([responder_hint] + [r.vdl_hint for r in reports])
    known: dict[int, tuple[int, bool, int, set[str]]] = {}
    for r in reports:
        for h in r.headers:
            if h.lsn <= base or not record_valid(truncations, h.epoch, h.lsn):
                continue
            pg, cpl, epoch, nodes = known.setdefault(h.lsn, (r.pg, h.cpl, h.epoch, set()))
            # One LSN is one valid record: two segments never disagree on its PG, role or epoch.
            if (pg, cpl, epoch) != (r.pg, h.cpl, h.epoch):
                raise InvalidMessage(f"LSN {h.lsn}: {r.node} holds PG {r.pg} epoch {h.epoch} cpl {h.cpl}, "
                                     f"another segment PG {pg} epoch {epoch} cpl {cpl}")
            nodes.add(r.node)
    vcl = base
    while vcl + 1 in known:
        vcl += 1
    vdl = max((lsn for lsn in range(base + 1, vcl + 1) if known[lsn][1]), default=base)
    assert base <= vdl <= vcl
    carry = {lsn: (known[lsn][0], tuple(sorted(known[lsn][3])), known[lsn][2]) for lsn in range(base + 1, vdl + 1)}
    return RecoveryPlan(base=base, vcl=vcl, vdl=vdl, carry_over=carry)
