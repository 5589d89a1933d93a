"""PostgreSQL's constant folding, as far as it makes a statement fail.

PostgreSQL's planner evaluates every subexpression whose operands are all constants and
whose function is immutable (eval_const_expressions) before any row is read. A
constant that cannot be computed therefore fails the statement while it is planned, even
where no row would reach it: `CASE WHEN ci > 0 THEN make_date(2023, 2, 31) ELSE cd END`
is 22008 on any table, where evaluating per row (as SQLite does) answers. Folding is
lazy in the same places evaluation is: a CASE arm after a constant-true condition, or
under a constant false / NULL one, is dropped unevaluated, and so are COALESCE's
arguments after a non-NULL constant and AND's (OR's) after a constant false (true).

`plan(tree)` reads a statement's PostgreSQL tree (before the translator rewrites it) and
returns the folds PostgreSQL would do as steps: each a constant subexpression's text, or
a lazy construct's parts. `check(steps, evaluate)` carries them out with `evaluate(text)`
(the constant's value, or UNKNOWN when it cannot be computed here) and lets the first
error of evaluation escape. Pure: the caller owns translating and running the constants.

Only what cannot change meaning is folded: literals, operators and casts among
non-temporal kinds (or temporal ones other than timestamptz, which depends on the
session's time zone), and the functions in IMMUTABLE_FUNCTIONS, all of whose overloads
PostgreSQL 15 marks immutable (checked against pg_proc by the differential tests), plus a
few whose only stable overloads take a timestamptz (MIXED_FUNCTIONS). A constant the
evaluator cannot translate is skipped, so a fold is never invented: at worst a statement
answers where PostgreSQL fails, as before.
"""

from __future__ import annotations

import contextlib
import contextvars
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from sqlglot import exp

from compute_node.pg_sql import exprtypes
from compute_node.pg_sql import types as pgtypes
from sixfold.errors import SqlError

UNKNOWN = object()  # evaluate(): the constant's value cannot be had here (not translated)

# SQLSTATE classes of errors a fold reports: data exceptions (22) and program limits (54).
# Other errors of a standalone constant (42883 ...) say more about the constant out of
# its context than about PostgreSQL's fold, and are not reported.
FOLD_ERROR_CLASSES = ("22", "54")
# PostgreSQL's own feature errors (0A000) a fold also reports, told from Sixfold's refusals
# (which share the SQLSTATE and are not PostgreSQL's answer) by their message: a unit
# date_part / extract / date_trunc does not take for a type.
_NATIVE_FEATURE_ERROR = re.compile(r'unit "[^"]*" not supported for type ')


def fold_error(e: SqlError) -> bool:
    """Whether error `e` of a constant's evaluation is PostgreSQL's fold's too."""
    return e.sqlstate[:2] in FOLD_ERROR_CLASSES or e.sqlstate == "0A000" and \
        _NATIVE_FEATURE_ERROR.match(str(e)) is not None

IMMUTABLE_FUNCTIONS = frozenset("""
abs ceil ceiling floor round trunc sign sqrt cbrt exp ln log log10 power pow mod div degrees radians
sin cos tan cot asin acos atan atan2 sind cosd tand asind acosd atand sinh cosh tanh gcd lcm factorial
scale min_scale trim_scale width_bucket
char_length character_length octet_length bit_length lower upper initcap substr substring left right
lpad rpad ltrim rtrim btrim repeat replace reverse split_part strpos position md5 sha224 sha256 sha384
sha512 ascii chr translate overlay starts_with to_hex quote_ident encode decode get_byte set_byte get_bit
set_bit bit_count regexp_replace regexp_match regexp_split_to_array regexp_count regexp_instr regexp_substr
regexp_like string_to_array unistr normalize
make_date make_time make_timestamp make_interval justify_days justify_hours justify_interval date_bin
isfinite
jsonb_typeof jsonb_array_length jsonb_set jsonb_insert jsonb_strip_nulls jsonb_pretty jsonb_extract_path
jsonb_extract_path_text jsonb_exists jsonb_path_exists jsonb_path_query_first jsonb_path_match json_typeof
json_array_length json_extract_path json_extract_path_text json_strip_nulls
array_append array_prepend array_cat array_position array_positions array_replace array_remove array_length
array_lower array_upper array_ndims array_dims cardinality trim_array array_fill
int2 int4 int8 float4 float8 bool text varchar bpchar
""".split())

