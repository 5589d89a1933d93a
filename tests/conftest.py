"""The one cluster fixture: real storage node processes with per-test ports and data
directories, killed on exit, their logs scanned for unexpected errors."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from sixfold.supervisor import PORT_SLICE_ENV, Supervisor

# Parallel workers (pytest-xdist, `-n 2` in the README's test command) pick listening
# ports from disjoint slices, so two clusters starting at once never race for a port.
# Files run whole on one worker (`--dist loadfile`): the chaos tests' AZ namespaces share
# one subnet and must not overlap, and a module's shared cluster is built once.
if os.environ.get("PYTEST_XDIST_WORKER", "").startswith("gw"):
    os.environ[PORT_SLICE_ENV] = (f"{int(os.environ['PYTEST_XDIST_WORKER'][2:])}/"
                                  f"{int(os.environ.get('PYTEST_XDIST_WORKER_COUNT', '1'))}")

# Log lines that mean a bug, not an expected fault: tracebacks, ERROR and CRITICAL.
UNEXPECTED = re.compile(r"Traceback|\bERROR\b|\bCRITICAL\b")


class ClusterBuilder:
    def __init__(self, tmp_path: Path):
        self.tmp_path = tmp_path
        self.clusters: list[Supervisor] = []
        self.globals: list = []  # GlobalDatabase
        self.allowed_log_patterns: list[re.Pattern] = []

    def build(self, start: bool = True, **spec_kw) -> Supervisor:
        c = Supervisor.create(self.tmp_path / f"cluster{len(self.clusters)}", **spec_kw)
        self.clusters.append(c)
        if start:
            c.start_all()
        return c

    def build_global(self, regions: int = 2, start: bool = True, **kw):
        """A global database (`replication.regions.GlobalDatabase`): every region's
        processes are killed on exit and their logs scanned like any cluster's."""
        from replication.regions import GlobalDatabase

        g = GlobalDatabase.create(self.tmp_path / f"global{len(self.clusters) + len(self.globals)}", regions, **kw)
        self.globals.append(g)  # switchover and failover replace its regions' supervisors: follow g, not them
        if start:
            g.start_all()
        return g

    def allow_log(self, pattern: str) -> None:
        """Declare a log line this test provokes on purpose."""
        self.allowed_log_patterns.append(re.compile(pattern))

    def scan_logs(self) -> list[str]:
        bad = []
        for c in self._all_clusters():
            for n in c.nodes.values():
                if not n.log_path.exists():
                    continue
                for line in n.log_path.read_text(errors="replace").splitlines():
                    if UNEXPECTED.search(line) and not any(p.search(line) for p in self.allowed_log_patterns):
                        bad.append(f"{n.name}: {line}")
        return bad

    def _all_clusters(self) -> list[Supervisor]:
        return self.clusters + [sup for g in self.globals for sup in g.regions.values()]

    def teardown(self) -> None:
        for c in self._all_clusters():
            c.stop_all(kill=True)


def fail_on_log_errors(bad: list[str]) -> None:
    if bad:
        pytest.fail("unexpected errors in process logs:\n" + "\n".join(bad[:20]))


@pytest.fixture
def cluster_builder(tmp_path):
    b = ClusterBuilder(tmp_path)
    try:
        yield b
    finally:
        b.teardown()
    fail_on_log_errors(b.scan_logs())


def pytest_report_header(config):
    return f"sixfold tests; seed via SIXFOLD_SEED (default random), pid {os.getpid()}"


@pytest.fixture
def pg_cluster(cluster_builder):
    """A running cluster with the writer compute node, SCRAM login as user `sixfold` with
    a generated password: `pg_cluster.uri()` is its postgresql:// URI."""
    import secrets

    return cluster_builder.build(writer=True, password=secrets.token_urlsafe(12))


@pytest.fixture(scope="module")
def pg_module_builder(tmp_path_factory, request):
    """One cluster with the writer (SCRAM, generated password) for a whole test module,
    for suites of many short client tests; its logs are scanned once at the end.
    `pg_module_cluster` gives each test the cluster and fails the test that added an
    error to the logs."""
    import secrets

    b = ClusterBuilder(tmp_path_factory.mktemp(request.module.__name__.rsplit(".", 1)[-1]))
    try:
        b.build(writer=True, password=secrets.token_urlsafe(12))
        yield b
    finally:
        b.teardown()
    fail_on_log_errors(b.scan_logs())


@pytest.fixture
def pg_module_cluster(pg_module_builder):
    before = len(pg_module_builder.scan_logs())
    yield pg_module_builder.clusters[0]
    fail_on_log_errors(pg_module_builder.scan_logs()[before:])
