"""PHP's Doctrine DBAL 3 over PDO pgsql (Debian's php-cli, php-pgsql and
php-doctrine-dbal) against Sixfold, and the same against PostgreSQL 15:
doctrine_app/app.php makes tables with Doctrine's schema API, inserts (lastInsertId
asks lastval()), queries, rolls back, hits unique and foreign key violations, and reads
the schema back through the schema manager (its catalog queries subscript
pg_index.indkey, read pg_collation and pg_attrdef) and its comparator, which must find
nothing to change. Both servers must print the same lines. `scripts/ensure_postgres.sh`
installs PHP and Doctrine."""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path

import pytest

from tests.integration.pg_endpoints import postgres_endpoint, run_client_app, sixfold_endpoint  # noqa: F401

pytestmark = pytest.mark.integration

APP = Path(__file__).parent / "doctrine_app" / "app.php"
RUN_TIMEOUT_S = 120


def _run(endpoint, prefix: str) -> list[str]:
    env = {"PGHOST": endpoint.host, "PGPORT": str(endpoint.port), "PGUSER": endpoint.user,
           "PGDATABASE": endpoint.dbname, "TABLE_PREFIX": prefix}
    return run_client_app(["php", str(APP)], endpoint, env, RUN_TIMEOUT_S)


def test_doctrine_app_same_as_postgres(postgres_endpoint, sixfold_endpoint):  # noqa: F811
    assert shutil.which("php"), "php is not installed: run scripts/ensure_postgres.sh"
    prefix = f"dbal_{uuid.uuid4().hex[:8]}"
    want, got = _run(postgres_endpoint, prefix), _run(sixfold_endpoint, prefix)
    assert want[0] == "created" and want[-1] == "dropped"  # the app ran to its end
    assert got == want