# Functions with an overload PostgreSQL marks stable: folded when the call is not that one.
MIXED_FUNCTIONS = ("age", "date", "date_part", "date_trunc", "extract", "length", "numeric", "quote_literal",
                   "quote_nullable")

# sqlglot reads some calls as nodes of its own; their PostgreSQL names.
_NODE_NAMES = {exp.TimestampTrunc: "date_trunc", exp.DateTrunc: "date_trunc", exp.StrPosition: "position",
               exp.Pow: "power", exp.Ceil: "ceil", exp.Length: "length", exp.Extract: "extract",
               exp.Nullif: "nullif", exp.Greatest: "greatest", exp.Least: "least", exp.Array: "array",
               exp.Trim: "btrim", exp.TimestampFromParts: "make_timestamp", exp.TimeFromParts: "make_time",
               exp.DateFromParts: "make_date", exp.Hex: "to_hex", exp.MD5: "md5"}
_LANGUAGE_CONSTRUCTS = ("nullif", "greatest", "least", "array")  # folded like immutable functions

# Operators folded when no operand is a timestamptz (those are stable) and, for ||, when
# it is not text with a non-text value (anytextcat is stable).
_OPERATORS = (exp.Add, exp.Sub, exp.Mul, exp.Div, exp.Mod, exp.IntDiv, exp.Neg, exp.BitwiseAnd, exp.BitwiseOr,
              exp.BitwiseXor, exp.BitwiseNot, exp.BitwiseLeftShift, exp.BitwiseRightShift, exp.DPipe, exp.EQ,
              exp.NEQ, exp.LT, exp.LTE, exp.GT, exp.GTE, exp.Is, exp.NullSafeEQ, exp.NullSafeNEQ, exp.Between,
              exp.In, exp.Like, exp.ILike, exp.Not, exp.Paren, exp.Bracket, exp.JSONBExtract,
              exp.JSONBExtractScalar, exp.JSONExtract, exp.JSONExtractScalar, exp.JSONBContains,
              exp.ArrayContainsAll, exp.ArrayContainedBy, exp.ArrayOverlaps, exp.Tuple)
_LEAVES = (exp.Literal, exp.Null, exp.Boolean, exp.Var, exp.Interval, exp.DataType, exp.JSONPath)  # (-> 'k')
_CASTABLE_KINDS = frozenset({"int", "num", "float", "text", "unknown", "bool", "json", "jsonb", "bytea", "uuid"})
_TEXT_KINDS = frozenset({"text", "unknown"})


@dataclass(frozen=True)
class Fold:
    """A constant subexpression PostgreSQL evaluates while planning (its text)."""

    sql: str  # "" for a value not known while planning (it holds a parameter)
    value: object = UNKNOWN  # known without evaluating (a literal TRUE / FALSE / NULL)
    length_max: tuple[int, str] | None = None  # stored into a varchar(n) / char(n): n and the type's name


@dataclass(frozen=True)
class Lazy:
    """CASE, COALESCE, AND or OR: parts folded in turn until one decides the rest.

    Each part is (its condition or value as a Fold when it is a constant, else None; the
    steps within it). For a CASE the parts are its arms' conditions, each followed by its
    result's steps (`results`), and `rest` holds the ELSE's steps."""

    op: str  # "case", "coalesce", "and", "or"
    parts: tuple[tuple[Fold | None, tuple], ...]
    results: tuple[tuple, ...] = ()
    rest: tuple = ()


Step = Fold | Lazy

# Set while a constant is evaluated (its own translation folds nothing) and while a
# statement is translated to run later (a trigger function's: PostgreSQL plans it then).
_SUSPENDED = contextvars.ContextVar("sixfold_folding_suspended", default=False)


def active() -> bool:
    """Whether the statement being translated is planned now (its constants folded)."""
    return not _SUSPENDED.get()


@contextlib.contextmanager
def suspended() -> Iterator[None]:
    token = _SUSPENDED.set(True)
    try:
        yield
    finally:
        _SUSPENDED.reset(token)


