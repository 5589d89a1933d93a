"""A call of a function nobody has, reported as PostgreSQL reports it.

A call the translation does not know passes through to SQLite, whose error ("no such
function: NOSUCHFN", when the statement runs) names neither the argument types nor the
name as written. PostgreSQL finds it while analyzing the statement: `function
nosuchfn(integer, unknown) does not exist` (42883; the connection adds its HINT and the
call's position). After a statement is translated (once per text: translations are
cached), each name its SQLite text calls that SQLite has no function of is checked by
preparing the statement (EXPLAIN); if SQLite confirms the function is missing, the call is
found in the PostgreSQL text and its arguments typed there."""

from __future__ import annotations

import re
import threading

import apsw
import sqlglot
from sqlglot import exp

from compute_node.pg_sql import exprtypes, lexing, schema
from sixfold.errors import SqlError

_CALL = re.compile(r"(?<![.\w])([A-Za-z_][A-Za-z0-9_]*)\s*\(")
_NOT_A_CALL_AFTER = re.compile(r"(?:\b(?:INTO|TABLE|EXISTS|VIEW|ON|REFERENCES|WITH|RECURSIVE|INDEX|TRIGGER|OF)\s+)$",
                               re.IGNORECASE)
# Words SQLite writes before a "(" that are not functions.
_KEYWORDS = frozenset("""
    in exists values cast over filter using as and or not when then else select from where on join set key check
    unique default collate row is like glob between returning conflict raise case by partition all any limit offset
    having window generated distinct union except intersect do update nothing primary foreign references table
    into with recursive materialized view index trigger begin end of each for instead after before delete insert
    replace abort fail ignore rollback constraint stored virtual always autoincrement escape match regexp
    """.split())
_MISSING = re.compile(r"^(?:\w+Error: )?(?:no such function: (\w+)|function (\w+) does not exist)$")
_known: set[str] = set()  # names SQLite has a function of (functions are never unregistered)
_known_lock = threading.Lock()


def _unknown_names(sqlite: str, catalog: schema.Catalog) -> set[str]:
    names = set()
    for kind, s, e in lexing.segments(sqlite):
        if kind != "code":
            continue
        for m in _CALL.finditer(sqlite, s, e):
            name = (m.group(1) or m.group(2)).lower()
            if name in _KEYWORDS or _NOT_A_CALL_AFTER.search(sqlite, max(0, m.start() - 20), m.start()):
                continue
            names.add(name)
    with _known_lock:
        names -= _known
    if not names:
        return names
    found = {r[0].lower() for r in catalog.query(
        "SELECT name FROM pragma_function_list WHERE name IN (%s)" % ",".join("?" * len(names)), tuple(names))}
    with _known_lock:
        _known.update(found)
    return names - found


def _labels(pg_sql: str, name: str) -> str | None:
    """The argument types of the first call of `name` in `pg_sql`, as PostgreSQL lists them."""
    try:
        tree = sqlglot.parse_one(pg_sql, read="postgres")
    except Exception:  # (sqlglot's errors are not all ParseError)
        return None
    for call in tree.find_all(exp.Anonymous):
        if call.name.lower() == name:
            return ", ".join(exprtypes.type_label(a) or "unknown" for a in call.expressions)
    return None


def check(pg_sql: str, sqlite_statements: list[str], catalog: schema.Catalog | None) -> None:
    """Raise PostgreSQL's 42883 for a call of a function SQLite has not (see the module)."""
    if catalog is None:
        return
    for sqlite in sqlite_statements:
        if lexing.has_top_level_semicolon(sqlite.rstrip().rstrip(";")) or not _unknown_names(sqlite, catalog):
            continue  # (EXPLAIN of "a; b" would run b)
        try:
            catalog.query("EXPLAIN " + sqlite, ())
        except (apsw.Error, SqlError) as e:  # (the session's catalog reads raise SqlError)
            m = _MISSING.search(str(e))
            if m is None:
                continue  # (a table an earlier statement of the translation creates, unbound parameters)
            name = (m.group(1) or m.group(2)).lower()
            labels = _labels(pg_sql, name)
            if labels is not None:
                raise SqlError(f"function {name}({labels}) does not exist", "42883") from None
