"""SQLite functions for PostgreSQL's typed values: the column-input trigger's conversion,
casts, arithmetic that knows dates, times and intervals, comparisons with date/time
literals, and extract / date_trunc / age / to_char. The translator (queries.py) emits
calls to them with a static type hint per argument ('' when it cannot tell: the value's
shape decides then). Errors leave as "[SQLSTATE] message" (see sql_errors)."""

from __future__ import annotations

import collections
import datetime as dt
import math
from decimal import ROUND_CEILING, ROUND_DOWN, ROUND_FLOOR, ROUND_HALF_UP, Decimal, InvalidOperation, localcontext

import apsw

from compute_node.pg_sql import datetime_format, number_format, numeric, numeric_math, schema_text, temporal, values
from compute_node.pg_sql import types as pgtypes

TEMPORAL = ("date", "time", "timestamp", "timestamptz", "interval")


def _fail(sqlstate: str, message: str):
    raise apsw.SQLError(f"[{sqlstate}] {message}")


# The pure modules' errors, each carrying PostgreSQL's SQLSTATE (number_format's,
# datetime_format's and numeric_math's are InputErrors).
_ERRORS_WITH_SQLSTATE = (values.InputError, temporal.TemporalError)


def sql_function(fn):
    """A SQLite function whose errors from the pure modules (_ERRORS_WITH_SQLSTATE) become
    PostgreSQL's error (its SQLSTATE in the message, which sql_errors reads)."""
    def wrapper(*args):
        try:
            return fn(*args)
        except _ERRORS_WITH_SQLSTATE as e:
            _fail(e.sqlstate, str(e))
    wrapper.__name__ = fn.__name__
    return wrapper


def _number(v):
    """A number from a value SQLite holds (ints stay ints; text that is a number parses)."""
    if isinstance(v, (int, float)):
        return v
    try:
        d = Decimal(v.strip() if isinstance(v, str) else v.decode())
    except (InvalidOperation, AttributeError, UnicodeDecodeError):
        return None
    return int(d) if d == d.to_integral_value() and "." not in str(v) and "e" not in str(v).lower() else d


def kind_of(v, hint: str) -> str:
    """The kind of value `v` given the translator's hint: a date/time kind, "int", "num"
    (exact), "float", "text" or "bytea"."""
    if hint in TEMPORAL:
        return hint
    if isinstance(v, int):
        return "int"
    if isinstance(v, float):
        return "num" if hint == "num" else "float"
    if isinstance(v, (bytes, bytearray)):
        return "bytea"
    if hint == "text":
        return "text"
    k = temporal.sniff(v)
    if k:
        return k
    n = _number(v)
    if n is not None:
        return "int" if isinstance(n, int) else "num"
    if hint == "unknown":
        _fail("22P02", f'invalid input syntax for type integer: "{v}"')
    return "text"


def _parse(v, kind: str):
    if kind in TEMPORAL:
        return temporal.parse(v, kind)
    if kind in ("int", "num", "float"):
        n = _number(v)
        return n
    return v


def _out(value, kind: str):
    if kind in TEMPORAL:
        return temporal.render(value, kind)
    if isinstance(value, Decimal):
        return decimal_value(value)
    return value


def decimal_value(d: Decimal):
    """An exact result as SQLite stores numbers: an int when integral, else a float when
    the float prints back as the same number, else its text."""
    if d == d.to_integral_value() and abs(d) < 2**63:
        return int(d)
    f = float(d)
    return f if Decimal(repr(f)) == d.normalize() else str(d.normalize())


_INT_BOUND = {"int2": (1 << 15, "smallint"), "int4": (1 << 31, "integer"), "int8": (1 << 63, "bigint")}


def _refuse_beyond_double(d: Decimal) -> None:
    """0A000 for an exact numeric result that SQLite would compare, sort or group as the
    nearest double: more than 15 significant digits."""
    if len(d.as_tuple().digits) > _DOUBLE_DIGITS and numeric.significant_digits(d) > _DOUBLE_DIGITS:
        _fail("0A000", f"numeric result {numeric.text(d)} has more than {_DOUBLE_DIGITS} significant "
              "digits, which Sixfold keeps exactly only where it is shown (not where it is compared, "
              "sorted, grouped or read through a subquery)")


