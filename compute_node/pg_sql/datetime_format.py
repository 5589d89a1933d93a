"""PostgreSQL 15's datetime templates: to_char(timestamp[tz], text), to_char(interval, text),
to_timestamp(text, text) and to_date(text, text). A port of the DCH half of
src/backend/utils/adt/formatting.c. Pure.

The keyword table keeps PostgreSQL's order, so the longest keyword wins where several share a start
('SSSSS' before 'SSSS' before 'SS', 'HH24' before 'HH'). Modifiers: the FM and TM prefixes, the TH / th
and SP suffixes (SP is accepted and ignored, as in PostgreSQL), FX, double-quoted literals with
backslash escapes, and separators. Month and day names are those of the C locale (lc_time = C).

The session time zone is always UTC: to_char prints 'UTC' for TZ of a timestamptz (nothing for a
timestamp) and a zero offset for TZH / TZM / OF; to_timestamp reads a value without TZH / TZM as UTC.
As in PostgreSQL 15, TZ and OF cannot be parsed.

An interval is formatted from its broken-down fields (interval2itm: years and months from the months, the
days as they are, hours without a bound, minutes, seconds, microseconds; each keeps the sign C's division
gives it), with DDD showing (years * 12 + months) * 30 + days and no BC adjustment of years. Fields tied to
a calendar date (month and day names, D, ID, AD / BC, TZ, TZH, TZM, OF) are refused with 22007. A time is
formatted as the interval it casts to, as PostgreSQL 15 has no to_char(time).

Dates use PostgreSQL's internal year numbering in the *_fields / *_micros / *_days functions: year 0
is 1 BC, -1 is 2 BC. The datetime-based functions cover years 1 to 9999, as Python does; a result
outside them is refused with 22008.

Errors are `DatetimeFormatError(sqlstate, message)` with PostgreSQL's message text.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from compute_node.pg_sql.values import InputError

__all__ = ["DatetimeFormatError", "to_char", "to_char_fields", "interval_to_char", "to_timestamp",
           "to_timestamp_micros", "to_date", "to_date_days"]

POSTGRES_EPOCH_JDATE = 2451545
USECS_PER_DAY = 86_400_000_000
USECS_PER_HOUR, USECS_PER_MINUTE, USECS_PER_SEC = 3_600_000_000, 60_000_000, 1_000_000
MIN_TIMESTAMP = -211813488000000000
END_TIMESTAMP = 9223371331200000000
MIN_DATE = -POSTGRES_EPOCH_JDATE
END_DATE = 2147483494 - POSTGRES_EPOCH_JDATE
INT_MIN, INT_MAX = -2**31, 2**31 - 1
MAX_TZDISP_HOUR = 15
_EPOCH = dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc)


class DatetimeFormatError(InputError):
    """A PostgreSQL error raised by to_char / to_timestamp / to_date: `sqlstate`, PostgreSQL's message
    and its hint (None when it gives none)."""

    def __init__(self, sqlstate: str, message: str, hint: str | None = None):
        super().__init__(sqlstate, message)
        self.message = message
        self.hint = hint


def _invalid(message: str) -> DatetimeFormatError:
    return DatetimeFormatError("22007", message)


# ---------------------------------------------------------------------------------------------------------
# Keywords, suffixes and the format parser (parse_format)
# ---------------------------------------------------------------------------------------------------------

_NONE, _GREGORIAN, _ISOWEEK = 0, 1, 2
_S_FM, _S_TH, _S_th, _S_SP, _S_TM = 0x01, 0x02, 0x04, 0x08, 0x10
_PREFIXES = (("FM", _S_FM), ("fm", _S_FM), ("TM", _S_TM), ("tm", _S_TM))
_POSTFIXES = (("TH", _S_TH), ("th", _S_th), ("SP", _S_SP))


@dataclass(frozen=True)
class _Key:
    """One DCH keyword: its text, the action it selects, whether its value is digits, its date convention."""

    name: str
    id: str
    is_digit: bool
    mode: int


def _keywords() -> tuple[_Key, ...]:
    """DCH_keywords: the upper-case block, then the lower-case one (which lacks 'Day', 'Dy', 'Month', 'Mon')."""
    g, i, n = _GREGORIAN, _ISOWEEK, _NONE
    upper = [("A.D.", "A_D", 0, n), ("A.M.", "A_M", 0, n), ("AD", "AD", 0, n), ("AM", "AM", 0, n),
             ("B.C.", "B_C", 0, n), ("BC", "BC", 0, n), ("CC", "CC", 1, n), ("DAY", "DAY", 0, n),
             ("DDD", "DDD", 1, g), ("DD", "DD", 1, g), ("DY", "DY", 0, n), ("Day", "Day", 0, n),
             ("Dy", "Dy", 0, n), ("D", "D", 1, g)]
    upper += [(f"FF{k}", f"FF{k}", 1, n) for k in range(1, 7)]
    upper += [("FX", "FX", 0, n), ("HH24", "HH24", 1, n), ("HH12", "HH12", 1, n), ("HH", "HH", 1, n),
              ("IDDD", "IDDD", 1, i), ("ID", "ID", 1, i), ("IW", "IW", 1, i), ("IYYY", "IYYY", 1, i),
              ("IYY", "IYY", 1, i), ("IY", "IY", 1, i), ("I", "I", 1, i), ("J", "J", 1, n), ("MI", "MI", 1, n),
              ("MM", "MM", 1, g), ("MONTH", "MONTH", 0, g), ("MON", "MON", 0, g), ("MS", "MS", 1, n),
              ("Month", "Month", 0, g), ("Mon", "Mon", 0, g), ("OF", "OF", 0, n), ("P.M.", "P_M", 0, n),
              ("PM", "PM", 0, n), ("Q", "Q", 1, n), ("RM", "RM", 0, g), ("SSSSS", "SSSS", 1, n),
              ("SSSS", "SSSS", 1, n), ("SS", "SS", 1, n), ("TZH", "TZH", 0, n), ("TZM", "TZM", 1, n),
              ("TZ", "TZ", 0, n), ("US", "US", 1, n), ("WW", "WW", 1, g), ("W", "W", 1, g),
              ("Y,YYY", "Y_YYY", 1, g), ("YYYY", "YYYY", 1, g), ("YYY", "YYY", 1, g), ("YY", "YY", 1, g),
              ("Y", "Y", 1, g)]
    cased = {"A_D", "A_M", "AD", "AM", "B_C", "BC", "DAY", "DY", "MONTH", "MON", "P_M", "PM", "RM", "TZ"}
    lower = [(name.lower(), kid.lower() if kid in cased else kid, digit, mode)
             for name, kid, digit, mode in upper if name.upper() == name]
    return tuple(_Key(name, kid, bool(digit), mode) for name, kid, digit, mode in upper + lower)


_KEYWORDS = _keywords()

_ACTION, _CHAR, _SEPARATOR, _SPACE = "action", "char", "separator", "space"
_C_SPACES = " \t\n\v\f\r"


@dataclass(frozen=True)
class _Node:
    """A parsed format item: a keyword with its suffix bits, or one literal / separator / space character."""

    type: str
    key: _Key | None = None
    suffix: int = 0
    char: str = ""


def _keyword_at(fmt: str, pos: int) -> _Key | None:
    """index_seq_search: the first keyword, in table order, that fmt continues with at pos."""
    first = fmt[pos]
    for key in _KEYWORDS:
        if key.name[0] == first and fmt.startswith(key.name, pos):
            return key
    return None


def _suffix_at(fmt: str, pos: int, table: tuple) -> tuple[str, int] | None:
    for text, bit in table:
        if fmt.startswith(text, pos):
            return text, bit
    return None


def _is_separator_char(ch: str) -> bool:
    """ASCII printable, but neither a letter nor a digit."""
    return 0x20 < ord(ch) < 0x7F and not ch.isalnum()


def _quoted(fmt: str, pos: int, nodes: list[_Node]) -> int:
    """A double-quoted literal starting after the opening quote; returns the position after it."""
    while pos < len(fmt):
        if fmt[pos] == '"':
            return pos + 1
        if fmt[pos] == "\\" and pos + 1 < len(fmt):
            pos += 1
        nodes.append(_Node(_CHAR, char=fmt[pos]))
        pos += 1
    return pos


def _plain_char(fmt: str, pos: int) -> tuple[_Node, int]:
    """One character outside quotes (a backslash only escapes a following double quote)."""
    if fmt[pos] == "\\" and fmt[pos + 1:pos + 2] == '"':
        pos += 1
    ch = fmt[pos]
    kind = _SEPARATOR if _is_separator_char(ch) else _SPACE if ch in _C_SPACES else _CHAR
    return _Node(kind, char=ch), pos + 1


def _parse_format(fmt: str) -> list[_Node]:
    """parse_format for DCH: keywords with their prefix / postfix modifiers, literals and separators."""
    nodes: list[_Node] = []
    pos = 0
    while pos < len(fmt):
        suffix = 0
        prefix = _suffix_at(fmt, pos, _PREFIXES)
        if prefix:
            suffix, pos = prefix[1], pos + 2
        key = _keyword_at(fmt, pos) if pos < len(fmt) else None
        if key:
            pos += len(key.name)
            postfix = _suffix_at(fmt, pos, _POSTFIXES)
            if postfix:
                suffix, pos = suffix | postfix[1], pos + 2
            nodes.append(_Node(_ACTION, key, suffix))
        elif pos < len(fmt) and fmt[pos] == '"':
            pos = _quoted(fmt, pos + 1, nodes)
        elif pos < len(fmt):
            node, pos = _plain_char(fmt, pos)
            nodes.append(node)
    return nodes


# ---------------------------------------------------------------------------------------------------------
# Calendar arithmetic (datetime.c / timestamp.c)
# ---------------------------------------------------------------------------------------------------------

def _tdiv(a: int, b: int) -> int:
    """C integer division (truncates toward zero)."""
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b >= 0) else -q


def _tmod(a: int, b: int) -> int:
    """C remainder (takes the sign of the dividend)."""
    return a - _tdiv(a, b) * b


def _i32(x: int) -> int:
    x &= 0xFFFFFFFF
    return x - 2**32 if x >= 2**31 else x


def _isleap(y: int) -> bool:
    return y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)


def _date2j(y: int, m: int, d: int) -> int:
    if m > 2:
        m, y = m + 1, y + 4800
    else:
        m, y = m + 13, y + 4799
    century = _tdiv(y, 100)
    julian = y * 365 - 32167 + _tdiv(y, 4) - century + _tdiv(century, 4) + _tdiv(7834 * m, 256) + d
    return _i32(julian)


def _j2date(jd: int) -> tuple[int, int, int]:
    """j2date, with its unsigned 32-bit arithmetic."""
    mask = 0xFFFFFFFF
    julian = (jd + 32044) & mask
    quad = julian // 146097
    extra = ((julian - quad * 146097) * 4 + 3) & mask
    julian = (julian + 60 + quad * 3 + extra // 146097) & mask
    quad = julian // 1461
    julian = (julian - quad * 1461) & mask
    y = _i32(julian * 4 // 1461)
    julian = ((julian + 305) % 365 if y != 0 else (julian + 306) % 366) + 123
    y = _i32(y + quad * 4)
    quad = julian * 2141 // 65536
    return y - 4800, (quad + 10) % 12 + 1, julian - 7834 * quad // 256


def _j2day(jd: int) -> int:
    return (jd + 1) % 7


def _isoweek_start(year: int) -> int:
    """The Julian day of the Monday of ISO week 1 (the week holding January 4th)."""
    day4 = _date2j(year, 1, 4)
    return _i32(day4 - _j2day(day4 - 1))


def _isoweek2j(year: int, week: int) -> int:
    return _i32((week - 1) * 7 + _isoweek_start(year))


def _date2isoweek_year(year: int, mon: int, mday: int) -> tuple[int, int]:
    """date2isoweek and date2isoyear together: (ISO week, ISO year), in C's 32-bit arithmetic (an interval's
    fields can make any of these days, and the day before week 1, wrap or come out negative)."""
    dayn = _date2j(year, mon, mday)
    start = _isoweek_start(year)
    if dayn < start:
        year -= 1
        start = _isoweek_start(year)
    week = _tdiv(_i32(dayn - start), 7) + 1
    if week >= 52:
        following = _isoweek_start(year + 1)
        if dayn >= following:
            week, year = _tdiv(_i32(dayn - following), 7) + 1, year + 1
    return week, year


def _date2isoyearday(year: int, mon: int, mday: int) -> int:
    iso_year = _date2isoweek_year(year, mon, mday)[1]
    return _i32(_date2j(year, mon, mday) - _isoweek2j(iso_year, 1) + 1)


def _adjust_year(year: int, interval: bool = False) -> int:
    """ADJUST_YEAR: there is no year 0, so 1 BC is stored as 0 and printed as 1; an interval's years print
    as they are."""
    return -(year - 1) if year <= 0 and not interval else year


# ---------------------------------------------------------------------------------------------------------
# to_char (DCH_to_char)
# ---------------------------------------------------------------------------------------------------------

_MONTHS_FULL = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
                "October", "November", "December")
_MONTHS = tuple(m[:3] for m in _MONTHS_FULL)
_DAYS = ("Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")
_DAYS_SHORT = tuple(d[:3] for d in _DAYS)
_RM_UPPER = ("XII", "XI", "X", "IX", "VIII", "VII", "VI", "V", "IV", "III", "II", "I")
_RM_LOWER = tuple(r.lower() for r in _RM_UPPER)
# INVALID_FOR_INTERVAL: the keywords (ids in upper case) to_char refuses for an interval
_NOT_FOR_INTERVAL = frozenset({"A_D", "B_C", "AD", "BC", "MONTH", "MON", "DAY", "DY", "D", "ID",
                               "TZ", "TZH", "TZM", "OF"})


@dataclass(frozen=True)
class _Tm:
    """The broken-down value to_char works from: a timestamp's date and time (year 0 is 1 BC; zone is None
    for a timestamp), or, with interval set, an interval's signed fields (hour unbounded)."""

    year: int
    mon: int
    mday: int
    hour: int = 0
    min: int = 0
    sec: int = 0
    fsec: int = 0
    zone: str | None = None
    interval: bool = False

    @property
    def julian(self) -> int:
        return _date2j(self.year, self.mon, self.mday)

    @property
    def wday(self) -> int:
        return (self.julian + 1) % 7

    @property
    def yday(self) -> int:
        """The day of the year; for an interval its approximate span in days, a month counting 30."""
        if self.interval:
            return _i32((self.year * 12 + self.mon) * 30 + self.mday)
        return self.julian - _date2j(self.year, 1, 1) + 1

    @property
    def iso(self) -> tuple[int, int]:
        return _date2isoweek_year(self.year, self.mon, self.mday)


