"""Segment copies: how a storage node catches up on a PG whose log its peers have trimmed.

Gossip fills a segment's holes from its peers' logs. A node that lost its disk (or a
new one) may be missing records its peers have already trimmed - backed up, and folded
into page versions - so no peer can send them and gossip never completes the segment.
Such a node takes a copy of a peer's whole segment instead: every page version of the
PG, every record the peer still holds, and its marks (trim, materialized, the persisted
SCL floor), all read in one LMDB snapshot, plus the peer's GC horizon (versions below
it may be gone, so reads below it are refused here too). The copy makes this segment
what the peer's was; gossip then fills whatever came after.

A copy is taken only from a peer that applied every truncation this node knows of, and
every record and version in it is checked (checksum, PG, the fence) before it is
installed, in one transaction ordered with appends through the persist queue.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sixfold.constants import COPY_SEGMENT_BYTES_MAX, COPY_SEGMENTS_PER_TURN_MAX, RPC_TIMEOUT_MS
from sixfold.core.records import decode_page_version, peek_header
from sixfold.errors import InvalidMessage, InvalidRecord, SixfoldError
from sixfold.rpc import storage_pb2 as pb
from storage_node.volume import NodeVolume

log = logging.getLogger("sixfold.storage.copy")


@dataclass
class SegmentCopy:
    pg: int
    scl_floor: int  # the peer's persisted SCL lower bound
    trimmed_lsn: int
    materialized_lsn: int
    gc_horizon_lsn: int
    applied_epoch: int
    versions: list[tuple[int, int, bytes]]  # (page, lsn, stored version)
    records: list[bytes]  # raw, in LSN order


def read_copy(vol: NodeVolume, pg: int) -> SegmentCopy:
    """This node's segment of `pg`, read in one snapshot. Raises SixfoldError when the
    copy would exceed COPY_SEGMENT_BYTES_MAX."""
    if not vol.holds(pg):
        raise InvalidRecord(f"PG {pg} has no segment on {vol.node}")
    # Before the snapshot: a truncation committed after it is not claimed as applied.
    applied = vol.fence.applied_epoch
    size = 0
    versions: list[tuple[int, int, bytes]] = []
    records: list[bytes] = []
    with vol.store.env.begin() as txn:
        scl_floor, mat, trm = vol.store.pg_marks(txn, pg)
        for page, lsn, enc in vol.store.versions_of_pages(txn, vol.geometry.pages_of_pg(pg)):
            versions.append((page, lsn, enc))
            size += len(enc)
        for lsn, raw in vol.store.iter_raw(txn, pg, 0, None):
            _l, _pg, _prev, _cpl, epoch = peek_header(raw)
            if vol.fence.record_valid(epoch, lsn):
                records.append(bytes(raw))
                size += len(raw)
        if size > COPY_SEGMENT_BYTES_MAX:
            raise SixfoldError(f"PG {pg}: a copy of {size} bytes exceeds {COPY_SEGMENT_BYTES_MAX}")
    # After the snapshot: at least the horizon its deletions used (it only rises).
    return SegmentCopy(pg, scl_floor, trm, mat, vol.hints.gc_horizon_lsn, applied, versions, records)


def copy_to_pb(c: SegmentCopy) -> pb.CopySegmentResponse:
    return pb.CopySegmentResponse(
        scl=c.scl_floor, trimmed_lsn=c.trimmed_lsn, materialized_lsn=c.materialized_lsn,
        gc_horizon_lsn=c.gc_horizon_lsn, applied_epoch=c.applied_epoch,
        versions=[pb.PageVersionCopy(page=p, lsn=l, version=v) for p, l, v in c.versions], records=c.records)


def copy_from_pb(pg: int, r: pb.CopySegmentResponse) -> SegmentCopy:
    return SegmentCopy(pg, r.scl, r.trimmed_lsn, r.materialized_lsn, r.gc_horizon_lsn, r.applied_epoch,
                       [(v.page, v.lsn, v.version) for v in r.versions], list(r.records))


def _checked(vol: NodeVolume, c: SegmentCopy) -> tuple[list[tuple[int, int, bytes]], list[tuple[int, int, bytes]]]:
    """(versions, (lsn, page, raw) records) of a copy, every one verified; raises InvalidMessage."""
    pages = vol.geometry.pages_of_pg(c.pg)
    versions = []
    for page, lsn, enc in c.versions:
        _image, vlsn = decode_page_version(enc)  # ChecksumMismatch is an InvalidMessage here
        if page not in pages or vlsn != lsn:
            raise InvalidMessage(f"PG {c.pg} copy: version of page {page} at {lsn} does not belong")
        versions.append((page, lsn, enc))
    records = []
    last = 0
    for raw in c.records:
        rec = vol.decode_for_segment(raw)
        if rec.pg != c.pg or rec.lsn <= last:
            raise InvalidMessage(f"PG {c.pg} copy: record {rec.lsn} out of place")
        last = rec.lsn
        if vol.fence.record_valid(rec.epoch, rec.lsn) and rec.epoch <= vol.fence.epoch:
            records.append((rec.lsn, rec.page, raw))
    return versions, records


async def install(vol: NodeVolume, c: SegmentCopy) -> bool:
    """Make this segment of `c.pg` the copy's. Returns False (nothing changed) when the
    segment is already complete past the copy's trim mark, or the peer had not applied a
    truncation this node knows of."""
    if vol.scl(c.pg) >= c.trimmed_lsn:
        return False
    if c.applied_epoch < vol.fence.floor or any(e > c.applied_epoch for e in vol.fence.truncations):
        return False
    try:
        versions, records = _checked(vol, c)
    except (SixfoldError, ValueError) as e:
        raise InvalidMessage(f"PG {c.pg}: bad segment copy: {e}") from None
    pg = c.pg

    def run() -> None:
        vol.store.install_copy(pg, c.scl_floor, c.materialized_lsn, c.trimmed_lsn, versions, records)

    def after(_) -> int:
        vol.trimmed[pg] = max(vol.trimmed.get(pg, 0), c.trimmed_lsn)
        vol.materialized[pg] = max(vol.materialized.get(pg, 0), c.materialized_lsn)
        with vol.store.env.begin() as txn:
            scl_floor, _mat, _trm = vol.store.pg_marks(txn, pg)
        chain = vol.chains[pg] = vol.chain_from_disk(pg, scl_floor)
        if c.gc_horizon_lsn > vol.hints.gc_horizon_lsn:
            vol.hints.gc_horizon_lsn = c.gc_horizon_lsn  # reads below it are refused here too
            vol._hints_dirty = vol._hints_urgent = True
        return chain.scl

    scl = await vol.control(run, after)
    await vol.flush_hints()
    log.info("volume %s: PG %d copied from a peer (%d versions, %d records, trimmed to %d): SCL now %d",
             vol.name, pg, len(versions), len(records), c.trimmed_lsn, scl)
    return True


async def catch_up_by_copy(node, vol: NodeVolume, peer: str, trimmed: dict[int, int]) -> int:
    """Copy from `peer` the segments it reported trimmed past this node's SCL (at most
    COPY_SEGMENTS_PER_TURN_MAX per turn). Returns how many were installed."""
    behind = [pg for pg, t in sorted(trimmed.items()) if vol.holds(pg) and vol.scl(pg) < t]
    done = 0
    for pg in behind[:COPY_SEGMENTS_PER_TURN_MAX]:
        resp = await node.peer(peer).CopySegment(pb.CopySegmentRequest(volume=vol.name, pg=pg),
                                                 timeout=RPC_TIMEOUT_MS / 1000)
        if await install(vol, copy_from_pb(pg, resp)):
            done += 1
            vol.counters.segment_copies += 1
    return done


__all__ = ["SegmentCopy", "read_copy", "copy_to_pb", "copy_from_pb", "install", "catch_up_by_copy"]
