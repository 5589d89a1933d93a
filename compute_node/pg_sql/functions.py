"""SQLite functions that PostgreSQL SQL needs and the translator emits. `register` is
called on every connection the engine opens."""

from __future__ import annotations

import datetime
import functools
import math
import random as _random
import re
import threading
import time
from collections.abc import Callable
from decimal import Decimal, InvalidOperation

import apsw

from compute_node.pg_sql import (
    bytea_functions, catalog, comments, constraints, deferred_checks, dependencies, domains, enums, extensions,
    float_input, index_definitions, int_coercion, json_functions, more_functions, network_types, numeric, ordered_set,
    regex_engine, renames, routines, row_functions, row_values, schema_text, settings, statistics, system_catalogs,
    table_as, table_sample, temporal, temporal_functions, triggers, typed_functions, types, values, views,
)
from sixfold.constants import PG_SLEEP_CANCEL_POLL_MS, REGEX_CACHE_PATTERNS_MAX
from sixfold.errors import HINT_MARK, SqlError

PG_VERSION_TEXT = ("PostgreSQL 15.0 (Sixfold 0.1.0) on x86_64-pc-linux-gnu, compiled by gcc, 64-bit"
                   " (SQLite " + apsw.sqlite_lib_version() + ")")


class _Clock(threading.local):
    """now() is the start of the current transaction, as in PostgreSQL: the session sets
    it around each statement it runs (in the worker thread running it); None: the time."""

    txn_start: datetime.datetime | None = None
    # The running session's transaction id (txid_current): a callable that assigns one
    # the first time the transaction asks.
    xact_id: Callable[[], int] | None = None


CLOCK = _Clock()


def _txid_current() -> int:
    if CLOCK.xact_id is None:
        raise apsw.SQLError("[0A000] txid_current() is not supported here")
    try:
        return CLOCK.xact_id()
    except SqlError as e:
        raise apsw.SQLError(f"[{e.sqlstate}] {e}") from None


class _FixupDepth(threading.local):
    """How deep the running statement is inside updates Sixfold's own triggers make
    (triggers.py): user triggers fire only at depth 0. A statement runs in one thread; the
    engine resets it before each (a statement that failed midway left it raised)."""

    depth: int = 0


FIXUP = _FixupDepth()


def _fixup(delta: int) -> int:
    FIXUP.depth += delta
    return FIXUP.depth


def reset_fixup_depth() -> None:
    FIXUP.depth = 0


def _txn_time() -> datetime.datetime:
    return CLOCK.txn_start or datetime.datetime.now(datetime.UTC)


temporal.transaction_now = _txn_time  # 'now' and 'today' as literals, too


def _now() -> str:
    return temporal.format_timestamp(_txn_time(), True)


def _clock_timestamp() -> str:
    return temporal.format_timestamp(datetime.datetime.now(datetime.UTC), True)


def _localtimestamp() -> str:
    return temporal.format_timestamp(_txn_time().replace(tzinfo=None), False)


def _localtime(precision) -> str:
    """LOCALTIME [(p)]: the transaction's start as time (UTC, the only time zone)."""
    out = temporal.format_time(_txn_time().astimezone(datetime.UTC).time())
    return out if precision is None else temporal.with_precision(out, "time", int(precision))


def _current_time(precision) -> str:
    """CURRENT_TIME [(p)]: LOCALTIME with its offset (time with time zone)."""
    return _localtime(precision) + "+00"


def _current_date() -> str:
    return temporal.format_date(_txn_time().date())


def _bytea_like(value, pattern, escape) -> int | None:
    """bytea LIKE bytea: % any bytes, _ one byte, the escape byte makes the next literal."""
    if value is None or pattern is None or escape is None:
        return None
    esc = escape if isinstance(escape, bytes) else str(escape).encode()
    return int(_bytea_like_regex(bytes(pattern) if not isinstance(pattern, str) else pattern.encode(), esc)
               .fullmatch(bytes(value) if not isinstance(value, str) else value.encode()) is not None)


@functools.lru_cache(maxsize=REGEX_CACHE_PATTERNS_MAX)
def _bytea_like_regex(pattern: bytes, escape: bytes) -> re.Pattern:
    out, i = [], 0
    while i < len(pattern):
        b = pattern[i:i + 1]
        if escape and b == escape and i + 1 < len(pattern):
            out.append(re.escape(pattern[i + 1:i + 2]))
            i += 2
            continue
        out.append(b".*" if b == b"%" else b"." if b == b"_" else re.escape(b))
        i += 1
    return re.compile(b"".join(out), re.DOTALL)


def _chr(n) -> str:
    code = int(n)
    if code == 0:
        raise apsw.SQLError("[54000] null character not permitted")
    if code < 0:
        raise apsw.SQLError("[22023] character number must be positive")
    if code > 0x10FFFF:
        raise apsw.SQLError(f"[54000] requested character too large for encoding: {code}")
    if 0xD800 <= code <= 0xDFFF:
        raise apsw.SQLError(f"[54000] requested character not valid for encoding: {code}")
    return chr(code)


def _regexp(pattern, value):
    """SQLite's `value REGEXP pattern` calls regexp(pattern, value): PostgreSQL's `~`."""
    return _regex_test(value, pattern, "")


def _regexp_i(value, pattern):
    return _regex_test(value, pattern, "i")


def _regexp_like(value, pattern, flags):
    """regexp_like(string, pattern, flags)."""
    return None if flags is None else _regex_test(value, pattern, str(flags), "regexp_like")


def _regex_test(value, pattern, flags: str, func: str = ""):
    if pattern is None or value is None:
        return None
    try:
        regex_engine.refuse_global(str(pattern), flags, func)
        return int(regex_engine.search(str(pattern), str(value), flags) is not None)
    except regex_engine.RegexError as e:
        raise apsw.SQLError(f"[{e.sqlstate}] {e}") from None


def _to_bool(value):
    """::boolean: 1/0 from PostgreSQL boolean spellings."""
    if value is None:
        return None
    if isinstance(value, (int, float)):
        return 1 if value else 0
    try:
        return values.parse_bool(value.decode() if isinstance(value, bytes) else str(value))
    except values.InputError as e:
        raise apsw.SQLError(f"[{e.sqlstate}] {e}") from None


@typed_functions.sql_function
def _to_int(value, bits=32, source=""):
    """::smallint/integer/bigint and assignments to integer columns, with PostgreSQL's
    rounding for the kind the value comes from (`int_coercion`); the one-argument form
    is what views created before the kind was passed still call."""
    return int_coercion.to_int(value, int(bits), source)


@typed_functions.sql_function
def _limit_count(value, source, offset):
    """LIMIT / OFFSET's value as SQLite takes it: a bigint (1.5 is 2); LIMIT NULL is no
    limit (-1 to SQLite) and OFFSET NULL none; a negative one is PostgreSQL's error (SQLite
    reads a negative LIMIT as none)."""
    n = int_coercion.to_int(value, 64, source)
    if n is None:
        return 0 if offset else -1
    if n < 0:
        raise apsw.SQLError("[2201X] OFFSET must not be negative" if offset else "[2201W] LIMIT must not be negative")
    return n


@typed_functions.sql_function
def _to_float(value, bits):
    """::real / ::double precision of a value the translator could not tell is a number."""
    return float_input.to_float(value, int(bits))


