"""Constraints added to an existing table (ALTER TABLE ... ADD FOREIGN KEY / CHECK).

SQLite cannot add a constraint to a table; the foreign keys and checks declared in
CREATE TABLE are SQLite's own (enforced: `pragma foreign_keys=ON`). An added one becomes
triggers that make the same checks and actions, named after the constraint so that DROP
CONSTRAINT finds them, and the rows already there are checked first, as PostgreSQL
does (unless NOT VALID). Errors carry PostgreSQL's SQLSTATE: 23503, 23514."""

from __future__ import annotations

import functools
import json
import re

import sqlglot
from sqlglot import exp

from compute_node.pg_sql import declared_constraints, foreign_key_targets
from compute_node.pg_sql.lexing import error_near, ident, quoted_ident, sql_string as _lit
from sixfold.errors import DETAIL_MARK, HINT_MARK, SqlError

_FK = re.compile(
    r"^add\s+(?:constraint\s+(\"(?:[^\"]|\"\")+\"|\w+)\s+)?foreign\s+key\s*\(([^)]*)\)\s*references\s+"
    r"(\"(?:[^\"]|\"\")+\"|[\w.]+)\s*(?:\(([^)]*)\))?(.*)$", re.IGNORECASE | re.DOTALL)
_CHECK = re.compile(r"^add\s+(?:constraint\s+(\"(?:[^\"]|\"\")+\"|\w+)\s+)?check\s*\((.*)\)\s*(not\s+valid)?\s*$",
                    re.IGNORECASE | re.DOTALL)
_ACTION = re.compile(r"\bon\s+(delete|update)\s+(no\s+action|restrict|cascade|set\s+null|set\s+default)",
                     re.IGNORECASE)


def _given_name(create_sql: str | None, kind: str, names: list[str]) -> str | None:
    """The name CREATE TABLE's text gives a constraint of `kind` (a regex: 'unique',
    'foreign\\s+key') on the columns `names`, in that order; None when it gives none."""
    given = re.search(r'\bconstraint\s+("(?:[^"]|"")+"|\w+)\s+' + kind + r"\s*\(\s*" + r"\s*,\s*".join(
        f'"?{re.escape(c)}"?' for c in names) + r"\s*\)", create_sql or "", re.IGNORECASE)
    if given is None:
        return None
    word = given.group(1)
    return word[1:-1].replace('""', '"') if word.startswith('"') else word.lower()


def unique_name(create_sql: str | None, table: str, cols: str) -> str:
    """The name PostgreSQL gives a unique constraint of CREATE TABLE on `cols` (comma-
    separated): the one given (`CONSTRAINT name UNIQUE (...)`, kept in the CREATE text),
    else table_cols_key."""
    names = [c.strip() for c in str(cols).split(",")]
    return _given_name(create_sql, "unique", names) or f"{table}_{'_'.join(names)}_key"


def foreign_key_name(create_sql: str | None, table: str, cols: str) -> str:
    """The name of a foreign key of CREATE TABLE on `cols` (comma-separated): the one given
    (`CONSTRAINT name FOREIGN KEY (...)`, kept in the CREATE text; Rails names its keys
    so), else table_cols_fkey."""
    names = [c.strip() for c in str(cols).split(",")]
    own = declared_constraints.column_reference_name(create_sql, names[0]) if create_sql and len(names) == 1 else None
    return _given_name(create_sql, r"foreign\s+key", names) or own or f"{table}_{'_'.join(names)}_fkey"


@functools.lru_cache(maxsize=256)
def parsed_sqlite(create_sql: str) -> exp.Expression | None:
    """A CREATE text of sqlite_master, parsed (shared: read it, never change it); None when
    sqlglot cannot read it."""
    try:
        return sqlglot.parse_one(create_sql, read="sqlite")
    except sqlglot.errors.SqlglotError:
        return None


