"""MERGE planned as statements run in turn (compute_node/pg_sql/merge.py)."""

import pytest

from compute_node.pg_sql import merge
from sixfold.errors import SqlError

MERGE = ("MERGE INTO stock AS t USING deliveries s ON t.sku = s.sku "
         "WHEN MATCHED AND s.qty = 0 THEN DELETE "
         "WHEN MATCHED THEN UPDATE SET qty = t.qty + s.qty "
         "WHEN NOT MATCHED AND s.qty < 0 THEN DO NOTHING "
         "WHEN NOT MATCHED THEN INSERT (sku, qty) VALUES (s.sku, s.qty)")


def test_each_row_is_decided_once_then_each_clause_acts_on_its_rows():
    plan = merge.plan(MERGE)
    assert plan.work() == (
        "SELECT t.rowid::bigint AS sixfold_merge_row, (CASE WHEN t.rowid IS NULL THEN 0 ELSE CASE WHEN s.qty = 0 "
        "THEN 1 WHEN true THEN 2 ELSE 0 END END)::int AS sixfold_merge_action, s.* FROM deliveries AS s "
        "LEFT JOIN stock AS t ON t.sku = s.sku")
    # unmatched rows are decided over the work table alone: the target is not in scope there
    assert plan.unmatched == ("UPDATE sixfold_merge_work AS s SET sixfold_merge_action = CASE WHEN s.qty < 0 THEN 3 "
                              "WHEN true THEN 4 ELSE 0 END WHERE s.sixfold_merge_row IS NULL")
    assert plan.twice is not None and "IN (1, 2)" in plan.twice
    assert plan.steps == (
        "DELETE FROM stock AS t USING sixfold_merge_work AS s WHERE s.sixfold_merge_row = t.rowid AND "
        "s.sixfold_merge_action = 1",
        "UPDATE stock AS t SET qty = t.qty + s.qty FROM sixfold_merge_work AS s WHERE s.sixfold_merge_row = t.rowid "
        "AND s.sixfold_merge_action = 2",
        "INSERT INTO stock (sku, qty) SELECT s.sku, s.qty FROM sixfold_merge_work AS s WHERE "
        "s.sixfold_merge_row IS NULL AND s.sixfold_merge_action = 4")
    assert merge.MergePlan.from_parts(plan.parts) == plan
    assert plan.source_columns == "SELECT s.* FROM deliveries AS s LEFT JOIN stock AS t ON t.sku = s.sku"
    named = plan.work(["sku", "Qty"])
    assert named.startswith("SELECT t.rowid") and ', s."sku", s."Qty" FROM deliveries' in named


def test_only_inserts_need_no_check_for_rows_changed_twice():
    plan = merge.plan("MERGE INTO t USING (VALUES (1)) AS v(id) ON t.id = v.id WHEN NOT MATCHED THEN INSERT "
                      "VALUES (v.id)")
    assert plan.twice is None and plan.steps[0].startswith("INSERT INTO t SELECT v.id FROM sixfold_merge_work AS v")
    assert merge.plan("MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN DELETE").unmatched is None


@pytest.mark.parametrize("sql, sqlstate", [
    ("MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN DELETE WHEN MATCHED THEN DELETE", "42601"),
    ("MERGE INTO t USING s ON t.id = s.id WHEN NOT MATCHED THEN UPDATE SET a = 1", "42601"),
    ("MERGE INTO t USING s ON t.id = s.id WHEN NOT MATCHED THEN INSERT DEFAULT VALUES", "0A000"),
    ("MERGE INTO t USING s ON t.id = s.id WHEN NOT MATCHED THEN INSERT (a) VALUES (1, 2)", "42601"),
    ("WITH s AS (SELECT 1 AS id) MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN UPDATE SET a = "
     "(SELECT max(id) FROM s)", "0A000"),
    ("WITH RECURSIVE s AS (SELECT 1 AS id) MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN DELETE", "0A000"),
])
def test_refused(sql, sqlstate):
    with pytest.raises(SqlError) as e:
        merge.plan(sql)
    assert e.value.sqlstate == sqlstate


def test_work_table_has_the_selects_columns_and_no_name_twice():
    create, insert = merge.work_table([("sixfold_merge_row", "bigint"), ("sixfold_merge_action", "integer"),
                                       ("Sku", "text")])
    assert create == ('CREATE TEMP TABLE sixfold_merge_work ("sixfold_merge_row" bigint, "sixfold_merge_action" '
                      'integer, "Sku" text)')
    assert insert == "INSERT INTO sixfold_merge_work "
    with pytest.raises(SqlError) as e:
        merge.work_table([("sixfold_merge_row", "text"), ("sixfold_merge_action", "text"), ("a", "text"),
                          ("a", "int")])
    assert e.value.sqlstate == "42701"


def test_a_with_before_merge_is_carried_by_the_work_select():
    plan = merge.plan("WITH s AS (SELECT 1 AS id) MERGE INTO t USING s ON t.id = s.id WHEN MATCHED AND "
                      "t.id IN (SELECT id FROM s) THEN DELETE")
    assert plan.work().startswith("WITH s AS (SELECT 1 AS id) SELECT t.rowid")
    assert plan.source_columns == "WITH s AS (SELECT 1 AS id) SELECT s.* FROM s LEFT JOIN t AS t ON t.id = s.id"
    assert not any(step.startswith("WITH") for step in plan.steps)
