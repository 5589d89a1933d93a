"""CREATE DOMAIN: a base type with NOT NULL, CHECK and DEFAULT, given to the columns that
use it.

A domain is kept in a hidden view `sqlite_domain:<name>` (its fields in a comment, as
routines.py keeps functions). A column declared with it is made of the base type, with
the domain's NOT NULL, its CHECKs (VALUE read as the column; a violation is 23514 as in
PostgreSQL) and its DEFAULT where the column has none: the table holds no reference to
the domain afterwards but a marker constraint (`pgdomain:<name>` CHECK (1)), by which DROP
DOMAIN finds a domain in use (2BP01; under CASCADE PostgreSQL drops the columns, Sixfold
refuses, 0A000), and `\\d` shows the base type.
`value::domain` is a cast to the base type that checks the domain's CHECKs.

Refused (0A000): ALTER DOMAIN but OWNER TO, a domain over an array or another domain,
COLLATE.
"""

from __future__ import annotations

import functools
import json
import re
from urllib.parse import quote, unquote

import sqlglot
from sqlglot import exp

from compute_node.pg_sql import schema
from compute_node.pg_sql.constraints import parsed_sqlite
from compute_node.pg_sql.lexing import closing_paren, error_near, object_name, quoted_ident, segments, sql_string
from compute_node.pg_sql.statement import Statement
from sixfold.errors import SqlError

HOLDER_PREFIX = "sqlite_domain:"
# pg_type's OIDs of domains: this + the holder's sqlite_master rowid; of their CHECKs in
# pg_constraint: the other + rowid * 100 + the CHECK's position.
DOMAIN_OID_BASE = 650_000
CONSTRAINT_OID_BASE = 3_000_000
# A column made with a domain carries `CONSTRAINT "pgdomain:<name>" CHECK (1)` (never
# false): what pg_attribute.atttypid reads the domain from.
_MARK = "pgdomain:"
_TOKEN_PREFIX = "pg_domain:"
_TOKEN = re.compile(r"/\*pg_domain:([^*]*)\*/")
_NAME = r'("(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*)'
_CREATE = re.compile(rf"\s*domain\s+(?:\"?public\"?\s*\.\s*)?{_NAME}\s+(?:as\s+)?(.*)$", re.IGNORECASE | re.DOTALL)
_DROP = re.compile(r"\s*domain\s+(if\s+exists\s+)?(.+?)(\s+(cascade|restrict))?\s*$", re.IGNORECASE | re.DOTALL)
_OPTION = re.compile(r"\s*(?:constraint\s+(\"(?:[^\"]|\"\")+\"|\w+)\s+)?(not\s+null|null|check\b|default\b|collate\b)",
                     re.IGNORECASE)


def _holder(name: str) -> str:
    return quoted_ident(HOLDER_PREFIX + name)


def find(name: str) -> dict | None:
    """The domain called `name` (as PostgreSQL keeps names): base, not_null, checks
    [(constraint name, expression text)], default; None if there is none."""
    cat = schema.current()
    if cat is None or not name:
        return None
    found = cat.shared("\x00domain:" + name, lambda: tuple(
        r[0] for r in cat.query("SELECT sql FROM sqlite_master WHERE type = 'view' AND name = ?",
                                (HOLDER_PREFIX + name,))))
    m = _TOKEN.search(found[0]) if found else None
    return json.loads(unquote(m.group(1))) if m else None


