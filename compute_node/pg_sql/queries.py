"""Queries and DML: the sqlglot path (parse as PostgreSQL, rewrite, generate SQLite:
parameters, casts, functions, catalog relations, result column names and types) and
the fast path that passes plain DML through without parsing."""

from __future__ import annotations

import re

import sqlglot
from sqlglot import exp
from sqlglot.dialects.sqlite import SQLite

from compute_node.pg_sql import catalog
from compute_node.pg_sql.functions import PG_VERSION_TEXT
from sixfold.errors import SqlError

from compute_node.pg_sql.lexing import error_near, segments
from compute_node.pg_sql.statement import SessionContext, Statement


# --- queries ---------------------------------------------------------------------------------
class _Gen(SQLite.Generator):
    pass


def gen(tree: exp.Expression) -> str:
    return SQLite().generate(tree, unsupported_level=sqlglot.ErrorLevel.IGNORE)


def parse_error(e: Exception, text: str) -> SqlError:
    errs = getattr(e, "errors", None) or []
    near = None
    for err in errs:
        tok = err.get("highlight")
        if tok:
            near = tok
            break
    if near is None:
        return SqlError("syntax error at end of input", "42601")
    return SqlError(f'syntax error at or near "{near}"', "42601")


_INT_TYPES = {"INT", "BIGINT", "SMALLINT", "TINYINT", "MEDIUMINT", "UINT", "UBIGINT", "USMALLINT", "SERIAL",
              "BIGSERIAL", "SMALLSERIAL", "BIT"}
_REAL_TYPES = {"FLOAT", "DOUBLE", "REAL"}
_NUM_TYPES = {"DECIMAL", "BIGDECIMAL", "MONEY", "SMALLMONEY", "NUMERIC", "UDECIMAL"}
_TEXTISH = {"TEXT", "VARCHAR", "CHAR", "NCHAR", "NVARCHAR", "NAME", "BPCHAR", "UUID", "JSON", "JSONB",
            "DATE", "TIME", "TIMETZ", "TIMESTAMP", "TIMESTAMPTZ", "TIMESTAMPLTZ", "DATETIME", "INTERVAL",
            "TIMESTAMP_S", "TIMESTAMP_MS", "TIMESTAMP_NS", "DATETIME64", "CITEXT", "INET", "XML"}


def _cast(node: exp.Cast) -> exp.Expression:
    to = node.args.get("to")
    x = node.this
    if isinstance(to, exp.DataType):
        t = to.this.name if hasattr(to.this, "name") else str(to.this)
        if t in _INT_TYPES:
            if isinstance(x, exp.Literal) and not x.is_string:
                return exp.Cast(this=x, to=exp.DataType.build("INTEGER"))
            # SQLite's CAST turns 'abc' into 0; PostgreSQL refuses it (22P02).
            return exp.Anonymous(this="pg_int", expressions=[x])
        if t in _REAL_TYPES:
            return exp.Cast(this=x, to=exp.DataType.build("REAL"))
        if t in _NUM_TYPES:
            return exp.Cast(this=x, to=exp.DataType.build("NUMERIC", udt=True))
        if t == "BOOLEAN":
            return exp.Anonymous(this="pg_bool", expressions=[x])
        if t in ("VARBINARY", "BINARY", "BLOB"):
            return exp.Anonymous(this="pg_bytea", expressions=[x])
        if t in _TEXTISH:
            if t in ("VARCHAR", "CHAR") and to.expressions:
                n = to.expressions[0].this
                return exp.Anonymous(this="substr", expressions=[
                    exp.Cast(this=x, to=exp.DataType.build("TEXT")), exp.Literal.number(1), n.copy()])
            return exp.Cast(this=x, to=exp.DataType.build("TEXT"))
        raise SqlError(f"cast to type {to.sql('postgres').lower()} is not supported", "0A000")
    name = to.sql("postgres").lower() if to is not None else "?"
    if name.split(".")[-1] in ("oid", "regclass", "regtype", "regproc", "regnamespace"):
        if name.split(".")[-1] == "oid":
            return exp.Cast(this=x, to=exp.DataType.build("INTEGER"))
    raise SqlError(f"cast to type {name} is not supported", "0A000")


