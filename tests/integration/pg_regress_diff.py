"""PostgreSQL's own regression SQL files run statement by statement on PostgreSQL 15 and on
Sixfold, outcomes compared. A bug-finding command, not part of the test suite (the files
are PostgreSQL's: point it at a PostgreSQL 15 source tree, e.g. Debian's
postgresql-15_*.orig.tar.bz2 unpacked):

    python -m tests.integration.pg_regress_diff --regress-dir SRC/src/test/regress \\
        [--pg-uri URI --sixfold-uri URI] [--skip REGEX] [--show N] int4.sql join.sql ...

`test_setup.sql` runs first (the shared tables; its COPY ... FROM :'filename' reads the
tree's data files through COPY FROM STDIN; a COPY ... FROM stdin sends the lines after
it, up to `\\.`); psql meta-commands are dropped. Each
statement's outcome - rows (as text, compared as multisets: window ORDER BYs fool a
textual "is it ordered" test), a command tag, or a SQLSTATE - is compared, and the
differences printed by class: wrong answer (both answered differently, or PostgreSQL
failed and Sixfold answered), refused, other SQLSTATE. A refusal early in a file cascades
(later statements see different tables), so read the first differences of a file first.
Without --pg-uri / --sixfold-uri it starts a throwaway PostgreSQL and a local cluster.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from pathlib import Path

import psycopg

from tests.integration.pg_expr_fuzz import _as_set, connect, outcome, servers
from tests.integration.pg_expr_gen import WRONG, classify

STATEMENTS_PER_FILE_MAX = 20_000
_COPY_FROM_FILE = re.compile(r"^COPY\s+(\S+)\s+FROM\s+:'filename'", re.IGNORECASE)
_SET_FILENAME = re.compile(r"\\set filename :abs_srcdir '([^']+)'")
_DOLLAR_TAG = re.compile(r"\$([A-Za-z_][A-Za-z_0-9]*)?\$")
# (PostgreSQL reads COPY ... FROM STDOUT as FROM STDIN)
_COPY_STDIN = re.compile(r"^COPY\b.*\bFROM\s+std(in|out)\b", re.IGNORECASE | re.DOTALL)
_COPY_STDOUT = re.compile(r"^COPY\b.*\bTO\s+stdout\b", re.IGNORECASE | re.DOTALL)


def copy_data(text: str, end: int) -> tuple[str, int]:
    """The inline data of a COPY ... FROM stdin statement ending (its `;`) at `end`: the
    lines after it up to the `\\.` line, and where the script goes on after that."""
    start = text.find("\n", end)
    start = len(text) if start < 0 else start + 1
    m = re.compile(r"^\\\.[ \t]*$", re.MULTILINE).search(text, start)
    if m is None:
        return text[start:], len(text)
    return text[start:m.start()], m.end()


def statements(text: str) -> list[tuple[int, str]]:
    """(where it ends, statement) of each statement of a psql script, in order: split at
    semicolons outside quotes, dollar quotes and comments; meta-command lines dropped."""
    out: list[tuple[int, str]] = []
    buf: list[str] = []
    i, n = 0, len(text)
    at_line_start = True
    while i < n:
        c = text[i]
        if at_line_start and c == "\\" and not "".join(buf).strip():
            j = text.find("\n", i)
            i = n if j < 0 else j + 1
            continue
        if text.startswith("--", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
            continue
        if text.startswith("/*", i):
            depth, j = 1, i + 2
            while j < n and depth:
                depth += 1 if text.startswith("/*", j) else -1 if text.startswith("*/", j) else 0
                j += 2 if text.startswith(("/*", "*/"), j) else 1
            i = j
            continue
        if c in "'\"":
            j = i + 1
            while j < n and not (text[j] == c and not text.startswith(c * 2, j)):
                escaped = c == "'" and text[j] == "\\" and i > 0 and text[i - 1] in "eE"  # E'\''
                j += 2 if text.startswith(c * 2, j) or escaped else 1
            buf.append(text[i:j + 1])
            i, at_line_start = j + 1, False
            continue
        m = _DOLLAR_TAG.match(text, i) if c == "$" else None
        if m and not (buf and re.match(r"\w", buf[-1][-1:] or " ")):
            j = text.find(m.group(0), m.end())
            j = n if j < 0 else j + len(m.group(0))
            buf.append(text[i:j])
            i, at_line_start = j, False
            continue
        if c == ";":
            sql = "".join(buf).strip()
            if sql:
                out.append((i, sql))
            buf, i = [], i + 1
            if _COPY_STDIN.match(sql):
                i = copy_data(text, i - 1)[1]
            continue
        at_line_start = c == "\n" or (at_line_start and c.isspace())
        buf.append(c)
        i += 1
    if "".join(buf).strip():
        out.append((n, "".join(buf).strip()))
    return out


def _copy_from_file(conn, table: str, data: Path) -> None:
    with conn.cursor() as cur, cur.copy(f"COPY {table} FROM STDIN") as cp:
        cp.write(data.read_bytes())


def _copy_outcome(conn, sql: str, data: bytes | None) -> tuple:
    """A COPY FROM stdin's (sending `data`) or COPY TO stdout's (None: its lines as rows)
    outcome, as pg_expr_fuzz.outcome gives a statement's."""
    try:
        with conn.cursor() as cur:
            with cur.copy(sql) as cp:
                if data is None:
                    out = b"".join(bytes(chunk) for chunk in cp)
                    return ("rows", ("copy",), [(line,) for line in out.decode().splitlines()])
                cp.write(data)
            return ("ok", cur.statusmessage)
    except psycopg.Error as e:
        return ("error", e.sqlstate)


