"""Background work of a storage node, off the commit path: gossip to fill holes,
coalescing redo into page versions, garbage collection, scrubbing checksums and
repairing what the scrubber or a reader found corrupt. Every loop is bounded per pass."""

from __future__ import annotations

import asyncio
import logging

import grpc

from sixfold.clock import monotonic_s
from sixfold.constants import (
    COALESCE_DELTAS_PER_PAGE_MIN, COALESCE_INTERVAL_MS, COALESCE_RECORDS_PER_PASS_MAX, COALESCE_VERSIONS_PER_PASS_MAX,
    GC_INTERVAL_MS, GC_VERSIONS_PER_PASS_MAX, GOSSIP_FETCH_BYTES_MAX, GOSSIP_FETCH_RECORDS_MAX,
    GOSSIP_IDLE_INTERVAL_MS, GOSSIP_INTERVAL_MS, RPC_TIMEOUT_MS, SCRUB_CYCLE_MIN_INTERVAL_MS, SCRUB_ENTRIES_PER_PASS_MAX,
    SCRUB_ENTRIES_PER_SLICE_MAX, SCRUB_INTERVAL_MS,
)
from sixfold.core.records import (
    KIND_IMAGE, NO_PAGE, decode_page_version, decode_record, encode_page_version, peek_page_kind,
)
from sixfold.core.segment_state import gossip_due
from sixfold.errors import ChecksumMismatch, EpochUnknown, InvalidMessage, SixfoldError
from sixfold.rpc import storage_pb2 as pb
from storage_node import segment_copy
from storage_node.store import WriteBatch, page_key
from storage_node.node import peer_view
from storage_node.volume import NodeVolume

log = logging.getLogger("sixfold.storage.background")


def _truncs(items) -> dict[int, int]:
    return {t.epoch: t.above_lsn for t in items}


def _stagger_s(vol: NodeVolume, interval_ms: int) -> float:
    """A per-node offset so the six nodes' passes do not line up and stall commits together."""
    names = sorted(vol.geometry.nodes)
    return interval_ms / 1000 * names.index(vol.node) / len(names)


# --- gossip ------------------------------------------------------------------------------
async def gossip_loop(node, vol: NodeVolume) -> None:
    """Each interval, ask the next peer for the records it holds above our SCLs of the PGs
    we share. A node that was down catches up this way without the writer resending."""
    turn = 0
    fetched, last_s = 0, float("-inf")
    await asyncio.sleep(_stagger_s(vol, GOSSIP_INTERVAL_MS))
    while True:
        await asyncio.sleep(GOSSIP_INTERVAL_MS / 1000)
        # A rebuilding volume asks every turn, as one with a hole does: until it has heard
        # from enough peers, recovery cannot count it.
        holes = vol.rebuild is not None or any(ch.has_holes for ch in vol.chains.values())
        if not gossip_due(holes, fetched, monotonic_s() - last_s, GOSSIP_IDLE_INTERVAL_MS / 1000):
            vol.counters.gossip_skipped += 1
            continue
        peers = sorted({p for placement in vol.geometry.placements(vol.hints.pg_count or 1)
                        if node.name in placement for p in placement if p != node.name})
        if not peers:
            continue
        peer = peers[turn % len(peers)]
        turn += 1
        last_s, fetched = monotonic_s(), 0
        try:
            fetched = await gossip_once(node, vol, peer)
        except grpc.aio.AioRpcError as e:
            log.debug("gossip with %s failed: %s", peer, e.code().name)
        except InvalidMessage as e:
            log.warning("gossip with %s refused: %s", peer, e)
        except EpochUnknown as e:
            log.info("gossip waits: %s", e)


