"""PostgreSQL's conversions to smallint, integer and bigint, for values SQLite holds.

The rounding depends on the type the value comes from, which SQLite no longer knows
(numeric and float8 are both REALs there), so the translator passes it along:

* numeric (`2.5::int`, a numeric(6,2) column, a literal `2.5` stored into an integer
  column): rounded half away from zero, 2.5 -> 3, -2.5 -> -3;
* float8 / float4 (`2.5::float8::int`, a float8 column): rint, half to even, 2.5 -> 2;
* text and unknown literals (`'1.5'::int`): integer input syntax only, else 22P02;
* beyond the target's range: 22003 ("integer out of range"), as is NaN or infinity.

Pure: no SQLite, no I/O. Errors are `values.InputError` with the SQLSTATE.
"""

from __future__ import annotations

import math
import re
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal, InvalidOperation

from compute_node.pg_sql.values import InputError

TYPE_NAME_BY_BITS = {16: "smallint", 32: "integer", 64: "bigint"}
SOURCES = ("num", "float", "int", "text", "")  # "" when the translator cannot tell
_INTEGER_TEXT = re.compile(r"^\s*[+-]?\d+\s*$")


def _out_of_range(bits: int) -> InputError:
    return InputError("22003", f"{TYPE_NAME_BY_BITS[bits]} out of range")


def _checked(v: int, bits: int) -> int:
    bound = 1 << (bits - 1)
    if not -bound <= v < bound:
        raise _out_of_range(bits)
    return v


def _rounded(d: Decimal, bits: int, source: str) -> int:
    if not d.is_finite():
        raise _out_of_range(bits)
    if d.adjusted() > 40:  # far beyond bigint; no need to build the integer
        raise _out_of_range(bits)
    mode = ROUND_HALF_EVEN if source == "float" else ROUND_HALF_UP
    return _checked(int(d.to_integral_value(rounding=mode)), bits)


def to_int(value, bits: int, source: str):
    """`value` converted to an integer of `bits` (16, 32, 64) as PostgreSQL converts a
    value of kind `source` (see SOURCES); None stays None."""
    assert bits in TYPE_NAME_BY_BITS and source in SOURCES, (bits, source)
    if value is None:
        return None
    if isinstance(value, int):
        return _checked(value, bits)
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            raise _out_of_range(bits)
        if source == "float":  # a float8: its exact binary value, rounded half to even (rint)
            return _rounded(Decimal(value), bits, "float")
        # A numeric held as a REAL: its repr is the shortest text that reads back as it,
        # which is the decimal the numeric was.
        return _rounded(Decimal(repr(value)), bits, "num")
    text = value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
    if source in ("num", "float"):  # a numeric kept exact as text (beyond what a double holds)
        try:
            return _rounded(Decimal(text.strip()), bits, source)
        except InvalidOperation:
            pass
    if not _INTEGER_TEXT.match(text):
        raise InputError("22P02", f'invalid input syntax for type {TYPE_NAME_BY_BITS[bits]}: "{text}"')
    bound = 1 << (bits - 1)
    if not -bound <= int(text) < bound:  # (text input names the text: int4in, not int4 arithmetic)
        raise InputError("22003", f'value "{text}" is out of range for type {TYPE_NAME_BY_BITS[bits]}')
    return int(text)


__all__ = ["SOURCES", "TYPE_NAME_BY_BITS", "to_int"]
