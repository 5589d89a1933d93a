"""Row values: ROW(...) and (a, b) constructors, whole-row references (`SELECT t FROM t`),
field selection (`(ROW(1, 'a')).f1`, `(t).col`), comparisons of rows and IS [NOT] NULL
of a row, and a row shown as a result column (PostgreSQL's record text, `(1,"a b")`).

SQLite has row values only as operands of comparisons and IN, and refuses them anywhere
else ("row value misused"). `rewrite` (before typing) turns each form into what SQLite
runs the same: a ROW(...) or a whole-row reference becomes a tuple of its fields; a
comparison of two rows becomes comparisons of their fields, each then typed and
translated as any comparison is (so a numeric, date or interval field compares as
PostgreSQL compares it), with PostgreSQL's NULL rules (`=`: every field equal; `<>`:
some field unequal; `<` and the like: the first unequal or NULL pair decides); `IS NULL`
holds when every field is NULL, `IS NOT NULL` when none is. `record_call` (during the
translation) makes a row in a result column `pg_record(oids, field...)`, each field as
its type's text, quoted as record_out quotes (`pg_record_value` in the statement's
result: the fields' type OIDs first, for the binary format, types.record_parts). JSON
functions of a ROW(...) (`row_to_json(ROW(1, 'a'))` is {"f1":1,"f2":"a"}) go through
queries._row_columns. A row stored into a column is its text (text columns only, 42804
otherwise); a derived table's row column, being text by then, can only be shown."""

from __future__ import annotations

from sqlglot import exp

from compute_node.pg_sql import exprtypes, schema, star_expansion
from compute_node.pg_sql import types as pgtypes
from sixfold.errors import SqlError

ROW_OF = "sixfold_row_of"  # Tuple.meta: the source a whole-row reference named (its column name)
TABLE_ROW = "sixfold_table_row"  # Tuple.meta: that source is a table (its type is the table's row type)
TABLE_COLUMNS = "sixfold_table_columns"  # Subquery.meta: `t AS f(a, b)` read as a subquery: t's column names
_COMPARISONS = (exp.EQ, exp.NEQ, exp.LT, exp.LTE, exp.GT, exp.GTE, exp.NullSafeEQ, exp.NullSafeNEQ)
_JSON_ROW_CALLS = ("row_to_json", "to_json", "to_jsonb", "json_agg", "jsonb_agg")


def rewrite(tree: exp.Expression) -> None:
    """Every row form in `tree` as SQLite runs it (see the module's doc); in place."""
    if not _has_rows(tree):
        return
    for node in reversed(list(tree.find_all(exp.Anonymous))):  # (inner rows first: the outer copies them)
        if node.name.lower() == "row":
            node.replace(exp.Tuple(expressions=_expanded(node.expressions)))
    for col in list(tree.find_all(exp.Column)):
        fields = _whole_row(col)
        if fields is not None and not _json_argument(col):
            row = exp.Tuple(expressions=fields)
            row.meta[ROW_OF] = col.name
            row.meta[TABLE_ROW] = _source_columns(col, col.name, tables_only=True) is not None
            col.replace(row)
    for row in tree.find_all(exp.Tuple):
        _refuse_row_argument(row)
    for dot in list(tree.find_all(exp.Dot)):
        field = _selected_field(dot)
        if field is not None:  # a result column is named for the field
            dot.replace(exp.alias_(field, exp.to_identifier(dot.expression.name)) if isinstance(dot.parent, exp.Select)
                        else field)
    for node in list(tree.find_all(*_COMPARISONS)):
        if isinstance(node.parent, (exp.Update, exp.OnConflict)):
            continue  # SET (a, b) = (1, 2) assigns (UPDATE, ON CONFLICT DO UPDATE)
        if isinstance(node.this, exp.Tuple) and isinstance(node.expression, exp.Tuple):
            _check_record_types(node.this, node.expression)
            node.replace(exp.Paren(this=_compared(node, node.this.expressions, node.expression.expressions)))
        elif isinstance(node.this, exp.Tuple) and isinstance(node.expression, exp.Subquery):
            _check_subquery_row(node.this, node.expression, _OPERATOR.get(type(node), "="))
    for node in list(tree.find_all(exp.In)):
        if not isinstance(node.this, exp.Tuple):
            continue
        if isinstance(node.args.get("query"), exp.Subquery):
            _check_subquery_row(node.this, node.args["query"], "=")
        elif node.expressions and all(isinstance(x, exp.Tuple) for x in node.expressions):
            node.replace(_in_list(node))
    for node in list(tree.find_all(exp.Is)):
        if isinstance(node.this, exp.Tuple) and isinstance(node.expression, exp.Null):
            tests = [exp.Is(this=f.copy(), expression=exp.Null()) for f in node.this.expressions]
            if node.args.get("negate"):
                tests = [exp.Not(this=t) for t in tests]
            node.replace(exp.Paren(this=_all(tests)))
    for node in list(tree.find_all(exp.Select, exp.Union, exp.Intersect, exp.Except)):
        _order_by_fields(node)
    for col in tree.find_all(exp.Column):
        _refuse_record_column(col)
    _check_stored_rows(tree)
    for sel in tree.find_all(exp.Select):
        for i, e in enumerate(sel.expressions):
            if isinstance(e, exp.Tuple):  # a row in the select list is named "row", a whole-row reference t
                sel.expressions[i].replace(exp.alias_(e.copy(), exp.to_identifier(e.meta.get(ROW_OF, "row"))))


