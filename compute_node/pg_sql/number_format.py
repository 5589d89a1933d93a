"""PostgreSQL 15's to_char(number, format) and to_number(text, format), ported from
src/backend/utils/adt/formatting.c: parse_format with NUMDesc_prepare (the format's
keywords and what they say about the number), NUM_processor with NUM_numpart_to_char /
NUM_numpart_from_char, and the entry points int4_to_char, int8_to_char, numeric_to_char,
float4_to_char, float8_to_char and numeric_to_number.

The locale is C, as the server's lc_numeric and lc_monetary: D is '.', G is ',', the S
signs are '-' / '+', and L writes a space (C has no currency symbol). As in the C code,
to_char writes into a buffer where a digit position past the end of the number writes a
NUL, so the answer ends there (float8 NaN with '999.99' is ' NaN'). Floats are printed
as PostgreSQL's snprintf prints them (NaN, Infinity, at most 350 digits then zeros).
Pure: no I/O. Errors are `NumberFormatError` with PostgreSQL's SQLSTATE and message.
"""

from __future__ import annotations

import decimal
import math
import struct
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from compute_node.pg_sql.numeric import exact
from compute_node.pg_sql.values import InputError

# NUMDesc flags (NUM_F_*; those only the locale or nothing reads, like NUM_F_LDECIMAL, are left out)
_DECIMAL, _ZERO, _BLANK, _FILLMODE, _LSIGN, _BRACKET, _MINUS, _PLUS, _ROMAN, _MULTI, _EEEE = (1 << i for i in range(11))
_LSIGN_PRE, _LSIGN_NONE, _LSIGN_POST = -1, 0, 1

