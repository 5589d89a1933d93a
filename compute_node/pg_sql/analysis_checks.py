"""Type checks PostgreSQL's parse analysis makes that SQLite, with its loose types, does
not: a statement that would fail there must fail here, before a row is read.

- A condition (WHERE, HAVING, JOIN ... ON, FILTER, CASE WHEN, AND, OR, NOT) must be a
  boolean: SQLite reads any number as a truth value (42804); a quoted literal there is
  read as a boolean ('t' AND x; 22P02 for 'x').
- `||` takes a string or an array on one side: `1 || 2` is no operator (42883).
- `x op ANY / ALL (v)` needs an array v (42809).
- A quoted literal given for a function's integer parameter is read as an integer
  (`substr(t, '2')` was NULL; `substr(t, 'x')` is 22P02).
- json has no equality or order: `=`, `<`, DISTINCT, GROUP BY, ORDER BY, UNION of json
  fail (42883); SQLite compared the texts.
- DISTINCT ON keys must lead the ORDER BY (42P10; distinct_on.check); a plain DISTINCT's
  ORDER BY columns must be in the select list (42P10; SQLite sorted the distinct rows by
  a value of one of the rows each stands for).
- LIKE, ILIKE and the regular expression operators take strings: `t LIKE 1` and `i LIKE
  '1'` are no operators (42883; SQLite compared the texts).
- An output alias is no column in WHERE, HAVING or an ORDER BY expression
  (42703; SQLite reads it); a subquery in FROM needs an alias (42601, PostgreSQL 15).
- The branches of UNION / INTERSECT / EXCEPT must agree on each column's type category:
  integer beside text is 42804 ("UNION types integer and text cannot be matched").

Only forms whose type is certain here are checked (a column of a table, a literal, a
cast, arithmetic over those): a function's result type may not be known, and a false
refusal would break a statement PostgreSQL runs. Pure: a walk over the sqlglot tree,
reading types through exprtypes."""

from __future__ import annotations

from sqlglot import exp

from compute_node.pg_sql import distinct_on, exprtypes, int_coercion, quantified, schema, values
from sixfold.errors import HINT_MARK, SqlError

_NOT_BOOLEAN_KINDS = frozenset({"int", "num", "float", "text", "date", "time", "timestamp", "timestamptz", "interval",
                                "json", "jsonb", "uuid", "bytea"})
_NO_CONCATENATION_KINDS = frozenset({"int", "num", "float", "bool", "date", "time", "timestamp", "timestamptz",
                                     "interval", "uuid"})
_SIMPLE_VALUE = (exp.Column, exp.Literal, exp.Cast, exp.Add, exp.Sub, exp.Mul, exp.Div, exp.Mod)
_WINDOW_ONLY = (exp.RowNumber, exp.Rank, exp.DenseRank, exp.PercentRank, exp.CumeDist, exp.Ntile)
_COMPARISONS = (exp.EQ, exp.NEQ, exp.GT, exp.GTE, exp.LT, exp.LTE)
# PostgreSQL's type categories: types of one category resolve to a common type in a set
# operation's column; of two, they cannot be matched.
_CATEGORY = {"int": "numeric", "num": "numeric", "float": "numeric", "text": "string", "bool": "boolean",
             "date": "datetime", "timestamp": "datetime", "timestamptz": "datetime", "time": "time",
             "interval": "timespan", "uuid": "uuid", "json": "json", "jsonb": "jsonb", "bytea": "bytea"}


def _sure(e: exp.Expression) -> exp.Expression | None:
    """`e` (unparenthesized) when its type is certain here, else None."""
    while isinstance(e, exp.Paren):
        e = e.this
    if isinstance(e, exp.Alias):
        e = e.this
    if not isinstance(e, _SIMPLE_VALUE) or isinstance(e, exp.Column) and exprtypes.column_decl(e) is None:
        return None
    return e


def _boolean_argument(e: exp.Expression, where: str) -> None:
    inner = e
    while isinstance(inner, exp.Paren):
        inner = inner.this
    if isinstance(inner, exp.Literal) and inner.is_string:
        try:
            truth = values.parse_bool(inner.this)
        except values.InputError as err:
            raise SqlError(str(err), err.sqlstate) from None
        inner.replace(exp.Boolean(this=bool(truth)))  # ('t' AND x: SQLite would read the text 't' as false)
        return
    sure = _sure(inner)
    if sure is not None and exprtypes.kind(sure) in _NOT_BOOLEAN_KINDS:
        raise SqlError(f"argument of {where} must be type boolean, not type {exprtypes.type_label(sure)}", "42804")


