"""Type OIDs and value conversion between SQLite and the PostgreSQL wire formats."""

from __future__ import annotations

import math

import pytest

from compute_node.pg_sql import types as T
from sixfold.errors import SqlError


@pytest.mark.parametrize("decl,oid,name", [
    ("integer", T.INT4, "integer"), ("INTEGER", T.INT4, "integer"), ("int", T.INT4, "integer"),
    ("bigint", T.INT8, "bigint"), ("smallint", T.INT2, "smallint"),
    ("varchar(20)", T.VARCHAR, "character varying"), ("char(22)", T.BPCHAR, "character"),
    ("timestamp", T.TIMESTAMP, "timestamp without time zone"),
    ("timestamp with time zone", T.TIMESTAMPTZ, "timestamp with time zone"),
    ("numeric(10,2)", T.NUMERIC, "numeric"), ("double precision", T.FLOAT8, "double precision"),
    ("boolean", T.BOOL, "boolean"), ("bytea", T.BYTEA, "bytea"), ("text", T.TEXT, "text"),
    ("real", T.FLOAT4, "real"), ("date", T.DATE, "date"), ("uuid", T.UUID, "uuid"), ("jsonb", T.JSONB, "jsonb"),
    ("jsonb text", T.JSONB, "jsonb"), ("json text", T.JSON, "json"), ("name text", T.NAME, "name"),
    ("numeric text", T.NUMERIC, "numeric"),
])
def test_column_oid_and_type_name(decl, oid, name):
    assert T.column_oid(decl, None) == oid
    assert T.pg_type_name(decl) == name


def test_text_marked_declarations_read_back_as_their_types():
    # json, jsonb, name and enum columns are declared "<type> text" for SQLite's TEXT affinity
    assert [T.stored_declaration(b) for b in ("jsonb", "json", "name", "numeric", "integer", "uuid")] == \
        ["jsonb text", "json text", "name text", "numeric text", "integer", "uuid"]
    assert [T.unmarked(d) for d in ("jsonb text", "mood text", '"My Type" text', "public.mood  TEXT")] == \
        ["jsonb", "mood", '"My Type"', "public.mood"]
    # not marks: numeric's own declaration, text itself, a type name with modifiers
    assert [T.unmarked(d) for d in ("numeric text", "text", "varchar(3) text", None, "")] == \
        ["numeric text", "text", "varchar(3) text", None, ""]
    assert T.is_numeric_text("numeric text") and not T.is_numeric_text("jsonb text")


def test_oid_from_samples():
    assert [T.column_oid(None, v) for v in (1, 1.5, "x", b"x", None)] == [T.INT8, T.FLOAT8, T.TEXT, T.BYTEA, T.TEXT]
    assert T.type_size(T.INT4) == 4 and T.type_size(T.TEXT) == -1


@pytest.mark.parametrize("value,oid,text", [
    (1, T.BOOL, b"t"), (0, T.BOOL, b"f"), ("t", T.BOOL, b"t"), (42, T.INT4, b"42"), (None, T.INT4, None),
    (1e14, T.FLOAT8, b"100000000000000"), (1e15, T.FLOAT8, b"1e+15"), (0.0001, T.FLOAT8, b"0.0001"),
    (1e-05, T.FLOAT8, b"1e-05"), (1.5e-07, T.FLOAT8, b"1.5e-07"), (math.inf, T.FLOAT8, b"Infinity"),
    (-math.inf, T.FLOAT8, b"-Infinity"), (math.nan, T.FLOAT8, b"NaN"), (100.0, T.FLOAT8, b"100"),
    (-0.0, T.FLOAT8, b"-0"), (1234567890123456.0, T.FLOAT8, b"1.234567890123456e+15"),
    (0.1, T.FLOAT4, b"0.1"), (1e20, T.FLOAT4, b"1e+20"), (3.4e38, T.FLOAT4, b"3.4e+38"),
    # A shorter text exactly halfway to a neighbour reads back only by rounding half to
    # even; PostgreSQL 15 prints more digits (these are its outputs)
    (1.5 ** 100, T.FLOAT8, b"4.0656117753521523e+17"), (-15000000000.0, T.FLOAT4, b"-1.5000001e+10"),
    (7500000000.0, T.FLOAT4, b"7.5000003e+09"),
    (b"\x00\x01\xff", T.BYTEA, b"\\x0001ff"), ("2026-01-01 00:00:00", T.TIMESTAMP, b"2026-01-01 00:00:00"),
    (1.5, T.NUMERIC, b"1.5"), (3.0, T.NUMERIC, b"3"), ("héllo", T.TEXT, "héllo".encode()),
])
def test_encode_text(value, oid, text):
    assert T.encode_text(value, oid) == text


