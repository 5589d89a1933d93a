"""The DETAIL line of a key violation, read back after the statement failed.

PostgreSQL says which key broke a constraint ("Key (id)=(1) already exists.", "Key (b)=(5)
is not present in table "p"."); SQLite names only the columns (a unique index) or nothing
(a foreign key), and has undone the statement by the time its error arrives. For an
INSERT ... VALUES whose key columns are given by deterministic expressions, the rows it
tried are computed again here, in order, and the first one that breaks the constraint is
the one PostgreSQL (which inserts and checks row by row, in VALUES order) reports. Anything
else (INSERT ... SELECT, a volatile expression such as nextval, ON CONFLICT, a partial
index, a table with triggers, a key type whose text is not its stored value) gets no
DETAIL: a missing detail is better than a wrong one.

`rows(sql, params)` runs a query on the statement's connection (the catalog, the table)."""

from __future__ import annotations

import re

from compute_node.pg_sql import int_coercion, lexing, types
from compute_node.pg_sql import values as values_module
from compute_node.pg_sql.more_functions import quote_ident

_INSERT = re.compile(r'\s*INSERT\s+INTO\s+("(?:[^"]|"")+"|\w+)\s*(\(|VALUES\b)', re.IGNORECASE)
_VALUES = re.compile(r"\s*VALUES\s*\(", re.IGNORECASE)
_AFTER_VALUES = re.compile(r"\s*(?:RETURNING\b.*)?;?\s*$", re.IGNORECASE | re.DOTALL)
_UPDATE = re.compile(r'\s*UPDATE\s+("(?:[^"]|"")+"|\w+)\s+SET\s', re.IGNORECASE)
_ASSIGNMENT = re.compile(r'\s*("(?:[^"]|"")+"|\w+)\s*=(.*)$', re.DOTALL)
_DELETE = re.compile(r'\s*DELETE\s+FROM\s+("(?:[^"]|"")+"|\w+)', re.IGNORECASE)
_ROW_ASSIGNMENT = re.compile(r"\s*\((.*)\)\s*=\s*\((.*)\)\s*$", re.DOTALL)
_CLAUSE = re.compile(r"(?:WHERE|FROM|RETURNING|ORDER\s+BY|LIMIT)\b", re.IGNORECASE)
_NEXT_ROW = re.compile(r"\s*,\s*\(")
_CALL = re.compile(r"(\w+)\s*\(")
_PARAMETER = re.compile(r"\?(\d*)")
_CLOCK = re.compile(r"'now'|\bcurrent_(?:date|time|timestamp)\b", re.IGNORECASE)
_SQLITE_DETERMINISTIC = 0x800
_MAX_ROWS = 100_000  # statements with more rows get no DETAIL (each row is a lookup)
# Key types whose stored value is PostgreSQL's text of it (char(n) padded).
_SHOWN_AS_STORED = {types.INT2, types.INT4, types.INT8, types.TEXT, types.VARCHAR, types.BPCHAR,
                    types.UUID, types.DATE}


def _name(word: str) -> str:
    return word[1:-1].replace('""', '"') if word.startswith('"') else word


def _code_matches(pattern: re.Pattern, text: str):
    for kind, s, e in lexing.segments(text):
        if kind == "code":
            yield from pattern.finditer(text, s, e)


def values_rows(stmt: str, rows) -> tuple[str, list[str], list[list[str]]] | None:
    """(table, columns, rows of item texts) of `INSERT INTO t [(cols)] VALUES (..), (..)`."""
    m = _INSERT.match(stmt)
    if m is None:
        return None
    table = _name(m.group(1))
    if m.group(2) == "(":
        close = lexing.closing_paren(stmt, m.end() - 1)
        if close is None:
            return None
        columns = [_name(c.strip()) for c in lexing.split_top_level(stmt[m.end():close])]
    else:
        close = m.start(2) - 1
        columns = [r[0] for r in rows("SELECT name FROM pragma_table_info(?) ORDER BY cid", (table,))]
    values, at = [], close + 1
    v = _VALUES.match(stmt, at)
    if v is None:
        return None
    at = v.end() - 1
    while len(values) <= _MAX_ROWS:
        end = lexing.closing_paren(stmt, at)
        if end is None:
            return None
        items = lexing.split_top_level(stmt[at + 1:end])
        if len(items) > len(columns) or m.group(2) == "(" and len(items) != len(columns):
            return None
        if values and len(items) != len(values[0]):
            return None
        values.append(items)
        at = end + 1
        comma = _NEXT_ROW.match(stmt, at)
        if comma is None:
            break
        at = comma.end() - 1
    else:
        return None
    if _AFTER_VALUES.match(stmt, at) is None:  # ON CONFLICT: the violation may be its update's
        return None
    return table, columns[:len(values[0])], values