_MATCH_OPERATORS = {exp.Like: ("~~", "!~~"), exp.ILike: ("~~*", "!~~*"), exp.RegexpLike: ("~", "!~"),
                    exp.RegexpILike: ("~*", "!~*")}


def _match_operands(node: exp.Expression) -> None:
    """`x LIKE y` (ILIKE, ~, ~*, their negations) of a number, date, boolean ...: 42883."""
    ops = _MATCH_OPERATORS.get(type(node))
    if ops is None:
        return
    left, right = _sure(node.this), _sure(node.expression)
    if left is None or right is None or not ({exprtypes.kind(left), exprtypes.kind(right)} & _NO_CONCATENATION_KINDS):
        return
    negated = node.args.get("negate") or isinstance(node.parent, exp.Not)
    raise SqlError(f"operator does not exist: {exprtypes.type_label(left)} {ops[bool(negated)]} "
                   f"{exprtypes.type_label(right)}", "42883")


def _distinct_order(sel: exp.Select) -> None:
    """SELECT DISTINCT ... ORDER BY a column the select list does not hold: 42P10. Judged
    only when every item is a column or has an alias (an expression's implicit name, such
    as count, is a name ORDER BY may use) and for ORDER BY keys that are columns."""
    distinct, order = sel.args.get("distinct"), sel.args.get("order")
    if distinct is None or distinct.args.get("on") is not None or order is None:
        return
    names = set()
    for item in sel.expressions:
        bare = item.unalias()
        if isinstance(bare, exp.Column) and not isinstance(bare.this, exp.Star):
            names.add(bare.name.lower())
        elif not isinstance(item, exp.Alias):
            return
        if isinstance(item, exp.Alias):
            names.add(item.alias.lower())
    for key in order.expressions:
        col = key.this
        if isinstance(col, exp.Column) and not isinstance(col.this, exp.Star) and col.name.lower() not in names:
            raise SqlError("for SELECT DISTINCT, ORDER BY expressions must appear in select list", "42P10")


def _is_json(e: exp.Expression) -> bool:
    sure = _sure(e)
    return sure is not None and exprtypes.kind(sure) == "json"


def _json_keys(node: exp.Expression) -> None:
    """42883 for json where PostgreSQL needs its equality or order."""
    if isinstance(node, _COMPARISONS) and _is_json(node.this) and _is_json(node.expression):
        op = {exp.EQ: "=", exp.NEQ: "<>", exp.GT: ">", exp.GTE: ">=", exp.LT: "<", exp.LTE: "<="}[type(node)]
        raise SqlError(f"operator does not exist: json {op} json", "42883")
    if isinstance(node, exp.Ordered) and _is_json(node.this):
        raise SqlError(f"could not identify an ordering operator for type json{HINT_MARK}Use an explicit ordering "
                       "operator or modify the query.", "42883")
    distinct = isinstance(node, exp.Select) and isinstance(node.args.get("distinct"), exp.Distinct) and \
        node.args["distinct"].args.get("on") is None
    keys = list(node.expressions) if distinct else \
        list(node.expressions) if isinstance(node, exp.Group) else \
        list(node.expressions) if isinstance(node, exp.Distinct) and isinstance(node.parent, exp.AggFunc) else []
    if any(_is_json(k) for k in keys):
        raise SqlError("could not identify an equality operator for type json", "42883")


def _branches(op: exp.SetOperation) -> list[exp.Select] | None:
    out = []
    for side in (op.this, op.expression):
        while isinstance(side, exp.Subquery):
            side = side.this
        if isinstance(side, exp.SetOperation):
            inner = _branches(side)
            if inner is None:
                return None
            out += inner
        elif isinstance(side, exp.Select):
            out.append(side)
        else:
            return None
    return out


def _set_operation_types(op: exp.SetOperation) -> None:
    """42804 for a column whose branches' types are of two categories (as PostgreSQL
    resolves them, left to right); only branches whose columns' types are certain."""
    if isinstance(op.parent, exp.SetOperation):
        return  # (the outermost one reads every branch)
    branches = _branches(op)
    if not branches or any(any(isinstance(e, exp.Star) or isinstance(e, exp.Column) and isinstance(e.this, exp.Star)
                               for e in b.expressions) for b in branches):
        return
    width = len(branches[0].expressions)
    if any(len(b.expressions) != width for b in branches):
        return  # (SQLite's own error says so)
    word = {exp.Union: "UNION", exp.Intersect: "INTERSECT", exp.Except: "EXCEPT"}.get(type(op), "UNION")
    for i in range(width):
        first = None
        for b in branches:
            sure = _sure(b.expressions[i])
            if sure is None or isinstance(sure, exp.Literal) and sure.is_string:
                continue  # (an untyped literal takes the others' type)
            kind = exprtypes.kind(sure)
            if kind not in _CATEGORY:
                continue
            if first is None:
                first = sure
            elif _CATEGORY[kind] != _CATEGORY[exprtypes.kind(first)]:
                raise SqlError(f"{word} types {exprtypes.type_label(first)} and {exprtypes.type_label(sure)} cannot "
                               "be matched", "42804")
        if first is not None and exprtypes.kind(first) == "json" and \
                not (isinstance(op, exp.Union) and op.args.get("distinct") is False):  # (all but UNION ALL)
            raise SqlError("could not identify an equality operator for type json", "42883")


