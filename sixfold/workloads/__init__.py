"""Workloads shared by tests, chaos runs and benchmarks: objects with setup / run /
check / metrics that record a `History` (see `base`).

`list_append.ListAppend` drives a PostgreSQL endpoint with seeded list-append
transactions for the isolation checker in `sixfold.checkers.list_append`.
"""

from sixfold.workloads.base import FAIL, INFO, INVOKE, OK, History, Op, Workload

__all__ = ["CHAOS_WORKLOADS", "FAIL", "INFO", "INVOKE", "OK", "History", "Op", "Workload"]

# The workloads `sixfold chaos --workload` runs, with what each checks.
CHAOS_WORKLOADS = {
    "bank": "transfers between 10 accounts (fixed total), half the clients through the cluster endpoint, half "
            "straight to the writer instance; reads check the total, the final state every acknowledged transfer",
    "set": "inserts of unique elements through the cluster endpoint, reads there and on the reader endpoint; "
           "none lost, none late, none twice, none seen that did not commit",
    "list-append": "appends to and reads of lists (repeatable read) on the writer, read-only transactions on the "
                   "reader endpoint; Elle-style cycle search for SI anomalies (a mixed snapshot anywhere)",
    "monotonic": "one client increments a counter on the writer; sessions on the reader endpoint (replicas) "
                 "must never see it go backwards",
}
