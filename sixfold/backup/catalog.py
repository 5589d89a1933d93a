"""What a volume's backup holds, and its object formats.

Objects of volume V (under the store's prefix):

  V/log/<first lsn>-<last lsn>-<node>-<created us>.blk   records of some PGs
  V/img/<pg>-<lsn>-<node>.img                            every page of one PG as of an LSN
  V/progress/<node>.json                                 what that node has shipped, per PG
  V/snapshots/<name>.json                                a named restore point

A block is `SXFB` | version u8 | header length u32 | header JSON | records | SHA-256 of
everything before it. Each record is a u32 length and the encoded log record (which
carries its own CRC). The header says, per PG, the LSN range (start, end] whose every
record the block holds, and lists the block's commits (CPL LSN, commit timestamp).
An image has the same framing: its header names the PG, the LSN, the PG's last record
at or below it (`tail`) and each page with the LSN of its last record; the entries are
the page images.
JSON objects are `{"sha256": ..., "body": {...}}`, the hash over the canonical body.
A block or JSON object whose checksum fails, or that cannot be parsed, is reported by
its key (`CorruptBackupObject`).
"""

from __future__ import annotations

import hashlib
import json
import struct
from collections.abc import Callable
from dataclasses import dataclass, field

from sixfold.backup.objects import MissingObject, ObjectStore
from sixfold.core.backup import CommitIndex, contiguous_end, first_gap, pg_restorable_floor, restorable_lsn
from sixfold.errors import CorruptBackupObject

MAGIC = b"SXFB"
VERSION = 1
_HEAD = struct.Struct("<4sBI")
_LEN = struct.Struct("<I")
_SHA_BYTES = 32


def block_key(volume: str, first: int, last: int, node: str, created_us: int) -> str:
    return f"{volume}/log/{first:020d}-{last:020d}-{node}-{created_us}.blk"


def image_key(volume: str, pg: int, lsn: int, node: str) -> str:
    return f"{volume}/img/{pg:08d}-{lsn:020d}-{node}.img"


def progress_key(volume: str, node: str) -> str:
    return f"{volume}/progress/{node}.json"


def snapshot_key(volume: str, name: str) -> str:
    return f"{volume}/snapshots/{name}.json"


def encode_block(header: dict, records: list[bytes]) -> bytes:
    head = json.dumps(header, sort_keys=True, separators=(",", ":")).encode()
    parts = [_HEAD.pack(MAGIC, VERSION, len(head)), head]
    for r in records:
        parts += [_LEN.pack(len(r)), r]
    body = b"".join(parts)
    return body + hashlib.sha256(body).digest()


def decode_block(key: str, data: bytes, with_records: bool = True) -> tuple[dict, list[bytes]]:
    if len(data) < _HEAD.size + _SHA_BYTES:
        raise CorruptBackupObject(key, f"truncated ({len(data)} bytes)")
    body, digest = data[:-_SHA_BYTES], data[-_SHA_BYTES:]
    if hashlib.sha256(body).digest() != digest:
        raise CorruptBackupObject(key, "SHA-256 checksum mismatch")
    magic, version, hlen = _HEAD.unpack_from(body)
    if magic != MAGIC or version != VERSION:
        raise CorruptBackupObject(key, f"not a version-{VERSION} Sixfold backup block")
    try:
        header = json.loads(body[_HEAD.size:_HEAD.size + hlen])
    except ValueError as e:
        raise CorruptBackupObject(key, f"unreadable header: {e}") from None
    records = []
    if with_records:
        pos = _HEAD.size + hlen
        while pos < len(body):
            (n,) = _LEN.unpack_from(body, pos)
            records.append(body[pos + 4:pos + 4 + n])
            pos += 4 + n
        if pos != len(body) or len(records) != header.get("records", -1):
            raise CorruptBackupObject(key, "record framing does not match the header")
    return header, records


HEADER_PEEK_BYTES = 64 * 1024  # read first when only a block's header is wanted


