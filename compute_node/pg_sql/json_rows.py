"""Set-returning functions: json(b)_each, json(b)_each_text, json(b)_array_elements(_text),
json(b)_object_keys and unnest(array) in FROM (and, alone among a SELECT's items, in its
select list), as the table-valued function pg_rows (row_functions.py).

pg_rows is a table-valued function, so `FROM t, jsonb_each(t.doc) e` stays correlated as
in PostgreSQL (a subquery in FROM could not see t). Its columns (pg_key, pg_value) are
not PostgreSQL's, so the statement is rewritten around it before translation: the source
gets an alias, references to PostgreSQL's column names (or the alias list's, `e(k, v)`)
become pg_rows' columns under their PostgreSQL names, and `*` lists PostgreSQL's columns.

In a select list (`select id, unnest(tags) from t`), PostgreSQL makes a row per element
of each row's value: the function moves into FROM as one more source, and the item reads
its column. Only with no GROUP BY, aggregate, window or other such function in the
SELECT (PostgreSQL would expand after grouping, or zip two functions).
"""

from __future__ import annotations

import re

from sqlglot import exp

from compute_node.pg_sql import exprtypes, jsonpath, schema
from compute_node.pg_sql.arrays import ELEMENTS
from compute_node.pg_sql.json_functions import JSON_ROWS
from sixfold.errors import SqlError

# pg_rows' columns standing for PostgreSQL's, by the number of columns.
_SQLITE_COLUMNS = {2: ("pg_key", "pg_value"), 1: ("pg_value",)}
# The kind of each pg_rows column per mode (what exprtypes says a reference is).
_KINDS = {"each": {"pg_key": "text", "pg_value": "json"}, "each_text": {"pg_key": "text", "pg_value": "text"},
          "elements": {"pg_value": "json"}, "elements_text": {"pg_value": "text"}, "keys": {"pg_value": "text"},
          "options": {"pg_key": "text", "pg_value": "text"}}


def _srf(src: exp.Expression) -> str | None:
    if isinstance(src, exp.Unnest):
        return "unnest"
    if isinstance(src, exp.Table) and isinstance(src.this, exp.Anonymous) and src.this.name.lower() in JSON_ROWS:
        return src.this.name.lower()
    return None


def column_kind(src: exp.Expression, name: str) -> str | None:
    """The kind of pg_rows column `name` of a rewritten source, None when `src` is not
    one (or has no such column)."""
    if not (isinstance(src, exp.Table) and isinstance(src.this, exp.Anonymous)
            and src.this.name.lower() in ("pg_rows", "pg_zip_rows")
            and len(src.this.expressions) == 2 and isinstance(src.this.expressions[1], exp.Literal)):
        return None
    kind, _, rest = str(src.this.expressions[1].this).partition(":")
    if kind == "zip":  # pg_v0 ... of unnest(a, b, ...)
        kinds = rest.split(",")
        m = re.fullmatch(r"pg_v(\d+)", name.lower())
        if m and int(m.group(1)) < len(kinds):
            return exprtypes.ELEMENT_KIND.get(kinds[int(m.group(1))], "")
        return "int" if name.lower() == "pg_key" else None
    if kind == "array":
        return {"pg_value": exprtypes.ELEMENT_KIND.get(rest, ""), "pg_key": "int"}.get(name.lower())
    mode, binary, _name = rest.split(":", 2)
    k = _KINDS[mode].get(name.lower())
    return "jsonb" if k == "json" and binary == "1" else k


# The select-list items that are such a function (one column each): name -> the column's
# name in FROM when the source's alias is `a` (None: the alias itself names it).
_ONE_COLUMN = {"unnest": None, "json_object_keys": None, "jsonb_object_keys": None,
               "json_array_elements": "value", "jsonb_array_elements": "value",
               "json_array_elements_text": "value", "jsonb_array_elements_text": "value"}


def _item_srf(e: exp.Expression) -> str | None:
    inner = e.unalias()
    if isinstance(inner, exp.Explode):
        return "unnest"
    if isinstance(inner, exp.Anonymous) and inner.name.lower() in _ONE_COLUMN:
        return inner.name.lower()
    return None


