"""GROUP BY ROLLUP, CUBE and GROUPING SETS, which SQLite has not, as a UNION ALL.

`SELECT a, b, sum(x) FROM t GROUP BY ROLLUP (a, b)` is the rows of GROUP BY a, b; of GROUP
BY a (b shown as NULL); and of the whole table (a and b NULL), in one result. So it is
written as that: one branch per grouping set, in PostgreSQL's expansion order, each a copy
of the SELECT grouped by its set, with the grouping expressions it leaves out read as NULL
in its select list and HAVING (not inside aggregates, which read the rows), GROUPING(...)
as the branch's bitmask, and the ORDER BY, LIMIT and OFFSET moved to the UNION (by the
position of the result column each sorts by). The empty set is an aggregate over all the
rows (one row, even of an empty table).

Two result columns of one expression named apart (`g AS a, g AS b ... CUBE (1, 2)`) are
NULL apart: each branch reads such a column as NULL where its set does not name it, though
the expression is grouped by the other. (GROUPING() of that expression, or the
expression elsewhere in the select list or HAVING, is refused: which of the two it
follows is PostgreSQL's planner's choice.)

Refused (0A000): window functions with grouping sets, an ORDER BY term that is not a
result column, more than GROUPING_SETS_MAX sets, and a HAVING where the empty set has no
aggregate in its select list (SQLite has no aggregate query without one).
"""

from __future__ import annotations

import itertools

from sqlglot import exp

from compute_node.pg_sql import exprtypes
from sixfold.errors import SqlError

GROUPING_SETS_MAX = 64  # branches one GROUP BY may expand to (CUBE of 6 columns)

_Set = tuple[exp.Expression, ...]


def rewrite(tree: exp.Expression) -> exp.Expression:
    """`tree` with each SELECT that groups by ROLLUP, CUBE or GROUPING SETS (or by `()`)
    replaced by its UNION ALL; the other SELECTs as they are."""
    for sel in list(tree.find_all(exp.Select)):
        group = sel.args.get("group")
        if group is None or not any(isinstance(e, (exp.Rollup, exp.Cube, exp.GroupingSets)) or is_empty_set(e)
                                    for e in group.expressions):
            continue
        union = _union(sel, _sets(group.expressions), distinct_sets=group.args.get("all") is False)
        if sel is tree:
            tree = union
        else:
            sel.replace(union)
    return tree


def is_empty_set(e: exp.Expression) -> bool:
    """GROUP BY's `()`."""
    return isinstance(e, exp.Tuple) and not e.expressions


def _members(e: exp.Expression) -> _Set:
    """The expressions one element of a grouping set stands for: `(a, b)` is two."""
    if isinstance(e, exp.Tuple):
        return tuple(e.expressions)
    if isinstance(e, exp.Paren):
        return _members(e.this)
    return (e,)


def expand(e: exp.Expression) -> list[_Set]:
    """The grouping sets one item of GROUP BY stands for, in PostgreSQL's order."""
    if isinstance(e, exp.Rollup):
        parts = [_members(x) for x in e.expressions]
        return [tuple(x for p in parts[:n] for x in p) for n in range(len(parts), -1, -1)]
    if isinstance(e, exp.Cube):
        parts = [_members(x) for x in e.expressions]
        out = []
        for n in range(len(parts), -1, -1):
            for chosen in itertools.combinations(range(len(parts)), n):
                out.append(tuple(x for i in chosen for x in parts[i]))
        return out
    if isinstance(e, exp.GroupingSets):
        return [s for x in e.expressions for s in
                (expand(x) if isinstance(x, (exp.Rollup, exp.Cube, exp.GroupingSets)) else [_members(x)])]
    return [_members(e)]


def _sets(items: list[exp.Expression]) -> list[_Set]:
    """GROUP BY's items -> its grouping sets (the product of each item's)."""
    sets: list[_Set] = [()]
    for item in items:
        sets = [a + b for a in sets for b in expand(item)]
        if len(sets) > GROUPING_SETS_MAX:
            raise SqlError(f"GROUP BY with more than {GROUPING_SETS_MAX} grouping sets is not supported", "0A000")
    return sets


def _key(e: exp.Expression) -> str:
    """What makes two grouping expressions the same (a column with or without its table,
    with or without parentheses)."""
    while isinstance(e, exp.Paren):
        e = e.this
    if isinstance(e, exp.Column):
        return "col:" + e.name.lower()
    return e.sql(dialect="postgres").lower()


