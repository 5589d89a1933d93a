"""Enum types: CREATE TYPE name AS ENUM ('a', 'b'), its columns, ALTER TYPE ... ADD VALUE.

A type's labels live in one token, `pg_enum:<name>:<count>:<label>,<label>...` (each part
percent-encoded, so the token is safe inside a quoted identifier and a string literal):

- the type itself is a view `"sqlite_enum:<name>"` whose CREATE text holds the token in
  a comment (SQLite reserves `sqlite_` names, so the catalog's filters of internal
  objects hide it; it is made under writable_schema, and dropped by deleting its row,
  as SQLite drops no `sqlite_` object: a view has no pages to free);
- a column of the type is declared `name COLLATE "<token>"`: SQLite compares, sorts,
  indexes, min/max's the column by the labels' order, not alphabetically, with the
  collation this module registers on demand (`collation_needed`) from the name alone;
- its triggers check each value written against the token (22P02 for another label).

ALTER TYPE ... ADD VALUE rewrites the token wherever sqlite_master holds it (the type,
its columns, their triggers) under writable_schema and bumps the schema version, so
every connection reloads the new order. Values are stored as their labels.
"""

from __future__ import annotations

import re
from urllib.parse import quote, unquote

import apsw

from compute_node.pg_sql import schema
from compute_node.pg_sql import types as pgtypes
from compute_node.pg_sql.lexing import error_near, object_name, split_top_level, sql_string as _quoted
from compute_node.pg_sql.statement import Statement
from sixfold.errors import SqlError

HOLDER_PREFIX = "sqlite_enum:"
TOKEN_PREFIX = "pg_enum:"
# pg_type's OIDs of enum types: this + the holder's sqlite_master rowid.
ENUM_OID_BASE = 600_000
LABEL_BYTES_MAX = 63  # NAMEDATALEN - 1, as PostgreSQL
_TOKEN = re.compile(r"/\*(pg_enum:[^*]*)\*/")
_LABEL = re.compile(r"^'((?:[^']|'')*)'$", re.DOTALL)
_NAME = r'("(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*)'
_CREATE = re.compile(rf"\s*type\s+(?:\"?public\"?\.)?{_NAME}\s+as\s+enum\s*\((.*)\)\s*$", re.IGNORECASE | re.DOTALL)
_ADD = re.compile(rf"\s*type\s+(?:\"?public\"?\.)?{_NAME}\s+add\s+value\s+(if\s+not\s+exists\s+)?('(?:[^']|'')*')"
                  r"(?:\s+(before|after)\s+('(?:[^']|'')*'))?\s*$", re.IGNORECASE | re.DOTALL)
_OWNER = re.compile(rf"\s*type\s+(?:\"?public\"?\.)?{_NAME}\s+owner\s+to\s+\S+\s*$", re.IGNORECASE)
_DROP = re.compile(r"\s*type\s+(if\s+exists\s+)?(.+?)(\s+(cascade|restrict))?\s*$", re.IGNORECASE | re.DOTALL)


# --- the token -----------------------------------------------------------------------------------
def encode(name: str, labels: list[str]) -> str:
    """The token: the count says whether an empty list or one empty label ('' is one)."""
    return (f"{TOKEN_PREFIX}{quote(name, safe='')}:{len(labels)}:"
            + ",".join(quote(label, safe="") for label in labels))


def decode(token: str) -> tuple[str, list[str]]:
    assert token.startswith(TOKEN_PREFIX), token
    name, count, rest = token[len(TOKEN_PREFIX):].split(":", 2)
    labels = [unquote(p) for p in rest.split(",")] if int(count) else []
    assert len(labels) == int(count), token
    return unquote(name), labels


def token_in(create_sql: str | None) -> str | None:
    """The token a holder's (or a column's) CREATE text carries."""
    m = _TOKEN.search(create_sql or "")
    return m.group(1) if m else None


def _label(literal: str) -> str:
    m = _LABEL.match(literal.strip())
    if not m:
        raise error_near(literal.strip()[:20] or ")")
    label = m.group(1).replace("''", "'")
    if len(label.encode()) > LABEL_BYTES_MAX:
        raise SqlError(f'invalid enum label "{label}": labels must be {LABEL_BYTES_MAX} bytes or less', "42602")
    return label