# NUM_keywords in formatting.c's order: (text, keyword id). The first that starts the rest of the format wins.
_KEYWORDS = (
    (",", ","), (".", "."), ("0", "0"), ("9", "9"), ("B", "B"), ("C", "C"), ("D", "D"), ("EEEE", "E"), ("FM", "FM"),
    ("G", "G"), ("L", "L"), ("MI", "MI"), ("PL", "PL"), ("PR", "PR"), ("RN", "RN"), ("SG", "SG"), ("SP", "SP"),
    ("S", "S"), ("TH", "TH"), ("V", "V"), ("b", "B"), ("c", "C"), ("d", "D"), ("eeee", "E"), ("fm", "FM"), ("g", "G"),
    ("l", "L"), ("mi", "MI"), ("pl", "PL"), ("pr", "PR"), ("rn", "rn"), ("sg", "SG"), ("sp", "SP"), ("s", "S"),
    ("th", "th"), ("v", "V"),
)
_DIGIT_KEYS = ("9", "0", ".", "D")
_ROMAN_DIGITS = (("", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX"),
                 ("", "X", "XX", "XXX", "XL", "L", "LX", "LXX", "LXXX", "XC"),
                 ("", "C", "CC", "CCC", "CD", "D", "DC", "DCC", "DCCC", "CM"),
                 ("", "M", "MM", "MMM"))
_INT32 = (-2**31, 2**31 - 1)
_INT64 = (-2**63, 2**63 - 1)
_DBL_DIG, _FLT_DIG = 15, 6
_PRINTF_MAX_PRECISION = 350  # PostgreSQL's snprintf pads with zeros beyond this
_NUMERIC_DSCALE_MAX = 16383  # numeric_round's limit on the scale
_NUMERIC_MIN_SIG_DIGITS = 16  # the display scale of power(10::numeric, n)
Number = int | float | Decimal | str
_CTX = decimal.Context(prec=decimal.MAX_PREC, rounding=ROUND_HALF_UP, Emax=decimal.MAX_EMAX, Emin=decimal.MIN_EMIN)


class NumberFormatError(InputError):
    """An error PostgreSQL raises from to_char or to_number, with its SQLSTATE."""


@dataclass
class _Desc:
    """NUMDesc: what the format's keywords say about the number."""
    pre: int = 0  # digit positions before the decimal point
    post: int = 0  # digit positions after it
    lsign: int = _LSIGN_NONE  # where S puts the sign
    flag: int = 0
    pre_lsign_num: int = 0  # digit positions before S
    multi: int = 0  # the 9s after V
    zero_start: int = 0  # position of the first 0 (counted from 1)
    zero_end: int = 0  # position of the last 0

    def has(self, flags: int) -> bool:
        """Whether any of `flags` is set."""
        return bool(self.flag & flags)


def _syntax(message: str) -> NumberFormatError:
    """An error in the format itself (ERRCODE_SYNTAX_ERROR)."""
    return NumberFormatError("42601", message)


def _prepare(d: _Desc, key: str) -> None:
    """NUMDesc_prepare: account for keyword `key` in `d`, refusing combinations PostgreSQL refuses."""
    if d.has(_EEEE) and key != "E":
        raise _syntax('"EEEE" must be the last pattern used')
    if key == "9":
        if d.has(_BRACKET):
            raise _syntax('"9" must be ahead of "PR"')
        if d.has(_MULTI):
            d.multi += 1
        elif d.has(_DECIMAL):
            d.post += 1
        else:
            d.pre += 1
    elif key == "0":
        if d.has(_BRACKET):
            raise _syntax('"0" must be ahead of "PR"')
        if not d.has(_ZERO | _DECIMAL):
            d.flag |= _ZERO
            d.zero_start = d.pre + 1
        if d.has(_DECIMAL):
            d.post += 1
        else:
            d.pre += 1
        d.zero_end = d.pre + d.post
    elif key == "B":
        if d.pre == 0 and d.post == 0 and not d.has(_ZERO):
            d.flag |= _BLANK
    elif key in (".", "D"):
        if d.has(_DECIMAL):
            raise _syntax("multiple decimal points")
        if d.has(_MULTI):
            raise _syntax('cannot use "V" and decimal point together')
        d.flag |= _DECIMAL
    elif key == "FM":
        d.flag |= _FILLMODE
    elif key == "S":
        if d.has(_LSIGN):
            raise _syntax('cannot use "S" twice')
        if d.has(_PLUS | _MINUS | _BRACKET):
            raise _syntax('cannot use "S" and "PL"/"MI"/"SG"/"PR" together')
        if not d.has(_DECIMAL):
            d.lsign, d.pre_lsign_num = _LSIGN_PRE, d.pre
            d.flag |= _LSIGN
        elif d.lsign == _LSIGN_NONE:
            d.lsign = _LSIGN_POST
            d.flag |= _LSIGN
    elif key in ("MI", "PL", "SG"):
        if d.has(_LSIGN):
            raise _syntax(f'cannot use "S" and "{key}" together')
        d.flag |= {"MI": _MINUS, "PL": _PLUS, "SG": _MINUS | _PLUS}[key]
    elif key == "PR":
        if d.has(_LSIGN | _PLUS | _MINUS):
            raise _syntax('cannot use "PR" and "S"/"PL"/"MI"/"SG" together')
        d.flag |= _BRACKET
    elif key in ("RN", "rn"):
        d.flag |= _ROMAN
    elif key == "V":
        if d.has(_DECIMAL):
            raise _syntax('cannot use "V" and decimal point together')
        d.flag |= _MULTI
    elif key == "E":
        if d.has(_EEEE):
            raise _syntax('cannot use "EEEE" twice')
        if d.has(_BLANK | _FILLMODE | _LSIGN | _BRACKET | _MINUS | _PLUS | _ROMAN | _MULTI):
            raise _syntax('"EEEE" is incompatible with other formats')
        d.flag |= _EEEE


def _parse(fmt: str) -> tuple[list[tuple[str | None, str]], _Desc]:
    """parse_format for the NUM keywords: the nodes (keyword id and text, or None and a literal
    character) and the NUMDesc. Double quotes make literal text, where a backslash quotes the
    next character; outside them a backslash only quotes a double quote."""
    nodes: list[tuple[str | None, str]] = []
    desc = _Desc()
    i = 0
    while i < len(fmt):
        key = next(((name, kid) for name, kid in _KEYWORDS if fmt.startswith(name, i)), None)
        if key:
            _prepare(desc, key[1])
            nodes.append((key[1], key[0]))
            i += len(key[0])
        elif fmt[i] == '"':
            i += 1
            while i < len(fmt):
                if fmt[i] == '"':
                    i += 1
                    break
                if fmt[i] == "\\" and i + 1 < len(fmt):
                    i += 1
                nodes.append((None, fmt[i]))
                i += 1
        else:
            if fmt.startswith('\\"', i):
                i += 1
            nodes.append((None, fmt[i]))
            i += 1
    return nodes, desc


def _roman(n: int) -> str:
    """int_to_roman: upper-case Roman numerals for 1..3999, else 15 '#'."""
    if not 1 <= n <= 3999:
        return "#" * 15
    return "".join(_ROMAN_DIGITS[len(str(n)) - 1 - i][int(c)] for i, c in enumerate(str(n)))


def _ordinal(number: str, upper: bool) -> str:
    """get_th: the ordinal suffix (ST/ND/RD/TH) for the digits `number`."""
    if number[-1] not in "0123456789":
        raise NumberFormatError("22P02", f'"{number}" is not a number')
    last = "0" if len(number) > 1 and number[-2] == "1" else number[-1]
    suffix = {"1": "st", "2": "nd", "3": "rd"}.get(last, "th")
    return suffix.upper() if upper else suffix


class _ToChar:
    """NUM_processor for to_char: walks the format nodes, writing the number's characters
    (digits, '.' and '#'), its sign and the literal text."""

    def __init__(self, d: _Desc, number: str, sign: str, out_pre_spaces: int):
        self.d, self.number, self.sign, self.out_pre_spaces = d, number, sign, out_pre_spaces
        self.out: list[str] = []
        self.number_p = self.num_curr = 0  # position in `number`; digit nodes seen
        self.num_in = False  # the last digit node wrote a digit
        self.last_relevant: int | None = None  # FM: the last fraction digit worth writing
        if d.zero_start:
            d.zero_start -= 1  # now counted from 0
        if d.has(_ROMAN):
            d.lsign = d.pre_lsign_num = d.post = d.pre = 0
            d.flag = (d.flag & _FILLMODE) | _ROMAN
        if d.has(_PLUS | _MINUS):
            self.sign_wrote = not (d.has(_PLUS) and not d.has(_MINUS))
        else:
            if sign != "-" and d.has(_FILLMODE):
                d.flag &= ~_BRACKET
            self.sign_wrote = sign == "+" and d.has(_FILLMODE) and not d.has(_LSIGN)
            if d.lsign == _LSIGN_PRE and d.pre == d.pre_lsign_num:
                d.lsign = _LSIGN_POST
        self.num_count = d.post + d.pre - 1
        if d.has(_FILLMODE) and d.has(_DECIMAL):
            self._find_last_relevant()
        if not self.sign_wrote and out_pre_spaces == 0:
            self.num_count += 1

    def _find_last_relevant(self) -> None:
        """get_last_relevant_decnum, kept from stripping digits the format's 0s ask for."""
        dot = self.number.find(".")
        if dot < 0:
            return
        self.last_relevant = max([dot] + [i for i in range(dot + 1, len(self.number)) if self.number[i] != "0"])
        if self.d.zero_end > self.out_pre_spaces:
            last_zero = min(len(self.number) - 1, self.d.zero_end - self.out_pre_spaces)
            self.last_relevant = max(self.last_relevant, last_zero)

    def _at(self, i: int) -> str:
        """The number's character at `i`; past its end the C string's NUL."""
        return self.number[i] if i < len(self.number) else "\0"

    def _predec_space(self) -> bool:
        """IS_PREDEC_SPACE: the leading 0 of a fraction, written as a blank ('9.9' -> ' .1')."""
        return not self.d.has(_ZERO) and self.number_p == 0 and self._at(0) == "0" and self.d.post != 0

    def _relevant_is_dot(self) -> bool:
        """FM and the fraction is all zeros."""
        return self.last_relevant is not None and self.number[self.last_relevant] == "."

    def run(self, nodes: list[tuple[str | None, str]]) -> str:
        """The output, up to the first NUL written."""
        d = self.d
        for key, text in nodes:
            if key is None:
                self.out.append(text)
            elif key in _DIGIT_KEYS:
                self._digit(key)
            elif key in (",", "G"):
                if self.num_in:
                    self.out.append(",")
                elif not d.has(_FILLMODE):
                    self.out.append(" ")
            elif key == "L":
                self.out.append(" ")
            elif key in ("RN", "rn"):
                roman = self.number[self.number_p:] if key == "RN" else self.number[self.number_p:].lower()
                self.out.append(roman if d.has(_FILLMODE) else roman.rjust(15))
            elif key in ("TH", "th"):
                if not (d.has(_ROMAN | _DECIMAL) or self.number[0] == "#" or self.sign == "-"):
                    self.out.append(_ordinal(self.number, key == "TH"))
            elif key in ("MI", "PL"):
                if self.sign == ("-" if key == "MI" else "+"):
                    self.out.append(self.sign)
                elif not d.has(_FILLMODE):
                    self.out.append(" ")
            elif key == "SG":
                self.out.append(self.sign or "\0")  # RN has no sign: C writes its 0 byte
            # S and PR write with the digits; B, C, SP, FM and V write nothing
        return "".join(self.out).split("\0")[0]

    def _digit(self, key: str) -> None:
        """NUM_numpart_to_char: a 9, 0, '.' or D node; the sign goes before the first digit written."""
        d = self.d
        if d.has(_ROMAN):
            return
        self.num_in = False
        if not self.sign_wrote and \
                (self.num_curr >= self.out_pre_spaces or d.has(_ZERO) and d.zero_start == self.num_curr) and \
                (not self._predec_space() or self._relevant_is_dot()):
            self._write_sign()
        if self.num_curr < self.out_pre_spaces and (d.zero_start > self.num_curr or not d.has(_ZERO)):
            if not d.has(_FILLMODE):
                self.out.append(" ")
        elif d.has(_ZERO) and self.num_curr < self.out_pre_spaces and d.zero_start <= self.num_curr:
            self.out.append("0")
            self.num_in = True
        else:
            c = self._at(self.number_p)
            stripped = self.last_relevant is not None and self.number_p > self.last_relevant and key != "0"
            if c == ".":
                self.out.append(".")  # with or without FM, as the C code's two branches end up
            elif stripped:
                pass  # FM: a trailing fraction zero
            elif self._predec_space():
                if not d.has(_FILLMODE):
                    self.out.append(" ")
                elif self._relevant_is_dot():
                    self.out.append("0")
            else:
                self.out.append(c)
                self.num_in = True
            if c != "\0":
                self.number_p += 1
        end = self.num_count + (1 if self.out_pre_spaces else 0) + (1 if d.has(_DECIMAL) else 0)
        if self.last_relevant is not None and self.last_relevant == self.number_p:
            end = self.num_curr
        if self.num_curr + 1 == end:
            if self.sign_wrote and d.has(_BRACKET):
                self.out.append(" " if self.sign == "+" else ">")
            elif d.has(_LSIGN) and d.lsign == _LSIGN_POST:
                self.out.append("-" if self.sign == "-" else "+")
        self.num_curr += 1

    def _write_sign(self) -> None:
        """The sign before the first digit: S's, PR's '<', '-' or a blank (none with FM)."""
        d = self.d
        if d.has(_LSIGN):
            if d.lsign == _LSIGN_PRE:
                self.out.append("-" if self.sign == "-" else "+")
                self.sign_wrote = True
        elif d.has(_BRACKET):
            self.out.append(" " if self.sign == "+" else "<")
            self.sign_wrote = True
        elif self.sign == "+":
            if not d.has(_FILLMODE):
                self.out.append(" ")
            self.sign_wrote = True
        elif self.sign == "-":
            self.out.append("-")
            self.sign_wrote = True


# ---- the number as text, per type (the *_to_char functions) ----

def _pg_printf(value: float, precision: int, conversion: str, force_sign: bool = False) -> str:
    """PostgreSQL's snprintf of a double with '%.*f' or '%.*e' (and '+' when `force_sign`):
    NaN and Infinity spelled so, at most 350 digits from the C library, then zeros."""
    if math.isnan(value):
        return "NaN"
    negative = value < 0 or math.copysign(1.0, value) < 0
    sign = "-" if negative else "+" if force_sign else ""
    if math.isinf(value):
        return sign + "Infinity"
    digits = "%.*{}".format(conversion) % (min(precision, _PRINTF_MAX_PRECISION), abs(value))
    zeros = "0" * max(precision - _PRINTF_MAX_PRECISION, 0)
    if conversion == "e":
        mantissa, exponent = digits.split("e")
        return f"{sign}{mantissa}{zeros}e{exponent}"
    return sign + digits + zeros


def _sign_space(text: str) -> str:
    """An EEEE number: a space where a positive number has no sign."""
    return text if text.startswith("-") else " " + text.removeprefix("+")


def _eeee_overflow(d: _Desc) -> str:
    """EEEE of NaN or an infinity: '#'s in the shape ' #.##e+##' would have."""
    return " " + "#" * d.pre + "." + "#" * (d.post + 4)


def _fit(orgnum: str, d: _Desc) -> tuple[str, str, int]:
    """The number without its sign, the sign, and the blanks before it; '#'s if its integer
    digits outrun the format's."""
    sign, numstr = ("-", orgnum[1:]) if orgnum.startswith("-") else ("+", orgnum)
    pre_len = numstr.find(".") if "." in numstr else len(numstr)
    if pre_len > d.pre:
        return "#" * d.pre + "." + "#" * d.post, sign, 0
    return numstr, sign, d.pre - pre_len


def _int_text(value: int, d: _Desc) -> tuple[str, str, int]:
    """int4/int8 digits, padded with zeros for the format's fraction digits."""
    digits = str(abs(value))
    fraction = "." + "0" * d.post if d.post else ""
    return _fit(("-" if value < 0 else "") + digits + fraction, d)


def _pow10(n: int) -> float:
    """C's pow(10, n)."""
    try:
        return 10.0 ** n
    except OverflowError:
        return math.inf


def _int4(value: Number, d: _Desc) -> tuple[str, str, int]:
    """int4_to_char's number; V multiplies in 32-bit arithmetic, wrapping around as the C code does."""
    v = int(value)
    if d.has(_ROMAN):
        return _roman(v), "", 0
    if d.has(_EEEE):
        return _sign_space(_pg_printf(float(v), d.post, "e", True)), "", 0
    if d.has(_MULTI):
        factor = _pow10(d.multi)
        factor = int(factor) if factor < 2**31 else _INT32[0]  # (int32) of a double too large: INT_MIN
        v = (v * factor + 2**31) % 2**32 - 2**31
        d.pre += d.multi
    return _int_text(v, d)


def _int8(value: Number, d: _Desc) -> tuple[str, str, int]:
    """int8_to_char's number (RN through int4, EEEE through numeric, V with overflow checks)."""
    v = int(value)
    if d.has(_ROMAN):
        if not _INT32[0] <= v <= _INT32[1]:
            raise NumberFormatError("22003", "integer out of range")
        return _roman(v), "", 0
    if d.has(_EEEE):
        return _sign_space(_numeric_out_sci(Decimal(v), d.post)), "", 0
    if d.has(_MULTI):
        factor = _pow10(d.multi)  # a whole number: dtoi8 has nothing to round
        if factor >= 2.0**63 or not _INT64[0] <= v * int(factor) <= _INT64[1]:
            raise NumberFormatError("22003", "bigint out of range")
        v *= int(factor)
        d.pre += d.multi
    return _int_text(v, d)


def _numeric_out(x: Decimal) -> str:
    """numeric_out: plain digits with the value's scale; NaN, Infinity, -Infinity."""
    if x.is_nan():
        return "NaN"
    if x.is_infinite():
        return "-Infinity" if x < 0 else "Infinity"
    return format(x.copy_abs() if x == 0 else x, "f")


def _numeric_out_sci(x: Decimal, scale: int) -> str:
    """numeric_out_sci: one digit before the point, `scale` after (rounded half away from
    zero, without renormalising 9.99 -> 10.0), and an exponent of at least two digits."""
    if not x.is_finite():
        return _numeric_out(x)
    exponent = 0 if x == 0 else x.adjusted()
    significand = x.scaleb(-exponent, _CTX).quantize(Decimal(1).scaleb(-max(scale, 0)), context=_CTX)
    return f"{_numeric_out(significand)}e{'-' if exponent < 0 else '+'}{abs(exponent):02d}"


def _numeric(value: Number, d: _Desc) -> tuple[str, str, int]:
    """numeric_to_char's number: rounded half away from zero to the format's fraction digits."""
    x = exact(value)  # (a float as its shortest text)
    if d.has(_ROMAN):
        if not x.is_finite():
            raise NumberFormatError("0A000", f"cannot convert {'NaN' if x.is_nan() else 'infinity'} to integer")
        r = int(x.quantize(Decimal(1), context=_CTX))
        if not _INT32[0] <= r <= _INT32[1]:
            raise NumberFormatError("22003", "integer out of range")
        return _roman(r), "", 0
    if d.has(_EEEE):
        return (_eeee_overflow(d) if not x.is_finite() else _sign_space(_numeric_out_sci(x, d.post))), "", 0
    if d.has(_MULTI):
        x = x.scaleb(d.multi, _CTX)
        d.pre += d.multi
    if x.is_finite():
        x = x.quantize(Decimal(1).scaleb(-min(d.post, _NUMERIC_DSCALE_MAX)), context=_CTX)
    return _fit(_numeric_out(x), d)


def _single(x: float) -> float:
    """`x` rounded to a C float (an infinity beyond its range)."""
    try:
        return struct.unpack("f", struct.pack("f", x))[0]
    except OverflowError:
        return math.copysign(math.inf, x)


def _float(value: float, d: _Desc, digits: int) -> tuple[str, str, int]:
    """float8_to_char / float4_to_char's number: '%.*f' with the fraction digits cut so that
    at most `digits` (DBL_DIG or FLT_DIG) are shown; V multiplies in the type's precision."""
    if d.has(_ROMAN):
        in_range = math.isfinite(value) and _INT32[0] <= round(value) <= _INT32[1]
        return _roman(round(value) if in_range else _INT32[0]), "", 0
    if d.has(_EEEE):
        return (_sign_space(_pg_printf(value, d.post, "e", True)) if math.isfinite(value) else _eeee_overflow(d)), "", 0
    if d.has(_MULTI):
        value = value * _pow10(d.multi) if digits == _DBL_DIG else _single(value * _single(_pow10(d.multi)))
        d.pre += d.multi
    pre_len = len(_pg_printf(abs(value), 0, "f"))
    if pre_len >= digits:
        d.post = 0
    elif pre_len + d.post > digits:
        d.post = digits - pre_len
    return _fit(_pg_printf(value, d.post, "f"), d)


_KINDS = {
    "int4": _int4,
    "int8": _int8,
    "num": _numeric,
    "float8": lambda value, d: _float(float(value), d, _DBL_DIG),
    "float4": lambda value, d: _float(_single(float(value)), d, _FLT_DIG),
}


def to_char(value: Number, kind: str, fmt: str) -> str:
    """PostgreSQL's to_char(value, fmt) for a number of `kind` 'int4', 'int8', 'num' (numeric),
    'float8' or 'float4'. `value` is an int, float, Decimal or a number's text."""
    if not fmt:
        return ""
    nodes, desc = _parse(fmt)
    number, sign, out_pre_spaces = _KINDS[kind](value, desc)
    if desc.has(_EEEE):
        return number
    return _ToChar(desc, number, sign, out_pre_spaces).run(nodes)


# ---- to_number ----

def _mblen(first: int) -> int:
    """pg_utf_mblen: the length of the UTF-8 character starting with byte `first`."""
    for mask, value, length in ((0x80, 0, 1), (0xE0, 0xC0, 2), (0xF0, 0xE0, 3), (0xF8, 0xF0, 4)):
        if first & mask == value:
            return length
    return 1


def _is_digit(c: str) -> bool:
    """C's isdigit in the C locale (a character or '')."""
    return len(c) == 1 and "0" <= c <= "9"


class _FromChar:
    """NUM_processor for to_number: reads the sign, digits and decimal point from the input's
    bytes where the format's nodes say, skipping one input character per literal one."""

    def __init__(self, d: _Desc, data: bytes):
        self.d, self.data = d, data
        self.p = 0  # position in `data`
        self.sign = " "  # the number's first character: ' ', '-' or '+'
        self.number: list[str] = []  # digits and '.' read
        self.read_pre = self.read_post = 0  # digits read before / after the decimal point
        self.read_dec = False

    def _char(self, offset: int = 0) -> str:
        """The input byte at p + offset as a character ('' past the end)."""
        i = self.p + offset
        return chr(self.data[i]) if i < len(self.data) else ""

    def run(self, nodes: list[tuple[str | None, str]]) -> str:
        """The number read, as numeric_in's text."""
        d = self.d
        for key, _ in nodes:
            if self.p >= len(self.data):
                break
            c = self._char()
            if key is None:
                self.p += _mblen(self.data[self.p])
            elif key in _DIGIT_KEYS:
                self._digit(key)
                self.p += 1
            elif key in (",", "G"):
                if not d.has(_FILLMODE) and c == ",":
                    self.p += 1
            elif key == "L":
                self._eat_non_data(1)
            elif key in ("TH", "th"):
                if not d.has(_DECIMAL):
                    self._eat_non_data(2)
            elif key in ("MI", "PL", "SG"):
                if c in {"MI": "-", "PL": "+", "SG": "-+"}[key]:
                    self.sign = c
                    self.p += 1
                else:
                    self._eat_non_data(1)
        if self.number[-1:] == ["."]:
            self.number.pop()
        return self.sign + "".join(self.number)

    def _eat_non_data(self, n: int) -> None:
        """NUM_eat_non_data_chars: skip up to `n` characters that cannot be part of the number."""
        for _ in range(n):
            if self.p >= len(self.data) or self._char() in "0123456789.,+-":
                break
            self.p += _mblen(self.data[self.p])

    def _digit(self, key: str) -> None:
        """NUM_numpart_from_char: a 9, 0, '.' or D node; a sign may come before the first digit
        or right after the last one."""
        d = self.d
        if self._char() == " ":
            self.p += 1
        if self.p >= len(self.data):
            return
        if self.sign == " " and key in ("9", "0") and self.read_pre + self.read_post == 0:
            c = self._char()
            if c == "-" or c == "<" and d.has(_BRACKET):
                self.sign = "-"
                self.p += 1
            elif c == "+":
                self.sign = "+"
                self.p += 1
        if self.p >= len(self.data):
            return
        c = self._char()
        is_read = False
        if _is_digit(c):
            if self.read_dec and self.read_post == d.post:
                return
            self.number.append(c)
            if self.read_dec:
                self.read_post += 1
            else:
                self.read_pre += 1
            is_read = True
        elif d.has(_DECIMAL) and not self.read_dec and c == ".":
            self.number.append(".")
            self.read_dec = is_read = True
        if self.p >= len(self.data) or self.sign != " " or self.read_pre + self.read_post == 0:
            return
        if d.has(_LSIGN) and is_read and self.p + 1 < len(self.data) and not _is_digit(self._char(1)):
            if self._char(1) in ("-", "+"):
                self.p += 1
                self.sign = self._char()
        elif not is_read and not d.has(_LSIGN) and d.has(_PLUS | _MINUS) and c in ("-", "+"):
            self.sign = c


def _numeric_in(numstr: str, precision: int, scale: int) -> Decimal:
    """numeric_in of the number read, with typmod numeric(precision, scale) as to_number gives it."""
    if not any(_is_digit(c) for c in numstr):
        raise NumberFormatError("22P02", f'invalid input syntax for type numeric: "{numstr}"')
    typmod = (precision << 16) | scale
    precision, scale = (typmod >> 16) & 0xFFFF, ((typmod & 0x7FF) ^ 1024) - 1024
    value = Decimal(numstr).quantize(Decimal(1).scaleb(-scale), context=_CTX)
    if value and value.adjusted() + 1 > precision - scale:
        raise NumberFormatError("22003", "numeric field overflow")
    return value.quantize(Decimal(1), context=_CTX) if scale < 0 else value


def to_number(text: str, fmt: str) -> Decimal | None:
    """PostgreSQL's to_number(text, fmt); None (SQL NULL) for an empty format, as PostgreSQL
    answers. A V format divides by 10^n as numeric does, to 16 decimal places."""
    if not fmt:
        return None
    nodes, desc = _parse(fmt)
    if desc.has(_EEEE):
        raise NumberFormatError("0A000", '"EEEE" not supported for input')
    if desc.has(_ROMAN):
        raise NumberFormatError("0A000", '"RN" not supported for input')
    reader = _FromChar(desc, text.encode())
    numstr = reader.run(nodes)
    value = _numeric_in(numstr, desc.pre + desc.multi + reader.read_post, reader.read_post)
    if desc.has(_MULTI):
        factor = Decimal(1).scaleb(-desc.multi).quantize(Decimal(1).scaleb(-_NUMERIC_MIN_SIG_DIGITS), context=_CTX)
        value = _CTX.multiply(value, factor)
    return value.copy_abs() if value == 0 else value
