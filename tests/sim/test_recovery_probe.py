"""Recovery asks again, boundedly, when fewer than a write quorum answer.

A writer starting while some storage nodes are up but not answering it yet (a busy
machine, a channel reconnecting) used to fail at once with QuorumUnavailable, and a
compute node's start with it (a restore drill under load did). Scripted in the
simulator: the new writer is cut off from three of the six nodes while it recovers; the
cuts heal within RECOVERY_RETRY_MS of its first probe falling short and the writer
opens. Kept cut, it gives up after that long, naming the nodes that did not answer."""

from __future__ import annotations

import asyncio

import pytest


from sixfold.constants import RECOVERY_RETRY_MS, RPC_TIMEOUT_MS
from sixfold.sim.runner import calm_schedule, durable_commits, finish, simulate


async def _scenario(world, inj, _schedule, seen: dict, heal_after_s: float | None) -> None:
    w1 = await durable_commits(world, inj, 3)
    world.crash_writer(w1.writer_id)
    name = world.new_writer_name()
    for n in world.node_names[:3]:
        world.net.cut(name, n)
    t0 = world.loop.time()
    if heal_after_s is not None:
        world.loop.call_later(heal_after_s, world.net.heal_all)
    w = await world.open_writer(name)
    seen["opened"] = w is not None
    seen["took_s"] = world.loop.time() - t0
    seen["phases"] = w and w.recovered.phases_ms
    world.net.heal_all()
    if w is not None:
        world.current = w.writer_id
    else:
        assert await inj.ensure_writer()
    await finish(world, 0)


# The first probe waits out one RPC timeout on the silent nodes (a cut in the simulator
# is silence, not a refusal); the window starts then.
FIRST_SHORTFALL_S = RPC_TIMEOUT_MS / 1000


@pytest.mark.parametrize("heal_after_s", [FIRST_SHORTFALL_S + 1.0, None], ids=["healed-within-the-window", "kept-cut"])
def test_recovery_waits_boundedly_for_a_write_quorum(heal_after_s):
    seen: dict = {}
    r = simulate(5, lambda w, i, s: _scenario(w, i, s, seen, heal_after_s), schedule=calm_schedule(5, committers=0))
    print(r.summary(), seen)
    assert r.ok, f"{r.summary()}\n" + "\n".join(r.log_tail)
    if heal_after_s is not None:
        assert seen["opened"], seen
        probe_s = seen["phases"]["probe"] / 1000
        assert heal_after_s <= probe_s < FIRST_SHORTFALL_S + RECOVERY_RETRY_MS / 1000, seen
    else:
        assert not seen["opened"], seen
        # Given up when the window is spent, not before, and not later: the retries' own
        # RPCs end within the window.
        limit_s = FIRST_SHORTFALL_S + RECOVERY_RETRY_MS / 1000
        assert limit_s - 1.1 <= seen["took_s"] <= limit_s + 0.5, seen
