"""COPY: the statement's options, the SQL that loads or reads the rows, and the row formats
(text and CSV) of the CopyData stream."""

from __future__ import annotations

import codecs
import re
import struct
from collections.abc import Callable
from dataclasses import dataclass

from sixfold.errors import SqlError


@dataclass(frozen=True)
class CopySpec:
    table: str | None
    columns: tuple[str, ...] | None  # None: all columns, in table order
    query: str | None  # COPY (SELECT ...) TO STDOUT: the translated SQLite query
    direction: str  # "from" (FROM STDIN) or "to" (TO STDOUT)
    format: str = "text"  # "text" | "csv"
    delimiter: str = "\t"
    null: str = "\\N"
    header: bool = False
    quote: str = '"'
    escape: str = '"'
    # COPY (query) TO: the query's column types and display scales, as its SELECT has them
    query_oids: tuple[int | None, ...] = ()
    query_scales: tuple[int | None, ...] = ()
    # CSV: FORCE_QUOTE (TO: these columns' values always quoted; ("*",) every column),
    # FORCE_NOT_NULL (FROM: the null string is a value there, not NULL), FORCE_NULL (FROM:
    # the null string is NULL there even when quoted)
    force_quote: tuple[str, ...] = ()
    force_not_null: tuple[str, ...] = ()
    force_null: tuple[str, ...] = ()