def _numeric_op(op: str, a, b, exact: bool, bound: str = "int8", scales=(None, None), shown: bool = False,
                verify: bool = False):
    """`verify`: a result kept as a number must hold it exactly (0A000 beyond 15 digits)."""
    if exact or op == "%" or isinstance(a, Decimal) or isinstance(b, Decimal):
        da, db = numeric.exact(a, scales[0]), numeric.exact(b, scales[1])
        if op in "/%" and db == 0:
            _fail("22012", "division by zero")
        out = numeric.operate(op, da, db)
        if verify:
            _refuse_beyond_double(out)
        # Shown (a result column, or an operand of another operator): PostgreSQL's exact
        # text, display scale and all. Anywhere else SQLite compares it: a number.
        return numeric.text(out) if shown else numeric.as_sqlite(out)
    if op == "+":
        out = a + b
    elif op == "-":
        out = a - b
    elif op == "*":
        out = a * b
    else:
        if b == 0:
            _fail("22012", "division by zero")
        if isinstance(a, int) and isinstance(b, int):
            q = abs(a) // abs(b)  # PostgreSQL truncates toward zero
            out = q if (a >= 0) == (b >= 0) else -q
        else:
            out = a / b
    if isinstance(out, int):
        limit, name = _INT_BOUND[bound]
        if not -limit <= out < limit:
            _fail("22003", f"{name} out of range")
    return out


def pg_arith(op, a, b, ha, hb):
    """a op b (op one of + - * /, and % of numerics) with PostgreSQL's operator for the
    operands' types."""
    if type(a) is int and type(b) is int and (op == "+" or op == "-") and ha in _INT_HINTS and hb in _INT_HINTS:
        out = a + b if op == "+" else a - b  # the common case, kept cheap (pgbench's c = c + n)
        if -_INT_LIMIT <= out < _INT_LIMIT and (ha not in _INT_BOUND or hb not in _INT_BOUND):
            return out
    return _pg_arith(op, a, b, ha, hb)


_INT_HINTS = ("", "int", "int2", "int4", "int8")
_DOUBLE_DIGITS = 15  # significant digits a double holds exactly
_INT_LIMIT = 1 << 63


def _label(v, hint: str) -> str:
    if hint in TEMPORAL:
        return temporal._label(hint)
    return {int: "integer", float: "numeric", str: "text", bytes: "bytea"}.get(type(v), "unknown")


def _split_hint(h: str) -> tuple[str, int | None]:
    """'nums2' (an exact numeric with static display scale 2) -> ('num', 2)."""
    if h.startswith("nums"):
        return "num", int(h[4:])
    return h, None


@sql_function
def _pg_arith(op, a, b, ha, hb):
    if a is None or b is None:
        return None
    shown = op.endswith("t")
    verify = op.endswith("v")  # a number shown as such: it must hold the exact result
    op = op[0]
    (ha, sa), (hb, sb) = _split_hint(ha), _split_hint(hb)
    if (ha == "" and isinstance(a, str)) or (hb == "" and isinstance(b, str)):
        # The translator could not tell this operand's type, and its value is text: a
        # date-shaped text column would add as text never does in PostgreSQL (42883).
        _fail("42883", f"operator does not exist: text {op} {_label(b, hb) if ha == '' else 'text'} "
              "(Sixfold could not tell the operand's type; cast it, as in x::date)")
    ka, kb = kind_of(a, ha), kind_of(b, hb)
    if ka == "unknown":
        ka = kb
    numbers = ("int", "num", "float")
    if ka in numbers and kb in numbers:
        bound = "int8"
        if ha in _INT_BOUND and hb in _INT_BOUND:
            bound = max(ha, hb, key=lambda h: _INT_BOUND[h][0])
        # (checked on the exact result, not the double's text: 1e300 - 0.13 rounds to a short 1e300)
        return _numeric_op(op, _parse(a, ka), _parse(b, kb), "num" in (ha, hb), bound, (sa, sb), shown, verify)
    if "text" in (ka, kb) or "bytea" in (ka, kb):
        la = {"text": "text", "bytea": "bytea"}.get(ka, temporal._label(ka))
        lb = {"text": "text", "bytea": "bytea"}.get(kb, temporal._label(kb))
        _fail("42883", f"operator does not exist: {la} {op} {lb}")
    ka2 = "num" if ka == "float" else ka
    kb2 = "num" if kb == "float" else kb
    value, kind = temporal.arith(op, _parse(a, ka), ka2, _parse(b, kb), kb2)
    return _out(value, kind)


@sql_function
def pg_tcmp(a, literal):
    """Compare `a` with a date/time literal the way PostgreSQL does: the literal takes the
    type of `a` (read from its shape). -1, 0, 1; NULL when `a` is NULL."""
    if a is None or literal is None:
        return None
    kind = temporal.sniff(a) if isinstance(a, str) else None
    if kind is None or kind == "interval":
        x, y = (a, literal) if isinstance(a, str) else (str(a), literal)
        return (x > y) - (x < y)
    x = temporal.parse(a, kind)
    y = temporal.parse(values.cast(literal, kind), kind)
    return (x > y) - (x < y)


