"""What a checker reports: anomalies with their evidence, and the verdict.

Pure data and formatting; shared by every checker so that a test, a chaos run and a
benchmark print failures the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sixfold.workloads.base import Op

# Anomaly kinds, weakest guarantee that forbids them first (Adya's names, Elle's spelling).
G0 = "G0"  # write cycle: ww edges only (dirty write)
G1A = "G1a"  # aborted read: saw what a failed transaction wrote
G1B = "G1b"  # intermediate read: saw a transaction's write that it later overwrote
G1C = "G1c"  # circular information flow: a cycle of ww and wr edges
G_SINGLE = "G-single"  # a cycle with exactly one rw edge (read skew, lost update, ...)
G2 = "G2"  # a cycle with more than one rw edge (write skew)
LOST_UPDATE = "lost-update"  # two committed transactions read one version of a key and both wrote it
INTERNAL = "internal"  # a read inside a transaction that is not its earlier read plus its own writes
DUPLICATE = "duplicate-elements"  # a list holding one element twice
INCOMPATIBLE_ORDER = "incompatible-order"  # two reads of a key neither of which is a prefix of the other
GARBAGE = "garbage-read"  # an element nobody appended

KINDS = (G0, G1A, G1B, G1C, G_SINGLE, G2, LOST_UPDATE, INTERNAL, DUPLICATE, INCOMPATIBLE_ORDER, GARBAGE)
# What each isolation level forbids. Read committed allows every anomaly that needs an
# rw edge and rereads that see new commits; snapshot isolation allows write skew (G2) only.
READ_COMMITTED_FORBIDS = frozenset({G0, G1A, G1B, G1C, DUPLICATE, INCOMPATIBLE_ORDER, GARBAGE})
SNAPSHOT_ISOLATION_FORBIDS = frozenset(KINDS) - {G2}
SERIALIZABLE_FORBIDS = frozenset(KINDS)
FORBIDDEN_BY_LEVEL = {"read committed": READ_COMMITTED_FORBIDS, "repeatable read": SNAPSHOT_ISOLATION_FORBIDS,
                      "serializable": SERIALIZABLE_FORBIDS}


@dataclass(frozen=True)
class Edge:
    """A dependency between two committed transactions, with why it was inferred."""

    src: int
    dst: int
    kind: str  # "ww", "wr" or "rw"
    key: int
    why: str

    def arrow(self) -> str:
        return f"-{self.kind}(k{self.key})->"


@dataclass
class Anomaly:
    kind: str
    summary: str
    ops: list[Op] = field(default_factory=list)  # the transactions involved
    cycle: list[Edge] = field(default_factory=list)  # for cycle anomalies, in order

    def render(self) -> str:
        lines = [f"{self.kind}: {self.summary}"]
        if self.cycle:
            path = " ".join(f"T{e.src} {e.arrow()}" for e in self.cycle) + f" T{self.cycle[0].src}"
            lines.append(f"  cycle: {path}")
            lines += [f"    T{e.src} {e.arrow()} T{e.dst}: {e.why}" for e in self.cycle]
        lines += [f"  {op.describe()}" for op in self.ops]
        return "\n".join(lines)


@dataclass
class CheckResult:
    """The verdict: `valid` when no anomaly of a forbidden kind was found."""

    forbidden: frozenset[str]
    anomalies: dict[str, list[Anomaly]] = field(default_factory=dict)
    stats: dict[str, int] = field(default_factory=dict)
    truncated: set[str] = field(default_factory=set)  # kinds whose search stopped at its bound

    def add(self, anomaly: Anomaly) -> None:
        self.anomalies.setdefault(anomaly.kind, []).append(anomaly)

    @property
    def counts(self) -> dict[str, int]:
        return {k: len(v) for k, v in self.anomalies.items() if v}

    @property
    def found(self) -> dict[str, int]:
        """Counts of the forbidden kinds only."""
        return {k: n for k, n in self.counts.items() if k in self.forbidden}

    @property
    def valid(self) -> bool:
        return not self.found

    def render(self, per_kind_max: int = 3) -> str:
        """A readable report: the figures, then a few examples of each kind."""
        head = ", ".join(f"{k}={v}" for k, v in sorted(self.stats.items()))
        counts = ", ".join(f"{k}: {n}{'+' if k in self.truncated else ''}" for k, n in self.counts.items())
        lines = [f"{'valid' if self.valid else 'INVALID'} ({head}); anomalies: {counts or 'none'}"]
        for kind in KINDS:
            found = self.anomalies.get(kind, [])
            for a in found[:per_kind_max]:
                lines.append(a.render())
            if len(found) > per_kind_max:
                lines.append(f"... and {len(found) - per_kind_max} more {kind}")
        return "\n".join(lines)
