"""The local process launcher: starts the processes of a cluster spec (storage nodes,
the control plane, compute instances, the router) as real processes, each with its
own data directory and log file, and stops, kills, pauses and resumes them. Used by
`sixfold up`, by the test fixture and by bench/.

Processes are named as in the spec; "writer" names whichever compute instance is the
writer now (the control plane's answer, else the spec's)."""

from __future__ import annotations

import json
import os
import signal
import socket
import struct
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import grpc

from sixfold.constants import PROCESS_START_TIMEOUT_MS, PROCESS_STOP_TIMEOUT_MS
from sixfold.rpc import storage_pb2 as pb
from sixfold.rpc import storage_pb2_grpc as pb_grpc
from sixfold.spec import ClusterSpec, local_spec


def free_ports(n: int) -> list[int]:
    """n distinct ports that were free a moment ago (bound together, then released)."""
    socks = []
    try:
        for _ in range(n):
            s = socket.socket()
            s.bind(("127.0.0.1", 0))
            socks.append(s)
        return [s.getsockname()[1] for s in socks]
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


def pg_answers(host: str, port: int, timeout_s: float) -> bool:
    """A PostgreSQL server listens there: it answers an SSLRequest with 'S' or 'N'."""
    with socket.create_connection((host, port), timeout=timeout_s) as s:
        s.settimeout(timeout_s)
        s.sendall(struct.pack("!ii", 8, 80877103))
        return s.recv(1) in (b"S", b"N")


def with_password(spec: ClusterSpec, root: Path, password: str, user: str = "sixfold") -> ClusterSpec:
    """`spec` with SCRAM authentication for `user`; the password goes to root/credentials.json."""
    import secrets

    from compute_node.pgwire.scram import make_verifier
    from sixfold.constants import SCRAM_ITERATIONS_COUNT
    from sixfold.endpoints import save_credentials

    save_credentials(root, user, password)
    verifier = make_verifier(password, secrets.token_bytes(16), SCRAM_ITERATIONS_COUNT)
    return spec.replace(auth={"method": "scram-sha-256", "users": {user: verifier}})


CONTROL_PLANE = "control-plane"
ROUTER = "router"


@dataclass
class NodeProcess:
    name: str
    address: str
    data_dir: Path
    log_path: Path
    proc: subprocess.Popen | None = None
    paused: bool = False
    kind: str = "storage"  # "storage", "compute", "control" or "router"

    def argv(self, spec_path: Path) -> list[str]:
        if self.kind == "compute":
            return [sys.executable, "-m", "compute_node", "--cluster-spec", str(spec_path), "--name", self.name]
        if self.kind == "control":
            return [sys.executable, "-m", "control_plane", "--cluster-spec", str(spec_path), "--data-dir",
                    str(self.data_dir)]
        if self.kind == "router":
            return [sys.executable, "-m", "router", "--cluster-spec", str(spec_path)]
        return [sys.executable, "-m", "storage_node", "--cluster-spec", str(spec_path), "--name", self.name,
                "--data-dir", str(self.data_dir)]

    @property
    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.alive else None


