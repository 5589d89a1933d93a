"""`sixfold sql`: a psql-like SQL shell over the PostgreSQL protocol (psycopg 3).

    sixfold sql                          the local cluster's writer (./.sixfold or --data-dir)
    sixfold sql -h HOST -p PORT -U USER -d DB
    sixfold sql -c "SELECT 1; SELECT 2"  run, print each result, exit 0 (1 on error)
    sixfold sql -f script.sql            run statement by statement, stop at the first error
    sixfold sql < script.sql             the same for a script on stdin

Where to connect: -h/-p/-U/-d win; otherwise the libpq environment (PGHOST, PGPORT,
PGUSER, PGPASSWORD, PGDATABASE) applies as libpq applies it. When neither -h/-p nor
PGHOST/PGHOSTADDR/PGPORT is given, the shell connects to the writer of the local cluster
(`sixfold.endpoints.writer_uri`), with -U/-d replacing the user/database of that URI.

Output is psql's aligned format (or expanded with \\x), command tags for other
statements, errors as `ERROR:  ...` with their SQLSTATE. Statements are split on the
client at `;` outside quotes, dollar quotes, comments and parentheses, and each one is
sent on its own (simple query protocol) in autocommit mode, as psql does. A line that
starts with a backslash when no statement is pending is a meta-command (see `\\?`).

Exit codes: 0 success, 1 a statement or meta-command failed or the connection could not
be made, 2 bad usage.
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import sys
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from sixfold.constants import SHELL_CONNECT_TIMEOUT_S

EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2
HISTORY_FILE = "~/.sixfold_history"
HISTORY_MAX_LINES = 1000
DEFAULT_DATA_DIR = ".sixfold"

# The catalog queries behind \d and \dt (the Sixfold server answers exactly these).
SQL_LIST_RELATIONS = ("SELECT table_schema, table_name, table_type FROM information_schema.tables "
                      "WHERE table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2")
SQL_COLUMNS = ("SELECT column_name, data_type, is_nullable, column_default FROM information_schema.columns "
               "WHERE table_name = %s ORDER BY ordinal_position")
SQL_INDEXES = "SELECT indexname, indexdef FROM pg_catalog.pg_indexes WHERE tablename = %s ORDER BY 1"

# psql right-aligns these types (int2, int4, int8, float4, float8, numeric, oid, xid, cid, money).
NUMERIC_OIDS = frozenset({20, 21, 23, 700, 701, 1700, 26, 28, 29, 790})
RELATION_TYPES = {"BASE TABLE": "table", "VIEW": "view", "FOREIGN": "foreign table",
                  "LOCAL TEMPORARY": "table"}

HELP = """\
General
  \\q                     quit sixfold sql
  \\?                     show this help
  \\conninfo              show where the shell is connected
Formatting
  \\x [on|off]            toggle expanded output
  \\timing [on|off]       toggle timing of statements
Informational
  \\d                     list tables, views and sequences
  \\d NAME                describe table NAME: columns, then indexes
  \\dt                    list tables
