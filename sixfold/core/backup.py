"""Continuous backup, the pure part: who ships which PG, what the backup covers, and
which LSN a restore to a time or an LSN lands on.

The storage tier backs itself up. Every PG has six segments; each pass, the segment
ranked first for that PG (`backup_rank`) ships the PG's durable records above what the
object store already covers to the writer's VDL. A segment ranked r > 0 takes over when
every segment ranked before it has claimed no progress for r x the takeover time while
the PG lags (`BackupOwnership`): a killed or paused node costs a few seconds of backup
lag, never a gap, and a healthy cluster ships each record once.

Coverage. A backup object says, per PG, "every record of this PG with LSN in
(start, end] is in here"; a page image of a PG at S stands for (0, S]. A PG's coverage
is how far such ranges reach contiguously from 0 (`contiguous_end`); the volume's
restorable LSN is the least coverage over its PGs (`restorable_lsn`). A PG whose log
does not go back to 0 (a restored volume's backup starts at its images) can be restored
only from its oldest image on: the volume's floor. A restore lands on a commit (CPL) at or below it: the last one
at or below the requested LSN, or the last one whose commit timestamp is at or before
the requested time (`restore_point`). Timestamps are made non-decreasing along the
log (`CommitIndex`), so "every commit at or before T" is a prefix of the log.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

from sixfold.constants import V_SEGMENTS_COUNT


def backup_rank(segments: tuple[str, ...], pg: int, node: str) -> int:
    """`node`'s rank for shipping PG `pg` (0 ships; others stand by). The order rotates
    with the PG so that every node ships about a sixth of the PGs."""
    assert len(segments) == V_SEGMENTS_COUNT and node in segments
    return (segments.index(node) - pg) % len(segments)


def contiguous_end(ranges: list[tuple[int, int]]) -> int:
    """How far the (start, end] ranges reach contiguously from LSN 0."""
    reach = 0
    for start, end in sorted(ranges):
        if start > reach:
            break
        reach = max(reach, end)
    return reach


def first_gap(ranges: list[tuple[int, int]], upto: int) -> tuple[int, int] | None:
    """The first LSN range in (0, upto] that no range covers, as (after, until)."""
    reach = contiguous_end(ranges)
    if reach >= upto:
        return None
    later = [s for s, _e in ranges if s > reach]
    return reach, min([*later, upto])


def restorable_lsn(pg_count: int, ranges_by_pg: dict[int, list[tuple[int, int]]]) -> int:
    """The highest LSN below which the backup holds every record of PGs 0..pg_count-1."""
    if pg_count == 0:
        return 0
    return min(contiguous_end(ranges_by_pg.get(pg, [])) for pg in range(pg_count))


@dataclass
class RestorePoint:
    lsn: int  # a CPL: the restored volume ends with this mini-transaction
    commit_ts_us: int  # its commit timestamp


class CommitIndex:
    """The commits (CPL LSN, commit timestamp) the backup holds, in LSN order."""

    def __init__(self, cpls: list[tuple[int, int]]):
        # A commit's timestamp, as used here, is the highest of it and every earlier
        # commit's: a wall clock that stepped back must not reorder commits in time. A
        # commit whose own stamp is older was acknowledged after the earlier one was made.
        self.cpls, top = [], 0
        for lsn, ts in sorted(set(cpls)):
            top = max(top, ts)
            self.cpls.append((lsn, top))
        self._lsns = [c[0] for c in self.cpls]

    def window(self, restorable: int, floor: int = 0) -> tuple[RestorePoint, RestorePoint] | None:
        """(earliest, latest) restore points: commits in [floor, restorable]; None when
        there is none."""
        lo = bisect.bisect_left(self._lsns, floor)
        hi = bisect.bisect_right(self._lsns, restorable)
        if hi <= lo:
            return None
        return RestorePoint(*self.cpls[lo]), RestorePoint(*self.cpls[hi - 1])

    def restore_point(self, restorable: int, to_lsn: int | None = None, to_time_us: int | None = None,
                      floor: int = 0) -> RestorePoint:
        """The commit a restore lands on: the last at or below `to_lsn`, or the last at or
        before `to_time_us` (exactly one of them), within [floor, restorable]. ValueError,
        naming the window, when the point is outside it."""
        assert (to_lsn is None) != (to_time_us is None)
        w = self.window(restorable, floor)
        if w is None:
            raise ValueError("the backup holds no restorable commit yet")
        earliest, latest = w
        if to_lsn is not None:
            if to_lsn < earliest.lsn or to_lsn > restorable:
                raise ValueError(f"LSN {to_lsn} is outside the restorable window [{earliest.lsn}, {restorable}]")
            i = bisect.bisect_right(self._lsns, to_lsn) - 1
            return RestorePoint(*self.cpls[i])
        if to_time_us < earliest.commit_ts_us or to_time_us > latest.commit_ts_us:
            raise ValueError(f"time {to_time_us} us is outside the restorable window "
                             f"[{earliest.commit_ts_us}, {latest.commit_ts_us}] us")
        hi = bisect.bisect_right(self._lsns, latest.lsn)
        i = bisect.bisect_right([c[1] for c in self.cpls[:hi]], to_time_us) - 1
        assert i >= 0 and self.cpls[i][0] >= earliest.lsn
        return RestorePoint(*self.cpls[i])


@dataclass
class _Watch:
    claim: int = 0  # the highest coverage any lower-ranked segment has claimed
    since_s: float = 0.0  # when that claim last moved (or when we started watching)


@dataclass
class BackupOwnership:
    """Which PGs one node ships this pass. Fed each pass with every node's claims (what
    each says it has shipped, per PG) and the time; pure."""

    node: str
    takeover_s: float
    _watch: dict[int, _Watch] = field(default_factory=dict)

    def owns(self, pg: int, segments: tuple[str, ...], claims: dict[str, dict[int, int]], durable_lsn: int,
             now_s: float, covered: int | None = None) -> bool:
        """Whether this node should ship PG `pg` now. `claims[node][pg]` is how far
        `node` says the PG is shipped; `covered`, when the caller has it, is the highest
        of those. Called for every PG of the volume each pass: no allocation on the way."""
        n = len(segments)
        assert n == V_SEGMENTS_COUNT
        rank = (segments.index(self.node) - pg) % n  # backup_rank, inlined
        if covered is None:
            covered = max((c.get(pg, 0) for c in claims.values()), default=0)
        if rank == 0:
            return covered < durable_lsn
        claim = 0  # the highest claim of a lower-ranked segment: ranks r < rank sit at (pg + r) % n
        for r in range(rank):
            c = claims.get(segments[(pg + r) % n])
            if c:
                claim = max(claim, c.get(pg, 0))
        w = self._watch.get(pg)
        if w is None:
            self._watch[pg] = _Watch(claim, now_s)
            return False
        if claim > w.claim or covered >= durable_lsn:
            # Progress, or nothing to ship: the stall clock starts again from now.
            w.claim, w.since_s = claim, now_s
            return False
        return now_s - w.since_s >= rank * self.takeover_s


def covered_by_pg(claims: dict[str, dict[int, int]]) -> dict[int, int]:
    """pg -> the highest LSN any node claims to have shipped it to."""
    out: dict[int, int] = {}
    for c in claims.values():
        for pg, lsn in c.items():
            if lsn > out.get(pg, 0):
                out[pg] = lsn
    return out


def pg_restorable_floor(image_lsns: list[int], ranges: list[tuple[int, int]], top: int) -> int:
    """The lowest LSN from which every point up to `top` is restorable for one PG: a
    point P starts from the PG's newest image at or below P (an image at B covers
    (0, B]; without one, LSN 0) and needs the PG's ranges to reach P from there without
    a hole. Pruned objects leave holes below the window: walking down from the newest
    image, the floor is the lowest base whose reach meets the base above it. `top`
    + 1 when not even `top` is restorable."""
    bases = sorted(set(image_lsns) | {0}, reverse=True)
    floor, upper = top + 1, top
    for b in bases:
        if b > upper:
            continue  # an image above the top: points below it start from older bases
        if contiguous_end([(0, b)] + list(ranges)) < upper:
            break
        floor, upper = b, b - 1
    return floor


def prune_plan(blocks: list[tuple[str, dict[int, tuple[int, int]]]], images: dict[int, list[tuple[int, str]]],
               floor_lsn: int, keep_lsns: list[int] = ()) -> list[str]:
    """Keys of the backup objects no restore to a point at or above `floor_lsn`, or to one
    of `keep_lsns` (snapshots), needs.

    `blocks` are (key, {pg: (start, end]}) and `images` pg -> [(lsn, key)]. A restore to
    P starts each PG from its newest image at or below P (its base; none: the PG's log
    from LSN 0) and needs every block range of the PG that ends above the base, up to P,
    to prove coverage. For points at or above the floor the base only moves up, so what
    the floor needs covers them. A block goes only when no point needs any of its PGs'
    ranges; an image goes when it is older than its PG's base at the floor and is no
    snapshot's base. Pure: the caller lists, deletes and lives with concurrent writers
    (their objects are newer than the floor, so never in the plan)."""

    def bases(point: int) -> dict[int, int]:
        return {pg: max((lsn for lsn, _k in imgs if lsn <= point), default=0) for pg, imgs in images.items()}

    points = [floor_lsn] + sorted({p for p in keep_lsns if p < floor_lsn})
    base_at = {p: bases(p) for p in points}
    delete: list[str] = []
    for key, ranges in blocks:
        needed = False
        for pg, (start, end) in ranges.items():
            if end > base_at[floor_lsn].get(pg, 0):
                needed = True
            elif any(start < p and end > base_at[p].get(pg, 0) for p in points[1:]):
                needed = True
            if needed:
                break
        if not needed:
            delete.append(key)
    for pg, imgs in images.items():
        keep = {base_at[p].get(pg, 0) for p in points}
        delete += [key for lsn, key in imgs if lsn < base_at[floor_lsn].get(pg, 0) and lsn not in keep]
    return delete


__all__ = ["backup_rank", "contiguous_end", "first_gap", "restorable_lsn", "RestorePoint", "CommitIndex",
           "BackupOwnership", "covered_by_pg", "pg_restorable_floor", "prune_plan"]
