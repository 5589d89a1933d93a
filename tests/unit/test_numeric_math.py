"""PostgreSQL 15's numeric sqrt, exp, ln, log and power (compute_node/pg_sql/numeric_math.py):
the display scale each picks, its digits, NaN and Infinity, and its errors. Every expected
text and error below was read from PostgreSQL 15 (select f(x::numeric)::text)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from compute_node.pg_sql import numeric_math
from compute_node.pg_sql.numeric import text

FUNCTIONS = {
    "sqrt": numeric_math.sqrt,
    "exp": numeric_math.exp,
    "ln": numeric_math.ln,
    "log10": numeric_math.log10,  # SQL log(x)
    "log": numeric_math.log,  # SQL log(b, x)
    "power": numeric_math.power,  # SQL power(a, b) and a ^ b
}

POSTGRES_RESULTS = [
    ("sqrt", ("2.0",), "1.414213562373095"),
    ("sqrt", ("2",), "1.414213562373095"),
    ("sqrt", ("0",), "0.000000000000000"),
    ("sqrt", ("0.00",), "0.000000000000000"),
    ("sqrt", ("0.000000000000000000000000000002",), "0.0000000000000014142135623730950"),
    ("sqrt", ("123456789012345678901234567890",), "351364182882014.4"),
    ("sqrt", ("0.0625",), "0.25000000000000000"),
    ("sqrt", ("100",), "10.000000000000000"),
    ("sqrt", ("1.000000000000000000000",), "1.000000000000000000000"),
    ("sqrt", ("NaN",), "NaN"),
    ("sqrt", ("Infinity",), "Infinity"),
    ("sqrt", ("-0.0",), "0.000000000000000"),
    ("exp", ("1.0",), "2.7182818284590452"),
    ("exp", ("0",), "1.0000000000000000"),
    ("exp", ("-0.00000001",), "0.9999999900000001"),  # exp_var's Taylor series, not the exact 0.99999999000000004999...
    ("exp", ("1",), "2.7182818284590452"),
    ("exp", ("100",), "26881171418161354484126255515800135873611119"),
    ("exp", ("-100",), "0.00000000000000000000000000000000000000000003720075976020836"),
    ("exp", ("0.5",), "1.6487212707001281"),
    ("exp", ("2.5000000000000000000000",), "12.1824939607034734380702"),
    ("exp", ("NaN",), "NaN"),
    ("exp", ("Infinity",), "Infinity"),
    ("exp", ("-Infinity",), "0"),
    ("ln", ("2.0",), "0.6931471805599453"),
    ("ln", ("1",), "0.0000000000000000"),
    ("ln", ("10",), "2.3025850929940457"),
    ("ln", ("0.5",), "-0.6931471805599453"),
    ("ln", ("1.0000000001",), "0.00000000009999999999500000"),
    ("ln", ("1e100",), "230.25850929940457"),
    ("ln", ("0.000001",), "-13.815510557964274"),
    ("ln", ("NaN",), "NaN"),
    ("ln", ("Infinity",), "Infinity"),
    ("log10", ("100.0",), "2.0000000000000000"),
    ("log10", ("2",), "0.3010299956639812"),
    ("log10", ("1000",), "3.0000000000000000"),
    ("log10", ("0.001",), "-3.0000000000000000"),
    ("log10", ("1.1",), "0.04139268515822504"),
    ("log10", ("1e-100",), "-100." + "0" * 100),
    ("log10", ("Infinity",), "Infinity"),
    ("log10", ("NaN",), "NaN"),
    ("log", ("2", "8.0"), "3.0000000000000000"),
    ("log", ("2", "1024"), "10.0000000000000000"),
    ("log", ("10", "1000"), "3.0000000000000000"),
    ("log", ("4", "2"), "0.5000000000000000"),
    ("log", ("3", "81"), "4.0000000000000000"),
    ("log", ("2", "1"), "0.0000000000000000"),
    ("log", ("1.0000000001", "2"), "6931471805.9460266844"),
    ("log", ("0.5", "0.125"), "3.0000000000000000"),
    ("log", ("Infinity", "Infinity"), "NaN"),
    ("log", ("Infinity", "2"), "0"),
    ("log", ("2", "Infinity"), "Infinity"),
    ("log", ("NaN", "2"), "NaN"),
    ("log", ("-Infinity", "NaN"), "NaN"),
    ("power", ("2", "0.5"), "1.4142135623730950"),
    ("power", ("2.0", "3"), "8.0000000000000000"),
    ("power", ("1.1", "100"), "13780.6123398222701841"),
    ("power", ("2", "1000.0"), str(2**1000) + ".0000000000000000"),
    ("power", ("0.5", "17"), "0.0000076293945313"),
    ("power", ("2", "-17"), "0.0000076293945313"),  # an exact tie rounds away from zero
    ("power", ("4", "0.5"), "2.0000000000000000"),
    ("power", ("-2", "3"), "-8.0000000000000000"),
    ("power", ("-2", "-3"), "-0.1250000000000000"),
    ("power", ("2.5", "-1"), "0.4000000000000000"),
    ("power", ("1.23", "2"), "1.5129000000000000"),
    ("power", ("1.23", "1"), "1.2300000000000000"),
    ("power", ("1.23", "0"), "1.0000000000000000"),
    ("power", ("0", "0"), "1.0000000000000000"),
    ("power", ("0", "0.5"), "0.0000000000000000"),
    ("power", ("0", "3"), "0.0000000000000000"),
    ("power", ("0", "10000000000"), "0.0000000000000000"),
    ("power", ("1", "100000000000000000000"), "1.0000000000000000"),
    ("power", ("-1", "10000000001"), "-1.0000000000000000"),
    ("power", ("NaN", "0"), "1"),
    ("power", ("NaN", "1"), "NaN"),
    ("power", ("1", "NaN"), "1"),
    ("power", ("2", "NaN"), "NaN"),
    ("power", ("-Infinity", "3"), "-Infinity"),
    ("power", ("-Infinity", "2"), "Infinity"),
    ("power", ("-Infinity", "-3"), "0"),
    ("power", ("Infinity", "0.5"), "Infinity"),
    ("power", ("Infinity", "-2"), "0"),
    ("power", ("Infinity", "0"), "1"),
    ("power", ("2", "-Infinity"), "0"),
    ("power", ("0.5", "-Infinity"), "Infinity"),
    ("power", ("-1", "Infinity"), "1"),
    ("power", ("-0.5", "Infinity"), "0"),
    ("power", ("-2", "Infinity"), "Infinity"),
    ("power", ("0", "Infinity"), "0"),
    ("power", ("1", "-Infinity"), "1"),
    ("power", ("0.5", "2147483647"), "0.0000000000000000"),
    ("power", ("1.0000000001", "10000000000"), "2.7182818283231311"),
    ("power", ("9", "0.5"), "3.0000000000000000"),
    ("power", ("2", "3.5"), "11.313708498984760"),
    ("power", ("10", "-0.5"), "0.3162277660168379"),
    ("power", ("0.135722244025", "1.5"), "0.05000075331003013"),
    ("power", ("100", "-2.5"), "0.000010000000000000000"),
    ("power", ("1.5", "-40"), "0.0000000904377268"),
]

POSTGRES_ERRORS = [
    ("sqrt", ("-Infinity",), "2201F", "cannot take square root of a negative number"),
    ("sqrt", ("-1",), "2201F", "cannot take square root of a negative number"),
    ("exp", ("6000",), "22003", "value overflows numeric format"),
    ("ln", ("0",), "2201E", "cannot take logarithm of zero"),
    ("ln", ("-1",), "2201E", "cannot take logarithm of a negative number"),
    ("ln", ("-Infinity",), "2201E", "cannot take logarithm of a negative number"),
    ("log10", ("0",), "2201E", "cannot take logarithm of zero"),
    ("log10", ("-5",), "2201E", "cannot take logarithm of a negative number"),
    ("log", ("1", "2"), "22012", "division by zero"),
    ("log", ("1", "1"), "22012", "division by zero"),
    ("log", ("0", "2"), "2201E", "cannot take logarithm of zero"),
    ("log", ("-2", "2"), "2201E", "cannot take logarithm of a negative number"),
    ("log", ("2", "-2"), "2201E", "cannot take logarithm of a negative number"),
    ("log", ("0", "-2"), "2201E", "cannot take logarithm of zero"),
    ("log", ("-Infinity", "2"), "2201E", "cannot take logarithm of a negative number"),
    ("log", ("0", "Infinity"), "2201E", "cannot take logarithm of zero"),
    ("power", ("-8", "0.5"), "2201F", "a negative number raised to a non-integer power yields a complex result"),
    ("power", ("0", "-1"), "2201F", "zero raised to a negative power is undefined"),
    ("power", ("0", "-1.5"), "2201F", "zero raised to a negative power is undefined"),
    ("power", ("-2", "10000000000"), "22003", "value overflows numeric format"),
    ("power", ("-Infinity", "0.5"), "2201F", "a negative number raised to a non-integer power yields a complex result"),
    ("power", ("0", "-Infinity"), "2201F", "zero raised to a negative power is undefined"),
    ("power", ("10", "200000"), "22003", "value overflows numeric format"),
    ("power", ("2.718281828459045", "6020.1"), "22003", "value overflows numeric format"),
    ("power", ("0.1", "-300000"), "22003", "value overflows numeric format"),
]


def _call(function: str, args: tuple[str, ...]) -> Decimal:
    """The function applied to the arguments' numeric text, as Decimals keeping their scale."""
    return FUNCTIONS[function](*(Decimal(a) for a in args))