def run_file(path: Path, regress: Path, pg, sf, skip: re.Pattern | None) -> list[tuple[str, str, object, object]]:
    """[(class, statement, postgres outcome, sixfold outcome)] for each differing statement."""
    text = path.read_text()
    files = [(m.start(), m.group(1)) for m in _SET_FILENAME.finditer(text)]
    diffs = []
    for end, sql in statements(text)[:STATEMENTS_PER_FILE_MAX]:
        copy = _COPY_FROM_FILE.match(sql)
        if copy:
            named = [f for at, f in files if at < end]
            for conn in (pg, sf):
                try:
                    _copy_from_file(conn, copy.group(1), regress / named[-1].lstrip("/"))
                except Exception as e:  # noqa: BLE001 - reported, the run goes on
                    print(f"{path.name}: COPY {copy.group(1)} failed on {'PostgreSQL' if conn is pg else 'Sixfold'}:"
                          f" {e}", file=sys.stderr)
            continue
        if skip is not None and skip.search(sql):
            continue
        if _COPY_STDIN.match(sql) or _COPY_STDOUT.match(sql):
            data = copy_data(text, end)[0].encode() if _COPY_STDIN.match(sql) else None
            want, got = (_copy_outcome(conn, sql, data) for conn in (pg, sf))
        else:
            want, got = outcome(pg, sql), outcome(sf, sql)
        try:
            want, got = _as_set(want), _as_set(got)
        except TypeError:  # values of mixed types: compared in order
            pass
        cls = classify(want, got)
        if cls is not None:
            diffs.append((cls, sql, want, got))
    return diffs


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--regress-dir", required=True, type=Path, help="a PostgreSQL 15 tree's src/test/regress")
    ap.add_argument("--pg-uri", help="use this PostgreSQL (an empty database) instead of starting one")
    ap.add_argument("--sixfold-uri", help="use this Sixfold (an empty database) instead of starting a cluster")
    ap.add_argument("--skip", default=r"^\s*explain\b", help="regex: statements run on neither (default: EXPLAIN)")
    ap.add_argument("--show", type=int, default=40, help="differences printed per class (default 40)")
    ap.add_argument("files", nargs="+", help="files of the tree's sql/ directory, run in order after test_setup.sql")
    args = ap.parse_args(argv)
    skip = re.compile(args.skip, re.IGNORECASE) if args.skip else None
    diffs = []
    with servers(args.pg_uri, args.sixfold_uri, "sixfold-regress-") as (pg_uri, sf_uri):
        with connect(pg_uri) as pg, connect(sf_uri) as sf:
            for name in ["test_setup.sql", *args.files]:
                for d in run_file(args.regress_dir / "sql" / name, args.regress_dir, pg, sf, skip):
                    diffs.append((name, *d))
    counts = Counter((d[0], d[1]) for d in diffs)
    for (name, cls), n in sorted(counts.items()):
        print(f"{name}: {cls}: {n}")
    for cls in sorted({d[1] for d in diffs}, key=lambda c: (c != WRONG, c)):
        items = [d for d in diffs if d[1] == cls]
        print(f"== {cls}: {len(items)}")
        for name, _cls, sql, want, got in items[:args.show]:
            print(f"[{name}] {sql[:600]}\n  postgres: {str(want)[:400]}\n  sixfold:  {str(got)[:400]}")
    return 1 if any(d[1] == WRONG for d in diffs) else 0


if __name__ == "__main__":
    sys.exit(main())
