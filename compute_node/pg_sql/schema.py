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

import contextlib
import contextvars
import threading
from dataclasses import dataclass, field
from typing import Callable

from compute_node.pg_sql import types as pgtypes
from sixfold.constants import SCHEMA_COLUMNS_CACHE_TABLES_MAX

Rows = list[tuple]

# Column lists by (schema version, table), shared by the sessions of this process (one
# database): a schema version names one schema. Oldest out first.
_SHARED: dict[tuple[int, str], tuple | None] = {}
_SHARED_LOCK = threading.Lock()
_MISSING = object()
_VIEWS_KEY = "\x00views"  # (a table name cannot hold NUL)
# What begins the comment holding a view's definition as written (catalog.view_definition).
VIEW_DEFINITION_MARK = "/* sixfold view definition"


SEQUENCE_MARKER_COLUMN = "sixfold_sequence"  # (sequences.MARKER_COLUMN; that module imports this one)


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
            def fetch():
                rows = self.query("SELECT name, coalesce(type, '') FROM pragma_table_info(?)", (key,))
                # (a sequence's options column is Sixfold's: `SELECT * FROM seq` shows PostgreSQL's three)
                return tuple((r[0], pgtypes.unmarked(r[1])) for r in rows if r[0] != SEQUENCE_MARKER_COLUMN) \
                    if rows else None
            self._columns[key] = self.shared(key, fetch)
        return self._columns[key]

    def is_sequence(self, table: str) -> bool:
        """Whether `table` is a sequence (sequences.py: a one-row table with its options column)."""
        key = table.lower() if not table.startswith('"') else table.strip('"')
        return bool(self.shared("\x00sequence:" + key, lambda: tuple(
            r[0] for r in self.query("SELECT 1 FROM pragma_table_info(?) WHERE name = ?",
                                     (key, SEQUENCE_MARKER_COLUMN)))))

    def primary_key(self, table: str) -> tuple[str, ...]:
        """The table's primary key columns in key order, () when it has none."""
        key = "pk:" + (table.lower() if not table.startswith('"') else table.strip('"'))
        if key not in self._columns:
            self._columns[key] = self.shared(key, lambda: tuple(
                (r[0], "") for r in self.query("SELECT name FROM pragma_table_info(?) WHERE pk > 0 ORDER BY pk",
                                                (key[3:],))))
        return tuple(name for name, _ in self._columns[key] or ())

    def all_columns(self, table: str) -> tuple[tuple[str, bool], ...]:
        """(name, generated?) of each of the table's columns in order, its generated ones
        too (pragma_table_info, which `columns` reads, leaves them out); () when none."""
        key = "x:" + (table.lower() if not table.startswith('"') else table.strip('"'))
        if key not in self._columns:
            self._columns[key] = self.shared(key, lambda: tuple(
                (r[0], "g" if r[1] in (2, 3) else "") for r in self.query(
                    "SELECT name, hidden FROM pragma_table_xinfo(?)", (key[2:],))))
        return tuple((name, g == "g") for name, g in self._columns[key] or ())

    def views(self) -> dict[str, str]:
        """The SQLite CREATE VIEW text of each view made by CREATE VIEW, by lower-case name
        (views.py inlines them)."""
        if _VIEWS_KEY not in self._columns:
            self._columns[_VIEWS_KEY] = self.shared(_VIEWS_KEY, lambda: tuple(
                (r[0].lower(), r[1]) for r in self.query(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'view' AND instr(sql, ?)",
                    (VIEW_DEFINITION_MARK,))))
        return dict(self._columns[_VIEWS_KEY])

    def shared(self, key: str, fetch: Callable[[], tuple | None]) -> tuple | None:
        """`fetch()`'s answer for `key` at this schema version, asked once per version by
        the sessions of this process."""
        self._use()
        shared = (self.used_version, key)
        with _SHARED_LOCK:
            found = _SHARED.get(shared, _MISSING)
        if found is _MISSING:
            found = fetch()
            with _SHARED_LOCK:
                _SHARED[shared] = found
                while len(_SHARED) > SCHEMA_COLUMNS_CACHE_TABLES_MAX:
                    _SHARED.pop(next(iter(_SHARED)))
        return found

    @contextlib.contextmanager
    def planned(self, table: str, columns: tuple[tuple[str, str], ...]):
        """Within: `table`, which a statement of this translation creates before it writes,
        has these (name, declared type) columns (CREATE TABLE AS fills its new table)."""
        self._columns[table] = columns
        try:
            yield
        finally:
            self._columns.pop(table, None)

    def rowid_key(self, table: str) -> str | None:
        """The table's primary key column when SQLite keeps it as the rowid (a single
        INTEGER PRIMARY KEY): SQLite gives such a column a new number when given NULL,
        where PostgreSQL refuses it (23502). None otherwise."""
        key = "rowid-key:" + (table.lower() if not table.startswith('"') else table.strip('"'))
        if key not in self._columns:
            self._use()
            rows = self.query("SELECT p.name, lower(p.type), instr(upper(m.sql), 'AUTOINCREMENT') "
                              "FROM pragma_table_info(?) p, sqlite_master m WHERE m.name = ? AND p.pk > 0",
                              (key[10:], key[10:]))
            found = rows[0][0] if len(rows) == 1 and rows[0][1] == "integer" and not rows[0][2] else None
            self._columns[key] = ((found, ""),) if found else None
        cols = self._columns[key]
        return cols[0][0] if cols else None

    def defaults(self, table: str) -> dict[str, str]:
        """The SQLite DEFAULT text of each of the table's columns that has one, by
        lower-case column name (a serial's or identity's names its sequence:
        sequences.default_sequence)."""
        key = "defaults:" + (table.lower() if not table.startswith('"') else table.strip('"'))
        if key not in self._columns:
            self._use()
            rows = self.query("SELECT name, dflt_value FROM pragma_table_info(?) WHERE dflt_value IS NOT NULL",
                              (key[9:],))
            self._columns[key] = tuple((r[0].lower(), r[1]) for r in rows)
        return dict(self._columns[key] or ())

    def rows(self, sql: str, params: tuple = ()) -> Rows:
        self._use()
        return self.query(sql, params)