def _resolved(e: exp.Expression, items: list[exp.Expression]) -> exp.Expression:
    """A grouping set's element as the expression it stands for: a result column's alias
    or (an integer) its position, as in a plain GROUP BY; a constant is 42601 there, as
    PostgreSQL refuses it."""
    bare = e
    while isinstance(bare, exp.Paren):
        bare = bare.this
    if isinstance(bare, exp.Column) and not bare.table:
        for item in items:
            if isinstance(item, exp.Alias) and item.alias.lower() == bare.name.lower():
                return item.this
        return e
    negative = False
    while isinstance(bare, exp.Neg) and isinstance(bare.this, (exp.Literal, exp.Neg, exp.Paren)):
        negative = not negative
        bare = bare.this.unnest() if isinstance(bare.this, exp.Paren) else bare.this
    if isinstance(bare, exp.Literal) and not bare.is_string and str(bare.this).isdigit() and \
            int(str(bare.this)) < 2**31:  # (-13) is one constant in PostgreSQL's grammar, a position
        position = -int(str(bare.this)) if negative else int(str(bare.this))
        if not 1 <= position <= len(items):
            raise SqlError(f"GROUP BY position {position} is not in select list", "42P10")
        return items[position - 1].unalias()
    if isinstance(bare, (exp.Literal, exp.Boolean)):
        raise SqlError("non-integer constant in GROUP BY", "42601")
    return e


def _result_column_refs(sets: list[_Set], items: list[exp.Expression],
                        having: exp.Expression | None) -> list[set[int]] | None:
    """`SELECT g AS a1, g AS a2 ... GROUP BY CUBE (1, 2)`: PostgreSQL groups by the two
    result columns apart (a2 is NULL where only a1 is kept), while the expansion here works
    by expression, where they are one. For each set, the positions (0-based) of the result
    columns of such an expression it names; None when no expression is named through two
    result columns. Refused (0A000) when the expression stands elsewhere too (inside
    another result column, in HAVING): which of its grouping columns that follows is not
    known here."""
    by_key: dict[str, set[int]] = {}
    named: list[set[int]] = []
    for s in sets:
        named.append(set())
        for e in s:
            resolved = _resolved(e, items)
            if resolved is e:
                continue  # an expression, not a result column named by alias or position
            at = next((i for i, item in enumerate(items) if item.unalias() is resolved), None)
            by_key.setdefault(_key(resolved), set()).add(at)
            named[-1].add(at)
    shared = {k: ats for k, ats in by_key.items() if len(ats) > 1}
    if not shared:
        return None
    apart = {at for ats in shared.values() for at in ats}
    elsewhere = [item for i, item in enumerate(items) if i not in apart] + ([having] if having is not None else [])
    for place in elsewhere:
        for node in place.walk():
            if node.find_ancestor(*_AGGREGATED) is None and not isinstance(node, (exp.AggFunc, exp.Identifier)) and \
                    _key(node) in shared:
                raise SqlError("grouping sets over two result columns of the same expression used elsewhere in "
                               "the query are not supported", "0A000")
    for place in [*items] + ([having] if having is not None else []):
        for g in place.find_all(exp.Grouping):  # (PostgreSQL reads GROUPING(g) as one of g's columns)
            if any(_key(arg) in shared for arg in g.expressions):
                raise SqlError("GROUPING() of an expression grouped as two result columns is not supported",
                               "0A000")
    return [{at for at in n if at in apart} for n in named]


def _union(sel: exp.Select, sets: list[_Set], distinct_sets: bool = False) -> exp.Expression:
    """`distinct_sets`: GROUP BY DISTINCT, each grouping set once (its first time)."""
    if any(e.find(exp.Window) is not None for e in sel.expressions):
        raise SqlError("window functions with ROLLUP, CUBE or GROUPING SETS are not supported", "0A000")
    refs = _result_column_refs(sets, sel.expressions, sel.args.get("having"))
    apart = set().union(*refs) if refs is not None else set()
    sets = [tuple(_resolved(e, sel.expressions) for e in s) for s in sets]
    if distinct_sets:
        seen: set = set()
        kept_sets, kept_refs = [], []
        for i, s in enumerate(sets):
            sig = (frozenset(map(_key, s)), frozenset(refs[i]) if refs is not None else None)
            if sig not in seen:
                seen.add(sig)
                kept_sets.append(s)
                kept_refs.append(refs[i] if refs is not None else None)
        sets, refs = kept_sets, (kept_refs if refs is not None else None)
    everything = {_key(e): e for s in sets for e in s}
    positions = _order_positions(sel)
    branches = []
    for n, s in enumerate(sets):
        kept = {_key(e) for e in s}
        branch = sel.copy()
        for arg in ("with_", "order", "limit", "offset", "distinct"):
            branch.set(arg, None)
        gone = {k for k in everything if k not in kept}
        branch.set("expressions", [_nulled(e, gone, s) if i not in apart or i in refs[n] else
                                   exp.alias_(exp.Null(), exp.to_identifier(e.alias_or_name))
                                   for i, e in enumerate(branch.expressions)])
        if branch.args.get("having") is not None:
            branch.set("having", _nulled(branch.args["having"], gone, s))
        unique = list({_key(e): e for e in s}.values())
        branch.set("group", exp.Group(expressions=[e.copy() for e in unique]) if unique else None)
        if not unique and not any(e.find(exp.AggFunc) for e in branch.expressions):
            if branch.args.get("having") is not None:
                raise SqlError("GROUPING SETS with an empty set, a HAVING and no aggregate in the select list "
                               "is not supported", "0A000")
            # one row, whatever the table has: every grouping expression is NULL here
            for arg in ("from_", "joins", "where"):
                branch.set(arg, None)
        branches.append(branch)
    distinct = sel.args.get("distinct") is not None
    out = branches[0]
    for b in branches[1:]:
        out = exp.Union(this=out, expression=b, distinct=distinct)
    if len(branches) == 1 and distinct:
        out.set("distinct", sel.args["distinct"].copy())
    if positions:
        out.set("order", exp.Order(expressions=positions))
    for arg in ("limit", "offset"):
        if sel.args.get(arg) is not None:
            out.set(arg, sel.args[arg].copy())
    with_ = sel.args.get("with_")
    if with_ is not None:
        out.set("with_", with_.copy())
    return out


