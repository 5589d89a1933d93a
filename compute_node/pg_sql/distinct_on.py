"""SELECT DISTINCT ON (keys) ... ORDER BY ... for SQLite, which has no DISTINCT ON.

sqlglot's own rewrite (a ROW_NUMBER() window, then `WHERE _row_number = 1`) loses the
ORDER BY of the result, applies LIMIT before the filtering, and with `*` returns its
`_row_number` column as one of the rows' columns: wrong rows, in the wrong order, with
an extra column. This one, on the translated tree before it is generated:

    SELECT <the columns, named as before> FROM (
        SELECT *, ROW_NUMBER() OVER (PARTITION BY _pg_k... ORDER BY _pg_o...) AS _pg_rn,
                  ROW_NUMBER() OVER (ORDER BY _pg_o...) AS _pg_ord
        FROM (SELECT <each column AS _pg_cN>, <each key AS _pg_kN>, <each order key AS _pg_oN>
              FROM ... WHERE ... GROUP BY ... HAVING ...) AS _pg_i) AS _pg_d
    WHERE _pg_rn = 1 ORDER BY _pg_ord LIMIT ... OFFSET ...

`*` and `t.*` are expanded from the schema (a table) or the subquery's own columns;
where a source cannot be listed the statement is refused (0A000).
"""

from __future__ import annotations

from sqlglot import expressions as exp

from compute_node.pg_sql import exprtypes, schema
from sixfold.errors import SqlError

_ROUNDS_MAX = 64  # nested DISTINCT ON selects rewritten, at most


def rewrite(tree: exp.Expression) -> exp.Expression:
    for _ in range(_ROUNDS_MAX):
        sel = next((s for s in tree.find_all(exp.Select) if _keys(s) is not None), None)
        if sel is None:
            return tree
        out = _rewrite_one(sel)
        if sel is tree:
            tree = out
        else:
            sel.replace(out)
    raise SqlError("DISTINCT ON nested too deeply", "54001")


def _keys(sel: exp.Select) -> list[exp.Expression] | None:
    d = sel.args.get("distinct")
    on = d.args.get("on") if isinstance(d, exp.Distinct) else None
    if on is None:
        return None
    return list(on.expressions) if isinstance(on, exp.Tuple) else [on]


def _source_columns(src: exp.Expression) -> list[str] | None:
    """The column names of a FROM source, None when they cannot be told here."""
    if isinstance(src, exp.Table) and isinstance(src.this, exp.Identifier):
        cat = schema.current()
        cols = cat.columns(src.name) if cat is not None else None
        return [n for n, _ in cols] if cols else None
    body = src.this if isinstance(src, exp.Subquery) else None
    if isinstance(body, exp.Select) and not any(isinstance(e, exp.Star) or isinstance(e, exp.Column) and
                                                isinstance(e.this, exp.Star) for e in body.expressions):
        return [e.alias_or_name for e in body.expressions]
    return None


def _projections(sel: exp.Select) -> list[tuple[str, exp.Expression]]:
    """(output name, expression) of each result column, stars expanded."""
    sources = []
    frm = sel.args.get("from_") or sel.args.get("from")
    if frm is not None:
        sources.append(frm.this)
    sources += [j.this for j in sel.args.get("joins") or []]
    out = []
    for e in sel.expressions:
        star_of = "" if isinstance(e, exp.Star) else (
            e.table if isinstance(e, exp.Column) and isinstance(e.this, exp.Star) else None)
        if star_of is None:
            out.append((e.alias_or_name, e.unalias() if isinstance(e, exp.Alias) else e))
            continue
        for src in sources:
            if star_of and src.alias_or_name != star_of:
                continue
            names = _source_columns(src)
            if names is None:
                raise SqlError("SELECT DISTINCT ON with * over this FROM is not supported: list the columns", "0A000")
            out += [(n, exp.column(exp.to_identifier(n, quoted=True), table=exp.to_identifier(src.alias_or_name)))
                    for n in names]
    return out


def _key_expression(key: exp.Expression, columns: list[tuple[str, exp.Expression]],
                    clause: str = "ORDER BY") -> exp.Expression:
    """An ORDER BY or DISTINCT ON key as an expression of the inner select: a position
    (ORDER BY 2) or an output column's name is that column's expression. PostgreSQL's
    parser folds minus signs into a number, so ((-1)) and -(-13) are positions too."""
    names = [n for n, _ in columns]
    folded = exprtypes.signed_literal(key)
    if folded is not None and folded.lstrip("-").isdigit():
        at = int(folded)
        if not 1 <= at <= len(columns):
            raise SqlError(f"{clause} position {at} is not in select list", "42P10")
        return columns[at - 1][1].copy()
    if isinstance(key, exp.Column) and not key.table and key.name in names and \
            not (isinstance(columns[names.index(key.name)][1], exp.Column) and
                 columns[names.index(key.name)][1].name == key.name):  # (`id AS k ... ORDER BY k` is id)
        return columns[names.index(key.name)][1].copy()
    return key.copy()