def plan(tree: exp.Expression, column_type: Callable[[str, str], str | None] | None = None) -> tuple[Step, ...]:
    """The folds PostgreSQL does while planning `tree` (a parsed statement), in order;
    with `column_type(table, column)` (a declared type), also the coercion of each
    constant an INSERT or UPDATE stores to its column's type."""
    out: list[Step] = []
    token = _CONSTANT_MEMO.set({})
    try:
        if column_type is not None:
            out.extend(_assignment_folds(tree, column_type))
        _walk(tree, out)
    finally:
        _CONSTANT_MEMO.reset(token)
    return tuple(out)


# Declared types whose coercion of a constant is folded: a cast to them fails as the
# assignment does. (Not varchar(n) / char(n): a cast cuts a long text where storing it
# fails; not a domain, whose checks PostgreSQL does not fold; timestamptz and timetz
# only from a string literal, read while parsing: their casts from other types are stable.)
_ASSIGNED_TYPES = frozenset({
    "smallint", "int2", "integer", "int", "int4", "bigint", "int8", "numeric", "decimal", "real", "float4",
    "double precision", "float8", "text", "boolean", "bool", "date", "time", "time without time zone", "timestamp",
    "timestamp without time zone", "interval", "uuid", "json", "jsonb", "bytea"})
_ZONED_TYPES = frozenset({"timestamptz", "timestamp with time zone", "timetz", "time with time zone"})


def _assignment_folds(tree: exp.Expression, column_type: Callable[[str, str], str | None]) -> list[Fold]:
    """`CAST(<constant> AS <column type>)` for each constant an INSERT with a column list
    (VALUES rows, or a plain SELECT's items) or an UPDATE's SET stores: PostgreSQL reads an
    untyped literal into the column's type while parsing and folds a typed constant's
    coercion while planning, so `INSERT INTO t (a) SELECT 'x' WHERE false` into an array
    column fails (22P02) though no row is stored."""
    pairs: list[tuple[str, exp.Expression]] = []
    if isinstance(tree, exp.Insert) and isinstance(tree.this, exp.Schema) and isinstance(tree.this.this, exp.Table):
        table = tree.this.this.name
        names = [c.name for c in tree.this.expressions if isinstance(c, exp.Identifier | exp.Column)]
        source = tree.expression
        # (VALUES rows are all stored, each coercion runs and fails as PostgreSQL's fold would:
        # only a SELECT, which may give no row, needs the folds, each a translation of its own)
        if isinstance(source, exp.Select) and len(source.expressions) == len(names) == len(tree.this.expressions):
            pairs = list(zip(names, (e.unalias() for e in source.expressions)))
    elif isinstance(tree, exp.Update) and isinstance(tree.this, exp.Table):
        table = tree.this.name
        pairs = [(eq.this.name, eq.expression) for eq in tree.expressions
                 if isinstance(eq, exp.EQ) and isinstance(eq.this, exp.Column) and not eq.this.table]
    else:
        return []
    out = []
    for name, stored in pairs:
        value = _first_of_coalesce(stored)
        if isinstance(value.unnest(), exp.Null) or not _constant(value) or \
                any(value.find_all(exp.Parameter, exp.Var)):  # (a parameter; DEFAULT)
            continue
        decl = column_type(table, name)
        base = " ".join((decl or "").lower().replace("[]", " ").split()) if decl else ""
        base = base.split("(")[0].strip()
        if decl is not None and "[" not in decl and value is stored and _checked_literal(value, base):
            continue
        if decl is not None and _stable_coercion(value, base, "[" in decl):
            continue
        n = pgtypes.length_limit(decl)
        if n is not None and "[" not in decl:  # (a literal is checked while translating, a computed text here)
            if not isinstance(value.unnest(), exp.Literal) or value is not stored:
                out.append(Fold(f"CAST(({value.sql('postgres')}) AS text)",
                                length_max=(n, _LENGTH_LIMITED.get(base, base))))
            continue
        if decl is None or "(" in decl and base not in ("numeric", "decimal", "time", "timestamp", "interval") or \
                not (base in _ASSIGNED_TYPES or base in _ZONED_TYPES and isinstance(value, exp.Literal)):
            continue
        out.append(Fold(f"CAST(({value.sql('postgres')}) AS {decl})"))
    return out


