"""What pg_depend records beyond a sequence's owner (catalog.py): a view or materialized
view depends on each relation its query reads, and a serial's column default on its
sequence. pg_dump orders its output by these (a view after its tables; a default that
calls nextval split from CREATE TABLE and set once the sequence exists).

PostgreSQL records a view's dependencies through its rewrite rule (pg_rewrite, which
Sixfold has none of): here the view itself depends on the relations, which gives
dependency-following tools the same order."""

from __future__ import annotations

import functools
import json

import sqlglot
from sqlglot import exp


@functools.lru_cache(maxsize=256)
def referenced_relations(query: str | None) -> str:
    """SQL function pg_referenced_relations(query as written): a JSON array of the names
    of the relations it reads (its own WITH queries excluded), as sqlite_master names
    them. '[]' when it cannot be parsed."""
    if not query:
        return "[]"
    try:
        tree = sqlglot.parse_one(query.strip().rstrip(";"), read="postgres")
    except sqlglot.errors.SqlglotError:
        return "[]"
    ctes = {c.alias_or_name.lower() for c in tree.find_all(exp.CTE)}
    names = []
    for t in tree.find_all(exp.Table):
        if not isinstance(t.this, exp.Identifier) or t.db.lower() not in ("", "public"):
            continue
        name = t.name if t.this.quoted else t.name.lower()
        if name.lower() not in ctes and name not in names:
            names.append(name)
    return json.dumps(names)
