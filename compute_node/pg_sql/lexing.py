"""PostgreSQL text without parsing: quotes, dollar quotes, comments; splitting a script
into statements; syntax errors with PostgreSQL's wording."""

from __future__ import annotations

import re

from sixfold.errors import SqlError


_DOLLAR_TAG = re.compile(r"\$([A-Za-z_\x80-\uffff][A-Za-z0-9_\x80-\uffff]*)?\$")


def _is_ident_char(c: str) -> bool:
    return c.isalnum() or c == "_" or c == "$" or ord(c) >= 0x80


def segments(sql: str):
    """Yield (kind, start, end) covering `sql`: kind is "code", "str" ('..'), "estr" (E'..'),
    "ident" ("..."), "dollar" ($tag$..$tag$), "comment". An unterminated quote or comment
    runs to the end."""
    n = len(sql)
    i = start = 0
    while i < n:
        c = sql[i]
        kind = None
        if c == "'":
            prev = sql[i - 1] if i > 0 else " "  # ("" is in every string)
            is_e = prev in "eE" and (i < 2 or not _is_ident_char(sql[i - 2]))
            j = i + 1
            while j < n:
                if is_e and sql[j] == "\\":
                    j += 2
                    continue
                if sql[j] == "'":
                    if j + 1 < n and sql[j + 1] == "'":
                        j += 2
                        continue
                    break
                j += 1
            s = i - 1 if is_e else i
            kind, end = ("estr" if is_e else "str"), min(j + 1, n)
        elif c == '"':
            j = i + 1
            while j < n:
                if sql[j] == '"':
                    if j + 1 < n and sql[j + 1] == '"':
                        j += 2
                        continue
                    break
                j += 1
            s, kind, end = i, "ident", min(j + 1, n)
        elif c == "-" and sql.startswith("--", i):
            j = sql.find("\n", i)
            s, kind, end = i, "comment", (n if j == -1 else j + 1)
        elif c == "/" and sql.startswith("/*", i):
            depth, j = 1, i + 2
            while j < n and depth:
                if sql.startswith("/*", j):
                    depth += 1
                    j += 2
                elif sql.startswith("*/", j):
                    depth -= 1
                    j += 2
                else:
                    j += 1
            s, kind, end = i, "comment", j
        elif c == "$" and (i == 0 or not _is_ident_char(sql[i - 1])):
            m = _DOLLAR_TAG.match(sql, i)
            if m:
                close = sql.find(m.group(0), m.end())
                s, kind, end = i, "dollar", (n if close == -1 else close + len(m.group(0)))
        if kind is None:
            i += 1
            continue
        if s > start:
            yield "code", start, s
        yield kind, s, end
        i = start = end
    if start < n:
        yield "code", start, n


def masked(sql: str) -> str:
    """`sql` with each string, quoted name and dollar-quoted body as x's and each comment
    as blanks, offsets kept: patterns over it see code only."""
    return "".join(sql[s:e] if kind == "code" else " " * (e - s) if kind == "comment" else "x" * (e - s)
                   for kind, s, e in segments(sql))


def split_statements(pg_sql: str) -> list[str]:
    """PostgreSQL text -> its statements (without the ';'), empty ones dropped."""
    out: list[str] = []
    cur_start = 0
    only_space = True
    for kind, s, e in segments(pg_sql):
        if kind != "code":
            if kind != "comment":
                only_space = False
            continue
        pos = s
        while True:
            semi = pg_sql.find(";", pos, e)
            if semi == -1:
                if pg_sql[pos:e].strip():
                    only_space = False
                break
            if pg_sql[pos:semi].strip():
                only_space = False
            if not only_space:
                out.append(pg_sql[cur_start:semi].strip())
            cur_start, only_space, pos = semi + 1, True, semi + 1
    if not only_space:
        out.append(pg_sql[cur_start:].strip())
    return out


def strip_comments(pg_sql: str) -> str:
    """The statement without comments and without trailing ';' (literals untouched)."""
    if "--" not in pg_sql and "/*" not in pg_sql:
        text = pg_sql.strip()
        while text.endswith(";"):
            text = text[:-1].rstrip()
        return text
    parts = []
    for kind, s, e in segments(pg_sql):
        parts.append(" " if kind == "comment" else pg_sql[s:e])
    text = "".join(parts).strip()
    while text.endswith(";"):
        text = text[:-1].rstrip()
    return text


def error_near(token: str) -> SqlError:
    return SqlError(f'syntax error at or near "{token}"', "42601")


def closing_paren(text: str, open_at: int) -> int | None:
    """Where the ')' matching the '(' at `open_at` is (quotes skipped), None if nowhere."""
    assert text[open_at] == "(", text[open_at:open_at + 10]
    depth = 0
    for kind, s, e in segments(text[open_at:]):
        if kind != "code":
            continue
        for i in range(open_at + s, open_at + e):
            depth += {"(": 1, ")": -1}.get(text[i], 0)
            if depth == 0:
                return i
    return None


def split_top_level(text: str, sep: str = ",") -> list[str]:
    """`text` cut at top-level `sep` (outside quotes, parentheses and brackets)."""
    out, depth, start = [], 0, 0
    for kind, s, e in segments(text):
        if kind != "code":
            continue
        for i in range(s, e):
            c = text[i]
            if c in "([":
                depth += 1
            elif c in ")]":
                depth -= 1
            elif c == sep and depth == 0:
                out.append(text[start:i])
                start = i + 1
    out.append(text[start:])
    return out


_PARAMETER = re.compile(r"\$(\d+)")


def highest_parameter(text: str) -> int:
    """The largest n of the $n parameters in `text`'s code (not in strings, quoted names
    or comments); 0 for none."""
    return max((int(n) for kind, s, e in segments(text) if kind == "code"
                for n in _PARAMETER.findall(text, s, e)), default=0)


def has_top_level_semicolon(text: str) -> bool:
    if ";" not in text:
        return False
    return any(";" in text[s:e] for kind, s, e in segments(text) if kind == "code")


def sql_string(text: str) -> str:
    """`text` as a SQL string literal ('it''s')."""
    return "'" + text.replace("'", "''") + "'"


def quoted_ident(name: str) -> str:
    """`name` as a quoted identifier, exactly as written (its " doubled)."""
    return '"' + name.replace('"', '""') + '"'


def ident(word: str) -> str:
    """A PostgreSQL identifier as SQLite text (unquoted ones folded to lower case)."""
    if word.startswith('"'):
        return word
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_$]*", word):
        raise error_near(word)
    return word.lower()


def object_name(word: str) -> str:
    """An object's name as PostgreSQL keeps it: a quoted one as written (its "" one "),
    else folded to lower case."""
    return word[1:-1].replace('""', '"') if word.startswith('"') else word.lower()
