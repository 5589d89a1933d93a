"""The endpoints' rules, pure: where a new connection may go, and which proxied
connections must close when the topology changes.

An instance is *usable* when it is the writer (whatever its last health check said:
only the control plane decides that a writer has failed, by naming another) or a
healthy replica.

* writer endpoint: the writer. Its connections close as soon as another instance (or
  none) is the writer.
* reader endpoint: the usable replicas, round-robin; the writer when there is none
  (and as the last resort when every replica refused). A connection made to a replica
  closes when that instance is no longer a usable replica (down, unhealthy, promoted);
  one made to the writer closes when it is no longer the writer.
* custom endpoint: its usable members, whatever their role, round-robin. A connection
  closes when its instance is no longer usable.
"""

from __future__ import annotations

from dataclasses import dataclass

from router.topology import Member, View
from sixfold.spec import ClusterSpec

WRITER, READER, CUSTOM = "writer", "reader", "custom"


@dataclass(frozen=True)
class Endpoint:
    name: str  # "writer", "reader" or the custom endpoint's name
    kind: str  # WRITER | READER | CUSTOM
    host: str
    port: int
    members: tuple[str, ...] = ()  # custom endpoints only


def endpoints_of(spec: ClusterSpec) -> list[Endpoint]:
    """The endpoints the spec's router section names; ValueError when it has none or
    they clash (a port used twice, a custom name that is an endpoint or instance name,
    a member that is no instance)."""
    r = spec.router
    if r is None:
        raise ValueError(f"cluster {spec.name!r} has no router section in its spec")
    eps = [Endpoint(WRITER, WRITER, r.host, r.writer_port), Endpoint(READER, READER, r.host, r.reader_port)]
    names = {n.name for n in spec.compute_nodes}
    for name, c in sorted(r.custom.items()):
        if name in (WRITER, READER) or name in names:
            raise ValueError(f"custom endpoint {name!r} has the name of an endpoint or instance")
        unknown = [m for m in c.members if m not in names]
        if unknown:
            raise ValueError(f"custom endpoint {name!r} names unknown instances {unknown}")
        if not c.members:
            raise ValueError(f"custom endpoint {name!r} has no members")
        eps.append(Endpoint(name, CUSTOM, r.host, c.port, tuple(c.members)))
    ports = [e.port for e in eps]
    if len(set(ports)) != len(ports):
        raise ValueError(f"the router's endpoints share a port: {ports}")
    return eps


def usable(view: View, name: str) -> bool:
    m = view.member(name)
    if m is None:
        return False
    return name == view.writer or (m.role == "replica" and m.healthy)


def _rotate(items: list[Member], turn: int) -> list[Member]:
    if not items:
        return items
    k = turn % len(items)
    return items[k:] + items[:k]


def targets(ep: Endpoint, view: View, turn: int) -> list[Member]:
    """The instances a new connection to `ep` should try, in order. `turn` is the
    endpoint's round-robin counter (one step per new connection)."""
    writer = view.member(view.writer) if view.writer else None
    if ep.kind == WRITER:
        return [writer] if writer is not None else []
    if ep.kind == READER:
        replicas = sorted((m for m in view.members.values() if m.name != view.writer and usable(view, m.name)),
                          key=lambda m: m.name)
        return _rotate(replicas, turn) + ([writer] if writer is not None else [])
    members = sorted((view.members[n] for n in set(ep.members) if usable(view, n)), key=lambda m: m.name)
    return _rotate(members, turn)


def keeps(ep: Endpoint, view: View, name: str, role_at_connect: str) -> bool:
    """May a connection made through `ep` to instance `name` (which had
    `role_at_connect` then) stay open under `view`?"""
    if ep.kind == WRITER:
        return name == view.writer
    if ep.kind == READER:
        if role_at_connect == "writer":
            return name == view.writer
        return name != view.writer and usable(view, name)
    return usable(view, name)
