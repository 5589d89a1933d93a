"""Values of PostgreSQL's typed columns in the form Sixfold stores them, and the checks
PostgreSQL makes on input. Pure.

SQLite keeps whatever it is given; PostgreSQL converts input to the column's type or
refuses it. `stored(value, decltype)` is that conversion: a column of one of the types
in `converted_kind` gets a trigger (ddl.py) that replaces each written value by its
stored form, or fails the statement with PostgreSQL's error. Every write path (the
fast path, the parser path, COPY, executemany) goes through SQLite, so through the
trigger.

Errors are `InputError(sqlstate, message)`; the SQLite functions raise them as
"[SQLSTATE] message", which sql_errors turns into the SqlError.
"""

from __future__ import annotations

import json
import re
import uuid as _uuid
from decimal import Decimal, InvalidOperation

from compute_node.pg_sql import arrays, network_types, numeric, temporal
from compute_node.pg_sql.types import _norm as norm_type
from compute_node.pg_sql.types import char_length
from sixfold import errors

_KINDS = {
    "bool": "bool", "boolean": "bool", "bytea": "bytea", "uuid": "uuid", "json": "json", "jsonb": "jsonb",
    "date": "date", "time": "time", "time without time zone": "time",
    "timestamp": "timestamp", "timestamp without time zone": "timestamp", "datetime": "timestamp",
    "timestamptz": "timestamptz", "timestamp with time zone": "timestamptz", "interval": "interval",
    "numeric text": "numeric_text", "timetz": "timetz", "time with time zone": "timetz",
    "inet": "inet", "cidr": "cidr", "macaddr": "macaddr", "macaddr8": "macaddr8", "pg_lsn": "pg_lsn",
}
_NUMERIC_MOD = re.compile(r"^\s*(?:numeric|decimal)\s*\(\s*(\d+)\s*(?:,\s*(-?\d+)\s*)?\)\s*$", re.IGNORECASE)

LABEL = {"bool": "boolean", "bytea": "bytea", "uuid": "uuid", "json": "json", "jsonb": "jsonb",
         "numeric": "numeric", **temporal.TYPE_LABEL}


class InputError(ValueError):
    def __init__(self, sqlstate: str, message: str):
        super().__init__(message)
        self.sqlstate = sqlstate


# Types whose values SQLite's affinity would turn into others: bit strings became integers
# (B'0101' stored and shown as 5), "point" has INTEGER affinity ("poINT") and refused points.
# (money: shown with its currency symbol and separators of lc_monetary, $1,000.00, and
# computed as integer cents; a number would show 1000. xml: checked as a document and
# shown without its declaration; text would take '<wrong')
_UNSTORED_TYPES = frozenset({"bit", "bit varying", "varbit", "point", "line", "lseg", "box", "path", "polygon",
                             "circle", "money", "xml",
                             # ranges: compared, ordered and shown by their bounds' values ('[1.1,2.2)')
                             "int4range", "int8range", "numrange", "tsrange", "tstzrange", "daterange",
                             "int4multirange", "int8multirange", "nummultirange", "tsmultirange", "tstzmultirange",
                             "datemultirange"})


def refuse_unstored_type(type_text: str) -> None:
    """A column type Sixfold cannot store with PostgreSQL's answers fails its DDL."""
    try:
        arrays.element_kind(type_text)
    except arrays.ArrayError as e:
        raise InputError(e.sqlstate, str(e)) from None
    base = norm_type(type_text or "")
    if base in _UNSTORED_TYPES:
        raise InputError("0A000", f"type {base} is not supported (SQLite's type affinity would store its values "
                         "as something else)")
    if base in ("numeric", "decimal") and "(" not in type_text and "[" in type_text:
        raise InputError("0A000", "arrays of numeric without a precision are not supported: Sixfold keeps their "
                         "elements as numbers, which cannot keep each value's own display scale (1.50 would "
                         "print 1.5); declare numeric(p, s)[]")


