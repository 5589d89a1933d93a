"""LMDB persistence of one volume's segments on one storage node.

Sub-databases (keys big-endian so LMDB order is numeric order):
  log       pg u32 | lsn u64   -> encoded log record (checksummed)
  page_log  page u64 | lsn u64 -> b""  (which records touch a page)
  versions  page u64 | lsn u64 -> page image | lsn | crc  (materialized versions)
  meta      b"fence" -> JSON {epoch, writer_id, truncations}
            b"hints" -> JSON {vdl_hint, min_read_lsn, gc_horizon_lsn, pg_count}
            b"scl" + pg u32 -> u64 (a lower bound of the segment's SCL)
            b"mat" + pg u32 -> u64 (records up to here are folded into versions)
            b"trm" + pg u32 -> u64 (records up to here are trimmed: backed up, and every
                                   page they touch has a version at or above its last one)
            b"clone" -> JSON {parent, fork_lsn}: a copy-on-write clone of volume `parent`
                       as of `fork_lsn` (pages it never wrote are read from the parent)
            b"pins" -> JSON {clone: fork_lsn}: clones that read this volume's pages as of
                       those LSNs (GC and trimming keep what they need)
            b"dropped" -> JSON true: the volume was dropped; kept only for its clones

Writes happen on the node's event loop thread, one transaction at a time; each
ends with an fsync (LMDB sync=True), so a batch is on disk before any append in it
is acknowledged.
"""

from __future__ import annotations

import json
import struct
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import lmdb

from sixfold.constants import LMDB_MAP_SIZE_BYTES, LMDB_MAX_READERS_COUNT
from sixfold.core.records import NO_PAGE, LogRecord, decode_record, peek_header, peek_page_kind

_PG_LSN = struct.Struct(">IQ")
_PAGE_LSN = struct.Struct(">QQ")
_U64 = struct.Struct(">Q")
_U32 = struct.Struct(">I")


def log_key(pg: int, lsn: int) -> bytes:
    return _PG_LSN.pack(pg, lsn)


def page_key(page: int, lsn: int) -> bytes:
    return _PAGE_LSN.pack(page, lsn)


@dataclass
class Hints:
    vdl_hint: int = 0
    min_read_lsn: int = 0
    gc_horizon_lsn: int = 0
    pg_count: int = 0


@dataclass
class WriteBatch:
    """Everything one write transaction does."""

    records: list[tuple[LogRecord, bytes]] = field(default_factory=list)
    scls: dict[int, int] = field(default_factory=dict)
    versions: list[tuple[int, int, bytes]] = field(default_factory=list)  # page, lsn, encoded
    materialized: dict[int, int] = field(default_factory=dict)
    hints: Hints | None = None
    fence_json: bytes | None = None
    repaired_records: list[tuple[int, int, bytes]] = field(default_factory=list)  # pg, lsn, raw
    deleted_versions: list[tuple[int, int]] = field(default_factory=list)
    trims: dict[int, int] = field(default_factory=dict)  # pg -> trim mark (a restore's page images)


