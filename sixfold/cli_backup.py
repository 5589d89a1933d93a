"""`sixfold backup status`, `sixfold restore` and `sixfold snapshot`: the commands over a
cluster's continuous backup (see sixfold/backup/)."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time

from sixfold.cli import EXIT_OK, EXIT_USAGE, CliError, DataDir, _print_table
from sixfold.errors import BackupError, CorruptBackupObject


def _iso(ts_us: int) -> str:
    return dt.datetime.fromtimestamp(ts_us / 1e6, dt.timezone.utc).isoformat(timespec="microseconds")


def parse_time(text: str) -> int:
    """An ISO-8601 timestamp as microseconds since the epoch (no zone: UTC)."""
    try:
        t = dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise CliError(f"--to-time {text!r} is not an ISO-8601 timestamp (e.g. 2026-12-03T17:40:00Z)",
                       EXIT_USAGE) from None
    if t.tzinfo is None:
        t = t.replace(tzinfo=dt.timezone.utc)
    return int(round(t.timestamp() * 1e6))


def _backup_of(dd: DataDir):
    """(spec, store) of the cluster in `dd`."""
    from sixfold.backup.objects import open_store

    spec = dd.require()
    if not spec.backup:
        raise CliError(f"the cluster at {dd.root} has no backup location (no \"backup\" in its cluster.json)")
    try:
        return spec, open_store(spec.backup)
    except BackupError as e:
        raise CliError(str(e)) from None


def _catalog(store, volume: str, show_progress: bool):
    from sixfold.backup.catalog import Catalog

    def bar(k, n):
        if show_progress and sys.stderr.isatty():
            print(f"\rreading the backup: {k}/{n} objects", end="" if k < n else "\n", file=sys.stderr, flush=True)

    try:
        return Catalog.load(store, volume, bar)
    except BackupError as e:
        raise CliError(str(e)) from None


def cmd_backup_status(args) -> int:
    spec, store = _backup_of(DataDir(args.data_dir))
    cat = _catalog(store, spec.volume, not args.json)
    restorable = cat.restorable_lsn()
    w = cat.commits().window(restorable)
    snaps = _snapshots(store, spec.volume)
    out = {
        "location": store.describe(), "volume": spec.volume, "objects": len(cat.blocks),
        "earliest_restorable": _iso(w[0].commit_ts_us) if w else None,
        "latest_restorable": _iso(w[1].commit_ts_us) if w else None,
        "earliest_lsn": w[0].lsn if w else None, "latest_lsn": w[1].lsn if w else None,
        "restorable_lsn": restorable, "lag_s": round(time.time() - w[1].commit_ts_us / 1e6, 3) if w else None,
        "corrupt_objects": [e.key for e in cat.corrupt], "gaps": cat.gaps(),
        "snapshots": sorted(snaps),
    }
    if args.json:
        print(json.dumps(out, indent=2, sort_keys=True))
        return EXIT_OK
    print(f"backup of volume {spec.volume!r} in {out['location']}: {out['objects']} objects")
    if w is None:
        print("nothing restorable yet")
    else:
        print(f"earliest restorable: {out['earliest_restorable']} (LSN {w[0].lsn})")
        print(f"latest restorable:   {out['latest_restorable']} (LSN {w[1].lsn}, {out['lag_s']:.1f} s ago)")
    for e in cat.corrupt:
        print(f"CORRUPT: {e}")
    for g in out["gaps"]:
        print(f"MISSING: {g}")
    if snaps:
        print(f"snapshots: {', '.join(sorted(snaps))}")
    return EXIT_OK


def _snapshots(store, volume: str) -> dict[str, dict]:
    from sixfold.backup.catalog import decode_json

    out = {}
    for key in store.list(f"{volume}/snapshots/"):
        name = key.rsplit("/", 1)[1].removesuffix(".json")
        try:
            out[name] = decode_json(key, store.get(key))
        except BackupError as e:
            out[name] = {"error": str(e)}
    return out


def cmd_snapshot(args) -> int:
    from sixfold.backup.catalog import encode_json, snapshot_key

    spec, store = _backup_of(DataDir(args.data_dir))
    if args.action == "list":
        snaps = _snapshots(store, spec.volume)
        _print_table(["NAME", "LSN", "TIME"], [[n, str(s.get("lsn", "?")), _iso(s["commit_ts_us"]) if "commit_ts_us" in s
                                                else s.get("error", "?")] for n, s in sorted(snaps.items())])
        return EXIT_OK
    if not args.name or not args.name.replace("-", "").replace("_", "").isalnum():
        raise CliError("a snapshot needs a NAME of letters, digits, - and _", EXIT_USAGE)
    key = snapshot_key(spec.volume, args.name)
    exists = args.name in _snapshots(store, spec.volume)
    if args.action == "delete":
        if not exists:
            raise CliError(f"no snapshot {args.name!r}")
        store.delete(key)
        print(f"deleted snapshot {args.name!r}")
        return EXIT_OK
    if exists:
        raise CliError(f"snapshot {args.name!r} exists; delete it first or pick another name")
    cat = _catalog(store, spec.volume, True)
    w = cat.commits().window(cat.restorable_lsn())
    if w is None:
        raise CliError("the backup holds no restorable commit yet; try again in a few seconds")
    point = w[1]
    store.put(key, encode_json({"name": args.name, "lsn": point.lsn, "commit_ts_us": point.commit_ts_us,
                                "created_us": int(time.time() * 1e6)}))
    print(f"snapshot {args.name!r}: LSN {point.lsn}, as of {_iso(point.commit_ts_us)}")
    return EXIT_OK


def cmd_restore(args) -> int:
    from sixfold.backup.catalog import decode_json, snapshot_key
    from sixfold.backup.restore import ByteProgress, load_stores, plan
    from sixfold.cli import _new_spec, start_missing
    from sixfold.endpoints import endpoints, load_credentials, new_password
    from sixfold.supervisor import Supervisor

    targets = [args.to_time is not None, args.to_lsn is not None, args.snapshot is not None]
    if sum(targets) > 1:
        raise CliError("give at most one of --to-time, --to-lsn and --snapshot", EXIT_USAGE)
    src = DataDir(args.data_dir)
    new = DataDir(args.into)
    if new.root == src.root:
        raise CliError("--into must be a new directory, not the source's", EXIT_USAGE)
    if new.root.exists() and any(new.root.iterdir()):
        raise CliError(f"{new.root} is not empty: restore builds a new cluster in a new directory", EXIT_USAGE)
    spec, store = _backup_of(src)
    t0 = time.monotonic()
    cat = _catalog(store, spec.volume, True)
    to_lsn, to_time = args.to_lsn, parse_time(args.to_time) if args.to_time else None
    if args.snapshot is not None:
        try:
            to_lsn = decode_json(args.snapshot, store.get(snapshot_key(spec.volume, args.snapshot)))["lsn"]
        except BackupError as e:
            raise CliError(f"snapshot {args.snapshot!r}: {e}") from None
    if to_lsn is None and to_time is None:
        to_lsn = cat.restorable_lsn()  # the latest restorable point
    try:
        p = plan(cat, to_lsn, to_time, args.on_corrupt)
    except CorruptBackupObject as e:
        raise CliError(str(e)) from None
    except BackupError as e:
        raise CliError(str(e)) from None
    for d in p.skipped:
        print(f"warning: {d}; restoring to before it", file=sys.stderr)
    print(f"restoring volume {spec.volume!r} to LSN {p.point.lsn} (committed {_iso(p.point.commit_ts_us)}) "
          f"from {store.describe()}")
    ns = argparse.Namespace(base_port=None, port=args.port, replicas=0)
    new_spec = _new_spec(ns).replace(name=f"{spec.name}-restore", volume=spec.volume, pg_pages=spec.pg_pages)
    new.root.mkdir(parents=True, exist_ok=True)
    with new.locked():
        cluster = Supervisor.create(new.root, spec=new_spec, password=new_password(), backup=True)
        total = _bytes_of(cat, p.point.lsn)
        bar = ByteProgress("restoring", total)
        try:
            counts = load_stores(store, p, cluster.spec, new.root, bar.add)
        except BackupError as e:
            raise CliError(str(e)) from None
        finally:
            bar.close()
        start_missing(cluster, {})
    took = time.monotonic() - t0
    print(f"restored {counts['records']} records of {counts['pgs']} PGs in {took:.1f} s; "
          f"cluster {cluster.spec.name!r} started in {new.root}")
    print(endpoints(cluster.spec, load_credentials(new.root))["writer"])
    return EXIT_OK


def _bytes_of(cat, lsn: int) -> int:
    return sum(cat.sizes.get(k, 0) for k in cat.blocks_for(lsn + 1))


def add_parsers(sub, data_dir_opt) -> None:
    bk = sub.add_parser("backup", help="the cluster's continuous backup: restorable window, damaged objects",
                        description="Storage nodes back the volume up continuously to the object store named "
                                    "in cluster.json (by default DIR/backup). `status` reads the backup and "
                                    "shows the earliest and latest restorable times.")
    bsub = bk.add_subparsers(dest="backup_command", metavar="ACTION", required=True)
    st = bsub.add_parser("status", help="earliest and latest restorable time, objects, damage",
                         description="Read the backup's objects and show the restorable window (ISO-8601, UTC), "
                                     "the number of objects, and any corrupt object or missing LSN range.")
    data_dir_opt(st)
    st.add_argument("--json", action="store_true",
                    help='print JSON: {"earliest_restorable", "latest_restorable" (ISO-8601), "earliest_lsn", '
                         '"latest_lsn", "lag_s", "objects", "corrupt_objects", "gaps", "snapshots", "location"}')
    st.set_defaults(func=cmd_backup_status)

    rs = sub.add_parser(
        "restore", help="point-in-time restore: a new cluster from a cluster's backup",
        description="Build a new cluster in --into from the backup of the cluster in --data-dir (its storage "
                    "nodes may all be gone: only its cluster.json and backup location are read), holding "
                    "exactly the transactions committed at or before --to-time (or up to --to-lsn, or a "
                    "snapshot's point; default: the latest restorable point), and start it.")
    data_dir_opt(rs)
    rs.add_argument("--into", metavar="NEW", required=True, help="directory of the new cluster (must not exist "
                                                                  "or be empty)")
    rs.add_argument("--port", metavar="PORT", type=int, default=None,
                    help="the new cluster's PostgreSQL (cluster endpoint) port (default: 5432 when free, else a "
                         "free port)")
    rs.add_argument("--to-time", metavar="T", default=None,
                    help="ISO-8601 time, e.g. 2026-12-03T17:40:00Z (no zone: UTC): keep every transaction "
                         "committed at or before it")
    rs.add_argument("--to-lsn", metavar="L", type=int, default=None,
                    help="keep the log up to the last commit at or below LSN L")
    rs.add_argument("--snapshot", metavar="NAME", default=None, help="restore to snapshot NAME's point")
    rs.add_argument("--on-corrupt", choices=["fail", "before"], default="fail",
                    help="a corrupt or missing backup object: fail naming it (default), or restore to the last "
                         "point before it")
    rs.set_defaults(func=cmd_restore)

    sn = sub.add_parser("snapshot", help="named restore points: create, list, delete",
                        description="A snapshot names the latest restorable point of the backup; `sixfold "
                                    "restore --snapshot NAME` restores to it.")
    sn.add_argument("action", choices=["create", "list", "delete"])
    sn.add_argument("name", metavar="NAME", nargs="?", default=None, help="the snapshot's name (create, delete)")
    data_dir_opt(sn)
    sn.set_defaults(func=cmd_snapshot)


__all__ = ["add_parsers", "parse_time"]
