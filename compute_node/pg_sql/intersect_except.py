"""INTERSECT ALL and EXCEPT ALL, and set operations over interval columns, as window
counts. Pure (rewrites of sqlglot trees).

SQLite has INTERSECT and EXCEPT but not their ALL forms (a syntax error), and its set
operations compare values, so '1 day' and '24:00:00' (equal intervals, stored as their
texts) were two rows. Here such an operation `L op R` becomes

    WITH _setN(_c1, ..., _b) AS (SELECT *, 1 FROM (L) UNION ALL SELECT *, 2 FROM (R))
    SELECT _c1 AS name1, ... FROM (
        SELECT *, row_number() OVER (PARTITION BY k1, ..., _b) AS _r,
                  sum(_b = 2) OVER (PARTITION BY k1, ...) AS _n FROM _setN) AS _w
    WHERE <op's condition> [ORDER BY ... LIMIT ... OFFSET ...]

where each key k is the column itself (compared as SQLite's set operations compare it,
under its collation), for an interval its span (pg_interval_key), and for a numeric that
an operand computes (its exact text, where another operand's may be a number) its
exact text under the pg_numeric collation: SQLite would tell the text '1' from the
number 1, and sort a text after every number. The r-th copy of a row of L is kept by
INTERSECT ALL when R has at least r copies (`_r <= _n`), by EXCEPT ALL when it has fewer
(`_r > _n`); INTERSECT and EXCEPT keep one copy (`_r = 1`) where R has some, or none. A
UNION (over intervals, or of a char column with other strings, inside a subquery: the
statement's own is set_operations') keeps one row of each group, L's where L has one
(row_number ordered by operand), as PostgreSQL's Append feeds its HashAggregate.
INTERSECT and EXCEPT show one of L's rows of a group.

`mark` runs on the PostgreSQL tree (types and `*` resolve there), `rewrite` on the
translated one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlglot import exp

from compute_node.pg_sql import exprtypes, set_operations, star_expansion
from compute_node.pg_sql.types import NUMERIC_TEXT_COLLATION
from sixfold.errors import SqlError

SHAPE = "sixfold_set_shape"  # meta of a set operation `rewrite` runs as window counts
_COLUMN = "_c{}"


@dataclass(frozen=True)
class Shape:
    """What `rewrite` needs of one set operation: its width, its result names where its
    first SELECT has a `*` (else the translated items name them), which columns are
    intervals (compared by span), whether it keeps duplicates (ALL)."""
    width: int
    star_names: tuple[str, ...] | None
    intervals: frozenset[int]
    keeps_all: bool
    numerics: frozenset[int] = frozenset()  # compared as numerics: an operand's exact text or number


def _columns(sel: exp.Select) -> list[exp.Expression] | None:
    """The select list of `sel` with each `*` spelled out; None when a source's columns
    are not known."""
    out: list[exp.Expression] = []
    for item in sel.expressions:
        if star_expansion.is_star(item):
            spelled = star_expansion.spelled_columns(sel, item)
            if spelled is None:
                return None
            out += spelled
        else:
            out.append(item)
    return out


def interval_columns(node: exp.SetOperation) -> frozenset[int]:
    """The result columns of `node` either operand's first SELECT shows as an interval."""
    out = set()
    for operand in (node.this, node.expression):
        first = exprtypes.first_branch(operand)
        if isinstance(first, exp.Select):
            cols = _columns(first) or []
            out |= {i for i, e in enumerate(cols) if exprtypes.kind(e.unalias()) == "interval"}
    return frozenset(out)


def mark(node: exp.SetOperation, intervals: frozenset[int] = frozenset(),
         numerics: frozenset[int] = frozenset()) -> None:
    """Mark `node` for `rewrite`, its `intervals` columns compared by span and its
    `numerics` columns by their exact text; 0A000 when its columns are not known."""
    first = exprtypes.first_branch(node)
    cols = _columns(first) if isinstance(first, exp.Select) else None
    if cols is None:
        raise SqlError(f"{node.key.upper()} over this query is not supported: its result columns are not known "
                       "(name them in its first SELECT)", "0A000")
    star = any(star_expansion.is_star(e) for e in first.expressions)
    keeps_all = node.args.get("distinct") is False
    node.meta[SHAPE] = Shape(len(cols), tuple(c.alias_or_name for c in cols) if star else None,
                             intervals, keeps_all, numerics)