def _move_select_list_functions(tree: exp.Expression) -> None:
    n = 0
    for sel in list(tree.find_all(exp.Select)):
        found = [(i, e) for i, e in enumerate(sel.expressions) if _item_srf(e)]
        if not found or sel.args.get("group") or any(e.find(exp.AggFunc, exp.Window) for e in sel.expressions):
            continue
        n += 1
        alias = f"pg_srf{n}"
        if len(found) > 1:  # several unnest()s: in step, as long as the longest (unnest(a, b) in FROM)
            if any(_item_srf(e) != "unnest" or len(e.unalias().expressions) > 0 for _i, e in found):
                continue
            names = [f"pg_u{k}" for k in range(len(found))]
            source = exp.Unnest(expressions=[e.unalias().this.copy() for _i, e in found],
                                alias=exp.TableAlias(this=exp.to_identifier(alias),
                                                     columns=[exp.to_identifier(c) for c in names]))
            for (i, e), c in zip(found, names):
                shown = e.alias if isinstance(e, exp.Alias) else "unnest"
                shown_as = exp.to_identifier(shown, quoted=True)
                sel.expressions[i].replace(exp.alias_(exp.column(c, table=alias), shown_as))
            _add_source(sel, source)
            continue
        i, e = found[0]
        name = _item_srf(e)
        inner = e.unalias()
        if name == "unnest":
            source = exp.Unnest(expressions=[inner.this.copy()], alias=exp.TableAlias(this=exp.to_identifier(alias)))
        else:
            source = exp.Table(this=inner.copy(), alias=exp.TableAlias(this=exp.to_identifier(alias)))
        shown = e.alias if isinstance(e, exp.Alias) else name
        column = exp.column(_ONE_COLUMN[name] or alias, table=alias)
        sel.expressions[i].replace(exp.alias_(column, exp.to_identifier(shown, quoted=True)))
        _add_source(sel, source)


def _add_source(sel: exp.Select, source: exp.Expression) -> None:
    """`source` as the FROM of `sel`, or joined to the FROM it has."""
    if sel.args.get("from_") is None and sel.args.get("from") is None:
        sel.set("from_", exp.From(this=source))
    else:
        sel.append("joins", exp.Join(this=source))


# Set-returning functions that are unnest() of an array function.
_SPLITTING = {"string_to_table": lambda args: exp.StringToArray(
                  this=args[0], expression=args[1], **({"null": args[2]} if len(args) > 2 else {})),
              "regexp_split_to_table": lambda args: exp.Anonymous(this="regexp_split_to_array", expressions=args)}


def _splitting_call(e: exp.Expression) -> exp.Expression | None:
    """string_to_table(...) / regexp_split_to_table(...) as the array unnest() reads."""
    if isinstance(e, exp.Anonymous) and e.name.lower() in _SPLITTING and len(e.expressions) in (2, 3):
        return _SPLITTING[e.name.lower()]([a.copy() for a in e.expressions])
    return None


def _splitting_as_unnest(tree: exp.Expression) -> None:
    """string_to_table(s, d) and regexp_split_to_table(s, p) are unnest() of
    string_to_array / regexp_split_to_array, named after the function (PostgreSQL names
    an unaliased one's column, and relation, so)."""
    for call in list(tree.find_all(exp.Anonymous)):
        arr = _splitting_call(call)
        if arr is None:
            continue
        holder = call.parent
        name = call.name.lower()
        if isinstance(holder, (exp.Table, exp.Lateral)):
            alias = holder.args.get("alias")
            alias = alias.copy() if alias is not None and alias.name else exp.TableAlias(
                this=exp.to_identifier(name), columns=[c.copy() for c in alias.columns] if alias is not None else [])
            holder.replace(exp.Unnest(expressions=[arr], alias=alias))
        elif isinstance(holder, exp.Select) and call.arg_key == "expressions":
            call.replace(exp.alias_(exp.Explode(this=arr), name, quoted=True))
        elif isinstance(holder, exp.Alias) and isinstance(holder.parent, exp.Select):
            call.replace(exp.Explode(this=arr))


# jsonb_path_exists(target, path [, vars [, silent]]) and its kin: SQLite function by mode
PATH_FUNCTIONS = {"jsonb_path_exists": "pg_jsonb_path_exists", "jsonb_path_match": "pg_jsonb_path_match",
                  "jsonb_path_query_array": "pg_jsonb_path_array", "jsonb_path_query_first": "pg_jsonb_path_first"}
