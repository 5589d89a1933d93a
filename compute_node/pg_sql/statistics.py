"""Statistical aggregates as PostgreSQL computes them: stddev / variance (and their
_samp / _pop forms) of integers and numerics exactly (numeric.c's
numeric_stddev_internal), of floats by the Youngs-Cramer updates of float8_accum, and the
two-variable family (corr, covar_*, regr_*) by float8_regr_accum. Pure Python aggregates;
`register` makes them SQLite aggregates (and window functions).

The float forms repeat PostgreSQL's floating-point operations in its order, so they
give its bits, not merely close values.
"""

from __future__ import annotations

import math
from decimal import Decimal

import apsw

from compute_node.pg_sql import numeric, numeric_math
from compute_node.pg_sql.typed_functions import _mode_value, register_aggregate

# which -> (sample?, stddev?)
VARIANCE_FORMS = {"stddev_samp": (True, True), "stddev_pop": (False, True), "var_samp": (True, False),
                  "var_pop": (False, False)}
REGRESSION_FORMS = ("corr", "covar_pop", "covar_samp", "regr_avgx", "regr_avgy", "regr_count", "regr_intercept",
                    "regr_r2", "regr_slope", "regr_sxx", "regr_sxy", "regr_syy")


def _overflow() -> apsw.SQLError:
    return apsw.SQLError("[22003] value out of range: overflow")


def numeric_variance(values_sum: Decimal, squares_sum: Decimal, n: int, sample: bool, stddev: bool) -> Decimal | None:
    """numeric_stddev_internal over N values with sum X and sum of squares X2."""
    if n == 0 or sample and n <= 1:
        return None
    rscale = numeric.dscale(values_sum) * 2
    sum_squared = numeric.with_dscale(values_sum * values_sum, rscale)
    n_squares = numeric.with_dscale(n * squares_sum, rscale)
    numerator = numeric.EXACT.subtract(n_squares, sum_squared)
    if numerator <= 0:  # roundoff cannot make it negative here, but PostgreSQL guards: 0
        return Decimal(0)
    denominator = Decimal(n * (n - 1) if sample else n * n)
    div_rscale = numeric.div_scale(numerator, denominator)
    variance = numeric.divide(numerator, denominator)
    return numeric_math.sqrt_var(variance, div_rscale) if stddev else variance


class NumericVariance:
    """stddev / variance of integers or numerics: exact sums, PostgreSQL's scales. `mode`
    as typed_functions._NumericSum's ('t' shown as text, 'n' a number; a static scale)."""

    def __init__(self):
        self.n = 0
        self.total = Decimal(0)
        self.squares = Decimal(0)
        self.shown = False
        self.which = "var_samp"

    def step(self, v, which, mode):
        if v is None:
            return
        self.shown, d = _mode_value(v, mode)
        if not d.is_finite():
            raise apsw.SQLError("[0A000] stddev / variance of NaN or infinity is not supported")
        self.n += 1
        self.total = numeric.EXACT.add(self.total, d)
        self.squares = numeric.EXACT.add(self.squares, numeric.EXACT.multiply(d, d))
        self.which = which

    def final(self):
        if self.n == 0:
            return None
        sample, stddev = VARIANCE_FORMS[self.which]
        result = numeric_variance(self.total, self.squares, self.n, sample, stddev)
        if result is None:
            return None
        return numeric.text(result) if self.shown else numeric.as_sqlite(result)


class FloatVariance:
    """stddev / variance of floats: float8_accum's Youngs-Cramer sums, then its finals."""

    def __init__(self):
        self.n = 0.0
        self.sx = 0.0
        self.sxx = 0.0
        self.which = "var_samp"

    def step(self, v, which):
        self.which = which
        if v is None:
            return
        x = float(v)
        old_n, old_sx = self.n, self.sx
        self.n += 1.0
        self.sx += x
        if old_n > 0.0:
            tmp = x * self.n - self.sx
            self.sxx += tmp * tmp / (self.n * old_n)
            if math.isinf(self.sx) or math.isinf(self.sxx):
                if not math.isinf(old_sx) and not math.isinf(x):
                    raise _overflow()
                self.sxx = math.nan
        elif math.isnan(x) or math.isinf(x):
            self.sxx = math.nan

    def final(self):
        sample, stddev = VARIANCE_FORMS[self.which]
        if self.n == 0.0 or sample and self.n <= 1.0:
            return None
        variance = self.sxx / (self.n - 1.0 if sample else self.n)
        return math.sqrt(variance) if stddev else variance


