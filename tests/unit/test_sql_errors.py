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


def test_an_order_by_position_outside_the_select_list_is_42p10():
    e = sql_error(apsw.SQLError("SQLError: 2nd ORDER BY term out of range - should be between 1 and 1"))
    assert e.sqlstate == "42P10" and "ORDER BY position is not in select list" in str(e)
    assert sql_error(apsw.SQLError("1st GROUP BY term out of range - should be between 1 and 3")).sqlstate == "42P10"
