"""PostgreSQL's json/jsonb operators as SQLite functions: -> and ->> (pg_json_get), #> and
#>> (pg_json_path), @> (pg_jsonb_contains). Values are JSON text; a missing key or index
gives NULL, as in PostgreSQL."""

from __future__ import annotations

import json

import apsw

from compute_node.pg_sql import values


def _load(doc):
    if isinstance(doc, bytes):
        doc = doc.decode("utf-8", "replace")
    try:
        return json.loads(doc)
    except (TypeError, ValueError):
        raise apsw.SQLError(f'[22P02] invalid input syntax for type json: "{str(doc)[:60]}"') from None


def _out(value, as_text: int):
    if value is None:
        return None
    if as_text:
        if isinstance(value, str):
            return value
        if value is None:
            return None
        return json.dumps(value) if isinstance(value, (dict, list, bool)) else (
            "null" if value is None else str(value))
    return values._json_text(value)


def _step(value, key):
    if isinstance(value, dict):
        return value.get(str(key))
    if isinstance(value, list):
        try:
            i = int(key)
        except (TypeError, ValueError):
            return None
        if i < 0:
            i += len(value)
        return value[i] if 0 <= i < len(value) else None
    return None


def pg_json_get(doc, key, as_text):
    """doc -> key (as_text 0) / doc ->> key (1): an object's field or an array's element."""
    if doc is None or key is None:
        return None
    got = _step(_load(doc), key)
    if got is None:
        return None
    return _out(got, as_text)


def pg_json_path(doc, path, as_text):
    """doc #> '{a,b,1}' (as_text 0) / doc #>> '{a,b,1}' (1)."""
    if doc is None or path is None:
        return None
    text = str(path).strip()
    if not (text.startswith("{") and text.endswith("}")):
        raise apsw.SQLError(f'[22P02] malformed array literal: "{text}"')
    keys = [k.strip().strip('"') for k in text[1:-1].split(",")] if text[1:-1].strip() else []
    value = _load(doc)
    for k in keys:
        value = _step(value, k)
        if value is None:
            return None
    return _out(value, as_text)


def _contains(a, b) -> bool:
    if isinstance(a, dict) and isinstance(b, dict):
        return all(k in a and _contains(a[k], v) for k, v in b.items())
    if isinstance(a, list) and isinstance(b, list):
        return all(any(_contains(x, y) for x in a) for y in b)
    if isinstance(a, list) and not isinstance(b, (dict, list)):
        return any(x == b for x in a)
    return a == b and type(a) is type(b)


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


def register(conn: apsw.Connection) -> None:
    det = {"deterministic": True}
    conn.create_scalar_function("pg_jsonb_concat", pg_jsonb_concat, 2, **det)
    conn.create_scalar_function("pg_json_get", pg_json_get, 3, **det)
    conn.create_scalar_function("pg_json_path", pg_json_path, 3, **det)
    conn.create_scalar_function("pg_jsonb_contains", pg_jsonb_contains, 2, **det)
