"""`sixfold backup status`, `sixfold restore` and `sixfold snapshot`: the commands over a
cluster's continuous backup (see sixfold/backup/)."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time

from sixfold.cli import EXIT_OK, EXIT_USAGE, CliError, DataDir, _print_table
from sixfold.constants import BACKUP_RETENTION_S_DEFAULT
from sixfold.errors import BackupError


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


def _catalog(store, volume: str, show_progress: bool, verify: bool = True):
    from sixfold.backup.catalog import Catalog

    def bar(k, n):
        if show_progress and sys.stderr.isatty():
            print(f"\rreading the backup: {k}/{n} objects", end="" if k < n else "\n", file=sys.stderr, flush=True)

    try:
        return Catalog.load(store, volume, bar, verify=verify)
    except BackupError as e:
        raise CliError(str(e)) from None


def cmd_backup_status(args) -> int:
    spec, store = _backup_of(DataDir(args.data_dir))
    cat = _catalog(store, spec.volume, not args.json, verify=args.verify)
    restorable = cat.restorable_lsn()
    w = cat.window()
    snaps = _snapshots(store, spec.volume)
    out = {
        "location": store.describe(), "volume": spec.volume, "objects": len(cat.blocks),
        "images": sum(len(v) for v in cat.images.values()),
        "earliest_restorable": _iso(w[0].commit_ts_us) if w else None,
        "latest_restorable": _iso(w[1].commit_ts_us) if w else None,
        "earliest_lsn": w[0].lsn if w else None, "latest_lsn": w[1].lsn if w else None,
        "restorable_lsn": restorable, "lag_s": round(time.time() - w[1].commit_ts_us / 1e6, 3) if w else None,
        "corrupt_objects": [e.key for e in cat.corrupt], "gaps": cat.gaps(),
        "snapshots": sorted(snaps),
        "retention_s": spec.backup.get("retention_s", BACKUP_RETENTION_S_DEFAULT),
    }
    if args.json:
        print(json.dumps(out, indent=2, sort_keys=True))
        return EXIT_OK
    print(f"backup of volume {spec.volume!r} in {out['location']}: {out['objects']} log objects, "
          f"{out['images']} page images")
    if w is None:
        print("nothing restorable yet")
    else:
        print(f"earliest restorable: {out['earliest_restorable']} (LSN {w[0].lsn})")
        print(f"latest restorable:   {out['latest_restorable']} (LSN {w[1].lsn}, {out['lag_s']:.1f} s ago)")
    print(f"retention: {out['retention_s']:g} s (older objects are deleted, except what snapshots need)")
    for e in cat.corrupt:
        print(f"CORRUPT: {e}")
    for g in out["gaps"]:
        print(f"MISSING: {g}")
    if snaps:
        print(f"snapshots: {', '.join(sorted(snaps))}")
    return EXIT_OK


def _snapshots(store, volume: str) -> dict[str, dict]:
    from sixfold.backup.catalog import read_snapshots

    try:
        return read_snapshots(store, volume)
    except BackupError as e:
        raise CliError(str(e)) from None


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
    cat = _catalog(store, spec.volume, True, verify=False)
    w = cat.window()
    if w is None:
        raise CliError("the backup holds no restorable commit yet; try again in a few seconds")
    point = w[1]
    store.put(key, encode_json({"name": args.name, "lsn": point.lsn, "commit_ts_us": point.commit_ts_us,
                                "created_us": int(time.time() * 1e6)}))
    print(f"snapshot {args.name!r}: LSN {point.lsn}, as of {_iso(point.commit_ts_us)}")
    return EXIT_OK


def cmd_restore(args) -> int:
    from sixfold.backup.catalog import decode_json, snapshot_key
    from sixfold.backup.objects import open_store
    from sixfold.backup.restore import ByteProgress, load_stores, plan, seed_backup
    from sixfold.core.backup import RestorePoint
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
    snap = None
    if args.snapshot is not None:
        try:
            body = decode_json(args.snapshot, store.get(snapshot_key(spec.volume, args.snapshot)))
            snap = RestorePoint(body["lsn"], body["commit_ts_us"])
        except BackupError as e:
            raise CliError(f"snapshot {args.snapshot!r}: {e}") from None
    elif to_lsn is None and to_time is None:
        to_lsn = cat.restorable_lsn()  # the latest restorable point
    try:
        p = plan(cat, to_lsn, to_time, args.on_corrupt, snapshot=snap)
    except BackupError as e:  # corrupt or missing objects included: each named
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
            seed_backup(store, p, open_store(cluster.spec.backup))
        except BackupError as e:
            raise CliError(str(e)) from None
        finally:
            bar.close()
        start_missing(cluster, {})
    took = time.monotonic() - t0
    print(f"restored {counts['records']} records and {counts['images']} page images of {counts['pgs']} PGs in "
          f"{took:.1f} s; "
          f"cluster {cluster.spec.name!r} started in {new.root}")
    print(endpoints(cluster.spec, load_credentials(new.root))["writer"])
    return EXIT_OK


def _bytes_of(cat, lsn: int) -> int:
    bases = cat.base_images(lsn)
    return (sum(cat.sizes.get(k, 0) for k, _h in bases.values())
            + sum(cat.sizes.get(k, 0) for k in cat.blocks_for(lsn + 1, {pg: h["lsn"] for pg, (_k, h) in bases.items()})))


def add_parsers(sub, data_dir_opt) -> None:
    bk = sub.add_parser("backup", help="the cluster's continuous backup: restorable window, damaged objects",
                        description="Storage nodes back the volume up continuously to the object store named "
                                    "in cluster.json (by default DIR/backup). `status` reads the backup and "
                                    "shows the earliest and latest restorable times.")
    bsub = bk.add_subparsers(dest="backup_command", metavar="ACTION", required=True)
    st = bsub.add_parser("status", help="earliest and latest restorable time, objects, damage",
                         description="Read the backup's object headers and show the restorable window "
                                     "(ISO-8601, UTC), the number of objects, and any unreadable object or "
                                     "missing LSN range. --verify reads every object whole and checks its "
                                     "SHA-256 (a restore always does).")
    data_dir_opt(st)
    st.add_argument("--verify", action="store_true",
                    help="read every object whole and check its checksum (reads the whole backup)")
    st.add_argument("--json", action="store_true",
                    help='print JSON: {"earliest_restorable", "latest_restorable" (ISO-8601), "earliest_lsn", '
                         '"latest_lsn", "lag_s", "objects", "images", "corrupt_objects", "gaps", "snapshots", '
                         '"retention_s", "location"}')
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
                                    "restore --snapshot NAME` restores to it. The backup keeps what a snapshot "
                                    "needs past its retention window (backup.retention_s) until the snapshot "
                                    "is deleted.")
    sn.add_argument("action", choices=["create", "list", "delete"])
    sn.add_argument("name", metavar="NAME", nargs="?", default=None, help="the snapshot's name (create, delete)")
    data_dir_opt(sn)
    sn.set_defaults(func=cmd_snapshot)




# --- copy-on-write clones ----------------------------------------------------------------
CLONES_FILE = "clones.json"


def _clones(root) -> dict[str, str]:
    """Clone volume -> the clone's data directory, for clones of the cluster in `root`."""
    path = root / CLONES_FILE
    return json.loads(path.read_text()) if path.exists() else {}


