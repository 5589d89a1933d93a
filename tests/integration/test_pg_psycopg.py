"""The PostgreSQL wire server (compute_node/pgwire) end to end with psycopg 3: a real
cluster (six storage nodes and the writer), a real driver, the extended protocol with
parameters, COPY, transactions, SQLSTATE error classes, cancel and statement_timeout.

One cluster serves the module (each test uses its own tables); its logs are scanned for
unexpected errors after every test, and the lines a test adds are blamed on that test.
"""

from __future__ import annotations

import datetime as dt
import secrets
import threading
import time
from decimal import Decimal
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from psycopg import errors as pe


pytestmark = pytest.mark.integration

SLOW_QUERY = ("with recursive c(x) as (select 1 union all select x + 1 from c where x < 100000000) "
              "select count(*) from c")
CANCEL_WITHIN_S = 5.0  # a canceled statement must fail this soon (the query itself runs far longer)


@pytest.fixture
def cluster(pg_module_cluster):
    """The module's cluster (tests/conftest.py); the log lines with errors a test adds fail it."""
    return pg_module_cluster


def connect(cluster, **kw) -> psycopg.Connection:
    return psycopg.connect(cluster.uri(), connect_timeout=10, **kw)


def with_uri_parts(uri: str, password: str | None = None, dbname: str | None = None) -> str:
    u = urlsplit(uri)
    netloc = u.netloc
    if password is not None:
        userinfo, host = netloc.rsplit("@", 1)
        netloc = f"{userinfo.split(':', 1)[0]}:{password}@{host}"
    return urlunsplit((u.scheme, netloc, "/" + dbname if dbname is not None else u.path, u.query, u.fragment))


def oid(name: str) -> int:
    from psycopg.postgres import types

    return types[name].oid


# --- session basics ---------------------------------------------------------------------------
def test_session_info_show_set(cluster):
    with connect(cluster, autocommit=True) as conn:
        version, db, user, now = conn.execute("select version(), current_database(), current_user, now()").fetchone()
        assert version.startswith("PostgreSQL "), version
        assert (db, user) == ("sixfold", "sixfold")
        assert str(now)[:4] == str(dt.datetime.now(dt.UTC).year)

        assert conn.execute("show server_version").fetchone()[0] == conn.info.parameter_status("server_version")
        assert conn.info.server_version >= 90000
        conn.execute("set application_name = 'pg-psycopg-test'")
        assert conn.execute("show application_name").fetchone() == ("pg-psycopg-test",)
        assert conn.info.parameter_status("application_name") == "pg-psycopg-test"
        conn.execute("set application_name to default")
        assert conn.execute("show application_name").fetchone() == ("",)
        with pytest.raises(pe.UndefinedObject):  # 42704
            conn.execute("show no_such_setting_xyz")


def test_startup_options_are_settings(cluster):
    """The startup packet's options (-c name=value), as libpq's PGOPTIONS or psycopg's
    options= send them: applied as SET would, refused the same way."""
    with connect(cluster, autocommit=True, options="-c statement_timeout=1500 -c application_name=opt\\ test") as c:
        assert c.execute("show statement_timeout").fetchone() == ("1500ms",)
        assert c.execute("show application_name").fetchone() == ("opt test",)
        with pytest.raises(pe.QueryCanceled):  # the timeout is the session's
            c.execute("select pg_sleep(5)")
    with pytest.raises(psycopg.OperationalError, match='DateStyle "German" is not supported'):
        connect(cluster, options="-c DateStyle=German")
    with pytest.raises(psycopg.OperationalError, match='parameter "server_version" cannot be changed'):
        connect(cluster, options="-c server_version=1")


def test_client_min_messages_filters_notices(cluster):
    with connect(cluster, autocommit=True) as c:
        got = []
        c.add_notice_handler(lambda d: got.append((d.severity_nonlocalized, d.sqlstate)))
        c.execute("create schema if not exists public")
        c.execute("drop table if exists no_such_table_cmm")
        assert got == [("NOTICE", "42P06"), ("NOTICE", "00000")]
        c.execute("set client_min_messages = warning")
        c.execute("create schema if not exists public")
        c.execute("drop table if exists no_such_table_cmm")
        c.execute("rollback")  # a WARNING (25P01): still sent
        assert got == [("NOTICE", "42P06"), ("NOTICE", "00000"), ("WARNING", "25P01")]
        c.execute("set client_min_messages = error")
        c.execute("rollback")
        assert len(got) == 3
        with pytest.raises(pe.InvalidParameterValue):
            c.execute("set client_min_messages = loud")


def test_txid_current_is_the_transactions_and_rises(cluster):
    with connect(cluster, autocommit=True) as c:
        a, b = (c.execute("select txid_current()").fetchone()[0] for _ in range(2))
        with c.transaction():
            x = c.execute("select txid_current()").fetchone()[0]
            y, same = c.execute("select txid_current(), pg_current_xact_id()::text::bigint = txid_current()").fetchone()
        assert a < b < x == y and same
        assert c.execute("select pg_typeof(txid_current())").fetchone() == ("bigint",)


