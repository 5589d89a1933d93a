"""What the translator may ask of the database's schema while it translates: the columns
of a table with their declared types, and the constraint triggers Sixfold created.

The session provides a `Catalog` (a read on the connection its statement will run on);
the translator reaches it through `current()` while translating. A translation that
asked anything is valid only for that schema version (SQLite's schema cookie), so the
cache in translate.py keys it by the version; translations that asked nothing are
cached by their text alone. Without a catalog (tests, tools) every answer is "unknown"
and the translation is the schema-free one.
"""

from __future__ import annotations

import contextvars
from dataclasses import dataclass, field
from typing import Callable

Rows = list[tuple]


@dataclass
class Catalog:
    """`query(sql, params)` runs a read-only catalog query; `version()` is the schema
    version it reads (PRAGMA schema_version)."""

    query: Callable[[str, tuple], Rows]
    version: Callable[[], int]
    used_version: int | None = None  # set once the translation asked something
    _columns: dict[str, tuple[tuple[str, str], ...] | None] = field(default_factory=dict)

    def _use(self) -> None:
        if self.used_version is None:
            self.used_version = self.version()

    def columns(self, table: str) -> tuple[tuple[str, str], ...] | None:
        """(name, declared type) of the table's or view's columns, None when there is none."""
        key = table.lower() if not table.startswith('"') else table.strip('"')
        if key not in self._columns:
            self._use()
            rows = self.query("SELECT name, coalesce(type, '') FROM pragma_table_info(?)", (key,))
            self._columns[key] = tuple((r[0], r[1]) for r in rows) if rows else None
        return self._columns[key]

    def rows(self, sql: str, params: tuple = ()) -> Rows:
        self._use()
        return self.query(sql, params)


_CURRENT: contextvars.ContextVar[Catalog | None] = contextvars.ContextVar("sixfold_catalog", default=None)


def current() -> Catalog | None:
    return _CURRENT.get()


def using(catalog: Catalog | None):
    """Context manager: `current()` is `catalog` inside."""
    class _Scope:
        def __enter__(self):
            self.token = _CURRENT.set(catalog)
            return catalog

        def __exit__(self, *exc):
            _CURRENT.reset(self.token)
            return False
    return _Scope()


def column_type(table: str, column: str) -> str | None:
    """The declared type of table.column when a catalog is at hand and knows it."""
    cat = current()
    if cat is None:
        return None
    cols = cat.columns(table)
    if not cols:
        return None
    low = column.lower()
    for name, decl in cols:
        if name == column or name.lower() == low:
            return decl
    return None
