"""Continuous backup of a storage node's segments to the object store: the shell
around `sixfold.core.backup`.

Each pass (every BACKUP_INTERVAL_MS), for one volume:

1. read every node's progress object: how far each has shipped each PG;
2. pick the PGs this node ships (`BackupOwnership`: first-ranked, or taking over from
   stalled ones) that lag the writer's VDL hint V (every record at or below V is on a
   write quorum and survives every recovery);
3. make sure this segment holds every record of those PGs up to V: a segment complete
   only to its SCL < V asks two peers for records of the PG in (SCL, V]. Any record at
   or below V is on four of six segments, so of three segments one holds it: when
   neither peer has one, neither does the PG;
4. write one block with those records (each PG's range (shipped, V]) and then this
   node's progress object (what it shipped, its SCLs);
5. for a PG whose log shipped since its last page image reached the spec's
   `image_log_ratio` (default BACKUP_IMAGE_LOG_RATIO) x the PG's size, or whose last
   image is half the retention window old, ship an image of all its pages as of V: a
   restore starts each PG from its newest image instead of replaying it from LSN 0;
6. trim its log (`storage_node/trim.py`) behind what every node reports;
7. on PG 0's first-ranked node, now and then, delete what no restore in the retention
   window or to a snapshot needs (`prune`).

Object store calls and the LMDB reads run in a worker thread; the writer takes no part.
"""

from __future__ import annotations

import asyncio
import logging

import grpc

from sixfold.backup.catalog import (
    Catalog, block_key, encode_block, encode_json, image_key, progress_key, read_progress, read_snapshots,
)
from sixfold.backup.objects import ObjectStore, open_store
from sixfold.clock import monotonic_s, wall_us
from sixfold.constants import (
    BACKUP_AGE_IMAGES_PER_PASS_MAX, BACKUP_BLOCK_BYTES_MAX, BACKUP_IDLE_INTERVAL_MS, BACKUP_IMAGE_LOG_RATIO,
    BACKUP_INTERVAL_MS, BACKUP_PROBE_RECORDS_MAX, BACKUP_PRUNE_DELETES_MAX, BACKUP_PRUNE_INTERVAL_MS,
    BACKUP_RETENTION_S_DEFAULT, BACKUP_TAKEOVER_MS, PAGE_SIZE_BYTES, RPC_TIMEOUT_MS,
)
from sixfold.core.backup import BackupOwnership, backup_rank, covered_by_pg, prune_plan
from sixfold.core.records import HEADER_BYTES, decode_record, peek_header
from sixfold.core.segment_state import record_valid
from sixfold.errors import BackupError, ChecksumMismatch
from sixfold.rpc import storage_pb2 as pb
from storage_node.trim import trim_once, trim_target
from storage_node.volume import NodeVolume

log = logging.getLogger("sixfold.storage.backup")
RECORD_BYTES_MAX = HEADER_BYTES + PAGE_SIZE_BYTES  # a whole-page record; no record is larger


