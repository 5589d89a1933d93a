"""LATERAL subqueries (SQLite has none: a subquery in FROM cannot see its siblings, but a
scalar subquery, and a subquery in its FROM, can see the outer row).

One that gives at most one row per outer row (LIMIT 0 or 1, an aggregate without GROUP
BY, no FROM and no set-returning function) becomes correlated scalar subqueries:

    select c.id, t.total from c left join lateral
        (select sum(o.amount) as total from o where o.cid = c.id) t on true

is `select c.id, (select pg_l.total from (select sum(o.amount) as total ...) pg_l) as
total from c`, each reference its own scalar subquery, typed through the projection.
LEFT JOIN keeps every outer row (NULL where ON is not true); the other joins add
`EXISTS (subquery) AND on` to the WHERE.

One that may give several rows travels as JSON: `json_array_elements((select
json_agg(json_build_array(cols)) from (subquery) pg_l))` is a set-returning function
of a correlated scalar subquery, which SQLite evaluates per outer row, and each
reference reads its element back cast to the column's type; column types JSON would not
bring back exactly (a computed numeric without a scale, bytea, arrays) are refused.

Refused (0A000): RIGHT / FULL JOIN LATERAL, a LATERAL subquery first in FROM, `*` in
its select list, `*` beside one over a source whose columns are not known here.
Pure: a rewrite of the sqlglot tree before translation.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlglot
from sqlglot import exp

from compute_node.pg_sql import char_values
from sixfold.errors import SqlError

_ROW = "pg_l"


def _refuse(why: str) -> SqlError:
    return SqlError(f"this LATERAL subquery is not supported: {why}", "0A000")


_SET_RETURNING = frozenset({"generate_series", "unnest", "json_each", "jsonb_each", "json_each_text", "jsonb_each_text",
                            "json_array_elements", "jsonb_array_elements", "json_array_elements_text",
                            "jsonb_array_elements_text", "json_object_keys", "jsonb_object_keys", "regexp_matches",
                            "regexp_split_to_table", "generate_subscripts"})


def _at_most_one_row(q: exp.Expression) -> bool:
    if not isinstance(q, exp.Select):
        return False
    if q.args.get("from_") is None:  # SELECT expressions [WHERE ...]: one row, or none
        return not any(isinstance(f, (exp.Explode, exp.Unnest, exp.GenerateSeries, exp.ExplodingGenerateSeries))
                       or isinstance(f, exp.Func) and
                       (f.sql_name().lower() in _SET_RETURNING or isinstance(f, exp.Anonymous)
                        and f.name.lower() in _SET_RETURNING) for f in q.find_all(exp.Func))
    limit = q.args.get("limit")
    n = limit.expression if isinstance(limit, exp.Limit) else None
    if isinstance(n, exp.Literal) and not n.is_string and str(n.this) in ("0", "1"):
        return True
    if q.args.get("group") is not None or q.find(exp.Window) is not None:
        return False
    return any(_own_aggregate(p) for p in q.expressions)


def _own_aggregate(e: exp.Expression) -> bool:
    """Whether `e` holds an aggregate of its own SELECT (not of a nested subquery)."""
    for agg in e.find_all(exp.AggFunc):
        if agg.find_ancestor(exp.Subquery, exp.Select) is e.find_ancestor(exp.Select):
            return True
    return False


def rewrite(tree: exp.Expression, column_name: Callable[[exp.Expression], str | None]) -> None:
    """Every one-row LATERAL subquery joined in a SELECT of `tree`, rewritten in place.
    `column_name(e)` is the name PostgreSQL gives an unaliased select-list item."""
    for sel in reversed(list(tree.find_all(exp.Select))):
        for join in list(sel.args.get("joins") or []):
            lat = join.this
            if isinstance(lat, exp.Lateral) and isinstance(lat.this, exp.Subquery):
                _rewrite_join(sel, join, column_name)
    for f in tree.find_all(exp.From):
        if isinstance(f.this, exp.Lateral) and isinstance(f.this.this, exp.Subquery):
            raise _refuse("first in FROM")


def _rewrite_join(sel: exp.Select, join: exp.Join, column_name) -> None:
    lat = join.this
    query = lat.this.this
    alias_node = lat.args.get("alias")
    if alias_node is None or not alias_node.name:
        raise _refuse("it has no alias")
    several = not _at_most_one_row(query)
    types = [_row_type(p) for p in query.expressions] if several else []
    char_ns = [char_values.char_length_of(p) for p in query.expressions]  # (read back bare: padded where shown)
    if any(isinstance(p, exp.Star) or isinstance(p, exp.Column) and isinstance(p.this, exp.Star)
           for p in query.expressions):
        raise _refuse("* in its select list")
    alias = alias_node.name
    listed = [c.name for c in alias_node.columns] if alias_node.columns else []
    query = query.copy()
    names = []
    for i, p in enumerate(query.expressions):
        name = listed[i] if i < len(listed) else (p.alias_or_name if isinstance(p, (exp.Alias, exp.Column))
                                                  else column_name(p) or "?column?")
        names.append(name)
        p.replace(exp.alias_(p.unalias().copy(), name, quoted=True))
    side = (join.args.get("side") or "").upper()
    if side in ("RIGHT", "FULL"):
        raise _refuse(f"{side} JOIN LATERAL")
    on = join.args.get("on")
    cond = None if on is None or isinstance(on, exp.Boolean) and on.this is True else on

    star_items = _star_items(sel, join, alias, names)
    if several:
        _rewrite_rows(sel, join, query, alias, names, types, char_ns, cond, star_items)
        return
    join.pop()
    others = _other_columns(sel)

    def scalar_plain(name: str) -> exp.Expression:
        return exp.Subquery(this=exp.select(exp.column(name, table=_ROW, quoted=True)).from_(
            exp.Subquery(this=query.copy(), alias=exp.TableAlias(this=exp.to_identifier(_ROW)))))

    holds = _substituted(cond.copy(), alias, names, scalar_plain, sel, others) if cond is not None else None

    def scalar(name: str) -> exp.Expression:
        if side == "LEFT" and holds is not None:
            value = exp.Case(ifs=[exp.If(this=holds.copy(), true=scalar_plain(name))])
        else:
            value = scalar_plain(name)
        return char_values.mark_char(value, char_ns[names.index(name)])

    _replace_references(sel, alias, names, scalar, others, star_items)
    if side != "LEFT":
        keep = exp.Exists(this=query.copy())
        sel.where(keep if holds is None else exp.And(this=keep, expression=holds.copy()), copy=False)


def _replace_references(sel: exp.Select, alias: str, names: list[str], value, others: set[str] | None,
                        star_items) -> None:
    """`*` and `alias.*` expanded in FROM's order, then each reference to the LATERAL
    subquery's columns replaced by `value(name)` (an unaliased `t.x` keeps its name x)."""
    for p, items in star_items:
        at = next(i for i, e in enumerate(sel.expressions) if e is p)
        sel.set("expressions", sel.expressions[:at] + items + sel.expressions[at + 1:])
    for p in list(sel.expressions):
        if isinstance(p, exp.Column) and _refers(p, sel, alias, names, others):
            p.replace(exp.Alias(this=value(p.name), alias=exp.to_identifier(p.name, quoted=True)))
    _substitute_in(sel, alias, names, value, sel, others)