def _pad(value: int, width: int, fm: bool) -> str:
    """sprintf("%0*d"): zero-padded to width (after the sign), unless fill mode or width 0."""
    return str(value) if fm or not width else f"{value:0{width}d}"


def _signed_pad(value: int, width: int, fm: bool) -> str:
    """A field zero-padded to width, one wider when negative (an interval's -5 minutes print as '-05')."""
    return _pad(value, width if value >= 0 else width + 1, fm)


def _hour12(t: _Tm, fm: bool) -> str:
    """HH / HH12: the hour on a 12-hour clock, even for an interval (C's remainder keeps the sign)."""
    return _pad(_tmod(t.hour, 12) or 12, 2 if t.hour >= 0 else 3, fm)


def _century(year: int) -> int:
    return (year - 1) // 100 + 1 if year > 0 else _tdiv(year, 100) - 1


def _cc(t: _Tm, fm: bool) -> str:
    """CC: the century (21 for 2001-2100, -1 for 100 BC-1 BC); an interval's years divided by 100."""
    i = _tdiv(t.year, 100) if t.interval else _century(t.year)
    return _signed_pad(i, 2, fm) if -99 <= i <= 99 else str(i)


def _y_yyy(t: _Tm, _fm: bool) -> str:
    year = _adjust_year(t.year, t.interval)
    millennia = _tdiv(year, 1000)
    return f"{millennia},{year - millennia * 1000:03d}"


