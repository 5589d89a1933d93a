"""Bad input to the PostgreSQL wire server over raw TCP (tests/integration/pg_raw.py):
malformed frames before and after authentication, protocol-order violations, broken
SCRAM exchanges, clients that vanish mid-message, mid-COPY or mid-transaction.

Every case ends in an ErrorResponse or a closed connection, never a hang (every read
times out after pg_raw.READ_TIMEOUT_S); where PostgreSQL keeps the connection, so must
Sixfold (Sync gives ReadyForQuery 'I', then `select 1` works). After each case a
well-behaved psycopg client connects and runs `select 1` within a second, and the writer
process is alive. Random input is seeded: SIXFOLD_SEED=<n> replays a run.
"""

from __future__ import annotations

import os
import random
import secrets
import struct
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

import psycopg
import pytest

from tests.integration import pg_raw as r

pytestmark = pytest.mark.integration

SEED = int(os.environ.get("SIXFOLD_SEED") or random.SystemRandom().randrange(1 << 31))
GOOD_CLIENT_WITHIN_S = 1.0
CONCURRENT_BAD = 50
MB = 1024 * 1024


# --- one cluster for the module ---------------------------------------------------------------
@pytest.fixture(scope="module")
def table(pg_module_builder):
    print(f"\nSIXFOLD_SEED={SEED}")
    with psycopg.connect(pg_module_builder.clusters[0].uri(), autocommit=True, connect_timeout=10) as conn:
        conn.execute("create table bad_t (k integer primary key, v text)")


@pytest.fixture
def cluster(pg_module_cluster, table):
    """The module's cluster (tests/conftest.py); the log lines with errors a test adds fail it."""
    return pg_module_cluster


def password(cluster) -> str:
    return urlsplit(cluster.uri()).password


def raw(cluster) -> r.RawConn:
    return r.RawConn(*cluster.host_port("writer"))


def logged_in(cluster) -> r.RawConn:
    c = raw(cluster)
    c.login("sixfold", password(cluster))
    return c


def good_client(cluster, write: bool = False) -> None:
    """A well-behaved client connects and runs `select 1` (and, with `write`, a write that
    needs the write lock) within GOOD_CLIENT_WITHIN_S; the writer process is alive."""
    assert cluster.nodes[cluster.writer_name()].alive, "the writer process died"
    t0 = time.monotonic()
    with psycopg.connect(cluster.uri(), autocommit=True, connect_timeout=5) as conn:
        assert conn.execute("select 1").fetchone() == (1,)
        if write:
            k = secrets.randbelow(1 << 30) + 1_000_000
            conn.execute("insert into bad_t values (%s, 'good')", (k,))
            conn.execute("delete from bad_t where k = %s", (k,))
    elapsed = time.monotonic() - t0
    assert elapsed < GOOD_CLIENT_WITHIN_S, f"the well-behaved client took {elapsed:.3f} s"
    assert cluster.nodes[cluster.writer_name()].alive, "the writer process died"


def rng(case: str, i: int = 0) -> random.Random:
    return random.Random(f"{SEED}:{case}:{i}")


# --- outcome checks ---------------------------------------------------------------------------
def error_or_closed(c: r.RawConn, states: tuple[str, ...] | None = None) -> dict | None:
    """An ErrorResponse (with one of `states`, when given) or the end of the connection."""
    err = c.error_or_close()
    if err is not None and states is not None:
        assert err.get("C") in states, err
    return err


def fatal_and_closed(c: r.RawConn, state: str) -> dict:
    err = c.error_or_close()
    assert err is not None, f"connection closed without an ErrorResponse (expected FATAL {state})"
    assert (err.get("V") or err.get("S"), err.get("C")) == ("FATAL", state), err
    c.expect_closed()
    return err


def assert_usable(c: r.RawConn) -> None:
    msgs = c.simple("select 1")
    rows = [r.data_row(b) for k, b in msgs if k == b"D"]
    assert rows == [[b"1"]], msgs
    assert msgs[-1] == (b"Z", b"I"), msgs


