"""A second writer fences the first: every later append of the old writer is refused
and it never sees another commit acknowledged; whatever it did see acknowledged
survives in the new writer's volume."""

from __future__ import annotations

import asyncio
import itertools

import pytest

from compute_node.volume_client import VolumeClient
from sixfold.errors import StaleEpoch
from tests.integration.mtr_workload import MtrWorkload, seed_from_env


@pytest.mark.integration
def test_superseded_writer_is_refused(cluster_builder):
    seed = seed_from_env()
    cluster = cluster_builder.build()
    wl = MtrWorkload(seed, image_pages_count=1_000_000, image_bytes=128)

    async def run():
        old = await VolumeClient.open(cluster.spec)
        acked: dict[int, int] = {}
        refused: list[int] = []
        stop = asyncio.Event()
        ids = itertools.count()

        async def old_writer():
            while not stop.is_set():
                i = next(ids)
                try:
                    acked[i] = await old.commit(wl.changes(i), timeout_ms=5_000)
                except StaleEpoch:
                    refused.append(i)
                    await asyncio.sleep(0)  # a refusal is immediate: let the test observe it

        tasks = [asyncio.ensure_future(old_writer()) for _ in range(4)]
        while len(acked) < 300:
            await asyncio.sleep(0.01)
        new = await VolumeClient.open(cluster.spec)  # fences the old writer mid-stream
        assert new.epoch > old.epoch
        acked_at_fence = dict(acked)
        # The old writer keeps trying; every attempt from now on must be refused.
        while len(refused) < 50:
            await asyncio.sleep(0.01)
        stop.set()
        await asyncio.gather(*tasks)
        late = {i: c for i, c in acked.items() if c > new.recovered.vdl}
        assert not late, f"old writer saw commits acknowledged above the new writer's VDL: {late}"
        with pytest.raises(StaleEpoch):
            await old.commit(wl.changes(10_000))
        # Everything the old writer saw acknowledged is in the new writer's volume.
        for i in acked:
            st = wl.state_of(i, await new.get_page(wl.image_page(i)), await new.get_page(wl.stamp_page(i)))
            assert st == "present", (i, st)
        # The new writer goes on.
        await new.commit(wl.changes(5_000))
        print(f"old writer: {len(acked_at_fence)} acked before the fence, {len(acked)} in all, "
              f"{len(refused)} refused; new epoch {new.epoch} opened at VDL {new.recovered.vdl}")
        await old.close()
        await new.close()

    asyncio.run(run())
