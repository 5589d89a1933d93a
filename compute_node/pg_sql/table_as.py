"""Tables made from a query: CREATE TABLE ... AS, SELECT ... INTO, materialized views.

SQLite's own CREATE TABLE ... AS declares each column by its expression's affinity
("NUM", "TEXT", or nothing), so the table lost PostgreSQL's types: a sum of numerics
became text, and `WHERE total > 100` compared text with a number. The table is now
declared with the query's PostgreSQL types, through the same CREATE TABLE as any other
(input triggers, checks), and filled by INSERT ... SELECT:

- a column taken straight from a table keeps its declared type (numeric(10,2),
  varchar(20), an enum); another takes its expression's type (count(*) bigint, now()
  timestamptz, a literal text); a numeric expression is numeric without a precision, as
  in PostgreSQL (each value keeps its display scale); a type that cannot be told is
  refused (0A000: cast it).

A materialized view is such a table with its query kept in a comment of a trigger that
refuses writes to it (42809, as PostgreSQL: "cannot change materialized view"). REFRESH
MATERIALIZED VIEW empties and refills it in one transaction, as Sixfold's own writes (the
write-refusing triggers let those through, as user triggers ignore Sixfold's own updates); pg_class shows relkind 'm', pg_matviews its
definition. WITH NO DATA (pg_dump's form, refreshed at the end of the dump) makes a
view of the columns that fails when read (55000, as PostgreSQL's unpopulated view) and
refuses writes; the first REFRESH makes it the table.
"""

from __future__ import annotations

import contextlib
import json
import re
from urllib.parse import quote, unquote

import apsw
from sqlglot import exp

from compute_node.pg_sql import exprtypes, lexing, schema
from compute_node.pg_sql import types as pgtypes
from compute_node.pg_sql.lexing import error_near, object_name
from compute_node.pg_sql.lexing import quoted_ident as _ident
from compute_node.pg_sql.lexing import sql_string as _quoted
from compute_node.pg_sql.statement import SessionContext, Statement
from sixfold.errors import SqlError

MATVIEW_PREFIX = "sixfold_mv:"
# A WHERE that marks each row written as Sixfold's own (functions.FIXUP; the engine resets
# it before the next statement): the write-refusing triggers check it.
_OWN_WRITE = "sixfold_fixup(1) > 0"
_MATVIEW_NUMERIC_PRECISION = 1000  # PostgreSQL's largest: the declared one says nothing more
_MARKER = re.compile(r"/\*pg_matview:([^*]*)\*/")
_MATVIEW = re.compile(r'\s*materialized\s+view\s+(if\s+not\s+exists\s+)?(?:"?public"?\s*\.\s*)?'
                      r'("(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*)\s*(\([^)]*\))?\s+(?:using\s+\w+\s+)?'
                      r'(?:with\s*\([^)]*\)\s+)?(?:tablespace\s+\S+\s+)?as\s+(.*?)'
                      r'(\s+with\s+(no\s+)?data)?\s*$', re.IGNORECASE | re.DOTALL)
_REFRESH = re.compile(r'\s*materialized\s+view\s+(concurrently\s+)?(?:"?public"?\s*\.\s*)?'
                      r'("(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*)(\s+with\s+(no\s+)?data)?\s*$', re.IGNORECASE)
_DROP = re.compile(r"\s*materialized\s+view\s+(if\s+exists\s+)?(.+?)(\s+(cascade|restrict))?\s*$",
                   re.IGNORECASE | re.DOTALL)




# --- the query's columns --------------------------------------------------------------------
def _from_tables(sel: exp.Select) -> list[exp.Table]:
    frm = sel.args.get("from_") or sel.args.get("from")
    tables = [frm.this] if frm is not None else []
    tables += [j.this for j in sel.args.get("joins") or ()]
    return tables