def error_then_ready(c: r.RawConn, state: str, sync: bool = True) -> dict:
    """One ERROR (not FATAL) with `state`, then (after Sync) ReadyForQuery 'I'; usable."""
    if sync:
        c.send(r.sync())
    msgs = c.until_ready()
    errors = [r.error_fields(b) for k, b in msgs if k == b"E"]
    assert len(errors) == 1, msgs
    assert (errors[0].get("V"), errors[0].get("C")) == ("ERROR", state), errors[0]
    assert msgs[-1] == (b"Z", b"I"), msgs
    assert_usable(c)
    return errors[0]


def error_then_consistent(c: r.RawConn, state: str, sync: bool = True) -> dict:
    """A protocol error where PostgreSQL answers ERROR and keeps the connection (the frame
    itself was intact); closing it with FATAL is accepted too, as long as the severity
    tells the truth: FATAL -> closed, ERROR -> usable."""
    if sync:
        c.send(r.sync())
    err = c.error_or_close()
    assert err is not None, "connection closed without an ErrorResponse"
    assert err.get("C") == state, err
    if err.get("V") == "FATAL":
        c.expect_closed()
    else:
        assert err.get("V") == "ERROR", err
        assert c.until_ready()[-1] == (b"Z", b"I")
        assert_usable(c)
    return err


# --- cases before authentication --------------------------------------------------------------
def pre_negative_length(cluster, i=0):
    with raw(cluster) as c:
        c.send(struct.pack("!i", -8) + b"\0" * 8)
        error_or_closed(c, ("08P01",))


def pre_zero_length(cluster, i=0):
    with raw(cluster) as c:
        c.send(struct.pack("!i", 0) + b"\0" * 8)
        error_or_closed(c, ("08P01",))


def pre_short_length(cluster, i=0):
    with raw(cluster) as c:
        c.send(struct.pack("!i", 7) + b"\0\3\0")
        error_or_closed(c, ("08P01",))


def pre_claims_256mb(cluster, i=0):
    with raw(cluster) as c:  # no half-close: the server must not wait for the 256 MB
        c.send(r.startup({"user": "sixfold", "database": "sixfold"}, length=256 * MB))
        error_or_closed(c, ("08P01",))


def pre_truncated_then_close(cluster, i=0):
    with raw(cluster) as c:
        c.send(r.startup({"user": "sixfold", "database": "sixfold"})[:20])
        c.shutdown_write()
        error_or_closed(c, ("08P01",))


def pre_random_bytes(cluster, i=0):
    data = rng("pre_random_bytes", i).randbytes(10_000)
    with raw(cluster) as c:
        c.send(data)
        c.shutdown_write()
        error_or_closed(c)


def pre_ssl_then_garbage(cluster, i=0):
    with raw(cluster) as c:
        c.send(r.ssl_request())
        assert c.recv_exact(1) == b"N"  # no TLS configured
        # what a client that ignores the 'N' sends: a TLS ClientHello
        c.send(bytes.fromhex("16030100c4010000c00303") + rng("ssl", i).randbytes(200))
        c.shutdown_write()
        error_or_closed(c, ("08P01", "0A000"))


def pre_protocol_2(cluster, i=0):
    with raw(cluster) as c:
        c.send(r.startup({"user": "sixfold", "database": "sixfold"}, version=2 << 16))
        fatal_and_closed(c, "0A000")


def pre_protocol_4(cluster, i=0):
    with raw(cluster) as c:
        c.send(r.startup({"user": "sixfold", "database": "sixfold"}, version=4 << 16))
        fatal_and_closed(c, "0A000")


def pre_protocol_3_9_negotiated(cluster, i=0):
    """A newer minor version and an unknown _pq_ option: NegotiateProtocolVersion, then login."""
    with raw(cluster) as c:
        c.send(r.startup({"user": "sixfold", "database": "sixfold", "_pq_.fancy": "1"}, version=(3 << 16) | 9))
        kind, body = c.read_message()
        assert kind == b"v", (kind, body)
        minor, n = struct.unpack("!ii", body[:8])
        assert (minor, n) == (0, 1) and body[8:] == b"_pq_.fancy\0", body
        kind, body = c.read_message()
        assert kind == b"R" and r.auth_code(body) == 10, (kind, body)