def read_header(store: ObjectStore, key: str) -> tuple[dict, int]:
    """A block's header and the block's size, reading only its start: the header is
    parsed and its framing checked, the SHA-256 (over the whole block) is not."""
    data, total = store.head(key, HEADER_PEEK_BYTES)
    if total < _HEAD.size + _SHA_BYTES or len(data) < _HEAD.size:
        raise CorruptBackupObject(key, f"truncated ({total} bytes)")
    magic, version, hlen = _HEAD.unpack_from(data)
    if magic != MAGIC or version != VERSION:
        raise CorruptBackupObject(key, f"not a version-{VERSION} Sixfold backup block")
    if _HEAD.size + hlen + _SHA_BYTES > total:
        raise CorruptBackupObject(key, "header longer than the block")
    if _HEAD.size + hlen > len(data):
        data, _ = store.head(key, _HEAD.size + hlen)
    try:
        return json.loads(data[_HEAD.size:_HEAD.size + hlen]), total
    except ValueError as e:
        raise CorruptBackupObject(key, f"unreadable header: {e}") from None


def encode_json(body: dict) -> bytes:
    canon = json.dumps(body, sort_keys=True, separators=(",", ":"))
    return json.dumps({"sha256": hashlib.sha256(canon.encode()).hexdigest(), "body": body}, sort_keys=True).encode()


def decode_json(key: str, data: bytes) -> dict:
    try:
        d = json.loads(data)
        body = d["body"]
        canon = json.dumps(body, sort_keys=True, separators=(",", ":"))
        ok = hashlib.sha256(canon.encode()).hexdigest() == d["sha256"]
    except (ValueError, KeyError, TypeError) as e:
        raise CorruptBackupObject(key, f"unreadable: {e}") from None
    if not ok:
        raise CorruptBackupObject(key, "SHA-256 checksum mismatch")
    return body


def read_progress(store: ObjectStore, volume: str) -> dict[str, dict]:
    """node -> its progress body ({"pgs": {pg: shipped lsn}, "pg_count": n}). A corrupt
    progress object counts as no claim (its node rewrites it next pass)."""
    out = {}
    for key in store.list(f"{volume}/progress/"):
        node = key.rsplit("/", 1)[1].removesuffix(".json")
        try:
            body = decode_json(key, store.get(key))
        except (CorruptBackupObject, MissingObject):
            continue
        body["pgs"] = {int(pg): lsn for pg, lsn in body.get("pgs", {}).items()}
        out[node] = body
    return out


def read_snapshots(store: ObjectStore, volume: str) -> dict[str, dict]:
    """name -> the snapshot's body ({"lsn", "commit_ts_us", ...}), or {"error": why} for
    one that cannot be read."""
    out = {}
    for key in store.list(f"{volume}/snapshots/"):
        name = key.rsplit("/", 1)[1].removesuffix(".json")
        try:
            out[name] = decode_json(key, store.get(key))
        except (CorruptBackupObject, MissingObject) as e:
            out[name] = {"error": str(e)}
    return out


