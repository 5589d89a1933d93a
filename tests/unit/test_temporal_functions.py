"""temporal_functions.justify against answers captured from PostgreSQL 15, and its
invariants on generated intervals."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from compute_node.pg_sql import temporal
from compute_node.pg_sql.temporal_functions import justify, pg_at_time_zone

CASES = [  # (interval, which, PostgreSQL's answer)
    ("36 hours", "hours", "1 day 12:00:00"),
    ("-36 hours 1 day", "hours", "-12:00:00"),
    ("35 days", "days", "1 mon 5 days"),
    ("1 mon -1 day", "days", "29 days"),
    ("1 mon -1 day", "interval", "29 days"),
    ("-1 mon 40 days -30 hours", "interval", "8 days 18:00:00"),
]


@pytest.mark.parametrize("text,which,want", CASES)
def test_justify_gives_postgresql_answers(text, which, want):
    assert temporal.format_interval(justify(temporal.parse_interval(text), which)) == want


day_us = temporal.US_PER_DAY
intervals = st.builds(temporal.Interval, st.integers(-1000, 1000), st.integers(-10**5, 10**5),
                      st.integers(-10**5 * day_us, 10**5 * day_us))


@given(intervals)
def test_justify_keeps_the_length_and_bounds_the_fields(iv):
    for which in ("hours", "days", "interval"):
        out = justify(iv, which)
        # the span in 30-day months and 24-hour days is unchanged
        assert (out.months * 30 + out.days) * day_us + out.us == (iv.months * 30 + iv.days) * day_us + iv.us
        if which != "days":
            assert abs(out.us) < day_us
        if which != "hours":
            assert abs(out.days) < 30 or which == "days" and out.months == 0
        if which == "interval":  # no field has a sign against the whole
            signs = {(x > 0) - (x < 0) for x in (out.months, out.days, out.us)} - {0}
            assert len(signs) <= 1


AT_TIME_ZONE = [  # (value, its kind, zone, PostgreSQL's answer)
    ("2024-01-01 12:00", "timestamp", "America/New_York", "2024-01-01 17:00:00+00"),
    ("2024-01-01 12:00+00", "timestamptz", "America/New_York", "2024-01-01 07:00:00"),
    ("2024-03-10 02:30", "timestamp", "America/New_York", "2024-03-10 07:30:00+00"),  # in the gap: before
    ("2024-11-03 01:30", "timestamp", "America/New_York", "2024-11-03 06:30:00+00"),  # in the overlap: after
    ("2024-01-01 12:00", "timestamp", "+02", "2024-01-01 14:00:00+00"),  # POSIX: '+02' is west of UTC
    ("2024-01-01 12:00", "timestamp", "UTC+3", "2024-01-01 15:00:00+00"),
    ("2024-01-01 12:00", "timestamp", "pst", "2024-01-01 20:00:00+00"),
    ("2024-01-01 12:00+00", "timestamptz", "-05:30", "2024-01-01 17:30:00"),
    ("2024-01-01", "date", "UTC", "2024-01-01 00:00:00"),
]


@pytest.mark.parametrize("value,kind,zone,want", AT_TIME_ZONE)
def test_at_time_zone_gives_postgresql_answers(value, kind, zone, want):
    assert pg_at_time_zone(value, zone, kind, "text") == want
