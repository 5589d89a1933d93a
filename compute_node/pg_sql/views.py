"""Views read as PostgreSQL reads them: inlined into the statement.

PostgreSQL's rewriter replaces a view a query reads by the view's query; the planner then
types, compares and sorts the view's columns as the expressions behind them. Sixfold does
the same before it translates a statement: each view read becomes a subquery of the view's
definition as written (kept in a comment of its SQLite view, catalog.view_definition),
aliased by the view's name, its columns named as PostgreSQL names them (or by the view's
column list). SQLite's own view would hand back what its statement showed - a numeric
computed in the view as its text, which `WHERE total > 10` then compared as text.

The SQLite view stays: the catalogs list it, and it is what a statement reads when the
definition as written no longer says what the view holds. Renames keep definitions
current (`around_rename`) since their comment's second version; a view of the first
version is inlined only when its definition, translated now, is SQLite's view's query
(`_current`, once per schema version): a rename made before may have left it stale.
"""

from __future__ import annotations

import json
import re

import apsw
from sqlglot import exp

from compute_node.pg_sql import catalog, exprtypes, schema, star_expansion
from compute_node.pg_sql import types as pgtypes
from compute_node.pg_sql.lexing import quoted_ident
from compute_node.pg_sql.statement import SessionContext
from sixfold.errors import DETAIL_MARK, HINT_MARK, SqlError

_NESTING_MAX = 16  # views read by views read by ... inlined, deepest first
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_$]*")
# CREATE VIEW name [(columns)] AS, as ddl.py writes it
_HEAD = re.compile(r"^\s*CREATE\s+VIEW\s+(?:\"(?:[^\"]|\"\")+\"|[^\s(]+)\s*(?:\([^)]*\))?\s*AS\s+", re.IGNORECASE)
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
    from compute_node.pg_sql.queries import (  # (queries.py imports this module)
        name_by_column_list, name_columns, parse_one,
    )

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
            if _COLUMN_LIST.match(views[name]) and not name_by_column_list(
                    first, [n for n, _decl in cat.columns(name) or ()]):  # SQLite's view has the list's names
                kept.add(name)
                continue
            alias = table.args.get("alias")
            table.replace(exp.Subquery(this=body, alias=alias.copy() if alias is not None else exp.TableAlias(
                this=exp.to_identifier(table.name, quoted=table.this.quoted))))
    raise SqlError(f"views nested more than {_NESTING_MAX} deep are not supported", "54001")


def _current(name: str, sqlite_sql: str, cat: schema.Catalog, ctx: SessionContext) -> str | None:
    """The view's definition as written when it says what the view holds: always for a
    view made since renames carry definitions along (catalog.view_definition_kept_current);
    for an older one, when the definition translated now is SQLite's view's query. None
    when not (renamed since)."""
    definition = catalog.view_definition(sqlite_sql).strip().rstrip(";")
    if catalog.view_definition_kept_current(sqlite_sql):
        return definition

    def check() -> tuple:
        from compute_node.pg_sql.queries import query_sqlite

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


