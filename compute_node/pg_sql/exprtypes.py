"""The PostgreSQL type of an expression as far as its form tells (no schema): literals,
casts, date/time functions and keywords, and arithmetic on those. The translator uses
it to pick PostgreSQL's operator (date + integer is a date, not SQLite's 2025) and the
result column's type OID. '' means "cannot tell": the value's shape decides at run time.

Kinds: 'int', 'num' (exact numeric), 'float', 'text', 'unknown' (an untyped string
literal), 'bool', 'date', 'time', 'timestamp', 'timestamptz', 'interval'."""

from __future__ import annotations

import contextlib
import contextvars
import os
import re
import threading
from decimal import Decimal, InvalidOperation

from sqlglot import exp

from compute_node.pg_sql import extensions, more_functions, schema, temporal_functions
from compute_node.pg_sql import types as t

TEMPORAL = ("date", "time", "timestamp", "timestamptz", "interval")
NUMERIC = ("int", "num", "float")

_DTYPE_KIND = {
    "INT": "int", "BIGINT": "int", "SMALLINT": "int", "TINYINT": "int", "SERIAL": "int", "BIGSERIAL": "int",
    "DECIMAL": "num", "NUMERIC": "num", "MONEY": "num", "DOUBLE": "float", "FLOAT": "float", "REAL": "float",
    "TEXT": "text", "VARCHAR": "text", "CHAR": "text", "NAME": "text", "BPCHAR": "text",
    "BOOLEAN": "bool", "DATE": "date", "TIME": "time", "TIMESTAMP": "timestamp", "DATETIME": "timestamp",
    "TIMESTAMPTZ": "timestamptz", "TIMESTAMPLTZ": "timestamptz", "INTERVAL": "interval", "JSON": "json",
    "JSONB": "jsonb", "VARBINARY": "bytea", "BINARY": "bytea", "BLOB": "bytea", "ARRAY": "array", "UUID": "uuid",
}
_FUNC_KIND = {"date_part": "float", "pg_date_part": "float",
              "now": "timestamptz", "transaction_timestamp": "timestamptz", "statement_timestamp": "timestamptz",
              "clock_timestamp": "timestamptz", "age": "interval", "make_date": "date",
              "to_timestamp": "timestamptz", "sha224": "bytea", "get_byte": "int", "set_byte": "bytea",
              "octet_length": "int", "pg_backend_pid": "int", "convert_to": "bytea", "convert_from": "text",
              "pg_interval_time": "time",
              "pg_bytea": "bytea", "pg_bytea_text": "text", "pg_interval_text": "text", "pg_bytea_cat": "bytea",
              "pg_get_serial_sequence": "text",
              "pg_to_number": "num", "pg_numeric_math": "num", "scale": "int", "min_scale": "int",
              "trim_scale": "num", "pg_numeric_scale": "int", "array_replace": "array", "array_positions": "array",
              "trim_array": "array", "array_fill": "array", "array_dims": "text", "array_upper": "int",
              "cardinality": "int", "array_position": "int",
              "array_lower": "int", "array_ndims": "int", "pg_array_prepend": "array", "pg_to_date": "date",
              "pg_to_timestamp_format": "timestamptz",
              "json_build_object": "json", "jsonb_build_object": "jsonb", "json_build_array": "json",
              "jsonb_build_array": "jsonb", "to_json": "json", "to_jsonb": "jsonb", "jsonb_agg": "jsonb",
              "jsonb_object_agg": "jsonb", "jsonb_set": "jsonb", "jsonb_insert": "jsonb", "jsonb_strip_nulls": "jsonb",
              "jsonb_pretty": "text",
              "json_array_length": "int", "jsonb_array_length": "int", "json_typeof": "text", "jsonb_typeof": "text",
              "json_extract_path": "json", "jsonb_extract_path": "jsonb", "json_extract_path_text": "text",
              "jsonb_extract_path_text": "text", "row_to_json": "json", "pg_json_object": "json", "pg_record": "record",
              "pg_record_value": "record",
              "pg_jsonb_object": "jsonb", "jsonb_path_exists": "bool", "jsonb_path_match": "bool",
              "jsonb_path_query_array": "jsonb", "jsonb_path_query_first": "jsonb", "pg_jsonb_path_exists": "bool",
              "pg_jsonb_path_match": "bool", "pg_jsonb_path_array": "jsonb", "pg_jsonb_path_first": "jsonb",
              "pg_array_contains": "bool", "pg_array_overlap": "bool", "pg_array_any": "bool",
              "pg_array_quantified": "bool", "pg_jsonb_contains": "bool", "pg_array_slice": "array",
              **extensions.FUNCTION_KINDS,
              **more_functions.FUNCTION_KINDS, **temporal_functions.FUNCTION_KINDS}

KIND_OID = {"int": None, "num": t.NUMERIC, "float": t.FLOAT8, "text": t.TEXT, "bool": t.BOOL, "date": t.DATE,
            "time": t.TIME, "timestamp": t.TIMESTAMP, "timestamptz": t.TIMESTAMPTZ, "interval": t.INTERVAL,
            "uuid": t.UUID, "bytea": t.BYTEA, "json": t.JSON, "jsonb": t.JSONB, "record": t.RECORD}


# The parameter types of the statement being translated (SessionContext.param_oids).
_DECLARED_PARAMS: contextvars.ContextVar[tuple[int, ...]] = contextvars.ContextVar("sixfold_param_oids", default=())
# The kind of a value of each type (a parameter's declared type, a column's stored type).
OID_KIND = {t.INT2: "int", t.INT4: "int", t.INT8: "int", t.NUMERIC: "num", t.FLOAT4: "float", t.FLOAT8: "float",
            t.TEXT: "text", t.VARCHAR: "text", t.BPCHAR: "text", t.BOOL: "bool", t.DATE: "date", t.TIME: "time",
            t.TIMESTAMP: "timestamp", t.TIMESTAMPTZ: "timestamptz", t.INTERVAL: "interval", t.UUID: "uuid",
            t.JSON: "json", t.JSONB: "jsonb", t.BYTEA: "bytea"}
_OID_WIDTH = {t.INT2: "int2", t.INT4: "int4", t.INT8: "int8"}


# Qualifiers that stand for a row of a table without being in any FROM: a trigger's NEW and
# OLD (triggers.py), name -> table.
_ROW_ALIASES: contextvars.ContextVar[dict[str, str]] = contextvars.ContextVar("sixfold_row_aliases", default={})


@contextlib.contextmanager
def row_aliases(aliases: dict[str, str]):
    """Within: a column qualified by one of `aliases` (lower case) has that table's column type."""
    token = _ROW_ALIASES.set(dict(aliases))
    try:
        yield
    finally:
        _ROW_ALIASES.reset(token)


@contextlib.contextmanager
def declared_parameters(oids: tuple[int, ...]):
    """Within: $n has the type the client declared for it (0: not declared, untyped)."""
    token = _DECLARED_PARAMS.set(tuple(oids))
    try:
        yield
    finally:
        _DECLARED_PARAMS.reset(token)


def parameter_number(e: exp.Expression) -> int | None:
    """n of a parameter node ($n, or ?n once rewritten), else None."""
    if isinstance(e, exp.Parameter) and isinstance(e.this, exp.Literal) and str(e.this.this).isdigit():
        return int(e.this.this)
    if isinstance(e, exp.Var) and str(e.this).startswith("?") and str(e.this)[1:].isdigit():
        return int(str(e.this)[1:])
    return None


def parameter_oid(e: exp.Expression) -> int:
    """The declared type of a parameter node ($n, or ?n once rewritten), else 0."""
    n = parameter_number(e)
    oids = _DECLARED_PARAMS.get()
    return oids[n - 1] if n is not None and 0 < n <= len(oids) else 0


def dtype_kind(to: exp.DataType | None) -> str:
    if not isinstance(to, exp.DataType):
        return ""
    name = to.this.name if hasattr(to.this, "name") else str(to.this)
    return _DTYPE_KIND.get(name, "")


def _arith_kind(op: str, a: str, b: str) -> str:
    if a in NUMERIC and b in NUMERIC:
        return "float" if "float" in (a, b) else ("num" if "num" in (a, b) else "int")
    pair = (a, b)
    if op == "+":
        table = {("date", "int"): "date", ("int", "date"): "date", ("date", "interval"): "timestamp",
                 ("interval", "date"): "timestamp", ("date", "time"): "timestamp", ("time", "date"): "timestamp",
                 ("timestamp", "interval"): "timestamp", ("interval", "timestamp"): "timestamp",
                 ("timestamptz", "interval"): "timestamptz", ("interval", "timestamptz"): "timestamptz",
                 ("time", "interval"): "time", ("interval", "time"): "time", ("interval", "interval"): "interval"}
        return table.get(pair, "")
    if op == "-":
        table = {("date", "int"): "date", ("date", "date"): "int", ("date", "interval"): "timestamp",
                 ("timestamp", "interval"): "timestamp", ("timestamptz", "interval"): "timestamptz",
                 ("time", "interval"): "time", ("interval", "interval"): "interval", ("time", "time"): "interval"}
        if a in ("date", "timestamp", "timestamptz") and b in ("date", "timestamp", "timestamptz") and pair != (
                "date", "date"):
            return "interval"
        return table.get(pair, "")
    if "interval" in pair and (a in NUMERIC or b in NUMERIC):
        return "interval"
    return ""


