"""`*` over subqueries, CTEs and VALUES spelled out as their columns. Pure (a rewrite
of sqlglot trees).

SQLite answers `select * from (select true as b) s` with the subquery's values and no
type: the wire layer then sees an integer 1 where PostgreSQL shows t, a number 1.5
where a numeric(p,2) shows 1.50. A named column of a derived table (`s.b`) has its
defining expression's type, so `spell_out(tree)` turns each `*` and `s.*` into the
derived tables' columns, in PostgreSQL's order, and leaves a table's `t.*` as it is
(a table's columns carry their declared types). A select list it cannot spell out
exactly (a derived table whose columns have no names of their own or the same name
twice) keeps its `*`. A `*` over JOIN ... USING or NATURAL JOIN is spelled out in
PostgreSQL's column order (the merged columns first), and a table's `*` beside other
items (`t.*, true AS flag`) as its columns, so that every column's type is known.
"""

from __future__ import annotations

from sqlglot import exp

from compute_node.pg_sql import exprtypes, schema
from sixfold.errors import SqlError

_ITEMS_MAX = 1_000  # a derived table wider than this keeps its `*`
# On the name of a derived table's column: the name PostgreSQL shows for it when it is not
# its name in SQLite (?column?, or a name the derived table has twice).
PG_NAME = "sixfold_pg_name"


def _is_star(e: exp.Expression) -> bool:
    return isinstance(e, exp.Star) or isinstance(e, exp.Column) and isinstance(e.this, exp.Star)


is_star = _is_star  # (`*` or `t.*` in a select list, for row_values.py and views.py)


def relations_of(sel: exp.Select) -> list[exp.Expression]:
    """The relations a SELECT's FROM and JOINs name, in order."""
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
    recursive = _recursive_cte(src)
    if recursive is not None:
        # A recursive CTE's columns have its non-recursive term's types (PostgreSQL refuses
        # a recursive term that would change them): its column list names them.
        alias = recursive.args.get("alias")
        named = [c.copy() for c in alias.columns] if isinstance(alias, exp.TableAlias) else []
        if named:
            first = recursive.this
            while isinstance(first, exp.SetOperation):
                first = first.this
            unique = len({c.name.lower() for c in named}) == len(named)
            return named if unique and _width(first) == len(named) else None
    body = exprtypes.source_select(src)  # (a recursive CTE's: its non-recursive term)
    if body is None or len(body.expressions) > _ITEMS_MAX:
        return None
    if isinstance(body.parent, exp.SetOperation) and recursive is None:
        return None  # UNION's columns are typed row by row (set_operations.py), by position
    alias = body.parent.args.get("alias") if isinstance(body.parent, exp.CTE) else src.args.get("alias")
    renamed = list(alias.columns) if isinstance(alias, exp.TableAlias) else []
    if any(_is_star(item) for item in body.expressions):
        # WITH d(a, b) AS (VALUES ...), which sqlglot reads as SELECT * FROM (VALUES ...)
        inner = relations_of(body)
        if len(body.expressions) != 1 or len(inner) != 1 or not isinstance(inner[0], exp.Values):
            return None
        values = _values_names(inner[0])
        return None if values is None else [c.copy() for c in renamed[:len(values)]] + values[len(renamed):]
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


def _width(term: exp.Expression) -> int | None:
    """How many columns a SELECT or VALUES makes, None when unknown (a `*` over a table)."""
    if isinstance(term, exp.Values):
        return len(_values_names(term) or [])
    if not isinstance(term, exp.Select):
        return None
    if not any(_is_star(i) for i in term.expressions):
        return len(term.expressions)
    inner = relations_of(term)  # VALUES in a WITH, which sqlglot reads as SELECT * FROM (VALUES ...)
    if len(term.expressions) == 1 and isinstance(term.expressions[0], exp.Star) and len(inner) == 1 and \
            isinstance(inner[0], exp.Values):
        return len(_values_names(inner[0]) or [])
    return None


def _recursive_cte(src: exp.Expression) -> exp.CTE | None:
    """The CTE `src` names when it is a recursive one (WITH RECURSIVE, a UNION whose
    recursive term reads the CTE), else None."""
    if not (isinstance(src, exp.Table) and isinstance(src.this, exp.Identifier) and not src.db):
        return None
    body = exprtypes.cte_named(src.name, src)
    cte = body.parent if body is not None else None
    return cte if isinstance(cte, exp.CTE) and exprtypes.recursive_references(cte) else None


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
    return [exp.to_identifier(r[0], quoted=True) for r in rows if r[0] != schema.SEQUENCE_MARKER_COLUMN] \
        if rows else None


def _is_sequence(src: exp.Expression) -> bool:
    """A sequence (sequences.py): its `*` is PostgreSQL's three columns, not Sixfold's fourth."""
    cat = schema.current()
    return cat is not None and isinstance(src, exp.Table) and isinstance(src.this, exp.Identifier) and \
        not src.db and cat.is_sequence(src.name if not src.this.quoted else f'"{src.name}"')


def _source_name(src: exp.Expression) -> exp.Identifier | None:
    alias = src.args.get("alias")
    if isinstance(alias, exp.TableAlias) and alias.this is not None:
        return alias.this.copy()
    if isinstance(src, exp.Table) and isinstance(src.this, exp.Identifier):
        return src.this.copy()
    return None


def _shown_as(col: exp.Column, name: exp.Identifier) -> exp.Expression:
    pg_name = name.meta.get(PG_NAME)
    return exp.alias_(col, exp.to_identifier(pg_name, quoted=True)) if pg_name else col


def _merging(join: exp.Join) -> bool:
    return bool(join.args.get("using")) or (join.args.get("method") or "").upper() == "NATURAL"


