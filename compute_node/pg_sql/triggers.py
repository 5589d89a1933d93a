"""Row triggers: CREATE [OR REPLACE] TRIGGER ... {BEFORE | AFTER} {INSERT | UPDATE [OF c] |
DELETE} [OR ...] ON table FOR EACH ROW [WHEN (cond)] EXECUTE FUNCTION f(), DROP TRIGGER,
and what pg_trigger shows of them.

A PostgreSQL trigger becomes SQLite triggers, one or two per event, named
`sixfold_trg:<table>:<trigger>:<part>`; the first carries the trigger as JSON in a
comment (its definition, function, events, and the NEW columns it assigns and reads). The
function's PL/pgSQL (routines.py keeps it, plpgsql.py parses it) is compiled per event:

- IF / ELSIF / ELSE become guards: each statement runs WHERE its branch's conditions hold
  (PostgreSQL's NULL condition is false), and what follows a RETURN inside a branch runs
  only where that branch was not taken. TG_OP, TG_TABLE_NAME, TG_WHEN, TG_NAME, TG_LEVEL
  and TG_TABLE_SCHEMA are literals of the event; NEW in a DELETE and OLD in an INSERT are
  NULL, as in PostgreSQL.
- SQL statements and PERFORM are translated as any statement, with NEW.c and OLD.c typed
  as the table's columns (exprtypes.row_aliases), and run in the SQLite trigger.
- RAISE EXCEPTION fails the statement with P0001 and the formatted message; RAISE NOTICE
  and lower levels are dropped (a trigger cannot send a notice to the client).
- RETURN NULL in a BEFORE trigger skips the row (SQLite's RAISE(IGNORE)); reaching the end
  of the body without RETURN fails with 2F005, as in PostgreSQL.
- `NEW.c := value` in a BEFORE INSERT / UPDATE trigger: SQLite cannot change the row a
  BEFORE trigger sees, so an AFTER trigger sets the column on the row just written
  (`UPDATE table SET c = value WHERE rowid = NEW.rowid`). That keeps the value PostgreSQL
  stores; what could see the row in between is refused: another trigger of the event that
  reads or assigns NEW.c, the function reading NEW.c after assigning it, and RETURNING c
  (queries.py asks `assigned_columns`).

Updates made by Sixfold itself (an input trigger storing a value's canonical form, the
assignments above) run between sixfold_fixup(1) and sixfold_fixup(-1), and every user
trigger has WHEN sixfold_fixup(0) = 0: they fire for the statements a user wrote,
as in PostgreSQL, never for those internal updates (the engine resets the depth before
each statement, so one that failed midway leaves nothing behind).

SQLite fires a table's triggers newest first; each CREATE TRIGGER re-creates the table's
triggers in reverse name order, so they fire in PostgreSQL's order (by name).
Not supported (0A000): statement-level, INSTEAD OF, TRUNCATE and constraint triggers,
transition tables, trigger arguments, EXCEPTION blocks, NEW or OLD as a whole row.
"""

from __future__ import annotations

import json
import re

import sqlglot
from sqlglot import exp

from compute_node.pg_sql import constant_folding, exprtypes, plpgsql, routines, schema, values
from compute_node.pg_sql.lexing import closing_paren, error_near, object_name, segments
from compute_node.pg_sql.lexing import quoted_ident as _ident
from compute_node.pg_sql.lexing import sql_string as _quoted
from compute_node.pg_sql.statement import SessionContext, Statement
from sixfold.errors import SqlError

PREFIX = "sixfold_trg:"
MARKER = "/*sixfold_trigger:"
# pg_trigger's OIDs: this + the sqlite_master rowid of the SQLite trigger with the marker.
TRIGGER_OID_BASE = 800_000
FIXUP_DEPTH_SQL = "sixfold_fixup(0) = 0"
_EVENTS = ("insert", "update", "delete")
_NAME = r'("(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*)'
_CREATE = re.compile(rf"\s*(or\s+replace\s+)?(constraint\s+)?trigger\s+{_NAME}\s+(before|after|instead\s+of)\s+"
                     rf"(.+?)\s+on\s+(?:\"?public\"?\s*\.\s*)?{_NAME}\s*(.*)$", re.IGNORECASE | re.DOTALL)