def user_trigger(table: str, rows) -> bool:
    """Whether a user's trigger is on `table` (BEFORE INSERT / UPDATE may change the row;
    Sixfold's own input and constraint triggers do not change a key)."""
    return bool(rows("SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ? "
                     "AND substr(name, 1, 11) NOT IN ('sixfold_in:', 'sixfold_con')", (table,)))


def inserted_keys(stmt: str, params, table: str, key: list[str], rows) -> list[tuple] | None:
    """The values of the columns `key` in each row `stmt` inserts into `table`, in order;
    None when that cannot be told without running something twice."""
    if params and not isinstance(params, (tuple, list)):
        return None
    parsed = values_rows(stmt, rows)
    if parsed is None or parsed[0] != table or not set(key) <= set(parsed[1]):
        return None
    if user_trigger(table, rows):
        return None
    at = [parsed[1].index(k) for k in key]
    items = [[row[i] for i in at] for row in parsed[2]]
    if not _parameters_numbered(stmt) or not _deterministic([i for r in items for i in r], rows):
        return None
    texts = ", ".join(f"({', '.join(r)})" for r in items)
    try:
        return [tuple(r[:len(key)]) for r in rows(f"SELECT * FROM (VALUES {texts}), {bind(params)}",
                                                  tuple(params or ()))]
    except Exception:  # an item that fails again (it failed or was not reached before)
        return None


def _parameters_numbered(stmt: str) -> bool:
    return all(m.group(1) for m in _code_matches(_PARAMETER, stmt))


def numbered_and_deterministic(stmt: str, params, texts: list[str], rows) -> bool:
    """Whether `stmt`'s parameters are numbered (?1) and `texts` compute the same again."""
    return _parameters_numbered(stmt) and _deterministic(texts, rows)


def bind(params) -> str:
    """A one-row FROM term binding every parameter (SQLite wants each one bound)."""
    return f"(SELECT {', '.join(f'?{i}' for i in range(1, len(params) + 1))})" if params else "(SELECT 1)"


def _deterministic(texts: list[str], rows) -> bool:
    """Whether the expressions `texts` call only deterministic functions (no nextval,
    random(), clock_timestamp(), nor SQLite's clock: computing them again would give
    another value)."""
    if any(_CLOCK.search(t) for t in texts):
        return False
    called = {m.group(1).lower() for t in texts for m in _code_matches(_CALL, t)}
    return not called or not rows("SELECT 1 FROM pragma_function_list WHERE name IN (%s) AND flags & ? = 0 LIMIT 1"
                                  % ",".join("?" * len(called)), (*called, _SQLITE_DETERMINISTIC))


def _top_level_clause(text: str, at: int) -> re.Match | None:
    """The first top-level WHERE, FROM, RETURNING, ORDER BY or LIMIT from `at` on."""
    depth = 0
    for kind, s, e in lexing.segments(text):
        if kind != "code" or e <= at:
            continue
        for i in range(max(s, at), e):
            depth += {"(": 1, ")": -1}.get(text[i], 0)
            if depth == 0 and not (text[i - 1].isalnum() or text[i - 1] == "_"):
                word = _CLAUSE.match(text, i)
                if word:
                    return word
    return None


def update_assignments(stmt: str) -> tuple[str, dict[str, str], re.Match | None] | None:
    """(table, {column: expression text}, the clause after SET) of `UPDATE t SET ...`."""
    m = _UPDATE.match(stmt)
    if m is None:
        return None
    clause = _top_level_clause(stmt, m.end())
    sets = {}
    for assignment in lexing.split_top_level(stmt[m.end():clause.start() if clause else len(stmt)]):
        a = _ASSIGNMENT.match(assignment)
        many = a is None and _ROW_ASSIGNMENT.match(assignment)
        if many and not re.match(r"\s*SELECT\b", many.group(2), re.IGNORECASE):
            names, exprs = lexing.split_top_level(many.group(1)), lexing.split_top_level(many.group(2))
            if len(names) != len(exprs):
                return None
            sets.update((_name(n.strip()), e) for n, e in zip(names, exprs))
        elif a is not None:
            sets[_name(a.group(1))] = a.group(2)
        else:
            return None
    return _name(m.group(1)), sets, clause


