"""What the router believes about the compute instances: which is the writer, which
are replicas, which are healthy, and where each listens.

A `View` is immutable; the router swaps in a new one whenever the control plane
publishes a topology. Before the control plane was ever reached, the view comes from
the spec: the instance that starts as the writer is the writer, the others replicas,
all assumed healthy (generation 0, epoch 0).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sixfold.rpc import control_pb2 as pb
from sixfold.spec import ClusterSpec

ROLES = ("writer", "replica", "down")


@dataclass(frozen=True)
class Member:
    """One compute instance as the router sees it."""

    name: str
    host: str
    port: int
    role: str  # "writer" | "replica" | "down"
    healthy: bool

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"


@dataclass(frozen=True)
class View:
    """One topology: `writer` is "" while there is none."""

    generation: int
    epoch: int
    writer: str
    members: dict[str, Member] = field(default_factory=dict)
    source: str = "spec"  # "spec" or "control plane": for logs

    def member(self, name: str) -> Member | None:
        return self.members.get(name)

    def describe(self) -> str:
        """One line for the log: generation, epoch, writer and every instance's state."""
        parts = [f"{m.name}={m.role}{'' if m.healthy else '(unhealthy)'}" for m in sorted(self.members.values(),
                                                                                          key=lambda m: m.name)]
        return (f"generation {self.generation} epoch {self.epoch} writer {self.writer or '(none)'} "
                f"[{' '.join(parts)}] from the {self.source}")


def view_from_spec(spec: ClusterSpec) -> View:
    """The topology the router starts with, before any word from the control plane."""
    members = {}
    for n in spec.compute_nodes:
        role = "writer" if n.role == "writer" else "replica"
        members[n.name] = Member(n.name, n.host, n.port, role, True)
    w = spec.writer
    return View(generation=0, epoch=0, writer=w.name if w is not None else "", members=members, source="spec")


def view_from_proto(t: pb.Topology) -> View:
    """A topology the control plane published. An instance it calls the writer while
    another is named in `writer` is taken as down: `writer` is the one authority."""
    members = {}
    for i in t.instances:
        role = i.role if i.role in ROLES else "down"
        if role == "writer" and i.name != t.writer:
            role = "down"
        if i.name == t.writer:
            role = "writer"
        members[i.name] = Member(i.name, i.host, int(i.port), role, bool(i.healthy))
    writer = t.writer if t.writer in members else ""
    return View(generation=int(t.generation), epoch=int(t.epoch), writer=writer, members=members,
                source="control plane")


def is_stale(new: View, current: View) -> bool:
    """A view older than the current one: its writer's epoch is lower. Storage accepts
    only the newest epoch, so a writer of a lower epoch is fenced and routing to it is
    pointless (a control plane restarted without state may say so before it has
    checked). Equal epochs (health changes, a restarted control plane) are taken."""
    return new.epoch < current.epoch
