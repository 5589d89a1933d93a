"""asyncpg against Sixfold, and the same tests against PostgreSQL 15: typed parameters
(asyncpg encodes them by the types ParameterDescription gives), binary results of the
common types, prepared statements, errors at Parse time, binary COPY in and out, the
pool (its reset query), executemany and transactions. Every test runs on both servers
and must pass on both."""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import uuid
from decimal import Decimal

import asyncpg
import pytest

from tests.integration.pg_endpoints import Endpoint, postgres_endpoint, sixfold_endpoint  # noqa: F401

pytestmark = pytest.mark.integration

STEP_TIMEOUT_S = 20  # every call is bounded: a server that never answers fails the test


@pytest.fixture(params=["postgres", "sixfold"])
def endpoint(request) -> Endpoint:
    return request.getfixturevalue(f"{request.param}_endpoint")


@pytest.fixture
def table() -> str:
    return f"a_{uuid.uuid4().hex[:10]}"


def run(coro):
    return asyncio.run(asyncio.wait_for(coro, STEP_TIMEOUT_S * 3))


async def connect(ep: Endpoint):
    conn = await asyncio.wait_for(asyncpg.connect(ep.uri), STEP_TIMEOUT_S)
    await conn.execute("SET TIME ZONE 'UTC'")
    return conn


ROW = (1, Decimal("10.10"), dt.datetime(2024, 1, 1, 10, 0, 0, 500000, tzinfo=dt.timezone.utc),
       dt.datetime(2024, 2, 29, 23, 59, 59), dt.date(2024, 2, 29), uuid.UUID("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"),
       b"\x00\x01\xff", 1.5, "héllo", True, dt.timedelta(days=1, hours=2, microseconds=5), 2**40, 7, dt.time(10, 30))
COLUMNS = ("id int primary key, n numeric(10,2), tz timestamptz, ts timestamp, d date, u uuid, b bytea, "
           "f float8, t text, ok boolean, iv interval, big bigint, small smallint, tm time")


def test_typed_parameters_and_binary_results(endpoint, table):
    async def go():
        c = await connect(endpoint)
        try:
            await c.execute(f"create table {table} ({COLUMNS})")
            await c.execute(f"insert into {table} values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
                            *ROW)
            row = await c.fetchrow(f"select * from {table} where id = $1", 1)
            assert tuple(row) == ROW
            assert await c.fetchval(f"select n from {table} where u = $1", ROW[5]) == Decimal("10.10")
            assert await c.fetchval(f"select count(*) from {table} where tz > $1", ROW[2] - dt.timedelta(hours=1)) == 1
            assert await c.fetchval(f"select d + 1 from {table} where d = $1", ROW[4]) == dt.date(2024, 3, 1)
            assert await c.fetchval("select $1::int + 1", 41) == 42
            assert await c.fetchval("select $1::bigint * 2", 2**40) == 2**41
            assert await c.fetchval(f"select sum(n) from {table} where id = $1", 1) == Decimal("10.10")
        finally:
            await c.execute(f"drop table if exists {table}")
            await c.close()
    run(go())


def test_prepared_statement_reused(endpoint, table):
    async def go():
        c = await connect(endpoint)
        try:
            await c.execute(f"create table {table} (id int primary key, v text)")
            ins = await c.prepare(f"insert into {table} (id, v) values ($1, $2)")
            for i in range(5):
                await ins.fetch(i, f"v{i}")
            sel = await c.prepare(f"select v from {table} where id = $1")
            assert [await sel.fetchval(i) for i in range(5)] == [f"v{i}" for i in range(5)]
            assert [a.name for a in sel.get_attributes()] == ["v"]
        finally:
            await c.execute(f"drop table if exists {table}")
            await c.close()
    run(go())


