"""The group-commit hold (`sixfold/core/group_commit.py`): a hypothesis state machine
drives it with commit times and "more coming" flags and checks, after every step, that
no commit is ever held past its bound and that a commit nobody waits behind releases
everything at once."""

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from sixfold.core.group_commit import GroupCommitHold


def test_a_waiting_transaction_holds_the_commit_and_the_next_releases_it():
    g = GroupCommitHold(wait_ms=4, txns_max=4)
    g.on_commit(10.0, more_coming=True)
    assert g.held_until(10.0) == 10.004
    g.on_commit(10.002, more_coming=True)
    assert g.held_until(10.002) == 10.004, "the group's first commit bounds the hold"
    g.on_commit(10.003, more_coming=False)
    assert g.held_until(10.003) is None and g.groups == 1


def test_nobody_waiting_means_no_hold_and_a_full_group_leaves():
    g = GroupCommitHold(wait_ms=4, txns_max=2)
    g.on_commit(1.0, more_coming=False)
    assert g.held_until(1.0) is None
    g.on_commit(2.0, more_coming=True)
    g.on_commit(2.001, more_coming=True)  # the second of at most two: the group leaves
    assert g.held_until(2.001) is None
    assert GroupCommitHold(wait_ms=4, txns_max=1).held_until(0.0) is None


class HoldMachine(RuleBasedStateMachine):
    @initialize(wait_ms=st.integers(0, 20), txns_max=st.integers(1, 6))
    def start(self, wait_ms, txns_max):
        self.g = GroupCommitHold(wait_ms, txns_max)
        self.wait_s = wait_ms / 1000
        self.txns_max = txns_max
        self.now = 100.0
        self.pending: list[float] = []  # submit times of commits the links still hold

    @rule(dt_us=st.integers(0, 30_000), more=st.booleans())
    def commit(self, dt_us, more):
        self.now += dt_us / 1e6
        self._links_look()
        self.g.on_commit(self.now, more)
        self.pending.append(self.now)
        self._links_look()
        if not more:
            assert not self.pending, "a commit nobody waits behind is sent at once, with what was held"

    @rule(dt_us=st.integers(0, 30_000))
    def time_passes(self, dt_us):
        self.now += dt_us / 1e6
        self._links_look()

    def _links_look(self):
        if self.g.held_until(self.now) is None:
            self.pending.clear()  # the links send everything in the log

    @invariant()
    def never_held_past_the_bound_nor_beyond_the_group_size(self):
        if not hasattr(self, "g"):
            return
        until = self.g.held_until(self.now)
        if until is not None:
            assert self.pending and until <= self.pending[0] + self.wait_s + 1e-9
            assert len(self.pending) < self.txns_max
        for t in self.pending:
            assert self.now - t <= self.wait_s + 1e-9


HoldMachine.TestCase.settings = settings(max_examples=200, stateful_step_count=40, deadline=None)
TestHoldMachine = HoldMachine.TestCase
