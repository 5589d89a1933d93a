"""PostgreSQL SQL -> SQLite SQL.

`split_statements` cuts PostgreSQL text into statements; `translate` turns one statement
into the Statements the wire layer runs (statement.py), dispatching on its first word.
Plain SELECT/INSERT/UPDATE/DELETE text with no PostgreSQL-only syntax takes a fast path
(a lexical scan, a few word substitutions, no parse); everything else is parsed with
sqlglot (PostgreSQL dialect), rewritten, and generated for SQLite (queries.py). DDL and
utility statements have their own small parsers (ddl.py); transactions, SET/SHOW/RESET
and cursors are here; quoting and splitting are in lexing.py.

Choices, for the wire-layer author:
- serial/bigserial/smallserial and GENERATED ... AS IDENTITY columns take their values
  from a sequence of their own (sequences.py), as in PostgreSQL: table_column_seq, owned
  by the column, the column's DEFAULT its nextval (pg_identity_next for an identity,
  which says ALWAYS or BY DEFAULT). As the table's single-column primary key the column
  is SQLite's rowid (`integer PRIMARY KEY`, a bigserial's type in a comment).
- ALTER TABLE ADD PRIMARY KEY / ADD CONSTRAINT x PRIMARY KEY / UNIQUE become
  CREATE UNIQUE INDEX <table>_pkey (or the constraint name); NULLs are not checked.
  Foreign keys declared in CREATE TABLE are SQLite's own, enforced (pragma foreign_keys);
  ADD FOREIGN KEY / ADD CHECK become triggers (constraints.py).
- Typed columns (dates and times, interval, uuid, bool, bytea, json, numeric(p,s)) get an
  input trigger that stores PostgreSQL's canonical form or fails (values.py).
- With a catalog (schema.py) the translation knows column types: operators, literal and
  parameter types follow them (exprtypes.py); such translations are cached per schema
  version.
- VACUUM, ANALYZE, CHECKPOINT, DISCARD, LOCK, GRANT, REVOKE are kind "noop".
- PREPARE, EXECUTE and DEALLOCATE are kinds "prepare", "execute" and "deallocate"
  (prepared.py); the session keeps and runs the prepared statements. LISTEN, UNLISTEN
  and NOTIFY are kinds "listen", "unlisten" and "notify" (listen.py); DO is kind "do"
  (plpgsql.py parses the body, the session runs it).
- set_config(name, value, is_local) is a SQLite function returning `value` (the session's
  settings are not changed by it).
"""

from __future__ import annotations

import dataclasses
import re
import threading
from collections import OrderedDict

from compute_node.pg_sql import (
    comments, exprtypes, listen, merge, missing_functions, plpgsql, prepared, schema, table_as,
)
from compute_node.pg_sql.ddl import (
    alter, analyze, copy_stmt, create, discard, drop, noop, truncate, vacuum,
)
from compute_node.pg_sql.lexing import (
    error_near, has_top_level_semicolon, ident, object_name, segments, split_statements, split_top_level,
    strip_comments,
)
from compute_node.pg_sql.queries import dml, lossy_number, select_path, table_stmt
from compute_node.pg_sql.statement import SessionContext, Statement
from sixfold.constants import TRANSLATION_CACHE_STATEMENTS_MAX
from sixfold.errors import SqlError

__all__ = ["SessionContext", "Statement", "split_statements", "translate"]


# --- the entry point -------------------------------------------------------------------------
class _Lru:
    """A bounded map, least recently used out first."""

    def __init__(self, size: int):
        self.size = size
        self.items: OrderedDict = OrderedDict()

    def get(self, key):
        v = self.items.get(key)
        if v is not None:
            self.items.move_to_end(key)
        return v

    def put(self, key, value) -> None:
        self.items[key] = value
        self.items.move_to_end(key)
        while len(self.items) > self.size:
            self.items.popitem(last=False)


# Translations that did not look at the schema, by (text, session); and those that did,
# by (text, session, schema version), with the texts known to need the schema.
_PLAIN = _Lru(TRANSLATION_CACHE_STATEMENTS_MAX)
_TYPED = _Lru(TRANSLATION_CACHE_STATEMENTS_MAX)
_NEEDS_SCHEMA = _Lru(TRANSLATION_CACHE_STATEMENTS_MAX)
_CACHE_LOCK = threading.Lock()


