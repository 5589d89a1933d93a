"""One session's temporary tables: which it has, what its statements become, what
COMMIT, DISCARD and the session's end do to them. The renaming itself is
`pg_sql/temp_tables.py`; this is the state around it.

The names a session has are read from the catalog as the session sees it (inside its
own transaction), so a CREATE TEMP TABLE rolled back leaves none. Sessions that never
create one pay nothing: `used` stays False and statements pass untouched.
"""

from __future__ import annotations

import re
import secrets

from compute_node.pg_sql import temp_tables
from compute_node.pg_sql.sequences import IS_SEQUENCE_SQL
from compute_node.pg_sql.temp_tables import LIKE_ESCAPED_PREFIX, PREFIX, physical, sql_name
from sixfold.errors import SqlError

_VIEW = re.compile(r"\s*create\s+(or\s+replace\s+)?(materialized\s+)?view\b", re.IGNORECASE)
_TOKEN_BYTES = 4  # 8 hex digits: collisions between a node's live sessions are checked


class SessionTempTables:
    """The temporary tables of one session. `rows(sql, params)` reads the catalog as
    the session sees it."""

    def __init__(self, live_tokens: set[str], rows):
        token = secrets.token_hex(_TOKEN_BYTES)
        while token in live_tokens:
            token = secrets.token_hex(_TOKEN_BYTES)
        self.token = token
        self._live = live_tokens
        self._live.add(token)
        self._rows = rows
        self.used = False  # the session created one (its statements are rewritten since)
        self.on_commit: dict[str, str] = {}  # name -> "delete" or "drop"
        # Tables a CREATE TEMP TABLE of the batch being translated will make: a simple
        # Query's statements are all translated before the first runs.
        self._batch: set[str] = set()

    def new_batch(self) -> None:
        self._batch.clear()

    def close(self) -> None:
        self._live.discard(self.token)

    def names(self) -> tuple[set[str], set[str]]:
        """(tables, indexes) the session has, by the names it gave them."""
        # (a serial's sequence is no table of the session's: it goes with its table)
        rows = self._rows("SELECT type, name FROM sqlite_master WHERE type IN ('table', 'index') "
                          f"AND name LIKE ? ESCAPE '\\' AND NOT {IS_SEQUENCE_SQL}",
                          (f"{LIKE_ESCAPED_PREFIX}{self.token}\\_%",))
        cut = len(PREFIX) + len(self.token) + 1
        return ({n[cut:] for t, n in rows if t == "table"}, {n[cut:] for t, n in rows if t == "index"})

    def rewrite(self, text: str) -> str:
        """`text` as the volume's tables name what it refers to."""
        create = temp_tables.parse_create(text, self.token)
        if create is not None:
            if not self.used:
                self.used = True
                tables = set()
            else:
                tables = self.names()[0]
            self._batch.add(create.name)
            if create.name not in tables:  # (IF NOT EXISTS of one that exists keeps its ON COMMIT)
                if create.on_commit == "preserve":
                    self.on_commit.pop(create.name, None)
                else:
                    self.on_commit[create.name] = create.on_commit
            text = create.sql
        if not self.used:
            return text
        tables, indexes = self.names()
        tables |= self._batch
        if not tables and not indexes:
            return text
        r = temp_tables.rewrite(text, self.token, tables, indexes)
        if r.renamed and _VIEW.match(text):
            raise SqlError("views of temporary tables are not supported (PostgreSQL would make the view "
                           "temporary); read the table directly", "0A000")
        if r.referenced_by_fk and create is None and not re.match(
                rf"\s*alter\s+table\s+(if\s+exists\s+)?(only\s+)?{PREFIX}{self.token}_", r.sql, re.IGNORECASE):
            raise SqlError("constraints on permanent tables may reference only permanent tables", "42P16")
        return r.sql

    def commit_actions(self) -> list[str]:
        """What COMMIT does first: ON COMMIT DELETE ROWS and ON COMMIT DROP."""
        if not self.on_commit:
            return []
        tables = self.names()[0]
        out = []
        for name, action in list(self.on_commit.items()):
            if name not in tables:  # dropped, or its CREATE rolled back
                del self.on_commit[name]
                continue
            phys = sql_name(physical(self.token, name))
            out.append(f"DROP TABLE {phys}" if action == "drop" else f"TRUNCATE {phys}")
        return out

    def drop_all(self) -> list[str]:
        """DROP TABLE of every temporary table of the session (DISCARD TEMP, its end)."""
        tables = self.names()[0] if self.used else set()
        self.on_commit.clear()
        if not tables:
            return []
        return ["DROP TABLE " + ", ".join(sql_name(physical(self.token, n)) for n in sorted(tables)) + " CASCADE"]

    def strip(self, message: str) -> str:
        """An error message naming the session's tables as it named them."""
        return temp_tables.strip_names(message, self.token) if self.used else message


def orphans(rows, live_tokens: set[str]) -> list[str]:
    """DROP TABLE of the temporary tables no open session owns (sessions that ended
    without dropping theirs: a crash, a writer that stopped)."""
    found = rows(f"SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE ? ESCAPE '\\' "
                 f"AND NOT {IS_SEQUENCE_SQL}", (f"{LIKE_ESCAPED_PREFIX}%",))  # (sequences go with their tables)
    names = sorted(n for (n,) in found if temp_tables.token_of(n) not in live_tokens)
    if not names:
        return []
    return ["DROP TABLE " + ", ".join(sql_name(n) for n in names) + " CASCADE"]
