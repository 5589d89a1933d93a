"""Queries and DML: the sqlglot path (parse as PostgreSQL, rewrite, generate SQLite:
parameters, casts, functions, catalog relations, result column names and types) and
the fast path that passes plain DML through without parsing."""

from __future__ import annotations

import collections
import math
import re
from collections.abc import Callable
from decimal import Decimal

import apsw
import sqlglot
from sqlglot import exp
from sqlglot.dialects.sqlite import SQLite

from compute_node.pg_sql import (
    analysis_checks, arrays, catalog, char_values, constant_folding, data_modifying_with, distinct_on, domains, enums,
    exprtypes, float_input, grouped_columns, grouping_sets, identifier_case, int_coercion, intersect_except,
    interval_keys, json_functions, json_rows, jsonpath, lateral, literal_types, more_functions, network_types,
    numeric, ordered_set, quantified, quotient_text, reflection, routines, row_values, schema, serials,
    set_operations, sql_functions, sqlglot_fixes, star_expansion, table_sample, temporal, temporal_functions, values,
    views,
)
from compute_node.pg_sql import types as pgtypes
from compute_node.pg_sql.functions import PG_VERSION_TEXT, name_value
from compute_node.pg_sql.lexing import error_near, highest_parameter, masked, segments, split_top_level
from compute_node.pg_sql.statement import LOCKING_READ_MARK, LOCKING_READ_NOWAIT_MARK, SessionContext, Statement
from sixfold import constants
from sixfold.errors import DETAIL_MARK, HINT_MARK, SqlError


# --- queries ---------------------------------------------------------------------------------
class _Gen(SQLite.Generator):
    pass


_SQLITE_KEYWORDS = frozenset(apsw.keywords)
# Catalog columns of type int2vector or oidvector (subscripts start at 0)
_VECTOR_COLUMNS = frozenset({"indkey", "indclass", "indcollation", "indoption", "proargtypes"})
# Catalog columns of type name, which (unlike text) has subscripts: typname[0] is its first
# character.
_NAME_COLUMNS = frozenset({"typname", "relname", "attname", "nspname", "proname", "conname", "extname", "rolname",
                           "datname", "spcname", "amname", "tgname", "lanname", "collname", "opcname", "evtname"})


def gen(tree: exp.Expression) -> str:
    """SQLite's text of `tree`. A name that is one of SQLite's keywords is quoted: PostgreSQL
    takes any word as a column label after AS (`select 1 as default`), SQLite does not."""
    for ident in tree.find_all(exp.Identifier):
        if not ident.quoted and ident.name.upper() in _SQLITE_KEYWORDS:
            ident.set("quoted", True)
    return SQLite().generate(tree, unsupported_level=sqlglot.ErrorLevel.IGNORE)


# Tokens after which a statement cannot end: a syntax error on one of them at the end of
# the text is PostgreSQL's "at end of input" (the grammar wanted more), not "near" it.
_CONTINUED = frozenset("""
    select from where and or not in is like ilike between as on join inner left right full cross using set values
    into by order group having limit offset union intersect except all distinct case when then else update insert
    delete with returning table exists any some array , ( [ + - * / % ^ = < > <= >= <> != || :: .
    """.split())


_ARITY = re.compile(r"^(?:The number of provided arguments \(\d+\) is greater than the maximum number of supported "
                    r"arguments|Required keyword: '\w+' missing for )")
_PROBE = "sixfold_arity_probe"


def _arity_error(err: dict, text: str) -> SqlError | None:
    """A call sqlglot knows with arguments it cannot take (`abs('x', 2)`, `length()`):
    PostgreSQL's 42883 for no function of these argument types, typed as it types them."""
    if not _ARITY.match(err.get("description") or "") or err.get("highlight") != ")":
        return None
    lines = text.split("\n")
    close = sum(len(line) + 1 for line in lines[:err["line"] - 1]) + err["col"] - 1
    code = masked(text)
    if not 0 <= close < len(code) or code[close] != ")":
        return None
    depth, at = 0, close
    while at >= 0:
        depth += {")": 1, "(": -1}.get(code[at], 0)
        if depth == 0:
            break
        at -= 1
    name = re.search(r"([A-Za-z_][A-Za-z0-9_$]*)\s*$", code[:max(at, 0)])
    if at < 0 or name is None:
        return None
    try:
        probe = sqlglot.parse_one(text[:name.start(1)] + _PROBE + text[name.end(1):], read="postgres")
    except (sqlglot.errors.ParseError, sqlglot.errors.TokenError):
        return None
    call = next((c for c in probe.find_all(exp.Anonymous) if c.name.lower() == _PROBE), None)
    if call is None:
        return None
    labels = ", ".join(exprtypes.type_label(a) or "unknown" for a in call.expressions)
    return SqlError(f"function {name.group(1).lower()}({labels}) does not exist", "42883")


def parse_error(e: Exception, text: str) -> SqlError:
    errs = getattr(e, "errors", None) or []
    for err in errs:
        arity = _arity_error(err, text)
        if arity is not None:
            return arity
    near, err = None, {}
    for err in errs:
        tok = err.get("highlight")
        if tok:
            near = tok
            break
    at_end = near is not None and not (err.get("end_context") or "").strip() and (
        near.split()[-1].lower() in _CONTINUED or text.count("(") > text.count(")") or
        len(re.findall(r"\bcase\b", text, re.IGNORECASE)) > len(re.findall(r"\bend\b", text, re.IGNORECASE)))
    if near is None or at_end:
        return SqlError("syntax error at end of input", "42601")
    return SqlError(f'syntax error at or near "{near}"', "42601")


_EMPTY_IN = re.compile(r"\bin\s*\(\s*(\))", re.IGNORECASE)
_DANGLING_COMMA = re.compile(r",\s*(?:(from|where|group|order|having|limit|offset|union|intersect|except|window|"
                             r"returning)\b|(\))|$)", re.IGNORECASE)


def _refuse_dangling_comma(pg_sql: str) -> None:
    """`select 1, from t`, `f(1,)`, `select 1,`, `x in ()`: PostgreSQL's syntax errors,
    which sqlglot reads past (a trailing comma, an empty list)."""
    if "," not in pg_sql and "(" not in pg_sql:
        return
    code = masked(pg_sql)
    if _EMPTY_IN.search(code):  # `x IN ()`: sqlglot reads an empty list
        raise SqlError('syntax error at or near ")"', "42601")
    m = _DANGLING_COMMA.search(code.rstrip().rstrip(";"))
    if m is not None:
        word = m.group(1) or m.group(2)
        raise SqlError(f'syntax error at or near "{word}"' if word else "syntax error at end of input", "42601")


_INT_TYPES = {"INT", "BIGINT", "SMALLINT", "TINYINT", "MEDIUMINT", "UINT", "UBIGINT", "USMALLINT", "SERIAL",
              "BIGSERIAL", "SMALLSERIAL", "BIT"}
_INT_BITS = {"SMALLINT": 16, "SMALLSERIAL": 16, "BIGINT": 64, "BIGSERIAL": 64, "UBIGINT": 64}
_REAL_TYPES = {"FLOAT", "DOUBLE", "REAL"}


def _int_source(x: exp.Expression) -> str:
    """The kind `int_coercion.to_int` rounds a value of `x` as (its SOURCES)."""
    k = exprtypes.kind(x)
    return {"num": "num", "float": "float", "int": "int", "unknown": "text", "text": "text"}.get(k, "")


def to_int_call(x: exp.Expression, bits: int, source: str) -> exp.Expression:
    return exp.Anonymous(this="pg_int", expressions=[x, exp.Literal.number(bits), exp.Literal.string(source)])
_NUM_TYPES = {"DECIMAL", "BIGDECIMAL", "NUMERIC", "UDECIMAL"}  # (money is not a number shown as one: refused)
_TEXTISH = {"TEXT", "VARCHAR", "CHAR", "NCHAR", "NVARCHAR", "NAME", "BPCHAR", "UUID", "JSON", "JSONB",
            "DATE", "TIME", "TIMETZ", "TIMESTAMP", "TIMESTAMPTZ", "TIMESTAMPLTZ", "DATETIME", "INTERVAL",
            "TIMESTAMP_S", "TIMESTAMP_MS", "TIMESTAMP_NS", "DATETIME64", "CITEXT", "INET", "XML"}


_CAST_KINDS = {"DATE": "date", "TIME": "time", "TIMETZ": "timetz", "TIMESTAMP": "timestamp", "DATETIME": "timestamp",
               "TIMESTAMPTZ": "timestamptz", "TIMESTAMPLTZ": "timestamptz", "INTERVAL": "interval", "UUID": "uuid",
               "JSON": "json", "JSONB": "jsonb"}


def _cast(node: exp.Cast) -> exp.Expression:
    to = node.args.get("to")
    x = node.this
    checked = domains.cast(x, to, _cast) if isinstance(to, exp.DataType) else None
    if checked is not None:
        return checked  # value::domain: the base type's cast, with the domain's checks
    if isinstance(to, exp.ObjectIdentifier) or (to is not None and to.sql("postgres").lower().split(".")[-1] in (
            "regtype", "regclass", "oid", "regproc", "regprocedure", "regnamespace")):
        return _cast_object_identifier(x, to, _shown(node) and not _compared(node))
    if isinstance(to, exp.DataType):
        t = to.this.name if hasattr(to.this, "name") else str(to.this)
        lit = x.unnest() if isinstance(x, exp.Paren) else x
        if isinstance(lit, exp.Literal) and lit.is_string:
            _check_literal_input(lit.this, t, to)
        if t == "XML":
            raise SqlError("type xml is not supported", "0A000")
        if t in ("BIT", "VARBIT"):  # a bit string, not an integer: '0101'::bit(4) is 0101, 5::bit(4) is 0101
            raise SqlError(f"cast to type {to.sql('postgres').lower()} is not supported", "0A000")
        source = exprtypes.kind(x)
        if source in ("json", "jsonb"):
            x = _from_json(x, source, t, to)
            if t in _INT_TYPES:  # a jsonb number is a numeric: 2.5 rounds to 3
                return to_int_call(x, _INT_BITS.get(t, 32), "num")
        if values.converted_kind(to.sql("postgres").lower()) in network_types.KINDS:  # x::inet, x::macaddr ...
            return exp.Anonymous(this="pg_stored", expressions=[x, exp.Literal.string(to.sql("postgres").lower())])
        if t == "ARRAY":  # x::int[]: the array's stored form (each element checked)
            decl = to.sql("postgres").lower()
            try:
                values.refuse_unstored_type(decl)
            except values.InputError as e:
                raise SqlError(str(e), e.sqlstate) from None
            return exp.Anonymous(this="pg_stored", expressions=[x, exp.Literal.string(decl)])
        if t in _INT_TYPES:
            bits = _INT_BITS.get(t, 32)
            if isinstance(x, exp.Literal) and not x.is_string and x.this.isdigit() and int(x.this) < 1 << (bits - 1):
                return exp.Cast(this=x, to=exp.DataType.build("INTEGER"))
            # SQLite's CAST truncates 2.5 to 2 and turns 'abc' into 0; PostgreSQL rounds
            # 2.5 to 3 (numeric) or 2 (float8) and refuses 'abc' (22P02).
            return to_int_call(x, bits, _int_source(x))
        if t in _REAL_TYPES:
            precision = to.expressions[0].this if to.expressions else None
            narrow = t == "FLOAT" or (isinstance(precision, exp.Literal) and int(precision.this) <= 24)
            if narrow:  # real: single precision, as a real column holds it
                return exp.Anonymous(this="pg_float4", expressions=[x])
            if exprtypes.kind(x) in ("int", "float"):
                return exp.Cast(this=x, to=exp.DataType.build("REAL"))
            # SQLite's CAST reads '2.5x' as 2.5 and 'abc' or 'Infinity' as 0; PostgreSQL
            # refuses the first two (22P02) and reads the third. A numeric arrives as its
            # exact text (_EXACT_ARGUMENT): past a double's range, exp(1000)::float8 is 22003.
            return exp.Anonymous(this="pg_float", expressions=[x, exp.Literal.number(64)])
        if t in _NUM_TYPES:
            if exprtypes.kind(x) == "float":
                # PostgreSQL converts a float to numeric through its text to FLT_DIG (6) or
                # DBL_DIG (15) significant digits: 16777216::real::numeric is 16777200
                x = exp.Anonymous(this="pg_float_digits", expressions=[
                    x, exp.Literal.number(6 if exprtypes.oid(x) == pgtypes.FLOAT4 else 15)])
            if to.expressions and t in ("DECIMAL", "NUMERIC"):
                mods = ",".join(p.sql() for p in to.expressions)
                return exp.Anonymous(this="pg_cast", expressions=[x, exp.Literal.string(f"numeric({mods})")])
            if _shown(node):  # '1.50'::numeric shows 1.50 (SQLite's number would be 1.5)
                return exp.Anonymous(this="pg_numeric_text", expressions=[_exact_literal(x)])
            if exprtypes.kind(x) not in exprtypes.NUMERIC and _stored_by(node):
                return exp.Paren(this=x)  # the text a numeric(p, s) column reads exactly (pg_stored)
            if exprtypes.kind(x) not in exprtypes.NUMERIC:  # SQLite's CAST reads 'abc' as 0
                return exp.Anonymous(this="pg_numeric_in", expressions=[x])
            if exprtypes.kind(x) == "int":  # exact already (SQLite's CAST AS NUMERIC is to REAL: 10.0);
                # an expression, not a bare 10 (which ORDER BY would read as a column's position)
                return exp.Cast(this=x, to=exp.DataType.build("INTEGER"))
            return exp.Cast(this=x, to=exp.DataType.build("NUMERIC", udt=True))
        if t == "TIME" and source == "interval":  # the interval's time of day
            x = exp.Anonymous(this="pg_interval_time", expressions=[x])
            if not to.expressions:
                return x
        if t in _CAST_KINDS:
            kind = _CAST_KINDS[t]
            if kind in ("time", "timetz", "timestamp", "timestamptz") and to.expressions:  # x::timestamp(0) rounds
                kind += "(" + to.expressions[0].sql() + ")"
            return exp.Anonymous(this="pg_cast", expressions=[x, exp.Literal.string(kind)])
        if t == "BOOLEAN":
            return exp.Anonymous(this="pg_bool", expressions=[x])
        if t in ("VARBINARY", "BINARY", "BLOB"):
            return exp.Anonymous(this="pg_bytea", expressions=[x])
        if t in _TEXTISH and not to.expressions and _enum_token(x) is not None:
            return exp.Collate(this=x, expression=exp.to_identifier("BINARY"))  # m::text sorts as text
        if t in _TEXTISH and isinstance(x, exp.Column) and not to.expressions and \
                values.converted_kind(exprtypes.column_decl(x) or "") == "inet":
            return exp.Anonymous(this="pg_inet_text", expressions=[x])  # inet::text shows the mask: 1.2.3.4/32
        if t in _TEXTISH:
            x = _as_text(x, "true", "false")
            if t == "CHAR" and to.expressions:  # char(n): blank-padded when shown, not when compared
                return exp.Anonymous(this="pg_bpchar", expressions=[
                    x, to.expressions[0].this.copy(), exp.Literal.number(1 if _shown(node) else 0)])
            if t in ("VARCHAR", "CHAR") and to.expressions:
                n = to.expressions[0].this
                return exp.Anonymous(this="substr", expressions=[
                    exp.Cast(this=x, to=exp.DataType.build("TEXT")), exp.Literal.number(1), n.copy()])
            if t == "NAME":  # cut to 63 bytes
                return exp.Anonymous(this="pg_name", expressions=[exp.Cast(this=x, to=exp.DataType.build("TEXT"))])
            return exp.Cast(this=x, to=exp.DataType.build("TEXT"))
        if t == "USERDEFINED" and to.sql("postgres").lower() in ('"char"', 'pg_catalog."char"'):
            # the one-byte internal type (pg_class.relkind's): the text's first byte
            return exp.Anonymous(this="pg_internal_char", expressions=[
                exp.Cast(this=_as_text(x, "t", "f"), to=exp.DataType.build("TEXT"))])
        if t == "USERDEFINED" and to.sql("postgres").lower() in ("jsonpath", "pg_catalog.jsonpath"):
            if isinstance(lit, exp.Literal) and lit.is_string:  # read (42601) and shown as PostgreSQL shows it
                json_rows.check_path(lit.this)
                return exp.Literal.string(jsonpath.text(jsonpath.parse(lit.this)))
            return exp.Anonymous(this="pg_jsonpath", expressions=[x])
        if t == "USERDEFINED":
            token = enums.token_of_type(to.sql("postgres"))
            if token is not None:  # an enum type: a label, compared in the labels' order
                if isinstance(lit, exp.Literal) and lit.is_string:
                    enums.check_literal(token, lit.this)
                elif not isinstance(lit, exp.Null):
                    x = exp.Anonymous(this="pg_enum_in", expressions=[exp.Literal.string(token), x])
                return exp.Collate(this=x, expression=exp.to_identifier(token, quoted=True))
            if schema.current() is not None:  # no enum, no domain: no such type (with a catalog to tell)
                raise SqlError(f'type "{to.sql("postgres").strip(chr(34))}" does not exist', "42704")
        raise SqlError(f"cast to type {to.sql('postgres').lower()} is not supported", "0A000")
    name = to.sql("postgres").lower() if to is not None else "?"
    raise SqlError(f"cast to type {name} is not supported", "0A000")


_STRING_TYPES = {"TEXT", "VARCHAR", "CHAR", "NCHAR", "NVARCHAR", "NAME", "BPCHAR", "CITEXT", "JSON", "JSONB"}


def _from_json(x: exp.Expression, source: str, t: str, to: exp.DataType) -> exp.Expression:
    """What a json / jsonb value `x` casts from: PostgreSQL casts json only to strings and
    jsonb, jsonb also to numbers (a jsonb number only) and boolean (a jsonb boolean only);
    any other cast is 42846, a jsonb of the wrong kind 22023 when the row is read."""
    if t in _STRING_TYPES:
        return x
    name = pgtypes.REGTYPE_NAMES.get(pgtypes.column_oid(to.sql("postgres").lower()), to.sql("postgres").lower())
    if source == "jsonb" and (t in _INT_TYPES or t in _REAL_TYPES or t in _NUM_TYPES or t == "BOOLEAN"):
        return exp.Anonymous(this="pg_jsonb_scalar", expressions=[
            x, exp.Literal.string("boolean" if t == "BOOLEAN" else "number"), exp.Literal.string(name)])
    raise SqlError(f"cannot cast type {source} to {name}", "42846")


def _check_literal_input(text: str, t: str, to: exp.DataType) -> None:
    """'literal'::type is read when the statement is parsed, as PostgreSQL does: bad input
    fails even where the value would never be used (a CASE branch not taken, no rows)."""
    from compute_node.pg_sql import int_coercion, typed_functions

    try:
        if t in _INT_TYPES:
            int_coercion.to_int(text, _INT_BITS.get(t, 32), "text")
        elif t in _REAL_TYPES:
            float_input.to_float(text, 32 if t == "FLOAT" else 64)
        elif t in _NUM_TYPES and not to.expressions:
            typed_functions.numeric_input(text)
        elif t in _CAST_KINDS and _CAST_KINDS[t] in exprtypes.TEMPORAL:
            values.cast(text, _CAST_KINDS[t])
        elif t == "BOOLEAN":
            values.parse_bool(text)
        elif t in ("JSON", "JSONB"):
            values.parse_json(text, t == "JSONB")
        elif t == "UUID":
            values.parse_uuid(text)
        elif t in ("VARBINARY", "BLOB"):  # (sqlglot's names of bytea)
            values.parse_bytea(text)
    except (values.InputError, temporal.TemporalError) as e:
        raise SqlError(str(e), e.sqlstate) from None


_LITERAL_OPERAND_TYPES = {"int2": "SMALLINT", "int4": "INT", "int8": "BIGINT", "": "INT"}


def _check_arithmetic_literal(node: exp.Expression) -> None:
    """`n - 'a'` of an integer or numeric n: PostgreSQL reads the quoted literal as n's type
    while it resolves the operator (22P02 for 'a' and for an integer's '1.5', with no row
    read); the arithmetic here would read it only for a row."""
    for lit, other in ((node.this, node.expression), (node.expression, node.this)):
        if not (isinstance(lit, exp.Literal) and lit.is_string):
            continue
        k = exprtypes.kind(other)
        if k == "int":
            t = _LITERAL_OPERAND_TYPES.get(exprtypes.int_width(other), "INT")
            _check_literal_input(lit.this, t, exp.DataType.build(t))
        elif k == "num":
            _check_literal_input(lit.this, "DECIMAL", exp.DataType.build("DECIMAL"))


def _check_literal_casts_under(node: exp.Expression) -> None:
    """The 'literal'::type input errors below `node`, in the order PostgreSQL's parse
    analysis meets them (each operand before its operator, left to right): raised when
    translating `node` itself failed, since the rewrite visits an operator before its
    operands (`('x')::date - bigint_col` is 22007 there, not 42883)."""
    for child in node.iter_expressions():
        _check_literal_casts_under(child)
        if isinstance(child, exp.Cast) and isinstance(child.args.get("to"), exp.DataType):
            lit = child.this.unnest() if isinstance(child.this, exp.Paren) else child.this
            if isinstance(lit, exp.Literal) and lit.is_string:
                to = child.args["to"]
                token = enums.token_of_type(to.sql("postgres")) if to.this == exp.DataType.Type.USERDEFINED else None
                if token is not None:
                    enums.check_literal(token, lit.this)  # ('true')::mood
                _check_literal_input(lit.this, to.this.name if hasattr(to.this, "name") else str(to.this), to)


def _cast_object_identifier(x: exp.Expression, to: exp.Expression, shown: bool) -> exp.Expression:
    """x::oid, x::regtype, x::regclass. `shown`: the value is printed, not compared
    ('t'::regclass prints t; compared, it is the relation's OID)."""
    name = to.sql("postgres").lower()
    short = name.split(".")[-1]
    if short == "oid":
        return _oid_of(x)
    named = isinstance(x, (exp.Parameter, exp.Placeholder)) or (isinstance(x, exp.Literal) and x.is_string)
    bare = x.expression if isinstance(x, exp.Dot) and x.this.name.lower() == "pg_catalog" else x
    if short == "regclass" and not named and exprtypes.kind(bare) == "text":
        named = True  # pg_get_serial_sequence(...)::regclass, name::text::regclass: a name too
    if short == "regtype":
        # 'name'::regtype is the type's OID (an error when there is none); oid::regtype prints its name
        return exp.Anonymous(this="pg_to_regtype" if named else "pg_regtype_name",
                             expressions=[x, exp.Literal.number(1)] if named else [x])
    if short == "regclass":
        found = _regclass(x, named, strict=True)
        return _regclass(found, named=False, strict=False) if named and shown else found
    if short in ("regproc", "regprocedure") and isinstance(x, exp.Literal) and x.is_string:
        return _io_function(x.this, short, shown)
    if short == "regnamespace":  # 'public'::regnamespace is 2200 (3F000 for no schema), 2200::regnamespace public
        found = exp.Anonymous(this="pg_regnamespace", expressions=[x]) if named else x
        return exp.Anonymous(this="pg_regnamespace_name", expressions=[found]) if shown or not named else found
    if short == "regproc" and not named:  # a function's OID (pg_trigger.tgfoid): its name
        return exp.Anonymous(this="pg_regproc_name", expressions=[x])
    raise SqlError(f"cast to type {name} is not supported", "0A000")


_OID_MAX = (1 << 32) - 1


def _oid_of(x: exp.Expression) -> exp.Expression:
    """x::oid. An oid is unsigned 32 bits: a bigint past 0 .. 4294967295 is 22003 and an
    integer below 0 wraps (-1::oid is 4294967295), as in PostgreSQL."""
    width = exprtypes.int_width(x) if exprtypes.kind(x) == "int" else ""  # (while x is in the tree)
    as_int = exp.Cast(this=x.copy(), to=exp.DataType.build("INTEGER"))
    if width == "int8":
        fits = exp.or_(exp.Is(this=x.copy(), expression=exp.Null()),
                       exp.Between(this=x.copy(), low=exp.Literal.number(0), high=exp.Literal.number(_OID_MAX)))
        return exp.Case(ifs=[exp.If(this=fits, true=as_int)], default=exp.Anonymous(
            this="pg_raise", expressions=[exp.Literal.string("22003"), exp.Literal.string("OID out of range")]))
    if width in ("int2", "int4"):
        return exp.Case(ifs=[exp.If(this=exp.LT(this=x.copy(), expression=exp.Literal.number(0)),
                                    true=exp.Add(this=x.copy(), expression=exp.Literal.number(_OID_MAX + 1)))],
                        default=as_int)
    return as_int


def _io_function(text: str, to: str, shown: bool) -> exp.Expression:
    """'array_in(cstring,oid,integer)'::regprocedure, 'boolin'::regproc: a type's input
    or output function, which the catalog's pg_type.typinput and its siblings hold by
    name (Rails compares them so). Other functions are refused."""
    compact = "".join(text.split())
    compact = compact[len("pg_catalog."):] if compact.lower().startswith("pg_catalog.") else compact
    name, paren, args = compact.partition("(")
    known = catalog.io_function_names()
    if to == "regprocedure" and (not paren or not args.endswith(")")):
        raise SqlError("expected a left parenthesis" if not paren else "expected a right parenthesis", "22P02")
    signature = known.get(name.lower())
    if signature is None or to == "regprocedure" and (not signature or args[:-1].lower() != signature):
        raise SqlError(f"cast to type {to} of anything but a type's input function ({text!r}) is not supported",
                       "0A000")
    if to == "regprocedure" and shown:
        return exp.Literal.string(f"{name.lower()}({signature})")
    return exp.Literal.string(name.lower())


def _single_column(sel: exp.Select) -> exp.Select:
    """The one-column SELECT with its column named pg_elem."""
    e = sel.expressions[0]
    sel.set("expressions", [exp.alias_(e.unalias() if isinstance(e, exp.Alias) else e, "pg_elem")])
    return sel


def _regclass(x: exp.Expression, named: bool, strict: bool) -> exp.Expression:
    """'name'::regclass -> the relation's OID (catalog.PG_OID_BASE + its sqlite_master rowid);
    oid::regclass -> its name. A system catalog's name gives NULL (it has no row here)."""
    if named:
        sql = (f"SELECT {catalog.PG_OID_BASE} + rowid FROM sqlite_master WHERE type IN ('table', 'view', 'index') "
               "AND name = pg_unqualified(:x)")
    else:
        sql = f"SELECT name FROM sqlite_master WHERE rowid = :x - {catalog.PG_OID_BASE}"
    sub = sqlglot.parse_one(sql, read="sqlite")
    sub.find(exp.Placeholder).replace(x.copy() if named and strict else x)
    if named and strict:  # 'nosuch'::regclass fails (42P01), as PostgreSQL's input function does
        return exp.Anonymous(this="pg_regclass_found", expressions=[exp.Subquery(this=sub), x])
    return exp.Subquery(this=sub)


def _relation_size(call: exp.Anonymous, ctx: SessionContext) -> exp.Expression:
    """pg_relation_size, pg_table_size, pg_indexes_size, pg_total_relation_size of a
    relation (an OID or a name, as regclass), pg_database_size, pg_tablespace_size: the
    bytes of Sixfold's own pages (SQLite's B-trees, counted by walking them with dbstat)."""
    name = call.name.lower()
    args = call.expressions
    if len(args) not in ((1, 2) if name == "pg_relation_size" else (1,)):
        raise SqlError(f"function {name} with {len(args)} arguments does not exist", "42883")
    x = args[0]
    if name in ("pg_database_size", "pg_tablespace_size"):
        sql = catalog.database_size_sql(ctx.database) if name == "pg_database_size" else catalog.tablespace_size_sql()
        sub = sqlglot.parse_one(sql, read="sqlite")
        sub.find(exp.Placeholder).replace(x.copy())
        return exp.Subquery(this=sub)
    if len(args) == 2 and not (isinstance(args[1], exp.Literal) and args[1].is_string):
        raise SqlError("pg_relation_size's fork must be a string constant", "0A000")
    fork = args[1].this if len(args) == 2 else "main"
    return _relation_subquery(catalog.relation_size_sql(name, fork), x)


def _relation_subquery(sql: str, relation: exp.Expression, others: dict | None = None) -> exp.Expression:
    """`sql`, a catalog query whose placeholders (:x) stand for a relation's OID, for
    `relation`: an OID, or a name read as regclass; `others` fills other named ones."""
    named = isinstance(relation, (exp.Parameter, exp.Placeholder)) or (
        isinstance(relation, exp.Literal) and relation.is_string)
    oid = _regclass(relation.copy(), True, strict=True) if named else relation.copy()
    sub = sqlglot.parse_one(sql, read="sqlite")
    for placeholder in list(sub.find_all(exp.Placeholder)):
        placeholder.replace((others or {}).get(placeholder.name, oid).copy())
    return exp.Subquery(this=sub)


def _names_tableoid(table: exp.Table) -> bool:
    """Whether the statement holding `table` names the system column tableoid (which
    `SELECT *` does not show, so a catalog relation has it only when asked)."""
    return any(c.name.lower() == "tableoid" for c in table.root().find_all(exp.Column))


def _is_series(e: exp.Expression) -> bool:
    """Whether `e` is a call of generate_series (which sqlglot reads as one of three nodes)."""
    return isinstance(e, (exp.GenerateSeries, exp.ExplodingGenerateSeries)) or (
        isinstance(e, exp.Anonymous) and e.name.lower() == "generate_series")


def _generate_series(call: exp.Expression, alias: exp.TableAlias | None, ordinality: bool = False) -> exp.Expression:
    """generate_series(a, b [, step]) [WITH ORDINALITY] as a recursive CTE: its value
    column (and the 1-based position, counted along)."""
    if isinstance(call, exp.Anonymous):
        args = call.expressions
    else:
        args = [call.args.get("start"), call.args.get("end")] + ([call.args["step"]] if call.args.get("step") else [])
    if len(args) not in (2, 3) or any(a is None for a in args):
        raise SqlError("generate_series takes 2 or 3 arguments", "42883")
    col, position = "generate_series", "ordinality"
    alias_name = None
    if alias is not None:
        alias_name = alias.name
        if len(alias.columns) > 1 + ordinality:
            raise SqlError(f'table "{alias_name}" has {1 + ordinality} columns available but {len(alias.columns)} '
                           "columns specified", "42P10")
        if alias.columns:
            col = alias.columns[0].name
        else:
            col = alias_name
        if ordinality and len(alias.columns) == 2:
            position = alias.columns[1].name
    a, b = gen(args[0]), gen(args[1])
    step = gen(args[2]) if len(args) == 3 else "1"
    k = exprtypes.kind(args[0])
    if k == "date" and len(args) == 3:  # dates are read as timestamptz: PostgreSQL has no date form
        a, b, k = f"pg_cast({a}, 'timestamptz')", f"pg_cast({b}, 'timestamptz')", "timestamptz"
    nxt = f"v + ({step})"
    sign = f"({step})"
    if k == "int":  # (in int8: a series of int4 bounds with a large step, or up to int4's end, stops past b)
        nxt = f"pg_arith('+', v, ({step}), 'int8', 'int8')"
    if k in exprtypes.TEMPORAL:  # v is a timestamp (or date): PostgreSQL's + of an interval
        k_step = exprtypes.kind(args[2]) if len(args) == 3 else ""
        nxt = f"pg_arith('+', v, ({step}), '{k}', '{k_step if k_step in exprtypes.TEMPORAL else 'interval'}')"
        sign = f"pg_icmp(({step}), '00:00:00')"  # an interval's sign, by PostgreSQL's interval order
    counted = f', n AS "{position}"' if ordinality else ""
    sql = (f"SELECT v AS \"{col}\"{counted} FROM (WITH RECURSIVE "
           f"_gs(v, n) AS (SELECT {a}, 1 WHERE (CASE WHEN {sign} = 0 THEN "
           f"pg_raise('22023', 'step size cannot equal zero') ELSE 1 END) AND ({sign} > 0 AND {a} <= {b} "
           f"OR {sign} < 0 AND {a} >= {b}) UNION ALL SELECT {nxt}, n + 1 FROM _gs "
           f"WHERE {sign} > 0 AND {nxt} <= {b} OR {sign} < 0 AND {nxt} >= {b}) SELECT v, n FROM _gs)")
    sub = sqlglot.parse_one(sql, read="sqlite")
    return exp.Subquery(this=sub, alias=exp.TableAlias(this=exp.to_identifier(alias_name or "generate_series")))


_UNSUPPORTED_FUNCS = {"txid_current_snapshot", "pg_current_snapshot", "txid_visible_in_snapshot", "pg_visible_in_snapshot"}


_ARITH = {exp.Add: "+", exp.Sub: "-", exp.Mul: "*", exp.Div: "/"}
_FLIP = {exp.GT: exp.LT, exp.LT: exp.GT, exp.GTE: exp.LTE, exp.LTE: exp.GTE, exp.EQ: exp.EQ, exp.NEQ: exp.NEQ}


def _temporal_literal(e: exp.Expression) -> bool:
    """A string literal PostgreSQL would read as a date or timestamp of the other side's
    type, where comparing it as text could give another answer than PostgreSQL's."""
    if not (isinstance(e, exp.Literal) and e.is_string):
        return False
    k = temporal.sniff(e.this)
    if k not in ("date", "timestamp", "timestamptz"):
        return False
    try:
        return k == "date" or temporal.canonical(e.this, k) != e.this or k == "timestamptz"
    except temporal.TemporalError:
        return True


_CONVERTED_KINDS = ("date", "time", "timestamp", "timestamptz", "interval", "uuid", "bool", "bytea")
# Inputs that name a moment relative to the clock: read when the statement runs (a
# translation is cached and reused), never when it is translated
_MOVING_WORDS = frozenset(("now", "today", "tomorrow", "yesterday"))
_MOVING_KINDS = ("date", "time", "timestamp", "timestamptz")


def _moving_literal(e: exp.Expression) -> bool:
    return isinstance(e, exp.Literal) and e.is_string and e.this.strip().lower() in _MOVING_WORDS


def _as_kind(x: exp.Expression, k: str) -> exp.Expression:
    """A literal or parameter compared with a column of kind `k`, as PostgreSQL reads it:
    the literal converted now (its error is the statement's), the parameter at run time
    (and 'now', 'today' ... too)."""
    if _moving_literal(x) and k in _MOVING_KINDS:
        return exp.Anonymous(this="pg_cast", expressions=[x, exp.Literal.string(k)])
    if isinstance(x, exp.Literal) and x.is_string:
        try:
            v = values.cast(x.this, k)
        except values.InputError as e:
            raise SqlError(str(e), e.sqlstate) from None
        if isinstance(v, bytes):  # a bytea: SQLite compares a blob with a blob only
            return exp.Anonymous(this="pg_bytea", expressions=[exp.Literal.string("\\x" + v.hex())])
        return exp.Literal.number(v) if isinstance(v, int) else exp.Literal.string(v)
    if isinstance(x, exp.Parameter):
        return exp.Anonymous(this="pg_bytea" if k == "bytea" else "pg_cast",
                             expressions=[x] if k == "bytea" else [x, exp.Literal.string(k)])
    return x


def _compare_typed_column(cls, a: exp.Expression, b: exp.Expression) -> exp.Expression | None:
    """column OP literal/parameter for a column whose stored form is canonical: the other
    side converted to the column's type, so that SQLite's comparison (and index) is right."""
    for col, other, col_first in ((a, b, True), (b, a, False)):
        if not isinstance(col, exp.Column) or not isinstance(other, (exp.Literal, exp.Parameter)):
            continue
        if isinstance(other, exp.Literal) and not other.is_string:
            continue
        k = exprtypes.kind(col)
        decl = exprtypes.column_decl(col)
        if decl and pgtypes.column_oid(decl) == pgtypes.NAME:  # name input keeps 63 bytes: compare so
            conv = exp.Anonymous(this="pg_name", expressions=[other])
            return cls(this=col, expression=conv) if col_first else cls(this=conv, expression=col)
        if k == "array":  # the other side in the column's stored form
            conv = exp.Anonymous(this="pg_stored", expressions=[other, exp.Literal.string(decl)])
            return cls(this=col, expression=conv) if col_first else cls(this=conv, expression=col)
        if k not in _CONVERTED_KINDS:
            continue
        conv = _as_kind(other, k)
        return cls(this=col, expression=conv) if col_first else cls(this=conv, expression=col)
    return None


def _compare_jsonb(cls, a: exp.Expression, b: exp.Expression) -> exp.Expression | None:
    """jsonb compared with a literal or parameter: the other side in jsonb's stored form
    ('{"b":1, "a":2}' is '{"a": 2, "b": 1}'), so that equal documents are equal as text.
    < > <= >= follow PostgreSQL's jsonb order (pg_jsonb_cmp: numbers by value, an object
    after an array ...), not the texts' (Django's `prefs__size__gte=2` is one)."""
    ka, kb = exprtypes.kind(a), exprtypes.kind(b)
    if "jsonb" not in (ka, kb):
        return None
    given = lambda e: isinstance(e, exp.Parameter) or isinstance(e, exp.Literal) and e.is_string  # noqa: E731
    if ka == "jsonb" and given(b):
        b = _as_kind(b, "jsonb")
    elif kb == "jsonb" and given(a):
        a = _as_kind(a, "jsonb")
    elif cls in (exp.EQ, exp.NEQ):
        return None  # (two documents: their stored texts compare)
    if cls in (exp.EQ, exp.NEQ):
        return cls(this=a, expression=b)
    return cls(this=exp.Anonymous(this="pg_jsonb_cmp", expressions=[a, b]), expression=exp.Literal.number(0))


def _natural(e: exp.Expression, least: int) -> bool:
    """Whether `e` is an integer literal of at least `least`."""
    return isinstance(e, exp.Literal) and not e.is_string and str(e.this).isdigit() and int(e.this) >= least


def _compare_unknown_with_number(cls, a: exp.Expression, b: exp.Expression) -> exp.Expression | None:
    """'1' = 1: a string literal compared with an integer or float takes that type, as in
    PostgreSQL (true there; SQLite compares text with a number as unequal unless a table
    column's affinity converts it). Converted now: bad input is the statement's error."""
    for lit, other, lit_first in ((a, b, True), (b, a, False)):
        conv = _literal_as_number(lit, other) if isinstance(lit, exp.Literal) and lit.is_string else None
        if conv is not None:
            return cls(this=conv, expression=other) if lit_first else cls(this=other, expression=conv)
    return None


def _literal_as_number(lit: exp.Literal, other: exp.Expression) -> exp.Literal | None:
    """Quoted literal `lit` read as the type of `other` when that is an integer (of its
    width), float, numeric or boolean (SQLite holds a boolean as 1/0); None for another
    type or an infinite value. Bad input is 22P02 (22003 out of the integer's range)."""
    from compute_node.pg_sql import typed_functions

    k = exprtypes.kind(other)
    try:
        if k == "int":
            h = exprtypes.int_hint(other) or _num_hint(other, "int")
            return exp.Literal.number(int_coercion.to_int(lit.this, _hint_bits(h), "text"))
        if k == "float":  # (a real's neighbour is a real: '1004.3' is the real a column holds)
            single = exprtypes.oid(other) == pgtypes.FLOAT4
            f = float_input.text_to_float(lit.this, 32 if single else 64)
            f = float_input.as_float4(f) if single else f
            if not math.isfinite(f):
                return None
            out = exp.Literal.number(repr(f))  # (a negative number is Neg(literal))
            (out.this if isinstance(out, exp.Neg) else out).meta[_EXACT_DOUBLE] = True  # a double's digits exactly
            return out
        if k == "bool":
            return exp.Literal.number(1 if values.parse_bool(lit.this) else 0)
        if k == "num":  # n = '1.50' ('abc' is 22P02, as PostgreSQL's numeric_in says)
            d = typed_functions.numeric_input(lit.this)
            return exp.Literal.number(numeric.text(d)) if d.is_finite() else None
    except values.InputError as e:
        raise SqlError(str(e), e.sqlstate) from None
    return None


def _in_list_numbers(node: exp.In) -> exp.In | None:
    """x IN ('1', '2.5') of a number or boolean: each quoted literal read as x's type, as
    `x = '1'` is: 'x' among them is the statement's error (22P02), where SQLite would
    compare text with a number and answer no row."""
    items = [_literal_as_number(e, node.this) if isinstance(e, exp.Literal) and e.is_string else None
             for e in node.expressions]
    if all(x is None for x in items):
        return None
    out = node.copy()
    out.set("expressions", [x if x is not None else e.copy() for x, e in zip(items, node.expressions)])
    return out


_DATETIME_KINDS = ("date", "timestamp", "timestamptz")


def _mixed_temporal(a: exp.Expression, b: exp.Expression) -> exp.Expression | None:
    """A comparison of a date with a timestamp, or a timestamp with a timestamptz: their
    stored texts do not compare as the values do ('2024-01-01' is not '2024-01-01
    00:00:00'), so pg_tcmp2 compares them as PostgreSQL does, the date at midnight and a
    timestamp in the session's time zone (UTC). None when the kinds are not so mixed."""
    ka, kb = exprtypes.kind(a), exprtypes.kind(b)
    if ka == kb or ka not in _DATETIME_KINDS or kb not in _DATETIME_KINDS:
        return None
    return exp.Anonymous(this="pg_tcmp2", expressions=[a, b, exp.Literal.string(ka), exp.Literal.string(kb)])


def _quantifier(e: exp.Expression) -> bool:
    """ANY (...) / ALL (...) (sqlglot reads ALL (array) as a function call): the other
    side of `'2024-01-31' = ALL (arr)`, compared element by element (arrays.py)."""
    return isinstance(e, (exp.Any, exp.All)) or isinstance(e, exp.Anonymous) and e.name.lower() in ("any", "all")


def _tcmp(x: exp.Expression, lit: exp.Expression) -> exp.Expression:
    return exp.Anonymous(this="pg_tcmp", expressions=[x, lit])


def _distinct_typed(a: exp.Expression, b: exp.Expression) -> exp.Expression | None:
    """a IS DISTINCT FROM b for a date against a timestamp, a timestamp against a
    timestamptz, or two intervals, whose stored texts differ where the values are equal;
    None for other kinds."""
    cmp = _icmp(a, b) if _interval_pair(a, b) else _mixed_temporal(a, b)
    if cmp is None:
        return None
    a_null = exp.Paren(this=exp.Is(this=a.copy(), expression=exp.Null()))
    b_null = exp.Paren(this=exp.Is(this=b.copy(), expression=exp.Null()))
    return exp.Case(ifs=[exp.If(this=exp.Or(this=a_null, expression=b_null),
                                true=exp.NEQ(this=a_null.copy(), expression=b_null.copy()))],
                    default=exp.NEQ(this=cmp, expression=exp.Literal.number(0)))


def _aggregate_call(node: exp.Expression) -> exp.Expression:
    """The whole call of aggregate `node`: with its FILTER (...), under its OVER (...)."""
    at = node.parent if isinstance(node.parent, exp.Filter) else node
    return at.parent if isinstance(at.parent, exp.Window) else at


def _sort_key(e: exp.Expression) -> bool:
    """`e` is an ORDER BY key of a plain SELECT (not of a set operation, whose keys name
    result columns; not a window's or an aggregate's ORDER BY)."""
    p = e.parent
    while isinstance(p, exp.Paren):
        p = p.parent
    order = p.parent if isinstance(p, exp.Ordered) else None
    return isinstance(order, exp.Order) and isinstance(order.parent, exp.Select)


def _aggregate_shown(node: exp.Expression) -> str:
    """'t' when an aggregate's result (the whole call's: _aggregate_call) is shown, else 'n'."""
    return "t" if _shown(_aggregate_call(node)) else "n"


_AGGREGATE_MARK = "sixfold_aggregate"


def _aggregate(name: str, node: exp.Expression, args: list) -> exp.Expression:
    """A call of one of Sixfold's aggregates in place of `node`: under OVER (...) its
    window function form (`typed_functions.register_aggregate`). Marked as an aggregate
    (`_has_aggregate`): it is no AggFunc to the tree any more."""
    windowed = isinstance(_aggregate_call(node), exp.Window)  # agg(x) [FILTER (...)] OVER (...)
    call = exp.Anonymous(this=name + ("_w" if windowed else ""), expressions=args)
    call.meta[_AGGREGATE_MARK] = True
    return call


def _has_aggregate(e: exp.Expression) -> bool:
    """Whether `e` holds an aggregate call: PostgreSQL's, or one the rewrite made of it."""
    return e.find(exp.AggFunc) is not None or any(n.meta.get(_AGGREGATE_MARK) for n in e.find_all(exp.Anonymous))


def _interval_pair(a: exp.Expression, b: exp.Expression) -> bool:
    """Two intervals compared (or an interval and a time, which PostgreSQL casts to an
    interval implicitly): their stored texts do not order as the values do."""
    ka, kb = exprtypes.kind(a), exprtypes.kind(b)
    return "interval" in (ka, kb) and {ka, kb} <= {"interval", "unknown", "time"}


def _icmp(a: exp.Expression, b: exp.Expression) -> exp.Expression:
    return exp.Anonymous(this="pg_icmp", expressions=[a, b])


def _interval_eq(a: exp.Expression, b: exp.Expression) -> exp.Expression:
    return exp.EQ(this=_icmp(a.copy(), b.copy()), expression=exp.Literal.number(0))


_INTERVAL_AGGREGATES = {exp.Sum: "pg_interval_sum", exp.Avg: "pg_interval_avg", exp.Max: "pg_interval_max",
                        exp.Min: "pg_interval_min"}


def _interval_node(node: exp.Expression) -> exp.Expression | None:
    """Intervals in PostgreSQL's order and arithmetic (Sixfold keeps their text, which
    sorts '10 days' before '2 days' and sums to a number): ORDER BY, BETWEEN, min, max,
    sum, avg, greatest and least."""
    if isinstance(node, exp.Ordered) and exprtypes.kind(node.this) == "interval":
        out = node.copy()
        out.set("this", exp.Anonymous(this="pg_interval_key", expressions=[node.this.copy()]))
        return out
    if type(node) in _INTERVAL_AGGREGATES and not isinstance(node.this, exp.Distinct) and \
            exprtypes.kind(node.this) == "interval":
        return _aggregate(_INTERVAL_AGGREGATES[type(node)], node, [node.this])
    if isinstance(node, (exp.Greatest, exp.Least)) and exprtypes.kind(node) == "interval":
        name = "pg_interval_greatest" if isinstance(node, exp.Greatest) else "pg_interval_least"
        return exp.Anonymous(this=name, expressions=[node.this, *node.expressions])
    if isinstance(node, (exp.Greatest, exp.Least)) and exprtypes.kind(node) == "num" and node.parent is not None \
            and _shown(node) and (not _compared(node) or _grouped_in_select(node)):
        # shown: the winning value's own text (each argument keeps its display scale),
        # compared exactly
        name = "pg_numeric_greatest" if isinstance(node, exp.Greatest) else "pg_numeric_least"
        texts = [_numeric_shown_text(arg) for arg in (node.this, *node.expressions)]  # (still in the tree)
        return exp.Anonymous(this=name, expressions=texts)
    # equal intervals are not equal texts ('1 day 12:00:00' = '36:00:00'): NULLIF, IN and
    # a simple CASE compare them as = does
    if isinstance(node, exp.Nullif) and _interval_pair(node.this, node.expression):
        return exp.Case(ifs=[exp.If(this=_interval_eq(node.this, node.expression), true=exp.Null())],
                        default=node.this.copy())
    if isinstance(node, exp.In) and node.expressions and not node.args.get("query") and \
            any(_interval_pair(node.this, x) for x in node.expressions):
        return exp.Paren(this=exp.or_(*[_interval_eq(node.this, x) for x in node.expressions]))
    if isinstance(node, exp.Case) and node.this is not None and \
            any(_interval_pair(node.this, i.this) for i in node.args.get("ifs") or []):
        default = node.args.get("default")
        return exp.Case(ifs=[exp.If(this=_interval_eq(node.this, i.this), true=i.args["true"].copy())
                             for i in node.args["ifs"]], default=default.copy() if default is not None else None)
    if isinstance(node, exp.Between) and not node.args.get("symmetric"):
        low, high = node.args.get("low"), node.args.get("high")
        if _interval_pair(node.this, low) or _interval_pair(node.this, high):
            return exp.And(this=exp.GTE(this=_icmp(node.this.copy(), low), expression=exp.Literal.number(0)),
                           expression=exp.LTE(this=_icmp(node.this.copy(), high), expression=exp.Literal.number(0)))
    return None


# PostgreSQL's collations that order text by its bytes (UTF-8): SQLite's BINARY.
_BYTE_ORDER_COLLATIONS = frozenset({"C", "POSIX", "ucs_basic", "default"})


def _like_quantified(node: exp.Like | exp.ILike) -> exp.Expression:
    """x [NOT] LIKE / ILIKE ANY / ALL (ARRAY[p, ...]): an OR (ANY) or AND (ALL) of one
    comparison per pattern, which keeps SQL's NULL answers (no patterns: ANY is false,
    ALL true). Over an array value it is refused (the patterns must be written out)."""
    arr = node.expression.this
    while isinstance(arr, (exp.Paren, exp.Cast)):  # ARRAY[]::text[], '{a%,b%}'::text[]
        arr = arr.this
    if isinstance(arr, exp.Literal) and arr.is_string:  # an array's text: its elements
        try:
            arr = exp.Array(expressions=[exp.Null() if e is None else exp.Literal.string(e)
                                         for e in arrays.parse(arr.this)])
        except arrays.ArrayError as e:
            raise SqlError(str(e), e.sqlstate) from None
    is_any = isinstance(node.expression, exp.Any)
    name = ("ILIKE " if isinstance(node, exp.ILike) else "LIKE ") + ("ANY" if is_any else "ALL")
    if not isinstance(arr, exp.Array):
        raise SqlError(f"{name} over an array value is not supported: write the patterns as ARRAY[...]", "0A000")
    parts: list[exp.Expression] = []
    for pattern in arr.expressions:
        test: exp.Expression = node.__class__(this=node.this.copy(), expression=pattern.copy())
        parts.append(exp.Not(this=test) if node.args.get("negate") else test)
    if not parts:
        return exp.false() if is_any else exp.true()
    combined = parts[0]
    for part in parts[1:]:
        combined = exp.Or(this=combined, expression=part) if is_any else exp.And(this=combined, expression=part)
    return exp.Paren(this=combined)


_VALUE_WINDOW_FUNCTIONS = (exp.Lag, exp.Lead, exp.FirstValue, exp.LastValue, exp.NthValue)


def _result_column(e: exp.Expression) -> bool:
    """Whether `e` is itself a column of the statement's result (not an operand of one)."""
    p = e.parent.parent if isinstance(e.parent, exp.Alias) else e.parent
    return isinstance(p, exp.Select) and (e.parent if isinstance(e.parent, exp.Alias) else e).arg_key == "expressions" \
        and _shown(e) and not _compared(e)


_NUMERIC_MATH = {exp.Ln: "ln", exp.Exp: "exp", exp.Sqrt: "sqrt", exp.Pow: "power"}


def _numeric_math_call(node: exp.Expression) -> exp.Expression | None:
    """ln, log, exp, sqrt and power (^) of numerics: exact, with PostgreSQL's digits and
    result scale (numeric_math.py); each argument arrives as its exact text."""
    if not (type(node) in _NUMERIC_MATH or isinstance(node, exp.Log)) or exprtypes.kind(node) != "num":
        return None
    if isinstance(node, exp.Log):
        name, args = ("log10", [node.this]) if node.expression is None else ("log", [node.this, node.expression])
    else:
        name = _NUMERIC_MATH[type(node)]
        args = [node.this] + ([node.expression] if isinstance(node, exp.Pow) else [])
    return _numeric_result(node, exp.Anonymous(this="pg_numeric_math", expressions=[
        exp.Literal.string(name), _shown_mode(node), *[_json_value(a) for a in args]]))


def _gcd_call(node: exp.Anonymous) -> exp.Expression:
    """gcd / lcm of integers (the wider argument's type: gcd(-2147483648, 0) is 22003) or
    of numerics (exact, the larger scale: gcd(0.000, 12.5) is 12.500), as PostgreSQL."""
    name, args = node.name.lower(), list(node.expressions)
    kinds = [exprtypes.kind(a) for a in args]
    labels = ", ".join(exprtypes.type_label(a) for a in args)
    if any(k not in ("int", "num", "unknown", "") for k in kinds):
        raise SqlError(f"function {name}({labels}) does not exist", "42883")
    if "num" in kinds:
        return _numeric_result(node, exp.Anonymous(this="pg_numeric_math", expressions=[
            exp.Literal.string(name), _shown_mode(node), *[_json_value(a) for a in args]]))
    widths = [exprtypes.int_width(a) for a in args]
    if widths == ["int2", "int2"]:  # integer and bigint candidates, neither preferred
        raise SqlError(f"function {name}({labels}) is not unique", "42725")
    width = exprtypes.int_width(node)  # (before its arguments move to the call below)
    raw = exp.Anonymous(this="pg_" + name, expressions=args)
    return to_int_call(raw, _hint_bits(width), "int") if width in ("int2", "int4") else raw


def _scale_call(node: exp.Anonymous) -> exp.Expression:
    """scale / min_scale / trim_scale of a numeric (an integer is one; nothing else is)."""
    name, arg = node.name.lower(), node.expressions[0]
    k = exprtypes.kind(arg)
    if k not in ("num", "int", "unknown", ""):
        raise SqlError(f"function {name}({exprtypes.type_label(arg)}) does not exist", "42883")
    value = _json_value(arg)  # a numeric's exact text
    if name == "trim_scale":
        return _numeric_result(node, exp.Anonymous(this="pg_numeric_math", expressions=[
            exp.Literal.string(name), _shown_mode(node), value]))
    return exp.Anonymous(this="pg_numeric_scale", expressions=[exp.Literal.string(name), value])


def _math_call(node: exp.Expression) -> exp.Expression | None:
    """ln, log, exp, sqrt and div: SQLite answers NULL, Infinity or a clamped integer
    where PostgreSQL fails (2201E, 2201F, 22003, 22012)."""
    numeric_call = _numeric_math_call(node)
    if numeric_call is not None:
        return numeric_call
    if isinstance(node, exp.Ln):
        return exp.Anonymous(this="pg_ln", expressions=[node.this])
    if isinstance(node, exp.Log):
        if node.expression is None:
            return exp.Anonymous(this="pg_log10", expressions=[node.this])
        return exp.Anonymous(this="pg_log", expressions=[node.this, node.expression])
    if isinstance(node, exp.Exp):
        is_float = exprtypes.kind(node) == "float"  # exp(2) is exp(double precision)
        return exp.Anonymous(this="pg_exp", expressions=[node.this, exp.Literal.number(int(is_float))])
    if isinstance(node, exp.Sqrt):
        return exp.Anonymous(this="pg_sqrt", expressions=[node.this])
    if isinstance(node, exp.IntDiv):
        if not _shown(node) and _lossy_operand(node):
            raise _lossy_arithmetic()
        return exp.Anonymous(this="pg_intdiv", expressions=[node.this, node.expression])
    return None


def _typed_node(node: exp.Expression) -> exp.Expression | None:
    """PostgreSQL's operator or function for a node whose SQLite meaning differs with
    dates, times, intervals or exact numerics; None to leave the node as it is."""
    cls = type(node)
    _refuse_incomparable(node)
    _refuse_non_integer_arguments(node)
    _refuse_typeless_operation(node)
    _refuse_non_text_arguments(node)
    json_call = _json_node(node)
    if json_call is not None:
        return json_call
    if isinstance(node, exp.SHA2Digest) or isinstance(node, exp.Anonymous) and node.name.lower() == "sha224":
        arg = node.this if isinstance(node, exp.SHA2Digest) else (node.expressions or [None])[0]
        bits = int(node.args["length"].this) if isinstance(node, exp.SHA2Digest) else 224
        if arg is None or exprtypes.kind(arg) not in ("bytea", "unknown", ""):
            raise SqlError(f"function sha{bits}({exprtypes.type_label(arg) if arg is not None else ''}) "
                           "does not exist", "42883")
        return exp.Anonymous(this="pg_sha", expressions=[arg, exp.Literal.number(bits)])
    if isinstance(node, exp.StringToArray):
        args = [node.this, node.expression] + ([node.args["null"]] if node.args.get("null") is not None else [])
        return exp.Anonymous(this="pg_string_to_array", expressions=args)
    if isinstance(node, exp.ArrayRemove):
        return exp.Anonymous(this="pg_array_remove", expressions=[node.this, node.expression])
    if isinstance(node, exp.ArrayToString):
        extra = [node.args["null"]] if node.args.get("null") is not None else []
        return exp.Anonymous(this="array_to_string", expressions=[node.this, node.expression, *extra])
    if isinstance(node, exp.ArrayPrepend):  # sqlglot keeps the array in `this`, the element in `expression`
        return exp.Anonymous(this="pg_array_prepend", expressions=[_element_value(node.expression), node.this])
    if isinstance(node, exp.Anonymous) and node.name.lower() in _ELEMENT_ARGUMENTS:
        at = _ELEMENT_ARGUMENTS[node.name.lower()]
        args = [_element_value(a) if i in at else a for i, a in enumerate(node.expressions)]
        if any(x is not y for x, y in zip(args, node.expressions)):
            return exp.Anonymous(this=node.name, expressions=args)
    if isinstance(node, exp.ArrayConcat) and len(node.expressions) == 1:  # array_cat(a, b)
        return exp.Anonymous(this="array_cat", expressions=[node.this, node.expressions[0]])
    if isinstance(node, exp.Anonymous) and node.name.lower() in ("quote_literal", "quote_nullable") and \
            len(node.expressions) == 1:  # the value's text: t/f, 1.50 (SQLite: 1, 1.5)
        arg = _as_text(node.expressions[0], "true", "false")
        if arg is not node.expressions[0]:
            return exp.Anonymous(this=node.name, expressions=[arg])
    if isinstance(node, exp.Anonymous) and node.name.lower() in ("scale", "min_scale", "trim_scale") and \
            len(node.expressions) == 1:
        return _scale_call(node)
    if isinstance(node, exp.Anonymous) and node.name.lower() == "pg_size_pretty" and len(node.expressions) == 1:
        arg = node.expressions[0]
        _refuse_size_pretty_argument(arg)
        if exprtypes.kind(arg) == "num":  # a numeric's text: 1.50 bytes keeps its scale
            return exp.Anonymous(this="pg_size_pretty", expressions=[_numeric_shown_text(arg)])
    if isinstance(node, _ORDERING):
        compared = _array_comparison(node)
        if compared is not None:
            return compared
        _refuse_array_order(node)
    if isinstance(node, _EQUALITY) and any(_numeric_array(x) for x in (node.this, node.expression)):
        # ARRAY[1.50] = ARRAY[1.5]: their texts differ, their values do not
        return node.__class__(**{k: exp.Anonymous(this="pg_numeric_array_key", expressions=[node.args[k]])
                                 for k in ("this", "expression")})
    if isinstance(node, _ENUM_COMPARED):
        _check_enum_literals(node)
    if isinstance(node, exp.Case) and isinstance(node.this, exp.Column):  # CASE m WHEN 'x' ...: m = 'x'
        token = enums.token_of_type(exprtypes.column_decl(node.this))
        for branch in node.args.get("ifs") or [] if token else []:
            if isinstance(branch.this, exp.Literal) and branch.this.is_string:
                enums.check_literal(token, branch.this.this)
    if cls in _ARITH or cls is exp.Mod:
        _check_arithmetic_literal(node)
    if cls in _ARITH:
        ka, kb = exprtypes.kind(node.this), exprtypes.kind(node.expression)
        if "float" in (ka, kb) and {ka, kb} <= {"float", "int", "int2", "int4", "int8", "num"}:
            if cls is exp.Div:
                return None  # pg_div below
            # SQLite's answers Infinity or 0 where PostgreSQL fails (22003); real with real is real
            single = exprtypes.oid(node.this) == pgtypes.FLOAT4 and exprtypes.oid(node.expression) == pgtypes.FLOAT4
            return exp.Anonymous(this="pg_farith", expressions=[
                exp.Literal.string(_ARITH[cls]), node.this, node.expression, exp.Literal.number(int(single))])
        ha = exprtypes.int_width(node.this) or ("" if ka == "unknown" and kb == "" else _num_hint(node.this, ka))
        hb = exprtypes.int_width(node.expression) or (
            "" if kb == "unknown" and ka == "" else _num_hint(node.expression, kb))
        # Where rows are told apart by it too (DISTINCT, a GROUP BY query's column, UNION), its
        # text is compared under the pg_numeric collation: by value (the texts of equal numbers,
        # 2.5 and 2.50, would be two values), and shown with all its digits (a double would keep
        # 17 of a quotient's).
        grouped = "num" in (ka, kb) and _grouped(node)
        shown = "num" in (ka, kb) and (_shown(node) and not _compared(node) or grouped or
                                       cls is exp.Div and quotient_text.makes_text(node, _shown))
        if not shown and _lossy_operand(node):
            # Its exact result would go back to SQLite as a double, to be compared, grouped
            # or sorted: 99999999999999999999.5 - n is the same double for every small n.
            raise _lossy_arithmetic()
        verify = not shown and "num" in (ka, kb)
        if verify and cls is exp.Div and _in_sorted_set_result(node) and not node.meta.get(set_operations.TWINNED):
            # a numeric quotient's display scale is its own (1/3 is 0.33333333333333333333):
            # a number, as a sorted set operation's column is here, cannot show it
            raise _sorted_set_quotient()
        # ('v': a numeric sum, difference or product kept as a number, to be compared,
        # sorted or read through a subquery: it must hold the exact result, else 0A000 when
        # computed. A quotient's exact value rarely ends: it stays the nearest double.)
        op = _ARITH[cls] + ("t" if shown else "v" if verify and cls is not exp.Div else "")
        call = exp.Anonymous(this="pg_arith", expressions=[
            exp.Literal.string(op), _exact_literal(node.this), _exact_literal(node.expression),
            exp.Literal.string(ha), exp.Literal.string(hb)])
        return exp.Collate(this=call, expression=exp.to_identifier(pgtypes.NUMERIC_TEXT_COLLATION)) if grouped else call
    if isinstance(node, exp.Mod) and exprtypes.kind(node) == "num":
        # n % m of numerics: exact, with the larger display scale (3.00 % 2 is 1.00)
        ha, hb = (_num_hint(x, exprtypes.kind(x)) for x in (node.this, node.expression))
        return exp.Anonymous(this="pg_arith", expressions=[
            exp.Literal.string("%t" if _shown(node) else "%v"), _exact_literal(node.this),
            _exact_literal(node.expression), exp.Literal.string(ha), exp.Literal.string(hb)])
    if isinstance(node, exp.Pow) and exprtypes.kind(node) == "num":
        return _numeric_math_call(node)
    if isinstance(node, exp.Pow):  # SQLite's pow answers NULL where PostgreSQL fails (2201F)
        is_float = exprtypes.kind(node) == "float"
        return exp.Anonymous(this="pg_pow", expressions=[node.this, node.expression,
                                                         exp.Literal.number(int(is_float))])
    if isinstance(node, exp.BitwiseXor):  # a # b: SQLite has no exclusive or
        a, b = node.this, node.expression
        return exp.Paren(this=exp.Sub(this=exp.Paren(this=exp.BitwiseOr(this=a.copy(), expression=b.copy())),
                                      expression=exp.Paren(this=exp.BitwiseAnd(this=a, expression=b))))
    if isinstance(node, exp.Overlay):  # overlay(s placing r from f [for n])
        name = "pg_overlay_bytea" if exprtypes.kind(node.this) == "bytea" else "pg_overlay"
        args = [node.this, node.expression, node.args["from_"]]
        return exp.Anonymous(this=name, expressions=args + ([node.args["for_"]] if node.args.get("for_") else []))
    math_call = _math_call(node)
    if math_call is not None:
        return math_call
    if isinstance(node, exp.Neg) and exprtypes.kind(node.this) == "num" and exprtypes.signed_literal(node) is None \
            and node.parent is not None:
        # -x of a numeric is exact, with x's scale: 0 - x (SQLite's negation of a shown
        # numeric's text, or of a quotient, is a double)
        sub = exp.Sub(this=exp.Literal.number(0), expression=node.this.copy())
        node.replace(sub)
        out = _typed_node(sub) or sub
        if out is not sub:
            sub.replace(out)  # in the tree: its operands' columns resolve through it
        return out
    if isinstance(node, exp.Sign) and exprtypes.kind(node.this) in ("int", "float"):
        return exp.Cast(this=exp.Anonymous(this="sign", expressions=[node.this]),
                        to=exp.DataType.build("REAL"))  # sign(double precision): a float
    if isinstance(node, exp.Neg) and exprtypes.kind(node.this) == "float" and not isinstance(node.this, exp.Literal):
        # -x of a float: -0 for 0 (SQLite answers 0)
        return exp.Anonymous(this="pg_farith", expressions=[
            exp.Literal.string("*"), node.this, exp.Literal.number(-1),
            exp.Literal.number(int(exprtypes.oid(node.this) == pgtypes.FLOAT4))])
    if isinstance(node, exp.Nullif) and _shown(node) and exprtypes.kind(node.this) == "num":
        # Its first argument is shown with its own scale, as text: compare the value itself.
        return exp.Case(ifs=[exp.If(this=exp.EQ(this=node.this.copy(), expression=node.expression.copy()),
                                    true=exp.Null())], default=node.this.copy())
    if type(node) in exprtypes.VARIANCE_NODES or type(node) in exprtypes.REGRESSION_NODES:
        return _statistical_aggregate(node)
    if isinstance(node, (exp.Lag, exp.Lead)) and exprtypes.mismatched_branches(exprtypes.window_branches(node)):
        args = [node.this, node.args.get("offset"), node.args["default"]]
        name = "lag" if isinstance(node, exp.Lag) else "lead"
        raise SqlError(f"function {name}({', '.join(exprtypes.type_label(a) for a in args)}) does not exist",
                       "42883")
    if isinstance(node, exprtypes.BRANCHING) and (pair := _mismatched(node)) is not None:
        label = {exp.Case: "CASE", exp.Coalesce: "COALESCE", exp.Greatest: "GREATEST", exp.Least: "LEAST"}[type(node)]
        first, second = (exprtypes.type_label(x) for x in pair)
        if {first, second} == {"json", "jsonb"}:  # one category, no implicit cast between them
            raise SqlError(f"{label} could not convert type {second} to {first}", "42846")
        raise SqlError(f"{label} types {first} and {second} cannot be matched", "42804")
    if isinstance(node, _VALUE_WINDOW_FUNCTIONS) and (exprtypes.operand_kind(node.this) == "unknown" or
                                                      isinstance(node.this, exp.Null)) and not (
            isinstance(node, (exp.Lag, exp.Lead)) and node.args.get("default") is not None):
        # (lag / lead with a default are anycompatible: two untyped literals resolve to text)
        raise SqlError("could not determine polymorphic type because input has type unknown", "42804")
    if isinstance(node, _VALUE_WINDOW_FUNCTIONS) and exprtypes.kind(node.this) == "num" and \
            isinstance(node.parent, exp.Window) and _result_column(node.parent):
        # lag(n) over (...) of a numeric shows each value with its own scale (10.00, a
        # default 0.5 as 0.5): the values travel as their exact texts
        out = node.copy()
        for key in ("this", "default"):
            if node.args.get(key) is not None:
                out.set(key, _json_value(node.args[key]))
        return out
    if isinstance(node, exp.Window) and (framed := temporal_functions.range_frame(node)) is not None:
        return framed  # RANGE BETWEEN interval PRECEDING ... over a date or timestamp
    temporal_call = temporal_functions.translate(node)
    if temporal_call is not None:
        return temporal_call
    if isinstance(node, exp.Hex):  # to_hex(n): SQLite's hex() is of the value's text
        if exprtypes.kind(node.this) not in ("int", ""):
            raise SqlError(f"function to_hex({exprtypes.type_label(node.this)}) does not exist", "42883")
        if exprtypes.int_width(node.this) == "int2":  # to_hex(integer) and to_hex(bigint) both take it
            raise SqlError("function to_hex(smallint) is not unique", "42725")
        return exp.Anonymous(this="pg_to_hex", expressions=[
            node.this, exp.Literal.number(64 if exprtypes.int_width(node.this) == "int8" else 32)])
    if isinstance(node, exp.RegexpCount):
        extra = [node.args[k] for k in ("position", "parameters") if node.args.get(k) is not None]
        return exp.Anonymous(this="regexp_count", expressions=[node.this, node.expression, *extra])
    if isinstance(node, exp.WithinGroup):  # percentile_cont(f) WITHIN GROUP (ORDER BY x) and the like
        return ordered_set.translate(node)
    if type(node) in ordered_set.BIT_AGGREGATES:
        name = ordered_set.BIT_AGGREGATES[type(node)]
        if exprtypes.kind(node.this) not in ("int", ""):
            raise SqlError(f"function {name[3:]}({exprtypes.type_label(node.this)}) does not exist", "42883")
        return _aggregate(name, node, [node.this])
    if isinstance(node, exp.Format):  # PostgreSQL's format(), not SQLite's printf
        _refuse_untyped(node.expressions)
        return exp.Anonymous(this="pg_format", expressions=[
            _as_text(a, "t", "f") for a in [node.this, *node.expressions]])
    if isinstance(node, (exp.Concat, exp.ConcatWs)):
        # concat() shows each argument as its type prints: a boolean as t/f (SQLite: 1/0),
        # a numeric with its scale (2.50, not 2.5)
        args = [a if isinstance(node, exp.ConcatWs) and i == 0 else _as_text(a, "t", "f")
                for i, a in enumerate(node.expressions)]
        if any(x is not y for x, y in zip(args, node.expressions)):
            out = node.copy()
            out.set("expressions", args)
            return out
        return None
    if isinstance(node, exp.Neg) and exprtypes.kind(node.this) == "interval":  # -interval '1 day' is '-1 days'
        return exp.Anonymous(this="pg_arith", expressions=[
            exp.Literal.string("*"), node.this, exp.Literal.number(-1), exp.Literal.string("interval"),
            exp.Literal.string("int4")])
    if isinstance(node, exp.Neg) and exprtypes.kind(node.this) == "int" and exprtypes.signed_literal(node.this) is None:
        # -x of an integer overflows its type at the type's minimum, as 0 - x does (22003);
        # SQLite's 64-bit negation would answer 2147483648 for -(-2147483648)::int.
        h = exprtypes.int_width(node.this) or _num_hint(node.this, "int")
        return exp.Anonymous(this="pg_arith", expressions=[
            exp.Literal.string("-"), exp.Literal.number(0), node.this, exp.Literal.string(h), exp.Literal.string(h)])
    if isinstance(node, exp.Substring) and exprtypes.kind(node.args.get("start")) in ("text", "unknown"):
        # substring(s FROM pattern): a POSIX regular expression; with FOR, SQL's SIMILAR form
        if node.args.get("length") is not None:
            raise SqlError("substring(... FROM pattern FOR escape) (SIMILAR TO) is not supported", "0A000")
        return exp.Anonymous(this="pg_substring_regex", expressions=[node.this, node.args["start"]])
    if isinstance(node, exp.Substring) and node.args.get("start") is not None and (not (
            _natural(node.args["start"], 1) and (node.args.get("length") is None or _natural(node.args["length"], 0)))
            or exprtypes.kind(node.this) == "bytea"):  # (SQLite's substr of an empty blob is NULL)
        # SQLite counts a start below 1 from the string's end and a negative length
        # backwards; PostgreSQL clips the range [start, start + length) to the string
        # (substr('hello', -1, 3) is 'h', not 'o') and refuses a negative length (22011).
        args = [node.this, node.args["start"]] + ([node.args["length"]] if node.args.get("length") else [])
        return exp.Anonymous(this="pg_substr", expressions=args)
    if isinstance(node, (exp.Like, exp.ILike)) and isinstance(node.expression, (exp.Any, exp.All)):
        return _like_quantified(node)
    if isinstance(node, exp.Collate) and isinstance(node.expression, (exp.Identifier, exp.Var, exp.Column)) and \
            _written_collation(node.expression) in _BYTE_ORDER_COLLATIONS:  # "C": SQLite's BINARY is that order
        return exp.Collate(this=node.this, expression=exp.to_identifier("BINARY"))
    like = node.this if isinstance(node, exp.Escape) else node
    if isinstance(like, exp.Like) and "bytea" in (exprtypes.kind(like.this), exprtypes.kind(like.expression)) \
            and not isinstance(like.expression, (exp.Any, exp.All)) and \
            (like is not node or not isinstance(node.parent, exp.Escape)):  # (with ESCAPE: at the Escape)
        # bytea LIKE bytea compares bytes (SQLite's LIKE finds no match in a blob)
        escape = node.expression if isinstance(node, exp.Escape) else exp.Literal.string("\\")
        call = exp.Anonymous(this="pg_bytea_like", expressions=[like.this, like.expression, escape.copy()])
        return exp.Not(this=call) if like.args.get("negate") else call
    if isinstance(node, (exp.Like, exp.ILike)) and not isinstance(node.parent, exp.Escape) \
            and not isinstance(node.expression, (exp.Any, exp.All)):
        # PostgreSQL's LIKE escapes with a backslash unless told otherwise; SQLite's has
        # no escape character (and is made case-sensitive by functions.register).
        return exp.Escape(this=node.copy(), expression=exp.Literal.string("\\"))
    if isinstance(node, exp.Abs) and exprtypes.signed_literal(node.this) is not None:
        hint = exprtypes.int_hint(node.this)
        if hint in ("int2", "int4", "int8") and abs(int(exprtypes.signed_literal(node.this))) >= 1 << (_hint_bits(hint) - 1):
            raise SqlError(f"{'smallint' if hint == 'int2' else 'integer' if hint == 'int4' else 'bigint'} "
                           "out of range", "22003")  # abs(-2147483648): PostgreSQL folds it when planning
    if isinstance(node, exp.Abs) and exprtypes.kind(node.this) == "int" and exprtypes.signed_literal(node.this) is None:
        # abs() of an integer type's minimum overflows it (22003), as in PostgreSQL
        h = exprtypes.int_width(node.this) or _num_hint(node.this, "int")
        return to_int_call(exp.Anonymous(this="abs", expressions=[node.this]), _hint_bits(h), "int")
    if isinstance(node, exp.Abs) and exprtypes.kind(node.this) == "float":
        return exp.Anonymous(this="pg_fabs", expressions=[node.this])  # (SQLite's abs(-0.0) is -0.0)
    if isinstance(node, exp.Anonymous) and node.name.lower() in ("gcd", "lcm") and len(node.expressions) == 2:
        return _gcd_call(node)
    if isinstance(node, (exp.Round, exp.Trunc)) and node.args.get("decimals") is not None:
        name = "round" if isinstance(node, exp.Round) else "trunc"
        if exprtypes.kind(node.this) == "float":
            raise SqlError(f"function {name}(double precision, integer) does not exist", "42883")
        return _numeric_result(node, exp.Anonymous(this="pg_round_to", expressions=[
            node.this, node.args["decimals"], exp.Literal.string(name), _shown_mode(node)]))
    if type(node) in _UNARY_NUMERIC and node.args.get("decimals") is None and (
            _computed_numeric(node.this) or type(node) is not exp.Abs and exprtypes.kind(node.this) == "num"
            and _shown_as_text(node)):
        # (shown, floor/ceil/round/trunc of a numeric has scale 0: 2, where SQLite's float says 2.0)
        return _numeric_result(node, exp.Anonymous(this="pg_numeric_unary", expressions=[
            exp.Literal.string(_UNARY_NUMERIC[type(node)]), node.this, _shown_mode(node)]))
    if isinstance(node, exp.Round) and node.args.get("decimals") is None and exprtypes.kind(node.this) == "float":
        return exp.Anonymous(this="pg_rint", expressions=[node.this])  # round(float8) is rint: half to even
    if isinstance(node, exp.Interval):
        body = node.this
        unit = node.args.get("unit")
        unit_text = (" " + unit.name) if unit is not None else ""
        if isinstance(body, exp.Literal):
            try:
                return exp.Literal.string(temporal.canonical(f"{body.this}{unit_text}", "interval"))
            except temporal.TemporalError as e:
                raise SqlError(str(e), e.sqlstate) from None
        text = exp.DPipe(this=body, expression=exp.Literal.string(unit_text)) if unit_text else body
        return exp.Anonymous(this="pg_cast", expressions=[text, exp.Literal.string("interval")])
    if cls in _FLIP and not (node.arg_key == "expressions" and isinstance(node.parent, (exp.Update, exp.OnConflict))):
        a, b = node.this, node.expression
        if _interval_pair(a, b):
            return cls(this=_icmp(a, b), expression=exp.Literal.number(0))
    if isinstance(node, (exp.NullSafeEQ, exp.NullSafeNEQ)):
        distinct = _distinct_typed(node.this, node.expression)
        if distinct is not None:
            return distinct if isinstance(node, exp.NullSafeNEQ) else exp.Not(this=exp.Paren(this=distinct))
        floated = _int_as_float(node.this, node.expression)
        if floated is not None:
            return type(node)(this=floated[0], expression=floated[1])
    if isinstance(node, exp.In) and node.expressions and not node.args.get("query"):
        listed = _in_list_numbers(node)
        if listed is not None:
            return listed
    if cls in _FLIP and not (node.arg_key == "expressions" and isinstance(node.parent, (exp.Update, exp.OnConflict))):
        a, b = node.this, node.expression
        jsonb = _compare_jsonb(cls, a, b)
        if jsonb is not None:
            return jsonb
        typed = _compare_typed_column(cls, a, b)
        if typed is not None:
            return typed
        numbered = _compare_unknown_with_number(cls, a, b)
        if numbered is not None:
            return numbered
        mixed = _mixed_temporal(a, b)
        if mixed is not None:
            return cls(this=mixed, expression=exp.Literal.number(0))
        lossy = _lossy_compare(cls, a, b)
        if lossy is not None:
            return lossy
        floated = _int_as_float(a, b)
        if floated is not None:
            return cls(this=floated[0], expression=floated[1])
        for lit, other, lit_first in ((a, b, True), (b, a, False)):
            if _moving_literal(lit) and exprtypes.kind(other) in _MOVING_KINDS:
                conv = _as_kind(lit, exprtypes.kind(other))
                return cls(this=conv, expression=other) if lit_first else cls(this=other, expression=conv)
        if _temporal_literal(b) and not isinstance(a, exp.Literal) and not _quantifier(a):
            return cls(this=_tcmp(a, b), expression=exp.Literal.number(0))
        if _temporal_literal(a) and not isinstance(b, exp.Literal) and not _quantifier(b):
            return _FLIP[cls](this=_tcmp(b, a), expression=exp.Literal.number(0))
        return None
    if isinstance(node, exp.In) and isinstance(node.this, exp.Column) and node.expressions:
        interval_in = _interval_node(node)
        if interval_in is not None:
            return interval_in
        k = exprtypes.kind(node.this)
        if k in _CONVERTED_KINDS and any(isinstance(x, (exp.Literal, exp.Parameter)) for x in node.expressions):
            node = node.copy()
            node.set("expressions", [_as_kind(x, k) for x in node.expressions])
            return node
        return None
    if isinstance(node, exp.Sum) and not isinstance(node.this, exp.Distinct) and \
            exprtypes.oid(node.this) == pgtypes.FLOAT4:
        return _aggregate("pg_sum_float4", node, [node.this])  # sum(real) adds in single precision
    if isinstance(node, (exp.Sum, exp.Avg)) and not isinstance(node.this, exp.Distinct) and \
            exprtypes.kind(node.this) == "float":  # PostgreSQL's plain sum and its overflow checks
        return _aggregate("pg_sum_float8" if isinstance(node, exp.Sum) else "pg_avg_float", node, [node.this])
    if isinstance(node, (exp.Max, exp.Min)) and _computed_numeric(node.this):
        name = "pg_numeric_max" if isinstance(node, exp.Max) else "pg_numeric_min"
        return _aggregate(name, node, [node.this, exp.Literal.string(_aggregate_shown(node))])
    if isinstance(node, (exp.Sum, exp.Avg)) and (exprtypes.kind(node.this) == "num" or exprtypes.kind(node) == "num"
                                                  or isinstance(node, exp.Avg) and exprtypes.kind(node.this) == "int"):
        name = "pg_numeric_sum" if isinstance(node, exp.Sum) else "pg_numeric_avg"
        shown = _aggregate_shown(node)
        if isinstance(node.this, exp.Distinct):  # SQLite's DISTINCT aggregates take one argument
            call = exp.Anonymous(this=f"{name}_{shown}", expressions=[node.this])
            call.meta[_AGGREGATE_MARK] = True
            return call
        sc = exprtypes.scale(node.this) if exprtypes.kind(node.this) == "num" else None
        sorted_key = isinstance(node, exp.Sum) and shown == "n" and _sort_key(_aggregate_call(node)) and \
            not isinstance(_aggregate_call(node), exp.Window)  # (a window's call takes no COLLATE before OVER)
        mode = ("t" if sorted_key else shown) + (str(sc) if sc is not None else "")
        call = _aggregate(name, node, [node.this, exp.Literal.string(mode)])
        # a sum as an ORDER BY key: its exact text sorted as a number (pg_numeric), which a
        # double past 15 digits could not be
        return exp.Collate(this=call, expression=exp.to_identifier(pgtypes.NUMERIC_TEXT_COLLATION)) \
            if sorted_key else call
    interval_call = _interval_node(node)
    if interval_call is not None:
        return interval_call
    if isinstance(node, exp.Between) and not node.args.get("symmetric"):
        low, high = node.args.get("low"), node.args.get("high")
        lo, hi = _mixed_temporal(node.this, low), _mixed_temporal(node.this.copy(), high)
        if lo is not None or hi is not None:
            return exp.And(this=exp.GTE(this=lo, expression=exp.Literal.number(0)) if lo is not None
                           else exp.GTE(this=node.this.copy(), expression=low),
                           expression=exp.LTE(this=hi, expression=exp.Literal.number(0)) if hi is not None
                           else exp.LTE(this=node.this.copy(), expression=high))
        k = exprtypes.kind(node.this)
        if (_moving_literal(low) or _moving_literal(high)) and k in _MOVING_KINDS:
            node = node.copy()
            node.set("low", _as_kind(low, k))
            node.set("high", _as_kind(high, k))
            return node
        if _temporal_literal(low) or _temporal_literal(high):
            x = node.this
            return exp.And(this=exp.GTE(this=_tcmp(x, low), expression=exp.Literal.number(0)),
                           expression=exp.LTE(this=_tcmp(x.copy(), high), expression=exp.Literal.number(0)))
        return None
    if isinstance(node, exp.Extract):
        field = node.this.name.lower()
        return exp.Anonymous(this="pg_extract", expressions=[
            exp.Literal.string(field), node.expression, exp.Literal.string(_hint(node.expression))])
    if isinstance(node, exp.Anonymous) and node.name.lower() == "date_part" and len(node.expressions) == 2:
        field, source = node.expressions  # a double precision, where EXTRACT's is a numeric
        return exp.Anonymous(this="pg_date_part", expressions=[field, source, exp.Literal.string(_hint(source))])
    if isinstance(node, (exp.TimestampTrunc, exp.DateTrunc)):
        unit = node.args.get("unit")
        field = unit.name.lower() if unit is not None else ""
        return exp.Anonymous(this="pg_date_trunc", expressions=[
            exp.Literal.string(field), node.this, exp.Literal.string(_hint(node.this))])
    if isinstance(node, exp.TimeToStr):
        return exp.Anonymous(this="pg_to_char", expressions=[
            node.this, _written_format(node), exp.Literal.string(_to_char_hint(node.this))])
    if isinstance(node, exp.UnixToTime):
        return exp.Anonymous(this="to_timestamp", expressions=[node.this])
    if isinstance(node, (exp.StrToDate, exp.StrToTime)):  # to_date(text, format), to_timestamp(text, format)
        name = "pg_to_date" if isinstance(node, exp.StrToDate) else "pg_to_timestamp_format"
        return exp.Anonymous(this=name, expressions=[node.this, _written_format(node)])
    if isinstance(node, exp.ToNumber):
        return _numeric_result(node, exp.Anonymous(this="pg_to_number", expressions=[
            node.this, node.args.get("format") or exp.Null(), _shown_mode(node)]))
    if isinstance(node, (exp.JSONBExtractScalar, exp.JSONBExtract)):
        written = json_functions.AS_WRITTEN if exprtypes.kind(node.this) == "json" else 0
        return exp.Anonymous(this="pg_json_path", expressions=[node.this, node.expression, exp.Literal.number(
            written + (1 if isinstance(node, exp.JSONBExtractScalar) else 0))])
    if isinstance(node, (exp.JSONExtract, exp.JSONExtractScalar)):
        # (json's values as written, jsonb's as jsonb shows them; a key that is no literal too:
        # SQLite's own -> would have answered, with its own JSON text)
        called = str(node.meta.get(_WRITTEN_NAME, ""))
        written = json_functions.AS_WRITTEN if exprtypes.kind(node.this) == "json" or \
            called.startswith("json_") else 0
        if called.endswith("_extract_path") or called.endswith("_extract_path_text"):
            # json(b)_extract_path(doc, VARIADIC text[]): each key text, an index in an array
            path = node.expression
            keys = [exp.Literal.string(str(p.this)) for p in path.expressions
                    if not isinstance(p, exp.JSONPathRoot)] if isinstance(path, exp.JSONPath) else [path]
            return exp.Anonymous(this="pg_json_extract_path", expressions=[
                exp.Literal.number(written + int(called.endswith("_text"))), node.this, *keys,
                *(node.args.get("expressions") or [])])
        out = node.this
        if isinstance(node.expression, exp.JSONPath):
            parts = [p.this for p in node.expression.expressions if not isinstance(p, exp.JSONPathRoot)]
            keys = [exp.Literal.number(k) if isinstance(k, int) else exp.Literal.string(str(k)) for k in parts]
        else:
            keys = [node.expression]
        for i, key in enumerate(keys):
            last_text = isinstance(node, exp.JSONExtractScalar) and i == len(keys) - 1
            out = exp.Anonymous(this="pg_json_get", expressions=[
                out, key, exp.Literal.number(written + (1 if last_text else 0))])
        return out
    if isinstance(node, exp.ArrayContainsAll):
        if {"json", "jsonb"} & {exprtypes.kind(node.this), exprtypes.kind(node.expression)}:
            return exp.Anonymous(this="pg_jsonb_contains", expressions=[node.this, node.expression])
        return exp.Anonymous(this="pg_array_contains", expressions=[node.this, node.expression])
    if isinstance(node, exp.ArrayContainedBy) and {"json", "jsonb"} & {
            exprtypes.kind(node.this), exprtypes.kind(node.expression)}:
        return exp.Anonymous(this="pg_jsonb_contains", expressions=[node.expression, node.this])
    arrayed = _array_node(node)
    if arrayed is not None:
        return arrayed
    if isinstance(node, exp.Anonymous) and node.name.lower() == "pg_typeof" and len(node.expressions) == 1:
        return _typeof(node.expressions[0])
    if isinstance(node, exp.Anonymous) and node.name.lower() == "age":
        args = node.expressions
        if len(args) == 1:
            return exp.Anonymous(this="pg_age", expressions=[args[0], exp.Null(), exp.Literal.string(_hint(args[0])),
                                                             exp.Literal.string("now")])
        if len(args) == 2:
            return exp.Anonymous(this="pg_age", expressions=[args[0], args[1], exp.Literal.string(_hint(args[0])),
                                                             exp.Literal.string(_hint(args[1]))])
    return None


_NUMERIC_KINDS = ("int", "num")
_NON_NUMERIC_TYPES = {"text": "text", "bool": "boolean"}  # kinds no numeric compares with, as PostgreSQL names them
_COMPARISON_SYMBOLS = {exp.EQ: "=", exp.NEQ: "<>", exp.GT: ">", exp.GTE: ">=", exp.LT: "<", exp.LTE: "<="}


_COMPARISON_SYMBOLS_ALL = {**_COMPARISON_SYMBOLS, exp.NullSafeEQ: "=", exp.NullSafeNEQ: "<>"}


def _refuse_incomparable(node: exp.Expression) -> None:
    """42883 for a comparison PostgreSQL has no operator for (`flag <> 5`, `d = 5`,
    `txt IN (1, 2)`, `d IN (SELECT n ...)`, `n BETWEEN d AND d`); SQLite would compare
    the stored values."""
    pairs: list[tuple[exp.Expression, exp.Expression, str]] = []
    if type(node) in _COMPARISON_SYMBOLS_ALL and not (
            node.arg_key == "expressions" and isinstance(node.parent, (exp.Update, exp.OnConflict))):
        pairs.append((node.this, node.expression, _COMPARISON_SYMBOLS_ALL[type(node)]))
    elif isinstance(node, exp.In) and node.expressions:
        pairs += [(node.this, x, "=") for x in node.expressions]
    elif isinstance(node, exp.In) and isinstance(node.args.get("query"), exp.Subquery):
        pairs.append((node.this, node.args["query"], "="))  # the subquery's one column
    elif isinstance(node, exp.Between):
        pairs += [(node.this, node.args["low"], ">="), (node.this, node.args["high"], "<=")]
    elif isinstance(node, exp.Nullif):  # nullif(a, b) compares them with =
        pairs.append((node.this, node.expression, "="))
    elif type(node) in _ARRAY_OPERATORS:
        pairs.append((node.this, node.expression, _ARRAY_OPERATORS[type(node)]))
    for a, b, symbol in pairs:
        labels = exprtypes.incomparable(a, b) or _unlike_arrays(a, b) or _unlike_enum(a, b)
        if labels is not None:
            raise SqlError(f"operator does not exist: {labels[0]} {symbol} {labels[1]}", "42883")


_ARRAY_OPERATORS = {exp.ArrayContainsAll: "@>", exp.ArrayContainedBy: "<@", exp.ArrayOverlaps: "&&"}


def _unlike_enum(a: exp.Expression, b: exp.Expression) -> tuple[str, str] | None:
    """(type of a, type of b) when an enum meets a value of a known other type (another
    enum, a number, text, a date ...): PostgreSQL compares an enum only with its own type
    (`mood = 1`, `mood = t.text_column` are 42883); an untyped literal takes the enum's."""
    ta, tb = _enum_token(a), _enum_token(b)
    if ta is None and tb is None or ta is not None and tb is not None and \
            enums.decode(ta)[0] == enums.decode(tb)[0]:
        return None
    labels = []
    for e, token in ((a, ta), (b, tb)):
        if token is not None:
            labels.append(enums.decode(token)[0])
        elif exprtypes.kind(e) in exprtypes.COMPARISON_GROUP:
            labels.append(exprtypes.type_label(e))
        else:
            return None  # (an untyped literal, a parameter, NULL: it takes the enum's type)
    return labels[0], labels[1]


def _unlike_arrays(a: exp.Expression, b: exp.Expression) -> tuple[str, str] | None:
    """(type of a, type of b) when both are arrays of known, different element types:
    PostgreSQL's array comparisons and @>, <@, && take two arrays of one type (anyarray;
    integer[] = bigint[], varchar[] = text[] and character[] = text[] are 42883: no
    element is cast)."""
    from compute_node.pg_sql import arrays

    if exprtypes.kind(a) != "array" or exprtypes.kind(b) != "array":
        return None
    ea, eb = exprtypes.array_element_kind(a), exprtypes.array_element_kind(b)
    if ea is None or eb is None:
        return None
    ca, cb = char_values.char_elements(a.unnest()), char_values.char_elements(b.unnest())
    if ea == eb and ca == cb:
        return None
    return tuple("character[]" if char else f"{arrays.ELEMENTS[k][2]}[]" for k, char in ((ea, ca), (eb, cb)))


# Integer arguments PostgreSQL declares int4 (smallint widens to it; bigint, numeric and
# float find no function): node class -> (function name, argument keys).
_INT4_ARGUMENTS = {exp.Substring: ("substr", ("start", "length")), exp.Left: ("left", ("expression",)),
                   exp.Right: ("right", ("expression",)), exp.Repeat: ("repeat", ("times",)),
                   exp.SplitPart: ("split_part", ("part_index",))}
_BITWISE_SYMBOLS = {exp.BitwiseAnd: "&", exp.BitwiseOr: "|", exp.BitwiseXor: "#", exp.BitwiseLeftShift: "<<",
                    exp.BitwiseRightShift: ">>"}


def _not_int4(e: exp.Expression) -> bool:
    """A bigint, numeric or float expression: no implicit cast takes it to an integer."""
    return exprtypes.int_width(e) == "int8" or exprtypes.kind(e) in ("num", "float")


# Kinds PostgreSQL has no arithmetic for (SQLite would compute on the stored text or 0/1):
# `j + 1`, `-u`, `flag * 2`; jsonb - key is jsonb's delete, translated before this.
_NO_ARITHMETIC_KINDS = frozenset({"json", "jsonb", "bool", "uuid", "text"})  # (text: a typed one, not a literal)
_NO_NEGATION_KINDS = _NO_ARITHMETIC_KINDS | {"bytea", "date", "timestamp", "timestamptz"}
_ARITH_SYMBOLS = {exp.Add: "+", exp.Sub: "-", exp.Mul: "*", exp.Div: "/", exp.Mod: "%", exp.Pow: "^"}
# Aggregates over numbers (sum and avg also over intervals) and the kinds they have no form
# for; min and max have none for json, jsonb, bool, uuid, bytea. (time casts to interval.)
_NUMERIC_AGGREGATES = {exp.Sum: "sum", exp.Avg: "avg", exp.Stddev: "stddev", exp.StddevSamp: "stddev_samp",
                       exp.StddevPop: "stddev_pop", exp.Variance: "variance", exp.VariancePop: "var_pop"}
_NO_SUM_KINDS = frozenset({"text", "bool", "json", "jsonb", "date", "timestamp", "timestamptz", "bytea", "uuid"})
_NO_MIN_MAX_KINDS = frozenset({"json", "jsonb", "bool", "uuid", "bytea"})


# Functions over text (some also over bytea): node class -> (PostgreSQL's name, the keys of
# the text arguments, whether bytea is taken). No implicit cast takes a number, a date or
# a jsonb to text: `lower(id)`, `length(doc)` are 42883 (SQLite would use the value's text).
_TEXT_FUNCTIONS = {
    exp.Lower: ("lower", ("this",), False), exp.Upper: ("upper", ("this",), False),
    exp.Length: ("length", ("this",), True), exp.Substring: ("substr", ("this",), True),
    exp.Trim: ("btrim", ("this", "expression"), True), exp.Initcap: ("initcap", ("this",), False),
    exp.Replace: ("replace", ("this", "expression", "replacement"), False),
    exp.SplitPart: ("split_part", ("this", "delimiter"), False), exp.StrPosition: ("strpos", ("this", "substr"), True),
    exp.Reverse: ("reverse", ("this",), False), exp.Repeat: ("repeat", ("this",), False),
    exp.Pad: ("lpad", ("this", "fill_pattern"), False), exp.Left: ("left", ("this",), False),
    exp.Right: ("right", ("this",), False), exp.MD5: ("md5", ("this",), True), exp.Ascii: ("ascii", ("this",), False),
    exp.Translate: ("translate", ("this", "from_", "to"), False),
    exp.StartsWith: ("starts_with", ("this", "expression"), False),
}
_NOT_TEXT_KINDS = frozenset({"int", "num", "float", "bool", "date", "time", "timestamp", "timestamptz", "interval",
                             "uuid", "json", "jsonb", "array"})


def _refuse_non_text_arguments(node: exp.Expression) -> None:
    spec = _TEXT_FUNCTIONS.get(type(node))
    if spec is None:
        return
    name, keys, bytea_too = spec
    refused = _NOT_TEXT_KINDS if bytea_too else _NOT_TEXT_KINDS | {"bytea"}
    if any(isinstance(node.args.get(k), exp.Expression) and exprtypes.kind(node.args[k]) in refused for k in keys):
        if isinstance(node, exp.Pad) and not node.args.get("is_left"):
            name = "rpad"
        labels = ", ".join(exprtypes.type_label(a) for a in node.iter_expressions())
        raise SqlError(f"function {name}({labels}) does not exist", "42883")


def _refuse_typeless_operation(node: exp.Expression) -> None:
    """42883 for arithmetic, negation or an aggregate PostgreSQL has no operator or function
    for, by the operands' kinds: `sum(txt)`, `max(doc)` of jsonb, `j * 2`, `-flag`, `avg(d)`
    of a date, `stddev(i)` of an interval."""
    cls = type(node)
    if cls in _ARITH_SYMBOLS:
        a, b = node.this, node.expression
        if cls is exp.Sub and exprtypes.kind(a) == "jsonb":
            return
        if {exprtypes.kind(a), exprtypes.kind(b)} & _NO_ARITHMETIC_KINDS:
            raise SqlError(f"operator does not exist: {exprtypes.type_label(a)} {_ARITH_SYMBOLS[cls]} "
                           f"{exprtypes.type_label(b)}", "42883")
    elif cls is exp.Neg:
        if exprtypes.kind(node.this) == "time":
            raise SqlError("negating a time (as an interval) is not supported", "0A000")
        if exprtypes.kind(node.this) in _NO_NEGATION_KINDS:
            raise SqlError(f"operator does not exist: - {exprtypes.type_label(node.this)}", "42883")
    elif cls in _NUMERIC_AGGREGATES or cls in (exp.Min, exp.Max):
        arg = node.this
        if isinstance(arg, exp.Distinct) and len(arg.expressions) == 1:
            arg = arg.expressions[0]
        k = exprtypes.kind(arg) if isinstance(arg, exp.Expression) else ""
        name = _NUMERIC_AGGREGATES.get(cls) or cls.__name__.lower()
        bad = _NO_MIN_MAX_KINDS if cls in (exp.Min, exp.Max) else \
            _NO_SUM_KINDS | ({"interval"} if cls not in (exp.Sum, exp.Avg) else set())
        if k in bad:
            raise SqlError(f"function {name}({exprtypes.type_label(arg)}) does not exist", "42883")
        if k == "time" and cls not in (exp.Min, exp.Max):
            raise SqlError(f"{name} of time values (as intervals) is not supported", "0A000")


def _refuse_non_integer_arguments(node: exp.Expression) -> None:
    """42883 where PostgreSQL has only an integer argument or operand and is given a
    bigint, a numeric or a float: `substr(t, 3000000000)`, `left(t, sign(n))`,
    `make_date(y::bigint, 1, 1)`, `d + count(*)`, `d + 2.5`, `5 | 2.5`. SQLite would take the value."""
    if isinstance(node, exp.Pad):
        name, keys = ("lpad" if node.args.get("is_left") else "rpad"), ("expression",)
    elif isinstance(node, exp.Anonymous) and node.name.lower() == "make_date":
        name, keys = "make_date", ()
    else:
        name, keys = _INT4_ARGUMENTS.get(type(node), (None, ()))
    if name is not None:
        checked = [node.args[k] for k in keys if node.args.get(k) is not None] if keys else node.expressions
        if any(_not_int4(a) for a in checked):
            labels = ", ".join(exprtypes.type_label(a) for a in node.iter_expressions())
            raise SqlError(f"function {name}({labels}) does not exist", "42883")
        return
    a, b = node.args.get("this"), node.args.get("expression")
    symbol = _BITWISE_SYMBOLS.get(type(node))
    if symbol is not None:
        bad = {"num", "float"} & {exprtypes.kind(a), exprtypes.kind(b)}
    elif isinstance(node, exp.Mod):  # % and mod() of integers or numerics: a float has none
        symbol, bad = "%", "float" in (exprtypes.kind(a), exprtypes.kind(b))
    elif isinstance(node, (exp.Add, exp.Sub)):
        symbol = "+" if isinstance(node, exp.Add) else "-"
        pairs = [(a, b)] if isinstance(node, exp.Sub) else [(a, b), (b, a)]
        bad = any(exprtypes.kind(date) == "date" and _not_int4(n) and exprtypes.kind(n) != "interval"
                  for date, n in pairs)
    else:
        return
    if bad:
        raise SqlError(f"operator does not exist: {exprtypes.type_label(a)} {symbol} {exprtypes.type_label(b)}",
                       "42883")


# --- json and jsonb functions (json_functions.py) ----------------------------------------------
_JSON_BUILD = {"json_build_object": ("object", 0), "jsonb_build_object": ("object", 1),
               "json_build_array": ("array", 0), "jsonb_build_array": ("array", 1),
               "to_json": ("value", 0), "to_jsonb": ("value", 1)}
_JSON_SCALAR = {"json_array_length": ("pg_json_array_length", 1), "jsonb_array_length": ("pg_json_array_length", 1),
                "json_typeof": ("pg_json_typeof", 1), "jsonb_typeof": ("pg_json_typeof", 1),
                "jsonb_set": ("pg_jsonb_set", (3, 4)), "jsonb_insert": ("pg_jsonb_insert", (3, 4)),
                "jsonb_strip_nulls": ("pg_jsonb_strip_nulls", 1),
                "jsonb_pretty": ("pg_jsonb_pretty", 1)}
_JSON_EXTRACT_PATH = {"json_extract_path": 0, "jsonb_extract_path": 0, "json_extract_path_text": 1,
                      "jsonb_extract_path_text": 1}


def _json_hint(e: exp.Expression) -> str:
    """How a value becomes JSON: its kind ('float4' for a real, 'row' for a row)."""
    if isinstance(e, exp.Tuple):
        return "row"
    k = exprtypes.kind(e)
    if k == "array":  # its elements' kind decides how they become JSON
        elem = exprtypes.array_element_kind(e)
        if elem is None:
            raise SqlError("an array of unknown element type as a JSON value is not supported", "0A000")
        return f"array:{elem}"
    return "float4" if k == "float" and exprtypes.oid(e) == pgtypes.FLOAT4 else k


def _json_value(e: exp.Expression) -> exp.Expression:
    """A JSON function's (or array_agg's) argument: a numeric as its exact text (1.50
    stays 1.50, n * 2 is 3.00), an interval in the session's IntervalStyle, a row its
    JSON object."""
    if isinstance(e, exp.Tuple):
        return _row_json(e, 0)
    if exprtypes.kind(e) == "interval":
        return exp.Anonymous(this="pg_interval_text", expressions=[e])
    if exprtypes.kind(e) != "num":
        return e
    inner = e.unnest()
    if isinstance(inner, exp.Abs) and not _computed_numeric(inner.this) or isinstance(inner, exp.Extract):
        return _numeric_shown_text(e)  # abs(n) keeps n's display scale, extract(epoch ...) its six digits
    if _computed_numeric(e) and not _scaled_cast(e):
        return exp.Anonymous(this="pg_numeric_text", expressions=[e.copy()])
    return _numeric_shown_text(e)


def _scaled_cast(e: exp.Expression) -> bool:
    """A cast to numeric(p,s): its value is rounded to s digits, shown with s of them."""
    inner = e.unnest()
    return isinstance(inner, exp.Cast) and exprtypes.scale(inner) is not None


def _json_aggregate(name: str, args: list, order: exp.Expression | None, node: exp.Expression) -> exp.Expression:
    """pg_json_agg(value, hint) and the like (pg_array_agg too), with the call's ORDER BY
    after the last argument."""
    if order is not None:
        last = args.pop()
        args.append(exp.Order(this=last, expressions=order.expressions))
    return _aggregate(name, node, args)


def _distinct_ordered(written: exp.Expression, value: exp.Expression, order: exp.Order | None) -> exp.Order:
    """DISTINCT `value` ORDER BY ..., for an aggregate with DISTINCT whose argument was
    `written`: its ORDER BY may name only the argument (42P10), the input sorted, NULL
    last, without one; a term's NULLS as PostgreSQL's default (first when DESC)."""
    terms = order.expressions if order is not None else [exp.Ordered(this=written.copy())]
    ordered = []
    for o in terms:
        if o.this.sql(dialect="postgres") != written.sql(dialect="postgres"):
            raise SqlError("in an aggregate with DISTINCT, ORDER BY expressions must appear in argument list", "42P10")
        desc = bool(o.args.get("desc"))
        nulls_first = o.args.get("nulls_first")
        ordered.append(exp.Ordered(this=value.copy(), desc=desc,
                                   nulls_first=desc if nulls_first is None else bool(nulls_first)))
    return exp.Order(this=exp.Distinct(expressions=[value]), expressions=ordered)


def _ordered(arg: exp.Expression) -> tuple[exp.Expression, exp.Order | None]:
    """An aggregate's last argument and the ORDER BY written after it (sqlglot wraps it)."""
    return (arg.this, arg) if isinstance(arg, exp.Order) else (arg, None)


def _value_aggregate(name: str, value: exp.Expression, order, node: exp.Expression, binary: int) -> exp.Expression:
    """json_agg / jsonb_agg of `value`: a row reference as its object, else the value typed."""
    if isinstance(value, exp.Distinct):
        raise SqlError(f"{'jsonb' if binary else 'json'}_agg(DISTINCT ...) is not supported", "0A000")
    row = _row_json(value, binary)
    if row is not None:  # json_agg(t): each row an object, PostgreSQL's ", \n " between them
        return _json_aggregate(name, [row, exp.Literal.string("row")], order, node)
    return _json_aggregate(name, [_json_value(value), exp.Literal.string(_json_hint(value))], order, node)


def _pair_aggregate(name: str, key: exp.Expression, value: exp.Expression, order, node: exp.Expression):
    """json_object_agg / jsonb_object_agg(key, value [ORDER BY ...])."""
    return _json_aggregate(name, [key, _json_value(value), exp.Literal.string(_json_hint(key)),
                                  exp.Literal.string(_json_hint(value))], order, node)


def _scaled(value: exp.Expression, scale: int | None) -> exp.Expression:
    """A numeric column's value as its text with `scale` (None: as it is)."""
    return value if scale is None else exp.Anonymous(this="pg_with_scale", expressions=[value, exp.Literal.number(scale)])


def _row_columns(ref: exp.Expression) -> list[tuple[str, exp.Expression, str]] | None:
    """When `ref` names a row (a FROM source of its SELECT: `json_agg(t)`, `row_to_json(t)`),
    its columns as (name, value expression, kind), in order; None when it is not one."""
    if isinstance(ref, exp.Tuple):  # ROW(1, 'a'): fields f1, f2 (a whole-row reference's: its columns)
        if any(isinstance(f, exp.Tuple) for f in ref.expressions):
            raise SqlError("a row within a row as a JSON value is not supported", "0A000")
        return [(row_values.field_name(ref, i, f), _json_value(f), _json_hint(f))
                for i, f in enumerate(ref.expressions)]
    if not isinstance(ref, exp.Column) or ref.table or isinstance(ref.this, exp.Star):
        return None
    sel = ref.find_ancestor(exp.Select)
    if sel is None or exprtypes.column_decl(ref) is not None:
        return None
    for src in exprtypes._sources(sel):
        if src.alias_or_name != ref.name:
            continue
        alias = src.alias_or_name
        if isinstance(src, exp.Table) and isinstance(src.this, exp.Identifier):
            cols = (schema.current().columns(src.name) if schema.current() is not None else None) or []
            out = []
            for n, decl in cols:
                single = pgtypes.column_oid(decl, None) == pgtypes.FLOAT4
                k = "float4" if single else exprtypes.decl_kind(decl)
                if k == "array":  # its elements' kind decides how they become JSON
                    k = f"array:{arrays.element_kind(decl)}"
                out.append((n, _scaled(exp.column(n, table=alias, quoted=True), pgtypes.numeric_scale(decl)), k))
            return out or None
        if isinstance(src, exp.Values):  # (values (1, 'x')) t(a, b)
            alias_node = src.args.get("alias")
            names = [c.name for c in alias_node.columns] if alias_node is not None else []
            first = next((r for r in src.expressions if isinstance(r, exp.Tuple)), None)
            if not names or first is None:
                return None
            return [(n, exp.column(n, table=alias, quoted=True),
                     exprtypes.kind(first.expressions[i]) if i < len(first.expressions) else "")
                    for i, n in enumerate(names)]
        body = exprtypes.source_select(src)
        if body is None:
            return None
        out = []
        table_names = src.meta.get(row_values.TABLE_COLUMNS) or []  # `t AS f(a, b)`: keys are t's columns
        for i, e in enumerate(body.expressions):
            n = e.alias_or_name
            sc = exprtypes.scale(e) if exprtypes.kind(e) == "num" else None
            key = table_names[i] if i < len(table_names) else n
            out.append((key, _scaled(exp.column(n, table=alias, quoted=True), sc), _json_hint(e)))
        return out
    return None


def _row_json(ref: exp.Expression, binary: int) -> exp.Expression | None:
    """A row reference as its JSON object (pg_json_row), None when `ref` is no row."""
    cols = _row_columns(ref)
    if cols is None:
        return None
    if any(k == "array" for _, _, k in cols):
        raise SqlError("a row with an array column of unknown element type as a JSON value is not supported",
                       "0A000")
    args = [exp.Literal.number(binary), exp.Literal.string(",".join(k for _, _, k in cols))]
    for n, value, _k in cols:
        args += [exp.Literal.string(n), value]
    return exp.Anonymous(this="pg_json_row", expressions=args)


def _json_node(node: exp.Expression) -> exp.Expression | None:
    """PostgreSQL's json/jsonb functions, aggregates and the jsonb - operator as Sixfold's
    (each value typed by its expression); None for any other node."""
    if isinstance(node, exp.Anonymous):
        name = node.name.lower()
        args = list(node.expressions)
        if name == "array_to_json" and len(args) in (1, 2):  # to_json of the array (pretty: false only)
            if exprtypes.kind(args[0]) not in ("array", ""):
                raise SqlError(f"function array_to_json({exprtypes.type_label(args[0])}) does not exist", "42883")
            if len(args) == 2 and not (isinstance(args[1], exp.Boolean) and not args[1].this):
                raise SqlError("array_to_json(..., pretty) other than false is not supported", "0A000")
            name, args = "to_json", args[:1]
        if name in ("row_to_json", "to_json", "to_jsonb") and len(args) == 1:
            row = _row_json(args[0], int(name == "to_jsonb"))
            if row is not None:
                return row
        if name in _JSON_BUILD:
            shape, binary = _JSON_BUILD[name]
            if shape == "value" and len(args) != 1:
                raise SqlError(f"function {name} takes one argument", "42883")
            untyped = exprtypes.parameter_number(args[0]) is not None and not exprtypes.parameter_oid(args[0])
            if shape == "value" and (exprtypes.kind(args[0]) == "unknown" or isinstance(args[0], exp.Null) or untyped):
                raise SqlError("could not determine polymorphic type because input has type unknown", "42804")
            _refuse_untyped(args)
            hints = ",".join(_json_hint(a) for a in args)
            return exp.Anonymous(this="pg_json_build", expressions=[
                exp.Literal.string(shape), exp.Literal.number(binary), exp.Literal.string(hints),
                *[_json_value(a) for a in args]])
        if name in json_rows.PATH_FUNCTIONS:
            return json_rows.path_call(json_rows.PATH_FUNCTIONS[name], name, args)
        if name in _JSON_SCALAR:
            fn, arity = _JSON_SCALAR[name]
            if len(args) not in (arity if isinstance(arity, tuple) else (arity,)):
                raise SqlError(f"function {name} with {len(args)} arguments does not exist", "42883")
            return exp.Anonymous(this=fn, expressions=args)
        if name in _JSON_EXTRACT_PATH:
            written = 0 if name.startswith("jsonb") else json_functions.AS_WRITTEN
            return exp.Anonymous(this="pg_json_extract_path", expressions=[
                exp.Literal.number(written + _JSON_EXTRACT_PATH[name]), *args])
        if name == "jsonb_agg" and len(args) == 1:
            return _value_aggregate("pg_jsonb_agg", *_ordered(args[0]), node, binary=1)
        if name == "jsonb_object_agg" and len(args) == 2:
            return _pair_aggregate("pg_jsonb_object_agg", args[0], *_ordered(args[1]), node)
        return None
    if isinstance(node, exp.JSONArrayAgg):
        return _value_aggregate("pg_json_agg", *_ordered(node.this), node, binary=0)
    if isinstance(node, exp.JSONBObjectAgg):
        return _pair_aggregate("pg_jsonb_object_agg", node.this, *_ordered(node.expression), node)
    if isinstance(node, exp.JSONObjectAgg):
        if len(node.expressions) != 2:
            raise SqlError("json_object_agg takes two arguments", "42883")
        return _pair_aggregate("pg_json_object_agg", node.expressions[0], *_ordered(node.expressions[1]), node)
    if isinstance(node, exp.JSONBPathExists):  # doc @? path: jsonb_path_exists, silent
        return json_rows.path_call("pg_jsonb_path_exists", "@?", [node.this, node.expression, exp.Literal.string("{}"),
                                                                  exp.true()])
    if isinstance(node, exp.MatchAgainst) and len(node.expressions) == 1 and \
            exprtypes.kind(node.expressions[0]) in ("jsonb", "unknown"):  # doc @@ path: jsonb_path_match, silent
        return json_rows.path_call("pg_jsonb_path_match", "@@", [node.expressions[0], node.this,
                                                                 exp.Literal.string("{}"), exp.true()])
    if isinstance(node, (exp.JSONBContainsTopKey, exp.JSONBContainsAnyTopKeys, exp.JSONBContainsAllTopKeys)):
        how = {exp.JSONBContainsTopKey: "one", exp.JSONBContainsAnyTopKeys: "any",
               exp.JSONBContainsAllTopKeys: "all"}[type(node)]
        return exp.Anonymous(this="pg_jsonb_exists", expressions=[node.this, node.expression, exp.Literal.string(how)])
    if isinstance(node, exp.Sub) and exprtypes.kind(node.this) == "jsonb":
        k = exprtypes.kind(node.expression)
        if k not in ("int", "text", "unknown"):
            raise SqlError(f"operator does not exist: jsonb - {exprtypes.type_label(node.expression)}", "42883")
        return exp.Anonymous(this="pg_jsonb_delete", expressions=[
            node.this, node.expression, exp.Literal.number(int(k == "int"))])
    return None


def _refuse_size_pretty_argument(arg: exp.Expression) -> None:
    """pg_size_pretty has a bigint and a numeric form: an integer, smallint or untyped
    argument fits both (42725), a float or text neither (42883)."""
    k = exprtypes.kind(arg)
    inner = arg.unnest()
    untyped = isinstance(inner, exp.Null) or isinstance(inner, exp.Literal) and inner.is_string
    if untyped or k == "int" and exprtypes.int_width(arg) in ("int2", "int4"):
        label = "unknown" if untyped else exprtypes.type_label(arg)
        raise SqlError(f"function pg_size_pretty({label}) is not unique", "42725")
    if k in ("float", "text", "bool", "date", "timestamp", "timestamptz", "interval"):
        raise SqlError(f"function pg_size_pretty({exprtypes.type_label(arg)}) does not exist", "42883")


# Kinds whose stored form the input trigger writes (a canonical text), which RETURNING,
# reading the row as the statement wrote it, would not show.
_RETURNED_AS_STORED = ("date", "time", "timestamp", "timestamptz", "interval", "uuid", "jsonb")


def _refuse_returning_from_sources(stmt: exp.Expression) -> None:
    """RETURNING of UPDATE ... FROM or DELETE ... USING reads only the target table here
    (SQLite's RETURNING sees no other table): a star, a `source.*` or a column that only
    a FROM/USING source has is refused (0A000), not answered with the target's columns
    alone (PostgreSQL's `RETURNING *` adds every source's columns)."""
    ret = stmt.args.get("returning") if isinstance(stmt, (exp.Update, exp.Delete)) else None
    sources_clause = stmt.args.get("from_") if isinstance(stmt, exp.Update) else stmt.args.get("using")
    if not isinstance(ret, exp.Returning) or not sources_clause:
        return
    sources = [sources_clause] if isinstance(sources_clause, exp.Expression) else list(sources_clause)
    names, tables = set(), []
    for src in sources:
        for node in src.walk():
            if isinstance(node, (exp.Table, exp.Subquery, exp.Unnest)) and not _inside_query(node, src):
                names.add(node.alias_or_name.lower())
                if isinstance(node, exp.Table):
                    tables.append(node.name)
    target = stmt.this
    target_names = {target.name.lower(), target.alias_or_name.lower()} if isinstance(target, exp.Table) else set()
    cat = schema.current()
    target_columns = {n.lower() for n, _ in (cat.all_columns(target.name) or ())} if (
        cat is not None and isinstance(target, exp.Table)) else set()
    source_columns = {n.lower() for t in tables for n, _ in ((cat.all_columns(t) or ()) if cat else ())}
    verb = "UPDATE ... FROM" if isinstance(stmt, exp.Update) else "DELETE ... USING"
    for item in ret.expressions:
        for node in item.walk():
            if _inside_query(node, item):  # (a subquery's columns are its own)
                continue
            what = None
            if isinstance(node, exp.Star) and not isinstance(node.parent, exp.Column):
                what = "*"
            elif isinstance(node, exp.Column):
                table = node.table.lower()
                if table and table not in target_names and table in names:
                    what = f"{node.table}.{node.name if not isinstance(node.this, exp.Star) else '*'}"
                elif not table and not isinstance(node.this, exp.Star) and target_columns and \
                        node.name.lower() not in target_columns and node.name.lower() in source_columns:
                    what = node.name
            if what is not None:
                raise SqlError(f"RETURNING {what} of {verb}: only the target table's columns can be returned "
                               f'(list them, as "{target.alias_or_name}.column")', "0A000")


def _returning_by_table_name(node: exp.Returning) -> None:
    """RETURNING w.x of a target written `t AS w`: SQLite's RETURNING knows the table
    only by its name (no such column: w.x), so the alias becomes the name."""
    target = node.parent.this if node.parent is not None else None
    if isinstance(target, exp.Schema):
        target = target.this
    if not isinstance(target, exp.Table) or not target.alias or target.alias.lower() == target.name.lower():
        return
    for col in node.find_all(exp.Column):
        if col.table.lower() == target.alias.lower():
            col.set("table", exp.to_identifier(target.name))


def _inside_query(node: exp.Expression, top: exp.Expression) -> bool:
    """Whether `node` sits in a subquery below `top` (its own scope)."""
    p = node.parent
    while p is not None and p is not top:
        if isinstance(p, (exp.Select, exp.Union)):
            return True
        p = p.parent
    return False


def _refuse_returning_assigned(node: exp.Returning) -> None:
    """RETURNING reads the row as the statement wrote it, before a BEFORE trigger's
    assignment (NEW.c := ..., made after the write, triggers.py) is applied: refused for
    such a column, rather than showing the value the row no longer has."""
    from compute_node.pg_sql import triggers

    stmt, cat = node.parent, schema.current()
    target = stmt.this.this if isinstance(stmt, exp.Insert) and isinstance(stmt.this, exp.Schema) else stmt.this
    if cat is None or not isinstance(target, exp.Table):
        return
    columns = cat.columns(target.name) or ()
    events = ("update",) if isinstance(stmt, exp.Update) else ("insert", "update") if isinstance(
        stmt, exp.Insert) and stmt.args.get("conflict") is not None else ("insert",) if isinstance(
        stmt, exp.Insert) else ()
    assigned = {c.lower() for c in triggers.assigned_columns(target.name, events)} if events else set()
    if not assigned:
        return
    named = {c.name.lower() for e in node.expressions for c in e.find_all(exp.Column)}
    if any(isinstance(e, exp.Star) or isinstance(e, exp.Column) and isinstance(e.this, exp.Star)
           for x in node.expressions for e in x.walk()):
        named |= {name.lower() for name, _ in columns}
    hit = sorted(named & assigned)
    if hit:
        raise SqlError(f'RETURNING column "{hit[0]}", which a BEFORE trigger of "{target.name}" assigns, is not '
                       "supported (the value is assigned after the row is written)", "0A000")


def _returned_as_stored(node: exp.Returning) -> None:
    """RETURNING reads the row as the statement wrote it, before the input trigger turns
    a value into its stored form: 'Feb 29 2024' into a date column came back as written
    (psycopg cannot read it), '1 day 2 hours' not as 1 day 02:00:00. Such columns are
    returned through pg_stored, as a SELECT of the row shows them."""
    stmt, cat = node.parent, schema.current()
    target = stmt.this.this if isinstance(stmt, exp.Insert) and isinstance(stmt.this, exp.Schema) else stmt.this
    if cat is None or not isinstance(target, exp.Table):
        return
    columns = cat.columns(target.name) or ()
    decls = {name.lower(): decl for name, decl in columns}

    def converted(e: exp.Expression) -> bool:
        return isinstance(e, exp.Column) and not isinstance(e.this, exp.Star) and \
            e.table in ("", target.alias_or_name, target.name) and \
            values.converted_kind(decls.get(e.name.lower())) in _RETURNED_AS_STORED

    listed = []
    for e in node.expressions:
        if isinstance(e, exp.Star) and any(values.converted_kind(d) in _RETURNED_AS_STORED for _, d in columns):
            listed += [exp.column(name, quoted=True) for name, _ in columns]
        else:
            listed.append(e)

    def stored(e: exp.Expression, name: str, quoted: bool) -> exp.Expression:
        return exp.alias_(exp.Anonymous(this="pg_stored", expressions=[
            e.copy(), exp.Literal.string(decls[e.name.lower()])]), name, quoted=quoted)

    node.set("expressions", [
        stored(e, e.name, True) if converted(e) else
        stored(e.this, e.alias, e.args["alias"].quoted) if isinstance(e, exp.Alias) and converted(e.this) else e
        for e in listed])


def _int_as_float(a: exp.Expression, b: exp.Expression) -> tuple[exp.Expression, exp.Expression] | None:
    """An integer compared with a float: PostgreSQL converts the integer to float8 first
    (9223372036854775807 = 9223372036854775807::real is true there), SQLite compares the
    two exactly. The integer side as a double; None when the operands are not such a pair
    (or the integer is a literal a double holds exactly)."""
    ka, kb = exprtypes.kind(a), exprtypes.kind(b)
    if {ka, kb} != {"int", "float"}:
        return None
    n = exprtypes.signed_literal(a if ka == "int" else b)
    if n is not None and n.lstrip("-").isdigit() and abs(int(n)) <= 1 << 53:
        return None
    as_real = [exp.Cast(this=x.copy(), to=exp.DataType.build("DOUBLE")) if k == "int" else x.copy()
               for x, k in ((a, ka), (b, kb))]
    return as_real[0], as_real[1]


def _lossy_compare(cls, a: exp.Expression, b: exp.Expression) -> exp.Expression | None:
    """A comparison with a numeric literal SQLite cannot hold exactly: exact (pg_ncmp)
    against an integer or numeric operand; against a float, as doubles, as PostgreSQL
    compares float8 with numeric. None when neither side is such a literal (or the other
    side's type is not numeric: the literal is refused then)."""
    ta, tb = _lossy_text(a), _lossy_text(b)
    if ta is None and tb is None:
        return None
    ka = "num" if ta is not None else exprtypes.kind(a)
    kb = "num" if tb is not None else exprtypes.kind(b)
    if "float" in (ka, kb):
        as_real = [exp.Cast(this=t, to=exp.DataType.build("DOUBLE")) if t is not None else x
                   for t, x in ((ta, a), (tb, b))]
        return cls(this=as_real[0], expression=as_real[1])
    if ka in _NON_NUMERIC_TYPES or kb in _NON_NUMERIC_TYPES:  # PostgreSQL has no such operator
        left, right = (_NON_NUMERIC_TYPES.get(k, "numeric") for k in (ka, kb))
        raise SqlError(f"operator does not exist: {left} {_COMPARISON_SYMBOLS[cls]} {right}", "42883")
    if ka not in _NUMERIC_KINDS or kb not in _NUMERIC_KINDS:
        return None
    return cls(this=exp.Anonymous(this="pg_ncmp", expressions=[ta or a, tb or b]), expression=exp.Literal.number(0))


def _lossy_arithmetic() -> SqlError:
    return SqlError("arithmetic on a numeric literal of more than 15 significant digits is computed exactly only "
                    "where its result is shown or compared with a number; not here", "0A000")


def _lossy_operand(node: exp.Expression) -> bool:
    """Whether arithmetic `node` has, among its operands (through parentheses, signs and
    nested arithmetic), a numeric literal SQLite cannot hold exactly."""
    stack, seen = [node], 0
    while stack:
        e = stack.pop()
        seen += 1
        assert seen <= 100_000, "operand walk bounded by the statement's size"
        if _lossy_text(e) is not None:
            return True
        if isinstance(e, (exp.Paren, exp.Neg)):
            stack.append(e.this)
        elif type(e) in _ARITH or isinstance(e, exp.IntDiv):
            stack.extend((e.this, e.expression))
    return False


def _lossy_text(e: exp.Expression) -> exp.Literal | None:
    """The exact text, as a string literal, of a numeric literal SQLite cannot hold
    exactly (`lossy_number`), bare, parenthesized or negated; None for anything else."""
    e = e.unnest() if isinstance(e, exp.Paren) else e
    if isinstance(e, exp.Cast) and isinstance(e.args.get("to"), exp.DataType) and not e.args["to"].expressions \
            and e.args["to"].this in (exp.DataType.Type.DECIMAL, exp.DataType.Type.BIGDECIMAL):
        e = e.this.unnest() if isinstance(e.this, exp.Paren) else e.this  # 1e20::numeric is the literal's value
    sign = ""
    if isinstance(e, exp.Neg):
        sign, e = "-", e.this.unnest() if isinstance(e.this, exp.Paren) else e.this
    if isinstance(e, exp.Literal) and not e.is_string and not e.meta.get(_EXACT_DOUBLE) and lossy_number(str(e.this)):
        return exp.Literal.string(f"{sign}{e.this}")
    return None


_EXACT_DOUBLE = "sixfold_exact_double"  # a literal written from a double (repr): SQLite reads it back exactly


def lossy_number(text: str) -> bool:
    """A number literal's text SQLite cannot hold exactly: a decimal of more than 15
    significant digits (a double), or an integer beyond bigint (PostgreSQL's numeric)."""
    if text.lstrip("-").isdigit():
        return exprtypes.literal_int_hint(text) == "num"
    return sum(c.isdigit() for c in text) > 15


def _exact_literal(e: exp.Expression) -> exp.Expression:
    """A numeric literal SQLite would read as a double losing digits, as its text (the
    exact arithmetic parses it)."""
    if isinstance(e, exp.Literal) and not e.is_string and sum(c.isdigit() for c in str(e.this)) > 15:
        return exp.Literal.string(str(e.this))
    return e


def _num_hint(e: exp.Expression, k: str) -> str:
    """An arithmetic operand's hint: its kind, and for an exact numeric whose display
    scale the form says (a numeric(p,s) column: SQLite keeps 2.50 as 2.5) 'nums' and s,
    as in 'nums2' (no number standing alone: the fast path binds those)."""
    if k != "num":
        return k
    sc = exprtypes.scale(e)
    return k if sc is None else f"nums{sc}"


def _shown(node: exp.Expression) -> bool:
    """Whether a numeric result at `node` is shown rather than compared: a column of the
    statement's result, an operand of another operator, or a value written by INSERT
    VALUES or UPDATE SET. Shown, it is PostgreSQL's exact text (display scale and all);
    anywhere else SQLite compares, sorts or filters on it, so it stays a number."""
    child, p = node, node.parent
    while isinstance(p, exp.Paren):
        child, p = p, p.parent
    if type(p) in _ARITH or isinstance(p, exp.Anonymous) and p.name in ("pg_arith", "pg_intdiv"):
        return True
    if isinstance(p, exp.Cast) and isinstance(p.args.get("to"), exp.DataType) and \
            p.args["to"].this == exp.DataType.Type.TEXT:
        return True
    if isinstance(p, exp.Anonymous) and p.name in ("pg_numeric_greatest", "pg_numeric_least", "pg_ncmp"):
        return True  # greatest/least's arguments: each one's text; pg_ncmp compares texts exactly
    result_shown = _exact_argument(p, child) if isinstance(p, exp.Anonymous) else None
    if result_shown is not None:
        # a function that computes on the exact text: every digit kept. A literal a double
        # cannot hold only where the function's own result is shown: a number result
        # would lose its digits where it is compared (the literal is refused there, 0A000)
        return _lossy_text(child) is None or result_shown
    if isinstance(p, (exp.DPipe, exp.Concat, exp.ConcatWs)) or isinstance(p, exp.Anonymous) and p.name == "pg_format":
        # made text: `'x' || coalesce(n, 2.5)` shows 2.5000 or 2.5; a char(n) loses its padding
        return exprtypes.kind(child) != "text"
    if _passes_through(p, child):
        return _shown(p.parent if isinstance(p, exp.If) else p)
    if isinstance(p, exp.Alias):
        child, p = p, p.parent
    if isinstance(p, exp.Select) and child.arg_key == "expressions":
        return _is_result_select(p, child) or quotient_text.is_text_item(child)
    if isinstance(p, exp.Returning):
        return True
    if isinstance(p, exp.Tuple) and isinstance(p.parent, exp.Values) and isinstance(p.parent.parent, exp.Insert):
        return True
    return isinstance(p, exp.EQ) and child.arg_key == "expression" and isinstance(p.parent, exp.Update)


# Sixfold's numeric functions that read a computed numeric's exact text (a double keeps
# 15 digits): the position of that argument, and of the argument that says whether the
# function's own result is shown ('t...') or a number ('n...'; None: always text). The
# window forms (`_w`) take the same arguments.
_EXACT_ARGUMENT = {"pg_numeric_sum": (0, 1), "pg_numeric_avg": (0, 1), "pg_numeric_max": (0, 1),
                   "pg_numeric_min": (0, 1), "pg_numeric_unary": (1, 2), "pg_round_to": (0, 3),
                   "pg_numeric_text": (0, None), "pg_with_scale": (0, None), "pg_size_pretty": (0, None),
                   "pg_to_char": (0, None), "pg_float": (0, None), "pg_float4": (0, None)}


def _exact_argument(call: exp.Anonymous, child: exp.Expression) -> bool | None:
    """None when `child` is not the exact-text argument of such a function; else whether
    that function's own result is shown as text."""
    at = _EXACT_ARGUMENT.get(call.name.lower().removesuffix("_w"))
    if at is None or child.index != at[0]:
        return None
    if at[1] is None:
        return True
    mode = call.expressions[at[1]] if at[1] < len(call.expressions) else None
    return isinstance(mode, exp.Literal) and str(mode.this).startswith("t")


_UNARY_NUMERIC = {exp.Abs: "abs", exp.Floor: "floor", exp.Ceil: "ceil", exp.Round: "round", exp.Trunc: "trunc"}


def _grouped(node: exp.Expression) -> bool:
    """Whether a numeric result at `node` is shown and also told apart from other rows'
    (DISTINCT, a GROUP BY query's column, UNION): then it is its exact text, compared
    under the pg_numeric collation (by value: 2.5 and 2.50 are one), so that it shows
    every digit (a double would keep 15 of ln(1000)'s 17)."""
    return _shown(node) and _compared(node) and not _in_sorted_set_result(node) or _distinct_aggregated(node)


def _distinct_aggregated(node: exp.Expression) -> bool:
    """Whether `node` is the argument of sum / avg / count (DISTINCT ...): told apart from
    other rows' values there, and (summed) exact: its exact text under pg_numeric, as a
    DISTINCT select list's (a double would merge values past 15 digits and show 1e20 for
    99999999999999999999.5)."""
    p = node.parent
    while isinstance(p, exp.Paren):
        p = p.parent
    if not (isinstance(p, exp.Distinct) and len(p.expressions) == 1):
        return False
    agg = p.parent  # (sum / avg are Sixfold's one-argument aggregates by now: pg_numeric_sum_t ...)
    return isinstance(agg, (exp.Sum, exp.Avg, exp.Count)) or isinstance(agg, exp.Anonymous) and \
        agg.name.lower() in _DISTINCT_NUMERIC_AGGREGATES


_DISTINCT_NUMERIC_AGGREGATES = frozenset(f"pg_numeric_{f}_{m}" for f in ("sum", "avg") for m in ("t", "n"))


def _grouped_in_select(node: exp.Expression) -> bool:
    """_grouped by a SELECT's DISTINCT or GROUP BY, not as a set operation's column (whose
    branches set_operations makes agree on numbers, not texts)."""
    if not _grouped(node):
        return False
    item = node
    while item.parent is not None and not isinstance(item.parent, exp.Select):
        item = item.parent
    sel = item.parent
    while isinstance(sel, exp.Select) and isinstance(sel.parent, exp.Subquery):
        sel = sel.parent
    return sel is None or not isinstance(sel.parent, set_operations.SET_OPERATIONS)


def _shown_as_text(node: exp.Expression) -> bool:
    """Whether a numeric result at `node` is its exact text (shown and not compared, or
    _grouped), not a number."""
    return _shown(node) and not _compared(node) or _grouped(node)


def _shown_mode(node: exp.Expression) -> exp.Expression:
    """'t' when a numeric result at `node` is shown as text, 'n' when it stays a number."""
    return exp.Literal.string("t" if _shown_as_text(node) else "n")


def _numeric_result(node: exp.Expression, call: exp.Expression) -> exp.Expression:
    """A call computing the numeric at `node` (its mode from _shown_mode), compared by
    value where it is _grouped."""
    return exp.Collate(this=call, expression=exp.to_identifier(pgtypes.NUMERIC_TEXT_COLLATION)) \
        if _grouped(node) else call


def _computed_numeric(e: exp.Expression) -> bool:
    """A numeric that is computed (not a stored column or a literal a double holds): its
    value may have more digits than the double SQLite would hold it in."""
    inner = e.unnest()
    return exprtypes.kind(e) == "num" and (not isinstance(inner, (exp.Column, exp.Literal, exp.Neg))
                                           or isinstance(inner, exp.Column) and quotient_text.reads_text(inner)
                                           or _lossy_text(inner) is not None
                                           or isinstance(inner, exp.Neg) and _computed_numeric(inner.this))


def _passes_through(p: exp.Expression | None, child: exp.Expression) -> bool:
    """Whether `child` may be the value of `p` itself (a CASE branch, a COALESCE or
    NULLIF argument), each value keeping its own display scale."""
    return (isinstance(p, exp.If) and child.arg_key == "true" and isinstance(p.parent, exp.Case)
            or isinstance(p, exp.Case) and child.arg_key == "default"
            or isinstance(p, exp.Coalesce)
            or isinstance(p, exp.Nullif) and child.arg_key == "this")


def _numeric_literal_text(text: str) -> str:
    """PostgreSQL's text of a numeric literal: 1.50 is 1.50, 1e3 is 1000, 1.5e-2 is 0.015."""
    return f"{Decimal(text):.{exprtypes.decimal_scale(text)}f}"


def _numeric_shown_text(e: exp.Expression) -> exp.Expression:
    """A numeric argument's text with its display scale where its form says it (a literal,
    a numeric(p,s) column, a cast), else the value itself."""
    inner = e.unnest()
    number = exprtypes.signed_literal(inner)
    if number is not None and not number.lstrip("-").isdigit():
        return exp.Literal.string(_numeric_literal_text(number))
    if exprtypes.kind(e) != "num" or type(inner) in _ARITH:
        return e.copy()  # arithmetic shown here gives its exact text, display scale and all
    sc = exprtypes.scale(e)  # asked while `e` is in the tree: its columns resolve
    if sc is not None:
        return exp.Anonymous(this="pg_with_scale", expressions=[e.copy(), exp.Literal.number(sc)])
    if isinstance(inner, (exp.Cast, exp.Column)):
        return exp.Anonymous(this="pg_numeric_text", expressions=[e.copy()])
    return e.copy()


_GROUPED_TEXT = "sixfold_grouped_branching"


def _grouped_branching(node: exp.Expression) -> exp.Expression | None:
    """A numeric CASE / COALESCE / NULLIF / GREATEST / LEAST that is _grouped (DISTINCT,
    a GROUP BY query's column): its exact text under the pg_numeric collation, as numeric
    arithmetic there is, with each branch's text keeping its scale. As a number, SQLite
    would group 2.5000 as 2.5, and as text beside a number 5 and 5.00 would be two values.
    The node takes its place inside the call (translated on its own visit); None
    otherwise. (As an argument of a shown numeric function or operator, its branches are
    their texts already: the function reads them, _shown_branch_value.)"""
    if not isinstance(node, (*exprtypes.BRANCHING, exp.Nullif)) or node.meta.get(_GROUPED_TEXT) or \
            exprtypes.kind(node) != "num" or not isinstance(node.parent, (exp.Alias, exp.Select)) or \
            not _grouped_in_select(node):
        return None
    node.meta[_GROUPED_TEXT] = True
    return exprtypes.wrap_in_place(node, lambda x: exp.Collate(
        this=exp.Anonymous(this="pg_numeric_text", expressions=[x]),
        expression=exp.to_identifier(pgtypes.NUMERIC_TEXT_COLLATION)))


def _shown_branch_value(node: exp.Expression) -> exp.Expression | None:
    """A numeric(p,s) column or a decimal literal as a shown CASE/COALESCE value: its
    text with its display scale (the branches' values need not share one)."""
    if not _passes_through(node.parent, node) or not _shown(node) or \
            _compared(node) and not _grouped_in_select(node):
        return None
    if isinstance(node, exp.Literal) and not node.is_string and not str(node.this).isdigit():
        return exp.Literal.string(_numeric_literal_text(str(node.this)))
    number = exprtypes.signed_literal(node) if isinstance(node, exp.Neg) else None
    if number is not None and not number.lstrip("-").isdigit():  # -1e3, -(2.50): as signed
        return exp.Literal.string(_numeric_literal_text(number))
    if isinstance(node, _SCALED_BRANCH_VALUES) and exprtypes.kind(node) == "num":
        sc = exprtypes.scale(node)
        if sc is not None:
            return exp.Anonymous(this="pg_with_scale", expressions=[node.copy(), exp.Literal.number(sc)])
    return None


# Branch values whose display scale their form says (exprtypes.scale), shown with it
_SCALED_BRANCH_VALUES = (exp.Column, exp.Extract, exp.Cast, exp.Round, exp.Trunc, exp.Floor, exp.Ceil)


def _sorted_set_quotient() -> SqlError:
    return SqlError("a numeric division as a column of a sorted UNION / INTERSECT / EXCEPT is not supported "
                    "(Sixfold sorts it as a number and would lose its digits and scale); cast it to "
                    "numeric(p, s) or float8", "0A000")


def _reads_text_as_number(col: exp.Column) -> bool:
    """Whether column reference `col` reads a quotient's exact text (quotient_text.py)
    where SQLite compares, sorts, groups or computes on it: it must read the number."""
    p = col.parent
    if isinstance(p, exp.Anonymous) and p.name.lower() in ("pg_numeric_in", "pg_numeric_read"):
        return False  # read as a number already
    if _shown(col) or quotient_text.makes_text(col, _shown) or not quotient_text.reads_text(col):
        return False
    if _compared_as_stored(col):
        return False
    if _in_sorted_set_result(col) and not col.meta.get(set_operations.TWINNED):
        raise _sorted_set_quotient()
    return True


_COMPARISONS = (exp.EQ, exp.NEQ, exp.GT, exp.GTE, exp.LT, exp.LTE, exp.NullSafeEQ, exp.NullSafeNEQ)


def _compared_as_stored(col: exp.Column) -> bool:
    """A numeric column without a precision compared as it stands (n = 1.5, n > $1,
    n IN (...), n BETWEEN a AND b): SQLite compares its text by the column's pg_numeric
    collation after giving the other side the column's TEXT affinity, so by value, and an
    index on the column serves the comparison (read as a number, it could not)."""
    if not pgtypes.is_numeric_text(exprtypes.column_decl(col)):
        return False
    p = col.parent
    return isinstance(p, _COMPARISONS) or isinstance(p, (exp.In, exp.Between)) and col.arg_key == "this"


def _in_sorted_set_result(node: exp.Expression) -> bool:
    """Whether `node` computes a result column of a branch of a sorted UNION / INTERSECT /
    EXCEPT: there it stays a number (text would sort as text), shown as that number."""
    child, p = node, node.parent
    while p is not None and (isinstance(p, (exp.Paren, exp.Alias)) or _passes_through(p, child)):
        child, p = p, p.parent
    if not (isinstance(p, exp.Select) and child.arg_key == "expressions"):
        return False
    top = p
    while isinstance(top.parent, (exp.Union, exp.Intersect, exp.Except)):
        top = top.parent
        if intersect_except.numeric_keys(top):
            return False  # (its rows are matched and sorted by numeric keys: the values may be texts)
        if top.args.get("order") is not None:
            return top.parent is None
    return False


def _mixed_numeric_columns(items: list[list[exp.Expression]]) -> frozenset[int]:
    """The numeric result columns of an INTERSECT / EXCEPT (its operands' select lists)
    where an operand's value is a computed numeric (its exact text, under the pg_numeric
    collation): SQLite would compare it with another operand's number as two values, and
    sort it as a number that loses digits."""
    out = set()
    for i, column in enumerate(zip(*items)):
        values = [e.unalias() for e in column]
        # (all computed: still sorted as numbers, not refused)
        if "num" in {exprtypes.kind(e) for e in values} and any(_computed_numeric(e) for e in values):
            out.add(i)
    return frozenset(out)


def _is_result_select(sel: exp.Select, item: exp.Expression | None = None) -> bool:
    """The SELECT whose rows are the statement's result (not a subquery's); a set
    operation's branches only when the result is not sorted by `item`'s column (text
    would sort as text; a column the ORDER BY does not name is only shown)."""
    p = sel
    while isinstance(p.parent, (exp.Union, exp.Intersect, exp.Except)):
        p = p.parent
        if p.args.get("order") is not None and (item is None or _sorts_by(p.args["order"], sel, item)) and \
                not intersect_except.numeric_keys(p):  # (which sorts by numeric keys, texts or not)
            return False
    return p.parent is None


def _sorts_by(order: exp.Order, branch: exp.Select, item: exp.Expression) -> bool:
    """Whether a set operation's ORDER BY may sort on `item`'s column of `branch` (True for
    any key that is not a plain position or output name)."""
    at = next((i for i, e in enumerate(branch.expressions) if e is item), None)
    first = order.parent
    while isinstance(first, (exp.Union, exp.Intersect, exp.Except)):
        first = first.this  # the leftmost branch names the result's columns
    if at is None or not isinstance(first, exp.Select) or at >= len(first.expressions):
        return True
    name = first.expressions[at].alias_or_name
    for o in order.expressions:
        key = o.this
        if isinstance(key, exp.Literal) and not key.is_string and str(key.this).isdigit():
            if int(key.this) == at + 1:
                return True
        elif isinstance(key, exp.Column) and not key.table:
            if key.name == name:
                return True
        else:
            return True
    return False


def _compared(node: exp.Expression) -> bool:
    """Whether the result value at `node` is also compared with other rows' values: under
    DISTINCT, as a GROUP BY key (no aggregate in it), or in a set operation that removes
    duplicates. A value shown as one of several texts of the same number (a COALESCE of
    2.5000 and 2.5) must stay a number there: as text they would be two values."""
    item = node
    while item.parent is not None and not isinstance(item.parent, exp.Select):
        item = item.parent
    sel = item.parent
    if sel is None or item.arg_key != "expressions":
        return False
    distinct = sel.args.get("distinct")
    if distinct is not None and (distinct.args.get("on") is None or _distinct_on_names(sel, item)):
        return True  # (DISTINCT ON compares its keys only: an item is one when a key names it)
    if sel.args.get("group") is not None and not _has_aggregate(item):
        return True
    p = sel
    while isinstance(p.parent, (exp.Union, exp.Intersect, exp.Except)):
        p = p.parent
        if p.args.get("distinct") is not False:
            return True
    return False


def _distinct_on_names(sel: exp.Select, item: exp.Expression) -> bool:
    """Whether a DISTINCT ON key is `item`, by its output name or position."""
    on = sel.args["distinct"].args["on"]
    at = next((i for i, e in enumerate(sel.expressions) if e is item), None)
    for key in on.expressions if isinstance(on, exp.Tuple) else [on]:
        folded = exprtypes.signed_literal(key)
        if folded is not None and folded.lstrip("-").isdigit() and at is not None and int(folded) == at + 1:
            return True
        if isinstance(key, exp.Column) and not key.table and key.name == item.alias_or_name:
            return True
    return False


def order_by_values(tree: exp.Expression) -> None:
    """ORDER BY a result column's alias or position, where that column is a computed
    numeric: sort on the expression itself, a number (the result column is its text);
    where it is an interval: on the expression, which the rewrite sorts as an interval.
    A constant that is not a position is refused, as PostgreSQL refuses it (42601)."""
    _refuse_constant_keys(tree)
    if isinstance(tree, (exp.Union, exp.Intersect, exp.Except)) and tree.args.get("order") is not None and \
            not set_operations.handles_intervals(tree) and intersect_except.SHAPE not in tree.meta:
        # (set_operations.plan and intersect_except sort those by span)
        first = tree
        while isinstance(first, (exp.Union, exp.Intersect, exp.Except)):
            first = first.this
        if isinstance(first, exp.Select) and any(
                exprtypes.kind(_order_target(first, o.this)) == "interval" for o in tree.args["order"].expressions):
            raise SqlError("ORDER BY an interval column of UNION, INTERSECT or EXCEPT is not supported: it would "
                           "sort by the interval's text", "0A000")
    if not isinstance(tree, exp.Select) or tree.args.get("order") is None:
        return
    for o in tree.args["order"].expressions:
        target = _order_target(tree, o.this)
        if target is None or star_expansion.is_star(target):
            named = _star_interval_column(tree, o.this)
            if named is not None:
                o.set("this", named)  # (sorted as an interval by the rewrite, as `ORDER BY s.iv` is)
                continue
        k = exprtypes.kind(target) if target is not None else ""
        if k == "num" and (not isinstance(target, exp.Column) or quotient_text.reads_text(target)) or k == "interval":
            o.set("this", target.copy())



def group_by_values(tree: exp.Expression) -> None:
    """GROUP BY a result column's position, where that column is a computed numeric:
    group by the expression itself, which the rewrite compares as a number (the result
    column may be its text, and two texts of one number, 7.25 and 7.250, would be two
    groups). (An alias is left alone: in GROUP BY an input column of that name comes
    first.)"""
    for sel in tree.find_all(exp.Select):
        group = sel.args.get("group")
        for i, key in enumerate(list(group.expressions) if group is not None else []):
            if not (isinstance(key, exp.Literal) and not key.is_string and str(key.this).isdigit()):
                continue
            target = _order_target(sel, key)
            if isinstance(target, exp.Literal) and not target.is_string:
                # a constant: one group. SQLite would read its integer as a position again
                # (past the list of the subquery it makes for window functions: an error)
                key.replace(exp.Literal.string(str(target.this)))
                continue
            if target is not None and exprtypes.kind(target) == "num" and not _has_aggregate(target) and (
                    not isinstance(target, exp.Column) or quotient_text.reads_text(target)):
                key.replace(target.copy())


def _order_target(sel: exp.Select, key: exp.Expression) -> exp.Expression | None:
    """The result column of `sel` an ORDER BY key names by position or by alias (an
    unaliased column by its name), else None."""
    items = sel.expressions
    if isinstance(key, exp.Literal) and not key.is_string and str(key.this).isdigit():
        return items[int(key.this) - 1].unalias() if 1 <= int(key.this) <= len(items) else None
    if isinstance(key, exp.Column) and not key.table:
        name = key.name.lower()
        return next((e.unalias() for e in items if (e.alias or (e.name if isinstance(e, exp.Column) else "")).lower()
                     == name), None)
    return None


def _star_interval_column(sel: exp.Select, key: exp.Expression) -> exp.Column | None:
    """`ORDER BY k` of `SELECT * FROM <a subquery or CTE that is a set operation>` where
    column k is an interval: that column by name (s.iv), which sorts by span; else None.
    (A set operation's columns are not spelled out for `*`: its rows are typed by position.)"""
    if not (isinstance(key, exp.Literal) and not key.is_string and str(key.this).isdigit()):
        return None
    src = _star_source(sel)
    if not isinstance(src, exp.SetOperation):
        return None
    first = _first_branch(src)
    if not isinstance(first, exp.Select) or any(star_expansion.is_star(e) for e in first.expressions):
        return None
    k = int(key.this) - 1
    frm = sel.args.get("from_") or sel.args.get("from")
    alias = src.parent.args.get("alias") if isinstance(src.parent, exp.CTE) else None
    listed = [c.name for c in alias.columns] if isinstance(alias, exp.TableAlias) else []  # WITH w(a, b)
    names = listed + [e.alias_or_name for e in first.expressions[len(listed):]]
    if not 0 <= k < len(names) or names.count(names[k]) != 1 or \
            exprtypes.kind(first.expressions[k].unalias()) != "interval":
        return None
    return exp.column(names[k], frm.this.alias_or_name, quoted=True)


def _refuse_missing_from_entries(tree: exp.Expression) -> None:
    """42P01 for a column qualified by a name no FROM item of the statement has (`fz.id`
    where fz is read as `fz f2`, so that its own name is hidden): PostgreSQL resolves
    names before anything else, where SQLite's 'no such column' would say 42703, or a
    later check another SQLSTATE."""
    names, hidden = {"excluded"}, {}
    for node in tree.walk():
        if isinstance(node, (exp.Table, exp.Subquery, exp.Values, exp.Unnest, exp.Lateral, exp.CTE)):
            names.add(node.alias_or_name.lower())
            if isinstance(node, exp.Table) and node.alias:
                hidden.setdefault(node.name.lower(), node.alias)
            elif isinstance(node, exp.Table):
                names.add(node.name.lower())
    for col in tree.find_all(exp.Column):
        if col.table and not col.args.get("db") and col.table.lower() not in names and \
                not (isinstance(col.parent, exp.Dot) or col.find_ancestor(exp.Schema) or
                     isinstance(col.parent, exp.Collate) and col.arg_key == "expression"):  # (pg_catalog."C")
            if col.table.lower() in hidden:
                raise SqlError(f'invalid reference to FROM-clause entry for table "{col.table}"{HINT_MARK}'
                               f'Perhaps you meant to reference the table alias "{hidden[col.table.lower()]}".',
                               "42P01")
            raise SqlError(f'missing FROM-clause entry for table "{col.table}"', "42P01")


def _refuse_constant_keys(tree: exp.Expression) -> None:
    """ORDER BY 'x', ORDER BY 2.5, GROUP BY true: PostgreSQL refuses a constant that is
    not a column's position (42601); SQLite would sort or group by the constant."""
    for clause, keys in (("ORDER BY", [o.this for o in (tree.args.get("order") or exp.Order()).expressions]),
                         ("GROUP BY", list((tree.args.get("group") or exp.Group()).expressions))):
        for key in keys:
            bare = key.unnest() if isinstance(key, exp.Paren) else key
            negative = False
            while isinstance(bare, (exp.Neg, exp.Paren)) and isinstance(bare.this, (exp.Literal, exp.Neg, exp.Paren)):
                negative ^= isinstance(bare, exp.Neg)
                bare = bare.this  # -2.5 is one constant in PostgreSQL's grammar
            integer = isinstance(bare, exp.Literal) and not bare.is_string and str(bare.this).isdigit() and \
                exprtypes.literal_int_hint(str(bare.this)) == "int4"
            if isinstance(bare, (exp.Boolean, exp.Null)) or isinstance(bare, exp.Literal) and not integer:
                raise SqlError(f"non-integer constant in {clause}", "42601")
            position = -int(bare.this) if integer and negative else int(bare.this) if integer else None
            width = _select_width(tree) if position is not None else None
            if width is not None and not 1 <= position <= width:
                raise SqlError(f"{clause} position {position} is not in select list", "42P10")


def _select_width(tree: exp.Expression) -> int | None:
    """How many columns `tree` (a SELECT, or a set operation: its first branch's) returns,
    with each `*` spelled out; None when a `*`'s sources are not known here."""
    tree = _first_branch(tree)
    if not isinstance(tree, exp.Select):
        return None
    width = 0
    for item in tree.expressions:
        bare = item.unalias()
        if star_expansion.is_star(bare):
            spelled = star_expansion.spelled_columns(tree, bare)
            if spelled is None:
                return None
            width += len(spelled)
        else:
            width += 1
    return width


def _refuse_full_join_conditions(tree: exp.Expression) -> None:
    """FULL JOIN ... ON: PostgreSQL runs it as a merge or hash join only, so one of the
    ANDed conditions must be an equality of an expression over the left side's tables with
    one over the right's (the others may be anything; an ON PostgreSQL folds to a constant
    is a join too, `ON now() < now()` is not): `ON a.n < b.n`, `ON a.id = 1`, `ON a.id IS
    NOT DISTINCT FROM b.id` are 0A000 there, where SQLite would answer. Conditions naming
    a column without its table are not judged."""
    for join in tree.find_all(exp.Join):
        on = join.args.get("on")
        if (join.args.get("side") or "").upper() != "FULL" or on is None:
            continue
        right = join.this.alias_or_name.lower()
        conjuncts = [c.unnest() for c in (on.unnest().flatten() if isinstance(on.unnest(), exp.And) else [on])]
        tables = [col.table.lower() for col in on.find_all(exp.Column)]
        if not _folded_columns(on) and (tables and _constants_around_columns(on) or
                                        constant_folding.is_constant(on.unnest())):
            continue  # (folded while planning: no join condition is left to run)
        if "" in tables:
            continue
        if not any(_joins_sides(c, right) for c in conjuncts):
            raise SqlError("FULL JOIN is only supported with merge-joinable or hash-joinable join conditions", "0A000")


def _constants_around_columns(on: exp.Expression) -> bool:
    """Whether every part of `on` that names no column is a constant PostgreSQL folds (so
    that, its columns folded away, the condition is one): `coalesce(1, a.x) = 1` is;
    `coalesce(1, a.x) = now()::date` is not (now() is stable)."""
    for node in on.walk():
        if node is on or node.find(exp.Column) is not None or node.parent is None or \
                node.parent.find(exp.Column) is None:
            continue  # (the largest parts without a column only)
        if not isinstance(node, (exp.DataType, exp.Identifier)) and not constant_folding.is_constant(node):
            return False
    return True


def _joins_sides(c: exp.Expression, right: str) -> bool:
    """`c` is left = right (or right = left): each side's columns from one side alone
    (those PostgreSQL's folding keeps: coalesce(constant, a.x) is the constant)."""
    if not isinstance(c, exp.EQ):
        return False
    sides = [{col.table.lower() for col in _folded_columns(x)} for x in (c.this, c.expression)]
    return all(sides) and {right} in sides and any(right not in s for s in sides)


_STRICT_OPERATORS = (exp.EQ, exp.NEQ, exp.LT, exp.LTE, exp.GT, exp.GTE, exp.Add, exp.Sub, exp.Mul, exp.Div)


def _folded_columns(e: exp.Expression) -> list[exp.Column]:
    """The columns of `e` that PostgreSQL's constant folding leaves: none after a COALESCE
    argument that is a constant other than NULL, none under a comparison or arithmetic
    with a NULL constant operand (it folds to NULL)."""
    out = []
    for col in e.find_all(exp.Column):
        child, parent = col, col.parent
        while parent is not None and parent is not e.parent:
            if isinstance(parent, _STRICT_OPERATORS) and any(
                    _null_constant(x) for x in (parent.this, parent.expression) if x is not None):
                break  # NULL = b.x is NULL (a strict operator of a NULL constant folds to NULL)
            if isinstance(parent, exp.Coalesce):
                args = [parent.this, *parent.expressions]
                at = next((i for i, a in enumerate(args) if a is child), 0)
                if any(not _null_constant(a) and constant_folding.is_constant(a) for a in args[:at]):
                    break
            child, parent = parent, parent.parent
        else:
            out.append(col)
    return out


def _null_constant(e: exp.Expression) -> bool:
    u = e.unnest()
    return isinstance(u, exp.Null) or isinstance(u, exp.Cast) and isinstance(u.this.unnest(), exp.Null)


_ORDERING = (exp.GT, exp.GTE, exp.LT, exp.LTE, exp.Max, exp.Min, exp.Ordered)


def _array_node(node: exp.Expression) -> exp.Expression | None:
    """Arrays (arrays.py): subscripts, containment, ||, array_length; ordering refused."""
    if isinstance(node, exp.ArrayContainedBy):
        return exp.Anonymous(this="pg_array_contains", expressions=[node.expression, node.this])
    if isinstance(node, exp.ArrayOverlaps):
        return exp.Anonymous(this="pg_array_overlap", expressions=[node.this, node.expression])
    if isinstance(node, exp.ArraySize):
        return exp.Anonymous(this="array_length", expressions=[node.this, node.expression or exp.Literal.number(1)])
    if isinstance(node, exp.ArrayAppend):
        return exp.Anonymous(this="array_append", expressions=[node.this, _element_value(node.expression)])
    if exprtypes.is_slice(node):
        bounds = []  # a[lo:hi], a[lo:], a[:hi] (sqlglot leaves a slice's bounds as written)
        sources = []  # (made integers by pg_array_slice, and only when the array is not NULL)
        for b in (node.expressions[0].this, node.expressions[0].expression):
            bounds += [exp.Null(), exp.Literal.number(0)] if b is None else [b, exp.Literal.number(1)]
            sources.append(exp.Literal.string("" if b is None else _int_source(b)))
        return exp.Anonymous(this="pg_array_slice", expressions=[node.this, *bounds, *sources])
    if isinstance(node, exp.Bracket) and len(node.expressions) == 1:
        idx = node.expressions[0]  # sqlglot may have made PostgreSQL's 1-based subscript 0-based
        if node.meta.get(_ZERO_BASED) is False:
            one_based = idx
        elif isinstance(idx, exp.Literal) and not idx.is_string and str(idx.this).lstrip("-").isdigit():
            one_based = exp.Literal.number(int(idx.this) + 1)
        else:
            one_based = exp.Add(this=exp.Paren(this=idx), expression=exp.Literal.number(1))
        convert = not (isinstance(one_based, exp.Literal) and not one_based.is_string and
                       str(one_based.this).lstrip("-").isdigit() and abs(int(one_based.this)) < 1 << 31)
        if convert:
            # a subscript is an integer: 1.5 rounds to 2, 3000000000 is 22003, as in PostgreSQL
            one_based = to_int_call(one_based, 32, _int_source(idx))
        if isinstance(node.this, exp.Column) and node.this.name.lower() in _VECTOR_COLUMNS and \
                exprtypes.column_decl(node.this) is None:
            # pg_index.indkey and its kin are int2vector / oidvector: their subscripts start
            # at 0 (`one_based` is the subscript as written), their text is '1 2'
            return exp.Anonymous(this="pg_vector_at", expressions=[node.this, one_based])
        if isinstance(node.this, exp.Column) and node.this.name.lower() in _NAME_COLUMNS and \
                exprtypes.column_decl(node.this) is None:
            return exp.Anonymous(this="pg_name_at", expressions=[node.this, one_based])
        elem = ""
        if isinstance(node.this, exp.Column):
            from compute_node.pg_sql import arrays

            try:
                elem = arrays.element_kind(exprtypes.column_decl(node.this)) or ""
            except arrays.ArrayError:
                elem = ""
        if convert:  # (made an integer by pg_array_get, and only when the array is not NULL)
            return exp.Anonymous(this="pg_array_get", expressions=[node.this, *one_based.expressions[:1],
                                                                    exp.Literal.string(elem), *one_based.expressions[1:]])
        return exp.Anonymous(this="pg_array_get", expressions=[node.this, one_based, exp.Literal.string(elem)])
    if isinstance(node, exp.DPipe):
        ka, kb = exprtypes.kind(node.this), exprtypes.kind(node.expression)
        if "jsonb" in (ka, kb) and {ka, kb} <= {"jsonb", "unknown"}:  # jsonb || jsonb merges, not concatenates
            return exp.Anonymous(this="pg_jsonb_concat", expressions=[node.this, node.expression])
        if "bytea" in (ka, kb) and {ka, kb} <= {"bytea", "unknown"}:  # bytes, not SQLite's text of them
            return exp.Anonymous(this="pg_bytea_cat", expressions=[node.this, node.expression])
        if "bytea" in (ka, kb) and (kb if ka == "bytea" else ka) not in ("text", ""):  # no || for it
            raise SqlError(f"operator does not exist: {exprtypes.type_label(node.this)} || "
                           f"{exprtypes.type_label(node.expression)}", "42883")
        if "bytea" in (ka, kb):  # text || bytea: the bytea's text
            return exp.DPipe(this=_as_text(node.this, "true", "false"),
                             expression=_as_text(node.expression, "true", "false"))
        if {"bool", "float", "num", "interval"} & {ka, kb} and "array" not in (ka, kb):
            # t/f (SQLite: 1/0); 1e+300 (1.0e+300); 2.50 (2.5); an interval in the session's IntervalStyle
            a, b = _as_text(node.this, "true", "false"), _as_text(node.expression, "true", "false")
            if a is not node.this or b is not node.expression:
                return exp.DPipe(this=a, expression=b)
    if isinstance(node, exp.DPipe) and "array" in (exprtypes.kind(node.this), exprtypes.kind(node.expression)):
        ka, kb = exprtypes.operand_kind(node.this), exprtypes.operand_kind(node.expression)
        if ka in ("array", "unknown") and kb in ("array", "unknown"):  # a string literal is read as an array
            for side in (node.this, node.expression):
                _check_array_literal(side)
            return exp.Anonymous(this="array_cat", expressions=[node.this, node.expression])
        if ka == "array":
            return exp.Anonymous(this="array_append", expressions=[node.this, _element_value(node.expression)])
        return exp.Anonymous(this="array_cat", expressions=[
            exp.Anonymous(this="pg_array", expressions=[_element_value(node.this)]), node.expression])
    return None


_ORDERINGS = (exp.GT, exp.GTE, exp.LT, exp.LTE)


def _check_array_literal(e: exp.Expression) -> None:
    """A quoted literal read as an array is read while planning, as PostgreSQL reads it:
    `'x' || text[]` is 22P02 (malformed array literal) even where no row needs it."""
    from compute_node.pg_sql import arrays

    lit = e.unnest() if isinstance(e, exp.Paren) else e
    if isinstance(lit, exp.Literal) and lit.is_string:
        try:
            arrays.parse(lit.this)
        except arrays.ArrayError as err:
            raise SqlError(str(err), err.sqlstate) from None


def _quantified_array_chain(node: exp.Expression) -> exp.Expression | None:
    """`x > ALL (ARRAY[a, b])` (and <, <=, >=, = ALL, <> ANY) as `x > a AND x > b` (OR
    for ANY): SQL's three-valued AND / OR are ALL's and ANY's answers, NULLs included. An
    empty ARRAY[] is true for ALL, false for ANY. (= ANY is IN, <> ALL NOT IN, below.)"""
    if not isinstance(node, (*_ORDERINGS, exp.EQ, exp.NEQ)):
        return None
    q = node.expression
    if isinstance(q, exp.Anonymous) and q.name.lower() == "all" and len(q.expressions) == 1:
        every, arr = True, q.expressions[0]  # sqlglot reads ALL (x) as a call
    elif isinstance(q, (exp.Any, exp.All)):
        every, arr = isinstance(q, exp.All), q.this
    else:
        return None
    if isinstance(node, (exp.EQ, exp.NEQ)) and isinstance(node, exp.EQ) != every:
        return None  # = ANY and <> ALL: IN and NOT IN (below)
    while isinstance(arr, exp.Paren):
        arr = arr.this
    if isinstance(arr, exp.Cast) and isinstance(arr.this, exp.Array):
        arr = arr.this
    if isinstance(arr, exp.Query):
        return None  # (quantified.py: over a subquery)
    if not isinstance(arr, exp.Array):
        return quantified_over_array(node, arr, every)
    parts = [type(node)(this=exp.Paren(this=node.this.copy()), expression=exp.Paren(this=e.copy()))
             for e in arr.expressions]
    if not parts:
        return exp.Boolean(this=every)
    out = parts[0]
    for p in parts[1:]:
        out = exp.And(this=out, expression=p) if every else exp.Or(this=out, expression=p)
    return exp.Paren(this=elements_first(arr, out))


def elements_first(arr: exp.Array, cond: exp.Expression) -> exp.Expression:
    """`cond` (x op ANY / ALL of ARRAY[...] as a chain or an IN list, which SQLite stops
    at the element that decides) after every computed element: PostgreSQL builds the
    whole array first, so an element's error is raised even where an earlier one decides
    (`-1 <> ANY (ARRAY[0, f::int])` is 22003 for f = 1e300)."""
    computed = [e for e in arr.expressions if not isinstance(e.unnest(), (exp.Column, exp.Literal, exp.Null))]
    if len(arr.expressions) < 2 or not computed:
        return cond
    # (a CASE, not an AND: SQLite drops `x AND <false constant>` whole, x never computed)
    return exp.Case(ifs=[exp.If(this=exp.Anonymous(this="pg_evaluated", expressions=[e.copy() for e in computed]),
                                true=exp.Paren(this=cond))])


_COMPARISON_SIGNS = {exp.EQ: "=", exp.NEQ: "<>", exp.GT: ">", exp.GTE: ">=", exp.LT: "<", exp.LTE: "<="}


def quantified_over_array(node: exp.Expression, arr: exp.Expression, every: bool) -> exp.Expression:
    """`x op ANY (arr)` / `x op ALL (arr)` over an array value (arrays.pg_array_quantified)."""
    return exp.Anonymous(this="pg_array_quantified", expressions=[
        node.this, arr, exp.Literal.string(_COMPARISON_SIGNS[type(node)]), exp.Literal.number(int(every))])


def _as_text(x: exp.Expression, true: str, false: str) -> exp.Expression:
    """`x` as PostgreSQL's text of its value where SQLite's differs: a boolean as `true`
    / `false` (SQLite holds 1/0), a float in PostgreSQL's shortest form (SQLite prints
    1e300 as 1.0e+300), a numeric(p,s) with its scale (SQLite's 2.50 is 2.5), a bytea as
    its hex text (SQLite's is the bytes themselves), an interval in the session's
    IntervalStyle (stored as postgres shows it). Else `x`."""
    k = exprtypes.kind(x)
    if k == "bytea":
        return exp.Anonymous(this="pg_bytea_text", expressions=[x])
    if k == "interval":
        return exp.Anonymous(this="pg_interval_text", expressions=[x])
    if k == "bool":
        return exp.Case(ifs=[exp.If(this=x.copy(), true=exp.Literal.string(true))],
                        default=exp.If(this=exp.Not(this=x.copy()), true=exp.Literal.string(false)))
    if k == "float":
        single = exprtypes.oid(x) == pgtypes.FLOAT4
        return exp.Anonymous(this="pg_float_text", expressions=[x, exp.Literal.number(int(single))])
    if k == "num" and exprtypes.scale(x) is not None:
        return exp.Anonymous(this="pg_with_scale", expressions=[x, exp.Literal.number(exprtypes.scale(x))])
    if k == "num" and isinstance(x.unnest(), (exp.Cast, exp.Column)):
        # a numeric has no exponent (SQLite prints 0.00001 as 1.0e-05); arithmetic and
        # aggregates give their exact text themselves where shown
        return exp.Anonymous(this="pg_numeric_text", expressions=[x])
    return x


_ENUM_VALUE_FORMS = (exp.Coalesce, exp.Case, exp.Nullif, exp.Greatest, exp.Least, exp.Bracket, exp.Subquery)


def _enum_token(e: exp.Expression, depth: int = 0) -> str | None:
    """The enum type (its token) of a value's form: an enum column, a cast to an enum
    type, or a COALESCE, CASE, NULLIF, GREATEST or LEAST that can take one's value."""
    if depth > 64:
        return None
    while isinstance(e, exp.Paren) or isinstance(e, exp.Subquery) and isinstance(e.this, exp.Subquery):
        e = e.this  # ((SELECT ...)): the inner subquery's
    if isinstance(e, exp.Column):
        return enums.token_of_type(exprtypes.column_decl(e))
    if isinstance(e, exp.Collate) and isinstance(e.expression, exp.Identifier) and \
            e.expression.name.startswith(enums.TOKEN_PREFIX):
        return e.expression.name
    if isinstance(e, (exp.Cast, exp.TryCast)) and isinstance(e.args.get("to"), exp.DataType) and \
            e.args["to"].this == exp.DataType.Type.USERDEFINED:
        return enums.token_of_type(e.args["to"].sql("postgres"))
    if isinstance(e, exp.Nullif):
        return _enum_token(e.this, depth + 1)
    if isinstance(e, exp.Bracket):  # (enum_range(...))[1]: an element of the type's labels
        e = e.this
        while isinstance(e, exp.Paren):
            e = e.this
        if not (isinstance(e, exp.Anonymous) and e.name.lower() == "enum_range"):
            return None
    if isinstance(e, exp.Anonymous) and e.name.lower() in ("enum_range", "enum_first", "enum_last"):
        return next((t for t in (_enum_token(a, depth + 1) for a in e.expressions) if t), None)
    if isinstance(e, (exp.Min, exp.Max)):  # min / max of an enum: its labels' order
        return _enum_token(e.this, depth + 1)
    if isinstance(e, exp.Subquery) and isinstance(e.this, exp.Select) and len(e.this.expressions) == 1 and \
            not e.alias and not isinstance(e.parent, (exp.From, exp.Join, exp.Lateral, exp.Union, exp.In)):
        return _enum_token(e.this.expressions[0].unalias(), depth + 1)  # a scalar subquery's value
    if isinstance(e, (exp.Coalesce, exp.Case, exp.Greatest, exp.Least)):
        return next((t for t in (_enum_token(b, depth + 1) for b in exprtypes.value_branches(e)) if t), None)
    return None


enum_token = _enum_token  # (table_as.py: a CREATE TABLE AS column of an enum type)


def _check_enum_literals_of(token: str, args: list[exp.Expression]) -> None:
    """String literals among an enum function's arguments read as the enum type (22P02)."""
    for a in args:
        if isinstance(a, exp.Literal) and a.is_string:
            enums.check_literal(token, a.this)


def _enum_function(name: str, arg: exp.Expression) -> exp.Expression:
    """enum_range / enum_first / enum_last of a value of an enum type (NULL::mood, a
    column): the type's labels, known when the statement is translated."""
    from compute_node.pg_sql import arrays

    to = arg.args.get("to") if isinstance(arg, exp.Cast) else None
    decl = to.sql("postgres") if isinstance(to, exp.DataType) else (
        exprtypes.column_decl(arg) if isinstance(arg, exp.Column) else None)
    token = enums.token_of_type(decl)
    if token is None:
        raise SqlError(f"function {name}({exprtypes.type_label(arg)}) does not exist", "42883")
    labels = enums.decode(token)[1]
    if name == "enum_range":
        return exp.Literal.string(arrays.format_array(labels))
    if not labels:
        return exp.Null()
    return exp.Collate(this=exp.Literal.string(labels[0] if name == "enum_first" else labels[-1]),
                       expression=exp.to_identifier(token, quoted=True))


_ENUM_COMPARED = (exp.EQ, exp.NEQ, exp.GT, exp.GTE, exp.LT, exp.LTE, exp.In, exp.Between)


def _check_enum_literals(node: exp.Expression) -> None:
    """A string compared with an enum column is read as the enum type, as PostgreSQL reads
    it: 22P02 when it is no label (SQLite would compare it and answer)."""
    operands = [node.this] + [v for k, v in node.args.items() if k != "this" and isinstance(v, exp.Expression)] + \
        list(node.expressions if isinstance(node, exp.In) else [])
    columns = [o for o in operands if isinstance(o, exp.Column)]
    token = next((t for t in (enums.token_of_type(exprtypes.column_decl(c)) for c in columns) if t), None)
    if token is None:
        return
    for o in operands:
        if isinstance(o, exp.Literal) and o.is_string:
            enums.check_literal(token, o.this)
        elif isinstance(o, exp.Parameter):  # checked when bound: 22P02 for no label, as a literal
            o.replace(exp.Anonymous(this="pg_enum_in", expressions=[exp.Literal.string(token), o.copy()]))


_EQUALITY = (exp.EQ, exp.NEQ, exp.NullSafeEQ, exp.NullSafeNEQ)


# Array functions' arguments that are elements (by position): put in as their text.
_ELEMENT_ARGUMENTS = {"array_replace": (1, 2), "array_positions": (1,), "array_fill": (0,)}


def _element_value(x: exp.Expression) -> exp.Expression:
    """A value going into (or compared with) an array's elements: a boolean as t/f (SQLite
    holds 1/0), a numeric as its exact text, an interval in the session's IntervalStyle."""
    if exprtypes.kind(x) == "bool":
        return exp.Case(ifs=[exp.If(this=x.copy(), true=exp.Literal.string("t")),
                             exp.If(this=exp.Not(this=x.copy()), true=exp.Literal.string("f"))])
    return _json_value(x)


def _numeric_array(e: exp.Expression) -> bool:
    """An array of numerics: its elements' texts show their scales (ARRAY[1.50] is {1.50})."""
    return exprtypes.kind(e) == "array" and exprtypes.array_element_kind(e) == "numeric"


def _statistical_aggregate(node: exp.Expression) -> exp.Expression:
    """stddev / variance / corr / covar_* / regr_* as statistics.py's aggregates: exact
    for integers and numerics, PostgreSQL's float operations for floats."""
    which = exprtypes.VARIANCE_NODES.get(type(node)) or exprtypes.REGRESSION_NODES[type(node)]
    args = [node.this] + ([node.expression] if type(node) in exprtypes.REGRESSION_NODES else [])
    if any(isinstance(a, exp.Distinct) for a in args):
        raise SqlError(f"{which}(DISTINCT ...) is not supported", "0A000")
    kinds = [exprtypes.kind(a) for a in args]
    if any(k not in ("int", "num", "float", "", "unknown") for k in kinds):
        labels = ", ".join(exprtypes.type_label(a) for a in args)
        raise SqlError(f"function {which}({labels}) does not exist", "42883")
    if type(node) in exprtypes.REGRESSION_NODES:
        return _aggregate(f"pg_{which}", node, args)
    if kinds[0] == "float":
        return _aggregate("pg_float_variance", node, [args[0], exp.Literal.string(which)])
    sc = exprtypes.scale(args[0]) if kinds[0] == "num" else 0 if kinds[0] == "int" else None
    mode = _aggregate_shown(node) + (str(sc) if sc is not None else "")
    return _aggregate("pg_numeric_variance", node, [args[0], exp.Literal.string(which), exp.Literal.string(mode)])


def _array_comparison(node: exp.Expression) -> exp.Expression | None:
    """a < b (<=, >, >=) over arrays of numbers or booleans, in PostgreSQL's array order
    (arrays.pg_array_cmp); None for anything else (arrays of text are ordered by a
    collation: refused)."""
    if not isinstance(node, _ORDERINGS):
        return None
    sides = (node.this, node.expression)
    kinds = [exprtypes.kind(x) for x in sides]
    if "array" not in kinds or any(k not in ("array", "unknown") for k in kinds):
        return None
    oids = {_array_oid(x) for x, k in zip(sides, kinds) if k == "array"}
    if len(oids) > 1 and None not in oids:  # integer[] < bigint[]: no such operator
        left, right = (_type_name(_array_oid(x), "anyarray") for x in sides)
        raise SqlError(f"operator does not exist: {left} {_COMPARISON_SIGNS[type(node)]} {right}", "42883")
    if len(oids) != 1 or _element_group(oids.pop()) not in ("number", "bool"):
        return None
    return type(node)(this=exp.Anonymous(this="pg_array_cmp", expressions=list(sides)),
                      expression=exp.Literal.number(0))


def _ordered_item(node: exp.Expression) -> exp.Expression:
    """What an ORDER BY key sorts by: the select item it names by position or output name
    (_order_target), else the key itself."""
    sel = node.parent.parent if isinstance(node, exp.Ordered) and node.parent is not None else None
    target = _order_target(sel, node.this) if isinstance(sel, exp.Select) else None
    return target if target is not None else node.this


def _refuse_array_order(node: exp.Expression) -> None:
    parts = [_ordered_item(node)] + ([node.expression] if isinstance(node, (exp.GT, exp.GTE, exp.LT, exp.LTE))
                                     else [])
    if any(exprtypes.kind(p) == "array" for p in parts):
        raise SqlError("ordering arrays (<, >, ORDER BY, min, max) is not supported: it would compare "
                       "their text", "0A000")


def _typeof(e: exp.Expression) -> exp.Expression:
    """pg_typeof(e): the type's name when the expression says it, else from the value."""
    from compute_node.pg_sql import types as t

    oid = exprtypes.oid(e) or (_expr_oid(e) if not isinstance(e, exp.Column) else None)
    if char_values.varchar_nullif_of_char(e.unnest()):
        return exp.Literal.string("character")
    if isinstance(e, exp.Column):
        decl = exprtypes.column_decl(e)
        if enums.token_of_type(decl):
            return exp.Literal.string(enums.decode(enums.token_of_type(decl))[0])
        oid = t.column_oid(decl, None) if decl else exprtypes.oid(e)  # a derived column: its source's type
    type_name = t.REGTYPE_NAMES.get(oid) if oid is not None else None
    if type_name is None:
        type_name = _array_type_name(e, oid)
    if type_name is not None:
        name = exp.Literal.string(type_name)
        if e.find(exp.AggFunc) is not None:  # still an aggregate: one row per group, not per row
            return exp.Anonymous(this="pg_first", expressions=[name, e])
        return name
    return exp.Anonymous(this="pg_typeof_value", expressions=[e])


def _array_type_name(e: exp.Expression, oid: int | None) -> str | None:
    """An array expression's type as pg_typeof names it (integer[], numeric[]), when its
    form says it; `oid`: the type the expression's form gives, if any."""
    from compute_node.pg_sql import arrays

    inner = e.unnest()
    if oid not in arrays.ARRAY_OIDS and oid not in _OTHER_ARRAY_NAMES:
        if exprtypes.kind(e) != "array":
            return None
        oid = _array_oid(e)
    if oid is None and isinstance(inner, exp.ArrayAgg):
        oid = _expr_oid(inner)
    if oid is None and isinstance(inner, exp.Array):
        kinds = {exprtypes.kind(x) for x in inner.expressions if not isinstance(x, exp.Null)}
        if kinds and kinds <= {"int", "num", "float"}:
            oid = _array_of(inner.expressions[0]) if len(kinds) == 1 else (1022 if "float" in kinds else 1231)
    if oid in arrays.ARRAY_OIDS:
        return arrays.ELEMENTS[arrays.ARRAY_OIDS[oid]][2] + "[]"
    return _OTHER_ARRAY_NAMES.get(oid)


_OTHER_ARRAY_NAMES = {1231: "numeric[]", 1182: "date[]", char_values.BPCHAR_ARRAY: "character[]"}


def _written_format(node: exp.Expression) -> exp.Expression:
    """The format argument of to_char / to_date / to_timestamp as written: sqlglot turns a
    literal one into strftime codes, which its inverse mapping turns back."""
    from sqlglot.dialects.postgres import Postgres
    from sqlglot.time import format_time

    fmt = node.args.get("format")
    if isinstance(fmt, exp.Literal):
        return exp.Literal.string(format_time(fmt.this, Postgres.INVERSE_TIME_MAPPING, Postgres.INVERSE_TIME_TRIE))
    return fmt if fmt is not None else exp.Null()


def _to_char_hint(e: exp.Expression) -> str:
    """Which to_char applies to `e`: its temporal kind, or typed_functions.NUMBER_HINTS'."""
    k = exprtypes.kind(e)
    if k == "int":
        return "int4" if exprtypes.int_width(e) in ("int2", "int4") else "int8"
    if k == "float":
        return "float4" if exprtypes.oid(e) == pgtypes.FLOAT4 else "float8"
    return "num" if k == "num" else _hint(e)


def _hint(e: exp.Expression) -> str:
    k = exprtypes.kind(e)
    return k if k in exprtypes.TEMPORAL else ""


# Functions whose arguments are of type "any": an untyped parameter there has no type.
_ANY_ARGUMENT_CALLS = (exp.Concat, exp.ConcatWs, exp.Count)
_ANY_ARGUMENT_FUNCTIONS = frozenset({"num_nulls", "num_nonnulls"})


def _refuse_untyped(args: list[exp.Expression]) -> None:
    """42P18 for a bound parameter of no declared type among arguments of type "any"
    (format's values, jsonb_build_array's), which PostgreSQL cannot type."""
    for a in args:
        n = exprtypes.parameter_number(a)
        if n is not None and not exprtypes.parameter_oid(a):
            raise SqlError(f"could not determine data type of parameter ${n}", "42P18")


# Functions whose value differs from call to call: a condition naming one is not
# computed twice (_and_goes_on_after_null).
_VOLATILE_CALLS = {"random", "pg_random", "nextval", "setval", "currval", "clock_timestamp", "gen_random_uuid",
                   "gen_random_bytes", "uuid_generate_v1", "uuid_generate_v1mc", "uuid_generate_v4", "pg_sleep",
                   "txid_current", "pg_current_xact_id", "timeofday", "pg_advisory_lock", "pg_try_advisory_lock"}


def _and_goes_on_after_null(cond: exp.Expression) -> exp.Expression | None:
    """A CASE WHEN or FILTER condition that is an AND of plain conjuncts, as SQLite must
    write it for PostgreSQL's order: PostgreSQL's AND stops at a FALSE operand only (NULL
    AND x is false when x is, so x is computed), SQLite's stops at FALSE or NULL where it
    expects a condition. `c1 AND c2` becomes `(c1 IS NOT 0) AND (c2 IS NOT 0) AND c1 AND
    c2`: each conjunct is computed (as a value) once no earlier one was FALSE, then their
    truth decides. None when it does not apply: not an AND, a conjunct that is itself an
    AND/OR/NOT of others (computed as a value, SQLite would compute all of their operands),
    a subquery, or a function whose value changes between calls (each conjunct may be
    computed twice)."""
    conjuncts: list[exp.Expression] = []

    def flatten(e: exp.Expression) -> None:
        e = e.unnest()
        if isinstance(e, exp.And):
            flatten(e.this)
            flatten(e.expression)
        else:
            conjuncts.append(e)

    if not isinstance(cond.unnest(), exp.And):
        return None
    flatten(cond)
    for c in conjuncts:
        if c.find(exp.And, exp.Or, exp.Not, exp.Select, exp.Subquery) is not None:
            return None
        if any(isinstance(f, (exp.Anonymous, exp.Func)) and (f.name or "").lower() in _VOLATILE_CALLS
               for f in c.find_all(exp.Anonymous, exp.Func)) or c.find(exp.Rand) is not None:
            return None
    checks = [exp.Is(this=exp.Paren(this=c.copy()), expression=exp.Literal.number(0)) for c in conjuncts]
    checks = [exp.Not(this=exp.Paren(this=k)) for k in checks]  # (c IS NOT 0)
    return exp.and_(*checks, *[exp.Paren(this=c.copy()) for c in conjuncts])


# Where a subquery is not a value: a FROM item, a set operation's branch, the list of IN,
# ANY / ALL / EXISTS, ARRAY(SELECT ...), a CTE's body.
_NOT_SCALAR_PARENTS = (exp.From, exp.Join, exp.CTE, exp.SetOperation, exp.Any, exp.All, exp.Exists, exp.Array,
                       exp.Lateral, exp.Table, exp.Subquery)
ONE_ROW_VALUE = "sixfold_value"
_ONE_ROW = "sixfold_one_row"  # a scalar subquery to check for a second row once translated


def _scalar_subquery(node: exp.Subquery) -> bool:
    """Whether subquery `node` stands for one value (`(SELECT x ...)` in an expression)."""
    parent = node.parent
    if parent is None or isinstance(parent, _NOT_SCALAR_PARENTS):
        return False  # (a select list's subquery carries its column name as an alias)
    if isinstance(parent, exp.In) and node.arg_key == "query":
        return False
    body = _first_branch(node.this)
    if not isinstance(body, exp.Select) or any(isinstance(e.unalias(), exp.Star) for e in body.expressions):
        return False
    if len(body.expressions) == 1:
        return True
    # a row: SET (a, b) = (SELECT x, y ...), (a, b) = (SELECT x, y ...)
    other = parent.this if node.arg_key == "expression" else parent.args.get("expression")
    return isinstance(parent, exp.Binary) and isinstance(other, exp.Tuple) and \
        len(other.expressions) == len(body.expressions)


_first_branch = exprtypes.first_branch


def _at_most_one_row(body: exp.Expression) -> bool:
    """A SELECT that cannot give two rows: no FROM, an aggregate without GROUP BY, LIMIT 1."""
    if not isinstance(body, exp.Select):
        return False  # a set operation
    if not (body.args.get("from_") or body.args.get("from")):
        return True
    limit = body.args.get("limit")
    count = limit.expression if isinstance(limit, exp.Limit) else None
    if isinstance(count, exp.Literal) and not count.is_string and str(count.this) in ("0", "1"):
        return True
    return not body.args.get("group") and _has_aggregate(body.expressions[0]) and not any(
        isinstance(w, exp.Window) for w in body.expressions[0].find_all(exp.Window))


def _one_row_checked(node: exp.Subquery) -> exp.Expression:
    """`(SELECT x FROM ...)` that fails with 21000 when it gives more than one row, as
    PostgreSQL's does (SQLite takes the first): the rows, at most two read, counted."""
    body = node.this.copy()
    first = _first_branch(body)  # (a set operation's columns are named by its first branch)
    names = [f"{ONE_ROW_VALUE}{i}" for i in range(len(first.expressions))]
    first.set("expressions", [exp.alias_(e.unalias() if isinstance(e, exp.Alias) else e,
                                         exp.to_identifier(n, quoted=True)) for e, n in zip(first.expressions, names)])
    two = exp.Window(this=exp.Count(this=exp.Star()), partition_by=None)
    check = exp.Case(ifs=[exp.If(this=exp.GT(this=two, expression=exp.Literal.number(1)), true=exp.Anonymous(
        this="pg_raise", expressions=[exp.Literal.string("21000"),
                                      exp.Literal.string("more than one row returned by a subquery used as an "
                                                         "expression")]))], default=exp.column(names[0], quoted=True))
    read = exp.select(*[exp.column(n, quoted=True) for n in names]).from_(
        exp.Subquery(this=body, alias=exp.TableAlias(this=exp.to_identifier("sixfold_rows")))).limit(2)
    checked = exp.select(check, *[exp.column(n, quoted=True) for n in names[1:]]).from_(
        exp.Subquery(this=read, alias=exp.TableAlias(this=exp.to_identifier("sixfold_two"))))
    alias = node.args.get("alias")
    return exp.Subquery(this=checked, alias=alias.copy() if alias is not None else None)


def _counted(count: exp.Expression | None) -> bool:
    """Whether LIMIT / OFFSET `count` needs pg_limit_count: anything but a literal count."""
    return count is not None and not (isinstance(count, exp.Literal) and not count.is_string and
                                      str(count.this).isdigit()) and not (
        isinstance(count, exp.Anonymous) and count.name == "pg_limit_count") and not (
        isinstance(count, exp.Var) and count.name.upper() == "ALL")


_TIES_FIRST = "sixfold_least_reversed"  # LEAST's arguments put last first (rewrite)


def rewrite(tree: exp.Expression, ctx: SessionContext, max_param: list[int]) -> exp.Expression:
    user_lit = exp.Literal.string(ctx.user)

    def fn(node: exp.Expression) -> exp.Expression:
        padded = char_values.padded(node)  # (first: a cast marked is a cast's reading too)
        if padded is not None:
            return padded
        if isinstance(node, exp.Least) and not node.meta.get(_TIES_FIRST) and exprtypes.kind(node) == "text":
            # SQLite's min(a, b) gives the last of equal values, PostgreSQL's least the first:
            # they differ where equal is not the same (char compared without its blanks)
            node.meta[_TIES_FIRST] = True
            args = [node.this, *node.expressions][::-1]
            node.set("this", args[0])
            node.set("expressions", args[1:])
            return node
        if isinstance(node, (exp.Limit, exp.Offset)) and _counted(node.expression):
            count = node.expression  # LIMIT NULL is none, LIMIT 1.5 is 2, LIMIT -1 is 2201W
            node.set("expression", exp.Anonymous(this="pg_limit_count", expressions=[
                count, exp.Literal.string(_int_source(count)), exp.Literal.number(int(isinstance(node, exp.Offset)))]))
            return node
        if isinstance(node, exp.If) and isinstance(node.parent, exp.Case) or isinstance(node, exp.Where) and \
                isinstance(node.parent, exp.Filter):
            faithful = _and_goes_on_after_null(node.this)
            if faithful is not None:
                node.set("this", faithful)
                return node
        if isinstance(node, _ENUM_VALUE_FORMS) and not isinstance(node.parent, exp.Collate):
            token = _enum_token(node)
            if token is not None and isinstance(node, (exp.Greatest, exp.Least)):
                _check_enum_literals_of(token, [node.this, *node.expressions])
                picked = exp.Anonymous(this="pg_enum_pick", expressions=[
                    exp.Literal.string(token), exp.Literal.string("g" if isinstance(node, exp.Greatest) else "l"),
                    node.this, *node.expressions])  # (the labels' order, NULLs left out)
                return exp.Collate(this=picked, expression=exp.to_identifier(token, quoted=True))
            if token is not None:  # COALESCE(m, 'ok') sorts as the enum type, as m does
                return exp.Collate(this=node.copy(), expression=exp.to_identifier(token, quoted=True))
        if isinstance(node, exp.Parameter):
            v = node.this
            if isinstance(v, exp.Literal) and not v.is_string and str(v.this).isdigit():
                n = int(v.this)
                if n < 1:
                    raise SqlError(f"there is no parameter ${n}", "42P02")
                max_param[0] = max(max_param[0], n)
                declared = exprtypes.parameter_oid(node)
                if declared == 0 and (isinstance(node.parent, _ANY_ARGUMENT_CALLS) or
                                      isinstance(node.parent, exp.Anonymous) and
                                      node.parent.name.lower() in _ANY_ARGUMENT_FUNCTIONS or
                                      isinstance(node.parent, exp.Is) and node.arg_key == "this"):
                    # concat($1, ...), count($1), num_nulls($1), $1 IS NULL: PostgreSQL cannot type
                    # an untyped parameter there (an argument of type "any"; see also _refuse_untyped)
                    raise SqlError(f"could not determine data type of parameter ${n}", "42P18")
                if declared == pgtypes.NUMERIC and not _shown(node) and not _stored_by(node):
                    # a numeric parameter is bound as its text when it has a display scale
                    # (2.500): a number wherever it is compared or computed with (not where
                    # a numeric(p, s) column stores it: pg_stored reads its exact text)
                    return exp.Anonymous(this="pg_numeric_in", expressions=[exp.Var(this=f"?{n}")])
                return exp.Var(this=f"?{n}")
            raise error_near("$")
        if isinstance(node, exp.Placeholder):
            raise error_near("?")
        if isinstance(node, exp.ByteString):
            return exp.Literal.string(node.this)
        if isinstance(node, exp.UnicodeString):
            return exp.Literal.string(_unicode_string(node))
        if isinstance(node, exp.Chr) and len(node.expressions) == 1:  # (SQLite's char() takes 0 and surrogates)
            return exp.Anonymous(this="pg_chr", expressions=list(node.expressions))
        if isinstance(node, (exp.BitString, exp.HexString)):  # B'0101', X'1F': PostgreSQL's bit strings
            raise SqlError("bit string constants (B'...', X'...') are not supported", "0A000")
        if isinstance(node, exp.Tuple) and row_values.shown(node):  # a row's text, as record_out writes it;
            item = node.parent if isinstance(node.parent, exp.Alias) else node  # the result's (no set operation's)
            result = isinstance(item.parent, exp.Select) and item.parent.parent is None and \
                not node.meta.get(row_values.TABLE_ROW)  # with its fields' types (a table's row is text)
            return row_values.record_call(node, _json_value, typed=result)
        if isinstance(node, (exp.Cast, exp.TryCast)) and isinstance(node.this, exp.Tuple) and \
                row_values.shown(node.this):
            if node.meta.get(_WRITTEN_NAME):  # text(ROW(...)): a cast, but no function of a record
                raise SqlError(f"function {node.meta[_WRITTEN_NAME]}(record) does not exist", "42883")
            return row_values.record_call(node.this, _json_value)
        if isinstance(node, _SCALED_BRANCH_VALUES) and not isinstance(node, exp.Column) and node.parent is not None:
            shown = _shown_branch_value(node)  # (before its typed translation: that is its value inside)
            if shown is not None:
                return shown
        if isinstance(node, (exp.Cast, exp.TryCast)) and not isinstance(node.parent, exp.ColumnDef):
            return _cast(node)
        if isinstance(node, exp.CurrentTimestamp):
            return exp.Anonymous(this="now", expressions=[])
        if isinstance(node, exp.CurrentDate):
            return exp.Anonymous(this="pg_current_date", expressions=[])
        if isinstance(node, exp.Uuid):
            return exp.Anonymous(this="gen_random_uuid", expressions=[])
        if isinstance(node, exp.Localtimestamp):
            return exp.Anonymous(this="pg_localtimestamp", expressions=[])
        if isinstance(node, (exp.CurrentTime, exp.Localtime)):  # (SQLite's CURRENT_TIME: the wall clock, no fraction)
            return exp.Anonymous(this="pg_current_time" if isinstance(node, exp.CurrentTime) else "pg_localtime",
                                 expressions=[node.this.copy() if node.this is not None else exp.Null()])
        if isinstance(node, exp.Date) and node.this is not None and not node.args.get("zone") and \
                not node.expressions:  # PostgreSQL's date(x) is x::date (SQLite's reads no time zone)
            return _cast(exp.Cast(this=node.this.copy(), to=exp.DataType.build("DATE")))
        if isinstance(node, (exp.CurrentUser, exp.SessionUser)):
            return user_lit.copy()
        if isinstance(node, exp.CurrentDatabase):
            return exp.Literal.string(ctx.database)
        if isinstance(node, exp.CurrentSchema):
            return exp.Literal.string("public")
        if type(node).__name__ == "CurrentSchemas" or (  # (an expression class of newer sqlglot releases)
                isinstance(node, exp.Anonymous) and node.name.lower() == "current_schemas" and
                len(node.expressions) == 1):  # (pg_catalog.current_schemas(true), pgjdbc's)
            implicit = node.this if type(node).__name__ == "CurrentSchemas" else node.expressions[0]
            if not isinstance(implicit, exp.Boolean):
                raise SqlError("current_schemas() of a computed argument is not supported", "0A000")
            names = ["pg_catalog", "public"] if implicit.this else ["public"]
            return exp.Anonymous(this="PG_ARRAY", expressions=[exp.Literal.string(n) for n in names])
        if isinstance(node, exp.CurrentVersion):
            return exp.Literal.string(PG_VERSION_TEXT)
        if isinstance(node, exp.RegexpILike):
            return exp.Anonymous(this="pg_regexp_i", expressions=[node.this, node.expression])
        if isinstance(node, exp.RegexpLike) and node.args.get("flag") is not None:  # regexp_like(s, p, flags)
            return exp.Anonymous(this="pg_regexp_like", expressions=[node.this, node.expression, node.args["flag"]])
        grouped = _grouped_branching(node)
        if grouped is not None:
            return grouped
        if isinstance(node, (exp.Concat, exp.ConcatWs, exp.Format, exp.DPipe)) and \
                not isinstance(node.parent, exp.Collate) and exprtypes.kind(node) == "text" and \
                any(_enum_token(a) is not None for a in node.iter_expressions()):
            # concat(t, mood) is text: the enum's collation (its labels' order) must not
            # reach the comparisons of the result, as SQLite would carry it from an argument
            return exprtypes.wrap_in_place(node, lambda x: exp.Collate(this=x, expression=exp.to_identifier("BINARY")))
        promoted = exprtypes.promoted_array_kind(node)  # (first: _typed_node's call takes node's parts)
        typed = _typed_node(node)
        if promoted is not None and typed is not None:  # sign(1) || bigint[]: the integers as doubles
            return exp.Anonymous(this="pg_array_as", expressions=[typed, exp.Literal.string(promoted)])
        if typed is not None:
            return typed
        if isinstance(node, exp.Column) and node.parent is not None and _reads_text_as_number(node):
            # (a quotient's text as the nearest double; any other exact text must fit one, else 0A000)
            read = "pg_numeric_in" if quotient_text.reads_quotient(node) else "pg_numeric_read"
            return exp.Anonymous(this=read, expressions=[node.copy()])
        if isinstance(node, (exp.Column, exp.Literal, exp.Neg)) and node.parent is not None:
            shown = _shown_branch_value(node)
            if shown is not None:
                return shown
        if isinstance(node, (exp.Literal, exp.Paren, exp.Neg)) and not isinstance(node.parent, (exp.Neg, exp.Paren)):
            # A numeric literal SQLite would read as a double losing digits, shown:
            # PostgreSQL's text of it (99999999999999999999 stays that, not 1e20).
            text = _lossy_text(node)
            if text is not None and _shown(node):
                return exp.Anonymous(this="pg_numeric_text", expressions=[text])
        if isinstance(node, (exp.Div, exp.Mod)):
            # SQLite answers NULL to x / 0; PostgreSQL fails with 22012.
            name = "pg_div" if isinstance(node, exp.Div) else "pg_mod"
            single = isinstance(node, exp.Div) and exprtypes.oid(node) == pgtypes.FLOAT4  # real / real is a real
            out = exp.Anonymous(this=name, expressions=[node.this, node.expression])
            return exp.Anonymous(this="pg_float4", expressions=[out]) if single else out
        if isinstance(node, exp.Escape) and isinstance(node.this, exp.SimilarTo):  # x SIMILAR TO p ESCAPE e
            return exp.Anonymous(this="pg_similar", expressions=[node.this.this, node.this.expression,
                                                                 node.expression])
        if isinstance(node, exp.SimilarTo):
            return exp.Anonymous(this="pg_similar", expressions=[node.this, node.expression,
                                                                 exp.Literal.string("\\")])
        if isinstance(node, exp.Anonymous):
            fname = node.name.lower()
            if fname in ("nextval", "currval", "setval") and node.expressions and isinstance(
                    node.expressions[0], exp.Cast) and isinstance(node.expressions[0].this, exp.Literal):
                node = node.copy()  # nextval('s'::regclass): the name is what counts
                node.expressions[0].replace(node.expressions[0].this)
                return node
            if fname == "pg_backend_pid":
                return exp.Literal.number(ctx.backend_pid)
            if fname in ("user", "current_user", "session_user", "pg_get_userbyid"):
                return user_lit.copy()  # every object belongs to the one user a cluster has
            if fname == "acldefault" and len(node.expressions) == 2:  # the owner is that user
                return exp.Anonymous(this="pg_acldefault", expressions=[node.expressions[0], user_lit.copy()])
            if fname in _UNSUPPORTED_FUNCS:
                raise SqlError(f"function {fname}() is not supported", "0A000")
            if fname == "pg_export_snapshot":  # pg_dump -j's workers would share it
                raise SqlError("pg_export_snapshot() is not supported: a snapshot cannot be shared between "
                               "sessions here (run pg_dump without -j)", "0A000")
            if fname == "shobj_description" and len(node.expressions) == 2:
                return exp.Null()  # no comments on databases, roles or tablespaces are kept
        if isinstance(node, exp.Dot) and isinstance(node.this, exp.Identifier) and \
                node.this.name.lower() == "pg_catalog" and isinstance(node.expression, exp.Func):
            return fn(node.expression)
        if isinstance(node, exp.Ordered) and isinstance(node.parent, exp.OnConflict):
            return node.this
        if isinstance(node, exp.Table):
            inner = node.this
            if _is_series(inner):
                return _generate_series(inner, node.args.get("alias"), bool(node.args.get("ordinality")))
            if isinstance(inner, exp.Identifier):
                sql = catalog.relation_sql(node.db or None, inner.name, ctx.user, ctx.database,
                                           tableoid=_names_tableoid(node))
                if sql is not None and (node.db or inner.name.lower().startswith("pg_")):
                    alias = node.args.get("alias")
                    sub = sqlglot.parse_one(sql, read="sqlite")
                    inlined = exp.Subquery(this=sub, alias=alias.copy() if alias else
                                           exp.TableAlias(this=exp.to_identifier(inner.name)))
                    inlined.meta[exprtypes.CATALOG_RELATION] = inner.name.lower()
                    return inlined
                if node.db:
                    if node.db.lower() == "public":
                        node.set("db", None)
                    else:
                        raise SqlError(f'relation "{node.db}.{inner.name}" does not exist', "42P01")
        if isinstance(node, exp.Column) and node.args.get("db") is not None and \
                node.args["db"].name.lower() in ("pg_catalog", "information_schema", "public"):
            node = node.copy()
            node.set("db", None)  # pg_catalog.pg_class.relname: the relation is a subquery named pg_class
            return node
        chained = _quantified_array_chain(node)
        if chained is not None:
            return chained
        if isinstance(node, (exp.EQ, exp.NEQ)) and isinstance(node.expression, exp.Anonymous) and \
                node.expression.name.lower() == "all" and len(node.expression.expressions) == 1 and \
                not isinstance(node.expression.expressions[0], exp.Query):
            if isinstance(node, exp.EQ):  # sqlglot reads ALL (x) as a call
                return quantified_over_array(node, node.expression.expressions[0], True)
            return exp.Not(this=exp.Anonymous(this="pg_array_any", expressions=[
                node.this, node.expression.expressions[0]]))
        quantified.read_all_call(node)
        if quantified.over_subquery(node):
            return quantified.rewrite(node)
        if isinstance(node, (exp.EQ, exp.NEQ)) and isinstance(node.expression, (exp.Any, exp.All)):
            arr = node.expression.this
            while isinstance(arr, exp.Paren):
                arr = arr.this
            if isinstance(arr, exp.Array):  # x = ANY (ARRAY[a, b]) is x IN (a, b)
                cond = exp.In(this=node.this, expressions=[e.copy() for e in arr.expressions])
                if isinstance(node, exp.EQ) and isinstance(node.expression, exp.Any):
                    return elements_first(arr, cond)
                if isinstance(node, exp.NEQ) and isinstance(node.expression, exp.All):
                    return elements_first(arr, exp.Not(this=cond))
            elif not isinstance(arr, (exp.Select, exp.Subquery)):  # x = ANY (an array value)
                cond = exp.Anonymous(this="pg_array_any", expressions=[node.this, arr])
                if isinstance(node, exp.EQ) and isinstance(node.expression, exp.Any):
                    return cond
                if isinstance(node, exp.NEQ) and isinstance(node.expression, exp.All):
                    return exp.Not(this=cond)
                return quantified_over_array(node, arr, isinstance(node.expression, exp.All))
        if isinstance(node, exp.Anonymous) and node.name.lower() in catalog.SIZE_FUNCTIONS:
            return _relation_size(node, ctx)
        if isinstance(node, exp.Anonymous) and node.name.lower() == "pg_get_viewdef" and \
                len(node.expressions) in (1, 2):
            return _relation_subquery(catalog.VIEWDEF_SQL, node.expressions[0])
        if isinstance(node, exp.Anonymous) and node.name.lower() == "obj_description" and \
                len(node.expressions) in (1, 2):
            which = node.expressions[1] if len(node.expressions) == 2 else None
            if which is not None and not (isinstance(which, exp.Literal) and which.this.lower() == "pg_class"):
                # another catalog's object (a schema's, an extension's): what pg_description has
                classoid = catalog.SYSTEM_CATALOG_OIDS.get(which.this.lower()) if isinstance(
                    which, exp.Literal) and which.is_string else None
                if classoid is None:
                    return exp.Null()  # no such catalog, or one whose objects have no descriptions here
                sub = sqlglot.parse_one(f"SELECT d.description FROM ({catalog.RELATIONS['pg_description']}) d "
                                        f"WHERE d.objoid = :x AND d.classoid = {classoid} AND d.objsubid = 0",
                                        read="sqlite")
                sub.find(exp.Placeholder).replace(node.expressions[0].copy())
                return exp.Subquery(this=sub)
            return _relation_subquery(catalog.OBJ_DESCRIPTION_SQL, node.expressions[0])
        if isinstance(node, exp.Anonymous) and node.name.lower() == "col_description" and len(node.expressions) == 2:
            return _relation_subquery(catalog.COL_DESCRIPTION_SQL, node.expressions[0],
                                      {"n": node.expressions[1]})
        if isinstance(node, exp.Anonymous) and node.name.lower() in ("to_regtype", "to_regclass") and \
                len(node.expressions) == 1:
            shown = _shown(node) and not _compared(node)  # (printed, a regtype/regclass is its name)
            if node.name.lower() == "to_regtype":
                found = exp.Anonymous(this="pg_to_regtype", expressions=[node.expressions[0], exp.Literal.number(0)])
                return exp.Anonymous(this="pg_regtype_name", expressions=[found]) if shown else found
            found = _regclass(node.expressions[0], True, strict=False)
            return _regclass(found, named=False, strict=False) if shown else found
        if isinstance(node, exp.Anonymous) and node.name.lower() in ("pg_get_constraintdef", "pg_get_triggerdef") \
                and node.expressions and isinstance(node.expressions[0], exp.Column) and \
                node.expressions[0].name.lower() == "oid":
            col = node.expressions[0]  # the catalog's pg_constraint and pg_trigger keep the definition's text
            pretty = len(node.expressions) > 1 and node.expressions[1].sql().lower() == "true"
            kept = exp.column("pg_condef" if node.name.lower() == "pg_get_constraintdef" else
                              "pg_tgdef_pretty" if pretty else "pg_tgdef",
                              table=col.args.get("table").copy() if col.args.get("table") else None)
            if pretty and node.name.lower() == "pg_get_constraintdef":  # CHECK (x > 0), not CHECK ((x > 0))
                return exp.Anonymous(this="pg_pretty_condef", expressions=[kept])
            return kept
        if isinstance(node, exp.Anonymous) and node.name.lower() == "pg_get_indexdef" and node.expressions and \
                isinstance(node.expressions[0], exp.Column) and node.expressions[0].name.lower() == "indexrelid" and \
                (len(node.expressions) == 1 or node.expressions[1].sql() == "0"):
            col = node.expressions[0]  # the catalog's pg_index prints the definition (index_definitions.py)
            return exp.column("pg_indexdef", table=col.args.get("table").copy() if col.args.get("table") else None)
        if isinstance(node, exp.Anonymous) and node.name.lower() == "format_type" and node.expressions and \
                isinstance(node.expressions[0], exp.Column) and node.expressions[0].name.lower() == "atttypid":
            col = node.expressions[0]  # the catalog's pg_attribute keeps the declared type itself
            return exp.Anonymous(this="pg_format_type", expressions=[
                exp.column("pg_decltype", table=col.args.get("table").copy() if col.args.get("table") else None)])
        if isinstance(node, exp.Anonymous) and node.name.lower() == "format_type" and len(node.expressions) == 2:
            return enums.format_type(node)  # an enum type's OID is named by its holder
        if isinstance(node, exp.Anonymous) and node.name.lower() in ("enum_range", "enum_first", "enum_last") and \
                len(node.expressions) == 1:
            return _enum_function(node.name.lower(), node.expressions[0])
        if isinstance(node, exp.Anonymous) and node.name.lower() == "enum_range" and len(node.expressions) == 2:
            token = next((t for t in map(_enum_token, node.expressions) if t), None)
            if token is None:
                labels = ", ".join(exprtypes.type_label(a) for a in node.expressions)
                raise SqlError(f"function enum_range({labels}) does not exist", "42883")
            _check_enum_literals_of(token, node.expressions)
            return exp.Anonymous(this="pg_enum_range", expressions=[exp.Literal.string(token), *node.expressions])
        if isinstance(node, exp.Values) and not isinstance(node.parent, exp.Insert):
            _promote_values_numbers(node)
        if isinstance(node, exp.Values) and isinstance(node.args.get("alias"), exp.TableAlias) and \
                node.args["alias"].columns:
            # (VALUES ...) AS a(x, y): SQLite names VALUES columns column1, column2, ...
            alias = node.args["alias"]
            inner = node.copy()
            inner.set("alias", None)
            width = max((len(r.expressions) for r in inner.expressions if isinstance(r, exp.Tuple)), default=0)
            if len(alias.columns) > width:
                raise SqlError(f'table "{alias.name}" has {width} columns available but {len(alias.columns)} '
                               "columns specified", "42P10")
            cols = [exp.alias_(exp.column(f"column{i + 1}"), c.name, quoted=c.quoted)
                    for i, c in enumerate(alias.columns)]
            cols += [exp.column(f"column{i + 1}") for i in range(len(alias.columns), width)]  # the rest keep them
            sel = exp.select(*cols).from_(exp.Subquery(this=inner))
            exprtypes.freeze_values_kinds(sel, node, [c.alias_or_name for c in cols])
            return exp.Subquery(this=sel, alias=exp.TableAlias(this=alias.this.copy()))
        if isinstance(node, exp.Returning):
            # RETURNING t.*: SQLite allows only the bare *
            for e in node.expressions:
                if isinstance(e, exp.Column) and isinstance(e.this, exp.Star):
                    e.replace(exp.Star())
            _returning_by_table_name(node)
            _refuse_returning_assigned(node)
            _returned_as_stored(node)
        if isinstance(node, exp.Select):
            if node.args.get("locks"):
                node.set("locks", None)
        if isinstance(node, (*exprtypes.BRANCHING, exp.Nullif)) and exprtypes.kind(node) == "float":
            # CASE / COALESCE / GREATEST / LEAST / NULLIF of an integer and a float8 is a
            # float8: the integer branches as doubles (SQLite kept 2 an integer: 7 / it divided
            # as integers). DOUBLE, not REAL: sqlglot's REAL is a real (float4), which would
            # round 2147483647 to 2147483648
            for b in [node.this] if isinstance(node, exp.Nullif) else exprtypes.value_branches(node):
                if exprtypes.kind(b) in ("int", "num"):
                    b.replace(exp.Cast(this=b.copy(), to=exp.DataType.build("DOUBLE")))
        if isinstance(node, exp.Trim) and exprtypes.kind(node.this) == "bytea":
            chars = node.args.get("expression")
            side = (node.args.get("position") or "both").lower()
            if chars is None:  # bytea has no trim of spaces
                name = {"both": "btrim", "leading": "ltrim", "trailing": "rtrim"}[side]
                raise SqlError(f"function {name}(bytea) does not exist", "42883")
            return exp.Anonymous(this="pg_bytea_trim", expressions=[node.this, chars, exp.Literal.string(side)])
        if isinstance(node, exp.ArrayAgg):
            # array_agg(x [ORDER BY ...]) -> PostgreSQL's array text ('{a,b}'), typed by x
            # (a boolean is t/f, a numeric its text with its scale)
            value, order = _ordered(node.this)
            written = value.expressions[0] if isinstance(value, exp.Distinct) and len(value.expressions) == 1 else value
            if exprtypes.operand_kind(written) == "unknown":  # array_agg(anynonarray) and (anyarray) both take it
                raise SqlError("function array_agg(unknown) is not unique", "42725")
            if isinstance(value, exp.Distinct) and len(value.expressions) == 1:
                # PostgreSQL sorts a DISTINCT aggregate's input (NULL last); a boolean as t/f
                x = value.expressions[0]
                k = exprtypes.kind(x)
                if k in ("num", "float", "interval", "json", "jsonb", "array", ""):
                    raise SqlError(f"array_agg(DISTINCT ...) of {exprtypes.type_label(x)} is not supported", "0A000")
                written = x
                if k == "bool":
                    x = exp.Case(ifs=[exp.If(this=x.copy(), true=exp.Literal.string("t")),
                                      exp.If(this=exp.Not(this=x.copy()), true=exp.Literal.string("f"))])
                return exp.Anonymous(this="pg_array_agg", expressions=[_distinct_ordered(written, x, order)])
            if exprtypes.kind(value) == "array":  # PostgreSQL makes a multidimensional array
                raise SqlError("array_agg of arrays (a multidimensional array) is not supported", "0A000")
            kind = "float4" if exprtypes.kind(value) == "float" and exprtypes.oid(value) == pgtypes.FLOAT4 else \
                exprtypes.kind(value)
            return _json_aggregate("pg_array_agg", [_json_value(value), exp.Literal.string(kind)], order, node)
        if isinstance(node, exp.GroupConcat) and isinstance(_ordered(node.this)[0], exp.Distinct):
            # string_agg(DISTINCT x, sep [ORDER BY x]): SQLite's DISTINCT takes one argument, so
            # the distinct values are gathered as a JSON array and joined (NULLs left out)
            value, order = _ordered(node.this)
            sep = node.args.get("separator")
            if len(value.expressions) != 1 or not isinstance(sep, exp.Literal) or not sep.is_string:
                raise SqlError("string_agg(DISTINCT ...) with a separator that is no constant string is not "
                               "supported", "0A000")
            x = value.expressions[0]
            gathered = exp.Anonymous(this="json_group_array", expressions=[_distinct_ordered(x, x.copy(), order)])
            return exp.Anonymous(this="pg_join_gathered", expressions=[gathered, sep.copy()])
        if isinstance(node, exp.Array) and len(node.expressions) == 1 and \
                isinstance(node.expressions[0], (exp.Select, exp.Subquery)):
            # ARRAY(SELECT x ...) -> the rows' array text
            sub = node.expressions[0]
            sub = sub.this if isinstance(sub, exp.Subquery) else sub
            elem_kind = exprtypes.kind(sub.expressions[0]) if isinstance(sub, exp.Select) and sub.expressions else ""
            if elem_kind == "array":  # PostgreSQL makes a multidimensional array
                raise SqlError("ARRAY(SELECT ...) of arrays (a multidimensional array) is not supported", "0A000")
            if elem_kind == "num":  # each element's text, scale and all
                sub.expressions[0].replace(_json_value(sub.expressions[0]))
            return exp.Coalesce(this=exp.Subquery(this=exp.select(
                exp.Anonymous(this="pg_array_agg", expressions=[exp.column("pg_elem"),
                                                               exp.Literal.string(elem_kind)])).from_(
                exp.Subquery(this=_single_column(sub.copy()), alias=exp.TableAlias(this=exp.to_identifier("pg_a"))))),
                expressions=[exp.Literal.string("{}")])
        if isinstance(node, exp.Array):
            if any(isinstance(x, exp.Array) for x in node.expressions):
                raise SqlError("multidimensional arrays are not supported", "0A000")
            # ARRAY[true, 1.50]'s elements as their texts: {t,1.50} (SQLite's 1 and 1.5)
            out = exp.Anonymous(this="pg_array", expressions=[_element_value(x) for x in node.expressions])
            if exprtypes.array_element_kind(node) == "float4":  # reals: a real's digits
                return exp.Anonymous(this="pg_array_as", expressions=[out, exp.Literal.string("float4")])
            return out
        return node

    def wrapped(node: exp.Expression) -> exp.Expression:
        visits[0] += 1
        if visits[0] > visits_max:  # a rewrite that keeps making work for itself must not hold a core
            raise SqlError("internal error: translating the statement did not finish (a Sixfold bug)", "XX000")
        try:
            new = fn(node)
        except SqlError:
            _check_literal_casts_under(node)  # (PostgreSQL reads them first: they are its operands')
            raise
        if new is not node and isinstance(new, exp.Expression):
            if new.find(exp.Table) is not None:
                exprtypes.forget_named_tables()  # (a catalog relation's subquery, a derived table)
            if node.parent is not None and new.parent is None:
                node.replace(new)  # in the tree first: its children's columns resolve through it
            # sqlglot does not descend into a replacement: rewrite its children here.
            for child in list(new.iter_expressions()):
                done = child.transform(wrapped, copy=False)
                if done is not child:
                    child.replace(done)
        return new

    tree = tree.copy()
    visits = [0]
    visits_max = constants.TRANSLATION_VISITS_PER_NODE_MAX * sum(1 for _ in tree.walk()) + \
        constants.TRANSLATION_VISITS_MIN  # (a catalog relation becomes a subquery of its own nodes)
    for arr in tree.find_all(exp.Array):
        if not arr.expressions and not isinstance(arr.parent, exp.Cast):  # ARRAY[]::int[] has a type
            raise SqlError("cannot determine type of empty array", "42P18")
    for sub in tree.find_all(exp.Subquery):  # checked once translated (what they show kept as it is)
        if not _scalar_subquery(sub):
            continue
        while isinstance(sub.this, exp.Subquery):  # ((SELECT ...)): the inner one is checked
            sub = sub.this
        if not _at_most_one_row(sub.this):
            sub.meta[_ONE_ROW] = True
    order_by_values(tree)
    group_by_values(tree)
    exprtypes.freeze_derived_kinds(tree)
    quotient_text.mark_unscaled_items(tree)
    with exprtypes.named_tables_kept():
        out = tree.transform(wrapped, copy=False)
    for sub in [s for s in out.find_all(exp.Subquery) if s.meta.get(_ONE_ROW)]:
        checked = _one_row_checked(sub)
        if sub is out:
            out = checked
        else:
            sub.replace(checked)
    _refuse_lossy_literals(out)
    return out


def _refuse_lossy_literals(tree: exp.Expression) -> None:
    """A numeric literal SQLite cannot hold exactly (`lossy_number`) that the rewrite
    left as a number (it is not an arithmetic operand or a shown value, where its exact
    text is used) would be compared or passed on as a rounded double: 0A000, never a
    wrong answer (99999999999999999999 > 99999999999999999998 would be false)."""
    for lit in tree.find_all(exp.Literal):
        if _lossy_text(lit) is not None:
            raise SqlError(f"numeric literal {lit.this} has more than 15 significant digits (or is beyond bigint), "
                           "which Sixfold computes exactly only in arithmetic and as a shown value", "0A000")


_INTERVAL_WORD = re.compile(r"\binterval\s*$", re.IGNORECASE)
_INTERVAL_UNIT = re.compile(r"^\s*(years?|months?|days?|hours?|minutes?|seconds?)\b(?!\s+to\b)", re.IGNORECASE)


def _interval_literals(pg_sql: str) -> str:
    """interval '...' [unit] -> '... unit'::interval: sqlglot drops parts of the text
    (`interval '1 day ago'` becomes one day), the cast keeps all of it."""
    if "interval" not in pg_sql.lower():
        return pg_sql
    parts = [(k, pg_sql[s:e]) for k, s, e in segments(pg_sql)]
    out = []
    i = 0
    while i < len(parts):
        kind, text = parts[i]
        if kind == "code" and i + 1 < len(parts) and parts[i + 1][0] == "str" and _INTERVAL_WORD.search(text):
            body = parts[i + 1][1][1:-1]
            nxt = parts[i + 2][1] if i + 2 < len(parts) and parts[i + 2][0] == "code" else ""
            unit = _INTERVAL_UNIT.match(nxt)
            if unit:
                body = f"{body} {unit.group(1)}"
                parts[i + 2] = ("code", nxt[unit.end():])
            out.append(_INTERVAL_WORD.sub("", text) + f"'{body}'::interval")
            i += 2
            continue
        out.append(text)
        i += 1
    return "".join(out)


_PACKED_PARAM = re.compile(r"(?<=[,\[:])(?=\$\d)")


def _space_params(pg_sql: str) -> str:
    """`$1,$2` -> `$1, $2` (and `a[$1]`, `a[$1:$2]`): sqlglot's tokenizer reads `$1,$`,
    `$1)[$` or `$1:$` as a dollar quote."""
    if _PACKED_PARAM.search(pg_sql) is None:
        return pg_sql
    return "".join(_PACKED_PARAM.sub(" ", pg_sql[s:e]) if k == "code" else pg_sql[s:e]
                   for k, s, e in segments(pg_sql))


_QUALIFIED_OPERATOR = re.compile(r"\bOPERATOR\s*\(\s*pg_catalog\s*\.\s*(!?~\*?|=|<>|<=|>=|<|>)\s*\)",
                                 re.IGNORECASE)
_DEFAULT_COLLATION = re.compile(r"\s+COLLATE\s+pg_catalog\s*\.\s*\"?default\"?", re.IGNORECASE)


def _operator_forms(pg_sql: str) -> str:
    """OPERATOR(pg_catalog.~) is ~, and COLLATE pg_catalog.default changes nothing (psql's
    name patterns send both); ::oid[] is ::pg_catalog.oid[] (pg_dump's)."""
    if "pg_catalog" not in pg_sql and "[" not in pg_sql:
        return pg_sql
    parts = []
    for kind, s, e in segments(pg_sql):
        seg = pg_sql[s:e]
        if kind == "code":  # ::oid[] too, which sqlglot can read only qualified
            seg = _DEFAULT_COLLATION.sub("", _QUALIFIED_OPERATOR.sub(r" \1 ", seg))
            seg = _OID_ARRAY.sub("::pg_catalog.oid[]", seg)
        parts.append(seg)
    return "".join(parts)


_OID_ARRAY = re.compile(r"::\s*oid\s*\[\s*\]", re.IGNORECASE)


_ZERO_BASED = "pg_subscript_zero_based"


def _mark_subscripts(tree: exp.Expression) -> None:
    """Say of each `a[i]` whether sqlglot made its subscript 0-based (`i - 1`). It does
    that only to a subscript whose type it can tell is an integer (a literal, a cast) of
    a value whose type is an array or unknown to it, leaving the others (a column, a
    parameter; `3 || array[4]`, which it types as text) as written, 1-based; the ones it
    changed are marked while parsing (sqlglot_fixes.INDEX_SHIFTED)."""
    for b in tree.find_all(exp.Bracket):
        if len(b.expressions) == 1:
            b.meta[_ZERO_BASED] = bool(b.expressions[0].meta.get(sqlglot_fixes.INDEX_SHIFTED))


def _unterminated(pg_sql: str) -> SqlError:
    """PostgreSQL's error for a quoted string or name the text does not close."""
    for kind, s, e in segments(pg_sql):
        quote = "'" if kind in ("str", "estr") else '"' if kind == "ident" else None
        if quote and (e - s < 2 or pg_sql[e - 1] != quote or kind == "estr" and e - s < 3):
            what = "identifier" if kind == "ident" else "string"
            return SqlError(f'unterminated quoted {what} at or near "{pg_sql[s:e]}"', "42601")
    return SqlError("unterminated quoted string", "42601")


def parse_one(pg_sql: str) -> exp.Expression:
    """The one statement in `pg_sql`, parsed as PostgreSQL; SqlError 42601 otherwise."""
    written = pg_sql
    _refuse_dangling_comma(pg_sql)
    pg_sql = _space_params(_interval_literals(_operator_forms(pg_sql)))
    try:
        trees = sqlglot.parse(pg_sql, read="postgres")
    except sqlglot.errors.ParseError as e:
        raise parse_error(e, pg_sql) from None
    except sqlglot.errors.TokenError:
        raise _unterminated(written) from None
    trees = [t for t in trees if t is not None]
    if len(trees) != 1:
        raise SqlError("cannot translate several statements at once", "42601")
    _mark_subscripts(trees[0])
    _mark_written_names(trees[0], pg_sql)
    trees[0] = _functions_as_postgres(trees[0])
    _refuse_locking_clause(trees[0])
    _fold_alias_case(trees[0])
    _order_by_output_names(trees[0])
    _refuse_unknown_collations(trees[0])
    trees[0] = _set_returning_placed(trees[0])
    tree = _catalog_types_unqualified(_catalog_functions_unqualified(trees[0]))
    for call in list(tree.find_all(exp.Anonymous)):  # every(x) is bool_and(x), its column named every
        if call.name.lower() == "every" and len(call.expressions) == 1:
            same = exp.LogicalAnd(this=call.expressions[0])
            if call is tree:
                return same
            named = isinstance(call.parent, exp.Select) and call.arg_key == "expressions"
            call.replace(exp.alias_(same, "every") if named else same)
    return sql_functions.inline_calls(tree)


# Set-returning functions called in an expression (sqlglot reads generate_series and unnest
# in a select list as its own nodes).
_SET_RETURNING_NAMES = frozenset({
    "generate_series", "generate_subscripts", "unnest", "regexp_split_to_table", "regexp_matches", "json_each",
    "json_each_text", "jsonb_each", "jsonb_each_text", "json_array_elements", "json_array_elements_text",
    "jsonb_array_elements", "jsonb_array_elements_text", "json_object_keys", "jsonb_object_keys"})


def _set_returning_call(clause: exp.Expression) -> bool:
    """Whether `clause` calls a set-returning function outside its subqueries."""
    for node in clause.walk(prune=lambda n: isinstance(n, (exp.Select, exp.Subquery)) and n is not clause):
        if isinstance(node, (exp.ExplodingGenerateSeries, exp.Explode)) or \
                isinstance(node, exp.Anonymous) and node.name.lower() in _SET_RETURNING_NAMES:
            return True
    return False


def _set_returning_placed(tree: exp.Expression) -> exp.Expression:
    """A set-returning function where PostgreSQL allows none (VALUES, UPDATE's SET,
    RETURNING, WHERE) is 0A000 with its message (SQLite said "function GENERATE_SERIES
    does not exist"); INSERT ... VALUES of one row that calls one is PostgreSQL's INSERT ...
    SELECT of that row (`VALUES (generate_series(4, 5))` inserts two rows)."""
    values = tree.expression if isinstance(tree, exp.Insert) else None
    if isinstance(values, exp.Values) and len(values.expressions) == 1 and \
            isinstance(values.expressions[0], exp.Tuple) and _set_returning_call(values.expressions[0]) and \
            not values.alias and not any(isinstance(v, exp.Var) for v in values.expressions[0].expressions):
        values.replace(exp.Select(expressions=[v.copy() for v in values.expressions[0].expressions]))
    for node in tree.walk():
        place = None
        if isinstance(node, exp.Values) and any(_set_returning_call(t) for t in node.expressions):
            place = "VALUES"
        elif isinstance(node, exp.Update) and any(_set_returning_call(e) for e in node.expressions):
            place = "UPDATE"
        elif isinstance(node, exp.Returning) and _set_returning_call(node):
            place = "RETURNING"
        elif isinstance(node, exp.Where) and _set_returning_call(node):
            place = "WHERE"
        if place:
            raise SqlError(f"set-returning functions are not allowed in {place}", "0A000")
    return tree


def collation_checked(name: exp.Expression) -> str:
    """The name of a collation the user wrote (COLLATE "C", pg_catalog."C"), which must be
    one of code point order: Sixfold compares text as PostgreSQL's C collation does, so a
    locale's ("en_US", "de-x-icu") would be ignored and sort otherwise: 0A000; a name in
    the wrong case ("c": PostgreSQL folds an unquoted C) is 42704, as there."""
    text = _written_collation(name)
    if text in _BYTE_ORDER_COLLATIONS:
        return text
    if text.lower() in {c.lower() for c in _BYTE_ORDER_COLLATIONS}:
        raise SqlError(f'collation "{text}" for encoding "UTF8" does not exist', "42704")
    raise SqlError(f'collation "{text}" is not supported: Sixfold compares text in code point order '
                   '(COLLATE "C")', "0A000")


def _written_collation(name: exp.Expression) -> str:
    """A COLLATE's name as PostgreSQL reads it: a quoted name as written, another in lower
    case, pg_catalog's without the schema."""
    if isinstance(name, exp.Column) and name.table and name.table.lower() == "pg_catalog":
        name = name.this
    if isinstance(name, exp.Identifier) and name.quoted:
        return name.name
    return name.name.lower()


def _refuse_unknown_collations(tree: exp.Expression) -> None:
    for node in tree.find_all(exp.Collate, exp.CollateColumnConstraint):
        collation_checked(node.expression if isinstance(node, exp.Collate) else node.this)


def _plain_output_name(e: exp.Expression) -> str | None:
    """The name PostgreSQL gives a select-list item that is an alias, a column or a cast of
    one (x::text is named x); None for others (their names are not compared here)."""
    if isinstance(e, exp.Alias):
        return e.alias
    while isinstance(e, exp.Cast):
        e = e.this
    return e.name if isinstance(e, exp.Column) and isinstance(e.this, exp.Identifier) else None


def _compared_value(e: exp.Expression) -> tuple[str, str | None]:
    """A select-list item's value, as ORDER BY's ambiguity check compares them: without
    qualifiers, and without casts that may keep the type (id::int of an int column is id
    itself to PostgreSQL; a cast whose types are not both known counts as one of those);
    second, the same with its qualifiers when every column in it has one (pa.x and pb.x
    differ; x may be either, so it is compared without)."""
    e = e.unalias() if isinstance(e, exp.Alias) else e
    kept = [bool(k) and bool(o) and k != o for k, o in
            ((exprtypes.kind(c.this), exprtypes.kind(c)) for c in e.find_all(exp.Cast))]  # (in the tree: kinds
    e = e.copy()                                                                           # need its tables)
    for cast, keep in zip(list(e.find_all(exp.Cast)), kept):
        if not keep:
            if cast is e:
                e = cast.this
            else:
                cast.replace(cast.this)
    columns = list(e.find_all(exp.Column))
    qualified = e.sql("postgres") if columns and all(c.table for c in columns) else None
    for col in columns:
        col.set("table", None)
    return e.sql("postgres"), qualified


def _order_by_output_names(tree: exp.Expression) -> None:
    """ORDER BY x read as PostgreSQL reads it against the output columns: 42702 where two
    select-list items of different values are named x (`SELECT j, j::text ... ORDER BY j`,
    `SELECT pa.x, pb.x ... ORDER BY x`; SQLite took one of them), and the qualified column
    itself where one item is (`SELECT pa.x ... ORDER BY x`, which SQLite reads among the
    tables' columns: "ambiguous" when pb has an x too)."""
    for sel in tree.find_all(exp.Select):
        order = sel.args.get("order")
        if order is None:
            continue
        for o in order.expressions:
            key = o.this
            if not isinstance(key, exp.Column) or key.table or not isinstance(key.this, exp.Identifier):
                continue
            items = [e for e in sel.expressions if _plain_output_name(e) == key.name]
            named = [_compared_value(e) for e in items]
            if any(a != b and (a[0] != b[0] or None not in (a[1], b[1])) for a in named for b in named):
                raise SqlError(f'ORDER BY "{key.name}" is ambiguous', "42702")
            if items and isinstance(items[0], exp.Column) and items[0].table:
                key.replace(items[0].copy())


def _fold_alias_case(tree: exp.Expression) -> None:
    """An unquoted alias in lower case, as PostgreSQL folds names: SELECT 1 AS Total is
    a column named total (SQLite keeps the alias as written: Total)."""
    names = [a.args.get("alias") for a in tree.find_all(exp.Alias)]
    names += [c for ta in tree.find_all(exp.TableAlias) for c in ta.columns]  # WITH c(Total) AS ...
    for ident in names:
        if isinstance(ident, exp.Identifier) and not ident.quoted and ident.name != ident.name.lower():
            ident.set("this", ident.name.lower())


_WRITTEN_NAME = analysis_checks.WRITTEN_NAME
_FUNCTION_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# SQLite's built-in functions PostgreSQL does not have: sqlglot passes them through and
# SQLite answered (typeof(1), ifnull(a, b), json_extract(...), jsonb(x) as a binary blob)
# where PostgreSQL says 42883.
_SQLITE_ONLY_FUNCTIONS = frozenset({
    "typeof", "instr", "ifnull", "iif", "printf", "group_concat", "total", "sqlite_version", "sqlite_source_id",
    "sqlite_compileoption_used", "sqlite_compileoption_get", "sqlite_offset", "strftime", "julianday",
    "unixepoch", "datetime", "time", "timediff", "randomblob", "zeroblob", "quote", "char", "unicode",
    "likelihood", "likely", "unlikely", "glob", "changes", "total_changes", "last_insert_rowid", "unhex",
    "median", "fts5", "load_extension", "json_extract", "jsonb_extract", "json_array", "jsonb_array", "json_type",
    "json_valid", "json_quote", "json_patch", "jsonb_patch", "json_remove", "jsonb_remove", "json_replace",
    "jsonb_replace", "json_set", "json_insert", "json_group_array", "jsonb_group_array", "json_group_object",
    "jsonb_group_object", "json_tree", "json_pretty", "json_error_position", "hex", "soundex",
})


def _refuse_locking_clause(tree: exp.Expression) -> None:
    """FOR UPDATE / FOR SHARE where PostgreSQL refuses it (0A000): with an aggregate,
    GROUP BY, HAVING, DISTINCT, a window function, or over a set operation (Sixfold's
    writes are serialized, so the clause locks nothing; it answered such queries)."""
    for lock in tree.find_all(exp.Lock):
        what = "FOR UPDATE" if lock.args.get("update") else "FOR SHARE"
        select = lock.parent
        if isinstance(select, exp.SetOperation) or (isinstance(select, exp.Select) and
                                                    isinstance(select.parent, exp.SetOperation)):
            raise SqlError(f"{what} is not allowed with UNION/INTERSECT/EXCEPT", "0A000")
        if not isinstance(select, exp.Select):
            continue
        if select.args.get("distinct"):
            raise SqlError(f"{what} is not allowed with DISTINCT clause", "0A000")
        if select.args.get("group"):
            raise SqlError(f"{what} is not allowed with GROUP BY clause", "0A000")
        if select.args.get("having"):
            raise SqlError(f"{what} is not allowed with HAVING clause", "0A000")
        for e in select.expressions:
            if e.find(exp.Window):
                raise SqlError(f"{what} is not allowed with window functions", "0A000")
            if e.find(exp.AggFunc):
                raise SqlError(f"{what} is not allowed with aggregate functions", "0A000")


# PostgreSQL functions Sixfold does not have, said so (SQLite's "no such function" would be
# PostgreSQL's 42883, which says the call is wrong)
_UNSUPPORTED_BUILTINS = {
    "regexp_matches": "regexp_matches() is not supported: use regexp_match() for the first match, or "
                      "regexp_count() / regexp_replace(..., 'g')",
}


# Type names PostgreSQL also has as functions of one argument that cast it (pg_proc's
# float8(integer) ...; date(x) and timestamp(x) sqlglot reads as its own nodes; varchar(x)
# and numeric(x) are type names with a modifier in PostgreSQL's grammar, not calls).
_CAST_FUNCTIONS = {"int2": "smallint", "int4": "integer", "int8": "bigint", "float4": "real",
                   "float8": "double precision", "text": "text", "bool": "boolean", "bpchar": "bpchar", "name": "name",
                   "oid": "oid", "timestamptz": "timestamptz", "json": "json", "jsonb": "jsonb", "uuid": "uuid"}


def _functions_as_postgres(tree: exp.Expression) -> exp.Expression:
    """Function calls read as PostgreSQL reads them, before anything is rewritten:
    SQLite-only names and max/min of several arguments are 42883; log10(x) is the
    one-argument log (sqlglot reads it as log(10, x), a numeric); json(x) / jsonb(x) are
    casts; json_object / jsonb_object of text arrays build an object (pg_json_object,
    pg_jsonb_object)."""
    if tree.find(exp.Glob) is not None:  # glob(p, x): SQLite's (PostgreSQL has neither the function nor GLOB)
        raise SqlError("function glob() does not exist", "42883")
    for f in list(tree.find_all(exp.Func)):
        name = f.meta.get(_WRITTEN_NAME) or (f.name.lower() if isinstance(f, exp.Anonymous) else None)
        if (name in _SQLITE_ONLY_FUNCTIONS and routines.find(name) is None) or (
                isinstance(f, (exp.Max, exp.Min)) and f.expressions):  # (a function of the database may have the name)
            raise SqlError(f"function {name}() does not exist", "42883")
        ambiguous = _untyped_date_argument(f, name) or _untyped_aggregate_argument(f)
        if ambiguous is not None and routines.find(ambiguous.split("(")[0]) is None:
            raise SqlError(f"function {ambiguous} is not unique", "42725")  # (its HINT: error_position)
        if (name == "now" and isinstance(f, exp.CurrentTimestamp) and f.this is not None or
                isinstance(f, exp.Round) and f.args.get("truncate") is not None) and routines.find(name) is None:
            args = [a for a in (f.this, f.args.get("decimals"), f.args.get("truncate")) if a is not None]
            labels = ", ".join(exprtypes.type_label(a) or "unknown" for a in args)
            raise SqlError(f"function {name or 'round'}({labels}) does not exist", "42883")  # (now(1), round(1, 2, 3))
        if name in _UNSUPPORTED_BUILTINS and routines.find(name) is None:
            raise SqlError(_UNSUPPORTED_BUILTINS[name], "0A000")
        if name in ("num_nulls", "num_nonnulls") and isinstance(f, exp.Anonymous) and not f.expressions:
            raise SqlError(f"function {name}() does not exist", "42883")  # (variadic: one argument at least)
        new = None
        if isinstance(f, exp.ParseJSON) and f.this is not None:  # json '...': a cast to json, as jsonb '...' is
            new = exp.Cast(this=f.this.copy(), to=exp.DataType.build("JSON"))
        elif name == "log10" and isinstance(f, exp.Log) and f.expression is not None:
            new = exp.Log(this=f.expression.copy())
        elif name in _CAST_FUNCTIONS and isinstance(f, exp.Anonymous) and len(f.expressions) == 1 and \
                routines.find(name) is None:  # float8(x), int4(x), text(x): casts, named after the function
            new = exp.Cast(this=f.expressions[0].copy(),
                           to=exp.DataType.build(_CAST_FUNCTIONS[name], dialect="postgres"))
        elif name in ("json_object", "jsonb_object") and isinstance(f, exp.Anonymous) and len(f.expressions) in (1, 2):
            new = exp.Anonymous(this=f"pg_{name}", expressions=[a.copy() for a in f.expressions])
        if new is not None:
            new.meta[_WRITTEN_NAME] = name
            if f is tree:
                return new
            f.replace(new)
    return tree


def _untyped_aggregate_argument(f: exp.Expression) -> str | None:
    """sum / avg / array_agg of a quoted literal or NULL: PostgreSQL has them for several
    types and picks none (42725); avg('x') answered 0."""
    names = {exp.Sum: "sum", exp.Avg: "avg", exp.ArrayAgg: "array_agg"}
    arg = f.this if type(f) in names else None
    if isinstance(arg, exp.Null) or isinstance(arg, exp.Literal) and arg.is_string:
        return f"{names[type(f)]}(unknown)"
    return None


def _untyped_date_argument(f: exp.Expression, name: str | None) -> str | None:
    """`date_trunc('day', '2020-01-05')`, `extract(year from '2020-01-01')`, `age('2020-01-01')`,
    `to_char('2020-01-01', 'YYYY')`: a quoted literal where PostgreSQL has the function for
    several date/time types picks none (42725); the call as its message shows it, else None."""
    if isinstance(f, exp.TimestampTrunc) and isinstance(f.this, exp.Literal) and f.this.is_string and \
            f.args.get("zone") is None:
        return "date_trunc(unknown, unknown)"
    if isinstance(f, exp.Extract) and isinstance(f.expression, exp.Literal) and f.expression.is_string:
        return "date_part(unknown, unknown)" if name == "date_part" else "pg_catalog.extract(unknown, unknown)"
    if isinstance(f, exp.TimeToStr) and isinstance(f.this, exp.Literal) and f.this.is_string:
        return "to_char(unknown, unknown)"
    if isinstance(f, exp.Anonymous) and name in ("age", "isfinite") and len(f.expressions) == 1 and \
            isinstance(f.expressions[0], exp.Literal) and f.expressions[0].is_string:
        return f"{name}(unknown)"
    if isinstance(f, exp.Anonymous) and name in ("date_part", "date_trunc") and len(f.expressions) == 2 and \
            isinstance(f.expressions[1], exp.Literal) and f.expressions[1].is_string:
        return f"{name}(unknown, unknown)"
    return None


def _mark_written_names(tree: exp.Expression, text: str) -> None:
    """Each function call's name as written (sqlglot reads substr as substring, ceiling as
    ceil, char_length as length): PostgreSQL names a result column after it."""
    for f in tree.find_all(exp.Func, exp.Mod):  # (mod(a, b) is a Mod, as a % b is)
        start, end = f.meta.get("start"), f.meta.get("end")
        if isinstance(start, int) and isinstance(end, int) and _FUNCTION_NAME.fullmatch(text[start:end + 1]):
            f.meta[_WRITTEN_NAME] = text[start:end + 1].lower()


def _catalog_functions_unqualified(tree: exp.Expression) -> exp.Expression:
    """pg_catalog.array_agg(x ORDER BY y) is array_agg(...): sqlglot reads a qualified
    call as an anonymous function, so it is read again without its schema (an aggregate
    then is one)."""
    for dot in list(tree.find_all(exp.Dot)):
        if isinstance(dot.this, exp.Identifier) and dot.this.name.lower() == "pg_catalog" and \
                isinstance(dot.expression, exp.Anonymous) and dot.expression.find(exp.Order):
            again = sqlglot.parse_one(dot.expression.sql("postgres"), read="postgres")
            if dot is tree:
                return again
            dot.replace(again)
    return tree


def _catalog_types_unqualified(tree: exp.Expression) -> exp.Expression:
    """pg_catalog.text is text (psql writes its casts so): the type without its schema."""
    for dt in list(tree.find_all(exp.DataType)):
        kind = dt.args.get("kind")
        if dt.this == exp.DataType.Type.USERDEFINED and isinstance(kind, exp.Dot) and \
                isinstance(kind.this, exp.Identifier) and kind.this.name.lower() == "pg_catalog":
            if kind.expression.args.get("quoted") and kind.expression.name == "char":
                continue  # pg_catalog."char", the one-byte type, is no char(1) (_cast reads it)
            name = kind.expression.name
            params = ", ".join(p.sql("postgres") for p in dt.expressions)
            try:
                plain = exp.DataType.build(f"{name}({params})" if params else name, dialect="postgres")
            except sqlglot.errors.ParseError:
                continue  # not a type sqlglot knows: left for the cast to refuse
            if dt is tree:
                return plain
            dt.replace(plain)
    return tree


def query_sqlite(pg_sql: str, ctx: SessionContext, named: bool = False) -> tuple[str, int]:
    """A query's SQLite text and its highest parameter number; `named`: its result columns
    named as PostgreSQL names them (a view's columns are its catalog columns)."""
    max_param = [0]
    tree = parse_one(pg_sql)
    if named:
        _name_columns(tree)
    _subquery_column_lists(tree)
    tree = grouping_sets.rewrite(tree)
    intersect_except.mark_all(tree, _mixed_numeric_columns, char_values.mixed_char_columns)
    tree = intersect_except.rewrite(distinct_on.rewrite(rewrite(tree, ctx, max_param)))
    return gen(tree), max_param[0]


_TAG_BY_TYPE = {exp.Select: "SELECT", exp.Union: "SELECT", exp.Intersect: "SELECT", exp.Except: "SELECT",
                exp.Insert: "INSERT", exp.Update: "UPDATE", exp.Delete: "DELETE", exp.Values: "SELECT"}


_FUNC_COLUMN_NAMES = {exp.LogicalOr: "bool_or", exp.LogicalAnd: "bool_and", exp.ArrayConcat: "array_cat", exp.ArraySize: "array_length", exp.TimeToStr: "to_char", exp.TimestampTrunc: "date_trunc", exp.DateTrunc: "date_trunc",
                      exp.Extract: "extract", exp.UnixToTime: "to_timestamp", exp.Interval: "interval",
                      exp.StrPosition: "position",  # position(a in b) (strpos(b, a) keeps its written name)
                      exp.StrToDate: "to_date", exp.StrToTime: "to_timestamp", exp.ToNumber: "to_number",
                      exp.GroupConcat: "string_agg", exp.JSONBExtractScalar: "?column?",
                      exp.JSONBExtract: "?column?", exp.ArrayContainsAll: "?column?", exp.MatchAgainst: "?column?",
                      exp.JSONExtract: "?column?",
                      exp.JSONExtractScalar: "?column?", exp.ArrayPosition: "array_position",
                      exp.StringToArray: "string_to_array", exp.ArrayRemove: "array_remove",
                      exp.BitwiseAndAgg: "bit_and", exp.BitwiseOrAgg: "bit_or", exp.BitwiseXorAgg: "bit_xor",
                      exp.Format: "format", exp.Hex: "to_hex", exp.TimestampFromParts: "make_timestamp",
                      exp.AtTimeZone: "timezone",
                      exp.TimeFromParts: "make_time", exp.JSONArrayAgg: "json_agg", exp.JSONObjectAgg: "json_object_agg",
                      exp.JSONBObjectAgg: "jsonb_object_agg"}


def _pg_column_name(e: exp.Expression) -> str | None:
    """The name PostgreSQL gives an unaliased result column (None: SQLite's is the same)."""
    if isinstance(e, exp.Trim):  # trim(both / leading / trailing ...) is btrim / ltrim / rtrim
        return {"LEADING": "ltrim", "TRAILING": "rtrim"}.get(str(e.args.get("position") or "").upper(), "btrim")
    if isinstance(e, exp.StartsWith) and not e.meta.get(_WRITTEN_NAME):
        return "?column?"  # a ^@ b, the operator
    if isinstance(e, (exp.Column, exp.Star, exp.Alias)):
        return None
    if isinstance(e, exp.Tuple) or isinstance(e, exp.Cast) and isinstance(e.this, exp.Tuple):
        return (e.this if isinstance(e, exp.Cast) else e).meta.get(row_values.ROW_OF, "row")
    if isinstance(e, exp.Dot) and isinstance(e.expression, exp.Func):
        return _pg_column_name(e.expression)
    if isinstance(e, (exp.Func, exp.Mod)) and not isinstance(e, (exp.Cast, exp.TryCast)) and e.meta.get(_WRITTEN_NAME):
        return e.meta[_WRITTEN_NAME]
    if isinstance(e, (exp.Cast, exp.TryCast)):
        inner = e.this
        if e.meta.get(_WRITTEN_NAME):  # float8(x): a cast written as a call
            return e.meta[_WRITTEN_NAME]
        if isinstance(inner, exp.IntDiv):  # div(a, b), which sqlglot reads as a cast
            return "div"
        strong = _strong_name(inner)  # (a column's or function's name through any casts: id::int::int is id)
        if strong:
            return strong
        to = e.args.get("to")
        t = to.sql("postgres").lower().split("(")[0].split("[")[0].strip() if to is not None else ""  # (int[]: int4)
        return {"int": "int4", "integer": "int4", "bigint": "int8", "smallint": "int2", "text": "text",
                "boolean": "bool", "double precision": "float8", "real": "float4", "decimal": "numeric",
                "varchar": "varchar", "timestamp": "timestamp", "timestamptz": "timestamptz",
                "date": "date", "char": "bpchar", '"char"': "char"}.get(t, t.split(".")[-1] or "?column?")
    if isinstance(e, exp.Anonymous):
        return e.name.lower()
    if isinstance(e, (exp.Sqrt, exp.Cbrt)) and not e.meta.get(_WRITTEN_NAME):
        return "?column?"  # |/ x and ||/ x: operators, which name nothing (sqrt(x) has its written name)
    if isinstance(e, exp.SHA2Digest):
        return f"sha{e.args['length'].this}"
    if isinstance(e, (exp.Window, exp.WithinGroup, exp.Filter)):
        return _pg_column_name(e.this)
    if isinstance(e, exp.Bracket):  # codes[2] is named after the array: codes
        inner = e.this.unnest() if isinstance(e.this, exp.Paren) else e.this
        return inner.name if isinstance(inner, exp.Column) else _pg_column_name(inner)
    named = _FUNC_COLUMN_NAMES.get(type(e))
    if named:
        return named
    if isinstance(e, exp.Pow):  # power(a, b) and pow(a, b) are named, a ^ b is not: sqlglot
        # keeps the function name's position only for the call form
        if "start" not in e.meta:
            return "?column?"
        return "pow" if e.meta["end"] - e.meta["start"] == 2 else "power"
    if type(e) in exprtypes.REGRESSION_NODES or type(e) in (exp.StddevPop, exp.StddevSamp, exp.VariancePop):
        return exprtypes.VARIANCE_NODES.get(type(e)) or exprtypes.REGRESSION_NODES[type(e)]
    if isinstance(e, exp.Case):  # named after its ELSE when that has a name of its own
        return _strong_name(e.args.get("default")) or "case"
    if isinstance(e, exp.Collate):  # COLLATE does not name: x COLLATE "C" is x
        inner = e.this.unnest() if isinstance(e.this, exp.Paren) else e.this
        return inner.name if isinstance(inner, exp.Column) else _pg_column_name(inner)
    if isinstance(e, (exp.CurrentUser, exp.SessionUser, exp.CurrentTimestamp, exp.CurrentDate,
                      exp.CurrentTime, exp.Localtimestamp, exp.Localtime)):
        return {exp.CurrentUser: "current_user", exp.SessionUser: "session_user",
                exp.CurrentTimestamp: "current_timestamp", exp.CurrentDate: "current_date",
                exp.CurrentTime: "current_time", exp.Localtimestamp: "localtimestamp",
                exp.Localtime: "localtime"}[type(e)]
    if isinstance(e, exp.Count):
        return "count"
    if isinstance(e, exp.CurrentVersion):
        return "version"
    if isinstance(e, exp.Exists):
        return "exists"
    if isinstance(e, exp.Subquery):  # (SELECT count(*) ...) is named as its one column is
        first = _first_branch(e)
        if isinstance(first, exp.Select) and len(first.expressions) == 1 and \
                not isinstance(first.expressions[0], exp.Star):
            item = first.expressions[0]
            return item.alias if isinstance(item, exp.Alias) else item.name if isinstance(item, exp.Column) \
                else _pg_column_name(item)
        return "?column?"
    if isinstance(e, (exp.Binary, exp.Predicate, exp.Not)):
        return "?column?"
    if isinstance(e, exp.Func):
        return e.sql_name().lower()
    if isinstance(e, exp.Paren):
        return _pg_column_name(e.this)
    return "?column?"


def _strong_name(e: exp.Expression | None) -> str | None:
    """The name an expression gives a column with PostgreSQL's full strength (a column's, a
    function's, a subquery's; FigureColnameInternal's 2), None when it names only weakly
    (a cast's type, CASE) or not at all (an operator, a constant)."""
    while isinstance(e, (exp.Paren, exp.Collate)):
        e = e.this
    if e is None or isinstance(e, (exp.Literal, exp.Null, exp.Boolean, exp.Case)):
        return None
    if isinstance(e, exp.Column):
        return e.name
    if isinstance(e, (exp.Cast, exp.TryCast)):
        return e.meta.get(_WRITTEN_NAME) or (_strong_name(e.this) if not isinstance(e.this, exp.IntDiv) else "div")
    name = _pg_column_name(e)
    return None if name == "?column?" else name


_HEX = frozenset("0123456789abcdefABCDEF")


def _unicode_string(node: exp.UnicodeString) -> str:
    """U&'d\\0061t' [UESCAPE '!']: the escape character followed by four hex digits, or by
    + and six, is that code point (a surrogate pair as one); twice, the character itself."""
    given = node.args.get("escape")
    esc = given.this if isinstance(given, exp.Literal) else "\\"
    if len(esc) != 1 or esc in _HEX or esc in "+'\" \t\n\r":
        raise SqlError("invalid Unicode escape character", "42601")
    text, out, i, high = node.this, [], 0, None
    while i < len(text):
        if text[i] != esc:
            if high is not None:
                raise SqlError("invalid Unicode surrogate pair", "42601")
            out.append(text[i])
            i += 1
            continue
        if text[i + 1:i + 2] == esc and high is None:
            out.append(esc)
            i += 2
            continue
        plus = text[i + 1:i + 2] == "+"
        digits = text[i + 2:i + 8] if plus else text[i + 1:i + 5]
        if len(digits) != (6 if plus else 4) or not set(digits) <= _HEX:
            raise SqlError("invalid Unicode escape", "42601")
        i += 2 + len(digits) if plus else 1 + len(digits)
        code = int(digits, 16)
        if high is not None:
            if not 0xDC00 <= code <= 0xDFFF:
                raise SqlError("invalid Unicode surrogate pair", "42601")
            out.append(chr(0x10000 + ((high - 0xD800) << 10) + (code - 0xDC00)))
            high = None
        elif 0xD800 <= code <= 0xDBFF:
            high = code
        elif 0xDC00 <= code <= 0xDFFF:
            raise SqlError("invalid Unicode surrogate pair", "42601")
        elif code == 0 or code > 0x10FFFF:
            raise SqlError("invalid Unicode escape value", "42601")
        else:
            out.append(chr(code))
    if high is not None:
        raise SqlError("invalid Unicode surrogate pair", "42601")
    return "".join(out)


def _expand_returning_star(tree: exp.Insert | exp.Update | exp.Delete) -> None:
    """RETURNING * (or target.*) as the target table's columns, when the schema is known:
    the other items' types and scales are then known by position."""
    target = tree.this.this if isinstance(tree.this, exp.Schema) else tree.this
    cat = schema.current()
    if not isinstance(target, exp.Table) or cat is None:
        return
    names = {target.name.lower(), target.alias_or_name.lower()}
    ret = tree.args["returning"]
    stars = [e for e in ret.expressions if isinstance(e, exp.Star) or (
        isinstance(e, exp.Column) and isinstance(e.this, exp.Star) and e.table.lower() in names)]
    if not stars:
        return
    cols = cat.all_columns(target.name)  # (generated columns too)
    if not cols:
        return
    out = []
    for e in ret.expressions:
        if any(e is st for st in stars):
            out.extend(exp.column(exp.to_identifier(n, quoted=not n.islower())) for n, _ in cols)
        else:
            out.append(e)
    ret.set("expressions", out)


def _name_columns(tree: exp.Expression) -> None:
    """The result columns (a SELECT's, or RETURNING's) named as PostgreSQL names them."""
    tree = _first_branch(tree)
    if isinstance(tree, (exp.Insert, exp.Update, exp.Delete)) and isinstance(tree.args.get("returning"),
                                                                             exp.Returning):
        _expand_returning_star(tree)
        tree = tree.args["returning"]
    elif not isinstance(tree, exp.Select):
        return
    new = []
    for e in tree.expressions:
        name = _pg_column_name(e)
        new.append(exp.alias_(e, exp.to_identifier(name, quoted=True)) if name else e)
    tree.set("expressions", new)


name_columns = _name_columns  # (table_as.py names a CREATE TABLE AS table's columns so)


def _name_derived_columns(tree: exp.Expression) -> None:
    """A derived table's (a FROM subquery's, a CTE's) unnamed columns named as PostgreSQL
    names them, so that `SELECT max FROM (SELECT max(x) FROM t) s` finds max and `*`
    shows it (SQLite's name was the text, "MAX(x)"). A name PostgreSQL leaves unusable
    (?column?) or gives twice is an internal one, which remembers PostgreSQL's for `*`
    (star_expansion.PG_NAME)."""
    bodies = [s.this for s in tree.find_all(exp.Subquery) if isinstance(s.parent, (exp.From, exp.Join))]
    bodies += [c.this for c in tree.find_all(exp.CTE)]
    for body in map(_first_branch, bodies):
        if not isinstance(body, exp.Select):
            continue
        taken = {e.alias_or_name.lower() for e in body.expressions if isinstance(e, (exp.Alias, exp.Column))}
        named = []
        for i, e in enumerate(body.expressions):
            if not isinstance(e, (exp.Alias, exp.Column, exp.Star)):
                name = _pg_column_name(e) or "?column?"
                ident = exp.to_identifier(name, quoted=True)
                if name == "?column?" or name.lower() in taken:
                    ident = exp.to_identifier(f"sixfold_column_{i + 1}", quoted=True)
                    ident.meta[star_expansion.PG_NAME] = name
                taken.add(ident.name.lower())
                e = exp.alias_(e, ident)
            named.append(e)
        body.set("expressions", named)


def _subquery_column_lists(tree: exp.Expression) -> None:
    """`(SELECT ...) AS s(a, b)`: SQLite has no column list on a subquery; the subquery's
    first columns take those names as aliases (`*` over one table spelled out from the
    catalog). Left as it is when the columns cannot be matched (SQLite then says which
    column it cannot find). A table's column list (`FROM t AS f(a, b)`) is the same over
    `(SELECT * FROM t)`."""
    _table_column_lists(tree)
    for sub in list(tree.find_all(exp.Subquery)):
        alias = sub.args.get("alias")
        if not isinstance(alias, exp.TableAlias) or not alias.columns or not isinstance(sub.parent, (exp.From, exp.Join)):
            continue
        first = sub.this
        while isinstance(first, (exp.Union, exp.Intersect, exp.Except)):
            first = first.this
        names = [c.name if c.args.get("quoted") else c.name.lower() for c in alias.columns]  # (as PostgreSQL folds)
        if isinstance(first, exp.Select) and name_by_column_list(first, names):
            alias.set("columns", None)
        elif isinstance(first, exp.Select):
            items = _spelled_out_star(first)
            if items is not None and len(names) > len(items):
                raise SqlError(f'table "{alias.name}" has {len(items)} columns available but {len(names)} '
                               "columns specified", "42P10")


def _table_column_lists(tree: exp.Expression) -> None:
    """`FROM t AS f(a, b)` as `FROM (SELECT * FROM t) AS f(a, b)`: SQLite has no column
    list on a table (it ignored it: the columns kept their names). 42P10 for more names
    than the table has columns, as PostgreSQL."""
    cat = schema.current()
    for tbl in list(tree.find_all(exp.Table)):
        alias = tbl.args.get("alias")
        if not isinstance(alias, exp.TableAlias) or not alias.columns or not isinstance(tbl.parent, (exp.From, exp.Join)) \
                or not isinstance(tbl.this, exp.Identifier) or exprtypes.cte_named(tbl.name, tbl) is not None:
            continue
        columns = cat.columns(tbl.name if not tbl.this.quoted else f'"{tbl.name}"') if cat is not None else None
        if not columns:
            continue  # not a table the catalog knows: SQLite names what is wrong
        if len(alias.columns) > len(columns):
            raise SqlError(f'table "{alias.name}" has {len(columns)} columns available but {len(alias.columns)} '
                           f"columns specified", "42P10")
        plain = tbl.copy()
        plain.set("alias", None)
        sub = exp.Subquery(this=exp.select("*").from_(plain), alias=alias.copy())
        sub.meta[row_values.TABLE_COLUMNS] = [n for n, _d in columns]  # its whole row is still the table's
        tbl.replace(sub)


def name_by_column_list(first: exp.Select, names: list[str]) -> bool:
    """Name the first columns of `first` (a subquery's, a view's query's first SELECT) by a
    column list, as aliases (`*` over one table spelled out from the catalog); False, and
    nothing changed, when they cannot be matched."""
    items = _spelled_out_star(first)
    if items is None or len(names) > len(items):
        return False
    first.set("expressions", [exp.alias_(e.unalias() if isinstance(e, exp.Alias) else e,
                                         exp.to_identifier(n, quoted=True)) for e, n in zip(items, names)]
              + items[len(names):])
    return True


def _spelled_out_star(sel: exp.Select) -> list[exp.Expression] | None:
    """`sel`'s select list with a lone `*` over one table spelled out as its columns; None
    when a `*` remains that the catalog cannot spell out."""
    items = list(sel.expressions)
    if not any(isinstance(e, exp.Star) or isinstance(e, exp.Column) and isinstance(e.this, exp.Star) for e in items):
        return items
    frm = sel.args.get("from_") or sel.args.get("from")
    src = frm.this if frm is not None else None
    if len(items) != 1 or not isinstance(items[0], exp.Star) or sel.args.get("joins") or \
            not isinstance(src, exp.Table) or not isinstance(src.this, exp.Identifier) or \
            exprtypes.cte_named(src.name, src) is not None:
        return None
    cols = schema.current().columns(src.name) if schema.current() is not None else None
    return [exp.column(n, quoted=True) for n, _decl in cols] if cols else None


def _conflict_on_constraint(tree: exp.Insert) -> None:
    """ON CONFLICT ON CONSTRAINT name (SQLite has no such form) -> ON CONFLICT (its columns):
    the primary key's or a unique constraint's, from the catalog's pg_constraint."""
    conflict = tree.args["conflict"]
    name = conflict.args["constraint"].name
    target = tree.this.this if isinstance(tree.this, exp.Schema) else tree.this
    cat = schema.current()
    rows = cat.rows(f"SELECT c.pg_cols FROM ({catalog.CONSTRAINTS}) c JOIN sqlite_master m ON m.type = 'table' "
                    f"AND c.conrelid = {catalog.PG_OID_BASE} + m.rowid WHERE m.name = ? AND c.conname = ? "
                    "AND c.contype IN ('p', 'u') UNION ALL SELECT group_concat(ii.name, ',') "
                    "FROM pragma_index_list(?) il, pragma_index_info(il.name) ii WHERE il.name = ? AND il.[unique] "
                    "GROUP BY il.name", (target.name, name, target.name, name)) if cat is not None else []
    cols = next((r[0] for r in rows if r[0]), None)
    if cols is None:
        raise SqlError(f'constraint "{name}" for table "{target.name}" does not exist', "42704")
    conflict.set("constraint", None)
    conflict.set("conflict_keys", [exp.column(exp.to_identifier(c, quoted=not c.islower())) for c in cols.split(",")])


def _upsert_key_positions(insert: exp.Insert) -> list[int] | None:
    """The positions, in each VALUES row, of the conflict keys of INSERT ... VALUES (two
    rows or more) ... ON CONFLICT (keys) DO UPDATE; None for another statement."""
    conflict = insert.args.get("conflict")
    target, values = insert.this, insert.expression
    keys = conflict.args.get("conflict_keys") or [] if isinstance(conflict, exp.OnConflict) else []
    if not keys or "UPDATE" not in str(conflict.args.get("action") or "").upper() or \
            not isinstance(values, exp.Values) or len(values.expressions) < 2:
        return None
    if isinstance(target, exp.Schema):
        columns = [c.name.lower() for c in target.expressions if isinstance(c, exp.Identifier)]
    else:  # no column list: the table's columns in order
        cat = schema.current()
        known = cat.columns(target.name) if cat is not None and isinstance(target, exp.Table) else None
        columns = [c[0].lower() for c in known or ()]
    keys = [k.this if isinstance(k, exp.Ordered) else k for k in keys]
    names = [k.name.lower() for k in keys if isinstance(k, (exp.Identifier, exp.Column))]
    if len(names) != len(keys) or any(n not in columns for n in names):
        return None
    return [columns.index(n) for n in names]


def _check_repeated_upsert_keys(insert: exp.Insert, at: list[int]) -> None:
    """INSERT ... VALUES (1, 'a'), (1, 'b') ON CONFLICT (k) DO UPDATE: PostgreSQL fails
    (21000: a row cannot be updated twice) where SQLite updates the row it just inserted.
    The first row's first value is wrapped in pg_upsert_keys_distinct(value, width, every
    row's keys), which fails before a row is written; keys are compared only when each is
    a literal, a parameter or a deterministic conversion of one (computed twice, they
    cannot differ), so a key from an expression is not compared (no false 21000).
    Checked as the statement runs: a translation is shared by statements of one shape."""
    rows = [r for r in insert.expression.expressions if isinstance(r, exp.Tuple)]
    if len(rows) < 2 or any(len(r.expressions) <= max(at) for r in rows):
        return
    keys = [r.expressions[i] for r in rows for i in at]
    if not all(_constant_cell(k) for k in keys):
        return
    first = rows[0].expressions[0]
    first.replace(exp.Anonymous(this="pg_upsert_keys_distinct", expressions=[
        first.copy(), exp.Literal.number(len(at)), *[k.copy() for k in keys]]))


def _constant_cell(e: exp.Expression) -> bool:
    """A translated VALUES cell made only of literals, parameters and Sixfold's conversions
    of them (pg_* functions, CAST)."""
    for node in e.walk():
        if isinstance(node, exp.Anonymous) and not node.name.lower().startswith("pg_") or \
                isinstance(node, (exp.Column, exp.Subquery, exp.Select, exp.Func)) and \
                not isinstance(node, (exp.Anonymous, exp.Cast, exp.Neg, exp.Paren)):
            return False
    return True


def _materialize_shared_ctes(tree: exp.Expression) -> None:
    """A CTE the query names more than once is computed once, as PostgreSQL does (SQLite
    may compute it at each use: WITH q AS (SELECT random() ...) SELECT * FROM q UNION
    SELECT * FROM q gave twice the rows). One named once stays inlined, as there; an
    explicit [NOT] MATERIALIZED is kept; recursive ones are SQLite's to plan."""
    withs = [w for w in tree.find_all(exp.With) if not w.args.get("recursive")]
    if not withs:
        return
    uses = collections.Counter(t.name.lower() for t in tree.find_all(exp.Table)
                               if isinstance(t.this, exp.Identifier) and not t.args.get("db"))
    for cte in (c for w in withs for c in w.expressions):
        if cte.args.get("materialized") is None and cte.alias and uses[cte.alias.lower()] > 1:
            cte.set("materialized", True)


def _refuse_outer_references(derived: exp.Subquery) -> None:
    """A derived table of DELETE ... USING sees no other FROM item and not the table
    deleted from (it is no LATERAL): PostgreSQL's 42703 / 42P01 for a column of theirs.
    Inside the subquery Sixfold's DELETE becomes, SQLite would let it read the row being
    deleted (`USING (SELECT ... WHERE f1 = x1)` deleted every row it matched). So the
    derived table is prepared alone; what else fails there is left to the statement."""
    cat = schema.current()
    if cat is None or any(isinstance(t.this, exp.Identifier) and exprtypes.cte_named(t.name, t) is not None
                          for t in derived.find_all(exp.Table)):
        return  # (a CTE's name means nothing alone)
    try:
        cat.query(f"SELECT * FROM ({gen(derived.this.copy())}) LIMIT 0", ())
    except (apsw.SQLError, SqlError) as e:  # (a session's catalog reads raise SqlError)
        m = re.search(r'no such column: (\S+)|column "([^"]+)" does not exist|column (\S+\.\S+) does not exist', str(e))
        name = m and (m.group(1) or m.group(2) or m.group(3))
        if name and "." in name:
            raise SqlError(f'missing FROM-clause entry for table "{name.split(".")[0]}"', "42P01") from None
        if name:
            raise SqlError(f'column "{name}" does not exist', "42703") from None
    except Exception:  # noqa: BLE001 (a form only the full translation takes: the statement says)
        return


def _statement_forms(tree: exp.Expression) -> None:
    """Statement shapes SQLite lacks, rewritten in place: INSERT with fewer values than
    columns, INSERT ... SELECT ... ON CONFLICT with no WHERE, DELETE ... USING, a
    set-returning function alone in a select list; LATERAL is refused."""
    _materialize_shared_ctes(tree)
    conflict = tree.args.get("conflict") if isinstance(tree, exp.Insert) else None
    if isinstance(conflict, exp.OnConflict) and "UPDATE" in str(conflict.args.get("action") or "").upper():
        if not conflict.args.get("conflict_keys") and conflict.args.get("constraint") is None:
            # (SQLite would update whichever unique key conflicts)
            raise SqlError("ON CONFLICT DO UPDATE requires inference specification or constraint name", "42601")
    for fetch in tree.find_all(exp.Fetch):  # (SQLite's LIMIT would drop the ties: a wrong answer)
        options = fetch.args.get("limit_options")
        if options is not None and options.args.get("with_ties"):  # (what _fetch_with_ties could not take)
            if fetch.parent is None or fetch.parent.args.get("order") is None:
                raise SqlError("WITH TIES cannot be specified without ORDER BY clause", "42601")
            raise SqlError("FETCH FIRST ... WITH TIES over a DISTINCT, a set operation or a * is not supported",
                           "0A000")
    json_rows.unwrap_lateral(tree)
    lateral.rewrite(tree, _pg_column_name)
    if tree.find(exp.Lateral) is not None:
        raise SqlError("LATERAL is not supported (but for set-returning functions such as unnest and jsonb_each)",
                       "0A000")
    json_rows.rewrite_sources(tree, _array_oid)
    if isinstance(tree, exp.Insert) and isinstance(tree.args.get("conflict"), exp.OnConflict) and \
            tree.args["conflict"].args.get("constraint") is not None:
        _conflict_on_constraint(tree)
    if isinstance(tree, exp.Insert) and tree.args.get("conflict") is not None and \
            isinstance(tree.expression, exp.Select) and tree.expression.args.get("where") is None and \
            tree.expression.args.get("from_") is not None:
        # SQLite reads the ON of ON CONFLICT as a join's when the SELECT has no WHERE
        # (a syntax error); its documented way out is a WHERE that keeps every row.
        tree.expression.set("where", exp.Where(this=exp.true()))
    if isinstance(tree, exp.Insert) and isinstance(tree.this, exp.Table) and \
            isinstance(tree.expression, (exp.Values, exp.Select, exp.SetOperation)) and schema.current() is not None:
        cols = schema.current().columns(tree.this.name)
        if isinstance(tree.expression, exp.Values):
            width = max((len(t.expressions) for t in tree.expression.expressions if isinstance(t, exp.Tuple)),
                        default=0)
        else:  # INSERT ... SELECT of fewer columns (not a `*`, whose width the catalog would have to tell)
            first = _first_branch(tree.expression)
            items = first.expressions if isinstance(first, exp.Select) else []
            width = 0 if any(i.find(exp.Star) for i in items) else len(items)
        if cols and 0 < width < len(cols):  # the rest take their defaults, as in PostgreSQL
            tree.set("this", exp.Schema(this=tree.this.copy(),
                                        expressions=[exp.to_identifier(n, quoted=not n.islower()) for n, _ in
                                                     cols[:width]]))
    if isinstance(tree, exp.Delete) and tree.args.get("using"):
        target = tree.this
        ref = target.alias_or_name
        inner = exp.select(exp.column("rowid", table=ref)).from_(target.copy())
        for u in tree.args["using"]:
            inner = inner.join(u.copy())
        where = tree.args.get("where")
        if where is not None:
            inner = inner.where(where.this.copy())
        for u in tree.args["using"]:
            for derived in [d for d in u.find_all(exp.Subquery) if d is u or isinstance(d.parent, exp.Join)]:
                _refuse_outer_references(derived)
        tree.set("using", None)
        tree.set("where", exp.Where(this=exp.In(this=exp.column("rowid"), query=exp.Subquery(this=inner))))
    for sel in list(tree.find_all(exp.Select)):  # SELECT generate_series(...)[, x]: the series in FROM
        if sel.args.get("from_"):  # (INSERT ... SELECT and subqueries too)
            continue
        series = [i for i, e in enumerate(sel.expressions) if _is_series(e.unalias())]
        if len(series) != 1 or any(e.find(exp.AggFunc, exp.Window) for e in sel.expressions):
            continue  # (an aggregate is taken before the series is expanded: not a FROM's rows)
        e = sel.expressions[series[0]]
        inner = e.unalias()
        name = e.alias or "generate_series"
        items = list(sel.expressions)
        items[series[0]] = exp.column(name, table=name) if len(items) > 1 else exp.column(name)
        sel.set("expressions", items)
        alias = exp.TableAlias(this=exp.to_identifier(name))
        sel.set("from_", exp.From(this=exp.Table(this=inner.copy(), alias=alias)))
    for node in tree.find_all(exp.GenerateSeries, exp.ExplodingGenerateSeries, exp.Anonymous):
        if _is_series(node) and not isinstance(node.parent, exp.Table):  # (SQLite: "no such function")
            raise SqlError("generate_series() in a select list is supported beside other columns, without "
                           "aggregates or other set-returning functions, or in FROM", "0A000")


_BITS_BY_OID = {pgtypes.INT2: 16, pgtypes.INT4: 32, pgtypes.INT8: 64}
_ASSIGNED_OIDS = (pgtypes.INT2, pgtypes.INT4, pgtypes.INT8, pgtypes.FLOAT4)


def _hint_bits(hint: str) -> int:
    """The width of an integer kind's hint (int2, int4, else int8)."""
    return {"int2": 16, "int4": 32}.get(hint, 64)


def _stored_by(node: exp.Expression) -> bool:
    """`node` is the value pg_stored converts for a numeric(p, s) column (store() in
    _store_values): it reads a text exactly, where a number would have lost digits."""
    while isinstance(node.parent, (exp.Paren, exp.Cast)):  # ($1::numeric): the value cast, read the same
        node = node.parent
    p = node.parent
    return isinstance(p, exp.Anonymous) and p.name.lower() == "pg_stored" and bool(p.expressions) and \
        p.expressions[0] is node


def _rewrap(e: exp.Expression, inner: exp.Expression) -> exp.Expression:
    """`inner` in place of `e`, keeping `e`'s alias (a select list's AS name)."""
    return exp.alias_(inner, e.args["alias"].copy()) if isinstance(e, exp.Alias) else inner


def numeric_text_stored(e: exp.Expression) -> exp.Expression:
    """`e` as stored into a numeric column without a precision (a value written, or the
    column's default, ddl.py), which keeps each value's text: a numeric literal as its
    text (SQLite would read 1.50 as the double 1.5), a computed numeric as the exact text
    it is shown as; anything else (a double, a parameter, an integer) through pg_stored,
    which gives a double its 15 significant digits as PostgreSQL's float8 to numeric does
    (the column's TEXT affinity would write 1000.0 for the double 1000)."""
    inner = e.unalias() if isinstance(e, exp.Alias) else e
    if isinstance(inner, exp.Null) or _is_default_marker(inner) or \
            isinstance(inner, exp.Literal) and inner.is_string:
        return e
    number = exprtypes.signed_literal(inner)
    if number is not None:
        return _rewrap(e, exp.Literal.string(_numeric_literal_text(number)))
    if exprtypes.kind(inner) == "num":  # (pg_numeric_text's argument is shown: its exact text)
        sc = exprtypes.scale(inner)  # (a scale the form says: extract(epoch ...) is 6 even when computed as 0)
        return _rewrap(e, exp.Anonymous(this="pg_numeric_text", expressions=[inner.copy()]) if sc is None else
                       exp.Anonymous(this="pg_with_scale", expressions=[inner.copy(), exp.Literal.number(sc)]))
    return _rewrap(e, exp.Anonymous(this="pg_stored", expressions=[
        inner.copy(), exp.Literal.string(pgtypes.NUMERIC_TEXT)]))


def _assigned(e: exp.Expression, oid: int | None) -> exp.Expression:
    """`e` as stored into a column of type `oid`: a numeric or float value into an
    integer column is rounded as PostgreSQL's assignment cast rounds it (SQLite would
    keep 2.5 as a REAL, which the column's 22P02 check then refuses), and any number
    into a real column is rounded to single precision (SQLite would keep the double).
    A literal is converted here (the statement carries the result), anything else when
    the row is written; a parameter at Bind (Statement.param_assign_oids)."""
    inner = e.unalias() if isinstance(e, exp.Alias) else e
    if oid in (pgtypes.FLOAT4, pgtypes.FLOAT8):
        if isinstance(inner, (exp.Null, exp.Parameter)):
            return e
        literal = exprtypes.signed_literal(inner)
        if literal is None and isinstance(inner, exp.Literal) and inner.is_string:
            literal = inner.this
        if literal is None:
            return e if oid == pgtypes.FLOAT8 else _rewrap(e, exp.Anonymous(this="pg_float4", expressions=[inner.copy()]))
        try:
            f = float_input.to_float4(literal) if oid == pgtypes.FLOAT4 else float_input.to_float(literal, 64)
        except values.InputError as err:
            raise SqlError(str(err), err.sqlstate) from None
        if math.isnan(f):
            return e  # the column's check refuses it: SQLite would store NULL
        # 'Infinity' and '-inf' are SQLite's overflowing literal (it holds infinities)
        return _rewrap(e, exp.Literal.number(repr(f) if math.isfinite(f) else "9e999" if f > 0 else "-9e999"))
    if oid == pgtypes.NUMERIC and exprtypes.kind(inner) == "float" and exprtypes.signed_literal(inner) is None:
        # a real or double into a numeric column: PostgreSQL's assignment cast keeps 6 or 15
        # significant digits (float4 3.4e38 is 340000000000000000000000000000000000000, not
        # the double's 339999995214436...), as the explicit cast does
        digits = 6 if exprtypes.oid(inner) == pgtypes.FLOAT4 else 15
        return _rewrap(e, exp.Anonymous(this="pg_float_digits", expressions=[inner.copy(), exp.Literal.number(digits)]))
    bits = _BITS_BY_OID.get(oid)
    source = exprtypes.kind(inner) if bits else ""
    if source not in ("num", "float"):
        return e
    literal = exprtypes.signed_literal(inner)
    if literal is None:
        return _rewrap(e, to_int_call(inner.copy(), bits, source))
    try:
        return _rewrap(e, exp.Literal.number(int_coercion.to_int(literal, bits, "num")))
    except values.InputError as err:
        raise SqlError(str(err), err.sqlstate) from None


# Column types whose stored values are checked (`_assignable`) -> the sqlglot type a
# literal is read as ('' for text: any literal is its text).
_LITERAL_TYPE = {pgtypes.INT2: "SMALLINT", pgtypes.INT4: "INT", pgtypes.INT8: "BIGINT", pgtypes.NUMERIC: "DECIMAL",
                 pgtypes.FLOAT4: "FLOAT", pgtypes.FLOAT8: "DOUBLE", pgtypes.BOOL: "BOOLEAN", pgtypes.TEXT: "",
                 pgtypes.VARCHAR: "", pgtypes.BPCHAR: "", pgtypes.DATE: "DATE", pgtypes.TIME: "TIME",
                 pgtypes.TIMESTAMP: "TIMESTAMP", pgtypes.TIMESTAMPTZ: "TIMESTAMPTZ", pgtypes.INTERVAL: "INTERVAL",
                 pgtypes.UUID: "UUID", pgtypes.BYTEA: "VARBINARY"}
_STORED_KINDS = {exprtypes.OID_KIND[o] for o in _LITERAL_TYPE}
# (expression kind, column kind) pairs PostgreSQL stores by an implicit or assignment cast;
# any kind goes into a text column (as its text). Other pairs of these kinds: 42804.
_ASSIGNABLE = {(a, b) for a in exprtypes.NUMERIC for b in exprtypes.NUMERIC} | {
    (a, b) for a in ("date", "timestamp", "timestamptz") for b in ("date", "timestamp", "timestamptz")} | {
    ("timestamp", "time"), ("timestamptz", "time"), ("interval", "time"), ("time", "interval"),
    ("time", "time"), ("interval", "interval"), ("bool", "bool"), ("text", "text")}


def _check_stored_constant(inner: exp.Expression, table: str, column: str, oid: int | None) -> exp.Expression:
    """A constant stored into a column is converted when PostgreSQL plans the statement,
    so it fails even if no row is written: an integer beyond a smallint or integer
    column (22003), a string longer than a varchar(n) or char(n) (22001); blanks beyond
    the length are cut. Returns the constant as stored."""
    bits = _BITS_BY_OID.get(oid)
    number = exprtypes.signed_literal(inner)
    if bits and number is not None and number.lstrip("-").isdigit():
        try:
            int_coercion.to_int(int(number), bits, "int")
        except values.InputError as err:
            raise SqlError(str(err), err.sqlstate) from None
    text = number if number is not None else inner.this if isinstance(inner, exp.Literal) and inner.is_string else None
    decl = schema.column_type(table, column) if oid == pgtypes.NUMERIC and text is not None else None
    if pgtypes.is_numeric_with_precision(decl):
        # numeric(p, s): read from the literal's text, not from the double SQLite would make
        # of it (99999999999999999999.25 is 1e20 there, which the column would then take)
        try:
            values.stored(text, decl)
        except values.InputError as err:
            raise SqlError(str(err), err.sqlstate) from None
    if oid == pgtypes.BYTEA and isinstance(inner, exp.Literal) and inner.is_string:
        return _as_kind(inner, "bytea")  # (as text, '42' would meet the column's numeric affinity: 42)
    if number is not None and oid in (pgtypes.VARCHAR, pgtypes.BPCHAR):
        inner = exp.Literal.string(_numeric_literal_text(number))  # a number stored as its text
    if isinstance(inner, exp.Literal) and inner.is_string and oid in (pgtypes.VARCHAR, pgtypes.BPCHAR):
        n = pgtypes.length_limit(schema.column_type(table, column))
        if n is not None and len(inner.this.rstrip(" ")) > n:
            raise SqlError(f"value too long for type {pgtypes.REGTYPE_NAMES[oid]}({n})", "22001")
        if n is not None and len(inner.this) > n:
            return exp.Literal.string(inner.this[:n])
    return inner


class _PlanningError(SqlError):
    """A stored constant PostgreSQL refuses while planning (folding it into the column's
    type: 3000000000 into an integer), after parse analysis has found any type error."""


def _assignable(e: exp.Expression, table: str, column: str, oid: int | None) -> exp.Expression:
    """`e` checked as a value stored into `column` of type `oid`, as PostgreSQL checks it
    when it plans the statement (whether or not a row is written): a value of a type with
    no assignment cast to the column's fails with 42804 (a boolean into an integer, text
    into a date); a string literal is read as the column's type (22P02, 22007, 22008...);
    a value of another type stored into a text column becomes its text (`true`, not 1)."""
    if oid == pgtypes.NAME:  # cut to 63 bytes
        inner = e.unalias() if isinstance(e, exp.Alias) else e
        if isinstance(inner, exp.Literal) and inner.is_string:
            cut = name_value(inner.this)
            return e if cut == inner.this else _rewrap(e, exp.Literal.string(cut))
        cut = exp.Anonymous(this="pg_name", expressions=[inner.copy()])
        return e if isinstance(inner, exp.Null) else _rewrap(e, cut)
    inner = e.unalias() if isinstance(e, exp.Alias) else e
    _check_container_assignment(inner, column, oid)
    _check_enum_assignment(inner, table, column)
    if oid not in _LITERAL_TYPE:
        return e
    target, literal_type = exprtypes.OID_KIND[oid], _LITERAL_TYPE[oid]
    try:
        stored_constant = _check_stored_constant(inner, table, column, oid)
    except SqlError as err:
        raise _PlanningError(str(err), err.sqlstate) from None
    if stored_constant is not inner:
        return _rewrap(e, stored_constant)
    if isinstance(inner, exp.Literal) and inner.is_string:
        if literal_type:
            _check_literal_input(inner.this, literal_type, exp.DataType.build(literal_type))
        return e
    source = exprtypes.kind(inner)
    if source not in _STORED_KINDS or source == target:
        return e
    if target == "text" or (source, target) in _ASSIGNABLE and target in exprtypes.TEMPORAL:
        # as its text; a date/time value as the column's type (a timestamp into a
        # timestamptz column is read in the session's time zone)
        return _rewrap(e, exp.Cast(this=inner.copy(), to=exp.DataType.build(literal_type or "TEXT")))
    if (source, target) in _ASSIGNABLE:
        return e
    raise SqlError(f'column "{column}" is of type {pgtypes.REGTYPE_NAMES.get(oid, target)} but expression is of '
                   f"type {exprtypes.type_label(inner)}", "42804")


_CONTAINER_KINDS = ("json", "jsonb", "array")
# Kinds no enum type takes by assignment (text is left out: an enum's own values read as text here).
_NOT_ENUM_KINDS = frozenset({"int", "num", "float", "bool", "date", "time", "timestamp", "timestamptz", "interval",
                             "json", "jsonb", "bytea", "uuid", "array"})


def _typed_text(e: exp.Expression) -> bool:
    """A value whose form says it is text, varchar or char (a column declared so, a cast to
    one), which no enum column takes by assignment; other text-kind values may be an
    enum's read as text here."""
    e = e.unnest()
    if isinstance(e, exp.Column):
        decl = exprtypes.column_decl(e)
        return decl is not None and "[" not in decl and exprtypes.decl_kind(decl) == "text" and \
            enums.token_of_type(decl) is None
    return isinstance(e, exp.Cast) and isinstance(e.args.get("to"), exp.DataType) and e.args["to"].this in (
        exp.DataType.Type.TEXT, exp.DataType.Type.VARCHAR, exp.DataType.Type.CHAR)


def _check_enum_assignment(inner: exp.Expression, table: str, column: str) -> None:
    """A number, boolean, date ... stored into an enum column: 42804, as in PostgreSQL (only
    a string literal, NULL or a value of the enum type is taken)."""
    if not table:
        return
    value_token = _enum_token(inner)
    if value_token is not None:
        decl = schema.column_type(table, column)
        if enums.token_of_type(decl) is None and decl is not None and exprtypes.decl_kind(decl) not in ("text", ""):
            shown = pgtypes.REGTYPE_NAMES.get(pgtypes.column_oid(decl, None), decl)
            raise SqlError(f'column "{column}" is of type {shown} but expression is of type '
                           f"{enums.decode(value_token)[0]}", "42804")
        return
    if exprtypes.kind(inner) not in _NOT_ENUM_KINDS and not _typed_text(inner):
        return
    token = enums.column_token(table, column)
    if token is not None:
        raise SqlError(f'column "{column}" is of type {enums.decode(token)[0]} but expression is of type '
                       f"{exprtypes.type_label(inner)}", "42804")


def _container_kind(oid: int | None) -> str | None:
    from compute_node.pg_sql import arrays

    return "array" if oid in arrays.ARRAY_OIDS else {pgtypes.JSON: "json", pgtypes.JSONB: "jsonb"}.get(oid)


def _element_group(array_oid: int | None) -> str | None:
    from compute_node.pg_sql import arrays

    elem = arrays.ARRAY_OIDS.get(array_oid)
    if elem in ("int2", "int4", "int8", "float4", "float8", "numeric", "oid"):
        return "number"
    return "text" if elem == "varchar" else elem


def _mismatched(node: exp.Expression) -> tuple[exp.Expression, exp.Expression] | None:
    """Two branches of a CASE / COALESCE / GREATEST / LEAST no common type holds. A
    CASE's ELSE comes first, as PostgreSQL resolves it (CASE types text and integer)."""
    branches = exprtypes.value_branches(node)
    if isinstance(node, exp.Case) and node.args.get("default") is not None and branches:
        branches = [branches[-1], *branches[:-1]]
    return exprtypes.mismatched_branches(branches)


def _type_name(oid: int | None, fallback: str) -> str:
    from compute_node.pg_sql import arrays

    if oid in arrays.ARRAY_OIDS:
        return arrays.ELEMENTS[arrays.ARRAY_OIDS[oid]][2] + "[]"
    return pgtypes.REGTYPE_NAMES.get(oid, fallback)


def _check_container_assignment(inner: exp.Expression, column: str, oid: int | None) -> None:
    """42804 for a json, jsonb or array value stored into a column of another kind but
    text, and for a value of a scalar type (a string literal aside) stored into a json,
    jsonb or array column: PostgreSQL has no assignment cast between them (json and
    jsonb cast to each other)."""
    target = _container_kind(oid)
    source = exprtypes.kind(inner)
    if target is None:
        refused = oid in _LITERAL_TYPE and exprtypes.OID_KIND[oid] != "text" and source in _CONTAINER_KINDS
    elif source in _STORED_KINDS:
        refused = True
    elif source != target:
        refused = source in _CONTAINER_KINDS and {source, target} != {"json", "jsonb"}
    else:  # text[] into integer[] (integer[] into text[] or bigint[] is an assignment cast)
        into = _element_group(oid)
        refused = source == "array" and into not in (None, "text") and _element_group(_array_oid(inner)) not in (
            None, into)
    if not refused:
        return
    got = _type_name(_array_oid(inner), "anyarray") if source == "array" else exprtypes.type_label(inner)
    raise SqlError(f'column "{column}" is of type {_type_name(oid, "unknown")} but expression is of type {got}',
                   "42804")


def null_key_error(table: str, key: str) -> SqlError:
    return SqlError(f'null value in column "{key}" of relation "{table}" violates not-null constraint', "23502")


def _key_per_row(ins: exp.Insert, table: str, key: str) -> bool:
    """INSERT ... SELECT without the rowid key: PostgreSQL fails (23502) only if the
    SELECT gives a row. The key is added to the statement as a NULL that `pg_not_null`
    (from `_not_null_key`) refuses as each row is written; False when the statement's
    form does not allow it (VALUES, DEFAULT VALUES, no column list, SELECT *, a set
    operation)."""
    source = ins.expression
    if not isinstance(ins.this, exp.Schema) or not isinstance(source, exp.Select) or \
            any(isinstance(e, exp.Star) or isinstance(e, exp.Column) and isinstance(e.this, exp.Star)
                for e in source.expressions):
        return False
    ins.this.append("expressions", exp.to_identifier(key))
    source.append("expressions", exp.Null())  # stored through `_not_null_key`: pg_not_null
    return True


def _not_null_key(e: exp.Expression, table: str, key: str) -> exp.Expression:
    inner = e.unalias() if isinstance(e, exp.Alias) else e
    if isinstance(inner, exp.Null) and isinstance(e.parent, exp.Tuple):
        raise null_key_error(table, key)  # a VALUES row is always written
    if isinstance(inner, exp.Literal) or exprtypes.signed_literal(inner) is not None:
        return e
    return _rewrap(e, exp.Anonymous(this="pg_not_null", expressions=[
        inner.copy(), exp.Literal.string(table), exp.Literal.string(key)]))


def _map_assigned(tree: exp.Expression, fn) -> None:
    """`fn(value, table, column, column type OID)` in place of each value the statement
    stores straight into a column: INSERT ... VALUES rows, INSERT ... SELECT's select
    list, UPDATE ... SET and ON CONFLICT DO UPDATE SET."""
    if schema.current() is None:
        return
    if isinstance(tree, exp.Insert):
        targets = _insert_targets(tree)
        if targets is None:
            return
        table, cols = targets
        conflict = tree.args.get("conflict")
        if isinstance(conflict, exp.OnConflict):
            _map_set(table, conflict.expressions or [], fn)
        source = tree.expression
        if isinstance(source, exp.Values):
            rows = [r for r in source.expressions if isinstance(r, exp.Tuple)]
        elif isinstance(source, exp.Select) and not any(isinstance(e, exp.Star) for e in source.expressions):
            rows = [source]
        else:
            rows = []
        for row in rows:
            old = list(row.expressions)
            new = [fn(e, table, *cols[i]) if i < len(cols) else e for i, e in enumerate(old)]
            if any(x is not y for x, y in zip(new, old)):
                row.set("expressions", new)
    elif isinstance(tree, exp.Update) and isinstance(tree.this, exp.Table):
        _map_set(tree.this.name, tree.expressions, fn)


def _map_set(table: str, assignments: list[exp.Expression], fn) -> None:
    """`_map_assigned` for the `col = value` list of an UPDATE or ON CONFLICT DO UPDATE."""
    decls = {n.lower(): d for n, d in schema.current().columns(table) or ()}
    for eq in assignments:
        decl = decls.get(eq.this.name.lower()) if isinstance(eq, exp.EQ) and isinstance(eq.this, exp.Column) else None
        if decl:
            new = fn(eq.expression, table, eq.this.name, pgtypes.column_oid(decl, None))
            if new is not eq.expression:
                eq.set("expression", new)


def _store_values(tree: exp.Expression) -> SqlError | None:
    """Each value an INSERT or UPDATE stores, as PostgreSQL stores it (`_assigned`); and a
    primary key SQLite keeps as the rowid (`id int primary key`), which SQLite numbers
    when given NULL or left out, refused as PostgreSQL refuses it (23502): NULL or a
    missing key at translation, any other value by `pg_not_null` as the row is written.

    A stored value PostgreSQL refuses (`_assignable`) is returned, not raised: PostgreSQL
    coerces the stored values after it has read the rest of the statement, so an error
    there (a bad constant in WHERE or in the SELECT) is the one it reports first. The
    caller raises it once the rest is translated."""
    cat = schema.current()
    if cat is None or not isinstance(tree, (exp.Insert, exp.Update)):
        return None
    target = tree.this.this if isinstance(tree.this, exp.Schema) else tree.this
    key = cat.rowid_key(target.name) if isinstance(target, exp.Table) else None
    if key and isinstance(tree, exp.Insert):
        targets = _insert_targets(tree)
        if tree.args.get("default") or targets is None or key.lower() not in [n.lower() for n, _ in targets[1]]:
            if not _key_per_row(tree, target.name, key):
                raise null_key_error(target.name, key)

    refused: list[SqlError] = []

    # A rowid key given NULL is 23502, not SQLite's next number.
    guarded = key

    def store(e: exp.Expression, table: str, column: str, oid: int | None) -> exp.Expression:
        if _is_default_marker(e):
            return e  # the column's own default (_fill_defaults)
        try:
            e = _assignable(e, table, column, oid)
        except SqlError as err:
            refused.append(err)
        e = _assigned(e, oid)
        decl = schema.column_type(table, column) if oid == pgtypes.NUMERIC else None
        if decl and pgtypes.is_numeric_text(decl):
            e = numeric_text_stored(e)
        elif pgtypes.is_numeric_with_precision(decl) and not isinstance(e.unalias(), (exp.Literal, exp.Null, exp.Neg)):
            # numeric(p, s): converted from the value as it comes (a parameter's or a
            # numeric's exact text), before SQLite's column affinity would read a text of
            # more digits than a double holds as that double (99999999999999999999.25 as 1e20)
            e = _rewrap(e, exp.Anonymous(this="pg_stored", expressions=[e.unalias().copy(), exp.Literal.string(decl)]))
        return _not_null_key(e, table, guarded) if guarded and column.lower() == guarded.lower() else e

    _map_assigned(tree, store)
    return next((err for err in refused if not isinstance(err, _PlanningError)), refused[0] if refused else None)


_DEFAULT_MARKER = "pg_column_default"


def _is_default_marker(e: exp.Expression) -> bool:
    return isinstance(e, exp.Anonymous) and e.name == _DEFAULT_MARKER


def _default_markers(tree: exp.Expression) -> None:
    """INSERT ... VALUES (DEFAULT, ...) and UPDATE ... SET c = DEFAULT (SQLite has no
    DEFAULT there): each DEFAULT becomes a marker naming its column until the translation
    is done (`_fill_defaults`)."""
    if isinstance(tree, exp.Update):
        for eq in tree.expressions:
            if not isinstance(eq, exp.EQ):
                continue
            pairs = zip(eq.this.expressions, eq.expression.expressions) if isinstance(eq.this, exp.Tuple) and \
                isinstance(eq.expression, exp.Tuple) else [(eq.this, eq.expression)]  # SET (a, b) = (DEFAULT, 1)
            for column, value in pairs:
                if isinstance(value, exp.Column) and not value.table and not value.this.quoted and \
                        value.name.lower() == "default":
                    value.replace(exp.Anonymous(this=_DEFAULT_MARKER, expressions=[exp.Literal.string(column.name)]))
        return
    if not isinstance(tree, exp.Insert) or not isinstance(tree.expression, exp.Values):
        return
    rows = [r for r in tree.expression.expressions if isinstance(r, exp.Tuple)]
    if not any(isinstance(e, exp.Var) and e.name.upper() == "DEFAULT" for r in rows for e in r.expressions):
        return
    targets = _insert_targets(tree)
    if targets is None:
        raise SqlError("DEFAULT in VALUES needs a table the catalog knows", "0A000")
    names = [n for n, _oid in targets[1]]
    for r in rows:
        for i, e in enumerate(list(r.expressions)):
            if isinstance(e, exp.Var) and e.name.upper() == "DEFAULT":
                if i >= len(names):
                    raise SqlError("INSERT has more expressions than target columns", "42601")
                e.replace(exp.Anonymous(this=_DEFAULT_MARKER, expressions=[exp.Literal.string(names[i])]))


def _generated_insert_columns(tree: exp.Expression) -> None:
    """An INSERT into a table with generated columns, as PostgreSQL reads it. Without a
    column list its values go to the columns in order, generated ones included (SQLite
    skips those: `VALUES (1, 2)` filled the column after a generated one); so the list is
    written out. A generated column takes only DEFAULT, in every row (the column is then
    left out of the list); any other value, or a SELECT's, is 428C9."""
    cat = schema.current()
    if not isinstance(tree, exp.Insert) or cat is None:
        return
    target = tree.this
    table = target.this if isinstance(target, exp.Schema) else target
    if not isinstance(table, exp.Table):
        return
    cols = cat.all_columns(table.name)
    generated = {n.lower() for n, g in cols if g}
    if not generated:
        return
    listed = isinstance(target, exp.Schema) and bool(target.expressions)
    names = [c.name for c in target.expressions] if listed else [n for n, _ in cols]
    source = tree.expression
    if source is None:  # DEFAULT VALUES
        return
    rows = [r for r in source.expressions if isinstance(r, exp.Tuple)] if isinstance(source, exp.Values) else None
    if not listed:
        if rows is not None:
            width = max((len(r.expressions) for r in rows), default=0)
        else:
            first = _first_branch(source)
            if not isinstance(first, exp.Select) or any(isinstance(e, exp.Star) or isinstance(e, exp.Column) and
                                                         isinstance(e.this, exp.Star) for e in first.expressions):
                raise SqlError(f'INSERT INTO {table.name} SELECT * (a table with generated columns) needs a column '
                               "list", "0A000")
            width = len(first.expressions)
        names = names[:width]
    keep = []
    for i, n in enumerate(names):
        if n.lower() not in generated:
            keep.append(i)
        elif rows is None or not all(i < len(r.expressions) and isinstance(r.expressions[i], exp.Var) and
                                     r.expressions[i].name.upper() == "DEFAULT" for r in rows):
            raise SqlError(f'cannot insert a non-DEFAULT value into column "{n}" (a generated column)', "428C9")
    if (listed and len(keep) == len(names)) or not keep:
        return
    for r in rows or ():
        r.set("expressions", [e for i, e in enumerate(r.expressions) if i in keep or i >= len(names)])
    tree.set("this", exp.Schema(this=table, expressions=[exp.to_identifier(names[i]) for i in keep]))


def _identity_values(tree: exp.Expression, overriding: str | None) -> None:
    """An INSERT's values for identity columns, as PostgreSQL takes them: into a GENERATED
    ALWAYS column only DEFAULT, unless OVERRIDING SYSTEM VALUE (428C9); with OVERRIDING
    USER VALUE the values given for any identity column are replaced by its next value.
    An UPDATE sets a GENERATED ALWAYS column only to DEFAULT (428C9)."""
    cat = schema.current()
    if not isinstance(tree, (exp.Insert, exp.Update)) or cat is None:
        return
    target = tree.this.this if isinstance(tree.this, exp.Schema) else tree.this
    if not isinstance(target, exp.Table):
        return
    identity = serials.identity_kinds(target.name)
    if isinstance(tree, exp.Update):
        for eq in tree.expressions:
            if not isinstance(eq, exp.EQ):
                continue
            pairs = zip(eq.this.expressions, eq.expression.expressions) if isinstance(eq.this, exp.Tuple) and \
                isinstance(eq.expression, exp.Tuple) else [(eq.this, eq.expression)]
            for column, value in pairs:
                if identity.get(column.name.lower()) == "a" and not _is_default_marker(value):
                    raise SqlError(f'column "{column.name}" can only be updated to DEFAULT{DETAIL_MARK}Column '
                                   f'"{column.name}" is an identity column defined as GENERATED ALWAYS.', "428C9")
        return
    targets = _insert_targets(tree) if identity else None
    if targets is None:
        return
    if tree.expression is None:  # DEFAULT VALUES: every identity column takes its next value
        return
    source = tree.expression
    rows = [r for r in source.expressions if isinstance(r, exp.Tuple)] if isinstance(source, exp.Values) else []
    for i, (column, _oid) in enumerate(targets[1]):
        kind = identity.get(column)
        given = [r.expressions[i] for r in rows if i < len(r.expressions)]
        if kind is None or (rows and all(_is_default_marker(e) for e in given)):
            continue
        if overriding == "user":
            if not rows:
                raise SqlError("INSERT ... OVERRIDING USER VALUE with a query is not supported; list the "
                               "columns without the identity column", "0A000")
            for e in given:
                e.replace(exp.Anonymous(this=_DEFAULT_MARKER, expressions=[exp.Literal.string(column)]))
        elif kind == "a" and overriding != "system":
            raise SqlError(f'cannot insert a non-DEFAULT value into column "{column}"{DETAIL_MARK}Column "{column}" '
                           f"is an identity column defined as GENERATED ALWAYS.{HINT_MARK}Use OVERRIDING SYSTEM "
                           "VALUE to override.", "428C9")


_OVERRIDING = re.compile(r"\boverriding\s+(system|user)\s+value\b", re.IGNORECASE)


def _without_overriding(text: str) -> tuple[str, str | None]:
    """INSERT's OVERRIDING SYSTEM | USER VALUE (sqlglot does not parse it): the text
    without it, and "system", "user" or None."""
    if "overriding" not in text.lower():
        return text, None
    for kind, start, end in segments(text):
        if kind != "code":
            continue
        m = _OVERRIDING.search(text, start, end)
        if m:
            return text[:m.start()] + " " + text[m.end():], m.group(1).lower()
    return text, None


def _fill_defaults(tree: exp.Expression, table: str | None) -> None:
    """Each DEFAULT marker as its column's default expression (as SQLite keeps it: a
    serial's or identity's takes its sequence's next value), NULL for a column without
    one."""
    markers = [m for m in tree.find_all(exp.Anonymous) if _is_default_marker(m)]
    if not markers:
        return
    cat = schema.current()
    rows = cat.rows("SELECT name, dflt_value, hidden FROM pragma_table_xinfo(?)", (table,)) if cat and table else []
    found = {r[0].lower(): (r[1], r[2]) for r in rows}
    for m in markers:
        column = m.expressions[0].this
        dflt, hidden = found.get(column.lower(), (None, 0))
        if hidden in (2, 3):
            raise SqlError(f'DEFAULT for the generated column "{column}" is not supported', "0A000")
        if dflt is None or dflt.strip().upper() == "NULL":
            m.replace(exp.Null())
        else:
            m.replace(exp.Paren(this=sqlglot.parse_one(dflt, read="sqlite")))


_TIES = "sixfold_ties"


def _fetch_with_ties(tree: exp.Expression) -> exp.Expression:
    """SELECT ... ORDER BY k [OFFSET m] FETCH FIRST n ROWS WITH TIES, which SQLite lacks: the
    SELECT numbered by rank() and row_number() over its ORDER BY, the rows after the first
    m whose rank is at most m + n (the n-th row and every row that ties with it), in that
    order. A DISTINCT (numbered before it is applied) or a `*` (whose columns the outer
    SELECT must name) is left for _statement_forms to refuse."""
    for sel in list(tree.find_all(exp.Select)):
        fetch, order = sel.args.get("limit"), sel.args.get("order")
        options = fetch.args.get("limit_options") if isinstance(fetch, exp.Fetch) else None
        if options is None or not options.args.get("with_ties") or order is None:
            continue
        items = []
        for e in sel.expressions:
            if isinstance(e, exp.Star) or isinstance(e, exp.Column) and isinstance(e.this, exp.Star):
                spelled = star_expansion.spelled_columns(sel, e)
                if spelled is None:
                    break
                items += spelled
            else:
                items.append(e)
        else:
            keys = _ties_keys(order, items, bool(sel.args.get("distinct")))
            if keys is not None:
                tree = _ties_numbered(tree, sel, items, keys, fetch)
    return tree


def _ties_keys(order: exp.Order, items: list, distinct: bool) -> list[exp.Ordered] | None:
    """ORDER BY's keys as expressions of the select list's items (a position or an alias
    is its item); under DISTINCT each must be an item, then given as the item's number
    (None when one is not: left to _statement_forms' refusal)."""
    aliases = {e.alias.lower(): i for i, e in enumerate(items) if isinstance(e, exp.Alias)}
    plain = {e.unalias().sql("postgres"): i for i, e in enumerate(items)}
    keys = []
    for o in order.expressions:
        key, at = o.this, None
        if isinstance(key, exp.Literal) and not key.is_string and key.this.isdigit() and \
                1 <= int(key.this) <= len(items):
            at = int(key.this) - 1
        elif isinstance(key, exp.Column) and not key.table and key.name.lower() in aliases:
            at = aliases[key.name.lower()]
        elif key.sql("postgres") in plain:
            at = plain[key.sql("postgres")]
        if distinct and at is None:
            return None
        keys.append(o.copy())
        keys[-1].set("this", exp.Literal.number(at) if distinct else (items[at].unalias() if at is not None
                                                                       else key).copy())
    return keys


def _ties_numbered(tree: exp.Expression, sel: exp.Select, items: list, keys: list, fetch: exp.Fetch):
    """`sel` (of `items`) rewritten for FETCH ... WITH TIES (_fetch_with_ties)."""
    names = [e.alias if isinstance(e, exp.Alias) else e.name if isinstance(e, exp.Column) else
             _pg_column_name(e) or "?column?" for e in items]
    inner = sel.copy()
    for arg in ("limit", "offset", "order"):
        inner.set(arg, None)
    inner.set("expressions", [exp.alias_(e.unalias().copy(), f"sixfold_tie_c{i}") for i, e in enumerate(items)])
    if sel.args.get("distinct"):  # numbered after DISTINCT: over its rows, by the items' numbers
        for k in keys:
            k.set("this", exp.column(f"sixfold_tie_c{k.this.this}"))
        inner = exp.select(*[exp.column(f"sixfold_tie_c{i}") for i in range(len(items))]).from_(
            exp.Subquery(this=inner, alias=exp.TableAlias(this=exp.to_identifier("sixfold_distinct"))))
    window = exp.Order(expressions=keys)
    inner.set("expressions", list(inner.expressions) + [
        exp.alias_(exp.Window(this=exp.Anonymous(this=fn), order=window.copy()), f"sixfold_tie_{fn}")
        for fn in ("rank", "row_number")])
    count = fetch.args.get("count") or exp.Literal.number(1)
    offset = sel.args.get("offset")
    skipped = offset.expression.copy() if offset is not None else exp.Literal.number(0)
    shown = [exp.alias_(exp.column(f"sixfold_tie_c{i}", table=_TIES), exp.to_identifier(n, quoted=True))
             for i, n in enumerate(names)]
    outer = exp.select(*shown).from_(exp.Subquery(
        this=inner, alias=exp.TableAlias(this=exp.to_identifier(_TIES))))
    outer = outer.where(exp.and_(
        exp.GT(this=exp.column("sixfold_tie_row_number", table=_TIES), expression=skipped.copy()),
        exp.LTE(this=exp.column("sixfold_tie_rank", table=_TIES),
                expression=exp.Add(this=exp.Paren(this=skipped), expression=exp.Paren(this=count.copy())))))
    outer = outer.order_by(exp.column("sixfold_tie_row_number", table=_TIES))
    if sel is tree:
        return outer
    sel.replace(outer)
    return tree


def _check_recursion(tree: exp.Expression) -> None:
    """WITH RECURSIVE queries PostgreSQL refuses and SQLite would run: ORDER BY, LIMIT or
    OFFSET on the recursive UNION (0A000), and the recursive reference on the nullable side
    of an outer join (42P19; SQLite iterated it and answered)."""
    for cte in tree.find_all(exp.CTE):
        refs = exprtypes.recursive_references(cte)
        if not refs:
            continue
        body = cte.this
        for arg, word in (("order", "ORDER BY"), ("offset", "OFFSET"), ("limit", "LIMIT")):
            if body.args.get(arg) is not None:
                raise SqlError(f"{word} in a recursive query is not implemented", "0A000")
        for sel in body.expression.find_all(exp.Select):
            frm = sel.args.get("from_") or sel.args.get("from")
            left = [frm.this] if frm is not None else []
            for join in sel.args.get("joins") or []:
                side = (join.side or "").upper()
                nullable = left + [join.this] if side == "FULL" else [join.this] if side == "LEFT" else \
                    left if side == "RIGHT" else []
                if any(ref is n or any(a is n for a in _ancestors_of(ref)) for ref in refs for n in nullable):
                    raise SqlError(f'recursive reference to query "{cte.alias}" must not appear within an outer '
                                   "join", "42P19")
                left.append(join.this)


def _check_set_operation_order(tree: exp.Expression) -> None:
    """ORDER BY of a UNION, INTERSECT or EXCEPT names its result columns (or positions),
    as PostgreSQL requires: SQLite would also take a name from a later branch (`select 1
    as a except select 2 as b order by b` answered), a column of a branch's table, or
    (42000) an expression. Checked only when every result column's name is known."""
    for setop in tree.find_all(exp.SetOperation):
        order = setop.args.get("order")
        first = _first_branch(setop)
        if order is None or not isinstance(first, exp.Select):
            continue
        items = first.expressions
        if not all(isinstance(e, exp.Alias) and isinstance(e.args.get("alias"), exp.Identifier) or
                   isinstance(e, exp.Column) and isinstance(e.this, exp.Identifier) for e in items):
            continue  # a `*`, or an unnamed expression: PostgreSQL's rules name it
        idents = [e.args["alias"] if isinstance(e, exp.Alias) else e.this for e in items]
        names = {i.name if i.quoted else i.name.lower() for i in idents}
        for o in order.expressions:
            e = o.this if isinstance(o, exp.Ordered) else o
            if isinstance(e, exp.Collate):  # (its collation is checked where it is translated)
                e = e.this
            if isinstance(e, exp.Literal) and not e.is_string:
                continue
            if isinstance(e, exp.Column) and isinstance(e.this, exp.Identifier):
                if e.table:
                    raise SqlError(f'missing FROM-clause entry for table "{e.table}"', "42P01")
                if (e.name if e.this.quoted else e.name.lower()) not in names:
                    raise SqlError(f'column "{e.name}" does not exist', "42703")
                continue
            raise SqlError(f"invalid UNION/INTERSECT/EXCEPT ORDER BY clause{DETAIL_MARK}Only result column names "
                           f"can be used, not expressions or functions.{HINT_MARK}Add the expression/function to "
                           "every SELECT, or move the UNION into a FROM clause.", "0A000")


_WIDER_NUMBERS = {pgtypes.INT2: {pgtypes.INT4, pgtypes.INT8, pgtypes.NUMERIC, pgtypes.FLOAT4, pgtypes.FLOAT8},
                  pgtypes.INT4: {pgtypes.INT8, pgtypes.NUMERIC, pgtypes.FLOAT4, pgtypes.FLOAT8},
                  pgtypes.INT8: {pgtypes.NUMERIC, pgtypes.FLOAT4, pgtypes.FLOAT8},
                  pgtypes.NUMERIC: {pgtypes.FLOAT4, pgtypes.FLOAT8}, pgtypes.FLOAT4: {pgtypes.FLOAT8}}


_INT_OIDS = {"int2": pgtypes.INT2, "int4": pgtypes.INT4, "int8": pgtypes.INT8}


def _term_oids(term: exp.Expression) -> tuple[int | None, ...]:
    """A recursive query term's column types, an integer expression's width among them
    (`-(0 * -13)` is an int4, array_position(...) too)."""
    oids = _column_oids(term)
    first = _first_branch(term) if not isinstance(term, exp.Select) else term
    if not isinstance(first, exp.Select) or len(first.expressions) != len(oids):
        return oids
    return tuple(_expr_oid(e) if isinstance(e.unalias().unnest(), exp.Cast) and set_operations.is_null(e) else
                 o if o is not None or exprtypes.kind(e.unalias()) != "int" else
                 _INT_OIDS.get(exprtypes.int_width(e.unalias())) for o, e in zip(oids, first.expressions))
    # (NULL::int is an int: a NULL branch's type says nothing in a UNION, but it is the term's)


_RECURSIVE_HINT = f"{HINT_MARK}Cast the output of the non-recursive term to the correct type."


def _is_varchar_column(e: exp.Expression) -> bool:
    """A column declared varchar(n) (a recursive term's: its type is character varying)."""
    col = e.unalias()
    decl = exprtypes.column_decl(col) if isinstance(col, exp.Column) else None
    return decl is not None and re.match(r"\s*(?:varchar|character\s+varying)\b", decl, re.IGNORECASE) is not None


def _check_recursive_types(tree: exp.Expression) -> None:
    """42804, as PostgreSQL, for a recursive query whose recursive term would widen a
    column's number type (an integer column to a wider one, numeric or a float, numeric
    to a float): the column has its non-recursive term's type. SQLite would answer with
    each row's own. Only these widenings are checked (their types are certain from the
    query's form); numeric typmods are not."""
    for cte in tree.find_all(exp.CTE):
        if exprtypes.recursive_references(cte):
            body = cte.this
            left, right = _term_oids(body.this), _term_oids(body.expression)
            first = _first_branch(body.this) if not isinstance(body.this, exp.Select) else body.this
            items = first.expressions if isinstance(first, exp.Select) and len(first.expressions) == len(left) else ()
            second = _first_branch(body.expression)
            recursive_items = second.expressions if isinstance(second, exp.Select) else []
            for i, (lo, ro) in enumerate(zip(left, right), start=1):
                untyped = items and isinstance(items[i - 1].unalias().unnest(), (exp.Null, exp.Literal)) and \
                    (isinstance(items[i - 1].unalias().unnest(), exp.Null) or items[i - 1].unalias().unnest().is_string)
                overall = pgtypes.REGTYPE_NAMES.get(ro) if ro not in (None, pgtypes.TEXT) else \
                    "bpchar" if i <= len(recursive_items) and char_values.char_length_of(recursive_items[i - 1]) \
                    is not None else "character varying" if i <= len(recursive_items) and \
                    _is_varchar_column(recursive_items[i - 1]) else None
                if untyped and overall is not None:
                    # an untyped NULL or string first is text: the recursive term must be text too
                    raise SqlError(f'recursive query "{cte.alias}" column {i} has type text in non-recursive term '
                                   f"but type {overall} overall{_RECURSIVE_HINT}", "42804")
                if lo is not None and ro in _WIDER_NUMBERS.get(lo, ()):
                    raise SqlError(f'recursive query "{cte.alias}" column {i} has type '
                                   f"{pgtypes.REGTYPE_NAMES[lo]} in non-recursive term but type "
                                   f"{pgtypes.REGTYPE_NAMES[_union_oid((lo, ro))]} overall{_RECURSIVE_HINT}", "42804")
            _check_recursive_typmods(cte)


# A type modifier's type: its name in PostgreSQL's messages with the modifier, and without.
_TYPMOD_BASES = {"numeric": "numeric", "decimal": "numeric", "char": "character", "character": "character",
                 "bpchar": "character", "varchar": "character varying", "character varying": "character varying"}


def _typmod(e: exp.Expression) -> tuple[str, str] | None | bool:
    """(type name, modifier) of a value whose type has one (a numeric(20,4), char(4) or
    varchar(8) column, a cast to one); None for a value of no modifier (a literal, NULL,
    arithmetic, a function); False when it cannot be told here (an expression that may
    keep its operands' modifier, a column of unknown type)."""
    e = e.unalias().unnest()
    decl = None
    if isinstance(e, exp.Column):
        decl = exprtypes.column_decl(e)
        if decl is None:
            return False
    elif isinstance(e, exp.Cast) and isinstance(e.args.get("to"), exp.DataType):
        decl = e.args["to"].sql("postgres").lower()
    elif isinstance(e, exp.Nullif):
        return None  # (PostgreSQL 15's exprTypmod keeps none for NULLIF)
    elif isinstance(e, exprtypes.BRANCHING):
        # CASE / COALESCE / GREATEST / LEAST keep a modifier all their values agree on
        # (exprTypmod); a CASE without ELSE has none
        if isinstance(e, exp.Case) and e.args.get("default") is None:
            return None
        mods = [_typmod(v) for v in exprtypes.branch_values(e)]  # (a NULL among them: none)
        if False in mods:
            return False
        return mods[0] if mods and all(m == mods[0] for m in mods) else None
    elif isinstance(e, (exp.Subquery, exp.Max, exp.Min, exp.Window, exp.AggFunc)):
        return False
    if decl is None:
        return None
    m = re.fullmatch(r"\s*([a-z ]+?)\s*\(\s*(\d+(?:\s*,\s*-?\d+)?)\s*\)\s*", decl.lower())
    if m is None or m.group(1) not in _TYPMOD_BASES:
        return None
    return _TYPMOD_BASES[m.group(1)], re.sub(r"\s", "", m.group(2))


def _check_recursive_typmods(cte: exp.CTE) -> None:
    """42804 for a recursive query whose non-recursive term gives a column a type modifier
    (numeric(20,4), char(4), varchar(8)) the recursive term's value does not have (NULL,
    a literal, arithmetic, another modifier): the column's overall type then has none,
    and PostgreSQL requires the non-recursive term's type to be it. The recursive term's
    reads of the query's own column keep the type."""
    body = cte.this
    first = _first_branch(body.this) if not isinstance(body.this, exp.Select) else body.this
    second = body.expression
    if not isinstance(first, exp.Select) or not isinstance(second, exp.Select) or \
            len(first.expressions) != len(second.expressions):
        return
    own = cte.alias.lower()
    names = [c.name.lower() for c in cte.args["alias"].columns] if cte.args.get("alias") and \
        cte.args["alias"].columns else [e.alias_or_name.lower() for e in first.expressions]
    for i, (a, b) in enumerate(zip(first.expressions, second.expressions), start=1):
        left = _typmod(a)
        if not left:
            continue
        inner = b.unalias().unnest()
        if isinstance(inner, exp.Column) and (inner.table.lower() == own or not inner.table and
                                               inner.name.lower() in names and exprtypes.column_decl(inner) is None):
            continue  # (w.x: the column itself, its type)
        right = _typmod(b)
        if right is False or right == left:
            continue
        raise SqlError(f'recursive query "{cte.alias}" column {i} has type {left[0]}({left[1]}) in non-recursive '
                       f"term but type {'bpchar' if left[0] == 'character' else left[0]} overall", "42804")


def _ancestors_of(node: exp.Expression):
    parent = node.parent
    while parent is not None:
        yield parent
        parent = parent.parent


def select_path(text: str, ctx: SessionContext) -> Statement:
    """A SELECT, VALUES, INSERT, UPDATE or DELETE translated by the parser path."""
    written = text
    text, overriding = _without_overriding(text)
    tree = parse_one(text)
    if isinstance(tree, exp.Merge):  # WITH ... MERGE (merge.py imports this module: imported here)
        from compute_node.pg_sql import merge

        return merge.statement(written, ctx.param_oids)
    _check_recursion(tree)
    _check_set_operation_order(tree)
    identifier_case.check(tree)
    if constant_folding.active():  # (not for a constant the planner folds: its text is the fold's own)
        analysis_checks.check(tree)
    if data_modifying_with.modifies(tree):  # the session runs its parts in turn
        data_modifying_with.check(tree)
        data_modifying_with.split(written)
        tag = next((t for cls, t in _TAG_BY_TYPE.items() if isinstance(tree, cls)), "SELECT")
        return Statement(kind="with_dml", tag=tag, value=written, param_oids=tuple(o or None for o in ctx.param_oids),
                         param_count=highest_parameter(written))
    folds = constant_folding.plan(tree, schema.column_type) \
        if schema.current() is not None and constant_folding.active() else ()
    evaluate = _constant_values(ctx)
    table_sample.rewrite(tree)  # (before views are inlined: a view is not sampled)
    network_types.refuse_operators(tree, lambda col: values.converted_kind(exprtypes.column_decl(col) or ""))
    views.inline(tree, ctx)
    if folds or constant_folding.active():
        _refuse_missing_from_entries(tree)
    for sel in tree.find_all(exp.Select):  # (before grouped columns: PostgreSQL's order of its checks)
        _refuse_constant_keys(sel)
    try:
        _refuse_full_join_conditions(tree)
    except SqlError:  # (PostgreSQL folds the constants before it builds the join, and fails on one first)
        constant_folding.check(folds, evaluate)
        raise
    grouped_columns.check(tree)
    _subquery_column_lists(tree)
    _name_derived_columns(tree)
    tree = grouping_sets.rewrite(tree)
    into = tree.args.get("into") if isinstance(tree, exp.Select) else None
    if isinstance(into, exp.Into) and into.args.get("temporary"):
        raise SqlError("temporary tables are not supported; create a regular one and drop it when done", "0A000")
    tag = None
    for cls, t in _TAG_BY_TYPE.items():
        if isinstance(tree, cls):
            tag = t
            break
    if tag is None:
        if isinstance(tree, exp.Command):
            raise SqlError(f'"{tree.this}" is not supported', "0A000")
        raise SqlError(f"{type(tree).__name__.upper()} statements are not supported", "0A000")
    tree = _fetch_with_ties(tree)
    for dml in tree.find_all(exp.Update, exp.Delete):  # (before DELETE ... USING and `*` are rewritten)
        _refuse_returning_from_sources(dml)
    _statement_forms(tree)
    _generated_insert_columns(tree)
    _default_markers(tree)
    _identity_values(tree, overriding)
    star_expansion.spell_out(tree)  # a derived table's columns keep their types through `*`
    row_values.rewrite(tree)  # ROW(...), whole-row references, row comparisons: fields SQLite compares
    literal_types.coerce(tree)  # quoted literals take their neighbours' type
    interval_keys.rewrite(tree, _order_target)  # '1 day' and '24:00:00' group and match as one
    # (SQLite has no INTERSECT ALL / EXCEPT ALL; see mark_all for what else SQLite compares otherwise)
    intersect_except.mark_all(tree, _mixed_numeric_columns, char_values.mixed_char_columns)
    # Parameters take their types from where they stand: before anything wraps them.
    params = _param_oids(tree)
    assign_oids = _param_assign_oids(tree)
    assign_limits = _param_assign_limits(tree)
    enum_tokens = _param_enum_tokens(tree)
    refused = _store_values(tree)
    _name_columns(tree)
    _check_recursive_types(tree)
    oids = _column_oids(tree)
    scales = _column_scales(tree)
    pads = _column_pads(tree) if len(_set_branches(tree)) > 1 else ()
    undeclared = _set_operation_columns(tree)
    set_operations.refuse_read_through(tree, _column_oids)
    per_row = set_operations.plan(tree, oids, scales, char_values.mixed_char_columns)
    compound = len(_set_branches(tree)) > 1
    locks = tree.args.get("locks") if isinstance(tree, exp.Select) else None
    locking = LOCKING_READ_NOWAIT_MARK if locks and any(lk.args.get("wait") is True for lk in locks) else \
        LOCKING_READ_MARK if locks else None
    char_values.mark(tree)
    if folds or constant_folding.active() and schema.current() is not None:
        for node in constant_folding.strict_nulls(tree, evaluate):  # translated (checked), never evaluated
            exprtypes.wrap_in_place(node, lambda x: exp.Case(ifs=[exp.If(this=exp.false(), true=x)]))
    max_param = [0]
    try:
        tree = rewrite(tree, ctx, max_param)
    except SqlError:
        raise  # PostgreSQL's first error (a constant in WHERE or in the SELECT)
    except Exception:
        if refused is not None:  # a value PostgreSQL never stores: the translation is moot
            raise refused from None
        raise
    if refused is not None:
        raise refused
    tree = intersect_except.rewrite(distinct_on.rewrite(tree))
    upsert_keys = _upsert_key_positions(tree) if isinstance(tree, exp.Insert) else None
    if upsert_keys is not None:
        _check_repeated_upsert_keys(tree, upsert_keys)
    if isinstance(tree, (exp.Insert, exp.Update)):
        target = tree.this.this if isinstance(tree.this, exp.Schema) else tree.this
        _fill_defaults(tree, target.name if isinstance(target, exp.Table) else None)
    if per_row is not None:
        tree = set_operations.apply(tree, per_row)
    constant_folding.check(folds, evaluate)  # (PostgreSQL plans after its checks)
    _values_numerics_as_text(tree)
    _parenthesized_operands(tree)
    sql = gen(tree) + (" " + locking if locking else "")
    flags = any(exprtypes.CATALOG_RELATION in s.meta for s in tree.find_all(exp.Subquery))
    return Statement(kind="sql", tag=tag, sqlite=(sql,), param_count=max_param[0], column_oids=oids,
                     column_scales=scales, param_oids=params, param_assign_oids=assign_oids,
                     param_assign_limits=assign_limits, param_enum_tokens=enum_tokens, compound=compound,
                     column_pads=pads, undeclared=undeclared, catalog_flags=flags)


def _values_numerics_as_text(tree: exp.Expression) -> None:
    """A VALUES list's column of numeric literals whose display scales differ ((1.50),
    (2.5), (0.000)): each row is PostgreSQL's text of its number, of TEXT affinity under
    the pg_numeric collation, as a numeric column without a precision stores it, so each
    row shows its own scale and still compares, sorts and groups by value (as a number,
    SQLite would show 1.5, 2.5 and 0); a quotient, sqrt, ln ... among them is its exact
    text (set_operations.shown_twin). Run on the translated statement: its VALUES cells
    are SQLite literals and calls by then."""
    for values in tree.find_all(exp.Values):
        if isinstance(values.parent, exp.Insert):
            continue  # (stored through the column's own conversion)
        rows = [r for r in values.expressions if isinstance(r, exp.Tuple)]
        width = max((len(r.expressions) for r in rows), default=0)
        for i in range(width):
            cells = [r.expressions[i] for r in rows if i < len(r.expressions)]
            texts = [_values_number_text(c) for c in cells]
            twins = [set_operations.shown_twin(c.unnest(), arithmetic=True) if t is None else None
                     for c, t in zip(cells, texts)]
            if any(t is None and w is None for t, w in zip(texts, twins)) or all(t == "" for t in texts):
                continue
            scales = {exprtypes.decimal_scale(t) for t in texts if t}
            if len(scales) < 2 and not any(twins):
                continue  # (one scale: the column's, column_scales shows it)
            for cell, text, twin in zip(cells, texts, twins):
                if text != "":
                    shown = twin if twin is not None else exp.Literal.string(text)
                    cell.replace(exp.Collate(this=exp.Cast(this=shown, to=exp.DataType.build("TEXT")),
                                             expression=exp.to_identifier(pgtypes.NUMERIC_TEXT_COLLATION)))


def _values_number_text(cell: exp.Expression) -> str | None:
    """A VALUES cell's number as PostgreSQL shows it ('' for NULL), None when it is no
    number literal (the column is then left as it is)."""
    if isinstance(cell, exp.Null):
        return ""
    if isinstance(cell, exp.Cast) and exprtypes.signed_literal(cell.this) is not None and \
            exprtypes.signed_literal(cell.this).lstrip("-").isdigit():
        cell = cell.this  # 10::numeric (CAST(10 AS INTEGER) by now): 10
    if isinstance(cell, exp.Abs) and exprtypes.signed_literal(cell.this) is not None:
        folded = exprtypes.signed_literal(cell.this).lstrip("-")  # abs(-2.50) keeps its scale: 2.50
        return _numeric_literal_text(folded) if folded else None
    folded = exprtypes.signed_literal(cell)
    if folded is None:
        return None
    try:
        return _numeric_literal_text(folded)
    except ArithmeticError:
        return None


def _promote_values_numbers(values: exp.Values) -> None:
    """A VALUES list's column of floats and integers is of the float's type, as PostgreSQL
    resolves it: each integer there is made a double (SQLite would divide 3 / 2 as
    integers in `(VALUES (1.5::float8), (3)) v(x)`)."""
    rows = [r for r in values.expressions if isinstance(r, exp.Tuple)]
    width = max((len(r.expressions) for r in rows), default=0)
    for i in range(width):
        cells = [r.expressions[i] for r in rows if i < len(r.expressions)]
        kinds = [exprtypes.kind(c) for c in cells if not isinstance(c, exp.Null)]
        if "float" not in kinds or not set(kinds) <= set(exprtypes.NUMERIC):
            continue
        for cell in cells:
            if exprtypes.kind(cell) == "int":
                cell.replace(exp.Cast(this=cell.copy(), to=exp.DataType.build("double")))


def _constant_values(ctx: SessionContext) -> Callable[[str], object]:
    """_constant_value for one statement's constants, each evaluated once (a value is
    kept; an error is raised again the next time it is asked for)."""
    known: dict[str, object] = {}

    def evaluate(sql: str) -> object:
        if sql not in known:
            known[sql] = _constant_value(sql, ctx)
        return known[sql]
    return evaluate


def _constant_value(sql: str, ctx: SessionContext) -> object:
    """A constant subexpression's value (PostgreSQL text `sql`), evaluated as PostgreSQL's
    planner folds it: its error (a data exception) fails the statement; a constant not
    translated or run here is constant_folding.UNKNOWN."""
    with constant_folding.suspended():
        try:
            st = select_path(f"SELECT {sql}", ctx)
            if st.kind != "sql" or len(st.sqlite) != 1 or st.param_count or st.literals:
                return constant_folding.UNKNOWN
            rows = schema.current().query(st.sqlite[0], ())
        except SqlError as e:
            if constant_folding.fold_error(e):
                raise
            return constant_folding.UNKNOWN
        except Exception:  # (a translator gap: PostgreSQL's fold is not known, none is made)
            return constant_folding.UNKNOWN
    return rows[0][0] if rows and len(rows[0]) == 1 else constant_folding.UNKNOWN


_DERIVED_COLUMN_DEPTH_MAX = 8  # subqueries followed from a result column to a set operation


def _set_operation_columns(tree: exp.Expression) -> tuple[int, ...]:
    """Statement.undeclared: the result columns of a SELECT that read, through subqueries
    or CTEs, a column of a set operation (a UNION in a subquery, a recursive CTE)."""
    if not isinstance(tree, exp.Select):
        return ()
    out = []
    for i, item in enumerate(tree.expressions):
        e = item.unalias()
        for _ in range(_DERIVED_COLUMN_DEPTH_MAX):
            if not isinstance(e, exp.Column):
                break
            source = exprtypes.derived_projection(e)
            if source is None:
                break
            sel = source.find_ancestor(exp.Select)
            if sel is not None and isinstance(sel.parent, exp.SetOperation):
                out.append(i)
                break
            e = source
    return tuple(out)


def _parenthesized_operands(tree: exp.Expression) -> None:
    """`(SELECT ... ORDER BY ... LIMIT n) UNION (SELECT ...)`: SQLite takes no parentheses
    around a compound SELECT's operands (a syntax error), so each parenthesized operand
    becomes `SELECT ... FROM (...)`, which keeps its own ORDER BY and LIMIT. Its columns
    keep their names, also two of one name (SQLite's `*` would call the second `id:1`)."""
    for setop in list(tree.find_all(exp.SetOperation)):
        for key in ("this", "expression"):
            operand = setop.args.get(key)
            if not (isinstance(operand, exp.Subquery) and not operand.alias and isinstance(operand.this, exp.Select)):
                continue
            inner = operand.this
            names = [e.alias_or_name for e in inner.expressions]
            if any(star_expansion.is_star(e) for e in inner.expressions) or len(set(names)) == len(names):
                setop.set(key, exp.select("*").from_(exp.Subquery(this=inner)))
                continue
            inner.set("expressions", [exp.alias_(e.unalias() if isinstance(e, exp.Alias) else e,
                                                 f"sixfold_column_{i + 1}", quoted=True)
                                      for i, e in enumerate(inner.expressions)])
            outer = [exp.alias_(exp.column(f"sixfold_column_{i + 1}", "_operand", quoted=True), name, quoted=True)
                     for i, name in enumerate(names)]
            setop.set(key, exp.select(*outer).from_(exp.Subquery(this=inner, alias=exp.TableAlias(
                this=exp.to_identifier("_operand")))))


def _param_number(p: exp.Parameter) -> int | None:
    v = p.this
    if isinstance(v, exp.Literal) and not v.is_string and str(v.this).isdigit():
        return int(v.this)
    return None


def _operand_oid(e: exp.Expression) -> int | None:
    """The type OID a parameter compared with / combined with `e` takes."""
    from compute_node.pg_sql import types as t

    if isinstance(e, exp.Column):
        decl = exprtypes.column_decl(e)
        return t.column_oid(decl, None) if decl else None
    if isinstance(e, exp.Literal) and not e.is_string:
        hint = exprtypes.literal_int_hint(str(e.this))
        return {"int4": t.INT4, "int8": t.INT8}.get(hint, t.NUMERIC)
    return exprtypes.oid(e) if exprtypes.kind(e) not in ("", "unknown", "int") else None


def _insert_targets(ins: exp.Insert) -> tuple[str, list[tuple[str, int | None]]] | None:
    """(table, [(column, type OID)] in the order of the INSERT's values), None when the
    target is not a known table."""
    target = ins.this
    table = target.this if isinstance(target, exp.Schema) else target
    if not isinstance(table, exp.Table):
        return None
    cols = schema.current().columns(table.name) if schema.current() is not None else None
    if not cols:
        return None
    decls = {n.lower(): d for n, d in cols}
    if isinstance(target, exp.Schema) and target.expressions:
        names = [c.name.lower() for c in target.expressions]
    else:
        names = [n.lower() for n, _ in cols]
    return table.name, [(n, pgtypes.column_oid(decls[n], None) if decls.get(n) else None) for n in names]


def _insert_target_oids(ins: exp.Insert) -> list[int | None]:
    targets = _insert_targets(ins)
    return [oid for _n, oid in targets[1]] if targets else []


def _by_parameter(found: dict) -> tuple:
    """`found` ($n -> what the statement says of it) as a tuple by parameter ($1 first),
    None for a parameter it says nothing of; () for none."""
    return tuple(found.get(i) for i in range(1, max(found) + 1)) if found else ()


def _param_enum_tokens(tree: exp.Expression) -> tuple[str | None, ...]:
    """See Statement.param_enum_tokens."""
    found: dict[int, str] = {}
    for p in tree.find_all(exp.Parameter):
        n = _param_number(p)
        parent = p.parent
        while isinstance(parent, exp.Paren):
            parent = parent.parent
        if n is None or exprtypes.parameter_oid(p) or not isinstance(parent, exp.Cast) or \
                not isinstance(parent.args.get("to"), exp.DataType):
            continue
        token = enums.token_of_type(parent.args["to"].sql("postgres"))
        if token is not None:
            found.setdefault(n, token)
    return _by_parameter(found)


def _param_assign_limits(tree: exp.Expression) -> tuple[tuple[int, str] | None, ...]:
    """See Statement.param_assign_limits."""
    found: dict[int, tuple[int, str]] = {}

    def note(e: exp.Expression, table: str, column: str, _oid: int | None) -> exp.Expression:
        n = _param_number(e) if isinstance(e, exp.Parameter) else None
        decl = schema.column_type(table, column) if n is not None else None
        limit = pgtypes.length_limit(decl) if decl and "[" not in decl else None
        if limit is not None:
            varchar = exprtypes.decl_kind(decl) == "text" and "var" in decl.lower()
            found.setdefault(n, (limit, "character varying" if varchar else "character"))
        return e

    _map_assigned(tree, note)
    return _by_parameter(found)


def _param_assign_oids(tree: exp.Expression) -> tuple[int | None, ...]:
    """See Statement.param_assign_oids."""
    found: dict[int, int] = {}

    def note(e: exp.Expression, _table: str, _column: str, oid: int | None) -> exp.Expression:
        n = _param_number(e) if isinstance(e, exp.Parameter) else None
        if n is not None and oid in _ASSIGNED_OIDS:
            found.setdefault(n, oid)
        return e

    _map_assigned(tree, note)
    return _by_parameter(found)


def _param_oids(tree: exp.Expression) -> tuple[int | None, ...]:
    """What type each $n takes from where it stands (see Statement.param_oids)."""
    from compute_node.pg_sql import types as t

    found: dict[int, int] = {}
    insert_oids: list[int | None] | None = None
    for p in tree.find_all(exp.Parameter):
        n = _param_number(p)
        if n is None or n in found:
            continue
        node, parent = p, p.parent
        while isinstance(parent, exp.Paren):
            node, parent = parent, parent.parent
        oid = None
        if isinstance(parent, (exp.Cast, exp.TryCast)):
            oid = _expr_oid(parent)
        elif isinstance(parent, (exp.Limit, exp.Offset)) or isinstance(parent, exp.Fetch):
            oid = t.INT8
        elif isinstance(parent, (exp.EQ, exp.NEQ, exp.GT, exp.GTE, exp.LT, exp.LTE, exp.Add, exp.Sub, exp.Mul,
                                 exp.Div, exp.Like, exp.ILike)):
            other = parent.expression if node is parent.this else parent.this
            oid = _operand_oid(other)
        elif isinstance(parent, (exp.In, exp.Between)):
            oid = _operand_oid(parent.this) if node is not parent.this else None
        elif isinstance(parent, exp.DPipe) and exprtypes.kind(other := parent.expression if node is parent.this
                                                               else parent.this) == "array":
            # ($1 || text[]: PostgreSQL reads an untyped $1 as the array's type, array || array)
            oid = _array_oid(other)
        elif isinstance(parent, exp.Tuple) and isinstance(parent.parent, exp.Values) and \
                isinstance(parent.parent.parent, exp.Insert):
            if insert_oids is None:
                insert_oids = _insert_target_oids(parent.parent.parent)
            idx = parent.expressions.index(node)
            oid = insert_oids[idx] if idx < len(insert_oids) else None
        if oid is not None:
            found[n] = oid
    return _by_parameter(found)


def _set_branches(tree: exp.Expression) -> list[exp.Expression]:
    """The SELECTs whose rows a set operation (UNION, INTERSECT, EXCEPT) combines, in
    order; [tree] for anything else."""
    if isinstance(tree, (exp.Union, exp.Intersect, exp.Except)):
        return _set_branches(tree.this) + _set_branches(tree.expression)
    if isinstance(tree, exp.Subquery) and not tree.alias and isinstance(tree.this, exp.SetOperation):
        return _set_branches(tree.this)  # (a UNION (b INTERSECT c): sqlglot parenthesizes the operand)
    return [tree.this if isinstance(tree, exp.Subquery) else tree]


def _per_branch(tree: exp.Expression, one) -> list[tuple] | None:
    """`one(expression)` for every result column of every branch; None when a branch is
    not a plain SELECT list (a star, a VALUES) or the branches differ in width."""
    rows = []
    branches = _set_branches(tree)
    if isinstance(tree, (exp.Insert, exp.Update, exp.Delete)):  # RETURNING's list, or no result
        branches = [tree.args["returning"]] if isinstance(tree.args.get("returning"), exp.Returning) else []
    for b in branches:
        if not isinstance(b, (exp.Select, exp.Returning)) or any(
                isinstance(e, exp.Star) or isinstance(e, exp.Column) and isinstance(e.this, exp.Star)
                for e in b.expressions):
            return None
        rows.append(tuple(one(e) for e in b.expressions))
    return rows if len({len(r) for r in rows}) == 1 else None


def _column_scales(tree: exp.Expression) -> tuple[int | None, ...]:
    """A result column's display scale, where every branch of a set operation has the
    same one (else each row keeps its own: 2.50 from one branch, 123.456 from another).
    EXCEPT and INTERSECT return rows of their left operand (SQLite's INTERSECT and
    intersect_except's both show the left's row of a match): their scale is the left's."""
    if isinstance(tree, (exp.Except, exp.Intersect)):
        return _column_scales(tree.this)
    body = _star_source(tree)
    if body is not None:  # SELECT * FROM a CTE or subquery: its columns' scales
        return _column_scales(body)

    def one(e):
        return exprtypes.scale(e) if exprtypes.kind(e) == "num" or isinstance(e.unalias(), exp.Extract) else None

    return _agreed_per_column(tree, one)


def _agreed_per_column(tree: exp.Expression, one) -> tuple:
    """`one(item)` of each result column where every branch of a set operation agrees
    (a NULL branch takes the others' value), else None; () when no column has one."""
    rows = _per_branch(tree, lambda e: _NULL_BRANCH if _null_branch(e) else one(e))
    if not rows:
        return ()
    voting = [{x for x in col if x is not _NULL_BRANCH} for col in zip(*rows)]
    out = tuple(col.pop() if len(col) == 1 else None for col in voting)
    return out if any(x is not None for x in out) else ()


def _column_pads(tree: exp.Expression) -> tuple[int | None, ...]:
    """n of each result column of a set operation that is char(n) in every branch (a
    char(n) column, a cast to char(n)), for the wire layer to pad it: SQLite declares no
    type for a set operation's columns. EXCEPT's and INTERSECT's rows are their left
    operand's."""
    if isinstance(tree, (exp.Except, exp.Intersect)):
        return _column_pads(tree.this)

    def one(e):
        e = e.unalias()
        if isinstance(e, exp.Cast) and isinstance(e.args.get("to"), exp.DataType):
            return pgtypes.char_length(e.args["to"].sql("postgres"))
        if not isinstance(e, exp.Column):
            return None
        decl = exprtypes.column_decl(e)
        if decl is None and isinstance(e.parent, exp.Select):  # a name two branches' tables share
            srcs = exprtypes.from_sources(e.parent)
            if len(srcs) == 1 and isinstance(srcs[0], exp.Table) and isinstance(srcs[0].this, exp.Identifier) \
                    and not srcs[0].db and exprtypes.cte_named(srcs[0].name, srcs[0]) is None:
                decl = schema.column_type(srcs[0].name, e.name)
        return pgtypes.char_length(decl)

    return _agreed_per_column(tree, one)


def _star_source(tree: exp.Expression) -> exp.Expression | None:
    """The query under `SELECT * FROM <one CTE or subquery>`, else None (a table's columns
    have declared types, which say their scales)."""
    if not (isinstance(tree, exp.Select) and len(tree.expressions) == 1 and isinstance(tree.expressions[0], exp.Star)
            and not tree.args.get("joins")):
        return None
    frm = tree.args.get("from_") or tree.args.get("from")
    src = frm.this if frm is not None else None
    if isinstance(src, exp.Subquery):
        return src.this
    if isinstance(src, exp.Table) and isinstance(src.this, exp.Identifier) and not src.db:
        return exprtypes._cte(src.name, src)
    return None


_NULL_BRANCH = object()  # a set operation's NULL: it takes the other branches' type and scale


def _null_branch(e: exp.Expression) -> bool:
    """Whether select-list item `e` is a set operation's branch value NULL (or NULL::t)."""
    sel = e.parent
    return set_operations.is_null(e) and sel is not None and isinstance(sel.parent, set_operations.SET_OPERATIONS)


_BOOL_EXPRS = (exp.EQ, exp.NEQ, exp.GT, exp.GTE, exp.LT, exp.LTE, exp.And, exp.Or, exp.Not, exp.Is, exp.In,
               exp.Like, exp.ILike, exp.Between, exp.Exists, exp.Boolean, exp.NullSafeEQ, exp.NullSafeNEQ,
               exp.RegexpLike, exp.RegexpILike, exp.ArrayContainsAll)


def _array_oid(e: exp.Expression) -> int | None:
    """The array type of an array expression: its array column's, or from ARRAY[...]'s
    elements (integers: integer[], strings: text[])."""
    from compute_node.pg_sql import arrays
    from compute_node.pg_sql import types as t

    if isinstance(e, exp.Array) and len(e.expressions) == 1 and isinstance(e.expressions[0], (exp.Select, exp.Subquery)):
        sub = e.expressions[0].unnest() if isinstance(e.expressions[0], exp.Subquery) else e.expressions[0]
        if isinstance(sub, exp.Select) and len(sub.expressions) == 1:
            return _array_of(sub.expressions[0])  # ARRAY(SELECT x ...)
    inner = e.unnest()
    if char_values.char_elements(inner):
        return char_values.BPCHAR_ARRAY
    joined = exprtypes.joined_element_kind(inner)  # array_append(int[], bigint) is bigint[]
    if joined is not None:
        return arrays.ELEMENTS[joined][1]
    if isinstance(inner, exp.ArrayAgg):
        element = inner.this.this if isinstance(inner.this, exp.Order) else inner.this
        if isinstance(element, exp.Distinct) and len(element.expressions) == 1:
            element = element.expressions[0]
        return _array_of(element)
    if isinstance(inner, exp.StringToArray) or isinstance(inner, exp.Anonymous) and \
            inner.name.lower() in more_functions.TEXT_ARRAY_FUNCTIONS or type(inner).__name__ == "CurrentSchemas":
        return arrays.ELEMENTS["text"][1]
    if isinstance(inner, exp.ArrayRemove) or exprtypes.is_slice(inner):
        return _array_oid(inner.this)
    if isinstance(inner, exprtypes.BRANCHING):  # coalesce(a, '{}'::int[]): the type its branches agree on
        oids = {_array_oid(b) for b in exprtypes.value_branches(inner)}
        if len(oids) == 1 and None not in oids:
            return oids.pop()
    if isinstance(inner, exp.Anonymous) and inner.name.lower() in (
            "array_positions", "array_fill", "array_replace", "trim_array") or isinstance(inner, exp.ArrayPrepend):
        elem = exprtypes.array_element_kind(inner)  # from the arguments, not any array among them
        return arrays.ELEMENTS[elem][1] if elem in arrays.ELEMENTS else None
    if isinstance(inner, (exp.Cast, exp.TryCast)) and isinstance(inner.args.get("to"), exp.DataType) and \
            inner.args["to"].this == exp.DataType.Type.ARRAY:
        return t.column_oid(inner.args["to"].sql("postgres").lower())  # '{1,2}'::int[]
    if isinstance(inner, (exp.Parameter, exp.Var)):
        oid = exprtypes.parameter_oid(inner)
        return oid if oid in arrays.ARRAY_OIDS else None
    if isinstance(inner, exp.Column) and exprtypes.column_decl(inner) is None and \
            inner.name.lower() in exprtypes.CATALOG_ARRAY_COLUMNS:
        return arrays.ELEMENTS[exprtypes.CATALOG_ARRAY_COLUMNS[inner.name.lower()]][1]
    if isinstance(inner, exp.Array) and inner.expressions:  # its elements' (not an array read inside one)
        elem = exprtypes.array_element_kind(inner)
        if elem in arrays.ELEMENTS:
            return arrays.ELEMENTS[elem][1]

    for col in e.find_all(exp.Column):
        decl = exprtypes.column_decl(col)
        if decl and "[" in decl:
            return t.column_oid(decl)
    for arr in e.find_all(exp.Array):
        kinds = {exprtypes.kind(x) for x in arr.expressions if not isinstance(x, exp.Null)}
        if kinds == {"int"}:
            return arrays.ELEMENTS[exprtypes.array_element_kind(arr) or "int4"][1]
        if kinds == {"bool"}:
            return arrays.ELEMENTS["bool"][1]
        if kinds == {"float"}:
            return arrays.ELEMENTS[exprtypes.array_element_kind(arr) or "float8"][1]
        if kinds <= {"unknown", "text"} and kinds:  # (ARRAY[v, t] of a varchar v first is varchar[])
            return arrays.ELEMENTS["varchar" if exprtypes.array_element_kind(arr) == "varchar" else "text"][1]
        if kinds <= {"int", "num"} and kinds:
            return arrays.ELEMENTS["numeric"][1]  # each element's text keeps its scale
    return None


def _expr_oid(e: exp.Expression) -> int | None:
    """The PostgreSQL type of a select-list expression, when its form says it."""
    from compute_node.pg_sql import types as t

    if isinstance(e, exp.Alias):
        e = e.this
    while isinstance(e, (exp.Paren, exp.Filter)):  # an aggregate's FILTER keeps its type
        e = e.this
    if isinstance(e, exp.Tuple):  # a table's whole row: text (PostgreSQL's type is the table's row
        return t.TEXT if e.meta.get(row_values.TABLE_ROW) else t.RECORD  # type, which the catalog has not)
    if isinstance(e, exp.Subquery) and _scalar_subquery(e):  # (SELECT x ...): x's type
        first = _first_branch(e.this)
        if len(first.expressions) == 1:
            item = first.expressions[0]
            oid = _expr_oid(item)
            if oid is None and isinstance(item.unalias(), exp.Column):
                decl = exprtypes.column_decl(item.unalias())
                oid = pgtypes.column_oid(decl, None) if decl else None
            return oid
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
    if _lossy_text(e) is not None:
        return t.NUMERIC  # shown as its exact text (the value alone would say text, or bigint)
    if isinstance(e, exp.Column) and not exprtypes.column_decl(e):
        source = exprtypes.derived_projection(e)  # a subquery's array_agg(...): an array still
        if source is not None and (isinstance(source, exp.ArrayAgg) or exprtypes.kind(source) == "array"):
            return _expr_oid(source)
        rows = exprtypes.values_rows(e) if source is None else None  # (VALUES (ARRAY[1])) v(x): int[]
        if rows and all(exprtypes.kind(r) == "array" for r in rows):
            oids = {_array_oid(r) for r in rows}
            if len(oids) == 1 and None not in oids:
                return oids.pop()
    if exprtypes.kind(e) == "array":
        return _array_oid(e)
    if exprtypes.parameter_number(e) is not None and pgtypes.is_array_oid(exprtypes.parameter_oid(e)):
        return exprtypes.parameter_oid(e)  # (a bare $1 the client typed int2[]: its own type)
    if isinstance(e, exp.Bracket):
        return exprtypes.array_element_oid(e)
    if isinstance(e, exp.Column) and e.name.lower() in catalog.BOOL_COLUMNS:
        return t.BOOL  # a catalog relation's flag: 1/0 here, t/f on the wire
    if isinstance(e, (exp.Add, exp.Sub, exp.Mul, exp.Div, exp.Interval, exp.Extract, exp.TimestampTrunc,
                      exp.DateTrunc, exp.UnixToTime, exp.TimeToStr, exp.Sum, exp.Max, exp.Min, exp.Column)) or (
            isinstance(e, exp.Anonymous) and e.name.lower() in ("age", "make_date", "to_timestamp")) or \
            exprtypes.int_width(e) == "int4" and isinstance(e, (exp.Anonymous, exp.ArraySize, exp.ArrayPosition)):
        return exprtypes.oid(e)
    if isinstance(e, exp.Dot) and isinstance(e.this, exp.Identifier) and e.this.name.lower() == "pg_catalog":
        e = e.expression  # pg_catalog.f(...) is f(...)
    if isinstance(e, exp.Anonymous) and e.name.lower() in _BOOL_FUNCTIONS:
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
    if isinstance(e, exp.Literal) and e.is_string:
        return t.TEXT
    folded = exprtypes.signed_literal(e)  # 5, -1, -(2.5): signs folded in, as PostgreSQL's parser does
    if folded is not None:
        hint = exprtypes.literal_int_hint(folded)
        return t.INT4 if hint == "int4" else (t.INT8 if hint == "int8" else t.NUMERIC)
    if isinstance(e, exp.Null):
        return t.TEXT
    if exprtypes.kind(e) in _SELF_EVIDENT_KINDS:  # CASE, COALESCE, NULLIF, GREATEST ... of booleans, dates
        return exprtypes.oid(e)
    if isinstance(e, (*exprtypes.BRANCHING, exp.Nullif)) and exprtypes.kind(e) in ("int", "float"):
        return exprtypes.oid(e)  # ... of integers of a known width, of floats (a NULL row says nothing)
    return None


# Functions whose result is a boolean (SQLite's 1 or 0 is shown as t or f).
_BOOL_FUNCTIONS = frozenset({"pg_is_in_recovery", "pg_table_is_visible", "pg_type_is_visible",
                             "pg_function_is_visible", "pg_collation_is_visible", "has_database_privilege",
                             "pg_try_advisory_lock", "pg_try_advisory_xact_lock", "pg_advisory_unlock",
                             "pg_cancel_backend", "pg_terminate_backend"})

def _array_of(element: exp.Expression) -> int:
    """The array type whose elements are `element`'s (text[] when unknown)."""
    k = exprtypes.kind(element)
    if k == "int":
        return {"int2": 1005, "int8": 1016}.get(exprtypes.int_width(element), 1007)
    if k == "float" and exprtypes.oid(element) == pgtypes.FLOAT4:
        return 1021  # real[]
    return {"num": 1231, "float": 1022, "bool": 1000, "date": 1182}.get(k, 1009)


_SELF_EVIDENT_KINDS = ("bool", "num", "float", "date", "time", "timestamp", "timestamptz", "interval", "json", "jsonb",
                       "bytea", "uuid")


def _column_oids(tree: exp.Expression) -> tuple[int | None, ...]:
    """The result columns' types: the first branch's, resolved across the branches of a
    set operation as PostgreSQL does for the number types (real and double precision give
    double precision, integers and numeric numeric); None (the values decide) where the
    branches disagree otherwise."""
    rows = _per_branch(tree, lambda e: _NULL_BRANCH if _null_branch(e) else _expr_oid(e))
    if not rows:
        return ()
    return tuple(_union_oid(tuple(o for o in col if o is not _NULL_BRANCH)) if any(o is not _NULL_BRANCH for o in col)
                 else pgtypes.TEXT for col in zip(*rows))


_NUMBER_ORDER = (pgtypes.INT2, pgtypes.INT4, pgtypes.INT8, pgtypes.NUMERIC, pgtypes.FLOAT4, pgtypes.FLOAT8)


def _union_oid(oids: tuple[int | None, ...]) -> int | None:
    known = {o for o in oids if o is not None}
    if len(known) <= 1:
        return known.pop() if known else None
    if known <= set(_NUMBER_ORDER):
        if pgtypes.NUMERIC in known and known & {pgtypes.FLOAT4, pgtypes.FLOAT8}:
            return pgtypes.FLOAT8
        return max(known, key=_NUMBER_ORDER.index)
    return None


# --- the fast path ---------------------------------------------------------------------------
_FAST_FIRST = {"select": "SELECT", "insert": "INSERT", "update": "UPDATE", "delete": "DELETE"}
_TYPED_LITERAL = re.compile(r"[A-Za-z_0-9\"]\s*''")
# (|| merges jsonb and appends to arrays, && is array overlap, -> and ->> read json: the parser's)
_FAST_DENY_CHARS = re.compile(r"::|\$|~|\[|!|@|#|\?|\bE'|\\|\|\||&&|->")
_FAST_DENY_WORDS = re.compile(
    r"\b(?:like|ilike|similar|distinct\s+from|limit\s+all|cast|interval|array|lateral|only|fetch|for|"
    r"pg_\w+|information_schema|current_user|session_user|user|current_database|current_schema|"
    r"current_catalog|current_role|version|localtimestamp|localtime|current_time|current_date|generate_series|"
    r"set_config|nextval|currval|setval|extract|date_trunc|to_char|to_timestamp|to_date|age|"
    r"string_agg|array_agg|any|some|all|window|over|public|position|substring|trim|overlay|"
    r"greatest|least|offset|rows|row|isnull|notnull|using|returning|union|intersect|except|default|"
    r"group|having|conflict|collate|tablesample)\b",  # (GROUP BY, HAVING: grouped_columns checks what they show)
    re.IGNORECASE)
def _repeats_a_target(scan: str, word: str) -> bool:
    if word == "insert":
        m = re.match(r"\s*insert\s+into\s+[\w\".]+\s*\(([^)]*)\)", scan, re.IGNORECASE)
        names = [n.strip().lower() for n in m.group(1).split(",")] if m else []
    else:
        m = re.search(r"\bset\b(.*?)(?:\bwhere\b|$)", scan, re.IGNORECASE | re.DOTALL)
        names = [n.lower() for n in re.findall(r"(?:^|,)\s*(\w+)\s*=", m.group(1))] if m else []
    return len(names) != len(set(names))


_COMMA_JOIN = re.compile(r"\bfrom\b[^()]*?,", re.IGNORECASE | re.DOTALL)
_ALIAS_READ = re.compile(r"\bas\b.*\b(?:where|having|order\s+by|group\s+by)\b", re.IGNORECASE | re.DOTALL)
_BARE_CONDITION = re.compile(r"\b(?:where|and|or|not|on|when)\s+(?:[A-Za-z_][\w.]*|\d+(?:\.\d*)?)\s*"
                             r"(?:$|\)|;|\b(?:and|or|order|group|limit|offset|then|having)\b)", re.IGNORECASE)
_SELECT_LIST_TYPED = re.compile(r"[=<>'|&]|\b(?:true|false|not|and|or|is|in|like|between|null|now|"
                                r"current_date|current_timestamp)\b|\b\d", re.IGNORECASE)
# "SET c = c + 5": the one arithmetic the fast path keeps (pgbench's); a date column
# there fails in its input trigger instead of storing SQLite's sum.
_SELF_INCREMENT = re.compile(r"\bset\s+(\w+)\s*=\s*\1\s*([-+])\s*(-?\s*\d+(?:\.\d+)?)(?=\s+where\b|\s*$)",
                             re.IGNORECASE)
_BINARY_PLUS_MINUS = re.compile(r"[\w)'\]]\s*[-+]")
_CURRENT_TIMESTAMP = re.compile(r"\bcurrent_timestamp\b(\s*\(\s*\d*\s*\))?", re.IGNORECASE)


_FRACTION = re.compile(r"(?<![\w.])(\d+\.\d*|\.\d+|\d+[eE][+-]?\d+)")
_DML_TARGET = re.compile(r"^\s*(?:insert\s+into|update)\s+([A-Za-z_]\w*)\b", re.IGNORECASE)
_INSERT_COLUMNS = re.compile(r"^\s*insert\s+into\s+[A-Za-z_]\w*\s*\(([^)]*)\)", re.IGNORECASE)


def _stores_need_parser(scan: str, word: str) -> bool:
    """Whether an INSERT or UPDATE may store a value the parser path must convert or
    refuse (`_store_values`): anything into a real column; a fractional literal into a
    table with an integer column, or (UPDATE) a numeric or float column on the right of
    SET there; a NULL or missing rowid primary key; true/false into a table with other
    types; a number into a column that is not a number; a string into a varchar(n) or
    char(n) or a table with a bytea column; a function call's value (its type decides).
    Unknown tables say yes."""
    cat = schema.current()
    if cat is None:
        return False
    m = _DML_TARGET.match(scan)
    cols = cat.columns(m.group(1)) if m else None
    if not cols:
        return True
    if any(pgtypes.column_oid(d, None) == pgtypes.FLOAT4 for _n, d in cols):
        return True
    key = cat.rowid_key(m.group(1))
    if word == "insert" and (_OVERRIDING.search(scan) or "a" in serials.identity_kinds(m.group(1)).values()):
        return True  # a GENERATED ALWAYS identity column takes only DEFAULT (_identity_values)
    if key is not None:
        if re.search(r"\bnull\b", scan, re.IGNORECASE):
            return True
        listed = _INSERT_COLUMNS.match(scan) if word == "insert" else None
        if word == "insert" and (listed is None or key.lower() not in
                                 [c.strip().strip('"').lower() for c in listed.group(1).split(",")]):
            return True
    kinds = {exprtypes.decl_kind(d) for _n, d in cols}
    if "bytea" in kinds and "''" in scan:
        return True  # a string into a bytea column is read as bytea ('42' would meet its numeric affinity)
    if "int" in kinds and (bool(_FRACTION.search(scan)) or (word == "update" and bool(kinds & {"num", "float"}))):
        return True
    if _BOOLEAN_WORD.search(scan) and kinds != {"bool"}:
        return True  # true/false into another type: 42804, or its text ('true', where SQLite stores 1)
    decls = {n.lower(): exprtypes.decl_kind(d) for n, d in cols}
    limited = {n.lower() for n, d in cols if pgtypes.length_limit(d) is not None
               or pgtypes.column_oid(d, None) in (pgtypes.FLOAT8, pgtypes.NAME)}  # a string: float input reads it
    return any("(" in value or _NUMBER_VALUE.match(value) and decls.get(column.lower(), "") not in exprtypes.NUMERIC
               or value.startswith("'") and (column.lower() in limited or
                                             decls.get(column.lower(), "") not in ("text", ""))
               for column, value in _fast_assignments(scan, word))  # a call's type, a number into text or a date,
    # a string into a column of another type (its input read as PostgreSQL reads it, with its error)


_BOOLEAN_WORD = re.compile(r"\b(?:true|false)\b", re.IGNORECASE)
_NUMBER_VALUE = re.compile(r"^[-+]?(?:\d|\.\d)")
_UPDATE_SET = re.compile(r"\bset\s+(.*?)(?:\bwhere\b|\breturning\b|$)", re.IGNORECASE | re.DOTALL)
_VALUES_ROWS = re.compile(r"\)\s*values\s*(.*?)(?:\bon\s+conflict\b|\breturning\b|$)", re.IGNORECASE | re.DOTALL)


def _fast_assignments(scan: str, word: str) -> list[tuple[str, str]]:
    """(column, value text) of each value a fast-path INSERT (with a column list) or
    UPDATE stores; values of several VALUES rows all pair with their columns."""
    if word == "update":
        m = _UPDATE_SET.search(scan)
        pairs = [a.split("=", 1) for a in split_top_level(m.group(1))] if m else []
        return [(c.strip().strip('"'), v.strip()) for c, v in (p for p in pairs if len(p) == 2)]
    listed, m = _INSERT_COLUMNS.match(scan), _VALUES_ROWS.search(scan)
    if listed is None or m is None:
        return []
    columns = [c.strip().strip('"') for c in listed.group(1).split(",")]
    out = []
    for row in split_top_level(m.group(1)):
        row = row.strip()
        if row.startswith("(") and row.endswith(")"):
            out += zip(columns, (v.strip() for v in split_top_level(row[1:-1])))
    return out


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
            if word != "insert":
                return None  # a string compared with a typed column takes its type: the parser path knows it
            if re.fullmatch(r"\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*", text[s + 1:e - 1]) and \
                    lossy_number(text[s + 1:e - 1].strip().lstrip("+")):
                return None  # '99999999999999999999.25' into a numeric column: SQLite would read it as 1e20
            code.append("''")
        elif kind == "ident":
            code.append(text[s:e])
        else:
            return None
    scan = text if plain else "".join(code)
    if _FAST_DENY_CHARS.search(scan) or _FAST_DENY_WORDS.search(scan):
        return None
    if not plain and _TYPED_LITERAL.search(scan):
        return None  # bool 't', date '2024-01-01': a typed literal is the parser's (SQLite has none)
    if word == "select" and "(" in scan:
        return None  # function calls: PostgreSQL names their result columns differently
    if "/" in scan or "%" in scan:
        return None  # division: PostgreSQL fails on a zero divisor where SQLite answers NULL
    if "*" in _STARS.sub(" ", scan):
        return None  # multiplication: a numeric operand needs exact arithmetic (the parser path)
    if _ORDINAL_CLAUSE_ORDER.search(scan):
        return None  # ORDER BY: PostgreSQL sorts NULLs last (the parser path says so to SQLite)
    if _BINARY_PLUS_MINUS.search(_SELF_INCREMENT.sub(" ", scan)):
        return None  # + and -: a date or interval operand needs PostgreSQL's operator (the parser path)
    if word == "select" and _SELECT_LIST_TYPED.search(re.split(r"\bfrom\b", scan, 1, flags=re.I)[0]):
        return None  # booleans, literals, operators in the select list: the parser path types and names them
    if word in ("insert", "update") and _repeats_a_target(scan, word):
        return None  # `(id, id)`, `SET a = 1, a = 2`: the parser path refuses them as PostgreSQL does
    if word == "select" and _COMMA_JOIN.search(scan):
        return None  # `FROM a, b`: a name twice is 42712 (analysis_checks), SQLite's error another
    if word == "select" and _ALIAS_READ.search(scan):
        return None  # `v AS y ... WHERE y > 1`: an alias is no column there (analysis_checks says 42703)
    if _BARE_CONDITION.search(scan):
        return None  # `WHERE i`: a condition that is a bare value must be a boolean (the parser path checks)
    if _unknown_qualifiers(scan):
        return None  # `t.x` of no FROM item t: the parser path says 42P01, SQLite 'no such column'
    if '"' in scan or identifier_case.mixed_case_tables(m.group(1) for m in _TABLE_NAMED.finditer(scan)):
        return None  # a name that may match only in case: the parser path says 42703 / 42P01 (identifier_case)
    if word == "select" and _selects_unknown_name(scan):
        return None  # `SELECT t FROM t`: a whole-row reference (row_values.py), or no such column
    if word == "insert" and not re.match(r"insert\s+into\s+[\w\"]+\s*\(", scan, re.IGNORECASE):
        return None  # no column list: fewer values than columns means defaults for the rest
    if word != "select" and re.search(r"\bselect\b", scan, re.IGNORECASE):
        return None  # INSERT ... SELECT etc.: let the parser check it
    if word in ("insert", "update") and _stores_need_parser(scan, word):
        return None  # a value PostgreSQL rounds or refuses where SQLite would store it as given
    if _incomparable_on_fast_path(scan):
        return None  # `flag = 1`, `name IN (1, 2)`: PostgreSQL has no such operator (the parser path refuses)
    if _names_numeric_text_table(scan):
        return None  # a numeric without a precision is text to SQLite: the parser path reads it as a number
    if word == "select" and "*" in scan and _names_sequence(scan):
        return None  # a sequence's `*` is PostgreSQL's three columns (star_expansion spells them out)
    if word in ("insert", "update") and _stores_identity_always(scan, word):
        return None  # a GENERATED ALWAYS identity column takes only DEFAULT: the parser path says 428C9
    out = text
    inc = _SELF_INCREMENT.search(text) if word == "update" else None
    if inc:  # c = c + n: PostgreSQL's operator for c's type (a date column gets a date)
        n = re.sub(r"\s", "", inc.group(3))
        out = (text[:inc.start()] + f"SET {inc.group(1)} = pg_arith('{inc.group(2)}', {inc.group(1)}, {n}, "
               f"'{_column_hint(text, inc.group(1))}', '{exprtypes.literal_int_hint(n)}')" + text[inc.end():])
    if word == "insert" and "current_timestamp" in scan.lower():
        out = _typed_current_timestamp(out)
    if "current_timestamp" in out.lower():
        parts = []
        for kind, s, e in ([("code", 0, len(out))] if plain else segments(out)):
            seg = out[s:e]
            parts.append(_CURRENT_TIMESTAMP.sub("now()", seg) if kind == "code" else seg)
        out = "".join(parts)
    if any(lossy_number(m.group(1)) for m in _NUMBER.finditer(scan)):
        return None  # a number SQLite cannot hold exactly: the parser path decides what to do with it
    literals: list = []
    if not _ORDINAL_CLAUSE.search(scan):
        out = _bind_numbers(out, plain, literals)
    return Statement(kind="sql", tag=_FAST_FIRST[word], sqlite=(out,), literals=tuple(literals))


_OPERAND = r"([A-Za-z_][\w.]*|[-+]?\.?\d)"
_COMPARED = re.compile(
    _OPERAND + r"\s*(?:=|<>|<=|>=|<|>)\s*" + _OPERAND
    + r"|([A-Za-z_][\w.]*)\s+(?:not\s+)?(?:in\s*\(\s*|between\s+)([-+]?\.?\d)", re.IGNORECASE)
_TABLE_NAMED = re.compile(r"\b(?:from|join|update|into)\s+([A-Za-z_]\w*)", re.IGNORECASE)


_QUALIFIER = re.compile(r"\b([A-Za-z_]\w*)\s*\.\s*[A-Za-z_*\"]")
_TABLE_AND_ALIAS = re.compile(r"\b(?:from|join|update|into)\s+([A-Za-z_]\w*)(?:\s+(?:as\s+)?([A-Za-z_]\w*))?",
                              re.IGNORECASE)
_NOT_ALIASES = frozenset({"where", "set", "join", "inner", "left", "right", "full", "cross", "on", "using", "group",
                          "order", "limit", "values", "returning", "natural", "default", "select", "union"})


def _unknown_qualifiers(scan: str) -> bool:
    """Whether a qualified name's qualifier is no table or alias the statement names (or
    a table its alias hides)."""
    qualifiers = {m.group(1).lower() for m in _QUALIFIER.finditer(scan)}
    if not qualifiers:
        return False
    known = set()
    for m in _TABLE_AND_ALIAS.finditer(scan):
        alias = m.group(2).lower() if m.group(2) and m.group(2).lower() not in _NOT_ALIASES else None
        known.add(alias or m.group(1).lower())
    return not qualifiers <= known


def _selects_unknown_name(scan: str) -> bool:
    """Whether a select list names something that is no column of the tables the
    statement names (a table's whole row, or an error the parser path words)."""
    cat = schema.current()
    parts = re.split(r"\bfrom\b", scan, 1, flags=re.IGNORECASE)
    if cat is None or len(parts) < 2:
        return False
    items = re.sub(r"^\s*select\s+(?:(?:all|distinct)\s+)?", "", parts[0], flags=re.IGNORECASE).split(",")
    names = [w.strip().strip('"').lower() for w in items]
    known = {n.lower() for m in _TABLE_NAMED.finditer(scan) for n, _d in (cat.columns(m.group(1)) or ())}
    return any(re.fullmatch(r"[a-z_]\w*", w) and w not in known for w in names)


def _fast_operand_kind(operand: str, tables: list[str]) -> str:
    """The kind of a fast-path comparison operand: a number, true/false, or a column of
    one of the statement's tables ('' when unknown or ambiguous)."""
    if not operand[0].isalpha() and operand[0] != "_":
        return "int"
    word = operand.lower()
    if word in ("true", "false"):
        return "bool"
    column = operand.rsplit(".", 1)[-1]
    kinds = {exprtypes.decl_kind(schema.column_type(table, column)) for table in tables} - {""}
    return kinds.pop() if len(kinds) == 1 else ""


def _stores_identity_always(scan: str, word: str) -> bool:
    """Whether a fast-path INSERT or UPDATE stores into a GENERATED ALWAYS identity column."""
    if schema.current() is None:
        return False
    stored = {c.lower() for c, _v in _fast_assignments(scan, word)}
    return any(kind == "a" and column in stored for table in _TABLE_NAMED.findall(scan)
               for column, kind in serials.identity_kinds(table).items())


def _names_numeric_text_table(scan: str) -> bool:
    """Whether the statement names a table with a numeric column without a precision
    (kept as its text: SQLite would compare coalesce(n, 0) > 2 as text with a number), or
    a json column (no equality or order: analysis_checks refuses DISTINCT, = ... of one)."""
    cat = schema.current()
    if cat is None:
        return False
    return any(pgtypes.is_numeric_text(decl) or (decl or "").lower() == "json" for table in _TABLE_NAMED.findall(scan)
               for _name, decl in cat.columns(table) or ())


def _names_sequence(scan: str) -> bool:
    cat = schema.current()
    return cat is not None and any(cat.is_sequence(table) for table in _TABLE_NAMED.findall(scan))


def _incomparable_on_fast_path(scan: str) -> bool:
    """Whether the fast path's text compares values PostgreSQL has no operator for (a
    number with a boolean, text or date column, text with a date...), using the catalog's
    column types: the parser path refuses them (`exprtypes.incomparable`, 42883); or an
    interval column, which only the parser path compares by value."""
    if schema.current() is None:
        return False
    pairs = [tuple(g for g in m.groups() if g) for m in _COMPARED.finditer(scan)]
    if not pairs:
        return False
    tables = _TABLE_NAMED.findall(scan)
    for a, b in pairs:
        ka, kb = _fast_operand_kind(a, tables), _fast_operand_kind(b, tables)
        if "interval" in (ka, kb):
            return True  # an interval's stored text does not order as its value ('1 day', '25:00:00')
        ga, gb = exprtypes.COMPARISON_GROUP.get(ka), exprtypes.COMPARISON_GROUP.get(kb)
        if ga and gb and ga != gb:
            return True
    return False


_STARS = re.compile(r"(?:\bselect\s+(?:distinct\s+)?|,\s*|\(\s*|\.)\*", re.IGNORECASE)
_ORDINAL_CLAUSE_ORDER = re.compile(r"\border\s+by\b", re.IGNORECASE)
_UPDATE_TABLE = re.compile(r"^\s*update\s+(\w+)", re.IGNORECASE)


def _column_hint(update_text: str, column: str) -> str:
    """pg_arith's hint for an UPDATE's column (its kind from the catalog; '' for integers
    and when there is no catalog)."""
    m = _UPDATE_TABLE.match(update_text)
    if m is None or schema.current() is None:
        return ""
    decl = schema.column_type(m.group(1), column)
    k = exprtypes.decl_kind(decl)
    if k == "num":
        sc = pgtypes.numeric_scale(decl)
        return "num" if sc is None else f"nums{sc}"
    return k if k in exprtypes.TEMPORAL or k == "text" else ""


_NUMBER = re.compile(r"(?<![\w.$?])(\d+\.\d+|\d+)(?![\w.])")
_ORDINAL_CLAUSE = re.compile(r"\b(?:order|group)\s+by\b", re.IGNORECASE)


def _bind_numbers(sql: str, plain: bool, out: list) -> str:
    """The statement with its number literals as ?1, ?2, ... (their values appended to
    `out`): the same statement shape is then the same SQLite text, prepared once. Not
    where a number means a column (ORDER BY 1)."""
    def number(m: re.Match) -> str:
        text = m.group(1)
        out.append(float(text) if "." in text else int(text))
        return f"?{len(out)}"

    if plain:
        return _NUMBER.sub(number, sql)
    parts = []
    for kind, s, e in segments(sql):
        parts.append(_NUMBER.sub(number, sql[s:e]) if kind == "code" else sql[s:e])
    return "".join(parts)


_INSERT_VALUES = re.compile(r"^(insert\s+into\s+(\w+)\s*\(([^)]*)\)\s*values\s*\()(.*)(\)\s*)$",
                            re.IGNORECASE | re.DOTALL)
_NOW_FOR_KIND = {"timestamp": "pg_localtimestamp()", "date": "pg_current_date()"}


def _typed_current_timestamp(text: str) -> str:
    """INSERT ... VALUES (..., CURRENT_TIMESTAMP): the value in the column's own type when
    the catalog says it is a timestamp without time zone or a date, so that the row is
    written in its stored form at once (the column's input trigger has nothing to do)."""
    m = _INSERT_VALUES.match(text)
    if not m or schema.current() is None:
        return text
    cols = [c.strip().lower() for c in m.group(3).split(",")]
    vals = m.group(4).split(",")
    if len(cols) != len(vals):
        return text
    for i, v in enumerate(vals):
        if v.strip().lower() == "current_timestamp":
            kind = values.converted_kind(schema.column_type(m.group(2), cols[i]))
            if kind in _NOW_FOR_KIND:
                vals[i] = " " + _NOW_FOR_KIND[kind]
    return m.group(1) + ",".join(vals) + m.group(5)


def dml(text, rest, ctx):
    word = text[:6].lower()
    refl = reflection.answer(text) if word == "select" and (
        "unnest" in text or "generate_subscripts" in text or "conkey[1]" in text or "_pg_expandarray" in text) else None
    if refl is not None:
        return Statement(kind="sql", tag="SELECT", sqlite=(refl[0],), param_count=highest_parameter(text),
                         column_oids=refl[1])
    types_asked = reflection.asyncpg_types(text) if word == "with r" and "typeinfo_tree" in text else None
    if types_asked is not None:
        return Statement(kind="sql", tag="SELECT", sqlite=(types_asked[0],), param_count=1,
                         column_oids=types_asked[1], param_oids=(reflection.OID_ARRAY,))
    if word == "select" and re.search(r"\binto\b", text, re.IGNORECASE):
        tree = parse_one(text)
        if isinstance(tree, exp.Select) and isinstance(tree.args.get("into"), exp.Into):
            from compute_node.pg_sql import table_as

            return table_as.select_into(tree, ctx)
    fixed = catalog.fixed_query(text, ctx.user) if word == "select" else None
    if fixed:
        return Statement(kind="sql", tag=fixed[0], sqlite=(fixed[1],))
    fast = _fast(text, word) if word in _FAST_FIRST and not views.named_in(text) else None
    if fast is not None:
        return fast
    return select_path(text, ctx)


def table_stmt(text, rest, ctx):
    return select_path("SELECT * FROM " + rest.strip(), ctx)
