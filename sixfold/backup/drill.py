"""The restore drill: the bank workload on a cluster with continuous backup while storage
nodes are killed, then every process of the source stopped and its storage deleted, then
restores to random times of the backup window, each checked against the clients' own
history (`sixfold.checkers.restore`). Seeded: the seed picks the victims and the times,
and is printed so a failure can be replayed. Used by the integration test (a few
restores) and `python -m bench.backup_bench` (twenty per backend).
"""

from __future__ import annotations

import json
import random
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from sixfold.constants import BACKUP_TAKEOVER_MS

BANK_ACCOUNTS = 8
BANK_INITIAL_BALANCE = 1_000


@dataclass
class RestoreOutcome:
    to_time: str
    lsn: int | None
    valid: bool
    restore_s: float
    images_used: int = 0  # page images the restore started PGs from
    counts: dict = field(default_factory=dict)
    anomalies: dict = field(default_factory=dict)


@dataclass
class DrillResult:
    seed: int
    backend: str
    transfers_ok: int
    window: tuple[str, str]
    kills: list[str]
    restores: list[RestoreOutcome]
    images: int = 0  # page images in the backup (restores after the first one start from it)

    @property
    def valid(self) -> bool:
        return bool(self.restores) and all(r.valid for r in self.restores)


def _status(data_dir: Path) -> dict:
    out = subprocess.run([sys.executable, "-m", "sixfold.cli", "backup", "status", "--data-dir", str(data_dir),
                          "--json"], capture_output=True, text=True, timeout=120)
    if out.returncode != 0:
        raise RuntimeError(f"sixfold backup status failed: {out.stderr.strip()}")
    return json.loads(out.stdout)


