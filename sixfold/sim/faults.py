"""The fault schedule of one seed: made up front from the seed, printed on failure.

A schedule is a list of timed faults (process crashes and restarts, pauses,
partitions, disk faults, clock jumps, writer crashes and take-overs, stream resets,
the loss of one storage node's disk, a power cut of every storage node) plus the network's fault rates and the
workload's knobs. `apply` runs it against a
World; after `heal_at_s` everything is healed and the run checks the writer is not
wedged.
"""

from __future__ import annotations

import asyncio
import random
from dataclasses import dataclass, field

from sixfold.sim.network import NetFaults
from sixfold.sim.world import World, WorldConfig

KINDS = ("crash", "pause", "cut-az", "cut-writer", "fsync-fail", "disk-full", "clock-jump", "wall-jump",
         "writer-crash", "writer-takeover", "stream-reset", "recovery-storm", "flap")
# Disks lost, drawn from a random stream of their own so that the faults above stay what
# they were for every seed. Losing one disk leaves every durable record on three others.
# A second node's disk, lost soon after (often before the first node has rebuilt), can
# leave a record on two: recovery then must not count the rebuilding nodes
# (sixfold/core/rebuild.py). More than V-W lost disks is beyond the fault model.
DISK_LOSS_CHANCE = 0.25
SECOND_DISK_LOSS_CHANCE = 0.4  # given a first
# Every storage node down at once (a power cut), then all restarted: each rebuilds its
# segment chains from its disk, above its trim marks. From a random stream of its own too.
POWER_CUT_CHANCE = 0.25


@dataclass
class Fault:
    at_s: float
    kind: str
    target: str = ""
    duration_s: float = 0.0

    def __str__(self) -> str:
        extra = f" for {self.duration_s:.2f}s" if self.duration_s else ""
        return f"t={self.at_s:7.3f}s {self.kind:<15} {self.target}{extra}"


@dataclass
class Schedule:
    seed: int
    faults: list[Fault]
    net: NetFaults
    world: WorldConfig
    lal_records: int | None  # a small LAL to exercise back-pressure, or None
    heal_at_s: float
    crash_in_recovery: float = 0.0  # chance a storage node crashes while a writer recovers
    counts: dict[str, int] = field(default_factory=dict)

    def describe(self) -> str:
        n = self.net
        lines = [f"seed {self.seed}: faults until t={self.heal_at_s:.2f}s, then heal",
                 f"  network: latency {n.latency_s_min * 1000:.2f}-{n.latency_s_max * 1000:.2f} ms, "
                 f"spikes {n.spike_rate:.3f}, drop {n.drop_rate:.3f}, dup {n.dup_rate:.3f}, reset {n.reset_rate:.4f}",
                 f"  workload: {self.world.committers} committers, up to {self.world.mtrs_max} commits, "
                 f"cancel rate {self.world.cancel_rate:.2f}, "
                 f"LAL {self.lal_records or 'default'}, node crash during recovery {self.crash_in_recovery:.2f}"]
        lines += [f"  {f}" for f in self.faults]
        return "\n".join(lines)