def _spell_out_select(sel: exp.Select) -> None:
    items = list(sel.expressions)
    if not any(_is_star(e) for e in items):
        return
    if any(_merging(j) for j in sel.args.get("joins") or []):
        _spell_out_merged(sel)
        return
    sources = relations_of(sel)
    names = [_source_name(s) for s in sources]
    columns = [_derived_names(s) if n is not None else None for s, n in zip(sources, names)]
    if not any(c is not None for c in columns) and all(_is_star(e) for e in items) and \
            not any(_is_sequence(s) for s in sources) and not _set_operand(sel):
        return  # only tables' columns: their declared types type them (not a set operation's, which has none)
    if any(n is None for n in names) or len({n.name for n in names}) != len(names):
        return

    # A table's `*` beside a derived table's columns is spelled out too: the wire layer
    # types the select list's columns by position only when it knows every one.
    columns = [c if c is not None else _table_names(s) for s, c in zip(sources, columns)]

    def spelled(i: int) -> list[exp.Expression]:
        if columns[i] is None:
            return [exp.Column(this=exp.Star(), table=names[i].copy())]
        return [_shown_as(exp.Column(this=c.copy(), table=names[i].copy()), c) for c in columns[i]]

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


def _set_operand(sel: exp.Select) -> bool:
    """Whether `sel` is an operand of a UNION / INTERSECT / EXCEPT (parenthesized or not)."""
    p = sel.parent
    while isinstance(p, exp.Subquery) and not p.alias:
        p = p.parent
    return isinstance(p, exp.SetOperation)


def _spell_out_merged(sel: exp.Select) -> None:
    """`*` over JOIN ... USING / NATURAL JOIN in PostgreSQL's order: the merged columns
    first (the left one's value, the right one's for a RIGHT JOIN, either for a FULL
    JOIN), then the left side's other columns, then the right side's (SQLite keeps the
    left table's order, the merged column where the left table has it). Left as it is
    when a source's columns are not all known or a merged name is not one column."""
    sources = relations_of(sel)
    names = [_source_name(s) for s in sources]
    if any(n is None for n in names) or len({n.name for n in names}) != len(names):
        return
    columns = [_derived_names(s) or _table_names(s) for s in sources]
    if any(c is None for c in columns):
        return
    key = lambda ident: ident.name if ident.quoted else ident.name.lower()  # noqa: E731
    # (name, expression) of the output so far, left to right; the name PostgreSQL shows
    # (PG_NAME) by the column it came from
    shown_names = {}

    def column(c: exp.Identifier, i: int) -> tuple[str, exp.Expression]:
        if c.meta.get(PG_NAME):
            shown_names[key(c)] = c.meta[PG_NAME]
        return key(c), exp.Column(this=c.copy(), table=names[i].copy())

    out = [column(c, 0) for c in columns[0]]
    for i, join in enumerate(sel.args.get("joins") or [], start=1):
        right = [column(c, i) for c in columns[i]]
        if not _merging(join):
            out += right
            continue
        if join.args.get("using"):
            merged = [key(u) if isinstance(u, exp.Identifier) else key(u.this) if isinstance(u, exp.Column)
                      and isinstance(u.this, exp.Identifier) else None for u in join.args["using"]]
        else:
            merged = [n for n, _ in out if any(n == r for r, _ in right)]
        if None in merged:
            return
        side = (join.args.get("side") or "").upper()
        front = []
        for m in merged:
            left_hits = [e for n, e in out if n == m]
            right_hits = [e for n, e in right if n == m]
            if len(left_hits) > 1:
                raise SqlError(f'common column name "{m}" appears more than once in left table', "42702")
            if len(left_hits) != 1 or len(right_hits) != 1:
                return  # not there, or twice on the right: SQLite says what is wrong
            value = {"RIGHT": right_hits[0].copy(), "FULL": exp.Coalesce(
                this=left_hits[0].copy(), expressions=[right_hits[0].copy()])}.get(side, left_hits[0].copy())
            front.append((m, value))
        out = front + [(n, e) for n, e in out if n not in merged] + [(n, e) for n, e in right if n not in merged]
    if len(out) > _ITEMS_MAX:
        return

    def shown(name: str, e: exp.Expression) -> exp.Expression:
        plain = isinstance(e, exp.Column) and (e.name if e.this.quoted else e.name.lower()) == name
        if plain and name not in shown_names:
            return e
        return exp.alias_(e, exp.to_identifier(shown_names.get(name, name), quoted=True))

    spelled = []
    for e in sel.expressions:
        if isinstance(e, exp.Star):
            spelled += [shown(n, x.copy()) for n, x in out]
        else:
            spelled.append(e)  # t.* is t's columns, as SQLite keeps them
    sel.set("expressions", spelled)


def spell_out(tree: exp.Expression) -> None:
    """Spell out, in place, the `*` of every SELECT in `tree` over derived tables."""
    for sel in list(tree.find_all(exp.Select)):
        _spell_out_select(sel)


def spelled_columns(sel: exp.Select, item: exp.Expression) -> list[exp.Column] | None:
    """The columns a `*` or `t.*` of `sel`'s select list stands for, each qualified by its
    source; None when a source's columns are not known (a function, an unnamed source)."""
    sources = relations_of(sel)
    names = [_source_name(s) for s in sources]
    if any(n is None for n in names) or any(isinstance(j, exp.Join) and _merging(j) for j in
                                            sel.args.get("joins") or []):
        return None
    qualifier = item.table if isinstance(item, exp.Column) else ""
    out: list[exp.Column] = []
    for src, name in zip(sources, names):
        if qualifier and name.name != qualifier:
            continue
        columns = _derived_names(src) or _table_names(src)
        if columns is None:
            return None
        out += [exp.Column(this=c.copy(), table=name.copy()) for c in columns]
    return out or None
