"""FROM t TABLESAMPLE {BERNOULLI | SYSTEM} (percent) [REPEATABLE (seed)].

The sampled table becomes a derived table of the rows a per-row test keeps:
`(SELECT * FROM t WHERE pg_tablesample(percent, t.rowid [, seed])) AS t`, so the sample
is taken before any join or WHERE, as PostgreSQL takes it. Each row is kept with the
percentage's probability. SYSTEM is sampled by row too (PostgreSQL keeps or drops whole
pages, which have no counterpart here; the expected share of rows is the same).
With REPEATABLE (seed) the test is a hash of the seed and the row's id, so the same seed
gives the same rows while the table is unchanged, as PostgreSQL promises - but not the
rows PostgreSQL would pick (its choice follows its pages).

Errors as PostgreSQL's: an unknown method 42704; a NULL or out-of-range percentage 2202H, a
NULL seed 2202G; TABLESAMPLE on a subquery 42601, on a view or a WITH query 0A000.
"""

from __future__ import annotations

import hashlib
import random

import apsw
from sqlglot import exp

from compute_node.pg_sql import schema
from sixfold.errors import SqlError

_METHODS = ("bernoulli", "system")


def rewrite(tree: exp.Expression) -> None:
    """Each TABLESAMPLE of `tree` as a derived table of the sampled rows (in place)."""
    samples = list(tree.find_all(exp.TableSample))
    if not samples:
        return
    ctes = {c.alias_or_name.lower() for c in tree.find_all(exp.CTE)}
    cat = schema.current()
    views = cat.views() if cat is not None else {}
    for sample in samples:
        table = sample.parent
        if not isinstance(table, exp.Table) or not table.name:
            raise SqlError('syntax error at or near "TABLESAMPLE"', "42601")
        method = sample.args.get("method")
        name = method.name.lower() if method is not None else ""
        if name not in _METHODS:
            raise SqlError(f"tablesample method {name} does not exist", "42704")
        if table.name.lower() in ctes or table.name.lower() in views:
            raise SqlError("TABLESAMPLE clause can only be applied to tables and materialized views", "0A000")
        percent = sample.args.get("percent") or sample.args.get("size")
        if percent is None:
            raise SqlError(f"tablesample method {name} requires 1 argument, not 0", "42601")
        seed = sample.args.get("seed")
        sample.pop()
        alias = table.args.get("alias")
        bare = table.copy()
        bare.set("alias", None)
        test = exp.Anonymous(this="pg_tablesample", expressions=[
            percent.copy(), exp.column("rowid", table=bare.name, quoted=bare.this.quoted),
            *([seed.copy()] if seed is not None else [])])
        body = exp.select(exp.Star()).from_(bare).where(test)
        table.replace(exp.Subquery(this=body, alias=alias.copy() if alias is not None else exp.TableAlias(
            this=exp.to_identifier(table.name, quoted=table.this.quoted))))


def pg_tablesample(percent, rowid, *seed) -> int:
    """Whether the row `rowid` is in the sample (1) or not (0); `seed`: REPEATABLE's."""
    if percent is None:
        raise apsw.SQLError("[2202H] TABLESAMPLE parameter cannot be null")
    try:
        p = float(percent)
    except (TypeError, ValueError):
        raise apsw.SQLError(f'[22P02] invalid input syntax for type real: "{percent}"') from None
    if not 0 <= p <= 100:
        raise apsw.SQLError("[2202H] sample percentage must be between 0 and 100")
    if not seed:
        draw = random.random()
    elif seed[0] is None:
        raise apsw.SQLError("[2202G] TABLESAMPLE REPEATABLE parameter cannot be null")
    else:
        digest = hashlib.blake2b(f"{float(seed[0])}:{rowid}".encode(), digest_size=8).digest()
        draw = int.from_bytes(digest, "big") / 2**64
    return int(draw * 100 < p)


def register(conn: apsw.Connection) -> None:
    conn.create_scalar_function("pg_tablesample", pg_tablesample, 2)
    conn.create_scalar_function("pg_tablesample", pg_tablesample, 3)
