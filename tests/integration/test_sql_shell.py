"""`sixfold sql` (sixfold/shell.py) end to end: real shell processes (`python -m
sixfold.shell`) against a real server, their output compared with real `psql`'s.

The server is pluggable: `sql_endpoint` is parametrized over endpoint fixtures by name:
"postgres" (a throwaway PostgreSQL 15 from bench/pg_server.py) and "sixfold" (a local
Sixfold cluster with its writer): every test runs against both. Each test uses its own table names, so one server serves the
whole module. The pure parts (formatting, statement splitting) are tested at the end.
"""

from __future__ import annotations

import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from sixfold import shell
from sixfold.spec import ComputeNodeSpec, local_spec
from sixfold.supervisor import free_ports
from tests.integration.pg_endpoints import Endpoint, postgres_endpoint, sixfold_endpoint  # noqa: F401

pytestmark = pytest.mark.integration

ENDPOINTS = ["postgres", "sixfold"]
COMMAND_TIMEOUT_S = 30


@pytest.fixture(params=ENDPOINTS)
def sql_endpoint(request) -> Endpoint:
    return request.getfixturevalue(f"{request.param}_endpoint")


@pytest.fixture
def name():
    """A table name of this test's own."""
    return f"t_{uuid.uuid4().hex[:10]}"


def sixfold_sql(ep: Endpoint, *args: str, stdin: str | None = None, password: str | None = None,
                env: dict | None = None, connect: bool = True) -> subprocess.CompletedProcess:
    argv = [sys.executable, "-m", "sixfold.shell", *(ep.args() if connect else []), *args]
    return subprocess.run(argv, input=stdin if stdin is not None else "", capture_output=True, text=True,
                          timeout=COMMAND_TIMEOUT_S, env=env or ep.env(password), cwd=Path(__file__).parents[2],
                          check=False)


def psql(ep: Endpoint, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["psql", "-X", "-h", ep.host, "-p", str(ep.port), "-U", ep.user, "-d", ep.dbname, *args],
                          capture_output=True, text=True, timeout=COMMAND_TIMEOUT_S, env=ep.env(),
                          stdin=subprocess.DEVNULL, check=False)


def ok(cp: subprocess.CompletedProcess) -> subprocess.CompletedProcess:
    assert cp.returncode == 0, f"{cp.args} exited {cp.returncode}\nstdout:\n{cp.stdout}\nstderr:\n{cp.stderr}"
    return cp


def failed(cp: subprocess.CompletedProcess) -> subprocess.CompletedProcess:
    assert cp.returncode == 1, f"{cp.args} exited {cp.returncode}\nstdout:\n{cp.stdout}\nstderr:\n{cp.stderr}"
    assert "Traceback" not in cp.stderr, cp.stderr
    return cp


# --- -c ----------------------------------------------------------------------------------------
def test_aligned_output_matches_psql(sql_endpoint, name):
    ep = sql_endpoint
    ok(sixfold_sql(ep, "-c", f"CREATE TABLE {name} (id integer PRIMARY KEY, label text NOT NULL, "
                             f"price numeric(10,2), note text)"))
    ok(sixfold_sql(ep, "-c", f"INSERT INTO {name} VALUES (1, 'alice', 1.5, NULL), "
                             f"(22, 'bob', -3.25, 'two' || chr(10) || 'lines'), (333, 'ünïcødé 日本', NULL, 'x')"))
    queries = [
        f"SELECT * FROM {name} ORDER BY id",
        f"SELECT id, note FROM {name} ORDER BY id",
        f"SELECT label AS a_very_long_column_header, id FROM {name} WHERE id > 1 ORDER BY id",
        f"SELECT count(*) FROM {name}",
        f"SELECT * FROM {name} WHERE false",
        "SELECT 1 AS a, 'hello' AS b, NULL AS c",
    ]
    for q in queries:
        mine, theirs = ok(sixfold_sql(ep, "-c", q)), ok(psql(ep, "-c", q))
        assert mine.stdout == theirs.stdout, f"{q}\n--- sixfold sql:\n{mine.stdout}--- psql:\n{theirs.stdout}"
    expanded = ["-c", "\\x on", "-c", f"SELECT * FROM {name} ORDER BY id"]
    mine, theirs = ok(sixfold_sql(ep, *expanded)), ok(psql(ep, *expanded))
    assert mine.stdout == theirs.stdout, f"--- sixfold sql:\n{mine.stdout}--- psql:\n{theirs.stdout}"


