"""statistics.py's aggregates against definitions written out here: the numeric forms
against exact Decimal arithmetic, the float forms against Python's statistics module."""

from __future__ import annotations

import math
import statistics as pystats
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from compute_node.pg_sql import numeric, statistics

cents = st.lists(st.integers(-10**9, 10**9).map(lambda c: Decimal(c).scaleb(-2)), max_size=30)
floats = st.lists(st.floats(-1e6, 1e6, allow_nan=False), max_size=30)


def _numeric(xs, which):
    agg = statistics.NumericVariance()
    for x in xs:
        agg.step(str(x), which, "t2")
    return agg.final()


@given(cents)
def test_numeric_variance_is_the_exact_variance_at_postgresql_scale(xs):
    for which, (sample, stddev) in statistics.VARIANCE_FORMS.items():
        got = _numeric(xs, which)
        if len(xs) == 0 or sample and len(xs) < 2:
            assert got is None
            continue
        n = len(xs)
        mean_free = sum((x * n - sum(xs)) ** 2 for x in xs)  # n^2 * sum((x - mean)^2), exact
        exact = mean_free / (n * n) / (n - 1 if sample else n)
        d = Decimal(got)
        if stddev:  # PostgreSQL's: the square root of the variance rounded at its scale, not of the exact one
            variance = Decimal(_numeric(xs, "var_samp" if sample else "var_pop"))
            assert abs(variance - exact) <= Decimal(1).scaleb(-numeric.dscale(variance))
            want = variance.sqrt()
        else:
            want = exact
        assert abs(d - want) <= Decimal(1).scaleb(-numeric.dscale(d)) if d != 0 else want == 0


@given(floats)
def test_float_variance_agrees_with_the_definition(xs):
    for which, (sample, stddev) in statistics.VARIANCE_FORMS.items():
        agg = statistics.FloatVariance()
        for x in xs:
            agg.step(x, which)
        got = agg.final()
        if len(xs) == 0 or sample and len(xs) < 2:
            assert got is None
            continue
        want = (pystats.stdev if stddev else pystats.variance)(xs) if sample else \
            (pystats.pstdev if stddev else pystats.pvariance)(xs)
        assert got == pytest.approx(want, rel=1e-9, abs=1e-6)


def test_regression_lines_that_are_vertical_or_horizontal():
    def run(pairs, which):
        agg = statistics.Regression(which)
        for y, x in pairs:
            agg.step(y, x)
        return agg.final()

    flat = [(1.0, 1.0), (1.0, 2.0), (1.0, 3.0)]  # y constant
    assert run(flat, "corr") is None
    assert run(flat, "regr_r2") == 1.0
    assert run(flat, "regr_slope") == 0.0
    assert run([(1.0, 2.0), (3.0, 2.0)], "regr_slope") is None  # x constant
    assert run([], "regr_count") == 0
    assert run([(None, 1.0), (2.0, None)], "regr_count") == 0
    assert math.isclose(run([(2.0, 1.0), (4.0, 2.0), (6.0, 3.0)], "corr"), 1.0)
    assert run([(1.0, 1.0)], "covar_samp") is None