# Functions' integer parameters (0-based positions among the call's arguments as written):
# a quoted literal there is read as an integer while the statement is analyzed, 22P02 for
# 'x' (substr(t, 'x') answered ''; lpad(t, 'x') was an internal error).
_INTEGER_PARAMETERS = {"substr": (1, 2), "substring": (1, 2), "left": (1,), "right": (1,), "lpad": (1,),
                       "rpad": (1,), "repeat": (1,), "split_part": (2,), "array_length": (1,), "array_upper": (1,),
                       "array_lower": (1,), "round": (1,), "trunc": (1,), "chr": (0,), "to_hex": (0,),
                       "make_date": (0, 1, 2)}
WRITTEN_NAME = "sixfold_written_name"  # (queries marks each call with its name as written)


def _integer_literals(call: exp.Func) -> None:
    name = call.meta.get(WRITTEN_NAME) or (call.name.lower() if isinstance(call, exp.Anonymous) else None)
    at = _INTEGER_PARAMETERS.get(name)
    if not at:
        return
    args = list(call.expressions) if isinstance(call, exp.Anonymous) else list(call.iter_expressions())
    for i in at:
        if i < len(args) and isinstance(args[i], exp.Literal) and args[i].is_string:
            try:
                n = int_coercion.to_int(args[i].this, 32, "text")
            except values.InputError as e:
                raise SqlError(str(e), e.sqlstate) from None
            args[i].replace(exp.Literal.number(n))  # (substr(t, '2') of SQLite's is NULL)

# Functions PostgreSQL has only for some argument types (or counts): a call with an
# argument of a sure type outside them is 42883; SQLite's function would take anything
# (abs(true) was true, encode(text, 'hex') the text's bytes).
_STRING = frozenset({"text"})
_ARGUMENT_KINDS = {"abs": (frozenset({"int", "num", "float"}),), "encode": (frozenset({"bytea"}), _STRING),
                   "string_to_array": (_STRING, _STRING, _STRING), "concat_ws": (_STRING,),
                   "jsonb_extract_path": (frozenset({"jsonb"}),) + (_STRING,) * 32,
                   "json_extract_path": (frozenset({"json"}),) + (_STRING,) * 32,
                   "string_agg": (frozenset({"text", "bytea"}),)}
_ARGUMENT_COUNTS = {"array_length": (2,), "array_upper": (2,), "array_lower": (2,)}


def _argument_types(call: exp.Func) -> None:
    name = call.meta.get(WRITTEN_NAME) or (call.name.lower() if isinstance(call, exp.Anonymous) else
                                           "string_agg" if isinstance(call, exp.GroupConcat) else None)
    kinds, counts = _ARGUMENT_KINDS.get(name), _ARGUMENT_COUNTS.get(name)
    if kinds is None and counts is None:
        return
    args = list(call.expressions) if isinstance(call, exp.Anonymous) else list(call.iter_expressions())
    wrong = counts is not None and len(args) not in counts
    for i, a in enumerate(args):
        sure = _sure(a)
        if kinds and i < len(kinds) and sure is not None and not (isinstance(sure, exp.Literal) and sure.is_string) \
                and exprtypes.kind(sure) not in kinds[i] and exprtypes.kind(sure) in _CATEGORY:
            wrong = True
    if wrong:
        labels = ", ".join(exprtypes.type_label(a) or "unknown" for a in args)
        raise SqlError(f"function {name}({labels}) does not exist", "42883")


