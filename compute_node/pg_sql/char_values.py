"""char(n) values with their blanks, where PostgreSQL keeps them.

PostgreSQL's char(n) value is blank-padded to n; a cast to text or varchar drops the
blanks (so `c || 'x'`, `c::text`, array_append(text[], c) do) and comparisons and
length() ignore them. Sixfold stores a char(n) without its blanks and pads a column
shown as it is by its declared type (the wire layer). Everywhere else the value flows
with its blanks in PostgreSQL it must be read padded: through min / max, CASE,
COALESCE, GREATEST, LEAST, NULLIF, scalar subqueries and window value functions into the
result, into a bytea, octet_length, LIKE, concat(), format(), JSON made of values, an
array of char, a set operation typed char.

Where char meets other string types, PostgreSQL's select_common_type keeps the first
typed one (text, varchar and char each cast to the others implicitly), CASE's ELSE
first: `CASE ... ELSE NULL::text END` is text, `ARRAY[c, t]` character[].

`mark(tree)` reads the PostgreSQL tree (before the translator turns parents into
Sixfold's calls) and marks the columns to pad; the translator calls `padded(node)` as it
visits each node. `char_elements` says an array expression is character[].
"""

from __future__ import annotations

from sqlglot import exp

from compute_node.pg_sql import exprtypes, set_operations
from compute_node.pg_sql import types as pgtypes

BPCHAR_ARRAY = 1014  # character[]: an array whose elements are char(n) values (blank-padded)


def _char_value(x: exp.Expression | None) -> bool:
    """A value of type char: a char(n) column, or a NULLIF, min / max, CASE, COALESCE,
    GREATEST or LEAST whose type is one's (or a LATERAL subquery's column read back,
    marked by mark_char)."""
    return x is not None and char_length_of(x) is not None


def _text_operand(x: exp.Expression | None) -> bool:
    """A value of type text (not varchar, char or an untyped literal): NULLIF(c, t) of a
    char c compares with text's =, which casts c to text, and is that text (no blanks);
    NULLIF(c, v) of a varchar v compares as char and stays char."""
    u = x.unnest() if x is not None else None
    if u is None or isinstance(u, exp.Null) or isinstance(u, exp.Literal) and u.is_string:
        return False
    return exprtypes.kind(u) == "text" and not exprtypes.varchar_value(u) and not _char_value(u)


_CHAR_N = "sixfold_char_n"  # n: a value that is a char(n) column's read back another way (a LATERAL's)


def char_length_of(x: exp.Expression, depth: int = 0) -> int | None:
    """n when `x` is a char value (_char_value) whose first char(n) column has length n:
    what a rewrite that reads the value back another way (a LATERAL subquery's column)
    marks on its reading with `mark_char`, so that its blanks show where the column's
    would."""
    if _CHAR_N in x.meta:  # (before unnest(): a Subquery's is its query)
        return x.meta[_CHAR_N]
    x = x.unalias().unnest()
    if depth > 32:
        return None
    if isinstance(x, exp.Nullif) and _text_operand(x.expression):
        return None
    if isinstance(x, (exp.Nullif, exp.Max, exp.Min)):
        return char_length_of(x.this, depth + 1)
    if isinstance(x, exprtypes.BRANCHING):
        first = _first_typed(x)
        return char_length_of(first, depth + 1) if first is not None else None
    return pgtypes.char_length(exprtypes.column_decl(x)) if isinstance(x, exp.Column) else None


def mark_char(x: exp.Expression, n: int | None) -> exp.Expression:
    """`x` marked as a char(n) value (see char_length_of); `x` itself."""
    if n is not None:
        x.meta[_CHAR_N] = n
    return x


def _first_typed(e: exp.Expression) -> exp.Expression | None:
    """The value of CASE / COALESCE / GREATEST / LEAST / ARRAY[...] whose type PostgreSQL's
    select_common_type keeps among string types (each casts to the others implicitly, so
    the first typed one stays): CASE's ELSE comes first; an untyped literal, parameter or
    NULL is skipped."""
    values = exprtypes.branch_values(e) if isinstance(e, exprtypes.BRANCHING) else e.expressions
    return next((v for v in values if not _untyped(v.unnest())), None)


def _untyped(v: exp.Expression) -> bool:
    """NULL, a string literal or a parameter the client sent untyped: each takes the
    others' type."""
    return isinstance(v, exp.Null) or isinstance(v, exp.Literal) and v.is_string or \
        isinstance(v, exp.Parameter) and exprtypes.parameter_number(v) is not None and not exprtypes.parameter_oid(v)


