"""`sixfold`: the user's command.

    sixfold up [--data-dir DIR] [--port PORT]        start (or restart) a local cluster: six storage
                                                      nodes over az1..az3 and the writer; prints its URI
    sixfold status [--data-dir DIR] [--json]          every process: kind, role, AZ, pid, port, alive; VDL
    sixfold node stop|kill|pause|resume|start NAME    act on one process (storage node or the writer)
    sixfold down [--data-dir DIR]                     stop every process; the data stays
    sixfold sql [-h HOST] [-p PORT] [-U USER] [-d DB] [-c SQL]   a psql-like shell
    sixfold bench [--quick] [--profile]               Sixfold vs PostgreSQL 15, side by side
    sixfold sim [--seeds N] [--seed K] [--plant BUG]  the deterministic simulation of the storage protocol

A cluster lives in one data directory (default `./.sixfold`): `cluster.json` (the spec),
`credentials.json` (the generated password, mode 0600), `nodes/NAME/` (each storage
node's LMDB files), `logs/NAME.log` and, while it runs, `pids.json`.
The nodes run detached (their own session), so they outlive the `sixfold` process that
started them; every later command finds them again through `pids.json`.

Exit codes: 0 success, 1 the operation failed (no cluster, a node would not start, ...),
2 bad usage (unknown option, unknown node name).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from sixfold.constants import (
    CLI_LOCK_WAIT_TIMEOUT_MS as LOCK_WAIT_TIMEOUT_MS, CLI_SIGNAL_WAIT_TIMEOUT_MS as SIGNAL_WAIT_TIMEOUT_MS,
    CLI_STATUS_HEALTH_TIMEOUT_MS as STATUS_HEALTH_TIMEOUT_MS, PROCESS_START_TIMEOUT_MS, PROCESS_STOP_TIMEOUT_MS)

DEFAULT_DATA_DIR = ".sixfold"
DEFAULT_PG_PORT = 5432
SPEC_FILE = "cluster.json"
PIDS_FILE = "pids.json"
LOCK_FILE = "cli.lock"

EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2


class CliError(Exception):
    """An expected problem: printed as one line on stderr, no traceback."""

    def __init__(self, message: str, code: int = EXIT_FAIL):
        super().__init__(message)
        self.code = code


# --- processes -------------------------------------------------------------------------
def _proc_state(pid: int) -> str | None:
    """The kernel's one-letter state of `pid` (R, S, T, Z, ...), None if there is no such
    process, "?" where /proc is not available."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return None
    except OSError:
        return "?"
    return text.rsplit(")", 1)[1].split()[0]


def _cmdline(pid: int) -> list[str] | None:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace").split("\0")
    except OSError:
        return None


def pid_alive(pid: int | None) -> bool:
    """The process exists and is not a zombie (a detached node's parent has exited, so
    whoever adopted it may be slow to reap it)."""
    if not pid or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # exists, owned by someone else
    state = _proc_state(pid)
    return state is not None and state not in ("Z", "X")


def is_node_process(pid: int | None, name: str, spec_path: Path) -> bool:
    """`pid` is alive and is process `name` (storage or compute node) of this cluster, not
    a process that got the same pid after the node died."""
    if not pid_alive(pid):
        return False
    argv = _cmdline(pid)
    if argv is None:  # no /proc (macOS): trust the pid
        return True

    def arg(flag: str) -> str | None:
        return argv[argv.index(flag) + 1] if flag in argv[:-1] else None

    return ("storage_node" in argv or "compute_node" in argv) and arg("--name") == name and \
        Path(arg("--cluster-spec") or "").resolve() == spec_path.resolve()


def wait_gone(pids: list[int], timeout_s: float) -> list[int]:
    """Poll until every pid is gone; return the ones still alive at the deadline."""
    from deploy.launcher import wait_until

    try:
        wait_until(lambda: not any(pid_alive(p) for p in pids), timeout_s, "processes to exit")
    except TimeoutError:
        pass
    return [p for p in pids if pid_alive(p)]


def _signal(pid: int, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, sig)


