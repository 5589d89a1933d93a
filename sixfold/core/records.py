"""Log records: the only thing a writer ever sends to storage.

Wire and disk format (little endian), then a CRC-32 of everything before it:

    lsn u64 | pg u32 | page u64 | prev_segment_lsn u64 | prev_page_lsn u64 |
    kind u8 | flags u8 | epoch u64 | commit_ts_us u64 | payload_len u32 | payload | crc u32

`prev_segment_lsn` is the previous record of the same protection group (every
segment of a PG receives the same records, so this is the segment backlink that
reveals holes); `prev_page_lsn` is the previous record of the same page. A record
with FLAG_CPL set is the last record of its mini-transaction.

Payloads: IMAGE is a whole page; DELTA is a run of (offset u16, length u16, bytes);
MARKER carries no page change (a mini-transaction with nothing to write).
"""

from __future__ import annotations

import struct
import zlib
from typing import NamedTuple

from sixfold.constants import PAGE_SIZE_BYTES, RECORD_PAYLOAD_BYTES_MAX
from sixfold.errors import ChecksumMismatch, InvalidRecord

KIND_DELTA = 1
KIND_IMAGE = 2
KIND_MARKER = 3
KINDS = (KIND_DELTA, KIND_IMAGE, KIND_MARKER)
FLAG_CPL = 0x01

NO_PAGE = 0xFFFF_FFFF_FFFF_FFFF  # page number of a MARKER record
SCHEMA_HEADER_PAGE = 1  # the volume page holding SQLite's header (its schema version among it)

_HEADER = struct.Struct("<QIQQQBBQQI")
_CRC = struct.Struct("<I")
HEADER_BYTES = _HEADER.size
_RANGE = struct.Struct("<HH")


class LogRecord(NamedTuple):
    """A decoded record. A NamedTuple: a storage node builds one per record it receives,
    and a tuple builds in a sixth of a frozen dataclass's time."""

    lsn: int
    pg: int
    page: int
    prev_segment_lsn: int
    prev_page_lsn: int
    kind: int
    cpl: bool
    epoch: int
    commit_ts_us: int
    payload: bytes

    def encode(self) -> bytes:
        return encode_record(self)


def encode_record(r: LogRecord) -> bytes:
    assert r.kind in KINDS, r.kind
    assert r.prev_segment_lsn < r.lsn and (r.prev_page_lsn < r.lsn or r.page == NO_PAGE)
    assert len(r.payload) <= RECORD_PAYLOAD_BYTES_MAX
    body = _HEADER.pack(
        r.lsn, r.pg, r.page, r.prev_segment_lsn, r.prev_page_lsn, r.kind,
        FLAG_CPL if r.cpl else 0, r.epoch, r.commit_ts_us, len(r.payload),
    ) + r.payload
    return body + _CRC.pack(zlib.crc32(body))


def decode_record(data: bytes | memoryview) -> LogRecord:
    """Decode and verify one record. Raises ChecksumMismatch or InvalidRecord."""
    data = bytes(data)
    if len(data) < HEADER_BYTES + _CRC.size:
        raise InvalidRecord(f"record of {len(data)} bytes is shorter than a header")
    (crc,) = _CRC.unpack_from(data, len(data) - _CRC.size)
    if zlib.crc32(memoryview(data)[: len(data) - _CRC.size]) != crc:
        raise ChecksumMismatch("log record failed its checksum")
    lsn, pg, page, prev_seg, prev_page, kind, flags, epoch, ts, plen = _HEADER.unpack_from(data, 0)
    if HEADER_BYTES + plen + _CRC.size != len(data):
        raise InvalidRecord(f"record {lsn}: payload length {plen} does not match its size")
    if kind not in KINDS or prev_seg >= lsn or lsn == 0 or (prev_page >= lsn and page != NO_PAGE):
        raise InvalidRecord(f"record {lsn}: bad kind {kind} or backlink {prev_seg}/{prev_page}")
    if plen > RECORD_PAYLOAD_BYTES_MAX:
        raise InvalidRecord(f"record {lsn}: payload of {plen} bytes is too large")
    payload = data[HEADER_BYTES : HEADER_BYTES + plen]
    if kind == KIND_IMAGE and plen != PAGE_SIZE_BYTES:
        raise InvalidRecord(f"record {lsn}: page image of {plen} bytes")
    return LogRecord(lsn, pg, page, prev_seg, prev_page, kind, bool(flags & FLAG_CPL), epoch, ts, payload)


