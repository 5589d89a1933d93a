"""Temporary tables: a session's own tables, under names no other session uses.

PostgreSQL keeps a session's temporary tables in a schema of its own (pg_temp_N), which
comes first in its search path and goes when the session ends. SQLite's temporary tables
belong to one connection, and a compute node runs every session's writes on one writer
connection and its reads on the session's own reader, so they cannot stand for them.
Sixfold makes a temporary table a regular table named
`sixfold_temp_<session token>_<name>` and rewrites the session's statements so that the
name it wrote reaches that table:

- a relation name (after FROM, JOIN, INTO, UPDATE, TABLE, TRUNCATE, COPY, REFERENCES, a
  FROM list's comma, CREATE INDEX's and CREATE TRIGGER's ON) that names one of the
  session's temporary tables, and `pg_temp.name`, are renamed;
- a column qualifier `name.` is renamed unless the statement uses the name as an alias;
- a CTE of the same name shadows the table (not renamed);
- an index on a temporary table gets a name of the session's too.

This module is pure (text in, text out). `PgSession` owns the names (read from the
catalog as the session sees it, so a rolled-back CREATE leaves none), ON COMMIT, DISCARD
TEMP and the drop at the session's end; the writer drops what a session that ended
without dropping its tables (a crash) left behind.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from compute_node.pg_sql.lexing import object_name, quoted_ident, segments
from sixfold.errors import SqlError

PREFIX = "sixfold_temp_"
# The names a session's catalog query matches (LIKE, with \ as escape).
LIKE_ESCAPED_PREFIX = PREFIX.replace("_", "\\_")

_CREATE = re.compile(
    r"\s*create\s+(?:(?:global|local)\s+)?(?:temp|temporary)\s+table\s+(if\s+not\s+exists\s+)?"
    r"(?:pg_temp\s*\.\s*)?(\"(?:[^\"]|\"\")+\"|[A-Za-z_][A-Za-z0-9_$]*)", re.IGNORECASE)
_ON_COMMIT = re.compile(r"\bon\s+commit\s+(preserve\s+rows|delete\s+rows|drop)\s*;?\s*$", re.IGNORECASE)
_TEMP_OTHER = re.compile(r"\s*create\s+(?:or\s+replace\s+)?(?:(?:global|local)\s+)?(?:temp|temporary)\s+"
                         r"(view|sequence|materialized)\b", re.IGNORECASE)
_WORD = re.compile(r"[A-Za-z_\x80-\uffff][A-Za-z0-9_$\x80-\uffff]*")


def physical(token: str, name: str) -> str:
    """The regular table (or index) that holds session `token`'s temporary `name`."""
    return f"{PREFIX}{token}_{name}"


def token_of(table: str) -> str | None:
    """The session token in a temporary table's physical name (None: not one)."""
    if not table.startswith(PREFIX):
        return None
    token, _, rest = table[len(PREFIX):].partition("_")
    return token if rest else None


def sql_name(name: str) -> str:
    """`name` as it is written in a statement: bare when PostgreSQL would fold it to
    itself, else quoted."""
    return name if re.fullmatch(r"[a-z_][a-z0-9_$]*", name) else quoted_ident(name)


@dataclass
class CreateTemp:
    """CREATE TEMP TABLE, rewritten as the regular table's CREATE TABLE."""
    name: str  # as the session names it
    sql: str  # CREATE TABLE of the physical name, ON COMMIT removed
    on_commit: str  # "preserve", "delete" or "drop"


