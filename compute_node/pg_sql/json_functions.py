"""PostgreSQL's json/jsonb operators as SQLite functions: -> and ->> (pg_json_get), #> and
#>> (pg_json_path), @> (pg_jsonb_contains). Values are JSON text; a missing key or index
gives NULL, as in PostgreSQL."""

from __future__ import annotations

import functools
import json
import re
from decimal import Decimal

import apsw

from compute_node.pg_sql import arrays, interval_iso, jsonpath, settings, temporal, types, values
from sixfold.constants import COLLATION_KEYS_CACHED_MAX, REGEX_CACHE_PATTERNS_MAX


def _load(doc):
    if isinstance(doc, bytes):
        doc = doc.decode("utf-8", "replace")
    if isinstance(doc, (int, float)) and not isinstance(doc, bool):  # a top-level number in a jsonb column
        return Decimal(repr(doc)) if isinstance(doc, float) else Decimal(doc)
    try:
        return json.loads(doc, parse_float=Decimal)  # 1.10 stays 1.10
    except (TypeError, ValueError):
        raise apsw.SQLError(f'[22P02] invalid input syntax for type json: "{str(doc)[:60]}"') from None


def _out(value, as_text: int):
    if value is None:
        return None
    if as_text:
        if isinstance(value, str):
            return value
        return values._json_text(value)  # an object, array, true/false or number: its jsonb text
    return values._json_text(value)


_MISSING = object()  # no such key or index (a JSON null is None)


def _step(value, key):
    if isinstance(value, dict):
        return value.get(str(key), _MISSING)
    if isinstance(value, list):
        try:
            i = int(key)
        except (TypeError, ValueError):
            return _MISSING
        if i < 0:
            i += len(value)
        return value[i] if 0 <= i < len(value) else _MISSING
    return _MISSING


def _found(value, as_text: int):
    """What -> (or ->>) gives for a value found: a JSON null is the jsonb null (->> a SQL
    NULL); nothing found is NULL."""
    if value is _MISSING:
        return None
    if value is None:
        return None if as_text else "null"
    return _out(value, as_text)


# The mode of pg_json_get / pg_json_path / pg_json_extract_path: -> (0) or ->> (1), plus
# AS_WRITTEN for json (not jsonb), whose values are the document's own text.
AS_WRITTEN = 2


def pg_json_get(doc, key, mode):
    """doc -> key (mode 0) / doc ->> key (1): an object's field by a text key, an array's
    element by an integer one (a text key finds nothing in an array, an integer nothing
    in an object, as in PostgreSQL); mode + AS_WRITTEN: of a json document, as written."""
    if doc is None or key is None:
        return None
    if isinstance(key, float):
        key = int(key) if key.is_integer() else str(key)
    if mode >= AS_WRITTEN:
        return _found_as_written(_raw_step(_as_text(doc), key, typed=True), mode - AS_WRITTEN)
    value = _load(doc)
    if isinstance(key, int) and not isinstance(value, (list, dict)):
        value = [value]  # a jsonb scalar is an array of one for -> (not for #>): '"s"' -> 0 is "s"
    if isinstance(value, list) != isinstance(key, int):
        return None
    return _found(_step(value, key), mode)


_JSONB_KINDS = {dict: "object", list: "array", str: "string", bool: "boolean", type(None): "null"}


def pg_jsonb_scalar(doc, want: str, target: str):
    """jsonb::numeric / ::int / ::float8 (want "number") or ::boolean (want "boolean"): the
    number's text or true/false, for the cast to read; any other jsonb is 22023."""
    if doc is None:
        return None
    value = _load(doc)
    if want == "boolean" and isinstance(value, bool):
        return "true" if value else "false"
    if want == "number" and isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        return values._json_text(Decimal(value))
    found = _JSONB_KINDS.get(type(value), "numeric")
    raise apsw.SQLError(f"[22023] cannot cast jsonb {found} to type {target}")


def pg_json_path(doc, path, mode):
    """doc #> '{a,b,1}' (mode 0) / doc #>> '{a,b,1}' (1); + AS_WRITTEN as pg_json_get."""
    if doc is None or path is None:
        return None
    return pg_json_extract_path(mode, doc, *_path_keys(path))


def _as_text(doc) -> str:
    if isinstance(doc, bytes):
        return doc.decode("utf-8", "replace")
    if isinstance(doc, (int, float)) and not isinstance(doc, bool):
        return repr(doc)
    _load(doc)  # (22P02 when it is no JSON)
    return str(doc)