def updated_key(stmt: str, params, table: str, key: list[str], rows) -> tuple | None:
    """The key `UPDATE t SET k = <expression>, ... [WHERE ...]` gives every row it changes,
    when each column of `key` is set by a deterministic expression and all the rows it
    changes get the same key (a constant, or the WHERE picks one row)."""
    parsed = update_assignments(stmt)
    if parsed is None or params and not isinstance(params, (tuple, list)) or parsed[0] != table \
            or not _parameters_numbered(stmt):
        return None
    _, sets, clause = parsed
    where = "1"
    if clause is not None and clause.group(0).upper() == "WHERE":
        after = _top_level_clause(stmt, clause.end())
        where = stmt[clause.end():after.start() if after else len(stmt)]
    elif clause is not None and clause.group(0).upper() == "FROM":  # which joined row set it is the plan's
        return None
    if not set(key) <= set(sets) or not _deterministic([sets[k] for k in key] + [where], rows):
        return None
    if user_trigger(table, rows):
        return None
    try:
        found = rows(f"SELECT DISTINCT {', '.join(sets[k] for k in key)} FROM {lexing.quoted_ident(table)}, "
                     f"{bind(params)} WHERE {where} LIMIT 2", tuple(params or ()))
    except Exception:  # an expression that fails again
        return None
    return tuple(found[0]) if len(found) == 1 else None


def _comparable(values: tuple, collations: list[str]) -> tuple | None:
    out = []
    for v, coll in zip(values, collations):
        if isinstance(v, str) and coll == "RTRIM":
            v = v.rstrip(" ")
        elif isinstance(v, str) and coll == "NOCASE":
            v = v.lower()
        elif coll not in ("BINARY", "RTRIM", "NOCASE"):
            return None
        out.append(v)
    return tuple(out)


def _as_stored(values: tuple, decltypes: list[str | None]) -> tuple | None:
    """The key as its columns store it (Sixfold's stored form, an integer column's value as
    an int), None when a value is not one a key of these types can show as stored."""
    out = []
    for v, decl in zip(values, decltypes):
        oid = types.column_oid(decl)
        if oid not in _SHOWN_AS_STORED:
            return None
        try:
            v = values_module.stored(v, decl or "")
        except Exception:
            return None
        if oid in (types.INT2, types.INT4, types.INT8):
            if isinstance(v, float) and v.is_integer():
                v = int(v)
            elif isinstance(v, str):
                try:
                    v = int_coercion.to_int(v, 64, "text")
                except values_module.InputError:
                    return None
            if not isinstance(v, int) or isinstance(v, bool):
                return None
        elif not isinstance(v, str):
            return None
        out.append(v)
    return tuple(out)


def _shown(values: tuple, decltypes: list[str | None]) -> str:
    return ", ".join(v.ljust(types.char_length(decl) or 1) if types.column_oid(decl) == types.BPCHAR else str(v)
                     for v, decl in zip(values, decltypes))


def _key_names(cols: list[str]) -> str:
    return ", ".join(quote_ident(c) for c in cols)


def _declared(table: str, cols: list[str], rows) -> list[str | None] | None:
    decls = dict(rows("SELECT name, type FROM pragma_table_info(?)", (table,)))
    return [decls[c] for c in cols] if all(c in decls for c in cols) else None


