"""constant_folding: which subexpressions PostgreSQL folds while planning, and in what
order the lazy ones (CASE, COALESCE, AND, OR) stop folding. The evaluator is a fake that
knows a few constants' values and fails on the ones named as failing."""

from __future__ import annotations

import pytest

from compute_node.pg_sql import constant_folding as cf
from compute_node.pg_sql.queries import parse_one
from sixfold.errors import SqlError

FAILING = ("LN(0)", "1 / 0", "MAKE_DATE(2023, 2, 31)")


def folded(sql: str, values: dict[str, object] | None = None) -> list[str]:
    """The constants evaluated while checking `sql`, in order; SqlError when one fails."""
    seen: list[str] = []

    def evaluate(text: str) -> object:
        seen.append(text)
        if any(f in text.upper() for f in FAILING):
            raise SqlError(f"cannot compute {text}", "22000")
        return (values or {}).get(text, cf.UNKNOWN)
    cf.check(cf.plan(parse_one(sql)), evaluate)
    return seen


def test_constants_of_immutable_functions_are_folded_anywhere():
    assert folded("select ci, abs(-5) + 1, lower('A') from fz where ci > length('abc')") == [
        "ABS(-5) + 1", "LOWER('A')", "LENGTH('abc')"]
    with pytest.raises(SqlError):
        folded("select case when ci > 100 then ln(0) else 1 end from fz")
    with pytest.raises(SqlError):
        folded("select sum(1 / 0) from fz where false")


def test_literals_columns_and_stable_or_volatile_calls_are_not():
    assert folded("select 1, 'x'::int, -2.5, interval '1 day', array[1, 2], ci + 1, now(), random() + 1, "
                  "to_char(1, '9'), 'x' || 1, now() - interval '1 day', "
                  "date_trunc('day', timestamptz '2024-01-01 00:00+00'), "
                  "extract(hour from timestamptz '2024-01-01 00:00+00') from fz") == []


def test_timestamp_and_interval_calls_fold_but_timestamptz_ones_do_not():
    assert folded("select date_trunc('week', interval '1 day'), extract(hour from date '2024-01-01'), "
                  "timestamp '2024-01-01' + interval '1 day', timestamptz '2024-01-01' + interval '1 day'") == [
        "DATE_TRUNC('WEEK', CAST('1 day' AS INTERVAL))", "EXTRACT(HOUR FROM CAST('2024-01-01' AS DATE))",
        "CAST('2024-01-01' AS TIMESTAMP) + CAST('1 day' AS INTERVAL)"]


def test_case_arms_after_a_constant_true_or_under_a_constant_false_are_dropped():
    assert folded("select case when false then ln(0) when ci > 0 then abs(1) else 2 end from fz") == ["ABS(1)"]
    assert folded("select case when ci > 0 then abs(1) when true then 2 else ln(0) end from fz") == ["ABS(1)"]
    assert folded("select case when 1 > 2 then ln(0) end from fz", {"1 > 2": 0}) == ["1 > 2"]
    # a condition whose value is not known here stops folding: nothing after it is checked
    assert folded("select case when abs(1) > 2 then ln(0) else ln(0) end from fz") == ["ABS(1) > 2"]
    # CASE x WHEN ... with a constant x is folded as a whole or not at all
    assert folded("select case 1 when 2 then 1 / 0 else 3 end") == []
    with pytest.raises(SqlError):
        folded("select case ci when 2 then 1 / 0 else 3 end from fz")


def test_coalesce_stops_at_a_non_null_constant_and_and_or_at_a_deciding_one():
    assert folded("select coalesce(ci, 1, ln(0)) from fz") == []
    assert folded("select coalesce(null, abs(1), ln(0)) from fz", {"ABS(1)": 1}) == ["ABS(1)"]
    with pytest.raises(SqlError):
        folded("select coalesce(null, ci, ln(0)) from fz")
    assert folded("select ci from fz where ci > 0 and false and ln(0) > 0") == []
    assert folded("select ci from fz where ci > 0 or true or ln(0) > 0") == []
    with pytest.raises(SqlError):
        folded("select ci from fz where ci > 0 and true and ln(0) > 0")


