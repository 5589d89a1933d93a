"""LISTEN, UNLISTEN and NOTIFY, as the translator reads them (compute_node/notifications.py
has what they do).

    LISTEN channel                  -> kind "listen", the channel in `name`
    UNLISTEN channel | *            -> kind "unlisten", `name` the channel or "*"
    NOTIFY channel [, 'payload']    -> kind "notify", `name`, the payload in `value`
"""

from __future__ import annotations

import re

from compute_node.pg_sql.lexing import error_near, object_name
from compute_node.pg_sql.statement import Statement

_CHANNEL = r'("(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*)'
_NOTIFY = re.compile(rf"^\s*{_CHANNEL}\s*(?:,\s*'((?:[^']|'')*)')?\s*$", re.DOTALL)


def _channel_only(rest: str, star: bool) -> str:
    word = rest.strip()
    if star and word == "*":
        return "*"
    if not re.fullmatch(_CHANNEL, word):
        raise error_near(word.split()[0] if word else "end of input")
    return object_name(word)


def listen(text: str, rest: str, ctx) -> Statement:
    return Statement(kind="listen", tag="LISTEN", name=_channel_only(rest, star=False))


def unlisten(text: str, rest: str, ctx) -> Statement:
    return Statement(kind="unlisten", tag="UNLISTEN", name=_channel_only(rest, star=True))


def notify(text: str, rest: str, ctx) -> Statement:
    m = _NOTIFY.match(rest)
    if not m:
        raise error_near(rest.strip().split()[0] if rest.strip() else "end of input")
    payload = m.group(2).replace("''", "'") if m.group(2) is not None else ""
    return Statement(kind="notify", tag="NOTIFY", name=object_name(m.group(1)), value=payload)