_DECL_KIND = {
    "smallint": "int", "int2": "int", "smallserial": "int", "integer": "int", "int": "int", "int4": "int",
    "serial": "int", "bigint": "int", "int8": "int", "bigserial": "int", "numeric": "num", "decimal": "num",
    "numeric text": "num",
    "real": "float", "float4": "float", "double precision": "float", "float8": "float", "float": "float",
    "text": "text", "varchar": "text", "character varying": "text", "char": "text", "character": "text",
    "bpchar": "text", "name": "text", "boolean": "bool", "bool": "bool", "date": "date",
    "time": "time", "time without time zone": "time", "timestamp": "timestamp",
    "timestamp without time zone": "timestamp", "timestamptz": "timestamptz",
    "timestamp with time zone": "timestamptz", "interval": "interval", "uuid": "uuid", "bytea": "bytea",
    "json": "json", "jsonb": "jsonb",
}
_DECL_WIDTH = {"smallint": "int2", "int2": "int2", "smallserial": "int2", "integer": "int4", "int": "int4",
               "int4": "int4", "serial": "int4", "bigint": "int8", "int8": "int8", "bigserial": "int8"}


def column_decl(col: exp.Column) -> str | None:
    """The declared type of a column reference, from the schema (None: no catalog, no such
    column, or more than one table could own it)."""
    if schema.current() is None or not col.name:
        return None
    aliases = _ROW_ALIASES.get()
    if aliases and col.table and col.table.lower() in aliases:
        return schema.column_type(aliases[col.table.lower()], col.name)
    root = col.root()
    qual = col.table
    if qual and qual.lower() == "excluded" and isinstance(root, exp.Insert) and root.args.get("conflict"):
        target = root.this.this if isinstance(root.this, exp.Schema) else root.this  # ON CONFLICT's row
        return schema.column_type(target.name, col.name) if isinstance(target, exp.Table) else None
    tables = _named_tables(root)
    hidden = _insert_target_hidden(root, col)
    found = set()
    for tab in tables:
        if qual and qual not in (tab.alias_or_name, tab.name) or tab is hidden:
            continue
        if not tab.db and _cte(tab.name, tab) is not None:  # a CTE of a table's name hides the table
            continue
        decl = schema.column_type(tab.name, col.name)
        if decl is not None:
            found.add(decl)
    if len(found) > 1 and not qual:
        return _scoped_decl(col)
    return found.pop() if len(found) == 1 else None


def _scoped_decl(col: exp.Column) -> str | None:
    """The declared type of unqualified `col` from the tables of the innermost SELECT
    whose sources name it, as PostgreSQL resolves it (`SELECT n FROM a UNION SELECT n
    FROM b`: each branch's n is its own table's); None where a derived source or two
    tables could own it."""
    sel = col.find_ancestor(exp.Select)
    for _ in range(_SCOPE_DEPTH_MAX):
        if sel is None:
            return None
        sources = _sources(sel)
        if any(not (isinstance(s, exp.Table) and isinstance(s.this, exp.Identifier)) or
               _cte(s.name, s) is not None for s in sources):
            return None  # (a derived table's columns are not the catalog's)
        decls = [d for d in (schema.column_type(s.name, col.name) for s in sources) if d is not None]
        if decls:
            return decls[0] if len(decls) == 1 else None
        sel = sel.parent.find_ancestor(exp.Select) if sel.parent is not None else None
    return None


_SCOPE_DEPTH_MAX = 64  # nested SELECTs searched outward for a column's table


def _insert_target_hidden(root: exp.Expression, col: exp.Column) -> exp.Table | None:
    """An INSERT's target table when `col` is in its source query, which cannot see it
    (`INSERT INTO w SELECT id FROM generate_series(1, 3) AS id`: id is the series', not
    w's); None otherwise."""
    if not isinstance(root, exp.Insert) or root.expression is None:
        return None
    node = col.parent
    while node is not None and node is not root.expression:
        node = node.parent
    if node is None:
        return None
    target = root.this.this if isinstance(root.this, exp.Schema) else root.this
    return target if isinstance(target, exp.Table) else None


def _tables_in(root: exp.Expression) -> list[exp.Table]:
    return [t for t in root.find_all(exp.Table) if isinstance(t.this, exp.Identifier)]


# The named tables of a statement's tree, kept while the rewrite walks it: column_decl
# asks once per column reference, and a tree that holds catalog relations (pg_class as
# its SQLite subquery) has thousands of nodes. id(root) -> (root, tables).
_TABLES: contextvars.ContextVar[dict[int, tuple[exp.Expression, list[exp.Table]]] | None] = \
    contextvars.ContextVar("sixfold_named_tables", default=None)
# SIXFOLD_VERIFY_CACHES=1 (the unit tests set it): every kept answer is checked against a
# fresh walk of the tree, which costs what keeping it saves.
VERIFY_TABLES_CACHE = [os.environ.get("SIXFOLD_VERIFY_CACHES") == "1"]


@contextlib.contextmanager
def named_tables_kept():
    """Within: the named tables of a tree are found once, until `forget_named_tables`
    (the caller's promise: it calls that whenever it adds a table to the tree; a table
    taken out is noticed here, as it no longer has the tree as its root)."""
    token = _TABLES.set({})
    try:
        yield
    finally:
        _TABLES.reset(token)


def forget_named_tables() -> None:
    kept = _TABLES.get()
    if kept:
        kept.clear()


def _named_tables(root: exp.Expression) -> list[exp.Table]:
    kept = _TABLES.get()
    if kept is None:
        return _tables_in(root)
    hit = kept.get(id(root))
    if hit is not None and hit[0] is root and all(tab.root() is root for tab in hit[1]):
        if VERIFY_TABLES_CACHE[0]:
            fresh = _tables_in(root)
            assert len(fresh) == len(hit[1]) and all(a is b for a, b in zip(hit[1], fresh)), \
                f"named tables kept for a tree that gained one: {root.sql()[:200]}"
        return hit[1]
    tables = _tables_in(root)
    kept[id(root)] = (root, tables)
    return tables


_DERIVED_DEPTH_MAX = 8  # nested subqueries and CTEs followed to type a column


class _Depth(threading.local):
    """How deep in derived tables this thread's typing is (translations run in every
    session's worker thread at once: a count shared between them would cut one short)."""
    value = 0


_derived_depth = _Depth()


def _output_kind(projection: exp.Expression) -> str:
    """The type a derived table's column has: its expression's, a lone literal as text."""
    k = kind(projection)
    return "text" if k == "unknown" else k


def _derived_kind(col: exp.Column) -> str:
    """The kind of a column of a subquery, a CTE or generate_series in the FROM of the
    column's SELECT: its defining expression's."""
    if _derived_depth.value >= _DERIVED_DEPTH_MAX:
        return ""
    sel = col.find_ancestor(exp.Select)
    if sel is None:
        return ""
    _derived_depth.value += 1
    try:
        found = {_source_column_kind(src, col) for src in _sources(sel)} - {None}
    finally:
        _derived_depth.value -= 1
    return found.pop() if len(found) == 1 else ""


def _sources(sel: exp.Select) -> list[exp.Expression]:
    out = []
    frm = sel.args.get("from_") or sel.args.get("from")
    if frm is not None:
        out.append(frm.this)
    out += [j.this for j in sel.args.get("joins") or []]
    return out


def _cte(name: str, at: exp.Expression) -> exp.Expression | None:
    node = at
    while node is not None:
        with_ = node.args.get("with_") or node.args.get("with") if isinstance(node, exp.Expression) else None
        for cte in (with_.expressions if with_ is not None else []):
            if cte.alias_or_name == name:
                return cte.this
        node = node.parent
    return None


cte_named = _cte  # (views.py: a CTE shadows a view of its name)
sources = _sources  # (a SELECT's FROM and JOIN sources, for views.py and quotient_text.py)


from_sources = _sources  # the FROM and JOIN sources of a SELECT, in order


def source_kind(src: exp.Expression, name: str) -> str:
    """The kind of column `name` of a FROM source (a table of the catalog, a subquery, a
    CTE, VALUES), '' when unknown."""
    if isinstance(src, exp.Table) and isinstance(src.this, exp.Identifier) and not src.db and \
            _cte(src.name, src) is None:
        return decl_kind(schema.column_type(src.name, name))
    return _source_column_kind(src, exp.column(name)) or ""


# OID columns of the system catalogs (catalog.py's relations, which the rewrite inlines
# as subqueries marked CATALOG_RELATION): integers, so that `oid = '16398'` (psql's way)
# compares numbers.
CATALOG_RELATION = "sixfold_catalog_relation"
_CATALOG_OID_COLUMNS = frozenset({
    "oid", "seqrelid", "seqtypid", "attrelid", "atttypid", "objid", "refobjid", "classid", "refclassid", "conrelid",
    "confrelid", "contypid", "connamespace", "indrelid", "indexrelid", "adrelid", "objoid", "classoid", "tgrelid",
    "tgfoid", "typrelid", "typnamespace", "typelem", "typarray", "relnamespace", "reltype", "relowner", "relam",
    "reltablespace", "pronamespace", "prorettype", "extnamespace", "inhrelid", "inhparent"})