@functools.lru_cache(maxsize=256)
def _deferrals(create_sql: str) -> dict[str, str]:
    """Each foreign key's DEFERRABLE clause in a CREATE TABLE text, by its columns
    (comma-separated, lower case): ' DEFERRABLE' or ' DEFERRABLE INITIALLY DEFERRED'."""
    tree = parsed_sqlite(create_sql)
    if tree is None:
        return {}
    out = {}
    for ref in tree.find_all(exp.Reference):
        options = " ".join(str(o).upper() for o in ref.args.get("options") or [])
        clause = " DEFERRABLE INITIALLY DEFERRED" if "DEFERRABLE" in options and "INITIALLY DEFERRED" in options \
            else " DEFERRABLE" if "DEFERRABLE" in options and "NOT DEFERRABLE" not in options else ""
        holder = ref.parent
        if isinstance(holder, exp.ForeignKey):
            cols = [e.name for e in holder.expressions]
        elif isinstance(holder, exp.ColumnConstraint) and isinstance(holder.parent, exp.ColumnDef):
            cols = [holder.parent.name]
        else:
            continue
        out[",".join(c.lower() for c in cols)] = clause
    return out


def foreign_key_deferral(create_sql: str | None, cols: str | None) -> str:
    """SQL function pg_fk_deferral(CREATE TABLE text, the key's columns): the foreign key's
    DEFERRABLE clause as pg_get_constraintdef ends with it, '' when it is not deferrable."""
    if not create_sql or cols is None:
        return ""
    return _deferrals(create_sql).get(",".join(c.strip().lower() for c in str(cols).split(",")), "")


_FK_DEFINITION = re.compile(r"^FOREIGN KEY \((.*?)\) REFERENCES (.+?)\((.*?)\)(.*)$", re.DOTALL)
_ACTION_CODES = {"no action": "a", "restrict": "r", "cascade": "c", "set null": "n", "set default": "d"}


def foreign_key_part(definition: str | None, part: str) -> str | None:
    """A part of a foreign key's definition (pg_get_constraintdef's text, `FOREIGN KEY (a)
    REFERENCES p(x) ON DELETE CASCADE`): 'update' / 'delete', pg_constraint's confupdtype /
    confdeltype code ('a' no action, 'c' cascade, ...; ' ' for another constraint);
    'referenced', the referenced columns (comma-separated)."""
    m = _FK_DEFINITION.match(definition or "")
    if part in ("update", "delete"):
        if m is None:
            return " "
        action = re.search(rf"\bON {part.upper()} (NO ACTION|RESTRICT|CASCADE|SET NULL|SET DEFAULT)", m.group(4))
        return _ACTION_CODES[action.group(1).lower()] if action else "a"
    if part == "referenced":
        return ",".join(c.strip() for c in m.group(3).split(",")) if m else None
    raise ValueError(f"no such part of a foreign key: {part}")


PREFIX = "sixfold_con:"


def trigger_name(child: str, parent: str, constraint: str, event: str) -> str:
    """sixfold_con:<table>:<referenced table>:<constraint>:<event> (a check references its own table)."""
    parts = (child.strip('"'), parent.strip('"'), constraint.strip('"'), event)
    return '"' + (PREFIX + ":".join(parts)).replace('"', '""') + '"'


def _trigger_parts(name: str) -> tuple[str, str, str, str] | None:
    if not name.startswith(PREFIX):
        return None
    parts = name[len(PREFIX):].split(":")
    return tuple(parts) if len(parts) == 4 else None


def _triggers(catalog) -> list[tuple[str, tuple[str, str, str, str]]]:
    rows = catalog.rows("SELECT name FROM sqlite_master WHERE type = 'trigger' AND substr(name, 1, 12) = ?",
                        (PREFIX,))
    return [(r[0], p) for r in rows if (p := _trigger_parts(r[0])) is not None]


MARKER = "/*sixfold_con "


def _marker(name: str, kind: str, parent: str, cols: list[str], definition: str, valid: bool) -> str:
    """The constraint as pg_constraint shows it, kept in a comment of one of its triggers
    (SQLite keeps a trigger's text as written); catalog.py reads it with pg_con_field."""
    fields = {"name": name, "type": kind, "parent": parent, "cols": ",".join(c.strip('"') for c in cols),
              "ncols": len(cols), "def": definition, "valid": int(valid)}
    return MARKER + json.dumps(fields).replace("/", "\\/") + "*/"


