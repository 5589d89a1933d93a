"""A node that missed a recovery still holds what that recovery truncated; the next
recovery must not take those records for the volume's own.

Scripted in the simulator: only one node (`lone`) receives the last commit of writer
1 (the others are cut off from the writer), writer 1 dies, `lone` is down while
writer 2 recovers (truncating that commit) and writer 2 dies too; then `lone`
returns and writer 3 recovers at once, before gossip has taught `lone` about writer
2's truncation. `lone` reports the truncated records as its own. Recovery rules them
out with the history the other nodes report, and opens at writer 2's recovery point.
Trusting the report instead (the code before 2026-12-02) makes the recovery try to
carry the dead records over, which every node that knows the truncation refuses: the
recovery fails until `lone` happens to learn by gossip."""

from __future__ import annotations

import asyncio

import pytest

from sixfold.sim.oracle import Outcome
from sixfold.sim.runner import calm_schedule, durable_commits, finish, simulate


async def _scenario(world, inj, _schedule, opened: dict) -> None:
    w1 = await durable_commits(world, inj, 5)
    lone = world.node_names[-1]
    for n in world.node_names[:-1]:
        world.net.cut(w1.writer_id, n)
    world._mtr += 1
    c = await w1.submit(world.changes(world._mtr))  # reaches `lone` only: never durable
    await asyncio.sleep(0.05)
    world.oracle.on_outcome(Outcome(world._mtr, "in_doubt", w1.epoch, c.cpl))
    opened["lone_cpl"] = c.cpl
    world.crash_writer(w1.writer_id)
    world.net.heal_all()
    world.crash_node(lone)
    assert await inj.ensure_writer()  # writer 2 recovers without `lone`: truncates the lone commit
    w2 = world.writers[world.current]
    opened["w2_vdl"] = w2.recovered.vdl
    world.crash_writer(w2.writer_id)
    world.start_node(lone)
    await asyncio.sleep(0.001)  # booted, not yet gossiped
    w3 = await world.open_writer(world.new_writer_name())  # with `lone` answering
    opened["w3"] = None if w3 is None else (w3.recovered.vdl, len(w3.recovered.carry_over))
    if w3 is not None:
        world.current = w3.writer_id
    await finish(world, 0)


def _trust_every_report(monkeypatch):
    """The bug: recovery plans without the truncation history."""
    import compute_node.recovery as rec
    real = rec.plan_recovery
    monkeypatch.setattr(rec, "plan_recovery", lambda *a, **kw: real(*a, **{**kw, "truncations": None}))


@pytest.mark.parametrize("buggy", [False, True], ids=["history", "trusting-every-report"])
def test_recovery_ignores_records_an_earlier_recovery_truncated(buggy, monkeypatch):
    if buggy:
        _trust_every_report(monkeypatch)
    opened: dict = {}
    r = simulate(3, lambda w, i, s: _scenario(w, i, s, opened), schedule=calm_schedule(3, committers=0))
    print(r.summary(), r.outcomes, opened)
    assert opened["lone_cpl"] > opened["w2_vdl"], "the lone commit was meant to lie above writer 2's recovery point"
    if buggy:
        # Trusting the lone node's report, recovery either fails (every node that knows
        # the truncation refuses the dead records) or, with the others given up after a
        # quorum answered, keeps them: the oracle names it.
        assert (not r.ok and "truncated-kept" in r.summary()) or opened.get("w3", "missing") is None, r.summary()
        return
    assert r.ok, f"{r.summary()}\n" + "\n".join(r.log_tail)
    assert opened["w3"] == (opened["w2_vdl"], 0), opened
