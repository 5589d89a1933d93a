"""Functions that return a value: CREATE FUNCTION f(x int) RETURNS int LANGUAGE sql AS
'SELECT x + 1' (or a PL/pgSQL body of IF and RETURN expression, or RETURN expr), inlined
into the statements that call them.

PostgreSQL itself inlines such SQL functions; Sixfold always does. At CREATE FUNCTION the
body becomes one PostgreSQL expression with $1..$n for the parameters (by name or by
number): a SELECT without FROM is its expression, one with FROM a scalar subquery (LIMIT
1: a SQL function returns its first row), a PL/pgSQL body a CASE over its IFs. routines.py
keeps it with the function. `inline_calls` replaces each call in a parsed statement with
`CAST(body AS return type)`, the arguments in place of the parameters, each checked against
its parameter's type as PostgreSQL resolves a call (an integer may go where a numeric is
declared, a numeric where an integer is not: 42883), STRICT as a CASE on NULL arguments.

Not supported (0A000): overloading (one function per name), OUT/INOUT/VARIADIC
parameters, RETURNS SETOF / TABLE / record / void, bodies that write (INSERT ...), named
arguments in calls. A view, default or index made with a call keeps the body of the day:
CREATE OR REPLACE FUNCTION does not change it.
"""

from __future__ import annotations

import itertools
import re

import sqlglot
from sqlglot import exp

from compute_node.pg_sql import exprtypes, plpgsql, schema
from compute_node.pg_sql import types as pgtypes
from compute_node.pg_sql.lexing import object_name, split_top_level
from sixfold.constants import FUNCTION_BODY_CHARS_MAX, FUNCTION_INLINE_DEPTH_MAX
from sixfold.errors import SqlError

_MODE = re.compile(r"^\s*(in|out|inout|variadic)\s+", re.IGNORECASE)
_DEFAULT = re.compile(r"\s+(?:default\s+|=\s*)(.+)$", re.IGNORECASE | re.DOTALL)
# Implicit casts PostgreSQL applies to a call's argument: (argument kind, parameter kind).
_IMPLICIT = {("int", "num"), ("int", "float"), ("num", "float"), ("date", "timestamp"), ("date", "timestamptz"),
             ("timestamp", "timestamptz")}
_INT_WIDTH = {"int2": 2, "int4": 4, "int8": 8}
_DECL_INT_BYTES = {"smallint": 2, "int2": 2, "integer": 4, "int": 4, "int4": 4, "bigint": 8, "int8": 8}
_VOLATILITY = re.compile(r"\b(immutable|stable|volatile)\b", re.IGNORECASE)


def _known_type(decl: str) -> bool:
    from compute_node.pg_sql import enums

    return bool(exprtypes.decl_kind(decl)) or enums.token_of_type(decl) is not None


def _arguments(text: str) -> list[dict]:
    out = []
    for i, piece in enumerate(split_top_level(text) if text.strip() else []):
        mode = _MODE.match(piece)
        if mode and mode.group(1).lower() != "in":
            raise SqlError(f"{mode.group(1).upper()} parameters are not supported", "0A000")
        piece = piece[mode.end():] if mode else piece
        default = _DEFAULT.search(piece)
        decl = (piece[:default.start()] if default else piece).strip()
        name = ""
        if not _known_type(decl):
            first, _, rest = decl.partition(" ")
            if rest.strip() and _known_type(rest.strip()):
                name, decl = object_name(first), rest.strip()
            else:
                raise SqlError(f'type "{decl}" does not exist', "42704")
        out.append({"name": name, "type": decl, "default": default.group(1).strip() if default else None})
    seen = [a["name"] for a in out if a["name"]]
    if len(seen) != len(set(seen)):
        raise SqlError("parameter name used more than once", "42P13")
    return out


def _parameters_as_numbers(tree: exp.Expression, function: str, args: list[dict]) -> exp.Expression:
    """Names of parameters (x, or function.x) as $n; a column of a table in the body's FROM
    keeps its name, as PostgreSQL prefers the column."""
    index = {a["name"]: i + 1 for i, a in enumerate(args) if a["name"]}
    tables = [t.name for t in tree.find_all(exp.Table)]
    for col in list(tree.find_all(exp.Column)):
        qual, name = col.table.lower(), col.name
        key = name if col.this.quoted else name.lower()
        if key not in index or (qual and qual != function.lower()):
            continue
        if not qual and any(schema.column_type(t, key) is not None for t in tables):
            continue
        param = exp.Parameter(this=exp.Literal.number(index[key]))
        if col is tree:  # the body is the parameter alone (SELECT x, RETURN x)
            return param
        col.replace(param)
    return tree