def _first_of_coalesce(value: exp.Expression) -> exp.Expression:
    """COALESCE(<non-NULL literal>, ...) is that literal, as PostgreSQL's planner reduces
    it (the arguments after a non-NULL constant are dropped): `coalesce(uuid '...', cu)`
    stored into a char(3) column is its fold."""
    inner = value.unnest()
    while isinstance(inner, exp.Coalesce):
        args = [inner.this, *inner.expressions]
        while len(args) > 1 and _null_constant(args[0]):
            args = args[1:]  # (a NULL constant first is dropped too)
        first = args[0].unnest()
        literal = first.this.unnest() if isinstance(first, exp.Cast) else first  # (uuid '...' is a cast)
        if not isinstance(literal, exp.Literal):
            break
        value, inner = args[0], first
    return value


_STABLE_OUTPUT_KINDS = frozenset({"date", "timestamp", "timestamptz", "interval", "array"})
_STABLE_INPUT_TYPES = frozenset({"date", "time", "time without time zone", "timestamp", "timestamp without time zone",
                                 "interval"})


def _stable_coercion(value: exp.Expression, base: str, array: bool) -> bool:
    """Whether storing typed constant `value` into a column of type `base` (`array`: an
    array of it) goes through text by a stable input or output function (date_out,
    array_in ... are stable: they read DateStyle and the like), which PostgreSQL's
    planner does not fold: `make_date(2024, 12, 29)` into a char(3) column fails only on
    a row. An untyped literal is read into the column's type while parsing: never."""
    inner = value.unnest()
    if isinstance(inner, exp.Literal) and inner.is_string:
        return False
    k = _kind(value)
    if k in _TEXT_KINDS:
        return array or base in _STABLE_INPUT_TYPES
    return (k in _STABLE_OUTPUT_KINDS and not (array and k == "array")) and (base in ("text", *_LENGTH_LIMITED))


def _checked_literal(value: exp.Expression, base: str) -> bool:
    """A literal whose storing the translator checks itself (a number into a number
    column: its range and precision; a string into a text column: nothing to fail), so
    that its fold would only cost a translation."""
    inner = value.unnest()
    number = isinstance(inner, exp.Literal) and not inner.is_string or \
        isinstance(inner, exp.Neg) and isinstance(inner.this, exp.Literal) and not inner.this.is_string
    string = isinstance(inner, exp.Literal) and inner.is_string
    return number and base in _NUMBER_TYPES or string and base in ("text", *_LENGTH_LIMITED)


_NUMBER_TYPES = frozenset({"smallint", "int2", "integer", "int", "int4", "bigint", "int8", "numeric", "decimal"})
_LENGTH_LIMITED = {"varchar": "character varying", "character varying": "character varying", "char": "character",
                   "character": "character", "bpchar": "character"}


def check(steps: tuple[Step, ...], evaluate: Callable[[str], object]) -> None:
    """Carries the folds out: `evaluate(sql)` gives a constant's value (UNKNOWN when it
    cannot) or raises the error that fails the statement."""
    for step in steps:
        if isinstance(step, Fold):
            value = evaluate(step.sql)
            if step.length_max is not None and isinstance(value, str) and \
                    len(value.rstrip(" ")) > step.length_max[0]:  # (blanks beyond n are cut, not refused)
                raise SqlError(f"value too long for type {step.length_max[1]}({step.length_max[0]})", "22001")
            continue
        _check_lazy(step, evaluate)


def _check_lazy(step: Lazy, evaluate: Callable[[str], object]) -> None:
    for i, (fold, inner) in enumerate(step.parts):
        if fold is None:
            check(inner, evaluate)
            if step.op == "case":
                check(step.results[i], evaluate)
            continue
        value = fold.value if fold.value is not UNKNOWN or not fold.sql else evaluate(fold.sql)
        truth = _truth(value)
        if value is UNKNOWN or (step.op != "coalesce" and truth is UNKNOWN):
            return  # what follows depends on a value not had here: nothing more is folded
        if step.op == "case":
            if truth is True:
                check(step.results[i], evaluate)
                return
            continue
        if step.op == "coalesce":
            if value is not None:
                return
            continue
        if truth is (step.op == "or"):  # AND meets a false, OR a true
            return
    check(step.rest, evaluate)


