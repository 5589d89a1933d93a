"""`*` over subqueries, CTEs and VALUES spelled out as their columns. Pure (a rewrite
of sqlglot trees).

SQLite answers `select * from (select true as b) s` with the subquery's values and no
type: the wire layer then sees an integer 1 where PostgreSQL shows t, a number 1.5
where a numeric(p,2) shows 1.50. A named column of a derived table (`s.b`) has its
defining expression's type, so `spell_out(tree)` turns each `*` and `s.*` into the
derived tables' columns, in PostgreSQL's order, and leaves a table's `t.*` as it is
(a table's columns carry their declared types). A select list it cannot spell out
exactly (JOIN ... USING or NATURAL, which merge columns; a derived table whose columns
have no names of their own or the same name twice) keeps its `*`.
"""

from __future__ import annotations

from sqlglot import exp

from compute_node.pg_sql import exprtypes, schema

_ITEMS_MAX = 1_000  # a derived table wider than this keeps its `*`


def _is_star(e: exp.Expression) -> bool:
    return isinstance(e, exp.Star) or isinstance(e, exp.Column) and isinstance(e.this, exp.Star)


def _sources(sel: exp.Select) -> list[exp.Expression]:
    frm = sel.args.get("from_") or sel.args.get("from")
    out = [frm.this] if frm is not None else []
    return out + [j.this for j in sel.args.get("joins") or []]


def _values_names(src: exp.Values) -> list[exp.Identifier] | None:
    alias = src.args.get("alias")
    rows = [r for r in src.expressions if isinstance(r, exp.Tuple)]
    if not rows:
        return None
    width = len(rows[0].expressions)
    named = [c.copy() for c in alias.columns] if isinstance(alias, exp.TableAlias) else []
    return named[:width] + [exp.to_identifier(f"column{i + 1}") for i in range(len(named), width)]


def _derived_names(src: exp.Expression) -> list[exp.Identifier] | None:
    """The column names of a derived FROM source, None for a table or when they are not
    all known names."""
    if isinstance(src, exp.Values):
        return _values_names(src)
    if isinstance(src, exp.Table) and not isinstance(src.this, exp.Identifier):
        return None  # a function in FROM
    if isinstance(src, exp.Table) and (src.db or exprtypes.cte_named(src.name, src) is None):
        return None  # a table (_table_names)
    if not isinstance(src, (exp.Subquery, exp.Table)):
        return None
    body = exprtypes.source_select(src)
    if body is None or len(body.expressions) > _ITEMS_MAX:
        return None
    if isinstance(body.parent, exp.SetOperation):
        return None  # UNION's columns are typed row by row (set_operations.py), by position
    alias = body.parent.args.get("alias") if isinstance(body.parent, exp.CTE) else src.args.get("alias")
    renamed = list(alias.columns) if isinstance(alias, exp.TableAlias) else []
    listed = []
    for i, item in enumerate(body.expressions):
        if i < len(renamed):
            listed.append(renamed[i].copy())
        elif isinstance(item, exp.Alias) and isinstance(item.args.get("alias"), exp.Identifier):
            listed.append(item.args["alias"].copy())
        elif isinstance(item, exp.Column) and isinstance(item.this, exp.Identifier):
            listed.append(item.this.copy())
        else:
            return None  # a `*`, or an unnamed expression (named by rules of its own: ?column?, bool, ...)
    if len({(n.name if n.quoted else n.name.lower()) for n in listed}) != len(listed):
        return None
    return listed


def _table_names(src: exp.Expression) -> list[exp.Identifier] | None:
    """The columns of a table of the catalog, None for anything else."""
    if not isinstance(src, exp.Table) or not isinstance(src.this, exp.Identifier) or src.db:
        return None
    cat = schema.current()
    if cat is None:
        return None
    key = src.name if src.this.quoted else src.name.lower()
    # (pragma_table_info leaves generated columns out; `*` has them)
    rows = cat.query("SELECT name FROM pragma_table_xinfo(?) WHERE hidden != 1", (key,))
    return [exp.to_identifier(r[0], quoted=True) for r in rows] if rows else None


def _source_name(src: exp.Expression) -> exp.Identifier | None:
    alias = src.args.get("alias")
    if isinstance(alias, exp.TableAlias) and alias.this is not None:
        return alias.this.copy()
    if isinstance(src, exp.Table) and isinstance(src.this, exp.Identifier):
        return src.this.copy()
    return None


def _spell_out_select(sel: exp.Select) -> None:
    items = list(sel.expressions)
    if not any(_is_star(e) for e in items):
        return
    if any(j.args.get("using") or (j.args.get("method") or "").upper() == "NATURAL"
           for j in sel.args.get("joins") or []):
        return
    sources = _sources(sel)
    names = [_source_name(s) for s in sources]
    columns = [_derived_names(s) if n is not None else None for s, n in zip(sources, names)]
    if not any(c is not None for c in columns):
        return
    if any(n is None for n in names) or len({n.name for n in names}) != len(names):
        return

    # A table's `*` beside a derived table's columns is spelled out too: the wire layer
    # types the select list's columns by position only when it knows every one.
    columns = [c if c is not None else _table_names(s) for s, c in zip(sources, columns)]

    def spelled(i: int) -> list[exp.Expression]:
        if columns[i] is None:
            return [exp.Column(this=exp.Star(), table=names[i].copy())]
        return [exp.Column(this=c.copy(), table=names[i].copy()) for c in columns[i]]

    out: list[exp.Expression] = []
    for e in items:
        if isinstance(e, exp.Star):
            for i in range(len(sources)):
                out += spelled(i)
        elif _is_star(e) and not e.args.get("db"):
            hit = [i for i, n in enumerate(names) if n.name == e.table]
            out += spelled(hit[0]) if len(hit) == 1 else [e]
        else:
            out.append(e)
    sel.set("expressions", out)


def spell_out(tree: exp.Expression) -> None:
    """Spell out, in place, the `*` of every SELECT in `tree` over derived tables."""
    for sel in list(tree.find_all(exp.Select)):
        _spell_out_select(sel)