def _qi(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def insert_sql(spec: CopySpec, column_names: list[str]) -> str:
    """The SQLite INSERT for one COPY FROM row: ?1..?n in `column_names` order."""
    cols = ", ".join(_qi(c) for c in column_names)
    marks = ", ".join(f"?{i}" for i in range(1, len(column_names) + 1))
    return f"INSERT INTO {_qi(spec.table)} ({cols}) VALUES ({marks})"


def select_sql(spec: CopySpec) -> str:
    """The SQLite SELECT whose rows COPY TO sends."""
    if spec.query is not None:
        return spec.query
    cols = ", ".join(_qi(c) for c in spec.columns) if spec.columns else "*"
    return f"SELECT {cols} FROM {_qi(spec.table)}"


# --- the statement -------------------------------------------------------------------------
_TOKEN = re.compile(r"""\s+|--[^\n]*|(?P<e>[eE]'(?:[^'\\]|\\.|'')*')|(?P<s>'(?:[^']|'')*')|(?P<q>"(?:[^"]|"")*")"""
                    r"""|(?P<w>[A-Za-z_][A-Za-z0-9_$.]*)|(?P<n>-?\d+)|(?P<p>[(),;=*.])""", re.DOTALL)


def _tokens(text: str) -> list[tuple[str, str]]:
    out, pos = [], 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m:
            raise SqlError(f'syntax error at or near "{text[pos:pos + 10].split()[0]}"', "42601")
        pos = m.end()
        kind = m.lastgroup
        if kind is None:
            continue
        v = m.group(kind)
        if kind == "s":
            out.append(("s", v[1:-1].replace("''", "'")))
        elif kind == "e":
            out.append(("s", _unescape_e(v[2:-1])))
        elif kind == "q":
            out.append(("i", v[1:-1].replace('""', '"')))
        elif kind == "w":
            out.append(("w", v.lower()))
        else:
            out.append((kind, v))
    return out


def _unescape_e(body: str) -> str:
    body = body.replace("''", "'")
    simple = {"b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}

    def rep(m: re.Match) -> str:
        s = m.group(1)
        if s[0] in simple:
            return simple[s[0]]
        if s[0] in "01234567":
            return chr(int(s, 8))
        if s[0] == "x":
            return chr(int(s[1:], 16))
        if s[0] in "uU":
            return chr(int(s[1:], 16))
        return s

    return re.sub(r"\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|x[0-9a-fA-F]{1,2}|[0-7]{1,3}|.)", rep, body, flags=re.DOTALL)


def _matching_paren(text: str, start: int) -> int:
    """Index of the ')' closing the '(' at `start` (quotes respected)."""
    depth, i = 0, start
    while i < len(text):
        c = text[i]
        if c == "'" or c == '"':
            j = text.find(c, i + 1)
            while j != -1 and text[j + 1:j + 2] == c:
                j = text.find(c, j + 2)
            if j == -1:
                break
            i = j
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    raise SqlError("syntax error at end of input", "42601")


def parse_copy(pg_sql: str, translate_query: Callable[[str], str | tuple[str, tuple, tuple]]) -> CopySpec:
    """The CopySpec of a COPY statement. `translate_query` turns the PostgreSQL query of
    COPY (query) TO into SQLite: its text, or (text, column type OIDs, display scales)."""
    text = pg_sql.strip().rstrip(";").strip()
    m = re.match(r"copy\s*", text, re.IGNORECASE)
    if not m:
        raise SqlError("not a COPY statement", "42601")
    rest = text[m.end():]
    table = query = None
    query_types: tuple[tuple, tuple] = ((), ())
    columns = None
    if rest.startswith("("):
        end = _matching_paren(rest, 0)
        translated = translate_query(rest[1:end])
        query, query_types = (translated, ((), ())) if isinstance(translated, str) else (
            translated[0], translated[1:])
        toks = _tokens(rest[end + 1:])
    else:
        toks = _tokens(rest)
        if not toks or toks[0][0] not in ("w", "i"):
            raise SqlError("syntax error at or near \"COPY\"", "42601")
        kind, table = toks.pop(0)
        schema = None
        if kind == "w" and "." in table:  # public.t, one word
            schema, _, table = table.rpartition(".")
        if not table or (schema is None and toks[:1] == [("p", ".")]):  # public."T", "public"."T"
            if table:
                schema = table
                toks.pop(0)
            if not toks or toks[0][0] not in ("w", "i") or toks[0][0] == "w" and "." in toks[0][1]:
                raise SqlError(f'syntax error at or near "{toks[0][1] if toks else "."}"', "42601")
            table = toks.pop(0)[1]
        if schema is not None and schema not in ("public", "pg_temp"):
            raise SqlError(f'schema "{schema}" does not exist', "3F000")
        if toks and toks[0] == ("p", "("):
            columns = _column_list(toks)
    if not toks or toks[0][1] not in ("from", "to"):
        raise SqlError(f'syntax error at or near "{toks[0][1] if toks else ""}"', "42601")
    direction = toks.pop(0)[1]
    if query is not None and direction == "from":
        raise SqlError('syntax error at or near "FROM"', "42601")
    if not toks:
        raise SqlError("syntax error at end of input", "42601")
    target = toks.pop(0)
    if target[0] == "s":
        raise SqlError("COPY to or from a file is not supported: use COPY ... FROM STDIN / TO STDOUT "
                       "(psql's \\copy)", "42501")
    if target[1] == "program":
        raise SqlError("COPY to or from a program is not supported", "42501")
    if target[1] not in ("stdin", "stdout"):
        raise SqlError(f'syntax error at or near "{target[1]}"', "42601")
    opts: dict = {"format": "text", "header": False}
    if toks and toks[0] == ("w", "with"):
        toks.pop(0)
    if toks and toks[0] == ("p", "("):
        toks.pop(0)
        _parse_new_options(toks, opts)
    else:
        _parse_old_options(toks, opts)
    if toks:
        raise SqlError(f'syntax error at or near "{toks[0][1]}"', "42601")
    fmt = opts["format"]
    if fmt == "binary":
        if any(k in opts for k in ("delimiter", "null", "quote", "escape")) or opts["header"]:
            raise SqlError("cannot specify DELIMITER, NULL, QUOTE, ESCAPE or HEADER in BINARY mode", "42601")
        return CopySpec(table=table, columns=columns, query=query, query_oids=query_types[0],
                    query_scales=query_types[1], direction=direction, format=fmt,
                        delimiter="\t", null="", header=False, quote='"', escape='"')
    if fmt not in ("text", "csv"):
        raise SqlError(f'COPY format "{fmt}" not recognized', "22023")
    csv = fmt == "csv"
    delimiter = opts.get("delimiter", "," if csv else "\t")
    null = opts.get("null", "" if csv else "\\N")
    quote = opts.get("quote", '"')
    escape = opts.get("escape", quote)
    if len(delimiter) != 1:
        raise SqlError("COPY delimiter must be a single one-byte character", "0A000")
    if not csv and ("quote" in opts or "escape" in opts):
        raise SqlError("COPY quote available only in CSV mode", "0A000")
    if csv and (len(quote) != 1 or len(escape) != 1):
        raise SqlError("COPY quote must be a single one-byte character", "0A000")
    if delimiter in ("\r", "\n") or (not csv and delimiter == "\\"):
        raise SqlError("COPY delimiter cannot be newline, carriage return or backslash", "22023")
    if opts["header"] and not csv:
        raise SqlError("COPY HEADER available only in CSV mode", "0A000")
    for name, only in (("force_quote", "to"), ("force_not_null", "from"), ("force_null", "from")):
        shown = name.replace("_", " ")
        if name in opts and not csv:
            raise SqlError(f"COPY {shown} available only in CSV mode", "0A000")
        if name in opts and direction != only:
            raise SqlError(f"COPY {shown} only available using COPY {only.upper()}", "0A000")
        if opts.get(name) == ("*",) and name != "force_quote":
            raise SqlError(f'argument to option "{name}" must be a list of column names', "22023")
    return CopySpec(table=table, columns=columns, query=query, query_oids=query_types[0],
                    query_scales=query_types[1], direction=direction, format=fmt,
                    delimiter=delimiter, null=null, header=bool(opts["header"]), quote=quote, escape=escape,
                    force_quote=opts.get("force_quote", ()), force_not_null=opts.get("force_not_null", ()),
                    force_null=opts.get("force_null", ()))


def forced_positions(spec: CopySpec, names: list[str], option: str) -> frozenset[int]:
    """The positions, among the columns COPY reads or writes (`names`), of those a FORCE
    option names (every one for FORCE_QUOTE *); a column it names that COPY does not is
    42P10, as PostgreSQL says."""
    listed = getattr(spec, option)
    if listed == ("*",):
        return frozenset(range(len(names)))
    out = set()
    for col in listed:
        if col not in names and spec.columns is None and spec.query is None:
            raise SqlError(f'column "{col}" of relation "{spec.table}" does not exist', "42703")
        if col not in names:
            raise SqlError(f'{option.upper()} column "{col}" not referenced by COPY', "42P10")
        out.add(names.index(col))
    return frozenset(out)


def _bool_opt(toks: list, name: str) -> bool:
    if toks and toks[0][0] in ("w", "s", "n") and toks[0][1] not in (",",):
        v = str(toks.pop(0)[1]).lower()
        if v in ("true", "on", "1", "t", "yes"):
            return True
        if v in ("false", "off", "0", "f", "no"):
            return False
        if name == "header" and v == "match":
            return True
        raise SqlError(f"{name} requires a Boolean value", "22023")
    return True


def _parse_new_options(toks: list, opts: dict) -> None:
    while toks:
        t = toks.pop(0)
        if t == ("p", ")"):
            return
        if t == ("p", ","):
            continue
        name = t[1]
        if name == "format":
            opts["format"] = toks.pop(0)[1].lower()
        elif name in ("delimiter", "null", "quote", "escape", "encoding"):
            if not toks or toks[0][0] != "s":
                raise SqlError(f"{name} requires a string value", "22023")
            v = toks.pop(0)[1]
            if name == "encoding" and v.lower().replace("-", "") not in ("utf8", "sql_ascii"):
                raise SqlError(f'encoding "{v}" is not supported', "0A000")
            if name != "encoding":
                opts[name] = v
        elif name in ("header", "freeze", "oids"):
            v = _bool_opt(toks, name)
            if name == "header":
                opts["header"] = v
            elif name == "oids" and v:
                raise SqlError("COPY WITH OIDS is not supported", "0A000")
        elif name in ("force_quote", "force_not_null", "force_null"):
            if toks and toks[0] == ("p", "("):
                opts[name] = _column_list(toks)
            elif toks and toks[0][1] == "*":
                toks.pop(0)
                opts[name] = ("*",)
            else:
                raise SqlError(f"argument to option \"{name}\" must be a list of column names", "22023")
        else:
            raise SqlError(f'option "{name}" not recognized', "42601")
    raise SqlError("syntax error at end of input", "42601")


def _column_list(toks: list) -> tuple[str, ...]:
    """A parenthesized list of column names, the "(" first in `toks`."""
    toks.pop(0)
    names = []
    while toks and toks[0] != ("p", ")"):
        t = toks.pop(0)
        if t[0] in ("w", "i"):
            names.append(t[1])
        elif t != ("p", ","):
            raise SqlError(f'syntax error at or near "{t[1]}"', "42601")
    if not toks:
        raise SqlError("syntax error at end of input", "42601")
    toks.pop(0)
    return tuple(names)


def _parse_old_options(toks: list, opts: dict) -> None:
    while toks:
        w = toks[0][1] if toks[0][0] == "w" else None
        if w is None:
            return
        toks.pop(0)
        if w == "binary":
            opts["format"] = "binary"
        elif w == "csv":
            opts["format"] = "csv"
        elif w == "header":
            opts["header"] = True
        elif w in ("freeze",):
            pass
        elif w == "oids":
            raise SqlError("COPY WITH OIDS is not supported", "0A000")
        elif w in ("delimiter", "null", "quote", "escape"):
            if toks and toks[0] == ("w", "as"):
                toks.pop(0)
            if not toks or toks[0][0] != "s":
                raise SqlError(f"syntax error at or near \"{w.upper()}\"", "42601")
            opts[w] = toks.pop(0)[1]
        elif w == "force":  # FORCE QUOTE {* | col, ...} / FORCE NOT NULL col, ... / FORCE NULL col, ...
            first = toks.pop(0)[1] if toks and toks[0][0] in ("w", "i") else ""
            if first == "not":
                if not toks or toks[0][1] != "null":
                    raise SqlError('syntax error at or near "NOT"', "42601")
                toks.pop(0)
            name = {"quote": "force_quote", "not": "force_not_null", "null": "force_null"}.get(first)
            if name is None:
                raise SqlError('syntax error at or near "FORCE"', "42601")
            if toks and toks[0][1] == "*" and name == "force_quote":
                toks.pop(0)
                opts[name] = ("*",)
                continue
            names = []
            while toks and (toks[0][0] == "i" or toks[0] == ("p", ",") or
                            (toks[0][0] == "w" and toks[0][1] not in
                             ("csv", "header", "delimiter", "null", "quote", "escape", "force", "freeze"))):
                t = toks.pop(0)
                if t != ("p", ","):
                    names.append(t[1])
            opts[name] = tuple(names)
        else:
            raise SqlError(f'syntax error at or near "{w}"', "42601")


# --- the data --------------------------------------------------------------------------------
_TEXT_ESCAPES = {"b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v"}
_TEXT_FIELD_ESCAPE = re.compile(r"\\(x[0-9a-fA-F]{1,2}|[0-7]{1,3}|.)", re.DOTALL)


def _text_unescape(field: str) -> str:
    if "\\" not in field:
        return field

    def rep(m: re.Match) -> str:
        s = m.group(1)
        if s in _TEXT_ESCAPES:
            return _TEXT_ESCAPES[s]
        if s[0] == "x" and len(s) > 1:
            return chr(int(s[1:], 16))
        if s[0] in "01234567":
            return chr(int(s, 8))
        return s

    if field.endswith("\\") and (len(field) - len(field.rstrip("\\"))) % 2:
        raise SqlError("end-of-copy marker corrupt", "22P04")
    return _TEXT_FIELD_ESCAPE.sub(rep, field)


class CopyParser:
    """Rows of a COPY FROM STDIN stream, fed in chunks of any size."""

    def __init__(self, spec: CopySpec, column_count: int | None = None):
        self.spec = spec
        self.column_count = column_count
        self._decoder = codecs.getincrementaldecoder("utf-8")()
        self._buf = ""
        self._done = False
        self._header_pending = spec.header
        self.line_no = 0
        # CSV field positions under FORCE_NOT_NULL / FORCE_NULL (forced_positions)
        self.force_not_null: frozenset[int] = frozenset()
        self.force_null: frozenset[int] = frozenset()

    def feed(self, data: bytes) -> list[list[str | None]]:
        try:
            self._buf += self._decoder.decode(bytes(data))
        except UnicodeDecodeError:
            raise SqlError('invalid byte sequence for encoding "UTF8"', "22021") from None
        return self._parse(final=False)

    def finish(self) -> list[list[str | None]]:
        try:
            self._buf += self._decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            raise SqlError('invalid byte sequence for encoding "UTF8"', "22021") from None
        rows = self._parse(final=True)
        if self._buf and not self._done:
            raise SqlError("unterminated CSV quoted field", "22P04")
        return rows

    def _parse(self, final: bool) -> list[list[str | None]]:
        if self.spec.format != "csv":
            return self._parse_text(final)
        rows: list[list[str | None]] = []
        buf, pos = self._buf, 0  # records are read at a position; the buffer is cut once
        while not self._done and pos < len(buf):
            got, pos = self._csv_record(buf, pos, final)
            if got is None:
                break
            if got is _END:
                self._done = True
                break
            self.line_no += 1
            if self._header_pending:
                self._header_pending = False
                continue
            if self.column_count is not None and len(got) != self.column_count:
                what = "extra data after last expected column" if len(got) > self.column_count \
                    else "missing data for column"
                raise SqlError(f"{what} (line {self.line_no})", "22P04")
            rows.append(got)
        self._buf = "" if self._done else buf[pos:]
        return rows

    def _parse_text(self, final: bool) -> list[list[str | None]]:
        """Text format: every complete line of the buffer in one pass (a line-by-line
        slice of the buffer would copy the rest of it once per line)."""
        if self._done or not self._buf:
            return []
        lines = self._buf.split("\n")
        rest = lines.pop()  # after the last newline: an incomplete line, or ""
        if final and rest:
            lines.append(rest)
            rest = ""
        self._buf = rest
        spec, rows = self.spec, []
        null, delim, count = spec.null, spec.delimiter, self.column_count
        for line in lines:
            if line.endswith("\r"):
                line = line[:-1]
            if line == "\\.":
                self._done, self._buf = True, ""
                break
            self.line_no += 1
            if self._header_pending:
                self._header_pending = False
                continue
            got = [None if f == null else _text_unescape(f) for f in _split_unescaped(line, delim)]
            if count is not None and len(got) != count:
                what = "extra data after last expected column" if len(got) > count else "missing data for column"
                raise SqlError(f"{what} (line {self.line_no})", "22P04")
            rows.append(got)
        return rows

    def _csv_record(self, buf: str, start: int, final: bool):
        """(fields, end) of the record at `start`; (None, start) when it is incomplete."""
        spec = self.spec
        if buf.startswith("\\.", start) and (buf[start + 2:start + 3] in ("\n", "\r")
                                            or (final and len(buf) == start + 2)):
            return _END, len(buf)
        fields: list[str | None] = []
        cur: list[str] = []
        quoted_any = False
        i, n = start, len(buf)
        in_quote = False
        while i < n:
            c = buf[i]
            if in_quote:
                if c == spec.escape and spec.escape != spec.quote and i + 1 < n and buf[i + 1] in (spec.quote, spec.escape):
                    cur.append(buf[i + 1])
                    i += 2
                    continue
                if c == spec.escape and spec.escape != spec.quote and i + 1 >= n and not final:
                    return None, start
                if c == spec.quote:
                    if spec.escape == spec.quote and i + 1 < n and buf[i + 1] == spec.quote:
                        cur.append(c)
                        i += 2
                        continue
                    if spec.escape == spec.quote and i + 1 >= n and not final:
                        return None, start  # may be a doubled quote split across chunks
                    in_quote = False
                    i += 1
                    continue
                cur.append(c)
                i += 1
                continue
            if c == spec.quote:
                in_quote = True
                quoted_any = True
                i += 1
            elif c == spec.delimiter:
                fields.append(self._csv_field(cur, quoted_any, len(fields)))
                cur, quoted_any = [], False
                i += 1
            elif c == "\n" or c == "\r":
                if c == "\r":
                    if i + 1 >= n and not final:
                        return None, start
                    if i + 1 < n and buf[i + 1] == "\n":
                        i += 1
                fields.append(self._csv_field(cur, quoted_any, len(fields)))
                return fields, i + 1
            else:
                cur.append(c)
                i += 1
        if not final:
            return None, start
        if in_quote:
            raise SqlError("unterminated CSV quoted field", "22P04")
        fields.append(self._csv_field(cur, quoted_any, len(fields)))
        return fields, n

    def _csv_field(self, cur: list[str], quoted: bool, at: int) -> str | None:
        """A CSV field's value: the null string unquoted is NULL (not under FORCE_NOT_NULL),
        and quoted too under FORCE_NULL."""
        s = "".join(cur)
        if s != self.spec.null:
            return s
        if quoted:
            return None if at in self.force_null else s
        return s if at in self.force_not_null else None


_END = object()


def _split_unescaped(line: str, delim: str) -> list[str]:
    """Split a text-format line on delimiters not preceded by an escaping backslash."""
    if "\\" not in line:
        return line.split(delim)
    out, cur, i = [], [], 0
    while i < len(line):
        c = line[i]
        if c == "\\" and i + 1 < len(line):
            cur.append(line[i:i + 2])
            i += 2
            continue
        if c == delim:
            out.append("".join(cur))
            cur = []
        else:
            cur.append(c)
        i += 1
    out.append("".join(cur))
    return out


_TEXT_OUT = {"\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f", "\v": "\\v"}


def format_row(values: list[str | None], spec: CopySpec, quoted: frozenset[int] = frozenset()) -> bytes:
    """One COPY TO output line (with its newline); in CSV the values at the positions
    `quoted` (FORCE_QUOTE) are always quoted."""
    out = []
    if spec.format == "csv":
        specials = (spec.delimiter, spec.quote, "\n", "\r")
        for at, v in enumerate(values):
            if v is None:
                out.append(spec.null)
            elif at in quoted or v == spec.null or v == "\\." or any(s in v for s in specials) or (
                    v[:1].isspace() if v else False):
                body = v.replace(spec.escape, spec.escape + spec.escape) if spec.escape != spec.quote else v
                body = body.replace(spec.quote, spec.escape + spec.quote)
                out.append(spec.quote + body + spec.quote)
            else:
                out.append(v)
    else:
        table = dict(_TEXT_OUT)
        if spec.delimiter not in table:
            table[spec.delimiter] = "\\" + spec.delimiter
        for v in values:
            if v is None:
                out.append(spec.null)
            else:
                out.append("".join(table.get(ch, ch) for ch in v) if any(ch in table for ch in v) else v)
    return (spec.delimiter.join(out) + "\n").encode("utf-8")


# --- binary format ---------------------------------------------------------------------------------
BINARY_SIGNATURE = b"PGCOPY\n\xff\r\n\x00"
BINARY_HEADER = BINARY_SIGNATURE + struct.pack(">ii", 0, 0)
BINARY_TRAILER = struct.pack(">h", -1)


class BinaryCopyParser:
    """Rows (each field bytes, or None for NULL) of a binary COPY FROM STDIN stream, fed in
    chunks of any size."""

    def __init__(self, column_count: int):
        self.column_count = column_count
        self._buf = bytearray()
        self._header_done = False
        self._done = False
        self.row_no = 0

    def feed(self, data: bytes) -> list[list[bytes | None]]:
        self._buf += data
        return self._parse()

    def finish(self) -> list[list[bytes | None]]:
        rows = self._parse()
        if not self._done:
            raise SqlError("unexpected EOF in COPY data" if self._buf or self._header_done
                           else "COPY file signature not recognized", "22P04")
        return rows

    def _parse(self) -> list[list[bytes | None]]:
        buf, pos, rows = self._buf, 0, []
        if not self._header_done:
            if len(buf) < 19:
                return rows
            if bytes(buf[:11]) != BINARY_SIGNATURE:
                raise SqlError("COPY file signature not recognized", "22P04")
            flags, ext = struct.unpack(">ii", buf[11:19])
            if flags & 0x10000:
                raise SqlError("COPY files with OIDs are not supported", "0A000")
            if len(buf) < 19 + ext:
                return rows
            pos = 19 + ext
            self._header_done = True
        while not self._done and pos + 2 <= len(buf):
            (n,) = struct.unpack(">h", buf[pos:pos + 2])
            if n == -1:
                self._done = True
                pos += 2
                break
            if n != self.column_count:
                raise SqlError(f"row field count is {n}, expected {self.column_count}", "22P04")
            p, fields = pos + 2, []
            for _ in range(n):
                if p + 4 > len(buf):
                    fields = None
                    break
                (size,) = struct.unpack(">i", buf[p:p + 4])
                p += 4
                if size == -1:
                    fields.append(None)
                    continue
                if size < 0:
                    raise SqlError("invalid field size", "22P04")
                if p + size > len(buf):
                    fields = None
                    break
                fields.append(bytes(buf[p:p + size]))
                p += size
            if fields is None:
                break  # the rest of this row is in a later chunk
            rows.append(fields)
            self.row_no += 1
            pos = p
        del buf[:pos]
        return rows


def format_binary_row(values: list[bytes | None]) -> bytes:
    """One binary COPY TO tuple."""
    out = [struct.pack(">h", len(values))]
    for v in values:
        out.append(struct.pack(">i", -1) if v is None else struct.pack(">i", len(v)) + v)
    return b"".join(out)
