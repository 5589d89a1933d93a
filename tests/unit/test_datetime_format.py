"""PostgreSQL 15's datetime templates (compute_node/pg_sql/datetime_format.py) without a server.

Every expected value below was produced by PostgreSQL 15 with timezone = 'UTC' and lc_time = 'C'."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from compute_node.pg_sql import datetime_format as df
from compute_node.pg_sql.datetime_format import DatetimeFormatError

ERR = "ERR"
UTC = dt.timezone.utc
_PG_TEXT = re.compile(r"(\d{4,})-(\d\d)-(\d\d)(?: (\d\d):(\d\d):(\d\d)(?:\.(\d+))?(?:\+00)?)?( BC)?$")
_DAYS_PER_400_YEARS = 146097

# (value, kind, format, PostgreSQL's to_char(value::kind, format))
TO_CHAR = [
    ("2020-03-04 05:06:07.089123", "timestamp", "YYYY-MM-DD HH24:MI:SS.US", "2020-03-04 05:06:07.089123"),
    ("2020-03-04 15:06:07", "timestamp", "HH HH12 HH24 AM am A.M. p.m. PM", "03 03 15 PM pm P.M. p.m. PM"),
    ("2020-03-04 00:06:07", "timestamp", "HH12 AM", "12 AM"),
    ("2020-03-04 12:00:00", "timestamp", "HH12 pm", "12 pm"),
    ("2020-03-04 05:06:07.089123", "timestamp", "MS US FF1 FF2 FF3 FF4 FF5 FF6",
     "089 089123 0 08 089 0891 08912 089123"),
    ("2020-03-04 05:06:07.089123", "timestamp", "FMMS FMUS FMFF2", "089 089123 08"),
    ("2020-03-04 23:59:59", "timestamp", "SSSS SSSSS FMSSSS", "86399 86399 86399"),
    ("2020-03-04 05:06:07", "timestamp", "Y,YYY YYYY YYY YY Y", "2,020 2020 020 20 0"),
    ("2007-03-04", "timestamp", "FMYYYY FMYYY FMYY FMY", "2007 7 7 7"),
    ("2020-03-04", "timestamp", "MONTH|Month|month|MON|Mon|mon", "MARCH    |March    |march    |MAR|Mar|mar"),
    ("2020-05-04", "timestamp", "FMMONTH|FMMonth|TMMonth|TMmonth|FMDay|TMDAY", "MAY|May|May|may|Monday|MONDAY"),
    ("2020-03-04", "timestamp", "DAY|Day|day|DY|Dy|dy", "WEDNESDAY|Wednesday|wednesday|WED|Wed|wed"),
    ("2020-03-04", "timestamp", "DDD DD D ID W WW IW Q J", "064 04 4 3 1 10 10 1 2458913"),
    ("2020-03-04", "timestamp", "FMDDD FMDD FMWW FMIW FMMM", "64 4 10 10 3"),
    ("2021-01-01", "timestamp", "IYYY-IW-ID IDDD IYY IY I", "2020-53-5 369 020 20 0"),
    ("2019-12-30", "timestamp", "IYYY-IW-ID IDDD YYYY-WW", "2020-01-1 001 2019-52"),
    ("2020-12-31", "timestamp", "IYYY IW IDDD DDD WW", "2020 53 368 366 53"),
    ("2020-03-04", "timestamp", "CC cc FMCC", "21 21 21"),
    ("2000-03-04", "timestamp", "CC", "20"),
    ("2001-03-04", "timestamp", "CC", "21"),
    ("2020-03-04", "timestamp", "RM rm FMRM FMrm", "III  iii  III iii"),
    ("2020-12-04", "timestamp", "RM|rm", "XII |xii "),
    ("2020-03-01", "timestamp", "DDth DDTH FMDDth Dth MMth YYYYth", "01st 01ST 1st 1st 03rd 2020th"),
    ("2020-03-11", "timestamp", "DDth FMDDth HH24th", "11th 11th 00th"),
    ("2020-03-22", "timestamp", "DDth FMDDTH", "22nd 22ND"),
    ("2020-03-23 13:00", "timestamp", "DDth HH12th", "23rd 01st"),
    ("2020-03-04", "timestamp", "AD ad A.D. a.d. BC bc B.C. b.c.", "AD ad A.D. a.d. AD ad A.D. a.d."),
    ("2020-03-04", "timestamp", "DDSP FMDDSP DDTHSP", "04 4 04THSP"),
    ("2020-03-04 05:06:07", "timestamp", 'YYYY "YYYY" "a\\"b" \\"HH24', '2020 YYYY a"b "05'),
    ("2020-03-04 05:06:07", "timestamp", 'HH24\\MI "x\\\\y"', "05\\06 x\\y"),
    ("2020-03-04 05:06:07", "timestamp", "FMTMMonth", "T03onth"),
    ("2020-03-04 05:06:07", "timestamp", "Hello World", "Hello 1orl4"),
    ("2020-03-04 05:06:07", "timestamp", "TZ|tz|OF|TZH:TZM|FMOF", "||+00|+00:00|+0"),
    ("2020-03-04 05:06:07+00", "timestamptz", "TZ|tz|OF|TZH:TZM|FMOF", "UTC|utc|+00|+00:00|+0"),
    ("2020-03-04 05:06:07+00", "timestamptz", "YYYY-MM-DD HH24:MI:SS OF", "2020-03-04 05:06:07 +00"),
    ("2020-03-04 05:06:07+00", "timestamptz", "FX YYYY fx", " 2020 "),
    ("2020-03-04 05:06:07", "timestamp", "SSSSSS HH24MISS", "18367S 050607"),
    ("2020-03-04 05:06:07", "timestamp", "ééé YYYY ε", "ééé 2020 ε"),
]

# (date, format, PostgreSQL's to_char(date, format): the date is cast to timestamptz)
TO_CHAR_DATE = [
    ("2020-02-29", "YYYY-MM-DD HH24:MI TZ Day", "2020-02-29 00:00 UTC Saturday "),
    ("0001-01-01", "YYYY-MM-DD AD CC IYYY IW", "0001-01-01 AD 01 0001 01"),
]

# (timestamp, format, PostgreSQL's to_char): years Python's datetime cannot hold
TO_CHAR_WIDE_YEARS = [
    ("0044-03-15 BC", "YYYY BC Y,YYY CC YY IYYY IW J", "0044 BC 0,044 -01 44 0044 11 1705428"),
    ("0001-12-31 BC", "YYYY-MM-DD AD FMCC IYYY-IW-ID DDD", "0001-12-31 BC -1 0001-52-7 366"),
    ("0100-01-01 BC", "YYYY CC b.c. Day", "0100 -01 b.c. Tuesday  "),
    ("0101-01-01 BC", "YYYY CC", "0101 -02"),
    ("4713-11-24 BC", "J YYYY-MM-DD", "366 4713-11-24"),
    ("12345-06-07", "YYYY Y,YYY CC FMCC YYY", "12345 12,345 124 124 345"),
]

HOUR = 3_600_000_000
INTERVAL_REFUSED = (ERR, "22007", "invalid format specification for an interval value")

# (months, days, microseconds, format, PostgreSQL's to_char(interval, format)); the interval as PostgreSQL shows it
TO_CHAR_INTERVAL = [
    (0, 0, 93907000000, "HH24:MI:SS", "26:05:07"),  # 26:05:07
    (0, 0, 360000000000, "HH HH12 HH24 FMHH24", "04 04 100 100"),  # 100:00:00
    (0, 0, 43200000000, "HH HH12 HH24 AM a.m.", "12 12 12 PM p.m."),  # 12:00:00
    (0, 0, 46800000000, "HH12 PM p.m.", "01 PM p.m."),  # 13:00:00
    (0, 0, -47045500000, "HH HH24:MI:SS.MS US", "-01 -13:-04:-05.-500 -500000"),  # -13:04:05.5
    (0, 0, -43200000000, "HH12 HH24 FMHH12 AM", "012 -12 12 AM"),  # -12:00:00
    (0, 0, -3600000001, "HH24 MI SS FF1 FF2 FF3 FF4 FF5 FF6",
     "-01 00 00 0 00 000 0000 00000 -00001"),  # -01:00:00.000001
    (0, 0, -91800000000, "SSSS FMHH24th AM", "-91800 -25th AM"),  # -25:30:00
    (0, 0, 1000005, "SS.US MS FF1", "01.000005 000 0"),  # 00:00:01.000005
    (14, 3, 0, "YYYY-MM-DD", "0001-02-03"),  # 1 year 2 mons 3 days
    (-14, -3, 0, "YYYY-MM-DD FMYYYY FMMM", "-0001--02--3 -1 -2"),  # -1 years -2 mons -3 days
    (-41, -10, 0, "Y,YYY YYY YY Y", "0,-03 -003 -03 -3"),  # -3 years -5 mons -10 days
    (307, 0, 0, "Y,YYY YYYY YYY YY Y CC FMCC", "0,025 0025 025 25 5 00 0"),  # 25 years 7 mons
    (-3000, 0, 0, "YYYY CC Y,YYY", "-0250 -02 0,-250"),  # -250 years
    (14814804, 0, 0, "Y,YYY CC YYYY", "1234,567 12345 1234567"),  # 1234567 years
    (0, 45, 0, "DD DDD WW W J", "45 045 07 7 1721073"),  # 45 days
    (13, 5, 0, "DDD FMDDD WW", "395 395 57"),  # 1 year 1 mon 5 days
    (-13, -5, 0, "DDD WW W", "-395 -55 1"),  # -1 years -1 mons -5 days
    (0, 0, 0, "MM Q|Qth|RM|", "00 |||"),  # 00:00:00
    (2, 0, 0, "MM Q RM rm FMRM.", "02 1 II   ii   II."),  # 2 mons
    (-5, 0, 0, "MM Q RM FMrm.", "-05 -1 VIII viii."),  # -5 mons
    (-1, 0, 0, "RM Q", "XII  1"),  # -1 mons
    (24, 0, 0, "RM|FMrm|MM|Q", "XII |xii|00|"),  # 2 years
    (-24, 0, 0, "RM|MM|Q", "I   |00|"),  # -2 years
    (-41, -10, -47045500000, "IYYY IYY IY I IW IDDD J",
     "-0004 -004 -04 -4 25 172 1719770"),  # -3 years -5 mons -10 days -13:04:05.5
    (11, 1, 0, "IYYY-IW IDDD", "0000-44 304"),  # 11 mons 1 day
    (1, 1, 75600000000, "DDth HH24th MMTH Qth FMDDDth", "01st 21st 01ST 1st 31st"),  # 1 mon 1 day 21:00:00
    (0, 22, 0, "DDth Wth WWth", "22nd 4th 04th"),  # 22 days
    (2147483647, 2147483647, 9223372036854775807, "YYYY MM DD HH24 MI SS US DDD WW",
     "178956970 07 2147483647 2562047788 00 54 775807 2147483617 306783374"),
    (-2147483648, -2147483648, -9223372036854775808, "YYYY MM DD HH24 MI SS US DDD WW J",
     "-178956970 -08 -2147483648 -2562047788 00 -54 -775808 -2147483648 306783379 1211022758"),
    (5, 2, 10800000000, 'FX "Q" Q HH "is" HH24 \\"x', ' Q 2 03 is 03 "x'),  # 5 mons 2 days 03:00:00
    (5, 2, 10800000000, "Month", INTERVAL_REFUSED),
    (5, 2, 10800000000, "MON", INTERVAL_REFUSED),
    (5, 2, 10800000000, "TMmon", INTERVAL_REFUSED),
    (5, 2, 10800000000, "Dy", INTERVAL_REFUSED),
    (5, 2, 10800000000, "D", INTERVAL_REFUSED),
    (5, 2, 10800000000, "ID", INTERVAL_REFUSED),
    (5, 2, 10800000000, "TZ", INTERVAL_REFUSED),
    (5, 2, 10800000000, "OF", INTERVAL_REFUSED),
    (5, 2, 10800000000, "HH24 b.c.", INTERVAL_REFUSED),
]

# (time, format, PostgreSQL's to_char(time, format): the time is cast to interval)
TO_CHAR_TIME = [
    ("10:30:15.5", "HH12:MI:SS.MS AM", "10:30:15.500 AM"),
    ("23:59:59.999999", "HH24 HH SSSS US PM", "23 11 86399 999999 PM"),
    ("00:00:00", "YYYY-MM-DD HH12 AM DDD J Q RM", "0000-00-00 12 AM 000 1721028  "),
    ("13:05:06", "HH12:MI:SS PM", "01:05:06 PM"),
    ("13:05:06", "TZ", INTERVAL_REFUSED),
    ("07:08:09", "Day", INTERVAL_REFUSED),
]

# (text, format, PostgreSQL's to_timestamp(text, format)::text or its error)
TO_TIMESTAMP = [
    ("2020-03-04 05:06:07.089", "YYYY-MM-DD HH24:MI:SS.MS", "2020-03-04 05:06:07.089+00"),
    ("2020-03-04 05:06:07.000123", "YYYY-MM-DD HH24:MI:SS.US", "2020-03-04 05:06:07.000123+00"),
    ("05:06:07.5", "HH24:MI:SS.FF1", "0001-01-01 05:06:07.5+00 BC"),
    ("05:06:07.25", "HH24:MI:SS.MS", "0001-01-01 05:06:07.25+00 BC"),
    ("05:06:07.025", "HH24:MI:SS.MS", "0001-01-01 05:06:07.025+00 BC"),
    ("2020-12-31 23:59:59.96", "YYYY-MM-DD HH24:MI:SS.FF1", "2021-01-01 00:00:00+00"),
    ("2020-03-04 10:30 PM", "YYYY-MM-DD HH:MI AM", "2020-03-04 22:30:00+00"),
    ("2020-03-04 12:30 a.m.", "YYYY-MM-DD HH12:MI P.M.", "2020-03-04 00:30:00+00"),
    ("2020-03-04 10:00 +05:30", "YYYY-MM-DD HH24:MI TZH:TZM", "2020-03-04 04:30:00+00"),
    ("2020-03-04 10:00 -03", "YYYY-MM-DD HH24:MI TZH", "2020-03-04 13:00:00+00"),
    ("2020-03-04 10:00-03", "YYYY-MM-DD HH24:MITZH", "2020-03-04 13:00:00+00"),
    ("2020-03-04 10:00 15", "YYYY-MM-DD HH24:MI TZM", "2020-03-04 09:45:00+00"),
    ("20200304", "YYYYMMDD", "2020-03-04 00:00:00+00"),
    ("2020-3-4", "YYYY-MM-DD", "2020-03-04 00:00:00+00"),
    ("  2020 / 03 / 04  ", "YYYY-MM-DD", "2020-03-04 00:00:00+00"),
    ("2020  03", "YYYY MM", "2020-03-01 00:00:00+00"),
    ("2020xx03", "YYYY-MM", (ERR, "22007", 'invalid value "xx" for "MM"')),
    ("2020x03", "YYYY-MM", (ERR, "22007", 'invalid value "x0" for "MM"')),
    ("2020 03", 'YYYY"x"MM', "2020-03-01 00:00:00+00"),
    ("2020-03-04", "FXYYYY-MM-DD", "2020-03-04 00:00:00+00"),
    ("2020/03/04", "FXYYYY-MM-DD", "2020-03-04 00:00:00+00"),
    ("2020 March 4th", "YYYY Month DDth", "2020-03-04 00:00:00+00"),
    ("2020 MARCH 04", "YYYY Mon DD", (ERR, "22007", 'invalid value "CH" for "DD"')),
    ("march 4 2020", "FMMonth FMDD YYYY", "2020-03-04 00:00:00+00"),
    ("2020 wednesday 10", "IYYY Day IW", "2020-03-04 00:00:00+00"),
    ("2020 10 3", "IYYY IW ID", "2020-03-04 00:00:00+00"),
    ("2021 53", "IYYY IW", "2022-01-03 00:00:00+00"),
    ("2020 100", "IYYY IDDD", "2020-04-07 00:00:00+00"),
    ("2020 366", "YYYY DDD", "2020-12-31 00:00:00+00"),
    ("2020 2 W 3", 'YYYY MM "W" W', "2020-02-15 00:00:00+00"),
    ("2020 10", "YYYY WW", "2020-03-04 00:00:00+00"),
    ("2458850", "J", "2020-01-01 00:00:00+00"),
    ("1,234", "Y,YYY", "1234-01-01 00:00:00+00"),
    ("05", "YY", "2005-01-01 00:00:00+00"),
    ("75", "YY", "1975-01-01 00:00:00+00"),
    ("519", "YYY", "2519-01-01 00:00:00+00"),
    ("520", "YYY", "1520-01-01 00:00:00+00"),
    ("7", "Y", "2007-01-01 00:00:00+00"),
    ("21 05", "CC YY", "2005-01-01 00:00:00+00"),
    ("21", "CC", "2001-01-01 00:00:00+00"),
    ("44 BC", "YYYY BC", "0044-01-01 00:00:00+00 BC"),
    ("5 03 bc", "CC YY BC", "0403-01-01 00:00:00+00 BC"),
    ("XII 2020", "RM YYYY", "2020-12-01 00:00:00+00"),
    ("iv 2020", "rm YYYY", "2020-04-01 00:00:00+00"),
    ("4 2020", "Q YYYY", "2020-01-01 00:00:00+00"),
    ("86399", "SSSSS", "0001-01-01 23:59:59+00 BC"),
    ("3600 30", "SSSS MI", "0001-01-01 01:30:00+00 BC"),
    ("2020 5", "YYYY SP", "2020-01-01 00:00:00+00"),
    ("2020-03-04T10:00", 'YYYY-MM-DD"T"HH24:MI', "2020-03-04 10:00:00+00"),
    ("12345", "HH24MISS", "0001-01-01 12:34:05+00 BC"),
    ("2020-13-04", "YYYY-MM-DD", (ERR, "22008", 'date/time field value out of range: "2020-13-04"')),
    ("2019-02-29", "YYYY-MM-DD", (ERR, "22008", 'date/time field value out of range: "2019-02-29"')),
    ("23:60", "HH24:MI", (ERR, "22008", 'date/time field value out of range: "23:60"')),
    ("86400", "SSSS", (ERR, "22008", 'date/time field value out of range: "86400"')),
    ("13:00 AM", "HH:MI AM", (ERR, "22007", 'hour "13" is invalid for the 12-hour clock')),
    ("0:00 PM", "HH:MI PM", (ERR, "22007", 'hour "0" is invalid for the 12-hour clock')),
    ("2020 2021", "YYYY YYYY", (ERR, "22007", 'conflicting values for "YYYY" field in formatting string')),
    ("Tuesday Tuesday", "Day Day", (ERR, "22007", 'conflicting values for "Day" field in formatting string')),
    ("2020 10 3", "YYYY IW ID", (ERR, "22007", "invalid combination of date conventions")),
    ("366", "DDD", (ERR, "22007", "cannot calculate day of year without year information")),
    ("2020 Foo", "YYYY Mon", (ERR, "22007", 'invalid value "Foo" for "Mon"')),
    ("x", "YYYY", (ERR, "22007", 'invalid value "x" for "YYYY"')),
    ("1234", "Y,YYY", (ERR, "22007", 'invalid input string for "Y,YYY"')),
    ("2020 1", "YYYYMM", "2020-01-01 00:00:00+00"),
    ("1x", "MM", "0001-01-01 00:00:00+00 BC"),
    ("9999999999", "YYYY", (ERR, "22008", 'value for "YYYY" in source string is out of range')),
    ("10 +16", "HH24 TZH", (ERR, "22009", 'time zone displacement out of range: "10 +16"')),
    ("10 +05:60", "HH24 TZH:TZM", (ERR, "22009", 'time zone displacement out of range: "10 +05:60"')),
    ("2020 UTC", "YYYY TZ", (ERR, "0A000", 'formatting field "TZ" is only supported in to_char')),
    ("2020 +05", "YYYY OF", (ERR, "0A000", 'formatting field "OF" is only supported in to_char')),
    ("294277-01-01", "YYYY-MM-DD", (ERR, "22008", "timestamp out of range")),
    ("12.1234567", "SS.FF6", (ERR, "22008", 'date/time field value out of range: "12.1234567"')),
    ("2020 10 pm am", "YYYY HH am pm", (ERR, "22007", 'conflicting values for "pm" field in formatting string')),
]

# (text, format, PostgreSQL's to_date(text, format)::text or its error)
TO_DATE = [
    ("2020-03-04 10:00", "YYYY-MM-DD HH24:MI", "2020-03-04"),
    ("5874897-12-31", "YYYY-MM-DD", "5874897-12-31"),
    ("5874898-01-01", "YYYY-MM-DD", (ERR, "22008", 'date out of range: "5874898-01-01"')),
    ("4714-11-24 BC", "YYYY-MM-DD BC", "4714-11-24 BC"),
    ("0000", "YYYY", "0001-01-01 BC"),
    ("-44-02-01", "YYYY-MM-DD", "0044-02-01 BC"),
    ("2020 25:00", "YYYY HH24:MI", (ERR, "22008", 'date/time field value out of range: "2020 25:00"')),
]


def _fields(text: str) -> tuple[int, ...]:
    """PostgreSQL's output text as (year, month, day, hour, minute, second, microsecond); year 0 is 1 BC."""
    m = _PG_TEXT.match(text)
    year = int(m.group(1))
    year = 1 - year if m.group(8) else year
    clock = [int(m.group(i) or 0) for i in (4, 5, 6)]
    micros = int((m.group(7) or "").ljust(6, "0"))
    return (year, int(m.group(2)), int(m.group(3)), *clock, micros)


