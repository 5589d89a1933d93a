"""PostgreSQL type OIDs, and conversion between SQLite values and PostgreSQL wire values.

SQLite keeps the declared type name of a column as written (the translator keeps the
PostgreSQL names in CREATE TABLE), so the OID of a result column comes from its declared
type; expression columns get theirs from the first non-NULL value.
"""

from __future__ import annotations

import math
import re
import struct
from decimal import Decimal, InvalidOperation, localcontext

from compute_node.pg_sql import arrays, numeric
from sixfold.errors import SqlError

BOOL = 16
BYTEA = 17
NAME = 19
INT8 = 20
INT2 = 21
INT4 = 23
TEXT = 25
OID = 26
JSON = 114
FLOAT4 = 700
FLOAT8 = 701
UNKNOWN = 705
BPCHAR = 1042
VARCHAR = 1043
DATE = 1082
TIME = 1083
TIMESTAMP = 1114
TIMESTAMPTZ = 1184
INTERVAL = 1186
NUMERIC = 1700
UUID = 2950
JSONB = 3802
RECORD = 2249  # an anonymous row (ROW(...), a whole-row reference: row_values.py)

_INTS = {INT2: "smallint", INT4: "integer", INT8: "bigint", OID: "oid"}
_SIZES = {BOOL: 1, INT2: 2, INT4: 4, INT8: 8, OID: 4, FLOAT4: 4, FLOAT8: 8, DATE: 4, TIME: 8,
          TIMESTAMP: 8, TIMESTAMPTZ: 8, INTERVAL: 16, UUID: 16, NAME: 64}

# Declared type (lower case, modifiers and array brackets removed) -> (OID, information_schema name).
_BY_NAME: dict[str, tuple[int, str]] = {
    "bool": (BOOL, "boolean"), "boolean": (BOOL, "boolean"),
    "bytea": (BYTEA, "bytea"), "blob": (BYTEA, "bytea"),
    "smallint": (INT2, "smallint"), "int2": (INT2, "smallint"), "smallserial": (INT2, "smallint"),
    "serial2": (INT2, "smallint"),
    "int": (INT4, "integer"), "integer": (INT4, "integer"), "int4": (INT4, "integer"),
    "serial": (INT4, "integer"), "serial4": (INT4, "integer"), "mediumint": (INT4, "integer"),
    "bigint": (INT8, "bigint"), "int8": (INT8, "bigint"), "bigserial": (INT8, "bigint"),
    "serial8": (INT8, "bigint"),
    "oid": (OID, "oid"), "name": (NAME, "name"),
    "text": (TEXT, "text"), "clob": (TEXT, "text"),
    "varchar": (VARCHAR, "character varying"), "character varying": (VARCHAR, "character varying"),
    "nvarchar": (VARCHAR, "character varying"),
    "char": (BPCHAR, "character"), "character": (BPCHAR, "character"), "bpchar": (BPCHAR, "character"),
    "nchar": (BPCHAR, "character"),
    "real": (FLOAT4, "real"), "float4": (FLOAT4, "real"),
    "double precision": (FLOAT8, "double precision"), "float8": (FLOAT8, "double precision"),
    "float": (FLOAT8, "double precision"), "double": (FLOAT8, "double precision"),
    "numeric": (NUMERIC, "numeric"), "decimal": (NUMERIC, "numeric"), "numeric text": (NUMERIC, "numeric"),
    "date": (DATE, "date"),
    "time": (TIME, "time without time zone"), "time without time zone": (TIME, "time without time zone"),
    "timestamp": (TIMESTAMP, "timestamp without time zone"),
    "timestamp without time zone": (TIMESTAMP, "timestamp without time zone"),
    "datetime": (TIMESTAMP, "timestamp without time zone"),
    "timestamptz": (TIMESTAMPTZ, "timestamp with time zone"),
    "timestamp with time zone": (TIMESTAMPTZ, "timestamp with time zone"),
    "interval": (INTERVAL, "interval"),
    "json": (JSON, "json"), "jsonb": (JSONB, "jsonb"), "uuid": (UUID, "uuid"),
}
_MODIFIERS = re.compile(r"\([^)]*\)")

# typname and the SQL names of the built-in types -> OID ('name'::regtype); OID -> the name
# format_type prints (oid::regtype).
REGTYPE_NAMES = {BOOL: "boolean", BYTEA: "bytea", NAME: "name", INT8: "bigint", INT2: "smallint", INT4: "integer",
                 TEXT: "text", OID: "oid", JSON: "json", FLOAT4: "real", FLOAT8: "double precision",
                 UNKNOWN: "unknown", BPCHAR: "character", VARCHAR: "character varying", DATE: "date",
                 TIME: "time without time zone", TIMESTAMP: "timestamp without time zone",
                 TIMESTAMPTZ: "timestamp with time zone", INTERVAL: "interval", NUMERIC: "numeric", UUID: "uuid",
                 JSONB: "jsonb"}