# time(p), timestamp(p), timestamptz(p), and as declared types keep them: 'timestamp with
# time zone(2)', 'timestamp(2) without time zone'
_TIME_PRECISION = re.compile(r"^\s*(?:time|timestamp|timestamptz)(?:\s+with(?:out)?\s+time\s+zone)?\s*\(\s*(\d+)\s*\)",
                             re.IGNORECASE)


def time_precision(decltype: str | None) -> int | None:
    """The fractional-second digits of a time(p) / timestamp(p) / timestamptz(p) type (at
    most 6, as PostgreSQL reduces it), None without one."""
    m = _TIME_PRECISION.match(decltype or "")
    return min(int(m.group(1)), 6) if m else None


def converted_kind(decltype: str | None) -> str | None:
    """The kind of conversion a column of this declared type needs ('numeric(p,s)' for a
    numeric with a precision), or None when SQLite's own affinity and the CHECKs do."""
    if not decltype:
        return None
    if "[" in decltype:
        return "array"
    if _NUMERIC_MOD.match(decltype):
        return "numeric"
    if char_length(decltype) is not None:
        return "char"
    return _KINDS.get(norm_type(decltype))


def _mismatch(kind: str, value) -> InputError:
    got = {int: "integer", float: "double precision", bytes: "bytea", str: "text"}.get(type(value), "unknown")
    return InputError("42804", f"column is of type {LABEL.get(kind, kind)} but expression is of type {got}")


_BOOL_WORDS = [("true", 1), ("false", 0), ("yes", 1), ("no", 0), ("on", 1), ("off", 0)]


def parse_bool(value) -> int:
    if isinstance(value, int) and value in (0, 1):
        return value
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    if not isinstance(value, str):
        raise _mismatch("bool", value)
    t = value.strip().lower()
    if t in ("1", "0"):
        return int(t)
    if t in ("t", "f", "y", "n"):
        return 1 if t in ("t", "y") else 0
    hits = {v for word, v in _BOOL_WORDS if len(t) >= (2 if t[:1] == "o" else 1) and word.startswith(t)}
    if len(hits) == 1:
        return hits.pop()
    raise InputError("22P02", f'invalid input syntax for type boolean: "{value}"')


_UUID_FORMS = re.compile(r"^\{?[0-9a-fA-F]{8}(-?[0-9a-fA-F]{4}){3}-?[0-9a-fA-F]{12}\}?$|^\{?(?:[0-9a-fA-F]{4}-?){7}"
                         r"[0-9a-fA-F]{4}\}?$")


def parse_uuid(value) -> str:
    if isinstance(value, bytes) and len(value) == 16:
        return str(_uuid.UUID(bytes=value))
    if not isinstance(value, str):
        raise _mismatch("uuid", value)
    t = value.strip()
    if not _UUID_FORMS.match(t) or (t.startswith("{") != t.endswith("}")):
        raise InputError("22P02", f'invalid input syntax for type uuid: "{value}"')
    return str(_uuid.UUID(hex=t.strip("{}").replace("-", "")))


def parse_bytea(value, escape_only: bool = False) -> bytes:
    """bytea input: hex (\\x...) or the escape format; `escape_only` (decode(s, 'escape'))
    reads the escape format alone, where \\x is not an escape (22P02)."""
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    if not isinstance(value, str):
        raise _mismatch("bytea", value)
    if value.startswith("\\x") and not escape_only:
        h = value[2:]
        bad = re.search(r"[^0-9a-fA-F\s]", h)
        if bad:
            raise InputError("22023", f'invalid hexadecimal digit: "{bad.group(0)}"')
        if len(re.sub(r"\s", "", h)) % 2:
            raise InputError("22023", "invalid hexadecimal data: odd number of digits")
        return bytes.fromhex(re.sub(r"\s", "", h))
    out = bytearray()
    i = 0
    while i < len(value):
        c = value[i]
        if c != "\\":
            out += c.encode()
            i += 1
        elif value[i + 1:i + 2] == "\\":
            out.append(0x5C)
            i += 2
        elif re.match(r"[0-3][0-7][0-7]", value[i + 1:i + 4]):
            out.append(int(value[i + 1:i + 4], 8))
            i += 4
        else:
            raise InputError("22P02", "invalid input syntax for type bytea")
    return bytes(out)