_PATH_ARGUMENTS = ("target", "path", "vars", "silent")


def path_call(fn: str, name: str, args: list[exp.Expression]) -> exp.Expression:
    """A jsonpath function's call (jsonpath.py) with its arguments in order, named ones
    (`vars => ...`, `silent => true`) put in place and defaults filled in."""
    given: dict[str, exp.Expression] = {}
    for i, a in enumerate(args):
        key = a.this.name.lower() if isinstance(a, exp.Kwarg) else _PATH_ARGUMENTS[i] if i < 4 else ""
        if key not in _PATH_ARGUMENTS or key in given:
            raise SqlError(f"function {name} with these arguments does not exist", "42883")
        given[key] = a.expression if isinstance(a, exp.Kwarg) else a
    if "target" not in given or "path" not in given:
        raise SqlError(f"function {name} with these arguments does not exist", "42883")
    path = given["path"]
    if isinstance(path, exp.Cast) and path.args.get("to") is not None and \
            path.args["to"].sql("postgres").lower() == "jsonpath":
        path = path.this
    if isinstance(path, exp.Literal) and path.is_string:
        check_path(path.this)
    return exp.Anonymous(this=fn, expressions=[
        given["target"], path, given.get("vars", exp.Literal.string("{}")), given.get("silent", exp.false())])


def check_path(text: str) -> None:
    """A jsonpath constant read when the statement is (PostgreSQL's parse-time 42601)."""
    try:
        jsonpath.parse(text)
    except jsonpath.PathError as e:
        raise SqlError(str(e), e.sqlstate) from None


def _path_query_as_elements(tree: exp.Expression) -> None:
    """jsonb_path_query(target, path ...), a set-returning function, as
    jsonb_array_elements of jsonb_path_query_array's array, named jsonb_path_query (its
    column's name in PostgreSQL, in a select list or in FROM)."""
    for call in list(tree.find_all(exp.Anonymous)):
        if call.name.lower() != "jsonb_path_query":
            continue
        elements = exp.Anonymous(this="jsonb_array_elements", expressions=[
            path_call("pg_jsonb_path_array", "jsonb_path_query", [a.copy() for a in call.expressions])])
        holder = call.parent
        if isinstance(holder, (exp.Table, exp.Lateral)):
            alias = holder.args.get("alias")
            name = alias.this.copy() if alias is not None and alias.this is not None else \
                exp.to_identifier("jsonb_path_query")
            columns = [c.copy() for c in alias.columns] if alias is not None and alias.columns else [name.copy()]
            call.replace(elements)
            holder.set("alias", exp.TableAlias(this=name, columns=columns))
        elif isinstance(holder, exp.Select) and call.arg_key == "expressions":
            call.replace(exp.alias_(elements, "jsonb_path_query", quoted=True))
        else:
            call.replace(elements)


def unwrap_lateral(tree: exp.Expression) -> None:
    """`CROSS JOIN LATERAL jsonb_each(t.doc) e`, `, LATERAL unnest(t.tags) u`: these
    functions are implicitly lateral here already, so the keyword goes (a LATERAL subquery
    stays refused)."""
    _splitting_as_unnest(tree)
    _path_query_as_elements(tree)
    for lat in list(tree.find_all(exp.Lateral)):
        inner = lat.this
        alias = lat.args.get("alias")
        if isinstance(inner, exp.Unnest):
            if alias is not None:
                inner.set("alias", alias.copy())
            lat.replace(inner)
        elif isinstance(inner, exp.Anonymous) and inner.name.lower() in JSON_ROWS:
            lat.replace(exp.Table(this=inner, alias=alias.copy() if alias is not None else None))


