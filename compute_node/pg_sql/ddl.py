"""DDL and utility statements: CREATE TABLE / INDEX / VIEW, ALTER, DROP, TRUNCATE,
VACUUM and the other statements SQLite lacks or spells differently."""

from __future__ import annotations

import base64
import re

import sqlglot
from sqlglot import exp

from compute_node.pg_sql import (
    alter_column, catalog, comments, constraints, declared_constraints, domains, enums, exprtypes, extensions,
    foreign_key_targets, index_definitions, lexing, network_types, routines, schema, schemas, sequences, renames,
    serials, sql_functions, table_as, triggers, values, views,
)
from compute_node.pg_sql import schema as pg_schema  # (CREATE TABLE's code names its tree `schema`)
from compute_node.pg_sql import temp_tables
from compute_node.pg_sql import types as pgtypes
from compute_node.pg_sql.copy import parse_copy
from sixfold.errors import DETAIL_MARK, HINT_MARK, SqlError

from compute_node.pg_sql.lexing import closing_paren, error_near, ident, split_top_level
from compute_node.pg_sql.queries import gen, numeric_text_stored, parse_error, query_sqlite, rewrite, select_path
from compute_node.pg_sql.statement import Statement


# --- utility statements ----------------------------------------------------------------------
def noop(tag):
    return lambda text, rest, ctx: Statement(kind="noop", tag=tag)


def vacuum(text, rest, ctx):
    return Statement(kind="noop", tag="VACUUM")


def analyze(text, rest, ctx):
    return Statement(kind="noop", tag="ANALYZE")


def discard(text, rest, ctx):
    what = rest.strip().upper()
    if what not in ("ALL", "PLANS", "SEQUENCES", "TEMP", "TEMPORARY"):
        raise error_near(rest.strip().split()[0] if rest.strip() else "DISCARD")
    return Statement(kind="noop", tag="DISCARD " + ("TEMP" if what == "TEMPORARY" else what))


def copy_stmt(text, rest, ctx):
    spec = parse_copy(text, lambda q: _copy_query(q, ctx))
    cat = schema.current()
    if spec.table is not None and cat is not None and spec.table.lower() in cat.views():
        raise SqlError(f'cannot copy {"from" if spec.direction == "to" else "to"} view "{spec.table}" '
                       "(try the COPY (SELECT ...) TO variant)", "42809")
    return Statement(kind="copy", tag="COPY", copy=spec)


def _copy_query(query: str, ctx) -> tuple[str, tuple, tuple]:
    """COPY (query) TO's query as a statement's (views inlined, numerics with their
    display scales): (SQLite text, column type OIDs, display scales)."""
    st = select_path(query, ctx)
    if st.tag in ("INSERT", "UPDATE", "DELETE") and not st.column_oids:  # (no RETURNING: no columns)
        raise SqlError("COPY query must have a RETURNING clause", "0A000")
    if len(st.sqlite) != 1 or st.param_count:
        raise SqlError("COPY (query) TO with parameters or several statements is not supported", "0A000")
    return st.sqlite[0], st.column_oids, st.column_scales


_NAME_LIST = re.compile(r'\s*((?:"(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*)(?:\.(?:"(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*))?)\s*(,|$)')


def _names(text: str) -> list[str]:
    """A comma-separated list of (maybe schema-qualified) names -> SQLite identifiers."""
    out, pos = [], 0
    text = text.strip()
    while pos < len(text):
        m = _NAME_LIST.match(text, pos)
        if not m:
            raise error_near(text[pos:].split()[0])
        out.append(_table_name(m.group(1)))
        pos = m.end()
    if not out:
        raise SqlError("syntax error at end of input", "42601")
    return out


_NAME_PART = r'(?:"(?:[^"]|"")+"|[^\W\d][\w$]*)'


def _table_name(qualified: str) -> str:
    parts = re.findall(_NAME_PART, qualified)
    if len(parts) == 2:
        schema = parts[0].strip('"').lower() if not parts[0].startswith('"') else parts[0][1:-1]
        if schema not in ("public",):
            raise SqlError(f'schema "{schema}" does not exist', "3F000")
    return ident(parts[-1])


_ARTICLE = {"table": "a table", "view": "a view", "index": "an index", "sequence": "a sequence",
            "materialized view": "a materialized view"}


def _object_kind(cat: schema.Catalog, bare: str) -> str | None:
    """What `bare` names: table, view, index or sequence (None: nothing)."""
    rows = cat.rows("SELECT type FROM sqlite_master WHERE name = ? AND type IN ('table', 'view', 'index')", (bare,))
    if not rows:
        return None
    if rows[0][0] == "table" and table_as.matview_fields(bare) is not None:
        return "materialized view"
    return "sequence" if rows[0][0] == "table" and cat.is_sequence(lexing.quoted_ident(bare)) else rows[0][0]


def _check_drop_names(kind: str, names: list[str], if_exists: bool) -> list[tuple[str, str]]:
    """DROP <kind> of a name that is another kind of relation is 42809 with PostgreSQL's
    HINT (DROP SEQUENCE of a table dropped the table); of a missing name, without IF
    EXISTS, PostgreSQL's `table "x" does not exist` (index: 42704). In the order written.
    Returns IF EXISTS's NOTICE for each missing name (the translation then depends on the
    schema, so it is made again when that changes)."""
    cat = schema.current()
    if cat is None:
        return []
    missing = []
    for n in names:
        bare = n[1:-1].replace('""', '"') if n.startswith('"') else n
        actual = _object_kind(cat, bare)
        if actual is None and kind == "index":
            _refuse_constraint_index(bare)  # (a key's index is SQLite's own, under another name)
        if actual is None and not if_exists:
            raise SqlError(f'{kind} "{bare}" does not exist', "42704" if kind == "index" else "42P01")
        if actual is not None and actual != kind:
            raise SqlError(f'"{bare}" is not {_ARTICLE[kind]}{HINT_MARK}Use DROP {actual.upper()} to remove '
                           f"{_ARTICLE[actual]}.", "42809")
        if actual is None:
            missing.append(("00000", f'{kind} "{bare}" does not exist, skipping'))
    return missing


def drop(text, rest, ctx):
    sm = re.match(r"\s*sequence\s+(if\s+exists\s+)?(.*?)(\s+(cascade|restrict))?\s*$", rest, re.IGNORECASE | re.DOTALL)
    if sm:  # a sequence is a one-row table (sequences.py)
        ifx = " IF EXISTS" if sm.group(1) else ""
        names = _names(sm.group(2))
        missing = _check_drop_names("sequence", names, bool(ifx))
        for n in names:
            bare = n[1:-1].replace('""', '"') if n.startswith('"') else n
            serials.refuse_used_sequence(bare, f"sequence {bare}", frozenset(),
                                  bool(sm.group(4)) and sm.group(4).lower() == "cascade")
        return Statement(kind="sql", tag="DROP SEQUENCE", sqlite=tuple(f"DROP TABLE{ifx} {n}" for n in names),
                         notice=missing[0] if missing else None, later_notices=tuple(missing[1:]))
    m = re.match(r"\s*(table|index|view)\s+(concurrently\s+)?(if\s+exists\s+)?(.*?)(\s+(cascade|restrict))?\s*$",
                 rest, re.IGNORECASE | re.DOTALL)
    if not m:
        what = rest.split()[0].lower() if rest.split() else ""
        if what == "extension":
            return extensions.drop(rest)
        if what == "type":
            return enums.drop_type(rest)
        if what == "domain":
            return domains.drop(rest)
        if what == "function":
            return routines.drop_function(rest)
        if what == "materialized":
            return table_as.drop_matview(rest)
        if what == "schema":
            return schemas.drop(rest)
        if what == "trigger":
            return [triggers.drop_trigger(rest)]
        if what in ("schema", "sequence", "database", "role", "user", "type", "function", "trigger"):
            raise SqlError(f"DROP {what.upper()} is not supported", "0A000")
        raise error_near(rest.split()[0] if rest.split() else "DROP")
    kind = m.group(1).upper()
    ifx = " IF EXISTS" if m.group(3) else ""
    cascade = (m.group(6) or "").lower() == "cascade"
    out: list[str] = []
    notices = []
    written = _names(m.group(4))
    missing = _check_drop_names(kind.lower(), written, bool(ifx))
    names = constraints.children_first(written, schema.current()) if kind == "TABLE" else written
    bares = [n[1:-1].replace('""', '"') if n.startswith('"') else n for n in names]
    dropped = frozenset(b.lower() for b in bares)
    for n, bare in zip(names, bares):
        if kind == "INDEX":
            _refuse_constraint_index(bare)
        if kind in ("TABLE", "VIEW"):
            table_as.refuse_as_table(bare, kind.lower())
        readers, along = views.dropped_with(bare, kind.lower(), cascade, dropped) \
            if kind in ("TABLE", "VIEW") else ([], [])
        before, keys = constraints.drop_table(n, cascade, schema.current(), dropped) if kind == "TABLE" else ([], [])
        notice = views.cascade_notice(keys + along)  # (PostgreSQL lists the constraints first)
        owned = [q for q, _c in serials.owned_sequences(bare)] if kind == "TABLE" else []
        for seq in owned:
            serials.refuse_used_sequence(seq, f"table {bare}", dropped, cascade)
        owned = [f"DROP TABLE IF EXISTS {lexing.quoted_ident(q)}" for q in owned]
        out += [*readers, *before, f"DROP {kind}{ifx} {n}", *owned]
        notices += [notice] if notice else []
    # (PostgreSQL notices a missing name as it looks the names up, before dropping any)
    notices = missing + notices
    # one statement, one command tag, however many names (PostgreSQL's DROP TABLE a, b)
    return Statement(kind="sql", tag=f"DROP {kind}", sqlite=tuple(out), notice=notices[0] if notices else None,
                     later_notices=tuple(notices[1:]))


def _refuse_constraint_index(name: str) -> None:
    """DROP INDEX of the index a primary key or unique constraint owns is 2BP01, as in
    PostgreSQL (DROP CONSTRAINT drops it): SQLite's index of a key declared in CREATE TABLE
    cannot be dropped, and dropping one ALTER TABLE added would take the constraint along."""
    cat = schema.current()
    if cat is None:
        return
    rows = cat.rows(f"SELECT c.conname, t.name FROM ({catalog.CONSTRAINTS}) c JOIN sqlite_master t "
                    f"ON t.type = 'table' AND {catalog.PG_OID_BASE} + t.rowid = c.conrelid "
                    "WHERE c.contype IN ('p', 'u') AND c.conname = ?", (name,))
    if rows:
        con, table = rows[0]
        raise SqlError(f"cannot drop index {name} because constraint {con} on table {table} requires it", "2BP01")


def truncate(text, rest, ctx):
    """TRUNCATE [TABLE] [ONLY] a, b [RESTART IDENTITY] [CASCADE | RESTRICT]: a DELETE of
    each table, referencing tables first. As in PostgreSQL, a table another table's
    foreign key references must be truncated with it (0A000, whether or not rows refer:
    TRUNCATE checks no rows), or CASCADE adds those tables, with a NOTICE each."""
    body = re.sub(r"^\s*table\b", "", rest, flags=re.IGNORECASE)
    body = re.sub(r"^\s*only\b", "", body, flags=re.IGNORECASE)
    restart = re.search(r"\s+restart\s+identity\b", body, flags=re.IGNORECASE) is not None
    body = re.sub(r"\s+(restart|continue)\s+identity\b", " ", body, flags=re.IGNORECASE)
    cascade = re.search(r"\s+cascade\s*$", body.rstrip(), flags=re.IGNORECASE) is not None
    body = re.sub(r"\s+(cascade|restrict)\s*$", "", body.rstrip(), flags=re.IGNORECASE)
    names, notices = _truncated_tables(_names(body), cascade)
    out = [f"DELETE FROM {n}" for n in constraints.children_first(names, pg_schema.current())]
    if restart:  # the sequences the tables' columns own start again
        for n in names:
            for seq, _c in serials.owned_sequences(n[1:-1].replace('""', '"') if n.startswith('"') else n):
                out.append(f"UPDATE {lexing.quoted_ident(seq)} SET last_value = "
                           f"json_extract({sequences.MARKER_COLUMN}, '$.start'), is_called = 0")
    return Statement(kind="sql", tag="TRUNCATE TABLE", sqlite=tuple(out), notice=notices[0] if notices else None,
                     later_notices=tuple(notices[1:]))


