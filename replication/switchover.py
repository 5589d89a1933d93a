"""A planned switchover: the primary moves to another region and nothing is lost.

1. The primary's writer stops taking writes (clients get 57P03, retriable) and writes
   a marker record after its last commit (`ComputeNode.PauseWrites`).
2. The target region's agent applies everything up to the marker (bounded wait; past
   it, writes resume on the old primary and the switchover is called off).
3. The target's agent stops and its reader is promoted (`ComputeNode.Promote`):
   recovery with a new epoch fences the agent, and the new writer opens exactly at the
   marker (the two volumes hold the same log at the same LSNs up to it).
4. The target region gains a control plane, a replication server and a router; the
   global database names it primary (the global writer endpoint moves with it).
5. The old primary region becomes a secondary without copying its volume: its
   instances stop, its agent opens the volume (a new epoch: the old writer can never
   write to it again) at the marker, and pulls from the new primary; its instances
   restart as readers. Other secondaries follow the new primary's server.
"""

from __future__ import annotations

import dataclasses
import logging
import shutil
import time
from collections.abc import Callable

import grpc

from replication.regions import GlobalDatabase
from sixfold.constants import PROMOTE_TIMEOUT_MS, RPC_TIMEOUT_MS, SWITCHOVER_CATCH_UP_TIMEOUT_MS
from sixfold.rpc import compute_pb2 as cpb
from sixfold.rpc import compute_pb2_grpc as cpb_grpc
from sixfold.spec import ControlPlaneSpec, RouterSpec
from sixfold.supervisor import (
    CONTROL_PLANE, REPLICATION_AGENT, REPLICATION_SERVER, ROUTER, Supervisor, free_ports, wait_until,
)

log = logging.getLogger("sixfold.replication.switchover")


class SwitchoverError(Exception):
    """The switchover could not be done; the message says what state it left."""


def _admin(address: str, call: Callable, timeout_s: float):
    with grpc.insecure_channel(address) as ch:
        return call(cpb_grpc.ComputeNodeStub(ch), timeout_s)


def switchover(g: GlobalDatabase, to: str, say: Callable[[str], None] = lambda s: None) -> dict:
    """Move the primary to region `to`; returns what happened, with timings in ms."""
    if to not in g.regions:
        raise SwitchoverError(f"no region {to!r}; the regions are: {', '.join(g.regions)}")
    if to == g.primary:
        raise SwitchoverError(f"region {to} is already the primary")
    old = g.primary
    osup, nsup = g.regions[old], g.regions[to]
    writer = osup.spec.compute(osup.writer_name())
    t0 = time.monotonic()

    def ms() -> float:
        return round((time.monotonic() - t0) * 1000, 1)

    # 1. No more writes on the old primary; a marker after the last one.
    reason = f"a switchover is moving the primary to region {to}; retry through the global writer endpoint"
    try:
        marker = _admin(writer.admin_address, lambda s, t: s.PauseWrites(cpb.PauseWritesRequest(reason=reason),
                                                                         timeout=t), RPC_TIMEOUT_MS / 1000).marker_lsn
    except grpc.RpcError as e:
        raise SwitchoverError(f"the writer {writer.name} of region {old} could not pause writes: "
                              f"{e.details()}") from None
    say(f"writes paused on region {old}: marker at LSN {marker}")
    paused_ms = ms()

    def resume_old() -> None:
        _admin(writer.admin_address, lambda s, t: s.PauseWrites(cpb.PauseWritesRequest(resume=True), timeout=t),
               RPC_TIMEOUT_MS / 1000)

    # 2. The target applies everything up to the marker.
    try:
        wait_until(lambda: (h := nsup.replication_health(1.0)) is not None and h.vdl >= marker,
                   SWITCHOVER_CATCH_UP_TIMEOUT_MS / 1000, f"region {to} to apply the log up to the marker")
    except TimeoutError as e:
        resume_old()
        raise SwitchoverError(f"{e}; writes resumed on region {old}, which stays the primary") from None
    caught_up_ms = ms()
    say(f"region {to} applied the log up to the marker")

    # 3. The target's reader becomes the writer. The agent is killed, not asked to stop:
    # the promotion's recovery fences it anyway, and a clean stop only adds to the pause.
    nsup.kill(REPLICATION_AGENT)
    reader = min(nsup.spec.compute_nodes, key=lambda n: (n.tier, n.name))
    # The region becomes the primary: the new writer enforces the managed RPO from now on.
    request = cpb.PromoteRequest(reason=f"switchover from {old}", global_primary=True,
                                 rpo_s=osup.spec.replication.rpo_s)
    try:
        promoted = _admin(reader.admin_address,
                          lambda s, t: s.Promote(request, timeout=t),
                          PROMOTE_TIMEOUT_MS / 1000)
    except grpc.RpcError as e:
        nsup.start(REPLICATION_AGENT)
        resume_old()
        raise SwitchoverError(f"{reader.name} of region {to} could not be promoted ({e.details()}); writes resumed "
                              f"on region {old}, which stays the primary") from None
    if promoted.vdl != marker:  # the two volumes hold the same log up to the marker, never more or less
        raise SwitchoverError(f"region {to} opened at LSN {promoted.vdl}, not at the marker {marker}: stopped "
                              "with writes paused on both regions for an operator to look at")
    promoted_ms = ms()
    say(f"{reader.name} of region {to} is the writer (epoch {promoted.epoch}, VDL {promoted.vdl})")

    # 4. The target region is the primary.
    generation = g.generation + 1
    nspec, serving_at = make_primary(g, to, reader.name, osup.spec.replication.rpo_s, generation)
    serving_ms = round((serving_at - t0) * 1000, 1)
    say(f"region {to} is the primary (region generation {generation})")

    # 5. The old primary becomes a secondary of the new one, on the volume it has.
    osup.stop_many([n for n in (ROUTER, REPLICATION_SERVER, *osup.compute_names, CONTROL_PLANE) if n in osup.nodes])
    osup.save_state()
    (agent_port,) = free_ports(1)
    ospec = osup.spec.replace(
        compute_nodes=tuple(dataclasses.replace(n, role="replica", tier=1) for n in osup.spec.compute_nodes),
        control_plane=None, router=None,
        replication=dataclasses.replace(osup.spec.replication, role="secondary", port=agent_port,
                                        upstream=nspec.replication.address, generation=generation))
    shutil.rmtree(osup.root / CONTROL_PLANE, ignore_errors=True)
    osup = g.regions[old] = _respec(osup, ospec)
    for group in osup.start_order():
        for name in group:
            osup.start(name, wait=False)
        osup.save_state()
        for name in group:
            osup.wait_ready(name)
    say(f"region {old} is a secondary of region {to}")
    for name in g.secondaries:
        if name == old:
            continue
        sup = g.regions[name]
        sup = g.regions[name] = _respec(sup, sup.spec.replace(replication=dataclasses.replace(
            sup.spec.replication, upstream=nspec.replication.address, generation=generation)))
        sup.stop(REPLICATION_AGENT)
        sup.start(REPLICATION_AGENT)
        sup.save_state()
        say(f"region {name} follows region {to}")
    return {"from": old, "to": to, "marker_lsn": marker, "epoch": promoted.epoch, "generation": generation,
            "paused_ms": paused_ms, "caught_up_ms": caught_up_ms, "promoted_ms": promoted_ms,
            "serving_ms": serving_ms, "total_ms": ms()}


