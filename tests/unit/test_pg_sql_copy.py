"""COPY: statement options, the text/CSV row formats and their round trip through chunked feeding."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from compute_node.pg_sql.copy import (
    CopyParser,
    CopySpec,
    format_row,
    insert_sql,
    parse_copy,
    select_sql,
)
from sixfold.errors import SqlError


def spec_of(sql: str) -> CopySpec:
    return parse_copy(sql, lambda q: "Q:" + q.strip())


@pytest.mark.parametrize("sql,expect", [
    ("copy pgbench_accounts from stdin with (freeze on)", dict(table="pgbench_accounts", format="text",
                                                               delimiter="\t", null="\\N", direction="from")),
    ("COPY t (a, \"B\") FROM STDIN WITH CSV HEADER", dict(columns=("a", "B"), format="csv", header=True,
                                                          delimiter=",", null="")),
    ("copy t from stdin delimiter ',' null ''", dict(format="text", delimiter=",", null="")),
    ("copy t from stdin with delimiter as '|' csv quote as '''' freeze", dict(delimiter="|", quote="'", format="csv")),
    ("copy t to stdout (format csv, header true, delimiter ';', null 'NULL', force_quote *)",
     dict(direction="to", format="csv", header=True, delimiter=";", null="NULL")),
    ("copy (select 1; ) to stdout", dict(query="Q:select 1;", table=None, direction="to")),
    ("copy public.t to stdout;", dict(table="t")),
])
def test_parse_copy(sql, expect):
    spec = spec_of(sql)
    for k, v in expect.items():
        assert getattr(spec, k) == v, k


@pytest.mark.parametrize("sql,sqlstate", [
    ("copy t from '/tmp/x'", "42501"), ("copy t to program 'ls'", "42501"),
    ("copy t from stdin (format binary, delimiter ',')", "42601"), ("copy t from stdin (format binary, header)", "42601"),
    ("copy t from stdin (bogus 1)", "42601"), ("copy (select 1) from stdin", "42601"),
])
def test_parse_copy_errors(sql, sqlstate):
    with pytest.raises(SqlError) as e:
        spec_of(sql)
    assert e.value.sqlstate == sqlstate


def test_insert_and_select_sql():
    spec = spec_of("copy t (a, b) from stdin")
    assert insert_sql(spec, ["a", "b"]) == 'INSERT INTO "t" ("a", "b") VALUES (?1, ?2)'
    assert select_sql(spec_of("copy t (a) to stdout")) == 'SELECT "a" FROM "t"'
    assert select_sql(spec_of("copy t to stdout")) == 'SELECT * FROM "t"'


def test_text_escapes_and_end_marker():
    p = CopyParser(spec_of("copy t from stdin"))
    rows = p.feed(b"a\\tb\t\\N\t\\101\\x42\\\\\\n\\b\\f\\r\\v\n1\t")
    rows += p.feed(b"2\t3\n\\.\nignored\n")
    rows += p.finish()
    assert rows == [["a\tb", None, "AB\\\n\b\f\r\v"], ["1", "2", "3"]]


def test_csv_quotes_header_and_split_chunks():
    p = CopyParser(spec_of("copy t from stdin csv header"))
    data = b'h1,h2\n"a,""b""\nc",\n"",x\n'
    rows = []
    for i in range(len(data)):
        rows += p.feed(data[i:i + 1])
    rows += p.finish()
    assert rows == [['a,"b"\nc', None], ["", "x"]]


def test_bad_data():
    with pytest.raises(SqlError) as e:
        p = CopyParser(spec_of("copy t from stdin"), column_count=2)
        p.feed(b"1\t2\t3\n")
    assert e.value.sqlstate == "22P04"
    with pytest.raises(SqlError) as e:
        p = CopyParser(spec_of("copy t from stdin csv"))
        p.feed(b'"open')
        p.finish()
    assert e.value.sqlstate == "22P04"


_value = st.one_of(st.none(), st.text(alphabet=st.sampled_from(list("ab ,;\t\n\r\\\"'.N") + ["é", "€", "😀"]),
                                      max_size=8))


@settings(max_examples=120, deadline=None, print_blob=True)
@given(rows=st.lists(st.lists(_value, min_size=3, max_size=3), max_size=6),
       fmt=st.sampled_from(["copy t from stdin", "copy t from stdin csv", "copy t from stdin (delimiter ';')",
                            "copy t from stdin csv delimiter ';' null 'N'", "copy t from stdin csv header"]),
       cuts=st.lists(st.integers(min_value=0, max_value=400), max_size=6), end_marker=st.booleans())
def test_copy_round_trip(rows, fmt, cuts, end_marker):
    spec = spec_of(fmt)
    data = b"".join(format_row(r, spec) for r in ([["h", "h", "h"]] if spec.header else []) + rows)
    if end_marker:
        data += b"\\.\n"
    parser = CopyParser(spec, column_count=3)
    got, prev = [], 0
    for cut in sorted(set(c for c in cuts if c <= len(data))) + [len(data)]:
        got += parser.feed(data[prev:cut])
        prev = cut
    got += parser.finish()
    assert got == rows


def test_binary_copy_round_trip_in_any_chunks():
    """Binary COPY tuples written by format_binary_row parse back whatever the chunking."""
    import struct

    from compute_node.pg_sql.copy import BINARY_HEADER, BINARY_TRAILER, BinaryCopyParser, format_binary_row

    rows = [[struct.pack(">i", i), None if i % 3 == 0 else f"v{i}".encode()] for i in range(50)]
    stream = BINARY_HEADER + b"".join(format_binary_row(r) for r in rows) + BINARY_TRAILER
    for size in (1, 7, 64, len(stream)):
        p = BinaryCopyParser(2)
        got = []
        for i in range(0, len(stream), size):
            got += p.feed(stream[i:i + size])
        got += p.finish()
        assert got == rows, size


def test_binary_copy_refuses_bad_streams():
    from compute_node.pg_sql.copy import BINARY_HEADER, BinaryCopyParser, format_binary_row

    with pytest.raises(SqlError) as e:
        BinaryCopyParser(1).feed(b"NOTPGCOPY" + b"\0" * 20)
    assert e.value.sqlstate == "22P04"
    p = BinaryCopyParser(2)
    with pytest.raises(SqlError) as e:
        p.feed(BINARY_HEADER + format_binary_row([b"x"]))  # one field where two are expected
    assert e.value.sqlstate == "22P04"
    p = BinaryCopyParser(1)
    p.feed(BINARY_HEADER + format_binary_row([b"x"]))
    with pytest.raises(SqlError):
        p.finish()  # no trailer: the stream was cut


@pytest.mark.parametrize("sql,table,columns", [
    ('COPY public."MixedCase" ("Id", "Some Col") TO stdout', "MixedCase", ("Id", "Some Col")),  # pg_dump's form
    ('copy "public"."T" from stdin', "T", None),
    ('copy "public".t to stdout', "t", None),
    ("copy public.t (a) from stdin", "t", ("a",)),
    ('copy public."a.b" to stdout', "a.b", None),
    ('copy "x.y" to stdout', "x.y", None),
])
def test_qualified_table_names(sql, table, columns):
    s = spec_of(sql)
    assert (s.table, s.columns) == (table, columns)


@pytest.mark.parametrize("sql,sqlstate", [
    ("copy x.t to stdout", "3F000"), ('copy "x"."t" to stdout', "3F000"), ("copy public. to stdout", "42601"),
])
def test_qualified_table_names_refused(sql, sqlstate):
    with pytest.raises(SqlError) as e:
        spec_of(sql)
    assert e.value.sqlstate == sqlstate