@sql_function
def pg_tcmp2(a, b, ka, kb):
    """Compare a date, timestamp or timestamptz `a` with one of another of these kinds, as
    PostgreSQL does: a date is its midnight, a timestamp without time zone is in the
    session's time zone (UTC) when compared with a timestamptz. -1, 0, 1; NULL on NULL."""
    if a is None or b is None:
        return None
    x, y = _instant(a, ka), _instant(b, kb)
    if (x.tzinfo is None) != (y.tzinfo is None):
        x, y = (v if v.tzinfo is not None else v.replace(tzinfo=temporal.UTC) for v in (x, y))
    return (x > y) - (x < y)


def _interval_key(v) -> int:
    return temporal.interval_key(temporal.parse_interval(v))


@sql_function
def pg_icmp(a, b):
    """Compare two intervals as PostgreSQL orders them (a month is 30 days, a day 24
    hours), not their texts: -1, 0, 1; NULL on NULL."""
    if a is None or b is None:
        return None
    x, y = _interval_key(a), _interval_key(b)
    return (x > y) - (x < y)


# Every interval's span in microseconds lies within +-10**22 (months and days are 32 bits,
# the time 64): offset by it and written with 23 digits, the texts sort as the spans do.
_KEY_OFFSET, _KEY_DIGITS = 10**22, 23


@sql_function
def pg_interval_key(v):
    """An interval's place in PostgreSQL's order, and its identity for grouping ('1 day'
    and '24:00:00' have one key): its span as fixed-width text, since a span can pass
    SQLite's 64-bit integers ('170000000 years')."""
    if v is None:
        return None
    key = _interval_key(v) + _KEY_OFFSET
    assert 0 <= key < 10**_KEY_DIGITS, key
    return f"{key:0{_KEY_DIGITS}d}"


def _interval_pick(largest: bool):
    @sql_function
    def pick(*args):
        """greatest/least of intervals: NULLs ignored, the largest/smallest as PostgreSQL orders them."""
        present = [a for a in args if a is not None]
        if not present:
            return None
        return (max if largest else min)(present, key=_interval_key)
    return pick


def register_aggregate(conn: apsw.Connection, name: str, factory, numargs: int) -> None:
    """Register `factory` (create_aggregate_function's: () -> (state, step, final)) as the
    aggregate `name` and as the window function `name`_w, which the translator calls
    under OVER (...): SQLite runs a Python aggregate only as a plain aggregate."""
    factory = _nan_refused(factory)
    conn.create_aggregate_function(name, factory, numargs)
    conn.create_window_function(name + "_w", lambda: _Windowed(factory), numargs)


def _nan_refused(factory):
    """`factory` whose final fails (0A000) on a float NaN: SQLite would hold it as NULL, a
    wrong answer (sum of Infinity and -Infinity, var_pop of Infinity are NaN in PostgreSQL),
    as a NaN input is refused."""
    def made():
        state, step, final = factory()

        def checked(st):
            out = final(st)
            if isinstance(out, float) and math.isnan(out):
                raise apsw.SQLError("[0A000] Sixfold cannot hold a float NaN (SQLite stores it as NULL)")
            return out
        return state, step, checked
    return made


class _Windowed:
    """An aggregate as a window function: the rows of the frame are kept, and when one
    leaves it (a sliding frame) the aggregate is stepped again over those that remain.
    The usual frame (from the partition's start to the current row) never shrinks."""

    def __init__(self, factory):
        self.factory = factory
        self.rows: collections.deque = collections.deque()
        self.state, self.step_fn, self.final_fn = factory()

    def step(self, *args):
        self.rows.append(args)
        self.step_fn(self.state, *args)

    def inverse(self, *args):
        self.rows.popleft()  # rows leave a frame in the order they entered it
        self.state, self.step_fn, self.final_fn = self.factory()
        for row in self.rows:
            self.step_fn(self.state, *row)

    def value(self):
        return self.final_fn(self.state)

    def final(self):
        return self.final_fn(self.state)