def char_elements(e: exp.Expression) -> bool:
    """Whether array expression `e` holds char(n) values (ARRAY[c, ...], array_agg(c),
    array_prepend(c, ...), c || arr: the first argument's type is the common one)."""
    char = _char_value
    if isinstance(e, exprtypes.BRANCHING):  # coalesce(array_prepend(c, ta), ...): the first typed one's
        first = _first_typed(e)
        return first is not None and char_elements(first.unnest())
    if isinstance(e, exp.Array):
        return char(_first_typed(e))
    if exprtypes.is_slice(e):
        return char_elements(e.this.unnest())
    if isinstance(e, exp.ArrayAgg):
        element = e.this.this if isinstance(e.this, exp.Order) else e.this
        if isinstance(element, exp.Distinct) and len(element.expressions) == 1:
            element = element.expressions[0]  # array_agg(DISTINCT c)
        return char(element)
    if isinstance(e, exp.ArrayPrepend):
        return char(e.expression)
    if isinstance(e, (exp.DPipe, exp.ArrayAppend, exp.ArrayConcat, exp.ArrayRemove)) and \
            exprtypes.kind(e.this) == "array":
        return char_elements(e.this.unnest())  # (c || ta) || t: the first array's type
    return isinstance(e, exp.DPipe) and char(e.this) and exprtypes.kind(e.expression) == "array"


_PADDED = "sixfold_padded_char"  # n: a char(n) value read with its blanks (_mark)


def mark(tree: exp.Expression) -> None:
    """Marks (in their meta) the char(n) columns and NULLIFs _padding pads, before
    the rewrite (which turns their parents into Sixfold's calls) reads the tree; and
    drops the trailing blanks of each string value that becomes a char value where
    PostgreSQL drops them (_trimmed_branch)."""
    for node in list(tree.find_all(exp.Column, exp.Nullif)) + [x for x in tree.walk() if _CHAR_N in x.meta]:
        found = _padding(node)
        if found is not None:
            node.meta[_PADDED] = found
    for cmp in tree.find_all(*_COMPARISONS, exp.In):
        _mark_comparison(cmp)
    for node, branching in [(x, b) for b in tree.find_all(*exprtypes.BRANCHING) for x in exprtypes.branch_values(b)]:
        if not _trimmed_branch(node, branching):
            continue
        inner = node.unnest()
        if isinstance(inner, exp.Literal):
            inner.set("this", inner.this.rstrip(" "))
        else:
            exprtypes.wrap_in_place(node, lambda x: exp.Anonymous(this="rtrim", expressions=[
                x, exp.Literal.string(" ")]))
    for nullif in list(tree.find_all(exp.Nullif)):
        # NULLIF(v, c) of a varchar and a char is char (bpchar = bpchar is its operator):
        # compared without trailing blanks, and read as text without them
        if varchar_nullif_of_char(nullif):
            nullif.meta[_CHAR_NULLIF] = True  # (its first argument is wrapped below)
            shown = _padding(nullif, probe=True) is not None
            exprtypes.wrap_in_place(nullif.this, lambda x: exp.Collate(this=x, expression=exp.to_identifier(
                "RTRIM")) if shown else exp.Anonymous(this="rtrim", expressions=[x, exp.Literal.string(" ")]))


def varchar_nullif_of_char(e: exp.Expression) -> bool:
    """NULLIF(v, c) of a varchar v and a char c: of type character (bpchar = bpchar is the
    operator PostgreSQL picks for it; NULLIF(t, c) of a text is text)."""
    return isinstance(e, exp.Nullif) and (bool(e.meta.get(_CHAR_NULLIF)) or exprtypes.varchar_value(e.this) and
                                          _char_value(e.expression))


_CHAR_NULLIF = "sixfold_char_nullif"


_COMPARED_AS = "sixfold_compared_as"  # the collation an operand of a char comparison is read under
_COMPARISONS = (exp.EQ, exp.NEQ, exp.LT, exp.LTE, exp.GT, exp.GTE, exp.NullSafeEQ, exp.NullSafeNEQ)