def test_auth_failures(cluster):
    uri = cluster.uri()
    with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
        psycopg.connect(with_uri_parts(uri, password="not-" + secrets.token_hex(4)), connect_timeout=10)
    with pytest.raises(psycopg.OperationalError, match='database "no_such_db" does not exist'):
        psycopg.connect(with_uri_parts(uri, dbname="no_such_db"), connect_timeout=10)
    with connect(cluster) as conn:  # the server is fine afterwards
        assert conn.execute("select 1").fetchone() == (1,)


# --- parameters and types ---------------------------------------------------------------------
def test_parameter_order_and_reuse(cluster):
    with connect(cluster, autocommit=True) as conn:
        assert conn.execute("select %s, %s", ("a", "b")).fetchone() == ("a", "b")
        assert conn.execute("select %s, %s", ("b", "a")).fetchone() == ("b", "a")
        assert conn.execute("select %(x)s || %(y)s || %(x)s", {"x": "p", "y": "q"}).fetchone() == ("pqp",)
        assert conn.execute("select %(n)s::int + %(n)s::int, %(m)s::int", {"n": 20, "m": 3}).fetchone() == (40, 3)
        # $n in the query text is the server's numbering (psycopg passes it through with no params)
        cur = conn.cursor()
        cur.execute("select 1 where %s = %s", (1, 2))
        assert cur.fetchall() == []


def test_parameter_types_round_trip(cluster):
    """int, float, str, None, bool, bytes, Decimal parameters (psycopg's default formats: text,
    bytes binary), and datetime/date sent as text (%t); results typed by the declared types."""
    ts = dt.datetime(2024, 2, 29, 13, 45, 6, 123456)
    row = (7, 2**40, "text ünïcode ✓", "vc", True, 2.5, Decimal("12.34"), ts, b"\x00\xffbin\x01", dt.date(2024, 3, 1))
    insert = ("insert into ptypes (i4, i8, t, vc, b, f8, n, ts, bin, d) "
              "values (%s, %s, %s, %s, %s, %s, %s, %t, %s, %t)")
    with connect(cluster, autocommit=True) as conn:
        conn.execute("create table ptypes (i4 integer primary key, i8 bigint, t text, vc varchar(20), b boolean, "
                     "f8 double precision, n numeric(10, 2), ts timestamp, bin bytea, d date, extra text)")
        conn.execute(insert, row)
        conn.execute(insert, (8, None, None, None, False, None, None, None, None, None))
        cur = conn.execute("select i4, i8, t, vc, b, f8, n, ts, bin, d from ptypes order by i4")
        got = cur.fetchall()
        assert [(d.name, d.type_code) for d in cur.description] == [
            ("i4", oid("int4")), ("i8", oid("int8")), ("t", oid("text")), ("vc", oid("varchar")),
            ("b", oid("bool")), ("f8", oid("float8")), ("n", oid("numeric")), ("ts", oid("timestamp")),
            ("bin", oid("bytea")), ("d", oid("date"))]
        assert got[0] == row
        assert [type(v) for v in got[0]] == [int, int, str, str, bool, float, Decimal, dt.datetime, bytes, dt.date]
        assert got[1] == (8, None, None, None, False, None, None, None, None, None)

        # WHERE with typed parameters finds the row (and only it)
        assert conn.execute("select i4 from ptypes where b = %s and f8 = %s and t = %s",
                            (True, 2.5, row[2])).fetchall() == [(7,)]
        assert conn.execute("select i4 from ptypes where b = %s", (False,)).fetchall() == [(8,)]
        assert conn.execute("select i4 from ptypes where bin = %s", (row[8],)).fetchall() == [(7,)]
        assert conn.execute("select i4 from ptypes where n = %s", (Decimal("12.34"),)).fetchall() == [(7,)]
        assert conn.execute("select i4 from ptypes where ts = %t", (ts,)).fetchall() == [(7,)]
        assert conn.execute("select i4 from ptypes where i4 = %s and i8 = %s", (7, 2**40)).fetchall() == [(7,)]
        assert conn.execute("select %s::int is null, %s::text", (None, None)).fetchone() == (True, None)
        # binary results (psycopg binary cursor): int, float, bool, bytea, text
        cur = conn.cursor(binary=True)
        cur.execute("select i4, i8, t, b, f8, bin from ptypes where i4 = %s", (7,))
        assert cur.fetchone() == (7, 2**40, row[2], True, 2.5, row[8])


def test_datetime_parameters_default_format(cluster):
    """psycopg sends date/datetime parameters in binary by default (plain %s)."""
    ts = dt.datetime(2024, 2, 29, 13, 45, 6, 123456)
    aware = dt.datetime(2024, 1, 2, 3, 4, 5, 600000, tzinfo=dt.UTC)
    day = dt.date(2024, 3, 1)
    with connect(cluster, autocommit=True) as conn:
        conn.execute("create table pdt (k int primary key, ts timestamp, tz timestamptz, d date)")
        conn.execute("insert into pdt values (1, %s, %s, %s)", (ts, aware, day))
        assert conn.execute("select ts, tz, d from pdt").fetchone() == (ts, aware, day)
        assert conn.execute("select k from pdt where d = %s and ts = %s", (day, ts)).fetchall() == [(1,)]