def make_primary(g: GlobalDatabase, to: str, writer: str, rpo_s: float, generation: int):
    """Region `to`, whose instance `writer` was just promoted, becomes the primary: the
    global writer endpoint reaches that writer at once (global.json names the region);
    then the region gains a control plane, a replication server and a router. Returns
    its new spec and when the global writer endpoint started reaching its writer."""
    sup = g.regions[to]
    cp_port, writer_port, reader_port, server_port = free_ports(4)
    host = sup.spec.compute(writer).host
    spec = sup.spec.replace(
        compute_nodes=tuple(dataclasses.replace(n, role="writer" if n.name == writer else "replica",
                                                tier=0 if n.name == writer else 1)
                            for n in sup.spec.compute_nodes),
        replication=dataclasses.replace(sup.spec.replication, role="primary", port=server_port, upstream="",
                                        rpo_s=rpo_s, generation=generation, diverged=False))
    sup = g.regions[to] = _respec(sup, spec)
    g.primary, g.generation = to, generation
    g.save()
    serving_at = time.monotonic()
    spec = spec.replace(control_plane=ControlPlaneSpec(host, cp_port), router=RouterSpec(host, writer_port,
                                                                                         reader_port))
    shutil.rmtree(sup.root / CONTROL_PLANE, ignore_errors=True)  # a control plane from an earlier time as primary
    sup = g.regions[to] = _respec(sup, spec)
    for name in (CONTROL_PLANE, REPLICATION_SERVER, ROUTER):
        sup.start(name, wait=False)
    sup.save_state()
    for name in (CONTROL_PLANE, REPLICATION_SERVER, ROUTER):
        sup.wait_ready(name)
    return spec, serving_at


def _respec(sup: Supervisor, spec) -> Supervisor:
    """The region's supervisor over its new spec, still attached to its running processes."""
    spec.save(sup.root / "cluster.json")
    new = Supervisor.attach(spec, sup.root, adopt=True, launch=sup.launch)
    for name, proc in sup.nodes.items():  # processes this one started keep their Popen (reaped, not adopted)
        if name in new.nodes and proc.proc is not None and proc.alive:
            new.nodes[name].proc, new.nodes[name].adopted_pid = proc.proc, None
    new.save_state()
    return new