def test_command_tags_and_several_statements(sql_endpoint, name):
    cp = ok(sixfold_sql(sql_endpoint, "-c", f"CREATE TABLE {name} (a integer, b text); "
                                             f"INSERT INTO {name} VALUES (1, 'x'); INSERT INTO {name} VALUES (2, NULL); "
                                             f"SELECT * FROM {name} ORDER BY a; UPDATE {name} SET b = 'y'; "
                                             f"DELETE FROM {name} WHERE a = 2; DROP TABLE {name}"))
    assert cp.stdout == (
        "CREATE TABLE\nINSERT 0 1\nINSERT 0 1\n"
        " a | b \n---+---\n 1 | x\n 2 | \n(2 rows)\n\n"
        "UPDATE 2\nDELETE 1\nDROP TABLE\n"), cp.stdout


def test_error_prints_sqlstate_and_exits_1(sql_endpoint, name):
    cp = failed(sixfold_sql(sql_endpoint, "-c", f"SELECT 1 AS first; SELECT * FROM {name}; SELECT 3 AS third"))
    assert f'ERROR:  relation "{name}" does not exist\n' in cp.stderr
    assert "SQLSTATE: 42P01" in cp.stderr
    assert "first" in cp.stdout and "third" not in cp.stdout  # stops at the error
    cp = failed(sixfold_sql(sql_endpoint, "-c", f"CREATE TABLE {name} (a integer PRIMARY KEY); "
                                                f"INSERT INTO {name} VALUES (1); INSERT INTO {name} VALUES (1)"))
    assert "SQLSTATE: 23505" in cp.stderr
    if sql_endpoint.dbname == "postgres":  # Sixfold cannot name the key's value (SQLite does not report it)
        assert "DETAIL:  Key (a)=(1) already exists." in cp.stderr


# --- scripts -------------------------------------------------------------------------------------
def test_script_on_stdin_multiline_and_quoted_semicolons(sql_endpoint, name):
    script = f"""
-- a comment; with a semicolon
CREATE TABLE {name} (
    id integer,   /* a ; in a comment */
    body text
);
INSERT INTO {name} VALUES
    (1, 'semi;colon'),
    (2, $$dollar;quoted 'text'$$),
    (3, 'it''s; quoted');
SELECT id, body
  FROM {name}
 ORDER BY id;
SELECT "id" AS "we;ird" FROM {name} WHERE id = 1
"""
    cp = ok(sixfold_sql(sql_endpoint, stdin=script))
    assert cp.stdout == (
        "CREATE TABLE\nINSERT 0 3\n"
        " id |         body         \n----+----------------------\n"
        "  1 | semi;colon\n  2 | dollar;quoted 'text'\n  3 | it's; quoted\n(3 rows)\n\n"
        " we;ird \n--------\n      1\n(1 row)\n\n"), cp.stdout


def test_script_stops_at_first_error(sql_endpoint, name, tmp_path):
    script = tmp_path / "s.sql"
    script.write_text(f"CREATE TABLE {name} (a integer);\nINSERT INTO {name} VALUES (1);\n"
                      f"INSERT INTO {name} VALUES ('not a number');\nINSERT INTO {name} VALUES (3);\n")
    cp = failed(sixfold_sql(sql_endpoint, "-f", str(script)))
    assert "SQLSTATE: 22P02" in cp.stderr
    assert ok(sixfold_sql(sql_endpoint, "-c", f"SELECT count(*) FROM {name}")).stdout.splitlines()[2].strip() == "1"
    missing = failed(sixfold_sql(sql_endpoint, "-f", str(tmp_path / "missing.sql")))
    assert missing.stderr.startswith("sixfold sql: error: cannot read") and len(missing.stderr.splitlines()) == 1