def _holder_sql(token: str) -> str:
    name, _ = decode(token)
    return f'"{HOLDER_PREFIX}{name.replace(chr(34), chr(34) * 2)}"'



# --- what the catalog knows ------------------------------------------------------------------------
_BUILT_IN_TYPE_NAMES = frozenset({*pgtypes.TYPE_OIDS, "serial", "bigserial", "smallserial", "serial4", "serial8",
                                   "serial2", "char", "character", "varchar", "citext", "integer", "int", "int2",
                                   "int4", "int8", "float", "decimal", "numeric", "real", "text", "boolean"})


def _unqualified(type_text: str) -> str:
    return re.sub(r'^\s*"?public"?\.', "", type_text.strip())


def token_of_type(type_text: str | None) -> str | None:
    """The token of the enum type a column is declared with, None when it is no enum type
    (or no schema is at hand)."""
    cat = schema.current()
    type_text = _unqualified(pgtypes.unmarked(type_text)) if type_text else type_text
    if cat is None or not type_text or type_text.strip().lower() in _BUILT_IN_TYPE_NAMES or \
            not re.fullmatch(r'[A-Za-z_][A-Za-z0-9_$]*|"(?:[^"]|"")+"', type_text.strip()):
        return None
    rows = cat.rows("SELECT sql FROM sqlite_master WHERE type = 'view' AND name = ?",
                    (HOLDER_PREFIX + object_name(type_text.strip()),))
    return token_in(rows[0][0]) if rows else None


def column_token(table: str, column: str) -> str | None:
    """The token of a table column's enum type, when it has one."""
    cat = schema.current()
    if cat is None:
        return None
    for name, decl in cat.columns(table) or ():
        if name.lower() == column.lower():
            return token_of_type(decl)
    return None


# --- statements -----------------------------------------------------------------------------------
def create_type(rest: str) -> Statement:
    m = _CREATE.match(rest)
    if not m:
        raise SqlError("only CREATE TYPE name AS ENUM (...) is supported", "0A000")
    name = object_name(m.group(1))
    body = m.group(2).strip()
    labels = [_label(p) for p in split_top_level(body)] if body else []
    seen: set[str] = set()
    for label in labels:
        if label in seen:
            raise SqlError('duplicate key value violates unique constraint "pg_enum_typid_label_index"', "23505")
        seen.add(label)
    cat = schema.current()
    if cat is not None and cat.rows("SELECT 1 FROM sqlite_master WHERE name IN (?, ?) AND type IN ('table', 'view')",
                                    (HOLDER_PREFIX + name, name)):  # a table's name is its row type's too
        raise SqlError(f'type "{name}" already exists', "42710")
    token = encode(name, labels)
    return Statement(kind="sql", tag="CREATE TYPE", sqlite=tuple(schema.edit_schema("sixfold_enum", [
        f"CREATE VIEW IF NOT EXISTS {_holder_sql(token)} AS SELECT /*{token}*/ NULL AS label"], bump=False)))


def drop_type(rest: str) -> list[Statement]:
    m = _DROP.match(rest)
    if not m:
        raise error_near("TYPE")
    cat = schema.current()
    out = []
    for word in split_top_level(m.group(2)):
        name = object_name(_unqualified(word))
        token = token_of_type(word)
        if token is None:
            if m.group(1):
                out.append(Statement(kind="noop", tag="DROP TYPE",
                                     notice=("00000", f'type "{name}" does not exist, skipping')))
                continue
            raise SqlError(f'type "{name}" does not exist', "42704")
        users = cat.rows(
            "SELECT m.name, p.name FROM sqlite_master m, pragma_table_info(m.name) p WHERE m.type = 'table' "
            "AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND lower(p.type) IN (?, ?)",
            (name, pgtypes.mark(name))) if cat else []
        if users:
            detail = "; ".join(f"column {c} of table {t} depends on type {name}" for t, c in users)
            raise SqlError(f"cannot drop type {name} because other objects depend on it ({detail})"
                           + (": DROP TYPE ... CASCADE is not supported" if m.group(4) else ""),
                           "0A000" if m.group(4) else "2BP01")
        # SQLite drops no sqlite_ object: its row goes (a view has no pages to free)
        out.append(Statement(kind="sql", tag="DROP TYPE", sqlite=tuple(schema.edit_schema("sixfold_enum", [
            f"DELETE FROM sqlite_master WHERE type = 'view' AND name = {_quoted(HOLDER_PREFIX + name)}"]))))
    return out


