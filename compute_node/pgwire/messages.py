"""PostgreSQL protocol v3 messages: frame limits, frontend decoding, backend encoding.

Pure: bytes in, values out. Every length is checked before anything is allocated for
it. A frame that cannot be trusted (its length is out of bounds) raises
`ProtocolViolation`: the stream is lost, the connection is closed after a FATAL error.
A well-framed message whose contents are malformed raises `MalformedMessage`: an
ERROR, and the connection goes on with the next message, as PostgreSQL does.
"""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass

from sixfold.errors import DETAIL_MARK, SqlError

PROTOCOL_V3 = 196608  # 3.0
SSL_REQUEST_CODE = 80877103
GSSENC_REQUEST_CODE = 80877104
CANCEL_REQUEST_CODE = 80877102

_I16 = struct.Struct("!h")
_I32 = struct.Struct("!i")
_HEADER = struct.Struct("!ci")


class ProtocolViolation(SqlError):
    """The client broke the framing of the protocol (a length out of bounds, an unknown
    message type, a message out of place). The server answers with a FATAL
    ErrorResponse and closes the connection; not retriable."""

    def __init__(self, message: str):
        super().__init__(message, "08P01")


class MalformedMessage(SqlError):
    """A well-framed message with malformed contents (a string without its NUL, counts
    that overrun the message). An ERROR; the connection stays usable. Not retriable."""

    def __init__(self, message: str):
        super().__init__(message, "08P01")


def check_length(length: int, limit_bytes: int, what: str) -> None:
    """A frame's length field (it counts itself: at least 4) against the limit."""
    if length < 4:
        raise ProtocolViolation(f"invalid {what} length {length}")
    if length > limit_bytes:
        raise ProtocolViolation(f"{what} length {length} exceeds the limit of {limit_bytes} bytes")


class Reader:
    """Cursor over one message body; every read is bounds-checked."""

    __slots__ = ("data", "pos")

    def __init__(self, data: bytes):
        self.data = data
        self.pos = 0

    def _take(self, n: int) -> bytes:
        if n < 0 or self.pos + n > len(self.data):
            raise MalformedMessage("message is shorter than its contents claim")
        b = self.data[self.pos : self.pos + n]
        self.pos += n
        return b

    def int16(self) -> int:
        return _I16.unpack(self._take(2))[0]

    def int32(self) -> int:
        return _I32.unpack(self._take(4))[0]

    def byte(self) -> bytes:
        return self._take(1)

    def bytes(self, n: int) -> bytes:
        return self._take(n)

    def cstring(self) -> str:
        end = self.data.find(b"\0", self.pos)
        if end < 0:
            raise MalformedMessage("unterminated string in message")
        raw = self.data[self.pos : end]
        self.pos = end + 1
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            raise SqlError("invalid byte sequence for encoding \"UTF8\"", "22021") from None

    def rest(self) -> bytes:
        b = self.data[self.pos :]
        self.pos = len(self.data)
        return b

    def done(self) -> None:
        if self.pos != len(self.data):
            raise MalformedMessage("message has trailing bytes")


# --- frontend messages ----------------------------------------------------------------
@dataclass(frozen=True)
class Startup:
    version: int
    params: dict


@dataclass(frozen=True)
class CancelRequest:
    pid: int
    secret: int


@dataclass(frozen=True)
class SslRequest:
    pass


@dataclass(frozen=True)
class GssEncRequest:
    pass


def decode_startup(body: bytes):
    """The body (after the length) of the first message of a connection."""
    r = Reader(body)
    code = r.int32()
    if code == SSL_REQUEST_CODE:
        r.done()
        return SslRequest()
    if code == GSSENC_REQUEST_CODE:
        r.done()
        return GssEncRequest()
    if code == CANCEL_REQUEST_CODE:
        pid, secret = r.int32(), r.int32()
        r.done()
        return CancelRequest(pid, secret)
    if code >> 16 != 3:
        raise SqlError(f"unsupported frontend protocol {code >> 16}.{code & 0xFFFF}: "
                       "server supports 3.0 to 3.0", "0A000")
    params = {}
    while True:
        key = r.cstring()
        if not key:
            break
        params[key] = r.cstring()
    r.done()
    if "user" not in params or not params["user"]:
        raise SqlError("no PostgreSQL user name specified in startup packet", "28000")
    return Startup(code, params)


@dataclass(frozen=True)
class Parse:
    name: str
    query: str
    param_oids: tuple[int, ...]


