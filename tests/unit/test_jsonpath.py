"""The SQL/JSON path language (compute_node/pg_sql/jsonpath.py): reading, running in lax
and strict mode, and writing paths back as PostgreSQL writes them. The expected values
are PostgreSQL 15's answers (the differential test runs the same kind of paths against a
real server)."""

import json
from decimal import Decimal

import pytest

from compute_node.pg_sql import jsonpath

# (keys in jsonb's order, as a stored document has them: shorter first, then bytewise)
DOC = json.loads('{"a": [1, 2, 3], "b": {"c": "xyz", "d": null}, "n": 1.50, "o": [{"k": 1}, {"k": 5}, {"j": 2}], '
                 '"s": "12.5"}', parse_float=Decimal)


def items(path: str, doc=DOC, variables=None) -> list:
    return jsonpath.run(jsonpath.parse(path), doc, variables)


@pytest.mark.parametrize("path, expected", [
    ("$.a[*] ? (@ > 1)", [2, 3]),
    ("$.a", [[1, 2, 3]]),
    ("$.a[last]", [3]),
    ("$.a[0 to last - 1]", [1, 2]),
    ("$.a[2, 0]", [3, 1]),
    ("$.a[5]", []),  # lax: out of bounds yields nothing
    ("$.o.k", [1, 5]),  # lax: the array is unwrapped for the member accessor
    ("$.o[*] ? (@.k > 2).k", [5]),
    ("$.nope", []),
    ("$.b.c ? (@ starts with \"x\")", ["xyz"]),
    ("$.b.c ? (@ like_regex \"^X\" flag \"i\")", ["xyz"]),
    ("$.b.d ? (@ == null)", [None]),
    ("$.n + 1", [Decimal("2.50")]),
    ("$.n / 3", [Decimal("0.50000000000000000000")]),
    ("-$.a[*]", [-1, -2, -3]),
    ("$.s.double() + 1", [Decimal("13.5")]),
    ("$.n.floor()", [1]),
    ("$.a.size()", [3]),
    ("$.n.size()", [1]),
    ("$.*.type()", ["array", "object", "number", "array", "string"]),
    ("$.a[*] > 2", [True]),
    ("$.a[*] > 5", [False]),
    ("$.b.c > 1", [None]),  # a string against a number: unknown
    ("exists($.b.d)", [True]),
    ("$.a[*] ? ((@ > \"x\") is unknown)", [1, 2, 3]),
    ("$.a[*] ? (!(@ == 2))", [1, 3]),
    ("$.b.**", [{"c": "xyz", "d": None}, "xyz", None]),
    ("$.**{2}", [1, 2, 3, "xyz", None, {"k": 1}, {"k": 5}, {"j": 2}]),
])
def test_lax_paths(path, expected):
    assert items(path) == expected


def test_variables_and_their_absence():
    assert items("$.a[*] ? (@ >= $min)", variables={"min": 2}) == [2, 3]
    with pytest.raises(jsonpath.PathError) as e:  # not an unknown: the statement fails, as in PostgreSQL
        items("$.a[*] ? (@ >= $min)")
    assert e.value.sqlstate == "42704"


@pytest.mark.parametrize("path, sqlstate", [
    ("strict $.nope", "2203A"),
    ("strict $.a.b", "2203A"),
    ("strict $.a[5]", "22033"),
    ("strict $.n[*]", "22039"),
    ("strict $.n.size()", "22039"),
    ("$.a + 1", "22038"),
    ("$.n / 0", "22012"),
    ("$.b.c.double()", "22036"),
    ("-$.b.c", "2203B"),
])
def test_failures_keep_postgresqls_sqlstate(path, sqlstate):
    with pytest.raises(jsonpath.PathError) as e:
        items(path)
    assert e.value.sqlstate == sqlstate


@pytest.mark.parametrize("path, sqlstate", [
    ("$.a ? (@ == 1", "42601"), ("@.a", "42601"), ("last", "42601"), ("$.a.nosuch()", "42601"),
    ("$.a.datetime()", "0A000"), ("$ ? (@ like_regex \"a\" flag \"z\")", "42601"),
])
def test_paths_refused_when_read(path, sqlstate):
    with pytest.raises(jsonpath.PathError) as e:
        jsonpath.parse(path)
    assert e.value.sqlstate == sqlstate