def _decl(e: exp.Expression, name: str, known_oid: int | None, matview: bool) -> str:
    """`known_oid`: the type the translation gave the result column (None: not told).
    `matview`: a materialized view's, filled through a subquery (`_fill`) whose computed
    numerics arrive as numbers: such a column is numeric(1000, s) of the scale the
    expression's form says (none said: refused), where a table's is numeric."""
    inner = e.this if isinstance(e, exp.Alias) else e
    if isinstance(inner, exp.Column):
        decl = exprtypes.column_decl(inner)
        if decl is not None:
            return "numeric" if pgtypes.is_numeric_text(decl) else decl
    from compute_node.pg_sql import enums
    from compute_node.pg_sql.queries import enum_token

    token = enum_token(inner)
    if token is not None:
        return enums.decode(token)[0]  # an enum expression's column is of its type
    oid = exprtypes.oid(inner) or known_oid
    if oid is None and (exprtypes.kind(inner) == "unknown" or isinstance(inner, exp.Null)):
        return "text"  # PostgreSQL makes an untyped literal's column text
    if oid == pgtypes.NUMERIC and not matview:
        return "numeric"  # as PostgreSQL's: no precision, each value its own display scale
    if oid == pgtypes.NUMERIC:
        scale = exprtypes.scale(inner)
        if scale is not None:
            return f"numeric({_MATVIEW_NUMERIC_PRECISION}, {scale})"
    elif oid is not None and oid in pgtypes.REGTYPE_NAMES:
        return pgtypes.REGTYPE_NAMES[oid]
    raise SqlError(f'CREATE TABLE AS: the type of column "{name}" cannot be told here; cast it (as in x::numeric(10,2) '
                   "or x::text)", "0A000")


def _check_query(sqlite: tuple[str, ...]) -> None:
    """The query's own error (a column or table that is not there), if SQLite finds one
    preparing it."""
    cat = schema.current()
    if cat is None or len(sqlite) != 1 or lexing.has_top_level_semicolon(sqlite[0]):
        return
    try:
        cat.query("EXPLAIN " + sqlite[0], ())
    except SqlError as e:
        raise e from None
    except apsw.Error as e:
        from compute_node.sql_errors import sql_error

        raise sql_error(e) from None


def columns(query: str, names: list[str], matview: bool = False) -> list[tuple[str, str]]:
    """(name, PostgreSQL declared type) of each column `query` returns, renamed by `names`."""
    from compute_node.pg_sql.queries import name_columns, parse_one, select_path

    translated = select_path(query, SessionContext(user="", database=""))
    oids = translated.column_oids  # () with a * in the list
    tree = parse_one(query)
    name_columns(tree)
    sel = tree
    while isinstance(sel, (exp.Union, exp.Intersect, exp.Except)):
        sel = sel.this
    if not isinstance(sel, exp.Select):
        raise SqlError("CREATE TABLE AS needs a SELECT", "0A000")
    cat = schema.current()
    out: list[tuple[str, str]] = []
    for e in sel.expressions:
        inner = e.this if isinstance(e, exp.Alias) else e
        star = isinstance(inner, exp.Star) or isinstance(inner, exp.Column) and isinstance(inner.this, exp.Star)
        if star:
            qual = inner.table if isinstance(inner, exp.Column) else ""
            for t in _from_tables(sel):
                if qual and qual not in (t.alias_or_name, t.name):
                    continue
                cols = cat.columns(t.name) if isinstance(t, exp.Table) and cat is not None else None
                if not cols:
                    raise SqlError("CREATE TABLE AS with * over a subquery is not supported: name the columns",
                                   "0A000")
                out += [(n, "numeric" if pgtypes.is_numeric_text(d) else d) for n, d in cols]
            continue
        i = len(out)
        try:
            out.append((e.alias_or_name, _decl(e, e.alias_or_name, oids[i] if i < len(oids) else None, matview)))
        except SqlError:
            _check_query(translated.sqlite)  # a column that is not there is PostgreSQL's 42703 first
            raise
    if len(names) > len(out):
        raise SqlError("too many column names were specified", "42601")
    return [(names[i] if i < len(names) else n, d) for i, (n, d) in enumerate(out)]