def _generate_series(call: exp.Expression, alias: exp.TableAlias | None) -> exp.Expression:
    if isinstance(call, exp.Anonymous):
        args = call.expressions
    else:
        args = [call.args.get("start"), call.args.get("end")] + ([call.args["step"]] if call.args.get("step") else [])
    if len(args) not in (2, 3) or any(a is None for a in args):
        raise SqlError("generate_series takes 2 or 3 arguments", "42883")
    col = "generate_series"
    alias_name = None
    if alias is not None:
        alias_name = alias.name
        if alias.columns:
            col = alias.columns[0].name
        else:
            col = alias_name
    a, b = gen(args[0]), gen(args[1])
    step = gen(args[2]) if len(args) == 3 else "1"
    sql = (f"SELECT v AS \"{col}\" FROM (WITH RECURSIVE _gs(v) AS (SELECT {a} WHERE ({step}) > 0 AND {a} <= {b} "
           f"OR ({step}) < 0 AND {a} >= {b} UNION ALL SELECT v + ({step}) FROM _gs "
           f"WHERE ({step}) > 0 AND v + ({step}) <= {b} OR ({step}) < 0 AND v + ({step}) >= {b}) SELECT v FROM _gs)")
    sub = sqlglot.parse_one(sql, read="sqlite")
    return exp.Subquery(this=sub, alias=exp.TableAlias(this=exp.to_identifier(alias_name or "generate_series")))


_UNSUPPORTED_FUNCS = {"nextval", "currval", "setval", "lastval", "pg_advisory_lock", "pg_try_advisory_lock",
                      "txid_current", "pg_sleep"}


def rewrite(tree: exp.Expression, ctx: SessionContext, max_param: list[int]) -> exp.Expression:
    user_lit = exp.Literal.string(ctx.user)

    def fn(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.Parameter):
            v = node.this
            if isinstance(v, exp.Literal) and not v.is_string and str(v.this).isdigit():
                n = int(v.this)
                if n < 1:
                    raise SqlError(f"there is no parameter ${n}", "42P02")
                max_param[0] = max(max_param[0], n)
                return exp.Var(this=f"?{n}")
            raise error_near("$")
        if isinstance(node, exp.Placeholder):
            raise error_near("?")
        if isinstance(node, exp.ByteString):
            return exp.Literal.string(node.this)
        if isinstance(node, (exp.Cast, exp.TryCast)) and not isinstance(node.parent, exp.ColumnDef):
            return _cast(node)
        if isinstance(node, exp.CurrentTimestamp):
            return exp.Anonymous(this="now", expressions=[])
        if isinstance(node, exp.Localtimestamp):
            return exp.Anonymous(this="pg_localtimestamp", expressions=[])
        if isinstance(node, (exp.CurrentUser, exp.SessionUser)):
            return user_lit.copy()
        if isinstance(node, exp.CurrentDatabase):
            return exp.Literal.string(ctx.database)
        if isinstance(node, exp.CurrentSchema):
            return exp.Literal.string("public")
        if isinstance(node, exp.CurrentVersion):
            return exp.Literal.string(PG_VERSION_TEXT)
        if isinstance(node, exp.RegexpILike):
            return exp.Anonymous(this="pg_regexp_i", expressions=[node.this, node.expression])
        if isinstance(node, (exp.Div, exp.Mod)):
            # SQLite answers NULL to x / 0; PostgreSQL fails with 22012.
            name = "pg_div" if isinstance(node, exp.Div) else "pg_mod"
            return exp.Anonymous(this=name, expressions=[node.this, node.expression])
        if isinstance(node, exp.SimilarTo):
            raise SqlError("SIMILAR TO is not supported", "0A000")
        if isinstance(node, exp.Anonymous):
            fname = node.name.lower()
            if fname == "pg_backend_pid":
                return exp.Literal.number(ctx.backend_pid)
            if fname in ("user", "current_user", "session_user"):
                return user_lit.copy()
            if fname in ("current_schemas",):
                raise SqlError("arrays are not supported", "0A000")
            if fname in _UNSUPPORTED_FUNCS:
                raise SqlError(f"function {fname}() is not supported", "0A000")
        if isinstance(node, exp.Dot) and isinstance(node.this, exp.Identifier) and \
                node.this.name.lower() == "pg_catalog" and isinstance(node.expression, exp.Func):
            return fn(node.expression)
        if isinstance(node, exp.Ordered) and isinstance(node.parent, exp.OnConflict):
            return node.this
        if isinstance(node, exp.Table):
            inner = node.this
            if isinstance(inner, (exp.ExplodingGenerateSeries, exp.GenerateSeries)) or (
                    isinstance(inner, exp.Anonymous) and inner.name.lower() == "generate_series"):
                return _generate_series(inner, node.args.get("alias"))
            if isinstance(inner, exp.Identifier):
                sql = catalog.relation_sql(node.db or None, inner.name, ctx.user, ctx.database)
                if sql is not None and (node.db or inner.name.lower().startswith("pg_")):
                    alias = node.args.get("alias")
                    sub = sqlglot.parse_one(sql, read="sqlite")
                    return exp.Subquery(this=sub, alias=alias.copy() if alias else
                                        exp.TableAlias(this=exp.to_identifier(inner.name)))
                if node.db:
                    if node.db.lower() == "public":
                        node.set("db", None)
                    else:
                        raise SqlError(f'relation "{node.db}.{inner.name}" does not exist', "42P01")
        if isinstance(node, exp.Select):
            if node.args.get("locks"):
                node.set("locks", None)
        if isinstance(node, (exp.Array, exp.ArrayAgg)):
            raise SqlError("arrays are not supported", "0A000")
        return node

    def wrapped(node: exp.Expression) -> exp.Expression:
        new = fn(node)
        if new is not node and isinstance(new, exp.Expression):
            # sqlglot does not descend into a replacement: rewrite its children here.
            for child in list(new.iter_expressions()):
                done = child.transform(wrapped, copy=False)
                if done is not child:
                    child.replace(done)
        return new

    return tree.transform(wrapped, copy=True)


