"""Ordered-set and bit aggregates: percentile_cont, percentile_disc and mode() WITHIN
GROUP (ORDER BY x), and bit_and / bit_or / bit_xor.

SQLite has no WITHIN GROUP, but its aggregates take an ORDER BY after their last
argument, so `percentile_cont(f) WITHIN GROUP (ORDER BY x DESC)` becomes
`pg_percentile_cont(f, x ORDER BY x DESC)`: the aggregate sees the values in the order
Sixfold sorts them, as its own ORDER BY would, and picks by PostgreSQL's rules
(orderedsetaggs.c). The aggregates are pure Python; `translate` is the rewrite.
"""

from __future__ import annotations

import math

import apsw
from sqlglot import expressions as exp

from compute_node.pg_sql import exprtypes, typed_functions
from sixfold.errors import SqlError

_NAMES = {exp.PercentileCont: "percentile_cont", exp.PercentileDisc: "percentile_disc", exp.Mode: "mode"}
# Kinds whose SQLite values do not sort or compare as PostgreSQL's do (intervals are
# texts, arrays and json have their own rules): refused rather than answered wrongly.
_UNORDERED_KINDS = frozenset({"interval", "array", "json", "jsonb"})
_CONT_KINDS = frozenset({"int", "num", "float", "unknown"})


def translate(node: exp.WithinGroup) -> exp.Expression:
    """`agg(f) WITHIN GROUP (ORDER BY x)` as a call of the matching SQLite aggregate."""
    agg, order = node.this, node.expression
    name = _NAMES.get(type(agg))
    if name is None or not isinstance(order, exp.Order):
        raise SqlError(f"WITHIN GROUP is not supported for {agg.sql('postgres')}", "0A000")
    if isinstance(node.parent, exp.Window):
        raise SqlError(f"OVER is not supported for ordered-set aggregate {name}", "0A000")
    fraction = agg.this if name != "mode" else None
    if len(order.expressions) != 1:
        labels = ", ".join(exprtypes.type_label(o.this) or "unknown" for o in order.expressions)
        head = "" if fraction is None else exprtypes.type_label(fraction) + ", "
        raise SqlError(f"function {name}({head}{labels}) does not exist", "42883")
    value = order.expressions[0].this
    k = exprtypes.kind(value)
    if isinstance(fraction, exp.Array):
        raise SqlError(f"{name} of an array of fractions is not supported", "0A000")
    if k in _UNORDERED_KINDS:
        raise SqlError(f"{name} of {exprtypes.type_label(value)} is not supported", "0A000")
    if name == "percentile_cont" and k not in _CONT_KINDS and k != "":
        raise SqlError(f"function percentile_cont(numeric, {exprtypes.type_label(value)}) does not exist", "42883")
    ordered = exp.Order(this=value.copy(), expressions=[o.copy() for o in order.expressions])
    args = [ordered] if fraction is None else [fraction.copy(), ordered]
    return exp.Anonymous(this=f"pg_{name}", expressions=args)


def _fraction(f) -> float | None:
    if f is None:
        return None
    try:
        p = float(f)
    except (TypeError, ValueError):
        raise apsw.SQLError(f'[22P02] invalid input syntax for type double precision: "{f}"') from None
    if not 0 <= p <= 1 or math.isnan(p):
        raise apsw.SQLError(f"[22003] percentile value {p:g} is not between 0 and 1")
    return p


class _Percentile:
    """percentile_cont / percentile_disc: the non-NULL values in their sorted order; the
    fraction of the group's first row (PostgreSQL takes it once per group)."""

    def __init__(self, continuous: bool):
        self.continuous = continuous
        self.rows = 0
        self.fraction = None
        self.values: list = []

    def step(self, fraction, value):
        if self.rows == 0:
            self.fraction = fraction
        self.rows += 1
        if value is not None:
            self.values.append(value)

    def final(self):
        if self.rows == 0:
            return None
        p = _fraction(self.fraction)
        if p is None or not self.values:
            return None
        n = len(self.values)
        if not self.continuous:
            return self.values[max(math.ceil(p * n), 1) - 1]
        first, second = math.floor(p * (n - 1)), math.ceil(p * (n - 1))
        try:
            lo = float(self.values[first])
            hi = float(self.values[second])
        except (TypeError, ValueError):
            raise apsw.SQLError("[42883] function percentile_cont(double precision, text) does not exist") from None
        return lo if first == second else lo + (hi - lo) * (p * (n - 1) - first)


class _Mode:
    """mode(): the most frequent non-NULL value; of equally frequent ones, the first in
    the sort order."""

    def __init__(self):
        self.best = None
        self.best_count = 0
        self.current = None
        self.count = 0

    def step(self, value):
        if value is None:
            return
        if self.count and value == self.current:
            self.count += 1
        else:
            self.current, self.count = value, 1
        if self.count > self.best_count:
            self.best, self.best_count = self.current, self.count

    def final(self):
        return self.best


class _Bits:
    """bit_and / bit_or / bit_xor of integers, NULLs skipped."""

    def __init__(self, op: str):
        self.op = op
        self.acc = None

    def step(self, value):
        if value is None:
            return
        if not isinstance(value, int):
            raise apsw.SQLError(f"[42883] function bit_{self.op}() of a non-integer is not supported")
        if self.acc is None:
            self.acc = value
        elif self.op == "and":
            self.acc &= value
        elif self.op == "or":
            self.acc |= value
        else:
            self.acc ^= value

    def final(self):
        return self.acc


BIT_AGGREGATES = {exp.BitwiseAndAgg: "pg_bit_and", exp.BitwiseOrAgg: "pg_bit_or", exp.BitwiseXorAgg: "pg_bit_xor"}


def register(conn: apsw.Connection) -> None:
    for name, continuous in (("pg_percentile_cont", True), ("pg_percentile_disc", False)):
        conn.create_aggregate_function(
            name, lambda c=continuous: (_Percentile(c), _Percentile.step, _Percentile.final), 2)
    conn.create_aggregate_function("pg_mode", lambda: (_Mode(), _Mode.step, _Mode.final), 1)
    for op in ("and", "or", "xor"):  # these take OVER (...) too
        typed_functions.register_aggregate(conn, f"pg_bit_{op}", lambda o=op: (_Bits(o), _Bits.step, _Bits.final), 1)
