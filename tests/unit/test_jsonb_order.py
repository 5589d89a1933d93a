"""jsonb's btree order (json_functions.pg_jsonb_cmp), which < > <= >= on jsonb use. Pure."""

import pytest

from compute_node.pg_sql.json_functions import pg_jsonb_cmp


@pytest.mark.parametrize("a, b, want", [
    ('"B"', '"a"', -1), ("2", "10", -1), ("[]", "1", -1), ("1", "[1]", -1), ('{"b":1}', '{"aa":1}', 1),
    ("true", "5", 1), ("null", '""', -1), ("[1,2]", "[3]", 1), ("25", "25.0", 0), ('[1,"a"]', "[1,2]", -1),
    ('{"a":1,"b":2}', '{"a":1,"b":3}', -1), ("{}", "[]", 1),
])
def test_jsonb_order_is_postgres_btree_order(a, b, want):
    """(Each pair checked against PostgreSQL 15 when written; jsonb is compared by type,
    numbers by value, containers by size first.)"""
    assert pg_jsonb_cmp(a, b) == want
    assert pg_jsonb_cmp(b, a) == -want