TYPE_OIDS = {**{v: k for k, v in REGTYPE_NAMES.items()},
             **{"bool": BOOL, "int8": INT8, "int2": INT2, "int4": INT4, "int": INT4, "float4": FLOAT4,
                "float8": FLOAT8, "bpchar": BPCHAR, "varchar": VARCHAR, "timestamp": TIMESTAMP,
                "timestamptz": TIMESTAMPTZ, "time": TIME, "decimal": NUMERIC}}


def _norm(decltype: str) -> str:
    t = _MODIFIERS.sub("", decltype.lower()).replace("[]", "")
    return unmarked(" ".join(t.split()))


def _lookup(decltype: str | None) -> tuple[int, str] | None:
    if not decltype:
        return None
    t = _norm(decltype)
    if t in _BY_NAME:
        return _BY_NAME[t]
    if t.startswith("pg_catalog."):
        return _BY_NAME.get(t[len("pg_catalog."):])
    # SQLite's affinity rules, for names we do not know.
    if "int" in t:
        return _BY_NAME["bigint"]
    if "char" in t or "clob" in t or "text" in t:
        return _BY_NAME["text"]
    if "real" in t or "floa" in t or "doub" in t:
        return _BY_NAME["double precision"]
    return None


def _array_oid(decltype: str) -> int | None:
    try:
        kind = arrays.element_kind(decltype)
    except arrays.ArrayError:
        return None
    return arrays.ELEMENTS[kind][1] if kind else None


def column_oid(decltype: str | None, sample=None) -> int:
    """The OID of a result column: from its declared type, else from a sample value."""
    if decltype and "[" in decltype:
        return _array_oid(decltype) or TEXT
    found = _lookup(decltype)
    if found:
        return found[0]
    if decltype:
        return TEXT
    if isinstance(sample, bool):
        return BOOL
    if isinstance(sample, int):
        return INT8
    if isinstance(sample, float):
        return FLOAT8
    if isinstance(sample, (bytes, bytearray, memoryview)):
        return BYTEA
    return TEXT


# A numeric column without a precision is declared to SQLite as this type: "text" gives it
# SQLite's TEXT affinity, so each value keeps its own display scale as PostgreSQL's text of
# it ('2.50'); the pg_numeric collation compares, sorts, groups and indexes those texts as
# numbers. Every catalog reads it as PostgreSQL's numeric.
NUMERIC_TEXT = "numeric text"
NUMERIC_TEXT_COLLATION = "pg_numeric"
JSONB_COLLATION = "pg_jsonb"  # a jsonb column: PostgreSQL's jsonb order (json_functions.jsonb_order)
TIMETZ_COLLATION = "pg_timetz"  # a time with time zone column: PostgreSQL's order (temporal.timetz_order)


# Types whose values are texts but whose names give a column SQLite's NUMERIC affinity, which
# would store json '1.50' as the number 1.5, jsonb 12345678901234567890 as a float, name
# '0123' as 123 and an enum's label '01' as 1: declared to SQLite as "<type> text" (TEXT
# affinity, each value kept as written); `unmarked` reads the declaration back as the
# type, as every catalog shows it.
TEXT_MARKED_TYPES = frozenset({"json", "jsonb", "name"})
_TEXT_MARK = " text"
_MARKED = re.compile(r'\s*((?:[A-Za-z_][A-Za-z0-9_$]*|"(?:[^"]|"")+")(?:\.(?:[A-Za-z_][A-Za-z0-9_$]*|"(?:[^"]|"")+"))?)'
                     r"\s+text\s*", re.IGNORECASE)


def stored_declaration(base: str) -> str:
    """What a column of the PostgreSQL type `base` (lower case, no modifiers or brackets) is
    declared as to SQLite: numeric as NUMERIC_TEXT, json, jsonb and name marked, others as is
    (an enum type's column is marked where it is declared: ddl)."""
    if base == "numeric":
        return NUMERIC_TEXT
    return mark(base) if base in TEXT_MARKED_TYPES else base


def mark(type_name: str) -> str:
    return type_name + _TEXT_MARK


def unmarked(decltype: str | None) -> str | None:
    """A declared type as PostgreSQL names it: "jsonb text" is jsonb, "mood text" the enum
    type mood (NUMERIC_TEXT stays: is_numeric_text tells it)."""
    if not decltype or not decltype[-len(_TEXT_MARK):].lower() == _TEXT_MARK:
        return decltype
    m = _MARKED.fullmatch(decltype)
    return m.group(1) if m and m.group(1).lower() != "numeric" else decltype


def is_numeric_text(decltype: str | None) -> bool:
    return bool(decltype) and _norm(decltype) == NUMERIC_TEXT


def is_numeric_with_precision(decltype: str | None) -> bool:
    """numeric(p, s): a column whose values are numbers in SQLite, read from their text
    before SQLite's numeric affinity would make a double of it (a numeric without a
    precision is kept as its text: is_numeric_text)."""
    return bool(decltype) and column_oid(decltype, None) == NUMERIC and not is_numeric_text(decltype)


def pg_type_name(decltype: str | None) -> str:
    """information_schema.columns.data_type for a declared type."""
    if decltype and "[" in decltype:
        return "ARRAY"
    found = _lookup(decltype)
    return found[1] if found else ("text" if not decltype else _norm(decltype))


def type_size(oid: int) -> int:
    """typlen of a type (-1: variable length)."""
    return _SIZES.get(oid, -1)