def test_expression_and_function_result_types(cluster):
    """Result columns that are expressions: PostgreSQL types them by the expression (casts,
    functions), so drivers get int/bool/Decimal/datetime, not str or int8 for everything."""
    with connect(cluster, autocommit=True) as conn:
        cur = conn.execute("select %s::int, %s::bigint, %s::text, %s::bool, %s::float8, %s::numeric, %s::bytea",
                           (5, 6, "x", False, 1.25, Decimal("3.5"), b"ab"))
        assert cur.fetchone() == (5, 6, "x", False, 1.25, Decimal("3.5"), b"ab")
        assert [d.type_code for d in cur.description] == [oid("int4"), oid("int8"), oid("text"), oid("bool"),
                                                          oid("float8"), oid("numeric"), oid("bytea")]
        # a negative literal is an int4 (PostgreSQL's parser folds the sign into the constant)
        cur = conn.execute("select -1, (-2147483648), -(5), -(-2147483648), -2.5")
        assert [d.type_code for d in cur.description] == [oid("int4"), oid("int4"), oid("int4"), oid("int8"),
                                                          oid("numeric")]
        now, today = conn.execute("select now(), current_date").fetchone()
        assert isinstance(now, dt.datetime), f"now() came back as {type(now).__name__} {now!r}, not timestamptz"
        assert abs((now - dt.datetime.now(dt.UTC)).total_seconds()) < 60
        assert isinstance(today, dt.date), f"current_date came back as {type(today).__name__} {today!r}"
        assert conn.execute("select 1 = 1, 1 < 0").fetchone() == (True, False)


def test_numeric_comes_back_exact_or_is_refused(cluster):
    """numeric is exact in PostgreSQL: what goes in comes back, display scale included.
    Sixfold keeps numeric values to 15 significant digits and refuses more (0A000)
    rather than round them; a numeric without a precision keeps each value's own scale."""
    with connect(cluster, autocommit=True) as conn:
        conn.execute("create table pnum_plain (k int primary key, n numeric)")
        plain = [Decimal("1.50"), Decimal("-0.010"), Decimal("7"), Decimal("123456789.123456")]
        for k, v in enumerate(plain):
            conn.execute("insert into pnum_plain values (%s, %s)", (k, v))
        got = [r[0] for r in conn.execute("select n from pnum_plain order by k")]
        assert [str(v) for v in got] == ["1.50", "-0.010", "7", "123456789.123456"]
        assert conn.execute("select sum(n), max(n) from pnum_plain").fetchone() == (
            Decimal("123456797.613456"), Decimal("123456789.123456"))
        with pytest.raises(psycopg.errors.FeatureNotSupported):
            conn.execute("insert into pnum_plain values (9, %s)", (Decimal("12345678901234567890.123456"),))
        conn.execute("create table pnum (k int primary key, n numeric(30,6))")
        kept = [Decimal("123456789.123456"), Decimal("-0.000001"), Decimal("2.5")]
        for k, v in enumerate(kept):
            conn.execute("insert into pnum values (%s, %s)", (k, v))
        got = [r[0] for r in conn.execute("select n from pnum order by k")]
        assert got == kept and [str(v) for v in got] == ["123456789.123456", "-0.000001", "2.500000"]
        with pytest.raises(psycopg.errors.FeatureNotSupported):
            conn.execute("insert into pnum values (9, %s)", (Decimal("12345678901234567890.123456"),))
        assert conn.execute("select count(*) from pnum").fetchone() == (3,)
        q = conn.execute("select min(n) / 3, sum(n), avg(n) from pnum where k = 0").fetchone()
        # PostgreSQL 15's answers, display scales included
        assert [str(v) for v in q] == ["41152263.041152000000", "123456789.123456", "123456789.123456000000"]


# --- DML ------------------------------------------------------------------------------------
def test_executemany_returning_on_conflict(cluster):
    with connect(cluster, autocommit=True) as conn:
        conn.execute("create table kv (k integer primary key, v text not null)")
        cur = conn.cursor()
        cur.executemany("insert into kv (k, v) values (%s, %s)", [(i, f"v{i}") for i in range(100)])
        assert cur.rowcount == 100
        assert conn.execute("select count(*), sum(k) from kv").fetchone() == (100, sum(range(100)))

        cur.execute("insert into kv (k, v) values (%s, %s) returning k, v, k * 2", (1000, "new"))
        assert cur.fetchall() == [(1000, "new", 2000)]
        assert cur.statusmessage == "INSERT 0 1"

        cur.execute("insert into kv (k, v) values (%s, %s) on conflict (k) do nothing", (1000, "again"))
        assert cur.rowcount == 0
        cur.execute("insert into kv (k, v) values (%s, %s) on conflict (k) do update set v = excluded.v "
                    "returning v", (1000, "updated"))
        assert cur.fetchall() == [("updated",)]

        cur.execute("update kv set v = v || '!' where k < %s returning k", (3,))
        assert sorted(cur.fetchall()) == [(0,), (1,), (2,)]
        assert cur.statusmessage == "UPDATE 3"
        cur.execute("delete from kv where k >= %s", (50,))
        assert cur.statusmessage == "DELETE 51"
        assert conn.execute("select v from kv where k = 2").fetchone() == ("v2!",)

        # executemany with returning
        cur.executemany("insert into kv (k, v) values (%s, %s) returning k + 1", [(2000, "a"), (2001, "b")],
                        returning=True)
        results = []
        while True:
            results.append(cur.fetchone())
            if not cur.nextset():
                break
        assert results == [(2001,), (2002,)]


