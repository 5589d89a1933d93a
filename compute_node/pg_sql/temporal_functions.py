"""Date and time functions that were missing, as PostgreSQL 15 computes them (timestamp.c):
justify_hours / justify_days / justify_interval, make_timestamp / make_timestamptz /
make_time, date_bin, isfinite, AT TIME ZONE and timezone(). `translate` is the rewrite of their sqlglot nodes into the
SQLite functions `register` defines; values travel as Sixfold's stored texts, each with
its kind (temporal.py parses and prints them). Sessions run in UTC.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
import zoneinfo

import apsw
from sqlglot import exp

from compute_node.pg_sql import interval_iso, settings, temporal, typed_functions
from compute_node.pg_sql.temporal import US_PER_DAY, US_PER_S, Interval

_DAYS_PER_MONTH = 30
_JUSTIFY = {exp.JustifyHours: "hours", exp.JustifyDays: "days", exp.JustifyInterval: "interval"}


def _fail(sqlstate: str, message: str):
    raise apsw.SQLError(f"[{sqlstate}] {message}")


def _trunc_div(a: int, b: int) -> int:
    """C's integer division (toward zero)."""
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b > 0) else -q


def justify(iv: Interval, which: str) -> Interval:
    """interval_justify_hours / _days / _interval."""
    months, days, us = iv.months, iv.days, iv.us
    if which == "interval" and (days > 0 and us > 0 or days < 0 and us < 0):
        whole = _trunc_div(days, _DAYS_PER_MONTH)
        months, days = months + whole, days - whole * _DAYS_PER_MONTH
    if which in ("hours", "interval"):
        whole = _trunc_div(us, US_PER_DAY)
        days, us = days + whole, us - whole * US_PER_DAY
    if which in ("days", "interval"):
        whole = _trunc_div(days, _DAYS_PER_MONTH)
        months, days = months + whole, days - whole * _DAYS_PER_MONTH
    if which == "days":
        if months > 0 and days < 0:
            months, days = months - 1, days + _DAYS_PER_MONTH
        elif months < 0 and days > 0:
            months, days = months + 1, days - _DAYS_PER_MONTH
    if which == "interval":
        if months > 0 and (days < 0 or days == 0 and us < 0):
            months, days = months - 1, days + _DAYS_PER_MONTH
        elif months < 0 and (days > 0 or days == 0 and us > 0):
            months, days = months + 1, days - _DAYS_PER_MONTH
    if which in ("hours", "interval"):
        if days > 0 and us < 0:
            days, us = days - 1, us + US_PER_DAY
        elif days < 0 and us > 0:
            days, us = days + 1, us - US_PER_DAY
    return Interval(months, days, us).checked()


def pg_justify(which, value):
    if value is None:
        return None
    try:
        return temporal.format_interval(justify(temporal.parse_interval(value), str(which)))
    except temporal.TemporalError as e:
        _fail(e.sqlstate, str(e))


def _time_us(hour, minute, sec) -> int:
    """tm2time of make_time / make_timestamp's fields, range-checked as
    float_time_overflows does (24:00:00 and a leap second's 60 pass; 22008 otherwise)."""
    h, m, s = int(hour), int(minute), float(sec)
    rounded = None if math.isnan(s) else round(s * US_PER_S)  # rint
    total = None if rounded is None else (h * 60 + m) * 60 * US_PER_S + rounded
    if not (0 <= h <= 24 and 0 <= m < 60) or rounded is None or not 0 <= rounded <= 60 * US_PER_S \
            or total > US_PER_DAY:
        _fail("22008", f"time field value out of range: {h}:{m:02d}:{'%02g' % s}")
    return total


