"""What the translator produces: a Statement per thing to run, and the session facts
(user, database, backend pid) a translation may depend on."""

from __future__ import annotations

from dataclasses import dataclass

from compute_node.pg_sql.copy import CopySpec


# Ends the SQLite text of a SELECT ... FOR UPDATE / FOR SHARE: in a transaction the engine
# takes the write lock before running it (on the writer), as PostgreSQL's row lock makes a
# second locker wait for the first one's commit and then read what it wrote.
LOCKING_READ_MARK = "/* sixfold: locking read */"
# ... FOR UPDATE NOWAIT: the lock now or 55P03, as PostgreSQL's NOWAIT.
LOCKING_READ_NOWAIT_MARK = "/* sixfold: locking read nowait */"


@dataclass(frozen=True)
class SessionContext:
    user: str
    database: str
    backend_pid: int = 0
    # The types a client declared for $1, $2, ... (Parse; 0 = unspecified): they type the
    # expressions the parameters stand in, as in PostgreSQL (a boolean $1 is shown t/f).
    param_oids: tuple[int, ...] = ()


@dataclass(frozen=True)
class Statement:
    kind: str  # "sql" | "set" | "show" | "noop" | "copy" | "declare" | "fetch" | "close_cursor" | "explain"
    #            | "prepare" | "execute" | "deallocate" | "listen" | "unlisten" | "notify" | "do"
    #            | "set_constraints" (name: the constraints, comma-separated, "" for ALL; value:
    #              "deferred" | "immediate")
    tag: str
    sqlite: tuple[str, ...] = ()
    param_count: int = 0
    name: str = ""
    value: str | None = None
    copy: CopySpec | None = None
    # PostgreSQL type OID of each result column when the translator can tell from the
    # query (casts, comparisons, now(), count(*)...); () or None entries: unknown, the wire
    # layer falls back to the column's declared type or its values.
    column_oids: tuple[int | None, ...] = ()
    # Display scale of each numeric result column when the query says it (1.50 + 1 prints
    # 2.50); () or None entries: as the value prints.
    column_scales: tuple[int | None, ...] = ()
    # For a set operation: n of each result column that is char(n) in every branch (shown
    # blank-padded to n, as the declared type of a table's char(n) column is); None: not.
    column_pads: tuple[int | None, ...] = ()
    # A set operation (UNION, INTERSECT, EXCEPT): SQLite declares its result columns as
    # the first branch's, so column_oids and column_scales (resolved over every branch)
    # decide, never that declared type.
    compound: bool = False
    # Result columns (0-based) that read a column of a set operation in a subquery or CTE:
    # SQLite declares them with one branch's type (a real where the first branch's
    # double precision decides), so column_oids decide, as for `compound`.
    undeclared: tuple[int, ...] = ()
    # The query reads a catalog relation: a column of a catalog flag's name
    # (catalog.BOOL_COLUMNS) that no expression types, read through `*`, is a boolean.
    catalog_flags: bool = False
    # The type OID of each parameter ($1 is index 0) when the query says it (a column it
    # is compared with or assigned to, a cast); None: unknown (described as text).
    param_oids: tuple[int | None, ...] = ()
    # For each parameter stored straight into an integer or real column (INSERT ...
    # VALUES, UPDATE ... SET c = $n), the column's type OID, else None: a value the client
    # typed numeric or float8 is rounded there as PostgreSQL's assignment cast rounds it
    # (to an integer, or to single precision).
    param_assign_oids: tuple[int | None, ...] = ()
    # For each parameter stored straight into a varchar(n) or char(n) column, (n, the
    # type's name), else None: at Bind, blanks past n are cut and anything else past n is
    # 22001, as PostgreSQL folds the bound value's coercion while planning (even where no
    # row is stored).
    param_assign_limits: tuple[tuple[int, str] | None, ...] = ()
    # For each untyped parameter cast to an enum type ($1::mood), the type's token (its
    # labels), else None: PostgreSQL reads such a parameter as the enum while binding, so
    # a text that is no label is 22P02 even where no row uses it.
    param_enum_tokens: tuple[str | None, ...] = ()
    # Values for the statement's ?1.. when the client sent none: the fast path binds the
    # numbers of a literal statement, so that its SQLite text (and prepared program)
    # repeats from one pgbench transaction to the next.
    literals: tuple = ()
    # A notice to send with the statement's outcome (sqlstate, message): a noop's
    # "already exists, skipping", a DROP's "drop cascades to view v".
    notice: tuple[str, str] | None = None
    # Notices sent after `notice` (DROP TABLE IF EXISTS a, b: one per missing name).
    later_notices: tuple[tuple[str, str], ...] = ()
    # SET LOCAL: the setting lasts until the transaction ends.
    local: bool = False
    # What PostgreSQL runs only outside a transaction block (CREATE INDEX CONCURRENTLY,
    # VACUUM ...), named as its 25001 error names it; None: anything else.
    outside_block: str | None = None
    # MERGE (kind "merge"): the PostgreSQL statements the session runs in turn, as
    # merge.MergePlan.parts gives them (planned with the catalog of the translation).
    parts: tuple[str, ...] = ()
