"""The failover core under random health observations, promotions and their results.

Invariants: storage accepts only the newest epoch, and the writer the core names is
always that one (never two writers accepted); a promotion targets only a healthy,
synced replica, with the lowest tier among them, then the least lag; at most one
promotion is in flight; the generation grows with every change of writer."""

from __future__ import annotations

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from sixfold.core.failover import FailoverCore, InstanceState, Promote, Publish

NAMES = ["db-1", "db-2", "db-3", "db-4"]


def core(tiers=(0, 1, 1, 2), writer="db-1", detect_ms=1_500) -> FailoverCore:
    insts = {n: InstanceState(n, f"az{i % 3 + 1}", t, "writer" if n == writer else "replica")
             for i, (n, t) in enumerate(zip(NAMES, tiers))}
    return FailoverCore(insts, writer, detect_ms=detect_ms)


def healthy_replicas(c: FailoverCore, now: float, vdls: dict[str, int]) -> None:
    for n in NAMES:
        if n != c.writer:
            c.observe(n, now, True, role="replica", synced=True, vdl=vdls.get(n, 100))


def promotes(actions) -> list[Promote]:
    return [a for a in actions if isinstance(a, Promote)]


# --- table tests ------------------------------------------------------------------------
def test_writer_gone_promotes_lowest_tier_then_least_lag():
    c = core(tiers=(0, 2, 1, 1))
    c.observe("db-1", 0.0, True, role="writer", vdl=100)
    healthy_replicas(c, 0.0, {"db-2": 100, "db-3": 90, "db-4": 95})
    assert promotes(c.observe("db-1", 0.2, False, refused=True)) == []  # one refusal: maybe a restart
    [p] = promotes(c.observe("db-1", 0.4, False, refused=True))
    assert p.target == "db-4"  # tier 1 beats db-2's tier 2; db-4 lags less than db-3
    assert c.promoting == "db-4"
    assert promotes(c.tick(5.0)) == []  # one at a time
    assert Publish() in c.promoted("db-4", epoch=2, now_s=0.6)
    assert (c.writer, c.generation, c.instances["db-1"].role) == ("db-4", 2, "down")


def test_hung_writer_fails_over_only_after_the_detection_bound():
    c = core(detect_ms=1_500)
    c.observe("db-1", 0.0, True, role="writer")
    healthy_replicas(c, 0.0, {})
    assert promotes(c.observe("db-1", 1.0, False)) == []  # timeouts, not refusals
    assert promotes(c.observe("db-1", 1.4, False)) == []
    assert promotes(c.observe("db-1", 1.6, False))[0].target == "db-2"


def test_a_fenced_writer_that_still_answers_is_replaced_after_the_bound():
    # A promotion that failed (or timed out) may have fenced the writer anyway; it still
    # answers health checks, as "fenced". Counting those as successes would leave the
    # cluster without a writer for good.
    c = core(detect_ms=1_500)
    c.observe("db-1", 0.0, True, role="writer")
    healthy_replicas(c, 0.0, {})
    [p] = promotes(c.request_failover(0.0, "db-2"))
    assert promotes(c.promotion_failed("db-2", 0.5)) == []  # the writer looks fine so far
    assert promotes(c.observe("db-1", 1.0, True, role="fenced")) == []
    assert not c.instances["db-1"].healthy
    assert promotes(c.observe("db-1", 1.4, True, role="fenced")) == []
    [p] = promotes(c.observe("db-1", 1.6, True, role="fenced"))
    assert p.target == "db-3"  # db-2 failed its promotion: no longer counted as synced


def test_unsynced_or_unhealthy_replicas_are_never_promoted():
    c = core()
    c.observe("db-1", 0.0, True, role="writer")
    c.observe("db-2", 0.0, True, role="replica", synced=False)  # resynchronising
    c.observe("db-3", 0.0, False)
    c.observe("db-4", 0.0, True, role="replica", synced=True, vdl=5)
    [p] = promotes(c.observe("db-1", 0.2, False, refused=True) + c.observe("db-1", 0.4, False, refused=True))
    assert p.target == "db-4"


