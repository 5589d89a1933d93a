"""PostgreSQL's numeric rules (compute_node/pg_sql/numeric.py): display scales and
division. The values were read from PostgreSQL 15; the differential test
(tests/integration/test_pg_differential.py) checks the same against a live server."""

from __future__ import annotations

import decimal
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from compute_node.pg_sql import numeric

POSTGRES_QUOTIENTS = [
    ("1.0", "3", "0.33333333333333333333"), ("10", "4.0", "2.5000000000000000"),
    ("100.0", "3", "33.3333333333333333"), ("1", "7", "0.14285714285714285714"),
    ("1.5", "3", "0.50000000000000000000"), ("1234567890.12345", "3", "411522630.04115000"),
    ("12345678901234567890.5", "3", "4115226300411522630.2"), ("-1.5", "4", "-0.37500000000000000000"),
    ("0.0", "5", "0.00000000000000000000"), ("3", "2", "1.5000000000000000"),
]


@pytest.mark.parametrize("a,b,want", POSTGRES_QUOTIENTS)
def test_division_gives_postgres_digits(a, b, want):
    assert numeric.text(numeric.divide(Decimal(a), Decimal(b))) == want


def test_exact_operators_keep_postgres_display_scale():
    assert numeric.text(numeric.operate("*", Decimal("2.50"), Decimal("2"))) == "5.00"
    assert numeric.text(numeric.operate("+", Decimal("1.5"), Decimal("2.25"))) == "3.75"
    assert numeric.text(numeric.operate("-", Decimal("1.5"), Decimal("1.50"))) == "0.00"
    assert numeric.text(numeric.exact(2.5, 2)) == "2.50"  # a numeric(p,2) column's stored float
    assert numeric.text(numeric.average(Decimal(3), 2)) == "1.5000000000000000"


decimals = st.decimals(min_value=Decimal("-1e12"), max_value=Decimal("1e12"), places=None,
                       allow_nan=False, allow_infinity=False).map(lambda d: d.normalize() if d == 0 else d)


@given(decimals, decimals.filter(lambda d: d != 0))
def test_division_is_the_exact_quotient_rounded_half_away_from_zero(a, b):
    q = numeric.divide(a, b)
    scale = numeric.div_scale(a, b)
    assert numeric.dscale(q) == scale
    with decimal.localcontext() as c:
        c.prec = 200
        exact = a / b
        assert abs(exact - q) <= Decimal(1).scaleb(-scale) / 2
        if abs(exact - q) == Decimal(1).scaleb(-scale) / 2:  # a tie rounds away from zero
            assert abs(q) > abs(exact)
