"""COMMENT ON TABLE / VIEW / COLUMN: descriptions kept with the relation, and read back
by obj_description and col_description (psql's \\dt+ and \\d+, SQLAlchemy's and
Alembic's reflection).

A relation's descriptions ride in a comment at the end of its CREATE text in
sqlite_master (`/* sixfold descriptions: <base64 JSON> */`, keyed by column name, ''
for the relation itself), written as ALTER COLUMN writes that text: under
writable_schema, then a new schema version so every connection reloads it. COMMENT ON
anything else (an index, a schema, a function ...) is accepted and not kept, as before.
"""

from __future__ import annotations

import base64
import json
import re

from compute_node.pg_sql import schema
from compute_node.pg_sql.lexing import error_near
from sixfold.errors import SqlError

_MARK = "/* sixfold descriptions: "
_KEPT = re.compile(r"\s*/\* sixfold descriptions: ([A-Za-z0-9+/=]*) \*/\s*$")
_STATEMENT = re.compile(
    r"^\s*on\s+(table|view|column)\s+(.+?)\s+is\s+(null|'(?:[^']|'')*')\s*;?\s*$", re.IGNORECASE | re.DOTALL)


def descriptions(create_sql: str | None) -> dict[str, str]:
    m = _KEPT.search(create_sql or "")
    return json.loads(base64.b64decode(m.group(1)).decode()) if m else {}


def descriptions_json(create_sql) -> str:
    """The descriptions kept in `create_sql` as a JSON object (for the pg_description relation)."""
    return json.dumps(descriptions(create_sql), ensure_ascii=False)


def description(create_sql, column) -> str | None:
    """The description of `column` ('' or None: the relation itself) kept in `create_sql`."""
    return descriptions(create_sql).get(str(column or "")) if create_sql is not None else None


def with_description(create_sql, column, text):
    """`create_sql` keeping `text` (None: none) as the description of `column` ('' for the
    relation)."""
    kept = descriptions(create_sql)
    if text is None:
        kept.pop(str(column), None)
    else:
        kept[str(column)] = str(text)
    bare = _KEPT.sub("", str(create_sql))
    if not kept:
        return bare
    encoded = base64.b64encode(json.dumps(kept, ensure_ascii=False, sort_keys=True).encode()).decode()
    return f"{bare} {_MARK}{encoded} */"


def renamed_column(create_sql, old, new):
    """`create_sql` with the description of column `old` kept under `new` (RENAME COLUMN)."""
    kept = descriptions(create_sql)
    if str(old) not in kept:
        return create_sql
    text = kept[str(old)]
    return with_description(with_description(create_sql, old, None), new, text)


def rename_statements(table: str, old: str, new: str) -> list[str]:
    """What RENAME COLUMN runs first so that the column's description follows it (before
    the rename, so the schema version it sets is the next one): nothing when it has none."""
    cat = schema.current()
    bare, o, n = _unquote(table), _unquote(old), _unquote(new)
    rows = cat.rows("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (bare,)) if cat else []
    if not rows or o not in descriptions(rows[0][0]):
        return []
    lit = lambda v: "'" + v.replace("'", "''") + "'"  # noqa: E731
    return schema.edit_schema("sixfold_comment", [
        f"UPDATE sqlite_master SET sql = pg_renamed_description(sql, {lit(o)}, {lit(n)}) "
        f"WHERE name = {lit(bare)} AND type = 'table'"])


def _unquote(name: str) -> str:
    name = name.strip()
    return name[1:-1].replace('""', '"') if name.startswith('"') and name.endswith('"') else name.lower()


def statements(rest: str) -> list[str] | None:
    """The SQLite statements of COMMENT ON <rest>; None for an object whose description is
    not kept (accepted, as PostgreSQL would accept it)."""
    m = _STATEMENT.match(rest)
    seq = re.match(r"^\s*on\s+sequence\s+(\"(?:[^\"]|\"\")+\"|[\w$.]+)\s+is\b", rest, re.IGNORECASE)
    cat = schema.current()
    if m is None and seq is not None and cat is not None:  # (its description is not kept)
        name = _unquote(re.findall(r'"(?:[^"]|"")*"|[^.]+', seq.group(1))[-1])
        if not cat.is_sequence(f'"{name}"'):
            raise SqlError(f'relation "{name}" does not exist', "42P01")
    if m is None:
        if re.match(r"^\s*on\s+(table|view|column)\b", rest, re.IGNORECASE):
            raise error_near(rest.split()[-1] if rest.split() else "COMMENT")
        return None
    what, target, value = m.group(1).lower(), m.group(2), m.group(3)
    text = None if value.lower() == "null" else value[1:-1].replace("''", "'")
    parts = [p for p in re.findall(r'"(?:[^"]|"")*"|[^.]+', target.strip())]
    if what == "column":
        if len(parts) < 2:
            raise SqlError("column name must be qualified", "42601")
        table, column = _unquote(parts[-2]), _unquote(parts[-1])
    else:
        table, column = _unquote(parts[-1]), ""
    if len(parts) > (3 if what == "column" else 2) or len(parts) == (3 if what == "column" else 2) and \
            _unquote(parts[0]) != "public":
        raise SqlError(f'schema "{_unquote(parts[0])}" does not exist', "3F000")
    cat = schema.current()
    if cat is None:
        return None
    kind = "view" if what == "view" else None
    rows = cat.rows("SELECT type FROM sqlite_master WHERE name = ? AND type IN ('table', 'view')", (table,))
    if not rows or kind and rows[0][0] != kind:
        raise SqlError(f'relation "{table}" does not exist', "42P01")
    if column and column not in [n for n, _ in cat.columns(table) or []]:
        raise SqlError(f'column "{column}" of relation "{table}" does not exist', "42703")
    lit = lambda v: "NULL" if v is None else "'" + v.replace("'", "''") + "'"  # noqa: E731
    return schema.edit_schema("sixfold_comment", [
        f"UPDATE sqlite_master SET sql = pg_with_description(sql, {lit(column)}, {lit(text)}) "
        f"WHERE name = {lit(table)} AND type IN ('table', 'view')"])
