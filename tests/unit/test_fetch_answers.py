"""What a FetchRecords answer vouches for (`sixfold/rpc/fetch_answers.py`), and a
storage volume saying so: an answer holds every record of a PG in a range only when
the segment is complete to the PG's tail, has not trimmed its log above the range's
start, and was not cut short (by a limit, or by a record that failed its checksum and
was left out). Real LMDB in a temporary directory, no network."""

from __future__ import annotations

import asyncio

from sixfold.core.geometry import Geometry, NodeInfo
from sixfold.core.records import KIND_DELTA, LogRecord, encode_delta, encode_record
from sixfold.rpc import storage_pb2 as pb
from sixfold.rpc.fetch_answers import fetch_is_complete
from storage_node.store import log_key
from storage_node.volume import NodeVolume

NODES = [NodeInfo(f"n{i}", f"az{i // 2 + 1}", f"127.0.0.1:{7000 + i}") for i in range(6)]


def _answer(scl: int = 9, trimmed: int = 0, cut: bool = False) -> pb.FetchResponse:
    return pb.FetchResponse(scls=[pb.SegmentScl(pg=0, scl=scl), pb.SegmentScl(pg=1, scl=0)], cut=cut,
                            trimmed_pgs=[0] if trimmed else [], trimmed_lsns=[trimmed] if trimmed else [])


def test_an_answer_is_complete_only_with_scl_untrimmed_and_uncut():
    assert fetch_is_complete(_answer(), 0, after=4, tail=9)
    assert not fetch_is_complete(_answer(scl=8), 0, after=4, tail=9)  # the segment lacks the tail
    assert not fetch_is_complete(_answer(trimmed=5), 0, after=4, tail=9)  # records 5 gone from the log
    assert fetch_is_complete(_answer(trimmed=4), 0, after=4, tail=9)  # trimmed only below the range
    assert not fetch_is_complete(_answer(cut=True), 0, after=4, tail=9)
    assert not fetch_is_complete(_answer(), 2, after=4, tail=9)  # a PG the answer has no SCL for
    assert fetch_is_complete(_answer(trimmed=5), 1, after=0, tail=0)  # another PG's trim says nothing here


def test_a_record_failing_its_checksum_makes_the_answer_short(tmp_path):
    async def scenario():
        vol = NodeVolume("v", "n0", Geometry(NODES), tmp_path / "v")
        loop_task = asyncio.create_task(vol.persist_loop())
        try:
            vol.fence.fence(1, "writer-1")
            recs = [LogRecord(lsn, 0, 3, lsn - 1, 0, KIND_DELTA, True, 1, lsn, encode_delta([(0, bytes([lsn]))]))
                    for lsn in range(1, 6)]
            await vol.submit_records([(r, encode_record(r)) for r in recs], None)
            records, short = vol.fetch([(0, 0, 0)], 10, 1 << 20)
            assert len(records) == 5 and not short
            assert vol.fetch([(0, 0, 0)], 3, 1 << 20) == (records[:3], True)  # cut by the record limit
            raw = bytearray(encode_record(recs[2]))
            raw[-1] ^= 0xFF
            with vol.store.env.begin(write=True) as txn:
                txn.put(log_key(0, 3), bytes(raw), db=vol.store.log)
            got, short = vol.fetch([(0, 0, 0)], 10, 1 << 20)
            assert len(got) == 4 and short, "an answer without record 3 claimed to hold every record"
            assert ("record", 0, 3) in vol.repairs
        finally:
            loop_task.cancel()
            await asyncio.gather(loop_task, return_exceptions=True)
            vol.close()

    asyncio.run(scenario())