@pytest.mark.parametrize("oid,values", [
    (T.INT2, [0, -32768, 32767]), (T.INT4, [0, -2**31, 2**31 - 1]), (T.INT8, [0, -2**63, 2**63 - 1]),
    (T.OID, [0, 2**32 - 1]), (T.FLOAT8, [0.0, 1.5, -1e300, 1e-300, 0.1, math.inf]), (T.FLOAT4, [0.5, -2.0, 1e20]),
    (T.NUMERIC, [0, 12, -7, 1.25, 1e-7]), (T.TEXT, ["", "a b", "é€😀", "\\N"]), (T.VARCHAR, ["x"]),
    (T.BYTEA, [b"", b"\x00\\\xff"]), (T.BOOL, [1, 0]),
])
def test_text_round_trip(oid, values):
    for v in values:
        assert T.decode_param(T.encode_text(v, oid), oid, 0) == v


@pytest.mark.parametrize("oid,values", [
    (T.INT2, [1, -5]), (T.INT4, [2**31 - 1]), (T.INT8, [-2**63]), (T.FLOAT8, [0.1]), (T.FLOAT4, [0.5]),
    (T.BOOL, [1, 0]), (T.BYTEA, [b"\x00\x01"]), (T.TEXT, ["é"]),
])
def test_binary_round_trip(oid, values):
    for v in values:
        assert T.decode_param(T.encode_binary(v, oid), oid, 1) == v


def test_decode_param_inputs():
    assert T.decode_param(b" 12 ", T.INT4, 0) == 12
    assert [T.decode_param(s, T.BOOL, 0) for s in (b"true", b"on", b"1", b"f", b"NO")] == [1, 1, 1, 0, 0]
    assert T.decode_param(b"\\001a\\\\", T.BYTEA, 0) == b"\x01a\\"
    assert T.decode_param(b"12345678901234567890.123456789", T.NUMERIC, 0) == "12345678901234567890.123456789"
    assert T.decode_param(b"abc", 0, 0) == "abc" and T.decode_param(None, T.INT4, 0) is None
    assert T.decode_param(b"-inf", T.FLOAT8, 0) == -math.inf


@pytest.mark.parametrize("data,oid,sqlstate", [
    (b"abc", T.INT4, "22P02"), (b"1.5", T.INT8, "22P02"), (b"99999", T.INT2, "22003"), (b"x", T.FLOAT8, "22P02"),
    (b"maybe", T.BOOL, "22P02"), (b"\\xZZ", T.BYTEA, "22023"), (b"1e", T.NUMERIC, "22P02"),
])
def test_decode_param_errors(data, oid, sqlstate):
    with pytest.raises(SqlError) as e:
        T.decode_param(data, oid, 0)
    assert e.value.sqlstate == sqlstate
    if oid == T.INT4:
        assert str(e.value) == 'invalid input syntax for type integer: "abc"'


@pytest.mark.parametrize("value", [1e300, -3.5e38])
def test_a_double_beyond_a_real_in_a_real_column_is_22003_not_a_crash(value):
    with pytest.raises(SqlError) as e:
        T.encode_text(value, T.FLOAT4)
    assert e.value.sqlstate == "22003"
    assert T.encode_text(3.4e38, T.FLOAT4) == b"3.4e+38"


def test_binary_unsupported():
    with pytest.raises(SqlError) as e:
        T.encode_binary("1.2.3.4", 869)  # inet: no binary form here
    assert e.value.sqlstate == "0A000"


@pytest.mark.parametrize("oid,text", [
    (T.DATE, "2024-02-29"), (T.TIMESTAMP, "2024-01-01 10:00:00.5"), (T.TIMESTAMPTZ, "1999-12-31 23:59:59+00"),
    (T.TIME, "23:59:59.000001"), (T.INTERVAL, "1 year 2 mons -3 days 04:05:06"),
    (T.UUID, "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"), (T.NUMERIC, "-1234.5000"), (T.NUMERIC, "0.0001"),
    (T.NUMERIC, "100000000"), (T.JSONB, '{"a": 1}'),
])
def test_binary_round_trip(oid, text):
    """What encode_binary sends, decode_param reads back as the same stored value."""
    stored = T.decode_param(text.encode(), oid, 0)
    assert T.decode_param(T.encode_binary(stored, oid), oid, 1) == stored
