"""`x op ANY (subquery)` and `x op ALL (subquery)`, which SQLite has neither of, as IN /
NOT IN or a CASE over EXISTS that keeps PostgreSQL's three-valued answer. Pure: a
rewrite of the sqlglot tree (ANY / ALL over an array is queries.py's).
"""

from __future__ import annotations

from sqlglot import exp

from compute_node.pg_sql import exprtypes
from sixfold.errors import SqlError

_OPERATORS = (exp.EQ, exp.NEQ, exp.GT, exp.GTE, exp.LT, exp.LTE)


def _query(q: exp.Any | exp.All) -> exp.Query | None:
    """The subquery of `x op ANY / ALL (subquery)`, None when it is an array's."""
    sub = q.this
    while isinstance(sub, (exp.Paren, exp.Subquery)):
        sub = sub.this
    return sub if isinstance(sub, exp.Query) else None


_SCALAR_KINDS = frozenset({"int", "num", "float", "bool", "date", "time", "timestamp", "timestamptz", "interval",
                           "uuid", "text", "json", "jsonb"})


def over_array_of_scalar(q: exp.Expression) -> bool:
    """`x = ANY (1)`, `x = ALL (int_column)`: no array on the right (PostgreSQL's 42809);
    SQLite would read the value as an array's text. A quoted literal is an array's text.
    (sqlglot reads `x op ALL (v)` as a call of all(v).)"""
    if isinstance(q, exp.Anonymous):
        if q.name.lower() != "all" or len(q.expressions) != 1 or not isinstance(q.parent, _OPERATORS):
            return False
        value = q.expressions[0]  # (in the tree: its column is typed by its scope)
        if isinstance(value, (exp.Subquery, exp.Query)):
            return False
    elif not isinstance(q, (exp.Any, exp.All)) or _query(q) is not None:
        return False
    else:
        value = q.this
    while isinstance(value, exp.Paren):
        value = value.this
    if isinstance(value, exp.Literal):
        return not value.is_string
    if isinstance(value, exp.Column) and exprtypes.column_decl(value) is not None:
        return exprtypes.kind(value) in _SCALAR_KINDS
    return False


def rewrite(node: exp.Expression) -> exp.Expression:
    """`x op ANY (subquery)` / `x op ALL (subquery)`: SQLite has neither. = ANY is IN and
    <> ALL is NOT IN; any other operator is a CASE over EXISTS: ANY is true when some row
    makes `x op v` true, else NULL when some row makes it NULL, else false (ALL: false
    when some row makes it false, else NULL / true)."""
    quant, x = node.expression, node.this
    query = _query(quant)
    is_any = isinstance(quant, exp.Any)
    if isinstance(x, exp.Tuple):
        raise SqlError("a row compared with ANY / ALL (subquery) is not supported", "0A000")
    first = query
    while isinstance(first, exp.SetOperation):
        first = first.this
    if not isinstance(first, exp.Select) or len(first.expressions) != 1 or first.is_star:
        raise SqlError("subquery has too many columns", "42601")
    _refuse_array_rows(node, x, first.expressions[0])
    if isinstance(node, exp.EQ) and is_any or isinstance(node, exp.NEQ) and not is_any:
        cond = exp.In(this=x.copy(), query=exp.Subquery(this=query.copy()))
        return cond if is_any else exp.Not(this=cond)

    def rows_where(cond_of) -> exp.Exists:
        q = query.copy()
        head = q
        while isinstance(head, exp.SetOperation):
            head = head.this
        head.expressions[0].replace(exp.alias_(head.expressions[0].unalias().copy(), "pg_v", quoted=True))
        v = exp.column("pg_v", table="pg_q", quoted=True)
        test = node.__class__(this=x.copy(), expression=v)
        return exp.Exists(this=exp.select(exp.Literal.number(1)).from_(
            exp.Subquery(this=q, alias=exp.TableAlias(this=exp.to_identifier("pg_q")))).where(cond_of(test)))

    decisive = rows_where(lambda t: t) if is_any else rows_where(lambda t: exp.Not(this=exp.Paren(this=t)))
    unknown = rows_where(lambda t: exp.Is(this=exp.Paren(this=t), expression=exp.Null()))
    return exp.Case(ifs=[exp.If(this=decisive, true=exp.true() if is_any else exp.false()),
                         exp.If(this=unknown, true=exp.Null())],
                    default=exp.false() if is_any else exp.true())


def _refuse_array_rows(node: exp.Expression, x: exp.Expression, value: exp.Expression) -> None:
    """`x op ANY ((SELECT array_agg(...)))` compares x with each row's array, not with its
    elements: an integer with an integer[] has no operator (42883), and an untyped literal
    is read as an array (22P02). (ANY (array) is the other form: queries.py's.)"""
    if exprtypes.kind(value.unalias()) != "array" or exprtypes.kind(x) in ("array", ""):
        return
    if exprtypes.kind(x) == "unknown":
        raise SqlError(f'malformed array literal: "{x.name}"', "22P02")
    op = {exp.EQ: "=", exp.NEQ: "<>", exp.GT: ">", exp.GTE: ">=", exp.LT: "<", exp.LTE: "<="}[type(node)]
    element = exprtypes.array_element_kind(value.unalias()) or exprtypes.kind(_aggregated(value.unalias()))
    element = _ELEMENT_LABELS.get(element, element) or "anyelement"
    raise SqlError(f"operator does not exist: {exprtypes.type_label(x)} {op} {element}[]", "42883")


_ELEMENT_LABELS = {"int2": "smallint", "int4": "integer", "int8": "bigint", "float4": "real",
                   "float8": "double precision", "int": "integer", "num": "numeric", "float": "double precision",
                   "bool": "boolean"}


def _aggregated(value: exp.Expression) -> exp.Expression | None:
    return value.this if isinstance(value, exp.ArrayAgg) else None


def read_all_call(node: exp.Expression) -> None:
    """`x op ALL ((SELECT ...))`, which sqlglot reads as a call of all(), as ALL over the
    subquery."""
    if not isinstance(node, _OPERATORS):
        return
    call = node.expression
    if isinstance(call, exp.Anonymous) and call.name.lower() == "all" and len(call.expressions) == 1 and \
            isinstance(call.expressions[0], exp.Subquery):
        node.set("expression", exp.All(this=call.expressions[0]))


def over_subquery(node: exp.Expression) -> bool:
    """Whether `node` is `x op ANY / ALL (subquery)`."""
    return isinstance(node, _OPERATORS) and isinstance(node.expression, (exp.Any, exp.All)) and \
        _query(node.expression) is not None