def pg_make_timestamp(tz, year, month, day, hour, minute, sec):
    """make_timestamp / make_timestamptz (the session's zone is UTC)."""
    if None in (year, month, day, hour, minute, sec):
        return None
    y, mo, d = int(year), int(month), int(day)
    if y < 0:
        _fail("0A000", "BC dates are not supported")
    try:
        date = dt.date(y, mo, d)
    except ValueError:
        _fail("22008", f"date field value out of range: {y}-{mo:02d}-{d:02d}")
    ts = dt.datetime.combine(date, dt.time()) + dt.timedelta(microseconds=_time_us(hour, minute, sec))
    return temporal.format_timestamp(ts.replace(tzinfo=dt.UTC) if int(tz) else ts, bool(int(tz)))


def pg_make_time(hour, minute, sec):
    if None in (hour, minute, sec):
        return None
    us = _time_us(hour, minute, sec)
    if us == US_PER_DAY:
        return temporal.format_time(temporal.END_OF_DAY)
    return temporal.format_time((dt.datetime.min + dt.timedelta(microseconds=us)).time())


def pg_interval_time(value):
    """interval::time: the interval's time part within a day (months and days dropped,
    a negative time counted back from midnight: -1 hour is 23:00:00), as interval_time."""
    if value is None:
        return None
    try:
        us = temporal.parse_interval(value).us % US_PER_DAY
    except temporal.TemporalError as e:
        _fail(e.sqlstate, str(e))
    return temporal.format_time((dt.datetime.min + dt.timedelta(microseconds=us)).time())


def pg_make_interval(years, months, weeks, days, hours, minutes, secs):
    """make_interval(years, months, weeks, days, hours, mins, secs): NULL if any is NULL
    (it is strict); 22008 past an interval's range."""
    if None in (years, months, weeks, days, hours, minutes, secs):
        return None
    s = float(secs)
    if not math.isfinite(s):
        _fail("22008", "interval out of range")
    out = Interval(int(years) * 12 + int(months), int(weeks) * 7 + int(days),
                   (int(hours) * 3600 + int(minutes) * 60) * US_PER_S + round(s * US_PER_S))
    try:
        return temporal.format_interval(out.checked())
    except temporal.TemporalError as e:
        _fail(e.sqlstate, str(e))


def pg_date_bin(stride, source, origin, kind):
    """date_bin(stride, source, origin): the start of the stride-wide bin (counted from
    origin) that holds source."""
    if stride is None or source is None or origin is None:
        return None
    iv = temporal.parse_interval(stride)
    if iv.months:
        _fail("0A000", "timestamps cannot be binned into intervals containing months or years")
    stride_us = iv.days * US_PER_DAY + iv.us
    if stride_us <= 0:
        _fail("22008", "stride must be greater than zero")
    tz = kind == "timestamptz"
    ts = temporal.parse_timestamp(source, tz)
    org = temporal.parse_timestamp(origin, tz)
    diff = (ts - org) // dt.timedelta(microseconds=1)
    remainder = int(math.fmod(diff, stride_us))  # C's %: the remainder keeps diff's sign
    delta = diff - remainder
    if org > ts and remainder != 0:  # a source before the origin: its bin starts a stride earlier,
        delta -= stride_us  # unless it is on a bin's start (15:00 from an origin of 17:00 is 15:00)
    return temporal.format_timestamp(org + dt.timedelta(microseconds=delta), tz)


# PostgreSQL's default abbreviations (timezone_abbreviations 'Default') that are no zone
# name of their own, as hours east of UTC; a name in neither list is 22023.
_ABBREVIATIONS = {"utc": 0, "gmt": 0, "z": 0, "zulu": 0, "ut": 0, "est": -5, "edt": -4, "cst": -6, "cdt": -5,
                  "mst": -7, "mdt": -6, "pst": -8, "pdt": -7, "akst": -9, "akdt": -8, "hst": -10, "cet": 1,
                  "cest": 2, "eet": 2, "eest": 3, "wet": 0, "west": 1, "bst": 1, "msk": 3, "jst": 9, "kst": 9,
                  "hkt": 8, "aest": 10, "aedt": 11, "acst": 9.5, "acdt": 10.5, "awst": 8, "nzst": 12, "nzdt": 13}