def test_meta_commands_on_stdin(sql_endpoint, name):
    ep = sql_endpoint
    ok(sixfold_sql(ep, "-c", f"CREATE TABLE {name} (id integer PRIMARY KEY, label text NOT NULL DEFAULT 'none'); "
                             f"CREATE VIEW v_{name} AS SELECT id FROM {name}"))
    script = f"\\dt\n\\d\n\\d {name}\n\\x\nSELECT 1 AS one, 'two' AS two;\n\\x off\n\\timing on\nSELECT 1;\n" \
             f"\\timing off\n\\conninfo\n\\?\n"
    out = ok(sixfold_sql(ep, stdin=script)).stdout
    dt, rest = out.split("(", 1)[0], out
    assert f"public | {name}" in dt and f"v_{name}" not in dt and "List of relations" in dt
    assert f" public | v_{name}" in rest and "| view" in rest
    assert f'Table "{name}"' in out
    assert " id     | integer | not null | \n" in out
    assert " label  | text    | not null | 'none'::text\n" in out
    assert f'Indexes:\n    "{name}_pkey" UNIQUE, btree (id)\n' in out
    assert "Expanded display is on.\n-[ RECORD 1 ]\none | 1\ntwo | two\n\nExpanded display is off.\n" in out
    assert "Timing is on.\n" in out and "\nTime: " in out and " ms\n" in out
    assert f'You are connected to database "{ep.dbname}" as user "{ep.user}"' in out
    assert "\\timing [on|off]" in out  # the help
    bad = failed(sixfold_sql(ep, stdin="\\foo\nSELECT 1;\n"))
    assert bad.stderr == "invalid command \\foo\nTry \\? for help.\n" and bad.stdout == ""
    missing = failed(sixfold_sql(ep, "-c", f"\\d no_{name}"))
    assert f'Did not find any relation named "no_{name}"' in missing.stderr


# --- connecting ----------------------------------------------------------------------------------
def test_bad_password(sql_endpoint):
    cp = failed(sixfold_sql(sql_endpoint, "-c", "SELECT 1", password="wrong-password"))
    assert cp.stdout == ""
    assert len(cp.stderr.splitlines()) == 1 and "password authentication failed" in cp.stderr, cp.stderr


def test_nothing_listening(sql_endpoint):
    ep = Endpoint("127.0.0.1", free_ports(1)[0], "u", None, "db")
    cp = failed(sixfold_sql(ep, "-c", "SELECT 1"))
    assert cp.stderr.startswith(f"sixfold sql: error: cannot connect to 127.0.0.1:{ep.port}: ")
    assert len(cp.stderr.splitlines()) == 1, cp.stderr


def test_local_cluster_endpoint_by_default(sql_endpoint, tmp_path):
    """No -h/-p: the writer of the cluster in --data-dir (or $SIXFOLD_DATA_DIR), with its
    saved credentials; -U/-d replace parts of that URI."""
    from sixfold.endpoints import save_credentials

    ep = sql_endpoint
    data_dir = tmp_path / "cluster"
    data_dir.mkdir()
    spec = local_spec(free_ports(1)[0]).replace(
        compute_nodes=(ComputeNodeSpec("writer", "az1", ep.host, ep.port),), database=ep.dbname)
    spec.save(data_dir / "cluster.json")
    save_credentials(data_dir, ep.user, ep.password)
    env = {k: v for k, v in ep.env().items() if k != "PGPASSWORD"}
    cp = ok(sixfold_sql(ep, "--data-dir", str(data_dir), "-c", "SELECT current_user AS who",
                        env=env, connect=False))
    assert f" {ep.user}\n(1 row)" in cp.stdout
    cp = ok(sixfold_sql(ep, "-c", "SELECT 2 AS two", env={**env, "SIXFOLD_DATA_DIR": str(data_dir)}, connect=False))
    assert "   2\n(1 row)" in cp.stdout
    wrong_db = failed(sixfold_sql(ep, "--data-dir", str(data_dir), "-d", "no_such_db", "-c", "SELECT 1",
                                  env=env, connect=False))
    assert "no_such_db" in wrong_db.stderr and len(wrong_db.stderr.splitlines()) == 1
    none = failed(sixfold_sql(ep, "--data-dir", str(tmp_path / "nothing"), "-c", "SELECT 1", env=env,
                              connect=False))
    assert "no cluster at" in none.stderr and len(none.stderr.splitlines()) == 1


