"""Names that differ from a table's, a column's or an alias's only in case are other names.

PostgreSQL folds an unquoted name to lower case and keeps a quoted one as written; then
the name must match exactly: with a column "Name", `select name from t` and `select
"NAME" from t` are 42703, and with a table e4, `select * from "E4"` is 42P01. SQLite
matches every name case-insensitively, so Sixfold would answer them. Before the statement
is translated, each table it reads and each column reference and column name it writes is
checked against the catalog's exact names and the statement's aliases: a reference that
matches one of them only case-insensitively, and none exactly, is PostgreSQL's error.
Columns are checked only when every source's columns are known here (tables and views of
the catalog, CTEs and subqueries over them): a function's, a catalog's or an unknown
source's column could be the name. Names that match nothing at all are left to the rest
of the translation (and SQLite) to report."""

from __future__ import annotations

from sqlglot import exp

from compute_node.pg_sql import schema
from sixfold.errors import HINT_MARK, SqlError


def _norm(ident) -> str | None:
    """The name PostgreSQL reads: a quoted identifier as written, else in lower case."""
    if isinstance(ident, exp.Identifier):
        return ident.this if ident.quoted else ident.this.lower()
    return None


def _defined(tree: exp.Expression) -> tuple[set[str], set[str]]:
    """(names the statement gives result columns and column lists, names it gives
    relations: table aliases and CTEs)."""
    columns, relations = set(), set()
    for node in tree.walk():
        if isinstance(node, exp.TableAlias):
            relations.add(_norm(node.this))
            columns.update(_norm(c) for c in node.columns)
        elif isinstance(node, exp.Alias):
            columns.add(_norm(node.args.get("alias")))
        elif isinstance(node, exp.ColumnDef):
            columns.add(_norm(node.this))
    return columns - {None}, relations - {None}


def _stored_relation(cat: schema.Catalog, name: str) -> str | None:
    rows = cat.rows("SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name = ? COLLATE NOCASE",
                    (name,))
    return rows[0][0] if len(rows) == 1 else None


def mixed_case_tables(names) -> bool:
    """Whether a table named (unquoted) in a statement is stored under, or has a column
    with, a name not all in lower case: references to it need `check`."""
    cat = schema.current()
    if cat is None:
        return False
    for name in names:
        stored = _stored_relation(cat, name.lower())
        if stored is not None and (stored != stored.lower() or stored != name.lower() or any(
                c != c.lower() for c, _decl in cat.columns(f'"{stored}"') or ())):
            return True
    return False


def check(tree: exp.Expression) -> None:
    """Raise PostgreSQL's 42P01 / 42703 for a name that matches only in case (see the module)."""
    cat = schema.current()
    if cat is None:
        return
    _refuse_repeated_targets(tree)
    column_names, relation_names = _defined(tree)
    read: dict[str, str] = {}  # each table the statement reads: written (normalized) name -> stored name
    opaque = any(isinstance(node, (exp.Unnest, exp.Lateral)) for node in tree.walk())  # columns not known here
    for table in tree.find_all(exp.Table):
        name = _norm(table.this)
        db = _norm(table.args.get("db"))
        if name is not None and db == "public" and table.args.get("catalog") is None and \
                _stored_relation(cat, name) is None:
            raise SqlError(f'relation "public.{name}" does not exist', "42P01")  # (SQLite's error names main)
        if name is None or db not in (None, "public") or table.args.get("catalog") is not None:
            opaque = True  # (a function's or a catalog's columns)
            continue
        if name in relation_names:
            continue
        stored = _stored_relation(cat, name)
        if stored is None:
            opaque = True
            continue
        if stored != name:
            raise SqlError(f'relation "{name}" does not exist', "42P01")
        read[name] = stored
    if opaque:
        return  # a name may be a column of a source whose columns are not known here: SQLite decides
    exact: set[str] = set(column_names)  # (a reference to an alias is exact too: "X" is not x)
    folded: set[str] = {c.lower() for c in column_names}
    for stored in read.values():
        for column, _decl in cat.columns(f'"{stored}"') or ():
            exact.add(column)
            folded.add(column.lower())
    relations = relation_names | set(read)
    for col in tree.find_all(exp.Column):
        name = _norm(col.this)
        if name is None:
            continue
        qualifier = _norm(col.args.get("table")) if col.args.get("db") is None else None
        if qualifier is not None and qualifier not in relations and \
                qualifier.lower() in {r.lower() for r in relations}:
            raise SqlError(f'missing FROM-clause entry for table "{qualifier}"', "42P01")
        if name in exact or name.lower() not in folded:
            continue
        target = _assigned_table(col)
        if target is not None:
            raise SqlError(f'column "{name}" of relation "{target}" does not exist', "42703")
        message = f"column {qualifier}.{name} does not exist" if qualifier else f'column "{name}" does not exist'
        raise SqlError(message + _perhaps(tree, read, name, qualifier), "42703")
    insert = tree if isinstance(tree, exp.Insert) else None
    if insert is not None and isinstance(insert.this, exp.Schema) and isinstance(insert.this.this, exp.Table):
        table = _norm(insert.this.this.this)
        for ident in insert.this.expressions:
            name = _norm(ident)
            if name is not None and name not in exact and name.lower() in folded:
                raise SqlError(f'column "{name}" of relation "{table}" does not exist', "42703")


