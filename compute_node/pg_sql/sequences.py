"""Sequences: CREATE / ALTER / DROP SEQUENCE, nextval, currval, setval, lastval.

A sequence is what it is in PostgreSQL, a one-row relation: a SQLite table of the
sequence's name with columns last_value, log_cnt, is_called (so `SELECT last_value
FROM s` works) and sixfold_sequence, the options as JSON (increment, bounds, cycle,
start, owned_by). The catalog lists such tables as relkind 'S'. A serial or identity
column's sequence is one of these, owned by its column (`owned_by`: [table, column];
serials.py makes it and ddl.py drops it with the column); the column's DEFAULT names it
(`default_sequence`).

nextval and setval run on the writer (on a reader their write fails, and the engine
runs the statement again on the writer, as any write). In PostgreSQL they are not
undone by a rollback, so a value is never handed out twice: each session remembers
what its transaction did to each sequence, and after a transaction that ended without
it (ROLLBACK, a failed statement), writes it again (`reapply_sql`). currval and
lastval are per session (`SESSION`, set by the session around each statement, like
functions.CLOCK). A value handed out by a transaction that was lost with its writer
(a crash before commit, a failover) may be handed out again: no committed row holds
it.
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass, field

import apsw

from compute_node.pg_sql import schema
from compute_node.pg_sql.lexing import error_near, ident, sql_string as _lit
from sixfold.errors import SqlError

MARKER_COLUMN = schema.SEQUENCE_MARKER_COLUMN
# How a sequence's table is recognised in sqlite_master.sql (catalog.py)
MARKER_SQL = f"{MARKER_COLUMN} TEXT NOT NULL)"
IS_SEQUENCE_SQL = "sql LIKE '%" + MARKER_SQL + "'"

_INT8 = (-(2**63), 2**63 - 1)
_RANGE = {"smallint": (-(2**15), 2**15 - 1), "int2": (-(2**15), 2**15 - 1), "integer": (-(2**31), 2**31 - 1),
          "int": (-(2**31), 2**31 - 1), "int4": (-(2**31), 2**31 - 1), "bigint": _INT8, "int8": _INT8}
_NAME = r"(\"(?:[^\"]|\"\")+\"|[A-Za-z_][A-Za-z0-9_$.]*)"
_CREATE = re.compile(r"^\s*sequence\s+(if\s+not\s+exists\s+)?" + _NAME + r"(.*)$", re.IGNORECASE | re.DOTALL)
_ALTER = re.compile(r"^\s*sequence\s+(if\s+exists\s+)?" + _NAME + r"(.*)$", re.IGNORECASE | re.DOTALL)
_OPTION = re.compile(
    r"\s*(?:(as)\s+(smallint|integer|int|bigint|int2|int4|int8)|(increment)\s+(?:by\s+)?(-?\d+)|"
    r"(minvalue)\s+(-?\d+)|(no\s+minvalue)|(maxvalue)\s+(-?\d+)|(no\s+maxvalue)|(start)\s+(?:with\s+)?(-?\d+)|"
    r"(restart)(?:\s+(?:with\s+)?(-?\d+))?|(cache)\s+(\d+)|(no\s+cycle)|(cycle)|(owned\s+by)\s+(\S+))",
    re.IGNORECASE)


def _options(text: str) -> dict:
    """The options of CREATE/ALTER SEQUENCE, as given (keys: as, increment, minvalue,
    maxvalue, start, restart, cycle; None for NO MINVALUE / NO MAXVALUE)."""
    out: dict = {}
    pos = 0
    text = text.rstrip().rstrip(";")
    while pos < len(text.rstrip()):
        m = _OPTION.match(text, pos)
        if not m or m.end() == pos:
            raise error_near(text[pos:].split()[0])
        g = [x.lower() if isinstance(x, str) else x for x in m.groups()]
        if g[0]:
            out["as"] = g[1]
        elif g[2]:
            out["increment"] = int(g[3])
        elif g[4]:
            out["minvalue"] = int(g[5])
        elif g[6]:
            out["minvalue"] = None
        elif g[7]:
            out["maxvalue"] = int(g[8])
        elif g[9]:
            out["maxvalue"] = None
        elif g[10]:
            out["start"] = int(g[11])
        elif g[12]:
            out["restart"] = int(g[13]) if g[13] is not None else "start"
        elif g[14] and int(g[15]) <= 0:
            raise SqlError(f"CACHE ({int(g[15])}) must be greater than zero", "22023")
        elif g[16]:
            out["cycle"] = False
        elif g[17]:
            out["cycle"] = True
        elif g[18]:  # OWNED BY table.column (pg_dump's serials) or NONE
            out["owned_by"] = None if g[19] == "none" else owner(m.group(20))
        pos = m.end()
    return out


def settle(opts: dict, old: dict | None = None) -> dict:
    """The sequence's full options from those given (and its current ones): PostgreSQL's
    defaults for the bounds and the start, and its checks (22023)."""
    cur = dict(old or {})
    typ = opts.get("as", cur.get("as", "bigint"))
    lo_t, hi_t = _RANGE[typ]
    inc = opts.get("increment", cur.get("increment", 1))
    if inc == 0:
        raise SqlError("INCREMENT must not be zero", "22023")
    lo = opts["minvalue"] if opts.get("minvalue") is not None else (
        None if "minvalue" in opts else cur.get("minvalue"))
    hi = opts["maxvalue"] if opts.get("maxvalue") is not None else (
        None if "maxvalue" in opts else cur.get("maxvalue"))
    lo = lo if lo is not None else (1 if inc > 0 else lo_t)
    hi = hi if hi is not None else (hi_t if inc > 0 else -1)
    if not (lo_t <= lo <= hi_t and lo_t <= hi <= hi_t):
        raise SqlError(f"MINVALUE ({lo}) and MAXVALUE ({hi}) must be within the range of type {typ}", "22023")
    if lo >= hi:
        raise SqlError(f"MINVALUE ({lo}) must be less than MAXVALUE ({hi})", "22023")
    start = opts.get("start", cur.get("start", lo if inc > 0 else hi))
    if start < lo:
        raise SqlError(f"START value ({start}) cannot be less than MINVALUE ({lo})", "22023")
    if start > hi:
        raise SqlError(f"START value ({start}) cannot be greater than MAXVALUE ({hi})", "22023")
    return {"as": typ, "increment": inc, "minvalue": lo, "maxvalue": hi, "start": start,
            "cycle": opts.get("cycle", cur.get("cycle", False)), "owned_by": opts.get("owned_by", cur.get("owned_by"))}



def owner(text: str) -> list[str]:
    """OWNED BY's [table, column], as SQLite names them ([schema.]table.column)."""
    parts = [ident(x) for x in re.findall(r'"(?:[^"]|"")*"|[^."]+', text.strip())]
    if len(parts) < 2:
        raise SqlError("invalid OWNED BY option", "42601")
    return [p[1:-1].replace('""', '"') if p.startswith('"') else p for p in parts[-2:]]


