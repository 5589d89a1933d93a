"""What the control plane must not forget: which instance is the writer, the topology
generation and epoch, each instance's role, and the recent failovers.

It lives in `DATA_DIR/control-plane.json`, rewritten atomically (temporary file, fsync,
rename, fsync of the directory) on every change and before any watcher hears of it,
so a control plane killed at any moment restarts with the last topology it published
or a newer one, never a torn file. Health, lag and a promotion in flight are not kept:
they are observed again after a restart (and a promotion that finished meanwhile is
adopted when its instance reports itself the writer).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from sixfold.constants import CONTROL_HISTORY_ENTRIES_MAX
from sixfold.core.failover import FailoverCore, InstanceState
from sixfold.spec import ClusterSpec

STATE_FILE_NAME = "control-plane.json"
FORMAT_VERSION = 1


class StateError(Exception):
    """The state file exists but cannot be used (corrupt, another cluster's, a newer format)."""


@dataclass
class ControlState:
    cluster: str
    writer: str | None
    generation: int
    epoch: int
    roles: dict[str, str]
    history: list[tuple[int, str, int]] = field(default_factory=list)  # (generation, writer, epoch)

    @classmethod
    def fresh(cls, spec: ClusterSpec) -> "ControlState":
        """A control plane that never ran: the writer is the instance the spec starts as writer."""
        writer = spec.writer.name if spec.writer is not None else None
        return cls(spec.name, writer, 1, 0, {n.name: n.role for n in spec.compute_nodes})

    @classmethod
    def of(cls, core: FailoverCore, cluster: str) -> "ControlState":
        return cls(cluster, core.writer, core.generation, core.epoch,
                   {n: i.role for n, i in core.instances.items()},
                   [tuple(h) for h in core.history[-CONTROL_HISTORY_ENTRIES_MAX:]])

    def reconciled(self, spec: ClusterSpec) -> "ControlState":
        """This state for the instances the spec names now: forgotten instances are
        dropped, new ones start as replicas (the writer comes from this state, never
        from the spec, once a control plane has run)."""
        names = [n.name for n in spec.compute_nodes]
        roles = {n: self.roles.get(n, "replica") for n in names}
        writer = self.writer if self.writer in roles else None
        for n, r in roles.items():
            if r == "writer" and n != writer:
                roles[n] = "replica"
        return ControlState(self.cluster, writer, self.generation, self.epoch, roles, list(self.history))

    def core(self, spec: ClusterSpec, now_s: float, detect_ms: int) -> FailoverCore:
        """A failover core resuming from this state. Nothing is healthy until observed, and
        the writer's time bound counts from `now_s`: a restart alone never fails it over."""
        insts = {n.name: InstanceState(n.name, n.az, n.tier, self.roles[n.name]) for n in spec.compute_nodes}
        return FailoverCore(insts, self.writer, generation=self.generation, epoch=self.epoch,
                            detect_ms=detect_ms, started_s=now_s, history=list(self.history))

    def to_json(self) -> str:
        return json.dumps({"format": FORMAT_VERSION, "cluster": self.cluster, "writer": self.writer,
                           "generation": self.generation, "epoch": self.epoch, "roles": self.roles,
                           "history": [list(h) for h in self.history]}, indent=2, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> "ControlState":
        d = json.loads(text)
        if d.get("format") != FORMAT_VERSION:
            raise StateError(f"unknown state file format {d.get('format')!r}")
        return cls(d["cluster"], d["writer"], int(d["generation"]), int(d["epoch"]), dict(d["roles"]),
                   [(int(g), str(w), int(e)) for g, w, e in d.get("history", [])])


class StateFile:
    """`DATA_DIR/control-plane.json`: load once at start, save on every change."""

    def __init__(self, data_dir: Path):
        self.dir = Path(data_dir)
        self.path = self.dir / STATE_FILE_NAME

    def load(self, spec: ClusterSpec) -> ControlState:
        """The saved state (reconciled with the spec), or a fresh one when there is none.
        Raises StateError rather than guess when the file is unreadable or another
        cluster's: starting over could name a fenced instance the writer."""
        if not self.path.exists():
            return ControlState.fresh(spec)
        try:
            state = ControlState.from_json(self.path.read_text())
        except (ValueError, KeyError, TypeError) as e:
            raise StateError(f"{self.path}: unreadable control plane state ({e})") from e
        if state.cluster != spec.name:
            raise StateError(f"{self.path} belongs to cluster {state.cluster!r}, not {spec.name!r}")
        return state.reconciled(spec)

    def save(self, state: ControlState) -> None:
        """Replace the file atomically and durably: after this returns, a crash keeps `state`."""
        self.dir.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(self.path.name + ".tmp")
        with open(tmp, "w") as f:
            f.write(state.to_json())
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, self.path)
        fd = os.open(self.dir, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
