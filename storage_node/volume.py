"""One volume's segments on one storage node: the shell around the pure cores.

All state changes go through one persist queue, drained by `persist_loop`: record
batches from writers and from gossip, truncations, fences, page versions. Each
drained group becomes one fsynced LMDB transaction (group commit across every
append stream), after which the in-memory chains advance and acks go out. Because
truncations travel the same queue, nothing queued before a truncation can
resurrect a record it dropped.

The transaction runs on the event loop thread itself: an LMDB commit with fsync
costs ~0.3 ms here, less than handing it to a thread and back, and while it runs
the next appends pile up in gRPC's buffers and form the next, larger group.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sixfold import sabotage
from sixfold.constants import (
    GET_PAGE_APPLY_RECORDS_MAX, PAGE_SIZE_BYTES, PERSIST_BATCH_BYTES_MAX, PERSIST_QUEUE_BATCHES_MAX,
    RECOVERY_HEADERS_MAX,
)
from sixfold.core.geometry import Geometry
from sixfold.core.records import (
    NO_PAGE, LogRecord, apply_record, decode_page_version, decode_record, peek_header,
)
from sixfold.core.rebuild import RebuildProgress
from sixfold.core.segment_state import SegmentChain, VolumeFence
from sixfold.errors import (
    ChecksumMismatch, InvalidRecord, ReadPointCollected, SegmentBehind, SixfoldError, StaleEpoch,
)
from storage_node.store import Hints, VolumeStore, WriteBatch, decode_fence, encode_fence

log = logging.getLogger("sixfold.storage.volume")


@dataclass
class _Records:
    """Records to persist: from a writer (epoch set) or from gossip/repair (epoch None)."""
    records: list[tuple[LogRecord, bytes]]
    epoch: int | None
    fut: asyncio.Future
    size_bytes: int = 0


@dataclass
class _Control:
    """Anything else that must be ordered with record batches: runs alone."""
    run: Callable[[], object]  # the LMDB work, run by the persist loop
    after: Callable[[object], object] | None  # runs on the loop after commit
    fut: asyncio.Future


@dataclass
class Counters:
    checksum_failures: int = 0
    repairs: int = 0
    gossip_records: int = 0
    gossip_skipped: int = 0  # gossip turns left out: no hole known, nothing to catch up
    trimmed_records: int = 0
    segment_copies: int = 0  # PGs installed from a peer's copy (their log was trimmed past this node)
    rebuilds_finished: int = 0  # rebuilds after opening holding nothing that reached their target


@dataclass
class PageRead:
    image: bytes
    page_lsn: int
    scl: int


def _settle(fut: asyncio.Future, result=None, exc: BaseException | None = None) -> None:
    """Complete a caller's future unless the caller went away (its stream was cancelled)."""
    if fut.done():
        return
    if exc is not None:
        fut.set_exception(exc)
    else:
        fut.set_result(result)


