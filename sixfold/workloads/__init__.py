"""Workloads shared by tests, chaos runs and benchmarks: objects with setup / run /
check / metrics that record a `History` (see `base`).

`list_append.ListAppend` drives a PostgreSQL endpoint with seeded list-append
transactions for the isolation checker in `sixfold.checkers.list_append`.
"""

from sixfold.workloads.base import FAIL, INFO, INVOKE, OK, History, Op, Workload

__all__ = ["FAIL", "INFO", "INVOKE", "OK", "History", "Op", "Workload"]
