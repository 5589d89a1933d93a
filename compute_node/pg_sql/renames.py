"""What ALTER TABLE ... RENAME TO carries along: the triggers Sixfold names after a table.

Sixfold's own triggers are named after their table (`sixfold_in:<table>.<column>:i`, the
input triggers of typed columns; `sixfold_con:<table>:<referenced table>:...`, constraint
triggers; `sixfold_trg:<table>:<trigger>:...`, user triggers), and constraint and user
triggers keep the table's name in their marker comments. SQLite's RENAME TO moves a
trigger to the new table but keeps its name: a new table of the old name then failed
to be created ("trigger sixfold_in:t.a:i already exists"), and the catalogs named the old
table. The triggers are renamed first, by editing sqlite_master (as comments.py edits a
table's descriptions); SQLite's RENAME TO then renames the table inside their bodies.
"""

from __future__ import annotations

import json
import re

from compute_node.pg_sql import constraints, schema, triggers
from compute_node.pg_sql.lexing import quoted_ident, sql_string

_INPUT_PREFIX = "sixfold_in:"


def trigger_statements(table: str, new: str) -> list[str]:
    """The statements, to run before RENAME TO (the schema version they set is the next
    one), that rename the triggers named after `table`: none when it has none."""
    cat = schema.current()
    if cat is None:
        return []
    names = [r[0] for r in cat.rows("SELECT name FROM sqlite_master WHERE type = 'trigger'", ())]
    if not any(renamed_name(n, table, new) != n for n in names):
        return []
    old_lit, new_lit = sql_string(table), sql_string(new)
    return schema.edit_schema("sixfold_rename", [
        f"UPDATE sqlite_master SET sql = pg_renamed_trigger_sql(name, sql, {old_lit}, {new_lit}), "
        f"name = pg_renamed_trigger(name, {old_lit}, {new_lit}) "
        f"WHERE type = 'trigger' AND pg_renamed_trigger(name, {old_lit}, {new_lit}) <> name"])


def _same(a: str, b: str) -> bool:
    return a.lower() == b.lower()


def renamed_name(name: str, table: str, new: str) -> str:
    """A Sixfold trigger's name once `table` is `new` (unchanged when not named after it)."""
    if name.startswith(_INPUT_PREFIX):
        owner, dot, rest = name[len(_INPUT_PREFIX):].partition(".")
        return _INPUT_PREFIX + new + dot + rest if dot and _same(owner, table) else name
    if name.startswith(constraints.PREFIX):
        parts = name[len(constraints.PREFIX):].split(":")
        if len(parts) != 4:
            return name
        parts[:2] = [new if _same(p, table) else p for p in parts[:2]]
        return constraints.PREFIX + ":".join(parts)
    if name.startswith(triggers.PREFIX):
        owner, colon, rest = name[len(triggers.PREFIX):].partition(":")
        return triggers.PREFIX + new + colon + rest if colon and _same(owner, table) else name
    return name


def renamed_sql(name: str, sql: str, table: str, new: str) -> str:
    """A Sixfold trigger's CREATE TRIGGER text once `table` is `new`: its name, and the
    table in its marker comment (a user trigger's table, a constraint's referenced one)."""
    sql = sql.replace(quoted_ident(name), quoted_ident(renamed_name(name, table, new)), 1)
    for marker, key in ((triggers.MARKER, "table"), (constraints.MARKER, "parent")):
        start = sql.find(marker)
        if start < 0:
            continue
        end = sql.find("*/", start)
        try:
            fields = json.loads(sql[start + len(marker):end])
        except ValueError:
            continue
        if isinstance(fields.get(key), str) and _same(fields[key], table):
            fields[key] = new
            if isinstance(fields.get("def"), str):
                fields["def"] = re.sub(r"(?i)(\bREFERENCES\s+)" + re.escape(table) + r"\b", lambda m: m.group(1) + new,
                                       fields["def"])
            sql = sql[:start] + marker + json.dumps(fields).replace("/", "\\/") + sql[end:]
    return sql
