"""The PostgreSQL listener of a compute node: accepts clients, tracks them for
CancelRequest and the connection limit, and shuts them down."""

from __future__ import annotations

import asyncio
import itertools
import logging
import os
import secrets
import ssl

from compute_node.pgwire.connection import Connection
from compute_node.pgwire.scram import make_verifier, parse_verifier
from compute_node.pgwire.messages import error_response
from sixfold.constants import (
    PG_CONNECTIONS_MAX, PG_SHUTDOWN_GRACE_MS, PG_STARTING_CONNECTIONS_MAX, SCRAM_ITERATIONS_COUNT,
)

log = logging.getLogger("sixfold.compute.pgwire")


class PgServer:
    """`users` maps user name -> SCRAM verifier; `auth_method` "scram-sha-256" or "trust"."""

    def __init__(self, node, host: str, port: int, database: str, auth_method: str, users: dict[str, str],
                 tls: dict | None = None):
        if auth_method not in ("scram-sha-256", "trust"):
            raise ValueError(f"unknown auth method {auth_method!r} (scram-sha-256 or trust)")
        for user, verifier in users.items():
            parse_verifier(verifier)  # fail at start, not at a client's login
        self.node = node
        self.host, self.port = host, port
        self.database = database
        self.auth_method = auth_method
        self.users = dict(users)
        # Unknown users run the same exchange against a verifier nobody knows the password of.
        self.decoy_verifier = make_verifier(secrets.token_hex(16), secrets.token_bytes(16), SCRAM_ITERATIONS_COUNT)
        self.ssl_context = None
        if tls and tls.get("cert"):
            self.ssl_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            self.ssl_context.load_cert_chain(tls["cert"], tls.get("key"))
        self.connections: dict[int, Connection] = {}  # admitted, by backend pid
        self.starting = 0  # connections still in startup or authentication
        self._pids = itertools.count((os.getpid() % 30_000) * 10_000 + 1)
        self._server: asyncio.base_events.Server | None = None
        self._tasks: set[asyncio.Task] = set()

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._accept, self.host, self.port, reuse_address=True)
        log.info("accepting PostgreSQL clients on %s:%d (database %s, auth %s%s)", self.host, self.port,
                 self.database, self.auth_method, ", TLS" if self.ssl_context else "")

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self.starting >= PG_STARTING_CONNECTIONS_MAX:
            # A flood of connections that never authenticate must not take every slot:
            # refuse at once instead of holding each for the authentication timeout.
            log.warning("refusing a connection: %d still authenticating", self.starting)
            writer.write(error_response("53300", "sorry, too many clients are connecting already", "FATAL"))
            writer.close()
            return
        conn = Connection(self, reader, writer, next(self._pids))
        task = asyncio.current_task()
        self._tasks.add(task)
        try:
            await conn.run()
        except asyncio.CancelledError:
            # The server is closing with this client mid-query. Ending quietly: asyncio's
            # stream callback would log a cancelled connection task as an error.
            pass
        finally:
            self._tasks.discard(task)

    def admit(self, conn: Connection) -> bool:
        if len(self.connections) >= PG_CONNECTIONS_MAX:
            log.warning("refusing a connection: %d clients already", len(self.connections))
            return False
        self.connections[conn.pid] = conn
        return True

    def forget(self, conn: Connection) -> None:
        if self.connections.get(conn.pid) is conn:
            del self.connections[conn.pid]

    def cancel(self, pid: int, secret: int) -> None:
        conn = self.connections.get(pid)
        if conn is not None and secrets.compare_digest(conn.secret.to_bytes(4, "big"), secret.to_bytes(4, "big",
                                                                                                  signed=True)):
            conn.cancel()

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
        for conn in list(self.connections.values()):
            conn.cancel("terminating connection due to administrator command")
        if self._tasks:
            await asyncio.wait(list(self._tasks), timeout=PG_SHUTDOWN_GRACE_MS / 1000)
        for task in list(self._tasks):
            task.cancel()
