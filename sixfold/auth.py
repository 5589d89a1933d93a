"""Password verifiers for SCRAM-SHA-256 in PostgreSQL's format, and the spec's auth
section for a generated password.

A verifier is `SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>` (base64
fields), so a spec never holds a password. The server side of the exchange is in
`compute_node/pgwire/scram.py`; this module is what tools that write specs need
(`sixfold up`, the test fixture, deploy/) without importing the wire protocol.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from sixfold.constants import SCRAM_ITERATIONS_COUNT

MECHANISM = "SCRAM-SHA-256"


def _hmac(key: bytes, msg: bytes) -> bytes:
    return hmac.new(key, msg, hashlib.sha256).digest()


def _b64(b: bytes) -> str:
    return base64.b64encode(b).decode()


def make_verifier(password: str, salt: bytes, iterations: int = SCRAM_ITERATIONS_COUNT) -> str:
    """The stored form of `password` with `salt` (the caller passes the randomness)."""
    assert iterations >= 1 and salt, "a verifier needs a salt and at least one iteration"
    salted = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, iterations)
    stored_key = hashlib.sha256(_hmac(salted, b"Client Key")).digest()
    server_key = _hmac(salted, b"Server Key")
    return f"{MECHANISM}${iterations}:{_b64(salt)}${_b64(stored_key)}:{_b64(server_key)}"


def scram_auth(users: dict[str, str]) -> dict:
    """The spec's `auth` section: SCRAM for each user -> password, with fresh salts."""
    return {"method": "scram-sha-256",
            "users": {u: make_verifier(p, secrets.token_bytes(16)) for u, p in users.items()}}
