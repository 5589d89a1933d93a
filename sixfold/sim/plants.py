"""Bugs planted on purpose, to show the simulator catches them.

Each plant changes one rule of the protocol in the simulated processes only (never
in a real cluster). `sixfold sim --plant NAME` must fail and name the invariant
the bug breaks; tests/sim checks that within the CI seed budget.
"""

from __future__ import annotations

PLANTS = {
    "vdl-at-3": "the writer counts a record complete once 3 of 6 segments hold it (W=3), so VDL can pass "
                "records a read quorum may miss",
    "no-epoch-check": "storage accepts appends without checking the writer's epoch, so a fenced writer can "
                      "still reach a write quorum",
}


def skip_epoch_checks(vol) -> None:
    """no-epoch-check: the node takes every append as if it came from its current epoch."""
    vol.fence.check_write = lambda epoch: None
    persist = vol._persist_group

    def persist_any_epoch(group):
        for it in group:
            if it.epoch is not None:
                it.epoch = vol.fence.epoch
        persist(group)

    vol._persist_group = persist_any_epoch


def planted(name: str | None):
    """A context manager for plants that patch module-level code for one run (none today)."""
    import contextlib

    return contextlib.nullcontext()
