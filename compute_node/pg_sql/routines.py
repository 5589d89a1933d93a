"""Trigger functions: CREATE [OR REPLACE] FUNCTION name() RETURNS trigger LANGUAGE plpgsql,
DROP FUNCTION, and what pg_proc shows of them.

A function is kept as a view `"sqlite_func:<name>"` whose CREATE text holds, in a comment,
the function as JSON (percent-encoded, so no `*/` can end the comment early): its name,
body and definition as written. As with enum types (enums.py), SQLite's reserved `sqlite_`
prefix hides it from the catalog's filters; it is made under writable_schema and dropped
or replaced by writing its sqlite_master row (a view has no pages).

Two kinds: trigger functions (RETURNS trigger; triggers.py compiles the body, parsed here at
CREATE time by plpgsql.parse_trigger_body, into SQLite triggers) and functions returning a
value (sql_functions.py turns the body into one expression and inlines it into the
statements that call it). One function per name: overloading is refused (0A000).
"""

from __future__ import annotations

import json
import re
from urllib.parse import quote, unquote

from compute_node.pg_sql import plpgsql, schema, sql_functions
from compute_node.pg_sql.lexing import closing_paren, error_near, object_name, quoted_ident, split_top_level
from compute_node.pg_sql.lexing import sql_string as _quoted
from compute_node.pg_sql.statement import SessionContext, Statement
from sixfold.errors import SqlError

HOLDER_PREFIX = "sqlite_func:"
_TOKEN_PREFIX = "pg_function:"
_TOKEN = re.compile(r"/\*pg_function:([^*]*)\*/")
# pg_proc's OIDs of these functions: this + the holder's sqlite_master rowid.
FUNCTION_OID_BASE = 700_000
TRIGGER_TYPE_OID = 2279
PLPGSQL_LANGUAGE_OID = 13563  # PostgreSQL 15's pg_language row of plpgsql (sql is 14)
_NAME = r'("(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*)'
_HEAD = re.compile(rf"\s*(or\s+replace\s+)?function\s+(?:\"?public\"?\s*\.\s*)?{_NAME}\s*\(",
                   re.IGNORECASE | re.DOTALL)
# RETURNS [SETOF] type: the type is every word up to the first option or body (a type's
# name may be several words and carry a modifier: double precision, numeric(10, 2)).
_RETURNS = re.compile(r"returns\s+(setof\s+)?", re.IGNORECASE)
_AFTER_TYPE = re.compile(r"\b(as|language|immutable|stable|volatile|strict|called|returns|security|external|"
                         r"parallel|cost|rows|support|set|window|leakproof|not|transform|return|begin)\b",
                         re.IGNORECASE)
_DROP = re.compile(r"\s*function\s+(if\s+exists\s+)?(.+?)(\s+(cascade|restrict))?\s*$", re.IGNORECASE | re.DOTALL)
_DROP_ONE = re.compile(rf"\s*(?:\"?public\"?\s*\.\s*)?{_NAME}\s*(?:\((.*)\))?\s*$", re.DOTALL)



def _holder(name: str) -> str:
    return quoted_ident(HOLDER_PREFIX + name)


def _view_sql(fields: dict) -> str:
    token = _TOKEN_PREFIX + quote(json.dumps(fields), safe="")
    return f"CREATE VIEW {_holder(fields['name'])} AS SELECT /*{token}*/ NULL AS f"


def fields_in(view_sql: str | None) -> dict | None:
    """The function a holder's CREATE text keeps (name, body, definition)."""
    m = _TOKEN.search(view_sql or "")
    return json.loads(unquote(m.group(1))) if m else None


def find(name: str) -> dict | None:
    """The trigger function called `name` (as PostgreSQL keeps names), None if none."""
    cat = schema.current()
    if cat is None:
        return None
    rows = cat.rows("SELECT sql FROM sqlite_master WHERE type = 'view' AND name = ?", (HOLDER_PREFIX + name,))
    return fields_in(rows[0][0]) if rows else None


def _split_source(tail: str) -> tuple[str | None, str | None, str]:
    """(body of AS '...', or the expression of a RETURN clause; the options around them)
    of what follows RETURNS type."""
    for m in re.finditer(r"\bas\s+", tail, re.IGNORECASE):
        after = tail[m.end():]
        d = re.match(r"(\$(\w*)\$)(.*?)\1", after, re.DOTALL)
        if d:
            return d.group(3), None, tail[:m.start()] + " " + after[d.end():]
        q = re.match(r"'((?:[^']|'')*)'", after, re.DOTALL)
        if q:
            return q.group(1).replace("''", "'"), None, tail[:m.start()] + " " + after[q.end():]
    if re.search(r"\bbegin\s+atomic\b", tail, re.IGNORECASE):
        raise SqlError("CREATE FUNCTION ... BEGIN ATOMIC is not supported", "0A000")
    ret = re.search(r"\breturn\s+(.+)$", tail, re.IGNORECASE | re.DOTALL)
    if ret:  # the SQL-standard body: ... LANGUAGE sql RETURN x + 1
        return None, ret.group(1).strip().rstrip(";"), tail[:ret.start()]
    raise SqlError("no function body specified", "42P13")


