"""SCRAM-SHA-256 (RFC 5802, RFC 7677) as PostgreSQL uses it: the server side.

Pure: the caller passes the nonce and the salt (randomness stays in the shell).
Verifiers have PostgreSQL's format, `SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>`
(base64 fields), so the password itself is never stored.

    ex = ScramExchange(verifier_or_None, server_nonce)
    server_first = ex.client_first(client_first_message)   # bytes for AuthenticationSASLContinue
    server_final = ex.client_final(client_final_message)   # bytes for AuthenticationSASLFinal
    ex.authenticated                                        # True only after a valid proof
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from sixfold.auth import MECHANISM, make_verifier  # noqa: F401  (re-exported for the server)
from sixfold.errors import SqlError


class AuthFailed(SqlError):
    """Password authentication failed (wrong password, unknown user, bad exchange).
    Not retriable with the same credentials."""

    def __init__(self, message: str = "password authentication failed"):
        super().__init__(message, "28P01")


def _hmac(key: bytes, msg: bytes) -> bytes:
    return hmac.new(key, msg, hashlib.sha256).digest()


def _b64(b: bytes) -> str:
    return base64.b64encode(b).decode()


def parse_verifier(verifier: str) -> tuple[int, bytes, bytes, bytes]:
    """(iterations, salt, StoredKey, ServerKey); ValueError when malformed."""
    try:
        mech, rest = verifier.split("$", 1)
        iter_salt, keys = rest.split("$", 1)
        iterations, salt = iter_salt.split(":", 1)
        stored, server = keys.split(":", 1)
        if mech != MECHANISM:
            raise ValueError(f"not a {MECHANISM} verifier")
        return int(iterations), base64.b64decode(salt, validate=True), \
            base64.b64decode(stored, validate=True), base64.b64decode(server, validate=True)
    except (ValueError, TypeError) as e:
        raise ValueError(f"malformed SCRAM verifier: {e}") from None


def _attrs(text: str) -> list[tuple[str, str]]:
    out = []
    for part in text.split(","):
        if len(part) < 2 or part[1] != "=":
            raise AuthFailed("malformed SCRAM message")
        out.append((part[0], part[2:]))
    return out


class ScramExchange:
    """One authentication attempt. `verifier` None (unknown user) runs the exchange
    against `decoy_verifier` and fails at the end, revealing nothing about the user."""

    def __init__(self, verifier: str | None, server_nonce: str, decoy_verifier: str):
        self._known = verifier is not None
        self.iterations, self.salt, self.stored_key, self.server_key = parse_verifier(verifier or decoy_verifier)
        self.server_nonce = server_nonce
        self.state = "start"
        self.authenticated = False

    def client_first(self, data: bytes) -> bytes:
        assert self.state == "start", self.state
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            raise AuthFailed("malformed SCRAM message") from None
        # gs2 header: "n,," (no channel binding) or "y,," (client could, server did not offer).
        if text.startswith("p="):
            raise AuthFailed("channel binding is not supported (no SCRAM-SHA-256-PLUS)")
        if not (text.startswith("n,") or text.startswith("y,")):
            raise AuthFailed("malformed SCRAM message (gs2 header)")
        parts = text.split(",", 2)
        if len(parts) != 3:
            raise AuthFailed("malformed SCRAM message")
        self.gs2_header = parts[0] + "," + parts[1] + ","
        self.client_first_bare = parts[2]
        attrs = dict(_attrs(self.client_first_bare))
        if "r" not in attrs or not attrs["r"]:
            raise AuthFailed("malformed SCRAM message (no nonce)")
        self.nonce = attrs["r"] + self.server_nonce
        self.server_first = f"r={self.nonce},s={_b64(self.salt)},i={self.iterations}"
        self.state = "first"
        return self.server_first.encode()

    def client_final(self, data: bytes) -> bytes:
        assert self.state == "first", self.state
        self.state = "done"
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            raise AuthFailed("malformed SCRAM message") from None
        attrs = _attrs(text)
        keys = [k for k, _ in attrs]
        if keys[:2] != ["c", "r"] or keys[-1] != "p":
            raise AuthFailed("malformed SCRAM message")
        d = dict(attrs)
        expected_cb = _b64(self.gs2_header.encode())
        if d["c"] != expected_cb:
            raise AuthFailed("SCRAM channel binding check failed")
        if d["r"] != self.nonce:
            raise AuthFailed("SCRAM nonce mismatch")
        try:
            proof = base64.b64decode(d["p"], validate=True)
        except ValueError:
            raise AuthFailed("malformed SCRAM proof") from None
        without_proof = text[: text.rindex(",p=")]
        auth_message = f"{self.client_first_bare},{self.server_first},{without_proof}".encode()
        signature = _hmac(self.stored_key, auth_message)
        if len(proof) != len(signature):
            raise AuthFailed()
        client_key = bytes(a ^ b for a, b in zip(proof, signature))
        ok = hmac.compare_digest(hashlib.sha256(client_key).digest(), self.stored_key)
        if not (ok and self._known):
            raise AuthFailed()
        self.authenticated = True
        return f"v={_b64(_hmac(self.server_key, auth_message))}".encode()


def client_proof_for_tests(password: str, client_nonce: str, server_first: str, gs2: str = "n,,") -> tuple[str, bytes]:
    """The client side of the exchange (RFC 5802), for tests of the server side:
    returns (client-final-message, expected server signature)."""
    attrs = dict(_attrs(server_first))
    salt, iterations = base64.b64decode(attrs["s"]), int(attrs["i"])
    salted = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, iterations)
    client_key = _hmac(salted, b"Client Key")
    stored_key = hashlib.sha256(client_key).digest()
    first_bare = f"n=,r={client_nonce}"
    without_proof = f"c={_b64(gs2.encode())},r={attrs['r']}"
    auth_message = f"{first_bare},{server_first},{without_proof}".encode()
    proof = bytes(a ^ b for a, b in zip(client_key, _hmac(stored_key, auth_message)))
    server_sig = _hmac(_hmac(salted, b"Server Key"), auth_message)
    return f"{without_proof},p={_b64(proof)}", server_sig
