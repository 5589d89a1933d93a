"""The extensions Sixfold has built in: plpgsql, pgcrypto (its hashing and random
functions) and uuid-ossp.

They are always installed, as plpgsql is in every PostgreSQL database: pg_extension
lists them, `CREATE EXTENSION IF NOT EXISTS pgcrypto` (what Rails, Django and Prisma
migrations send) succeeds with PostgreSQL's notice, `CREATE EXTENSION pgcrypto` is 42710
(it exists), DROP EXTENSION is refused (0A000), and any other extension is not available
(0A000, as PostgreSQL answers for one it has no files for). Their functions exist whether
or not a CREATE EXTENSION ran.

Not built in: pgcrypto's crypt, gen_salt and PGP functions (42883, no such function).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import uuid

import apsw

from compute_node.pg_sql.lexing import error_near, object_name
from compute_node.pg_sql.statement import Statement
from sixfold.errors import SqlError

# name -> (version, schema OID, description), as PostgreSQL 15's \dx shows them
BUILT_IN = {
    "plpgsql": ("1.0", 11, "PL/pgSQL procedural language"),
    "pgcrypto": ("1.3", 2200, "cryptographic functions"),
    "uuid-ossp": ("1.1", 2200, "generate universally unique identifiers (UUIDs)"),
}
# pg_extension's OIDs: plpgsql's is PostgreSQL's; the others follow it.
_OID_BASE = 13_750

_CREATE = re.compile(r'\s*extension\s+(if\s+not\s+exists\s+)?("(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$-]*)'
                     r'(\s+(with\s+)?((schema|version)\s+\S+\s*|cascade\s*)*)?\s*$', re.IGNORECASE | re.DOTALL)
_DROP = re.compile(r'\s*extension\s+(if\s+exists\s+)?(.+?)(\s+(cascade|restrict))?\s*$', re.IGNORECASE | re.DOTALL)


def create(rest: str) -> Statement:
    """CREATE EXTENSION [IF NOT EXISTS] name [WITH] [SCHEMA s] [VERSION v] [CASCADE]."""
    m = _CREATE.match(rest)
    if not m:
        raise error_near(rest.split()[1] if len(rest.split()) > 1 else "EXTENSION")
    name = object_name(m.group(2))
    if name not in BUILT_IN:
        raise SqlError(f'extension "{name}" is not available (Sixfold has {", ".join(sorted(BUILT_IN))} built in)',
                       "0A000")
    if not m.group(1):
        raise SqlError(f'extension "{name}" already exists', "42710")
    return Statement(kind="noop", tag="CREATE EXTENSION",
                     notice=("42710", f'extension "{name}" already exists, skipping'))


def drop(rest: str) -> Statement:
    m = _DROP.match(rest)
    names = [object_name(w.strip()) for w in m.group(2).split(",")] if m else []
    for name in names:
        if name in BUILT_IN:
            raise SqlError(f'extension "{name}" is built into Sixfold and cannot be dropped', "0A000")
    if m and m.group(1):
        return Statement(kind="noop", tag="DROP EXTENSION", notice=(
            "00000", f'extension "{names[0]}" does not exist, skipping'))
    raise SqlError(f'extension "{names[0] if names else "?"}" does not exist', "42704")


def catalog_rows_sql() -> str:
    """pg_extension's rows, as a SQLite SELECT."""
    rows = [f"SELECT {_OID_BASE + i} AS oid, '{name}' AS extname, 10 AS extowner, {ns} AS extnamespace, "
            f"0 AS extrelocatable, '{version}' AS extversion, NULL AS extconfig, NULL AS extcondition"
            for i, (name, (version, ns, _)) in enumerate(BUILT_IN.items())]
    return " UNION ALL ".join(rows)


def descriptions() -> list[tuple[int, str]]:
    """(pg_extension OID, description) of each built-in extension."""
    return [(_OID_BASE + i, desc) for i, (_, (_, _, desc)) in enumerate(BUILT_IN.items())]


# --- pgcrypto ------------------------------------------------------------------------------------
_DIGESTS = ("md5", "sha1", "sha224", "sha256", "sha384", "sha512")
_RANDOM_BYTES_MAX = 1024  # pgcrypto's limit for gen_random_bytes


def _bytes(v) -> bytes:
    return v if isinstance(v, bytes) else str(v).encode()


def _algorithm(name) -> str:
    algo = str(name).lower()
    if algo not in _DIGESTS:
        raise apsw.SQLError(f'[22023] Cannot use "{name}": No such hash algorithm')
    return algo


def digest(data, algo):
    if data is None or algo is None:
        return None
    return hashlib.new(_algorithm(algo), _bytes(data)).digest()


def hmac_digest(data, key, algo):
    if data is None or key is None or algo is None:
        return None
    return hmac.new(_bytes(key), _bytes(data), _algorithm(algo)).digest()


def gen_random_bytes(n):
    if n is None:
        return None
    if not 1 <= int(n) <= _RANDOM_BYTES_MAX:
        raise apsw.SQLError("[39000] Length not in range")  # pgcrypto's SQLSTATE for it
    return os.urandom(int(n))


# --- uuid-ossp ------------------------------------------------------------------------------------
def _uuid_v3_v5(make):
    def f(namespace, name):
        if namespace is None or name is None:
            return None
        try:
            ns = uuid.UUID(str(namespace))
        except ValueError:
            raise apsw.SQLError(f'[22P02] invalid input syntax for type uuid: "{namespace}"') from None
        return str(make(ns, str(name)))
    return f


def register(conn: apsw.Connection) -> None:
    det = {"deterministic": True}
    conn.create_scalar_function("digest", digest, 2, **det)
    conn.create_scalar_function("hmac", hmac_digest, 3, **det)
    conn.create_scalar_function("gen_random_bytes", gen_random_bytes, 1)
    conn.create_scalar_function("uuid_generate_v1", lambda: str(uuid.uuid1()), 0)
    conn.create_scalar_function("uuid_generate_v1mc", lambda: str(uuid.uuid1(node=int.from_bytes(os.urandom(6)) | 1 << 40)),
                                0)
    conn.create_scalar_function("uuid_generate_v4", lambda: str(uuid.uuid4()), 0)
    conn.create_scalar_function("uuid_generate_v3", _uuid_v3_v5(uuid.uuid3), 2, **det)
    conn.create_scalar_function("uuid_generate_v5", _uuid_v3_v5(uuid.uuid5), 2, **det)
    for name, value in (("uuid_nil", uuid.UUID(int=0)), ("uuid_ns_dns", uuid.NAMESPACE_DNS),
                        ("uuid_ns_url", uuid.NAMESPACE_URL), ("uuid_ns_oid", uuid.NAMESPACE_OID),
                        ("uuid_ns_x500", uuid.NAMESPACE_X500)):
        conn.create_scalar_function(name, lambda v=str(value): v, 0, **det)


# Result kinds (exprtypes) of the functions above.
FUNCTION_KINDS = {"digest": "bytea", "hmac": "bytea", "gen_random_bytes": "bytea",
                  **{f"uuid_generate_v{v}": "uuid" for v in ("1", "1mc", "3", "4", "5")},
                  **{f"uuid_{n}": "uuid" for n in ("nil", "ns_dns", "ns_url", "ns_oid", "ns_x500")}}
