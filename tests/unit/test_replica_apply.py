"""The replica's apply rules on hand-made redo batches (no network, no storage):
records apply only once the VDL passes them, and then all of a commit at once; a
cached page gets each change, an uncached one only the note that it changed; the
read point never goes back and never passes what was received; a stream with a gap,
or from a writer behind this replica, is refused."""

from __future__ import annotations

import asyncio

import pytest

from compute_node.buffer_cache import BufferCache
from compute_node.replica import ReplicaVolume
from sixfold.constants import PAGE_SIZE_BYTES
from sixfold.core.records import KIND_DELTA, LogRecord, encode_delta, encode_record, peek_header
from sixfold.errors import InvalidMessage, ReplicaNotReady
from sixfold.rpc import compute_pb2 as cpb
from sixfold.rpc import storage_pb2 as pb
from sixfold.spec import local_spec

SPEC = local_spec(7000, pg_pages=16)


def rec(lsn: int, page: int, byte: int, cpl: bool = False) -> bytes:
    return encode_record(LogRecord(lsn, page // 16, page, lsn - 1, 0, KIND_DELTA, cpl, 1, 1_000 * lsn if cpl else 0,
                                   encode_delta([(0, bytes([byte]))])))


@pytest.fixture
def replica():
    async def make():
        return ReplicaVolume(SPEC, "db-2", BufferCache(64 * PAGE_SIZE_BYTES))
    return asyncio.run(make())


def start(r: ReplicaVolume, at: int, writer: str = "db-1", epoch: int = 1, reset: bool = True) -> None:
    asyncio.run(r._start(writer, cpb.RedoBatch(epoch=epoch, vdl=at, start_lsn=at, reset=reset,
                                               pg_tails=[cpb.PgTail(pg=0, lsn=at)] if at else [])))


def test_records_apply_at_the_vdl_and_whole_commits_only(replica):
    r = replica
    start(r, 0)
    r.cache.install_read(3, 0, 0, bytes(PAGE_SIZE_BYTES), 0, 0)  # page 3 is cached, page 5 is not
    r._apply_batch(cpb.RedoBatch(vdl=0, records=[rec(1, 3, 7), rec(2, 5, 8, cpl=True)]))
    assert r.read_point == 0 and r.cache.get(3, None)[0] == 0  # not durable yet: nothing applied
    r._apply_batch(cpb.RedoBatch(vdl=2, records=[rec(3, 3, 9)]))
    assert r.read_point == 2  # the commit (1, 2) is visible as a whole; record 3 waits
    assert r.cache.get(3, 2)[0] == 7 and r.cache.get(3, 0)[0] == 0  # versions at both read points
    assert r.cache.get(5, None) is None and r.cache.tail(5) == 2  # not cached: only noted
    r._apply_batch(cpb.RedoBatch(vdl=4, records=[rec(4, 3, 10, cpl=True)]))
    assert r.read_point == 4 and r.cache.get(3, None)[0] == 10
    assert r.read_point_ts_us == 4_000


def test_read_point_never_passes_what_was_received(replica):
    r = replica
    start(r, 0)
    r._apply_batch(cpb.RedoBatch(vdl=9, records=[rec(1, 3, 1, cpl=True)]))
    assert r.read_point == 1 and r.writer_vdl == 9  # the VDL ran ahead of the records: wait for them


def test_a_gap_in_the_stream_is_refused(replica):
    start(replica, 0)
    with pytest.raises(InvalidMessage):
        replica._apply_batch(cpb.RedoBatch(vdl=0, records=[rec(2, 3, 1)]))


def test_a_writer_behind_the_replica_is_not_followed(replica):
    r = replica
    start(r, 0)
    r._apply_batch(cpb.RedoBatch(vdl=2, records=[rec(1, 3, 1), rec(2, 3, 2, cpl=True)]))
    with pytest.raises(InvalidMessage):
        start(r, 1, epoch=1)  # a reset to before what this replica serves: reads would go back
    with pytest.raises(InvalidMessage):
        start(r, 10, epoch=0)  # an older epoch: a fenced writer
    assert r.read_point == 2


def test_a_reset_drops_the_cache_and_keeps_the_read_point_monotonic(replica):
    r = replica
    start(r, 0)
    r.cache.install_read(3, 0, 0, bytes(PAGE_SIZE_BYTES), 0, 0)
    r._apply_batch(cpb.RedoBatch(vdl=2, records=[rec(1, 3, 1), rec(2, 3, 2, cpl=True)]))
    start(r, 5)  # the same writer cannot resume this replica (it fell behind): drop and restart
    assert r.read_point == 5 and r.cache.get(3, None) is None and r.stats["resets"] == 2
    assert r.read_requirement(0, 5) == 5  # what a storage read at 5 needs of PG 0