Statements end with `;` (outside quotes and comments); Ctrl-C cancels the current
input or the running query, Ctrl-D quits.
"""


# --- formatting (pure) -------------------------------------------------------------------
def display_width(s: str) -> int:
    """Terminal columns `s` takes: wide East Asian characters count 2, combining marks 0."""
    w = 0
    for ch in s:
        if unicodedata.combining(ch):
            continue
        w += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return w


def _pad(s: str, width: int, align: str) -> str:
    gap = width - display_width(s)
    if align == "r":
        return " " * gap + s
    if align == "c":
        return " " * (gap // 2) + s + " " * (gap - gap // 2)
    return s + " " * gap


def rows_footer(n: int) -> str:
    return "(1 row)" if n == 1 else f"({n} rows)"


def format_aligned(headers: list[str], rows: list[list[str | None]], aligns: list[str] | None = None,
                   title: str | None = None, footers: list[str] | None = None) -> str:
    """psql's aligned format (border 1): centered header, `-+-` rule, numbers right-aligned
    (aligns[i] == "r"), multi-line values continued with `+`, NULL shown empty. `footers`
    default to the row count."""
    ncol = len(headers)
    aligns = aligns or ["l"] * ncol
    cells = [[(v if v is not None else "").split("\n") for v in r] for r in rows]
    widths = [display_width(h) for h in headers]
    for r in cells:
        for i, lines in enumerate(r):
            widths[i] = max(widths[i], *(display_width(x) for x in lines))
    out = []
    if title is not None:
        total = sum(widths) + 3 * ncol - 1
        tw = display_width(title)
        out.append(title if tw >= total else " " * ((total - tw) // 2) + title)
    if ncol == 0:  # `SELECT;`: psql draws just the rule
        out.append("--")
    else:
        out.append(" " + " | ".join(_pad(h, widths[i], "c") for i, h in enumerate(headers)) + " ")
        out.append("+".join("-" * (w + 2) for w in widths))
    for r in cells if ncol else []:
        for k in range(max(len(lines) for lines in r)):
            line = ""
            for i, lines in enumerate(r):
                more = k < len(lines) - 1
                text = lines[k] if k < len(lines) else ""
                if i < ncol - 1:
                    line += " " + _pad(text, widths[i], aligns[i]) + ("+|" if more else " |")
                elif more:
                    line += " " + _pad(text, widths[i], aligns[i]) + "+"
                else:  # the last column: no padding after a left-aligned value
                    line += " " + (text if aligns[i] != "r" else _pad(text, widths[i], "r"))
            out.append(line)
    out += footers if footers is not None else [rows_footer(len(rows))]
    return "\n".join(out) + "\n"


def format_expanded(headers: list[str], rows: list[list[str | None]], footers: list[str] | None = None) -> str:
    """psql's expanded format (\\x, border 1): `-[ RECORD n ]-+-` then `name | value`."""
    if not rows:
        return "(0 rows)\n"
    hwidth = max((display_width(h) for h in headers), default=0)
    dwidth = max((display_width(x) for r in rows for v in r for x in (v or "").split("\n")), default=0)
    out = []
    for n, r in enumerate(rows, 1):
        label = f"-[ RECORD {n} ]"
        reclen = len(label)
        line = label + "-" * max(0, hwidth - reclen)
        reclen -= hwidth
        for ch in "-+-":
            if reclen <= 0:
                line += ch
            reclen -= 1
        line += "-" * max(0, dwidth - max(reclen, 0))
        out.append(line)
        for h, v in zip(headers, r):
            lines = (v or "").split("\n")
            for k, text in enumerate(lines):
                head = _pad(h if k == 0 else "", hwidth, "l") + " | "
                out.append(head + _pad(text, dwidth, "l") + "+" if k < len(lines) - 1 else head + text)
    out += footers or []
    return "\n".join(out) + "\n"


def format_timing(ms: float) -> str:
    """psql's `\\timing` line."""
    if ms < 1000:
        return f"Time: {ms:.3f} ms"
    seconds = ms / 1000
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"Time: {ms:.3f} ms ({int(minutes):02d}:{seconds:06.3f})"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"Time: {ms:.3f} ms ({int(hours):02d}:{int(minutes):02d}:{seconds:06.3f})"
    days, hours = divmod(hours, 24)
    return f"Time: {ms:.3f} ms ({days:.0f} d {int(hours):02d}:{int(minutes):02d}:{seconds:06.3f})"


def format_error(severity: str | None, message: str, sqlstate: str | None = None, detail: str | None = None,
                 hint: str | None = None) -> str:
    out = [f"{severity or 'ERROR'}:  {message}"]
    if detail:
        out.append(f"DETAIL:  {detail}")
    if hint:
        out.append(f"HINT:  {hint}")
    if sqlstate:
        out.append(f"SQLSTATE: {sqlstate}")
    return "\n".join(out) + "\n"


def index_summary(indexdef: str) -> str:
    """`CREATE UNIQUE INDEX t_pkey ON public.t USING btree (id)` -> `UNIQUE, btree (id)`."""
    m = re.match(r"CREATE (UNIQUE )?INDEX \S+ ON \S+ USING (\w+) (.*)$", indexdef, re.DOTALL)
    if not m:
        return indexdef
    return ("UNIQUE, " if m.group(1) else "") + f"{m.group(2)} {m.group(3)}"