def _raw_step(text: str, key, typed: bool):
    """The text of `text`'s field `key` (its last, as json keeps duplicates) or element,
    _MISSING when there is none; `typed`: a key's type says object or array (->), else a
    path element (#>) is an index in an array."""
    t = text.strip()
    if not t or t[0] not in "[{":
        return _MISSING
    if t[0] == "{":
        if typed and isinstance(key, int):
            return _MISSING
        found = _MISSING
        for k, raw in _raw_items(t):
            if k == str(key):
                found = raw
        return found
    if typed and not isinstance(key, int):
        return _MISSING
    try:
        i = int(key)
    except (TypeError, ValueError):
        return _MISSING
    items = _raw_items(t)
    if i < 0:
        i += len(items)
    return items[i] if 0 <= i < len(items) else _MISSING


def _found_as_written(raw, as_text: int):
    if raw is _MISSING:
        return None
    if not as_text:
        return raw
    if raw == "null":
        return None
    return json.loads(raw) if raw.startswith('"') else raw


def _contains(a, b) -> bool:
    """a @> b as jsonb's containment: an object's every key with a value the other's
    contains, an array's every scalar among the other's scalars and every container
    contained by one of its containers; scalars equal; at the top level only, an array
    contains a scalar that is one of its elements."""
    if isinstance(a, list) and not isinstance(b, (dict, list)):
        return any(_same_scalar(x, b) for x in a if not isinstance(x, (dict, list)))
    return _deep_contains(a, b)


def _deep_contains(a, b) -> bool:
    if isinstance(a, dict) and isinstance(b, dict):
        return all(k in a and _deep_contains(a[k], v) for k, v in b.items())
    if isinstance(a, list) and isinstance(b, list):
        return all(any(_deep_contains(x, y) for x in a if isinstance(x, (dict, list)) == isinstance(y, (dict, list)))
                   for y in b)
    if isinstance(a, (dict, list)) or isinstance(b, (dict, list)):
        return False
    return _same_scalar(a, b)


def _same_scalar(a, b) -> bool:
    """JSON scalars equal as jsonb compares them: numbers by value (25 is 25.0), a boolean
    only a boolean (Python's True == 1 is not jsonb's)."""
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, (int, Decimal)) and isinstance(b, (int, Decimal)):
        return Decimal(a) == Decimal(b)
    return type(a) is type(b) and a == b


def pg_join_gathered(gathered, separator):
    """string_agg(DISTINCT ...)'s text: the JSON array json_group_array gathered, its
    non-NULL values joined by `separator`; NULL when there are none."""
    if gathered is None:
        return None
    parts = [v for v in json.loads(gathered) if v is not None]
    if not parts:
        return None
    return str(separator if separator is not None else "").join(
        v if isinstance(v, str) else values._json_text(v) for v in parts)


def pg_jsonb_contains(a, b):
    if a is None or b is None:
        return None
    return 1 if _contains(_load(a), _load(b)) else 0


def pg_jsonb_concat(a, b):
    """jsonb || jsonb: two objects merge (the right one's keys win), otherwise both sides
    as arrays (a scalar or object is a one-element array) are concatenated."""
    if a is None or b is None:
        return None
    x, y = _load(a), _load(b)
    if isinstance(x, dict) and isinstance(y, dict):
        return values._json_text({**x, **y})
    return values._json_text((x if isinstance(x, list) else [x]) + (y if isinstance(y, list) else [y]))


def _jsonb_rank(v) -> int:
    """PostgreSQL's order of jsonb types: null < string < number < boolean < array < object."""
    if v is None:
        return 0
    if isinstance(v, str):
        return 1
    if isinstance(v, bool):
        return 3
    if isinstance(v, (int, float, Decimal)):
        return 2
    return 4 if isinstance(v, list) else 5


def _jsonb_container_cmp(a, b, raw_a: bool = False, raw_b: bool = False) -> int:
    if isinstance(a, dict) != isinstance(b, dict):
        return 1 if isinstance(a, dict) else -1
    if isinstance(a, list):  # a longer array is greater; a raw scalar is less than an array of one
        res = 0 if raw_a == raw_b else (-1 if raw_a else 1)
        if len(a) != len(b):
            res = 1 if len(a) > len(b) else -1
        if res:
            return res
        pairs = zip(a, b)
    else:  # more pairs is greater; then the pairs in stored key order, key then value
        if len(a) != len(b):
            return 1 if len(a) > len(b) else -1
        ka, kb = values.jsonb_keys(a), values.jsonb_keys(b)
        for x, y in zip(ka, kb):
            if x != y:
                return 1 if x > y else -1
        pairs = ((a[x], b[y]) for x, y in zip(ka, kb))
    for x, y in pairs:
        res = _jsonb_value_cmp(x, y)
        if res:
            return res
    return 0


