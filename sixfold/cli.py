"""`sixfold`: the user's command.

    sixfold up [--replicas N] [--port PORT]          start (or restart) a local cluster: six storage
                                                      nodes over az1..az3, the writer, N read replicas,
                                                      the control plane and the router; prints the URI
    sixfold status [--json] [--uri [ENDPOINT]]       every process: kind, role, tier, AZ, pid, port,
                                                      alive, lag; the volume; the endpoints
    sixfold node stop|kill|pause|resume|start NAME    act on one process ("writer": the current writer)
    sixfold failover [--target NAME]                  planned failover to a replica
    sixfold down                                      stop every process; the data stays
    sixfold sql [-h HOST] [-p PORT] [-U USER] [-d DB] [-c SQL]   a psql-like shell
    sixfold bench [--quick] [--profile]               Sixfold vs PostgreSQL 15, side by side
    sixfold sim [--seeds N] [--seed K] [--plant BUG]  the deterministic simulation of the storage protocol
    sixfold chaos --workload W --nemesis N --seed K  faults on a seeded schedule against a workload

A cluster lives in one data directory (--data-dir, else $SIXFOLD_DATA_DIR, else
`./.sixfold`): `cluster.json` (the spec), `credentials.json` (the generated password,
mode 0600), `nodes/NAME/` (each node's files), `control-plane/` (its state),
`logs/NAME.log` and, while it runs, `pids.json`. The processes run detached (their own
session), so they outlive the `sixfold` process that started them; every later command
finds them again through `pids.json` (sixfold/supervisor.py).

Exit codes: 0 success, 1 the operation failed (no cluster, a node would not start, ...),
2 bad usage (unknown option, unknown node name).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from sixfold.constants import CLI_LOCK_WAIT_TIMEOUT_MS as LOCK_WAIT_TIMEOUT_MS
from sixfold.constants import CLI_STATUS_HEALTH_TIMEOUT_MS as STATUS_HEALTH_TIMEOUT_MS
from sixfold.constants import (
    FAILOVER_REQUEST_TIMEOUT_MS,
    MAX_REPLICAS_COUNT,
    PROCESS_START_TIMEOUT_MS,
)

DEFAULT_DATA_DIR = ".sixfold"
DATA_DIR_ENV = "SIXFOLD_DATA_DIR"
DEFAULT_PG_PORT = 5432
SPEC_FILE = "cluster.json"
LOCK_FILE = "cli.lock"

EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2


class CliError(Exception):
    """An expected problem: printed as one line on stderr, no traceback."""

    def __init__(self, message: str, code: int = EXIT_FAIL):
        super().__init__(message)
        self.code = code


# --- the data directory ------------------------------------------------------------------
class DataDir:
    """One cluster's data directory: its spec and a lock (the Supervisor keeps pids.json)."""

    def __init__(self, path: str | Path):
        self.root = Path(path).expanduser().resolve()

    @property
    def spec_path(self) -> Path:
        return self.root / SPEC_FILE

    def exists(self) -> bool:
        return self.spec_path.is_file()

    def is_global(self) -> bool:
        """A global database: several regions, this directory holding the first."""
        from replication.regions import is_global

        return is_global(self.root)

    def global_db(self):
        from replication.regions import GlobalDatabase

        self.require()
        try:
            return GlobalDatabase.attach(self.root, adopt=True)
        except (OSError, ValueError, KeyError) as e:
            raise CliError(f"cannot read the global database at {self.root}: {e}") from None

    def require(self):
        """The saved spec; CliError when there is no cluster here."""
        from sixfold.spec import ClusterSpec

        if not self.exists():
            raise CliError(f"no cluster at {self.root} (no {SPEC_FILE}); run `sixfold up --data-dir {self.root}`")
        try:
            return ClusterSpec.load(self.spec_path)
        except (OSError, ValueError, TypeError, KeyError) as e:
            raise CliError(f"cannot read {self.spec_path}: {e}") from None

    def cluster(self):
        """The Supervisor over the saved spec, attached to the processes that still run
        (pids.json), without rewriting the spec."""
        from sixfold.supervisor import Supervisor

        return Supervisor.attach(self.require(), self.root, adopt=True)

    @contextlib.contextmanager
    def locked(self):
        """Serialize the commands that change processes or pids.json in this directory."""
        import fcntl

        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / LOCK_FILE, "a") as f:
            deadline = time.monotonic() + LOCK_WAIT_TIMEOUT_MS / 1000
            while True:
                try:
                    fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise CliError(f"another sixfold command is using {self.root}; try again") from None
                    time.sleep(0.05)
            try:
                yield
            finally:
                fcntl.flock(f, fcntl.LOCK_UN)


