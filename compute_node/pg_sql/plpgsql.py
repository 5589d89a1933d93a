"""The PL/pgSQL of DO blocks that migrations send, parsed (the session runs it):

    DO $$ BEGIN
        CREATE TYPE status AS ENUM ('a', 'b');
    EXCEPTION
        WHEN duplicate_object THEN null;
    END $$;

    DO $$ BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_type WHERE typname = 'status') THEN
            CREATE TYPE status AS ENUM ('a', 'b');
        END IF;
    END $$;

Understood: nested BEGIN ... [EXCEPTION WHEN cond [OR cond] THEN ...] END blocks, IF /
ELSIF / ELSE / END IF on a boolean SQL expression, NULL, PERFORM query, RAISE NOTICE /
WARNING / EXCEPTION with a message and % arguments, and any SQL statement. Anything else
(DECLARE, variables, loops, RETURN, dynamic EXECUTE) is refused (0A000) before anything
runs. Pure: the tree is data; `compute_node/pgwire/sql_session.py` runs it.

The body of a trigger function (`parse_trigger_body`) is the same language plus
`NEW.column := expression` (or `=`) and `RETURN NEW | OLD | NULL`; triggers.py compiles it
into SQLite triggers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from compute_node.pg_sql.lexing import object_name, segments, split_statements
from sixfold.errors import SqlError

MAX_DEPTH = 32  # nested blocks and IFs

# Condition names -> SQLSTATE (PostgreSQL's, for those migrations catch)
CONDITIONS = {
    "duplicate_object": "42710", "duplicate_table": "42P07", "duplicate_column": "42701",
    "duplicate_schema": "42P06", "duplicate_function": "42723", "duplicate_database": "42P04",
    "undefined_object": "42704", "undefined_table": "42P01", "undefined_column": "42703",
    "undefined_function": "42883", "invalid_schema_name": "3F000", "unique_violation": "23505",
    "foreign_key_violation": "23503", "not_null_violation": "23502", "check_violation": "23514",
    "feature_not_supported": "0A000", "insufficient_privilege": "42501", "division_by_zero": "22012",
    "invalid_text_representation": "22P02", "raise_exception": "P0001", "others": "*",
}


@dataclass
class Sql:
    text: str


@dataclass
class Perform:
    query: str


@dataclass
class Raise:
    level: str  # "notice", "warning", "exception", ...
    message: str
    args: list[str]


@dataclass
class If:
    branches: list[tuple[str, list]]  # (condition SQL, statements); condition None: ELSE


@dataclass
class Assign:
    column: str  # of NEW, as the catalog names it (object_name rules)
    expr: str


@dataclass
class Return:
    row: str  # "new" | "old" | "null"


@dataclass
class ReturnValue:
    expr: str  # RETURN expr of a function that returns a value


@dataclass
class Handler:
    sqlstates: list[str]  # "*" for OTHERS
    body: list


@dataclass
class Block:
    body: list
    handlers: list[Handler] = field(default_factory=list)


def _refuse(what: str, trigger: bool = False) -> SqlError:
    if trigger:
        return SqlError(f"trigger functions: {what} is not supported (a trigger function runs statement lists, "
                        "IF, RAISE, PERFORM, NEW.column := value and RETURN NEW | OLD | NULL)", "0A000")
    return SqlError(f"DO: {what} is not supported (DO runs statement lists, IF, EXCEPTION WHEN, RAISE, "
                    "PERFORM)", "0A000")


_ASSIGN = re.compile(r'\s*(new|old)\s*\.\s*("(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*)\s*(?::=|=)\s*(.+?)\s*$',
                     re.IGNORECASE | re.DOTALL)
# What a SQL statement in a function body starts with (PostgreSQL checks the syntax at
# CREATE FUNCTION; a misspelt keyword fails there).
_SQL_FIRST_WORDS = frozenset({"select", "insert", "update", "delete", "with", "values", "create", "alter", "drop",
                              "truncate", "notify", "lock", "set", "reset", "analyze", "vacuum", "grant", "revoke",
                              "comment", "listen", "unlisten", "table", "("})
_RETURN = re.compile(r"\s*return\s+(new|old|null)\s*$", re.IGNORECASE)


def _starts(piece: str, *words: str) -> re.Match | None:
    return re.match(r"\s*" + r"\s+".join(words) + r"\b\s*", piece, re.IGNORECASE)


def _top_level_then(text: str) -> int:
    """Where the THEN that ends an IF condition starts (outside quotes and parentheses)."""
    depth = 0
    for kind, s, e in segments(text):
        if kind != "code":
            continue
        for m in re.finditer(r"[()]|\bthen\b", text[s:e], re.IGNORECASE):
            tok = m.group(0).lower()
            if tok == "(":
                depth += 1
            elif tok == ")":
                depth -= 1
            elif depth == 0:
                return s + m.start()
    raise SqlError('syntax error: IF without THEN', "42601")


class _Parser:
    def __init__(self, body: str, trigger: bool = False, scalar: bool = False):
        self.pieces = split_statements(body)
        self.i = 0
        self.trigger = trigger
        self.scalar = scalar

    def peek(self) -> str | None:
        return self.pieces[self.i] if self.i < len(self.pieces) else None

    def parse(self) -> Block:
        first = self.peek() or ""
        if _starts(first, "declare"):
            raise _refuse("DECLARE (variables)", self.trigger)
        block = self.block(0)
        if self.peek() is not None:
            raise SqlError(f'syntax error at or near "{self.peek().split()[0]}"', "42601")
        return block

    def block(self, depth: int) -> Block:
        if depth > MAX_DEPTH:
            raise SqlError("DO: blocks nested too deeply", "54001")
        m = _starts(self.peek() or "", "begin")
        if not m:
            raise SqlError("syntax error: a DO body is BEGIN ... END", "42601")
        self.pieces[self.i] = self.pieces[self.i][m.end():]
        body = self.statements(depth, ("exception", "end"))
        handlers = []
        if _starts(self.peek() or "", "exception"):
            self.pieces[self.i] = self.pieces[self.i][_starts(self.peek(), "exception").end():]
            while (w := _starts(self.peek() or "", "when")) is not None:
                rest = self.peek()[w.end():]
                cut = _top_level_then(rest)
                names = [n.strip().lower() for n in re.split(r"\s+or\s+", rest[:cut].strip(), flags=re.IGNORECASE)]
                states = []
                for n in names:
                    sm = re.fullmatch(r"sqlstate\s+'([0-9A-Z]{5})'", n, re.IGNORECASE)
                    if sm:
                        states.append(sm.group(1).upper())
                    elif n in CONDITIONS:
                        states.append(CONDITIONS[n])
                    else:
                        raise _refuse(f"the condition {n!r}", self.trigger)
                self.pieces[self.i] = rest[cut + 4:]
                handlers.append(Handler(states, self.statements(depth, ("when", "end"))))
        end = self.peek() or ""
        if not re.fullmatch(r"\s*end(\s+\w+)?\s*", end, re.IGNORECASE) or re.fullmatch(r"\s*end\s+if\s*", end,
                                                                                      re.IGNORECASE):
            raise SqlError("syntax error: BEGIN without END", "42601")
        self.i += 1
        return Block(body, handlers)

    def statements(self, depth: int, stops: tuple[str, ...]) -> list:
        out = []
        while True:
            piece = self.peek()
            if piece is None:
                raise SqlError("syntax error at end of DO body", "42601")
            if not piece.strip():
                self.i += 1
                continue
            word = piece.split()[0].lower()
            if word in stops:
                return out
            if self.trigger and (m := _ASSIGN.match(piece)):
                if m.group(1).lower() == "old":
                    raise _refuse("assigning to OLD", True)
                out.append(Assign(object_name(m.group(2)), m.group(3)))
                self.i += 1
                continue
            if self.trigger and word == "return":
                m = _RETURN.match(piece)
                if not m:
                    raise _refuse("RETURN of anything but NEW, OLD or NULL", True)
                out.append(Return(m.group(1).lower()))
                self.i += 1
                continue
            if self.scalar and word not in ("begin", "if", "null", "return", "end"):
                raise SqlError(f"functions returning a value: {word.upper()} is not supported (their PL/pgSQL "
                               "is IF and RETURN expression)", "0A000")
            if self.scalar and word == "return":
                out.append(ReturnValue(piece.strip()[len("return"):].strip()))
                self.i += 1
                continue
            if word == "begin":
                out.append(self.block(depth + 1))
            elif word == "if":
                out.append(self.if_statement(depth + 1))
            elif word == "null" and piece.strip().lower() == "null":
                self.i += 1
            elif word == "perform":
                out.append(Perform("SELECT " + piece.strip()[len("perform"):].strip()))
                self.i += 1
            elif word == "raise":
                out.append(_raise(piece, self.trigger))
                self.i += 1
            elif word in ("declare", "loop", "for", "while", "foreach", "return", "execute", "get", "open",
                          "fetch", "exit", "continue", "call", "commit", "rollback"):
                raise _refuse(word.upper(), self.trigger)
            elif word == "end":
                raise SqlError('syntax error at or near "END"', "42601")
            elif self.trigger and word not in _SQL_FIRST_WORDS:
                raise SqlError(f'syntax error at or near "{piece.split()[0]}"', "42601")
            elif word == "select" and re.search(r"\binto\b", _code_only(piece), re.IGNORECASE):
                raise _refuse("SELECT ... INTO (variables)", self.trigger)
            else:
                out.append(Sql(piece.strip()))
                self.i += 1

    def if_statement(self, depth: int) -> If:
        if depth > MAX_DEPTH:
            raise SqlError("DO: blocks nested too deeply", "54001")
        branches = []
        piece = self.peek()
        head = _starts(piece, "if")
        while True:
            rest = piece[head.end():]
            cut = _top_level_then(rest)
            condition = rest[:cut].strip()
            self.pieces[self.i] = rest[cut + 4:]
            branches.append((condition, self.statements(depth, ("elsif", "elseif", "else", "end"))))
            piece = self.peek() or ""
            head = _starts(piece, "elsif") or _starts(piece, "elseif")
            if head:
                continue
            if els := _starts(piece, "else"):
                self.pieces[self.i] = piece[els.end():]
                branches.append((None, self.statements(depth, ("end",))))
                piece = self.peek() or ""
            if not re.fullmatch(r"\s*end\s+if\s*", piece, re.IGNORECASE):
                raise SqlError("syntax error: IF without END IF", "42601")
            self.i += 1
            return If(branches)


def _code_only(text: str) -> str:
    return " ".join(text[s:e] for kind, s, e in segments(text) if kind == "code")


def _raise(piece: str, trigger: bool = False) -> Raise:
    m = re.match(r"\s*raise\s+(debug|log|info|notice|warning|exception)\s+'((?:[^']|'')*)'\s*(?:,(.*))?$", piece,
                 re.IGNORECASE | re.DOTALL)
    if not m:
        raise _refuse("this RAISE form", trigger)
    args = [a.strip() for a in _split_args(m.group(3))] if m.group(3) else []
    return Raise(m.group(1).lower(), m.group(2).replace("''", "'"), args)


def _split_args(text: str) -> list[str]:
    from compute_node.pg_sql.lexing import split_top_level

    return split_top_level(text)


def parse_do(rest: str) -> tuple[str, Block]:
    """DO [LANGUAGE plpgsql] 'body' | $$body$$ [LANGUAGE plpgsql] -> (body, tree)."""
    text = rest.strip()
    lang = re.match(r"language\s+(\w+)\s+", text, re.IGNORECASE)
    if lang:
        text = text[lang.end():]
    m = re.match(r"(\$(\w*)\$)(.*?)\1", text, re.DOTALL)
    if m:
        body, tail = m.group(3), text[m.end():]
    else:
        q = re.match(r"'((?:[^']|'')*)'", text, re.DOTALL)
        if not q:
            raise SqlError('syntax error at or near "DO"', "42601")
        body, tail = q.group(1).replace("''", "'"), text[q.end():]
    lang2 = re.fullmatch(r"\s*(?:language\s+(\w+))?\s*", tail, re.IGNORECASE)
    if lang2 is None:
        raise SqlError(f'syntax error at or near "{tail.split()[0]}"', "42601")
    language = ((lang.group(1) if lang else None) or lang2.group(1) or "plpgsql").lower()
    if language in ("sql", "c", "internal"):
        raise SqlError(f'language "{language}" does not support inline code execution', "0A000")
    if language != "plpgsql":
        raise SqlError(f'language "{language}" does not exist', "42704")
    return body, _Parser(body).parse()


def parse_trigger_body(body: str) -> Block:
    """A trigger function's PL/pgSQL body -> its tree (0A000 for what is not understood)."""
    return _Parser(body, trigger=True).parse()


def parse_scalar_body(body: str) -> Block:
    """The PL/pgSQL body of a function that returns a value: IF and RETURN expression only
    (routines.py turns it into one expression)."""
    return _Parser(body, scalar=True).parse()