def _check_stored_rows(tree: exp.Expression) -> None:
    """A row stored (INSERT ... SELECT / VALUES, UPDATE ... SET): a text column takes the
    row's text (PostgreSQL's assignment cast); a column of any other type cannot take a
    record (42804)."""
    if not isinstance(tree, (exp.Insert, exp.Update)) or schema.current() is None:
        return
    target = tree.this.this if isinstance(tree.this, exp.Schema) else tree.this
    if not isinstance(target, exp.Table):
        return
    if isinstance(tree, exp.Update):
        pairs = [(a.this.name, a.expression) for a in tree.expressions
                 if isinstance(a, exp.EQ) and isinstance(a.this, exp.Column)]
    else:
        listed = [c.name for c in tree.this.expressions] if isinstance(tree.this, exp.Schema) else \
            [n for n, _d in schema.current().columns(target.name) or ()]
        source = tree.expression
        rows = [source] if isinstance(source, exp.Select) else \
            list(source.expressions) if isinstance(source, exp.Values) else []
        pairs = [p for r in rows for p in zip(listed, r.expressions)]
    for name, e in pairs:
        decl = schema.column_type(target.name, name) if isinstance(e.unalias(), exp.Tuple) else None
        oid = pgtypes.column_oid(decl, None) if decl is not None else None
        if oid is not None and oid not in (pgtypes.TEXT, pgtypes.VARCHAR, pgtypes.BPCHAR):
            raise SqlError(f'column "{name}" is of type {pgtypes.REGTYPE_NAMES.get(oid, decl.lower())} but '
                           "expression is of type record", "42804")


_OPERATOR = {exp.EQ: "=", exp.NEQ: "<>", exp.LT: "<", exp.LTE: "<=", exp.GT: ">", exp.GTE: ">=",
             exp.NullSafeEQ: "=", exp.NullSafeNEQ: "<>"}
# Kinds whose stored form is one per value, so SQLite's own row comparison (what a row
# compared with a subquery's row runs as) compares them as PostgreSQL does.
_CANONICAL_KINDS = frozenset({"int", "text", "bool", "date", "uuid", "bytea"})