def test_copy_in_out_csv(cluster):
    rows = [(1, "plain", 1.5), (2, "tab\there", None), (3, "new\nline, comma \"q\"", -2.0), (4, "\\back", 0.0)]
    with connect(cluster, autocommit=True) as conn:
        conn.execute("create table cp (k integer primary key, s text, f double precision)")
        cur = conn.cursor()
        with cur.copy("COPY cp FROM STDIN") as copy:
            for r in rows:
                copy.write_row(r)
        assert cur.rowcount == 4
        assert conn.execute("select k, s, f from cp order by k").fetchall() == rows

        with cur.copy("COPY cp TO STDOUT") as copy:
            out = [tuple(r) for r in copy.rows()]
        assert out == [(str(k), s, None if f is None else ("0" if f == 0 else format(f, "g")))
                       for k, s, f in rows]

        buf = bytearray()
        with cur.copy("COPY cp (k, s) TO STDOUT (FORMAT csv, HEADER)") as copy:
            for block in copy:
                buf += block
        lines = bytes(buf).decode()
        assert lines.startswith("k,s\n1,plain\n2,tab\there\n3,\"new\nline, comma \"\"q\"\"\"\n"), lines

        with cur.copy("COPY cp (k, s, f) FROM STDIN (FORMAT csv)") as copy:
            copy.write('10,"x, y",3.25\n11,,\n12,"",7\n')
        assert conn.execute("select k, s, f from cp where k >= 10 order by k").fetchall() == [
            (10, "x, y", 3.25), (11, None, None), (12, "", 7.0)]

        # a failed COPY leaves nothing behind and the connection usable
        with pytest.raises(psycopg.errors.UniqueViolation), cur.copy("COPY cp (k, s) FROM STDIN") as copy:
            copy.write_row((20, "fresh"))
            copy.write_row((1, "duplicate"))
        assert conn.execute("select count(*) from cp where k = 20").fetchone() == (0,)

        class ClientGaveUp(Exception):
            pass

        # psycopg sends CopyFail, then re-raises
        with pytest.raises(ClientGaveUp), cur.copy("COPY cp (k, s) FROM STDIN") as copy:
            copy.write_row((21, "never"))
            raise ClientGaveUp
        assert conn.info.transaction_status == psycopg.pq.TransactionStatus.IDLE
        assert conn.execute("select count(*) from cp where k = 21").fetchone() == (0,)


def test_interval_style_iso_8601(cluster):
    """SET intervalstyle = iso_8601 (Rails sends it at connect): reported to the client,
    intervals in text results and COPY TO as ISO 8601, binary results unchanged, ISO
    input read in either style."""
    with connect(cluster, autocommit=True) as conn:
        conn.execute("create table ivs (k integer primary key, d interval)")
        conn.execute("insert into ivs values (1, 'P1DT2H'), (2, '-1 year 2 mons'), (3, '0'), (4, null)")
        conn.execute("set intervalstyle = iso_8601")
        assert conn.info.parameter_status("IntervalStyle") == "iso_8601"
        cur = conn.cursor()
        with cur.copy("COPY ivs TO STDOUT") as copy:
            out = [tuple(r) for r in copy.rows()]
        assert out == [("1", "P1DT2H"), ("2", "P-10M"), ("3", "PT0S"), ("4", None)]
        # (psycopg reads text intervals in the postgres style only: d itself comes in binary)
        text = conn.execute("select d::text from ivs order by k").fetchall()
        assert [r[0] for r in text] == ["P1DT2H", "P-10M", "PT0S", None]
        binary = conn.cursor(binary=True).execute("select d from ivs where k = 1").fetchone()[0]
        assert binary == dt.timedelta(days=1, hours=2)
        conn.execute("reset intervalstyle")
        assert conn.info.parameter_status("IntervalStyle") == "postgres"
        assert conn.execute("select d::text from ivs where k = 1").fetchone() == ("1 day 02:00:00",)
    with psycopg.connect(cluster.uri(), connect_timeout=10, options="-c intervalstyle=iso_8601") as conn:
        assert conn.execute("select interval '1 day 2 hours'::text").fetchone() == ("P1DT2H",)