_CURRENT: contextvars.ContextVar[Catalog | None] = contextvars.ContextVar("sixfold_catalog", default=None)


def current() -> Catalog | None:
    return _CURRENT.get()


def edit_schema(savepoint: str, edits: list[str], bump: bool = True, then: tuple[str, ...] = ()) -> list[str]:
    """Statements writing sqlite_master rows directly (writable_schema: hidden holders of
    enums, functions and domains, comments kept in a CREATE text) inside a savepoint.
    `bump`: then set the schema version to the one after the current one, so that every
    connection reads the schema again; such edits must come before the statement's other
    schema changes, or the version set would not be above every version seen. `then`:
    statements after that, inside the savepoint."""
    out = [f"SAVEPOINT {savepoint}", "PRAGMA writable_schema=ON", *edits, "PRAGMA writable_schema=OFF"]
    if bump:
        cat = current()
        assert cat is not None, "a schema edit that bumps the version is translated with a catalog"
        out.append(f"PRAGMA schema_version = {cat.rows('PRAGMA schema_version')[0][0] + 1}")
    return out + [*then, f"RELEASE {savepoint}"]


class using:  # noqa: N801 (used as a function: `with schema.using(catalog):`)
    """Context manager: `current()` is `catalog` inside."""

    __slots__ = ("catalog", "token")

    def __init__(self, catalog: Catalog | None):
        self.catalog = catalog

    def __enter__(self) -> Catalog | None:
        self.token = _CURRENT.set(self.catalog)
        return self.catalog

    def __exit__(self, *exc) -> bool:
        _CURRENT.reset(self.token)
        return False


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