def create(rest: str, owned_by: list[str] | None = None) -> list[str]:
    """CREATE SEQUENCE -> SQLite statements. `owned_by`: [table, column] of the serial or
    identity column whose sequence it is (dropped with it, as OWNED BY table.column)."""
    m = _CREATE.match(rest)
    if not m:
        raise error_near(rest.split()[1] if len(rest.split()) > 1 else "SEQUENCE")
    ifne, name = m.group(1), ident(m.group(2).split(".")[-1])
    opts = settle({**_options(m.group(3)), **({"owned_by": owned_by} if owned_by else {})})
    return [f"CREATE TABLE {'IF NOT EXISTS ' if ifne else ''}{name} (last_value INTEGER NOT NULL, "
            f"log_cnt INTEGER NOT NULL DEFAULT 0, is_called boolean NOT NULL, {MARKER_SQL}",
            f"INSERT INTO {name} SELECT {opts['start']}, 0, 0, {_lit(json.dumps(opts))} "
            f"WHERE NOT EXISTS (SELECT 1 FROM {name})"]


def alter(rest: str, exists) -> list[str]:
    """ALTER SEQUENCE name options -> an UPDATE of the sequence's row (pg_sequence_settle
    works out the new options from the current ones). `exists(name)` says whether there
    is such a sequence (IF EXISTS)."""
    m = _ALTER.match(rest)
    if not m:
        raise error_near("SEQUENCE")
    name = ident(m.group(2).split(".")[-1])
    rm = re.match(r"\s*rename\s+to\s+(\S+)\s*$", m.group(3), re.IGNORECASE)
    if rm:
        return [f"ALTER TABLE {name} RENAME TO {ident(rm.group(1))}"]
    changes = _lit(json.dumps(_options(m.group(3))))
    if m.group(1) and not exists(name.strip('"')):
        return []
    return [f"UPDATE {name} SET last_value = pg_sequence_restart({MARKER_COLUMN}, {changes}, last_value), "
            f"is_called = CASE WHEN json_type({changes}, '$.restart') IS NULL THEN is_called ELSE 0 END, "
            f"{MARKER_COLUMN} = pg_sequence_settle({MARKER_COLUMN}, {changes})"]