def _distance(a: str, b: str) -> int:
    """Levenshtein distance (PostgreSQL's varstr_levenshtein with unit costs)."""
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        prev, row[0] = row[0], i
        for j, cb in enumerate(b, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (ca != cb))
    return row[-1]


def _perhaps(tree: exp.Expression, read: dict[str, str], name: str, qualifier: str | None) -> str:
    """PostgreSQL's HINT naming the column meant, when one column of the tables read is
    the closest and differs in at most half its characters (here: only in case)."""
    cat = schema.current()
    found = []
    for table in tree.find_all(exp.Table):
        stored = read.get(_norm(table.this))
        shown = _norm(table.args["alias"].this) if isinstance(table.args.get("alias"), exp.TableAlias) else stored
        if stored is None or qualifier is not None and qualifier != shown:
            continue
        for column, _decl in cat.columns(f'"{stored}"') or ():
            if column.lower() == name.lower() and _distance(name, column) <= len(column) // 2:
                found.append(f'"{shown}.{column}"')
    if len(set(found)) != 1:
        return ""
    return f"{HINT_MARK}Perhaps you meant to reference the column {found[0]}."


def _refuse_repeated_targets(tree: exp.Expression) -> None:
    """A column named twice in INSERT's column list (42701) or UPDATE's SET (42601): SQLite
    would take one of the values."""
    if isinstance(tree, exp.Insert) and isinstance(tree.this, exp.Schema):
        seen = set()
        for ident in tree.this.expressions:
            name = _norm(ident)
            if name in seen:
                raise SqlError(f'column "{name}" specified more than once', "42701")
            seen.add(name)
    for update in tree.find_all(exp.Update):
        seen = set()
        for eq in update.expressions:
            targets = eq.this.expressions if isinstance(eq, exp.EQ) and isinstance(eq.this, exp.Tuple) else \
                [eq.this] if isinstance(eq, exp.EQ) else []
            for col in targets:
                name = _norm(col.this) if isinstance(col, exp.Column) else None
                if name is not None and name in seen:
                    raise SqlError(f'multiple assignments to same column "{name}"', "42601")
                seen.add(name)


def _assigned_table(col: exp.Column) -> str | None:
    """The table of an UPDATE's SET target `col`, else None."""
    eq = col.parent
    update = eq.parent if isinstance(eq, exp.EQ) and col.arg_key == "this" else None
    if isinstance(update, exp.Update) and eq.arg_key == "expressions" and isinstance(update.this, exp.Table):
        return _norm(update.this.this)
    return None
