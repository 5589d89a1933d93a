"""PostgreSQL 15's numeric sqrt, exp, ln, log and power on Python Decimals: the display
scale each picks (numeric_sqrt, numeric_exp, numeric_ln, log_var, power_var,
power_var_int in src/backend/utils/adt/numeric.c), its digits rounded half away from
zero at that scale, its NaN and +-Infinity rules, and its errors. Pure: no I/O.

As in numeric.py, a value is a Decimal whose exponent is its display scale. PostgreSQL
computes these functions to a few guard digits and rounds once. Here square roots,
logarithms, quotients and integral powers are computed correctly rounded (more digits
are taken until the rounding is certain), which is what PostgreSQL gives; exp is
computed step for step as exp_var does, since its Taylor series settles some near-ties
differently from the exact value (exp(-0.00000001) is 0.9999999900000001). Where
PostgreSQL rounds an intermediate value (the logarithms inside log and power, and
ln(base) * exponent), the same rounding is done.
"""

from __future__ import annotations

import decimal
import functools
import math
from collections.abc import Callable
from decimal import ROUND_DOWN, ROUND_FLOOR, ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal

from compute_node.pg_sql.numeric import MAX_DISPLAY_SCALE, MIN_SIG_DIGITS, dscale
from compute_node.pg_sql.values import InputError

_DEC_DIGITS = 4  # decimal digits per base-10000 (NBASE) digit
_MAX_RESULT_SCALE = 2000  # NUMERIC_MAX_RESULT_SCALE
_SHRT_MAX = 32767  # the largest base-10000 weight a stored numeric can have
_LOG10_E = 0.434294481903252  # the double PostgreSQL multiplies by to estimate weights
_LN_10 = 2.302585092994046
_GUARD_DIGITS = 12
_MAX_WORKING_DIGITS = 1_000_000
_DECIMAL_LN_MAX_DIGITS = 400  # above this many digits, ln is computed in binary fixed point (faster)
_LOG2_10 = math.log2(10)

_EXACT = decimal.Context(prec=decimal.MAX_PREC, rounding=ROUND_HALF_UP, Emin=decimal.MIN_EMIN,
                         Emax=decimal.MAX_EMAX)
_ONE = Decimal(1)
_NAN = Decimal("NaN")
_INF = Decimal("Infinity")
_HALF = Decimal("0.5")


class NumericMathError(InputError):
    """A PostgreSQL error from a numeric function: its SQLSTATE and message."""


def _negative_sqrt() -> NumericMathError:
    return NumericMathError("2201F", "cannot take square root of a negative number")


def _log_of_zero() -> NumericMathError:
    return NumericMathError("2201E", "cannot take logarithm of zero")


def _log_of_negative() -> NumericMathError:
    return NumericMathError("2201E", "cannot take logarithm of a negative number")


def _zero_to_negative() -> NumericMathError:
    return NumericMathError("2201F", "zero raised to a negative power is undefined")


def _complex_power() -> NumericMathError:
    return NumericMathError("2201F", "a negative number raised to a non-integer power yields a complex result")


def _overflow() -> NumericMathError:
    return NumericMathError("22003", "value overflows numeric format")


def _context(prec: int) -> decimal.Context:
    """A context computing to `prec` significant digits, correctly rounded, any exponent."""
    return decimal.Context(prec=prec, rounding=ROUND_HALF_EVEN, Emin=decimal.MIN_EMIN, Emax=decimal.MAX_EMAX)


def _zero(scale: int) -> Decimal:
    """Zero shown with `scale` digits after the point."""
    return Decimal(0).scaleb(-scale, context=_EXACT)


def _round(value: Decimal, scale: int) -> Decimal:
    """round_var: `value` rounded half away from zero to `scale` digits (never -0)."""
    rounded = value.quantize(Decimal(1).scaleb(-scale), context=_EXACT)
    return rounded.copy_abs() if rounded == 0 else rounded


def _clamp_scale(scale: int) -> int:
    """A result scale kept within PostgreSQL's display scales, 0 to 1000."""
    return min(max(scale, 0), MAX_DISPLAY_SCALE)


def _sign(d: Decimal) -> int:
    """numeric_sign_internal: -1, 0 or 1 (the infinities included)."""
    return 0 if d == 0 else (-1 if d.is_signed() else 1)


def _is_integral(d: Decimal) -> bool:
    """numeric_is_integral: NaN is not, the infinities are."""
    return not d.is_nan() and (d.is_infinite() or d == d.to_integral_value())