def _check_subquery_row(row: exp.Tuple, sub: exp.Subquery, op: str) -> None:
    """`(a, b) = (SELECT x, y ...)`, `(a, b) IN (SELECT ...)`: SQLite compares the rows
    itself, by stored form. PostgreSQL's 42883 where a field meets a subquery's text (a
    quoted literal there is text, not coerced); 0A000 where the stored forms of equal
    values may differ (intervals, timestamps with a zone, numerics against integers...)."""
    body = exprtypes.source_select(sub)  # (a set operation's first branch)
    if body is None or any(map(star_expansion.is_star, body.expressions)):
        return
    items = [e.unalias() for e in body.expressions]
    if len(items) != len(row.expressions):
        raise SqlError(f"subquery has too {'many' if len(items) > len(row.expressions) else 'few'} columns", "42601")
    for f, item in zip(row.expressions, items):
        kf, ki = exprtypes.kind(f), exprtypes.kind(item)
        ki = "text" if ki == "unknown" else ki  # (a subquery's quoted literal is text)
        if ki == "text" and kf not in ("text", "unknown"):
            raise SqlError(f"operator does not exist: {exprtypes.type_label(f)} {op} text", "42883")
        if not (kf == ki and ki in _CANONICAL_KINDS or kf == "unknown" and ki == "text" or
                kf == ki == "num" and _stored_as_number(f) and _stored_as_number(item)):
            raise SqlError("a row compared with a subquery's row is supported only for fields of one integer, text, "
                           "boolean, date, uuid, bytea or numeric(p, s) type on both sides", "0A000")


def _stored_as_number(e: exp.Expression) -> bool:
    """A numeric SQLite holds as a number: a numeric literal, or a column of numeric(p, s)
    (a numeric without a precision is kept as its text)."""
    if isinstance(e, exp.Literal):
        return not e.is_string
    decl = exprtypes.column_decl(e) if isinstance(e, exp.Column) else None
    return decl is not None and not pgtypes.is_numeric_text(decl)


def _in_list(node: exp.In) -> exp.Expression:
    """`row IN (row, ...)` as an OR of the rows' equalities (NOT IN: its negation)."""
    for x in node.expressions:
        _check_record_types(node.this, x)
    either = _any([exp.Paren(this=_compared(exp.EQ(), node.this.expressions, x.expressions))
                   for x in node.expressions])
    return exp.Paren(this=exp.Not(this=either) if node.args.get("is_not") else either)


def _order_by_fields(node: exp.Expression) -> None:
    """ORDER BY a row (written, or a result column that is one, by position or name) sorts
    by its fields in turn, as PostgreSQL compares rows (not by the row's text)."""
    order = node.args.get("order")
    if not isinstance(order, exp.Order):
        return
    branch = node
    while isinstance(branch, (exp.Union, exp.Intersect, exp.Except)):
        branch = branch.this
    items = branch.expressions if isinstance(branch, exp.Select) else []
    terms = []
    for o in order.expressions:
        row = _ordered_row(o.this, items)
        if row is None:
            terms.append(o)
            continue
        if not isinstance(node, exp.Select):
            raise SqlError("ORDER BY a row of a set operation is not supported", "0A000")
        terms += [exp.Ordered(this=f.copy(), desc=o.args.get("desc"), nulls_first=o.args.get("nulls_first"))
                  for f in row.expressions]
    order.set("expressions", terms)


def _ordered_row(key: exp.Expression, items: list[exp.Expression]) -> exp.Tuple | None:
    """The row an ORDER BY term sorts by, when it is one."""
    if isinstance(key, exp.Tuple):
        return key
    target = key
    if isinstance(key, exp.Literal) and not key.is_string and str(key.this).isdigit():
        n = int(key.this)
        target = items[n - 1].unalias() if 0 < n <= len(items) else None
    elif isinstance(key, exp.Column) and not key.table:
        named = [e.unalias() for e in items if isinstance(e, exp.Alias) and e.alias == key.name]
        target = named[0] if len(named) == 1 else key
    if isinstance(target, exp.Column) and _record_column(target):
        raise SqlError("ORDER BY a row of a derived table is not supported", "0A000")
    return target if isinstance(target, exp.Tuple) else None


def _record_column(col: exp.Column) -> bool:
    """Whether `col` is a derived table's column that holds a row (its text, by now)."""
    return not isinstance(col.this, exp.Star) and exprtypes.column_decl(col) is None and \
        exprtypes.kind(col) == "record"


def _refuse_record_column(col: exp.Column) -> None:
    """A derived table's row column may only be shown: compared, sorted, grouped or given
    to a function, its text would stand in for the row (0A000)."""
    item = col.parent if isinstance(col.parent, exp.Alias) else col
    if isinstance(item.parent, exp.Select) and item.arg_key == "expressions":
        return
    if isinstance(col.parent, exp.Ordered):
        return  # (_order_by_fields refused it, or it names an output column, not this)
    if _record_column(col):
        raise SqlError("a row from a derived table or WITH query can only be shown; name its fields in the query "
                       "that makes it", "0A000")


