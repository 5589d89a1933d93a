"""The advisory lock registry (compute_node/advisory_locks.py), without a server."""

from __future__ import annotations

import apsw
import pytest

from compute_node.advisory_locks import AdvisoryLocks


def test_holds_count_per_session_and_level():
    locks, a, b = AdvisoryLocks(), object(), object()
    key = (1, 42)
    assert locks.try_lock(a, key, "session") and locks.try_lock(a, key, "session")
    assert not locks.try_lock(b, key, "session") and not locks.try_lock(b, key, "xact")
    assert locks.unlock(a, key) and not locks.try_lock(b, key, "session"), "taken twice: still held once"
    assert locks.unlock(a, key) and not locks.unlock(a, key), "a second unlock of nothing is False"
    assert locks.try_lock(b, key, "xact") and not locks.unlock(b, key), "unlock lets go of session holds only"
    locks.release(b, "xact")
    assert locks.try_lock(a, key, "session")


def test_release_all_levels_and_a_blocking_lock():
    locks, a, b = AdvisoryLocks(), object(), object()
    assert locks.try_lock(a, (1, 1), "session") and locks.try_lock(a, (2, 1, 2), "xact")
    with pytest.raises(apsw.SQLError, match="57014"):
        locks.lock(b, (1, 1), "session", cancelled=lambda: True)  # held by a: waits, sees the cancel
    locks.release(a)
    locks.lock(b, (1, 1), "session", cancelled=lambda: True)  # free: taken at once
    assert not locks.try_lock(a, (1, 1), "session") and locks.try_lock(a, (2, 1, 2), "session")
