"""The same SQL on PostgreSQL 15 and on Sixfold: every result (column names and values as
text) and every SQLSTATE must be the same.

Each case is a list of statements run in order on a fresh connection to each server
(autocommit, session time zone UTC); `{t}` stands for a table name of the case's own; a
(statement, parameters) pair is sent with psycopg's parameters (server-side binding).
A statement's outcome is its column names and rows, each value in PostgreSQL's text
format, or its SQLSTATE. The cases cover the types Sixfold stores for PostgreSQL (date,
time, timestamp, timestamptz, interval, numeric, bytea, uuid, boolean, integers, json),
their arithmetic, functions, boundaries, bad input, NULLs and foreign keys. A bug found
is a case added here.

KNOWN_DIFFERENCES lists statements where Sixfold refuses what PostgreSQL accepts; for
those Sixfold must fail (never answer differently), and the reason is documented in
docs/2026-12-03-pg-compatibility.md.
"""

from __future__ import annotations

import uuid

import psycopg
import pytest
from psycopg.adapt import Loader

from tests.integration.pg_endpoints import Endpoint, postgres_endpoint, sixfold_endpoint  # noqa: F401

pytestmark = pytest.mark.integration

CASES: dict[str, list[str | tuple[str, tuple]]] = {
    "date arithmetic": [
        "select '2024-01-31'::date + 1 as a, date '2024-02-28' + 1 as leap, date '2023-02-28' + 1 as plain",
        "select '2024-03-01'::date - '2024-02-01'::date as days, '2024-03-01'::date - 1 as before",
        "select 7 + date '2024-12-30' as wrap, date '2024-01-31' + interval '1 month' as month_end",
        "select date '2024-01-01' - interval '1 day' as ts, date '2024-01-01' + time '10:30' as at",
        "select (current_date - 7) - current_date as back, (current_date + 1) - current_date as fwd",
        "select current_date - current_date as zero, now() - now() as no_time",
        "select (now() + '2 hours'::interval) - now() as two_hours",
    ],
    "date input": [
        "select '2024-02-29'::date as leap_day",
        "select '2023-02-29'::date",
        "select '2024-13-01'::date",
        "select 'garbage'::date",
        "select '2024-1-5'::date as short_form",
        "select '2024-01-05 10:11:12'::date as from_timestamp_text",
    ],
    "timestamp arithmetic": [
        "select timestamp '2024-01-01 10:00:00' + interval '1 day 2 hours' as later",
        "select timestamp '2024-01-02 03:00' - timestamp '2024-01-01' as diff",
        "select timestamp '2024-01-01' - timestamp '2024-01-02 03:00' as negative",
        "select timestamp '2024-01-31 12:00' + interval '1 month' as clamp",
        "select timestamp '2024-03-31 00:00' - interval '1 month' as back",
        "select timestamp '2024-01-01 00:00:00.5' + interval '0.25 seconds' as fraction",
        "select timestamptz '2024-01-01 10:00+02' as normalised",
        "select timestamptz '2024-06-01 23:30:00-05:30' as offset_minutes",
        "select timestamptz '2024-01-01 10:00:00Z' + interval '1 hour' as z",
        "select timestamptz '2024-01-01 00:00+00' - timestamptz '2023-12-31 12:00+00' as tz_diff",
        "select 'garbage'::timestamptz",
        "select '2024-01-01 25:00'::timestamp",
        "select '2024-01-01T10:20:30'::timestamp as iso_t",
        "select '2024-01-01 10:00:00.123456789'::timestamp as rounded",
    ],
    "interval": [
        "select interval '1 day' + interval '25 hours' as sum",
        "select interval '-1 day 2 hours' as mixed, interval '1 day -2 hours' as mixed2",
        "select interval '1 year 2 months 3 days' as ymd, interval '14 months' as months",
        "select interval '90 minutes' as m, interval '1.5 days' as frac, interval '1 week' as w",
        "select interval 'P1Y2M3DT4H5M6S' as iso, interval '1 day ago' as ago",
        "select interval '2 hours' * 3 as times, interval '1 day' / 2 as half",
        "select interval '1' day as unit_day, interval '3' hour as unit_hour",
        "select interval '00:00:00' as zero, interval '-00:00:01' as neg_second",
        "select interval 'forever'",
        "select time '10:00' + interval '3 hours' as t, time '23:00' + interval '2 hours' as wraps",
        "select time '10:00' - time '08:30' as tdiff",
    ],
    "extract date_trunc age to_char": [
        "select extract(year from date '2024-02-29') as y, extract(month from date '2024-02-29') as m, "
        "extract(day from date '2024-02-29') as d",
        "select extract(dow from date '2024-02-29') as dow, extract(doy from date '2024-12-31') as doy, "
        "extract(week from date '2024-01-01') as week, extract(quarter from date '2024-08-01') as q",
        "select extract(hour from timestamp '2024-01-01 13:14:15') as h, "
        "extract(minute from timestamp '2024-01-01 13:14:15') as mi",
        "select extract(second from timestamp '2024-01-01 13:14:15.5') as s",
        "select extract(epoch from timestamptz '2024-01-01 00:00:00+00') as epoch",
        "select extract(epoch from interval '1 day 2 hours') as iv_epoch, extract(hour from interval '26 hours') as h",
        "select date_part('year', timestamp '2024-05-06 07:08:09') as y",
        "select date_trunc('month', timestamp '2024-02-15 10:11:12') as m, "
        "date_trunc('day', timestamp '2024-02-15 10:11:12') as d",
        "select date_trunc('hour', timestamptz '2024-02-15 10:11:12+00') as h, "
        "date_trunc('week', timestamp '2024-02-15 10:11:12') as w, date_trunc('year', timestamp '2024-02-15') as y",
        "select date_trunc('quarter', timestamp '2024-05-15') as q, date_trunc('minute', timestamp '2024-05-15 10:11:12.5') as mi",
        "select date_trunc('fortnight', timestamp '2024-05-15')",
        "select age(timestamp '2024-03-01', timestamp '2023-01-15') as a, age(timestamp '2024-01-15', timestamp '2024-03-01') as b",
        "select age(timestamp '2024-03-01 10:00', timestamp '2024-02-29 12:00') as c",
        "select to_char(timestamp '2024-02-05 13:04:05', 'YYYY-MM-DD HH24:MI:SS') as iso",
        "select to_char(timestamp '2024-02-05 13:04:05', 'Dy, DD Mon YYYY') as short, "
        "to_char(timestamp '2024-02-05 13:04:05', 'FMMonth FMDD') as fm",
        "select to_char(timestamp '2024-02-05 13:04:05', 'HH12:MI AM') as ampm, to_char(date '2024-02-05', 'DDD Q') as dq",
        "select to_char(now(), 'YYYY') = extract(year from now())::text as this_year",
        "select to_timestamp(0) as epoch, to_timestamp(1704067200.5) as half",
        "select make_date(2024, 2, 29) as md",
        "select make_date(2023, 2, 29)",
    ],
    "date and time columns": [
        "create table {t} (id int primary key, d date, ts timestamp, tz timestamptz, iv interval, tm time)",
        "insert into {t} values (1, '2024-01-01', '2024-01-01 00:00:00', '2024-01-01 10:00+02', '1 day', '10:00'), "
        "(2, '2024-02-29', '2024-01-01 12:30', '2024-06-01 00:00:00+00', '2 hours 30 minutes', '23:59:59.5'), "
        "(3, NULL, NULL, NULL, NULL, NULL)",
        "select * from {t} order by id",
        "select id, d + 1 as next, ts + iv as later, tz - interval '1 hour' as earlier, d - date '2024-01-01' as days "
        "from {t} order by id",
        "select id from {t} where ts > '2024-01-01' order by id",
        "select id from {t} where ts = '2024-01-01' order by id",
        "select id from {t} where d = '2024-02-29' order by id",
        "select id from {t} where ts between '2024-01-01' and '2024-01-01 12:00' order by id",
        "select id from {t} where tz > '2024-01-01 09:00+01' order by id",
        "select id from {t} where d < current_date - 30 order by id",
        "select count(*) from {t} where d is null",
        "insert into {t} (id, d) values (4, 'garbage')",
        "insert into {t} (id, d) values (5, '2024-02-30')",
        "insert into {t} (id, tz) values (6, 'garbage')",
        "update {t} set d = d + 7 where id = 1",
        "update {t} set ts = ts + interval '1 month', iv = iv * 2 where id = 2",
        "select id, d, ts, iv from {t} order by id",
        "select min(d) as first, max(ts) as last from {t}",
    ],
    "numeric": [
        "select 0.1 + 0.2 = 0.3 as exact, 0.1 + 0.2 as sum, 1.1 * 3 as product, 10 - 0.01 as diff",
        "create table {t} (id int primary key, x numeric(12,2), y numeric(5,0))",
        "insert into {t} values (1, 10.10, 1), (2, 0.1, 2), (3, 1.005, 3), (4, -2.5, 4), (5, NULL, NULL)",
        "select id, x, y from {t} order by id",
        "insert into {t} values (6, 12345678901.123, 0)",
        "insert into {t} values (7, 1.23, 123456)",
        "insert into {t} values (8, 99999999.995, 0)",
        "insert into {t} values (9, 'abc', 0)",
        "select id from {t} where x = 10.1 order by id",
        "select x * 2 as doubled from {t} where id = 1",
        "select 1.50 + 1 as scale_kept",
    ],
    "integers": [
        "create table {t} (a smallint, b int, c bigint)",
        "insert into {t} values (32767, 2147483647, 9223372036854775807)",
        "insert into {t} values (32768, 0, 0)",
        "insert into {t} (b) values (2147483648)",
        "insert into {t} (b) values (-2147483649)",
        "insert into {t} (b) values ('12x')",
        "select a, b, c from {t}",
        "select 9223372036854775807 + 1",
        "select 7 / 2 as q, -7 / 2 as nq, 7 % 3 as r, 7 / 0",
    ],
    "boolean": [
        "create table {t} (id int, f boolean)",
        "insert into {t} values (1, 'yes'), (2, 'no'), (3, 'on'), (4, 'off'), (5, 't'), (6, 'FALSE'), (7, ' true '), (8, NULL)",
        "insert into {t} values (9, 'maybe')",
        "select id, f from {t} order by id",
        "select id from {t} where f order by id",
        "select id from {t} where f = true order by id",
        "select 'yes'::boolean as y, 'of'::boolean",
    ],
    "bytea and uuid": [
        "create table {t} (id int, b bytea, u uuid)",
        "insert into {t} (id, b) values (1, '\\xdeadbeef'), (2, 'abc'), (3, '\\x')",
        "select id, b, length(b) as n from {t} order by id",
        "insert into {t} (id, b) values (4, '\\xzz')",
        "insert into {t} (id, u) values (5, 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11'), "
        "(6, '{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a12}'), (7, 'a0eebc999c0b4ef8bb6d6bb9bd380a13')",
        "select id, u from {t} where u is not null order by id",
        "insert into {t} (id, u) values (8, 'not-a-uuid')",
        "select id from {t} where u = 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'",
    ],
    "json": [
        "create table {t} (id int, j json, jb jsonb)",
        "insert into {t} values (1, '{\"b\": 1, \"a\": [1, 2]}', '{\"bb\": 1, \"a\": [1,2], \"a\": 3}')",
        "select id, j, jb from {t}",
        "insert into {t} (id, jb) values (2, '{bad json}')",
    ],
    "foreign keys": [
        "create table {t}_p (id int primary key, name text)",
        "create table {t}_c (id int primary key, pid int references {t}_p(id) on delete cascade)",
        "create table {t}_r (id int primary key, pid int references {t}_p(id))",
        "insert into {t}_p values (1, 'one'), (2, 'two')",
        "insert into {t}_c values (10, 1), (11, 1), (12, 2), (13, NULL)",
        "insert into {t}_c values (14, 99)",
        "insert into {t}_r values (20, 2)",
        "delete from {t}_p where id = 1",
        "select id, pid from {t}_c order by id",
        "delete from {t}_p where id = 2",
        "update {t}_r set pid = 5 where id = 20",
        "select count(*) from {t}_p",
    ],
    "constraints added by alter table": [
        "create table {t}_p (id int primary key)",
        "create table {t}_c (id int primary key, pid int, qty int)",
        "insert into {t}_p values (1), (2)",
        "insert into {t}_c values (1, 1, 5), (2, 3, 5)",
        "alter table {t}_c add constraint {t}_c_pid_fkey foreign key (pid) references {t}_p (id)",
        "delete from {t}_c where id = 2",
        "alter table {t}_c add constraint {t}_c_pid_fkey foreign key (pid) references {t}_p (id) on delete cascade",
        "insert into {t}_c values (3, 9, 1)",
        "insert into {t}_c values (3, 2, 1)",
        "update {t}_c set pid = 7 where id = 3",
        "delete from {t}_p where id = 1",
        "select id, pid from {t}_c order by id",
        "alter table {t}_c add constraint {t}_qty_positive check (qty > 0)",
        "insert into {t}_c values (4, 2, -1)",
        "update {t}_c set qty = 0 where id = 3",
        "alter table {t}_c drop constraint {t}_qty_positive",
        "update {t}_c set qty = 0 where id = 3",
        "alter table {t}_c add constraint {t}_qty_big check (qty > 10)",
        "select id, qty from {t}_c order by id",
    ],
    "aggregates and typed comparisons": [
        "create table {t} (id int, x numeric(12,2), f float8, d date, ts timestamp, u uuid, ok boolean)",
        "insert into {t} values (1, 0.10, 0.1, '2024-01-01', '2024-01-01 00:00', "
        "'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 'yes'), (2, 0.20, 0.2, '2024-01-02', '2024-01-02 12:00', "
        "'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A12', 'no'), (3, 8.41, 3.5, '2024-02-29', '2024-02-29 23:59:59', NULL, NULL)",
        "select sum(x) as sx, sum(f) as sf, min(x) as lo, max(x) as hi from {t}",
        "select sum(x) as s from {t} where id < 3",
        "select id from {t} where sum_x_is_not_a_column = 1",
        "select id from {t} where d in ('2024-01-01', '2024-02-29') order by id",
        "select id from {t} where ts >= '2024-01-02' order by id",
        "select id from {t} where ts < '2024-01-02 12:00:00.000' order by id",
        "select id from {t} where u = 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A12'",
        "select id from {t} where ok = 'yes' order by id",
        "select id from {t} where d = 'not a date'",
        "select id, x * 2 as doubled, x + 1 as plus, d + 30 as later from {t} order by id",
        "select id, ts - d as since from {t} order by id",
        ("select id from {t} where d = %s order by id", ("2024-01-02",)),
        ("select id from {t} where ts > %s order by id", ("2024-01-01",)),
        ("select id from {t} where u = %s", ("A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11",)),
    ],
    "everyday sql": [
        "create table {t} (id int primary key, name text, qty int default 7, tag text default 'x')",
        "insert into {t} values (1, 'a')",
        "insert into {t} values (2, 'b', 3)",
        "select * from {t} order by id",
        "insert into {t} (id, name) values (3, 'c') returning {t}.*",
        "update {t} set qty = qty + 1 where id = 3 returning id, qty",
        "create table {t}_x (id int, flag boolean)",
        "insert into {t}_x values (1, true), (2, false)",
        "delete from {t} using {t}_x where {t}.id = {t}_x.id and {t}_x.flag",
        "select id from {t} order by id",
        "update {t} set name = x.flag::text from {t}_x x where x.id = {t}.id",
        "select id, name from {t} order by id",
        "select id, row_number() over (order by id desc) from {t} order by id",
        "select string_agg(name, ',' order by name) from {t}",
        "select current_timestamp = now()",
        "select regexp_replace('a1b22c', '[0-9]+', '#', 'g') as r, regexp_replace('a1b22c', '[0-9]+', '#') as r1",
        "select encode('hello'::bytea, 'hex') as h, encode('hello'::bytea, 'base64') as b, decode('68656c6c6f', 'hex') as d",
        "select pg_typeof(1) as a, pg_typeof(1.5) as b, pg_typeof('x'::text) as c, pg_typeof(now()) as d",
        "select length(gen_random_uuid()::text) as n",
        "select x from generate_series(1, 3) as x",
        "select generate_series(1, 3) as g",
        "select * from generate_series(timestamp '2024-01-01', timestamp '2024-01-02', interval '12 hours') as g",
        "select 2 = any(array[1, 2, 3]) as yes, 5 = any(array[1, 2]) as no",
        "select '{\"a\": {\"b\": [1, 2]}}'::jsonb #>> '{a,b,1}' as path",
        "select '{\"a\": 1, \"b\": 2}'::jsonb @> '{\"a\": 1}'::jsonb as contains",
        "select '{\"a\": {\"b\": 5}}'::jsonb -> 'a' ->> 'b' as arrow",
        "select jsonb_build_object('k', 1, 'v', 'x') as o",
        "select t.id, l.n from {t} t, lateral (select t.id * 2 as n) l order by t.id",
        "select 1 from {t} where id = 1 and name = 'x' or qty > 2 limit 0",
        "alter table {t} rename column tag to label",
        "alter table {t} drop column label",
        "alter table {t} alter column qty set default 9",
        "insert into {t} (id, name) values (10, 'z')",
        "select id, qty from {t} where id = 10",
        "alter table {t} alter column name set not null",
        "alter table {t} alter column qty type bigint",
        "select * from {t} order by id",
    ],
    "alter column": [
        "create table {t} (id int primary key, n int, price numeric(8,3), label varchar(10), d text, note text)",
        "insert into {t} values (1, 5, 1.2345, 'a', '2024-01-01', null), (2, null, 2, 'b', 'x', 'y')",
        "alter table {t} alter column n type text",
        "alter table {t} alter column price type numeric(8,1)",
        "alter table {t} alter column label type text",
        "alter table {t} alter column d type date",
        "alter table {t} alter column n set not null",
        "alter table {t} alter column note drop not null",
        "alter table {t} alter column id drop not null",
        "alter table {t} alter column price set default 1.5",
        "insert into {t} (id, n) values (3, 'z')",
        "alter table {t} alter column price drop default",
        "insert into {t} (id, n) values (4, 'w')",
        "select id, n, price, label, d, note, (price > 1)::text as big from {t} order by id",
        "alter table {t} alter column missing type int",
        "alter table {t} rename column d to day",
        "alter table {t} rename to {t}_r",
        "insert into {t}_r (id, n, day) values (5, 'q', '2024-3-1')",
        "select id, day from {t}_r where id = 5",
        "alter table {t}_r drop column day",
        "select * from {t}_r order by id",
        "drop table {t}_r",
    ],
    "text lengths": [
        "create table {t} (id int, v varchar(3), c char(2), t text)",
        "insert into {t} values (1, 'abc', 'xy', 'long text is fine')",
        "insert into {t} values (2, 'abcd', 'x', '')",
        "insert into {t} values (3, 'ab', 'xyz', '')",
        "update {t} set v = 'toolong' where id = 1",
        "select id, v, length(v) as n from {t} order by id",
        "select 'abcdef'::varchar(3) as cut",
    ],
    "nulls and text": [
        "select null::date + 1 as nd, null::interval as ni, date '2024-01-01' + null::int as dn",
        "select 'abc' + 1",
        "select '5' + 1 as unknown_plus",
    ],
}

