"""Settings as SQL sees them: current_setting(name) and the pg_settings relation.

The running session's own settings (SET, the startup packet) come first: the session
puts its settings in `SESSION.params` around each statement, on its thread, as it sets
the transaction clock. Server-wide ones (`SERVER`) answer the rest.
"""

from __future__ import annotations

import re
import threading
import zoneinfo

import apsw

from compute_node.pg_sql import virtual_rows

from sixfold.constants import PG_CONNECTIONS_MAX
from sixfold.errors import SqlError

SESSION = threading.local()  # .params: the running session's settings (name -> value)

SERVER = {"default_table_access_method": "heap", "server_version": "15.0", "server_version_num": "150000",
          "standard_conforming_strings": "on", "timezone": "UTC", "datestyle": "ISO, MDY",
          "client_encoding": "UTF8", "server_encoding": "UTF8", "integer_datetimes": "on",
          "max_identifier_length": "63", "search_path": '"$user", public', "transaction_isolation": "read committed",
          "default_transaction_isolation": "read committed", "lc_collate": "C", "lc_ctype": "C",
          "max_connections": str(PG_CONNECTIONS_MAX), "block_size": "4096", "data_checksums": "on",
          "max_index_keys": "32"}

COLUMNS = ("name", "setting", "unit", "category", "short_desc", "extra_desc", "context", "vartype", "source",
           "min_val", "max_val", "enumvals", "boot_val", "reset_val", "sourcefile", "sourceline", "pending_restart")


_UTC = {"utc", "gmt", "etc/utc", "etc/gmt", "z", "zulu", "+00", "00:00", "+00:00", "0", "universal"}
_UTF8 = {"utf8", "utf-8", "unicode"}
# DateStyle words that keep PostgreSQL's default: ISO output, month before day on input.
_DATESTYLE_DEFAULT_WORDS = {"iso", "mdy", "us", "noneuro", "noneuropean", "default"}


def output_setting(name: str, value: str) -> str:
    """The value a setting that changes how values are shown or read takes, as
    PostgreSQL shows it; SqlError 0A000 for what Sixfold does not do (it would show
    or read values otherwise than PostgreSQL then). Other settings come back as given."""
    key = name.lower()
    v = value.strip().strip("'\"").strip()
    if key == "client_encoding":
        if v.lower() not in _UTF8:
            raise SqlError(f'client encoding "{value.strip()}" is not supported: Sixfold speaks UTF8 only', "0A000")
        return "UTF8"
    if key == "timezone":
        if "/" in v and not _zone_exists(v):
            raise SqlError(f'invalid value for parameter "TimeZone": "{v}"', "22023")
        if v.lower() not in _UTC:
            raise SqlError(f'time zone "{value.strip()}" is not supported: Sixfold keeps time in UTC', "0A000")
        return "UTC"
    if key == "datestyle":
        words = {w for w in re.split(r"[\s,]+", v.lower()) if w}
        if not words or not words <= _DATESTYLE_DEFAULT_WORDS:
            raise SqlError(f'DateStyle "{v}" is not supported: Sixfold shows and reads dates as ISO, MDY', "0A000")
        return "ISO, MDY"
    if key == "intervalstyle":
        if v.lower() in ("sql_standard", "postgres_verbose"):
            raise SqlError(f'IntervalStyle "{v}" is not supported: Sixfold shows intervals as postgres or '
                           "iso_8601 does", "0A000")
        if v.lower() not in ("postgres", "iso_8601"):
            raise SqlError(f'invalid value for parameter "IntervalStyle": "{v}"', "22023")
        return v.lower()
    if key == "search_path":
        _refuse_search_path(value)
        return value
    if key == "client_min_messages":
        if v.lower() not in _MESSAGE_LEVELS:
            raise SqlError(f'invalid value for parameter "client_min_messages": "{v}"', "22023")
        return v.lower()
    if key == "bytea_output":
        if v.lower() == "escape":
            raise SqlError('bytea_output "escape" is not supported: Sixfold shows bytea as hex', "0A000")
        if v.lower() != "hex":
            raise SqlError(f'invalid value for parameter "bytea_output": "{v}"', "22023")
        return "hex"
    if key == "extra_float_digits":
        try:
            n = int(float(v))
        except ValueError:
            raise SqlError(f'invalid value for parameter "extra_float_digits": "{v}"', "22023") from None
        if not -15 <= n <= 3:
            raise SqlError(f"{n} is outside the valid range for parameter \"extra_float_digits\" (-15 .. 3)", "22023")
        if n <= 0:
            raise SqlError(f"extra_float_digits {n} is not supported: Sixfold shows floats with the shortest "
                           "exact digits (as 1 to 3 do)", "0A000")
        return str(n)
    return value


