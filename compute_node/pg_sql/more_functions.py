"""PostgreSQL string and math functions SQLite lacks, as SQLite functions under the names
the translator's SQL calls them by:

    reverse, translate, quote_ident, quote_literal, quote_nullable, starts_with,
    bit_length, regexp_match, regexp_split_to_array, gcd, lcm, factorial, cbrt,
    width_bucket, num_nulls, num_nonnulls, pg_format (format()), pg_overlay (overlay())

Errors carry PostgreSQL's SQLSTATE in the message ('[22003] ...'). `FUNCTION_KINDS` and
`NODE_KINDS` give their result kinds to exprtypes (so booleans print t/f, arrays are
typed text[]).
"""

from __future__ import annotations

import decimal
import functools
import math
import re

import apsw
from sqlglot import expressions as exp

from compute_node.pg_sql import arrays, regex_engine
from sixfold.constants import REGEX_CACHE_PATTERNS_MAX

_INT8 = 2**63
# PostgreSQL 15's keywords other than unreserved ones (pg_get_keywords() where catcode <>
# 'U'): quote_ident quotes them, as it does any name that is not a plain lower-case word.
_KEYWORDS_NEEDING_QUOTES = frozenset("""
    all analyse analyze and any array as asc asymmetric authorization between bigint binary bit boolean both case
    cast char character check coalesce collate collation column concurrently constraint create cross
    current_catalog current_date current_role current_schema current_time current_timestamp current_user dec
    decimal default deferrable desc distinct do else end except exists extract false fetch float for foreign
    freeze from full grant greatest group grouping having ilike in initially inner inout int integer intersect
    interval into is isnull join lateral leading least left like limit localtime localtimestamp national natural
    nchar none normalize not notnull null nullif numeric offset on only or order out outer overlaps overlay
    placing position precision primary real references returning right row select session_user setof similar
    smallint some substring symmetric table tablesample then time timestamp to trailing treat trim true union
    unique user using values varchar variadic verbose when where window with xmlattributes xmlconcat xmlelement
    xmlexists xmlforest xmlnamespaces xmlparse xmlpi xmlroot xmlserialize xmltable""".split())


def _overlay_for(s, r, start, count, *, bytea=False):
    """overlay(... for count): NULL when count is."""
    return None if count is None else overlay(s, r, start, count, bytea=bytea)


def _text(v) -> str:
    return v.decode() if isinstance(v, bytes) else str(v)


def reverse(s):
    return None if s is None else _text(s)[::-1]


def translate(s, frm, to):
    """Each character of `frm` in `s` replaced by the one at its place in `to`, or removed
    when `to` is shorter (the first occurrence in `frm` counts)."""
    if s is None or frm is None or to is None:
        return None
    frm, to = _text(frm), _text(to)
    table: dict[int, int | None] = {}
    for i, c in enumerate(frm):
        table.setdefault(ord(c), ord(to[i]) if i < len(to) else None)
    return _text(s).translate(table)


def quote_ident(s):
    if s is None:
        return None
    s = _text(s)
    if re.fullmatch(r"[a-z_][a-z0-9_$]*", s) and s not in _KEYWORDS_NEEDING_QUOTES:
        return s
    return '"' + s.replace('"', '""') + '"'


def _literal_text(v) -> str:
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e15:
        return repr(v)
    return _text(v)


def quote_literal(v):
    if v is None:
        return None
    s = _literal_text(v)
    quoted = "'" + s.replace("'", "''").replace("\\", "\\\\") + "'"
    return ("E" + quoted) if "\\" in s else quoted


def quote_nullable(v):
    return "NULL" if v is None else quote_literal(v)


_FORMAT_ARGS_MAX = 100  # PostgreSQL's FUNC_MAX_ARGS: a call has no more arguments


def _format_number(fmt: str, i: int) -> tuple[int | None, int]:
    """Digits at fmt[i:] and the index after them (None when there are none)."""
    j = i
    while j < len(fmt) and fmt[j].isdigit():
        j += 1
    if j == i:
        return None, i
    if j - i > 9:
        raise apsw.SQLError("[22003] number is out of range")
    return int(fmt[i:j]), j


