"""Write quorum tracking: acks -> PGCL -> VCL -> VDL, LAL back-pressure, and the
release of parked commits in LSN order (group commit).

The writer allocates dense LSNs: every LSN in (VDL at open, next_lsn) is exactly one
record, and a mini-transaction is a contiguous run ending with its CPL. Storage
segments acknowledge with their SCL. Then:

* PGCL(pg): the highest LSN that W_QUORUM_COUNT segments of the PG have completed
  (the 4th highest acknowledged SCL among its six segments).
* VCL: every record at or below it is at or below its PG's PGCL.
* VDL: the highest CPL at or below VCL. A commit is durable when VDL >= its CPL.

Pure: the volume client feeds it allocations and acks and acts on what it returns.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import deque
from collections.abc import Callable, Hashable, Sequence

from sixfold.constants import LAL_RECORDS, V_SEGMENTS_COUNT, W_QUORUM_COUNT
from sixfold.core.quorum import committed_index
from sixfold.errors import MiniTransactionTooLarge


class WriteTracker:
    def __init__(
        self,
        segments_of: Callable[[int], Sequence[str]],
        vdl: int,
        pg_tails: dict[int, int],
        lal_records: int = LAL_RECORDS,
        write_quorum: int = W_QUORUM_COUNT,
    ):
        """`vdl`: the durable point recovery opened the volume at (every LSN up to it is
        complete). `pg_tails`: the last record at or below it in each PG."""
        assert 0 < write_quorum <= V_SEGMENTS_COUNT and 2 * write_quorum > V_SEGMENTS_COUNT
        assert all(t <= vdl for t in pg_tails.values())
        self._segments_of = segments_of
        self._w = write_quorum
        self.lal_records = lal_records
        self.next_lsn = vdl + 1
        self.vcl = vdl
        self.vdl = vdl
        self._pg_tail: dict[int, int] = dict(pg_tails)  # last LSN allocated in the PG
        self._pgcl: dict[int, int] = dict(pg_tails)
        self._acked: dict[int, dict[str, int]] = {}  # pg -> node -> highest SCL acknowledged
        self._outstanding: dict[int, deque[int]] = {}  # pg -> LSNs above its PGCL, ascending
        self._pg_of: dict[int, int] = {}  # lsn -> pg, for LSNs above VCL
        self._cpls: set[int] = set()  # CPL LSNs above VCL
        self._complete: set[int] = set()  # LSNs above VCL whose PG completed them
        self._parked: deque[tuple[int, Hashable]] = deque()  # (cpl, token), ascending cpl

    # --- allocation ------------------------------------------------------------
    def can_allocate(self, n_records: int) -> bool:
        """LAL back-pressure: never allocate more than LAL above VDL."""
        if n_records > self.lal_records:
            raise MiniTransactionTooLarge(f"{n_records} records exceed LAL ({self.lal_records})")
        return self.next_lsn + n_records - 1 <= self.vdl + self.lal_records

    def allocate(self, pgs: Sequence[int]) -> list[tuple[int, int]]:
        """Allocate one mini-transaction: one record per entry of `pgs` (in order), the
        last one its CPL. Returns (lsn, prev_segment_lsn) per record."""
        assert pgs, "a mini-transaction has at least one record"
        assert self.can_allocate(len(pgs)), "caller must wait for VDL to pass LAL"
        out = []
        for pg in pgs:
            lsn = self.next_lsn
            self.next_lsn += 1
            prev = self._pg_tail.get(pg, 0)
            assert prev < lsn
            self._pg_tail[pg] = lsn
            self._pgcl.setdefault(pg, prev)
            self._outstanding.setdefault(pg, deque()).append(lsn)
            self._pg_of[lsn] = pg
            out.append((lsn, prev))
        self._cpls.add(out[-1][0])
        return out

    def park(self, cpl: int, token: Hashable) -> list[Hashable]:
        """Wait for VDL to pass `cpl`; the token comes back from `on_ack` in LSN order.
        If VDL already passed `cpl` (acks arrived before the park), nothing would ever
        release it: it is returned at once instead, as `[token]` (else `[]`)."""
        assert cpl in self._cpls or cpl <= self.vdl, cpl
        assert not self._parked or self._parked[-1][0] < cpl, "commits park in LSN order"
        if cpl <= self.vdl:
            return [token]
        self._parked.append((cpl, token))
        return []

    # --- acknowledgements --------------------------------------------------------
    def on_ack(self, pg: int, node: str, scl: int) -> list[Hashable]:
        """A segment reports its SCL. Returns the parked tokens that became durable."""
        assert node in self._segments_of(pg), (pg, node)
        acked = self._acked.setdefault(pg, {})
        if scl <= acked.get(node, -1):
            return []
        # An SCL names a record of this PG the writer sent, or one recovery kept.
        assert scl <= self._pg_tail.get(pg, 0), (pg, node, scl, self._pg_tail.get(pg))
        acked[node] = scl
        pgcl = committed_index(acked.values(), self._w)
        if pgcl <= self._pgcl.get(pg, 0):
            return []
        self._pgcl[pg] = pgcl
        out = self._outstanding.get(pg)
        while out and out[0] <= pgcl:
            self._complete.add(out.popleft())
        return self._advance()

    def _advance(self) -> list[Hashable]:
        vcl = self.vcl
        complete, cpls, pg_of = self._complete, self._cpls, self._pg_of
        vdl = self.vdl
        while vcl + 1 in complete:
            vcl += 1
            complete.discard(vcl)
            del pg_of[vcl]
            if vcl in cpls:
                cpls.discard(vcl)
                vdl = vcl
        assert vcl >= self.vcl and vdl >= self.vdl, "VCL and VDL never decrease"
        assert vdl <= vcl < self.next_lsn
        self.vcl, self.vdl = vcl, vdl
        released = []
        while self._parked and self._parked[0][0] <= vdl:
            released.append(self._parked.popleft()[1])
        return released

    def abandon_parked(self) -> list[tuple[int, Hashable]]:
        """The writer stops (fenced, failed, closed): nothing parked will ever be
        released. Returns (cpl, token) of each; those commits were sent, so they are in
        doubt, not refused."""
        parked = list(self._parked)
        self._parked.clear()
        return parked

    # --- queries -------------------------------------------------------------------
    def pgcl(self, pg: int) -> int:
        return self._pgcl.get(pg, 0)

    def pg_tail(self, pg: int) -> int:
        return self._pg_tail.get(pg, 0)

    def acked_scl(self, pg: int, node: str) -> int:
        return self._acked.get(pg, {}).get(node, -1)

    def set_known_scl(self, pg: int, node: str, scl: int) -> None:
        """Seed what recovery learned about a segment (no completion effect)."""
        assert scl <= self.pg_tail(pg) and pg not in self._outstanding
        self._acked.setdefault(pg, {})[node] = max(scl, self.acked_scl(pg, node))

    def read_requirement(self, pg: int, read_lsn: int) -> int:
        """The SCL a segment of `pg` needs to serve a read at `read_lsn`: the last record
        of the PG at or below it (or `read_lsn` itself when that is not known exactly)."""
        tail = self._pg_tail.get(pg, 0)
        if read_lsn >= tail:
            return tail
        out = self._outstanding.get(pg)
        if out and read_lsn >= out[0]:
            return out[bisect_right(out, read_lsn) - 1]
        return min(read_lsn, self._pgcl.get(pg, 0))

    def readable_segments(self, pg: int, read_lsn: int) -> list[str]:
        """Segments known to hold everything of `pg` up to `read_lsn`, best first."""
        need = self.read_requirement(pg, read_lsn)
        acked = self._acked.get(pg, {})
        return sorted((n for n in self._segments_of(pg) if acked.get(n, -1) >= need),
                      key=lambda n: -acked[n])

    @property
    def in_flight_records(self) -> int:
        return self.next_lsn - 1 - self.vcl

    @property
    def parked_count(self) -> int:
        return len(self._parked)
