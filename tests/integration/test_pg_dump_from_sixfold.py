"""Moving off Sixfold, and a logical backup of it: `pg_dump` (PostgreSQL 15's) of a Sixfold
database that an application built (the same objects test_pg_dump_restore moves the
other way: an enum, serial and identity keys, a domain, foreign keys with actions and
DEFERRABLE, CHECKs, expression, partial and GIN indexes, a view and a materialized view
over tables they depend on, a trigger function, a comment, numerics with their scales).

The dump must run on PostgreSQL (psql, ON_ERROR_STOP) and on an emptied Sixfold, and
either must then answer as a PostgreSQL database built by the same statements does.
"""

from __future__ import annotations

import dataclasses
import shutil
import subprocess

import pytest

from tests.integration.pg_endpoints import Endpoint, postgres_endpoint, sixfold_endpoint  # noqa: F401
from tests.integration.pg_expr_fuzz import connect, outcome
from tests.integration.test_pg_dump_restore import CHECKS, SOURCE

pytestmark = pytest.mark.integration

TOOL_TIMEOUT_S = 60
# More of what an application makes, beyond what a PostgreSQL dump restores into Sixfold:
# a SQL function with a default argument, a sequence of its own, quoted mixed-case names,
# bytea, an array and a generated column, a column comment, a view on a view, a foreign
# key and a CHECK added by ALTER TABLE, a descending index, a table without a key, and a
# default written as a typed constant (as a dump writes one)
EXTRA = [
    "create function add_tax(p numeric, rate numeric default 0.2) returns numeric language sql immutable as "
    "$$ select p * (1 + rate) $$",
    "create sequence standalone_seq start 100 increment 5",
    "select nextval('standalone_seq')",
    'create table "MixedCase" ("Id" int primary key, "Some Col" text, flag boolean default true, data bytea, '
    'nums int[], g int generated always as ("Id" * 2) stored, at timestamptz default '
    "'2024-05-01 10:00+02'::timestamptz)",
    """insert into "MixedCase" values (1, 'a b', false, '\xdeadbeef', '{1,2,3}'), (2, null, true, null, null)""",
    """comment on column "MixedCase"."Some Col" is 'a column comment'""",
    "create table parent (id int primary key, code text unique)",
    "create table child (id int primary key, parent_id int, note text)",
    "alter table child add constraint child_parent_fk foreign key (parent_id) references parent(id) "
    "on delete set null",
    "alter table child add constraint child_note_check check (note <> '')",
    "insert into parent values (1, 'p1'), (2, 'p2')",
    "insert into child values (10, 1, 'x'), (11, null, null)",
    "create index child_desc on child (id desc, note)",
    "create view v1 as select id, code from parent where id > 0",
    "create view v2 as select v1.code, c.note from v1 join child c on c.parent_id = v1.id",
    "create table nokey (a int, b text)",
    "insert into nokey values (1, 'dup'), (1, 'dup')",
]
EXTRA_CHECKS = [
    'select * from "MixedCase" order by 1',
    'insert into "MixedCase" ("Id") values (3) returning g, flag, at',
    "select * from v2 order by 1",
    "select nextval('standalone_seq')",
    "select add_tax(10), add_tax(10, 0.5)",
    "select * from nokey",
    "insert into child values (12, 1, '')",
    "insert into child values (13, 9, 'y')",
    "delete from parent where id = 1",
    "select * from child order by id",
    "select col_description('\"MixedCase\"'::regclass, 2)",
]


def _run(ep: Endpoint, sqls: list[str]) -> None:
    with connect(ep.uri) as c:
        for sql in sqls:
            c.execute(sql)


def _restore(dump: str, ep: Endpoint, tmp_path) -> None:
    path = tmp_path / f"dump-{ep.port}-{ep.dbname}.sql"
    path.write_text(dump)
    cp = subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", ep.uri, "-f", str(path)],
                        capture_output=True, text=True, timeout=TOOL_TIMEOUT_S, check=False, env=ep.env(),
                        stdin=subprocess.DEVNULL)
    assert cp.returncode == 0, f"the dump did not restore into {ep.dbname}:\n{cp.stderr}"


def _differences(want: Endpoint, got: Endpoint, reading_only: bool = False) -> list[str]:
    diffs = []
    with connect(want.uri) as a, connect(got.uri) as b:
        for sql in CHECKS + EXTRA_CHECKS:
            if reading_only and (not sql.startswith("select") or "nextval" in sql):
                continue
            x, y = outcome(a, sql), outcome(b, sql)
            if x != y:
                diffs.append(f"{sql}\n  postgres: {x}\n  restored: {y}")
    return diffs


