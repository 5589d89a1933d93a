"""One-dimensional arrays of integers, floats, booleans and text, as column values.

Stored form: PostgreSQL's array text, canonical ('{1,2,3}', '{a,"b c",NULL}'), so that
equality, DISTINCT and GROUP BY compare as PostgreSQL does. A typed array column's
input trigger (values.stored) parses and checks each element (22P02, 22003) and writes
that form. ARRAY[...] builds it; `x = ANY(arr)`, `arr[i]`, array_length, cardinality,
`@>`, `<@`, `&&`, array_append, array_cat, array_position and `||` are functions over it
(arrays.register). Ordering arrays (< >, ORDER BY, min/max) would compare the text, not
the elements: refused (0A000). Multidimensional arrays are refused (0A000).

Pure parsing and formatting here; the SQLite functions at the end.
"""

from __future__ import annotations

import decimal
import math
import re

import apsw

# element kind -> (element type OID, array type OID, PostgreSQL element type name)
ELEMENTS = {
    "int2": (21, 1005, "smallint"), "int4": (23, 1007, "integer"), "int8": (20, 1016, "bigint"),
    "float4": (700, 1021, "real"), "float8": (701, 1022, "double precision"), "bool": (16, 1000, "boolean"),
    "text": (25, 1009, "text"), "varchar": (1043, 1015, "character varying"), "oid": (26, 1028, "oid"),
    "numeric": (1700, 1231, "numeric"),  # ARRAY[1.50] (no column holds one: _DECL_ELEMENT has none)
}
ARRAY_OIDS = {v[1]: k for k, v in ELEMENTS.items()}
_DECL_ELEMENT = {
    "smallint": "int2", "int2": "int2", "integer": "int4", "int": "int4", "int4": "int4", "bigint": "int8",
    "int8": "int8", "real": "float4", "float4": "float4", "double precision": "float8", "float8": "float8",
    "boolean": "bool", "bool": "bool", "text": "text", "varchar": "varchar", "character varying": "varchar",
    "oid": "oid",
}
_INT_RANGE = {"int2": 2**15, "int4": 2**31, "int8": 2**63, "oid": 2**32}


class ArrayError(ValueError):
    def __init__(self, sqlstate: str, message: str):
        super().__init__(message)
        self.sqlstate = sqlstate


def element_kind(decltype: str | None) -> str | None:
    """The element kind of an array column's declared type ('integer[]' -> 'int4'), None
    for a type that is no array. ArrayError for arrays of other element types."""
    if not decltype or "[" not in decltype:
        return None
    base = re.sub(r"\([^)]*\)", "", decltype.lower())
    dims = base.count("[")
    base = re.sub(r"\[\d*\]", "", base).strip()
    if dims != 1:
        raise ArrayError("0A000", "multidimensional arrays are not supported")
    kind = _DECL_ELEMENT.get(" ".join(base.split()))
    if kind is None:
        raise ArrayError("0A000", f"arrays of {base} are not supported (integers, floats, booleans and text are)")
    return kind


def parse(text: str) -> list[str | None]:
    """PostgreSQL's array text (one dimension) -> its elements as text (None for NULL)."""
    s = text.strip()
    if s.startswith("["):
        raise ArrayError("0A000", "array bounds decoration is not supported")
    if not (s.startswith("{") and s.endswith("}")):
        raise ArrayError("22P02", f'malformed array literal: "{text}"')
    body, out, i = s[1:-1], [], 0
    if not body.strip():
        return []
    n = len(body)
    while True:
        while i < n and body[i].isspace():
            i += 1
        if i < n and body[i] == "{":
            raise ArrayError("0A000", "multidimensional arrays are not supported")
        if i < n and body[i] == '"':
            i += 1
            buf = []
            while i < n and body[i] != '"':
                if body[i] == "\\" and i + 1 < n:
                    i += 1
                buf.append(body[i])
                i += 1
            if i >= n:
                raise ArrayError("22P02", f'malformed array literal: "{text}"')
            i += 1
            out.append("".join(buf))
            while i < n and body[i].isspace():
                i += 1
        else:
            start = i
            while i < n and body[i] != ",":
                if body[i] in '{}"':
                    raise ArrayError("22P02", f'malformed array literal: "{text}"')
                i += 1
            item = body[start:i].strip()
            if not item:
                raise ArrayError("22P02", f'malformed array literal: "{text}"')
            out.append(None if item.upper() == "NULL" else item)
        if i >= n:
            return out
        if body[i] != ",":
            raise ArrayError("22P02", f'malformed array literal: "{text}"')
        i += 1