def _save_clones(root, clones: dict[str, str]) -> None:
    path = root / CLONES_FILE
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(clones, indent=2, sort_keys=True))
    tmp.replace(path)


def _storage_call(spec, method: str, request, timeout_s: float, retry_unavailable_s: float = 0.0) -> dict[str, str]:
    """Call `method` on every storage node of `spec` at once; node -> error text (empty
    when it succeeded). UNAVAILABLE answers are retried for `retry_unavailable_s`."""
    from concurrent.futures import ThreadPoolExecutor

    import grpc

    from sixfold.rpc import storage_pb2_grpc as pb_grpc

    def one(node):
        deadline = time.monotonic() + retry_unavailable_s
        while True:
            try:
                with grpc.insecure_channel(node.address) as ch:
                    getattr(pb_grpc.StorageNodeStub(ch), method)(request, timeout=timeout_s)
                return ""
            except grpc.RpcError as e:
                if e.code() == grpc.StatusCode.UNAVAILABLE and time.monotonic() < deadline:
                    time.sleep(0.2)  # the node's gossip is filling a gap: ask again shortly
                    continue
                return f"{e.code().name}: {e.details()}"

    with ThreadPoolExecutor(max_workers=len(spec.storage_nodes)) as ex:
        return dict(zip([n.name for n in spec.storage_nodes], ex.map(one, spec.storage_nodes)))