def test_cached_statement_prepared_again_after_a_schema_change(endpoint, table):
    """asyncpg caches statements; after ALTER TABLE the server analyzes one again and
    refuses a changed result (0A000 from RevalidateCachedQuery), and asyncpg prepares it
    again and retries. Without the check, the old translation showed the old scale."""
    async def go():
        c = await connect(endpoint)
        try:
            await c.execute(f"create table {table} (id int primary key, n numeric(10,2))")
            await c.execute(f"insert into {table} values (1, 2.5)")
            q = f"select n * 2 as d, n from {table} where id = $1"
            assert tuple(await c.fetchrow(q, 1)) == (Decimal("5.00"), Decimal("2.50"))
            await c.execute(f"alter table {table} alter column n type numeric(10,3)")
            assert tuple(await c.fetchrow(q, 1)) == (Decimal("5.000"), Decimal("2.500"))
            star = f"select * from {table} where id = $1"
            assert tuple(await c.fetchrow(star, 1)) == (1, Decimal("2.500"))
            await c.execute(f"alter table {table} add column w int default 8")
            assert tuple(await c.fetchrow(star, 1)) == (1, Decimal("2.500"), 8)
            async with c.transaction():  # inside a transaction asyncpg cannot retry: the error reaches it
                await c.execute(f"alter table {table} add column x int")
                with pytest.raises(asyncpg.exceptions.InvalidCachedStatementError):
                    await c.fetchrow(star, 1)
            assert tuple(await c.fetchrow(star, 1)) == (1, Decimal("2.500"), 8)  # the ALTER rolled back
        finally:
            await c.execute(f"drop table if exists {table}")
            await c.close()
    run(go())


def test_error_at_parse_reaches_the_client(endpoint):
    async def go():
        c = await connect(endpoint)
        try:
            with pytest.raises(asyncpg.PostgresSyntaxError):
                await asyncio.wait_for(c.fetch("selec 1"), STEP_TIMEOUT_S)
            with pytest.raises(asyncpg.UndefinedTableError):
                await asyncio.wait_for(c.fetch("select * from no_such_table_here where a = $1", 1), STEP_TIMEOUT_S)
            assert await c.fetchval("select 1") == 1  # the connection carries on
        finally:
            await c.close()
    run(go())


def test_binary_copy_in_and_out(endpoint, table):
    async def go():
        c = await connect(endpoint)
        try:
            await c.execute(f"create table {table} ({COLUMNS})")
            rows = [ROW, (2, None, None, None, None, None, None, None, None, None, None, None, None, None),
                    (3, Decimal("-0.05"), ROW[2], ROW[3], dt.date(2000, 1, 1), uuid.UUID(int=3), b"", -2.25, "",
                     False, dt.timedelta(seconds=-1), -1, -32768, dt.time(0, 0))]
            result = await c.copy_records_to_table(table, records=rows)
            assert result == "COPY 3"
            got = await c.fetch(f"select * from {table} order by id")
            assert [tuple(r) for r in got] == rows
            out = io.BytesIO()
            await c.copy_from_query(f"select id, t from {table} order by id", output=out, format="csv")
            assert out.getvalue().decode().splitlines() == ["1,héllo", "2,", '3,""']
            binary = io.BytesIO()
            status = await c.copy_from_table(table, output=binary, format="binary")
            assert status == "COPY 3" and binary.getvalue().startswith(b"PGCOPY\n\xff\r\n\x00")
        finally:
            await c.execute(f"drop table if exists {table}")
            await c.close()
    run(go())


def test_pool_resets_connections(endpoint):
    async def go():
        pool = await asyncio.wait_for(asyncpg.create_pool(endpoint.uri, min_size=1, max_size=2), STEP_TIMEOUT_S)
        try:
            for i in range(4):
                async with pool.acquire() as c:
                    assert await c.fetchval("select $1::int", i) == i
            assert await pool.fetchval("select 2") == 2
        finally:
            await asyncio.wait_for(pool.close(), STEP_TIMEOUT_S)
    run(go())


def test_executemany_and_transactions(endpoint, table):
    async def go():
        c = await connect(endpoint)
        try:
            await c.execute(f"create table {table} (id int primary key, amount numeric(12,2))")
            await c.executemany(f"insert into {table} values ($1, $2)", [(i, Decimal(i) / 4) for i in range(10)])
            async with c.transaction():
                await c.execute(f"update {table} set amount = amount + $1 where id < $2", Decimal("1.25"), 5)
            with pytest.raises(asyncpg.UniqueViolationError):
                async with c.transaction():
                    await c.execute(f"insert into {table} values (100, 1)")
                    await c.execute(f"insert into {table} values (100, 2)")
            assert await c.fetchval(f"select count(*) from {table}") == 10
            assert await c.fetchval(f"select sum(amount) from {table}") == Decimal("17.50")
        finally:
            await c.execute(f"drop table if exists {table}")
            await c.close()
    run(go())