# --- transactions -----------------------------------------------------------------------------
def test_transactions_commit_rollback_autocommit(cluster):
    with connect(cluster) as conn:  # psycopg default: not autocommit, BEGIN implicit
        conn.execute("create table tx (k integer primary key, v text)")
        conn.commit()
        with conn.transaction():
            conn.execute("insert into tx values (1, 'committed')")
        with pytest.raises(RuntimeError, match="boom"), conn.transaction():
            conn.execute("insert into tx values (2, 'rolled back')")
            raise RuntimeError("boom")
        with conn.transaction() as t:
            conn.execute("insert into tx values (3, 'explicit rollback')")
            raise psycopg.Rollback(t)
        # nested: a savepoint rolled back, the outer committed
        with conn.transaction():
            conn.execute("insert into tx values (4, 'outer')")
            with pytest.raises(pe.UniqueViolation), conn.transaction():
                conn.execute("insert into tx values (5, 'inner')")
                conn.execute("insert into tx values (4, 'dup')")
        assert conn.execute("select k from tx order by k").fetchall() == [(1,), (4,)]
        assert conn.info.transaction_status == psycopg.pq.TransactionStatus.INTRANS
        conn.rollback()
        assert conn.info.transaction_status == psycopg.pq.TransactionStatus.IDLE

    with connect(cluster, autocommit=True) as conn:
        assert conn.execute("select k from tx order by k").fetchall() == [(1,), (4,)]
        conn.execute("insert into tx values (6, 'autocommit')")
        assert conn.info.transaction_status == psycopg.pq.TransactionStatus.IDLE
        conn.execute("begin")
        assert conn.info.transaction_status == psycopg.pq.TransactionStatus.INTRANS
        conn.execute("insert into tx values (7, 'explicit')")
        conn.execute("commit")
        conn.execute("begin")
        conn.execute("insert into tx values (8, 'explicit rolled back')")
        conn.execute("rollback")
        assert conn.info.transaction_status == psycopg.pq.TransactionStatus.IDLE
    with connect(cluster, autocommit=True) as conn:
        assert conn.execute("select k from tx order by k").fetchall() == [(1,), (4,), (6,), (7,)]


def test_multi_statement_query_is_one_transaction(cluster):
    """A simple Query with several statements and no BEGIN runs as one implicit transaction
    in PostgreSQL: an error rolls back the statements before it. (psycopg sends a query
    without parameters as a simple Query.)"""
    with connect(cluster, autocommit=True) as conn:
        conn.execute("create table multi (k integer primary key)")
        with pytest.raises(pe.UniqueViolation):
            conn.execute("insert into multi values (1); insert into multi values (2); insert into multi values (1)")
        assert conn.execute("select count(*) from multi").fetchone() == (0,)
        cur = conn.execute("insert into multi values (1); insert into multi values (2); select count(*) from multi")
        tags = [cur.statusmessage]  # psycopg positions the cursor on the first result, as with PostgreSQL
        while cur.nextset():
            tags.append(cur.statusmessage)
        assert tags == ["INSERT 0 1", "INSERT 0 1", "SELECT 1"] and cur.fetchone() == (2,)


def test_uncommitted_insert_invisible_to_other_connection(cluster):
    with connect(cluster, autocommit=True) as a, connect(cluster, autocommit=True) as b:
        a.execute("create table vis (k integer primary key)")
        a.execute("begin")
        a.execute("insert into vis values (1)")
        assert a.execute("select count(*) from vis").fetchone() == (1,)
        assert b.execute("select count(*) from vis").fetchone() == (0,)
        b.execute("begin read only")  # a read-only transaction does not wait for the writer
        assert b.execute("select count(*) from vis").fetchone() == (0,)
        b.execute("commit")
        a.execute("commit")
        assert b.execute("select count(*) from vis").fetchone() == (1,)
        # a second writer waits for the first and fails after the lock timeout: 55P03
        a.execute("begin")
        a.execute("insert into vis values (2)")
        t0 = time.monotonic()
        with pytest.raises(pe.LockNotAvailable):
            b.execute("insert into vis values (3)")
        assert 4.0 < time.monotonic() - t0 < 15.0
        a.execute("commit")
        b.execute("insert into vis values (3)")
        assert b.execute("select k from vis order by k").fetchall() == [(1,), (2,), (3,)]


# --- errors -----------------------------------------------------------------------------------
ERROR_CASES = [  # (id, psycopg error class, SQLSTATE, statement, parameters)
    ("unique", pe.UniqueViolation, "23505", "insert into errs values (1, 'dup', 0)", ()),
    ("not_null", pe.NotNullViolation, "23502", "insert into errs (k, v) values (%s, %s)", (2, None)),
    ("undefined_table", pe.UndefinedTable, "42P01", "select * from no_such_table", ()),
    ("undefined_column", pe.UndefinedColumn, "42703", "select no_such_column from errs", ()),
    ("syntax", pe.SyntaxError, "42601", "selec 1", ()),
    ("cast_param", pe.InvalidTextRepresentation, "22P02", "select %s::int", ("abc",)),
    ("cast_literal", pe.InvalidTextRepresentation, "22P02", "select 'abc'::integer", ()),
    ("insert_text_into_int", pe.InvalidTextRepresentation, "22P02",
     "insert into errs (k, v, n) values (%s, 'x', %s)", (3, "abc")),
    ("division_by_zero", pe.DivisionByZero, "22012", "select 1 / 0", ()),
]


@pytest.fixture
def errs_conn(cluster):
    with connect(cluster, autocommit=True) as conn:
        conn.execute("create table if not exists errs (k integer primary key, v text not null, n integer)")
        conn.execute("delete from errs")
        conn.execute("insert into errs values (1, 'one', 1)")
        yield conn
        assert conn.execute("select k, v, n from errs").fetchall() == [(1, "one", 1)]


@pytest.mark.parametrize("name, cls, state, sql, params", ERROR_CASES)
def test_error_class(errs_conn, name, cls, state, sql, params):
    conn = errs_conn
    with pytest.raises(cls) as info:
        conn.execute(sql, params)
    assert info.value.sqlstate == state, (sql, info.value.sqlstate, str(info.value))
    assert conn.info.transaction_status == psycopg.pq.TransactionStatus.IDLE
    assert conn.execute("select 1").fetchone() == (1,)