def _is_odd(d: Decimal) -> bool:
    """Whether integral `d` is odd."""
    _, digits, exponent = d.normalize(_EXACT).as_tuple()
    return exponent == 0 and digits[-1] % 2 == 1


def _weight(d: Decimal) -> int:
    """The base-10000 weight of d's first digit (0 for zero), as PostgreSQL stores it."""
    return 0 if d == 0 else d.adjusted() // _DEC_DIGITS


def _nbase_digits(d: Decimal) -> tuple[int, list[int]]:
    """PostgreSQL's form of nonzero `d`: the base-10000 weight of its first digit and its
    base-10000 digits without trailing zero digits."""
    _, digits, exponent = d.normalize(_EXACT).as_tuple()
    adjusted = exponent + len(digits) - 1
    weight = adjusted // _DEC_DIGITS
    text = "0" * (_DEC_DIGITS * weight + _DEC_DIGITS - 1 - adjusted) + "".join(map(str, digits))
    text += "0" * (-len(text) % _DEC_DIGITS)
    return weight, [int(text[i:i + _DEC_DIGITS]) for i in range(0, len(text), _DEC_DIGITS)]


def _correctly_rounded(compute: Callable[[int], tuple[Decimal, bool]], scale: int) -> Decimal:
    """A value rounded half away from zero to `scale` digits. compute(prec) gives it to
    prec significant digits, within one unit in the last place, and whether that was
    inexact; more digits are asked for until the rounding at `scale` is certain."""
    prec = max(scale, 0) + 2 * _GUARD_DIGITS
    while True:
        value, inexact = compute(prec)
        if value == 0:
            return _zero(scale)
        needed = value.adjusted() + scale + 1 + _GUARD_DIGITS
        if needed > prec:
            prec = needed
            continue
        rounded = _round(value, scale)
        if not inexact or prec >= _MAX_WORKING_DIGITS:
            return rounded
        shifted = value.copy_abs().scaleb(scale, context=_EXACT)
        fraction = _EXACT.subtract(shifted, shifted.to_integral_value(rounding=ROUND_FLOOR))
        ulp = Decimal(1).scaleb(value.adjusted() - prec + 1 + scale, context=_EXACT)
        if _EXACT.subtract(fraction, _HALF).copy_abs() > ulp:
            return rounded
        prec *= 2


def _ln_rounded(x: Decimal, scale: int) -> Decimal:
    """ln_var: ln(x) of a positive x, rounded to `scale` digits. Decimal's ln is correctly
    rounded but slow past a few hundred digits, where a binary fixed-point ln takes over."""

    def compute(prec: int) -> tuple[Decimal, bool]:
        ctx = _context(prec)
        if prec <= _DECIMAL_LN_MAX_DIGITS:
            return ctx.ln(x), bool(ctx.flags[decimal.Inexact])
        if x == 1:
            return Decimal(0), False
        magnitude = _context(20).ln(x).adjusted()
        bits = int((prec - magnitude + 2) * _LOG2_10) + 64
        return ctx.divide(Decimal(_ln_binary(x, bits)), Decimal(1 << bits)), True

    return _correctly_rounded(compute, scale)


