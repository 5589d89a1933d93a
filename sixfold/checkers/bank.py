"""The bank checker (pure): money is neither made nor lost.

A bank history holds transfers (``("transfer", from, to, amount, tid)``) and reads
(``("read", total, min_balance)``). Given the final contents of the `transfers` table
and the final balances, it reports:

* wrong-total: a read saw a total other than the initial one (half a transfer, or a
  lost or duplicated one);
* negative-balance: a read or the final state saw an account below zero;
* lost-transfer: a transfer acknowledged (ok) is not in the final state;
* phantom-transfer: a transfer that failed (certainly not committed) is there;
* unknown-transfer: a transfer nobody attempted is there;
* duplicate-transfer: a transfer is there twice;
* final-balances: the final balances are not the initial ones plus the transfers present.

Transfers whose outcome was unknown (info) may be there or not.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sixfold.workloads.base import FAIL, INFO, OK, History


@dataclass
class BankResult:
    valid: bool
    anomalies: dict[str, list[str]] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)

    def render(self, per_kind_max: int = 5) -> str:
        head = "valid" if self.valid else "anomalies found: " + ", ".join(
            f"{k} x{len(v)}" for k, v in sorted(self.anomalies.items()))
        lines = [f"bank: {head} ({', '.join(f'{k} {v}' for k, v in self.counts.items())})"]
        for kind, items in sorted(self.anomalies.items()):
            lines += [f"  {kind}: {x}" for x in items[:per_kind_max]]
        return "\n".join(lines)


def check_bank(history: History, accounts: int, initial_balance: int,
               final_transfers: list[tuple[int, int, int, int]] | None = None,
               final_balances: dict[int, int] | None = None) -> BankResult:
    """`final_transfers`: (tid, from, to, amount) rows of the transfers table at the end;
    `final_balances`: account -> balance at the end (both None: check the reads only)."""
    total = accounts * initial_balance
    out: dict[str, list[str]] = {}

    def add(kind: str, what: str) -> None:
        out.setdefault(kind, []).append(what)

    transfers: dict[int, tuple[str, tuple]] = {}  # tid -> (outcome, (from, to, amount)), ok/fail/info only
    reads = 0
    for op in history:
        for m in op.value:
            if m[0] == "read" and op.type == OK:
                reads += 1
                _f, seen_total, low = m
                if seen_total != total:
                    add("wrong-total", f"{op.describe()} saw a total of {seen_total}, not {total}")
                if low is not None and low < 0:
                    add("negative-balance", f"{op.describe()} saw a balance of {low}")
            elif m[0] == "transfer" and op.type in (OK, FAIL, INFO):
                _f, a, b, amount, tid = m
                transfers[tid] = (op.type, (a, b, amount), op)
    counts = {"reads": reads, "transfers ok": sum(v[0] == OK for v in transfers.values()),
              "failed": sum(v[0] == FAIL for v in transfers.values()),
              "in doubt": sum(v[0] == INFO for v in transfers.values())}
    if final_transfers is not None:
        present = Counter(t[0] for t in final_transfers)
        for tid, n in present.items():
            if n > 1:
                add("duplicate-transfer", f"transfer {tid} is there {n} times")
            if tid not in transfers:
                add("unknown-transfer", f"transfer {tid} is there but was never attempted")
        for tid, (kind, _what, op) in sorted(transfers.items()):
            if kind == OK and tid not in present:
                add("lost-transfer", f"{op.describe()} was acknowledged but is not in the final state")
            if kind == FAIL and tid in present:
                add("phantom-transfer", f"{op.describe()} failed but is in the final state")
        counts["in doubt, kept"] = sum(1 for tid, v in transfers.items() if v[0] == INFO and tid in present)
        if final_balances is not None:
            expected = {a: initial_balance for a in range(accounts)}
            for _tid, a, b, amount in final_transfers:
                expected[a] -= amount
                expected[b] += amount
            if final_balances != expected:
                diff = {a: (final_balances.get(a), expected[a]) for a in expected if final_balances.get(a) != expected[a]}
                add("final-balances", f"balances (found, expected from the transfers present): {diff}")
            low = min(final_balances.values(), default=0)
            if low < 0:
                add("negative-balance", f"a final balance is {low}")
    return BankResult(not out, out, counts)
