"""The ordered-set and bit aggregates (ordered_set.py) on sorted inputs, against
definitions written out here."""

from __future__ import annotations

import math
from collections import Counter

import apsw
import pytest
from hypothesis import given
from hypothesis import strategies as st

from compute_node.pg_sql import ordered_set

values = st.lists(st.one_of(st.none(), st.integers(-1000, 1000)), max_size=40)
fractions = st.floats(0, 1)


def _run(agg, rows):
    for row in rows:
        agg.step(*row)
    return agg.final()


@given(values, fractions)
def test_percentile_disc_is_the_first_value_at_or_past_the_fraction(xs, f):
    present = sorted(x for x in xs if x is not None)
    got = _run(ordered_set._Percentile(False), [(f, x) for x in sorted(xs, key=lambda x: (x is None, x))])
    if not present:
        assert got is None
        return
    # the smallest value whose cumulative share of the rows reaches f
    want = next(v for i, v in enumerate(present, 1) if i / len(present) >= f or i == len(present))
    assert got == want


@given(values, fractions)
def test_percentile_cont_interpolates_between_neighbours(xs, f):
    present = sorted(x for x in xs if x is not None)
    got = _run(ordered_set._Percentile(True), [(f, x) for x in present])
    if not present:
        assert got is None
        return
    pos = f * (len(present) - 1)
    lo, hi = present[math.floor(pos)], present[math.ceil(pos)]
    assert min(lo, hi) <= got <= max(lo, hi)
    assert got == pytest.approx(lo + (hi - lo) * (pos - math.floor(pos)))


def test_percentile_checks_the_fraction_only_when_rows_came():
    assert _run(ordered_set._Percentile(True), []) is None
    with pytest.raises(apsw.SQLError, match=r"\[22003\] percentile value 1.5 is not between 0 and 1"):
        _run(ordered_set._Percentile(True), [(1.5, None)])
    assert _run(ordered_set._Percentile(False), [(None, 3)]) is None


@given(values)
def test_mode_is_the_first_most_frequent_value_in_sort_order(xs):
    present = sorted(x for x in xs if x is not None)
    got = _run(ordered_set._Mode(), [(x,) for x in sorted(xs, key=lambda x: (x is None, x))])
    if not present:
        assert got is None
        return
    counts = Counter(present)
    top = max(counts.values())
    assert got == min(v for v, c in counts.items() if c == top)


@given(values)
def test_bit_aggregates_fold_the_non_null_values(xs):
    present = [x for x in xs if x is not None]
    for op, fold in (("and", lambda a, b: a & b), ("or", lambda a, b: a | b), ("xor", lambda a, b: a ^ b)):
        want = None
        for x in present:
            want = x if want is None else fold(want, x)
        assert _run(ordered_set._Bits(op), [(x,) for x in xs]) == want