def test_pg_dump_of_sixfold_restores_into_postgres_and_sixfold(postgres_endpoint, sixfold_endpoint,  # noqa: F811
                                                               tmp_path):
    assert shutil.which("pg_dump"), "pg_dump is not installed: run scripts/ensure_postgres.sh"
    _run(postgres_endpoint, ["create database moved", "create database twin", "create database moved_fc",
                             "create database moved_inserts"])
    moved = dataclasses.replace(postgres_endpoint, dbname="moved")
    moved_fc = dataclasses.replace(postgres_endpoint, dbname="moved_fc")
    moved_inserts = dataclasses.replace(postgres_endpoint, dbname="moved_inserts")
    twin = dataclasses.replace(postgres_endpoint, dbname="twin")
    for ep in (postgres_endpoint, twin, sixfold_endpoint):
        _run(ep, SOURCE + EXTRA)
    cp = subprocess.run(["pg_dump", "--no-owner", "-d", sixfold_endpoint.uri], capture_output=True, text=True,
                        timeout=TOOL_TIMEOUT_S, check=False, env=sixfold_endpoint.env())
    assert cp.returncode == 0, cp.stderr
    dump = cp.stdout
    # what it holds, in an order PostgreSQL can run: tables before the views on them, a
    # sequence before the default that calls it, the domain before its column
    assert dump.index("CREATE DOMAIN public.positive_qty") < dump.index("CREATE TABLE public.stock")
    assert dump.index("CREATE TABLE public.orders") < dump.index("CREATE VIEW public.big_orders")
    assert dump.index("CREATE TABLE public.events") < dump.index("CREATE MATERIALIZED VIEW public.event_counts")
    assert dump.index("CREATE SEQUENCE public.customers_id_seq") < dump.index(
        "ALTER TABLE ONLY public.customers ALTER COLUMN id SET DEFAULT nextval(")
    assert "DEFERRABLE INITIALLY DEFERRED" in dump
    assert "email character varying(120) NOT NULL" in dump
    _restore(dump, moved, tmp_path)
    # the custom format (pg_dump reads the database's own entry for it), through pg_restore
    archive = tmp_path / "dump.custom"
    for command, ep in ((["pg_dump", "-Fc", "--no-owner", "-f", str(archive), "-d", sixfold_endpoint.uri],
                         sixfold_endpoint), (["pg_restore", "--no-owner", "-d", moved_fc.uri, str(archive)], moved_fc)):
        cp = subprocess.run(command, capture_output=True, text=True, timeout=TOOL_TIMEOUT_S, check=False, env=ep.env())
        assert cp.returncode == 0, f"{command[0]}: {cp.stderr}"
    diffs = _differences(moved, moved_fc, reading_only=True)
    assert not diffs, f"{len(diffs)} differences between the plain and the custom format's restores\n" + \
        "\n".join(diffs)
    # rows as INSERT statements (pg_dump reads them through a cursor: FROM ONLY ...)
    cp = subprocess.run(["pg_dump", "--no-owner", "--column-inserts", "-d", sixfold_endpoint.uri], capture_output=True,
                        text=True, timeout=TOOL_TIMEOUT_S, check=False, env=sixfold_endpoint.env())
    assert cp.returncode == 0, cp.stderr
    _restore(cp.stdout, moved_inserts, tmp_path)
    diffs = _differences(moved, moved_inserts, reading_only=True)
    assert not diffs, f"{len(diffs)} differences between the COPY and the INSERT dumps' restores\n" + "\n".join(diffs)
    diffs = _differences(postgres_endpoint, moved)
    assert not diffs, f"{len(diffs)} differences after the restore into PostgreSQL\n" + "\n".join(diffs)
    # a logical backup restored into the emptied Sixfold database
    _run(sixfold_endpoint, ["drop schema public cascade", "create schema public"])
    _restore(dump, sixfold_endpoint, tmp_path)
    diffs = _differences(twin, sixfold_endpoint)
    assert not diffs, f"{len(diffs)} differences after the restore into Sixfold\n" + "\n".join(diffs)


def test_pg_dumpall_globals(sixfold_endpoint):  # noqa: F811
    """pg_dumpall --globals-only (roles, tablespaces, settings): the one role, no password
    hash (Sixfold shows none)."""
    ep = sixfold_endpoint
    cp = subprocess.run(["pg_dumpall", "--globals-only", "-h", ep.host, "-p", str(ep.port), "-U", ep.user,
                         "-l", ep.dbname], capture_output=True, text=True, timeout=TOOL_TIMEOUT_S, check=False,
                        env=ep.env(), stdin=subprocess.DEVNULL)
    assert cp.returncode == 0, cp.stderr
    assert f"CREATE ROLE {ep.user};" in cp.stdout and "PASSWORD" not in cp.stdout