_POSIX_OFFSET = re.compile(r"^([A-Za-z]{3,})?([+-]?)(\d{1,2})(?::(\d{2}))?(?::(\d{2}))?$")


@functools.cache
def _zone_names() -> dict[str, str]:
    return {name.lower(): name for name in zoneinfo.available_timezones()}


def zone(text: str) -> dt.tzinfo:
    """A time zone as AT TIME ZONE reads its text: an abbreviation, a zone name (any
    case), or a POSIX offset, whose sign is west of UTC ('+02' is UTC-2)."""
    low = text.strip().lower()
    if low in _ABBREVIATIONS:
        return dt.timezone(dt.timedelta(hours=_ABBREVIATIONS[low]))
    if low in _zone_names():
        return zoneinfo.ZoneInfo(_zone_names()[low])
    m = _POSIX_OFFSET.match(text.strip())
    if m:  # (a POSIX zone's name before the offset is only a name)
        seconds = int(m.group(3)) * 3600 + int(m.group(4) or 0) * 60 + int(m.group(5) or 0)
        if seconds <= 15 * 3600 + 59 * 60:
            return dt.timezone(dt.timedelta(seconds=seconds if m.group(2) == "-" else -seconds))
    _fail("22023", f'time zone "{text}" not recognized')


def _local_to_utc(naive: dt.datetime, tz: dt.tzinfo) -> dt.datetime:
    """A wall-clock time in `tz` as UTC. In a spring-forward gap the offset before the
    change applies, in a fall-back overlap the one after (DetermineTimeZoneOffset)."""
    before, after = tz.utcoffset(naive.replace(fold=0)), tz.utcoffset(naive.replace(fold=1))
    offset = before if before <= after else after
    return (naive - offset).replace(tzinfo=dt.UTC)


def pg_at_time_zone(value, zone_value, kind, zone_kind):
    """value AT TIME ZONE zone: a timestamp read as the zone's wall clock gives the
    timestamptz; a timestamptz (or a date, at midnight UTC) gives the zone's wall clock."""
    if value is None or zone_value is None:
        return None
    try:
        if zone_kind == "interval":
            iv = temporal.parse_interval(zone_value)
            if iv.months or iv.days:
                _fail("22023", f'interval time zone "{temporal.format_interval(iv)}" must not include months or days')
            tz: dt.tzinfo = dt.timezone(dt.timedelta(microseconds=iv.us))
        else:
            tz = zone(str(zone_value))
        if kind == "timestamp":
            return temporal.format_timestamp(_local_to_utc(temporal.parse_timestamp(value, False), tz), True)
        instant = temporal.parse_timestamp(value, True) if kind != "date" else dt.datetime.combine(
            temporal.parse_date(value), dt.time(), tzinfo=dt.UTC)
        return temporal.format_timestamp(instant.astimezone(tz).replace(tzinfo=None), False)
    except temporal.TemporalError as e:
        _fail(e.sqlstate, str(e))


def _at_time_zone(value: exp.Expression, zone_value: exp.Expression) -> exp.Expression:
    from compute_node.pg_sql import exprtypes
    from sixfold.errors import SqlError

    kind = exprtypes.kind(value)
    if kind in ("", "unknown", "text"):
        kind = "timestamptz"  # PostgreSQL reads an unknown literal as timestamptz here
    if kind not in ("timestamp", "timestamptz", "date"):
        raise SqlError(f"AT TIME ZONE of {exprtypes.type_label(value)} is not supported", "0A000")
    zone_kind = "interval" if exprtypes.kind(zone_value) == "interval" else "text"
    return exp.Anonymous(this="pg_at_time_zone", expressions=[
        value, zone_value, exp.Literal.string(kind), exp.Literal.string(zone_kind)])


