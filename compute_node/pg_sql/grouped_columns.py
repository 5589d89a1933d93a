"""42803 for a column a grouped query shows without grouping it, as PostgreSQL refuses
it. SQLite answers such a query with the column's value from some row of the group
(`select a, b from t group by a` showed one b of each group; `select a, count(*) from t`
one a), a wrong answer where PostgreSQL says "column "t.b" must appear in the GROUP BY
clause or be used in an aggregate function".

`check(tree)` walks every SELECT that groups (GROUP BY, HAVING or an aggregate of its
own) and looks at what is evaluated per group: the select list, HAVING and ORDER BY. A
column there must be inside an aggregate's arguments, inside an expression GROUP BY
names, or belong to a table whose primary key GROUP BY names whole (PostgreSQL's
functional dependency). With ROLLUP / CUBE / GROUPING SETS a column must be in some
grouping set, and a primary key counts only when every set names it whole. The check
refuses only what it is sure of: a column it cannot place in this SELECT's own FROM (an
outer query's, a name it cannot resolve) and anything inside a subquery are left alone
(never a false 42803). A window function of a grouped query is evaluated per group: its
arguments, PARTITION BY and ORDER BY are checked like the select list.
"""

from __future__ import annotations

from sqlglot import exp

from compute_node.pg_sql import exprtypes, grouping_sets, schema
from sixfold.errors import SqlError

# Aggregates sqlglot reads as plain calls (the rest are exp.AggFunc).
_ANONYMOUS_AGGREGATES = {"jsonb_agg", "xmlagg", "range_agg", "json_agg_strict", "jsonb_agg_strict",
                         "json_object_agg_strict", "jsonb_object_agg_strict", "every"}


def _is_aggregate(e: exp.Expression) -> bool:
    return isinstance(e, (exp.AggFunc, exp.WithinGroup)) or \
        isinstance(e, exp.Anonymous) and e.name.lower() in _ANONYMOUS_AGGREGATES


def _own(sel: exp.Select, node: exp.Expression) -> bool:
    """Whether `node` is evaluated by `sel` itself (not inside one of its subqueries)."""
    return node.find_ancestor(exp.Select) is sel


def _windowed(agg: exp.Expression) -> bool:
    """Whether aggregate `agg` is a window function (sum(x) OVER ...), not the query's."""
    at = agg
    while isinstance(at.parent, (exp.Filter, exp.WithinGroup)):
        at = at.parent
    return isinstance(at.parent, exp.Window)


def _aggregates(sel: exp.Select) -> bool:
    parts = list(sel.expressions) + [sel.args.get("having"), sel.args.get("order")]
    return any(_is_aggregate(n) and _own(sel, n) and not _windowed(n)
               for p in parts if p is not None for n in p.walk())


def _sources(sel: exp.Select) -> dict[str, exp.Expression] | None:
    """This SELECT's FROM items by the name its columns use (alias or table name); None
    when one has no name to go by."""
    frm = sel.args.get("from_") or sel.args.get("from")
    items = ([frm.this] if frm is not None else []) + [j.this for j in sel.args.get("joins") or []]
    out = {}
    for item in items:
        name = item.alias_or_name
        if not name:
            return None
        out[name.lower() if not _quoted_alias(item) else name] = item
    return out


def _quoted_alias(item: exp.Expression) -> bool:
    alias = item.args.get("alias")
    ident = alias.this if isinstance(alias, exp.TableAlias) else None
    if isinstance(ident, exp.Identifier):
        return bool(ident.quoted)
    return isinstance(item, exp.Table) and isinstance(item.this, exp.Identifier) and bool(item.this.quoted)


def _table_columns(item: exp.Expression) -> list[str] | None:
    """A plain table's column names (lower case), None for anything else or unknown."""
    if not isinstance(item, exp.Table) or not isinstance(item.this, exp.Identifier) or item.args.get("db") \
            or exprtypes.cte_named(item.name, item) is not None:
        return None
    cat = schema.current()
    cols = cat.columns(item.name if not item.this.quoted else f'"{item.name}"') if cat is not None else None
    return [c[0].lower() for c in cols] if cols else None


def _source_of(col: exp.Column, sources: dict[str, exp.Expression]) -> str | None:
    """The name of the FROM item of `sel` that `col` belongs to, None when not sure."""
    qual = col.table
    if qual:
        key = qual if col.args["table"].quoted else qual.lower()
        item = sources.get(key)
        if isinstance(item, exp.Table) and isinstance(item.this, exp.Identifier) and _table_columns(item) is None:
            return None  # a catalog relation (pg_class has a primary key there) or a CTE: not sure
        return key if item is not None else None
    owners = []
    for key, item in sources.items():
        cols = _table_columns(item)
        if cols is None:
            return None  # a derived table or function: its columns are not known here
        if col.name.lower() in cols:
            owners.append(key)
    return owners[0] if len(owners) == 1 else None


def _key_text(e: exp.Expression) -> str:
    """An expression's text with its columns unqualified and no name quoted: GROUP BY t.a
    matches a and "a" (looser than PostgreSQL: a near miss is let through, never refused)."""
    bare = e.copy()
    for c in list(bare.find_all(exp.Column)):
        c.set("table", None)
    for ident in bare.find_all(exp.Identifier):
        ident.set("quoted", False)
    return bare.sql(dialect="postgres").lower()