_NEEDS_QUOTES = re.compile(r'[{},"\\\s]')


def _quote(e: str) -> str:
    if e == "" or e.upper() == "NULL" or _NEEDS_QUOTES.search(e):
        return '"' + e.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return e


def format_array(elements: list[str | None]) -> str:
    return "{" + ",".join("NULL" if e is None else _quote(e) for e in elements) + "}"


def _float_element(value, single: bool) -> str:
    """A real's or a double's element text, read as float4in / float8in read (22P02,
    22003 beyond the type's range) and shown as PostgreSQL shows it (16777217 as a real is
    1.6777216e+07)."""
    from compute_node.pg_sql import float_input, types, values

    bits = 32 if single else 64
    if isinstance(value, str) and value.strip().lower() in ("nan", "+nan", "-nan"):
        return "NaN"  # (an array holds a NaN as its text; a float column cannot)
    try:
        f = float_input.text_to_float(value, bits) if isinstance(value, str) else float(value)
        if single:
            f = float_input.as_float4(f)
    except values.InputError as e:
        raise ArrayError(e.sqlstate, str(e)) from None
    return "NaN" if math.isnan(f) else types._shortest_float(f, single)


def element_text(value, kind: str) -> str | None:
    """One element in PostgreSQL's text for its kind; ArrayError on bad input."""
    if value is None:
        return None
    if kind in _INT_RANGE:
        try:
            n = int(value) if not isinstance(value, str) else int(value.strip())
        except (ValueError, TypeError):
            raise ArrayError("22P02", f'invalid input syntax for type {ELEMENTS[kind][2]}: "{value}"') from None
        if isinstance(value, float) and value != int(value):
            raise ArrayError("22P02", f'invalid input syntax for type {ELEMENTS[kind][2]}: "{value}"')
        if not -_INT_RANGE[kind] <= n < _INT_RANGE[kind]:
            raise ArrayError("22003", f'value "{value}" is out of range for type {ELEMENTS[kind][2]}')
        return str(n)
    if kind in ("float4", "float8"):
        return _float_element(value, kind == "float4")
    if kind == "bool":
        from compute_node.pg_sql import values

        try:
            return "t" if values.parse_bool(value) else "f"
        except values.InputError as e:
            raise ArrayError(e.sqlstate, str(e)) from None
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    return str(value)


def canonical(value, kind: str) -> str:
    """An array value (its text) in the stored form of an array of `kind`."""
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    if not isinstance(value, str):
        raise ArrayError("42804", f"column is of type {ELEMENTS[kind][2]}[] but expression is of type "
                         f"{'integer' if isinstance(value, int) else 'numeric'}")
    return format_array([element_text(e, kind) for e in parse(value)])


def _typed(e: str | None, kind: str):
    if e is None:
        return None
    if kind in _INT_RANGE:
        return int(e)
    if kind in ("float4", "float8"):
        return float(e)
    if kind == "bool":
        return 1 if e == "t" else 0
    return e


def _guess_kind(elements: list[str | None]) -> str:
    """An array's element kind from its elements, when nothing else says: integers if
    all are, else text."""
    if all(e is None or re.fullmatch(r"-?\d+", e) for e in elements):
        return "int8"
    return "text"


