"""GetPage@LSN: an older read point keeps seeing the older page while it is pinned,
even after coalescing and GC have run; once the writer stops advertising it and GC
passes it, reads there are refused as collected."""

from __future__ import annotations

import asyncio

import pytest

from compute_node.volume_client import PageChange, VolumeClient
from sixfold.supervisor import wait_until
from sixfold.constants import COALESCE_DELTAS_PER_PAGE_MIN, PAGE_SIZE_BYTES
from sixfold.errors import ReadPointCollected

PAGE = 7


def page_of(byte: int) -> bytes:
    return bytes([byte]) * PAGE_SIZE_BYTES


@pytest.mark.integration
def test_old_read_point_sees_old_version_until_gc(cluster_builder):
    cluster = cluster_builder.build()

    # Polls run in a thread: the writer's event loop must keep advertising its read point.
    async def run():
        vc = await VolumeClient.open(cluster.spec)
        try:
            await vc.commit([PageChange.image(PAGE, page_of(1))])
            old_lsn = vc.acquire_read_point()
            # Many newer versions: deltas so that coalescing materializes page versions.
            round_lsns = []
            for round_ in range(6):
                await vc.commit([PageChange.image(PAGE, page_of(10 + round_))])
                for k in range(COALESCE_DELTAS_PER_PAGE_MIN + 2):  # enough for a page version
                    await vc.commit([PageChange.delta(PAGE, [(k * 8, b"round%02d" % round_)])])
                round_lsns.append(vc.vdl)
            new_lsn = vc.vdl
            names = list(cluster.nodes)
            await asyncio.to_thread(wait_until, lambda: all(cluster.health(n).versions_count > 0 for n in names), 15,
                       "coalescing to materialize page versions")
            # GC runs up to the pinned read point, and no further.
            await asyncio.to_thread(wait_until, lambda: all(cluster.health(n).gc_horizon_lsn == old_lsn for n in names), 15,
                       "GC to reach the pinned read point")
            assert await vc.get_page(PAGE, old_lsn) == page_of(1)
            latest = await vc.get_page(PAGE, new_lsn)
            assert latest[:7] == b"round05" and latest[8 * (COALESCE_DELTAS_PER_PAGE_MIN + 2):] == page_of(15)[8 * (COALESCE_DELTAS_PER_PAGE_MIN + 2):]
            # Every read point in between sees its own round.
            for round_, lsn in enumerate(round_lsns):
                mid = await vc.get_page(PAGE, lsn)
                assert mid[:7] == b"round%02d" % round_ and mid[8 * (COALESCE_DELTAS_PER_PAGE_MIN + 2):] == page_of(10 + round_)[8 * (COALESCE_DELTAS_PER_PAGE_MIN + 2):]
            # Unpin: GC passes the old read point and reads there are refused.
            vc.release_read_point(old_lsn)
            await asyncio.to_thread(wait_until, lambda: all(cluster.health(n).gc_horizon_lsn > old_lsn for n in names), 15,
                       "GC to pass the released read point")
            with pytest.raises(ReadPointCollected):
                await vc.get_page(PAGE, old_lsn)
            assert await vc.get_page(PAGE) == latest
        finally:
            await vc.close()

    asyncio.run(run())
