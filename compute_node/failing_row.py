"""The "Failing row contains (...)" DETAIL of a NOT NULL or CHECK violation.

PostgreSQL shows the whole new row that broke the constraint, each column as its type's
output text ("null" for a NULL, cut at 64 bytes). SQLite names the column or constraint
and has undone the statement by the time its error arrives, so the row is computed
again here, the way key_detail computes a key:

- INSERT INTO t [(cols)] VALUES (...), (...): each row's values are its items and, for
  the columns not listed, their defaults. The failing row is the first whose column is
  NULL (NOT NULL) or whose CHECK expression is false. A serial's default
  (nextval('seq')) is read back as currval('seq'): SQLite computes a row's defaults just
  before checking it and stops at the failing row, so the sequence's last value is that
  row's (sequences are not undone by the failure).
- UPDATE t SET ... [WHERE ...]: the new rows of the rows the WHERE picks; the failing
  row is the one whose new row breaks the constraint, when exactly one does (with
  several, which PostgreSQL meets first is its plan's).

Anything else (INSERT ... SELECT, ON CONFLICT, a volatile expression, a user trigger, a
generated column, a column of a type whose stored value is not shown here exactly, a
CHECK added by ALTER TABLE with several candidate rows) gets no DETAIL: a missing detail
is better than a wrong one. `rows(sql, params)` runs a query on the statement's
connection."""

from __future__ import annotations

import re

from compute_node import key_detail
from compute_node.pg_sql import constraints, lexing, types

_FIELD_BYTES_MAX = 64  # PostgreSQL's ExecBuildSlotValueDescription cuts each value here
_NEW = re.compile(r"\bNEW\.")
_NEXTVAL_DEFAULT = re.compile(r"^\(?nextval\('((?:[^']|'')+)'\)\)?$", re.IGNORECASE)
# Types whose stored value, through types.encode_text, is PostgreSQL's output text.
_SHOWN = {types.BOOL, types.BYTEA, types.INT2, types.INT4, types.INT8, types.TEXT, types.VARCHAR, types.BPCHAR,
          types.FLOAT4, types.FLOAT8, types.NUMERIC, types.DATE, types.TIMESTAMP, types.UUID, types.JSON,
          types.JSONB, 1005, 1007, 1016, 1009, 1015}  # (and int2[], int4[], int8[], text[], varchar[])


def _columns(table: str, rows) -> list[tuple[str, str, str | None]] | None:
    """(name, declared type, default text) of each column of `table`; None when one is
    generated or of a type not shown here exactly."""
    cols = rows("SELECT name, type, dflt_value, hidden FROM pragma_table_xinfo(?) ORDER BY cid", (table,))
    if not cols or any(hidden for *_r, hidden in cols):
        return None
    if any(types.column_oid(decl) not in _SHOWN for _n, decl, _d, _h in cols):
        return None
    return [(name, decl, default) for name, decl, default, _h in cols]


