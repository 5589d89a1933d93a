"""The compute node's LSN-aware buffer cache, bounded in bytes.

For each page it keeps a contiguous run of versions [(valid_from_lsn, image), ...]:
each version is the page from its LSN until the next version's LSN, and the newest
is the page's current content. Every change the writer ships is installed here
(so the run stays contiguous); a page read from storage at read point R is
installed only if the page has not changed after R. A read at R hits when R is at
or above the oldest version's LSN.

Versions above VDL (not yet durable) are pinned: the writer's own view needs them
and storage cannot serve them yet. Eviction drops least recently used pages, then
versions no read point can see. While pinned pages alone fill the cache (a transaction
larger than it, in flight), the cache runs over its capacity by them: LAL bounds them.
Thread-safe: SQL threads and the writer share it.

A cached page's last change is its newest version. An evicted page's last change is
remembered only while some read point could still be older than it (LSN above the
minimum read point): at or below it, every read is at or above the change anyway. So
that memory is bounded by the pages changed, and evicted, since the oldest read point.
"""

from __future__ import annotations

import threading
from bisect import bisect_right
from collections import OrderedDict

from sixfold.constants import BUFFER_CACHE_BYTES_MAX, EVICT_PINNED_SKIPS_MAX, PAGE_SIZE_BYTES

TAIL_SWEEP_MIN_ENTRIES = 1024


