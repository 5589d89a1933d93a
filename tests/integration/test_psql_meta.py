"""psql's meta-commands against Sixfold and PostgreSQL 15: each runs without error on both,
and `\\d TABLE` describes the same table the same way (columns, types, defaults, indexes)."""

from __future__ import annotations

import subprocess
import uuid

import pytest

from tests.integration.pg_endpoints import Endpoint, postgres_endpoint, sixfold_endpoint  # noqa: F401

pytestmark = pytest.mark.integration

PSQL_TIMEOUT_S = 30


def psql(ep: Endpoint, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["psql", "-X", "-v", "ON_ERROR_STOP=1", "-d", ep.uri, *args], capture_output=True,
                          text=True, timeout=PSQL_TIMEOUT_S, stdin=subprocess.DEVNULL, check=False)


@pytest.mark.parametrize("meta", ["\\l", "\\du", "\\dn", "\\df", "\\dT", "\\dx", "\\dt", "\\di", "\\dv", "\\ds"])
def test_meta_command_runs(meta, postgres_endpoint, sixfold_endpoint):  # noqa: F811
    for ep in (postgres_endpoint, sixfold_endpoint):
        cp = psql(ep, "-c", meta)
        assert cp.returncode == 0 and "ERROR" not in cp.stderr, f"{ep.dbname}: {meta}: {cp.stderr}"


def test_describe_table_same_as_postgres(postgres_endpoint, sixfold_endpoint):  # noqa: F811
    t = f"m_{uuid.uuid4().hex[:8]}"
    ddl = (f"create table {t} (id serial primary key, code varchar(20) not null unique, "
           "amount numeric(10,2) default 0, born date default current_date, note text, ok boolean not null); "
           f"create index {t}_born on {t} (born)")
    outputs = []
    for ep in (postgres_endpoint, sixfold_endpoint):
        cp = psql(ep, "-c", ddl.split("; ")[0], "-c", ddl.split("; ")[1], "-c", f"\\d {t}", "-c", f"drop table {t}")
        assert cp.returncode == 0, cp.stderr
        outputs.append(cp.stdout)
    pg, sf = outputs
    assert sf == pg, f"postgres:\n{pg}\nsixfold:\n{sf}"
