"""Row values (compute_node/pg_sql/row_values.py): record text as PostgreSQL's record_out
writes it, and row comparisons translated for SQLite against a model of PostgreSQL's rules
(property-based: any two rows of small integers and NULLs)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from compute_node.pg_sql import types as pgtypes
from compute_node.pg_sql.row_values import record_text
from sixfold.errors import SqlError
from tests.unit.test_pg_sql_translate import conn, run


def test_record_text_quotes_as_record_out():
    assert record_text("23,25", 1, "a") == "(1,a)"
    assert record_text("23,25", 1, "a b") == '(1,"a b")'
    assert record_text("25,25,25", "", None, 'q"r\\s') == '("",,"q""r\\\\s")'
    assert record_text("25,25,25", "(x)", "a,b", "tab\there") == '("(x)","a,b","tab\there")'
    assert record_text(f"{pgtypes.BOOL},{pgtypes.FLOAT8},{pgtypes.BYTEA}", 1, 0.1, b"\x01") == '(t,0.1,"\\\\x01")'
    assert record_text("", ) == "()"


def _pg_compare(op: str, a: tuple, b: tuple):
    """PostgreSQL's row comparison (docs, 9.24.5): = and <> over every pair; the
    ordering operators decided by the first pair that is unequal or has a NULL."""
    if op in ("=", "<>"):
        if any(x is not None and y is not None and x != y for x, y in zip(a, b)):
            return op == "<>"
        if any(x is None or y is None for x, y in zip(a, b)):
            return None
        return op == "="
    for i, (x, y) in enumerate(zip(a, b)):
        if x is None or y is None:
            return None
        if x != y or i == len(a) - 1:
            return {"<": x < y, "<=": x <= y, ">": x > y, ">=": x >= y}[op]
    raise AssertionError("rows of zero length")


def _lit(v) -> str:
    return "null::int" if v is None else str(v)


rows = st.integers(1, 3).flatmap(lambda n: st.tuples(st.lists(st.one_of(st.none(), st.integers(0, 2)),
                                                                 min_size=n, max_size=n),
                                                        st.lists(st.one_of(st.none(), st.integers(0, 2)),
                                                                 min_size=n, max_size=n)))


@settings(max_examples=150, deadline=None)
@given(rows, st.sampled_from(["=", "<>", "<", "<=", ">", ">="]))
def test_row_comparisons_follow_postgres_null_rules(pair, op):
    a, b = pair
    c = conn()
    sql = f"select row({', '.join(map(_lit, a))}) {op} row({', '.join(map(_lit, b))})"
    got = run(c, sql)[0][0]
    want = _pg_compare(op, tuple(a), tuple(b))
    assert (None if got is None else bool(got)) == want, (sql, got, want)


@settings(max_examples=60, deadline=None)
@given(rows)
def test_row_is_null_means_every_field_and_is_not_null_none(pair):
    a, _b = pair
    c = conn()
    row = f"row({', '.join(map(_lit, a))})"
    is_null, is_not_null = run(c, f"select {row} is null, {row} is not null")[0]
    assert bool(is_null) == all(x is None for x in a)
    assert bool(is_not_null) == all(x is not None for x in a)


def test_rows_of_different_lengths_are_refused():
    with pytest.raises(SqlError) as e:
        run(conn(), "select row(1, 2) = row(1, 2, 3)")
    assert e.value.sqlstate == "42601"