@pytest.mark.parametrize("function,args,want", POSTGRES_RESULTS)
def test_gives_postgres_text(function, args, want):
    """The result's digits and display scale (shown as PostgreSQL's text) are PostgreSQL 15's: each function's
    scale rule (at least 16 significant digits, never below an input's scale), rounding half away from zero,
    and the NaN/Infinity results of numeric_sqrt, numeric_exp, numeric_ln, numeric_log and numeric_power."""
    assert text(_call(function, args)) == want


@pytest.mark.parametrize("function,args,sqlstate,message", POSTGRES_ERRORS)
def test_raises_postgres_error(function, args, sqlstate, message):
    """Errors carry PostgreSQL's SQLSTATE and message: 2201F for sqrt and power arguments, 2201E for logarithm
    arguments (the base is checked first), 22012 for a base of 1, 22003 for overflow."""
    with pytest.raises(numeric_math.NumericMathError) as raised:
        _call(function, args)
    assert (raised.value.sqlstate, str(raised.value)) == (sqlstate, message)
    assert isinstance(raised.value, ValueError)


def test_tiny_results_keep_the_chosen_scale():
    """numeric_exp's scale is 16 - the result's estimated weight, capped at 1000 (exp(-1000) gets 450);
    exp(-6000) underflows to zero at that cap, and power_var's early underflow test gives zero at 1000."""
    assert text(numeric_math.exp(Decimal(-6000))) == "0." + "0" * 1000
    assert text(numeric_math.power(Decimal("2.718281828459045"), Decimal("-6020.1"))) == "0." + "0" * 1000
    assert text(numeric_math.exp(Decimal(-1000))) == "0." + "0" * 434 + "5075958897549457"