def _jsonb_value_cmp(a, b) -> int:
    ra, rb = _jsonb_rank(a), _jsonb_rank(b)
    if ra != rb:
        return 1 if ra > rb else -1
    if ra >= 4:
        return _jsonb_container_cmp(a, b)
    if ra == 2:
        a, b = Decimal(str(a)), Decimal(str(b))
    return (a > b) - (a < b) if ra else 0


def pg_jsonb_cmp(a, b):
    """jsonb's btree order of two documents (-1, 0, 1), as PostgreSQL's < > compare them:
    by type (null < string < number < boolean < array < object), numbers by value, strings
    bytewise (the C collation), arrays by length then elements, objects by their number of
    pairs then key by key. A top-level scalar is a one-element pseudo-array."""
    if a is None or b is None:
        return None
    return _documents_cmp(_load(a), _load(b))


def _documents_cmp(x, y) -> int:
    """Two parsed documents in jsonb's order (a top-level scalar as a pseudo-array)."""
    raw_x, raw_y = not isinstance(x, (list, dict)), not isinstance(y, (list, dict))
    return _jsonb_container_cmp([x] if raw_x else x, [y] if raw_y else y, raw_x, raw_y)


def jsonb_order(a: str, b: str) -> int:
    """The `pg_jsonb` collation of jsonb columns: pg_jsonb_cmp's order, so that ORDER BY,
    DISTINCT, GROUP BY, = and indexes treat documents as PostgreSQL does (25 equals 25.0);
    text that is no document sorts after every document, by its text."""
    ka, kb = _collation_doc(a), _collation_doc(b)
    if ka is _NOT_JSON or kb is _NOT_JSON:
        x, y = (ka is _NOT_JSON, a), (kb is _NOT_JSON, b)
        return (x > y) - (x < y)
    return _documents_cmp(ka, kb)


_NOT_JSON = object()


@functools.lru_cache(maxsize=COLLATION_KEYS_CACHED_MAX)
def _collation_doc(text: str):
    try:
        return json.loads(text, parse_float=Decimal)
    except (TypeError, ValueError):
        return _NOT_JSON


def _pair_rows(text: str) -> list[list] | None:
    """The rows of a two-dimensional text array literal ('{{a,1},{b,2}}'), each of two
    elements (else 2202E), or None for any other literal."""
    body = text.strip()
    if not body.startswith("{") or not body[1:].lstrip().startswith("{"):
        return None
    body = body[1:-1] if body.endswith("}") else body
    rows, depth, start, quoted, i = [], 0, 0, False, 0
    while i < len(body):  # (each row's text between its braces, quotes and escapes kept)
        c = body[i]
        if c == "\\":
            i += 1
        elif c == '"':
            quoted = not quoted
        elif not quoted and c == "{":
            depth, start = depth + 1, i if depth == 0 else start
        elif not quoted and c == "}":
            depth -= 1
            if depth == 0:
                rows.append(arrays.parse(body[start:i + 1]))
        i += 1
    if any(len(r) != 2 for r in rows):
        raise apsw.SQLError("[2202E] array must have two columns")
    return rows


def pg_json_object(binary, keys, *vals):
    """json_object / jsonb_object(keys text[] [, values text[]]): an object from a flat
    array of keys and values in turn, or from a keys array and a values array (every value
    a string, NULL a JSON null). json keeps the pairs as given (PostgreSQL's `"a" : "1"`
    spacing), jsonb its canonical form (the last of a repeated key)."""
    if keys is None or None in vals:
        return None
    try:
        pairs = _pair_rows(str(keys)) if not vals else None
        ks = arrays.parse(str(keys)) if pairs is None else [x for row in pairs for x in row]
        if not vals:
            if len(ks) % 2:
                raise apsw.SQLError("[2202E] array must have even number of elements")
            ks, vs = ks[0::2], ks[1::2]
        else:
            vs = arrays.parse(str(vals[0]))
            if len(ks) != len(vs):
                raise apsw.SQLError("[2202E] mismatched array dimensions")
    except arrays.ArrayError as e:
        raise apsw.SQLError(f"[{e.sqlstate}] {e}") from None
    if any(k is None for k in ks):
        raise apsw.SQLError("[22004] null value not allowed for object key")
    if binary:
        return values._json_text(dict(zip(ks, vs)))
    quoted = lambda v: "null" if v is None else json.dumps(v, ensure_ascii=False)  # noqa: E731
    return "{" + ", ".join(f"{quoted(k)} : {quoted(v)}" for k, v in zip(ks, vs)) + "}"


