"""PostgreSQL's float8in / float4in for text (`float_input.text_to_float`): numbers with
optional whitespace, Infinity / inf in any case with a sign; anything else 22P02, beyond
the type's range 22003, NaN refused (0A000: SQLite stores a NaN as NULL). The
differential case "integer overflow, rounding and float input" checks the same casts
through SQL against PostgreSQL 15."""

from __future__ import annotations

import math

import pytest

from compute_node.pg_sql.float_input import as_float4, text_to_float, to_float
from compute_node.pg_sql.values import InputError


@pytest.mark.parametrize("text, bits, want", [
    (" 2.5 ", 64, 2.5), ("-1.5e3", 32, -1500.0), (".5", 64, 0.5), ("5.", 64, 5.0), ("+7", 64, 7.0),
    ("1.4e-45", 32, 1.4e-45), ("Infinity", 64, math.inf), ("-inf", 32, -math.inf), ("+INFINITY", 64, math.inf), ("1e-300", 64, 1e-300),
])
def test_accepted_as_postgresql_reads_it(text, bits, want):
    assert text_to_float(text, bits) == want


@pytest.mark.parametrize("text, bits, sqlstate, message", [
    ("abc", 64, "22P02", 'invalid input syntax for type double precision: "abc"'),
    ("2.5x", 32, "22P02", 'invalid input syntax for type real: "2.5x"'),
    ("", 64, "22P02", 'invalid input syntax for type double precision: ""'),
    ("1_000", 64, "22P02", 'invalid input syntax for type double precision: "1_000"'),  # Python would take it
    ("0x10", 64, "22P02", 'invalid input syntax for type double precision: "0x10"'),
    ("1e400", 64, "22003", '"1e400" is out of range for type double precision'),
    ("1e-400", 64, "22003", '"1e-400" is out of range for type double precision'),
    ("1e39", 32, "22003", '"1e39" is out of range for type real'),
    ("1e-46", 32, "22003", '"1e-46" is out of range for type real'),  # a double, but 0 as a real
    ("NaN", 64, "0A000", "Sixfold cannot hold a float NaN (SQLite stores it as NULL)"),
])
def test_refused_with_postgresqls_sqlstate(text, bits, sqlstate, message):
    with pytest.raises(InputError) as e:
        text_to_float(text, bits)
    assert (e.value.sqlstate, str(e.value)) == (sqlstate, message)


def test_numbers_sqlite_holds_pass_through():
    assert to_float(3, 64) == 3.0 and to_float(2.5, 32) == 2.5 and to_float(None, 64) is None
    assert to_float(b"4.5", 64) == 4.5


def test_a_double_too_small_for_a_real_is_refused_not_zero():
    """float8 -> float4 as PostgreSQL's dtof: 0 only from 0, a nonzero value that a real
    can hold only as 0 fails (22003), as does one beyond its range."""
    assert as_float4(0.0) == 0.0 and as_float4(1e-40) != 0.0
    for value, message in ((1e-75, "value out of range: underflow"), (1e39, "value out of range: overflow")):
        with pytest.raises(InputError) as e:
            as_float4(value)
        assert (e.value.sqlstate, str(e.value)) == ("22003", message)