# What a set operation's operands' first select lists make of its columns: the ones to be
# compared as numerics (mixed_numerics), or a char whose equal values show differently
# (mixed_chars). Each gets every operand's list, all of one width without a `*`.
ColumnRule = Callable[[list[list[exp.Expression]]], frozenset[int]]


def _operand_items(node: exp.SetOperation) -> list[list[exp.Expression]] | None:
    """Each operand's first select list, None unless all are plain lists of one width."""
    firsts = [exprtypes.first_branch(x) for x in (node.this, node.expression)]
    if not all(isinstance(f, exp.Select) for f in firsts):
        return None
    items = [list(f.expressions) for f in firsts]
    if len({len(x) for x in items}) != 1 or any(star_expansion.is_star(e) for x in items for e in x):
        return None
    return items


def mark_all(tree: exp.Expression, mixed_numerics: ColumnRule = lambda items: frozenset(),
             mixed_chars: ColumnRule = lambda items: frozenset()) -> None:
    """Mark each set operation of `tree` that runs as window counts: INTERSECT / EXCEPT
    ALL (which SQLite does not have); any set operation without ALL over an interval
    column (SQLite would tell '1 day' from '24:00:00'); an INTERSECT / EXCEPT with
    `mixed_numerics` columns (SQLite would compare an exact text with a number as two
    values: trim_scale(1.0) EXCEPT 1 kept its row); a UNION with `mixed_chars` columns
    (SQLite's UNION keeps the last of equal rows: 'ab' of a text branch over 'ab  ' of a
    char(4) one). Not the statement's own UNION chain, which set_operations plans."""
    for node in tree.find_all(exp.SetOperation):
        union = isinstance(node, exp.Union)
        keeps_all = node.args.get("distinct") is False
        if union and keeps_all or set_operations.in_planned_chain(node, tree):
            continue  # (UNION ALL compares nothing)
        items = _operand_items(node)
        numerics = mixed_numerics(items) if items is not None and not union else frozenset()
        intervals = interval_columns(node)
        if keeps_all or intervals or numerics or items is not None and union and mixed_chars(items):
            mark(node, intervals, numerics)


def numeric_keys(node: exp.Expression) -> bool:
    """Whether `node` is marked to compare numeric columns by value (its operands' values
    may then be exact texts: they are neither compared nor sorted as SQLite would)."""
    shape = node.meta.get(SHAPE)
    return shape is not None and bool(shape.numerics)


def _unwrapped(operand: exp.Expression) -> exp.Expression:
    while isinstance(operand, exp.Subquery) and not operand.alias:
        operand = operand.this
    return operand


def _tagged(operand: exp.Expression, tag: int) -> exp.Select:
    return exp.Select(expressions=[exp.Star(), exp.Literal.number(tag)]).from_(
        exp.Subquery(this=_unwrapped(operand)))


def _names(node: exp.SetOperation, shape: Shape) -> list[str]:
    first = exprtypes.first_branch(node)
    if shape.star_names is None and isinstance(first, exp.Select) and len(first.expressions) == shape.width \
            and not any(star_expansion.is_star(e) for e in first.expressions):
        return [e.alias_or_name for e in first.expressions]
    assert shape.star_names is not None and len(shape.star_names) == shape.width, "mark() named a starred list"
    return list(shape.star_names)


def _condition(node: exp.SetOperation, shape: Shape) -> str:
    if isinstance(node, exp.Union):
        return "_r = 1"
    if isinstance(node, exp.Intersect):
        return "_b = 1 AND _r <= _n" if shape.keeps_all else "_b = 1 AND _r = 1 AND _n > 0"
    return "_b = 1 AND _r > _n" if shape.keeps_all else "_b = 1 AND _r = 1 AND _n = 0"