def _year_digits(iso: bool, width: int, modulo: int | None = None):
    """YYYY / YYY / YY / Y (and the ISO years): the year, or its last digits. YYYY, YYY and YY are one wider
    when the value's own year is negative (an interval's), whichever year is shown; Y is always '%1d'."""
    def digits(t: _Tm, fm: bool) -> str:
        year = _adjust_year(t.iso[1] if iso else t.year, t.interval)
        shown = _tmod(year, modulo) if modulo else year
        wider = width > 1 and _adjust_year(t.year, t.interval) < 0
        return _pad(shown, width + 1 if wider else width, fm)
    return digits


def _fraction(divisor: int, width: int):
    return lambda t, _fm: f"{_tdiv(t.fsec, divisor):0{width}d}"


_NUMBERS = {
    "HH": _hour12, "HH12": _hour12, "HH24": lambda t, fm: _signed_pad(t.hour, 2, fm),
    "MI": lambda t, fm: _signed_pad(t.min, 2, fm), "SS": lambda t, fm: _signed_pad(t.sec, 2, fm),
    "SSSS": lambda t, _fm: str(t.hour * 3600 + t.min * 60 + t.sec),
    "FF1": _fraction(100000, 1), "FF2": _fraction(10000, 2), "FF3": _fraction(1000, 3), "MS": _fraction(1000, 3),
    "FF4": _fraction(100, 4), "FF5": _fraction(10, 5), "FF6": _fraction(1, 6), "US": _fraction(1, 6),
    "MM": lambda t, fm: _signed_pad(t.mon, 2, fm), "DD": lambda t, fm: _pad(t.mday, 2, fm),
    "DDD": lambda t, fm: _pad(t.yday, 3, fm),
    "IDDD": lambda t, fm: _pad(_date2isoyearday(t.year, t.mon, t.mday), 3, fm),
    "D": lambda t, _fm: str(t.wday + 1), "ID": lambda t, _fm: str(t.wday or 7),
    "WW": lambda t, fm: _pad(_tdiv(_i32(t.yday - 1), 7) + 1, 2, fm), "IW": lambda t, fm: _pad(t.iso[0], 2, fm),
    "Q": lambda t, _fm: str(_tdiv(t.mon - 1, 3) + 1) if t.mon else "",
    "W": lambda t, _fm: str(_tdiv(_i32(t.mday - 1), 7) + 1),
    "J": lambda t, _fm: str(t.julian), "CC": _cc, "Y_YYY": _y_yyy,
    "YYYY": _year_digits(False, 4), "IYYY": _year_digits(True, 4),
    "YYY": _year_digits(False, 3, 1000), "IYY": _year_digits(True, 3, 1000),
    "YY": _year_digits(False, 2, 100), "IY": _year_digits(True, 2, 100),
    "Y": _year_digits(False, 1, 10), "I": _year_digits(True, 1, 10),
}