def parse_create(sql: str, token: str) -> CreateTemp | None:
    """CREATE TEMP TABLE's (or SELECT ... INTO TEMP's) parts (None: `sql` is neither).
    CREATE TEMP VIEW / SEQUENCE are refused here: they would need the same renaming of
    what reads them."""
    if not _ANY_TEMP.search(sql):  # (most statements: one scan, not three)
        return None
    if _TEMP_OTHER.match(sql):
        raise SqlError("temporary views and sequences are not supported; create a regular one "
                       "and drop it when done", "0A000")
    m = _CREATE.match(sql)
    if not m:
        return _select_into(sql, token) if _SELECT_INTO_TEMP.search(sql) else None
    name = object_name(m.group(2))
    body = sql[m.end():]
    on_commit = "preserve"
    oc = _ON_COMMIT.search(body)
    if oc:
        on_commit = oc.group(1).split()[0].lower()
        body = body[:oc.start()]
    elif re.search(r"\bon\s+commit\b", body, re.IGNORECASE):
        raise SqlError('syntax error at or near "ON"', "42601")
    head = "CREATE TABLE " + (m.group(1) or "")
    return CreateTemp(name, head + sql_name(physical(token, name)) + body, on_commit)


_ANY_TEMP = re.compile(r"temp", re.IGNORECASE)
_SELECT_INTO_TEMP = re.compile(r"\binto\s+(temp|temporary)\b", re.IGNORECASE)


def _select_into(sql: str, token: str) -> CreateTemp | None:
    """SELECT ... INTO TEMP [TABLE] name ...: the INTO of the statement's own level."""
    toks = _tokens(sql)
    if not toks or toks[0].low not in ("select", "with"):
        return None
    depth = 0
    for i, t in enumerate(toks):
        depth += t.text == "(" if t.kind == "punct" else 0
        depth -= t.text == ")" if t.kind == "punct" else 0
        if depth or t.low != "into" or i + 2 >= len(toks) or toks[i + 1].low not in ("temp", "temporary"):
            continue
        j = i + 2 + (toks[i + 2].low == "table")
        if j >= len(toks) or toks[j].name is None:
            return None
        name = toks[j].name
        return CreateTemp(name, sql[:toks[i + 1].start] + sql_name(physical(token, name)) + sql[toks[j].end:],
                          "preserve")
    return None


# --- rewriting a statement ----------------------------------------------------------------

# Words after which the next name is a relation.
_RELATION_AFTER = {"into", "update", "table", "truncate", "references", "copy", "lock",
                   "analyze", "vacuum"}
# Words that may stand between such a word and the relation's name.
_SKIPPED = {"if", "not", "exists", "only", "lateral", "table", "concurrently", "verbose", "in", "share",
            "exclusive", "row", "access", "mode", "unique"}
# Words that end a FROM list at its own level.
_ENDS_FROM = {"where", "group", "having", "order", "limit", "offset", "union", "intersect", "except", "window",
              "returning", "set", "for", "fetch", "values", "select", "do", "into"}
# Words that are never a relation's name or alias.
_RESERVED = {"all", "and", "any", "as", "asc", "both", "case", "cast", "check", "collate", "column", "constraint",
             "create", "cross", "current_date", "current_time", "current_timestamp", "default", "desc",
             "distinct", "do", "else", "end", "except", "false", "fetch", "for", "foreign", "from", "full",
             "grant", "group", "having", "in", "inner", "intersect", "into", "is", "join", "lateral", "left",
             "limit", "natural", "not", "null", "offset", "on", "only", "or", "order", "outer", "primary",
             "references", "returning", "right", "select", "set", "some", "table", "tablesample", "then", "to",
             "true", "union", "unique", "using", "values", "when", "where", "window", "with",
             "nowait", "skip", "of", "rename", "add", "drop", "alter", "owner", "cascade", "restrict"}
_QUERY_START = {"select", "with", "values", "table"}


@dataclass
class _Tok:
    kind: str  # "word", "ident" (quoted), "punct", "other" (a literal)
    text: str
    start: int
    end: int

    @property
    def low(self) -> str:
        return self.text.lower() if self.kind == "word" else ""

    @property
    def name(self) -> str | None:
        """The object name this token spells (None: not a name)."""
        if self.kind == "word":
            return self.text.lower()
        if self.kind == "ident":
            return object_name(self.text)
        return None