def pre_no_user(cluster, i=0):
    with raw(cluster) as c:
        c.send(r.startup({"database": "sixfold"}))
        fatal_and_closed(c, "28000")


def pre_unterminated_params(cluster, i=0):
    with raw(cluster) as c:
        body = struct.pack("!i", r.PROTOCOL_V3) + b"user\0sixfold"  # no NULs at the end
        c.send(struct.pack("!i", len(body) + 4) + body)
        error_or_closed(c, ("08P01",))


def _sasl_start(c: r.RawConn, sc: r.ScramClient) -> bytes:
    c.start("sixfold")
    kind, body = c.read_message()
    assert kind == b"R" and r.auth_code(body) == 10, (kind, body)
    c.send(r.sasl_initial("SCRAM-SHA-256", sc.first()))
    kind, body = c.read_message()
    assert kind == b"R" and r.auth_code(body) == 11, (kind, body)
    return body[4:]


def pre_scram_malformed_final(cluster, i=0):
    with raw(cluster) as c:
        _sasl_start(c, r.ScramClient("whatever"))
        c.send(r.sasl_response(b"this is no client-final-message"))
        err = fatal_and_closed(c, "28P01")
        assert "password authentication failed" in err["M"], err


def pre_scram_final_bad_nonce(cluster, i=0):
    with raw(cluster) as c:
        sc = r.ScramClient(password(cluster))
        server_first = _sasl_start(c, sc)
        final = sc.final(server_first)
        c.send(r.sasl_response(final.replace(b",r=", b",r=X", 1)))
        fatal_and_closed(c, "28P01")


def pre_scram_final_bad_base64(cluster, i=0):
    with raw(cluster) as c:
        sc = r.ScramClient(password(cluster))
        server_first = _sasl_start(c, sc)
        final = sc.final(server_first)
        c.send(r.sasl_response(final[:final.index(b",p=")] + b",p=!!!not base64!!!"))
        fatal_and_closed(c, "28P01")


def pre_scram_wrong_password(cluster, i=0):
    with raw(cluster) as c:
        sc = r.ScramClient("not-the-password")
        server_first = _sasl_start(c, sc)
        c.send(r.sasl_response(sc.final(server_first)))
        err = fatal_and_closed(c, "28P01")
        assert err["M"] == 'password authentication failed for user "sixfold"', err


def pre_scram_wrong_mechanism(cluster, i=0):
    with raw(cluster) as c:
        c.start("sixfold")
        kind, body = c.read_message()
        assert kind == b"R" and r.auth_code(body) == 10
        c.send(r.sasl_initial("SCRAM-SHA-1", b"n,,n=,r=abc"))
        err = c.error_or_close()
        assert err is not None and err["C"] in ("28000", "08P01"), err
        c.expect_closed()


def pre_query_instead_of_sasl(cluster, i=0):
    with raw(cluster) as c:
        c.start("sixfold")
        kind, body = c.read_message()
        assert kind == b"R" and r.auth_code(body) == 10
        c.send(r.query("select 1"))
        err = c.error_or_close()
        assert err is not None and err["C"] in ("08P01", "28000", "28P01"), err
        c.expect_closed()


def pre_bogus_cancel(cluster, i=0):
    with raw(cluster) as c:
        c.send(struct.pack("!iiii", 16, 80877102, 12345, 67890))
        c.expect_closed()


# --- cases after authentication ---------------------------------------------------------------
def post_negative_length(cluster, i=0):
    with logged_in(cluster) as c:
        c.send(b"Q" + struct.pack("!i", -1) + b"select 1\0")
        fatal_and_closed(c, "08P01")


def post_claims_256mb(cluster, i=0):
    with logged_in(cluster) as c:  # no half-close: answered at once
        c.send(r.frame(b"Q", b"select 1\0", length=256 * MB))
        fatal_and_closed(c, "08P01")


def post_unknown_type(cluster, i=0):
    with logged_in(cluster) as c:
        c.send(r.frame(b"?", b""))
        fatal_and_closed(c, "08P01")


def post_truncated_then_disconnect(cluster, i=0):
    with logged_in(cluster) as c:
        c.send(r.query("select 1")[:8])
        c.shutdown_write()
        c.expect_closed()