_NUMERIC_SCALE = re.compile(r"^\s*(?:numeric|decimal)\s*\(\s*\d+\s*,\s*(\d+)\s*\)\s*$", re.IGNORECASE)
_CHAR_LENGTH = re.compile(r"^\s*(?:character|char|bpchar)\s*\(\s*(\d+)\s*\)\s*$", re.IGNORECASE)
_LENGTH_LIMIT = re.compile(r"^\s*(?:character varying|varchar|character|char|bpchar)\s*\(\s*(\d+)\s*\)",
                           re.IGNORECASE)


def _modifier(decltype: str | None, pattern: re.Pattern) -> int | None:
    if not decltype or "(" not in decltype:
        return None
    m = pattern.match(decltype)
    return int(m.group(1)) if m else None


def numeric_scale(decltype: str | None) -> int | None:
    """s of a numeric(p,s) declared type (None for any other type)."""
    return _modifier(decltype, _NUMERIC_SCALE)


def char_length(decltype: str | None) -> int | None:
    """n of a char(n) (blank-padded) declared type, None for any other type."""
    return _modifier(decltype, _CHAR_LENGTH)


def length_limit(decltype: str | None) -> int | None:
    """n of a varchar(n) or char(n) declared type, None for any other type."""
    return _modifier(decltype, _LENGTH_LIMIT)


_NUMERIC_TYPMOD = re.compile(r"^\s*(?:numeric|decimal)\s*\(\s*(\d+)\s*(?:,\s*(-?\d+)\s*)?\)", re.IGNORECASE)
_PRECISION_TYPMOD = re.compile(r"^\s*(?:timestamp|time|interval)\b[^(]*\(\s*(\d+)\s*\)", re.IGNORECASE)


def typmod(decltype: str | None) -> int:
    """pg_attribute.atttypmod of a declared type, as PostgreSQL encodes it: n + 4 for
    varchar(n) and char(n), (p << 16 | s) + 4 for numeric(p,s), p for timestamp(p) and
    time(p); -1 for a type without a modifier. An array's is its element's."""
    text = (decltype or "").replace("[]", "")
    n = length_limit(text)
    if n is not None:
        return n + 4
    m = _NUMERIC_TYPMOD.match(text)
    if m:
        return ((int(m.group(1)) << 16) | (int(m.group(2) or 0) & 0xFFFF)) + 4
    m = _PRECISION_TYPMOD.match(text)
    return int(m.group(1)) if m else -1


def information_schema_precision(decltype: str | None, what: str) -> int | None:
    """information_schema.columns' numeric_precision, numeric_precision_radix,
    numeric_scale or datetime_precision (`what`) of a declared type, as PostgreSQL's:
    bits for integers and floats, digits for numeric(p,s), fractional digits of seconds
    (6 unless given) for times; NULL where it does not apply."""
    if "[" in (decltype or ""):
        return None
    oid = column_oid(decltype or None, None)
    bits = {INT2: 16, INT4: 32, INT8: 64, FLOAT4: 24, FLOAT8: 53}.get(oid)
    m = _NUMERIC_TYPMOD.match(decltype or "") if oid == NUMERIC else None
    if what == "numeric_precision":
        return bits if bits is not None else int(m.group(1)) if m else None
    if what == "numeric_precision_radix":
        return 2 if bits is not None else 10 if oid == NUMERIC else None
    if what == "numeric_scale":
        return 0 if oid in (INT2, INT4, INT8) else int(m.group(2) or 0) if m else None
    if oid == DATE:
        return 0
    if oid in (TIME, TIMESTAMP, TIMESTAMPTZ, INTERVAL):
        given = typmod(decltype)
        return given if given >= 0 else 6
    return None


def with_scale(value, scale: int):
    """A numeric(p,s) column's value as PostgreSQL prints it: exactly `scale` digits after
    the point (SQLite keeps 10.10 as the number 10.1)."""
    if value is None or isinstance(value, (bytes, str)) and not value:
        return value
    try:
        d = Decimal(repr(value)) if isinstance(value, float) else Decimal(str(value))
    except InvalidOperation:
        return value
    if not d.is_finite():
        return value
    d = d.quantize(Decimal(1).scaleb(-scale), context=numeric.EXACT)  # 3.4e38 has more digits than 28
    if d == 0:
        d = abs(d)  # a numeric has no negative zero (SQLite's float does; -0.001 rounds to -0.00)
    return f"{d:f}"


# --- output --------------------------------------------------------------------------------
def to_single(v: float) -> float:
    """`v` rounded to single precision (what a real holds); OverflowError beyond its range."""
    return struct.unpack("<f", struct.pack("<f", v))[0]


def _shown_single(v: float) -> float:
    """`v` as the real a result column of type real shows: PostgreSQL's float8 -> float4
    (float_input.as_float4), whose 22003 beyond a real's range is the statement's."""
    from compute_node.pg_sql import float_input, values

    try:
        return float_input.as_float4(v)
    except values.InputError as e:
        raise SqlError(str(e), e.sqlstate) from None