# --- SQLite functions -----------------------------------------------------------------------
def _guard(fn):
    def wrapper(*args):
        try:
            return fn(*args)
        except ArrayError as e:
            raise apsw.SQLError(f"[{e.sqlstate}] {e}") from None
    wrapper.__name__ = fn.__name__
    return wrapper


def _elements(arr) -> list[str | None] | None:
    if arr is None:
        return None
    return parse(arr.decode() if isinstance(arr, bytes) else str(arr))


@_guard
def pg_array(*values):
    """ARRAY[a, b, ...] from SQLite values: integers stay integers, the rest is text."""
    kind = "int8" if all(v is None or isinstance(v, int) for v in values) else (
        "float8" if all(v is None or isinstance(v, (int, float)) for v in values) else "text")
    return format_array([element_text(v, kind) for v in values])


def _equal(e: str | None, x) -> bool | None:
    if e is None or x is None:
        return None
    if isinstance(x, bool) or isinstance(x, int):
        if re.fullmatch(r"\s*-?\d+\s*", e):
            return int(e) == x
        if e in ("t", "true", "f", "false"):
            return e in ("t", "true") and x == 1 or e in ("f", "false") and x == 0
        try:  # a numeric element: {1.0,2.1} holds 1
            return decimal.Decimal(e.strip()) == x
        except (decimal.InvalidOperation, ValueError):
            return False
    if isinstance(x, float):
        try:
            return float(e) == x
        except ValueError:
            return False
    return e == (x.decode() if isinstance(x, bytes) else str(x))


def array_rows(arr, kind: str) -> list:
    """unnest(arr): its elements, typed by `kind` (SQLite's values: a boolean 1/0)."""
    elements = _elements(arr)
    return [] if elements is None else [_typed(e, kind) for e in elements]


@_guard
def pg_array_any(x, arr):
    """x = ANY(arr): true on a match, else NULL if x or an element is NULL, else false."""
    elements = _elements(arr)
    if elements is None:
        return None
    return _quantified_equal(x, elements, equal=True, every=False) if elements else 0  # (NULL = ANY ('{}'): false)


_QUANTIFIED = {"=": lambda c: c == 0, "<>": lambda c: c != 0, "<": lambda c: c < 0, "<=": lambda c: c <= 0,
               ">": lambda c: c > 0, ">=": lambda c: c >= 0}


@_guard
def pg_array_quantified(x, arr, op, every):
    """x op ANY (arr) (every 0) / x op ALL (arr) (every 1), SQL's three-valued answer: ANY
    true on a true comparison, ALL false on a false one, else NULL if one was NULL; an
    empty array is false for ANY, true for ALL whatever x is. Numbers only (their order is
    the same here as in PostgreSQL); any other element is refused."""
    elements = _elements(arr)
    if elements is None:
        return None
    if not elements:
        return int(bool(every))
    if op in ("=", "<>"):
        return _quantified_equal(x, elements, op == "=", bool(every))
    if x is not None and (isinstance(x, (str, bytes)) or any(
            e is not None and not re.fullmatch(r"\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*", e)
            for e in elements)):
        raise ArrayError("0A000", f"{op} {'ALL' if every else 'ANY'} over an array of other than numbers "
                                  "is not supported")
    seen_null = x is None
    for e in elements:
        if e is None or x is None:
            seen_null = True
            continue
        holds = _QUANTIFIED[op](decimal.Decimal(repr(x) if isinstance(x, float) else x).compare(
            decimal.Decimal(e.strip())))
        if holds != bool(every):
            return int(holds)
    return None if seen_null else int(bool(every))


def _quantified_equal(x, elements: list, equal: bool, every: bool):
    """x = / <> ANY / ALL over a non-empty array's elements, compared as _equal does."""
    seen_null = False
    for e in elements:
        eq = _equal(e, x)
        if eq is None:
            seen_null = True
            continue
        if (eq == equal) != every:
            return int(not every)
    return None if seen_null else int(every)