def jsonb_keys(obj: dict) -> list[str]:
    """A jsonb object's keys in its order: shortest first, then bytewise."""
    return sorted(obj, key=lambda k: (len(k.encode()), k.encode()))


def _json_text(v) -> str:
    """jsonb's canonical text: PostgreSQL's spacing, keys shortest first then bytewise."""
    if isinstance(v, dict):
        keys = jsonb_keys(v)
        return "{" + ", ".join(json.dumps(k, ensure_ascii=False) + ": " + _json_text(v[k]) for k in keys) + "}"
    if isinstance(v, list):
        return "[" + ", ".join(_json_text(x) for x in v) + "]"
    if isinstance(v, Decimal):  # a jsonb number is a numeric: 1e300 is its digits, -0 is 0
        text = format(v, "f")
        return text[1:] if text.startswith("-") and v == 0 else text
    return json.dumps(v, ensure_ascii=False)


_JSON_NUL = re.compile(r"(?<!\\)(?:\\\\)*\\u0000")  # \u0000, not \\u0000


def parse_json(value, binary: bool) -> str:
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    if not isinstance(value, str):
        value = json.dumps(value)
    try:
        parsed = json.loads(value, parse_float=Decimal, parse_int=Decimal,
                            parse_constant=lambda c: (_ for _ in ()).throw(ValueError(c)))
    except ValueError:
        raise InputError("22P02", "invalid input syntax for type json") from None  # (jsonb's says json too)
    if binary and "\\u0000" in value and _JSON_NUL.search(value):  # (jsonb text cannot hold it)
        raise InputError("22P05", "unsupported Unicode escape sequence")
    return _json_text(parsed) if binary else value


def parse_numeric(value, precision: int, scale: int):
    """numeric(precision, scale): rounded half away from zero to `scale`; 22003 when the
    integer part needs more than precision - scale digits."""
    d = _numeric_input(value, repr)
    if d.is_nan():
        return value
    if d.is_infinite():
        raise InputError("22003", "numeric field overflow")
    q = numeric.with_dscale(d, scale)
    int_digits = len(q.to_integral_value(rounding="ROUND_DOWN").copy_abs().to_eng_string().lstrip("0"))
    if int_digits > precision - scale:
        raise InputError("22003", f"numeric field overflow{errors.DETAIL_MARK}A field with precision {precision}, "
                         f"scale {scale} must round to an absolute value less than 10^{precision - scale}.")
    _refuse_unstored_digits(q)
    if scale <= 0:
        return int(q)
    f = float(q)
    return f if Decimal(repr(f)) == q.normalize() or Decimal(repr(f)) == q else str(q)


def parse_numeric_text(value) -> str:
    """A numeric without a precision: PostgreSQL's text of the value, its own display
    scale kept ('2.50'); a float (a double precision written to the column) through its
    15 significant digits, as PostgreSQL converts one."""
    d = _numeric_input(value, lambda f: format(f, ".15g"))
    if not d.is_finite():
        raise InputError("0A000", f"numeric value {value} is not supported in a numeric column without a "
                         "precision (Sixfold compares its values as numbers)")
    _refuse_unstored_digits(d)
    return numeric.text(d)  # (1e3 is 1000)


def _numeric_input(value, float_text) -> Decimal:
    """A value written to a numeric column as a Decimal (a float through `float_text`);
    22P02 for text that is no number."""
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    try:
        return Decimal(float_text(value)) if isinstance(value, float) else Decimal(str(value).strip())
    except InvalidOperation:
        raise InputError("22P02", f'invalid input syntax for type numeric: "{value}"') from None


def _refuse_unstored_digits(d: Decimal) -> None:
    if numeric.significant_digits(d) > numeric.STORED_SIG_DIGITS_MAX:
        raise InputError("0A000", f"numeric value {numeric.text(d)} has more than {numeric.STORED_SIG_DIGITS_MAX} "
                         "significant digits, more than Sixfold stores exactly")


