"""An unplanned global failover, and the rejoin of a region it left behind.

`failover`: a secondary is promoted with what it has (its reader opens its volume as
writer at its VDL, a primary commit boundary). What it never received is the lost
window: primary LSNs (its VDL, the old primary's durable end] and their commit times.
When the old primary's storage answers, the window is exact: recovery runs on it (a
new epoch, which also fences the old writer for good) and the records in the window
are read back and counted. When it does not, the window is an upper bound: from the
secondary's VDL up to whatever the old primary committed before the failover began.

The old primary (and any other secondary whose log went past the new primary's
starting point) is marked diverged: its agent refuses to run, and its instances come
back only as readers of nothing, until `rejoin` rebuilds it as a secondary of the new
primary. Rejoin counts the transactions of its divergent tail, wipes its storage, and
lets its agent copy the new primary's log from the start (the log is never trimmed
today, so the new primary can always serve it).
"""

from __future__ import annotations

import asyncio
import dataclasses
import shutil
import time
from collections.abc import Callable

import grpc

from compute_node.recovery import recover_volume
from replication.log_fetch import fetch_durable_range
from replication.regions import GlobalDatabase
from replication.switchover import SwitchoverError, _admin, _respec, make_primary
from sixfold.constants import LOST_WINDOW_READ_TIMEOUT_S, PROMOTE_TIMEOUT_MS
from sixfold.core.records import peek_commit_ts_us, peek_header
from sixfold.errors import SixfoldError
from sixfold.rpc import compute_pb2 as cpb
from sixfold.rpc.transport import GrpcTransport
from sixfold.spec import ClusterSpec
from sixfold.supervisor import CONTROL_PLANE, REPLICATION_AGENT, Supervisor, free_ports



def read_tail(spec: ClusterSpec, after: int, writer_id: str) -> dict:
    """Recover the volume of `spec` (a new epoch: fences whatever writer it had) and read
    back its durable records above `after`: {vdl, lsns, transactions, first/last commit
    time}. Raises SixfoldError or TimeoutError when its storage cannot be read."""

    async def run() -> dict:
        transport = GrpcTransport()
        try:
            stubs = {n.name: transport.storage_stub(n.address) for n in spec.storage_nodes}
            rec = await recover_volume(stubs, spec.geometry(), spec.volume, writer_id)
            records = []
            cursor = after
            while cursor < rec.vdl:
                up_to = min(rec.vdl, cursor + 20_000)
                records += await fetch_durable_range(stubs, spec.geometry(), spec.volume, cursor, up_to,
                                                     rec.pg_tails)
                cursor = up_to
            times = [peek_commit_ts_us(r) for r in records if peek_header(r)[3]]
            return {"vdl": rec.vdl, "epoch": rec.epoch, "lsns": max(0, rec.vdl - after), "transactions": len(times),
                    "first_commit_us": min(times, default=None), "last_commit_us": max(times, default=None)}
        finally:
            await transport.close()

    return asyncio.run(asyncio.wait_for(run(), LOST_WINDOW_READ_TIMEOUT_S))


