"""The chaos fault schedule and the availability arithmetic: pure, so checked here
without a cluster. Property tests run over seeds hypothesis picks (and prints when one
fails); the same seed must always give the same schedule."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from sixfold.chaos.liveness import commit_buckets, resume_gaps, window_availability
from sixfold.chaos.schedule import MAIN_NEMESES, NEMESES, WRITER, Layout, ScheduleConfig, make_schedule, storage_down
from sixfold.workloads.base import FAIL, INFO, OK, Op

LAYOUT = Layout(
    storage_by_az={az: (f"sn-{az}-a", f"sn-{az}-b") for az in ("az1", "az2", "az3")},
    compute_by_az={"az1": ("db-1",), "az2": ("db-2",), "az3": ("db-3",)},
    others=("control-plane", "router"))
SEEDS = st.integers(0, 2**32 - 1)
NEMESIS_SETS = st.sets(st.sampled_from(sorted(NEMESES)), min_size=1).map(lambda s: tuple(sorted(s)))


@settings(max_examples=200, deadline=None)
@given(seed=SEEDS, nemeses=NEMESIS_SETS, duration=st.floats(20, 900))
def test_same_seed_same_schedule_and_every_fault_heals_inside_the_run(seed, nemeses, duration):
    cfg = ScheduleConfig(duration_s=duration, nemeses=nemeses, seed=seed)
    a, b = make_schedule(cfg, LAYOUT), make_schedule(cfg, LAYOUT)
    assert [f.to_json() for f in a] == [f.to_json() for f in b]
    assert [f.start_s for f in a] == sorted(f.start_s for f in a)
    assert [f.index for f in a] == list(range(len(a)))
    for f in a:
        assert f.kind in nemeses
        assert f.start_s >= cfg.first_s or f.kind in ("writer-kill", "writer-pause")
        assert f.end_s <= duration - cfg.quiet_tail_s + 1e-9  # healed before the run ends
        assert f.duration_s > 0 and f.targets


@settings(max_examples=200, deadline=None)
@given(seed=SEEDS, nemeses=NEMESIS_SETS)
def test_main_timeline_never_takes_more_than_an_az_plus_one_storage_node(seed, nemeses):
    faults = make_schedule(ScheduleConfig(duration_s=600, nemeses=nemeses, seed=seed), LAYOUT)
    main = [f for f in faults if f.kind not in ("writer-kill", "writer-pause")]
    for f, g in zip(main, main[1:]):
        assert f.end_s < g.start_s  # one main fault at a time, with a gap
    for f in main:
        down = storage_down(faults, LAYOUT, f.start_s)
        if f.kind == "stall":
            assert len(down) == 3 and f.params["returns_first"] in down
            continue
        assert len(down) <= 3
        azs = {n.split("-")[1] for n in down}
        if len(down) == 3:  # an AZ plus one: two of the three in one AZ
            assert f.kind == "az-plus-one" and len(azs) == 2
        if f.kind in ("corrupt", "disk-loss"):
            assert len(f.targets) == 1 and f.targets[0] in LAYOUT.storage
        if f.kind == "disk-loss-2":
            assert len(f.targets) == 2 and len(azs) == 2 and set(f.targets) <= set(LAYOUT.storage)
        if f.kind == "clock-jump":
            assert 1 <= abs(f.params["offset_s"]) <= 3600


@settings(max_examples=100, deadline=None)
@given(seed=SEEDS)
def test_every_nemesis_gets_its_turn_in_each_round(seed):
    faults = make_schedule(ScheduleConfig(duration_s=900, nemeses=MAIN_NEMESES, seed=seed), LAYOUT)
    kinds = [f.kind for f in faults]
    n = len(MAIN_NEMESES)
    assert len(kinds) >= n
    for r in range(len(kinds) // n):
        assert sorted(kinds[r * n:(r + 1) * n]) == sorted(MAIN_NEMESES)


def test_writer_kills_keep_their_times_when_main_nemeses_change():
    only = make_schedule(ScheduleConfig(duration_s=200, nemeses=("writer-kill",), seed=7), LAYOUT)
    mixed = make_schedule(ScheduleConfig(duration_s=200, nemeses=("writer-kill", "pause", "az-loss"), seed=7), LAYOUT)
    kills = [(f.start_s, f.duration_s) for f in only]
    assert kills == [(f.start_s, f.duration_s) for f in mixed if f.kind == "writer-kill"]
    assert [s for s, _ in kills] == [30.0 * i for i in range(1, len(kills) + 1)]
    assert all(f.targets == (WRITER,) for f in only)
    assert make_schedule(ScheduleConfig(duration_s=200, nemeses=("writer-kill",), seed=8), LAYOUT) != only
    both = make_schedule(ScheduleConfig(duration_s=200, nemeses=("writer-kill", "writer-pause"), seed=7), LAYOUT)
    assert [f.kind for f in both][:4] == ["writer-kill", "writer-pause", "writer-kill", "writer-pause"]


def op(i: int, t: str, end: float, write: bool = True) -> Op:
    return Op(i, 0, [("append", 1, i)] if write else [("r", 1, None)], t, end - 0.01, end)


def test_commit_buckets_and_window_availability():
    ops = [op(0, OK, 0.5), op(1, FAIL, 1.2), op(2, INFO, 1.7), op(3, OK, 3.1), op(4, OK, 3.9, write=False)]
    b = commit_buckets([(0.0, o) for o in ops])
    assert set(commit_buckets([(2.0, o) for o in ops])) == {2, 3, 5}  # shifted to the run's clock
    assert {s: (x.ok, x.fail, x.info) for s, x in b.items()} == {0: (1, 0, 0), 1: (0, 1, 1), 3: (1, 0, 0)}
    w = window_availability(b, 0.0, 4.0)
    assert (w["seconds"], w["seconds_with_commits"], w["commit_seconds_fraction"]) == (4, 2, 0.5)
    assert w["success_fraction_mean"] == 0.5  # 1, 0, 0 (no attempt), 1
    assert window_availability(b, 2.5, 2.9)["seconds"] == 0


def test_resume_gaps_flag_a_stall_and_a_run_that_never_resumes():
    ops = [(0.0, op(0, OK, 1.0)), (0.0, op(1, OK, 12.0)), (0.5, op(2, FAIL, 13.0))]
    rows, bad = resume_gaps(ops, [("node back", 1.5), ("late", 12.5)], bound_s=5.0, run_end_s=20.0)
    assert rows[0] == {"moment": "node back", "t": 1.5, "resumed_after_s": 10.5}
    assert rows[1]["resumed_after_s"] is None
    assert len(bad) == 2 and "no commit for 10.5 s" in bad[0] and "7.5 s left" in bad[1]
    rows, bad = resume_gaps(ops, [("quick", 11.0)], bound_s=5.0, run_end_s=20.0)
    assert bad == [] and rows[0]["resumed_after_s"] == 1.0


@settings(max_examples=100, deadline=None)
@given(seed=SEEDS)
def test_a_stall_is_long_enough_for_reconnect_backoff_to_matter(seed):
    faults = make_schedule(ScheduleConfig(duration_s=300, nemeses=("stall",), seed=seed), LAYOUT)
    assert faults
    for f in faults:
        back = f.params["returns_after_s"]
        assert 10 <= back <= 25 and f.start_s + back < f.end_s


def test_region_schedule_is_seeded_and_one_fault_at_a_time():
    from sixfold.chaos.regions import REGION_FAULTS, region_schedule

    a, b = region_schedule(5, 120.0), region_schedule(5, 120.0)
    assert a == b and a != region_schedule(6, 120.0)
    assert {f.kind for f in a} <= set(REGION_FAULTS)
    for f, nxt in zip(a, a[1:]):
        assert f.at_s + f.hold_s < nxt.at_s  # healed before the next one strikes
    assert a[-1].at_s + a[-1].hold_s <= 120.0


def test_a_link_cut_without_iptables_pauses_the_replication_server(monkeypatch):
    """Region chaos on a machine without iptables: the link cut pauses the primary's
    replication server instead (it used to end the run with FileNotFoundError)."""
    from types import SimpleNamespace

    from sixfold.chaos import regions

    calls = []
    region = SimpleNamespace(spec=SimpleNamespace(replication=SimpleNamespace(port=5999)),
                             pause=lambda name: calls.append(("pause", name)),
                             resume=lambda name: calls.append(("resume", name)))
    g = SimpleNamespace(primary="r1", regions={"r1": region})  # a fake: only what link_cut touches
    monkeypatch.setattr(regions.shutil, "which", lambda name: None)
    with regions.link_cut(g) as how:
        assert how == "pause" and calls == [("pause", regions.REPLICATION_SERVER)]
    assert calls[-1] == ("resume", regions.REPLICATION_SERVER)