def run_drill(root: Path, seed: int, backup: dict | bool = True, duration_s: float = 20.0, restores: int = 3,
              on_cluster: Callable | None = None, log: Callable[[str], None] = print,
              image_log_ratio: float | None = None) -> DrillResult:
    """Run the drill in `root` (a new directory). `on_cluster` gets every Supervisor the
    drill starts (a test fixture kills them on exit and scans their logs).
    `image_log_ratio` overrides the backup's (`sixfold.spec`): a short drill makes too
    little log for the default to ship any page image."""
    import datetime as dt
    import secrets

    import psycopg

    from sixfold.cli_backup import _iso
    from sixfold.core.backup import backup_rank
    from sixfold.checkers.restore import check_restored_bank
    from sixfold.endpoints import endpoints, load_credentials
    from sixfold.spec import ClusterSpec
    from sixfold.supervisor import Supervisor, default_backup, free_ports, wait_until
    from sixfold.workloads.bank import Bank

    rng = random.Random(seed)
    log(f"restore drill: seed {seed} (replay with the same seed)")
    if image_log_ratio is not None:
        backup = {**(default_backup(root / "source") if backup is True else backup),
                  "image_log_ratio": image_log_ratio}
    src = Supervisor.create(root / "source", writer=True, password=secrets.token_urlsafe(12), backup=backup)
    if on_cluster:
        on_cluster(src)
    src.start_all()
    uri = src.uri()
    bank = Bank(lambda: psycopg.connect(uri, connect_timeout=5), seed, clients=2, accounts=BANK_ACCOUNTS,
                initial_balance=BANK_INITIAL_BALANCE)
    bank.setup()
    holder: dict = {}
    worker = threading.Thread(target=lambda: holder.setdefault("h", bank.run(duration_s)), daemon=True)
    worker.start()
    # The first victim ships PG 0 (the bank's tables live in the first PGs): it stays down
    # past the takeover time, so another node must take over without a gap.
    geo = src.spec.geometry()
    first = next(n for n in geo.segments(0) if backup_rank(geo.segments(0), 0, n) == 0)
    others = [n for n in src.storage_names if n != first]
    victims = [first, rng.choice(others)]
    kills = []
    down_s = BACKUP_TAKEOVER_MS / 1000 + 3
    for i, victim in enumerate(victims):
        time.sleep(duration_s * (i + 1) / (len(victims) + 2))
        src.kill(victim)
        kills.append(victim)
        log(f"killed {victim}")
        time.sleep(min(down_s, duration_s / 3))
        src.start(victim)
    worker.join(duration_s + 60)
    history = holder["h"]
    wall_offset_s = time.time() - time.monotonic() + history.t0
    ok_ends = [op.end for op in history.ops if op.type == "ok" and op.value[0][0] == "transfer"]
    # One more commit, begun after every transfer was acknowledged: once the backup's
    # latest restorable time reaches its start, every transfer is in the window.
    marker_start = time.time()
    with psycopg.connect(uri, connect_timeout=10, autocommit=True) as conn:
        conn.execute("create table drill_end (x int)")

    def caught_up():
        st = _status(src.root)
        latest = st["latest_restorable"]
        return st if latest and dt.datetime.fromisoformat(latest).timestamp() >= marker_start else None

    status = wait_until(caught_up, 60, "the backup to reach the last acknowledged transfer", interval_s=0.5)
    log(f"backup window {status['earliest_restorable']} .. {status['latest_restorable']} "
        f"({status['objects']} log objects, {status['images']} page images, {len(ok_ends)} transfers acknowledged)")
    src.stop_all(kill=True)
    shutil.rmtree(src.root / "nodes")  # every storage node of the source is gone
    lo = dt.datetime.fromisoformat(status["earliest_restorable"]).timestamp()
    # Times while the workload ran (the window goes on to the marker commit, after it).
    last_ack = max(ok_ends) + wall_offset_s if ok_ends else lo
    hi = min(dt.datetime.fromisoformat(status["latest_restorable"]).timestamp(), last_ack)
    outcomes = []
    for i in range(restores):
        # The last restore lands at the end of the workload: after the backup's page images,
        # so at least one restore starts from them; the others at random times.
        t = hi if i == restores - 1 else rng.uniform(lo, hi)
        into = root / f"restore{i}"
        port = free_ports(1)[0]
        when = _iso(int(t * 1e6))
        t0 = time.monotonic()
        out = subprocess.run([sys.executable, "-m", "sixfold.cli", "restore", "--data-dir", str(src.root),
                              "--into", str(into), "--port", str(port), "--to-time", when],
                             capture_output=True, text=True, timeout=300)
        took = time.monotonic() - t0
        if into.exists() and (into / "cluster.json").exists():
            sup = Supervisor.attach(ClusterSpec.load(into / "cluster.json"), into, adopt=True)
            if on_cluster:
                on_cluster(sup)
        else:
            sup = None
        if out.returncode != 0:
            outcomes.append(RestoreOutcome(when, None, False, took, anomalies={"restore-failed": [out.stderr.strip()]}))
            log(f"restore {i + 1}/{restores} to {when}: FAILED: {out.stderr.strip()}")
            continue
        lsn = int(out.stdout.split(" to LSN ", 1)[1].split()[0])
        images_used = int(out.stdout.split(" records and ", 1)[1].split()[0])
        rest_uri = endpoints(sup.spec, load_credentials(into))["writer"]
        with psycopg.connect(rest_uri, connect_timeout=10) as conn:
            transfers, balances = bank.final_state(conn)
        res = check_restored_bank(history, wall_offset_s, t, transfers, balances, BANK_ACCOUNTS,
                                  BANK_INITIAL_BALANCE)
        outcomes.append(RestoreOutcome(when, lsn, res.valid, round(took, 2), images_used, res.counts, res.anomalies))
        log(f"restore {i + 1}/{restores} to {when} (LSN {lsn}, {images_used} page images) in {took:.1f} s: "
            f"{'valid' if res.valid else 'ANOMALIES ' + json.dumps(res.anomalies)[:500]} {res.counts}")
        sup.stop_all(kill=True)
        shutil.rmtree(into / "nodes", ignore_errors=True)
    backend = (backup.get("kind") if isinstance(backup, dict) else "dir")
    return DrillResult(seed, backend, len(ok_ends), (status["earliest_restorable"], status["latest_restorable"]),
                       kills, outcomes, status["images"])


def result_json(r: DrillResult) -> dict:
    d = asdict(r)
    d["valid"] = r.valid
    return d


__all__ = ["run_drill", "DrillResult", "RestoreOutcome", "result_json"]
