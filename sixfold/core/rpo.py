"""The managed RPO of a global database, as a decision with no I/O.

With an RPO of N ms, the primary acknowledges a commit only while some secondary
region is known to be within N ms: a failover to it then loses at most N ms of
acknowledged commits. The replication server reports the best secondary's lag (how
long ago the oldest primary commit it lacks committed); a report `age_ms` old bounds
the lag now by lag + age, because whatever that secondary lacked then committed after
the report or was already counted.
"""

from __future__ import annotations


def rpo_allows(rpo_ms: float, best_lag_ms: float | None, report_age_ms: float) -> bool:
    """Whether a commit may go ahead now. `best_lag_ms` None: no secondary known."""
    assert report_age_ms >= 0
    if rpo_ms <= 0:
        return True  # no managed RPO
    if best_lag_ms is None:
        return False
    assert best_lag_ms >= 0
    return best_lag_ms + report_age_ms <= rpo_ms
