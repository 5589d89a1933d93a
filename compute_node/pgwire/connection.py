"""One client connection: startup, authentication, then the query loop.

The protocol runs on the server's event loop; SQL runs in the connection's own worker
thread (the engine blocks), so a slow statement never stalls other clients. Errors
are ErrorResponses with the SQLSTATE of the SixfoldError behind them; a protocol
violation or an unexpected failure is FATAL and closes the connection.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import struct
from dataclasses import dataclass, field

from compute_node.activity import Backend
from compute_node.pg_sql import types as pgtypes
from compute_node.pg_sql.translate import SessionContext
from compute_node.pgwire import copy_flow, error_position
from compute_node.pgwire import messages as m
from compute_node.pgwire.scram import MECHANISM, AuthFailed, ScramExchange
from compute_node.pgwire.outcome import Outcome
from compute_node.pgwire.session_settings import REPORTED
from compute_node.pgwire.sql_session import PgSession, Prepared
from compute_node.pgwire.worker import SessionWorker
from sixfold.constants import (
    NOTIFY_PENDING_MAX, PG_AUTH_TIMEOUT_MS, PG_MESSAGE_BYTES_MAX, PG_OUTPUT_FLUSH_BYTES, PG_STARTUP_BYTES_MAX,
)
from sixfold.errors import DETAIL_MARK, HINT_MARK, CommitInDoubt, SixfoldError, SqlError

log = logging.getLogger("sixfold.compute.pgwire")
_LEN = struct.Struct("!i")


class _Closed(Exception):
    """The connection is over (Terminate, FATAL error, peer gone)."""


@dataclass
class Portal:
    name: str
    prepared: Prepared
    params: tuple
    result_formats: tuple[int, ...]
    outcomes: list[Outcome] | None = None  # set once run (at Describe or Execute)
    sent: int = 0  # rows of the last outcome already sent


@dataclass
class ExtendedState:
    portals: dict[str, Portal] = field(default_factory=dict)
    skipping: bool = False  # after an error: discard messages until Sync


class Connection:
    def __init__(self, server, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, pid: int):
        self.server = server
        self.reader = reader
        self.writer = writer
        self.pid = pid
        self.secret = secrets.randbits(31)
        self.out = bytearray()
        self.session: PgSession | None = None
        self.worker: SessionWorker | None = None
        self.ext = ExtendedState()
        self.user = "?"
        self._running = False
        self._cancel_reason: str | None = None
        self._query_text: str | None = None  # the Query's or Parse's text being handled
        # LISTEN: notifications for this client, held until it is idle (ReadyForQuery
        # sent, outside a transaction), as PostgreSQL sends them
        self._loop: asyncio.AbstractEventLoop | None = None
        self._notifications: list[bytes] = []
        self._idle = False

    # --- I/O -------------------------------------------------------------------------------
    def send(self, data: bytes) -> None:
        self.out += data

    async def flush(self) -> None:
        if self.out:
            self.writer.write(bytes(self.out))
            self.out.clear()
        await self.writer.drain()

    async def maybe_flush(self) -> None:
        if len(self.out) >= PG_OUTPUT_FLUSH_BYTES:
            await self.flush()

    async def read_message(self, limit_bytes: int = PG_MESSAGE_BYTES_MAX) -> tuple[bytes, bytes]:
        header = await self.reader.readexactly(5)
        kind, length = header[:1], _LEN.unpack(header[1:])[0]
        m.check_length(length, limit_bytes, f"message {kind!r}")
        return kind, await self.reader.readexactly(length - 4)

    async def read_next(self) -> tuple[bytes, bytes]:
        """The next message, waiting at most the idle-in-transaction bound when this
        session holds the write lock (it blocks every other writer) or set its own
        idle_in_transaction_session_timeout."""
        session = self.session
        bound_ms = session.idle_in_transaction_timeout_ms()
        if not bound_ms:
            return await self.read_message()
        try:
            async with asyncio.timeout(bound_ms / 1000):  # a timer, not a task per message as wait_for
                return await self.read_message()
        except TimeoutError:  # the transaction is rolled back as the connection closes
            log.warning("connection %d (user %s): idle in transaction for %d ms, terminated", self.pid, self.user,
                        bound_ms)
            await self.fatal("25P03", "terminating connection due to idle-in-transaction timeout")  # raises

    async def in_worker(self, fn, *args):
        return await self.worker.run(fn, *args)

    async def fatal(self, sqlstate: str, message: str) -> None:
        self.send(m.error_response(sqlstate, message, "FATAL"))
        try:
            await self.flush()
        except (ConnectionError, OSError):
            pass
        raise _Closed

    def send_ready(self) -> None:
        """ReadyForQuery, after the notifications held for an idle client."""
        status = self.session.status
        if status == "I" and self._notifications:
            for note in self._notifications:
                self.send(note)
            self._notifications.clear()
        self.send(m.ready_for_query(status))
        self._idle = status == "I"
        self.server.node.activity.ready(self.pid, status)

    # --- LISTEN -------------------------------------------------------------------------------
    def deliver(self, sender_pid: int, channel: str, payload: str) -> None:
        """A notification (notifications.Listener), from any session's thread."""
        note = m.notification_response(sender_pid, channel, payload)
        try:
            self._loop.call_soon_threadsafe(self._notification, note)
        except RuntimeError:  # the loop is closed: this connection is gone
            pass

    def _notification(self, note: bytes) -> None:
        if self._idle:  # waiting for the client's next message: it goes now
            self.writer.write(note)
            return
        self._notifications.append(note)
        if len(self._notifications) > NOTIFY_PENDING_MAX:
            log.warning("connection %d: %d notifications not read, closing it", self.pid, len(self._notifications))
            self._notifications.clear()
            self.writer.transport.abort()

    def send_error(self, e: BaseException) -> None:
        if isinstance(e, SixfoldError):
            state, text = e.sqlstate, str(e)
        else:
            log.exception("connection %d: unexpected error", self.pid)
            state, text = "XX000", f"internal error: {type(e).__name__}: {e}"
        if state == "57014" and self._cancel_reason:
            text = self._cancel_reason
        text, _, hint = text.partition(HINT_MARK)
        text, _, detail = text.partition(DETAIL_MARK)
        text, position = error_position.at_end(self._query_text, state, text) or (text, error_position.position(
            self._query_text, state, text, getattr(e, "in_analysis", False)))
        self.send(m.error_response(state, text, detail=detail or None, hint=hint or error_position.hint(state, text),
                                   position=position))

    # --- lifecycle -----------------------------------------------------------------------------
    async def run(self) -> None:
        try:
            self.server.starting += 1
            try:
                started = await asyncio.wait_for(self.startup(), PG_AUTH_TIMEOUT_MS / 1000)
            except asyncio.TimeoutError:
                await self.fatal("08006", f"authentication did not finish within {PG_AUTH_TIMEOUT_MS} ms")
                return
            finally:
                self.server.starting -= 1
            if started:
                await self.query_loop()
        except (_Closed, asyncio.IncompleteReadError, ConnectionError, OSError):
            pass
        except m.ProtocolViolation as e:
            try:
                await self.fatal(e.sqlstate, str(e))
            except _Closed:
                pass
        except SqlError as e:
            try:
                await self.fatal(e.sqlstate, str(e))
            except _Closed:
                pass
        except Exception:  # noqa: BLE001 - one connection's bug must not take the server down
            log.exception("connection %d failed", self.pid)
        finally:
            await self.cleanup()

    async def cleanup(self) -> None:
        self.server.forget(self)
        self.server.node.activity.remove(self.pid)
        if self.session is not None:
            session, self.session = self.session, None
            try:
                await self.in_worker(session.close)
            except Exception:  # noqa: BLE001 - closing anyway
                log.exception("connection %d: closing its session failed", self.pid)
        if self.worker is not None:
            self.worker.stop()
        try:
            self.writer.close()
        except Exception:  # noqa: BLE001
            pass

    # --- startup and authentication -----------------------------------------------------------
    async def startup(self) -> bool:
        tls_done = False
        while True:
            length = _LEN.unpack(await self.reader.readexactly(4))[0]
            m.check_length(length, PG_STARTUP_BYTES_MAX, "startup packet")
            if length < 8:
                raise m.ProtocolViolation(f"invalid startup packet length {length}")
            msg = m.decode_startup(await self.reader.readexactly(length - 4))
            if isinstance(msg, m.CancelRequest):
                self.server.cancel(msg.pid, msg.secret)
                return False
            if isinstance(msg, m.SslRequest) and not tls_done:
                ctx = self.server.ssl_context
                self.writer.write(m.SSL_YES if ctx else m.SSL_NO)
                await self.writer.drain()
                if ctx:
                    await self.writer.start_tls(ctx)
                tls_done = True
                continue
            if isinstance(msg, m.GssEncRequest):
                self.writer.write(m.SSL_NO)
                await self.writer.drain()
                continue
            if not isinstance(msg, m.Startup):
                raise m.ProtocolViolation("unexpected startup packet")
            return await self.authenticate(msg)

    async def authenticate(self, msg: m.Startup) -> bool:
        params = msg.params
        self.user = params["user"]
        database = params.get("database") or self.user
        if params.get("replication") not in (None, "false", "0", "off", "no"):
            await self.fatal("08P01", "replication connections are not supported")
        unknown = [k for k in params if k.startswith("_pq_.")]
        if (msg.version & 0xFFFF) > 0 or unknown:
            self.send(m.negotiate_protocol_version(0, unknown))
        if self.server.auth_method != "trust":
            await self.scram(self.user)
        if database != self.server.database:  # after authentication: strangers learn nothing
            await self.fatal("3D000", f'database "{database}" does not exist')
        if not self.server.admit(self):
            await self.fatal("53300", "sorry, too many clients already")
        self.send(m.auth_ok())
        ctx = SessionContext(user=self.user, database=database, backend_pid=self.pid)
        self.worker = SessionWorker(f"pg-{self.pid}")
        try:
            self.session = await self.in_worker(PgSession, self.server.node, ctx, params)
        except SixfoldError as e:
            await self.fatal(e.sqlstate, str(e))
        for name in REPORTED:
            self.send(m.parameter_status(name, self.session.params[name]))
        self.send(m.backend_key_data(self.pid, self.secret))
        self._loop = loop = asyncio.get_running_loop()
        self.session.listener = self
        peer = self.writer.get_extra_info("peername") or (None, None)
        self.server.node.activity.add(Backend(
            self.pid, self.user, database, self.session.params.get("application_name", ""), peer[0], peer[1],
            cancel=lambda: loop.call_soon_threadsafe(self.cancel),
            terminate=lambda: loop.call_soon_threadsafe(self.terminate)))
        self.send_ready()
        await self.flush()
        log.debug("connection %d: user %s authenticated", self.pid, self.user)
        return True

    async def scram(self, user: str) -> None:
        verifier = self.server.users.get(user)
        ex = ScramExchange(verifier, secrets.token_urlsafe(18), self.server.decoy_verifier)
        self.send(m.auth_sasl([MECHANISM]))
        await self.flush()
        failed = f'password authentication failed for user "{user}"'
        try:
            kind, body = await self.read_message(PG_STARTUP_BYTES_MAX)
            if kind != b"p":
                raise m.ProtocolViolation(f"expected SASL response, got message type {kind!r}")
            mech, data = m.decode_sasl_initial(body)
            if mech != MECHANISM:
                await self.fatal("28000", f"client selected an invalid SASL authentication mechanism {mech!r}")
            self.send(m.auth_sasl_continue(ex.client_first(data)))
            await self.flush()
            kind, body = await self.read_message(PG_STARTUP_BYTES_MAX)
            if kind != b"p":
                raise m.ProtocolViolation(f"expected SASL response, got message type {kind!r}")
            self.send(m.auth_sasl_final(ex.client_final(body)))
        except AuthFailed as e:
            log.info("connection %d: authentication failed for user %s: %s", self.pid, user, e)
            await self.fatal("28P01", failed)
        assert ex.authenticated

    # --- cancel ------------------------------------------------------------------------------
    def terminate(self) -> None:
        """From the event loop: pg_terminate_backend. The running statement is interrupted
        and the client told (57P01) as its connection closes."""
        self.cancel("terminating connection due to administrator command")
        try:
            self.writer.write(m.error_response("57P01", "terminating connection due to administrator command",
                                               "FATAL"))
            self.writer.close()
        except (ConnectionError, OSError, RuntimeError):
            pass

    def cancel(self, reason: str = "canceling statement due to user request") -> None:
        """From the event loop: interrupt the running statement, if any."""
        if self._running and self.session is not None:
            self._cancel_reason = reason
            self.session.engine.interrupt()

    async def run_sql(self, fn, *args):
        """Run one statement in the worker, under statement_timeout."""
        session = self.session
        timeout_ms = session.statement_timeout_ms
        handle = None
        if timeout_ms > 0:
            handle = asyncio.get_running_loop().call_later(
                timeout_ms / 1000, self.cancel, "canceling statement due to statement timeout")
        self._running, self._cancel_reason = True, None
        try:
            return await self.in_worker(fn, *args)
        finally:
            self._running = False
            if handle is not None:
                handle.cancel()

    # --- the query loop ---------------------------------------------------------------------------
    async def query_loop(self) -> None:
        handlers = {b"Q": self.on_query, b"P": self.on_parse, b"B": self.on_bind, b"D": self.on_describe,
                    b"E": self.on_execute, b"C": self.on_close, b"S": self.on_sync, b"H": self.on_flush}
        while True:
            kind, body = await self.read_next()
            self._idle = False
            if kind == b"X":
                raise _Closed
            if kind in (b"d", b"c", b"f"):
                continue  # left over from a COPY that failed: PostgreSQL ignores them too
            handler = handlers.get(kind)
            if handler is None:
                await self.fatal("08P01", f"invalid frontend message type {kind[0]}")
            if self.ext.skipping and kind != b"S":
                continue  # after an error in the extended protocol, everything up to Sync
            self._query_text = None  # (the text an error's position points into: on_query, on_parse)
            try:
                await handler(body)
            except m.ProtocolViolation:
                raise
            except CommitInDoubt as e:
                # As when a connection dies during COMMIT: the client learns the outcome is
                # unknown (08007) and the connection ends; it is never told to retry.
                log.warning("connection %d: %s", self.pid, e)
                await self.fatal(e.sqlstate, str(e))
            except SixfoldError as e:
                self.send_error(e)
                if kind == b"Q":
                    self.send_ready()
                else:
                    # Skip to Sync, but send the error now, as PostgreSQL does: a client that
                    # sent Parse/Describe/Flush (asyncpg) waits for it before sending Sync,
                    # and the Flush it sent is among what is skipped.
                    self.ext.skipping = True
                await self.flush()
            await self.maybe_flush()

    async def send_outcome(self, outcome: Outcome, formats: tuple[int, ...] = (), describe: bool = True) -> None:
        for state, text in outcome.notices:
            if self.session.sends_notice(m.notice_severity(state)):
                self.send(m.notice_response(state, text))
        if outcome.returns_rows:
            if describe:
                self.send(self.row_description(outcome.columns, formats))
            assert outcome.encoded is not None, "rows are encoded in the worker, where they are made"
            for row in outcome.encoded:
                self.send(row)
                await self.maybe_flush()
        self.send(m.command_complete(outcome.tag))
        for name, value in outcome.parameter_status:
            self.send(m.parameter_status(name, value))

    @staticmethod
    def row_description(columns, formats=()) -> bytes:
        return m.row_description([(name, oid, pgtypes.type_size(oid), m.format_for(formats, i))
                                  for i, (name, oid) in enumerate(columns)])

    # --- simple query ---------------------------------------------------------------------------
    async def on_query(self, body: bytes) -> None:
        """A simple Query: translated whole, then run in one call into the worker (rows
        encoded there too), except that a COPY runs here, on the protocol loop. Several
        statements that write, outside a transaction, are one implicit transaction."""
        text = self._query_text = m.decode_query(body)
        session = self.session
        self.server.node.activity.started(self.pid, text)
        batch = await self.run_sql(session.run_simple, text)
        try:
            while True:
                if batch.empty:
                    self.send(m.EMPTY_QUERY)
                for out in batch.outcomes:
                    await self.send_outcome(out)
                if batch.error is not None:
                    if isinstance(batch.error, CommitInDoubt):
                        raise batch.error  # the connection ends (query_loop)
                    self.send_error(batch.error)
                    break
                if not batch.pending:
                    break
                await copy_flow.run_copy(self, batch.pending[0])
                batch = await self.run_sql(session.run_statements, batch.pending[1:], batch.implicit)
        except (m.ProtocolViolation, CommitInDoubt):
            raise
        except SixfoldError as e:  # the COPY failed
            self.send_error(e)
            if batch.implicit:
                await self.in_worker(session.end_implicit, False)
        self.send_ready()
        await self.flush()

    # --- extended query ---------------------------------------------------------------------------
    async def on_parse(self, body: bytes) -> None:
        p = m.decode_parse(body)
        self._query_text = p.query
        await self.in_worker(self.session.prepare, p.name, p.query, tuple(p.param_oids))
        self.send(m.PARSE_COMPLETE)

    async def on_bind(self, body: bytes) -> None:
        b = m.decode_bind(body)
        prep = self.session.prepared.get(b.statement)
        if prep is None:
            raise SqlError(f'prepared statement "{b.statement}" does not exist', "26000")
        if b.portal and b.portal in self.ext.portals:
            raise SqlError(f'portal "{b.portal}" already exists', "42P03")
        if len(b.params) != len(prep.param_oids):
            raise m.MalformedMessage(f"bind message supplies {len(b.params)} parameters, but prepared "
                                     f'statement "{b.statement}" requires {len(prep.param_oids)}')
        self.ext.portals[b.portal] = Portal(b.portal, prep, prep.bind(b.params, b.param_formats), b.result_formats)
        self.send(m.BIND_COMPLETE)

    async def run_portal(self, portal: Portal) -> None:
        if portal.outcomes is not None:
            return
        self.server.node.activity.started(self.pid, portal.prepared.query)
        self._query_text = portal.prepared.query
        portal.outcomes = await self.run_sql(self.run_portal_statements, portal)

    def run_portal_statements(self, portal: Portal) -> list[Outcome]:
        """Worker thread: run a portal's statements, encoding rows in its result formats."""
        outcomes = []
        stmts = self.session.current_statements(portal.prepared)
        for i, stmt in enumerate(stmts):
            if stmt.kind == "copy":
                continue  # runs at Execute: it needs the COPY sub-protocol
            described = portal.prepared.described if i == len(stmts) - 1 else None
            outcomes.append(self.session.run_to_send(stmt, portal.params, portal.result_formats, described))
        if outcomes:
            portal.prepared.ran(outcomes[-1])
        return outcomes

    async def on_describe(self, body: bytes) -> None:
        d = m.decode_describe_or_close(body, m.Describe)
        if d.kind == "S":
            prep = self.session.prepared.get(d.name)
            if prep is None:
                raise SqlError(f'prepared statement "{d.name}" does not exist', "26000")
            self.send(m.parameter_description([o or pgtypes.TEXT for o in prep.param_oids]))
            stmts = await self.in_worker(self.session.current_statements, prep)
            last = stmts[-1] if stmts else None
            cols = await self.in_worker(self.session.describe, last, len(prep.param_oids)) if last else []
            prep.described = [oid for _, oid in cols]
            self.send(self.row_description(cols) if cols else m.NO_DATA)
            return
        portal = self.ext.portals.get(d.name)
        if portal is None:
            cols = self.session.cursor_columns(d.name)  # a DECLAREd cursor is a portal too
            if cols is None:
                raise SqlError(f'portal "{d.name}" does not exist', "34000")
            self.send(self.row_description(cols) if cols else m.NO_DATA)
            return
        if any(s.kind == "copy" for s in portal.prepared.statements):
            self.send(m.NO_DATA)
            return
        await self.run_portal(portal)  # PostgreSQL plans here; Sixfold runs it and keeps the rows
        last = portal.outcomes[-1] if portal.outcomes else None
        self.send(self.row_description(last.columns, portal.result_formats)
                  if last is not None and last.returns_rows else m.NO_DATA)

    async def on_execute(self, body: bytes) -> None:
        e = m.decode_execute(body)
        portal = self.ext.portals.get(e.portal)
        if portal is None:
            raise SqlError(f'portal "{e.portal}" does not exist', "34000")
        if not portal.prepared.statements:
            self.send(m.EMPTY_QUERY)
            return
        copies = [s for s in portal.prepared.statements if s.kind == "copy"]
        if copies:
            await copy_flow.run_copy(self, copies[0])
            return
        await self.run_portal(portal)
        for outcome in portal.outcomes[:-1]:
            await self.send_outcome(outcome, portal.result_formats, describe=False)
        last = portal.outcomes[-1]
        portal.outcomes = portal.outcomes[-1:]
        if not last.returns_rows:
            await self.send_outcome(last, portal.result_formats, describe=False)
            return
        end = len(last.rows) if e.max_rows == 0 else min(len(last.rows), portal.sent + e.max_rows)
        for row in last.encoded[portal.sent:end]:
            self.send(row)
            await self.maybe_flush()
        portal.sent = end
        if end < len(last.rows):
            self.send(m.PORTAL_SUSPENDED)
        else:
            self.send(m.command_complete(last.tag))
            for state, text in last.notices:
                if self.session.sends_notice(m.notice_severity(state)):
                    self.send(m.notice_response(state, text))
            for name, value in last.parameter_status:
                self.send(m.parameter_status(name, value))

    async def on_close(self, body: bytes) -> None:
        c = m.decode_describe_or_close(body, m.Close)
        (self.session.prepared if c.kind == "S" else self.ext.portals).pop(c.name, None)
        self.send(m.CLOSE_COMPLETE)

    async def on_sync(self, body: bytes) -> None:
        self.ext.skipping = False
        self.ext.portals.pop("", None)  # the unnamed portal lives until the end of the transaction; close enough
        if self.session.status == "I":
            self.ext.portals.clear()
        self.send_ready()
        await self.flush()

    async def on_flush(self, body: bytes) -> None:
        await self.flush()