def settle_json(current: str, changes: str) -> str:
    opts = json.loads(changes)
    opts.pop("restart", None)
    try:
        return json.dumps(settle(opts, json.loads(current)))
    except SqlError as e:
        _fail(e.sqlstate, str(e))


def restart_value(current: str, changes: str, last_value):
    restart = json.loads(changes).get("restart")
    if restart is None:
        return last_value
    settled = json.loads(settle_json(current, changes))
    if restart == "start":
        return settled["start"]
    if int(restart) < settled["minvalue"]:
        _fail("22023", f"RESTART value ({restart}) cannot be less than MINVALUE ({settled['minvalue']})")
    if int(restart) > settled["maxvalue"]:
        _fail("22023", f"RESTART value ({restart}) cannot be greater than MAXVALUE ({settled['maxvalue']})")
    return int(restart)


# --- run time: the SQLite functions --------------------------------------------------------
@dataclass
class SessionSequences:
    """A session's view: currval per sequence, lastval, and what its open transaction did
    to each sequence (written again if the transaction ends without it)."""

    current: dict[str, int] = field(default_factory=dict)
    last: str | None = None
    pending: dict[str, tuple[str, int, bool]] = field(default_factory=dict)
    # The prefix of the session's temporary tables' names (temp_tables.py) while it has
    # any: a name is first looked for among them (a temporary serial's sequence).
    temp_prefix: str = ""


class _Session(threading.local):
    state: SessionSequences | None = None


SESSION = _Session()


def _fail(sqlstate: str, message: str):
    raise apsw.SQLError(f"[{sqlstate}] {message}")


def _seq_name(arg) -> str:
    """nextval('S') is s, nextval('"S"') is S, a schema is dropped."""
    text = str(arg).strip()
    if text.startswith('"') and text.endswith('"'):
        return text[1:-1].replace('""', '"')
    return text.split(".")[-1].lower()


def _resolved(conn: apsw.Connection, arg) -> str:
    """The sequence `arg` names: the session's temporary one of that name first, as
    PostgreSQL's search path puts pg_temp first."""
    name = _seq_name(arg)
    state = SESSION.state
    if state is not None and state.temp_prefix and conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (state.temp_prefix + name,)).fetchall():
        return state.temp_prefix + name
    return name


def _read(conn: apsw.Connection, name: str) -> tuple[int, bool, dict]:
    quoted = '"' + name.replace('"', '""') + '"'
    try:
        row = conn.execute(f"SELECT last_value, is_called, {MARKER_COLUMN} FROM {quoted}").fetchone()
    except apsw.SQLError as e:
        if "no such table" in str(e):
            _fail("42P01", f'relation "{name}" does not exist')
        if "no such column" in str(e):
            _fail("42809", f'"{name}" is not a sequence')
        raise
    if row is None:
        _fail("42809", f'"{name}" is not a sequence')
    return int(row[0]), bool(row[1]), json.loads(row[2])


