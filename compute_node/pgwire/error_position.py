"""Where in the query an error points, and PostgreSQL's HINT for it.

PostgreSQL's parse analysis marks the token an error is about (the ErrorResponse's
position field, from which psql prints "LINE 1: select nosuch from t" and a caret) and
adds a HINT to some errors. Sixfold's errors name the token in their message (a column, a
relation, a function, an operator, the token a syntax error is near); this finds that
token in the query text. A position is given only when the token occurs once (in code,
not in a string or comment), in a statement PostgreSQL analyzes with positions (a query,
INSERT / UPDATE / DELETE / MERGE, EXPLAIN, CREATE VIEW or CREATE TABLE AS; a syntax error
in any statement): a caret under the wrong token is worse than none. Pure: text in,
numbers out."""

from __future__ import annotations

import re

from compute_node.pg_sql import lexing

_IDENT = r'(?:"(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*)'
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_$]*|[0-9]+(?:\.[0-9]*)?|::|[+\-*/<>=~!@#%^&|`?]+|\S")
_OPERATOR_CHARS = re.compile(r"[+\-*/<>=~!@#%^&|`?]+")
_ANALYZED = re.compile(r"\s*\(*\s*(?:select|with|insert|update|delete|merge|values|table|explain|"
                       r"create\s+(?:or\s+replace\s+)?(?:(?:temp|temporary)\s+)?(?:recursive\s+)?"
                       r"(?:materialized\s+)?view|create\s+(?:(?:temp|temporary|unlogged)\s+)?table\s+"
                       r"(?:if\s+not\s+exists\s+)?" + _IDENT + r"(?:\s*\.\s*" + _IDENT + r")?"
                       r"(?:\s*\([^;]*?\))?\s+as)\b", re.IGNORECASE)

# (message pattern, what the token is): "name" an identifier, possibly qualified;
# "call" a function's name before its "("; "operator" an operator; "token" any token.
_POINTED = [
    (re.compile(r'^column "([^"]+)" does not exist$'), "name"),
    (re.compile(r'^column "([^"]+)" of relation "[^"]+" does not exist$'), "name"),
    (re.compile(r"^column (\S+\.\S+) does not exist$"), "name"),
    (re.compile(r'^column reference "([^"]+)" is ambiguous$'), "name"),
    (re.compile(r'^relation "([^"]+)" does not exist$'), "name"),
    (re.compile(r'^(?:missing|invalid reference to) FROM-clause entry for table "([^"]+)"$'), "qualifier"),
    (re.compile(r'^column "(?:[^"]+\.)?([^".]+)" must appear in the GROUP BY clause'), "name"),
    (re.compile(r"^function ((?:\w+\.)?\w+)\(.*\) (?:does not exist|is not unique)$"), "call"),
    (re.compile(r"^operator (?:does not exist|is not unique): (?:.+? )?([+\-*/<>=~!@#%^&|`?]+) \S.*$"), "operator"),
    (re.compile(r'^syntax error at or near "(.+)"$', re.DOTALL), "token"),
    (re.compile(r"^((?:ORDER|GROUP) BY position -?\d+) is not in select list$"), "position"),
    (re.compile(r"^non-integer constant in ((?:ORDER|GROUP) BY)$"), "constant"),
    (re.compile(r'^unterminated quoted (?:string|identifier) at or near "(.+)"$', re.DOTALL), "token"),
]
_POINTED_STATES = {"42703", "42702", "42P01", "42803", "42883", "42725", "42601", "42P10"}
# A string literal's input error, when it was read as the statement was analyzed (as
# PostgreSQL coerces an untyped literal to its type; a value read from a row has none).
_LITERAL_INPUT = [re.compile(r'^invalid input syntax for type [^:]+: "(.*)"$', re.DOTALL),
                  re.compile(r'^date/time field value out of range: "(.*)"$', re.DOTALL),
                  re.compile(r'^value "(.*)" is out of range for type \w+$', re.DOTALL)]
_LITERAL_STATES = {"22P02", "22007", "22008", "22003"}

_HINTS = [
    (re.compile(r"^function .*\) does not exist$"),
     "No function matches the given name and argument types. You might need to add explicit type casts."),
    (re.compile(r"^function .*\) is not unique$"),
     "Could not choose a best candidate function. You might need to add explicit type casts."),
    (re.compile(r"^operator does not exist: [+\-*/<>=~!@#%^&|`?]+ "),  # a prefix operator
     "No operator matches the given name and argument type. You might need to add an explicit type cast."),
    (re.compile(r"^operator does not exist: "),
     "No operator matches the given name and argument types. You might need to add explicit type casts."),
    (re.compile(r"^operator is not unique: "),
     "Could not choose a best candidate operator. You might need to add explicit type casts."),
    (re.compile(r'^column "[^"]+" is of type .+ but expression is of type '),
     "You will need to rewrite or cast the expression."),
]


def hint(sqlstate: str, message: str) -> str | None:
    """PostgreSQL's HINT for an error of this SQLSTATE and message, if it gives one."""
    if sqlstate not in ("42883", "42725", "42804"):
        return None
    return next((h for pattern, h in _HINTS if pattern.match(message)), None)


def _tokens(text: str):
    """(kind, start, end, value) of each token in code: "word" (value lower-cased),
    "ident" (a quoted name, value unquoted), "op" (an operator), "punct"."""
    for kind, s, e in lexing.segments(text):
        if kind == "ident":
            yield "ident", s, e, text[s + 1:e - 1].replace('""', '"')
        elif kind in ("str", "estr", "dollar"):
            yield "literal", s, e, text[s:e]
        elif kind == "code":
            for m in _WORD.finditer(text, s, e):
                w = m.group(0)
                if w[0].isalpha() or w[0] == "_":
                    yield "word", m.start(), m.end(), w.lower()
                elif _OPERATOR_CHARS.fullmatch(w):
                    yield "op", m.start(), m.end(), w
                else:
                    yield "punct", m.start(), m.end(), w


def _name_parts(name: str) -> list[str]:
    return [p[1:-1].replace('""', '"') if p.startswith('"') else p for p in re.findall(_IDENT, name)]


def _is_name(tok, part: str) -> bool:
    kind, _, _, value = tok
    return kind == "ident" and value == part or kind == "word" and value == part.lower() == part


_MATCH_WORDS = {"~~": "like", "!~~": "like", "~~*": "ilike", "!~~*": "ilike"}


def _clause_items(tokens: list, clause: str):
    """For each `<clause> BY` ("order", "group") in `tokens`, the indexes of the tokens
    that start one of its items (after BY or a comma at the clause's depth)."""
    for i in range(len(tokens) - 1):
        if not (tokens[i][0] == "word" and tokens[i][3] == clause and tokens[i + 1][3] == "by"):
            continue
        items, depth, j = [i + 2], 0, i + 2
        while j < len(tokens):
            kind, _at, _e, v = tokens[j]
            if kind == "punct" and v in "()":
                depth += 1 if v == "(" else -1
            if depth < 0 or v == ";" or depth == 0 and kind == "word" and v in _CLAUSE_ORDER:
                break
            if depth == 0 and v == "," and j + 1 < len(tokens):
                items.append(j + 1)
            j += 1
        yield [k for k in items if k < j]


def _occurrences(tokens: list, what: str, value: str) -> list[int]:
    """Where each occurrence of the token starts (a qualified name at its qualifier)."""
    found = []
    if what == "name":
        parts = _name_parts(value)
        if not parts:
            return []
        n = len(parts)
        for i in range(len(tokens) - 2 * n + 2):
            if all(_is_name(tokens[i + 2 * j], parts[j]) for j in range(n)) and \
                    all(tokens[i + 2 * j + 1][3] == "." for j in range(n - 1)):
                at = i
                while at >= 2 and tokens[at - 1][3] == "." and tokens[at - 2][0] in ("word", "ident"):
                    at -= 2  # written more qualified than the message names it
                if i + 2 * n - 1 < len(tokens) and tokens[i + 2 * n - 1][3] == ".":
                    continue  # a qualifier of another name (t in t.x), not the name itself
                if at > 0 and tokens[at - 1][0] == "word" and tokens[at - 1][3] == "as":
                    continue  # an alias being given (`x AS a`), not a reference to one
                found.append(tokens[at][1])
    elif what == "qualifier":  # t in t.x
        found = [tokens[i][1] for i in range(len(tokens) - 1)
                 if _is_name(tokens[i], value) and tokens[i + 1][3] == "." and (i == 0 or tokens[i - 1][3] != ".")]
    elif what == "call":
        parts = value.split(".")
        for i in range(len(tokens) - 1):
            if _is_name(tokens[i], parts[-1]) and tokens[i + 1][3] == "(":
                at = i - 2 if len(parts) == 2 and i >= 2 and tokens[i - 1][3] == "." else i
                found.append(tokens[at][1])
    elif what == "position":  # a bare number (or -number) among ORDER BY's or GROUP BY's items
        clause, number = value.split()[0].lower(), value.split()[-1]
        for items in _clause_items(tokens, clause):
            for i in items:
                v = tokens[i][3]
                if v == number or number.startswith("-") and v == "-" and i + 1 < len(tokens) and \
                        tokens[i + 1][3] == number[1:]:
                    found.append(tokens[i][1])
    elif what == "constant":  # the first item of ORDER BY / GROUP BY that is a constant
        for items in _clause_items(tokens, value.split()[0].lower()):
            constants = [tokens[i][1] for i in items if tokens[i][0] == "literal" or
                         tokens[i][0] == "punct" and tokens[i][3][0].isdigit() and "." in tokens[i][3] or
                         tokens[i][0] == "word" and tokens[i][3] in ("true", "false", "null")]
            found += constants[:1]
    elif what == "operator":
        found = [s for kind, s, _, v in tokens if kind in ("op", "punct") and v == value]
        if value in _MATCH_WORDS:  # LIKE is ~~, NOT ILIKE !~~* (PostgreSQL points at NOT)
            negated, word = value.startswith("!"), _MATCH_WORDS[value]
            found += [tokens[i - 1 if negated else i][1] for i in range(1, len(tokens))
                      if tokens[i][0] == "word" and tokens[i][3] == word and (tokens[i - 1][3] == "not") == negated]
    else:
        found = [s for kind, s, _, v in tokens
                 if (v.lower() == value.lower() if kind == "word" else v == value)]
    return found


# The order in which PostgreSQL's parse analysis reads a SELECT's clauses (FROM with its
# joins first, then the select list, WHERE, HAVING, ORDER BY, GROUP BY).
_CLAUSE_ORDER = {"from": 0, "select": 1, "where": 2, "having": 3, "order": 4, "group": 5, "limit": 6, "offset": 6,
                 "window": 7}
_NESTED = frozenset({"select", "with", "union", "intersect", "except", "values"})


def _first_analyzed(tokens: list, found: list[int]) -> list[int]:
    """Of several occurrences of a name in one plain SELECT (no subquery, set operation or
    WITH), the one PostgreSQL's analysis meets first; `found` unchanged otherwise."""
    start = max((i for i, t in enumerate(tokens) if t[3] == ";" and t[1] < found[0]), default=-1) + 1
    end = next((i for i, t in enumerate(tokens) if t[3] == ";" and t[1] > found[-1]), len(tokens))
    words = [t[3] for t in tokens[start:end] if t[0] == "word"]
    if not words or words[0] != "select" or sum(w in _NESTED for w in words) != 1:
        return found
    rank, ranked = 1, []
    for kind, at, _e, value in tokens[start:end]:
        if kind == "word" and value in _CLAUSE_ORDER:
            rank = _CLAUSE_ORDER[value]
        if at in found:
            ranked.append((rank, at))
    return [min(ranked)[1]] if ranked else found


def _statement_start(text: str, at: int) -> int:
    """Where the statement holding offset `at` starts (after the ';' before it)."""
    start = 0
    for kind, s, e in lexing.segments(text):
        if kind == "code" and s < at:
            semi = text.rfind(";", s, min(e, at))
            if semi != -1:
                start = semi + 1
    return start


def position(query: str | None, sqlstate: str, message: str, in_analysis: bool = False) -> int | None:
    """The 1-based character position in `query` of the token the error is about;
    `in_analysis`: the error came from translating the statement, not from running it."""
    if not query:
        return None
    if in_analysis and sqlstate in _LITERAL_STATES:
        m = next((m for m in map(lambda p: p.match(message), _LITERAL_INPUT) if m), None)
        literal = "'" + m.group(1).replace("'", "''") + "'" if m else None
        found = [s for kind, s, _, v in _tokens(query) if kind == "literal" and v == literal]
        if len(found) == 1 and _ANALYZED.match(query, _statement_start(query, found[0])):
            return found[0] + 1
        return None
    if sqlstate not in _POINTED_STATES:
        return None
    for pattern, what in _POINTED:
        m = pattern.match(message)
        if m is None:
            continue
        tokens = list(_tokens(query))
        found = _occurrences(tokens, what, m.group(1))
        if len(found) > 1 and what in ("name", "qualifier") and sqlstate in ("42703", "42702", "42P01"):
            found = _first_analyzed(tokens, found)
        if len(found) != 1:
            return None
        if sqlstate != "42601" and not _ANALYZED.match(query, _statement_start(query, found[0])):
            return None
        return found[0] + 1
    return None


def at_end(query: str | None, sqlstate: str, message: str) -> tuple[str, int] | None:
    """A syntax error at the end of a one-statement query: (message, position) as
    PostgreSQL gives them, near the ";" that ends it (psql sends it) or at the end of
    the input. None for anything else (which statement of several failed is not known)."""
    if not query or sqlstate != "42601" or message != "syntax error at end of input":
        return None
    semicolons = [s for kind, s, _e, v in _tokens(query) if v == ";"]
    code = [t for t in _tokens(query) if t[3] != ";"]
    if not code or any(s < code[-1][1] for s in semicolons):
        return None  # (several statements)
    if semicolons:
        return 'syntax error at or near ";"', semicolons[0] + 1
    return message, len(query) + 1