# Array columns of the system catalogs, by element type (arrays.ELEMENTS' names; an
# aclitem[] is read as text[]): what unnest() and ANY read their elements as.
CATALOG_ARRAY_COLUMNS = {
    **dict.fromkeys(("reloptions", "attoptions", "attfdwoptions", "fdwoptions", "srvoptions", "ftoptions",
                     "umoptions", "spcoptions", "proconfig", "proargnames", "evttags", "subpublications",
                     "relacl", "attacl", "nspacl", "proacl", "typacl", "datacl", "lanacl", "fdwacl", "srvacl",
                     "spcacl", "defaclacl", "lomacl", "initprivs", "extcondition", "setconfig"), "text"),
    **dict.fromkeys(("conkey", "confkey", "conpfeqop", "conppeqop", "conffeqop", "prattrs"), "int2"),
    **dict.fromkeys(("polroles", "extconfig", "proallargtypes", "partclass"), "oid"),
}


def _source_column_kind(src: exp.Expression, col: exp.Column) -> str | None:
    """The kind of `col` in one FROM source, None when the source has no such column."""
    if col.table and col.table != src.alias_or_name:
        return None
    if col.name.lower() in _CATALOG_OID_COLUMNS and (src.meta.get(CATALOG_RELATION) or (
            isinstance(src, exp.Table) and isinstance(src.this, exp.Identifier) and
            src.name.lower().startswith("pg_") and src.db.lower() in ("", "pg_catalog"))):
        return "int"
    if isinstance(src, exp.Table) and isinstance(src.this, (exp.ExplodingGenerateSeries, exp.GenerateSeries)):
        names = [src.alias_or_name] + [c.name for c in (src.args.get("alias").columns if src.args.get("alias") else [])]
        if col.name not in names:
            return None
        start = _output_kind(src.this.args.get("start"))
        return "timestamptz" if start == "date" else start  # a date series is of timestamptz
    if isinstance(src, exp.Table) and isinstance(src.this, exp.Anonymous) and \
            src.this.name.lower() in ("pg_rows", "pg_zip_rows"):
        from compute_node.pg_sql import json_rows

        return json_rows.column_kind(src, col.name)
    if _values_source(src) is not None:  # (values (1), (2)) v(x): the rows' common kind
        rows = _values_column(src, col)
        if rows is None:
            return None
        kinds = {_output_kind(x) for x in rows}
        if kinds <= {"int", "num"} and "num" in kinds:
            return "num"
        if kinds <= set(NUMERIC) and "float" in kinds:
            return "float"  # an integer or numeric beside a float8 or real is cast to it
        return kinds.pop() if len(kinds) == 1 else ""
    body = source_select(src)
    frozen = body.meta.get(_FROZEN_KINDS) if body is not None else None
    for i, (name, p) in enumerate(named_items(src, body)):
        if name == col.name:
            return frozen[i] if frozen is not None and i < len(frozen) else _output_kind(p)
    return None


_FROZEN_KINDS = "pg_kinds"


def freeze_values_kinds(sel: exp.Select, values: exp.Values, names: list[str]) -> None:
    """Record on `sel`, the SELECT the rewrite puts in place of the VALUES list `values`
    (its columns `names`), the columns' kinds as written: a WHERE rewritten after it
    must still read `x::text` of a boolean or an interval column as that type's text."""
    sel.meta[_FROZEN_KINDS] = [_source_column_kind(values, exp.column(n)) or "" for n in names]


def freeze_derived_kinds(tree: exp.Expression) -> None:
    """Record on each subquery's SELECT the kinds of its columns as written: the rewrite
    replaces their expressions by SQLite calls (pg_arith(...) for `-interval_col`) whose
    kind it cannot tell, and the outer query, rewritten after, must still compare and
    sort the column as an interval, a date, a number."""
    for sel in tree.find_all(exp.Select):
        if sel is not tree and _FROZEN_KINDS not in sel.meta:
            sel.meta[_FROZEN_KINDS] = [_output_kind(p) for p in sel.expressions]


def named_items(src: exp.Expression, body: exp.Select | None) -> list[tuple[str, exp.Expression]]:
    """(column name, select-list item) of a FROM source whose rows `body` makes: named by
    the CTE's or the subquery's column list when it has one (`WITH c(w) AS (...)`)."""
    if body is None:
        return []
    top = body
    while isinstance(top.parent, (exp.Union, exp.Intersect, exp.Except)) and top.arg_key == "this":
        top = top.parent
    alias = top.parent.args.get("alias") if isinstance(top.parent, exp.CTE) else src.args.get("alias")
    names = [c.name for c in alias.columns] if isinstance(alias, exp.TableAlias) and alias.columns else []
    if not names:
        return [(p.alias_or_name, p) for p in body.expressions]
    return list(zip(names, body.expressions)) + [(p.alias_or_name, p) for p in body.expressions[len(names):]]


def _values_column(src: exp.Expression, col: exp.Column) -> list[exp.Expression] | None:
    """The rows' values (bare NULLs left out) of `col` in a VALUES source or a CTE that is
    one (its columns named by its alias, else column1, column2, ...), None when `src` is
    not one or has no such column."""
    values = _values_source(src)
    if values is None:
        return None
    alias = values.parent.args.get("alias") if values is not src else src.args.get("alias")
    names = [c.name for c in alias.columns] if isinstance(alias, exp.TableAlias) else []
    width = max((len(r.expressions) for r in values.expressions if isinstance(r, exp.Tuple)), default=0)
    names += [f"column{i + 1}" for i in range(len(names), width)]  # PostgreSQL's names for the rest
    if col.name not in names or col.table and col.table != src.alias_or_name:
        return None
    i = names.index(col.name)
    return [r.expressions[i] for r in values.expressions if isinstance(r, exp.Tuple) and i < len(r.expressions)
            and not isinstance(r.expressions[i], exp.Null)]


def _values_source(src: exp.Expression) -> exp.Values | None:
    """The VALUES list a FROM source is: itself, or the body of the CTE it names."""
    if isinstance(src, exp.Values):
        return src
    if isinstance(src, exp.Table) and isinstance(src.this, exp.Identifier) and not src.db:
        body = _cte(src.name, src)
        return body if isinstance(body, exp.Values) and isinstance(body.parent, exp.CTE) else None
    return None


def values_rows(col: exp.Column) -> list[exp.Expression] | None:
    """The rows' values (bare NULLs left out) of `col` when it is a column of a VALUES list
    in its SELECT's FROM (a CTE's VALUES is one: the rewrite reads it as SELECT ... FROM
    (VALUES ...)), None otherwise."""
    sel = col.find_ancestor(exp.Select)
    for src in _sources(sel) if sel is not None else []:
        rows = _values_column(src, col)
        if rows is not None:
            return rows
    return None


def recursive_references(cte: exp.CTE) -> list[exp.Table]:
    """The references a recursive CTE's recursive term makes to it (WITH RECURSIVE, a
    UNION whose right side reads the CTE); [] for any other CTE."""
    body, with_ = cte.this, cte.parent
    if not isinstance(body, exp.Union) or not isinstance(with_, exp.With) or not with_.args.get("recursive"):
        return []
    name = cte.alias.lower()
    return [t for t in body.expression.find_all(exp.Table) if not t.db and t.name.lower() == name]


def source_select(src: exp.Expression) -> exp.Select | None:
    """The SELECT that makes a FROM source's rows: a subquery's, a CTE's (the first branch
    of a set operation), None for a table."""
    body = None
    if isinstance(src, exp.Subquery):
        body = src.this
    elif isinstance(src, exp.Table) and isinstance(src.this, exp.Identifier) and not src.db:
        body = _cte(src.name, src)
    while isinstance(body, (exp.Union, exp.Intersect, exp.Except)):
        body = body.this
    return body if isinstance(body, exp.Select) else None


def _derived_projection(col: exp.Column) -> exp.Expression | None:
    """The select-list expression that defines `col` when it is a column of a subquery or
    CTE in its SELECT's FROM (one such source), else None."""
    sel = col.find_ancestor(exp.Select)
    if sel is None or _derived_depth.value >= _DERIVED_DEPTH_MAX:
        return None
    found = []
    for src in _sources(sel):
        body = source_select(src) if not col.table or col.table == src.alias_or_name else None
        found += [p.unalias() for name, p in named_items(src, body) if name == col.name]
    return found[0] if len(found) == 1 else None


derived_projection = _derived_projection


def _through_derived(col: exp.Column, fn, default):
    """`fn` of the select-list expression that defines `col` (a subquery's or CTE's
    column), one level deeper; `default` when there is none."""
    source = _derived_projection(col)
    if source is None:
        return default
    _derived_depth.value += 1
    try:
        return fn(source)
    finally:
        _derived_depth.value -= 1


def _series_bounds(src: exp.Expression, col: exp.Column) -> list[exp.Expression] | None:
    """generate_series(start, stop [, step]) in FROM, when `col` is its column: its
    arguments (an integer series is of their widest type)."""
    if not (isinstance(src, exp.Table) and isinstance(src.this, (exp.ExplodingGenerateSeries, exp.GenerateSeries))):
        return None
    alias = src.args.get("alias")
    if (col.table and col.table != src.alias_or_name) or \
            col.name not in [src.alias_or_name] + [c.name for c in (alias.columns if alias else [])]:
        return None
    return [a for a in (src.this.args.get(k) for k in ("start", "end", "step")) if a is not None]


def _derived_int_width(col: exp.Column) -> str:
    """The integer type of a column of a subquery or CTE (its expression's) or of VALUES
    (the widest of its rows'), '' when unknown."""
    sel = col.find_ancestor(exp.Select)
    if sel is None or _derived_depth.value >= _DERIVED_DEPTH_MAX:
        return ""
    source = _derived_projection(col)
    found = [source] if source is not None else next(
        (rows for rows in (_values_column(src, col) or _series_bounds(src, col) for src in _sources(sel))
         if rows is not None), None)
    if not found:
        return ""
    _derived_depth.value += 1
    try:
        widths = [int_width(x) for x in found]
    finally:
        _derived_depth.value -= 1
    return "" if "" in widths else max(widths, key=_WIDTH_RANK.__getitem__)


