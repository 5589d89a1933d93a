"""SQLite errors as SQL errors with PostgreSQL SQLSTATEs."""

from __future__ import annotations

import logging
import re

import apsw

from compute_node import failing_row, key_detail
from compute_node.pg_sql import constraints
from sixfold.errors import DETAIL_MARK, HINT_MARK, ReadOnlyTransaction, SixfoldError, SqlError

log = logging.getLogger("sixfold.compute.sql")

_PREFIX = re.compile(r"^\w+Error: ")
_OWN_STATE = re.compile(r"^\[([0-9A-Z]{5})\] (.*)$", re.DOTALL)
_BY_MESSAGE = [
    # The type checks the translator adds to numeric columns name their SQLSTATE.
    (re.compile(r"CHECK constraint failed: 22P02 "), "22P02"),
    (re.compile(r"CHECK constraint failed: 22003 "), "22003"),
    (re.compile(r"CHECK constraint failed: 22001 "), "22001"),
    (re.compile(r"UNIQUE constraint failed|PRIMARY KEY must be unique|is not unique"), "23505"),
    (re.compile(r"NOT NULL constraint failed"), "23502"),
    (re.compile(r"FOREIGN KEY constraint failed"), "23503"),
    (re.compile(r"CHECK constraint failed"), "23514"),
    (re.compile(r"^error in (view|trigger) \S+ after drop column"), "2BP01"),
    (re.compile(r"^cannot modify \S+ because it is a view$"), "0A000"),
    (re.compile(r"no such table|no such view"), "42P01"),
    (re.compile(r"no such column|has no column named"), "42703"),
    (re.compile(r"^ambiguous column name"), "42702"),
    (re.compile(r"^misuse of window function"), "42P20"),
    (re.compile(r"no such function"), "42883"),
    (re.compile(r"no such index"), "42704"),
    (re.compile(r"(table|index|view|trigger) .* already exists"), "42P07"),
    (re.compile(r"^there is already another table or index with this name: "), "42P07"),
    (re.compile(r"^no such savepoint: "), "3B001"),
    (re.compile(r"duplicate column name"), "42701"),
    (re.compile(r"^table \S+ has more than one primary key$"), "42P16"),
    (re.compile(r"^aggregate functions are not allowed in the GROUP BY clause$"), "42803"),
    (re.compile(r"syntax error|incomplete input|unrecognized token"), "42601"),
    (re.compile(r"^\d+ values for \d+ columns$|^table \S+ has \d+ columns but \d+ values were supplied$|"
                r"^all VALUES must have the same number of terms$"), "42601"),
    (re.compile(r"datatype mismatch"), "42804"),
    (re.compile(r"integer overflow"), "22003"),
    (re.compile(r"division by zero"), "22012"),
    (re.compile(r"too many terms|too many columns|string or blob too big"), "54000"),
    (re.compile(r"cannot (start|commit|rollback) .*transaction|no transaction is active"), "25000"),
    (re.compile(r"\binterrupted\b"), "57014"),
    (re.compile(r"invalid input syntax|invalid input value"), "22P02"),
    (re.compile(r"invalid regular expression"), "2201B"),
    (re.compile(r"(ORDER|GROUP) BY term out of range"), "42P10"),
    (re.compile(r"^ON CONFLICT clause does not match any PRIMARY KEY or UNIQUE constraint$"), "42P10"),
    (re.compile(r"cannot (INSERT into|UPDATE) generated column"), "428C9"),
    (re.compile(r"no such collation sequence"), "0A000"),
    (re.compile(r"^row value misused$"), "0A000"),
]

