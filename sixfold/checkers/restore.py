"""The point-in-time restore checker (pure): a bank restored to time T holds exactly
the transfers the clients had seen committed by T.

Given a bank history (op times on the client's monotonic clock, mapped to wall time by
`wall_offset_s`) and what a cluster restored to T holds, it reports:

* lost-transfer: acknowledged (ok) at or before T, not in the restored bank;
* future-transfer: in the restored bank, but invoked after T (or never acknowledged and
  not in flight at T: it failed);
* wrong-total: the balances do not add up to the initial money;
* wrong-balances: the balances are not the initial ones plus the restored transfers.

A transfer in flight at T (invoked at or before T, acknowledged after it or never) may
be there or not.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sixfold.workloads.base import INFO, OK, History


@dataclass
class RestoreCheck:
    valid: bool
    anomalies: dict[str, list[str]] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)


def check_restored_bank(history: History, wall_offset_s: float, t_s: float, transfers: list[tuple],
                        balances: dict[int, int], accounts: int, initial_balance: int) -> RestoreCheck:
    """`t_s`: the restore time (Unix seconds); `wall_offset_s`: Unix time minus the
    history's clock (`time.time() - time.monotonic() + history.t0`)."""
    required, allowed = set(), set()
    for op in history.ops:
        if op.value[0][0] != "transfer":
            continue
        tid = op.value[0][4]
        if op.type == OK and op.end is not None and op.end + wall_offset_s <= t_s:
            required.add(tid)
        if op.type in (OK, INFO) and op.start + wall_offset_s <= t_s:
            allowed.add(tid)
    present = {t[0] for t in transfers}
    anomalies: dict[str, list[str]] = {}
    lost = sorted(required - present)
    future = sorted(present - allowed)
    if lost:
        anomalies["lost-transfer"] = [str(t) for t in lost]
    if future:
        anomalies["future-transfer"] = [str(t) for t in future]
    total = sum(balances.values())
    if total != accounts * initial_balance or len(balances) != accounts:
        anomalies["wrong-total"] = [f"{len(balances)} accounts hold {total}, expected {accounts * initial_balance}"]
    expect = {a: initial_balance for a in range(accounts)}
    for _tid, src, dst, amount in transfers:
        expect[src] -= amount
        expect[dst] += amount
    if expect != balances:
        anomalies["wrong-balances"] = [f"expected {expect}, found {balances}"]
    return RestoreCheck(not anomalies, anomalies, {"required": len(required), "allowed": len(allowed),
                                                   "present": len(present)})


__all__ = ["RestoreCheck", "check_restored_bank"]