def at_time_zone_kind(value_kind: str) -> str:
    """The type of `value AT TIME ZONE z`: a timestamp becomes a timestamptz and back."""
    return "timestamptz" if value_kind == "timestamp" else "timestamp"


def pg_time_key(value, kind):
    """A date, time or timestamp as integer microseconds (since 1970-01-01, a time since
    midnight): the number SQLite's RANGE frames order by, offsets added exactly."""
    if value is None:
        return None
    v = temporal.parse(value, kind)
    if kind == "date":
        return (v - dt.date(1970, 1, 1)).days * US_PER_DAY
    if kind == "time":
        return temporal.time_us(v)
    return (v.replace(tzinfo=None) - dt.datetime(1970, 1, 1)) // dt.timedelta(microseconds=1)


def _offset_us(bound: exp.Expression) -> int:
    """A RANGE frame's interval offset (a constant) as microseconds."""
    from sixfold.errors import SqlError

    if isinstance(bound, exp.Interval):
        unit = bound.args.get("unit")
        text = f"{bound.this.name} {unit.name if unit is not None else ''}"
    elif isinstance(bound, exp.Literal) and bound.is_string:
        text = bound.this
    elif isinstance(bound, exp.Cast) and isinstance(bound.this, exp.Literal):
        text = bound.this.name
    else:
        raise SqlError("a RANGE frame's offset over dates and times must be a constant interval here", "0A000")
    try:
        iv = temporal.parse_interval(text)
    except temporal.TemporalError as e:
        raise SqlError(str(e), e.sqlstate) from None
    if iv.months:
        raise SqlError("a RANGE frame's offset with months or years is not supported", "0A000")
    us = iv.days * US_PER_DAY + iv.us
    if us < 0:
        raise SqlError("invalid preceding or following size in window function", "22013")
    return us


def range_frame(node: exp.Window) -> exp.Window | None:
    """OVER (ORDER BY a date, time or timestamp RANGE BETWEEN interval PRECEDING AND ...):
    SQLite's RANGE offsets are numbers, so the key becomes pg_time_key(key) and each
    offset its microseconds. None for any other window."""
    from compute_node.pg_sql import exprtypes
    from sixfold.errors import SqlError

    spec = node.args.get("spec")
    if spec is None or str(spec.args.get("kind") or "").upper() != "RANGE":
        return None
    offsets = [k for k in ("start", "end") if isinstance(spec.args.get(k), exp.Expression)]
    order = node.args.get("order")
    if not offsets or order is None:
        return None
    if len(order.expressions) != 1:
        raise SqlError("RANGE with offset PRECEDING/FOLLOWING requires exactly one ORDER BY column", "42P20")
    key = order.expressions[0].this
    kind = exprtypes.kind(key)
    if kind not in ("date", "time", "timestamp", "timestamptz"):
        return None
    out = node.copy()
    new_spec = out.args["spec"]
    for k in offsets:
        new_spec.set(k, exp.Literal.number(_offset_us(spec.args[k])))
    out.args["order"].expressions[0].set("this", exp.Anonymous(this="pg_time_key", expressions=[
        key.copy(), exp.Literal.string(kind)]))
    return out