def around_rename(table: str, column: tuple[str, str] | None, new_table: str | None,
                  ctx: SessionContext) -> tuple[list[str], list[str]]:
    """(before, after): the statements around ALTER TABLE `table` RENAME COLUMN (`column`:
    old, new) or RENAME TO `new_table` that keep each view saying what it holds. PostgreSQL's
    view follows a rename and keeps its column names (`select a` reads `b as a`); SQLite
    renames inside its views too, but its view's column becomes `b`, and it refuses the
    rename when a view reading that view names `a`. So the views whose definition is
    current are dropped before and made again after, from their definitions renamed; one
    that cannot be is left to SQLite (and read as SQLite's, `_current`)."""
    from compute_node.pg_sql import table_as
    from compute_node.pg_sql.queries import parse_one, query_sqlite

    cat = schema.current()
    if cat is None:
        return [], []
    requeried = []  # a materialized view's query follows the rename too (REFRESH runs it again)
    for name, fields in sorted(table_as.matviews().items()):
        try:
            tree = parse_one(fields["query"])
        except SqlError:
            continue
        if _rename_column(tree, table, *column) if column is not None else _rename_table(tree, table, new_table):
            requeried += table_as.requery_edits(fields, tree.sql(dialect="postgres"))
    if not cat.views():
        return schema.edit_schema("sixfold_requery", requeried, bump=False) if requeried else [], []

    cols = cat.columns(table) or ()
    if column is not None:  # the table as the views' queries will read it
        planned_table, planned_columns = table, tuple(
            (column[1] if n.lower() == column[0].lower() else n, d) for n, d in cols)
    else:
        planned_table, planned_columns = new_table.lower(), cols
    before, after = [], []
    for name, sqlite_sql in sorted(cat.views().items()):
        definition = _current(name, sqlite_sql, cat, ctx)
        if definition is None:
            continue  # stale already: SQLite renames in it
        tree = parse_one(definition)
        changed = _rename_column(tree, table, *column) if column is not None else _rename_table(tree, table, new_table)
        text = tree.sql(dialect="postgres") if changed else definition
        try:
            with cat.planned(planned_table, planned_columns):
                body = query_sqlite(text, ctx)[0]
        except SqlError:
            continue
        head = _HEAD.match(sqlite_sql)
        if head is None:
            continue
        before.append(f"DROP VIEW {quoted_ident(name)}")
        after.append(f"{head.group(0)}{body} {catalog.view_definition_comment(text)}")
    # (the edits of sqlite_master first: the rename that follows sets the next schema version)
    return (schema.edit_schema("sixfold_requery", requeried, bump=False) if requeried else []) + before, after


def _rename_column(tree: exp.Expression, table: str, old: str, new: str) -> bool:
    """Rename, in a view's query, the columns that are `table`'s column `old`; a bare
    select-list item keeps its name as an alias."""
    changed = False
    for col in list(tree.find_all(exp.Column)):
        if isinstance(col.this, exp.Star) or col.name.lower() != old.lower() or not _of_table(col, table):
            continue
        item = isinstance(col.parent, exp.Select) and col.arg_key == "expressions"
        renamed = col.copy()
        renamed.set("this", exp.to_identifier(new))
        col.replace(exp.alias_(renamed, exp.to_identifier(col.name, quoted=col.this.quoted)) if item else renamed)
        changed = True
    return changed


def _rename_table(tree: exp.Expression, table: str, new: str) -> bool:
    """Read `new` where a view's query reads `table`, under the old name as its alias."""
    changed = False
    for t in list(tree.find_all(exp.Table)):
        if isinstance(t.this, exp.Identifier) and t.name.lower() == table.lower() and \
                (not t.db or t.db.lower() == "public") and exprtypes.cte_named(t.name, t) is None:
            t.set("this", exp.to_identifier(new))
            t.set("db", None)
            if t.args.get("alias") is None:
                t.set("alias", exp.TableAlias(this=exp.to_identifier(table)))
            changed = True
    return changed


def _of_table(col: exp.Column, table: str) -> bool:
    """Whether column reference `col` is a column of the base table `table` (a FROM source
    of its SELECT or, correlated, of an enclosing one)."""
    sel = col.find_ancestor(exp.Select)
    for _ in range(_NESTING_MAX * 4):
        if sel is None:
            return False
        sources = exprtypes.sources(sel)
        if col.table:
            owners = [s for s in sources if s.alias_or_name == col.table]
        else:
            owners = [s for s in sources if _has_column(s, col.name)]
        if len(owners) == 1:
            src = owners[0]
            return isinstance(src, exp.Table) and isinstance(src.this, exp.Identifier) and \
                src.name.lower() == table.lower() and exprtypes.cte_named(src.name, src) is None
        if owners:
            return False  # ambiguous: PostgreSQL would have refused the view
        sel = sel.parent.find_ancestor(exp.Select) if sel.parent is not None else None
    return False