@dataclass(frozen=True)
class Bind:
    portal: str
    statement: str
    param_formats: tuple[int, ...]
    params: tuple[bytes | None, ...]
    result_formats: tuple[int, ...]


@dataclass(frozen=True)
class Describe:
    kind: str  # "S" statement, "P" portal
    name: str


@dataclass(frozen=True)
class Execute:
    portal: str
    max_rows: int


@dataclass(frozen=True)
class Close:
    kind: str
    name: str


def _count(r: Reader, what: str) -> int:
    n = r.int16()
    if n < 0:
        raise MalformedMessage(f"negative {what} count")
    return n


def _formats(r: Reader, what: str) -> tuple[int, ...]:
    out = tuple(r.int16() for _ in range(_count(r, what)))
    if any(f not in (0, 1) for f in out):
        raise MalformedMessage(f"unsupported format code in {what}")
    return out


def decode_parse(body: bytes) -> Parse:
    r = Reader(body)
    name, query = r.cstring(), r.cstring()
    oids = tuple(r.int32() for _ in range(_count(r, "parameter type")))
    r.done()
    return Parse(name, query, oids)


def decode_bind(body: bytes) -> Bind:
    r = Reader(body)
    portal, stmt = r.cstring(), r.cstring()
    pformats = _formats(r, "parameter format")
    values = []
    for _ in range(_count(r, "parameter")):
        n = r.int32()
        if n < -1:
            raise MalformedMessage(f"invalid parameter length {n}")
        values.append(None if n == -1 else r.bytes(n))
    rformats = _formats(r, "result format")
    r.done()
    if len(pformats) not in (0, 1, len(values)):
        raise MalformedMessage(f"bind message has {len(pformats)} parameter formats but {len(values)} parameters")
    return Bind(portal, stmt, pformats, tuple(values), rformats)


def decode_describe_or_close(body: bytes, cls):
    r = Reader(body)
    kind = r.byte().decode("latin-1")
    name = r.cstring()
    r.done()
    if kind not in ("S", "P"):
        raise MalformedMessage(f"invalid {cls.__name__.upper()} message subtype {kind!r}")
    return cls(kind, name)


def decode_execute(body: bytes) -> Execute:
    r = Reader(body)
    portal, max_rows = r.cstring(), r.int32()
    r.done()
    return Execute(portal, max(0, max_rows))


def decode_query(body: bytes) -> str:
    r = Reader(body)
    q = r.cstring()
    r.done()
    return q


def decode_sasl_initial(body: bytes) -> tuple[str, bytes]:
    r = Reader(body)
    mech = r.cstring()
    n = r.int32()
    data = b"" if n == -1 else r.bytes(n)
    r.done()
    return mech, data


def format_for(formats: tuple[int, ...], i: int) -> int:
    """PostgreSQL's rule: no codes = all text, one code = for all, else one per column."""
    if not formats:
        return 0
    return formats[0] if len(formats) == 1 else formats[i]


# --- backend messages -----------------------------------------------------------------
def msg(kind: bytes, body: bytes = b"") -> bytes:
    return _HEADER.pack(kind, len(body) + 4) + body


def cstr(s: str) -> bytes:
    return s.encode() + b"\0"


def auth_ok() -> bytes:
    return msg(b"R", _I32.pack(0))


def auth_cleartext() -> bytes:
    return msg(b"R", _I32.pack(3))


def auth_sasl(mechanisms: list[str]) -> bytes:
    return msg(b"R", _I32.pack(10) + b"".join(cstr(m) for m in mechanisms) + b"\0")


def auth_sasl_continue(data: bytes) -> bytes:
    return msg(b"R", _I32.pack(11) + data)


def auth_sasl_final(data: bytes) -> bytes:
    return msg(b"R", _I32.pack(12) + data)


def parameter_status(name: str, value: str) -> bytes:
    return msg(b"S", cstr(name) + cstr(value))


def backend_key_data(pid: int, secret: int) -> bytes:
    return msg(b"K", _I32.pack(pid) + _I32.pack(secret))


def negotiate_protocol_version(minor: int, unknown_options: list[str]) -> bytes:
    return msg(b"v", _I32.pack(minor) + _I32.pack(len(unknown_options)) + b"".join(cstr(o) for o in unknown_options))


def ready_for_query(status: str) -> bytes:
    return msg(b"Z", status.encode())


_CONSTRAINT_IN_MESSAGE = re.compile(r'constraint "([^"]+)"')
_COLUMN_IN_MESSAGE = re.compile(r'column "([^"]+)" of relation "([^"]+)"')