def _truncated_tables(names: list[str], cascade: bool) -> tuple[list[str], list[tuple[str, str]]]:
    """The tables TRUNCATE empties (`names`, and with CASCADE the tables referencing them,
    in the order found) and its NOTICEs; 0A000 without CASCADE when another table refers."""
    cat = pg_schema.current()
    if cat is None:
        return names, []
    out, notices = list(names), []
    seen = {(n[1:-1].replace('""', '"') if n.startswith('"') else n).lower() for n in names}
    queue = [n[1:-1].replace('""', '"') if n.startswith('"') else n for n in names]
    while queue:
        table = queue.pop(0)
        referring = constraints.referencing(table, cat) - seen
        for (child,) in cat.rows("SELECT name FROM sqlite_master WHERE type = 'table' AND lower(name) IN (%s) "
                                 "ORDER BY rowid" % ",".join("?" * len(referring)), tuple(referring)) \
                if referring else ():
            if not cascade:
                raise SqlError(f'cannot truncate a table referenced in a foreign key constraint{DETAIL_MARK}'
                               f'Table "{child}" references "{table}".{HINT_MARK}Truncate table "{child}" at the '
                               "same time, or use TRUNCATE ... CASCADE.", "0A000")
            seen.add(child.lower())
            queue.append(child)
            out.append(lexing.quoted_ident(child))
            notices.append(("00000", f'truncate cascades to table "{child}"'))
    return out, notices


def create(text, rest, ctx):
    low = " ".join(rest.lower().split())
    if re.match(r"(or replace\s+)?((global|local)\s+)?(temp|temporary)\s", low):
        # SQLite keeps temporary objects per connection, and a compute node's writes share
        # one connection: they would be every session's, and invisible to its reads.
        raise SqlError("temporary tables, views and sequences are not supported; create a regular one "
                       "and drop it when done", "0A000")
    if low.startswith("schema "):
        return schemas.create(rest)
    if low.startswith("materialized view "):
        return table_as.create_matview(rest, ctx)
    if re.match(r"(or replace\s+)?(temp\s+|temporary\s+)?view\b", low):
        return _create_view(text, rest, ctx)
    if re.match(r"(unique\s+)?index\b", low):
        return _create_index(text, rest, ctx)
    if re.match(r"((global|local)\s+)?(temp\s+|temporary\s+|unlogged\s+)?table\b", low):
        return _create_table(text, ctx)
    if low.startswith("extension "):
        return extensions.create(rest)
    if low.startswith("type "):
        return enums.create_type(rest)
    if low.startswith("domain "):
        return domains.create(rest)
    if re.match(r"(or replace\s+)?function\b", low):
        return routines.create_function(rest, ctx)
    if re.match(r"(or replace\s+)?(constraint\s+)?trigger\b", low):
        return triggers.create_trigger(text, rest, ctx)
    if re.match(r"(temp\s+|temporary\s+|unlogged\s+)?sequence\b", low):
        body = re.sub(r"^\s*(temp|temporary|unlogged)\s+", "", rest, flags=re.IGNORECASE)
        return Statement(kind="sql", tag="CREATE SEQUENCE", sqlite=tuple(sequences.create(body)))
    what = " ".join(low.split()[:3 if low.startswith("or replace ") else 1])
    raise SqlError(f"CREATE {what.upper()} is not supported", "0A000")


_INDEX = re.compile(
    r"\s*(unique\s+)?index\s+(concurrently\s+)?(if\s+not\s+exists\s+)?(?:(\"(?:[^\"]|\"\")+\"|[A-Za-z_][A-Za-z0-9_$]*)\s+)?"
    r"on\s+(only\s+)?((?:\"(?:[^\"]|\"\")+\"|[A-Za-z_][A-Za-z0-9_$.]*))\s*(?:using\s+(\w+)\s*)?\(",
    re.IGNORECASE | re.DOTALL)
# after the column list's ")" (found by closing_paren: a WHERE may hold parentheses too)
_INDEX_TAIL = re.compile(r"(?:\s+include\s*\([^)]*\))?(?:\s+with\s*\([^)]*\))?(?:\s+tablespace\s+\S+)?"
                         r"(\s+where\s+.*)?\s*$", re.IGNORECASE | re.DOTALL)


def _create_index(text, rest, ctx):
    m = _INDEX.match(rest)
    end = closing_paren(rest, m.end() - 1) if m else None
    tail = _INDEX_TAIL.fullmatch(rest[end + 1:]) if end is not None else None
    if not m or tail is None:
        raise error_near(rest.split()[0] if rest.split() else "INDEX")
    unique, _conc, ifne, name, _only, table, using = m.groups()
    cols, where = rest[m.end():end], tail.group(1)
    method = (using or "btree").lower()
    if method not in INDEX_METHODS:
        raise SqlError(f'access method "{using}" does not exist', "42704")
    if unique and method != "btree":
        raise SqlError(f'access method "{method}" does not support unique indexes', "0A000")
    table = _table_name(table)
    if unique:
        _unique_over_interval([e.strip() for e in split_top_level(cols)],
                              lambda c: schema.column_type(table.strip('"'), c.strip('"')))
    col_sql = ", ".join(_index_element(e, ctx) for e in split_top_level(cols))
    if not name:
        name = f"{table.strip(chr(34))}_{'_'.join(re.findall(r'[A-Za-z0-9_]+', cols)[:3])}_idx"
    else:
        name = ident(name)
    where_sql = ""
    if where:
        where_sql = " WHERE " + _expr_sqlite(where.strip()[5:], ctx)
    # Every method is a SQLite b-tree (an index changes no answer); the method asked rides
    # along in a comment, for \d (catalog.index_method reads it), and so do the keys and
    # WHERE as written, for pg_get_indexdef (index_definitions.py).
    written = index_definitions.written_comment(cols, where.strip()[5:].strip() if where else None,
                                                f"({col_sql}){where_sql}")
    sql = (f"CREATE {'UNIQUE ' if unique else ''}INDEX {'IF NOT EXISTS ' if ifne else ''}{name} {written} "
           f"ON {table} {f'/*using {method}*/ ' if method != 'btree' else ''}({col_sql}){where_sql}")
    return Statement(kind="sql", tag="CREATE INDEX", sqlite=(sql,))


# PostgreSQL's index access methods. A GIN index on a jsonb or array column, a GiST, BRIN
# or hash index: what they speed up SQLite does by scanning, and a query's answer is the
# same, so each is made as SQLite's b-tree on the same columns, or expressions.
INDEX_METHODS = ("btree", "hash", "gin", "gist", "brin", "spgist")


_INDEX_ELEMENT = re.compile(r"^(.*?)(?:\s+collate\s+(\"[^\"]+\"|\w+))?(?:\s+([a-z_][a-z0-9_]*_ops))?"
                            r"(?:\s+(asc|desc))?(?:\s+nulls\s+(?:first|last))?\s*$", re.IGNORECASE | re.DOTALL)


def _index_element(element: str, ctx) -> str:
    """One column or expression of CREATE INDEX: its operator class (Django's
    varchar_pattern_ops, text_pattern_ops) and a C collation dropped (SQLite's BINARY
    order is C's), NULLS FIRST/LAST dropped (SQLite orders NULLs first), ASC/DESC kept."""
    m = _INDEX_ELEMENT.match(element.strip())
    expr, collation, _opclass, direction = m.groups()
    if collation:
        from compute_node.pg_sql.queries import collation_checked

        try:
            written = sqlglot.parse_one(f"SELECT NULL COLLATE {collation}", read="postgres").expressions[0]
        except sqlglot.errors.ParseError:
            raise error_near(collation) from None
        collation_checked(written.expression)
    return _expr_list_sqlite(expr, ctx) + (f" {direction.upper()}" if direction else "")


def _expr_list_sqlite(cols: str, ctx) -> str:
    try:
        sel = sql_functions.inline_calls(sqlglot.parse_one(f"SELECT {cols}", read="postgres"))
    except sqlglot.errors.ParseError as e:
        raise parse_error(e, cols) from None
    return ", ".join(gen(rewrite(e, ctx, [0])) for e in sel.expressions)


def _expr_sqlite(expr: str, ctx) -> str:
    return _expr_list_sqlite(expr, ctx)


def _shown_type(decl: str) -> str:
    return "numeric" if pgtypes.is_numeric_text(decl) else pgtypes.unmarked(decl)


def _expr_sqlite_over(expr: str, table: str, ctx) -> tuple[str, str]:
    """An expression over the columns of `table` (ALTER COLUMN ... TYPE ... USING), in
    SQLite's text, translated as a select list item of that table (its columns' types
    known): its columns stay unqualified, for an UPDATE of the table; and its type, when
    its form says it ('' else)."""
    try:
        sel = sql_functions.inline_calls(sqlglot.parse_one(f"SELECT {expr} FROM {table}", read="postgres"))
    except sqlglot.errors.ParseError as e:
        raise parse_error(e, expr) from None
    if not isinstance(sel, exp.Select) or len(sel.expressions) != 1:
        raise error_near(",")
    if sel.expressions[0].find(exp.Subquery, exp.Exists):
        raise SqlError("cannot use subquery in transform expression", "0A000")
    if sel.expressions[0].find(exp.AggFunc):
        raise SqlError("aggregate functions are not allowed in transform expressions", "42803")
    typed = _KIND_TYPES.get(exprtypes.kind(sel.expressions[0]), "")
    return gen(rewrite(sel, ctx, [0]).expressions[0]), typed


# A USING expression's type, by its kind, as conversion_allowed reads a declared type.
_KIND_TYPES = {"int": "bigint", "num": "numeric", "float": "double precision", "text": "text", "bool": "boolean",
               "date": "date", "timestamp": "timestamp", "timestamptz": "timestamptz", "time": "time",
               "interval": "interval", "json": "json", "jsonb": "jsonb", "uuid": "uuid", "bytea": "bytea"}


def _create_view(text, rest, ctx):
    m = re.match(r"\s*(or\s+replace\s+)?((?:temp|temporary)\s+)?view\s+(\S+?)\s*(\([^)]*\))?\s+as\s+(.*)$",
                 rest, re.IGNORECASE | re.DOTALL)
    if not m:
        raise error_near("VIEW")
    stmts = []
    name = _table_name(m.group(3))
    kept = views.kept_columns_check(name, m.group(5)) if m.group(1) else []
    if m.group(1):
        stmts.append(f"DROP VIEW IF EXISTS {name}")
    q, _ = query_sqlite(m.group(5), ctx, named=True)
    cols = m.group(4) or ""
    views.refuse_duplicate_columns(m.group(5), [c.strip() for c in cols.strip()[1:-1].split(",")] if cols else [])
    # The definition as written rides along in a comment: pg_get_viewdef shows it.
    stmts.append(f"CREATE {'TEMP ' if m.group(2) else ''}VIEW {name}{cols} AS {q} "
                 f"{catalog.view_definition_comment(m.group(5))}")
    # SQLite takes a view of columns or tables that do not exist, and such a view then
    # fails every ALTER TABLE ... RENAME / DROP COLUMN of the database ("error in view"):
    # it is read once here, so that CREATE VIEW fails as PostgreSQL's does (42703, 42P01).
    stmts.append(f"SELECT 1 FROM {name} LIMIT 0")
    return Statement(kind="sql", tag="CREATE VIEW", sqlite=(*stmts, *kept))


# (a name may be qualified: public.t, public."T", as pg_dump writes them)
_ALTER = re.compile(rf"\s*table\s+(if\s+exists\s+)?(only\s+)?((?:{_NAME_PART}\s*\.\s*)?{_NAME_PART})\s+(.*)$",
                    re.IGNORECASE | re.DOTALL)


