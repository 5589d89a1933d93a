"""error_position: the token an error names, found in the query text only when that is
unambiguous; PostgreSQL's HINTs; a syntax error at the end of a one-statement query."""

import pytest

from compute_node.pgwire import error_position as ep


@pytest.mark.parametrize("query, state, message, expected", [
    ("select nosuch from t", "42703", 'column "nosuch" does not exist', 8),
    ('select "Name", x from t', "42703", 'column "name" does not exist', None),  # only "Name" is there
    ('select "name" from t', "42703", 'column "name" does not exist', 8),
    ("select t.nosuch from t", "42703", "column t.nosuch does not exist", 8),
    ("select a.b.nosuch from t", "42703", "column b.nosuch does not exist", 8),  # at its first qualifier
    ("select x.id from t", "42P01", 'missing FROM-clause entry for table "x"', 8),
    ("select * from nosuch", "42P01", 'relation "nosuch" does not exist', 15),
    ("select * from public.nosuch", "42P01", 'relation "public.nosuch" does not exist', 15),
    ("select nosuch(1) from nosuch", "42883", "function nosuch(integer) does not exist", 8),
    ("select id + 'a' from t", "42883", "operator does not exist: integer + unknown", 11),
    ("select 1 + 2 + x from t", "42883", "operator does not exist: integer + text", None),  # two +
    ("select ts - x from t", "42883", "operator does not exist: timestamp without time zone - text", 11),
    ("selec 1", "42601", 'syntax error at or near "selec"', 1),
    ("select 'abc", "42601", "unterminated quoted string at or near \"'abc\"", 8),
    # in strings and comments a name is no token
    ("select 'nosuch', nosuch -- nosuch\nfrom t", "42703", 'column "nosuch" does not exist', 18),
    # repeated in a plain SELECT: the clause PostgreSQL analyzes first
    ("select a, nosuch from t where nosuch > 1", "42703", 'column "nosuch" does not exist', 11),
    ("select a from t where nosuch > 1 order by nosuch", "42703", 'column "nosuch" does not exist', 23),
    ("select a from t group by nosuch order by nosuch", "42703", 'column "nosuch" does not exist', 42),
    ("select a from t join u on nosuch = 1 where nosuch = 2", "42703", 'column "nosuch" does not exist', 27),
    # ... but not where a subquery or a set operation could analyze it in another order
    ("select nosuch from t where x in (select nosuch from u)", "42703", 'column "nosuch" does not exist', None),
    # a statement PostgreSQL analyzes without positions (a utility statement)
    ("alter table nosuch add column x int", "42P01", 'relation "nosuch" does not exist', None),
    ("create view v as select nosuch from t", "42703", 'column "nosuch" does not exist', 25),
    ("create table c as select nosuch from t", "42703", 'column "nosuch" does not exist', 26),
    ("select 1; select nosuch from t", "42703", 'column "nosuch" does not exist', 18),
    ("select 1", "22012", "division by zero", None),
])
def test_position(query, state, message, expected):
    assert ep.position(query, state, message) == expected


def test_literal_input_points_only_when_read_while_translating():
    query, message = "select 'abc'::int from t", 'invalid input syntax for type integer: "abc"'
    assert ep.position(query, "22P02", message, in_analysis=True) == 8
    assert ep.position(query, "22P02", message, in_analysis=False) is None  # a row's value
    twice = "select * from t where id = 'abc' and name = 'abc'"
    assert ep.position(twice, "22P02", message, in_analysis=True) is None


def test_hints():
    assert ep.hint("42883", "function f(integer) does not exist").startswith("No function matches")
    assert ep.hint("42883", "operator does not exist: date * unknown").startswith("No operator matches")
    assert ep.hint("42725", "operator is not unique: unknown + unknown").startswith("Could not choose a best candidate")
    assert ep.hint("42804", 'column "id" is of type integer but expression is of type text') == \
        "You will need to rewrite or cast the expression."
    assert ep.hint("42703", 'column "x" does not exist') is None


@pytest.mark.parametrize("query, expected", [
    ("select * from t where", ("syntax error at end of input", 22)),
    ("select * from t where  ", ("syntax error at end of input", 24)),
    ("select * from t where;", ('syntax error at or near ";"', 22)),
    ("select * from t where ; ", ('syntax error at or near ";"', 23)),
    ("select 1; select * from t where", None),  # which statement failed is not known here
])
def test_syntax_error_at_the_end(query, expected):
    assert ep.at_end(query, "42601", "syntax error at end of input") == expected