def _ordinal(digits: str, upper: bool) -> str:
    """get_th: ST / ND / RD / TH for the last digit; 'teens' always take TH."""
    last = digits[-1]
    if len(digits) > 1 and digits[-2] == "1":
        last = "0"
    suffix = {"1": "st", "2": "nd", "3": "rd"}.get(last, "th")
    return suffix.upper() if upper else suffix


def _styled(word: str, kid: str) -> str:
    """NAME / Name / name after the case of the keyword (ids keep the case they were written in)."""
    return word.upper() if kid.isupper() else word.lower() if kid.islower() else word


def _name(word: str, node: _Node, width: int) -> str:
    """A month or day name; the full names are blank-padded to 9 unless FM or TM is given."""
    text = _styled(word, node.key.id)
    return text if node.suffix & (_S_FM | _S_TM) else text.ljust(width)


def _offset(node: _Node) -> str:
    """TZH, TZM and OF: the session zone is UTC, so the offset is always zero."""
    if node.key.id == "TZM":
        return "00"
    return "+" + _pad(0, 2, node.key.id == "OF" and bool(node.suffix & _S_FM))


def _word_for(t: _Tm, kid: str) -> str:
    """The era and meridiem indicators in the keyword's own spelling (with or without periods)."""
    if kid.upper() in ("A_D", "B_C", "AD", "BC"):
        word = "BC" if t.year <= 0 else "AD"
    else:
        word = "PM" if _tmod(t.hour, 24) >= 12 else "AM"
    if "_" in kid:
        word = f"{word[0]}.{word[1]}."
    return word.lower() if kid.islower() else word


def _roman_month(t: _Tm, node: _Node) -> str:
    """RM: the month in Roman numerals, blank-padded to 4 unless FM. An interval of whole years shows XII (I
    when negative), a negative month -1 XII, -2 XI and so on; nothing when it has no months nor years."""
    if not t.mon and not t.year:
        return ""
    if t.mon == 0:
        index = 0 if t.year >= 0 else 11
    else:
        index = -(t.mon + 1) if t.mon < 0 else 12 - t.mon
    numeral = (_RM_UPPER if node.key.id == "RM" else _RM_LOWER)[index]
    return numeral if node.suffix & _S_FM else numeral.ljust(4)


def _text_item(t: _Tm, node: _Node) -> str:
    kid = node.key.id
    upper = kid.upper()
    if upper in ("MONTH", "DAY"):
        return _name(_MONTHS_FULL[t.mon - 1] if upper == "MONTH" else _DAYS[t.wday], node, 9)
    if upper in ("MON", "DY"):
        return _name(_MONTHS[t.mon - 1] if upper == "MON" else _DAYS_SHORT[t.wday], node, 0)
    if upper == "RM":
        return _roman_month(t, node)
    if upper == "TZ":
        return (t.zone or "").lower() if kid == "tz" else t.zone or ""
    if upper in ("TZH", "TZM", "OF"):
        return _offset(node)
    if upper == "FX":
        return ""
    return _word_for(t, kid)


def _format(nodes: list[_Node], t: _Tm) -> str:
    out = []
    for node in nodes:
        if node.type != _ACTION:
            out.append(node.char)
        elif t.interval and node.key.id.upper() in _NOT_FOR_INTERVAL:
            raise DatetimeFormatError("22007", "invalid format specification for an interval value",
                                      "Intervals are not tied to specific calendar dates.")
        elif node.key.id in _NUMBERS:
            digits = _NUMBERS[node.key.id](t, bool(node.suffix & _S_FM))
            if digits and node.suffix & (_S_TH | _S_th):
                digits += _ordinal(digits, bool(node.suffix & _S_TH))
            out.append(digits)
        else:
            out.append(_text_item(t, node))
    return "".join(out)


def to_char_fields(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0,
                   microsecond: int = 0, zone: str | None = None, fmt: str = "") -> str | None:
    """to_char over broken-down fields (year 0 is 1 BC); zone is the TZ text ('UTC') or None for a timestamp.

    Returns None for an empty format, as PostgreSQL returns NULL."""
    if not fmt:
        return None
    return _format(_parse_format(fmt), _Tm(year, month, day, hour, minute, second, microsecond, zone))


def interval_to_char(months: int, days: int, micros: int, fmt: str) -> str | None:
    """PostgreSQL 15's to_char(interval, text) for an interval of `months` months, `days` days and `micros`
    microseconds (each may be negative, as PostgreSQL keeps them); None for an empty format."""
    if not fmt:
        return None
    hours, rest = _tdiv(micros, USECS_PER_HOUR), _tmod(micros, USECS_PER_HOUR)
    minutes, rest = _tdiv(rest, USECS_PER_MINUTE), _tmod(rest, USECS_PER_MINUTE)
    seconds, fsec = _tdiv(rest, USECS_PER_SEC), _tmod(rest, USECS_PER_SEC)
    t = _Tm(_tdiv(months, 12), _tmod(months, 12), days, hours, minutes, seconds, fsec, interval=True)
    return _format(_parse_format(fmt), t)