def _single_neighbors(f32: float) -> tuple[float, float]:
    """The single-precision values just below and just above `f32` (finite, nonzero)."""
    bits = struct.unpack("<I", struct.pack("<f", abs(f32)))[0]
    lo, hi = (struct.unpack("<f", struct.pack("<I", b))[0] for b in (bits - 1, bits + 1))
    return (lo, hi) if f32 > 0 else (-hi, -lo)


def _on_a_bound(text: str, v: float, single: bool) -> bool:
    """Whether decimal `text` lies exactly halfway between `v` and a neighbouring float
    (single precision when `single`). It reads back as `v` only by rounding half to even;
    PostgreSQL's shortest output (Ryu) does not take such a text and prints more digits
    (1.5000001e+10, not 1.5e+10, for the real 15000000512). Cheap tests first: this runs
    for every float printed."""
    d = Decimal(text)
    _sign, digits, exp = d.as_tuple()
    if exp < 0 and int("".join(map(str, digits))) % 5 ** -exp:
        return False  # not a binary fraction, so no midpoint of two floats (0.1, 2.5e-3)
    exact = Decimal(v)
    if d == exact:
        return False  # the float itself (2.5, 1e+20)
    if single:
        below, above = _single_neighbors(v)
        if float(text) not in ((v + below) / 2, (v + above) / 2):  # (exact doubles)
            return False
    else:
        below, above = math.nextafter(v, -math.inf), math.nextafter(v, math.inf)
    with localcontext(numeric.EXACT):
        return d == (exact + Decimal(below)) / 2 or d == (exact + Decimal(above)) / 2


def float_text(v: float, single: bool = False) -> str:
    """PostgreSQL's output of a float8 (or, single, a real): the shortest digits that read
    back as the value, in its fixed or exponent form."""
    return _shortest_float(v, single)


def _shortest_float(v: float, single: bool) -> str:
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "Infinity" if v > 0 else "-Infinity"
    if v == 0:
        return "-0" if math.copysign(1.0, v) < 0 else "0"
    if single:
        f32 = _shown_single(v)
        for p in range(1, 10):
            s = "%.*e" % (p - 1, f32)
            if to_single(float(s)) == f32 and not _on_a_bound(s, f32, True):
                break
        d = Decimal(s)
        fixed_max = 6  # FLT_DIG
    else:
        s = repr(v)
        if _on_a_bound(s, v, False):
            longer = ("%.*e" % (p - 1, v) for p in range(len(Decimal(s).as_tuple().digits) + 1, 18))
            s = next((t for t in longer if float(t) == v and not _on_a_bound(t, v, False)), s)
        d = Decimal(s)
        fixed_max = 15  # DBL_DIG
    sign, digits, exp = d.normalize().as_tuple()
    digits_s = "".join(map(str, digits))
    exp10 = exp + len(digits_s) - 1  # exponent of the first digit
    neg = "-" if sign else ""
    if -4 <= exp10 < fixed_max:
        if exp >= 0:
            return neg + digits_s + "0" * exp
        point = len(digits_s) + exp
        if point > 0:
            return neg + digits_s[:point] + "." + digits_s[point:]
        return neg + "0." + "0" * (-point) + digits_s
    mant = digits_s[0] + ("." + digits_s[1:] if len(digits_s) > 1 else "")
    return f"{neg}{mant}e{'-' if exp10 < 0 else '+'}{abs(exp10):02d}"


def encode_text(value, oid: int) -> bytes | None:
    """A value SQLite returned, in PostgreSQL text format."""
    if value is None:
        return None
    if oid == BOOL:
        if isinstance(value, (int, float)):
            return b"t" if value else b"f"
        if isinstance(value, str):
            low = value.strip().lower()
            if low in ("t", "true", "1", "y", "yes", "on"):
                return b"t"
            if low in ("f", "false", "0", "n", "no", "off"):
                return b"f"
        return str(value).encode()
    if isinstance(value, (bytes, bytearray, memoryview)):
        b = bytes(value)
        if oid == BYTEA:
            return b"\\x" + b.hex().encode()
        return b
    if isinstance(value, float):
        if oid in (INT2, INT4, INT8) and value.is_integer():
            return str(int(value)).encode()
        if oid == NUMERIC:
            if value.is_integer() and abs(value) < 1e16:
                return str(int(value)).encode()
            if not math.isfinite(value):
                return _shortest_float(value, False).encode()
            return format(Decimal(_shortest_float(value, False)), "f").encode()  # numeric has no exponent
        return _shortest_float(value, oid == FLOAT4).encode()
    if isinstance(value, int):
        if oid == BYTEA:
            return b"\\x" + str(value).encode().hex().encode()
        if oid in (FLOAT4, FLOAT8) and not isinstance(value, bool):
            # an integer SQLite kept in a float column (bigint except float8): as the float
            return _shortest_float(float(value), oid == FLOAT4).encode()
        return str(value).encode()
    s = str(value)
    if oid == BYTEA:
        return b"\\x" + s.encode().hex().encode()
    if oid == RECORD:
        s = record_parts(s)[1]  # (the fields' OIDs are for the binary format)
    return s.encode()