def _derived_scale(col: exp.Column) -> int | None:
    """The display scale of a column of a subquery or CTE: its expression's (a
    numeric(10,2) column read through `(select price from items) s` still shows 10.50)."""
    source = _derived_projection(col)
    if source is None:
        return _values_scale(col)
    body = source.find_ancestor(exp.Select)
    if body is not None and _recursive_first_term(body):
        return _typmod_scale(source)  # (the recursive term's values are coerced to its type: 42804 else)
    if body is None or isinstance(body.parent, (exp.Union, exp.Intersect, exp.Except)):
        return None  # (a set operation's other branches may show other scales)
    _derived_depth.value += 1
    try:
        return scale(source) if kind(source) in ("num", "int") else None
    finally:
        _derived_depth.value -= 1


def _recursive_first_term(body: exp.Select) -> bool:
    """Whether `body` is the non-recursive term of a WITH RECURSIVE query's UNION [ALL],
    whose column types (with their modifiers) are the query's."""
    union = body.parent
    cte = union.parent if isinstance(union, exp.Union) else None
    with_ = cte.parent if isinstance(cte, exp.CTE) else None
    return isinstance(with_, exp.With) and bool(with_.args.get("recursive")) and union.this is body


def _typmod_scale(e: exp.Expression) -> int | None:
    """The scale of `e`'s numeric(p,s) type modifier (a numeric(p,s) column, a cast to
    one), None when it has none."""
    e = e.unalias().unnest()
    if isinstance(e, exp.Column):
        decl = column_decl(e)
        return t.numeric_scale(decl) if decl is not None and decl_kind(decl) == "num" else None
    if isinstance(e, exp.Cast) and isinstance(e.args.get("to"), exp.DataType):
        to = e.args["to"]
        return int(to.expressions[1].sql()) if dtype_kind(to) == "num" and len(to.expressions) == 2 else None
    return None


def _values_scale(col: exp.Column) -> int | None:
    """The display scale of a VALUES column in the FROM of the column's SELECT when its
    rows agree on one ((values (1.50), (2.25)) v(x): 2)."""
    sel = col.find_ancestor(exp.Select)
    for src in _sources(sel) if sel is not None else []:
        rows = _values_column(src, col)
        if rows is not None:
            if not rows or any(kind(r) not in ("num", "int") for r in rows):
                return None
            scales = {scale(r) for r in rows}
            return scales.pop() if len(scales) == 1 else None
    return None


def _norm_decl(decl: str) -> str:
    return " ".join(re.sub(r"\([^)]*\)", "", decl.lower()).split())


def _array_element(col: exp.Column) -> str | None:
    from compute_node.pg_sql import arrays

    try:
        return arrays.element_kind(column_decl(col))
    except arrays.ArrayError:
        return None


def array_element_kind(e: exp.Expression) -> str | None:
    """The element kind ('int4', 'text', ...) of an array value whose form says it: an
    array column, a cast to an array type, ARRAY[...] of one kind of values."""
    from compute_node.pg_sql import arrays

    while isinstance(e, exp.Paren):
        e = e.this
    if isinstance(e, exp.Column) and column_decl(e) is None:  # a subquery's or a CTE's
        return _through_derived(e, array_element_kind, None)
    if isinstance(e, exp.Column):
        return _array_element(e)
    if isinstance(e, exp.Cast) and isinstance(e.args.get("to"), exp.DataType):
        try:
            return arrays.element_kind(e.args["to"].sql("postgres").lower().replace("array", "[]"))
        except arrays.ArrayError:
            return None
    if isinstance(e, exp.StringToArray):
        return "text"
    joined = joined_element_kind(e)
    if joined is not None:
        return joined
    while isinstance(e, exp.Subquery) and isinstance(e.this, exp.Subquery):  # ((SELECT ...)): sqlglot's two
        e = e.this
    if isinstance(e, exp.Subquery) and isinstance(e.this, exp.Select) and len(e.this.expressions) == 1:
        return array_element_kind(e.this.expressions[0].unalias())  # a scalar subquery: its column's
    if isinstance(e, exp.ArrayAgg):  # array_agg(x [ORDER BY ...]): x's
        element = e.this.this if isinstance(e.this, exp.Order) else e.this
        if isinstance(element, exp.Distinct) and len(element.expressions) == 1:
            element = element.expressions[0]
        return _value_element_kind(element) if kind(element) in NUMERIC else None
    if isinstance(e, (exp.ArrayRemove, exp.ArrayAppend, exp.ArrayPrepend, exp.Nullif)) or is_slice(e):
        return array_element_kind(e.this)
    if isinstance(e, _BRANCHING) or isinstance(e, exp.ArrayConcat) and len(e.expressions) == 1:
        # coalesce(a, '{}'::text[]), array_cat(a, b): the element kind its arrays agree on
        parts = value_branches(e) if isinstance(e, _BRANCHING) else [e.this, e.expressions[0]]
        return _common_element([array_element_kind(p) for p in parts
                                if not (isinstance(p.unnest(), exp.Literal) and p.unnest().is_string or
                                        isinstance(p.unnest(), exp.Null))])
    if isinstance(e, exp.Anonymous) and e.name.lower() in ("array_replace", "trim_array") and e.expressions:
        return array_element_kind(e.expressions[0])
    if isinstance(e, exp.Anonymous) and e.name.lower() == "array_positions":
        return "int4"
    if isinstance(e, exp.Anonymous) and e.name.lower() == "array_fill" and e.expressions:
        first = e.expressions[0]
        if kind(first) == "int":
            return int_width(first) or "int4"
        return {"bool": "bool", "float": "float8", "num": "numeric", "text": "text", "unknown": "text"}.get(kind(first))
    if isinstance(e, exp.Array) and e.expressions:
        kinds = {kind(x) for x in e.expressions if not _null(x)}
        widths = {int_width(x) for x in e.expressions if not _null(x)}
        if kinds == {"int"} and "" not in widths:  # ARRAY[1, 3000000000] is bigint[]
            return max(widths, key=_NUMBER_ELEMENTS.index)
        if kinds == {"float"} and all(oid(x) == t.FLOAT4 for x in e.expressions if not _null(x)):
            return "float4"
        if kinds <= {"text", "unknown"} and "text" in kinds:  # ARRAY[v, t] of a varchar v is varchar[]
            first = next(x for x in e.expressions if kind(x) == "text")  # (the first typed one stays)
            return "varchar" if varchar_value(first) else "text"
        return {frozenset({"bool"}): "bool", frozenset({"text"}): "text", frozenset({"unknown"}): "text",
                frozenset({"text", "unknown"}): "text", frozenset({"float"}): "float8", frozenset({"num"}): "numeric",
                frozenset({"num", "int"}): "numeric"}.get(frozenset(kinds))
    return None


_NUMBER_ELEMENTS = ("int2", "int4", "int8", "numeric", "float4", "float8")  # each implicitly cast to the next


def _value_element_kind(e: exp.Expression) -> str | None:
    """The element kind of an array `e` is, or that a value `e` would be in one."""
    k = kind(e)
    if k == "array":
        return array_element_kind(e)
    if k == "int":
        return int_width(e) or None
    if k == "float":
        return "float4" if oid(e) == t.FLOAT4 else "float8"
    return "numeric" if k == "num" else None


def varchar_value(e: exp.Expression) -> bool:
    """A varchar value: a varchar column, or a cast to varchar."""
    e = e.unnest()
    if isinstance(e, exp.Column):
        decl = column_decl(e)
        return decl is not None and "[" not in decl and _norm_decl(decl) in ("varchar", "character varying")
    if isinstance(e, exp.Cast) and isinstance(e.args.get("to"), exp.DataType):
        return e.args["to"].this == exp.DataType.Type.VARCHAR
    return False


def _joined_parts(e: exp.Expression) -> list[exp.Expression] | None:
    """The arrays and values an anycompatiblearray function or operator joins (array_append,
    array_prepend, array_cat, ||, array_remove, array_replace); None for other forms."""
    if isinstance(e, exp.ArrayPrepend):  # array_prepend(element, array): sqlglot's `this` is the array
        return [e.expression, e.this]
    if isinstance(e, (exp.ArrayAppend, exp.ArrayRemove)):
        return [e.this, e.expression]
    if isinstance(e, exp.ArrayConcat) and len(e.expressions) == 1:
        return [e.this, e.expressions[0]]
    if isinstance(e, exp.DPipe) and "array" in (kind(e.this), kind(e.expression)):
        return [e.this, e.expression]
    if isinstance(e, exp.Anonymous) and e.name.lower() == "array_replace" and len(e.expressions) == 3:
        return list(e.expressions)
    return None


def joined_element_kind(e: exp.Expression) -> str | None:
    """The element kind PostgreSQL resolves an anycompatiblearray function's arrays and
    values to (array_append(int[], bigint) is bigint[], array_replace(smallint[], 1, 2)
    integer[], int[] || 1.5 numeric[]); None when an argument's kind is not known, which
    leaves the first array's. NULL and string literals take the others' type."""
    parts = _joined_parts(e)
    if parts is None:
        return None
    ordered = [_value_element_kind(p) if kind(p) in NUMERIC or kind(p) == "array" else
               ("varchar" if varchar_value(p) else "text") if kind(p) == "text" else None
               for p in parts if not (isinstance(p.unnest(), exp.Null) or
                                      isinstance(p.unnest(), exp.Literal) and p.unnest().is_string)]
    return _common_element(ordered)


