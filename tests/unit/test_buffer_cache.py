"""The buffer cache's memory of evicted pages' last changes stays bounded: it keeps
only what a pinned read point could still need."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from compute_node.buffer_cache import TAIL_SWEEP_MIN_ENTRIES, BufferCache
from sixfold.constants import PAGE_SIZE_BYTES

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
    its capacity only while everything it holds is pinned."""
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
            assert all(last_change[p] > durable for p in cached), "over capacity while holding evictable pages"
        cached_before = cached
