"""PostgreSQL's float8in and float4in, for text cast to double precision or real.

SQLite's CAST(x AS REAL) reads the longest numeric prefix and gives 0.0 for the rest:
'abc' -> 0, '2.5x' -> 2.5, 'Infinity' -> 0. PostgreSQL accepts a number with optional
surrounding whitespace, or Infinity / inf / NaN in any case with an optional sign, and
refuses anything else (22P02); a number beyond the type's range is 22003.

NaN is refused with 0A000: SQLite stores a NaN as NULL, which would be another answer.
Pure: no SQLite, no I/O. Errors are `values.InputError` with the SQLSTATE.
"""

from __future__ import annotations

import math
import re
import struct

from compute_node.pg_sql.types import to_single
from compute_node.pg_sql.values import InputError

TYPE_NAME_BY_BITS = {32: "real", 64: "double precision"}
FLOAT4_MAX = 3.4028234663852886e38
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
_INFINITY = {"inf": math.inf, "+inf": math.inf, "infinity": math.inf, "+infinity": math.inf,
             "-inf": -math.inf, "-infinity": -math.inf}
_NAN = {"nan", "+nan", "-nan"}


def text_to_float(text: str, bits: int) -> float:
    """`text`::real (bits 32) or ::double precision (64), as PostgreSQL reads it."""
    t = text.strip()
    low = t.lower()
    if low in _INFINITY:
        return _INFINITY[low]
    if low in _NAN:
        raise InputError("0A000", "Sixfold cannot hold a float NaN (SQLite stores it as NULL)")
    if not _NUMBER.match(t):
        raise InputError("22P02", f'invalid input syntax for type {TYPE_NAME_BY_BITS[bits]}: "{text}"')
    f = float(t)
    mantissa = t.lower().split("e")[0]
    underflow = f == 0.0 and any(c in "123456789" for c in mantissa)
    if math.isinf(f) or underflow or (bits == 32 and (abs(f) > FLOAT4_MAX or f != 0.0 and to_single(f) == 0.0)):
        raise InputError("22003", f'"{t}" is out of range for type {TYPE_NAME_BY_BITS[bits]}')
    return f


def as_float4(f: float) -> float:
    """`f` rounded to the nearest single-precision value (what a real column holds); beyond
    real's range, or too small for it to be anything but 0, 22003, as PostgreSQL's
    float8 -> float4 conversion."""
    if math.isinf(f) or math.isnan(f):
        return f
    try:
        out = to_single(f)
    except (OverflowError, struct.error):
        raise InputError("22003", "value out of range: overflow") from None
    if out == 0.0 and f != 0.0:
        raise InputError("22003", "value out of range: underflow")
    return out


def to_float4(value):
    """A value stored into a real column: a number rounded to single precision, text read
    as real input first; None stays None."""
    if value is None:
        return None
    return as_float4(float(value) if isinstance(value, (int, float)) else to_float(value, 32))


def to_float(value, bits: int):
    """A value SQLite holds cast to real / double precision; None stays None."""
    assert bits in TYPE_NAME_BY_BITS, bits
    if value is None:
        return None
    if isinstance(value, (int, float)):
        return float(value)
    return text_to_float(value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value), bits)


__all__ = ["as_float4", "text_to_float", "to_float", "to_float4"]
