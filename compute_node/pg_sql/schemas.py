"""The one schema, public: CREATE SCHEMA and DROP SCHEMA of it.

Sixfold keeps every object in public (other schemas are refused, 0A000). Tools still
create and drop public: Prisma writes `CREATE SCHEMA IF NOT EXISTS "public"`, and the
usual way to empty a database, `DROP SCHEMA public CASCADE; CREATE SCHEMA public;`, is
what `prisma migrate reset` and many test setups send.

DROP SCHEMA public CASCADE drops every user object in one transaction: the triggers first
(a trigger's body may name a table dropped before its own), then views, then tables with
a table referring to another dropped before it (foreign keys deferred for cycles), then
the hidden views that keep types, domains and functions. It leaves a hidden marker view; CREATE
SCHEMA public removes it. Without CASCADE, a schema with objects is 2BP01.
"""

from __future__ import annotations

import re

from compute_node.pg_sql import schema
from compute_node.pg_sql.lexing import error_near, object_name, split_top_level, quoted_ident as _ident
from compute_node.pg_sql.statement import Statement
from sixfold.errors import SqlError

DROPPED_MARKER = "sqlite_schema_dropped:public"
# public made again after a DROP: as PostgreSQL's, it has no comment and no ACL of its own
RECREATED_MARKER = "sqlite_schema_recreated:public"
_CREATE = re.compile(r'\s*schema\s+(if\s+not\s+exists\s+)?("(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*)'
                     r"(?:\s+authorization\s+\S+)?\s*$", re.IGNORECASE)
_DROP = re.compile(r"\s*schema\s+(if\s+exists\s+)?(.+?)(\s+(cascade|restrict))?\s*$", re.IGNORECASE | re.DOTALL)



def _dropped() -> bool:
    cat = schema.current()
    return bool(cat and cat.rows("SELECT 1 FROM sqlite_master WHERE type = 'view' AND name = ?", (DROPPED_MARKER,)))


def _version() -> int:
    return schema.current().rows("PRAGMA schema_version")[0][0]


def create(rest: str) -> Statement:
    m = _CREATE.match(rest)
    if not m:
        if re.match(r"\s*schema\b", rest, re.IGNORECASE):
            raise SqlError("CREATE SCHEMA with schema elements is not supported", "0A000")
        raise error_near("CREATE")
    name = object_name(m.group(2))
    if name != "public":
        raise SqlError(f'schemas other than public are not supported (CREATE SCHEMA "{name}")', "0A000")
    if _dropped():
        return Statement(kind="sql", tag="CREATE SCHEMA", sqlite=(
            "PRAGMA writable_schema=ON", f"DELETE FROM sqlite_master WHERE type = 'view' AND name = '{DROPPED_MARKER}'",
            f"CREATE VIEW IF NOT EXISTS \"{RECREATED_MARKER}\" AS SELECT NULL AS recreated",
            "PRAGMA writable_schema=OFF", f"PRAGMA schema_version = {_version() + 2}"))
    if m.group(1):
        return Statement(kind="noop", tag="CREATE SCHEMA", notice=("42P06", 'schema "public" already exists, skipping'))
    raise SqlError('schema "public" already exists', "42P06")


def _shown(kind: str, name: str) -> str:
    """An object as PostgreSQL's notices name it: `table t`, `type status` (an enum's or a
    domain's holder), `function f` (a function's)."""
    for prefix, what in (("sqlite_enum:", "type"), ("sqlite_domain:", "type"), ("sqlite_func:", "function")):
        if name.startswith(prefix):
            return f"{what} {name[len(prefix):]}"
    return f"{kind} {name}"


def _tables_children_first(tables: list[str]) -> list[str]:
    """Tables ordered so that one referring to another (a foreign key) comes before it."""
    cat = schema.current()
    refers = {t: {r[0] for r in cat.rows('SELECT "table" FROM pragma_foreign_key_list(?)', (t,))} & set(tables) - {t}
              for t in tables}
    out: list[str] = []
    placed: set[str] = set()
    while len(out) < len(tables):
        ready = [t for t in tables if t not in placed and not any(
            t in refers[c] for c in tables if c not in placed and c != t)]
        if not ready:  # a cycle: deferred foreign keys let the rest go in any order
            ready = [t for t in tables if t not in placed]
        for t in ready:
            out.append(t)
            placed.add(t)
    return out


def drop(rest: str) -> list[Statement]:
    m = _DROP.match(rest)
    if not m:
        raise error_near("DROP")
    out = []
    for word in split_top_level(m.group(2)):
        name = object_name(word.strip())
        if name != "public" or _dropped():
            if m.group(1):
                out.append(Statement(kind="noop", tag="DROP SCHEMA",
                                     notice=("00000", f'schema "{name}" does not exist, skipping')))
                continue
            raise SqlError(f'schema "{name}" does not exist', "3F000")
        cat = schema.current()
        objects = cat.rows("SELECT type, name FROM sqlite_master WHERE NOT pg_hidden_object(name) "
                           "AND type IN ('table', 'view') UNION ALL SELECT type, name FROM sqlite_master "
                           "WHERE type = 'view' AND (name LIKE 'sqlite\\_enum:%' ESCAPE '\\' "
                           "OR name LIKE 'sqlite\\_func:%' ESCAPE '\\' OR name LIKE 'sqlite\\_domain:%' ESCAPE '\\')")
        if objects and (m.group(4) or "").lower() != "cascade":
            raise SqlError("cannot drop schema public because other objects depend on it", "2BP01")
        triggers = [r[0] for r in cat.rows("SELECT name FROM sqlite_master WHERE type = 'trigger'")]
        views = [n for t, n in objects if t == "view" and not n.startswith("sqlite_")]
        tables = _tables_children_first([n for t, n in objects if t == "table"])
        holders = [n for t, n in objects if n.startswith("sqlite_")]
        sql = ["PRAGMA defer_foreign_keys = ON", *[f"DROP TRIGGER IF EXISTS {_ident(n)}" for n in triggers],
               *[f"DROP VIEW {_ident(n)}" for n in views], *[f"DROP TABLE {_ident(n)}" for n in tables],
               "PRAGMA writable_schema=ON",
               *[f"DELETE FROM sqlite_master WHERE type = 'view' AND name = '{n.replace(chr(39), chr(39) * 2)}'"
                 for n in holders],
               f"CREATE VIEW IF NOT EXISTS \"{DROPPED_MARKER}\" AS SELECT NULL AS dropped",
               "PRAGMA writable_schema=OFF", f"PRAGMA schema_version = {_version() + len(triggers) + len(views) + len(tables) + 2}"]
        notice = ("00000", f"drop cascades to {len(objects)} other objects") if len(objects) > 1 else \
            ("00000", "drop cascades to " + _shown(*objects[0])) if objects else None
        out.append(Statement(kind="sql", tag="DROP SCHEMA", sqlite=tuple(sql), notice=notice))
    return out