class VolumeBackup:
    """One volume's backup on one node."""

    def __init__(self, node, vol: NodeVolume, store: ObjectStore):
        self.node = node
        self.vol = vol
        self.store = store
        self.ownership = BackupOwnership(node.name, BACKUP_TAKEOVER_MS / 1000)
        ratio = float(node.spec.backup.get("image_log_ratio", BACKUP_IMAGE_LOG_RATIO))
        assert ratio > 0, ratio
        self.image_log_bytes = ratio * vol.geometry.pg_pages * PAGE_SIZE_BYTES
        self.claims: dict[int, int] | None = None  # what this node has shipped (loaded on the first pass)
        self._published: dict | None = None  # the progress body last written
        self._last_durable = 0  # the durable point of the last pass
        self._last_full_s = float("-inf")  # when that pass ran
        self.log_since_image: dict[int, int] = {}  # pg -> bytes of log shipped since its last page image
        # Retention: objects older than the window go once every PG has an image inside
        # it, so a PG's image is also due once its last one (or this node's first sight
        # of the PG) is half the window old.
        self.retention_s = float(node.spec.backup.get("retention_s", BACKUP_RETENTION_S_DEFAULT))
        self._image_at_s: dict[int, float] = {}  # pg -> when this node last imaged it (or first shipped it)
        self._prune_interval_s = min(BACKUP_PRUNE_INTERVAL_MS / 1000, self.retention_s / 4)
        self._pruned_at_s = monotonic_s()

    async def run(self) -> None:
        while True:
            await asyncio.sleep(BACKUP_INTERVAL_MS / 1000)
            try:
                await self.once()
            except (BackupError, OSError, ChecksumMismatch) as e:
                log.warning("backup of volume %s: %s (retrying)", self.vol.name, e)
            except Exception:  # a bug: loud (ERROR), but the node goes on serving commits and reads
                log.exception("backup of volume %s failed (retrying)", self.vol.name)

    async def once(self) -> int:
        """One pass: ship, publish this node's progress, trim. Returns records shipped.
        While the durable point stands still there is nothing new to ship: a pass then
        runs only every BACKUP_IDLE_INTERVAL_MS (for a peer that took over, or whose SCLs
        moved by gossip), since its cost grows with the volume's PG count."""
        vol = self.vol
        durable, pg_count = vol.hints.vdl_hint, vol.hints.pg_count
        if not durable or not pg_count:
            return 0
        now = monotonic_s()
        if durable == self._last_durable and now - self._last_full_s < BACKUP_IDLE_INTERVAL_MS / 1000:
            return 0
        self._last_durable, self._last_full_s = durable, now
        progress = await asyncio.to_thread(read_progress, self.store, vol.name)
        if self.claims is None:
            self.claims = dict(progress.get(self.node.name, {}).get("pgs", {}))
        claims = {n: b["pgs"] for n, b in progress.items()}
        claims[self.node.name] = self.claims
        # Page images of this pass are taken at `durable`: until they are, GC keeps the
        # versions a read there needs (the horizon was at or below it when the pass began).
        vol.transient_pins["backup-image"] = durable
        covered = covered_by_pg(claims)  # _ship raises it for what it ships
        try:
            shipped = await self._ship(claims, covered, durable, pg_count)
        finally:
            vol.transient_pins.pop("backup-image", None)
        scls = {pg: vol.scl(pg) for pg in range(pg_count) if vol.holds(pg)}
        body = {"node": self.node.name, "pg_count": pg_count,
                "pgs": {str(pg): lsn for pg, lsn in sorted(self.claims.items())},
                "scls": {str(pg): scl for pg, scl in sorted(scls.items())}}
        if body != self._published:
            await asyncio.to_thread(self.store.put, progress_key(vol.name, self.node.name),
                                    encode_json({**body, "updated_us": wall_us()}))
            self._published = body
        others = {n: {int(pg): v for pg, v in b.get("scls", {}).items()} for n, b in progress.items()}
        others[self.node.name] = scls
        targets = {pg: trim_target(covered.get(pg, 0), [others.get(n, {}).get(pg) for n in vol.geometry.segments(pg)],
                                   vol.hints.gc_horizon_lsn) for pg in scls}
        vol.counters.trimmed_records += await trim_once(vol, targets)
        # One node prunes: PG 0's first-ranked (none while it is down; nothing is lost by waiting).
        segs0 = vol.geometry.segments(0)
        if backup_rank(segs0, 0, self.node.name) == 0 and now - self._pruned_at_s >= self._prune_interval_s:
            self._pruned_at_s = now
            await self.prune()
        return shipped

    async def _ship(self, claims: dict[str, dict[int, int]], covered: dict[int, int], durable: int,
                    pg_count: int) -> int:
        """Ship the PGs this node owns this pass up to `durable`; returns records shipped.
        `covered` (pg -> highest claim) follows this node's new claims."""
        vol = self.vol
        now = monotonic_s()
        geo = vol.geometry
        owns = self.ownership.owns
        mine = [pg for pg in range(pg_count)
                if vol.holds(pg) and owns(pg, geo.segments(pg), claims, durable, now, covered.get(pg, 0))]
        if not mine:
            return 0
        complete = await complete_to(self.node, vol, mine, durable)
        if not complete:
            return 0
        truncs = dict(vol.fence.truncations)
        ranges, records, cpls = await asyncio.to_thread(self._read, complete, covered, durable, truncs)
        if not ranges:
            return 0
        first = min(s for s, _e in ranges.values()) + 1
        last = max(e for _s, e in ranges.values())
        created = wall_us()
        header = {"volume": vol.name, "node": self.node.name, "pgs": {str(pg): r for pg, r in ranges.items()},
                  "cpls": cpls, "records": len(records), "pg_count": pg_count, "created_us": created}
        key = block_key(vol.name, first, last, self.node.name, created)
        data = encode_block(header, records)
        await asyncio.to_thread(self.store.put, key, data)
        for pg, (_s, e) in ranges.items():
            self.claims[pg] = max(self.claims.get(pg, 0), e)
            covered[pg] = max(covered.get(pg, 0), e)
        for raw in records:
            pg = peek_header(raw)[1]
            self.log_since_image[pg] = self.log_since_image.get(pg, 0) + len(raw)
        aged = 0
        for pg, (_s, end) in sorted(ranges.items()):
            since_s = now - self._image_at_s.setdefault(pg, now)
            if self.log_since_image.get(pg, 0) >= self.image_log_bytes:
                await self._ship_image(pg, end)
            elif since_s >= self.retention_s / 2 and aged < BACKUP_AGE_IMAGES_PER_PASS_MAX:
                aged += await self._ship_image(pg, end)
        return len(records)

    async def _ship_image(self, pg: int, at_lsn: int) -> bool:
        """Ship every page of `pg` as of `at_lsn` (just shipped, so this segment is complete
        to it), so that a restore starts there instead of replaying the PG from LSN 0.
        False when it cannot be taken at that point."""
        vol = self.vol
        if at_lsn != vol.transient_pins.get("backup-image") or at_lsn < vol.trimmed.get(pg, 0):
            return False  # a range cut short: only the pass's pinned point is safe to read; next block
        pages, images = [], []
        for page in vol.geometry.pages_of_pg(pg):  # on the loop, no await: GC cannot run between
            image, page_lsn = vol._materialize(page, pg, at_lsn)
            if page_lsn:
                pages.append([page, page_lsn])
                images.append(bytes(image))
        created = wall_us()
        header = {"volume": vol.name, "node": self.node.name, "kind": "image", "pg": pg, "lsn": at_lsn,
                  "tail": vol.last_held(pg, at_lsn), "pages": pages, "records": len(images), "created_us": created}
        await asyncio.to_thread(self.store.put, image_key(vol.name, pg, at_lsn, self.node.name),
                                encode_block(header, images))
        self.log_since_image[pg] = 0
        self._image_at_s[pg] = monotonic_s()
        return True

    async def prune(self) -> int:
        """Delete the objects no restore in the retention window or to a snapshot needs
        (`sixfold.core.backup.prune_plan`); returns how many. Nothing when the backup has a
        damaged object, a gap or an unreadable snapshot: what it holds then is unsure."""
        vol = self.vol

        def plan() -> list[str]:
            cat = Catalog.load(self.store, vol.name, verify=False)
            snaps = read_snapshots(self.store, vol.name)
            if cat.corrupt or cat.gaps() or any("lsn" not in s for s in snaps.values()):
                log.warning("backup of volume %s: not pruning a backup with damaged objects, gaps or an "
                            "unreadable snapshot (`sixfold backup status --verify`)", vol.name)
                return []
            w = cat.window()
            oldest_us = wall_us() - int(self.retention_s * 1e6)
            if w is None or oldest_us <= w[0].commit_ts_us:
                return []
            try:
                floor = cat.commits().restore_point(cat.restorable_lsn(), floor=cat.floor_lsn(),
                                                    to_time_us=min(oldest_us, w[1].commit_ts_us)).lsn
            except ValueError:  # the window moved between reads: next round
                return []
            blocks = [(key, {int(pg): (r[0], r[1]) for pg, r in h["pgs"].items()}) for key, h in cat.blocks]
            images = {pg: [(lsn, key) for lsn, key, _h in imgs] for pg, imgs in cat.images.items()}
            return prune_plan(blocks, images, floor, [s["lsn"] for s in snaps.values()])[:BACKUP_PRUNE_DELETES_MAX]

        def delete(keys: list[str]) -> None:
            for key in keys:
                self.store.delete(key)

        keys = await asyncio.to_thread(plan)
        if keys:
            await asyncio.to_thread(delete, keys)
            log.info("backup of volume %s: pruned %d objects older than the %g s window", vol.name, len(keys),
                     self.retention_s)
        return len(keys)

    def _read(self, pgs: list[int], covered: dict[int, int], durable: int, truncs: dict[int, int]):
        """(ranges, records, cpls) of a block: each PG's records in (covered, durable],
        within BACKUP_BLOCK_BYTES_MAX (a PG cut short ends at its last record read)."""
        vol = self.vol
        ranges: dict[int, tuple[int, int]] = {}
        records: list[bytes] = []
        cpls: list[tuple[int, int]] = []
        size = 0
        with vol.store.env.begin() as txn:
            for pg in pgs:
                start = end = covered.get(pg, 0)
                if start < vol.trimmed.get(pg, 0):
                    # The progress objects say less is shipped than this node trimmed (they
                    # were deleted or damaged): the records are gone here; never ship a
                    # range with a hole in it.
                    log.error("volume %s PG %d: the backup claims only up to %d but this node trimmed "
                              "to %d; not shipping it", vol.name, pg, start, vol.trimmed[pg])
                    continue
                full = True
                for lsn, raw in vol.store.iter_raw(txn, pg, start, durable):
                    if size + len(raw) > BACKUP_BLOCK_BYTES_MAX:
                        full = False
                        break
                    rec = decode_record(bytes(raw))  # ChecksumMismatch: the pass fails, the scrubber repairs
                    end = lsn
                    if not record_valid(truncs, rec.epoch, rec.lsn):
                        continue
                    records.append(bytes(raw))
                    size += len(raw)
                    if rec.cpl:
                        cpls.append((rec.lsn, rec.commit_ts_us))
                if full:
                    end = durable
                if end > start:
                    ranges[pg] = (start, end)
                if not full:
                    break
        return ranges, records, cpls


