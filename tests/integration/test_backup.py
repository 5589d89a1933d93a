"""Continuous backup and point-in-time restore, end to end: real storage nodes shipping to
a directory or to a real S3-compatible server process (moto), restores by the real
`sixfold restore`, checked against the clients' own history.

The restore drills are seeded (SIXFOLD_SEED, else random; the seed is printed). The long
run (twenty restores per backend) is `python -m bench.backup_bench`."""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import secrets
import threading
from pathlib import Path

import psycopg
import pytest

from sixfold.backup.drill import run_drill
from sixfold.backup.s3_server import start_s3_server
from sixfold.endpoints import endpoints, load_credentials
from sixfold.spec import ClusterSpec
from sixfold.supervisor import Supervisor, free_ports, wait_until
from tests.integration.test_cli import ok, sixfold

pytestmark = pytest.mark.integration

BACKUP_WAIT_S = 30


def _seed() -> int:
    seed = int(os.environ.get("SIXFOLD_SEED") or random.randrange(1 << 30))
    print(f"seed {seed} (replay with SIXFOLD_SEED={seed})")
    return seed




def backup_status(root: Path, *flags: str) -> dict:
    return json.loads(ok(sixfold("backup", "status", "--data-dir", str(root), "--json", *flags)).stdout)


@pytest.fixture
def s3_server(tmp_path):
    server = start_s3_server(tmp_path / "s3.log")
    try:
        yield server
    finally:
        server.stop()


def _drill(cluster_builder, tmp_path, backup, restores: int):
    # Images after a fiftieth of a PG's size of log: the bank's PGs get several in the
    # window, so restores start from an image and replay log after it.
    result = run_drill(tmp_path / "drill", _seed(), backup=backup, duration_s=16, restores=restores,
                       on_cluster=cluster_builder.clusters.append, image_log_ratio=0.02)
    assert result.transfers_ok > 50, "the bank workload hardly ran"
    assert result.images > 0, "no page image was shipped: every restore replayed from LSN 0"
    assert any(r.images_used for r in result.restores), "every restore replayed from LSN 0"
    bad = [r for r in result.restores if not r.valid]
    assert not bad, f"seed {result.seed}: restores that broke the history: {bad}"
    assert len(result.restores) == restores
    # Restored points spread over the window: not every restore saw the same state.
    assert len({r.lsn for r in result.restores}) > 1


def test_restores_to_random_times_hold_exactly_the_acknowledged_transfers(cluster_builder, tmp_path):
    """Bank workload while two storage nodes are killed (one of them the node shipping the
    bank's PG, down past the takeover time), the source's storage deleted, then restores
    to random times: each holds every transfer acknowledged by then and nothing invoked later."""
    _drill(cluster_builder, tmp_path, True, restores=4)


def test_restore_drill_against_an_s3_server(cluster_builder, tmp_path, s3_server):
    _drill(cluster_builder, tmp_path, s3_server.backup_config("sixfold-backup", "drill/"), restores=2)
    # The objects are in the bucket, not in any local directory of the cluster.
    assert not (tmp_path / "drill" / "source" / "backup").exists()


def _writes_then_backed_up(c: Supervisor, rows: range) -> float:
    """Insert `rows`, then wait until the backup's latest restorable time passes them."""
    with psycopg.connect(c.uri(), autocommit=True) as conn:
        conn.execute("create table if not exists t (id int primary key)")
        for i in rows:
            conn.execute("insert into t values (%s)", (i,))
    after = dt.datetime.now(dt.timezone.utc).timestamp()
    with psycopg.connect(c.uri(), autocommit=True) as conn:
        conn.execute(f"create table mark{rows.start} (x int)")

    def caught_up():
        latest = backup_status(c.root)["latest_restorable"]
        return latest and dt.datetime.fromisoformat(latest).timestamp() >= after

    wait_until(caught_up, BACKUP_WAIT_S, "the backup to catch up", interval_s=0.3)
    return after


