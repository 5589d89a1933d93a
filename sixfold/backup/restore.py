"""Point-in-time restore: a new volume from a backup, up to one commit.

`plan` reads the backup's catalog and picks the commit to restore to; `load_stores`
writes, for each PG, its newest page image at or below that commit (as page versions)
and the records above the image up to the commit into the LMDB stores of the new
cluster's storage nodes (before they start), each PG on its six segments, with the
volume fenced at the highest epoch restored. The new writer then recovers the volume as after any crash:
VDL is the restore point, nothing above it exists.

Nothing of the source cluster but its backup location is read: every storage node of
it may be gone.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sixfold.backup.catalog import Catalog, decode_block
from sixfold.backup.objects import MissingObject, ObjectStore
from sixfold.constants import RESTORE_BATCH_RECORDS_MAX
from sixfold.core.backup import RestorePoint
from sixfold.core.records import decode_record, encode_page_version
from sixfold.errors import BackupError, CorruptBackupObject
from sixfold.spec import ClusterSpec


@dataclass
class RestorePlan:
    catalog: Catalog
    point: RestorePoint
    restorable_lsn: int
    skipped: list[str]  # corrupt or missing objects the user chose to restore before


def plan(catalog: Catalog, to_lsn: int | None = None, to_time_us: int | None = None,
         on_corrupt: str = "fail", snapshot: RestorePoint | None = None) -> RestorePlan:
    """The commit to restore to. With `on_corrupt="fail"` a corrupt object or a gap in
    what the nodes claim to have shipped is a BackupError naming it; with "before", the
    restore lands on the last commit before the first damaged range. A `snapshot` is the
    point itself (it may lie below the retention window, whose pruning kept what it needs)."""
    assert on_corrupt in ("fail", "before")
    damaged = [str(e) for e in catalog.corrupt] + [f"no object holds {g}" for g in catalog.gaps()]
    if damaged and on_corrupt == "fail":
        # Each entry names its object (or the LSN range no object holds).
        raise BackupError("; ".join(damaged[:5]) + " (use --on-corrupt before to restore to the last point before it)")
    restorable = catalog.restorable_lsn()
    if snapshot is not None:
        if snapshot.lsn > restorable or not catalog.restorable_at(snapshot.lsn):
            raise BackupError(f"the backup no longer holds what a restore to LSN {snapshot.lsn} needs; "
                              f"see `sixfold backup status`")
        return RestorePlan(catalog, snapshot, restorable, damaged)
    commits = catalog.commits()
    floor = catalog.floor_lsn()
    w = commits.window(restorable, floor)
    if w is None:
        raise BackupError(f"the backup in {catalog.store.describe()} holds no restorable commit of volume "
                          f"{catalog.volume!r} yet")
    if damaged and to_time_us is not None and to_time_us > w[1].commit_ts_us:
        to_time_us = w[1].commit_ts_us  # "before": the latest point the damage leaves
    if damaged and to_lsn is not None and to_lsn > restorable:
        to_lsn = restorable
    try:
        point = commits.restore_point(restorable, to_lsn, to_time_us, floor)
    except ValueError as e:
        raise BackupError(f"{e}; see `sixfold backup status`") from None
    return RestorePlan(catalog, point, restorable, damaged)


class ByteProgress:
    """A progress bar on stderr over a known number of bytes: redrawn in place on a
    terminal, a line every 10% otherwise."""

    def __init__(self, what: str, total: int, stream=None):
        self.what, self.total = what, max(1, total)
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self.t0 = time.monotonic()
        self.done = 0
        self._last_decile = -1

    def add(self, n: int) -> None:
        self.done += n
        frac = min(1.0, self.done / self.total)
        elapsed = time.monotonic() - self.t0
        eta = elapsed / frac - elapsed if frac > 0 else 0.0
        line = (f"{self.what} [{'#' * int(frac * 24):<24}] {frac * 100:3.0f}% "
                f"{self.done / 1e6:.1f}/{self.total / 1e6:.1f} MB | elapsed {elapsed:.0f}s ETA {eta:.0f}s")
        if self.tty:
            print("\r" + line, end="", file=self.stream, flush=True)
        elif int(frac * 10) != self._last_decile:
            self._last_decile = int(frac * 10)
            print(line, file=self.stream, flush=True)

    def close(self) -> None:
        if self.tty:
            print(file=self.stream, flush=True)


def load_stores(store: ObjectStore, p: RestorePlan, spec: ClusterSpec, root: Path,
                progress: Callable[[int], None] | None = None) -> dict[str, int]:
    """Write the records at or below the restore point into the stores of `spec`'s storage
    nodes under `root`/nodes/NAME. Verifies every block's checksum and every PG's chain of
    backlinks (no record missing). Returns counts for the report."""
    from storage_node.store import Hints, VolumeStore, WriteBatch, encode_fence

    lsn = p.point.lsn
    geo = spec.geometry()
    stores = {n.name: VolumeStore(root / "nodes" / n.name / "volumes" / spec.volume) for n in spec.storage_nodes}
    chains: dict[int, dict[int, int]] = {}  # pg -> {lsn: prev}
    top_epoch = records = 0
    pending: dict[str, WriteBatch] = {name: WriteBatch() for name in stores}

    def flush():
        for name, batch in pending.items():
            if batch.records or batch.versions or batch.trims:
                stores[name].commit(batch)
                pending[name] = WriteBatch()

    def pending_items() -> int:
        return sum(len(b.records) + len(b.versions) for b in pending.values())

    bases = p.catalog.base_images(lsn)
    base_lsn = {pg: h["lsn"] for pg, (_k, h) in bases.items()}
    tails = {pg: h["tail"] for pg, (_k, h) in bases.items()}
    try:
        for pg, (key, _h) in sorted(bases.items()):
            try:
                data = store.get(key)
            except MissingObject:
                raise CorruptBackupObject(key, "listed but missing") from None
            header, images = decode_block(key, data)
            versions = [(page, page_lsn, encode_page_version(img, page_lsn))
                        for (page, page_lsn), img in zip(header["pages"], images)]
            for name in geo.segments(pg):
                pending[name].versions += versions
                pending[name].trims[pg] = header["tail"]  # its records up to the image: held, as after a trim
            if pending_items() >= RESTORE_BATCH_RECORDS_MAX:
                flush()
            if progress:
                progress(len(data))
        for key in p.catalog.blocks_for(lsn + 1, base_lsn):
            try:
                data = store.get(key)
            except MissingObject:
                raise CorruptBackupObject(key, "listed but missing") from None
            _header, raws = decode_block(key, data)
            for raw in raws:
                rec = decode_record(raw)
                if rec.lsn > lsn or rec.lsn <= base_lsn.get(rec.pg, 0) or rec.lsn in chains.get(rec.pg, {}):
                    continue
                chains.setdefault(rec.pg, {})[rec.lsn] = rec.prev_segment_lsn
                top_epoch = max(top_epoch, rec.epoch)
                records += 1
                for name in geo.segments(rec.pg):
                    pending[name].records.append((rec, raw))
            if pending_items() >= RESTORE_BATCH_RECORDS_MAX:
                flush()
            if progress:
                progress(len(data))
        flush()
        for pg, chain in chains.items():
            prev = tails.get(pg, 0)
            for at in sorted(chain):
                if chain[at] != prev:
                    raise CorruptBackupObject(f"{spec.volume}/log/ (PG {pg})",
                                              f"record {at} follows {chain[at]}, but the backup's previous "
                                              f"record of PG {pg} is {prev}: records are missing")
                prev = at
        fence = encode_fence(top_epoch, "restore", {}, 0, top_epoch)
        hints = Hints(vdl_hint=lsn, pg_count=p.catalog.pg_count)
        for name, st in stores.items():
            scls = {pg: tail for pg, tail in tails.items() if name in geo.segments(pg)}
            scls.update({pg: max(c) for pg, c in chains.items() if c and name in geo.segments(pg)})
            st.commit(WriteBatch(scls=scls, hints=hints, fence_json=fence))
    finally:
        for st in stores.values():
            st.close()
    return {"records": records, "pgs": len(set(chains) | set(bases)), "images": len(bases), "epoch": top_epoch}


def seed_backup(store: ObjectStore, p: RestorePlan, dst: ObjectStore) -> int:
    """Start the restored volume's own backup (in `dst`) where its stores start: copy the
    page images the restore used and claim them shipped (progress of "restore"), so its
    storage nodes ship from there; a PG restored from its log from LSN 0 is shipped from 0.
    Returns the number of images copied."""
    from sixfold.backup.catalog import encode_json, progress_key

    bases = p.catalog.base_images(p.point.lsn)
    for _pg, (key, _h) in sorted(bases.items()):
        dst.put(key, store.get(key))
    dst.put(progress_key(p.catalog.volume, "restore"), encode_json(
        {"node": "restore", "pg_count": p.catalog.pg_count,
         "pgs": {str(pg): h["lsn"] for pg, (_k, h) in sorted(bases.items())}}))
    return len(bases)


__all__ = ["RestorePlan", "plan", "load_stores", "seed_backup", "ByteProgress"]