def _truth(value: object) -> object:
    if value is None:
        return None
    if value in (1, True, "t", "true"):
        return True
    if value in (0, False, "f", "false"):
        return False
    return UNKNOWN


# --- reading the tree ------------------------------------------------------------------------
def _walk(node: exp.Expression, out: list[Step]) -> None:
    if _constant(node) and not isinstance(node, (exp.Coalesce, exp.Case)):  # (those arm by arm, below)
        # (its subscripts' coercions first: folded whole, its value here skips a NULL
        # array's subscripts, where PostgreSQL has coerced them already)
        for bracket in node.find_all(exp.Bracket):
            _subscript_fold(bracket, out)
        if not _trivial(node):
            out.append(Fold(node.sql("postgres")))
        return
    if isinstance(node, exp.Bracket):
        _subscript_fold(node, out)
    if isinstance(node, exp.Case):
        if node.this is not None:  # CASE x WHEN ...: folded only as a whole (a constant x)
            _walk(node.this, out)
            if not _constant(node.this):
                for child in node.iter_expressions():
                    if child is not node.this:
                        _walk(child, out)
            return
        arms = node.args.get("ifs") or []
        parts = tuple((_fold(arm.this), _steps(arm.this)) for arm in arms)
        results = tuple(_steps(arm.args.get("true")) for arm in arms)
        out.append(Lazy("case", parts, results, _steps(node.args.get("default"))))
        return
    if isinstance(node, (exp.Coalesce, exp.And, exp.Or)):
        args = [node.this, *node.expressions] if isinstance(node, exp.Coalesce) else _flattened(node)
        op = "coalesce" if isinstance(node, exp.Coalesce) else "and" if isinstance(node, exp.And) else "or"
        out.append(Lazy(op, tuple((_fold(a), _steps(a)) for a in args)))
        return
    for child in node.iter_expressions():
        _walk(child, out)


def _subscript_fold(node: exp.Bracket, out: list[Step]) -> None:
    """A constant subscript's coercion to integer, folded on its own: PostgreSQL skips the
    subscripts of a NULL array when it reads one, but a constant's coercion is folded
    first ((NULL::text[])[3000000000] is 22003, (NULL::text[])[ci] NULL)."""
    from compute_node.pg_sql import sqlglot_fixes

    if len(node.expressions) != 1:
        return
    sub = node.expressions[0]
    for bound in (sub.this, sub.expression) if isinstance(sub, exp.Slice) else (sub,):
        if bound is None or not _constant(bound) or _kind(bound) not in ("int", "num", "float") or \
                isinstance(bound, exp.Literal) and not bound.is_string and str(bound.this).lstrip("-").isdigit() \
                and abs(int(bound.this)) < 1 << 30:
            continue
        text = bound.sql("postgres")
        if bound.meta.get(sqlglot_fixes.INDEX_SHIFTED):  # (sqlglot made it 0-based)
            text = f"({text}) + 1"
        out.append(Fold(f"CAST(({text}) AS int4)"))


# --- strict calls of a NULL ------------------------------------------------------------------
# Functions in IMMUTABLE_FUNCTIONS PostgreSQL does not mark strict (their result for a NULL
# argument is not NULL): array_append(a, NULL) appends a NULL element.
_NOT_STRICT_FUNCTIONS = frozenset({"array_append", "array_cat", "array_fill", "array_position", "array_positions",
                                   "array_prepend", "array_remove", "array_replace", "string_to_array", "nullif",
                                   "greatest", "least", "array"})
