"""What PostgreSQL checks of a foreign key when it is declared (CREATE TABLE or ALTER
TABLE ... ADD FOREIGN KEY), before any row is written.

SQLite accepts a REFERENCES clause to anything: a table that does not exist, a column
that does not exist, columns no unique index covers. The mistake showed only later, as
"foreign key mismatch" on every write to the child, or - for a key whose type cannot be
compared with the parent's (an inet column to an integer key) - as rows SQLite's affinity
rules matched where PostgreSQL has no equality at all. PostgreSQL refuses such a
declaration at once, and so does Sixfold now, with PostgreSQL's SQLSTATEs:

- 42P01 the referenced table does not exist;
- 42703 a referencing or referenced column does not exist;
- 42704 no columns given and the referenced table has no primary key;
- 42830 the referenced columns are not exactly the columns of a primary key or of a
  unique index without a WHERE clause, or the two column lists differ in length;
- 42804 the two columns' types cannot be compared (PostgreSQL: no equality operator in
  the key's operator family, and no implicit cast of the referencing type to the
  referenced one).

The types are compared by family, and only for the built-in types named below; any other
pair (domains, enums, arrays ...) is left to the write-time check, never refused.

`check` is pure apart from the catalog it is given (`schema.Catalog`). (A temporary
table's physical name in a message is put back as its session wrote it by the session,
as for every error.)
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from compute_node.pg_sql import types as pgtypes
from sixfold.errors import DETAIL_MARK, SqlError

_FAMILIES = {
    "int": ("smallint", "int2", "integer", "int", "int4", "bigint", "int8"),
    "numeric": ("numeric", "decimal", "numeric text"),
    "float": ("real", "float4", "double precision", "float8", "float"),
    "text": ("text", "varchar", "character varying", "char", "character", "bpchar", "name"),
    "bool": ("boolean", "bool"),
    "datetime": ("date", "timestamp", "timestamp without time zone", "timestamp with time zone", "timestamptz"),
    "uuid": ("uuid",),
    "bytea": ("bytea",),
    "interval": ("interval",),
    "network": ("inet", "cidr"),
}
_FAMILY_OF = {t: f for f, names in _FAMILIES.items() for t in names}
# (referencing family, referenced family) pairs PostgreSQL compares through an implicit
# cast of the referencing value (int4 -> numeric, int -> float8, numeric -> float8).
_PROMOTED = {("int", "numeric"), ("int", "float"), ("numeric", "float")}


def family(type_text: str) -> str | None:
    """A declared type's family for key comparison; None when it is not one of the
    built-in types this module judges."""
    t = " ".join(re.sub(r"\([^)]*\)", "", type_text.lower()).split())
    return _FAMILY_OF.get(t)


def comparable(referencing: str, referenced: str) -> bool:
    a, b = family(referencing), family(referenced)
    return a is None or b is None or a == b or (a, b) in _PROMOTED


def _bare(name: str) -> str:
    return name[1:-1].replace('""', '"') if name.startswith('"') else name.lower()


def unique_keys(catalog, table: str) -> list[frozenset[str]]:
    """The column sets (lower-cased) of `table`'s primary key and of its unique indexes
    without a WHERE clause or an expression column."""
    keys = []
    pk = catalog.primary_key(table)
    if pk:
        keys.append(frozenset(c.lower() for c in pk))
    for name, partial in catalog.rows('SELECT name, partial FROM pragma_index_list(?) WHERE "unique"', (table,)):
        if partial:
            continue
        cols = [r[0] for r in catalog.rows("SELECT name FROM pragma_index_info(?) ORDER BY seqno", (name,))]
        if cols and all(c is not None for c in cols):
            keys.append(frozenset(c.lower() for c in cols))
    return keys


def check(catalog, name: str, child: str, child_types: dict[str, str], cols: Sequence[str], parent: str,
          pcols: Sequence[str] | None, own_keys: list[frozenset[str]] | None = None,
          own_primary_key: Sequence[str] = ()) -> list[str]:
    """Check the foreign key `name` of table `child` (its columns' declared types by
    lower-cased name) on `cols` to `parent`(`pcols`; None: the parent's primary key).
    A reference of a table being created to itself passes its own columns as
    `child_types`, its keys as `own_keys` and its primary key as `own_primary_key`.
    The referenced columns (the parent's primary key when none were given); raises
    SqlError as PostgreSQL would."""
    parent_bare, child_bare = _bare(parent), _bare(child)
    self_reference = own_keys is not None and parent_bare.lower() == child_bare.lower()
    if self_reference:
        parent_types = child_types
        keys = own_keys
        primary = list(own_primary_key)
    else:
        found = catalog.columns(parent)
        if not found:
            raise SqlError(f'relation "{parent_bare}" does not exist', "42P01")
        parent_types = {n.lower(): t for n, t in found}
        keys = unique_keys(catalog, parent_bare)
        primary = list(catalog.primary_key(parent))
    for c in cols:
        if _bare(c).lower() not in child_types:
            raise SqlError(f'column "{_bare(c)}" referenced in foreign key constraint does not exist', "42703")
    if pcols is None:
        if not primary:
            raise SqlError(f'there is no primary key for referenced table "{parent_bare}"', "42704")
        referenced = [p.lower() for p in primary]
    else:
        referenced = [_bare(p).lower() for p in pcols]
        for p in referenced:
            if p not in parent_types:
                raise SqlError(f'column "{p}" referenced in foreign key constraint does not exist', "42703")
        if frozenset(referenced) not in keys or len(set(referenced)) != len(referenced):
            raise SqlError(f'there is no unique constraint matching given keys for referenced table '
                           f'"{parent_bare}"', "42830")
    if len(cols) != len(referenced):
        raise SqlError("number of referencing and referenced columns for foreign key disagree", "42830")
    for c, p in zip(cols, referenced):
        a, b = child_types[_bare(c).lower()], parent_types[p]
        if not comparable(a, b):
            shown = [pgtypes.pg_type_name(re.sub(r"\(.*\)$", "", re.sub(r"^numeric text$", "numeric", t.lower())))
                     for t in (a, b)]
            raise SqlError(f'foreign key constraint "{name}" cannot be implemented{DETAIL_MARK}Key columns '
                           f'"{_bare(c)}" and "{p}" are of incompatible types: {shown[0]} and {shown[1]}.', "42804")
    return referenced
