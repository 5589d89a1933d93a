"""`free_ports` never hands one port out twice in a process: two clusters set up before
either binds (a global database's regions) must not get the same port."""

from __future__ import annotations

from sixfold.supervisor import LISTEN_PORTS_MIN, _ephemeral_range, free_ports


def test_ports_are_distinct_across_calls_and_below_the_ephemeral_range():
    seen: list[int] = []
    for _ in range(200):
        seen += free_ports(10)  # none bound in between: each was free when picked
    assert len(set(seen)) == len(seen), "a port was handed out twice"
    lo, _hi = _ephemeral_range()
    if lo - LISTEN_PORTS_MIN >= 100:  # else (a kernel range starting low) the kernel picks them
        assert all(LISTEN_PORTS_MIN <= p < lo for p in seen)