# ALTER TABLE actions a view has not (PostgreSQL's names of them), by the action's start.
_NOT_FOR_VIEWS = ((re.compile(r"add constraint |add (primary key|unique|check|foreign key|exclude)\b"),
                   "ADD CONSTRAINT"),
                  (re.compile(r"add (column )?(?!constraint\b)"), "ADD COLUMN"),
                  (re.compile(r"drop constraint "), "DROP CONSTRAINT"),
                  (re.compile(r"drop (column )?(?!constraint\b)"), "DROP COLUMN"),
                  (re.compile(r"alter (column )?\S+ set not null"), "ALTER COLUMN ... SET NOT NULL"),
                  (re.compile(r"alter (column )?\S+ drop not null"), "ALTER COLUMN ... DROP NOT NULL"),
                  (re.compile(r"alter (column )?\S+ (set data )?type "), "ALTER COLUMN ... SET DATA TYPE"))


def _refuse_on_view(name: str, action: str) -> None:
    """42809 for an ALTER TABLE action a view cannot take (SQLite's ALTER found no table
    to change and said nothing, or said something else); `action`: lower case, spaced."""
    cat = schema.current()
    if cat is None or name.lower() not in cat.views():
        return
    for pattern, shown in _NOT_FOR_VIEWS:
        if pattern.match(action):
            raise SqlError(f'ALTER action {shown} cannot be performed on relation "{name}"', "42809")
    if re.match(r"alter (column )?\S+ (set|drop) default\b", action):  # (PostgreSQL's: for INSERT into it)
        raise SqlError("ALTER COLUMN ... SET / DROP DEFAULT of a view is not supported (a view takes no INSERT "
                       "here)", "0A000")


# ALTER TABLE's actions that may be given several at once, comma-separated (RENAME may not).
_COMBINED_ACTION = re.compile(r"(add|drop|alter)\b", re.IGNORECASE)


def _combined(text, head: str, actions: list[str], ctx) -> Statement:
    """ALTER TABLE t DROP COLUMN a, ADD COLUMN b int ...: each action as its own ALTER
    TABLE, in order, in the one statement (one transaction: all or none). Each is
    translated against the table as the statement finds it, so an action that relies on
    one before it (ADD COLUMN x, ADD CONSTRAINT c CHECK (x > 0)) is refused as it would
    be alone."""
    parts = [alter(text, f"{head}{a.strip()}", ctx) for a in actions]
    if any(not isinstance(p, Statement) or p.kind not in ("sql", "noop") for p in parts):
        raise SqlError("this combination of ALTER TABLE actions is not supported: give them one at a time", "0A000")
    # An action that edits sqlite_master sets the schema version to the one after the
    # version it was translated at; after the actions before it (whose DDL moved the
    # version on) that would be no new version, and the session would keep its parsed
    # schema: the i-th action's is moved COMBINED_SCHEMA_VERSION_STEP * i further.
    sqlite = [_SCHEMA_VERSION_SET.sub(lambda m, i=i: f"PRAGMA schema_version = "
                                      f"{int(m.group(1)) + i * COMBINED_SCHEMA_VERSION_STEP}", q)
              for i, p in enumerate(parts) for q in p.sqlite]
    notice = next((p.notice for p in parts if p.notice), None)
    return Statement(kind="sql", tag="ALTER TABLE", sqlite=tuple(sqlite), notice=notice)


_SCHEMA_VERSION_SET = re.compile(r"^PRAGMA schema_version = (\d+)$")
COMBINED_SCHEMA_VERSION_STEP = 1000  # above the schema versions one ALTER TABLE action's DDL can use


def alter(text, rest, ctx):
    if re.match(r"\s*type\b", rest, re.IGNORECASE):
        return enums.alter_type(rest)
    if re.match(r"\s*domain\b", rest, re.IGNORECASE):
        return domains.alter(rest)
    if re.match(r"\s*sequence\b", rest, re.IGNORECASE):
        cat = schema.current()
        out = sequences.alter(rest, lambda n: cat is None or cat.columns(n) is not None)
        return Statement(kind="sql" if out else "noop", tag="ALTER SEQUENCE", sqlite=tuple(out))
    owner = re.match(r"\s*(function|procedure|materialized\s+view)\s+.*\s+owner\s+to\s+\S+\s*$", rest,
                     re.IGNORECASE | re.DOTALL)
    if owner:  # (pg_dump writes one per object; Sixfold has one user, as ALTER TABLE ... OWNER TO)
        return Statement(kind="noop", tag="ALTER " + " ".join(owner.group(1).upper().split()))
    m = _ALTER.match(rest)
    if not m:
        what = rest.split()[0].upper() if rest.split() else "ALTER"
        raise SqlError(f"ALTER {what} is not supported", "0A000")
    table = _table_name(m.group(3))
    action = m.group(4).strip()
    cat = schema.current()
    if m.group(1) and cat is not None and not cat.columns(table.strip('"')) and \
            not re.match(r"rename\s+to\b", action, re.IGNORECASE):  # IF EXISTS of a missing table: a NOTICE
        return Statement(kind="noop", tag="ALTER TABLE", notice=(
            "00000", f'relation "{table.strip(chr(34))}" does not exist, skipping'))
    several = split_top_level(action)
    if len(several) > 1 and all(_COMBINED_ACTION.match(a.strip()) for a in several):
        return _combined(text, rest[:m.start(4)], several, ctx)
    low = " ".join(action.lower().split())
    bare = table.strip('"')
    _refuse_on_view(bare, low)
    st = lambda *sql: Statement(kind="sql", tag="ALTER TABLE", sqlite=tuple(sql))
    pm = re.match(r"add\s+(?:constraint\s+(\"[^\"]+\"|\w+)\s+)?(primary\s+key|unique)\s*\(([^)]*)\)", action, re.IGNORECASE)
    if pm:
        cname = ident(pm.group(1)) if pm.group(1) else None
        is_pk = pm.group(2).lower().startswith("primary")
        _unique_over_interval([c.strip() for c in pm.group(3).split(",")],
                              lambda c: schema.column_type(bare, c.strip('"')))
        cols = ", ".join(ident(c.strip()) for c in pm.group(3).split(","))
        if not cname:
            cname = f"{bare}_pkey" if is_pk else f"{bare}_{'_'.join(c.strip().strip(chr(34)) for c in pm.group(3).split(','))}_key"
        # the index says it is the constraint (catalog.index_constraint): pg_constraint, pg_index, \d
        # show a primary key or unique constraint, as ORMs' reflection reads them
        kind = "p" if is_pk else "u"
        not_null = []  # a primary key's columns become NOT NULL (23502 if one holds a NULL)
        cat = schema.current()
        have = {n for n, _t in cat.columns(bare) or ()} if cat is not None else set()
        for c in pm.group(3).split(","):
            if have and ident(c.strip()).strip('"') not in have:
                raise SqlError(f'column "{ident(c.strip()).strip(chr(34))}" named in key does not exist', "42703")
        if is_pk and cat is not None and (cat.primary_key(bare) or cat.rows(
                "SELECT 1 FROM sqlite_master WHERE type = 'index' AND tbl_name = ? COLLATE NOCASE "
                "AND sql LIKE '%/*constraint p*/%'", (bare,))):
            raise SqlError(f'multiple primary keys for table "{bare}" are not allowed', "42P16")
        for c in (pm.group(3).split(",") if is_pk and cat is not None else []):
            if not any(r[0] for r in cat.rows('SELECT "notnull" FROM pragma_table_info(?) WHERE name = ?',
                                              (bare, ident(c.strip()).strip('"')))):
                not_null += _alter_column(table, ident(c.strip()), "set not null", ctx)
        return st(*not_null, f"CREATE UNIQUE INDEX {cname} ON {table} /*constraint {kind}*/ ({cols})")
    if re.match(r"add\s+(constraint\s+\S+\s+)?foreign\s+key\b", low):
        return st(*constraints.add_foreign_key(table, action))
    if re.match(r"add\s+(constraint\s+\S+\s+)?check\b", low):
        return st(*constraints.add_check(table, action, lambda e: _expr_sqlite(e, ctx)))
    if re.match(r"(owner\s+to|set\s+\(|reset\s+\(|set\s+(logged|unlogged|tablespace|without))", low):
        return Statement(kind="noop", tag="ALTER TABLE")
    am = re.match(r"add\s+(column\s+)?(if\s+not\s+exists\s+)?(.*)$", action, re.IGNORECASE | re.DOTALL)
    if am and not re.match(r"(constraint|primary|unique|check|foreign|exclude)\b", am.group(3).lower()):
        serial = _added_serial(table, am.group(3), bool(am.group(2)), ctx)
        if serial is not None:
            return serial
        filled = _added_filled(table, am.group(3), bool(am.group(2)), ctx)
        if filled is not None:
            return filled
        coldef, colname, type_text = _column_defs_sqlite(am.group(3), ctx)
        taken = _column_taken(bare, colname, bool(am.group(2)))
        if taken is not None:
            return taken
        return st(f"ALTER TABLE {table} ADD COLUMN {coldef}", *input_triggers(table, colname, type_text))
    if re.match(r"alter\s+constraint\b", low):  # (else read as ALTER [COLUMN] "constraint")
        raise SqlError("ALTER TABLE ... ALTER CONSTRAINT is not supported", "0A000")
    ac = re.match(r"alter\s+(?:column\s+)?(\"(?:[^\"]|\"\")+\"|\w+)\s+(.*)$", action, re.IGNORECASE | re.DOTALL)
    if ac:
        return st(*_alter_column(table, ident(ac.group(1)), ac.group(2).strip(), ctx))
    rm = re.match(r"rename\s+(column\s+)?(\S+)\s+to\s+(\S+)$", action, re.IGNORECASE)
    if rm:
        old, new = ident(rm.group(2)), ident(rm.group(3))
        cat = schema.current()
        if cat is not None and cat.columns(bare) and old.strip('"') not in {n for n, _ in cat.columns(bare)}:
            raise SqlError(f'column "{old.strip(chr(34))}" does not exist', "42703")
        refuse_system_column_name(new)
        # (sqlite_master edits first: the schema version they set must be the next one)
        before, after = views.around_rename(bare, (old.strip('"'), new.strip('"')), None, ctx)
        owned = [serials.owner_renamed(q, [bare, new.strip('"')])
                 for q, _c in serials.owned_sequences(bare, old.strip('"'))]
        return st(*comments.rename_statements(table, old, new), *before,
                  f"ALTER TABLE {table} RENAME COLUMN {old} TO {new}", *after, *owned)
    rm = re.match(r"rename\s+to\s+(\S+)$", action, re.IGNORECASE)
    if rm:
        new_name = ident(rm.group(1))
        before, after = views.around_rename(bare, None, new_name.strip('"'), ctx)
        owned = [serials.owner_renamed(q, [new_name.strip('"'), c]) for q, c in serials.owned_sequences(bare)]
        return st(*renames.trigger_statements(bare, new_name.strip('"')), *before,
                  f"ALTER TABLE {table} RENAME TO {new_name}", *after, *owned)
    dm = re.match(r"drop\s+(column\s+)?(if\s+exists\s+)?(\S+)(\s+(cascade|restrict))?$", action, re.IGNORECASE)
    if dm and dm.group(3).lower() != "constraint":
        col = ident(dm.group(3))
        cat = schema.current()
        columns = cat.columns(bare) if cat is not None else None
        if columns is not None and col.strip('"') not in {n for n, _ in columns}:
            missing = f'column "{col.strip(chr(34))}" of relation "{bare}" does not exist'
            if dm.group(2):  # IF EXISTS
                return Statement(kind="noop", tag="ALTER TABLE", notice=("00000", f"{missing}, skipping"))
            raise SqlError(missing, "42703")
        readers, dropped = views.column_dropped_with(bare, col.strip('"'), (dm.group(5) or "").lower() == "cascade")
        owned = [f"DROP TABLE {lexing.quoted_ident(q)}" for q, _c in serials.owned_sequences(bare, col.strip('"'))]
        if readers:
            return Statement(kind="sql", tag="ALTER TABLE", notice=views.cascade_notice(dropped), sqlite=(
                *readers, *drop_input_triggers(table, col), *_indexes_using(bare, col.strip('"')),
                f"ALTER TABLE {table} DROP COLUMN {col}", *owned))
        return st(*drop_input_triggers(table, col), *_indexes_using(bare, col.strip('"')),
                  f"ALTER TABLE {table} DROP COLUMN {col}", *owned)
    dc = re.match(r"drop\s+constraint\s+(if\s+exists\s+)?(\S+)", action, re.IGNORECASE)
    if dc:
        return _drop_constraint(table, bare, ident(dc.group(2)), bool(dc.group(1)), st)
    raise SqlError(f"ALTER TABLE {action.split()[0].upper()} ... is not supported here", "0A000")