def test_array_columns_and_parameters(endpoint, table):
    """int[] and text[] columns: lists go in as typed (binary) parameters, come back as
    lists from binary results, and `= ANY($1)` takes a list."""
    async def go():
        c = await connect(endpoint)
        try:
            await c.execute(f"create table {table} (id int primary key, nums int[], tags text[], big bigint[])")
            await c.execute(f"insert into {table} values ($1, $2, $3, $4)", 1, [1, None, 3], ["a", "b c", ""],
                            [2**40])
            await c.execute(f"insert into {table} values ($1, $2, $3, $4)", 2, [], None, [])
            rows = await c.fetch(f"select id, nums, tags, big from {table} order by id")
            assert [tuple(r) for r in rows] == [(1, [1, None, 3], ["a", "b c", ""], [2**40]), (2, [], None, [])]
            assert await c.fetchval(f"select count(*) from {table} where 3 = any(nums)") == 1
            assert await c.fetchval(f"select id from {table} where id = any($1::int[])", [2, 5]) == 2
            assert await c.fetchval(f"select nums[3] from {table} where id = 1") == 3
        finally:
            await c.close()
    run(go())


def test_rows_come_back_as_records_of_typed_fields(endpoint, table):
    """ROW(...) in a result is a record, which asyncpg asks for in binary: each field as
    its own type (record_send), NULLs and an empty row too; row comparisons take parameters."""
    async def go():
        c = await connect(endpoint)
        try:
            await c.execute(f"create table {table} (id int primary key, n numeric(6,2), d date, t text)")
            await c.execute(f"insert into {table} values (1, 1.50, '2024-01-02', 'a b'), (2, null, null, '')")
            rows = await c.fetch(f"select row(id, n, d, t) as r from {table} order by id")
            assert [tuple(r["r"]) for r in rows] == [(1, Decimal("1.50"), dt.date(2024, 1, 2), "a b"),
                                                     (2, None, None, "")]
            r = await c.fetchrow("select row(true, 0.5::float8, '\\x01ff'::bytea, 2::int8) as r, row() as e, "
                                 "row(null::int) as n, (1, 'q\"r') as s")
            assert tuple(r["r"]) == (True, 0.5, b"\x01\xff", 2) and tuple(r["e"]) == () and tuple(r["n"]) == (None,)
            assert tuple(r["s"]) == (1, 'q"r')
            ids = await c.fetch(f"select id from {table} where (id, t) >= ($1, $2) order by id", 1, "b")
            assert [i["id"] for i in ids] == [2]
        finally:
            await c.close()
    run(go())


def test_listen_notify(endpoint):
    """NOTIFY reaches the listeners of its channel when its transaction commits: never
    from a rolled-back one, one of each (channel, payload) per transaction, not to a
    session that stopped listening, and to a listener inside a transaction only after
    it ends. A later notification from the same sender marks that an earlier one is not
    coming (they arrive in order)."""
    channel = f"c_{uuid.uuid4().hex[:8]}"

    async def go():
        lis, snd = await connect(endpoint), await connect(endpoint)
        got: asyncio.Queue = asyncio.Queue()
        await lis.add_listener(channel, lambda c, pid, ch, payload: got.put_nowait((ch, payload, pid)))

        async def next_one():
            return await asyncio.wait_for(got.get(), STEP_TIMEOUT_S)

        await snd.execute(f"notify {channel}, 'one'")
        assert await next_one() == (channel, "one", snd.get_server_pid())
        async with snd.transaction():
            await snd.execute(f"notify {channel}, 'two'; notify {channel}, 'two'")
            await snd.fetchval("select pg_notify($1, 'three')", channel)
        assert [(await next_one())[1] for _ in range(2)] == ["two", "three"]
        tx = snd.transaction()
        await tx.start()
        await snd.execute(f"notify {channel}, 'rolled back'")
        await tx.rollback()
        await snd.execute(f"notify {channel}, 'after rollback'")
        assert (await next_one())[1] == "after rollback"
        async with snd.transaction():
            await snd.execute(f"notify {channel}, 'kept'; savepoint s1; notify {channel}, 'undone'; "
                              f"rollback to savepoint s1; savepoint s2; notify {channel}, 'released'; "
                              "release savepoint s2")
        assert [(await next_one())[1] for _ in range(2)] == ["kept", "released"]
        async with lis.transaction():
            await snd.execute(f"notify {channel}, 'held'")
            assert await lis.fetchval("select 1") == 1 and got.empty()  # not inside the transaction
        assert (await next_one())[1] == "held"
        with pytest.raises(asyncpg.InvalidParameterValueError):
            await snd.execute(f"notify {channel}, '{'x' * 8000}'")
        await lis.execute(f"unlisten {channel}")
        await snd.execute(f"notify {channel}, 'unheard'")
        await lis.execute(f"listen {channel}")
        await snd.execute(f"notify {channel}, 'heard'")
        assert (await next_one())[1] == "heard"
        await lis.close()
        await snd.close()

    run(go())
