"""The buffer cache's memory of evicted pages' last changes stays bounded: it keeps
only what a pinned read point could still need. And, as a hypothesis state machine
against a model of the volume: whatever the order of changes, durability, pins,
reads, evictions and resets, a page it returns is the page as of the read point."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, precondition, rule

from compute_node.buffer_cache import TAIL_SWEEP_MIN_ENTRIES, BufferCache
from sixfold.constants import EVICT_PINNED_SKIPS_MAX, PAGE_SIZE_BYTES

IMG = bytes(PAGE_SIZE_BYTES)


def test_evicted_tails_are_forgotten_once_no_read_point_needs_them():
    cache = BufferCache(16 * PAGE_SIZE_BYTES)
    pages = 20 * TAIL_SWEEP_MIN_ENTRIES
    for lsn, page in enumerate(range(pages), start=1):
        # An old read point (1) is pinned: every evicted page's last change is remembered.
        cache.install_change(page, lsn, IMG, durable_lsn=lsn, min_read_lsn=1)
    assert cache.tail(pages // 2) == pages // 2 + 1  # evicted, remembered
    kept = len(cache._tail)
    assert kept > TAIL_SWEEP_MIN_ENTRIES
    # The read point is released: later installs forget what no read can need (a sweep
    # every as many installs as there are tails kept, so its cost is amortized).
    for lsn, page in enumerate(range(pages, pages + kept + 10), start=pages + 1):
        cache.install_change(page, lsn, IMG, durable_lsn=lsn, min_read_lsn=lsn)
        assert len(cache._tail) <= kept
    assert len(cache._tail) == 0


def test_a_stale_read_is_not_installed_over_a_newer_change():
    cache = BufferCache(16 * PAGE_SIZE_BYTES)
    cache.install_change(1, 10, IMG, durable_lsn=10, min_read_lsn=5)
    for p in range(2, 40):  # evict page 1
        cache.install_change(p, 10 + p, IMG, durable_lsn=10 + p, min_read_lsn=5)
    assert cache.get(1, None) is None and cache.tail(1) == 10
    cache.install_read(1, read_lsn=7, page_lsn=3, image=b"\1" * PAGE_SIZE_BYTES, durable_lsn=50, min_read_lsn=5)
    assert cache.get(1, None) is None  # changed at 10, after the read point 7: not its current content


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 40), st.integers(0, 60)), min_size=1, max_size=300))
def test_eviction_never_drops_a_pinned_page_and_stays_within_capacity(steps):
    """Installs of random pages with the durable point lagging 0-60 LSNs behind: a page
    whose last change is above the durable point is never evicted, and the cache is over
    its capacity only while everything it holds is pinned or an eviction pass met its
    bound of pinned pages (EVICT_PINNED_SKIPS_MAX: the next install's pass goes on)."""
    capacity_pages = 16
    cache = BufferCache(capacity_pages * PAGE_SIZE_BYTES)
    last_change: dict[int, int] = {}  # the model: page -> LSN of its last change
    cached_before: set[int] = set()
    for lsn, (page, lag) in enumerate(steps, start=1):
        durable = lsn - lag
        cache.install_change(page, lsn, IMG, durable_lsn=durable, min_read_lsn=lsn)
        last_change[page] = lsn
        cached = set(cache._pages)
        assert page in cached
        for p in cached_before - cached:
            assert last_change[p] <= durable, f"page {p} changed at {last_change[p]} > durable {durable}: evicted"
        if cache.bytes_used > cache.capacity_bytes:
            pinned = sum(1 for p in cached if last_change[p] > durable)
            assert pinned == len(cached) or pinned >= EVICT_PINNED_SKIPS_MAX, \
                f"over capacity with {pinned} pinned of {len(cached)} pages"
        cached_before = cached


# --- the cache against a model of the volume ---------------------------------------------

PAGES_COUNT = 24
# Mostly a few hot pages (so reads meet changes), sometimes any (so pages get evicted).
PAGE = st.one_of(st.integers(0, 3), st.integers(0, PAGES_COUNT - 1))


def _image(page: int, lsn: int) -> bytes:
    return page.to_bytes(4, "big") + lsn.to_bytes(4, "big") + bytes(PAGE_SIZE_BYTES - 8)


class CacheAgainstVolume(RuleBasedStateMachine):
    """The writer changes pages (each change becomes durable later), readers pin read
    points at the durable point and read pages, missing ones come from "storage" (the
    model) and are offered to the cache; a small capacity makes eviction constant; a
    reset clears the cache as a replica's does. Whatever the order, a page the cache
    returns at a read point is the page as of it, and the writer's view is the newest."""

    def __init__(self):
        super().__init__()
        self.cache = BufferCache(16 * PAGE_SIZE_BYTES)
        self.changes: dict[int, list[int]] = {p: [] for p in range(PAGES_COUNT)}  # page -> LSNs of its changes
        self.lsn = 0
        self.durable = 0
        self.pins: list[int] = []

    def min_read(self) -> int:
        return min(self.pins, default=self.durable)

    def last_change(self, page: int, at: int) -> int:
        return max((lsn for lsn in self.changes[page] if lsn <= at), default=0)

    @rule(page=PAGE)
    def change(self, page):
        self.lsn += 1
        self.changes[page].append(self.lsn)
        self.cache.install_change(page, self.lsn, _image(page, self.lsn), self.durable, self.min_read())

    @rule(k=st.integers(1, 8))
    def durable_moves(self, k):
        self.durable = min(self.lsn, self.durable + k)

    @rule()
    def pin(self):
        self.pins.append(self.durable)

    @precondition(lambda self: self.pins)
    @rule(i=st.integers(0, 100))
    def unpin(self, i):
        self.pins.pop(i % len(self.pins))

    @precondition(lambda self: self.pins)
    @rule(i=st.integers(0, 100), page=PAGE)
    def read_at_a_read_point(self, i, page):
        at = self.pins[i % len(self.pins)]
        expected = _image(page, self.last_change(page, at))
        got = self.cache.get(page, at)
        if got is not None:
            assert got == expected, f"page {page} at {at}: the cache gave another version"
            return
        self.cache.install_read(page, at, self.last_change(page, at), expected, self.durable, self.min_read())

    @rule(page=PAGE)
    def writer_reads(self, page):
        newest = self.last_change(page, self.lsn)
        got = self.cache.get(page, None)
        if got is not None:
            assert got == _image(page, newest), f"page {page}: the writer's view is not the newest"
            return
        assert newest <= self.durable, f"page {page} changed at {newest} above durable {self.durable}: evicted"
        self.cache.install_read(page, self.durable, newest, _image(page, newest), self.durable, self.min_read())

    @rule()
    def reset(self):
        self.durable = self.lsn  # a replica starting over at the writer's VDL: all of it applied
        self.cache.clear(self.durable)


CacheAgainstVolume.TestCase.settings = settings(max_examples=1000, stateful_step_count=50, deadline=None)
test_cache_against_volume = CacheAgainstVolume.TestCase


def test_a_transaction_larger_than_the_cache_is_installed_without_rescanning_it():
    """Pinned pages (not durable yet) cannot be evicted. Once they filled the cache, every
    install used to step over all of them looking for a victim: quadratic in the
    transaction's pages (8,000 pinned pages over a 1,000-page cache took 6.6 s, `pgbench
    -i` at scale 100 timed the writer out). Now a pass steps over a bounded number, the
    cache runs over its capacity by the pinned pages, and comes back once they are durable."""
    from collections import OrderedDict

    from sixfold.constants import EVICT_PINNED_SKIPS_MAX

    class CountingLru(OrderedDict):
        moves = 0

        def move_to_end(self, key, last=True):
            CountingLru.moves += 1
            super().move_to_end(key, last)

    cache = BufferCache(capacity_bytes=16 * PAGE_SIZE_BYTES)
    cache._pages = CountingLru()
    image = bytes(PAGE_SIZE_BYTES)
    n = 400
    for page in range(n):
        cache.install_change(page, page + 1, image, durable_lsn=0, min_read_lsn=0)
    assert cache.bytes_used == n * PAGE_SIZE_BYTES  # all pinned: nothing could go
    assert CountingLru.moves <= n * (1 + EVICT_PINNED_SKIPS_MAX), CountingLru.moves  # about n*n/2 before
    cache.install_change(n, n + 1, image, durable_lsn=n + 1, min_read_lsn=0)
    assert cache.bytes_used <= cache.capacity_bytes