def _group_keys(sel: exp.Select) -> tuple[list[exp.Expression], list[exp.Expression]] | None:
    """(GROUP BY's expressions, those in every grouping set): a position or a select alias
    as what it names; with ROLLUP, CUBE or GROUPING SETS the first are every set's members
    (a column in no set is ungrouped) and the second those common to all sets (only they
    make a primary key whole, as in PostgreSQL). None when a position is out of range."""
    group = sel.args.get("group")
    if group is None:
        return [], []
    items = [e.unalias() for e in sel.expressions]
    aliases = {e.alias.lower(): e.unalias() for e in sel.expressions if isinstance(e, exp.Alias)}

    def named(g: exp.Expression) -> list[exp.Expression] | None:
        while isinstance(g, exp.Paren):
            g = g.this
        if isinstance(g, exp.Literal) and not g.is_string and str(g.this).isdigit():
            n = int(g.this)
            return [items[n - 1]] if 1 <= n <= len(items) else None  # (the translation says what is wrong)
        if isinstance(g, exp.Column) and not g.table and g.name.lower() in aliases:
            return [aliases[g.name.lower()], g]  # (an input column of that name is the key in PostgreSQL: keep both)
        return [g]

    out: list[exp.Expression] = []
    common: list[exp.Expression] | None = []
    for g in group.expressions:
        if isinstance(g, (exp.Rollup, exp.Cube, exp.GroupingSets)) or grouping_sets.is_empty_set(g):
            sets = grouping_sets.expand(g)
            members = [named(m) for s in sets for m in s]
            if any(m is None for m in members):
                return None
            out += [x for m in members for x in m]
            in_all = set.intersection(*[{_key_text(m) for m in s} for s in sets]) if sets else set()
            common += [x for m in members for x in m if _key_text(x) in in_all]
            continue
        one = named(g)
        if one is None:
            return None
        out += one
        common += one
    return out, common


def _primary_key(item: exp.Expression) -> list[str] | None:
    if not isinstance(item, exp.Table) or _table_columns(item) is None:
        return None
    cat = schema.current()
    key = cat.primary_key(item.name if not item.this.quoted else f'"{item.name}"') if cat is not None else ()
    return [c.lower() for c in key] or None


def _covered_sources(keys: list[exp.Expression], sources: dict[str, exp.Expression]) -> set[str]:
    """Sources whose primary key GROUP BY names whole: every column of theirs is grouped."""
    grouped = {}
    for k in keys:
        if isinstance(k, exp.Column):
            owner = _source_of(k, sources)
            if owner is not None:
                grouped.setdefault(owner, set()).add(k.name.lower())
    out = set()
    for key, cols in grouped.items():
        pk = _primary_key(sources[key])
        if pk and set(pk) <= cols:
            out.add(key)
    return out


def _refuse(col: exp.Column, owner: str) -> None:
    raise SqlError(f'column "{owner}.{col.name}" must appear in the GROUP BY clause or be used in an '
                   "aggregate function", "42803")


def _check_select(sel: exp.Select) -> None:
    if not (sel.args.get("group") or sel.args.get("having") or _aggregates(sel)):
        return
    grouped = _group_keys(sel)
    sources = _sources(sel)
    if grouped is None or sources is None:
        return
    keys, common = grouped
    key_texts = {_key_text(k) for k in keys}
    covered = _covered_sources(common, sources)
    aliases = {e.alias.lower() for e in sel.expressions if isinstance(e, exp.Alias)}

    def visit(node: exp.Expression, in_order: bool) -> None:
        if isinstance(node, exp.Window):  # evaluated per group: its function's arguments too
            fn = node.this.this if isinstance(node.this, exp.Filter) else node.this
            for part in [*fn.iter_expressions(), *(node.args.get("partition_by") or []), node.args.get("order")]:
                if part is not None:
                    visit(part, in_order)
            return
        if isinstance(node, (exp.Subquery, exp.Select)) or _is_aggregate(node):
            return
        if isinstance(node, exp.Filter) and _is_aggregate(node.this):
            return
        if not isinstance(node, (exp.Literal, exp.Star)) and _key_text(node) in key_texts:
            return
        if isinstance(node, exp.Column):
            if isinstance(node.this, exp.Star):
                return
            if in_order and not node.table and node.name.lower() in aliases:
                return  # ORDER BY a select list's name
            owner = _source_of(node, sources)
            if owner is not None and owner not in covered:
                _refuse(node, owner)
            return
        for child in node.iter_expressions():
            visit(child, in_order)

    for e in sel.expressions:
        if isinstance(e, exp.Star):
            for key, item in sources.items():
                ungrouped = [c for c in _table_columns(item) or [] if c not in key_texts]
                if key not in covered and ungrouped:
                    _refuse(exp.column(ungrouped[0]), key)
            continue
        visit(e.unalias() if isinstance(e, exp.Alias) else e, False)
    if sel.args.get("having") is not None:
        visit(sel.args["having"].this, False)
    order = sel.args.get("order")
    for o in order.expressions if order is not None else []:
        target = o.this
        if isinstance(target, exp.Literal) and not target.is_string:
            continue  # ORDER BY 2: a select list item, checked above
        visit(target, True)


def check(tree: exp.Expression) -> None:
    """42803 for an ungrouped column of a grouped SELECT anywhere in `tree`."""
    for sel in list(tree.find_all(exp.Select)):
        _check_select(sel)
