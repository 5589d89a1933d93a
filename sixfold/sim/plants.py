"""Bugs planted on purpose, to show the simulator catches them.

Each plant changes one rule of the protocol in the simulated processes only (never
in a real cluster). `sixfold sim --plant NAME` must fail and name the invariant
the bug breaks; tests/sim checks that within the CI seed budget.
"""

from __future__ import annotations

import contextlib

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
    "chain-below-trim": "a storage node restarted after trimming starts each segment's chain at its persisted "
                        "SCL floor, below the trim mark (the bug fixed in fee4890), so after a power cut no "
                        "segment can serve some pages",
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
    """A context manager for plants that patch module-level code for one run."""
    if name != "chain-below-trim":
        return contextlib.nullcontext()
    return _chains_ignore_trim_marks()


@contextlib.contextmanager
def _chains_ignore_trim_marks():
    import storage_node.volume as volume_module

    real = volume_module.SegmentChain

    class ChainBelowTrim(real):
        __slots__ = ()

        def __init__(self, pg: int, scl: int = 0, pending=(), trimmed_to: int = 0):
            super().__init__(pg, scl, pending, 0)

    volume_module.SegmentChain = ChainBelowTrim
    try:
        yield
    finally:
        volume_module.SegmentChain = real
