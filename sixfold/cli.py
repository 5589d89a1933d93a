"""`sixfold`: the user's command. For now it manages the storage tier of a local cluster.

    sixfold up [--data-dir DIR] [--base-port PORT]   start (or restart) six storage nodes over az1..az3
    sixfold status [--data-dir DIR] [--json]          every process: AZ, pid, port, alive, VDL hint, epoch
    sixfold node stop|kill|pause|resume|start NAME    act on one storage node
    sixfold down [--data-dir DIR]                     stop every node; the data stays

A cluster lives in one data directory (default `./.sixfold`): `cluster.json` (the spec),
`nodes/NAME/` (each node's LMDB files), `logs/NAME.log` and, while it runs, `pids.json`.
The nodes run detached (their own session), so they outlive the `sixfold` process that
started them; every later command finds them again through `pids.json`.

Exit codes: 0 success, 1 the operation failed (no cluster, a node would not start, ...),
2 bad usage (unknown option, unknown node name).
"""

from __future__ import annotations

import argparse
import asyncio
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
    CLI_STATUS_HEALTH_TIMEOUT_MS as STATUS_HEALTH_TIMEOUT_MS, PROCESS_START_TIMEOUT_MS, PROCESS_STOP_TIMEOUT_MS,
    RECOVERY_ATTEMPTS_MAX, RPC_TIMEOUT_MS,
)

DEFAULT_DATA_DIR = ".sixfold"
SPEC_FILE = "cluster.json"
PIDS_FILE = "pids.json"
LOCK_FILE = "cli.lock"

VOLUME_OPEN_TIMEOUT_MS = RPC_TIMEOUT_MS * RECOVERY_ATTEMPTS_MAX  # `up`: recovery of the volume

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
    """`pid` is alive and is storage node `name` of this cluster, not a process that got
    the same pid after the node died."""
    if not pid_alive(pid):
        return False
    argv = _cmdline(pid)
    if argv is None:  # no /proc (macOS): trust the pid
        return True

    def arg(flag: str) -> str | None:
        return argv[argv.index(flag) + 1] if flag in argv[:-1] else None

    return "storage_node" in argv and arg("--name") == name and \
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
        """A LocalCluster over the saved spec (no processes attached), built the way
        LocalCluster.create builds one, without rewriting the spec."""
        from deploy.launcher import LocalCluster, NodeProcess

        spec = self.require()
        c = LocalCluster(spec, self.root)
        for n in spec.storage_nodes:
            c.nodes[n.name] = NodeProcess(n.name, n.address, self.root / "nodes" / n.name,
                                          self.root / "logs" / f"{n.name}.log")
        return c

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
    busy = [f"{n} ({cluster.spec.node(n).address})" for n in names
            if _port_in_use(cluster.spec.node(n).host, cluster.spec.node(n).port)]
    if busy:
        raise CliError(f"port in use for {', '.join(busy)}: another process (maybe a node of another "
                       f"cluster, or one whose pid was lost) listens there; stop it or use another --data-dir")


