"""failing_row against a model: a NOT NULL or CHECK violation's DETAIL shows the first row
of an INSERT ... VALUES that breaks the constraint SQLite reported (PostgreSQL inserts
and checks row by row), with each column as PostgreSQL prints it; nothing when the rows
computed again could differ from the ones the statement saw."""

import re

import apsw
from hypothesis import given, settings
from hypothesis import strategies as st

from compute_node import failing_row
from compute_node.pg_sql import functions

_ROW = st.tuples(st.one_of(st.none(), st.integers(min_value=0, max_value=4)),
                 st.one_of(st.none(), st.sampled_from(["a", "b c", "é"])))


def _conn() -> apsw.Connection:
    conn = apsw.Connection(":memory:")
    functions.register(conn)
    conn.create_scalar_function("volatile", lambda v: v, 1)
    conn.execute('CREATE TABLE t (id integer, k integer CONSTRAINT "23514 t t_k_check" CHECK (k < 3), '
                 "s text NOT NULL, n numeric(5,2) DEFAULT 1, c char(3))")
    return conn


def _rows(conn):
    return lambda sql, params: list(conn.execute(sql, params))


def _detail(conn, stmt: str, error: str, params=()):
    null = re.search(r"NOT NULL constraint failed: t\.(\w+)", error)
    return failing_row.failing_row_detail(stmt, params, "t", _rows(conn), column=null and null.group(1),
                                          constraint=None if null else "t_k_check")


@settings(max_examples=150, deadline=None)
@given(inserted=st.lists(_ROW, min_size=1, max_size=5), as_parameters=st.booleans())
def test_first_failing_row_is_shown(inserted, as_parameters):
    conn = _conn()

    def lit(v):
        return "NULL" if v is None else repr(v) if isinstance(v, str) else str(v)

    values = ", ".join(f"({i}, ?{2 * i + 1}, ?{2 * i + 2})" if as_parameters else f"({i}, {lit(k)}, {lit(s)})"
                       for i, (k, s) in enumerate(inserted))
    stmt = f"INSERT INTO t (id, k, s) VALUES {values}"
    params = tuple(v for row in inserted for v in row) if as_parameters else ()
    expected = None
    for i, (k, s) in enumerate(inserted):
        if s is None or k is not None and k >= 3:  # (NOT NULL is checked before CHECK)
            shown = ", ".join("null" if v is None else str(v) for v in (i, k, s))
            expected = f"Failing row contains ({shown}, 1.00, null)."
            break
    try:
        conn.execute(stmt, params)
        assert expected is None, "the model found a failing row SQLite took"
    except apsw.ConstraintError as e:
        assert expected is not None
        assert _detail(conn, stmt, str(e), params) == expected


def test_values_show_as_postgres_prints_them():
    conn = _conn()
    stmt = "INSERT INTO t (id, k, s, n, c) VALUES (1, 7, 'x', 2.5, 'ab')"
    assert _detail(conn, stmt, "CHECK") == "Failing row contains (1, 7, x, 2.50, ab )."
    long = "é" * 40
    stmt = f"INSERT INTO t (id, k, s) VALUES (1, 9, '{long}')"
    assert _detail(conn, stmt, "CHECK") == f"Failing row contains (1, 9, {'é' * 32}..., 1.00, null)."


def test_no_detail_when_the_row_could_differ():
    conn = _conn()
    assert _detail(conn, "INSERT INTO t (id, s) VALUES (volatile(1), NULL)", "NOT NULL constraint failed: t.s") is None
    assert _detail(conn, "INSERT INTO t (id, s) SELECT 1, NULL", "NOT NULL constraint failed: t.s") is None
    conn.execute("INSERT INTO t (id, k, s) VALUES (1, 1, 'a'), (2, 2, 'b')")
    update_all = "UPDATE t SET k = k + 5"  # two rows break it: which PostgreSQL meets first is its plan's
    assert _detail(conn, update_all, "CHECK") is None
    assert _detail(conn, "UPDATE t SET k = k + 5 WHERE id = 2", "CHECK") == \
        "Failing row contains (2, 7, b, 1.00, null)."