def _nulled(e: exp.Expression, gone: set[str], kept: _Set) -> exp.Expression:
    """`e` with the grouping expressions left out of this set as NULL (not inside an
    aggregate or its FILTER) and GROUPING(...) as this set's bitmask."""
    kept_keys = {_key(x) for x in kept}
    out = e.copy()
    for node in out.walk():  # a kept expression is this set's value whole: (x + y) keeps its x
        if node.find_ancestor(*_AGGREGATED) is None and not isinstance(node, (exp.AggFunc, exp.Identifier)) and \
                _key(node) in kept_keys:
            node.meta[_KEPT] = True

    def fn(node: exp.Expression) -> exp.Expression:
        if any(n.meta.get(_KEPT) for n in _ancestors(node)):
            return node
        if isinstance(node, exp.Grouping):
            for arg in node.expressions:  # ($1 is one where the grouping expression is $1 itself, not $2,
                # and its type is declared: an untyped one is coerced apart at each place it stands)
                untyped = any(exprtypes.parameter_number(p) is not None and not exprtypes.parameter_oid(p)
                              for p in arg.find_all(exp.Parameter, exp.Placeholder, exp.Var))
                if untyped or _key(arg) not in kept_keys | gone:
                    raise SqlError("arguments to GROUPING must be grouping expressions of the associated query "
                                   "level", "42803")
            bits = 0
            for arg in node.expressions:
                bits = bits * 2 + (0 if _key(arg) in kept_keys else 1)
            return exp.Literal.number(bits)
        if node.find_ancestor(*_AGGREGATED) is None and not isinstance(node, (exp.AggFunc, exp.Identifier, exp.Alias,
                                                                                exp.Star)) and _key(node) in gone:
            return exp.Null()
        return node

    out = out.transform(fn)
    if isinstance(e, exp.Column) and isinstance(out, exp.Null):
        return exp.alias_(out, exp.to_identifier(e.name))  # the column keeps its name
    if isinstance(e, exp.Grouping):
        return exp.alias_(out, exp.to_identifier("grouping"))
    return out


_KEPT = "sixfold_kept_grouping_expression"
# Where a column is an input row's value, not the group's: an aggregate's argument and
# its FILTER (WHERE ...) clause (count(*) FILTER (WHERE g) counts rows whatever g's group)
_AGGREGATED = (exp.AggFunc, exp.Filter)


def _ancestors(node: exp.Expression):
    """The nodes strictly above `node`."""
    parent = node.parent
    while parent is not None:
        yield parent
        parent = parent.parent


def _order_positions(sel: exp.Select) -> list[exp.Ordered]:
    """ORDER BY's terms as positions of the result columns they sort by."""
    order = sel.args.get("order")
    if order is None:
        return []
    items = sel.expressions
    out = []
    for o in order.expressions:
        key = o.this
        position = None
        if isinstance(key, exp.Literal) and not key.is_string and str(key.this).isdigit():
            position = int(key.this)
        else:
            for i, item in enumerate(items, 1):
                bare = item.unalias()
                if (isinstance(key, exp.Column) and not key.table and item.alias_or_name.lower() == key.name.lower()) \
                        or _key(bare) == _key(key):
                    position = i
                    break
        if position is None:
            raise SqlError("ORDER BY with ROLLUP, CUBE or GROUPING SETS must name a result column", "0A000")
        ordered = o.copy()
        ordered.set("this", exp.Literal.number(position))
        out.append(ordered)
    return out
