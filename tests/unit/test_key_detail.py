"""key_detail against a model: the DETAIL of a unique violation names the first row of an
INSERT ... VALUES whose key the table or an earlier row of the statement has (NULLs repeat
nothing), as PostgreSQL, which inserts row by row, reports it; and it names nothing when
computing the rows again could give other values than the statement saw."""

import apsw
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from compute_node import key_detail

_KEYS = st.lists(st.one_of(st.none(), st.integers(min_value=0, max_value=5)), max_size=6)


def _conn(existing=()) -> apsw.Connection:
    conn = apsw.Connection(":memory:")
    conn.create_scalar_function("stable", lambda v: v, 1, deterministic=True)
    conn.create_scalar_function("volatile", lambda v: v, 1)
    conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, k integer UNIQUE, c char(3) COLLATE RTRIM UNIQUE)")
    for i, k in enumerate(existing):
        conn.execute("INSERT INTO t (id, k) VALUES (?, ?)", (1000 + i, k))
    return conn


def _rows(conn):
    return lambda sql, params: list(conn.execute(sql, params))


def _detail(conn, stmt: str, params=(), cols=("k",), collations=("BINARY",)):
    return key_detail.unique_detail(stmt, params, "t", list(cols), list(collations), _rows(conn))


@settings(max_examples=150, deadline=None)
@given(existing=st.lists(st.integers(min_value=0, max_value=5), max_size=3, unique=True), inserted=_KEYS,
       as_parameters=st.booleans())
def test_first_repeated_key_is_named(existing, inserted, as_parameters):
    conn = _conn(existing)
    if not inserted:
        return
    values = ", ".join(f"({i}, ?{i + 1})" if as_parameters else f"({i}, {'NULL' if k is None else k})"
                       for i, k in enumerate(inserted))
    stmt = f"INSERT INTO t (id, k) VALUES {values}"
    params = tuple(inserted) if as_parameters else ()
    seen, expected = set(existing), None
    for k in inserted:
        if k is not None and k in seen:
            expected = f"Key (k)=({k}) already exists."
            break
        if k is not None:
            seen.add(k)
    try:
        conn.execute(stmt, params)
        assert expected is None, "the model found a repeated key SQLite took"
    except apsw.ConstraintError:
        assert expected is not None
        assert _detail(conn, stmt, params) == expected


def test_char_keys_compare_under_their_blanks_and_show_padded():
    conn = _conn()
    conn.execute("INSERT INTO t (id, c) VALUES (1, 'ab')")
    stmt = "INSERT INTO t (id, c) VALUES (2, 'xy'), (3, 'ab ')"
    assert _detail(conn, stmt, cols=("c",), collations=("RTRIM",)) == "Key (c)=(ab ) already exists."
    stmt = "INSERT INTO t (id, c) VALUES (2, 'xy'), (3, 'xy  ')"
    assert _detail(conn, stmt, cols=("c",), collations=("RTRIM",)) == "Key (c)=(xy ) already exists."


@pytest.mark.parametrize("stmt", [
    "INSERT INTO t (id, k) VALUES (1, volatile(1))",  # computed again it may be another value
    "INSERT INTO t (id, k) SELECT 1, 1",
    "INSERT INTO t (id, k) VALUES (1, 1) ON CONFLICT (id) DO UPDATE SET k = 1",
    "INSERT INTO t (id, k) VALUES (1, ?)",  # an unnumbered parameter
    "UPDATE t SET k = 1 FROM (SELECT 1) s",  # the joined row is the plan's
    "UPDATE t SET k = id",  # the rows it changes get different keys
    "UPDATE t SET k = volatile(1)",
])
def test_no_detail_when_the_rows_cannot_be_told(stmt):
    conn = _conn([1])
    conn.execute("INSERT INTO t (id, k) VALUES (5, 5)")
    params = (1,) if "?" in stmt else ()
    assert _detail(conn, stmt, params) is None


def test_update_to_a_constant_or_from_one_row():
    conn = _conn([1, 2])
    assert _detail(conn, "UPDATE t SET k = stable(1) WHERE id = 1001") == "Key (k)=(1) already exists."
    assert _detail(conn, "UPDATE t SET k = k - 1 WHERE id = ?1", (1001,)) == "Key (k)=(1) already exists."
    assert _detail(conn, "UPDATE t SET (id, k) = (7, 2) WHERE id = 1000") == "Key (k)=(2) already exists."


def test_a_users_trigger_may_change_the_row():
    conn = _conn([1])
    conn.execute("CREATE TRIGGER \"sixfold_trg:t:x\" BEFORE INSERT ON t BEGIN SELECT 1; END")
    assert _detail(conn, "INSERT INTO t (id, k) VALUES (1, 1)") is None


def test_a_referenced_row_is_named_only_when_one_is():
    conn = apsw.Connection(":memory:")
    conn.execute("CREATE TABLE p (id integer PRIMARY KEY); CREATE TABLE c (r integer);"
                 "INSERT INTO p VALUES (1), (2), (3); INSERT INTO c VALUES (1), (2)")

    def detail(stmt: str, params=()):
        return key_detail.referenced_detail(stmt, params, "p", ["id"], "c", ["r"], _rows(conn))
    assert detail("DELETE FROM p WHERE id = 1") == 'Key (id)=(1) is still referenced from table "c".'
    assert detail("DELETE FROM p WHERE id >= ?1", (2,)) == 'Key (id)=(2) is still referenced from table "c".'
    assert detail("UPDATE p SET id = 9 WHERE id = 2") == 'Key (id)=(2) is still referenced from table "c".'
    assert detail("DELETE FROM p") is None  # two referenced rows: which one fails first is the plan's
    assert detail("DELETE FROM p USING (SELECT 1) s WHERE id = 1") is None
