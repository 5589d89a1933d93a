"""PostgreSQL's date, time, timestamp, timestamptz and interval: input, canonical text,
arithmetic and the common functions (extract, date_trunc, age; to_char is datetime_format.py). Pure.

How Sixfold stores them (SQLite has no such types; values are text that sorts right):
- date: 'YYYY-MM-DD'
- time: 'HH:MM:SS[.ffffff]'
- timestamp: 'YYYY-MM-DD HH:MM:SS[.ffffff]'
- timestamptz: the same in UTC with '+00' (the session time zone is always UTC)
- interval: PostgreSQL's output text ('1 year 2 mons 3 days 04:05:06')
Fractions print without trailing zeros, as PostgreSQL prints them. BC dates and
'infinity' are refused (22008 / 0A000) rather than stored as something else.

Errors are `TemporalError(sqlstate, message)`; the SQLite functions turn them into
PostgreSQL's errors.
"""

from __future__ import annotations

import calendar
import math
import datetime as dt
import functools
import operator
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from sixfold import errors
from sixfold.constants import COLLATION_KEYS_CACHED_MAX

US_PER_S = 1_000_000
US_PER_DAY = 86_400 * US_PER_S
UTC = dt.timezone.utc

TYPE_LABEL = {"date": "date", "time": "time without time zone", "timestamp": "timestamp without time zone",
              "timestamptz": "timestamp with time zone", "interval": "interval", "timetz": "time with time zone"}


class TemporalError(ValueError):
    def __init__(self, sqlstate: str, message: str):
        super().__init__(message)
        self.sqlstate = sqlstate


def _bad(kind: str, text) -> TemporalError:
    digits = str(text).strip()
    if kind in ("date", "timestamp", "timestamptz") and digits.isascii() and digits.isdigit() and (
            len(digits) <= 2 and not 1 <= int(digits) <= 12 or len(digits) == 7 or len(digits) > 8):
        # a lone number PostgreSQL reads as a field: a month (1-12) wants the rest (22007);
        # otherwise, or seven or more than eight digits, the field is out of range
        return _range(text)
    label = {"timestamp": "timestamp", "timestamptz": "timestamp with time zone"}.get(kind, TYPE_LABEL.get(kind, kind))
    return TemporalError("22007", f'invalid input syntax for type {label}: "{text}"')


def _range(text) -> TemporalError:
    return TemporalError("22008", f'date/time field value out of range: "{text}"')


@dataclass(frozen=True)
class Interval:
    months: int = 0
    days: int = 0
    us: int = 0

    def __neg__(self) -> "Interval":
        return Interval(-self.months, -self.days, -self.us)

    def __add__(self, o: "Interval") -> "Interval":
        return Interval(self.months + o.months, self.days + o.days, self.us + o.us).checked()

    def __sub__(self, o: "Interval") -> "Interval":
        return self + (-o)

    def scale(self, f: float | Decimal | int, divide: bool = False) -> "Interval":
        """interval * f (or / f) as PostgreSQL's interval_mul and interval_div compute it,
        in double precision: whole months and days kept, their fractions cascaded down
        (a month is 30 days, a day 86,400 s), the time rounded to the microsecond."""
        f = float(f)
        if not math.isfinite(f):
            raise TemporalError("22008", "interval out of range")
        m = self.months / f if divide else self.months * f
        d = self.days / f if divide else self.days * f
        if not (-2**31 <= m < 2**31 and -2**31 <= d < 2**31):
            raise TemporalError("22008", "interval out of range")
        months, days = int(m), int(d)
        month_remainder_days = (m - months) * 30
        month_remainder_days = round(month_remainder_days * US_PER_S) / US_PER_S  # TSROUND, as PostgreSQL
        sec_remainder = (d - days + month_remainder_days - int(month_remainder_days)) * 86_400
        sec_remainder = round(sec_remainder * US_PER_S) / US_PER_S  # TSROUND
        if abs(sec_remainder) >= 86_400:
            whole = int(sec_remainder / 86_400)
            days += whole
            sec_remainder -= whole * 86_400
        days += int(month_remainder_days)
        t = (self.us / f if divide else self.us * f) + sec_remainder * US_PER_S
        if not math.isfinite(t) or abs(t) >= 2**63:
            raise TemporalError("22008", "interval out of range")
        return Interval(months, days, int(round(t))).checked()

    def checked(self) -> "Interval":
        """This interval, or 22008 when a field is beyond what PostgreSQL's interval holds
        (months and days in 32 bits, microseconds in 64)."""
        if not (-2**31 <= self.months < 2**31 and -2**31 <= self.days < 2**31 and -2**63 <= self.us < 2**63):
            raise TemporalError("22008", "interval out of range")
        return self


# --- input ---------------------------------------------------------------------------------
_DATE = re.compile(r"^\s*(\d{4,})-(\d{1,2})-(\d{1,2})")
_TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?")
_ZONE = re.compile(r"^\s*(?:(z|utc|gmt)|([+-])(\d{1,2})(?::?(\d{2}))?(?::?(\d{2}))?)\s*$", re.IGNORECASE)


