"""UNION over numeric columns whose branches show different display scales, and over
interval columns.

PostgreSQL's numeric keeps each value's display scale: `select price from a union all
select qty from b` shows 2.50 from one branch and 1.000 from the other, and a literal
branch `union select 0` shows 0. Sorting and duplicate removal compare the numbers
(2.50 and 2.500 are one value). Sixfold keeps a numeric as a number whose display scale
the statement's form says, one per result column: with branches of different scales
that column has none, and every row was shown without its scale (2.5, 3, 1).

Here such a UNION becomes a subquery whose branches also say each column's scale (a
constant per branch), under an outer SELECT that shows each value with its row's scale
and sorts by the numbers (the UNION's ORDER BY, LIMIT and OFFSET move out to it; a WITH stays inside). A
UNION that removes duplicates runs as UNION ALL grouped by the values in the outer
SELECT, so 2.50 and 2.500 are one row there too, shown as the first branch that has it
shows it (PostgreSQL's HashAggregate keeps the first row its Append gives; its choice
is the plan's).

The same outer SELECT serves a UNION (without ALL) or a sorted UNION over an interval
column: it groups and sorts by the interval's span (pg_interval_key), so '1 day' and
'24:00:00' are one row and sort as equals, as in PostgreSQL.

`plan` runs on the PostgreSQL tree (types resolve there), `apply` on the translated
one (the branches keep their order and their columns their positions).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlglot import exp

from compute_node.pg_sql import exprtypes, quotient_text
from compute_node.pg_sql import types as pgtypes
from sixfold.errors import SqlError

SET_OPERATIONS = (exp.Union, exp.Intersect, exp.Except)
_VALUE = "_u{}"  # the subquery's value columns, 1-based
_SCALE = "_s{}"  # the branch's display scale of column i


# A branch's value whose display scale is its own, row by row (an average, a quotient:
# 2.0000000000000000, 5.1666666666666667): the branch also carries its exact text (`_t`),
# shown in its place. `plan` marks such a quotient (TWINNED in its meta) for the
# translator, which otherwise refuses a quotient it would have to sort as a number.
OWN_SCALE = -1
TWINNED = "sixfold_twinned"
_TEXT = "_t{}"
_BRANCH = "_k"  # the branch's position, 0-based


@dataclass(frozen=True)
class PerRowScales:
    """What `apply` needs: the result columns' names, which columns carry a scale per
    row and each branch's scale there (OWN_SCALE: the value's own), whether duplicates
    are removed."""
    names: tuple[str, ...]
    branch_scales: tuple[dict[int, int], ...]  # per branch: column index -> its scale
    distinct: bool
    intervals: frozenset[int] = frozenset()  # interval columns: grouped and sorted by their span


def _union_chain(tree: exp.Expression, distinct: bool | None = None) -> list[exp.Expression] | None:
    """The branches of a UNION whose every operator removes duplicates alike (all UNION
    or all UNION ALL), in order; None for any other shape."""
    if isinstance(tree, (exp.Intersect, exp.Except)):
        return None
    if not isinstance(tree, exp.Union):
        return [tree]
    d = tree.args.get("distinct") is not False
    if distinct is not None and d != distinct:
        return None
    left, right = _union_chain(tree.this, d), _union_chain(tree.expression, d)
    if left is None or right is None:
        return None
    return left + right


def is_null(e: exp.Expression) -> bool:
    """A select-list item that is NULL, or a cast of NULL."""
    inner = e.unalias()
    while isinstance(inner, (exp.Cast, exp.Paren)):
        inner = inner.this
    return isinstance(inner, exp.Null)


def _branch_scale(e: exp.Expression) -> int | None:
    """The display scale a UNION branch's value shows with; OWN_SCALE for an average (its
    digits are its own, and `apply` can show its exact text); None when its form does not
    say one otherwise."""
    if is_null(e):
        return 0  # no value to show
    inner = e.unalias()
    while isinstance(inner, exp.Paren):
        inner = inner.this
    k = exprtypes.kind(inner)
    if k == "int":
        return 0
    if k != "num":
        return None
    if _exact_sum(inner):
        return OWN_SCALE  # a sum's digits may be more than a double holds: its exact text is shown
    sc = exprtypes.scale(inner)
    if sc is None and (isinstance(inner, exp.Avg) and not isinstance(inner.this, exp.Distinct)
                       or isinstance(inner, (exp.Div, exp.Ln, exp.Log, exp.Exp, exp.Sqrt, exp.Pow))
                       or isinstance(inner, exp.Anonymous) and inner.name.lower() in _OWN_SCALE_FUNCTIONS
                       or isinstance(inner, exp.Column) and quotient_text.reads_text(inner)):
        return OWN_SCALE
    return sc


_OWN_SCALE_FUNCTIONS = frozenset({"gcd", "lcm", "trim_scale"})  # of numerics: pg_numeric_math, as ln's


def _exact_sum(e: exp.Expression) -> bool:
    """sum(x) of a numeric or a bigint (a numeric): the translator's pg_numeric_sum, whose
    value past 15 digits a number (what a sorted UNION sorts) would round."""
    if isinstance(e, exp.Window) and isinstance(e.this, exp.Sum):  # sum(x) OVER (...) too
        e = e.this
    return isinstance(e, exp.Sum) and not isinstance(e.this, exp.Distinct) and exprtypes.kind(e) == "num" and \
        exprtypes.kind(e.this) != "float"


def _own_scale_node(e: exp.Expression) -> exp.Expression:
    inner = e.unalias()
    while isinstance(inner, exp.Paren):
        inner = inner.this
    return inner


def shown_twin(item: exp.Expression, arithmetic: bool = False) -> exp.Expression | None:
    """A translated average, sum, quotient, ln / log / exp / sqrt / power or quotient's text
    read as a number, as its exact text: pg_numeric_avg / pg_numeric_sum(x, 'n...') and
    pg_numeric_math(f, 'n', ...) as 't...' (under OVER too),
    pg_arith('/', ...) as '/t', pg_numeric_in(c) and pg_numeric_read(c) as c; with
    `arithmetic` (a VALUES cell, shown as its own text) also a sum, difference or product
    and round / trunc / abs ... of a numeric; None for anything else."""
    inner = _own_scale_node(item)
    if isinstance(inner, exp.Collate):  # (shown and compared by value already: the text under its collation)
        inner = inner.this
    if isinstance(inner, exp.Window) and isinstance(inner.this, exp.Anonymous):  # sum(x) OVER (...)
        twin = shown_twin(inner.this, arithmetic)
        if twin is None:
            return None
        window = inner.copy()
        window.set("this", twin)
        return window
    if not isinstance(inner, exp.Anonymous) or not inner.expressions:
        return None
    name, args = inner.name.lower(), inner.expressions
    if name in ("pg_numeric_in", "pg_numeric_read") and len(args) == 1:
        return args[0].copy()
    at = {"pg_numeric_avg": 1, "pg_numeric_sum": 1, "pg_numeric_sum_w": 1, "pg_arith": 0,
          "pg_numeric_math": 1, "pg_round_to": 3, "pg_numeric_unary": 2}.get(name)
    if at is None or at >= len(args) or not isinstance(args[at], exp.Literal):
        return None
    mode = str(args[at].this)
    if name == "pg_arith" and (mode[:1] not in "+-*/" or mode[:1] != "/" and not arithmetic):
        return None  # (a quotient's text is its own; a sum's, difference's or product's only when asked)
    shown = mode[:1] + "t" if name == "pg_arith" else "t" + mode[1:]  # the aggregates' mode: 't' and the scale
    twin = inner.copy()
    twin.expressions[at].replace(exp.Literal.string(shown))
    return twin


def plan(tree: exp.Expression, oids: tuple, scales: tuple,
         mixed_chars: Callable[[list[list[exp.Expression]]], frozenset[int]] = lambda items: frozenset(),
         ) -> PerRowScales | None:
    """For a UNION (before translation) with a numeric result column whose branches show
    different scales, or (without ALL) an interval column or a `mixed_chars` column (a
    char whose equal values may show differently), what `apply` needs; None when
    nothing is to be done or the shape is one this does not handle (the rows then show
    as numbers, as before)."""
    if not isinstance(tree, exp.Union) or not oids:
        return None
    branches = _union_chain(tree)
    if branches is None or not all(isinstance(b, exp.Select) for b in branches):
        return None
    width = len(oids)
    if any(len(b.expressions) != width or any(isinstance(e, exp.Star) or isinstance(e, exp.Column) and
                                              isinstance(e.this, exp.Star) for e in b.expressions)
           for b in branches):
        return None
    distinct = tree.args.get("distinct") is not False
    compared = distinct or tree.args.get("order") is not None  # (else a sum is shown as its text already)
    mixed = [i for i in range(width) if oids[i] == pgtypes.NUMERIC and (
        i >= len(scales) or scales[i] is None or compared and any(
            _exact_sum(_own_scale_node(b.expressions[i])) for b in branches))]
    intervals = frozenset(i for i in range(width) if oids[i] == pgtypes.INTERVAL) \
        if distinct or tree.args.get("order") is not None else frozenset()
    chars = mixed_chars([list(b.expressions) for b in branches]) if distinct else frozenset()
    if not mixed and not intervals and not chars:
        return None
    per_branch = []
    for b in branches:
        got = {i: _branch_scale(b.expressions[i]) for i in mixed}
        if any(sc is None for sc in got.values()):
            if intervals:
                raise _interval_refusal()
            return None
        per_branch.append(got)
    if not _order_by_outputs(tree, branches[0]):
        if intervals:
            raise _interval_refusal()
        return None
    for b, got in zip(branches, per_branch):
        for i, sc in got.items():
            if sc == OWN_SCALE:
                _own_scale_node(b.expressions[i]).meta[TWINNED] = True
    names = tuple(e.alias_or_name for e in branches[0].expressions)
    return PerRowScales(names, tuple(per_branch), distinct, intervals)


def handles_intervals(tree: exp.Expression) -> bool:
    """Whether `plan` takes a UNION of this shape (then its interval columns are grouped
    and sorted by their span, not refused)."""
    branches = _union_chain(tree) if isinstance(tree, exp.Union) else None
    return branches is not None and all(isinstance(b, exp.Select) for b in branches)


def in_planned_chain(op: exp.Expression, root: exp.Expression) -> bool:
    """Whether `op` is one of the UNIONs of the statement's own UNION chain that `plan`
    takes (`a UNION b UNION c` is two: each is planned with the whole chain)."""
    if not handles_intervals(root):
        return False
    node = op
    while node is not root:
        if not isinstance(node, exp.Union) or node.parent is None:
            return False
        node = node.parent
    return True


def _interval_refusal() -> SqlError:
    return SqlError("this UNION over an interval column is not supported: equal intervals in different forms "
                    "('1 day', '24:00:00') would be told apart", "0A000")


def _order_by_outputs(tree: exp.Union, first: exp.Select) -> bool:
    """Rewrite the UNION's ORDER BY keys to result column positions (what PostgreSQL
    allows there: positions and output names); False when a key is neither."""
    order = tree.args.get("order")
    if order is None:
        return True
    names = [e.alias_or_name for e in first.expressions]
    keys = []
    for o in order.expressions:
        key = o.this
        if isinstance(key, exp.Literal) and not key.is_string and str(key.this).isdigit() \
                and 1 <= int(key.this) <= len(names):
            keys.append(int(key.this))
        elif isinstance(key, exp.Column) and not key.table and names.count(key.name) == 1:
            keys.append(names.index(key.name) + 1)
        else:
            return False
    for o, k in zip(order.expressions, keys):
        o.set("this", exp.Literal.number(k))
    return True


def _all_rows(node: exp.Expression) -> None:
    """Every UNION of the chain (not one inside a branch) as UNION ALL."""
    if isinstance(node, exp.Union):
        node.set("distinct", False)
        _all_rows(node.this)
        _all_rows(node.expression)


def apply(tree: exp.Expression, p: PerRowScales) -> exp.Expression:
    """The translated UNION `tree` as the outer SELECT over it described above."""
    branches = _union_chain(tree)
    assert branches is not None and len(branches) == len(p.branch_scales), "the translation kept the UNION's shape"
    texted = {i for scales in p.branch_scales for i, sc in scales.items() if sc == OWN_SCALE}
    for k, (b, scales) in enumerate(zip(branches, p.branch_scales)):
        assert isinstance(b, exp.Select) and len(b.expressions) == len(p.names)
        # (a column shown as its texts is grouped and sorted by them too: its value is not needed,
        # and a sum of numerics past 15 digits could not be one)
        items = [exp.alias_(exp.Null() if i in texted else e.unalias(), _VALUE.format(i + 1))
                 for i, e in enumerate(b.expressions)]
        items += [exp.alias_(exp.Literal.number(sc), _SCALE.format(i + 1)) for i, sc in sorted(scales.items())]
        items.append(exp.alias_(exp.Literal.number(k), _BRANCH))
        for i in sorted(texted):
            value = b.expressions[i]
            text = shown_twin(value) if scales[i] == OWN_SCALE else exp.Anonymous(
                this="pg_with_scale", expressions=[value.unalias().copy(), exp.Literal.number(scales[i])])
            assert text is not None, "plan() marks only averages, sums and quotients, which translate so"
            items.append(exp.alias_(text, _TEXT.format(i + 1)))
        b.set("expressions", items)
    order, limit, offset = (tree.args.get(k) for k in ("order", "limit", "offset"))
    for k in ("order", "limit", "offset"):
        tree.set(k, None)
    if p.distinct:
        _all_rows(tree)
    mixed = p.branch_scales[0].keys()
    outer_items = []
    for i, name in enumerate(p.names):
        value = exp.column(_VALUE.format(i + 1))
        if i in texted:  # the text each branch made
            value = exp.column(_TEXT.format(i + 1))
        elif i in mixed:
            value = exp.Anonymous(this="pg_with_scale", expressions=[value, exp.column(_SCALE.format(i + 1))])
        outer_items.append(exp.alias_(value, exp.to_identifier(name, quoted=True)))
    outer = exp.Select(expressions=outer_items).from_(exp.Subquery(this=tree, alias=exp.TableAlias(
        this=exp.to_identifier("_u"))))
    def compared(i: int) -> exp.Expression:  # column i as rows are grouped and sorted
        if i in texted:  # by the exact texts, as numbers (a double would tie 2^63 + 1 and 2^63 + 2)
            return exp.Collate(this=exp.column(_TEXT.format(i + 1)),
                               expression=exp.to_identifier(pgtypes.NUMERIC_TEXT_COLLATION))
        value = exp.column(_VALUE.format(i + 1))
        return exp.Anonymous(this="pg_interval_key", expressions=[value]) if i in p.intervals else value

    if p.distinct:
        # Duplicates merge into the row of the first branch that has the value, as
        # PostgreSQL's Append feeds its HashAggregate (or its stable sort for few rows):
        # SQLite takes a group's bare columns from the row where its one min() is.
        outer.set("group", exp.Group(expressions=[compared(i) for i in range(len(p.names))]))
        outer.set("having", exp.Having(this=exp.Not(this=exp.Is(
            this=exp.Min(this=exp.column(_BRANCH)), expression=exp.Null()))))
    if order is not None:
        for o in order.expressions:
            key = o.this
            if isinstance(key, exp.Literal) and str(key.this).isdigit():
                o.set("this", compared(int(key.this) - 1))
        outer.set("order", order)
    for k, v in (("limit", limit), ("offset", offset)):
        if v is not None:
            outer.set(k, v)
    return outer


def _derived_unions(tree: exp.Expression) -> list[tuple[exp.Union, str]]:
    """The UNIONs a statement reads as a FROM subquery or a CTE, with the name it reads
    them by."""
    out = []
    for sub in tree.find_all(exp.Subquery):
        if isinstance(sub.this, exp.Union) and isinstance(sub.parent, (exp.From, exp.Join)):
            out.append((sub.this, sub.alias_or_name))
    for cte in tree.find_all(exp.CTE):
        if isinstance(cte.this, exp.Union):
            out.append((cte.this, cte.alias_or_name))
    return out


def refuse_read_through(tree: exp.Expression, column_oids) -> None:
    """0A000 for a statement that reads, through a subquery or a CTE, a numeric column of
    a UNION whose branches show different scales (`select * from (select price ... union
    select qty ...) s`): SQLite declares that column with one branch's scale, so every row
    would show it, and the rows of the other branch would be shown wrongly.
    `column_oids(e)` are the result types of `e` (queries._column_oids)."""
    for body, name in _derived_unions(tree):
        branches = _union_chain(body)
        if branches is None or not all(isinstance(b, exp.Select) for b in branches):
            continue
        oids = column_oids(body)
        first = branches[0].expressions
        alias = body.parent.args.get("alias") if isinstance(body.parent, exp.CTE) else None
        listed = [c.name for c in alias.columns] if isinstance(alias, exp.TableAlias) else []  # WITH t(a, b)
        names = listed + [p.alias_or_name for p in first[len(listed):]]
        mixed = {names[i] for i in range(min(len(oids), len(first))) if oids[i] == pgtypes.NUMERIC
                 and all(i < len(b.expressions) for b in branches)
                 and len({_branch_scale(b.expressions[i]) for b in branches if not is_null(b.expressions[i])}) > 1}
        if not mixed:
            continue
        inside = set(map(id, body.find_all(exp.Expression)))
        for node in tree.find_all(exp.Column, exp.Star):
            if id(node) in inside:
                continue
            star = (isinstance(node, exp.Star) or isinstance(node.this, exp.Star)) and \
                isinstance(node.parent, exp.Select) and node.arg_key == "expressions"  # not count(*)
            if star and (not isinstance(node, exp.Column) or node.table in ("", name)) or \
                    isinstance(node, exp.Column) and node.table in ("", name) and node.name in mixed:
                raise SqlError(f'reading the numeric column of a UNION whose branches have different scales '
                               f'through "{name}" is not supported: each row would lose its own scale '
                               "(select from the UNION itself, or cast the branches to one scale)", "0A000")
