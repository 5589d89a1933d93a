"""Eponymous SQLite virtual tables whose rows a Python callable gives (pg_stat_activity,
pg_settings), and the cursor they and `pg_rows` share."""

from __future__ import annotations

from typing import Callable

import apsw


class RowsCursor:
    """Walks `self.rows`; subclasses fill them in Filter."""

    def __init__(self):
        self.rows: list[tuple] = []
        self.i = 0

    def Eof(self) -> bool:
        return self.i >= len(self.rows)

    def Next(self) -> None:
        self.i += 1

    def Rowid(self) -> int:
        return self.i

    def Column(self, n: int):
        return self.rows[self.i][n]

    def Close(self) -> None:
        pass


class _Cursor(RowsCursor):
    def __init__(self, rows: Callable[[], list[tuple]]):
        super().__init__()
        self._rows = rows

    def Filter(self, idx_num, idx_str, args):
        self.rows, self.i = self._rows(), 0


class _Table:
    def __init__(self, rows: Callable[[], list[tuple]]):
        self._rows = rows

    def BestIndex(self, constraints, orderbys):
        return None  # a full scan: the rows are few and made at once

    def Open(self):
        return _Cursor(self._rows)

    def Disconnect(self):
        pass

    Destroy = Disconnect


class _Module:
    def __init__(self, columns: tuple[str, ...], rows: Callable[[], list[tuple]]):
        self.columns, self.rows = columns, rows

    def Create(self, db, modulename, dbname, tablename, *args):
        return f"CREATE TABLE x({', '.join(self.columns)})", _Table(self.rows)

    Connect = Create


def register(conn: apsw.Connection, name: str, columns: tuple[str, ...], rows: Callable[[], list[tuple]]) -> None:
    """`SELECT ... FROM name` on `conn` reads `rows()` (called on the reading thread)."""
    conn.create_module(name, _Module(columns, rows), eponymous=True, eponymous_only=True)
