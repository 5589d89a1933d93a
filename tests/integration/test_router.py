"""The router as a real process (`python -m router`) in front of three real PostgreSQL
servers (db-1, db-2, db-3, TLS on), driven by a fake control plane the test publishes
topologies through, reached by psycopg clients through its endpoints.

Which server a connection reached is its `port` setting. The router's log line
"topology: generation N ..." says it applied a topology; everything else is observed
from the clients' side. Figures (reaction times) are printed: run with -s to see them.
"""

from __future__ import annotations

import collections
import os
import pwd
import re
import select
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psycopg
import pytest

from bench.pg_server import PostgresNotInstalled, PostgresServer, bin_dir
from sixfold.supervisor import free_ports, wait_until
from sixfold.endpoints import endpoints
from sixfold.spec import (
    ClusterSpec, ComputeNodeSpec, ControlPlaneSpec, CustomEndpointSpec, RouterSpec, StorageNodeSpec,
)
from tests.integration.fake_control_plane import FakeControlPlane, topology

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
PASSWORD = "router-secret"
NAMES = ("db-1", "db-2", "db-3")
UNEXPECTED = re.compile(r"Traceback|\bERROR\b|\bCRITICAL\b")
WAIT_S = 10.0


def _tls_files(root: Path, owner: str | None) -> dict:
    """A self-signed certificate for the servers (TLS must pass through the router)."""
    crt, key = root / "server.crt", root / "server.key"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
                    "-keyout", str(key), "-out", str(crt)], check=True, capture_output=True)
    os.chmod(key, 0o600)
    if owner:
        pw = pwd.getpwnam(owner)
        for p in (root, crt, key):
            os.chown(p, pw.pw_uid, pw.pw_gid)
    return {"ssl": "on", "ssl_cert_file": f"'{crt}'", "ssl_key_file": f"'{key}'"}


@pytest.fixture(scope="module")
def backends():
    """db-1..db-3: independent PostgreSQL servers (the router does not care what they replicate)."""
    try:
        bin_dir()
    except PostgresNotInstalled as e:
        pytest.skip(str(e))
    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed for the TLS certificate")
    servers: dict[str, PostgresServer] = {}
    roots = []
    try:
        for name, port in zip(NAMES, free_ports(len(NAMES))):
            root = Path(tempfile.mkdtemp(prefix=f"sixfold-router-{name}-"))
            roots.append(root)
            pg = PostgresServer(root, port, password=PASSWORD)
            pg.extra_conf.update(_tls_files(root, pg.os_user))
            servers[name] = pg.start()
        yield servers
    finally:
        for pg in servers.values():
            pg.stop("immediate")
        for root in roots:
            shutil.rmtree(root, ignore_errors=True)