STRICT_FUNCTIONS = IMMUTABLE_FUNCTIONS - _NOT_STRICT_FUNCTIONS  # (checked against pg_proc's proisstrict)
_STRICT_OPERATORS = (exp.Add, exp.Sub, exp.Mul, exp.Div, exp.Mod, exp.IntDiv, exp.Pow, exp.BitwiseAnd, exp.BitwiseOr,
                     exp.BitwiseXor, exp.BitwiseLeftShift, exp.BitwiseRightShift, exp.EQ, exp.NEQ, exp.LT, exp.LTE,
                     exp.GT, exp.GTE, exp.Like, exp.ILike, exp.Neg, exp.BitwiseNot,
                     # containment and JSON access (arraycontains, jsonb_contains, jsonb_object_field ...)
                     exp.ArrayContainsAll, exp.ArrayContainedBy, exp.ArrayOverlaps, exp.JSONExtract,
                     exp.JSONExtractScalar, exp.JSONBExtract, exp.JSONBExtractScalar, exp.JSONBContainsTopKey,
                     exp.JSONBContainsAnyTopKeys, exp.JSONBContainsAllTopKeys)
_UNFOLDED_CLAUSES = (exp.Limit, exp.Offset, exp.Fetch)


def strict_nulls(tree: exp.Expression, evaluate: Callable[[str], object] | None = None) -> list[exp.Expression]:
    """The outermost calls PostgreSQL folds to NULL while planning because they are
    strict (an operator, a cast, a strict function) and an argument is a NULL constant, or
    folds to one: `10 / i + NULL::int` is NULL on every row, 10 / i never computed (no
    22012 for i = 0). With `evaluate` (as check's), a strict call's argument that is a
    constant expression is computed (`'{}'::jsonb #> '{c,d}'` is NULL too); one that fails
    counts as not NULL (check reports its error in PostgreSQL's order). The caller keeps
    each call for its checks but does not evaluate it."""
    folds: dict[int, bool] = {}
    for node in reversed(list(tree.walk())):  # (each node after all of its descendants)
        folds[id(node)] = _strict_of_null(node, folds) or evaluate is not None and _folds_to_null(node, evaluate)
    out = []
    for node in tree.walk():
        if folds.get(id(node)) and not _null_constant(node) and not (
                node.parent is not None and folds.get(id(node.parent))) and \
                not node.find_ancestor(*_UNFOLDED_CLAUSES) and all(_checked_when_translated(n) for n in node.walk()):
            out.append(node)
    return out


_TRANSLATION_CHECKED = (exp.Column, exp.Identifier, exp.Literal, exp.Null, exp.Boolean, exp.Paren, exp.Cast,
                        exp.DataType, exp.DataTypeParam, exp.DPipe, exp.Star,
                        exp.JSONPath, exp.JSONPathPart)  # (x -> 1's path: its literal keys and subscripts)


def _folds_to_null(node: exp.Expression, evaluate: Callable[[str], object]) -> bool:
    """Whether `node` is a whole constant (not a literal) that a strict call takes as an
    argument and whose value is NULL (one evaluation each, for these arguments only)."""
    p = node.parent
    while isinstance(p, exp.Paren):
        p = p.parent
    strict_call = isinstance(p, _STRICT_OPERATORS) or isinstance(p, exp.Func) and not isinstance(
        p, (exp.AggFunc, exp.Case, exp.Coalesce)) and _function_name(p) in STRICT_FUNCTIONS
    if not strict_call or _constant(p) or not _constant(node) or _trivial(node):
        return False
    try:
        return evaluate(node.sql("postgres")) is None
    except SqlError:
        return False


def _checked_when_translated(node: exp.Expression) -> bool:
    """Whether all that PostgreSQL checks of `node` before planning Sixfold checks while
    translating it, so that a dropped call loses no error: columns, literals, casts,
    operators and the folded functions; not a subquery, a parameter or a function that
    reads the catalog when it runs (nextval('nope') is 42P01 before any folding)."""
    if isinstance(node, _TRANSLATION_CHECKED) or isinstance(node, _STRICT_OPERATORS) or \
            isinstance(node, (exp.Coalesce, exp.Case, exp.If, exp.Nullif, exp.Greatest, exp.Least, exp.Array)):
        return True
    return isinstance(node, exp.Func) and not isinstance(node, exp.AggFunc) and \
        _function_name(node) in IMMUTABLE_FUNCTIONS


def _null_constant(node: exp.Expression) -> bool:
    while isinstance(node, (exp.Paren, exp.Cast)):
        node = node.this
    return isinstance(node, exp.Null)