def unique_detail(stmt: str, params, table: str, cols: list[str], collations: list[str], rows) -> str | None:
    """'Key (a, b)=(1, x) already exists.' for the first row of `stmt` whose key `cols`
    (compared under `collations`, SQLite's names) the table or an earlier row has."""
    decls = _declared(table, cols, rows)
    if decls is None:
        return None
    keys = inserted_keys(stmt, params, table, cols, rows)
    if keys is None:
        key = updated_key(stmt, params, table, cols, rows)
        key = key and None not in key and _as_stored(key, decls)
        return f"Key ({_key_names(cols)})=({_shown(key, decls)}) already exists." if key else None
    where = " AND ".join(f"{lexing.quoted_ident(c)} = ?" for c in cols)
    probe = f"SELECT 1 FROM {lexing.quoted_ident(table)} WHERE {where} LIMIT 1"
    seen = set()
    for key in keys:
        if None in key:
            continue
        key = _as_stored(key, decls)
        same = key and _comparable(key, collations)
        if same is None:
            return None
        if same in seen or rows(probe, key):
            return f"Key ({_key_names(cols)})=({_shown(key, decls)}) already exists."
        seen.add(same)
    return None


def foreign_key_detail(stmt: str, params, table: str, cols: list[str], parent: str, parent_cols: list[str],
                       rows) -> str | None:
    """'Key (b)=(5) is not present in table "p".' for the first row of `stmt` whose key
    `cols` (none NULL) no row of `parent` has in `parent_cols`."""
    if parent == table:  # a row may refer to one the same statement inserts
        return None
    keys = inserted_keys(stmt, params, table, cols, rows)
    decls = _declared(table, cols, rows)
    if keys is None or decls is None:
        return None
    where = " AND ".join(f"{lexing.quoted_ident(c)} = ?" for c in parent_cols)
    probe = f"SELECT 1 FROM {lexing.quoted_ident(parent)} WHERE {where} LIMIT 1"
    for key in keys:
        if None in key:
            continue
        key = _as_stored(key, decls)
        if key is None:
            return None
        if not rows(probe, key):
            # (PostgreSQL names a foreign key's columns as they are, a unique index's quoted)
            return f'Key ({", ".join(cols)})=({_shown(key, decls)}) is not present in table "{parent}".'
    return None


def changed_rows(stmt: str, table: str) -> str | None:
    """The WHERE text of `DELETE FROM t [WHERE ...]` or `UPDATE t SET ... [WHERE ...]` ("1"
    for none); None for another statement, or one joining other tables (USING, FROM)."""
    m = _DELETE.match(stmt)
    if m is not None:
        name, after = _name(m.group(1)), m.end()
    else:
        parsed = update_assignments(stmt)
        if parsed is None:
            return None
        name, clause = parsed[0], parsed[2]
        after = clause.start() if clause is not None else len(stmt)
    clause = _top_level_clause(stmt, after)
    if name != table or clause is not None and clause.group(0).upper() not in ("WHERE", "RETURNING") or \
            stmt[after:clause.start() if clause else len(stmt)].strip():  # (USING ..., an alias)
        return None
    if clause is None or clause.group(0).upper() != "WHERE":
        return "1"
    end = _top_level_clause(stmt, clause.end())
    return stmt[clause.end():end.start() if end else len(stmt)]


def referenced_detail(stmt: str, params, table: str, key: list[str], child: str, child_cols: list[str],
                      rows) -> str | None:
    """'Key (id)=(4) is still referenced from table "c".' for a DELETE or UPDATE of `table`
    when one row it changes is referenced by `child` (with several, which PostgreSQL meets
    first is its plan's)."""
    where = changed_rows(stmt, table)
    decls = _declared(table, key, rows)
    if where is None or decls is None or params and not isinstance(params, (tuple, list)) or \
            not _parameters_numbered(stmt) or not _deterministic([where], rows):
        return None
    parent = lexing.quoted_ident(table)
    refers = " AND ".join(f"_sixfold_c.{lexing.quoted_ident(c)} = {parent}.{lexing.quoted_ident(k)}"
                          for c, k in zip(child_cols, key))
    try:
        found = rows(f"SELECT DISTINCT {', '.join(f'{parent}.{lexing.quoted_ident(k)}' for k in key)} "
                     f"FROM {parent}, {bind(params)} WHERE ({where}) AND EXISTS (SELECT 1 FROM "
                     f"{lexing.quoted_ident(child)} AS _sixfold_c WHERE {refers}) LIMIT 2", tuple(params or ()))
    except Exception:  # (a WHERE that fails again)
        return None
    shown = _as_stored(tuple(found[0]), decls) if len(found) == 1 else None
    if shown is None:
        return None
    return f'Key ({", ".join(key)})=({_shown(shown, decls)}) is still referenced from table "{child}".'