def _drop_constraint(table: str, bare: str, name: str, if_exists: bool, st) -> Statement:
    """ALTER TABLE ... DROP CONSTRAINT: an added one's triggers or index, or a CHECK or
    foreign key declared in CREATE TABLE (an edit of its text: declared_constraints); a
    name the table has no constraint of is 42704 (a NOTICE with IF EXISTS)."""
    cat = schema.current()
    con = name[1:-1].replace('""', '"') if name.startswith('"') else name
    added = constraints.drop_constraint(table, name, cat)
    if cat is None or added or cat.rows("SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ? "
                                        "AND tbl_name = ? COLLATE NOCASE", (con, bare)):
        return st(*added, f"DROP INDEX IF EXISTS {name}")
    create = cat.rows("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (bare,))
    if not create:
        raise SqlError(f'relation "{bare}" does not exist', "42P01")
    edited = declared_constraints.without(create[0][0] or "", bare, con)
    if edited is not None:
        version = cat.rows("PRAGMA schema_version")[0][0]
        return st("SAVEPOINT sixfold_drop_constraint", "PRAGMA writable_schema=ON",
                  f"UPDATE sqlite_master SET sql = pg_without_constraint(sql, {lexing.sql_string(bare)}, "
                  f"{lexing.sql_string(con)}) WHERE type = 'table' AND name = {lexing.sql_string(bare)}",
                  "PRAGMA writable_schema=OFF", f"PRAGMA schema_version = {version + 1}",
                  "RELEASE sixfold_drop_constraint")
    kinds = [r[0] for r in cat.rows(f"SELECT c.contype FROM ({catalog.CONSTRAINTS}) c JOIN sqlite_master t "
                                    f"ON t.type = 'table' AND {catalog.PG_OID_BASE} + t.rowid = c.conrelid "
                                    "WHERE t.name = ? AND c.conname = ?", (bare, con))]
    if kinds:
        raise SqlError(f'dropping constraint "{con}": a {"primary key" if kinds[0] == "p" else "unique"} '
                       "constraint declared in CREATE TABLE is not supported here (one ALTER TABLE ADD CONSTRAINT "
                       "made can be dropped)" if kinds[0] in ("p", "u") else
                       f'dropping constraint "{con}" is not supported here', "0A000")
    missing = f'constraint "{con}" of relation "{bare}" does not exist'
    if if_exists:
        return Statement(kind="noop", tag="ALTER TABLE", notice=("00000", f"{missing}, skipping"))
    raise SqlError(missing, "42704")


def _column_taken(bare: str, name: str, if_not_exists: bool) -> Statement | None:
    """ADD COLUMN of a name the table has: 42701, or with IF NOT EXISTS a NOTICE and nothing."""
    cat = schema.current()
    if cat is None or name.strip('"').lower() not in {n.lower() for n, _ in cat.columns(bare) or ()}:
        return None
    message = f'column "{name.strip(chr(34))}" of relation "{bare}" already exists'
    if not if_not_exists:
        raise SqlError(message, "42701")
    return Statement(kind="noop", tag="ALTER TABLE", notice=("42701", f"{message}, skipping"))


def _no_nulls(table: str, bare: str, col: str) -> str:
    """The check of SET NOT NULL (and ADD COLUMN ... NOT NULL): 23502 if a row holds a NULL."""
    q = lambda v: v.replace("'", "''")  # noqa: E731
    return (f"SELECT pg_raise('23502', 'column \"{q(col.strip(chr(34)))}\" of relation \"{q(bare)}\" "
            f"contains null values') FROM {table} WHERE {col} IS NULL LIMIT 1")


def _added_with_edit(edits: list[str], rewritten: str, bare: str, cat) -> Statement:
    """ADD COLUMN's statements `edits`, then the table's CREATE text set to `rewritten` (an
    expression of its `sql`: what SQLite's ADD COLUMN cannot declare), in one savepoint."""
    q = lambda v: v.replace("'", "''")  # noqa: E731
    # (every statement above moved the schema version on by one: the edit's must be above them)
    version = cat.rows("PRAGMA schema_version")[0][0] + sum(1 for e in edits if e.startswith(("CREATE", "ALTER"))) + 1
    return Statement(kind="sql", tag="ALTER TABLE", sqlite=(
        "SAVEPOINT sixfold_add_column", *edits, "PRAGMA writable_schema=ON",
        f"UPDATE sqlite_master SET sql = {rewritten} WHERE type = 'table' AND name = '{q(bare)}'",
        "PRAGMA writable_schema=OFF", f"PRAGMA schema_version = {version}", "RELEASE sixfold_add_column"))


def _added_serial(table: str, text: str, if_not_exists: bool, ctx) -> Statement | None:
    """ALTER TABLE ... ADD COLUMN of a serial or identity column, as PostgreSQL adds it: its
    sequence, the column, each row given the sequence's next value (in rowid order, the
    table's), then NOT NULL and the DEFAULT (SQLite cannot add a column with a DEFAULT
    that is not constant: the CREATE TABLE text is edited, as ALTER COLUMN does), and a
    PRIMARY KEY or UNIQUE as a unique index. None for another column."""
    text, identity_options = serials.identity_options(text)
    c = _one_column_def(text)
    for found, opts in zip(c.find_all(exp.GeneratedAsIdentityColumnConstraint), identity_options):
        found.meta["sequence_options"] = opts
    made = serials.owned_sequence(table, c, taken=[])
    if made is None:
        return None
    cat = schema.current()
    bare = table[1:-1].replace('""', '"') if table.startswith('"') else table
    name = _ident_sql(c.this)
    if cat is None or not cat.columns(bare):
        raise SqlError(f'relation "{bare}" does not exist', "42P01")
    taken = _column_taken(bare, name, if_not_exists)
    if taken is not None:
        return taken
    seq, create_seq = made
    kinds = [k.args.get("kind") for k in c.args.get("constraints") or []]
    if any(not isinstance(k, (exp.PrimaryKeyColumnConstraint, exp.UniqueColumnConstraint, exp.NotNullColumnConstraint,
                              exp.GeneratedAsIdentityColumnConstraint)) for k in kinds):
        raise SqlError(f'column "{c.this.name}": ALTER TABLE ... ADD COLUMN of a serial or identity column with '
                       "constraints other than PRIMARY KEY, UNIQUE and NOT NULL is not supported", "0A000")
    width = serials.serial_type(c.args.get("kind"))
    identity = serials.identity(c)
    default = serials.sequence_default(seq, None if identity is None else "a" if identity.this else "d")
    q = lambda v: v.replace("'", "''")  # noqa: E731
    key = [f"CREATE UNIQUE INDEX {lexing.quoted_ident(f'{bare}_pkey' if pk else f'{bare}_{c.this.name}_key')} "
           f"ON {table} /*constraint {'p' if pk else 'u'}*/ ({name})"
           for pk in (True, False) if any(isinstance(k, exp.PrimaryKeyColumnConstraint if pk else
                                                     exp.UniqueColumnConstraint) for k in kinds)][:1]
    edits = [*create_seq,
             " ".join([f"ALTER TABLE {table} ADD COLUMN {name}", "int" if width == "integer" else width,
                       *_type_checks(name, width)]),
             f"UPDATE {table} SET {name} = nextval({lexing.sql_string(seq)})", *key]
    return _added_with_edit(edits, f"pg_rewrite_column(pg_rewrite_column(sql, '{q(name)}', 'set_default', "
                                   f"'{q(default)}'), '{q(name)}', 'set_not_null', '')", bare, cat)


def _added_filled(table: str, text: str, if_not_exists: bool, ctx) -> Statement | None:
    """ALTER TABLE ... ADD COLUMN with a DEFAULT that is no constant (`created timestamp
    DEFAULT now()`, which SQLite refuses on a table with rows) or NOT NULL without a
    DEFAULT, as PostgreSQL adds it: the column, each row given the default (computed per
    row, as PostgreSQL computes a volatile one), then the DEFAULT and NOT NULL written
    into the CREATE TABLE text (as ALTER COLUMN does; a row left NULL is 23502). None for
    another column (SQLite adds it as it is)."""
    c = _one_column_def(text)
    kept, given, not_null = [], None, False
    for k in c.args.get("constraints") or []:
        kind = k.args.get("kind")
        if isinstance(kind, exp.DefaultColumnConstraint):
            given = kind.this
        elif isinstance(kind, exp.NotNullColumnConstraint) and not kind.args.get("allow_null"):
            not_null = True
        else:
            kept.append(k)
    default_sql = _expr_sqlite(given.sql("postgres"), ctx) if given is not None else None
    if default_sql is None and not not_null or default_sql is not None and _LITERAL_DEFAULT.fullmatch(default_sql):
        return None
    cat = schema.current()
    bare = table[1:-1].replace('""', '"') if table.startswith('"') else table
    name = _ident_sql(c.this)
    if cat is None or not cat.columns(bare):
        raise SqlError(f'relation "{bare}" does not exist', "42P01")
    taken = _column_taken(bare, name, if_not_exists)
    if taken is not None:
        return taken
    if given is not None:
        _refuse_in_default(given)
        check_default_literal(given, _pg_type_text(c.args["kind"]) if c.args.get("kind") else None, ctx)
    c.set("constraints", kept)
    coldef, colname, type_text = _column_defs_sqlite(c.sql("postgres"), ctx)
    q = lambda v: v.replace("'", "''")  # noqa: E731
    edits = [f"ALTER TABLE {table} ADD COLUMN {coldef}",
             *input_triggers(table, colname, type_text)]
    edits += [f"UPDATE {table} SET {name} = {default_sql}"] if default_sql is not None else []
    edits += [_no_nulls(table, bare, name)] if not_null else []
    rewritten = "sql"
    if default_sql is not None:
        rewritten = f"pg_rewrite_column({rewritten}, '{q(name)}', 'set_default', '{q(f'DEFAULT ({default_sql})')}')"
    if not_null:
        rewritten = f"pg_rewrite_column({rewritten}, '{q(name)}', 'set_not_null', '')"
    return _added_with_edit(edits, rewritten, bare, cat)


def _alter_column(table: str, col: str, what: str, ctx) -> list[str]:
    """ALTER COLUMN col SET/DROP DEFAULT, SET/DROP NOT NULL, [SET DATA] TYPE t (see
    alter_column.py): checks of the rows there, the CREATE TABLE text rewritten, a new
    schema version, and for TYPE the rows converted and the input triggers replaced."""
    cat = schema.current()
    bare = table.strip('"')
    if cat is None:
        raise SqlError("ALTER COLUMN is not supported here", "0A000")
    cols = cat.columns(bare)
    if not cols:
        raise SqlError(f'relation "{bare}" does not exist', "42P01")
    decl = schema.column_type(bare, col.strip('"'))
    if decl is None:
        raise SqlError(f'column "{col.strip(chr(34))}" of relation "{bare}" does not exist', "42703")
    version = cat.rows("PRAGMA schema_version")[0][0]
    low = " ".join(what.lower().split())
    pre, post, arg = [], [], ""
    q = lambda v: v.replace("'", "''")  # noqa: E731
    identity_kind = serials.identity_kinds(bare).get(col.strip('"').lower())
    if identity_kind and (low.startswith("set default ") or low in ("drop default", "drop not null")):
        raise SqlError(f'column "{col.strip(chr(34))}" of relation "{bare}" is an identity column', "42601")
    if not identity_kind and re.match(r"(restart|set\s+(increment|start|minvalue|maxvalue|no|cycle|cache))\b", low):
        raise SqlError(f'column "{col.strip(chr(34))}" of relation "{bare}" is not an identity column', "55000")
    if re.match(r"(restart|set\s+(increment|start|minvalue|maxvalue|no|cycle|cache))\b", low):
        # an identity column's sequence options: ALTER SEQUENCE of the sequence it owns
        owned = [q_ for q_, _c in serials.owned_sequences(bare, col.strip('"'))]
        if not owned:
            raise SqlError(f'column "{col.strip(chr(34))}" of relation "{bare}" has no sequence', "55000")
        options = re.sub(r"\bset\s+", "", what, flags=re.IGNORECASE)
        return sequences.alter(f"sequence {lexing.quoted_ident(owned[0])} {options}",
                               lambda n: cat.columns(n) is not None)
    if low.startswith("set default "):
        given = what[len('set default'):].strip()
        try:
            parsed = sqlglot.parse_one(given, read="postgres")
            _refuse_in_default(parsed)
            check_default_literal(parsed, decl, ctx)
        except sqlglot.errors.ParseError:
            pass  # (the translation below says what is wrong)
        op, arg = "set_default", f"DEFAULT ({_expr_sqlite(given, ctx)})"
        pre += _old_default_kept(table, bare, col, cat)
    elif low.startswith("add generated "):  # pg_dump's identity columns: a sequence and its default
        gm = re.match(r"add\s+generated\s+(always|by\s+default)\s+as\s+identity\s*(?:\((.*)\))?\s*$", what,
                      re.IGNORECASE | re.DOTALL)
        if not gm:
            raise error_near("GENERATED")
        if identity_kind:
            raise SqlError(f'column "{col.strip(chr(34))}" of relation "{bare}" is already an identity column',
                           "55000")
        if pgtypes.column_oid(decl) not in (pgtypes.INT2, pgtypes.INT4, pgtypes.INT8):
            raise SqlError("identity column type must be smallint, integer, or bigint", "22023")
        if not any(r[0] for r in cat.rows('SELECT "notnull" FROM pragma_table_info(?) WHERE name = ?',
                                          (bare, col.strip('"')))):
            raise SqlError(f'column "{col.strip(chr(34))}" of relation "{bare}" must be declared NOT NULL before '
                           "identity can be added", "55000")
        opts = gm.group(2) or ""
        named = re.search(r"\bsequence\s+name\s+(\S+)", opts, re.IGNORECASE)
        seq = _table_name(named.group(1)) if named else f"{bare}_{col.strip(chr(34))}_seq"
        opts = opts[:named.start()] + opts[named.end():] if named else opts
        width = {"smallint": "smallint", "int2": "smallint", "bigint": "bigint", "int8": "bigint"}.get(
            decl.strip().lower(), "integer")
        # (the column's default first, below: the sequence's CREATE moves the schema version on)
        op, arg = "set_default", serials.sequence_default(seq.strip(chr(34)),
                                                          "a" if gm.group(1).lower() == "always" else "d")
        post += sequences.create(f"sequence {seq} AS {width} {opts}", owned_by=[bare, col.strip('"')])
    elif low == "drop default":
        op = "drop_default"
        pre += _old_default_kept(table, bare, col, cat)
    elif low == "set not null":
        op = "set_not_null"
        pre.append(_no_nulls(table, bare, col))
    elif low == "drop not null":
        op = "drop_not_null"
        if any(r[0] for r in cat.rows("SELECT pk FROM pragma_table_info(?) WHERE name = ?", (bare, col.strip('"')))):
            raise SqlError(f'column "{col.strip(chr(34))}" is in a primary key', "42P16")
    else:
        m = re.match(r"(?:set\s+data\s+)?type\s+(.*?)(\s+(?:using|collate)\s+.*)?$", what, re.IGNORECASE | re.DOTALL)
        if not m:
            raise SqlError(f"ALTER COLUMN {what.split()[0].upper()} is not supported", "0A000")
        using = re.match(r"\s+using\s+(.*)$", m.group(2) or "", re.IGNORECASE | re.DOTALL)
        if m.group(2) and using is None:
            raise SqlError("ALTER COLUMN ... TYPE ... COLLATE is not supported", "0A000")
        try:
            new_type = _pg_type_text(exp.DataType.build(m.group(1).strip(), dialect="postgres"))
        except (sqlglot.errors.ParseError, ValueError):
            raise error_near(m.group(1).split()[0]) from None
        _refuse_unstored(new_type)
        readers = views.column_readers(bare, col.strip('"'))
        if readers:
            raise SqlError(f"cannot alter type of a column used by a view or rule (view {readers[0]} reads "
                           f'column "{col.strip(chr(34))}")', "0A000")
        if enums.token_of_type(decl) or enums.token_of_type(new_type):
            raise SqlError("changing a column's type to or from an enum type is not supported", "0A000")
        if decl.upper() == "INTEGER" and any(r[0] for r in cat.rows(
                "SELECT pk FROM pragma_table_info(?) WHERE name = ?", (bare, col.strip('"')))):
            raise SqlError("the type of a serial primary key column cannot be changed", "0A000")
        if {values.converted_kind(decl), values.converted_kind(new_type)} == {"json", "jsonb"}:
            # (PostgreSQL casts each value; Sixfold would keep json's text in a jsonb column)
            raise SqlError("changing a column's type between json and jsonb is not supported", "0A000")
        if using is None and not alter_column.conversion_allowed(decl, new_type):
            shown = _shown_type(new_type)
            raise SqlError(f'column "{col.strip(chr(34))}" cannot be cast automatically to type {shown}{HINT_MARK}'
                           f'You might need to specify "USING {col}::{shown}".', "42804")
        collation = [f"COLLATE {pgtypes.NUMERIC_TEXT_COLLATION}"] if pgtypes.is_numeric_text(new_type) else \
            _typed_collation(new_type)
        op, arg = "type", "\t".join([new_type, *_type_checks(col, new_type), *collation])
        if pgtypes.is_numeric_text(decl) != pgtypes.is_numeric_text(new_type) or \
                _typed_collation(decl) != _typed_collation(new_type):
            # its indexes were ordered by the old collation (pg_numeric's, pg_timetz's ... or none)
            post.append(f"REINDEX {table}")
        old_scale = pgtypes.numeric_scale(decl)
        # (a numeric(p,s) value as its text, 1.50 not 1.5, when the new type keeps text)
        source = f"pg_with_scale({col}, {old_scale})" if old_scale is not None and alter_column._family(
            new_type) in ("text", "number") and not pgtypes.numeric_scale(new_type) else col
        source_type = decl
        if using is not None:  # (every row: the expression may give a value for a NULL)
            source, source_type = _expr_sqlite_over(using.group(1), table, ctx)
            if source_type and not alter_column.conversion_allowed(source_type, new_type):
                raise SqlError(f'result of USING clause for column "{col.strip(chr(34))}" cannot be cast '
                               f"automatically to type {_shown_type(new_type)}{HINT_MARK}You might need to add an "
                               "explicit cast.", "42804")
        # (the old type's input triggers go first: they would turn the converted values back)
        post += drop_input_triggers(table, col)
        post.append(f"UPDATE {table} SET {col} = pg_convert_to({source}, '{q(new_type)}', '{q(source_type)}')"
                    f"{'' if using else f' WHERE {col} IS NOT NULL'}")
        post += input_triggers(table, col, new_type)
    return ["SAVEPOINT sixfold_alter_column", *pre, "PRAGMA writable_schema=ON",
            f"UPDATE sqlite_master SET sql = pg_rewrite_column(sql, '{q(col)}', '{op}', '{q(arg)}') "
            f"WHERE type = 'table' AND name = '{q(bare)}'",
            "PRAGMA writable_schema=OFF", f"PRAGMA schema_version = {version + 1}", *post,
            "RELEASE sixfold_alter_column"]


# A default SQLite reads for a row written before ADD COLUMN: a literal (ADD COLUMN
# takes only a constant default on a table with rows; other defaults come from ALTER
# COLUMN, which changes the declaration only)
_LITERAL_DEFAULT = re.compile(r"\(*\s*(?:[-+]?\s*(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?|'(?:[^']|'')*'|null|true|false)"
                              r"\s*\)*", re.IGNORECASE)


def _old_default_kept(table: str, bare: str, col: str, cat) -> list[str]:
    """Before ALTER COLUMN SET/DROP DEFAULT: a row written before ADD COLUMN added the
    column holds no value for it, and SQLite reads the column's default as declared *now*
    for it - the new default would change rows already there (PostgreSQL keeps the value
    the row got when the column was added). Such rows are given the old default to keep:
    each row whose value is the old default is rewritten with it (as Sixfold's own write:
    user triggers do not fire)."""
    rows = cat.rows("SELECT dflt_value FROM pragma_table_info(?) WHERE name = ?", (bare, col.strip('"')))
    old = rows[0][0] if rows and rows[0][0] is not None else "NULL"
    if not _LITERAL_DEFAULT.fullmatch(old):
        return []  # not a default ADD COLUMN could have given rows already there
    return [f"UPDATE {table} SET {col} = {col} WHERE sixfold_fixup(1) > 0 AND {col} IS ({old})"]


# --- CREATE TABLE ----------------------------------------------------------------------------
_TYPE_RENAME = {"timestamptz": "timestamp with time zone", "timetz": "time with time zone",
                "decimal": "numeric", "int": "integer", "double": "double precision", "float": "double precision"}


# PostgreSQL 15's built-in type names sqlglot reads as user-defined ones (and citext):
# a column of any other name that is no enum or domain is 42704, as there (it was taken
# and held as text).
_BUILTIN_TYPE_NAMES = frozenset((
    "aclitem bit bool box bpchar bytea char cid cidr circle date datemultirange daterange float4 float8 gtsvector "
    "inet int2 int2vector int4 int4multirange int4range int8 int8multirange int8range interval json jsonb jsonpath "
    "line lseg macaddr macaddr8 money name numeric nummultirange numrange oid oidvector path point polygon refcursor "
    "regclass regcollation regconfig regdictionary regnamespace regoper regoperator regproc regprocedure regrole "
    "regtype text tid time timestamp timestamptz timetz tsmultirange tsquery tsrange tstzmultirange tstzrange "
    "tsvector txid_snapshot uuid varbit varchar xid xid8 xml pg_lsn pg_snapshot citext").split())


def _check_type_exists(dt: exp.DataType) -> None:
    from compute_node.pg_sql import domains, enums

    for node in dt.find_all(exp.DataType):
        ident = node.args.get("kind")
        if node.this != exp.DataType.Type.USERDEFINED or not isinstance(ident, exp.Identifier):
            continue
        name = ident.name if ident.quoted else ident.name.lower()
        if name in _BUILTIN_TYPE_NAMES or enums.token_of_type(node.sql(dialect="postgres")) is not None or \
                domains.find(name) is not None:
            continue
        raise SqlError(f'type "{name}" does not exist', "42704")


def _pg_type_text(dt: exp.DataType) -> str:
    qualified = dt.args.get("kind") if dt.this == exp.DataType.Type.USERDEFINED else None
    _check_type_exists(dt)
    if isinstance(qualified, exp.Dot):  # "public"."status": the type's own name (one schema here)
        if qualified.this.name.lower() != "public":
            raise SqlError(f'schema "{qualified.this.name}" does not exist', "3F000")
        return qualified.expression.name.lower()
    t = dt.sql(dialect="postgres").lower()
    base, paren, mods = t.partition("(")
    base = _TYPE_RENAME.get(base.strip(), base.strip())
    if paren and mods.endswith(")[]"):  # varchar(20)[]: SQLite's grammar takes varchar[](20)
        return f"{base}[]({mods[:-3].replace(', ', ',')})"
    if not paren:  # (numeric: each value keeps its own display scale, as text; jsonb ... as written)
        return pgtypes.stored_declaration(base)
    return base + (paren + mods.replace(", ", ",") if paren else "")


_LIKE_COLUMNS = ("SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, "
                 "pg_get_expr(d.adbin, d.adrelid) FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = "
                 "a.attrelid AND d.adnum = a.attnum WHERE a.attrelid = {rel}::regclass AND a.attnum > 0 "
                 "AND NOT a.attisdropped ORDER BY a.attnum")


def _like_expanded(items: list[exp.Expression], ctx) -> list[exp.Expression]:
    """CREATE TABLE t (LIKE src ...): src's columns in its place, each with its name, type
    and NOT NULL, as PostgreSQL copies them; with INCLUDING DEFAULTS their defaults too.
    The other INCLUDING options (constraints, indexes, identity, generated, comments,
    statistics, storage, compression, ALL) copy what Sixfold would not: refused."""
    out = []
    for item in items:
        if not isinstance(item, exp.LikeProperty):
            out.append(item)
            continue
        defaults = False
        for opt in item.expressions:
            what = opt.args.get("value").name.upper() if opt.args.get("value") is not None else ""
            if opt.name.upper() == "INCLUDING" and what == "DEFAULTS":
                defaults = True
            elif opt.name.upper() == "INCLUDING":
                raise SqlError(f"CREATE TABLE ... (LIKE ... INCLUDING {what}) is not supported: copy the "
                               "constraints, indexes or identity with their own statements", "0A000")
            elif what == "DEFAULTS":
                defaults = False
        src = item.this.sql(dialect="postgres")
        st = select_path(_LIKE_COLUMNS.format(rel=lexing.sql_string(src)), ctx)
        rows = schema.current().rows(st.sqlite[0], st.literals)
        defs = []
        for col, type_text, notnull, default in rows:
            defs.append(" ".join([lexing.quoted_ident(col), type_text, "NOT NULL" if notnull else "",
                                  f"DEFAULT {default}" if defaults and default else ""]).strip())
        if defs:
            made = sqlglot.parse_one(f"CREATE TABLE sixfold_like ({', '.join(defs)})", read="postgres")
            out += made.this.expressions
    return out


def _create_table(text, ctx):
    # CREATE TABLE ... AS / LIKE / PARTITION BY / INHERITS: what sqlglot cannot help with.
    low = " ".join(text.lower().split())
    if re.search(r"\)\s*partition\s+by\b", low) or re.search(r"\binherits\s*\(", low) or " partition of " in low:
        raise SqlError("partitioned and inherited tables are not supported", "0A000")
    if re.search(r"\bon\s+commit\s+(preserve\s+rows|delete\s+rows|drop)(\s*;?\s*$|\s+as\s)", low) and not re.match(
            r"create\s+((global|local)\s+)?(temp|temporary)\s", low):
        raise SqlError("ON COMMIT can only be used on temporary tables", "42P16")
    text, identity_options = serials.identity_options(text)
    try:
        tree = sqlglot.parse_one(text, read="postgres")
    except sqlglot.errors.ParseError as e:
        raise parse_error(e, text) from None
    if not isinstance(tree, exp.Create):
        raise error_near("CREATE")
    identities = [c for c in tree.find_all(exp.GeneratedAsIdentityColumnConstraint)]
    if len(identities) != len(identity_options):
        raise error_near("IDENTITY")
    for c, opts in zip(identities, identity_options):
        c.meta["sequence_options"] = opts
    props = tree.args.get("properties")
    temp = False
    if props:
        for p in props.expressions:
            if isinstance(p, exp.TemporaryProperty):
                temp = True
    ifne = " IF NOT EXISTS" if tree.args.get("exists") else ""
    schema = tree.this
    if tree.expression is not None:  # CREATE TABLE x [(a, b)] AS SELECT ... [WITH [NO] DATA]
        if temp:
            raise SqlError("temporary tables are not supported; create a regular one and drop it when done", "0A000")
        target = schema.this if isinstance(schema, exp.Schema) else schema
        if target.args.get("db") and target.db.lower() not in ("public",):
            raise SqlError(f'schema "{target.db}" does not exist', "3F000")
        cols = [e.name for e in schema.expressions] if isinstance(schema, exp.Schema) else []
        no_data = bool(re.search(r"\bwith\s+no\s+data\s*;?\s*$", text, re.IGNORECASE))
        return table_as.create_table_as(target.name if target.this.quoted else target.name.lower(), cols,
                                        tree.expression.sql(dialect="postgres"), bool(ifne), no_data, ctx)
    if not isinstance(schema, exp.Schema):
        raise error_near("CREATE")
    table = schema.this
    if table.args.get("db") and table.db.lower() not in ("public",):
        raise SqlError(f'schema "{table.db}" does not exist', "3F000")
    name = _ident_sql(table.this)
    cat = pg_schema.current()
    if ifne and cat is not None and cat.columns(name):  # (its serials' sequences are not made again)
        shown = re.sub(r"^" + re.escape(temp_tables.PREFIX) + r"[0-9a-f]+_", "", table.this.name)
        return Statement(kind="noop", tag="CREATE TABLE", notice=("42P07", f'relation "{shown}" already exists, skipping'))
    if any(isinstance(c, exp.LikeProperty) for c in schema.expressions):
        schema.set("expressions", _like_expanded(schema.expressions, ctx))
    cols = [c for c in schema.expressions if isinstance(c, exp.ColumnDef)]
    others = [c for c in schema.expressions if not isinstance(c, exp.ColumnDef)]
    others = _name_checks(name, cols, others)
    _refuse_interval_keys(cols, others)
    _primary_keys_not_null(cols, others)
    if cat is not None:
        _check_references(cat, name, cols, others)
    _check_generated(text, cols)
    _check_identity(table.this.name, cols)
    parts = []
    triggers = []
    made: list[str] = []
    for c in cols:
        seq = serials.owned_sequence(name, c, taken=made)
        if seq is not None:
            made.append(seq[0])
            triggers += seq[1]
        parts.append(_column_def(c, ctx, sequence=seq[0] if seq else None))
        kind = c.args.get("kind")
        generated = any(isinstance(k.args.get("kind"), exp.ComputedColumnConstraint) for k in c.args.get("constraints")
                        or [])
        if kind is not None and kind.this not in serials.SERIAL_TYPES and not generated:
            triggers += input_triggers(name, _ident_sql(c.this), _pg_type_text(kind), if_not_exists=bool(ifne))
    for o in others:
        parts.append(gen(rewrite(o, ctx, [0])))
    body = ", ".join(parts)
    return Statement(kind="sql", tag="CREATE TABLE",
                     sqlite=(f"CREATE {'TEMP ' if temp else ''}TABLE{ifne} {name} ({body})", *triggers))


_IDENTITY_TYPES = (exp.DataType.Type.SMALLINT, exp.DataType.Type.INT, exp.DataType.Type.BIGINT)


def _check_identity(table: str, cols: list[exp.ColumnDef]) -> None:
    """What PostgreSQL refuses of identity columns: two identity clauses, one beside a
    DEFAULT or on a serial (42601), beside NULL (42601), on a type other than smallint,
    integer, bigint (22023)."""
    for c in cols:
        kinds = [k.args.get("kind") for k in c.args.get("constraints") or []]
        identity = [k for k in kinds if isinstance(k, exp.GeneratedAsIdentityColumnConstraint)]
        if not identity:
            continue
        where = f'column "{c.name}" of table "{table}"'
        if len(identity) > 1:
            raise SqlError(f"multiple identity specifications for {where}", "42601")
        kind = c.args.get("kind")
        if any(isinstance(k, exp.DefaultColumnConstraint) for k in kinds) or (
                kind is not None and kind.this in serials.SERIAL_TYPES):
            raise SqlError(f"both default and identity specified for {where}", "42601")
        if any(isinstance(k, exp.NotNullColumnConstraint) and k.args.get("allow_null") for k in kinds):
            raise SqlError(f"conflicting NULL/NOT NULL declarations for {where}", "42601")
        if kind is not None and kind.this not in _IDENTITY_TYPES:
            raise SqlError("identity column type must be smallint, integer, or bigint", "22023")


def _check_generated(text: str, cols: list[exp.ColumnDef]) -> None:
    """What PostgreSQL refuses of generated columns and SQLite takes: GENERATED BY DEFAULT
    AS (expr) (42601; sqlglot reads it as ALWAYS), and a generation expression that uses
    another generated column (42P17: SQLite computes them in order)."""
    if re.search(r"\bgenerated\s+by\s+default\s+as\s*\(", text, re.IGNORECASE):
        raise SqlError("for a generated column, GENERATED ALWAYS must be specified", "42601")
    computed = {c.name.lower(): k.args["kind"] for c in cols for k in c.args.get("constraints") or []
                if isinstance(k.args.get("kind"), exp.ComputedColumnConstraint)}
    for kind in computed.values():
        for ref in kind.find_all(exp.Column):
            if not ref.table and ref.name.lower() in computed:
                raise SqlError(f'cannot use generated column "{ref.name}" in column generation expression', "42P17")


def _check_references(cat, table: str, cols: list[exp.ColumnDef], others: list[exp.Expression]) -> None:
    """CREATE TABLE's foreign keys checked as PostgreSQL checks them (foreign_key_targets.py);
    MATCH FULL over several columns and MATCH PARTIAL refused (SQLite matches simply)."""
    def type_of(c: exp.ColumnDef) -> str:
        kind = c.args.get("kind")
        if kind is None:
            return ""
        return serials.serial_type(kind) if kind.this in serials.SERIAL_TYPES else _pg_type_text(kind)

    def names(node) -> list[str]:
        return [_ident_sql(i) for i in (node.expressions if node is not None else [])]

    child_types = {c.name.lower(): type_of(c) for c in cols}
    own_keys, own_pk = [], []
    for c in cols:
        for k in c.args.get("constraints") or []:
            if isinstance(k.args.get("kind"), (exp.PrimaryKeyColumnConstraint, exp.UniqueColumnConstraint)):
                own_keys.append(frozenset([c.name.lower()]))
                if isinstance(k.args.get("kind"), exp.PrimaryKeyColumnConstraint):
                    own_pk = [c.name]
    keys_declared = [o for x in others for o in (x.expressions if isinstance(x, exp.Constraint) else [x])]
    for k in keys_declared:
        if isinstance(k, exp.PrimaryKey):
            own_pk = [i.name for i in k.expressions]
            own_keys.append(frozenset(n.lower() for n in own_pk))
        elif isinstance(k, exp.UniqueColumnConstraint) and isinstance(k.this, exp.Schema):
            own_keys.append(frozenset(i.name.lower() for i in k.this.expressions))
    bare = table.strip('"')
    for ref in [r for c in cols for r in c.find_all(exp.Reference)] + [
            k.args["reference"] for k in keys_declared if isinstance(k, exp.ForeignKey) and k.args.get("reference")]:
        holder = ref.parent
        if isinstance(holder, exp.ForeignKey):
            fk_cols = names(holder)
            given = holder.parent.this if isinstance(holder.parent, exp.Constraint) else None
        else:
            fk_cols = [_ident_sql(holder.parent.this)]
            given = holder.this if isinstance(holder, exp.ColumnConstraint) else None
        options = " ".join(str(o).lower() for o in ref.args.get("options") or [])
        if "match partial" in options:
            raise SqlError("MATCH PARTIAL not yet implemented", "0A000")
        if "match full" in options and len(fk_cols) > 1:
            raise SqlError("MATCH FULL foreign keys over several columns are not supported", "0A000")
        target = ref.this.this if isinstance(ref.this, exp.Schema) else ref.this
        fk_name = given.name if given is not None else f"{bare}_{'_'.join(c.strip(chr(34)) for c in fk_cols)}_fkey"
        foreign_key_targets.check(cat, fk_name, table, child_types, fk_cols, _ident_sql(target.this),
                                  names(ref.this) if isinstance(ref.this, exp.Schema) else None,
                                  own_keys=own_keys, own_primary_key=own_pk)


def _primary_keys_not_null(cols: list[exp.ColumnDef], others: list[exp.Expression]) -> None:
    """A primary key's columns are NOT NULL, as PostgreSQL makes them: SQLite lets a
    primary key column of a table hold NULL (but the rowid, an INTEGER PRIMARY KEY, whose
    NULL the INSERT translation refuses, queries._store_values)."""
    keyed = {_ident_sql(c.this) for c in cols if any(
        isinstance(k.args.get("kind"), exp.PrimaryKeyColumnConstraint) for k in c.args.get("constraints") or [])}
    for o in others:
        for pk in ([o] if isinstance(o, exp.PrimaryKey) else o.find_all(exp.PrimaryKey)):
            keyed |= {_ident_sql(e.this if isinstance(e, exp.Ordered) else e) for e in pk.expressions}
    for c in cols:
        if _ident_sql(c.this) in keyed and not any(
                isinstance(k.args.get("kind"), exp.NotNullColumnConstraint) for k in c.args.get("constraints") or []):
            c.append("constraints", exp.ColumnConstraint(kind=exp.NotNullColumnConstraint()))


def _unique_over_interval(columns: list[str], type_of) -> None:
    """A primary key or unique constraint (or index) on an interval column is refused:
    SQLite would tell '1 day' and '24:00:00' apart, which PostgreSQL finds equal (0A000)."""
    for col in columns:
        decl = type_of(col)
        if decl is not None and values.converted_kind(decl) == "interval":
            raise SqlError(f'a primary key or unique constraint on the interval column "{col}" is not supported: '
                           "equal intervals in different forms ('1 day', '24:00:00') would not collide", "0A000")


def _refuse_interval_keys(cols: list, others: list) -> None:
    types = {c.name.lower(): _pg_type_text(c.args["kind"]) for c in cols if c.args.get("kind") is not None}
    type_of = lambda name: types.get(name.strip('"').lower())  # noqa: E731
    for c in cols:
        if any(isinstance(k.args.get("kind"), (exp.PrimaryKeyColumnConstraint, exp.UniqueColumnConstraint))
               for k in c.args.get("constraints") or []):
            _unique_over_interval([c.name], type_of)
    for o in others:
        for key in [o, *(o.expressions if isinstance(o, exp.Constraint) else [])]:
            if isinstance(key, (exp.PrimaryKey, exp.UniqueColumnConstraint)):
                named = key.expressions if isinstance(key, exp.PrimaryKey) else \
                    (key.this.expressions if isinstance(key.this, exp.Schema) else [])
                _unique_over_interval([n.name for n in named], type_of)


def _keep_check_text(check: exp.CheckColumnConstraint) -> None:
    """The CHECK's expression as written, in a comment after it (SQLite keeps a table's
    CREATE text): pg_constraint shows it (catalog.table_checks reads it)."""
    cond = check.this
    while isinstance(cond, exp.Paren):
        cond = cond.this
    check.add_comments([f"pgcheck:{base64.b64encode(cond.sql(dialect='postgres').encode()).decode()}"])


def _name_checks(table: str, cols: list, others: list) -> list:
    """CREATE TABLE's CHECK constraints named as PostgreSQL names them (t_col_check for one
    column's, t_check for several; a name given kept), with the SQLSTATE and the table in
    front, so a violation reads as PostgreSQL's: 'new row for relation "t" violates check
    constraint "t_col_check"' (sql_errors). Returns the table elements with the names."""
    bare = table.strip('"').replace('"', "")
    taken: set[str] = set()

    def encoded(pg_name: str) -> exp.Identifier:
        name, n = pg_name, 0
        while name in taken:
            n += 1
            name = f"{pg_name}{n}"
        taken.add(name)
        return exp.to_identifier(f"23514 {bare} {name}", quoted=True)

    for c in cols:
        for k in c.args.get("constraints") or []:
            if isinstance(k.args.get("kind"), exp.CheckColumnConstraint):
                given = k.args.get("this")
                k.set("this", encoded(given.name if given is not None else f"{bare}_{c.this.name}_check"))
                _keep_check_text(k.args["kind"])
    out = []
    for o in others:
        check = o if isinstance(o, exp.CheckColumnConstraint) else None
        if isinstance(o, exp.Constraint) and len(o.expressions) == 1 and \
                isinstance(o.expressions[0], exp.CheckColumnConstraint):
            _keep_check_text(o.expressions[0])
            out.append(exp.Constraint(this=encoded(o.this.name), expressions=[o.expressions[0]]))
            continue
        if check is None:
            out.append(o)
            continue
        used = sorted({col.name for col in check.find_all(exp.Column)})
        _keep_check_text(check)
        out.append(exp.Constraint(this=encoded(f"{bare}_{used[0]}_check" if len(used) == 1 else f"{bare}_check"),
                                  expressions=[check]))
    return out


def _trigger_name(table: str, column: str, event: str) -> str:
    return '"' + f"sixfold_in:{table.strip(chr(34))}.{column.strip(chr(34))}:{event}".replace('"', '""') + '"'


def input_triggers(table: str, column: str, type_text: str, if_not_exists: bool = False) -> list[str]:
    """Triggers that give a typed column PostgreSQL's input rules: every value written to
    it (by any statement, COPY included) becomes its stored form (values.stored), or the
    statement fails with PostgreSQL's error. None for types SQLite's affinity and the
    CHECKs already handle."""
    token = enums.token_of_type(type_text)
    if token is not None:
        return enums.triggers(table, column, token, {e: _trigger_name(table, column, e) for e in ("i", "u")},
                              if_not_exists)
    kind = values.converted_kind(type_text)
    if kind is None:
        return []
    decl = type_text.replace("'", "''")
    conv = f"pg_stored(NEW.{column}, '{decl}')"
    conv_current = f"pg_stored({column}, '{decl}')"
    # (compared as bytes: a char(n) column's RTRIM collation finds 'ab  ' equal to 'ab',
    # which kept the blanks its stored form drops)
    ifne = "IF NOT EXISTS " if if_not_exists else ""
    canonical = _CANONICAL_IN_SQL.get(kind)
    precision = values.time_precision(type_text)
    if canonical and precision is not None and precision < 6:  # timestamp(p): at most p fractional digits
        canonical = canonical.replace("<= 26", f"<= {19 + (precision + 1 if precision else 0)}")
    skip = f" AND NOT ({canonical.format(c=f'NEW.{column}')})" if canonical else ""
    out = []
    # (marked as Sixfold's own update: user triggers do not fire for it, triggers.py; it
    # stores the row's value, which a trigger's assignment may have set after the write)
    for event, on in (("i", "INSERT"), ("u", f"UPDATE OF {column}")):
        out.append(f"CREATE TRIGGER {ifne}{_trigger_name(table, column, event)} AFTER {on} ON {table} FOR EACH ROW "
                   f"WHEN NEW.{column} IS NOT NULL{skip} AND {conv} IS NOT NEW.{column} COLLATE BINARY "
                   f"BEGIN SELECT sixfold_fixup(1); UPDATE {table} SET {column} = {conv_current} WHERE rowid = NEW.rowid; "
                   "SELECT sixfold_fixup(-1); END")
    return out


# A value already in its stored form, told by SQLite itself (no Python call on the write
# path): the shape, and strftime giving the same text back (so an invalid day or hour
# takes the full check). Anything else goes through pg_stored.
_TS_SHAPE = "[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9] [0-9][0-9]:[0-9][0-9]:[0-9][0-9]"
_FRACTION_OK = ("(length({c}) = 19 OR (substr({c}, 20, 1) = '.' AND length({c}) <= 26 AND substr({c}, 21) "
                "NOT GLOB '*[^0-9]*' AND {c} NOT GLOB '*0'))")
_CANONICAL_IN_SQL = {
    "date": "typeof({c}) = 'text' AND length({c}) = 10 AND strftime('%Y-%m-%d', {c}) IS {c}",
    "timestamp": ("typeof({c}) = 'text' AND {c} GLOB '" + _TS_SHAPE + "*' AND " + _FRACTION_OK
                  + " AND strftime('%Y-%m-%d %H:%M:%S', {c}) IS substr({c}, 1, 19)"),
    "timestamptz": ("typeof({c}) = 'text' AND {c} GLOB '" + _TS_SHAPE + "*+00' AND "
                    + _FRACTION_OK.replace("{c}", "substr({c}, 1, length({c}) - 3)")
                    + " AND strftime('%Y-%m-%d %H:%M:%S', substr({c}, 1, 19)) IS substr({c}, 1, 19)"),
    "bool": "typeof({c}) = 'integer' AND {c} IN (0, 1)",
    "char": "{c} NOT GLOB '* '",
    "bytea": "typeof({c}) = 'blob'",
    "uuid": ("typeof({c}) = 'text' AND length({c}) = 36 AND {c} GLOB '" + "-".join(
        "[0-9a-f]" * n for n in (8, 4, 4, 4, 12)) + "'"),
}


def _indexes_using(table: str, column: str) -> list[str]:
    """DROP INDEX for each index of `table` that uses `column` (as a key, in an expression
    or in its WHERE): PostgreSQL's DROP COLUMN drops them with it, SQLite's refuses."""
    cat = schema.current()
    if cat is None:
        return []
    quoted = '"' + column.replace('"', '""') + '"'
    named = re.compile(r'(?<![\w"])(?:' + re.escape(column) + "|" + re.escape(quoted) + r')(?![\w"])(?!\s*\()',
                       re.IGNORECASE)  # (a function's name is no column)
    rows = cat.rows("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL",
                    (table,))
    return ['DROP INDEX IF EXISTS "' + name.replace('"', '""') + '"' for name, sql in rows
            if named.search(sql.split(" ON ", 1)[-1].split("(", 1)[-1])]


def drop_input_triggers(table: str, column: str) -> list[str]:
    """Statements dropping a column's input triggers: by their names, and (with a catalog)
    whatever input trigger of the table converts that column, whatever it was called
    before a rename."""
    out = [f"DROP TRIGGER IF EXISTS {_trigger_name(table, column, e)}" for e in ("i", "u")]
    cat = schema.current()
    if cat is not None:
        rows = cat.rows("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ? "
                        "AND substr(name, 1, 11) = 'sixfold_in:'", (table.strip('"'),))
        target = re.compile(r"\bNEW\." + re.escape(column) + r"(?![\w\"])", re.IGNORECASE)
        for name, sql in rows:
            if target.search(sql or ""):
                out.append('DROP TRIGGER IF EXISTS "' + name.replace('"', '""') + '"')
    return out


def _ident_sql(ident) -> str:
    if isinstance(ident, exp.Identifier):
        if ident.quoted:
            return '"' + ident.this.replace('"', '""') + '"'
        return ident.this.lower()
    return str(ident)


def _one_column_def(text: str) -> exp.ColumnDef:
    """ADD COLUMN's column definition, parsed."""
    try:
        tree = sqlglot.parse_one(f"CREATE TABLE _x ({text})", read="postgres")
    except sqlglot.errors.ParseError as e:
        raise parse_error(e, text) from None
    cols = [c for c in tree.this.expressions if isinstance(c, exp.ColumnDef)]
    if len(cols) != 1:
        raise error_near(text.split()[0])
    return cols[0]


def _column_defs_sqlite(text: str, ctx) -> tuple[str, str, str]:
    """(SQLite column definition, column, PostgreSQL type text) of one ADD COLUMN."""
    column = domains.column(_one_column_def(text))
    kind = column.args.get("kind")
    return (_column_def(column, ctx, adding=True), _ident_sql(column.this),
            _pg_type_text(kind) if kind is not None else "")


# Columns every PostgreSQL table has (hidden): a table's own column cannot take their names.
SYSTEM_COLUMNS = frozenset({"tableoid", "cmax", "xmax", "cmin", "xmin", "ctid"})


def refuse_system_column_name(name: str) -> None:
    """42701 for a column named as a system column (`name` as written: "XMIN" quoted is
    another name)."""
    actual = name[1:-1].replace('""', '"') if name.startswith('"') else name.lower()
    if actual in SYSTEM_COLUMNS:
        raise SqlError(f'column name "{actual}" conflicts with a system column name', "42701")


def _column_def(c: exp.ColumnDef, ctx, adding: bool = False, sequence: str | None = None) -> str:
    c = domains.column(c)  # a domain's column: its base type and its constraints
    name = _ident_sql(c.this)
    refuse_system_column_name(name)
    if isinstance(c.args.get("kind"), exp.DataType) and c.args["kind"].this == exp.DataType.Type.UNKNOWN:
        raise SqlError(f'column "{c.this.name}" has pseudo-type unknown', "42P16")
    kind = c.args.get("kind")
    constraints = list(c.args.get("constraints") or [])
    identity = serials.identity(c)
    has_pk = any(isinstance(k.args.get("kind"), exp.PrimaryKeyColumnConstraint) for k in constraints)
    if sequence is not None or (kind is not None and kind.this in serials.SERIAL_TYPES) or identity is not None:
        if adding or sequence is None:
            raise SqlError(f'column "{c.this.name}": ALTER TABLE ... ADD COLUMN of a serial or identity column '
                           "is not supported", "0A000")
        if any(isinstance(k.args.get("kind"), exp.DefaultColumnConstraint) for k in constraints):
            raise SqlError(f'multiple default values specified for column "{c.this.name}" of table', "42601")
        rest = []
        for k in constraints:
            kk = k.args.get("kind")
            if isinstance(kk, (exp.PrimaryKeyColumnConstraint, exp.GeneratedAsIdentityColumnConstraint,
                               exp.NotNullColumnConstraint)):
                continue
            rest.append(_constraint_sql(k, ctx, None))
        width = serials.serial_type(kind)
        default = serials.sequence_default(sequence, None if identity is None else "a" if identity.this else "d")
        # (declared "int", not "integer": SQLite's rowid, an INTEGER PRIMARY KEY, ignores a
        # DEFAULT and numbers a row it is not given itself)
        head = [name, "int" if width == "integer" else width, "NOT NULL", default]
        return " ".join(head + (["PRIMARY KEY"] if has_pk else []) + [r for r in rest if r] +
                        _type_checks(name, width))
    out = [name]
    type_text = _pg_type_text(kind) if kind is not None else ""
    _refuse_unstored(type_text)
    if type_text:
        token = enums.token_of_type(type_text)
        out.append(pgtypes.mark(type_text) if token is not None else type_text)  # (a label '01' kept as text)
        if token is not None:  # compared and sorted in the labels' order
            out.append(enums.column_collation(token))
        if pgtypes.is_numeric_text(type_text):  # compared and sorted as numbers
            out.append(f"COLLATE {pgtypes.NUMERIC_TEXT_COLLATION}")
        else:
            out += _typed_collation(type_text)
    for k in constraints:
        s = _constraint_sql(k, ctx, type_text, c.this.name)
        if s:
            out.append(s)
    out.extend(_type_checks(name, type_text))
    return " ".join(out)


def _typed_collation(type_text: str) -> list[str]:
    """The COLLATE clause of a column whose stored texts compare in their type's order
    (time with time zone in UTC, jsonb's, inet by network, pg_lsn by position ...), else none."""
    kind = values.converted_kind(type_text)
    if kind == "timetz":
        return [f"COLLATE {pgtypes.TIMETZ_COLLATION}"]
    if kind == "jsonb" and "[" not in type_text:  # (jsonb's order: 25 equals 25.0, ORDER BY by value)
        return [f"COLLATE {pgtypes.JSONB_COLLATION}"]
    if kind in network_types.COLLATIONS:
        return [f"COLLATE {network_types.COLLATIONS[kind]}"]
    return []


def _refuse_unstored(type_text: str) -> None:
    try:
        values.refuse_unstored_type(type_text)
    except values.InputError as e:
        raise SqlError(str(e), e.sqlstate) from None


# (an oid column takes 0 .. 2^32-1: PostgreSQL's input wraps a negative int4 around, which
# is refused here, 22003, rather than stored as given)
_INT_RANGE = {pgtypes.INT2: (-2**15, 2**15), pgtypes.INT4: (-2**31, 2**31), pgtypes.INT8: (-2**63, 2**63),
              pgtypes.OID: (0, 2**32)}


def _type_checks(name: str, type_text: str) -> list[str]:
    """CHECK constraints that make a numeric column refuse what PostgreSQL refuses: text
    that is no number (SQLite's type affinity would store 'abc' in an integer column)
    and integers out of the type's range. The constraint names carry the SQLSTATE;
    sql_errors turns "CHECK constraint failed: 22P02 integer a" into PostgreSQL's error."""
    if "[" in (type_text or "") or pgtypes.is_numeric_text(type_text):
        return []  # an array, a numeric kept as text: its input trigger checks each value
    oid = pgtypes.column_oid(type_text or None, None) if type_text else None
    label = pgtypes.pg_type_name(type_text) if type_text else ""
    n = pgtypes.length_limit(type_text)
    if n is not None:  # PostgreSQL refuses a longer string (22001); SQLite would keep it
        bare = name.strip('"').replace('"', "")
        if pgtypes.char_length(type_text) is None:
            return [f'CONSTRAINT "22001 {label}({n}) {bare}" CHECK (length({name}) <= {n})']
        # char(n): trailing blanks are padding (dropped by the input trigger, ignored when
        # comparing, as PostgreSQL ignores them, and shown on output)
        return [f'CONSTRAINT "22001 {label}({n}) {bare}" CHECK (length(rtrim({name}, \' \')) <= {n})',
                "COLLATE RTRIM"]
    if oid in (pgtypes.INT2, pgtypes.INT4, pgtypes.INT8, pgtypes.OID):
        allowed = "'integer'"
    elif oid in (pgtypes.NUMERIC, pgtypes.FLOAT4, pgtypes.FLOAT8):
        allowed = "'integer', 'real'"
    else:
        return []
    bare = name.strip('"').replace('"', "")
    checks = []
    if oid in _INT_RANGE:
        # Out of the type's range, PostgreSQL says 22003: an integer SQLite holds, or one
        # beyond int64 (or a float as large) that reaches it as a REAL, not malformed
        # input. First, so that is what is reported.
        lo, end = _INT_RANGE[oid]
        checks.append(f'CONSTRAINT "22003 {label} {bare}" CHECK (typeof({name}) NOT IN (\'integer\', \'real\') OR '
                      f'({name} >= {lo}.0 AND {name} < {end}.0))')
    checks.append(f'CONSTRAINT "22P02 {label} {bare}" CHECK (typeof({name}) IN ({allowed}, \'null\'))')
    return checks


# Built-in types without a collation (COLLATE on a column of one is 42804).
_NOT_COLLATABLE = frozenset({pgtypes.INT2, pgtypes.INT4, pgtypes.INT8, pgtypes.FLOAT4, pgtypes.FLOAT8, pgtypes.NUMERIC,
                             pgtypes.BOOL, pgtypes.DATE, pgtypes.TIME, pgtypes.TIMESTAMP, pgtypes.TIMESTAMPTZ,
                             pgtypes.INTERVAL, pgtypes.UUID, pgtypes.JSON, pgtypes.JSONB, pgtypes.BYTEA})


def _refuse_in_default(e: exp.Expression) -> None:
    """What PostgreSQL does not allow in a DEFAULT: a subquery (0A000), an aggregate
    (42803), a window function (42P20), a column reference (0A000). SQLite said "default
    value of column [a] is not constant" (42000) for some and took an aggregate."""
    for node in e.walk():
        if isinstance(node, (exp.Subquery, exp.Select)):
            raise SqlError("cannot use subquery in DEFAULT expression", "0A000")
        if isinstance(node, exp.Window):
            raise SqlError("window functions are not allowed in DEFAULT expressions", "42P20")
        if isinstance(node, exp.AggFunc) and not isinstance(node.parent, exp.Window):
            raise SqlError("aggregate functions are not allowed in DEFAULT expressions", "42803")
        if isinstance(node, exp.Column) and not isinstance(node.this, exp.Star) and \
                node.name.lower() not in ("user", "current_role"):  # (sqlglot's columns for those two)
            raise SqlError("cannot use column reference in DEFAULT expression", "0A000")


# What a default's constant failing its column's input function raises, as PostgreSQL does
# when the table is made (not at the first INSERT that takes the default)
_INPUT_ERRORS = frozenset({"22P02", "22007", "22008", "22003", "22023"})


def check_default_literal(e: exp.Expression, type_text: str | None, ctx) -> None:
    """A string constant as a column's default is read by the column type's input
    function when the default is set: `int DEFAULT 'x'` is 22P02 at CREATE / ALTER
    TABLE. Types the translator cannot cast a constant to are left alone."""
    if not isinstance(e, exp.Literal) or not e.is_string or not type_text:
        return
    try:
        to = exp.DataType.build(type_text, dialect="postgres")
    except Exception:  # noqa: BLE001 - a type sqlglot does not know (a domain, an enum): not checked here
        return
    try:
        rewrite(exp.Cast(this=e.copy(), to=to), ctx, [0])
    except SqlError as err:
        if err.sqlstate in _INPUT_ERRORS:
            raise


def _constraint_sql(k: exp.ColumnConstraint, ctx, type_text, column: str = "") -> str:
    kind = k.args.get("kind")
    prefix = f"CONSTRAINT {_ident_sql(k.this)} " if k.args.get("this") is not None else ""
    if isinstance(kind, exp.DefaultColumnConstraint):
        e = kind.this
        _refuse_in_default(e)
        if isinstance(e, exp.Tuple):  # (100, 200) is a row; (100, ) can only be a trailing comma
            if len(e.expressions) < 2:
                raise SqlError('syntax error at or near ")"', "42601")
            raise SqlError(f'column "{column}" is of type {pgtypes.pg_type_name(type_text)} but default expression '
                           "is of type record", "42804")
        if isinstance(e, (exp.CurrentTimestamp,)) or (isinstance(e, exp.Anonymous) and e.name.lower() == "now"):
            if type_text and "with time zone" not in type_text and type_text.startswith("timestamp"):
                return "DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now'))"
            return "DEFAULT (now())"
        check_default_literal(e, type_text, ctx)
        if pgtypes.is_numeric_text(type_text) and not isinstance(e, exp.Null):
            e = numeric_text_stored(e)  # 0.00 stays 0.00 (SQLite would store the double's '0.0')
        val = gen(rewrite(e, ctx, [0]))
        if isinstance(e, (exp.Literal, exp.Boolean, exp.Null)) and not isinstance(e, exp.Neg):
            return f"{prefix}DEFAULT {val}"
        return f"{prefix}DEFAULT ({val})"
    if isinstance(kind, (exp.CollateColumnConstraint,)):
        from compute_node.pg_sql.queries import collation_checked

        collation_checked(kind.this)  # (one of code point order, SQLite's BINARY: nothing to declare)
        if type_text and "[" not in type_text and pgtypes.column_oid(type_text) in _NOT_COLLATABLE:
            raise SqlError(f"collations are not supported by type {pgtypes.pg_type_name(type_text)}", "42804")
        return ""
    if isinstance(kind, exp.PrimaryKeyColumnConstraint):
        return prefix + "PRIMARY KEY"
    if isinstance(kind, exp.ComputedColumnConstraint):
        # the expression as written in a comment (the catalog shows it); of a converted type
        # the generated value is in the column's stored form (numeric(6,2) rounds): the input
        # triggers that convert other columns' values cannot write a generated column
        written = ":".join(base64.b64encode(t.encode()).decode() for t in (column, kind.this.sql(dialect="postgres")))
        value = gen(rewrite(kind.this, ctx, [0]))
        if type_text and values.converted_kind(type_text):
            decl = type_text.replace("'", "''")
            value = f"pg_stored({value}, '{decl}')"
        return f"{prefix}AS ({value}) /* pggen:{written} */"
    return prefix + gen(rewrite(kind, ctx, [0]))


# for table_as.py, which makes tables as any CREATE TABLE does
create_table = _create_table
names = _names