def _tokens(sql: str) -> list[_Tok]:
    out: list[_Tok] = []
    for kind, s, e in segments(sql):
        if kind == "comment":
            continue
        if kind == "ident":
            out.append(_Tok("ident", sql[s:e], s, e))
            continue
        if kind != "code":
            out.append(_Tok("other", sql[s:e], s, e))
            continue
        i = s
        while i < e:
            c = sql[i]
            if c.isspace():
                i += 1
                continue
            m = _WORD.match(sql, i, e)
            if m and not c.isdigit():
                out.append(_Tok("word", m.group(0), i, m.end()))
                i = m.end()
                continue
            if c.isdigit():
                j = i
                while j < e and (sql[j].isalnum() or sql[j] in "._"):
                    j += 1
                out.append(_Tok("other", sql[i:j], i, j))
                i = j
                continue
            out.append(_Tok("punct", c, i, i + 1))
            i += 1
    return out


@dataclass
class Rewritten:
    sql: str
    renamed: set[str]  # the temporary names the statement refers to
    referenced_by_fk: bool  # a temporary table is named after REFERENCES


def rewrite(sql: str, token: str, tables: set[str], indexes: set[str]) -> Rewritten:
    """`sql` with its references to session `token`'s temporary tables (`tables`, as the
    session names them) and their indexes (`indexes`) renamed to their physical names."""
    toks = _tokens(sql)
    n = len(toks)
    words = [t.low for t in toks[:4]]
    low0 = words[0] if words else ""
    # CTE names shadow tables; aliases keep a qualifier from being renamed.
    shadow: set[str] = set()
    for i in range(1, n - 1):
        t, nxt, prev = toks[i], toks[i + 1], toks[i - 1]
        if t.name is None or t.low in _RESERVED:
            continue
        j = i + 1
        if nxt.text == "(":  # a column list: name (a, b) AS (
            j = next((k for k in range(i + 2, n) if toks[k].text == ")"), n - 1) + 1
        if j + 1 < n and toks[j].low == "as" and (toks[j + 1].text == "(" or toks[j + 1].low in ("materialized", "not")) \
                and (prev.low in ("with", "recursive") or prev.text == ","):
            shadow.add(t.name)
    names = tables - shadow
    if not names and not indexes:
        return Rewritten(sql, set(), False)
    aliases: set[str] = set()
    edits: list[tuple[int, int, str]] = []  # (start, end, replacement)
    qualifiers: list[_Tok] = []
    renamed: set[str] = set()
    fk = False
    create_index = low0 == "create" and "index" in words[1:3]
    create_trigger = low0 == "create" and "trigger" in words[1:4]
    create_table = low0 == "create" and "table" in words[1:3]
    alter_table = low0 == "alter" and words[1:2] == ["table"]
    # Per parenthesis level: [a query (FROM names relations), a FROM list is open,
    # an alias may follow the closing parenthesis]
    frames: list[list[bool]] = [[True, False, False]]
    expect = ""  # "rel": a relation's name comes next; "alias": an alias may
    intro = ""  # the word that made expect "rel"
    opened = False  # the token before was "("
    list_stmt = low0 in ("drop", "truncate", "lock", "analyze", "vacuum")
    target_skipped = not create_table  # CREATE TABLE's own name is never a temporary one
    rename_to = False

    def lookup(name: str) -> str | None:
        if intro == "index":
            return physical(token, name) if name in indexes else None
        return physical(token, name) if name in names else None

    for i, t in enumerate(toks):
        frame = frames[-1]
        if opened:
            frame[0] = t.low in _QUERY_START
            opened = False
        if t.kind == "punct":
            if t.text == "(":
                frames.append([False, False, expect == "rel"])
                opened = True
                expect = ""
            elif t.text == ")":
                closed = frames.pop() if len(frames) > 1 else [False, False, False]
                expect = "alias" if closed[2] else ""
            elif t.text == ",":
                if list_stmt and len(frames) == 1:
                    expect = "rel"
                elif frame[1]:
                    expect, intro = "rel", ","
                else:
                    expect = ""
            elif t.text != ".":
                expect = ""
            continue
        w = t.low
        before = toks[i - 1] if i > 0 else None
        after = toks[i + 1] if i + 1 < n else None
        if expect == "rel" and w in _SKIPPED:
            continue
        if w == "from" and frame[0] and not (before is not None and before.low == "distinct"):
            frame[1], expect, intro = True, "rel", w
            continue
        if w == "using" and low0 == "delete" and len(frames) == 1 and after is not None and after.kind != "punct":
            frame[1], expect, intro = True, "rel", w
            continue
        if w == "join":
            frame[1], expect, intro = True, "rel", w
            continue
        if w in _RELATION_AFTER and not (w == "update" and before is not None
                                         and before.low in ("for", "do", "no", "key")):
            if w == "copy" and i != 0:
                continue
            expect, intro = "rel", w
            if w in ("table", "truncate", "lock", "analyze", "vacuum") and len(frames) == 1:
                list_stmt = list_stmt or not create_table
            continue
        if w == "on" and (create_index or create_trigger) and len(frames) == 1:
            expect, intro = "rel", w
            continue
        if w == "index" and low0 == "drop" and i == 1:
            expect, intro = "rel", w
            continue
        if w == "to" and before is not None and before.low == "rename" and alter_table and renamed:
            rename_to = True
            continue
        if w in _ENDS_FROM:
            frame[1] = False
            expect = ""
            continue
        if w == "as":
            if after is not None and after.name is not None and after.low not in _RESERVED:
                aliases.add(after.name)
            expect = ""
            continue
        name = t.name
        if name is None:
            expect = ""
            continue
        if rename_to:
            edits.append((t.start, t.end, sql_name(physical(token, name))))
            rename_to = False
            continue
        if expect == "rel" and w not in _RESERVED:
            if after is not None and after.text == ".":  # schema-qualified
                target = toks[i + 2] if i + 2 < n else None
                if name == "pg_temp" and target is not None and target.name is not None:
                    phys = lookup(target.name)
                    if phys is None:
                        raise SqlError(f'relation "pg_temp.{target.name}" does not exist', "42P01")
                    edits.append((t.start, target.end, sql_name(phys)))
                    renamed.add(target.name)
                expect = "qualified"
                continue
            if not target_skipped and intro == "table":
                target_skipped = True
                expect = ""
                continue
            phys = lookup(name)
            if phys is not None:
                edits.append((t.start, t.end, sql_name(phys)))
                renamed.add(name)
                fk = fk or intro == "references"
            expect = "alias"
            continue
        if expect == "qualified" and before is not None and before.text == ".":
            expect = "alias"
            continue
        if expect == "alias" and w not in _RESERVED and (after is None or after.text != "."):
            aliases.add(name)
            expect = ""
            continue
        expect = ""
        if after is not None and after.text == "." and (before is None or before.text != ".") and name in names:
            qualifiers.append(t)
    for t in qualifiers:
        if t.name not in aliases:
            edits.append((t.start, t.end, sql_name(physical(token, t.name))))
            renamed.add(t.name)
    if create_index and renamed:
        edits += _index_name(toks, token)
    out = sql
    for s, e, text in sorted(edits, reverse=True):
        out = out[:s] + text + out[e:]
    return Rewritten(out, renamed, fk)


def _index_name(toks: list[_Tok], token: str) -> list[tuple[int, int, str]]:
    """CREATE INDEX name ON <temporary table>: the index's name is the session's too."""
    i = 1
    while i < len(toks) and toks[i].low in ("unique", "index", "concurrently", "if", "not", "exists"):
        i += 1
    if i < len(toks) and toks[i].low != "on" and toks[i].name is not None:
        return [(toks[i].start, toks[i].end, sql_name(physical(token, toks[i].name)))]
    return []


def strip_names(message: str, token: str) -> str:
    """An error message with the session's physical names as the session wrote them."""
    return message.replace(PREFIX + token + "_", "")
