"""Bugs planted on purpose, to show the simulator catches them.

Each plant changes one rule of the protocol in the simulated processes only (never
in a real cluster). `sixfold sim --plant NAME` must fail and name the invariant
the bug breaks; tests/sim checks that within the CI seed budget.
"""

from __future__ import annotations

from sixfold.sabotage import skip_epoch_checks

__all__ = ["PLANTS", "planted", "skip_epoch_checks"]

PLANTS = {
    "vdl-at-3": "the writer counts a record complete once 3 of 6 segments hold it (W=3), so VDL can pass "
                "records a read quorum may miss",
    "no-epoch-check": "storage accepts appends without checking the writer's epoch, so a fenced writer can "
                      "still reach a write quorum",
}


def planted(name: str | None):
    """A context manager for plants that patch module-level code for one run (none today)."""
    import contextlib

    return contextlib.nullcontext()
