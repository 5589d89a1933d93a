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
    """Links send only when told: a commit that releases the group, or the timer the
    writer sets for a new group (which may fire late: the event loop was busy)."""

    @initialize(wait_ms=st.integers(0, 20), txns_max=st.integers(1, 6))
    def start(self, wait_ms, txns_max):
        self.g = GroupCommitHold(wait_ms, txns_max)
        self.wait_s = wait_ms / 1000
        self.txns_max = txns_max
        self.now = 100.0
        self.pending: list[float] = []  # submit times of commits the links still hold
        self.timers: list[float] = []  # hold ends a timer is set for

    @rule(dt_us=st.integers(0, 30_000), more=st.booleans(), timer_fired_first=st.booleans())
    def commit(self, dt_us, more, timer_fired_first):
        self.now += dt_us / 1e6
        if timer_fired_first:
            self._fire_due_timers()
        before = self.g.held_until(self.now)
        self.g.on_commit(self.now, more)
        self.pending.append(self.now)
        until = self.g.held_until(self.now)
        if until is None:
            self.pending.clear()  # the writer wakes every link: they send the whole log
        else:
            assert until > self.now and until <= self.pending[0] + self.wait_s + 1e-9, \
                "a held commit never waits past its group's first commit plus the bound"
            if until != before:
                self.timers.append(until)
        if not more:
            assert not self.pending, "a commit nobody waits behind is sent at once, with what was held"

    @rule(dt_us=st.integers(0, 30_000))
    def time_passes(self, dt_us):
        self.now += dt_us / 1e6
        self._fire_due_timers()

    def _fire_due_timers(self):
        for until in [t for t in self.timers if t <= self.now]:
            self.timers.remove(until)
            if self.g.expire(until):
                self.pending.clear()

    @invariant()
    def groups_stay_small_and_every_hold_has_its_timer(self):
        if not hasattr(self, "g"):
            return
        assert len(self.pending) < self.txns_max or not self.pending
        if self.pending:
            assert self.g.until_s in self.timers, "a held group always has a timer that releases it"


HoldMachine.TestCase.settings = settings(max_examples=200, stateful_step_count=40, deadline=None)
TestHoldMachine = HoldMachine.TestCase


def test_a_group_whose_time_ran_out_leaves_with_the_next_commit_and_late_timers_do_nothing():
    g = GroupCommitHold(wait_ms=4, txns_max=8)
    g.on_commit(1.000, more_coming=True)
    g.on_commit(1.010, more_coming=True)  # the timer has not fired yet: the group leaves now
    assert g.held_until(1.010) is None
    assert not g.expire(1.004), "the timer of a group that left releases nothing"
    g.on_commit(1.020, more_coming=True)
    assert g.expire(1.024) and g.held_until(1.021) is None, "a timer firing a hair early still releases"