# --- statement splitting (pure) ------------------------------------------------------------
@dataclass
class Scanner:
    """Feeds text in and cuts complete statements at `;` outside '...', "...", $tag$...$tag$,
    -- and /* */ (nested) comments and parentheses. `state` tells where a pending,
    incomplete statement stands: "" (plain), "'", '"', "$", "*" (comment) or "(".
    """

    buf: str = ""
    _pos: int = 0  # scanned up to here
    _quote: str | None = None  # "'", '"', "E" (E'...' with backslash escapes), "$tag$", "/*"
    _depth: int = 0  # comment nesting or parenthesis depth
    _parens: int = 0

    def feed(self, text: str) -> list[str]:
        """Add text; return the statements it completed (each with its `;`)."""
        self.buf += text
        out = []
        s, i = self.buf, self._pos
        start = 0
        while i < len(s):
            c = s[i]
            q = self._quote
            if q == "--":
                if c == "\n":
                    self._quote = None
                i += 1
            elif q == "/*":
                if s.startswith("*/", i):
                    self._depth -= 1
                    i += 2
                    if self._depth == 0:
                        self._quote = None
                    continue
                if s.startswith("/*", i):
                    self._depth += 1
                    i += 2
                    continue
                i += 1
            elif q in ("'", "E"):
                if q == "E" and c == "\\":
                    i += 2
                    continue
                if c == "'":
                    if s.startswith("''", i):
                        i += 2
                        continue
                    self._quote = None
                i += 1
            elif q == '"':
                if c == '"':
                    self._quote = None  # "" inside reopens at once: same result
                i += 1
            elif q is not None:  # a dollar quote
                if s.startswith(q, i):
                    i += len(q)
                    self._quote = None
                else:
                    i += 1
            elif s.startswith("--", i):
                self._quote = "--"
                i += 2
            elif s.startswith("/*", i):
                self._quote, self._depth = "/*", 1
                i += 2
            elif c == "'":
                prev = s[i - 1] if i > 0 else ""
                before = s[i - 2] if i > 1 else ""
                e_prefix = prev in "eE" and not (before.isalnum() or before == "_")
                self._quote = "E" if e_prefix else "'"
                i += 1
            elif c == '"':
                self._quote = '"'
                i += 1
            elif c == "$":
                m = re.compile(r"\$([A-Za-z_\x80-\uffff][\w\x80-\uffff]*)?\$").match(s, i)
                prev = s[i - 1] if i > 0 else ""
                if m and not (prev.isalnum() or prev == "_" or prev == "$"):
                    self._quote = m.group(0)
                    i = m.end()
                else:
                    i += 1
            elif c == "(":
                self._parens += 1
                i += 1
            elif c == ")":
                self._parens = max(0, self._parens - 1)
                i += 1
            elif c == ";" and self._parens == 0:
                stmt = s[start:i + 1]
                if not is_blank_sql(stmt):
                    out.append(stmt.strip())
                i += 1
                start = i
            else:
                i += 1
        self.buf = s[start:]
        self._pos = i - start
        return out

    @property
    def state(self) -> str:
        q = self._quote
        if q is None:
            return "(" if self._parens else ""
        return {"'": "'", "E": "'", '"': '"', "/*": "*", "--": "-"}.get(q, "$")

    @property
    def pending(self) -> bool:
        """Some non-blank text waits for its `;`."""
        return not is_blank_sql(self.buf)

    def take_rest(self) -> str | None:
        """The unterminated rest (end of input), or None; resets the scanner."""
        rest = self.buf.strip()
        self.reset()
        return rest if rest and not is_blank_sql(rest) else None

    def reset(self) -> None:
        self.buf, self._pos, self._quote, self._depth, self._parens = "", 0, None, 0, 0


def is_blank_sql(text: str) -> bool:
    """Only whitespace, comments and `;`: nothing to send."""
    t = re.sub(r"--[^\n]*", "", text)
    t = re.sub(r"/\*.*?\*/", "", t, flags=re.DOTALL)
    return not t.replace(";", "").strip()


def split_statements(text: str) -> list[str]:
    """Every statement of a script, the last one even without its `;`."""
    sc = Scanner()
    out = sc.feed(text)
    rest = sc.take_rest()
    return out + ([rest] if rest else [])


