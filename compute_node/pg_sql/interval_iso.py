"""ISO 8601 intervals as PostgreSQL 15 reads and shows them. Pure.

Input ('P1Y2M3DT4H5M6.5S', 'P0001-02-03T04:05:06', 'PT-1.5S'): a port of
`DecodeISO8601Interval` and the Adjust* helpers of datetime.c, with their double
arithmetic for fractions, so that 'P1.5M' is 1 mon 15 days and 'P0.5D' 12:00:00 as
there. PostgreSQL tries its own format first and this one only when that fails; a text
beginning with 'P' is never its own format, so `parse` serves every such text.

Output: `EncodeInterval` with IntervalStyle iso_8601 ('P1Y2M3DT4H5M6.5S', 'PT0S' for
zero), which a session chooses with SET intervalstyle = iso_8601 (Ruby on Rails does at
connect).
"""

from __future__ import annotations

import math
import re

from compute_node.pg_sql.temporal import US_PER_S, Interval, TemporalError

_INT32_MIN, _INT32_MAX = -2**31, 2**31 - 1
_INT64_MIN, _INT64_MAX = -2**63, 2**63 - 1
_US_PER_HOUR, _US_PER_MINUTE, _US_PER_DAY = 3600 * US_PER_S, 60 * US_PER_S, 86_400 * US_PER_S
_DAYS_PER_MONTH = 30
# What C's strtod reads (decimal forms; PostgreSQL also lets only a digit, '-' or '.' begin one).
_NUMBER = re.compile(r"-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_DBL_MIN = 2.2250738585072014e-308


class _BadFormat(Exception):
    pass


class _Overflow(Exception):
    pass


class _Fields:
    """PostgreSQL's pg_itm_in: years, months and days in 32 bits, microseconds in 64."""

    def __init__(self) -> None:
        self.year = self.mon = self.mday = self.usec = 0

    @staticmethod
    def _i32(v: int) -> int:
        if not _INT32_MIN <= v <= _INT32_MAX:
            raise _Overflow
        return v

    @staticmethod
    def _i64(v: int) -> int:
        if not _INT64_MIN <= v <= _INT64_MAX:
            raise _Overflow
        return v

    def years(self, val: int, frac: float) -> None:  # AdjustYears, AdjustFractYears
        self.year = self._i32(self.year + self._i32(val))
        self.mon = self._i32(self.mon + int(round(frac * 12)))

    def months(self, val: int, frac: float) -> None:  # AdjustMonths, AdjustFractDays(frac, 30)
        self.mon = self._i32(self.mon + self._i32(val))
        self.fract_days(frac, _DAYS_PER_MONTH)

    def days(self, val: int, scale: int, frac: float) -> None:  # AdjustDays, then the fraction
        self.mday = self._i32(self.mday + self._i32(self._i32(val) * scale))
        if scale == 1:
            self.fract_us(frac, _US_PER_DAY)
        else:
            self.fract_days(frac, scale)

    def fract_days(self, frac: float, scale: int) -> None:
        if frac == 0:
            return
        frac *= scale
        extra = int(frac)
        self.mday = self._i32(self.mday + extra)
        self.fract_us(frac - extra, _US_PER_DAY)

    def fract_us(self, frac: float, scale: int) -> None:  # AdjustFractMicroseconds
        if frac == 0:
            return
        frac *= scale
        us = int(frac)
        us += int(round(frac - us))
        self.usec = self._i64(self.usec + us)

    def micro(self, val: int, frac: float, scale: int) -> None:  # AdjustMicroseconds
        self.usec = self._i64(self.usec + self._i64(val * scale))
        self.fract_us(frac, scale)


def _number(text: str, pos: int) -> tuple[int, float, int]:
    """ParseISO8601Number: (integer part, fraction, end) of the number at `pos`."""
    m = _NUMBER.match(text, pos)
    if not m:
        raise _BadFormat
    val = float(m.group(0))
    mantissa = re.sub(r"[eE].*", "", m.group(0))
    if math.isinf(val) or (0 < abs(val) < _DBL_MIN) or (val == 0 and mantissa.strip("-0.") != ""):
        raise _BadFormat  # strtod's ERANGE
    if val < -1.0e15 or val > 1.0e15:
        raise _Overflow
    ipart = math.floor(val) if val >= 0 else -math.floor(-val)
    return int(ipart), val - ipart, m.end()


def _digits_width(text: str, pos: int) -> int:
    """ISO8601IntegerWidth: the digits of the number at `pos`, after its '-'."""
    if text[pos:pos + 1] == "-":
        pos += 1
    end = pos
    while end < len(text) and text[end].isdigit():
        end += 1
    return end - pos


def _decode(text: str) -> _Fields:
    f = _Fields()
    if len(text) < 2 or text[0] != "P":
        raise _BadFormat
    pos, n = 1, len(text)
    datepart, havefield = True, False
    for _ in range(n + 1):  # every turn consumes at least one character
        if pos >= n:
            return f
        if text[pos] == "T":
            datepart, havefield = False, False
            pos += 1
            continue
        start = pos
        val, frac, pos = _number(text, pos)
        unit = text[pos] if pos < n else ""
        pos += 1
        if datepart:
            if unit == "Y":
                f.years(val, frac)
            elif unit == "M":
                f.months(val, frac)
            elif unit == "W":
                f.days(val, 7, frac)
            elif unit == "D":
                f.days(val, 1, frac)
            elif unit in ("T", "", "-"):
                if unit != "-" and _digits_width(text, start) == 8 and not havefield:  # basic: YYYYMMDD
                    f.years(_trunc_div(val, 10000), 0.0)
                    f.months(_trunc_mod(_trunc_div(val, 100), 100), 0.0)
                    f.days(_trunc_mod(val, 100), 1, frac)
                    if unit == "":
                        return f
                    datepart, havefield = False, False
                    continue
                if havefield:  # extended: YYYY-MM-DD
                    raise _BadFormat
                f.years(val, frac)
                if unit == "":
                    return f
                if unit == "T":
                    datepart, havefield = False, False
                    continue
                val, frac, pos = _number(text, pos)
                f.months(val, frac)
                if pos >= n:
                    return f
                if text[pos] == "T":
                    datepart, havefield = False, False
                    pos += 1
                    continue
                if text[pos] != "-":
                    raise _BadFormat
                val, frac, pos = _number(text, pos + 1)
                f.days(val, 1, frac)
                if pos >= n:
                    return f
                if text[pos] == "T":
                    datepart, havefield = False, False
                    pos += 1
                    continue
                raise _BadFormat
            else:
                raise _BadFormat
        else:
            if unit == "H":
                f.micro(val, frac, _US_PER_HOUR)
            elif unit == "M":
                f.micro(val, frac, _US_PER_MINUTE)
            elif unit == "S":
                f.micro(val, frac, US_PER_S)
            elif unit in ("", ":"):
                if unit == "" and _digits_width(text, start) == 6 and not havefield:  # basic: hhmmss
                    f.micro(_trunc_div(val, 10000), 0.0, _US_PER_HOUR)
                    f.micro(_trunc_mod(_trunc_div(val, 100), 100), 0.0, _US_PER_MINUTE)
                    f.micro(_trunc_mod(val, 100), 0.0, US_PER_S)
                    f.fract_us(frac, 1)
                    return f
                if havefield:  # extended: hh:mm:ss
                    raise _BadFormat
                f.micro(val, frac, _US_PER_HOUR)
                if unit == "":
                    return f
                val, frac, pos = _number(text, pos)
                f.micro(val, frac, _US_PER_MINUTE)
                if pos >= n:
                    return f
                if text[pos] != ":":
                    raise _BadFormat
                val, frac, pos = _number(text, pos + 1)
                f.micro(val, frac, US_PER_S)
                if pos >= n:
                    return f
                raise _BadFormat
            else:
                raise _BadFormat
        havefield = True
    raise AssertionError("the ISO 8601 interval loop consumes a character every turn")


def _trunc_div(a: int, b: int) -> int:
    """C's integer division (toward zero)."""
    q = abs(a) // b
    return q if a >= 0 else -q


def _trunc_mod(a: int, b: int) -> int:
    """C's % (the sign of `a`)."""
    return a - _trunc_div(a, b) * b


def parse(text: str) -> Interval:
    """The interval an ISO 8601 text (beginning with 'P') stands for; TemporalError 22007,
    22015 or 22008 as PostgreSQL's interval input fails."""
    try:
        f = _decode(text)
    except _BadFormat:
        raise TemporalError("22007", f'invalid input syntax for type interval: "{text}"') from None
    except _Overflow:
        raise TemporalError("22015", f'interval field value out of range: "{text}"') from None
    months = f.year * 12 + f.mon
    if not _INT32_MIN <= months <= _INT32_MAX:
        raise TemporalError("22008", "interval out of range")
    return Interval(months, f.mday, f.usec)


def _part(value: int, unit: str) -> str:
    return f"{value}{unit}" if value else ""


def format_iso(iv: Interval) -> str:
    """EncodeInterval with IntervalStyle iso_8601."""
    year, mon = _trunc_div(iv.months, 12), _trunc_mod(iv.months, 12)
    hour = _trunc_div(iv.us, _US_PER_HOUR)
    rest = iv.us - hour * _US_PER_HOUR
    minute = _trunc_div(rest, _US_PER_MINUTE)
    rest -= minute * _US_PER_MINUTE
    sec = _trunc_div(rest, US_PER_S)
    fsec = rest - sec * US_PER_S
    if not (year or mon or iv.days or hour or minute or sec or fsec):
        return "PT0S"
    out = "P" + _part(year, "Y") + _part(mon, "M") + _part(iv.days, "D")
    if hour or minute or sec or fsec:
        out += "T"
    out += _part(hour, "H") + _part(minute, "M")
    if sec or fsec:
        frac = ("." + f"{abs(fsec):06d}".rstrip("0")) if fsec else ""
        out += ("-" if sec < 0 or fsec < 0 else "") + f"{abs(sec)}{frac}S"
    return out