def to_char(value: dt.datetime | dt.date | dt.time, kind: str, fmt: str) -> str | None:
    """PostgreSQL's to_char for a timestamp, timestamptz, date or time; kind is 'timestamp', 'timestamptz',
    'date' or 'time'.

    A date is formatted as the timestamptz it is cast to (midnight UTC). A time is formatted as the interval
    it is cast to (its time since midnight; any zone is dropped), as PostgreSQL 15 has no to_char(time). An
    aware timestamp is shown in UTC. Returns None for an empty format (PostgreSQL's NULL)."""
    if isinstance(value, dt.time):
        seconds = (value.hour * 60 + value.minute) * 60 + value.second
        return interval_to_char(0, 0, seconds * USECS_PER_SEC + value.microsecond, fmt)
    if not isinstance(value, dt.datetime):
        value = dt.datetime(value.year, value.month, value.day)
    if value.tzinfo is not None:
        value = value.astimezone(dt.timezone.utc)
    zone = "UTC" if kind in ("timestamptz", "date") else None
    return to_char_fields(value.year, value.month, value.day, value.hour, value.minute, value.second,
                          value.microsecond, zone, fmt)


# ---------------------------------------------------------------------------------------------------------
# to_timestamp / to_date: reading the input (DCH_from_char)
# ---------------------------------------------------------------------------------------------------------

_AMPM = ("am", "pm", "AM", "PM")
_AMPM_LONG = ("a.m.", "p.m.", "A.M.", "P.M.")
_ADBC = ("ad", "bc", "AD", "BC")
_ADBC_LONG = ("a.d.", "b.c.", "A.D.", "B.C.")
_SPACE_BYTES = frozenset(b" \t\n\v\f\r")
_SCANNER_SPACES = frozenset(b" \t\n\r\f")
_DIGITS = frozenset(b"0123456789")


def _is_separator_byte(b: int) -> bool:
    return 0x20 < b < 0x7F and not chr(b).isalnum()


def _mblen(b: int) -> int:
    """pg_mblen for UTF-8, from the first byte."""
    if b < 0x80:
        return 1
    return 2 if b & 0xE0 == 0xC0 else 3 if b & 0xF0 == 0xE0 else 4 if b & 0xF8 == 0xF0 else 1


def _strtol(s: bytes, pos: int) -> tuple[int, int]:
    """C strtol (base 10) from pos: (value, end); end is pos when no digits were read."""
    q = pos
    while q < len(s) and s[q] in _SPACE_BYTES:
        q += 1
    negative = q < len(s) and s[q] == 0x2D
    if q < len(s) and s[q] in b"+-":
        q += 1
    start = q
    while q < len(s) and s[q] in _DIGITS:
        q += 1
    if q == start:
        return 0, pos
    value = int(s[start:q])
    return (-value if negative else value), q


def _scan_y_yyy(s: bytes, pos: int) -> tuple[int, int, int] | None:
    """sscanf(s, "%d,%03d%n"): (millennia, years, characters used), or None when fewer than two matched."""
    millennia, q = _strtol(s, pos)
    if q == pos or s[q:q + 1] != b",":
        return None
    q += 1
    while q < len(s) and s[q] in _SPACE_BYTES:
        q += 1
    start, sign = q, 1
    if q < len(s) and s[q] in b"+-":
        sign, q = (-1 if s[q] == 0x2D else 1), q + 1
    digits_from = q
    while q < len(s) and q - start < 3 and s[q] in _DIGITS:
        q += 1
    if q == digits_from:
        return None
    return millennia, sign * int(s[digits_from:q]), q - pos


@dataclass
class _FromChar:
    """TmFromChar: the fields read from the input, 0 meaning 'not given'. d is 1-7 from Sunday; yysz is how
    many digits the year keyword had; clock12 is set by HH / HH12 / AM / PM; ff is the FFn precision."""

    mode: int = _NONE
    hh: int = 0
    pm: int = 0
    mi: int = 0
    ss: int = 0
    ssss: int = 0
    d: int = 0
    dd: int = 0
    ddd: int = 0
    mm: int = 0
    ms: int = 0
    year: int = 0
    bc: int = 0
    ww: int = 0
    w: int = 0
    cc: int = 0
    j: int = 0
    us: int = 0
    yysz: int = 0
    clock12: int = 0
    tzsign: int = 0
    tzh: int = 0
    tzm: int = 0
    ff: int = 0