def register(conn: apsw.Connection) -> None:
    det = {"deterministic": True}
    conn.create_scalar_function("pg_json_object", lambda *a: pg_json_object(False, *a), -1, **det)
    conn.create_scalar_function("pg_jsonb_cmp", pg_jsonb_cmp, 2, **det)
    conn.create_scalar_function("pg_join_gathered", pg_join_gathered, 2, **det)
    conn.create_scalar_function("pg_jsonb_object", lambda *a: pg_json_object(True, *a), -1, **det)
    conn.create_scalar_function("pg_jsonb_concat", pg_jsonb_concat, 2, **det)
    conn.create_scalar_function("pg_json_get", pg_json_get, 3, **det)
    conn.create_scalar_function("pg_json_path", pg_json_path, 3, **det)
    conn.create_scalar_function("pg_jsonb_contains", pg_jsonb_contains, 2, **det)
    conn.create_scalar_function("pg_jsonb_scalar", pg_jsonb_scalar, 3, **det)
    register_builders(conn)


# --- values as JSON, and the functions that build or take apart json/jsonb -------------------
_ARRAY_ELEMENT_HINTS = {"float4": "float4", "float8": "float", "bool": "bool", "numeric": "num"}


def value_json(value, hint: str) -> str:
    """One SQL value as JSON text, by its PostgreSQL type (`hint`, the kind the translator
    read from the expression; '' when unknown: the value's own type decides). A boolean is
    true/false (SQLite's 1/0), a numeric its exact text, a float8 PostgreSQL's digits (NaN
    and infinities as strings), a timestamp ISO 8601 with a T, json as written, jsonb as
    stored, anything else a string of its text."""
    if value is None:
        return "null"
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    if hint == "bool":
        return "true" if value else "false"
    if hint.startswith("array:"):  # an array of element kind hint[6:]: a JSON array
        elem = hint[6:]
        elem_hint = _ARRAY_ELEMENT_HINTS.get(elem, "int" if elem in ("int2", "int4", "int8", "oid") else "text")
        return "[" + ",".join(value_json(arrays._typed(e, elem), elem_hint) for e in arrays.parse(str(value))) + "]"
    if hint in ("json", "jsonb", "row"):
        return str(value)
    if hint in ("int", "num") or hint == "" and isinstance(value, int):
        return str(value) if not isinstance(value, float) else _float_json(value, False)
    if hint in ("float", "float4") or hint == "" and isinstance(value, float):
        return _float_json(float(value), hint == "float4")
    if hint == "timestamp" and isinstance(value, str):
        return json.dumps(value.replace(" ", "T", 1))
    if hint == "timestamptz" and isinstance(value, str):  # Sixfold's sessions run in UTC
        text = value.replace(" ", "T", 1)
        return json.dumps(text + ":00" if len(text) > 3 and text[-3] in "+-" and text[-2:].isdigit() else text)
    if hint == "interval" and isinstance(value, str) and settings.iso_intervals():
        return json.dumps(interval_iso.format_iso(temporal.parse_interval(value)))
    return json.dumps(str(value), ensure_ascii=False)


def _float_json(v: float, single: bool) -> str:
    text = types.float_text(v, single)
    return json.dumps(text) if text in ("NaN", "Infinity", "-Infinity") else text


def _canonical(text: str) -> str:
    """jsonb's text of a value given as JSON text."""
    return values._json_text(_load(text))


def _hints(hints: str) -> list[str]:
    return hints.split(",") if hints else []


def pg_json_build(shape: str, binary: int, hints: str, *args):
    """json_build_object / json_build_array / to_json and their jsonb forms: `shape` is
    'object', 'array' or 'value'; each argument's type is in `hints` (comma-separated)."""
    kinds = _hints(hints)
    items = [value_json(a, kinds[i] if i < len(kinds) else "") for i, a in enumerate(args)]
    if shape == "value":
        if args[0] is None:
            return None  # to_json(NULL) is NULL
        return _canonical(items[0]) if binary else items[0]
    if shape == "array":
        return _canonical("[" + ", ".join(items) + "]") if binary else "[" + ", ".join(items) + "]"
    if len(args) % 2:
        raise apsw.SQLError("[22023] argument list must have even number of elements")
    pairs = []
    for i in range(0, len(args), 2):
        if args[i] is None:
            raise apsw.SQLError(f"[22004] argument {i + 1}: key must not be null" if binary
                                else f"[22004] argument {i + 1} cannot be null")
        key_kind = kinds[i] if i < len(kinds) else ""
        if key_kind in ("array", "json", "jsonb", "row") or key_kind.startswith("array:"):
            raise apsw.SQLError("[22023] key value must be scalar, not array, composite, or json")
        pairs.append((_key_text(args[i], kinds[i] if i < len(kinds) else ""), items[i + 1]))
    if binary:
        return values._json_text({k: _load(v) for k, v in pairs})
    return "{" + ", ".join(f"{json.dumps(k, ensure_ascii=False)} : {v}" for k, v in pairs) + "}"


