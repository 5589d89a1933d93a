"""SQL/JSON path language, as PostgreSQL 15 reads and runs it (jsonb_path_exists,
jsonb_path_match, jsonb_path_query*, the @? and @@ operators).

`parse(text)` gives a Path (lax or strict mode, and an expression tree of tuples);
`run(path, document, variables)` the items it yields: JSON values with numbers as
Decimal, as json_functions loads them. Errors are PathError with PostgreSQL's SQLSTATE;
the callers' `silent` swallows the ones PostgreSQL's does (all of these).

Supported: `$`, `@`, `$var`, literals, `.key`, `."key"`, `.*`, `[*]`, `[i, j to k]`,
`last`, `.**` (with `{n to m}` levels), filters `? (...)`, comparisons, `&&`, `||`, `!`,
`exists (...)`, `like_regex "..." flag "..."`, `starts with`, `is unknown`, + - * / %,
and the methods .type() .size() .double() .ceiling() .floor() .abs(). Not supported
(0A000): .datetime() and .keyvalue() (whose "id" is a byte offset in PostgreSQL's
stored jsonb).

Lax mode (the default) unwraps arrays one level for accessors, filters, methods and
comparisons, treats a non-array as a one-element array under [..], and yields nothing
where strict mode fails for a missing key or a wrong type. A comparison is true when any
pair of its operands' items compares true; one of incomparable types is unknown.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from compute_node.pg_sql import numeric, regex_engine

_DEPTH_MAX = 64  # nesting of a path expression (parentheses, filters), as a bound on recursion


class PathError(Exception):
    """A path that does not parse (42601), or a failure while running one. A `hard` one
    (an unknown variable) is never read as a predicate's unknown: it fails the statement
    as in PostgreSQL, whatever the mode."""

    def __init__(self, sqlstate: str, message: str, hard: bool = False):
        super().__init__(message)
        self.sqlstate = sqlstate
        self.hard = hard
        self.found: list = []  # (run) what the path yielded before it failed


@dataclass(frozen=True)
class Path:
    strict: bool
    expr: tuple


# --- reading -------------------------------------------------------------------------------
_TOKEN = re.compile(r"""
    \s*(?:
      (?P<num>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
    | (?P<str>"(?:[^"\\]|\\.)*")
    | (?P<var>\$(?:[A-Za-z_][A-Za-z0-9_]*|"(?:[^"\\]|\\.)*")?)
    | (?P<word>(?:[A-Za-z_]|[^\x00-\x7f])[^\s?%$.\[\]{}()|&!=<>@\#,*:+/\\"-]*)
    | (?P<op>\*\*|==|!=|<>|<=|>=|&&|\|\||[@.\[\](),*?<>!+\-/%{}])
    )""", re.VERBOSE)


def _tokens(text: str) -> list[tuple[str, str]]:
    out, at = [], 0
    while True:
        while at < len(text) and text[at].isspace():
            at += 1
        if at >= len(text):
            return out
        m = _TOKEN.match(text, at)
        if m is None or m.end() == at:
            raise PathError("42601", f'syntax error at or near "{text[at]}" of jsonpath input')
        kind = m.lastgroup
        if kind == "num" and re.match(r"0\d", m.group(kind)):
            raise PathError("42601", f'trailing junk after numeric literal at or near "{m.group(kind)[:2]}" of '
                            "jsonpath input")
        out.append((kind, m.group(kind)))
        at = m.end()


_ESCAPE = re.compile(r"x([0-9A-Fa-f]{2})|u([0-9A-Fa-f]{4})|u\{([0-9A-Fa-f]{1,6})\}")


def _unquote(quoted: str) -> str:
    body = quoted[1:-1]
    out, i = [], 0
    while i < len(body):
        c = body[i]
        if c == "\\" and i + 1 < len(body):
            n = body[i + 1]
            m = _ESCAPE.match(body, i + 1)
            if m is not None:  # \xNN, \uNNNN, \u{N...}
                out.append(chr(int(m.group(1) or m.group(2) or m.group(3), 16)))
                i = m.end()
                continue
            out.append({"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v"}.get(n, n))
            i += 2
            continue
        out.append(c)
        i += 1
    return "".join(out)


class _Parser:
    def __init__(self, text: str):
        self.toks = _tokens(text)
        self.i = 0
        self.depth = 0

    def peek(self, k: int = 0) -> tuple[str, str]:
        return self.toks[self.i + k] if self.i + k < len(self.toks) else ("end", "")

    def take(self) -> tuple[str, str]:
        tok = self.peek()
        self.i += 1
        return tok

    def want(self, value: str) -> None:
        tok = self.take()
        if tok[1].lower() != value:
            raise self.error(tok)

    def error(self, tok: tuple[str, str]) -> PathError:
        if tok[0] == "end":
            return PathError("42601", "syntax error at end of jsonpath input")
        return PathError("42601", f'syntax error at or near "{tok[1]}" of jsonpath input')

    def is_word(self, word: str, k: int = 0) -> bool:
        tok = self.peek(k)
        return tok[0] == "word" and tok[1].lower() == word

    def nested(self):
        self.depth += 1
        if self.depth > _DEPTH_MAX:
            raise PathError("54001", "jsonpath expression is nested too deeply")

    # expr := or
    def expr(self) -> tuple:
        self.nested()
        left = self.conj()
        while self.peek() == ("op", "||"):
            self.take()
            left = ("or", left, self.conj())
        self.depth -= 1
        return left

    def conj(self) -> tuple:
        left = self.neg()
        while self.peek() == ("op", "&&"):
            self.take()
            left = ("and", left, self.neg())
        return left

    def neg(self) -> tuple:
        if self.peek() == ("op", "!"):
            self.take()
            self.want("(")
            inner = self.expr()
            self.want(")")
            return ("not", inner)
        return self.predicate()

    def predicate(self) -> tuple:
        if self.is_word("exists") and self.peek(1) == ("op", "("):
            self.take()
            self.take()
            inner = self.expr()
            self.want(")")
            return ("exists", inner)
        left = self.additive()
        tok = self.peek()
        if tok[0] == "op" and tok[1] in ("==", "!=", "<>", "<", "<=", ">", ">="):
            self.take()
            return ("cmp", "!=" if tok[1] == "<>" else tok[1], left, self.additive())
        if self.is_word("like_regex"):
            self.take()
            pattern = self.take()
            if pattern[0] != "str":
                raise self.error(pattern)
            flags = ""
            if self.is_word("flag"):
                self.take()
                given = self.take()
                if given[0] != "str":
                    raise self.error(given)
                flags = _unquote(given[1])
            regex, written = _unquote(pattern[1]), "".join(f for f in "ismxq" if f in flags)
            try:
                regex_engine.search(regex, "", _regex_flags(flags))  # (an invalid pattern is 2201B when read)
            except regex_engine.RegexError as e:
                raise PathError(e.sqlstate, str(e)) from None
            return ("like_regex", left, regex, written)
        if self.is_word("starts") and self.is_word("with", 1):
            self.take()
            self.take()
            return ("starts_with", left, self.primary())
        if self.is_word("is") and self.is_word("unknown", 1):
            self.take()
            self.take()
            return ("is_unknown", left)
        return left

    def additive(self) -> tuple:
        left = self.multiplicative()
        while self.peek() in (("op", "+"), ("op", "-")):
            op = self.take()[1]
            left = ("arith", op, left, self.multiplicative())
        return left

    def multiplicative(self) -> tuple:
        left = self.unary()
        while self.peek() in (("op", "*"), ("op", "/"), ("op", "%")):
            op = self.take()[1]
            left = ("arith", op, left, self.unary())
        return left

    def unary(self) -> tuple:
        if self.peek() in (("op", "+"), ("op", "-")):
            op = self.take()[1]
            operand = self.unary()
            if operand[0] == "lit" and isinstance(operand[1], Decimal):  # -1 is a number (PostgreSQL folds it)
                return ("lit", -operand[1] if op == "-" else operand[1])
            return ("unary", op, operand)
        return self.accessors(self.primary())

    def primary(self) -> tuple:
        kind, value = self.take()
        if kind == "var":
            return ("root",) if value == "$" else ("var", _unquote(value[1:]) if value[1:2] == '"' else value[1:])
        if kind == "op" and value == "@":
            return ("current",)
        if kind == "num":
            return ("lit", Decimal(value))
        if kind == "str":
            return ("lit", _unquote(value))
        if kind == "word" and value.lower() in ("true", "false", "null"):
            return ("lit", {"true": True, "false": False, "null": None}[value.lower()])
        if kind == "word" and value.lower() == "last":
            return ("last",)
        if kind == "op" and value == "(":
            inner = self.expr()
            self.want(")")
            return inner
        raise self.error((kind, value))

    def accessors(self, base: tuple) -> tuple:
        while True:
            tok = self.peek()
            if tok == ("op", "."):
                self.take()
                base = self.member(base)
            elif tok == ("op", "["):
                self.take()
                base = self.subscripts(base)
            elif tok == ("op", "?"):
                self.take()
                self.want("(")
                condition = self.expr()
                self.want(")")
                base = ("filter", base, condition)
            else:
                return base

    def member(self, base: tuple) -> tuple:
        kind, value = self.take()
        if (kind, value) == ("op", "*"):
            return ("any_key", base)
        if (kind, value) == ("op", "**"):
            low, high = 0, None
            if self.peek() == ("op", "{"):
                self.take()
                low = high = self.level()
                if self.is_word("to"):
                    self.take()
                    high = self.level()
                self.want("}")
            return ("any", base, low, high)
        if kind == "word" and self.peek() == ("op", "("):
            self.take()
            self.want(")")
            method = value.lower()
            if method in ("datetime", "keyvalue"):
                raise PathError("0A000", f"jsonpath item method .{method}() is not supported")
            if method not in ("type", "size", "double", "ceiling", "floor", "abs"):
                raise self.error((kind, value))
            return ("method", method, base)
        if kind == "word":
            return ("key", base, value)
        if kind == "str":
            return ("key", base, _unquote(value))
        if kind == "var" and value.startswith("$"):
            raise self.error((kind, value))
        raise self.error((kind, value))

    def level(self) -> int | None:
        if self.is_word("last"):
            self.take()
            return None
        kind, value = self.take()
        if kind != "num" or not value.isdigit():
            raise self.error((kind, value))
        return int(value)

    def subscripts(self, base: tuple) -> tuple:
        if self.peek() == ("op", "*"):
            self.take()
            self.want("]")
            return ("any_element", base)
        items = []
        while True:
            low = self.expr()
            high = None
            if self.is_word("to"):
                self.take()
                high = self.expr()
            items.append((low, high))
            tok = self.take()
            if tok == ("op", "]"):
                return ("elements", base, tuple(items))
            if tok != ("op", ","):
                raise self.error(tok)


def _regex_flags(flags: str) -> str:
    """like_regex's XQuery flags as PostgreSQL's regex flags (jspConvertRegexFlags)."""
    for ch in flags:
        if ch not in "ismxq":
            raise PathError("42601", f'invalid input syntax for type jsonpath: unrecognized flag character "{ch}" in '
                            "LIKE_REGEX predicate")
    if "x" in flags and "q" not in flags:
        raise PathError("0A000", 'XQuery "x" flag (expanded regular expressions) is not implemented')
    out = "i" if "i" in flags else ""
    if "q" in flags:
        return out + "q"
    return out + {(False, False): "p", (True, False): "s", (False, True): "n", (True, True): "w"}[
        ("s" in flags, "m" in flags)]


def parse(text: str) -> Path:
    """`text` as a jsonpath; 42601 where PostgreSQL's jsonpath input says so."""
    if not text.strip():
        raise PathError("22P02", f'invalid input syntax for type jsonpath: "{text}"')
    p = _Parser(text)
    strict = False
    if p.is_word("strict") or p.is_word("lax"):
        strict = p.take()[1].lower() == "strict"
    tree = p.expr()
    if p.peek()[0] != "end":
        raise p.error(p.peek())
    _check_context(tree, in_filter=False, in_subscript=False)
    return Path(strict, tree)


def _check_context(node: tuple, in_filter: bool, in_subscript: bool) -> None:
    """@ only inside a filter, `last` only inside a subscript (PostgreSQL's parser rules)."""
    if node[0] == "current" and not in_filter:
        raise PathError("42601", "@ is not allowed in root expressions")
    if node[0] == "last" and not in_subscript:
        raise PathError("42601", "LAST is allowed only in array subscripts")
    for i, child in enumerate(node[1:], start=1):
        if node[0] == "filter" and i == 2:
            _check_context(child, True, in_subscript)
        elif node[0] == "elements" and i == 2:
            for low, high in child:
                for part in (low, high):
                    if part is not None:
                        _check_context(part, in_filter, True)
        elif isinstance(child, tuple) and child and isinstance(child[0], str):
            _check_context(child, in_filter, in_subscript)


# --- running -------------------------------------------------------------------------------
_UNKNOWN = object()  # a predicate's third value


@dataclass
class _Context:
    strict: bool
    root: object
    variables: dict
    last: int | None = None
    exists: bool = False  # only whether the path yields anything is asked


_PER_ITEM = frozenset({"key", "any_key", "any_element", "elements", "any", "filter", "method", "unary"})


def run(path: Path, document, variables: dict | None = None, exists: bool = False) -> list:
    """The items `path` yields over `document` (`variables` for $name). A failure is a
    PathError whose `found` holds the items the path yielded before it (PostgreSQL's
    silent mode returns those). `exists`: only whether it yields anything is asked (a
    unary - at the top then skips what is no number, as PostgreSQL does)."""
    if variables is not None and not isinstance(variables, dict):
        raise PathError("22023", '"vars" argument is not an object')
    ctx = _Context(path.strict, document, variables or {}, exists=exists and not path.strict)
    return _items(path.expr, ctx, document, top=True)


def _items(node: tuple, ctx: _Context, current, top: bool = False) -> list:
    kind = node[0]
    if kind in _PER_ITEM:
        out: list = []
        for item in _base_items(node, ctx, current):
            try:
                out += _step(node, ctx, item, top)
            except PathError as e:
                if top:
                    e.found = out
                raise
        return out
    if kind == "root":
        return [ctx.root]
    if kind == "current":
        return [current]
    if kind == "lit":
        return [node[1]]
    if kind == "var":
        if node[1] not in ctx.variables:
            raise PathError("42704", f'could not find jsonpath variable "{node[1]}"', hard=True)
        return [ctx.variables[node[1]]]
    if kind == "last":
        if ctx.last is None:
            raise PathError("42601", "evaluating jsonpath LAST outside of array subscript")
        return [Decimal(ctx.last)]
    if kind in ("or", "and", "not", "exists", "cmp", "like_regex", "starts_with", "is_unknown"):
        result = _truth(node, ctx, current)
        return [None if result is _UNKNOWN else result]
    if kind == "arith":
        return [_arith(node, ctx, current)]
    raise AssertionError(f"unknown jsonpath node {kind}")


def _base_items(node: tuple, ctx: _Context, current) -> list:
    """What a per-item node goes over: its base's items, arrays unwrapped in lax mode
    where PostgreSQL unwraps them (not for [..], .**, .type(), .size())."""
    kind = node[0]
    base = _items(node[2] if kind in ("method", "unary") else node[1], ctx, current)
    if kind in ("any_element", "elements", "any") or kind == "method" and node[1] in ("type", "size"):
        return base
    return _unwrapped(base, ctx)


def _step(node: tuple, ctx: _Context, item, top: bool) -> list:
    """What a per-item node yields for one item of its base."""
    kind = node[0]
    if kind == "key":
        return _member(item, node[2], ctx)
    if kind == "any_key":
        if isinstance(item, dict):
            return list(item.values())
        if ctx.strict:
            raise PathError("2203C", "jsonpath wildcard member accessor can only be applied to an object")
        return []
    if kind == "any_element":
        if isinstance(item, list):
            return list(item)
        if ctx.strict:
            raise PathError("22039", "jsonpath wildcard array accessor can only be applied to an array")
        return [item]
    if kind == "elements":
        return _elements(item, node[2], ctx)
    if kind == "any":
        out: list = []
        _any(item, node[2], node[3], out)
        return out
    if kind == "filter":
        return [item] if _truth(node[2], ctx, item) is True else []
    if kind == "method":
        return _method(node[1], item, ctx)
    if not _is_number(item):  # unary + or -
        if top and ctx.exists:
            return []
        raise PathError("2203B", f"operand of unary jsonpath operator {node[1]} is not a numeric value")
    return [-Decimal(item) if node[1] == "-" else Decimal(item)]


def _unwrapped(items: list, ctx: _Context) -> list:
    """Lax mode reads an array as its elements (one level)."""
    if ctx.strict:
        return items
    out = []
    for item in items:
        if isinstance(item, list):
            out += item
        else:
            out.append(item)
    return out


def _member(item, key: str, ctx: _Context) -> list:
    if isinstance(item, dict):
        if key in item:
            return [item[key]]
        if ctx.strict:
            raise PathError("2203A", f'JSON object does not contain key "{key}"')
        return []
    if ctx.strict:
        raise PathError("2203A", "jsonpath member accessor can only be applied to an object")
    return []


def _elements(item, subscripts: tuple, ctx: _Context) -> list:
    if not isinstance(item, list):
        if ctx.strict:
            raise PathError("22039", "jsonpath array accessor can only be applied to an array")
        item = [item]
    out = []
    outer_last, ctx.last = ctx.last, len(item) - 1
    try:
        for low, high in subscripts:
            first = _subscript(low, ctx, item)
            final = _subscript(high, ctx, item) if high is not None else first
            if ctx.strict and (first < 0 or final >= len(item) or first > final):
                raise PathError("22033", "jsonpath array subscript is out of bounds")
            out += item[max(first, 0):max(final + 1, 0)]
    finally:
        ctx.last = outer_last
    return out


def _subscript(node: tuple, ctx: _Context, array: list) -> int:
    found = _items(node, ctx, array)
    if len(found) != 1 or not _is_number(found[0]):  # (an int from the document, or a Decimal)
        raise PathError("22033", "jsonpath array subscript is not a single numeric value")
    value = int(found[0])  # (truncated toward zero)
    if not -2**31 <= value < 2**31:
        raise PathError("22033", "jsonpath array subscript is out of integer range")
    return value


_LAST = 2**32  # .**{last}: PostgreSQL's "last" level, unbounded


def _any(item, first: int | None, last: int | None, out: list) -> None:
    """.**{first to last} of one item: the item itself at level 0, then what lies below it
    by level, in document order (None: last, unbounded; .**{last} alone is the leaves)."""
    lo, hi = (_LAST if first is None else first), (_LAST if last is None else last)
    if lo == 0:
        out.append(item)
    _below(item, 1, lo, hi, out)


def _below(container, level: int, lo: int, hi: int, out: list) -> None:
    if level > hi or level > _DEPTH_MAX * 100:
        return
    children = container.values() if isinstance(container, dict) else container if isinstance(container, list) \
        else ()
    for child in children:
        nested = isinstance(child, (dict, list))
        if level >= lo or lo == hi == _LAST and not nested:
            out.append(child)
        if level < hi and nested:
            _below(child, level + 1, lo, hi, out)


def _method(name: str, item, ctx: _Context) -> list:
    if name == "type":
        return [_type_name(item)]
    if name == "size":
        if isinstance(item, list):
            return [Decimal(len(item))]
        if ctx.strict:
            raise PathError("22039", "jsonpath item method .size() can only be applied to an array")
        return [Decimal(1)]
    if name == "double":
        return [_double(item)]
    if not _is_number(item):
        raise PathError("22036", f"jsonpath item method .{name}() can only be applied to a numeric value")
    item = Decimal(item)
    if name == "abs":
        return [abs(item)]
    whole = item.to_integral_value(rounding="ROUND_CEILING" if name == "ceiling" else "ROUND_FLOOR")
    return [whole.quantize(Decimal(1)) if whole == whole else whole]


def _double(item):
    if _is_number(item):
        value = float(item)
    elif isinstance(item, str):
        try:
            value = float(item.strip())
        except ValueError:
            raise PathError("22036", "string argument of jsonpath item method .double() is not a valid "
                            "representation of a double precision number") from None
    else:
        raise PathError("22036", "jsonpath item method .double() can only be applied to a string or numeric value")
    if math.isinf(value) or math.isnan(value):
        raise PathError("22036", "numeric argument of jsonpath item method .double() is out of range for type "
                        "double precision")
    return Decimal(repr(value)).normalize() if value != int(value) else Decimal(int(value))


def _type_name(item) -> str:
    if isinstance(item, dict):
        return "object"
    if isinstance(item, list):
        return "array"
    if isinstance(item, str):
        return "string"
    if isinstance(item, bool):
        return "boolean"
    if item is None:
        return "null"
    return "number"


def _is_number(v) -> bool:
    return isinstance(v, (Decimal, int)) and not isinstance(v, bool)


def _arith(node: tuple, ctx: _Context, current):
    _, op, left, right = node
    a = _unwrapped(_items(left, ctx, current), ctx)
    b = _unwrapped(_items(right, ctx, current), ctx)
    if len(a) != 1 or not _is_number(a[0]):
        raise PathError("22038", f"left operand of jsonpath operator {op} is not a single numeric value")
    if len(b) != 1 or not _is_number(b[0]):
        raise PathError("22038", f"right operand of jsonpath operator {op} is not a single numeric value")
    if op in "/%" and b[0] == 0:
        raise PathError("22012", "division by zero")
    try:
        return numeric.operate(op, Decimal(a[0]), Decimal(b[0]))
    except (InvalidOperation, ArithmeticError):
        raise PathError("22003", "value out of range for type numeric") from None


def _truth(node: tuple, ctx: _Context, current):
    """A predicate's value: True, False or _UNKNOWN."""
    kind = node[0]
    if kind in ("and", "or"):
        a = _truth(node[1], ctx, current)
        if kind == "and" and a is False or kind == "or" and a is True:
            return a
        b = _truth(node[2], ctx, current)
        if kind == "and":
            return False if b is False else _UNKNOWN if _UNKNOWN in (a, b) else True
        return True if b is True else _UNKNOWN if _UNKNOWN in (a, b) else False
    if kind == "not":
        v = _truth(node[1], ctx, current)
        return v if v is _UNKNOWN else not v
    if kind == "is_unknown":
        return _truth(node[1], ctx, current) is _UNKNOWN
    if kind == "exists":
        found = _operand_items(node[1], ctx, current)
        return found if found is _UNKNOWN else bool(found)
    if kind in ("cmp", "like_regex", "starts_with"):
        return _compare(node, ctx, current)
    found = _operand_items(node, ctx, current)  # an expression used as a predicate: its one boolean item
    if found is _UNKNOWN:
        return found
    if len(found) == 1 and isinstance(found[0], bool):
        return found[0]
    return _UNKNOWN


def _operand_items(node: tuple, ctx: _Context, current):
    """A predicate operand's items, or _UNKNOWN where evaluating it fails (a hard failure,
    an unknown variable, fails the statement)."""
    try:
        return _items(node, ctx, current)
    except PathError as e:
        if e.hard:
            raise
        return _UNKNOWN


def _compare(node: tuple, ctx: _Context, current):
    kind = node[0]
    left = _operand_items(node[2] if kind == "cmp" else node[1], ctx, current)
    if left is _UNKNOWN:
        return left
    right = _operand_items(node[3] if kind == "cmp" else node[2], ctx, current) if kind != "like_regex" else [None]
    if right is _UNKNOWN:
        return right
    left = _unwrapped(left, ctx)
    if kind == "cmp":
        right = _unwrapped(right, ctx)
    unknown = found = False
    for a in left:
        for b in right:
            if kind == "cmp":
                r = _compare_items(node[1], a, b)
            elif kind == "starts_with":
                r = a.startswith(b) if isinstance(a, str) and isinstance(b, str) else _UNKNOWN
            else:
                r = _UNKNOWN if not isinstance(a, str) else \
                    regex_engine.search(node[2], a, _regex_flags(node[3])) is not None
            if r is _UNKNOWN:
                if ctx.strict:
                    return _UNKNOWN
                unknown = True
            elif r:
                if not ctx.strict:
                    return True
                found = True
    return True if found else _UNKNOWN if unknown else False


def _compare_items(op: str, a, b):
    if isinstance(a, (dict, list)) or isinstance(b, (dict, list)):
        return _UNKNOWN
    if a is None or b is None:
        if a is None and b is None:
            return op in ("==", "<=", ">=")
        return op == "!="
    kinds = (_type_name(a), _type_name(b))
    if kinds[0] != kinds[1]:
        return _UNKNOWN
    if isinstance(a, bool):
        a, b = int(a), int(b)
    if op == "==":
        return a == b
    if op == "!=":
        return a != b
    return {"<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}[op]


# --- writing (jsonpath's output form) --------------------------------------------------------
_PRIORITY = {"or": 0, "and": 1, "cmp": 2, "starts_with": 2, "arith+": 3, "arith-": 3, "arith*": 4, "arith/": 4,
             "arith%": 4, "unary": 5}


_OPERATIONS = frozenset({"or", "and", "cmp", "arith", "starts_with", "unary", "not", "is_unknown", "exists",
                         "like_regex"})


def text(path: Path) -> str:
    """`path` as PostgreSQL prints a jsonpath: keys quoted, filters as ?(...), operators
    spaced, lax left out."""
    return ("strict " if path.strict else "") + _text(path.expr, True)


def _priority(node: tuple) -> int:
    key = node[0] + node[1] if node[0] == "arith" else node[0]
    return _PRIORITY.get(key, 6)


def _quoted(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def _operand(node: tuple, parent: tuple) -> str:
    return _text(node, _priority(node) <= _priority(parent))


def _text(node: tuple, brackets: bool) -> str:
    kind = node[0]
    if kind in ("or", "and", "cmp", "arith", "starts_with"):
        if kind == "cmp" or kind == "arith":
            op, left, right = node[1], node[2], node[3]
        elif kind == "starts_with":
            op, left, right = "starts with", node[1], node[2]
        else:
            op, left, right = {"or": "||", "and": "&&"}[kind], node[1], node[2]
        out = f"{_operand(left, node)} {op} {_operand(right, node)}"
        return f"({out})" if brackets else out
    if kind == "unary":
        out = node[1] + _operand(node[2], node)
        return f"({out})" if brackets else out
    if kind == "not":
        return f"!({_text(node[1], False)})"
    if kind == "is_unknown":
        return f"({_text(node[1], False)}) is unknown"
    if kind == "exists":
        return f"exists ({_text(node[1], False)})"
    if kind == "like_regex":
        flags = node[3]
        out = f"{_operand(node[1], node)} like_regex {_quoted(node[2])}" + (f' flag "{flags}"' if flags else "")
        return f"({out})" if brackets else out
    if kind == "root":
        return "$"
    if kind == "current":
        return "@"
    if kind == "last":
        return "last"
    if kind == "var":
        return "$" + _quoted(node[1])
    if kind == "lit":
        value = node[1]
        if isinstance(value, bool):
            return "true" if value else "false"
        if value is None:
            return "null"
        return _quoted(value) if isinstance(value, str) else format(value, "f")
    base = _text(node[2] if kind == "method" else node[1], False)
    inner = node[2] if kind == "method" else node[1]
    if inner[0] in _OPERATIONS or inner[0] == "lit" and isinstance(inner[1], Decimal):
        base = f"({base})"  # an accessor after an operation or a number: (1 + $.a).type(), (1.2)."e"
    if kind == "key":
        return f"{base}.{_quoted(node[2])}"
    if kind == "any_key":
        return f"{base}.*"
    if kind == "any_element":
        return f"{base}[*]"
    if kind == "elements":
        parts = [_text(low, False) + (f" to {_text(high, False)}" if high is not None else "") for low, high in node[2]]
        return f"{base}[{','.join(parts)}]"
    if kind == "any":
        low, high = node[2], node[3]
        if low == 0 and high is None:
            return f"{base}.**"
        show = ("last" if low is None else str(low)), ("last" if high is None else str(high))
        return f"{base}.**{{{show[0]}}}" if low == high else f"{base}.**{{{show[0]} to {show[1]}}}"
    if kind == "filter":
        return f"{base}?({_text(node[2], False)})"
    if kind == "method":
        return f"{base}.{node[1]}()"
    raise AssertionError(f"unknown jsonpath node {kind}")