def _head(rest: str) -> tuple[str | None, str, str, str]:
    """(OR REPLACE, name, the parameter list's text, what follows it) of CREATE FUNCTION."""
    m = _HEAD.match(rest)
    end = closing_paren(rest, m.end() - 1) if m else None
    if end is None:
        raise error_near("FUNCTION")
    return m.group(1), m.group(2), rest[m.end():end], rest[end + 1:].strip()


def _returns(tail: str) -> tuple[bool, str, str] | None:
    """(SETOF, the result type as written, what follows it) of RETURNS ...; None without."""
    m = _RETURNS.match(tail)
    if not m:
        return None
    after = tail[m.end():]
    i, depth = 0, 0
    while i < len(after):  # the type ends at an option's keyword outside parentheses
        c = after[i]
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif c == '"':  # a quoted name: on past its closing quote
            close = after.find('"', i + 1)
            i = len(after) if close < 0 else close
        elif depth == 0 and (i == 0 or not (after[i - 1].isalnum() or after[i - 1] == "_")):
            if _AFTER_TYPE.match(after, i) and after[:i].strip():
                break
        i += 1
    written = " ".join(after[:i].split())
    return (m.group(1) is not None, written, after[i:]) if written else None


def create_function(rest: str, ctx: SessionContext) -> Statement:
    replace, raw_name, args, tail = _head(rest)
    name = object_name(raw_name)
    returns = _returns(tail)
    if not returns:
        raise SqlError("CREATE FUNCTION without RETURNS (procedures and OUT parameters) is not supported", "0A000")
    setof, rtype_written, after = returns
    body, ret_clause, options = _split_source(after)
    lang = re.search(r"\blanguage\s+(\"?\w+\"?)", options, re.IGNORECASE)
    language = object_name(lang.group(1)) if lang else ("sql" if ret_clause is not None else None)
    if language is None:
        raise SqlError("no language specified", "42P13")
    rtype = rtype_written.lower().strip('"')
    if setof:
        raise SqlError("functions returning SETOF are not supported", "0A000")
    if rtype != "trigger":
        if language not in ("sql", "plpgsql"):
            raise SqlError(f'language "{language}" does not exist' if language not in ("c", "internal") else
                           f"CREATE FUNCTION ... LANGUAGE {language} is not supported",
                           "42704" if language not in ("c", "internal") else "0A000")
        fields = sql_functions.definition(name, args, rtype_written, language, body, ret_clause, options)
        fields["definition"] = _definition(name, body if body is not None else f"RETURN {ret_clause}",
                                           fields["arguments"], fields["result"], language)
        return _store(name, fields, replace, ctx)
    if language == "sql":
        raise SqlError("SQL functions cannot return type trigger", "42P13")
    if language != "plpgsql":
        raise SqlError(f'language "{language}" does not exist' if language not in ("c", "internal") else
                       f"CREATE FUNCTION ... LANGUAGE {language} is not supported", "42704" if language not in (
                           "c", "internal") else "0A000")
    if args.strip():
        raise SqlError("trigger functions cannot have declared arguments", "42P13")
    if body is None:
        raise SqlError("no function body specified", "42P13")
    plpgsql.parse_trigger_body(body)  # refused or a syntax error now, as PostgreSQL checks the body here
    fields = {"name": name, "kind": "trigger", "language": "plpgsql", "args": [], "body": body,
              "definition": _definition(name, body, "", "trigger", "plpgsql"), "rettype_oid": TRIGGER_TYPE_OID,
              "argtypes": "", "arguments": "", "result": "trigger", "volatile": "v", "strict": False}
    return _store(name, fields, replace, ctx)


def _store(name: str, fields: dict, replace: str | None, ctx: SessionContext) -> Statement:
    existing = find(name)
    if existing is not None and not replace:
        raise SqlError(f'function "{name}" already exists with same argument types', "42723")
    if existing is not None and existing.get("arguments", "") != fields["arguments"]:
        raise SqlError(f'function "{name}" already exists with other arguments: overloading is not supported',
                       "0A000")
    if existing is not None and existing.get("result", "trigger") != fields["result"]:
        raise SqlError("cannot change return type of existing function", "42P13")
    from compute_node.pg_sql import triggers  # triggers compile the functions this module keeps

    if existing is None:
        return Statement(kind="sql", tag="CREATE FUNCTION", sqlite=tuple(schema.edit_schema(
            "sixfold_function", [_view_sql(fields)], bump=False)))
    rebuilt = triggers.rebuild_for_function(name, fields["body"], ctx) if fields["kind"] == "trigger" else []
    return Statement(kind="sql", tag="CREATE FUNCTION", sqlite=tuple(schema.edit_schema("sixfold_function", [
        f"UPDATE sqlite_master SET sql = {_quoted(_view_sql(fields))} WHERE type = 'view' "
        f"AND name = {_quoted(HOLDER_PREFIX + name)}"], then=tuple(rebuilt))))


