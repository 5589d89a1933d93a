"""PostgreSQL SQL -> SQLite: each translation is run on an in-memory SQLite and its rows checked."""

from __future__ import annotations

import json
import time
from pathlib import Path

import apsw
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from compute_node.pg_sql import functions, prepared, schema, temporal
from compute_node.pg_sql.copy import CopyParser, insert_sql
from compute_node.pg_sql.translate import (
    SessionContext,
    Statement,
    split_statements,
    translate,
)
from sixfold.errors import SqlError

CTX = SessionContext(user="alice", database="shop", backend_pid=4242)
DATA = Path(__file__).parent / "data" / "pg15_captured_statements.json"


def conn() -> apsw.Connection:
    c = apsw.Connection(":memory:")
    functions.register(c)
    return c


def run(c: apsw.Connection, pg_sql: str, params: tuple = ()) -> list[tuple]:
    rows: list[tuple] = []
    for stmt in translate(pg_sql, CTX):
        assert stmt.kind == "sql", stmt
        for s in stmt.sqlite:
            rows = c.execute(s, params if stmt.param_count else stmt.literals).fetchall()
    return rows


@pytest.fixture
def db():
    c = conn()
    run(c, "create table items (id serial primary key, name varchar(20) not null, price numeric(10,2), "
           "created timestamp default now(), flag boolean default false) with (fillfactor=100)")
    run(c, "insert into items (name, price, flag) values ('apple', 1.5, true), ('Banana', 2, false), ('cherry', null, true)")
    return c


QUERIES = [
    ("SELECT $2, $1", ("a", "b"), [("b", "a")]),
    ("select $1::int + 1", ("41",), [(42,)]),
    ("select '1'::bigint, cast('7' as varchar(10)), 5::text, '2.5'::numeric, 't'::boolean, 'off'::bool", (),
     [(1, "7", "5", "2.5", 1, 0)]),  # a shown numeric is PostgreSQL's text (its scale kept)
    ("select E'a\\tb' || 'c', true, false", (), [("a\tbc", 1, 0)]),
    ("select name from items where name ilike 'BAN%'", (), [("Banana",)]),
    ("select name from items where name ~ '^[ab]' order by 1", (), [("apple",)]),
    ("select name from items where name ~* '^[ab]' order by 1", (), [("Banana",), ("apple",)]),
    ("select count(*) from items where price is distinct from null", (), [(2,)]),
    ("select count(*) from items where price is not distinct from null", (), [(1,)]),
    ("select current_user, session_user, current_database(), current_schema(), pg_backend_pid()", (),
     [("alice", "alice", "shop", "public", 4242)]),
    ("select * from generate_series(1, 4)", (), [(1,), (2,), (3,), (4,)]),
    ("select s from generate_series(10, 1, -4) as s", (), [(10,), (6,), (2,)]),
    ("select id from items order by id limit all offset 1", (), [(2,), (3,)]),
    ("select id from items order by id offset 2", (), [(3,)]),
    ("select id from items where flag order by id for update", (), [(1,), (3,)]),
    ("insert into items (name) values ($1) returning id, name", ("date",), [(4, "date")]),
    ("insert into items (id, name) values (1, 'x') on conflict (id) do update set name = excluded.name "
     "returning name", (), [("x",)]),
    ("insert into items (id, name) values (1, 'y') on conflict do nothing returning id", (), []),
    ("update items set price = price * 2 where id = $1 returning price", (1,), [(3.0,)]),
    ("delete from items where name = 'cherry' returning id", (), [(3,)]),
    ("select pg_catalog.set_config('search_path', '', false)", (), [("",)]),
    ("with x as (select id from items) select count(*) from x", (), [(3,)]),
    ("values (1, 'a'), (2, 'b')", (), [(1, "a"), (2, "b")]),
    ("table items", (), None),
    ("SELECT table_schema, table_name, table_type FROM information_schema.tables WHERE table_schema NOT IN "
     "('pg_catalog', 'information_schema') ORDER BY 1, 2", (), [("public", "items", "BASE TABLE")]),
    ("SELECT column_name, data_type, is_nullable, column_default FROM information_schema.columns "
     "WHERE table_name = $1 ORDER BY ordinal_position", ("items",),
     [("id", "integer", "NO", "nextval('items_id_seq'::regclass)"), ("name", "character varying", "NO", None),
      ("price", "numeric", "YES", None),
      ("created", "timestamp without time zone", "YES", "now()"),  # PostgreSQL's spelling of the defaults
      ("flag", "boolean", "YES", "false")]),
    ("select character_maximum_length from information_schema.columns where column_name = 'name'", (), [(20,)]),
    ("select tablename, schemaname, tableowner from pg_tables where schemaname = 'public'", (),
     [("items", "public", "alice")]),
    ("select relname, relkind from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace "
     "where n.nspname = 'public' and relkind = 'r'", (), [("items", "r")]),
]


