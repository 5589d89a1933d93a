"""A PostgreSQL database moved to Sixfold the usual way: `pg_dump` of PostgreSQL 15, fed to
`psql` on Sixfold (ON_ERROR_STOP). The dump holds what applications have: an enum type,
serial keys and their sequences, a foreign key with ON DELETE CASCADE, CHECK and UNIQUE
constraints, a primary key added by ALTER TABLE, an expression and a GIN index, a view,
a trigger function and its trigger, a comment, COPY data with tabs, quotes and
backslashes. After the restore both servers answer the same: rows, the view, sequences
going on, the trigger, constraints in pg_constraint and SQLAlchemy's reflection of them.
"""

from __future__ import annotations

import shutil
import subprocess

import pytest

from tests.integration.pg_endpoints import Endpoint, postgres_endpoint, sixfold_endpoint  # noqa: F401
from tests.integration.pg_expr_fuzz import connect, outcome

pytestmark = pytest.mark.integration

TOOL_TIMEOUT_S = 60
SOURCE = [
    "create type status as enum ('new', 'paid', 'shipped')",
    "create table customers (id serial primary key, email varchar(120) not null unique, name text, "
    "created_at timestamptz not null default '2024-05-01 10:00+02')",
    "create table orders (id bigserial primary key, customer_id int not null references customers(id) "
    "on delete cascade, status status not null default 'new', total numeric(12,2) not null check (total >= 0), "
    "items jsonb, tags text[], placed date, updated_at timestamptz)",
    "create index orders_customer on orders (customer_id)",
    "create index orders_items on orders using gin (items)",
    "create unique index customers_lower_email on customers (lower(email))",
    "create view big_orders as select o.id, c.email, o.total from orders o join customers c on c.id = o.customer_id "
    "where o.total > 100",
    "create function touch() returns trigger language plpgsql as $$ begin new.updated_at := now(); return new; end $$",
    "create trigger orders_touch before update on orders for each row execute function touch()",
    "comment on table orders is 'customer orders'",
    "insert into customers (email, name) values ('a@x.io', 'Ann'), ('b@x.io', E'Bob \\t \"the\" builder'), "
    "('c@x.io', null)",
    "insert into orders (customer_id, status, total, items, tags, placed) values (1, 'paid', 120.50, "
    "'{\"sku\": [1, 2]}', '{a,b}', '2024-02-29'), (2, 'new', 5, null, '{}', null), (1, 'shipped', 99.99, "
    "'{\"x\": \"y\\\\z\"}', '{\"with space\"}', '2024-01-01')",
]
# After the restore, on both: (statement, compare its outcome)
CHECKS = [
    "select * from customers order by id",
    "select * from orders order by id",
    "select * from big_orders order by id",
    "select id, email from customers where lower(email) = 'b@x.io'",
    "insert into customers (email) values ('d@x.io') returning id",
    "insert into orders (customer_id, total) values (4, 1) returning id, status",
    "insert into orders (customer_id, total) values (4, -1)",
    "insert into customers (email) values ('A@X.IO')",
    "update orders set total = 6 where id = 2",
    "select id, updated_at is not null as touched from orders order by id",
    "delete from customers where id = 1",
    "select count(*) from orders",
    "select conname, contype from pg_constraint where conrelid in ('orders'::regclass, 'customers'::regclass) "
    "order by 1",
    "select c.relname, i.indisprimary, i.indisunique from pg_index i join pg_class c on c.oid = i.indexrelid "
    "where i.indrelid in ('orders'::regclass, 'customers'::regclass) order by 1",
    "select obj_description('orders'::regclass)",
    "select tgname from pg_trigger where tgrelid = 'orders'::regclass and not tgisinternal",
    "select typname from pg_type where typname = 'status'",
]


def _dump(ep: Endpoint) -> str:
    assert shutil.which("pg_dump"), "pg_dump is not installed: run scripts/ensure_postgres.sh"
    cp = subprocess.run(["pg_dump", "--no-owner", "--no-privileges", "-d", ep.uri], capture_output=True, text=True,
                        timeout=TOOL_TIMEOUT_S, check=False, env=ep.env())
    assert cp.returncode == 0, cp.stderr
    return cp.stdout


def test_pg_dump_restores_into_sixfold(postgres_endpoint, sixfold_endpoint, tmp_path):  # noqa: F811
    with connect(postgres_endpoint.uri) as pg:
        for sql in SOURCE:
            pg.execute(sql)
    dump = tmp_path / "dump.sql"
    dump.write_text(_dump(postgres_endpoint))
    cp = subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", sixfold_endpoint.uri, "-f", str(dump)],
                        capture_output=True, text=True, timeout=TOOL_TIMEOUT_S, check=False,
                        env=sixfold_endpoint.env(), stdin=subprocess.DEVNULL)
    assert cp.returncode == 0, cp.stderr
    diffs = []
    with connect(postgres_endpoint.uri) as pg, connect(sixfold_endpoint.uri) as sf:
        for sql in CHECKS:
            want, got = outcome(pg, sql), outcome(sf, sql)
            if want != got:
                diffs.append(f"{sql}\n  postgres: {want}\n  sixfold:  {got}")
    assert not diffs, f"{len(diffs)} differences after the restore\n" + "\n".join(diffs)


def test_reflection_after_restore_sees_the_keys(postgres_endpoint, sixfold_endpoint):  # noqa: F811
    """SQLAlchemy's inspector on the restored database: primary keys (added by ALTER TABLE
    in the dump), unique constraints, foreign keys, checks, as on PostgreSQL."""
    sa = pytest.importorskip("sqlalchemy")

    def reflected(ep: Endpoint):
        engine = sa.create_engine(ep.uri.replace("postgresql://", "postgresql+psycopg://"))
        try:
            insp = sa.inspect(engine)
            return {t: (insp.get_pk_constraint(t)["constrained_columns"],
                        sorted(u["name"] for u in insp.get_unique_constraints(t)),
                        sorted((f["constrained_columns"][0], f["referred_table"]) for f in insp.get_foreign_keys(t)),
                        sorted(c["name"] for c in insp.get_check_constraints(t)))
                    for t in ("customers", "orders")}
        finally:
            engine.dispose()
    assert reflected(sixfold_endpoint) == reflected(postgres_endpoint)
