"""Log record and page version formats: round trips, corruption detection, redo.

Properties:
* encode/decode round-trips every valid record and page version;
* any single flipped bit raises ChecksumMismatch (CRC-32 catches every 1-bit error,
  and the CRC is checked before any header field is trusted) - never a silent decode;
* truncated data never decodes: InvalidRecord when shorter than a header, otherwise
  ChecksumMismatch (the trailing 4 bytes are no longer the CRC);
* diff_pages + encode_delta + apply_record turns the old page into the new one;
* whatever decode accepts, encode accepts too (the decoder enforces the encoder's invariants).
"""

from __future__ import annotations

import struct
import zlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sixfold.constants import PAGE_SIZE_BYTES, RECORD_PAYLOAD_BYTES_MAX
from sixfold.core import records as R
from sixfold.core.records import (
    FLAG_CPL, HEADER_BYTES, KIND_DELTA, KIND_IMAGE, KIND_MARKER, NO_PAGE, LogRecord,
    apply_record, decode_page_version, decode_record, diff_pages, encode_delta,
    encode_page_version, encode_record, peek_header,
)
from sixfold.errors import ChecksumMismatch, InvalidRecord, SixfoldError

U32 = 2**32 - 1
U64 = 2**64 - 1
FAST = settings(max_examples=60, deadline=None)


# --- strategies -----------------------------------------------------------------------


@st.composite
def pages(draw) -> bytes:
    """A 4 KiB page: mostly one fill byte with a few random runs (realistic and cheap)."""
    page = bytearray([draw(st.integers(0, 255))]) * PAGE_SIZE_BYTES
    for _ in range(draw(st.integers(0, 6))):
        off = draw(st.integers(0, PAGE_SIZE_BYTES - 1))
        chunk = draw(st.binary(min_size=1, max_size=min(300, PAGE_SIZE_BYTES - off)))
        page[off : off + len(chunk)] = chunk
    return bytes(page)


@st.composite
def modified(draw, old: bytes) -> bytes:
    """`old` with sparse modifications: single bytes, runs, and runs at the page edges."""
    new = bytearray(old)
    for _ in range(draw(st.integers(0, 12))):
        where = draw(st.sampled_from(["start", "end", "any"]))
        length = draw(st.integers(1, 64))
        off = {"start": 0, "end": PAGE_SIZE_BYTES - length}.get(where)
        if off is None:
            off = draw(st.integers(0, PAGE_SIZE_BYTES - length))
        new[off : off + length] = draw(st.binary(min_size=length, max_size=length))
    return bytes(new)


@st.composite
def log_records(draw) -> LogRecord:
    kind = draw(st.sampled_from([KIND_DELTA, KIND_IMAGE, KIND_MARKER]))
    lsn = draw(st.integers(1, U64))
    prev_segment = draw(st.integers(0, lsn - 1))
    if kind == KIND_MARKER:
        page, prev_page, payload = NO_PAGE, 0, b""
    else:
        page = draw(st.integers(0, U64 - 1))
        prev_page = draw(st.integers(0, lsn - 1))
        if kind == KIND_IMAGE:
            payload = draw(pages())
        else:
            payload = encode_delta(draw(st.lists(
                st.integers(0, PAGE_SIZE_BYTES - 1).flatmap(
                    lambda off: st.tuples(st.just(off), st.binary(min_size=1, max_size=min(64, PAGE_SIZE_BYTES - off)))),
                max_size=5)))
    return LogRecord(
        lsn=lsn, pg=draw(st.integers(0, U32)), page=page, prev_segment_lsn=prev_segment,
        prev_page_lsn=prev_page, kind=kind, cpl=draw(st.booleans()), epoch=draw(st.integers(0, U64)),
        commit_ts_us=draw(st.integers(0, U64)), payload=payload,
    )


def raw_record(lsn=5, pg=1, page=7, prev_seg=4, prev_page=3, kind=KIND_DELTA, flags=0, epoch=1, ts=0,
               payload=b"", plen=None) -> bytes:
    """A record built by hand with a correct CRC, bypassing encode_record's asserts."""
    body = struct.pack("<QIQQQBBQQI", lsn, pg, page, prev_seg, prev_page, kind, flags, epoch, ts,
                       len(payload) if plen is None else plen) + payload
    return body + struct.pack("<I", zlib.crc32(body))


