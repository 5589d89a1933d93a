"""Run one seed, or many: the simulator's entry point.

    result = run_seed(42)                    # deterministic: same seed, same run
    result = run_seed(42, plant="vdl-at-3")  # a planted bug: must be caught

One seed: boot six storage nodes and a writer, run the workload while the seed's
fault schedule plays, heal everything, check the writer is not wedged, let every
commit finish, recover the volume once more and check every outcome. A failure
stops the run at the first violated invariant.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import random
import time
from dataclasses import dataclass, field

from sixfold.constants import COMMIT_WAIT_TIMEOUT_MS
from sixfold.errors import SixfoldError
from sixfold.sim.disk import DiskFault
from sixfold.sim.faults import Injector, Schedule, make_schedule
from sixfold.sim.network import NetFaults
from sixfold.sim.world import WorldConfig
from sixfold.sim.loop import Deadlock, new_loop
from sixfold.sim.network import SimNetwork
from sixfold.sim.oracle import InvariantViolation, Outcome
from sixfold.sim.plants import PLANTS, planted
from sixfold.sim.world import World

WEDGE_BOUND_S = 30.0  # after healing, a commit must become durable within this (virtual) time
DRAIN_BOUND_S = 60.0  # after the workload stops, every commit must have its outcome within this
RUN_BOUND_S = 600.0  # virtual seconds: a run that takes longer is stuck
PAGE_READS_PER_RUN = 8  # sampled MTRs read back through GetPage at the end


@dataclass
class SeedResult:
    seed: int
    plant: str | None
    ok: bool
    invariant: str = ""
    detail: str = ""
    schedule: str = ""
    outcomes: dict[str, int] = field(default_factory=dict)
    faults: dict[str, int] = field(default_factory=dict)
    virtual_s: float = 0.0
    wall_s: float = 0.0
    steps: int = 0
    messages: int = 0
    checks: int = 0
    storage: dict[str, int] = field(default_factory=dict)  # records trimmed, segments copied
    digest: str = ""
    log_tail: list[str] = field(default_factory=list)

    def summary(self) -> str:
        head = f"seed {self.seed}" + (f" (plant {self.plant})" if self.plant else "")
        if self.ok:
            return f"{head}: ok"
        return f"{head}: VIOLATED {self.invariant}: {self.detail}"


class _Tail(logging.Handler):
    def __init__(self, n: int = 40):
        super().__init__(logging.INFO)
        self.lines: list[str] = []
        self.n = n

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(f"{record.levelname} {record.name}: {record.getMessage()}")
        if len(self.lines) > 4 * self.n:
            del self.lines[: -self.n]


def run_seed(seed: int, plant: str | None = None) -> SeedResult:
    """One seed of the randomized simulation (its fault schedule comes from the seed)."""
    return simulate(seed, _scenario, plant)


def calm_schedule(seed: int, **world_kw) -> Schedule:
    """No faults, a quiet network: for scripted scenarios that inject their own."""
    return Schedule(seed, [], NetFaults(), WorldConfig(**world_kw), None, 0.0)


def simulate(seed: int, scenario, plant: str | None = None, schedule: Schedule | None = None,
             tune=None) -> SeedResult:
    """Run `scenario(world, injector, schedule)` (a coroutine function) in a fresh
    simulated world and return what the oracle found. `tune(world)` may adjust the
    world before it boots (tests use it to change a bound)."""
    if plant is not None and plant not in PLANTS:
        raise ValueError(f"unknown plant {plant!r}; known: {', '.join(PLANTS)}")
    loop = new_loop()
    asyncio.set_event_loop(loop)
    tail = _Tail()
    root = logging.getLogger("sixfold")
    saved_level, saved_propagate = root.level, root.propagate
    root.setLevel(logging.INFO)
    root.propagate = False
    root.addHandler(tail)
    world = None
    schedule: Schedule | None = None
    trace: list[str] = []
    result = SeedResult(seed, plant, ok=False)
    t0 = time.perf_counter()
    try:
        net = SimNetwork(loop, random.Random(f"net/{seed}"), None)  # faults set below
        world_rng = random.Random(f"world/{seed}")
        if schedule is None:
            probe = World(loop, net, world_rng, None)  # only to learn node names for the schedule
            azs = sorted({probe.spec.node(n).az for n in probe.node_names})
            schedule = make_schedule(seed, probe.node_names, azs)
        net.faults = schedule.net
        world = World(loop, net, world_rng, schedule.world, plant)
        if tune is not None:
            tune(world)
        net.on_handler_error = lambda method, proc, e: (
            None if isinstance(e, (DiskFault, SixfoldError)) else
            world.violation("handler-error", f"{method} handler on {proc} raised {e!r}"))
        loop.set_exception_handler(lambda _loop, ctx: world.violation(
            "loop-error", f"{ctx.get('message')}: {ctx.get('exception')!r}"))
        main = loop.spawn("sim", scenario(world, Injector(world, schedule, trace), schedule))
        try:
            with planted(plant):
                loop.run_until_complete(asyncio.wait_for(main, RUN_BOUND_S))
            result.ok = not world.oracle.violations
        except asyncio.TimeoutError:
            world.oracle.violations.append(InvariantViolation("stuck", f"the run did not end within {RUN_BOUND_S} s"))
        except Deadlock as e:
            world.oracle.violations.append(InvariantViolation("deadlock", str(e)))
        except RuntimeError:
            if not world.oracle.violations:
                raise
        except InvariantViolation:
            pass
    finally:
        _shutdown(loop)
        root.removeHandler(tail)
        root.setLevel(saved_level)
        root.propagate = saved_propagate
    if world is not None:
        if world.oracle.violations:
            v = world.oracle.violations[0]
            result.ok, result.invariant, result.detail = False, v.invariant, v.detail
        result.checks = world.oracle.checks
        result.outcomes = world.outcome_counts
        result.messages = world.net.messages
        result.storage = world.storage_activity()
    result.schedule = schedule.describe() if schedule else ""
    result.faults = dict(schedule.counts) if schedule else {}
    result.virtual_s = loop.time()
    result.steps = loop.steps
    result.wall_s = time.perf_counter() - t0
    result.log_tail = tail.lines[-tail.n:]
    trace.append(f"end {result.virtual_s:.6f} steps={result.steps} messages={result.messages} "
                 f"outcomes={sorted(result.outcomes.items())} {result.invariant}")
    result.digest = hashlib.sha256("\n".join(trace).encode()).hexdigest()[:16]
    return result


async def _scenario(world: World, inj: Injector, schedule: Schedule) -> None:
    loop = world.loop
    for n in world.node_names:
        world.start_node(n)
    if not await inj.ensure_writer():
        world.violation("wedged", "no writer could open the new volume")
        return
    faults = loop.spawn("sim", inj.run(), name="faults")
    await asyncio.sleep(max(0.0, schedule.heal_at_s - loop.time()))
    faults.cancel()
    await asyncio.gather(faults, return_exceptions=True)
    await inj.heal()
    # Liveness: whole again, the cluster commits again within a bound. A writer may
    # first learn it was fenced (by a recovery that failed half way): then the next
    # one takes over, as the control plane would make it.
    deadline = loop.time() + WEDGE_BOUND_S
    probes = 0
    last_error: BaseException | None = None
    while probes < 3:
        left = deadline - loop.time()
        if left <= 0 or not await inj.ensure_writer():
            world.violation("wedged", f"after healing, no commit became durable within {WEDGE_BOUND_S} s "
                                      f"(last error: {last_error!r})")
            return
        vc = world.writers[world.current]
        world._mtr += 1
        mtr = world._mtr
        try:
            c = await vc.submit(world.changes(mtr))
        except SixfoldError as e:
            last_error = e
            world.oracle.on_outcome(Outcome(mtr, "refused", vc.epoch))
            continue
        try:
            await c.durable(int(left * 1000))
        except SixfoldError as e:
            last_error = e
            world.oracle.on_outcome(Outcome(mtr, "in_doubt", vc.epoch, c.cpl))
            continue
        world.oracle.on_outcome(Outcome(mtr, "durable", vc.epoch, c.cpl))
        probes += 1
    await finish(world, schedule.seed)


async def durable_commits(world: World, inj: Injector, count: int):
    """For scripted scenarios: every node started, a writer opened, `count` commits made
    durable and told to the oracle. Returns the writer."""
    for n in world.node_names:
        world.start_node(n)
    assert await inj.ensure_writer()
    writer = world.writers[world.current]
    for _ in range(count):
        world._mtr += 1
        cpl = await writer.commit(world.changes(world._mtr))
        world.oracle.on_outcome(Outcome(world._mtr, "durable", writer.epoch, cpl))
    return writer


async def finish(world: World, seed: int) -> None:
    """Stop the workload, let every commit get its outcome (bounded), close the writers,
    recover once more and hold every outcome against the final volume."""
    # Every commit gets its outcome within its bound: nothing waits forever.
    world.stopping = True
    pending = [t for t in world.committer_tasks if not t.done()]
    if pending:
        _done, still = await asyncio.wait(pending, timeout=DRAIN_BOUND_S)
        if still:
            world.violation("stuck", f"{len(still)} commits still waiting {DRAIN_BOUND_S} s after the workload "
                                     "stopped (every commit wait is bounded)")
            return
    for wname in sorted(world.writers):
        await world.writers[wname].close()
    # The last word: recover once more and hold every outcome against the volume.
    final = None
    for _ in range(10):
        final = await world.open_writer(world.new_writer_name())
        if final is not None:
            break
        await asyncio.sleep(1.0)
    if final is None:
        world.violation("wedged", "the final recovery failed with every node up")
        return
    world.outcome_counts = world.oracle.check_outcomes(final.recovered.vdl, world.pages_of,
                                                      world.geometry.pg_of_page, world.payload)
    rng = random.Random(f"reads/{seed}")
    sample = rng.sample(sorted(world.oracle.outcomes), min(PAGE_READS_PER_RUN, len(world.oracle.outcomes)))
    for mtr in sample:
        o = world.oracle.outcomes[mtr]
        for k, page in enumerate(world.pages_of(mtr)):
            try:
                img = await final.get_page(page)
            except SixfoldError as e:
                world.violation("unreadable", f"GetPage of page {page} (MTR {mtr}) failed with every node up: {e}")
                return
            there = img[: len(world.payload(mtr, k))] == world.payload(mtr, k)
            if o.kind == "durable" and not there or o.kind == "refused" and there:
                world.violation("outcome", f"GetPage of page {page}: MTR {mtr} ({o.kind}) reads as "
                                           f"{'present' if there else 'absent'}")
                return
    await final.close()


def _shutdown(loop) -> None:
    pending = [t for tasks in loop.tasks_by_process.values() for t in tasks if not t.done()]
    for t in pending:
        t.cancel()
    if pending and not loop.is_closed():
        loop.set_exception_handler(lambda _l, _c: None)
        try:
            loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        except (RuntimeError, Deadlock, Exception):  # noqa: BLE001 - tearing the world down
            pass
    loop.close()
    asyncio.set_event_loop(None)


def run_seeds(seeds, plant: str | None = None, on_result=None) -> list[SeedResult]:
    out = []
    for seed in seeds:
        r = run_seed(seed, plant)
        out.append(r)
        if on_result is not None:
            on_result(r)
    return out


__all__ = ["run_seed", "run_seeds", "simulate", "finish", "calm_schedule", "SeedResult", "COMMIT_WAIT_TIMEOUT_MS"]