def pg_format(fmt, *args):
    """PostgreSQL's format(): %s (the value's text, NULL as nothing), %I (quote_ident;
    NULL fails), %L (quote_nullable) and %%, each with an optional position `n$`, the
    flag `-` and a width (digits, `*` or `*n$`: taken from an argument, negative for
    left-aligned). The arguments come as PostgreSQL's text of their values."""
    if fmt is None:
        return None
    fmt = _text(fmt)
    out: list[str] = []
    next_arg = 0
    i = 0

    def arg_at(n: int):
        if n >= len(args):
            raise apsw.SQLError("[22023] too few arguments for format()")
        return args[n]

    def position(i: int) -> tuple[int | None, int]:
        n, j = _format_number(fmt, i)
        if n is not None and j < len(fmt) and fmt[j] == "$":
            if n == 0:
                raise apsw.SQLError("[22023] format specifies argument 0, but arguments are numbered from 1")
            return n - 1, j + 1
        return None, i

    while i < len(fmt):
        c = fmt[i]
        if c != "%":
            out.append(c)
            i += 1
            continue
        i += 1
        if i >= len(fmt):
            raise apsw.SQLError("[22023] unterminated format() type specifier")
        if fmt[i] == "%":
            out.append("%")
            i += 1
            continue
        pos, i = position(i)
        left = False
        while i < len(fmt) and fmt[i] == "-":
            left, i = True, i + 1
        width = None
        if i < len(fmt) and fmt[i] == "*":
            wpos, i = position(i + 1)
            if wpos is None:
                wpos, next_arg = next_arg, next_arg + 1
            else:
                next_arg = wpos + 1
            w = arg_at(wpos)
            width = 0 if w is None else int(w)
            if width < 0:
                left, width = True, -width
        else:
            width, i = _format_number(fmt, i)
        if i >= len(fmt):
            raise apsw.SQLError("[22023] unterminated format() type specifier")
        kind = fmt[i]
        i += 1
        if kind not in "sIL":
            raise apsw.SQLError(f'[22023] unrecognized format() type specifier "{kind}"')
        if pos is None:
            pos, next_arg = next_arg, next_arg + 1
        else:
            next_arg = pos + 1
        v = arg_at(pos)
        if kind == "s":
            text = "" if v is None else _literal_text(v)
        elif kind == "I":
            if v is None:
                raise apsw.SQLError("[22004] null values cannot be formatted as an SQL identifier")
            text = quote_ident(_literal_text(v))
        else:
            text = quote_nullable(v)
        if width and len(text) < width:
            text = text.ljust(width) if left else text.rjust(width)
        out.append(text)
    return "".join(out)


def starts_with(s, prefix):
    if s is None or prefix is None:
        return None
    return int(_text(s).startswith(_text(prefix)))


def bit_length(v):
    if v is None:
        return None
    return 8 * len(v if isinstance(v, bytes) else _text(v).encode())


def _search(s, pattern, flags=None, func: str = "") -> regex_engine.Match | None:
    """The first match (regex_engine.search); an error as PostgreSQL's SQLSTATE. `func`:
    the function's name, which takes no g flag."""
    flags = _text(flags) if flags is not None else ""
    try:
        regex_engine.refuse_global(_text(pattern), flags, func)
        return regex_engine.search(_text(pattern), _text(s), flags)
    except regex_engine.RegexError as e:
        raise apsw.SQLError(f"[{e.sqlstate}] {e}") from None


def _matches(s, pattern, flags=None, start: int = 0, skip_degenerate: bool = False, func: str = ""):
    """Every match (regex_engine.iterate), as _search reports errors."""
    flags = _text(flags) if flags is not None else ""
    try:
        regex_engine.refuse_global(_text(pattern), flags, func)
        return list(regex_engine.iterate(_text(pattern), _text(s), flags, start, skip_degenerate=skip_degenerate))
    except regex_engine.RegexError as e:
        raise apsw.SQLError(f"[{e.sqlstate}] {e}") from None


def regexp_match(s, pattern, flags=None):
    """The first match's groups (the whole match when the pattern has none) as text[];
    NULL when nothing matches."""
    if s is None or pattern is None:
        return None
    m = _search(s, pattern, flags, func="regexp_match")
    if m is None:
        return None
    return arrays.format_array([m.group(i) for i in range(1, len(m.spans))] if len(m.spans) > 1 else [m.group(0)])


