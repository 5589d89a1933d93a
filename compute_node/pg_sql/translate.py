"""PostgreSQL SQL -> SQLite SQL.

`split_statements` cuts PostgreSQL text into statements; `translate` turns one statement
into the Statements the wire layer runs. Plain SELECT/INSERT/UPDATE/DELETE text with no
PostgreSQL-only syntax takes a fast path (a lexical scan, a few word substitutions, no
parse); everything else is parsed with sqlglot (PostgreSQL dialect), rewritten, and generated
for SQLite. Utility statements (transactions, SET/SHOW, COPY, DROP, TRUNCATE, VACUUM, DDL
SQLite lacks) are handled by their own small parsers.

Choices, for the wire-layer author:
- serial/bigserial/smallserial and GENERATED ... AS IDENTITY become the table's rowid:
  `integer PRIMARY KEY AUTOINCREMENT` (ids are never reused, like a sequence). A serial
  column without PRIMARY KEY is promoted to the primary key when the table has no other
  one; otherwise the CREATE fails with 0A000. The declared type is then "integer" (OID int4)
  for all three.
- ALTER TABLE ADD PRIMARY KEY / ADD CONSTRAINT x PRIMARY KEY / UNIQUE become
  CREATE UNIQUE INDEX <table>_pkey (or the constraint name); NULLs are not checked.
  ADD FOREIGN KEY is accepted and not enforced (noop, tag ALTER TABLE).
- VACUUM, ANALYZE, CHECKPOINT, DISCARD, DEALLOCATE, LOCK, COMMENT ON, GRANT, REVOKE are
  kind "noop" (DEALLOCATE's name, lower case, or "all", in Statement.name).
- set_config(name, value, is_local) is a SQLite function returning `value` (the session's
  settings are not changed by it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import sqlglot
from sqlglot import exp
from sqlglot.dialects.sqlite import SQLite

from compute_node.pg_sql import catalog
from compute_node.pg_sql import types as pgtypes
from compute_node.pg_sql.copy import CopySpec, parse_copy
from compute_node.pg_sql.functions import PG_VERSION_TEXT
from sixfold.constants import TRANSLATION_CACHE_STATEMENTS_MAX
from sixfold.errors import SqlError



@dataclass(frozen=True)
class SessionContext:
    user: str
    database: str
    backend_pid: int = 0


@dataclass(frozen=True)
class Statement:
    kind: str  # "sql" | "set" | "show" | "noop" | "copy" | "declare" | "fetch" | "close_cursor"
    tag: str
    sqlite: tuple[str, ...] = ()
    param_count: int = 0
    name: str = ""
    value: str | None = None
    copy: CopySpec | None = None
    # PostgreSQL type OID of each result column when the translator can tell from the
    # query (casts, comparisons, now(), count(*)...); () or None entries: unknown, the wire
    # layer falls back to the column's declared type or its values.
    column_oids: tuple[int | None, ...] = ()


# --- lexing --------------------------------------------------------------------------------
_DOLLAR_TAG = re.compile(r"\$([A-Za-z_\x80-\uffff][A-Za-z0-9_\x80-\uffff]*)?\$")


def _is_ident_char(c: str) -> bool:
    return c.isalnum() or c == "_" or c == "$" or ord(c) >= 0x80


def _segments(sql: str):
    """Yield (kind, start, end) covering `sql`: kind is "code", "str" ('..'), "estr" (E'..'),
    "ident" ("..."), "dollar" ($tag$..$tag$), "comment". An unterminated quote or comment
    runs to the end."""
    n = len(sql)
    i = start = 0
    while i < n:
        c = sql[i]
        kind = None
        if c == "'":
            prev = sql[i - 1] if i > 0 else ""
            is_e = prev in "eE" and (i < 2 or not _is_ident_char(sql[i - 2]))
            j = i + 1
            while j < n:
                if is_e and sql[j] == "\\":
                    j += 2
                    continue
                if sql[j] == "'":
                    if j + 1 < n and sql[j + 1] == "'":
                        j += 2
                        continue
                    break
                j += 1
            s = i - 1 if is_e else i
            kind, end = ("estr" if is_e else "str"), min(j + 1, n)
        elif c == '"':
            j = i + 1
            while j < n:
                if sql[j] == '"':
                    if j + 1 < n and sql[j + 1] == '"':
                        j += 2
                        continue
                    break
                j += 1
            s, kind, end = i, "ident", min(j + 1, n)
        elif c == "-" and sql.startswith("--", i):
            j = sql.find("\n", i)
            s, kind, end = i, "comment", (n if j == -1 else j + 1)
        elif c == "/" and sql.startswith("/*", i):
            depth, j = 1, i + 2
            while j < n and depth:
                if sql.startswith("/*", j):
                    depth += 1
                    j += 2
                elif sql.startswith("*/", j):
                    depth -= 1
                    j += 2
                else:
                    j += 1
            s, kind, end = i, "comment", j
        elif c == "$" and (i == 0 or not _is_ident_char(sql[i - 1])):
            m = _DOLLAR_TAG.match(sql, i)
            if m:
                close = sql.find(m.group(0), m.end())
                s, kind, end = i, "dollar", (n if close == -1 else close + len(m.group(0)))
        if kind is None:
            i += 1
            continue
        if s > start:
            yield "code", start, s
        yield kind, s, end
        i = start = end
    if start < n:
        yield "code", start, n


def split_statements(pg_sql: str) -> list[str]:
    """PostgreSQL text -> its statements (without the ';'), empty ones dropped."""
    out: list[str] = []
    cur_start = 0
    only_space = True
    for kind, s, e in _segments(pg_sql):
        if kind != "code":
            if kind != "comment":
                only_space = False
            continue
        pos = s
        while True:
            semi = pg_sql.find(";", pos, e)
            if semi == -1:
                if pg_sql[pos:e].strip():
                    only_space = False
                break
            if pg_sql[pos:semi].strip():
                only_space = False
            if not only_space:
                out.append(pg_sql[cur_start:semi].strip())
            cur_start, only_space, pos = semi + 1, True, semi + 1
    if not only_space:
        out.append(pg_sql[cur_start:].strip())
    return out


def _strip_comments(pg_sql: str) -> str:
    """The statement without comments and without trailing ';' (literals untouched)."""
    if "--" not in pg_sql and "/*" not in pg_sql:
        text = pg_sql.strip()
        while text.endswith(";"):
            text = text[:-1].rstrip()
        return text
    parts = []
    for kind, s, e in _segments(pg_sql):
        parts.append(" " if kind == "comment" else pg_sql[s:e])
    text = "".join(parts).strip()
    while text.endswith(";"):
        text = text[:-1].rstrip()
    return text


def _error_near(token: str) -> SqlError:
    return SqlError(f'syntax error at or near "{token}"', "42601")


# --- the entry point -------------------------------------------------------------------------
def translate(pg_sql: str, ctx: SessionContext) -> list[Statement]:
    """One PostgreSQL statement -> the Statements that carry it out."""
    try:
        return list(_translate_cached(pg_sql, ctx))
    except SqlError:
        raise
    except RecursionError:
        raise SqlError("statement is too deeply nested", "54001") from None
    except Exception as e:  # a translator bug must not take the connection down
        raise SqlError(f"cannot translate statement: {type(e).__name__}: {e}", "XX000") from None


@lru_cache(maxsize=TRANSLATION_CACHE_STATEMENTS_MAX)
def _translate_cached(pg_sql: str, ctx: SessionContext) -> tuple[Statement, ...]:
    text = _strip_comments(pg_sql)
    if not text:
        return (Statement(kind="noop", tag="EMPTY"),)
    if _has_top_level_semicolon(text):
        raise SqlError("cannot translate several statements at once", "42601")
    first = re.match(r"[A-Za-z_]+", text)
    if not first:
        if text.startswith("("):
            return (_select_path(text, ctx),)
        raise _error_near(text.split()[0][:20])
    word = first.group(0).lower()
    rest = text[first.end():]
    handler = _HANDLERS.get(word)
    if handler is None:
        raise _error_near(first.group(0))
    out = handler(text, rest, ctx)
    return tuple(out) if isinstance(out, list) else (out,)


def _has_top_level_semicolon(text: str) -> bool:
    if ";" not in text:
        return False
    return any(";" in text[s:e] for kind, s, e in _segments(text) if kind == "code")


# --- transactions ----------------------------------------------------------------------------
def _begin(text, rest, ctx):
    words = " ".join(rest.lower().replace(",", " ").split())
    if text.lower().startswith("start"):
        if not words.startswith("transaction"):
            raise _error_near(text.split()[1] if len(text.split()) > 1 else "START")
    words = re.sub(r"^(work|transaction)\b\s*", "", words)
    level = re.search(r"isolation level (serializable|repeatable read|read committed|read uncommitted)", words)
    words = re.sub(r"isolation level (serializable|repeatable read|read committed|read uncommitted)", "", words)
    ro = False
    for w in re.findall(r"read only|read write|not deferrable|deferrable|\S+", words):
        if w == "read only":
            ro = True
        elif w in ("read write", "deferrable", "not deferrable"):
            ro = False if w == "read write" else ro
        else:
            raise _error_near(w)
    if ro:
        return Statement(kind="sql", tag="BEGIN", sqlite=("BEGIN READ ONLY",))
    # The engine reads the level: REPEATABLE READ and SERIALIZABLE keep one snapshot.
    return Statement(kind="sql", tag="BEGIN",
                     sqlite=(f"BEGIN ISOLATION LEVEL {level.group(1).upper()}" if level else "BEGIN",))


def _commit(text, rest, ctx):
    words = rest.lower().split()
    if words and words[0] in ("work", "transaction"):
        words = words[1:]
    if words == ["and", "chain"]:
        raise SqlError("COMMIT AND CHAIN is not supported", "0A000")
    if words and words != ["and", "no", "chain"]:
        raise _error_near(words[0])
    return Statement(kind="sql", tag="COMMIT", sqlite=("COMMIT",))


def _rollback(text, rest, ctx):
    words = rest.split()
    low = [w.lower() for w in words]
    if low and low[0] in ("work", "transaction"):
        words, low = words[1:], low[1:]
    if low and low[0] == "to":
        words, low = words[1:], low[1:]
        if low and low[0] == "savepoint":
            words, low = words[1:], low[1:]
        if len(words) != 1:
            raise SqlError("syntax error at end of input", "42601")
        return Statement(kind="sql", tag="ROLLBACK", sqlite=(f"ROLLBACK TO SAVEPOINT {_ident(words[0])}",))
    if low == ["and", "chain"]:
        raise SqlError("ROLLBACK AND CHAIN is not supported", "0A000")
    if low and low != ["and", "no", "chain"]:
        raise _error_near(words[0])
    return Statement(kind="sql", tag="ROLLBACK", sqlite=("ROLLBACK",))


def _prepare(text, rest, ctx):
    if rest.split()[:1] and rest.split()[0].lower() == "transaction":
        raise SqlError("prepared transactions (two-phase commit) are not supported", "0A000")
    raise SqlError("SQL-level PREPARE is not supported; use the extended query protocol", "0A000")


def _ident(word: str) -> str:
    """A PostgreSQL identifier as SQLite text (unquoted ones folded to lower case)."""
    if word.startswith('"'):
        return word
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_$]*", word):
        raise _error_near(word)
    return word.lower()


def _savepoint(text, rest, ctx):
    words = rest.split()
    if len(words) != 1:
        raise SqlError("syntax error at end of input" if not words else f'syntax error at or near "{words[1]}"',
                       "42601")
    return Statement(kind="sql", tag="SAVEPOINT", sqlite=(f"SAVEPOINT {_ident(words[0])}",))


def _release(text, rest, ctx):
    words = rest.split()
    if words and words[0].lower() == "savepoint":
        words = words[1:]
    if len(words) != 1:
        raise SqlError("syntax error at end of input", "42601")
    return Statement(kind="sql", tag="RELEASE", sqlite=(f"RELEASE SAVEPOINT {_ident(words[0])}",))


# --- SET / SHOW / RESET ----------------------------------------------------------------------
_SET_VALUE_TOKEN = re.compile(r"\s*(?:E'((?:[^'\\]|\\.|'')*)'|'((?:[^']|'')*)'|\"((?:[^\"]|\"\")*)\"|"
                              r"([-+]?[0-9.]+[A-Za-z]*)|([A-Za-z_][A-Za-z0-9_$.]*)|(,))", re.DOTALL)


def _set_value(raw: str, name: str) -> str | None:
    raw = raw.strip()
    parts, pos = [], 0
    while pos < len(raw):
        m = _SET_VALUE_TOKEN.match(raw, pos)
        if not m:
            raise _error_near(raw[pos:].split()[0])
        pos = m.end()
        e, s, q, num, word, comma = m.groups()
        if comma:
            continue
        if e is not None:
            parts.append(e.replace("''", "'").replace("\\\\", "\\"))
        elif s is not None:
            parts.append(s.replace("''", "'"))
        elif q is not None:
            parts.append(q.replace('""', '"'))
        elif num is not None:
            parts.append(num)
        else:
            if word.lower() == "default" and not parts:
                return None
            parts.append(word.lower() if name != "datestyle" else word.upper())
    if not parts:
        raise SqlError("syntax error at end of input", "42601")
    if name == "datestyle":
        return ", ".join(parts) if len(parts) > 1 else ("ISO, MDY" if parts[0].upper() == "ISO" else parts[0])
    return ", ".join(parts)


def _set(text, rest, ctx):
    body = rest.strip()
    m = re.match(r"(session|local)\b\s*", body, re.IGNORECASE)
    if m:
        body = body[m.end():]
    low = " ".join(body.lower().split())
    m = re.match(r"((?:session\s+)?characteristics\s+as\s+)?transaction\b(.*)$", low)
    if m:
        # Isolation levels matter (REPEATABLE READ keeps a snapshot); other transaction
        # modes are accepted and ignored.
        level = re.search(r"isolation level (serializable|repeatable read|read committed|read uncommitted)",
                          m.group(2))
        if level:
            name = "default_transaction_isolation" if m.group(1) else "transaction_isolation"
            return Statement(kind="set", tag="SET", name=name, value=level.group(1))
        return Statement(kind="noop", tag="SET")
    if low.startswith("constraints"):
        return Statement(kind="noop", tag="SET")
    m = re.match(r"time\s+zone\s+(.*)$", body, re.IGNORECASE | re.DOTALL)
    if m:
        v = m.group(1).strip()
        val = None if v.lower() in ("default", "local") else _set_value(v, "timezone")
        return Statement(kind="set", tag="SET", name="timezone", value=val)
    m = re.match(r"names\s+(.*)$", body, re.IGNORECASE | re.DOTALL)
    if m:
        return Statement(kind="set", tag="SET", name="client_encoding", value=_set_value(m.group(1), "client_encoding"))
    m = re.match(r"(role|session\s+authorization)\s+(.*)$", body, re.IGNORECASE | re.DOTALL)
    if m:
        name = "role" if m.group(1).lower() == "role" else "session_authorization"
        return Statement(kind="set", tag="SET", name=name, value=_set_value(m.group(2), name))
    m = re.match(r"([A-Za-z_][A-Za-z0-9_.]*|\"[^\"]+\")\s*(?:=|\bto\b)\s*(.*)$", body, re.IGNORECASE | re.DOTALL)
    if not m:
        raise _error_near(body.split()[0] if body else "SET")
    name = m.group(1).strip('"').lower()
    return Statement(kind="set", tag="SET", name=name, value=_set_value(m.group(2), name))


def _reset(text, rest, ctx):
    words = rest.split()
    if not words:
        raise SqlError("syntax error at end of input", "42601")
    name = " ".join(w.lower() for w in words)
    name = {"time zone": "timezone", "session authorization": "session_authorization"}.get(name, name)
    return Statement(kind="set", tag="RESET", name=name.strip('"'), value=None)


def _show(text, rest, ctx):
    words = rest.split()
    if not words:
        raise SqlError("syntax error at end of input", "42601")
    name = " ".join(w.lower() for w in words)
    name = {"time zone": "timezone", "transaction isolation level": "transaction_isolation",
            "session authorization": "session_authorization"}.get(name, name)
    return Statement(kind="show", tag="SHOW", name=name.strip('"'))


# --- utility statements ----------------------------------------------------------------------
def _noop(tag):
    return lambda text, rest, ctx: Statement(kind="noop", tag=tag)


def _vacuum(text, rest, ctx):
    return Statement(kind="noop", tag="VACUUM")


def _analyze(text, rest, ctx):
    return Statement(kind="noop", tag="ANALYZE")


def _discard(text, rest, ctx):
    what = rest.strip().upper()
    if what not in ("ALL", "PLANS", "SEQUENCES", "TEMP", "TEMPORARY"):
        raise _error_near(rest.strip().split()[0] if rest.strip() else "DISCARD")
    return Statement(kind="noop", tag="DISCARD " + ("TEMP" if what == "TEMPORARY" else what))


def _deallocate(text, rest, ctx):
    words = rest.split()
    if words and words[0].lower() == "prepare":
        words = words[1:]
    if len(words) != 1:
        raise SqlError("syntax error at end of input", "42601")
    w = words[0]
    if w.lower() == "all":
        return Statement(kind="noop", tag="DEALLOCATE ALL", name="all")
    return Statement(kind="noop", tag="DEALLOCATE", name=w[1:-1] if w.startswith('"') else w.lower())


def _copy(text, rest, ctx):
    spec = parse_copy(text, lambda q: _query_sqlite(q, ctx)[0])
    return Statement(kind="copy", tag="COPY", copy=spec)


_NAME_LIST = re.compile(r'\s*((?:"(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*)(?:\.(?:"(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*))?)\s*(,|$)')


def _names(text: str) -> list[str]:
    """A comma-separated list of (maybe schema-qualified) names -> SQLite identifiers."""
    out, pos = [], 0
    text = text.strip()
    while pos < len(text):
        m = _NAME_LIST.match(text, pos)
        if not m:
            raise _error_near(text[pos:].split()[0])
        out.append(_table_name(m.group(1)))
        pos = m.end()
    if not out:
        raise SqlError("syntax error at end of input", "42601")
    return out


def _table_name(qualified: str) -> str:
    parts = re.findall(r'"(?:[^"]|"")+"|[^.]+', qualified)
    if len(parts) == 2:
        schema = parts[0].strip('"').lower() if not parts[0].startswith('"') else parts[0][1:-1]
        if schema not in ("public",):
            raise SqlError(f'schema "{schema}" does not exist', "3F000")
    return _ident(parts[-1])


def _drop(text, rest, ctx):
    m = re.match(r"\s*(table|index|view)\s+(concurrently\s+)?(if\s+exists\s+)?(.*?)(\s+(cascade|restrict))?\s*$",
                 rest, re.IGNORECASE | re.DOTALL)
    if not m:
        what = rest.split()[0].lower() if rest.split() else ""
        if what in ("schema", "sequence", "database", "role", "user", "type", "function", "extension", "trigger"):
            raise SqlError(f"DROP {what.upper()} is not supported", "0A000")
        raise _error_near(rest.split()[0] if rest.split() else "DROP")
    kind = m.group(1).upper()
    ifx = " IF EXISTS" if m.group(3) else ""
    stmts = tuple(f"DROP {kind}{ifx} {n}" for n in _names(m.group(4)))
    return [Statement(kind="sql", tag=f"DROP {kind}", sqlite=(s,)) for s in stmts]


def _truncate(text, rest, ctx):
    body = re.sub(r"^\s*table\b", "", rest, flags=re.IGNORECASE)
    body = re.sub(r"^\s*only\b", "", body, flags=re.IGNORECASE)
    body = re.sub(r"\s+(restart|continue)\s+identity\b", " ", body, flags=re.IGNORECASE)
    body = re.sub(r"\s+(cascade|restrict)\s*$", "", body.rstrip(), flags=re.IGNORECASE)
    names = _names(body)
    return [Statement(kind="sql", tag="TRUNCATE TABLE", sqlite=(f"DELETE FROM {n}",)) for n in names]


def _create(text, rest, ctx):
    low = " ".join(rest.lower().split())
    if re.match(r"(or replace\s+)?(temp\s+|temporary\s+)?view\b", low):
        return _create_view(text, rest, ctx)
    if re.match(r"(unique\s+)?index\b", low):
        return _create_index(text, rest, ctx)
    if re.match(r"((global|local)\s+)?(temp\s+|temporary\s+|unlogged\s+)?table\b", low):
        return _create_table(text, ctx)
    what = low.split()[0] if low else ""
    raise SqlError(f"CREATE {what.upper()} is not supported", "0A000")


_INDEX = re.compile(
    r"\s*(unique\s+)?index\s+(concurrently\s+)?(if\s+not\s+exists\s+)?(?:(\"(?:[^\"]|\"\")+\"|[A-Za-z_][A-Za-z0-9_$]*)\s+)?"
    r"on\s+(only\s+)?((?:\"(?:[^\"]|\"\")+\"|[A-Za-z_][A-Za-z0-9_$.]*))\s*(?:using\s+(\w+)\s*)?\((.*)\)"
    r"(?:\s+include\s*\([^)]*\))?(?:\s+with\s*\([^)]*\))?(?:\s+tablespace\s+\S+)?(\s+where\s+.*)?\s*$",
    re.IGNORECASE | re.DOTALL)


def _create_index(text, rest, ctx):
    m = _INDEX.match(rest)
    if not m:
        raise _error_near(rest.split()[0] if rest.split() else "INDEX")
    unique, _conc, ifne, name, _only, table, using, cols, where = m.groups()
    if using and using.lower() not in ("btree", "hash"):
        raise SqlError(f"index access method \"{using}\" is not supported", "0A000")
    table = _table_name(table)
    col_sql = _expr_list_sqlite(cols, ctx)
    if not name:
        name = f"{table.strip(chr(34))}_{'_'.join(re.findall(r'[A-Za-z0-9_]+', cols)[:3])}_idx"
    else:
        name = _ident(name)
    where_sql = ""
    if where:
        where_sql = " WHERE " + _expr_sqlite(where.strip()[5:], ctx)
    sql = (f"CREATE {'UNIQUE ' if unique else ''}INDEX {'IF NOT EXISTS ' if ifne else ''}{name} "
           f"ON {table} ({col_sql}){where_sql}")
    return Statement(kind="sql", tag="CREATE INDEX", sqlite=(sql,))


def _expr_list_sqlite(cols: str, ctx) -> str:
    try:
        sel = sqlglot.parse_one(f"SELECT {cols}", read="postgres")
    except sqlglot.errors.ParseError as e:
        raise _parse_error(e, cols) from None
    return ", ".join(_gen(_rewrite(e, ctx, [0])) for e in sel.expressions)


def _expr_sqlite(expr: str, ctx) -> str:
    return _expr_list_sqlite(expr, ctx)


def _create_view(text, rest, ctx):
    m = re.match(r"\s*(or\s+replace\s+)?((?:temp|temporary)\s+)?view\s+(\S+?)\s*(\([^)]*\))?\s+as\s+(.*)$",
                 rest, re.IGNORECASE | re.DOTALL)
    if not m:
        raise _error_near("VIEW")
    stmts = []
    name = _table_name(m.group(3))
    if m.group(1):
        stmts.append(f"DROP VIEW IF EXISTS {name}")
    q, _ = _query_sqlite(m.group(5), ctx)
    cols = m.group(4) or ""
    stmts.append(f"CREATE {'TEMP ' if m.group(2) else ''}VIEW {name}{cols} AS {q}")
    return Statement(kind="sql", tag="CREATE VIEW", sqlite=tuple(stmts))


_ALTER = re.compile(r"\s*table\s+(if\s+exists\s+)?(only\s+)?(\"(?:[^\"]|\"\")+\"|[A-Za-z_][A-Za-z0-9_$.]*)\s+(.*)$",
                    re.IGNORECASE | re.DOTALL)


def _alter(text, rest, ctx):
    m = _ALTER.match(rest)
    if not m:
        what = rest.split()[0].upper() if rest.split() else "ALTER"
        raise SqlError(f"ALTER {what} is not supported", "0A000")
    table = _table_name(m.group(3))
    action = m.group(4).strip()
    low = " ".join(action.lower().split())
    bare = table.strip('"')
    st = lambda *sql: Statement(kind="sql", tag="ALTER TABLE", sqlite=tuple(sql))
    pm = re.match(r"add\s+(?:constraint\s+(\"[^\"]+\"|\w+)\s+)?(primary\s+key|unique)\s*\(([^)]*)\)", action, re.IGNORECASE)
    if pm:
        cname = _ident(pm.group(1)) if pm.group(1) else None
        is_pk = pm.group(2).lower().startswith("primary")
        cols = ", ".join(_ident(c.strip()) for c in pm.group(3).split(","))
        if not cname:
            cname = f"{bare}_pkey" if is_pk else f"{bare}_{'_'.join(c.strip().strip(chr(34)) for c in pm.group(3).split(','))}_key"
        return st(f"CREATE UNIQUE INDEX {cname} ON {table} ({cols})")
    if re.match(r"add\s+(constraint\s+\S+\s+)?foreign\s+key\b", low) or re.match(r"add\s+constraint\s+\S+\s+check\b", low):
        return Statement(kind="noop", tag="ALTER TABLE")
    if re.match(r"(owner\s+to|set\s+\(|reset\s+\(|set\s+(logged|unlogged|tablespace|without))", low):
        return Statement(kind="noop", tag="ALTER TABLE")
    am = re.match(r"add\s+(column\s+)?(if\s+not\s+exists\s+)?(.*)$", action, re.IGNORECASE | re.DOTALL)
    if am and not re.match(r"(constraint|primary|unique|check|foreign|exclude)\b", am.group(3).lower()):
        coldef = _column_defs_sqlite(am.group(3), ctx)
        return st(f"ALTER TABLE {table} ADD COLUMN {coldef}")
    rm = re.match(r"rename\s+(column\s+)?(\S+)\s+to\s+(\S+)$", action, re.IGNORECASE)
    if rm:
        return st(f"ALTER TABLE {table} RENAME COLUMN {_ident(rm.group(2))} TO {_ident(rm.group(3))}")
    rm = re.match(r"rename\s+to\s+(\S+)$", action, re.IGNORECASE)
    if rm:
        return st(f"ALTER TABLE {table} RENAME TO {_ident(rm.group(1))}")
    dm = re.match(r"drop\s+(column\s+)?(if\s+exists\s+)?(\S+)(\s+(cascade|restrict))?$", action, re.IGNORECASE)
    if dm and dm.group(3).lower() != "constraint":
        return st(f"ALTER TABLE {table} DROP COLUMN {_ident(dm.group(3))}")
    dc = re.match(r"drop\s+constraint\s+(if\s+exists\s+)?(\S+)", action, re.IGNORECASE)
    if dc:
        return st(f"DROP INDEX IF EXISTS {_ident(dc.group(2))}")
    raise SqlError(f"ALTER TABLE {action.split()[0].upper()} ... is not supported here", "0A000")


# --- CREATE TABLE ----------------------------------------------------------------------------
_SERIAL = {exp.DataType.Type.SERIAL, exp.DataType.Type.BIGSERIAL, exp.DataType.Type.SMALLSERIAL}
_TYPE_RENAME = {"timestamptz": "timestamp with time zone", "timetz": "time with time zone",
                "decimal": "numeric", "int": "integer", "double": "double precision", "float": "double precision"}


def _pg_type_text(dt: exp.DataType) -> str:
    t = dt.sql(dialect="postgres").lower()
    base, paren, mods = t.partition("(")
    base = _TYPE_RENAME.get(base.strip(), base.strip())
    return base + (paren + mods.replace(", ", ",") if paren else "")


def _create_table(text, ctx):
    # CREATE TABLE ... AS / LIKE / PARTITION BY / INHERITS: what sqlglot cannot help with.
    low = " ".join(text.lower().split())
    if re.search(r"\)\s*partition\s+by\b", low) or re.search(r"\binherits\s*\(", low) or " partition of " in low:
        raise SqlError("partitioned and inherited tables are not supported", "0A000")
    try:
        tree = sqlglot.parse_one(text, read="postgres")
    except sqlglot.errors.ParseError as e:
        raise _parse_error(e, text) from None
    if not isinstance(tree, exp.Create):
        raise _error_near("CREATE")
    props = tree.args.get("properties")
    temp = False
    if props:
        for p in props.expressions:
            if isinstance(p, exp.TemporaryProperty):
                temp = True
    ifne = " IF NOT EXISTS" if tree.args.get("exists") else ""
    schema = tree.this
    if tree.expression is not None:  # CREATE TABLE x AS SELECT
        q = _gen(_rewrite(tree.expression, ctx, [0]))
        name = _table_name(schema.sql("postgres") if not isinstance(schema, exp.Schema) else schema.this.sql("postgres"))
        return Statement(kind="sql", tag="SELECT", sqlite=(f"CREATE {'TEMP ' if temp else ''}TABLE{ifne} {name} AS {q}",))
    if not isinstance(schema, exp.Schema):
        raise _error_near("CREATE")
    table = schema.this
    if table.args.get("db") and table.db.lower() not in ("public",):
        raise SqlError(f'schema "{table.db}" does not exist', "3F000")
    name = _ident_sql(table.this)
    cols = [c for c in schema.expressions if isinstance(c, exp.ColumnDef)]
    others = [c for c in schema.expressions if not isinstance(c, exp.ColumnDef)]
    table_pk = any(isinstance(c, exp.PrimaryKey) or
                   (isinstance(c, exp.Constraint) and any(isinstance(x, exp.PrimaryKey) for x in c.expressions))
                   for c in others)
    col_pk = [c for c in cols if any(isinstance(k.args.get("kind"), exp.PrimaryKeyColumnConstraint)
                                     for k in c.args.get("constraints") or [])]
    parts = []
    for c in cols:
        parts.append(_column_def(c, ctx, pk_taken=table_pk or bool([p for p in col_pk if p is not c])))
    for o in others:
        parts.append(_gen(_rewrite(o, ctx, [0])))
    body = ", ".join(parts)
    return Statement(kind="sql", tag="CREATE TABLE",
                     sqlite=(f"CREATE {'TEMP ' if temp else ''}TABLE{ifne} {name} ({body})",))


def _ident_sql(ident) -> str:
    if isinstance(ident, exp.Identifier):
        if ident.quoted:
            return '"' + ident.this.replace('"', '""') + '"'
        return ident.this.lower()
    return str(ident)


def _column_defs_sqlite(text: str, ctx) -> str:
    try:
        tree = sqlglot.parse_one(f"CREATE TABLE _x ({text})", read="postgres")
    except sqlglot.errors.ParseError as e:
        raise _parse_error(e, text) from None
    cols = [c for c in tree.this.expressions if isinstance(c, exp.ColumnDef)]
    if len(cols) != 1:
        raise _error_near(text.split()[0])
    return _column_def(cols[0], ctx, pk_taken=True, adding=True)


def _column_def(c: exp.ColumnDef, ctx, pk_taken: bool, adding: bool = False) -> str:
    name = _ident_sql(c.this)
    kind = c.args.get("kind")
    constraints = list(c.args.get("constraints") or [])
    serial = kind is not None and kind.this in _SERIAL
    identity = any(isinstance(k.args.get("kind"), exp.GeneratedAsIdentityColumnConstraint) for k in constraints)
    has_pk = any(isinstance(k.args.get("kind"), exp.PrimaryKeyColumnConstraint) for k in constraints)
    if serial or identity:
        if adding or (pk_taken and not has_pk):
            raise SqlError(f'column "{c.this.name}": serial/identity columns are supported only as the '
                           "table's single-column primary key", "0A000")
        rest = []
        for k in constraints:
            kk = k.args.get("kind")
            if isinstance(kk, (exp.PrimaryKeyColumnConstraint, exp.GeneratedAsIdentityColumnConstraint,
                               exp.NotNullColumnConstraint)):
                continue
            rest.append(_constraint_sql(k, ctx, None))
        return " ".join([name, "integer PRIMARY KEY AUTOINCREMENT"] + [r for r in rest if r])
    out = [name]
    type_text = _pg_type_text(kind) if kind is not None else ""
    if type_text:
        out.append(type_text)
    for k in constraints:
        s = _constraint_sql(k, ctx, type_text)
        if s:
            out.append(s)
    out.extend(_type_checks(name, type_text))
    return " ".join(out)


_INT_RANGE = {pgtypes.INT2: (-2**15, 2**15 - 1), pgtypes.INT4: (-2**31, 2**31 - 1)}


def _type_checks(name: str, type_text: str) -> list[str]:
    """CHECK constraints that make a numeric column refuse what PostgreSQL refuses: text
    that is no number (SQLite's type affinity would store 'abc' in an integer column)
    and integers out of the type's range. The constraint names carry the SQLSTATE;
    sql_errors turns "CHECK constraint failed: 22P02 integer a" into PostgreSQL's error."""
    oid = pgtypes.column_oid(type_text or None, None) if type_text else None
    label = pgtypes.pg_type_name(type_text) if type_text else ""
    if oid in (pgtypes.INT2, pgtypes.INT4, pgtypes.INT8):
        allowed = "'integer'"
    elif oid in (pgtypes.NUMERIC, pgtypes.FLOAT4, pgtypes.FLOAT8):
        allowed = "'integer', 'real'"
    else:
        return []
    bare = name.strip('"').replace('"', "")
    checks = [f'CONSTRAINT "22P02 {label} {bare}" CHECK (typeof({name}) IN ({allowed}, \'null\'))']
    if oid in _INT_RANGE:
        lo, hi = _INT_RANGE[oid]
        checks.append(f'CONSTRAINT "22003 {label} {bare}" CHECK (typeof({name}) != \'integer\' OR '
                      f'{name} BETWEEN {lo} AND {hi})')
    return checks


def _constraint_sql(k: exp.ColumnConstraint, ctx, type_text) -> str:
    kind = k.args.get("kind")
    prefix = f"CONSTRAINT {_ident_sql(k.this)} " if k.args.get("this") is not None else ""
    if isinstance(kind, exp.DefaultColumnConstraint):
        e = kind.this
        if isinstance(e, (exp.CurrentTimestamp,)) or (isinstance(e, exp.Anonymous) and e.name.lower() == "now"):
            if type_text and "with time zone" not in type_text and type_text.startswith("timestamp"):
                return "DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now'))"
            return "DEFAULT (now())"
        if isinstance(e, exp.Anonymous) and e.name.lower() == "nextval":
            raise SqlError("sequences are not supported; use serial", "0A000")
        val = _gen(_rewrite(e, ctx, [0]))
        if isinstance(e, (exp.Literal, exp.Boolean, exp.Null)) and not isinstance(e, exp.Neg):
            return f"{prefix}DEFAULT {val}"
        return f"{prefix}DEFAULT ({val})"
    if isinstance(kind, (exp.CollateColumnConstraint,)):
        return ""
    if isinstance(kind, exp.PrimaryKeyColumnConstraint):
        return prefix + "PRIMARY KEY"
    return prefix + _gen(_rewrite(kind, ctx, [0]))


# --- queries ---------------------------------------------------------------------------------
class _Gen(SQLite.Generator):
    pass


def _gen(tree: exp.Expression) -> str:
    return SQLite().generate(tree, unsupported_level=sqlglot.ErrorLevel.IGNORE)


def _parse_error(e: Exception, text: str) -> SqlError:
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
    a, b = _gen(args[0]), _gen(args[1])
    step = _gen(args[2]) if len(args) == 3 else "1"
    sql = (f"SELECT v AS \"{col}\" FROM (WITH RECURSIVE _gs(v) AS (SELECT {a} WHERE ({step}) > 0 AND {a} <= {b} "
           f"OR ({step}) < 0 AND {a} >= {b} UNION ALL SELECT v + ({step}) FROM _gs "
           f"WHERE ({step}) > 0 AND v + ({step}) <= {b} OR ({step}) < 0 AND v + ({step}) >= {b}) SELECT v FROM _gs)")
    sub = sqlglot.parse_one(sql, read="sqlite")
    return exp.Subquery(this=sub, alias=exp.TableAlias(this=exp.to_identifier(alias_name or "generate_series")))


_UNSUPPORTED_FUNCS = {"nextval", "currval", "setval", "lastval", "pg_advisory_lock", "pg_try_advisory_lock",
                      "txid_current", "pg_sleep"}


def _rewrite(tree: exp.Expression, ctx: SessionContext, max_param: list[int]) -> exp.Expression:
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
            raise _error_near("$")
        if isinstance(node, exp.Placeholder):
            raise _error_near("?")
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


def _parse_one(pg_sql: str) -> exp.Expression:
    """The one statement in `pg_sql`, parsed as PostgreSQL; SqlError 42601 otherwise."""
    try:
        trees = sqlglot.parse(pg_sql, read="postgres")
    except sqlglot.errors.ParseError as e:
        raise _parse_error(e, pg_sql) from None
    except sqlglot.errors.TokenError:
        raise SqlError("unterminated quoted string", "42601") from None
    trees = [t for t in trees if t is not None]
    if len(trees) != 1:
        raise SqlError("cannot translate several statements at once", "42601")
    return trees[0]


def _query_sqlite(pg_sql: str, ctx: SessionContext) -> tuple[str, int]:
    max_param = [0]
    tree = _rewrite(_parse_one(pg_sql), ctx, max_param)
    return _gen(tree), max_param[0]


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


def _select_path(text: str, ctx: SessionContext) -> Statement:
    tree = _parse_one(text)
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
    tree = _rewrite(tree, ctx, max_param)
    return Statement(kind="sql", tag=tag, sqlite=(_gen(tree),), param_count=max_param[0], column_oids=oids)


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
    for kind, s, e in (() if plain else _segments(text)):
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
        for kind, s, e in ([("code", 0, len(text))] if plain else _segments(text)):
            seg = text[s:e]
            parts.append(_CURRENT_TIMESTAMP.sub("now()", seg) if kind == "code" else seg)
        out = "".join(parts)
    return Statement(kind="sql", tag=_FAST_FIRST[word], sqlite=(out,))


def _dml(text, rest, ctx):
    word = text[:6].lower()
    fixed = catalog.fixed_query(text, ctx.user) if word == "select" else None
    if fixed:
        return Statement(kind="sql", tag=fixed[0], sqlite=(fixed[1],))
    fast = _fast(text, word)
    if fast is not None:
        return fast
    return _select_path(text, ctx)


def _table_stmt(text, rest, ctx):
    return _select_path("SELECT * FROM " + rest.strip(), ctx)


def _unsupported(what):
    def h(text, rest, ctx):
        raise SqlError(f"{what} is not supported", "0A000")
    return h


# --- cursors (the session keeps their rows) -----------------------------------------------------
_DECLARE = re.compile(r"^declare\s+(\"(?:[^\"]|\"\")+\"|[A-Za-z_][A-Za-z0-9_$]*)\s+((?:binary|asensitive|"
                      r"insensitive|no\s+scroll|scroll)\s+)*cursor\s+(?:(with|without)\s+hold\s+)?for\s+(.*)$",
                      re.IGNORECASE | re.DOTALL)
_FETCH = re.compile(r"^(?:fetch|move)\s+(?:(next|all|forward\s+all|forward\s+\d+|forward|\d+)\s+)?"
                    r"(?:(?:from|in)\s+)?(\"(?:[^\"]|\"\")+\"|[A-Za-z_][A-Za-z0-9_$]*)\s*$", re.IGNORECASE)


def _cursor_name(word: str) -> str:
    return word[1:-1].replace('""', '"') if word.startswith('"') else word.lower()


def _declare(text, rest, ctx):
    """DECLARE name CURSOR [WITH HOLD] FOR query: kind "declare"; the query in `sqlite`,
    the cursor's name in `name`, "hold" in `value` for WITH HOLD. Forward-only."""
    m = _DECLARE.match(text)
    if not m:
        raise SqlError("only DECLARE name [NO SCROLL] CURSOR [WITH|WITHOUT HOLD] FOR query is supported", "0A000")
    if m.group(2) and re.search(r"(?<!no\s)\bscroll\b", m.group(2), re.I) and "no" not in m.group(2).lower():
        raise SqlError("scrollable cursors are not supported", "0A000")
    query = _translate_cached(m.group(4).strip(), ctx)
    if len(query) != 1 or query[0].kind != "sql" or query[0].tag not in ("SELECT",):
        raise SqlError("DECLARE CURSOR needs a SELECT or VALUES query", "42601")
    q = query[0]
    return Statement(kind="declare", tag="DECLARE CURSOR", sqlite=q.sqlite, param_count=q.param_count,
                     name=_cursor_name(m.group(1)), value="hold" if (m.group(3) or "").lower() == "with" else None,
                     column_oids=q.column_oids)


def _fetch(text, rest, ctx, tag):
    """FETCH/MOVE [NEXT | n | ALL | FORWARD [n | ALL]] [FROM] name: `value` is the count
    ("all" or digits)."""
    m = _FETCH.match(text.strip())
    if not m:
        raise SqlError(f"only forward {tag} is supported (NEXT, n, ALL, FORWARD n, FORWARD ALL)", "0A000")
    how = " ".join((m.group(1) or "next").lower().split())
    count = "all" if how.endswith("all") else ("1" if how in ("next", "forward") else how.split()[-1])
    return Statement(kind="fetch", tag=tag, name=_cursor_name(m.group(2)), value=count)


def _close_cursor(text, rest, ctx):
    words = rest.split()
    if len(words) != 1:
        raise SqlError("syntax error at end of input" if not words else f'syntax error at or near "{words[1]}"',
                       "42601")
    return Statement(kind="close_cursor", tag="CLOSE CURSOR",
                     name="all" if words[0].lower() == "all" else _cursor_name(words[0]))


_HANDLERS = {
    "select": _dml, "insert": _dml, "update": _dml, "delete": _dml,
    "with": lambda t, r, c: _select_path(t, c), "values": lambda t, r, c: _select_path(t, c),
    "table": _table_stmt,
    "begin": _begin, "start": _begin, "commit": _commit, "end": _commit, "rollback": _rollback,
    "abort": _rollback, "savepoint": _savepoint, "release": _release, "prepare": _prepare,
    "set": _set, "reset": _reset, "show": _show,
    "vacuum": _vacuum, "analyze": _analyze, "analyse": _analyze, "checkpoint": _noop("CHECKPOINT"),
    "discard": _discard, "deallocate": _deallocate, "copy": _copy,
    "drop": _drop, "truncate": _truncate, "create": _create, "alter": _alter,
    "lock": _noop("LOCK TABLE"), "comment": _noop("COMMENT"), "grant": _noop("GRANT"), "revoke": _noop("REVOKE"),
    "listen": _unsupported("LISTEN"), "notify": _unsupported("NOTIFY"), "unlisten": _unsupported("UNLISTEN"),
    "execute": _unsupported("SQL-level EXECUTE"), "explain": _unsupported("EXPLAIN"),
    "do": _unsupported("DO"), "call": _unsupported("CALL"), "fetch": lambda t, r, c: _fetch(t, r, c, "FETCH"),
    "move": lambda t, r, c: _fetch(t, r, c, "MOVE"), "declare": _declare, "close": _close_cursor,
    "reindex": _noop("REINDEX"), "cluster": _noop("CLUSTER"), "refresh": _unsupported("materialized views"),
}
