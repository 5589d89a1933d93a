"""The COPY sub-protocol of a connection: COPY FROM STDIN and COPY TO STDOUT.

COPY FROM gathers CopyData on the event loop (cheap) and hands it to the connection's
worker thread in chunks of PG_COPY_CHUNK_BYTES, which parses, converts and inserts
them. The whole COPY is one transaction: the session's, or one of its own. On any
error the rest of the copy stream is dropped by the query loop, as PostgreSQL does.
COPY TO runs its query and formats every line in the worker, then streams them.
"""

from __future__ import annotations

import dataclasses

from typing import NamedTuple

from compute_node.pg_sql import float_input, schema, settings, values
from compute_node.pg_sql import types as pgtypes
from compute_node.pg_sql.queries import null_key_error
from compute_node.pg_sql.copy import (
    BINARY_HEADER, BINARY_TRAILER, BinaryCopyParser, CopyParser, forced_positions, format_binary_row, format_row,
    insert_sql, select_sql,
)
from compute_node.pg_sql.translate import Statement
from compute_node.pgwire import messages as m
from sixfold.constants import PG_COPY_CHUNK_BYTES
from sixfold.errors import SixfoldError, SqlError


async def run_copy(conn, stmt: Statement) -> None:
    if conn.session.failed:
        raise SqlError("current transaction is aborted, commands ignored until end of transaction block", "25P02")
    if stmt.copy.direction == "to":
        await copy_out(conn, stmt)
    else:
        await copy_in(conn, stmt)


async def copy_out(conn, stmt: Statement) -> None:
    ncols, lines = await conn.run_sql(_out_lines, conn.session, stmt.copy)
    binary = stmt.copy.format == "binary"
    conn.send(m.copy_out_response(ncols, binary))
    for line in lines:
        conn.send(m.copy_data(line))
        await conn.maybe_flush()
    conn.send(m.copy_done())
    extra = 2 if binary else (1 if stmt.copy.header else 0)  # binary: header and trailer
    conn.send(m.command_complete(f"COPY {len(lines) - extra}"))


def _stored_columns(session, table: str, named: tuple[str, ...] | None) -> tuple[list[str], bool]:
    """The table's columns COPY reads or writes when it names none - all but the generated
    ones, as PostgreSQL leaves them out - and whether it has generated ones; naming one is
    42P10."""
    rows = session.engine.execute("SELECT name, hidden IN (2, 3) FROM pragma_table_xinfo(?)", (table,)).rows
    generated = {n for n, g in rows if g}
    for n in named or ():
        if n in generated:
            raise SqlError(f'column "{n}" is a generated column (generated columns cannot be used in COPY)', "42P10")
    return [n for n, _ in rows if n not in generated], bool(generated)


def _out_lines(session, spec) -> tuple[int, list[bytes]]:
    """Worker thread: run COPY TO's query, format every line."""
    if spec.query is None:
        stored, some_generated = _stored_columns(session, spec.table, spec.columns)
        if not spec.columns and some_generated:
            spec = dataclasses.replace(spec, columns=tuple(stored))
    outcome = session.run(Statement("sql", "SELECT", (select_sql(spec),), column_oids=spec.query_oids,
                                    column_scales=spec.query_scales), ())
    if spec.format == "binary":
        enc = pgtypes.encode_binary
        body = [format_binary_row([enc(v, oid) for v, (_, oid) in zip(row, outcome.columns)])
                for row in outcome.rows]
        return len(outcome.columns), [BINARY_HEADER, *body, BINARY_TRAILER]
    quoted = forced_positions(spec, [c for c, _ in outcome.columns], "force_quote")
    lines = [format_row([c for c, _ in outcome.columns], spec)] if spec.header else []
    enc = pgtypes.encode_text_iso_intervals if settings.iso_intervals(session.params) else pgtypes.encode_text
    for row in outcome.rows:
        vals = [None if v is None else enc(v, oid).decode() for v, (_, oid) in zip(row, outcome.columns)]
        lines.append(format_row(vals, spec, quoted))
    return len(outcome.columns), lines


