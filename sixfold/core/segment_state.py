"""Segment state: SCL from backlinks, holes, epochs and truncation ranges.

Two state machines, both pure:

* `SegmentChain` (one per segment): which records of its PG the segment holds.
  Every record names the previous record of its PG (`prev_segment_lsn`); the SCL is
  the highest LSN up to which that chain is unbroken. Records that arrive above a
  hole wait in `pending` until the hole is filled (by the writer or by gossip).

* `VolumeFence` (one per volume on a node): the volume epoch, the writer that
  fenced it, and the truncation history. A recovery at epoch e records (e, t):
  every record of an older epoch with LSN > t is gone forever. A request from an
  epoch older than the fence is refused: that is how an old writer is fenced.

The history stays short (`compact_history`): an entry that a later one with a lower
or equal LSN dominates says nothing new, and once every node of the volume has
applied every truncation up to epoch F (the writer learns that from the nodes'
acknowledgements and advertises F as the *floor*), no record those entries would
reject exists anywhere any more, so they are forgotten. A node refuses records
gossiped by a peer that had not applied the truncations up to its floor.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sixfold.errors import EpochUnknown, InvalidMessage, StaleEpoch


def compact_history(truncations: dict[int, int], floor: int = 0) -> dict[int, int]:
    """The entries of `truncations` that still matter: above `floor`, and not
    dominated by a later entry at a lower or equal LSN (which rejects everything the
    earlier one rejects). `record_valid` gives the same answer with either."""
    out: dict[int, int] = {}
    lowest_later = None
    for e in sorted(truncations, reverse=True):
        if e <= floor:
            break
        t = truncations[e]
        if lowest_later is None or t < lowest_later:
            out[e] = t
            lowest_later = t
    return dict(sorted(out.items()))


def record_valid(truncations: dict[int, int], record_epoch: int, lsn: int) -> bool:
    """A record survives every truncation made by a later epoch."""
    return all(lsn <= t for e, t in truncations.items() if e > record_epoch)


def gossip_due(holes_known: bool, fetched_last_time: int, since_last_s: float, idle_interval_s: float) -> bool:
    """Whether a node should ask a peer for records this gossip turn. At once while it
    knows of a hole (a record held above its SCL) or is still catching up (the last
    gossip brought records); otherwise only every `idle_interval_s`, for a tail it cannot
    know it lacks. Under a steady append load neither holds: the writer's stream keeps
    every segment complete, and asking a peer every turn cost every node CPU for nothing."""
    return holes_known or fetched_last_time > 0 or since_last_s >= idle_interval_s


class SegmentChain:
    """The record chain of one segment. `scl` only moves forward, except by truncate."""

    __slots__ = ("pg", "scl", "_trimmed_to", "_pending_by_prev", "_pending_lsns")

    def __init__(self, pg: int, scl: int = 0, pending: list[tuple[int, int]] = (), trimmed_to: int = 0):
        """`scl`: a lower bound the node persisted. `trimmed_to`: the segment held every
        record at or below it and then trimmed them (so did every other segment: a log is
        trimmed only below all six SCLs). The SCL starts at the higher of the two; while it
        sits at `trimmed_to`, which need not be a record's LSN, a record whose backlink is
        at or below it continues the chain."""
        self.pg = pg
        self.scl = max(scl, trimmed_to)
        self._trimmed_to = trimmed_to
        self._pending_by_prev: dict[int, int] = {}  # prev_lsn -> lsn, above a hole
        self._pending_lsns: set[int] = set()
        for lsn, prev in pending:
            self.add(lsn, prev)

    @property
    def has_holes(self) -> bool:
        """Whether a record is held above a missing one (the SCL waits for it)."""
        return bool(self._pending_lsns)

    @property
    def pending(self) -> list[int]:
        """LSNs held above the SCL, waiting for a hole below them to fill."""
        return sorted(self._pending_lsns)

    @property
    def highest(self) -> int:
        """The highest LSN held: above a hole, the highest pending one."""
        return max(self._pending_lsns, default=self.scl)

    def has(self, lsn: int) -> bool:
        """Whether the record is held, assuming only LSNs of this PG are asked about."""
        return lsn <= self.scl or lsn in self._pending_lsns

    def add(self, lsn: int, prev: int) -> bool:
        """Record that the segment now holds record `lsn` (whose backlink is `prev`).
        Returns False if it was already held. Advances the SCL over filled holes."""
        assert prev < lsn, (prev, lsn)
        if lsn <= self.scl or lsn in self._pending_lsns:
            return False
        if prev == self.scl or (prev < self.scl == self._trimmed_to):
            self.scl = lsn
            # A filled hole may release a run of pending records.
            while (nxt := self._pending_by_prev.pop(self.scl, None)) is not None:
                self._pending_lsns.discard(nxt)
                self.scl = nxt
        else:
            # Two different records can never name the same predecessor in one PG
            # (a truncated record is dropped before anything of a newer epoch arrives).
            if self._pending_by_prev.get(prev, lsn) != lsn:
                raise InvalidMessage(f"PG {self.pg}: records {self._pending_by_prev[prev]} and {lsn} "
                                     f"both follow {prev}")
            self._pending_by_prev[prev] = lsn
            self._pending_lsns.add(lsn)
        assert self.scl not in self._pending_by_prev
        return True

    def note_trimmed(self, lsn: int) -> None:
        """The segment trimmed its records up to `lsn` (all held: `lsn` <= the SCL)."""
        assert lsn <= self.scl, (lsn, self.scl)
        self._trimmed_to = max(self._trimmed_to, lsn)

    def truncate(self, above_lsn: int, last_held_at_or_below: int) -> None:
        """Forget every record above `above_lsn`. `last_held_at_or_below` is the
        highest LSN the segment still holds at or below it (the shell reads it off disk).
        For a truncation that leaves records of newer epochs above the point, the storage
        node reads the chain back from disk instead (`NodeVolume._truncate_local`)."""
        assert last_held_at_or_below <= above_lsn
        if self.scl > above_lsn:
            self.scl = last_held_at_or_below
        for prev, lsn in list(self._pending_by_prev.items()):
            if lsn > above_lsn:
                del self._pending_by_prev[prev]
                self._pending_lsns.discard(lsn)
        assert self.scl <= above_lsn
        assert all(l <= above_lsn for l in self._pending_lsns)


@dataclass
class VolumeFence:
    """Epoch and truncation history of one volume, as one node knows it."""

    epoch: int = 0
    writer_id: str = ""
    truncations: dict[int, int] = field(default_factory=dict)  # epoch -> truncated above LSN
    floor: int = 0  # truncations at or below this epoch are applied everywhere and forgotten
    applied_epoch: int = 0  # newest truncation this node has applied to its records

    def fence(self, epoch: int, writer_id: str) -> None:
        """A recovering writer claims the volume at `epoch`. Refused (StaleEpoch) unless
        the epoch is newer, or it is the same writer asking again, or nobody claimed the
        epoch here (it was learned from peers, `learn_epoch`) and its recovery is unknown."""
        same = epoch == self.epoch and epoch not in self.truncations
        if epoch > self.epoch or (same and writer_id == self.writer_id) or (same and self.writer_id == ""):
            self.epoch, self.writer_id = epoch, writer_id
            return
        raise StaleEpoch(f"epoch {epoch} refused: volume is at epoch {self.epoch}")

    def truncate(self, epoch: int, writer_id: str, above_lsn: int) -> bool:
        """Record the recovery point of `epoch`. Only the writer that fenced this node at
        that epoch (or a newer epoch this node never saw fenced) may do it.
        Returns True if this is new information (records must be dropped)."""
        if epoch < self.epoch or epoch <= self.floor:
            raise StaleEpoch(f"truncate at epoch {epoch} refused: volume is at epoch {self.epoch}")
        known = self.truncations.get(epoch)
        if known is not None:
            # Repeating a known truncation is a no-op, even from a writer this node
            # never saw fence it (it may have learned the truncation from a peer first).
            if known != above_lsn:
                raise StaleEpoch(f"epoch {epoch} was already truncated above {known}")
            return False
        if epoch == self.epoch and writer_id != self.writer_id and self.writer_id != "":
            # Claimed by another writer here; an epoch only learned (writer "") was not.
            raise StaleEpoch(f"truncate at epoch {epoch} refused: volume is at epoch {self.epoch}")
        self.epoch, self.writer_id = epoch, writer_id
        self.truncations[epoch] = above_lsn
        return True

    def learn(self, truncations: dict[int, int]) -> dict[int, int]:
        """Merge what a writer or peer knows. Returns the truncations that are new here;
        the caller must drop the records they invalidate before accepting anything.
        Raises InvalidMessage if the sender disagrees on a known recovery point."""
        new = {}
        for e, t in truncations.items():
            if e <= self.floor:
                continue  # applied everywhere and forgotten
            known = self.truncations.get(e)
            if known is None:
                new[e] = t
            elif known != t:
                raise InvalidMessage(f"two truncation points for epoch {e}: {known} here, {t} from the sender")
        self.truncations.update(new)
        if new and max(new) > self.epoch:
            self.epoch = max(new)
            self.writer_id = ""
        return new

    def applied(self, epoch: int) -> None:
        """The records a truncation of `epoch` invalidates are gone from this node."""
        self.applied_epoch = max(self.applied_epoch, epoch)

    def raise_floor(self, floor: int) -> bool:
        """Every node applied every truncation at or below `floor`: forget them. Returns
        True if the history changed. A floor above what this node applied is ignored
        (the writer computes it from every node's report, this one's included)."""
        floor = min(floor, self.applied_epoch)
        if floor <= self.floor:
            return False
        self.floor = floor
        before = len(self.truncations)
        self.truncations = compact_history(self.truncations, floor)
        return len(self.truncations) != before

    def adopt_floor(self, floor: int) -> bool:
        """For a node that holds no records at all (new, or its disk was replaced): every
        truncation at or below `floor` was applied everywhere and forgotten, and there is
        nothing here any of them could invalidate, so this node counts them applied too
        and takes the floor's epoch. Without this such a node could never accept an append
        at an epoch whose truncation the history no longer lists. Returns True if
        anything changed."""
        if floor <= self.applied_epoch and floor <= self.epoch:
            return False
        self.applied_epoch = max(self.applied_epoch, floor)
        self.raise_floor(floor)
        if floor > self.epoch:
            self.epoch, self.writer_id = floor, ""
        return True

    def learn_epoch(self, epoch: int) -> bool:
        """A node that forgot which writers were fenced (its disk was replaced) takes the
        newest epoch its peers were fenced at: older writers are refused from then on.
        Returns True if the epoch moved."""
        if epoch <= self.epoch:
            return False
        self.epoch, self.writer_id = epoch, ""
        return True

    def check_write(self, epoch: int) -> None:
        """An append at `epoch` is accepted only from the current epoch, once its
        recovery (truncation) is known."""
        if epoch < self.epoch:
            raise StaleEpoch(f"append at epoch {epoch} refused: volume is at epoch {self.epoch}")
        if epoch not in self.truncations and not 0 < epoch <= self.floor:
            raise EpochUnknown(f"append at epoch {epoch} refused: that epoch's recovery is not known here")
        if epoch != self.epoch:
            raise StaleEpoch(f"append at epoch {epoch} refused: volume is at epoch {self.epoch}")

    def record_valid(self, record_epoch: int, lsn: int) -> bool:
        """A record survives every truncation made by a later epoch."""
        return record_valid(self.truncations, record_epoch, lsn)
