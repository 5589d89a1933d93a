"""A commit cancelled at any await point of the commit path never wedges the writer
and never lies: cancelled before it was sent it is refused (and never appears),
cancelled after it was sent it is in doubt. Run in the simulator, so "the k-th await"
is the same place on every run."""

from __future__ import annotations

import asyncio

import pytest

from sixfold.errors import SixfoldError
from sixfold.sim.runner import calm_schedule, finish, simulate

LAL_RECORDS = 6  # three two-record commits fill it
CANCEL_AFTER_TURNS_MAX = 12  # loop turns before the cancel: past every await of a commit
FOLLOW_UP_COMMITS = 3
FOLLOW_UP_BOUND_MS = 5_000


async def _commit(world, vc) -> str:
    world._mtr += 1
    return await world.one_commit(vc, world._mtr, cancel_after=None)


async def _scenario(world, inj, _schedule, lal_full: bool, cancelled: list[str]) -> None:
    for n in world.node_names:
        world.start_node(n)
    assert await inj.ensure_writer()
    vc = world.writers[world.current]
    vc.tracker.lal_records = LAL_RECORDS
    paused = world.node_names[:3]  # three of six: no write quorum, VDL stands still
    for k in range(CANCEL_AFTER_TURNS_MAX):
        fillers = []
        if lal_full:
            for n in paused:
                world.net.pause(n)
            while vc.tracker.can_allocate(2):  # fill the LAL: these wait for the nodes to return
                world._mtr += 1
                fillers.append(asyncio.ensure_future(world.one_commit(vc, world._mtr, None)))
                await asyncio.sleep(0)
        world._mtr += 1
        cancelled.append(await world.one_commit(vc, world._mtr, cancel_after=k))
        for n in paused:
            world.net.resume(n)
        for f in fillers:
            await f
        # The writer is not wedged: the next commits are durable within a bound.
        for _ in range(FOLLOW_UP_COMMITS):
            world._mtr += 1
            c = await vc.submit(world.changes(world._mtr))
            try:
                await c.durable(FOLLOW_UP_BOUND_MS)
            except SixfoldError as e:
                world.violation("wedged", f"after a commit cancelled at turn {k}: {e!r}")
                return
            world.oracle.on_outcome(_durable(world._mtr, vc, c.cpl))
    await finish(world, 0)


def _durable(mtr, vc, cpl):
    from sixfold.sim.oracle import Outcome
    return Outcome(mtr, "durable", vc.epoch, cpl)


@pytest.mark.parametrize("lal_full", [False, True], ids=["waiting-for-durability", "waiting-for-lal"])
def test_cancel_at_every_await_then_commit_more(lal_full):
    cancelled: list[str] = []  # what the commit cancelled after k loop turns ended as, by k
    r = simulate(7, lambda w, i, s: _scenario(w, i, s, lal_full, cancelled), schedule=calm_schedule(7, committers=0))
    print(f"cancelled after 0..{CANCEL_AFTER_TURNS_MAX - 1} turns: {cancelled}; final check: {r.outcomes}")
    # The oracle held every outcome against the final volume (a refused commit is absent,
    # an in-doubt one whole or absent) and every follow-up commit was durable in time.
    assert r.ok, f"{r.summary()}\n" + "\n".join(r.log_tail)
    assert len(cancelled) == CANCEL_AFTER_TURNS_MAX
    if lal_full:
        # Every await before the LSNs are allocated: nothing was sent.
        assert set(cancelled) == {"refused"}, cancelled
    else:
        # Cancelled before submit ran: refused; at every await after it: in doubt.
        assert cancelled[0] == "refused" and set(cancelled[1:]) == {"in_doubt"}, cancelled
    assert r.outcomes["durable"] >= CANCEL_AFTER_TURNS_MAX * FOLLOW_UP_COMMITS


async def _lal_queue_scenario(world, inj, _schedule, waited: list[tuple[str, float]]) -> None:
    from sixfold.constants import LAL_WAIT_TIMEOUT_MS
    from sixfold.errors import LogAllocationLimit

    for n in world.node_names:
        world.start_node(n)
    assert await inj.ensure_writer()
    vc = world.writers[world.current]
    vc.tracker.lal_records = LAL_RECORDS
    for n in world.node_names[:3]:
        world.net.pause(n)
    fillers = []
    while vc.tracker.can_allocate(2):
        world._mtr += 1
        fillers.append(asyncio.ensure_future(world.one_commit(vc, world._mtr, None)))
        await asyncio.sleep(0)

    async def waiter():
        world._mtr += 1
        mtr = world._mtr
        t0 = world.loop.time()
        try:
            await vc.submit(world.changes(mtr))
            waited.append(("sent", world.loop.time() - t0))
        except LogAllocationLimit:
            waited.append(("refused", world.loop.time() - t0))
            world.oracle.on_outcome(_refused(mtr, vc))

    await asyncio.gather(*(waiter() for _ in range(5)))
    assert all(kind == "refused" and t <= LAL_WAIT_TIMEOUT_MS / 1000 + 0.1 for kind, t in waited), waited
    for n in world.node_names[:3]:
        world.net.resume(n)
    await asyncio.gather(*fillers)  # their outcomes (in doubt, refused) are held against the volume by finish
    await finish(world, 0)


def _refused(mtr, vc):
    from sixfold.sim.oracle import Outcome
    return Outcome(mtr, "refused", vc.epoch)


def test_every_lal_waiter_is_refused_within_the_bound_however_long_the_queue():
    """Five commits queue for LAL room that never comes: each is refused after at most
    LAL_WAIT_TIMEOUT_MS from its own arrival, not after those ahead of it waited theirs."""
    waited: list[tuple[str, float]] = []
    r = simulate(5, lambda w, i, s: _lal_queue_scenario(w, i, s, waited), schedule=calm_schedule(5, committers=0))
    print(waited)
    assert r.ok, f"{r.summary()}\n" + "\n".join(r.log_tail)
    assert len(waited) == 5