def cmd_clone(args) -> int:
    import re
    import secrets

    from sixfold.cli import _port_in_use, start_missing
    from sixfold.constants import CLONE_CREATE_TIMEOUT_MS, RPC_TIMEOUT_MS
    from sixfold.endpoints import endpoints, load_credentials, new_password
    from sixfold.rpc import storage_pb2 as pb
    from sixfold.spec import ComputeNodeSpec
    from sixfold.supervisor import Supervisor, free_ports

    src = DataDir(args.data_dir)
    spec = src.require()
    if spec.extra.get("storage_of"):
        raise CliError(f"{src.root} is itself a clone; clone its source, {spec.extra['storage_of']}", EXIT_USAGE)
    new = DataDir(args.into)
    if new.root.exists() and any(new.root.iterdir()):
        raise CliError(f"{new.root} is not empty: a clone is a new cluster in a new directory", EXIT_USAGE)
    port = args.port if args.port is not None else free_ports(1)[0]
    if _port_in_use("127.0.0.1", port):
        raise CliError(f"port {port} is in use; pick another with --port", EXIT_USAGE)
    t0 = time.monotonic()
    cluster = src.cluster()
    health = []
    for name in [n.name for n in spec.storage_nodes]:
        try:
            health.append(cluster.health(name, RPC_TIMEOUT_MS / 1000))
        except Exception:  # noqa: BLE001 - reported below, by name
            raise CliError(f"storage node {name} does not answer: a clone is made on all six nodes of "
                           f"{src.root}; start it (`sixfold up --data-dir {src.root}`)") from None
    fork = max(h.vdl_hint for h in health)
    pg_count = max((s.pg + 1 for h in health for s in h.scls), default=0)
    if not fork:
        raise CliError("the source volume has nothing durable yet to clone")
    tag = re.sub(r"[^a-z0-9]+", "-", new.root.name.lower()).strip("-")[:24] or "clone"
    volume = f"{spec.volume}-{tag}-{secrets.token_hex(3)}"
    t_created = time.monotonic()
    errors = _storage_call(spec, "CreateClone", pb.CloneRequest(parent=spec.volume, clone=volume, fork_lsn=fork,
                                                                pg_count=pg_count),
                           RPC_TIMEOUT_MS / 1000, CLONE_CREATE_TIMEOUT_MS / 1000)
    failed = {n: e for n, e in errors.items() if e}
    if failed:
        _storage_call(spec, "DropVolume", pb.DropVolumeRequest(volume=volume), RPC_TIMEOUT_MS / 1000)
        raise CliError("could not create the clone on " + "; ".join(f"{n}: {e}" for n, e in failed.items()))
    created_s = time.monotonic() - t_created
    clone_spec = spec.replace(
        name=f"{spec.name}-{tag}", volume=volume, control_plane=None, router=None, backup={}, replication=None,
        compute_nodes=(ComputeNodeSpec("db-1", "az1", "127.0.0.1", port, "writer", 0, 0),),
        extra={"storage_of": str(src.root)})
    new.root.mkdir(parents=True, exist_ok=True)
    with src.locked():
        _save_clones(src.root, {**_clones(src.root), volume: str(new.root)})
    t_start = time.monotonic()
    with new.locked():
        clone = Supervisor.create(new.root, spec=clone_spec, password=new_password())
        start_missing(clone, {})
    took = time.monotonic() - t0
    print(f"cloned volume {spec.volume!r} at LSN {fork} as {volume!r} in {took:.2f} s "
          f"(pages shared with the source until either side writes them): created on the six storage nodes "
          f"in {created_s:.2f} s, its writer recovered and serving in {time.monotonic() - t_start:.2f} s")
    print(f"clone cluster {clone.spec.name!r} started in {new.root}")
    print(endpoints(clone.spec, load_credentials(new.root))["writer"])
    return EXIT_OK


