"""The control plane's state file and topology watchers, without processes."""

from __future__ import annotations

import asyncio

import pytest

from control_plane.state import STATE_FILE_NAME, ControlState, StateError, StateFile
from control_plane.topology import TooManyWatchers, TopologyHub, build_topology
from sixfold.constants import CONTROL_WATCH_QUEUE_TOPOLOGIES_MAX
from sixfold.core.failover import Promote
from sixfold.rpc import control_pb2 as pb
from sixfold.spec import ClusterSpec, ComputeNodeSpec, ControlPlaneSpec


def spec(*extra: ComputeNodeSpec, name: str = "c1") -> ClusterSpec:
    nodes = (ComputeNodeSpec("db-1", "az1", "127.0.0.1", 5441, "writer", 0, 7201),
             ComputeNodeSpec("db-2", "az2", "127.0.0.1", 5442, "replica", 1, 7202),
             ComputeNodeSpec("db-3", "az3", "127.0.0.1", 5443, "replica", 2, 7203)) + extra
    return ClusterSpec(name=name, storage_nodes=(), compute_nodes=nodes,
                       control_plane=ControlPlaneSpec("127.0.0.1", 7300))


# --- state ---------------------------------------------------------------------------------
def test_a_fresh_control_plane_takes_the_writer_from_the_spec(tmp_path):
    s = StateFile(tmp_path).load(spec())
    assert (s.writer, s.generation, s.epoch) == ("db-1", 1, 0)
    assert s.roles == {"db-1": "writer", "db-2": "replica", "db-3": "replica"}


def test_state_survives_a_restart_and_is_written_atomically(tmp_path):
    sp = spec()
    f = StateFile(tmp_path)
    core = f.load(sp).core(sp, now_s=0.0, detect_ms=2_000)
    core.observe("db-2", 0.0, True, role="replica", synced=True)
    [p] = core.request_failover(0.0, "db-2")
    core.promoted("db-2", 7, 0.1)
    f.save(ControlState.of(core, sp.name))
    assert sorted(x.name for x in tmp_path.iterdir()) == [STATE_FILE_NAME]  # no temporary file left

    again = StateFile(tmp_path).load(sp)
    assert (again.writer, again.generation, again.epoch) == ("db-2", 2, 7)
    assert again.roles == {"db-1": "down", "db-2": "writer", "db-3": "replica"}
    assert again.history == [(2, "db-2", 7)]


def test_a_resumed_core_waits_a_detection_bound_before_judging_the_writer(tmp_path):
    sp = spec()
    core = StateFile(tmp_path).load(sp).core(sp, now_s=100.0, detect_ms=2_000)
    core.observe("db-2", 100.1, True, role="replica", synced=True)
    assert core.tick(101.9) == []  # the writer was not checked yet, but the bound has not passed
    assert [a.target for a in core.tick(102.0) if isinstance(a, Promote)] == ["db-2"]


def test_the_spec_may_gain_and_lose_instances_but_never_names_the_writer_again(tmp_path):
    f = StateFile(tmp_path)
    f.save(ControlState("c1", "db-2", 4, 9, {"db-1": "down", "db-2": "writer", "db-3": "replica"}))
    gone = ClusterSpec(name="c1", storage_nodes=(), compute_nodes=spec().compute_nodes[:2]
                       + (ComputeNodeSpec("db-4", "az1", "127.0.0.1", 5444, "writer", 0, 7204),))
    s = f.load(gone)
    assert (s.writer, s.generation) == ("db-2", 4)
    assert s.roles == {"db-1": "down", "db-2": "writer", "db-4": "replica"}


def test_an_unusable_state_file_stops_the_start(tmp_path):
    f = StateFile(tmp_path)
    f.save(ControlState.fresh(spec(name="other")))
    with pytest.raises(StateError, match="other"):
        f.load(spec())
    f.path.write_text("{not json")
    with pytest.raises(StateError, match="unreadable"):
        f.load(spec())


# --- topology and watchers -----------------------------------------------------------------
def topo(generation: int) -> pb.Topology:
    return pb.Topology(generation=generation, writer="db-1")


def test_the_topology_names_every_instance_in_spec_order(tmp_path):
    sp = spec()
    core = StateFile(tmp_path).load(sp).core(sp, 0.0, 2_000)
    core.observe("db-3", 0.0, True, role="replica", synced=True, lag_lsn=5, lag_ms=1.5)
    t = build_topology(core, sp)
    assert (t.writer, t.generation) == ("db-1", 1)
    assert [(i.name, i.role, i.tier, i.admin_port, i.healthy) for i in t.instances] == [
        ("db-1", "writer", 0, 7201, False), ("db-2", "replica", 1, 7202, False), ("db-3", "replica", 2, 7203, True)]
    assert (t.instances[2].lag_lsn, t.instances[2].lag_ms) == (5, 1.5)


def test_a_slow_watcher_is_dropped_without_holding_up_the_others():
    async def run():
        hub = TopologyHub()
        hub.publish(topo(1))
        slow, fast = hub.subscribe(), hub.subscribe()
        assert (await fast.queue.get()).generation == 1  # the current topology comes first
        for g in range(2, CONTROL_WATCH_QUEUE_TOPOLOGIES_MAX + 3):
            hub.publish(topo(g))
            assert (await fast.queue.get()).generation == g
        assert slow.dropped and slow not in hub.watchers
        assert await slow.queue.get() is None  # its stream ends
        assert fast in hub.watchers and not fast.dropped

    asyncio.run(run())


def test_watchers_are_bounded_and_closing_ends_every_stream():
    async def run():
        hub = TopologyHub(watchers_max=2)
        a, b = hub.subscribe(), hub.subscribe()
        with pytest.raises(TooManyWatchers):
            hub.subscribe()
        hub.unsubscribe(b)
        hub.subscribe()
        hub.close()
        assert await a.queue.get() is None and not a.dropped

    asyncio.run(run())