def _has_column(src: exp.Expression, name: str) -> bool:
    if isinstance(src, exp.Table) and isinstance(src.this, exp.Identifier) and \
            exprtypes.cte_named(src.name, src) is None:
        return schema.column_type(src.name, name) is not None
    return any(n == name for n, _ in exprtypes.named_items(src, exprtypes.source_select(src)))


def _select_items(query: str) -> list[exp.Expression] | None:
    """A query's (first branch's) select-list items, None when it has a `*` (not spelled
    out here) or is no SELECT."""
    from compute_node.pg_sql.queries import _first_branch, parse_one

    sel = _first_branch(parse_one(query))
    if not isinstance(sel, exp.Select) or any(isinstance(e, exp.Star) or isinstance(e, exp.Column) and
                                              isinstance(e.this, exp.Star) for e in sel.expressions):
        return None
    return sel.expressions


def refuse_duplicate_columns(query: str, listed: list[str]) -> None:
    """42701 for a view two of whose columns would have one name (`SELECT 1, 2`: two
    ?column?), as PostgreSQL; `listed`: the names CREATE VIEW v (a, b) gives the first
    ones. A `*`'s columns are not compared."""
    from compute_node.pg_sql.lexing import object_name
    from compute_node.pg_sql.queries import _pg_column_name

    items = _select_items(query)
    if items is None:
        return
    names = [object_name(n) for n in listed]
    names += [e.alias if isinstance(e, exp.Alias) else e.name if isinstance(e, exp.Column)
              else (_pg_column_name(e) or "?column?") for e in items[len(names):]]
    seen = set()
    for n in names:
        if n in seen:
            raise SqlError(f'column "{n}" specified more than once', "42701")
        seen.add(n)


def _item_types(query: str) -> list[tuple[str, str]] | None:
    """For each of a query's select-list items: (the type PostgreSQL would name, '' where
    not told; the declared type with its modifiers, format_type's spelling, for a table's
    column or a cast, else ''). None when the list has a `*`."""
    from compute_node.pg_sql.functions import format_declared_type

    items = _select_items(query)
    if items is None:
        return None
    out = []
    for item in (e.unalias() if isinstance(e, exp.Alias) else e for e in items):
        decl = exprtypes.column_decl(item) if isinstance(item, exp.Column) else \
            item.args["to"].sql("postgres") if isinstance(item, exp.Cast) and isinstance(
                item.args.get("to"), exp.DataType) else None
        out.append((exprtypes.type_label(item) if exprtypes.oid(item) is not None else "",
                    format_declared_type(decl) if decl else ""))
    return out


def kept_columns_check(name: str, query: str | None = None) -> list[str]:
    """For CREATE OR REPLACE VIEW of an existing view: the statement, to run once the new
    view is made, that refuses it (42P16) unless it keeps the old view's columns (names
    and types, in order; new ones may follow), as PostgreSQL requires (the views and
    queries reading the view rely on them). A type SQLite does not declare (an
    expression's) is not compared. None to run when there is no such view."""
    cat = schema.current()
    old = cat.columns(name) if cat is not None else None
    if not old or name.strip('"').lower() not in cat.views():
        return []
    if query is not None:  # the types of expressions, which SQLite does not declare
        before, after = _item_types(catalog.view_definition(cat.views()[name.strip('"').lower()])), _item_types(query)
        names = [e.alias_or_name if isinstance(e, (exp.Alias, exp.Column)) else None
                 for e in _select_items(query) or []]
        for (col, _), (a, a_full), (b, b_full), new_name in zip(old, before or [], after or [], names):
            if new_name is not None and new_name != col:  # (PostgreSQL compares the name first)
                raise SqlError(_RENAMED_VIEW_COLUMN.format(col, new_name), "42P16")
            if a_full and b_full and a_full != b_full:  # both declared: typmods count too, as in PostgreSQL
                raise SqlError(f'cannot change data type of view column "{col}" from {a_full} to {b_full}', "42P16")
            if a and b and a != b:
                raise SqlError(f'cannot change data type of view column "{col}" from {a} to {b}', "42P16")
    shown = json.dumps([[n, d] for n, d in old]).replace("'", "''")
    bare = name.strip('"').replace('"', '""').replace("'", "''")
    return [f"SELECT pg_view_columns_kept('{shown}', (SELECT json_group_array(json_array(name, coalesce(type, ''))) "
            f"FROM pragma_table_info('{bare}')))"]


