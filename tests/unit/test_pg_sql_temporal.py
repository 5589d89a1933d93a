"""Interval order, output and arithmetic as PostgreSQL 15 computes them (expected values
taken from PostgreSQL 15)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from compute_node.pg_sql import temporal
from compute_node.pg_sql.temporal import Interval, TemporalError


def iv(text: str) -> Interval:
    return temporal.parse_interval(text)


@pytest.mark.parametrize("text, shown", [
    ("-1 mon 7 days", "-1 mons +7 days"),
    ("-1 year -2 mons 1 day 2 hours", "-1 years -2 mons +1 day 02:00:00"),
    ("-1 day 2 hours", "-1 days +02:00:00"),
    ("1 day -2 hours", "1 day -02:00:00"),
    ("1 mon -1 day", "1 mon -1 days"),
    ("0", "00:00:00"),
])
def test_output_signs_a_field_after_a_negative_one(text, shown):
    assert temporal.format_interval(iv(text)) == shown


@pytest.mark.parametrize("text", ["2024-01-31", "1 -2", "1 2"])
def test_two_numbers_without_a_unit_are_refused(text):
    with pytest.raises(TemporalError) as e:
        iv(text)
    assert e.value.sqlstate == "22007"


def test_order_counts_a_month_as_30_days_and_a_day_as_24_hours():
    key = temporal.interval_key
    assert key(iv("1 day")) == key(iv("24 hours"))
    assert key(iv("1 mon")) == key(iv("30 days"))
    assert key(iv("2 days")) < key(iv("10 days"))  # the texts sort the other way
    assert key(iv("-3 mons")) < key(iv("00:00:00")) < key(iv("1 day 02:00:00"))


@pytest.mark.parametrize("text, factor, divide, shown", [
    ("1 mon", 7, True, "4 days 06:51:25.6896"),
    ("1 mon", 1 / 7, False, "4 days 06:51:25.6896"),
    ("1 mon 1 day", 0.37, False, "11 days 11:16:48"),
    ("3 mons 5 days 01:00:00", -2.6, True, "-1 mons -6 days -13:18:27.725539"),
    ("1 year 2 mons 3 days 04:05:06.5", -13, False, "-15 years -2 mons -39 days -53:06:24.5"),
    ("1 day 02:00:00", -13, True, "-02:00:00"),
])
def test_multiply_and_divide_as_interval_mul_and_interval_div(text, factor, divide, shown):
    assert temporal.format_interval(iv(text).scale(factor, divide=divide)) == shown


def test_out_of_range_fails():
    with pytest.raises(TemporalError) as e:
        iv("2 days").scale(2147483647)
    assert e.value.sqlstate == "22008"


def test_extract_truncates_negative_months_as_c_does():
    assert temporal.extract("epoch", iv("-1 year -2 mons"), "interval") == -36741600
    assert temporal.extract("quarter", iv("-4 mons"), "interval") == 0
    assert temporal.extract("quarter", iv("-1 mon"), "interval") == 1


@given(st.integers(-10**4, 10**4), st.integers(-10**4, 10**4), st.integers(-10**12, 10**12))
def test_output_reads_back_as_the_same_interval(months, days, us):
    value = Interval(months, days, us)
    assert temporal.parse_interval(temporal.format_interval(value)) == value


@pytest.mark.parametrize("value, kind, precision, want", [
    ("2024-01-01 10:00:00.6", "timestamp", 0, "2024-01-01 10:00:01"),
    ("2024-01-01 10:00:00.5", "timestamp", 0, "2024-01-01 10:00:01"),
    ("1999-12-31 23:59:59.5", "timestamp", 0, "1999-12-31 23:59:59"),  # before PostgreSQL's epoch: away from it
    ("1969-06-01 10:00:00.25+00", "timestamptz", 1, "1969-06-01 10:00:00.2+00"),
    ("2024-01-01 10:00:00.126+00", "timestamptz", 2, "2024-01-01 10:00:00.13+00"),
    ("10:00:00.15", "time", 1, "10:00:00.2"),
    ("10:00:00.123456", "time", 6, "10:00:00.123456"),
])
def test_with_precision_rounds_as_postgres(value, kind, precision, want):
    assert temporal.with_precision(value, kind, precision) == want


def test_with_precision_rounds_a_time_up_to_the_end_of_day():
    assert temporal.with_precision("23:59:59.9", "time", 0) == "24:00:00"  # as PostgreSQL's time(0)
    assert temporal.with_precision("23:59:59.4", "time", 0) == "23:59:59"


@pytest.mark.parametrize("value, precision, want", [
    ("10:00", None, "10:00:00+00"), ("10:00:00.123456+02", 2, "10:00:00.12+02"), ("10:00-05:30", None, "10:00:00-05:30"),
    ("2026-12-06 10:50:51.695722+00", None, "10:50:51.695722+00"), ("2026-12-06 10:50:51", None, "10:50:51+00"),
])
def test_timetz_text(value, precision, want):
    assert temporal.timetz(value, precision) == want


def test_end_of_day_is_hour_24_and_after_every_other_time():
    """time '24:00:00' is midnight underneath (dt.time cannot hold hour 24): every field,
    comparison and sum that reads it must see the end of the day, never 00:00."""
    import datetime as dt

    from compute_node.pg_sql import temporal

    eod = temporal.parse_time("24:00")
    assert eod is temporal.END_OF_DAY and eod.hour == 24 and temporal.format_time(eod) == "24:00:00"
    last = dt.time(23, 59, 59, 999_999)
    assert eod > last and last < eod and eod != dt.time(0) and dt.time(0) != eod and not eod < dt.time(0)
    assert eod == temporal.parse_time("24:00:00") and eod >= last and not eod <= last
    assert sorted([eod, dt.time(0), dt.time(12)]) == [dt.time(0), dt.time(12), eod]
    assert temporal.time_us(eod) == temporal.US_PER_DAY
    assert temporal.on_day(dt.date(2024, 12, 31), eod) == dt.datetime(2025, 1, 1)
    with pytest.raises(temporal.TemporalError):
        temporal.parse_time("24:00:01")
