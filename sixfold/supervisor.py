"""The process supervisor: starts the processes of a cluster spec (storage nodes, the
control plane, compute instances, the router) as real processes, each with its own
data directory and log file, and stops, kills, pauses and resumes them. The one place
that does so: `sixfold up/node/down/failover`, the test fixture, the chaos harness and
bench/ all use it.

Processes are named as in the spec; "writer" names whichever compute instance is the
writer now (the control plane's answer, else the spec's). Processes run detached (their
own session), so they outlive the command that started them: `pids.json` in the data
directory records them, and `Supervisor.attach(..., adopt=True)` finds them again
(checking /proc that each pid is still that process of this cluster, not a reused pid).

A chaos run launches processes through a `Launch` hook: it may wrap the argv (to run a
process in its AZ's network namespace) and add environment (sabotages, a fake clock).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import struct
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import grpc

from sixfold.constants import (
    CLI_SIGNAL_WAIT_TIMEOUT_MS,
    PROCESS_START_TIMEOUT_MS,
    PROCESS_STOP_TIMEOUT_MS,
)
from sixfold.rpc import storage_pb2 as pb
from sixfold.rpc import storage_pb2_grpc as pb_grpc
from sixfold.spec import ClusterSpec, local_spec


LISTEN_PORTS_MIN = 10_000  # free_ports picks from here up to the kernel's ephemeral range
# "k/n": free_ports picks only from the k-th of n equal slices of its range, so that n
# processes picking ports at once (parallel test workers, set by tests/conftest.py) never
# pick the same one. Inherited by child processes.
PORT_SLICE_ENV = "SIXFOLD_PORT_SLICE"


def _port_slice(lo: int, hi: int) -> range:
    spec = os.environ.get(PORT_SLICE_ENV, "")
    if not spec:
        return range(lo, hi)
    k, n = (int(x) for x in spec.split("/"))
    assert 0 <= k < n, spec
    width = (hi - lo) // n
    return range(lo + k * width, lo + (k + 1) * width)


def _ephemeral_range() -> tuple[int, int]:
    try:
        lo, hi = (int(x) for x in Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split())
        return lo, hi
    except (OSError, ValueError):
        return 32768, 60999  # Linux's default


_HANDED_OUT_PORTS_MAX = 4_096
_handed_out: dict[int, None] = {}  # ports free_ports returned in this process, oldest first


def free_ports(n: int) -> list[int]:
    """n distinct ports that were free a moment ago (bound together, then released).

    They come from below the kernel's ephemeral range: a port picked there (bind to
    port 0) can be handed to some process's outgoing connection before the node meant
    to listen on it starts, which a global database starting many processes hit. Nor
    is a port handed out twice by one process (its last 4,096): two calls before either
    caller binds would otherwise both see it free, as a global database's regions did.
    Processes that pick at once stay apart by PORT_SLICE_ENV."""
    import random

    lo, _hi = _ephemeral_range()
    pool = _port_slice(LISTEN_PORTS_MIN, lo)
    socks: list[socket.socket] = []
    try:
        if len(pool) >= 10 * n:
            for port in random.SystemRandom().sample(pool, min(len(pool), 50 * n)):
                if len(socks) == n:
                    break
                if port in _handed_out:
                    continue
                s = socket.socket()
                try:
                    s.bind(("127.0.0.1", port))
                except OSError:
                    s.close()
                    continue
                socks.append(s)
        while len(socks) < n:  # no room below the ephemeral range: let the kernel pick
            s = socket.socket()
            s.bind(("127.0.0.1", 0))
            socks.append(s)
        ports = [s.getsockname()[1] for s in socks]
        for p in ports:
            _handed_out[p] = None
        while len(_handed_out) > _HANDED_OUT_PORTS_MAX:
            del _handed_out[next(iter(_handed_out))]
        return ports
    finally:
        for s in socks:
            s.close()


def wait_until(cond, timeout_s: float, what: str, interval_s: float = 0.05):
    """Poll `cond` until it returns a truthy value; raise TimeoutError naming `what`."""
    deadline = time.monotonic() + timeout_s
    last_exc = None
    while True:
        try:
            v = cond()
            if v:
                return v
        except Exception as e:  # the condition may fail while a process starts
            last_exc = e
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout_s:.1f}s waiting for {what}"
                               + (f" (last error: {last_exc})" if last_exc else ""))
        time.sleep(interval_s)


def default_backup(root: Path) -> dict:
    """The embedded backup location of a cluster in `root`: a directory beside, not inside,
    its storage nodes' directories."""
    return {"kind": "dir", "path": str(Path(root).resolve() / "backup")}


