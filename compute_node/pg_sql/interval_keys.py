"""Intervals grouped, deduplicated and matched as PostgreSQL compares them. Pure (a
rewrite of sqlglot trees).

PostgreSQL's intervals are equal when they span the same time with a month as 30 days
and a day as 24 hours: '1 day' = '24:00:00', '1 mon' = '30 days'. Sixfold stores an
interval as its text, so wherever SQLite itself compares values rather than the
translator's comparison functions, equal intervals in different forms were different:
GROUP BY, DISTINCT, count(DISTINCT ...), PARTITION BY, IN (...), IN (subquery), op ANY /
ALL (ARRAY[...] or a subquery), = between two ARRAY[...] of intervals.
`rewrite(tree, result_column)` puts `pg_interval_key(x)` (the interval's span, what
ORDER BY already sorts on) in those places; a statement's own UNION is grouped and
sorted by span in set_operations.py, any other set operation over an interval column
counted by span in intersect_except.py. What none can rewrite is refused (0A000):
DISTINCT with GROUP BY or aggregates, DISTINCT aggregates other than count, and JOIN ...
USING an interval column.

A group shows one of its members, as PostgreSQL's does (which one is the plan's choice
in both).
"""

from __future__ import annotations

from collections.abc import Callable

from sqlglot import exp

from compute_node.pg_sql import exprtypes
from sixfold.errors import SqlError

# A SELECT's result column that a GROUP BY key names by position or alias, else None.
ResultColumn = Callable[[exp.Select, exp.Expression], "exp.Expression | None"]


def _interval(e: exp.Expression | None) -> bool:
    return e is not None and exprtypes.kind(e) == "interval"


def _key(e: exp.Expression) -> exp.Expression:
    return exp.Anonymous(this="pg_interval_key", expressions=[e.copy()])


def _refuse(what: str) -> SqlError:
    return SqlError(f"{what} over an interval is not supported: equal intervals in different forms "
                    "('1 day', '24:00:00') would be told apart", "0A000")


def _aggregates(sel: exp.Select) -> bool:
    return any(isinstance(n, exp.AggFunc) and n.find_ancestor(exp.Select) is sel
               for e in sel.expressions for n in e.find_all(exp.AggFunc))


def _group_by(sel: exp.Select, result_column: ResultColumn) -> None:
    group = sel.args.get("group")
    if group is None:
        return
    for e in list(group.expressions):
        target = result_column(sel, e)
        source = target.unalias() if target is not None else e
        if _interval(source):
            e.replace(_key(source))


def _distinct(sel: exp.Select) -> None:
    distinct = sel.args.get("distinct")
    if not isinstance(distinct, exp.Distinct) or distinct.args.get("on") is not None:
        return
    items = [e.unalias() for e in sel.expressions]
    if not any(_interval(e) for e in items):
        return
    if sel.args.get("group") is not None or sel.args.get("having") is not None or _aggregates(sel) or \
            any(isinstance(e, exp.Star) or isinstance(e, exp.Column) and isinstance(e.this, exp.Star) for e in items):
        raise _refuse("SELECT DISTINCT with GROUP BY, aggregates or *")
    sel.set("distinct", None)  # each distinct row is a group
    sel.set("group", exp.Group(expressions=[_key(e) if _interval(e) else e.copy() for e in items]))


def _distinct_aggregate(agg: exp.AggFunc) -> None:
    arg = agg.this
    if not isinstance(arg, exp.Distinct) or not any(_interval(e) for e in arg.expressions):
        return
    if not isinstance(agg, exp.Count):
        raise _refuse(f"{agg.key}(DISTINCT ...)")
    for e in list(arg.expressions):
        if _interval(e):
            e.replace(_key(e))


def _partition(window: exp.Window) -> None:
    for e in list(window.args.get("partition_by") or []):
        if _interval(e):
            e.replace(_key(e))