def _strict_of_null(node: exp.Expression, folds: dict[int, bool]) -> bool:
    if _null_constant(node):
        return True
    if isinstance(node, exp.EQ) and \
            isinstance(node.parent, (exp.Update, exp.OnConflict, exp.Merge)) and node.arg_key == "expressions":
        return False  # SET a = NULL assigns, it compares nothing
    if isinstance(node, exp.Paren):
        return folds.get(id(node.this), False)
    if isinstance(node, exp.Cast):  # (a cast to a domain may check NOT NULL: not folded)
        return exprtypes.dtype_kind(node.to) != "" and folds.get(id(node.this), False)
    if isinstance(node, exp.DPipe):  # (array || NULL appends a NULL element: only known non-arrays)
        kinds = {_kind(x) for x in (node.this, node.expression) if not isinstance(x.unnest(), exp.Null)}
        if kinds & {"array", "", "unknown"}:  # (NULL::int[] || 5 is {5}: a typed NULL's kind counts)
            return False
        return any(folds.get(id(c), False) for c in (node.this, node.expression))
    if isinstance(node, exp.Escape):  # x LIKE p ESCAPE e: the LIKE's strictness, folded as a whole
        return any(folds.get(id(c), False) for c in node.iter_expressions())
    if isinstance(node, (exp.Like, exp.ILike)) and isinstance(node.parent, exp.Escape):
        return False
    if isinstance(node, _STRICT_OPERATORS) or isinstance(node, exp.Func) and not isinstance(
            node, (exp.AggFunc, exp.Case, exp.Coalesce)) and _function_name(node) in STRICT_FUNCTIONS:
        return any(folds.get(id(c), False) for c in node.iter_expressions())
    return False


def _steps(node: exp.Expression | None) -> tuple[Step, ...]:
    if node is None:
        return ()
    out: list[Step] = []
    _walk(node, out)
    return tuple(out)


def _fold(node: exp.Expression) -> Fold | None:
    """A condition's (an argument's) fold when it is a constant, else None. One that holds
    a parameter is a constant of unknown value: PostgreSQL's custom plan folds it with the
    parameter's value (CASE WHEN $1 > 0 THEN ln(0) END is NULL for 0), so nothing after
    it is folded here."""
    if any(exprtypes.parameter_number(p) is not None for p in node.find_all(exp.Parameter, exp.Var)):
        # (one that also reads a column is no constant at all: the arms after it fold)
        return None if node.find(exp.Column, exp.Query) is not None else Fold("")
    if not _constant(node):
        return None
    if isinstance(node, exp.Boolean):
        return Fold(node.sql("postgres"), bool(node.this))
    if isinstance(node, exp.Null):
        return Fold("NULL", None)
    if isinstance(node, exp.Literal):
        return Fold(node.sql("postgres"), str(node.this))
    return Fold(node.sql("postgres"))


def _flattened(node: exp.Expression) -> list[exp.Expression]:
    """a AND b AND c as [a, b, c] (sqlglot nests them to the left)."""
    cls = type(node)
    out: list[exp.Expression] = []
    stack = [node]
    while stack:
        n = stack.pop()
        if type(n) is cls:
            stack.extend([n.expression, n.this])
        else:
            out.append(n)
    return out


# plan()'s answers of _constant by node (id -> (node, answer)): each node is judged once,
# so a long chain of operators costs its length, not its length squared.
_CONSTANT_MEMO: contextvars.ContextVar[dict | None] = contextvars.ContextVar("sixfold_constant_memo", default=None)


def is_constant(node: exp.Expression) -> bool:
    """Whether PostgreSQL folds `node` as a whole while planning (a constant: literals,
    immutable functions and operators of them; not now() or random())."""
    return _constant(node)


def _constant(node: exp.Expression) -> bool:
    """Whether PostgreSQL folds `node` as a whole (a constant it evaluates)."""
    memo = _CONSTANT_MEMO.get()
    hit = memo.get(id(node)) if memo is not None else None
    if hit is not None and hit[0] is node:
        return hit[1]
    answer = _judged(node)
    if memo is not None:
        memo[id(node)] = (node, answer)
    return answer