@pytest.mark.parametrize("sql,params,expected", QUERIES)
def test_query_translates_and_runs(db, sql, params, expected):
    rows = run(db, sql, params)
    if expected is not None:
        assert rows == expected


def test_now_and_version_formats(db):
    (now, ts, today, version), = run(db, "select now(), current_timestamp, current_date, version()")
    assert temporal.canonical(now, "timestamptz") == now and now.endswith("+00")  # PostgreSQL's text form
    assert ts.endswith("+00") and len(today) == 10 and version.startswith("PostgreSQL 15.0 (Sixfold")
    (created,), = run(db, "select created from items where id = 1")
    assert temporal.canonical(created, "timestamp") == created  # the column's input trigger stored it so


def test_result_column_names_follow_postgresql(db):
    stmt, = translate("select count(*), version(), 1 + 1, name, $1::int from items", CTX)
    cur = db.execute(stmt.sqlite[0], (1,))
    assert [d[0] for d in cur.getdescription()] == ["count", "version", "?column?", "name", "int4"]


def test_indexes_catalog(db):
    run(db, "create index concurrently if not exists items_name on items using btree (name)")
    run(db, "create unique index on items (lower(name))")
    rows = run(db, "SELECT indexname, indexdef FROM pg_catalog.pg_indexes WHERE tablename = $1 ORDER BY 1",
               ("items",))
    assert [r[0] for r in rows] == ["items_lower_name_idx", "items_name", "items_pkey"]  # pkey: the rowid
    assert [r[1] for r in rows] == [  # pg_get_indexdef's text (an expression's keys as written)
        "CREATE UNIQUE INDEX items_lower_name_idx ON public.items USING btree (lower(name))",
        "CREATE INDEX items_name ON public.items USING btree (name)",
        "CREATE UNIQUE INDEX items_pkey ON public.items USING btree (id)"]


DDL = [
    "create unlogged table if not exists a (x bigint, y double precision, z timestamp with time zone default "
    "current_timestamp, b bytea, c char(5), t text default 'x') tablespace pg_default",
    "create table b (id bigserial, v int)",
    "create table c (id int generated always as identity primary key, v int)",
    "create table d (k int, v int, primary key (k), unique (v), check (v > 0))",
    "alter table a add column w integer not null default 0",
    "alter table a rename column w to w2",
    "alter table a drop column w2",
    "alter table a rename to a2",
    "alter table a2 add constraint a2_pk primary key (x)",
    "alter table b add foreign key (v) references d (k)",
    "create view v as select x from a2",
    "drop view v",
    "drop table if exists a2, b cascade",
    "truncate table c, d restart identity cascade",
    "create table e as select 1 as one",
]


def catalog(c: apsw.Connection) -> schema.Catalog:
    return schema.Catalog(lambda sql, params: list(c.execute(sql, params)),
                          lambda: c.execute("pragma schema_version").fetchall()[0][0])


def test_ddl_runs():
    c = conn()
    for sql in DDL:
        for stmt in translate(sql, CTX, catalog(c)):
            for s in stmt.sqlite:
                c.execute(s)
    types = dict((r[1], r[2].lower()) for r in c.execute("select * from pragma_table_info('c')"))
    assert types == {"id": "int", "v": "integer"}  # (an identity key is not SQLite's rowid)
    assert sorted(r[0] for r in c.execute("select name from sqlite_master where type = 'table' "
                                           "and name not like 'sqlite%'")) == ["c", "c_id_seq", "d", "e"]
    c.execute("insert into c (v) values (1), (2)")
    assert c.execute("select id from c").fetchall() == [(1,), (2,)]