def post_random_bytes(cluster, i=0):
    data = rng("post_random_bytes", i).randbytes(10_000)
    with logged_in(cluster) as c:
        c.send(data)
        c.shutdown_write()
        try:
            while True:  # whatever it makes of them, then the end of the connection
                c.read_message()
        except r.Closed:
            pass


def post_execute_without_bind(cluster, i=0):
    with logged_in(cluster) as c:
        c.send(r.execute(""))
        error_then_ready(c, "34000")


def post_bind_unknown_statement(cluster, i=0):
    with logged_in(cluster) as c:
        c.send(r.bind("", "no_such_statement"))
        error_then_ready(c, "26000")


def post_bind_wrong_param_count(cluster, i=0):
    """PostgreSQL: ERROR 08P01 'bind message supplies 1 parameters, but prepared statement
    "" requires 2', and the connection stays usable."""
    with logged_in(cluster) as c:
        c.send(r.parse("", "select $1::int + $2::int") + r.bind("", "", (b"1",)) + r.execute(""))
        c.send(r.sync())
        msgs = c.until_ready()
        assert msgs[0][0] == b"1", msgs  # ParseComplete
        errors = [r.error_fields(b) for k, b in msgs if k == b"E"]
        assert len(errors) == 1 and (errors[0].get("V"), errors[0].get("C")) == ("ERROR", "08P01"), msgs
        assert msgs[-1] == (b"Z", b"I")
        assert_usable(c)


def post_parse_two_statements(cluster, i=0):
    with logged_in(cluster) as c:
        c.send(r.parse("", "select 1; select 2"))
        error_then_ready(c, "42601")


def post_describe_unknown_portal(cluster, i=0):
    with logged_in(cluster) as c:
        c.send(r.describe("P", "no_such_portal"))
        error_then_ready(c, "34000")


def post_describe_unknown_statement(cluster, i=0):
    with logged_in(cluster) as c:
        c.send(r.describe("S", "no_such_statement"))
        error_then_ready(c, "26000")


def post_error_skips_until_sync(cluster, i=0):
    """After an error, the rest of the batch up to Sync is skipped: one ErrorResponse only."""
    with logged_in(cluster) as c:
        c.send(r.parse("", "selec 1") + r.bind("", "") + r.describe("P", "") + r.execute("") + r.sync())
        msgs = c.until_ready()
        assert [k for k, _ in msgs] == [b"E", b"Z"], msgs
        assert r.error_fields(msgs[0][1])["C"] == "42601"
        assert msgs[-1] == (b"Z", b"I")
        assert_usable(c)


def post_error_reaches_a_client_that_only_flushed(cluster, i=0):
    """An error in Parse is sent at once, as PostgreSQL does: a client that sent Parse,
    Describe and Flush (asyncpg's prepare) waits for an answer before it sends Sync."""
    with logged_in(cluster) as c:
        c.send(r.parse("s1", "selec 1") + r.describe("S", "s1") + r.flush())
        kind, body = c.read_message()  # a Hang here is the bug: the error sat in the send buffer
        assert kind == b"E" and r.error_fields(body)["C"] == "42601", (kind, body)
        c.send(r.sync())
        assert c.until_ready()[-1] == (b"Z", b"I")
        assert_usable(c)


def post_extended_happy_path_with_flush_and_suspend(cluster, i=0):
    """Not bad input: the baseline the error cases are judged against (Flush without Sync,
    Execute with a row limit: PortalSuspended, then the rest)."""
    with logged_in(cluster) as c:
        c.send(r.parse("s1", "select k from (select 1 as k union all select 2 union all select 3) t order by k")
               + r.flush())
        assert c.read_message() == (b"1", b"")
        c.send(r.bind("p1", "s1") + r.execute("p1", 2) + r.flush())
        msgs = c.until(b"s", b"C")
        assert [k for k, _ in msgs] == [b"2", b"D", b"D", b"s"], msgs
        c.send(r.execute("p1", 0) + r.sync())
        msgs = c.until_ready()
        assert [k for k, _ in msgs] == [b"D", b"C", b"Z"], msgs
        assert r.data_row(msgs[0][1]) == [b"3"]
        assert_usable(c)