def make_schedule(seed: int, nodes: list[str], azs: list[str]) -> Schedule:
    rng = random.Random(f"schedule/{seed}")
    calm = rng.random() < 0.3
    net = NetFaults() if calm else NetFaults(
        latency_s_max=rng.choice([0.001, 0.002, 0.01]),
        spike_rate=rng.choice([0.0, 0.01, 0.05]),
        drop_rate=rng.choice([0.0, 0.0, 0.01, 0.03]),
        dup_rate=rng.choice([0.0, 0.01, 0.03]),
        reset_rate=rng.choice([0.0, 0.0, 0.001, 0.005]))
    world = WorldConfig(committers=rng.choice([1, 2, 4, 8]),
                        cancel_rate=rng.choice([0.0, 0.0, 0.05, 0.2]),
                        commit_timeout_ms=rng.choice([1_000, 3_000, 10_000]),
                        think_s=rng.choice([0.005, 0.02, 0.05]),
                        mtrs_max=rng.choice([50, 150, 300]))
    heal_at = rng.uniform(2.0, 8.0)
    faults = []
    for _ in range(rng.choice([0, 1, 2, 3, 4, 6, 8, 12])):
        kind = rng.choice(KINDS)
        at = round(rng.uniform(0.05, heal_at), 4)
        dur = round(rng.uniform(0.05, 3.0), 4)
        target = ""
        if kind in ("crash", "pause", "fsync-fail", "disk-full"):
            target = rng.choice(nodes)
        elif kind == "cut-az":
            target = rng.choice(azs)
        elif kind == "cut-writer":
            target = ",".join(sorted(rng.sample(nodes, rng.randint(1, 3))))
        elif kind == "clock-jump":
            dur = round(rng.uniform(0.5, 6.0), 4)  # how far monotonic time jumps
        elif kind == "wall-jump":
            dur = round(rng.uniform(-3600, 3600), 1)
        elif kind == "writer-takeover":
            target = rng.choice(["pause", "cut"])
        elif kind == "stream-reset":
            dur = 0.0
        elif kind == "recovery-storm":
            target = str(rng.randint(2, 4))  # writers crashed one after another, each soon after it opens
            dur = round(rng.uniform(0.01, 0.3), 4)
        elif kind == "flap":
            target = rng.choice(nodes)
            dur = round(rng.uniform(0.01, 0.2), 4)
        faults.append(Fault(at, kind, target, dur))
    loss = random.Random(f"disk-loss/{seed}")
    if loss.random() < DISK_LOSS_CHANCE:
        first = Fault(round(loss.uniform(0.05, heal_at), 4), "disk-loss", loss.choice(nodes),
                      round(loss.uniform(0.05, 3.0), 4))
        faults.append(first)
        if loss.random() < SECOND_DISK_LOSS_CHANCE:  # often before the first node has rebuilt
            faults.append(Fault(round(min(heal_at, first.at_s + loss.uniform(0.01, first.duration_s + 1.0)), 4),
                                "disk-loss", loss.choice([n for n in nodes if n != first.target]),
                                round(loss.uniform(0.05, 3.0), 4)))
    cut = random.Random(f"power-cut/{seed}")
    if cut.random() < POWER_CUT_CHANCE:
        faults.append(Fault(round(cut.uniform(0.5, heal_at), 4), "power-cut", "", round(cut.uniform(0.05, 1.0), 4)))
    faults.sort(key=lambda f: f.at_s)
    lal = rng.choice([None, None, None, 4, 16, 64])
    return Schedule(seed, faults, net, world, lal, heal_at, crash_in_recovery=rng.choice([0.0, 0.0, 0.3, 1.0]))


