"""Views read as PostgreSQL reads them: inlined into the statement.

PostgreSQL's rewriter replaces a view a query reads by the view's query; the planner then
types, compares and sorts the view's columns as the expressions behind them. Sixfold does
the same before it translates a statement: each view read becomes a subquery of the view's
definition as written (kept in a comment of its SQLite view, catalog.view_definition),
aliased by the view's name, its columns named as PostgreSQL names them (or by the view's
column list). SQLite's own view would hand back what its statement showed - a numeric
computed in the view as its text, which `WHERE total > 10` then compared as text.

The SQLite view stays: the catalogs list it, and it is what a statement reads when the
definition as written no longer says what the view holds: a table or column it names was
renamed since (SQLite renamed it in its view; the definition is the text as written), or
the view was made by a Sixfold that translated it otherwise. A view is inlined only when
its definition, translated now, is SQLite's view's query (`_current`, once per schema
version). COPY (query) TO reads SQLite's view: its rows would lose the display scale of a
numeric computed in the view.
"""

from __future__ import annotations

import re
from sqlglot import exp

from compute_node.pg_sql import catalog, exprtypes, schema
from compute_node.pg_sql.statement import SessionContext
from sixfold.errors import SqlError

_NESTING_MAX = 16  # views read by views read by ... inlined, deepest first
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_$]*")
_COLUMN_LIST = re.compile(r"^\s*CREATE\s+VIEW\s+(?:\"(?:[^\"]|\"\")+\"|\S+?)\s*\(", re.IGNORECASE)


def named_in(text: str) -> bool:
    """Whether `text` may read a view (a word of it names one): the fast path, which does
    not parse, must leave it to the parser path."""
    cat = schema.current()
    if cat is None:
        return False
    names = cat.views()
    return bool(names) and any(w.lower() in names for w in _WORD.findall(text))


def inline(tree: exp.Expression, ctx: SessionContext) -> None:
    """Replace, in place, each view `tree` reads by a subquery of its definition."""
    cat = schema.current()
    if cat is None:
        return
    views = cat.views()
    if not views:
        return
    from compute_node.pg_sql.queries import name_columns, parse_one  # (queries.py imports this module)

    kept: set[str] = set()  # views read as SQLite's
    for _ in range(_NESTING_MAX):
        reads = [t for t in tree.find_all(exp.Table) if _reads_view(t, views, kept)]
        if not reads:
            return
        for table in reads:
            name = table.name.lower()
            definition = _current(name, views[name], cat, ctx)
            body = parse_one(definition) if definition is not None else None
            if not isinstance(body, (exp.Select, exp.Union, exp.Intersect, exp.Except)):
                kept.add(name)
                continue
            first = body
            while isinstance(first, (exp.Union, exp.Intersect, exp.Except)):
                first = first.this
            name_columns(body)
            if _COLUMN_LIST.match(views[name]) and not _rename(first, cat.columns(name) or ()):
                kept.add(name)
                continue
            alias = table.args.get("alias")
            table.replace(exp.Subquery(this=body, alias=alias.copy() if alias is not None else exp.TableAlias(
                this=exp.to_identifier(table.name, quoted=table.this.quoted))))
    raise SqlError(f"views nested more than {_NESTING_MAX} deep are not supported", "54001")


def _current(name: str, sqlite_sql: str, cat: schema.Catalog, ctx: SessionContext) -> str | None:
    """The view's definition as written when, translated now, it is SQLite's view's query;
    None when not (renamed since, or made by another translation)."""
    def check() -> tuple:
        from compute_node.pg_sql.queries import query_sqlite

        definition = catalog.view_definition(sqlite_sql).strip().rstrip(";")
        held = sqlite_sql[:sqlite_sql.rfind(schema.VIEW_DEFINITION_MARK)].rstrip()
        try:
            now = query_sqlite(definition, ctx)[0]
        except SqlError:
            return ()
        return (definition,) if held.endswith(" AS " + now) else ()

    found = cat.shared("\x00view:" + name, check)
    return found[0] if found else None


def _reads_view(table: exp.Table, views: dict[str, str], kept: set[str]) -> bool:
    """Whether `table` reads a view made by CREATE VIEW (not a CTE of that name, not the
    target of INSERT / UPDATE / DELETE)."""
    if not isinstance(table.this, exp.Identifier) or table.db and table.db.lower() != "public":
        return False
    name = table.name.lower()
    if name not in views or name in kept or exprtypes.cte_named(table.name, table) is not None:
        return False
    target = table.parent.parent if isinstance(table.parent, exp.Schema) else table.parent
    held = table.parent if isinstance(table.parent, exp.Schema) else table
    return not (isinstance(target, (exp.Insert, exp.Update, exp.Delete)) and held.arg_key == "this")


def _rename(first: exp.Select, columns: tuple[tuple[str, str], ...]) -> bool:
    """Name the view's columns as its column list does (SQLite's view has them); False when
    they cannot be matched one to one (a `*` among the projections)."""
    items = first.expressions
    if any(isinstance(e.unalias(), exp.Star) or isinstance(e.unalias(), exp.Column) and
           isinstance(e.unalias().this, exp.Star) for e in items) or len(items) != len(columns):
        return False
    first.set("expressions", [exp.alias_(e.unalias() if isinstance(e, exp.Alias) else e,
                                         exp.to_identifier(c, quoted=True)) for e, (c, _decl) in zip(items, columns)])
    return True
