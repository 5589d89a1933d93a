"""The WITH list of a statement with data-modifying WITH queries, cut and checked
(compute_node/pg_sql/data_modifying_with.py)."""

import pytest

from compute_node.pg_sql import data_modifying_with as dmw
from compute_node.pg_sql.queries import parse_one
from sixfold.errors import SqlError


def test_split_keeps_each_query_and_the_main_statement():
    text = ('WITH "Gone"(a, "B") AS MATERIALIZED (DELETE FROM t WHERE v = \')(\' RETURNING id, v), '
            "s AS NOT MATERIALIZED (SELECT (1)), u AS ((UPDATE t SET v = 'x' RETURNING *)) "
            "INSERT INTO arch SELECT * FROM \"Gone\"")
    parts = dmw.split(text)
    assert [q.name for q in parts.queries] == ['"Gone"', "s", "u"]
    assert parts.queries[0].columns == ("a", '"B"')
    assert parts.queries[0].body == "DELETE FROM t WHERE v = ')(' RETURNING id, v"
    assert [q.modifies for q in parts.queries] == [True, False, True]
    assert parts.queries[1].text() == "s AS NOT MATERIALIZED (SELECT (1))"
    assert parts.main == 'INSERT INTO arch SELECT * FROM "Gone"'


def test_split_refuses_a_malformed_list():
    with pytest.raises(SqlError) as e:
        dmw.split("WITH d AS (DELETE FROM t")
    assert e.value.sqlstate == "42601"
    with pytest.raises(SqlError):
        dmw.split("WITH d (DELETE FROM t) SELECT 1")


@pytest.mark.parametrize("sql, words", [
    ("WITH d AS (DELETE FROM t RETURNING *) SELECT count(*) FROM t", "reading"),
    ("WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d JOIN t USING (id)", "reading"),
    ("WITH s AS (SELECT * FROM t), d AS (DELETE FROM t RETURNING *) SELECT * FROM s", "reading"),
    ("WITH d AS (UPDATE t SET v = 1 RETURNING *) UPDATE t SET v = 2", "changing"),
    ("WITH d AS (DELETE FROM t RETURNING *) INSERT INTO t SELECT * FROM d ON CONFLICT DO NOTHING", "changing"),
    ("WITH d AS (DELETE FROM t) SELECT * FROM d", "RETURNING"),
    ("SELECT * FROM (WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d) s", "top level"),
    ("WITH RECURSIVE d AS (DELETE FROM t RETURNING *) SELECT * FROM d", "RECURSIVE"),
])
def test_check_refuses_what_running_in_turn_would_answer_differently(sql, words):
    with pytest.raises(SqlError) as e:
        dmw.check(parse_one(sql))
    assert e.value.sqlstate == "0A000" and words in str(e.value)


@pytest.mark.parametrize("sql", [
    "WITH d AS (DELETE FROM t WHERE id IN (SELECT id FROM t WHERE v > 1) RETURNING *) INSERT INTO a SELECT * FROM d",
    "WITH d AS (DELETE FROM t RETURNING *) INSERT INTO t SELECT id + 10, v FROM d",
    "WITH a AS (INSERT INTO t VALUES (1) RETURNING id), b AS (INSERT INTO u SELECT id FROM a RETURNING *) "
    "SELECT * FROM b",
    "WITH d AS (DELETE FROM t) SELECT 1",
])
def test_check_takes_what_gives_postgresqls_answer(sql):
    dmw.check(parse_one(sql))


def test_values_query_types_each_constant_and_stands_in_for_no_rows():
    assert dmw.values_query(["a", '"B"'], ["integer", None], [["1", "it's"], [None, None]]) == \
        "VALUES (CAST('1' AS integer), 'it''s'), (CAST(NULL AS integer), NULL)"
    assert dmw.values_query(["a", "b"], ["integer", None], []) == \
        "SELECT CAST(NULL AS integer) AS a, CAST(NULL AS text) AS b WHERE false"


def test_values_query_is_bounded():
    from sixfold.constants import WITH_RETURNING_ROWS_MAX

    with pytest.raises(SqlError) as e:
        dmw.values_query(["a"], [None], [["x"]] * (WITH_RETURNING_ROWS_MAX + 1))
    assert e.value.sqlstate == "0A000"