def test_ddl_keeps_postgresql_type_names():
    stmt, = translate("create table t (a varchar(20), b int, c numeric(10, 2), d timestamp with time zone, "
                      "e double precision, f boolean, g char(22))", CTX)
    c = conn()
    c.execute(stmt.sqlite[0])
    got = [r[2].lower() for r in c.execute("select * from pragma_table_info('t')")]
    assert got == ["varchar(20)", "integer", "numeric(10,2)", "timestamp with time zone", "double precision",
                   "boolean", "char(22)"]


def test_serial_is_a_column_with_its_own_sequence():
    """A serial column is what PostgreSQL makes it: NOT NULL, its default the next value of
    table_column_seq, created with the table; the table's primary key only if declared so.
    Declared "int", not "integer": SQLite's rowid would ignore the DEFAULT."""
    stmt, = translate("create table t (id serial, v int)", CTX)
    assert stmt.sqlite[0].startswith("CREATE TABLE t (id int NOT NULL DEFAULT (nextval('t_id_seq'))")
    assert "PRIMARY KEY" not in stmt.sqlite[0]
    assert any(s.startswith('CREATE TABLE "t_id_seq" ') for s in stmt.sqlite[1:])
    stmt, = translate("create table t (id bigserial primary key, v int)", CTX)
    assert "id bigint NOT NULL DEFAULT (nextval('t_id_seq')) PRIMARY KEY" in stmt.sqlite[0]
    stmt, = translate("create table t (a int primary key, n int generated always as identity (start with 5))", CTX)
    assert "n int NOT NULL DEFAULT (pg_identity_next('t_n_seq', 'a'))" in stmt.sqlite[0]
    assert any('"start": 5' in s for s in stmt.sqlite[1:])


def test_drop_and_truncate_of_several_tables_is_one_command():
    # one SQLite statement per table, one command tag for them all, as PostgreSQL answers
    got = translate("DROP TABLE IF EXISTS a, public.b CASCADE", CTX)
    assert [(s.tag, s.sqlite) for s in got] == [("DROP TABLE", ("DROP TABLE IF EXISTS a", "DROP TABLE IF EXISTS b"))]
    got = translate("truncate a, b", CTX)
    assert [(s.tag, s.sqlite) for s in got] == [("TRUNCATE TABLE", ("DELETE FROM a", "DELETE FROM b"))]


@pytest.mark.parametrize("sql,tag,sqlite", [
    ("BEGIN", "BEGIN", "BEGIN"), ("begin transaction isolation level serializable", "BEGIN", "BEGIN ISOLATION LEVEL SERIALIZABLE"),
    ("START TRANSACTION READ ONLY", "BEGIN", "BEGIN READ ONLY"),
    ("begin isolation level repeatable read, read only", "BEGIN", "BEGIN READ ONLY"),
    ("BEGIN;", "BEGIN", "BEGIN"), ("COMMIT", "COMMIT", "COMMIT"), ("END;", "COMMIT", "COMMIT"),
    ("commit work", "COMMIT", "COMMIT"), ("ROLLBACK", "ROLLBACK", "ROLLBACK"), ("abort", "ROLLBACK", "ROLLBACK"),
    ("savepoint s1", "SAVEPOINT", "SAVEPOINT s1"), ("release s1", "RELEASE", "RELEASE SAVEPOINT s1"),
    ("release savepoint S1", "RELEASE", "RELEASE SAVEPOINT s1"),
    ("rollback to savepoint s1", "ROLLBACK", "ROLLBACK TO SAVEPOINT s1"),
    ("rollback to s1", "ROLLBACK", "ROLLBACK TO SAVEPOINT s1"),
])
def test_transaction_control(sql, tag, sqlite):
    assert translate(sql, CTX) == [Statement(kind="sql", tag=tag, sqlite=(sqlite,))]