def con_field(trigger_sql: str, key: str):
    """A field of the constraint kept in a trigger's comment (None without one)."""
    start = trigger_sql.find(MARKER) if trigger_sql else -1
    if start < 0:
        return None
    end = trigger_sql.find("*/", start)
    try:
        return json.loads(trigger_sql[start + len(MARKER):end]).get(key)
    except ValueError:
        return None


def _drop(name: str) -> str:
    return 'DROP TRIGGER IF EXISTS "' + name.replace('"', '""') + '"'


def drop_constraint(table: str, constraint: str, catalog) -> list[str]:
    """Statements dropping the triggers of constraint `constraint` added to `table`."""
    if catalog is None:
        return []
    child, con = table.strip('"'), constraint.strip('"')
    return [_drop(n) for n, p in _triggers(catalog) if p[0] == child and p[2] == con]


def referencing(table: str, catalog) -> set[str]:
    """The other tables with a foreign key to `table` (declared or added), lower-cased."""
    bare = table.strip('"').lower()
    out = {child.lower() for _name, (child, parent, _con, _event) in _triggers(catalog)
           if parent.lower() == bare and child.lower() != bare}
    rows = catalog.rows("SELECT m.name FROM sqlite_master m, pragma_foreign_key_list(m.name) f "
                        "WHERE m.type = 'table' AND f.\"table\" = ? COLLATE NOCASE AND m.name != ? COLLATE NOCASE",
                        (bare, bare))
    return out | {r[0].lower() for r in rows}


_DEPENDENTS_HINT = "Use DROP ... CASCADE to drop the dependent objects too."
# Above the schema versions the DROP statements before a declared key's edit can reach.
_EDIT_SCHEMA_VERSION_STEP = 500


def depended_on(what: str, dependent: str) -> SqlError:
    """2BP01 as PostgreSQL words it: `what` ("table t") has `dependent` ("view v")."""
    return SqlError(f"cannot drop {what} because other objects depend on it{DETAIL_MARK}{dependent} depends on "
                    f"{what}{HINT_MARK}{_DEPENDENTS_HINT}", "2BP01")


def drop_table(table: str, cascade: bool, catalog,
               dropped: frozenset[str] = frozenset()) -> tuple[list[str], list[str]]:
    """Before DROP TABLE: the added foreign keys it takes with it (as child), and those
    referencing it from other tables (2BP01 unless CASCADE, which drops them, or unless
    the same statement drops that table too: `dropped`, lower-cased); a key declared in
    another table's CREATE TABLE is dropped by an edit of that text (declared_constraints).
    Returns (statements, the constraints CASCADE drops: "constraint c on table t")."""
    if catalog is None:
        return [], []
    bare = table.strip('"')
    out, cascaded = [], []
    for name, (child, parent, con, _event) in _triggers(catalog):
        if child == bare:
            out.append(_drop(name))
        elif parent == bare:
            if not cascade and child.lower() not in dropped:
                raise depended_on(f"table {bare}", f"constraint {con} on table {child}")
            out.append(_drop(name))
            if child.lower() not in dropped:
                cascaded.append(f"constraint {con} on table {child}")
    rows = catalog.rows("SELECT m.name, m.sql, group_concat(f.\"from\", ',') FROM sqlite_master m, "
                        "pragma_foreign_key_list(m.name) f WHERE m.type = 'table' AND f.\"table\" = ? COLLATE NOCASE "
                        "AND m.name != ? COLLATE NOCASE GROUP BY m.name, f.id ORDER BY m.rowid, f.id", (bare, bare))
    version = catalog.rows("PRAGMA schema_version")[0][0] + _EDIT_SCHEMA_VERSION_STEP if rows else 0
    for child, create_sql, cols in rows:
        if child.lower() in dropped:
            continue
        con = foreign_key_name(create_sql, child, cols)
        if not cascade:
            raise depended_on(f"table {bare}", f"constraint {con} on table {child}")
        version += 1
        out += ["PRAGMA writable_schema=ON",
                f"UPDATE sqlite_master SET sql = pg_without_constraint(sql, {_lit(child)}, {_lit(con)}) "
                f"WHERE type = 'table' AND name = {_lit(child)}", "PRAGMA writable_schema=OFF",
                f"PRAGMA schema_version = {version}"]
        cascaded.append(f"constraint {con} on table {child}")
    return out, cascaded


