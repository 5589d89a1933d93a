"""The read points a compute node's SQL sessions hold (thread-safe): storage keeps the
page versions they need. One registry per node, shared by whatever serves the reads
(the writer's volume client or a replica's view), so the pins of open transactions
survive a promotion."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable


class ReadPoints:
    def __init__(self) -> None:
        self._pins: Counter[int] = Counter()
        self._lock = threading.Lock()

    def pin(self, current: Callable[[], int]) -> int:
        """Pin the read point `current()` gives (VDL, or a replica's read point: never
        decreasing), read under the lock. Read before it, a pin could land below an
        `oldest()` that another thread computed meanwhile from a newer value (no pin
        yet): the cache would forget what that read point needs, storage would collect it."""
        with self._lock:
            lsn = current()
            self._pins[lsn] += 1
        return lsn

    def unpin(self, lsn: int) -> None:
        with self._lock:
            self._pins[lsn] -= 1
            if self._pins[lsn] <= 0:
                del self._pins[lsn]

    def oldest(self, default: int) -> int:
        """The oldest pinned read point, or `default` when none is."""
        with self._lock:
            return min(self._pins, default=default)