@pytest.mark.parametrize("sql,kind,tag,name,value", [
    ("SET x = y", "set", "SET", "x", "y"), ("SET x TO 'Y'", "set", "SET", "x", "Y"),
    ("SET SESSION statement_timeout = 0", "set", "SET", "statement_timeout", "0"),
    ("SET LOCAL search_path TO public", "set", "SET", "search_path", "public"),
    ("SET search_path TO public, \"$user\"", "set", "SET", "search_path", "public, $user"),
    ("SET TIME ZONE 'UTC'", "set", "SET", "timezone", "UTC"),
    ("SET client_encoding TO 'UTF8'", "set", "SET", "client_encoding", "UTF8"),
    ("SET datestyle = ISO", "set", "SET", "datestyle", "ISO, MDY"),
    ("SET application_name TO DEFAULT", "set", "SET", "application_name", None),
    ("RESET x", "set", "RESET", "x", None), ("RESET ALL", "set", "RESET", "all", None),
    ("SHOW x", "show", "SHOW", "x", None), ("SHOW ALL", "show", "SHOW", "all", None),
    ("show transaction isolation level", "show", "SHOW", "transaction_isolation", None),
    ("DISCARD ALL", "noop", "DISCARD ALL", "", None), ("DEALLOCATE ALL", "deallocate", "DEALLOCATE ALL", "all", None),
    ("deallocate prepare _pg3_1", "deallocate", "DEALLOCATE", "_pg3_1", None),
    ('DEALLOCATE "Q"', "deallocate", "DEALLOCATE", "Q", None),
    ("PREPARE p (int, numeric(10,2)) AS SELECT $1 + $2", "prepare", "PREPARE", "p", "SELECT $1 + $2"),
    ("prepare P as insert into t values ($1)", "prepare", "PREPARE", "p", "insert into t values ($1)"),
    ("EXECUTE p (1, 'a,b', f(2, 3))", "execute", "EXECUTE", "p", "1, 'a,b', f(2, 3)"),
    ("execute p", "execute", "EXECUTE", "p", None),
    ("VACUUM ANALYZE t", "noop", "VACUUM", "", None), ("vacuum", "noop", "VACUUM", "", None),
    ("ANALYZE t", "noop", "ANALYZE", "", None), ("CHECKPOINT", "noop", "CHECKPOINT", "", None),
    ("-- just a comment", "noop", "EMPTY", "", None),
])
def test_utility_statements(sql, kind, tag, name, value):
    stmt, = translate(sql, CTX)
    assert (stmt.kind, stmt.tag, stmt.name, stmt.value) == (kind, tag, name, value)


@pytest.mark.parametrize("sql,sqlstate", [
    ("selec 1", "42601"), ("select (1", "42601"), ("select 'abc", "42601"), ("frobnicate", "42601"),
    ("select 1; select 2", "42601"), ("create type mood as (a int)", "0A000"),
    ("do $$ declare x int; begin end $$", "0A000"),
    ("create table p (a int) partition by range (a)", "0A000"), ("copy t from '/etc/passwd'", "42501"),
    ("copy t to stdout (format binary, null 'x')", "42601"), ("select txid_current_snapshot()", "0A000"),
    ("select array[[1, 2]]", "0A000"), ("select 'now'::regproc", "0A000"), ("select pg_export_snapshot()", "0A000"),
    ("select 1 from t order by array[1]", "0A000"),
    # PREPARE / EXECUTE / DEALLOCATE (prepared.py)
    ("PREPARE p (no_such_type) AS SELECT 1", "42704"), ("PREPARE p AS CREATE TABLE t (a int)", "42601"),
    ("PREPARE p SELECT 1", "42601"), ("PREPARE TRANSACTION 'x'", "0A000"), ("EXECUTE p (1) extra", "42601"),
    ("EXECUTE p (1", "42601"), ("DEALLOCATE", "42601"),
    # enum types (enums.py)
    ("CREATE TYPE t AS ENUM ('a', 'a')", "23505"), ("CREATE TYPE t AS ENUM ('a', b)", "42601"),
    ("CREATE TYPE t AS ENUM ('" + "x" * 64 + "')", "42602"), ("ALTER TYPE t RENAME TO u", "0A000"),
    # temporary objects
    ("create temp table t (a int)", "0A000"), ("select 1 into temp t", "0A000"),
])
def test_errors_are_sql_errors(sql, sqlstate):
    with pytest.raises(SqlError) as e:
        translate(sql, CTX)
    assert e.value.sqlstate == sqlstate, str(e.value)


def test_syntax_error_text():
    with pytest.raises(SqlError) as e:
        translate("select $1 frm t", CTX)
    assert e.value.sqlstate == "42601" and str(e.value).startswith("syntax error at or near")