def _check_expression(table: str, constraint: str, rows) -> str | None:
    """The SQLite expression of CHECK `constraint` of `table`, reading its columns by name:
    CREATE TABLE's (named "23514 <table> <name>" there) or ALTER TABLE's (its insert
    trigger's WHEN NOT (...), reading NEW.column)."""
    create = rows("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,))
    label = f"23514 {table} {constraint}".replace('"', '""')
    sql = create[0][0] if create and create[0][0] else ""
    m = re.search(r'CONSTRAINT\s+"' + re.escape(label) + r'"\s+CHECK\s*\(', sql)
    if m is None:
        trigger = constraints.trigger_name(table, table, constraint, "ck_i")[1:-1].replace('""', '"')
        found = rows("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?", (trigger,))
        sql = found[0][0] if found and found[0][0] else ""
        m = re.search(r"\sWHEN\s+NOT\s*\(", sql)
    close = m and lexing.closing_paren(sql, m.end() - 1)
    if not close:
        return None
    expr = sql[m.end():close]
    return "".join(_NEW.sub("", expr[s:e]) if kind == "code" else expr[s:e] for kind, s, e in lexing.segments(expr))


def _shown(value, decl: str) -> str:
    if value is None:
        return "null"
    oid = types.column_oid(decl)
    if isinstance(value, str) and oid in (types.FLOAT4, types.FLOAT8):  # (the column's REAL affinity)
        value = float(value)
    scale = types.numeric_scale(decl) if oid == types.NUMERIC else None
    if scale is not None:
        value = types.with_scale(value, scale)
    if oid == types.BPCHAR and isinstance(value, str):
        value = value.ljust(types.char_length(decl) or 1)
    text = types.encode_text(value, oid) or b""
    if len(text) > _FIELD_BYTES_MAX:  # (at a character's start, as pg_mbcliplen cuts)
        cut = _FIELD_BYTES_MAX
        while cut and text[cut] & 0xC0 == 0x80:
            cut -= 1
        return text[:cut].decode() + "..."
    return text.decode()


def _row_select(exprs: list[str], cols) -> str:
    """The select list of one new row, each value in its column's stored form."""
    return ", ".join(f"pg_stored({e}, {lexing.sql_string(decl or '')}) AS {lexing.quoted_ident(name)}"
                     for e, (name, decl, _d) in zip(exprs, cols))


def _failing(column: str | None, check: str | None) -> str:
    """A condition on a new row (its columns by name) that holds when it breaks the constraint."""
    if column is not None:
        return f"{lexing.quoted_ident(column)} IS NULL"
    return f"({check}) IS 0" if check is not None else "1"


def _inserted_row(stmt: str, params, table: str, cols, failing: str, single: bool, rows) -> tuple | None:
    parsed = key_detail.values_rows(stmt, rows)
    if parsed is None or parsed[0] != table:
        return None
    listed, items = parsed[1], parsed[2]
    if single and len(items) != 1:
        return None
    exprs = []
    for name, _decl, default in cols:
        if name in listed:
            exprs.append(None)
            continue
        m = _NEXTVAL_DEFAULT.match(default or "")
        exprs.append(f"currval('{m.group(1)}')" if m else f"({default})" if default else "NULL")
    texts = [i for r in items for i in r] + [e for e in exprs if e and "currval(" not in e]
    if not key_detail.numbered_and_deterministic(stmt, params, texts, rows):
        return None
    values = ", ".join("(" + ", ".join(r[listed.index(n)] if n in listed else e
                                       for (n, _t, _d), e in zip(cols, exprs)) + ")" for r in items)
    plain = ", ".join(f"column{i + 1} AS {lexing.quoted_ident(n)}" for i, (n, _t, _d) in enumerate(cols))
    try:  # which row breaks it, from the values as SQLite checked them (before the input fixups)
        numbered = rows(f"SELECT _sixfold_n FROM (SELECT row_number() OVER () AS _sixfold_n, {plain} "
                        f"FROM (VALUES {values}), {key_detail.bind(params)}) WHERE {failing} LIMIT 1",
                        tuple(params or ()))
        if not numbered:
            return None
        found = rows(f"SELECT {_row_select([lexing.quoted_ident(n) for n, _t, _d in cols], cols)} "
                     f"FROM (SELECT {plain} FROM (VALUES {values}), {key_detail.bind(params)} "
                     f"LIMIT 1 OFFSET {numbered[0][0] - 1})", tuple(params or ()))
    except Exception:  # an item that fails again, a sequence not used in this session
        return None
    return tuple(found[0]) if found else None


def _updated_row(stmt: str, params, table: str, cols, failing: str, rows) -> tuple | None:
    where = key_detail.changed_rows(stmt, table)
    parsed = key_detail.update_assignments(stmt)
    if where is None or parsed is None:
        return None
    sets = parsed[1]
    if not set(sets) <= {n for n, _t, _d in cols}:
        return None
    exprs = [sets.get(n, f"{lexing.quoted_ident(table)}.{lexing.quoted_ident(n)}") for n, _t, _d in cols]
    if not key_detail.numbered_and_deterministic(stmt, params, list(sets.values()) + [where], rows):
        return None
    plain = ", ".join(f"{e} AS {lexing.quoted_ident(n)}" for e, (n, _t, _d) in zip(exprs, cols))
    try:
        found = rows(f"SELECT {_row_select([lexing.quoted_ident(n) for n, _t, _d in cols], cols)} FROM "
                     f"(SELECT {plain} FROM {lexing.quoted_ident(table)}, {key_detail.bind(params)} WHERE {where}) "
                     f"WHERE {failing} LIMIT 2", tuple(params or ()))
    except Exception:  # an expression that fails again
        return None
    return tuple(found[0]) if len(found) == 1 else None


def failing_row_detail(stmt: str, params, table: str, rows, column: str | None = None,
                       constraint: str | None = None) -> str | None:
    """'Failing row contains (1, null).' for the row of `stmt` (an INSERT ... VALUES or an
    UPDATE of `table`) that broke the NOT NULL of `column`, or CHECK `constraint`."""
    if params and not isinstance(params, (tuple, list)) or key_detail.user_trigger(table, rows):
        return None
    cols = _columns(table, rows)
    if cols is None or column is not None and column not in {n for n, _t, _d in cols}:
        return None
    check = _check_expression(table, constraint, rows) if constraint is not None else None
    failing = _failing(column, check)
    if stmt.lstrip()[:6].upper() == "UPDATE":
        row = _updated_row(stmt, params, table, cols, failing, rows)
    else:  # (a CHECK whose expression is not at hand: only one row can be the one)
        row = _inserted_row(stmt, params, table, cols, failing, column is None and check is None, rows)
    try:
        return None if row is None else \
            f"Failing row contains ({', '.join(_shown(v, decl) for v, (_n, decl, _d) in zip(row, cols))})."
    except (ValueError, TypeError, UnicodeDecodeError):  # a value not of its column's type: no DETAIL
        return None