def _days_since_2000(year: int, month: int, day: int) -> int:
    """Proleptic Gregorian days from 2000-01-01, for any year (shifted by whole 400-year cycles)."""
    cycles = (year - 2000) // 400
    shifted = dt.date(year - 400 * cycles, month, day)
    return (shifted - dt.date(2000, 1, 1)).days + cycles * _DAYS_PER_400_YEARS


def _micros_since_2000(text: str) -> int:
    year, month, day, hour, minute, second, micros = _fields(text)
    seconds = _days_since_2000(year, month, day) * 86400 + hour * 3600 + minute * 60 + second
    return seconds * 1_000_000 + micros


def _outcome(call, *args):
    """The function's result, or (ERR, sqlstate, message) for the error it raised."""
    try:
        return call(*args)
    except DatetimeFormatError as e:
        return ERR, e.sqlstate, str(e)


@pytest.mark.parametrize("value, kind, fmt, expected", TO_CHAR)
def test_to_char_formats_timestamps(value, kind, fmt, expected):
    assert df.to_char(dt.datetime.fromisoformat(value), kind, fmt) == expected


@pytest.mark.parametrize("value, fmt, expected", TO_CHAR_DATE)
def test_to_char_formats_a_date_as_a_timestamptz(value, fmt, expected):
    assert df.to_char(dt.date.fromisoformat(value), "date", fmt) == expected