def test_fast_path_leaves_plain_dml_untouched():
    """The fast path keeps the statement as written, its numbers bound as parameters (the
    same shape is the same SQLite text, prepared once)."""
    stmt, = translate("UPDATE pgbench_accounts SET abalance = abalance + 194 WHERE aid = 45889;", CTX)
    # c = c + n keeps the fast path; the operator is PostgreSQL's for c's type
    assert stmt.sqlite == ("UPDATE pgbench_accounts SET abalance = pg_arith('+', abalance, ?1, '', 'int4') "
                           "WHERE aid = ?2",) and stmt.literals == (194, 45889)
    stmt, = translate("SELECT abalance FROM pgbench_accounts WHERE aid = 45889", CTX)
    assert stmt.sqlite == ("SELECT abalance FROM pgbench_accounts WHERE aid = ?1",) and stmt.literals == (45889,)
    stmt, = translate("insert into t (a, b) values (1, 'x::y $1 ~')", CTX)
    assert stmt.sqlite == ("insert into t (a, b) values (?1, 'x::y $1 ~')",) and stmt.literals == (1,)
    stmt, = translate("INSERT INTO h (a, mtime) VALUES (9, CURRENT_TIMESTAMP);", CTX)
    assert stmt.sqlite == ("INSERT INTO h (a, mtime) VALUES (?1, now())",) and stmt.tag == "INSERT"
    stmt, = translate("select a from t group by 1", CTX)  # a number there is a column: not bound
    assert stmt.sqlite == ("SELECT a FROM t GROUP BY 1",) and stmt.literals == ()  # (GROUP BY: the parser path)
    stmt, = translate("select a from t order by a", CTX)  # PostgreSQL sorts NULLs last: the parser path says so
    assert stmt.sqlite == ("SELECT a FROM t ORDER BY a NULLS LAST",)
    stmt, = translate("select a from t where a * 2 > 3", CTX)  # a product may be numeric: the parser path
    assert stmt.sqlite[0].startswith("SELECT a FROM t WHERE")


def test_statements_of_one_shape_share_a_translation():
    """A second statement of the same shape reuses the first one's translation with its own
    numbers; a number of another class (beyond int4) is another shape."""
    a, = translate("UPDATE pgbench_tellers SET tbalance = tbalance + 17 WHERE tid = 3", CTX)
    b, = translate("UPDATE pgbench_tellers SET tbalance = tbalance + 4 WHERE tid = 9", CTX)
    big, = translate("UPDATE pgbench_tellers SET tbalance = tbalance + 5000000000 WHERE tid = 9", CTX)
    assert a.sqlite == b.sqlite and (a.literals, b.literals) == ((17, 3), (4, 9))
    assert "'int8'" in big.sqlite[0] and big.literals == (5000000000, 9)


def test_current_timestamp_takes_the_column_type_with_a_catalog():
    """With the schema at hand, CURRENT_TIMESTAMP into a timestamp column is written as a
    timestamp at once (the input trigger then has nothing to convert)."""
    c = conn()
    for stmt in translate("create table h2 (a int, mtime timestamp, at timestamptz, d date)", CTX, catalog(c)):
        for s in stmt.sqlite:
            c.execute(s)
    stmt, = translate("INSERT INTO h2 (a, mtime, at, d) VALUES (9, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, "
                      "CURRENT_TIMESTAMP)", CTX, catalog(c))
    assert stmt.sqlite == ("INSERT INTO h2 (a, mtime, at, d) VALUES (?1, pg_localtimestamp(), now(), "
                           "pg_current_date())",) and stmt.literals == (9,)
    c.execute(stmt.sqlite[0], stmt.literals)
    mtime, at, d = c.execute("select mtime, at, d from h2").fetchone()
    assert "+" not in mtime and at.endswith("+00") and len(d) == 10