# --- health ------------------------------------------------------------------------------
def _health_all(cluster, names, timeout_s: float) -> dict[str, object]:
    """name -> HealthResponse, or None for a node that did not answer (in parallel)."""
    def one(name):
        try:
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
def cmd_up(args) -> int:
    from deploy.launcher import LocalCluster
    from sixfold.spec import local_spec

    dd = DataDir(args.data_dir)
    if dd.root.exists() and not dd.root.is_dir():
        raise CliError(f"{dd.root} exists and is not a directory")
    with dd.locked():
        if dd.exists():
            cluster = dd.cluster()
            if args.base_port is not None:
                ports = [n.port for n in cluster.spec.storage_nodes]
                if ports[0] != args.base_port:
                    raise CliError(f"{dd.spec_path} already places the nodes on ports "
                                   f"{', '.join(map(str, ports))}; --base-port applies only to a new cluster "
                                   f"(or use another --data-dir)", EXIT_USAGE)
            created = False
        else:
            if args.base_port is not None and not 0 < args.base_port <= 65535 - 5:
                raise CliError(f"--base-port must be in 1..{65535 - 5}", EXIT_USAGE)
            spec = local_spec(args.base_port) if args.base_port is not None else None
            cluster = LocalCluster.create(dd.root, spec=spec)
            created = True
        names = list(cluster.nodes)
        running = dd.running(names)
        if len(running) == len(names):
            print(f"cluster {cluster.spec.name!r} at {dd.root} is already running "
                  f"({len(names)} storage nodes); see `sixfold status --data-dir {dd.root}`")
            return EXIT_OK
        # Start the nodes that are not running (all of them, unless a previous `up` or
        # `node stop` left some running). Record their pids before waiting, so that a
        # failure below still leaves a directory `down` can clean up.
        to_start = [n for n in names if n not in running]
        _check_ports_free(cluster, to_start)
        for name in to_start:
            cluster.start(name, wait=False)
        started = {n: cluster.nodes[n].pid for n in to_start if cluster.nodes[n].pid}
        dd.write_pids({**running, **started})
        try:
            for name in to_start:
                cluster.wait_ready(name)
            for name in running:  # a node left running must answer too
                _wait_health(cluster, name)
        except (RuntimeError, TimeoutError) as e:
            _stop_pids(started, PROCESS_STOP_TIMEOUT_MS / 1000)
            dd.write_pids(running)
            raise CliError(f"the cluster did not start: {e}") from None
        try:
            vdl, epoch = asyncio.run(_open_volume(cluster.spec))
        except Exception as e:  # noqa: BLE001 - reported, the nodes stay up for `status`
            raise CliError(f"the storage nodes are up but volume {cluster.spec.volume!r} could not be opened: "
                           f"{type(e).__name__}: {e}") from None
    what = "created and started" if created else ("restarted" if not running else
                                                    f"started {len(to_start)} stopped node(s) of")
    print(f"{what} cluster {cluster.spec.name!r}")
    _print_table(["NAME", "AZ", "ADDRESS", "PID"],
                 [[n.name, n.az, n.address, str(({**running, **started}).get(n.name, "-"))]
                  for n in cluster.spec.storage_nodes])
    print(f"data dir: {dd.root}")
    print(f"volume:   {cluster.spec.volume} (VDL {vdl}, epoch {epoch})")
    return EXIT_OK


def _wait_health(cluster, name: str) -> None:
    from deploy.launcher import wait_until

    wait_until(lambda: cluster.health(name, 0.5).node == name, PROCESS_START_TIMEOUT_MS / 1000,
               f"storage node {name} to answer")


async def _open_volume(spec) -> tuple[int, int]:
    """Open the volume once (creating it if new, recovering it otherwise); its VDL and epoch."""
    from compute_node.volume_client import VolumeClient

    vc = await asyncio.wait_for(VolumeClient.open(spec), VOLUME_OPEN_TIMEOUT_MS / 1000)
    try:
        return vc.vdl, vc.epoch
    finally:
        await vc.close()


def collect_status(dd: DataDir) -> dict:
    cluster = dd.cluster()
    spec = cluster.spec
    pids = dd.read_pids()
    procs = {}
    for n in spec.storage_nodes:
        pid = pids.get(n.name)
        procs[n.name] = pid if is_node_process(pid, n.name, dd.spec_path) else None
    health = _health_all(cluster, [n for n, p in procs.items() if p], STATUS_HEALTH_TIMEOUT_MS / 1000)
    rows = []
    for n in spec.storage_nodes:
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
        rows.append({
            "name": n.name, "kind": "storage", "role": "storage", "az": n.az, "pid": pid, "port": n.port,
            "alive": pid is not None and h is not None, "state": state, "address": n.address,
            "vdl_hint": h.vdl_hint if h is not None else None, "epoch": h.epoch if h is not None else None,
        })
    answering = [h for h in health.values() if h is not None]
    return {
        "cluster": spec.name,
        "data_dir": str(dd.root),
        "processes": rows,
        "volume": {
            "name": spec.volume,
            "vdl": max((h.vdl_hint for h in answering), default=None),
            "epoch": max((h.epoch for h in answering), default=None),
        },
    }