def _common_element(ordered: list[str | None]) -> str | None:
    """The element kind PostgreSQL's select_common_type resolves arrays (or values) of
    these element kinds to, in their order: numbers widen; among text and varchar (each
    casts to the other implicitly) the first stays; None when one is not known."""
    kinds = set(ordered)
    if None in kinds or not kinds:
        return None
    if kinds <= set(_NUMBER_ELEMENTS):
        return max(kinds, key=_NUMBER_ELEMENTS.index)
    if kinds <= {"text", "varchar"}:
        return ordered[0]
    return kinds.pop() if len(kinds) == 1 else None


def promoted_array_kind(e: exp.Expression) -> str | None:
    """'float4' / 'float8' when array_append / array_prepend / array_cat / || join arrays
    and values of number kinds and a float among them makes the result an array of floats
    (anycompatiblearray: sign(1) || bigint[] is double precision[]), so that the others'
    elements must be shown as floats; None otherwise."""
    if isinstance(e, (exp.ArrayAppend, exp.ArrayPrepend)) or \
            isinstance(e, exp.ArrayConcat) and len(e.expressions) == 1:
        parts = [e.this, e.expression if not isinstance(e, exp.ArrayConcat) else e.expressions[0]]
    elif isinstance(e, exp.DPipe) and "array" in (kind(e.this), kind(e.expression)):
        parts = [e.this, e.expression]
    else:
        return None
    kinds = [_value_element_kind(p) for p in parts]
    if None in kinds or not set(kinds) <= set(_NUMBER_ELEMENTS) or len(set(kinds)) == 1:
        return None
    top = max(kinds, key=_NUMBER_ELEMENTS.index)
    return top if top in ("float4", "float8") else None


def wrap_in_place(node: exp.Expression, wrap) -> exp.Expression:
    """`wrap(x)` built around `node` where `node` stands, `node` itself (not a copy) inside
    it: it stays in the tree, so its columns keep resolving through its parents while the
    translator visits it next. Returns the wrapper."""
    hole = exp.Null()
    out = wrap(hole)
    node.replace(out)
    hole.replace(node)
    return out


def is_slice(e: exp.Expression) -> bool:
    """arr[lo:hi] (also arr[lo:], arr[:hi]): an array, where arr[i] is an element."""
    return isinstance(e, exp.Bracket) and len(e.expressions) == 1 and isinstance(e.expressions[0], exp.Slice)


def array_element_oid(e: exp.Expression) -> int | None:
    """The element type of arr[i] over an array column or an array expression."""
    from compute_node.pg_sql import arrays

    if isinstance(e, exp.Bracket) and isinstance(e.this, exp.Column) and not is_slice(e):
        elem = _array_element(e.this)
        return arrays.ELEMENTS[elem][0] if elem else None
    if isinstance(e, exp.Bracket) and len(e.expressions) == 1 and not is_slice(e) and kind(e.this) == "array":
        elem = array_element_kind(e.this.unnest())  # (ARRAY[1.5, 2])[1], array_remove(...)[1]
        return arrays.ELEMENTS[elem][0] if elem in arrays.ELEMENTS else None
    return None


def decl_kind(decl: str | None) -> str:
    if not decl:
        return ""
    if "[" in decl:
        return "array"
    return _DECL_KIND.get(_norm_decl(decl), "")


# Expressions whose value is one of their arguments' (the branches').
_BRANCHING = (exp.Coalesce, exp.Case, exp.Greatest, exp.Least)
BRANCHING = _BRANCHING


def first_branch(body: exp.Expression) -> exp.Expression:
    """A set operation's (parenthesized or not) first SELECT, which names its columns;
    anything else as it is."""
    while isinstance(body, (exp.SetOperation, exp.Subquery)):
        body = body.this
    return body


def branch_values(e: exp.Expression) -> list[exp.Expression]:
    """The values a COALESCE, CASE, GREATEST or LEAST can take, in select_common_type's
    order (CASE's ELSE first, as PostgreSQL lists it), NULLs included."""
    if isinstance(e, exp.Case):
        return [v for v in (e.args.get("default"), *(arm.args.get("true") for arm in e.args.get("ifs") or []))
                if v is not None]
    return [e.this, *e.expressions]


def value_branches(e: exp.Expression) -> list[exp.Expression]:
    """The expressions whose value a COALESCE, CASE, GREATEST or LEAST can take, less
    bare NULLs (a typed NULL::numeric keeps its type)."""
    if isinstance(e, exp.Case):
        branches = [i.args.get("true") for i in e.args.get("ifs") or []] + [e.args.get("default")]
    else:
        branches = [e.this, *e.expressions]
    return [b for b in branches if b is not None and not isinstance(b, exp.Null)]


# Type categories (pg_type.typcategory) of the kinds whose values never resolve to one
# type across categories: CASE of an integer and a text is 42804 in PostgreSQL. (Not
# COMPARISON_GROUP: operators also follow implicit casts across categories, interval > time.)
_CATEGORY = {"int": "N", "num": "N", "float": "N", "text": "S", "bool": "B", "date": "D", "timestamp": "D",
             "timestamptz": "D", "time": "D", "interval": "T", "uuid": "U", "bytea": "b", "json": "json",
             "jsonb": "jsonb"}


def mismatched_branches(branches: list[exp.Expression]) -> tuple[exp.Expression, exp.Expression] | None:
    """The first two of `branches` (in PostgreSQL's order) whose types no common type
    holds, when every branch's type is known; else None."""
    kinds = [operand_kind(b) for b in branches]
    if not all(k in _CATEGORY and _evident(b) or k == "unknown" for b, k in zip(branches, kinds)):
        return None
    typed = [(b, _CATEGORY[k]) for b, k in zip(branches, kinds) if k != "unknown"]
    for b, cat in typed[1:]:
        if cat != typed[0][1]:
            return typed[0][0], b
    return None


def _evident(e: exp.Expression) -> bool:
    """A value whose type is beyond doubt: a literal, a cast, a function of one result
    type, a table's column (not the catalogs' internal expressions, whose SQLite values
    Sixfold's own SQL mixes)."""
    while isinstance(e, (exp.Paren, exp.Neg)):
        e = e.this
    return isinstance(e, (exp.Literal, exp.Boolean, exp.Cast)) or type(e) in _NODE_KIND or \
        isinstance(e, exp.Column) and column_decl(e) is not None


def window_branches(e: exp.Expression) -> list[exp.Expression]:
    """lag(x, n, default) / lead(...): [x, default], the values whose common type is the
    result's; [] for others and without a default (or with a bare NULL one)."""
    default = e.args.get("default") if isinstance(e, (exp.Lag, exp.Lead)) else None
    return [e.this, default] if default is not None and not isinstance(default, exp.Null) else []


def operand_kind(e: exp.Expression) -> str:
    """A CASE/COALESCE/GREATEST value's (or an operator's operand's) kind; a parameter
    the client sent untyped is 'unknown', taking the others' type as a quoted literal does."""
    inner = e.unnest() if isinstance(e, exp.Paren) else e
    if isinstance(inner, (exp.Parameter, exp.Var)) and parameter_oid(inner) == 0 and \
            (isinstance(inner, exp.Var) or isinstance(inner.this, exp.Literal)):
        return "unknown"
    return kind(e)


def _null(e: exp.Expression) -> bool:
    """NULL, or a typed NULL (NULL::numeric): no value, so no scale of its own."""
    while isinstance(e, (exp.Paren, exp.Cast)):
        e = e.this
    return isinstance(e, exp.Null)


def _common_kind(branches: list[exp.Expression]) -> str:
    """The kind PostgreSQL resolves values of these kinds to (CASE, COALESCE, lag's
    default: anycompatible), '' when they have none."""
    kinds = {operand_kind(b) for b in branches}
    if kinds == {"unknown"}:
        return "text"  # PostgreSQL resolves literals alone as text
    kinds.discard("unknown")  # a literal takes the other branches' type
    if kinds <= {"int", "num"} and "num" in kinds:
        return "num"
    if kinds <= set(NUMERIC) and "float" in kinds:
        return "float"  # CASE of an integer and a float8 is a float8
    return kinds.pop() if len(kinds) == 1 and "" not in kinds else ""


# Expressions whose kind is fixed by what they are.
# The kind of an array's element, by the element kind arrays.py names it.
ELEMENT_KIND = {"int2": "int", "int4": "int", "int8": "int", "float4": "float", "float8": "float", "bool": "bool",
                "text": "text", "varchar": "text", "numeric": "num"}

