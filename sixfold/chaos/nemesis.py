"""Carrying out a fault schedule against a running chaos cluster (a thread).

Faults may overlap (the writer-kill timeline runs beside the main one), so a process
is killed or paused while at least one fault holds it that way, and restarted or
resumed when the last one lets go. "writer" is resolved when its fault starts. Every
action goes into the fault log with its time since the run began, and so do the
moments the liveness check needs: when a stalled quorum's first node answers again.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

from sixfold.chaos.cluster import ChaosCluster
from sixfold.chaos.schedule import WRITER, Fault
from sixfold.constants import PROCESS_START_TIMEOUT_MS

KILLING = ("kill", "az-loss", "az-plus-one", "writer-kill", "stall", "corrupt", "disk-loss",
           "disk-loss-2")  # faults that SIGKILL their targets
WRITER_PAUSE_SILENCE_S = 3.0  # after SIGCONT, the old writer still cannot hear the control plane this long
from sixfold.supervisor import wait_until

log = logging.getLogger("sixfold.chaos.nemesis")


@dataclass(order=True)
class Event:
    t: float
    order: int
    action: str = field(compare=False)  # "start", "end", "return-first"
    fault: Fault = field(compare=False)


class Nemesis:
    def __init__(self, cluster: ChaosCluster, faults: list[Fault], t0: float):
        self.cluster = cluster
        self.sup = cluster.sup
        self.t0 = t0  # time.monotonic() at which the run began
        self.events: list[Event] = []
        for f in faults:
            self.events.append(Event(f.start_s, 2 * f.index, "start", f))
            self.events.append(Event(f.end_s, 2 * f.index + 1, "end", f))
            if f.kind == "stall":
                self.events.append(Event(f.start_s + f.params["returns_after_s"], 2 * f.index, "return-first", f))
        self.events.sort()
        self.killed: Counter[str] = Counter()
        self.paused: Counter[str] = Counter()
        self.resolved: dict[int, tuple[str, ...]] = {}  # fault index -> the processes it acted on
        self.log: list[dict] = []
        self.moments: list[tuple[str, float]] = []  # (label, t): a commit must follow soon after
        self.errors: list[str] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="nemesis", daemon=True)

    def now(self) -> float:
        return time.monotonic() - self.t0

    def note(self, fault: Fault | None, what: str) -> None:
        entry = {"t": round(self.now(), 3), "fault": fault.index if fault else None, "what": what}
        self.log.append(entry)
        log.info("%.1fs %s%s", entry["t"], f"F{fault.index} " if fault else "", what)

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout_s: float) -> None:
        self._stop.set()
        self._thread.join(timeout_s)

    def _run(self) -> None:
        for ev in self.events:
            if self._stop.wait(max(0.0, ev.t - self.now())):
                return
            try:
                getattr(self, f"_{ev.action.replace('-', '_')}")(ev.fault)
            except Exception as e:  # noqa: BLE001 -- a nemesis that failed is reported, the run goes on
                self.errors.append(f"F{ev.fault.index} {ev.action} {ev.fault.kind}: {e}")
                self.note(ev.fault, f"{ev.action} failed: {e}")

    # --- holds ------------------------------------------------------------------------------
    def _kill(self, name: str) -> None:
        self.killed[name] += 1
        if self.killed[name] == 1:
            self.sup.kill(name)

    def _unkill(self, name: str) -> None:
        self.killed[name] -= 1
        if self.killed[name] == 0 and self.paused[name] == 0:
            self.sup.start(name, wait=False)

    def _pause(self, name: str) -> None:
        self.paused[name] += 1
        if self.paused[name] == 1 and self.killed[name] == 0:
            self.sup.pause(name)

    def _unpause(self, name: str) -> None:
        self.paused[name] -= 1
        if self.paused[name] == 0:
            if self.killed[name] == 0:
                self.sup.resume(name)

    def _targets(self, f: Fault) -> tuple[str, ...]:
        if f.index not in self.resolved:
            self.resolved[f.index] = tuple(dict.fromkeys(self.sup.writer_name() if t == WRITER else t
                                                         for t in f.targets))
        return self.resolved[f.index]

    # --- faults -----------------------------------------------------------------------------
    def _start(self, f: Fault) -> None:
        targets = self._targets(f)
        if f.kind in KILLING:
            for n in targets:
                self._kill(n)
            if f.kind == "corrupt":
                damaged = self.cluster.corrupt(targets[0], f.params["corruption_seed"])
                self.note(f, f"corrupt: killed {targets[0]}, damaged {damaged} values in its log and page "
                             "versions; restarting it")
                self._unkill(targets[0])
                return
            if f.kind in ("disk-loss", "disk-loss-2"):
                for n in targets:
                    self.cluster.wipe(n)
                self.note(f, f"{f.kind}: killed {', '.join(targets)} and deleted their data; they restart empty "
                             "when the fault ends")
                return
        elif f.kind in ("pause", "writer-pause"):
            for n in targets:
                self._pause(n)
            if f.kind == "writer-pause" and self.cluster.net is not None:
                self.cluster.silence_control_plane(targets[0], True)  # its replacement goes unheard
        elif f.kind == "partition":
            self.cluster.partition(f.az, cut=True)
        elif f.kind == "clock-jump":
            self.cluster.set_clock_offset(targets[0], f.params["offset_s"])
        else:
            raise AssertionError(f.kind)
        self.note(f, f"start {f.kind}{' ' + f.az if f.az else ''}: {', '.join(targets)}"
                     + (f" (offset {f.params['offset_s']:+d} s)" if f.kind == "clock-jump" else ""))

    def _return_first(self, f: Fault) -> None:
        first = f.params["returns_first"]
        self._unkill(first)
        wait_until(lambda: self.sup.answers(first, 0.5), PROCESS_START_TIMEOUT_MS / 1000, f"{first} to answer")
        t = self.now()
        self.moments.append((f"F{f.index} stall: {first} answers again (4 of 6 up)", t))
        self.note(f, f"{first} answers again: four storage nodes up, commits must resume")

    def _end(self, f: Fault) -> None:
        targets = self._targets(f)
        if f.kind == "corrupt":
            return
        if f.kind in KILLING:
            for n in targets:
                if f.kind == "stall" and n == f.params["returns_first"]:
                    continue
                self._unkill(n)
        elif f.kind in ("pause", "writer-pause"):
            for n in targets:
                self._unpause(n)
            if f.kind == "writer-pause" and self.cluster.net is not None:
                # Only fencing on storage stops the old writer for a while: it cannot hear
                # the control plane say that it was replaced.
                self.note(f, f"SIGCONT {targets[0]}; it cannot hear the control plane for {WRITER_PAUSE_SILENCE_S:g} s")
                self._stop.wait(WRITER_PAUSE_SILENCE_S)
                self.cluster.silence_control_plane(targets[0], False)
        elif f.kind == "partition":
            self.cluster.partition(f.az, cut=False)
        elif f.kind == "clock-jump":
            self.cluster.set_clock_offset(targets[0], 0)
        self.note(f, f"end {f.kind}: {', '.join(targets)} back")

    def heal_all(self) -> None:
        """Undo whatever is still in effect and start every process that is down; wait
        (bounded) until all answer."""
        self.stop(PROCESS_START_TIMEOUT_MS / 1000)
        c = self.cluster
        if c.net is not None:
            for az in list(c.net.cut_azs):
                c.net.heal(az)
            for name in list(c.silenced):
                c.silence_control_plane(name, False)
        if c.faketime is not None:
            for name in self.sup.nodes:
                c.set_clock_offset(name, 0)
        for name, proc in self.sup.nodes.items():
            if proc.paused:
                self.sup.resume(name)
        down = [n for n, p in self.sup.nodes.items() if not p.alive]
        for n in down:
            self.sup.start(n, wait=False)
        self.killed.clear()
        self.paused.clear()
        for n in self.sup.nodes:
            self.sup.wait_ready(n)
        self.note(None, "healed: every link up, every clock true, every process running"
                        + (f" (restarted {', '.join(down)})" if down else ""))
