"""Failover decisions: which compute instance is the writer, when it has failed, and
which replica replaces it. A pure state machine: the control plane feeds it health
observations and the outcome of promotions, and carries out the actions it returns.

Rules:
* The writer has failed when two health checks in a row found no process there
  (connection refused: it is gone), or when no check succeeded for `detect_ms`
  (hung, paused, partitioned). A check the writer answers as "fenced" or "replica"
  does not count as a success: it no longer serves as the writer (a promotion that
  failed or timed out may still have fenced it), and counting it would keep the
  cluster without a writer for good.
* A failed writer is replaced by the healthy, synced replica (one that follows the
  writer and has a read point) with the lowest tier; among equal tiers the least
  lag (highest VDL), then the name. A replica that is not synced is never promoted.
* At most one promotion is in flight. The writer changes only when a promotion
  succeeds; each success bumps the topology generation. A result for any other
  promotion than the one in flight is ignored.
* Storage accepts only the newest epoch, so even an old writer that is alive (paused)
  can never again be accepted once a promotion succeeded: the writer the core names
  is always the one with the highest epoch it knows of.
* The core learns the writer's epoch from its health checks. An instance that reports
  itself the writer at a newer epoch than that, while no other promotion is in flight,
  is the writer: a promotion succeeded but its answer was lost (it timed out, or the
  control plane restarted during it). The core adopts it like a successful promotion;
  promoting someone else instead would fence a writer that works.
"""

from __future__ import annotations

from dataclasses import dataclass, field

TIER_MAX = 15
# Roles an instance reports when it is not (or no longer) serving as the writer.
NOT_WRITER_ROLES = frozenset({"fenced", "replica"})


@dataclass
class InstanceState:
    name: str
    az: str
    tier: int
    role: str  # "writer" | "replica" | "down"
    healthy: bool = False
    last_ok_s: float | None = None
    refused_in_a_row: int = 0
    synced: bool = False
    vdl: int = 0
    epoch: int = 0
    lag_lsn: int = 0
    lag_ms: float = 0.0


@dataclass(frozen=True)
class Promote:
    """Ask `target` to open the volume as the writer (recovery with a new epoch)."""

    target: str
    generation: int  # the generation the promotion will create
    reason: str


@dataclass(frozen=True)
class Publish:
    """The topology changed (writer, roles or health): tell the watchers."""


@dataclass
class FailoverCore:
    instances: dict[str, InstanceState]
    writer: str | None
    generation: int = 1
    epoch: int = 0
    detect_ms: int = 1_500
    promoting: str | None = None  # the promotion in flight
    started_s: float = 0.0  # when the core started observing (no check yet counts from here)
    history: list[tuple[int, str, int]] = field(default_factory=list)  # (generation, writer, epoch)

    def __post_init__(self) -> None:
        assert all(0 <= i.tier <= TIER_MAX for i in self.instances.values())
        assert self.writer is None or self.writer in self.instances

    # --- observations ------------------------------------------------------------------
    def observe(self, name: str, now_s: float, ok: bool, *, refused: bool = False, role: str = "",
                synced: bool = False, vdl: int = 0, epoch: int = 0, lag_lsn: int = 0,
                lag_ms: float = 0.0) -> list:
        """The result of one health check of `name`."""
        inst = self.instances[name]
        was = (inst.healthy, inst.synced)
        if ok and name == self.writer and role in NOT_WRITER_ROLES:
            ok = False  # alive, but not serving as the writer: a failed check, never a refusal
        if ok:
            inst.healthy, inst.last_ok_s, inst.refused_in_a_row = True, now_s, 0
            inst.synced = synced
            inst.vdl, inst.epoch, inst.lag_lsn, inst.lag_ms = vdl, epoch, lag_lsn, lag_ms
            if name != self.writer and role == "replica":
                inst.role = "replica"  # a replica, or an old writer that came back as one
        else:
            inst.healthy, inst.synced = False, False
            inst.refused_in_a_row = inst.refused_in_a_row + 1 if refused else 0
        actions: list = []
        if ok and name == self.writer:
            self.epoch = max(self.epoch, epoch)
        elif ok and role == "writer" and epoch > self.epoch and self.promoting in (None, name):
            self.promoting = name  # a promotion whose answer was lost: adopt its result
            actions += self.promoted(name, epoch, now_s)
        actions += self.tick(now_s)
        if (inst.healthy, inst.synced) != was:
            actions.append(Publish())
        return actions

    def writer_failed(self, now_s: float) -> bool:
        if self.writer is None:
            return True
        w = self.instances[self.writer]
        if w.refused_in_a_row >= 2:
            return True
        last = w.last_ok_s if w.last_ok_s is not None else self.started_s
        return not w.healthy and (now_s - last) * 1000 >= self.detect_ms

    def candidates(self, exclude: str | None = None) -> list[InstanceState]:
        """Replicas a failover may promote, best first."""
        pool = [i for i in self.instances.values()
                if i.name != self.writer and i.name != exclude and i.healthy and i.synced and i.role != "down"]
        return sorted(pool, key=lambda i: (i.tier, -i.vdl, i.name))

    def tick(self, now_s: float) -> list:
        """Decide: promote a replacement if the writer has failed and none is in flight."""
        if self.promoting is not None or not self.writer_failed(now_s):
            return []
        best = self.candidates()
        if not best:
            return []
        reason = "no writer" if self.writer is None else f"writer {self.writer} failed"
        return self._promote(best[0].name, reason)

    def request_failover(self, now_s: float, target: str | None = None) -> list:
        """A planned failover to `target` (or the best candidate). Raises ValueError
        when it cannot be done now."""
        if self.promoting is not None:
            raise ValueError(f"a failover to {self.promoting} is already in progress")
        best = self.candidates()
        if target is not None:
            if target == self.writer:
                raise ValueError(f"{target} is already the writer")
            chosen = next((i for i in best if i.name == target), None)
            if chosen is None:
                raise ValueError(f"{target} is not a healthy, synced replica")
        elif best:
            chosen = best[0]
        else:
            raise ValueError("no healthy, synced replica to fail over to")
        return self._promote(chosen.name, f"planned failover from {self.writer}")

    def _promote(self, target: str, reason: str) -> list:
        inst = self.instances[target]
        assert inst.healthy and inst.synced and target != self.writer
        self.promoting = target
        return [Promote(target, self.generation + 1, reason)]

    # --- results ----------------------------------------------------------------------
    def promoted(self, target: str, epoch: int, now_s: float) -> list:
        """`target` opened the volume as the writer at `epoch`."""
        if target != self.promoting:
            return []  # not the promotion in flight: stale
        assert epoch > self.epoch, (epoch, self.epoch)
        old = self.writer
        if old is not None and old != target:
            self.instances[old].role = "down"
            self.instances[old].healthy = False
        self.instances[target].role = "writer"
        self.instances[target].last_ok_s = now_s
        self.writer, self.epoch, self.promoting = target, epoch, None
        self.generation += 1
        self.history.append((self.generation, target, epoch))
        return [Publish()]

    def promotion_failed(self, target: str, now_s: float) -> list:
        """The promotion of `target` failed (it may have fenced the old writer anyway:
        the next decision picks again, the old writer included if it recovers)."""
        if target != self.promoting:
            return []
        self.promoting = None
        self.instances[target].synced = False
        return self.tick(now_s)

