"""json's -> / ->> / #> give the document's own text of a value (PostgreSQL keeps json as
written), jsonb's its jsonb text; a key's type says object or array."""

from __future__ import annotations

from compute_node.pg_sql import json_functions as J

DOC = '{"a": {"b" : 1.50}, "c": [1,  2], "d": 2e3, "e": "x\\u0041", "a": {"b" : 2}, "n" : null}'
W = J.AS_WRITTEN


def test_json_values_keep_their_text():
    assert J.pg_json_get(DOC, "a", W) == '{"b" : 2}'  # the last of duplicate keys
    assert J.pg_json_get(DOC, "c", W) == "[1,  2]"
    assert J.pg_json_get(DOC, "d", W) == "2e3" and J.pg_json_get(DOC, "d", W + 1) == "2e3"
    assert J.pg_json_get(DOC, "e", W) == '"x\\u0041"' and J.pg_json_get(DOC, "e", W + 1) == "xA"
    assert J.pg_json_get(DOC, "n", W) == "null" and J.pg_json_get(DOC, "n", W + 1) is None
    assert J.pg_json_get(DOC, "zz", W) is None
    assert J.pg_json_get(" [1.0, 2e3, {\"x\" : 1}] ", -1, W) == '{"x" : 1}'
    assert J.pg_json_path(DOC, "{c,1}", W) == "2" and J.pg_json_path(DOC, "{a,b}", W + 1) == "2"
    assert J.pg_json_extract_path(W, DOC, "c") == "[1,  2]"


def test_jsonb_values_are_jsonb_text():
    assert J.pg_json_get(DOC, "c", 0) == "[1, 2]"
    assert J.pg_json_get(DOC, "d", 1) == "2000"  # (jsonb keeps numbers as numeric: 2e3 is 2000)


def test_a_key_type_chooses_object_or_array():
    assert J.pg_json_get("[1, 2]", "1", 0) is None and J.pg_json_get("[1, 2]", 1, 0) == "2"
    assert J.pg_json_get('{"1": 5}', 1, 0) is None and J.pg_json_get('{"1": 5}', "1", 0) == "5"
    assert J.pg_json_get("[1, 2]", "1", W) is None and J.pg_json_get('{"1": 5}', 1, W) is None
    assert J.pg_json_path("[1, 2]", "{1}", 0) == "2"  # (a path's elements are text)