def _substr(text, start, length=None):
    """substr/substring with PostgreSQL's clipping of a start below 1."""
    if text is None or start is None:
        return None
    s = text if isinstance(text, bytes) else str(text)  # (a bytea's bytes stay bytes)
    start = int(start)
    if length is None:
        return s[max(start, 1) - 1:]
    length = int(length)
    if length < 0:
        raise apsw.SQLError("[22011] negative substring length not allowed")
    first = max(start, 1)
    end = max(start + length, first)
    return s[first - 1:end - 1]


@typed_functions.sql_function
def _to_float4(value):
    """A value stored into a real column: rounded to single precision."""
    return float_input.to_float4(value)


def _database_named(name, database):
    """1 when `name` (a name or an OID) is the one database a cluster has, else 3D000."""
    if name is None:
        return None
    if str(name) in (database, "1"):
        return 1
    raise apsw.SQLError(f'[3D000] database "{name}" does not exist' if isinstance(name, str)
                        else f"[3D000] database with OID {name} does not exist")


def _tablespace_named(name):
    """1 for pg_default (the volume's pages), 0 for pg_global (no shared catalogs here),
    42704 for another."""
    if name is None:
        return None
    if str(name) in ("pg_default", "1663"):
        return 1
    if str(name) in ("pg_global", "1664"):
        return 0
    raise apsw.SQLError(f'[42704] tablespace "{name}" does not exist' if isinstance(name, str)
                        else f"[42704] tablespace with OID {name} does not exist")


def _regclass_found(oid, name):
    """'name'::regclass: the relation's OID, or 42P01 when there is none (a system
    catalog's name gives its PostgreSQL OID when it is one of those, else NULL: it has no
    row in sqlite_master)."""
    text = str(name or "").lower()
    if oid is None and text.removeprefix("pg_catalog.") in catalog.SYSTEM_CATALOG_OIDS:
        return catalog.SYSTEM_CATALOG_OIDS[text.removeprefix("pg_catalog.")]
    if oid is None and name is not None and not text.startswith(("pg_", "pg_catalog.", "information_schema.")):
        raise apsw.SQLError(f'[42P01] relation "{name}" does not exist')
    return oid


def _not_null(value, table, column):
    """A value bound for a rowid primary key: SQLite would number a NULL, PostgreSQL refuses it."""
    if value is None:
        raise apsw.SQLError(f'[23502] null value in column "{column}" of relation "{table}" violates not-null constraint')
    return value


def _pow(a, b, is_float=0):
    """a ^ b and power(a, b), failing where PostgreSQL fails (SQLite answers NULL); a
    float8 result that underflows to 0 fails too (22003)."""
    if a is None or b is None:
        return None
    x, y = float(a), float(b)
    if x == 0 and y < 0:
        raise apsw.SQLError("[2201F] zero raised to a negative power is undefined")
    if x < 0 and not y.is_integer():
        raise apsw.SQLError("[2201F] a negative number raised to a non-integer power yields a complex result")
    try:
        out = math.pow(x, y)
    except OverflowError:
        raise apsw.SQLError("[22003] value out of range: overflow") from None
    if is_float and out == 0.0 and x != 0:
        raise apsw.SQLError("[22003] value out of range: underflow")
    return out


def _ln(value):
    """ln(x), failing where PostgreSQL fails (SQLite answers NULL)."""
    if value is None:
        return None
    return math.log(_log_arg(float(value)))


def _log_arg(x: float) -> float:
    if x == 0:
        raise apsw.SQLError("[2201E] cannot take logarithm of zero")
    if x < 0:
        raise apsw.SQLError("[2201E] cannot take logarithm of a negative number")
    return x


def _log10(value):
    return None if value is None else math.log10(_log_arg(float(value)))


def _log_base(base, value):
    """log(b, x): as PostgreSQL's numeric log, its errors included."""
    if base is None or value is None:
        return None
    b, x = _log_arg(float(base)), _log_arg(float(value))
    if b == 1:
        raise apsw.SQLError("[22012] division by zero")
    return math.log(x) / math.log(b)


def _exp(value, is_float):
    """exp(x): a float8 result beyond its range fails (22003) as in PostgreSQL; SQLite
    answers Infinity or 0."""
    if value is None:
        return None
    x = float(value)
    try:
        out = math.exp(x)
    except OverflowError:
        raise apsw.SQLError("[22003] value out of range: overflow") from None
    if out == 0.0 and is_float and not math.isinf(x):
        raise apsw.SQLError("[22003] value out of range: underflow")
    return out


def _sqrt(value):
    if value is None:
        return None
    x = float(value)
    if x < 0:
        raise apsw.SQLError("[2201F] cannot take square root of a negative number")
    return math.sqrt(x)


def _trig(fn, low: float | None = None, high: float | None = None, finite: bool = False, cot: bool = False):
    """A float8 function of PostgreSQL's with its range checks ("input is out of range",
    22003): SQLite's answers NULL (asin(2), acosh(0.5)) or a NaN it stores as NULL (tan of
    Infinity), and has no cot."""
    def call(value):
        if value is None:
            return None
        x = float(value)
        if finite and math.isinf(x) or low is not None and x < low or high is not None and x > high:
            raise apsw.SQLError("[22003] input is out of range")
        if cot:
            t = math.tan(x)
            return math.inf if t == 0 else 1.0 / t
        if fn is math.atanh and abs(x) == 1:
            return math.copysign(math.inf, x)
        return fn(x)
    return call


_TRIG = {"sin": _trig(math.sin, finite=True), "cos": _trig(math.cos, finite=True),
         "tan": _trig(math.tan, finite=True), "cot": _trig(None, finite=True, cot=True),
         "asin": _trig(math.asin, -1.0, 1.0), "acos": _trig(math.acos, -1.0, 1.0),
         "acosh": _trig(math.acosh, 1.0), "atanh": _trig(math.atanh, -1.0, 1.0)}


@typed_functions.sql_function
def _farith(op, a, b, single):
    """a + b, a - b, a * b of floats as PostgreSQL's float8 (or float4, both operands real)
    operators: a finite result out of range fails (22003) where SQLite answers Infinity
    or 0."""
    if a is None or b is None:
        return None
    x, y = _float_operand(a), _float_operand(b)
    out = x + y if op == "+" else x - y if op == "-" else x * y
    if math.isnan(out):  # Infinity - Infinity, Infinity * 0: SQLite would hold the NaN as NULL
        raise apsw.SQLError("[0A000] Sixfold cannot hold a float NaN (SQLite stores it as NULL)")
    if single:
        out = float_input.as_float4(out)  # beyond real's range: 22003
    if math.isinf(out) and not (math.isinf(x) or math.isinf(y)):
        raise apsw.SQLError("[22003] value out of range: overflow")
    if op == "*" and out == 0.0 and x != 0.0 and y != 0.0:
        raise apsw.SQLError("[22003] value out of range: underflow")
    return out


def _float_operand(v) -> float:
    try:
        return float(v)
    except (TypeError, ValueError):
        raise apsw.SQLError(f'[22P02] invalid input syntax for type double precision: "{v}"') from None