@_guard
def pg_array_get(arr, index, kind, bits=None, source=""):
    """arr[index]. With `bits`, the index is a value to make an integer of first, as
    PostgreSQL does only when the array is not NULL (its subscripts are skipped then:
    (NULL::text[])[3000000000] is NULL, not 22003)."""
    elements = _elements(arr)
    if elements is None or index is None:
        return None
    if bits is not None:
        index = _subscript(index, source)
    i = int(index)
    if not 1 <= i <= len(elements):
        return None
    k = kind or _guess_kind(elements)
    return _typed(elements[i - 1], k)


def _subscript(value, source: str) -> int:
    """A subscript's value as PostgreSQL's integer (1.5 is 2, 3000000000 22003)."""
    from compute_node.pg_sql import int_coercion
    from compute_node.pg_sql.values import InputError

    try:
        return int_coercion.to_int(value, 32, source)
    except InputError as e:
        raise apsw.SQLError(f"[{e.sqlstate}] {e}") from None


@_guard
def pg_array_slice(arr, lo, has_lo, hi, has_hi, lo_source=None, hi_source=None):
    """arr[lo:hi] (a bound not given: the array's own): the elements between, an empty
    array when none are; NULL when a given bound is NULL. With sources, the bounds are
    values to make integers of first (only when the array is not NULL, as pg_array_get)."""
    elements = _elements(arr)
    if elements is None or has_lo and lo is None or has_hi and hi is None:
        return None
    if lo_source is not None:
        lo = _subscript(lo, lo_source) if has_lo else lo
        hi = _subscript(hi, hi_source) if has_hi else hi
    first = max(int(lo), 1) if has_lo else 1
    last = min(int(hi), len(elements)) if has_hi else len(elements)
    return format_array(elements[first - 1:last] if first <= last else [])


@_guard
def pg_array_length(arr, dim):
    elements = _elements(arr)
    if elements is None or dim is None or int(dim) != 1 or not elements:
        return None
    return len(elements)


@_guard
def pg_cardinality(arr):
    elements = _elements(arr)
    return None if elements is None else len(elements)


@_guard
def pg_array_contains(a, b):
    """a @> b: every element of b (NULLs never match) is in a."""
    ea, eb = _elements(a), _elements(b)
    if ea is None or eb is None:
        return None
    have = set(e for e in ea if e is not None)
    return int(all(e is not None and e in have for e in eb))


@_guard
def pg_array_overlap(a, b):
    ea, eb = _elements(a), _elements(b)
    if ea is None or eb is None:
        return None
    return int(bool(set(e for e in ea if e is not None) & set(e for e in eb if e is not None)))


@_guard
def pg_array_append(arr, x):
    elements = _elements(arr) if arr is not None else []
    kind = "int8" if isinstance(x, int) else "float8" if isinstance(x, float) else "text"
    return format_array(elements + [element_text(x, kind)])


@_guard
def pg_array_cat(a, b):
    if a is None or b is None:  # the other as an array: an unknown literal is read as one (22P02)
        return None if a is None and b is None else format_array(_elements(b if a is None else a))
    return format_array(_elements(a) + _elements(b))


@_guard
def pg_array_position(arr, x):
    """array_position(arr, x): the first element IS NOT DISTINCT FROM x (NULL finds the
    first NULL), 1-based."""
    elements = _elements(arr)
    if elements is None:
        return None
    for i, e in enumerate(elements, 1):
        if (e is None) if x is None else _equal(e, x):
            return i
    return None


@_guard
def pg_array_remove(arr, x):
    """array_remove(arr, x): the elements not equal to x (NULL removes the NULLs)."""
    elements = _elements(arr)
    if elements is None:
        return None
    kept = [e for e in elements if (e is not None if x is None else _equal(e, x) is not True)]
    return format_array(kept)