def create(rest: str) -> Statement:
    m = _CREATE.match(rest)
    if not m:
        raise error_near("DOMAIN")
    name, tail = object_name(m.group(1)), m.group(2).strip().rstrip(";")
    first = _OPTION.search(tail)
    base, options = (tail[:first.start()].strip(), tail[first.start():]) if first else (tail, "")
    if not base or base.endswith("]") or re.search(r"\barray\b", base, re.IGNORECASE):
        raise SqlError("domains over arrays are not supported", "0A000")
    base_type = _base_type(base)
    if find(base_type.split("(")[0].strip('"')) is not None:
        raise SqlError("domains over other domains are not supported", "0A000")
    fields = {"name": name, "base": base_type, "not_null": False, "checks": [], "default": None}
    pos = 0
    while pos < len(options):
        o = _OPTION.match(options, pos)
        if o is None:
            raise error_near(options[pos:].split()[0] if options[pos:].split() else "DOMAIN")
        word = " ".join(o.group(2).lower().split())
        pos = o.end()
        if word == "collate":
            raise SqlError("COLLATE in a domain is not supported", "0A000")
        if word in ("not null", "null"):
            fields["not_null"] = word == "not null"
            continue
        if word == "check":
            body, pos = _parenthesized(options, pos)
            cname = object_name(o.group(1)) if o.group(1) else f"{name}_check" if not fields["checks"] else \
                f"{name}_check{len(fields['checks'])}"
            fields["checks"].append([cname, body])
            continue
        nxt = _OPTION.search(options, pos)  # DEFAULT expr: up to the next option
        fields["default"] = options[pos:nxt.start() if nxt else len(options)].strip()
        pos = nxt.start() if nxt else len(options)
    if find(name) is not None:
        raise SqlError(f'type "{name}" already exists', "42710")
    token = _TOKEN_PREFIX + quote(json.dumps(fields), safe="")
    # (the reserved sqlite_ prefix hides the holder from the catalogs: made under
    # writable_schema, as enums.py and routines.py make theirs)
    return Statement(kind="sql", tag="CREATE DOMAIN", sqlite=tuple(schema.edit_schema(
        "sixfold_domain", [f"CREATE VIEW {_holder(name)} AS SELECT /*{token}*/ NULL AS d"], bump=False)))


def _base_type(text: str) -> str:
    """The base type as written (lower case, spaces collapsed), after checking it is one."""
    try:
        dt = exp.DataType.build(text, dialect="postgres")
    except (sqlglot.errors.ParseError, ValueError):
        raise SqlError(f'type "{text}" does not exist', "42704") from None
    if dt.this == exp.DataType.Type.USERDEFINED:
        raise SqlError("domains over enum or other user types are not supported", "0A000")
    return " ".join(text.lower().split())


def _named(dt: exp.DataType) -> str | None:
    """The name of a user type (as PostgreSQL keeps names), None for a built-in type."""
    ident = dt.args.get("kind")
    if isinstance(ident, exp.Dot) and isinstance(ident.this, exp.Identifier) and ident.this.name.lower() == "public":
        ident = ident.expression  # public.name, as pg_dump writes it
    if dt.this != exp.DataType.Type.USERDEFINED or not isinstance(ident, exp.Identifier):
        return None
    return ident.this if ident.quoted else ident.this.lower()


def _parenthesized(text: str, pos: int) -> tuple[str, int]:
    """The text inside the parentheses that open at or after `pos`, and where they close."""
    start = text.find("(", pos)
    if start < 0 or text[pos:start].strip():
        raise error_near("CHECK")
    end = closing_paren(text, start)
    if end is None:
        raise SqlError("syntax error at end of input", "42601")
    return text[start + 1:end], end + 1


def _refuse_in_use(names: list[str], cascade: bool) -> None:
    """A domain a table's column is declared with (its marker constraint in the table's
    CREATE text) is not dropped: 2BP01, as PostgreSQL says; under CASCADE PostgreSQL
    drops those columns, which Sixfold does not (0A000)."""
    cat = schema.current()
    if cat is None:
        return
    for name in names:
        mark = f'CONSTRAINT "{_MARK}{name.replace(chr(34), chr(34) * 2)}"'
        users = cat.rows("SELECT name FROM sqlite_master WHERE type = 'table' AND instr(sql, ?) > 0 ORDER BY name",
                         (mark,))
        if users:
            if cascade:
                raise SqlError(f"DROP DOMAIN {name} CASCADE would drop columns of table {users[0][0]}; dropping "
                               "columns with their domain is not supported", "0A000")
            raise SqlError(f"cannot drop type {name} because other objects depend on it (a column of table "
                           f"{users[0][0]} is of type {name}); use DROP ... CASCADE", "2BP01")


