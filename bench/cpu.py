"""CPU seconds of process trees, from Linux /proc (utime+stime+cutime+cstime).

A tree's CPU = what its live processes used + what their reaped children used (the
c* fields): PostgreSQL's backends exit when pgbench disconnects, and the postmaster,
having reaped them, carries their CPU in its cutime+cstime."""

from __future__ import annotations

import os
from pathlib import Path

TICK = os.sysconf("SC_CLK_TCK")


def parse_stat(text: str) -> tuple[int, list[int]]:
    """(ppid, [utime, stime, cutime, cstime] in ticks) of a /proc/PID/stat line."""
    f = text.rsplit(")", 1)[1].split()
    return int(f[1]), [int(x) for x in f[11:15]]


def _stats() -> dict[int, tuple[int, list[int]]]:
    out = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                out[int(d)] = parse_stat(Path(f"/proc/{d}/stat").read_text())
            except (OSError, ValueError, IndexError):
                pass  # gone meanwhile
    return out


def tree_ticks(roots: list[int], stats: dict[int, tuple[int, list[int]]]) -> int:
    """Ticks of `roots` and all their live descendants (each: u+s+cu+cs)."""
    kids: dict[int, list[int]] = {}
    for pid, (ppid, _) in stats.items():
        kids.setdefault(ppid, []).append(pid)
    seen, todo, total = set(), [r for r in roots if r in stats], 0
    while todo:
        pid = todo.pop()
        if pid in seen:
            continue
        seen.add(pid)
        total += sum(stats[pid][1])
        todo += kids.get(pid, [])
    return total


def trees_cpu_s(groups: dict[str, list[int]]) -> dict[str, float]:
    """CPU seconds so far of each named group of root pids (one /proc scan for all)."""
    stats = _stats()
    return {name: tree_ticks(roots, stats) / TICK for name, roots in groups.items()}


def machine_busy_s() -> float:
    """CPU seconds the whole machine was busy so far (all but idle and iowait)."""
    fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    return (sum(map(int, fields)) - int(fields[3]) - int(fields[4])) / TICK
