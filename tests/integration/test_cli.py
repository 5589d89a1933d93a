"""The `sixfold` command end to end: real `sixfold` processes (through `python -m
sixfold.cli`) managing real, detached storage and compute node processes in a per-test
data dir, and `sixfold sql` talking to the writer."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from sixfold.supervisor import Supervisor, free_ports, wait_until
from sixfold.cli import main
from tests.conftest import UNEXPECTED

pytestmark = pytest.mark.integration

COMMAND_TIMEOUT_S = 45  # one `sixfold` invocation (up waits for six nodes and a recovery)
POLL_TIMEOUT_S = 10


def sixfold(*args: str, data_dir: Path | None = None, timeout: float = COMMAND_TIMEOUT_S) -> subprocess.CompletedProcess:
    argv = [sys.executable, "-m", "sixfold.cli", *args]
    if data_dir is not None:
        argv += ["--data-dir", str(data_dir)]
    return subprocess.run(argv, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)


def ok(cp: subprocess.CompletedProcess) -> subprocess.CompletedProcess:
    assert cp.returncode == 0, f"{cp.args} exited {cp.returncode}\nstdout:\n{cp.stdout}\nstderr:\n{cp.stderr}"
    return cp


def status(data_dir: Path) -> dict:
    return json.loads(ok(sixfold("status", "--json", data_dir=data_dir)).stdout)


def by_name(st: dict) -> dict[str, dict]:
    return {p["name"]: p for p in st["processes"]}


def pid_gone(pid: int) -> bool:
    """No such process, or only its zombie (a detached node is reaped by whoever adopted
    it, which in a container may be never)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return True
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] in ("Z", "X")


def kill_leftovers(pids: set[int]) -> None:
    for pid in pids:
        if not pid_gone(pid):
            try:
                os.kill(pid, signal.SIGCONT)
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


def test_up_refuses_a_sabotage(tmp_path):
    """Sabotages are for `sixfold chaos` only: `up` with SIXFOLD_SABOTAGE set starts nothing."""
    data_dir = tmp_path / "sixfold"
    argv = [sys.executable, "-m", "sixfold.cli", "up", "--data-dir", str(data_dir)]
    cp = subprocess.run(argv, capture_output=True, text=True, timeout=COMMAND_TIMEOUT_S, stdin=subprocess.DEVNULL,
                        env={**os.environ, "SIXFOLD_SABOTAGE": "no-fencing"})
    assert cp.returncode == 2 and "SIXFOLD_SABOTAGE" in cp.stderr, cp.stderr
    assert not (data_dir / "pids.json").exists() and not (data_dir / "cluster.json").exists()