def _in(node: exp.In) -> None:
    if not _interval(node.this):
        return
    query = node.args.get("query")
    if query is not None:
        body = query.this if isinstance(query, exp.Subquery) else query
        if not isinstance(body, exp.Select) or len(body.expressions) != 1:
            raise _refuse("IN (a set operation)")
        item = body.expressions[0]
        value = item.unalias()
        if not _interval(value):
            return
        value.replace(_key(value))
    else:
        for e in list(node.expressions):
            e.replace(_key(e))
    node.set("this", _key(node.this))


_COMPARISONS = (exp.EQ, exp.NEQ, exp.GT, exp.GTE, exp.LT, exp.LTE)


def _quantified(q: exp.Expression) -> None:
    """x op ANY / ALL (ARRAY[...] or a subquery) of intervals: spans compared (the keys
    order as the spans do, so < and > hold too)."""
    cmp = q.parent
    if not isinstance(cmp, _COMPARISONS) or q.arg_key != "expression" or not _interval(cmp.this):
        return
    operand = q.expressions[0] if isinstance(q, exp.Anonymous) else q.this  # (sqlglot reads ALL (x) as a call)
    inner = operand.unnest() if isinstance(operand, exp.Paren) else operand
    if isinstance(inner, exp.Array):
        for e in list(inner.expressions):
            e.replace(_key(e))
    elif isinstance(inner, (exp.Subquery, exp.Select)):
        body = inner.this if isinstance(inner, exp.Subquery) else inner
        if not isinstance(body, exp.Select) or len(body.expressions) != 1 or not _interval(body.expressions[0].unalias()):
            raise _refuse("ANY / ALL (a set operation)")
        value = body.expressions[0].unalias()
        value.replace(_key(value))
    else:
        raise _refuse("ANY / ALL (an array expression)")
    cmp.set("this", _key(cmp.this))


def _interval_array(e: exp.Expression) -> exp.Array | None:
    """An ARRAY[...] whose elements are intervals (its typed ones; a quoted literal beside
    them has been cast by literal_types)."""
    while isinstance(e, exp.Paren):
        e = e.this
    if isinstance(e, exp.Array) and e.expressions and all(_interval(x) for x in e.expressions):
        return e
    return None


def _array_equality(cmp: exp.Expression) -> None:
    """ARRAY[...] = / <> / IS [NOT] DISTINCT FROM ARRAY[...] of intervals: the elements'
    spans compared (each array's text would tell '1 day' from '24:00:00')."""
    left, right = _interval_array(cmp.this), _interval_array(cmp.expression)
    if left is None and right is None:
        return
    if left is None or right is None:
        raise SqlError("comparing an ARRAY[...] of intervals with another kind of array value is not supported: "
                       "equal intervals in different forms ('1 day', '24:00:00') would be told apart", "0A000")
    for arr in (left, right):
        for x in list(arr.expressions):
            x.replace(_key(x))


def _join(join: exp.Join, sel: exp.Select) -> None:
    using = join.args.get("using")
    if not using:
        return
    sources = [s for s in exprtypes.from_sources(sel) if s is not join.this] + [join.this]
    if any(exprtypes.source_kind(src, u.name) == "interval" for u in using for src in sources):
        raise _refuse("JOIN ... USING (write ON a.x = b.x)")


def rewrite(tree: exp.Expression, result_column: ResultColumn) -> None:
    """Compare the intervals of `tree` by their span where SQLite would compare texts (in
    place); SqlError 0A000 where that cannot be done."""
    for sel in list(tree.find_all(exp.Select)):
        for join in sel.args.get("joins") or []:
            _join(join, sel)
    for agg in list(tree.find_all(exp.AggFunc)):
        _distinct_aggregate(agg)
    for window in list(tree.find_all(exp.Window)):
        _partition(window)
    for node in list(tree.find_all(exp.In)):
        _in(node)
    for cmp in list(tree.find_all(exp.EQ, exp.NEQ, exp.NullSafeEQ, exp.NullSafeNEQ)):
        _array_equality(cmp)
    for q in list(tree.find_all(exp.Any, exp.All, exp.Anonymous)):
        if not isinstance(q, exp.Anonymous) or q.name.lower() == "all" and len(q.expressions) == 1:
            _quantified(q)
    for sel in list(tree.find_all(exp.Select)):
        _group_by(sel, result_column)
        _distinct(sel)
