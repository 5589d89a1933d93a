"""A seeded generator of typed SQL expressions for differential runs against PostgreSQL.

Hand-written probes found wrong answers at a steady rate; this finds them faster. Every
expression is built for a kind of value (integer, numeric, float, text, boolean, date,
timestamp, timestamptz, interval, time, uuid, bytea, integer array, text array, jsonb,
an enum) from literals, the columns of one small table, casts, operators, functions,
CASE, COALESCE and comparisons, so that most of them are valid SQL whose answer PostgreSQL
defines; a quarter are put in a query's other clauses (ORDER BY, GROUP BY / HAVING,
DISTINCT, joins, subqueries, window functions, set operations, LIMIT).
Each query then goes to both servers and is compared as text (values) or SQLSTATE
(errors): `classify` names the difference.

Pure: no I/O. `Generator(seed).queries(n)` gives the same n queries for the same seed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

TABLE = "fz"
DEPTH_MAX = 3

# One column per kind (text also as varchar(8) and char(4): blank padding, trailing
# spaces); rows chosen for edges (zero, negatives, halves, leap days, NULLs).
COLUMNS = {
    "i": ("ci", "int"), "b": ("cb", "bigint"), "s": ("cs", "smallint"), "n": ("cn", "numeric(20,4)"),
    "f": ("cf", "float8"), "r": ("cr", "real"), "t": ("ct", "text"), "o": ("co", "boolean"),
    "d": ("cd", "date"), "ts": ("cts", "timestamp"), "tz": ("ctz", "timestamptz"), "iv": ("civ", "interval"),
    "a": ("ca", "int[]"), "j": ("cj", "jsonb"), "u": ("cu", "uuid"), "by": ("cby", "bytea"), "tm": ("ctm", "time"),
    "ta": ("cta", "text[]"), "e": ("ce", "fz_mood"), "vc": ("cvc", "varchar(8)"), "ch": ("cch", "char(4)"),
}
ENUM_TYPE = "fz_mood"  # an enum: ordered by its labels' declared order, not their text
ENUM_LABELS = ("sad", "ok", "happy")
ROWS = [
    "(1, 7, 3000000000, 12, 2.50, 0.1, 1.5, 'apple', true, '2024-02-29', '2024-01-31 10:00:00', "
    "'2024-03-10 01:30:00+00', '1 day 02:00:00', '{1,2,3}', '{\"a\": 1, \"b\": [1, 2, 3], \"c\": {\"d\": \"e\"}}', "
    "'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '\\xdeadbeef', '10:30:00', '{a,b,c}', 'ok', 'pear', 'ab')",
    "(2, -3, -1, -7, -0.125, -2.5, -0.25, 'Banana split', false, '2023-12-31', '2024-12-31 23:59:59.5', "
    "'2024-01-01 00:00:00-05', '-3 mons', '{}', '[1, \"two\", null, {\"a\": 2}]', "
    "'FFFFFFFF-0000-0000-0000-000000000001', '\\x', '23:59:59.999999', '{}', 'happy', 'ab  ', 'x  ')",
    "(3, 0, 0, 0, 0, 0, 0, '', false, '2000-01-01', '1999-12-31 00:00:00', '2000-01-01 12:00:00+02', '00:00:00', "
    "'{NULL,5}', '\"text\"', '00000000-0000-0000-0000-000000000000', 'abc', '00:00:00', '{\"x y\",NULL,\"\"}', 'sad', "
    "'', ' ')",
    "(4, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, "
    "NULL, NULL, NULL)",
    "(5, 2147483647, 9223372036854775807, 32767, 123.456, 1e300, 3.4e38, 'A_b%c', true, '1970-01-01', "
    "'2024-06-15 12:34:56.789', '2024-06-15 12:34:56.789+05:30', '1 year 2 mons 3 days 04:05:06.5', '{7,7,-1,0}', "
    "'{\"a\": null, \"n\": 2.50, \"t\": true}', '{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a12}', '\\x00ff41', "
    "'12:34:56.789', '{B,a,B,Ünï}', 'ok', 'Zz9', 'ABCD')",
]


_COLUMN_NAMES = {name for name, _t in COLUMNS.values()}
# The table statements change: fz's columns and three whose types only assignment meets
# (a length limit, blank padding, a smaller numeric). Reset from fz before each statement.
WORK_TABLE = "fzw"
CTAS_TABLE = "fzc"  # made by CREATE TABLE AS for one query
VIEW = "fzv"  # a view made for one query
EXTRA_COLUMNS = {"cv": ("varchar(5)", "t"), "cc": ("char(3)", "t"), "cn2": ("numeric(6,2)", "n")}


def setup_statements() -> list[str]:
    cols = ", ".join(f"{name} {typ}" for name, typ in COLUMNS.values())
    extra = ", ".join(f"{name} {typ}" for name, (typ, _k) in EXTRA_COLUMNS.items())
    return [f"drop view if exists {VIEW}", f"drop table if exists {TABLE}", f"drop table if exists {WORK_TABLE}",
            f"drop table if exists {CTAS_TABLE}", f"drop type if exists {ENUM_TYPE}",
            f"create type {ENUM_TYPE} as enum ({', '.join(repr(x) for x in ENUM_LABELS)})",
            f"create table {TABLE} (id int primary key, {cols})",
            f"insert into {TABLE} values " + ", ".join(ROWS),
            f"create table {WORK_TABLE} (id int primary key, {cols}, {extra})"]


def _reset_work_table() -> tuple[str, ...]:
    names = ", ".join(name for name, _t in COLUMNS.values())
    return (f"delete from {WORK_TABLE}",
            f"insert into {WORK_TABLE} (id, {names}) select id, {names} from {TABLE}")


LITERALS = {
    "i": ["0", "1", "-1", "2", "7", "(-13)", "100", "2147483647", "(-2147483648)", "32767::smallint", "5::int2",
          "3000000000", "(-9)::bigint", "'12'::int"],
    "n": ["2.5", "(-2.5)", "0.5", "1.005", "123.456", "0.000", "1e3", "(-0.001)", "99999999999999999999.5",
          "'3.14159'::numeric", "10::numeric", "1.5::numeric(4,1)"],
    "f": ["2.5::float8", "'1e-5'::float8", "(-0.5)::float8", "0.1::float8", "'1e300'::float8", "1.5::real",
          "(-2.5)::real", "'0'::float8", "3::float8"],
    "t": ["'abc'", "'ABC'", "''", "' pad '", "'a_c'", "'42'", "'2.5'", "'true'", "'x''y'", "'2024-01-31'",
          "'Hello World'", "'%'", "'1 day'", "'Ünïcödé ß'", "'日本語'", "'a\\_c'"],
    "o": ["true", "false", "'t'::boolean", "NULL::boolean"],
    "d": ["date '2024-02-29'", "date '2024-01-31'", "'2023-03-01'::date", "date '2000-12-31'", "'Jan 8, 1999'::date",
          "'29-Feb-2024'::date"],
    "ts": ["timestamp '2024-01-31 10:00:00'", "timestamp '2024-02-29 23:59:59.999'", "'2023-12-31 12:00'::timestamp",
           "timestamp '2024-01-01'"],
    "tz": ["timestamptz '2024-01-01 10:00+02'", "timestamptz '2024-03-31 02:30:00Z'", "'2024-07-01 00:00-07'::timestamptz"],
    "iv": ["interval '1 day'", "interval '2 hours 30 minutes'", "interval '-1 month'", "interval '1 year 2 months'",
           "interval '0.5 seconds'", "interval '36 hours'", "'1 week'::interval"],
    "a": ["array[1, 2, 3]", "'{}'::int[]", "'{1,NULL,3}'::int[]", "array[2, 2, 1]", "'{5}'::int[]",
          "array[-1, 0]", "array[]::int[]", "'{2147483647}'::int[]"],
    "j": ["'{\"a\": 1, \"b\": [1, 2]}'::jsonb", "'[1, \"x\", null]'::jsonb", "'\"str\"'::jsonb", "'3.5'::jsonb",
          "'null'::jsonb", "'{}'::jsonb", "'[]'::jsonb", "'{\"a\": {\"b\": \"c\"}, \"n\": -0.50}'::jsonb",
          "'true'::jsonb", "'[[1, 2], {\"a\": 1}]'::jsonb"],
    "u": ["'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid", "'{A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A12}'::uuid",
          "'a0eebc999c0b4ef8bb6d6bb9bd380a13'::uuid", "'00000000-0000-0000-0000-000000000000'::uuid",
          "uuid 'ffffffff-ffff-ffff-ffff-ffffffffffff'"],
    "by": ["'\\x'::bytea", "'\\xdeadbeef'::bytea", "'abc'::bytea", "'\\x00ff'::bytea", "'a\\\\b'::bytea",
           "'\\x41'::bytea"],
    "tm": ["time '10:30'", "time '23:59:59.5'", "'00:00'::time", "time '12:00:00.123456'", "'1:02:03 pm'::time",
           "time '24:00'"],
    "e": ["'sad'::fz_mood", "'happy'::fz_mood", "'ok'::fz_mood", "enum_first(null::fz_mood)",
          "enum_last(null::fz_mood)"],
    "ta": ["array['a', 'b']", "'{}'::text[]", "'{\"x y\",NULL,\"\"}'::text[]", "array['B', 'a', 'B']",
           "'{apple,Banana}'::text[]", "array[]::text[]", "array['日本', 'ß']"],
}
NULLS = {"i": "NULL::int", "n": "NULL::numeric", "f": "NULL::float8", "t": "NULL::text", "o": "NULL::boolean",
         "d": "NULL::date", "ts": "NULL::timestamp", "tz": "NULL::timestamptz", "iv": "NULL::interval",
         "a": "NULL::int[]", "j": "NULL::jsonb", "u": "NULL::uuid", "by": "NULL::bytea", "tm": "NULL::time",
         "ta": "NULL::text[]", "e": "NULL::fz_mood"}
# Columns of each kind of value (several SQL types share a kind).
KIND_COLUMNS = {"i": ["ci", "cb", "cs"], "n": ["cn"], "f": ["cf", "cr"], "t": ["ct", "cvc", "cch"], "o": ["co"],
                "d": ["cd"],
                "ts": ["cts"], "tz": ["ctz"], "iv": ["civ"], "a": ["ca"], "j": ["cj"], "u": ["cu"], "by": ["cby"],
                "tm": ["ctm"], "ta": ["cta"], "e": ["ce"]}
NUMERIC_KINDS = ("i", "n", "f")
ORDERED_KINDS = ("i", "n", "f", "t", "d", "ts", "tz", "iv", "tm", "e")  # (with min / max)
SORTED_KINDS = ORDERED_KINDS + ("u", "by")  # compared and sorted, but PostgreSQL 15 has no min(uuid), min(bytea)
TEXT_SETS = ["'a'", "'ab'", "'pA'", "' '", "''", "'ß日'"]
REGEXES = ["'a'", "'[aeiou]'", "'^.'", "'(.)\\1'", "'\\s+'", "'b.*'", "'[[:upper:]]'", "'$'"]
REPLACEMENTS = ["''", "'X'", "'<\\&>'", "'\\1\\1'"]
FORMATS = ["'%s-%s'", "'%I.%L'", "'%1$s %1$s'", "'[%5s|%-4s]'", "'%%%s'"]
NUMBER_FORMATS = ["'999'", "'FM999.00'", "'9G999D9'", "'S9999'", "'0000'", "'9.99EEEE'", "'RN'", "'FM9990th'"]
DATE_FORMATS = ["'YYYY-MM-DD HH24:MI:SS'", "'Dy DD Mon YYYY'", "'IYYY-IW-ID'", "'HH12:MI AM'", "'Q WW J'",
                "'FMMonth FMDDth'", "'SSSS.MS'", "'TZ OF'", "'YYYY \"Q\"Q'"]
ZONES = ["'UTC'", "'America/New_York'", "'Asia/Kolkata'", "'+02'", "interval '-03:30'"]
JSON_KEYS = ["'a'", "'b'", "'n'", "'x'", "0", "1", "-1"]  # object keys and array indexes (-> and -)
JSON_KEY_TESTS = ["? 'a'", "? 'x'", "?| array['x', 'n']", "?& array['a', 'b']"]
JSON_PATHS = ["'{a}'", "'{b,1}'", "'{c,d}'", "'{1,a}'", "'{0}'", "'{}'"]
BACKSLASH_PATTERNS = ["'%\\_%'", "'A\\_b%'", "'a\\_c'"]  # LIKE's default escape character
TRUNC_UNITS = ["'year'", "'month'", "'day'", "'hour'", "'minute'", "'quarter'", "'week'"]
BYTEA_PATTERNS = ["'a%'", "'%'", "'_b%'", "'\\x41%'"]
SPLIT_PATTERNS = ["'\\s+'", "'a'", "''"]
EXTRACT_FIELDS = ["year", "month", "day", "hour", "minute", "second", "dow", "doy", "epoch", "quarter"]


# Literals a query may take as a bound parameter instead (the extended protocol, as an
# application sends them): the Python value psycopg binds, typed by psycopg.
_UTC_PLUS_2 = dt.timezone(dt.timedelta(hours=2))
PARAM_VALUES = {
    "0": 0, "1": 1, "-1": -1, "2": 2, "7": 7, "(-13)": -13, "100": 100, "2147483647": 2147483647,
    "(-2147483648)": -2147483648, "3000000000": 3000000000,
    "2.5": Decimal("2.5"), "(-2.5)": Decimal("-2.5"), "0.5": Decimal("0.5"), "1.005": Decimal("1.005"),
    "123.456": Decimal("123.456"), "0.000": Decimal("0.000"), "(-0.001)": Decimal("-0.001"),
    "2.5::float8": 2.5, "(-0.5)::float8": -0.5, "0.1::float8": 0.1, "3::float8": 3.0,
    "'abc'": "abc", "'ABC'": "ABC", "''": "", "' pad '": " pad ", "'a_c'": "a_c", "'42'": "42", "'2.5'": "2.5",
    "'x''y'": "x'y", "'Hello World'": "Hello World", "'%'": "%", "'Ünïcödé ß'": "Ünïcödé ß", "'日本語'": "日本語",
    "true": True, "false": False,
    "date '2024-02-29'": dt.date(2024, 2, 29), "date '2024-01-31'": dt.date(2024, 1, 31),
    "date '2000-12-31'": dt.date(2000, 12, 31),
    "timestamp '2024-01-31 10:00:00'": dt.datetime(2024, 1, 31, 10), "timestamp '2024-01-01'": dt.datetime(2024, 1, 1),
    "timestamptz '2024-01-01 10:00+02'": dt.datetime(2024, 1, 1, 10, tzinfo=_UTC_PLUS_2),
    "interval '1 day'": dt.timedelta(days=1), "interval '2 hours 30 minutes'": dt.timedelta(hours=2, minutes=30),
    "interval '36 hours'": dt.timedelta(hours=36), "interval '0.5 seconds'": dt.timedelta(seconds=0.5),
}
_PLACEHOLDER = re.compile("\x00(\\d+)\x00")  # where parameter N goes, until the query's % are escaped


@dataclass(frozen=True)
class Query:
    kind: str  # the kind of value the expression was built for
    sql: str
    setup: tuple[str, ...] = ()  # run on both servers first (a statement that writes resets its table)
    check: str | None = None  # run on both after `sql`: what the statement left in its table
    unordered: bool = False  # rows compared as a set (RETURNING: PostgreSQL promises no order)
    params: dict | None = None  # bound parameters (psycopg's %(pN)s placeholders), or none


class Generator:
    def __init__(self, seed: int):
        self.seed = seed
        self.rng = random.Random(seed)
        self.params: list | None = None  # collecting parameters for the query being built

    def queries(self, n: int) -> list[Query]:
        return [self.query() for _ in range(n)]

    def query(self) -> Query:
        """A query; one in six binds some of its literals as parameters instead."""
        if self.rng.random() >= 1 / 6:
            return self._query()
        self.params = []
        try:
            q = self._query()
            params = {f"p{i}": v for i, v in enumerate(self.params)}
        finally:
            self.params = None
        if not params:
            return q  # (a query shape may repeat an expression's text: a name binds both places)
        return dataclasses.replace(q, sql=_PLACEHOLDER.sub(r"%(p\1)s", q.sql.replace("%", "%%")), params=params)

    def _query(self) -> Query:
        r = self.rng
        x = r.random()
        if x < 0.15:
            return self.writing_query()
        if x < 0.35:
            return self.shaped_query()
        kind = r.choice(list(LITERALS))
        shape = r.random()
        if shape < 0.45:  # one expression per row of the table
            e = self.expr(kind, r.randint(1, DEPTH_MAX))
            return Query(kind, f"select id, {e} as v from {TABLE} order by id")
        if shape < 0.65:  # a filter
            e = self.expr("o", r.randint(1, DEPTH_MAX))
            return Query("o", f"select id from {TABLE} where {e} order by id")
        if shape < 0.8:  # an aggregate
            e = self.expr(kind, r.randint(1, 2))
            agg = r.choice(self._aggregates(kind))
            return Query(kind, f"select {agg.format(e)} as v from {TABLE}")
        # constants only: no table
        e = self.expr(kind, r.randint(1, DEPTH_MAX), table=False)
        return Query(kind, f"select {e} as v")

    def shaped_query(self) -> Query:
        """An expression in a query's other clauses: ORDER BY (NULLs and the type's order),
        GROUP BY, DISTINCT, DISTINCT ON, IN / NOT IN / EXISTS subqueries, window functions,
        set operations, LIMIT, a table made from it by CREATE TABLE AS, a view, a subquery,
        GROUP BY ROLLUP."""
        r = self.rng
        kind = r.choice(SORTED_KINDS + ("o",))
        e = self.expr(kind, r.randint(0, 2))
        direction = r.choice(["", " asc", " desc", " nulls first", " desc nulls last"])
        shape = r.randrange(30)
        if shape >= 19:
            return self._more_shapes(kind, e, direction, shape)
        if shape == 9:  # a join on a typed comparison (types meet across tables)
            col = r.choice(KIND_COLUMNS[kind])
            other = r.choice(KIND_COLUMNS[kind])
            join = r.choice(["join", "left join"])
            return Query(kind, f"select a.id, b.id from {TABLE} a {join} {TABLE} b on a.{col} "
                               f"{r.choice(['=', '<', '<>', 'is not distinct from'])} b.{other} order by 1, 2")
        if shape == 10:  # HAVING on an aggregate of the expression
            agg = r.choice(self._aggregates(kind))
            k = self.expr("o", 1)
            return Query(kind, f"select {k} as k, count(*) as n from {TABLE} group by 1 "
                               f"having {agg.format(e)} is not null order by 1{direction}")
        if shape == 11:  # a scalar subquery compared with each row
            agg = r.choice([a for a in self._aggregates(kind) if "filter" not in a and "string_agg" not in a])
            return Query(kind, f"select id from {TABLE} where {e} {r.choice(['=', '<', '>=', '<>'])} "
                               f"(select {agg.format(e)} from {TABLE}) order by id")
        if shape == 13:  # a CTE, used twice
            return Query(kind, f"with c as (select id, {e} as v from {TABLE}) select c.id, c.v from c join c c2 "
                               f"on c2.id = c.id order by c.v{direction}, c.id")
        if shape == 14:  # DISTINCT ON: each group's first row by the ORDER BY
            k = self.expr(r.choice(ORDERED_KINDS), r.randint(0, 1))
            return Query(kind, f"select distinct on ({k}) id, {e} as v from {TABLE} order by {k}{direction}, id")
        if shape in (15, 16) and self.params:  # (no parameters in CREATE TABLE AS or CREATE VIEW)
            saved, self.params = self.params, None
            try:
                e = self.expr(kind, r.randint(0, 2))
            finally:
                self.params = saved
        if shape == 15:  # CREATE TABLE AS: the table keeps the expression's type (ordering, comparing)
            # (an alias of its own: psycopg prepares a text seen 5 times, and PostgreSQL then
            # refuses the plan once the table is made again with another type, 0A000)
            return Query(kind, f"select id, v from {CTAS_TABLE} as c{r.randrange(10 ** 6)} order by v{direction}, id",
                         setup=(f"drop table if exists {CTAS_TABLE}",
                                f"create table {CTAS_TABLE} as select id, {e} as v from {TABLE}"))
        if shape == 16:  # a view: its column compared and sorted as the expression's type
            cmp = f" where v {r.choice(['=', '<', '>', '<>'])} {self.leaf(kind, False)}" if kind != "o" else ""
            return Query(kind, f"select id, v from {VIEW} as w{r.randrange(10 ** 6)}{cmp} order by v{direction}, id",
                         setup=(f"drop view if exists {VIEW}",
                                f"create view {VIEW} as select id, {e} as v from {TABLE}"))
        if shape == 17:  # a subquery's column shown, compared and computed on by the outer query
            cmp = f" where s.v {r.choice(['=', '<', '>', '<>'])} {self.leaf(kind, False)}" if kind != "o" else ""
            outer = r.choice(["s.v", "s.v, s.v is null"] + (["s.v, s.v * 2, -s.v"] if kind in ("i", "n", "f") else []))
            return Query(kind, f"select s.id, {outer} from (select id, {e} as v from {TABLE}) s{cmp} "
                               f"order by s.v{direction}, s.id")
        if shape == 18:  # ROLLUP: each group's aggregate and the total (GROUPING() orders a NULL group apart)
            k = self.expr(r.choice(ORDERED_KINDS), r.randint(0, 1))
            agg = r.choice(self._aggregates(kind))
            return Query(kind, f"select grouping({k}) as g, {k} as k, {agg.format(e)} as a from {TABLE} "
                               f"group by rollup ({k}) order by 1, 2{direction}")
        if shape == 12:  # IN / NOT IN with a NULL in the list
            items = ", ".join([self.leaf(kind, False), NULLS[kind] if kind in NULLS else "NULL", self.leaf(kind, False)])
            return Query(kind, f"select id from {TABLE} where {e} {r.choice(['in', 'not in'])} ({items}) order by id")
        if shape == 0:
            return Query(kind, f"select id, {e} as v from {TABLE} order by v{direction}, id")
        if shape == 1:
            return Query(kind, f"select {e} as g, count(*) as n from {TABLE} group by 1 order by 1{direction}")
        if shape == 2:
            return Query(kind, f"select distinct {e} as v from {TABLE} order by 1{direction}")
        if shape == 3:
            other = self.expr(kind, r.randint(0, 1))
            neg = r.choice(["", "not "])
            return Query(kind, f"select id from {TABLE} where {e} {neg}in (select {other} from {TABLE} f2 "
                               f"where f2.id <> {TABLE}.id) order by id")
        if shape == 4:
            col = r.choice(KIND_COLUMNS[kind])
            return Query(kind, f"select id from {TABLE} where {r.choice(['', 'not '])}exists (select 1 from {TABLE} f2 "
                               f"where f2.{col} {r.choice(['=', '<', '>='])} {TABLE}.{col} and f2.id <> {TABLE}.id) "
                               f"order by id")
        if shape == 5:
            fn = r.choice(["row_number()", "rank()", "dense_rank()", "count(*)"] +
                          ([f"sum({e})", f"min({e})", f"max({e})"] if kind in ("i", "n", "f") else
                           [f"min({e})", f"max({e})"] if kind in ORDERED_KINDS else []))
            window = r.choice([f"order by {e}{direction}, id", "order by id", f"partition by {e} order by id"])
            return Query(kind, f"select id, {fn} over ({window}) as w from {TABLE} order by id")
        if shape == 6:
            op = r.choice(["union", "union all", "intersect", "except"])
            other = self.expr(kind, r.randint(0, 2))
            return Query(kind, f"select {e} as v from {TABLE} {op} select {other} from {TABLE} order by 1{direction}")
        if shape == 7:
            return Query(kind, f"select id from {TABLE} order by {e}{direction}, id limit {r.choice([1, 2, 3])} "
                               f"offset {r.choice([0, 1, 2])}")
        agg = r.choice(self._aggregates(kind))
        return Query(kind, f"select {self.expr('o', 1)} as k, {agg.format(e)} as a from {TABLE} group by 1 "
                           f"order by 1{direction}")

    def _more_shapes(self, kind: str, e: str, direction: str, shape: int) -> Query:
        """Window frames and ranking functions, CUBE, LATERAL, aggregates with DISTINCT or
        ORDER BY, correlated subqueries in the select list, a VALUES list."""
        r = self.rng
        numeric = kind in NUMERIC_KINDS
        if shape == 19:  # a window frame
            fn = r.choice(["count({})", "first_value({})", "last_value({})", "nth_value({}, 2)"] +
                          (["sum({})", "avg({})", "min({})", "max({})"] if numeric else
                           ["min({})", "max({})"] if kind in ORDERED_KINDS else []))
            frame = r.choice(["rows between 1 preceding and 1 following",
                              "rows between unbounded preceding and current row",
                              "rows between current row and unbounded following", "rows 2 preceding", ""])
            return Query(kind, f"select id, {fn.format(e)} over (order by id {frame}) as w from {TABLE} order by id")
        if shape == 20:  # lag / lead with a default, ranking
            if r.random() < 0.5:
                fn = f"{r.choice(['lag', 'lead'])}({e}, {r.choice(['1', '2'])}, {self.leaf(kind, False)})"
            else:
                fn = r.choice(["ntile(2)", "ntile(3)", "percent_rank()", "cume_dist()", "rank()"])
            order = f"{e}{direction}, id" if kind in SORTED_KINDS + ("o",) else "id"
            return Query(kind, f"select id, {fn} over (order by {order}) as w from {TABLE} order by id")
        if shape == 21 and kind in ORDERED_KINDS + ("o",):  # CUBE of two keys
            # (each naming a column: PostgreSQL drops a constant from the ORDER BY's sort keys,
            # although under CUBE it is NULL in the rolled-up rows, so those rows come unsorted)
            # (and it folds constant subexpressions first: coalesce('2024-02-29'::date, cd) is a constant)
            # (and two different columns: PostgreSQL drops a sort key whose expression an
            # earlier one has, though under CUBE the two columns differ, so rows come half sorted)
            e = r.choice(KIND_COLUMNS[kind])
            k = r.choice([c for cols in KIND_COLUMNS.values() for c in cols if c not in ("ca", "cj", "cta", e)])
            agg = r.choice(self._aggregates(kind))
            return Query(kind, f"select {e} as a, {k} as b, count(*) as n, {agg.format(e)} as g from {TABLE} "
                               f"group by cube (1, 2) order by 1{direction}, 2, 3, 4")
        if shape == 22:  # LATERAL: the expression over the outer row
            return Query(kind, f"select f.id, l.v from {TABLE} f, lateral (select {e} as v) l order by f.id")
        if shape == 23 and kind in ORDERED_KINDS:  # aggregates with DISTINCT or ORDER BY
            agg = r.choice([f"count(distinct {e})", f"array_agg({e} order by {e}{direction}, id)",
                            f"array_agg(distinct {e})" if kind in ("i", "t") else f"count(distinct {e})"] +
                           ([f"string_agg(distinct {e}, ',')", f"string_agg({e}, '|' order by {e}{direction})"]
                            if kind == "t" else []) + ([f"sum(distinct {e})"] if numeric else []))
            return Query(kind, f"select {agg} as v from {TABLE}")
        if shape == 24 and kind in ORDERED_KINDS:  # a correlated subquery in the select list
            col = r.choice(KIND_COLUMNS[kind])
            op = r.choice(["<", "=", ">="])
            return Query(kind, f"select id, (select count(*) from {TABLE} f2 where f2.{col} {op} {TABLE}.{col}) "
                               f"as c, (select min(f2.id) from {TABLE} f2 where f2.{col} = {e}) as m "
                               f"from {TABLE} order by id")
        if shape == 26:  # a join on expressions of both sides (an outer join keeps unmatched rows)
            other = self.expr(kind, r.randint(0, 1)).replace(f"{TABLE}.", "")
            join = r.choice(["join", "left join", "right join", "full join"])
            op = r.choice(["=", "<", "<>", "is not distinct from"])
            return Query(kind, f"select a.id, b.id from {TABLE} a {join} {TABLE} b on ({self._on(e, 'a')}) {op} "
                               f"({self._on(other, 'b')}) order by 1, 2")
        if shape == 27 and kind in SORTED_KINDS:  # a join's rows grouped by an expression over both tables
            agg = r.choice(self._aggregates(kind))
            return Query(kind, f"select {self._on(e, 'a')} as g, {agg.format(self._on(e, 'b'))} as x, count(*) as n "
                               f"from {TABLE} a join {TABLE} b on a.id <= b.id group by 1 order by 1{direction}, 2, 3")
        if shape == 28:  # a window over a join's rows, partitioned by an expression of one side
            fn = r.choice(["row_number()", "rank()", "count(*)", f"first_value({self._on(e, 'b')})",
                           f"lag({self._on(e, 'b')})"] + ([f"sum({self._on(e, 'b')})"] if numeric else []))
            part = self._on(e, "a") if kind in SORTED_KINDS else "a.id % 2"
            return Query(kind, f"select a.id, b.id, {fn} over (partition by {part} order by a.id, b.id) as w "
                               f"from {TABLE} a join {TABLE} b on a.id <= b.id order by 1, 2")
        if shape == 29:  # a recursive CTE: a value carried through rows (its type fixed by the first term)
            other = self.expr(kind, r.randint(0, 1)).replace(f"{TABLE}.", "f.")
            other = self._on(other, "f")
            return Query(kind, f"with recursive w(n, v) as (select 1, {e} from {TABLE} where id = 1 union all "
                               f"select w.n + 1, {other} from w join {TABLE} f on f.id = w.n + 1 where w.n < 5) "
                               f"select n, v from w order by n")
        # constants in a VALUES list, sorted and compared (no table)
        items = ", ".join(f"({self.expr(kind, r.randint(0, 2), table=False)})" for _ in range(r.randint(2, 4)))
        order = f" order by 1{direction}" if kind in SORTED_KINDS else ""
        return Query(kind, f"select x from (values {items}) v(x){order}")

    @staticmethod
    def _on(e: str, alias: str) -> str:
        """The expression `e` over the table's columns as `alias`'s (a.ci): for a join of
        the table with itself."""
        return re.sub(r"(?<![.\w])(c[a-z0-9]+)\b", lambda m: f"{alias}.{m.group(1)}" if m.group(1) in _COLUMN_NAMES
                      else m.group(1), e)

    def writing_query(self) -> Query:
        """An expression stored by UPDATE, INSERT ... SELECT, INSERT ... VALUES or ON
        CONFLICT (mostly of the column's kind, else of another: an assignment cast, or
        42804), or a DELETE; with RETURNING or not. What the table holds after is compared too."""
        r = self.rng
        targets = [(c, k) for k, cols in KIND_COLUMNS.items() for c in cols]
        targets += [(c, k) for c, (_t, k) in EXTRA_COLUMNS.items()]
        col, kind = r.choice(targets)
        vkind = kind if r.random() < 0.7 else r.choice(list(LITERALS))
        e = self.expr(vkind, r.randint(0, 2))
        where = f" where {self.expr('o', 1)}" if r.random() < 0.5 else ""
        returning = f" returning id, {col}" if r.random() < 0.3 else ""
        w = WORK_TABLE
        shape = r.randrange(9)
        if shape in (7, 8):  # UPDATE ... FROM / DELETE ... USING another table's rows (one each)
            b = self._on(self.expr(vkind, r.randint(0, 2)).replace(f"{TABLE}.", ""), "b")
            cond = self._on(self.expr("o", 1).replace(f"{TABLE}.", ""), "b")
            if shape == 7:
                sql = f"update {w} set {col} = {b} from {TABLE} b where {w}.id = b.id + 1"
            else:
                sql = f"delete from {w} using {TABLE} b where {w}.id = b.id and {cond}"
            shape, returning = -1, ""  # (RETURNING id would be ambiguous: b has an id)
        if shape == 6 and col in [c for c, _t in COLUMNS.values()] and kind in SORTED_KINDS:
            # the groups of an expression stored, one row each (ids past the table's)
            g = self.expr(kind, r.randint(0, 2)).replace(f"{TABLE}.", "")
            sql = (f"insert into {w} (id, {col}) select 100 + row_number() over (order by {g} nulls first), {g} "
                   f"from {w} group by {g}{' having count(*) > 0' if r.random() < 0.3 else ''}")
            shape = -1
        if shape == 0:
            sql = f"update {w} set {col} = {e}{where}"
        elif shape == 1:
            sql = f"insert into {w} (id, {col}) select id + 10, {e} from {w}{where}"
        elif shape == 2:
            sql = (f"insert into {w} (id, {col}) values (20, {self.expr(vkind, r.randint(0, 2), table=False)}), "
                   f"(21, {self.leaf(vkind, False)})")
        elif shape == 3:  # ids 4 and 5 conflict, 6-8 are new
            sql = (f"insert into {w} (id, {col}) select id + 3, {e} from {w}{where} "
                   f"on conflict (id) do update set {col} = excluded.{col}")
        elif shape == 4 or shape == 6:
            sql = f"insert into {w} (id, {col}) select id + 3, {e} from {w}{where} on conflict (id) do nothing"
        elif shape == 5:
            sql = f"delete from {w}{where}"
        return Query(vkind, sql + returning, setup=_reset_work_table(), check=f"select * from {w} order by id",
                     unordered=bool(returning))

    @staticmethod
    def _aggregates(kind: str) -> list[str]:
        out = ["count({})", "min({})", "max({})"] if kind in ORDERED_KINDS else ["count({})"]
        if kind in NUMERIC_KINDS:
            out += ["sum({})", "avg({})"]
        if kind == "iv":
            out += ["sum({})", "avg({})"]
        if kind == "t":
            out += ["string_agg({}, ',' order by id)"]
        if kind == "o":
            out += ["count(*) filter (where {})", "bool_or({})", "bool_and({})", "every({})"]
        return out

    # --- expressions -------------------------------------------------------------------
    def expr(self, kind: str, depth: int, table: bool = True) -> str:
        r = self.rng
        if depth <= 0 or r.random() < 0.2:
            return self.leaf(kind, table)
        builders = getattr(self, f"_{kind}")(depth - 1, table)
        builders += [
            lambda d, tb: f"coalesce({self.expr(kind, d, tb)}, {self.leaf(kind, tb)})",
            lambda d, tb: f"case when {self.expr('o', d, tb)} then {self.expr(kind, d, tb)} "
                          f"else {self.leaf(kind, tb)} end",
            lambda d, tb: f"nullif({self.expr(kind, d, tb)}, {self.leaf(kind, tb)})",
        ]
        if kind in SORTED_KINDS:
            builders.append(lambda d, tb: f"{r.choice(['greatest', 'least'])}({self.expr(kind, d, tb)}, "
                                          f"{self.expr(kind, d, tb)})")
        return r.choice(builders)(depth - 1, table)

    def leaf(self, kind: str, table: bool) -> str:
        r = self.rng
        x = r.random()
        if table and x < 0.5:
            return r.choice(KIND_COLUMNS[kind])
        if x > 0.96:
            return NULLS[kind]
        literal = r.choice(LITERALS[kind])
        if self.params is not None and literal in PARAM_VALUES and r.random() < 0.6:
            self.params.append(PARAM_VALUES[literal])
            return f"\x00{len(self.params) - 1}\x00"
        return literal

    def _i(self, d, tb):
        e, r = self.expr, self.rng
        return [
            lambda d, tb: f"({e('i', d, tb)} {r.choice(['+', '-', '*', '/', '%'])} {e('i', d, tb)})",
            lambda d, tb: f"(-{e('i', d, tb)})",
            lambda d, tb: f"abs({e('i', d, tb)})",
            lambda d, tb: f"length({e('t', d, tb)})",
            lambda d, tb: f"({e(r.choice(['n', 'f']), d, tb)})::{r.choice(['int', 'bigint', 'smallint'])}",
            lambda d, tb: f"({e('d', d, tb)} - {e('d', d, tb)})",
            lambda d, tb: f"mod({e('i', d, tb)}, {e('i', d, tb)})",
            lambda d, tb: f"position({e('t', d, tb)} in {e('t', d, tb)})",
            lambda d, tb: f"sign({e('i', d, tb)})",
            lambda d, tb: f"({e('i', d, tb)} {r.choice(['&', '|'])} {e('i', d, tb)})",
            lambda d, tb: f"char_length({e('t', d, tb)})",
            lambda d, tb: f"strpos({e('t', d, tb)}, {self.leaf('t', tb)})",
            lambda d, tb: f"ascii({e('t', d, tb)})",
            lambda d, tb: f"{r.choice(['gcd', 'lcm'])}({e('i', d, tb)}, {e('i', d, tb)})",
            lambda d, tb: f"width_bucket({e(r.choice(['n', 'f']), d, tb)}, 0, 10, {r.choice(['1', '3', '5'])})",
            lambda d, tb: f"{r.choice(['scale', 'min_scale'])}({e('n', d, tb)})",
            lambda d, tb: f"date_part({r.choice(EXTRACT_FIELDS)!r}, {e(r.choice(['ts', 'tz', 'iv']), d, tb)})::int",
            lambda d, tb: f"{r.choice(['array_length', 'array_upper', 'array_lower'])}({e('a', d, tb)}, 1)",
            lambda d, tb: f"cardinality({e('a', d, tb)})",
            lambda d, tb: f"({e('a', d, tb)})[{e('i', 0, tb)}]",
            lambda d, tb: f"array_position({e('a', d, tb)}, {e('i', d, tb)})",
            lambda d, tb: f"jsonb_array_length({e('j', d, tb)})",
            lambda d, tb: f"({e('j', d, tb)} ->> {r.choice(JSON_KEYS)})::int",
            lambda d, tb: f"{r.choice(['length', 'octet_length', 'bit_length'])}({e('by', d, tb)})",
            lambda d, tb: f"get_byte({e('by', d, tb)}, {r.choice(['0', '1', '3'])})",
            lambda d, tb: f"position({e('by', 0, tb)} in {e('by', d, tb)})",
            lambda d, tb: f"{r.choice(['array_length', 'array_upper'])}({e('ta', d, tb)}, 1)",
            lambda d, tb: f"cardinality({e('ta', d, tb)})",
            lambda d, tb: f"array_position({e('ta', d, tb)}, {e('t', d, tb)})",
            lambda d, tb: f"extract({r.choice(['hour', 'minute', 'second', 'epoch'])} from {e('tm', d, tb)})::int",
        ]

    def _n(self, d, tb):
        e, r = self.expr, self.rng
        return [
            lambda d, tb: f"({e(r.choice(['n', 'i']), d, tb)} {r.choice(['+', '-', '*', '/', '%'])} {e('n', d, tb)})",
            lambda d, tb: f"round({e('n', d, tb)}{r.choice(['', ', 0', ', 1', ', 2', ', -1'])})",
            lambda d, tb: f"trunc({e('n', d, tb)}{r.choice(['', ', 1', ', -1'])})",
            lambda d, tb: f"{r.choice(['ceil', 'floor', 'abs', 'sign'])}({e('n', d, tb)})",
            lambda d, tb: f"({e(r.choice(['i', 'f', 't']), d, tb)})::numeric",
            lambda d, tb: f"(-{e('n', d, tb)})",
            lambda d, tb: f"extract({r.choice(EXTRACT_FIELDS)} from {e(r.choice(['ts', 'd', 'iv']), d, tb)})",
            lambda d, tb: f"div({e('n', d, tb)}, {e('n', d, tb)})",
            lambda d, tb: f"({e('j', d, tb)} {r.choice(['->', '->>'])} {r.choice(JSON_KEYS)})::numeric",
            lambda d, tb: f"{r.choice(['sqrt', 'exp', 'ln', 'log10', 'log'])}({e('n', d, tb)})",
            lambda d, tb: f"power({e('n', d, tb)}, {r.choice(['0', '2', '0.5', '-1', '3::numeric'])})",
            lambda d, tb: f"trim_scale({e('n', d, tb)})",
            lambda d, tb: f"{r.choice(['gcd', 'lcm', 'mod'])}({e('n', d, tb)}, {e('n', d, tb)})",
            lambda d, tb: f"extract({r.choice(EXTRACT_FIELDS)} from {e('tz', d, tb)})",
        ]

    def _f(self, d, tb):
        e, r = self.expr, self.rng
        return [
            lambda d, tb: f"({e(r.choice(['f', 'i', 'n']), d, tb)} {r.choice(['+', '-', '*', '/'])} {e('f', d, tb)})",
            lambda d, tb: f"({e(r.choice(['i', 'n', 't']), d, tb)})::{r.choice(['float8', 'real', 'double precision'])}",
            lambda d, tb: f"{r.choice(['round', 'trunc', 'ceil', 'floor', 'abs', 'sqrt', 'exp', 'ln'])}({e('f', d, tb)})",
            lambda d, tb: f"power({e('f', d, tb)}, {e(r.choice(['f', 'i']), d, tb)})",
            lambda d, tb: f"(-{e('f', d, tb)})",
        ]

    def _t(self, d, tb):
        e, r = self.expr, self.rng
        return [
            lambda d, tb: f"({e('t', d, tb)} || {e(r.choice(['t', 't', 'i', 'n', 'd']), d, tb)})",
            lambda d, tb: f"{r.choice(['upper', 'lower', 'initcap', 'trim', 'ltrim', 'rtrim'])}({e('t', d, tb)})",
            lambda d, tb: f"substr({e('t', d, tb)}, {e('i', d, tb)}{r.choice(['', ', 2', ', 0'])})",
            lambda d, tb: f"{r.choice(['left', 'right', 'repeat'])}({e('t', d, tb)}, {r.choice(['0', '1', '2', '-1', '3'])})",
            lambda d, tb: f"replace({e('t', d, tb)}, {self.leaf('t', tb)}, {self.leaf('t', tb)})",
            lambda d, tb: f"({e('e', d, tb)})::text",
            lambda d, tb: f"{r.choice(['lpad', 'rpad'])}({e('t', d, tb)}, {r.choice(['0', '3', '6'])}"
                          f"{r.choice(['', ', ' + repr('*')])})",
            lambda d, tb: f"({e(r.choice(list(LITERALS)), d, tb)})::text",
            lambda d, tb: f"concat({e('t', d, tb)}, {e(r.choice(list(LITERALS)), d, tb)})",
            lambda d, tb: f"split_part({e('t', d, tb)}, {r.choice([repr(' '), repr('a'), repr('-')])}, "
                          f"{r.choice(['1', '2'])})",
            lambda d, tb: f"to_char({e(r.choice(['ts', 'd', 'tz']), d, tb)}, "
                          f"{r.choice([repr('YYYY-MM-DD'), repr('HH24:MI:SS'), repr('Mon DD YYYY'), repr('DDD')])})",
            lambda d, tb: f"array_to_string({e('a', d, tb)}, {r.choice([repr(','), repr('')])}"
                          f"{r.choice(['', ', ' + repr('*')])})",
            lambda d, tb: f"({e('j', d, tb)} ->> {r.choice(JSON_KEYS)})",
            lambda d, tb: f"({e('j', d, tb)} #>> {r.choice(JSON_PATHS)})",
            lambda d, tb: f"jsonb_typeof({e('j', d, tb)})",
            lambda d, tb: f"{r.choice(['reverse', 'md5', 'quote_literal', 'quote_ident', 'btrim'])}({e('t', d, tb)})",
            lambda d, tb: f"translate({e('t', d, tb)}, {r.choice(TEXT_SETS)}, {r.choice(TEXT_SETS)})",
            lambda d, tb: f"{r.choice(['btrim', 'ltrim', 'rtrim'])}({e('t', d, tb)}, {r.choice(TEXT_SETS)})",
            lambda d, tb: f"regexp_replace({e('t', d, tb)}, {r.choice(REGEXES)}, {r.choice(REPLACEMENTS)}"
                          f"{r.choice(['', ', ' + repr('g'), ', ' + repr('gi')])})",
            lambda d, tb: f"concat_ws({r.choice([repr(','), repr(''), 'NULL'])}, {e('t', d, tb)}, "
                          f"{e(r.choice(list(LITERALS)), d, tb)})",
            lambda d, tb: f"format({r.choice(FORMATS)}, {e('t', d, tb)}, {e(r.choice(['i', 'n', 'd']), d, tb)})",
            lambda d, tb: f"overlay({e('t', d, tb)} placing {self.leaf('t', tb)} from {r.choice(['1', '2', '4'])}"
                          f"{r.choice(['', ' for 0', ' for 2'])})",
            lambda d, tb: f"to_hex({e('i', d, tb)})",
            lambda d, tb: f"chr({r.choice(['65', '97', '223', '26085'])})",
            lambda d, tb: f"split_part({e('t', d, tb)}, {r.choice([repr(' '), repr('a')])}, {r.choice(['-1', '3'])})",
            lambda d, tb: f"to_char({e(r.choice(['i', 'n', 'f']), d, tb)}, {r.choice(NUMBER_FORMATS)})",
            lambda d, tb: f"to_char({e(r.choice(['ts', 'tz', 'iv']), d, tb)}, {r.choice(DATE_FORMATS)})",
            lambda d, tb: f"({e('tz', d, tb)} at time zone {r.choice(ZONES)})::text",
            lambda d, tb: f"encode({e('by', d, tb)}, {r.choice([repr('hex'), repr('base64'), repr('escape')])})",
            lambda d, tb: f"md5({e('by', d, tb)})",
            lambda d, tb: f"({e('ta', d, tb)})[{e('i', 0, tb)}]",
            lambda d, tb: f"array_to_string({e('ta', d, tb)}, {r.choice([repr(','), repr('')])}"
                          f"{r.choice(['', ', ' + repr('*')])})",
            lambda d, tb: f"({e(r.choice(['u', 'tm', 'by', 'ta']), d, tb)})::text",
            lambda d, tb: f"to_char({e('tm', d, tb)}::interval, {r.choice(DATE_FORMATS[:4])})",
        ]

    def _o(self, d, tb):
        e, r = self.expr, self.rng
        return [
            lambda d, tb: self._compare(d, tb),
            lambda d, tb: self._compare(d, tb),
            lambda d, tb: f"({e('o', d, tb)} {r.choice(['and', 'or'])} {e('o', d, tb)})",
            lambda d, tb: f"(not {e('o', d, tb)})",
            lambda d, tb: f"({e(r.choice(list(LITERALS)), d, tb)} is {r.choice(['', 'not '])}null)",
            lambda d, tb: f"({e('t', d, tb)} {r.choice(['like', 'not like', 'ilike'])} "
                          f"{r.choice([repr('a%'), repr('%a%'), repr('_'), repr('%'), repr('A%'), repr('%_b%'), repr('%ß'), repr('_本%')])})",
            lambda d, tb: f"({e('t', d, tb)} like {r.choice([repr('a!_%'), repr('%!%%'), repr('A!_b%')])} escape '!')",
            lambda d, tb: f"({e('t', d, tb)} like {r.choice(BACKSLASH_PATTERNS)})",
            lambda d, tb: self._between(d, tb),
            lambda d, tb: self._in(d, tb),
            lambda d, tb: f"({e('t', d, tb)})::boolean",
            lambda d, tb: f"({e('i', d, tb)} {r.choice(['=', '<>', '<', '>='])} {r.choice(['any', 'all'])}"
                          f"({e('a', d, tb)}))",
            lambda d, tb: f"({e('a', d, tb)} {r.choice(['@>', '<@', '&&', '=', '<>', '<', '>='])} {e('a', d, tb)})",
            lambda d, tb: f"({e('j', d, tb)} {r.choice(['@>', '<@', '=', '<>', '<'])} {e('j', d, tb)})",
            lambda d, tb: f"({e('j', d, tb)} {r.choice(JSON_KEY_TESTS)})",
            lambda d, tb: f"({e('j', d, tb)} -> {r.choice(JSON_KEYS)})::boolean",
            lambda d, tb: f"({e('t', d, tb)} {r.choice(['=', '<>'])} {r.choice(['any', 'all'])}({e('ta', d, tb)}))",
            lambda d, tb: f"({e('ta', d, tb)} {r.choice(['@>', '<@', '&&', '=', '<>'])} {e('ta', d, tb)})",
            lambda d, tb: f"({e('by', d, tb)} {r.choice(['like', 'not like'])} "
                          f"{r.choice(BYTEA_PATTERNS)}::bytea)",
        ]

    def _compare(self, d, tb) -> str:
        r = self.rng
        kind = r.choice(SORTED_KINDS + ("o",))
        other = kind
        if kind in NUMERIC_KINDS:
            other = r.choice(NUMERIC_KINDS)
        elif kind in ("d", "ts", "tz"):
            other = r.choice(["d", "ts", "tz"]) if r.random() < 0.5 else kind
        op = r.choice(["=", "<>", "<", "<=", ">", ">=", "is distinct from"])
        return f"({self.expr(kind, d, tb)} {op} {self.expr(other, d, tb)})"

    def _between(self, d, tb) -> str:
        kind = self.rng.choice(SORTED_KINDS)
        return f"({self.expr(kind, d, tb)} between {self.leaf(kind, tb)} and {self.leaf(kind, tb)})"

    def _in(self, d, tb) -> str:
        kind = self.rng.choice(SORTED_KINDS)
        items = ", ".join(self.leaf(kind, tb) for _ in range(self.rng.randint(1, 3)))
        return f"({self.expr(kind, d, tb)} in ({items}))"

    def _d(self, d, tb):
        e, r = self.expr, self.rng
        return [
            lambda d, tb: f"({e('d', d, tb)} {r.choice(['+', '-'])} {e('i', 0, tb)})",
            lambda d, tb: f"({e(r.choice(['ts', 'tz', 't']), d, tb)})::date",
            lambda d, tb: f"make_date({r.choice(['2024', '2023', '1999'])}, {r.choice(['1', '2', '12'])}, "
                          f"{r.choice(['1', '28', '29', '31'])})",
        ]

    def _ts(self, d, tb):
        e, r = self.expr, self.rng
        return [
            lambda d, tb: f"({e(r.choice(['ts', 'd']), d, tb)} {r.choice(['+', '-'])} {e('iv', d, tb)})",
            lambda d, tb: f"date_trunc({r.choice(TRUNC_UNITS)}, {e('ts', d, tb)})",
            lambda d, tb: f"({e(r.choice(['d', 'tz', 't']), d, tb)})::timestamp",
            lambda d, tb: f"({e('d', d, tb)} + {r.choice(['time ' + repr('10:30'), 'time ' + repr('23:59:59.5')])})",
            lambda d, tb: f"({e('tz', d, tb)} at time zone {r.choice(ZONES)})",
            lambda d, tb: f"make_timestamp({r.choice(['2024', '1999'])}, {r.choice(['2', '12'])}, "
                          f"{r.choice(['29', '31', '1'])}, {r.choice(['0', '23'])}, {r.choice(['0', '59'])}, "
                          f"{r.choice(['0', '30.5'])})",
            lambda d, tb: f"date_bin({r.choice(['interval ' + repr('15 minutes'), 'interval ' + repr('1 day')])}, "
                          f"{e('ts', d, tb)}, timestamp '2000-01-01')",
            lambda d, tb: f"({e('d', d, tb)} + {e('tm', d, tb)})",
        ]

    def _tz(self, d, tb):
        e, r = self.expr, self.rng
        return [
            lambda d, tb: f"({e('tz', d, tb)} {r.choice(['+', '-'])} {e('iv', d, tb)})",
            lambda d, tb: f"({e(r.choice(['d', 'ts']), d, tb)})::timestamptz",
            lambda d, tb: f"date_trunc({r.choice(TRUNC_UNITS)}, {e('tz', d, tb)})",
            lambda d, tb: f"({e('ts', d, tb)} at time zone {r.choice(ZONES)})",
        ]

    def _iv(self, d, tb):
        e, r = self.expr, self.rng
        return [
            lambda d, tb: f"({e('iv', d, tb)} {r.choice(['+', '-'])} {e('iv', d, tb)})",
            lambda d, tb: f"({e('ts', d, tb)} - {e('ts', d, tb)})",
            lambda d, tb: f"({e('tz', d, tb)} - {e('tz', d, tb)})",
            lambda d, tb: f"({e('iv', d, tb)} {r.choice(['*', '/'])} {e(r.choice(['i', 'n', 'f']), 0, tb)})",
            lambda d, tb: f"(-{e('iv', d, tb)})",
            lambda d, tb: f"age({e('ts', d, tb)}, {e('ts', d, tb)})",
            lambda d, tb: f"({e('t', 0, tb)})::interval",
            lambda d, tb: f"{r.choice(['justify_days', 'justify_hours', 'justify_interval'])}({e('iv', d, tb)})",
            lambda d, tb: f"make_interval({r.choice(['0', '1'])}, {r.choice(['0', '13'])}, 0, {r.choice(['0', '40'])}, "
                          f"{r.choice(['0', '25'])}, 0, {r.choice(['0', '1.5'])})",
            lambda d, tb: f"date_trunc({r.choice(TRUNC_UNITS)}, {e('iv', d, tb)})",
            lambda d, tb: f"({e('tm', d, tb)} - {e('tm', d, tb)})",
        ]

    def _a(self, d, tb):
        e, r = self.expr, self.rng
        return [
            lambda d, tb: f"({e('a', d, tb)} || {e(r.choice(['a', 'i']), d, tb)})",
            lambda d, tb: f"({e('i', d, tb)} || {e('a', d, tb)})",
            lambda d, tb: f"{r.choice(['array_append', 'array_remove'])}({e('a', d, tb)}, {e('i', d, tb)})",
            lambda d, tb: f"array_prepend({e('i', d, tb)}, {e('a', d, tb)})",
            lambda d, tb: f"array_cat({e('a', d, tb)}, {e('a', d, tb)})",
            lambda d, tb: f"array_replace({e('a', d, tb)}, {e('i', 0, tb)}, {e('i', d, tb)})",
            lambda d, tb: f"array[{e('i', d, tb)}, {e('i', d, tb)}]",
            lambda d, tb: f"({e('a', d, tb)})[{r.choice(['1:2', '2:', ':1', '0:9'])}]",
            lambda d, tb: f"array_positions({e('a', d, tb)}, {e('i', d, tb)})",
            lambda d, tb: f"(select array_agg(f2.{r.choice(KIND_COLUMNS['i'][:2])} order by f2.id) "
                          f"from {TABLE} f2 where f2.id < {r.choice(['3', '6'])})",
            lambda d, tb: f"string_to_array({r.choice([repr('1,2,,3'), repr('4'), repr('')])}, ',', '')::int[]",
        ]

    def _j(self, d, tb):
        e, r = self.expr, self.rng
        return [
            lambda d, tb: f"({e('j', d, tb)} -> {r.choice(JSON_KEYS)})",
            lambda d, tb: f"({e('j', d, tb)} #> {r.choice(JSON_PATHS)})",
            lambda d, tb: f"({e('j', d, tb)} || {e('j', d, tb)})",
            lambda d, tb: f"({e('j', d, tb)} - {r.choice(JSON_KEYS)})",
            lambda d, tb: f"jsonb_build_object('k', {e(r.choice(['i', 'n', 't', 'o', 'j', 'd']), d, tb)})",
            lambda d, tb: f"jsonb_build_array({e(r.choice(['i', 'f', 't', 'j']), d, tb)}, "
                          f"{e(r.choice(['i', 'n', 'o', 'ts']), d, tb)})",
            lambda d, tb: f"to_jsonb({e(r.choice(['i', 'n', 'f', 't', 'o', 'd', 'ts', 'tz', 'a']), d, tb)})",
            lambda d, tb: f"jsonb_strip_nulls({e('j', d, tb)})",
            lambda d, tb: f"jsonb_set({e('j', d, tb)}, {r.choice(JSON_PATHS)}, {e('j', d, tb)}"
                          f"{r.choice(['', ', false'])})",
            lambda d, tb: f"({e('t', 0, tb)})::jsonb",
            lambda d, tb: f"(select jsonb_agg(f2.{r.choice(['ci', 'ct', 'cj', 'cn', 'cd'])} order by f2.id) "
                          f"from {TABLE} f2)",
        ]

    def _u(self, d, tb):
        e, r = self.expr, self.rng
        return [
            lambda d, tb: f"({e('t', 0, tb)})::uuid",
            lambda d, tb: f"md5({e('t', d, tb)})::uuid",
            lambda d, tb: f"({r.choice(LITERALS['u'])})::text::uuid",
        ]

    def _by(self, d, tb):
        e, r = self.expr, self.rng
        return [
            lambda d, tb: f"({e('by', d, tb)} || {e('by', d, tb)})",
            lambda d, tb: f"decode({e('t', d, tb)}, {r.choice([repr('escape'), repr('hex'), repr('base64')])})",
            lambda d, tb: f"{r.choice(['sha256', 'sha224'])}({e('by', d, tb)})",
            lambda d, tb: f"substring({e('by', d, tb)} from {r.choice(['1', '2', '0'])}"
                          f"{r.choice(['', ' for 2', ' for 0'])})",
            lambda d, tb: f"convert_to({e('t', d, tb)}, 'UTF8')",
            lambda d, tb: f"({e('t', d, tb)})::bytea",
            lambda d, tb: f"overlay({e('by', d, tb)} placing {self.leaf('by', tb)} from {r.choice(['1', '2'])})",
            lambda d, tb: f"set_byte({e('by', d, tb)}, 0, {r.choice(['0', '65', '255'])})",
            lambda d, tb: f"{r.choice(['btrim', 'ltrim', 'rtrim'])}({e('by', d, tb)}, {self.leaf('by', tb)})",
        ]

    def _tm(self, d, tb):
        e, r = self.expr, self.rng
        return [
            lambda d, tb: f"({e('tm', d, tb)} {r.choice(['+', '-'])} {e('iv', d, tb)})",
            lambda d, tb: f"({e(r.choice(['ts', 'tz', 't']), d, tb)})::time",
            lambda d, tb: f"make_time({r.choice(['0', '12', '23'])}, {r.choice(['0', '59'])}, "
                          f"{r.choice(['0', '30.5', '59.999999'])})",
            lambda d, tb: f"({e('iv', d, tb)})::time",
            lambda d, tb: f"date_trunc({r.choice(TRUNC_UNITS[3:5])}, {e('tm', d, tb)}::interval)::time",
        ]

    def _e(self, d, tb):
        e, r = self.expr, self.rng
        return [
            lambda d, tb: f"({e('t', 0, tb)})::{ENUM_TYPE}",
            lambda d, tb: f"(enum_range(null::{ENUM_TYPE}))[{r.choice(['1', '2', '3', '4'])}]",
            lambda d, tb: f"(enum_range({e('e', d, tb)}, {self.leaf('e', tb)}))[1]",
            lambda d, tb: f"(select {r.choice(['min', 'max'])}(f2.ce) from {TABLE} f2 where f2.id <> {TABLE}.id)"
                          if tb else f"(select {r.choice(['min', 'max'])}(f2.ce) from {TABLE} f2)",
        ]

    def _ta(self, d, tb):
        e, r = self.expr, self.rng
        return [
            lambda d, tb: f"({e('ta', d, tb)} || {e(r.choice(['ta', 't']), d, tb)})",
            lambda d, tb: f"({e('t', d, tb)} || {e('ta', d, tb)})",
            lambda d, tb: f"{r.choice(['array_append', 'array_remove'])}({e('ta', d, tb)}, {e('t', d, tb)})",
            lambda d, tb: f"array_prepend({e('t', d, tb)}, {e('ta', d, tb)})",
            lambda d, tb: f"array_cat({e('ta', d, tb)}, {e('ta', d, tb)})",
            lambda d, tb: f"array_replace({e('ta', d, tb)}, {e('t', 0, tb)}, {e('t', d, tb)})",
            lambda d, tb: f"array[{e('t', d, tb)}, {e('t', d, tb)}]",
            lambda d, tb: f"({e('ta', d, tb)})[{r.choice(['1:2', '2:', ':1'])}]",
            lambda d, tb: f"string_to_array({e('t', d, tb)}, {r.choice([repr(' '), repr('a'), 'NULL', repr('')])})",
            lambda d, tb: f"regexp_split_to_array({e('t', d, tb)}, {r.choice(SPLIT_PATTERNS)})",
            lambda d, tb: f"(select array_agg(f2.ct order by f2.id) from {TABLE} f2 "
                          f"where f2.id < {r.choice(['3', '6'])})",
        ]


# --- comparing outcomes ----------------------------------------------------------------
WRONG = "wrong answer"          # both answered, differently; or Sixfold answered where PostgreSQL failed
REFUSED = "refused"             # Sixfold failed where PostgreSQL answered
OTHER_ERROR = "other sqlstate"  # both failed, with different SQLSTATEs


def classify(want, got) -> str | None:
    """None when the outcomes agree. Outcomes are ("rows", names, rows) or ("error", sqlstate)."""
    if want == got:
        return None
    if got[0] == "error" and want[0] == "error":
        return OTHER_ERROR
    if got[0] == "error":
        return REFUSED
    return WRONG


# Known differences, documented in docs/2026-12-03-pg-compatibility.md ("Generated expressions").
LENIENT_TYPES = "accepts arguments PostgreSQL has no function for"  # substr(text, bigint), date + bigint
DISPLAY_ONLY = "the same numbers, printed differently"  # a numeric's scale through least(), -0
# (PostgreSQL's folding of constants while planning, once a known class here, is done:
# constant_folding.py. Such a difference counts as a wrong answer now.)


def known_difference(want, got) -> str | None:
    """The documented class of a WRONG difference, or None for one not known (a bug)."""
    if want[0] == "error" and want[1] == "42883" and got[0] in ("rows", "ok"):
        return LENIENT_TYPES
    if want[0] == got[0] == "rows" and want[1] == got[1] and len(want[2]) == len(got[2]) and all(
            len(r1) == len(r2) and all(_same_number(x, y) for x, y in zip(r1, r2)) for r1, r2 in zip(want[2], got[2])):
        return DISPLAY_ONLY
    return None


def _same_number(x, y) -> bool:
    if x == y:
        return True
    if not isinstance(x, str) or not isinstance(y, str):
        return False
    try:
        return Decimal(x) == Decimal(y)
    except InvalidOperation:
        return False
