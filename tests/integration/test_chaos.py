"""`sixfold chaos` against real processes: a short seeded run of every workload under
faults must be valid, and a planted bug must be caught. The seed comes from
SIXFOLD_SEED when set, else it is random; it is printed so a failure replays with
`sixfold chaos ... --seed K`."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys

import pytest

from sixfold.chaos import netns

pytestmark = pytest.mark.integration

RUN_TIMEOUT_S = 300  # one chaos run: cluster start, the workload, heal, checks


def chaos(tmp_path, *args: str) -> tuple[int, dict, str]:
    out = tmp_path / "chaos"
    cp = subprocess.run([sys.executable, "-m", "sixfold.cli", "chaos", *args, "--out", str(out)],
                        capture_output=True, text=True, timeout=RUN_TIMEOUT_S, stdin=subprocess.DEVNULL)
    print(cp.stdout[-4000:], cp.stderr[-2000:])
    verdict = json.loads((out / "verdict.json").read_text())
    return cp.returncode, verdict, cp.stdout


def seed() -> int:
    s = int(os.environ.get("SIXFOLD_SEED") or random.SystemRandom().randrange(2**31))
    print(f"chaos seed {s} (replay: SIXFOLD_SEED={s})")
    return s


def test_every_workload_stays_valid_under_faults(tmp_path):
    nemeses = "kill,pause,writer-kill,corrupt,disk-loss" + (",partition" if netns.available() else "")
    k = seed()
    rc, verdict, out = chaos(tmp_path, "--workload", "bank,set,list-append,monotonic", "--nemesis", nemeses,
                             "--duration", "40", "--writer-kill-interval", "15", "--seed", str(k))
    assert rc == 0 and verdict["valid"], f"seed {k}: {verdict.get('anomalies')}"
    assert "VERDICT: valid" in out and f"seed {k}" in out
    kinds = {f["kind"] for f in verdict["schedule"]}
    assert "writer-kill" in kinds and len(verdict["schedule"]) >= 3
    for name, w in verdict["workloads"].items():
        assert w["valid"] and w["ops"].get("ok", 0) > 0, name  # each workload got work done
        assert "invoke" not in w["ops"], name  # every op accounted for
    lines = (tmp_path / "chaos" / "history.jsonl").read_text().splitlines()
    assert len(lines) == sum(sum(w["ops"].values()) for w in verdict["workloads"].values())
    # The same seed gives the same schedule (the layout is the one a chaos cluster has).
    from sixfold.chaos.schedule import Layout, ScheduleConfig, make_schedule

    layout = Layout({az: (f"sn-{az}-a", f"sn-{az}-b") for az in ("az1", "az2", "az3")},
                    {"az1": ("db-1",), "az2": ("db-2",), "az3": ("db-3",)}, ("control-plane", "router"))
    again = make_schedule(ScheduleConfig(duration_s=40, nemeses=tuple(nemeses.split(",")), seed=k,
                                         writer_kill_interval_s=15), layout)
    assert [f.to_json() for f in again] == verdict["schedule"]


def test_ack_before_quorum_is_caught_as_lost_transfers(tmp_path):
    k = seed()
    rc, verdict, out = chaos(tmp_path, "--workload", "bank", "--nemesis", "writer-kill", "--writer-kill-interval", "8",
                             "--duration", "20", "--seed", str(k), "--sabotage", "ack-before-quorum")
    assert rc == 1 and not verdict["valid"], f"seed {k}: the sabotage went unnoticed"
    assert verdict["anomalies"].get("bank:lost-transfer"), verdict["anomalies"].keys()
    assert "ANOMALIES FOUND" in out and "was acknowledged but is not in the final state" in out


def test_optimistic_transactions_stay_valid_under_writer_kills(tmp_path):
    """The workloads' transactions run optimistically (replayed at COMMIT) while writers
    and storage nodes are killed: every acknowledged commit stays, none that failed
    appears, and list-append's histories stay snapshot-isolated."""
    k = seed()
    # (A writer kill at 6 s fits before the quiet tail of a 24 s run whatever the seed: the
    # schedule keeps the last 5 s quiet and a writer stays down 4-8 s.)
    rc, verdict, out = chaos(tmp_path, "--workload", "bank,list-append", "--nemesis", "kill,writer-kill",
                             "--writer-kill-interval", "6", "--duration", "24", "--seed", str(k),
                             "--write-concurrency", "optimistic")
    assert rc == 0 and verdict["valid"], f"seed {k}: {verdict.get('anomalies')}"
    assert verdict["config"]["write_concurrency"] == "optimistic"
    assert "writer-kill" in {f["kind"] for f in verdict["schedule"]}
    for name, w in verdict["workloads"].items():
        assert w["valid"] and w["ops"].get("ok", 0) > 0, name


def test_an_unchecked_replay_is_caught(tmp_path):
    """The same with the replay's comparison switched off (a planted bug): transactions
    that read what changed before their COMMIT commit anyway, and list-append shows it."""
    k = seed()
    rc, verdict, out = chaos(tmp_path, "--workload", "bank,list-append", "--nemesis", "kill", "--duration", "12",
                             "--seed", str(k), "--write-concurrency", "optimistic", "--sabotage", "unchecked-replay")
    assert rc == 1 and not verdict["valid"], f"seed {k}: the sabotage went unnoticed"
    assert any(kind.startswith("list-append:") for kind in verdict["anomalies"]), verdict["anomalies"].keys()
    assert "ANOMALIES FOUND" in out