def substring_regex(s, pattern):
    """substring(s FROM pattern): the first match's first parenthesized group (the whole
    match when the pattern has none); NULL when nothing matches."""
    if s is None or pattern is None:
        return None
    m = _search(s, pattern)
    if m is None:
        return None
    return m.group(1) if len(m.spans) > 1 else m.group(0)


@functools.lru_cache(maxsize=REGEX_CACHE_PATTERNS_MAX)  # (called per row)
def similar_to_regex(pattern: str, escape: str | None) -> str:
    """A SIMILAR TO pattern as a POSIX regular expression (PostgreSQL's
    similar_escape): % is .*, _ is ., ( is a group that captures nothing, . ^ $ and \\
    are literal, a character after the escape character is literal; the rest (| * + ?
    {m,n} [...]) is the regular expression's."""
    out = ["(?:"]
    after_escape = in_class = False
    for ch in pattern:
        if after_escape:
            out.append("\\" + ch)
            after_escape = False
        elif escape and ch == escape:
            after_escape = True
        elif in_class:
            out.append("\\\\" if ch == "\\" else ch)
            in_class = ch != "]"
        elif ch == "[":
            out.append(ch)
            in_class = True
        elif ch == "%":
            out.append(".*")
        elif ch == "_":
            out.append(".")
        elif ch == "(":
            out.append("(?:")
        elif ch in "\\.^$":
            out.append("\\" + ch)
        else:
            out.append(ch)
    if after_escape:
        raise apsw.SQLError("[22025] invalid escape string")
    return "".join(out) + ")"


def similar_to(s, pattern, escape="\\"):
    """s SIMILAR TO pattern [ESCAPE e]: the whole of s matches."""
    if s is None or pattern is None or escape is None:
        return None
    escape = _text(escape)
    if len(escape) > 1:
        raise apsw.SQLError("[22025] invalid escape string")
    return int(_search(s, "^" + similar_to_regex(_text(pattern), escape or None) + "$") is not None)


def regexp_count(s, pattern, start=1, flags=None):
    """regexp_count(s, pattern [, start [, flags]]): how many times the pattern matches,
    from character `start` (1-based) on, matches not overlapping."""
    if s is None or pattern is None or start is None:
        return None
    if int(start) < 1:
        raise apsw.SQLError(f'[22023] invalid value for parameter "start": {int(start)}')
    return len(_matches(s, pattern, flags, int(start) - 1, func="regexp_count"))


def to_hex(n, bits):
    """to_hex(integer) / to_hex(bigint): a negative value as its two's complement."""
    if n is None:
        return None
    return format(int(n) & ((1 << int(bits)) - 1), "x")


def regexp_split_to_array(s, pattern, flags=None):
    """The text between the matches (an empty match at either end, or right where the
    previous match ended, splits nothing: PostgreSQL's degenerate matches)."""
    if s is None or pattern is None:
        return None
    text = _text(s)
    parts, at = [], 0
    for m in _matches(text, pattern, flags, skip_degenerate=True, func="regexp_split_to_array"):
        parts.append(text[at:m.start])
        at = m.end
    parts.append(text[at:])
    return arrays.format_array(parts)


def _int_pair(a, b, name):
    if not isinstance(a, int) or not isinstance(b, int):
        raise apsw.SQLError(f"[42883] function {name}(numeric) is not supported (integers only)")


def gcd(a, b):
    if a is None or b is None:
        return None
    _int_pair(a, b, "gcd")
    out = math.gcd(a, b)
    if out >= _INT8:
        raise apsw.SQLError("[22003] bigint out of range")
    return out


def lcm(a, b):
    if a is None or b is None:
        return None
    _int_pair(a, b, "lcm")
    out = abs(a * b) // math.gcd(a, b) if a and b else 0
    if out >= _INT8:
        raise apsw.SQLError("[22003] bigint out of range")
    return out