def _key_text(key, hint: str) -> str:
    """An object key: the value's text (a boolean's true/false, a number's digits)."""
    if hint == "bool":
        return "true" if key else "false"
    text = value_json(key, hint)
    return json.loads(text) if text.startswith('"') else text


def pg_json_row(binary: int, hints: str, *pairs):
    """A row as a JSON object (row_to_json, to_json of a row): json without spaces, as
    PostgreSQL writes a composite value; jsonb canonical."""
    kinds = _hints(hints)
    items = [(str(pairs[i]), value_json(pairs[i + 1], kinds[i // 2] if i // 2 < len(kinds) else ""))
             for i in range(0, len(pairs), 2)]
    if binary:
        return values._json_text({k: _load(v) for k, v in items})
    return "{" + ",".join(f"{json.dumps(k, ensure_ascii=False)}:{v}" for k, v in items) + "}"


class JsonAgg:
    """json_agg(value) / jsonb_agg(value): the values (NULLs too) as a JSON array; NULL
    over no rows. In json a row (hint 'row') or an array after the first item follows
    ", \n ", as PostgreSQL writes composite and array values (a NULL one ", ")."""

    def __init__(self, binary: int):
        self.binary = binary
        self.parts: list[str] = []

    def step(self, value, hint, _binary=None):
        if self.parts:
            structured = value is not None and (hint == "row" or hint.startswith("array:"))
            self.parts.append(", \n " if structured else ", ")
        self.parts.append(value_json(value, hint))

    def final(self):
        if not self.parts:
            return None
        text = "[" + "".join(self.parts) + "]"
        return _canonical(text) if self.binary else text


class JsonObjectAgg:
    """json_object_agg(key, value) / jsonb_object_agg: the pairs as a JSON object."""

    def __init__(self, binary: int):
        self.binary = binary
        self.pairs: list[tuple[str, str]] = []

    def step(self, key, value, key_hint, hint, _binary=None):
        if key is None:
            raise apsw.SQLError("[22004] field name must not be null")
        self.pairs.append((_key_text(key, key_hint), value_json(value, hint)))

    def final(self):
        if not self.pairs:
            return None
        if self.binary:
            return values._json_text({k: _load(v) for k, v in self.pairs})
        return "{ " + ", ".join(f"{json.dumps(k, ensure_ascii=False)} : {v}" for k, v in self.pairs) + " }"


def pg_json_array_length(doc):
    if doc is None:
        return None
    value = _load(doc)
    if isinstance(value, list):
        return len(value)
    what = "a non-array" if isinstance(value, dict) else "a scalar"
    raise apsw.SQLError(f"[22023] cannot get array length of {what}")


def pg_json_typeof(doc):
    if doc is None:
        return None
    value = _load(doc)
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    return {dict: "object", list: "array", str: "string"}.get(type(value), "number")


def _path_keys(path) -> list[str | None]:
    text = str(path).strip()
    if not (text.startswith("{") and text.endswith("}")):
        raise apsw.SQLError(f'[22P02] malformed array literal: "{text}"')
    keys = [k.strip() for k in text[1:-1].split(",")] if text[1:-1].strip() else []
    return [None if k.upper() == "NULL" else k.strip('"') for k in keys]  # (an unquoted NULL is a null element)


def pg_json_extract_path(as_text, doc, *keys):
    """json(b)_extract_path(doc, VARIADIC keys) and the _text forms (as_text + AS_WRITTEN:
    json's, as written)."""
    if doc is None or any(k is None for k in keys):
        return None
    if as_text >= AS_WRITTEN:
        raw = _as_text(doc).strip()
        for k in keys:
            raw = _raw_step(raw, k, typed=False)
            if raw is _MISSING:
                return None
        return _found_as_written(raw, as_text - AS_WRITTEN)
    value = _load(doc)
    for k in keys:
        value = _step(value, k)
        if value is _MISSING:
            return None
    return _found(value, as_text)


def pg_jsonb_set(target, path, new, create_missing=1):
    """jsonb_set(target, path, new [, create_missing]): `new` at `path` (a missing last key
    or an index past either end is added when create_missing; a missing step before it
    leaves the target as it is; an empty target without create_missing is kept as it is,
    its path unread)."""
    if target is None or path is None or new is None:
        return None
    doc = _load(target)
    if not isinstance(doc, (dict, list)):
        raise apsw.SQLError("[22023] cannot set path in scalar")
    if not doc and not create_missing:
        return values._json_text(doc)
    keys = _path_keys(path)
    _set_path(doc, keys, _load(new), "create" if create_missing else "replace")
    return values._json_text(doc)


def pg_jsonb_insert(target, path, new, insert_after=0):
    """jsonb_insert(target, path, new [, insert_after]): `new` inserted before (after) the
    array element at `path`, or as an object's new key (an existing one: 22023)."""
    if target is None or path is None or new is None or insert_after is None:
        return None
    doc = _load(target)
    if not isinstance(doc, (dict, list)):
        raise apsw.SQLError("[22023] cannot set path in scalar")
    _set_path(doc, _path_keys(path), _load(new), "after" if insert_after else "before")
    return values._json_text(doc)


_PATH_INDEX = re.compile(r"\s*[+-]?[0-9]+")


def _set_path(doc, keys: list[str | None], repl, op: str) -> None:
    """PostgreSQL's setPath for jsonb_set ("replace", "create") and jsonb_insert
    ("before", "after"), in place: each step's path element is read (a NULL one is 22004,
    an array's that is not an integer 22P02) only when the walk reaches it; a scalar on
    the way is left as it is; an index before the array's start prepends, past its end
    appends."""
    adds = op != "replace"

    def put(node, i: int) -> None:
        if i >= len(keys):
            return
        k = keys[i]
        if k is None:
            raise apsw.SQLError(f"[22004] path element at position {i + 1} is null")
        last = i == len(keys) - 1
        if isinstance(node, dict):
            if k in node:
                if not last:
                    put(node[k], i + 1)
                elif op in ("before", "after"):
                    raise apsw.SQLError("[22023] cannot replace existing key")
                else:
                    node[k] = repl
            elif last and adds:
                node[k] = repl
            return
        if not isinstance(node, list):
            return  # (a scalar where the path goes on: kept)
        if not _PATH_INDEX.fullmatch(k) or not -(1 << 31) <= int(k) < 1 << 31:
            raise apsw.SQLError(f'[22P02] path element at position {i + 1} is not an integer: "{k}"')
        n, idx = len(node), int(k)
        if idx < 0:
            idx = None if -idx > n else n + idx  # (None: before the start)
        if idx is not None and idx > n:
            idx = n
        if (idx is None or n == 0) and last and adds:
            node.insert(0, repl)
        elif idx is not None and idx < n:
            if not last:
                put(node[idx], i + 1)
            elif op in ("replace", "create"):
                node[idx] = repl
            else:
                node.insert(idx + (op == "after"), repl)
        elif idx == n and last and adds:
            node.append(repl)

    put(doc, 0)


def _strip_nulls(v):
    if isinstance(v, dict):
        return {k: _strip_nulls(x) for k, x in v.items() if x is not None}
    if isinstance(v, list):
        return [_strip_nulls(x) for x in v]
    return v


def pg_jsonb_strip_nulls(doc):
    return None if doc is None else values._json_text(_strip_nulls(_load(doc)))


def _pretty(v, depth: int) -> str:
    pad = "    " * depth
    if isinstance(v, dict):
        keys = values.jsonb_keys(v)
        inner = ",\n".join(f"{pad}    {json.dumps(k, ensure_ascii=False)}: {_pretty(v[k], depth + 1)}" for k in keys)
        return "{\n" + (inner + "\n" if inner else "") + pad + "}"
    if isinstance(v, list):
        inner = ",\n".join(f"{pad}    {_pretty(x, depth + 1)}" for x in v)
        return "[\n" + (inner + "\n" if inner else "") + pad + "]"
    return values._json_text(v)


def pg_jsonb_pretty(doc):
    """jsonb_pretty: PostgreSQL's layout (four spaces a level, an empty object or array
    still opened and closed on lines of their own)."""
    return None if doc is None else _pretty(_load(doc), 0)


def pg_jsonb_delete(doc, key, by_index):
    """jsonb - text (a key of an object, or an array's string elements equal to it) and
    jsonb - integer (an array's element at that index, negative from the end)."""
    if doc is None or key is None:
        return None
    value = _load(doc)
    if not isinstance(value, (dict, list)):
        raise apsw.SQLError("[22023] cannot delete from scalar")
    if by_index:
        if isinstance(value, dict):
            raise apsw.SQLError("[22023] cannot delete from object using integer index")
        i = int(key)
        at = i + len(value) if i < 0 else i
        return values._json_text([x for j, x in enumerate(value) if j != at])
    if isinstance(value, dict):
        return values._json_text({k: x for k, x in value.items() if k != str(key)})
    return values._json_text([x for x in value if x != str(key)])


def pg_jsonb_exists(doc, keys, how: str):
    """jsonb ? text (how 'one'), ?| text[] ('any'), ?& text[] ('all'): the strings exist as
    top-level keys, or as string elements of a top-level array (or the string scalar)."""
    if doc is None or keys is None:
        return None
    value = _load(doc)
    if how == "one":
        wanted = [str(keys)]
    else:
        from compute_node.pg_sql import arrays

        wanted = [k for k in arrays.parse(str(keys)) if k is not None]

    def has(k: str) -> bool:
        if isinstance(value, dict):
            return k in value
        if isinstance(value, list):
            return any(isinstance(x, str) and x == k for x in value)
        return isinstance(value, str) and value == k

    return int(all(has(k) for k in wanted) if how == "all" else any(has(k) for k in wanted))


@functools.lru_cache(maxsize=REGEX_CACHE_PATTERNS_MAX)
def _parsed_path(text: str) -> jsonpath.Path:
    return jsonpath.parse(text)


def _path_items(doc, path, variables, silent, exists: bool = False) -> tuple[list, bool]:
    """The items a jsonpath yields (jsonpath.py), and whether it failed (`silent`: then
    the items it yielded before; else the failure is the statement's)."""
    parsed = _parsed_path(str(path))
    exists = exists and not parsed.strict  # (strict mode looks at every item, for errors)
    try:
        return jsonpath.run(parsed, _load(doc), _load(variables), exists), False
    except jsonpath.PathError as e:
        if exists and e.found:  # (lax mode stops at the first item found)
            return e.found, False
        if silent and not e.hard:
            return e.found, True
        raise apsw.SQLError(f"[{e.sqlstate}] {e}") from None


def pg_jsonpath(text):
    """text::jsonpath: read (42601), and written as PostgreSQL writes it."""
    if text is None:
        return None
    try:
        return jsonpath.text(_parsed_path(str(text)))
    except jsonpath.PathError as e:
        raise apsw.SQLError(f"[{e.sqlstate}] {e}") from None


def pg_jsonb_path_exists(doc, path, variables, silent):
    if None in (doc, path, variables, silent):
        return None
    items, failed = _path_items(doc, path, variables, silent, exists=True)
    return None if failed else int(bool(items))


def pg_jsonb_path_match(doc, path, variables, silent):
    if None in (doc, path, variables, silent):
        return None
    items, failed = _path_items(doc, path, variables, silent)
    if failed:
        return None
    if len(items) != 1 or not (items[0] is None or isinstance(items[0], bool)):
        if silent:
            return None
        raise apsw.SQLError("[22038] single boolean result is expected")
    return None if items[0] is None else int(items[0])


def pg_jsonb_path_array(doc, path, variables, silent):
    if None in (doc, path, variables, silent):
        return None
    return values._json_text(_path_items(doc, path, variables, silent)[0])


def pg_jsonb_path_first(doc, path, variables, silent):
    if None in (doc, path, variables, silent):
        return None
    items = _path_items(doc, path, variables, silent)[0]
    return values._json_text(items[0]) if items else None


def register_builders(conn: apsw.Connection) -> None:
    det = {"deterministic": True}
    conn.create_scalar_function("pg_json_build", pg_json_build, -1, **det)
    for fn in (pg_jsonb_path_exists, pg_jsonb_path_match, pg_jsonb_path_array, pg_jsonb_path_first):
        conn.create_scalar_function(fn.__name__, fn, 4, **det)
    conn.create_scalar_function("pg_jsonpath", pg_jsonpath, 1, **det)
    conn.create_scalar_function("pg_json_row", pg_json_row, -1, **det)
    conn.create_scalar_function("pg_json_array_length", pg_json_array_length, 1, **det)
    conn.create_scalar_function("pg_json_typeof", pg_json_typeof, 1, **det)
    conn.create_scalar_function("pg_json_extract_path", pg_json_extract_path, -1, **det)
    for nargs in (3, 4):
        conn.create_scalar_function("pg_jsonb_set", pg_jsonb_set, nargs, **det)
        conn.create_scalar_function("pg_jsonb_insert", pg_jsonb_insert, nargs, **det)
    conn.create_scalar_function("pg_jsonb_strip_nulls", pg_jsonb_strip_nulls, 1, **det)
    conn.create_scalar_function("pg_jsonb_pretty", pg_jsonb_pretty, 1, **det)
    conn.create_scalar_function("pg_jsonb_delete", pg_jsonb_delete, 3, **det)
    conn.create_scalar_function("pg_jsonb_exists", pg_jsonb_exists, 3, **det)
    for binary in (0, 1):
        conn.create_aggregate_function(
            "pg_jsonb_agg" if binary else "pg_json_agg",
            lambda b=binary: (JsonAgg(b), JsonAgg.step, JsonAgg.final), 2)
        conn.create_aggregate_function(
            "pg_jsonb_object_agg" if binary else "pg_json_object_agg",
            lambda b=binary: (JsonObjectAgg(b), JsonObjectAgg.step, JsonObjectAgg.final), 4)


# --- set-returning functions in FROM -------------------------------------------------------------
# name -> (mode, binary, PostgreSQL's columns as (name, kind)); the rows are json_rows'
# (row_functions.pg_rows serves them in FROM).
JSON_ROWS = {
    "json_each": ("each", 0, (("key", "text"), ("value", "json"))),
    "jsonb_each": ("each", 1, (("key", "text"), ("value", "jsonb"))),
    "json_each_text": ("each_text", 0, (("key", "text"), ("value", "text"))),
    "jsonb_each_text": ("each_text", 1, (("key", "text"), ("value", "text"))),
    "json_array_elements": ("elements", 0, (("value", "json"),)),
    "jsonb_array_elements": ("elements", 1, (("value", "jsonb"),)),
    "json_array_elements_text": ("elements_text", 0, (("value", "text"),)),
    "jsonb_array_elements_text": ("elements_text", 1, (("value", "text"),)),
    "json_object_keys": ("keys", 0, (("json_object_keys", "text"),)),
    "jsonb_object_keys": ("keys", 1, (("jsonb_object_keys", "text"),)),
    # not json's, but of the same shape: a text[] of 'name=value' options (row_functions.py)
    "pg_options_to_table": ("options", 0, (("option_name", "text"), ("option_value", "text"))),
}


def _raw_items(text: str):
    """json's elements as written (PostgreSQL's json functions give each one's own text):
    [raw, ...] of an array, [(key, raw), ...] of an object; the text is valid JSON."""
    text = text.strip()
    opener = text[0]
    items, depth, start, in_str, esc, i = [], 0, None, False, False, 0
    for i, c in enumerate(text):
        if in_str:
            if esc:
                esc = False
            elif c == "\\":
                esc = True
            elif c == '"':
                in_str = False
            continue
        if c == '"':
            in_str = True
        elif c in "[{":
            depth += 1
            if depth == 1:
                start = i + 1
                continue
        elif c in "]}":
            depth -= 1
        if depth == 1 and c == "," or depth == 0 and c in "]}":
            piece = text[start:i].strip()
            if piece:
                items.append(piece)
            start = i + 1
    if opener == "[":
        return items
    pairs = []
    for piece in items:
        key, end = json.JSONDecoder().raw_decode(piece)
        pairs.append((key, piece[end:].lstrip()[1:].strip()))
    return pairs


def json_rows(doc, mode: str, binary: int, name: str) -> list[tuple]:
    """The rows (key or 0-based index, value) of json(b)_each(_text) and
    json(b)_array_elements(_text), and of json(b)_object_keys (index, key): values as
    PostgreSQL's text of them (jsonb canonical, json as written; a _text form gives a
    string's own text and NULL for a JSON null)."""
    if doc is None:
        return []
    value = _load(doc)
    raw = None if binary else _raw_items(str(doc)) if isinstance(value, (dict, list)) else None
    if mode in ("each", "each_text", "keys") and not isinstance(value, dict):
        what = "an array" if isinstance(value, list) else "a scalar"
        raise apsw.SQLError(f"[22023] cannot call {name} on {what}" if mode == "keys" else
                            f"[22023] cannot call {name} on a non-object")
    if mode in ("elements", "elements_text") and not isinstance(value, list):
        what = "an object" if isinstance(value, dict) else "a scalar"
        raise apsw.SQLError(f"[22023] cannot extract elements from {what}")

    def text_of(v, raw_text):
        if mode.endswith("_text") and (v is None or isinstance(v, str)):
            return v
        return values._json_text(v) if binary else raw_text

    if binary:  # jsonb: keys in its order, each key once
        pairs = [(k, value[k]) for k in values.jsonb_keys(value)] if isinstance(value, dict) else None
    else:  # json: as written, duplicate keys too
        pairs = [(k, r) for k, r in raw] if isinstance(value, dict) else None
    if mode == "keys":
        return list(enumerate(k for k, _ in pairs))
    if mode in ("each", "each_text"):
        return [(k, text_of(v, None) if binary else text_of(json.loads(v, parse_float=Decimal), v)) for k, v in pairs]
    if binary:
        return list(enumerate(text_of(v, None) for v in value))
    return list(enumerate(text_of(json.loads(r, parse_float=Decimal), r) for r in raw))