@dataclass
class Catalog:
    """The blocks of a volume's backup, as read by `load`."""

    store: ObjectStore
    volume: str
    blocks: list[tuple[str, dict]] = field(default_factory=list)  # (key, header) of every readable block
    images: dict[int, list[tuple[int, str, dict]]] = field(default_factory=dict)  # pg -> [(lsn, key, header)]
    corrupt: list[CorruptBackupObject] = field(default_factory=list)
    sizes: dict[str, int] = field(default_factory=dict)  # bytes of each readable block
    pg_count: int = 0
    claimed_lsn: int = 0  # how far the nodes' progress objects say the backup reaches

    @classmethod
    def load(cls, store: ObjectStore, volume: str, progress: Callable[[int, int], None] | None = None,
             verify: bool = True) -> Catalog:
        """Every block's and image's header. `verify`: read each object whole and check
        its SHA-256 (a restore does); otherwise only the headers are read, and damage
        past a header goes unseen until the object is read."""
        cat = cls(store, volume)

        def header(key: str) -> tuple[dict, int]:
            if not verify:
                return read_header(store, key)
            data = store.get(key)
            return decode_block(key, data, with_records=False)[0], len(data)

        # Progress first: a block written after the listing must not look like a gap in
        # what a node (having written it) then claims.
        claims = read_progress(store, volume)
        log_keys = store.list(f"{volume}/log/")
        img_keys = store.list(f"{volume}/img/")
        keys = log_keys + img_keys
        for i, key in enumerate(keys):
            try:
                h, size = header(key)
                if i < len(log_keys):
                    cat.blocks.append((key, h))
                    cat.pg_count = max(cat.pg_count, h.get("pg_count", 0))
                else:
                    cat.images.setdefault(h["pg"], []).append((h["lsn"], key, h))
                cat.sizes[key] = size
            except CorruptBackupObject as e:
                cat.corrupt.append(e)
            except MissingObject:
                cat.corrupt.append(CorruptBackupObject(key, "listed but missing"))
            if progress:
                progress(i + 1, len(keys))
        for body in claims.values():
            cat.pg_count = max(cat.pg_count, body.get("pg_count", 0))
        if cat.pg_count:
            by_pg: dict[int, list[int]] = {}
            for body in claims.values():
                for pg, lsn in body["pgs"].items():
                    by_pg.setdefault(pg, []).append(lsn)
            cat.claimed_lsn = min(max(by_pg.get(pg, [0])) for pg in range(cat.pg_count))
        return cat

    def block_ranges_by_pg(self) -> dict[int, list[tuple[int, int]]]:
        """pg -> the (start, end] ranges its blocks cover."""
        out: dict[int, list[tuple[int, int]]] = {}
        for _key, h in self.blocks:
            for pg, (start, end) in h["pgs"].items():
                out.setdefault(int(pg), []).append((start, end))
        return out

    def ranges_by_pg(self) -> dict[int, list[tuple[int, int]]]:
        """pg -> the (start, end] ranges its blocks cover; an image at S covers (0, S]."""
        out = self.block_ranges_by_pg()
        for pg, imgs in self.images.items():
            out.setdefault(pg, []).extend((0, lsn) for lsn, _k, _h in imgs)
        return out

    def restorable_lsn(self) -> int:
        return restorable_lsn(self.pg_count, self.ranges_by_pg())

    def floor_lsn(self) -> int:
        """The lowest LSN from which every point up to the restorable LSN can be restored:
        each PG needs an image at or below the point (or its log from 0) and its log from
        there on (pruning deletes what lies below the retention window)."""
        top = self.restorable_lsn()
        blocks = self.block_ranges_by_pg()
        return max((pg_restorable_floor([lsn for lsn, _k, _h in self.images.get(pg, [])], blocks.get(pg, []), top)
                    for pg in range(self.pg_count)), default=0)

    def restorable_at(self, lsn: int) -> bool:
        """Whether a restore to `lsn` finds, for every PG, its newest image at or below it
        (or LSN 0) and log from there up to it (a snapshot below the window's floor)."""
        blocks = self.block_ranges_by_pg()
        for pg in range(self.pg_count):
            base = max((i for i, _k, _h in self.images.get(pg, []) if i <= lsn), default=0)
            if contiguous_end([(0, base)] + blocks.get(pg, [])) < lsn:
                return False
        return True

    def window(self):
        """(earliest, latest) restore points, or None."""
        return self.commits().window(self.restorable_lsn(), self.floor_lsn())

    def commits(self) -> CommitIndex:
        return CommitIndex([tuple(c) for _k, h in self.blocks for c in h["cpls"]])

    def gaps(self) -> list[str]:
        """Human-readable LSN ranges the progress objects claim but no readable block covers."""
        out = []
        ranges = self.ranges_by_pg()
        for pg in range(self.pg_count):
            g = first_gap(ranges.get(pg, []), self.claimed_lsn)
            if g is not None:
                out.append(f"PG {pg}: LSNs ({g[0]}, {g[1]}]")
        return out

    def base_images(self, lsn: int) -> dict[int, tuple[str, dict]]:
        """pg -> (key, header) of the newest image at or below `lsn`, for the PGs that have one."""
        out = {}
        for pg, imgs in self.images.items():
            below = [i for i in imgs if i[0] <= lsn]
            if below:
                _lsn, key, header = max(below, key=lambda i: i[0])
                out[pg] = (key, header)
        return out

    def blocks_for(self, upto_lsn: int, bases: dict[int, int] | None = None) -> list[str]:
        """Keys of the blocks that hold records in (bases[pg], upto_lsn] of some PG."""
        bases = bases or {}
        return [k for k, h in self.blocks
                if any(s < upto_lsn and e > bases.get(int(pg), 0) for pg, (s, e) in h["pgs"].items())]


__all__ = ["Catalog", "block_key", "image_key", "progress_key", "snapshot_key", "encode_block", "decode_block", "encode_json",
           "decode_json", "read_progress", "read_snapshots", "read_header"]
