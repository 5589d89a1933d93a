"""SQL-level PREPARE, EXECUTE and DEALLOCATE, as the translator reads them.

    PREPARE name [(type, ...)] AS statement   -> kind "prepare": `name`, the statement's
                                                 text in `value`, the declared types'
                                                 OIDs in `param_oids`
    EXECUTE name [(argument, ...)]            -> kind "execute": `name`, the arguments'
                                                 text (inside the parentheses) in `value`
    DEALLOCATE [PREPARE] name | ALL           -> kind "deallocate": `name` ("all" for ALL)

The session keeps prepared statements in one namespace with the extended protocol's
(PostgreSQL's: a Parse message's statement can be run by EXECUTE and dropped by
DEALLOCATE, which is how psycopg drops its own). It translates the statement at PREPARE,
and at EXECUTE evaluates the arguments, cast to the parameters' types, and binds them as
a Bind message's would be.
"""

from __future__ import annotations

import re

from compute_node.pg_sql import types as pgtypes
from compute_node.pg_sql.lexing import error_near, object_name, segments, split_top_level
from compute_node.pg_sql.statement import Statement
from sixfold.errors import SqlError

_NAME = re.compile(r'\s*("(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*)', re.DOTALL)
# What PREPARE may prepare (PostgreSQL: SELECT, INSERT, UPDATE, DELETE, MERGE, VALUES).
_PREPARABLE = ("select", "insert", "update", "delete", "merge", "values", "with", "table", "(")
# Type names that are text here (pgtypes.column_oid reads any unknown name as text).
_TEXT_NAMES = {"text", "varchar", "character varying", "char", "character", "bpchar", "name", "citext"}


def _name_and_rest(rest: str) -> tuple[str, str]:
    m = _NAME.match(rest)
    if not m:
        raise error_near(rest.strip().split()[0] if rest.strip() else "end of input")
    return object_name(m.group(1)), rest[m.end():].lstrip()


def _parenthesized(text: str) -> tuple[str | None, str]:
    """('a, b', rest) when `text` starts with '(a, b)'; (None, text) when it has no '('."""
    if not text.startswith("("):
        return None, text
    depth = 0
    for kind, start, end in segments(text):
        if kind != "code":
            continue
        for i in range(start, end):
            depth += text[i] == "("
            depth -= text[i] == ")"
            if depth == 0:
                return text[1:i], text[i + 1:].lstrip()
    raise SqlError("syntax error at end of input", "42601")


def type_oid(name: str) -> int:
    """A declared parameter type's OID; 42704 for a type PostgreSQL would not know."""
    decl = " ".join(name.lower().split()).removeprefix("pg_catalog.")
    base = re.sub(r"\s*\(.*\)", "", decl).removesuffix("[]").strip()
    if base not in pgtypes.TYPE_OIDS and base not in _TEXT_NAMES:
        raise SqlError(f'type "{name.strip()}" does not exist', "42704")
    return pgtypes.column_oid(decl, None)


def prepare(text: str, rest: str, ctx) -> Statement:
    if rest.split()[:1] and rest.split()[0].lower() == "transaction":
        raise SqlError("prepared transactions (two-phase commit) are not supported", "0A000")
    name, rest = _name_and_rest(rest)
    types, rest = _parenthesized(rest)
    oids = tuple(type_oid(t) for t in split_top_level(types)) if types is not None and types.strip() else ()
    m = re.match(r"as\b\s*", rest, re.IGNORECASE)
    if not m:
        raise error_near(rest.split()[0] if rest.split() else "end of input")
    body = rest[m.end():].strip()
    if not body.lower().startswith(_PREPARABLE):
        raise error_near(body.split()[0] if body else "end of input")
    return Statement(kind="prepare", tag="PREPARE", name=name, value=body, param_oids=oids)


def execute(text: str, rest: str, ctx) -> Statement:
    name, rest = _name_and_rest(rest)
    args, rest = _parenthesized(rest)
    if rest:
        raise error_near(rest.split()[0])
    return Statement(kind="execute", tag="EXECUTE", name=name, value=args)


def deallocate(text: str, rest: str, ctx) -> Statement:
    words = rest.split()
    if words and words[0].lower() == "prepare":
        words = words[1:]
    if len(words) != 1:
        raise SqlError("syntax error at end of input", "42601")
    w = words[0]
    if w.lower() == "all":
        return Statement(kind="deallocate", tag="DEALLOCATE ALL", name="all")
    return Statement(kind="deallocate", tag="DEALLOCATE", name=object_name(w))


def arguments(stmt: Statement) -> list[str]:
    """EXECUTE's argument expressions, as written."""
    if stmt.value is None or not stmt.value.strip():
        return []
    return [a.strip() for a in split_top_level(stmt.value)]


def cast_to(oid: int | None) -> str | None:
    """The type name to cast an EXECUTE argument to for a parameter of type `oid` (None:
    unknown, the argument's own type)."""
    from compute_node.pg_sql import arrays

    if oid in arrays.ARRAY_OIDS:
        return arrays.ELEMENTS[arrays.ARRAY_OIDS[oid]][2] + "[]"
    return pgtypes.REGTYPE_NAMES.get(oid) if oid not in (None, 0, pgtypes.UNKNOWN) else None