def _port_in_use(host: str, port: int) -> bool:
    """Something listens on (host, port). On Linux a bind without SO_REUSEPORT fails while
    any socket listens there, even one that set SO_REUSEPORT as gRPC servers do."""
    import socket

    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # TIME_WAIT left by a dead node is fine
        try:
            s.bind((host, port))
        except OSError:
            return True
    return False


def _check_ports_free(cluster, names) -> None:
    busy = [f"{n} ({h}:{p})" for n in names for h, p in cluster.listen_addresses(n) if _port_in_use(h, p)]
    if busy:
        raise CliError(f"port in use for {', '.join(busy)}: another process (maybe a node of another "
                       f"cluster, or one whose pid was lost) listens there; stop it or use another --data-dir")


# --- health ------------------------------------------------------------------------------
def _compute_health(cluster, name: str, timeout_s: float):
    """The ComputeHealth of an instance with an admin port (role, VDL, lag), else None."""
    import grpc

    from sixfold.rpc import compute_pb2 as cpb
    from sixfold.rpc import compute_pb2_grpc as cpb_grpc

    inst = cluster.spec.compute(name)
    if not inst.admin_port:
        return None
    with grpc.insecure_channel(inst.admin_address) as ch:
        return cpb_grpc.ComputeNodeStub(ch).Health(cpb.ComputeHealthRequest(), timeout=timeout_s)


def _health_all(cluster, names, timeout_s: float) -> dict[str, object]:
    """name -> what the process answered, or None when it did not answer (in parallel): a
    storage node's HealthResponse, a compute instance's ComputeHealth (True when it has no
    admin service but speaks PostgreSQL), True for the control plane and the router."""

    def one(name):
        try:
            kind = cluster.nodes[name].kind
            if kind == "storage":
                r = cluster.health(name, timeout_s)
                return r if r.node == name else None
            if kind in ("replication-server", "agent"):
                return cluster.replication_health(timeout_s)
            if kind == "compute":
                h = _compute_health(cluster, name, timeout_s)
                if h is not None:
                    return h if h.name == name else None
            return True if cluster.answers(name, timeout_s) else None
        except Exception:
            return None

    names = list(names)
    if not names:
        return {}
    with ThreadPoolExecutor(max_workers=len(names)) as ex:
        return dict(zip(names, ex.map(one, names)))


# --- commands ----------------------------------------------------------------------------
def _new_spec(args):
    """The spec of a new local cluster: the six storage nodes on --base-port.. (else free
    ports), the writer db-1 and --replicas read replicas, the control plane, and the router
    whose cluster (writer) endpoint listens on --port (5432 when free)."""
    from sixfold.spec import local_spec
    from sixfold.supervisor import free_ports

    if args.base_port is not None and not 0 < args.base_port <= 65535 - 5:
        raise CliError(f"--base-port must be in 1..{65535 - 5}", EXIT_USAGE)
    if args.port is not None and not 0 < args.port <= 65535:
        raise CliError("--port must be in 1..65535", EXIT_USAGE)
    replicas = args.replicas or 0
    if not 0 <= replicas <= MAX_REPLICAS_COUNT:
        raise CliError(f"--replicas must be in 0..{MAX_REPLICAS_COUNT}", EXIT_USAGE)
    pg_port = args.port
    if pg_port is None:
        pg_port = DEFAULT_PG_PORT if not _port_in_use("127.0.0.1", DEFAULT_PG_PORT) else None
    elif _port_in_use("127.0.0.1", pg_port):
        raise CliError(f"port {pg_port} is in use; pick another with --port", EXIT_USAGE)
    computes = 1 + replicas
    reserved = set(range(args.base_port, args.base_port + 6)) if args.base_port is not None else set()
    wanted = 6 + 2 * computes + 3  # storage, PostgreSQL + admin per instance, control plane, router x2
    ports = [p for p in free_ports(wanted + len(reserved) + 1) if p != pg_port and p not in reserved][:wanted]
    it = iter(ports)
    storage = [next(it) for _ in range(6)]
    instance_ports = [next(it) for _ in range(computes)]
    admin_ports = tuple(next(it) for _ in range(computes))
    cp_port, writer_ep, reader_ep = next(it), next(it), next(it)
    spec = local_spec(0, pg_port=instance_ports[0], replica_ports=tuple(instance_ports[1:]),
                      admin_ports=admin_ports, control_plane_port=cp_port,
                      router_ports=(pg_port if pg_port is not None else writer_ep, reader_ep))
    base = args.base_port
    storage = list(range(base, base + 6)) if base is not None else storage
    return spec.replace(storage_nodes=tuple(n.__class__(n.name, n.az, n.host, p)
                                            for n, p in zip(spec.storage_nodes, storage)))