async def gossip_once(node, vol: NodeVolume, peer: str) -> int:
    # Only records at or below the peer's durable point: newer ones are still on their
    # way on this node's own append stream (the writer resends what lies above VDL).
    if vol.unconfirmed:
        await node.confirm_volume(vol)  # EpochUnknown while too few peers answer
    if vol.lost_clone is not None:
        return 0  # not served here: nothing to catch up on
    shared = [pg for pg in sorted(vol.chains) if peer in vol.geometry.segments(pg)]
    req = pb.FetchRequest(
        volume=vol.name, from_node=node.name, max_records=GOSSIP_FETCH_RECORDS_MAX, max_bytes=GOSSIP_FETCH_BYTES_MAX,
        range_pgs=shared, range_after_lsns=[vol.chains[pg].scl for pg in shared],
        include_unlisted=True, durable_only=True)
    resp = await node.peer(peer).FetchRecords(req, timeout=RPC_TIMEOUT_MS / 1000)
    if resp.truncations:
        await vol.learn(_truncs(resp.truncations))
    vol.note_hints(resp.vdl_hint, 0, resp.pg_count)
    if resp.applied_epoch < vol.fence.floor:
        # Read before the peer applied a truncation this node has already forgotten
        # (compacted): it could hold records that truncation removed.
        return 0
    recs = []
    bad = False
    for raw in resp.records:
        try:
            rec = vol.decode_for_segment(raw)
        except SixfoldError as e:
            log.warning("gossip from %s sent a bad record: %s", peer, e)
            bad = True
            continue
        if not vol.chain(rec.pg).has(rec.lsn):
            recs.append((rec, raw))
    if recs:
        await vol.submit_records(recs, None)
        vol.counters.gossip_records += len(recs)
        log.info("gossip: %d records from %s", len(recs), peer)
    copied = 0
    trimmed = dict(zip(resp.trimmed_pgs, resp.trimmed_lsns))
    if trimmed:
        # The peer trimmed records this node lacks: only a copy of its segment can help.
        copied = await segment_copy.catch_up_by_copy(node, vol, peer, trimmed)
    if vol.rebuild is not None:
        copied_all = all(vol.trimmed.get(pg, 0) >= lsn for pg, lsn in trimmed.items())
        await _note_rebuild_round(vol, peer_view(peer, resp), resp.vdl_hint,
                                  complete=not bad and not resp.cut and copied_all)
    return len(recs) + copied


async def _note_rebuild_round(vol: NodeVolume, view, durable_bound: int, complete: bool) -> None:
    """Count a gossip round whose records are all persisted here toward the rebuild
    (`sixfold.core.rebuild`), and end the rebuild once enough peers covered every
    placement of this node."""
    if vol.rebuild.note_round(view, durable_bound, complete):
        if vol.rebuild.done(vol.geometry.placements(vol.geometry.placement_period)):
            await vol.end_rebuild()


# --- coalescing ---------------------------------------------------------------------------
async def coalesce_loop(vol: NodeVolume) -> None:
    await asyncio.sleep(_stagger_s(vol, COALESCE_INTERVAL_MS))
    while True:
        await asyncio.sleep(COALESCE_INTERVAL_MS / 1000)
        await coalesce_once(vol)
        await vol.flush_hints()