def _source_columns(src: exp.Expression) -> set[str] | None:
    """The lower-case column names a FROM item gives, None when they are not known here."""
    if isinstance(src, exp.Table) and isinstance(src.this, exp.Identifier):
        cte = exprtypes.cte_named(src.name, src)
        if cte is not None:
            body = cte.this
            if cte.args.get("alias") is not None and cte.args["alias"].columns:
                return {c.name.lower() for c in cte.args["alias"].columns}
            return _select_names(body)
        cat = schema.current()
        cols = cat.columns(src.name) if cat is not None and src.args.get("db") is None else None
        return {n.lower() for n, _ in cols} if cols else None
    if isinstance(src, exp.Subquery):
        alias = src.args.get("alias")
        if alias is not None and alias.columns:
            return {c.name.lower() for c in alias.columns}
        return _select_names(src.this)
    return None


def _select_names(body: exp.Expression) -> set[str] | None:
    while isinstance(body, exp.SetOperation):
        body = body.this
    if not isinstance(body, exp.Select) or any(isinstance(e, exp.Star) or isinstance(e, exp.Column) and
                                               isinstance(e.this, exp.Star) for e in body.expressions):
        return None
    return {e.alias_or_name.lower() for e in body.expressions}


def _output_alias_references(sel: exp.Select) -> None:
    """An output column's alias is no column in WHERE, HAVING or an ORDER BY expression
    (only a bare ORDER BY or GROUP BY item names it): PostgreSQL's 42703, where SQLite
    reads the alias (`select v as y from t where y > 1` answered)."""
    aliases = {e.alias.lower() for e in sel.expressions if isinstance(e, exp.Alias) and e.alias}
    if not aliases:
        return
    frm = sel.args.get("from") or sel.args.get("from_")
    sources = ([frm.this] if frm is not None else []) + [j.this for j in sel.args.get("joins") or ()]
    columns: set[str] = set()
    for src in sources:
        names = _source_columns(src)
        if names is None:
            return  # (a source whose columns are not known here: the name may be one of them)
        columns |= names
    places = [sel.args.get("where"), sel.args.get("having")]
    places += [o.this for o in (sel.args.get("order") or exp.Order()).expressions if not isinstance(o.this, exp.Column)]
    # (GROUP BY is not checked: an alias may be a grouping set's or ROLLUP's item)
    for place in places:
        for col in place.find_all(exp.Column) if place is not None else ():
            if not col.table and col.name.lower() in aliases and col.name.lower() not in columns and \
                    col.find_ancestor(exp.Select) is sel and isinstance(col.this, exp.Identifier):
                raise SqlError(f'column "{col.name}" does not exist', "42703")


def _from_items(sel: exp.Select) -> None:
    """A subquery or VALUES in FROM needs an alias in PostgreSQL 15 (42601); FOR UPDATE OF
    must name a FROM item (42P01)."""
    frm = sel.args.get("from") or sel.args.get("from_")
    sources = ([frm.this] if frm is not None else []) + [j.this for j in sel.args.get("joins") or ()]
    for src in sources:
        if isinstance(src, (exp.Subquery, exp.Values)) and src.args.get("alias") is None:
            what = "VALUES" if isinstance(src, exp.Values) or isinstance(src.this, exp.Values) else "subquery"
            raise SqlError(f"{what} in FROM must have an alias{HINT_MARK}For example, FROM (SELECT ...) [AS] foo.",
                           "42601")
    names = [s.alias_or_name.lower() for s in sources if isinstance(s, (exp.Table, exp.Subquery))]
    for name in names:
        if names.count(name) > 1:
            raise SqlError(f'table name "{name}" specified more than once', "42712")
    named = {s.alias_or_name.lower() for s in sources}
    for lock in sel.args.get("locks") or ():
        for table in lock.args.get("expressions") or ():
            if isinstance(table, (exp.Table, exp.Column)) and table.name.lower() not in named:
                raise SqlError(f'relation "{table.name}" in FOR UPDATE clause not found in FROM clause', "42P01")


def _own(node: exp.Expression, clause: exp.Expression) -> bool:
    """Whether `node` belongs to `clause`'s own query level (no subquery between them)."""
    p = node.parent
    while p is not None and p is not clause:
        if isinstance(p, (exp.Select, exp.Subquery, exp.SetOperation)):
            return False
        p = p.parent
    return p is clause