def _write(conn: apsw.Connection, name: str, value: int, called: bool, kind: str) -> None:
    quoted = '"' + name.replace('"', '""') + '"'
    conn.execute(f"UPDATE {quoted} SET last_value = ?, is_called = ?", (value, int(called)))
    state = SESSION.state
    if state is not None:  # (an autocommit statement that fails takes it back too)
        state.pending[name] = (kind, value, called)


def nextval(conn: apsw.Connection, arg):
    if arg is None:
        return None
    name = _resolved(conn, arg)
    last, called, o = _read(conn, name)
    value = last + o["increment"] if called else last
    if value > o["maxvalue"] or value < o["minvalue"]:
        if not o["cycle"]:
            word, bound = ("maximum", o["maxvalue"]) if o["increment"] > 0 else ("minimum", o["minvalue"])
            _fail("2200H", f'nextval: reached {word} value of sequence "{name}" ({bound})')
        value = o["minvalue"] if o["increment"] > 0 else o["maxvalue"]
    _write(conn, name, value, True, "advance" if o["increment"] > 0 else "advance down")
    if SESSION.state is not None:
        SESSION.state.current[name] = value
        SESSION.state.last = name
    return value


# A column default that takes its values from a sequence, as ddl.py writes it (SQLite's
# pragma shows it with or without the parentheses): nextval('s') for a serial or a
# DEFAULT nextval(...), pg_identity_next('s', 'a' | 'd') for an identity column.
_SEQUENCE_DEFAULT = re.compile(
    r"^\(?\s*(nextval|pg_identity_next)\('(?:public\.)?((?:[^']|'')+)'(?:::regclass)?(?:\s*,\s*'([ad])')?\)\s*\)?$",
    re.IGNORECASE)


def default_sequence(default_text: str | None) -> tuple[str, str | None] | None:
    """(sequence, identity) of a column whose default is its sequence's next value:
    identity 'a' (GENERATED ALWAYS), 'd' (BY DEFAULT) or None (a serial or another
    nextval default). None for any other default."""
    m = _SEQUENCE_DEFAULT.match((default_text or "").strip())
    if m is None:
        return None
    name = m.group(2).replace("''", "'")
    name = name[1:-1].replace('""', '"') if name.startswith('"') and name.endswith('"') else name
    return name, (m.group(3).lower() if m.group(1).lower() == "pg_identity_next" else None)


def owned_by(options_json: str | None) -> tuple[str, str] | None:
    """(table, column) a sequence belongs to (a serial's or an identity's, or OWNED BY:
    dropped with it, named by pg_get_serial_sequence), from its options; None if none."""
    found = json.loads(options_json).get("owned_by") if options_json else None
    return (found[0], found[1]) if found else None


def _owner_of(conn: apsw.Connection, name: str) -> tuple[str, str] | None:
    """owned_by of sequence `name`; None when it has none or is no sequence."""
    try:
        found = _read(conn, name)[2].get("owned_by")
    except apsw.SQLError:  # (no such relation, or not a sequence)
        return None
    return (found[0], found[1]) if found else None


def get_serial_sequence(conn: apsw.Connection, table, column):
    """pg_get_serial_sequence(table, column): public.seq for a column whose default takes
    the next value of a sequence it owns (a serial or identity column); NULL otherwise."""
    if table is None or column is None:
        return None
    t = _seq_name(table)
    if not conn.execute("SELECT 1 FROM sqlite_master WHERE type IN ('table', 'view') AND name = ?", (t,)).fetchall():
        _fail("42P01", f'relation "{table}" does not exist')
    c = str(column)
    cols = conn.execute("SELECT name, dflt_value FROM pragma_table_info(?)", (t,)).fetchall()
    found = next((r for r in cols if r[0] == c), None)
    if found is None:
        _fail("42703", f'column "{c}" of relation "{t}" does not exist')
    seq = default_sequence(found[1])
    return f"public.{seq[0]}" if seq is not None and _owner_of(conn, seq[0]) == (t, c) else None