def encode_text_iso_intervals(value, oid: int) -> bytes | None:
    """encode_text for a session with IntervalStyle iso_8601: an interval as 'P1DT2H'
    (Sixfold stores PostgreSQL's postgres-style text)."""
    if oid == INTERVAL and isinstance(value, str):
        from compute_node.pg_sql import interval_iso, temporal
        return interval_iso.format_iso(temporal.parse_interval(value)).encode()
    return encode_text(value, oid)


_BIN_INT = {INT2: ">h", INT4: ">i", INT8: ">q", OID: ">I"}


def encode_binary(value, oid: int) -> bytes | None:
    """A value in PostgreSQL binary format (int2/4/8, oid, float4/8, bool, bytea, text-likes)."""
    if value is None:
        return None
    try:
        if oid in _BIN_INT:
            return struct.pack(_BIN_INT[oid], int(value))
        if oid == FLOAT4:
            return struct.pack(">f", float(value))
        if oid == FLOAT8:
            return struct.pack(">d", float(value))
        if oid == BOOL:
            return b"\x01" if encode_text(value, BOOL) == b"t" else b"\x00"
        if oid == BYTEA:
            if isinstance(value, (bytes, bytearray, memoryview)):
                return bytes(value)
            return str(value).encode()
        if oid in (TEXT, VARCHAR, BPCHAR, NAME, UNKNOWN, JSON):
            return encode_text(value, oid)
        if oid in _BINARY_OUT:
            return _BINARY_OUT[oid](value)
        if oid in _ARRAY_ELEMENT_OIDS:
            return _bin_array(value, oid)
    except (ValueError, struct.error, OverflowError, ArithmeticError) as e:
        raise SqlError(f"cannot send value {value!r} as binary type {oid}: {e}", "22003") from None
    raise SqlError(f"binary output of type {oid} is not supported", "0A000")


# --- input ---------------------------------------------------------------------------------
_TRUE = {"t", "true", "y", "yes", "on", "1"}
_FALSE = {"f", "false", "n", "no", "off", "0"}
_TYPE_WORD = {INT2: "smallint", INT4: "integer", INT8: "bigint", OID: "oid", FLOAT4: "real",
              FLOAT8: "double precision", NUMERIC: "numeric", BOOL: "boolean", BYTEA: "bytea"}
_INT_RANGE = {INT2: 1 << 15, INT4: 1 << 31, INT8: 1 << 63, OID: 1 << 32}


def _bad(oid: int, text: str) -> SqlError:
    return SqlError(f'invalid input syntax for type {_TYPE_WORD.get(oid, "unknown")}: "{text}"', "22P02")


def decode_bytea_text(s: str) -> bytes:
    """PostgreSQL bytea input: hex (\\x...) or escape format (values.parse_bytea)."""
    from compute_node.pg_sql import values

    try:
        return values.parse_bytea(s)
    except values.InputError as e:
        raise SqlError(str(e), e.sqlstate) from None


_ASSIGN_BITS = {INT2: 16, INT4: 32, INT8: 64}
_INT_NAMES = {INT2: "smallint", INT4: "integer", INT8: "bigint"}


def fit_param_lengths(params: tuple, limits) -> tuple:
    """Text parameters stored into varchar(n) / char(n) columns (see
    Statement.param_assign_limits) as PostgreSQL's assignment stores them: blanks past n
    are cut, anything else past n is 22001 (while planning there: even where no row is
    stored)."""
    out = list(params)
    for i, (value, limit) in enumerate(zip(params, limits)):
        if limit is None or not isinstance(value, str) or len(value) <= limit[0]:
            continue
        if value[limit[0]:].strip(" "):
            raise SqlError(f"value too long for type {limit[1]}({limit[0]})", "22001")
        out[i] = value[:limit[0]]
    return tuple(out)


def assign_params(params: tuple, oids, assign_oids) -> tuple:
    """Parameters the statement stores straight into an integer or real column (see
    Statement.param_assign_oids), as PostgreSQL's assignment cast stores them: into an
    integer column, a value the client typed numeric or float8 (or float4) is rounded
    (numeric half away from zero, float half to even; 22003 beyond the column's range);
    into a real column, a number is rounded to single precision."""
    from compute_node.pg_sql import float_input, int_coercion, values

    out = list(params)
    for i, target in enumerate(assign_oids):
        if target is None or i >= len(out) or out[i] is None:
            continue
        try:
            if target == FLOAT4 and isinstance(out[i], (int, float)):
                out[i] = float_input.as_float4(float(out[i]))
            elif target in _ASSIGN_BITS and oids[i] in (NUMERIC, FLOAT4, FLOAT8):
                out[i] = int_coercion.to_int(out[i], _ASSIGN_BITS[target], "num" if oids[i] == NUMERIC else "float")
            elif target in _ASSIGN_BITS and oids[i] in _ASSIGN_BITS and isinstance(out[i], int) and \
                    not -(1 << (_ASSIGN_BITS[target] - 1)) <= out[i] < 1 << (_ASSIGN_BITS[target] - 1):
                # (a bigint into a smallint column: PostgreSQL folds the cast of the bound
                # value while planning, so the statement fails even where no row is stored)
                raise SqlError(f"{_INT_NAMES[target]} out of range", "22003")
        except values.InputError as e:
            raise SqlError(str(e), e.sqlstate) from None
    return tuple(out)