# SQLite's wording -> PostgreSQL's, for the messages clients and people know.
_REWORD = [
    (re.compile(r"^(\d+) values for (\d+) columns$"),
     lambda m: "INSERT has more expressions than target columns" if int(m[1]) > int(m[2])
     else "INSERT has more target columns than expressions"),
    (re.compile(r"^table \S+ has \d+ columns but \d+ values were supplied$"),
     lambda m: "INSERT has more expressions than target columns"),
    (re.compile(r"^all VALUES must have the same number of terms$"),
     lambda m: "VALUES lists must all be the same length"),
    (re.compile(r"^CHECK constraint failed: 22P02 (.+) (\S+)$"),
     lambda m: f'invalid input syntax for type {m[1]} (column "{m[2]}")'),
    (re.compile(r"^CHECK constraint failed: 22003 (.+) (\S+)$"), lambda m: f"{m[1]} out of range"),
    (re.compile(r"^CHECK constraint failed: 22001 (.+) (\S+)$"),
     lambda m: f"value too long for type {m[1]}"),
    (re.compile(r"^CHECK constraint failed: 23514 (.+) (\S+)$"),
     lambda m: f'new row for relation "{m[1]}" violates check constraint "{m[2]}"'),
    (re.compile(r"^UNIQUE constraint failed: (\w+)\.(.+)$"),
     lambda m: f'duplicate key value violates unique constraint "{m[1]}_{_cols(m[2])}_key"'),
    (re.compile(r"^NOT NULL constraint failed: (\w+)\.(\w+)$"),
     lambda m: f'null value in column "{m[2]}" of relation "{m[1]}" violates not-null constraint'),
    (re.compile(r"^ON CONFLICT clause does not match any PRIMARY KEY or UNIQUE constraint$"),
     lambda m: "there is no unique or exclusion constraint matching the ON CONFLICT specification"),
    (re.compile(r"^cannot modify (\S+) because it is a view$"),
     lambda m: f'cannot change view "{m[1]}": INSERT, UPDATE and DELETE on a view are not supported'),
    (re.compile(r"^error in (view|trigger) (\S+) after drop column: no such column: (.+)$"),
     lambda m: f'cannot drop column {m[3]} because other objects depend on it ({m[1]} {m[2]} uses it)'),
    (re.compile(r"^no such table: (?:main\.)?(.+)$"), lambda m: f'relation "{m[1]}" does not exist'),
    # (PostgreSQL quotes an unqualified name only: column t.x does not exist)
    (re.compile(r"^no such column: ([^.\s]+\.[^.\s]+)$"), lambda m: f"column {m[1]} does not exist"),
    (re.compile(r"^no such column: (.+)$"), lambda m: f'column "{m[1]}" does not exist'),
    (re.compile(r"^table (\w+) has no column named (\w+)$"),
     lambda m: f'column "{m[2]}" of relation "{m[1]}" does not exist'),
    (re.compile(r"^no such function: (\w+)$"), lambda m: f"function {m[1]} does not exist"),
    (re.compile(r"^table (\S+) already exists$"), lambda m: f'relation "{m[1]}" already exists'),
    (re.compile(r"^index (\S+) already exists$"), lambda m: f'relation "{m[1]}" already exists'),
    (re.compile(r"^view (\S+) already exists$"), lambda m: f'relation "{m[1]}" already exists'),
    (re.compile(r"^no such savepoint: (.+)$"), lambda m: f'savepoint "{m[1]}" does not exist'),
    (re.compile(r"^there is already another table or index with this name: (\S+)$"),
     lambda m: f'relation "{m[1]}" already exists'),
    (re.compile(r"^aggregate functions are not allowed in the GROUP BY clause$"),
     lambda m: "aggregate functions are not allowed in GROUP BY"),
    (re.compile(r'^table "?([^"\s]+)"? has more than one primary key$'),
     lambda m: f'multiple primary keys for table "{m[1]}" are not allowed'),
    (re.compile(r"^duplicate column name: (\S+)$"), lambda m: f'column "{m[1]}" specified more than once'),
    (re.compile(r"^near \"(.*)\": syntax error$", re.S), lambda m: f'syntax error at or near "{m[1]}"'),
    (re.compile(r"^incomplete input$"), lambda m: "syntax error at end of input"),
    (re.compile(r"^integer overflow$"), lambda m: "integer out of range"),
    (re.compile(r"^ambiguous column name: (?:\w+\.)?(.+)$"), lambda m: f'column reference "{m[1]}" is ambiguous'),
    (re.compile(r"^misuse of window function (\w+)\(\)$"),
     lambda m: f"window functions are not allowed here ({m[1].lower()}() in WHERE, GROUP BY or an aggregate)"),
    (re.compile(r"^no such collation sequence: (.+)$"), lambda m: f'collation "{m[1]}" is not supported'),
    (re.compile(r'^cannot INSERT into generated column "(.+)"$'),
     lambda m: f'cannot insert a non-DEFAULT value into column "{m[1]}"'),
    (re.compile(r'^cannot UPDATE generated column "(.+)"$'),
     lambda m: f'column "{m[1]}" can only be updated to DEFAULT'),
    # SQLite names the term ("2nd"), PostgreSQL the position it asked for: neither is the other.
    (re.compile(r"^(\w+) (ORDER|GROUP) BY term out of range - should be between 1 and (\d+)$"),
     lambda m: f"{m[2]} BY position is not in select list (its {m[1]} term; the select list has {m[3]})"),
    (re.compile(r"^row value misused$"),  # a row where Sixfold has no operation of one (row_values.py)
     lambda m: "a row value is not supported here (only compared, shown, or given to a JSON function)"),
    (re.compile(r"^FOREIGN KEY constraint failed$"),
     lambda m: "insert or update or delete violates a foreign key constraint"),
]


