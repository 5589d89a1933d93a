"""MERGE, as PostgreSQL 15 has it (WHEN MATCHED / WHEN NOT MATCHED, no RETURNING), planned
as statements the session runs in turn in one transaction (sql_session._run_merge):

1. `work`: the SELECT of every source row, the target row it matched (its rowid, NULL
   when none) and the WHEN clause that acts on it (the first whose condition holds; 0 for
   none), all decided on the target as it was before the MERGE, as PostgreSQL decides each
   row on its snapshot; its rows go into a temporary table whose columns have the types
   the SELECT's columns have (`work_table`; the session describes the SELECT, after naming
   the source's columns in it, `source_columns`);
   the WHEN NOT MATCHED clause of each unmatched row is decided after (`unmatched`, an
   UPDATE of the work table), where the target is not in scope, as in PostgreSQL;
2. `twice`: a target row that two source rows would update or delete is 21000, "MERGE
   command cannot affect row a second time", before anything is changed;
3. `steps`: one UPDATE ... FROM, DELETE ... USING or INSERT ... SELECT per acting clause,
   over the rows the work table gave that clause (each target row gets at most one
   action, so no step sees another's change);
4. `drop`: the work table goes.

The source's columns keep their names in the work table, which each step reads under the
source's alias, so the clauses' expressions (`SET v = s.v + t.v`, `VALUES (s.id, s.v)`)
are the user's own, unchanged. Text in, text out; the catalog is read only for the
columns of `INSERT VALUES (..., DEFAULT)` without a column list.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlglot import exp

from compute_node.pg_sql import schema
from compute_node.pg_sql.lexing import highest_parameter, quoted_ident
from compute_node.pg_sql.queries import parse_one
from compute_node.pg_sql.statement import Statement
from sixfold.errors import SqlError

WORK_TABLE = "sixfold_merge_work"
_ROW = "sixfold_merge_row"
_ACTION = "sixfold_merge_action"


@dataclass(frozen=True)
class MergePlan:
    with_prefix: str  # a WITH before the MERGE ("" for none), which the work SELECT carries
    work_head: str  # the SELECT of the work table's rows, up to the source's columns
    source_alias: str
    work_tail: str  # its FROM
    unmatched: str | None  # the UPDATE of the work table deciding its unmatched rows (None: no such clause)
    twice: str | None  # None: no clause updates or deletes
    steps: tuple[str, ...]
    drop: str

    @property
    def source_columns(self) -> str:
        """A SELECT whose columns are the source's (described for their names)."""
        return f"{self.with_prefix}SELECT {self.source_alias}.*{self.work_tail}"

    def work(self, names: list[str] | None = None) -> str:
        """The work SELECT, with the source's columns by name (`names`: then each is typed
        by the translation, where a `*` over a function or subquery may not be)."""
        columns = ", ".join(f"{self.source_alias}.{quoted_ident(n)}" for n in names) if names else \
            f"{self.source_alias}.*"
        return f"{self.with_prefix}{self.work_head}{columns}{self.work_tail}"

    @property
    def parts(self) -> tuple[str, ...]:
        """The plan as a tuple of texts (a Statement's `parts`); `from_parts` reads it."""
        return (self.with_prefix, self.work_head, self.source_alias, self.work_tail, self.unmatched or "",
                self.twice or "", *self.steps, self.drop)

    @classmethod
    def from_parts(cls, parts: tuple[str, ...]) -> MergePlan:
        return cls(*parts[:4], parts[4] or None, parts[5] or None, tuple(parts[6:-1]), parts[-1])


def _with_prefix(tree: exp.Merge) -> str:
    """`WITH ... ` before the MERGE, as the work SELECT's prefix ("" for none): its queries
    are visible to the source, ON and the WHEN MATCHED conditions, which the work SELECT
    evaluates; a WHEN NOT MATCHED condition or an action naming one (run by the later
    steps, which do not carry the WITH) is 0A000, as is a recursive or data-modifying one."""
    with_ = tree.args.get("with_") or tree.args.get("with")
    if with_ is None:
        return ""
    if with_.args.get("recursive") or any(isinstance(c.this, (exp.Insert, exp.Update, exp.Delete))
                                          for c in with_.expressions):
        raise SqlError("WITH RECURSIVE or a data-modifying WITH query before MERGE is not supported", "0A000")
    names = {c.alias.lower() for c in with_.expressions}
    for when in tree.args["whens"].expressions:
        parts = [when.args.get("then")] + ([] if when.args.get("matched") else [when.args.get("condition")])
        for part in parts:
            if part is not None and any(t.name.lower() in names for t in part.find_all(exp.Table)):
                raise SqlError("a WITH query named in a MERGE action or WHEN NOT MATCHED condition is not "
                               "supported", "0A000")
    return with_.sql("postgres") + " "


