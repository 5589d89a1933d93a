"""The clock seam: time as the running event loop tells it.

Async code reads time through these two functions, never through `time` directly,
so the deterministic simulator's event loop (virtual time) drives it exactly as a
real loop drives production. Monotonic time is `loop.time()`; wall time (commit
timestamps) is the loop's `wall_us()` when it has one (the simulator's), else the
system clock.
"""

from __future__ import annotations

import asyncio
import time


def monotonic_s() -> float:
    """Seconds on the running loop's monotonic clock."""
    return asyncio.get_running_loop().time()


def wall_us() -> int:
    """Microseconds since the Unix epoch, as the running loop sees them (the system
    clock outside any loop)."""
    try:
        wall = getattr(asyncio.get_running_loop(), "wall_us", None)
    except RuntimeError:
        wall = None
    return wall() if wall is not None else time.time_ns() // 1000