# --- psql's meta-commands: they run on both servers; \d TABLE answers the same -----------------
PSQL_TIMEOUT_S = 30


def psql_uri(ep: Endpoint, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["psql", "-X", "-v", "ON_ERROR_STOP=1", "-d", ep.uri, *args], capture_output=True,
                          text=True, timeout=PSQL_TIMEOUT_S, stdin=subprocess.DEVNULL, check=False)


def psql_on_both(endpoints, setup: list[str], command: str, cleanup: list[str], *args: str) -> list[str]:
    """psql's output of `command` after `setup` on each server (then `cleanup`)."""
    outputs = []
    for ep in endpoints:
        cp = psql_uri(ep, *args, *[x for sql in (*setup, command, *cleanup) for x in ("-c", sql)])
        assert cp.returncode == 0, cp.stderr
        outputs.append(cp.stdout)
    return outputs


@pytest.mark.parametrize("meta", ["\\l", "\\du", "\\dn", "\\df", "\\dT", "\\dx", "\\dt", "\\di", "\\dv", "\\ds",
                                  "\\l+", "\\du+", "\\dn+", "\\dt+", "\\di+", "\\dv+", "\\ds+", "\\dp", "\\db",
                                  "\\db+"])
def test_meta_command_runs(meta, postgres_endpoint, sixfold_endpoint):  # noqa: F811
    for ep in (postgres_endpoint, sixfold_endpoint):
        cp = psql_uri(ep, "-c", meta)
        assert cp.returncode == 0 and "ERROR" not in cp.stderr, f"{ep.dbname}: {meta}: {cp.stderr}"


@pytest.mark.parametrize("describe", ["\\d {t}", "\\d+ {t}", "\\d {t}_born", "\\d+ {t}_code_key", "\\d {t}_pkey"])
def test_describe_same_as_postgres(describe, postgres_endpoint, sixfold_endpoint):  # noqa: F811
    """\\d and \\d+ of a table (columns, storage, defaults, indexes, access method) and of
    its indexes (one made by CREATE INDEX, one behind a unique constraint) print what
    PostgreSQL prints."""
    t = f"m_{uuid.uuid4().hex[:8]}"
    ddl = (f"create table {t} (id serial primary key, code varchar(20) not null unique, "
           "amount numeric(10,2) default 0, born date default current_date, note text, ok boolean not null); "
           f"create index {t}_born on {t} (born desc, note); comment on column {t}.note is 'free text'")
    pg, sf = psql_on_both((postgres_endpoint, sixfold_endpoint), ddl.split("; "), describe.format(t=t),
                          [f"drop table {t}"])
    assert sf == pg, f"postgres:\n{pg}\nsixfold:\n{sf}"


@pytest.mark.parametrize("describe", ["\\d {t}", "\\d {t}_c", "\\df {t}*"])
def test_describe_triggers_and_foreign_keys_same_as_postgres(describe, postgres_endpoint,
                                                             sixfold_endpoint):  # noqa: F811
    """\\d lists a table's triggers, its foreign keys and those referring to it, and \\df its
    functions (a trigger function, a SQL function with a default), as PostgreSQL prints them."""
    t = f"r_{uuid.uuid4().hex[:8]}"
    ddl = [f"create table {t} (id int primary key, n int)",
           f"create table {t}_c (id int primary key, p int references {t}(id) on delete cascade, "
           "at timestamptz)",
           f"create function {t}_touch() returns trigger language plpgsql as $$ begin new.at := now(); "
           "return new; end $$",
           f"create trigger {t}_touch before insert or update on {t}_c for each row when (new.p > 0) "
           f"execute function {t}_touch()",
           f"create trigger {t}_a after delete on {t}_c for each row execute procedure {t}_touch()",
           f"create function {t}_twice(x integer, y numeric default 1) returns numeric language sql "
           "as 'select x * y * 2'"]
    pg, sf = psql_on_both((postgres_endpoint, sixfold_endpoint), ddl, describe.format(t=t),
                          [f"drop table {t}_c", f"drop table {t}", f"drop function {t}_touch()",
                           f"drop function {t}_twice"])
    assert sf == pg, f"postgres:\n{pg}\nsixfold:\n{sf}"


