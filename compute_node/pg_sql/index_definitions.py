"""pg_get_indexdef's text of an index, from the CREATE INDEX SQLite keeps. Pure.

PostgreSQL prints an index's definition in its own form: `CREATE UNIQUE INDEX name ON
public.t USING btree (a, b DESC)`, identifiers quoted only where they must be. Sixfold
stores the index as SQLite's statement (or, for a primary key or UNIQUE constraint, no
statement at all: SQLite's own index). An expression or partial index prints its keys and
WHERE as CREATE INDEX was given them (kept in a comment); one made before they were kept,
or whose columns were renamed since, is refused (0A000)."""

from __future__ import annotations

import base64
import json
import re

import sqlglot
from sqlglot import exp

from compute_node.pg_sql.more_functions import quote_ident
from compute_node.pg_sql.values import InputError


_WRITTEN = re.compile(r"/\*pgindex:([A-Za-z0-9+/=]*)\*/")
_KEYS_AT = re.compile(r'\bON\s+(?:"(?:[^"]|"")+"|[^\s(]+)\s*(?:/\*using \w+\*/\s*)?\(', re.IGNORECASE)
_METHOD = re.compile(r"/\*using (\w+)\*/")


def written_comment(keys: str, where: str | None, sqlite_keys: str) -> str:
    """The comment CREATE INDEX keeps in SQLite's statement: its keys and WHERE as written
    (PostgreSQL's text), and SQLite's text of them then, which tells whether a column
    renamed since has made them stale (base64: no text can end the comment)."""
    kept = {"keys": " ".join(keys.split()), "where": " ".join(where.split()) if where else None,
            "sqlite": sqlite_keys}
    return "/*pgindex:" + base64.b64encode(json.dumps(kept).encode()).decode() + "*/"


def _written(sql: str) -> dict | None:
    """The keys and WHERE CREATE INDEX was given, None when not kept (an index of an
    earlier Sixfold) or stale (SQLite's text of them is not what it was)."""
    m = _WRITTEN.search(sql)
    at = _KEYS_AT.search(sql, m.end()) if m else None
    if at is None:
        return None
    kept = json.loads(base64.b64decode(m.group(1)))
    return kept if sql[at.end() - 1:] == kept["sqlite"] else None


def definition(sql: str | None, name: str, table: str, columns: str | None) -> str:
    """The definition of index `name` on `table`: from its CREATE INDEX `sql`, or (a key's
    own index, `sql` None) from its `columns` (comma-separated). An expression or partial
    index prints its keys and WHERE as they were written (PostgreSQL prints its own deparse
    of them), or is refused when they were not kept."""
    if sql is None:
        keys = [quote_ident(c.strip()) for c in (columns or "").split(",") if c.strip()]
        return f"CREATE UNIQUE INDEX {quote_ident(name)} ON public.{quote_ident(table)} USING btree ({', '.join(keys)})"
    try:
        tree = sqlglot.parse_one(sql, read="sqlite")
    except sqlglot.errors.ParseError:
        raise InputError("0A000", f'the definition of index "{name}" cannot be shown') from None
    index = tree.this if isinstance(tree, exp.Create) else None
    params = index.args.get("params") if isinstance(index, exp.Index) else None
    method = _METHOD.search(sql)
    head = (f"{'CREATE UNIQUE INDEX' if tree.args.get('unique') else 'CREATE INDEX'} {quote_ident(name)} "
            f"ON public.{quote_ident(table)} USING {method.group(1) if method else 'btree'}")
    keys = []
    for col in (params.args.get("columns") or []) if params is not None else []:
        ordered = col if isinstance(col, exp.Ordered) else exp.Ordered(this=col)
        if not isinstance(ordered.this, exp.Column):
            keys = None
            break
        keys.append(quote_ident(ordered.this.name) + (" DESC" if ordered.args.get("desc") else ""))
    if params is not None and keys is not None and params.args.get("where") is None:
        return f"{head} ({', '.join(keys)})"
    written = _written(sql)
    if written is not None:
        return f"{head} ({written['keys']})" + (f" WHERE {written['where']}" if written["where"] else "")
    if params is None or params.args.get("where") is not None:
        raise InputError("0A000", f'pg_get_indexdef of the partial index "{name}" is not supported')
    raise InputError("0A000", f'pg_get_indexdef of the expression index "{name}" is not supported')


def listed_definition(sql: str | None, name: str, table: str, columns: str | None) -> str:
    """pg_indexes.indexdef: the definition, or, for an index whose keys were not kept (an
    expression or partial index of an earlier Sixfold), SQLite's CREATE INDEX, so that the
    view lists every index rather than failing."""
    try:
        return definition(sql, name, table, columns)
    except InputError:
        return _WRITTEN.sub("", sql or "").replace("  ", " ")