class _Reader:
    """DCH_from_char: walks the format nodes over the input bytes, filling a _FromChar."""

    def __init__(self, text: str, nodes: list[_Node]):
        self.s = text.encode("utf-8")
        self.pos = 0
        self.nodes = nodes
        self.out = _FromChar()
        self.fx_mode = False
        self.extra_skip = 0

    # -- helpers ------------------------------------------------------------------------------------------

    def _text(self, raw: bytes) -> str:
        return raw.decode("utf-8", "replace")

    def _skip_spaces(self) -> None:
        while self.pos < len(self.s) and self.s[self.pos] in _SPACE_BYTES:
            self.pos += 1
            self.extra_skip += 1

    def _set_int(self, field: str, value: int, node: _Node) -> None:
        current = getattr(self.out, field)
        if current != 0 and current != value:
            raise _invalid(f'conflicting values for "{node.key.name}" field in formatting string')
        setattr(self.out, field, value)

    def _is_next_separator(self, index: int) -> bool:
        node = self.nodes[index]
        if node.suffix & (_S_TH | _S_th):
            return True
        if index + 1 >= len(self.nodes):
            return True
        following = self.nodes[index + 1]
        if following.type == _ACTION:
            return not following.key.is_digit
        return not (len(following.char) == 1 and following.char in "0123456789")

    def _int(self, field: str | None, length: int, index: int) -> int:
        """from_char_parse_int_len: returns the number of bytes used (leading spaces included)."""
        node, s, init = self.nodes[index], self.s, self.pos
        pos = init
        while pos < len(s) and s[pos] in _SPACE_BYTES:
            pos += 1
        copy = s[pos:pos + length]
        name = node.key.name
        if node.suffix & _S_FM or self._is_next_separator(index):
            value, pos = _strtol(s, init)
        else:
            if len(s) - pos < length:
                raise _invalid(f'source string too short for "{name}" formatting field')
            value, used = _strtol(copy, 0)
            if 0 < used < length:
                raise _invalid(f'invalid value "{self._text(copy)}" for "{name}"')
            pos += used
        if pos == init:
            raise _invalid(f'invalid value "{self._text(copy)}" for "{name}"')
        if not INT_MIN <= value <= INT_MAX:
            raise DatetimeFormatError("22008", f'value for "{name}" in source string is out of range')
        if field:
            self._set_int(field, value, node)
        self.pos = pos
        return pos - init

    def _search(self, words: tuple[str, ...], node: _Node) -> int:
        """from_char_seq_search: the first word the input starts with, ignoring ASCII case."""
        rest = self.s[self.pos:]
        for index, word in enumerate(words):
            raw = word.encode()
            if rest[:len(raw)].lower() == raw.lower():
                self.pos += len(raw)
                return index
        cut = next((i for i, b in enumerate(rest) if b in _SCANNER_SPACES), len(rest))
        raise _invalid(f'invalid value "{self._text(rest[:cut])}" for "{node.key.name}"')

    def _skip_th(self, node: _Node) -> None:
        if node.suffix & (_S_TH | _S_th):
            for _ in range(2):
                if self.pos < len(self.s):
                    self.pos += _mblen(self.s[self.pos])

    # -- the walk -----------------------------------------------------------------------------------------

    def run(self) -> _FromChar:
        for index, node in enumerate(self.nodes):
            if self.pos >= len(self.s):
                break
            is_fx = node.type == _ACTION and node.key.id == "FX"
            if not self.fx_mode and not is_fx and (node.type == _ACTION or index == 0):
                self._skip_spaces()
            if node.type in (_SPACE, _SEPARATOR):
                self._separator()
            elif node.type == _CHAR:
                self._literal()
            else:
                self._field(index, node)
        return self.out

    def _separator(self) -> None:
        """Outside FX a format space or separator matches one input space or separator, or nothing."""
        if self.fx_mode:
            self.pos += _mblen(self.s[self.pos])
            return
        self.extra_skip -= 1
        if self.pos < len(self.s) and (self.s[self.pos] in _SPACE_BYTES or _is_separator_byte(self.s[self.pos])):
            self.pos += 1
            self.extra_skip += 1

    def _literal(self) -> None:
        """A literal consumes one input character, unless extra characters were skipped before it."""
        if not self.fx_mode and self.extra_skip > 0:
            self.extra_skip -= 1
        else:
            self.pos += _mblen(self.s[self.pos])

    def _field(self, index: int, node: _Node) -> None:
        mode = node.key.mode
        if mode != _NONE:
            if self.out.mode == _NONE:
                self.out.mode = mode
            elif self.out.mode != mode:
                raise _invalid("invalid combination of date conventions")
        _FIELD_READERS[node.key.id.upper()](self, index, node)
        if not self.fx_mode:
            self.extra_skip = 0
            self._skip_spaces()

    # -- one method per kind of field -----------------------------------------------------------------------

    def _fx(self, _index: int, _node: _Node) -> None:
        self.fx_mode = True

    def _meridiem(self, _index: int, node: _Node) -> None:
        words = _AMPM_LONG if "_" in node.key.id else _AMPM
        self._set_int("pm", self._search(words, node) % 2, node)
        self.out.clock12 = 1

    def _era(self, _index: int, node: _Node) -> None:
        words = _ADBC_LONG if "_" in node.key.id else _ADBC
        self._set_int("bc", self._search(words, node) % 2, node)

    def _hour(self, index: int, node: _Node) -> None:
        self._int("hh", 2, index)
        if node.key.id != "HH24":
            self.out.clock12 = 1
        self._skip_th(node)

    def _fraction(self, index: int, node: _Node) -> None:
        kid = node.key.id
        if kid == "MS":
            used = self._int("ms", 3, index)
            self.out.ms *= 100 if used == 1 else 10 if used == 2 else 1
        else:
            if kid != "US":
                self.out.ff = int(kid[2])
            used = self._int("us", 6 if kid == "US" else self.out.ff, index)
            self.out.us *= 10 ** (6 - used) if used < 6 else 1
        self._skip_th(node)

    def _unsupported(self, _index: int, node: _Node) -> None:
        raise DatetimeFormatError("0A000", f'formatting field "{node.key.name}" is only supported in to_char')

    def _tz_sign(self) -> None:
        """A leading '+', '-' or ' ' gives the sign; else a '-' skipped as a separator just before does."""
        s, pos = self.s, self.pos
        if pos < len(s) and s[pos] in b"+- ":
            self.out.tzsign = -1 if s[pos] == 0x2D else 1
            self.pos += 1
        else:
            self.out.tzsign = -1 if self.extra_skip > 0 and s[pos - 1] == 0x2D else 1

    def _tzh(self, index: int, _node: _Node) -> None:
        self._tz_sign()
        self._int("tzh", 2, index)

    def _tzm(self, index: int, _node: _Node) -> None:
        if not self.out.tzsign:
            self.out.tzsign = 1
        self._int("tzm", 2, index)

    def _month_name(self, _index: int, node: _Node) -> None:
        words = _MONTHS_FULL if node.key.id.upper() == "MONTH" else _MONTHS
        self._set_int("mm", self._search(words, node) + 1, node)

    def _day_name(self, _index: int, node: _Node) -> None:
        words = _DAYS if node.key.id.upper() == "DAY" else _DAYS_SHORT
        self._set_int("d", self._search(words, node), node)
        self.out.d += 1

    def _roman_month(self, _index: int, node: _Node) -> None:
        self._set_int("mm", 12 - self._search(_RM_LOWER, node), node)

    def _iso_day(self, index: int, node: _Node) -> None:
        self._int("d", 1, index)
        self.out.d = self.out.d + 1 if self.out.d < 7 else 1
        self._skip_th(node)

    def _y_yyy(self, _index: int, node: _Node) -> None:
        scanned = _scan_y_yyy(self.s, self.pos)
        if scanned is None:
            raise _invalid('invalid input string for "Y,YYY"')
        millennia, years, used = scanned
        self._set_int("year", _i32(years + millennia * 1000), node)
        self.out.yysz = 4
        self.pos += used
        self._skip_th(node)

    def _year(self, index: int, node: _Node) -> None:
        used = self._int("year", len(node.key.name), index)
        digits = len(node.key.name)
        if digits < 4 and used < 4:
            self.out.year = _adjust_partial_year(self.out.year)
        self.out.yysz = digits
        self._skip_th(node)


