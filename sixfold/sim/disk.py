"""An in-memory stand-in for LMDB with the slice of py-lmdb's API `VolumeStore` uses.

A storage node's disk in the simulator: sorted key/value maps per named database,
write transactions that apply at commit and roll back on error. LMDB with
`sync=True` makes every committed transaction durable, so a crash loses exactly
what was not committed; that is what this models (the data outlives the node
object). Faults: a commit can fail its fsync, and a put can hit a full disk; both
raise `DiskFault`, which stops the storage node like a real fsync failure would.
"""

from __future__ import annotations

from bisect import bisect_left, insort


class DiskFault(Exception):
    """An injected fsync failure or full disk."""


class _Db:
    __slots__ = ("keys", "values")

    def __init__(self) -> None:
        self.keys: list[bytes] = []
        self.values: dict[bytes, bytes] = {}

    def put(self, k: bytes, v: bytes) -> None:
        if k not in self.values:
            insort(self.keys, k)
        self.values[k] = v

    def delete(self, k: bytes) -> bool:
        if k not in self.values:
            return False
        del self.values[k]
        del self.keys[bisect_left(self.keys, k)]
        return True


class MemDisk:
    """What survives a crash: every database of one LMDB environment, plus faults."""

    def __init__(self) -> None:
        self.dbs: dict[bytes | None, _Db] = {}
        self.fail_next_fsyncs = 0  # commits that fail
        self.full = False  # puts fail while set
        self.dead = False  # the process that owned this disk crashed: its writes are gone
        self.commits = 0
        self.on_commit = None  # (disk, written keys by db) -> None: the simulator's invariant hook

    def db(self, name: bytes | None) -> _Db:
        d = self.dbs.get(name)
        if d is None:
            d = self.dbs[name] = _Db()
        return d


class MemEnv:
    """`lmdb.open(...)` over a MemDisk."""

    def __init__(self, disk: MemDisk):
        self.disk = disk
        disk.dead = False

    def open_db(self, name: bytes):
        self.disk.db(name)
        return name

    def begin(self, db=None, write: bool = False):
        return _Txn(self.disk, db, write)

    def close(self) -> None:
        pass


class _Txn:
    def __init__(self, disk: MemDisk, db, write: bool):
        self.disk, self.default_db, self.write = disk, db, write
        self._undo: list[tuple[bytes | None, bytes, bytes | None]] = []
        self.written: dict[bytes | None, list[bytes]] = {}

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if not self.write:
            return False
        if exc_type is None:
            d = self.disk
            if d.dead:
                self._rollback()
                raise DiskFault("the process owning this disk is gone")
            if d.fail_next_fsyncs > 0:
                d.fail_next_fsyncs -= 1
                self._rollback()
                raise DiskFault("fsync failed (injected)")
            d.commits += 1
            if d.on_commit is not None:
                d.on_commit(d, self.written)
        else:
            self._rollback()
        return False

    def _rollback(self) -> None:
        for name, k, old in reversed(self._undo):
            db = self.disk.db(name)
            if old is None:
                db.delete(k)
            else:
                db.put(k, old)
        self._undo.clear()

    def _db(self, db) -> _Db:
        return self.disk.db(self.default_db if db is None else db)

    def get(self, key: bytes, default=None, db=None):
        return self._db(db).values.get(bytes(key), default)

    def put(self, key: bytes, value: bytes, db=None) -> bool:
        assert self.write, "put in a read transaction"
        if self.disk.full:
            raise DiskFault("no space left on device (injected)")
        name = self.default_db if db is None else db
        d = self.disk.db(name)
        key = bytes(key)
        self._undo.append((name, key, d.values.get(key)))
        d.put(key, bytes(value))
        self.written.setdefault(name, []).append(key)
        return True

    def delete(self, key: bytes, db=None) -> bool:
        assert self.write, "delete in a read transaction"
        name = self.default_db if db is None else db
        d = self.disk.db(name)
        key = bytes(key)
        old = d.values.get(key)
        if old is None:
            return False
        self._undo.append((name, key, old))
        d.delete(key)
        return True

    def cursor(self, db=None) -> "_Cursor":
        name = self.default_db if db is None else db
        return _Cursor(self, name)

    def stat(self, db=None) -> dict:
        return {"entries": len(self._db(db).keys)}


class _Cursor:
    """A position in a database's sorted keys; `None` is unpositioned."""

    def __init__(self, txn: _Txn, name):
        self.txn, self.name = txn, name
        self.d = txn.disk.db(name)
        self.i: int | None = None

    def _ok(self) -> bool:
        if self.i is None or not 0 <= self.i < len(self.d.keys):
            self.i = None
            return False
        return True

    def set_range(self, key: bytes) -> bool:
        self.i = bisect_left(self.d.keys, bytes(key))
        return self._ok()

    def first(self) -> bool:
        self.i = 0
        return self._ok()

    def last(self) -> bool:
        self.i = len(self.d.keys) - 1
        return self._ok()

    def next(self) -> bool:
        if self.i is None:
            return self.first()
        self.i += 1
        return self._ok()

    def prev(self) -> bool:
        if self.i is None:
            return self.last()
        self.i -= 1
        return self._ok()

    def key(self) -> bytes:
        return self.d.keys[self.i] if self._ok() else b""

    def value(self) -> bytes:
        return self.d.values[self.d.keys[self.i]] if self._ok() else b""

    def item(self) -> tuple[bytes, bytes]:
        return self.key(), self.value()

    def delete(self) -> bool:
        """Delete the current entry; the cursor moves to the next one."""
        if not self._ok():
            return False
        self.txn.delete(self.d.keys[self.i], db=self.name)
        self._ok()
        return True

    def iternext(self, keys: bool = True, values: bool = True):
        if self.i is None and not self.first():
            return
        while self._ok():
            k = self.d.keys[self.i]
            if keys and values:
                yield k, self.d.values[k]
            elif keys:
                yield k
            else:
                yield self.d.values[k]
            self.i += 1

    __iter__ = iternext


def open_env_on(disks: dict[str, MemDisk]):
    """An `open_env` for VolumeStore: the environment at `path` lives in `disks[path]`."""

    def open_env(path: str, **_kw) -> MemEnv:
        disk = disks.get(path)
        if disk is None:
            disk = disks[path] = MemDisk()
        return MemEnv(disk)

    return open_env