@pytest.mark.parametrize("value, fmt, expected", TO_CHAR_WIDE_YEARS)
def test_to_char_fields_cover_bc_and_five_digit_years(value, fmt, expected):
    assert df.to_char_fields(*_fields(value), zone=None, fmt=fmt) == expected


@pytest.mark.parametrize("text, fmt, expected", TO_TIMESTAMP)
def test_to_timestamp_reads_like_postgresql(text, fmt, expected):
    if isinstance(expected, str):
        expected = _micros_since_2000(expected)
    assert _outcome(df.to_timestamp_micros, text, fmt) == expected


@pytest.mark.parametrize("text, fmt, expected", TO_DATE)
def test_to_date_reads_like_postgresql(text, fmt, expected):
    if isinstance(expected, str):
        expected = _days_since_2000(*_fields(expected)[:3])
    assert _outcome(df.to_date_days, text, fmt) == expected


def test_to_timestamp_and_to_date_return_python_values():
    """to_timestamp gives an aware UTC datetime (a TZH offset is applied), to_date a date."""
    stamp = df.to_timestamp("2020-03-04 10:00:00.5 +05:30", "YYYY-MM-DD HH24:MI:SS.MS TZH:TZM")
    assert stamp == dt.datetime(2020, 3, 4, 4, 30, 0, 500000, tzinfo=UTC)
    assert df.to_date("4 March 2020 10:00", "DD Month YYYY HH24:MI") == dt.date(2020, 3, 4)