def test_compared_numerics_are_values_not_their_text():
    """A COALESCE, GREATEST or LEAST of numerics that a result shows as text (each value
    with its own display scale) is compared as a number where rows are compared: by
    DISTINCT, GROUP BY and UNION, 2.5000 and 2.5 are one value, as in PostgreSQL."""
    c = conn()

    def rows(pg_sql: str) -> list[tuple]:
        out: list[tuple] = []
        for stmt in translate(pg_sql, CTX, catalog(c)):
            for s in stmt.sqlite:
                out = c.execute(s, stmt.literals).fetchall()
        return out

    rows("create table nums (id int primary key, n numeric(10,4))")
    rows("insert into nums values (1, 2.5), (2, null), (3, -0.125)")
    assert len(rows("select distinct coalesce(n, 2.5) from nums")) == 2
    assert len(rows("select coalesce(n, 2.5), count(*) from nums group by 1")) == 2
    assert len(rows("select coalesce(n, 2.5) from nums union select 2.50")) == 2
    assert len(rows("select distinct greatest(n, 2.5) from nums")) == 1
    # shown, each keeps its scale (the column's 2.5000, the literal's 2.5)
    assert rows("select coalesce(n, 2.5) from nums order by id") == [("2.5000",), ("2.5",), ("-0.1250",)]
    assert rows("select least(n, 1.005) from nums order by id") == [("1.005",), ("1.005",), ("-0.1250",)]


# --- split_statements ----------------------------------------------------------------------------
def test_split_statements_examples():
    sql = ("select 'a;b', E'it\\'s;', \"x;y\" from t; -- c;\n/* a /* nested; */ ; */ select $$;$$, $q$ $$; $q$;"
           " ;; select 1")
    assert split_statements(sql) == [
        "select 'a;b', E'it\\'s;', \"x;y\" from t",
        "-- c;\n/* a /* nested; */ ; */ select $$;$$, $q$ $$; $q$",
        "select 1"]
    assert split_statements("  ;  -- only\n ; ") == []
    assert split_statements("select $1; select a$b$c from t") == ["select $1", "select a$b$c from t"]


_piece = st.one_of(
    st.sampled_from(["select 1", "x", " ", "\n", "a$b", "$1", "(", ")", "::", "e", "E"]),
    st.text(alphabet="ab;' \\\n$\"*/-", max_size=8).map(lambda s: "'" + s.replace("'", "''") + "'"),
    st.text(alphabet="ab;'\\ ", max_size=8).map(lambda s: "E'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'"),
    st.text(alphabet="ab;' ", max_size=8).map(lambda s: '"' + s.replace('"', '""') + '"'),
    st.text(alphabet="ab;'$ ", max_size=8).filter(lambda s: "$q$" not in s and not s.endswith("$"))
      .map(lambda s: "$q$" + s + "$q$"),
    st.text(alphabet="ab;'$ ", max_size=8).filter(lambda s: "$$" not in s and not s.endswith("$"))
      .map(lambda s: "$$" + s + "$$"),
    st.text(alphabet="ab;' *", max_size=8).filter(lambda s: "*/" not in s and "/*" not in s)
      .map(lambda s: "/* " + s + " */"),
    st.text(alphabet="ab;' ", max_size=8).map(lambda s: "-- " + s + "\n"),
)
_statement = st.lists(_piece, min_size=1, max_size=6).map(lambda ps: "select " + " ".join(ps))


@settings(max_examples=150, deadline=None, print_blob=True)
@given(st.lists(_statement, min_size=1, max_size=5))
def test_split_statements_round_trip(stmts):
    # Every statement starts with "select" so none is empty; ";" may sit inside quotes/comments.
    assert split_statements(";\n".join(stmts) + ";") == [s.strip() for s in stmts]


# --- captured clients ----------------------------------------------------------------------------
def _captured() -> dict:
    return json.loads(DATA.read_text())