def plan(text: str) -> MergePlan:
    """The statements that run `text`, a MERGE; 42601 / 0A000 for what PostgreSQL 15
    refuses or Sixfold does not run."""
    tree = parse_one(text)
    if not isinstance(tree, exp.Merge):
        raise SqlError("syntax error at or near MERGE", "42601")
    if tree.args.get("returning") is not None:  # (PostgreSQL 17's)
        raise SqlError('syntax error at or near "RETURNING"', "42601")
    prefix = _with_prefix(tree)
    target, source, on = tree.this, tree.args.get("using"), tree.args.get("on")
    if not isinstance(target, exp.Table) or not isinstance(target.this, exp.Identifier) or source is None \
            or on is None:
        raise SqlError("MERGE needs a table to merge into, a source and ON", "42601")
    bare = target.copy()
    bare.set("alias", None)
    bare.set("only", None)
    target_sql, source_sql = bare.sql("postgres"), source.sql("postgres")
    ta, sa = _name_of(target), _name_of(source)
    if sa is None:
        raise SqlError("a subquery in MERGE's USING must have an alias", "42601")
    whens = tree.args["whens"].expressions
    _check_reachable(whens)
    matched, not_matched, modifying, steps = [], [], [], []
    for k, when in enumerate(whens, start=1):
        condition = when.args.get("condition")
        test = condition.sql("postgres") if condition is not None else "true"
        (matched if when.args.get("matched") else not_matched).append(f"WHEN {test} THEN {k}")
        then = when.args.get("then")
        rows = f"{sa}.{_ROW} = {ta}.rowid AND {sa}.{_ACTION} = {k}"
        if isinstance(then, exp.Var) and then.name.lower() == "do nothing":
            continue
        if not when.args.get("matched"):
            for part in (condition, then):
                _refuse_target_columns(part, ta)
            if not isinstance(then, exp.Insert):
                raise SqlError(f'syntax error at or near "{_action_word(then)}"', "42601")
            steps.append(_insert(then, target_sql, sa, k))
            continue
        modifying.append(k)
        if isinstance(then, exp.Update):
            assignments = ", ".join(e.sql("postgres") for e in then.expressions)
            steps.append(f"UPDATE {target_sql} AS {ta} SET {assignments} FROM {WORK_TABLE} AS {sa} WHERE {rows}")
        elif isinstance(then, exp.Var) and then.name.lower() == "delete":
            steps.append(f"DELETE FROM {target_sql} AS {ta} USING {WORK_TABLE} AS {sa} WHERE {rows}")
        else:
            raise SqlError(f'syntax error at or near "{_action_word(then)}"', "42601")
    decide = (f"CASE WHEN {ta}.rowid IS NULL THEN 0 ELSE {_case(matched)} END")
    head = f"SELECT {ta}.rowid::bigint AS {_ROW}, ({decide})::int AS {_ACTION}, "
    tail = f" FROM {source_sql} LEFT JOIN {target_sql} AS {ta} ON {on.sql('postgres')}"
    # (WHEN NOT MATCHED conditions see the source alone: decided over the work table)
    unmatched = (f"UPDATE {WORK_TABLE} AS {sa} SET {_ACTION} = {_case(not_matched)} WHERE {sa}.{_ROW} IS NULL"
                 if not_matched else None)
    twice = None
    if modifying:
        twice = (f"SELECT {_ROW} FROM {WORK_TABLE} WHERE {_ROW} IS NOT NULL AND {_ACTION} IN "
                 f"({', '.join(map(str, modifying))}) GROUP BY {_ROW} HAVING count(*) > 1 LIMIT 1")
    return MergePlan(prefix, head, sa, tail, unmatched, twice, tuple(steps), f"DROP TABLE {WORK_TABLE}")