# The server function PostgreSQL names (field R) for errors a driver recognizes by it:
# asyncpg prepares a cached statement again, and retries, on this one.
_ROUTINE_OF_MESSAGE = {"cached plan must not change result type": "RevalidateCachedQuery"}


def error_response(sqlstate: str, message: str, severity: str = "ERROR", detail: str | None = None,
                   hint: str | None = None, position: int | None = None) -> bytes:
    fields = [b"S" + cstr(severity), b"V" + cstr(severity), b"C" + cstr(sqlstate), b"M" + cstr(message)]
    if detail:
        fields.append(b"D" + cstr(detail))
    if hint:
        fields.append(b"H" + cstr(hint))
    if position:
        fields.append(b"P" + cstr(str(position)))
    routine = _ROUTINE_OF_MESSAGE.get(message)
    if routine:
        fields.append(b"R" + cstr(routine))
    if sqlstate.startswith("23"):  # integrity errors name what they violate (diag.constraint_name, ...)
        con = _CONSTRAINT_IN_MESSAGE.search(message)
        if con:
            fields.append(b"n" + cstr(con.group(1)))
        col = _COLUMN_IN_MESSAGE.search(message)
        if col:
            fields += [b"t" + cstr(col.group(2)), b"c" + cstr(col.group(1))]
    return msg(b"E", b"".join(fields) + b"\0")


def notification_response(pid: int, channel: str, payload: str) -> bytes:
    """NotificationResponse ('A'): a NOTIFY on a channel the client listens on."""
    return msg(b"A", struct.pack("!i", pid) + cstr(channel) + cstr(payload))


def notice_severity(sqlstate: str) -> str:
    """WARNING for the warning class (01) and the transaction-state notices (25: BEGIN in
    a transaction), as PostgreSQL sends them; NOTICE for the rest ("already exists,
    skipping")."""
    return "WARNING" if sqlstate[:2] in ("01", "25") else "NOTICE"


def notice_response(sqlstate: str, message: str, severity: str | None = None) -> bytes:
    """A NoticeResponse, by default of `notice_severity`; a DETAIL after DETAIL_MARK in
    `message` is its own field."""
    if severity is None:
        severity = notice_severity(sqlstate)
    message, _, detail = message.partition(DETAIL_MARK)
    fields = [b"S" + cstr(severity), b"V" + cstr(severity), b"C" + cstr(sqlstate), b"M" + cstr(message)]
    if detail:
        fields.append(b"D" + cstr(detail))
    return msg(b"N", b"".join(fields) + b"\0")


def row_description(columns: list[tuple[str, int, int, int]]) -> bytes:
    """columns: (name, type oid, type size, format code)."""
    parts = [_I16.pack(len(columns))]
    for name, oid, size, fmt in columns:
        parts.append(cstr(name) + struct.pack("!ihihih", 0, 0, oid, size, -1, fmt))
    return msg(b"T", b"".join(parts))


def data_row(values: list[bytes | None]) -> bytes:
    parts = [_I16.pack(len(values))]
    for v in values:
        if v is None:
            parts.append(_I32.pack(-1))
        else:
            parts.append(_I32.pack(len(v)))
            parts.append(v)
    return msg(b"D", b"".join(parts))


def command_complete(tag: str) -> bytes:
    return msg(b"C", cstr(tag))


def parameter_description(oids: list[int]) -> bytes:
    return msg(b"t", _I16.pack(len(oids)) + b"".join(_I32.pack(o) for o in oids))


def copy_in_response(ncols: int, binary: bool = False) -> bytes:
    f = 1 if binary else 0
    return msg(b"G", struct.pack("!bh", f, ncols) + _I16.pack(f) * ncols)


def copy_out_response(ncols: int, binary: bool = False) -> bytes:
    f = 1 if binary else 0
    return msg(b"H", struct.pack("!bh", f, ncols) + _I16.pack(f) * ncols)


def copy_data(data: bytes) -> bytes:
    return msg(b"d", data)


def copy_done() -> bytes:
    return msg(b"c")


PARSE_COMPLETE = msg(b"1")
BIND_COMPLETE = msg(b"2")
CLOSE_COMPLETE = msg(b"3")
NO_DATA = msg(b"n")
EMPTY_QUERY = msg(b"I")
PORTAL_SUSPENDED = msg(b"s")
SSL_NO = b"N"
SSL_YES = b"S"