def translate(pg_sql: str, ctx: SessionContext, catalog: schema.Catalog | None = None) -> list[Statement]:
    """One PostgreSQL statement -> the Statements that carry it out. With a catalog, the
    translation may use the schema (column types decide operators and literal types)."""
    try:
        return list(_translate_cached(pg_sql, ctx, catalog))
    except SqlError:
        raise
    except RecursionError:
        raise SqlError("statement is too deeply nested", "54001") from None
    except Exception as e:  # a translator bug must not take the connection down
        raise SqlError(f"cannot translate statement: {type(e).__name__}: {e}", "XX000") from None


# Statements PostgreSQL refuses inside a transaction block (25001), and the words its
# error names them by (matched once per translation, not per statement run: the mark is
# cached with it).
_OUTSIDE_BLOCK = re.compile(
    r"\s*(?:(create)\s+(?:unique\s+)?(index)\s+(concurrently)|(drop)\s+(index)\s+(concurrently)"
    r"|(reindex)\s+(?:\([^)]*\)\s*)?(?:table|index|schema|database|system)\s+(concurrently)"
    r"|(reindex)\s+(?:\([^)]*\)\s*)?(schema|database|system)|(vacuum))\b", re.IGNORECASE)


# Fast-path statements by shape: the text with each number replaced by its class (int4,
# int8 or decimal, which can change the translation), mapped to the translation, whose
# numbers are bound parameters (Statement.literals), and the schema version it used.
_SHAPES = _Lru(TRANSLATION_CACHE_STATEMENTS_MAX)
_SHAPE_NUMBER = re.compile(r"(?<![\w.$?])(\d+\.\d+|\d+)(?![\w.])")
_DML_WORDS = ("select", "insert", "update", "delete")


def _shape(pg_sql: str) -> tuple[str, list] | None:
    """(shape, numbers in order) of a literal DML statement, None when it has none or has
    quotes or comments (the fast path would bind only some of its numbers)."""
    if pg_sql[:6].lower() not in _DML_WORDS or "'" in pg_sql or "--" in pg_sql or "/*" in pg_sql \
            or '"' in pg_sql or "$" in pg_sql:
        return None
    if any(lossy_number(m.group(1)) for m in _SHAPE_NUMBER.finditer(pg_sql)):
        return None  # not bound as a number: its text decides the translation
    nums: list = []

    def mark(m: re.Match) -> str:
        text = m.group(1)
        if "." in text:
            nums.append(float(text))
            return "\x00d"
        v = int(text)
        nums.append(v)
        return "\x00i" if v < 2**31 else "\x00l"
    shape = _SHAPE_NUMBER.sub(mark, pg_sql)
    return (shape, nums) if nums else None


def _translate_cached(pg_sql: str, ctx: SessionContext, catalog: schema.Catalog | None) -> tuple[Statement, ...]:
    shaped = _shape(pg_sql)
    if shaped is not None:
        with _CACHE_LOCK:
            hit = _SHAPES.get((shaped[0], ctx, catalog is not None))
        if hit is not None and (hit[1] is None or hit[1] == catalog.version()):
            return (dataclasses.replace(hit[0], literals=tuple(shaped[1])),)
    key = (pg_sql, ctx, catalog is not None)
    with _CACHE_LOCK:
        hit = _PLAIN.get(key)
        needs = catalog is not None and _NEEDS_SCHEMA.get(key) is not None
    if hit is not None:
        return hit
    if needs:
        version = catalog.version()
        with _CACHE_LOCK:
            hit = _TYPED.get((pg_sql, ctx, version))
        if hit is not None:
            return hit
    if catalog is not None:
        catalog = schema.Catalog(catalog.query, catalog.version)  # fresh: records what this translation asks
    with schema.using(catalog), exprtypes.declared_parameters(ctx.param_oids):
        out = _translate_text(pg_sql, ctx)
        missing_functions.check(pg_sql, [q for st in out if st.kind == "sql" for q in st.sqlite], catalog)
    block = _OUTSIDE_BLOCK.match(pg_sql)
    if block:
        words = " ".join(w.upper() for w in block.groups() if w)
        out = tuple(dataclasses.replace(st, outside_block=words) for st in out)
    used = catalog.used_version if catalog is not None else None
    with _CACHE_LOCK:
        if used is None:
            _PLAIN.put(key, out)
        else:
            _NEEDS_SCHEMA.put(key, True)
            _TYPED.put((pg_sql, ctx, used), out)
        if shaped is not None and len(out) == 1 and list(out[0].literals) == shaped[1]:
            _SHAPES.put((shaped[0], ctx, catalog is not None), (out[0], used))
    return out


