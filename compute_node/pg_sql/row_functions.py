"""`pg_rows(source, spec)`: the table-valued function behind PostgreSQL's set-returning
functions in FROM (json_rows.py): one row (pg_key, pg_value) per element of a json
document or an array.

SQLite's own json_each would do, but its eight columns (id, key, value, type, path ...)
make a user's column of the same name ambiguous in a join (`select id, unnest(tags) from
t`). This module has two visible columns with names no table uses, and two hidden ones
for its arguments; a plan that does not supply both arguments is refused, so
`FROM t, pg_rows(t.doc, ...)` always reads t first (correlated, as LATERAL would be).

`spec` is 'json:<mode>:<0|1>:<function>' or 'array:<element kind>'; mode 'options' is
pg_options_to_table's (a text[] of 'name=value').
"""

from __future__ import annotations

import apsw

from compute_node.pg_sql import arrays, json_functions, virtual_rows

_SCHEMA = "CREATE TABLE pg_rows(pg_key, pg_value, pg_rows_source HIDDEN, pg_rows_spec HIDDEN)"
_VISIBLE = 2


def rows(source, spec: str) -> list[tuple]:
    """(key, value) rows: json's key or 0-based index, an array's 1-based ordinality."""
    if source is None:
        return []
    kind, _, rest = str(spec).partition(":")
    if kind == "array":
        return list(enumerate(arrays.array_rows(source, rest), start=1))
    mode, binary, name = rest.split(":", 2)
    if mode == "options":  # pg_options_to_table(reloptions): 'fillfactor=70' -> (fillfactor, 70)
        return [tuple(o.partition("=")[::2]) for o in arrays.array_rows(source, "text") if o is not None]
    return json_functions.json_rows(source, mode, int(binary), name)


class _Module:
    def Create(self, db, modulename, dbname, tablename, *args):
        return _SCHEMA, _Table()

    Connect = Create


class _Table:
    visible = _VISIBLE

    def BestIndexObject(self, o: apsw.IndexInfo) -> bool:
        found = {}
        for c in range(o.nConstraint):
            col = o.get_aConstraint_iColumn(c)
            if col >= self.visible and o.get_aConstraint_usable(c) and \
                    o.get_aConstraint_op(c) == apsw.SQLITE_INDEX_CONSTRAINT_EQ:
                found.setdefault(col, c)
        if len(found) != 2:
            return False  # not without both arguments
        for position, col in enumerate(sorted(found), start=1):
            o.set_aConstraintUsage_argvIndex(found[col], position)
            o.set_aConstraintUsage_omit(found[col], True)
        o.estimatedCost = 10.0
        o.estimatedRows = 10
        return True

    def Open(self):
        return _Cursor()

    def Disconnect(self):
        pass

    Destroy = Disconnect


class _Cursor(virtual_rows.RowsCursor):
    visible = _VISIBLE
    make_rows = staticmethod(rows)

    def __init__(self):
        super().__init__()
        self.args: tuple = (None, None)

    def Filter(self, idx_num, idx_str, args):
        self.args = tuple(args)
        try:
            self.rows = self.make_rows(*args)
        except arrays.ArrayError as e:
            raise apsw.SQLError(f"[{e.sqlstate}] {e}") from None
        self.i = 0

    def Column(self, n: int):
        if n < self.visible:
            return self.rows[self.i][n]
        return self.args[n - self.visible]


# unnest(a, b, ...) in FROM: the arrays side by side, a NULL where one is shorter (as
# PostgreSQL's). `pg_zip_rows(json_array(a, b, ...), 'zip:<kind>,<kind>,...')`: pg_key is
# the 1-based position, pg_v0 ... the arrays' elements.
ZIP_ARRAYS_MAX = 10
_ZIP_SCHEMA = (f"CREATE TABLE pg_zip_rows(pg_key, {', '.join(f'pg_v{i}' for i in range(ZIP_ARRAYS_MAX))}, "
               "pg_rows_source HIDDEN, pg_rows_spec HIDDEN)")


def zip_rows(source, spec: str) -> list[tuple]:
    import itertools
    import json

    if source is None:
        return []
    kinds = str(spec).partition(":")[2].split(",")
    arrays_text = json.loads(source)
    columns = [arrays.array_rows(a, k) if a is not None else [] for a, k in zip(arrays_text, kinds)]
    pad = (None,) * (ZIP_ARRAYS_MAX - len(columns))
    return [(i, *row, *pad) for i, row in enumerate(itertools.zip_longest(*columns), start=1)]


class _ZipModule(_Module):
    def Create(self, db, modulename, dbname, tablename, *args):
        return _ZIP_SCHEMA, _ZipTable()

    Connect = Create


class _ZipTable(_Table):
    visible = 1 + ZIP_ARRAYS_MAX

    def Open(self):
        return _ZipCursor()


class _ZipCursor(_Cursor):
    visible = 1 + ZIP_ARRAYS_MAX
    make_rows = staticmethod(zip_rows)


def register(conn: apsw.Connection) -> None:
    conn.create_module("pg_rows", _Module(), use_bestindex_object=True, eponymous=True, eponymous_only=True)
    conn.create_module("pg_zip_rows", _ZipModule(), use_bestindex_object=True, eponymous=True, eponymous_only=True)
