"""The HA cluster through the real `sixfold` command: `up --replicas 2` (data directory
from SIXFOLD_DATA_DIR), roles, tiers and lag in `status --json`, the reader endpoint on a
replica, a planned `failover --target`, `node kill writer` followed by a promotion the
control plane decides, and `down`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter

import psycopg
import pytest

from sixfold.supervisor import wait_until
from tests.conftest import UNEXPECTED
from tests.integration.test_cli import COMMAND_TIMEOUT_S, kill_leftovers, ok

pytestmark = pytest.mark.integration

FAILOVER_WAIT_S = 20  # detection (FAILOVER_DETECT_MS) + promotion, with room for a slow machine


def test_up_replicas_failover_and_kill_writer(tmp_path):
    data_dir = tmp_path / "ha"
    env = {**os.environ, "SIXFOLD_DATA_DIR": str(data_dir)}  # no --data-dir on any command below

    def sixfold(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "sixfold.cli", *args], capture_output=True, text=True,
                              timeout=COMMAND_TIMEOUT_S, stdin=subprocess.DEVNULL, env=env, cwd=tmp_path)

    def status() -> dict:
        return json.loads(ok(sixfold("status", "--json")).stdout)

    def computes(st: dict) -> dict[str, dict]:
        return {p["name"]: p for p in st["processes"] if p["kind"] == "compute"}

    seen: set[int] = set()
    try:
        ok(sixfold("up", "--replicas", "2"))
        st = status()
        assert st["data_dir"] == str(data_dir.resolve())
        seen |= {p["pid"] for p in st["processes"] if p["pid"]}
        assert Counter(p["kind"] for p in st["processes"]) == {"storage": 6, "compute": 3, "control": 1, "router": 1}
        c = computes(st)
        assert [(c[n]["role"], c[n]["tier"]) for n in ("db-1", "db-2", "db-3")] == [
            ("writer", 0), ("replica", 1), ("replica", 1)]
        assert {c[n]["az"] for n in c} == {"az1", "az2", "az3"}  # spread over the AZs
        assert all(isinstance(c[n]["lag_ms"], float) and isinstance(c[n]["lag_lsn"], int) for n in c)
        assert st["writer"] == "db-1" and set(st["endpoints"]) >= {"writer", "reader"}
        writer_uri, reader_uri = st["endpoints"]["writer"], st["endpoints"]["reader"]

        with psycopg.connect(writer_uri, autocommit=True) as conn:
            conn.execute("create table t (id int primary key, note text)")
            conn.execute("insert into t values (1, 'before any failover')")

        def reader_sees(n: int) -> bool:
            with psycopg.connect(reader_uri, autocommit=True) as conn:
                row = conn.execute("select count(*), pg_is_in_recovery() from t").fetchone()
                return row == (n, True)

        wait_until(lambda: reader_sees(1), FAILOVER_WAIT_S, "the reader endpoint (a replica) to see the row")
        # The reader endpoint may be db-2: a planned failover to db-3 is refused until the
        # control plane has seen db-3 synced.
        wait_until(lambda: computes(status())["db-3"]["promotable"], FAILOVER_WAIT_S, "db-3 to be promotable")

        # Planned failover to a named replica: db-3 writes, db-1 follows it as a replica.
        out = ok(sixfold("failover", "--target", "db-3")).stdout
        assert "from db-1 to db-3" in out
        # Until the control plane has seen db-1 follow db-3, a failover would pass it over.
        st = wait_until(lambda: (s := status()) and s["writer"] == "db-3" and computes(s)["db-1"]["role"] == "replica"
                        and computes(s)["db-1"]["alive"] and computes(s)["db-1"]["promotable"] and s,
                        FAILOVER_WAIT_S, "db-1 to follow db-3, promotable")
        with psycopg.connect(writer_uri, autocommit=True) as conn:
            conn.execute("insert into t values (2, 'after the planned failover')")

        # `node kill writer` means the current writer (db-3); the control plane promotes
        # db-1 (tier 0) and the cluster endpoint follows.
        victim_pid = computes(st)["db-3"]["pid"]
        assert f"killed db-3 (pid {victim_pid})" in ok(sixfold("node", "kill", "writer")).stdout

        def commit_through_endpoint() -> bool:
            with psycopg.connect(writer_uri, autocommit=True, connect_timeout=2) as conn:
                conn.execute("insert into t values (3, 'after the kill')")
            return True

        wait_until(commit_through_endpoint, FAILOVER_WAIT_S, "a commit through the cluster endpoint")
        st = status()
        assert st["writer"] == "db-1" and not computes(st)["db-3"]["alive"]
        with psycopg.connect(writer_uri, autocommit=True) as conn:
            assert conn.execute("select id from t order by id").fetchall() == [(1,), (2,), (3,)]

        # The killed instance comes back as a replica of the new writer, under its own name.
        ok(sixfold("node", "start", "db-3"))
        st = wait_until(lambda: (s := status()) and computes(s)["db-3"]["role"] == "replica" and s,
                        FAILOVER_WAIT_S, "db-3 to rejoin as a replica")
        seen |= {p["pid"] for p in st["processes"] if p["pid"]}
        table = ok(sixfold("status")).stdout
        assert "LAG MS" in table and "writer: db-1" in table

        assert "stopped 11" in ok(sixfold("down")).stdout
        assert not any(p["alive"] for p in status()["processes"])
        bad = [f"{log.name}: {line}" for log in (data_dir / "logs").glob("*.log")
               for line in log.read_text(errors="replace").splitlines() if UNEXPECTED.search(line)]
        assert not bad, "unexpected errors in process logs:\n" + "\n".join(bad[:20])
    finally:
        if (data_dir / "cluster.json").exists():
            try:
                sixfold("down")
            except subprocess.TimeoutExpired:
                pass
        kill_leftovers(seen)