def _has_rows(tree: exp.Expression) -> bool:
    """Whether any row form may be in `tree` (a cheap test first: most statements have none)."""
    if any(map(_row_form, tree.find_all(exp.Anonymous, exp.Tuple, exp.Dot))):
        return True
    sources = {s.alias_or_name for s in tree.find_all(exp.Table, exp.Subquery, exp.Values)}
    return any(not c.table and c.name in sources for c in tree.find_all(exp.Column))


def _row_form(n: exp.Expression) -> bool:
    """ROW(...), a tuple (not a VALUES row itself), or a dot that may select a field."""
    if isinstance(n, exp.Anonymous):
        return n.name.lower() == "row"
    return isinstance(n, exp.Dot) or not isinstance(n.parent, exp.Values)


def _expanded(args: list[exp.Expression]) -> list[exp.Expression]:
    """ROW(...)'s fields, `t.*` spelled out as t's columns."""
    out = []
    for a in args:
        if isinstance(a, exp.Column) and isinstance(a.this, exp.Star) and a.table:
            names = _source_columns(a, a.table)
            if names is None:
                raise SqlError(f'missing FROM-clause entry for table "{a.table}"', "42P01")
            out += [exp.column(n, table=a.table, quoted=True) for n in names]
        else:
            out.append(a.copy())
    return out


def _whole_row(col: exp.Column) -> list[exp.Expression] | None:
    """When `col` names a FROM source of its SELECT (or an enclosing one) and no column of
    any (`SELECT t FROM t`), that source's columns; None otherwise."""
    if col.table or isinstance(col.this, exp.Star) or exprtypes.column_decl(col) is not None:
        return None
    names = _source_columns(col, col.name)
    if names is None:
        return None
    sel = col.find_ancestor(exp.Select)
    while sel is not None:  # a column of that name in any source in scope is the column
        for src in exprtypes.from_sources(sel):
            if col.name in (_source_columns(src, src.alias_or_name) or ()):
                return None
        sel = sel.parent.find_ancestor(exp.Select) if sel.parent is not None else None
    return [exp.column(n, table=col.name, quoted=True) for n in names]


def _source_columns(at: exp.Expression, alias: str, tables_only: bool = False) -> list[str] | None:
    """The column names of the FROM source named `alias` in the SELECT around `at` (or an
    enclosing one), in order; None when there is no such source (or, `tables_only`, when
    it is no table)."""
    sel = at.find_ancestor(exp.Select)
    while sel is not None:
        for src in exprtypes.from_sources(sel):
            if src.alias_or_name != alias:
                continue
            alias_node = src.args.get("alias")
            listed = [c.name for c in alias_node.columns] if isinstance(alias_node, exp.TableAlias) else []
            if isinstance(src, exp.Table) and isinstance(src.this, exp.Identifier) and schema.current() is not None:
                cols = schema.current().columns(src.name)
                if cols:
                    return listed + [n for n, _d in cols][len(listed):]
            if tables_only:
                return src.meta.get(TABLE_COLUMNS)
            if isinstance(src, exp.Values):
                return listed or None
            body = exprtypes.source_select(src)
            if body is None or any(map(star_expansion.is_star, body.expressions)):
                return None
            names = [e.alias_or_name for e in body.expressions]
            return listed + names[len(listed):]
        sel = sel.parent.find_ancestor(exp.Select) if sel.parent is not None else None
    return None


def _json_argument(col: exp.Column) -> bool:
    """Whether a whole-row reference is the argument of row_to_json, to_json(b) or
    json(b)_agg, which make it an object keyed by its columns (queries._row_json)."""
    p = col.parent
    if isinstance(p, exp.Order):
        p = p.parent
    return isinstance(p, exp.JSONArrayAgg) or isinstance(p, exp.Anonymous) and p.name.lower() in _JSON_ROW_CALLS