@pytest.mark.parametrize("describe", ["\\dt {t}*", "\\dm {t}*", "\\d {t}_mv", "\\d {t}_as"])
def test_describe_materialized_views_and_patterns_same_as_postgres(describe, postgres_endpoint,
                                                                   sixfold_endpoint):  # noqa: F811
    """\\dt with a pattern lists only the matching tables; \\dm and \\d show a materialized
    view as one; a table made by CREATE TABLE AS has its query's types."""
    t = f"w_{uuid.uuid4().hex[:8]}"
    ddl = [f"create table {t} (id int primary key, g text, amt numeric(10,2))",
           f"create table {t}_as as select g, sum(amt) as total, count(*) as n from {t} group by g",
           f"create materialized view {t}_mv as select g, count(*) as n from {t} group by g"]
    endpoints = (postgres_endpoint, sixfold_endpoint)
    pg, sf = (out.replace(f"|{ep.user}\n", "|OWNER\n") for ep, out in zip(endpoints, psql_on_both(
        endpoints, ddl, describe.format(t=t), [f"drop materialized view {t}_mv", f"drop table {t}_as",
                                               f"drop table {t}"], "-A")))  # -A: owners' names differ in length
    assert sf == pg, f"postgres:\n{pg}\nsixfold:\n{sf}"


def test_describe_view_shows_its_definition(postgres_endpoint, sixfold_endpoint):  # noqa: F811
    """\\d+ of a view: its columns as PostgreSQL prints them, and its definition (PostgreSQL
    prints its own deparse of the query, Sixfold the query as written)."""
    t = f"v_{uuid.uuid4().hex[:8]}"
    setup = [f"create table {t} (id int primary key, price numeric(10,2), note text)",
             f"create view {t}_v as select id, price from {t} where price > 1"]
    outputs = []
    for ep in (postgres_endpoint, sixfold_endpoint):
        cp = psql_uri(ep, *[x for d in setup for x in ("-c", d)], "-c", f"\\d+ {t}_v", "-c", f"drop view {t}_v",
                      "-c", f"drop table {t}")
        assert cp.returncode == 0, cp.stderr
        outputs.append(cp.stdout)
    pg, sf = (out.split("View definition:") for out in outputs)
    assert sf[0] == pg[0], f"postgres:\n{outputs[0]}\nsixfold:\n{outputs[1]}"
    assert sf[1].split("\n\n")[0].strip() == f"select id, price from {t} where price > 1;", outputs[1]


def test_schema_changes_see_the_sessions_own_last_change(postgres_endpoint, sixfold_endpoint):  # noqa: F811
    """In two psql sessions: DROP TABLE, a CREATE TABLE that is several SQLite statements
    (a typed column's input triggers), ALTER TABLE ADD PRIMARY KEY; what `pgbench -i`
    does on a loaded database. The second ADD PRIMARY KEY finds the index name free, as
    on PostgreSQL (it used to be checked against the session reader's cached schema)."""
    t = f"r_{uuid.uuid4().hex[:8]}"
    once = [f"drop table if exists {t}", f"create table {t} (id int not null, d date, filler char(8))",
            f"alter table {t} add primary key (id)"]
    for ep in (postgres_endpoint, sixfold_endpoint):
        for session in (once, once + [f"drop table {t}"]):  # the second session is the one pgbench -i trips on
            cp = psql_uri(ep, *[x for sql in session for x in ("-c", sql)])
            assert cp.returncode == 0, f"{ep.dbname}: {cp.stderr}"


def test_list_indexes_same_as_postgres(postgres_endpoint, sixfold_endpoint):  # noqa: F811
    """\\di lists the indexes behind primary keys and unique constraints under PostgreSQL's
    names (t_pkey, t_code_key) as well as those made by CREATE INDEX."""
    t = f"i_{uuid.uuid4().hex[:8]}"
    ddl = [f"create table {t} (id serial primary key, code varchar(20) unique, born date)",
           f"create index {t}_born on {t} (born)",
           f"create table {t}_pair (a int, b text, primary key (a, b))"]
    outputs = []
    for ep in (postgres_endpoint, sixfold_endpoint):
        args = [x for d in ddl for x in ("-c", d)] + ["-c", f"\\di {t}*", "-c", f"drop table {t}", "-c",
                                                     f"drop table {t}_pair"]
        cp = psql_uri(ep, *args)
        assert cp.returncode == 0, cp.stderr
        outputs.append(cp.stdout)
    # the owner is each server's own user, and the column widths follow its name
    pg, sf = ([[c.strip() for c in line.split("|")] for line in out.replace(user, "OWNER").splitlines()
               if not set(line) <= set("-+ ")]
              for out, user in zip(outputs, (postgres_endpoint.user, sixfold_endpoint.user)))
    assert any(f"{t}_pkey" in row for row in pg) and sf == pg, f"postgres:\n{outputs[0]}\nsixfold:\n{outputs[1]}"