def decode_param(data: bytes | None, oid: int, fmt: int):
    """A Bind parameter as the value to bind in SQLite.

    numeric in text format: an int when the text is integral, else a float when the float
    prints back as the same text, else the text itself (kept exact; SQLite compares it as
    text then, but arithmetic converts it)."""
    if data is None:
        return None
    data = bytes(data)
    if fmt == 1:
        return _decode_binary(data, oid)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise SqlError("invalid byte sequence for encoding \"UTF8\"", "22021") from None
    if oid in _INT_RANGE:
        try:
            v = int(text.strip())
        except ValueError:
            raise _bad(oid, text) from None
        bound = _INT_RANGE[oid]
        if not (-bound <= v < bound) or (oid == OID and v < 0):
            raise SqlError(f'value "{text}" is out of range for type {_TYPE_WORD[oid]}', "22003")
        return v
    if oid in (FLOAT4, FLOAT8):
        t = text.strip().lower()
        special = {"infinity": math.inf, "+infinity": math.inf, "-infinity": -math.inf, "inf": math.inf,
                   "+inf": math.inf, "-inf": -math.inf, "nan": math.nan}
        if t in special:
            return special[t]
        try:
            return float(t)
        except ValueError:
            raise _bad(oid, text) from None
    if oid == NUMERIC:
        t = text.strip()
        try:
            d = Decimal(t)
        except InvalidOperation:
            raise _bad(oid, text) from None
        if d.is_nan():
            return math.nan
        if d.is_infinite() or (d != 0 and abs(d.adjusted()) > _NUMERIC_EXPONENT_MAX):
            # Sixfold keeps numeric values as SQLite numbers: refused, never rounded to infinity
            raise SqlError(f'numeric value "{t[:40]}" is out of the range Sixfold stores (about 1e-300 to 1e300)',
                           "22003")
        if d == d.to_integral_value() and "." not in t and "e" not in t.lower():
            return int(d) if -2**63 <= d < 2**63 else t  # beyond int64: SQLite keeps it as a REAL
        f = float(d)
        if Decimal(repr(f)).as_tuple() == d.as_tuple():
            return f
        return t  # exact, and its display scale kept (2.500 is not the float 2.5)
    if oid == BOOL:
        t = text.strip().lower()
        if t in _TRUE:
            return 1
        if t in _FALSE:
            return 0
        raise _bad(oid, text)
    if oid == BYTEA:
        return decode_bytea_text(text)
    if oid in _STORED_KIND:
        from compute_node.pg_sql import values

        try:
            return values.cast(text, _STORED_KIND[oid])
        except values.InputError as e:
            raise SqlError(str(e), e.sqlstate) from None
    if oid in arrays.ARRAY_OIDS:  # (read while binding, as PostgreSQL's array_in: even where no row uses it)
        try:
            arrays.canonical(text, arrays.ARRAY_OIDS[oid])
        except arrays.ArrayError as e:
            raise SqlError(str(e), e.sqlstate) from None
    return text


_NUMERIC_EXPONENT_MAX = 300

_STORED_KIND = {DATE: "date", TIME: "time", TIMESTAMP: "timestamp", TIMESTAMPTZ: "timestamptz",
                INTERVAL: "interval", UUID: "uuid", JSONB: "jsonb"}


def _decode_binary(data: bytes, oid: int):
    try:
        if oid in _BIN_INT:
            return struct.unpack(_BIN_INT[oid], data)[0]
        if oid == FLOAT4:
            return struct.unpack(">f", data)[0]
        if oid == FLOAT8:
            return struct.unpack(">d", data)[0]
        if oid == BOOL:
            if len(data) != 1:
                raise struct.error("bool is one byte")
            return 1 if data[0] else 0
    except struct.error:
        raise SqlError(f"incorrect binary data format in bind parameter (type {oid})", "22P03") from None
    if oid == BYTEA:
        return data
    if oid in (DATE, TIME, TIMESTAMP, TIMESTAMPTZ, NUMERIC, UUID, JSONB, INTERVAL):
        try:
            text = _binary_as_text(data, oid)
        except (struct.error, ValueError, OverflowError, IndexError):
            raise SqlError(f"incorrect binary data format in bind parameter (type {oid})", "22P03") from None
        return decode_param(text.encode(), oid, 0)
    if oid in (TEXT, VARCHAR, BPCHAR, NAME, UNKNOWN, JSON, 0):
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            raise SqlError("invalid byte sequence for encoding \"UTF8\"", "22021") from None
    if oid in _ARRAY_ELEMENT_OIDS:
        try:
            return _array_from_binary(data)
        except (struct.error, ValueError, UnicodeDecodeError):
            raise SqlError(f"incorrect binary data format in bind parameter (type {oid})", "22P03") from None
    raise SqlError(f"binary format for parameters of type {oid} is not supported", "0A000")


# One-dimensional arrays (arrays.py keeps them as PostgreSQL's array text)
def is_array_oid(oid: int | None) -> bool:
    """Whether `oid` is one of the array types Sixfold sends (int2[] ... text[])."""
    return oid in _ARRAY_ELEMENT_OIDS