def _selected_field(dot: exp.Dot) -> exp.Expression | None:
    """`(ROW(a, b)).f2` is b, `(t).col` is t.col (None for any other dot); `(row).*` as a
    select list item is replaced by the row's fields, in place (None)."""
    inner = dot.this
    if not isinstance(inner, exp.Paren) or not isinstance(dot.expression, (exp.Identifier, exp.Star)):
        return None
    row = inner.this
    if not isinstance(row, exp.Tuple):
        return None
    if isinstance(dot.expression, exp.Star):
        sel = dot.parent
        if not isinstance(sel, exp.Select) or dot.arg_key != "expressions":
            raise SqlError("(row).* is supported only as a select list item", "0A000")
        at = sel.expressions.index(dot)  # (row).* in a select list: each field a result column
        fields = [exp.alias_(f.copy(), exp.to_identifier(field_name(row, i, f)))
                  for i, f in enumerate(row.expressions)]
        sel.set("expressions", sel.expressions[:at] + fields + sel.expressions[at + 1:])
        return None
    name = dot.expression.name
    for i, f in enumerate(row.expressions):
        if field_name(row, i, f) == name:
            return f.copy()
    raise SqlError(f'could not identify column "{name}" in record data type', "42703")


def field_name(row: exp.Tuple, i: int, field: exp.Expression) -> str:
    """A whole row's fields are its columns; ROW(...)'s are f1, f2 ..."""
    return field.name if row.meta.get(ROW_OF) is not None and isinstance(field, exp.Column) else f"f{i + 1}"


_ROW_ARGUMENT_CALLS = frozenset(_JSON_ROW_CALLS + ("json_build_object", "jsonb_build_object", "json_build_array",
                                                   "jsonb_build_array", "pg_record", "pg_record_value"))


def _refuse_row_argument(row: exp.Tuple) -> None:
    """A row as a function's argument (other than the JSON functions') or an array's
    element: PostgreSQL's 42883 (no such function of a record), or refused."""
    p = row.parent
    if isinstance(p, exp.Anonymous) and p.name.lower() not in _ROW_ARGUMENT_CALLS:
        raise SqlError(f"function {p.name.lower()}(record) does not exist", "42883")
    if isinstance(p, exp.Array):
        raise SqlError("arrays of rows are not supported", "0A000")


def _check_record_types(a: exp.Tuple, b: exp.Tuple) -> None:
    """A whole row compared with another row is compared as a record, field types alike
    (PostgreSQL: 42804 when they differ; two ROW(...) constructors compare field by field
    with the usual coercions instead)."""
    if not (a.meta.get(ROW_OF) or b.meta.get(ROW_OF)):
        return
    for i, (x, y) in enumerate(zip(a.expressions, b.expressions)):
        (ox, lx), (oy, ly) = (_record_field_type(e) for e in (x, y))
        if ox and oy and ox != oy:
            raise SqlError(f"cannot compare dissimilar column types {lx} and {ly} at record column {i + 1}", "42804")


def _record_field_type(e: exp.Expression) -> tuple[int | None, str]:
    """A record field's type (a quoted literal is unknown, as PostgreSQL's record compare
    sees it) and its name in messages; (None, '') when the form does not say."""
    if isinstance(e, exp.Literal) and e.is_string:
        return pgtypes.UNKNOWN, "unknown"
    o = exprtypes.oid(e) or (pgtypes.INT4 if exprtypes.kind(e) == "int" else None)
    return o, exprtypes.type_label(e) if o else ""


def _compared(node: exp.Expression, left: list[exp.Expression], right: list[exp.Expression]) -> exp.Expression:
    """Two rows compared by `node`'s operator, as comparisons of their fields."""
    if len(left) != len(right):
        raise SqlError("unequal number of entries in row expressions", "42601")
    if not left:
        raise SqlError("cannot compare rows of zero length", "0A000")
    pairs = [(a.copy(), b.copy()) for a, b in zip(left, right)]
    cls = type(node)
    if cls is exp.EQ:
        return _all([exp.EQ(this=a, expression=b) for a, b in pairs])
    if cls is exp.NEQ:
        return _any([exp.NEQ(this=a, expression=b) for a, b in pairs])
    if cls is exp.NullSafeEQ:
        return _all([exp.NullSafeEQ(this=a, expression=b) for a, b in pairs])
    if cls is exp.NullSafeNEQ:
        return _any([exp.NullSafeNEQ(this=a, expression=b) for a, b in pairs])
    # a < b: the first pair that is unequal (or NULL) decides; the last pair by the operator itself
    out: exp.Expression = cls(this=pairs[-1][0], expression=pairs[-1][1])
    strict = {exp.LT: exp.LT, exp.LTE: exp.LT, exp.GT: exp.GT, exp.GTE: exp.GT}[cls]
    for a, b in reversed(pairs[:-1]):
        out = exp.Or(this=strict(this=a, expression=b),
                     expression=exp.Paren(this=exp.And(this=exp.EQ(this=a.copy(), expression=b.copy()),
                                                       expression=exp.Paren(this=out))))
    return out


