"""The `sixfold` commands for a global database (several regions): `up --regions N`,
what `status` and `down` add for one, and `sixfold global switchover`.

The primary region created first lives in the data directory itself, so every
one-region command (`sql`, `failover`, `node NAME`) keeps working on it; a
secondary region's processes are named `REGION/NAME` (e.g. `r2/sn-az1-a`)."""

from __future__ import annotations

import argparse

from sixfold.cli import EXIT_OK, EXIT_USAGE, CliError, DataDir, _print_table, start_missing


def global_endpoints(g) -> dict[str, str]:
    return g.endpoints()


def region_status(g, health_timeout_s: float) -> list[dict]:
    """[{name, role, lag_ms, lag_lsn, vdl, connected}] in region order. A secondary's lag
    comes from the primary's replication server (how long ago the oldest primary commit
    it lacks committed); when the server does not answer, from the secondary's agent
    (against what it last heard of the primary); else None."""
    primary = g.regions[g.primary]
    server = primary.replication_health(health_timeout_s) if primary.spec.replication is not None else None
    seen = {s.region: s for s in server.secondaries} if server is not None else {}
    out = []
    for name, sup in g.regions.items():
        if name == g.primary:
            out.append({"name": name, "role": "primary", "lag_ms": 0.0, "lag_lsn": 0,
                        "vdl": server.vdl if server is not None else None, "connected": True, "diverged": False})
            continue
        row = {"name": name, "role": "secondary", "lag_ms": None, "lag_lsn": None, "vdl": None, "connected": False,
               "diverged": sup.spec.replication.diverged}
        s = seen.get(name)
        if s is not None:
            row.update(lag_ms=None if s.lag_ms < 0 else round(s.lag_ms, 3), lag_lsn=s.lag_lsn, vdl=s.applied_lsn,
                       connected=s.connected)
        elif sup.spec.replication is not None:
            agent = sup.replication_health(health_timeout_s)
            if agent is not None:
                row.update(lag_ms=round(agent.lag_ms, 3), lag_lsn=max(0, agent.writer_vdl - agent.vdl), vdl=agent.vdl)
        out.append(row)
    return out


def add_status(st: dict, g, health_timeout_s: float) -> None:
    st["regions"] = region_status(g, health_timeout_s)
    st["primary_region"] = g.primary
    st["endpoints"].update(global_endpoints(g))


def print_regions(st: dict) -> None:
    for r in st["regions"]:
        lag = "-" if r["lag_ms"] is None else f"{r['lag_ms']} ms"
        lsn = "-" if r["lag_lsn"] is None else f"{r['lag_lsn']} LSNs"
        note = "" if r["connected"] else " (its agent is not connected)"
        if r.get("diverged"):
            note = f" (diverged in a failover: `sixfold global rejoin {r['name']}` rebuilds it)"
        print(f"region {r['name']}: {r['role']}, lag {lag}, {lsn}{note}")


def add_up_arguments(up: argparse.ArgumentParser) -> None:
    up.add_argument("--regions", metavar="N", type=int, default=None,
                    help="for a new cluster: a global database of N regions (2..11). This directory holds the "
                         "primary region r1 (plus its replication server); r2.. are secondary regions in "
                         "DIR/regions/, each with six storage nodes over its own three AZs, a reader instance "
                         "and a replication agent")
    up.add_argument("--region-delay-ms", metavar="MS", type=int, default=0,
                    help="with --regions: the one-way delay the cross-region link adds (default 0; e.g. 35 "
                         "acts out two real regions)")
    up.add_argument("--rpo-s", metavar="SECONDS", type=float, default=0.0,
                    help="with --regions: the managed RPO. The primary refuses commits (SQLSTATE 53400, "
                         "retriable) while no secondary is within this many seconds (default 0: off)")