_EXECUTE = re.compile(rf"execute\s+(?:function|procedure)\s+(?:\"?public\"?\s*\.\s*)?{_NAME}\s*\((.*)\)\s*$",
                      re.IGNORECASE | re.DOTALL)
_DROP = re.compile(rf"\s*trigger\s+(if\s+exists\s+)?{_NAME}\s+on\s+(?:\"?public\"?\s*\.\s*)?{_NAME}"
                   r"(\s+(cascade|restrict))?\s*$", re.IGNORECASE | re.DOTALL)
_ROW_REF = re.compile(r'\b(new|old)\b(\s*\.\s*("(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*))?', re.IGNORECASE)
_TG = re.compile(r"\btg_(op|table_name|relname|when|level|name|table_schema|nargs|argv)\b", re.IGNORECASE)
_TGTYPE = {"row": 1, "before": 2, "insert": 4, "delete": 8, "update": 16}




def _sqlite_name(table: str, trigger: str, part: str) -> str:
    return _ident(f"{PREFIX}{table}:{trigger}:{part}")


def _sub_outside_strings(pattern: re.Pattern, repl, text: str) -> str:
    """pattern.sub(repl, text) for the matches that start outside string literals and
    comments (quoted identifiers are matched: NEW."Col")."""
    quoted = [(s, e) for kind, s, e in segments(text) if kind not in ("code", "ident")]

    def one(m: re.Match) -> str:
        if any(s <= m.start() < e for s, e in quoted):
            return m.group(0)
        return repl(m)
    return pattern.sub(one, text)


def _unquoted(name: str) -> str:
    return name[1:-1].replace('""', '"') if name.startswith('"') else name


def _refuse(what: str) -> SqlError:
    return SqlError(f"triggers: {what} is not supported", "0A000")


# --- what the catalog holds -------------------------------------------------------------------
def marker_fields(trigger_sql: str | None) -> dict | None:
    """The trigger a SQLite trigger's comment describes (None: not the one with the marker)."""
    start = trigger_sql.find(MARKER) if trigger_sql else -1
    if start < 0:
        return None
    return json.loads(trigger_sql[start + len(MARKER):trigger_sql.find("*/", start)])


def _user_triggers(table: str | None = None) -> list[tuple[str, str, dict | None]]:
    """(SQLite name, SQLite text, marker fields or None) of the SQLite triggers made for
    user triggers, of one table or all."""
    cat = schema.current()
    if cat is None:
        return []
    rows = cat.rows("SELECT name, sql, tbl_name FROM sqlite_master WHERE type = 'trigger' "
                    "AND name LIKE 'sixfold\\_trg:%' ESCAPE '\\'")
    out = []
    for n, s, t in rows:
        if table is None or t == table:
            fields = marker_fields(s)
            if fields is not None:
                fields["table"] = t  # the table's name now (ALTER TABLE RENAME keeps the triggers)
            out.append((n, s, fields))
    return out


def _markers(table: str) -> dict[str, dict]:
    return {f["name"]: f for _, _, f in _user_triggers(table) if f is not None}


def using_function(function: str) -> list[tuple[str, str]]:
    """(table, trigger) of the triggers that execute `function`."""
    return sorted((f["table"], f["name"]) for _, _, f in _user_triggers() if f and f["function"] == function)


_PARTS = ("bi", "bu", "bd", "ai", "au", "ad", "fi", "fu")  # BEFORE/AFTER/assignments x event


def drop_sql(table: str, trigger: str) -> list[str]:
    """The SQLite triggers of one user trigger (named after the table as it was called
    when the trigger was made)."""
    return [f"DROP TRIGGER IF EXISTS {_ident(n)}" for n, _, _ in _user_triggers(table)
            if any(n.endswith(f":{trigger}:{part}") for part in _PARTS)]