_ARRAY_ELEMENT_OIDS = {1005: INT2, 1007: INT4, 1016: INT8, 1021: FLOAT4, 1022: FLOAT8, 1000: BOOL, 1009: TEXT,
                       1015: VARCHAR, 1028: OID, 1231: NUMERIC}


def _bin_array(value, oid: int) -> bytes:
    """PostgreSQL's binary array: ndim, has-nulls, element OID, then per dimension its size
    and lower bound 1, then each element as length (-1: NULL) and its binary form."""
    elem = _ARRAY_ELEMENT_OIDS[oid]
    items = arrays.parse(value.decode() if isinstance(value, bytes) else str(value))
    kind = arrays.ARRAY_OIDS[oid]
    out = [struct.pack(">iii", 1 if items else 0, int(any(e is None for e in items)), elem)]
    if items:
        out.append(struct.pack(">ii", len(items), 1))
    for e in items:
        if e is None:
            out.append(struct.pack(">i", -1))
            continue
        body = encode_binary(arrays._typed(e, kind) if kind != "bool" else e, elem)
        out.append(struct.pack(">i", len(body)) + body)
    return b"".join(out)


def _array_from_binary(data: bytes) -> str:
    """A binary array parameter as PostgreSQL's array text (one dimension)."""
    ndim, _nulls, elem = struct.unpack(">iii", data[:12])
    if ndim == 0:
        return "{}"
    if ndim != 1:
        raise ValueError("multidimensional")
    size, _lower = struct.unpack(">ii", data[12:20])
    pos, items = 20, []
    for _ in range(size):
        (n,) = struct.unpack(">i", data[pos:pos + 4])
        pos += 4
        if n < 0:
            items.append(None)
            continue
        v = _decode_binary(data[pos:pos + n], elem)
        pos += n
        items.append(_shortest_float(v, elem == FLOAT4) if isinstance(v, float) else
                     ("t" if v else "f") if elem == BOOL else str(v))
    return arrays.format_array(items)


_PG_EPOCH = __import__("datetime").datetime(2000, 1, 1)


def _binary_as_text(data: bytes, oid: int) -> str:
    """The text form of a binary parameter of a type Sixfold stores as text (dates and
    times, as PostgreSQL prints them in UTC) or converts from text (numeric, uuid, jsonb)."""
    import datetime
    import uuid

    if oid == DATE:
        (days,) = struct.unpack(">i", data)
        return (_PG_EPOCH.date() + datetime.timedelta(days=days)).isoformat()
    if oid in (TIMESTAMP, TIMESTAMPTZ):
        (us,) = struct.unpack(">q", data)
        ts = _PG_EPOCH + datetime.timedelta(microseconds=us)
        text = ts.isoformat(" ", "microseconds" if ts.microsecond else "seconds")
        return text + ("+00" if oid == TIMESTAMPTZ else "")
    if oid == TIME:
        (us,) = struct.unpack(">q", data)
        t = (datetime.datetime.min + datetime.timedelta(microseconds=us)).time()
        return t.isoformat("microseconds" if t.microsecond else "seconds")
    if oid == UUID:
        return str(uuid.UUID(bytes=data))
    if oid == INTERVAL:
        from compute_node.pg_sql import temporal

        us, days, months = struct.unpack(">qii", data)
        return temporal.format_interval(temporal.Interval(months, days, us))
    if oid == JSONB:
        if not data or data[0] != 1:
            raise ValueError("unsupported jsonb version")
        return data[1:].decode("utf-8")
    # numeric: ndigits, weight, sign, dscale, then base-10000 digits
    ndigits, weight, sign, dscale = struct.unpack(">hhHh", data[:8])
    digits = struct.unpack(f">{ndigits}h", data[8 : 8 + 2 * ndigits])
    if sign == 0xC000:
        return "NaN"
    if sign not in (0, 0x4000):
        raise ValueError("bad numeric sign")
    value = Decimal(0)
    for i, d in enumerate(digits):
        value += Decimal(d) * (Decimal(10000) ** (weight - i))
    if sign == 0x4000:
        value = -value
    return f"{value:.{max(dscale, 0)}f}"