def pg_answers(host: str, port: int, timeout_s: float) -> bool:
    """A PostgreSQL server listens there: it answers an SSLRequest with 'S' or 'N'."""
    with socket.create_connection((host, port), timeout=timeout_s) as s:
        s.settimeout(timeout_s)
        s.sendall(struct.pack("!ii", 8, 80877103))
        return s.recv(1) in (b"S", b"N")


def with_password(spec: ClusterSpec, root: Path, password: str, user: str = "sixfold") -> ClusterSpec:
    """`spec` with SCRAM authentication for `user`; the password goes to root/credentials.json."""
    from sixfold.auth import scram_auth
    from sixfold.endpoints import save_credentials

    save_credentials(root, user, password)
    return spec.replace(auth=scram_auth({user: password}))


CONTROL_PLANE = "control-plane"
ROUTER = "router"
REPLICATION_SERVER = "replication-server"  # a global database's primary region
REPLICATION_AGENT = "replication-agent"  # each secondary region
GLOBAL_ENDPOINT = "global-endpoint"  # a global database's writer endpoint (in the first region's directory)
PIDS_FILE = "pids.json"


# --- processes by pid (children of this process or of an earlier command) ---------------
def proc_state(pid: int) -> str | None:
    """The kernel's one-letter state of `pid` (R, S, T, Z, ...), None if there is no such
    process, "?" where /proc is not available."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return None
    except OSError:
        return "?"
    return text.rsplit(")", 1)[1].split()[0]


def pid_alive(pid: int | None) -> bool:
    """The process exists and is not a zombie (a detached node's parent may have exited,
    so whoever adopted it may be slow to reap it)."""
    if not pid or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # exists, owned by someone else
    state = proc_state(pid)
    return state is not None and state not in ("Z", "X")


def send_signal(pid: int, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, sig)


def wait_gone(pids: list[int], timeout_s: float) -> list[int]:
    """Poll until every pid is gone; return the ones still alive at the deadline."""
    with contextlib.suppress(TimeoutError):
        wait_until(lambda: not any(pid_alive(p) for p in pids), timeout_s, "processes to exit")
    return [p for p in pids if pid_alive(p)]


def wait_proc_state(pid: int, ok: Callable[[str], bool]) -> bool:
    """Poll (bounded) until the kernel shows `pid` in a state `ok` accepts."""
    try:
        wait_until(lambda: ok(proc_state(pid) or "?"), CLI_SIGNAL_WAIT_TIMEOUT_MS / 1000, f"process {pid}")
        return True
    except TimeoutError:
        return False


@dataclass(frozen=True)
class Launch:
    """How processes are launched: `wrap(name, argv)` returns the argv to run (e.g. in a
    network namespace), `env(name)` extra environment for that process."""
    wrap: Callable[[str, list[str]], list[str]] = lambda name, argv: argv
    env: Callable[[str], dict[str, str]] = lambda name: {}


@dataclass
class NodeProcess:
    name: str
    address: str
    data_dir: Path
    log_path: Path
    proc: subprocess.Popen | None = None  # when this process started it
    adopted_pid: int | None = None  # when an earlier command did (from pids.json)
    paused: bool = False
    kind: str = "storage"  # "storage", "compute", "control", "router", "replication-server", "agent", "global-endpoint"

    MODULES = {"storage": "storage_node", "compute": "compute_node", "control": "control_plane",
               "router": "router", "replication-server": "replication.server", "agent": "replication.agent",
               "global-endpoint": "replication.global_endpoint"}

    def argv(self, spec_path: Path) -> list[str]:
        base = [sys.executable, "-m", self.MODULES[self.kind], "--cluster-spec", str(spec_path)]
        if self.kind == "compute":
            return [*base, "--name", self.name]
        if self.kind == "control":
            return [*base, "--data-dir", str(self.data_dir)]
        if self.kind in ("router", "replication-server", "agent", "global-endpoint"):
            return base
        return [*base, "--name", self.name, "--data-dir", str(self.data_dir)]

    def is_this(self, pid: int | None, spec_path: Path) -> bool:
        """`pid` is alive and is this process of the cluster at `spec_path`, not a process
        that got the same pid after this one died."""
        if not pid_alive(pid):
            return False
        try:
            argv = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace").split("\0")
        except OSError:  # no /proc (macOS): trust the pid
            return True

        def arg(flag: str) -> str | None:
            return argv[argv.index(flag) + 1] if flag in argv[:-1] else None

        if self.MODULES[self.kind] not in argv:
            return False
        if self.kind in ("storage", "compute") and arg("--name") != self.name:
            return False
        return Path(arg("--cluster-spec") or "").resolve() == spec_path.resolve()

    @property
    def pid(self) -> int | None:
        if self.proc is not None:
            return self.proc.pid if self.proc.poll() is None else None
        return self.adopted_pid if pid_alive(self.adopted_pid) else None

    @property
    def alive(self) -> bool:
        return self.pid is not None

    def wait_exit(self, timeout_s: float) -> bool:
        """Wait (bounded) for the process to exit; reaps it when it is our child."""
        if self.proc is not None:
            try:
                self.proc.wait(timeout_s)
                return True
            except subprocess.TimeoutExpired:
                return False
        return not wait_gone([self.adopted_pid], timeout_s) if self.adopted_pid else True


@dataclass
class Supervisor:
    spec: ClusterSpec
    root: Path
    nodes: dict[str, NodeProcess] = field(default_factory=dict)
    launch: Launch = field(default_factory=Launch)

    @classmethod
    def create(cls, root: Path, spec: ClusterSpec | None = None, writer: bool = False, replicas: int = 0,
               control_plane: bool = False, router: bool = False, password: str | None = None,
               launch: Launch | None = None, backup: dict | bool | None = None, **spec_kw) -> Supervisor:
        """A new cluster in `root`, on free ports. With `writer`, also compute instance
        db-1 (the writer); with `replicas`, that many read replicas (db-2, ...); with
        `control_plane` / `router`, those processes. Compute instances get admin ports
        when there are replicas or a control plane. With `password`, clients log in as
        user `sixfold` with it (SCRAM), else trust. `backup` is the spec's backup location
        (True: the directory `root`/backup)."""
        root.mkdir(parents=True, exist_ok=True)
        if spec is None:
            storage_count = 6 if spec_kw.get("nodes_per_az", 2) == 2 else 3 * spec_kw["nodes_per_az"]
            computes = (1 + replicas) if writer else 0
            admin = computes if (replicas or control_plane) else 0
            ports = free_ports(storage_count + computes + admin + int(control_plane) + 2 * int(router))
            it = iter(ports[storage_count:])
            pg = [next(it) for _ in range(computes)]
            spec = local_spec(ports[0], pg_port=pg[0] if pg else None, replica_ports=tuple(pg[1:]),
                              admin_ports=tuple(next(it) for _ in range(admin)),
                              control_plane_port=next(it) if control_plane else None,
                              router_ports=(next(it), next(it)) if router else None, **spec_kw)
            nodes = tuple(type(n)(n.name, n.az, n.host, p) for n, p in zip(spec.storage_nodes, ports))
            spec = spec.replace(storage_nodes=nodes)
        if password is not None:
            spec = with_password(spec, root, password)
        if backup:
            spec = spec.replace(backup=default_backup(root) if backup is True else dict(backup))
        spec.save(root / "cluster.json")
        return cls.attach(spec, root, launch=launch)

    @classmethod
    def attach(cls, spec: ClusterSpec, root: Path, adopt: bool = False, launch: Launch | None = None) -> Supervisor:
        """The cluster of an existing data directory; with `adopt`, attached to those of
        its processes that pids.json records and that still run."""
        c = cls(spec, root, launch=launch or Launch())
        # A clone's storage nodes belong to the cluster it was cloned from (`storage_of`).
        for n in (spec.storage_nodes if not spec.extra.get("storage_of") else ()):
            c.nodes[n.name] = NodeProcess(n.name, n.address, root / "nodes" / n.name, root / "logs" / f"{n.name}.log")
        for n in spec.compute_nodes:
            c.nodes[n.name] = NodeProcess(n.name, n.address, root / "nodes" / n.name, root / "logs" / f"{n.name}.log",
                                          kind="compute")
        if spec.control_plane is not None:
            c.nodes[CONTROL_PLANE] = NodeProcess(CONTROL_PLANE, spec.control_plane.address, root / CONTROL_PLANE,
                                                 root / "logs" / f"{CONTROL_PLANE}.log", kind="control")
        if spec.router is not None:
            c.nodes[ROUTER] = NodeProcess(ROUTER, f"{spec.router.host}:{spec.router.writer_port}", root / ROUTER,
                                          root / "logs" / f"{ROUTER}.log", kind="router")
        repl = spec.replication
        if repl is not None and not repl.diverged:  # a diverged region's agent waits for `sixfold global rejoin`
            name, kind = (REPLICATION_SERVER, "replication-server") if repl.role == "primary" else (
                REPLICATION_AGENT, "agent")
            c.nodes[name] = NodeProcess(name, repl.address, root / name, root / "logs" / f"{name}.log", kind=kind)
        ep = spec.extra.get("global_endpoint")
        if ep:
            c.nodes[GLOBAL_ENDPOINT] = NodeProcess(GLOBAL_ENDPOINT, f"{ep['host']}:{ep['port']}", root / GLOBAL_ENDPOINT,
                                                   root / "logs" / f"{GLOBAL_ENDPOINT}.log", kind="global-endpoint")
        if adopt:
            c.adopt()
        return c

    def writer_name(self, timeout_s: float = 1.0) -> str:
        """The compute instance that is the writer now: the control plane's answer when
        it has one and answers, else the spec's."""
        if self.spec.control_plane is not None and self.nodes[CONTROL_PLANE].alive:
            from compute_node.topology import fetch_topology

            topo = fetch_topology(self.spec, timeout_s)
            if topo is not None and topo.writer:
                return topo.writer
        if self.spec.writer is None:
            raise KeyError(f"cluster {self.spec.name!r} has no writer")
        return self.spec.writer.name

    def resolve(self, name: str) -> str:
        """A process name, with "writer" standing for the current writer."""
        return self.writer_name() if name == "writer" else name

    @property
    def storage_names(self) -> list[str]:
        """The storage nodes this cluster runs (none for a clone: its source's run them)."""
        return [n.name for n in self.spec.storage_nodes if n.name in self.nodes]

    @property
    def compute_names(self) -> list[str]:
        return [n.name for n in self.spec.compute_nodes]

    def host_port(self, name: str) -> tuple[str, int]:
        """Where the process answers: a storage node's gRPC, an instance's PostgreSQL port,
        the control plane's gRPC, the router's cluster endpoint."""
        name = self.resolve(name)
        return self.listen_addresses(name)[0]

    def listen_addresses(self, name: str) -> list[tuple[str, int]]:
        """Every (host, port) the process listens on."""
        spec = self.spec
        if name == CONTROL_PLANE and spec.control_plane is not None:
            return [(spec.control_plane.host, spec.control_plane.port)]
        if name in (REPLICATION_SERVER, REPLICATION_AGENT) and spec.replication is not None:
            return [(spec.replication.host, spec.replication.port)]
        if name == GLOBAL_ENDPOINT and spec.extra.get("global_endpoint"):
            ep = spec.extra["global_endpoint"]
            return [(ep["host"], ep["port"])]
        if name == ROUTER and spec.router is not None:
            r = spec.router
            return [(r.host, r.writer_port), (r.host, r.reader_port), *((r.host, c.port) for c in r.custom.values())]
        for n in spec.storage_nodes:
            if n.name == name:
                return [(n.host, n.port)]
        for n in spec.compute_nodes:
            if n.name == name:
                return [(n.host, n.port)] + ([(n.host, n.admin_port)] if n.admin_port else [])
        raise KeyError(f"no process named {name!r} in cluster {spec.name!r}")

    def uri(self, name: str = "writer") -> str:
        """The PostgreSQL URI of an endpoint or a compute instance (`writer`: the cluster
        endpoint; without a router, the current writer's own)."""
        from sixfold.endpoints import endpoints, load_credentials

        eps = endpoints(self.spec, load_credentials(self.root))
        if name == "writer" and self.spec.router is None:
            return eps[self.writer_name()]
        return eps[name]

    @property
    def spec_path(self) -> Path:
        return self.root / "cluster.json"

    def start(self, name: str, wait: bool = True) -> NodeProcess:
        name = self.resolve(name)
        n = self.nodes[name]
        if n.alive:
            return n
        n.data_dir.mkdir(parents=True, exist_ok=True)
        n.log_path.parent.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, **self.launch.env(name)}
        with open(n.log_path, "ab") as logf:
            n.proc = subprocess.Popen(self.launch.wrap(name, n.argv(self.spec_path)), stdout=logf,
                                      stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env,
                                      start_new_session=True)
        n.adopted_pid = None
        n.paused = False
        if wait:
            self.wait_ready(name)
        return n

    def start_order(self, names: list[str] | None = None) -> list[list[str]]:
        """Groups to start one after another: storage nodes, the control plane, a secondary
        region's agent (its volume's writer), the writer (it recovers the volume), the
        replication server (it follows the writer), the replicas (they follow the writer
        or the agent), the router."""
        computes = self.compute_names
        writer = [n for n in computes if self.spec.writer is not None and n == self.spec.writer.name]
        groups = [self.storage_names, [CONTROL_PLANE] if CONTROL_PLANE in self.nodes else [],
                  [REPLICATION_AGENT] if REPLICATION_AGENT in self.nodes else [], writer,
                  [REPLICATION_SERVER] if REPLICATION_SERVER in self.nodes else [],
                  [n for n in computes if n not in writer], [ROUTER] if ROUTER in self.nodes else [],
                  [GLOBAL_ENDPOINT] if GLOBAL_ENDPOINT in self.nodes else []]
        wanted = set(self.nodes if names is None else names)
        return [[n for n in g if n in wanted] for g in groups if any(n in wanted for n in g)]

    def start_all(self) -> None:
        for group in self.start_order():
            for name in group:
                self.start(name, wait=False)
            for name in group:
                self.wait_ready(name)

    def health(self, name: str, timeout_s: float = 1.0) -> pb.HealthResponse:
        with grpc.insecure_channel(self.nodes[name].address) as ch:
            return pb_grpc.StorageNodeStub(ch).Health(pb.HealthRequest(volume=self.spec.volume), timeout=timeout_s)

    def answers(self, name: str, timeout_s: float) -> bool:
        """The process answers its own protocol: Health for a storage node, PostgreSQL for
        a compute instance and the router, GetTopology for the control plane."""
        n = self.nodes[name]
        if n.kind == "compute":
            return pg_answers(*self.host_port(name), timeout_s)
        if n.kind == "router":
            return pg_answers(self.spec.router.host, self.spec.router.writer_port, timeout_s)
        if n.kind == "global-endpoint":
            return pg_answers(*self.listen_addresses(name)[0], timeout_s)
        if n.kind == "control":
            from compute_node.topology import fetch_topology
            return fetch_topology(self.spec, timeout_s) is not None
        if n.kind in ("replication-server", "agent"):
            return self.replication_health(timeout_s) is not None
        return self.health(name, timeout_s).node == name

    def replication_health(self, timeout_s: float = 1.0):
        """The replication server's or agent's Health (a ComputeHealth), None if it does not answer."""
        from sixfold.rpc import compute_pb2 as cpb
        from sixfold.rpc import compute_pb2_grpc as cpb_grpc

        with grpc.insecure_channel(self.spec.replication.address) as ch:
            try:
                return cpb_grpc.ComputeNodeStub(ch).Health(cpb.ComputeHealthRequest(), timeout=timeout_s)
            except grpc.RpcError:
                return None

    def wait_ready(self, name: str) -> None:
        name = self.resolve(name)
        n = self.nodes[name]

        def ready():
            if not n.alive:
                code = n.proc.returncode if n.proc else None
                raise RuntimeError(f"{name} exited with {code}; see {n.log_path}")
            return self.answers(name, 0.5)

        wait_until(ready, PROCESS_START_TIMEOUT_MS / 1000, f"{n.kind} node {name} to answer")

    def kill(self, name: str) -> None:
        """SIGKILL: no shutdown, no flush, like a power cut of that process."""
        name = self.resolve(name)
        n = self.nodes[name]
        pid = n.pid
        if pid is not None:
            send_signal(pid, signal.SIGKILL)  # delivered to a stopped process too
            if not n.wait_exit(PROCESS_STOP_TIMEOUT_MS / 1000):
                raise RuntimeError(f"{name} (pid {pid}) survived SIGKILL for {PROCESS_STOP_TIMEOUT_MS} ms")
        n.paused = False

    def stop(self, name: str) -> bool:
        """SIGCONT + SIGTERM, then SIGKILL after a bound. True when SIGKILL was needed."""
        return bool(self.stop_many([name]))

    def stop_many(self, names: list[str]) -> list[str]:
        """Stop these processes together (SIGTERM to all, one bound); the names that needed SIGKILL."""
        names = [self.resolve(n) for n in names]
        pids = {n: self.nodes[n].pid for n in names if self.nodes[n].pid is not None}
        for pid in pids.values():
            send_signal(pid, signal.SIGCONT)  # a paused process would not act on SIGTERM
            send_signal(pid, signal.SIGTERM)
        bound_s = PROCESS_STOP_TIMEOUT_MS / 1000
        deadline = time.monotonic() + bound_s
        killed = []
        for n in pids:
            if not self.nodes[n].wait_exit(max(0.0, deadline - time.monotonic())):
                send_signal(pids[n], signal.SIGKILL)
                killed.append(n)
        for n in killed:
            if not self.nodes[n].wait_exit(bound_s):
                raise RuntimeError(f"{n} (pid {pids[n]}) did not exit even after SIGKILL")
        for n in pids:
            self.nodes[n].paused = False
        return killed

    def pause(self, name: str) -> None:
        n = self.nodes[self.resolve(name)]
        pid = n.pid
        if pid is not None:
            send_signal(pid, signal.SIGSTOP)
            wait_proc_state(pid, lambda s: s in ("T", "?"))
            n.paused = True

    def resume(self, name: str) -> bool:
        """SIGCONT; True when the process was paused."""
        n = self.nodes[self.resolve(name)]
        pid = n.pid
        if pid is None:
            return False
        was_paused = n.paused or proc_state(pid) == "T"
        send_signal(pid, signal.SIGCONT)
        wait_proc_state(pid, lambda s: s != "T")
        n.paused = False
        return was_paused

    def stop_all(self, kill: bool = False) -> list[str]:
        """The router and compute instances first (the writer must not see its storage vanish
        under running commits), then the control plane and the storage nodes."""
        first = [n for n in [GLOBAL_ENDPOINT, ROUTER, REPLICATION_SERVER, *self.compute_names, REPLICATION_AGENT]
                 if n in self.nodes]
        then = [n for n in [CONTROL_PLANE, *self.storage_names] if n in self.nodes]
        if kill:
            for n in first + then:
                self.kill(n)
            return []
        return self.stop_many(first) + self.stop_many(then)

    def names_in_az(self, az: str) -> list[str]:
        return [n.name for n in self.spec.storage_nodes if n.az == az]

    def az_of(self, name: str) -> str | None:
        n = next((x for x in (*self.spec.storage_nodes, *self.spec.compute_nodes) if x.name == name), None)
        return n.az if n is not None else None

    # --- pids.json: how later commands find detached processes ---------------------------
    @property
    def pids_path(self) -> Path:
        return self.root / PIDS_FILE

    def read_pids(self) -> dict[str, int]:
        try:
            raw = json.loads(self.pids_path.read_text())
        except FileNotFoundError:
            return {}
        except ValueError as e:
            raise OSError(f"cannot read {self.pids_path}: {e}") from None
        if not isinstance(raw, dict):
            raise OSError(f"cannot read {self.pids_path}: not a JSON object")
        return {str(k): int(v) for k, v in raw.items() if isinstance(v, int)}

    def adopt(self) -> None:
        """Attach to the processes pids.json records that still run as themselves."""
        for name, pid in self.read_pids().items():
            n = self.nodes.get(name)
            if n is not None and n.proc is None and n.is_this(pid, self.spec_path):
                n.adopted_pid = pid
                n.paused = proc_state(pid) == "T"

    def save_state(self) -> None:
        """Write pids.json: {name: pid} of the running processes (removed when none runs)."""
        pids = {n: p.pid for n, p in sorted(self.nodes.items()) if p.alive}
        if not pids:
            with contextlib.suppress(FileNotFoundError):
                self.pids_path.unlink()
            return
        tmp = self.pids_path.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(pids, indent=2))
        tmp.replace(self.pids_path)