def _row_type(p: exp.Expression) -> str:
    """The type a projection of a several-row LATERAL subquery is read back as (its rows
    travel as JSON arrays); refused (0A000) for types JSON would not bring back exactly."""
    from compute_node.pg_sql import exprtypes
    from compute_node.pg_sql import types as pgtypes

    k = exprtypes.kind(p)
    if k == "int":
        return {"int2": "smallint", "int4": "integer"}.get(exprtypes.int_width(p), "bigint")
    if k == "float":
        return "real" if exprtypes.oid(p) == pgtypes.FLOAT4 else "double precision"
    if k == "num" and exprtypes.scale(p) is not None:
        return f"numeric(1000, {exprtypes.scale(p)})"
    named = {"text": "text", "bool": "boolean", "date": "date", "time": "time", "timestamp": "timestamp",
             "timestamptz": "timestamptz", "interval": "interval", "uuid": "uuid", "json": "json", "jsonb": "jsonb"}
    if k not in named:
        raise _refuse(f"several rows with a column of type {exprtypes.type_label(p) or 'unknown'}")
    return named[k]


def _rewrite_rows(sel: exp.Select, join: exp.Join, query: exp.Select, alias: str, names: list[str],
                  types: list[str], char_ns: list[int | None], cond: exp.Expression | None, star_items) -> None:
    """A LATERAL subquery that may give several rows: its rows as a JSON array of arrays
    (a correlated scalar subquery may be a set-returning function's argument, which
    SQLite evaluates per outer row), read back by json_array_elements, each column
    cast to its type."""
    rows = f"pg_lateral_{alias}"
    listed = ", ".join(f'"{_ROW}"."{n}"' for n in names)
    arrays = sqlglot.parse_one(f"select json_agg(json_build_array({listed})) from (select 1) as {_ROW}",
                               read="postgres")
    arrays.args["from_"].this.set("this", query)
    arrays = exp.Subquery(this=arrays)

    def column(name: str) -> exp.Expression:
        i = names.index(name)
        read = sqlglot.parse_one(f'CAST("{rows}"."value" ->> {i} AS {types[i]})', read="postgres")
        return char_values.mark_char(read, char_ns[i])

    side = (join.args.get("side") or "").upper()
    source = exp.Table(this=exp.Anonymous(this="json_array_elements", expressions=[arrays]),
                       alias=exp.TableAlias(this=exp.to_identifier(rows)))
    at = next(i for i, j in enumerate(sel.args["joins"]) if j is join)
    join.pop()
    others = _other_columns(sel)  # (without the LATERAL source: an unqualified name may be its)
    on = _substituted(cond.copy(), alias, names, column, sel, others) if cond is not None else None
    joins = list(sel.args.get("joins") or [])
    joins.insert(at, exp.Join(this=source, side="LEFT" if side == "LEFT" else None,
                              on=on if on is not None else (exp.true() if side == "LEFT" else None)))
    sel.set("joins", joins)
    _replace_references(sel, alias, names, column, others, star_items)
    for star in list(sel.find_all(exp.Column)):  # count(t.*): the row, NULL where the join found none
        if isinstance(star.this, exp.Star) and star.table == alias and isinstance(star.parent, exp.Func):
            star.replace(exp.column("value", table=rows, quoted=True))