# --- pure parts (no server) ------------------------------------------------------------------------
def test_split_statements():
    assert shell.split_statements("select 1; select 2") == ["select 1;", "select 2"]
    assert shell.split_statements("select ';' ; select \"a;b\" from t;") == ["select ';' ;", 'select "a;b" from t;']
    assert shell.split_statements("select $$a;b$$; select $f$ $$ ; $f$;") == ["select $$a;b$$;",
                                                                              "select $f$ $$ ; $f$;"]
    assert shell.split_statements("select 1 -- c;\n; /* x; /* nested; */ y; */ select 2;") == \
        ["select 1 -- c;\n;", "/* x; /* nested; */ y; */ select 2;"]
    assert shell.split_statements("select 'it''s;'; select E'a\\';b';") == ["select 'it''s;';", "select E'a\\';b';"]
    assert shell.split_statements("create rule r as on insert to t do (insert into a values (1); "
                                  "insert into b values (2));") == \
        ["create rule r as on insert to t do (insert into a values (1); insert into b values (2));"]
    assert shell.split_statements(" ;; -- only a comment\n") == []
    assert shell.split_statements("select $1; select a$b$c;") == ["select $1;", "select a$b$c;"]


def test_scanner_state_and_prompts():
    sc = shell.Scanner()
    assert sc.feed("select 'a\n") == [] and sc.state == "'" and sc.pending
    assert shell.prompt_for("db", sc.pending, sc.state, "") == "db'> "
    assert sc.feed("b';\n") == ["select 'a\nb';"] and not sc.pending
    assert sc.feed("select (1,\n") == [] and sc.state == "("
    sc.reset()
    assert shell.prompt_for("db", False, "", "") == "db=> "
    assert shell.prompt_for("db", True, "", "") == "db-> "
    assert shell.prompt_for("db", False, "", "*") == "db=*> "
    assert shell.prompt_for("db", False, "", "!") == "db=!> "


def test_formatting():
    assert shell.format_aligned(["id", "name"], [["1", "alice"], ["22", None]], ["r", "l"]) == (
        " id | name  \n----+-------\n  1 | alice\n 22 | \n(2 rows)\n")
    assert shell.format_aligned(["a"], [["x\ny"]]) == " a \n---\n x+\n y\n(1 row)\n"
    assert shell.format_aligned(["Name"], [["t"]], title="List of relations").startswith("List of relations\n")
    assert shell.format_expanded(["a", "bb"], [["1", "hello"]]) == "-[ RECORD 1 ]\na  | 1\nbb | hello\n"
    assert shell.format_expanded(["a_long_header_name"], [["1"]]).splitlines()[0] == "-[ RECORD 1 ]------+--"
    assert shell.format_timing(1.2344) == "Time: 1.234 ms"
    assert shell.format_timing(61_500.0) == "Time: 61500.000 ms (01:01.500)"
    assert shell.format_error("ERROR", "boom", "42P01", hint="try") == "ERROR:  boom\nHINT:  try\nSQLSTATE: 42P01\n"
    assert shell.index_summary("CREATE UNIQUE INDEX t_pkey ON public.t USING btree (id)") == "UNIQUE, btree (id)"