def test_after_a_reset_a_read_from_an_older_snapshot_is_not_cached_as_current(replica):
    """A transaction pinned before a reset reads on at its old read point. The cache,
    cleared at the reset, no longer knows which pages changed in between: a page it reads
    from storage must not be installed, or it would become the page's current content
    for every later read (and the base later records are applied to)."""
    r = replica
    start(r, 0)
    r._apply_batch(cpb.RedoBatch(vdl=2, records=[rec(1, 3, 1), rec(2, 3, 2, cpl=True)]))  # page 3 not cached
    old = r.acquire_read_point()  # a transaction's snapshot, at 2
    start(r, 5)  # reset: page 3 changed again at 3..5, the cache does not know
    r.cache.install_read(3, old, 2, bytes([2]) + bytes(PAGE_SIZE_BYTES - 1), r.vdl, r.min_read_lsn)
    assert r.cache.get(3, 5) is None, "a page read at LSN 2 was taken as the current content at 5"
    r.cache.install_read(3, 5, 4, bytes([4]) + bytes(PAGE_SIZE_BYTES - 1), r.vdl, r.min_read_lsn)
    assert r.cache.get(3, 5)[0] == 4  # a read at (or above) the new start is installed as before
    r.release_read_point(old)


def test_a_replica_serves_no_read_before_its_first_read_point(replica):
    """Before a writer's stream gave it a read point, a read would be at LSN 0, which
    storage collected long ago: the replica refuses it as retriable (57P03) instead."""
    r = replica
    with pytest.raises(ReplicaNotReady) as refused:
        r.acquire_read_point()
    assert refused.value.sqlstate == "57P03" and refused.value.retriable
    start(r, 5)
    assert r.acquire_read_point() == 5
    r.release_read_point(5)


class _Segment:
    """A storage node's FetchRecords answer, fixed in advance (a pure unit test: no
    network). Records are PG 0's, held as `records`; `trimmed` and `cut` say what
    the answer cannot show."""

    def __init__(self, records: list[bytes], scl: int, trimmed: int = 0, cut: bool = False):
        self.answer = pb.FetchResponse(records=records, scls=[pb.SegmentScl(pg=0, scl=scl)], cut=cut,
                                       trimmed_pgs=[0] if trimmed else [], trimmed_lsns=[trimmed] if trimmed else [])

    async def FetchRecords(self, request, timeout):
        ((r,),) = (request.ranges,)
        return pb.FetchResponse(records=[raw for raw in self.answer.records if r.after_lsn < peek_header(raw)[0]
                                         <= r.up_to_lsn],
                                scls=self.answer.scls, cut=self.answer.cut, trimmed_pgs=self.answer.trimmed_pgs,
                                trimmed_lsns=self.answer.trimmed_lsns)


def _follow_new_writer(r: ReplicaVolume, segment: _Segment) -> None:
    """The replica, at 2 with page 3 cached, follows a new writer whose VDL is 6; page 3
    changed at 3 and 5, page 5 at 4 and 6 (both in PG 0)."""
    start(r, 0)
    r.cache.install_read(3, 0, 0, bytes(PAGE_SIZE_BYTES), 0, 0)
    r._apply_batch(cpb.RedoBatch(vdl=2, records=[rec(1, 3, 1), rec(2, 3, 2, cpl=True)]))
    assert r.cache.get(3, 2)[0] == 2
    r.stubs = {n: segment for n in r.stubs}
    start(r, 6, writer="db-3", epoch=2)
    assert r.read_point == 6


def test_catch_up_across_a_new_writer_applies_the_records_storage_holds(replica):
    gap = [rec(3, 3, 30), rec(4, 5, 40, cpl=True), rec(5, 3, 50), rec(6, 5, 60, cpl=True)]
    _follow_new_writer(replica, _Segment(gap, scl=6))
    assert replica.cache.get(3, 6)[0] == 50 and replica.stats["resets"] == 1  # warm, no reset


@pytest.mark.parametrize("answer", ["trimmed", "cut"])
def test_catch_up_never_keeps_a_page_storage_could_not_show_the_changes_of(replica, answer):
    """Every segment answers with SCL past the PG's tail, but the records in the gap are
    not all in the answer: trimmed (folded into pages while this replica was cut off from
    its writer and held no read point) or cut short. Taking the answer as complete kept
    page 3 as of LSN 2 under a read point of 6: reads of a stale page, which SQLite
    reported as a malformed database (chaos seed 805556408). The replica must drop its
    cache instead."""
    segment = _Segment([rec(5, 3, 50)], scl=6, trimmed=4) if answer == "trimmed" else \
        _Segment([rec(3, 3, 30)], scl=6, cut=True)
    _follow_new_writer(replica, segment)
    assert replica.cache.get(3, 6) is None, "page 3 as of LSN 2 was kept as current at 6"
    assert replica.stats["resets"] == 2