async def coalesce_once(vol: NodeVolume) -> int:
    """Fold records up to each segment's SCL into page versions, for pages with enough
    deltas since their last version. Returns the number of versions written."""
    batch = WriteBatch()
    budget = COALESCE_RECORDS_PER_PASS_MAX
    for pg, chain in sorted(vol.chains.items()):
        start = max(vol.materialized.get(pg, 0), vol.trimmed.get(pg, 0))
        if chain.scl <= start or budget <= 0 or len(batch.versions) >= COALESCE_VERSIONS_PER_PASS_MAX:
            continue
        pages: dict[int, list[int]] = {}
        upto = start
        with vol.store.env.begin() as txn:
            for lsn, raw in vol.store.iter_raw(txn, pg, start, chain.scl):
                if budget <= 0:
                    break
                budget -= 1
                upto = lsn
                page, _kind = peek_page_kind(raw)
                if page != NO_PAGE:
                    pages.setdefault(page, []).append(lsn)
        for page, lsns in pages.items():
            await asyncio.sleep(0)  # one page at a time: RPCs (recovery, reads) go first
            try:
                with vol.store.env.begin() as txn:
                    raw = vol.store.get_raw(txn, pg, lsns[-1])
                    if raw is None:
                        continue  # trimmed meanwhile (a version at or above it exists)
                    v = vol.store.version_at_or_below(txn, page, lsns[-1])
                    since = len(vol.store.page_records(txn, page, v[0] if v else 0, lsns[-1]))
                    _page, last_kind = peek_page_kind(raw)
                if since < COALESCE_DELTAS_PER_PAGE_MIN or last_kind == KIND_IMAGE:
                    continue
                image, lsn = vol._materialize(page, pg, lsns[-1])
            except ChecksumMismatch:
                continue  # noted for repair by _materialize
            batch.versions.append((page, lsn, encode_page_version(bytes(image), lsn)))
        batch.materialized[pg] = upto
    if batch.versions or batch.materialized:
        def after(_):
            vol.materialized.update(batch.materialized)
        # A truncation queued meanwhile would reset marks; the control queue orders us before it.
        await vol.control(lambda: vol.store.commit(batch), after)
    return len(batch.versions)


# --- garbage collection -----------------------------------------------------------------
async def gc_loop(vol: NodeVolume) -> None:
    next_page = 0
    await asyncio.sleep(_stagger_s(vol, GC_INTERVAL_MS))
    while True:
        await asyncio.sleep(GC_INTERVAL_MS / 1000)
        next_page = await gc_once(vol, next_page)


async def gc_once(vol: NodeVolume, start_page: int) -> int:
    """Collect page versions below the minimum read point the writer advertises (never
    above what is durable). Reads below the horizon are refused from then on."""
    h = vol.hints
    horizon = min(h.min_read_lsn, h.vdl_hint)
    if horizon <= h.gc_horizon_lsn and start_page == 0:
        return 0
    if horizon > h.gc_horizon_lsn:
        h.gc_horizon_lsn = horizon  # refuse older reads before deleting what they need
        vol._hints_dirty = True
        await vol.flush_hints()
    target = h.gc_horizon_lsn
    nxt, deleted = await vol.control(
        lambda: vol.store.gc_versions(start_page, target, GC_VERSIONS_PER_PASS_MAX, vol.pin_points()))
    if deleted:
        log.info("gc: %d page versions below %d collected", deleted, target)
    return nxt


