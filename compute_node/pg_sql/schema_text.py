"""A guard for the edits Sixfold writes into sqlite_master under writable_schema.

ALTER COLUMN, COMMENT ON, RENAME rewrite a relation's CREATE text in place. A text SQLite
cannot parse is not refused when written: it is found by the next connection that reads
the schema, and from then on every statement on the database fails ("malformed database
schema") - one bad edit takes the whole volume down. So every rewritten text is parsed
first, on a scratch in-memory database, and an edit whose text does not parse fails
(XX000, nothing written) instead.

The scratch database has none of Sixfold's functions or collations: a collation is made
up when the text names one (SQLite resolves collations while it parses), and "no such
function" is SQLite's check of a CHECK or generated column after the text parsed whole.
"""

from __future__ import annotations

import threading

import apsw

_SCRATCH = threading.local()
# Errors that SQLite raises only after the whole text parsed (name resolution), not a
# text a schema load would reject.
_AFTER_PARSE = ("no such function:",)


def _scratch() -> apsw.Connection:
    conn = getattr(_SCRATCH, "conn", None)
    if conn is None:
        conn = apsw.Connection(":memory:")
        conn.collation_needed(lambda c, name: c.create_collation(name, lambda a, b: (a > b) - (a < b)))
        _SCRATCH.conn = conn
    return conn


def parse_error(create_sql: str) -> str | None:
    """SQLite's error for the CREATE text `create_sql` of a table or view if it does not
    parse; None when it does. (Run in a savepoint rolled back: nothing is kept; tables it
    refers to need not exist. Not for triggers and indexes: SQLite looks up their table
    while it parses.)"""
    conn = _scratch()
    conn.execute("SAVEPOINT sixfold_schema_text")
    try:
        conn.execute(create_sql)
    except apsw.Error as e:
        message = str(e).split(": ", 1)[-1] if str(e).startswith("SQLError: ") else str(e)
        if not message.startswith(_AFTER_PARSE):
            return message
    finally:
        conn.execute("ROLLBACK TO sixfold_schema_text; RELEASE sixfold_schema_text")
    return None


def checked(edit):
    """`edit` (a SQLite function giving a new CREATE text of a table or view from the old
    one, its first argument) that fails with XX000 instead of returning a text that does not parse."""

    def run(create_sql, *args):
        out = edit(create_sql, *args)
        if out is not None and out != create_sql:
            error = parse_error(str(out))
            if error is not None:
                raise apsw.SQLError(f"[XX000] internal error: a schema edit gave a definition SQLite cannot "
                                    f"read ({error}); nothing was changed")
        return out

    run.__name__ = getattr(edit, "__name__", "checked")
    run.__doc__ = edit.__doc__
    return run
