"""Deferrable foreign keys added by ALTER TABLE (constraints.py makes them triggers): a
violation found inside a transaction block while the constraint is deferred is kept, not
raised, and the constraint is checked again, over the whole table, when the transaction
commits or SET CONSTRAINTS makes it IMMEDIATE - as PostgreSQL checks a deferred
constraint at commit (the error then is COMMIT's, and the transaction is rolled back).

Django adds every foreign key so (`ALTER TABLE ... ADD CONSTRAINT ... FOREIGN KEY ...
DEFERRABLE INITIALLY DEFERRED`), and so does pg_dump; a row that refers to one inserted
later in the same transaction (fixtures, loaddata, restores) was refused at once.

A foreign key declared in CREATE TABLE is SQLite's own, which defers it natively
(DEFERRABLE INITIALLY DEFERRED); `SET CONSTRAINTS ALL IMMEDIATE` checks those too (SQLite's
foreign_key_check), and while they are IMMEDIATE each statement after it is checked when
SQLite counts a deferred violation (`check_native_now`).

`SESSION.state` is the running session's `DeferredChecks`, set around each statement (the
trigger's SQLite function has no other way to know whose transaction it runs in).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field

import apsw

from compute_node.pg_sql import catalog
from sixfold.errors import SqlError

# runs one SQLite query on the session's connection, in its transaction: its rows
Execute = Callable[[str, tuple], list[tuple]]


@dataclass
class DeferredChecks:
    """One session's deferred constraint state, for its open transaction."""

    in_block: bool = False  # the statement runs inside a transaction block
    all_deferred: bool | None = None  # SET CONSTRAINTS ALL DEFERRED / IMMEDIATE, this transaction
    named: dict[str, bool] = field(default_factory=dict)  # SET CONSTRAINTS name ... : deferred?
    # constraint -> the error to raise if it is still violated, in the order met
    pending: dict[str, str] = field(default_factory=dict)

    def deferred(self, name: str, initially_deferred: bool) -> bool:
        if name in self.named:
            return self.named[name]
        return initially_deferred if self.all_deferred is None else self.all_deferred

    def transaction_ended(self) -> None:
        self.all_deferred = None
        self.named.clear()
        self.pending.clear()


class _Session(threading.local):
    state: DeferredChecks | None = None


SESSION = _Session()


def violated(name, initially_deferred, message):
    """SQL function pg_fk_violated(constraint, initially deferred, error): a deferrable
    foreign key's trigger found a violation. Kept for commit when the constraint is
    deferred in a transaction block; raised ('[23503] ...') otherwise."""
    state = SESSION.state
    if state is not None and state.in_block and state.deferred(str(name), bool(initially_deferred)):
        state.pending.setdefault(str(name), str(message))
        return None
    raise apsw.SQLError(str(message))


def register(conn: apsw.Connection) -> None:
    conn.create_scalar_function("pg_fk_violated", violated, 3)


# The child's insert trigger of a deferrable foreign key called `?` (it keeps the
# constraint in a comment, constraints._marker): its table and text, as renames left them
_CHECK_TRIGGERS = ("SELECT tbl_name, sql FROM sqlite_master WHERE type = 'trigger' "
                   "AND substr(name, 1, 12) = 'sixfold_con:' AND pg_con_field(sql, 'name') = ? "
                   "AND pg_con_field(sql, 'type') = 'f'")


def check_queries(name: str, execute: Execute) -> list[str]:
    """The queries finding a row that breaks foreign key `name` now: its child trigger's
    WHEN condition (`NEW.p IS NOT NULL AND NOT EXISTS (SELECT 1 FROM parent ...)`, whose
    names SQLite keeps current through renames) over the child's rows."""
    out = []
    for table, sql in execute(_CHECK_TRIGGERS, (name,)):
        when = sql.find(" WHEN ", sql.find("*/"))
        begin = sql.rfind(" BEGIN ")
        if when < 0 or begin < when:
            raise AssertionError(f"a foreign key's trigger of another form: {sql[:200]}")
        condition = sql[when + len(" WHEN "):begin].replace("NEW.", "c.")
        out.append(f'SELECT 1 FROM "{table.replace(chr(34), chr(34) * 2)}" AS c WHERE {condition} LIMIT 1')
    return out


def check_pending(state: DeferredChecks, names: set[str] | None, execute: Execute) -> None:
    """Check the kept violations of the constraints `names` (None: all) against the rows
    as they are now: SqlError 23503 for the first still violated. Checked ones are
    forgotten."""
    for name, message in list(state.pending.items()):
        if names is not None and name not in names:
            continue
        if any(execute(check, ()) for check in check_queries(name, execute)):
            raise SqlError(message.removeprefix("[23503] "), "23503")
        del state.pending[name]


# the first row breaking one of SQLite's own foreign keys, with the key's name as
# PostgreSQL names it (catalog.py's pg_fk_name)
_NATIVE_CHECK = ("SELECT k.\"table\", pg_fk_name(m.sql, m.name, (SELECT group_concat(f.\"from\", ',') "
                 "FROM pragma_foreign_key_list(m.name) f WHERE f.id = k.fkid)) "
                 "FROM pragma_foreign_key_check k JOIN sqlite_master m ON m.name = k.\"table\" LIMIT 1")


def check_native_now(state: DeferredChecks, execute: Execute, native_violations: Callable[[], bool]) -> None:
    """After a statement in a transaction block where SET CONSTRAINTS made constraints
    IMMEDIATE: a row breaking one of SQLite's own deferred foreign keys that is immediate
    now fails the statement (23503), as PostgreSQL checks an immediate constraint at the
    end of each statement. (SQLite's count of deferred violations is read first: the
    scan runs only when it is not zero.)"""
    if state.all_deferred is not False and all(state.named.values()):
        return
    if not native_violations():
        return
    for table, name in execute(_NATIVE_CHECK.removesuffix(" LIMIT 1"), ()):
        if not state.deferred(name, True):
            raise SqlError(f'insert or update on table "{table}" violates foreign key constraint "{name}"', "23503")


def set_constraints(state: DeferredChecks, names: list[str] | None, deferred: bool, execute: Execute,
                    native_violations: Callable[[], bool]) -> None:
    """SET CONSTRAINTS {ALL | names} {DEFERRED | IMMEDIATE} in a transaction block. A name
    must be a deferrable constraint's (42704, 42809); IMMEDIATE checks what was deferred
    first (and, for ALL, SQLite's own deferred foreign keys when SQLite counts a violation
    of one: `native_violations`), as PostgreSQL does."""
    if names is None:
        if not deferred:
            check_pending(state, None, execute)
            broken = execute(_NATIVE_CHECK, ()) if native_violations() else []
            if broken:
                raise SqlError(f'insert or update on table "{broken[0][0]}" violates foreign key constraint '
                               f'"{broken[0][1]}"', "23503")
        state.all_deferred = deferred
        state.named.clear()
        return
    for name in names:
        found = execute(f"SELECT condeferrable FROM ({catalog.RELATIONS['pg_constraint']}) WHERE conname = ?",
                        (name,))
        if not found:
            raise SqlError(f'constraint "{name}" does not exist', "42704")
        if not any(r[0] for r in found):
            raise SqlError(f'constraint "{name}" is not deferrable', "42809")
    if not deferred:
        check_pending(state, set(names), execute)
    state.named.update(dict.fromkeys(names, deferred))
