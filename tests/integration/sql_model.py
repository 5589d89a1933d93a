"""The reference side of the SQL differential test: random statements over a small
fixed schema, and a model of what each session of a Sixfold compute node must see,
built from plain in-memory SQLite.

The model. One in-memory connection (`ref`) is the writer's state: every write,
autocommit or inside the one open write transaction, runs there, in the same order
as on the compute node. What the other sessions may see:
* an autocommit read sees the committed state: `ref` itself when no write
  transaction is open, else a copy of `ref` taken just before that transaction's
  BEGIN;
* a `BEGIN READ ONLY` transaction sees one committed state for its whole length: the
  compute node pins it at BEGIN, so the model takes a read-only copy of the state
  committed then (`ReadTxn` can also hold several candidate states, for an engine
  that pinned lazily at the first read; with the window closed at BEGIN it holds one).

The model's connections cache no prepared statements, so the columns a statement
reports are always those of the current schema.
"""

from __future__ import annotations

import itertools
import os
from dataclasses import dataclass, field

import apsw
from hypothesis import strategies as st

from compute_node.sql_errors import sql_error

TABLES = ("t1", "t2", "t3")

CREATE = {
    "t1": "CREATE TABLE {ine}t1 (id INTEGER PRIMARY KEY, name TEXT NOT NULL, code INTEGER UNIQUE, "
          "qty INTEGER CHECK (qty >= 0), price REAL)",
    "t2": "CREATE TABLE {ine}t2 (id INTEGER PRIMARY KEY, t1_id INTEGER, note TEXT NOT NULL, "
          "amount REAL CHECK (amount IS NULL OR amount < 1000), UNIQUE (t1_id, note))",
    "t3": "CREATE TABLE {ine}t3 (k TEXT PRIMARY KEY, v BLOB, n INTEGER NOT NULL DEFAULT 0 "
          "CHECK (n BETWEEN -100 AND 100)) WITHOUT ROWID",
}

INDEXES = {
    "i1_price": "CREATE INDEX {ine}i1_price ON t1 (price)",
    "i1_name": "CREATE UNIQUE INDEX {ine}i1_name ON t1 (name)",  # fails 23505 over duplicate names
    "i2_amount": "CREATE INDEX {ine}i2_amount ON t2 (amount, note) WHERE amount IS NOT NULL",
    "i3_n": "CREATE INDEX {ine}i3_n ON t3 (n DESC, v)",
}

ALTERS = [
    "ALTER TABLE t1 ADD COLUMN extra TEXT DEFAULT 'd'",
    "ALTER TABLE t3 ADD COLUMN extra INTEGER",
]

SELECTS = [
    ("SELECT * FROM t1 ORDER BY id", 0),
    ("SELECT * FROM t1 WHERE id BETWEEN ? AND ? ORDER BY id", 2),
    ("SELECT count(*), sum(qty), total(price), min(code), max(code), avg(length(name)) FROM t1", 0),
    ("SELECT id, code, qty FROM t1 WHERE price > ? ORDER BY price, id", 1),
    ("SELECT name, count(*) FROM t1 GROUP BY name ORDER BY name", 0),
    ("SELECT * FROM t2 ORDER BY id", 0),
    ("SELECT t1_id, count(*), sum(amount), max(length(note)) FROM t2 GROUP BY t1_id ORDER BY t1_id", 0),
    ("SELECT t1.id, t1.code, t2.id, length(t2.note), t2.amount FROM t1 JOIN t2 ON t2.t1_id = t1.id "
     "ORDER BY t1.id, t2.id", 0),
    ("SELECT * FROM t3 ORDER BY k", 0),
    ("SELECT k, n, length(v), typeof(v) FROM t3 WHERE n BETWEEN ? AND ? ORDER BY k", 2),
    ("SELECT count(*), sum(n), sum(length(v)) FROM t3", 0),
    ("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name", 0),
]

CONFLICTS = ["", "", "", "", "", "", "OR IGNORE ", "OR REPLACE ", "OR FAIL ", "OR ABORT ", "OR ROLLBACK "]
RETURNING = ["", "", "", "", " RETURNING id", " RETURNING *"]