# Statements where Sixfold refuses what PostgreSQL accepts (it must fail, never answer
# differently): (case, a piece of the statement's text) -> reason.
KNOWN_DIFFERENCES: dict[tuple[str, str], str] = {
    ("everyday sql", " lateral ("): "SQLite has no lateral joins: LATERAL is refused (0A000)",
}

_TEXT_OIDS = (16, 17, 18, 19, 20, 21, 23, 25, 26, 114, 700, 701, 1042, 1043, 1082, 1083, 1114, 1184, 1186, 1266,
              1700, 2950, 3802)


class _AsText(Loader):
    def load(self, data) -> str:
        return bytes(data).decode()


def _connect(ep: Endpoint) -> psycopg.Connection:
    conn = psycopg.connect(ep.uri, autocommit=True, connect_timeout=10, options="-c TimeZone=UTC")
    for oid in _TEXT_OIDS:
        conn.adapters.register_loader(oid, _AsText)
    return conn


def _outcome(conn: psycopg.Connection, sql: str, params: tuple | None):
    try:
        cur = conn.execute(sql, params)
    except psycopg.Error as e:
        return ("error", e.sqlstate)
    if cur.description is None:
        return ("ok", cur.statusmessage)
    return ("rows", tuple(d.name for d in cur.description), cur.fetchall())


