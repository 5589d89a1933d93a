"""WITH queries that INSERT, UPDATE or DELETE: `WITH gone AS (DELETE FROM jobs WHERE done
RETURNING *) INSERT INTO archive SELECT * FROM gone`.

PostgreSQL runs every part of such a statement on one snapshot: the main query and the
other WITH queries do not see what a data-modifying WITH query changed, only its
RETURNING rows. SQLite has no such statement (RETURNING cannot feed another statement),
so the session runs the parts one after another in one transaction: each data-modifying
WITH query as a statement of its own, whose RETURNING rows then stand in the rest of the
statement as a VALUES list of typed constants (`values_query`). That is PostgreSQL's
answer exactly when nothing else in the statement reads a table a data-modifying WITH
query changes; `check` refuses the statements where it would not be (0A000), so that a
statement either answers as PostgreSQL or is refused:

- another part reads a table a WITH query changes (`WITH d AS (DELETE FROM t RETURNING
  *) SELECT count(*) FROM t` counts the rows before the delete in PostgreSQL), or the
  main statement updates or deletes in it, or inserts into it ON CONFLICT;
- WITH RECURSIVE beside a data-modifying query;
- a data-modifying WITH query below the top level (PostgreSQL refuses it too, 0A000);
- a reference to a data-modifying WITH query without RETURNING (PostgreSQL: 0A000).

Pure: text in, text out; sql_session.py runs the parts.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlglot import exp

from compute_node.pg_sql.lexing import closing_paren, sql_string
from sixfold.constants import WITH_RETURNING_ROWS_MAX
from sixfold.errors import SqlError

_DML = (exp.Insert, exp.Update, exp.Delete)


@dataclass(frozen=True)
class WithQuery:
    """One query of the WITH list: `head` is its text up to the body's parenthesis (name,
    column list, AS, [NOT] MATERIALIZED), `body` the text inside it."""

    name: str
    columns: tuple[str, ...]  # the column list as written, () for none
    head: str
    body: str
    modifies: bool

    def text(self) -> str:
        return f"{self.head}({self.body})"


@dataclass(frozen=True)
class Split:
    queries: tuple[WithQuery, ...]
    main: str


def modifies(tree: exp.Expression) -> bool:
    """Whether `tree` holds a WITH query that inserts, updates or deletes."""
    return any(isinstance(cte.this, _DML) for cte in tree.find_all(exp.CTE))


def check(tree: exp.Expression) -> None:
    """Refuse (0A000) what running the parts in turn would answer differently from
    PostgreSQL, and what PostgreSQL refuses (module docstring)."""
    with_ = tree.args.get("with_") or tree.args.get("with")
    top = list(with_.expressions) if with_ is not None else []
    for cte in tree.find_all(exp.CTE):
        if isinstance(cte.this, _DML) and cte not in top:
            raise SqlError("WITH clause containing a data-modifying statement must be at the top level", "0A000")
    if with_ is not None and with_.args.get("recursive"):
        raise SqlError("WITH RECURSIVE beside a data-modifying WITH query is not supported", "0A000")
    changing = [cte for cte in top if isinstance(cte.this, _DML)]
    targets = {_target(cte.this): cte for cte in changing}
    names = {cte.alias.lower() for cte in top}
    if isinstance(tree, _DML) and _target(tree) in targets and (
            not isinstance(tree, exp.Insert) or tree.args.get("conflict") is not None):
        # (an INSERT beside them adds its rows whatever they did; an UPDATE or DELETE of
        # rows a WITH query changed does one or the other in PostgreSQL)
        raise SqlError(f'a statement changing "{_target(tree)}" beside a WITH query changing it is not supported',
                       "0A000")
    own_target = tree.this.this if isinstance(tree, exp.Insert) and isinstance(tree.this, exp.Schema) else tree.this
    for table in tree.find_all(exp.Table):
        name = table.name.lower()
        if name not in targets or (not table.db and name in names) or table is own_target:
            continue
        owner = targets[name]
        if any(node is owner for node in _ancestors(table)):
            continue  # the WITH query's own statement reads its table: one SQLite statement
        raise SqlError(f'reading "{table.name}" beside a WITH query that changes it is not supported (PostgreSQL '
                       "reads it as it was before the change)", "0A000")
    returning = {cte.alias.lower() for cte in changing if cte.this.args.get("returning") is not None}
    silent = {cte.alias.lower() for cte in changing} - returning
    for table in tree.find_all(exp.Table):
        if not table.db and table.name.lower() in silent:
            raise SqlError(f'WITH query "{table.name}" does not have a RETURNING clause', "0A000")


def _target(dml: exp.Expression) -> str:
    target = dml.this
    if isinstance(target, exp.Schema):  # INSERT INTO t (a, b)
        target = target.this
    return target.name.lower() if isinstance(target, exp.Table) else ""


def _ancestors(node: exp.Expression):
    parent = node.parent
    while parent is not None:
        yield parent
        parent = parent.parent


def split(text: str) -> Split:
    """`text` (a statement starting with WITH) cut into its WITH queries and its main
    statement; 42601 where the WITH list is not well formed."""
    code = _Reader(text)
    if code.word().lower() != "with":
        raise SqlError("syntax error at or near WITH", "42601")
    if code.peek_word().lower() == "recursive":
        code.word()
    queries = []
    for _ in range(len(text)):  # bounded: each query consumes text
        start = code.skip()
        name = code.word()
        columns: tuple[str, ...] = ()
        if code.peek() == "(":
            open_at = code.skip()
            end = code.paren()
            columns = tuple(c.strip() for c in text[open_at + 1:end].split(","))
            code.at = end + 1
        if code.word().lower() != "as":
            raise SqlError(f'syntax error at or near "{name}"', "42601")
        while code.peek() != "(":
            if code.word().lower() not in ("not", "materialized"):
                raise SqlError("syntax error in WITH", "42601")
        open_at = code.skip()
        end = code.paren()
        body = text[open_at + 1:end]
        queries.append(WithQuery(name, columns, text[start:open_at], body, _first_word(body) in (
            "insert", "update", "delete")))
        code.at = end + 1
        if code.peek() != ",":
            break
        code.at = code.skip() + 1
    return Split(tuple(queries), text[code.skip():])


def _first_word(body: str) -> str:
    reader = _Reader(body)
    while reader.peek() == "(":
        reader.at = reader.skip() + 1
    return reader.word().lower()


class _Reader:
    """Words and parentheses of SQL text, past blanks (the translator strips comments
    before a statement reaches here)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.at = 0

    def skip(self) -> int:
        """Past blanks: the position of the next thing."""
        while self.at < len(self.text) and self.text[self.at].isspace():
            self.at += 1
        return self.at

    def peek(self) -> str:
        at = self.skip()
        return self.text[at] if at < len(self.text) else ""

    def peek_word(self) -> str:
        at = self.at
        word = self.word()
        self.at = at
        return word

    def word(self) -> str:
        """The next identifier (quoted or not), or the next character."""
        at = self.skip()
        if at < len(self.text) and self.text[at] == '"':
            end = self.text.find('"', at + 1)
            while end != -1 and self.text[end + 1:end + 2] == '"':
                end = self.text.find('"', end + 2)
            end = len(self.text) if end == -1 else end + 1
        else:
            end = at
            while end < len(self.text) and (self.text[end].isalnum() or self.text[end] in "_$"):
                end += 1
            end = max(end, min(at + 1, len(self.text)))
        self.at = end
        return self.text[at:end]

    def paren(self) -> int:
        """The position of the ')' closing the '(' next."""
        at = self.skip()
        end = closing_paren(self.text, at)
        if end is None:
            raise SqlError("syntax error at end of input", "42601")
        return end


def values_query(names: list[str], casts: list[str | None], rows: list[list[str | None]]) -> str:
    """The text a data-modifying WITH query's RETURNING rows stand in as: each value (as
    PostgreSQL's text) cast to its column's type (`casts`, None: left a string constant);
    no rows is a SELECT of typed NULLs that yields none. `names`: the columns' names as
    SQL (quoted where they need it)."""
    if len(rows) > WITH_RETURNING_ROWS_MAX:
        raise SqlError(f"a data-modifying WITH query returning more than {WITH_RETURNING_ROWS_MAX} rows is not "
                       "supported", "0A000")

    def constant(value: str | None, cast: str | None) -> str:
        literal = "NULL" if value is None else sql_string(value)
        return f"CAST({literal} AS {cast})" if cast else literal

    if not rows:
        return "SELECT " + ", ".join(f"{constant(None, c or 'text')} AS {n}"
                                     for n, c in zip(names, casts)) + " WHERE false"
    return "VALUES " + ", ".join("(" + ", ".join(constant(v, c) for v, c in zip(row, casts)) + ")" for row in rows)


def with_text(queries: list[str], main: str) -> str:
    """WITH over the queries' texts (none: `main` alone)."""
    return f"WITH {', '.join(queries)} {main}" if queries else main