def cmd_up(args, dd: DataDir) -> int:
    """`sixfold up --regions N`, or `sixfold up` on an existing global database."""
    from replication.regions import GlobalDatabase
    from sixfold.endpoints import new_password

    with dd.locked():
        if dd.is_global():
            g = dd.global_db()
            if args.regions is not None and args.regions != len(g.regions):
                raise CliError(f"the global database at {dd.root} has {len(g.regions)} regions; --regions applies "
                               "only to a new one (or use another --data-dir)", EXIT_USAGE)
            created = False
        elif dd.exists():
            raise CliError(f"{dd.root} holds a one-region cluster; --regions applies only to a new cluster "
                           "(use another --data-dir)", EXIT_USAGE)
        else:
            if args.port is not None or args.base_port is not None:
                raise CliError("--port and --base-port are for a one-region cluster; a global database takes "
                               "free ports (see `sixfold status`)", EXIT_USAGE)
            try:
                g = GlobalDatabase.create(dd.root, args.regions, delay_ms=args.region_delay_ms, rpo_s=args.rpo_s,
                                          replicas=args.replicas or 0, password=new_password())
            except ValueError as e:
                raise CliError(str(e), EXIT_USAGE) from None
            created = True
        started = 0
        for name in [g.primary, *g.secondaries]:
            sup = g.regions[name]
            running = {n: p.pid for n, p in sup.nodes.items() if p.alive}
            started += len(start_missing(sup, running))
    print(("created and started" if created else f"started {started} stopped process(es) of")
          + f" a global database of {len(g.regions)} regions (primary {g.primary})")
    _print_table(["REGION", "NAME", "KIND", "AZ", "ADDRESS", "PID"],
                 [[r, n, p.kind, sup.az_of(n) or "-", p.address, str(p.pid or "-")]
                  for r, sup in g.regions.items() for n, p in sup.nodes.items()])
    print(f"data dir: {dd.root}")
    for name, uri in global_endpoints(g).items():
        print(f"endpoint {name}: {uri}")
    return EXIT_OK


def cmd_down(dd: DataDir) -> int:
    with dd.locked():
        g = dd.global_db()
        running = sum(p.alive for sup in g.regions.values() for p in sup.nodes.values())
        try:
            killed = g.stop_all()
        except RuntimeError as e:
            raise CliError(str(e)) from None
    print(f"stopped {running} process(es) of the global database's {len(g.regions)} regions"
          + (f" ({', '.join(killed)} with SIGKILL after SIGTERM timed out)" if killed else "")
          + f"; data kept in {dd.root}")
    return EXIT_OK


def region_cluster(dd: DataDir, name: str):
    """(the supervisor of the region a `REGION/NAME` process belongs to, NAME)."""
    region, _, proc = name.partition("/")
    if not dd.is_global():
        raise CliError(f"{name!r}: REGION/NAME names a process of a global database; {dd.root} has one region",
                       EXIT_USAGE)
    g = dd.global_db()
    if region not in g.regions:
        raise CliError(f"no region {region!r}; the regions are: {', '.join(g.regions)}", EXIT_USAGE)
    return g.regions[region], proc


def add_global_parser(sub, data_dir_opt) -> None:
    gp = sub.add_parser(
        "global", help="a global database: switch the primary to another region",
        description="Commands for a global database (`sixfold up --regions N`).")
    gsub = gp.add_subparsers(dest="global_command", metavar="ACTION", required=True)
    so = gsub.add_parser(
        "switchover", help="planned: move the primary to another region with no data loss",
        description="Stop writes on the primary (clients get 57P03, retriable), write a marker record, wait "
                    "until REGION has applied everything up to it, promote REGION's reader to the writer (a new "
                    "epoch), make the old primary a secondary of REGION on the volume it has, and point the "
                    "other secondaries and the global writer endpoint at REGION. Prints each step and its time.")
    so.add_argument("--to", metavar="REGION", required=True, help="the secondary region to make the primary")
    data_dir_opt(so)
    so.set_defaults(func=cmd_switchover)
    fo = gsub.add_parser(
        "failover", help="unplanned: promote a secondary with what it has, and say what was lost",
        description="Promote REGION's reader to the writer with what REGION's volume holds, make REGION the "
                    "primary, and report the window given up: the primary LSNs and commit times REGION never "
                    "received (exact when the old primary's storage can still be read: recovery then also fences "
                    "its writer; else an upper bound). The old primary is marked diverged: it takes no writes and "
                    "follows no one until `sixfold global rejoin` rebuilds it.")
    fo.add_argument("--to", metavar="REGION", required=True, help="the secondary region to promote")
    fo.add_argument("--allow-data-loss", action="store_true",
                    help="required: acknowledges that commits the secondary did not receive are lost")
    data_dir_opt(fo)
    fo.set_defaults(func=cmd_failover)
    rj = gsub.add_parser(
        "rejoin", help="rebuild a region a failover left diverged as a secondary of the primary",
        description="Count the transactions of REGION's divergent tail (its log past the point the new primary "
                    "started from), discard its volume, and let its agent copy the primary's log into fresh "
                    "storage; its readers then serve the new primary's data.")
    rj.add_argument("region", metavar="REGION")
    data_dir_opt(rj)
    rj.set_defaults(func=cmd_rejoin)