def _sql_body(body: str, rettype: str) -> exp.Expression:
    from compute_node.pg_sql.queries import parse_one

    text = body.strip().rstrip(";").strip()
    if len(split_top_level(text, ";")) > 1:
        raise SqlError("SQL functions of several statements are not supported", "0A000")
    tree = parse_one(text)
    if not isinstance(tree, (exp.Select, exp.Union, exp.Intersect, exp.Except)):
        raise SqlError("SQL functions that write (INSERT, UPDATE, DELETE) are not supported", "0A000")
    if len(tree.selects) != 1:
        raise SqlError(f"return type mismatch in function declared to return {rettype}", "42P13")
    plain = isinstance(tree, exp.Select) and not any(tree.args.get(k) for k in (
        "from", "from_", "joins", "where", "group", "having", "order", "limit", "distinct", "qualify", "windows"))
    if plain:
        e = tree.selects[0]
        return e.this if isinstance(e, exp.Alias) else e
    if not tree.args.get("limit"):
        tree = tree.limit(1)
    return exp.Subquery(this=tree)


def _plpgsql_body(body: str) -> exp.Expression:
    tree = plpgsql.parse_scalar_body(body)

    def case(nodes: list) -> str:
        if not nodes:
            return "pg_raise('2F005', 'control reached end of function without RETURN')"
        node, rest = nodes[0], nodes[1:]
        if isinstance(node, plpgsql.ReturnValue):
            return f"({node.expr})"
        if isinstance(node, plpgsql.Block):
            if node.handlers:
                raise SqlError("functions returning a value: EXCEPTION is not supported", "0A000")
            return case(node.body + rest)
        if isinstance(node, plpgsql.If):
            whens = [f"WHEN COALESCE(({cond}), false) THEN {case(b + rest)}" for cond, b in node.branches
                     if cond is not None]
            other = next((b for cond, b in node.branches if cond is None), [])
            text = f"(CASE {' '.join(whens)} ELSE {case(other + rest)} END)"
            if len(text) > FUNCTION_BODY_CHARS_MAX:
                raise SqlError("function body too complex to inline", "54001")
            return text
        raise AssertionError(node)  # the parser makes no other node in this mode
    try:
        return sqlglot.parse_one(case([tree]), read="postgres")
    except sqlglot.errors.ParseError as e:
        raise SqlError(f"syntax error in function body: {str(e).splitlines()[0]}", "42601") from None


def definition(name: str, args_text: str, rettype: str, language: str, body: str | None, ret_clause: str | None,
               options: str) -> dict:
    """The fields routines.py keeps of a function returning a value."""
    if rettype.lower() in ("void", "record") or rettype.lower().startswith("table"):
        raise SqlError(f"functions returning {rettype.split('(')[0]} are not supported", "0A000")
    if not _known_type(rettype):
        raise SqlError(f'type "{rettype}" does not exist', "42704")
    args = _arguments(args_text)
    if ret_clause is not None:
        tree = sqlglot.parse_one(ret_clause, read="postgres")
    elif language == "sql":
        tree = _sql_body(body or "", rettype)
    elif language == "plpgsql":
        tree = _plpgsql_body(body or "")
    else:
        raise SqlError(f"CREATE FUNCTION ... LANGUAGE {language} is not supported", "0A000")
    tree = _parameters_as_numbers(tree, name, args)
    volatility = _VOLATILITY.search(options)
    strict = bool(re.search(r"\bstrict\b|\breturns\s+null\s+on\s+null\s+input\b", options, re.IGNORECASE))
    return {"name": name, "kind": "scalar", "language": language, "args": args, "returns": rettype,
            "expr": tree.sql(dialect="postgres"), "body": body if body is not None else f"RETURN {ret_clause}",
            "strict": strict, "volatile": (volatility.group(1)[0].lower() if volatility else "v"),
            "rettype_oid": pgtypes.column_oid(rettype),
            "argtypes": " ".join(str(pgtypes.column_oid(a["type"])) for a in args),
            "arguments": ", ".join(((a["name"] + " ") if a["name"] else "") + pgtypes_name(a["type"])
                                   + (f" DEFAULT {a['default']}" if a["default"] else "") for a in args),
            "result": pgtypes_name(rettype)}


def pgtypes_name(decl: str) -> str:
    """A type as \\df prints it (integer, numeric, text, timestamp with time zone ...)."""
    oid = pgtypes.column_oid(decl)
    return pgtypes.REGTYPE_NAMES.get(oid, decl.strip().lower())


# --- inlining calls -------------------------------------------------------------------------
def _accepts(param_decl: str, arg: exp.Expression) -> bool:
    want, got = exprtypes.decl_kind(param_decl), exprtypes.kind(arg)
    if not want or got in ("", "unknown"):
        return True
    if want == got:
        if want == "int":  # int8 does not go where int4 is declared
            return _INT_WIDTH.get(exprtypes.int_width(arg), 0) <= _DECL_INT_BYTES.get(param_decl.strip().lower(), 4)
        return True
    return (got, want) in _IMPLICIT


def _functions() -> dict[str, dict]:
    from compute_node.pg_sql import routines

    cat = schema.current()
    if cat is None:
        return {}
    rows = cat.rows("SELECT sql FROM sqlite_master WHERE type = 'view' AND name LIKE 'sqlite\\_func:%' ESCAPE '\\'")
    out = {}
    for (sql,) in rows:
        fields = routines.fields_in(sql)
        if fields and fields["kind"] == "scalar":
            out[fields["name"]] = fields
    return out