@dataclass
class LocalCluster:
    spec: ClusterSpec
    root: Path
    nodes: dict[str, NodeProcess] = field(default_factory=dict)

    @classmethod
    def create(cls, root: Path, spec: ClusterSpec | None = None, writer: bool = False, replicas: int = 0,
               control_plane: bool = False, router: bool = False, password: str | None = None,
               **spec_kw) -> "LocalCluster":
        """A new cluster in `root`, on free ports. With `writer`, also compute instance
        db-1 (the writer); with `replicas`, that many read replicas (db-2, ...); with
        `control_plane` / `router`, those processes. Compute instances get admin ports
        when there are replicas or a control plane. With `password`, clients log in as
        user `sixfold` with it (SCRAM), else trust."""
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
        spec.save(root / "cluster.json")
        return cls.attach(spec, root)

    @classmethod
    def attach(cls, spec: ClusterSpec, root: Path) -> "LocalCluster":
        """The cluster of an existing data directory (no process attached)."""
        c = cls(spec, root)
        for n in spec.storage_nodes:
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
        return [n.name for n in self.spec.storage_nodes]

    @property
    def compute_names(self) -> list[str]:
        return [n.name for n in self.spec.compute_nodes]

    def host_port(self, name: str) -> tuple[str, int]:
        name = self.resolve(name)
        n = next((x for x in (*self.spec.storage_nodes, *self.spec.compute_nodes) if x.name == name), None)
        if n is None:
            raise KeyError(f"no process named {name!r} in cluster {self.spec.name!r}")
        return n.host, n.port

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
        logf = open(n.log_path, "ab")
        n.proc = subprocess.Popen(n.argv(self.spec_path), stdout=logf, stderr=subprocess.STDOUT,
                                  stdin=subprocess.DEVNULL, start_new_session=True)
        logf.close()
        n.paused = False
        if wait:
            self.wait_ready(name)
        return n

    def start_all(self) -> None:
        """Storage nodes first (in parallel), the control plane, the writer (it recovers
        the volume), the replicas (they follow it), then the router."""
        computes = self.compute_names
        writer = [n for n in computes if self.spec.writer is not None and n == self.spec.writer.name]
        groups = [self.storage_names, [CONTROL_PLANE] if CONTROL_PLANE in self.nodes else [], writer,
                  [n for n in computes if n not in writer], [ROUTER] if ROUTER in self.nodes else []]
        for group in groups:
            for name in group:
                self.start(name, wait=False)
            for name in group:
                self.wait_ready(name)

    def health(self, name: str, timeout_s: float = 1.0) -> pb.HealthResponse:
        with grpc.insecure_channel(self.nodes[name].address) as ch:
            return pb_grpc.StorageNodeStub(ch).Health(pb.HealthRequest(volume=self.spec.volume), timeout=timeout_s)

    def wait_ready(self, name: str) -> None:
        name = self.resolve(name)
        n = self.nodes[name]

        def ready():
            if not n.alive:
                raise RuntimeError(f"{name} exited with {n.proc.returncode if n.proc else None}; see {n.log_path}")
            if n.kind == "compute":
                return pg_answers(*self.host_port(name), 0.5)
            if n.kind == "router":
                return pg_answers(self.spec.router.host, self.spec.router.writer_port, 0.5)
            if n.kind == "control":
                from compute_node.topology import fetch_topology
                return fetch_topology(self.spec, 0.5) is not None
            return self.health(name, 0.5).node == name

        wait_until(ready, PROCESS_START_TIMEOUT_MS / 1000, f"{n.kind} node {name} to answer")

    def kill(self, name: str) -> None:
        """SIGKILL: no shutdown, no flush, like a power cut of that process."""
        n = self.nodes[self.resolve(name)]
        if n.alive:
            if n.paused:
                os.kill(n.proc.pid, signal.SIGCONT)
            n.proc.kill()
            try:
                n.proc.wait(PROCESS_STOP_TIMEOUT_MS / 1000)
            except subprocess.TimeoutExpired:
                raise RuntimeError(f"{name} (pid {n.proc.pid}) survived SIGKILL for "
                                   f"{PROCESS_STOP_TIMEOUT_MS} ms") from None
        n.paused = False

    def stop(self, name: str) -> None:
        name = self.resolve(name)
        n = self.nodes[name]
        if n.alive:
            if n.paused:
                self.resume(name)
            n.proc.terminate()
            try:
                n.proc.wait(PROCESS_STOP_TIMEOUT_MS / 1000)
            except subprocess.TimeoutExpired:
                n.proc.kill()
                n.proc.wait()

    def pause(self, name: str) -> None:
        n = self.nodes[self.resolve(name)]
        if n.alive and not n.paused:
            os.kill(n.proc.pid, signal.SIGSTOP)
            n.paused = True

    def resume(self, name: str) -> None:
        n = self.nodes[self.resolve(name)]
        if n.alive and n.paused:
            os.kill(n.proc.pid, signal.SIGCONT)
            n.paused = False

    def stop_all(self, kill: bool = False) -> None:
        order = [ROUTER, *self.compute_names, CONTROL_PLANE, *self.storage_names]
        for name in [n for n in order if n in self.nodes]:
            (self.kill if kill else self.stop)(name)

    def names_in_az(self, az: str) -> list[str]:
        return [n.name for n in self.spec.storage_nodes if n.az == az]

    def save_state(self) -> None:
        (self.root / "pids.json").write_text(json.dumps({n: p.pid for n, p in self.nodes.items() if p.alive}))