def test_typed_int_parameter_not_an_int(errs_conn):
    """A parameter the client typed int4 whose text is not an integer: the server rejects the Bind."""
    conn = errs_conn
    # a parameter the client typed int4 whose text is not an integer: the server rejects the Bind
    class NotAnInt(str):
        pass

    class Int4TextDumper(psycopg.adapt.Dumper):
        oid = psycopg.postgres.types["int4"].oid

        def dump(self, obj):
            return str(obj).encode()

    cur = conn.cursor()
    cur.adapters.register_dumper(NotAnInt, Int4TextDumper)
    with pytest.raises(pe.InvalidTextRepresentation):
        cur.execute("select %s", (NotAnInt("12x"),))
    with pytest.raises(pe.InvalidTextRepresentation):
        cur.execute("insert into errs (k, v) values (%s, 'typed')", (NotAnInt("abc"),))
    cur.execute("select %s + 1", (NotAnInt("41"),))  # the dumper itself is fine
    assert cur.fetchone() == (42,)
    assert conn.execute("select count(*) from errs").fetchone() == (1,)


def test_failed_transaction_and_read_only(cluster):
    with connect(cluster) as conn:
        conn.execute("create table ftx (k integer primary key)")
        conn.commit()
        conn.execute("insert into ftx values (1)")
        with pytest.raises(pe.UniqueViolation):
            conn.execute("insert into ftx values (1)")
        assert conn.info.transaction_status == psycopg.pq.TransactionStatus.INERROR
        with pytest.raises(pe.InFailedSqlTransaction):
            conn.execute("select 1")
        with pytest.raises(pe.InFailedSqlTransaction):
            conn.execute("insert into ftx values (2)")
        conn.rollback()
        assert conn.info.transaction_status == psycopg.pq.TransactionStatus.IDLE
        assert conn.execute("select count(*) from ftx").fetchone() == (0,)
        conn.commit()

        # COMMIT of a failed transaction rolls it back (the tag is ROLLBACK)
        conn.autocommit = True
        conn.execute("begin")
        conn.execute("insert into ftx values (5)")
        with pytest.raises(pe.UndefinedTable):
            conn.execute("select * from nope_nope")
        cur = conn.execute("commit")
        assert cur.statusmessage == "ROLLBACK"
        assert conn.execute("select count(*) from ftx").fetchone() == (0,)

        conn.execute("begin read only")
        assert conn.execute("select count(*) from ftx").fetchone() == (0,)
        with pytest.raises(pe.ReadOnlySqlTransaction) as info:
            conn.execute("insert into ftx values (3)")
        assert info.value.sqlstate == "25006"
        conn.execute("rollback")
        conn.execute("insert into ftx values (4)")
        assert conn.execute("select k from ftx").fetchall() == [(4,)]


# --- cancel -----------------------------------------------------------------------------------
def test_statement_timeout(cluster):
    with connect(cluster, autocommit=True) as conn:
        conn.execute("set statement_timeout = 100")
        assert conn.execute("show statement_timeout").fetchone()[0] in ("100", "100ms")
        t0 = time.monotonic()
        with pytest.raises(pe.QueryCanceled) as info:
            conn.execute(SLOW_QUERY)
        elapsed = time.monotonic() - t0
        assert elapsed < CANCEL_WITHIN_S, elapsed
        assert "statement timeout" in str(info.value)
        assert conn.execute("select 1").fetchone() == (1,)  # short statements still run
        conn.execute("set statement_timeout = 0")
        assert conn.execute("select count(*) from (select 1 union all select 2) x").fetchone() == (2,)


def test_pg_sleep_sleeps_and_is_cancelled(cluster):
    with connect(cluster, autocommit=True) as conn:
        t0 = time.monotonic()
        assert conn.execute("select pg_sleep(0.2)").fetchone() == ("",)
        assert time.monotonic() - t0 >= 0.2
        conn.execute("set statement_timeout = 200")
        t0 = time.monotonic()
        with pytest.raises(pe.QueryCanceled):
            conn.execute("select pg_sleep(60)")
        assert time.monotonic() - t0 < CANCEL_WITHIN_S


def test_cancel_from_another_thread(cluster):
    with connect(cluster, autocommit=True) as conn:
        done = threading.Event()
        cancels = []

        def canceller():
            # keep canceling until the statement ends: a cancel that arrives before the
            # statement runs is a no-op, as in PostgreSQL
            while not done.wait(0.05):
                conn.cancel()
                cancels.append(time.monotonic())

        t = threading.Thread(target=canceller, daemon=True)
        t0 = time.monotonic()
        t.start()
        try:
            with pytest.raises(pe.QueryCanceled) as info:
                conn.execute(SLOW_QUERY)
        finally:
            done.set()
            t.join(10)
        assert time.monotonic() - t0 < CANCEL_WITHIN_S
        assert "user request" in str(info.value)
        assert cancels
        assert conn.execute("select 42").fetchone() == (42,)

        # inside a transaction: canceled like any error, 25P02 until rollback
        conn.execute("begin read only")
        done.clear()
        t = threading.Thread(target=canceller, daemon=True)
        t.start()
        try:
            with pytest.raises(pe.QueryCanceled):
                conn.execute(SLOW_QUERY)
        finally:
            done.set()
            t.join(10)
        with pytest.raises(pe.InFailedSqlTransaction):
            conn.execute("select 1")
        conn.execute("rollback")
        assert conn.execute("select 1").fetchone() == (1,)