def _restored(cluster_builder, root: Path) -> Supervisor:
    sup = Supervisor.attach(ClusterSpec.load(root / "cluster.json"), root, adopt=True)
    cluster_builder.clusters.append(sup)
    return sup


def _count(sup: Supervisor) -> int:
    with psycopg.connect(endpoints(sup.spec, load_credentials(sup.root))["writer"]) as conn:
        return conn.execute("select count(*) from t").fetchone()[0]


def test_a_corrupt_or_missing_object_is_named_and_the_user_chooses(cluster_builder, tmp_path):
    c = cluster_builder.build(writer=True, password=secrets.token_urlsafe(12), backup=True)
    _writes_then_backed_up(c, range(0, 20))
    first_blocks = set((c.root / "backup" / "main" / "log").iterdir())
    _writes_then_backed_up(c, range(20, 40))
    later = sorted(set((c.root / "backup" / "main" / "log").iterdir()) - first_blocks)
    assert later, "the second round of writes went to new objects"
    victim = later[0]
    data = bytearray(victim.read_bytes())
    data[len(data) // 2] ^= 0xFF
    victim.write_bytes(bytes(data))
    key = f"main/log/{victim.name}"

    st = backup_status(c.root, "--verify")  # reads every object whole (by default only headers)
    assert key in st["corrupt_objects"]
    failed = sixfold("restore", "--data-dir", str(c.root), "--into", str(tmp_path / "r1"),
                     "--port", str(free_ports(1)[0]))
    assert failed.returncode == 1 and key in failed.stderr and "checksum" in failed.stderr, failed.stderr
    assert not (tmp_path / "r1" / "cluster.json").exists(), "a refused restore left a cluster behind"

    out = ok(sixfold("restore", "--data-dir", str(c.root), "--into", str(tmp_path / "r2"),
                     "--port", str(free_ports(1)[0]), "--on-corrupt", "before"))
    assert key in out.stderr and "restoring to before it" in out.stderr
    n = _count(_restored(cluster_builder, tmp_path / "r2"))
    assert 20 <= n < 40, f"restored {n} rows: not the state before the damaged object"

    victim.unlink()  # now missing altogether: named by the LSN range no object holds
    failed = sixfold("restore", "--data-dir", str(c.root), "--into", str(tmp_path / "r3"),
                     "--port", str(free_ports(1)[0]))
    assert failed.returncode == 1 and "no object holds PG" in failed.stderr, failed.stderr


def test_snapshots_and_restore_by_lsn(cluster_builder, tmp_path):
    c = cluster_builder.build(writer=True, password=secrets.token_urlsafe(12), backup=True)
    root = str(c.root)
    _writes_then_backed_up(c, range(0, 10))
    out = ok(sixfold("snapshot", "create", "ten", "--data-dir", root)).stdout
    snap_lsn = int(out.split("LSN ")[1].split(",")[0])
    again = sixfold("snapshot", "create", "ten", "--data-dir", root)
    assert again.returncode == 1 and "exists" in again.stderr, again.stderr
    _writes_then_backed_up(c, range(10, 25))
    assert "ten" in ok(sixfold("snapshot", "list", "--data-dir", root)).stdout
    st = backup_status(c.root)
    for k in ("earliest_restorable", "latest_restorable"):
        dt.datetime.fromisoformat(st[k])  # ISO-8601
    assert st["snapshots"] == ["ten"] and st["lag_s"] < 30

    ok(sixfold("restore", "--data-dir", root, "--into", str(tmp_path / "s"), "--port", str(free_ports(1)[0]),
               "--snapshot", "ten"))
    restored = _restored(cluster_builder, tmp_path / "s")
    assert _count(restored) == 10
    # The restored cluster backs itself up from where it starts: restore it in turn.
    _writes_then_backed_up(restored, range(100, 105))
    ok(sixfold("restore", "--data-dir", str(tmp_path / "s"), "--into", str(tmp_path / "s2"),
               "--port", str(free_ports(1)[0])))
    assert _count(_restored(cluster_builder, tmp_path / "s2")) == 15
    ok(sixfold("restore", "--data-dir", root, "--into", str(tmp_path / "l"), "--port", str(free_ports(1)[0]),
               "--to-lsn", str(snap_lsn)))
    assert _count(_restored(cluster_builder, tmp_path / "l")) == 10
    ok(sixfold("snapshot", "delete", "ten", "--data-dir", root))
    assert "ten" not in ok(sixfold("snapshot", "list", "--data-dir", root)).stdout
    bad = sixfold("restore", "--data-dir", root, "--into", str(tmp_path / "x"), "--to-time", "yesterday")
    assert bad.returncode == 2 and "ISO-8601" in bad.stderr


def test_retention_prunes_what_no_restore_in_the_window_or_to_a_snapshot_needs(cluster_builder, tmp_path):
    """A 6 s window. A snapshot is taken, then a client commits for a while: every PG
    gets an image inside the window (due at half of it), and objects only older points
    needed go. After that: the earliest restorable time is past the snapshot, a time
    below the window is refused by name, the snapshot still restores exactly, and the
    latest point holds every acknowledged row."""
    c = cluster_builder.build(writer=True, password=secrets.token_urlsafe(12),
                              backup={"kind": "dir", "path": str(tmp_path / "bk"), "retention_s": 6})
    root = str(c.root)
    _writes_then_backed_up(c, range(0, 10))
    ok(sixfold("snapshot", "create", "early", "--data-dir", root))
    snapped = dt.datetime.now(dt.timezone.utc).timestamp()
    log_dir = tmp_path / "bk" / "main" / "log"
    stop, acked = threading.Event(), []

    def client():
        with psycopg.connect(c.uri(), autocommit=True) as conn:
            for i in range(100, 100_000):
                if stop.is_set():
                    return
                conn.execute("insert into t values (%s)", (i,))
                acked.append(i)
                stop.wait(0.1)  # the client's pace, not a wait for a condition

    worker = threading.Thread(target=client, daemon=True)
    worker.start()
    seen: set[str] = set()

    def pruned():
        now = set(os.listdir(log_dir))
        seen.update(now)
        earliest = backup_status(c.root)["earliest_restorable"]
        return seen - now and earliest and dt.datetime.fromisoformat(earliest).timestamp() > snapped + 1

    try:
        wait_until(pruned, 120, "the backup to prune objects older than its 6 s window", interval_s=1.0)
    finally:
        stop.set()
        worker.join(30)
    _writes_then_backed_up(c, range(10, 11))
    st = backup_status(c.root, "--verify")
    print(f"{len(seen - set(os.listdir(log_dir)))} of {len(seen)} log objects pruned, {len(acked)} rows committed; "
          f"window {st['earliest_restorable']} .. {st['latest_restorable']}")
    assert st["retention_s"] == 6 and not st["corrupt_objects"] and not st["gaps"], st

    below = dt.datetime.fromtimestamp(snapped + 0.5, dt.timezone.utc).isoformat()
    refused = sixfold("restore", "--data-dir", root, "--into", str(tmp_path / "b"), "--port", str(free_ports(1)[0]),
                      "--to-time", below)
    assert refused.returncode == 1 and "outside the restorable window" in refused.stderr, refused.stderr
    ok(sixfold("restore", "--data-dir", root, "--into", str(tmp_path / "s"), "--port", str(free_ports(1)[0]),
               "--snapshot", "early"))
    assert _count(_restored(cluster_builder, tmp_path / "s")) == 10
    ok(sixfold("restore", "--data-dir", root, "--into", str(tmp_path / "l"), "--port", str(free_ports(1)[0])))
    assert _count(_restored(cluster_builder, tmp_path / "l")) == 11 + len(acked)