def _definition(name: str, body: str, arguments: str, result: str, language: str) -> str:
    """The function as pg_get_functiondef prints it."""
    return (f"CREATE OR REPLACE FUNCTION public.{name}({arguments})\n RETURNS {result}\n LANGUAGE {language}\n"
            f"AS $function${body}$function$\n")


def drop_function(rest: str) -> list[Statement]:
    m = _DROP.match(rest)
    if not m:
        raise error_near("FUNCTION")
    from compute_node.pg_sql import triggers

    cascade = (m.group(4) or "").lower() == "cascade"
    out = []
    for word in split_top_level(m.group(2)):
        one = _DROP_ONE.match(word)
        if not one:
            raise error_near(word.strip()[:20])
        name, args = object_name(one.group(1)), (one.group(2) or "").strip()
        found = find(name)
        if found is not None and args and found["kind"] == "scalar":  # (x int) or (int): the types decide
            given = [sql_functions.pgtypes_name(a.split()[-1] if len(a.split()) > 1 and not sql_functions._known_type(
                a.strip()) else a.strip()) for a in split_top_level(args)]
            args = "" if given == [sql_functions.pgtypes_name(a["type"]) for a in found["args"]] else args
        if found is None or args:
            shown = f"{name}({args})" if one.group(2) is not None else name
            if m.group(1):
                out.append(Statement(kind="noop", tag="DROP FUNCTION",
                                     notice=("00000", f"function {shown} does not exist, skipping")))
                continue
            raise SqlError(f"function {shown} does not exist", "42883")
        users = triggers.using_function(name)
        before: list[str] = []
        if users and not cascade:
            detail = "; ".join(f"trigger {t} on table {tab} depends on function {name}()" for tab, t in users)
            raise SqlError(f"cannot drop function {name}() because other objects depend on it ({detail})", "2BP01")
        for tab, t in users:
            before += triggers.drop_sql(tab, t)
        # the holder's row first: the version set after it is then above any seen before
        out.append(Statement(kind="sql", tag="DROP FUNCTION", sqlite=tuple(schema.edit_schema("sixfold_function", [
            f"DELETE FROM sqlite_master WHERE type = 'view' AND name = {_quoted(HOLDER_PREFIX + name)}"],
            then=tuple(before))),
            notice=("00000", "drop cascades to " + ", ".join(f"trigger {t} on table {tab}" for tab, t in users))
            if users else None))
    return out


def catalog_rows_sql() -> str:
    """pg_proc's rows of the trigger functions (the view filters the rest out)."""
    return (f"SELECT {FUNCTION_OID_BASE} + m.rowid AS oid, substr(m.name, {len(HOLDER_PREFIX) + 1}) AS proname, "
            f"2200 AS pronamespace, 10 AS proowner, CASE pg_function_field(m.sql, 'language') WHEN 'sql' THEN 14 "
            f"ELSE {PLPGSQL_LANGUAGE_OID} END AS prolang, 100 AS procost, 0 AS prorows, 0 AS provariadic, "
            f"'f' AS prokind, 0 AS prosecdef, 0 AS proleakproof, pg_function_field(m.sql, 'strict') AS proisstrict, "
            "0 AS proretset, pg_function_field(m.sql, 'volatile') AS provolatile, 'u' AS proparallel, "
            "pg_function_field(m.sql, 'nargs') AS pronargs, 0 AS pronargdefaults, "
            "pg_function_field(m.sql, 'rettype_oid') AS prorettype, pg_function_field(m.sql, 'argtypes') AS proargtypes, "
            "NULL AS proallargtypes, NULL AS proargmodes, "
            f"NULL AS proargnames, NULL AS proargdefaults, pg_function_field(m.sql, 'body') AS prosrc, "
            f"NULL AS probin, NULL AS proconfig, NULL AS proacl, NULL AS protrftypes, '-' AS prosupport, "
            "NULL AS prosqlbody "
            f"FROM sqlite_master m WHERE m.type = 'view' AND m.name LIKE 'sqlite\\_func:%' ESCAPE '\\'")


def function_field(view_sql, key):
    """SQL function pg_function_field(holder sql, key): a field of the kept function."""
    fields = fields_in(view_sql)
    if fields is None:
        return None
    value = len(fields["args"]) if key == "nargs" else fields[key]
    return int(value) if isinstance(value, bool) else value


def described(conn, oid, key: str):
    """pg_get_function_result / _arguments of a kept function's OID, None for others."""
    if oid is None or int(oid) < FUNCTION_OID_BASE:
        return None
    rows = list(conn.execute("SELECT sql FROM sqlite_master WHERE rowid = ? AND type = 'view'",
                             (int(oid) - FUNCTION_OID_BASE,)))
    fields = fields_in(rows[0][0]) if rows else None
    return None if fields is None else fields[key]