_NODE_KIND = {exp.JSONBPathExists: "bool", exp.MatchAgainst: "bool", exp.ArrayContainedBy: "bool",
              exp.ArrayContainsAll: "bool", exp.ArrayOverlaps: "bool", exp.ArraySize: "int", exp.ArrayPosition: "int",
              exp.JSONExtractScalar: "text", exp.JSONBExtractScalar: "text", exp.ArrayAgg: "array",
              exp.SHA2Digest: "bytea", exp.Decode: "bytea", exp.Encode: "text", exp.Format: "text",
              exp.Ascii: "int", exp.Ntile: "int",
              exp.RowNumber: "int", exp.Rank: "int", exp.DenseRank: "int", exp.PercentRank: "float",
              exp.CumeDist: "float",
              exp.ArrayPrepend: "array", exp.ArrayToString: "text",
              exp.ToNumber: "num", exp.StrToDate: "date",
              exp.StrToTime: "timestamptz", exp.StringToArray: "array", exp.ArrayRemove: "array", exp.JSONArrayAgg: "json", exp.JSONObjectAgg: "json", exp.JSONBObjectAgg: "jsonb", exp.Uuid: "uuid", exp.Interval: "interval", exp.CurrentTimestamp: "timestamptz", exp.CurrentDate: "date",
              exp.Localtimestamp: "timestamp", exp.UnixToTime: "timestamptz", exp.Extract: "num",
              exp.TimeToStr: "text", exp.Count: "int", exp.StrPosition: "int", exp.Lower: "text", exp.Upper: "text",
              exp.Substring: "text", exp.Trim: "text", exp.DPipe: "text", exp.Concat: "text", exp.Initcap: "text",
              exp.Left: "text", exp.Right: "text", exp.Replace: "text", exp.ConcatWs: "text",
              exp.RegexpReplace: "text", exp.Pad: "text", exp.SplitPart: "text", exp.Repeat: "text",
              exp.Reverse: "text", exp.MD5: "text", exp.Chr: "text", exp.Translate: "text", exp.Array: "array", exp.ArrayAppend: "array", exp.ArrayConcat: "array",
              **more_functions.NODE_KINDS}
if hasattr(exp, "CurrentSchemas"):  # (newer sqlglot releases parse current_schemas() to it)
    _NODE_KIND[exp.CurrentSchemas] = "array"


_VALUE_WINDOW_FUNCTIONS = (exp.Lag, exp.Lead, exp.FirstValue, exp.LastValue, exp.NthValue)
VALUE_WINDOW_FUNCTIONS = _VALUE_WINDOW_FUNCTIONS
VARIANCE_NODES = {exp.Stddev: "stddev_samp", exp.StddevSamp: "stddev_samp", exp.StddevPop: "stddev_pop",
                  exp.Variance: "var_samp", exp.VariancePop: "var_pop"}
REGRESSION_NODES = {exp.Corr: "corr", exp.CovarPop: "covar_pop", exp.CovarSamp: "covar_samp",
                    exp.RegrAvgx: "regr_avgx", exp.RegrAvgy: "regr_avgy", exp.RegrCount: "regr_count",
                    exp.RegrIntercept: "regr_intercept", exp.RegrR2: "regr_r2", exp.RegrSlope: "regr_slope",
                    exp.RegrSxx: "regr_sxx", exp.RegrSxy: "regr_sxy", exp.RegrSyy: "regr_syy"}


def ordered_set_value(e: exp.Expression) -> exp.Expression | None:
    """The ORDER BY value of percentile_disc / mode() WITHIN GROUP (or of their rewrite,
    ordered_set.py), whose type is the result's; None for anything else."""
    if isinstance(e, exp.WithinGroup) and isinstance(e.this, (exp.PercentileDisc, exp.Mode)):
        order = e.expression
        if isinstance(order, exp.Order) and len(order.expressions) == 1:
            return order.expressions[0].this
    if isinstance(e, exp.Anonymous) and e.name in ("pg_percentile_disc", "pg_mode") and e.expressions and \
            isinstance(e.expressions[-1], exp.Order):
        return e.expressions[-1].this
    return None


# Kinds found during one outermost kind() call (the tree does not change meanwhile): a
# chain a || b || c asks for its operands' kinds several times at each level, which
# without this is exponential in its length. (id(node), derived depth) -> (node, kind).
_KINDS_FOUND: contextvars.ContextVar[dict | None] = contextvars.ContextVar("sixfold_kinds_found", default=None)


def kind(e: exp.Expression | None) -> str:
    """The kind of `e` when its form (or, with a catalog, its columns' types) says it, else ''."""
    if e is None:
        return ""
    found = _KINDS_FOUND.get()
    if found is None:
        token = _KINDS_FOUND.set({})
        try:
            return _kind(e)
        finally:
            _KINDS_FOUND.reset(token)
    key = (id(e), _derived_depth.value)
    hit = found.get(key)
    if hit is not None and hit[0] is e:
        return hit[1]
    k = _kind(e)
    found[key] = (e, k)
    return k


def _kind(e: exp.Expression) -> str:
    if isinstance(e, exp.Tuple):  # a row (row_values.py); the text when cast
        return "record"
    if isinstance(e, exp.Column):
        decl = column_decl(e)
        return decl_kind(decl) if decl is not None else _derived_kind(e)
    if isinstance(e, (exp.Parameter, exp.Var)):
        return OID_KIND.get(parameter_oid(e), "")
    if isinstance(e, exp.Subquery) and isinstance(e.this, exp.Select) and len(e.this.expressions) == 1:
        return _output_kind(e.this.expressions[0])  # a scalar subquery
    if isinstance(e, exp.Subquery) and isinstance(e.this, exp.Subquery) and not e.alias:
        return kind(e.this)  # ((SELECT ...)): sqlglot nests a parenthesized subquery
    if isinstance(e, (exp.Paren, exp.Alias, exp.Filter, exp.Window, exp.Escape)):
        return kind(e.this)  # (x LIKE p ESCAPE c is the LIKE's)
    if isinstance(e, exp.Distinct) and len(e.expressions) == 1:
        return kind(e.expressions[0])
    if isinstance(e, exp.Neg):
        return kind(e.this)
    if isinstance(e, (exp.JSONExtract, exp.JSONBExtract)) or (
            isinstance(e, exp.Anonymous) and e.name.lower() in ("pg_json_get", "pg_json_path") and
            len(e.expressions) == 3 and str(e.expressions[2].this) in ("0", "2")):  # doc -> key: json / jsonb
        doc = kind(e.this if not isinstance(e, exp.Anonymous) else e.expressions[0])
        return doc if doc in ("json", "jsonb") else ""
    if isinstance(e, exp.Anonymous) and e.name.lower() in ("pg_json_get", "pg_json_path") and \
            len(e.expressions) == 3 and str(e.expressions[2].this) in ("1", "3"):
        return "text"  # doc ->> key
    if isinstance(e, exp.Literal):
        if e.is_string:
            return "unknown"
        text = str(e.this)
        # An integer literal beyond bigint is numeric in PostgreSQL (9223372036854775808 + 1
        # is 9223372036854775809, not "bigint out of range").
        return "int" if text.lstrip("-").isdigit() and literal_int_hint(text) != "num" else "num"
    if isinstance(e, (exp.JSONBContainsTopKey, exp.JSONBContainsAnyTopKeys, exp.JSONBContainsAllTopKeys)):
        return "bool"
    if isinstance(e, (exp.Boolean, exp.EQ, exp.NEQ, exp.GT, exp.GTE, exp.LT, exp.LTE, exp.And, exp.Or, exp.Not,
                      exp.Is, exp.In, exp.Like, exp.ILike, exp.Between, exp.Exists, exp.NullSafeEQ,
                      exp.NullSafeNEQ, exp.RegexpLike, exp.RegexpILike, exp.LogicalOr, exp.LogicalAnd)):
        return "bool"  # (bool_or / bool_and / every are booleans too)
    if is_slice(e):
        return kind(e.this)  # arr[lo:hi]: an array
    if isinstance(e, exp.Bracket) and len(e.expressions) == 1 and (
            isinstance(e.this.unnest(), (exp.Column, exp.Cast)) or kind(e.this) == "array"):
        elem = array_element_kind(e.this.unnest())  # arr[i], '{1}'::int[][i]: the element's kind
        return ELEMENT_KIND.get(elem or "", "")
    if isinstance(e, exp.DPipe) and "array" in (kind(e.this), kind(e.expression)):
        return "array"  # || of arrays concatenates them
    if isinstance(e, exp.DPipe) and "jsonb" in (kind(e.this), kind(e.expression)) and \
            {kind(e.this), kind(e.expression)} <= {"jsonb", "unknown"}:
        return "jsonb"  # || of jsonb values merges them
    if isinstance(e, exp.DPipe) and "bytea" in (kind(e.this), kind(e.expression)) and \
            {kind(e.this), kind(e.expression)} <= {"bytea", "unknown"}:
        return "bytea"  # || of bytea values
    if isinstance(e, (exp.Trim, exp.Substring)) and kind(e.this) == "bytea":
        return "bytea"
    fixed = _NODE_KIND.get(type(e))
    if fixed:
        return fixed
    if isinstance(e, (exp.Cast, exp.TryCast)):
        return dtype_kind(e.args.get("to"))
    if type(e) in temporal_functions.KINDS:
        return temporal_functions.KINDS[type(e)]
    if isinstance(e, exp.AtTimeZone) or isinstance(e, exp.Anonymous) and e.name.lower() == "timezone" and \
            len(e.expressions) == 2:
        value = e.this if isinstance(e, exp.AtTimeZone) else e.expressions[1]
        return temporal_functions.at_time_zone_kind(kind(value))
    if isinstance(e, exp.DateBin):  # date_bin(stride, source, origin): the source's type
        return "timestamptz" if kind(e.expression) == "timestamptz" else "timestamp"
    if isinstance(e, (exp.TimestampTrunc, exp.DateTrunc)):
        inner = kind(e.this)
        return "timestamptz" if inner in ("date", "") else inner
    if isinstance(e, (exp.Max, exp.Min)):
        return kind(e.this)
    if isinstance(e, exp.WithinGroup) and isinstance(e.this, exp.PercentileCont) or \
            isinstance(e, exp.Anonymous) and e.name == "pg_percentile_cont":
        return "float"
    if ordered_set_value(e) is not None:
        return kind(ordered_set_value(e))
    if isinstance(e, (exp.BitwiseAndAgg, exp.BitwiseOrAgg, exp.BitwiseXorAgg)):
        return kind(e.this)
    if isinstance(e, exp.Overlay):  # overlay(s placing r from f): s's (text or bytea)
        return "bytea" if kind(e.this) == "bytea" else "text"
    if isinstance(e, _VALUE_WINDOW_FUNCTIONS):  # lag(x), first_value(x), ...: x's type
        return _common_kind(branches) if (branches := window_branches(e)) else kind(e.this)
    if type(e) in VARIANCE_NODES:  # double precision of floats, else numeric
        return "float" if kind(e.this) == "float" else "num"
    if type(e) in REGRESSION_NODES:
        return "int" if isinstance(e, exp.RegrCount) else "float"
    if isinstance(e, exp.Sum):
        arg = e.this.expressions[0] if isinstance(e.this, exp.Distinct) and len(e.this.expressions) == 1 else e.this
        inner = kind(arg)  # sum(int4) is int8, sum(numeric) numeric: the same kinds here,
        return "num" if inner == "int" and int_width(arg) == "int8" else inner  # but sum(int8) is numeric
    if isinstance(e, exp.Abs):
        return kind(e.this)
    if isinstance(e, exp.Nullif):  # nullif('a', 'b') is text, nullif('2024-01-01', d) a date
        first, second = kind(e.this), kind(e.expression)
        if first in NUMERIC and second in NUMERIC and first != second:  # the common type: nullif(2, 1.5) numeric
            return "float" if "float" in (first, second) else "num"
        if first != "unknown":
            return first
        return "text" if second == "unknown" else second
    if isinstance(e, (exp.Round, exp.Floor, exp.Ceil, exp.Trunc)):
        inner = kind(e.this)  # of a numeric: numeric, rounded to a scale the call says; of a float: float
        return inner if inner in ("num", "float") else ""
    if isinstance(e, _BRANCHING):
        return _common_kind(value_branches(e))
    if isinstance(e, exp.Avg):
        inner = kind(e.this)  # avg of integers or numerics is numeric, of floats float
        if inner == "interval":
            return inner
        return "float" if inner == "float" else "num" if inner in NUMERIC else ""
    if isinstance(e, exp.Anonymous) and e.name.lower() in ("gcd", "lcm", "pg_gcd", "pg_lcm"):
        return "num" if "num" in {kind(a) for a in e.expressions} else "int"
    if isinstance(e, exp.Anonymous):
        return _FUNC_KIND.get(e.name.lower(), "")
    if isinstance(e, exp.Log) and e.expression is not None:
        return "num"  # log(b, x) exists for numeric only
    if isinstance(e, (exp.Sign, exp.Exp, exp.Ln, exp.Sqrt, exp.Pow, exp.Log)):
        # numeric in, numeric out; integers and floats take the double precision version
        # (sign(2) * 3 is a float8 in PostgreSQL)
        args = {kind(a) for a in (e.this, e.expression) if a is not None} - {""}
        if not args or not args <= {*NUMERIC, "unknown"}:
            return ""
        return "num" if "num" in args and "float" not in args else "float"
    if isinstance(e, (exp.BitwiseAnd, exp.BitwiseOr, exp.BitwiseXor)):
        return "int" if kind(e.this) == kind(e.expression) == "int" else ""
    if isinstance(e, exp.Mod):  # % of integers is an integer, else a numeric (float8 has none)
        kinds = {kind(e.this), kind(e.expression)}
        return "int" if kinds == {"int"} else "num" if kinds <= {"int", "num"} else ""
    if isinstance(e, exp.Length):
        return "int"
    if isinstance(e, exp.Sub) and kind(e.this) == "jsonb":
        return "jsonb"  # jsonb - key
    if isinstance(e, (exp.Add, exp.Sub, exp.Mul, exp.Div)):
        op = {exp.Add: "+", exp.Sub: "-", exp.Mul: "*", exp.Div: "/"}[type(e)]
        a, b = kind(e.this), kind(e.expression)
        if isinstance(e.this.unnest(), exp.Null) and b in NUMERIC:  # int * NULL is an int
            a = b
        if isinstance(e.expression.unnest(), exp.Null) and a in NUMERIC:
            b = a
        if a == "unknown" and b in TEMPORAL:
            a = "interval" if b in ("date", "timestamp", "timestamptz", "time") and op in "+-" else a
        if b == "unknown" and a in TEMPORAL:
            b = "interval" if op in "+-" and a != "interval" else a
        return _arith_kind(op, a, b)
    return ""