class _IntervalAgg:
    """sum, avg, min and max of intervals, in PostgreSQL's order and arithmetic."""

    def __init__(self):
        self.total, self.count, self.best, self.best_key = temporal.Interval(), 0, None, None

    @sql_function
    def step_sum(self, v):
        if v is not None:
            self.total = self.total + temporal.parse_interval(v)
            self.count += 1

    def final_sum(self):
        return temporal.format_interval(self.total) if self.count else None

    @sql_function
    def final_avg(self):
        if not self.count:
            return None
        return temporal.format_interval(temporal.arith("/", self.total, "interval", self.count, "int")[0])

    @sql_function
    def step_pick(self, v, largest: bool):
        if v is None:
            return
        k = _interval_key(v)
        if self.best_key is None or (k > self.best_key if largest else k < self.best_key):
            self.best, self.best_key = v, k

    def final_pick(self):
        return self.best


def _instant(v, kind: str) -> dt.datetime:
    value = temporal.parse(v, kind)
    return dt.datetime.combine(value, dt.time()) if kind == "date" else value


@sql_function
def pg_round_to(value, places, mode, shown="n"):
    """round(numeric, n) (mode 'round': half away from zero) and trunc(numeric, n) (mode
    'trunc': toward zero), n digits after the point, n < 0 rounding left of it (SQLite's
    round takes a negative n as 0 and its trunc has no second argument). `value` may be
    a numeric's exact text; `shown` 't' gives PostgreSQL's text back, 'n' a number."""
    if value is None or places is None:
        return None
    d = numeric_input(value)
    n = int(places)
    quantum = Decimal(1).scaleb(-n)
    rounding = ROUND_HALF_UP if mode == "round" else ROUND_DOWN
    with localcontext(numeric.EXACT):  # the default context's 28 digits cannot quantize 3.4e38
        out = d.quantize(quantum, rounding=rounding) if n >= 0 else (d / quantum).quantize(
            Decimal(1), rounding=rounding) * quantum
    return numeric.text(out) if shown == "t" else numeric.as_sqlite(out)


_TO_INTEGRAL = {"floor": ROUND_FLOOR, "ceil": ROUND_CEILING, "round": ROUND_HALF_UP, "trunc": ROUND_DOWN}


@sql_function
def pg_numeric_unary(name, value, shown):
    """abs, floor, ceil, round and trunc of a computed numeric, exactly: `value` arrives as
    its exact text (SQLite's functions would take a double, 15 digits). PostgreSQL's text
    when `shown` is 't', else the number SQLite compares."""
    if value is None:
        return None
    d = numeric_input(value)
    if name == "abs":
        out = d.copy_abs()
    else:
        out = d.quantize(Decimal(1), rounding=_TO_INTEGRAL[name], context=numeric.EXACT)
    return numeric.text(out) if shown == "t" else numeric.as_sqlite(out)


@sql_function
def pg_ncmp(a, b):
    """Compare two numeric values exactly (a number, or a numeric literal's text that a
    double would round): -1, 0, 1; NULL when either is NULL."""
    if a is None or b is None:
        return None
    x, y = numeric_input(a), numeric_input(b)
    return (x > y) - (x < y)


def _numeric_pick(largest: bool):
    @sql_function
    def pick(*texts):
        """greatest/least of numerics shown as a result: the arguments' texts (exact, each
        with its own display scale); the first largest/smallest (NULLs ignored), so that
        least(n, 1.005) shows n's 0.1250, not 0.125."""
        best, best_text = None, None
        for text in texts:
            if text is None:
                continue
            d = numeric_input(text)
            if best is None or (d > best if largest else d < best):
                best, best_text = d, text
        return best_text
    return pick


@sql_function
def pg_numeric_text(value):
    """value::numeric shown as a result: PostgreSQL's text, keeping the input's scale."""
    return None if value is None else numeric.text(numeric_input(value))


@sql_function
def pg_numeric_in(value):
    """value::numeric computed on (not shown): the number, or 22P02 for text that is none
    (SQLite's CAST reads 'abc' as 0)."""
    return None if value is None else numeric.as_sqlite(numeric_input(value))


@sql_function
def pg_numeric_read(value):
    """An exact numeric text (a numeric column without a precision, a subquery's column of
    unknown scale) where SQLite compares or computes on it: the number, which must hold
    it exactly (0A000 beyond 15 significant digits, never a rounded comparison)."""
    if value is None:
        return None
    d = numeric_input(value)
    _refuse_beyond_double(d)
    return numeric.as_sqlite(d)


@sql_function
def pg_intdiv(a, b):
    """div(a, b): the integral quotient, truncated toward zero, exactly (22012 on zero)."""
    if a is None or b is None:
        return None
    x, y = numeric_input(a), numeric_input(b)
    if y == 0:
        raise values.InputError("22012", "division by zero")
    q = numeric.EXACT.divide_int(x, y)  # truncated toward zero, every digit (`x / y` kept 28)
    return int(q) if abs(q) < 2**63 else str(q)