# --- records ----------------------------------------------------------------------------


@FAST
@given(log_records())
def test_record_round_trip(rec):
    data = encode_record(rec)
    assert len(data) == HEADER_BYTES + len(rec.payload) + 4
    assert decode_record(data) == rec
    assert decode_record(memoryview(data)) == rec
    assert rec.encode() == data
    assert peek_header(data) == (rec.lsn, rec.pg, rec.prev_segment_lsn, rec.cpl, rec.epoch)


@FAST
@given(log_records(), st.data())
def test_any_flipped_bit_in_record_is_detected(rec, data):
    encoded = bytearray(encode_record(rec))
    bit = data.draw(st.integers(0, len(encoded) * 8 - 1), label="bit")
    encoded[bit // 8] ^= 1 << (bit % 8)
    with pytest.raises(ChecksumMismatch):
        decode_record(bytes(encoded))


@pytest.mark.parametrize("kind", [KIND_DELTA, KIND_IMAGE, KIND_MARKER])
def test_every_single_bit_flip_of_one_record_is_detected(kind):
    """Exhaustive over the bits of one small record of each kind (header, payload, CRC)."""
    payload = {KIND_DELTA: encode_delta([(10, b"abc")]), KIND_IMAGE: bytes(range(256)) * 16, KIND_MARKER: b""}[kind]
    page = NO_PAGE if kind == KIND_MARKER else 9
    rec = LogRecord(42, 3, page, 41, 40 if page != NO_PAGE else 0, kind, True, 2, 123, payload)
    encoded = encode_record(rec)
    for bit in range(len(encoded) * 8):
        flipped = bytearray(encoded)
        flipped[bit // 8] ^= 1 << (bit % 8)
        with pytest.raises(ChecksumMismatch):
            decode_record(bytes(flipped))


@FAST
@given(log_records(), st.data())
def test_truncated_record_never_decodes(rec, data):
    encoded = encode_record(rec)
    cut = data.draw(st.integers(0, len(encoded) - 1), label="kept bytes")
    short = encoded[:cut]
    expected = InvalidRecord if cut < HEADER_BYTES + 4 else ChecksumMismatch
    with pytest.raises(expected):
        decode_record(short)


@FAST
@given(log_records(), st.binary(min_size=1, max_size=16))
def test_record_with_trailing_garbage_never_decodes(rec, extra):
    with pytest.raises((ChecksumMismatch, InvalidRecord)):
        decode_record(encode_record(rec) + extra)


def test_short_inputs_are_invalid_records():
    for n in (0, 1, HEADER_BYTES, HEADER_BYTES + 3):
        with pytest.raises(InvalidRecord):
            decode_record(b"\x00" * n)


@pytest.mark.parametrize(
    "fields",
    [
        dict(plen=10),  # header says 10 payload bytes, there are none
        dict(payload=b"xy", plen=1),
        dict(kind=0),
        dict(kind=4),
        dict(lsn=0, prev_seg=0),
        dict(lsn=5, prev_seg=5),
        dict(lsn=5, prev_seg=6),
        dict(kind=KIND_IMAGE, payload=b"\x00" * (PAGE_SIZE_BYTES - 1)),
        dict(kind=KIND_IMAGE, payload=b"\x00" * (PAGE_SIZE_BYTES + 1)),
        # The decoder must refuse what the encoder refuses to write:
        dict(payload=b"\x00" * (RECORD_PAYLOAD_BYTES_MAX + 1)),  # payload too large
        dict(lsn=5, prev_page=5),  # page backlink not below the record
        dict(lsn=5, prev_page=9),
    ],
)
def test_invalid_records_with_good_crc_are_rejected(fields):
    """Well-checksummed but malformed records raise InvalidRecord (the CRC is fine)."""
    with pytest.raises(InvalidRecord):
        decode_record(raw_record(**fields))


def test_marker_may_carry_any_page_backlink():
    """A MARKER (page NO_PAGE) has no page chain; its prev_page_lsn is not checked."""
    rec = decode_record(raw_record(kind=KIND_MARKER, page=NO_PAGE, prev_page=U64, flags=FLAG_CPL))
    assert rec.kind == KIND_MARKER and rec.cpl


@FAST
@given(st.binary(min_size=0, max_size=200))
def test_decode_of_arbitrary_bytes_raises_only_sixfold_errors(blob):
    """Garbage never decodes by accident (and never raises a non-Sixfold error)."""
    try:
        rec = decode_record(blob)
    except (ChecksumMismatch, InvalidRecord):
        return
    assert decode_record(encode_record(rec)) == rec  # only a genuine record may decode


@FAST
@given(log_records(), st.data())
def test_anything_decode_accepts_encode_accepts(rec, data):
    """Re-signing a mutated record: decode either rejects it with InvalidRecord or
    returns a record that encode_record accepts (no decoded record violates an
    invariant encode_record asserts) and that round-trips. Byte equality holds up to
    the flag bits other than FLAG_CPL, which are reserved and ignored."""
    body = bytearray(encode_record(rec)[:-4])
    i = data.draw(st.integers(0, HEADER_BYTES - 1), label="header byte")
    body[i] = data.draw(st.integers(0, 255), label="value")
    resigned = bytes(body) + struct.pack("<I", zlib.crc32(body))
    try:
        decoded = decode_record(resigned)
    except InvalidRecord:
        return
    again = encode_record(decoded)
    assert decode_record(again) == decoded
    flags_at = HEADER_BYTES - 8 - 8 - 4 - 1
    assert again[:flags_at] + again[flags_at + 1 : -4] == resigned[:flags_at] + resigned[flags_at + 1 : -4]
    assert again[flags_at] == resigned[flags_at] & FLAG_CPL


def test_cpl_flag_is_bit_zero():
    rec = decode_record(raw_record(flags=FLAG_CPL | 0x80))
    assert rec.cpl
    assert not decode_record(raw_record(flags=0x80)).cpl


# --- page versions --------------------------------------------------------------------


@FAST
@given(pages(), st.integers(0, U64))
def test_page_version_round_trip(image, lsn):
    data = encode_page_version(image, lsn)
    assert len(data) == PAGE_SIZE_BYTES + 12
    assert decode_page_version(data) == (image, lsn)
    assert decode_page_version(memoryview(data)) == (image, lsn)


@FAST
@given(pages(), st.integers(0, U64), st.data())
def test_any_flipped_bit_in_page_version_is_detected(image, lsn, data):
    encoded = bytearray(encode_page_version(image, lsn))
    bit = data.draw(st.integers(0, len(encoded) * 8 - 1), label="bit")
    encoded[bit // 8] ^= 1 << (bit % 8)
    with pytest.raises(ChecksumMismatch):
        decode_page_version(bytes(encoded))


def test_page_version_trailer_bits_exhaustive():
    encoded = encode_page_version(bytes(PAGE_SIZE_BYTES), 77)
    for bit in list(range(64)) + list(range((len(encoded) - 12) * 8, len(encoded) * 8)):
        flipped = bytearray(encoded)
        flipped[bit // 8] ^= 1 << (bit % 8)
        with pytest.raises(ChecksumMismatch):
            decode_page_version(bytes(flipped))


@FAST
@given(pages(), st.integers(0, U64), st.data())
def test_page_version_wrong_size_is_detected(image, lsn, data):
    encoded = encode_page_version(image, lsn)
    cut = data.draw(st.integers(0, len(encoded) - 1))
    with pytest.raises(ChecksumMismatch):
        decode_page_version(encoded[:cut])
    with pytest.raises(ChecksumMismatch):
        decode_page_version(encoded + b"\x00")


# --- redo -------------------------------------------------------------------------------


def delta_record(payload: bytes) -> LogRecord:
    return LogRecord(10, 0, 1, 9, 8, KIND_DELTA, False, 1, 0, payload)


@settings(max_examples=80, deadline=None)
@given(st.data())
def test_diff_then_apply_reproduces_new_page(data):
    old = data.draw(pages(), label="old")
    new = data.draw(modified(old), label="new")
    gap = data.draw(st.integers(1, 32), label="gap_bytes")
    ranges = diff_pages(old, new, gap)
    # Ranges are ascending, disjoint, non-empty, start and end on a difference.
    prev_end = -1
    for off, chunk in ranges:
        assert off > prev_end and chunk
        assert old[off] != new[off] and old[off + len(chunk) - 1] != new[off + len(chunk) - 1]
        assert chunk == new[off : off + len(chunk)]
        if prev_end >= 0:
            assert off - prev_end >= gap, "runs closer than gap_bytes must merge"
        prev_end = off + len(chunk)
    # Every differing byte is covered.
    covered = set()
    for off, chunk in ranges:
        covered.update(range(off, off + len(chunk)))
    assert {i for i in range(PAGE_SIZE_BYTES) if old[i] != new[i]} <= covered
    # Redo through the wire format reproduces the page.
    payload = encode_delta(ranges)
    rec = decode_record(encode_record(delta_record(payload)))
    page = bytearray(old)
    apply_record(page, rec)
    assert bytes(page) == new
    assert (ranges == []) == (old == new)


@FAST
@given(pages(), pages())
def test_diff_of_unrelated_pages(old, new):
    page = bytearray(old)
    apply_record(page, delta_record(encode_delta(diff_pages(old, new))))
    assert bytes(page) == new


@FAST
@given(pages(), pages())
def test_image_and_marker_apply(old, image):
    page = bytearray(old)
    apply_record(page, LogRecord(3, 0, 1, 2, 1, KIND_IMAGE, False, 1, 0, image))
    assert bytes(page) == image
    apply_record(page, LogRecord(4, 0, NO_PAGE, 3, 0, KIND_MARKER, True, 1, 0, b""))
    assert bytes(page) == image


def test_diff_merges_close_runs():
    old = bytes(PAGE_SIZE_BYTES)
    new = bytearray(old)
    new[10] = new[15] = new[100] = 1
    assert diff_pages(old, bytes(new), gap_bytes=8) == [(10, bytes(new[10:16])), (100, b"\x01")]
    # bytes 11..14 are four equal bytes: they merge only when gap_bytes > 4
    assert diff_pages(old, bytes(new), gap_bytes=5)[0] == (10, bytes(new[10:16]))
    assert diff_pages(old, bytes(new), gap_bytes=4) == [(10, b"\x01"), (15, b"\x01"), (100, b"\x01")]
    new[PAGE_SIZE_BYTES - 1] = 2
    assert diff_pages(old, bytes(new))[-1] == (PAGE_SIZE_BYTES - 1, b"\x02")


@pytest.mark.parametrize(
    "payload",
    [
        struct.pack("<HH", PAGE_SIZE_BYTES - 2, 3) + b"abc",  # range past the page end
        struct.pack("<HH", 0, 10) + b"abc",  # range longer than the payload
        b"\x01",  # trailing bytes that are not a whole range header
        struct.pack("<HH", 0, 1) + b"a" + b"\x00\x00\x05",
    ],
)
def test_malformed_delta_raises_invalid_record(payload):
    """A delta that cannot be applied raises InvalidRecord (a SixfoldError), never a
    struct.error or a silently resized page."""
    page = bytearray(PAGE_SIZE_BYTES)
    with pytest.raises(InvalidRecord):
        apply_record(page, delta_record(payload))
    assert len(page) == PAGE_SIZE_BYTES


@pytest.mark.parametrize("ranges", [[(-1, b"a")], [(PAGE_SIZE_BYTES - 1, b"ab")], [(0, b"")]])
def test_encode_delta_rejects_bad_ranges(ranges):
    with pytest.raises(AssertionError):
        encode_delta(ranges)


def test_encode_rejects_broken_backlinks():
    with pytest.raises(AssertionError):
        encode_record(LogRecord(5, 0, 1, 5, 1, KIND_DELTA, False, 1, 0, b""))
    with pytest.raises(AssertionError):
        encode_record(LogRecord(5, 0, 1, 4, 6, KIND_DELTA, False, 1, 0, b""))
    with pytest.raises(AssertionError):
        encode_record(LogRecord(5, 0, 1, 4, 3, 9, False, 1, 0, b""))


def test_errors_are_sixfold_errors():
    assert issubclass(ChecksumMismatch, SixfoldError) and issubclass(InvalidRecord, SixfoldError)
    assert ChecksumMismatch.retriable and not InvalidRecord.retriable
    assert R.HEADER_BYTES == 8 + 4 + 8 + 8 + 8 + 1 + 1 + 8 + 8 + 4
