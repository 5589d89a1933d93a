"""json(b)_each, json(b)_each_text, json(b)_array_elements(_text), json(b)_object_keys in
FROM, as SQLite's json_each over the rows Sixfold makes of the document
(`json_functions.pg_json_rows`).

SQLite's json_each is a table-valued function, so `FROM t, jsonb_each(t.doc) e` stays
correlated as in PostgreSQL (a subquery in FROM could not see t). Its columns differ
from PostgreSQL's, so the statement is rewritten around it before translation: the
source gets an alias, references to PostgreSQL's column names (or the alias list's,
`e(k, v)`) become json_each's `key` and `value` under their PostgreSQL names, and `*`
lists PostgreSQL's columns instead of json_each's eight.
"""

from __future__ import annotations

from sqlglot import exp

from compute_node.pg_sql.json_functions import JSON_ROWS
from sixfold.errors import SqlError

# json_each's columns standing for PostgreSQL's, by the number of columns.
_SQLITE_COLUMNS = {2: ("key", "value"), 1: ("value",)}
# The kind of each json_each column per mode (what exprtypes says a reference is).
_KINDS = {"each": {"key": "text", "value": "json"}, "each_text": {"key": "text", "value": "text"},
          "elements": {"value": "json"}, "elements_text": {"value": "text"}, "keys": {"value": "text"}}


def _srf(src: exp.Expression) -> str | None:
    if isinstance(src, exp.Table) and isinstance(src.this, exp.Anonymous) and src.this.name.lower() in JSON_ROWS:
        return src.this.name.lower()
    return None


def column_kind(src: exp.Expression, name: str) -> str | None:
    """The kind of json_each column `name` of a rewritten source, None when `src` is not
    one (or has no such column)."""
    if not (isinstance(src, exp.Table) and isinstance(src.this, exp.Anonymous) and src.this.name.lower() == "json_each"
            and src.this.expressions and isinstance(src.this.expressions[0], exp.Anonymous)
            and src.this.expressions[0].name.lower() == "pg_json_rows"):
        return None
    args = src.this.expressions[0].expressions
    mode, binary = str(args[1].this), str(args[2].this) == "1"
    k = _KINDS[mode].get(name.lower())
    return "jsonb" if k == "json" and binary else k


def rewrite_sources(tree: exp.Expression) -> None:
    """Every SELECT reading one of these functions in its FROM, rewritten in place."""
    n = 0
    for sel in list(tree.find_all(exp.Select)):
        sources = []
        frm = sel.args.get("from_") or sel.args.get("from")
        if frm is not None:
            sources.append(frm.this)
        sources += [j.this for j in sel.args.get("joins") or []]
        if not any(_srf(s) for s in sources):
            continue
        columns: dict[str, dict[str, str]] = {}  # alias -> PostgreSQL name -> json_each's
        for src in sources:
            name = _srf(src)
            if name is None:
                continue
            n += 1
            mode, binary, pg_cols = JSON_ROWS[name]
            alias = src.args.get("alias")
            alias_name = alias.name if alias is not None and alias.name else f"pg_json_rows{n}"
            listed = [c.name for c in alias.columns] if alias is not None and alias.columns else []
            if len(listed) > len(pg_cols):
                raise SqlError(f'table "{alias_name}" has {len(pg_cols)} columns available but {len(listed)} '
                               "columns specified", "42P10")
            names = [c for c, _ in pg_cols]
            if mode == "keys" and alias is not None and alias.name:
                names = [alias_name]  # a function of one unnamed column: the alias names it
            names = listed + names[len(listed):]
            columns[alias_name] = dict(zip(names, _SQLITE_COLUMNS[len(pg_cols)]))
            doc = src.this.expressions
            if len(doc) != 1:
                raise SqlError(f"function {name} takes one argument", "42883")
            call = exp.Anonymous(this="json_each", expressions=[exp.Anonymous(this="pg_json_rows", expressions=[
                doc[0], exp.Literal.string(mode), exp.Literal.number(binary), exp.Literal.string(name)])])
            src.set("this", call)
            src.set("alias", exp.TableAlias(this=exp.to_identifier(alias_name)))
        _expand_star(sel, sources, columns)
        _rename_references(sel, columns)


def _expand_star(sel: exp.Select, sources: list, columns: dict) -> None:
    items = []
    for e in sel.expressions:
        star_of = e.table if isinstance(e, exp.Column) and isinstance(e.this, exp.Star) else \
            "" if isinstance(e, exp.Star) else None
        if star_of is None or star_of and star_of not in columns:
            items.append(e)
            continue
        for src in sources:
            alias = src.alias_or_name
            if star_of and alias != star_of:
                continue
            if alias in columns:
                items += [exp.alias_(exp.column(sq, table=alias), exp.to_identifier(pg, quoted=True))
                          for pg, sq in columns[alias].items()]
            else:
                items.append(exp.Column(this=exp.Star(), table=exp.to_identifier(alias)))
    sel.set("expressions", items)


def _rename_references(sel: exp.Select, columns: dict) -> None:
    """References to PostgreSQL's column names as json_each's, keeping the name a select
    list item shows."""
    unqualified: dict[str, tuple[str, str]] = {}
    for alias, cols in columns.items():
        for pg, sq in cols.items():
            unqualified[pg] = (alias, sq)
    for col in list(sel.find_all(exp.Column)):
        if isinstance(col.this, exp.Star) or col.find_ancestor(exp.Select) is not sel:
            continue
        if col.table:
            target = columns.get(col.table, {}).get(col.name)
            alias = col.table
        else:
            alias, target = unqualified.get(col.name, (None, None))
        if target is None or (target == col.name and col.table):
            continue
        new = exp.column(target, table=alias)
        if col.parent is sel and col.arg_key == "expressions":
            new = exp.alias_(new, exp.to_identifier(col.name, quoted=True))
        col.replace(new)