# FROM ONLY t, UPDATE ONLY t, TRUNCATE ONLY t: no table inherits here, so ONLY changes
# nothing (pg_dump --inserts reads `FROM ONLY public.t`)
_ONLY = re.compile(r"\b(from|join|update|table|truncate)(\s+)only\s+(?=[\w\"])", re.IGNORECASE)


def _without_only(text: str) -> str:
    if "only" not in text.lower():
        return text
    return "".join(_ONLY.sub(r"\1\2", text[s:e]) if kind == "code" else text[s:e] for kind, s, e in segments(text))


# A numeric literal run straight into a name: PostgreSQL 15 refuses it ("trailing junk
# after numeric literal"), where the parser would read `SELECT 123abc` as 123 AS abc.
_NUMBER_JUNK = re.compile(r"(?<![\w$.])(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?(?![eE][+-]?\d)(?=[A-Za-z_])")


def _refuse_trailing_junk(text: str) -> None:
    for kind, start, end in segments(text):
        if kind != "code":
            continue
        m = _NUMBER_JUNK.search(text, start, end)
        if m is not None:
            junk = re.match(r"[\w.]+", text[m.start():end]).group(0)
            raise SqlError(f'trailing junk after numeric literal at or near "{junk}"', "42601")


_E_UNICODE = re.compile(r"\\(?:\\|u([0-9A-Fa-f]{0,4})|U([0-9A-Fa-f]{0,8}))")


def _check_unicode_escapes(text: str) -> None:
    """E'...' strings' \\uXXXX and \\UXXXXXXXX escapes as PostgreSQL checks them: four or
    eight hex digits (22025), a surrogate only as a pair, a code point in Unicode (42601)."""
    for kind, start, end in segments(text):
        if kind != "estr":
            continue
        high = None
        for m in _E_UNICODE.finditer(text, start, end):
            if m.group(0) == "\\\\":
                continue
            digits = m.group(1) if m.group(1) is not None else m.group(2)
            if len(digits) != (4 if m.group(1) is not None else 8):
                raise SqlError("invalid Unicode escape", "22025")
            code = int(digits, 16)
            if high is not None and not (0xDC00 <= code <= 0xDFFF and m.start() == high):
                raise SqlError("invalid Unicode surrogate pair", "42601")
            if 0xD800 <= code <= 0xDBFF:
                high = m.end()
            elif 0xDC00 <= code <= 0xDFFF and high is None:
                raise SqlError("invalid Unicode surrogate pair", "42601")
            else:
                high = None
                if code == 0 or code > 0x10FFFF:
                    raise SqlError("invalid Unicode escape value", "42601")
        if high is not None:
            raise SqlError("invalid Unicode surrogate pair", "42601")


def _translate_text(pg_sql: str, ctx: SessionContext) -> tuple[Statement, ...]:
    text = _without_only(strip_comments(pg_sql))
    if not text:
        return (Statement(kind="noop", tag="EMPTY"),)
    if has_top_level_semicolon(text):
        raise SqlError("cannot translate several statements at once", "42601")
    first = re.match(r"[A-Za-z_]+", text)
    if not first:
        if text.startswith("("):
            return (select_path(text, ctx),)
        raise error_near(text.split()[0][:20])
    word = first.group(0).lower()
    rest = text[first.end():]
    if any(c.isdigit() for c in text):
        _refuse_trailing_junk(text)
    if "\\u" in text or "\\U" in text:
        _check_unicode_escapes(text)
    handler = _HANDLERS.get(word)
    if handler is None:
        raise error_near(first.group(0))
    out = handler(text, rest, ctx)
    return tuple(out) if isinstance(out, list) else (out,)


