"""A session's run-time parameters: SET, SHOW, RESET and how long each lasts.

A SET inside a transaction is undone if it rolls back (and by ROLLBACK TO a savepoint
made before it); SET LOCAL lasts until the transaction ends; RESET and DISCARD ALL go
back to the values the session started with (its startup packet's parameters and
`options`). Settings that change how values are shown are PostgreSQL's defaults or
refused (`pg_sql/settings.output_setting`); the transaction's isolation level and
read-only mode are the engine session's.
"""

from __future__ import annotations

import functools
import re

from compute_node import optimistic
from compute_node.pg_sql import setting_names, settings, values
from compute_node.pg_sql import types as pgtypes
from compute_node.pg_sql.statement import Statement
from compute_node.pgwire.outcome import Outcome
from sixfold.errors import SqlError

SERVER_VERSION = "15.0"
# Sixfold's own setting: how write transactions share the writer (optimistic.py).
WRITE_CONCURRENCY = "sixfold.write_concurrency"

# Parameters reported to the client with ParameterStatus (canonical spelling).
REPORTED = ("application_name", "client_encoding", "DateStyle", "default_transaction_read_only",
            "in_hot_standby", "integer_datetimes", "IntervalStyle", "is_superuser", "server_encoding",
            "server_version", "session_authorization", "standard_conforming_strings", "TimeZone")

DEFAULTS = {
    "application_name": "", "client_encoding": "UTF8", "DateStyle": "ISO, MDY",
    "default_transaction_read_only": "off", "in_hot_standby": "off", "integer_datetimes": "on",
    "IntervalStyle": "postgres", "is_superuser": "on", "server_encoding": "UTF8",
    "server_version": SERVER_VERSION, "session_authorization": "", "standard_conforming_strings": "on",
    "TimeZone": "UTC", "search_path": '"$user", public', "statement_timeout": "0",
    "transaction_isolation": "read committed", "default_transaction_isolation": "read committed",
    "lock_timeout": "0", "idle_in_transaction_session_timeout": "0", "extra_float_digits": "1",
    "max_identifier_length": "63", "synchronous_commit": "on", "timezone_abbreviations": "Default",
    "bytea_output": "hex", "client_min_messages": "notice", "row_security": "on",
    "transaction_read_only": "off", WRITE_CONCURRENCY: "serial",
}
READ_ONLY_PARAMS = {"server_version", "server_encoding", "integer_datetimes", "max_identifier_length",
                    "in_hot_standby", "is_superuser", "session_authorization"}
# Settings of the open transaction only (SET outside one warns and changes nothing).
TRANSACTION_PARAMS = {"transaction_read_only", "transaction_isolation"}
CANONICAL = {k.lower(): k for k in DEFAULTS}
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(us|ms|s|min|h|d)?\s*$", re.I)
_MS_PER = {"us": 0.001, "ms": 1, "s": 1000, "min": 60_000, "h": 3_600_000, "d": 86_400_000, None: 1}


def startup_options(options: str) -> list[tuple[str, str]]:
    """The settings in a startup packet's `options` ("-c name=value" or "--name=value",
    separated by spaces; a backslash keeps the next character, as PostgreSQL reads them)."""
    words, cur, escaped, has = [], [], False, False
    for c in options:
        if escaped:
            cur.append(c)
            escaped = False
        elif c == "\\":
            escaped = has = True
        elif c.isspace():
            if has:
                words.append("".join(cur))
            cur, has = [], False
        else:
            cur.append(c)
            has = True
    if has:
        words.append("".join(cur))
    out, i = [], 0
    while i < len(words):
        w = words[i]
        if w == "-c" and i + 1 < len(words):
            w, i = words[i + 1], i + 1
        elif w.startswith("-c"):
            w = w[2:]
        elif w.startswith("--"):
            w = w[2:]
        else:
            raise SqlError(f'invalid command-line argument for server process: {w}', "22023")
        name, eq, value = w.partition("=")
        if not eq or not name:
            raise SqlError(f'-c {w} requires a value', "42601")
        out.append((name.replace("-", "_"), value))
        i += 1
    return out


