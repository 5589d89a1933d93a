"""Checkers: pure functions from a workload's history to a verdict with evidence.

`list_append.check` is the Elle-style isolation checker for the list-append
workload; `anomalies` holds the anomaly kinds, what each isolation level forbids and
the report shared by every checker.
"""

from sixfold.checkers.anomalies import (
    FORBIDDEN_BY_LEVEL, KINDS, READ_COMMITTED_FORBIDS, SERIALIZABLE_FORBIDS, SNAPSHOT_ISOLATION_FORBIDS, Anomaly,
    CheckResult, Edge,
)

__all__ = ["Anomaly", "CheckResult", "Edge", "FORBIDDEN_BY_LEVEL", "KINDS", "READ_COMMITTED_FORBIDS",
           "SERIALIZABLE_FORBIDS", "SNAPSHOT_ISOLATION_FORBIDS"]