def _fill(table: str, query: str, cols: list[tuple[str, str]], ctx: SessionContext, own: bool = False) -> str:
    """INSERT of the query's rows into the table declared for them, translated as any
    INSERT ... SELECT (values PostgreSQL would store differently are refused), with the
    table's planned columns when its CREATE has not run yet; `own`: as Sixfold's own write
    (a materialized view's write-refusing triggers let it through)."""
    from compute_node.pg_sql.queries import select_path

    names = ", ".join(_ident(n) for n, _ in cols)
    source = f"SELECT * FROM ({query}) AS sixfold_q WHERE {_OWN_WRITE}" if own else query
    cat = schema.current()
    planned = cat is not None and cat.columns(_ident(table)) is None  # its CREATE has not run yet
    stored = tuple((n, pgtypes.stored_declaration(d)) for n, d in cols)  # as CREATE declares them
    with cat.planned(table, stored) if planned else contextlib.nullcontext():
        st = select_path(f"INSERT INTO {_ident(table)} ({names}) {source}", ctx)
    if st.param_count or st.literals or len(st.sqlite) != 1:
        raise SqlError("CREATE TABLE AS with parameters is not supported", "0A000")
    return st.sqlite[0]


def _create_sql(table: str, cols: list[tuple[str, str]], ctx: SessionContext, if_not_exists: bool) -> tuple[str, ...]:
    from compute_node.pg_sql.ddl import create_table

    ifne = "IF NOT EXISTS " if if_not_exists else ""
    ddl = f"CREATE TABLE {ifne}{_ident(table)} (" + ", ".join(f"{_ident(n)} {d}" for n, d in cols) + ")"
    return create_table(ddl, ctx).sqlite


def _exists(name: str) -> bool:
    cat = schema.current()
    return bool(cat and cat.rows("SELECT 1 FROM sqlite_master WHERE name = ? AND type IN ('table', 'view')", (name,)))


def create_table_as(table: str, names: list[str], query: str, if_not_exists: bool, no_data: bool,
                    ctx: SessionContext) -> Statement:
    if if_not_exists and _exists(table):
        return Statement(kind="noop", tag="CREATE TABLE AS",
                         notice=("42P07", f'relation "{table}" already exists, skipping'))
    cols = columns(query, names)
    fill = () if no_data else (_fill(table, query, cols, ctx),)
    # (the tag is SELECT n, with the rows written; WITH NO DATA: CREATE TABLE AS)
    return Statement(kind="sql", tag="CREATE TABLE AS", sqlite=(*_create_sql(table, cols, ctx, False), *fill),
                     value="no data" if no_data else None)


def select_into(tree: exp.Select, ctx: SessionContext) -> Statement:
    """SELECT ... INTO table FROM ...: CREATE TABLE table AS SELECT ..."""
    into = tree.args["into"]
    if into.args.get("temporary") or into.args.get("unlogged"):
        raise SqlError("temporary tables are not supported; create a regular one and drop it when done", "0A000")
    table = into.this.name if into.this.this.quoted else into.this.name.lower()
    tree = tree.copy()
    tree.set("into", None)
    return create_table_as(table, [], tree.sql(dialect="postgres"), False, False, ctx)


# --- materialized views -------------------------------------------------------------------
def _guard_sql(view: str, fields: dict | None) -> list[str]:
    """Triggers refusing writes to the view's table; the first keeps the view's query."""
    marker = f"/*pg_matview:{quote(json.dumps(fields), safe='')}*/ " if fields else ""
    out = []
    for i, event in enumerate(("INSERT", "UPDATE", "DELETE")):
        name = _ident(f"{MATVIEW_PREFIX}{view}:{event[0].lower()}")
        out.append(f"CREATE TRIGGER {name} BEFORE {event} ON {_ident(view)} FOR EACH ROW "
                   f"{marker if i == 0 else ''}WHEN sixfold_fixup(0) = 0 BEGIN SELECT RAISE(ABORT, "
                   f"{_quoted(f'[42809] cannot change materialized view {chr(34)}{view}{chr(34)}')}); END")
    return out


