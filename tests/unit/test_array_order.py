"""Arrays ordered, sliced and quantified as PostgreSQL does (arrays.pg_array_cmp,
pg_array_slice, pg_array_quantified), and jsonb containment (json_functions), checked
against small models written from PostgreSQL's documented rules."""

from __future__ import annotations

import operator

from hypothesis import given
from hypothesis import strategies as st

from compute_node.pg_sql import arrays, json_functions

elements = st.lists(st.one_of(st.none(), st.integers(-5, 5)), max_size=5)
OPS = {"=": operator.eq, "<>": operator.ne, "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}


def text(items: list) -> str:
    return arrays.format_array([None if e is None else str(e) for e in items])


def order_key(items: list) -> list:
    """array_cmp's order: element by element, a NULL after every value, then the shorter first."""
    return [(1, 0) if e is None else (0, e) for e in items]


@given(elements, elements)
def test_array_order_is_element_wise_nulls_last_then_length(a, b):
    want = (order_key(a) > order_key(b)) - (order_key(a) < order_key(b))
    assert arrays.pg_array_cmp(text(a), text(b)) == want
    assert arrays.pg_array_cmp(text(b), text(a)) == -want  # antisymmetric


@given(elements, st.one_of(st.none(), st.integers(-6, 7)), st.one_of(st.none(), st.integers(-6, 7)))
def test_slice_keeps_the_elements_between_the_bounds(a, lo, hi):
    got = arrays.pg_array_slice(text(a), lo, 1, hi, 1)
    if lo is None or hi is None:
        assert got is None
        return
    first, last = max(lo, 1), min(hi, len(a))
    assert got == text(a[first - 1:last] if first <= last else [])
    assert arrays.pg_array_slice(text(a), None, 0, None, 0) == text(a)  # a[:]


@given(st.one_of(st.none(), st.integers(-5, 5)), elements, st.sampled_from(sorted(OPS)), st.booleans())
def test_any_and_all_are_three_valued_or_and_and(x, a, op, every):
    results = [None if x is None or e is None else OPS[op](x, e) for e in a]
    if every:
        want = False if False in results else None if None in results else True
    else:
        want = True if True in results else None if None in results else False
    got = arrays.pg_array_quantified(x, text(a), op, int(every))
    assert got == (None if want is None else int(want))


json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-3, 3), st.sampled_from(["a", "b", ""])),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.sampled_from("abc"), inner, max_size=3)),
    max_leaves=8)


@given(json_values)
def test_jsonb_contains_itself_and_every_part_of_an_object(v):
    doc = json_functions.values._json_text(v)
    assert json_functions.pg_jsonb_contains(doc, doc) == 1
    if isinstance(v, dict):
        for k, part in v.items():
            assert json_functions.pg_jsonb_contains(doc, json_functions.values._json_text({k: part})) == 1


def test_a_scalar_is_found_only_among_an_arrays_own_elements():
    assert json_functions.pg_jsonb_contains('["s"]', '"s"') == 1  # at the top level only
    assert json_functions.pg_jsonb_contains('[["s"]]', '"s"') == 0
    assert json_functions.pg_jsonb_contains('{"a": [1, 2]}', '{"a": 1}') == 0
    assert json_functions.pg_jsonb_contains('[1, [2]]', "[2]") == 0
    assert json_functions.pg_jsonb_contains('"s"', '["s"]') == 0