def post_disconnect_mid_extended(cluster, i=0):
    with logged_in(cluster) as c:
        c.send(r.parse("", "select $1::int") + r.bind("", "", (b"5",)))
        c.shutdown_write()
        c.expect_closed()


def post_disconnect_in_transaction(cluster, i=0):
    """A client that holds the write lock (BEGIN + an insert through Parse/Bind/Execute,
    no Sync) and vanishes: the server rolls back and frees the lock."""
    k = 500_000 + rng("txn", i).randrange(100_000)
    with logged_in(cluster) as c:
        assert c.simple("begin")[-1] == (b"Z", b"T")
        c.send(r.parse("", "insert into bad_t values ($1, 'orphan')") + r.bind("", "", (str(k).encode(),))
               + r.execute("") + r.flush())
        msgs = c.until(b"C", b"E")
        assert msgs[-1][0] == b"C", msgs
        c.shutdown_write()
        c.expect_closed()
    with psycopg.connect(cluster.uri(), autocommit=True, connect_timeout=5) as conn:
        assert conn.execute("select count(*) from bad_t where k = %s", (k,)).fetchone() == (0,)


def post_query_invalid_utf8(cluster, i=0):
    with logged_in(cluster) as c:
        c.send(r.query(b"select '\xff\xfe'"))
        error_then_ready(c, "22021", sync=False)


def post_query_not_nul_terminated(cluster, i=0):
    with logged_in(cluster) as c:
        c.send(r.query("select 1", nul=False))
        error_then_consistent(c, "08P01", sync=False)


def post_bind_param_overruns_message(cluster, i=0):
    with logged_in(cluster) as c:
        body = r.cstr("") + r.cstr("") + struct.pack("!hhi", 0, 1, 1000) + b"12" + struct.pack("!h", 0)
        c.send(r.parse("", "select $1::int") + r.frame(b"B", body))
        error_then_consistent(c, "08P01")


def post_describe_bad_subtype(cluster, i=0):
    with logged_in(cluster) as c:
        c.send(r.frame(b"D", b"Zname\0"))
        error_then_consistent(c, "08P01")


def post_copy_then_garbage_type(cluster, i=0):
    """PostgreSQL: ERROR 'unexpected message type 0x3F during COPY from stdin', then FATAL
    (protocol synchronization lost) and close. The COPY's rows are not kept."""
    k = 600_000 + rng("copy_garbage", i).randrange(100_000)
    with logged_in(cluster) as c:
        c.send(r.query("copy bad_t from stdin"))
        kind, body = c.read_message()
        assert kind == b"G", (kind, body)
        c.send(r.copy_data(f"{k}\tcopied\n".encode()) + r.frame(b"?", b"junk"))
        err = c.error_or_close()
        assert err is not None and err["C"] == "08P01", err
        c.expect_closed()
    with psycopg.connect(cluster.uri(), autocommit=True, connect_timeout=5) as conn:
        assert conn.execute("select count(*) from bad_t where k = %s", (k,)).fetchone() == (0,)


def post_copy_fail(cluster, i=0):
    k = 700_000 + rng("copy_fail", i).randrange(100_000)
    with logged_in(cluster) as c:
        c.send(r.query("copy bad_t from stdin"))
        kind, body = c.read_message()
        assert kind == b"G", (kind, body)
        c.send(r.copy_data(f"{k}\tcopied\n".encode()) + r.copy_fail("client changed its mind"))
        msgs = c.until_ready()
        errors = [r.error_fields(b) for kk, b in msgs if kk == b"E"]
        assert len(errors) == 1 and errors[0]["C"] == "57014", msgs
        assert "client changed its mind" in errors[0]["M"]
        assert msgs[-1] == (b"Z", b"I"), msgs
        # leftover copy messages after the failure are ignored, as PostgreSQL does
        c.send(r.copy_data(b"1\tlate\n") + r.copy_done())
        assert_usable(c)
        assert [r.data_row(b) for kk, b in c.simple(f"select count(*) from bad_t where k = {k}") if kk == b"D"] \
            == [[b"0"]]