def _plain(field: str | None, length: int | None = None):
    """A reader for a plain integer field, as wide as its keyword unless length is given."""
    def read(reader: _Reader, index: int, node: _Node) -> None:
        reader._int(field, length or len(node.key.name), index)
        reader._skip_th(node)
    return read


def _adjust_partial_year(year: int) -> int:
    """Years of one to three digits move toward 2020: 70-99 are 19xx, 0-69 and 100-519 20xx, 520-999 1xxx."""
    if year < 70:
        return year + 2000
    if year < 100:
        return year + 1900
    if year < 520:
        return year + 2000
    return year + 1000 if year < 1000 else year


_FIELD_READERS = {
    "FX": _Reader._fx, "TZ": _Reader._unsupported, "OF": _Reader._unsupported,
    "AM": _Reader._meridiem, "PM": _Reader._meridiem, "A_M": _Reader._meridiem, "P_M": _Reader._meridiem,
    "AD": _Reader._era, "BC": _Reader._era, "A_D": _Reader._era, "B_C": _Reader._era,
    "HH": _Reader._hour, "HH12": _Reader._hour, "HH24": _Reader._hour, "MI": _plain("mi"), "SS": _plain("ss"),
    "SSSS": _plain("ssss"), "MS": _Reader._fraction, "US": _Reader._fraction, "TZH": _Reader._tzh,
    "TZM": _Reader._tzm, "MONTH": _Reader._month_name, "MON": _Reader._month_name, "MM": _plain("mm"),
    "RM": _Reader._roman_month, "DAY": _Reader._day_name, "DY": _Reader._day_name, "DDD": _plain("ddd"),
    "IDDD": _plain("ddd", 3), "DD": _plain("dd"), "D": _plain("d"), "ID": _Reader._iso_day, "WW": _plain("ww"),
    "IW": _plain("ww"), "W": _plain("w"), "Q": _plain(None), "J": _plain("j"), "CC": _plain("cc"),
    "Y_YYY": _Reader._y_yyy, "YYYY": _Reader._year, "YYY": _Reader._year, "YY": _Reader._year, "Y": _Reader._year,
    "IYYY": _Reader._year, "IYY": _Reader._year, "IY": _Reader._year, "I": _Reader._year,
}
_FIELD_READERS.update({f"FF{k}": _Reader._fraction for k in range(1, 7)})


# ---------------------------------------------------------------------------------------------------------
# to_timestamp / to_date: from the fields read to a date and time (do_to_timestamp)
# ---------------------------------------------------------------------------------------------------------

_YEAR, _MONTH, _DAY = 1, 2, 4
_DATE_M = _YEAR | _MONTH | _DAY
_DAY_TAB = ((31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31), (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31))
_YSUM = ((0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365),
         (0, 31, 60, 91, 121, 152, 182, 213, 244, 274, 305, 335, 366))


@dataclass
class _Parsed:
    """do_to_timestamp's result: the broken-down local time, its UTC offset in seconds west (or None),
    and the fractional precision given by FF1..FF6 (0 when none was)."""

    year: int = 0
    mon: int = 1
    mday: int = 1
    hour: int = 0
    min: int = 0
    sec: int = 0
    fsec: int = 0
    tz: int | None = None
    fprec: int = 0
    fmask: int = 0


def _field_overflow(text: str) -> DatetimeFormatError:
    return DatetimeFormatError("22008", f'date/time field value out of range: "{text}"')


def _set_time(f: _FromChar, r: _Parsed) -> None:
    """SSSS first, then HH / MI / SS over it; then the 12-hour clock."""
    if f.ssss:
        r.hour, rest = _tdiv(f.ssss, 3600), _tmod(f.ssss, 3600)
        r.min, r.sec = _tdiv(rest, 60), _tmod(rest, 60)
    r.sec = f.ss or r.sec
    r.min = f.mi or r.min
    r.hour = f.hh or r.hour
    if f.clock12:
        if not 1 <= r.hour <= 12:
            raise _invalid(f'hour "{r.hour}" is invalid for the 12-hour clock')
        if f.pm and r.hour < 12:
            r.hour += 12
        elif not f.pm and r.hour == 12:
            r.hour = 0


def _set_year(f: _FromChar, r: _Parsed) -> None:
    """YYYY (or a shorter year inside the CC century), BC, or the first year of CC alone."""
    cc = -f.cc if f.bc else f.cc
    if f.year and f.cc and f.yysz <= 2:
        r.year = _tmod(f.year, 100)
        if r.year:
            r.year = r.year + (cc - 1) * 100 if cc >= 0 else (cc + 1) * 100 - r.year + 1
        else:
            r.year = cc * 100 + (0 if cc >= 0 else 1)
    elif f.year:
        r.year = -f.year if f.bc else f.year
        r.year += 1 if r.year < 0 else 0
    elif f.cc:
        r.year = (cc - 1) * 100 + 1 if cc >= 0 else cc * 100 + 1
    else:
        return
    r.year = _i32(r.year)
    r.fmask |= _YEAR


