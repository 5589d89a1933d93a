"""Serial and identity columns: the sequence each owns, as PostgreSQL makes it.

A serial or identity column takes its values from a sequence of its own (sequences.py),
named table_column_seq, of the column's integer type, owned by the column: the sequence's
options hold `owned_by` [table, column]. The column's SQLite DEFAULT is the sequence's
nextval, or pg_identity_next('seq', 'a' | 'd') for an identity column (`sequence_default`;
the catalog reads ALWAYS / BY DEFAULT from it). ddl.py makes the columns and calls these
to make, find, rename and drop the sequences; they ask the catalog (`schema.current()`)
and return SQLite statements.
"""

from __future__ import annotations

import json
import re

from sqlglot import exp

from compute_node.pg_sql import lexing, schema, sequences
from sixfold.errors import SqlError

SERIAL_TYPES = {exp.DataType.Type.SERIAL, exp.DataType.Type.BIGSERIAL, exp.DataType.Type.SMALLSERIAL}


def owned_sequences(table: str, column: str | None = None) -> list[tuple[str, str]]:
    """(sequence, column) of the sequences the table's columns (or that one column) own: a
    serial's, an identity's, one made OWNED BY. Found through the columns' defaults."""
    cat = schema.current()
    if cat is None:
        return []
    out = []
    for col, default in cat.defaults(table).items():
        found = sequences.default_sequence(default)
        if found is None or (column is not None and col != column.lower()) or not cat.rows(
                f"SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ? AND {sequences.IS_SEQUENCE_SQL}",
                (found[0],)):
            continue  # (no sequence, another column, or its sequence dropped)
        rows = cat.rows(f"SELECT {sequences.MARKER_COLUMN} FROM {lexing.quoted_ident(found[0])}")
        owner = sequences.owned_by(rows[0][0]) if rows else None
        if owner is not None and owner[0] == table and owner[1].lower() == col:
            out.append((found[0], owner[1]))
    return out


def identity_kinds(table: str) -> dict[str, str]:
    """The table's identity columns (lower-case name) and their kind: 'a' GENERATED ALWAYS,
    'd' BY DEFAULT. Empty without a catalog."""
    cat = schema.current()
    return {} if cat is None else {
        col: found[1] for col, default in cat.defaults(table).items()
        if (found := sequences.default_sequence(default)) is not None and found[1] is not None}


def owner_renamed(seq: str, owner: list[str]) -> str:
    """The UPDATE giving sequence `seq` the owner [table, column] (a rename moved it)."""
    return (f"UPDATE {lexing.quoted_ident(seq)} SET {sequences.MARKER_COLUMN} = json_set({sequences.MARKER_COLUMN}, "
            f"'$.owned_by', json({lexing.sql_string(json.dumps(owner))}))")


def refuse_used_sequence(seq: str, what: str, dropped: frozenset[str], cascade: bool) -> None:
    """A sequence a column's default takes values from (outside the tables `dropped`, by
    lower-case name) is not dropped (2BP01; with CASCADE PostgreSQL drops those defaults:
    0A000 here)."""
    cat = schema.current()
    if cat is None:
        return
    users = [(t, c) for t, c, d in cat.rows(
        "SELECT m.name, p.name, p.dflt_value FROM sqlite_master m, pragma_table_info(m.name) p "
        "WHERE m.type = 'table' AND instr(p.dflt_value, ?)", (seq.replace("'", "''"),))
        if t.lower() not in dropped and (found := sequences.default_sequence(d)) and found[0] == seq]
    if not users:
        return
    table, column = users[0]
    if cascade:
        raise SqlError(f"DROP ... CASCADE of a sequence that column {column} of table {table} takes its default "
                       "from is not supported: drop the column's default first", "0A000")
    raise SqlError(f"cannot drop {what} because other objects depend on it (default value for column {column} "
                   f"of table {table} depends on sequence {seq})", "2BP01")


_AS_IDENTITY = re.compile(r"\bas\s+identity\b\s*", re.IGNORECASE)


def identity_options(text: str) -> tuple[str, list[str]]:
    """CREATE TABLE's text without the options of its GENERATED ... AS IDENTITY (sqlglot
    takes them in one order only), and those options, in order ('' where none)."""
    out, options, pos = [], [], 0
    code = [(start, end) for kind, start, end in lexing.segments(text) if kind == "code"]
    for m in _AS_IDENTITY.finditer(text):
        if m.start() < pos or not any(start <= m.start() < end for start, end in code):
            continue  # (inside the options before, or in a string or comment)
        out.append(text[pos:m.end()])
        pos = m.end()
        end = lexing.closing_paren(text, pos) if text[pos:pos + 1] == "(" else None
        options.append(text[pos + 1:end] if end is not None else "")
        if end is not None:
            pos = end + 1
    return "".join(out) + text[pos:], options


def identity(c: exp.ColumnDef) -> exp.GeneratedAsIdentityColumnConstraint | None:
    """A column definition's GENERATED ... AS IDENTITY, None if it has none."""
    return next((k.args["kind"] for k in c.args.get("constraints") or []
                 if isinstance(k.args.get("kind"), exp.GeneratedAsIdentityColumnConstraint)), None)


def owned_sequence(table: str, c: exp.ColumnDef, taken: list[str]) -> tuple[str, list[str]] | None:
    """A serial or identity column's sequence, as PostgreSQL makes it: named
    table_column_seq (table_column_seq1, 2... when that name is taken), of the column's
    integer type, with an identity's options, owned by the column (dropped with it).
    Returns (its name, the statements that create it); None for other columns."""
    kind = c.args.get("kind")
    ident = identity(c)
    if ident is None and (kind is None or kind.this not in SERIAL_TYPES):
        return None
    bare = table[1:-1].replace('""', '"') if table.startswith('"') else table
    column = c.this.name if c.this.quoted else c.this.name.lower()
    given = ident.meta.get("sequence_options", "") if ident is not None else ""
    named = re.search(r"\bsequence\s+name\s+(\S+)", given, re.IGNORECASE)
    if named:
        given = given[:named.start()] + given[named.end():]
        seq = lexing.object_name(named.group(1).split(".")[-1])
    else:
        stem = f"{bare}_{column}_seq"
        cat = schema.current()
        seq, n = stem, 0
        while seq.lower() in (t.lower() for t in taken) or (
                cat is not None and cat.rows("SELECT 1 FROM sqlite_master WHERE lower(name) = lower(?)", (seq,))):
            n += 1
            seq = f"{stem}{n}"
    opts = [f"AS {serial_type(kind)}", given]
    return seq, sequences.create(f"sequence {lexing.quoted_ident(seq)} {' '.join(opts)}", owned_by=[bare, column])


def sequence_default(seq: str, identity: str | None) -> str:
    """The SQLite DEFAULT of a column that takes its values from `seq`: nextval for a
    serial, pg_identity_next for an identity column ('a' GENERATED ALWAYS, 'd' BY
    DEFAULT; the catalog tells the two apart by it)."""
    if identity is None:
        return f"DEFAULT (nextval({lexing.sql_string(seq)}))"
    return f"DEFAULT (pg_identity_next({lexing.sql_string(seq)}, '{identity}'))"


def serial_type(kind: exp.DataType | None) -> str:
    """The integer type of a serial or identity column: bigint, integer or smallint."""
    if kind is None:
        return "integer"
    if kind.this in (exp.DataType.Type.BIGSERIAL, exp.DataType.Type.BIGINT):
        return "bigint"
    if kind.this in (exp.DataType.Type.SMALLSERIAL, exp.DataType.Type.SMALLINT):
        return "smallint"
    return "integer"
