"""The write-quorum stall, reproduced in the simulator.

`test_write_quorum` once stalled for good after three nodes went down and one came
back: commits need that node, and the writer did not reach it again in time. The
cause: gRPC's channel reconnect backoff (1.6x per failed attempt, capped at 120 s by
default) kept failing the writer's calls to the returning node fast for seconds after
it was back; nothing bounded that wait. (A 1 s retransmit of in-flight records could
not help: it resent only to nodes already connected.) With the backoff capped at
GRPC_RECONNECT_BACKOFF_MS_MAX, the stalled commits complete within about a second.
The simulator models the channel backoff, so this runs the real writer and nodes."""

from __future__ import annotations

import asyncio

import pytest

from sixfold.constants import GRPC_RECONNECT_BACKOFF_MS_MAX
from sixfold.sim.oracle import Outcome
from sixfold.sim.runner import calm_schedule, finish, simulate

STALLED_COMMITS = 16
DOWN_S = 30.0  # how long the returning node was away


async def _scenario(world, inj, _schedule, resumed_after_s: list[float]) -> None:
    loop = world.loop
    for n in world.node_names:
        world.start_node(n)
    assert await inj.ensure_writer()
    vc = world.writers[world.current]

    async def commit_some(count: int) -> None:
        for _ in range(count):
            world._mtr += 1
            cpl = await vc.commit(world.changes(world._mtr), timeout_ms=5_000)
            world.oracle.on_outcome(Outcome(world._mtr, "durable", vc.epoch, cpl))

    await commit_some(20)
    az1, az2, az3 = ([n for n in world.node_names if world.spec.node(n).az == az] for az in ("az1", "az2", "az3"))
    returning = az2[0]
    world.crash_node(returning)
    world.crash_node(az3[1])
    down_at = loop.time()
    await commit_some(20)  # four of six: commits go on
    world.crash_node(az1[0])  # three down: no write quorum
    stalled = []
    for _ in range(STALLED_COMMITS):
        world._mtr += 1
        stalled.append((world._mtr, await vc.submit(world.changes(world._mtr))))
    await asyncio.sleep(1.5)
    assert not any(c.fut.done() for _, c in stalled), "a commit became durable with three of six down"
    await asyncio.sleep(max(0.0, down_at + DOWN_S - loop.time()))
    # The node returns just after one of the writer's connection attempts failed, as
    # it may in life: the writer's next attempt is then as far off as the backoff says.
    address = world.spec.node(returning).address
    for _ in range(600):
        next_try = world.net._channels.get((vc.writer_id, address), (0.0, 0.0))[0]
        if next_try - loop.time() >= min(5.0, 0.8 * world.net.backoff_max_s):
            break
        await asyncio.sleep(0.05)
    world.start_node(returning)
    back_at = loop.time()
    for mtr, c in stalled:
        await c.durable(120_000)
        world.oracle.on_outcome(Outcome(mtr, "durable", vc.epoch, c.cpl))
    resumed_after_s.append(loop.time() - back_at)
    inj_nodes = [az1[0], az3[1]]
    for n in inj_nodes:
        world.start_node(n)
    await finish(world, 0)


def _run(backoff_max_s: float) -> float:
    resumed: list[float] = []

    def tune(world):
        world.net.backoff_max_s = backoff_max_s

    r = simulate(11, lambda w, i, s: _scenario(w, i, s, resumed), schedule=calm_schedule(11, committers=0),
                 tune=tune)
    assert r.ok, f"{r.summary()}\n" + "\n".join(r.log_tail)
    return resumed[0]


@pytest.mark.parametrize("backoff_max_s, bound_s, expect_stall", [
    (GRPC_RECONNECT_BACKOFF_MS_MAX / 1000, 3.0, False),  # Sixfold's channels
    (120.0, 4.0, True),  # gRPC's default channel backoff
])
def test_stalled_commits_resume_soon_after_a_node_returns(backoff_max_s, bound_s, expect_stall):
    waited_s = _run(backoff_max_s)
    print(f"reconnect backoff capped at {backoff_max_s} s: the stalled commits completed {waited_s:.2f} s "
          f"after the node returned (it was away {DOWN_S} s)")
    assert (waited_s > bound_s) if expect_stall else (waited_s < bound_s)