def _zone_exists(name: str) -> bool:
    try:
        zoneinfo.ZoneInfo(name)
        return True
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return False


def _refuse_search_path(value: str) -> None:
    """Sixfold keeps every object in public and resolves unqualified names there whatever
    search_path says, so a path whose first existing schema is not public (`notme`,
    `pg_catalog, public`) is refused (0A000) rather than answered from public where
    PostgreSQL would say 42P01 or look in another schema first. An empty path (pg_dump's,
    which then qualifies every name) and DEFAULT are taken."""
    text = value.strip()
    if text.lower() in ("", "default", "''", '""'):
        return
    names = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        names.append(part[1:-1].replace('""', '"') if part.startswith('"') and part.endswith('"')
                     else part.strip("'").lower())
    existing = [n for n in names if n in ("public", "pg_catalog")]
    if names and (not existing or existing[0] != "public"):
        raise SqlError(f'search_path "{text}" is not supported: Sixfold keeps every object in public, which must '
                       "be the first existing schema of the path", "0A000")


# client_min_messages' levels, lowest first (a client is sent what is at or above its own).
_MESSAGE_LEVELS = {name: i for i, name in enumerate(
    ("debug5", "debug4", "debug3", "debug2", "debug1", "log", "notice", "warning", "error"))}
_MESSAGE_LEVELS["debug"] = _MESSAGE_LEVELS["debug2"]


def message_level(name: str) -> int:
    return _MESSAGE_LEVELS.get(name.lower(), _MESSAGE_LEVELS["notice"])


def _all() -> dict[str, tuple[str, str]]:
    """lower-case name -> (name as shown, value): the session's over the server's."""
    out = {k: (k, v) for k, v in SERVER.items()}
    for k, v in (getattr(SESSION, "params", None) or {}).items():
        out[k.lower()] = (k, v)
    return out


def iso_intervals(params: dict | None = None) -> bool:
    """Whether the session (`params`, else the running statement's) shows intervals as
    ISO 8601 (SET intervalstyle = iso_8601): 'P1DT2H' for '1 day 02:00:00'."""
    if params is None:
        params = getattr(SESSION, "params", None) or {}
    return params.get("IntervalStyle") == "iso_8601"


def current_setting(name, missing_ok=False):
    if name is None:
        return None
    found = _all().get(str(name).lower())
    if found is None:
        if missing_ok:
            return None
        raise apsw.SQLError(f'[42704] unrecognized configuration parameter "{name}"')
    return found[1]


def rows() -> list[tuple]:
    session = {k.lower() for k in (getattr(SESSION, "params", None) or {})}
    return [(name, value, None, "", "", None, "user" if key in session else "internal", "string",
             "session" if key in session else "default", None, None, None, value, value, None, None, 0)
            for key, (name, value) in sorted(_all().items())]


def register(conn: apsw.Connection) -> None:
    conn.create_scalar_function("current_setting", current_setting, 1)
    conn.create_scalar_function("current_setting", current_setting, 2)
    virtual_rows.register(conn, "pg_settings_rows", COLUMNS, rows)