def matview_fields(name: str) -> dict | None:
    """The materialized view `name` (its query), None when it is none."""
    cat = schema.current()
    if cat is None:
        return None
    rows = cat.rows("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?", (f"{MATVIEW_PREFIX}{name}:i",))
    m = _MARKER.search(rows[0][0]) if rows else None
    return json.loads(unquote(m.group(1))) if m else None


def matviews() -> dict[str, dict]:
    """Every materialized view's fields (name, query, populated), by lower-case name."""
    cat = schema.current()
    if cat is None:
        return {}
    rows = cat.shared("\x00matviews", lambda: tuple(r[0] for r in cat.rows(
        "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE ? ESCAPE '\\'",
        (MATVIEW_PREFIX.replace("_", "\\_") + "%:i",))))
    out = {}
    for sql in rows or ():
        m = _MARKER.search(sql)
        if m:
            fields = json.loads(unquote(m.group(1)))
            out[fields["name"].lower()] = fields
    return out


def marker_field(trigger_sql, key):
    """SQL function pg_matview_field(trigger sql, key)."""
    m = _MARKER.search(trigger_sql or "")
    return json.loads(unquote(m.group(1))).get(key) if m else None


def create_matview(rest: str, ctx: SessionContext) -> Statement:
    m = _MATVIEW.match(rest)
    if not m:
        raise error_near("VIEW")
    ifne, raw, col_list, query, with_data, no = m.groups()
    name = object_name(raw)
    if _exists(name):
        if ifne:
            return Statement(kind="noop", tag="CREATE MATERIALIZED VIEW",
                             notice=("42P07", f'relation "{name}" already exists, skipping'))
        raise SqlError(f'relation "{name}" already exists', "42P07")
    names = [object_name(c.strip()) for c in col_list.strip()[1:-1].split(",")] if col_list else []
    cols = columns(query, names, matview=True)
    fields = {"name": name, "query": " ".join(query.split()), "columns": names}
    if no:  # (pg_dump's form: REFRESH fills it later)
        return Statement(kind="sql", tag="CREATE MATERIALIZED VIEW", sqlite=_unpopulated_sql(name, cols, fields))
    # (one transaction: the session runs a statement's parts in one; the fill last, for its count)
    return Statement(kind="sql", tag="CREATE TABLE AS", sqlite=(
        *_create_sql(name, cols, ctx, False), *_guard_sql(name, fields), _fill(name, query, cols, ctx, own=True)))


def _unpopulated_sql(name: str, cols: list[tuple[str, str]], fields: dict) -> tuple[str, ...]:
    """WITH NO DATA: a view of the columns that fails when read (55000, as PostgreSQL's
    unpopulated view), with INSTEAD OF triggers refusing writes (the first keeps the query)."""
    fields = dict(fields, populated=False)
    message = f'materialized view "{name}" has not been populated'
    # (each column CAST to its type's name where SQLite takes it as one: the view's columns
    # are declared so; an array's is text)
    select = ", ".join(f"CAST(NULL AS {d if re.fullmatch(r'[A-Za-z_][A-Za-z0-9_ ,()]*', d) else 'text'}) "
                       f"AS {_ident(n)}" for n, d in cols)
    # (it reads sqlite_master: a statement that reads no table never checks the schema
    # version, and a connection would go on failing after REFRESH made the table)
    view = (f"CREATE VIEW {_ident(name)} AS SELECT {select} FROM (SELECT pg_raise('55000', {_quoted(message)}) AS x "
            "FROM sqlite_master LIMIT 1) WHERE x IS NOT NULL")
    return (view, *[g.replace(" BEFORE ", " INSTEAD OF ", 1).replace(" WHEN sixfold_fixup(0) = 0", "")
                    for g in _guard_sql(name, fields)])