def failover(g: GlobalDatabase, to: str, say: Callable[[str], None] = lambda s: None) -> dict:
    """Promote secondary `to` with what it has; returns the lost window and timings."""
    if to not in g.regions:
        raise SwitchoverError(f"no region {to!r}; the regions are: {', '.join(g.regions)}")
    if to == g.primary:
        raise SwitchoverError(f"region {to} is already the primary")
    nsup = g.regions[to]
    if nsup.spec.replication.diverged:
        raise SwitchoverError(f"region {to} has diverged from the primary; it cannot be promoted")
    old = g.primary
    osup = g.regions[old]
    t0 = time.monotonic()
    started_us = time.time_ns() // 1000
    heard = nsup.replication_health(1.0)  # what the target's agent last heard of the primary
    nsup.kill(REPLICATION_AGENT)
    reader = min(nsup.spec.compute_nodes, key=lambda n: (n.tier, n.name))
    # The region becomes the primary: the new writer enforces the managed RPO from now on.
    request = cpb.PromoteRequest(reason=f"global failover from {old}", global_primary=True,
                                 rpo_s=osup.spec.replication.rpo_s)
    try:
        promoted = _admin(reader.admin_address,
                          lambda s, t: s.Promote(request, timeout=t),
                          PROMOTE_TIMEOUT_MS / 1000)
    except grpc.RpcError as e:
        nsup.start(REPLICATION_AGENT)
        raise SwitchoverError(f"{reader.name} of region {to} could not be promoted: {e.details()}") from None
    start_lsn = promoted.vdl
    generation = g.generation + 1
    nspec, serving_at = make_primary(g, to, reader.name, osup.spec.replication.rpo_s, generation)
    promoted_ms = round((serving_at - t0) * 1000, 1)
    say(f"{reader.name} of region {to} is the writer of the primary region (epoch {promoted.epoch}, VDL {start_lsn}, "
        f"region generation {generation})")

    # The old primary: stop what still runs of it but its storage, then read what it had.
    osup.stop_many([n for n, p in osup.nodes.items() if p.kind != "storage" and p.kind != "global-endpoint"])
    try:
        tail = read_tail(osup.spec, start_lsn, f"failover-to-{to}")
        window = {"exact": True, "from_lsn": start_lsn + 1, "to_lsn": tail["vdl"], "lsns": tail["lsns"],
                  "transactions": tail["transactions"], "first_commit_us": tail["first_commit_us"],
                  "last_commit_us": tail["last_commit_us"]}
        say(f"lost window (exact, read from region {old}'s storage): LSNs {start_lsn + 1}..{tail['vdl']}, "
            f"{tail['transactions']} transaction(s)")
    except (SixfoldError, TimeoutError, grpc.RpcError) as e:
        lower = heard.writer_vdl if heard is not None else start_lsn
        window = {"exact": False, "from_lsn": start_lsn + 1, "to_lsn": None, "to_lsn_at_least": max(lower, start_lsn),
                  "lsns": None, "transactions": None, "first_commit_us": None, "last_commit_us": started_us,
                  "why": f"region {old}'s storage could not be read: {e}"}
        say(f"lost window (upper bound; region {old}'s storage could not be read): LSNs from {start_lsn + 1} up to "
            f"at least {window['to_lsn_at_least']}, and every commit before the failover began")
    _mark_diverged(g, old, nspec, generation)
    say(f"region {old} is marked diverged: `sixfold global rejoin {old}` makes it a secondary of {to}")
    followed, diverged = [], [old]
    for name in g.secondaries:
        if name == old:
            continue
        sup = g.regions[name]
        h = sup.replication_health(1.0)
        sup.stop(REPLICATION_AGENT)
        if h is None or h.vdl > start_lsn:  # past where the new primary started, or unknown: rebuild
            _mark_diverged(g, name, nspec, generation)
            diverged.append(name)
            say(f"region {name} went past LSN {start_lsn} (or did not answer): marked diverged")
            continue
        sup = g.regions[name] = _respec(sup, sup.spec.replace(replication=dataclasses.replace(
            sup.spec.replication, upstream=nspec.replication.address, generation=generation)))
        sup.start(REPLICATION_AGENT)
        sup.save_state()
        followed.append(name)
        say(f"region {name} follows region {to}")
    g.lost_window = {**window, "generation": generation, "old_primary": old}
    g.save()
    return {"from": old, "to": to, "epoch": promoted.epoch, "generation": generation, "start_lsn": start_lsn,
            "lost": window, "promoted_ms": promoted_ms, "diverged": diverged, "followers": followed}


def _mark_diverged(g: GlobalDatabase, name: str, primary_spec: ClusterSpec, generation: int) -> None:
    sup = g.regions[name]
    (agent_port,) = free_ports(1)
    spec = sup.spec.replace(
        compute_nodes=tuple(dataclasses.replace(n, role="replica", tier=1) for n in sup.spec.compute_nodes),
        control_plane=None, router=None,
        replication=dataclasses.replace(sup.spec.replication, role="secondary", port=agent_port,
                                        upstream=primary_spec.replication.address, generation=generation,
                                        diverged=True))
    shutil.rmtree(sup.root / CONTROL_PLANE, ignore_errors=True)
    g.regions[name] = _respec(sup, spec)


def rejoin(g: GlobalDatabase, name: str, say: Callable[[str], None] = lambda s: None) -> dict:
    """Rebuild diverged region `name` as a secondary of the current primary; returns how
    many transactions its divergent tail held."""
    if name not in g.regions or name == g.primary:
        raise SwitchoverError(f"region {name!r} is not a secondary of this global database")
    sup = g.regions[name]
    if not sup.spec.replication.diverged:
        raise SwitchoverError(f"region {name} has not diverged; it follows the primary already")
    start_lsn = (g.lost_window or {}).get("from_lsn", 1) - 1
    t0 = time.monotonic()
    sup.stop_many([n for n, p in sup.nodes.items() if p.kind not in ("storage", "global-endpoint")])
    for n in sup.storage_names:
        sup.start(n, wait=False)
    for n in sup.storage_names:
        sup.wait_ready(n)
    try:
        tail = read_tail(sup.spec, start_lsn, f"rejoin-{name}")
        discarded = {"from_lsn": start_lsn + 1, "to_lsn": tail["vdl"], "transactions": tail["transactions"]}
    except (SixfoldError, TimeoutError, grpc.RpcError) as e:
        discarded = {"from_lsn": start_lsn + 1, "to_lsn": None, "transactions": None, "why": str(e)}
    say(f"region {name}: its divergent tail held {discarded['transactions']} transaction(s) above LSN {start_lsn}; "
        "it is rebuilt from the primary")
    sup.stop_many(sup.storage_names)
    for n in sup.storage_names:
        shutil.rmtree(sup.nodes[n].data_dir, ignore_errors=True)
    primary = g.regions[g.primary].spec
    sup = g.regions[name] = _respec(sup, sup.spec.replace(replication=dataclasses.replace(
        sup.spec.replication, upstream=primary.replication.address, generation=g.generation, diverged=False)))
    _start_region(sup)
    say(f"region {name} is a secondary of region {g.primary}")
    return {"region": name, "discarded": discarded, "ms": round((time.monotonic() - t0) * 1000, 1)}


def _start_region(sup: Supervisor) -> None:
    for group in sup.start_order():
        for n in group:
            sup.start(n, wait=False)
        sup.save_state()
        for n in group:
            sup.wait_ready(n)