def _ln_binary(x: Decimal, bits: int) -> int:
    """ln(x) * 2^bits for x > 0, floored, within a unit or two: x = 2^e * y; ln(y) from its
    2^k-th root t (k square roots) as 2^(k+1) * atanh((t-1)/(t+1)), worked with enough
    extra bits to absorb that factor; ln(2) likewise."""
    _, digits, exponent = x.as_tuple()
    coefficient = int("".join(map(str, digits)))
    e = coefficient.bit_length() - 1 + math.floor(exponent * _LOG2_10)  # 2^e is near x
    k = math.isqrt(bits) // 2
    work = bits + k + 32 + abs(e).bit_length()
    shift = work - e  # y * 2^work = x * 2^shift
    if exponent >= 0:
        scaled = coefficient * 10**exponent
        y = scaled << shift if shift >= 0 else scaled >> -shift
    else:
        y = (coefficient << shift) // 10**-exponent if shift >= 0 else (coefficient >> -shift) // 10**-exponent
    one = 1 << work
    for _ in range(k):
        y = math.isqrt(y << work)
    ln_y = _atanh_binary(((y - one) << work) // (y + one), work) << (k + 1)
    return (e * _ln2_binary(work) + ln_y) >> (work - bits)


def _atanh_binary(z: int, work: int) -> int:
    """atanh(z / 2^work) * 2^work for a small z: z + z^3/3 + z^5/5 + ..."""
    z_squared = (z * z) >> work
    total, term, n = z, z, 1
    while term:
        term = (term * z_squared) >> work
        n += 2
        total += term // n
    return total


@functools.lru_cache(maxsize=4)
def _ln2_binary(work: int) -> int:
    """ln(2) * 2^work: 2 * atanh(1/3)."""
    total = term = (1 << work) // 3
    n = 1
    while term:
        term //= 9
        n += 2
        total += term // n
    return 2 * total


def _mul_var(a: Decimal, b: Decimal, scale: int) -> Decimal:
    """mul_var: a * b rounded to `scale` digits."""
    return _round(_EXACT.multiply(a, b), scale)


def _div_var_int(a: Decimal, n: int, scale: int) -> Decimal:
    """div_var_int with rounding: a / n (an int > 0) rounded to `scale` digits. The quotient
    is truncated past `scale` first, which rounds half up as the exact quotient does."""
    digits = max(a.adjusted() + scale + 3, 1)
    truncated = decimal.Context(prec=digits, rounding=ROUND_DOWN, Emin=decimal.MIN_EMIN,
                                Emax=decimal.MAX_EMAX).divide(a, n)
    return _round(truncated, scale)


def _exp_rounded(x: Decimal, rscale: int) -> Decimal:
    """exp_var: e^x rounded to rscale digits, computed step for step as PostgreSQL does
    (its Taylor series stops at the first term that rounds to zero, which decides some
    near-ties). Zero when x <= -6000, an error when x >= 6000."""
    val = float(x)
    if abs(val) >= _MAX_RESULT_SCALE * 3:
        if val > 0:
            raise _overflow()
        return _zero(rscale)
    dweight = int(val * _LOG10_E)
    # Reduce x to about |x| <= 0.01 by halving it ndiv2 times (exactly: one digit a halving).
    ndiv2 = 0
    while abs(val) > 0.01:
        ndiv2 += 1
        val /= 2
    if ndiv2:
        x = _div_var_int(x, 1 << ndiv2, dscale(x) + ndiv2)
    sig_digits = max(1 + dweight + rscale + int(ndiv2 * 0.301029995663981), 0) + 8
    local_rscale = sig_digits - 1
    # Taylor series 1 + x + x^2/2! + ..., each term rounded to local_rscale digits.
    result = _EXACT.add(_ONE, x)
    term = _div_var_int(_mul_var(x, x, local_rscale), 2, local_rscale)
    n = 2
    while term != 0:
        result = _EXACT.add(result, term)
        n += 1
        term = _div_var_int(_mul_var(term, x, local_rscale), n, local_rscale)
    # Undo the halvings by squaring, keeping sig_digits significant digits.
    for _ in range(ndiv2):
        square_scale = max(sig_digits - _weight(result) * 2 * _DEC_DIGITS, 0)
        result = _mul_var(result, result, square_scale)
    return _round(result, rscale)


def _quotient_rounded(a: Decimal, b: Decimal, scale: int) -> Decimal:
    """div_var with rounding: a / b (b nonzero) rounded to `scale` digits."""

    def compute(prec: int) -> tuple[Decimal, bool]:
        ctx = _context(prec)
        return ctx.divide(a, b), bool(ctx.flags[decimal.Inexact])

    return _correctly_rounded(compute, scale)


def _estimate_ln_dweight(x: Decimal) -> int:
    """estimate_ln_dweight: PostgreSQL's estimate of the decimal weight of ln(x) (0 for
    x <= 0), from x - 1 near 1, else from x's first two base-10000 digits in doubles."""
    if x <= 0:
        return 0
    if Decimal("0.9") <= x <= Decimal("1.1"):
        difference = _EXACT.subtract(x, _ONE)
        return 0 if difference == 0 else difference.adjusted()
    weight, digits = _nbase_digits(x)
    leading = digits[0]
    dweight = weight * _DEC_DIGITS
    if len(digits) > 1:
        leading = leading * 10000 + digits[1]
        dweight -= _DEC_DIGITS
    ln_x = math.log(float(leading)) + dweight * _LN_10
    return int(math.log10(abs(ln_x)))


def sqrt(x: Decimal) -> Decimal:
    """numeric_sqrt: at least 16 significant digits (scale 16 - the result's estimated
    decimal weight), never fewer than x's own scale, at most 1000; the exact square root
    rounded half away from zero. sqrt(NaN) and sqrt(Infinity) are themselves."""
    if x.is_nan() or x == _INF:
        return x
    if x.is_infinite() or x < 0:
        raise _negative_sqrt()
    weight = _weight(x)
    sweight = (weight + 1) * _DEC_DIGITS // 2 - 1
    rscale = _clamp_scale(max(MIN_SIG_DIGITS - sweight, dscale(x)))
    return sqrt_var(x, rscale)


def sqrt_var(x: Decimal, rscale: int) -> Decimal:
    """sqrt_var: the square root of non-negative `x` rounded half away from zero to
    `rscale` digits (at least x's own scale)."""
    if x == 0:
        return _zero(rscale)
    # rscale >= x's scale, so x * 10^(2 * rscale + 2) is an integer: its integer square root
    # is sqrt(x) truncated one digit past rscale, which rounds half up as sqrt(x) does.
    root = math.isqrt(int(x.scaleb(2 * (rscale + 1), context=_EXACT)))
    return _round(Decimal(root).scaleb(-(rscale + 1), context=_EXACT), rscale)


def exp(x: Decimal) -> Decimal:
    """numeric_exp: scale 16 - the estimated decimal weight of e^x (x * log10(e) in
    doubles, truncated), never less than x's scale, at most 1000; exp(-Infinity) is 0,
    NaN and Infinity are themselves, and x >= 6000 overflows."""
    if x.is_nan() or x == _INF:
        return x
    if x.is_infinite():
        return Decimal(0)
    val = min(max(float(x) * _LOG10_E, -_MAX_RESULT_SCALE), _MAX_RESULT_SCALE)
    rscale = _clamp_scale(max(MIN_SIG_DIGITS - int(val), dscale(x)))
    return _exp_rounded(x, rscale)


def ln(x: Decimal) -> Decimal:
    """numeric_ln: scale 16 - estimate_ln_dweight(x), never less than x's scale, at most
    1000; ln(0) and ln of a negative number (or -Infinity) are errors."""
    if x.is_nan() or x == _INF:
        return x
    if x == 0:
        raise _log_of_zero()
    if x < 0:
        raise _log_of_negative()
    rscale = _clamp_scale(max(MIN_SIG_DIGITS - _estimate_ln_dweight(x), dscale(x)))
    return _ln_rounded(x, rscale)


def log10(x: Decimal) -> Decimal:
    """log(numeric) with one argument: PostgreSQL defines it as log(10, x)."""
    return log(Decimal(10), x)


def log(base: Decimal, x: Decimal) -> Decimal:
    """numeric_log / log_var: the result scale is 16 - (the estimated weight of ln(x) -
    that of ln(base)), never less than either scale, at most 1000. ln(base) and ln(x) are
    each rounded to 8 digits past that scale's significance, and their quotient is
    rounded to it; a base of 1 divides by zero. Zero or negative arguments are errors
    (base first); NaN gives NaN, log(Infinity, Infinity) is NaN, log(Infinity, x) is 0
    and log(b, Infinity) is Infinity."""
    if base.is_nan() or x.is_nan():
        return _NAN
    if base.is_infinite() or x.is_infinite():
        if _sign(base) < 0 or _sign(x) < 0:
            raise _log_of_negative()
        if base == 0 or x == 0:
            raise _log_of_zero()
        if base.is_infinite():
            return _NAN if x.is_infinite() else Decimal(0)
        return _INF
    ln_base_dweight = _estimate_ln_dweight(base)
    ln_x_dweight = _estimate_ln_dweight(x)
    result_dweight = ln_x_dweight - ln_base_dweight
    rscale = _clamp_scale(max(MIN_SIG_DIGITS - result_dweight, dscale(base), dscale(x)))
    for argument in (base, x):
        if argument == 0:
            raise _log_of_zero()
        if argument < 0:
            raise _log_of_negative()
    ln_base = _ln_rounded(base, max(rscale + result_dweight - ln_base_dweight + 8, 0))
    ln_x = _ln_rounded(x, max(rscale + result_dweight - ln_x_dweight + 8, 0))
    if ln_base == 0:
        raise NumericMathError("22012", "division by zero")
    return _quotient_rounded(ln_x, ln_base, rscale)


def power(base: Decimal, exp: Decimal) -> Decimal:
    """numeric_power (also numeric ^ numeric). NaN and Infinity follow POSIX pow() as
    PostgreSQL does; 0 ^ negative and negative ^ non-integer are 2201F errors. An integral
    exponent that fits in int32 goes through power_var_int, whose scale is
    max(16, base's scale) whatever the exponent's scale; any other exponent is
    exp(ln(base) * exp) as power_var computes it."""
    if base.is_nan():
        return _ONE if exp.is_finite() and exp == 0 else _NAN
    if exp.is_nan():
        return _ONE if base.is_finite() and base == 1 else _NAN
    base_sign, exp_sign = _sign(base), _sign(exp)
    if base_sign == 0 and exp_sign < 0:
        raise _zero_to_negative()
    if base.is_infinite() or exp.is_infinite():
        return _power_of_infinities(base, exp, base_sign, exp_sign)
    if _is_integral(exp) and -2**31 <= exp < 2**31:
        result = _power_int(base, int(exp), _clamp_scale(max(MIN_SIG_DIGITS, dscale(base))))
    else:
        result = _power_general(base, exp)
    if _weight(result) > _SHRT_MAX:
        raise _overflow()
    return result


def _power_of_infinities(base: Decimal, exp: Decimal, base_sign: int, exp_sign: int) -> Decimal:
    """numeric_power's POSIX rules when base or exponent is infinite (neither is NaN)."""
    if base_sign < 0 and not _is_integral(exp):
        raise _complex_power()
    if base == 1 or exp_sign == 0:
        return _ONE
    if base_sign == 0:
        return Decimal(0)
    if exp.is_infinite():
        if base == -1:
            return _ONE
        greater_than_one = base.is_infinite() or base.copy_abs() > 1
        return _INF if greater_than_one == (exp_sign > 0) else Decimal(0)
    if base == _INF:
        return _INF if exp_sign > 0 else Decimal(0)
    if exp_sign < 0:
        return Decimal(0)
    return -_INF if _is_odd(exp) else _INF


def _power_int(base: Decimal, n: int, rscale: int) -> Decimal:
    """power_var_int: base ^ n rounded to rscale; a crude double estimate of the result's
    decimal weight decides overflow (22003) and underflow (zero) before computing."""
    if n == 0:
        return _EXACT.add(_zero(rscale), _ONE)
    if n == 1:
        return _round(base, rscale)
    if n == -1:
        return _quotient_rounded(_ONE, base, rscale)
    if n == 2:
        return _round(_EXACT.multiply(base, base), rscale)
    if base == 0:
        return _zero(rscale)
    weight, digits = _nbase_digits(base)
    leading = float(digits[0])
    p = weight * _DEC_DIGITS
    for digit in digits[1:4]:
        leading = leading * 10000 + digit
        p -= _DEC_DIGITS
    f = n * (math.log10(leading) + p)
    if f > 3 * _SHRT_MAX * _DEC_DIGITS or f > (_SHRT_MAX + 1) * _DEC_DIGITS + 1:
        raise _overflow()  # the latter: PostgreSQL computes the result, then cannot store it
    if f + 1 < -rscale or f + 1 < -MAX_DISPLAY_SCALE:
        return _zero(rscale)

    def compute(prec: int) -> tuple[Decimal, bool]:
        work = _context(prec + len(str(abs(n))) + 4)
        result, square, mask = _ONE, base, abs(n)
        while mask:
            if mask & 1:
                result = work.multiply(result, square)
            mask >>= 1
            if mask:
                square = work.multiply(square, square)
        if n < 0:
            result = work.divide(_ONE, result)
        ctx = _context(prec)
        result = ctx.plus(result)
        return result, bool(work.flags[decimal.Inexact] or ctx.flags[decimal.Inexact])

    return _correctly_rounded(compute, rscale)


def _power_general(base: Decimal, exp: Decimal) -> Decimal:
    """power_var for a non-integral exponent (or one beyond int32): e^(ln|base| * exp),
    with ln|base| * exp first taken to about 8 significant digits to choose the scale
    (16 - the result's estimated decimal weight, never less than either input's scale),
    then again to as many digits as the result needs."""
    if base == 0:
        return _zero(MIN_SIG_DIGITS)
    negative = False
    if base < 0:
        if not _is_integral(exp):
            raise _complex_power()
        negative = _is_odd(exp)
        base = base.copy_abs()
    ln_dweight = _estimate_ln_dweight(base)
    local_rscale = max(8 - ln_dweight, 0)
    ln_num = _round(_EXACT.multiply(_ln_rounded(base, local_rscale), exp), local_rscale)
    val = float(ln_num)
    if abs(val) > _MAX_RESULT_SCALE * 3.01:
        if val > 0:
            raise _overflow()
        return _zero(MAX_DISPLAY_SCALE)
    val *= _LOG10_E
    rscale = _clamp_scale(max(MIN_SIG_DIGITS - int(val), dscale(base), dscale(exp)))
    sig_digits = max(rscale + int(val), 0)
    local_rscale = max(sig_digits - ln_dweight + 8, 0)
    ln_num = _round(_EXACT.multiply(_ln_rounded(base, local_rscale), exp), local_rscale)
    result = _exp_rounded(ln_num, rscale)
    return result.copy_negate() if negative and result != 0 else result
