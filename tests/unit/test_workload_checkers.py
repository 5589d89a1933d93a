"""The bank, set and monotonic-read checkers on hand-made histories: each known
anomaly is reported by name, and clean histories pass."""

from __future__ import annotations

from sixfold.checkers.bank import check_bank
from sixfold.checkers.set_reads import check_monotonic, check_set
from sixfold.workloads.base import History


def run(h: History, process: int, value, outcome: str = "ok", error: str | None = None):
    op = h.invoke(process, value)
    return h.complete(op, outcome, value, error)


# --- bank ------------------------------------------------------------------------------
def test_bank_clean_history_passes():
    h = History()
    run(h, 0, [("transfer", 0, 1, 5, 1)])
    run(h, 1, [("transfer", 1, 2, 3, 2)], "info", "08007")
    run(h, 0, [("read", 30, 7)])
    r = check_bank(h, 3, 10, final_transfers=[(1, 0, 1, 5)], final_balances={0: 5, 1: 15, 2: 10})
    assert r.valid, r.render()


def test_bank_catches_lost_phantom_wrong_total_and_balances():
    h = History()
    run(h, 0, [("transfer", 0, 1, 5, 1)])  # acknowledged, then lost
    run(h, 1, [("transfer", 1, 2, 3, 2)], "fail", "40001")  # failed, yet present
    run(h, 0, [("read", 27, 7)])  # half a transfer
    run(h, 2, [("read", 30, -1)])
    r = check_bank(h, 3, 10, final_transfers=[(2, 1, 2, 3), (9, 0, 2, 1)], final_balances={0: 10, 1: 7, 2: 13})
    assert not r.valid
    assert {"lost-transfer", "phantom-transfer", "wrong-total", "negative-balance", "unknown-transfer",
            "final-balances"} <= set(r.anomalies), r.render()


# --- set -------------------------------------------------------------------------------
def test_set_clean_and_anomalies():
    h = History()
    run(h, 0, [("add", 1)])
    run(h, 1, [("add", 2)], "info", "connection")
    run(h, 0, [("read", [1])])
    assert check_set(h, [1, 2]).valid
    h = History()
    run(h, 0, [("add", 1)])
    run(h, 1, [("add", 2)], "fail", "25006")
    run(h, 0, [("read", [2, 2, 7])])  # began after add 1 was acknowledged, misses it
    r = check_set(h, [2])
    assert {"lost", "phantom", "late", "duplicate", "unknown"} <= set(r.anomalies), r.render()


def test_set_replica_reads_may_lag_but_never_show_what_did_not_commit():
    h = History()
    run(h, 0, [("add", 1)])
    run(h, 1, [("add", 2)], "info", "08007")  # in doubt: may be absent at the end...
    run(h, 2, [("rread", [])])  # a replica behind the writer: not "late"
    assert check_set(h, [1]).valid and check_set(h, [1, 2]).valid
    run(h, 2, [("rread", [1, 2])])  # ...but not once a read has shown it
    r = check_set(h, [1])
    assert set(r.anomalies) == {"read-then-lost"}, r.render()
    assert "saw 2" in r.anomalies["read-then-lost"][0] and "its add: info" in r.anomalies["read-then-lost"][0]
    assert check_set(h, [1, 2]).valid


# --- monotonic reads ---------------------------------------------------------------------
def test_monotonic_reads():
    h = History()
    for p, v in [(0, 1), (1, 2), (0, 3), (1, 2), (0, 3)]:
        run(h, p, [("read", v)])
    assert check_monotonic(h, 3).valid
    run(h, 0, [("read", 2)])  # session 0 read 3 before
    run(h, 1, [("read", 9)])
    r = check_monotonic(h, 3)
    assert set(r.anomalies) == {"went-back", "from-the-future"}, r.render()


def test_monotonic_read_of_an_increment_that_committed_only_later():
    h = History()
    run(h, 1000, [("inc", 1)])
    run(h, 1000, [("inc", 2)], "info", "08007")  # in doubt: maybe lost (truncated by a recovery)
    run(h, 0, [("read", 2)])  # a replica that read ahead saw it...
    run(h, 1000, [("inc", 2)])  # ...but the increment that committed 2 began only now
    r = check_monotonic(h, 3)
    assert set(r.anomalies) == {"read-before-commit"}, r.render()
    h = History()
    run(h, 1000, [("inc", 1)])
    inc = h.invoke(1000, [("inc", None)])
    run(h, 0, [("read", 2)])  # concurrent with the increment that commits 2: fine
    h.complete(inc, "ok", [("inc", 2)])
    assert check_monotonic(h, 2).valid
