"""SQL over the volume survives a SIGKILLed writer: every acknowledged transaction
is there after a new writer recovers the volume, and no transaction is half there."""

from __future__ import annotations

import subprocess
import sys
import threading

import pytest

from compute_node.engine import ComputeNode
from sixfold.supervisor import wait_until
from tests.integration.mtr_workload import seed_from_env

SESSIONS = 4
ACCOUNTS = 50


def check_bank(node: ComputeNode, acked: set[tuple[int, int]]) -> int:
    """Every acknowledged transfer is present; balances equal the ledger's sums."""
    s = node.session()
    ledger = s.execute("select session, seq, src, dst, amount from ledger").rows
    present = {(r[0], r[1]) for r in ledger}
    missing = sorted(acked - present)
    assert not missing, f"acknowledged transactions lost: {missing[:10]}"
    expected = {i: 0 for i in range(ACCOUNTS)}
    for _sess, _seq, src, dst, amount in ledger:
        expected[src] -= amount
        expected[dst] += amount
    balances = dict(s.execute("select id, balance from accounts").rows)
    assert balances == expected, "a transaction is partly visible: balances disagree with the ledger"
    s.close()
    return len(ledger)


@pytest.mark.integration
def test_sigkilled_writer_loses_no_acknowledged_transaction(cluster_builder):
    seed = seed_from_env()
    cluster = cluster_builder.build()
    acked: set[tuple[int, int]] = set()
    for round_ in range(2):  # kill, recover, write on, kill again
        proc = subprocess.Popen(
            [sys.executable, "-m", "tests.integration.sql_writer_proc", str(cluster.spec_path), str(seed + round_),
             str(SESSIONS), str(ACCOUNTS), str(100 * round_)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        lines: list[str] = []
        reader = threading.Thread(target=lambda: lines.extend(proc.stdout), daemon=True)
        reader.start()
        try:
            start = len(acked)
            wait_until(lambda: sum(l.startswith("ack ") for l in list(lines)) >= 300, 120,
                       "300 acknowledged transactions")
        finally:
            proc.kill()
            proc.wait(10)
            reader.join(10)
        errors = [l for l in lines if l.startswith("error ")]
        assert not errors, errors[:5]
        for line in lines:
            if line.startswith("ack "):
                _, sess, seq = line.split()
                acked.add((int(sess), int(seq)))
        # Recover with a new writer and check.
        node = ComputeNode(cluster.spec).start()
        try:
            n = check_bank(node, acked)
            print(f"round {round_}: {len(acked) - start} acked, {n} transfers in the ledger, "
                  f"recovered at VDL {node.vc.recovered.vdl} in {node.vc.recovery_ms:.0f} ms")
        finally:
            node.close()