def _set_day_of_year(f: _FromChar, r: _Parsed) -> None:
    """DDD (or IDDD) sets the month and day when those were not given."""
    if not r.year and not f.bc:
        raise _invalid("cannot calculate day of year without year information")
    if f.mode == _ISOWEEK:
        r.year, r.mon, r.mday = _j2date(_isoweek2j(r.year, 1) - 1 + f.ddd)
        r.fmask |= _DATE_M
        return
    sums = _YSUM[_isleap(r.year)]
    month = next((i for i in range(1, 13) if f.ddd <= sums[i]), 13)
    if r.mon <= 1:
        r.mon = month
    if r.mday <= 1:
        r.mday = f.ddd - sums[month - 1]
    r.fmask |= _MONTH | _DAY


def _set_date(f: _FromChar, r: _Parsed) -> None:
    """J, the ISO or Gregorian week, W, DD, MM and DDD, in PostgreSQL's order."""
    if f.j:
        r.year, r.mon, r.mday = _j2date(f.j)
        r.fmask |= _DATE_M
    if f.ww:
        if f.mode == _ISOWEEK:
            day = _isoweek2j(r.year, f.ww) + ((f.d - 2 if f.d > 1 else 6) if f.d else 0)
            r.year, r.mon, r.mday = _j2date(_i32(day))
            r.fmask |= _DATE_M
        else:
            f.ddd = _i32((f.ww - 1) * 7 + 1)
    if f.w:
        f.dd = _i32((f.w - 1) * 7 + 1)
    if f.dd:
        r.mday = f.dd
        r.fmask |= _DAY
    if f.mm:
        r.mon = f.mm
        r.fmask |= _MONTH
    if f.ddd and (r.mon <= 1 or r.mday <= 1):
        _set_day_of_year(f, r)


def _validate(r: _Parsed, text: str) -> None:
    """ValidateDate for the fields given, then the time of day."""
    bad_month = r.fmask & _MONTH and not 1 <= r.mon <= 12
    bad_day = r.fmask & _DAY and not 1 <= r.mday <= 31
    if bad_month or bad_day:
        raise _field_overflow(text)
    if r.fmask & _DATE_M == _DATE_M and r.mday > _DAY_TAB[_isleap(r.year)][r.mon - 1]:
        raise _field_overflow(text)
    if not (0 <= r.hour < 24 and 0 <= r.min < 60 and 0 <= r.sec < 60 and 0 <= r.fsec < 1_000_000):
        raise _field_overflow(text)


def _set_zone(f: _FromChar, r: _Parsed, text: str) -> None:
    """TZH / TZM as an offset in seconds west of UTC."""
    if not f.tzsign:
        return
    if not (0 <= f.tzh <= MAX_TZDISP_HOUR and 0 <= f.tzm < 60):
        raise DatetimeFormatError("22009", f'time zone displacement out of range: "{text}"')
    east = (f.tzh * 60 + f.tzm) * 60
    r.tz = -east if f.tzsign > 0 else east


def _do_to_timestamp(text: str, fmt: str) -> _Parsed:
    f = _Reader(text, _parse_format(fmt)).run() if fmt else _FromChar()
    r = _Parsed()
    _set_time(f, r)
    _set_year(f, r)
    _set_date(f, r)
    r.fsec = f.ms * 1000 + f.us
    r.fprec = f.ff
    _validate(r, text)
    _set_zone(f, r, text)
    return r


def _valid_julian(year: int, mon: int) -> bool:
    return (year > -4713 or (year == -4713 and mon >= 11)) and (year < 5874898 or (year == 5874898 and mon < 6))


def _round_micros(value: int, precision: int) -> int:
    """AdjustTimestampForTypmod: round to the given number of fractional digits, halves away from zero."""
    scale = 10 ** (6 - precision)
    rounded = (abs(value) + scale // 2) // scale * scale
    return rounded if value >= 0 else -rounded


def to_timestamp_micros(text: str, fmt: str) -> int:
    """to_timestamp(text, text) as microseconds since 2000-01-01 00:00 UTC, over PostgreSQL's whole range."""
    r = _do_to_timestamp(text, fmt)
    if not _valid_julian(r.year, r.mon):
        raise DatetimeFormatError("22008", "timestamp out of range")
    days = _date2j(r.year, r.mon, r.mday) - POSTGRES_EPOCH_JDATE
    micros = days * USECS_PER_DAY + ((r.hour * 60 + r.min) * 60 + r.sec) * 1_000_000 + r.fsec
    micros += (r.tz or 0) * 1_000_000
    if not MIN_TIMESTAMP <= micros < END_TIMESTAMP:
        raise DatetimeFormatError("22008", "timestamp out of range")
    return _round_micros(micros, r.fprec) if r.fprec else micros


def to_date_days(text: str, fmt: str) -> int:
    """to_date(text, text) as days since 2000-01-01, over PostgreSQL's whole range."""
    r = _do_to_timestamp(text, fmt)
    out_of_range = DatetimeFormatError("22008", f'date out of range: "{text}"')
    if not _valid_julian(r.year, r.mon):
        raise out_of_range
    days = _date2j(r.year, r.mon, r.mday) - POSTGRES_EPOCH_JDATE
    if not MIN_DATE <= days < END_DATE:
        raise out_of_range
    return days


def to_timestamp(text: str, fmt: str) -> dt.datetime:
    """PostgreSQL's to_timestamp(text, text): an aware datetime in UTC (years 1 to 9999 only)."""
    micros = to_timestamp_micros(text, fmt)
    try:
        return _EPOCH + dt.timedelta(microseconds=micros)
    except OverflowError:
        raise DatetimeFormatError("22008", "timestamp out of range") from None


def to_date(text: str, fmt: str) -> dt.date:
    """PostgreSQL's to_date(text, text) (years 1 to 9999 only)."""
    days = to_date_days(text, fmt)
    try:
        return dt.date(2000, 1, 1) + dt.timedelta(days=days)
    except OverflowError:
        raise DatetimeFormatError("22008", f'date out of range: "{text}"') from None