# --- the data directory ------------------------------------------------------------------
class DataDir:
    """One cluster's data directory: its spec, the pids of its running nodes, a lock."""

    def __init__(self, path: str | Path):
        self.root = Path(path).expanduser().resolve()

    @property
    def spec_path(self) -> Path:
        return self.root / SPEC_FILE

    @property
    def pids_path(self) -> Path:
        return self.root / PIDS_FILE

    def exists(self) -> bool:
        return self.spec_path.is_file()

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
        """A LocalCluster over the saved spec (no processes attached), without rewriting it."""
        from deploy.launcher import LocalCluster

        return LocalCluster.attach(self.require(), self.root)

    def read_pids(self) -> dict[str, int]:
        try:
            raw = json.loads(self.pids_path.read_text())
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as e:
            raise CliError(f"cannot read {self.pids_path}: {e}") from None
        if not isinstance(raw, dict):
            raise CliError(f"cannot read {self.pids_path}: not a JSON object")
        return {str(k): int(v) for k, v in raw.items() if isinstance(v, int)}

    def write_pids(self, pids: dict[str, int]) -> None:
        """The same format as LocalCluster.save_state: {name: pid} of running nodes."""
        if not pids:
            with contextlib.suppress(FileNotFoundError):
                self.pids_path.unlink()
            return
        tmp = self.pids_path.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(dict(sorted(pids.items())), indent=2))
        tmp.replace(self.pids_path)

    def running(self, names) -> dict[str, int]:
        """name -> pid of the nodes among `names` whose recorded process still runs."""
        pids = self.read_pids()
        return {n: pids[n] for n in names if n in pids and is_node_process(pids[n], n, self.spec_path)}

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
    busy = [f"{n} ({cluster.nodes[n].address})" for n in names if _port_in_use(*cluster.host_port(n))]
    if busy:
        raise CliError(f"port in use for {', '.join(busy)}: another process (maybe a node of another "
                       f"cluster, or one whose pid was lost) listens there; stop it or use another --data-dir")


# --- health ------------------------------------------------------------------------------
def _health_all(cluster, names, timeout_s: float) -> dict[str, object]:
    """name -> HealthResponse (True for a compute node that answers the PostgreSQL
    protocol), or None for a process that did not answer (in parallel)."""
    from deploy.launcher import pg_answers

    def one(name):
        try:
            if cluster.nodes[name].kind == "compute":
                return True if pg_answers(*cluster.host_port(name), timeout_s) else None
            r = cluster.health(name, timeout_s)
            return r if r.node == name else None
        except Exception:
            return None

    names = list(names)
    if not names:
        return {}
    with ThreadPoolExecutor(max_workers=len(names)) as ex:
        return dict(zip(names, ex.map(one, names)))


def _stop_pids(pids: dict[str, int], timeout_s: float) -> list[str]:
    """SIGCONT + SIGTERM, wait up to the bound, then SIGKILL. Returns the names killed."""
    for pid in pids.values():
        _signal(pid, signal.SIGCONT)  # a paused process would not act on SIGTERM
        _signal(pid, signal.SIGTERM)
    left = set(wait_gone(list(pids.values()), timeout_s))
    killed = [n for n, p in pids.items() if p in left]
    for n in killed:
        _signal(pids[n], signal.SIGKILL)
    still = wait_gone(list(left), timeout_s)
    if still:
        raise CliError(f"processes {', '.join(map(str, still))} did not exit even after SIGKILL")
    return killed


# --- commands ----------------------------------------------------------------------------
def _new_spec(args):
    """The spec of a new local cluster: free (or the requested) ports, the writer on
    --port (5432 when free), SCRAM authentication with a generated password."""
    from deploy.launcher import free_ports
    from sixfold.spec import local_spec

    if args.base_port is not None and not 0 < args.base_port <= 65535 - 5:
        raise CliError(f"--base-port must be in 1..{65535 - 5}", EXIT_USAGE)
    if args.port is not None and not 0 < args.port <= 65535:
        raise CliError("--port must be in 1..65535", EXIT_USAGE)
    pg_port = args.port
    if pg_port is None:
        pg_port = DEFAULT_PG_PORT if not _port_in_use("127.0.0.1", DEFAULT_PG_PORT) else free_ports(1)[0]
    elif _port_in_use("127.0.0.1", pg_port):
        raise CliError(f"port {pg_port} is in use; pick another with --port", EXIT_USAGE)
    base = args.base_port if args.base_port is not None else None
    spec = local_spec(base if base is not None else 0, pg_port=pg_port)
    if base is None:
        ports = [p for p in free_ports(7) if p != pg_port][:6]
        spec = spec.replace(storage_nodes=tuple(n.__class__(n.name, n.az, n.host, p)
                                                for n, p in zip(spec.storage_nodes, ports)))
    return spec


