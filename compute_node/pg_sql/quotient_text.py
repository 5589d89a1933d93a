"""Numeric quotients kept as their exact text through subqueries and CTEs.

A numeric quotient's display scale is its own (1 / 3 is 0.33333333333333333333,
6 / 3 is 2.0000000000000000) and its value rarely ends: only its exact text shows it.
Computed as a number it would come out as the nearest double (4.666666666666667).
So a quotient that is a column of a subquery or CTE (or the value of a scalar subquery
that is shown) is computed as that text, and the outer query shows the column as it is;
wherever SQLite itself would compare, sort, group or compute on the column, the outer
query reads it as a number (pg_numeric_in), as the quotient was read before.

Other exact texts travel the same way: a table's numeric column without a precision
(kept as its text) and a subquery's or CTE's numeric column whose display scale the form
does not say (`mark_unscaled_items`); read as a number, such a text must fit a double
(pg_numeric_read, 0A000 beyond 15 digits), where a quotient's is its nearest double.

`makes_text(div, shown)` says where a quotient is computed as text; `reads_text(column)`
whether a column reference reads such a column (through further subqueries' columns,
`*`, a view's inlined query, correlated references).
"""

from __future__ import annotations

from typing import Callable

from sqlglot import exp

from compute_node.pg_sql import exprtypes, schema
from compute_node.pg_sql import types as pgtypes

_DEPTH_MAX = 16  # subqueries followed from a column to the quotient behind it
_SET_OPERATIONS = (exp.Union, exp.Intersect, exp.Except)


def makes_text(node: exp.Expression, shown: Callable[[exp.Expression], bool]) -> bool:
    """Whether numeric quotient `node` is a column of a plain SELECT that is a subquery in
    a FROM or a CTE, or the value of a scalar subquery that `shown` says is shown."""
    sel = _projection_of(node)
    if sel is None:
        return False
    holder = sel.parent
    if isinstance(holder, exp.CTE):
        return True
    if isinstance(holder, exp.Subquery):
        return isinstance(holder.parent, (exp.From, exp.Join)) or holder.parent is not None and shown(holder)
    return False


def _projection_of(node: exp.Expression) -> exp.Select | None:
    """The SELECT whose select list has `node` as an item (through parentheses and an
    alias)."""
    child, p = node, node.parent
    while isinstance(p, (exp.Paren, exp.Alias)):
        child, p = p, p.parent
    return p if isinstance(p, exp.Select) and child.arg_key == "expressions" else None


def is_text_quotient(e: exp.Expression) -> bool:
    """A numeric quotient (before or after translation to pg_arith('/t', ...))."""
    e = e.unalias()
    while isinstance(e, exp.Paren):
        e = e.this
    if isinstance(e, exp.Div):
        return exprtypes.kind(e) == "num"
    return isinstance(e, exp.Anonymous) and e.name.lower() == "pg_arith" and bool(e.expressions) and \
        isinstance(e.expressions[0], exp.Literal) and e.expressions[0].this == "/t"


_TEXT_ITEMS = "sixfold_text_items"  # Select.meta: positions of items computed as exact text


def mark_unscaled_items(tree: exp.Expression) -> None:
    """Before the rewrite: mark each numeric column of a subquery in a FROM, or of a CTE,
    whose display scale its form does not say (least(n, 2.5), -n of a numeric without a
    precision, a CASE of several scales). Like a quotient, it is computed as its exact
    text, which the outer query shows as it is and reads as a number where it compares:
    as a number it would print as the double does (2.5 for 2.50). Not in a SELECT
    DISTINCT (its texts would be told apart where the values are equal) nor a set
    operation's branch (a set operation's columns are never made text)."""
    for sel in tree.find_all(exp.Select):
        if sel is tree or sel.args.get("distinct") or isinstance(sel.parent, _SET_OPERATIONS):
            continue
        if not (isinstance(sel.parent, exp.CTE) or isinstance(sel.parent, exp.Subquery)
                and isinstance(sel.parent.parent, (exp.From, exp.Join))):
            continue
        at = set()
        for i, item in enumerate(sel.expressions):
            bare = item.unalias()
            while isinstance(bare, exp.Paren):
                bare = bare.this
            if isinstance(bare, (exp.Column, exp.Literal, exp.Star)) or is_text_quotient(bare):
                continue
            if exprtypes.kind(bare) == "num" and exprtypes.scale(bare) is None:
                at.add(i)
        if at:
            sel.meta[_TEXT_ITEMS] = frozenset(at)


