"""ISO 8601 intervals (interval_iso.py) against answers PostgreSQL 15 gave: input in
either style, output with IntervalStyle postgres and iso_8601."""

import pytest

from compute_node.pg_sql import interval_iso, temporal

# (input, PostgreSQL's text with IntervalStyle postgres, with iso_8601)
READ = [
    ("P1Y2M3DT4H5M6.5S", "1 year 2 mons 3 days 04:05:06.5", "P1Y2M3DT4H5M6.5S"),
    ("PT-1.5S", "-00:00:01.5", "PT-1.5S"),
    ("P1.5M", "1 mon 15 days", "P1M15D"),
    ("P0.5Y", "6 mons", "P6M"),
    ("P1.5W", "10 days 12:00:00", "P10DT12H"),
    ("P-0.5M", "-15 days", "P-15D"),
    ("P1e2D", "100 days", "P100D"),
    ("P1DT-2H3M", "1 day -01:57:00", "P1DT-1H-57M"),
    ("P1M1Y", "1 year 1 mon", "P1Y1M"),
    ("P0001-02-03T04:05:06", "1 year 2 mons 3 days 04:05:06", "P1Y2M3DT4H5M6S"),
    ("P00010203", "1 year 2 mons 3 days", "P1Y2M3D"),
    ("PT010203", "01:02:03", "PT1H2M3S"),
    ("P1-2", "1 year 2 mons", "P1Y2M"),
    ("P1-2-3", "1 year 2 mons 3 days", "P1Y2M3D"),
    ("P1.5-2", "1 year 8 mons", "P1Y8M"),
    ("PT01:02:03.5", "01:02:03.5", "PT1H2M3.5S"),
    ("P.5D", "12:00:00", "PT12H"),
    ("P-.5D", "-12:00:00", "PT-12H"),
    ("PT", "00:00:00", "PT0S"),
    ("P1DT", "1 day", "P1D"),
    ("P1DTT1H", "1 day 01:00:00", "P1DT1H"),
    ("P1", "1 year", "P1Y"),
    ("PT1", "01:00:00", "PT1H"),
    ("P1DT1H1M1.123456789S", "1 day 01:01:01.123457", "P1DT1H1M1.123457S"),
    ("P0.3333333M", "9 days 23:59:59.9136", "P9DT23H59M59.9136S"),
    ("PT1.0000005S", "00:00:01.000001", "PT1.000001S"),
    ("P-1Y-2M-3DT-4H-5M-6S", "-1 years -2 mons -3 days -04:05:06", "P-1Y-2M-3DT-4H-5M-6S"),
]

# (input, PostgreSQL's SQLSTATE)
REFUSED = [
    ("P", "22007"), ("P1D2H", "22007"), ("p1d", "22007"), ("P 1D", "22007"), (" P1D", "22007"),
    ("P1D ", "22007"), ("P1Y2", "22007"), ("PT1H2", "22007"), ("P1x", "22007"), ("P1DT2H3M4S5", "22007"),
    ("P.D", "22007"), ("P1..5D", "22007"), ("P+1D", "22007"), ("P1e400D", "22007"), ("P1e16D", "22015"),
    ("P2000000000Y", "22008"), ("P1-2-3-4", "22007"),
]


@pytest.mark.parametrize("text,postgres,iso", READ)
def test_read_and_shown(text, postgres, iso):
    iv = temporal.parse_interval(text)
    assert temporal.format_interval(iv) == postgres
    assert interval_iso.format_iso(iv) == iso
    assert temporal.parse_interval(iso) == iv  # what it shows reads back as the same interval


@pytest.mark.parametrize("text,sqlstate", REFUSED)
def test_refused(text, sqlstate):
    with pytest.raises(temporal.TemporalError) as e:
        temporal.parse_interval(text)
    assert e.value.sqlstate == sqlstate


@pytest.mark.parametrize("months,days,us,iso", [
    (0, 0, 0, "PT0S"), (-13, 0, 0, "P-1Y-1M"), (1, -1, 1, "P1M-1DT0.000001S"), (0, 0, -1, "PT-0.000001S"),
    (0, 0, 3_600_000_000 * 25 + 61_500_000, "PT25H1M1.5S"), (2**31 - 1, 2**31 - 1, 2**63 - 1,
                                                            "P178956970Y7M2147483647DT2562047788H54.775807S"),
])
def test_shown_edges(months, days, us, iso):
    assert interval_iso.format_iso(temporal.Interval(months, days, us)) == iso
