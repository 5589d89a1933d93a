"""LISTEN / NOTIFY on a compute instance.

A session's NOTIFY (or pg_notify) is kept with its transaction and published when the
transaction commits (dropped when it rolls back), to every session of the same instance
listening on the channel, the sender included, as PostgreSQL delivers them: identical
(channel, payload) pairs of one transaction are sent once, in the order first sent.
The instance's sessions are the only listeners: a replica refuses LISTEN and NOTIFY
(25006), as a PostgreSQL standby does, and a failover forgets who listened (the
connections end).

Delivery is the listener's business (`Listener.deliver`, called on the publishing
session's thread, never blocking): the wire protocol queues it and sends it when its
client is idle; a connection that falls NOTIFY_PENDING_MAX notifications behind is
closed, so nothing waits for a slow listener and no queue grows without bound.
"""

from __future__ import annotations

import threading
from typing import Protocol

import apsw

from compute_node import advisory_locks
from sixfold.constants import NOTIFY_PAYLOAD_BYTES_MAX

CHANNEL_BYTES_MAX = 63  # an identifier: NAMEDATALEN - 1


class Listener(Protocol):
    def deliver(self, sender_pid: int, channel: str, payload: str) -> None:
        """A notification for this listener: must not block (it runs on the sender's thread)."""


class NotificationHub:
    """channel -> the listeners listening on it."""

    def __init__(self):
        self._lock = threading.Lock()
        self._channels: dict[str, set[Listener]] = {}

    def listen(self, listener: Listener, channel: str) -> None:
        with self._lock:
            self._channels.setdefault(channel, set()).add(listener)

    def unlisten(self, listener: Listener, channel: str | None = None) -> None:
        """Stop listening on `channel` (None: on every channel)."""
        with self._lock:
            for name in [channel] if channel is not None else list(self._channels):
                members = self._channels.get(name)
                if members is not None:
                    members.discard(listener)
                    if not members:
                        del self._channels[name]

    def channels(self, listener: Listener) -> list[str]:
        with self._lock:
            return sorted(name for name, members in self._channels.items() if listener in members)

    def publish(self, sender_pid: int, notifications: list[tuple[str, str]]) -> None:
        """A committed transaction's notifications, to the listeners of each channel."""
        for channel, payload in dict.fromkeys(notifications):  # one of each pair, in first order
            with self._lock:
                members = list(self._channels.get(channel, ()))
            for listener in members:
                listener.deliver(sender_pid, channel, payload)


def check(channel: str | None, payload: str | None) -> tuple[str, str]:
    """A NOTIFY's channel and payload, as PostgreSQL checks them (22023)."""
    if not channel:
        raise apsw.SQLError("[22023] channel name cannot be empty")
    if len(channel.encode()) > CHANNEL_BYTES_MAX:
        raise apsw.SQLError("[22023] channel name too long")
    payload = payload or ""
    if len(payload.encode()) >= NOTIFY_PAYLOAD_BYTES_MAX:
        raise apsw.SQLError("[22023] payload string too long")
    return channel, payload


def register(conn: apsw.Connection) -> None:
    """pg_notify(channel, payload) on `conn`: kept with the running session's transaction."""

    def pg_notify(channel, payload):
        session = getattr(advisory_locks.running, "session", None)
        if session is None:
            raise apsw.SQLError("[55000] pg_notify needs a session")
        if not session.node.is_writer:
            raise apsw.SQLError("[25006] cannot execute pg_notify() during recovery")
        session.notifies.append(check(channel, payload))
        return ""  # void

    conn.create_scalar_function("pg_notify", pg_notify, 2)