def refresh(rest: str, ctx: SessionContext) -> Statement:
    m = _REFRESH.match(rest)
    if not m:
        raise error_near("REFRESH")
    name = object_name(m.group(2))
    fields = matview_fields(name)
    if fields is None:
        if _exists(name):
            raise SqlError(f'"{name}" is not a materialized view', "0A000")  # (PostgreSQL's code here)
        raise SqlError(f'relation "{name}" does not exist', "42P01")
    if m.group(4):
        raise SqlError("REFRESH MATERIALIZED VIEW ... WITH NO DATA is not supported", "0A000")
    cols = columns(fields["query"], fields["columns"], matview=True)
    if fields.get("populated") is False:  # the view that fails when read becomes the table
        if m.group(1):
            raise SqlError("CONCURRENTLY cannot be used when the materialized view is not populated", "0A000")
        fields = {k: v for k, v in fields.items() if k != "populated"}
        return Statement(kind="sql", tag="REFRESH MATERIALIZED VIEW", sqlite=(
            f"DROP VIEW {_ident(name)}", *_create_sql(name, cols, ctx, False), *_guard_sql(name, fields),
            _fill(name, fields["query"], cols, ctx, own=True)))
    return Statement(kind="sql", tag="REFRESH MATERIALIZED VIEW", sqlite=(
        f"DELETE FROM {_ident(name)} WHERE {_OWN_WRITE}", _fill(name, fields["query"], cols, ctx, own=True)))


def drop_matview(rest: str) -> list[Statement]:
    from compute_node.pg_sql.ddl import names

    m = _DROP.match(rest)
    if not m:
        raise error_near("VIEW")
    out = []
    for raw in names(m.group(2)):
        name = object_name(raw)
        if matview_fields(name) is None:
            if _exists(name):
                raise SqlError(f'"{name}" is not a materialized view', "42809")
            if m.group(1):
                out.append(Statement(kind="noop", tag="DROP MATERIALIZED VIEW",
                                     notice=("00000", f'materialized view "{name}" does not exist, skipping')))
                continue
            raise SqlError(f'materialized view "{name}" does not exist', "42P01")
        from compute_node.pg_sql import views

        readers, dropped = views.dropped_with(name, "materialized view", (m.group(4) or "").lower() == "cascade")
        out.append(Statement(kind="sql", tag="DROP MATERIALIZED VIEW", notice=views.cascade_notice(dropped),
                             sqlite=(*readers, f"DROP {stored_kind(matview_fields(name))} {_ident(name)}")))
    return out


def requery_edits(fields: dict, query: str) -> list[str]:
    """sqlite_master edits (for schema.edit_schema) that make a materialized view's kept
    query `query`: its first trigger's marker."""
    def marker(f: dict) -> str:
        return _quoted(f"/*pg_matview:{quote(json.dumps(f), safe='')}*/")

    trigger = _quoted(f"{MATVIEW_PREFIX}{fields['name']}:i")
    return [f"UPDATE sqlite_master SET sql = replace(sql, {marker(fields)}, {marker(dict(fields, query=query))}) "
            f"WHERE type = 'trigger' AND name = {trigger}"]


def stored_kind(fields: dict) -> str:
    """What a materialized view is to SQLite: a table, or a failing view until populated."""
    return "VIEW" if fields.get("populated") is False else "TABLE"


def refuse_as_table(name: str, what: str) -> None:
    """DROP TABLE / DROP VIEW of a materialized view: 42809, as PostgreSQL."""
    if matview_fields(name) is not None:
        raise SqlError(f'"{name}" is not a {what}', "42809")