def cmd_up(args) -> int:
    from deploy.launcher import LocalCluster, with_password
    from sixfold.endpoints import endpoints, load_credentials, new_password

    dd = DataDir(args.data_dir)
    if dd.root.exists() and not dd.root.is_dir():
        raise CliError(f"{dd.root} exists and is not a directory")
    with dd.locked():
        if dd.exists():
            spec = dd.require()
            if args.base_port is not None and spec.storage_nodes[0].port != args.base_port:
                raise CliError(f"{dd.spec_path} already places the storage nodes on ports "
                               f"{', '.join(str(n.port) for n in spec.storage_nodes)}; --base-port applies only "
                               f"to a new cluster (or use another --data-dir)", EXIT_USAGE)
            if args.port is not None and spec.writer is not None and spec.writer.port != args.port:
                raise CliError(f"{dd.spec_path} already puts the writer on port {spec.writer.port}; --port "
                               f"applies only to a new cluster (or use another --data-dir)", EXIT_USAGE)
            if spec.writer is None:  # a cluster from before compute nodes: give it a writer
                from sixfold.spec import ComputeNodeSpec

                from deploy.launcher import free_ports
                port = args.port or (DEFAULT_PG_PORT if not _port_in_use("127.0.0.1", DEFAULT_PG_PORT)
                                     else free_ports(1)[0])
                spec = with_password(spec.replace(compute_nodes=(ComputeNodeSpec("db-1", "az1", "127.0.0.1",
                                                                                  port),)), dd.root, new_password())
                spec.save(dd.spec_path)
            cluster = LocalCluster.attach(spec, dd.root)
            created = False
        else:
            dd.root.mkdir(parents=True, exist_ok=True)
            cluster = LocalCluster.create(dd.root, spec=_new_spec(args), password=new_password())
            created = True
        names = list(cluster.nodes)
        running = dd.running(names)
        if len(running) == len(names):
            print(f"cluster {cluster.spec.name!r} at {dd.root} is already running "
                  f"({len(names)} processes); see `sixfold status --data-dir {dd.root}`")
            print(endpoints(cluster.spec, load_credentials(dd.root))["writer"])
            return EXIT_OK
        # Start what is not running: storage nodes first, then the writer (it recovers the
        # volume from them). Record pids before waiting, so that a failure below still
        # leaves a directory `down` can clean up.
        started: dict[str, int] = {}
        for group in (cluster.storage_names, cluster.compute_names):
            to_start = [n for n in group if n not in running]
            _check_ports_free(cluster, to_start)
            for name in to_start:
                cluster.start(name, wait=False)
            started.update({n: cluster.nodes[n].pid for n in to_start if cluster.nodes[n].pid})
            dd.write_pids({**running, **started})
            try:
                for name in to_start:
                    cluster.wait_ready(name)
                for name in group:
                    if name in running:  # a process left running must answer too
                        _wait_health(cluster, name)
            except (RuntimeError, TimeoutError) as e:
                _stop_pids(started, PROCESS_STOP_TIMEOUT_MS / 1000)
                dd.write_pids(running)
                raise CliError(f"the cluster did not start: {e}") from None
    what = "created and started" if created else ("restarted" if not running else
                                                    f"started {len(started)} stopped process(es) of")
    print(f"{what} cluster {cluster.spec.name!r}")
    pids = {**running, **started}
    _print_table(["NAME", "KIND", "AZ", "ADDRESS", "PID"],
                 [[n, cluster.nodes[n].kind, _az(cluster.spec, n), cluster.nodes[n].address, str(pids.get(n, "-"))]
                  for n in names])
    print(f"data dir: {dd.root}")
    print("connect:  sixfold sql" + ("" if args.data_dir == DEFAULT_DATA_DIR else f" --data-dir {args.data_dir}")
          + "   (or psql with the URI below)")
    print(endpoints(cluster.spec, load_credentials(dd.root))["writer"])
    return EXIT_OK


def _az(spec, name: str) -> str:
    return next(n.az for n in (*spec.storage_nodes, *spec.compute_nodes) if n.name == name)


def _wait_health(cluster, name: str) -> None:
    from deploy.launcher import wait_until

    wait_until(lambda: _health_all(cluster, [name], 0.5)[name] is not None, PROCESS_START_TIMEOUT_MS / 1000,
               f"{name} to answer")