def _all(parts: list[exp.Expression]) -> exp.Expression:
    out = parts[0]
    for p in parts[1:]:
        out = exp.And(this=out, expression=p)
    return out


def _any(parts: list[exp.Expression]) -> exp.Expression:
    out = parts[0]
    for p in parts[1:]:
        out = exp.Or(this=out, expression=p)
    return out


def shown(node: exp.Tuple) -> bool:
    """Whether a row stands where its text is the value: a result column, a cast to text,
    a field of such a row."""
    p = node.parent
    if isinstance(p, exp.Alias):
        p = p.parent
    if isinstance(p, exp.Select) and (node.parent.arg_key if isinstance(node.parent, exp.Alias)
                                      else node.arg_key) == "expressions":
        return True
    if isinstance(p, exp.Cast) and p.to.this in (exp.DataType.Type.TEXT, exp.DataType.Type.VARCHAR):
        return True
    if isinstance(p, exp.Tuple) and isinstance(p.parent, exp.Values) or isinstance(p, exp.EQ) and \
            isinstance(p.parent, (exp.Update, exp.OnConflict)) and node.arg_key == "expression" and \
            not isinstance(p.this, exp.Tuple):
        return True  # a value of a VALUES row, or UPDATE ... SET c = ROW(...) (not SET (a, b) = (1, 2)): its text
    return isinstance(p, exp.Anonymous) and p.name.lower() in ("pg_record", "pg_record_value")


def record_call(node: exp.Tuple, value, typed: bool = False) -> exp.Expression:
    """pg_record(oids, field...): the row's text; `value(field)` is the field's value as
    its text must be made from (queries._json_value: a numeric's digits, an interval's
    text). A field that is itself a row is its record text. `typed` (a column of the
    statement's result): the fields' OIDs go before the text (types.record_parts), for
    the binary format; they never reach a table or an operator."""
    oids = []
    for f in node.expressions:  # "" where the type is not known (a nested row, an array): text only
        k = "" if isinstance(f, exp.Tuple) else exprtypes.kind(f)
        if k in ("", "array"):
            oids.append("")
        else:
            oids.append(str(exprtypes.oid(f) or {"int": pgtypes.INT4, "unknown": pgtypes.TEXT}.get(k, "")))
    args = [f if isinstance(f, exp.Tuple) else value(f) for f in node.expressions]
    return exp.Anonymous(this="pg_record_value" if typed else "pg_record",
                         expressions=[exp.Literal.string(",".join(oids)), *args])


def record_value(oids: str, *fields) -> str:
    """record_text after the fields' OIDs: '23,25(1,a)' (types.record_parts reads it)."""
    return (oids if fields else "") + record_text(oids, *fields)


def record_text(oids: str, *fields) -> str:
    """PostgreSQL's record_out: the fields' texts in parentheses, a NULL as nothing, a text
    quoted when empty or holding a quote, backslash, parenthesis, comma or space."""
    from compute_node.pg_sql.types import encode_text

    kinds = oids.split(",") if oids else []
    parts = []
    for i, v in enumerate(fields):
        if v is None:
            parts.append("")
            continue
        o = kinds[i] if i < len(kinds) else ""
        raw = encode_text(v, int(o)) if o else (str(v).encode() if not isinstance(v, bytes) else v)
        text = raw.decode("utf-8", "replace")
        if text == "" or any(c in text for c in '"\\(),') or any(c.isspace() for c in text):
            text = '"' + text.replace("\\", "\\\\").replace('"', '""') + '"'
        parts.append(text)
    return "(" + ",".join(parts) + ")"