def _one(node: exp.SetOperation, shape: Shape, serial: int) -> exp.Select:
    width = shape.width
    names = _names(node, shape)
    cte_name = f"_set{serial}"
    cols = [_COLUMN.format(i + 1) for i in range(width)]
    keys = [_key(exp.column(c), i, shape) for i, c in enumerate(cols)]
    union = isinstance(node, exp.Union)
    if union and shape.keeps_all:
        raise AssertionError("UNION ALL compares nothing: never marked")
    body = exp.union(_tagged(node.this, 1), _tagged(node.expression, 2), distinct=False)
    cte = exp.CTE(this=body, alias=exp.TableAlias(this=exp.to_identifier(cte_name),
                                                  columns=[exp.to_identifier(c) for c in cols + ["_b"]]))
    rank = exp.Window(this=exp.Anonymous(this="row_number", expressions=[]),
                      partition_by=[k.copy() for k in keys] + ([] if union else [exp.column("_b")]))
    if union:  # a group shows the left operand's row where it has one, as PostgreSQL's Append feeds it
        rank.set("order", exp.Order(expressions=[exp.Ordered(this=exp.column("_b"))]))
    items: list[exp.Expression] = [exp.Star(), exp.alias_(rank, "_r")]
    if not union:
        seen = exp.Window(this=exp.Sum(this=exp.EQ(this=exp.column("_b"), expression=exp.Literal.number(2))),
                          partition_by=[k.copy() for k in keys])
        items.append(exp.alias_(seen, "_n"))
    counted = exp.Select(expressions=items).from_(cte_name)
    outer = exp.Select(expressions=[exp.alias_(exp.column(c), exp.to_identifier(n, quoted=True))
                                    for c, n in zip(cols, names)])
    outer = outer.from_(exp.Subquery(this=counted, alias=exp.TableAlias(this=exp.to_identifier("_w"))))
    outer = outer.where(_condition(node, shape))
    order = node.args.get("order")
    if order is not None:
        for o in order.expressions:
            i = _position(o.this, names)
            if i is not None:
                o.set("this", keys[i].copy())
        outer.set("order", order)
    for k in ("limit", "offset"):  # (PostgreSQL's OFFSET of a set operation is in its Limit or its own)
        if node.args.get(k) is not None:
            outer.set(k, node.args[k])
    outer_with = node.args.get("with_")
    ctes = list(outer_with.expressions) if isinstance(outer_with, exp.With) else []
    outer.set("with_", exp.With(expressions=ctes + [cte],
                               recursive=bool(outer_with.args.get("recursive")) if outer_with else False))
    return outer


def _key(col: exp.Column, i: int, shape: Shape) -> exp.Expression:
    """Column i as rows are matched and sorted: an interval's span, a numeric's exact text
    under the pg_numeric collation (by value: 2.5, '2.50' and 2.500 are one), else itself."""
    if i in shape.intervals:
        return exp.Anonymous(this="pg_interval_key", expressions=[col])
    if i in shape.numerics:
        return exp.Collate(this=exp.Anonymous(this="pg_numeric_text", expressions=[col]),
                           expression=exp.to_identifier(NUMERIC_TEXT_COLLATION))
    return col


def _position(key: exp.Expression, names: list[str]) -> int | None:
    """The result column an ORDER BY key of a set operation names: a position or an
    output name (all PostgreSQL allows there)."""
    if isinstance(key, exp.Literal) and not key.is_string and str(key.this).isdigit() and \
            1 <= int(key.this) <= len(names):
        return int(key.this) - 1
    if isinstance(key, exp.Column) and not key.table and names.count(key.name) == 1:
        return names.index(key.name)
    return None


def rewrite(tree: exp.Expression) -> exp.Expression:
    """Every marked set operation of the translated `tree` as window counts (the innermost
    first); the new tree."""
    marked = [n for n in tree.find_all(exp.SetOperation) if SHAPE in n.meta]
    for serial, node in enumerate(reversed(marked), 1):
        new = _one(node, node.meta[SHAPE], serial)
        if node is tree:
            tree = new
        elif isinstance(node.parent, exp.SetOperation):  # an operand: SQLite's compound takes no WITH
            node.replace(exp.Subquery(this=new))
        else:
            node.replace(new)
    return tree
