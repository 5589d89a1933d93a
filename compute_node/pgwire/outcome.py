"""What one statement of a session produced: its tag, rows and what goes with them."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Outcome:
    """What one statement produced."""

    tag: str
    columns: list[tuple[str, int]] = field(default_factory=list)  # (name, type OID)
    rows: list[tuple] = field(default_factory=list)
    notices: list[tuple[str, str]] = field(default_factory=list)  # (sqlstate, message) warnings
    parameter_status: list[tuple[str, str]] = field(default_factory=list)  # to report after it
    encoded: list[bytes] | None = None  # the rows as DataRow messages, once encoded (in the worker)
    scales: tuple[int | None, ...] = ()  # per column: a numeric(p,s) column's s, printed with that many digits
    decltypes: list[str | None] | None = None  # per column: its declared type in SQLite, when known

    @property
    def returns_rows(self) -> bool:
        return bool(self.columns)