@_guard
def pg_string_to_array(text, delimiter, null_string=None):
    """string_to_array(text, delimiter [, null_string]): a NULL delimiter splits into
    characters, an empty one gives the whole text; '' gives {}."""
    if text is None:
        return None
    text = str(text)
    if text == "":
        return "{}"
    if delimiter is None:
        parts = list(text)
    elif delimiter == "":
        parts = [text]
    else:
        parts = text.split(str(delimiter))
    return format_array([None if null_string is not None and p == null_string else p for p in parts])


def _order_key(e: str):
    return 1 if e in ("t", "true") else 0 if e in ("f", "false") else decimal.Decimal(e.strip())


@_guard
def pg_array_cmp(a, b):
    """-1, 0 or 1: arrays of numbers or booleans in PostgreSQL's order: element by element
    (a NULL element after every value), then the shorter first."""
    ea, eb = _elements(a), _elements(b)
    if ea is None or eb is None:
        return None
    for x, y in zip(ea, eb):
        if x is None or y is None:
            if (x is None) != (y is None):
                return 1 if x is None else -1
            continue
        kx, ky = _order_key(x), _order_key(y)
        if kx != ky:
            return -1 if kx < ky else 1
    return (len(ea) > len(eb)) - (len(ea) < len(eb))


@_guard
def pg_array_refuse_order(_arr):
    raise ArrayError("0A000", "ordering arrays (<, >, ORDER BY, min, max) is not supported")


def _element_of(x) -> str | None:
    """A value put into an array by array_replace / array_prepend: its text (an int or a
    float as its number's text)."""
    kind = "int8" if isinstance(x, int) else "float8" if isinstance(x, float) else "text"
    return element_text(x, kind)


@_guard
def pg_array_to_string(arr, sep, null_text=None):
    """array_to_string(arr, sep [, null_text]): the elements' texts joined, NULLs left out
    or written as null_text."""
    elements = _elements(arr)
    if elements is None or sep is None:
        return None
    texts = [e if e is not None else None if null_text is None else str(null_text) for e in elements]
    return str(sep).join(t for t in texts if t is not None)


@_guard
def pg_array_replace(arr, old, new):
    """array_replace(arr, old, new): each element equal to old (NULL: each NULL) is new."""
    elements = _elements(arr)
    if elements is None:
        return None
    put = _element_of(new)
    return format_array([put if (e is None if old is None else _equal(e, old)) else e for e in elements])


@_guard
def pg_array_positions(arr, x):
    """array_positions(arr, x): the 1-based positions of the elements equal to x (NULL
    finds the NULLs), as an integer[]."""
    elements = _elements(arr)
    if elements is None:
        return None
    return format_array([str(i) for i, e in enumerate(elements, 1) if (e is None if x is None else _equal(e, x))])


@_guard
def pg_array_as(arr, kind):
    """`arr`'s elements shown as elements of `kind` (an array of integers joined with a
    double: {1,9.223372036854776e+18})."""
    elements = _elements(arr)
    return None if elements is None else format_array([element_text(e, kind) for e in elements])


@_guard
def pg_array_prepend(x, arr):
    elements = _elements(arr) if arr is not None else []
    return format_array([_element_of(x)] + elements)


@_guard
def pg_array_bound(arr, dim, which):
    """array_upper / array_lower (which 'upper' / 'lower') of a one-dimensional array
    (lower bound 1); NULL for an empty array or another dimension."""
    elements = _elements(arr)
    if not elements or dim is None or int(dim) != 1:
        return None
    return len(elements) if which == "upper" else 1


@_guard
def pg_array_ndims(arr):
    elements = _elements(arr)
    return 1 if elements else None


@_guard
def pg_array_dims(arr):
    elements = _elements(arr)
    return f"[1:{len(elements)}]" if elements else None


@_guard
def pg_trim_array(arr, n):
    elements = _elements(arr)
    if elements is None or n is None:
        return None
    k = int(n)
    if not 0 <= k <= len(elements):
        raise ArrayError("2202E", f"number of elements to trim must be between 0 and {len(elements)}")
    return format_array(elements[:len(elements) - k])