_INT_WIDTH = {"SMALLINT": "int2", "INT": "int4", "BIGINT": "int8", "SERIAL": "int4", "BIGSERIAL": "int8"}


def literal_int_hint(text: str) -> str:
    """The integer type PostgreSQL gives a numeric literal: int4, int8, or num beyond."""
    if not text.lstrip("-").isdigit():
        return "num"
    v = int(text)
    return "int4" if -2**31 <= v < 2**31 else ("int8" if -2**63 <= v < 2**63 else "num")


def signed_literal(e: exp.Expression) -> str | None:
    """The text of a numeric literal under minus signs and parentheses, the signs folded
    into it as PostgreSQL's parser folds them (-(2.5) is "-2.5", -(-5) is "5"), else None."""
    sign = ""
    while isinstance(e, (exp.Paren, exp.Neg)):
        sign = ("-" if sign == "" else "") if isinstance(e, exp.Neg) else sign
        e = e.this
    if isinstance(e, exp.Literal) and not e.is_string:
        return sign + str(e.this)
    return None


def int_hint(e: exp.Expression) -> str:
    """'int2', 'int4' or 'int8' when `e` is an integer literal or an integer cast (its
    overflow bound), else ''."""
    while isinstance(e, exp.Paren):
        e = e.this
    folded = signed_literal(e)
    if folded is not None:
        # PostgreSQL's parser folds minus signs into the literal and types the result:
        # -2147483648 is an int4, -(-2147483648) an int8, -(-(-2147483648)) an int4.
        hint = literal_int_hint(folded)
        return "" if hint == "num" else hint
    if isinstance(e, (exp.Cast, exp.TryCast)) and isinstance(e.args.get("to"), exp.DataType):
        to = e.args["to"]
        return _INT_WIDTH.get(to.this.name if hasattr(to.this, "name") else str(to.this), "")
    if isinstance(e, exp.Column):
        decl = column_decl(e)
        return _DECL_WIDTH.get(_norm_decl(decl), "") if decl else ""
    if isinstance(e, (exp.Parameter, exp.Var)):
        return _OID_WIDTH.get(parameter_oid(e), "")
    return ""


_WIDTH_RANK = {"int2": 0, "int4": 1, "int8": 2}


_INT4_FUNCTIONS = frozenset({"num_nulls", "num_nonnulls", "scale", "min_scale", "pg_numeric_scale", "cardinality",
                             "array_upper", "array_lower", "array_ndims", "array_length", "array_position",
                             "jsonb_array_length", "json_array_length", "octet_length", "pg_backend_pid",
                             "get_byte"})


def int_width(e: exp.Expression) -> str:
    """'int2', 'int4' or 'int8': the integer type of an integer expression ('' unknown)."""
    while isinstance(e, (exp.Paren, exp.Alias, exp.Window)):  # (a window function's: its function's)
        e = e.this
    hint = int_hint(e)  # a literal (-2147483648 is an int4), a cast, a column
    if hint:
        return hint
    if isinstance(e, (exp.Count, exp.RowNumber, exp.Rank, exp.DenseRank)) or \
            isinstance(e, exp.Sum) and kind(e) == "int":
        return "int8"
    if isinstance(e, exp.Column) and column_decl(e) is None:
        return _derived_int_width(e)
    if isinstance(e, exp.Bracket) and len(e.expressions) == 1 and not is_slice(e) and kind(e) == "int":
        elem = array_element_kind(e.this.unnest())  # arr[i]: the element's type
        return elem if elem in ("int2", "int4", "int8") else ""
    if isinstance(e, exp.Subquery) and isinstance(e.this, exp.Select) and len(e.this.expressions) == 1:
        return int_width(e.this.expressions[0])  # a scalar subquery: its column's
    if isinstance(e, (exp.Length, exp.StrPosition, exp.BitLength, exp.WidthBucket, exp.Ascii, exp.Ntile)):
        # length(), position(), ascii(), ntile(): integer
        return "int4"
    if isinstance(e, exp.Anonymous) and e.name.lower() in _INT4_FUNCTIONS or isinstance(
            e, (exp.ArraySize, exp.ArrayPosition)):
        return "int4"
    if isinstance(e, exp.Anonymous) and e.name.lower() in ("gcd", "lcm") and len(e.expressions) == 2:
        a, b = int_width(e.expressions[0]), int_width(e.expressions[1])  # gcd(int, int) is an int
        return "" if not a or not b else max(a, b, "int4", key=_WIDTH_RANK.__getitem__)
    if isinstance(e, exp.Nullif) and kind(e) != "int":
        return ""  # nullif(2, 1.5) is a numeric
    if isinstance(e, (exp.Max, exp.Min, exp.Neg, exp.Abs, exp.Nullif)):
        return int_width(e.this)
    if ordered_set_value(e) is not None:
        return int_width(ordered_set_value(e))
    if isinstance(e, (exp.BitwiseAndAgg, exp.BitwiseOrAgg, exp.BitwiseXorAgg)):
        return int_width(e.this)
    if isinstance(e, _VALUE_WINDOW_FUNCTIONS):  # lag(s, 1, 70000): the wider
        widths = [int_width(x) for x in window_branches(e) or [e.this]]
        return "" if "" in widths else max(widths, key=_WIDTH_RANK.__getitem__)
    if isinstance(e, exp.RegrCount):
        return "int8"
    if isinstance(e, _BRANCHING):  # the widest argument's type
        widths = [int_width(x) for x in value_branches(e)]
        return "" if not widths or "" in widths else max(widths, key=_WIDTH_RANK.__getitem__)
    if isinstance(e, exp.Sub) and kind(e.this) == kind(e.expression) == "date":
        return "int4"  # date - date: days, an integer
    if isinstance(e, (exp.Add, exp.Sub, exp.Mul, exp.Div, exp.Mod, exp.BitwiseAnd, exp.BitwiseOr, exp.BitwiseXor)):
        a, b = int_width(e.this), int_width(e.expression)
        a = a or (b if isinstance(e.this.unnest(), exp.Null) else "")  # i * NULL: i's type
        b = b or (a if isinstance(e.expression.unnest(), exp.Null) else "")
        if not a or not b:
            return ""
        return a if _WIDTH_RANK[a] >= _WIDTH_RANK[b] else b
    return int_hint(e)