# --- prepared statements, big results ---------------------------------------------------------
def test_prepared_statements(cluster):
    with connect(cluster, autocommit=True) as conn:
        conn.execute("create table prep (k integer primary key, v text)")
        for i in range(12):  # psycopg prepares it server-side from the 6th run (prepare_threshold 5)
            conn.execute("insert into prep (k, v) values (%s, %s)", (i, f"v{i}"))
        for i in range(12):
            assert conn.execute("select v from prep where k = %s", (i,)).fetchone() == (f"v{i}",)
        cur = conn.cursor()
        for i in range(3):
            cur.execute("select k, v from prep where k between %s and %s order by k", (i, i + 1), prepare=True)
            assert cur.fetchall() == [(i, f"v{i}"), (i + 1, f"v{i + 1}")]
        # the statements psycopg prepared exist on the server (libpq's Describe Statement)
        names = [n if isinstance(n, bytes) else n.encode() for n in conn._prepared._names.values()]
        assert names, "psycopg prepared nothing server-side"
        for name in names:
            res = conn.pgconn.describe_prepared(name)
            assert res.status == psycopg.pq.ExecStatus.COMMAND_OK, res.error_message
        res = conn.pgconn.describe_prepared(b"no_such_statement")
        assert res.status == psycopg.pq.ExecStatus.FATAL_ERROR
        assert res.error_field(psycopg.pq.DiagnosticField.SQLSTATE) == b"26000"
        # schema change after prepare: the prepared statement still answers correctly
        conn.execute("alter table prep add column w integer")
        cur.execute("select k, v from prep where k between %s and %s order by k", (0, 1), prepare=True)
        assert cur.fetchall() == [(0, "v0"), (1, "v1")]
        # prepare_threshold=0: every statement prepared on first use
        conn.prepare_threshold = 0
        assert conn.execute("select count(*) from prep where k >= %s", (6,)).fetchone() == (6,)


def test_fetchmany_large_result(cluster):
    n = 10_000
    with connect(cluster, autocommit=True) as conn:
        conn.execute("create table big (k integer primary key, s text)")
        with conn.cursor().copy("COPY big (k, s) FROM STDIN") as copy:
            for i in range(n):
                copy.write_row((i, f"row-{i:05d}-" + "x" * 50))
        cur = conn.cursor()
        cur.execute("select k, s from big order by k")
        assert cur.rowcount == n
        seen = 0
        while True:
            chunk = cur.fetchmany(997)
            if not chunk:
                break
            assert [r[0] for r in chunk] == list(range(seen, seen + len(chunk)))
            seen += len(chunk)
        assert seen == n


def test_server_side_cursor(cluster):
    with connect(cluster) as conn:
        conn.execute("create table ssc (k integer primary key)")
        conn.execute("insert into ssc select g from generate_series(1, 3000) as t(g)")
        conn.commit()
        with conn.cursor(name="ssc_cursor") as scur:
            scur.itersize = 1000
            scur.execute("select k from ssc where k <= 2500 order by k")
            assert [r[0] for r in scur] == list(range(1, 2501))
        conn.commit()
    with connect(cluster, autocommit=True) as conn:
        with pytest.raises(pe.NoActiveSqlTransaction):  # 25P01: WITHOUT HOLD needs a transaction
            conn.execute("declare c1 cursor for select k from ssc")
        conn.execute("declare c2 cursor with hold for select k from ssc where k > 2990 order by k")
        assert conn.execute("fetch 3 from c2").fetchall() == [(2991,), (2992,), (2993,)]
        assert conn.execute("move forward 5 in c2").statusmessage == "MOVE 5"
        assert conn.execute("fetch all from c2").fetchall() == [(2999,), (3000,)]
        assert conn.execute("fetch next from c2").fetchall() == []
        conn.execute("close c2")
        with pytest.raises(pe.InvalidCursorName):  # 34000
            conn.execute("fetch 1 from c2")


def test_idle_reading_transaction_blocks_no_writer_and_isolation_levels(cluster):
    """psycopg opens a transaction before the first statement of a non-autocommit
    connection, so a reading client sits 'idle in transaction'. That must not block
    writers: the write lock is taken at a transaction's first write. READ COMMITTED
    (the default) sees each commit; REPEATABLE READ keeps one snapshot and its first
    write after a concurrent commit fails with 40001 (retriable)."""
    with connect(cluster) as a, connect(cluster, autocommit=True) as b:
        b.execute("create table iso (k integer primary key, v integer)")
        b.execute("insert into iso values (1, 0)")
        assert a.execute("select v from iso where k = 1").fetchone() == (0,)
        assert a.info.transaction_status == psycopg.pq.TransactionStatus.INTRANS
        t0 = time.monotonic()
        b.execute("update iso set v = 1 where k = 1")
        assert time.monotonic() - t0 < 1.0, "a reading transaction blocked a writer"
        assert a.execute("select v from iso where k = 1").fetchone() == (1,)  # read committed
        assert a.execute("show transaction_isolation").fetchone() == ("read committed",)
        a.execute("update iso set v = v + 10 where k = 1")
        a.commit()
        assert b.execute("select v from iso").fetchone() == (11,)

        a.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        assert a.execute("select v from iso").fetchone() == (11,)
        assert a.execute("show transaction_isolation").fetchone() == ("repeatable read",)
        b.execute("update iso set v = 12")
        assert a.execute("select v from iso").fetchone() == (11,)  # its snapshot
        with pytest.raises(pe.SerializationFailure):
            a.execute("update iso set v = 0")
        a.rollback()
        a.execute("update iso set v = v + 1")  # the retry: a write first, nothing to conflict with
        a.commit()
        assert b.execute("select v from iso").fetchone() == (13,)