class VolumeStore:
    def __init__(self, path: Path, open_env=None):
        """`open_env` opens the LMDB environment (default `lmdb.open`); the simulator
        passes its in-memory one with the same interface."""
        self.path = path
        if open_env is None:
            path.mkdir(parents=True, exist_ok=True)
            open_env = lmdb.open
        self.env = open_env(
            str(path), map_size=LMDB_MAP_SIZE_BYTES, max_dbs=8, sync=True, metasync=True,
            max_readers=LMDB_MAX_READERS_COUNT, readahead=False,
        )
        self.log = self.env.open_db(b"log")
        self.page_log = self.env.open_db(b"page_log")
        self.versions = self.env.open_db(b"versions")
        self.meta = self.env.open_db(b"meta")

    def close(self) -> None:
        self.env.close()

    # --- metadata ---------------------------------------------------------------
    def load_fence(self) -> dict | None:
        with self.env.begin(db=self.meta) as txn:
            raw = txn.get(b"fence")
        return json.loads(raw) if raw else None

    def load_meta_json(self, key: bytes):
        with self.env.begin(db=self.meta) as txn:
            raw = txn.get(key)
        return json.loads(raw) if raw else None

    def put_meta_json(self, key: bytes, value) -> None:
        """One fsynced transaction."""
        with self.env.begin(write=True, db=self.meta) as txn:
            txn.put(key, json.dumps(value, sort_keys=True).encode())

    def load_hints(self) -> Hints:
        with self.env.begin(db=self.meta) as txn:
            raw = txn.get(b"hints")
        return Hints(**json.loads(raw)) if raw else Hints()

    def load_pg_marks(self) -> tuple[dict[int, int], dict[int, int], dict[int, int]]:
        """(persisted SCL lower bounds, materialized marks, trim marks) per PG."""
        scls, mats, trims = {}, {}, {}
        with self.env.begin(db=self.meta) as txn:
            cur = txn.cursor()
            for prefix, out in ((b"scl", scls), (b"mat", mats), (b"trm", trims)):
                if cur.set_range(prefix):
                    for k, v in cur:
                        if not k.startswith(prefix):
                            break
                        out[_U32.unpack(k[3:])[0]] = _U64.unpack(v)[0]
        return scls, mats, trims

    def pgs_with_records(self) -> list[int]:
        pgs = []
        with self.env.begin(db=self.log) as txn:
            cur = txn.cursor()
            pg = 0
            while cur.set_range(_U32.pack(pg) + b"\0" * 8):
                pg = _PG_LSN.unpack(cur.key())[0]
                pgs.append(pg)
                pg += 1
        return pgs

    # --- log -------------------------------------------------------------------------
    def headers_above(self, pg: int, after_lsn: int, limit: int) -> list[tuple[int, int, bool, int]]:
        """(lsn, prev, cpl, epoch) of records of `pg` above `after_lsn`, unverified."""
        out = []
        with self.env.begin(db=self.log) as txn:
            cur = txn.cursor()
            if not cur.set_range(log_key(pg, after_lsn + 1)):
                return out
            for k, v in cur:
                kpg, lsn = _PG_LSN.unpack(k)
                if kpg != pg or len(out) >= limit:
                    break
                _l, _pg, prev, cpl, epoch = peek_header(v)
                out.append((lsn, prev, cpl, epoch))
        return out

    def iter_raw(self, txn, pg: int, after_lsn: int, up_to_lsn: int | None) -> Iterator[tuple[int, bytes]]:
        cur = txn.cursor(db=self.log)
        if not cur.set_range(log_key(pg, after_lsn + 1)):
            return
        for k, v in cur:
            kpg, lsn = _PG_LSN.unpack(k)
            if kpg != pg or (up_to_lsn is not None and lsn > up_to_lsn):
                return
            yield lsn, v

    def get_raw(self, txn, pg: int, lsn: int) -> bytes | None:
        return txn.get(log_key(pg, lsn), db=self.log)

    def last_lsn_at_or_below(self, pg: int, lsn: int) -> int:
        with self.env.begin(db=self.log) as txn:
            cur = txn.cursor()
            if cur.set_range(log_key(pg, lsn + 1)):
                if not cur.prev():
                    return 0
            elif not cur.last():
                return 0
            kpg, klsn = _PG_LSN.unpack(cur.key())
            return klsn if kpg == pg else 0

    def page_records(self, txn, page: int, after_lsn: int, up_to_lsn: int) -> list[int]:
        """LSNs of the records touching `page` in (after_lsn, up_to_lsn]."""
        cur = txn.cursor(db=self.page_log)
        out = []
        if not cur.set_range(page_key(page, after_lsn + 1)):
            return out
        for k in cur.iternext(keys=True, values=False):
            kpage, lsn = _PAGE_LSN.unpack(k)
            if kpage != page or lsn > up_to_lsn:
                break
            out.append(lsn)
        return out

    # --- versions -----------------------------------------------------------------
    def version_at_or_below(self, txn, page: int, lsn: int) -> tuple[int, bytes] | None:
        cur = txn.cursor(db=self.versions)
        if cur.set_range(page_key(page, lsn + 1)):
            if not cur.prev():
                return None
        elif not cur.last():
            return None
        kpage, vlsn = _PAGE_LSN.unpack(cur.key())
        return (vlsn, cur.value()) if kpage == page else None

    def count(self, db) -> int:
        with self.env.begin(db=db) as txn:
            return txn.stat(db)["entries"]

    # --- the writer thread -----------------------------------------------------------
    def commit(self, b: WriteBatch) -> None:
        """One fsynced transaction."""
        with self.env.begin(write=True) as txn:
            for rec, raw in b.records:
                txn.put(log_key(rec.pg, rec.lsn), raw, db=self.log)
                if rec.page != NO_PAGE:
                    txn.put(page_key(rec.page, rec.lsn), b"", db=self.page_log)
            for pg, lsn, raw in b.repaired_records:
                txn.put(log_key(pg, lsn), raw, db=self.log)
            for page, lsn, enc in b.versions:
                txn.put(page_key(page, lsn), enc, db=self.versions)
            for page, lsn in b.deleted_versions:
                txn.delete(page_key(page, lsn), db=self.versions)
            for pg, scl in b.scls.items():
                txn.put(b"scl" + _U32.pack(pg), _U64.pack(scl), db=self.meta)
            for pg, m in b.materialized.items():
                txn.put(b"mat" + _U32.pack(pg), _U64.pack(m), db=self.meta)
            for pg, t in b.trims.items():
                txn.put(b"trm" + _U32.pack(pg), _U64.pack(t), db=self.meta)
            if b.hints is not None:
                txn.put(b"hints", json.dumps(b.hints.__dict__).encode(), db=self.meta)
            if b.fence_json is not None:
                txn.put(b"fence", b.fence_json, db=self.meta)

    def trim_many(self, items: list[tuple[int, int, list[tuple[int, int]], list[tuple[int, int, bytes]]]]) -> None:
        """For each (pg, upto_lsn, records, versions): write `versions`, then delete
        `records` ((lsn, page) of `pg`, all at or below `upto_lsn`) from the log and the
        page index, and persist the trim mark. One fsynced transaction, so a crash leaves
        either all of it or none."""
        with self.env.begin(write=True) as txn:
            for pg, upto_lsn, records, versions in items:
                for page, lsn, enc in versions:
                    txn.put(page_key(page, lsn), enc, db=self.versions)
                for lsn, page in records:
                    assert lsn <= upto_lsn
                    txn.delete(log_key(pg, lsn), db=self.log)
                    if page != NO_PAGE:
                        txn.delete(page_key(page, lsn), db=self.page_log)
                txn.put(b"trm" + _U32.pack(pg), _U64.pack(upto_lsn), db=self.meta)

    # --- segment copies (a node that lost its disk catches up on a trimmed PG) ---------------
    def pg_marks(self, txn, pg: int) -> tuple[int, int, int]:
        """(persisted SCL lower bound, materialized mark, trim mark) of `pg` as of `txn`."""
        out = []
        for prefix in (b"scl", b"mat", b"trm"):
            raw = txn.get(prefix + _U32.pack(pg), db=self.meta)
            out.append(_U64.unpack(raw)[0] if raw is not None else 0)
        return out[0], out[1], out[2]

    def versions_of_pages(self, txn, pages: range) -> Iterator[tuple[int, int, bytes]]:
        """(page, lsn, stored version) of every version of the pages in `pages`."""
        cur = txn.cursor(db=self.versions)
        if not cur.set_range(page_key(pages.start, 0)):
            return
        for k, v in cur:
            page, lsn = _PAGE_LSN.unpack(k)
            if page >= pages.stop:
                return
            yield page, lsn, bytes(v)

    def install_copy(self, pg: int, scl_floor: int, materialized: int, trimmed: int,
                     versions: list[tuple[int, int, bytes]], records: list[tuple[int, int, bytes]]) -> None:
        """Take a peer's copy of segment `pg` (`records` as (lsn, page, raw)), in one fsynced
        transaction: this segment's own records at or below the copy's trim mark go (the
        copied versions hold them), the copy's versions and records are added, and each
        mark rises to the copy's."""
        with self.env.begin(write=True) as txn:
            for lsn, raw in list(self.iter_raw(txn, pg, 0, trimmed)):
                page, _kind = peek_page_kind(raw)
                txn.delete(log_key(pg, lsn), db=self.log)
                if page != NO_PAGE:
                    txn.delete(page_key(page, lsn), db=self.page_log)
            for page, lsn, enc in versions:
                txn.put(page_key(page, lsn), enc, db=self.versions)
            for lsn, page, raw in records:
                txn.put(log_key(pg, lsn), raw, db=self.log)
                if page != NO_PAGE:
                    txn.put(page_key(page, lsn), b"", db=self.page_log)
            for prefix, value in ((b"scl", scl_floor), (b"mat", materialized), (b"trm", trimmed)):
                key = prefix + _U32.pack(pg)
                raw = txn.get(key, db=self.meta)
                if raw is None or _U64.unpack(raw)[0] < value:
                    txn.put(key, _U64.pack(value), db=self.meta)

    def apply_truncation(self, pgs: list[int], record_epoch_below: int, above_lsn: int,
                         fence_json: bytes) -> dict[int, int]:
        """Drop every record of an epoch below `record_epoch_below` with LSN above
        `above_lsn`, every page version above it, and persist the new fence, in one
        fsynced transaction. Returns, per PG, the highest LSN still held at or below it."""
        tails = {}
        with self.env.begin(write=True) as txn:
            for pg in pgs:
                doomed = []
                for lsn, raw in self.iter_raw(txn, pg, above_lsn, None):
                    _l, _pg, _prev, _cpl, epoch = peek_header(raw)
                    if epoch < record_epoch_below:
                        doomed.append((lsn, peek_page_kind(raw)[0]))
                for lsn, page in doomed:
                    txn.delete(log_key(pg, lsn), db=self.log)
                    if page != NO_PAGE:
                        txn.delete(page_key(page, lsn), db=self.page_log)
                        self._delete_versions_above(txn, page, above_lsn)
                scl_raw = txn.get(b"scl" + _U32.pack(pg), db=self.meta)
                if scl_raw is not None and _U64.unpack(scl_raw)[0] > above_lsn:
                    txn.put(b"scl" + _U32.pack(pg), _U64.pack(0), db=self.meta)
                mat_raw = txn.get(b"mat" + _U32.pack(pg), db=self.meta)
                if mat_raw is not None and _U64.unpack(mat_raw)[0] > above_lsn:
                    txn.put(b"mat" + _U32.pack(pg), _U64.pack(0), db=self.meta)
                cur = txn.cursor(db=self.log)
                tail = 0
                if cur.set_range(log_key(pg, above_lsn + 1)):
                    if cur.prev():
                        kpg, klsn = _PG_LSN.unpack(cur.key())
                        tail = klsn if kpg == pg else 0
                elif cur.last():
                    kpg, klsn = _PG_LSN.unpack(cur.key())
                    tail = klsn if kpg == pg and klsn <= above_lsn else 0
                tails[pg] = tail
            txn.put(b"fence", fence_json, db=self.meta)
        return tails

    def _delete_versions_above(self, txn, page: int, above_lsn: int) -> None:
        cur = txn.cursor(db=self.versions)
        if not cur.set_range(page_key(page, above_lsn + 1)):
            return
        while cur.key() and _PAGE_LSN.unpack(cur.key())[0] == page:
            cur.delete()  # moves to the next entry

    def gc_versions(self, start_page: int, horizon_lsn: int, max_entries: int,
                    pins: tuple[int, ...] = ()) -> tuple[int, int]:
        """Delete versions older than the newest one at or below `horizon_lsn`, for pages
        from `start_page` on, visiting at most `max_entries`, except the newest one at or
        below each of `pins` (clones read the page there). Returns (next page, deleted)."""
        deleted = visited = 0
        with self.env.begin(write=True, db=self.versions) as txn:
            cur = txn.cursor()
            if not cur.set_range(page_key(start_page, 0)):
                return 0, 0
            page = None
            group: list[int] = []
            while True:
                key = cur.key()
                if not key:
                    break
                kpage, lsn = _PAGE_LSN.unpack(key)
                if kpage != page:
                    deleted += self._collect(txn, page, group, horizon_lsn, pins)
                    if visited >= max_entries:
                        return kpage, deleted
                    page, group = kpage, []
                group.append(lsn)
                visited += 1
                if not cur.next():
                    break
            deleted += self._collect(txn, page, group, horizon_lsn, pins)
        return 0, deleted

    @staticmethod
    def _collect(txn, page, lsns: list[int], horizon_lsn: int, pins: tuple[int, ...] = ()) -> int:
        if page is None:
            return 0
        below = [l for l in lsns if l <= horizon_lsn]
        # The newest at or below the horizon serves reads at the horizon; the newest at or
        # below a pin serves a clone's reads.
        kept = {max(below)} if below else set()
        for pin in pins:
            at_pin = [l for l in lsns if l <= pin]
            if at_pin:
                kept.add(max(at_pin))
        doomed = [l for l in below if l not in kept]
        for lsn in doomed:
            txn.delete(page_key(page, lsn))
        return len(doomed)


def encode_fence(epoch: int, writer_id: str, truncations: dict[int, int], floor: int, applied_epoch: int) -> bytes:
    return json.dumps({"epoch": epoch, "writer_id": writer_id, "floor": floor, "applied_epoch": applied_epoch,
                       "truncations": {str(e): t for e, t in sorted(truncations.items())}}).encode()


def decode_fence(d: dict) -> tuple[int, str, dict[int, int], int, int]:
    """(epoch, writer_id, truncations, floor, applied_epoch). A fence written before
    floors existed had applied every truncation it lists."""
    truncs = {int(e): t for e, t in d["truncations"].items()}
    return (d["epoch"], d["writer_id"], truncs, d.get("floor", 0),
            d.get("applied_epoch", max(truncs, default=0)))


__all__ = ["VolumeStore", "WriteBatch", "Hints", "encode_fence", "decode_fence", "decode_record"]