def parse_one(pg_sql: str) -> exp.Expression:
    """The one statement in `pg_sql`, parsed as PostgreSQL; SqlError 42601 otherwise."""
    try:
        trees = sqlglot.parse(pg_sql, read="postgres")
    except sqlglot.errors.ParseError as e:
        raise parse_error(e, pg_sql) from None
    except sqlglot.errors.TokenError:
        raise SqlError("unterminated quoted string", "42601") from None
    trees = [t for t in trees if t is not None]
    if len(trees) != 1:
        raise SqlError("cannot translate several statements at once", "42601")
    return trees[0]


def query_sqlite(pg_sql: str, ctx: SessionContext) -> tuple[str, int]:
    max_param = [0]
    tree = rewrite(parse_one(pg_sql), ctx, max_param)
    return gen(tree), max_param[0]


_TAG_BY_TYPE = {exp.Select: "SELECT", exp.Union: "SELECT", exp.Intersect: "SELECT", exp.Except: "SELECT",
                exp.Insert: "INSERT", exp.Update: "UPDATE", exp.Delete: "DELETE", exp.Values: "SELECT"}


def _pg_column_name(e: exp.Expression) -> str | None:
    """The name PostgreSQL gives an unaliased result column (None: SQLite's is the same)."""
    if isinstance(e, (exp.Column, exp.Star, exp.Alias)):
        return None
    if isinstance(e, exp.Dot) and isinstance(e.expression, exp.Func):
        return _pg_column_name(e.expression)
    if isinstance(e, (exp.Cast, exp.TryCast)):
        inner = e.this
        if isinstance(inner, exp.Column):
            return inner.name
        if isinstance(inner, (exp.Func,)) and not isinstance(inner, (exp.Cast,)):
            return _pg_column_name(inner)
        to = e.args.get("to")
        t = to.sql("postgres").lower().split("(")[0] if to is not None else ""
        return {"int": "int4", "integer": "int4", "bigint": "int8", "smallint": "int2", "text": "text",
                "boolean": "bool", "double precision": "float8", "real": "float4", "decimal": "numeric",
                "varchar": "varchar", "timestamp": "timestamp", "timestamptz": "timestamptz",
                "date": "date"}.get(t, t.split(".")[-1] or "?column?")
    if isinstance(e, exp.Anonymous):
        return e.name.lower()
    if isinstance(e, exp.Boolean):
        return "bool"
    if isinstance(e, (exp.CurrentUser, exp.SessionUser, exp.CurrentTimestamp, exp.CurrentDate,
                      exp.CurrentTime, exp.Localtimestamp)):
        return {exp.CurrentUser: "current_user", exp.SessionUser: "session_user",
                exp.CurrentTimestamp: "current_timestamp", exp.CurrentDate: "current_date",
                exp.CurrentTime: "current_time", exp.Localtimestamp: "localtimestamp"}[type(e)]
    if isinstance(e, exp.Count):
        return "count"
    if isinstance(e, exp.CurrentVersion):
        return "version"
    if isinstance(e, (exp.Binary, exp.Predicate, exp.Not)):
        return "?column?"
    if isinstance(e, exp.Func):
        return e.sql_name().lower()
    if isinstance(e, exp.Paren):
        return _pg_column_name(e.this)
    return "?column?"