def prompt_for(db: str, continuation: bool, scan_state: str, txn: str) -> str:
    """psql's prompts: `db=> `, `db-> ` (continuation; `'`, `"`, `$`, `*`, `(` when inside
    one), with `*` in a transaction and `!` in a failed one: `db=*> `, `db=!> `."""
    r = (scan_state or "-") if continuation else "="
    return f"{db}{r}{txn}> "


# --- connecting ------------------------------------------------------------------------------
class ShellError(Exception):
    """An expected problem: one line on stderr, no traceback."""

    def __init__(self, message: str, code: int = EXIT_FAIL):
        super().__init__(message)
        self.code = code


def conninfo_for(args: argparse.Namespace, environ: dict | None = None) -> str:
    """The libpq connection string for the options (see the module doc)."""
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    environ = os.environ if environ is None else environ
    explicit = {k: v for k, v in (("host", args.host), ("port", args.port), ("user", args.username),
                                  ("dbname", args.dbname)) if v is not None}
    if args.host is None and args.port is None and not any(environ.get(v) for v in
                                                               ("PGHOST", "PGHOSTADDR", "PGPORT")):
        from sixfold.endpoints import writer_uri

        data_dir = args.data_dir or environ.get("SIXFOLD_DATA_DIR") or DEFAULT_DATA_DIR
        try:
            base = writer_uri(data_dir)
        except LookupError as e:
            raise ShellError(f"{e}; or give -h/-p (or PGHOST/PGPORT) to connect elsewhere") from None
        except (OSError, ValueError, KeyError, TypeError) as e:
            raise ShellError(f"cannot read the cluster in {data_dir}: {e}") from None
        if args.username is not None and args.username != conninfo_to_dict(base).get("user"):
            base = make_conninfo(base, password=None)  # the saved password is for the saved user
        return make_conninfo(base, **explicit)
    return make_conninfo("", **explicit)


def describe_target(conninfo: str) -> str:
    from psycopg.conninfo import conninfo_to_dict

    d = conninfo_to_dict(conninfo)
    host = d.get("host") or os.environ.get("PGHOST") or "the default socket"
    port = d.get("port") or os.environ.get("PGPORT") or "5432"
    return f"{host}:{port}" if not str(host).startswith("/") else f"{host} (port {port})"


def connect(conninfo: str, interactive: bool):
    """A psycopg connection in autocommit mode; ShellError naming the endpoint and the
    reason. On a tty, asks for the password when the server wants one and none was given."""
    import psycopg

    password = None
    for _ in range(2):
        try:
            extra = {"password": password} if password else {}
            return psycopg.connect(conninfo, autocommit=True, connect_timeout=SHELL_CONNECT_TIMEOUT_S, **extra)
        except psycopg.OperationalError as e:
            msg = str(e)
            if interactive and password is None and "no password supplied" in msg:
                import getpass

                password = getpass.getpass("Password: ")
                continue
            lines = [x.strip() for x in msg.splitlines() if x.strip() and not x.strip().startswith("Is the server")]
            reason = re.sub(r"^(connection failed: )?(connection to server .*? failed: )?(FATAL:\s+)?", "",
                            lines[-1] if lines else type(e).__name__)
            if "password authentication failed" in msg or getattr(e, "sqlstate", None) == "28P01":
                m = re.search(r'for user "([^"]*)"', msg)
                who = f' for user "{m.group(1)}"' if m else ""
                raise ShellError(f"cannot connect to {describe_target(conninfo)}: password authentication "
                                 f"failed{who} (check -U, PGPASSWORD or the cluster's credentials)") from None
            raise ShellError(f"cannot connect to {describe_target(conninfo)}: {reason}") from None
    raise AssertionError("unreachable")