class BufferCache:
    def __init__(self, capacity_bytes: int = BUFFER_CACHE_BYTES_MAX):
        assert capacity_bytes >= 16 * PAGE_SIZE_BYTES
        self.capacity_bytes = capacity_bytes
        self._lock = threading.Lock()
        self._pages: OrderedDict[int, list[tuple[int, bytes]]] = OrderedDict()  # LRU order
        # Evicted page -> LSN of its last change known to this writer, while above the
        # minimum read point (see the module docstring).
        self._tail: dict[int, int] = {}
        self._installs_since_sweep = 0  # old tails are forgotten every max(1024, len(_tail)) installs
        # Reads from storage at a read point below this are not installed: the cache was
        # cleared there and no longer knows which pages changed since (see `clear`).
        self._install_floor_lsn = 0
        self._bytes = 0
        self.hits = self.misses = self.evictions = 0

    def get(self, page: int, read_lsn: int | None) -> bytes | None:
        """The page as of `read_lsn` (None: the newest version), or None on a miss."""
        with self._lock:
            versions = self._pages.get(page)
            if versions is None:
                self.misses += 1
                return None
            if read_lsn is None:
                image = versions[-1][1]
            else:
                i = bisect_right(versions, read_lsn, key=lambda v: v[0]) - 1
                if i < 0:
                    self.misses += 1
                    return None
                image = versions[i][1]
            self._pages.move_to_end(page)
            self.hits += 1
            return image

    def tail(self, page: int) -> int:
        """LSN of the page's last change this writer knows (0, or at most the minimum read
        point, when it changed before or long ago)."""
        with self._lock:
            return self._tail_of(page)

    def _tail_of(self, page: int) -> int:
        versions = self._pages.get(page)
        return versions[-1][0] if versions else self._tail.get(page, 0)

    def install_change(self, page: int, lsn: int, image: bytes, durable_lsn: int, min_read_lsn: int) -> None:
        """The writer shipped a change of `page` at `lsn`: it is the newest version."""
        assert len(image) == PAGE_SIZE_BYTES
        with self._lock:
            assert lsn > self._tail_of(page), (page, lsn)
            self._tail.pop(page, None)
            versions = self._pages.setdefault(page, [])
            versions.append((lsn, bytes(image)))
            self._bytes += PAGE_SIZE_BYTES
            self._pages.move_to_end(page)
            self._trim_versions(page, min_read_lsn)
            self._evict(durable_lsn, min_read_lsn)

    def apply_change(self, page: int, lsn: int, apply, durable_lsn: int, min_read_lsn: int) -> bool:
        """A replica learned of a change of `page` at `lsn`. If the page is cached, its
        newest image goes through `apply(bytearray)` and becomes the version at `lsn`
        (True); if not, the change is only remembered, so a read at an older read point
        is not installed as the page's current content (False). One step under the
        lock: a reader installing the page meanwhile cannot slip between the two."""
        with self._lock:
            versions = self._pages.get(page)
            if versions is None:
                if lsn > min_read_lsn and lsn > self._tail.get(page, 0):
                    self._tail[page] = lsn
                return False
            assert lsn > versions[-1][0], (page, lsn)
            image = bytearray(versions[-1][1])
            apply(image)
            versions.append((lsn, bytes(image)))
            self._bytes += PAGE_SIZE_BYTES
            self._pages.move_to_end(page)
            self._trim_versions(page, min_read_lsn)
            self._evict(durable_lsn, min_read_lsn)
            return True

    def clear(self, floor_lsn: int) -> None:
        """Forget everything (a replica that lost its place in the redo stream and starts
        over at `floor_lsn`). What changed below that point is forgotten too, so a page
        read at an older read point (a transaction still open) is not installed: it
        could be older than the page's current content, and become it."""
        with self._lock:
            self._pages.clear()
            self._tail.clear()
            self._bytes = 0
            self._install_floor_lsn = max(self._install_floor_lsn, floor_lsn)

    def install_read(self, page: int, read_lsn: int, page_lsn: int, image: bytes, durable_lsn: int,
                     min_read_lsn: int) -> None:
        """A page read from storage at `read_lsn` (its last change at `page_lsn`). Kept
        only if it is the page's current content, which keeps every run contiguous."""
        assert len(image) == PAGE_SIZE_BYTES and page_lsn <= read_lsn
        with self._lock:
            if page in self._pages or self._tail.get(page, 0) > read_lsn or read_lsn < self._install_floor_lsn:
                return  # cached already, or (maybe) changed after the read point: not its current content
            self._pages[page] = [(page_lsn, bytes(image))]
            self._bytes += PAGE_SIZE_BYTES
            self._evict(durable_lsn, min_read_lsn)

    def _trim_versions(self, page: int, min_read_lsn: int) -> None:
        """Drop versions no read point can see: all but the newest at or below min_read_lsn."""
        versions = self._pages[page]
        i = bisect_right(versions, min_read_lsn, key=lambda v: v[0]) - 1
        if i > 0:
            del versions[:i]
            self._bytes -= i * PAGE_SIZE_BYTES

    def _evict(self, durable_lsn: int, min_read_lsn: int) -> None:
        self._installs_since_sweep += 1
        if self._installs_since_sweep >= max(TAIL_SWEEP_MIN_ENTRIES, len(self._tail)):  # amortized O(1)
            self._installs_since_sweep = 0
            for p in [p for p, lsn in self._tail.items() if lsn <= min_read_lsn]:
                del self._tail[p]
        # From the least recently used end, without copying the LRU order: a full cache
        # evicts on every install, and a copy of 65,536 keys per install made a bulk load
        # past the cache's size ten times slower. A pinned page goes to the recent end
        # (it was just written); after EVICT_PINNED_SKIPS_MAX of them the pass stops, the
        # cache over its capacity until the next install's pass.
        skips = 0
        while self._bytes > self.capacity_bytes and skips < min(len(self._pages), EVICT_PINNED_SKIPS_MAX):
            page, versions = next(iter(self._pages.items()))
            if versions[-1][0] > durable_lsn:
                self._pages.move_to_end(page)  # pinned: not durable yet, storage cannot serve it
                skips += 1
                continue
            del self._pages[page]
            if versions[-1][0] > min_read_lsn:
                self._tail[page] = versions[-1][0]
            self._bytes -= len(versions) * PAGE_SIZE_BYTES
            self.evictions += 1

    @property
    def bytes_used(self) -> int:
        return self._bytes
