"""Read-ahead in the VFS's access layer (`VolumeAccess.page`), with a fake storage read
(a pure unit test: no network). A miss right after a miss of the page before it reads
the next pages along, all at once, up to READ_AHEAD_PAGES_MAX, within the file, and
stops at a page already cached; a lone miss reads one page; a page read ahead that
failed is not cached (it is read again when needed), and the page asked for fails
with its own error."""

from __future__ import annotations

import pytest

from compute_node.buffer_cache import BufferCache
from compute_node.vfs import VolumeAccess
from sixfold.constants import PAGE_SIZE_BYTES, READ_AHEAD_PAGES_MAX
from sixfold.errors import QuorumUnavailable

VDL = 50


def image(page: int) -> bytes:
    return page.to_bytes(4, "big") * (PAGE_SIZE_BYTES // 4)


class Storage:
    def __init__(self, failing: set[int] = frozenset()):
        self.single: list[int] = []
        self.batches: list[list[int]] = []
        self.failing = failing

    def read_one(self, page: int, lsn: int):
        if page in self.failing:
            raise QuorumUnavailable(f"page {page}: no segment could serve it")
        return image(page), min(page, lsn)

    def read(self, page: int, lsn: int):
        self.single.append(page)
        return self.read_one(page, lsn)

    def read_many(self, pages: list[int], lsn: int):
        self.batches.append(list(pages))
        out = []
        for p in pages:
            try:
                out.append(self.read_one(p, lsn))
            except QuorumUnavailable as e:
                out.append(e)
        return out


def access(storage: Storage) -> VolumeAccess:
    return VolumeAccess(BufferCache(1024 * PAGE_SIZE_BYTES), storage.read, lambda *a: None, lambda: VDL,
                        lambda: VDL, lambda: VDL, lambda lsn: None, read_storage_many=storage.read_many)


def test_a_sequential_miss_reads_the_next_pages_at_once():
    st = Storage()
    a = access(st)
    assert a.page(10, None, 1000) == image(10) and st.single == [10]  # a lone miss: one page
    assert a.page(11, None, 1000) == image(11)
    assert st.batches == [list(range(11, 12 + READ_AHEAD_PAGES_MAX))]
    for p in range(12, 12 + READ_AHEAD_PAGES_MAX):
        assert a.page(p, None, 1000) == image(p)  # cached: no read
    assert len(st.batches) == 1 and st.single == [10]
    a.page(12 + READ_AHEAD_PAGES_MAX, None, 1000)  # the scan goes on: the next batch
    assert len(st.batches) == 2 and st.batches[1][0] == 12 + READ_AHEAD_PAGES_MAX


def test_read_ahead_stays_in_the_file_and_stops_at_a_cached_page():
    st = Storage()
    a = access(st)
    a.page(5, None, 1000)  # cached
    a.page(1, None, 8)
    a.page(2, None, 8)
    assert st.batches == [[2, 3, 4]], "read past a cached page"
    a.page(6, None, 8)
    a.page(7, None, 8)
    assert st.batches[-1] == [7, 8], "read past the file's last page"
    a.page(9, None, 8)  # SQLite never asks past the end; were it to, nothing is read along
    assert len(st.batches) == 2 and st.single[-1] == 9
    a.page(20, None, 0)
    a.page(21, None, 0)  # no limit given: no read-ahead
    assert st.single[-2:] == [20, 21]


def test_a_failed_read_ahead_page_is_not_cached_and_the_asked_page_fails_alone():
    st = Storage(failing={3})
    a = access(st)
    a.page(1, None, 100)
    assert a.page(2, None, 100) == image(2)
    assert a.cache.get(3, None) is None and a.cache.get(4, None) == image(4)
    with pytest.raises(QuorumUnavailable):
        a.page(3, None, 100)