async def complete_to(node, vol: NodeVolume, pgs: list[int], durable: int) -> list[int]:
    """The PGs of `pgs` whose every record at or below `durable` (a durable point) this
    segment holds. Any such record is on four of six segments, so of this segment and
    two peers one holds it: a PG neither peer has a record of in (SCL, durable] is
    complete here."""
    lacking = {pg: 0 for pg in pgs if vol.scl(pg) < durable}  # pg -> peers that confirmed
    if not lacking:
        return pgs
    incomplete: set[int] = set()
    peers = sorted({p for pg in lacking for p in vol.geometry.segments(pg) if p != node.name})
    for peer in peers:
        ask = [pg for pg, n in lacking.items() if n < 2 and pg not in incomplete
               and peer in vol.geometry.segments(pg)]
        if not ask:
            continue
        req = pb.FetchRequest(volume=vol.name, from_node=node.name, max_records=BACKUP_PROBE_RECORDS_MAX,
                              max_bytes=BACKUP_BLOCK_BYTES_MAX, range_pgs=ask,
                              range_after_lsns=[vol.scl(pg) for pg in ask], range_up_to_lsns=[durable] * len(ask))
        try:
            resp = await node.peer(peer).FetchRecords(req, timeout=RPC_TIMEOUT_MS / 1000)
        except grpc.aio.AioRpcError:
            continue
        cut_short = (len(resp.records) >= BACKUP_PROBE_RECORDS_MAX
                     or sum(map(len, resp.records)) > BACKUP_BLOCK_BYTES_MAX - RECORD_BYTES_MAX)
        if cut_short or resp.cut or resp.packed_ranges_read != len(ask):
            continue  # a full answer, or a peer that did not read the ranges: it cannot vouch for them
        # A peer that trimmed its log above this segment's SCL no longer has the records
        # there to show: its silence on that PG says nothing.
        blind = {pg for pg, t in zip(resp.trimmed_pgs, resp.trimmed_lsns) if t > vol.scl(pg)}
        held = set(blind)
        for raw in resp.records:
            try:
                held.add(decode_record(raw).pg)
            except ChecksumMismatch:
                continue
        for pg in ask:
            if pg in held:
                incomplete.add(pg)  # gossip brings the record; ship the PG next pass
            else:
                lacking[pg] += 1
    return [pg for pg in pgs if pg not in incomplete and lacking.get(pg, 2) >= 2]


async def backup_loop(node, vol: NodeVolume) -> None:
    store = open_store(node.spec.backup)
    await VolumeBackup(node, vol, store).run()


__all__ = ["VolumeBackup", "backup_loop", "complete_to"]