def children_first(tables: list[str], catalog) -> list[str]:
    """`tables` (as written) ordered so that a table comes before those it references:
    SQLite empties a dropped table first, which its referencing rows would refuse. A
    cycle keeps the order given."""
    if catalog is None or len(tables) < 2:
        return tables
    bare = {t: t.strip('"').lower() for t in tables}
    refs = {t: referencing(t, catalog) & set(bare.values()) - {bare[t]} for t in tables}
    left, out = list(tables), []
    for _ in range(len(tables)):
        ready = [t for t in left if not any(bare[o] in refs[t] for o in left if o != t)]
        if not ready:
            return out + left
        out.append(ready[0])
        left.remove(ready[0])
    return out
def _cols(text: str) -> list[str]:
    cols = [ident(c.strip()) for c in text.split(",") if c.strip()]
    if not cols:
        raise error_near(")")
    return cols


def _primary_key_of(parent: str) -> list[str]:
    """REFERENCES parent without columns: the parent's primary key, in its order (42704
    when it has none, as PostgreSQL says)."""
    from compute_node.pg_sql import schema

    cat = schema.current()
    name = parent.strip('"')
    key = cat.primary_key(parent) if cat else ()
    if not key:
        if cat is not None and not cat.columns(parent):
            raise SqlError(f'relation "{name}" does not exist', "42P01")
        raise SqlError(f'there is no primary key for referenced table "{name}"', "42704")
    return [quoted_ident(c) for c in key]


