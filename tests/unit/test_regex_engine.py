"""regex_engine: PostgreSQL's regular-expression semantics (unit level; the differential
test compares with a real PostgreSQL)."""

import pytest

from compute_node.pg_sql import regex_engine as rx


def spans(pattern, text, flags=""):
    m = rx.search(pattern, text, flags)
    return None if m is None else [m.group(i) for i in range(len(m.spans))]


def test_longest_leftmost_match_and_groups_as_postgres():
    assert rx.tkinter is not None, "this Python has no tkinter: regular expressions fall back to re"
    assert spans(r"[0-9]+|[0-9]+\.[0-9]+", "foo123.45bar") == ["123.45"]
    assert spans(".|...", "xyz") == ["xyz"]
    assert spans("(a|ab)(c|bcd)(d*)", "abcd") == ["abcd", "ab", "c", "d"]
    assert spans("(x)?b", "ab") == ["b", None]
    assert spans(r"\mwor", "hello world") == ["wor"]
    assert spans("^b", "a\nb", "n") == ["b"]
    assert spans("a.c", "ABC", "i") == ["ABC"]


def test_global_matching_moves_on_after_empty_matches():
    assert rx.replace("baaac", "a*", "-", "g") == "-b--c-"
    assert rx.replace("abc", "x*", "-", "g") == "-a-b-c-"
    assert rx.replace("aaa", "^a", "b", "g") == "baa"
    assert [m.group() for m in rx.iterate("a*", "aaa")] == ["aaa", ""]


def test_replacement_escapes_are_postgres():
    assert rx.replace("Hello World", r"(\w+) (\w+)", r"\2 \1 \& \\ \n \0") == r"World Hello Hello World \ \n \0"


def test_flags_and_errors_carry_postgres_sqlstates():
    with pytest.raises(rx.RegexError) as e:
        rx.search("a", "a", "z")
    assert e.value.sqlstate == "22023"
    with pytest.raises(rx.RegexError) as e:
        rx.search("(", "a")
    assert e.value.sqlstate == "2201B"
    with pytest.raises(rx.RegexError) as e:
        rx.search(r"\x7fffffff", "a")
    assert e.value.sqlstate == "2201B"


def test_complexity_counts_spelled_out_quantified_atoms():
    assert rx.complexity("abc") == 0
    assert rx.complexity("x*y*z*" * 150) == 450
    assert rx.complexity("(x*y*z*){100}") == 400
    assert rx.complexity("a{1,255}b{1,255}") == 510
    assert rx.complexity("[a-z]+@[a-z]+\\.com") == 2
    with pytest.raises(rx.RegexError) as e:
        rx.search("x*y*z*" * 1000, "x")
    assert e.value.sqlstate == "2201B"


def test_classes_and_case_folding_are_ascii_only_as_under_lc_ctype_c():
    """The database's lc_ctype is C: PostgreSQL's classes hold ASCII characters only and
    case-insensitive matching folds ASCII letters only."""
    assert rx.c_locale("[[:upper:]]", nocase=True) == "[a-zA-Z]"
    assert rx.c_locale("[^a-cx]", nocase=True) == "[^a-cA-CxX]"
    assert rx.c_locale("(?i)x", nocase=True) is None  # embedded options: not spelled out
    assert rx.search("[[:alpha:]]", "日本") is None
    assert rx.search("é", "É", "i") is None
    assert rx.search("[a-f]+", "CAFÉ", "i").group() == "CAF"
    assert rx.replace("ÀÉx", "\\w", "_", "g") == "ÀÉ_"
    assert rx.replace("1 dAy", "[[:upper:]]", "", "gi") == "1 "  # (every letter; Tcl's took the digit too)