def drop(rest: str) -> Statement:
    m = _DROP.match(rest)
    if not m:
        raise error_near("DOMAIN")
    names = []
    for raw in (n.strip() for n in m.group(2).split(",")):
        name = object_name(raw.split(".")[-1].strip())
        if find(name) is None:
            if m.group(1):
                continue
            raise SqlError(f'type "{name}" does not exist', "42704")
        names.append(name)
    if not names:
        return Statement(kind="noop", tag="DROP DOMAIN")
    _refuse_in_use(names, cascade=bool(m.group(4)) and m.group(4).lower() == "cascade")
    holders = ", ".join(sql_string(HOLDER_PREFIX + n) for n in names)
    return Statement(kind="sql", tag="DROP DOMAIN", sqlite=tuple(schema.edit_schema(
        "sixfold_domain", [f"DELETE FROM sqlite_master WHERE type = 'view' AND name IN ({holders})"])))


def alter(rest: str) -> Statement:
    if re.match(rf"\s*domain\s+(?:\"?public\"?\s*\.\s*)?{_NAME}\s+owner\s+to\s+\S+\s*$", rest, re.IGNORECASE):
        return Statement(kind="noop", tag="ALTER DOMAIN")  # one user owns everything
    raise SqlError("ALTER DOMAIN is not supported", "0A000")


def with_value(check: str, replacement: str) -> str:
    """A domain CHECK's text with VALUE (outside strings) replaced."""
    out = []
    for kind, s, e in segments(check):
        piece = check[s:e]
        out.append(re.sub(r"\bvalue\b", replacement, piece, flags=re.IGNORECASE) if kind == "code" else piece)
    return "".join(out)


def column(c: exp.ColumnDef) -> exp.ColumnDef:
    """A column declared with a domain as the same column of its base type, with the
    domain's NOT NULL, CHECKs and DEFAULT (the column's own DEFAULT first); others as
    they are."""
    kind = c.args.get("kind")
    d = find(_named(kind) or "") if isinstance(kind, exp.DataType) else None
    if d is None:
        return c
    name = c.this.sql(dialect="postgres")
    parts = [d["base"]]
    has_default = any(isinstance(k.args.get("kind"), exp.DefaultColumnConstraint)
                      for k in c.args.get("constraints") or [])
    if d["default"] and not has_default:
        parts.append(f"DEFAULT {d['default']}")
    if d["not_null"]:
        parts.append("NOT NULL")
    for cname, check in d["checks"]:
        parts.append(f'CONSTRAINT "{cname}" CHECK ({with_value(check, name)})')
    parts.append(f'CONSTRAINT "{_MARK}{d["name"].replace(chr(34), chr(34) * 2)}" CHECK (1)')
    made = sqlglot.parse_one(f"CREATE TABLE _x ({name} {' '.join(parts)})", read="postgres")
    new = made.this.expressions[0]
    new.set("constraints", list(c.args.get("constraints") or []) + list(new.args.get("constraints") or []))
    return new


@functools.lru_cache(maxsize=256)
def _column_domains(create_sql: str) -> dict[str, str]:
    """column (lower case) -> the domain it was made with, of a CREATE TABLE text."""
    tree = parsed_sqlite(create_sql) if _MARK in create_sql else None
    if tree is None:
        return {}
    out = {}
    for col in tree.find_all(exp.ColumnDef):
        for k in col.args.get("constraints") or []:
            named = k.args.get("this")
            if named is not None and named.name.startswith(_MARK):
                out[col.name.lower()] = named.name[len(_MARK):]
    return out


def column_domain(create_sql: str | None, column: str | None) -> str | None:
    """SQL function pg_column_domain(CREATE TABLE text, column): the domain the column was
    made with (its holder may be gone: DROP DOMAIN leaves the column), None for none."""
    if not create_sql or column is None:
        return None
    return _column_domains(create_sql).get(str(column).lower())