class NodeVolume:
    def __init__(self, name: str, node: str, geometry: Geometry, path: Path, open_env=None):
        self.name = name
        self.node = node
        self.geometry = geometry
        self.store = VolumeStore(path, open_env)
        f = self.store.load_fence()
        self.fence = VolumeFence(*decode_fence(f)) if f else VolumeFence()
        for epoch, above in sorted(self.fence.truncations.items()):
            if epoch > self.fence.applied_epoch:  # learned, then stopped before applying it
                self.store.apply_truncation(self.store.pgs_with_records(), epoch, above, self._fence_json(epoch))
                self.fence.applied(epoch)
        self.hints: Hints = self.store.load_hints()
        # Hints changed since they were last persisted. A PG count that grew is written
        # with the next append; the rest (VDL hint, minimum read point) moves with every
        # append and is written at the next flush (`flush_hints`, each coalesce pass):
        # after a restart, an older hint only makes recovery read more headers and GC
        # collect less.
        self._hints_dirty = False
        self._hints_urgent = False
        scls, self.materialized, self.trimmed = self.store.load_pg_marks()
        # Copy-on-write clones (see `clone_of` and `pins` in store.py). The node links
        # `parent` after opening both volumes.
        self.clone_of: dict | None = self.store.load_meta_json(b"clone")
        self.parent: NodeVolume | None = None
        self.pins: dict[str, int] = self.store.load_meta_json(b"pins") or {}
        # Points a backup pass is about to read pages at (in memory only): kept like pins.
        self.transient_pins: dict[str, int] = {}
        self.dropped = bool(self.store.load_meta_json(b"dropped"))
        self.chains: dict[int, SegmentChain] = {}
        for pg in sorted(set(scls) | set(self.store.pgs_with_records())):
            self.chains[pg] = self.chain_from_disk(pg, scls.get(pg, 0))
        self.queue: asyncio.Queue = asyncio.Queue(PERSIST_QUEUE_BATCHES_MAX)
        self._carry: _Control | None = None  # taken off the queue by the persist loop, runs next
        # Called when an inline persist fails (the node stops, as when its persist loop dies).
        self.on_persist_failure: Callable[[BaseException], None] | None = None
        self.counters = Counters()
        self.repairs: set[tuple[str, int, int]] = set()  # ("record", pg, lsn) | ("version", page, lsn)
        # Opened holding nothing (new, or its disk was replaced): it cannot tell a current
        # writer from a fenced one until its peers say which epoch is the newest. Nothing
        # is taken from a writer or a peer before that (`StorageNode.confirm_volume`).
        self.unconfirmed = self.holds_nothing()
        # Opened holding nothing after records were written (a replaced disk): the LSN it
        # must catch up through before recovery counts it again (`sixfold.core.rebuild`).
        # Persisted: a restart halfway through must not make it look complete.
        through = (self.store.load_meta_json(b"rebuilding") or {}).get("through")
        self.rebuild: RebuildProgress | None = RebuildProgress(node, through) if through else None
        self.lost_clone: dict | None = None  # {parent, fork_lsn}: a clone this node lost with its disk
        if sabotage.active("no-fencing"):
            sabotage.skip_epoch_checks(self)  # chaos runs only: a planted bug the checkers must catch
        log.info("volume %s opened: epoch %d, %d segments, hints %s", name, self.fence.epoch,
                 len(self.chains), self.hints)

    def close(self) -> None:
        self.store.close()

    # --- helpers --------------------------------------------------------------------
    def check_served(self) -> None:
        """Raise SegmentBehind (the caller tries another segment) for a clone this node
        lost with its disk: see `StorageNode.confirm_volume`."""
        if self.lost_clone is not None:
            raise SegmentBehind(f"volume {self.name} is a clone of {self.lost_clone['parent']} that this node lost "
                                "with its disk: not served here")

    def holds(self, pg: int) -> bool:
        return self.node in self.geometry.segments(pg)

    def chain_from_disk(self, pg: int, scl_floor: int) -> SegmentChain:
        """The chain of `pg` as its records on disk make it, from a persisted SCL floor and
        the trim mark up."""
        chain = SegmentChain(pg, scl=scl_floor, trimmed_to=self.trimmed.get(pg, 0))
        for lsn, prev, _cpl, _epoch in self.store.headers_above(pg, chain.scl, 1 << 62):
            chain.add(lsn, prev)
        return chain

    def chain(self, pg: int) -> SegmentChain:
        c = self.chains.get(pg)
        if c is None:
            c = self.chains[pg] = SegmentChain(pg)
        return c

    def scl(self, pg: int) -> int:
        c = self.chains.get(pg)
        return c.scl if c else 0

    async def _persist_fence(self) -> None:
        """Write the fence as it stands, ordered with appends through the persist queue."""
        fence_json = self._fence_json()
        await self.control(lambda: self.store.commit(WriteBatch(fence_json=fence_json)))

    def _fence_json(self, applied_epoch: int | None = None) -> bytes:
        """The fence as persisted; `applied_epoch` once the truncation being written is applied."""
        f = self.fence
        return encode_fence(f.epoch, f.writer_id, f.truncations, f.floor,
                            max(f.applied_epoch, applied_epoch or 0))

    def note_hints(self, vdl_hint: int, min_read_lsn: int, pg_count: int) -> None:
        h = self.hints
        if vdl_hint > h.vdl_hint or min_read_lsn > h.min_read_lsn or pg_count > h.pg_count:
            h.vdl_hint = max(h.vdl_hint, vdl_hint)
            h.min_read_lsn = max(h.min_read_lsn, min_read_lsn)
            if pg_count > h.pg_count:
                h.pg_count = pg_count
                self._hints_urgent = True
            self._hints_dirty = True

    def decode_for_segment(self, raw: bytes) -> LogRecord:
        rec = decode_record(raw)
        if not self.holds(rec.pg):
            raise InvalidRecord(f"record {rec.lsn}: PG {rec.pg} has no segment on {self.node}")
        if rec.page != NO_PAGE and self.geometry.pg_of_page(rec.page) != rec.pg:
            raise InvalidRecord(f"record {rec.lsn}: page {rec.page} is not in PG {rec.pg}")
        return rec

    # --- the persist queue -------------------------------------------------------------
    async def submit_records(self, records: list[tuple[LogRecord, bytes]], epoch: int | None) -> dict[int, int]:
        """Persist records through the queue (grouped with whatever else waits there);
        returns the new SCL of each PG they belong to once they are on disk."""
        fut = asyncio.get_running_loop().create_future()
        await self.queue.put(_Records(records, epoch, fut, sum(len(r) for _, r in records)))
        return await fut

    async def persist_records(self, records: list[tuple[LogRecord, bytes]], epoch: int | None) -> dict[int, int]:
        """`submit_records`, done inline when the queue is empty and the persist loop holds
        nothing back: the same order, without two turns of the event loop."""
        if not self.queue.empty() or self._carry is not None:
            return await self.submit_records(records, epoch)
        fut = asyncio.get_running_loop().create_future()
        try:
            self._persist_group([_Records(records, epoch, fut)])
        except Exception as e:  # the disk failed: as fatal here as in the persist loop
            if self.on_persist_failure is not None:
                self.on_persist_failure(e)
            raise SixfoldError(f"storage node stopping: a write of volume {self.name} failed: {e!r}") from e
        assert fut.done(), "a persisted group settles every caller"
        return fut.result()

    async def control(self, run: Callable[[], object], after: Callable[[object], object] | None = None):
        fut = asyncio.get_running_loop().create_future()
        await self.queue.put(_Control(run, after, fut))
        return await fut

    async def persist_loop(self) -> None:
        while True:
            item = self._carry or await self.queue.get()
            self._carry = None
            if isinstance(item, _Control):
                try:
                    res = item.run()
                    if item.after is not None:
                        res = item.after(res)
                    _settle(item.fut, result=res)
                except Exception as e:  # surfaced to the caller
                    _settle(item.fut, exc=e)
                await asyncio.sleep(0)  # let acks and reads run between transactions
                continue
            group = [item]
            size = item.size_bytes
            while size < PERSIST_BATCH_BYTES_MAX and not self.queue.empty():
                nxt = self.queue.get_nowait()
                if isinstance(nxt, _Control):
                    self._carry = nxt  # taken from the queue, not yet run: inline persists wait for it
                    break
                group.append(nxt)
                size += nxt.size_bytes
            self._persist_group(group)
            await asyncio.sleep(0)  # let acks and reads run between transactions

    def _persist_group(self, group: list[_Records]) -> None:
        batch = WriteBatch()
        seen: set[int] = set()
        live = []
        for it in group:
            if it.epoch is not None and it.epoch != self.fence.epoch:
                _settle(it.fut, exc=StaleEpoch(f"epoch {it.epoch} fenced: volume is at epoch {self.fence.epoch}"))
                continue
            live.append(it)
            for rec, raw in it.records:
                if rec.lsn in seen or self.chain(rec.pg).has(rec.lsn):
                    continue
                if not self.fence.record_valid(rec.epoch, rec.lsn) or rec.epoch > self.fence.epoch:
                    continue  # truncated by a later epoch: never stored again
                seen.add(rec.lsn)
                batch.records.append((rec, raw))
        for rec, _ in batch.records:
            batch.scls[rec.pg] = self.chain(rec.pg).scl
        if self._hints_dirty and (self._hints_urgent or any(not it.records for it in live)):
            batch.hints = Hints(**self.hints.__dict__)
            self._hints_dirty = self._hints_urgent = False
        if batch.records or batch.hints:
            self.store.commit(batch)
        for rec, _ in sorted(batch.records, key=lambda x: x[0].lsn):
            self.chain(rec.pg).add(rec.lsn, rec.prev_segment_lsn)
        for it in live:
            if it.epoch is not None and it.epoch != self.fence.epoch:
                # Fenced while this batch was on its way to disk: persisted, never acknowledged.
                _settle(it.fut, exc=StaleEpoch(f"epoch {it.epoch} fenced during persist"))
                continue
            _settle(it.fut, result={rec.pg: self.chain(rec.pg).scl for rec, _ in it.records})

    async def flush_hints(self) -> None:
        if self._hints_dirty:
            await self.submit_records([], None)

    # --- epochs and truncation -----------------------------------------------------------
    async def learn(self, truncations: dict[int, int]) -> None:
        """Apply what a writer or peer knows about recoveries this node missed."""
        new = self.fence.learn(truncations)
        for epoch, above in sorted(new.items()):
            await self._truncate_local(epoch, above)

    async def _truncate_local(self, epoch: int, above_lsn: int) -> dict[int, int]:
        pgs = sorted(self.chains)
        fence_json = self._fence_json(epoch)

        def after(tails: dict[int, int]) -> dict[int, int]:
            for pg, tail in tails.items():
                chain = self.chains[pg]
                if chain.scl > above_lsn or chain.has_holes:
                    # Read the chain back from disk rather than cut it at the point: records
                    # of `epoch` or newer above it survive. A recovery learned late (a peer
                    # taught it after a newer writer appended here) removes none of those,
                    # and a chain cut below them forgot records the node still holds: its SCL
                    # stuck below them, and recovery could never read them back.
                    with self.store.env.begin() as txn:
                        scl_floor, _mat, _trim = self.store.pg_marks(txn, pg)
                    self.chains[pg] = self.chain_from_disk(pg, scl_floor)
                    assert self.chains[pg].scl >= min(tail, chain.scl), (pg, tail, chain.scl)
                if self.materialized.get(pg, 0) > above_lsn:
                    self.materialized[pg] = 0
            self.fence.applied(epoch)
            log.info("volume %s truncated above %d for epoch %d", self.name, above_lsn, epoch)
            return tails

        return await self.control(lambda: self.store.apply_truncation(pgs, epoch, above_lsn, fence_json), after)

    async def fence_epoch(self, epoch: int, writer_id: str) -> None:
        self.fence.fence(epoch, writer_id)
        await self._persist_fence()
        log.info("volume %s fenced at epoch %d by %s", self.name, epoch, writer_id)

    async def raise_floor(self, floor: int) -> None:
        """The writer says every node applied every truncation up to `floor`: forget them."""
        if self.fence.raise_floor(floor):
            await self._persist_fence()

    def holds_nothing(self) -> bool:
        """No record, page version or trim mark: a new node, or one whose disk was replaced."""
        return (not self.trimmed and self.store.count(self.store.log) == 0
                and self.store.count(self.store.versions) == 0)

    def highest_lsn(self) -> int:
        """The highest of the VDL hint, the records held and the trim marks."""
        return max(self.hints.vdl_hint, max((ch.highest for ch in self.chains.values()), default=0),
                   max(self.trimmed.values(), default=0))

    @property
    def rebuilding(self) -> bool:
        """Unconfirmed (it cannot tell yet) or still catching up after a lost disk."""
        return self.unconfirmed or self.rebuild is not None

    async def begin_rebuild(self, through: int) -> None:
        """Persist the rebuild target before the volume takes any record."""
        assert through > 0
        through = max(through, self.rebuild.target if self.rebuild else 0)
        await self.control(lambda: self.store.put_meta_json(b"rebuilding", {"through": through}))
        self.rebuild = RebuildProgress(self.node, through)
        log.warning("volume %s opened holding nothing after records were written: rebuilding through LSN %d "
                    "(not counted by recovery until then)", self.name, through)

    async def end_rebuild(self) -> None:
        await self.control(lambda: self.store.put_meta_json(b"rebuilding", None))
        log.info("volume %s rebuilt through LSN %d: counted by recovery again", self.name, self.rebuild.target)
        self.counters.rebuilds_finished += 1
        self.rebuild = None

    async def learn_epoch(self, epoch: int) -> None:
        """See `VolumeFence.learn_epoch`; persisted before anything relies on it."""
        if self.fence.learn_epoch(epoch):
            await self._persist_fence()
            log.info("volume %s holds nothing: took its peers' epoch %d", self.name, epoch)

    async def adopt_floor(self, floor: int) -> None:
        """See `VolumeFence.adopt_floor`; only for a volume that `holds_nothing`."""
        assert self.holds_nothing()
        if self.fence.adopt_floor(floor):
            await self._persist_fence()
            log.info("volume %s holds nothing: took the writer's truncation floor, epoch %d", self.name, floor)

    async def truncate(self, epoch: int, writer_id: str, above_lsn: int, history: dict[int, int]) -> None:
        older = {e: t for e, t in history.items() if e < epoch}
        if older:
            await self.learn(older)
        if self.fence.truncate(epoch, writer_id, above_lsn):
            await self._truncate_local(epoch, above_lsn)

    # --- reads ---------------------------------------------------------------------------
    def headers_for_recovery(self, pg: int) -> tuple[int, list[tuple[int, bool, int]], int]:
        """(scl, verified headers above min(scl, vdl_hint), last held lsn) of one segment."""
        chain = self.chains.get(pg)
        if chain is None:
            return 0, [], 0
        lower = min(chain.scl, self.hints.vdl_hint)
        out = []
        with self.store.env.begin() as txn:
            for lsn, raw in self.store.iter_raw(txn, pg, lower, None):
                if len(out) >= RECOVERY_HEADERS_MAX:
                    raise SixfoldError(f"PG {pg}: more than {RECOVERY_HEADERS_MAX} records above the durable point")
                try:
                    rec = decode_record(raw)
                except ChecksumMismatch:
                    self.note_corrupt("record", pg, lsn)
                    continue
                if not self.fence.record_valid(rec.epoch, rec.lsn):
                    continue  # truncated (its deletion may still be queued)
                out.append((rec.lsn, rec.cpl, rec.epoch))
        return chain.scl, out, self.last_held(pg, 1 << 63)

    def pin_points(self) -> tuple[int, ...]:
        """LSNs pages must stay readable at, whatever the GC horizon: clones' forks and
        points a backup pass reads at."""
        return tuple(self.pins.values()) + tuple(self.transient_pins.values())

    def last_held(self, pg: int, at_or_below: int) -> int:
        """The highest LSN of `pg` this segment holds at or below `at_or_below`, counting
        trimmed records as held (they are: in page versions and in the backup)."""
        return max(self.store.last_lsn_at_or_below(pg, at_or_below), min(self.trimmed.get(pg, 0), at_or_below))

    def note_corrupt(self, kind: str, key: int, lsn: int) -> None:
        self.counters.checksum_failures += 1
        self.repairs.add((kind, key, lsn))
        log.warning("volume %s: %s %d@%d failed its checksum; scheduled for repair", self.name, kind, key, lsn)

    def get_page(self, page: int, read_lsn: int, required_scl: int) -> PageRead:
        pg = self.geometry.pg_of_page(page)
        if not self.holds(pg):
            raise InvalidRecord(f"page {page} (PG {pg}) has no segment on {self.node}")
        scl = self.scl(pg)
        if scl < required_scl:
            raise SegmentBehind(f"PG {pg} segment on {self.node} is complete to {scl}, read needs {required_scl}")
        if read_lsn < self.hints.gc_horizon_lsn:
            raise ReadPointCollected(f"read point {read_lsn} is below the GC horizon {self.hints.gc_horizon_lsn}")
        image, lsn = self._materialize(page, pg, read_lsn)
        return PageRead(bytes(image), lsn, scl)

    def _materialize(self, page: int, pg: int, read_lsn: int) -> tuple[bytearray, int]:
        with self.store.env.begin() as txn:
            v = self.store.version_at_or_below(txn, page, read_lsn)
            if v is None and self.parent is not None:
                # Never written here at or below read_lsn: the parent's page as of the fork
                # (this volume's own records all lie above the fork).
                fork = self.clone_of["fork_lsn"]
                img, base = self.parent._materialize(page, pg, min(read_lsn, fork))
                image = bytearray(img)
            elif v is None:
                image, base = bytearray(PAGE_SIZE_BYTES), 0
            else:
                vlsn, enc = v
                try:
                    img, base = decode_page_version(enc)
                except ChecksumMismatch:
                    self.note_corrupt("version", page, vlsn)
                    raise
                assert base == vlsn, (base, vlsn)
                image = bytearray(img)
            lsns = self.store.page_records(txn, page, base, read_lsn)
            if len(lsns) > GET_PAGE_APPLY_RECORDS_MAX:
                raise SixfoldError(f"page {page}: {len(lsns)} records to apply exceed the bound")
            for lsn in lsns:
                raw = self.store.get_raw(txn, pg, lsn)
                assert raw is not None, f"page index names a missing record {lsn}"
                try:
                    rec = decode_record(raw)
                except ChecksumMismatch:
                    self.note_corrupt("record", pg, lsn)
                    raise
                assert self.fence.record_valid(rec.epoch, rec.lsn), "a truncated record was about to be served"
                apply_record(image, rec)
        return image, (lsns[-1] if lsns else base)

    def fetch(self, ranges: list[tuple[int, int, int]], max_records: int, max_bytes: int) -> tuple[list[bytes], bool]:
        """Verified records of the given (pg, after, up_to) ranges, within the limits, and
        whether the answer is short of what this node holds there: cut by the limits, or
        lacking a record that failed its checksum (noted for repair)."""
        out: list[bytes] = []
        size = 0
        short = False
        with self.store.env.begin() as txn:
            for pg, after, up_to in ranges:
                chain = self.chains.get(pg)
                if chain is None or (after >= chain.scl and not chain.has_holes):
                    continue  # nothing held above `after`: no LMDB seek (most PGs of a large volume are idle)
                for lsn, raw in self.store.iter_raw(txn, pg, after, up_to or None):
                    if len(out) >= max_records or size + len(raw) > max_bytes:
                        return out, True
                    try:
                        decode_record(raw)
                    except ChecksumMismatch:
                        self.note_corrupt("record", pg, lsn)
                        short = True
                        continue
                    _l, _pg, _prev, _cpl, epoch = peek_header(raw)
                    if not self.fence.record_valid(epoch, lsn):
                        continue
                    out.append(bytes(raw))
                    size += len(raw)
        return out, short
