"""PostgreSQL's advisory locks on a compute instance: pg_advisory_lock, pg_try_advisory_lock,
pg_advisory_unlock, pg_advisory_unlock_all and the transaction-level _xact_ forms
(migration tools take one so that two deploys do not migrate at once).

The locks belong to the instance (a failover forgets them, as a PostgreSQL restart
does). Each is held by one session, counted per level (taken twice, unlocked twice);
another session's try fails at once, and a blocking lock waits at most
ADVISORY_LOCK_WAIT_MS (then 55P03), checking every ADVISORY_LOCK_POLL_MS for the
statement's cancel. Transaction-level locks go when the session's transaction ends,
session-level ones when it closes. The SQL functions find the session running them
through `running` (a thread-local the session sets around each statement: a statement
runs on its session's thread).
"""

from __future__ import annotations

import threading
import time

import apsw

from sixfold.constants import ADVISORY_LOCK_POLL_MS, ADVISORY_LOCK_WAIT_MS

running = threading.local()  # .session: the Session whose statement runs on this thread


class AdvisoryLocks:
    """The instance's advisory locks: key -> (holder, {level: count})."""

    def __init__(self):
        self._held: dict[tuple, tuple[object, dict[str, int]]] = {}
        self._changed = threading.Condition()

    def try_lock(self, owner, key: tuple, level: str) -> bool:
        with self._changed:
            holder = self._held.get(key)
            if holder is not None and holder[0] is not owner:
                return False
            counts = holder[1] if holder is not None else {}
            counts[level] = counts.get(level, 0) + 1
            self._held[key] = (owner, counts)
            return True

    def lock(self, owner, key: tuple, level: str, cancelled) -> None:
        deadline = time.monotonic() + ADVISORY_LOCK_WAIT_MS / 1000
        with self._changed:
            while not self.try_lock(owner, key, level):
                if cancelled():
                    raise apsw.SQLError("[57014] canceling statement due to user request")
                left = deadline - time.monotonic()
                if left <= 0:
                    raise apsw.SQLError(f"[55P03] could not obtain advisory lock within {ADVISORY_LOCK_WAIT_MS} ms "
                                        "(another session holds it)")
                self._changed.wait(min(left, ADVISORY_LOCK_POLL_MS / 1000))

    def unlock(self, owner, key: tuple) -> bool:
        """A session-level hold of `key` by `owner` let go; False (PostgreSQL warns) when none."""
        with self._changed:
            holder = self._held.get(key)
            if holder is None or holder[0] is not owner or not holder[1].get("session"):
                return False
            holder[1]["session"] -= 1
            self._forget_empty(key)
            return True

    def release(self, owner, level: str | None = None) -> None:
        """Every lock `owner` holds at `level` (None: at every level). Called as every
        transaction ends: with no lock held by anyone, it takes no lock itself."""
        if not self._held:  # only `owner`'s own thread adds its locks, and it is here
            return
        with self._changed:
            for key, (holder, counts) in list(self._held.items()):
                if holder is owner:
                    for lv in ([level] if level else list(counts)):
                        counts.pop(lv, None)
                    self._forget_empty(key)

    def _forget_empty(self, key: tuple) -> None:
        if not any(self._held[key][1].values()):
            del self._held[key]
            self._changed.notify_all()


def _key(args: tuple) -> tuple:
    if any(a is None for a in args):
        raise apsw.SQLError("[22004] an advisory lock key cannot be NULL")
    if not all(isinstance(a, int) for a in args):
        raise apsw.SQLError("[42883] an advisory lock key is a bigint or two integers")
    return (len(args), *args)


def register(conn: apsw.Connection, locks: AdvisoryLocks) -> None:
    """The advisory lock functions on `conn` (any connection of the instance)."""

    def session():
        s = getattr(running, "session", None)
        if s is None:
            raise apsw.SQLError("[55000] advisory locks need a session")
        return s

    def cancelled() -> bool:
        return bool(getattr(session(), "cancel_requested", False))

    def locker(level: str, blocking: bool):
        def fn(*args):
            key = _key(args)
            if blocking:
                locks.lock(session(), key, level, cancelled)
                return ""  # void
            return int(locks.try_lock(session(), key, level))
        return fn

    for nargs in (1, 2):
        conn.create_scalar_function("pg_advisory_lock", locker("session", True), nargs)
        conn.create_scalar_function("pg_try_advisory_lock", locker("session", False), nargs)
        conn.create_scalar_function("pg_advisory_xact_lock", locker("xact", True), nargs)
        conn.create_scalar_function("pg_try_advisory_xact_lock", locker("xact", False), nargs)
        conn.create_scalar_function("pg_advisory_unlock", lambda *a: int(locks.unlock(session(), _key(a))), nargs)
    conn.create_scalar_function("pg_advisory_unlock_all", lambda: locks.release(session(), "session") or "", 0)
