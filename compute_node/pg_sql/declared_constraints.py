"""ALTER TABLE ... DROP CONSTRAINT of a CHECK or foreign key declared in CREATE TABLE.

SQLite keeps such a constraint only in the table's CREATE text (sqlite_master.sql): it
has no object of its own to drop. Neither changes how rows are stored, so dropping one
is an edit of that text (under writable_schema, then a new schema version, as
alter_column edits a column): the clause goes, the rows stay. `without(create_sql,
table, name)` is that edit, pure; None when the text has no such constraint. A primary
key or unique constraint declared in CREATE TABLE is SQLite's own index and is not
dropped this way.

Names are PostgreSQL's: a CHECK is named in SQLite's text (`CONSTRAINT "23514 <table>
<name>" CHECK (...)`, with the PostgreSQL text in a `/* pgcheck:... */` comment after
it); a foreign key by its CONSTRAINT name, else `<table>_<columns>_fkey`."""

from __future__ import annotations

import re

from compute_node.pg_sql import lexing

_NAME = r'(?:"(?:[^"]|"")+"|[^\s,()"]+)'
_PGCHECK_COMMENT = re.compile(r"\s*/\* pgcheck:[A-Za-z0-9+/=]* \*/")
_TABLE_FOREIGN_KEY = re.compile(rf"\s*(?:CONSTRAINT\s+({_NAME})\s+)?FOREIGN\s+KEY\s*\(([^)]*)\)", re.IGNORECASE)
# A column's REFERENCES clause with its options (SQLite's grammar of them).
_COLUMN_REFERENCE = re.compile(
    rf"(\s+CONSTRAINT\s+({_NAME}))?\s+REFERENCES\s+{_NAME}(?:\s*\([^)]*\))?"
    r"(?:\s+(?:ON\s+(?:DELETE|UPDATE)\s+(?:SET\s+NULL|SET\s+DEFAULT|CASCADE|RESTRICT|NO\s+ACTION)|MATCH\s+\w+|"
    r"NOT\s+DEFERRABLE|DEFERRABLE|INITIALLY\s+(?:DEFERRED|IMMEDIATE)))*", re.IGNORECASE)
_COLUMN_NAME = re.compile(rf"\s*({_NAME})")


def _unquoted(name: str) -> str:
    return name[1:-1].replace('""', '"') if name.startswith('"') else name


def _code_match(pattern: re.Pattern, text: str, name_group: int | None, wanted) -> re.Match | None:
    """The first match of `pattern` in code (outside strings and quoted names, other than
    those it matches itself) whose name passes `wanted`."""
    quoted = [(s, e) for kind, s, e in lexing.segments(text) if kind in ("str", "estr", "comment")]
    for m in pattern.finditer(text):
        if any(s <= m.start() < e for s, e in quoted):
            continue
        if wanted(m.group(name_group) if name_group else None):
            return m
    return None


def _check_span(item: str, label: str) -> tuple[int, int] | None:
    m = re.search(r'\s*CONSTRAINT\s+"' + re.escape(label.replace('"', '""')) + r'"\s+CHECK\s*\(', item)
    close = m and lexing.closing_paren(item, m.end() - 1)
    if not close:
        return None
    comment = _PGCHECK_COMMENT.match(item, close + 1)
    return m.start(), comment.end() if comment else close + 1


def without(create_sql: str, table: str, name: str) -> tuple[str, str] | None:
    """(the CREATE text without constraint `name`, its kind: "check" / "foreign key"), or
    None when no CHECK or foreign key of that name is declared in it."""
    open_at = create_sql.find("(")
    close = lexing.closing_paren(create_sql, open_at) if open_at >= 0 else None
    if close is None:
        return None
    items = lexing.split_top_level(create_sql[open_at + 1:close])
    for i, item in enumerate(items):
        span = _check_span(item, f"23514 {table} {name}")
        kind = "check"
        if span is None:
            fk = _TABLE_FOREIGN_KEY.match(item)
            if fk is not None:
                cols = [_unquoted(c.strip()) for c in fk.group(2).split(",")]
                given = _unquoted(fk.group(1)) if fk.group(1) else f"{table}_{'_'.join(cols)}_fkey"
                span = (0, len(item)) if given == name else None
            else:
                col = _COLUMN_NAME.match(item)
                column = _unquoted(col.group(1)) if col else ""
                m = _code_match(_COLUMN_REFERENCE, item, 2, lambda given: (
                    _unquoted(given) if given else f"{table}_{column}_fkey") == name)
                span = (m.start(), m.end()) if m is not None and col and m.start() >= col.end() else None
            kind = "foreign key"
        if span is None:
            continue
        if span == (0, len(item)) or not item[:span[0]].strip():  # the whole item (a table constraint)
            rest = items[:i] + items[i + 1:]
        else:
            rest = items[:i] + [item[:span[0]] + item[span[1]:]] + items[i + 1:]
        body = ",".join(rest) if i else ",".join(rest).lstrip()
        return create_sql[:open_at + 1] + body + create_sql[close:], kind
    return None


def column_reference_name(create_sql: str, column: str) -> str | None:
    """The name a column's own REFERENCES clause is given (`c int CONSTRAINT name
    REFERENCES p`), None when none is."""
    open_at = create_sql.find("(")
    close = lexing.closing_paren(create_sql, open_at) if open_at >= 0 else None
    for item in lexing.split_top_level(create_sql[open_at + 1:close]) if close else ():
        col = _COLUMN_NAME.match(item)
        if col is None or _unquoted(col.group(1)).lower() != column.lower():
            continue
        m = _code_match(_COLUMN_REFERENCE, item, 2, lambda given: given is not None)
        return _unquoted(m.group(2)) if m is not None else None
    return None