def _refuse_sabotage() -> None:
    from sixfold.sabotage import ENV

    if os.environ.get(ENV):
        raise CliError(f"{ENV} is set ({os.environ[ENV]!r}): sabotages are bugs planted on purpose and only "
                       f"`sixfold chaos --sabotage` may switch them on; unset {ENV} to start a cluster", EXIT_USAGE)


def cmd_up(args) -> int:
    from sixfold.endpoints import endpoints, load_credentials, new_password
    from sixfold.supervisor import Supervisor

    _refuse_sabotage()
    dd = DataDir(args.data_dir)
    if dd.root.exists() and not dd.root.is_dir():
        raise CliError(f"{dd.root} exists and is not a directory")
    if args.regions is not None or dd.is_global():
        from sixfold import cli_global

        return cli_global.cmd_up(args, dd)
    with dd.locked():
        if dd.exists():
            spec = dd.require()
            if spec.extra.get("dropped"):
                raise CliError(f"the volume of {dd.root} was dropped (`sixfold drop`); its storage nodes only "
                               f"serve its clones: restore it from the backup into a new directory instead")
            if args.base_port is not None and spec.storage_nodes[0].port != args.base_port:
                raise CliError(f"{dd.spec_path} already places the storage nodes on ports "
                               f"{', '.join(str(n.port) for n in spec.storage_nodes)}; --base-port applies only "
                               f"to a new cluster (or use another --data-dir)", EXIT_USAGE)
            ep_port = spec.router.writer_port if spec.router is not None else (
                spec.writer.port if spec.writer is not None else None)
            if args.port is not None and ep_port != args.port:
                raise CliError(f"{dd.spec_path} already puts the cluster endpoint on port {ep_port}; --port "
                               f"applies only to a new cluster (or use another --data-dir)", EXIT_USAGE)
            replicas = sum(1 for n in spec.compute_nodes if n.role == "replica")
            if args.replicas is not None and args.replicas != replicas:
                raise CliError(f"the cluster at {dd.root} has {replicas} replica(s); --replicas applies only to "
                               f"a new cluster (or use another --data-dir)", EXIT_USAGE)
            cluster = dd.cluster()
            created = False
        else:
            dd.root.mkdir(parents=True, exist_ok=True)
            cluster = Supervisor.create(dd.root, spec=_new_spec(args), password=new_password(), backup=True)
            created = True
        names = list(cluster.nodes)
        running = {n: cluster.nodes[n].pid for n in names if cluster.nodes[n].alive}
        if len(running) == len(names):
            print(f"cluster {cluster.spec.name!r} at {dd.root} is already running "
                  f"({len(names)} processes); see `sixfold status --data-dir {dd.root}`")
            print(endpoints(cluster.spec, load_credentials(dd.root))["writer"])
            return EXIT_OK
        started = start_missing(cluster, running)
    what = "created and started" if created else ("restarted" if not running else
                                                    f"started {len(started)} stopped process(es) of")
    print(f"{what} cluster {cluster.spec.name!r}")
    _print_table(["NAME", "KIND", "AZ", "ADDRESS", "PID"],
                 [[n, cluster.nodes[n].kind, cluster.az_of(n) or "-", cluster.nodes[n].address,
                   str(cluster.nodes[n].pid or "-")] for n in names])
    print(f"data dir: {dd.root}")
    print("connect:  sixfold sql" + ("" if dd.root == DataDir(DEFAULT_DATA_DIR).root else f" --data-dir {dd.root}")
          + "   (or psql with the URI below)")
    print(endpoints(cluster.spec, load_credentials(dd.root))["writer"])
    return EXIT_OK


