"""Ruby on Rails (ActiveRecord 6.1, Debian's ruby-activerecord and ruby-pg) against
Sixfold, and the same against PostgreSQL 15: rails_app/app.rb connects as Rails does
(SET intervalstyle = iso_8601, the pg_type / pg_range type map with its
'array_in(...)'::regprocedure), migrates up (bigserial keys, a named foreign key,
decimals, intervals, jsonb, uuid, a text array), works through models, reflects the
schema (primary key, indexes, foreign keys, columns) and migrates down. Both servers
must print the same lines. `scripts/ensure_postgres.sh` installs Ruby and the gems."""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path

import pytest

from tests.integration.pg_endpoints import postgres_endpoint, run_client_app, sixfold_endpoint  # noqa: F401

pytestmark = pytest.mark.integration

APP = Path(__file__).parent / "rails_app" / "app.rb"
RUN_TIMEOUT_S = 180


def _run(endpoint, prefix: str) -> list[str]:
    env = {"DATABASE_URL": endpoint.uri, "TABLE_PREFIX": prefix}
    return run_client_app(["ruby", str(APP)], endpoint, env, RUN_TIMEOUT_S)


def test_rails_app_same_as_postgres(postgres_endpoint, sixfold_endpoint):  # noqa: F811
    assert shutil.which("ruby"), "ruby is not installed: run scripts/ensure_postgres.sh"
    prefix = f"rails_{uuid.uuid4().hex[:8]}"
    want, got = _run(postgres_endpoint, prefix), _run(sixfold_endpoint, prefix)
    assert want[0] == "migrated 20260101000000" and want[-2] == "rolled back to 0"  # the app ran to its end
    assert got == want
