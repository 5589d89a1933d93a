"""A PostgreSQL statement runner over an in-memory SQLite database with Sixfold's functions:
the translator and the SQL it makes at work, without a cluster (unit tests only).

Translations and the catalog's answers are cached by schema version, which would be the
same in every fresh in-memory database: each starts at a version of its own."""

from __future__ import annotations

import itertools
from collections.abc import Callable

import apsw

from compute_node.pg_sql import functions, schema
from compute_node.pg_sql.translate import SessionContext, translate
from compute_node.sql_errors import sql_error

CTX = SessionContext(user="u", database="d")
_VERSIONS_APART = 1_000_000  # schema changes one database may make before the next one's versions
_databases = itertools.count(1)


def memory_database() -> Callable[[str], list]:
    """run(sql) -> the rows of the last SQLite statement the translation made; run.conn is
    the SQLite connection under it."""
    conn = apsw.Connection(":memory:")
    functions.register(conn)
    conn.execute(f"PRAGMA schema_version = {next(_databases) * _VERSIONS_APART}")

    def run(sql: str) -> list:
        cat = schema.Catalog(lambda q, p: list(conn.execute(q, p)),
                             lambda: conn.execute("pragma schema_version").fetchall()[0][0])
        rows: list = []
        for stmt in translate(sql, CTX, cat):
            for text in stmt.sqlite:
                functions.reset_fixup_depth()  # as the engine does before each statement
                try:
                    rows = list(conn.execute(text, stmt.literals))
                except apsw.Error as e:  # with its SQLSTATE, as the engine reports it
                    raise sql_error(e) from None
        return rows
    run.conn = conn  # type: ignore[attr-defined]  # (SQLite text a test writes itself, untranslated)
    return run