def start_missing(cluster, running: dict) -> list[str]:
    """Start what is not running, group by group: storage nodes, the control plane, the
    writer (it recovers the volume), the replicas, the router. pids.json is written
    before each wait, so that a failure below leaves a directory `down` can clean up.
    On failure, stops what it started and raises CliError."""
    started: list[str] = []
    try:
        for group in cluster.start_order():
            to_start = [n for n in group if n not in running]
            _check_ports_free(cluster, to_start)
            for name in to_start:
                cluster.start(name, wait=False)
            started += to_start
            cluster.save_state()
            for name in to_start:
                cluster.wait_ready(name)
            for name in group:
                if name in running:  # a process left running must answer too
                    _wait_health(cluster, name)
    except BaseException as e:  # noqa: BLE001 -- whatever stopped us, stop what we started
        cluster.stop_many(started)
        cluster.save_state()
        if isinstance(e, (RuntimeError, TimeoutError)):
            raise CliError(f"the cluster did not start: {e}") from None
        raise
    return started


def _wait_health(cluster, name: str) -> None:
    from sixfold.supervisor import wait_until

    wait_until(lambda: _health_all(cluster, [name], 0.5)[name] is not None, PROCESS_START_TIMEOUT_MS / 1000,
               f"{name} to answer")


def process_rows(cluster, prefix: str = "") -> tuple[list[dict], dict]:
    """One row per process of one cluster (region) for `status`, and what each answered."""
    from sixfold.supervisor import CONTROL_PLANE, proc_state

    spec = cluster.spec
    up = [n for n, p in cluster.nodes.items() if p.alive]
    health = _health_all(cluster, up, STATUS_HEALTH_TIMEOUT_MS / 1000)
    computes = {n.name: n for n in spec.compute_nodes}
    topo_roles, promotable = {}, set()
    if cluster.nodes.get(CONTROL_PLANE) is not None and health.get(CONTROL_PLANE):
        from compute_node.topology import fetch_topology

        topo = fetch_topology(spec, STATUS_HEALTH_TIMEOUT_MS / 1000)
        topo_roles = {i.name: i.role for i in topo.instances} if topo is not None else {}
        promotable = {i.name for i in topo.instances if i.promotable} if topo is not None else set()
    rows = []
    for name, proc in cluster.nodes.items():
        pid = proc.pid
        h = health.get(name)
        if pid is None:
            state = "down"
        elif h is not None:
            state = "up"
        elif proc_state(pid) == "T":
            state = "paused"
        else:
            state = "not answering"
        row = {"name": prefix + name, "kind": proc.kind, "region": spec.region,
               "role": {"storage": "storage", "control": "control-plane", "router": "router",
                        "replication-server": "replication-server", "agent": "agent"}.get(proc.kind),
               "az": cluster.az_of(name), "pid": pid, "port": int(proc.address.rsplit(":", 1)[1]),
               "alive": pid is not None and h is not None, "state": state, "address": proc.address,
               "vdl_hint": None, "epoch": None, "tier": None, "lag_ms": None, "lag_lsn": None, "promotable": None}
        if proc.kind == "storage" and h is not None:
            row.update(vdl_hint=h.vdl_hint, epoch=h.epoch)
            if h.rebuilding:  # a new or replaced disk catching up: recovery does not count it yet
                row.update(state="rebuilding")
        if proc.kind in ("replication-server", "agent") and h is not None:
            row.update(vdl_hint=h.vdl, epoch=h.epoch)
        if proc.kind == "compute":
            inst = computes[name]
            row.update(tier=inst.tier, role=topo_roles.get(name, inst.role), promotable=name in promotable)
            if h is not None and h is not True:
                row.update(role=h.role, epoch=h.epoch, vdl_hint=h.vdl)
                if h.role == "replica":
                    row.update(lag_ms=round(h.lag_ms, 3), lag_lsn=max(0, h.writer_vdl - h.vdl))
                elif h.role == "writer":
                    row.update(lag_ms=0.0, lag_lsn=0)
        rows.append(row)
    return rows, health


