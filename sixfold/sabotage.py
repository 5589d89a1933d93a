"""Bugs planted on purpose in the running product, for the chaos harness to catch.

A checker that has never caught anything proves little; `sixfold chaos --sabotage X`
starts a cluster with one of these bugs switched on and must report the anomaly it
causes. A sabotage is active in a process only when the environment names it in
SIXFOLD_SABOTAGE *and* carries SIXFOLD_CHAOS_RUN, which only the chaos runner sets
for the processes it starts; `sixfold up` refuses to start with SIXFOLD_SABOTAGE set.
"""

from __future__ import annotations

import os

SABOTAGES = {
    "ack-before-quorum": "the writer reports a commit durable at once and ships its redo a second later: a writer "
                         "crash loses what it acknowledged",
    "replica-read-ahead": "a replica applies redo as it arrives and reads above the VDL it received",
    "no-fencing": "storage accepts appends without checking the writer's epoch",
    "unchecked-replay": "an optimistic transaction's replay at COMMIT does not compare the answers with what its "
                        "client saw (run with --write-concurrency optimistic): stale reads and lost updates commit",
    "slow-reconnect": "gRPC's default reconnect backoff (up to 120 s): a storage node that returns after a long "
                      "outage is reached again only much later (the write-quorum stall)",
}
ENV = "SIXFOLD_SABOTAGE"
RUN_ENV = "SIXFOLD_CHAOS_RUN"


def active(name: str) -> bool:
    assert name in SABOTAGES, name
    return bool(os.environ.get(RUN_ENV)) and name in os.environ.get(ENV, "").split(",")


def skip_epoch_checks(vol) -> None:
    """no-fencing, on one storage node's volume: every append is taken as if it came
    from the node's current epoch."""
    vol.fence.check_write = lambda epoch: None
    persist = vol._persist_group

    def persist_any_epoch(group):
        for it in group:
            if it.epoch is not None:
                it.epoch = vol.fence.epoch
        persist(group)

    vol._persist_group = persist_any_epoch