def _aggregates_placed(node: exp.Expression) -> None:
    """Aggregates and window functions where PostgreSQL's analysis refuses them: nested
    aggregates, aggregates in WHERE or an UPDATE's SET (42803), window functions in WHERE
    or HAVING (42P20). SQLite said "misuse of aggregate function" in its own words."""
    windowed = isinstance(node, exp.AggFunc) and isinstance(node.parent, exp.Window)
    if isinstance(node, exp.AggFunc) and not windowed:
        for inner in node.find_all(exp.AggFunc):
            if inner is not node and not isinstance(inner.parent, exp.Window) and _own(inner, node):
                raise SqlError("aggregate function calls cannot be nested", "42803")
    for clause, word in ((exp.Where, "WHERE"), (exp.Having, "HAVING")):
        if isinstance(node, clause) and not isinstance(node.parent, exp.Filter):
            for w in node.find_all(exp.Window):
                if _own(w, node):
                    raise SqlError(f"window functions are not allowed in {word}", "42P20")
            if clause is exp.Where:
                for agg in node.find_all(exp.AggFunc):
                    if not isinstance(agg.parent, exp.Window) and _own(agg, node):
                        raise SqlError("aggregate functions are not allowed in WHERE", "42803")
    if isinstance(node, exp.Update):
        for eq in node.expressions:
            for agg in eq.find_all(exp.AggFunc):
                if not isinstance(agg.parent, exp.Window) and _own(agg, eq):
                    raise SqlError("aggregate functions are not allowed in UPDATE", "42803")


def _subquery_width(node: exp.Expression) -> None:
    """`x IN (SELECT a, b ...)` (42601 subquery has too many columns), and a select list's
    scalar subquery or ARRAY(SELECT ...) of two columns (42601): SQLite's words, or
    ARRAY(...) answered. (A row compared with a subquery's row, a LATERAL subquery and
    `SET (a, b) = (SELECT ...)` take several columns.)"""
    holder = node.parent.parent if isinstance(node.parent, exp.Alias) else node.parent
    if isinstance(node, exp.In) and not isinstance(node.this, exp.Tuple):
        query = node.args.get("query")
    elif isinstance(node, exp.Subquery) and isinstance(holder, exp.Select) and node.arg_key == "this" or \
            isinstance(node, exp.Subquery) and isinstance(node.parent, exp.Select) and node.arg_key == "expressions":
        query = node.this
    elif isinstance(node, exp.Array) and len(node.expressions) == 1 and isinstance(node.expressions[0], exp.Select):
        query = node.expressions[0]
    else:
        return
    while isinstance(query, exp.Subquery):
        query = query.this
    if not isinstance(query, exp.Select) or len(query.expressions) < 2 or any(
            isinstance(e, exp.Star) or isinstance(e, exp.Column) and isinstance(e.this, exp.Star)
            for e in query.expressions):
        return
    raise SqlError("subquery has too many columns" if isinstance(node, exp.In) else
                   "subquery must return only one column", "42601")


def check(tree: exp.Expression) -> None:
    """Raise what PostgreSQL's analysis raises for the forms above (see the module)."""
    for node in tree.walk():
        if isinstance(node, (exp.Any, exp.All, exp.Anonymous)) and quantified.over_array_of_scalar(node):
            raise SqlError("op ANY/ALL (array) requires array on right side", "42809")
        if isinstance(node, exp.DPipe) and all(
                (sure := _sure(x)) is not None and exprtypes.kind(sure) in _NO_CONCATENATION_KINDS
                for x in (node.this, node.expression)):
            raise SqlError(f"operator does not exist: {exprtypes.type_label(node.this)} || "
                           f"{exprtypes.type_label(node.expression)}", "42883")
        _json_keys(node)
        _match_operands(node)
        _aggregates_placed(node)
        _subquery_width(node)
        if isinstance(node, exp.Func):
            _integer_literals(node)
            _argument_types(node)
        if isinstance(node, _WINDOW_ONLY) and not isinstance(node.parent, exp.Window):
            name = node.meta.get(WRITTEN_NAME) or node.sql_name().lower()
            raise SqlError(f"window function {name} requires an OVER clause", "42809")
        if isinstance(node, exp.Select):
            distinct_on.check(node)
            _distinct_order(node)
            _from_items(node)
            _output_alias_references(node)
        if isinstance(node, exp.SetOperation):
            _set_operation_types(node)
        if isinstance(node, exp.Where):
            _boolean_argument(node.this, "FILTER" if isinstance(node.parent, exp.Filter) else "WHERE")
        elif isinstance(node, exp.Having):
            _boolean_argument(node.this, "HAVING")
        elif isinstance(node, exp.Join) and node.args.get("on") is not None:
            _boolean_argument(node.args["on"], "JOIN/ON")
        elif isinstance(node, exp.Case) and node.this is None:
            for branch in node.args.get("ifs") or ():
                _boolean_argument(branch.this, "CASE/WHEN")
        elif isinstance(node, (exp.And, exp.Or)):
            for side in (node.this, node.expression):
                _boolean_argument(side, "AND" if isinstance(node, exp.And) else "OR")
        elif isinstance(node, exp.Not):
            _boolean_argument(node.this, "NOT")