def test_up_status_kill_start_down(tmp_path):
    data_dir = tmp_path / "sixfold"
    seen_pids: set[int] = set()
    try:
        pg_port = free_ports(1)[0]
        up = ok(sixfold("up", "--port", str(pg_port), data_dir=data_dir))
        uri = next(line for line in up.stdout.splitlines() if line.startswith("postgresql://"))
        assert str(data_dir) in up.stdout and f"@127.0.0.1:{pg_port}/sixfold" in uri
        password = json.loads((data_dir / "credentials.json").read_text())["password"]
        assert len(password) >= 16 and f":{password}@" in uri  # generated, not a fixed one
        assert (data_dir / "credentials.json").stat().st_mode & 0o077 == 0
        assert password not in (data_dir / "cluster.json").read_text()  # the spec holds a verifier only
        assert (data_dir / "cluster.json").is_file() and (data_dir / "pids.json").is_file()
        seen_pids |= set(json.loads((data_dir / "pids.json").read_text()).values())

        st = status(data_dir)
        procs = st["processes"]
        assert len(procs) == 9  # six storage nodes, the writer, the control plane, the router
        for p in procs:
            assert set(p) >= {"name", "kind", "role", "az", "pid", "port", "alive"}
            assert p["alive"] is True and isinstance(p["pid"], int) and isinstance(p["port"], int)
        storage = [p for p in procs if p["kind"] == "storage"]
        assert len(storage) == 6 and all(p["role"] == "storage" for p in storage)
        assert Counter(p["az"] for p in storage) == {"az1": 2, "az2": 2, "az3": 2}
        [writer] = [p for p in procs if p["kind"] == "compute"]
        assert (writer["name"], writer["role"], writer["tier"], writer["lag_ms"]) == ("db-1", "writer", 0, 0.0)
        assert Counter(p["kind"] for p in procs) == {"storage": 6, "compute": 1, "control": 1, "router": 1}
        assert by_name(st)["router"]["port"] == pg_port  # --port is the cluster endpoint's
        assert st["endpoints"]["writer"] == uri
        assert ok(sixfold("status", "--uri", data_dir=data_dir)).stdout.strip() == uri
        assert len({p["pid"] for p in procs}) == 9 and len({p["port"] for p in procs}) == 9
        assert st["volume"]["name"] == "main"
        assert isinstance(st["volume"]["vdl"], int) and st["volume"]["epoch"] >= 1
        seen_pids |= {p["pid"] for p in procs}

        # The README's promise: `sixfold sql -c "select 1"` answers.
        one = ok(sixfold("sql", "-c", "select 1", data_dir=data_dir))
        assert "(1 row)" in one.stdout and any(line.strip() == "1" for line in one.stdout.splitlines())

        # A second `up` sees the running cluster and leaves it alone.
        again = ok(sixfold("up", data_dir=data_dir))
        assert "already running" in again.stdout
        assert {p["pid"] for p in status(data_dir)["processes"]} == {p["pid"] for p in procs}

        # Human output: an aligned table with every node.
        table = ok(sixfold("status", data_dir=data_dir)).stdout
        assert "NAME" in table and all(p["name"] in table for p in procs)

        victim = procs[2]["name"]
        victim_pid = by_name(st)[victim]["pid"]
        ok(sixfold("node", "kill", victim, data_dir=data_dir))
        wait_until(lambda: pid_gone(victim_pid), POLL_TIMEOUT_S, f"{victim} (pid {victim_pid}) to die")
        st = wait_until(lambda: (s := status(data_dir)) and not by_name(s)[victim]["alive"] and s,
                        POLL_TIMEOUT_S, f"status to show {victim} not alive")
        assert by_name(st)[victim]["pid"] is None
        assert sum(p["alive"] for p in st["processes"]) == 8  # all but the victim

        ok(sixfold("node", "start", victim, data_dir=data_dir))
        st = wait_until(lambda: (s := status(data_dir)) and all(p["alive"] for p in s["processes"]) and s,
                        POLL_TIMEOUT_S, f"status to show {victim} alive again")
        new_pid = by_name(st)[victim]["pid"]
        assert new_pid != victim_pid
        seen_pids.add(new_pid)

        # Kill the writer mid-life; started again, it recovers the volume and the data is there.
        ok(sixfold("sql", "-c", "create table t (a int); insert into t values (41), (1)", data_dir=data_dir))
        ok(sixfold("node", "kill", "writer", data_dir=data_dir))
        wait_until(lambda: pid_gone(writer["pid"]), POLL_TIMEOUT_S, "the writer to die")
        assert sixfold("sql", "-c", "select 1", data_dir=data_dir).returncode == 1
        ok(sixfold("node", "start", "writer", data_dir=data_dir))
        total = ok(sixfold("sql", "-c", "select sum(a) from t", data_dir=data_dir))
        assert any(line.strip() == "42" for line in total.stdout.splitlines()), total.stdout
        st = status(data_dir)
        seen_pids.add(by_name(st)["db-1"]["pid"])

        down = ok(sixfold("down", data_dir=data_dir))
        assert "stopped 9" in down.stdout
        alive_pids = {p["pid"] for p in st["processes"]}
        wait_until(lambda: all(pid_gone(p) for p in alive_pids), POLL_TIMEOUT_S, "every node to exit")
        assert not (data_dir / "pids.json").exists()
        assert (data_dir / "cluster.json").is_file() and (data_dir / "nodes").is_dir()  # the data stays
        st = status(data_dir)
        assert not any(p["alive"] for p in st["processes"]) and st["volume"]["vdl"] is None

        bad = [f"{log.name}: {line}" for log in (data_dir / "logs").glob("*.log")
               for line in log.read_text(errors="replace").splitlines() if UNEXPECTED.search(line)]
        assert not bad, "unexpected errors in node logs:\n" + "\n".join(bad[:20])
    finally:
        if (data_dir / "pids.json").exists():
            try:
                seen_pids |= set(json.loads((data_dir / "pids.json").read_text()).values())
            except ValueError:
                pass
        if (data_dir / "cluster.json").exists():
            try:
                sixfold("down", data_dir=data_dir)
            except subprocess.TimeoutExpired:
                pass
        kill_leftovers(seen_pids)


def test_help_and_expected_errors(tmp_path, capsys):
    # The installed console script (or the module) prints help and exits 0.
    script = shutil.which("sixfold")
    cp = ok(subprocess.run([script, "--help"] if script else [sys.executable, "-m", "sixfold.cli", "--help"],
                           capture_output=True, text=True, timeout=COMMAND_TIMEOUT_S))
    assert cp.stdout.startswith("usage: sixfold") and all(c in cp.stdout for c in ("up", "status", "node", "down",
                                                                                  "sql"))

    # The rest in-process: the same main(), without paying a Python start per case.
    for sub in ("up", "status", "node", "down", "sql"):
        with pytest.raises(SystemExit) as exc:
            main([sub, "--help"])
        assert exc.value.code == 0
        out = capsys.readouterr().out
        assert out.startswith(f"usage: sixfold {sub}") and "--data-dir" in out

    # No cluster in the directory: one line on stderr, no traceback, exit 1.
    empty = str(tmp_path / "empty")
    for args in (["status"], ["status", "--json"], ["down"], ["node", "stop", "sn-az1-a"], ["node", "start", "x"]):
        assert main([*args, "--data-dir", empty]) == 1
        err = capsys.readouterr().err
        assert "no cluster at" in err and "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert not Path(empty).exists()  # reading commands create nothing

    # A cluster spec but no processes: an unknown node name lists the names, exit 2.
    c = Supervisor.create(tmp_path / "c")
    assert main(["node", "kill", "nope", "--data-dir", str(c.root)]) == 2
    err = capsys.readouterr().err
    assert all(n in err for n in c.nodes) and len(err.strip().splitlines()) == 1
    assert main(["node", "pause", next(iter(c.nodes)), "--data-dir", str(c.root)]) == 1
    assert "not running" in capsys.readouterr().err
    assert main(["status", "--json", "--data-dir", str(c.root)]) == 0
    st = json.loads(capsys.readouterr().out)
    assert len(st["processes"]) == 6 and not any(p["alive"] or p["pid"] for p in st["processes"])
    assert st["volume"] == {"name": "main", "vdl": None, "epoch": None}
    assert main(["down", "--data-dir", str(c.root)]) == 0
    assert "is not running" in capsys.readouterr().out
    # --base-port conflicting with the saved spec is refused before anything starts.
    assert main(["up", "--data-dir", str(c.root), "--base-port", str(c.spec.storage_nodes[0].port + 1)]) == 2
    assert "--base-port" in capsys.readouterr().err and not (c.root / "pids.json").exists()
