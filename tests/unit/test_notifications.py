"""The instance's LISTEN/NOTIFY hub and the statements' translation (no I/O)."""

from __future__ import annotations

import apsw
import pytest

from compute_node.notifications import NotificationHub, check
from compute_node.pg_sql.translate import SessionContext, translate
from sixfold.errors import SqlError

CTX = SessionContext(user="u", database="d")


class Inbox:
    def __init__(self):
        self.got = []

    def deliver(self, sender_pid, channel, payload):
        self.got.append((sender_pid, channel, payload))


def test_publish_reaches_each_listener_once_per_pair_in_order():
    hub, a, b = NotificationHub(), Inbox(), Inbox()
    hub.listen(a, "jobs")
    hub.listen(a, "jobs")  # twice: still one listener
    hub.listen(b, "other")
    hub.publish(7, [("jobs", "x"), ("other", ""), ("jobs", "y"), ("jobs", "x"), ("nobody", "z")])
    assert a.got == [(7, "jobs", "x"), (7, "jobs", "y")] and b.got == [(7, "other", "")]
    assert hub.channels(a) == ["jobs"]


def test_unlisten_one_channel_or_all():
    hub, a = NotificationHub(), Inbox()
    hub.listen(a, "x")
    hub.listen(a, "y")
    hub.unlisten(a, "x")
    hub.publish(1, [("x", "1"), ("y", "2")])
    hub.unlisten(a)
    hub.publish(1, [("y", "3")])
    assert a.got == [(1, "y", "2")] and hub.channels(a) == []


def test_check_bounds_channel_and_payload():
    assert check("c", None) == ("c", "")
    for channel, payload in (("", "p"), ("c" * 64, "p"), ("c", "x" * 8000)):
        with pytest.raises(apsw.SQLError, match=r"\[22023\]"):
            check(channel, payload)


@pytest.mark.parametrize("sql,kind,name,value", [
    ("LISTEN jobs", "listen", "jobs", None), ('LISTEN "Jobs"', "listen", "Jobs", None),
    ("UNLISTEN *", "unlisten", "*", None), ("unlisten Jobs", "unlisten", "jobs", None),
    ("NOTIFY jobs", "notify", "jobs", ""), ("NOTIFY jobs, 'it''s done'", "notify", "jobs", "it's done"),
])
def test_statements(sql, kind, name, value):
    stmt, = translate(sql, CTX)
    assert (stmt.kind, stmt.name, stmt.value) == (kind, name, value)


@pytest.mark.parametrize("sql", ["LISTEN", "LISTEN a b", "NOTIFY jobs, payload", "NOTIFY jobs 'p'", "UNLISTEN 1"])
def test_bad_forms_are_syntax_errors(sql):
    with pytest.raises(SqlError) as e:
        translate(sql, CTX)
    assert e.value.sqlstate == "42601"