def cmd_drop(args) -> int:
    import shutil

    from sixfold.constants import RPC_TIMEOUT_MS
    from sixfold.rpc import storage_pb2 as pb

    dd = DataDir(args.data_dir)
    spec = dd.require()
    if not args.yes:
        raise CliError(f"dropping deletes the volume {spec.volume!r} of {dd.root} for good; add --yes", EXIT_USAGE)
    with dd.locked():
        cluster = dd.cluster()
        source = spec.extra.get("storage_of")
        clones = _clones(dd.root)
        keep_storage = bool(clones)
        cluster.stop_many([n for n in cluster.nodes if n not in cluster.storage_names])
        errors = _storage_call(spec, "DropVolume", pb.DropVolumeRequest(volume=spec.volume), RPC_TIMEOUT_MS / 1000)
        failed = {n: e for n, e in errors.items() if e}
        # Without clones, a source's own storage nodes stop and their data goes with the
        # directory below, answering or not; anywhere else every node must drop it.
        if failed and (keep_storage or source):
            raise CliError("could not drop the volume on " + "; ".join(f"{n}: {e}" for n, e in failed.items()))
        if keep_storage:
            spec_extra = {**spec.extra, "dropped": True}
            spec.replace(extra=spec_extra).save(dd.spec_path)
            cluster.save_state()
    if source:
        src_root = DataDir(source).root
        if src_root.exists():
            with DataDir(source).locked():
                _save_clones(src_root, {v: d for v, d in _clones(src_root).items() if v != spec.volume})
    if keep_storage:
        print(f"dropped volume {spec.volume!r}; its storage nodes keep running for {len(clones)} clone(s): "
              f"{', '.join(sorted(clones.values()))}")
        return EXIT_OK
    cluster.stop_all()
    shutil.rmtree(dd.root)
    print(f"dropped volume {spec.volume!r} and deleted {dd.root}")
    return EXIT_OK


def add_clone_parsers(sub, data_dir_opt) -> None:
    cl = sub.add_parser(
        "clone", help="a copy-on-write clone: a new cluster sharing the source's pages",
        description="Create a new volume on the source's storage nodes that shares every page, as of the "
                    "source's durable point now, with the source and diverges page by page as either side "
                    "writes; start a writer for it in --into. Takes about the same time whatever the size: "
                    "only metadata is written. Writes on either side are invisible to the other.")
    data_dir_opt(cl)
    cl.add_argument("--into", metavar="NEW", required=True, help="directory of the clone's cluster (new or empty)")
    cl.add_argument("--port", metavar="PORT", type=int, default=None,
                    help="the clone writer's PostgreSQL port (default: a free port)")
    cl.set_defaults(func=cmd_clone)
    dr = sub.add_parser(
        "drop", help="drop a cluster's volume for good (a clone, or a source whose clones live on)",
        description="Stop the cluster's compute instances, router and control plane and drop its volume from the "
                    "storage nodes. A clone's directory is deleted. A source with clones keeps its storage nodes "
                    "running (the clones read from them) and the data its clones still share; without clones "
                    "its storage nodes stop and its directory is deleted.")
    data_dir_opt(dr)
    dr.add_argument("--yes", action="store_true", help="confirm: the volume cannot be brought back (restore it "
                                                       "from the backup instead)")
    dr.set_defaults(func=cmd_drop)


__all__ = ["add_parsers", "add_clone_parsers", "parse_time"]