def alter_type(rest: str) -> Statement:
    if _OWNER.match(rest):
        return Statement(kind="noop", tag="ALTER TYPE")
    m = _ADD.match(rest)
    if not m:
        raise SqlError("only ALTER TYPE name ADD VALUE [IF NOT EXISTS] 'label' [BEFORE | AFTER 'label'] is "
                       "supported", "0A000")
    name = object_name(m.group(1))
    token = token_of_type(m.group(1))
    if token is None:
        raise SqlError(f'type "{name}" does not exist', "42704")
    _, labels = decode(token)
    new = _label(m.group(3))
    if new in labels:
        if m.group(2):
            return Statement(kind="noop", tag="ALTER TYPE",
                             notice=("42710", f'enum label "{new}" already exists, skipping'))
        raise SqlError(f'enum label "{new}" already exists', "42710")
    at = len(labels)
    if m.group(4):
        neighbor = _label(m.group(5))
        if neighbor not in labels:
            raise SqlError(f'"{neighbor}" is not an existing enum label', "22023")
        at = labels.index(neighbor) + (1 if m.group(4).lower() == "after" else 0)
    new_token = encode(name, labels[:at] + [new] + labels[at:])
    return Statement(kind="sql", tag="ALTER TYPE", sqlite=tuple(schema.edit_schema("sixfold_enum", [
        f"UPDATE sqlite_master SET sql = replace(sql, '{token}', '{new_token}') WHERE instr(sql, '{token}') > 0"])))


# --- columns -----------------------------------------------------------------------------------------
def column_collation(token: str) -> str:
    return f'COLLATE "{token}"'


def triggers(table: str, column: str, token: str, names: dict[str, str], if_not_exists: bool) -> list[str]:
    """BEFORE INSERT and UPDATE triggers that refuse a value that is no label (22P02);
    `names`: the trigger name per event ('i', 'u')."""
    ifne = "IF NOT EXISTS " if if_not_exists else ""
    return [f"CREATE TRIGGER {ifne}{names[event]} BEFORE {on} ON {table} FOR EACH ROW "
            f"WHEN NEW.{column} IS NOT NULL BEGIN SELECT pg_enum_in('{token}', NEW.{column}); END"
            for event, on in (("i", "INSERT"), ("u", f"UPDATE OF {column}"))]


def check_literal(token: str, text: str) -> None:
    """'text' read as a value of the type: 22P02 unless it is one of its labels."""
    name, labels = decode(token)
    if text not in labels:
        raise SqlError(f'invalid input value for enum {name}: "{text}"', "22P02")


# --- SQLite functions and collations ---------------------------------------------------------------
def _enum_in(token, value):
    if value is None:
        return None
    name, labels = decode(str(token))
    if str(value) not in labels:
        raise apsw.SQLError(f'[22P02] invalid input value for enum {name}: "{value}"')
    return value


def _pick(token, mode, *values):
    """greatest ('g') or least ('l') of enum values by the labels' order; NULLs left out."""
    labels = decode(str(token))[1]
    present = [v for v in values if v is not None]
    if not present:
        return None
    rank = {label: i for i, label in enumerate(labels)}
    key = lambda v: rank.get(str(v), len(labels))  # noqa: E731
    return max(present, key=key) if mode == "g" else min(present, key=key)


def _range(token, low, high):
    """enum_range(low, high): the labels from low to high as an array's text (a NULL bound
    is the first or last label; low after high gives an empty array)."""
    from compute_node.pg_sql import arrays

    labels = decode(str(token))[1]
    for v in (low, high):
        if v is not None and str(v) not in labels:
            raise apsw.SQLError(f'[22P02] invalid input value for enum {decode(str(token))[0]}: "{v}"')
    start = labels.index(str(low)) if low is not None else 0
    end = labels.index(str(high)) if high is not None else len(labels) - 1
    return arrays.format_array(labels[start:end + 1])


