"""inet, cidr, macaddr, macaddr8 and pg_lsn columns: each value stored as PostgreSQL shows
it (its input checked as PostgreSQL checks it: 22P02), and compared, sorted and indexed in
PostgreSQL's order through a collation named after the type (`pg_inet` ...), which reads
both sides - so a literal written another way ('08-00-2b-01-02-03') still equals the
stored value. Their operators (~ & | + - on addresses, << >> containment, pg_lsn
arithmetic) are not supported: 0A000 where a column of these types is an operand.

Not done: cidr's classful abbreviations ('10' is 10.0.0.0/8 there) are refused (0A000).
"""

from __future__ import annotations

import functools
import ipaddress
import re

from sqlglot import exp

from sixfold.constants import COLLATION_KEYS_CACHED_MAX
from sixfold.errors import SqlError

KINDS = ("inet", "cidr", "macaddr", "macaddr8", "pg_lsn")
# the collation a column of each kind is declared with (cidr sorts as inet does)
COLLATIONS = {"inet": "pg_inet", "cidr": "pg_inet", "macaddr": "pg_macaddr", "macaddr8": "pg_macaddr8",
              "pg_lsn": "pg_lsn"}


class NetworkInputError(ValueError):
    def __init__(self, sqlstate: str, message: str):
        super().__init__(message)
        self.sqlstate = sqlstate


def _bad(kind: str, text: str) -> NetworkInputError:
    return NetworkInputError("22P02", f'invalid input syntax for type {kind}: "{text}"')


def stored(kind: str, value) -> str:
    """`value` written to a column of `kind`, as PostgreSQL shows it."""
    text = value if isinstance(value, str) else str(value)
    if kind in ("inet", "cidr"):
        return _inet_text(text, kind == "cidr")
    if kind in ("macaddr", "macaddr8"):
        return _mac_text(text, kind)
    return _lsn_text(text)


def _v6_text(addr: ipaddress.IPv6Address) -> str:
    """PostgreSQL's form of an IPv6 address: compressed, the last 32 bits dotted when the
    first 96 are zero (::1.2.3.4, not ::1) or it is IPv4-mapped (::ffff:1.2.3.4)."""
    words = [(int(addr) >> (112 - 16 * i)) & 0xFFFF for i in range(8)]
    if words[:5] == [0] * 5 and (words[5] == 0xFFFF or (words[5] == 0 and words[6] != 0)):
        v4 = ipaddress.IPv4Address(int(addr) & 0xFFFFFFFF)
        return ("::ffff:" if words[5] else "::") + str(v4)
    return addr.compressed


def _inet_text(text: str, cidr: bool) -> str:
    kind = "cidr" if cidr else "inet"
    t = text.strip()
    if cidr and re.fullmatch(r"\d{1,3}(\.\d{1,3}){0,2}(/\d+)?", t):
        raise NetworkInputError("0A000", f'abbreviated cidr input "{text}" is not supported: write all four octets')
    try:
        iface = ipaddress.ip_interface(t)
    except ValueError:
        raise _bad(kind, text) from None
    addr, bits = iface.ip, iface.network.prefixlen
    full = 32 if addr.version == 4 else 128
    if cidr and iface.network.network_address != addr:
        raise NetworkInputError("22P02", f'invalid cidr value: "{text}"')
    shown = str(addr) if addr.version == 4 else _v6_text(addr)
    return f"{shown}/{bits}" if cidr or bits != full else shown


_MAC_FORMS = [re.compile(p) for p in (
    r"([0-9a-f]{2})[:-]([0-9a-f]{2})[:-]([0-9a-f]{2})[:-]([0-9a-f]{2})[:-]([0-9a-f]{2})[:-]([0-9a-f]{2})",
    r"([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})[:-]([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})",
    r"([0-9a-f]{2})([0-9a-f]{2})[.-]([0-9a-f]{2})([0-9a-f]{2})[.-]([0-9a-f]{2})([0-9a-f]{2})",
    r"([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})")]