def _same_key(e: exp.Expression) -> str:
    """What tells two keys apart: a column by its name (t.id is id), else the expression."""
    return e.name.lower() if isinstance(e, exp.Column) else e.sql("postgres").lower()


def check(sel: exp.Select) -> None:
    """PostgreSQL's rule: with an ORDER BY, the DISTINCT ON keys must be its leading
    items (in any order among themselves), else 42P10; SQLite would keep whichever row
    the ORDER BY puts first in each group. (On the statement as written: the rewrites
    that follow change ORDER BY keys, an interval's into its span.)"""
    keys, order = _keys(sel), sel.args.get("order")
    if keys is not None and order is not None:
        _check_order(keys, [o.this for o in order.expressions], _projections(sel))


def _check_order(keys: list[exp.Expression], order: list[exp.Expression],
                 columns: list[tuple[str, exp.Expression]]) -> None:
    names = [n for n, _ in columns]

    def key(e: exp.Expression, clause: str) -> str:
        if isinstance(e, exp.Column) and not e.table and e.name in names:  # an output column's name
            return _same_key(columns[names.index(e.name)][1])
        return _same_key(_key_expression(e, columns, clause))
    wanted = {key(k, "DISTINCT ON") for k in keys}
    skipped = False
    for o in order:
        if key(o, "ORDER BY") in wanted:
            wanted.discard(key(o, "ORDER BY"))
            if skipped:
                break
        else:
            skipped = True
    else:
        if not (skipped and wanted):
            return
    raise SqlError("SELECT DISTINCT ON expressions must match initial ORDER BY expressions", "42P10")


def _rewrite_one(sel: exp.Select) -> exp.Select:
    """Three levels: the rows with their columns and keys computed (_pg_cN, _pg_kN,
    _pg_oN), then the row numbers over those, then the first row of each group in the
    result's order. Keys that are window functions or output aliases work as in
    PostgreSQL, since no window is nested in another."""
    keys = _keys(sel)
    order = sel.args.get("order")
    columns = _projections(sel)
    inner = sel.copy()
    for arg in ("distinct", "order", "limit", "offset"):
        inner.set(arg, None)
    items = [exp.alias_(e.copy(), f"_pg_c{i}") for i, (_, e) in enumerate(columns)]
    items += [exp.alias_(_key_expression(k, columns, "DISTINCT ON"), f"_pg_k{i}") for i, k in enumerate(keys)]
    ordered = []
    for i, o in enumerate(order.expressions if order is not None else []):
        items.append(exp.alias_(_key_expression(o.this, columns), f"_pg_o{i}"))
        o = o.copy()
        o.set("this", exp.column(f"_pg_o{i}"))
        ordered.append(o)
    inner.set("expressions", items)
    numbered = exp.select(exp.Star()).from_(exp.Subquery(this=inner, alias=exp.TableAlias(
        this=exp.to_identifier("_pg_i"))))
    numbered.select(exp.alias_(exp.Window(this=exp.RowNumber(), partition_by=[
        exp.column(f"_pg_k{i}") for i in range(len(keys))], order=exp.Order(
        expressions=[o.copy() for o in ordered]) if ordered else None), "_pg_rn"), copy=False)
    if ordered:
        numbered.select(exp.alias_(exp.Window(this=exp.RowNumber(), order=exp.Order(expressions=ordered)),
                                   "_pg_ord"), copy=False)
    outer = exp.select(*[exp.alias_(exp.column(f"_pg_c{i}", table="_pg_d"), exp.to_identifier(name, quoted=True))
                         for i, (name, _) in enumerate(columns)]).from_(
        exp.Subquery(this=numbered, alias=exp.TableAlias(this=exp.to_identifier("_pg_d"))))
    outer.set("where", exp.Where(this=exp.EQ(this=exp.column("_pg_rn", table="_pg_d"), expression=exp.Literal.number(1))))
    if ordered:
        outer.set("order", exp.Order(expressions=[exp.Ordered(this=exp.column("_pg_ord", table="_pg_d"))]))
    for arg in ("limit", "offset"):
        if sel.args.get(arg) is not None:
            outer.set(arg, sel.args[arg].copy())
    return outer