# --- the session -----------------------------------------------------------------------------
class Session:
    def __init__(self, conn, out=None, err=None):
        self.conn = conn
        self.out = out or sys.stdout
        self.err = err or sys.stderr
        self.expanded = False
        self.timing = False
        conn.add_notice_handler(self._notice)

    def _notice(self, diag) -> None:
        self.err.write(f"{diag.severity or 'NOTICE'}:  {diag.message_primary}\n")
        if diag.message_detail:
            self.err.write(f"DETAIL:  {diag.message_detail}\n")
        if diag.message_hint:
            self.err.write(f"HINT:  {diag.message_hint}\n")
        self.err.flush()

    @property
    def dbname(self) -> str:
        return self.conn.info.dbname

    @property
    def txn_marker(self) -> str:
        from psycopg.pq import TransactionStatus as T

        return {T.INTRANS: "*", T.INERROR: "!"}.get(self.conn.info.transaction_status, "")

    def print_table(self, headers, rows, aligns=None, title=None, footers=None) -> None:
        if self.expanded:
            if title and rows:
                self.out.write(title + "\n")
            self.out.write(format_expanded(headers, rows, footers=[] if footers is None else footers))
        else:
            self.out.write(format_aligned(headers, rows, aligns, title=title, footers=footers))
        self.out.write("\n")

    def run_sql(self, sql: str) -> bool:
        """Send one statement (simple query protocol), print its results or its error; True
        when it succeeded. Ctrl-C while it runs cancels it on the server."""
        import psycopg

        t0 = time.perf_counter()
        old = signal.getsignal(signal.SIGINT)
        can_trap = _main_thread()
        if can_trap:
            signal.signal(signal.SIGINT, lambda *_: self.conn.cancel())
        try:
            cur = self.conn.cursor()
            cur.execute(sql)
            while True:
                self._print_result(cur)
                if not cur.nextset():
                    break
            ok = True
        except psycopg.Error as e:
            self._print_error(e)
            ok = False
        finally:
            if can_trap:
                signal.signal(signal.SIGINT, old)
        if self.timing:
            self.out.write(format_timing((time.perf_counter() - t0) * 1000) + "\n")
        self.out.flush()
        if self.conn.closed:
            raise ShellError("the connection to the server was lost")
        return ok

    def _print_result(self, cur) -> None:
        res = cur.pgresult
        if res is None:
            return
        enc = self.conn.info.encoding
        if cur.description is not None:
            headers = [res.fname(i).decode(enc) for i in range(res.nfields)]
            aligns = ["r" if res.ftype(i) in NUMERIC_OIDS else "l" for i in range(res.nfields)]
            rows = []
            for r in range(res.ntuples):
                rows.append([None if (v := res.get_value(r, c)) is None else v.decode(enc)
                             for c in range(res.nfields)])
            self.print_table(headers, rows, aligns, footers=None if not self.expanded else [])
            tag = (res.command_status or b"").decode(enc)
            if tag and not tag.startswith(("SELECT", "FETCH", "SHOW", "EXPLAIN")) and tag.split()[0] != "VALUES":
                self.out.write(tag + "\n")
        else:
            tag = (res.command_status or b"").decode(enc)
            if tag:
                self.out.write(tag + "\n")

    def _print_error(self, e) -> None:
        d = e.diag
        msg = d.message_primary or str(e).strip() or type(e).__name__
        self.out.flush()
        self.err.write(format_error(d.severity, msg, d.sqlstate or e.sqlstate, d.message_detail, d.message_hint))
        self.err.flush()

    # --- meta-commands -------------------------------------------------------------
    def meta(self, line: str) -> bool | None:
        """Run one backslash command; True ok, False failed, None: quit."""
        parts = line.strip().split()
        cmd, args = parts[0], parts[1:]
        if cmd == "\\q":
            return None
        if cmd in ("\\?", "\\h", "\\help"):
            self.out.write(HELP)
            return True
        if cmd in ("\\timing", "\\x"):
            attr = "timing" if cmd == "\\timing" else "expanded"
            value = _toggle(getattr(self, attr), args)
            if value is None:
                self.err.write(f"{cmd}: unrecognized value \"{args[0]}\": Boolean expected\n")
                return False
            setattr(self, attr, value)
            self.out.write(("Timing is " if attr == "timing" else "Expanded display is ")
                           + ("on." if value else "off.") + "\n")
            return True
        if cmd == "\\conninfo":
            i = self.conn.info
            where = (f'via socket in "{i.host}"' if i.host.startswith("/") else f'on host "{i.host}"')
            self.out.write(f'You are connected to database "{i.dbname}" as user "{i.user}" {where} '
                           f'at port "{i.port}".\n')
            return True
        if cmd in ("\\d", "\\dt") and not args:
            return self.list_relations(tables_only=cmd == "\\dt")
        if cmd == "\\d" and len(args) == 1:
            return self.describe(args[0])
        self.err.write(f"invalid command {cmd}\nTry \\? for help.\n")
        return False

    def _query(self, sql: str, params=()) -> list[tuple]:
        with self.conn.cursor() as cur:
            cur.execute(sql, params or None)
            return cur.fetchall()

    def list_relations(self, tables_only: bool) -> bool:
        import psycopg

        try:
            rows = self._query(SQL_LIST_RELATIONS)
        except psycopg.Error as e:
            self._print_error(e)
            return False
        if tables_only:
            rows = [r for r in rows if r[2] == "BASE TABLE"]
        if not rows:
            self.err.write("Did not find any relations.\n")
            return True
        self.print_table(["Schema", "Name", "Type"],
                         [[s, n, RELATION_TYPES.get(t, t.lower())] for s, n, t in rows], title="List of relations")
        return True

    def describe(self, name: str) -> bool:
        import psycopg

        table = name.split(".")[-1].strip('"')
        try:
            cols = self._query(SQL_COLUMNS, (table,))
            idx = self._query(SQL_INDEXES, (table,)) if cols else []
        except psycopg.Error as e:
            self._print_error(e)
            return False
        if not cols:
            self.err.write(f'Did not find any relation named "{name}".\n')
            return False
        footers = ["Indexes:", *(f'    "{n}" {index_summary(d)}' for n, d in idx)] if idx else []
        self.print_table(["Column", "Type", "Nullable", "Default"],
                         [[c, t, "not null" if nullable == "NO" else "", d] for c, t, nullable, d in cols],
                         title=f'Table "{name}"', footers=footers)
        return True