def add_foreign_key(table: str, action_text: str) -> list[str]:
    """ALTER TABLE table ADD [CONSTRAINT name] FOREIGN KEY (cols) REFERENCES parent (pcols)
    [ON DELETE ...] [ON UPDATE ...] [NOT VALID] -> SQLite statements."""
    m = _FK.match(action_text.strip())
    if not m:
        raise error_near("FOREIGN")
    cname, cols_text, parent, pcols_text, tail = m.groups()
    parent = ident(parent.split(".")[-1]) if not parent.startswith('"') else parent
    cols = _cols(cols_text)
    pcols = _cols(pcols_text) if pcols_text is not None else _primary_key_of(parent)
    if len(cols) != len(pcols):
        raise SqlError("number of referencing and referenced columns for foreign key disagree", "42830")
    bare = table.strip('"')
    name = (cname.strip('"') if cname else f"{bare}_{'_'.join(c.strip(chr(34)) for c in cols)}_fkey")
    from compute_node.pg_sql import schema

    cat = schema.current()
    if cat is not None and cat.columns(table):
        child_types = {n.lower(): t for n, t in cat.columns(table)}
        foreign_key_targets.check(cat, name, table, child_types, cols, parent, pcols)
    actions = {k.lower(): " ".join(v.lower().split()) for k, v in _ACTION.findall(tail)}
    if re.search(r"\bmatch\s+(full|partial)\b", tail, re.IGNORECASE):
        raise SqlError("MATCH FULL and MATCH PARTIAL are not supported", "0A000")
    not_valid = bool(re.search(r"\bnot\s+valid\b", tail, re.IGNORECASE))
    initially_deferred = bool(re.search(r"\binitially\s+deferred\b", tail, re.IGNORECASE))
    deferrable = initially_deferred or bool(re.search(r"\bdeferrable\b", tail, re.IGNORECASE)) and not re.search(
        r"\bnot\s+deferrable\b", tail, re.IGNORECASE)
    if initially_deferred and re.search(r"\bnot\s+deferrable\b", tail, re.IGNORECASE):
        raise SqlError("constraint declared INITIALLY DEFERRED must be DEFERRABLE", "42601")
    child_text = f'[23503] insert or update on table "{bare}" violates foreign key constraint "{name}"'
    parent_text = (f'[23503] update or delete on table "{parent.strip(chr(34))}" violates foreign key '
                   f'constraint "{name}" on table "{bare}"')
    violation = f"FROM {table} AS c WHERE {' AND '.join(f'c.{x} IS NOT NULL' for x in cols)} AND NOT EXISTS " \
                f"(SELECT 1 FROM {parent} AS p WHERE {' AND '.join(f'p.{pc} = c.{x}' for x, pc in zip(cols, pcols))})"

    def raised(text: str) -> str:
        # (a deferrable one's triggers call pg_fk_violated, which keeps the violation for
        # the commit when the constraint is deferred: deferred_checks.py reads the check
        # from the child's insert trigger then, as renames have left it. A NOT VALID one is
        # never deferred: the rows it never checked would fail that check.)
        if deferrable and not not_valid:
            return f"SELECT pg_fk_violated({_lit(name)}, {int(initially_deferred)}, {_lit(text)})"
        return f"SELECT RAISE(ABORT, {_lit(text)})"
    new_notnull = " AND ".join(f"NEW.{c} IS NOT NULL" for c in cols)
    match_new = " AND ".join(f"p.{pc} = NEW.{c}" for c, pc in zip(cols, pcols))
    refs_old = " AND ".join(f"c.{c} = OLD.{pc}" for c, pc in zip(cols, pcols))
    key_changed = " OR ".join(f"NEW.{pc} IS NOT OLD.{pc}" for pc in pcols)
    out = []
    if not not_valid:
        out.append(f"SELECT pg_raise('23503', {_lit(child_text[len('[23503] '):])}) {violation} LIMIT 1")
    check = f"WHEN {new_notnull} AND NOT EXISTS (SELECT 1 FROM {parent} AS p WHERE {match_new}) " \
            f"BEGIN {raised(child_text)}; END"
    definition = (f"FOREIGN KEY ({', '.join(c.strip(chr(34)) for c in cols)}) REFERENCES {parent.strip(chr(34))}"
                  f"({', '.join(c.strip(chr(34)) for c in pcols)})"
                  + "".join(f" ON {w.upper()} {actions[w].upper()}" for w in ("update", "delete")
                            if actions.get(w, "no action") != "no action")
                  + (" DEFERRABLE INITIALLY DEFERRED" if initially_deferred else " DEFERRABLE" if deferrable else "")
                  + (" NOT VALID" if not_valid else ""))
    marker = _marker(name, "f", parent.strip('"'), cols, definition, not not_valid)
    out.append(f"CREATE TRIGGER {trigger_name(table, parent, name, 'ci')} BEFORE INSERT ON {table} FOR EACH ROW "
               f"{marker} {check}")
    out.append(f"CREATE TRIGGER {trigger_name(table, parent, name, 'cu')} BEFORE UPDATE OF {', '.join(cols)} ON {table} "
               f"FOR EACH ROW {check}")
    on_delete = actions.get("delete", "no action")
    if on_delete == "cascade":
        body = f"DELETE FROM {table} WHERE {refs_old.replace('c.', '')}"
        out.append(f"CREATE TRIGGER {trigger_name(table, parent, name, 'pd')} AFTER DELETE ON {parent} FOR EACH ROW "
                   f"BEGIN {body}; END")
    elif on_delete in ("set null", "set default"):
        value = "NULL" if on_delete == "set null" else "DEFAULT"
        if value == "DEFAULT":
            raise SqlError("ON DELETE SET DEFAULT is not supported in ALTER TABLE", "0A000")
        sets = ", ".join(f"{c} = NULL" for c in cols)
        out.append(f"CREATE TRIGGER {trigger_name(table, parent, name, 'pd')} AFTER DELETE ON {parent} FOR EACH ROW "
                   f"BEGIN UPDATE {table} SET {sets} WHERE {refs_old.replace('c.', '')}; END")
    else:  # NO ACTION (deferrable) or RESTRICT (never: PostgreSQL checks it at once)
        body = raised(parent_text) if on_delete == "no action" else f"SELECT RAISE(ABORT, {_lit(parent_text)})"
        out.append(f"CREATE TRIGGER {trigger_name(table, parent, name, 'pd')} BEFORE DELETE ON {parent} FOR EACH ROW "
                   f"WHEN EXISTS (SELECT 1 FROM {table} AS c WHERE {refs_old}) BEGIN {body}; END")
    on_update = actions.get("update", "no action")
    if on_update == "cascade":
        sets = ", ".join(f"{c} = NEW.{pc}" for c, pc in zip(cols, pcols))
        out.append(f"CREATE TRIGGER {trigger_name(table, parent, name, 'pu')} AFTER UPDATE OF {', '.join(pcols)} ON {parent} "
                   f"FOR EACH ROW WHEN {key_changed} BEGIN UPDATE {table} SET {sets} "
                   f"WHERE {refs_old.replace('c.', '')}; END")
    elif on_update in ("no action", "restrict"):
        body = raised(parent_text) if on_update == "no action" else f"SELECT RAISE(ABORT, {_lit(parent_text)})"
        out.append(f"CREATE TRIGGER {trigger_name(table, parent, name, 'pu')} BEFORE UPDATE OF {', '.join(pcols)} ON {parent} "
                   f"FOR EACH ROW WHEN ({key_changed}) AND EXISTS (SELECT 1 FROM {table} AS c WHERE {refs_old}) "
                   f"BEGIN {body}; END")
    else:
        raise SqlError(f"ON UPDATE {on_update.upper()} is not supported in ALTER TABLE", "0A000")
    return out