def field(holder_sql: str | None, key: str):
    """SQL function pg_domain_field(holder's sql, key): 'checks' as JSON [[name, check]],
    'base', 'not_null' (1/0), 'default'."""
    m = _TOKEN.search(holder_sql or "")
    if m is None:
        return None
    fields = json.loads(unquote(m.group(1)))
    if key == "checks":  # VALUE as PostgreSQL prints it
        return json.dumps([[name, with_value(check, "VALUE")] for name, check in fields["checks"]])
    if key in ("output", "send"):  # a domain's values are written as its base type's
        from compute_node.pg_sql import catalog, types

        oid = types.column_oid(fields["base"])
        row = next((r for r in catalog.BUILTIN_TYPES if r[0] == oid), None)
        return catalog.io_functions(row[6])[1 if key == "output" else 3] if row else None
    return int(fields[key]) if isinstance(fields[key], bool) else fields[key]


# pg_type's rows of the domains (catalog.py's pg_type columns, in order)
PG_TYPE_ROWS = (
    f"SELECT {DOMAIN_OID_BASE} + m.rowid AS oid, substr(m.name, {len(HOLDER_PREFIX) + 1}) AS typname, "
    "2200 AS typnamespace, 10 AS typowner, -1 AS typlen, 0 AS typbyval, 'd' AS typtype, 'U' AS typcategory, "
    "0 AS typispreferred, 1 AS typisdefined, ',' AS typdelim, 0 AS typrelid, 0 AS typelem, 0 AS typarray, "
    "'domain_in' AS typinput, pg_domain_field(m.sql, 'output') AS typoutput, 'domain_recv' AS typreceive, "
    "pg_domain_field(m.sql, 'send') AS typsend, "
    "'i' AS typalign, 'p' AS typstorage, pg_domain_field(m.sql, 'not_null') AS typnotnull, "
    "pg_type_oid(pg_domain_field(m.sql, 'base')) AS typbasetype, "
    "pg_typmod(pg_domain_field(m.sql, 'base')) AS typtypmod, "
    "0 AS typndims, 0 AS typcollation, pg_domain_field(m.sql, 'default') AS typdefault, NULL AS typacl, "
    "pg_domain_field(m.sql, 'default') AS typdefaultbin "
    f"FROM sqlite_master m WHERE m.type = 'view' AND m.name LIKE '{HOLDER_PREFIX}%'")


def register(conn) -> None:
    conn.create_scalar_function("pg_domain_field", field, 2, deterministic=True)
    conn.create_scalar_function("pg_column_domain", column_domain, 2, deterministic=True)


def cast(value: exp.Expression, to: exp.DataType, base_cast=None) -> exp.Expression | None:
    """`value::domain` as the base type's cast, failing where the domain's NOT NULL (23502)
    or a CHECK (23514) does not hold; None when `to` is no domain. `base_cast(cast)`
    translates the cast to the base type (a varchar(5) truncates, a numeric(4,1) rounds)
    before the checks see the value, as PostgreSQL coerces first."""
    d = find(_named(to) or "")
    if d is None:
        return None
    base = exp.DataType.build(d["base"], dialect="postgres")
    out: exp.Expression = exp.Cast(this=value.copy(), to=base.copy())
    if base_cast is not None:
        out = base_cast(out)
    checks = [("23502", f'domain {d["name"]} does not allow null values', "sixfold_domain_value IS NOT NULL")] \
        if d["not_null"] else []
    checks += [("23514", f'value for domain {d["name"]} violates check constraint "{cname}"',
                with_value(check, "sixfold_domain_value")) for cname, check in d["checks"]]
    for sqlstate, message, condition in checks:
        value_now = out
        cond = sqlglot.parse_one(condition, read="postgres").transform(
            lambda n: value_now.copy() if isinstance(n, exp.Column) and n.name == "sixfold_domain_value" else n)
        out = exp.Anonymous(this="pg_domain_check", expressions=[
            value_now, cond, exp.Literal.string(sqlstate), exp.Literal.string(message)])
    return exp.Cast(this=out, to=base.copy()) if checks else out