def _mac_text(text: str, kind: str) -> str:
    t = text.strip().lower()
    if kind == "macaddr":
        for form in _MAC_FORMS:
            m = form.fullmatch(t)
            if m:
                return ":".join(m.groups())
        raise _bad(kind, text)
    digits = re.sub(r"[:.-]", "", t)  # macaddr8: 6 or 8 bytes, separators between bytes or byte pairs
    if not re.fullmatch(r"[0-9a-f]{12}|[0-9a-f]{16}", digits) or re.search(r"[:.-]{2}|^[:.-]|[:.-]$", t):
        raise _bad(kind, text)
    if len(digits) == 12:  # a 6-byte address takes FF:FE in its middle, as PostgreSQL converts it
        digits = digits[:6] + "fffe" + digits[6:]
    return ":".join(digits[i:i + 2] for i in range(0, 16, 2))


def _lsn_text(text: str) -> str:
    m = re.fullmatch(r"([0-9A-Fa-f]{1,8})/([0-9A-Fa-f]{1,8})", text)
    if not m:
        raise _bad("pg_lsn", text)
    return f"{int(m.group(1), 16):X}/{int(m.group(2), 16):X}"


# --- order ----------------------------------------------------------------------------------
def _order(key):
    def compare(a: str, b: str) -> int:
        ka, kb = key(a), key(b)
        return (ka > kb) - (ka < kb)
    return compare


@functools.lru_cache(maxsize=COLLATION_KEYS_CACHED_MAX)
def _lsn_key(text: str) -> tuple:
    try:
        hi, lo = _lsn_text(text).split("/")
        return (0, int(hi, 16), int(lo, 16), "")
    except NetworkInputError:
        return (1, 0, 0, text)


@functools.lru_cache(maxsize=COLLATION_KEYS_CACHED_MAX)
def _mac_key(text: str) -> tuple:
    for kind in ("macaddr", "macaddr8"):
        try:
            return (0, _mac_text(text, kind).replace(":", "").ljust(16, "0"), "")
        except NetworkInputError:
            continue
    return (1, "", text)


def _inet_parts(text: str):
    try:
        iface = ipaddress.ip_interface(text.strip())
    except ValueError:
        return None
    return iface.ip.version, int(iface.ip), iface.network.prefixlen, (32 if iface.ip.version == 4 else 128)


def inet_order(a: str, b: str) -> int:
    """PostgreSQL's network_cmp: by family, then the bits both masks cover, then the mask
    length, then the whole address; text that is no address after every address."""
    pa, pb = _inet_parts(a), _inet_parts(b)
    if pa is None or pb is None:
        ka, kb = (pa is None, a), (pb is None, b)
        return (ka > kb) - (ka < kb)
    if pa[0] != pb[0]:
        return -1 if pa[0] < pb[0] else 1
    full, common = pa[3], min(pa[2], pb[2])
    ha, hb = pa[1] >> (full - common), pb[1] >> (full - common)
    if ha != hb:
        return -1 if ha < hb else 1
    if pa[2] != pb[2]:
        return -1 if pa[2] < pb[2] else 1
    return (pa[1] > pb[1]) - (pa[1] < pb[1])


def inet_text(value) -> str | None:
    """inet::text: the address with its mask length, always (1.2.3.4/32)."""
    if value is None:
        return None
    text = str(value)
    if "/" in text:
        return text
    return f"{text}/{32 if ':' not in text else 128}"


def register(conn) -> None:
    conn.create_scalar_function("pg_inet_text", inet_text, 1, deterministic=True)
    conn.create_collation("pg_inet", inet_order)
    conn.create_collation("pg_macaddr", _order(_mac_key))
    conn.create_collation("pg_macaddr8", _order(_mac_key))
    conn.create_collation("pg_lsn", _order(_lsn_key))


# --- operators ------------------------------------------------------------------------------
_OPERATORS = (exp.BitwiseNot, exp.BitwiseAnd, exp.BitwiseOr, exp.BitwiseXor, exp.Add, exp.Sub,
              exp.BitwiseLeftShift, exp.BitwiseRightShift)


def refuse_operators(tree: exp.Expression, kind_of_column) -> None:
    """0A000 for an operator of the list above with a column of these types as operand
    (SQLite would compute on the text: ~'08:00:2b:01:02:03' was -9)."""
    for node in tree.find_all(*_OPERATORS):
        for operand in (node.this, node.args.get("expression")):
            if isinstance(operand, exp.Column) and kind_of_column(operand) in KINDS:
                raise SqlError(f"operators of type {kind_of_column(operand)} are not supported", "0A000")
