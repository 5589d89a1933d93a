"""Row values (compute_node/pg_sql/row_values.py): record text as PostgreSQL's record_out
writes it, and row comparisons translated for SQLite against a model of PostgreSQL's rules
(property-based: any two rows of small integers and NULLs)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from compute_node.pg_sql import types as pgtypes
from compute_node.pg_sql.row_values import record_text, record_value
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


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=8)),
                max_size=5).filter(lambda f: f != [None]))
def test_record_text_reads_back_field_for_field(fields):
    """parse_record (record_in's reading) undoes record_text (record_out's quoting)."""
    text = record_text(",".join(str(pgtypes.TEXT) for _ in fields), *fields)
    assert pgtypes.parse_record(text) == fields, text


def test_binary_record_sends_each_field_as_its_type():
    import struct

    value = record_value(f"{pgtypes.INT4},{pgtypes.TEXT},,{pgtypes.BOOL}", 7, "a b", None, 1)
    assert pgtypes.encode_text(value, pgtypes.RECORD) == b'(7,"a b",,t)'
    data = pgtypes.encode_binary(value, pgtypes.RECORD)
    assert data == (struct.pack(">i", 4) + struct.pack(">Ii", pgtypes.INT4, 4) + struct.pack(">i", 7)
                    + struct.pack(">Ii", pgtypes.TEXT, 3) + b"a b" + struct.pack(">Ii", pgtypes.TEXT, -1)
                    + struct.pack(">Ii", pgtypes.BOOL, 1) + b"\x01")
    one_null = record_value(str(pgtypes.INT4), None)
    assert pgtypes.encode_binary(one_null, pgtypes.RECORD) == struct.pack(">iIi", 1, pgtypes.INT4, -1)


def test_binary_record_refuses_a_field_of_unknown_type():
    """A string where PostgreSQL sends a typed value would be a different answer."""
    with pytest.raises(SqlError) as e:
        pgtypes.encode_binary(record_value(f"{pgtypes.INT4},", 1, "{1,2}"), pgtypes.RECORD)
    assert e.value.sqlstate == "0A000"
    with pytest.raises(SqlError):
        pgtypes.encode_binary("(1,2)", pgtypes.RECORD)  # a row from a set operation: no types carried
    assert pgtypes.encode_text("(1,2)", pgtypes.RECORD) == b"(1,2)"