@pytest.mark.parametrize("case", list(CASES))
def test_same_answer_as_postgres(case, postgres_endpoint, sixfold_endpoint):  # noqa: F811
    table = f"d_{uuid.uuid4().hex[:8]}"
    diffs = []
    with _connect(postgres_endpoint) as pg, _connect(sixfold_endpoint) as sf:
        for i, stmt in enumerate(CASES[case]):
            stmt, params = stmt if isinstance(stmt, tuple) else (stmt, None)
            sql = stmt.replace("{t}", table)
            want, got = _outcome(pg, sql, params), _outcome(sf, sql, params)
            if any(c == case and piece in sql for c, piece in KNOWN_DIFFERENCES):
                if got[0] != "error":
                    diffs.append(f"[{i}] {sql}\n  known difference must fail on Sixfold, got {got}")
                continue
            if want != got:
                diffs.append(f"[{i}] {sql}\n  postgres: {want}\n  sixfold:  {got}")
    assert not diffs, f"{case}: {len(diffs)} differences\n" + "\n".join(diffs)


def test_integrity_errors_name_the_constraint(postgres_endpoint, sixfold_endpoint):  # noqa: F811
    """diag.constraint_name (the ErrorResponse's n field) on a unique violation, as psycopg
    and ORMs read it."""
    table = f"u_{uuid.uuid4().hex[:8]}"
    names = []
    for ep in (postgres_endpoint, sixfold_endpoint):
        with _connect(ep) as conn:
            conn.execute(f"create table {table} (id int primary key, code text unique)")
            conn.execute(f"insert into {table} values (1, 'a')")
            with pytest.raises(psycopg.errors.UniqueViolation) as e:
                conn.execute(f"insert into {table} values (2, 'a')")
            names.append(e.value.diag.constraint_name)
            conn.execute(f"drop table {table}")
    assert names == [f"{table}_code_key"] * 2