def stored(value, decltype: str):
    """`value` written to a column of `decltype`, in Sixfold's stored form."""
    if value is None:
        return None
    kind = converted_kind(decltype)
    try:
        if kind is None:
            return value
        if kind == "bool":
            return parse_bool(value)
        if kind == "bytea":
            return parse_bytea(value)
        if kind == "uuid":
            return parse_uuid(value)
        if kind in ("json", "jsonb"):
            return parse_json(value, kind == "jsonb")
        if kind == "array":
            try:
                return arrays.canonical(value, arrays.element_kind(decltype))
            except arrays.ArrayError as e:
                raise InputError(e.sqlstate, str(e)) from None
        if kind == "char":  # char(n) keeps no trailing blanks: they are padding, shown on output
            return value.rstrip(" ") if isinstance(value, str) else value
        if kind == "numeric_text":
            return parse_numeric_text(value)
        if kind in network_types.KINDS:
            try:
                return network_types.stored(kind, value)
            except network_types.NetworkInputError as e:
                raise InputError(e.sqlstate, str(e)) from None
        if kind == "timetz":
            if not isinstance(value, str):
                raise _mismatch(kind, value)
            return temporal.timetz(value, time_precision(decltype.lower().replace("timetz", "time", 1)))
        if kind == "numeric":
            m = _NUMERIC_MOD.match(decltype)
            return parse_numeric(value, int(m.group(1)), int(m.group(2) or 0))
        if isinstance(value, int) and kind in ("date", "timestamp", "timestamptz") and 10**7 <= value < 10**8:
            # '20240229' (YYYYMMDD), which the column's numeric affinity made an integer before
            # this trigger saw it; an integer expression is refused when translated (42804)
            value = str(value)
        if isinstance(value, (int, float)) and kind == "interval":
            # '0' or '90' (seconds): "interval" contains INT, so SQLite gives the column
            # integer affinity and the text became a number before this trigger saw it
            value = str(value)
        if isinstance(value, (int, float, bytes)):
            raise _mismatch(kind, value)
        out = temporal.canonical(value, kind)
        precision = time_precision(decltype) if kind in ("time", "timestamp", "timestamptz") else None
        return out if precision is None else temporal.with_precision(out, kind, precision)
    except temporal.TemporalError as e:
        raise InputError(e.sqlstate, str(e)) from None


def cast(value, kind: str):
    """value::kind for the kinds Sixfold converts (the parser path's casts); a time or
    timestamp kind may carry its precision ('timestamp(0)')."""
    if value is None:
        return None
    if kind.startswith("timetz"):
        try:
            return temporal.timetz(value, time_precision(kind.replace("timetz", "time", 1)))
        except temporal.TemporalError as e:
            raise InputError(e.sqlstate, str(e)) from None
    precision = time_precision(kind)
    if precision is not None:
        out = cast(value, kind[:kind.index("(")].strip())
        return None if out is None else temporal.with_precision(out, _KINDS.get(norm_type(kind), "time"), precision)
    if kind in ("date", "time", "timestamp", "timestamptz", "interval"):
        if isinstance(value, (int, float)) and not (kind == "interval"):
            raise InputError("42846", f"cannot cast type {'integer' if isinstance(value, int) else 'numeric'} "
                             f"to {LABEL[kind]}")
        if kind == "date" and isinstance(value, str) and temporal.sniff(value) in ("timestamp", "timestamptz"):
            return temporal.format_date(temporal.parse_timestamp(value, True).date())
        if kind == "timestamp" and isinstance(value, str) and temporal.sniff(value) == "timestamptz":
            return temporal.format_timestamp(temporal.parse_timestamp(value, True).replace(tzinfo=None), False)
        if kind == "time" and isinstance(value, str) and temporal.sniff(value) in ("timestamp", "timestamptz"):
            return temporal.format_time(temporal.parse_timestamp(value, True).time())
        if kind == "interval" and isinstance(value, (int, float)):
            raise InputError("42846", "cannot cast type integer to interval")
    if kind == "text":
        return value
    return stored(value, {"bool": "boolean", "numeric": "numeric"}.get(kind, kind))