def collect_status(dd: DataDir) -> dict:
    """The stable `status --json` document: {"cluster", "data_dir", "processes": [{name,
    kind, role, az, pid, port, alive, state, address, tier, lag_ms, lag_lsn, promotable
    (a replica the control plane would promote now), ...}],
    "writer", "endpoints": {name: URI}, "volume": {"name", "vdl", "epoch"}}."""
    from sixfold.endpoints import endpoints, load_credentials

    cluster = dd.cluster()
    spec = cluster.spec
    rows, health = process_rows(cluster)
    answering = [h for n, h in health.items() if h is not None and cluster.nodes[n].kind == "storage"]
    writers = [r["name"] for r in rows if r["kind"] == "compute" and r["alive"] and r["role"] == "writer"]
    st = {
        "cluster": spec.name,
        "data_dir": str(dd.root),
        "writer": writers[0] if len(writers) == 1 else None,
        "processes": rows,
        "endpoints": endpoints(spec, load_credentials(dd.root)),
        "volume": {
            "name": spec.volume,
            "vdl": max((h.vdl_hint for h in answering), default=None),
            "epoch": max((h.epoch for h in answering), default=None),
        },
    }
    if dd.is_global():
        from sixfold import cli_global

        g = dd.global_db()
        for name in g.secondaries:
            st["processes"] += process_rows(g.regions[name], prefix=f"{name}/")[0]
        cli_global.add_status(st, g, STATUS_HEALTH_TIMEOUT_MS / 1000)
    return st


def cmd_status(args) -> int:
    dd = DataDir(args.data_dir)
    if args.uri:
        from sixfold.endpoints import endpoints, load_credentials

        eps = endpoints(dd.require(), load_credentials(dd.root))
        if dd.is_global():
            from sixfold import cli_global

            eps.update(cli_global.global_endpoints(dd.global_db()))
        if args.uri not in eps:
            raise CliError(f"no endpoint named {args.uri!r}; the endpoints are: {', '.join(eps) or 'none'}", EXIT_USAGE)
        print(eps[args.uri])
        return EXIT_OK
    st = collect_status(dd)
    if args.json:
        print(json.dumps(st, indent=2))
        return EXIT_OK

    def show(v):
        return "-" if v is None else str(v)

    _print_table(["NAME", "KIND", "ROLE", "TIER", "AZ", "PID", "PORT", "ALIVE", "STATE", "VDL", "EPOCH",
                  "LAG MS", "LAG LSN"],
                 [[p["name"], p["kind"], show(p["role"]), show(p["tier"]), show(p["az"]), show(p["pid"]),
                   str(p["port"]), "yes" if p["alive"] else "no", p["state"], show(p["vdl_hint"]), show(p["epoch"]),
                   show(p["lag_ms"]), show(p["lag_lsn"])]
                  for p in st["processes"]])
    alive = sum(p["alive"] for p in st["processes"])
    v = st["volume"]
    print(f"\ncluster {st['cluster']!r} at {st['data_dir']}: {alive}/{len(st['processes'])} processes alive; "
          f"writer: {show(st['writer'])}")
    print(f"volume {v['name']!r}: VDL {show(v['vdl'])}, epoch {show(v['epoch'])}")
    if "regions" in st:
        from sixfold import cli_global

        cli_global.print_regions(st)
    for name, uri in st["endpoints"].items():
        print(f"endpoint {name}: {uri}")
    return EXIT_OK


def cmd_node(args) -> int:
    dd = DataDir(args.data_dir)
    dd.require()  # before the lock: a directory without a cluster stays untouched
    with dd.locked():
        cluster = dd.cluster()
        name = args.name
        if "/" in name:  # REGION/NAME: a process of a global database's region
            from sixfold import cli_global

            cluster, name = cli_global.region_cluster(dd, name)
        if name == "writer" and cluster.spec.writer is not None:
            name = cluster.writer_name()  # whichever instance is the writer now
        if name not in cluster.nodes:
            raise CliError(f"no process named {name!r}; the processes are: {', '.join(cluster.nodes)}", EXIT_USAGE)
        node = cluster.nodes[name]
        pid = node.pid
        try:
            if args.action == "start":
                if pid is not None:
                    print(f"{name} is already running (pid {pid})")
                    return EXIT_OK
                _check_ports_free(cluster, [name])
                cluster.start(name, wait=False)
                cluster.save_state()
                try:
                    cluster.wait_ready(name)
                except (RuntimeError, TimeoutError) as e:
                    cluster.stop(name)
                    raise CliError(f"{name} did not start: {e}") from None
                print(f"started {name} (pid {node.pid}, {node.address})")
                return EXIT_OK
            if pid is None:
                if args.action in ("stop", "kill"):
                    print(f"{name} is not running")
                    return EXIT_OK
                raise CliError(f"{name} is not running; cannot {args.action} it")
            if args.action == "stop":
                how = f"stopped {name} (pid {pid})" + (
                    " with SIGKILL after SIGTERM timed out" if cluster.stop(name) else "")
            elif args.action == "kill":
                cluster.kill(name)
                how = f"killed {name} (pid {pid})"
            elif args.action == "pause":
                cluster.pause(name)
                how = f"paused {name} (pid {pid}); `sixfold node resume {name}` continues it"
            else:
                how = f"resumed {name} (pid {pid})" if cluster.resume(name) else f"{name} (pid {pid}) was not paused"
        except RuntimeError as e:
            raise CliError(str(e)) from None
        finally:
            cluster.save_state()
    print(how)
    return EXIT_OK