def _mark_comparison(cmp: exp.Expression) -> None:
    """A comparison of a char value with a string: PostgreSQL compares char with char,
    varchar or an untyped literal as char (trailing blanks do not count: RTRIM), and
    char with text as text (the char's blanks dropped, the text's counting: BINARY).
    SQLite reads the collation of a comparison from its left column (a char(n) column is
    declared RTRIM) and none from a computed value, so the one that decides is marked
    on an operand, as an explicit COLLATE, which wins."""
    if isinstance(cmp, exp.In):
        query = cmp.args.get("query")
        query = query.this if isinstance(query, exp.Subquery) else query
        if isinstance(query, exp.Select) and len(query.expressions) == 1:
            sides = [cmp.this, query.expressions[0].unalias()]  # x IN (SELECT c ...): the column's type
        elif query is None and cmp.expressions:
            sides = [cmp.this, *cmp.expressions]
        else:
            return
    elif isinstance(cmp, exp.EQ) and isinstance(cmp.parent, (exp.Update, exp.OnConflict, exp.Merge)) and \
            cmp.arg_key == "expressions":
        return  # (SET a = x assigns)
    else:
        sides = [cmp.this, cmp.expression]
    chars = [_char_value(x) for x in sides]
    if not any(chars) or any(exprtypes.kind(x) not in ("text", "unknown") and not isinstance(x.unnest(), exp.Null)
                             for x in sides):
        return
    texts = [_text_operand(x) for x in sides]
    if any(texts):
        if not all(c or t for c, t in zip(chars, texts)):
            return  # (char, text and varchar together in one IN: left as it is)
        decided = cmp.this if isinstance(cmp, exp.In) else next(x for x, t in zip(sides, texts) if t)
        decided.meta[_COMPARED_AS] = "BINARY"
        return
    # (IN compares under its left operand's collation, whatever its list's)
    decided = cmp.this if isinstance(cmp, exp.In) else next(x for x, c in zip(sides, chars) if c)
    decided.meta[_COMPARED_AS] = "RTRIM"


def _trimmed_branch(value: exp.Expression, branching: exp.Expression) -> bool:
    """Whether string `value` (a literal, a text or varchar value) becomes char as a branch
    of `branching`, a CASE, COALESCE, GREATEST or LEAST whose type is char (`coalesce(' pad ', c)`,
    `least(c, v)`) and its value then goes where char's trailing blanks do not count or
    are dropped (compared, cast to text, stored into a text column: `lower(coalesce(' pad
    ', c))` is ' pad'); shown or measured, it keeps them."""
    inner = value.unnest()
    if isinstance(inner, exp.Null) or _char_value(inner):
        return False
    if isinstance(inner, exp.Literal) and not (inner.is_string and inner.this.endswith(" ")) or \
            not isinstance(inner, exp.Literal) and exprtypes.kind(inner) != "text":
        return False
    if not _char_value(_first_typed(branching)):
        return False
    return _padding(value, probe=True) is None


def padded(node: exp.Expression) -> exp.Expression | None:
    """pg_bpchar(node, n, 2) for a node mark marked (once), or `node COLLATE x` for an
    operand of a comparison mark gave a collation; else None."""
    mark_ = node.meta.pop(_PADDED, None)
    collation = node.meta.pop(_COMPARED_AS, None)
    if mark_ is None and collation is not None:
        return exprtypes.wrap_in_place(node, lambda x: exp.Collate(this=x, expression=exp.to_identifier(collation)))
    if mark_ is None:
        return None
    n, as_char = mark_

    def bpchar(x: exp.Expression) -> exp.Expression:
        call = exp.Anonymous(this="pg_bpchar", expressions=[x, exp.Literal.number(n), exp.Literal.number(2)])
        # a value that stays char compares without its blanks (greatest('', c) of '    ' is the '')
        return exp.Collate(this=call, expression=exp.to_identifier("RTRIM")) if as_char else call

    if not isinstance(node, exp.Column):  # (in the tree: its parent's other parts resolve through it)
        return exprtypes.wrap_in_place(node, bpchar)
    out = bpchar(node.copy())
    if isinstance(node.parent, exp.Select) and node.arg_key == "expressions":  # a select item keeps its name
        return exp.Alias(this=out, alias=exp.to_identifier(node.name))
    return out


