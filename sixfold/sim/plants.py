"""Bugs planted on purpose, to show the simulator catches them.

Each plant changes one rule of the protocol in the simulated processes only (never
in a real cluster). `sixfold sim --plant NAME` must fail and name the invariant
the bug breaks; tests/sim checks that within the CI seed budget.
"""

from __future__ import annotations

from sixfold.errors import EpochUnknown, StaleEpoch
from sixfold.sabotage import skip_epoch_checks

__all__ = ["PLANTS", "planted", "skip_epoch_checks", "refuse_unknown_epochs_as_stale"]

PLANTS = {
    "vdl-at-3": "the writer counts a record complete once 3 of 6 segments hold it (W=3), so VDL can pass "
                "records a read quorum may miss",
    "no-epoch-check": "storage accepts appends without checking the writer's epoch, so a fenced writer can "
                      "still reach a write quorum",
    "amnesia-fences": "a storage node whose disk was replaced refuses the writer's appends as stale (it does not "
                      "know the writer's recovery) instead of taking the writer's truncation floor, so one lost "
                      "disk stops the writer",
}


def refuse_unknown_epochs_as_stale(vol) -> None:
    """amnesia-fences, on one storage node's volume (the behaviour before 19d0b45)."""
    vol.holds_nothing = lambda: False
    check_write = vol.fence.check_write

    def check_write_stale(epoch: int) -> None:
        try:
            check_write(epoch)
        except EpochUnknown as e:
            raise StaleEpoch(str(e)) from None

    vol.fence.check_write = check_write_stale


def planted(name: str | None):
    """A context manager for plants that patch module-level code for one run (none today)."""
    import contextlib

    return contextlib.nullcontext()