_RENAMED_VIEW_COLUMN = ('cannot change name of view column "{}" to "{}"' + HINT_MARK +
                        "Use ALTER VIEW ... RENAME COLUMN ... to change name of view column instead.")


def view_columns_kept(old_json: str, new_json: str) -> int:
    """SQL function pg_view_columns_kept(old, new): 42P16 when the new columns do not keep
    the old ones (see kept_columns_check); 1 otherwise."""
    old, new = json.loads(old_json), json.loads(new_json)
    if len(new) < len(old):
        raise apsw.SQLError("[42P16] cannot drop columns from view")
    for (old_name, old_type), (new_name, new_type) in zip(old, new):
        if old_name != new_name:
            raise apsw.SQLError("[42P16] " + _RENAMED_VIEW_COLUMN.format(old_name, new_name))
        a, b = pgtypes.unmarked(old_type), pgtypes.unmarked(new_type)
        if a and b and pgtypes.pg_type_name(a) != pgtypes.pg_type_name(b):
            raise apsw.SQLError(f'[42P16] cannot change data type of view column "{old_name}" from '
                                f"{pgtypes.pg_type_name(a)} to {pgtypes.pg_type_name(b)}")
    return 1


def cascade_notice(dropped: list[str]) -> tuple[str, str] | None:
    """DROP ... CASCADE's NOTICE of what it dropped along ("view v", "constraint c on table
    t"): one named, or a count with each in the DETAIL, as PostgreSQL sends it."""
    if not dropped:
        return None
    if len(dropped) == 1:
        return "00000", f"drop cascades to {dropped[0]}"
    return "00000", (f"drop cascades to {len(dropped)} other objects{DETAIL_MARK}" +
                     "\n".join(f"drop cascades to {d}" for d in dropped))


def dropped_with(relation: str, kind: str, cascade: bool,
                 dropping: frozenset[str] = frozenset()) -> tuple[list[str], list[str]]:
    """(statements, what they drop: "view v") to run before DROP TABLE / VIEW / MATERIALIZED
    VIEW `relation`:
    the views and materialized views that read it, directly or through others, dropped
    first (readers of readers before them) under CASCADE; without CASCADE such a reader is
    2BP01, as in PostgreSQL (SQLite would drop the relation and leave a view failing, a
    materialized view answering its old rows), unless the same statement drops it
    (`dropping`: lower-case names)."""
    from compute_node.pg_sql import table_as

    cat = schema.current()
    mats = table_as.matviews()
    if cat is None or not (cat.views() or mats) or cat.columns(relation) is None:
        return [], []
    reads = {name: _relations_read(name, catalog.view_definition(sql), cat) for name, sql in cat.views().items()
             if name not in mats}  # (an unpopulated materialized view is a SQLite view: its query is below)
    reads.update({name: _relations_read(name, fields["query"], cat) for name, fields in mats.items()})
    order: list[str] = []

    def visit(target: str, depth: int) -> None:
        if depth > _NESTING_MAX * 4:
            return
        for name in sorted(reads):
            if target in reads[name] and name not in order and name != relation.lower():
                visit(name, depth + 1)
                if name not in order:
                    order.append(name)

    visit(relation.lower(), 0)
    order = [name for name in order if name not in dropping]
    if not order:
        return [], []
    shown = [f"materialized view {name}" if name in mats else f"view {name}" for name in order]
    if not cascade:
        from compute_node.pg_sql import constraints

        raise constraints.depended_on(f"{kind} {relation}", shown[-1])
    return [f"DROP {table_as.stored_kind(mats[name]) if name in mats else 'VIEW'} IF EXISTS {quoted_ident(name)}"
            for name in order], shown


