"""ROLLUP, CUBE and GROUPING SETS as a UNION ALL (compute_node/pg_sql/grouping_sets.py):
the sets in PostgreSQL's order, and the rows of each, in memory."""

from __future__ import annotations

import pytest
import sqlglot

from compute_node.pg_sql import grouping_sets
from sixfold.errors import SqlError
from tests.unit.memory_sql import memory_database


def sets_of(group_by: str) -> list[list[str]]:
    tree = sqlglot.parse_one(f"select 1 from t group by {group_by}", read="postgres")
    return [[e.sql() for e in s] for s in grouping_sets._sets(tree.args["group"].expressions)]


def test_sets_in_postgres_order():
    assert sets_of("rollup (a, b)") == [["a", "b"], ["a"], []]
    assert sets_of("cube (a, b)") == [["a", "b"], ["a"], ["b"], []]
    assert sets_of("grouping sets ((a), (b, c), ())") == [["a"], ["b", "c"], []]
    assert sets_of("x, rollup (a, (b, c))") == [["x", "a", "b", "c"], ["x", "a"], ["x"]]
    assert sets_of("grouping sets (a, rollup (b))") == [["a"], ["b"], []]
    with pytest.raises(SqlError) as e:
        sets_of("cube (a, b, c, d, e, f, g)")  # 128 sets
    assert e.value.sqlstate == "0A000"


def test_rows_of_each_set_and_grouping_bits():
    db = memory_database()
    db("create table gs_t (id int primary key, r text, p text, q int)")
    db("insert into gs_t values (1, 'n', 'a', 3), (2, 'n', 'b', 1), (3, 's', 'a', 7)")
    rows = db("select r, p, sum(q), grouping(r, p) from gs_t group by cube (r, p) order by 4, 1, 2")
    assert rows == [("n", "a", 3, 0), ("n", "b", 1, 0), ("s", "a", 7, 0),
                    ("n", None, 4, 1), ("s", None, 7, 1),
                    (None, "a", 10, 2), (None, "b", 1, 2),
                    (None, None, 11, 3)]
    # the empty set is one row, even over no rows
    assert db("select r, count(*) from gs_t where false group by rollup (r)") == [(None, 0)]
    assert db("select r from gs_t where false group by rollup (r)") == [(None,)]