def overlay(s, r, start, count=None, *, bytea=False):
    """overlay(s placing r from start [for count]): s's first start-1 characters (bytes
    of a bytea), r, then s from start+count (count defaults to r's length)."""
    if s is None or r is None or start is None:
        return None
    if bytea:
        s, r = bytes(s) if isinstance(s, (bytes, memoryview)) else str(s).encode(), \
            bytes(r) if isinstance(r, (bytes, memoryview)) else str(r).encode()
    else:
        s, r = _text(s), _text(r)
    count = len(r) if count is None else count
    if not isinstance(start, int) or not isinstance(count, int):
        raise apsw.SQLError("[42883] function overlay takes integer positions")
    if start < 1:
        raise apsw.SQLError("[22011] negative substring length not allowed")
    return s[:start - 1] + r + s[max(start - 1 + count, 0):]


def _overlay_for(s, r, start, count, *, bytea=False):
    """overlay(... for count): NULL when count is."""
    return None if count is None else overlay(s, r, start, count, bytea=bytea)


def _text(v) -> str:
    return v.decode("utf-8", "replace") if isinstance(v, bytes) else str(v)


def factorial(n):
    if n is None:
        return None
    if not isinstance(n, int):
        raise apsw.SQLError("[42883] factorial of a non-integer is not supported")
    if n < 0:
        raise apsw.SQLError("[22003] factorial of a negative number is undefined")  # PostgreSQL 15's SQLSTATE
    if n > 1000:
        raise apsw.SQLError("[22003] value overflows numeric format")
    out = math.factorial(n)
    return out if out < _INT8 else str(out)  # beyond bigint: the exact digits, as numeric text


def cbrt(x):
    if x is None:
        return None
    return math.cbrt(float(x))  # libm's, as PostgreSQL's: cbrt(27) is 3.0000000000000004


def width_bucket(op, low, high, count):
    if None in (op, low, high, count):
        return None
    if not isinstance(count, int) or count <= 0:
        raise apsw.SQLError("[2201G] count must be greater than zero")
    exact = not any(isinstance(v, float) for v in (op, low, high))  # numerics: decimal arithmetic, as PostgreSQL's
    try:
        op, low, high = ((decimal.Decimal(str(v).strip()) for v in (op, low, high)) if exact else
                         (float(v) for v in (op, low, high)))
    except (decimal.InvalidOperation, ValueError):
        raise apsw.SQLError("[22P02] invalid input syntax for type numeric") from None
    if any(v != v for v in (op, low, high)):
        raise apsw.SQLError("[2201G] operand, lower bound, and upper bound cannot be NaN")
    if any(v in (float("inf"), float("-inf")) for v in (low, high)):
        raise apsw.SQLError("[2201G] lower and upper bounds must be finite")
    if low == high:
        raise apsw.SQLError("[2201G] lower bound cannot equal upper bound")
    if low < high:
        if op < low:
            return 0
        if op >= high:
            return count + 1
        return min(int((op - low) * count / (high - low)) if exact else int((op - low) / (high - low) * count),
                   count - 1) + 1
    if op > low:
        return 0
    if op <= high:
        return count + 1
    return min(int((low - op) * count / (low - high)) if exact else int((low - op) / (low - high) * count),
               count - 1) + 1


_UNISTR_ESCAPES = ((re.compile(r"\\\+([0-9A-Fa-f]{6})"), 8), (re.compile(r"\\U([0-9A-Fa-f]{8})"), 10),
                   (re.compile(r"\\u([0-9A-Fa-f]{4})"), 6), (re.compile(r"\\([0-9A-Fa-f]{4})"), 5))