def is_text_item(item: exp.Expression) -> bool:
    """Whether select-list item `item` is one `mark_unscaled_items` marked."""
    sel = item.parent
    marked = sel.meta.get(_TEXT_ITEMS) if isinstance(sel, exp.Select) else None
    return bool(marked) and item.arg_key == "expressions" and item.index in marked


def reads_text(col: exp.Column) -> bool:
    """Whether column reference `col` reads a subquery's or CTE's column that a quotient
    computes as text (`makes_text`), or a table's numeric column without a precision
    (kept as its text), in a SELECT or in an UPDATE's, DELETE's or ON CONFLICT's own
    expressions."""
    return bool(_text_kind(col))


def reads_quotient(col: exp.Column) -> bool:
    """Whether `col` reads a quotient's text, whose digits rarely end: where SQLite
    compares it, the nearest double is what PostgreSQL's comparison of it needs. Any
    other exact text (`reads_text`) read as a number must fit a double exactly."""
    return _text_kind(col) == _QUOTIENT


_QUOTIENT, _EXACT = "quotient", "exact"


def _text_kind(col: exp.Column) -> str | bool | None:
    decl = exprtypes.column_decl(col)
    if decl is not None:
        return _EXACT if pgtypes.is_numeric_text(decl) else False
    return _find(col, 0)


def _find(col: exp.Column, depth: int) -> str | bool | None:
    """_QUOTIENT / _EXACT / False for a column resolved (to a text quotient, another
    exact text, or neither), None when unknown."""
    if depth >= _DEPTH_MAX or isinstance(col.this, exp.Star):
        return None
    sel = col.find_ancestor(exp.Select)
    while sel is not None:
        found = _in_select(sel, col.table, col.name, depth)
        if found is not None:
            return found
        sel = sel.parent.find_ancestor(exp.Select) if sel.parent is not None else None  # a correlated reference
    return None


def _in_select(sel: exp.Select, table: str, name: str, depth: int) -> str | bool | None:
    """The column `table.name` (any table when '') among the FROM sources of `sel`."""
    for src in exprtypes.sources(sel):
        if table and table != src.alias_or_name:
            continue
        found = _in_source(src, name, depth)
        if found is not None:
            return found
    return None


def _in_source(src: exp.Expression, name: str, depth: int) -> str | bool | None:
    body = None
    if isinstance(src, exp.Subquery):
        body = src.this
    elif isinstance(src, exp.Table) and isinstance(src.this, exp.Identifier) and not src.db:
        body = exprtypes.cte_named(src.name, src)
        if body is None:  # a table: is the name its column? (a numeric without a precision is its text)
            decl = schema.column_type(src.name, name)
            return None if decl is None else _EXACT if pgtypes.is_numeric_text(decl) else False
    if isinstance(body, _SET_OPERATIONS):
        return False  # a set operation's columns are never made text
    if not isinstance(body, exp.Select):
        return None
    items = body.expressions
    for item_name, item in exprtypes.named_items(src, body):
        if item_name == name and not isinstance(item.unalias(), exp.Star):
            return _item_reads_text(item, depth)
    for item in items:  # through `*` and `t.*`
        bare = item.unalias()
        if isinstance(bare, exp.Star) or isinstance(bare, exp.Column) and isinstance(bare.this, exp.Star):
            found = _in_select(body, bare.table if isinstance(bare, exp.Column) else "", name, depth + 1)
            if found is not None:
                return found
    return None


def _item_reads_text(item: exp.Expression, depth: int) -> str | bool:
    if is_text_quotient(item):
        return _QUOTIENT
    if is_text_item(item):
        return _EXACT
    bare = item.unalias()
    while isinstance(bare, exp.Paren):
        bare = bare.this
    if isinstance(bare, exp.Column) and not isinstance(bare.this, exp.Star):
        return _find(bare, depth + 1) or False
    return False