def test_pgbench_init_and_run_replay():
    c = conn()
    cap = _captured()
    txn_words = ("begin", "end", "commit")
    for entry in cap["pgbench_init"] + cap["pgbench_run"]:
        sql = entry["sql"]
        stmts = translate(sql, SessionContext("postgres", "postgres"))
        for stmt in stmts:
            if stmt.kind == "copy":
                spec = stmt.copy
                cols = [r[1] for r in c.execute(f"select * from pragma_table_info('{spec.table}')")]
                parser = CopyParser(spec, len(cols))
                ins = insert_sql(spec, cols)
                data = "".join(f"{i}\t{(i - 1) // 100000 + 1}\t0\t\n" for i in range(1, 100001)) + "\\.\n"
                blob = data.encode()
                rows = []
                for k in range(0, len(blob), 65536):
                    rows += parser.feed(blob[k:k + 65536])
                rows += parser.finish()
                c.executemany(ins, rows)
            elif stmt.kind == "sql":
                # The run interleaves two clients' transactions; one connection replays them
                # without transaction control.
                if stmt.sqlite[0].split()[0].lower() in txn_words:
                    continue
                for s in stmt.sqlite:
                    rows = c.execute(s, stmt.literals).fetchall()
                if "pg_catalog.pg_class" in sql:
                    assert rows == [(1, None, 0)]
    counts = [c.execute(f"select count(*) from pgbench_{t}").fetchone()[0]
              for t in ("branches", "tellers", "accounts", "history")]
    n_hist = sum(1 for e in cap["pgbench_run"] if e["sql"].startswith("INSERT INTO pgbench_history"))
    assert counts == [1, 10, 100000, n_hist]
    # mtime is a timestamp without time zone: now()'s value, stored without the zone
    assert c.execute("select count(*) from pgbench_history where mtime like '____-__-__ __:__:__%' "
                     "and mtime not like '%+%'").fetchone()[0] == n_hist
    # The partition probe answers no row once the table is gone.
    c.execute("drop table pgbench_accounts")
    probe = next(e["sql"] for e in cap["pgbench_run"] if "pg_partitioned_table" in e["sql"])
    assert run(c, probe) == []


def test_psql_describe_queries():
    c = conn()
    run(c, "create table pgbench_accounts(aid int not null, bid int, abalance int, filler char(84)) "
           "with (fillfactor=100)")
    run(c, "alter table pgbench_accounts add primary key (aid)")
    cap = _captured()
    assert run(c, cap["psql_dt"][0]["sql"]) == [("public", "pgbench_accounts", "table", "alice")]
    assert run(c, cap["psql_d"][0]["sql"]) == [("public", "pgbench_accounts", "table", "alice")]
    queries = [e["sql"] for e in cap["psql_d_table"]]
    (oid, nsp, name), = run(c, queries[0])
    assert (nsp, name) == ("public", "pgbench_accounts")
    results = [run(c, q.replace("'16417'", f"'{oid}'")) for q in queries[1:]]
    assert results[0][0][1] == "r"
    assert [(r[0], r[1], r[3]) for r in results[1]] == [
        ("aid", "integer", "t"), ("bid", "integer", "f"), ("abalance", "integer", "f"), ("filler", "character(84)", "f")]
    assert results[2][0][0] == "pgbench_accounts_pkey"
    assert all(r == [] for r in results[3:])


def test_psycopg_session_replay():
    c = conn()
    for entry in _captured()["psycopg"]:
        for stmt in translate(entry["sql"], CTX):
            if stmt.kind != "sql" or stmt.sqlite[0] in ("BEGIN", "COMMIT"):
                continue
            params = tuple(entry.get("params") or ())
            for s in stmt.sqlite:
                c.execute(s, params[:stmt.param_count] if stmt.param_count else stmt.literals).fetchall()


def test_translate_timings():
    """Report (not assert) translate() cost: the pgbench TPC-B statements take the fast path."""
    tpcb = ["BEGIN;", "UPDATE pgbench_accounts SET abalance = abalance + {d} WHERE aid = {a};",
            "SELECT abalance FROM pgbench_accounts WHERE aid = {a};",
            "UPDATE pgbench_tellers SET tbalance = tbalance + {d} WHERE tid = 3;",
            "UPDATE pgbench_branches SET bbalance = bbalance + {d} WHERE bid = 1;",
            "INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES (3, 1, {a}, {d}, CURRENT_TIMESTAMP);",
            "END;"]
    n = 300
    t0 = time.perf_counter()
    for i in range(n):
        for s in tpcb:
            translate(s.format(a=i * 7 + 1, d=i), CTX)
    fast = (time.perf_counter() - t0) / (n * len(tpcb))
    t0 = time.perf_counter()
    for i in range(30):
        translate(f"select name::text, $1::int from items where name ilike 'x{i}%'", CTX)
    slow = (time.perf_counter() - t0) / 30
    print(f"translate(): pgbench TPC-B statement {fast * 1e6:.1f} us, sqlglot path {slow * 1e3:.2f} ms")
    assert fast < slow