def _float_text(value, single):
    """A float8 (or real) as PostgreSQL's text of it."""
    if not isinstance(value, float):
        return None if value is None else str(value)
    return types._shortest_float(value, bool(single))


def _replace(s, old, new):
    """replace(s, from, to): NULL when any argument is (SQLite's keeps s when from is '')."""
    if s is None or old is None or new is None:
        return None
    s, old, new = (v.decode("utf-8", "replace") if isinstance(v, bytes) else str(v) for v in (s, old, new))
    return s.replace(old, new) if old else s


def _rint(value):
    """round(float8): to the nearest integer, half to even (C's rint), as a float8."""
    if value is None:
        return None
    f = float(value)
    return math.copysign(float(round(f)), f) if math.isfinite(f) else f  # rint(-0.4) is -0


def _fabs(value):
    """abs(float8 / real): C's fabs, abs(-0) is 0 (SQLite's abs keeps -0.0)."""
    return None if value is None else abs(float(value))


def _to_bytea(value):
    if value is None or isinstance(value, bytes):
        return value
    return types.decode_bytea_text(str(value))


def _bytea_text(value):
    """A bytea's text as PostgreSQL shows it (bytea_output hex)."""
    if value is None:
        return None
    return "\\x" + (value if isinstance(value, bytes) else str(value).encode()).hex()


def _bytea_cat(a, b):
    """bytea || bytea (an unknown literal read as bytea input)."""
    if a is None or b is None:
        return None
    return _to_bytea(a) + _to_bytea(b)


def _bytea_trim(value, chars, side):
    """trim([both | leading | trailing] chars FROM value), btrim / ltrim / rtrim over
    bytea: the bytes of `chars` removed from the ends `side` names."""
    if value is None or chars is None:
        return None
    value, chars = _to_bytea(value), set(_to_bytea(chars))
    start, end = 0, len(value)
    if side in ("both", "leading"):
        while start < end and value[start] in chars:
            start += 1
    if side in ("both", "trailing"):
        while end > start and value[end - 1] in chars:
            end -= 1
    return value[start:end]


def _pg_type_name(decltype):
    return types.pg_type_name(decltype)


def _char_max_length(decltype):
    if not decltype:
        return None
    m = re.match(r"\s*(character\s+varying|varchar|character|char|bpchar|nchar|nvarchar)\s*\(\s*(\d+)\s*\)",
                 decltype, re.IGNORECASE)
    if m:
        return int(m.group(2))
    if re.match(r"\s*(character|char|bpchar)\s*$", decltype, re.IGNORECASE):
        return 1
    return None


def _pretty_condef(definition):
    """pg_get_constraintdef(oid, true) of a CHECK: its outer parentheses dropped, as
    PostgreSQL's pretty form prints it (CHECK (x > 0)); other definitions as they are."""
    if definition is None:
        return None
    text = str(definition)
    if text.startswith("CHECK ((") and text.endswith("))") and text.count("(") == text.count(")"):
        inner = text[len("CHECK ("):-1]
        depth = 0
        for i, ch in enumerate(inner):  # only when the outer pair encloses all of it
            depth += ch == "("
            depth -= ch == ")"
            if depth == 0 and i < len(inner) - 1:
                return text
        return f"CHECK {inner}"
    return text


def _type_storage(decltype):
    """pg_attribute.attstorage of a column of this declared type, its type's typstorage:
    arrays and variable-length texts 'x' (extended), numeric 'm' (main), the fixed-length
    types 'p' (plain)."""
    shown = _format_type(decltype)
    if shown.endswith("[]") or shown in ("text", "bytea", "json", "jsonb") or shown.startswith("character"):
        return "x"
    return "m" if shown.startswith("numeric") else "p"


def _format_type(decltype):
    """format_type(): the PostgreSQL spelling of a declared type, with its modifiers."""
    if not decltype:
        return "text"
    if "[" in decltype:  # an array: its element type's name and []
        return _format_type(re.sub(r"\[\d*\]", "", decltype)) + "[]"
    m = re.search(r"\(([^)]*)\)", decltype)
    base = types.pg_type_name(decltype)
    if not m:  # character without a length holds any length: bpchar (character is character(1))
        return "bpchar" if base == "character" else base
    mods = f"({m.group(1).replace(' ', '')})"
    head, sep, zone = base.partition(" with")  # timestamp(6) without time zone
    return f"{head}{mods}{sep}{zone}" if sep else base + mods


format_declared_type = _format_type  # (views.py compares a view's column types so)


_TYPNAMES = {16: "bool", 17: "bytea", 19: "name", 20: "int8", 21: "int2", 23: "int4", 25: "text", 114: "json",
             700: "float4",
             701: "float8", 1042: "bpchar", 1043: "varchar", 1082: "date", 1083: "time", 1114: "timestamp",
             1184: "timestamptz", 1186: "interval", 1700: "numeric", 2950: "uuid", 3802: "jsonb"}


def _udt_name(decltype):
    """information_schema's udt_name: the type's pg_type name (int4, _text for text[])."""
    oid = types.column_oid(decltype or None, None)
    from compute_node.pg_sql import arrays

    if oid in arrays.ARRAY_OIDS:
        return "_" + _TYPNAMES[arrays.ELEMENTS[arrays.ARRAY_OIDS[oid]][0]]
    return _TYPNAMES.get(oid, "text")


def _to_regtype(name, strict):
    """'name'::regtype (strict: 42704 when there is no such type) and to_regtype(name)."""
    if name is None:
        return None
    key = str(name).strip().lower().removeprefix("pg_catalog.").strip('"')
    oid = types.TYPE_OIDS.get(key)
    if oid is None:
        oid = _ARRAY_TYPE_OIDS.get(key)
        if oid is None and key.endswith("[]"):  # text[] -> _text's OID
            oid = _ARRAY_OF.get(types.TYPE_OIDS.get(key[:-2].strip()))
    if oid is None and strict:
        raise apsw.SQLError(f'[42704] type "{name}" does not exist')
    return oid


# The array types of the catalog's pg_type: '_text' -> 1009, and element OID -> array OID.
_ARRAY_TYPE_OIDS = {row[1]: row[0] for row in catalog.BUILTIN_TYPES if row[4] == "A"}
_ARRAY_OF = {row[9]: row[0] for row in catalog.BUILTIN_TYPES if row[4] == "A"}
_ELEMENT_OF = {array: elem for elem, array in _ARRAY_OF.items()}


def _vector_at(vector, subscript):
    """vector[subscript] of an int2vector or oidvector's text ('1 2'): subscripts start at
    0; NULL outside."""
    if vector is None or subscript is None:
        return None
    items = str(vector).split()
    i = int(subscript)
    return int(items[i]) if 0 <= i < len(items) else None


def _regtype_name(oid):
    if oid is None:
        return None
    elem = _ELEMENT_OF.get(int(oid))
    if elem is not None:
        return types.REGTYPE_NAMES[elem] + "[]"
    return types.REGTYPE_NAMES.get(int(oid), str(oid))


def _json_build_object(*args):
    import json

    if len(args) % 2:
        raise apsw.SQLError("[22023] argument list must have even number of elements")
    return json.dumps({str(args[i]): args[i + 1] for i in range(0, len(args), 2)}, separators=(", ", ": "))