def numeric_input(value) -> Decimal:
    """A value as numeric input: a number, or its text (22P02 if it is none)."""
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    try:
        d = numeric.exact(value.strip() if isinstance(value, str) else value)
    except (InvalidOperation, ValueError):
        raise values.InputError("22P02", f'invalid input syntax for type numeric: "{value}"') from None
    if d.is_infinite() or d.is_nan() and not isinstance(value, str):
        raise values.InputError("22P02", f'invalid input syntax for type numeric: "{value}"')
    return d


@sql_function
def pg_stored(value, decltype):
    return values.stored(value, decltype)


@sql_function
def pg_cast(value, kind):
    return values.cast(value, kind)


def _temporal_arg(v, hint: str, fn: str):
    kind = hint if hint in TEMPORAL else temporal.sniff(v) if isinstance(v, str) else None
    if kind is None:
        _fail("42883", f"function {fn}(unknown) does not exist" if not isinstance(v, (int, float))
              else f"function {fn}(numeric) does not exist")
    return temporal.parse(v, kind), kind


@sql_function
def pg_extract(field, v, hint):
    if v is None or field is None:
        return None
    parsed, kind = _temporal_arg(v, hint, "extract")
    out = temporal.extract(str(field), parsed, kind)
    return decimal_value(Decimal(out)) if isinstance(out, Decimal) else out


@sql_function
def pg_date_part(field, v, hint):
    if v is None or field is None:
        return None
    parsed, kind = _temporal_arg(v, hint, "date_part")
    if kind == "date" and isinstance(parsed, dt.date) and not isinstance(parsed, dt.datetime):
        # date_part(text, date) is date_part(field, $2::timestamp): 'minute' of a date is 0
        # (extract(minute FROM date) is 0A000)
        parsed, kind = dt.datetime.combine(parsed, dt.time()), "timestamp"
    out = temporal.extract(str(field), parsed, kind)
    return float(Decimal(str(out)))


@sql_function
def pg_date_trunc(field, v, hint):
    if v is None or field is None:
        return None
    parsed, kind = _temporal_arg(v, hint, "date_trunc")
    out, kind = temporal.date_trunc(str(field), parsed, kind)
    return temporal.render(out, kind)


@sql_function
def pg_age(a, b=None, ha="", hb=""):
    if a is None:
        return None
    if b is None and hb == "now":
        today = temporal.transaction_now().replace(hour=0, minute=0, second=0, microsecond=0, tzinfo=None)
        pa, ka = _temporal_arg(a, ha, "age")
        return temporal.format_interval(temporal.age(today, temporal._as_datetime(pa, ka)))
    if b is None:
        return None
    pa, ka = _temporal_arg(a, ha, "age")
    pb, kb = _temporal_arg(b, hb, "age")
    return temporal.format_interval(temporal.age(temporal._as_datetime(pa, ka), temporal._as_datetime(pb, kb)))


# to_char's hint for a number: which of PostgreSQL's to_char functions applies
NUMBER_HINTS = ("int4", "int8", "num", "float4", "float8")


@sql_function
def pg_to_char(v, fmt, hint):
    """to_char(value, format): a number by number_format (`hint` one of NUMBER_HINTS, or ''
    for a value whose form said nothing), a date or timestamp by datetime_format."""
    if v is None or fmt is None:
        return None
    if hint in NUMBER_HINTS or hint not in TEMPORAL and isinstance(v, (int, float)):
        if hint not in NUMBER_HINTS:
            hint = "float8" if isinstance(v, float) else "int4" if -2**31 <= v < 2**31 else "int8"
        return number_format.to_char(numeric_input(v) if hint == "num" else v, hint, str(fmt))
    parsed, kind = _temporal_arg(v, hint, "to_char")
    if kind == "interval":
        return datetime_format.interval_to_char(parsed.months, parsed.days, parsed.us, str(fmt))
    return datetime_format.to_char(parsed, kind, str(fmt))  # a time as the interval it casts to


def _trim_scale(d: Decimal) -> Decimal:
    """trim_scale(numeric): the value without trailing fractional zeros (8.4100 is 8.41)."""
    if not d.is_finite():
        return d
    t = d.normalize(context=numeric.EXACT)
    return t.quantize(Decimal(1), context=numeric.EXACT) if t.as_tuple().exponent > 0 else t