def test_integral_exponent_scale_ignores_the_exponent_scale():
    """power_var_int (PostgreSQL 15) keeps max(16, base scale) digits whatever the exponent's scale; a
    non-integral exponent's scale counts."""
    assert text(numeric_math.power(Decimal("1.5"), Decimal("2.00000000000000000000"))) == "2.2500000000000000"
    assert text(numeric_math.power(Decimal("4"), Decimal("0.50000000000000000000"))) == "2.00000000000000000000"


def test_results_are_exact_at_large_magnitudes():
    """An integral power is exact however many digits it has (10^1000 has 1001)."""
    assert text(numeric_math.power(Decimal(10), Decimal(1000))) == "1" + "0" * 1000 + "." + "0" * 16
    assert text(numeric_math.sqrt(Decimal(10) ** 60)) == "1" + "0" * 30


@settings(max_examples=300, deadline=None)
@given(st.decimals(allow_nan=False, allow_infinity=False, places=None).filter(lambda d: abs(d.adjusted()) < 60))
def test_trim_scale_keeps_the_value_and_drops_only_trailing_zeros(d):
    from compute_node.pg_sql.typed_functions import _trim_scale, pg_numeric_scale

    t = _trim_scale(d)
    assert t == d
    assert t.as_tuple().exponent <= 0  # never an exponent form: 100 stays 100
    digits = t.as_tuple().digits
    assert t.as_tuple().exponent == 0 or digits[-1] != 0, t
    assert pg_numeric_scale("min_scale", str(d)) == max(0, -t.as_tuple().exponent)
    assert pg_numeric_scale("scale", str(d)) == max(0, -d.as_tuple().exponent)