def _labels_json(sql):
    """A holder's labels, in order, as a JSON array (for pg_enum)."""
    import json

    token = token_in(sql)
    return json.dumps(decode(token)[1]) if token else "[]"


def _collation(token: str):
    _, labels = decode(token)
    order = {label: i for i, label in enumerate(labels)}
    past = len(labels)

    def compare(a: str, b: str) -> int:
        ka, kb = (order.get(a, past), a), (order.get(b, past), b)
        return (ka > kb) - (ka < kb)
    return compare


def _collation_needed(conn: apsw.Connection, name: str) -> None:
    if name.startswith(TOKEN_PREFIX):
        conn.create_collation(name, _collation(name))


def register(conn: apsw.Connection) -> None:
    conn.collation_needed(_collation_needed)
    conn.create_scalar_function("pg_enum_in", _enum_in, 2, deterministic=True)
    conn.create_scalar_function("pg_enum_labels", _labels_json, 1, deterministic=True)
    conn.create_scalar_function("pg_enum_pick", _pick, -1, deterministic=True)
    conn.create_scalar_function("pg_enum_range", _range, 3, deterministic=True)


# Catalog rows (SQLite SELECTs over sqlite_master) for pg_type and pg_enum.
PG_TYPE_ROWS = (f"SELECT {ENUM_OID_BASE} + m.rowid AS oid, substr(m.name, {len(HOLDER_PREFIX) + 1}) AS typname, "
                "2200 AS typnamespace, 10 AS typowner, 4 AS typlen, 1 AS typbyval, 'e' AS typtype, "
                "'E' AS typcategory, 0 AS typispreferred, 1 AS typisdefined, ',' AS typdelim, 0 AS typrelid, "
                "0 AS typelem, 0 AS typarray, 'enum_in' AS typinput, 'enum_out' AS typoutput, "
                "'enum_recv' AS typreceive, 'enum_send' AS typsend, 'i' AS typalign, 'p' AS typstorage, "
                "0 AS typnotnull, 0 AS typbasetype, -1 AS typtypmod, 0 AS typndims, 0 AS typcollation, "
                "NULL AS typdefault, NULL AS typacl, NULL AS typdefaultbin "
                f"FROM sqlite_master m WHERE m.type = 'view' AND m.name LIKE '{HOLDER_PREFIX}%'")
PG_ENUM = (f"SELECT {ENUM_OID_BASE} * 10 + m.rowid * 1000 + l.key AS oid, {ENUM_OID_BASE} + m.rowid AS enumtypid, "
           "l.key + 1 AS enumsortorder, l.value AS enumlabel FROM sqlite_master m, json_each(pg_enum_labels(m.sql)) l "
           f"WHERE m.type = 'view' AND m.name LIKE '{HOLDER_PREFIX}%'")


def format_type(call):
    """format_type(oid, typmod) in a catalog query: an enum type's or a domain's name from
    its holder's row, else the built-in type's (the SQLite function)."""
    import sqlglot
    from sqlglot import expressions as exp

    oid = call.expressions[0]
    sub = sqlglot.parse_one(f"SELECT substr(e.name, {len(HOLDER_PREFIX) + 1}) FROM sqlite_master e WHERE e.type = "
                            f"'view' AND e.rowid = :x - {ENUM_OID_BASE} AND e.name LIKE '{HOLDER_PREFIX}%'",
                            read="sqlite")
    sub.find(exp.Placeholder).replace(oid.copy())
    from compute_node.pg_sql import domains

    domain = sqlglot.parse_one(f"SELECT substr(d.name, {len(domains.HOLDER_PREFIX) + 1}) FROM sqlite_master d "
                               f"WHERE d.type = 'view' AND d.rowid = :x - {domains.DOMAIN_OID_BASE} "
                               f"AND d.name LIKE '{domains.HOLDER_PREFIX}%'", read="sqlite")
    domain.find(exp.Placeholder).replace(oid.copy())
    builtin = exp.Anonymous(this="pg_builtin_format_type", expressions=[e.copy() for e in call.expressions])
    return exp.Coalesce(this=exp.Subquery(this=sub), expressions=[exp.Subquery(this=domain), builtin])