def column_readers(table: str, column: str | None) -> list[str]:
    """The views that read `column` of `table` (None: that read every column, through a
    `*`): PostgreSQL records the columns a view reads when it is made (its `*` spelled out),
    so DROP COLUMN of one is 2BP01 and ALTER COLUMN TYPE 0A000. A column named as the view
    reads it from any table counts (a refusal, never a view changed under its readers)."""
    from compute_node.pg_sql import table_as
    from compute_node.pg_sql.queries import parse_one

    cat = schema.current()
    if cat is None or not cat.views():
        return []
    mats = table_as.matviews()
    bare = table.lower()
    out = []
    for name, sql in sorted(cat.views().items()):
        definition = catalog.view_definition(sql)
        if name in mats or bare not in _relations_read(name, definition, cat):
            continue
        try:
            tree = parse_one(definition.strip().rstrip(";"))
        except SqlError:
            continue
        if any(_star_over(sel, bare) for sel in tree.find_all(exp.Select)) or column is not None and any(
                c.name.lower() == column.lower() for c in tree.find_all(exp.Column)):
            out.append(name)
    return out


def column_dropped_with(table: str, column: str, cascade: bool) -> tuple[list[str], list[str]]:
    """(statements, what they drop: "view v") to run before DROP COLUMN `column` of
    `table`: the views that read it, and their readers, dropped under CASCADE; without
    CASCADE 2BP01, as in PostgreSQL. A view that reads other relations too names the
    column ambiguously here (column_readers counts any column of its name): it is refused
    (0A000) rather than dropped on a guess."""
    from compute_node.pg_sql import constraints

    readers = column_readers(table, column)
    if not readers:
        return [], []
    if not cascade:
        raise constraints.depended_on(f"column {column} of table {table}", f"view {readers[0]}")
    cat = schema.current()
    for name in readers:
        read = _relations_read(name, catalog.view_definition(cat.views()[name]), cat)
        if read != {table.lower()}:
            raise SqlError(f"DROP COLUMN ... CASCADE of a column view {name} may read is not supported: it reads "
                           "other relations too", "0A000")
    out, shown = [], []
    for name in readers:
        before, along = dropped_with(name, "view", True, frozenset(readers))
        out += [*before, f"DROP VIEW IF EXISTS {quoted_ident(name)}"]
        shown += [*along, f"view {name}"]
    return out, shown


def _star_over(sel: exp.Select, table: str) -> bool:
    """Whether `sel`'s `*` or `t.*` takes the columns of `table`, one of its sources."""
    named = {s.alias_or_name.lower() for s in star_expansion.relations_of(sel)
             if isinstance(s, exp.Table) and s.name.lower() == table}
    return bool(named) and any(star_expansion.is_star(item) and (isinstance(item, exp.Star) or item.table.lower()
                                                                in named) for item in sel.expressions)


def _relations_read(name: str, definition: str, cat: schema.Catalog) -> frozenset[str]:
    """The tables and views a view's or materialized view's query (PostgreSQL's text) reads,
    by lower-case name, once per schema version."""
    def read() -> tuple:
        from compute_node.pg_sql.queries import parse_one

        try:
            tree = parse_one(definition.strip().rstrip(";"))
        except SqlError:
            return ()
        return tuple(sorted({t.name.lower() for t in tree.find_all(exp.Table) if isinstance(t.this, exp.Identifier)
                             and (not t.db or t.db.lower() == "public")
                             and exprtypes.cte_named(t.name, t) is None}))

    return frozenset(cat.shared("\x00reads:" + name, read) or ())
