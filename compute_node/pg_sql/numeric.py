"""PostgreSQL's numeric arithmetic on Python Decimals: exact + - * with PostgreSQL's
display scale (dscale), division rounded to the scale PostgreSQL's select_div_scale
picks, and the text PostgreSQL prints. Pure: no SQLite, no I/O.

A numeric value here is a Decimal whose exponent is its display scale: Decimal('2.50')
has dscale 2. Values SQLite holds (ints, floats) become Decimals through `exact`, with a
static scale when the translator knows one (a numeric(p,s) column's s), since SQLite
keeps 2.50 as the float 2.5.
"""

from __future__ import annotations

import decimal
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

import apsw

# PostgreSQL's limits (src/backend/utils/adt/numeric.c)
MIN_SIG_DIGITS = 16
MAX_DISPLAY_SCALE = 1000
_NBASE_DIGITS = 4

# Sixfold stores numeric values as SQLite numbers: doubles carry 15 significant digits
# exactly, so stored values are held to that (refused beyond it, never rounded).
STORED_SIG_DIGITS_MAX = 15

EXACT = decimal.Context(prec=4000, rounding=ROUND_HALF_UP, Emin=-100000, Emax=100000)


def dscale(d: Decimal) -> int:
    """The display scale of `d` (digits after the point)."""
    e = d.as_tuple().exponent
    return max(0, -e) if isinstance(e, int) else 0


def with_dscale(d: Decimal, scale: int) -> Decimal:
    """`d` shown with exactly `scale` digits after the point (rounded half away from zero)."""
    return d.quantize(Decimal(1).scaleb(-scale), rounding=ROUND_HALF_UP, context=EXACT)


def exact(v, static_scale: int | None = None) -> Decimal:
    """The Decimal for a value SQLite holds: an int, a float (its shortest text: SQLite
    turned the numeric text into it), a Decimal, or numeric text. A static scale (a
    numeric(p,s) column's s) gives the value back its trailing zeros."""
    if isinstance(v, float):
        d = Decimal(repr(v))
    elif isinstance(v, Decimal):
        d = v
    else:
        d = Decimal(v)
    if static_scale is not None and d.is_finite():
        d = with_dscale(d, static_scale)
    return d


def _weight_and_first_digit(d: Decimal) -> tuple[int, int]:
    """PostgreSQL keeps numerics as base-10000 digits: the weight of the first nonzero
    digit and that digit's value (0, 0 for zero)."""
    if d == 0:
        return 0, 0
    a = abs(d)
    weight = a.adjusted() // _NBASE_DIGITS
    return weight, int(a.scaleb(-_NBASE_DIGITS * weight, context=EXACT))


def div_scale(a: Decimal, b: Decimal) -> int:
    """select_div_scale: the scale of a / b, at least 16 significant digits."""
    w1, f1 = _weight_and_first_digit(a)
    w2, f2 = _weight_and_first_digit(b)
    qweight = w1 - w2 - (1 if f1 <= f2 else 0)
    rscale = MIN_SIG_DIGITS - qweight * _NBASE_DIGITS
    rscale = max(rscale, dscale(a), dscale(b), 0)
    return min(rscale, MAX_DISPLAY_SCALE)


def divide(a: Decimal, b: Decimal) -> Decimal:
    """a / b as PostgreSQL's numeric division gives it (b must not be zero)."""
    assert b != 0, "division by zero is the caller's 22012"
    scale = div_scale(a, b)
    digits = max(a.adjusted() - b.adjusted(), 0) + scale + 12
    truncated = decimal.Context(prec=digits, rounding=ROUND_DOWN, Emin=-100000, Emax=100000).divide(a, b)
    # Truncated past the scale, then rounded once: the same digits as rounding the exact quotient.
    return with_dscale(truncated, scale)


def operate(op: str, a: Decimal, b: Decimal) -> Decimal:
    """a op b for op in + - * / %: exact for + - * % (dscale max(a, b), or the sum for *;
    % takes the dividend's sign, as PostgreSQL's mod)."""
    if op == "+":
        return EXACT.add(a, b)
    if op == "-":
        return EXACT.subtract(a, b)
    if op == "*":
        return EXACT.multiply(a, b)
    if op == "/":
        return divide(a, b)
    if op == "%":
        return EXACT.remainder(a, b)
    raise ValueError(f"not a numeric operator: {op}")


def text(d: Decimal) -> str:
    """PostgreSQL's text for a numeric: plain digits, its dscale after the point, no -0."""
    if d.is_nan():
        return "NaN"
    if d == 0:
        d = abs(d)
    return f"{d:f}"


def as_sqlite(d: Decimal):
    """A result handed back to SQLite where it is compared or computed on (not shown): an
    int when integral, else the nearest float, so that SQLite compares it as a number. A
    NaN is refused (0A000): SQLite would hold it as NULL ('nan'::numeric::float8 was NULL,
    'nan'::numeric > 1 unknown, where PostgreSQL sorts NaN above every number)."""
    if d.is_nan():
        raise apsw.SQLError("[0A000] Sixfold cannot compute on a numeric NaN (SQLite would hold it as NULL)")
    if d == d.to_integral_value() and abs(d) < 2**63:
        return int(d)
    return float(d)


def significant_digits(d: Decimal) -> int:
    """Digits from the first nonzero one to the last nonzero one (0 has none)."""
    if d == 0:
        return 0
    return len(d.normalize(EXACT).as_tuple().digits)


def average(total: Decimal, count: int) -> Decimal:
    """avg(): PostgreSQL divides the sum by the count as numerics."""
    return divide(total, Decimal(count))
