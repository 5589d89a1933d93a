"""SQLite errors reach clients with PostgreSQL's SQLSTATEs; damaged pages are data
corruption (XX001), never an anonymous internal error."""

from __future__ import annotations

import apsw

from compute_node.sql_errors import sql_error


def test_corruption_is_xx001():
    for exc in (apsw.CorruptError("CorruptError: database disk image is malformed"), apsw.NotADBError("x")):
        e = sql_error(exc)
        assert e.sqlstate == "XX001" and "data corrupted" in str(e)


def test_unique_violation_and_interrupt_keep_their_states():
    assert sql_error(apsw.ConstraintError("UNIQUE constraint failed: t.id")).sqlstate == "23505"
    assert sql_error(apsw.InterruptError("interrupted")).sqlstate == "57014"