def cmd_down(args) -> int:
    dd = DataDir(args.data_dir)
    dd.require()  # before the lock: a directory without a cluster stays untouched
    if dd.is_global():
        from sixfold import cli_global

        return cli_global.cmd_down(dd)
    from sixfold.cli_backup import _clones

    clones = _clones(dd.root)
    if clones and not args.force:
        raise CliError(f"the storage nodes of {dd.root} also serve {len(clones)} clone(s) "
                       f"({', '.join(sorted(clones.values()))}): drop them first, or add --force", EXIT_USAGE)
    with dd.locked():
        cluster = dd.cluster()
        running = [n for n, p in cluster.nodes.items() if p.alive]
        if not running:
            cluster.save_state()
            print(f"cluster {cluster.spec.name!r} at {dd.root} is not running")
            return EXIT_OK
        try:
            killed = cluster.stop_all()
        except RuntimeError as e:
            raise CliError(str(e)) from None
        finally:
            cluster.save_state()
    print(f"stopped {len(running)} process(es) of cluster {cluster.spec.name!r}"
          + (f" ({', '.join(killed)} with SIGKILL after SIGTERM timed out)" if killed else "")
          + f"; data kept in {dd.root}")
    return EXIT_OK


def cmd_failover(args) -> int:
    """A planned failover through the control plane."""
    import grpc

    from sixfold.rpc import control_pb2 as ctl
    from sixfold.rpc import control_pb2_grpc as ctl_grpc
    from sixfold.rpc.channel_options import GRPC_OPTIONS

    dd = DataDir(args.data_dir)
    cluster = dd.cluster()
    spec = cluster.spec
    if spec.control_plane is None:
        raise CliError(f"the cluster at {dd.root} has no control plane; failover needs one")
    if args.target is not None and args.target not in {n.name for n in spec.compute_nodes}:
        raise CliError(f"no compute instance named {args.target!r}; the instances are: "
                       f"{', '.join(n.name for n in spec.compute_nodes)}", EXIT_USAGE)
    if not cluster.nodes["control-plane"].alive:
        raise CliError("the control plane is not running; start it with `sixfold node start control-plane`")
    with grpc.insecure_channel(spec.control_plane.address, options=GRPC_OPTIONS) as ch:
        try:
            r = ctl_grpc.ControlPlaneStub(ch).Failover(ctl.FailoverRequest(target=args.target or ""),
                                                      timeout=FAILOVER_REQUEST_TIMEOUT_MS / 1000 + 5)
        except grpc.RpcError as e:
            raise CliError(f"failover refused: {e.details() or e.code().name}") from None
    print(f"failed over from {r.old_writer or '(none)'} to {r.new_writer} in {r.duration_ms:.0f} ms "
          f"(epoch {r.epoch})")
    return EXIT_OK


def _print_table(header: list[str], rows: list[list[str]]) -> None:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    for r in [header, *rows]:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip())