def test_bad_parameters_give_errors_not_dropped_connections(sixfold_endpoint):  # noqa: F811
    """A numeric parameter beyond what Sixfold stores (1e1000, sent in binary), or an integer
    beyond 64 bits, is an error on a connection that carries on, never a dropped one."""
    import decimal

    with _connect(sixfold_endpoint) as conn:
        with pytest.raises(psycopg.errors.NumericValueOutOfRange):
            conn.execute("select %b::numeric", (decimal.Decimal("1e1000"),))
        with pytest.raises(psycopg.errors.NumericValueOutOfRange):
            conn.execute("select %s::numeric + 1", (decimal.Decimal("-1e-400"),))
        assert conn.execute("select %b::numeric(5,2)", (decimal.Decimal("1.5"),)).fetchone() == ("1.50",)
        assert conn.execute("select 1").fetchone() == ("1",)


def test_explain_gives_a_query_plan(postgres_endpoint, sixfold_endpoint):  # noqa: F811
    """EXPLAIN answers one QUERY PLAN column on both (Sixfold's plan is SQLite's, in its own
    words); EXPLAIN ANALYZE is refused clearly rather than faked."""
    table = f"e_{uuid.uuid4().hex[:8]}"
    for ep in (postgres_endpoint, sixfold_endpoint):
        with _connect(ep) as conn:
            conn.execute(f"create table {table} (id int primary key, v text)")
            cur = conn.execute(f"explain select v from {table} where id = %s", (1,))
            assert [d.name for d in cur.description] == ["QUERY PLAN"] and cur.fetchall()
            conn.execute(f"drop table {table}")
    with _connect(sixfold_endpoint) as conn, pytest.raises(psycopg.errors.FeatureNotSupported):
        conn.execute("explain analyze select 1")
