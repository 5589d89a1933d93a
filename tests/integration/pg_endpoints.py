"""The two servers client tests compare: a throwaway PostgreSQL 15 (bench/pg_server.py)
and a Sixfold cluster's writer, as module-scoped pytest fixtures giving an `Endpoint`.
Import the fixtures into a test module to use them."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from sixfold.supervisor import free_ports

PASSWORD = "s3cret-pw"


@dataclass(frozen=True)
class Endpoint:
    host: str
    port: int
    user: str
    password: str | None
    dbname: str

    def args(self) -> list[str]:
        return ["-h", self.host, "-p", str(self.port), "-U", self.user, "-d", self.dbname]

    def env(self, password: str | None = None) -> dict[str, str]:
        """A clean environment: no PG* variables but PGPASSWORD, HOME in a temp dir."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("PG") and k != "SIXFOLD_DATA_DIR"}
        pw = self.password if password is None else password
        if pw:
            env["PGPASSWORD"] = pw
        return env

    @property
    def uri(self) -> str:
        from sixfold.endpoints import uri

        return uri(self.host, self.port, self.dbname, self.user, self.password)


@pytest.fixture(scope="module")
def postgres_endpoint():
    assert shutil.which("psql"), "psql is not installed: run scripts/ensure_postgres.sh"
    from bench.pg_server import PostgresServer

    root = Path(tempfile.mkdtemp(prefix="sixfold-pg-"))  # not tmp_path: it must be reachable by `postgres`
    pg = PostgresServer(root, free_ports(1)[0], password=PASSWORD)  # PostgresNotInstalled says what to run
    pg.start()
    try:
        yield Endpoint("127.0.0.1", pg.port, pg.user, PASSWORD, "postgres")
    finally:
        pg.stop()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="module")
def sixfold_endpoint(pg_module_builder):
    c = pg_module_builder.clusters[0]
    w = c.spec.writer
    return Endpoint(w.host, w.port, "sixfold", json.loads((c.root / "credentials.json").read_text())["password"],
                    c.spec.database)


def run_client_app(command: list[str], endpoint: Endpoint, env: dict[str, str], timeout_s: float) -> list[str]:
    """Run a client program (a Rails or a PHP app) against `endpoint` with `env` added to
    its clean environment; the lines it printed. Fails the test if it exits non-zero."""
    import subprocess

    done = subprocess.run(command, env={**endpoint.env(), **env}, capture_output=True, text=True,
                          timeout=timeout_s)
    assert done.returncode == 0, f"{command[-1]} failed against {endpoint.host}:{endpoint.port}:\n" \
                                 f"{done.stdout}\n{done.stderr}"
    return done.stdout.splitlines()
