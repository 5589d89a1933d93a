"""A second writer fences the first while it has commits in flight. Every commit of
the old writer ends as exactly one of durable, refused or in doubt, and each is
honest: a durable one is in the new writer's volume, a refused one never appears,
an in-doubt one may go either way (but is never partial, and the writer never
retries it). Every later attempt of the old writer is refused."""

from __future__ import annotations

import asyncio
import itertools

import pytest

from compute_node.volume_client import VolumeClient
from sixfold.errors import CommitInDoubt, StaleEpoch
from tests.integration.mtr_workload import MtrWorkload, seed_from_env


@pytest.mark.integration
def test_superseded_writer_outcomes_are_honest(cluster_builder):
    seed = seed_from_env()
    cluster = cluster_builder.build()
    wl = MtrWorkload(seed, image_pages_count=1_000_000, image_bytes=128)

    async def run():
        old = await VolumeClient.open(cluster.spec)
        durable: dict[int, int] = {}
        refused: list[int] = []
        in_doubt: list[int] = []
        ids = itertools.count()

        async def old_writer():
            while True:
                i = next(ids)
                try:
                    c = await old.submit(wl.changes(i))
                except StaleEpoch:
                    refused.append(i)  # nothing was sent; every later attempt is refused too
                    return
                try:
                    durable[i] = await c.durable(5_000)
                except CommitInDoubt:
                    in_doubt.append(i)

        tasks = [asyncio.ensure_future(old_writer()) for _ in range(8)]
        while len(durable) < 150:
            await asyncio.sleep(0.01)
        new = await VolumeClient.open(cluster.spec)  # fences the old writer mid-stream
        assert new.epoch > old.epoch
        await asyncio.wait_for(asyncio.gather(*tasks), 30)  # each ends at its first refusal
        assert len(refused) == len(tasks)
        late = {i: c for i, c in durable.items() if c > new.recovered.vdl}
        assert not late, f"old writer saw commits acknowledged above the new writer's VDL: {late}"
        with pytest.raises(StaleEpoch):
            await old.commit(wl.changes(10_000_000))
        states = {}
        for i in [*durable, *refused, *in_doubt]:
            states[i] = wl.state_of(i, await new.get_page(wl.image_page(i)), await new.get_page(wl.stamp_page(i)))
        assert all(states[i] == "present" for i in durable), {i: states[i] for i in durable if states[i] != "present"}
        assert all(states[i] == "absent" for i in refused), {i: states[i] for i in refused if states[i] != "absent"}
        assert all(states[i] in ("present", "absent") for i in in_doubt), \
            {i: states[i] for i in in_doubt if states[i] not in ("present", "absent")}
        # The new writer goes on.
        await new.commit(wl.changes(5_000_000))
        kept = sum(states[i] == "present" for i in in_doubt)
        print(f"old writer: {len(durable)} durable, {len(refused)} refused, {len(in_doubt)} in doubt "
              f"({kept} survived recovery); new epoch {new.epoch} opened at VDL {new.recovered.vdl}")
        await old.close()
        await new.close()

    asyncio.run(run())