def _star_items(sel: exp.Select, lateral_join: exp.Join, alias: str,
                names: list[str]) -> list[tuple[exp.Expression, list[exp.Expression]]]:
    """Each `*` or `alias.*` of `sel`'s select list with the columns it stands for (the
    LATERAL subquery's as `alias.name`, substituted afterwards); refused (0A000) when a
    source's columns are not known."""
    out = []
    for p in sel.expressions:
        if isinstance(p, exp.Column) and isinstance(p.this, exp.Star) and p.table == alias:
            out.append((p, [exp.column(n, table=alias, quoted=True) for n in names]))
        elif isinstance(p, exp.Star):
            items: list[exp.Expression] = []
            for s in [sel.args.get("from_")] + list(sel.args.get("joins") or []):
                src = s.this if s is not None else None
                if s is lateral_join:
                    items += [exp.column(n, table=alias, quoted=True) for n in names]
                    continue
                cols = _source_columns(src)
                if cols is None:
                    raise _refuse("* beside it, with a source whose columns are not known here")
                items += cols
            out.append((p, items))
    return out


def _source_columns(src: exp.Expression | None) -> list[exp.Expression] | None:
    """The columns `*` gives of one FROM source (None when not known here)."""
    from compute_node.pg_sql import schema

    if isinstance(src, exp.Table) and isinstance(src.this, exp.Identifier) and schema.current() is not None:
        cols = schema.current().columns(src.name)
        return [exp.column(n, table=src.alias_or_name, quoted=True) for n, _ in cols] if cols else None
    body = src.this if isinstance(src, exp.Subquery) else src.this.this if isinstance(src, exp.Lateral) and \
        isinstance(src.this, exp.Subquery) else None
    if isinstance(body, exp.Select) and not any(isinstance(p, exp.Star) or p.find(exp.Star) for p in body.expressions):
        alias = src.alias_or_name
        listed = src.args["alias"].columns if src.args.get("alias") is not None else []
        names = [c.name for c in listed] or [p.alias_or_name for p in body.expressions]
        return [exp.column(n, table=alias, quoted=True) for n in names]
    return None


def _other_columns(sel: exp.Select) -> set[str] | None:
    """The column names of `sel`'s other sources (None when one of them is not known:
    an unqualified name is then left to them)."""
    from compute_node.pg_sql import schema

    out: set[str] = set()
    sources = [sel.args.get("from_")] + list(sel.args.get("joins") or [])
    for s in sources:
        src = s.this if s is not None else None
        if isinstance(src, exp.Table) and isinstance(src.this, exp.Identifier) and schema.current() is not None:
            cols = schema.current().columns(src.name)
            if not cols:
                return None
            out |= {n.lower() for n, _ in cols}
        elif isinstance(src, exp.Subquery) and isinstance(src.this, exp.Select):
            out |= {p.alias_or_name.lower() for p in src.this.expressions}
        elif src is not None:
            return None
    return out


def _refers(col: exp.Column, sel: exp.Select, alias: str, names: list[str], others: set[str] | None) -> bool:
    """Whether `col` (in `sel`) names a column of the LATERAL subquery `alias`."""
    if col.name not in names:
        return False
    if col.table:
        return col.table == alias
    return others is not None and col.name.lower() not in others and col.find_ancestor(exp.Select) is sel


def _substituted(e: exp.Expression, alias: str, names: list[str], scalar, sel: exp.Select,
                 others: set[str] | None) -> exp.Expression:
    holder = exp.Paren(this=e)
    sel.append("expressions", holder)  # in the SELECT while unqualified names are resolved
    try:
        _substitute_in(holder, alias, names, scalar, sel, others)
    finally:
        holder.pop()
    return holder.this


def _substitute_in(root: exp.Expression, alias: str, names: list[str], scalar, sel: exp.Select,
                   others: set[str] | None) -> None:
    for col in list(root.find_all(exp.Column)):
        if _refers(col, sel, alias, names, others) and not _shadowed(col, root, alias):
            col.replace(scalar(col.name))


def _shadowed(col: exp.Column, root: exp.Expression, alias: str) -> bool:
    """Whether a SELECT between `col` and `root` has its own source named `alias`."""
    node = col.parent
    while node is not None and node is not root:
        if isinstance(node, exp.Select):
            sources = [node.args.get("from_")] + list(node.args.get("joins") or [])
            if any(s is not None and s.this is not None and s.this.alias_or_name == alias for s in sources):
                return True
        node = node.parent
    return False