class _SumFloat4:
    """sum(real): PostgreSQL adds real values in single precision (float4pl)."""

    def __init__(self):
        self.total: float | None = None

    def step(self, value):
        if value is not None:
            self.total = float_input.as_float4((self.total or 0.0) + float(value))

    def final(self):
        return self.total


class _FloatAccum:
    """sum(float8) (float8pl) and avg(float8), avg(real) (float8_accum) as PostgreSQL
    computes them: a plain running sum (SQLite's compensated one differs in the last
    digit) and, for avg, the sum of squares float8_accum keeps; an overflow of either
    fails the query (22003) as there."""

    def __init__(self, squares: bool):
        self.squares = squares
        self.n, self.sx, self.sxx = 0, 0.0, 0.0

    def step(self, value):
        if value is None:
            return
        x = float(value)
        n, sx, sxx = self.n + 1, self.sx + x, self.sxx
        if self.squares and n > 1:
            tmp = x * n - sx
            sxx += tmp * tmp / (n * self.n)
        if (math.isinf(sx) or math.isinf(sxx)) and not math.isinf(x) and not math.isinf(self.sx):
            raise apsw.SQLError("[22003] value out of range: overflow")
        self.n, self.sx, self.sxx = n, sx, sxx

    def final_sum(self):
        return self.sx if self.n else None

    def final_avg(self):
        return self.sx / self.n if self.n else None


def _float_digits(value, digits):
    """A float as PostgreSQL converts it to numeric: its text to `digits` significant digits."""
    if value is None or not isinstance(value, float) or not math.isfinite(value):
        return value
    f = float(f"{value:.{int(digits)}g}")
    return int(f) if f.is_integer() and abs(f) < 2**63 else f  # 1.67772e+07 is the numeric 16777200


class _ArrayAgg:
    """array_agg(value): the values as PostgreSQL's array text ({a,"b c",NULL})."""

    def __init__(self):
        self.items: list[str] = []

    def step(self, value, kind=""):
        if value is None:
            self.items.append("NULL")
            return
        if isinstance(value, float) and kind in ("float", "float4"):  # 3 (not 3.0), 1e+300, real's digits
            text = types.float_text(value, single=kind == "float4")
        else:
            text = ("t" if value else "f") if isinstance(value, bool) or kind == "bool" else str(value)
        if isinstance(value, (int, float)) or re.fullmatch(r"[^\s{}\",\\]+", text) and text.upper() != "NULL":
            self.items.append(text)
        else:
            self.items.append('"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"')

    def final(self):
        return "{" + ",".join(self.items) + "}" if self.items else None


_DEFAULT_TEXT = {"pg_current_date()": "CURRENT_DATE", "strftime('%y-%m-%d %h:%m:%f', 'now')": "now()",
                 "pg_localtimestamp()": "LOCALTIMESTAMP"}


