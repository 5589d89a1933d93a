"""PostgreSQL 15's to_char(number, format) and to_number(text, format) (`number_format`).

Every expected answer below was captured from a PostgreSQL 15 server (lc_numeric and
lc_monetary C) with `select to_char(value::type, format)` / `select to_number(text, format)::text`;
an expected (sqlstate, message) is the error it raised. Pure: no database.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from compute_node.pg_sql.number_format import NumberFormatError, to_char, to_number

NAN, INF = float("nan"), float("inf")

# (value, kind, format, PostgreSQL's answer or (sqlstate, message))
TO_CHAR = [
    (1234, 'int4', '9999', ' 1234'),
    (-1234, 'int4', '9999', '-1234'),
    (1234, 'int4', '99', ' ##'),
    (0, 'int4', '9999', '    0'),
    (0, 'int4', '0000', ' 0000'),
    (12, 'int4', '0999', ' 0012'),
    (1234567, 'int4', '9,999,999', ' 1,234,567'),
    (1234567, 'int4', '9G999G999', ' 1,234,567'),
    (12, 'int4', '9,999', '    12'),
    (-5, 'int4', 'FM9999', '-5'),
    (5, 'int4', 'FM0009', '0005'),
    (12, 'int4', '9999PR', '   12 '),
    (-12, 'int4', '9999PR', '  <12>'),
    (-12, 'int4', 'FM9999PR', '<12>'),
    (12, 'int4', 'S9999', '  +12'),
    (-12, 'int4', '9999S', '  12-'),
    (12, 'int4', 'FMS9999', '+12'),
    (-12, 'int4', 'MI9999', '-  12'),
    (12, 'int4', '9999MI', '  12 '),
    (-12, 'int4', 'FM9999MI', '12-'),
    (12, 'int4', 'PL9999', '+   12'),
    (-12, 'int4', 'SG9999', '-  12'),
    (12, 'int4', 'SG9999', '+  12'),
    (12, 'int4', 'L9999', '    12'),
    (12, 'int4', '9999TH', '   12TH'),
    (1, 'int4', 'FM9th', '1st'),
    (2, 'int4', 'FM9TH', '2ND'),
    (3, 'int4', 'FM9TH', '3RD'),
    (11, 'int4', 'FM99TH', '11TH'),
    (13, 'int4', 'FM99th', '13th'),
    (21, 'int4', 'FM99TH', '21ST'),
    (-1, 'int4', '9TH', '-1'),
    (1994, 'int4', 'RN', '        MCMXCIV'),
    (1994, 'int4', 'FMrn', 'mcmxciv'),
    (0, 'int4', 'RN', '###############'),
    (4000, 'int4', 'FMRN', '###############'),
    (3999, 'int4', 'FMRN', 'MMMCMXCIX'),
    (12, 'int4', '99V9', ' 120'),
    (123456, 'int4', '9999V99999', '-539301888'),
    (12, 'int4', '9.99EEEE', ' 1.20e+01'),
    (-12, 'int4', '9.99eeee', '-1.20e+01'),
    (12, 'int4', 'B9999', '   12'),
    (5, 'int4', '"Val:" 9', 'Val:  5'),
    (5, 'int4', 'x9\\"y', 'x 5"y'),
    (5, 'int4', 'a"b\\"c"9', 'ab"c 5'),
    (5, 'int4', 'RNSG', '              V'),
    (12, 'int4', '9SP', ' #'),
    (12, 'int4', '9C', ' #'),
    (12, 'int4', '', ''),
    (12, 'int4', '99.99', ' 12.00'),
    (-12, 'int4', 'FM99.99', '-12.'),
    (12, 'int4', 'é99', 'é 12'),
    (9223372036854775807, 'int8', '9999999999999999999', ' 9223372036854775807'),
    (-9223372036854775808, 'int8', 'FM9999999999999999999', '-9223372036854775808'),
    (5, 'int8', '9V9999999999999999999', ('22003', 'bigint out of range')),
    (5000000000, 'int8', 'RN', ('22003', 'integer out of range')),
    (123456789012, 'int8', '9.99EEEE', ' 1.23e+11'),
    (12, 'int8', '99V999', ' 12000'),
    ('1234.5678', 'num', '9999.99', ' 1234.57'),
    ('-0.5', 'num', '9.9', ' -.5'),
    ('0.5', 'num', '0.9', ' 0.5'),
    ('0.5', 'num', 'FM9.9', '.5'),
    ('2.5', 'num', '9', ' 3'),
    ('-2.5', 'num', '9', '-3'),
    ('1.005', 'num', '9.99', ' 1.01'),
    ('12.3', 'num', 'FM99.000', '12.300'),
    ('12.3', 'num', 'FM99.999', '12.3'),
    ('0', 'num', 'FM9.99', '0.'),
    ('0', 'num', '9.99', '  .00'),
    ('NaN', 'num', '999.99', ' NaN'),
    ('Infinity', 'num', '999.99', ' ###.##'),
    ('-Infinity', 'num', '99999999999', '   -Infinity'),
    ('NaN', 'num', '9.99EEEE', ' #.######'),
    ('9.99', 'num', '9.9EEEE', ' 10.0e+00'),
    ('0.000123', 'num', '9.99EEEE', ' 1.23e-04'),
    ('-1234.5', 'num', '99999.99eeee', '-1.23e+03'),
    ('1e10', 'num', 'RN', ('22003', 'integer out of range')),
    ('NaN', 'num', 'RN', ('0A000', 'cannot convert NaN to integer')),
    ('Infinity', 'num', 'RN', ('0A000', 'cannot convert infinity to integer')),
    ('1234.5', 'num', '9G999D99', ' 1,234.50'),
    ('123.45', 'num', '9V99', ' ###'),
    ('-0.001', 'num', '9.99', '  .00'),
    ('3.5', 'num', 'RN', '             IV'),
    ('12345', 'num', '999', ' ###'),
    ('-12345.5', 'num', '999.9', '-###.#'),
    (1.5, 'float8', '9.9', ' 1.5'),
    (2.5, 'float8', '9', ' 2'),
    (0.125, 'float8', '9.99', '  .12'),
    (NAN, 'float8', '999.99', ' NaN'),
    (INF, 'float8', '999.99', ' ###.##'),
    (-INF, 'float8', '999.99', '-###.##'),
    (NAN, 'float8', '9.99EEEE', ' #.######'),
    (INF, 'float8', '9999999999', '   Infinity'),
    (123456789012.345, 'float8', '999999999999.999999', ' 123456789012.345'),
    (-0.0, 'float8', '9.99', ' -.00'),
    (1e+20, 'float8', 'RN', '###############'),
    (NAN, 'float8', '999TH', ('22P02', '"NaN" is not a number')),
    (1.5, 'float8', 'FM999999999999990.0000000', '1.5000000'),
    (1e+300, 'float8', '9.9EEEE', ' 1.0e+300'),
    (2.5, 'float8', 'RN', '             II'),
    (0.1, 'float8', '9.99999999999999999999', '  .10000000000000'),
    (1.5, 'float4', '9.9', ' 1.5'),
    (3.14159265, 'float4', '9.99999999', ' 3.14159'),
    (10000000000.0, 'float4', '99999999999', ' 10000000000'),
    (0.1, 'float4', '9.999999999', '  .10000'),
    (1.5, 'float4', '9V99', ' 150'),
    (10000000000.0, 'float4', 'RN', '###############'),
    (1, 'int4', '9.9.9', ('42601', 'multiple decimal points')),
    (1, 'int4', 'S9S', ('42601', 'cannot use "S" twice')),
    (1, 'int4', 'S9MI', ('42601', 'cannot use "S" and "MI" together')),
    (1, 'int4', 'S9PL', ('42601', 'cannot use "S" and "PL" together')),
    (1, 'int4', 'S9SG', ('42601', 'cannot use "S" and "SG" together')),
    (1, 'int4', '9PR9', ('42601', '"9" must be ahead of "PR"')),
    (1, 'int4', '9PR0', ('42601', '"0" must be ahead of "PR"')),
    (1, 'int4', 'MI9PR', ('42601', 'cannot use "PR" and "S"/"PL"/"MI"/"SG" together')),
    (1, 'int4', '9V9.9', ('42601', 'cannot use "V" and decimal point together')),
    (1, 'int4', '9.9V9', ('42601', 'cannot use "V" and decimal point together')),
    (1, 'int4', '9.99EEEEEEEE', ('42601', 'cannot use "EEEE" twice')),
    (1, 'int4', 'FM9.99EEEE', ('42601', '"EEEE" is incompatible with other formats')),
    (1, 'int4', '9.99EEEE9', ('42601', '"EEEE" must be the last pattern used')),
    (1, 'int4', 'PR9', ('42601', '"9" must be ahead of "PR"')),
]
# (text, format, PostgreSQL's answer as text, or (sqlstate, message), or None for NULL)
TO_NUMBER = [
    ('1,234.5', '9,999.9', '1234.5'),
    ('-12', 'S99', '-12'),
    ('12-', '99S', '-12'),
    ('<12>', '99PR', '-12'),
    ('$ 12', 'L99', '12'),
    ('12', '9V9', '1.2000000000000000'),
    ('12', '9V99', '0.1200000000000000'),
    ('1st', '9TH', '1'),
    ('abc', '999', ('22P02', 'invalid input syntax for type numeric: " "')),
    ('12', '', None),
    ('1', '9.9EEEE', ('0A000', '"EEEE" not supported for input')),
    ('XIV', 'RN', ('0A000', '"RN" not supported for input')),
    ('12345', '99.999', ('22003', 'numeric field overflow')),
    ('1.2345', '9.99', '1.23'),
    ('-0', '9', '0'),
    ('1 2', '9 9', '12'),
    ('12.5-', '99.9MI', '-12.5'),
    ('+5', 'SG9', '5'),
    ('0012', '9999', '12'),
    ('1,234', 'FM9G999', '123'),
    ('1,234', '9G999', '1234'),
    ('12.5', '99D9', '12.5'),
    ('5.01-', 'FM9.999999MI', '-5.01'),
    ('é12', 'L99', '12'),
]


@pytest.mark.parametrize("value, kind, fmt, expected", TO_CHAR)
def test_to_char_answers_as_postgresql(value, kind, fmt, expected):
    if isinstance(expected, tuple):
        with pytest.raises(NumberFormatError) as e:
            to_char(value, kind, fmt)
        assert (e.value.sqlstate, str(e.value)) == expected
    else:
        assert to_char(value, kind, fmt) == expected


@pytest.mark.parametrize("text, fmt, expected", TO_NUMBER)
def test_to_number_answers_as_postgresql(text, fmt, expected):
    if isinstance(expected, tuple):
        with pytest.raises(NumberFormatError) as e:
            to_number(text, fmt)
        assert (e.value.sqlstate, str(e.value)) == expected
    elif expected is None:
        assert to_number(text, fmt) is None  # an empty format gives NULL
    else:
        assert format(to_number(text, fmt), "f") == expected


@pytest.mark.parametrize("value", [Decimal("-1234.565"), "-1234.565", " -1234.565 "])
def test_a_numeric_may_be_a_decimal_or_its_text(value):
    assert to_char(value, "num", "FM9G999D99") == "-1,234.57"  # half away from zero


def test_float4_is_rounded_to_single_precision_and_shows_six_digits():
    assert to_char(16777217, "float4", "99999999") == " 16777216"
    assert to_char(0.1, "float4", "9.9999999999") == to_char(0.1, "float4", "9.999999") == "  .10000"


def test_to_number_keeps_the_scale_it_read():
    assert to_number("1.20", "9.99").as_tuple().exponent == -2
    assert to_number("12", "9V9") == Decimal("1.2")


def test_the_error_is_a_value_error_with_the_sqlstate():
    with pytest.raises(ValueError) as e:
        to_char(1, "int4", "S9S")
    assert e.value.sqlstate == "42601"
