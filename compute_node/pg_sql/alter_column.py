"""ALTER TABLE ... ALTER COLUMN: SET/DROP DEFAULT, SET/DROP NOT NULL, TYPE.

SQLite cannot alter a column. These changes leave the stored rows' format as it is, so
Sixfold rewrites the column's definition in the table's CREATE TABLE text (sqlite_master,
under `pragma writable_schema`, then a new schema version so every connection, replicas
included, reloads it). What the new definition demands of the rows already there is
checked first (SET NOT NULL: no NULL; TYPE: every value converts), and a TYPE change
converts them with an UPDATE, as PostgreSQL rewrites the table. `rewrite_column` is the
pure text edit, run as a SQLite function inside that UPDATE of sqlite_master."""

from __future__ import annotations

import re

from compute_node.pg_sql import types as pgtypes, values
from compute_node.pg_sql.lexing import object_name, split_top_level

_CONSTRAINT_WORDS = {"constraint", "not", "null", "default", "primary", "unique", "check", "references", "collate",
                     "generated", "as"}


def _tokens(coldef: str) -> list[str]:
    """A column definition's tokens: words, quoted names and strings, parenthesised groups."""
    out, i, n = [], 0, len(coldef)
    while i < n:
        c = coldef[i]
        if c.isspace():
            i += 1
            continue
        if c in "'\"":
            j = i + 1
            while j < n:
                if coldef[j] == c:
                    if j + 1 < n and coldef[j + 1] == c:
                        j += 2
                        continue
                    break
                j += 1
            out.append(coldef[i:j + 1])
            i = j + 1
        elif c == "(":
            depth, j = 0, i
            while j < n:
                if coldef[j] == "(":
                    depth += 1
                elif coldef[j] == ")":
                    depth -= 1
                    if depth == 0:
                        break
                elif coldef[j] in "'\"":
                    q = coldef[j]
                    j += 1
                    while j < n and coldef[j] != q:
                        j += 1
                j += 1
            out.append(coldef[i:j + 1])
            i = j + 1
        else:
            j = i
            while j < n and not coldef[j].isspace() and coldef[j] not in "('\"":
                j += 1
            out.append(coldef[i:j])
            i = j
    return out


def rewrite_column(create_sql: str, column: str, op: str, arg: str) -> str:
    """The CREATE TABLE text with one column's definition changed. op: 'set_default' (arg:
    the SQLite DEFAULT clause), 'drop_default', 'set_not_null', 'drop_not_null', 'type' (arg:
    the SQLite column type followed by the type CHECK clauses, tab-separated)."""
    open_at = create_sql.index("(")
    close_at = create_sql.rindex(")")
    parts = split_top_level(create_sql[open_at + 1:close_at])
    target = column.strip('"')
    for k, part in enumerate(parts):
        toks = _tokens(part)
        if not toks or object_name(toks[0]) != target:
            continue
        name, rest = toks[0], toks[1:]
        type_end = 0
        while type_end < len(rest) and rest[type_end].lower() not in _CONSTRAINT_WORDS:
            type_end += 1
        type_toks, cons = rest[:type_end], rest[type_end:]
        out, i = [], 0
        while i < len(cons):  # drop the clauses the operation replaces
            w = cons[i].lower()
            if w == "set" and i + 1 < len(cons):  # a foreign key's ON DELETE SET NULL / SET DEFAULT
                out += cons[i:i + 2]
                i += 2
                continue
            if w == "default" and op in ("set_default", "drop_default"):
                i += 2
                continue
            if w == "not" and i + 1 < len(cons) and cons[i + 1].lower() == "null" and op in ("set_not_null",
                                                                                           "drop_not_null"):
                i += 2
                continue
            if w == "null" and op == "set_not_null":
                i += 1
                continue
            if w == "collate" and op == "type" and i + 1 < len(cons):
                i += 2  # the old type's collation (pg_numeric, char(n)'s RTRIM): the new type says its own
                continue
            if w == "constraint" and op == "type" and i + 2 < len(cons) and re.match(
                    r'^"2[0-9A-Z]{4} ', cons[i + 1]) and cons[i + 2].lower() == "check":
                i += 4  # CONSTRAINT "22P02 integer c" CHECK (...): the old type's checks
                continue
            out.append(cons[i])
            i += 1
        if op == "set_default":
            out.append(arg)
        elif op == "set_not_null":
            out.append("NOT NULL")
        elif op == "type":
            new_type, _, checks = arg.partition("\t")
            type_toks = [new_type]
            if checks:
                out.extend(checks.split("\t"))
        parts[k] = " " + " ".join([name, *type_toks, *out])
        return create_sql[:open_at + 1] + ",".join(parts).lstrip() + create_sql[close_at:]
    raise ValueError(f'column "{column}" not found')


# Type changes PostgreSQL makes without USING (assignment casts), by kind of type.
_INTS = ("smallint", "integer", "bigint")


def _family(type_text: str) -> str:
    t = " ".join(re.sub(r"\([^)]*\)", "", pgtypes.unmarked(type_text).lower()).split())
    if t in ("smallint", "int2", "integer", "int", "int4", "bigint", "int8"):
        return "int"
    if t in ("numeric", "decimal", "numeric text", "real", "float4", "double precision", "float8"):
        return "number"
    if t in ("text", "varchar", "character varying", "char", "character", "bpchar", "name"):
        return "text"
    return values.converted_kind(type_text) or t


def conversion_allowed(old_type: str, new_type: str) -> bool:
    a, b = _family(old_type), _family(new_type)
    if b == "text" or a == b:
        return True
    if {a, b} <= {"int", "number"}:
        return True
    return (a, b) in {("date", "timestamp"), ("date", "timestamptz"), ("timestamp", "timestamptz"),
                      ("timestamptz", "timestamp"), ("timestamp", "date"), ("timestamptz", "date")}