def peek_page_kind(data: bytes) -> tuple[int, int]:
    """(page, kind) without verifying the checksum."""
    _l, _pg, page, _ps, _pp, kind, _f, _e, _t, _n = _HEADER.unpack_from(data, 0)
    return page, kind


def peek_commit_ts_us(data: bytes) -> int:
    """The commit timestamp of a CPL record (0 on other records), without verifying."""
    return _HEADER.unpack_from(data, 0)[8]


def peek_header(data: bytes) -> tuple[int, int, int, bool, int]:
    """(lsn, pg, prev_segment_lsn, cpl, epoch) without verifying the checksum."""
    lsn, pg, _page, prev_seg, _pp, _kind, flags, epoch, _ts, _plen = _HEADER.unpack_from(data, 0)
    return lsn, pg, prev_seg, bool(flags & FLAG_CPL), epoch


# --- Redo ------------------------------------------------------------------------


def encode_delta(ranges: list[tuple[int, bytes]]) -> bytes:
    out = bytearray()
    for offset, chunk in ranges:
        assert 0 <= offset and offset + len(chunk) <= PAGE_SIZE_BYTES and 0 < len(chunk) < 65536
        out += _RANGE.pack(offset, len(chunk)) + chunk
    return bytes(out)


def diff_pages(old: bytes, new: bytes, gap_bytes: int = 8, block_bytes: int = 32,
               chunk_bytes: int = 256) -> list[tuple[int, bytes]]:
    """Byte ranges where `new` differs from `old` (runs closer than gap_bytes merge).

    Compares whole chunks, then the blocks of a chunk that differs (slice comparison
    runs in C), and looks at single bytes only inside blocks that differ: on the commit
    path, under the write lock. A page update usually touches two or three chunks."""
    assert len(old) == len(new) == PAGE_SIZE_BYTES and chunk_bytes % block_bytes == 0
    ranges: list[tuple[int, bytes]] = []
    start = end = -1
    for c in range(0, PAGE_SIZE_BYTES, chunk_bytes):
        if old[c:c + chunk_bytes] == new[c:c + chunk_bytes]:
            continue
        for b in range(c, c + chunk_bytes, block_bytes):
            e = b + block_bytes
            if old[b:e] == new[b:e]:
                continue
            i = b
            while i < e:
                if old[i] == new[i]:
                    i += 1
                    continue
                j = i + 1
                while j < e and old[j] != new[j]:
                    j += 1
                if start >= 0 and i - end < gap_bytes:
                    end = j  # a short equal stretch: one range costs less than two headers
                else:
                    if start >= 0:
                        ranges.append((start, bytes(new[start:end])))
                    start, end = i, j
                i = j
    if start >= 0:
        ranges.append((start, bytes(new[start:end])))
    return ranges


def apply_record(page: bytearray, record: LogRecord) -> None:
    """Apply one redo record to a page image in place."""
    assert len(page) == PAGE_SIZE_BYTES
    if record.kind == KIND_IMAGE:
        page[:] = record.payload
    elif record.kind == KIND_DELTA:
        p, data = 0, record.payload
        while p < len(data):
            if p + _RANGE.size > len(data):
                raise InvalidRecord(f"record {record.lsn}: truncated delta range")
            offset, length = _RANGE.unpack_from(data, p)
            p += _RANGE.size
            if offset + length > PAGE_SIZE_BYTES or p + length > len(data):
                raise InvalidRecord(f"record {record.lsn}: delta range out of bounds")
            page[offset : offset + length] = data[p : p + length]
            p += length


# --- Page versions on disk: image + lsn + crc -------------------------------------

_VERSION_TRAILER = struct.Struct("<QI")


def encode_page_version(image: bytes, lsn: int) -> bytes:
    assert len(image) == PAGE_SIZE_BYTES
    body = bytes(image) + struct.pack("<Q", lsn)
    return body + _CRC.pack(zlib.crc32(body))


def decode_page_version(data: bytes | memoryview) -> tuple[bytes, int]:
    data = bytes(data)
    if len(data) != PAGE_SIZE_BYTES + _VERSION_TRAILER.size:
        raise ChecksumMismatch("page version has the wrong size")
    lsn, crc = _VERSION_TRAILER.unpack_from(data, PAGE_SIZE_BYTES)
    if zlib.crc32(memoryview(data)[: PAGE_SIZE_BYTES + 8]) != crc:
        raise ChecksumMismatch(f"page version at lsn {lsn} failed its checksum")
    return data[:PAGE_SIZE_BYTES], lsn
