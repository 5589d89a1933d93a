"""Log trimming: a segment forgets records nobody needs from its log any more.

A record of PG p at LSN l may go once (`trim_target`):
* it is in the backup (l <= how far the PG is shipped);
* every one of the PG's six segments holds it (l <= each one's SCL, as their progress
  objects report): a segment that is behind catches up by gossip from its peers' logs;
* no reader needs the log for it (l <= the GC horizon: reads below are refused);
and, before it goes, every page it touches has a version at or above the page's last
trimmed record (made here when coalescing has not made one), so a read at any point at
or above the horizon finds a version and the records above it. The same holds at each
clone's fork point: a clone reads this volume's pages as of it.

Each pass trims at most TRIM_RECORDS_PER_PASS_MAX records, in one fsynced transaction
(one per PG cost an fsync each: after a bulk load, thousands of PGs kept the nodes busy),
ordered with appends and truncations through the persist queue.
"""

from __future__ import annotations

import asyncio
import logging

from sixfold.constants import TRIM_RECORDS_PER_PASS_MAX
from sixfold.core.records import NO_PAGE, encode_page_version, peek_page_kind
from sixfold.errors import ChecksumMismatch, SixfoldError
from storage_node.volume import NodeVolume

log = logging.getLogger("sixfold.storage.trim")


def trim_target(shipped: int, segment_scls: list[int | None], gc_horizon: int) -> int:
    """How far a PG's log may be trimmed (an unknown SCL counts as 0). Pure."""
    return min(shipped, gc_horizon, *(s or 0 for s in segment_scls))


async def trim_once(vol: NodeVolume, targets: dict[int, int]) -> int:
    """Trim each PG up to its target (bounded per pass); returns records deleted."""
    budget = TRIM_RECORDS_PER_PASS_MAX
    deleted = 0
    batch: list[tuple[int, int, list[tuple[int, int]], list[tuple[int, int, bytes]]]] = []
    for pg, target in sorted(targets.items()):
        start = vol.trimmed.get(pg, 0)
        target = min(target, vol.scl(pg))
        if target <= start or budget <= 0:
            continue
        doomed: list[tuple[int, int]] = []
        upto = start
        with vol.store.env.begin() as txn:
            for lsn, raw in vol.store.iter_raw(txn, pg, start, target):
                if budget <= 0:
                    break
                page, _kind = peek_page_kind(raw)
                doomed.append((lsn, page))
                upto = lsn
                budget -= 1
        if budget > 0:
            upto = target  # every record up to the target was visited
        # Reads must still find each page as of `upto` and as of every clone's fork in
        # between: a version at or above the page's last trimmed record below each.
        checkpoints = sorted({upto} | {p for p in vol.pin_points() if start < p < upto})
        versions = []
        made: set[tuple[int, int]] = set()
        try:
            for point in checkpoints:
                last_of_page: dict[int, int] = {}
                for lsn, page in doomed:
                    if lsn <= point and page != NO_PAGE:
                        last_of_page[page] = lsn
                for page, last in sorted(last_of_page.items()):
                    with vol.store.env.begin() as txn:
                        v = vol.store.version_at_or_below(txn, page, point)
                    if (v is not None and v[0] >= last) or (page, last) in made:
                        continue
                    image, lsn = vol._materialize(page, pg, last)
                    assert lsn == last, (page, lsn, last)
                    versions.append((page, lsn, encode_page_version(bytes(image), lsn)))
                    made.add((page, lsn))
                    await asyncio.sleep(0)
        except ChecksumMismatch:
            continue  # noted for repair by _materialize; trimmed on a later pass
        except SixfoldError as e:  # e.g. more records to apply than a read may
            log.warning("volume %s: PG %d not trimmed: %s", vol.name, pg, e)
            continue

        batch.append((pg, upto, doomed, versions))
        deleted += len(doomed)
    if batch:
        def run():
            vol.store.trim_many(batch)

        def after(_):
            for pg, upto, _doomed, _versions in batch:
                vol.trimmed[pg] = upto
                vol.chain(pg).note_trimmed(upto)

        await vol.control(run, after)
    if deleted:
        log.debug("volume %s: trimmed %d records", vol.name, deleted)
    return deleted


__all__ = ["trim_target", "trim_once"]
