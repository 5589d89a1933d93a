"""What a chaos run's history says about availability: pure functions over ops and faults.

The consistency checkers say whether anything went wrong; these say whether the
database kept working. Times are seconds since the run began (the histories and the
fault log share that origin).

* `commit_buckets`: per second, how many write transactions were acknowledged, refused
  or left in doubt.
* `window_availability`: over a fault's window, the share of seconds in which at least
  one commit was acknowledged, and the mean share of commit attempts that succeeded.
* `resume_gaps`: after a moment that must end an outage (a storage node of a stalled
  quorum answering again, the end of the run's faults), how long until the next commit
  was acknowledged. A gap above the bound is a liveness anomaly: the write-quorum stall
  was one.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from sixfold.workloads.base import FAIL, INFO, OK, Op

READ_FUNCTIONS = frozenset({"r", "read", "rread"})


def is_write(op: Op) -> bool:
    """The op asked for a commit of something (any micro-op that is not a read)."""
    return any(m[0] not in READ_FUNCTIONS for m in op.value)


@dataclass
class Bucket:
    ok: int = 0
    fail: int = 0
    info: int = 0

    @property
    def attempts(self) -> int:
        return self.ok + self.fail + self.info


def commit_buckets(ops: Iterable[tuple[float, Op]]) -> dict[int, Bucket]:
    """Write ops by the second (of the run) in which they completed; `ops` are
    (offset_s, op) pairs, offset_s being the op's history's start in the run."""
    out: dict[int, Bucket] = {}
    for offset_s, op in ops:
        if op.end is None or op.type not in (OK, FAIL, INFO) or not is_write(op):
            continue
        b = out.setdefault(int(math.floor(op.end + offset_s)), Bucket())
        setattr(b, op.type, getattr(b, op.type) + 1)
    return out


def window_availability(buckets: dict[int, Bucket], start_s: float, end_s: float) -> dict:
    """Availability over whole seconds inside [start_s, end_s)."""
    seconds = list(range(int(math.ceil(start_s)), int(math.floor(end_s))))
    if not seconds:
        return {"seconds": 0, "seconds_with_commits": 0, "commit_seconds_fraction": None,
                "success_fraction_mean": None, "per_second": []}
    per = [buckets.get(s, Bucket()) for s in seconds]
    with_ok = sum(b.ok > 0 for b in per)
    fractions = [b.ok / b.attempts if b.attempts else 0.0 for b in per]
    return {
        "seconds": len(seconds),
        "seconds_with_commits": with_ok,
        "commit_seconds_fraction": round(with_ok / len(seconds), 3),
        "success_fraction_mean": round(sum(fractions) / len(fractions), 3),
        "per_second": [{"t": s, "ok": b.ok, "fail": b.fail, "info": b.info} for s, b in zip(seconds, per)],
    }


def first_commit_after(ops: Iterable[tuple[float, Op]], t: float) -> float | None:
    """The earliest completion time after `t` of an acknowledged write; `ops` are
    (offset_s, op) pairs."""
    best = None
    for offset, op in ops:
        if op.type == OK and op.end is not None and is_write(op):
            end = op.end + offset
            if end >= t and (best is None or end < best):
                best = end
    return best


def resume_gaps(ops: list[tuple[float, Op]], moments: list[tuple[str, float]], bound_s: float,
                run_end_s: float) -> tuple[list[dict], list[str]]:
    """For each (label, t) in `moments`, the time until the next acknowledged commit.
    Returns the measurements and an anomaly line for each gap over `bound_s` (a moment
    with no commit after it before `run_end_s` counts as a gap to the end)."""
    rows, anomalies = [], []
    for label, t in moments:
        nxt = first_commit_after(ops, t)
        gap = (nxt if nxt is not None else run_end_s) - t
        rows.append({"moment": label, "t": round(t, 3), "resumed_after_s": None if nxt is None else round(gap, 3)})
        if gap > bound_s:
            what = f"no commit for {gap:.1f} s" if nxt is not None else f"no commit in the {gap:.1f} s left"
            anomalies.append(f"{label} at {t:.1f}s: {what} (bound {bound_s:.0f} s)")
    return rows, anomalies