def add_check(table: str, action_text: str, expr_sqlite) -> list[str]:
    """ALTER TABLE table ADD [CONSTRAINT name] CHECK (expr) [NOT VALID]; `expr_sqlite`
    translates the expression."""
    m = _CHECK.match(action_text.strip())
    if not m:
        raise error_near("CHECK")
    cname, expr, not_valid = m.groups()
    bare = table.strip('"')
    name = cname.strip('"') if cname else f"{bare}_check"
    cond = expr_sqlite(expr)
    msg = f'new row for relation "{bare}" violates check constraint "{name}"'
    new_cond = _new_refs(cond)
    out = []
    if not not_valid:
        out.append(f"SELECT pg_raise('23514', {_lit(f'check constraint {chr(34)}{name}{chr(34)} of relation {chr(34)}{bare}{chr(34)} is violated by some row')}) "
                   f"FROM {table} WHERE NOT ({cond}) LIMIT 1")
    marker = _marker(name, "c", "", [], f"CHECK (({' '.join(expr.split())}))" + (" NOT VALID" if not_valid else ""),
                     not not_valid)
    for event, on in (("ck_i", "INSERT"), ("ck_u", "UPDATE")):
        out.append(f"CREATE TRIGGER {trigger_name(table, table, name, event)} BEFORE {on} ON {table} FOR EACH ROW "
                   f"{marker if event == 'ck_i' else ''} "
                   f"WHEN NOT ({new_cond}) BEGIN SELECT RAISE(ABORT, {_lit('[23514] ' + msg)}); END")
    return out


def _new_refs(cond: str) -> str:
    """The check's column references as NEW.column (identifiers outside quotes that are not
    function names or keywords)."""
    out, pos = [], 0
    for m in re.finditer(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")+\"|\b[A-Za-z_][A-Za-z0-9_]*\b(?!\s*\()", cond):
        tok = m.group(0)
        out.append(cond[pos:m.start()])
        if tok.startswith("'") or tok.lower() in _SQL_WORDS:
            out.append(tok)
        else:
            out.append("NEW." + tok)
        pos = m.end()
    out.append(cond[pos:])
    return "".join(out)


_SQL_WORDS = {"and", "or", "not", "is", "null", "in", "like", "glob", "between", "case", "when", "then", "else",
              "end", "true", "false", "escape", "collate", "distinct", "from", "as", "cast", "integer", "text",
              "real", "numeric", "exists", "select", "regexp"}