class Rig:
    """One router process with its spec and fake control plane, for one test."""

    def __init__(self, backends: dict[str, PostgresServer], tmp: Path):
        self.backends = backends
        self.port_of = {pg.port: name for name, pg in backends.items()}
        writer_port, reader_port, custom_port, cp_port, self.dead_port = free_ports(5)
        self.spec = ClusterSpec(
            "router-test", tuple(StorageNodeSpec(f"sn{i}", f"az{i % 3 + 1}", "127.0.0.1", 1 + i) for i in range(6)),
            database="postgres",
            compute_nodes=tuple(ComputeNodeSpec(n, f"az{i + 1}", "127.0.0.1", backends[n].port,
                                                "writer" if n == "db-1" else "replica", i, 0)
                                for i, n in enumerate(NAMES)),
            control_plane=ControlPlaneSpec("127.0.0.1", cp_port),
            router=RouterSpec("127.0.0.1", writer_port, reader_port,
                              {"reporting": CustomEndpointSpec(custom_port, ("db-1", "db-3"))}))
        self.spec_path = tmp / "cluster.json"
        self.spec.save(self.spec_path)
        self.uris = endpoints(self.spec, {"user": "postgres", "password": PASSWORD})
        self.cp = FakeControlPlane(cp_port)
        self.log_path = tmp / "router.log"
        self.proc: subprocess.Popen | None = None
        self.conns: list[psycopg.Connection] = []
        self.allowed: list[re.Pattern] = []

    # --- processes -----------------------------------------------------------------------
    def start_router(self) -> None:
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen([sys.executable, "-m", "router", "--cluster-spec", str(self.spec_path)],
                                         cwd=REPO, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        wait_until(lambda: self.proc.poll() is None and "reporting endpoint listening" in self.log(), WAIT_S,
                   "the router to listen")

    def stop_router(self) -> int:
        """SIGTERM: the router must stop by itself, cleanly (exit 0)."""
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(WAIT_S)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            return -9

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def bad_log_lines(self) -> list[str]:
        return [line for line in self.log().splitlines()
                if UNEXPECTED.search(line) and not any(p.search(line) for p in self.allowed)]

    # --- topology --------------------------------------------------------------------------
    def publish(self, generation: int, epoch: int, writer: str, states: dict[str, tuple[str, bool]],
                ports: dict[str, int] | None = None) -> float:
        """Publish a topology; returns when it was published (time.monotonic())."""
        ports = {n: self.backends[n].port for n in NAMES} | (ports or {})
        t = topology(generation, epoch, writer, {n: (role, ok, ports[n]) for n, (role, ok) in states.items()})
        if self.cp.server is None:
            self.cp.start(t)
        else:
            self.cp.publish(t)
        return time.monotonic()

    def wait_topology(self, generation: int) -> None:
        wait_until(lambda: f"topology: generation {generation} " in self.log(), WAIT_S,
                   f"the router to apply topology generation {generation}")

    # --- clients -----------------------------------------------------------------------------
    def connect(self, endpoint: str, **kw) -> psycopg.Connection:
        c = psycopg.connect(self.uris[endpoint], connect_timeout=5, autocommit=True, **kw)
        self.conns.append(c)
        return c

    def where(self, conn: psycopg.Connection) -> str:
        return self.port_of[int(conn.execute("select current_setting('port')").fetchone()[0])]

    def land(self, endpoint: str, n: int) -> list[tuple[str, psycopg.Connection]]:
        out = []
        for _ in range(n):
            c = self.connect(endpoint)
            out.append((self.where(c), c))
        return out

    def close(self) -> None:
        for c in self.conns:
            try:
                c.close()
            except Exception:  # noqa: BLE001 - already broken by the test
                pass


@pytest.fixture
def rig(backends, tmp_path):
    r = Rig(backends, tmp_path)
    try:
        yield r
    finally:
        r.close()
        rc = r.stop_router() if r.proc is not None else 0
        r.cp.stop()
    assert rc == 0, f"the router exited with {rc} on SIGTERM:\n{r.log()[-3000:]}"
    assert not r.bad_log_lines(), "unexpected errors in the router's log:\n" + "\n".join(r.bad_log_lines()[:20])


ALL_UP = {"db-1": ("writer", True), "db-2": ("replica", True), "db-3": ("replica", True)}


def wait_eof(conn: psycopg.Connection, timeout_s: float = WAIT_S) -> None:
    """Until the router closed this client's socket: libpq reads what arrives (an
    ErrorResponse an instance sent before closing, TLS records) and fails at the end."""
    fd = conn.pgconn.socket
    deadline = time.monotonic() + timeout_s
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("the router did not close the connection")
        readable, _, _ = select.select([fd], [], [], remaining)
        if readable:
            try:
                conn.pgconn.consume_input()
            except psycopg.OperationalError:
                return


def alive(rig: Rig, conn: psycopg.Connection, name: str) -> bool:
    return rig.where(conn) == name


def test_writer_endpoint_follows_the_writer_and_closes_old_writer_connections(rig):
    rig.publish(1, 1, "db-1", ALL_UP)
    rig.start_router()
    rig.wait_topology(1)
    writers = rig.land("writer", 3)
    assert [n for n, _ in writers] == ["db-1"] * 3
    readers = dict(rig.land("reader", 2))
    assert set(readers) == {"db-2", "db-3"}

    t0 = rig.publish(2, 2, "db-2", {"db-1": ("down", False), "db-2": ("writer", True), "db-3": ("replica", True)})
    for _, c in writers:
        wait_eof(c)
    closed_s = time.monotonic() - t0
    wait_eof(readers["db-2"])  # promoted: no longer a replica
    first = wait_until(lambda: (lambda c: c if rig.where(c) == "db-2" else None)(rig.connect("writer")), WAIT_S,
                       "a new connection through the writer endpoint to reach db-2")
    first_s = time.monotonic() - t0
    print(f"\n[router] writer change: old writer connections closed {closed_s * 1000:.1f} ms after the "
          f"topology was published; first new connection on the new writer after {first_s * 1000:.1f} ms")
    for _, c in writers:
        with pytest.raises(psycopg.OperationalError):
            c.execute("select 1")
    assert alive(rig, first, "db-2")
    assert alive(rig, readers["db-3"], "db-3")  # a replica that stays one keeps its connections
    assert [n for n, _ in rig.land("reader", 2)] == ["db-3", "db-3"]
    assert closed_s < 2.0 and first_s < 3.0

    # an instance that ends a session (here: terminated by an administrator) ends the client's too
    pid = first.info.backend_pid
    with psycopg.connect(rig.backends["db-2"].uri, autocommit=True) as admin:
        admin.execute("select pg_terminate_backend(%s)", (pid,))
    wait_eof(first)
    with pytest.raises(psycopg.OperationalError):
        first.execute("select 1")

    # SIGTERM: the router closes its clients' connections and exits 0
    last = rig.connect("writer")
    assert rig.stop_router() == 0
    wait_eof(last)


def test_reader_endpoint_spreads_over_healthy_replicas_and_falls_back_to_the_writer(rig):
    rig.publish(1, 1, "db-1", ALL_UP)
    rig.start_router()
    rig.wait_topology(1)
    first = rig.land("reader", 4)
    assert collections.Counter(n for n, _ in first) == {"db-2": 2, "db-3": 2}

    rig.publish(2, 1, "db-1", {**ALL_UP, "db-3": ("replica", False)})
    for n, c in first:
        if n == "db-3":
            wait_eof(c)
    assert all(alive(rig, c, "db-2") for n, c in first if n == "db-2")
    assert [n for n, _ in rig.land("reader", 2)] == ["db-2", "db-2"]

    rig.publish(3, 1, "db-1", {**ALL_UP, "db-2": ("replica", False), "db-3": ("replica", False)})
    for n, c in first:
        if n == "db-2":
            wait_eof(c)
    fallback = rig.land("reader", 2)
    assert [n for n, _ in fallback] == ["db-1", "db-1"]

    rig.publish(4, 1, "db-1", {**ALL_UP, "db-3": ("replica", False)})
    rig.wait_topology(4)
    assert all(alive(rig, c, "db-1") for _, c in fallback)  # kept while db-1 stays the writer
    assert [n for n, _ in rig.land("reader", 2)] == ["db-2", "db-2"]


def test_custom_endpoint_round_robins_over_its_usable_members(rig):
    rig.publish(1, 1, "db-1", ALL_UP)
    rig.start_router()
    rig.wait_topology(1)
    first = rig.land("reporting", 4)  # members db-1 (the writer: any role counts) and db-3
    assert collections.Counter(n for n, _ in first) == {"db-1": 2, "db-3": 2}

    rig.publish(2, 2, "db-3", {"db-1": ("down", False), "db-2": ("replica", True), "db-3": ("writer", True)})
    for n, c in first:
        if n == "db-1":
            wait_eof(c)
    assert all(alive(rig, c, "db-3") for n, c in first if n == "db-3")  # promoted, still a member
    assert [n for n, _ in rig.land("reporting", 2)] == ["db-3", "db-3"]

    rig.publish(3, 3, "db-2", {"db-1": ("down", False), "db-2": ("writer", True), "db-3": ("replica", False)})
    for n, c in first:
        if n == "db-3":
            wait_eof(c)
    with pytest.raises(psycopg.OperationalError, match="custom endpoint 'reporting' has no instance"):
        rig.connect("reporting")


def test_control_plane_down_the_router_keeps_its_last_topology(rig):
    rig.start_router()  # no control plane yet: the spec's topology
    wait_until(lambda: "unreachable" in rig.log(), WAIT_S, "the router to find the control plane away")
    assert rig.where(rig.connect("writer")) == "db-1"
    assert {n for n, _ in rig.land("reader", 2)} == {"db-2", "db-3"}

    rig.publish(1, 2, "db-2", {"db-1": ("down", False), "db-2": ("writer", True), "db-3": ("replica", True)})
    rig.wait_topology(1)
    on_db2 = rig.connect("writer")
    assert rig.where(on_db2) == "db-2"

    rig.cp.stop()
    wait_until(lambda: rig.log().count("unreachable") >= 2, WAIT_S, "the router to see the control plane go")
    assert rig.where(rig.connect("writer")) == "db-2"  # the last topology, not the spec's
    assert [n for n, _ in rig.land("reader", 2)] == ["db-3", "db-3"]
    assert alive(rig, on_db2, "db-2")

    t0 = rig.publish(2, 3, "db-3", {"db-1": ("down", False), "db-2": ("down", False), "db-3": ("writer", True)})
    wait_eof(on_db2)
    back_s = time.monotonic() - t0
    assert rig.where(rig.connect("writer")) == "db-3"
    print(f"\n[router] control plane back: its topology applied (old writer connections closed) "
          f"{back_s * 1000:.0f} ms after it listened again")


def _raw_refusal(port: int) -> tuple[bytes, dict[str, str]]:
    """SSLRequest then StartupMessage by hand: the router's answers ('N', then the fields
    of its ErrorResponse), and it must close the connection afterwards."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.sendall(struct.pack("!ii", 8, 80877103))
        ssl_answer = s.recv(1)
        body = struct.pack("!i", 196608) + b"user\0postgres\0database\0postgres\0\0"
        s.sendall(struct.pack("!i", len(body) + 4) + body)
        data = b""
        while chunk := s.recv(4096):
            data += chunk
    assert data[:1] == b"E", data
    (length,) = struct.unpack("!i", data[1:5])
    assert len(data) == 1 + length, "nothing may follow the error: the connection is closed"
    fields = {f[:1].decode(): f[1:].decode() for f in data[5:1 + length].split(b"\0") if f}
    return ssl_answer, fields


def test_no_instance_to_connect_to_answers_57P03(rig):
    rig.publish(1, 4, "", {"db-1": ("down", False), "db-2": ("replica", False), "db-3": ("replica", False)})
    rig.start_router()
    rig.wait_topology(1)
    for endpoint in ("writer", "reader", "reporting"):
        ssl_answer, fields = _raw_refusal(rig.spec.router.writer_port if endpoint == "writer" else
                                          rig.spec.router.reader_port if endpoint == "reader" else
                                          rig.spec.router.custom["reporting"].port)
        assert ssl_answer == b"N"
        assert fields["S"] == "FATAL" and fields["C"] == "57P03", fields
        assert "no instance to connect to" in fields["M"]
    with pytest.raises(psycopg.OperationalError, match="cluster \\(writer\\) endpoint has no instance"):
        rig.connect("writer")

    # a writer named but not listening: the router tried it and says so
    rig.publish(2, 5, "db-1", {"db-1": ("writer", True), "db-2": ("replica", False), "db-3": ("replica", False)},
                ports={"db-1": rig.dead_port})
    rig.wait_topology(2)
    _, fields = _raw_refusal(rig.spec.router.writer_port)
    assert fields["C"] == "57P03" and "cannot reach an instance" in fields["M"] and "db-1" in fields["M"], fields


def test_tls_passes_through_and_cancel_reaches_the_session(rig):
    rig.publish(1, 1, "db-1", ALL_UP)
    rig.start_router()
    rig.wait_topology(1)
    tls = rig.connect("writer", sslmode="require")
    assert tls.pgconn.ssl_in_use and rig.where(tls) == "db-1"
    assert not rig.connect("reader", sslmode="disable").pgconn.ssl_in_use

    # A cancel arrives on a new connection to the endpoint. psycopg's cancel() (libpq's
    # PQcancel) sends it in plaintext: on the reader endpoint the router cannot know which
    # replica holds the session, so it sends it to every one. cancel_safe() (libpq >= 17)
    # encrypts it like the session: the router places it like a connection, which on the
    # writer endpoint reaches the writer.
    _sleep_and_cancel(rig, rig.connect("reader", sslmode="require"), lambda c: c.cancel())
    assert "reader: forwarding a cancel request to db-1, db-2, db-3" in rig.log()
    _sleep_and_cancel(rig, rig.connect("writer", sslmode="require"), lambda c: c.cancel_safe(timeout=5))


def _sleep_and_cancel(rig: Rig, victim: psycopg.Connection, cancel) -> None:
    where = rig.where(victim)
    outcome: list[BaseException | None] = []

    def sleep() -> None:
        try:
            victim.execute("select pg_sleep(30)")
            outcome.append(None)
        except BaseException as e:  # noqa: BLE001 - the outcome is the test's
            outcome.append(e)

    t = threading.Thread(target=sleep)
    t.start()
    with psycopg.connect(rig.backends[where].uri, autocommit=True) as admin:
        wait_until(lambda: admin.execute("select count(*) from pg_stat_activity where state = 'active' "
                                         "and query like 'select pg_sleep%%'").fetchone()[0] == 1,
                   WAIT_S, "the sleep to run")
    cancel(victim)
    t.join(WAIT_S)
    assert not t.is_alive() and isinstance(outcome[0], psycopg.errors.QueryCanceled), outcome


def test_a_spec_whose_endpoints_clash_is_refused(tmp_path):
    spec = ClusterSpec("clash", tuple(StorageNodeSpec(f"sn{i}", "az1", "127.0.0.1", 1 + i) for i in range(6)),
                       compute_nodes=(ComputeNodeSpec("db-1", "az1", "127.0.0.1", 5441),),
                       router=RouterSpec("127.0.0.1", 5432, 5433, {"db-1": CustomEndpointSpec(5434, ("db-1",))}))
    spec.save(tmp_path / "cluster.json")
    out = subprocess.run([sys.executable, "-m", "router", "--cluster-spec", str(tmp_path / "cluster.json")],
                         cwd=REPO, capture_output=True, text=True, timeout=WAIT_S)
    assert out.returncode != 0 and "custom endpoint 'db-1' has the name of an endpoint or instance" in out.stderr