def _call_name(node: exp.Anonymous) -> str:
    ident = node.args.get("this")
    return node.name if isinstance(ident, exp.Identifier) and ident.quoted else node.name.lower()


def inline_calls(tree: exp.Expression) -> exp.Expression:
    """Each call of a user function in `tree` replaced by its body."""
    if not any(isinstance(n, exp.Anonymous) for n in tree.walk()):
        return tree
    functions = _functions()
    if not functions:
        return tree
    for _ in range(FUNCTION_INLINE_DEPTH_MAX):
        calls = [n for n in tree.find_all(exp.Anonymous) if _call_name(n) in functions]
        if not calls:
            return tree
        for call in calls:
            body = _inlined(functions[_call_name(call)], call)
            if call is tree:
                return body
            if isinstance(call.parent, exp.Select) and call.arg_key == "expressions":
                body = exp.alias_(body, _call_name(call), quoted=True)  # a result column is named after the function
            call.replace(body)
    raise SqlError("stack depth limit exceeded (functions calling functions)", "54001")


_ALIASES = itertools.count(1)


def _alias_tables(body: exp.Expression) -> None:
    """The body's tables under names of their own (`t AS sixfold_fn7`, its `t.x` as
    `sixfold_fn7.x`): the caller's `t.price`, passed in, stays the caller's."""
    for table in list(body.find_all(exp.Table)):
        if table.alias or not isinstance(table.this, exp.Identifier):
            continue
        alias = f"sixfold_fn{next(_ALIASES)}"
        scope = table.find_ancestor(exp.Select)
        for col in list((scope or body).find_all(exp.Column)):
            if col.table and col.table == table.name:
                col.set("table", exp.to_identifier(alias))
        table.set("alias", exp.TableAlias(this=exp.to_identifier(alias)))


def _qualified(arg: exp.Expression, call: exp.Anonymous) -> exp.Expression:
    """`arg` with its columns qualified by the caller's tables: inside a body with FROM, an
    unqualified `price` would be the body's own column (the innermost scope wins)."""
    arg = arg.copy()
    select = call.find_ancestor(exp.Select)
    tables = [t for t in (select.find_all(exp.Table) if select is not None else ())
              if t.find_ancestor(exp.Select) is select]
    for col in list(arg.find_all(exp.Column)):
        if col.table or isinstance(col.this, exp.Star):
            continue
        owners = [t for t in tables if schema.column_type(t.name, col.name) is not None]
        if len(owners) != 1:
            raise SqlError(f'column reference "{col.name}" passed to a SQL function whose body reads a table: '
                           "qualify it with its table", "0A000")
        col.set("table", exp.to_identifier(owners[0].alias_or_name))
    return arg


def _unmodified_type(decl: str) -> exp.DataType:
    """A parameter's or result's declared type without its modifier: PostgreSQL drops
    them from a function's signature (f(x char(2)) takes 'abc' whole; char is bpchar)."""
    dt = exp.DataType.build(decl, dialect="postgres")
    for node in dt.find_all(exp.DataType):
        if node.this in (exp.DataType.Type.CHAR, exp.DataType.Type.NCHAR):
            node.set("this", exp.DataType.Type.BPCHAR)
        if node.expressions and all(isinstance(e, exp.DataTypeParam) for e in node.expressions):
            node.set("expressions", [])
    return dt


def _inlined(fields: dict, call: exp.Anonymous) -> exp.Expression:
    args, params = list(call.expressions), fields["args"]
    required = sum(1 for p in params if p["default"] is None)
    shown = f"{fields['name']}({', '.join(exprtypes.type_label(a) for a in args)})"
    if any(isinstance(a, (exp.Kwarg, exp.PropertyEQ)) for a in args):
        raise SqlError("named arguments in function calls are not supported", "0A000")
    if not required <= len(args) <= len(params) or not all(_accepts(p["type"], a) for p, a in zip(params, args)):
        raise SqlError(f"function {shown} does not exist", "42883")
    body = sqlglot.parse_one(fields["expr"], read="postgres")
    if body.find(exp.Select) is not None:
        args = [_qualified(a, call) for a in args]
        _alias_tables(body)
    for p in params[len(args):]:
        args.append(sqlglot.parse_one(p["default"], read="postgres"))
    typed = [exp.Cast(this=exp.Paren(this=a.copy()), to=_unmodified_type(p["type"])) for p, a in zip(params, args)]
    for node in list(body.find_all(exp.Parameter)):
        if isinstance(node.this, exp.Literal) and str(node.this.this).isdigit():
            value = typed[int(node.this.this) - 1].copy()
            body = value if node is body else body
            node.replace(value)
    out: exp.Expression = exp.Cast(this=exp.Paren(this=body),
                                   to=_unmodified_type(fields["returns"]))
    if fields["strict"] and args:
        out = exp.Case(ifs=[exp.If(this=exp.or_(*[exp.Is(this=exp.Paren(this=a.copy()), expression=exp.Null())
                                                   for a in args]), true=exp.Null())], default=out)
    return exp.Paren(this=out)
