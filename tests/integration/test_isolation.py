"""Isolation under concurrency, checked: seeded list-append transactions from four
clients against the writer, and an Elle-style dependency-graph check of the history.

REPEATABLE READ must be snapshot isolation: no G0, G1, G-single, lost update, and no
transaction reading anything but its snapshot plus its own writes. SERIALIZABLE must
also have no G2. Replay a failure with the SIXFOLD_SEED it prints (the interleaving
differs, the transactions do not); the history is kept in the test's tmp_path.
"""

from __future__ import annotations

import pytest

from sixfold.workloads.list_append import SERIALIZATION_FAILURE, ListAppend
from tests.integration.mtr_workload import seed_from_env

RUN_S = 10.0
CLIENTS_COUNT = 4
# Far below what a run commits (~1,000 on a loaded 2-core laptop), far above what a
# run that mostly fails would: the check cannot pass on an empty history.
COMMITTED_MIN = 200
EXPECTED_ERRORS = {SERIALIZATION_FAILURE, "55P03"}  # 55P03: the write lock's bounded wait


@pytest.mark.parametrize("isolation", ["repeatable read", "serializable"])
def test_list_append_is_isolated(pg_cluster, tmp_path, isolation):
    seed = seed_from_env()
    wl = ListAppend(pg_cluster.uri(), seed, clients=CLIENTS_COUNT, isolation=isolation)
    wl.setup()
    history = wl.run(RUN_S)
    (tmp_path / "history.jsonl").write_text(history.dumps())
    result = wl.check(history)
    m = wl.metrics(history)
    print(f"SIXFOLD_SEED={seed} {isolation}: {result.render(per_kind_max=0).splitlines()[0]}")
    print("metrics: " + ", ".join(f"{k}={v:.3g}" if isinstance(v, float) else f"{k}={v}" for k, v in m.items()))
    assert result.valid, f"SIXFOLD_SEED={seed}, history in {tmp_path}\n{result.render()}"
    assert m["ok"] >= COMMITTED_MIN, m
    assert m["info"] == 0, [op.describe() for op in history.ops if op.type == "info"][:5]
    unexpected = {op.error for op in history.ops if op.error and op.error.split(":", 1)[0] not in EXPECTED_ERRORS}
    assert not unexpected, sorted(unexpected)[:5]