def collect_status(dd: DataDir) -> dict:
    """The stable `status --json` document: {"cluster", "data_dir", "processes": [{name,
    kind, role, az, pid, port, alive, state, address, ...}], "endpoints": {name: URI},
    "volume": {"name", "vdl", "epoch"}}."""
    from sixfold.endpoints import endpoints, load_credentials

    cluster = dd.cluster()
    spec = cluster.spec
    pids = dd.read_pids()
    procs = {}
    for name in cluster.nodes:
        pid = pids.get(name)
        procs[name] = pid if is_node_process(pid, name, dd.spec_path) else None
    health = _health_all(cluster, [n for n, p in procs.items() if p], STATUS_HEALTH_TIMEOUT_MS / 1000)
    rows = []
    for n in (*spec.storage_nodes, *spec.compute_nodes):
        pid = procs[n.name]
        h = health.get(n.name)
        if pid is None:
            state = "down"
        elif h is not None:
            state = "up"
        elif _proc_state(pid) == "T":
            state = "paused"
        else:
            state = "not answering"
        storage = cluster.nodes[n.name].kind == "storage"
        rows.append({
            "name": n.name, "kind": cluster.nodes[n.name].kind, "role": "storage" if storage else n.role,
            "az": n.az, "pid": pid, "port": n.port, "alive": pid is not None and h is not None, "state": state,
            "address": n.address,
            "vdl_hint": h.vdl_hint if storage and h is not None else None,
            "epoch": h.epoch if storage and h is not None else None,
        })
    answering = [h for n, h in health.items() if h is not None and cluster.nodes[n].kind == "storage"]
    return {
        "cluster": spec.name,
        "data_dir": str(dd.root),
        "processes": rows,
        "endpoints": endpoints(spec, load_credentials(dd.root)),
        "volume": {
            "name": spec.volume,
            "vdl": max((h.vdl_hint for h in answering), default=None),
            "epoch": max((h.epoch for h in answering), default=None),
        },
    }


def cmd_status(args) -> int:
    dd = DataDir(args.data_dir)
    if args.uri:
        from sixfold.endpoints import endpoints, load_credentials

        eps = endpoints(dd.require(), load_credentials(dd.root))
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

    _print_table(["NAME", "KIND", "ROLE", "AZ", "PID", "PORT", "ALIVE", "STATE", "VDL HINT", "EPOCH"],
                 [[p["name"], p["kind"], p["role"], p["az"], show(p["pid"]), str(p["port"]),
                   "yes" if p["alive"] else "no", p["state"], show(p["vdl_hint"]), show(p["epoch"])]
                  for p in st["processes"]])
    alive = sum(p["alive"] for p in st["processes"])
    v = st["volume"]
    print(f"\ncluster {st['cluster']!r} at {st['data_dir']}: {alive}/{len(st['processes'])} processes alive")
    print(f"volume {v['name']!r}: VDL {show(v['vdl'])}, epoch {show(v['epoch'])}")
    for name, uri in st["endpoints"].items():
        print(f"endpoint {name}: {uri}")
    return EXIT_OK


def cmd_node(args) -> int:
    dd = DataDir(args.data_dir)
    cluster = dd.cluster()
    name = args.name
    if name == "writer" and cluster.spec.writer is not None:
        name = cluster.writer_name()  # whichever instance is the writer now
    if name not in cluster.nodes:
        raise CliError(f"no process named {name!r}; the processes are: {', '.join(cluster.nodes)}", EXIT_USAGE)
    stop_s = PROCESS_STOP_TIMEOUT_MS / 1000
    with dd.locked():
        pids = dd.read_pids()
        pid = dd.running([name]).get(name)
        if args.action == "start":
            if pid is not None:
                print(f"{name} is already running (pid {pid})")
                return EXIT_OK
            _check_ports_free(cluster, [name])
            cluster.start(name, wait=False)
            new_pid = cluster.nodes[name].pid
            if new_pid:
                dd.write_pids({**pids, name: new_pid})
            try:
                cluster.wait_ready(name)
            except (RuntimeError, TimeoutError) as e:
                if new_pid:
                    _stop_pids({name: new_pid}, stop_s)
                pids.pop(name, None)
                dd.write_pids(pids)
                raise CliError(f"{name} did not start: {e}") from None
            print(f"started {name} (pid {new_pid}, {cluster.nodes[name].address})")
            return EXIT_OK
        if pid is None:
            if args.action in ("stop", "kill"):
                pids.pop(name, None)
                dd.write_pids(pids)
                print(f"{name} is not running")
                return EXIT_OK
            raise CliError(f"{name} is not running; cannot {args.action} it")
        if args.action == "stop":
            killed = _stop_pids({name: pid}, stop_s)
            how = f"stopped {name} (pid {pid})" + (" with SIGKILL after SIGTERM timed out" if killed else "")
        elif args.action == "kill":
            _signal(pid, signal.SIGKILL)  # delivered to a stopped process too
            if wait_gone([pid], stop_s):
                raise CliError(f"{name} (pid {pid}) did not exit after SIGKILL")
            how = f"killed {name} (pid {pid})"
        elif args.action == "pause":
            _signal(pid, signal.SIGSTOP)
            _wait_proc_state(pid, lambda s: s in ("T", "?"))
            print(f"paused {name} (pid {pid}); `sixfold node resume {name}` continues it")
            return EXIT_OK
        else:  # resume
            was_paused = _proc_state(pid) == "T"
            _signal(pid, signal.SIGCONT)
            _wait_proc_state(pid, lambda s: s != "T")
            print(f"resumed {name} (pid {pid})" if was_paused else f"{name} (pid {pid}) was not paused")
            return EXIT_OK
        pids.pop(name, None)
        dd.write_pids(pids)
        print(how)
        return EXIT_OK


