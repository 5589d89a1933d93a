"""PostgreSQL's conversions to smallint/integer/bigint (`int_coercion.to_int`): numeric
rounds half away from zero, float8 half to even, text takes integer syntax only, and the
range is the target's. The expected values are PostgreSQL 15's; the differential case
"fractions into integers" (tests/integration/test_pg_differential.py) checks the same
conversions through SQL against a real server."""

from __future__ import annotations

import pytest

from compute_node.pg_sql.int_coercion import to_int
from compute_node.pg_sql.values import InputError


@pytest.mark.parametrize("value, bits, source, want", [
    (2.5, 32, "num", 3), (-2.5, 32, "num", -3), (1.7, 32, "num", 2), (0.5, 16, "num", 1), (0.4, 16, "num", 0),
    (2.5, 32, "float", 2), (3.5, 32, "float", 4), (-2.5, 32, "float", -2), (0.5, 32, "float", 0),
    ("12345678901234567890.5", 64, "num", None), ("2.5", 32, "num", 3), ("-0.5", 64, "num", -1),
    (" 7 ", 32, "text", 7), ("-3", 16, "text", -3), ("+12", 64, "text", 12), (7, 16, "int", 7),
    (2.5, 32, "", 3), (None, 32, "num", None), (32767.4, 16, "num", 32767), (1e3, 32, "num", 1000),
])
def test_rounding_as_postgresql(value, bits, source, want):
    if want is None and value is not None:
        with pytest.raises(InputError) as e:
            to_int(value, bits, source)
        assert e.value.sqlstate == "22003" and str(e.value) == "bigint out of range"
        return
    assert to_int(value, bits, source) == want


@pytest.mark.parametrize("value, bits, source, sqlstate, message", [
    ("1.5", 32, "text", "22P02", 'invalid input syntax for type integer: "1.5"'),
    ("1e3", 16, "text", "22P02", 'invalid input syntax for type smallint: "1e3"'),
    ("abc", 32, "", "22P02", 'invalid input syntax for type integer: "abc"'),
    (2147483647.5, 32, "num", "22003", "integer out of range"),
    (32767.5, 16, "float", "22003", "smallint out of range"),
    (40000, 16, "int", "22003", "smallint out of range"),
    (float("nan"), 32, "float", "22003", "integer out of range"),
    (float("inf"), 64, "float", "22003", "bigint out of range"),
    (1e300, 64, "num", "22003", "bigint out of range"),
])
def test_refusals_carry_postgresqls_sqlstate(value, bits, source, sqlstate, message):
    with pytest.raises(InputError) as e:
        to_int(value, bits, source)
    assert (e.value.sqlstate, str(e.value)) == (sqlstate, message)