def _global_dir(args) -> DataDir:
    dd = DataDir(args.data_dir)
    if not dd.is_global():
        raise CliError(f"{dd.root} holds no global database (start one with `sixfold up --regions 2`)", EXIT_USAGE)
    return dd


def cmd_switchover(args) -> int:
    from replication.switchover import SwitchoverError, switchover

    dd = _global_dir(args)
    with dd.locked():
        g = dd.global_db()
        try:
            r = switchover(g, args.to, say=lambda line: print(line, flush=True))
        except SwitchoverError as e:
            raise CliError(f"switchover refused: {e}") from None
        except (RuntimeError, TimeoutError) as e:
            raise CliError(f"switchover failed: {e}") from None
    print(f"switched over from {r['from']} to {r['to']}: writes paused for {r['serving_ms'] - r['paused_ms']:.0f} ms "
          f"(the target caught up in {r['caught_up_ms'] - r['paused_ms']:.0f} ms, promoted in "
          f"{r['promoted_ms'] - r['caught_up_ms']:.0f} ms); done in {r['total_ms']:.0f} ms")
    return EXIT_OK


def _when(us) -> str:
    import datetime

    return "-" if us is None else datetime.datetime.fromtimestamp(us / 1e6, datetime.timezone.utc).isoformat()


def cmd_failover(args) -> int:
    from replication.failover import failover
    from replication.switchover import SwitchoverError

    if not args.allow_data_loss:
        raise CliError("an unplanned failover loses what the secondary did not receive: pass --allow-data-loss "
                       "(or use `sixfold global switchover`, which loses nothing, while the primary is up)",
                       EXIT_USAGE)
    dd = _global_dir(args)
    with dd.locked():
        g = dd.global_db()
        try:
            r = failover(g, args.to, say=lambda line: print(line, flush=True))
        except SwitchoverError as e:
            raise CliError(f"failover refused: {e}") from None
        except (RuntimeError, TimeoutError) as e:
            raise CliError(f"failover failed: {e}") from None
    w = r["lost"]
    if w["exact"]:
        what = (f"LSNs {w['from_lsn']}..{w['to_lsn']} ({w['lsns']} records, {w['transactions']} transactions), "
                f"committed {_when(w['first_commit_us'])} .. {_when(w['last_commit_us'])}")
    else:
        what = (f"at most: LSNs from {w['from_lsn']} (at least up to {w['to_lsn_at_least']}), commits up to "
                f"{_when(w['last_commit_us'])}; {w['why']}")
    print(f"failed over from {r['from']} to {r['to']} in {r['promoted_ms']:.0f} ms; lost: {what}")
    return EXIT_OK


def cmd_rejoin(args) -> int:
    from replication.failover import rejoin
    from replication.switchover import SwitchoverError

    dd = _global_dir(args)
    with dd.locked():
        g = dd.global_db()
        try:
            r = rejoin(g, args.region, say=lambda line: print(line, flush=True))
        except SwitchoverError as e:
            raise CliError(f"rejoin refused: {e}") from None
        except (RuntimeError, TimeoutError) as e:
            raise CliError(f"rejoin failed: {e}") from None
    d = r["discarded"]
    n = "an unknown number of" if d["transactions"] is None else str(d["transactions"])
    print(f"region {r['region']} rejoined as a secondary of {g.primary} in {r['ms']:.0f} ms; its divergent tail of "
          f"{n} transaction(s) was discarded")
    return EXIT_OK