def test_extensions_listed_as_postgres_lists_them(postgres_endpoint, sixfold_endpoint):  # noqa: F811
    """After the CREATE EXTENSION IF NOT EXISTS a migration sends, \\dx prints the same
    list on both (Sixfold's are built in: the create only says so, with a NOTICE)."""
    setup = ["create extension if not exists pgcrypto", 'create extension if not exists "uuid-ossp"']
    outputs = []
    for ep in (postgres_endpoint, sixfold_endpoint):
        cp = psql_uri(ep, *[x for d in setup for x in ("-c", d)], "-c", "\\dx")
        assert cp.returncode == 0, cp.stderr
        outputs.append(cp.stdout)
    pg, sf = outputs
    assert sf == pg, f"postgres:\n{pg}\nsixfold:\n{sf}"
    cp = psql_uri(sixfold_endpoint, "-c", setup[0])
    assert cp.stderr.strip() == 'NOTICE:  extension "pgcrypto" already exists, skipping', cp.stderr


def test_copy_of_a_query_over_a_view_same_as_postgres(postgres_endpoint, sixfold_endpoint):  # noqa: F811
    """COPY (SELECT ...) TO reads a view as its query: the view's computed numerics are
    compared as numbers and printed with their display scales."""
    t = f"w_{uuid.uuid4().hex[:8]}"
    setup = [f"create table {t} (id int primary key, a numeric(10,2))",
             f"insert into {t} values (1, 2.5), (2, 3), (3, 10)",
             f"create view {t}_v as select id, a + 1.5 as x, a / 3 as r from {t}"]
    endpoints = (postgres_endpoint, sixfold_endpoint)
    pg, sf = psql_on_both(endpoints, setup, f"copy (select id, x, r from {t}_v where x > 4 order by id) to stdout",
                          [f"drop view {t}_v", f"drop table {t}"])
    assert "\n2\t4.50\t1.00000000000000000000\n3\t11.50\t3.3333333333333333\n" in pg
    assert sf == pg, f"postgres:\n{pg}\nsixfold:\n{sf}"


@pytest.mark.parametrize("describe", ["\\d {t}", "\\dD {t}*"])
def test_describe_domains_and_composite_keys_same_as_postgres(describe, postgres_endpoint,
                                                              sixfold_endpoint):  # noqa: F811
    """\\d names a domain column's domain (it showed the base type), and a composite key's
    columns are all NOT NULL (SQLite's were nullable); \\dD lists the domain."""
    t = f"q_{uuid.uuid4().hex[:8]}"
    # (no DEFAULT on the domain: Sixfold gives the domain's default to the column, where
    # \d shows it; PostgreSQL shows none there)
    ddl = [f"create domain {t}_qty as integer check (value > 0)",
           f"create table {t} (sku text, bin int, qty {t}_qty not null, primary key (sku, bin))"]
    pg, sf = psql_on_both((postgres_endpoint, sixfold_endpoint), ddl, describe.format(t=t),
                          [f"drop table {t}", f"drop domain {t}_qty"])
    assert sf == pg, f"postgres:\n{pg}\nsixfold:\n{sf}"


def test_multi_statement_query_runs_up_to_its_failing_statement(postgres_endpoint, sixfold_endpoint):  # noqa: F811
    """A Query of several statements (psql -c "a; b") runs them in turn: one whose analysis
    fails (a missing column, 1/0) fails when its turn comes, after the rows of those
    before it were sent and after an explicit COMMIT among them committed, as in
    PostgreSQL; a syntax error anywhere runs none."""
    t = f"mq_{uuid.uuid4().hex[:8]}"
    script = [f"create table {t} (id int)", f"begin; insert into {t} values (1); commit; select nosuch from {t}",
              f"select count(*) from {t}", "select 1; select nosuch; select 2", "select 1; select 1/0; select 2",
              f"insert into {t} values (2); select nosuch", f"select count(*) from {t}", "select 1; selec 2",
              f"drop table {t}"]
    outputs = []
    for ep in (postgres_endpoint, sixfold_endpoint):
        cp = subprocess.run(["psql", "-X", "-d", ep.uri, *[x for sql in script for x in ("-c", sql)]],
                            capture_output=True, text=True, timeout=PSQL_TIMEOUT_S, stdin=subprocess.DEVNULL,
                            check=False)
        outputs.append((cp.stdout, [line for line in cp.stderr.splitlines() if line.startswith("ERROR")]))
    assert outputs[0][0].count("?column?") == 2 and len(outputs[0][1]) == 5
    assert outputs[1] == outputs[0]