def test_idle_writer_is_disconnected_and_releases_the_write_lock(cluster):
    """A client that wrote and then went idle inside its transaction holds the one write
    lock; after idle_in_transaction_session_timeout (by default a bound for write
    transactions, PG_IDLE_IN_WRITE_TRANSACTION_TIMEOUT_MS) it is disconnected with
    25P03, its transaction rolled back, and the next writer goes on."""
    with connect(cluster, autocommit=True) as a, connect(cluster, autocommit=True) as b:
        b.execute("create table idle_w (k integer primary key)")
        a.execute("set idle_in_transaction_session_timeout = '300ms'")
        a.execute("begin")
        a.execute("insert into idle_w values (1)")
        t0 = time.monotonic()
        b.execute("insert into idle_w values (2)")  # waits for the lock until a is cut off
        waited_s = time.monotonic() - t0
        assert 0.2 < waited_s < 3.0, waited_s
        with pytest.raises(pe.IdleInTransactionSessionTimeout):  # 25P03, then the connection is gone
            a.execute("select 1")
        with pytest.raises(psycopg.OperationalError):
            a.execute("select 1")
        assert b.execute("select k from idle_w order by k").fetchall() == [(2,)]


def test_data_modifying_with_takes_parameters_and_is_one_statement(cluster):
    """A data-modifying WITH query through the extended protocol: described before it runs
    (its RETURNING columns typed), its parameters bound in each part, and undone whole when
    a later part fails."""
    with connect(cluster, autocommit=True) as conn:
        conn.execute("create table wjobs (id int primary key, payload jsonb, due timestamptz)")
        conn.execute("create table wdone (id int primary key, payload jsonb, due timestamptz)")
        conn.execute("insert into wjobs select g, jsonb_build_object('g', g), timestamptz '2026-01-01 00:00+00' "
                     "+ g * interval '1 day' from generate_series(1, 5) g")
        cur = conn.execute("with moved as (delete from wjobs where id <= %s returning *) "
                           "insert into wdone select * from moved returning id, payload, due", (2,))
        assert [(d.name, d.type_code) for d in cur.description] == [("id", 23), ("payload", 3802), ("due", 1184)]
        assert sorted(r[0] for r in cur.fetchall()) == [1, 2]
        assert cur.fetchall() == [] and cur.rowcount == 2
        with pytest.raises(psycopg.errors.UniqueViolation):  # the insert fails: the delete is undone
            conn.execute("with moved as (delete from wjobs where id = %s returning *) "
                         "insert into wdone select id - 2, payload, due from moved", (3,))
        assert conn.execute("select count(*) from wjobs").fetchone() == (3,)
        cur = conn.execute("with u as (update wdone set payload = payload || %s where id = %s returning payload) "
                           "select payload from u", (psycopg.types.json.Jsonb({"x": 1}), 2))
        assert cur.fetchall() == [({"g": 2, "x": 1},)]
        conn.execute("drop table wjobs, wdone")


def test_merge_takes_parameters_and_is_one_statement(cluster):
    """MERGE through the extended protocol: parameters bound in each of its steps, the
    rows it changed in its tag, and nothing changed when it fails part way."""
    with connect(cluster, autocommit=True) as conn:
        conn.execute("create table mstock (sku text primary key, qty int not null check (qty >= 0))")
        conn.execute("insert into mstock values ('a', 5), ('b', 1)")
        merge = ("merge into mstock t using (values (%s, %s::int), (%s, %s::int)) s(sku, delta) on t.sku = s.sku "
                 "when matched and t.qty + s.delta = 0 then delete "
                 "when matched then update set qty = t.qty + s.delta "
                 "when not matched then insert values (s.sku, s.delta)")
        cur = conn.execute(merge, ("a", 2, "c", 7))
        assert cur.statusmessage == "MERGE 2"
        assert conn.execute("select * from mstock order by sku").fetchall() == [("a", 7), ("b", 1), ("c", 7)]
        cur = conn.execute(merge, ("b", -1, "d", 1))
        assert cur.statusmessage == "MERGE 2"
        with pytest.raises(psycopg.errors.CheckViolation):  # 'a' would go below 0: 'e' is not inserted either
            conn.execute(merge, ("e", 3, "a", -100))
        assert conn.execute("select * from mstock order by sku").fetchall() == [("a", 7), ("c", 7), ("d", 1)]
        with pytest.raises(psycopg.errors.CardinalityViolation):
            conn.execute(merge, ("a", 1, "a", 1))
        conn.execute("drop table mstock")