def translate(node: exp.Expression) -> exp.Expression | None:
    """The SQLite call for one of these functions' sqlglot node, None for other nodes."""
    from compute_node.pg_sql import exprtypes  # (which imports this module's kinds)

    if type(node) in _JUSTIFY:
        return exp.Anonymous(this="pg_justify", expressions=[exp.Literal.string(_JUSTIFY[type(node)]), node.this])
    if isinstance(node, exp.TimestampFromParts) or isinstance(node, exp.Anonymous) and \
            node.name.lower() == "make_timestamptz":
        args = node.expressions if isinstance(node, exp.Anonymous) else \
            [node.args.get(k) for k in ("year", "month", "day", "hour", "min", "sec")]
        if len(args) != 6 or any(a is None for a in args):
            raise _no_function(node)
        return exp.Anonymous(this="pg_make_timestamp", expressions=[
            exp.Literal.number(int(isinstance(node, exp.Anonymous))), *args])
    if isinstance(node, exp.MakeInterval):  # positional or named (days => 10): each defaults to 0
        args = [node.args.get(k) for k in ("year", "month", "week", "day", "hour", "minute", "second")]
        args = [exp.Literal.number(0) if a is None else a.expression if isinstance(a, exp.Kwarg) else a
                for a in args]
        return exp.Anonymous(this="pg_make_interval", expressions=args)
    if isinstance(node, exp.TimeFromParts):
        args = [node.args.get(k) for k in ("hour", "min", "sec")]
        if any(a is None for a in args):
            raise _no_function(node)
        return exp.Anonymous(this="pg_make_time", expressions=args)
    if isinstance(node, exp.DateBin):
        origin = node.args.get("unit") or node.args.get("origin")
        if origin is None:
            raise _no_function(node)
        if isinstance(origin, exp.Var):  # sqlglot reads the third argument as a unit word
            text = str(origin.this)
            origin = exp.Literal.string(text) if text[:1].isdigit() else exp.column(text.lower())
        kind = exprtypes.kind(node.expression)
        return exp.Anonymous(this="pg_date_bin", expressions=[
            node.this, node.expression, origin, exp.Literal.string("timestamptz" if kind == "timestamptz"
                                                                    else "timestamp")])
    if isinstance(node, exp.AtTimeZone):
        return _at_time_zone(node.this, node.args["zone"])
    if isinstance(node, exp.Anonymous) and node.name.lower() == "timezone" and len(node.expressions) == 2:
        return _at_time_zone(node.expressions[1], node.expressions[0])
    if isinstance(node, exp.Anonymous) and node.name.lower() == "isfinite" and len(node.expressions) == 1:
        # Sixfold has no infinite dates, timestamps or intervals
        return exp.Case(ifs=[exp.If(this=exp.Is(this=node.expressions[0].copy(), expression=exp.Null()),
                                    true=exp.Null())], default=exp.true())
    return None


def _no_function(node: exp.Expression):
    from sixfold.errors import SqlError

    return SqlError(f"function {node.sql('postgres').split('(')[0].lower()} with these arguments does not exist",
                    "42883")


KINDS = {exp.JustifyHours: "interval", exp.JustifyDays: "interval", exp.JustifyInterval: "interval",
         exp.TimestampFromParts: "timestamp", exp.TimeFromParts: "time", exp.MakeInterval: "interval"}
FUNCTION_KINDS = {"make_timestamptz": "timestamptz", "isfinite": "bool", "pg_justify": "interval",
                  "pg_make_time": "time", "pg_make_interval": "interval"}


def pg_interval_text(value):
    """An interval's text in the running session's IntervalStyle (Sixfold stores the
    postgres style): 'P1DT2H' under iso_8601. Not deterministic: it reads the session."""
    if not isinstance(value, str) or not settings.iso_intervals():
        return value
    return interval_iso.format_iso(temporal.parse_interval(value))


def register(conn: apsw.Connection) -> None:
    conn.create_scalar_function("pg_interval_text", typed_functions.sql_function(pg_interval_text), 1)
    det = {"deterministic": True}
    conn.create_scalar_function("pg_justify", pg_justify, 2, **det)
    conn.create_scalar_function("pg_make_timestamp", pg_make_timestamp, 7, **det)
    conn.create_scalar_function("pg_make_time", pg_make_time, 3, **det)
    conn.create_scalar_function("pg_interval_time", pg_interval_time, 1, **det)
    conn.create_scalar_function("pg_make_interval", pg_make_interval, 7, **det)
    conn.create_scalar_function("pg_date_bin", pg_date_bin, 4, **det)
    conn.create_scalar_function("pg_at_time_zone", pg_at_time_zone, 4, **det)
    conn.create_scalar_function("pg_time_key", pg_time_key, 2, **det)