@pytest.mark.parametrize("path, written", [
    ("$.a ? (@ > 1)", '$."a"?(@ > 1)'),
    ("strict $.a[*].b ? (@.c == \"x\" && @.d < 3 || !(@.e == 1))",
     'strict $."a"[*]."b"?(@."c" == "x" && @."d" < 3 || !(@."e" == 1))'),
    ("1 + 2 + 3", "((1 + 2) + 3)"),
    ("-$.a[*]", '(-$."a"[*])'),
    ("$.a ? (@ == -1)", '$."a"?(@ == -1)'),
    ("$x", '$"x"'),
    ("$.**{1 to last}", "$.**{1 to last}"),
    ("(-$.n).abs()", '(-$."n").abs()'),
    ("$.a[*] ? (@ > 1.50e1)", '$."a"[*]?(@ > 15.0)'),
    ("$.a ? (@ like_regex \"^a\" flag \"is\")", '$."a"?(@ like_regex "^a" flag "is")'),
])
def test_written_as_postgresql_writes_it_and_read_back_the_same(path, written):
    parsed = jsonpath.parse(path)
    assert jsonpath.text(parsed) == written
    assert jsonpath.parse(written) == parsed


def test_what_was_found_before_a_failure_is_kept_for_silent_mode():
    with pytest.raises(jsonpath.PathError) as e:
        jsonpath.run(jsonpath.parse("strict $[*].a"), [{"a": 1}, {"a": 2}, {}])
    assert e.value.sqlstate == "2203A" and e.value.found == [1, 2]
    # asked only whether it yields anything, a unary minus skips what is no number
    assert jsonpath.run(jsonpath.parse("-$[*]"), ["1", 2], exists=True) == [-2]


def test_levels_of_the_any_accessor():
    doc = {"a": {"b": 1}}
    assert items("$.**{last}", doc) == [1]  # PostgreSQL's last level: the leaves
    assert items("$.**{1 to last}", doc) == [{"b": 1}, 1]
    assert items("$.**", doc) == [doc, {"b": 1}, 1]


# --- property: what jsonpath.text writes reads back as the same path ---------------------------
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_keys = st.sampled_from(["a", "b", "k y", "size", "é", 'q"t'])
_literals = st.one_of(st.integers(-5, 100).map(str), st.sampled_from(["1.50", "2e3", '"x"', "true", "null", "$v"]))


@st.composite
def _values(draw, depth: int = 0):
    base = draw(st.sampled_from(["$", "@"])) if depth else "$"
    for _ in range(draw(st.integers(0, 3))):
        base += draw(st.one_of(
            _keys.map(lambda k: "." + ('"' + k.replace('"', '\\"') + '"' if not k.isidentifier() else k)),
            st.just("[*]"), st.just(".*"), st.just("[0 to last]"), st.just(".type()"), st.just(".**{1 to 2}"),
        ))
    if depth < 2 and draw(st.booleans()):
        base += " ? (" + draw(_predicates(depth + 1)) + ")"
    return base


@st.composite
def _predicates(draw, depth: int):
    left = draw(_values(depth))
    kind = draw(st.sampled_from(["cmp", "and", "not", "exists", "regex", "arith"]))
    if kind == "cmp":
        return f"{left} {draw(st.sampled_from(['==', '<', '>=', '!=']))} {draw(_literals)}"
    if kind == "and":
        return f"{left} > 1 {draw(st.sampled_from(['&&', '||']))} {draw(_values(depth))} == 2"
    if kind == "not":
        return f"!({left} == 1)"
    if kind == "exists":
        return f"exists ({left})"
    if kind == "regex":
        return f'{left} like_regex "^a" flag "i"'
    return f"{left} + 1 * 2 == -3"


@settings(max_examples=300, deadline=None)
@given(_values(), st.booleans())
def test_written_paths_read_back_the_same(path, strict):
    text = ("strict " if strict else "") + path
    parsed = jsonpath.parse(text.replace("$v", "1"))
    assert jsonpath.parse(jsonpath.text(parsed)) == parsed
