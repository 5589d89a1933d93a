"""Fixes to sqlglot's tokenizer where it reads PostgreSQL text differently from
PostgreSQL, installed once when compute_node.pg_sql is imported.

- A number with an exponent ends at its exponent's digits: sqlglot read `1e2+1` as one
  number ("1e2+1", which Python's float() refuses) and `1e2-1e2` as the number "1e2-1"
  followed by an alias `e2` (select 1e2-1e2 answered 99 named e2). PostgreSQL's lexer
  takes a sign only right after the `e`.
- `char` and `character` without a length are char(1), as PostgreSQL reads them (only
  `bpchar` has no limit): sqlglot kept them without one, so a column `c char` took any
  text and a cast `'abc'::char` kept all three letters.
- `serial2`, `serial4` and `serial8` are smallserial, serial and bigserial: sqlglot read
  them as user-defined type names, so such a column had no sequence (NULL by default).
- An arrow among a call's arguments is json's -> operator: sqlglot read `f(doc -> 'k')`
  as a lambda (PostgreSQL has none), which then reached SQLite as SQLite's own ->
  (jsonb_build_array(doc -> 'k') held the text "[1,2]", not the array [1, 2]) and
  `jsonb_agg(doc -> 'k' ORDER BY id)` was a syntax error. (`name => value`, a named
  argument, stays sqlglot's.)
- `date_part(field, x)` is a function of its own, not EXTRACT: sqlglot read it as EXTRACT,
  so its result was a numeric (1.500000 for 1.5 seconds, named "extract") where
  PostgreSQL's is a double precision (1.5, named date_part, rounded half to even by ::int).
- What follows `type 'string'` applies to that constant: sqlglot applied it to the string
  first, so `timestamp '2024-01-01 10:00'::date` was a date cast to a timestamp.
- A subscript sqlglot made 0-based (`a[1]` read as index 0) is marked (INDEX_SHIFTED in
  its meta), so the translator can tell it from one left as written. It told them apart
  by whether the subscript had a type, which a subscript inside another subscripted
  expression gets when sqlglot types the outer one: `(array[(array[10,20])[1], 5])[1]`
  read the inner one at index 0 (NULL), `('{{1,2},{3,4}}'::int[])[2][1]` was refused.
"""

from __future__ import annotations

import re

import sqlglot.parser
from sqlglot import exp
from sqlglot.dialects.postgres import Postgres
from sqlglot.tokenizer_core import TokenizerCore, TokenType

_EXPONENT_NUMBER = re.compile(r"(?:\d+\.?\d*|\.\d+)[eE][+-]?\d+")
_scan_number = TokenizerCore._scan_number


def _scan_number_ending_at_exponent(self: TokenizerCore) -> None:
    before = len(self.tokens)
    _scan_number(self)
    if len(self.tokens) != before + 1 or self.tokens[-1].token_type != TokenType.NUMBER:
        return
    text = self.tokens[-1].text
    m = _EXPONENT_NUMBER.match(text)
    if m is None or m.end() == len(text):
        return
    self.tokens.pop()
    self._advance(m.end() - len(text))  # back to the sign: the tokenizer reads on from there
    self._add(TokenType.NUMBER, m.group(0))


_parse_types = Postgres.Parser._parse_types
_CHAR_TYPES = (exp.DataType.Type.CHAR, exp.DataType.Type.NCHAR)
_SERIAL_ALIASES = {"serial2": exp.DataType.Type.SMALLSERIAL, "serial4": exp.DataType.Type.SERIAL,
                   "serial8": exp.DataType.Type.BIGSERIAL}


def _parse_types_char_is_one(self, *args, **kwargs):
    parsed = _parse_types(self, *args, **kwargs)
    if isinstance(parsed, exp.DataType) and self._curr is not None and self._curr.token_type == TokenType.STRING:
        self._typed_string_at = self._index  # `type 'string'`, a constant (_parse_type_literal_first)
    if isinstance(parsed, exp.DataType):
        for dt in parsed.find_all(exp.DataType):
            if dt.this in _CHAR_TYPES and not dt.expressions:
                dt.set("expressions", [exp.DataTypeParam(this=exp.Literal.number(1))])
            kind = dt.args.get("kind")
            if dt.this == exp.DataType.Type.USERDEFINED and isinstance(kind, exp.Identifier) and not kind.quoted \
                    and kind.name.lower() in _SERIAL_ALIASES:
                dt.set("this", _SERIAL_ALIASES[kind.name.lower()])
                dt.set("kind", None)
    return parsed


_parse_type = Postgres.Parser._parse_type
_parse_column_ops = Postgres.Parser._parse_column_ops


def _parse_type_literal_first(self, *args, **kwargs):
    """`type 'literal'` is one constant that what follows applies to: `timestamp
    '2024-01-01 10:00'::date` is (timestamp '...')::date. sqlglot applied the `::date` to
    the string before the type (a date cast to timestamp: 2024-01-01 00:00:00). The
    string's operators are held (_column_ops_held) and applied here, to the constant."""
    saved, self._typed_literal_held = getattr(self, "_typed_literal_held", False), False
    try:
        parsed = _parse_type(self, *args, **kwargs)
        held = self._typed_literal_held
    finally:
        self._typed_literal_held = saved
    return _parse_column_ops(self, parsed) if held and parsed is not None else parsed


def _column_ops_held(self, this, *args, **kwargs):
    if isinstance(this, exp.Literal) and this.is_string and getattr(self, "_typed_string_at", None) == self._index - 1:
        self._typed_string_at = None  # the string of `type 'string'`: its operators wait for the constant
        self._typed_literal_held = True
        return this
    return _parse_column_ops(self, this, *args, **kwargs)


INDEX_SHIFTED = "sixfold_index_shifted"
_apply_index_offset = exp.apply_index_offset


def _marked_index_offset(this, expressions, offset, dialect=None):
    out = _apply_index_offset(this, expressions, offset, dialect=dialect)
    if offset and out is not expressions and len(out) == 1:
        out[0].meta[INDEX_SHIFTED] = True
    return out


_LAMBDAS = {k: v for k, v in Postgres.Parser.LAMBDAS.items() if k != TokenType.ARROW}


# (PostgreSQL 15's json_object is a function of text arrays, not SQL/JSON's key: value form,
# which read json_object('{a,1}') as a syntax error)
_FUNCTION_PARSERS = {k: v for k, v in Postgres.Parser.FUNCTION_PARSERS.items() if k not in ("DATE_PART", "JSON_OBJECT")}


def _to_hex_sql(self, e: exp.Hex) -> str:
    return self.func("TO_HEX", e.this)  # (sqlglot writes PostgreSQL's to_hex as HEX, a function it does not have)


def install() -> None:
    sqlglot.parser.apply_index_offset = _marked_index_offset
    Postgres.Parser.LAMBDAS = _LAMBDAS
    Postgres.Parser.FUNCTION_PARSERS = _FUNCTION_PARSERS
    Postgres.Generator.TRANSFORMS = {**Postgres.Generator.TRANSFORMS, exp.Hex: _to_hex_sql}
    if TokenizerCore._scan_number is not _scan_number_ending_at_exponent:
        TokenizerCore._scan_number = _scan_number_ending_at_exponent
    if Postgres.Parser._parse_types is not _parse_types_char_is_one:
        Postgres.Parser._parse_types = _parse_types_char_is_one
    if Postgres.Parser._parse_type is not _parse_type_literal_first:
        Postgres.Parser._parse_type = _parse_type_literal_first
        Postgres.Parser._parse_column_ops = _column_ops_held
