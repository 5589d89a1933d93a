"""What a storage node's FetchRecords answer vouches for.

A node sends the records it holds in each range asked. An answer holds *every* record
of a PG in (after, up_to] only when three things are true: the segment is complete at
least to the PG's last record at or below up_to (its SCL reaches that `tail`), it has
not trimmed its log above `after` (trimmed records were folded into pages and are
gone: the answer then simply lacks them), and the answer was not cut short by the
request's record or byte limit. Readers that rebuild state from records (a replica
catching up across a change of writer, the global replication agent) must check all
three; an answer that fails any of them is not an error, only not enough.
"""

from __future__ import annotations

from sixfold.rpc import storage_pb2 as pb


def fetch_is_complete(resp: pb.FetchResponse, pg: int, after: int, tail: int) -> bool:
    """Whether `resp` holds every record of `pg` above `after` up to the range's end,
    given `tail`, the PG's last record at or below that end."""
    if resp.cut:
        return False
    if any(tp == pg and tl > after for tp, tl in zip(resp.trimmed_pgs, resp.trimmed_lsns)):
        return False
    return any(s.pg == pg and s.scl >= tail for s in resp.scls)


__all__ = ["fetch_is_complete"]