def _gcd_lcm(a: Decimal, b: Decimal, lcm: bool) -> Decimal:
    """gcd / lcm of numerics: of the values scaled to integers by the larger scale, shown
    at that scale (gcd(-2.5, 0.5) is 0.5, lcm(1.5, 0) is 0.0); NaN when either is."""
    if not a.is_finite() or not b.is_finite():
        return Decimal("NaN")
    scale = max(0, -a.as_tuple().exponent, -b.as_tuple().exponent)
    ia, ib = (int(x.scaleb(scale, context=numeric.EXACT)) for x in (a, b))
    g = math.gcd(ia, ib)
    out = (abs(ia * ib) // g if ia and ib else 0) if lcm else g
    return Decimal(out).scaleb(-scale, context=numeric.EXACT).quantize(Decimal(1).scaleb(-scale),
                                                                       context=numeric.EXACT)


_NUMERIC_MATH = {"ln": numeric_math.ln, "log10": numeric_math.log10, "log": numeric_math.log,
                 "exp": numeric_math.exp, "sqrt": numeric_math.sqrt, "power": numeric_math.power,
                 "trim_scale": _trim_scale, "gcd": lambda a, b: _gcd_lcm(a, b, False),
                 "lcm": lambda a, b: _gcd_lcm(a, b, True)}


@sql_function
def pg_numeric_scale(which, value):
    """scale(numeric) (its display scale) or min_scale(numeric) (the fewest fractional
    digits that hold it exactly); NULL for NaN, as PostgreSQL."""
    if value is None:
        return None
    d = numeric_input(value)
    if d.is_nan():
        return None
    return numeric.dscale(d if which == "scale" else _trim_scale(d))


@sql_function
def pg_numeric_math(name, shown, *args):
    """ln, log, exp, sqrt or power of numerics (each argument a numeric's exact text or
    SQLite's number): PostgreSQL's text when `shown` is 't', else the number SQLite
    compares."""
    if any(a is None for a in args):
        return None
    d = _NUMERIC_MATH[name](*(numeric_input(a) for a in args))
    return numeric.text(d) if shown == "t" else numeric.as_sqlite(d)


@sql_function
def pg_to_number(text, fmt, shown):
    """to_number(text, format): PostgreSQL's text of the numeric when `shown` is 't', else
    the number SQLite compares."""
    if text is None or fmt is None:
        return None
    d = number_format.to_number(str(text), str(fmt))
    if d is None:
        return None
    return numeric.text(d) if shown == "t" else numeric.as_sqlite(d)


@sql_function
def pg_to_date(text, fmt):
    """to_date(text, format): the date's text."""
    if text is None or fmt is None:
        return None
    return temporal.format_date(datetime_format.to_date(str(text), str(fmt)))


@sql_function
def pg_to_timestamp_format(text, fmt):
    """to_timestamp(text, format): the timestamptz's text (sessions run in UTC)."""
    if text is None or fmt is None:
        return None
    return temporal.format_timestamp(datetime_format.to_timestamp(str(text), str(fmt)), True)


@sql_function
def pg_to_timestamp(seconds):
    if seconds is None:
        return None
    n = _number(seconds)
    if n is None:
        _fail("22P02", f'invalid input syntax for type double precision: "{seconds}"')
    us = int(round(Decimal(str(n)) * 1_000_000))
    try:
        ts = dt.datetime(1970, 1, 1, tzinfo=dt.UTC) + dt.timedelta(microseconds=us)
    except OverflowError:
        _fail("22008", "timestamp out of range")
    return temporal.format_timestamp(ts, True)


@sql_function
def pg_make_date(y, m, d):
    if None in (y, m, d):
        return None
    try:
        return temporal.format_date(dt.date(int(y), int(m), int(d)))
    except ValueError:
        _fail("22008", f"date field value out of range: {y}-{m:02d}-{d:02d}")


def pg_raise(sqlstate, message):
    """Fail the statement with PostgreSQL's SQLSTATE (checks of added constraints)."""
    _fail(str(sqlstate), str(message))


def pg_domain_check(value, holds, sqlstate, message):
    """`value` when a domain's condition on it holds (true or NULL, as a CHECK), else fail."""
    if holds is not None and not holds:
        _fail(str(sqlstate), str(message))
    return value


def _mode_value(v, mode: str) -> tuple[bool, Decimal]:
    """An aggregate's (shown?, exact value) from its mode ('t'/'n' and an optional static
    display scale, 't2') and one input."""
    return mode[0] == "t", numeric.exact(v, int(mode[1:]) if len(mode) > 1 else None)


class _NumericSum:
    """sum() and avg() of numerics (and avg() of integers), exact with PostgreSQL's
    display scale (SQLite's would add the stored floats). `mode` is 't' (a result
    column: PostgreSQL's text) or 'n' (SQLite compares it: a number), followed by the
    static display scale of the argument when the translator knows it ('t2')."""

    def __init__(self):
        self.total: Decimal | None = None
        self.count = 0
        self.shown = False
        self.inputs_short = True  # every value fits a double's 15 digits (not a quotient's text)

    def step(self, v, mode):
        if v is None:
            return
        self.shown, d = _mode_value(v, mode)
        self.inputs_short = self.inputs_short and numeric.significant_digits(d) <= _DOUBLE_DIGITS
        self.total = d if self.total is None else numeric.operate("+", self.total, d)
        self.count += 1

    def _result(self, d: Decimal):
        return numeric.text(d) if self.shown else numeric.as_sqlite(d)

    def final_sum(self):
        if self.total is not None and not self.shown and self.inputs_short:
            # a sum compared as a number must be that number (a quotient's digits are
            # approximate there already: such sums stay the nearest double)
            _refuse_beyond_double(self.total)
        return None if self.total is None else self._result(self.total)

    def final_avg(self):
        return None if self.total is None else self._result(numeric.average(self.total, self.count))


class _NumericPick:
    """max() and min() of a computed numeric, exactly: each value arrives as its exact text
    (SQLite's max would compare doubles, 15 digits). `mode` as `_NumericSum`'s."""

    def __init__(self):
        self.best: Decimal | None = None
        self.shown = False

    def step(self, v, mode, largest: bool):
        if v is None:
            return
        self.shown, d = _mode_value(v, mode)
        if self.best is None or (d > self.best if largest else d < self.best):
            self.best = d

    def final(self):
        if self.best is None:
            return None
        return numeric.text(self.best) if self.shown else numeric.as_sqlite(self.best)


_FLOAT_TYPES = frozenset({"real", "float4", "double precision", "float8"})


@sql_function
def pg_convert_to(value, type_text, old_type=""):
    """A stored value converted to a column's new type (ALTER COLUMN ... TYPE); `old_type`:
    the value's declared type, when known. Into an integer a float rounds half to even
    (PostgreSQL's rint), a numeric half away from zero; text that is no number is 22P02."""
    from compute_node.pg_sql import alter_column

    if value is None:
        return None
    family = alter_column._family(type_text)
    if values.converted_kind(type_text) is not None:
        return values.stored(value, type_text)
    if family == "int":
        if isinstance(value, int):
            return value
        if isinstance(value, float) and pgtypes.unmarked(str(old_type or "")).lower() in _FLOAT_TYPES:
            if not math.isfinite(value):
                _fail("22003", "integer out of range")
            return int(round(value))  # (Python's round of a float is half to even, as rint)
        try:
            d = Decimal(repr(value)) if isinstance(value, float) else Decimal(str(value).strip())
            return int(d.quantize(Decimal(1), rounding="ROUND_HALF_UP", context=numeric.EXACT))
        except (InvalidOperation, ValueError, OverflowError):
            _fail("22P02", f'invalid input syntax for type integer: "{value}"')
    if family == "text":
        if isinstance(value, float):
            from compute_node.pg_sql import types

            return types._shortest_float(value, False)
        return value.decode() if isinstance(value, bytes) else str(value)
    return value


def pg_rewrite_column(create_sql, column, op, arg):
    from compute_node.pg_sql import alter_column

    try:
        return alter_column.rewrite_column(str(create_sql), str(column), str(op), str(arg or ""))
    except ValueError as e:
        _fail("42703", str(e))


def pg_without_constraint(create_sql, table, name):
    """A table's CREATE text without its declared CHECK or foreign key `name` (ALTER TABLE
    DROP CONSTRAINT; 42704 when an earlier action of the statement dropped it)."""
    from compute_node.pg_sql import declared_constraints

    edited = declared_constraints.without(str(create_sql), str(table), str(name))
    if edited is None:
        _fail("42704", f'constraint "{name}" of relation "{table}" does not exist')
    return edited[0]


def register(conn: apsw.Connection) -> None:
    conn.create_scalar_function("pg_without_constraint", schema_text.checked(pg_without_constraint), 3,
                                deterministic=True)
    conn.create_scalar_function("pg_convert_to", pg_convert_to, 2, deterministic=True)
    conn.create_scalar_function("pg_convert_to", pg_convert_to, 3, deterministic=True)
    conn.create_scalar_function("pg_rewrite_column", schema_text.checked(pg_rewrite_column), 4, deterministic=True)
    register_aggregate(conn, "pg_numeric_sum", lambda: (_NumericSum(), _NumericSum.step, _NumericSum.final_sum), 2)
    register_aggregate(conn, "pg_numeric_avg", lambda: (_NumericSum(), _NumericSum.step, _NumericSum.final_avg), 2)
    for mode in ("t", "n"):  # the one-argument forms DISTINCT needs
        conn.create_aggregate_function(f"pg_numeric_sum_{mode}", lambda m=mode: (
            _NumericSum(), lambda agg, v: _NumericSum.step(agg, v, m), _NumericSum.final_sum), 1)
        conn.create_aggregate_function(f"pg_numeric_avg_{mode}", lambda m=mode: (
            _NumericSum(), lambda agg, v: _NumericSum.step(agg, v, m), _NumericSum.final_avg), 1)
    register_aggregate(conn, "pg_numeric_max", lambda: (
        _NumericPick(), lambda agg, v, m: agg.step(v, m, True), _NumericPick.final), 2)
    register_aggregate(conn, "pg_numeric_min", lambda: (
        _NumericPick(), lambda agg, v, m: agg.step(v, m, False), _NumericPick.final), 2)
    det = {"deterministic": True}
    conn.create_scalar_function("pg_raise", pg_raise, 2)
    conn.create_scalar_function("pg_domain_check", pg_domain_check, 4, deterministic=True)
    conn.create_scalar_function("pg_arith", pg_arith, 5, **det)
    conn.create_scalar_function("pg_tcmp", pg_tcmp, 2, **det)
    conn.create_scalar_function("pg_tcmp2", pg_tcmp2, 4, **det)
    conn.create_scalar_function("pg_icmp", pg_icmp, 2, **det)
    conn.create_scalar_function("pg_interval_key", pg_interval_key, 1, **det)
    conn.create_scalar_function("pg_interval_greatest", _interval_pick(True), -1, **det)
    conn.create_scalar_function("pg_numeric_greatest", _numeric_pick(True), -1, **det)
    conn.create_scalar_function("pg_numeric_least", _numeric_pick(False), -1, **det)
    conn.create_scalar_function("pg_interval_least", _interval_pick(False), -1, **det)
    register_aggregate(conn, "pg_interval_sum", lambda: (_IntervalAgg(), _IntervalAgg.step_sum,
                                                         _IntervalAgg.final_sum), 1)
    register_aggregate(conn, "pg_interval_avg", lambda: (_IntervalAgg(), _IntervalAgg.step_sum,
                                                         _IntervalAgg.final_avg), 1)
    register_aggregate(conn, "pg_interval_max", lambda: (
        _IntervalAgg(), lambda agg, v: agg.step_pick(v, True), _IntervalAgg.final_pick), 1)
    register_aggregate(conn, "pg_interval_min", lambda: (
        _IntervalAgg(), lambda agg, v: agg.step_pick(v, False), _IntervalAgg.final_pick), 1)
    conn.create_scalar_function("pg_round_to", pg_round_to, 3, **det)
    conn.create_scalar_function("pg_round_to", pg_round_to, 4, **det)
    conn.create_scalar_function("pg_numeric_unary", pg_numeric_unary, 3, **det)
    conn.create_scalar_function("pg_ncmp", pg_ncmp, 2, **det)
    conn.create_scalar_function("pg_stored", pg_stored, 2, **det)
    conn.create_scalar_function("pg_numeric_text", pg_numeric_text, 1, **det)
    conn.create_scalar_function("pg_numeric_in", pg_numeric_in, 1, **det)
    conn.create_scalar_function("pg_numeric_read", pg_numeric_read, 1, **det)
    conn.create_scalar_function("pg_intdiv", pg_intdiv, 2, **det)
    conn.create_scalar_function("pg_cast", pg_cast, 2)  # 'now'::timestamptz is not deterministic
    conn.create_scalar_function("pg_extract", pg_extract, 3, **det)
    conn.create_scalar_function("pg_date_part", pg_date_part, 3, **det)
    conn.create_scalar_function("pg_date_trunc", pg_date_trunc, 3, **det)
    conn.create_scalar_function("pg_age", pg_age, 4)
    conn.create_scalar_function("pg_to_char", pg_to_char, 3, **det)
    conn.create_scalar_function("pg_to_number", pg_to_number, 3, **det)
    conn.create_scalar_function("pg_numeric_math", pg_numeric_math, -1, **det)
    conn.create_scalar_function("pg_numeric_scale", pg_numeric_scale, 2, **det)
    conn.create_scalar_function("pg_to_date", pg_to_date, 2, **det)
    conn.create_scalar_function("pg_to_timestamp_format", pg_to_timestamp_format, 2, **det)
    conn.create_scalar_function("to_timestamp", pg_to_timestamp, 1, **det)
    conn.create_scalar_function("make_date", pg_make_date, 3, **det)