# --- scrub and repair ----------------------------------------------------------------------
async def scrub_loop(vol: NodeVolume) -> None:
    """Walk the log and the page versions, verifying checksums, in bounded slices. A
    full walk starts at most every SCRUB_CYCLE_MIN_INTERVAL_MS: re-reading a small store
    every second cost every node CPU for nothing (reads verify checksums anyway). The
    first walk starts right after the node does."""
    pos: dict[str, bytes | None] = {"log": b"", "versions": b""}
    await asyncio.sleep(_stagger_s(vol, SCRUB_INTERVAL_MS))
    cycle_started = monotonic_s()
    while True:
        await asyncio.sleep(SCRUB_INTERVAL_MS / 1000)
        for _ in range(SCRUB_ENTRIES_PER_PASS_MAX // SCRUB_ENTRIES_PER_SLICE_MAX):
            scrub_once(vol, pos, SCRUB_ENTRIES_PER_SLICE_MAX)
            await asyncio.sleep(0)
            if pos["log"] is None and pos["versions"] is None:
                break
        if pos["log"] is None and pos["versions"] is None:  # a full walk ended
            rest = cycle_started + SCRUB_CYCLE_MIN_INTERVAL_MS / 1000 - monotonic_s()
            if rest > 0:
                await asyncio.sleep(rest)
            pos = {"log": b"", "versions": b""}
            cycle_started = monotonic_s()


def scrub_once(vol: NodeVolume, pos: dict[str, bytes | None], limit: int = SCRUB_ENTRIES_PER_PASS_MAX) -> int:
    """Verify the checksums of the next `limit` entries of the log and of the page
    versions. `pos` holds where each walk resumes (b"": from the start, None: this
    walk reached the end)."""
    bad = 0
    with vol.store.env.begin() as txn:
        for dbname, db in (("log", vol.store.log), ("versions", vol.store.versions)):
            if pos[dbname] is None:
                continue
            cur = txn.cursor(db=db)
            ok = cur.set_range(pos[dbname]) if pos[dbname] else cur.first()
            n = 0
            while ok and n < limit:
                k, v = cur.item()
                try:
                    if dbname == "log":
                        decode_record(v)
                    else:
                        decode_page_version(v)
                except (ChecksumMismatch, SixfoldError):
                    bad += 1
                    a, b = int.from_bytes(k[:-8], "big"), int.from_bytes(k[-8:], "big")
                    vol.note_corrupt("record" if dbname == "log" else "version", a, b)
                n += 1
                ok = cur.next()
            pos[dbname] = cur.key() if ok else None
    return bad


async def repair_loop(node, vol: NodeVolume) -> None:
    while True:
        await asyncio.sleep(GOSSIP_INTERVAL_MS / 1000)
        for item in sorted(vol.repairs):
            try:
                done = await repair_one(node, vol, *item)
            except grpc.aio.AioRpcError:
                done = False
            if done:
                vol.repairs.discard(item)


async def repair_one(node, vol: NodeVolume, kind: str, key: int, lsn: int) -> bool:
    if kind == "record":
        pg = key
        for peer in vol.geometry.peers(pg, node.name):
            try:
                resp = await node.peer(peer).FetchRecords(pb.FetchRequest(
                    volume=vol.name, ranges=[pb.FetchRange(pg=pg, after_lsn=lsn - 1, up_to_lsn=lsn)],
                    max_records=1, max_bytes=1 << 20, from_node=node.name), timeout=RPC_TIMEOUT_MS / 1000)
            except grpc.aio.AioRpcError:
                continue
            for raw in resp.records:
                rec = decode_record(raw)
                if rec.lsn == lsn and rec.pg == pg:
                    await vol.control(lambda: vol.store.commit(WriteBatch(repaired_records=[(pg, lsn, raw)])))
                    vol.counters.repairs += 1
                    log.info("repaired record %d of PG %d from %s", lsn, pg, peer)
                    return True
        return False
    page = key
    pg = vol.geometry.pg_of_page(page)
    # Peers refuse reads below their GC horizon; the page as of the horizon is this same
    # version when the page did not change in between (the usual case for a base version).
    read_lsn = max(lsn, vol.hints.gc_horizon_lsn)
    for peer in vol.geometry.peers(pg, node.name):
        try:
            resp = await node.peer(peer).GetPage(pb.GetPageRequest(
                volume=vol.name, page=page, read_lsn=read_lsn, required_scl=read_lsn), timeout=RPC_TIMEOUT_MS / 1000)
        except grpc.aio.AioRpcError:
            continue
        if resp.page_lsn == lsn:
            enc = encode_page_version(resp.image, lsn)
            await vol.control(lambda: vol.store.commit(WriteBatch(versions=[(page, lsn, enc)])))
            vol.counters.repairs += 1
            log.info("repaired version %d@%d from %s", page, lsn, peer)
            return True
    if vol.trimmed.get(pg, 0):
        # Once the log was trimmed, a version may be the only base the page has: dropped,
        # the page would be rebuilt from zeros and served wrong. It stays (its reads fail
        # the checksum and go to another segment) and is tried again.
        return False
    # No peer can serve that version: it is derived data, so drop it and rebuild from the log.
    await vol.control(lambda: vol.store.commit(WriteBatch(deleted_versions=[(page, lsn)])))
    vol.counters.repairs += 1
    log.info("dropped corrupt version %d@%d (rebuilt from the log on demand)", page, lsn)
    return True


__all__ = ["gossip_loop", "coalesce_loop", "gc_loop", "scrub_loop", "repair_loop", "page_key"]