# --- transactions ----------------------------------------------------------------------------
def _begin(text, rest, ctx):
    words = " ".join(rest.lower().replace(",", " ").split())
    if text.lower().startswith("start"):
        if not words.startswith("transaction"):
            raise error_near(text.split()[1] if len(text.split()) > 1 else "START")
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
            raise error_near(w)
    if ro:
        return Statement(kind="sql", tag="BEGIN", sqlite=("BEGIN READ ONLY",))
    # The engine reads the level: REPEATABLE READ and SERIALIZABLE keep one snapshot.
    # READ WRITE is kept in the text: it overrides default_transaction_read_only.
    rw = " READ WRITE" if "read write" in words else ""
    return Statement(kind="sql", tag="BEGIN",
                     sqlite=(f"BEGIN ISOLATION LEVEL {level.group(1).upper()}{rw}" if level else f"BEGIN{rw}",))


def _commit(text, rest, ctx):
    words = rest.lower().split()
    if words and words[0] in ("work", "transaction"):
        words = words[1:]
    if words and words not in (["and", "no", "chain"], ["and", "chain"]):
        raise error_near(words[0])
    # AND CHAIN: the session opens a transaction like the one that ended
    return Statement(kind="sql", tag="COMMIT", sqlite=("COMMIT",), value="chain" if words == ["and", "chain"] else None)


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
        return Statement(kind="sql", tag="ROLLBACK", sqlite=(f"ROLLBACK TO SAVEPOINT {ident(words[0])}",))
    if low and low not in (["and", "no", "chain"], ["and", "chain"]):
        raise error_near(words[0])
    return Statement(kind="sql", tag="ROLLBACK", sqlite=("ROLLBACK",), value="chain" if low == ["and", "chain"] else None)


def _savepoint(text, rest, ctx):
    words = rest.split()
    if len(words) != 1:
        raise SqlError("syntax error at end of input" if not words else f'syntax error at or near "{words[1]}"',
                       "42601")
    return Statement(kind="sql", tag="SAVEPOINT", sqlite=(f"SAVEPOINT {ident(words[0])}",))


def _release(text, rest, ctx):
    words = rest.split()
    if words and words[0].lower() == "savepoint":
        words = words[1:]
    if len(words) != 1:
        raise SqlError("syntax error at end of input", "42601")
    return Statement(kind="sql", tag="RELEASE", sqlite=(f"RELEASE SAVEPOINT {ident(words[0])}",))


# --- SET / SHOW / RESET ----------------------------------------------------------------------
_SET_VALUE_TOKEN = re.compile(r"\s*(?:E'((?:[^'\\]|\\.|'')*)'|'((?:[^']|'')*)'|\"((?:[^\"]|\"\")*)\"|"
                              r"([-+]?[0-9.]+[A-Za-z]*)|([A-Za-z_][A-Za-z0-9_$.]*)|(,))", re.DOTALL)


def _set_value(raw: str, name: str) -> str | None:
    raw = raw.strip()
    parts, pos = [], 0
    while pos < len(raw):
        m = _SET_VALUE_TOKEN.match(raw, pos)
        if not m:
            raise error_near(raw[pos:].split()[0])
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
    m = re.match(r"session\s+authorization\s+(.*)$", body, re.IGNORECASE | re.DOTALL)
    if m:
        return Statement(kind="set", tag="SET", name="session_authorization", value=_set_value(m.group(1), "x"))
    m = re.match(r"(session|local)\b\s*", body, re.IGNORECASE)
    local = bool(m) and m.group(1).lower() == "local"
    if m:
        body = body[m.end():]
    low = " ".join(body.lower().split())
    m = re.match(r"((?:session\s+)?characteristics\s+as\s+)?transaction\b(.*)$", low)
    if m:
        # The isolation level (REPEATABLE READ keeps a snapshot) and READ ONLY / READ
        # WRITE matter; [NOT] DEFERRABLE is accepted and ignored.
        prefix = "default_" if m.group(1) else ""
        modes = m.group(2).replace(",", " ")
        out = []
        level = re.search(r"isolation level (serializable|repeatable read|read committed|read uncommitted)", modes)
        if level:
            out.append(Statement(kind="set", tag="SET", name=prefix + "transaction_isolation", value=level.group(1)))
            modes = modes.replace(level.group(0), " ")
        for w in re.findall(r"read only|read write|not deferrable|deferrable|\S+", modes):
            if w in ("read only", "read write"):
                out.append(Statement(kind="set", tag="SET", name=prefix + "transaction_read_only",
                                     value="on" if w == "read only" else "off"))
            elif w not in ("deferrable", "not deferrable"):
                raise error_near(w)
        return out or [Statement(kind="noop", tag="SET")]
    if low.startswith("constraints"):  # SET CONSTRAINTS {ALL | name, ...} {DEFERRED | IMMEDIATE}
        m = re.match(r"constraints\s+(.+?)\s+(deferred|immediate)\s*$", body, re.IGNORECASE | re.DOTALL)
        if not m:
            raise error_near(body.split()[-1] if len(body.split()) > 1 else "CONSTRAINTS")
        names = None if m.group(1).strip().lower() == "all" else ",".join(
            object_name(n.strip().split(".")[-1]) for n in split_top_level(m.group(1)))
        return Statement(kind="set_constraints", tag="SET CONSTRAINTS", name=names or "",
                         value=m.group(2).lower())
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
        raise error_near(body.split()[0] if body else "SET")
    name = m.group(1).strip('"').lower()
    return Statement(kind="set", tag="SET", name=name, value=_set_value(m.group(2), name), local=local)


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


