"""The fault schedule of a chaos run: which fault, on what, when, for how long.

Pure and seeded: the same seed, nemeses, duration and cluster layout give the same
schedule, so a failing run is replayed by its seed. Nothing here touches a process;
`sixfold.chaos.nemesis` carries the schedule out.

Two timelines run side by side:

* the **main** timeline: faults one after another with a gap between them, taking the
  enabled nemeses in a shuffled round (each round shuffles again), so every nemesis named
  gets its turn in a run long enough for one round;
* the **writer** timeline (nemeses `writer-kill`, `writer-pause`): every
  `writer_kill_interval_s` the writer is killed (or paused; with both, in turn) and
  restarted (resumed) a few seconds later, whatever else is going on.

The main timeline keeps to what the design promises to survive: at most an AZ plus one
storage node down at once (`az-plus-one`), a corrupted segment or a lost disk only on
one node and only while every other node is up (or two lost disks in two AZs,
`disk-loss-2`: the most a write quorum can lose and keep every commit), a partition of
one AZ at a time.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

# nemesis -> what it does (the CLI's help lists these)
NEMESES = {
    "kill": "SIGKILL one process (storage node, writer, replica, control plane, router), restart it later",
    "pause": "SIGSTOP one process, SIGCONT it later",
    "az-loss": "SIGKILL every process of one AZ (storage nodes and instances), restart them later",
    "az-plus-one": "an AZ's processes plus one storage node of another AZ killed together",
    "writer-kill": "SIGKILL the writer every --writer-kill-interval seconds, restart it (it comes back a replica)",
    "writer-pause": "SIGSTOP the writer every --writer-kill-interval seconds for longer than failover takes, then "
                    "SIGCONT it while its AZ cannot hear the control plane for 3 s: only storage fencing stops it",
    "partition": "cut one AZ's network (its namespace's link) from everything, heal it later",
    "clock-jump": "step one process's wall clock by up to an hour, either way, and back later",
    "corrupt": "SIGKILL one storage node, damage its segment files on disk, restart it",
    "disk-loss": "SIGKILL one storage node, delete its data (a replaced disk), restart it later: it rejoins "
                 "and rebuilds its segments from its peers (gossip, segment copies)",
    "disk-loss-2": "SIGKILL two storage nodes of different AZs, delete both data directories, restart them "
                   "later: what they acknowledged survives on the other four only, and recovery must not count "
                   "them until they have rebuilt",
    "stall": "three storage nodes down (no write quorum) for 10-25 s, one returns: commits must resume at once",
}
WRITER_NEMESES = ("writer-kill", "writer-pause")
MAIN_NEMESES = tuple(n for n in NEMESES if n not in WRITER_NEMESES)
WRITER = "writer"  # the alias the executor resolves when the fault starts


@dataclass(frozen=True)
class Layout:
    """What the schedule may aim at: the cluster's processes by kind and AZ."""

    storage_by_az: dict[str, tuple[str, ...]]
    compute_by_az: dict[str, tuple[str, ...]]
    others: tuple[str, ...] = ()  # the control plane, the router: outside any AZ

    @property
    def azs(self) -> list[str]:
        return sorted(self.storage_by_az)

    @property
    def storage(self) -> list[str]:
        return [n for az in self.azs for n in self.storage_by_az[az]]

    @property
    def compute(self) -> list[str]:
        return [n for az in sorted(self.compute_by_az) for n in self.compute_by_az[az]]


@dataclass(frozen=True)
class Fault:
    """One fault: `kind` (a nemesis) on `targets` from `start_s` for `duration_s`
    (seconds since the workload began). `az` names the AZ of AZ-wide faults; `params`
    carries the rest (a clock offset, a corruption seed, which stalled node returns
    first)."""

    index: int
    kind: str
    start_s: float
    duration_s: float
    targets: tuple[str, ...]
    az: str | None = None
    params: dict = field(default_factory=dict, hash=False, compare=False)

    @property
    def end_s(self) -> float:
        return self.start_s + self.duration_s

    def describe(self) -> str:
        where = f" az {self.az}" if self.az else ""
        extra = "".join(f" {k}={v}" for k, v in sorted(self.params.items()))
        return (f"F{self.index} {self.kind}{where} [{', '.join(self.targets)}] "
                f"{self.start_s:.1f}-{self.end_s:.1f}s{extra}")

    def to_json(self) -> dict:
        return {"index": self.index, "kind": self.kind, "start_s": self.start_s, "duration_s": self.duration_s,
                "targets": list(self.targets), "az": self.az, "params": dict(self.params)}


@dataclass(frozen=True)
class ScheduleConfig:
    duration_s: float
    nemeses: tuple[str, ...]
    seed: int
    fault_s: tuple[float, float] = (4.0, 12.0)  # how long a main-timeline fault lasts
    gap_s: tuple[float, float] = (3.0, 8.0)  # quiet time between two main-timeline faults
    first_s: float = 3.0  # the workload runs alone this long first
    quiet_tail_s: float = 5.0  # no fault starts in the last seconds: every fault heals in the run
    writer_kill_interval_s: float = 30.0
    writer_down_s: tuple[float, float] = (4.0, 8.0)  # above FAILOVER_DETECT_MS: a paused writer is replaced
    clock_jump_s_max: int = 3600
    stall_return_s: tuple[float, float] = (10.0, 25.0)  # stall: the first node returns after this long