# --- binary output of the types Sixfold stores as text -----------------------------------------
def _pg_epoch_us(ts) -> int:
    delta = ts - _PG_EPOCH
    return (delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds


def _bin_date(v) -> bytes:
    from compute_node.pg_sql import temporal

    return struct.pack(">i", (temporal.parse_date(str(v)) - _PG_EPOCH.date()).days)


def _bin_timestamp(tz: bool):
    def enc(v) -> bytes:
        from compute_node.pg_sql import temporal

        ts = temporal.parse_timestamp(str(v), tz)
        return struct.pack(">q", _pg_epoch_us(ts.replace(tzinfo=None) if tz else ts))
    return enc


def _bin_time(v) -> bytes:
    from compute_node.pg_sql import temporal

    t = temporal.parse_time(str(v))
    return struct.pack(">q", temporal.time_us(t))


def _bin_interval(v) -> bytes:
    from compute_node.pg_sql import temporal

    iv = temporal.parse_interval(str(v))
    return struct.pack(">qii", iv.us, iv.days, iv.months)


def _bin_uuid(v) -> bytes:
    import uuid

    return uuid.UUID(str(v)).bytes


def _bin_numeric(v) -> bytes:
    """PostgreSQL's numeric wire form: base-10000 digits with weight, sign and display scale."""
    d = Decimal(repr(v)) if isinstance(v, float) else Decimal(str(v))
    if d.is_nan():
        return struct.pack(">hhHh", 0, 0, 0xC000, 0)
    if d.is_infinite():
        return struct.pack(">hhHh", 0, 0, 0xD000 if d > 0 else 0xF000, 0)
    sign, digits, exp = d.as_tuple()
    dscale = max(0, -exp)
    text = "".join(map(str, digits))
    # Pad so the point falls on a base-10000 boundary on both sides.
    int_len = len(text) + exp  # digits before the point (may be <= 0)
    frac = text[max(int_len, 0):] if exp < 0 else ""
    intpart = text[:max(int_len, 0)] if exp < 0 else text + "0" * exp
    if int_len < 0:
        frac = "0" * (-int_len) + frac
    intpart = intpart.lstrip("0")
    intpart = "0" * (-len(intpart) % 4) + intpart
    frac = frac + "0" * (-len(frac) % 4)
    groups = [int(intpart[i:i + 4]) for i in range(0, len(intpart), 4)] + \
        [int(frac[i:i + 4]) for i in range(0, len(frac), 4)]
    weight = len(intpart) // 4 - 1
    while groups and groups[0] == 0:
        groups.pop(0)
        weight -= 1
    while groups and groups[-1] == 0:
        groups.pop()
    if not groups:
        weight = 0
    return struct.pack(f">hhHh{len(groups)}h", len(groups), weight, 0x4000 if sign and groups else 0, dscale,
                       *groups)


def _bin_jsonb(v) -> bytes:
    return b"\x01" + (v if isinstance(v, str) else str(v)).encode()


# --- records (row_values.py) -----------------------------------------------------------------
# A row shown as a result column is its record text after the fields' type OIDs: '23,25(1,a)'.
# The text is what the text format sends; the OIDs let the binary format send each field
# as its type (record_send), as asyncpg asks.
def record_parts(value: str) -> tuple[list[int | None], str]:
    """(field OIDs, record text) of a value pg_record made; a value without OIDs (a
    record cast to text) is all text."""
    at = value.find("(")
    if at <= 0:
        return [], value
    return [int(o) if o else None for o in value[:at].split(",")], value[at:]


def parse_record(text: str) -> list[str | None]:
    """The fields of a record's text, as record_in reads them: an empty field is NULL,
    `""` an empty string, `""` inside quotes a quote, a backslash escapes what follows."""
    if not (text.startswith("(") and text.endswith(")")):
        raise SqlError(f'malformed record literal: "{text}"', "22P02")
    fields: list[str | None] = []
    i, end = 1, len(text) - 1
    if end == 1:
        return fields  # () is no field, or one NULL one: record_parts' OIDs say which
    while i <= end:
        if i == end or text[i] == ",":
            fields.append(None)
        else:
            out, quoted = [], False
            while i < end and (quoted or text[i] not in ",)"):
                c = text[i]
                if c == "\\" and i + 1 < len(text):
                    out.append(text[i + 1])
                    i += 2
                    continue
                if c == '"':
                    if quoted and i + 1 < end and text[i + 1] == '"':
                        out.append('"')
                        i += 2
                        continue
                    quoted = not quoted
                    i += 1
                    continue
                out.append(c)
                i += 1
            fields.append("".join(out))
        i += 1  # past the comma (or the closing parenthesis)
    return fields


def _bin_record(value) -> bytes:
    """record_send: the field count, then per field its type OID, length (-1: NULL) and
    binary form. A field whose type the value does not carry (an array, a nested row, a
    row from a set operation or a derived table) is refused rather than sent as text:
    the client would read a string where PostgreSQL sends it a typed value."""
    oids, text = record_parts(str(value))
    fields = parse_record(text) if text != "()" else [None] * len(oids)
    out = [struct.pack(">i", len(fields))]
    for i, f in enumerate(fields):
        oid = oids[i] if i < len(oids) and oids[i] else None
        if oid is None and f is not None:
            raise SqlError(f"binary output of this row is not supported: the type of its field {i + 1} is not known "
                           "here (ask for text results, or select the fields as columns)", "0A000")
        oid = oid or TEXT
        data = None if f is None else encode_binary(decode_bytea_text(f) if oid == BYTEA else f, oid)
        out.append(struct.pack(">I", oid))
        out.append(struct.pack(">i", -1) if data is None else struct.pack(">i", len(data)) + data)
    return b"".join(out)


_BINARY_OUT = {DATE: _bin_date, TIMESTAMP: _bin_timestamp(False), TIMESTAMPTZ: _bin_timestamp(True), TIME: _bin_time,
               INTERVAL: _bin_interval, UUID: _bin_uuid, NUMERIC: _bin_numeric, JSONB: _bin_jsonb,
               RECORD: _bin_record}