def _comment(text, rest, ctx):
    """COMMENT ON TABLE / VIEW / COLUMN keeps the description (comments.py); on anything
    else it is accepted and not kept."""
    stmts = comments.statements(rest)
    if stmts is None:
        return Statement(kind="noop", tag="COMMENT")
    return Statement(kind="sql", tag="COMMENT", sqlite=tuple(stmts))


def _unsupported(what):
    def h(text, rest, ctx):
        raise SqlError(f"{what} is not supported", "0A000")
    return h


def _merge(text: str, rest: str, ctx: SessionContext) -> Statement:
    return merge.statement(text, ctx.param_oids)


def _do(text, rest, ctx):
    """DO: the body parsed now (what cannot run is refused before anything does); the
    session runs it (kind "do", the DO's text after the keyword in `value`)."""
    plpgsql.parse_do(rest)
    return Statement(kind="do", tag="DO", value=rest)


# --- EXPLAIN ---------------------------------------------------------------------------------
_EXPLAIN_OPTS = re.compile(r"^\(([^)]*)\)\s*", re.DOTALL)


def _explain(text, rest, ctx):
    """EXPLAIN [VERBOSE | (options)] statement: kind "explain", SQLite's EXPLAIN QUERY PLAN of
    the translation (the session prints it as PostgreSQL's one-column QUERY PLAN)."""
    body = rest.strip()
    m = _EXPLAIN_OPTS.match(body)
    opts = m.group(1).lower() if m else ""
    if m:
        body = body[m.end():]
    if re.match(r"analy[sz]e\b", body, re.IGNORECASE) or re.search(r"\banaly[sz]e\b(?!\s+(false|off|0)\b)", opts):
        raise SqlError("EXPLAIN ANALYZE is not supported", "0A000")
    body = re.sub(r"^verbose\b\s*", "", body, flags=re.IGNORECASE)
    if re.search(r"\bformat\s+(json|xml|yaml)\b", opts):
        raise SqlError("EXPLAIN formats other than TEXT are not supported", "0A000")
    inner = _translate_text(body, ctx)
    if len(inner) != 1 or inner[0].kind != "sql" or len(inner[0].sqlite) != 1:
        raise SqlError("EXPLAIN of this statement is not supported", "0A000")
    return Statement(kind="explain", tag="EXPLAIN", sqlite=("EXPLAIN QUERY PLAN " + inner[0].sqlite[0],),
                     param_count=inner[0].param_count, literals=inner[0].literals)


# --- cursors (the session keeps their rows) -----------------------------------------------------
_DECLARE = re.compile(r"^declare\s+(\"(?:[^\"]|\"\")+\"|[A-Za-z_][A-Za-z0-9_$]*)\s+((?:binary|asensitive|"
                      r"insensitive|no\s+scroll|scroll)\s+)*cursor\s+(?:(with|without)\s+hold\s+)?for\s+(.*)$",
                      re.IGNORECASE | re.DOTALL)