# --- argument parsing --------------------------------------------------------------------
def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="sixfold",
        description="Sixfold: a distributed, log-structured database (redo shipped to six segments over "
                    "three AZs, 4-of-6 write quorums) that speaks the PostgreSQL protocol. This command "
                    "runs a local cluster and opens a SQL shell on it.",
        epilog="Run `sixfold COMMAND --help` for the options of one command.")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def data_dir_opt(sp: argparse.ArgumentParser) -> None:
        sp.add_argument("--data-dir", metavar="DIR", default=os.environ.get(DATA_DIR_ENV) or DEFAULT_DATA_DIR,
                        help="the cluster's directory: spec, node data, logs and pids "
                             f"(default: ${DATA_DIR_ENV}, else ./{DEFAULT_DATA_DIR})")

    up = sub.add_parser(
        "up", help="start a local cluster: storage over three AZs, writer, replicas, control plane, router",
        description="Start six storage nodes over az1..az3, the control plane, the writer compute "
                    "instance db-1, --replicas read replicas (db-2, ... spread over the AZs) and the "
                    "router (the cluster and reader endpoints) as detached processes, wait until each "
                    "answers, and print the cluster endpoint's URI. If DIR/cluster.json exists the "
                    "cluster is restarted in place with its data; otherwise a new cluster is created "
                    "with a generated password (kept in DIR/credentials.json).")
    data_dir_opt(up)
    up.add_argument("--replicas", metavar="N", type=int, default=None,
                    help=f"for a new cluster: read replicas sharing the volume, 0..{MAX_REPLICAS_COUNT} "
                         "(default: 0). With one or more, the control plane promotes one when the writer fails")
    up.add_argument("--port", metavar="PORT", type=int, default=None,
                    help=f"for a new cluster: the cluster (writer) endpoint's PostgreSQL port (default: "
                         f"{DEFAULT_PG_PORT} when free, else a free port)")
    up.add_argument("--base-port", metavar="PORT", type=int, default=None,
                    help="for a new cluster: put the six storage nodes on PORT..PORT+5 "
                         "(default: free ports picked at random)")
    from sixfold import cli_global

    cli_global.add_up_arguments(up)
    up.set_defaults(func=cmd_up)

    st = sub.add_parser(
        "status", help="show every process of the cluster (kind, role, AZ, pid, port, alive), VDL, endpoints",
        description="Show every process of the cluster with its kind (storage, compute), role, AZ, pid, "
                    "port and whether it is alive (its process runs and it answers: the Health RPC for a "
                    "storage node, the PostgreSQL protocol for a compute node), the volume's VDL and "
                    "epoch, and the endpoints' URIs.")
    data_dir_opt(st)
    st.add_argument("--json", action="store_true",
                    help='print a stable JSON object for scripts: {"processes": [{"name", "kind", "role", '
                         '"az", "pid", "port", "alive", ...}], "endpoints": {"writer": URI, ...}, '
                         '"volume": {"name", "vdl", "epoch"}}')
    st.add_argument("--uri", metavar="ENDPOINT", nargs="?", const="writer", default=None,
                    help='print only the URI of one endpoint (default: writer), e.g. psql "$(sixfold status --uri)"')
    st.set_defaults(func=cmd_status)

    node = sub.add_parser(
        "node", help="stop, kill, pause, resume or start one process (storage node, instance, control plane, router)",
        description="Act on one process of the cluster (a storage node, a compute instance, the control "
                    "plane or the router): stop (SIGTERM, then SIGKILL if it does not exit), kill "
                    "(SIGKILL, like a power cut), pause (SIGSTOP), resume (SIGCONT), or start it again. "
                    "NAME `writer` means whichever instance is the writer now.")
    node.add_argument("action", choices=["stop", "kill", "pause", "resume", "start"],
                      help="stop: SIGTERM (SIGKILL after a bound); kill: SIGKILL; pause: SIGSTOP; "
                           "resume: SIGCONT; start: start it again with its data")
    node.add_argument("name", metavar="NAME",
                      help="the process's name, as `sixfold status` shows it (e.g. sn-az1-a, db-2, "
                           "control-plane, router), or `writer` for the current writer")
    data_dir_opt(node)
    node.set_defaults(func=cmd_node)

    down = sub.add_parser(
        "down", help="stop every process of the cluster (the data stays)",
        description="Stop the router and the compute instances, then the control plane and every storage node: "
                    "SIGTERM (after SIGCONT, in case it is paused), then "
                    "SIGKILL for any that has not exited within a bound. The data directory stays; "
                    "`sixfold up` restarts the cluster with its data.")
    data_dir_opt(down)
    down.add_argument("--force", action="store_true",
                      help="stop the storage nodes even though clones of this cluster read from them")
    down.set_defaults(func=cmd_down)

    fo = sub.add_parser(
        "failover", help="planned failover: promote a replica to writer",
        description="Ask the control plane to promote a replica (--target, else the healthy replica with "
                    "the lowest tier, then the least lag). The new writer recovers the volume with a new "
                    "epoch, which fences the old one; the old writer restarts as a replica; the endpoints "
                    "follow. Prints the old and new writer and how long it took.")
    fo.add_argument("--target", metavar="NAME", default=None, help="the replica to promote (default: the control "
                                                                    "plane chooses)")
    data_dir_opt(fo)
    fo.set_defaults(func=cmd_failover)

    from sixfold import cli_global

    cli_global.add_global_parser(sub, data_dir_opt)

    from sixfold import cli_backup, shell

    cli_backup.add_parsers(sub, data_dir_opt)
    cli_backup.add_clone_parsers(sub, data_dir_opt)

    sql = sub.add_parser(
        "sql", help="a psql-like SQL shell on the cluster (or any PostgreSQL server)", add_help=False,
        description="Open an interactive SQL shell (history, multi-line input, \\d, \\dt, \\timing, \\x, "
                    "\\q) on the local cluster's writer, or on -h/-p; -c runs one command and exits.")
    shell.add_arguments(sql)
    sql.set_defaults(func=shell.run)

    bench = sub.add_parser(
        "bench", help="benchmark Sixfold side by side with PostgreSQL 15 (single node and sync standbys)",
        description="Start a Sixfold cluster, a PostgreSQL 15 server and a PostgreSQL 15 primary with two "
                    "synchronous standbys on this machine, run the real pgbench TPC-B-like workload against "
                    "each (alternating, several rounds, 1 and 4 clients; then 16 clients, select-only, "
                    "-M prepared and scale 20), and write JSON, a markdown table and plots to bench/results/. "
                    "Installs PostgreSQL when it is missing. About 35 minutes; --quick (1 and 4 clients only) "
                    "about 2.")
    from bench import (
        args as bench_args,  # argparse only: the benchmark loads when it runs
    )

    bench_args.add_arguments(bench)
    bench.set_defaults(func=lambda a: __import__("bench.compare", fromlist=["run"]).run(a))

    from sixfold.sim import cli as sim_cli

    sim = sub.add_parser(
        "sim", help="run the deterministic simulation of the storage protocol over many seeds",
        description="Run the real writer (volume client, links, recovery) and six real storage nodes in one "
                    "process on a seeded simulated network, disk and clock, with faults (drops, delays, "
                    "duplicates, partitions, crashes, pauses, fsync failures, full disks, clock jumps). "
                    "Every invariant is checked as the run goes; a failing seed replays bit for bit with "
                    "--seed. Exits 0 only when every seed held.")
    sim_cli.add_arguments(sim)
    sim.set_defaults(func=sim_cli.run)

    from sixfold.chaos import cli as chaos_cli

    chaos = sub.add_parser(
        "chaos", help="run workloads against a fresh cluster while faults strike on a seeded schedule",
        description="Start a cluster of its own (six storage nodes, a writer, replicas, control plane, router; "
                    "each AZ in its own network namespace when run as root), run the workloads through its "
                    "endpoints, inject the nemeses' faults on a schedule the seed decides, heal, and check "
                    "every history (bank totals, lost or late writes, Elle-style cycles, monotonic reads) "
                    "and that commits resume. Prints a verdict with the evidence and writes the history.")
    chaos_cli.add_arguments(chaos)
    chaos.set_defaults(func=chaos_cli.run)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        code = args.func(args)
        sys.stdout.flush()
    except BrokenPipeError:  # `sixfold status | head`: the reader went away, not our problem
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        code = EXIT_FAIL
    except CliError as e:
        print(f"sixfold {args.command}: error: {e}", file=sys.stderr)
        code = e.code
    except OSError as e:  # e.g. a data dir we may not write: expected, reported in one line
        print(f"sixfold {args.command}: error: {e}", file=sys.stderr)
        code = EXIT_FAIL
    except KeyboardInterrupt:
        print(f"sixfold {args.command}: interrupted", file=sys.stderr)
        code = 130
    return code


if __name__ == "__main__":
    # Through the module's importable name, so that CliError raised by the command modules
    # (which import `sixfold.cli`) is the class `main` catches.
    from sixfold.cli import main as _main

    sys.exit(_main())