def _cols(text: str) -> str:
    return "_".join(c.split(".")[-1].strip() for c in text.split(","))


def pg_message(msg: str) -> str:
    """PostgreSQL's wording of a SQLite message, when there is one."""
    for pattern, make in _REWORD:
        m = pattern.match(msg)
        if m:
            return make(m)
    return msg


_WRITE_TARGET = re.compile(r'^\s*(INSERT|REPLACE|UPDATE|DELETE)\b(?:\s+OR\s+\w+)?(?:\s+INTO|\s+FROM)?\s+'
                           r'("(?:[^"]|"")+"|[\w.]+)', re.IGNORECASE)


def foreign_key_error(err: SqlError, sql: str, rows, params=()) -> SqlError:
    """SQLite's nameless foreign key violation as PostgreSQL reports it, when the statement
    says which key: an INSERT (or UPDATE) of a table with one foreign key broke that key
    (with PostgreSQL's DETAIL, the key's value, when the statement says which row broke it:
    key_detail); a DELETE (or UPDATE) of a table one other table's key refers to broke that
    one. Else the error as it is. `rows(sql, params)` reads the catalog."""
    m = _WRITE_TARGET.match(sql)
    if m is None:
        return err
    verb, table = m.group(1).upper(), m.group(2)
    table = table[1:-1].replace('""', '"') if table.startswith('"') else table
    own = rows("SELECT group_concat(\"from\", ','), \"table\", group_concat(\"to\", ',') "
               "FROM pragma_foreign_key_list(?) GROUP BY id", (table,))
    referring = rows("SELECT m.name, group_concat(f.\"from\", ','), m.sql, group_concat(f.\"to\", ',') "
                     "FROM sqlite_master m, pragma_foreign_key_list(m.name) f WHERE m.type = 'table' "
                     "AND f.\"table\" = ? GROUP BY m.name, f.id", (table,))
    if verb in ("INSERT", "REPLACE") and len(own) == 1 or verb == "UPDATE" and len(own) == 1 and not referring:
        create = rows("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,))
        name = constraints.foreign_key_name(create[0][0] if create else None, table, own[0][0])
        message = f'insert or update on table "{table}" violates foreign key constraint "{name}"'
        cols, parent, to = own[0][0].split(","), own[0][1], own[0][2]
        parent_cols = to.split(",") if to else [r[0] for r in rows(
            "SELECT name FROM pragma_table_info(?) WHERE pk > 0 ORDER BY pk", (parent,))]
        detail = verb == "INSERT" and key_detail.foreign_key_detail(sql, params, table, cols, parent, parent_cols, rows)
        return SqlError(message + DETAIL_MARK + detail if detail else message, "23503")
    if verb in ("DELETE", "UPDATE") and len(referring) == 1 and (verb == "DELETE" or not own):
        child, cols, create, to = referring[0]
        message = (f'update or delete on table "{table}" violates foreign key constraint '
                   f'"{constraints.foreign_key_name(create, child, cols)}" on table "{child}"')
        parent_cols = to.split(",") if to else [r[0] for r in rows(
            "SELECT name FROM pragma_table_info(?) WHERE pk > 0 ORDER BY pk", (table,))]
        detail = key_detail.referenced_detail(sql, params, table, parent_cols, child, cols.split(","), rows)
        return SqlError(message + DETAIL_MARK + detail if detail else message, "23503")
    return err


_UNIQUE_FAILED = re.compile(r"UNIQUE constraint failed: (\w+)\.(.+)$")


_DROP_COLUMN = re.compile(r'\s*ALTER\s+TABLE\s+("(?:[^"]|"")+"|[\w.]+)\s+DROP\s+(?:COLUMN\s+)?'
                          r'(?:IF\s+EXISTS\s+)?("(?:[^"]|"")+"|\w+)', re.IGNORECASE)
_COLUMN_IN_USE = re.compile(r"^cannot drop column (.+) because other objects depend on it \((view|trigger) (\S+) "
                            r"uses it\)$")


def drop_column_error(err: SqlError, stmt: str) -> SqlError:
    """A DROP COLUMN a view reads, in PostgreSQL's words: the table in the message, the view
    in the DETAIL, the HINT (SQLite's error names the view and the column only)."""
    m, d = _COLUMN_IN_USE.match(str(err)), _DROP_COLUMN.match(stmt)
    if m is None or d is None:
        return err
    table = d.group(1).split(".")[-1].strip('"')
    return SqlError(f"cannot drop column {m[1]} of table {table} because other objects depend on it{DETAIL_MARK}"
                    f"{m[2]} {m[3]} depends on column {m[1]} of table {table}{HINT_MARK}Use DROP ... CASCADE to drop "
                    "the dependent objects too.", "2BP01")


def update_column_error(err: SqlError, stmt: str) -> SqlError:
    """An UPDATE's SET of a column its table has not: PostgreSQL names the table (SQLite's
    error is the one of any column reference)."""
    m = re.match(r'^column "([^"]+)" does not exist$', str(err))
    parsed = key_detail.update_assignments(stmt) if m else None
    if parsed is None and m is not None:  # INSERT ... ON CONFLICT ... DO UPDATE SET
        target, upsert = _INSERT_TARGET.match(stmt), _DO_UPDATE.search(stmt)
        assigned = upsert and re.search(r'(?:SET|,)\s*"?' + re.escape(m.group(1)) + r'"?\s*=', stmt[upsert.start():],
                                        re.IGNORECASE)
        if target and assigned:
            parsed = (target.group(1).strip('"'), {m.group(1): ""}, None)
    if parsed is None or m.group(1) not in parsed[1]:
        return err
    return SqlError(f'column "{m.group(1)}" of relation "{parsed[0]}" does not exist', "42703")


_INSERT_TARGET = re.compile(r'\s*INSERT\s+INTO\s+("(?:[^"]|"")+"|\w+)', re.IGNORECASE)
_DO_UPDATE = re.compile(r"\bDO\s+UPDATE\s+SET\b", re.IGNORECASE)


_NOT_NULL = re.compile(r'^null value in column "((?:[^"]|"")+)" of relation "((?:[^"]|"")+)" violates not-null')
_CHECK_FAILED = re.compile(r'^new row for relation "((?:[^"]|"")+)" violates check constraint "((?:[^"]|"")+)"$')


def failing_row_error(err: SqlError, rows, stmt: str, params=()) -> SqlError:
    """A NOT NULL or CHECK violation with PostgreSQL's DETAIL, the row that broke it, when
    `stmt` says which row that is (failing_row). `rows(sql, params)` reads the catalog."""
    text = str(err)
    null, check = _NOT_NULL.match(text), _CHECK_FAILED.match(text)
    if DETAIL_MARK in text or not (null or check):
        return err
    detail = failing_row.failing_row_detail(stmt, params, (null or check).group(2 if null else 1), rows,
                                            column=null and null.group(1), constraint=check and check.group(2))
    return SqlError(text + DETAIL_MARK + detail, err.sqlstate) if detail else err


def unique_key_error(err: SqlError, sqlite_msg: str, rows, stmt: str = "", params=()) -> SqlError:
    """SQLite's unique violation (it names the columns) with the constraint PostgreSQL would
    name: the primary key's t_pkey, a unique index's own name (CREATE UNIQUE INDEX, ALTER
    TABLE ADD CONSTRAINT), a CREATE TABLE constraint's given name, else t_cols_key; with
    PostgreSQL's DETAIL (the key's value) when `stmt` says which row broke it (key_detail).
    `rows(sql, params)` reads the catalog."""
    by_index = re.search(r"UNIQUE constraint failed: index '([^']+)'", sqlite_msg)
    if by_index:  # an index on expressions: PostgreSQL names it too
        return SqlError(f'duplicate key value violates unique constraint "{by_index.group(1)}"', "23505")
    m = _UNIQUE_FAILED.search(sqlite_msg)
    if m is None:
        return err
    table, cols = m.group(1), [c.split(".")[-1].strip() for c in m.group(2).split(",")]
    pk = [r[0] for r in rows("SELECT name FROM pragma_table_info(?) WHERE pk > 0 ORDER BY pk", (table,))]
    name, index = (f"{table}_pkey", None) if pk == cols else (None, None)
    for listed, origin, partial in rows("SELECT name, origin, partial FROM pragma_index_list(?) WHERE [unique]",
                                        (table,)):
        if [r[0] for r in rows("SELECT name FROM pragma_index_info(?) ORDER BY seqno", (listed,))] != cols:
            continue
        index = None if partial else listed
        if origin == "c":
            name = listed
        elif origin == "u":
            create = rows("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,))
            name = constraints.unique_name(create[0][0] if create else None, table, ",".join(cols))
        break
    if name is None:
        return err
    message = f'duplicate key value violates unique constraint "{name}"'
    if index is not None:
        collations = [r[0].upper() for r in rows("SELECT coll FROM pragma_index_xinfo(?) WHERE key ORDER BY seqno",
                                                  (index,))]
    else:  # the rowid itself (an integer primary key) has no index
        collations = ["BINARY"] if pk == cols and len(cols) == 1 else None
    detail = collations and key_detail.unique_detail(stmt, params, table, cols, collations, rows)
    return SqlError(message + DETAIL_MARK + detail if detail else message, "23505")


def sql_error(e: Exception, cause: SixfoldError | None = None) -> SixfoldError:
    """Translate an apsw exception; an I/O error caused by the volume keeps its Sixfold error."""
    if cause is not None and isinstance(e, (apsw.IOError, apsw.FullError, apsw.CantOpenError, apsw.ReadOnlyError)):
        return cause
    if isinstance(e, apsw.InterruptError):
        return SqlError("canceling statement due to user request", "57014")
    if isinstance(e, (apsw.CorruptError, apsw.NotADBError)):  # a page that is not what SQLite wrote
        log.error("data corrupted: %s", e)
        return SqlError(f"data corrupted: {_PREFIX.sub('', str(e))}", "XX001")
    if isinstance(e, apsw.ReadOnlyError):
        return ReadOnlyTransaction("cannot execute a write in a read-only transaction")
    msg = _PREFIX.sub("", str(e))
    own = _OWN_STATE.match(msg)
    if own:  # raised by a Sixfold SQL function with PostgreSQL's SQLSTATE
        return SqlError(own[2], own[1])
    for pattern, state in _BY_MESSAGE:
        if pattern.search(msg):
            return SqlError(pg_message(msg), state)
    if isinstance(e, apsw.ConstraintError):
        return SqlError(msg, "23000")
    if isinstance(e, apsw.MismatchError):
        return SqlError(msg, "22P02")
    if isinstance(e, apsw.TooBigError):
        return SqlError(msg, "54000")
    if isinstance(e, apsw.SQLError):
        return SqlError(msg, "42000")
    return SqlError(msg, "XX000")