class Injector:
    """Applies a schedule to a World; `heal()` undoes every lasting fault."""

    def __init__(self, world: World, schedule: Schedule, trace: list[str]):
        self.w, self.s, self.trace = world, schedule, trace
        self._timers: list[asyncio.TimerHandle] = []  # every delayed undo; heal() cancels them
        self._spawned: list[asyncio.Task] = []
        self.healed = False

    def later(self, delay_s: float, fn, *args) -> None:
        self._timers.append(self.w.loop.call_later(delay_s, fn, *args))

    def spawn_writer(self) -> None:
        if not self.healed:
            self._spawned.append(self.w.loop.spawn("sim", self.ensure_writer()))

    def note(self, what: str) -> None:
        self.trace.append(f"{self.w.loop.time():.6f} {what}")
        self.s.counts[what.split()[0]] = self.s.counts.get(what.split()[0], 0) + 1

    async def run(self) -> None:
        loop = self.w.loop
        for f in self.s.faults:
            delay = f.at_s - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            await self.apply(f)

    async def apply(self, f: Fault) -> None:
        w, net, loop = self.w, self.w.net, self.w.loop
        self.note(f"{f.kind} {f.target} {f.duration_s}")
        if f.kind == "crash":
            w.crash_node(f.target)
            self.later(f.duration_s, self.restart, f.target)
        elif f.kind == "disk-loss":
            w.lose_disk(f.target)  # the node comes back on an empty disk
            self.later(f.duration_s, self.restart, f.target)
        elif f.kind == "power-cut":
            for n in w.node_names:
                w.crash_node(n)
                self.later(f.duration_s, self.restart, n)
        elif f.kind == "pause":
            net.pause(f.target)
            self.later(f.duration_s, net.resume, f.target)
        elif f.kind == "cut-az":
            inside = [n for n in w.node_names if w.spec.node(n).az == f.target]
            outside = [p for p in [*w.node_names, *w.writers] if p not in inside]
            pairs = [(a, b) for a in inside for b in outside]
            for a, b in pairs:
                net.cut(a, b)
            self.later(f.duration_s, lambda: [net.heal(a, b) for a, b in pairs])
        elif f.kind == "cut-writer":
            if w.current is not None:
                pairs = [(w.current, n) for n in f.target.split(",")]
                for a, b in pairs:
                    net.cut(a, b)
                self.later(f.duration_s, lambda: [net.heal(a, b) for a, b in pairs])
        elif f.kind in ("fsync-fail", "disk-full"):
            disk = w.oracle.node_disks[f.target]
            if f.kind == "fsync-fail":
                disk.fail_next_fsyncs += 1
            else:
                disk.full = True
            # The node stops at its next write; it comes back once the disk is fine again.
            self.later(f.duration_s, self.clear_disk, f.target)
        elif f.kind == "clock-jump":
            loop.advance(f.duration_s)
        elif f.kind == "wall-jump":
            loop.jump_wall_clock(f.duration_s)
        elif f.kind == "stream-reset":
            net.reset_stream()
        elif f.kind == "writer-crash":
            if w.current is not None:
                w.crash_writer(w.current)
                self.later(f.duration_s, self.spawn_writer)
        elif f.kind == "recovery-storm":
            for _ in range(int(f.target)):
                if w.current is not None:
                    w.crash_writer(w.current)
                await self.ensure_writer()
                await asyncio.sleep(f.duration_s)
        elif f.kind == "flap":
            for _ in range(3):
                w.crash_node(f.target)
                await asyncio.sleep(f.duration_s)
                self.restart(f.target)
                await asyncio.sleep(f.duration_s)
        elif f.kind == "writer-takeover":
            old = w.current
            if old is not None:
                if f.target == "pause":
                    net.pause(old)
                else:
                    for n in w.node_names:
                        net.cut(old, n)
                self.later(f.duration_s, self.release, old, f.target)
                w.current = None
                await self.ensure_writer()

    def crash_for(self, node: str, down_s: float) -> None:
        if node in self.w.nodes:
            self.note(f"crash-in-recovery {node} {down_s:.3f}")
            self.w.crash_node(node)
            self.later(down_s, self.restart, node)

    def restart(self, node: str) -> None:
        disk = self.w.oracle.node_disks[node]
        if disk.full or disk.fail_next_fsyncs:
            self.later(0.2, self.restart, node)
            return
        if node not in self.w.nodes:
            self.note(f"restart {node}")
            self.w.start_node(node)

    def clear_disk(self, node: str) -> None:
        disk = self.w.oracle.node_disks[node]
        disk.full = False
        disk.fail_next_fsyncs = 0
        self.restart(node)

    def release(self, old: str, how: str) -> None:
        if how == "pause":
            self.w.net.resume(old)
        else:
            for n in self.w.node_names:
                self.w.net.heal(old, n)

    async def ensure_writer(self, attempts: int = 40) -> bool:
        """Open a new writer unless a healthy one is current (bounded retries)."""
        w = self.w
        for _ in range(attempts):
            cur = w.writers.get(w.current) if w.current else None
            if cur is not None and cur._failure is None:
                return True
            name = w.new_writer_name()
            if not self.healed and w.rng.random() < self.s.crash_in_recovery:
                victim = w.rng.choice(w.node_names)
                self.later(w.rng.uniform(0.0, 0.005), self.crash_for, victim, w.rng.uniform(0.001, 0.5))
            vc = await w.open_writer(name)
            if vc is not None:
                if self.s.lal_records:
                    vc.tracker.lal_records = self.s.lal_records
                self.note(f"writer-open {name} epoch={vc.epoch} vdl={vc.recovered.vdl}")
                w.current = name
                w.start_committers(name)
                return True
            await asyncio.sleep(0.5)
        return False

    async def heal(self) -> None:
        """Undo every lasting fault: the cluster is whole again."""
        w, net = self.w, self.w.net
        self.healed = True
        for t in self._timers:
            t.cancel()
        for task in self._spawned:
            task.cancel()
        await asyncio.gather(*self._spawned, return_exceptions=True)
        net.heal_all()
        for p in sorted(net.paused):
            net.resume(p)
        for n in w.node_names:
            disk = w.oracle.node_disks[n]
            disk.full, disk.fail_next_fsyncs = False, 0
            if n not in w.nodes:
                self.note(f"restart {n}")
                w.start_node(n)
        self.note("healed")
