"""Generated expressions on PostgreSQL 15 and on Sixfold, compared (see pg_expr_gen).

The test suite runs a few hundred (test_pg_expr_fuzz.py); a long run is a command:

    python -m tests.integration.pg_expr_fuzz --count 20000 [--seed N] [--show 40]

It starts a throwaway PostgreSQL and a local Sixfold cluster (`sixfold up` in a temporary
directory), prints the seed first, then every difference found, grouped by class (wrong
answer; wrong answers of a documented kind; refused; other SQLSTATE), and stops both
servers. It exits 1 when it found a wrong answer of no documented kind. Replay with --seed.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import random
import shutil
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

import psycopg

from tests.integration import pg_expr_gen
from tests.integration.pg_expr_gen import WRONG, Generator, Query, classify, known_difference, setup_statements

STATEMENT_TIMEOUT_MS = 5_000
LOST = "connection lost"  # the outcome of a statement after which the connection was closed
TEXT_OIDS = (16, 17, 18, 19, 20, 21, 23, 25, 26, 114, 700, 701, 1042, 1043, 1082, 1083, 1114, 1184, 1186, 1266,
             1700, 2950, 3802,
             1000, 1005, 1007, 1016, 1021, 1022, 1231, 1009, 1015, 1001, 1183, 2951, 1115, 1185, 1187, 1182, 3807, 199,
             1270, 1003)  # (arrays of those)


class _AsText(psycopg.adapt.Loader):
    def load(self, data) -> str:
        return bytes(data).decode()


def connect(uri: str) -> psycopg.Connection:
    """Autocommit, time zone UTC, a statement timeout, every value loaded as its text."""
    conn = psycopg.connect(uri, autocommit=True, connect_timeout=10,
                           options=f"-c TimeZone=UTC -c statement_timeout={STATEMENT_TIMEOUT_MS}")
    for oid in TEXT_OIDS:
        conn.adapters.register_loader(oid, _AsText)
    return conn


def outcome(conn: psycopg.Connection, sql: str, params: tuple | None = None):
    """("rows", column names, rows with every value as text), ("ok", status) or ("error", SQLSTATE)."""
    try:
        cur = conn.execute(sql, params)
    except psycopg.Error as e:
        return ("error", LOST if conn.closed else e.sqlstate)
    if cur.description is None:
        return ("ok", cur.statusmessage)
    return ("rows", tuple(d.name for d in cur.description), cur.fetchall())


def prepare(conn: psycopg.Connection) -> None:
    for stmt in setup_statements():
        conn.execute(stmt)


def compare(pg: psycopg.Connection, sf: psycopg.Connection, queries: list[Query],
            sixfold_uri: str | None = None) -> list[tuple[str, str, object, object]]:
    """[(class, sql, postgres outcome, sixfold outcome)] for every query whose outcomes
    differ; a wrong answer of a documented kind is classed by that kind. A query that
    ends Sixfold's connection is a wrong answer (LOST); with `sixfold_uri` the run goes
    on over a new connection, else it stops there."""
    diffs = []
    for q in queries:
        if sf.closed:
            if sixfold_uri is None:
                break
            sf = connect(sixfold_uri)
        for stmt in q.setup:
            outcome(pg, stmt)
            outcome(sf, stmt)
        sql = q.sql if q.params is None else f"{q.sql} -- params {q.params!r}"
        want, got = outcome(pg, q.sql, q.params), outcome(sf, q.sql, q.params)
        if q.unordered:
            want, got = _as_set(want), _as_set(got)
        if want == got and q.check:
            sql = f"{sql}; then {q.check}"
            want, got = outcome(pg, q.check), outcome(sf, q.check)
        cls = classify(want, got)
        if got == ("error", LOST):
            cls = WRONG
        elif cls == WRONG:
            known = known_difference(want, got)
            cls = f"known: {known}" if known else WRONG
        if cls is not None:
            diffs.append((cls, sql, want, got))
    return diffs


def _as_set(out):
    """Rows in a canonical order (NULLs first), for outcomes whose order is not defined."""
    if out[0] != "rows":
        return out
    return (out[0], out[1], sorted(out[2], key=lambda row: [(v is not None, v or "") for v in row]))


def report(diffs, show: int) -> str:
    by_class = defaultdict(list)
    for d in diffs:
        by_class[d[0]].append(d)
    lines = []
    for cls in sorted(by_class, key=lambda c: (c != WRONG, c)):
        items = sorted(by_class[cls], key=lambda d: len(d[1]))  # shortest first: easiest to read
        lines.append(f"== {cls}: {len(items)}")
        for _cls, sql, want, got in items[:show]:
            lines.append(f"{sql}\n  postgres: {want}\n  sixfold:  {got}")
    return "\n".join(lines)


@contextlib.contextmanager
def servers(pg_uri: str | None, sixfold_uri: str | None, prefix: str):
    """(PostgreSQL URI, Sixfold URI): the given ones, or a throwaway PostgreSQL and a local
    cluster started in a temporary directory and stopped (and removed) on exit."""
    work = Path(tempfile.mkdtemp(prefix=prefix))
    work.chmod(0o755)  # PostgreSQL runs as its own user and must reach its directory
    pg_server, sf_root = None, None
    try:
        if pg_uri is None:
            from bench.pg_server import PostgresServer
            from sixfold.supervisor import free_ports

            pg_server = PostgresServer(work / "pg", free_ports(1)[0], password="fuzz-pw").start()
            pg_uri = pg_server.uri
        if sixfold_uri is None:
            sf_root = work / "sixfold"
            sixfold_uri = _start_sixfold(sf_root)
        yield pg_uri, sixfold_uri
    finally:
        if sf_root is not None:
            subprocess.run([sys.executable, "-m", "sixfold.cli", "down", "--data-dir", str(sf_root)],
                           capture_output=True, timeout=300, check=False)
        if pg_server is not None:
            pg_server.stop()
        shutil.rmtree(work, ignore_errors=True)


def _start_sixfold(root: Path) -> str:
    cli = [sys.executable, "-m", "sixfold.cli"]
    subprocess.run([*cli, "up", "--data-dir", str(root)], check=True, capture_output=True, timeout=300)
    return subprocess.run([*cli, "status", "--data-dir", str(root), "--uri"], check=True, capture_output=True,
                          text=True, timeout=60).stdout.strip()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--count", type=int, default=5000, help="queries to generate (default 5000)")
    ap.add_argument("--seed", type=int, default=None, help="replay a run (default: random)")
    ap.add_argument("--show", type=int, default=40, help="differences printed per class (default 40)")
    ap.add_argument("--pg-uri", help="use this PostgreSQL instead of starting one")
    ap.add_argument("--sixfold-uri", help="use this Sixfold instead of starting a cluster")
    ap.add_argument("--numeric-type", default=pg_expr_gen.COLUMNS["n"][1],
                    help=f"the numeric column's type (default {pg_expr_gen.COLUMNS['n'][1]}; 'numeric' for one "
                         "without a precision, whose values keep their own display scales)")
    args = ap.parse_args(argv)
    pg_expr_gen.COLUMNS["n"] = (pg_expr_gen.COLUMNS["n"][0], args.numeric_type)
    seed = args.seed if args.seed is not None else random.randrange(2**31)
    print(f"seed {seed} (replay: --seed {seed} --count {args.count})", flush=True)
    with servers(args.pg_uri, args.sixfold_uri, "sixfold-exprfuzz-") as (pg_uri, sf_uri):
        with connect(pg_uri) as pg, connect(sf_uri) as sf:
            prepare(pg)
            prepare(sf)
            diffs = compare(pg, sf, Generator(seed).queries(args.count), sixfold_uri=sf_uri)
    print(report(diffs, args.show))
    wrong = sum(1 for d in diffs if d[0] == WRONG)
    print(json.dumps({"seed": seed, "queries": args.count, "differences": len(diffs), "wrong_answers": wrong}))
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