def assigned_columns(table: str, events: tuple[str, ...]) -> set[str]:
    """The columns of `table` that BEFORE triggers of these events assign (NEW.c := ...):
    RETURNING them would show the row before the assignment."""
    out: set[str] = set()
    for f in _markers(table).values():
        for e in events:
            out.update(f["assigns"].get(e, ()))
    return out


# --- CREATE / DROP TRIGGER --------------------------------------------------------------------
def _parse_events(text: str) -> tuple[list[str], list[str]]:
    events, columns = [], []
    for part in re.split(r"\s+or\s+", text.strip(), flags=re.IGNORECASE):
        m = re.fullmatch(r"(insert|delete|truncate|update)(?:\s+of\s+(.+))?", part.strip(), re.IGNORECASE | re.DOTALL)
        if not m:
            raise error_near(part.strip().split()[0] if part.strip() else "ON")
        word = m.group(1).lower()
        if word == "truncate":
            raise _refuse("TRUNCATE triggers")
        if m.group(2) and word != "update":
            raise error_near("OF")
        if m.group(2):
            columns += [object_name(c.strip()) for c in m.group(2).split(",")]
        if word in events:
            raise SqlError("duplicate trigger events specified", "42601")
        events.append(word)
    return events, columns


def _when_and_function(tail: str) -> tuple[str | None, str]:
    """(WHEN condition, function name) of what follows ON table; FOR EACH ROW required."""
    rest = tail.strip()
    if re.match(r"(from|not\s+deferrable|deferrable|initially)\b", rest, re.IGNORECASE):
        raise _refuse("constraint triggers (FROM, DEFERRABLE)")
    if re.match(r"referencing\b", rest, re.IGNORECASE):
        raise _refuse("transition tables (REFERENCING)")
    level = re.match(r"for\s+(?:each\s+)?(row|statement)\b\s*", rest, re.IGNORECASE)
    if not level or level.group(1).lower() != "row":
        raise _refuse("statement-level triggers (FOR EACH STATEMENT, the default)")
    rest = rest[level.end():]
    when = None
    if re.match(r"when\s*\(", rest, re.IGNORECASE):
        start = rest.index("(")
        end = closing_paren(rest, start)
        if end is not None:
            when, rest = rest[start + 1:end], rest[end + 1:].strip()
        if when is None:
            raise SqlError("syntax error at end of input", "42601")
    m = _EXECUTE.match(rest)
    if not m:
        raise error_near(rest.split()[0] if rest.split() else "ROW")
    if m.group(2).strip():
        raise _refuse("trigger arguments (TG_ARGV)")
    return when, object_name(m.group(1))