@functools.lru_cache(maxsize=64)  # read before every message of a transaction
def parse_duration_ms(value: str) -> int:
    m = _DURATION.match(value.strip("'\""))
    if not m:
        raise SqlError(f'invalid value for a duration parameter: "{value}"', "22023")
    return int(float(m.group(1)) * _MS_PER[(m.group(2) or "ms").lower() if m.group(2) else None])


def format_duration_ms(ms: int) -> str:
    """A duration setting as PostgreSQL shows it: in the largest unit it is a whole
    number of (60000 is 1min, 1500 is 1500ms), 0 as 0."""
    if ms == 0:
        return "0"
    for unit, size in (("d", 86_400_000), ("h", 3_600_000), ("min", 60_000), ("s", 1000)):
        if ms % size == 0:
            return f"{ms // size}{unit}"
    return f"{ms}ms"


class SessionSettings:
    """The parameters of one session over its engine session (`engine`)."""

    def __init__(self, engine, user: str, startup_params: dict):
        self.engine = engine
        self.user = user
        self.params = dict(DEFAULTS)
        self.params["session_authorization"] = user
        if not engine.node.is_writer:
            self.params["in_hot_standby"] = "on"  # a read replica answers as a hot standby does
        for k, v in startup_params.items():
            name = CANONICAL.get(k.lower())
            if name and name not in READ_ONLY_PARAMS:
                self.set(name, v)
        for k, v in startup_options(startup_params.get("options", "")):
            name = CANONICAL.get(k.lower(), k.lower())
            if name in READ_ONLY_PARAMS:
                raise SqlError(f'parameter "{k}" cannot be changed', "55P02")
            self.set(name, v)
        self.startup = dict(self.params)  # what RESET goes back to (PostgreSQL's reset_val)
        # Settings as they were before the open transaction's SETs (undone by ROLLBACK)
        # and SET LOCALs (undone at its end).
        self._txn_saved: dict[str, str | None] = {}
        self._local_saved: dict[str, str | None] = {}

    def run_set(self, stmt: Statement) -> Outcome:
        if stmt.name == "all" and stmt.value is None:  # RESET ALL: the values the session started with
            return Outcome(stmt.tag or "RESET", parameter_status=self.restore(self.startup))
        name = CANONICAL.get(stmt.name.lower(), stmt.name.lower())
        if name == "session_authorization":  # one user: only to itself (pg_dump, poolers' resets)
            who = (stmt.value or "default").strip("'\"")
            if who.lower() != "default" and who != self.user:
                raise SqlError(f'role "{who}" does not exist', "22023")
            return Outcome(stmt.tag or "SET")
        if not setting_names.known(name.lower()):  # (a typo would otherwise be taken and do nothing)
            raise SqlError(f'unrecognized configuration parameter "{stmt.name}"', "42704")
        if name in READ_ONLY_PARAMS:
            raise SqlError(f'parameter "{stmt.name}" cannot be changed', "55P02")
        value = self.startup.get(name, DEFAULTS.get(name, "")) if stmt.value is None else stmt.value
        if (stmt.local or name in TRANSACTION_PARAMS) and self.engine.txn is None:
            what = "SET TRANSACTION" if name in TRANSACTION_PARAMS else "SET LOCAL"
            return Outcome(stmt.tag or "SET", notices=[("25P01", f"{what} can only be used in transaction blocks")])
        if self.engine.txn is not None and name not in TRANSACTION_PARAMS:
            # PostgreSQL's SET is undone by ROLLBACK, SET LOCAL by the transaction's end
            self._txn_saved.setdefault(name, self.params.get(name))
            if stmt.local:
                self._local_saved.setdefault(name, self.params.get(name))
            else:
                self._local_saved.pop(name, None)
        self.set(name, value)
        report = [(name, self.params[name])] if name in REPORTED else []
        return Outcome(stmt.tag or "SET", parameter_status=report)

    def set(self, name: str, value: str) -> None:
        """SET's work: `value` checked, applied (to the engine where it acts there) and kept."""
        v = value.strip()
        if name in ("statement_timeout", "idle_in_transaction_session_timeout", "lock_timeout"):
            try:
                v = format_duration_ms(parse_duration_ms(v))
            except SqlError:
                raise SqlError(f'invalid value for parameter "{name}": "{v.strip(chr(39))}"', "22023") from None
        v = settings.output_setting(name, v)
        if name in ("transaction_read_only", "default_transaction_read_only"):
            try:
                v = "on" if values.parse_bool(v.strip("'\"")) else "off"  # PostgreSQL's boolean spellings
            except values.InputError:
                raise SqlError(f'parameter "{name}" requires a Boolean value', "22023") from None
            if name == "default_transaction_read_only":
                self.engine.default_read_only = v == "on"
            elif v == "on":
                self.engine.set_read_only()
            else:
                self.engine.set_read_write()
        if name == WRITE_CONCURRENCY:
            v = v.strip("'\"").lower()
            if v not in optimistic.MODES:
                raise SqlError(f'invalid value for parameter "{name}": "{value}"', "22023")
            self.engine.write_concurrency = v
        if name in ("transaction_isolation", "default_transaction_isolation"):
            v = " ".join(v.strip("'\"").lower().split())
            if v not in ("read uncommitted", "read committed", "repeatable read", "serializable"):
                raise SqlError(f'invalid value for parameter "{name}": "{value}"', "22023")
            if name == "default_transaction_isolation":
                self.engine.default_isolation = v
            else:
                self.engine.set_isolation(v)
        self.params[name] = v

    def run_show(self, stmt: Statement) -> Outcome:
        if stmt.name == "all":
            rows = [(k, v, "") for k, v in sorted(self.params.items(), key=lambda kv: kv[0].lower())]
            return Outcome("SHOW", [("name", pgtypes.TEXT), ("setting", pgtypes.TEXT),
                                    ("description", pgtypes.TEXT)], rows)
        name = CANONICAL.get(stmt.name.lower(), stmt.name.lower())
        if name not in self.params:
            if name not in settings.SERVER:  # the server's own (block_size, server_version_num, ...)
                raise SqlError(f'unrecognized configuration parameter "{stmt.name}"', "42704")
            return Outcome("SHOW", [(name, pgtypes.TEXT)], [(settings.SERVER[name],)])
        value = self.params[name]
        if name == "transaction_isolation":
            value = self.engine.isolation if self.engine.txn is not None else self.engine.default_isolation
        elif name == "transaction_read_only":
            value = "on" if not self.engine.node.is_writer or self.engine.txn == "read" else "off"
        elif name == "in_hot_standby":
            value = "off" if self.engine.node.is_writer else "on"
        return Outcome("SHOW", [(name, pgtypes.TEXT)], [(value,)])  # named as PostgreSQL names it (DateStyle)

    def restore(self, params: dict[str, str]) -> list[tuple[str, str]]:
        """Settings put back as `params` has them; the reported ones that changed."""
        changed = []
        for name in set(self.params) | set(params):
            old = params.get(name)
            if self.params.get(name) == old or name in READ_ONLY_PARAMS or name in TRANSACTION_PARAMS:
                continue
            if old is None:
                self.params.pop(name, None)
            else:
                self.set(name, old)
            if name in REPORTED and old is not None:
                changed.append((name, old))
        return changed

    def transaction_ended(self, committed: bool) -> None:
        """Its SET LOCALs undone, and its SETs if it rolled back."""
        restore = self._local_saved if committed else self._txn_saved
        self._txn_saved, self._local_saved = {}, {}
        for name, old in restore.items():
            if old is None:
                self.params.pop(name, None)
            else:
                self.set(name, old)
