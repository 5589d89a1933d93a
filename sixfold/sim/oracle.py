"""What the simulator knows that no process does, and the invariants it checks.

The oracle sees every record a writer sends, every commit outcome a client is told,
every recovery point, and every simulated disk. It checks, as the run goes:

* vdl-quorum: whenever a writer's VDL advances, every record it passes is on the
  disks of at least four of its PG's six segments (the exact record: same epoch).
  A disk the schedule lost still counts for what it held when it was lost: copies
  disappear only that way, and the final check below says whether any mattered.
* durable-lost: after every recovery, every commit any writer reported durable is
  at or below the recovered VDL and still on at least four disks.
* fenced-ack: a node never acknowledges an append of an epoch older than its own.
* fenced-by-newer: a writer is told it was fenced only once some node has persisted
  a newer epoch (a node that forgot or never knew a recovery must not stop a writer).
* truncated-kept: a node that acknowledged a recovery's truncation holds no record
  that recovery (or an earlier one it knows) removed.
* carry-over: a writer opens only once the records recovery kept sit on four disks.
* handler-error / task-died: no server handler or background task dies of an
  exception nobody expected (injected disk faults are expected).
* wedged: once every fault has healed, the writer commits again within a bound.

and at the end of the run, over the final recovered volume:

* outcome: a commit reported durable is there, one refused is not, one in doubt is
  there entirely or not at all (never partial); read back through GetPage for a
  sample, which must succeed (unreadable).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from sixfold.constants import V_SEGMENTS_COUNT, W_QUORUM_COUNT
from sixfold.core.records import NO_PAGE, decode_page_version, peek_header
from sixfold.core.segment_state import record_valid
from sixfold.sim.disk import MemDisk
from storage_node.store import log_key, page_key

LOG_DB = b"log"
META_DB = b"meta"
PAGE_LOG_DB = b"page_log"
VERSIONS_DB = b"versions"


class InvariantViolation(Exception):
    def __init__(self, invariant: str, detail: str):
        super().__init__(f"{invariant}: {detail}")
        self.invariant, self.detail = invariant, detail


@dataclass
class Outcome:
    mtr: int
    kind: str  # "durable" | "refused" | "in_doubt"
    epoch: int = 0
    cpl: int = 0


@dataclass
class Oracle:
    node_disks: dict[str, MemDisk]  # node name -> its disk (one volume per node)
    segments_of: object  # pg -> six node names
    sent: dict[tuple[int, int], tuple[int, bytes]] = field(default_factory=dict)  # (epoch, lsn) -> (pg, raw)
    commits: dict[tuple[int, int], list[int]] = field(default_factory=dict)  # (epoch, cpl) -> its LSNs
    outcomes: dict[int, Outcome] = field(default_factory=dict)
    history: dict[int, int] = field(default_factory=dict)  # every recovery point: epoch -> VDL
    violations: list[InvariantViolation] = field(default_factory=list)
    checks: int = 0
    lost: dict[str, tuple[dict[bytes, bytes], dict[int, int]]] = field(default_factory=dict)
    # node -> (its log, its trim marks) when its disk was lost
    fenced_epoch_max: int = 0  # the newest epoch any node persisted in its fence

    def __post_init__(self) -> None:
        for disk in self.node_disks.values():
            disk.on_commit = self._on_disk_commit

    def _on_disk_commit(self, disk: MemDisk, written: dict) -> None:
        if b"fence" in written.get(META_DB, ()):
            epoch = json.loads(disk.db(META_DB).values[b"fence"])["epoch"]
            self.fenced_epoch_max = max(self.fenced_epoch_max, epoch)

    def fail(self, invariant: str, detail: str) -> None:
        v = InvariantViolation(invariant, detail)
        self.violations.append(v)
        raise v

    # --- ground truth on the disks ---------------------------------------------------------
    def holders(self, pg: int, lsn: int, raw: bytes) -> list[str]:
        """The segments holding the record: in their log, or trimmed from it (a node trims
        only what all six segments hold, after writing the pages it touches)."""
        key, trim_key = log_key(pg, lsn), _trim_key(pg)
        out = []
        for n in self.segments_of(pg):
            disk = self.node_disks[n]
            trimmed = disk.db(META_DB).values.get(trim_key)
            lost_log, lost_trims = self.lost.get(n, ({}, {}))
            if disk.db(LOG_DB).values.get(key) == raw or (trimmed is not None and int.from_bytes(trimmed, "big") >= lsn) \
                    or lost_log.get(key) == raw or lost_trims.get(pg, 0) >= lsn:
                out.append(n)
        return out

    def check_quorum(self, epoch: int, lsns, what: str, invariant: str) -> None:
        for lsn in lsns:
            pg, raw = self.sent[(epoch, lsn)]
            self.checks += 1
            got = self.holders(pg, lsn, raw)
            if len(got) < 4:
                self.fail(invariant, f"{what}: record {lsn} (epoch {epoch}, PG {pg}) is on {len(got)} of 6 "
                                     f"segments ({', '.join(got) or 'none'})")

    # --- events -------------------------------------------------------------------------
    def on_disk_lost(self, node: str) -> None:
        assert node not in self.lost and len(self.lost) < V_SEGMENTS_COUNT - W_QUORUM_COUNT, \
            "the fault model loses at most V-W disks per run, each once"
        disk = self.node_disks[node]
        self.lost[node] = (dict(disk.db(LOG_DB).values), trim_marks(disk))

    def on_sent(self, epoch: int, entries) -> None:
        lsns = []
        for lsn, pg, _page, raw in entries:
            self.sent[(epoch, lsn)] = (pg, raw)
            lsns.append(lsn)
        if lsns:
            self.commits[(epoch, lsns[-1])] = lsns

    def on_vdl(self, epoch: int, old: int, new: int) -> None:
        self.check_quorum(epoch, [l for l in range(old + 1, new + 1) if (epoch, l) in self.sent],
                          f"writer of epoch {epoch} advanced VDL {old} -> {new}", "vdl-quorum")

    def on_recovered(self, epoch: int, vdl: int, carried: dict[int, tuple[int, bytes]]) -> None:
        if self.history.get(epoch, vdl) != vdl:
            self.fail("recovery", f"epoch {epoch} recovered twice, at {self.history[epoch]} and {vdl}")
        self.history[epoch] = vdl
        for lsn, (pg, raw) in carried.items():
            _l, _pg, _prev, _cpl, rec_epoch = peek_header(raw)
            self.sent.setdefault((rec_epoch, lsn), (pg, raw))
            if not record_valid(self.history, rec_epoch, lsn):
                self.fail("truncated-kept", f"recovery of epoch {epoch} kept record {lsn} of epoch {rec_epoch}, "
                                            "which an earlier recovery truncated")
            self.checks += 1
            got = self.holders(pg, lsn, raw)
            if len(got) < 4:
                self.fail("carry-over", f"writer of epoch {epoch} opened with record {lsn} on {len(got)} segments")
        self.check_durable(f"after recovery of epoch {epoch} at VDL {vdl}", vdl, epoch)

    def check_durable(self, when: str, vdl: int | None = None, epoch: int | None = None) -> None:
        """Every commit reported durable (by a writer older than `epoch`) is at or below
        `vdl` and on four disks. A newer writer's commits may postdate a slow recovery."""
        for o in self.outcomes.values():
            if o.kind != "durable" or (epoch is not None and o.epoch >= epoch):
                continue
            if vdl is not None and o.cpl > vdl:
                self.fail("durable-lost", f"{when}: commit of MTR {o.mtr} (epoch {o.epoch}, CPL {o.cpl}) was "
                                          f"reported durable but lies above the recovered VDL {vdl}")
            self.check_quorum(o.epoch, self.commits[(o.epoch, o.cpl)], f"{when}: MTR {o.mtr} reported durable",
                              "durable-lost")

    def on_outcome(self, o: Outcome) -> None:
        assert o.mtr not in self.outcomes, o
        self.outcomes[o.mtr] = o

    def on_persisted(self, node: str, batch_epoch: int, fence_epoch: int, acked: bool) -> None:
        if acked and batch_epoch != fence_epoch:
            self.fail("fenced-ack", f"{node} acknowledged an append of epoch {batch_epoch} while at epoch {fence_epoch}")

    def on_writer_fenced(self, writer: str, epoch: int, why: str) -> None:
        if self.fenced_epoch_max <= epoch:
            self.fail("fenced-by-newer", f"{writer} (epoch {epoch}) was told it is fenced, but no node ever "
                                         f"persisted an epoch above {self.fenced_epoch_max}: {why}")

    def on_truncated(self, node: str, node_epoch: int) -> None:
        """`node` acknowledged a recovery's truncation: it holds nothing it removed."""
        known = {e: t for e, t in self.history.items() if e <= node_epoch}
        for key, raw in self.node_disks[node].db(LOG_DB).values.items():
            lsn, _pg, _prev, _cpl, epoch = peek_header(raw)
            self.checks += 1
            if not record_valid(known, epoch, lsn):
                self.fail("truncated-kept", f"{node} acknowledged truncation at epoch {node_epoch} but still holds "
                                            f"record {lsn} of epoch {epoch}")

    # --- the end --------------------------------------------------------------------------
    def page_present(self, page: int, pg: int, vdl: int, payload: bytes) -> bool:
        """Whether `page` carries `payload` (its one writer's change) at or below `vdl` on
        any disk: in a valid record, or in a page version (trimming keeps only those)."""
        lo, hi = page_key(page, 0), page_key(page + 1, 0)
        for disk in self.node_disks.values():
            pl = disk.db(PAGE_LOG_DB)
            for k in pl.keys[_bisect(pl.keys, lo):_bisect(pl.keys, hi)]:
                lsn = int.from_bytes(k[8:], "big")
                raw = disk.db(LOG_DB).values.get(log_key(pg, lsn))
                if raw is None or lsn > vdl:
                    continue
                _l, _pg, _prev, _cpl, epoch = peek_header(raw)
                if record_valid(self.history, epoch, lsn):
                    return True
            versions = disk.db(VERSIONS_DB)
            for k in versions.keys[_bisect(versions.keys, lo):_bisect(versions.keys, hi)]:
                image, lsn = decode_page_version(versions.values[k])
                if lsn <= vdl and image[:len(payload)] == payload:
                    return True
        return False

    def check_outcomes(self, final_vdl: int, pages_of, pg_of, payload_of) -> dict[str, int]:
        """Every client outcome against the final volume (`payload_of(mtr, k)`: what MTR
        `mtr` wrote at the start of its k-th page). Returns counts per state."""
        seen = {"durable": 0, "refused": 0, "in_doubt": 0, "in_doubt_kept": 0}
        for o in sorted(self.outcomes.values(), key=lambda o: o.mtr):
            present = [self.page_present(p, pg_of(p), final_vdl, payload_of(o.mtr, k))
                       for k, p in enumerate(pages_of(o.mtr))]
            self.checks += 1
            seen[o.kind] += 1
            if o.kind == "durable" and not all(present):
                self.fail("outcome", f"MTR {o.mtr} was reported durable (epoch {o.epoch}, CPL {o.cpl}) but is "
                                     f"{'partly' if any(present) else 'not'} in the final volume")
            if o.kind == "refused" and any(present):
                self.fail("outcome", f"MTR {o.mtr} was refused but is in the final volume")
            if o.kind == "in_doubt":
                if any(present) and not all(present):
                    self.fail("outcome", f"MTR {o.mtr} (in doubt) is partly in the final volume")
                seen["in_doubt_kept"] += all(present)
        return seen


def _trim_key(pg: int) -> bytes:
    return b"trm" + pg.to_bytes(4, "big")  # VolumeStore's trim mark of `pg`


def trim_marks(disk: MemDisk) -> dict[int, int]:
    """PG -> how far its log was trimmed on `disk` (the store's b"trm" marks)."""
    meta = disk.db(META_DB).values
    return {int.from_bytes(k[3:7], "big"): int.from_bytes(v, "big") for k, v in meta.items() if k[:3] == b"trm"}


def _bisect(keys: list[bytes], k: bytes) -> int:
    from bisect import bisect_left
    return bisect_left(keys, k)


__all__ = ["Oracle", "Outcome", "InvariantViolation", "NO_PAGE"]