def _judged(node: exp.Expression) -> bool:
    if isinstance(node, _LEAVES):
        return not (isinstance(node, exp.Var) and node.name.startswith("$"))
    if isinstance(node, exp.Cast):
        if not _constant(node.this):
            return False
        if isinstance(node.this, (exp.Literal, exp.Null)):
            return True  # a typed constant (the input function runs while parsing)
        to = exprtypes.dtype_kind(node.to)  # (time_out is immutable: time::text is folded, date::text not)
        return to in _CASTABLE_KINDS and (_kind(node.this) in _CASTABLE_KINDS or _kind(node.this) == "time" and
                                          to in _TEXT_KINDS)
    if isinstance(node, _OPERATORS):
        if isinstance(node, exp.In) and node.args.get("query") is not None:
            return False
        children = list(node.iter_expressions())
        if not children or not all(_constant(c) for c in children):
            return False
        kinds = [_kind(c) for c in children]
        if "timestamptz" in kinds:
            return False
        if isinstance(node, exp.DPipe) and any(k not in _TEXT_KINDS for k in kinds) and "array" not in kinds:
            return False
        return True
    if isinstance(node, (exp.Coalesce, exp.Case, exp.If)):  # (folded arm by arm while planning: of constants,
        return all(_constant(c) for c in node.iter_expressions())  # a constant)
    if isinstance(node, exp.Func) and not isinstance(node, (exp.AggFunc, exp.Case)):
        name = _function_name(node)
        if name is None or not all(_constant(c) for c in node.iter_expressions()):
            return False
        if name in IMMUTABLE_FUNCTIONS or name in _LANGUAGE_CONSTRUCTS:
            return True
        return name in MIXED_FUNCTIONS and _immutable_overload(name, node)
    return False


def _function_name(node: exp.Func) -> str | None:
    from compute_node.pg_sql.queries import _WRITTEN_NAME  # (queries imports this module)

    written = node.meta.get(_WRITTEN_NAME)
    if isinstance(node, exp.Anonymous):
        return node.name.lower()
    for cls, name in _NODE_NAMES.items():
        if type(node) is cls:
            return name
    if written:
        return written
    return node.sql_name().lower() if node.sql_name() != "ANONYMOUS" else None


def _immutable_overload(name: str, node: exp.Func) -> bool:
    """Whether a call of a function in MIXED_FUNCTIONS is one of its immutable overloads."""
    args = list(node.iter_expressions())
    kinds = [_kind(a) for a in args]
    if name == "length":
        return len(args) == 1
    if name == "numeric":
        return True  # (numeric(money) is the stable one; there is no money here)
    if name in ("quote_literal", "quote_nullable"):
        return len(args) == 1 and kinds[0] in _TEXT_KINDS
    if name == "age":
        return len(args) == 2 and all(k in ("timestamp", "date") for k in kinds)
    if name == "date":
        return len(args) == 1 and kinds[0] in ("date", "timestamp")
    # date_trunc(field, value), date_part / extract(field, value): the value's type decides
    if name == "date_trunc" and len(args) != 2:
        return False
    value = node.this if isinstance(node, exp.TimestampTrunc) else node.expression \
        if isinstance(node, exp.Extract) else args[-1]
    return _kind(value) in ("date", "time", "timestamp", "interval")


def _kind(node: exp.Expression) -> str:
    if isinstance(node, exp.Paren):
        return _kind(node.this)
    if isinstance(node, exp.Array):
        return "array"
    return exprtypes.kind(node)


def _trivial(node: exp.Expression) -> bool:
    """A constant whose fold cannot fail beyond what parsing it checks: a literal, a typed
    literal, a negated number, a row or array of those."""
    if isinstance(node, _LEAVES):
        return True
    if isinstance(node, (exp.Paren, exp.Neg)):
        return isinstance(node.this, exp.Literal) or isinstance(node, exp.Paren) and _trivial(node.this)
    if isinstance(node, exp.Cast):
        return isinstance(node.this, (exp.Literal, exp.Null))
    if isinstance(node, (exp.Tuple, exp.Array)):
        return all(_trivial(c) for c in node.iter_expressions())
    return False