def _toggle(current: bool, args: list[str]) -> bool | None:
    if not args:
        return not current
    v = args[0].lower()
    if v in ("on", "true", "yes", "1"):
        return True
    if v in ("off", "false", "no", "0"):
        return False
    return None


def _main_thread() -> bool:
    import threading

    return threading.current_thread() is threading.main_thread()


# --- the loops -------------------------------------------------------------------------------
def run_script(session: Session, text: str) -> int:
    """Run a script statement by statement; stop at the first error (ON_ERROR_STOP)."""
    sc = Scanner()
    lines = text.splitlines(keepends=True)
    for line in lines:
        if not sc.pending and line.lstrip().startswith("\\"):
            sc.reset()
            r = session.meta(line)
            if r is None:
                return EXIT_OK
            if not r:
                return EXIT_FAIL
            continue
        for stmt in sc.feed(line):
            if not session.run_sql(stmt):
                return EXIT_FAIL
    rest = sc.take_rest()
    if rest and not session.run_sql(rest):
        return EXIT_FAIL
    return EXIT_OK


def run_command(session: Session, command: str) -> int:
    """`-c`: a meta-command, or one or more statements."""
    if command.lstrip().startswith("\\"):
        r = session.meta(command)
        return EXIT_FAIL if r is False else EXIT_OK
    return run_script(session, command)


def interactive(session: Session) -> int:
    """The tty loop: prompts, readline history, multi-line input, Ctrl-C and Ctrl-D."""
    try:
        import readline
    except ImportError:  # no readline on this platform: plain input()
        readline = None
    hist = Path(HISTORY_FILE).expanduser()
    if readline is not None:
        readline.set_history_length(HISTORY_MAX_LINES)
        try:
            readline.read_history_file(hist)
        except OSError:
            pass
    i = session.conn.info
    print(f"sixfold sql: connected to {i.dbname} on {i.host}:{i.port} (server {_server_version(session.conn)}). "
          "Type \\? for help, \\q to quit.")
    sc = Scanner()
    try:
        while True:
            prompt = prompt_for(session.dbname, sc.pending, sc.state, session.txn_marker)
            try:
                line = input(prompt)
            except KeyboardInterrupt:  # drop the pending input
                print()
                sc.reset()
                continue
            except EOFError:
                print()
                return EXIT_OK
            if not sc.pending and line.lstrip().startswith("\\"):
                sc.reset()
                if session.meta(line) is None:
                    return EXIT_OK
                continue
            for stmt in sc.feed(line + "\n"):
                session.run_sql(stmt)
    finally:
        if readline is not None:
            try:
                readline.write_history_file(hist)
            except OSError:
                pass