def make_schedule(cfg: ScheduleConfig, layout: Layout) -> list[Fault]:
    """The run's faults, sorted by start time."""
    unknown = [n for n in cfg.nemeses if n not in NEMESES]
    assert not unknown, f"unknown nemeses {unknown}"
    assert cfg.duration_s > 0
    rng = random.Random(cfg.seed)
    faults: list[Fault] = []
    end_by = cfg.duration_s - cfg.quiet_tail_s
    main = [n for n in MAIN_NEMESES if n in cfg.nemeses]
    if main:
        t = cfg.first_s
        round_: list[str] = []
        while True:
            if not round_:
                round_ = list(main)
                rng.shuffle(round_)
            kind = round_.pop()
            returns_after = rng.uniform(*cfg.stall_return_s) if kind == "stall" else 0.0
            length = returns_after + rng.uniform(*cfg.gap_s) if kind == "stall" else rng.uniform(*cfg.fault_s)
            if round(t, 3) + round(length, 3) > end_by:  # as scheduled (to the ms): healed in time
                break
            faults.append(_fault(len(faults), kind, round(t, 3), round(length, 3), layout, rng, cfg,
                                 round(returns_after, 3)))
            t += length + rng.uniform(*cfg.gap_s)
    writer_kinds = [k for k in WRITER_NEMESES if k in cfg.nemeses]
    if writer_kinds:
        wrng = random.Random(cfg.seed * 7919 + 1)  # its own stream: adding a main nemesis keeps these times
        t = cfg.writer_kill_interval_s
        turn = 0
        while True:
            down = wrng.uniform(*cfg.writer_down_s)
            if round(t, 3) + round(down, 3) > end_by:
                break
            kind = writer_kinds[turn % len(writer_kinds)]
            faults.append(Fault(len(faults), kind, round(t, 3), round(down, 3), (WRITER,)))
            t += cfg.writer_kill_interval_s
            turn += 1
    faults.sort(key=lambda f: (f.start_s, f.index))
    return [Fault(i, f.kind, f.start_s, f.duration_s, f.targets, f.az, f.params) for i, f in enumerate(faults)]


def _fault(index: int, kind: str, start: float, length: float, layout: Layout, rng: random.Random,
           cfg: ScheduleConfig, returns_after_s: float) -> Fault:
    azs = layout.azs
    if kind in ("kill", "pause"):
        pool = layout.storage + [WRITER] + layout.compute + list(layout.others)
        return Fault(index, kind, start, length, (rng.choice(pool),))
    if kind == "az-loss":
        az = rng.choice(azs)
        return Fault(index, kind, start, length, _az_processes(layout, az), az)
    if kind == "az-plus-one":
        az = rng.choice(azs)
        extra = rng.choice([n for a in azs if a != az for n in layout.storage_by_az[a]])
        return Fault(index, kind, start, length, (*_az_processes(layout, az), extra), az)
    if kind == "partition":
        az = rng.choice(azs)
        return Fault(index, kind, start, length, _az_processes(layout, az), az)
    if kind == "clock-jump":
        target = rng.choice(layout.storage + layout.compute + list(layout.others))
        offset = rng.choice([-1, 1]) * rng.randint(1, cfg.clock_jump_s_max)
        return Fault(index, kind, start, length, (target,), params={"offset_s": offset})
    if kind == "corrupt":
        return Fault(index, kind, start, length, (rng.choice(layout.storage),),
                     params={"corruption_seed": rng.randrange(2**31)})
    if kind == "disk-loss":
        return Fault(index, kind, start, length, (rng.choice(layout.storage),))
    if kind == "disk-loss-2":
        first, second = rng.sample(azs, 2)
        return Fault(index, kind, start, length, (rng.choice(layout.storage_by_az[first]),
                                                  rng.choice(layout.storage_by_az[second])))
    if kind == "stall":
        down = tuple(rng.sample(layout.storage, 3))
        return Fault(index, kind, start, length, down, params={"returns_first": rng.choice(down),
                                                                "returns_after_s": returns_after_s})
    raise AssertionError(kind)


def _az_processes(layout: Layout, az: str) -> tuple[str, ...]:
    return (*layout.storage_by_az[az], *layout.compute_by_az.get(az, ()))


def storage_down(faults: list[Fault], layout: Layout, t: float) -> set[str]:
    """The storage nodes the main timeline has down (killed, paused or cut off) at time t."""
    storage = set(layout.storage)
    down: set[str] = set()
    for f in faults:
        if f.kind not in WRITER_NEMESES and f.start_s <= t < f.end_s:
            down |= {n for n in f.targets if n in storage}
    return down
