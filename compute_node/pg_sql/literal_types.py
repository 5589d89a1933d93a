"""Quoted literals that take their type from their neighbours, as PostgreSQL resolves
them. Pure (a rewrite of sqlglot trees).

A quoted literal has no type of its own in PostgreSQL ("unknown"). Where a value can
come from several expressions (CASE and COALESCE branches, GREATEST / LEAST, NULLIF,
ARRAY[...] elements, a column of a VALUES list or of the branches of UNION / INTERSECT
/ EXCEPT), the literals take the type the others agree on and are converted to it
before anything else: `coalesce(null, '2 hours', interval '1 day')` is 02:00:00,
`(values (true), ('f'))` a boolean column, `(values (10), ('9')) order by 1` sorts
numbers. Sixfold stores typed values in a canonical form, so a literal left as written
would show, compare and sort as text. `coerce(tree)` wraps each such literal in a cast
to the others' type, which the translator then turns into the stored form (and which
fails with PostgreSQL's error for a literal the type cannot read, as there).
"""

from __future__ import annotations

import sqlglot
from sqlglot import exp

from compute_node.pg_sql import exprtypes
from compute_node.pg_sql import types as pgtypes
from sixfold.errors import SqlError

# Kinds whose stored form or order differs from a literal's text. Arrays, enums and
# text take a literal as written.
_COERCED = {"int", "num", "float", "bool", "date", "time", "timestamp", "timestamptz", "interval", "json", "jsonb",
            "uuid", "bytea"}


_ARITHMETIC = (exp.Add, exp.Sub, exp.Mul, exp.Div, exp.Mod)


def _is_literal(e: exp.Expression) -> bool:
    return isinstance(e, exp.Literal) and e.is_string


def _coerce_group(members: list[exp.Expression]) -> None:
    """Cast the quoted literals among `members` to the type the others share."""
    literals = [m for m in members if _is_literal(m)]
    if not literals:
        return
    typed = [m for m in members if not _is_literal(m) and not isinstance(m, exp.Null)]
    kinds = {exprtypes.kind(m) for m in typed}
    labels = {exprtypes.type_label(m) for m in typed}
    if len(kinds) != 1 or len(labels) != 1 or not kinds <= _COERCED:
        return  # no type, or several: PostgreSQL's rules for mixed types are not needed here
    label = labels.pop()
    try:
        to = exp.DataType.build(label, dialect="postgres")
    except (sqlglot.errors.ParseError, ValueError):  # a label sqlglot cannot read back: leave them
        return
    for lit in literals:
        cast = exp.Cast(this=lit.copy(), to=to.copy())
        # a select list's literal keeps its column name (?column?, not the type's)
        lit.replace(exp.alias_(cast, "?column?", quoted=True) if isinstance(lit.parent, exp.Select) else cast)


def _real_group(members: list[exp.Expression]) -> None:
    """Cast the decimal number literals among `members` to real when the value is a real
    (a real with integers and numerics): PostgreSQL converts the constant while planning,
    so `coalesce(r, 1e300)` is 22003 as `1e300::real` is."""
    if not any(exprtypes.oid(m) == pgtypes.FLOAT4 for m in members) or \
            any(exprtypes.kind(m) == "float" and exprtypes.oid(m) != pgtypes.FLOAT4 for m in members):
        return
    for m in members:
        lit = m.this if isinstance(m, exp.Neg) else m
        if isinstance(lit, exp.Literal) and not lit.is_string and not lit.this.isdigit():
            m.replace(exp.Cast(this=m.copy(), to=exp.DataType.build("REAL")))


def _values_columns(values: exp.Values) -> list[list[exp.Expression]]:
    rows = [r.expressions for r in values.expressions if isinstance(r, exp.Tuple)]
    if not rows or len({len(r) for r in rows}) != 1:
        return []
    return [[r[i] for r in rows] for i in range(len(rows[0]))]


def _set_operation_columns(op: exp.SetOperation) -> list[list[exp.Expression]]:
    branches: list[exp.Select] = []
    stack: list[exp.Expression] = [op]
    for _ in range(10_000):  # bounded: one step per branch
        if not stack:
            break
        node = stack.pop()
        while isinstance(node, exp.Subquery):
            node = node.this
        if isinstance(node, exp.SetOperation):
            stack += [node.right, node.this]
        elif isinstance(node, exp.Select):
            branches.append(node)
        else:
            return []
    widths = {len(b.expressions) for b in branches}
    if len(widths) != 1 or any(isinstance(x.unalias(), exp.Star) for b in branches for x in b.expressions):
        return []
    return [[b.expressions[i].unalias() for b in branches] for i in range(widths.pop())]


# Kinds a simple CASE's quoted WHEN values are read as (enums and text compare as written;
# a catalog's "char" column is no boolean).
_SIMPLE_CASE_KINDS = frozenset({"int", "num", "float", "date", "timestamp", "timestamptz", "interval", "uuid"})
_SYMBOL = {exp.Add: "+", exp.Sub: "-", exp.Mul: "*", exp.Div: "/", exp.Mod: "%"}
_TYPE_NAME = {"date": "date", "timestamp": "timestamp without time zone",
              "timestamptz": "timestamp with time zone", "interval": "interval"}