def test_no_candidate_no_promotion_until_one_appears():
    c = core()
    c.observe("db-1", 0.0, False, refused=True)
    assert promotes(c.observe("db-1", 0.2, False, refused=True)) == []
    [p] = promotes(c.observe("db-3", 0.3, True, role="replica", synced=True))
    assert p.target == "db-3"


def test_planned_failover_and_its_refusals():
    c = core()
    c.observe("db-1", 0.0, True, role="writer")
    healthy_replicas(c, 0.0, {})
    with pytest.raises(ValueError):
        c.request_failover(0.0, "db-1")
    [p] = promotes(c.request_failover(0.0, "db-3"))
    assert p.target == "db-3"
    with pytest.raises(ValueError):
        c.request_failover(0.0, "db-2")  # one at a time
    assert c.promoted("db-2", 5, 0.1) == []  # not the one in flight
    c.promotion_failed("db-3", 0.1)
    assert c.writer == "db-1" and c.promoting is None


def test_a_promotion_whose_answer_was_lost_is_adopted_not_replaced():
    c = core()
    c.observe("db-1", 0.0, True, role="writer", epoch=3)
    healthy_replicas(c, 0.0, {})
    assert c.epoch == 3  # learnt from the writer's health
    [p] = promotes(c.request_failover(0.0, "db-2"))
    c.promotion_failed("db-2", 10.0)  # timed out; db-2 opened the volume at epoch 4 anyway
    assert promotes(c.observe("db-3", 10.1, True, role="writer", epoch=3)) == []  # not newer: ignored
    assert c.writer == "db-1"
    assert Publish() in c.observe("db-2", 10.2, True, role="writer", epoch=4)
    assert (c.writer, c.epoch, c.generation, c.promoting) == ("db-2", 4, 2, None)
    assert c.instances["db-1"].role == "down"
    assert c.promoted("db-2", 4, 10.3) == []  # the late answer changes nothing


def test_a_writer_report_during_another_promotion_is_ignored():
    c = core()
    c.observe("db-1", 0.0, True, role="writer", epoch=1)
    healthy_replicas(c, 0.0, {})
    c.request_failover(0.0, "db-2")
    c.observe("db-3", 0.1, True, role="writer", epoch=2)
    assert (c.writer, c.promoting) == ("db-1", "db-2")
    c.observe("db-2", 0.2, True, role="writer", epoch=3)  # the one in flight: its result, early
    assert (c.writer, c.epoch, c.promoting) == ("db-2", 3, None)


