"""PostgreSQL session semantics over an engine session (blocking: runs in the
connection's worker thread, never on an event loop).

What it adds to the engine: translation of PostgreSQL SQL, run-time parameters
(SET/SHOW: session_settings.py), temporary tables (temp_tables.py), prepared statements
analyzed again after schema changes, PostgreSQL's failed-transaction state (after an error inside a transaction
every statement but ROLLBACK fails with 25P02, where SQLite would only undo the one
statement), the transaction status byte of ReadyForQuery, command tags, and type OIDs
and value encoding for results.
"""

from __future__ import annotations

import dataclasses
import datetime
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import apsw

from compute_node import notifications
from compute_node.pg_sql import (
    catalog, data_modifying_with, deferred_checks, enums, functions, merge, plpgsql, schema, sequences, settings,
)
from compute_node.pg_sql import prepared as prepared_sql
from compute_node.pg_sql import types as pgtypes
from compute_node.pg_sql.lexing import quoted_ident
from compute_node.pg_sql.temp_tables import physical
from compute_node.pg_sql.translate import SessionContext, Statement, split_statements, translate
from compute_node.pgwire.messages import format_for
from compute_node.pgwire.outcome import Outcome
from compute_node.pgwire.session_settings import CANONICAL, SessionSettings, parse_duration_ms
from compute_node.pgwire.temp_tables import SessionTempTables, orphans
from compute_node.sql_errors import sql_error
from sixfold.constants import PG_IDLE_IN_WRITE_TRANSACTION_TIMEOUT_MS
from sixfold.errors import ReadOnlyTransaction, SixfoldError, SqlError

log = logging.getLogger("sixfold.compute.pgwire")

_ABORTED = "current transaction is aborted, commands ignored until end of transaction block"


@dataclass
class Prepared:
    """A prepared statement: Parse's or SQL PREPARE's (one namespace, as in PostgreSQL)."""

    name: str
    query: str
    statements: list[Statement]
    param_oids: list[int]
    # The result column types sent at Describe of the statement: its portals' rows are
    # encoded as these, whatever the values turn out to be (the client decodes by them).
    described: list[int] | None = None
    declared_oids: tuple[int, ...] = ()  # the parameter types Parse or PREPARE declared
    # The node's schema epoch when `statements` were last known current, and the schema
    # version then (None: translated at a version not read, to save the read).
    schema_epoch: tuple[int, int] | None = None
    schema_version: int | None = None
    # The result columns (name, SQLite's declared type) of its first run: a translation
    # against a later schema must give the same.
    shape: list[tuple[str, str | None]] | None = None

    def ran(self, outcome: Outcome) -> None:
        """Its last statement gave `outcome`: the first one fixes the result's shape."""
        if self.shape is None and outcome.columns and outcome.decltypes is not None:
            self.shape = [(name, decl) for (name, _), decl in zip(outcome.columns, outcome.decltypes)]

    def bind(self, values: list, formats=()) -> tuple:
        """The parameters' values (Bind's, or EXECUTE's as text) as the statements bind
        them: decoded by the parameters' types, then assigned as the columns they are
        stored in take them."""
        params = tuple(pgtypes.decode_param(v, oid, format_for(formats, i))
                       for i, (v, oid) in enumerate(zip(values, self.param_oids)))
        if not self.statements:
            return params
        last = self.statements[-1]  # (the statement that binds them)
        if last.param_assign_limits:
            params = pgtypes.fit_param_lengths(params, last.param_assign_limits)
        for value, token in zip(params, last.param_enum_tokens):
            if token is not None and isinstance(value, str):
                enums.check_literal(token, value)
        return pgtypes.assign_params(params, self.param_oids, last.param_assign_oids) if last.param_assign_oids \
            else params


@dataclass
class Batch:
    """What a simple Query's statements produced, up to an error or a COPY (which needs
    the protocol loop: `pending` starts with it)."""

    outcomes: list[Outcome] = field(default_factory=list)
    error: SixfoldError | None = None
    pending: list[Statement] = field(default_factory=list)
    implicit: bool = False  # the statements run in an implicit transaction still open
    empty: bool = False  # the query had no statement at all


@dataclass
class _Again:
    """A statement of a simple Query after one that changes the schema: translated again
    when its turn comes. `tag`: its tag as first translated ("" if it could not be, or
    gave several statements): what decides the Query's implicit transaction."""

    text: str
    tag: str
    kind: str = "again"


# The first word of the tags of statements that change the schema (a Query's later
# statements are translated again after one). The node's schema epoch is the engine's
# (it sees the SQL that edits the schema).
_SCHEMA_WORDS = {"CREATE", "ALTER", "DROP", "COMMENT"}

# Statements that end or open transactions, and those that never write: several
# statements of one Query, none of the first kind and one not of the second, run as one
# implicit transaction.
TXN_TAGS = {"BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE"}
# DDL whose last SQLite statement reads what it made, as a check (ddl._create_view): no rows
_CHECKED_DDL_TAGS = frozenset({"CREATE VIEW"})
READ_TAGS = {"SELECT", "EXPLAIN", "SHOW", "SET", "RESET", "EMPTY", "VACUUM", "ANALYZE", "CHECKPOINT", "DISCARD ALL",
             "PREPARE", "DEALLOCATE", "DEALLOCATE ALL", "DECLARE CURSOR", "FETCH", "MOVE", "CLOSE CURSOR"}


