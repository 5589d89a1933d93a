"""The list-append checker: hand-made histories with each known anomaly are reported
under the right name with their evidence; histories from a serial and from a
snapshot-isolation simulation are clean."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from sixfold.checkers.anomalies import (
    DUPLICATE, G0, G1A, G1B, G1C, G2, G_SINGLE, GARBAGE, INCOMPATIBLE_ORDER, INTERNAL, LOST_UPDATE,
    READ_COMMITTED_FORBIDS, SERIALIZABLE_FORBIDS, SNAPSHOT_ISOLATION_FORBIDS,
)
from sixfold.checkers.list_append import check
from sixfold.workloads.base import FAIL, INFO, INVOKE, OK, History, Op


def A(k, v):
    return ("append", k, v)


def R(k, *elements):
    return ("r", k, list(elements))


def T(index: int, *mops, type: str = OK, process: int | None = None) -> Op:
    return Op(index, index if process is None else process, list(mops), type, float(index), index + 0.5)


def kinds(ops, forbidden=SERIALIZABLE_FORBIDS) -> set[str]:
    return set(check(ops, forbidden).counts)


# --- clean histories ----------------------------------------------------------------------
def test_a_serial_history_is_valid():
    ops = [T(0, A(1, 1), R(1, 1)), T(1, R(1, 1), A(1, 2), A(2, 1)), T(2, R(1, 1, 2), R(2, 1)),
           T(3, A(2, 2), R(2, 1, 2), A(1, 3)), T(4, R(1, 1, 2, 3), R(2, 1, 2))]
    result = check(ops)
    assert result.valid, result.render()
    assert result.stats["committed"] == 5 and result.stats["edges"] > 0


def test_empty_and_read_only_histories_are_valid():
    assert check([]).valid
    assert check([T(0, R(1)), T(1, R(1), R(2))]).valid


# --- each anomaly, named --------------------------------------------------------------------
def test_g0_write_cycle():
    # x: T1's 1 then T2's 2; y: T2's 1 then T1's 2.
    ops = [T(1, A("x", 1), A("y", 2)), T(2, A("x", 2), A("y", 1)), T(3, R("x", 1, 2), R("y", 1, 2))]
    result = check(ops)
    assert G0 in result.counts
    cycle = result.anomalies[G0][0].cycle
    assert {e.kind for e in cycle} == {"ww"} and {e.src for e in cycle} == {1, 2}


def test_g1a_aborted_read():
    ops = [T(1, A("x", 1), type=FAIL), T(2, R("x", 1))]
    result = check(ops)
    assert set(result.counts) == {G1A}
    assert "T1" in result.anomalies[G1A][0].summary and "failed" in result.anomalies[G1A][0].summary


def test_g1b_intermediate_read():
    ops = [T(1, A("x", 1), A("x", 2)), T(2, R("x", 1)), T(3, R("x", 1, 2))]
    assert G1B in kinds(ops)


def test_g1c_circular_information_flow():
    ops = [T(1, A("x", 1), R("y", 1)), T(2, A("y", 1), R("x", 1))]
    result = check(ops)
    assert G1C in result.counts
    assert {e.kind for e in result.anomalies[G1C][0].cycle} == {"wr"}


def test_g_single_read_skew():
    # T2 saw T1's y but not its x.
    ops = [T(1, A("x", 1), A("y", 1)), T(2, R("x"), R("y", 1)), T(3, R("x", 1), R("y", 1))]
    result = check(ops, SNAPSHOT_ISOLATION_FORBIDS)
    assert set(result.counts) == {G_SINGLE}
    assert not result.valid
    assert sorted(e.kind for e in result.anomalies[G_SINGLE][0].cycle) == ["rw", "wr"]


def test_lost_update_is_named_with_its_g_single():
    ops = [T(1, R("x"), A("x", 1)), T(2, R("x"), A("x", 2)), T(3, R("x", 1, 2))]
    result = check(ops, SNAPSHOT_ISOLATION_FORBIDS)
    assert {LOST_UPDATE, G_SINGLE} <= set(result.counts)
    assert [o.index for o in result.anomalies[LOST_UPDATE][0].ops] == [1, 2]


def test_the_issue_example_two_concurrent_writers_of_one_key():
    # T2336 read key 92 without T2334's element, appended after it, both committed.
    ops = [T(2334, A(92, 5)), T(2336, R(92, 1, 2, 3, 4), A(92, 6)), T(2340, R(92, 1, 2, 3, 4, 5, 6))]
    result = check(ops, SNAPSHOT_ISOLATION_FORBIDS)
    assert G_SINGLE in result.counts
    text = result.render()
    assert "T2336 -rw(k92)-> T2334 -ww(k92)-> T2336" in text, text


def test_g2_write_skew_is_allowed_by_snapshot_isolation_only():
    ops = [T(1, R("x"), R("y"), A("x", 1)), T(2, R("x"), R("y"), A("y", 1)), T(3, R("x", 1), R("y", 1))]
    assert check(ops, SNAPSHOT_ISOLATION_FORBIDS).valid
    result = check(ops, SERIALIZABLE_FORBIDS)
    assert set(result.counts) == {G2}
    assert [e.kind for e in result.anomalies[G2][0].cycle] == ["rw", "rw"]


def test_g2_through_appends_no_read_saw():
    # T1 and T2 each read the longest version of a key the other then appended to
    # (elements nobody read): still write skew.
    ops = [T(0, A("k", 1)), T(1, R("k", 1), A("j", 1)), T(2, R("j"), A("k", 2))]
    assert G2 in kinds(ops)


def test_internal_inconsistency_reread_sees_another_commit():
    ops = [T(0, A("x", 1)), T(2, A("x", 2)),
           T(1, R("x", 1), A("x", 3), R("x", 1, 2, 3))]
    result = check(ops, SNAPSHOT_ISOLATION_FORBIDS)
    assert INTERNAL in result.counts
    assert "earlier read plus its own appends make [1,3]" in result.anomalies[INTERNAL][0].summary


def test_internal_inconsistency_read_lacks_own_append():
    assert INTERNAL in kinds([T(1, A("x", 1), R("x"))])


def test_read_committed_allows_rereads_that_see_new_commits():
    ops = [T(0, A("x", 1)), T(2, A("x", 2)), T(1, R("x", 1), R("x", 1, 2))]
    assert check(ops, READ_COMMITTED_FORBIDS).valid
    assert not check(ops, SNAPSHOT_ISOLATION_FORBIDS).valid


def test_duplicate_elements():
    assert DUPLICATE in kinds([T(1, A("x", 1)), T(2, R("x", 1, 1))])


def test_incompatible_orders():
    ops = [T(1, A("x", 1)), T(2, A("x", 2)), T(3, R("x", 1, 2)), T(4, R("x", 2, 1))]
    result = check(ops)
    assert INCOMPATIBLE_ORDER in result.counts


def test_garbage_read():
    assert GARBAGE in kinds([T(1, R("x", 99))])


# --- unknown outcomes -------------------------------------------------------------------------
def test_an_info_transaction_may_have_committed():
    ops = [T(1, A("x", 1), R("y", None), type=INFO), T(2, R("x", 1))]
    ops[0].value = [A("x", 1), ("r", "y", None)]  # an unknown outcome has no read results
    result = check(ops)
    assert result.valid, result.render()
    assert result.stats["committed"] == 2  # it was seen: it committed


def test_an_unseen_info_or_unfinished_transaction_is_ignored():
    ops = [T(1, A("x", 1), type=INFO), T(2, R("x")), T(3, A("x", 2), type=INVOKE), T(4, R("x"))]
    result = check(ops)
    assert result.valid and result.stats["committed"] == 2


def test_a_seen_info_transaction_takes_part_in_cycles():
    ops = [T(1, A("x", 1), A("y", 2), type=INFO), T(2, A("x", 2), A("y", 1)), T(3, R("x", 1, 2), R("y", 1, 2))]
    assert G0 in kinds(ops)


def test_unique_elements_are_required():
    import pytest

    with pytest.raises(ValueError, match="unique"):
        check([T(1, A("x", 1)), T(2, A("x", 1))])


# --- the workload's history round-trips -----------------------------------------------------
def test_history_records_outcomes_and_round_trips():
    h = History()
    a = h.invoke(0, [A(1, 1), ("r", 1, None)])
    b = h.invoke(1, [A(1, 2)])
    h.ok(a, [A(1, 1), R(1, 1)])
    h.fail(b, "40001: could not serialize access")
    again = History.loads(h.dumps())
    assert [(o.index, o.type, o.value, o.error) for o in again] == [(o.index, o.type, o.value, o.error) for o in h]
    assert check(again).valid
    assert "T0 p0 ok" in again.ops[0].describe() and "r(1)=[1]" in again.ops[0].describe()


# --- generated histories -----------------------------------------------------------------------
def _plan(rng: random.Random, keys: int) -> list[tuple[str, int]]:
    return [(rng.choice(("r", "append")), rng.randrange(keys)) for _ in range(rng.randint(1, 4))]


def serial_history(seed: int, n: int, keys: int = 4, rotate_every: int = 0) -> list[Op]:
    """Transactions run one after another; some fail (no effect), some end unknown
    (applied or not, their reads unrecorded). With `rotate_every`, the keys in use
    move on every that many transactions (lists stay short, as in the workload)."""
    rng = random.Random(seed)
    state: dict[int, list[int]] = {}
    counter: dict[int, int] = {}
    ops = []
    for i in range(n):
        outcome = rng.choices((OK, FAIL, INFO), (8, 1, 1))[0]
        applied = outcome == OK or (outcome == INFO and rng.random() < 0.5)
        local: dict[int, list[int]] = {}  # the keys this transaction changed
        value = []
        base = i // rotate_every * keys if rotate_every else 0
        for f, k in _plan(rng, keys):
            k += base
            if f == "append":
                counter[k] = counter.get(k, 0) + 1
                local.setdefault(k, list(state.get(k, []))).append(counter[k])
                value.append(A(k, counter[k]))
            else:
                value.append(("r", k, list(local.get(k, state.get(k, []))) if outcome == OK else None))
        if applied:
            state.update(local)
        ops.append(Op(i, rng.randrange(4), value, outcome, float(i), i + 0.5))
    return ops


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**31), st.integers(1, 60))
def test_serial_histories_are_serializable(seed, n):
    result = check(serial_history(seed, n))
    assert result.valid, result.render()


def si_history(seed: int, n: int, keys: int = 3, first_committer_wins: bool = True) -> list[Op]:
    """A snapshot-isolation simulation: begins and commits interleave at random; each
    transaction reads its snapshot plus its own appends; at commit, first committer
    wins (a key it appended to was committed by another after its snapshot: fail).
    Without that rule it is the bug the isolation test found: concurrent writers of
    one key both commit."""
    rng = random.Random(seed)
    events = []
    for i in range(n):
        events += [("begin", i), ("commit", i)]
    order = []  # a random interleaving that keeps each begin before its commit
    pending = {i: 0 for i in range(n)}
    while events:
        ready = [e for e in events if e[0] == "begin" or pending[e[1]] == 1]
        e = rng.choice(ready)
        events.remove(e)
        pending[e[1]] += 1
        order.append(e)
    state: dict[int, list[int]] = {}
    last_commit: dict[int, int] = {}  # key -> version (commit count) that last wrote it
    commits = 0
    counter: dict[int, int] = {}
    txns: dict[int, dict] = {}
    ops: dict[int, Op] = {}
    for kind, i in order:
        if kind == "begin":
            txns[i] = {"snapshot": {k: list(v) for k, v in state.items()}, "at": commits, "plan": _plan(rng, keys)}
            continue
        t = txns[i]
        local, value, wrote = t["snapshot"], [], set()
        for f, k in t["plan"]:
            if f == "append":
                counter[k] = counter.get(k, 0) + 1
                local.setdefault(k, []).append(counter[k])
                value.append(A(k, counter[k]))
                wrote.add(k)
            else:
                value.append(("r", k, list(local.get(k, []))))
        if first_committer_wins and any(last_commit.get(k, 0) > t["at"] for k in wrote):
            ops[i] = Op(i, i % 4, [(f, k, None if f == "r" else v) for f, k, v in value], FAIL, float(i), i + 0.5)
            continue
        commits += 1
        for f, k, v in value:
            if f == "append":
                state.setdefault(k, []).append(v)
                last_commit[k] = commits
        ops[i] = Op(i, i % 4, value, OK, float(i), i + 0.5)
    return [ops[i] for i in range(n)]


@settings(max_examples=80, deadline=None)
@given(st.integers(0, 2**31), st.integers(2, 40))
def test_snapshot_isolation_histories_have_no_anomaly_si_forbids(seed, n):
    result = check(si_history(seed, n), SNAPSHOT_ISOLATION_FORBIDS)
    assert result.valid, result.render()


def test_snapshot_isolation_simulation_does_show_write_skew():
    """The simulation is not accidentally serial: some seed yields G2."""
    assert any(G2 in check(si_history(seed, 30)).counts for seed in range(200))


def test_snapshot_isolation_without_first_committer_wins_is_caught():
    found = set()
    for seed in range(50):
        found |= set(check(si_history(seed, 30, first_committer_wins=False), SNAPSHOT_ISOLATION_FORBIDS).found)
    assert {LOST_UPDATE, G_SINGLE} <= found, found


def test_a_long_history_checks():
    ops = serial_history(7, 20_000, keys=10, rotate_every=200)
    result = check(ops)
    assert result.valid and result.stats["txns"] == 20_000