def _name_columns(tree: exp.Expression) -> None:
    while isinstance(tree, (exp.Union, exp.Intersect, exp.Except)):
        tree = tree.this
    if not isinstance(tree, exp.Select):
        return
    new = []
    for e in tree.expressions:
        name = _pg_column_name(e)
        new.append(exp.alias_(e, exp.to_identifier(name, quoted=True)) if name else e)
    tree.set("expressions", new)


def select_path(text: str, ctx: SessionContext) -> Statement:
    tree = parse_one(text)
    tag = None
    for cls, t in _TAG_BY_TYPE.items():
        if isinstance(tree, cls):
            tag = t
            break
    if tag is None:
        if isinstance(tree, exp.Command):
            raise SqlError(f'"{tree.this}" is not supported', "0A000")
        raise SqlError(f"{type(tree).__name__.upper()} statements are not supported", "0A000")
    _name_columns(tree)
    oids = _column_oids(tree)
    max_param = [0]
    tree = rewrite(tree, ctx, max_param)
    return Statement(kind="sql", tag=tag, sqlite=(gen(tree),), param_count=max_param[0], column_oids=oids)


_BOOL_EXPRS = (exp.EQ, exp.NEQ, exp.GT, exp.GTE, exp.LT, exp.LTE, exp.And, exp.Or, exp.Not, exp.Is, exp.In,
               exp.Like, exp.ILike, exp.Between, exp.Exists, exp.Boolean, exp.NullSafeEQ, exp.NullSafeNEQ,
               exp.RegexpLike, exp.RegexpILike)


def _expr_oid(e: exp.Expression) -> int | None:
    """The PostgreSQL type of a select-list expression, when its form says it."""
    from compute_node.pg_sql import types as t

    if isinstance(e, exp.Alias):
        e = e.this
    while isinstance(e, exp.Paren):
        e = e.this
    if isinstance(e, (exp.Cast, exp.TryCast)):
        to = e.args.get("to")
        if isinstance(to, exp.DataType):
            text = to.sql("postgres").lower()
            if text in ("int", "integer"):
                return t.INT4
            return t.column_oid(text, None)
        return None
    if isinstance(e, _BOOL_EXPRS):
        return t.BOOL
    if isinstance(e, exp.Anonymous) and e.name.lower() == "pg_is_in_recovery":
        return t.BOOL
    if isinstance(e, exp.CurrentTimestamp) or (isinstance(e, exp.Anonymous) and e.name.lower() == "now"):
        return t.TIMESTAMPTZ
    if isinstance(e, exp.CurrentDate):
        return t.DATE
    if isinstance(e, exp.Localtimestamp):
        return t.TIMESTAMP
    if isinstance(e, exp.Count):
        return t.INT8
    if isinstance(e, (exp.CurrentUser, exp.SessionUser, exp.CurrentDatabase, exp.CurrentSchema,
                      exp.CurrentVersion)):
        return t.NAME if not isinstance(e, exp.CurrentVersion) else t.TEXT
    if isinstance(e, exp.Literal):
        if e.is_string:
            return t.TEXT
        return t.INT4 if str(e.this).lstrip("-").isdigit() and abs(int(e.this)) < 2**31 else (
            t.INT8 if str(e.this).lstrip("-").isdigit() else t.NUMERIC)
    if isinstance(e, exp.Null):
        return t.TEXT
    return None