# --- the state machine --------------------------------------------------------------------
class FailoverMachine(RuleBasedStateMachine):
    """Reality is modelled as storage sees it: each successful promotion opens the
    volume at a new epoch (`storage_epoch`), and only the instance holding it can write.
    A promotion may also succeed at storage while the control plane never hears of it
    ("lost"); the instance then reports itself the writer until the core adopts it."""

    @initialize(tiers=st.lists(st.integers(0, 15), min_size=4, max_size=4))
    def setup(self, tiers):
        self.c = core(tiers=tuple(tiers))
        self.now = 0.0
        self.storage_epoch = 0  # the newest epoch a promotion opened: what storage accepts
        self.epoch_of: dict[str, int] = {"db-1": 0}
        self.last_generation = self.c.generation
        self.last_epoch = self.c.epoch
        self.in_flight: Promote | None = None

    def _real_writer(self) -> str:
        return next(n for n, e in self.epoch_of.items() if e == self.storage_epoch)

    def _check_promotes(self, actions, target: str | None = None) -> None:
        """At most one promotion; of the replica asked for in a planned failover, else of
        the best candidate (lowest tier, then most caught up)."""
        ps = promotes(actions)
        assert len(ps) <= 1
        for p in ps:
            assert self.in_flight is None, "two promotions in flight"
            best = self.c.candidates()
            chosen = self.c.instances[p.target]
            assert chosen.healthy and chosen.synced and p.target != self.c.writer
            if target:
                assert p.target == target
            else:
                assert (chosen.tier, -chosen.vdl, chosen.name) == (best[0].tier, -best[0].vdl, best[0].name)
            self.in_flight = p

    @rule(name=st.sampled_from(NAMES), ok=st.booleans(), refused=st.booleans(), synced=st.booleans(),
          vdl=st.integers(0, 1_000), dt=st.floats(0.0, 1.0), noticed_fence=st.booleans())
    def health(self, name, ok, refused, synced, vdl, dt, noticed_fence):
        self.now += dt
        if self.in_flight is not None and name == self.in_flight.target:
            role = "promoting"
        elif name == self._real_writer():
            role = "writer"
        elif name in self.epoch_of:  # an old writer: fenced, whether it noticed yet or not
            role = "fenced" if noticed_fence else "writer"
        else:
            role = "replica"
        adoptable = ok and role == "writer" and self.c.promoting is None and name != self.c.writer
        before = self.c.epoch
        self._check_promotes(self.c.observe(name, self.now, ok, refused=refused and not ok, role=role,
                                            synced=synced and role == "replica", vdl=vdl,
                                            epoch=self.epoch_of.get(name, 0)))
        if adoptable and self.epoch_of[name] > before:
            assert (self.c.writer, self.c.epoch) == (name, self.epoch_of[name])

    @rule(dt=st.floats(0.0, 3.0))
    def tick(self, dt):
        self.now += dt
        self._check_promotes(self.c.tick(self.now))

    @rule(choice=st.none() | st.sampled_from(NAMES))
    def planned(self, choice):
        target = choice
        try:
            actions = self.c.request_failover(self.now, target)
        except ValueError:
            return
        self._check_promotes(actions, target)

    @precondition(lambda self: self.in_flight is not None)
    @rule(outcome=st.sampled_from(["success", "failure", "lost"]), stale=st.sampled_from(NAMES))
    def promotion_result(self, outcome, stale):
        p = self.in_flight
        # A result for another instance than the one in flight changes nothing.
        if stale != p.target:
            before = (self.c.writer, self.c.generation, self.c.promoting)
            assert self.c.promoted(stale, self.storage_epoch + 100, self.now) == []
            assert (self.c.writer, self.c.generation, self.c.promoting) == before
        self.in_flight = None
        if outcome != "failure":
            self.storage_epoch += 1  # recovery: a new epoch fences every older writer
            self.epoch_of[p.target] = self.storage_epoch
        if outcome == "success":
            self.c.promoted(p.target, self.storage_epoch, self.now)
        else:  # failed, or its answer never came (the control plane gave up on it)
            self._check_promotes(self.c.promotion_failed(p.target, self.now))

    @invariant()
    def one_writer_accepted_by_storage(self):
        if not hasattr(self, "c"):
            return
        # The core names the writer of the newest epoch it knows of; once it knows the
        # newest epoch of all, that writer is the only one storage accepts.
        assert self.c.epoch <= self.storage_epoch
        assert self.epoch_of.get(self.c.writer, -1) == self.c.epoch
        if self.c.epoch == self.storage_epoch:
            assert self._real_writer() == self.c.writer

    @invariant()
    def generation_and_epoch_grow_with_each_writer(self):
        if not hasattr(self, "c"):
            return
        assert self.c.generation >= self.last_generation
        assert self.c.epoch >= self.last_epoch
        self.last_generation, self.last_epoch = self.c.generation, self.c.epoch
        assert self.c.generation == 1 + len(self.c.history)
        assert (self.c.promoting is None) == (self.in_flight is None)


TestFailoverMachine = FailoverMachine.TestCase
TestFailoverMachine.settings = settings(max_examples=300, stateful_step_count=40, deadline=None)