def cmd_status(args) -> int:
    dd = DataDir(args.data_dir)
    st = collect_status(dd)
    if args.json:
        print(json.dumps(st, indent=2))
        return EXIT_OK

    def show(v):
        return "-" if v is None else str(v)

    _print_table(["NAME", "KIND", "AZ", "PID", "PORT", "ALIVE", "STATE", "VDL HINT", "EPOCH"],
                 [[p["name"], p["kind"], p["az"], show(p["pid"]), str(p["port"]), "yes" if p["alive"] else "no",
                   p["state"], show(p["vdl_hint"]), show(p["epoch"])] for p in st["processes"]])
    alive = sum(p["alive"] for p in st["processes"])
    v = st["volume"]
    print(f"\ncluster {st['cluster']!r} at {st['data_dir']}: {alive}/{len(st['processes'])} storage nodes alive")
    print(f"volume {v['name']!r}: VDL {show(v['vdl'])}, epoch {show(v['epoch'])}")
    return EXIT_OK


def cmd_node(args) -> int:
    dd = DataDir(args.data_dir)
    cluster = dd.cluster()
    name = args.name
    if name not in cluster.nodes:
        raise CliError(f"no storage node named {name!r}; the nodes are: {', '.join(cluster.nodes)}", EXIT_USAGE)
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
        killed = _stop_pids(running, PROCESS_STOP_TIMEOUT_MS / 1000)
        dd.write_pids({})
    print(f"stopped {len(running)} storage node(s) of cluster {cluster.spec.name!r}"
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
                    "three AZs, 4-of-6 write quorums). This command runs a local cluster of storage nodes.",
        epilog="Run `sixfold COMMAND --help` for the options of one command.")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def data_dir_opt(sp: argparse.ArgumentParser) -> None:
        sp.add_argument("--data-dir", metavar="DIR", default=DEFAULT_DATA_DIR,
                        help="the cluster's directory: spec, node data, logs and pids "
                             f"(default: ./{DEFAULT_DATA_DIR})")

    up = sub.add_parser(
        "up", help="start a local cluster of six storage nodes (or restart the one in --data-dir)",
        description="Start six storage nodes over az1..az3 as detached processes, wait until each "
                    "answers, and open the volume once so it exists. If DIR/cluster.json exists the "
                    "cluster is restarted in place with its data; otherwise a new cluster is created.")
    data_dir_opt(up)
    up.add_argument("--base-port", metavar="PORT", type=int, default=None,
                    help="for a new cluster: put the six nodes on PORT..PORT+5 "
                         "(default: free ports picked at random)")
    up.set_defaults(func=cmd_up)

    st = sub.add_parser(
        "status", help="show every process of the cluster: AZ, pid, port, alive, VDL hint, epoch",
        description="Show every storage node of the cluster with its AZ, pid, port, whether it is alive "
                    "(its process runs and it answers its Health RPC), and its VDL hint and epoch for "
                    "the volume.")
    data_dir_opt(st)
    st.add_argument("--json", action="store_true",
                    help='print a JSON object {"processes": [...], "volume": {"name", "vdl", "epoch"}} '
                         "instead of a table")
    st.set_defaults(func=cmd_status)

    node = sub.add_parser(
        "node", help="stop, kill, pause, resume or start one storage node",
        description="Act on one storage node: stop (SIGTERM, then SIGKILL if it does not exit), kill "
                    "(SIGKILL, like a power cut), pause (SIGSTOP), resume (SIGCONT), or start it again.")
    node.add_argument("action", choices=["stop", "kill", "pause", "resume", "start"],
                      help="stop: SIGTERM (SIGKILL after a bound); kill: SIGKILL; pause: SIGSTOP; "
                           "resume: SIGCONT; start: start it again with its data")
    node.add_argument("name", metavar="NAME", help="the node's name, as `sixfold status` shows it (e.g. sn-az1-a)")
    data_dir_opt(node)
    node.set_defaults(func=cmd_node)

    down = sub.add_parser(
        "down", help="stop every node of the cluster (the data stays)",
        description="Stop every storage node: SIGTERM (after SIGCONT, in case it is paused), then "
                    "SIGKILL for any that has not exited within a bound. The data directory stays; "
                    "`sixfold up` restarts the cluster with its data.")
    data_dir_opt(down)
    down.set_defaults(func=cmd_down)
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
