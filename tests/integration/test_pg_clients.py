"""The real `psql` and `pgbench` binaries against a Sixfold cluster (SCRAM login).

* psql runs DDL, DML, a transaction that commits and one that rolls back, and errors
  (each reported with its SQLSTATE under VERBOSITY verbose, and ON_ERROR_STOP exits 3).
* `pgbench -i -s 2` initializes, `pgbench -c 4 -j 2 -T 15` runs with 0 failed
  transactions, and pgbench_history holds exactly the transactions pgbench reported.
  (The pgbench duration can be shortened with SIXFOLD_PGBENCH_SECONDS for a local run.)
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess

import pytest

pytestmark = pytest.mark.integration

PSQL = shutil.which("psql")
PGBENCH = shutil.which("pgbench")
CLIENT_TIMEOUT_S = 120


def run(argv: list[str], uri: str, stdin: str | None = None, timeout: float = CLIENT_TIMEOUT_S):
    env = {**os.environ, "PGCONNECT_TIMEOUT": "10"}
    return subprocess.run(argv, input=stdin, capture_output=True, text=True, timeout=timeout, env=env)


def psql(uri: str, *args: str, stdin: str | None = None):
    assert PSQL, "psql is not installed: apt-get install postgresql-client"
    return run([PSQL, uri, "-X", "-v", "ON_ERROR_STOP=1", "-v", "VERBOSITY=verbose", *args], uri, stdin)


def test_psql_ddl_dml_transactions_errors(pg_cluster):
    uri = pg_cluster.uri()
    assert ":" in uri.split("@")[0].removeprefix("postgresql://"), "the URI carries a password"
    cp = psql(uri, stdin="""
        create table accounts (id integer primary key, owner varchar(40) not null, balance numeric(12,2),
                               opened timestamp default now(), active boolean default true);
        insert into accounts (id, owner, balance) values (1, 'ada', 100.50), (2, 'bob', 20);
        begin;
        update accounts set balance = balance - 10 where id = 1;
        update accounts set balance = balance + 10 where id = 2;
        commit;
        begin;
        delete from accounts;
        rollback;
        select id, owner, balance, active from accounts order by id;
    """)
    assert cp.returncode == 0, cp.stderr
    assert "CREATE TABLE" in cp.stdout and "INSERT 0 2" in cp.stdout and "ROLLBACK" in cp.stdout
    rows = [line.split("|") for line in cp.stdout.splitlines() if re.match(r"^\s+\d+ \|", line)]
    assert [[c.strip() for c in r] for r in rows] == [["1", "ada", "90.50", "t"], ["2", "bob", "30.00", "t"]]

    # Errors: each with its SQLSTATE; ON_ERROR_STOP makes psql exit 3 at the first one.
    for sql, state in [("insert into accounts (id, owner) values (1, 'dup')", "23505"),
                       ("insert into accounts (id) values (3)", "23502"),
                       ("select * from nowhere", "42P01"),
                       ("select nosuch from accounts", "42703"),
                       ("selec 1", "42601"),
                       ("select 'abc'::integer", "22P02")]:
        cp = psql(uri, "-c", sql)
        assert cp.returncode == 1 and f"ERROR:  {state}" in cp.stderr, (sql, cp.stderr)

    # psql's aborted-transaction behaviour: the error, then 25P02 for the next statement.
    cp = run([PSQL, uri, "-X", "-v", "VERBOSITY=verbose"], uri, stdin="""
        begin;
        insert into accounts (id, owner) values (1, 'dup');
        select 1;
        rollback;
        select count(*) as n from accounts;
    """)
    assert "23505" in cp.stderr and "25P02" in cp.stderr and "ROLLBACK" in cp.stdout
    assert re.search(r"^\s+2\s*$", cp.stdout, re.M), cp.stdout

    # A wrong password is refused with 28P01 and psql exits 2.
    bad = re.sub(r"(postgresql://[^:]+:)[^@]+@", r"\1wrong@", uri)
    cp = psql(bad, "-c", "select 1")
    assert cp.returncode == 2 and "password authentication failed" in cp.stderr


def test_pgbench_init_and_run(pg_cluster):
    assert PGBENCH, "pgbench is not installed: apt-get install postgresql-contrib (or postgresql)"
    uri = pg_cluster.uri()
    seconds = int(os.environ.get("SIXFOLD_PGBENCH_SECONDS", "15"))
    init = run([PGBENCH, "-i", "-s", "2", uri], uri, timeout=300)
    assert init.returncode == 0, init.stderr
    assert "done in" in init.stderr, init.stderr
    counts = psql(uri, "-At", "-c", "select (select count(*) from pgbench_accounts), "
                  "(select count(*) from pgbench_branches), (select count(*) from pgbench_tellers), "
                  "(select count(*) from pgbench_history)")
    assert counts.returncode == 0 and counts.stdout.strip() == "200000|2|20|0", counts

    bench = run([PGBENCH, "-c", "4", "-j", "2", "-T", str(seconds), uri], uri, timeout=seconds + 120)
    print(bench.stdout)
    assert bench.returncode == 0, bench.stdout + bench.stderr
    processed = int(re.search(r"number of transactions actually processed: (\d+)", bench.stdout).group(1))
    failed = re.search(r"number of failed transactions: (\d+)", bench.stdout)
    assert failed is None or int(failed.group(1)) == 0, bench.stdout
    assert processed > 0
    history = psql(uri, "-At", "-c", "select count(*) from pgbench_history")
    assert int(history.stdout.strip()) == processed
    # TPC-B keeps the three balance sums equal to the history's deltas.
    sums = psql(uri, "-At", "-c", "select (select sum(abalance) from pgbench_accounts), "
                "(select sum(bbalance) from pgbench_branches), (select sum(tbalance) from pgbench_tellers), "
                "(select coalesce(sum(delta), 0) from pgbench_history)")
    a, b, t, h = (int(x) for x in sums.stdout.strip().split("|"))
    assert a == b == t == h, sums.stdout


def test_tls_when_a_certificate_is_configured(cluster_builder, tmp_path):
    """With `tls` in the spec the writer answers SSLRequest with 'S': psql with
    sslmode=require connects over TLS (pg_stat_ssl is not emulated, so the client's own
    view is checked: psql's \\conninfo names the TLS protocol)."""
    import secrets

    openssl = shutil.which("openssl")
    assert openssl, "openssl is needed to make a test certificate"
    cert, key = tmp_path / "server.crt", tmp_path / "server.key"
    subprocess.run([openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True, timeout=60)
    c = cluster_builder.build(start=False, writer=True, password=secrets.token_urlsafe(12))
    c.spec = c.spec.replace(tls={"cert": str(cert), "key": str(key)})
    c.spec.save(c.spec_path)
    c.start_all()
    uri = c.uri()
    cp = psql(uri + "?sslmode=require", "-c", "\\conninfo", "-c", "select 1 as one")
    assert cp.returncode == 0, cp.stderr
    assert "SSL connection (protocol: TLS" in cp.stdout, cp.stdout
    # Without TLS configured the same request is refused by the client: the server said 'N'.
    plain = cluster_builder.build(writer=True, password=secrets.token_urlsafe(12))
    cp = psql(plain.uri() + "?sslmode=require", "-c", "select 1")
    assert cp.returncode == 2 and "does not support SSL" in cp.stderr, cp.stderr