async def copy_in(conn, stmt: Statement) -> None:
    spec = stmt.copy
    session = conn.session
    columns, key = await conn.in_worker(_columns, session, spec)
    names = [name for name, _oid, _decl in columns]
    forced = {option: forced_positions(spec, names, option) for option in ("force_not_null", "force_null")}
    sql = insert_sql(spec, names)
    targets = [(oid, decl, name) for name, oid, decl in columns]
    binary = spec.format == "binary"
    conn.send(m.copy_in_response(len(columns), binary))
    await conn.flush()
    parser = BinaryCopyParser(len(columns)) if binary else CopyParser(spec)
    if not binary:
        parser.force_not_null, parser.force_null = forced["force_not_null"], forced["force_null"]
    own_txn = session.engine.txn is None
    if own_txn:
        await conn.in_worker(session.engine.execute, "BEGIN")
    total, pending = 0, bytearray()
    try:
        while True:
            kind, body = await conn.read_message()
            if kind == b"d":
                pending += body
                if len(pending) >= PG_COPY_CHUNK_BYTES:
                    total += await conn.run_sql(_chunk, session, parser, bytes(pending), targets, sql, False, key)
                    pending.clear()
            elif kind == b"c":
                total += await conn.run_sql(_chunk, session, parser, bytes(pending), targets, sql, True, key)
                break
            elif kind == b"f":
                raise SqlError(f"COPY from stdin failed: {m.Reader(body).cstring()}", "57014")
            elif kind in (b"H", b"S"):
                continue
            else:
                raise m.ProtocolViolation(f"unexpected message type {kind!r} during COPY from stdin")
    except BaseException as e:
        if own_txn and session.engine.txn is not None:
            await conn.in_worker(session.engine.execute, "ROLLBACK")
        elif isinstance(e, SixfoldError) and session.engine.txn is not None:
            session.failed = True
        raise
    if own_txn:
        await conn.in_worker(session.engine.execute, "COMMIT")
    conn.send(m.command_complete(f"COPY {total}"))


def _chunk(session, parser, data: bytes, targets: list[tuple[int, str | None, str]], sql: str, final: bool,
           key: _RowidKey | None) -> int:
    """Worker thread: parse, convert and insert one chunk of COPY data."""
    rows = parser.feed(data)
    if final:
        rows += parser.finish()
    if not rows:
        return 0
    return session.engine.execute_many(sql, _convert(rows, targets, 1 if isinstance(parser, BinaryCopyParser) else 0,
                                                     key))


class _RowidKey(NamedTuple):
    """The table's rowid key among the columns COPY fills: SQLite would number a NULL
    there where PostgreSQL refuses it (23502)."""

    at: int
    table: str
    name: str


def _columns(session, spec) -> tuple[list[tuple[str, int, str | None]], _RowidKey | None]:
    """Worker thread: (name, OID, numeric(p, s) declaration or None) of the columns COPY
    FROM fills, and the table's rowid key among them (None: it has none). A rowid key COPY
    leaves out fails here."""
    rows = session.engine.execute("SELECT name, type FROM pragma_table_info(?)", (spec.table,)).rows
    if not rows:
        raise SqlError(f'relation "{spec.table}" does not exist', "42P01")
    decl = {name: t for name, t in rows}
    _stored_columns(session, spec.table, spec.columns)
    names = list(spec.columns) if spec.columns else [name for name, _ in rows]
    for n in names:
        if n not in decl:
            raise SqlError(f'column "{n}" of relation "{spec.table}" does not exist', "42703")
    key = schema.Catalog(session.catalog.query, session.catalog.version).rowid_key(spec.table)  # fresh: DDL may have run
    if key is not None and key not in names:
        raise null_key_error(spec.table, key)
    columns = [(n, pgtypes.column_oid(decl[n] or None, None),
                decl[n] if pgtypes.is_numeric_with_precision(decl[n]) else None) for n in names]
    return columns, (_RowidKey(names.index(key), spec.table, key) if key else None)


def _convert(rows, targets: list[tuple[int, str | None, str]], fmt: int, key: _RowidKey | None = None) -> list[tuple]:
    """COPY's rows as the values stored; `targets`: each column's (type OID, numeric
    declaration, name)."""
    out = []
    for row in rows:
        if len(row) > len(targets):
            raise SqlError("extra data after last expected column", "22P04")
        if len(row) < len(targets):
            raise SqlError(f'missing data for column "{targets[len(row)][2]}"', "22P04")
        values = tuple(None if v is None else _stored(pgtypes.decode_param(v if fmt else v.encode(), o, fmt), o, d)
                       for v, (o, d, _name) in zip(row, targets))
        if key is not None and values[key.at] is None:
            raise null_key_error(key.table, key.name)
        out.append(values)
    return out


def _stored(value, oid: int, numeric_decl: str | None = None):
    """A real column holds single precision, as INSERT stores it (`float_input.as_float4`);
    a numeric(p, s) column is given a numeric's exact text converted (99999999999999999999.25
    is refused, 0A000, where SQLite would have stored the double 1e20)."""
    if numeric_decl is not None and isinstance(value, str):
        try:
            return values.stored(value, numeric_decl)
        except values.InputError as e:
            raise SqlError(str(e), e.sqlstate) from None
    return float_input.as_float4(value) if oid == pgtypes.FLOAT4 and isinstance(value, float) else value