class PgSession:
    """One client session. Not thread-safe: one worker thread calls it."""

    def __init__(self, node, ctx: SessionContext, startup_params: dict):
        self.engine = node.session()
        self.ctx = ctx
        self.failed = False
        self.catalog = schema.Catalog(self.engine.catalog_rows, self._catalog_version)
        self._version_at: tuple[tuple[int, int], int] | None = None  # (node's schema epoch, version then)
        self._txn_clock: datetime.datetime | None = None
        self._sequences = sequences.SessionSequences()
        self._deferred = deferred_checks.DeferredChecks()  # deferrable foreign keys' kept violations
        self.cursors: dict[str, _Cursor] = {}
        self.prepared: dict[str, Prepared] = {}
        # (savepoint, how many NOTIFYs the transaction had then): ROLLBACK TO drops later ones
        self._notify_marks: list[tuple[str, int, dict[str, str]]] = []
        self.node = node
        # Where this session's notifications go (the wire connection sets it); LISTEN
        # needs one.
        self.listener: notifications.Listener | None = None
        self.settings = SessionSettings(self.engine, ctx.user, startup_params)
        self.params = self.settings.params  # (the same dict: what SQL's current_setting reads)
        self._several = False  # running a simple Query of several statements
        self._assigned_xact_id: int | None = None  # txid_current() of the open transaction
        self.temps = SessionTempTables(node.temp_table_tokens, self.engine.catalog_rows)
        if node.is_writer and not node.temp_tables_swept:
            node.temp_tables_swept = True
            self._run_quietly(orphans(self.engine.catalog_rows, node.temp_table_tokens), "temporary tables left over")

    def close(self) -> None:
        if self.listener is not None:
            self.node.notifications.unlisten(self.listener)
        txn = self.engine.txn
        if self.temps.used and self.node.is_writer:
            if txn is not None:
                self.engine.execute("ROLLBACK")
                self.failed = False
            self._run_quietly(self.temps.drop_all(), "temporary tables at the session's end")
        self.temps.close()
        self.engine.close()
        if txn is not None and self._sequences.pending:
            self._reapply_sequences()  # the open transaction rolled back with the connection

    def _run_quietly(self, pg_sql: list[str], what: str) -> None:
        """Statements the session runs on its own (not the client's): a failure is
        logged, not raised (the writer drops what is left when it next starts)."""
        try:
            for text in pg_sql:
                for st in self.translate(text):
                    self.run(st)
        except SixfoldError as e:
            log.warning("could not drop %s: %s", what, e)

    def _reapply_sequences(self) -> None:
        """What an ended transaction did to sequences, written again: nextval and setval
        are not undone by a rollback (a no-op when the transaction committed)."""
        for sql, params in sequences.reapply_sql(self._sequences):
            try:
                self.engine.execute(sql, params)
            except SqlError as e:  # the sequence went with the transaction (created in it)
                log.info("sequence state not written again: %s", e)

    # --- state ---------------------------------------------------------------------------
    @property
    def status(self) -> str:
        """ReadyForQuery's byte: I idle, T in a transaction, E in a failed transaction."""
        if self.engine.txn is None:
            return "I"
        return "E" if self.failed else "T"

    @property
    def statement_timeout_ms(self) -> int:
        return parse_duration_ms(self.params["statement_timeout"])

    def idle_in_transaction_timeout_ms(self) -> int:
        """How long the client may stay idle inside its transaction (0: no bound). The
        session's idle_in_transaction_session_timeout when set; else, while it holds
        the write lock, PG_IDLE_IN_WRITE_TRANSACTION_TIMEOUT_MS: one writer forgotten in
        an open transaction would otherwise block every other writer for good."""
        if self.engine.txn is None:
            return 0
        own = parse_duration_ms(self.params["idle_in_transaction_session_timeout"])
        if own:
            return own
        holds_lock = self.engine.txn == "write" and not self.engine.optimistic
        return PG_IDLE_IN_WRITE_TRANSACTION_TIMEOUT_MS if holds_lock else 0

    def translate(self, text: str, param_oids: tuple[int, ...] = (), failing: bool = True) -> list[Statement]:
        """`text` translated; `param_oids`: the parameter types a Parse message declared.
        An error fails the open transaction unless `failing` is False (a statement that
        will be translated again)."""
        ctx = dataclasses.replace(self.ctx, param_oids=tuple(param_oids)) if any(param_oids) else self.ctx
        try:
            return translate(self.temps.rewrite(text), ctx, self.catalog)
        except SixfoldError as e:
            if self.failed and e.sqlstate != "42601":
                # PostgreSQL analyzes nothing in a failed transaction but its syntax
                raise SqlError(_ABORTED, "25P02") from None
            if failing:
                self._note_error()
            if self.temps.used:
                e.args = (self.temps.strip(str(e)),)
            e.in_analysis = True  # (a literal's input error points at it: error_position)
            raise

    def prepare(self, name: str, query: str, declared_oids: tuple[int, ...]) -> Prepared:
        """A Parse message's or PREPARE's statement, translated and kept under `name` ("" is
        the unnamed statement, which a new one replaces)."""
        if name and name in self.prepared:
            raise SqlError(f'prepared statement "{name}" already exists', "42P05")
        self.temps.new_batch()
        pieces = split_statements(query)
        if len(pieces) > 1:
            raise SqlError("cannot insert multiple commands into a prepared statement", "42601")
        epoch = self.node.schema_epoch  # before translating: a change after it is seen at Bind
        stmts = self.translate(pieces[0], declared_oids) if pieces else []
        count = max([len(declared_oids)] + [s.param_count for s in stmts])
        oids = list(declared_oids) + [0] * (count - len(declared_oids))
        inferred = stmts[-1].param_oids if stmts else ()
        # A parameter the client left untyped takes the type its place in the query gives
        # it (the column it is compared with or assigned to), as in PostgreSQL.
        oids = [o or (inferred[i] if i < len(inferred) and inferred[i] else 0) for i, o in enumerate(oids)]
        self.prepared[name] = prep = Prepared(name, query, stmts, oids, declared_oids=tuple(declared_oids),
                                              schema_epoch=epoch)
        return prep

    def _catalog_version(self) -> int:
        """The schema version this session's next statement sees, with the node's schema
        generation above SQLite's 32 bits (a rolled-back change makes SQLite reuse version
        numbers for other schemas: caches keyed by it would answer for the wrong one).
        Read again only when the node's schema epoch moved, if the session sees the
        newest schema (no transaction, a write transaction, or a pending one that read
        nothing yet); reading it costs a read transaction on the reader (SQLite's locks
        in the VFS), which was a seventh of a prepared select-only transaction's CPU."""
        eng = self.engine
        if not (eng.txn is None or (eng.txn == "write" and not eng.optimistic)
                or (eng.txn == "pending" and not eng.reader.in_transaction)):
            return self._schema_version()
        epoch = self.node.schema_epoch
        if self._version_at is not None and self._version_at[0] == epoch:
            return self._version_at[1]
        version = self._schema_version()
        self._version_at = (epoch, version)
        return version

    def _schema_version(self) -> int:
        return (self.node.schema_generation << 32) + self.engine.catalog_rows("PRAGMA schema_version")[0][0]

    def current_statements(self, prep: Prepared) -> list[Statement]:
        """`prep`'s statements as the schema now is: translated again when it changed
        since (PostgreSQL analyzes a prepared statement again then). A result whose
        columns would change is 0A000, PostgreSQL's "cached plan must not change result
        type"."""
        epoch = self.node.schema_epoch
        if prep.schema_epoch == epoch or not prep.statements:
            return prep.statements
        version = self._catalog_version()
        if prep.schema_version == version:
            prep.schema_epoch = epoch
            return prep.statements
        stmts = self.translate(split_statements(prep.query)[0], prep.declared_oids)
        old, new = prep.statements[-1], stmts[-1] if stmts else None
        if new is None or (old.column_oids, old.column_scales) != (new.column_oids, new.column_scales) or (
                prep.shape is not None and new.kind == "sql" and new.sqlite and self._shape(new) != prep.shape):
            self._note_error()
            raise SqlError("cached plan must not change result type", "0A000")
        prep.statements, prep.schema_version, prep.schema_epoch = stmts, version, epoch
        return stmts

    def _shape(self, stmt: Statement) -> list[tuple[str, str | None]]:
        cols = self.engine.describe(stmt.sqlite[-1], stmt.literals or (None,) * stmt.param_count)
        return [(name, None if stmt.compound or i in stmt.undeclared else decl) for i, (name, decl) in enumerate(cols)]

    def sends_notice(self, severity: str) -> bool:
        """Whether a notice of `severity` (NOTICE, WARNING) reaches the client under its
        client_min_messages."""
        return settings.message_level(severity) >= settings.message_level(self.params["client_min_messages"])

    def _xact_id(self) -> int:
        """txid_current(): the transaction's id, assigned when it first asks."""
        if self._assigned_xact_id is None:
            self._assigned_xact_id = self.node.next_xact_id()
        return self._assigned_xact_id

    def _note_error(self) -> None:
        if self.engine.txn is not None:
            self.failed = True

    # --- simple query: one call into the worker per Query message ------------------------
    def run_simple(self, text: str) -> Batch:
        """Translate a simple Query's text and run its statements, encoding their rows.
        Like PostgreSQL, which parses the whole text before anything runs, a syntax error
        anywhere runs none; but PostgreSQL analyzes each statement just before it runs, so
        a statement whose translation fails otherwise (a missing column, 1/0 folded) fails
        when its turn comes, after the statements before it sent their rows (and, after an
        explicit COMMIT among them, committed). What follows a statement that changes the
        schema is translated again when its turn comes: `create table t (n
        numeric(10,2)); select n * 2 from t` must see the table's types, and `create
        table t ...; create trigger ... on t` the table."""
        self.temps.new_batch()
        stmts: list[Statement | _Again] = []
        changed = False  # an earlier statement of the Query changes the schema
        for piece in split_statements(text):
            try:
                got = self.translate(piece, failing=False)
            except SixfoldError as e:
                if e.sqlstate in ("42601", "25P02"):  # (a failed transaction analyzes nothing)
                    self._note_error()
                    return Batch(error=e)
                got = None  # analyzed when its turn comes (it may name what an earlier one creates)
            if changed or got is None:
                stmts.append(_Again(piece, got[0].tag if got is not None and len(got) == 1 else ""))
            else:
                stmts.extend(got)
            changed = changed or any(st.tag.split(" ")[0] in _SCHEMA_WORDS for st in got or ())
        if not stmts:
            return Batch(empty=True)
        implicit = len(stmts) > 1 and self.engine.txn is None and \
            not any(st.tag in TXN_TAGS for st in stmts) and any(st.tag not in READ_TAGS for st in stmts)
        if implicit:
            try:
                self.engine.execute("BEGIN READ ONLY" if self.engine.default_read_only else "BEGIN")
            except SixfoldError as e:  # the write lock stayed taken (55P03)
                return Batch(error=e)
        self._several = len(stmts) > 1
        try:
            return self.run_statements(stmts, implicit)
        finally:
            self._several = False

    def run_statements(self, stmts: list, implicit: bool) -> Batch:
        """Run statements in order until one fails or is a COPY."""
        outcomes = []
        stmts = list(stmts)
        i = 0
        while i < len(stmts):
            st = stmts[i]
            if isinstance(st, _Again):
                try:
                    stmts[i:i + 1] = self.translate(st.text)  # (which fails an explicit transaction)
                except SixfoldError as e:
                    if implicit:
                        self.end_implicit(commit=False)
                    return Batch(outcomes, error=e)
                continue
            i += 1
            if st.kind == "copy":
                return Batch(outcomes, pending=stmts[i - 1:], implicit=implicit)
            try:
                out = self.run_to_send(st, ())
            except SixfoldError as e:
                if implicit:
                    self.end_implicit(commit=False)
                return Batch(outcomes, error=e)
            outcomes.append(out)
        if implicit:
            try:
                self.end_implicit(commit=True)
            except SixfoldError as e:
                return Batch(outcomes, error=e)
        return Batch(outcomes)

    def end_implicit(self, commit: bool) -> None:
        """End the implicit transaction of a multi-statement Query: commit it, or (after an
        error) roll it back and leave no failed state behind."""
        if self.engine.txn is None:
            return
        if commit and not self.failed:
            try:
                self._commit_actions()
                self.engine.execute("COMMIT")
            except SixfoldError:
                self._transaction_ended(committed=False)
                raise
            self._transaction_ended(committed=True)
        else:
            self.engine.execute("ROLLBACK")
            self.failed = False
            self._transaction_ended(committed=False)

    def _savepoint_notifies(self, stmt: Statement) -> None:
        """A subtransaction's NOTIFYs and SETs go with it: ROLLBACK TO a savepoint forgets
        the NOTIFYs sent since and puts back the settings it had, as PostgreSQL does."""
        name = stmt.sqlite[0].split()[-1].lower()
        at = next((i for i in range(len(self._notify_marks) - 1, -1, -1) if self._notify_marks[i][0] == name), None)
        if stmt.tag == "SAVEPOINT":
            self._notify_marks.append((name, len(self.engine.notifies), dict(self.params)))
        elif at is not None and stmt.tag == "RELEASE":
            del self._notify_marks[at:]
        elif at is not None and _is_rollback_to(stmt):
            del self.engine.notifies[self._notify_marks[at][1]:]
            del self._notify_marks[at + 1:]
            self.settings.restore(self._notify_marks[at][2])

    def _transaction_ended(self, committed: bool) -> None:
        """The transaction's NOTIFYs published if it committed, else forgotten; its SET
        LOCALs undone, and its SETs if it rolled back; its txid_current() forgotten; the
        WITH HOLD cursors it declared kept only if it committed (the others go after the
        statement, `run`)."""
        self._notify_marks.clear()
        for name, cur in list(self.cursors.items()):
            if cur.in_txn and not committed:
                del self.cursors[name]
            cur.in_txn = False
        self._deferred.transaction_ended()
        self.settings.transaction_ended(committed)
        self._assigned_xact_id = None
        if self.engine.notifies:
            sent, self.engine.notifies = self.engine.notifies, []
            if committed:
                self.node.notifications.publish(self.ctx.backend_pid, sent)

    # --- running -------------------------------------------------------------------------
    def run_to_send(self, stmt: Statement, params: tuple, formats: tuple[int, ...] = (),
                    described: list[int] | None = None) -> Outcome:
        """Run a statement whose rows go to the client: encoded here, in the worker, as the
        column types `described` to the client before (when it was), else as found."""
        out = self.run(stmt, params)
        if described is not None and len(described) == len(out.columns):
            out.columns = [(name, oid) for (name, _), oid in zip(out.columns, described)]
        if out.returns_rows:
            out.encoded = self.encode_rows(out, formats)
        return out

    def run(self, stmt: Statement, params: tuple = ()) -> Outcome:
        if self.failed and not _ends_failed_txn(stmt):
            raise SqlError(_ABORTED, "25P02")
        if stmt.outside_block and (self.engine.txn is not None or self._several):
            self._note_error()
            raise SqlError(f"{stmt.outside_block} cannot run inside a transaction block", "25001")
        if self.engine.txn is None or self._txn_clock is None:
            self._txn_clock = datetime.datetime.now(datetime.UTC)  # now() for this transaction
        functions.CLOCK.txn_start = self._txn_clock
        functions.CLOCK.xact_id = self._xact_id
        sequences.SESSION.state = self._sequences
        deferred_checks.SESSION.state = self._deferred
        self._deferred.in_block = self.engine.txn is not None
        self._sequences.temp_prefix = physical(self.temps.token, "") if self.temps.used else ""
        settings.SESSION.params = self.params
        try:
            if self.engine.txn is None and stmt.kind == "sql" and stmt.tag not in TXN_TAGS and (
                    self.temps.on_commit or self.engine.default_read_only):
                out = self._run_with_commit_actions(stmt, params)
            else:
                out = self._run(stmt, params)
            if self.engine.txn is not None and stmt.kind == "sql":
                deferred_checks.check_native_now(self._deferred, self._rows_of,
                                                 self.engine.deferred_foreign_key_violations)
        except SixfoldError as e:
            self._note_error()
            if self.temps.used:
                e.args = (self.temps.strip(str(e)),)
            if isinstance(e, ReadOnlyTransaction) and stmt.kind == "sql" and stmt.tag:
                e.args = (f"cannot execute {stmt.tag} in a read-only transaction",)  # PostgreSQL's words
            if self.engine.txn is None:
                self._transaction_ended(committed=False)  # a failed statement or commit
            raise
        else:
            if self.engine.txn is None:  # committed (COMMIT, an autocommit statement) or not
                self._transaction_ended(committed=out.tag != "ROLLBACK")
                if out.tag != "ROLLBACK":
                    self._sequences.pending.clear()  # committed with the rest: nothing to write again
            elif stmt.tag in ("SAVEPOINT", "RELEASE", "ROLLBACK") and stmt.sqlite:
                self._savepoint_notifies(stmt)
            return out
        finally:
            functions.CLOCK.txn_start = None
            functions.CLOCK.xact_id = None
            sequences.SESSION.state = None
            deferred_checks.SESSION.state = None
            settings.SESSION.params = None
            if self.engine.txn is None and self._sequences.pending:
                self._reapply_sequences()
            if self.engine.txn is None and self.cursors:
                # A transaction ended: its cursors go with it (WITH HOLD ones stay).
                self.cursors = {k: c for k, c in self.cursors.items() if c.hold}

    def _rows_of(self, sqlite: str, params: tuple) -> list[tuple]:
        return self.engine.execute(sqlite, params).rows

    def _set_constraints(self, stmt: Statement) -> Outcome:
        if self.engine.txn is None:  # PostgreSQL: a warning, and nothing changes
            return Outcome("SET CONSTRAINTS", notices=[
                ("25P01", "SET CONSTRAINTS can only be used in transaction blocks")])
        deferred_checks.set_constraints(self._deferred, stmt.name.split(",") if stmt.name else None,
                                        stmt.value == "deferred", self._rows_of,
                                        self.engine.deferred_foreign_key_violations)
        return Outcome("SET CONSTRAINTS")

    def _run(self, stmt: Statement, params: tuple) -> Outcome:
        if stmt.kind == "set":
            return self.settings.run_set(stmt)
        if stmt.kind == "set_constraints":
            return self._set_constraints(stmt)
        if stmt.kind == "show":
            return self.settings.run_show(stmt)
        if stmt.kind in ("listen", "unlisten", "notify"):
            return self._run_notification(stmt)
        if stmt.kind == "do":
            return self._run_do(stmt)
        if stmt.kind == "with_dml":
            return self._run_with_dml(stmt, params)
        if stmt.kind == "merge":
            return self._run_merge(stmt, params)
        if stmt.kind == "noop":
            status: list[tuple[str, str]] = []
            if stmt.tag == "LOCK TABLE" and self.engine.txn is None and not self._several:
                raise SqlError("LOCK TABLE can only be used in transaction blocks", "25P01")
            if stmt.tag == "DISCARD ALL":  # includes DEALLOCATE ALL, UNLISTEN *, RESET ALL
                if self.engine.txn is not None or self._several:  # (a Query of several is a block)
                    raise SqlError("DISCARD ALL cannot run inside a transaction block", "25001")
                self.prepared.clear()
                self.cursors.clear()
                self.node.advisory.release(self.engine)
                status = self.settings.restore(self.settings.startup)
                if self.listener is not None:
                    self.node.notifications.unlisten(self.listener)
            if stmt.tag in ("DISCARD ALL", "DISCARD TEMP"):
                self._run_statements_of(self.temps.drop_all())
            if stmt.tag in ("DISCARD ALL", "DISCARD SEQUENCES"):
                sequences.discard(self._sequences)
            return Outcome(stmt.tag, notices=[stmt.notice, *stmt.later_notices] if stmt.notice else [],
                           parameter_status=status)
        if stmt.kind in ("declare", "fetch", "close_cursor"):
            return self._run_cursor(stmt, params)
        if stmt.kind == "explain":
            return self._run_explain(stmt, params)
        if stmt.kind == "prepare":
            self.prepare(stmt.name, stmt.value, stmt.param_oids)
            return Outcome("PREPARE")
        if stmt.kind == "execute":
            return self._run_execute(stmt)
        if stmt.kind == "deallocate":
            if stmt.name == "all":
                self.prepared.clear()
            elif self.prepared.pop(stmt.name, None) is None:
                raise SqlError(f'prepared statement "{stmt.name}" does not exist', "26000")
            return Outcome(stmt.tag)
        if stmt.kind != "sql":
            raise SqlError(f"{stmt.tag} is not supported here", "0A000")
        tag = stmt.tag
        eng = self.engine
        if tag == "BEGIN" and eng.txn is not None:
            return Outcome("BEGIN", notices=[("25001", "there is already a transaction in progress")])
        if tag in ("COMMIT", "ROLLBACK") and not _is_rollback_to(stmt):
            if eng.txn is None:
                if stmt.value == "chain":
                    raise SqlError(f"{tag} AND CHAIN can only be used in transaction blocks", "25P01")
                return Outcome(tag, notices=[("25P01", "there is no transaction in progress")])
            if stmt.value == "chain":  # the next transaction has this one's characteristics
                chained = f"BEGIN ISOLATION LEVEL {eng.isolation.upper()}" + (" READ ONLY" if eng.txn == "read" else
                                                                              " READ WRITE")
                out = self._run(dataclasses.replace(stmt, value=None), params)
                self._transaction_ended(committed=out.tag == "COMMIT")
                eng.execute(chained)
                self._txn_clock = None  # now() is the new transaction's start
                return out
            if self.failed:
                eng.execute("ROLLBACK")
                self.failed = False
                return Outcome("ROLLBACK")
            if tag == "COMMIT":
                self._commit_actions()
        result = None
        if tag == "BEGIN" and eng.default_read_only and not re.search(r"\bREAD (ONLY|WRITE)\b", stmt.sqlite[0]):
            stmt = dataclasses.replace(stmt, sqlite=("BEGIN READ ONLY",))  # default_transaction_read_only
        wrap = len(stmt.sqlite) > 1 and eng.txn is None
        if wrap:
            eng.execute("BEGIN")
        try:
            for text in stmt.sqlite:
                result = eng.execute(text, (params or stmt.literals) if "?" in text else ())
        except BaseException:
            if wrap and eng.txn is not None:
                eng.execute("ROLLBACK")
            raise
        if wrap:
            eng.execute("COMMIT")
        if _is_rollback_to(stmt):
            self.failed = False
        return self._outcome(stmt, result)

    def _run_statements_of(self, pg_sql: list[str]) -> None:
        for text in pg_sql:
            for st in self.translate(text):
                self._run(st, ())

    def _commit_actions(self) -> None:
        """Deferred foreign key checks, then temporary tables' ON COMMIT DELETE ROWS / DROP,
        inside the committing transaction. A deferred check that fails rolls it back and is
        the commit's error (23503), as in PostgreSQL."""
        if self._deferred.pending and self.engine.txn is not None:
            try:
                deferred_checks.check_pending(self._deferred, None, self._rows_of)
            except SqlError:
                self.engine.execute("ROLLBACK")
                raise
        if self.temps.on_commit and self.engine.txn is not None:
            self._run_statements_of(self.temps.commit_actions())

    def _run_with_commit_actions(self, stmt: Statement, params: tuple) -> Outcome:
        """A statement outside a transaction block while temporary tables have ON COMMIT
        actions, or default_transaction_read_only is on: run in a transaction of its own
        (read-only for the latter) that ends with those actions, as its commit does in
        PostgreSQL."""
        self.engine.execute("BEGIN READ ONLY" if self.engine.default_read_only else "BEGIN")
        try:
            out = self._run(stmt, params)
            self._commit_actions()
        except BaseException:
            if self.engine.txn is not None:
                self.engine.execute("ROLLBACK")
            raise
        self.engine.execute("COMMIT")
        return out

    def _run_notification(self, stmt: Statement) -> Outcome:
        """LISTEN, UNLISTEN, NOTIFY (compute_node/notifications.py). A NOTIFY outside a
        transaction is its own: published as the statement ends (in `run`)."""
        hub = self.node.notifications
        if stmt.kind == "unlisten":
            if self.listener is not None:
                hub.unlisten(self.listener, None if stmt.name == "*" else stmt.name)
            return Outcome("UNLISTEN")
        if not self.node.is_writer:
            raise SqlError(f"cannot execute {stmt.tag} during recovery", "25006")
        if stmt.kind == "notify" and self.engine.txn == "read":
            raise SqlError("cannot execute NOTIFY in a read-only transaction", "25006")
        if stmt.kind == "listen":
            if self.listener is None:
                raise SqlError("LISTEN needs a client connection", "0A000")
            hub.listen(self.listener, stmt.name)
            return Outcome("LISTEN")
        try:
            self.engine.notifies.append(notifications.check(stmt.name, stmt.value))
        except apsw.SQLError as e:
            raise sql_error(e) from None
        return Outcome("NOTIFY")

    # --- DO -------------------------------------------------------------------------------------
    def _run_do(self, stmt: Statement) -> Outcome:
        """A DO block (plpgsql.py), atomic as PostgreSQL's: in the session's transaction,
        or in one of its own."""
        _, tree = plpgsql.parse_do(stmt.value)
        notices: list[tuple[str, str]] = []
        self._as_one_statement(lambda: self._do_block(tree, notices, 0))
        return Outcome("DO", notices=notices)

    def _as_one_statement(self, run: Callable[[], Outcome | None]) -> Outcome | None:
        """`run()`, which runs several statements, atomic as one: in the session's
        transaction, or in one of its own that a failure rolls back whole (the failure is
        then the statement's, in no transaction: the session is not left failed)."""
        own = self.engine.txn is None
        if own:
            self.engine.execute("BEGIN")
        try:
            out = run()
        except BaseException:
            if own and self.engine.txn is not None:
                self.engine.execute("ROLLBACK")
                self.failed = False
            raise
        if own:
            self.engine.execute("COMMIT")
        return out

    def _run_parts(self, stmt: Statement, text: str, params: tuple, run: bool = True) -> Outcome:
        """`text`, one part of `stmt` (MERGE's steps, a data-modifying WITH's), translated
        with the parameter types `stmt` was prepared with and run with its parameters (or,
        not `run`, only described)."""
        statements = self.translate(text, tuple(o or 0 for o in stmt.param_oids))
        if not run:
            last = statements[-1]
            return Outcome(last.tag, self.describe(last, last.param_count))
        out = Outcome("EMPTY")
        for st in statements:
            out = self._run(st, params[:st.param_count])
        return out

    # --- MERGE and data-modifying WITH queries: several statements as one ---------------------
    def _run_merge(self, stmt: Statement, params: tuple) -> Outcome:
        """MERGE (merge.py): its steps in turn, as one statement; the tag counts the rows
        they changed."""
        plan = merge.MergePlan.from_parts(stmt.parts)

        def steps() -> Outcome:
            names = [name for name, _ in self._run_parts(stmt, plan.source_columns, params, run=False).columns]
            work = plan.work(names)
            described = self._run_parts(stmt, work, params, run=False).columns
            create, insert = merge.work_table([(name, prepared_sql.cast_to(oid) or "text") for name, oid in described])
            self._run_parts(stmt, create, params)
            self._run_parts(stmt, insert + work, params)
            if plan.unmatched is not None:
                self._run_parts(stmt, plan.unmatched, params)
            if plan.twice is not None and self._run_parts(stmt, plan.twice, params).rows:
                raise SqlError("MERGE command cannot affect row a second time", "21000")
            changed = sum(int(self._run_parts(stmt, text, params).tag.rsplit(" ", 1)[-1]) for text in plan.steps)
            self._run_parts(stmt, plan.drop, params)
            return Outcome(f"MERGE {changed}")

        return self._as_one_statement(steps)

    def _run_with_dml(self, stmt: Statement, params: tuple) -> Outcome:
        """A statement whose WITH queries insert, update or delete (data_modifying_with.py),
        as one statement."""
        return self._as_one_statement(lambda: self._with_dml_parts(stmt, params, run=True))

    def _with_dml_parts(self, stmt: Statement, params: tuple, run: bool) -> Outcome:
        """Each data-modifying WITH query run (`run`; else only described) as a statement
        of its own, its RETURNING rows then constants in the rest of the statement; the
        main statement's outcome (its columns alone when not `run`)."""
        parts = data_modifying_with.split(stmt.value)
        done: list[str] = []
        for query in parts.queries:
            if not query.modifies:
                done.append(query.text())
                continue
            out = self._run_parts(stmt, data_modifying_with.with_text(done, query.body), params, run)
            if not out.columns:
                continue  # no RETURNING: nothing refers to it (data_modifying_with.check)
            if len(query.columns) > len(out.columns):
                raise SqlError(f'WITH query "{query.name}" has {len(out.columns)} columns available but '
                               f"{len(query.columns)} columns specified", "42P10")
            names = list(query.columns) + [quoted_ident(n) for n, _ in out.columns[len(query.columns):]]
            casts = [prepared_sql.cast_to(oid) for _, oid in out.columns]
            rows = [[None if v is None else pgtypes.encode_text(v, oid).decode("utf-8")
                     for v, (_, oid) in zip(row, out.columns)] for row in out.rows]
            done.append(f"{query.name}({', '.join(names)}) AS ({data_modifying_with.values_query(names, casts, rows)})")
        return self._run_parts(stmt, data_modifying_with.with_text(done, parts.main), params, run)

    def _do_block(self, block: plpgsql.Block, notices: list, depth: int) -> None:
        if not block.handlers:
            self._do_list(block.body, notices, depth)
            return
        savepoint = f"sixfold_do_{depth}"
        self.engine.execute(f"SAVEPOINT {savepoint}")
        try:
            self._do_list(block.body, notices, depth)
        except SqlError as e:
            handler = next((h for h in block.handlers if e.sqlstate in h.sqlstates or
                            ("*" in h.sqlstates and e.sqlstate != "57014")), None)
            if handler is None:
                raise
            self.failed = False  # translation noted the error: the handler took it
            self.engine.execute(f"ROLLBACK TO SAVEPOINT {savepoint}")  # the block's work is undone
            self.engine.execute(f"RELEASE SAVEPOINT {savepoint}")
            self._do_list(handler.body, notices, depth + 1)
            return
        self.engine.execute(f"RELEASE SAVEPOINT {savepoint}")

    def _do_list(self, statements: list, notices: list, depth: int) -> None:
        for st in statements:
            if isinstance(st, plpgsql.Block):
                self._do_block(st, notices, depth + 1)
            elif isinstance(st, plpgsql.If):
                branch = next((body for condition, body in st.branches
                               if condition is None or self._do_value(f"SELECT ({condition})")), [])
                self._do_list(branch, notices, depth + 1)
            elif isinstance(st, plpgsql.Raise):
                self._do_raise(st, notices)
            else:
                text = st.query if isinstance(st, plpgsql.Perform) else st.text
                for translated in self.translate(text):
                    if translated.kind not in ("sql", "noop", "set"):
                        raise SqlError(f"DO: {translated.tag} is not supported inside DO", "0A000")
                    self._run(translated, ())

    def _evaluate(self, select: str) -> Outcome:
        """A one-row SELECT of expressions (DO's conditions and RAISE arguments, EXECUTE's
        arguments), run in the session's transaction."""
        (translated,) = self.translate(select)
        return self._run(translated, ())

    def _do_value(self, select: str):
        out = self._evaluate(select)
        return out.rows[0][0] if out.rows else None

    def _do_raise(self, st: plpgsql.Raise, notices: list) -> None:
        values = []
        if st.args:
            values = list(self._evaluate("SELECT " + ", ".join(f"CAST(({a}) AS text)" for a in st.args)).rows[0])
        parts = st.message.split("%")
        if len(parts) - 1 != len(values):
            raise SqlError("too few or too many parameters specified for RAISE", "42601")
        text = parts[0] + "".join(("" if v is None else str(v)) + p for v, p in zip(values, parts[1:]))
        if st.level == "exception":
            raise SqlError(text, "P0001")
        if st.level in ("notice", "info"):
            notices.append(("00000", text))
        elif st.level == "warning":
            notices.append(("01000", text))

    def _run_execute(self, stmt: Statement) -> Outcome:
        """EXECUTE name (arguments): the arguments evaluated and cast to the parameters'
        types, then bound as a Bind message's parameters would be."""
        prep = self.prepared.get(stmt.name)
        if prep is None:
            raise SqlError(f'prepared statement "{stmt.name}" does not exist', "26000")
        args = prepared_sql.arguments(stmt)
        if len(args) != len(prep.param_oids):
            raise SqlError(f'wrong number of parameters for prepared statement "{stmt.name}": expected '
                           f"{len(prep.param_oids)}, got {len(args)}", "42601")
        params: tuple = ()
        if args:
            casts = [prepared_sql.cast_to(oid) for oid in prep.param_oids]
            row = self._evaluate("SELECT " + ", ".join(f"CAST(({a}) AS {c})" if c else f"({a})"
                                                       for a, c in zip(args, casts)))
            params = prep.bind([pgtypes.encode_text(v, oid) for v, (_, oid) in zip(row.rows[0], row.columns)])
        outcome = Outcome("EMPTY")
        for st in self.current_statements(prep):
            outcome = self._run(st, params)
        prep.ran(outcome)
        return outcome

    def _outcome(self, stmt: Statement, result) -> Outcome:
        tag = stmt.tag
        columns, rows = [], []
        if result is not None and result.columns and tag not in _CHECKED_DDL_TAGS:
            rows = result.rows
            known = stmt.column_oids if len(stmt.column_oids) == len(result.columns) else ()
            decltypes = [None] * len(result.columns) if stmt.compound else \
                [None if i in stmt.undeclared else d for i, d in enumerate(result.decltypes)]
            for i, (name, decl) in enumerate(zip(result.columns, decltypes)):
                if decl is None and known and known[i] is not None:
                    columns.append((name, known[i]))
                    continue
                if decl is None and stmt.catalog_flags and name in catalog.BOOL_COLUMNS:
                    columns.append((name, pgtypes.BOOL))  # (`select * from pg_roles`: rolsuper is t)
                    continue
                sample = next((r[i] for r in rows if r[i] is not None), None)
                columns.append((name, pgtypes.column_oid(decl, sample)))
            static = stmt.column_scales if len(stmt.column_scales) == len(result.columns) else ()
            scales = tuple(pgtypes.numeric_scale(d) if d is not None or not static else static[i]
                           for i, d in enumerate(decltypes))
            if any(sc is not None for sc in scales):
                rows = [tuple(pgtypes.with_scale(v, sc) if sc is not None else v for v, sc in zip(r, scales))
                        for r in rows]
            pads = stmt.column_pads if stmt.compound and len(stmt.column_pads) == len(result.columns) else \
                tuple(pgtypes.char_length(d) for d in decltypes)
            if any(n is not None for n in pads):  # char(n) is shown blank-padded to n
                rows = [tuple(v.ljust(n) if n is not None and isinstance(v, str) else v for v, n in zip(r, pads))
                        for r in rows]
        n = result.rowcount if result is not None else 0
        if tag == "INSERT":
            tag = f"INSERT 0 {max(n, 0)}"
        elif tag in ("UPDATE", "DELETE", "MERGE"):
            tag = f"{tag} {max(n, 0)}"
        elif tag in ("SELECT", "CREATE TABLE AS", "SELECT INTO") and stmt.value != "no data":
            tag = f"SELECT {len(rows) if columns else max(n, 0)}"
        return Outcome(tag, columns, rows, notices=[stmt.notice, *stmt.later_notices] if stmt.notice else [],
                       decltypes=decltypes if columns else None)

    def _run_explain(self, stmt: Statement, params: tuple) -> Outcome:
        """SQLite's query plan as PostgreSQL's QUERY PLAN column: one line per step, nested
        steps indented under their parent."""
        result = self.engine.execute(stmt.sqlite[0], params if stmt.param_count else stmt.literals)
        depth: dict[int, int] = {}
        lines = []
        for node_id, parent, _unused, detail in result.rows:
            d = depth.get(parent, -1) + 1
            depth[node_id] = d
            lines.append(("  " * d + ("->  " if d else "") + str(detail),))
        return Outcome("EXPLAIN", [("QUERY PLAN", pgtypes.TEXT)], lines)

    def _run_cursor(self, stmt: Statement, params: tuple) -> Outcome:
        """DECLARE runs the query at once and keeps its rows (a snapshot, as PostgreSQL's
        cursors see one); FETCH hands them out forward; CLOSE drops them."""
        if stmt.kind == "declare":
            if stmt.value != "hold" and self.engine.txn is None:
                raise SqlError("DECLARE CURSOR can only be used in transaction blocks", "25P01")
            if stmt.name in self.cursors:
                raise SqlError(f'cursor "{stmt.name}" already exists', "42P03")
            query = Statement("sql", "SELECT", stmt.sqlite, stmt.param_count, column_oids=stmt.column_oids,
                              column_scales=stmt.column_scales, column_pads=stmt.column_pads, compound=stmt.compound,
                              undeclared=stmt.undeclared)
            out = self._outcome(query, self.engine.execute(stmt.sqlite[-1],
                                                           params if stmt.param_count else stmt.literals))
            self.cursors[stmt.name] = _Cursor(out.columns, out.rows, stmt.value == "hold",
                                              in_txn=self.engine.txn is not None)
            return Outcome("DECLARE CURSOR")
        if stmt.kind == "close_cursor":
            if stmt.name == "all":
                self.cursors.clear()
                return Outcome("CLOSE CURSOR ALL")
            if self.cursors.pop(stmt.name, None) is None:
                raise SqlError(f'cursor "{stmt.name}" does not exist', "34000")
            return Outcome("CLOSE CURSOR")
        cur = self.cursors.get(stmt.name)
        if cur is None:
            raise SqlError(f'cursor "{stmt.name}" does not exist', "34000")
        end = len(cur.rows) if stmt.value == "all" else min(len(cur.rows), cur.pos + int(stmt.value))
        rows, cur.pos = cur.rows[cur.pos:end], end
        if stmt.tag == "MOVE":
            return Outcome(f"MOVE {len(rows)}")
        return Outcome(f"FETCH {len(rows)}", cur.columns, rows)

    def cursor_columns(self, name: str) -> list[tuple[str, int]] | None:
        """A cursor is also a portal (Describe P of its name)."""
        cur = self.cursors.get(name)
        return None if cur is None else cur.columns

    # --- extended protocol helpers ---------------------------------------------------------
    def describe(self, stmt: Statement, param_count: int) -> list[tuple[str, int]]:
        """Result columns of a prepared statement without running it (Describe S)."""
        if stmt.kind == "show":
            return [("name", pgtypes.TEXT), ("setting", pgtypes.TEXT), ("description", pgtypes.TEXT)] \
                if stmt.name == "all" else [(CANONICAL.get(stmt.name.lower(), stmt.name.lower()), pgtypes.TEXT)]
        if stmt.kind == "explain":
            return [("QUERY PLAN", pgtypes.TEXT)]
        if stmt.kind == "with_dml":
            return self._with_dml_parts(stmt, (), run=False).columns
        if stmt.kind != "sql" or not stmt.sqlite or stmt.tag in ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT",
                                                                 "RELEASE") or stmt.tag in _CHECKED_DDL_TAGS:
            return []
        cols = self.engine.describe(stmt.sqlite[-1], stmt.literals or (None,) * param_count)
        known = stmt.column_oids if len(stmt.column_oids) == len(cols) else ()
        cols = [(name, None if stmt.compound or i in stmt.undeclared else decl) for i, (name, decl) in enumerate(cols)]
        return [(name, known[i] if decl is None and known and known[i] is not None
                 else pgtypes.column_oid(decl, None)) for i, (name, decl) in enumerate(cols)]

    def encode_rows(self, outcome: Outcome, formats: tuple[int, ...] = ()) -> list[bytes]:
        """DataRow messages for the outcome's rows."""
        from compute_node.pgwire.messages import data_row, format_for

        oids = [oid for _, oid in outcome.columns]
        fmts = [format_for(formats, i) for i in range(len(oids))]
        enc_text, enc_bin = pgtypes.encode_text, pgtypes.encode_binary
        if settings.iso_intervals(self.params) and pgtypes.INTERVAL in oids:
            enc_text = pgtypes.encode_text_iso_intervals
        out = []
        try:
            for row in outcome.rows:
                out.append(data_row([enc_bin(v, o) if f else enc_text(v, o) for v, o, f in zip(row, oids, fmts)]))
        except SixfoldError:
            self._note_error()
            raise
        except Exception as e:  # a value the column's type cannot show: the statement fails, the connection stays
            log.error("a result row could not be encoded (types %s)", oids, exc_info=e)
            self._note_error()
            raise SqlError(f"internal error: a result value does not fit its column's type: {e}", "XX000") from None
        return out


@dataclass
class _Cursor:
    columns: list[tuple[str, int]]
    rows: list[tuple]
    hold: bool
    pos: int = 0
    in_txn: bool = False  # declared in the open transaction block (a rollback drops it, WITH HOLD or not)


def _is_rollback_to(stmt: Statement) -> bool:
    return stmt.tag == "ROLLBACK" and bool(stmt.sqlite) and stmt.sqlite[0].upper().startswith("ROLLBACK TO")


def _ends_failed_txn(stmt: Statement) -> bool:
    return stmt.kind == "sql" and stmt.tag in ("COMMIT", "ROLLBACK")