def create_trigger(text: str, rest: str, ctx: SessionContext) -> Statement:
    m = _CREATE.match(rest)
    if not m:
        raise error_near("TRIGGER")
    replace, constraint, raw_name, timing, events_text, raw_table, tail = m.groups()
    if constraint:
        raise _refuse("constraint triggers")
    timing = " ".join(timing.lower().split())
    if timing == "instead of":
        raise _refuse("INSTEAD OF triggers")
    name, table = object_name(raw_name), object_name(raw_table)
    events, columns = _parse_events(events_text)
    when, function = _when_and_function(tail)
    cat = schema.current()
    kind = cat.rows("SELECT type FROM sqlite_master WHERE name = ? AND type IN ('table', 'view') "
                    "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'", (table,)) if cat else []
    if not kind:
        raise SqlError(f'relation "{table}" does not exist', "42P01")
    if kind[0][0] == "view":
        raise _refuse("triggers on views")
    known = {c.lower() for c, _ in cat.columns(table) or ()}
    for c in columns:
        if c.lower() not in known:
            raise SqlError(f'column "{c}" of relation "{table}" does not exist', "42703")
    fn = routines.find(function)
    if fn is None:
        raise SqlError(f"function {function}() does not exist", "42883")
    if fn["kind"] != "trigger":
        raise SqlError(f"function {function} must return type trigger", "42P17")
    existing = _markers(table)
    if name in existing and not replace:
        raise SqlError(f'trigger "{name}" for relation "{table}" already exists', "42710")
    definition = (f"CREATE TRIGGER {name} {timing.upper()} "
                  + " OR ".join(e.upper() + (f" OF {', '.join(columns)}" if e == "update" and columns else "")
                                for e in events)
                  + f" ON public.{table} FOR EACH ROW" + (f" WHEN {_deparsed(when)}" if when else "")
                  + f" EXECUTE FUNCTION {function}()")
    # pg_get_triggerdef(oid, true), psql's: the table unqualified, WHEN in single parentheses
    pretty = definition.replace(f" ON public.{table} ", f" ON {table} ")
    if when and _deparsed(when).startswith("(("):
        pretty = pretty.replace(f" WHEN {_deparsed(when)} ", f" WHEN {_deparsed(when)[1:-1]} ")
    spec = {"name": name, "table": table, "function": function, "timing": timing, "events": events,
            "columns": columns, "when": when, "def": definition, "pretty": pretty}
    specs = {n: f for n, f in existing.items() if n != name}
    specs[name] = spec
    return Statement(kind="sql", tag="CREATE TRIGGER",
                     sqlite=("SAVEPOINT sixfold_trigger", *_recreate(table, specs, {function: fn["body"]}, ctx),
                             "RELEASE sixfold_trigger"))


def _deparsed(when: str) -> str:
    """A WHEN condition as pg_get_triggerdef prints it: keywords in capitals, in PostgreSQL's
    double parentheses around an operator."""
    try:
        text = sqlglot.parse_one(when, read="postgres").sql(dialect="postgres")
    except sqlglot.errors.ParseError:
        raise SqlError(f'syntax error at or near "{when.strip().split()[0] if when.split() else ")"}"',
                       "42601") from None
    return f"(({text}))" if " " in text else f"({text})"