@_guard
def pg_array_fill(value, dims):
    """array_fill(value, ARRAY[n]): n copies of value (one dimension only)."""
    sizes = _elements(dims)
    if sizes is None:
        raise ArrayError("22004", "dimension array or low bound array cannot be null")
    if len(sizes) != 1:
        raise ArrayError("0A000", "multidimensional arrays are not supported")
    if sizes[0] is None:
        raise ArrayError("22004", "dimension values cannot be null")
    return format_array([_element_of(value)] * max(int(sizes[0]), 0))


@_guard
def pg_numeric_array_key(arr):
    """A numeric array's text with each element at its value's own scale (1.50 -> 1.5), so
    that equal arrays compare equal whatever scales they show."""
    from decimal import Decimal, InvalidOperation

    def key(e: str | None) -> str | None:
        try:
            d = Decimal(e) if e is not None else None
        except InvalidOperation:
            return e
        if d is None or not d.is_finite():
            return e
        return "0" if d == 0 else format(d.normalize(), "f")

    items = _elements(arr)
    return None if items is None else format_array([key(e) for e in items])


def register(conn: apsw.Connection) -> None:
    det = {"deterministic": True}
    conn.create_scalar_function("pg_array", pg_array, -1, **det)
    conn.create_scalar_function("pg_array_remove", pg_array_remove, 2, **det)
    for nargs in (2, 3):
        conn.create_scalar_function("pg_string_to_array", pg_string_to_array, nargs, **det)
    conn.create_scalar_function("pg_array_any", pg_array_any, 2, **det)
    for nargs in (3, 5):
        conn.create_scalar_function("pg_array_get", pg_array_get, nargs, **det)
    conn.create_scalar_function("pg_array_quantified", pg_array_quantified, 4, **det)
    for nargs in (5, 7):
        conn.create_scalar_function("pg_array_slice", pg_array_slice, nargs, **det)
    conn.create_scalar_function("pg_array_cmp", pg_array_cmp, 2, **det)
    conn.create_scalar_function("array_length", pg_array_length, 2, **det)
    conn.create_scalar_function("cardinality", pg_cardinality, 1, **det)
    conn.create_scalar_function("pg_array_contains", pg_array_contains, 2, **det)
    conn.create_scalar_function("pg_array_overlap", pg_array_overlap, 2, **det)
    conn.create_scalar_function("array_append", pg_array_append, 2, **det)
    conn.create_scalar_function("array_cat", pg_array_cat, 2, **det)
    conn.create_scalar_function("array_position", pg_array_position, 2, **det)
    conn.create_scalar_function("pg_array_refuse_order", pg_array_refuse_order, 1, **det)
    conn.create_scalar_function("pg_numeric_array_key", pg_numeric_array_key, 1, **det)
    for nargs in (2, 3):
        conn.create_scalar_function("array_to_string", pg_array_to_string, nargs, **det)
    conn.create_scalar_function("array_replace", pg_array_replace, 3, **det)
    conn.create_scalar_function("array_positions", pg_array_positions, 2, **det)
    conn.create_scalar_function("pg_array_prepend", pg_array_prepend, 2, **det)
    conn.create_scalar_function("pg_array_as", pg_array_as, 2, **det)
    conn.create_scalar_function("array_upper", lambda a, d: pg_array_bound(a, d, "upper"), 2, **det)
    conn.create_scalar_function("array_lower", lambda a, d: pg_array_bound(a, d, "lower"), 2, **det)
    conn.create_scalar_function("array_ndims", pg_array_ndims, 1, **det)
    conn.create_scalar_function("array_dims", pg_array_dims, 1, **det)
    conn.create_scalar_function("trim_array", pg_trim_array, 2, **det)
    conn.create_scalar_function("array_fill", pg_array_fill, 2, **det)