_MONTH_NUMBERS = {name: i + 1 for i, name in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"))}
_MONTH_NAMES = {"january", "february", "march", "april", "may", "june", "july", "august", "september",
                "october", "november", "december", "sept"}
_WEEKDAYS = {"mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun", "monday", "tuesday",
             "wednesday", "thursday", "friday", "saturday", "sunday"}
_WORD_DATE_TOKEN = re.compile(r"\d+:\d[\d:.]*|[A-Za-z]+|\d+|[+-]\d[\d:]*", re.IGNORECASE)


def _iso_date_text(text: str) -> str | None:
    """PostgreSQL's other date spellings (DateStyle ISO, MDY) as ISO 'YYYY-MM-DD[ rest]',
    or None: a month's name with the day and year in any order ('Feb 29 2024',
    '29 Feb 2024', 'February 29, 2024', '2024-Feb-29', 'Thu Feb 29 10:30:00 2024'),
    'MM/DD/YYYY', 'YYYYMMDD' and 'YYMMDD'; a time and zone after them are kept."""
    t = text.strip()
    m = re.match(r"^(\d{1,2})/(\d{1,2})/(\d{4,})(.*)$", t)
    if m:
        return f"{m.group(3)}-{m.group(1)}-{m.group(2)}{m.group(4)}"
    m = re.match(r"^(\d{4})(\d{2})(\d{2})(\s.*)?$", t)
    if m:
        return f"{m.group(1)}-{m.group(2)}-{m.group(3)}{m.group(4) or ''}"
    m = re.match(r"^(\d{2})(\d{2})(\d{2})(\s.*)?$", t)  # YYMMDD: a two-digit year below 70 is 20YY, else 19YY
    if m:
        year = int(m.group(1)) + (2000 if int(m.group(1)) < 70 else 1900)
        return f"{year}-{m.group(2)}-{m.group(3)}{m.group(4) or ''}"
    if not re.search(r"[A-Za-z]{3}", t):
        return None
    t = re.sub(r"(?<=[A-Za-z])-|-(?=[A-Za-z])", " ", t)  # 2024-Feb-29
    month = year = day = None
    rest: list[str] = []
    for found in _WORD_DATE_TOKEN.finditer(t):
        tok = found.group(0)
        if tok[0] == "-" and found.start() > 0 and t[found.start() - 1].isdigit() and not rest:
            return None  # 'Dec 31 2000-1': a '-' right after a number continues that field
        low = tok.lower()
        if tok[0].isalpha():
            if month is None and (low[:3] in _MONTH_NUMBERS and (len(low) == 3 or low in _MONTH_NAMES)):
                month = _MONTH_NUMBERS[low[:3]]
            elif low in _WEEKDAYS and not rest:
                continue
            elif month is not None and year is not None and day is not None:
                rest.append(tok)  # a zone name after the date and time
            else:
                return None
        elif ":" in tok or tok[0] in "+-":
            rest.append(tok)
        elif year is None and (len(tok) >= 3 or (day is not None and month is not None and not rest)):
            year = int(tok) if len(tok) >= 3 else int(tok) + (2000 if int(tok) < 70 else 1900)  # 24 is 2024
        elif day is None and len(tok) <= 2:
            day = int(tok)
        else:
            return None
    if month is None or year is None or day is None:
        return None
    return f"{year:04d}-{month:02d}-{day:02d}" + ("".join(" " + r for r in rest))


def _fraction_us(frac: str | None) -> int:
    if not frac:
        return 0
    return int(round(int(frac) * 10 ** (6 - len(frac)))) if len(frac) <= 6 else int(round(float("0." + frac) * 1e6))


def _date_of(y: int, m: int, d: int, text) -> dt.date:
    try:
        return dt.date(y, m, d)
    except ValueError:
        if not (1 <= m <= 12 and 1 <= d <= 31):  # (PostgreSQL's month/day overflow: the order may be the fault)
            raise TemporalError("22008", f'date/time field value out of range: "{text}"{errors.HINT_MARK}'
                                         'Perhaps you need a different "datestyle" setting.') from None
        raise _range(text) from None


def _wall_clock() -> dt.datetime:
    return dt.datetime.now(UTC)


# What 'now' and 'today' read: functions.py makes it the current transaction's start (as
# now() is), so that 'now' twice in one transaction is one time, as in PostgreSQL.
transaction_now: Callable[[], dt.datetime] = _wall_clock


def parse_date(value) -> dt.date:
    text = str(value)
    low = text.strip().lower()
    if low in ("today", "now", "tomorrow", "yesterday"):
        return transaction_now().date() + dt.timedelta(days={"tomorrow": 1, "yesterday": -1}.get(low, 0))
    if low == "epoch":
        return dt.date(1970, 1, 1)
    if low in ("infinity", "-infinity"):
        raise TemporalError("0A000", "infinite dates are not supported")
    m = _DATE.match(text) or _DATE.match(_iso_date_text(text) or "")
    if not m:
        raise _bad("date", text)
    rest = m.string[m.end():]
    if rest.strip() and (rest[:1] == "-" or not re.match(  # ('2000-12-31-1': a fourth field of the date)
            r"^\s*(?:[tT]?\s*\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?)?\s*(z|utc|gmt|[+-]\d{1,2}(:?\d{2})?)?\s*$", rest,
            re.IGNORECASE)):
        raise _bad("date", text)
    return _date_of(int(m.group(1)), int(m.group(2)), int(m.group(3)), text)


_MERIDIEM = re.compile(r"\s*([ap])\.?m\.?$", re.IGNORECASE)


class _EndOfDay(dt.time):
    """time '24:00:00', PostgreSQL's end of the day, which dt.time cannot hold: midnight
    underneath, but hour 24 to everything that reads its fields (format_time, extract,
    to_char, the binary encoding) and after every other time in comparisons. Arithmetic
    that combines it with a date goes through `time_us` / `on_day` (datetime.combine
    would take its midnight)."""

    __slots__ = ()

    def __new__(cls):
        return super().__new__(cls, 0, 0)

    @property
    def hour(self) -> int:
        return 24

    def _compared(self, other, op):
        return op(time_us(self), time_us(other)) if isinstance(other, dt.time) else NotImplemented

    def __eq__(self, other):
        return self._compared(other, operator.eq)

    def __ne__(self, other):
        return self._compared(other, operator.ne)

    def __lt__(self, other):
        return self._compared(other, operator.lt)

    def __le__(self, other):
        return self._compared(other, operator.le)

    def __gt__(self, other):
        return self._compared(other, operator.gt)

    def __ge__(self, other):
        return self._compared(other, operator.ge)

    def __hash__(self):
        return hash(time_us(self))

    def __repr__(self):
        return "END_OF_DAY"


END_OF_DAY = _EndOfDay()


def time_us(t: dt.time) -> int:
    """A time as microseconds since midnight (24:00:00 is a whole day's)."""
    return ((t.hour * 60 + t.minute) * 60 + t.second) * US_PER_S + t.microsecond


def on_day(day: dt.date, t: dt.time) -> dt.datetime:
    """The timestamp of time `t` on `day` (24:00:00 is the next day's midnight)."""
    return dt.datetime.combine(day, dt.time()) + dt.timedelta(microseconds=time_us(t))


def parse_time(value) -> dt.time:
    text = str(value).strip()
    meridiem = _MERIDIEM.search(text)  # '1:02 pm' is 13:02, '12:30 am' 00:30; an hour past 12 is 22008
    if meridiem:
        text = text[:meridiem.start()]
    m = _TIME.match(text)
    if not m or text[m.end():].strip():
        raise _bad("time", value)
    h, mi, s = int(m.group(1)), int(m.group(2)), int(m.group(3) or 0)
    if meridiem:
        if h > 12:
            raise _range(value)
        h = h % 12 + (12 if meridiem.group(1).lower() == "p" else 0)
    us = _fraction_us(m.group(4))
    if h == 24 and mi == 0 and s == 0 and us == 0:
        return END_OF_DAY
    if h > 23 or mi > 59 or s > 59:
        raise _range(value)
    return dt.time(h, mi, s, min(us, US_PER_S - 1))


_TIMETZ_OFFSET = re.compile(r"^(.*?)\s*(?:([+-])(\d{1,2})(?::?(\d\d))?)?$")


def timetz(value, precision: int | None = None) -> str:
    """value::timetz [(p)]: a time with its UTC offset as PostgreSQL shows it ('10:00:00+02',
    '+05:30'); a timestamp or timestamptz gives its time of day in UTC (the only session
    time zone), a time without an offset takes +00."""
    text = str(value).strip()
    kind = sniff(text)
    if kind in ("timestamp", "timestamptz"):
        ts = parse_timestamp(text, kind == "timestamptz")
        clock, offset = format_time(ts.astimezone(UTC).time() if ts.tzinfo else ts.time()), "+00"
    else:
        m = _TIMETZ_OFFSET.match(text)
        if m is None or not m.group(1):
            raise _bad("time with time zone", value)
        try:
            clock = format_time(parse_time(m.group(1)))
        except TemporalError as e:
            if e.sqlstate != "22007":
                raise
            raise _bad("time with time zone", value) from None
        hours, minutes = int(m.group(3) or 0), int(m.group(4) or 0)
        if hours > 15 or minutes > 59:
            raise TemporalError("22009", f'time zone displacement out of range: "{value}"')
        offset = f"{m.group(2) or '+'}{hours:02d}" + (f":{minutes:02d}" if minutes else "")
        if offset == "-00":
            offset = "+00"
    if precision is not None:
        clock = with_precision(clock, "time", precision)
    return clock + offset


def timetz_order(a: str, b: str) -> int:
    """PostgreSQL's order of two time with time zone values (timetz_cmp): by the time in UTC
    (the clock less the offset, not wrapped around midnight), then the greater offset
    first; text that is not one sorts after every value, by its text."""
    ka, kb = _timetz_key(a), _timetz_key(b)
    return (ka > kb) - (ka < kb)


@functools.lru_cache(maxsize=COLLATION_KEYS_CACHED_MAX)
def _timetz_key(text: str) -> tuple:
    try:
        shown = timetz(text)
    except TemporalError:
        return (1, 0, 0, text)
    m = _TIMETZ_OFFSET.match(shown)
    clock = parse_time(m.group(1))
    offset_s = (1 if m.group(2) == "+" else -1) * (int(m.group(3)) * 3600 + int(m.group(4) or 0) * 60)
    micros = time_us(clock)
    return (0, micros - offset_s * 1_000_000, -offset_s, "")


def parse_timestamp(value, tz: bool) -> dt.datetime:
    """A timestamp (naive) or timestamptz (aware, UTC) from PostgreSQL's input forms."""
    kind = "timestamptz" if tz else "timestamp"
    if isinstance(value, dt.datetime):
        return value
    text = str(value)
    low = text.strip().lower()
    if low in ("now", "today", "epoch", "yesterday", "tomorrow"):
        now = transaction_now()
        base = {"now": now, "epoch": dt.datetime(1970, 1, 1, tzinfo=UTC),
                "today": now.replace(hour=0, minute=0, second=0, microsecond=0)}
        base["yesterday"] = base["today"] - dt.timedelta(days=1)
        base["tomorrow"] = base["today"] + dt.timedelta(days=1)
        out = base[low]
        return out if tz else out.replace(tzinfo=None)
    if low in ("infinity", "-infinity"):
        raise TemporalError("0A000", "infinite timestamps are not supported")
    m = _DATE.match(text) or _DATE.match(_iso_date_text(text) or "")
    if not m:
        raise _bad(kind, text)
    day = _date_of(int(m.group(1)), int(m.group(2)), int(m.group(3)), text)
    rest = m.string[m.end():]
    if rest[:1] == "-":  # '2000-12-31-1': a fourth field of the date, not a zone
        raise _bad(kind, text)
    rest = rest[1:] if rest[:1] in ("T", "t") else rest.lstrip()
    h = mi = s = us = 0
    if rest:
        tm = _TIME.match(rest)
        if tm:
            h, mi, s, us = int(tm.group(1)), int(tm.group(2)), int(tm.group(3) or 0), _fraction_us(tm.group(4))
            rest = rest[tm.end():]
    offset_s = 0
    if rest.strip():
        z = _ZONE.match(rest)
        if not z:
            raise _bad(kind, text)
        if not z.group(1):
            sign = -1 if z.group(2) == "-" else 1
            offset_s = sign * (int(z.group(3)) * 3600 + int(z.group(4) or 0) * 60 + int(z.group(5) or 0))
            if abs(offset_s) > 15 * 3600 + 59 * 60:
                raise TemporalError("22009", f'time zone displacement out of range: "{text}"')
    if h > 24 or mi > 59 or s > 60 or (h == 24 and (mi or s or us)):
        raise _range(text)
    naive = dt.datetime.combine(day, dt.time()) + dt.timedelta(hours=h, minutes=mi, seconds=s, microseconds=us)
    if tz:
        return (naive - dt.timedelta(seconds=offset_s)).replace(tzinfo=UTC)
    return naive  # PostgreSQL ignores a zone given to a timestamp without time zone


_UNITS = {
    "microsecond": ("us", 1), "microseconds": ("us", 1), "us": ("us", 1), "usec": ("us", 1), "usecs": ("us", 1),
    "millisecond": ("us", 1000), "milliseconds": ("us", 1000), "ms": ("us", 1000), "msec": ("us", 1000),
    "msecs": ("us", 1000),
    "second": ("us", US_PER_S), "seconds": ("us", US_PER_S), "sec": ("us", US_PER_S), "secs": ("us", US_PER_S),
    "s": ("us", US_PER_S),
    "minute": ("us", 60 * US_PER_S), "minutes": ("us", 60 * US_PER_S), "min": ("us", 60 * US_PER_S),
    "mins": ("us", 60 * US_PER_S), "m": ("us", 60 * US_PER_S),
    "hour": ("us", 3600 * US_PER_S), "hours": ("us", 3600 * US_PER_S), "hr": ("us", 3600 * US_PER_S),
    "hrs": ("us", 3600 * US_PER_S), "h": ("us", 3600 * US_PER_S),
    "day": ("days", 1), "days": ("days", 1), "d": ("days", 1),
    "week": ("days", 7), "weeks": ("days", 7), "w": ("days", 7),
    "month": ("months", 1), "months": ("months", 1), "mon": ("months", 1), "mons": ("months", 1),
    "year": ("months", 12), "years": ("months", 12), "yr": ("months", 12), "yrs": ("months", 12),
    "y": ("months", 12),
    "decade": ("months", 120), "decades": ("months", 120),
    "century": ("months", 1200), "centuries": ("months", 1200),
    "millennium": ("months", 12000), "millennia": ("months", 12000),
}
# [+-]HH:MM[:SS[.f]] or [+-]MM:SS.f (groups 1-6), or a number and its unit (7, 8)
_IV_TOKEN = re.compile(r"\s*(?:([+-]?)(\d+):(\d{1,2})(?::(\d{1,2})(?:\.(\d+))?|\.(\d+))?|"
                       r"([+-]?\d+(?:\.\d*)?|[+-]?\.\d+)\s*([a-z]+)?)", re.IGNORECASE)


def _add_unit(acc: list, field: str, factor: int, amount: Decimal) -> None:
    """Add `amount` of a unit to acc = [months, days, us], cascading fractions down."""
    if field == "months":
        total = amount * factor
        whole = int(total)
        acc[0] += whole
        frac_days = (total - whole) * 30
        acc[1] += int(frac_days)
        acc[2] += int(((frac_days - int(frac_days)) * US_PER_DAY).to_integral_value())
    elif field == "days":
        total = amount * factor
        acc[1] += int(total)
        acc[2] += int(((total - int(total)) * US_PER_DAY).to_integral_value())
    else:
        acc[2] += int((amount * factor).to_integral_value())


# The fields each unit fills (PostgreSQL's DTK masks): a field given twice ('1 day 1 day',
# '1:20:05 5 microseconds') is 22007.
_FIELD_BITS = {}
for _bit, _names in enumerate((
        ("microsecond", "microseconds", "us", "usec", "usecs"), ("millisecond", "milliseconds", "ms", "msec", "msecs"),
        ("second", "seconds", "sec", "secs", "s"), ("minute", "minutes", "min", "mins", "m"),
        ("hour", "hours", "hr", "hrs", "h"), ("day", "days", "d"), ("week", "weeks", "w"),
        ("month", "months", "mon", "mons"), ("year", "years", "yr", "yrs", "y"), ("decade", "decades"),
        ("century", "centuries"), ("millennium", "millennia"))):
    for _name in _names:
        _FIELD_BITS[_name] = 1 << _bit
_SECOND_UNITS = ("second", "seconds", "sec", "secs", "s")
_ALL_SECONDS_BITS = _FIELD_BITS["us"] | _FIELD_BITS["ms"] | _FIELD_BITS["s"]
_TIME_BITS = _ALL_SECONDS_BITS | _FIELD_BITS["m"] | _FIELD_BITS["h"]
_IV_TIME_NEXT = re.compile(r"\s*[+-]?\d+:\d")


def _field_given(fields: int, bits: int, text: str) -> int:
    if fields & bits:
        raise _bad("interval", text)
    return fields | bits


def _check_field(acc: list, text: str) -> None:
    """PostgreSQL's fields: days in 32 bits, the time in 64 (22015 beyond); months in 32
    (years that do not fit as months: 22008, as PostgreSQL's conversion says)."""
    if not (-2**31 <= acc[1] < 2**31 and -2**63 <= acc[2] < 2**63):
        raise TemporalError("22015", f'interval field value out of range: "{text}"')
    if not -2**31 <= acc[0] < 2**31:
        raise TemporalError("22008", "interval out of range")


def parse_interval(value) -> Interval:
    if isinstance(value, Interval):
        return value
    text = str(value).strip()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return Interval(0, 0, int(round(value * US_PER_S)))
    if isinstance(value, str) and value.startswith("P"):  # ISO 8601 ('P1DT2H'), read unstripped as PostgreSQL does
        from compute_node.pg_sql import interval_iso
        return interval_iso.parse(value)
    body = text[1:] if text.startswith("@") else text
    ago = False
    if re.search(r"\bago\s*$", body, re.IGNORECASE):
        ago, body = True, re.sub(r"\bago\s*$", "", body, flags=re.IGNORECASE)
    acc = [0, 0, 0]
    pos, seen, bare, fields = 0, False, False, 0  # fields: the _FIELD_BITS given so far
    body = body.strip()
    while pos < len(body):
        m = _IV_TOKEN.match(body, pos)
        if not m or m.end() == pos:
            raise _bad("interval", text)
        pos = m.end()
        seen = True
        if m.group(2) is not None:  # [+-]HH:MM[:SS[.f]], or MM:SS.f
            fields = _field_given(fields, _TIME_BITS, text)
            sign = -1 if m.group(1) == "-" else 1
            if m.group(6) is not None:
                hours, minutes, seconds, fraction = 0, int(m.group(2)), int(m.group(3)), m.group(6)
            else:
                hours, minutes, seconds, fraction = int(m.group(2)), int(m.group(3)), int(m.group(4) or 0), m.group(5)
            if minutes > 59 or seconds > 60:  # (a leap second's 60 is taken)
                if m.group(1):  # signed, PostgreSQL reads it as a number next, which it is not
                    raise _bad("interval", text)
                raise TemporalError("22015", f'interval field value out of range: "{text}"')
            us = (hours * 3600 + minutes * 60 + seconds) * US_PER_S
            acc[2] += sign * (us + _fraction_us(fraction))
            _check_field(acc, text)
            continue
        amount = Decimal(m.group(7))
        if m.group(8) is None and bare:  # two numbers without a unit: '2024-01-31', '1 -2'
            raise _bad("interval", text)
        bare = m.group(8) is None
        before_time = bare and _IV_TIME_NEXT.match(body, m.start(8) if m.group(8) else pos) is not None
        if before_time:
            unit = "day"  # '-1 +02:03', '1 2:03': a number before a time is days, as PostgreSQL reads it
        else:
            unit = (m.group(8) or "second").lower()
        if unit not in _UNITS:
            raise _bad("interval", text)
        bits = _FIELD_BITS[unit]
        if unit in _SECOND_UNITS and amount != amount.to_integral_value():
            bits = _ALL_SECONDS_BITS  # a fraction of a second fills the milli- and microseconds
        fields = _field_given(fields, bits, text)
        field, factor = _UNITS[unit]
        if field in ("months", "days") and not -2**31 <= int(amount) * (factor if field == "days" else
                                                                         max(1, factor // 12)) < 2**31:
            raise TemporalError("22015", f'interval field value out of range: "{text}"')
        _add_unit(acc, field, factor, amount)
        _check_field(acc, text)
        rest = body[pos:]
        if not before_time and (rest[:1] == "," or (rest[:1] and not rest[:1].isspace() and rest[:1] not in "+-")):
            raise _bad("interval", text)
    if not seen:
        raise _bad("interval", text)
    out = -Interval(*acc) if ago else Interval(*acc)
    if not (-2**31 <= out.months < 2**31 and -2**31 <= out.days < 2**31 and -2**63 <= out.us < 2**63):
        raise TemporalError("22015", f'interval field value out of range: "{text}"')  # ('-2147483648 days ago')
    return out


# --- canonical text ----------------------------------------------------------------------------
def _frac(us: int) -> str:
    return ("." + f"{us:06d}".rstrip("0")) if us else ""


def format_date(d: dt.date) -> str:
    return f"{d.year:04d}-{d.month:02d}-{d.day:02d}"


def format_time(t: dt.time) -> str:
    return f"{t.hour:02d}:{t.minute:02d}:{t.second:02d}{_frac(t.microsecond)}"


def format_timestamp(ts: dt.datetime, tz: bool) -> str:
    if tz and ts.tzinfo is not None:
        ts = ts.astimezone(UTC)
    out = f"{format_date(ts.date())} {format_time(ts.time())}"
    return out + "+00" if tz else out


def format_interval(iv: Interval) -> str:
    """PostgreSQL's interval output (IntervalStyle postgres): a field right after a
    negative one shows its sign when positive ('-1 mons +7 days')."""
    years, months = abs(iv.months) // 12, abs(iv.months) % 12
    sign_m = -1 if iv.months < 0 else 1
    parts: list[str] = []
    before_negative = False
    for value, unit in ((sign_m * years, "year"), (sign_m * months, "mon"), (iv.days, "day")):
        if value:
            parts.append(f"{'+' if before_negative and value > 0 else ''}{value} {unit}{'s' if value != 1 else ''}")
            before_negative = value < 0
    if iv.us or not parts:
        neg = iv.us < 0
        us = abs(iv.us)
        h, rem = divmod(us, 3600 * US_PER_S)
        mi, rem = divmod(rem, 60 * US_PER_S)
        s, frac = divmod(rem, US_PER_S)
        time = f"{h:02d}:{mi:02d}:{s:02d}{_frac(frac)}"
        parts.append(("-" if neg else ("+" if before_negative else "")) + time)
    return " ".join(parts)


def interval_key(iv: Interval) -> int:
    """PostgreSQL's order of intervals: a month is 30 days, a day 24 hours ('1 day' =
    '24 hours', '1 mon' = '30 days')."""
    return (iv.months * 30 + iv.days) * US_PER_DAY + iv.us


_PG_EPOCH = dt.datetime(2000, 1, 1)


def with_precision(value: str, kind: str, precision: int) -> str:
    """A stored time, timestamp or timestamptz rounded to `precision` fractional digits, as
    PostgreSQL's time(p) / timestamp(p) round: half away from its epoch (2000-01-01 for a
    timestamp, midnight for a time), so a half microsecond-step before 2000 goes earlier."""
    if precision >= 6:
        return value
    scale = 10 ** (6 - max(precision, 0))
    if kind == "time":
        us = time_us(parse_time(value))
        us = (us + scale // 2) // scale * scale
        if us >= US_PER_DAY:
            return format_time(END_OF_DAY)  # (23:59:59.6 in a time(0) is 24:00:00, as in PostgreSQL)
        sec, micro = divmod(us, 10**6)
        return format_time(dt.time(sec // 3600, sec // 60 % 60, sec % 60, micro))
    tz = kind == "timestamptz"
    ts = parse_timestamp(value, tz)
    epoch = _PG_EPOCH.replace(tzinfo=UTC) if ts.tzinfo is not None else _PG_EPOCH
    us = (ts - epoch) // dt.timedelta(microseconds=1)
    us = (us + scale // 2) // scale * scale if us >= 0 else -((-us + scale // 2) // scale * scale)
    return format_timestamp(epoch + dt.timedelta(microseconds=us), tz)


def canonical(value, kind: str) -> str:
    """A value of `kind` ("date", "time", "timestamp", "timestamptz", "interval") in
    Sixfold's stored form; TemporalError when PostgreSQL would refuse it."""
    if kind == "date":
        return format_date(parse_date(value))
    if kind == "time":
        return format_time(parse_time(value))
    if kind in ("timestamp", "timestamptz"):
        return format_timestamp(parse_timestamp(value, kind == "timestamptz"), kind == "timestamptz")
    if kind == "interval":
        return format_interval(parse_interval(value))
    raise TemporalError("0A000", f"type {kind} is not a date/time type")


# --- recognising stored values ---------------------------------------------------------------
_SNIFF = [
    ("timestamptz", re.compile(r"^\d{4,}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)?[+-]\d\d(:?\d\d)?$")),
    ("timestamp", re.compile(r"^\d{4,}-\d\d-\d\d[ T]\d\d:\d\d(:\d\d(\.\d+)?)?$")),
    ("date", re.compile(r"^\d{4,}-\d\d-\d\d$")),
    ("interval", re.compile(r"^(@\s*)?([+-]?\d+(\.\d+)?\s*[a-z]+\s*)*([+-]?\d+:\d\d(:\d\d(\.\d+)?)?)?(\s*ago)?$",
                            re.IGNORECASE)),
]


def sniff(value) -> str | None:
    """The date/time kind a stored text value has, or None. A bare 'HH:MM:SS' reads as an
    interval (a time plus a date gives the same timestamp either way)."""
    if not isinstance(value, str) or not value or len(value) > 100:
        return None
    for kind, pattern in _SNIFF:
        if pattern.match(value):
            if kind == "interval" and not re.search(r"[a-z:]", value, re.IGNORECASE):
                return None  # a bare number is a number
            return kind
    return None


def parse(value, kind: str):
    if kind == "date":
        return parse_date(value)
    if kind == "time":
        return parse_time(value)
    if kind in ("timestamp", "timestamptz"):
        return parse_timestamp(value, kind == "timestamptz")
    return parse_interval(value)


def render(value, kind: str):
    if kind == "date":
        return format_date(value)
    if kind == "time":
        return format_time(value)
    if kind in ("timestamp", "timestamptz"):
        return format_timestamp(value, kind == "timestamptz")
    return format_interval(value)


# --- arithmetic --------------------------------------------------------------------------------
def _add_months(ts: dt.datetime, months: int) -> dt.datetime:
    if not months:
        return ts
    y, m = divmod(ts.month - 1 + months, 12)
    year, month = ts.year + y, m + 1
    if not 1 <= year <= 9999:
        raise TemporalError("22008", "timestamp out of range")
    day = min(ts.day, calendar.monthrange(year, month)[1])
    return ts.replace(year=year, month=month, day=day)


def add_interval(ts: dt.datetime, iv: Interval) -> dt.datetime:
    try:
        out = _add_months(ts, iv.months)
        return out + dt.timedelta(days=iv.days, microseconds=iv.us)
    except OverflowError:
        raise TemporalError("22008", "timestamp out of range") from None


def _as_datetime(v, kind: str) -> dt.datetime:
    if kind == "date":
        return dt.datetime.combine(v, dt.time())
    return v.replace(tzinfo=None) if kind == "timestamptz" else v


def timestamp_diff(a: dt.datetime, b: dt.datetime) -> Interval:
    """a - b as PostgreSQL gives it: days and time, 24-hour spans as days."""
    delta = a - b
    us = delta.days * US_PER_DAY + delta.seconds * US_PER_S + delta.microseconds
    days = int(us / US_PER_DAY)  # toward zero, like justify_hours
    return Interval(0, days, us - days * US_PER_DAY)


def arith(op: str, a, ka: str, b, kb: str):
    """a op b for parsed values of kinds ka, kb (date/time kinds, "int" or "num").
    Returns (value, kind) or raises TemporalError 42883 when PostgreSQL has no such operator."""
    num = ("int", "num")
    try:
        if op == "+":
            if ka in num and kb not in num:
                return arith("+", b, kb, a, ka)
            if ka == "date" and kb == "int":
                return a + dt.timedelta(days=b), "date"
            if ka == "date" and kb == "interval":
                return add_interval(_as_datetime(a, "date"), b), "timestamp"
            if ka == "interval" and kb in ("date", "timestamp", "timestamptz", "time"):
                return arith("+", b, kb, a, ka)
            if ka == "date" and kb == "time":
                return on_day(a, b), "timestamp"
            if ka == "time" and kb == "date":
                return on_day(b, a), "timestamp"
            if ka in ("timestamp", "timestamptz") and kb == "interval":
                return add_interval(a, b), ka
            if ka == "time" and kb == "interval":
                base = on_day(dt.date(2000, 1, 1), a)
                return (base + dt.timedelta(microseconds=b.us)).time(), "time"
            if ka == "interval" and kb == "interval":
                return a + b, "interval"
        elif op == "-":
            if ka == "date" and kb == "int":
                return a - dt.timedelta(days=b), "date"
            if ka == "date" and kb == "date":
                return (a - b).days, "int"
            if ka == "date" and kb == "interval":
                return add_interval(_as_datetime(a, "date"), -b), "timestamp"
            if ka in ("timestamp", "timestamptz") and kb == "interval":
                return add_interval(a, -b), ka
            if ka in ("timestamp", "timestamptz", "date") and kb in ("timestamp", "timestamptz", "date") and \
                    not (ka == "date" and kb == "date"):
                return timestamp_diff(_as_datetime(a, ka), _as_datetime(b, kb)), "interval"
            if ka == "time" and kb == "time":  # microseconds only: 24:00 - 00:00 is 24:00:00, not 1 day
                return Interval(0, 0, time_us(a) - time_us(b)), "interval"
            if ka == "time" and kb == "interval":
                base = on_day(dt.date(2000, 1, 1), a)
                return (base - dt.timedelta(microseconds=b.us)).time(), "time"
            if ka == "interval" and kb == "interval":
                return a - b, "interval"
        elif op == "*":
            if ka == "interval" and kb in num:
                return a.scale(b), "interval"
            if kb == "interval" and ka in num:
                return b.scale(a), "interval"
        elif op == "/":
            if ka == "interval" and kb in num:
                if b == 0:
                    raise TemporalError("22012", "division by zero")
                return a.scale(b, divide=True), "interval"
    except (OverflowError, ValueError) as e:
        if isinstance(e, TemporalError):
            raise
        raise TemporalError("22008", f"{TYPE_LABEL.get(ka, ka)} out of range") from None
    raise TemporalError("42883", f"operator does not exist: {_label(ka)} {op} {_label(kb)}")


def _label(kind: str) -> str:
    return {"int": "integer", "num": "numeric", "text": "text", "unknown": "unknown"}.get(kind,
                                                                                       TYPE_LABEL.get(kind, kind))


# --- functions ---------------------------------------------------------------------------------
def extract(field: str, v, kind: str):
    """extract(field FROM v): an int where PostgreSQL's numeric has no fraction, else a Decimal."""
    f = field.lower()
    if kind == "interval":
        total_s = Decimal(v.us) / US_PER_S
        years, months = int(v.months / 12), v.months - int(v.months / 12) * 12  # C's / and %: toward zero
        if f == "epoch":
            return Decimal(years) * Decimal("31557600") + Decimal(months) * 2592000 + Decimal(v.days) * 86400 + total_s
        hours = int(v.us / (3600 * US_PER_S))
        rem = v.us - hours * 3600 * US_PER_S
        minutes = int(rem / (60 * US_PER_S))
        sec_us = rem - minutes * 60 * US_PER_S
        table = {"year": years, "years": years, "month": months, "mon": months, "day": v.days, "days": v.days,
                 "hour": hours, "minute": minutes, "second": Decimal(sec_us) / US_PER_S,
                 "microseconds": sec_us, "milliseconds": Decimal(sec_us) / 1000,
                 "decade": int(years / 10), "century": int(years / 100), "millennium": int(years / 1000),
                 "quarter": int(months / 3) + 1}  # C division: toward zero
        if f not in table:
            raise TemporalError("0A000", f'unit "{field}" not supported for type interval')
        return table[f]
    if kind == "time":
        table = {"hour": v.hour, "minute": v.minute,
                 "second": Decimal(v.second) + Decimal(v.microsecond) / US_PER_S,
                 "microseconds": v.second * US_PER_S + v.microsecond,
                 "milliseconds": Decimal(v.second * US_PER_S + v.microsecond) / 1000,
                 "epoch": Decimal(v.hour * 3600 + v.minute * 60 + v.second) + Decimal(v.microsecond) / US_PER_S}
        if f not in table:
            raise TemporalError("0A000", f'unit "{field}" not supported for type time without time zone')
        return table[f]
    ts = _as_datetime(v, kind)
    if kind == "date" and f in ("hour", "minute", "second", "microseconds", "milliseconds"):
        raise TemporalError("0A000", f'unit "{field}" not supported for type date')
    iso = ts.isocalendar()
    table = {
        "year": ts.year, "month": ts.month, "day": ts.day, "hour": ts.hour, "minute": ts.minute,
        "second": Decimal(ts.second) + Decimal(ts.microsecond) / US_PER_S,
        "microseconds": ts.second * US_PER_S + ts.microsecond,
        "milliseconds": Decimal(ts.second * US_PER_S + ts.microsecond) / 1000,
        "dow": (ts.weekday() + 1) % 7, "isodow": ts.isoweekday(), "doy": ts.timetuple().tm_yday,
        "week": iso[1], "isoyear": iso[0], "quarter": (ts.month - 1) // 3 + 1,
        "decade": ts.year // 10, "century": (ts.year + 99) // 100, "millennium": (ts.year + 999) // 1000,
        "julian": ts.toordinal() + 1721425,
        "timezone": 0, "timezone_hour": 0, "timezone_minute": 0,
    }
    if f == "epoch":
        delta = ts - dt.datetime(1970, 1, 1)
        return (Decimal(delta.days * 86400 + delta.seconds) + Decimal(delta.microseconds) / US_PER_S)
    if f not in table or (f.startswith("timezone") and kind != "timestamptz"):
        raise TemporalError("0A000" if f in table else "22023",
                            f'unit "{field}" not supported for type {TYPE_LABEL.get(kind, kind)}'
                            if f in table else f'unit "{field}" not recognized for type {TYPE_LABEL.get(kind, kind)}')
    return table[f]


def date_trunc(field: str, v, kind: str):
    """date_trunc(field, v): (value, kind). A date is truncated as a timestamptz, as in PostgreSQL."""
    f = field.lower()
    if kind == "interval":
        return _interval_trunc(f, v), kind
    if kind == "date":
        v, kind = dt.datetime.combine(v, dt.time(), tzinfo=UTC), "timestamptz"
    ts = v
    if f in ("microseconds",):
        out = ts
    elif f == "milliseconds":
        out = ts.replace(microsecond=ts.microsecond // 1000 * 1000)
    elif f == "second":
        out = ts.replace(microsecond=0)
    elif f == "minute":
        out = ts.replace(second=0, microsecond=0)
    elif f == "hour":
        out = ts.replace(minute=0, second=0, microsecond=0)
    elif f == "day":
        out = ts.replace(hour=0, minute=0, second=0, microsecond=0)
    elif f == "week":
        day = ts.replace(hour=0, minute=0, second=0, microsecond=0)
        out = day - dt.timedelta(days=day.weekday())
    elif f == "month":
        out = ts.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    elif f == "quarter":
        out = ts.replace(month=(ts.month - 1) // 3 * 3 + 1, day=1, hour=0, minute=0, second=0, microsecond=0)
    elif f == "year":
        out = ts.replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0)
    elif f in ("decade", "century", "millennium"):
        span = {"decade": 10, "century": 100, "millennium": 1000}[f]
        year = ts.year // span * span if f == "decade" else (ts.year - 1) // span * span + 1
        out = ts.replace(year=max(year, 1), month=1, day=1, hour=0, minute=0, second=0, microsecond=0)
    else:
        raise TemporalError("22023", f'unit "{field}" not recognized for type {TYPE_LABEL.get(kind, kind)}')
    return out, kind


# date_trunc's units for an interval, largest first: each clears what the ones after it do
_INTERVAL_TRUNC_UNITS = ("millennium", "century", "decade", "year", "quarter", "month", "day", "hour", "minute",
                         "second", "milliseconds", "microseconds")
_UNIT_ALIASES = {"millennia": "millennium", "centuries": "century", "decades": "decade", "years": "year",
                 "quarters": "quarter", "months": "month", "days": "day", "hours": "hour", "minutes": "minute",
                 "seconds": "second", "millisecond": "milliseconds", "microsecond": "microseconds"}


def _toward_zero(a: int, b: int) -> int:
    """a / b as C divides integers (truncating toward zero)."""
    q = abs(a) // b
    return q if a >= 0 else -q


def _interval_trunc(unit: str, iv: Interval) -> Interval:
    """date_trunc(unit, interval) as PostgreSQL's interval_trunc: the interval as years,
    months, days, hours, minutes, seconds and microseconds (each truncated toward zero),
    the fields below `unit` cleared. A week is 0A000 (months hold no whole weeks)."""
    unit = _UNIT_ALIASES.get(unit, unit)
    if unit not in _INTERVAL_TRUNC_UNITS:
        if unit in ("week", "weeks"):
            raise TemporalError("0A000", f'unit "{unit}" not supported for type interval'
                                         f"{errors.DETAIL_MARK}Months usually have fractional weeks.")
        raise TemporalError("22023", f'unit "{unit}" not recognized for type interval')
    years = _toward_zero(iv.months, 12)
    months, days, t = iv.months - years * 12, iv.days, iv.us
    hours = _toward_zero(t, 3600 * US_PER_S)
    t -= hours * 3600 * US_PER_S
    minutes = _toward_zero(t, 60 * US_PER_S)
    t -= minutes * 60 * US_PER_S
    seconds = _toward_zero(t, US_PER_S)
    us = t - seconds * US_PER_S
    cleared = _INTERVAL_TRUNC_UNITS[_INTERVAL_TRUNC_UNITS.index(unit) + 1:]
    for u, span in (("millennium", 1000), ("century", 100), ("decade", 10)):
        if u == unit or u in cleared:
            years = _toward_zero(years, span) * span
    if "month" in cleared:
        months = 0 if "quarter" in cleared else _toward_zero(months, 3) * 3
    days = 0 if "day" in cleared else days
    hours = 0 if "hour" in cleared else hours
    minutes = 0 if "minute" in cleared else minutes
    seconds = 0 if "second" in cleared else seconds
    if "milliseconds" in cleared:
        us = 0
    elif unit == "milliseconds":
        us = _toward_zero(us, 1000) * 1000
    return Interval(years * 12 + months, days, ((hours * 60 + minutes) * 60 + seconds) * US_PER_S + us)


def age(a: dt.datetime, b: dt.datetime) -> Interval:
    """age(a, b): the symbolic difference in years, months and days, as PostgreSQL computes it."""
    a, b = a.replace(tzinfo=None), b.replace(tzinfo=None)
    neg = a < b
    if neg:
        a, b = b, a
    us = (a.hour - b.hour) * 3600 * US_PER_S + (a.minute - b.minute) * 60 * US_PER_S + \
        (a.second - b.second) * US_PER_S + a.microsecond - b.microsecond
    days = a.day - b.day
    months = a.month - b.month
    years = a.year - b.year
    if us < 0:
        us += US_PER_DAY
        days -= 1
    if days < 0:
        pm, py = (b.month, b.year)
        days += calendar.monthrange(py, pm)[1]
        months -= 1
    if months < 0:
        months += 12
        years -= 1
    out = Interval(years * 12 + months, days, us)
    return -out if neg else out