def _wait_proc_state(pid: int, ok) -> None:
    from deploy.launcher import wait_until

    with contextlib.suppress(TimeoutError):
        wait_until(lambda: ok(_proc_state(pid) or "?"), SIGNAL_WAIT_TIMEOUT_MS / 1000, f"process {pid}")


def cmd_down(args) -> int:
    dd = DataDir(args.data_dir)
    cluster = dd.cluster()
    with dd.locked():
        running = dd.running(cluster.nodes)
        if not running:
            dd.write_pids({})
            print(f"cluster {cluster.spec.name!r} at {dd.root} is not running")
            return EXIT_OK
        # The writer first: it must not see its storage vanish under running commits.
        computes = {n: p for n, p in running.items() if cluster.nodes[n].kind == "compute"}
        killed = _stop_pids(computes, PROCESS_STOP_TIMEOUT_MS / 1000) if computes else []
        killed += _stop_pids({n: p for n, p in running.items() if n not in computes},
                             PROCESS_STOP_TIMEOUT_MS / 1000)
        dd.write_pids({})
    print(f"stopped {len(running)} process(es) of cluster {cluster.spec.name!r}"
          + (f" ({', '.join(killed)} with SIGKILL after SIGTERM timed out)" if killed else "")
          + f"; data kept in {dd.root}")
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
        sp.add_argument("--data-dir", metavar="DIR", default=DEFAULT_DATA_DIR,
                        help="the cluster's directory: spec, node data, logs and pids "
                             f"(default: ./{DEFAULT_DATA_DIR})")

    up = sub.add_parser(
        "up", help="start a local cluster: six storage nodes over three AZs and the writer; prints its URI",
        description="Start six storage nodes over az1..az3 and the writer compute node as detached "
                    "processes, wait until the writer has recovered the volume and accepts PostgreSQL "
                    "connections, and print the connection URI. If DIR/cluster.json exists the cluster "
                    "is restarted in place with its data; otherwise a new cluster is created with a "
                    "generated password (kept in DIR/credentials.json).")
    data_dir_opt(up)
    up.add_argument("--port", metavar="PORT", type=int, default=None,
                    help=f"for a new cluster: the writer's PostgreSQL port (default: {DEFAULT_PG_PORT} when "
                         "free, else a free port)")
    up.add_argument("--base-port", metavar="PORT", type=int, default=None,
                    help="for a new cluster: put the six storage nodes on PORT..PORT+5 "
                         "(default: free ports picked at random)")
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
        "node", help="stop, kill, pause, resume or start one process (a storage node or the writer)",
        description="Act on one process of the cluster (a storage node or the writer): stop (SIGTERM, then SIGKILL if it does not exit), kill "
                    "(SIGKILL, like a power cut), pause (SIGSTOP), resume (SIGCONT), or start it again.")
    node.add_argument("action", choices=["stop", "kill", "pause", "resume", "start"],
                      help="stop: SIGTERM (SIGKILL after a bound); kill: SIGKILL; pause: SIGSTOP; "
                           "resume: SIGCONT; start: start it again with its data")
    node.add_argument("name", metavar="NAME",
                      help="the process's name, as `sixfold status` shows it (e.g. sn-az1-a, writer)")
    data_dir_opt(node)
    node.set_defaults(func=cmd_node)

    down = sub.add_parser(
        "down", help="stop every process of the cluster (the data stays)",
        description="Stop the writer, then every storage node: SIGTERM (after SIGCONT, in case it is paused), then "
                    "SIGKILL for any that has not exited within a bound. The data directory stays; "
                    "`sixfold up` restarts the cluster with its data.")
    data_dir_opt(down)
    down.set_defaults(func=cmd_down)

    from sixfold import shell

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
                    "each (alternating, several rounds, 1 and 4 clients), and write JSON, a markdown table "
                    "and plots to bench/results/. Installs PostgreSQL when it is missing. About 20 minutes; "
                    "--quick about 2.")
    from bench import compare

    compare.add_arguments(bench)
    bench.set_defaults(func=compare.run)

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
    sys.exit(main())
