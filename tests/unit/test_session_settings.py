"""Settings that change how values are shown or read (compute_node/pg_sql/settings.py),
the startup packet's options and durations as PostgreSQL shows them
(compute_node/pgwire/session_settings.py): pure functions."""

from __future__ import annotations

import pytest

from compute_node.pg_sql.settings import output_setting
from compute_node.pgwire.session_settings import format_duration_ms, parse_duration_ms, startup_options
from sixfold.errors import SqlError


@pytest.mark.parametrize("name,value,shown", [
    ("DateStyle", "ISO", "ISO, MDY"), ("datestyle", "'iso, mdy'", "ISO, MDY"), ("DateStyle", "MDY", "ISO, MDY"),
    ("IntervalStyle", "postgres", "postgres"), ("bytea_output", "HEX", "hex"), ("extra_float_digits", "3", "3"),
    ("extra_float_digits", "1", "1"), ("application_name", "x y", "x y"),
])
def test_accepted(name, value, shown):
    assert output_setting(name, value) == shown


@pytest.mark.parametrize("name,value,sqlstate", [
    ("DateStyle", "German", "0A000"), ("DateStyle", "ISO, DMY", "0A000"), ("DateStyle", "SQL", "0A000"),
    ("IntervalStyle", "sql_standard", "0A000"), ("IntervalStyle", "nope", "22023"), ("bytea_output", "escape", "0A000"),
    ("bytea_output", "base64", "22023"), ("extra_float_digits", "0", "0A000"), ("extra_float_digits", "-3", "0A000"),
    ("extra_float_digits", "4", "22023"), ("extra_float_digits", "x", "22023"),
])
def test_refused(name, value, sqlstate):
    with pytest.raises(SqlError) as e:
        output_setting(name, value)
    assert e.value.sqlstate == sqlstate


@pytest.mark.parametrize("options,expected", [
    ("", []),
    ("-c statement_timeout=1234 -c application_name=zz", [("statement_timeout", "1234"), ("application_name", "zz")]),
    ("-cDateStyle=ISO --search-path=public", [("DateStyle", "ISO"), ("search_path", "public")]),
    (r"-c application_name=a\ b", [("application_name", "a b")]),
])
def test_startup_options(options, expected):
    assert startup_options(options) == expected


def test_bad_startup_options():
    with pytest.raises(SqlError):
        startup_options("statement_timeout=5")
    with pytest.raises(SqlError):
        startup_options("-c statement_timeout")


@pytest.mark.parametrize("text,shown", [
    ("1234", "1234ms"), ("1.5s", "1500ms"), ("60000", "1min"), ("3600000", "1h"), ("86400000", "1d"), ("0", "0"),
    ("90s", "90s"), ("2min", "2min"),
])
def test_durations_shown_as_postgres_shows_them(text, shown):
    assert format_duration_ms(parse_duration_ms(text)) == shown