def rewrite_sources(tree: exp.Expression, array_oid) -> None:
    """Every SELECT reading one of these functions in its FROM (or, alone, in its select
    list), rewritten in place. `array_oid(e)` is the array type of an expression (None
    when unknown). One left anywhere else (inside an expression, beside an aggregate) is
    refused (0A000)."""
    _move_select_list_functions(tree)
    for e in tree.find_all(exp.Explode, exp.Anonymous):
        name = "unnest" if isinstance(e, exp.Explode) else e.name.lower()
        if (name in _ONE_COLUMN or name in JSON_ROWS) and not isinstance(e.parent, exp.Table):
            raise SqlError(f"{name}() is supported alone in a select list without aggregates, or in FROM",
                           "0A000")
    n = 0
    for sel in list(tree.find_all(exp.Select)):
        sources = []
        frm = sel.args.get("from_") or sel.args.get("from")
        if frm is not None:
            sources.append(frm.this)
        sources += [j.this for j in sel.args.get("joins") or []]
        if not any(_srf(s) for s in sources):
            continue
        into_insert = isinstance(tree, exp.Insert) and tree.expression is sel
        columns: dict[str, dict[str, str]] = {}  # alias -> PostgreSQL name -> pg_rows'
        stars: dict[str, list[tuple[str, str]]] = {}  # alias -> its columns in order, when names repeat
        for src in sources:
            name = _srf(src)
            if name is None:
                continue
            n += 1
            args = src.expressions if isinstance(src, exp.Unnest) else src.this.expressions
            if name == "unnest" and len(args) > 1:  # unnest(a, b, ...): the arrays side by side
                alias = src.args.get("alias")
                alias_name = alias.name if alias is not None and alias.name else f"pg_rows{n}"
                stars[alias_name] = _zip_source(src, args, alias, alias_name, array_oid, into_insert)
                columns[alias_name] = {}
                for pg, sq in stars[alias_name]:
                    columns[alias_name].setdefault(pg, sq)
                continue
            if name == "unnest":
                mode, binary, pg_cols = "unnest", 0, (("unnest", ""),) + ((("ordinality", "int"),)
                                                                          if src.args.get("offset") else ())
            else:
                mode, binary, pg_cols = JSON_ROWS[name]
            alias = src.args.get("alias")
            alias_name = alias.name if alias is not None and alias.name else f"pg_rows{n}"
            listed = [c.name for c in alias.columns] if alias is not None and alias.columns else []
            if isinstance(src.args.get("offset"), exp.Identifier):  # WITH ORDINALITY AS u(v, n): n
                listed = (listed + [""])[:1] + [src.args["offset"].name] if listed else ["unnest", src.args["offset"].name]
                if alias is not None and alias.name and not alias.columns:
                    listed[0] = alias.name
            if len(listed) > len(pg_cols):
                raise SqlError(f'table "{alias_name}" has {len(pg_cols)} columns available but {len(listed)} '
                               "columns specified", "42P10")
            names = [c for c, _ in pg_cols]
            if mode in ("keys", "unnest") and alias is not None and alias.name:
                names[0] = alias_name  # a function of one unnamed column: the alias names it
            names = listed + names[len(listed):]
            columns[alias_name] = dict(zip(names, ("pg_value", "pg_key") if mode == "unnest"
                                           else _SQLITE_COLUMNS[len(pg_cols)]))
            if len(args) != 1:
                raise SqlError(f"function {name} takes one argument here", "0A000" if name == "unnest" else "42883")
            if mode == "unnest":
                spec = f"array:{_element_kind(args[0], array_oid, into_insert)}"
            else:
                spec = f"json:{mode}:{binary}:{name}"
            table = exp.Table(this=exp.Anonymous(this="pg_rows", expressions=[args[0], exp.Literal.string(spec)]),
                              alias=exp.TableAlias(this=exp.to_identifier(alias_name)))
            src.replace(table)
        frm = sel.args.get("from_") or sel.args.get("from")
        sources = ([frm.this] if frm is not None else []) + [j.this for j in sel.args.get("joins") or []]
        _expand_star(sel, sources, columns, stars)
        _rename_references(sel, columns, sources)


def _array_cast(e: exp.Expression) -> exp.Cast | None:
    """`e` when it is (in parentheses) a cast to an array type, else None."""
    e = e.unnest() if isinstance(e, exp.Paren) else e
    return e if isinstance(e, exp.Cast) and isinstance(e.args.get("to"), exp.DataType) and \
        e.args["to"].this == exp.DataType.Type.ARRAY else None


