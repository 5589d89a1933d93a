"""The few bytes of the PostgreSQL protocol the router reads: the client's first
packet (to tell a CancelRequest from a connection, and to answer a client that no
instance can take).

The router otherwise never parses the protocol: once an instance is connected, bytes
flow both ways untouched (TLS included). A client that cannot be placed gets what a
PostgreSQL server that cannot take it now would send: 'N' to an SSLRequest or
GSSENCRequest (so that it goes on in plaintext), then, to its StartupMessage, a FATAL
ErrorResponse, and the connection is closed.
"""

from __future__ import annotations

import struct
from typing import Awaitable, Callable

from compute_node.pgwire.messages import (
    CANCEL_REQUEST_CODE, GSSENC_REQUEST_CODE, SSL_REQUEST_CODE, error_response,
)
from sixfold.constants import PG_STARTUP_BYTES_MAX

HEADER_BYTES = 8  # every first packet starts with its length and a code
CANCEL_REQUEST_BYTES = 16
CANNOT_CONNECT_NOW = "57P03"
TOO_MANY_CONNECTIONS = "53300"
_HEADER = struct.Struct("!ii")

START, CANCEL, ENCRYPTION, INVALID = "start", "cancel", "encryption", "invalid"


def first_packet_kind(header: bytes) -> str:
    """What a connection's first 8 bytes announce: a StartupMessage (or anything that
    may be one: the instance will judge it), a CancelRequest, an SSL/GSS encryption
    request, or a length no first packet can have."""
    length, code = _HEADER.unpack(header[:HEADER_BYTES])
    if length < HEADER_BYTES or length > PG_STARTUP_BYTES_MAX:
        return INVALID
    if code == CANCEL_REQUEST_CODE:
        return CANCEL if length == CANCEL_REQUEST_BYTES else INVALID
    if code in (SSL_REQUEST_CODE, GSSENC_REQUEST_CODE):
        return ENCRYPTION if length == HEADER_BYTES else INVALID
    return START


def packet_length(header: bytes) -> int:
    return _HEADER.unpack(header[:HEADER_BYTES])[0]


def fatal(sqlstate: str, message: str, hint: str | None = None) -> bytes:
    return error_response(sqlstate, message, severity="FATAL", hint=hint)


async def answer_with_error(buffer: bytearray, wait_bytes: Callable[[int], Awaitable[bool]],
                            write: Callable[[bytes], None], sqlstate: str, message: str,
                            hint: str | None = None) -> bool:
    """Answer a client that sent (or is sending) its first packets into `buffer`:
    decline encryption, read its StartupMessage whole (closing a socket with unread
    bytes would reset it and the client might never read the error), then send a
    FATAL ErrorResponse. `wait_bytes(n)` waits until the buffer holds n bytes (False:
    the client left or was too slow). True when the error was sent; the caller closes."""
    for _ in range(3):  # at most an SSLRequest and a GSSENCRequest before the startup
        if not await wait_bytes(HEADER_BYTES):
            return False
        kind = first_packet_kind(bytes(buffer[:HEADER_BYTES]))
        if kind == ENCRYPTION:
            del buffer[:HEADER_BYTES]
            write(b"N")
            continue
        if kind != START:
            return False
        if not await wait_bytes(packet_length(buffer)):
            return False
        del buffer[:packet_length(buffer)]
        write(fatal(sqlstate, message, hint))
        return True
    return False