def _column_oids(tree: exp.Expression) -> tuple[int | None, ...]:
    while isinstance(tree, (exp.Union, exp.Intersect, exp.Except)):
        tree = tree.this
    if not isinstance(tree, exp.Select) or any(isinstance(e, exp.Star) or
                                               (isinstance(e, exp.Column) and isinstance(e.this, exp.Star))
                                               for e in tree.expressions):
        return ()
    return tuple(_expr_oid(e) for e in tree.expressions)


# --- the fast path ---------------------------------------------------------------------------
_FAST_FIRST = {"select": "SELECT", "insert": "INSERT", "update": "UPDATE", "delete": "DELETE"}
_FAST_DENY_CHARS = re.compile(r"::|\$|~|\[|!|@|#|\?|\bE'|\\")
_FAST_DENY_WORDS = re.compile(
    r"\b(?:ilike|similar|distinct\s+from|limit\s+all|cast|interval|array|lateral|only|fetch|for|"
    r"pg_\w+|information_schema|current_user|session_user|user|current_database|current_schema|"
    r"current_catalog|current_role|version|localtimestamp|localtime|current_time|generate_series|"
    r"set_config|nextval|currval|setval|extract|date_trunc|to_char|to_timestamp|to_date|age|"
    r"string_agg|array_agg|any|some|window|over|public|position|substring|trim|overlay|"
    r"greatest|least|offset|rows|row|isnull|notnull)\b", re.IGNORECASE)
_SELECT_LIST_TYPED = re.compile(r"[=<>']|\b(?:true|false|not|and|or|is|in|like|between|null|now|"
                                r"current_date|current_timestamp)\b|\b\d", re.IGNORECASE)
_CURRENT_TIMESTAMP = re.compile(r"\bcurrent_timestamp\b(\s*\(\s*\d*\s*\))?", re.IGNORECASE)


def _fast(text: str, word: str) -> Statement | None:
    """The statement untouched (or with CURRENT_TIMESTAMP -> now()) when it is plain SQL
    SQLite runs the same as PostgreSQL; None to take the parser path."""
    code = []
    plain = "'" not in text and '"' not in text and "--" not in text and "/*" not in text and "$" not in text
    for kind, s, e in (() if plain else segments(text)):
        if kind in ("str", "ident") and (e - s < 2 or text[e - 1] != text[s]):
            return None  # unterminated: let the parser report it
        if kind == "code":
            code.append(text[s:e])
        elif kind in ("str",):
            code.append("''")
        elif kind == "ident":
            code.append(text[s:e])
        else:
            return None
    scan = text if plain else "".join(code)
    if _FAST_DENY_CHARS.search(scan) or _FAST_DENY_WORDS.search(scan):
        return None
    if word == "select" and "(" in scan:
        return None  # function calls: PostgreSQL names their result columns differently
    if "/" in scan or "%" in scan:
        return None  # division: PostgreSQL fails on a zero divisor where SQLite answers NULL
    if word == "select" and _SELECT_LIST_TYPED.search(re.split(r"\bfrom\b", scan, 1, flags=re.I)[0]):
        return None  # booleans and literals in the select list: the parser path types them
    if word != "select" and re.search(r"\bselect\b", scan, re.IGNORECASE):
        return None  # INSERT ... SELECT etc.: let the parser check it
    out = text
    if "current_timestamp" in scan.lower():
        parts = []
        for kind, s, e in ([("code", 0, len(text))] if plain else segments(text)):
            seg = text[s:e]
            parts.append(_CURRENT_TIMESTAMP.sub("now()", seg) if kind == "code" else seg)
        out = "".join(parts)
    return Statement(kind="sql", tag=_FAST_FIRST[word], sqlite=(out,))


def dml(text, rest, ctx):
    word = text[:6].lower()
    fixed = catalog.fixed_query(text, ctx.user) if word == "select" else None
    if fixed:
        return Statement(kind="sql", tag=fixed[0], sqlite=(fixed[1],))
    fast = _fast(text, word)
    if fast is not None:
        return fast
    return select_path(text, ctx)


def table_stmt(text, rest, ctx):
    return select_path("SELECT * FROM " + rest.strip(), ctx)
