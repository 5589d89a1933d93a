"""intersect_except's window counts against a multiset model: INTERSECT [ALL] and EXCEPT
[ALL] of two bags of values (NULLs among them, which set operations treat as equal)
keep what the SQL standard says, run by SQLite on the rewritten tree."""

from collections import Counter

import apsw
import sqlglot
from hypothesis import given, settings
from hypothesis import strategies as st

from compute_node.pg_sql import intersect_except

_BAG = st.lists(st.one_of(st.none(), st.integers(min_value=0, max_value=3)), max_size=8)


def _run(left: list, right: list, op: str) -> Counter:
    conn = apsw.Connection(":memory:")
    for name, bag in (("l", left), ("r", right)):
        conn.execute(f"CREATE TABLE {name} (x)")
        for v in bag:
            conn.execute(f"INSERT INTO {name} VALUES (?)", (v,))
    tree = sqlglot.parse_one(f"SELECT x FROM l {op} SELECT x FROM r", read="postgres")
    for node in tree.find_all(sqlglot.exp.Intersect, sqlglot.exp.Except):
        intersect_except.mark(node)
    sql = intersect_except.rewrite(tree).sql("sqlite")
    return Counter(row[0] for row in conn.execute(sql))


def _expected(left: list, right: list, op: str) -> Counter:
    lc, rc = Counter(left), Counter(right)
    if op == "INTERSECT ALL":
        return lc & rc
    if op == "EXCEPT ALL":
        return lc - rc
    if op == "INTERSECT":
        return Counter({v: 1 for v in lc if v in rc})
    return Counter({v: 1 for v in lc if v not in rc})


@settings(max_examples=150, deadline=None)
@given(left=_BAG, right=_BAG, op=st.sampled_from(["INTERSECT ALL", "EXCEPT ALL", "INTERSECT", "EXCEPT"]))
def test_window_counts_keep_what_the_operation_keeps(left, right, op):
    assert _run(left, right, op) == _expected(left, right, op)


def test_rewrite_keeps_order_limit_and_names():
    conn = apsw.Connection(":memory:")
    conn.execute("CREATE TABLE l (x, y); CREATE TABLE r (x, y)")
    conn.execute("INSERT INTO l VALUES (3, 'c'), (1, 'a'), (1, 'a'), (2, 'b'); INSERT INTO r VALUES (1, 'a'), (2, 'b')")
    tree = sqlglot.parse_one("SELECT x AS k, y FROM l EXCEPT ALL SELECT x, y FROM r ORDER BY k DESC LIMIT 2",
                             read="postgres")
    intersect_except.mark_all(tree)
    cur = conn.execute(intersect_except.rewrite(tree).sql("sqlite"))
    assert [d[0] for d in cur.getdescription()] == ["k", "y"]
    assert list(cur) == [(3, "c"), (1, "a")]


def test_unmarked_set_operations_are_left_as_they_are():
    tree = sqlglot.parse_one("SELECT x FROM l INTERSECT SELECT x FROM r UNION ALL SELECT 1", read="postgres")
    intersect_except.mark_all(tree)  # (only the ALL forms are marked without interval columns)
    assert intersect_except.rewrite(tree).sql("sqlite") == \
        "SELECT x FROM l INTERSECT SELECT x FROM r UNION ALL SELECT 1"
