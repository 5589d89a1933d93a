"""Quorum math, in one place (after etcd's `quorum` package).

A protection group has V_SEGMENTS_COUNT segments. A write is complete when
W_QUORUM_COUNT of them hold it; recovery reads R_QUORUM_COUNT. Every site that asks
"do enough segments ...?" asks here, so a changed quorum changes everywhere at once.

Pure: callers pass what each segment acknowledged; nothing here knows about nodes
being up or down.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence

from sixfold.constants import R_QUORUM_COUNT, V_SEGMENTS_COUNT, W_QUORUM_COUNT


def committed_index(acked: Iterable[int], quorum: int = W_QUORUM_COUNT) -> int:
    """The highest index that at least `quorum` voters have acknowledged: the
    `quorum`-th highest of `acked` (one value per voter; a voter that acknowledged
    nothing is absent or -1). Returns -1 when fewer than `quorum` voters answered.

        committed_index([9, 7, 7, 5, 2, 1]) == 5     # four of six hold 5
    """
    assert 0 < quorum <= V_SEGMENTS_COUNT, quorum
    values = sorted((a for a in acked if a >= 0), reverse=True)
    return values[quorum - 1] if len(values) >= quorum else -1


def count_holding(voters: Sequence[str], holds: Callable[[str], bool]) -> int:
    """How many of `voters` satisfy `holds`."""
    return sum(1 for v in voters if holds(v))


def has_write_quorum(voters: Sequence[str], holds: Callable[[str], bool] | Collection[str]) -> bool:
    """Do at least W_QUORUM_COUNT of the PG's segments (`voters`) hold it? `holds` is a
    predicate or a collection of the voters that do."""
    return _count(voters, holds) >= W_QUORUM_COUNT


def has_read_quorum(voters: Sequence[str], holds: Callable[[str], bool] | Collection[str]) -> bool:
    """Do at least R_QUORUM_COUNT of the PG's segments answer? Any read quorum meets
    every write quorum (W + R > V), so it sees every complete write."""
    return _count(voters, holds) >= R_QUORUM_COUNT


def _count(voters: Sequence[str], holds) -> int:
    assert len(voters) == V_SEGMENTS_COUNT, voters
    if callable(holds):
        return count_holding(voters, holds)
    return sum(1 for v in voters if v in holds)


def peers_know_every_fence(placements: Iterable[Sequence[str]], me: str, answered: Collection[str]) -> bool:
    """Whether the peers of `me` that `answered` include, for every placement holding
    `me`, one that knows the newest epoch any recovery fenced. A recovery fences a write
    quorum of every PG before its writer appends; if `me` was among them and forgot (its
    disk was replaced), W-1 of its V-1 peers still know, so any V-W+1 peers include one.

        peers_know_every_fence([("a", "b", "c", "d", "e", "f")], "a", {"b", "c", "d"}) is True
    """
    need = V_SEGMENTS_COUNT - W_QUORUM_COUNT + 1
    return all(sum(1 for n in p if n != me and n in answered) >= need for p in placements if me in p)