def oid(e: exp.Expression) -> int | None:
    """The result type OID `e` has in PostgreSQL, when its form says it."""
    k = kind(e)
    if k == "int":
        return {"int2": t.INT2, "int4": t.INT4, "int8": t.INT8}.get(int_width(e))
    if k == "float" and _is_float4(e):
        return t.FLOAT4
    return KIND_OID.get(k)


def _is_float4(e: exp.Expression) -> bool:
    """A real (float4) column, a cast to real, or min/max of one: shown as a float4."""
    while isinstance(e, (exp.Paren, exp.Alias, exp.Max, exp.Min, exp.Sum, exp.Filter, exp.Neg, exp.Abs, exp.Nullif,
                         exp.Window, *_VALUE_WINDOW_FUNCTIONS)) and not window_branches(e) or \
            isinstance(e, exp.Distinct) and len(e.expressions) == 1:
        e = e.expressions[0] if isinstance(e, exp.Distinct) else e.this  # (sum(DISTINCT r) is a real too)
    if isinstance(e, _BRANCHING) or window_branches(e):  # real with integers or numerics is real (they cast to it)
        present = value_branches(e) if isinstance(e, _BRANCHING) else window_branches(e)
        return any(_is_float4(b) for b in present) and all(_is_float4(b) or kind(b) in ("int", "num")
                                                           for b in present)
    if ordered_set_value(e) is not None:
        return _is_float4(ordered_set_value(e))
    if isinstance(e, (exp.Add, exp.Sub, exp.Mul, exp.Div)):  # real op real is real
        return _is_float4(e.this) and _is_float4(e.expression)
    if isinstance(e, exp.Column):
        decl = column_decl(e)
        if decl is not None:
            return t.column_oid(decl, None) == t.FLOAT4
        rows = values_rows(e)
        if rows:  # a VALUES list's column: real when a row is, the others integers or numerics (cast to it)
            return any(_is_float4(r) for r in rows) and all(_is_float4(r) or kind(r) in ("int", "num") for r in rows)
        return _through_derived(e, _is_float4, False)  # a subquery's or CTE's column: its expression's
    if isinstance(e, (exp.Cast, exp.TryCast)) and isinstance(e.args.get("to"), exp.DataType):
        to = e.args["to"]
        return (to.this.name if hasattr(to.this, "name") else str(to.this)) == "FLOAT"
    if isinstance(e, (exp.Parameter, exp.Var)):
        return parameter_oid(e) == t.FLOAT4
    return False


# Kinds that PostgreSQL compares with nothing outside their own group: it has no operator
# (and no implicit cast) between a number, a boolean, text and a date/time value. Times
# and intervals compare with each other (an interval casts to a time), so the date/time
# kinds are one group here; their finer rules are left to the temporal functions.
COMPARISON_GROUP = {"int": "number", "num": "number", "float": "number", "bool": "bool", "text": "text",
                     "date": "temporal", "time": "temporal", "timestamp": "temporal", "timestamptz": "temporal",
                     "interval": "temporal", "uuid": "uuid", "bytea": "bytea"}


def incomparable(a: exp.Expression, b: exp.Expression) -> tuple[str, str] | None:
    """(type of a, type of b) as PostgreSQL names them when it has no operator comparing
    them (`flag <> 5`, `d = 5`, `txt < d`: 42883); None when it has one or a type is not
    known (a string literal, a parameter, NULL: those take the other side's type)."""
    ka, kb = kind(a), kind(b)
    ga, gb = COMPARISON_GROUP.get(ka), COMPARISON_GROUP.get(kb)
    if ga is None or gb is None or ga == gb:
        return None
    return type_label(a), type_label(b)


def type_label(e: exp.Expression) -> str:
    """The name PostgreSQL's messages give the type of `e` (format_type's), or its kind;
    an array column's as its element type's with [] (integer[])."""
    o = oid(e)
    if o is None and kind(e) == "int":
        o = t.INT4
    label = t.REGTYPE_NAMES.get(o, kind(e)) if o is not None else kind(e)
    decl = column_decl(e) if label == "array" and isinstance(e, exp.Column) else None
    element = t.REGTYPE_NAMES.get(t.column_oid(decl[:decl.index("[")])) if decl and "[" in decl else None
    return f"{element}[]" if element else label


_EXTRACT_SCALE = {"second": 6, "milliseconds": 3, "epoch": 6, "julian": None}


def decimal_scale(text: str) -> int | None:
    """The display scale of a number written as `text` (2.50: 2, 1e3: 0, 1.5e-2: 3), None
    when it is not a number."""
    try:
        d = Decimal(text)
    except InvalidOperation:
        return None
    return max(0, -d.as_tuple().exponent) if d.is_finite() else None


def scale(e: exp.Expression) -> int | None:
    """The display scale PostgreSQL gives a numeric expression when its form says it
    (literals, numeric(p,s) casts, + - * over those, extract's fractional fields)."""
    while isinstance(e, (exp.Paren, exp.Alias, exp.Neg, exp.Window)):
        e = e.this
    if isinstance(e, exp.Literal) and not e.is_string:
        return decimal_scale(str(e.this))  # 1e3 is numeric 1000, 1.50e1 is 15.0
    if isinstance(e, (exp.Cast, exp.TryCast)) and isinstance(e.args.get("to"), exp.DataType):
        to = e.args["to"]
        if dtype_kind(to) == "num" and len(to.expressions) == 2:
            return int(to.expressions[1].sql())
        if dtype_kind(to) == "int":
            return 0
        if dtype_kind(to) == "num" and not to.expressions:  # plain numeric keeps the value's scale
            inner = e.this.unnest() if isinstance(e.this, exp.Paren) else e.this
            if isinstance(inner, exp.Literal) and inner.is_string:
                return decimal_scale(inner.this.strip())
            return 0 if kind(e.this) == "int" else scale(e.this) if kind(e.this) == "num" else None
        return None
    if isinstance(e, exp.Column):
        decl = column_decl(e)
        if decl is None:
            return _derived_scale(e)
        sc = t.numeric_scale(decl)
        return sc if sc is not None else 0 if decl_kind(decl) == "int" else None
    if isinstance(e, (exp.Sum, exp.Max, exp.Min, exp.Abs, exp.Nullif)):
        return scale(e.this)
    if ordered_set_value(e) is not None:
        return scale(ordered_set_value(e))
    if isinstance(e, _VALUE_WINDOW_FUNCTIONS):
        default = e.args.get("default")  # lag(n, 1, 0.5): values of two scales
        own = scale(e.this)
        return own if default is None or _null(default) or scale(default) == own else None
    if isinstance(e, exp.Subquery) and isinstance(e.this, exp.Select) and len(e.this.expressions) == 1:
        return scale(e.this.expressions[0])  # a scalar subquery: its one column's
    if isinstance(e, _BRANCHING):  # branches of one scale
        scales = {scale(b) for b in value_branches(e) if not _null(b)}
        return scales.pop() if len(scales) == 1 else None
    if isinstance(e, exp.Distinct) and len(e.expressions) == 1:
        return scale(e.expressions[0])
    if isinstance(e, (exp.Round, exp.Trunc)) and kind(e.this) == "num":
        places = e.args.get("decimals")
        if places is None:
            return 0
        return int(places.this) if isinstance(places, exp.Literal) and str(places.this).isdigit() else None
    if isinstance(e, (exp.Floor, exp.Ceil)) and kind(e.this) == "num":
        return 0
    if isinstance(e, exp.Extract):
        field = e.this.name.lower()
        if field == "epoch" and kind(e.expression) == "date":
            return 0
        return _EXTRACT_SCALE.get(field, 0)  # (the other fields are whole numbers: hour, dow, year ...)
    if isinstance(e, exp.Mod) and kind(e) == "num":
        a, b = scale(e.this), scale(e.expression)
        return None if a is None or b is None else max(a, b)
    if isinstance(e, (exp.Add, exp.Sub, exp.Mul)) and kind(e) == "num":
        a, b = scale(e.this), scale(e.expression)
        if a is None or b is None:
            return None
        return a + b if isinstance(e, exp.Mul) else max(a, b)
    return None
