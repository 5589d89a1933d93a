"""PostgreSQL protocol v3 over a raw socket, for tests that send bad input on purpose.

    c = RawConn(host, port)              # every read times out after READ_TIMEOUT_S: a hang fails
    c.login("sixfold", password)         # startup + SCRAM-SHA-256 by hand, up to ReadyForQuery
    c.send(query("select 1"))
    msgs = c.until_ready()               # [(kind, body), ...] up to and including ReadyForQuery

Builders return the bytes of one frontend message; nothing here checks them, so they
can be wrong on purpose (`frame(kind, body, length=...)` lies about the length).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import socket
import struct

READ_TIMEOUT_S = 5.0
PROTOCOL_V3 = 196608
SSL_REQUEST_CODE = 80877103


class Hang(AssertionError):
    """The server sent nothing (and did not close) within the read timeout."""


class Closed(Exception):
    """The server closed the connection."""


# --- frontend messages -----------------------------------------------------------------------
def cstr(s: str | bytes) -> bytes:
    return (s.encode() if isinstance(s, str) else s) + b"\0"


def frame(kind: bytes, body: bytes = b"", length: int | None = None) -> bytes:
    """A typed message; `length` overrides the (self-counting) length field."""
    return kind + struct.pack("!i", len(body) + 4 if length is None else length) + body


def startup(params: dict[str, str], version: int = PROTOCOL_V3, length: int | None = None) -> bytes:
    body = struct.pack("!i", version) + b"".join(cstr(k) + cstr(v) for k, v in params.items()) + b"\0"
    return struct.pack("!i", len(body) + 4 if length is None else length) + body


def ssl_request() -> bytes:
    return struct.pack("!ii", 8, SSL_REQUEST_CODE)


def query(sql: str | bytes, nul: bool = True) -> bytes:
    q = sql.encode() if isinstance(sql, str) else sql
    return frame(b"Q", q + (b"\0" if nul else b""))


def parse(name: str, sql: str, oids: tuple[int, ...] = ()) -> bytes:
    return frame(b"P", cstr(name) + cstr(sql) + struct.pack("!h", len(oids)) + b"".join(struct.pack("!i", o)
                                                                                         for o in oids))


def bind(portal: str, stmt: str, params: tuple[bytes | None, ...] = (), param_formats: tuple[int, ...] = (),
         result_formats: tuple[int, ...] = ()) -> bytes:
    body = cstr(portal) + cstr(stmt)
    body += struct.pack("!h", len(param_formats)) + b"".join(struct.pack("!h", f) for f in param_formats)
    body += struct.pack("!h", len(params))
    for p in params:
        body += struct.pack("!i", -1) if p is None else struct.pack("!i", len(p)) + p
    body += struct.pack("!h", len(result_formats)) + b"".join(struct.pack("!h", f) for f in result_formats)
    return frame(b"B", body)


def describe(kind: str, name: str) -> bytes:
    return frame(b"D", kind.encode() + cstr(name))


def execute(portal: str = "", max_rows: int = 0) -> bytes:
    return frame(b"E", cstr(portal) + struct.pack("!i", max_rows))


def close_msg(kind: str, name: str) -> bytes:
    return frame(b"C", kind.encode() + cstr(name))


def sync() -> bytes:
    return frame(b"S")


def flush() -> bytes:
    return frame(b"H")


def terminate() -> bytes:
    return frame(b"X")


def copy_data(data: bytes) -> bytes:
    return frame(b"d", data)


def copy_done() -> bytes:
    return frame(b"c")


def copy_fail(message: str) -> bytes:
    return frame(b"f", cstr(message))


def sasl_initial(mechanism: str, data: bytes | None) -> bytes:
    payload = struct.pack("!i", -1) if data is None else struct.pack("!i", len(data)) + data
    return frame(b"p", cstr(mechanism) + payload)


def sasl_response(data: bytes) -> bytes:
    return frame(b"p", data)


# --- backend messages ------------------------------------------------------------------------
def error_fields(body: bytes) -> dict[str, str]:
    """ErrorResponse/NoticeResponse fields by code: S, V, C (SQLSTATE), M, ..."""
    out = {}
    for part in body.split(b"\0"):
        if part:
            out[chr(part[0])] = part[1:].decode("utf-8", "replace")
    return out


def data_row(body: bytes) -> list[bytes | None]:
    n = struct.unpack("!h", body[:2])[0]
    pos, out = 2, []
    for _ in range(n):
        ln = struct.unpack("!i", body[pos:pos + 4])[0]
        pos += 4
        if ln < 0:
            out.append(None)
        else:
            out.append(body[pos:pos + ln])
            pos += ln
    return out


def summary(msgs: list[tuple[bytes, bytes]]) -> list:
    """Messages for an assertion text: errors as their fields, others as (kind, body head)."""
    return [(k, error_fields(b)) if k in (b"E", b"N") else (k, b[:40]) for k, b in msgs]


def auth_code(body: bytes) -> int:
    return struct.unpack("!i", body[:4])[0]


# --- SCRAM-SHA-256, the client side (RFC 5802 / 7677) --------------------------------------------
def _hmac(key: bytes, msg: bytes) -> bytes:
    return hmac.new(key, msg, hashlib.sha256).digest()


class ScramClient:
    def __init__(self, password: str):
        self.password = password
        self.nonce = base64.b64encode(secrets.token_bytes(18)).decode()
        self.gs2 = "n,,"
        self.first_bare = f"n=,r={self.nonce}"

    def first(self) -> bytes:
        return (self.gs2 + self.first_bare).encode()

    def final(self, server_first: bytes) -> bytes:
        self.server_first = server_first.decode()
        attrs = dict(kv.split("=", 1) for kv in self.server_first.split(","))
        if not attrs["r"].startswith(self.nonce):
            raise AssertionError(f"server nonce {attrs['r']!r} does not extend ours {self.nonce!r}")
        salted = hashlib.pbkdf2_hmac("sha256", self.password.encode(), base64.b64decode(attrs["s"]),
                                     int(attrs["i"]))
        client_key = _hmac(salted, b"Client Key")
        without_proof = f"c={base64.b64encode(self.gs2.encode()).decode()},r={attrs['r']}"
        auth_message = f"{self.first_bare},{self.server_first},{without_proof}".encode()
        proof = bytes(a ^ b for a, b in zip(client_key, _hmac(hashlib.sha256(client_key).digest(), auth_message)))
        self.server_signature = _hmac(_hmac(salted, b"Server Key"), auth_message)
        return f"{without_proof},p={base64.b64encode(proof).decode()}".encode()

    def check_server_final(self, data: bytes) -> None:
        expected = b"v=" + base64.b64encode(self.server_signature)
        if data != expected:
            raise AssertionError(f"bad server signature {data!r}")


# --- the connection --------------------------------------------------------------------------
class RawConn:
    def __init__(self, host: str, port: int, timeout_s: float = READ_TIMEOUT_S):
        self.sock = socket.create_connection((host, port), timeout=timeout_s)
        self.sock.settimeout(timeout_s)
        self.timeout_s = timeout_s
        self.buf = bytearray()
        self.closed = False

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self) -> None:
        try:
            self.sock.close()
        except OSError:
            pass

    def send(self, data: bytes) -> bool:
        """False when the server already closed (its error may still be waiting to be read)."""
        try:
            self.sock.sendall(data)
            return True
        except (BrokenPipeError, ConnectionResetError):
            return False

    def shutdown_write(self) -> None:
        """Half-close: the server sees end of input (a client that went away mid-message)."""
        try:
            self.sock.shutdown(socket.SHUT_WR)
        except OSError:
            pass

    def _fill(self, n: int) -> None:
        while len(self.buf) < n:
            try:
                chunk = self.sock.recv(65536)
            except TimeoutError:
                raise Hang(f"no answer from the server within {self.timeout_s} s "
                           f"(have {len(self.buf)} of {n} bytes)") from None
            except ConnectionResetError:
                chunk = b""
            if not chunk:
                self.closed = True
                raise Closed(f"connection closed (have {len(self.buf)} of {n} bytes)")
            self.buf += chunk

    def recv_exact(self, n: int) -> bytes:
        self._fill(n)
        out = bytes(self.buf[:n])
        del self.buf[:n]
        return out

    def read_message(self) -> tuple[bytes, bytes]:
        self._fill(5)
        kind, length = bytes(self.buf[:1]), struct.unpack("!i", self.buf[1:5])[0]
        if length < 4 or length > 1 << 24:
            raise AssertionError(f"server sent message {kind!r} with length {length}")
        self._fill(1 + length)
        body = bytes(self.buf[5:1 + length])
        del self.buf[:1 + length]
        return kind, body

    def until(self, *kinds: bytes) -> list[tuple[bytes, bytes]]:
        """Messages up to and including the first of one of `kinds`."""
        out = []
        while True:
            try:
                kind, body = self.read_message()
            except Closed as e:
                raise Closed(f"{e}; messages before: {summary(out)}") from None
            out.append((kind, body))
            if kind in kinds:
                return out

    def until_ready(self) -> list[tuple[bytes, bytes]]:
        return self.until(b"Z")

    def error_or_close(self) -> dict[str, str] | None:
        """Read until an ErrorResponse (its fields) or the end of the connection (None).
        A hang raises Hang."""
        try:
            while True:
                kind, body = self.read_message()
                if kind == b"E":
                    return error_fields(body)
        except Closed:
            return None

    def expect_closed(self) -> None:
        """Nothing more but the end of the connection (pending messages are skipped, except
        that a ReadyForQuery means the server kept it open)."""
        try:
            while True:
                kind, _body = self.read_message()
                if kind == b"Z":
                    raise AssertionError("server sent ReadyForQuery where it should have closed the connection")
        except Closed:
            return

    # --- login ---------------------------------------------------------------------------------
    def start(self, user: str, database: str = "sixfold", **extra: str) -> None:
        self.send(startup({"user": user, "database": database, **extra}))

    def login(self, user: str, password: str, database: str = "sixfold") -> list[tuple[bytes, bytes]]:
        """Startup + SCRAM-SHA-256; the messages after AuthenticationOk, up to ReadyForQuery."""
        self.start(user, database)
        kind, body = self.read_message()
        assert kind == b"R" and auth_code(body) == 10, (kind, body)
        assert b"SCRAM-SHA-256\0" in body[4:], body
        sc = ScramClient(password)
        self.send(sasl_initial("SCRAM-SHA-256", sc.first()))
        kind, body = self.read_message()
        assert kind == b"R" and auth_code(body) == 11, (kind, body)
        self.send(sasl_response(sc.final(body[4:])))
        kind, body = self.read_message()
        if kind == b"E":
            raise AssertionError(f"login failed: {error_fields(body)}")
        assert kind == b"R" and auth_code(body) == 12, (kind, body)
        sc.check_server_final(body[4:])
        kind, body = self.read_message()
        assert kind == b"R" and auth_code(body) == 0, (kind, body)
        msgs = self.until_ready()
        assert msgs[-1] == (b"Z", b"I"), msgs[-1]
        return msgs

    def simple(self, sql: str | bytes) -> list[tuple[bytes, bytes]]:
        self.send(query(sql))
        return self.until_ready()