def test_select_for_update_or_share_is_marked_as_a_locking_read():
    """The engine takes the write lock for a read marked so (a second locker then waits
    for the first one's commit, as on PostgreSQL's row lock); a plain read is not marked."""
    from compute_node.pg_sql.statement import LOCKING_READ_MARK

    for sql in ("select 1 for update", "select 1 for share", "select 1 for no key update"):
        (stmt,) = translate(sql, CTX)
        assert stmt.sqlite[-1].endswith(LOCKING_READ_MARK), sql
    (plain,) = translate("select 1", CTX)
    assert LOCKING_READ_MARK not in plain.sqlite[-1]
    from compute_node.pg_sql.statement import LOCKING_READ_NOWAIT_MARK

    (nowait,) = translate("select 1 for update nowait", CTX)
    assert nowait.sqlite[-1].endswith(LOCKING_READ_NOWAIT_MARK)


def test_prepared_statement_types_and_arguments():
    stmt, = translate("PREPARE p (int, numeric(10,2), text[]) AS SELECT $1, $2, $3", CTX)
    assert stmt.param_oids == (23, 1700, 1009)
    stmt, = translate("EXECUTE p (array[1, 2], '(x,y)', (1))", CTX)
    assert prepared.arguments(stmt) == ["array[1, 2]", "'(x,y)'", "(1)"]


def test_named_tables_kept_until_the_tree_changes():
    """column_decl finds a statement's tables once while the rewrite walks it; a table
    taken out is noticed, one added must be announced (forget_named_tables), and the
    verification the unit tests turn on catches a caller that forgets to."""
    import sqlglot
    from sqlglot import exp

    from compute_node.pg_sql import exprtypes, schema

    c = conn()
    c.execute("create table ta (a int)")
    c.execute("create table tb (b text)")
    tree = sqlglot.parse_one("select a from ta", read="postgres")
    col = tree.find(exp.Column)
    with schema.using(catalog(c)), exprtypes.named_tables_kept():
        assert exprtypes.column_decl(col) == "INT"
        tree.find(exp.Table).replace(exp.to_table("tb"))  # taken out: noticed
        assert exprtypes.column_decl(col) is None
        tree.append("joins", exp.Join(this=exp.to_table("ta")))  # added, not announced
        with pytest.raises(AssertionError, match="gained one"):
            exprtypes.column_decl(col)
        exprtypes.forget_named_tables()
        assert exprtypes.column_decl(col) == "INT"


def test_public_keeps_its_comment_and_acl_until_made_again(db):
    """public has PostgreSQL 15's comment and ACL; dropped and made again it has neither,
    as PostgreSQL's (pg_dump reads both)."""
    def run_with_catalog(sql: str) -> list[tuple]:
        rows: list[tuple] = []
        for stmt in translate(sql, CTX, catalog(db)):
            for s in stmt.sqlite:
                rows = db.execute(s, stmt.literals if "?" in s else ()).fetchall()
        return rows

    q = "select obj_description(2200, 'pg_namespace'), nspacl from pg_namespace where nspname = 'public'"
    assert run_with_catalog(q) == [("standard public schema", f"{{{CTX.user}=UC/{CTX.user},=U/{CTX.user}}}")]
    run_with_catalog("drop schema public cascade")
    run_with_catalog("create schema public")
    assert run_with_catalog(q) == [(None, None)]


def test_a_rewrite_that_never_finishes_is_an_internal_error(monkeypatch):
    """The translator's rewrite is bounded: a rule that keeps making work for itself (here,
    making each integer literal a sum of two copies of itself on every visit) fails the
    statement with XX000 instead of holding a core forever."""
    from sqlglot import exp

    from compute_node.pg_sql import queries

    def forever(node):
        if isinstance(node, exp.Literal) and not node.is_string:
            return exp.Add(this=node.copy(), expression=node.copy())
        return None

    from sixfold import constants

    monkeypatch.setattr(queries, "_grouped_branching", forever)
    # (a budget smaller than the default keeps this loop short of Python's recursion limit)
    monkeypatch.setattr(constants, "TRANSLATION_VISITS_MIN", 50)
    monkeypatch.setattr(constants, "TRANSLATION_VISITS_PER_NODE_MAX", 1)
    with pytest.raises(SqlError) as err:
        translate("SELECT 1 + 2", CTX)
    assert err.value.sqlstate == "XX000"
    monkeypatch.undo()
    assert run(conn(), "SELECT 1 + 2") == [(3,)]