def _server_version(conn) -> str:
    v = conn.info.server_version
    return f"{v // 10000}.{v % 10000}" if v >= 100000 else str(v)


# --- command line ----------------------------------------------------------------------------
def add_arguments(p: argparse.ArgumentParser) -> None:
    """The options of `sixfold sql`. -h is the host, as in psql: the parser must be made
    with add_help=False; --help is added here."""
    p.add_argument("--help", "-?", action="help", help="show this help and exit")
    p.add_argument("-h", "--host", metavar="HOST", default=None,
                   help="server host or socket directory (default: the local cluster's writer, else PGHOST)")
    p.add_argument("-p", "--port", metavar="PORT", default=None,
                   help="server port (default: the local cluster's writer, else PGPORT or 5432)")
    p.add_argument("-U", "--username", metavar="USER", default=None,
                   help="user name (default: the cluster's user, else PGUSER or the OS user)")
    p.add_argument("-d", "--dbname", metavar="DB", default=None,
                   help="database name (default: the cluster's database, else PGDATABASE)")
    p.add_argument("-c", "--command", metavar="SQL", dest="actions", action="append",
                   type=lambda s: ("c", s),
                   help="run SQL (one or more statements, or one meta-command) and exit; repeatable")
    p.add_argument("-f", "--file", metavar="FILE", dest="actions", action="append",
                   type=lambda s: ("f", s),
                   help="run the statements of FILE (- for stdin), stopping at the first error; repeatable")
    p.add_argument("--data-dir", metavar="DIR", default=None,
                   help=f"the local cluster to connect to when no -h/-p is given "
                        f"(default: $SIXFOLD_DATA_DIR or ./{DEFAULT_DATA_DIR})")


def build_parser(prog: str = "sixfold sql") -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog=prog, add_help=False,
                                description="A psql-like SQL shell for a Sixfold cluster (or any PostgreSQL "
                                            "server). Without -c/-f it reads statements from the terminal "
                                            "(or runs the script on stdin).")
    add_arguments(p)
    return p


def add_subcommand(sub) -> argparse.ArgumentParser:
    """Register `sql` on the subparsers of `sixfold` (sixfold/cli.py): the parser is made
    with add_help=False because -h is the host, as in psql."""
    p = sub.add_parser("sql", add_help=False, help="a psql-like SQL shell connected to the cluster's writer",
                       description=build_parser().description)
    add_arguments(p)
    p.set_defaults(func=run)
    return p


def run(args: argparse.Namespace) -> int:
    """Run `sixfold sql` for parsed arguments; the exit code."""
    try:
        return _run(args)
    except ShellError as e:
        sys.stdout.flush()
        print(f"sixfold sql: error: {e}", file=sys.stderr)
        return e.code
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_FAIL
    except KeyboardInterrupt:
        print("sixfold sql: interrupted", file=sys.stderr)
        return 130


def _run(args: argparse.Namespace) -> int:
    tty = sys.stdin.isatty() and sys.stdout.isatty()
    actions = args.actions or []
    scripts = []
    for kind, value in actions:  # read the files before connecting: a typo fails fast
        if kind == "f":
            try:
                scripts.append(sys.stdin.read() if value == "-" else Path(value).read_text())
            except (OSError, UnicodeDecodeError) as e:
                raise ShellError(f"cannot read {value}: {e}") from None
        else:
            scripts.append(None)
    conn = connect(conninfo_for(args), interactive=sys.stdin.isatty())
    try:
        session = Session(conn)
        if actions:
            for (kind, value), text in zip(actions, scripts):
                code = run_command(session, value) if kind == "c" else run_script(session, text)
                if code != EXIT_OK:
                    return code
            return EXIT_OK
        if tty:
            return interactive(session)
        return run_script(session, sys.stdin.read())
    finally:
        conn.close()


def main(argv: list[str] | None = None) -> int:
    return run(build_parser().parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