def post_disconnect_mid_copy(cluster, i=0):
    """COPY FROM holds the write lock; a client that vanishes mid-COPY must not keep it."""
    k = 800_000 + rng("copy_gone", i).randrange(100_000)
    with logged_in(cluster) as c:
        c.send(r.query("copy bad_t from stdin"))
        kind, body = c.read_message()
        assert kind == b"G", (kind, body)
        c.send(r.copy_data(f"{k}\tcopied\n".encode()) + r.copy_data(b"12"))
        c.shutdown_write()
        c.expect_closed()
    with psycopg.connect(cluster.uri(), autocommit=True, connect_timeout=5) as conn:
        assert conn.execute("select count(*) from bad_t where k = %s", (k,)).fetchone() == (0,)


PRE_AUTH = [pre_negative_length, pre_zero_length, pre_short_length, pre_claims_256mb, pre_truncated_then_close,
            pre_random_bytes, pre_ssl_then_garbage, pre_protocol_2, pre_protocol_4, pre_protocol_3_9_negotiated,
            pre_no_user, pre_unterminated_params, pre_scram_malformed_final, pre_scram_final_bad_nonce,
            pre_scram_final_bad_base64, pre_scram_wrong_password, pre_scram_wrong_mechanism,
            pre_query_instead_of_sasl, pre_bogus_cancel]
POST_AUTH = [post_negative_length, post_claims_256mb, post_unknown_type, post_truncated_then_disconnect,
             post_random_bytes, post_execute_without_bind, post_bind_unknown_statement, post_bind_wrong_param_count,
             post_parse_two_statements, post_describe_unknown_portal, post_describe_unknown_statement,
             post_error_skips_until_sync, post_error_reaches_a_client_that_only_flushed,
             post_extended_happy_path_with_flush_and_suspend,
             post_disconnect_mid_extended, post_disconnect_in_transaction, post_query_invalid_utf8,
             post_query_not_nul_terminated, post_bind_param_overruns_message, post_describe_bad_subtype,
             post_copy_then_garbage_type, post_copy_fail, post_disconnect_mid_copy]
WRITES = {post_disconnect_in_transaction, post_copy_then_garbage_type, post_copy_fail, post_disconnect_mid_copy,
          post_disconnect_mid_extended}


# Cases where Sixfold differs from PostgreSQL today (see the reason); strict xfail, and left
# out of the concurrent mix so that test checks the concurrency. Remove an entry once fixed.
KNOWN_DIFFERENCES: dict = {}


def _case_param(f):
    marks = [pytest.mark.xfail(strict=True, reason=KNOWN_DIFFERENCES[f])] if f in KNOWN_DIFFERENCES else []
    return pytest.param(f, id=f.__name__, marks=marks)


@pytest.mark.parametrize("case", [_case_param(f) for f in PRE_AUTH + POST_AUTH])
def test_bad_input(cluster, case):
    case(cluster)
    good_client(cluster, write=case in WRITES)


def test_many_bad_connections_at_once(cluster):
    """CONCURRENT_BAD bad clients at once, mixing every case; then the well-behaved client,
    while idle, half-started and mid-SCRAM connections are still open."""
    host, port = cluster.host_port("writer")
    idle = [r.RawConn(host, port) for _ in range(10)]
    half = [r.RawConn(host, port) for _ in range(5)]
    for c in half:
        c.send(r.startup({"user": "sixfold", "database": "sixfold"})[:10])
    mid_scram = [r.RawConn(host, port) for _ in range(5)]
    for c in mid_scram:
        _sasl_start(c, r.ScramClient(password(cluster)))
    cases = [f for f in PRE_AUTH + POST_AUTH if f not in KNOWN_DIFFERENCES]
    order = [cases[j % len(cases)] for j in range(CONCURRENT_BAD)]
    rng("concurrent").shuffle(order)
    with ThreadPoolExecutor(CONCURRENT_BAD) as pool:
        futures = [(case, pool.submit(case, cluster, j)) for j, case in enumerate(order)]
        failures = []
        for case, f in futures:
            try:
                f.result(timeout=60)
            except Exception as e:  # noqa: BLE001 - collect them all
                failures.append(f"{case.__name__}: {type(e).__name__}: {e}")
    try:
        assert not failures, "\n".join(failures)
        good_client(cluster, write=True)
    finally:
        for c in idle + half + mid_scram:
            c.close()