def _padding(node: exp.Expression, probe: bool = False) -> tuple[int, bool] | None:
    """A char(n) column's value where PostgreSQL shows or measures it with its blanks and
    Sixfold (which stores it without them, and pads a column shown as it is by its
    declared type) would not: through min / max, CASE, COALESCE, GREATEST, LEAST, NULLIF
    or a scalar subquery into the result (max(c) shows 'x   '), into a bytea, and
    octet_length. The column (or a NULLIF of it, whose own comparison reads it bare) is
    wrapped in pg_bpchar(.., n, 1): its n, and whether the value stays char (compared
    without its blanks) rather than read as text by its consumer; None elsewhere."""
    from compute_node.pg_sql import queries as q  # (queries imports this module)

    if probe:
        n = 0  # (a value's blanks are its own: only whether they go is asked)
    else:
        if isinstance(node, exp.Nullif) and _text_operand(node.expression):
            return None  # (text: NULLIF(c, t) compares and gives c as text)
        read = node.this if isinstance(node, exp.Nullif) else node  # (a column, or a reading mark_char marked)
        if _CHAR_N not in read.meta and not isinstance(read.unnest(), exp.Column) and \
                _CHAR_N not in read.unnest().meta:
            return None
        n = char_length_of(read)
        if n is None:
            return None
    child, p = node, node.parent
    passed = _CHAR_N in node.meta  # (a reading the wire does not pad as it pads a char(n) column)
    compared = False  # (by GREATEST / LEAST: without the blanks, whatever reads the value next)
    while True:
        while isinstance(p, exp.Paren):
            child, p = p, p.parent
        if isinstance(p, exp.Nullif) and child is p.this and not isinstance(node, exp.Nullif) and \
                child.unnest() is node:
            return None  # (the NULLIF is padded, when it is visited)
        if isinstance(p, (*exprtypes.BRANCHING, exp.If)) and not _char_value(_first_typed(p.parent if isinstance(
                p, exp.If) else p)):
            return None  # CASE ... ELSE NULL::text END is text: the blanks are dropped
        compared = compared or isinstance(p, (exp.Greatest, exp.Least))
        if isinstance(p, (exp.Max, exp.Min, exp.Greatest, exp.Least)) or q._passes_through(p, child) or \
                isinstance(p, (*exprtypes.VALUE_WINDOW_FUNCTIONS, exp.Window)) and child.arg_key == "this":
            passed = True
            child, p = (p.parent, p.parent.parent) if isinstance(p, exp.If) else (p, p.parent)
            continue
        if isinstance(p, exp.Order) and isinstance(p.parent, (exp.ArrayAgg, exp.JSONArrayAgg, exp.Anonymous)) and \
                child.arg_key == "this":
            child, p = p, p.parent  # array_agg(c ORDER BY ...), jsonb_agg(c ORDER BY ...)
            continue
        if isinstance(p, exp.Distinct) and len(p.expressions) == 1 and isinstance(
                p.parent, (exp.ArrayAgg, exp.JSONArrayAgg, exp.Order)):
            child, p = p, p.parent  # array_agg(DISTINCT c)
            continue
        if isinstance(p, exp.Select) and len(p.expressions) == 1 and isinstance(p.parent, exp.Subquery) and \
                (child is p.expressions[0] or isinstance(child, exp.Alias) and child is p.expressions[0]):
            passed = True  # (SELECT max(c) ...) as a value
            child, p = p.parent, p.parent.parent
            continue
        if isinstance(p, exp.Alias) and isinstance(p.parent, exp.Select) and len(p.parent.expressions) == 1 and \
                isinstance(p.parent.parent, exp.Subquery):
            child, p = p, p.parent
            continue
        break
    measured = isinstance(p, exp.Cast) and p.args["to"].this in (exp.DataType.Type.VARBINARY, exp.DataType.Type.BLOB) \
        or isinstance(p, exp.Anonymous) and p.name.lower() == "octet_length" \
        or isinstance(p, (exp.Like, exp.ILike)) and child.arg_key == "this" \
        or isinstance(p, (exp.Concat, exp.ConcatWs, exp.Format, exp.ArrayAgg, exp.JSONArrayAgg, exp.JSONObjectAgg)) \
        or isinstance(p, exp.Anonymous) and p.name.lower() in _JSON_OF_VALUES \
        or (isinstance(p, exp.Array) and _char_value(_first_typed(p))
            or isinstance(p, exp.ArrayPrepend) and child.arg_key == "expression"
            or isinstance(p, exp.DPipe) and child.arg_key == "this" and exprtypes.kind(p.expression) == "array") \
        and _char_array_kept(p)
    # (x::bytea and octet_length read its bytes, LIKE its characters, concat() and format()
    # its text, an array of char holds it as it is (array_prepend(c, text[]) too: the first
    # argument's type is the common one); `c || 'x'`, array_append(text[], c), c::text drop
    # the blanks)
    if isinstance(p, exp.Alias):
        child, p = p, p.parent
    shown = (passed or isinstance(node, exp.Nullif)) and (
        isinstance(p, exp.Select) and child.arg_key == "expressions" and q._is_result_select(p, child)
        or isinstance(p, exp.Returning))
    if measured:
        return n, compared
    return (n, True) if shown or _char_set_column(p, child) else None


