"""get_byte, set_byte, convert_to and convert_from: bytea's byte access and text encodings.

Pure functions over Python values (a bytea is `bytes`; a value SQLite hands over as text
is read as bytea input), registered as SQLite functions. Errors are `values.InputError`
with PostgreSQL's SQLSTATE: 2202E for a byte index past the value, 22023 for an encoding
name PostgreSQL does not know, 22021 for bytes that are not valid in the encoding, 22P05
for a character the encoding cannot hold.
"""

from __future__ import annotations

import re

import apsw

from compute_node.pg_sql import typed_functions, types
from compute_node.pg_sql.values import InputError

# PostgreSQL's encoding names (pg_char_to_encoding: case and punctuation ignored) and the
# Python codec of each; SQL_ASCII is no encoding at all (the bytes as they are).
_CODECS = {
    "utf8": "utf-8", "unicode": "utf-8", "sqlascii": None,
    "latin1": "latin-1", "iso88591": "latin-1", "latin2": "iso8859-2", "iso88592": "iso8859-2",
    "latin3": "iso8859-3", "iso88593": "iso8859-3", "latin4": "iso8859-4", "iso88594": "iso8859-4",
    "latin5": "iso8859-9", "iso88599": "iso8859-9", "latin6": "iso8859-10", "iso885910": "iso8859-10",
    "latin7": "iso8859-13", "iso885913": "iso8859-13", "latin8": "iso8859-14", "iso885914": "iso8859-14",
    "latin9": "iso8859-15", "iso885915": "iso8859-15", "latin10": "iso8859-16", "iso885916": "iso8859-16",
    "iso88595": "iso8859-5", "iso88596": "iso8859-6", "iso88597": "iso8859-7", "iso88598": "iso8859-8",
    "win866": "cp866", "win874": "cp874", "win1250": "cp1250", "win1251": "cp1251", "win1252": "cp1252",
    "win1253": "cp1253", "win1254": "cp1254", "win1255": "cp1255", "win1256": "cp1256", "win1257": "cp1257",
    "win1258": "cp1258", "koi8r": "koi8-r", "koi8u": "koi8-u", "eucjp": "euc-jp", "euckr": "euc-kr",
    "euccn": "gb2312", "sjis": "shift_jis", "big5": "big5", "gbk": "gbk", "uhc": "cp949", "gb18030": "gb18030",
}
_PG_NAMES = {"utf8": "UTF8", "unicode": "UTF8", "sqlascii": "SQL_ASCII"}


def _encoding(name, which: str) -> tuple[str, str | None]:
    """(PostgreSQL's name, the Python codec) of an encoding name; 22023 for one unknown."""
    key = re.sub(r"[^0-9a-z]", "", str(name).lower())
    if key not in _CODECS:
        raise InputError("22023", f'invalid {which} encoding name "{name}"')
    return _PG_NAMES.get(key, key.upper()), _CODECS[key]


def _bytes(value) -> bytes:
    return value if isinstance(value, bytes) else types.decode_bytea_text(str(value))


def _index(data: bytes, n) -> int:
    n = int(n)
    if not 0 <= n < len(data):
        raise InputError("2202E", f"index {n} out of valid range, 0..{len(data) - 1}")
    return n


def get_byte(value, n):
    """get_byte(bytes, n): the byte at 0-based offset n, an integer."""
    if value is None or n is None:
        return None
    data = _bytes(value)
    return data[_index(data, n)]


def set_byte(value, n, new):
    """set_byte(bytes, n, new): the bytes with byte n replaced by new's low 8 bits."""
    if value is None or n is None or new is None:
        return None
    data = bytearray(_bytes(value))
    data[_index(bytes(data), n)] = int(new) & 0xFF
    return bytes(data)


def convert_to(text, name):
    """convert_to(text, encoding): the text's bytes in the encoding."""
    if text is None or name is None:
        return None
    pg_name, codec = _encoding(name, "destination")
    s = str(text)
    if codec is None:
        return s.encode("utf-8")
    try:
        return s.encode(codec)
    except UnicodeEncodeError as e:
        raw = " ".join(f"0x{b:02x}" for b in e.object[e.start].encode("utf-8"))
        raise InputError("22P05", f'character with byte sequence {raw} in encoding "UTF8" has no equivalent in '
                                  f'encoding "{pg_name}"') from None


def convert_from(value, name):
    """convert_from(bytes, encoding): the bytes read as text in the encoding."""
    if value is None or name is None:
        return None
    pg_name, codec = _encoding(name, "source")
    data = _bytes(value)
    try:
        text = data.decode(codec or "utf-8")
    except UnicodeDecodeError as e:
        raise InputError("22021", f'invalid byte sequence for encoding "{pg_name if codec else "UTF8"}": '
                                  f"0x{data[e.start]:02x}") from None
    if "\x00" in text:
        raise InputError("22021", f'invalid byte sequence for encoding "{pg_name}": 0x00')
    return text


def register(conn: apsw.Connection) -> None:
    det = {"deterministic": True}
    for fn, n in ((get_byte, 2), (set_byte, 3), (convert_to, 2), (convert_from, 2)):
        conn.create_scalar_function(fn.__name__, typed_functions.sql_function(fn), n, **det)