@pytest.mark.parametrize("call, text, fmt, message", [
    (df.to_timestamp, "44 BC", "YYYY BC", "timestamp out of range"),
    (df.to_timestamp, "10000", "YYYY", "timestamp out of range"),
    (df.to_date, "44 BC", "YYYY BC", 'date out of range: "44 BC"'),
    (df.to_date, "10000", "YYYY", 'date out of range: "10000"'),
])
def test_years_python_cannot_hold_are_refused(call, text, fmt, message):
    """PostgreSQL accepts these; Sixfold has no BC or five-digit years, so they are out of range (22008)."""
    assert _outcome(call, text, fmt) == (ERR, "22008", message)


def test_an_empty_format_gives_null():
    assert df.to_char(dt.datetime(2020, 1, 1), "timestamp", "") is None


def test_aware_values_print_in_utc():
    value = dt.datetime(2020, 3, 4, 1, 30, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    assert df.to_char(value, "timestamptz", "YYYY-MM-DD HH24:MI TZ OF") == "2020-03-03 23:30 UTC +00"


@pytest.mark.parametrize("months, days, micros, fmt, expected", TO_CHAR_INTERVAL)
def test_to_char_formats_intervals_like_postgresql(months, days, micros, fmt, expected):
    assert _outcome(df.interval_to_char, months, days, micros, fmt) == expected


def test_a_calendar_field_of_an_interval_is_refused_with_postgresql_hint():
    with pytest.raises(DatetimeFormatError) as caught:
        df.interval_to_char(5, 2, 3 * HOUR, "Month")
    assert caught.value.sqlstate == "22007"
    assert caught.value.hint == "Intervals are not tied to specific calendar dates."


def test_an_empty_format_gives_null_for_an_interval():
    assert df.interval_to_char(1, 2, 3, "") is None


@pytest.mark.parametrize("value, fmt, expected", TO_CHAR_TIME)
def test_a_time_is_formatted_as_the_interval_it_casts_to(value, fmt, expected):
    """PostgreSQL 15 has no to_char(time): to_char(time '...', fmt) formats the interval since midnight."""
    assert _outcome(df.to_char, dt.time.fromisoformat(value), "time", fmt) == expected


def test_errors_carry_the_sqlstate():
    with pytest.raises(DatetimeFormatError) as caught:
        df.to_date("2020-13-01", "YYYY-MM-DD")
    assert caught.value.sqlstate == "22008"
    assert str(caught.value) == 'date/time field value out of range: "2020-13-01"'
