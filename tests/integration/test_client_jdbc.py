"""Java's pgjdbc (Debian's libpostgresql-jdbc-java, run by a JDK's source launcher)
against Sixfold, and the same against PostgreSQL 15: jdbc_app/App.java reads the schema
through DatabaseMetaData (its catalog queries expand pg_index.indkey with
information_schema._pg_expandarray, subscript pg_constraint.conkey, compare OIDs with
quoted literals, read atttypmod for column sizes), inserts every common type past the
driver's prepareThreshold with generated keys, fetches with a cursor, uses savepoints and
reports SQLSTATEs. Both servers must print the same lines. `scripts/ensure_postgres.sh`
installs the JDK and the driver."""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path

import pytest

from tests.integration.pg_endpoints import postgres_endpoint, run_client_app, sixfold_endpoint  # noqa: F401

pytestmark = pytest.mark.integration

APP = Path(__file__).parent / "jdbc_app" / "App.java"
DRIVER = Path("/usr/share/java/postgresql.jar")
RUN_TIMEOUT_S = 120


def _run(endpoint, prefix: str) -> list[str]:
    env = {"PGHOST": endpoint.host, "PGPORT": str(endpoint.port), "PGUSER": endpoint.user,
           "PGDATABASE": endpoint.dbname, "TABLE_PREFIX": prefix}
    return run_client_app(["java", "-cp", str(DRIVER), str(APP)], endpoint, env, RUN_TIMEOUT_S)


def test_jdbc_app_same_as_postgres(postgres_endpoint, sixfold_endpoint):  # noqa: F811
    assert shutil.which("java") and DRIVER.is_file(), "java or pgjdbc is not installed: run scripts/ensure_postgres.sh"
    prefix = f"jdbc_{uuid.uuid4().hex[:8]}"
    want, got = _run(postgres_endpoint, prefix), _run(sixfold_endpoint, prefix)
    assert want[0] == "created" and want[-1] == "dropped"  # the app ran to its end
    assert got == want