# Transaction control (the engine's _TXN statements) and savepoints.
BEGINS = ["BEGIN", "BEGIN TRANSACTION", "BEGIN DEFERRED", "BEGIN IMMEDIATE", "BEGIN EXCLUSIVE"]
BEGINS_READ_ONLY = ["BEGIN READ ONLY", "BEGIN TRANSACTION READ ONLY"]
COMMITS = ["COMMIT", "COMMIT TRANSACTION", "END", "END TRANSACTION"]
ROLLBACKS = ["ROLLBACK", "ROLLBACK TRANSACTION"]
SAVEPOINT_NAMES = ["sp1", "sp2"]
RELEASES = ["RELEASE {sp}", "RELEASE SAVEPOINT {sp}"]
ROLLBACK_TOS = ["ROLLBACK TO {sp}", "ROLLBACK TO SAVEPOINT {sp}", "ROLLBACK TRANSACTION TO SAVEPOINT {sp}"]

TXN_KINDS = {"begin", "begin_ro", "commit", "rollback"}
SAVEPOINT_KINDS = {"savepoint", "release", "rollback_to"}

# --- values ------------------------------------------------------------------------------
BASES = ["a", "xyz", "é", "☃", "😀", "ab'cd", "Zz0-", "\x00q"]


def _big_text(base: str, n: int) -> str:
    return (base * (n // len(base) + 1))[:n]


def weighted(*choices):
    """one_of with weights: [(weight, strategy), ...]; shrinks towards the first."""
    total = sum(w for w, _ in choices)

    def pick(i):
        for w, s in choices:
            if i < w:
                return s
            i -= w
        raise AssertionError

    return st.integers(0, total - 1).flatmap(pick)


big_text = st.builds(_big_text, st.sampled_from(BASES), st.integers(500, 10_000))
short_text = st.sampled_from(["a", "b", "c", "bob", "alice", "x y", "O'Brien", ""])
any_text = weighted((8, short_text), (2, st.text(max_size=12)), (3, big_text), (1, st.none()))
ids = weighted((2, st.none()), (8, st.integers(1, 30)))
reals = weighted((3, st.none()), (3, st.sampled_from([0.5, 1.25, 3.0, -2.5, 999.5, 1000.0])),
                 (4, st.floats(-1500, 1500, allow_nan=False)))
blobs = weighted((1, st.none()), (5, st.binary(max_size=16)),
                 (4, st.builds(lambda b, n: (b.encode() * (n // len(b.encode()) + 1))[:n],
                               st.sampled_from(BASES), st.integers(500, 10_000))))
t3_keys = weighted((8, st.sampled_from([f"k{i}" for i in range(1, 9)])), (1, st.none()),
                   (1, st.builds(lambda b, n: "k" + _big_text(b, n), st.sampled_from(BASES),
                                 st.integers(100, 3000))))

T1_ROW = st.tuples(ids, any_text, weighted((3, st.none()), (7, st.integers(1, 15))),
                   weighted((1, st.none()), (9, st.integers(-3, 60))), reals)
T2_ROW = st.tuples(weighted((1, st.none()), (1, st.integers(1, 30))), weighted((2, st.none()), (8, st.integers(1, 30))),
                   any_text, reals)
T3_ROW = st.tuples(t3_keys, blobs, weighted((1, st.none()), (9, st.integers(-110, 110))))
ROWS = {"t1": ("id, name, code, qty, price", T1_ROW), "t2": ("id, t1_id, note, amount", T2_ROW),
        "t3": ("k, v, n", T3_ROW)}

small_int = st.integers(-5, 35)


@dataclass(frozen=True)
class Stmt:
    kind: str  # select write ddl vacuum pragma begin begin_ro commit rollback savepoint release rollback_to
    sql: str
    params: tuple = ()


def _range(draw):
    lo = draw(small_int)
    return lo, lo + draw(st.integers(0, 15))


@st.composite
def select_stmt(draw) -> Stmt:
    sql, nparams = draw(st.sampled_from(SELECTS))
    params = ()
    if nparams == 2:
        params = _range(draw)
        if "n BETWEEN" in sql:
            params = (params[0] * 4 - 40, params[1] * 4 - 40)
    elif nparams == 1:
        params = (draw(reals),)
    return Stmt("select", sql, params)


@st.composite
def insert_stmt(draw) -> Stmt:
    table = draw(st.sampled_from(TABLES))
    cols, row = ROWS[table]
    conflict, returning = draw(st.sampled_from(CONFLICTS)), draw(st.sampled_from(RETURNING))
    if table == "t3" and returning == " RETURNING id":
        returning = " RETURNING k, n"
    form = draw(st.integers(0, 19))
    if form == 19:  # many rows at once (with a small page cache, SQLite spills before the commit)
        returning = returning.replace("k, n", "id")
        return Stmt("write", f"WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < ?) "
                             f"INSERT {conflict}INTO t2 (t1_id, note, amount) "
                             f"SELECT ? + x, printf('%.*c', ?, 'n') || x, NULL FROM c{returning}",
                    (draw(st.integers(1, 150)), draw(st.integers(0, 500)), draw(st.integers(100, 9000))))
    if form <= 13:
        rows = draw(st.lists(row, min_size=1, max_size=4))
        one = "(" + ", ".join("?" * len(rows[0])) + ")"
        return Stmt("write", f"INSERT {conflict}INTO {table} ({cols}) VALUES {', '.join([one] * len(rows))}{returning}",
                    tuple(v for r in rows for v in r))
    if form <= 15 and table == "t1":  # upsert
        target = draw(st.sampled_from(["(code) DO UPDATE SET qty = excluded.qty, name = excluded.name",
                                       "(id) DO UPDATE SET price = coalesce(price, 0) + 1", "DO NOTHING"]))
        return Stmt("write", f"INSERT INTO t1 ({cols}) VALUES (?, ?, ?, ?, ?) ON CONFLICT {target}{returning}",
                    draw(row))
    lo, hi = _range(draw)
    if table == "t3":
        return Stmt("write", f"INSERT {conflict}INTO t3 (k, v, n) SELECT 'c' || code, name, qty FROM t1 "
                             f"WHERE code IS NOT NULL AND id BETWEEN ? AND ?", (lo, hi))
    return Stmt("write", f"INSERT {conflict}INTO t2 (t1_id, note, amount) SELECT id, name, price FROM t1 "
                         f"WHERE id BETWEEN ? AND ?", (lo, hi))


UPDATES = [
    ("UPDATE {c}t1 SET qty = qty + ? WHERE id BETWEEN ? AND ?", lambda d: (d(st.integers(-10, 10)),)),
    ("UPDATE {c}t1 SET code = code + ? WHERE id BETWEEN ? AND ?", lambda d: (d(st.integers(-2, 2)),)),
    ("UPDATE {c}t1 SET name = ? WHERE id BETWEEN ? AND ?", lambda d: (d(any_text),)),
    ("UPDATE {c}t1 SET price = price * 2 WHERE price IS NOT NULL AND id BETWEEN ? AND ?", lambda d: ()),
    ("UPDATE {c}t2 SET amount = ? WHERE t1_id BETWEEN ? AND ?", lambda d: (d(reals),)),
    ("UPDATE {c}t2 SET note = note || ? WHERE id BETWEEN ? AND ?", lambda d: (d(any_text),)),
    ("UPDATE {c}t2 SET t1_id = t1_id + 1 WHERE id BETWEEN ? AND ?", lambda d: ()),
    ("UPDATE {c}t3 SET n = n + ? WHERE k >= 'k' || ? AND k <= 'k' || ?", lambda d: (d(st.integers(-60, 60)),)),
    ("UPDATE {c}t3 SET v = ? WHERE k BETWEEN 'k' || ? AND 'k' || ?", lambda d: (d(blobs),)),
]
DELETES = [
    "DELETE FROM t1 WHERE id BETWEEN ? AND ?",
    "DELETE FROM t2 WHERE t1_id IS NULL OR t1_id BETWEEN ? AND ?",
    "DELETE FROM t3 WHERE k BETWEEN 'k' || ? AND 'k' || ?",
    "DELETE FROM t1",
    "DELETE FROM t2",
    "DELETE FROM t3",
]


@st.composite
def update_stmt(draw) -> Stmt:
    sql, extra = draw(st.sampled_from(UPDATES))
    conflict = draw(st.sampled_from(CONFLICTS))
    returning = draw(st.sampled_from(RETURNING))
    if "t3" in sql and returning == " RETURNING id":
        returning = " RETURNING k, n"
    return Stmt("write", sql.format(c=conflict) + returning, extra(draw) + _range(draw))


@st.composite
def delete_stmt(draw) -> Stmt:
    sql = draw(st.sampled_from(DELETES))
    returning = draw(st.sampled_from(RETURNING))
    if "t3" in sql and returning == " RETURNING id":
        returning = " RETURNING k, n"
    return Stmt("write", sql + returning, _range(draw) if "?" in sql else ())


@st.composite
def ddl_stmt(draw) -> Stmt:
    form = draw(st.integers(0, 9))
    ine = draw(st.sampled_from(["IF NOT EXISTS ", "IF NOT EXISTS ", ""]))
    if form <= 3:
        return Stmt("ddl", CREATE[draw(st.sampled_from(TABLES))].format(ine=ine))
    if form <= 4:
        ie = draw(st.sampled_from(["IF EXISTS ", "IF EXISTS ", ""]))
        return Stmt("ddl", f"DROP TABLE {ie}{draw(st.sampled_from(TABLES))}")
    if form <= 7:
        return Stmt("ddl", INDEXES[draw(st.sampled_from(sorted(INDEXES)))].format(ine=ine))
    if form <= 8:
        ie = draw(st.sampled_from(["IF EXISTS ", ""]))
        return Stmt("ddl", f"DROP INDEX {ie}{draw(st.sampled_from(sorted(INDEXES)))}")
    return Stmt("ddl", draw(st.sampled_from(ALTERS)))


@st.composite
def savepoint_stmt(draw, open_savepoints: tuple = ()) -> Stmt:
    """Mostly a RELEASE or ROLLBACK TO of an open savepoint, when there is one."""
    kinds = ["savepoint", "release", "rollback_to"] if open_savepoints else ["savepoint"] * 3 + ["release",
                                                                                                 "rollback_to"]
    kind = draw(st.sampled_from(kinds))
    if kind == "savepoint":
        return Stmt(kind, f"SAVEPOINT {draw(st.sampled_from(SAVEPOINT_NAMES))}")
    names = sorted(set(open_savepoints)) or SAVEPOINT_NAMES
    sp = draw(weighted((4, st.sampled_from(names)), (1, st.sampled_from(SAVEPOINT_NAMES))))
    forms = RELEASES if kind == "release" else ROLLBACK_TOS
    return Stmt(kind, draw(st.sampled_from(forms)).format(sp=sp))


# Relative weights of what a session runs next, by its transaction state.
WEIGHTS = {
    "autocommit": {"select": 4, "dml": 9, "ddl": 2, "begin": 3, "begin_ro": 1, "vacuum": 1},
    "autocommit_while_other_writes": {"select": 6, "begin_ro": 1},
    "write": {"select": 3, "dml": 10, "ddl": 2, "savepoint": 4, "commit": 2, "rollback": 1, "vacuum": 1,
              "pragma": 1},
    "read": {"select": 6, "dml": 1, "ddl": 1, "savepoint": 1, "commit": 2, "rollback": 1},
}


def statement_strategy(mode: str | None, other_writes: bool, open_savepoints: tuple = ()):
    """What a session may run next. `mode`: its transaction (None, "write", "read");
    `other_writes`: another session holds the write transaction (this one would wait
    for the write lock, so it only reads or opens a read-only transaction)."""
    strategies = {
        "select": select_stmt(),
        "dml": st.one_of(insert_stmt(), insert_stmt(), update_stmt(), delete_stmt()),
        "ddl": ddl_stmt(),
        "savepoint": savepoint_stmt(open_savepoints),
        # On the writer (inside a write transaction): a small page cache makes SQLite
        # spill dirty pages to the volume file before the commit.
        "pragma": st.sampled_from([10, 50, -2000]).map(lambda n: Stmt("pragma", f"PRAGMA cache_size = {n}")),
        "begin": st.sampled_from(BEGINS).map(lambda s: Stmt("begin", s)),
        "begin_ro": st.sampled_from(BEGINS_READ_ONLY).map(lambda s: Stmt("begin_ro", s)),
        "commit": st.sampled_from(COMMITS).map(lambda s: Stmt("commit", s)),
        "rollback": st.sampled_from(ROLLBACKS).map(lambda s: Stmt("rollback", s)),
        "vacuum": st.just(Stmt("vacuum", "VACUUM")),
    }
    state = mode or ("autocommit_while_other_writes" if other_writes else "autocommit")
    return weighted(*((w, strategies[k]) for k, w in WEIGHTS[state].items() if w > 0))


# --- outcomes ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Outcome:
    ok: bool
    sqlstate: str | None = None
    columns: tuple = ()
    rows: tuple = ()
    rowcount: int = 0
    message: str = field(default="", compare=False)

    def key(self, full: bool) -> tuple:
        """What must be equal: everything for a statement, the status for transaction control."""
        if not self.ok:
            return (False, self.sqlstate)
        return (True, self.columns, self.rows, self.rowcount) if full else (True,)

    def short(self) -> str:
        if not self.ok:
            return f"ERROR {self.sqlstate} ({self.message})"
        rows = [tuple(abbrev(v) for v in r) for r in self.rows[:6]]
        more = f" +{len(self.rows) - 6} rows" if len(self.rows) > 6 else ""
        return f"ok rowcount={self.rowcount} rows={rows}{more}"


def typed_rows(rows) -> tuple:
    """Rows with each value's type, so 1 and 1.0 and '1' differ."""
    return tuple(tuple((type(v).__name__, v) for v in r) for r in rows)


def abbrev(v):
    if isinstance(v, tuple) and len(v) == 2 and isinstance(v[0], str):
        v = v[1]
    if isinstance(v, (str, bytes)) and len(v) > 40:
        return f"{v[:12]!r}..(len {len(v)})"
    return v


def ok_outcome(columns, rows, rowcount) -> Outcome:
    return Outcome(True, None, tuple(columns), typed_rows(rows), rowcount)


def run_apsw(conn: apsw.Connection, sql: str, params: tuple = ()) -> Outcome:
    """Run a statement the way the compute node's Session._run does: columns from the
    statement's description, rowcount from total_changes (also for a failed one: what
    it changed before failing). The model's connections cache no statements, so the
    description is the current schema's."""
    cur = conn.cursor()
    described: list = []

    def trace(cursor, _sql, _bindings):
        try:
            described.append(cursor.get_description())
        except apsw.ExecutionCompleteError:
            described.append(())
        return True

    cur.exec_trace = trace
    before = conn.total_changes()
    try:
        rows = list(cur.execute(sql, params))
    except apsw.Error as e:
        err = sql_error(e)
        return Outcome(False, err.sqlstate, rowcount=conn.total_changes() - before, message=str(e))
    desc = described[-1] if described else ()
    return ok_outcome([d[0] for d in desc], rows, conn.total_changes() - before)


_snapshot_ids = itertools.count()


class Snapshot:
    """A committed state, open read-only like the node's reader connection (a write
    fails with SQLITE_READONLY; a no-op such as DROP TABLE IF EXISTS succeeds)."""

    def __init__(self, image: bytes):
        self.image = image
        name = f"file:/sqldiff-{os.getpid()}-{next(_snapshot_ids)}?vfs=memdb"
        src = apsw.Connection(":memory:")
        if image:
            src.deserialize("main", image)
        self._holder = apsw.Connection(name, flags=apsw.SQLITE_OPEN_URI | apsw.SQLITE_OPEN_READWRITE
                                       | apsw.SQLITE_OPEN_CREATE, statementcachesize=0)
        with self._holder.backup("main", src, "main") as b:
            b.step()
        src.close()
        self.conn = apsw.Connection(name, flags=apsw.SQLITE_OPEN_URI | apsw.SQLITE_OPEN_READONLY,
                                    statementcachesize=0)

    def close(self) -> None:
        self.conn.close()
        self._holder.close()


def dump(run) -> dict:
    """Schema and full contents, through `run(sql) -> rows`."""
    schema = run("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name")
    out = {"schema": schema}
    for typ, name, _tbl, _sql in schema:
        if typ != "table":
            continue
        ncols = len(run(f"SELECT name FROM pragma_table_info('{name}')"))
        order = ", ".join(str(i) for i in range(1, ncols + 1))
        out[name] = typed_rows(run(f'SELECT * FROM "{name}" ORDER BY {order}'))
    return out


class ReadTxn:
    """A session's BEGIN READ ONLY: the committed states it may have pinned."""

    def __init__(self):
        self.candidates: list[Snapshot] = []
        self.window_open = True  # until its first successful SELECT
        self.savepoint_log: list[Stmt] = []

    def add(self, image: bytes) -> None:
        if self.candidates and self.candidates[-1].image == image:
            return
        snap = Snapshot(image)
        snap.conn.execute("BEGIN")
        for s in self.savepoint_log:
            run_apsw(snap.conn, s.sql, s.params)
        self.candidates.append(snap)

    def close(self) -> None:
        for snap in self.candidates:
            snap.close()
        self.candidates = []


class Model:
    def __init__(self, sessions: int):
        self.ref = apsw.Connection(":memory:", statementcachesize=0)
        self.mode: list[str | None] = [None] * sessions
        self.savepoints: list[list[str]] = [[] for _ in range(sessions)]  # open ones, for the generator
        self.read: list[ReadTxn | None] = [None] * sessions
        self._committed_image: bytes | None = None  # taken at the open write transaction's BEGIN
        self._committed: Snapshot | None = None

    def writer_session(self) -> int | None:
        return next((i for i, m in enumerate(self.mode) if m == "write"), None)

    def committed_image(self) -> bytes:
        if self.writer_session() is not None:
            return self._committed_image
        return self.ref.serialize("main") or b""

    def _committed_view(self) -> apsw.Connection:
        if self.writer_session() is None:
            return self.ref
        if self._committed is None:
            self._committed = Snapshot(self._committed_image)
        return self._committed.conn

    def _end_write(self) -> None:
        self._committed_image = None
        if self._committed is not None:
            self._committed.close()
            self._committed = None

    def execute(self, s: int, stmt: Stmt) -> list[Outcome]:
        """Run `stmt` for session `s`; the outcomes it may have (one per candidate)."""
        outs = self._execute(s, stmt)
        if self.mode[s] is None:
            self.savepoints[s] = []
        elif stmt.kind in SAVEPOINT_KINDS and outs[0].ok:
            sps, name = self.savepoints[s], stmt.sql.split()[-1]
            if stmt.kind == "savepoint":
                sps.append(name)
            elif name in sps:
                i = len(sps) - 1 - sps[::-1].index(name)
                del sps[i + (stmt.kind == "rollback_to"):]
        return outs

    def _execute(self, s: int, stmt: Stmt) -> list[Outcome]:
        mode = self.mode[s]
        if mode == "read":
            return self._in_read(s, stmt)
        if stmt.kind == "begin_ro":
            assert mode is None
            self.mode[s] = "read"
            # The node pins the read point at BEGIN READ ONLY: exactly the state committed then.
            self.read[s] = ReadTxn()
            self.read[s].add(self.committed_image())
            self.read[s].window_open = False
            return [Outcome(True)]
        if mode is None and stmt.kind == "begin":
            assert self.writer_session() is None
            self._committed_image = self.ref.serialize("main") or b""
            out = run_apsw(self.ref, stmt.sql, stmt.params)
            if self.ref.in_transaction:
                self.mode[s] = "write"
            return [out]
        if mode is None and self.writer_session() is not None:
            assert stmt.kind == "select", stmt
            return [run_apsw(self._committed_view(), stmt.sql, stmt.params)]
        # The writer's state: autocommit with no write transaction open, or the session's own.
        assert mode == "write" or self.writer_session() is None
        out = run_apsw(self.ref, stmt.sql, stmt.params)
        if mode == "write" and not self.ref.in_transaction:  # COMMIT, ROLLBACK, or SQLite ended it
            self.mode[s] = None
            self._end_write()
        assert mode == "write" or not self.ref.in_transaction, "autocommit statement left a transaction open"
        return [out]

    def _in_read(self, s: int, stmt: Stmt) -> list[Outcome]:
        rt = self.read[s]
        if stmt.kind in ("commit", "rollback"):
            rt.close()
            self.read[s] = None
            self.mode[s] = None
            return [Outcome(True)]
        if rt.window_open:
            rt.add(self.committed_image())
        outs = [run_apsw(snap.conn, stmt.sql, stmt.params) for snap in rt.candidates]
        if stmt.kind in SAVEPOINT_KINDS:
            rt.savepoint_log.append(stmt)
        return outs

    def accept(self, s: int, stmt: Stmt, outs: list[Outcome], observed: Outcome, full: bool) -> bool:
        """Keep the read candidates that agree with what the node answered."""
        if (self.mode[s] == "read" and stmt.kind in ("write", "ddl") and not observed.ok
                and observed.sqlstate == "25006" and all(not o.ok for o in outs)):
            # A write in a read-only transaction: PostgreSQL answers 25006 before any other
            # check. The node's reader may too, where the model's SQLite reports the other
            # error first (the node re-runs a cached statement, which fails on the write
            # lock before it re-checks the schema), e.g. a duplicate column.
            return True
        keep = [i for i, o in enumerate(outs) if o.key(full) == observed.key(full)]
        if not keep:
            return False
        rt = self.read[s] if self.mode[s] == "read" else None
        if rt is not None and len(outs) == len(rt.candidates):
            for i in sorted(set(range(len(outs))) - set(keep), reverse=True):
                rt.candidates.pop(i).close()
            if stmt.kind == "select" and observed.ok:
                rt.window_open = False
        return True

    def close(self) -> None:
        for rt in self.read:
            if rt is not None:
                rt.close()
        self._end_write()
        self.ref.close()
