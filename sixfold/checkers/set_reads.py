"""Two small checkers (pure): the set workload's and per-session monotonic reads.

Set: clients add unique elements (``("add", e)``) and read the whole set on the writer
(``("read", [elements])``) or on a replica (``("rread", [elements])``). Anomalies:

* lost: an add acknowledged (ok) is missing from the final read;
* phantom: an add that failed is in some read or the final read;
* unknown: a read holds an element nobody tried to add;
* late: a read that began after an add was acknowledged does not hold it (stale read,
  through a path that promises read-after-write: the writer endpoint);
* duplicate: a read holds an element twice;
* read-then-lost: a read (writer or replica) showed an element the final read lacks:
  either what was read had not committed (a replica reading ahead of the durable
  point) or a commit was lost. An add in doubt may be absent, but not once read.

Monotonic reads: each session reads a counter that only grows (``("read", n)``);
a session that reads a smaller value than it read before went back in time
(``went-back``), a value above any the writer ever wrote is ``from-the-future``, and
a value read before the only committed increment that produced it began is
``read-before-commit`` (the read saw an increment that was later lost).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sixfold.workloads.base import FAIL, OK, History, Op


@dataclass
class Result:
    name: str
    valid: bool
    anomalies: dict[str, list[str]] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)

    def render(self, per_kind_max: int = 5) -> str:
        head = "valid" if self.valid else "anomalies found: " + ", ".join(
            f"{k} x{len(v)}" for k, v in sorted(self.anomalies.items()))
        lines = [f"{self.name}: {head} ({', '.join(f'{k} {v}' for k, v in self.counts.items())})"]
        for kind, items in sorted(self.anomalies.items()):
            lines += [f"  {kind}: {x}" for x in items[:per_kind_max]]
        return "\n".join(lines)


def _result(name: str, out: dict[str, list[str]], counts: dict[str, int]) -> Result:
    return Result(name, not out, out, counts)


def check_set(history: History, final: list[int] | None, read_after_write: bool = True) -> Result:
    """`final`: the set's elements read after the run (None: check the reads only)."""
    out: dict[str, list[str]] = {}
    adds: dict[int, object] = {}
    for op in history:
        for m in op.value:
            if m[0] == "add":
                adds[m[1]] = op
    acked_at = {e: op.end for e, op in adds.items() if op.type == OK}
    failed = {e for e, op in adds.items() if op.type == FAIL}
    reads = 0
    seen_by: dict[int, Op] = {}  # element -> a read that saw it
    for op in history:
        if op.type != OK or op.value[0][0] not in ("read", "rread"):
            continue
        reads += 1
        seen = op.value[0][1]
        for e in seen:
            seen_by.setdefault(e, op)
        counts = Counter(seen)
        for e, n in counts.items():
            if n > 1:
                out.setdefault("duplicate", []).append(f"{op.describe()[:120]} holds {e} {n} times")
            if e in failed:
                out.setdefault("phantom", []).append(f"{adds[e].describe()} failed but {op.describe()[:80]} saw it")
            elif e not in adds:
                out.setdefault("unknown", []).append(f"{op.describe()[:80]} saw {e}, never added")
        if read_after_write and op.value[0][0] == "read":  # a replica (rread) may lag
            present = set(counts)
            for e, t in acked_at.items():
                if t is not None and t < op.start and e not in present:
                    out.setdefault("late", []).append(f"{adds[e].describe()} was acknowledged before "
                                                      f"T{op.index} began at {op.start:.3f}s, which misses it")
    if final is not None:
        present = set(final)
        for e in sorted(acked_at):
            if e not in present:
                out.setdefault("lost", []).append(f"{adds[e].describe()} was acknowledged but is not in the set")
        for e in sorted(failed & present):
            out.setdefault("phantom", []).append(f"{adds[e].describe()} failed but is in the set")
        for e in sorted(set(seen_by) - present - failed):  # a read showed it, so it had committed
            out.setdefault("read-then-lost", []).append(
                f"{seen_by[e].describe()[:100]} saw {e}, which is not in the final set "
                f"(its add: {adds[e].type if e in adds else 'never made'})")
    return _result("set", out, {"adds ok": len(acked_at), "adds failed": len(failed), "reads": reads})


def check_monotonic(history: History, written_max: int | None) -> Result:
    """Per session (process), the values read never go down; none exceeds
    `written_max` (the highest value the writer committed or tried to)."""
    out: dict[str, list[str]] = {}
    last: dict[int, tuple[int, object]] = {}
    reads = 0
    # Committed increments produce 1, 2, 3, ... once each: the ok one that returned v is
    # v's only producer, so a read of v that ended before that op even began saw a
    # state that never committed (an increment later lost: read ahead of the durable point).
    producer = {op.value[0][1]: op for op in history if op.type == OK and op.value[0][0] == "inc"}
    for op in sorted(history, key=lambda o: (o.process, o.start)):
        if op.type != OK or op.value[0][0] != "read":
            continue
        reads += 1
        value = op.value[0][1]
        made = producer.get(value)
        if made is not None and op.end is not None and made.start > op.end:
            out.setdefault("read-before-commit", []).append(
                f"{op.describe()} read {value}, which only {made.describe()} (begun later) committed")
        prev = last.get(op.process)
        if prev is not None and value < prev[0]:
            out.setdefault("went-back", []).append(
                f"session {op.process} read {value} after reading {prev[0]} ({prev[1].describe()} then {op.describe()})")
        if written_max is not None and value > written_max:
            out.setdefault("from-the-future", []).append(f"{op.describe()} read {value}, above {written_max}")
        last[op.process] = (max(value, prev[0]) if prev else value, op)
    return _result("monotonic-reads", out, {"reads": reads, "sessions": len(last)})