def _element_kind(arg, array_oid, into_insert: bool) -> str:
    """The element kind pg_rows reads an array's elements as. An array of a type Sixfold
    has no array values of (timestamptz[], date[], numeric[] ...) is read as text only
    where the rows go straight into INSERT ... SELECT: the target column's input rules
    then read each element (Django's bulk_create sends such arrays)."""
    oid = array_oid(arg)
    # (numeric[] is only ever ARRAY[...] of numerics, read as text as the others)
    kind = next((k for k, v in ELEMENTS.items() if v[1] == oid and k != "numeric"), None)
    if kind is None and into_insert and _array_cast(arg) is not None:
        inner = arg
        while _array_cast(inner) is not None:  # ('{...}'::timestamptz[])::timestamp with time zone[]
            inner = _array_cast(inner).this
        arg.replace(inner)  # the array's text, each element read by the column it goes into
        return "unknown"  # no kind: typed by that column, not as text
    if kind is None:
        raise SqlError("unnest of an array whose element type is not known here is not supported "
                       "(cast it, as in unnest($1::int[]))", "0A000")
    return kind


def _zip_source(src, args, alias, alias_name: str, array_oid, into_insert: bool) -> list[tuple[str, str]]:
    """unnest(a, b, ...) replaced by pg_zip_rows over the arrays: its columns, in order,
    as (PostgreSQL name, pg_zip_rows' column)."""
    from compute_node.pg_sql.row_functions import ZIP_ARRAYS_MAX

    if len(args) > ZIP_ARRAYS_MAX:
        raise SqlError(f"unnest of more than {ZIP_ARRAYS_MAX} arrays is not supported", "0A000")
    kinds = [_element_kind(a, array_oid, into_insert) for a in args]
    ordinality = src.args.get("offset")
    default = ["unnest"] * len(args) + (["ordinality"] if ordinality else [])
    listed = [c.name for c in alias.columns] if alias is not None and alias.columns else []
    if isinstance(ordinality, exp.Identifier) and not listed:
        default[-1] = ordinality.name
    if len(listed) > len(default):
        raise SqlError(f'table "{alias_name}" has {len(default)} columns available but {len(listed)} columns '
                       "specified", "42P10")
    names = listed + default[len(listed):]
    own = [f"pg_v{i}" for i in range(len(args))] + (["pg_key"] if ordinality else [])
    src.replace(exp.Table(
        this=exp.Anonymous(this="pg_zip_rows", expressions=[exp.Anonymous(this="json_array", expressions=list(args)),
                                                              exp.Literal.string("zip:" + ",".join(kinds))]),
        alias=exp.TableAlias(this=exp.to_identifier(alias_name))))
    return list(zip(names, own))


def _expand_star(sel: exp.Select, sources: list, columns: dict, stars: dict) -> None:
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
                items += [exp.alias_(_reference(sq, alias), exp.to_identifier(pg, quoted=True))
                          for pg, sq in stars.get(alias, columns[alias].items())]
            else:
                items.append(exp.Column(this=exp.Star(), table=exp.to_identifier(alias)))
    sel.set("expressions", items)


def _reference(column: str, alias: str) -> exp.Expression:
    """pg_rows' column of the source `alias`."""
    return exp.column(column, table=alias)


def _source_columns(src: exp.Expression) -> set[str]:
    """The column names of a FROM source that is not one of these functions (a table the
    catalog knows, a subquery), lower case; empty when unknown."""
    if isinstance(src, exp.Table) and isinstance(src.this, exp.Identifier):
        cat = schema.current()
        return {n.lower() for n, _ in (cat.columns(src.name) or [])} if cat is not None else set()
    body = src.this if isinstance(src, exp.Subquery) else None
    return {e.alias_or_name.lower() for e in body.expressions} if isinstance(body, exp.Select) else set()


def _rename_references(sel: exp.Select, columns: dict, sources: list) -> None:
    """References to PostgreSQL's column names as pg_rows', keeping the name a select
    list item shows. An unqualified name another source has too is ambiguous (42702), as
    in PostgreSQL."""
    others: set[str] = set()
    for src in sources:
        if src.alias_or_name not in columns:
            others |= _source_columns(src)
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
            if target is not None and col.name.lower() in others:
                raise SqlError(f'column reference "{col.name}" is ambiguous', "42702")
        if target is None or (target == col.name and col.table):
            continue
        new = _reference(target, alias)
        if col.parent is sel and col.arg_key == "expressions":
            new = exp.alias_(new, exp.to_identifier(col.name, quoted=True))
        col.replace(new)