_FETCH = re.compile(r"^(?:fetch|move)\s+(?:(next|all|forward\s+all|forward\s+\d+|forward|\d+)\s+)?"
                    r"(?:(?:from|in)\s+)?(\"(?:[^\"]|\"\")+\"|[A-Za-z_][A-Za-z0-9_$]*)\s*$", re.IGNORECASE)


def _declare(text, rest, ctx):
    """DECLARE name CURSOR [WITH HOLD] FOR query: kind "declare"; the query in `sqlite`,
    the cursor's name in `name`, "hold" in `value` for WITH HOLD. Forward-only."""
    m = _DECLARE.match(text)
    if not m:
        raise SqlError("only DECLARE name [NO SCROLL] CURSOR [WITH|WITHOUT HOLD] FOR query is supported", "0A000")
    if m.group(2) and re.search(r"(?<!no\s)\bscroll\b", m.group(2), re.I) and "no" not in m.group(2).lower():
        raise SqlError("scrollable cursors are not supported", "0A000")
    query = _translate_text(m.group(4).strip(), ctx)
    if len(query) != 1 or query[0].kind != "sql" or query[0].tag not in ("SELECT",):
        raise SqlError("DECLARE CURSOR needs a SELECT or VALUES query", "42601")
    q = query[0]
    return Statement(kind="declare", tag="DECLARE CURSOR", sqlite=q.sqlite, param_count=q.param_count,
                     name=object_name(m.group(1)), value="hold" if (m.group(3) or "").lower() == "with" else None,
                     column_oids=q.column_oids, literals=q.literals, column_scales=q.column_scales,
                     column_pads=q.column_pads, compound=q.compound)


def _fetch(text, rest, ctx, tag):
    """FETCH/MOVE [NEXT | n | ALL | FORWARD [n | ALL]] [FROM] name: `value` is the count
    ("all" or digits)."""
    m = _FETCH.match(text.strip())
    if not m:
        raise SqlError(f"only forward {tag} is supported (NEXT, n, ALL, FORWARD n, FORWARD ALL)", "0A000")
    how = " ".join((m.group(1) or "next").lower().split())
    count = "all" if how.endswith("all") else ("1" if how in ("next", "forward") else how.split()[-1])
    return Statement(kind="fetch", tag=tag, name=object_name(m.group(2)), value=count)


def _close_cursor(text, rest, ctx):
    words = rest.split()
    if len(words) != 1:
        raise SqlError("syntax error at end of input" if not words else f'syntax error at or near "{words[1]}"',
                       "42601")
    return Statement(kind="close_cursor", tag="CLOSE CURSOR",
                     name="all" if words[0].lower() == "all" else object_name(words[0]))


_HANDLERS = {
    "select": dml, "insert": dml, "update": dml, "delete": dml,
    "with": dml, "values": lambda t, r, c: select_path(t, c),
    "table": table_stmt,
    "begin": _begin, "start": _begin, "commit": _commit, "end": _commit, "rollback": _rollback,
    "abort": _rollback, "savepoint": _savepoint, "release": _release, "prepare": prepared.prepare,
    "set": _set, "reset": _reset, "show": _show,
    "vacuum": vacuum, "analyze": analyze, "analyse": analyze, "checkpoint": noop("CHECKPOINT"),
    "discard": discard, "deallocate": prepared.deallocate, "copy": copy_stmt,
    "drop": drop, "truncate": truncate, "create": create, "alter": alter,
    "lock": noop("LOCK TABLE"), "comment": _comment, "grant": noop("GRANT"), "revoke": noop("REVOKE"),
    "listen": listen.listen, "notify": listen.notify, "unlisten": listen.unlisten,
    "execute": prepared.execute, "explain": _explain,
    "do": _do, "call": _unsupported("CALL"),
    "merge": _merge,
    "fetch": lambda t, r, c: _fetch(t, r, c, "FETCH"),
    "move": lambda t, r, c: _fetch(t, r, c, "MOVE"), "declare": _declare, "close": _close_cursor,
    "reindex": noop("REINDEX"), "cluster": noop("CLUSTER"), "refresh": lambda t, r, c: table_as.refresh(r, c),
}