class Regression:
    """corr, covar_* and regr_* of (y, x) pairs: float8_regr_accum's sums (rows with a NULL
    skipped), then the final function of `which` (one aggregate each: regr_count of no
    rows is 0, and an aggregate that saw no row learns nothing from its arguments)."""

    def __init__(self, which: str):
        self.n = self.sx = self.sxx = self.sy = self.syy = self.sxy = 0.0
        self.which = which

    def step(self, y, x):
        if y is None or x is None:
            return
        y, x = float(y), float(x)
        old_n, old_sx, old_sy = self.n, self.sx, self.sy
        self.n += 1.0
        self.sx += x
        self.sy += y
        if old_n > 0.0:
            tmp_x = x * self.n - self.sx
            tmp_y = y * self.n - self.sy
            scale = 1.0 / (self.n * old_n)
            self.sxx += tmp_x * tmp_x * scale
            self.syy += tmp_y * tmp_y * scale
            self.sxy += tmp_x * tmp_y * scale
            if any(math.isinf(s) for s in (self.sx, self.sxx, self.sy, self.syy, self.sxy)):
                x_grew = (math.isinf(self.sx) or math.isinf(self.sxx)) and not math.isinf(old_sx) \
                    and not math.isinf(x)
                y_grew = (math.isinf(self.sy) or math.isinf(self.syy)) and not math.isinf(old_sy) \
                    and not math.isinf(y)
                xy_grew = math.isinf(self.sxy) and not any(math.isinf(v) for v in (old_sx, x, old_sy, y))
                if x_grew or y_grew or xy_grew:
                    raise _overflow()
                self.sxx, self.syy, self.sxy = (math.nan if math.isinf(s) else s
                                                for s in (self.sxx, self.syy, self.sxy))
        else:
            if math.isnan(x) or math.isinf(x):
                self.sxx = self.sxy = math.nan
            if math.isnan(y) or math.isinf(y):
                self.syy = self.sxy = math.nan

    def final(self):
        w, n = self.which, self.n
        if w == "regr_count":
            return int(n)
        if n < 1.0 or w == "covar_samp" and n < 2.0:
            return None
        if w in ("corr", "regr_r2", "regr_slope", "regr_intercept") and self.sxx == 0 or \
                w == "corr" and self.syy == 0:
            return None
        if w == "regr_r2" and self.syy == 0:
            return 1.0
        return {"corr": lambda: self.sxy / math.sqrt(self.sxx * self.syy),
                "covar_pop": lambda: self.sxy / n, "covar_samp": lambda: self.sxy / (n - 1.0),
                "regr_avgx": lambda: self.sx / n, "regr_avgy": lambda: self.sy / n,
                "regr_intercept": lambda: (self.sy - self.sx * self.sxy / self.sxx) / n,
                "regr_r2": lambda: (self.sxy * self.sxy) / (self.sxx * self.syy),
                "regr_slope": lambda: self.sxy / self.sxx, "regr_sxx": lambda: self.sxx,
                "regr_syy": lambda: self.syy, "regr_sxy": lambda: self.sxy}[w]()


def register(conn: apsw.Connection) -> None:
    register_aggregate(conn, "pg_numeric_variance",
                       lambda: (NumericVariance(), NumericVariance.step, NumericVariance.final), 3)
    register_aggregate(conn, "pg_float_variance", lambda: (FloatVariance(), FloatVariance.step, FloatVariance.final), 2)
    for which in REGRESSION_FORMS:
        register_aggregate(conn, f"pg_{which}", lambda w=which: (Regression(w), Regression.step, Regression.final), 2)