def work_table(columns: list[tuple[str, str]]) -> tuple[str, str]:
    """CREATE TEMP TABLE for the work rows, given the work SELECT's columns as (name, type
    name), and the INSERT that fills it from `work` (a plan's work SELECT) minus its text."""
    columns = [(_ROW, "bigint"), (_ACTION, "integer")] + list(columns[2:])  # (whatever the SELECT was described as)
    names = [quoted_ident(n) for n, _ in columns]
    if len(set(names)) != len(names):
        dup = next(n for n in names if names.count(n) > 1)
        raise SqlError(f"column {dup} of MERGE's source is named twice", "42701")
    create = f"CREATE TEMP TABLE {WORK_TABLE} (" + ", ".join(f"{n} {t}" for n, (_, t) in zip(names, columns)) + ")"
    return create, f"INSERT INTO {WORK_TABLE} "


def _insert(then: exp.Insert, target_sql: str, sa: str, k: int) -> str:
    values = then.expression
    if values is None:
        raise SqlError("MERGE ... INSERT DEFAULT VALUES is not supported", "0A000")
    items = list(values.expressions) if isinstance(values, exp.Tuple) else [values]
    columns = list(then.this.expressions) if isinstance(then.this, exp.Tuple) else None
    if columns is not None and len(columns) != len(items):
        raise SqlError("INSERT has more expressions than target columns" if len(items) > len(columns) else
                       "INSERT has more target columns than expressions", "42601")
    default = [isinstance(v, exp.Var) and v.name.upper() == "DEFAULT" for v in items]
    if any(default) and columns is None:  # VALUES (x, DEFAULT): the table's columns, in order
        cat = schema.current()
        known = cat.columns(target_sql) if cat is not None else None
        if not known:
            raise SqlError(f'relation "{target_sql}" does not exist', "42P01")
        if len(items) > len(known):
            raise SqlError("INSERT has more expressions than target columns", "42601")
        columns = [exp.to_identifier(name, quoted=True) for name, _ in known[:len(items)]]
    kept = [(c, v) for c, v, d in zip(columns or items, items, default) if not d]
    listed = f" ({', '.join(c.sql('postgres') for c, _ in kept)})" if columns is not None else ""
    chosen = f"{sa}.{_ROW} IS NULL AND {sa}.{_ACTION} = {k}"
    if not kept:
        raise SqlError("MERGE ... INSERT of DEFAULT alone is not supported", "0A000")
    return (f"INSERT INTO {target_sql}{listed} SELECT {', '.join(v.sql('postgres') for _, v in kept)} "
            f"FROM {WORK_TABLE} AS {sa} WHERE {chosen}")


def _refuse_target_columns(part: exp.Expression | None, target_alias: str) -> None:
    """WHEN NOT MATCHED sees the source alone: a column of the target there is 42P01, as
    PostgreSQL says."""
    if part is None:
        return
    for col in part.find_all(exp.Column):
        if col.table and exp.to_identifier(col.table).sql("postgres") in (target_alias, f'"{col.table}"'):
            raise SqlError(f'invalid reference to FROM-clause entry for table "{col.table}"', "42P01")


def _action_word(then: exp.Expression) -> str:
    """The word an action misplaced in its WHEN clause starts with (PostgreSQL's syntax
    error names it)."""
    if isinstance(then, exp.Var):
        return then.name.split()[0].lower()
    return {exp.Update: "update", exp.Insert: "insert"}.get(type(then), "THEN")


def _case(arms: list[str]) -> str:
    return f"CASE {' '.join(arms)} ELSE 0 END" if arms else "0"


def _check_reachable(whens: list[exp.Expression]) -> None:
    """A WHEN clause after one of its kind without a condition is never reached: 42601, as
    PostgreSQL says."""
    seen: set[bool] = set()
    for when in whens:
        if when.args.get("source"):
            raise SqlError('syntax error at or near "BY"', "42601")  # NOT MATCHED BY SOURCE: PostgreSQL 17
        kind = bool(when.args.get("matched"))
        if kind in seen:
            raise SqlError("unreachable WHEN clause specified after unconditional WHEN clause", "42601")
        if when.args.get("condition") is None:
            seen.add(kind)


def _name_of(source: exp.Expression) -> str | None:
    """The name the clauses call a source by, as written (its alias, or a table's name)."""
    alias = source.args.get("alias")
    if isinstance(alias, exp.TableAlias) and alias.this is not None:
        return alias.this.sql("postgres")
    return source.this.sql("postgres") if isinstance(source, exp.Table) else None


def statement(text: str, param_oids: tuple[int, ...]) -> Statement:
    """MERGE's Statement: planned here (its errors are the statement's), run by the
    session in steps (sql_session._run_merge)."""
    return Statement(kind="merge", tag="MERGE", value=text, parts=plan(text).parts,
                     param_oids=tuple(o or None for o in param_oids), param_count=highest_parameter(text))