# How PostgreSQL resolves `x op 'literal'` (and `'literal' op x`) for x of a date/time
# kind: the literal's type, or "not unique" (42725) / "does not exist" (42883). With both
# operands of one type when such an operator exists (date - date is an integer: `d - '1'`
# reads '1' as a date and fails), else the one candidate left (timestamp + interval).
_TEMPORAL_OPERAND = {
    (exp.Add, "date"): "not unique", (exp.Sub, "date"): "date",
    (exp.Add, "timestamp"): "interval", (exp.Sub, "timestamp"): "timestamp",
    (exp.Add, "timestamptz"): "interval", (exp.Sub, "timestamptz"): "timestamptz",
    (exp.Add, "interval"): "interval", (exp.Sub, "interval"): "interval",
    (exp.Mul, "interval"): "double precision", (exp.Div, "interval", "right"): "double precision",
}


def _temporal_operand(node: exp.Expression) -> None:
    """A quoted literal beside a date/time value, or two of them, in arithmetic: cast to
    the type PostgreSQL reads it as, or PostgreSQL's operator error (see _TEMPORAL_OPERAND)."""
    left, right = node.this, node.expression
    if _is_literal(left) and _is_literal(right):
        raise SqlError(f"operator is not unique: unknown {_SYMBOL[type(node)]} unknown", "42725")
    lit, other, side = (left, right, "left") if _is_literal(left) else (right, left, "right") \
        if _is_literal(right) else (None, None, None)
    k = exprtypes.kind(other) if other is not None else None
    if k not in _TYPE_NAME:
        return
    to = _TEMPORAL_OPERAND.get((type(node), k, side)) or _TEMPORAL_OPERAND.get((type(node), k), "does not exist")
    if to in ("not unique", "does not exist"):
        shown = [_TYPE_NAME[k], "unknown"] if side == "right" else ["unknown", _TYPE_NAME[k]]
        raise SqlError(f"operator {'is not unique' if to == 'not unique' else 'does not exist'}: "
                       f"{shown[0]} {_SYMBOL[type(node)]} {shown[1]}", "42725" if to == "not unique" else "42883")
    lit.replace(exp.Cast(this=lit.copy(), to=exp.DataType.build(to, dialect="postgres")))


def _power_operand(node: exp.Pow) -> None:
    """`x ^ 'literal'`: ^ is float8's and numeric's; the literal is read as a numeric beside
    a numeric, else as a float8 (22P02 for 'x' while the statement is analyzed)."""
    for lit, other in ((node.this, node.expression), (node.expression, node.this)):
        if _is_literal(lit) and not _is_literal(other) and exprtypes.kind(other) in ("int", "num", "float"):
            to = "numeric" if exprtypes.kind(other) == "num" else "double precision"
            lit.replace(exp.Cast(this=lit.copy(), to=exp.DataType.build(to, dialect="postgres")))


def coerce(tree: exp.Expression) -> None:
    """Give the quoted literals of `tree` their neighbours' type (in place)."""
    for node in list(tree.find_all(exp.Coalesce, exp.Case, exp.Greatest, exp.Least, exp.Nullif, exp.Array,
                                   exp.Values, exp.SetOperation, exp.Lag, exp.Lead, exp.Pow, exp.Neg, exp.Round,
                                   exp.In, exp.Between, *_ARITHMETIC)):
        if isinstance(node, exp.Pow):
            _power_operand(node)
            continue
        if isinstance(node, exp.Neg) and _is_literal(node.this):  # -'5': -int, -numeric, -interval...
            raise SqlError("operator is not unique: - unknown", "42725")
        if isinstance(node, exp.Round) and _is_literal(node.this) and node.args.get("decimals") is None:
            # round('2.5') is round(double precision), which rounds half to even: 2
            node.this.replace(exp.Cast(this=node.this.copy(), to=exp.DataType.build("double precision",
                                                                                     dialect="postgres")))
            continue
        if isinstance(node, exp.In) and not node.args.get("query") and node.expressions:
            _coerce_group([node.this, *node.expressions])  # '1' IN (1, 2) compares integers
            continue
        if isinstance(node, exp.Between):  # x BETWEEN a AND b is x >= a AND x <= b, each resolved alone
            _coerce_group([node.this, node.args["low"]])
            _coerce_group([node.this, node.args["high"]])
            continue
        if isinstance(node, exp.Case) and node.this is not None and exprtypes.kind(node.this) in _SIMPLE_CASE_KINDS:
            for branch in node.args.get("ifs") or ():  # CASE x WHEN 'v': x = 'v'
                _coerce_group([node.this, branch.this])
        if isinstance(node, _ARITHMETIC):
            # real * '-10' is real * real (a real's product, shown as one), as PostgreSQL
            # resolves an unknown operand; only floats here (an integer's '1.5' is 22P02
            # there, and numeric arithmetic already reads the literal exactly)
            pair = [node.this, node.expression]
            if any(_is_literal(m) for m in pair) and any(exprtypes.kind(m) == "float" for m in pair):
                _coerce_group(pair)
            else:
                _temporal_operand(node)
            continue
        if isinstance(node, exp.Values):
            if isinstance(node.parent, exp.Insert):
                continue  # INSERT's rows take the target columns' types
            groups = _values_columns(node)
        elif isinstance(node, exp.SetOperation):
            if isinstance(node.parent, exp.SetOperation):
                continue  # the outermost one resolves every branch
            groups = _set_operation_columns(node)
        elif isinstance(node, exp.Array):
            groups = [list(node.expressions)]
        elif isinstance(node, exp.Nullif):
            groups = [[node.this, node.expression]]
        elif isinstance(node, (exp.Lag, exp.Lead)):  # lag(x, 1, default): anycompatible
            groups = [exprtypes.window_branches(node)]
        else:
            groups = [exprtypes.value_branches(node)]
        for members in groups:
            _coerce_group(members)
            if not isinstance(node, (exp.Values, exp.SetOperation)):
                _real_group(members)