def drop_trigger(rest: str) -> Statement:
    m = _DROP.match(rest)
    if not m:
        raise error_near("TRIGGER")
    name, table = object_name(m.group(2)), object_name(m.group(3))
    cat = schema.current()
    if cat is None or not cat.rows("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)):
        raise SqlError(f'relation "{table}" does not exist', "42P01")
    drops = drop_sql(table, name)
    if not drops:
        if m.group(1):
            return Statement(kind="noop", tag="DROP TRIGGER", notice=(
                "00000", f'trigger "{name}" for relation "{table}" does not exist, skipping'))
        raise SqlError(f'trigger "{name}" for table "{table}" does not exist', "42704")
    return Statement(kind="sql", tag="DROP TRIGGER", sqlite=tuple(drops))


def rebuild_for_function(function: str, body: str, ctx: SessionContext) -> list[str]:
    """CREATE OR REPLACE FUNCTION: the SQLite statements that re-create the triggers that
    execute it, compiled from the new body."""
    out: list[str] = []
    for table in sorted({t for t, _ in using_function(function)}):
        out += _recreate(table, _markers(table), {function: body}, ctx)
    return out


def _recreate(table: str, specs: dict[str, dict], bodies: dict[str, str], ctx: SessionContext) -> list[str]:
    """Drop the table's user triggers and create them again from `specs`, in reverse name
    order (SQLite fires the newest first), after checking what they assign and read."""
    compiled = {}
    for name, spec in specs.items():
        body = bodies.get(spec["function"])
        if body is None:
            fn = routines.find(spec["function"])
            body = fn["body"] if fn else None
        if body is None:
            raise SqlError(f"function {spec['function']}() does not exist", "42883")
        compiled[name] = _compile(spec, plpgsql.parse_trigger_body(body), ctx)
    _check_overlaps(compiled)
    out = [f"DROP TRIGGER IF EXISTS {_ident(n)}" for n, _, _ in _user_triggers(table)]
    out += _flag_input_triggers(table)
    for name in sorted(compiled, reverse=True):
        out += compiled[name][0]
    return out


def _check_overlaps(compiled: dict[str, tuple[list[str], dict]]) -> None:
    for a, (_, fa) in compiled.items():
        for b, (_, fb) in compiled.items():
            if a == b:
                continue
            for e in _EVENTS:
                hit = set(fa["assigns"].get(e, ())) & (set(fb["reads"].get(e, ())) | set(fb["assigns"].get(e, ())))
                if hit:
                    raise _refuse(f'trigger "{b}" reading or assigning NEW.{sorted(hit)[0]}, which trigger "{a}" '
                                  f"assigns on {e.upper()} (the assignment is made after the row is written)")


def _flag_input_triggers(table: str) -> list[str]:
    """The table's input triggers (ddl.input_triggers) made before they marked their update
    as Sixfold's own: re-created marked, so that user triggers do not fire for it."""
    cat = schema.current()
    rows = cat.rows("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ? "
                    "AND name LIKE 'sixfold\\_in:%' ESCAPE '\\' AND sql NOT LIKE '%sixfold_fixup%'", (table,))
    out = []
    for n, sql in rows:
        marked = re.sub(r"\bBEGIN (UPDATE .*); END$", r"BEGIN SELECT sixfold_fixup(1); \1; SELECT sixfold_fixup(-1); END",
                        sql, flags=re.DOTALL)
        # and storing the row's value, not NEW's (an assignment may have set it already)
        marked = re.sub(r"\bSET (\S+) = pg_stored\(NEW\.\1, ", r"SET \1 = pg_stored(\1, ", marked)
        if marked != sql:
            out += [f"DROP TRIGGER {_ident(n)}", marked]
    return out


# --- compiling a function for one trigger -------------------------------------------------------
class _Compiler:
    def __init__(self, spec: dict, event: str, ctx: SessionContext):
        self.spec, self.event, self.ctx = spec, event, ctx
        self.table = spec["table"]
        self.columns = {c.lower(): c for c, _ in schema.current().columns(self.table) or ()}
        self.decls = {c: d for c, d in schema.current().columns(self.table) or ()}
        self.reads: set[str] = set()
        self.assigned: list[str] = []
        # NEW's typed columns: NEW holds the value as the statement wrote it ('Jan 1 2024'
        # into a date), which an input trigger stores in its canonical form afterwards;
        # PostgreSQL's NEW already has the type's value. Read through pg_stored.
        self.stored_new: set[str] = set()

    # PL/pgSQL text -> SQL text for this event
    def subst(self, text: str) -> str:
        return _sub_outside_strings(_TG, self._tg, _sub_outside_strings(_ROW_REF, self._row_ref, text))

    def _row_ref(self, m: re.Match) -> str:
        row = m.group(1).lower()
        if m.group(3) is None:
            raise _refuse(f"{row.upper()} as a whole row (use {row.upper()}.column)")
        col = object_name(m.group(3))
        real = self.columns.get(col.lower()) if not m.group(3).startswith('"') else \
            (col if col in self.columns.values() else None)
        if real is None:
            raise SqlError(f'record "{row}" has no field "{col}"', "42703")
        if (row == "new" and self.event == "delete") or (row == "old" and self.event == "insert"):
            return "NULL"
        if row == "new":
            if real in self.assigned:
                raise _refuse(f"reading NEW.{real} after assigning it in the same trigger function")
            self.reads.add(real)
            if values.converted_kind(self.decls.get(real)) is not None:
                self.stored_new.add(real)
        return f"{row}.{_ident(real)}"

    def _tg(self, m: re.Match) -> str:
        what = m.group(1).lower()
        if what == "argv":
            raise _refuse("TG_ARGV")
        return {"op": _quoted(self.event.upper()), "table_name": _quoted(self.table),
                "relname": _quoted(self.table), "when": _quoted(self.spec["timing"].upper()),
                "level": "'ROW'", "name": _quoted(self.spec["name"]), "table_schema": "'public'",
                "nargs": "0"}[what]

    # SQL text -> SQLite text
    def statement(self, pg: str) -> str:
        from compute_node.pg_sql.queries import select_path

        with exprtypes.row_aliases({"new": self.table, "old": self.table}), constant_folding.suspended():
            st = select_path(pg, self.ctx)  # (PostgreSQL plans it when the trigger fires: no folds now)
        if st.kind != "sql" or len(st.sqlite) != 1 or st.param_count or st.literals:
            raise _refuse(f"this statement in a trigger function ({pg[:60]})")
        if re.match(r"\s*with\b", st.sqlite[0], re.IGNORECASE):
            raise _refuse(f"this statement in a trigger function (it needs a WITH clause: {pg[:60]})")
        return self._stored(st.sqlite[0])

    def _stored(self, sql: str) -> str:
        """NEW's typed columns in `sql` read as stored (outside quotes)."""
        if not self.stored_new:
            return sql
        names = "|".join(re.escape(_ident(c)) + (f"|{c}\\b" if re.fullmatch(r"[a-z_][a-z0-9_]*", c) else "")
                         for c in sorted(self.stored_new))
        pattern = re.compile(rf"\bnew\.({names})", re.IGNORECASE)
        return _sub_outside_strings(pattern, lambda m: f"pg_stored(new.{m.group(1)}, "
                                    f"{_quoted(self.decls[_unquoted(m.group(1))])})", sql)

    def expr(self, pg: str) -> str:
        sql = self.statement(f"SELECT ({pg}) AS sixfold_v")
        m = re.fullmatch(r'SELECT (.*) AS "?sixfold_v"?', sql, re.DOTALL)
        if not m:
            raise _refuse(f"this expression in a trigger function ({pg[:60]})")
        return m.group(1)


def _and(a: str | None, b: str | None) -> str | None:
    if a is None:
        return b
    if b is None:
        return a
    return f"({a}) AND ({b})"


def _holds(cond: str) -> str:
    return f"COALESCE(({cond}), false)"


def _flatten(nodes: list, guard: str | None, out: list, depth: int = 0) -> str | None | bool:
    """Append (guard, node) steps; the guard under which control goes on after `nodes`
    (False: it never does, every path returned)."""
    for node in nodes:
        if isinstance(node, plpgsql.Block):
            if node.handlers:
                raise _refuse("EXCEPTION blocks in trigger functions")
            guard = _flatten(node.body, guard, out, depth + 1)
        elif isinstance(node, plpgsql.If):
            if any(c is not None and re.search(r"\bselect\b", c, re.IGNORECASE) for c, body in node.branches
                   if len(body) > 1):
                raise _refuse("an IF condition with a subquery over more than one statement")
            goes_on: list[str | None] = []
            not_taken: str | None = None
            has_else = False
            for cond, body in node.branches:
                has_else |= cond is None
                branch = _and(guard, _and(not_taken, _holds(cond) if cond is not None else None))
                after = _flatten(body, branch, out, depth + 1)
                if after is not False:
                    goes_on.append(after)
                if cond is not None:
                    not_taken = _and(not_taken, f"NOT {_holds(cond)}")
            if not has_else:
                goes_on.append(_and(guard, not_taken))
            if not goes_on:
                return False
            guard = None if any(g is None for g in goes_on) else \
                goes_on[0] if len(goes_on) == 1 else " OR ".join(f"({g})" for g in goes_on)
        else:
            out.append((guard, node))
            if isinstance(node, plpgsql.Return):
                return False
        if guard is False:
            return False
    return guard


def _guarded(pg: str, guard: str | None) -> str:
    """A SQL statement of the function, run only where `guard` holds."""
    if guard is None:
        return pg
    try:
        tree = sqlglot.parse_one(pg, read="postgres")
        cond = sqlglot.parse_one(guard, read="postgres")
    except sqlglot.errors.ParseError:
        raise _refuse(f"this statement under an IF ({pg[:60]})") from None
    if isinstance(tree, (exp.Update, exp.Delete)):
        tree = tree.where(cond, copy=False)
    elif isinstance(tree, exp.Insert) and isinstance(tree.expression, exp.Values) and \
            len(tree.expression.expressions) == 1:
        row = tree.expression.expressions[0]
        tree.set("expression", exp.select(*row.expressions).where(cond))
    elif isinstance(tree, exp.Insert) and isinstance(tree.expression, exp.Select):
        tree.set("expression", exp.select("*").from_(tree.expression.subquery("sixfold_guarded")).where(cond))
    elif isinstance(tree, exp.Select) and not tree.args.get("from_") and not tree.args.get("from") and \
            not tree.args.get("where"):
        tree = tree.where(cond, copy=False)
    else:
        raise _refuse(f"this statement under an IF ({pg[:60]})")
    return tree.sql(dialect="postgres")


def _raise_sql(c: _Compiler, node: plpgsql.Raise, guard: str | None) -> str:
    parts = re.split(r"(%%|%)", node.message)
    pieces, args = [], list(node.args)
    for p in parts:
        if p == "%%":
            pieces.append("'%'")
        elif p == "%":
            if not args:
                raise SqlError("too few parameters specified for RAISE", "42601")
            pieces.append(f"COALESCE(CAST(({c.subst(args.pop(0))}) AS text), '<NULL>')")
        elif p:
            pieces.append(_quoted(p))
    if args:
        raise SqlError("too many parameters specified for RAISE", "42601")
    message = c.expr(" || ".join(pieces) if pieces else "''")
    where = f" WHERE {c.expr(guard)}" if guard else ""
    return f"SELECT pg_raise('P0001', {message}){where}"


def _compile_event(spec: dict, tree: plpgsql.Block, event: str, ctx: SessionContext) -> tuple[list[str], list[str], _Compiler]:
    """(statements of the main trigger, assignments for the AFTER one, the compiler)."""
    c = _Compiler(spec, event, ctx)
    steps: list = []
    end = _flatten([tree], None, steps)
    before = spec["timing"] == "before"
    main, fixups = [], []
    for guard, node in steps:
        guard = c.subst(guard) if guard else None
        if isinstance(node, plpgsql.Assign):
            if not before:
                continue  # an AFTER trigger's NEW changes nothing
            if event == "delete":
                raise _refuse("assigning NEW in a DELETE trigger (NEW is NULL)")
            col = c.columns.get(node.column.lower()) if node.column == node.column.lower() else \
                (node.column if node.column in c.columns.values() else None)
            if col is None:
                raise SqlError(f'record "new" has no field "{node.column}"', "42703")
            value = c.subst(node.expr)
            update = c.statement(f"UPDATE {_ident(spec['table'])} SET {_ident(col)} = ({value})")
            if not update.upper().startswith("UPDATE ") or " RETURNING " in update.upper():
                raise _refuse(f"this assignment ({node.expr[:60]})")
            fixups.append(update + " WHERE rowid = NEW.rowid" + (f" AND ({c.expr(guard)})" if guard else ""))
            c.assigned.append(col)
        elif isinstance(node, plpgsql.Return):
            skip = node.row == "null" or (node.row == "new" and event == "delete") or \
                (node.row == "old" and event == "insert")
            if before and node.row == "old" and event == "update":
                raise _refuse("RETURN OLD in a BEFORE UPDATE trigger")
            if before and skip:
                main.append("SELECT RAISE(IGNORE)" + (f" WHERE {c.expr(guard)}" if guard else ""))
        elif isinstance(node, plpgsql.Raise):
            if node.level == "exception":
                main.append(_raise_sql(c, node, guard))
        elif isinstance(node, plpgsql.Perform):
            main.append(c.statement(_guarded(c.subst(node.query), guard)))
        elif isinstance(node, plpgsql.Sql):
            main.append(c.statement(_guarded(c.subst(node.text), guard)))
        else:  # pragma: no cover - the parser makes no other node
            raise AssertionError(node)
    if end is not False:
        where = f" WHERE {c.expr(c.subst(end))}" if end else ""
        main.append(f"SELECT pg_raise('2F005', 'control reached end of trigger procedure without RETURN'){where}")
    return main, fixups, c


def _compile(spec: dict, tree: plpgsql.Block, ctx: SessionContext) -> tuple[list[str], dict]:
    """The SQLite CREATE TRIGGER statements of one trigger, and its marker fields."""
    fields = dict(spec, assigns={}, reads={})
    table = _ident(spec["table"])
    out: list[str] = []
    for event in spec["events"]:
        main, fixups, c = _compile_event(spec, tree, event, ctx)
        when = FIXUP_DEPTH_SQL
        if spec["when"]:
            when += f" AND ({c.expr(c.subst(spec['when']))})"
        fields["assigns"][event] = sorted(set(c.assigned))
        fields["reads"][event] = sorted(c.reads)
        on = event.upper() + (f" OF {', '.join(_ident(x) for x in spec['columns'])}"
                              if event == "update" and spec["columns"] else "")
        part = ("b" if spec["timing"] == "before" else "a") + event[0]
        body = "; ".join(main) if main else "SELECT NULL"
        out.append(f"CREATE TRIGGER {_sqlite_name(spec['table'], spec['name'], part)} {spec['timing'].upper()} {on} "
                   f"ON {table} FOR EACH ROW {{marker}} WHEN {when} BEGIN {body}; END")
        if fixups:
            out.append(f"CREATE TRIGGER {_sqlite_name(spec['table'], spec['name'], 'f' + event[0])} AFTER {on} "
                       f"ON {table} FOR EACH ROW WHEN {when} BEGIN SELECT sixfold_fixup(1); {'; '.join(fixups)}; "
                       "SELECT sixfold_fixup(-1); END")
    marker = MARKER + json.dumps(fields).replace("/", "\\/") + "*/"
    out = [s.replace("{marker}", marker if i == 0 else "") for i, s in enumerate(out)]
    return out, fields


# --- pg_trigger -----------------------------------------------------------------------------
def tgtype(fields: dict) -> int:
    return _TGTYPE["row"] | (_TGTYPE["before"] if fields["timing"] == "before" else 0) | \
        sum(_TGTYPE[e] for e in fields["events"])


def catalog_rows_sql(pg_oid_base: int) -> str:
    """pg_trigger's rows: one per user trigger (the SQLite trigger with the marker)."""
    return (f"SELECT {TRIGGER_OID_BASE} + m.rowid AS oid, {pg_oid_base} + t.rowid AS tgrelid, 0 AS tgparentid, "
            "pg_trigger_field(m.sql, 'name') AS tgname, "
            f"(SELECT {routines.FUNCTION_OID_BASE} + f.rowid FROM sqlite_master f WHERE f.type = 'view' "
            f"AND f.name = '{routines.HOLDER_PREFIX}' || pg_trigger_field(m.sql, 'function')) AS tgfoid, "
            "pg_trigger_field(m.sql, 'tgtype') AS tgtype, 'O' AS tgenabled, 0 AS tgisinternal, "
            "0 AS tgconstrrelid, 0 AS tgconstrindid, 0 AS tgconstraint, 0 AS tgdeferrable, 0 AS tginitdeferred, "
            "0 AS tgnargs, '' AS tgattr, '' AS tgargs, NULL AS tgqual, NULL AS tgoldtable, NULL AS tgnewtable, "
            "pg_trigger_field(m.sql, 'def') AS pg_tgdef, pg_trigger_field(m.sql, 'pretty') AS pg_tgdef_pretty "
            "FROM sqlite_master m JOIN sqlite_master t ON t.type = 'table' AND t.name = m.tbl_name "
            f"WHERE m.type = 'trigger' AND m.name LIKE 'sixfold\\_trg:%' ESCAPE '\\' AND m.sql LIKE '%{MARKER}%'")


def trigger_field(trigger_sql, key):
    """SQL function pg_trigger_field(SQLite trigger text, key)."""
    fields = marker_fields(trigger_sql)
    if fields is None:
        return None
    return tgtype(fields) if key == "tgtype" else fields[key]
