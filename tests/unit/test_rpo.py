"""The managed RPO decision (`sixfold/core/rpo.py`)."""

from hypothesis import given
from hypothesis import strategies as st

from sixfold.core.rpo import rpo_allows

ms = st.floats(min_value=0, max_value=1e7, allow_nan=False)


def test_off_allows_everything_and_unknown_lag_allows_nothing():
    assert rpo_allows(0, None, 10_000)
    assert not rpo_allows(1_000, None, 0)
    assert rpo_allows(1_000, 0.0, 999)
    assert not rpo_allows(1_000, 0.0, 1_001)
    assert not rpo_allows(1_000, 600.0, 401)


@given(rpo=st.floats(min_value=1, max_value=1e6), lag=ms, age=ms, more=ms)
def test_allowed_only_when_the_bound_on_the_lag_now_is_within_the_rpo(rpo, lag, age, more):
    allowed = rpo_allows(rpo, lag, age)
    assert allowed == (lag + age <= rpo)
    if not allowed:  # an older report, or a worse lag, never turns a refusal into an allowance
        assert not rpo_allows(rpo, lag + more, age)
        assert not rpo_allows(rpo, lag, age + more)