def test_a_condition_with_a_parameter_stops_folding():
    """PostgreSQL's custom plan folds $1 > 0 with the parameter's value: a later arm may
    be dropped, so it is not folded here."""
    assert folded("select case when $1 > 0 then ln(0) else 1 end") == []
    assert folded("select coalesce($1, ln(0))") == []
    with pytest.raises(SqlError):
        folded("select ln($1) + ln(0)")


def test_suspended_folding_is_reported_and_restored():
    assert cf.active()
    with cf.suspended():
        assert not cf.active()
    assert cf.active()


def test_a_constant_an_insert_or_update_stores_is_coerced_to_its_column():
    types = {("t", "a"): "text[]", ("t", "i"): "integer", ("t", "v"): "varchar(3)", ("t", "n"): "numeric(4,1)",
             ("t", "z"): "timestamptz", ("t", "m"): "money"}

    def plan(sql: str) -> list[str]:
        return [s.sql for s in cf.plan(parse_one(sql), lambda table, col: types.get((table, col)))
                if isinstance(s, cf.Fold)]

    assert plan("insert into t (a, i) select 'ABC', 3000000000 + 0 where false") == [
        "CAST(('ABC') AS text[])", "CAST((3000000000 + 0) AS integer)", "3000000000 + 0"]
    # VALUES rows are all stored (each coercion runs); a number literal into a number column
    # and a string into a text one the translator checks itself
    assert plan("insert into t (i, n) values (1, 2.5), (NULL, 1e9)") == []
    assert plan("insert into t (i, v) select 3000000000, 'abcd' where false") == []
    assert plan("update t set i = 1.5::float8, n = i + 1 where false") == [
        "CAST((CAST(1.5 AS DOUBLE PRECISION)) AS integer)"]
    # a cast cuts a long varchar where storing it fails; timestamptz only from a literal;
    # types not known to fold as assignments do; parameters and DEFAULT are not constants
    assert plan("insert into t (v, z, m, i) select 'abcd', now(), 5, $1") == []
    assert plan("insert into t (z, i) select 'garbage', 1 where false") == ["CAST(('garbage') AS timestamptz)"]
    assert plan("insert into t select 'x'") == []  # (no column list: not judged)


def test_strict_calls_of_a_null_constant_are_found_outermost():
    def nulls(sql: str) -> list[str]:
        return [n.sql("postgres") for n in cf.strict_nulls(parse_one(sql))]

    assert nulls("select 10 / i + NULL::int, (10 / i) * NULL, ln(i + NULL), i from t") == [
        "10 / i + CAST(NULL AS INT)", "(10 / i) * NULL", "LN(i + NULL)"]
    assert sorted(nulls("select coalesce(i + NULL, 1), lower(t::text || NULL) from t")) == [
        "LOWER(CAST(t AS TEXT) || NULL)", "i + NULL"]
    # not strict: IS NULL, COALESCE, array_append / ||  of an array, nullif, greatest
    assert nulls("select i is null, coalesce(NULL, i), array_append(a, NULL), nullif(i, NULL), "
                 "greatest(i, NULL), a || NULL::int, array[1] || NULL from t") == []
    # left to run: a call that reads the catalog, a subquery, an aggregate, LIMIT's count
    assert nulls("select nextval('s') + NULL, (select 1) + NULL, sum(i) + NULL from t limit i + NULL") == []
    # SET a = NULL assigns: it is no comparison to fold
    assert nulls("update t set a = NULL, i = i + NULL where i = NULL") == ["i + NULL", "i = NULL"]


def test_json_operators_of_constants_fold():
    # (sqlglot reads `->> 'n'` as a JSON path: a constant, not an unknown child)
    assert folded("select decode(('{\"n\": -0.50}'::jsonb ->> 'n'), 'base64') from fz where false") == [
        "DECODE((CAST('{\"n\": -0.50}' AS JSONB) ->> 'n'), 'base64')"]
    assert folded("select cj ->> 'n' from fz") == []