def unistr(text):
    """unistr(text), PostgreSQL's: \\ is a backslash; \\XXXX, \\uXXXX, \\+XXXXXX and
    \\UXXXXXXXX are code points (a UTF-16 surrogate pair as one). SQLite's own unistr took
    code points beyond U+10FFFF (masked) where PostgreSQL refuses them (22023)."""
    if text is None:
        return None
    text, out, i, high = str(text), [], 0, None
    while i < len(text):
        if text[i] != "\\":
            if high is not None:
                raise apsw.SQLError("[42601] invalid Unicode surrogate pair")
            out.append(text[i])
            i += 1
            continue
        if text.startswith("\\\\", i) and high is None:
            out.append("\\")
            i += 2
            continue
        for pattern, width in _UNISTR_ESCAPES:
            m = pattern.match(text, i)
            if m:
                break
        else:
            raise apsw.SQLError("[42601] invalid Unicode escape")
        i += width
        code = int(m.group(1), 16)
        if code > 0x10FFFF:
            raise apsw.SQLError(f"[22023] invalid Unicode code point: {code:04X}")
        if high is not None:
            if not 0xDC00 <= code <= 0xDFFF:
                raise apsw.SQLError("[42601] invalid Unicode surrogate pair")
            out.append(chr(0x10000 + ((high - 0xD800) << 10) + (code - 0xDC00)))
            high = None
        elif 0xD800 <= code <= 0xDBFF:
            high = code
        elif 0xDC00 <= code <= 0xDFFF or code == 0:
            raise apsw.SQLError("[42601] invalid Unicode surrogate pair" if code else
                                "[22023] invalid Unicode code point: 0000")
        else:
            out.append(chr(code))
    if high is not None:
        raise apsw.SQLError("[42601] invalid Unicode surrogate pair")
    return "".join(out)


def register(conn: apsw.Connection) -> None:
    det = {"deterministic": True}
    for name, fn, nargs in (("unistr", unistr, 1), ("reverse", reverse, 1), ("translate", translate, 3),
                            ("quote_ident", quote_ident, 1),
                            ("quote_literal", quote_literal, 1), ("quote_nullable", quote_nullable, 1),
                            ("starts_with", starts_with, 2), ("bit_length", bit_length, 1),
                            ("regexp_match", regexp_match, 2), ("regexp_match", regexp_match, 3),
                            ("regexp_split_to_array", regexp_split_to_array, 2),
                            ("pg_substring_regex", substring_regex, 2), ("regexp_count", regexp_count, 2),
                            ("regexp_count", regexp_count, 3), ("regexp_count", regexp_count, 4),
                            ("pg_to_hex", to_hex, 2), ("pg_similar", similar_to, 3),
                            ("regexp_split_to_array", regexp_split_to_array, 3), ("gcd", gcd, 2), ("lcm", lcm, 2), ("pg_gcd", gcd, 2), ("pg_lcm", lcm, 2),
                            ("factorial", factorial, 1), ("cbrt", cbrt, 1), ("width_bucket", width_bucket, 4)):
        conn.create_scalar_function(name, fn, nargs, **det)
    conn.create_scalar_function("pg_format", pg_format, -1, deterministic=True)
    for name, bytea in (("pg_overlay", False), ("pg_overlay_bytea", True)):
        conn.create_scalar_function(name, functools.partial(overlay, bytea=bytea), 3, **det)
        conn.create_scalar_function(name, functools.partial(_overlay_for, bytea=bytea), 4, **det)
    conn.create_scalar_function("num_nulls", lambda *a: sum(x is None for x in a), -1, **det)
    conn.create_scalar_function("num_nonnulls", lambda *a: sum(x is not None for x in a), -1, **det)


# Result kinds for exprtypes: by function name (sqlglot's Anonymous) and by sqlglot node.
FUNCTION_KINDS = {"pg_overlay": "text", "pg_overlay_bytea": "bytea",
                  "pg_similar": "bool", "pg_chr": "text", "pg_inet_text": "text", "pg_regexp_like": "bool", "pg_bytea_like": "bool", "pg_format": "text", "pg_substring_regex": "text", "pg_to_hex": "text", "regexp_count": "int4", "quote_ident": "text", "quote_literal": "text", "quote_nullable": "text", "gcd": "int", "pg_gcd": "int", "pg_lcm": "int",
                  "lcm": "int", "num_nulls": "int", "num_nonnulls": "int", "regexp_match": "array",
                  "regexp_split_to_array": "array"}
NODE_KINDS = {exp.SimilarTo: "bool", exp.Hex: "text", exp.RegexpCount: "int4", exp.StartsWith: "bool", exp.BitLength: "int", exp.WidthBucket: "int", exp.Cbrt: "float",
              exp.Factorial: "num"}
TEXT_ARRAY_FUNCTIONS = frozenset({"regexp_match", "regexp_split_to_array"})
