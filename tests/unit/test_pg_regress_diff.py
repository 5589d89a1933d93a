"""The psql-script splitter of tests/integration/pg_regress_diff.py (a pure function)."""

from tests.integration.pg_regress_diff import copy_data, statements

SCRIPT = r"""-- a comment; with a semicolon
\set filename :abs_srcdir '/data/x.data'
SELECT 'a;b', "c;d" FROM t;  /* block; comment */
CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql;
select $tag$;$tag$, E'it\'s; here', 'it''s';
\d t
SELECT 1
"""


def test_splits_at_semicolons_outside_quotes_comments_and_meta_commands():
    got = [sql for _, sql in statements(SCRIPT)]
    assert got == [
        "SELECT 'a;b', \"c;d\" FROM t",
        "CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql",
        "select $tag$;$tag$, E'it\\'s; here', 'it''s'",
        "SELECT 1",
    ]


def test_each_statement_ends_after_the_meta_commands_before_it():
    ends = [end for end, _ in statements(SCRIPT)]
    assert ends == sorted(ends) and ends[0] > SCRIPT.index("\\set") and ends[-1] == len(SCRIPT)


COPY_SCRIPT = r"""COPY t (a, b) FROM stdin;
1	x;y
2	'z
\.
SELECT 2;
"""


def test_copy_from_stdin_takes_the_lines_up_to_the_end_marker():
    got = statements(COPY_SCRIPT)
    assert [sql for _, sql in got] == ["COPY t (a, b) FROM stdin", "SELECT 2"]
    assert copy_data(COPY_SCRIPT, got[0][0])[0] == "1\tx;y\n2\t'z\n"