def _stored(e: exp.Expression) -> bool:
    """Whether `e` is a value an INSERT (VALUES or SELECT) or UPDATE stores into a column."""
    p = e.parent
    if isinstance(p, exp.Alias):
        e, p = p, p.parent
    if isinstance(p, exp.Tuple) and isinstance(p.parent, exp.Values):
        return isinstance(p.parent.parent, exp.Insert)
    if isinstance(p, exp.Select) and e.arg_key == "expressions":
        return isinstance(p.parent, exp.Insert)
    return isinstance(p, exp.EQ) and e.arg_key == "expression" and isinstance(p.parent, exp.Update)


_ELEMENT_COMPARISONS = (exp.ArrayContainsAll, exp.ArrayContainedBy, exp.ArrayOverlaps, exp.ArrayRemove,
                        exp.ArrayPosition, exp.EQ, exp.NEQ, exp.Any, exp.All, exp.In, exp.Unnest)


def _char_array_kept(arr: exp.Expression) -> bool:
    """Whether an array of char (ARRAY[c], c || arr ...) stays one: joined after another
    array or value of text (`t || (c || ta)`: text[], its elements cast to text, the blanks
    dropped) it does not."""
    child, p = arr, arr.parent
    while isinstance(p, exp.Paren):
        child, p = p, p.parent
    if isinstance(p, _ELEMENT_COMPARISONS) or isinstance(p, exp.Anonymous) and p.name.lower() in (
            "array_position", "array_positions", "array_replace"):
        return False  # (elements compared here as char, without their blanks: left bare)
    if _stored(child):
        return False  # (into a text[] column: no column here is char[], the elements are cast to text)
    branching = p.parent if isinstance(p, exp.If) and isinstance(p.parent, exp.Case) else \
        p if isinstance(p, exprtypes.BRANCHING) else None
    if branching is not None:  # (CASE ... THEN ARRAY[c] ELSE ta END is text[]: the first typed branch's type)
        first = _first_typed(branching)
        return first is None or first.unnest() is child.unnest() or char_elements(first.unnest())
    if isinstance(p, exp.DPipe):
        first = p.this
    elif isinstance(p, exp.ArrayPrepend):
        first = p.expression
    elif isinstance(p, (exp.ArrayAppend, exp.ArrayConcat)):
        first = p.this
    else:
        return True
    if not (first is child or first.unnest() is child.unnest() or _char_value(first)):
        return False
    return _char_array_kept(p)  # (array_cat(c || ta, ta) is char[] as far as it flows: to a text[] CASE, not)


# JSON made of values (each value's text as it is: to_jsonb(c) is "ab  ")
_JSON_OF_VALUES = frozenset({"to_json", "to_jsonb", "json_build_array", "jsonb_build_array", "json_build_object",
                             "jsonb_build_object", "jsonb_agg", "json_object", "jsonb_object", "row_to_json"})


def mixed_char_columns(branches: list[list[exp.Expression]]) -> frozenset[int]:
    """The columns of a set operation (each branch's select list) whose type PostgreSQL
    resolves to char (its first typed branch's) while the branches' values are not all
    char(n) of one n: equal values may then show differently ('ab  ' of a char(4), 'ab'
    of a text or a literal), so which row a UNION keeps of equals shows."""
    out = set()
    for i, column in enumerate(zip(*branches)):
        values = [c.unalias() for c in column]
        first = next((v for v in values if not _untyped(v.unnest())), None)
        if first is None or not _char_value(first):
            continue
        lengths = {char_length_of(v) for v in values if not isinstance(v.unnest(), exp.Null)}
        if len(lengths) > 1:
            out.add(i)
    return frozenset(out)


def _char_set_column(sel: exp.Expression | None, item: exp.Expression) -> bool:
    """Whether `item` is a column of a set operation's branch whose type PostgreSQL
    resolves to char (the first typed branch's, as select_common_type keeps it) while
    another branch is not char(n): its values keep their blanks, the others' are as
    they are. (When every branch is a char(n) of one n the wire pads them.)"""
    from compute_node.pg_sql import queries as q  # (queries imports this module)

    if not isinstance(sel, exp.Select) or not isinstance(sel.parent, set_operations.SET_OPERATIONS) or \
            item.arg_key != "expressions":
        return False
    top = sel.parent
    while isinstance(top.parent, set_operations.SET_OPERATIONS):
        top = top.parent
    at = sel.expressions.index(item)
    column = []
    for branch in q._set_branches(top):
        if not isinstance(branch, exp.Select) or len(branch.expressions) <= at:
            return False
        column.append(branch.expressions[at].unalias())
    first = next((c for c in column if not _untyped(c.unnest())), None)
    return _char_value(first)  # (padded to its own n here; where every branch has one n, the wire's pad agrees)
