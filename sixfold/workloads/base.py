"""The shape every workload has, and the history a workload run records.

A workload (FoundationDB-style) is an object with four phases:

    wl.setup()              # create its tables / initial state, once
    history = wl.run(10.0)  # drive the database for that many seconds
    result = wl.check(history)   # pure: is the history one the guarantees allow?
    wl.metrics(history)     # counts and rates for a report or a benchmark

The same object serves an integration test, a chaos run (which injects faults while
`run` goes on) and `bench/`.

A `History` (Jepsen-style) holds one `Op` per attempted transaction. An op is
*invoked* when its client starts it and *completes* as one of:

* ``ok``   — it committed (its reads carry what they returned);
* ``fail`` — it certainly did not commit (e.g. 40001, or an error before COMMIT);
* ``info`` — its outcome is unknown (the connection was lost at COMMIT, 08007 ...):
  a checker must treat it as possibly committed.

A transaction's value is a list of micro-operations, Elle-style tuples
``(f, key, value)``: ``("append", 3, 17)``, ``("r", 3, None)`` when invoked and
``("r", 3, [4, 17])`` once read.
"""

from __future__ import annotations

import json
import threading
import time
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any

INVOKE, OK, FAIL, INFO = "invoke", "ok", "fail", "info"
OUTCOMES = (OK, FAIL, INFO)

MicroOp = tuple[str, int, Any]


@dataclass
class Op:
    """One transaction attempt by one client process."""

    index: int  # unique in its history: the transaction's id in reports (T<index>)
    process: int  # the client that ran it (one transaction at a time per process)
    value: list[MicroOp]  # as requested; reads filled in when it completed ok
    type: str = INVOKE  # INVOKE until it completes, then OK / FAIL / INFO
    start: float = 0.0  # seconds since the history began, when invoked
    end: float | None = None  # when it completed
    error: str | None = None  # SQLSTATE and message of a fail or info

    def describe(self) -> str:
        """`T12 p3 ok 1.234-1.240s: r(5)=[1,2] append(5,3)` — for anomaly reports."""
        parts = []
        for m in self.value:
            f, args = m[0], m[1:]
            if f == "r" and len(args) == 2:
                k, v = args
                parts.append(f"r({k})={'?' if v is None else '[' + ','.join(map(str, v)) + ']'}")
            else:
                parts.append(f"{f}({','.join(map(str, args))})")
        end = "?" if self.end is None else f"{self.end:.3f}"
        err = f" [{self.error}]" if self.error else ""
        return f"T{self.index} p{self.process} {self.type} {self.start:.3f}-{end}s: {' '.join(parts)}{err}"

    def to_json(self) -> dict:
        return {"index": self.index, "process": self.process, "value": [list(m) for m in self.value],
                "type": self.type, "start": self.start, "end": self.end, "error": self.error}

    @classmethod
    def from_json(cls, d: dict) -> "Op":
        return cls(d["index"], d["process"], [tuple(m) for m in d["value"]], d["type"], d["start"], d["end"],
                   d.get("error"))


class History:
    """Ops in the order they were invoked. Thread-safe: client threads record into it."""

    def __init__(self, ops: list[Op] | None = None):
        self.ops: list[Op] = list(ops or [])
        self.ok_count = sum(1 for op in self.ops if op.type == OK)
        self._lock = threading.Lock()
        self.t0 = time.monotonic()  # op times are seconds since this (time.monotonic())

    def _now(self) -> float:
        return time.monotonic() - self.t0

    def invoke(self, process: int, value: list[MicroOp]) -> Op:
        with self._lock:
            op = Op(len(self.ops), process, list(value), INVOKE, self._now())
            self.ops.append(op)
            return op

    def complete(self, op: Op, outcome: str, value: list[MicroOp] | None = None, error: str | None = None) -> Op:
        """Record how `op` ended; `value` replaces its micro-ops (the reads' results)."""
        assert outcome in OUTCOMES, outcome
        assert op.type == INVOKE, f"T{op.index} completed twice"
        with self._lock:
            op.type, op.end, op.error = outcome, self._now(), error
            self.ok_count += outcome == OK
            if value is not None:
                op.value = list(value)
        return op

    def ok(self, op: Op, value: list[MicroOp]) -> Op:
        return self.complete(op, OK, value)

    def fail(self, op: Op, error: str) -> Op:
        return self.complete(op, FAIL, error=error)

    def info(self, op: Op, error: str) -> Op:
        return self.complete(op, INFO, error=error)

    def __iter__(self):
        return iter(self.ops)

    def __len__(self) -> int:
        return len(self.ops)

    def by_type(self, outcome: str) -> list[Op]:
        return [op for op in self.ops if op.type == outcome]

    def dumps(self) -> str:
        """One JSON object per line: keep a failing run's history next to its seed."""
        return "\n".join(json.dumps(op.to_json()) for op in self.ops)

    @classmethod
    def loads(cls, text: str) -> "History":
        return cls([Op.from_json(json.loads(line)) for line in text.splitlines() if line.strip()])


class Workload(ABC):
    """A workload: set up, run for a while recording a history, check it, report metrics.
    Subclasses take a seed: the same seed makes the same choices (what the
    interleaving does with them is up to the database)."""

    name = "workload"

    @abstractmethod
    def setup(self) -> None:
        """Create what the workload needs (tables, initial rows). Idempotent."""

    @abstractmethod
    def run(self, duration_s: float) -> History:
        """Drive the database for `duration_s` seconds and return what happened."""

    @abstractmethod
    def check(self, history: History):
        """Whether the history is allowed (a checker's result; pure, no I/O)."""

    def metrics(self, history: History) -> dict[str, float]:
        """Counts of outcomes and the committed rate; workloads add their own."""
        ops = [op for op in history.ops if op.type != INVOKE]
        n = {t: sum(op.type == t for op in ops) for t in OUTCOMES}
        span = max((op.end for op in ops if op.end is not None), default=0.0)
        return {"txns": len(ops), "ok": n[OK], "fail": n[FAIL], "info": n[INFO],
                "ok_per_s": n[OK] / span if span else 0.0}