def currval(conn: apsw.Connection, arg):
    name = _resolved(conn, arg)
    _read(conn, name)  # 42P01 / 42809 first, as PostgreSQL checks the relation first
    state = SESSION.state
    if state is None or name not in state.current:
        _fail("55000", f'currval of sequence "{name}" is not yet defined in this session')
    return state.current[name]


def last_value(conn: apsw.Connection, name: str) -> int | None:
    """pg_sequences.last_value: the last value handed out, NULL before the first."""
    last, called, _o = _read(conn, name)
    return last if called else None


def lastval(conn: apsw.Connection):
    state = SESSION.state
    if state is None or state.last is None or not conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (state.last,)).fetchall():
        _fail("55000", "lastval is not yet defined in this session")  # (also once its sequence is dropped)
    return state.current[state.last]


def discard(state: SessionSequences) -> None:
    """DISCARD SEQUENCES (and DISCARD ALL): forget the session's currval and lastval."""
    state.current.clear()
    state.last = None


def setval(conn: apsw.Connection, arg, value, is_called=True):
    if arg is None or value is None:
        return None
    name = _resolved(conn, arg)
    _last, _called, o = _read(conn, name)
    value = int(value)
    if not o["minvalue"] <= value <= o["maxvalue"]:
        _fail("22003", f'setval: value {value} is out of bounds for sequence "{name}" '
              f'({o["minvalue"]}..{o["maxvalue"]})')
    _write(conn, name, value, bool(is_called), "set")
    if is_called and SESSION.state is not None:
        SESSION.state.current[name] = value
    return value


def reapply_sql(state: SessionSequences) -> list[tuple[str, tuple]]:
    """After a transaction ended: statements writing again what it did to sequences, in
    case it rolled back (a no-op when it committed). An advance never moves a sequence
    back past another session's."""
    out = []
    for name, (kind, value, called) in state.pending.items():
        quoted = '"' + name.replace('"', '""') + '"'
        if kind.startswith("advance"):
            behind = "last_value > ?1" if kind == "advance down" else "last_value < ?1"
            out.append((f"UPDATE {quoted} SET last_value = ?1, is_called = 1 WHERE {behind} OR is_called = 0",
                        (value,)))
        else:
            out.append((f"UPDATE {quoted} SET last_value = ?1, is_called = ?2 "
                        "WHERE last_value != ?1 OR is_called != ?2", (value, int(called))))
    state.pending.clear()
    return out


def register(conn: apsw.Connection) -> None:
    conn.create_scalar_function("nextval", lambda a: nextval(conn, a), 1)
    conn.create_scalar_function("pg_identity_next", lambda a, _kind: nextval(conn, a), 2)
    conn.create_scalar_function("currval", lambda a: currval(conn, a), 1)
    conn.create_scalar_function("lastval", lambda: lastval(conn), 0)
    conn.create_scalar_function("pg_get_serial_sequence", lambda t, c: get_serial_sequence(conn, t, c), 2)
    conn.create_scalar_function("setval", lambda a, v: setval(conn, a, v), 2)
    conn.create_scalar_function("setval", lambda a, v, c: setval(conn, a, v, c), 3)
    conn.create_scalar_function("pg_sequence_options", lambda n: json.dumps(_read(conn, str(n))[2]), 1)
    conn.create_scalar_function("pg_sequence_last_value", lambda n: last_value(conn, str(n)), 1)
    conn.create_scalar_function("pg_default_sequence", lambda d: (default_sequence(d) or (None,))[0], 1,
                                deterministic=True)
    conn.create_scalar_function("pg_owns_sequence", lambda q, t, c: int(_owner_of(conn, q) == (t, c)), 3)
    conn.create_scalar_function("pg_sequence_settle", settle_json, 2, deterministic=True)
    conn.create_scalar_function("pg_sequence_restart", restart_value, 3, deterministic=True)
