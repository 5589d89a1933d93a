"""pg_get_indexdef's text of an index, from the CREATE INDEX SQLite keeps. Pure.

PostgreSQL prints an index's definition in its own form: `CREATE UNIQUE INDEX name ON
public.t USING btree (a, b DESC)`, identifiers quoted only where they must be. Sixfold
stores the index as SQLite's statement (or, for a primary key or UNIQUE constraint, no
statement at all: SQLite's own index). An expression or partial index is refused
(0A000): its expression would have to be printed as PostgreSQL deparses it."""

from __future__ import annotations

import sqlglot
from sqlglot import exp

from compute_node.pg_sql.more_functions import quote_ident
from compute_node.pg_sql.values import InputError


def definition(sql: str | None, name: str, table: str, columns: str | None) -> str:
    """The definition of index `name` on `table`: from its CREATE INDEX `sql`, or (a key's
    own index, `sql` None) from its `columns` (comma-separated)."""
    if sql is None:
        keys = [quote_ident(c.strip()) for c in (columns or "").split(",") if c.strip()]
        return f"CREATE UNIQUE INDEX {quote_ident(name)} ON public.{quote_ident(table)} USING btree ({', '.join(keys)})"
    try:
        tree = sqlglot.parse_one(sql, read="sqlite")
    except sqlglot.errors.ParseError:
        raise InputError("0A000", f'the definition of index "{name}" cannot be shown') from None
    index = tree.this if isinstance(tree, exp.Create) else None
    params = index.args.get("params") if isinstance(index, exp.Index) else None
    if params is None or params.args.get("where") is not None:
        raise InputError("0A000", f'pg_get_indexdef of the partial index "{name}" is not supported')
    keys = []
    for col in params.args.get("columns") or []:
        ordered = col if isinstance(col, exp.Ordered) else exp.Ordered(this=col)
        if not isinstance(ordered.this, exp.Column):
            raise InputError("0A000", f'pg_get_indexdef of the expression index "{name}" is not supported')
        keys.append(quote_ident(ordered.this.name) + (" DESC" if ordered.args.get("desc") else ""))
    head = "CREATE UNIQUE INDEX" if tree.args.get("unique") else "CREATE INDEX"
    return f"{head} {quote_ident(name)} ON public.{quote_ident(table)} USING btree ({', '.join(keys)})"