_CALL_NAME = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)\(")
_NEXTVAL = re.compile(r"^nextval\('(?:public\.)?((?:[^']|'')+)'(?:::regclass)?\)$", re.IGNORECASE)
_ENUM_DEFAULT = re.compile(r"^('(?:[^']|'')*') COLLATE \"(pg_enum:[^\"]*)\"$")
# 'x'::timestamptz as the translator stores it: pg_cast('x', 'timestamptz')
_CAST_DEFAULT = re.compile(r"^\(?pg_cast\(('(?:[^']|'')*'), '(\w+)'\)\)?$", re.IGNORECASE)
_NUMBER_TEXT = re.compile(r"^-?(\d+\.?\d*|\.\d+)$")
_NUMERIC_FAMILY = ("integer", "smallint", "bigint", "numeric", "double precision", "real")


def _default_text(text, decltype=None):
    """A column default as PostgreSQL's pg_get_expr prints it (the translator stored
    SQLite's spelling): a constant is labelled with the column's type unless it is a
    plain non-negative number or a boolean ('x'::text, '-1'::integer, 7, true)."""
    if text is None:
        return None
    t = str(text)
    inner = t[1:-1] if t.startswith("(") and t.endswith(")") else t
    if inner.lower() in _DEFAULT_TEXT:
        return _DEFAULT_TEXT[inner.lower()]
    if t.upper() == "NULL":
        return None  # PostgreSQL keeps no default for DEFAULT NULL
    if t.lower().startswith("pg_identity_next("):
        return None  # an identity column's: PostgreSQL keeps no default for it
    seq = _NEXTVAL.match(t)
    if seq:  # nextval('public.t_id_seq') as pg_get_expr prints it
        return f"nextval('{seq.group(1)}'::regclass)"
    enum = _ENUM_DEFAULT.match(t)
    if enum:  # an enum label: its column's collation named the type (enums.py), not PostgreSQL
        return f"{enum.group(1)}::{enums.decode(enum.group(2))[0]}"
    cast = _CAST_DEFAULT.match(t)
    if cast and cast.group(2).lower() in types.TYPE_OIDS:  # a typed constant, as it was written
        return f"{cast.group(1)}::{types.REGTYPE_NAMES[types.TYPE_OIDS[cast.group(2).lower()]]}"
    call = _CALL_NAME.match(t)
    if call:  # PostgreSQL prints function names as written, lower case here
        return call.group(1).lower() + t[call.end(1):]
    if decltype is None:
        return t
    base = types.pg_type_name(str(decltype))
    label = "bpchar" if base == "character" else base
    if t.upper() in ("TRUE", "FALSE") and base == "boolean":
        return t.lower()
    literal = t[1:-1].replace("''", "'") if len(t) >= 2 and t[0] == t[-1] == "'" else None
    if literal is not None and base == "boolean" and literal.lower() in ("true", "false", "t", "f"):
        return "true" if literal.lower() in ("true", "t") else "false"
    value = literal if literal is not None else t
    if _NUMBER_TEXT.match(value) and base in _NUMERIC_FAMILY:
        if not value.startswith("-"):
            return value
        return f"'{value}'::{label if base != 'double precision' or '.' not in value else 'numeric'}"
    if literal is not None:
        return f"'{literal.replace(chr(39), chr(39) * 2)}'::{label}"
    return t


def _regexp_replace(s, pattern, repl, flags=""):
    """regexp_replace(source, pattern, replacement [, flags]): 'g' replaces every match;
    \\1 in the replacement is a group, \\& the whole match (regex_engine.replace)."""
    if s is None or pattern is None or repl is None:
        return None
    try:
        return regex_engine.replace(str(s), str(pattern), str(repl), str(flags or ""))
    except regex_engine.RegexError as e:
        raise apsw.SQLError(f"[{e.sqlstate}] {e}") from None


def _encode(data, fmt):
    import base64

    if data is None or fmt is None:
        return None
    try:  # (a quoted literal is bytea's input: '\x1234' is two bytes, as PostgreSQL reads it)
        b = data if isinstance(data, bytes) else values.parse_bytea(str(data))
    except values.InputError as e:
        raise apsw.SQLError(f"[{e.sqlstate}] {e}") from None
    f = str(fmt).lower()
    if f == "hex":
        return b.hex()
    if f == "base64":
        return base64.encodebytes(b).decode().rstrip("\n")
    if f == "escape":
        # (PostgreSQL's escape format escapes only NUL, bytes with the high bit and the backslash)
        return "".join(chr(c) if 0 < c < 128 and c != 92 else ("\\\\" if c == 92 else f"\\{c:03o}") for c in b)
    raise apsw.SQLError(f'[22023] unrecognized encoding: "{fmt}"')


def _decode(text, fmt):
    import base64
    import binascii

    if text is None or fmt is None:
        return None
    f = str(fmt).lower()
    try:
        if f == "hex":
            return bytes.fromhex(str(text))
        if f == "base64":
            # whitespace is skipped; any other symbol outside the alphabet is 22023 (PostgreSQL's
            # "invalid symbol"), as is a sequence not ending on a whole group
            return base64.b64decode(re.sub(r"[ \t\n\r]", "", str(text)), validate=True)
        if f == "escape":
            return values.parse_bytea(str(text), escape_only=True)
    except values.InputError as e:
        raise apsw.SQLError(f"[{e.sqlstate}] {e}") from None
    except (ValueError, binascii.Error):
        raise apsw.SQLError(f"[22023] {_decode_failure(str(text), f)}") from None
    raise apsw.SQLError(f'[22023] unrecognized encoding: "{fmt}"')


_B64_ALPHABET = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=")


def _decode_failure(text: str, f: str) -> str:
    """PostgreSQL's message for text that decode() cannot read as `f` (hex or base64)."""
    if f == "hex":
        bad = next((c for c in text if c not in "0123456789abcdefABCDEF \t\n\r"), None)
        return f'invalid hexadecimal digit: "{bad}"' if bad else "invalid hexadecimal data: odd number of digits"
    bad = next((c for c in text if c not in _B64_ALPHABET and c not in " \t\n\r"), None)
    return f'invalid symbol "{bad}" found while decoding base64 sequence' if bad else "invalid base64 end sequence"


def _typeof_value(v):
    if v is None:
        return "unknown"
    if isinstance(v, int):
        return "bigint"
    if isinstance(v, float):
        return "double precision"
    if isinstance(v, bytes):
        return "bytea"
    return "text"


def _set_config(name, value, is_local):
    """set_config(): changes nothing (a session's settings are SET's), but refuses what SET
    would refuse of the settings that change how values are shown."""
    try:
        return settings.output_setting(str(name), str(value)) if name is not None and value is not None else value
    except SqlError as e:
        raise apsw.SQLError(f"[{e.sqlstate}] {e}") from None


# --- string functions PostgreSQL has and SQLite lacks -----------------------------------------
# PostgreSQL's pg_size_pretty units: (name, the limit below which it is used, whether the
# value is half-rounded into it, log2 of its bytes).
_SIZE_UNITS = (("bytes", 10 * 1024, False, 0), ("kB", 20 * 1024 - 1, True, 10), ("MB", 20 * 1024 - 1, True, 20),
               ("GB", 20 * 1024 - 1, True, 30), ("TB", 20 * 1024 - 1, True, 40), ("PB", 20 * 1024 - 1, True, 50))


def _truncated_div(a: int, b: int) -> int:
    """C's integer division (toward zero)."""
    q = abs(a) // b
    return q if a >= 0 else -q


def size_pretty(size) -> str:
    """pg_size_pretty: PostgreSQL 15's units, limits and half rounding (10240 is 10 kB,
    10485247 is 10239 kB, 10485248 is 10 MB). A fractional size below 10 kB keeps its
    digits, as PostgreSQL's numeric form does."""
    if isinstance(size, str):
        size = Decimal(size)
    elif isinstance(size, float):
        if not math.isfinite(size):
            raise values.InputError("22003", "cannot convert infinity or NaN to a size")
        size = Decimal(repr(size))
    if isinstance(size, Decimal):
        if abs(size) < _SIZE_UNITS[0][1]:
            return f"{size} bytes" if size != size.to_integral_value() or size.as_tuple().exponent < 0 \
                else f"{int(size)} bytes"
        size = int(size / 512)  # the first step's truncated division by 512, toward zero
        units = _SIZE_UNITS[1:]
    else:
        size = int(size)
        units = _SIZE_UNITS
    for i, (name, limit, rounds, bits) in enumerate(units):
        last = i == len(units) - 1
        if last or abs(size) < limit:
            if rounds:
                size = _truncated_div(size + (1 if size >= 0 else -1), 2)
            return f"{size} {name}"
        nxt = units[i + 1]
        size = _truncated_div(size, 1 << (nxt[3] - bits - nxt[2] + rounds))
    raise AssertionError("the last unit is always taken")


def _null_safe(fn):
    def wrapper(*args):
        return None if any(a is None for a in args) else fn(*args)
    return wrapper


def _pad(left: bool):
    def pad(s, n, fill=" "):
        s, n, fill = str(s), int(n), str(fill)
        if n <= len(s) or not fill:
            return s[:max(n, 0)]
        p = (fill * (n // len(fill) + 1))[: n - len(s)]
        return p + s if left else s + p
    return pad


def _split_part(s, sep, n):
    n = int(n)
    if n == 0:
        raise apsw.SQLError("[22023] field position must not be zero")
    parts = str(s).split(str(sep)) if sep != "" else [str(s)]
    idx = n - 1 if n > 0 else len(parts) + n
    return parts[idx] if 0 <= idx < len(parts) else ""


def _sha(data, bits):
    """sha224/256/384/512(bytea): the digest as bytea."""
    import hashlib

    if data is None:
        return None
    return hashlib.new(f"sha{int(bits)}", data if isinstance(data, bytes) else str(data).encode()).digest()


def _md5(s):
    import hashlib

    return hashlib.md5(s if isinstance(s, bytes) else str(s).encode()).hexdigest()


def _div(a, b):
    """PostgreSQL's /: a zero divisor fails (22012), integers truncate toward zero."""
    if a is None or b is None:
        return None
    if isinstance(a, str) or isinstance(b, str) or isinstance(a, bytes) or isinstance(b, bytes):
        a, b = _num(a), _num(b)
    if b == 0:
        raise apsw.SQLError("division by zero")
    if isinstance(a, int) and isinstance(b, int):
        q = abs(a) // abs(b)
        return q if (a >= 0) == (b >= 0) else -q
    out = a / b
    if math.isnan(out):  # Infinity / Infinity: SQLite would hold the NaN as NULL (a wrong answer)
        raise apsw.SQLError("[0A000] Sixfold cannot hold a float NaN (SQLite stores it as NULL)")
    # float8div: a finite quotient out of range fails (22003), where SQLite answers Infinity or 0
    if math.isinf(out) and not math.isinf(a):
        raise apsw.SQLError("[22003] value out of range: overflow")
    if out == 0.0 and a != 0 and not math.isinf(b):
        raise apsw.SQLError("[22003] value out of range: underflow")
    return out


def _mod(a, b):
    if a is None or b is None:
        return None
    if isinstance(a, (str, bytes)) or isinstance(b, (str, bytes)):
        a, b = _num(a), _num(b)
    if b == 0:
        raise apsw.SQLError("division by zero")
    if isinstance(a, int) and isinstance(b, int):
        r = abs(a) % abs(b)
        return r if a >= 0 else -r
    # PostgreSQL's % of non-integers is numeric's: exact (123.456 % 0.001 is 0.000, not 5e-16)
    r = numeric.EXACT.remainder(Decimal(repr(a)), Decimal(repr(b)))  # (the default context's 28 digits fail past 1e28)
    return int(r) if r == r.to_integral_value() else float(r)


def _num(v):
    t = v.decode() if isinstance(v, bytes) else str(v)
    try:
        return int(t)
    except ValueError:
        try:
            return float(t)
        except ValueError:
            raise apsw.SQLError(f'invalid input syntax for type numeric: "{t}"') from None


class _StringAgg:
    """string_agg(value, delimiter): PostgreSQL's, NULL values skipped."""

    def __init__(self):
        self.parts: list[str] = []
        self.sep = ","

    def step(self, value, sep):
        if value is not None:
            self.parts.append(str(value))
            self.sep = "" if sep is None else str(sep)

    def final(self):
        return self.sep.join(self.parts) if self.parts else None


def _con_field(trigger_sql, key):
    from compute_node.pg_sql import constraints

    return constraints.con_field(trigger_sql, key)


def _pg_sleep(conn: apsw.Connection, seconds):
    """pg_sleep(s): sleeps, and stops when the statement is cancelled (57014)."""
    if seconds is None:
        return ""
    deadline = time.monotonic() + float(seconds)
    while (left := deadline - time.monotonic()) > 0:
        if conn.is_interrupted:
            raise apsw.InterruptError("canceling statement due to user request")
        time.sleep(min(left, PG_SLEEP_CANCEL_POLL_MS / 1000))
    return ""


UPSERT_TWICE = ("ON CONFLICT DO UPDATE command cannot affect row a second time" + HINT_MARK +
                "Ensure that no rows proposed for insertion within the same command have duplicate constrained values.")


def _upsert_keys_distinct(value, width, *keys):
    """`value` (an INSERT ... VALUES ... ON CONFLICT DO UPDATE's first cell) when no two
    rows' conflict keys (`keys`: `width` per row) are equal; 21000 otherwise, as
    PostgreSQL refuses to update a row twice (SQLite would update the row the statement
    just inserted). A key with a NULL conflicts with nothing; numbers compare by value."""
    seen = set()
    for at in range(0, len(keys), int(width)):
        key = keys[at:at + int(width)]
        if any(k is None for k in key):
            continue
        if key in seen:  # (Python's 1 == 1.0 is SQLite's integer and real of one value)
            raise apsw.SQLError(f"[21000] {UPSERT_TWICE}")
        seen.add(key)
    return value


def _bpchar(v, n, padded):
    """v::char(n): cut to n characters, trailing blanks dropped; padded to n when shown
    (`padded` 1). `padded` 2: a char(n) value read back and shown, padded and never cut (a
    longer value beside it in a COALESCE or CASE is a bpchar of no length in PostgreSQL:
    `coalesce(c, '1 day')` keeps '1 day')."""
    if v is None:
        return None
    text = v.decode("utf-8", "replace") if isinstance(v, bytes) else str(v)
    text = (text if padded == 2 else text[:int(n)]).rstrip(" ")
    return text.ljust(int(n)) if padded else text


NAME_BYTES_MAX = 63  # PostgreSQL's NAMEDATALEN - 1


def name_value(v):
    """v::name: its text cut to 63 bytes, at a character's boundary, as PostgreSQL cuts it."""
    if v is None:
        return None
    text = v.decode("utf-8", "replace") if isinstance(v, bytes) else str(v)
    data = text.encode("utf-8")
    if len(data) <= NAME_BYTES_MAX:
        return text
    return data[:NAME_BYTES_MAX].decode("utf-8", "ignore")


_OCTAL_ESCAPE = re.compile(r"\\([0-7]{3})")


def _internal_char(v):
    """v::"char", the one-byte type: its first byte, or the byte a \\ooo escape names; shown
    as PostgreSQL's charout shows it (a byte above 127 as \\ooo, the zero byte as '')."""
    if v is None:
        return None
    text = v.decode("utf-8", "replace") if isinstance(v, bytes) else str(v)
    m = _OCTAL_ESCAPE.fullmatch(text)
    byte = int(m.group(1), 8) & 0xFF if m else (text.encode("utf-8") or b"\0")[0]
    if byte == 0:
        return ""
    return chr(byte) if byte < 128 else f"\\{byte:03o}"


def _numeric_text_order(a: str, b: str) -> int:
    """The pg_numeric collation: a numeric column's texts ('2.50', '10') by their values
    (2.50 = 2.5). Anything that is no finite number (the column's input trigger refuses
    it, after an index may have compared it) sorts after the numbers, by its text."""
    if a == b:
        return 0
    ka, kb = _numeric_text_key(a), _numeric_text_key(b)
    return (ka > kb) - (ka < kb)


def _numeric_text_key(s: str) -> tuple:
    try:
        d = Decimal(s)
    except InvalidOperation:
        return (1, s)
    return (0, d) if d.is_finite() else (1, s)


# a built-in array type's OID -> its element type's (pg_type.typarray read backwards)
_ARRAY_ELEMENTS = {row[10]: row[0] for row in catalog.BUILTIN_TYPES if row[10]}


def _format_builtin_type(oid, typmod):
    """format_type(oid, typmod) of a built-in type: its SQL name with the modifier the
    typmod encodes (character varying(120), numeric(12,2), timestamp(3) with time zone),
    '[]' after an array's; '???' for an OID no type has."""
    if oid is None:
        return None
    oid, mod = int(oid), -1 if typmod is None else int(typmod)
    if oid in _ARRAY_ELEMENTS:
        return _format_builtin_type(_ARRAY_ELEMENTS[oid], mod) + "[]"
    name = types.REGTYPE_NAMES.get(oid)
    if name is None:
        return "???"
    if mod < 0:  # bpchar without a length is not character, which is character(1)
        return "bpchar" if oid == types.BPCHAR and typmod is not None else name
    if oid in (types.VARCHAR, types.BPCHAR) and mod >= 4:
        return f"{name}({mod - 4})"
    if oid == types.NUMERIC and mod >= 4:
        return f"numeric({((mod - 4) >> 16) & 0xFFFF},{(mod - 4) & 0xFFFF})"
    if oid in (types.TIME, types.TIMESTAMP, types.TIMESTAMPTZ):
        head, _, zone = name.partition(" ")
        return f"{head}({mod}) {zone}"
    if oid == types.INTERVAL and mod & 0xFFFF != 0xFFFF:
        return f"interval({mod & 0xFFFF})"
    return name


def register(conn: apsw.Connection) -> None:
    from compute_node.pg_sql import arrays, sequences

    conn.create_collation(types.NUMERIC_TEXT_COLLATION, _numeric_text_order)
    conn.create_collation(types.TIMETZ_COLLATION, temporal.timetz_order)
    conn.create_collation(types.JSONB_COLLATION, json_functions.jsonb_order)
    network_types.register(conn)

    sequences.register(conn)
    arrays.register(conn)
    conn.create_scalar_function("pg_sleep", lambda s: _pg_sleep(conn, s), 1)
    """Add the PostgreSQL functions to `conn`."""
    det = {"deterministic": True}
    conn.execute("pragma foreign_keys=ON")  # PostgreSQL enforces foreign keys (23503) and their actions
    conn.execute("pragma case_sensitive_like=ON")  # PostgreSQL's LIKE is; SQLite's ignores ASCII case
    typed_functions.register(conn)
    conn.create_scalar_function("now", _now, 0)
    conn.create_scalar_function("txid_current", _txid_current, 0)
    conn.create_scalar_function("pg_current_xact_id", _txid_current, 0)
    conn.create_scalar_function("sixfold_fixup", _fixup, 1)
    conn.create_scalar_function("pg_function_field", routines.function_field, 2, **det)
    conn.create_scalar_function("pg_trigger_field", triggers.trigger_field, 2, **det)
    conn.create_scalar_function("pg_matview_field", table_as.marker_field, 2, **det)
    conn.create_scalar_function("pg_index_method", catalog.index_method, 1, **det)
    conn.create_scalar_function("pg_index_constraint", catalog.index_constraint, 1, **det)
    conn.create_scalar_function("pg_table_checks", catalog.table_checks, 1, **det)
    conn.create_scalar_function("pg_name_list", catalog.name_list, 1, **det)
    conn.create_scalar_function("pg_position_in_key", catalog.position_in_key, 3, **det)
    conn.create_scalar_function("pg_generated_text", catalog.generated_text, 2, **det)
    conn.create_scalar_function("pg_hidden_object", catalog.hidden_object, 1, **det)
    conn.create_scalar_function("pg_index_expressions", catalog.index_expressions, 1, **det)
    conn.create_scalar_function("transaction_timestamp", _now, 0)
    conn.create_scalar_function("statement_timestamp", _now, 0)
    conn.create_scalar_function("clock_timestamp", _clock_timestamp, 0)
    conn.create_scalar_function("pg_localtimestamp", _localtimestamp, 0)
    conn.create_scalar_function("pg_current_time", _current_time, 1)
    conn.create_scalar_function("pg_localtime", _localtime, 1)
    conn.create_scalar_function("pg_current_date", _current_date, 0)
    conn.create_scalar_function("version", lambda: PG_VERSION_TEXT, 0, **det)
    conn.create_scalar_function("pg_random", _random.random, 0)
    conn.create_scalar_function("regexp", _regexp, 2, **det)
    conn.create_scalar_function("pg_regexp_i", _regexp_i, 2, **det)
    conn.create_scalar_function("pg_regexp_like", _regexp_like, 3, **det)
    conn.create_scalar_function("pg_bool", _to_bool, 1, **det)
    conn.create_scalar_function("pg_int", _to_int, 1, **det)
    conn.create_scalar_function("pg_int", _to_int, 3, **det)
    conn.create_scalar_function("pg_limit_count", _limit_count, 3, **det)
    conn.create_scalar_function("pg_rint", _rint, 1, **det)
    conn.create_scalar_function("pg_fabs", _fabs, 1, **det)
    # true once SQLite has computed every argument (an error among them is raised first)
    conn.create_scalar_function("pg_evaluated", lambda *args: 1, -1, **det)
    conn.create_scalar_function("pg_float", _to_float, 2, **det)
    conn.create_scalar_function("pg_float4", _to_float4, 1, **det)
    conn.create_scalar_function("pg_not_null", _not_null, 3, **det)
    conn.create_scalar_function("pg_database_named", _database_named, 2, **det)
    conn.create_scalar_function("pg_regclass_found", _regclass_found, 2, **det)
    conn.create_scalar_function("pg_tablespace_named", _tablespace_named, 1, **det)
    conn.create_scalar_function("pg_view_definition", catalog.view_definition, 1, **det)
    conn.create_scalar_function("pg_indexdef", typed_functions.sql_function(index_definitions.definition), 4, **det)
    conn.create_scalar_function("pg_indexes_indexdef", index_definitions.listed_definition, 4, **det)
    conn.create_scalar_function("pg_first", lambda first, _rest: first, 2, **det)
    conn.create_scalar_function("pg_pow", _pow, 2, **det)
    conn.create_scalar_function("pg_pow", _pow, 3, **det)
    conn.create_scalar_function("pg_ln", _ln, 1, **det)
    conn.create_scalar_function("pg_farith", _farith, 4, **det)
    conn.create_scalar_function("pg_float_text", _float_text, 2, **det)
    conn.create_scalar_function("replace", _replace, 3, **det)
    conn.create_scalar_function("pg_log10", _log10, 1, **det)
    conn.create_scalar_function("pg_log", _log_base, 2, **det)
    conn.create_scalar_function("pg_exp", _exp, 2, **det)
    conn.create_scalar_function("pg_sqrt", _sqrt, 1, **det)
    for name, fn in _TRIG.items():  # (in place of SQLite's own)
        conn.create_scalar_function(name, fn, 1, **det)
    conn.create_scalar_function("pg_substr", _substr, 2, **det)
    conn.create_scalar_function("pg_substr", _substr, 3, **det)
    conn.create_scalar_function("pg_bytea", _to_bytea, 1, **det)
    conn.create_scalar_function("pg_bytea_text", _bytea_text, 1, **det)
    conn.create_scalar_function("pg_bytea_cat", _bytea_cat, 2, **det)
    conn.create_scalar_function("pg_bytea_trim", _bytea_trim, 3, **det)
    conn.create_scalar_function("pg_type_name", _pg_type_name, 1, **det)
    conn.create_scalar_function("pg_char_max_length", _char_max_length, 1, **det)
    conn.create_scalar_function("pg_format_type", _format_type, 1, **det)
    conn.create_scalar_function("pg_type_storage", _type_storage, 1, **det)
    conn.create_scalar_function("pg_typmod", types.typmod, 1, **det)
    conn.create_scalar_function("pg_information_precision", types.information_schema_precision, 2, **det)
    conn.create_scalar_function("pg_udt_name", _udt_name, 1, **det)
    conn.create_scalar_function("pg_type_oid", lambda t: types.column_oid(t), 1, **det)
    conn.create_scalar_function("random", _random.random, 0)
    conn.create_scalar_function("set_config", _set_config, 3)
    for nargs in (1, 2):  # (value[, its kind])
        conn.create_aggregate_function("pg_array_agg", lambda: (_ArrayAgg(), _ArrayAgg.step, _ArrayAgg.final), nargs)
    register_aggregate = typed_functions.register_aggregate
    register_aggregate(conn, "pg_sum_float4", lambda: (_SumFloat4(), _SumFloat4.step, _SumFloat4.final), 1)
    register_aggregate(conn, "pg_sum_float8", lambda: (_FloatAccum(False), _FloatAccum.step, _FloatAccum.final_sum), 1)
    register_aggregate(conn, "pg_avg_float", lambda: (_FloatAccum(True), _FloatAccum.step, _FloatAccum.final_avg), 1)
    conn.create_scalar_function("pg_float_digits", _float_digits, 2, **det)
    settings.register(conn)
    conn.create_scalar_function("pg_default_text", _default_text, 1, **det)
    conn.create_scalar_function("pg_default_text", _default_text, 2, **det)
    conn.create_scalar_function("pg_bpchar", _bpchar, 3, **det)
    conn.create_scalar_function("pg_upsert_keys_distinct", _upsert_keys_distinct, -1, **det)
    conn.create_scalar_function("pg_name", name_value, 1, **det)
    conn.create_scalar_function("pg_internal_char", _internal_char, 1, **det)
    conn.create_scalar_function("pg_unique_name", constraints.unique_name, 3, **det)
    conn.create_scalar_function("pg_fk_name", constraints.foreign_key_name, 3, **det)
    conn.create_scalar_function("pg_key_index", lambda t, cols: catalog.key_index(conn, t, cols), 2)
    conn.create_scalar_function("pg_column_type", catalog.serial_column_type, 3, **det)
    conn.create_scalar_function("pg_view_columns_kept", views.view_columns_kept, 2)
    conn.create_scalar_function("pg_fk_part", constraints.foreign_key_part, 2, **det)
    conn.create_scalar_function("pg_fk_deferral", constraints.foreign_key_deferral, 2, **det)
    conn.create_scalar_function("pg_pretty_condef", _pretty_condef, 1, **det)
    conn.create_scalar_function("pg_referenced_relations", dependencies.referenced_relations, 1, **det)
    conn.create_scalar_function("pg_vector_at", _vector_at, 2, **det)
    conn.create_scalar_function("pg_con_field", _con_field, 2, **det)
    conn.create_scalar_function("pg_with_scale", lambda v, sc: types.with_scale(v, int(sc)), 2, **det)
    conn.create_scalar_function("regexp_replace", _regexp_replace, 3, **det)
    conn.create_scalar_function("regexp_replace", _regexp_replace, 4, **det)
    conn.create_scalar_function("encode", _encode, 2, **det)
    conn.create_scalar_function("decode", _decode, 2, **det)
    conn.create_scalar_function("gen_random_uuid", lambda: str(__import__("uuid").uuid4()), 0)
    extensions.register(conn)
    enums.register(conn)
    domains.register(conn)
    deferred_checks.register(conn)
    more_functions.register(conn)
    table_sample.register(conn)
    system_catalogs.register(conn)
    ordered_set.register(conn)
    statistics.register(conn)
    temporal_functions.register(conn)
    bytea_functions.register(conn)
    conn.create_scalar_function("pg_typeof_value", _typeof_value, 1, **det)
    json_functions.register(conn)
    row_functions.register(conn)
    conn.create_scalar_function("pg_record", row_values.record_text, -1, **det)
    conn.create_scalar_function("pg_record_value", row_values.record_value, -1, **det)
    conn.create_scalar_function("pg_encoding_to_char", lambda e: None if e is None else "UTF8", 1, **det)
    # the user functions routines.py keeps
    conn.create_scalar_function("pg_get_function_result", lambda oid: routines.described(conn, oid, "result"), 1)
    for fn in ("pg_get_function_arguments", "pg_get_function_identity_arguments"):
        conn.create_scalar_function(fn, lambda oid: routines.described(conn, oid, "arguments"), 1)
    conn.create_scalar_function("pg_function_is_visible", lambda oid: 1, 1, **det)
    # a body is kept as written (pg_proc.prosrc), never as a parsed SQL-standard body
    conn.create_scalar_function("pg_get_function_sqlbody", lambda oid: None, 1, **det)
    for name in ("format_type", "pg_builtin_format_type"):  # the second: under an enum type's lookup
        conn.create_scalar_function(name, _format_builtin_type, 2, **det)
    conn.create_scalar_function("pg_to_regtype", _to_regtype, 2, **det)
    conn.create_scalar_function("pg_regtype_name", _regtype_name, 1, **det)
    conn.create_scalar_function("pg_unqualified", lambda n: None if n is None else str(n).split(".")[-1].strip('"'),
                                1, **det)
    conn.create_scalar_function("pg_table_is_visible", lambda oid: 1, 1, **det)
    conn.create_scalar_function("pg_type_is_visible", lambda oid: 1, 1, **det)
    conn.create_scalar_function("pg_collation_is_visible", lambda oid: 1, 1, **det)
    conn.create_scalar_function("pg_get_expr", lambda e, rel, pretty=False: e, 2, **det)
    conn.create_scalar_function("pg_get_expr", lambda e, rel, pretty=False: e, 3, **det)
    conn.create_scalar_function("pg_description", comments.description, 2, **det)
    conn.create_scalar_function("pg_descriptions", comments.descriptions_json, 1, **det)
    conn.create_scalar_function("pg_with_description", schema_text.checked(comments.with_description), 3, **det)
    conn.create_scalar_function("pg_renamed_description", schema_text.checked(comments.renamed_column), 3, **det)
    conn.create_scalar_function("pg_renamed_trigger", renames.renamed_name, 3, **det)
    conn.create_scalar_function("pg_renamed_trigger_sql", renames.renamed_sql, 4, **det)
    conn.create_scalar_function("shobj_description", lambda *a: None, 2, **det)
    # One user owns everything a cluster has: every privilege is held. A default tablespace's location is ''.
    for nargs in (2, 3):
        conn.create_scalar_function("has_database_privilege", lambda *a: 1, nargs, **det)
    conn.create_scalar_function("pg_tablespace_location", lambda oid: None if oid is None else "", 1, **det)
    conn.create_scalar_function("json_build_object", _json_build_object, -1, **det)
    conn.create_scalar_function("jsonb_build_object", _json_build_object, -1, **det)
    conn.create_scalar_function("pg_size_pretty", _null_safe(size_pretty), 1, **det)
    conn.create_scalar_function("pg_div", _div, 2, **det)
    conn.create_scalar_function("pg_mod", _mod, 2, **det)
    conn.create_scalar_function("chr", _null_safe(_chr), 1, **det)
    conn.create_scalar_function("pg_chr", _null_safe(_chr), 1, **det)
    conn.create_scalar_function("pg_bytea_like", _bytea_like, 3, **det)
    conn.create_scalar_function("ascii", _null_safe(lambda s: ord(str(s)[0]) if str(s) else 0), 1, **det)
    for nargs in (2, 3):
        conn.create_scalar_function("lpad", _null_safe(_pad(True)), nargs, **det)
        conn.create_scalar_function("rpad", _null_safe(_pad(False)), nargs, **det)
    conn.create_scalar_function("left", _null_safe(lambda s, n: str(s)[:int(n)] if int(n) >= 0
                                                   else str(s)[:int(n)]), 2, **det)
    conn.create_scalar_function("right", _null_safe(lambda s, n: (str(s)[-int(n):] if int(n) > 0 else "")
                                                    if int(n) >= 0 else str(s)[-int(n):]), 2, **det)
    conn.create_scalar_function("repeat", _null_safe(lambda s, n: str(s) * max(int(n), 0)), 2, **det)
    conn.create_scalar_function("md5", _null_safe(_md5), 1, **det)
    conn.create_scalar_function("pg_sha", _sha, 2, **det)
    conn.create_scalar_function("initcap", _null_safe(lambda s: re.sub(
        r"[A-Za-z0-9]+", lambda m: m[0][0].upper() + m[0][1:].lower(), str(s))), 1, **det)
    conn.create_scalar_function("split_part", _null_safe(_split_part), 3, **det)
    conn.create_scalar_function("strpos", _null_safe(lambda s, sub: str(s).find(str(sub)) + 1), 2, **det)
    conn.create_scalar_function("btrim", _null_safe(lambda s, chars=" ": str(s).strip(str(chars))), 2, **det)
    conn.create_aggregate_function("string_agg", lambda: (_StringAgg(), _StringAgg.step, _StringAgg.final), 2)
