"""The control plane as a real process (`python -m control_plane`) against fake compute
instances (tests/integration/fake_compute.py): failover when the writer is killed or
hangs, planned failover and its refusals, a failed promotion, and a control plane
killed and restarted.

Five instances; the best candidate is db-3 (tier 1, least lag), then db-2 (tier 1),
then db-5 (tier 2, though it lags least); db-4 has tier 0 but is not synced, so it is
never promoted.
"""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import grpc
import pytest

from sixfold.supervisor import free_ports, wait_until
from sixfold.constants import FAILOVER_DETECT_MS
from sixfold.rpc import compute_pb2 as cpb
from sixfold.rpc import compute_pb2_grpc as cpb_grpc
from sixfold.rpc import control_pb2 as pb
from sixfold.rpc import control_pb2_grpc as pb_grpc
from sixfold.spec import ClusterSpec, ComputeNodeSpec, ControlPlaneSpec
from tests.integration.fake_compute import FakeInstance, FakeVolume

REPO = Path(__file__).resolve().parents[2]
DETECT_S = FAILOVER_DETECT_MS / 1000
START_TIMEOUT_S = 20.0
FAILOVER_WAIT_S = DETECT_S + 10.0  # any failover, with room for a loaded machine
UNEXPECTED = re.compile(r"Traceback|\bERROR\b|\bCRITICAL\b")
# name: (az, tier, role, vdl, synced)
INSTANCES = {"db-1": ("az1", 0, "writer", 100, True), "db-2": ("az2", 1, "replica", 90, True),
             "db-3": ("az3", 1, "replica", 100, True), "db-4": ("az1", 0, "replica", 100, False),
             "db-5": ("az2", 2, "replica", 100, True)}


class ControlPlaneProcess:
    def __init__(self, spec_path: Path, data_dir: Path, log_path: Path, address: str):
        self.spec_path, self.data_dir, self.log_path = spec_path, data_dir, log_path
        self.proc: subprocess.Popen | None = None
        self.channel = grpc.insecure_channel(address)
        self.stub = pb_grpc.ControlPlaneStub(self.channel)

    def start(self) -> "ControlPlaneProcess":
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "control_plane", "--cluster-spec", str(self.spec_path),
                 "--data-dir", str(self.data_dir)], cwd=REPO, stdout=log, stderr=log)
        self.started_s = time.monotonic()
        wait_until(lambda: self.topology(), START_TIMEOUT_S, "the control plane to answer GetTopology")
        return self

    def topology(self) -> pb.Topology:
        assert self.proc.poll() is None, f"control plane exited with {self.proc.returncode}"
        return self.stub.GetTopology(pb.TopologyRequest(), timeout=2)

    def kill(self) -> None:
        self.proc.kill()
        self.proc.wait()

    def terminate(self) -> int:
        self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout=10)

    def unexpected_log_lines(self) -> list[str]:
        return [line for line in self.log_path.read_text(errors="replace").splitlines() if UNEXPECTED.search(line)]


class Watch:
    """A WatchTopology stream read in a thread: every topology received, with when."""

    def __init__(self, stub: pb_grpc.ControlPlaneStub):
        self.received: list[tuple[float, pb.Topology]] = []
        self.call = stub.WatchTopology(pb.TopologyRequest())
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self) -> None:
        try:
            for t in self.call:
                self.received.append((time.monotonic(), t))
        except grpc.RpcError:
            pass  # cancelled at the end of the test

    def first(self, cond) -> tuple[float, pb.Topology] | None:
        return next(((at, t) for at, t in list(self.received) if cond(t)), None)

    def close(self) -> None:
        self.call.cancel()
        self.thread.join(5)


class Bed:
    """Fake instances, a spec naming them, and the control plane process."""

    def __init__(self, tmp_path: Path):
        ports = free_ports(len(INSTANCES) + 1)
        self.volume = FakeVolume()
        self.fakes: dict[str, FakeInstance] = {}
        computes = []
        for (name, (az, tier, role, vdl, synced)), port in zip(INSTANCES.items(), ports):
            computes.append(ComputeNodeSpec(name, az, "127.0.0.1", 15_000 + port % 1000, role, tier, port))
            self.fakes[name] = FakeInstance(self.volume, name, port, role=role, vdl=vdl, synced=synced)
        cp = ControlPlaneSpec("127.0.0.1", ports[-1])
        self.spec = ClusterSpec(name="cp-test", storage_nodes=(), compute_nodes=tuple(computes), control_plane=cp)
        self.spec_path = tmp_path / "cluster.json"
        self.spec.save(self.spec_path)
        self.data_dir = tmp_path / "control-plane"
        self.cp = ControlPlaneProcess(self.spec_path, self.data_dir, tmp_path / "control-plane.log", cp.address)
        self.watches: list[Watch] = []
        self.allowed_log: list[re.Pattern] = []
        self.procs: dict[str, subprocess.Popen] = {}  # instances run as processes of their own

    def start(self, own_process: tuple[str, ...] = (), absent: tuple[str, ...] = ()) -> "Bed":
        for name, f in self.fakes.items():
            if name in absent:
                continue
            if name in own_process:
                self.procs[name] = subprocess.Popen(
                    [sys.executable, "-m", "tests.integration.fake_compute", "--name", name,
                     "--port", str(f.admin_port), "--role", f.role, "--epoch", str(self.volume.epoch)], cwd=REPO)
            else:
                f.start()
        for name in own_process:
            with grpc.insecure_channel(f"127.0.0.1:{self.fakes[name].admin_port}") as ch:
                stub = cpb_grpc.ComputeNodeStub(ch)
                wait_until(lambda: stub.Health(cpb.ComputeHealthRequest(), timeout=1), START_TIMEOUT_S, f"{name} up")
        self.cp.start()
        self.wait_all_healthy()
        return self

    def wait_all_healthy(self) -> pb.Topology:
        live = {n for n, f in self.fakes.items() if f.server is not None and f.health_mode == "ok"}
        live |= {n for n, p in self.procs.items() if p.poll() is None}
        return wait_until(lambda: (t := self.cp.topology()) and all(i.healthy for i in t.instances if i.name in live)
                          and t, START_TIMEOUT_S, f"{sorted(live)} reported healthy")

    def wait_past_grace(self) -> None:
        """Refusals count only a detection bound after the control plane started."""
        wait_until(lambda: time.monotonic() - self.cp.started_s > DETECT_S, 2 * DETECT_S,
                   "the control plane's start-up grace to end")

    def watch(self) -> Watch:
        w = Watch(self.cp.stub)
        self.watches.append(w)
        return w

    def wait_writer(self, name: str, generation: int) -> pb.Topology:
        return wait_until(lambda: (t := self.cp.topology()).writer == name and t.generation == generation and t,
                          FAILOVER_WAIT_S, f"{name} the writer at generation {generation}")

    def promotions(self) -> dict[str, int]:
        return {n: len(f.promote_calls) for n, f in self.fakes.items() if f.promote_calls}

    def close(self) -> None:
        for w in self.watches:
            w.close()
        if self.cp.proc is not None and self.cp.proc.poll() is None:
            self.cp.kill()
        self.cp.channel.close()
        for p in self.procs.values():
            p.kill()
            p.wait()
        for f in self.fakes.values():
            f.health_mode = "ok"
            f.stop()


@pytest.fixture
def bed(tmp_path):
    b = Bed(tmp_path)
    try:
        yield b
        bad = [l for l in b.cp.unexpected_log_lines() if not any(p.search(l) for p in b.allowed_log)]
        assert not bad, "unexpected errors in the control plane's log:\n" + "\n".join(bad[:20])
    finally:
        b.close()


def roles(t: pb.Topology) -> dict[str, str]:
    return {i.name: i.role for i in t.instances}


@pytest.mark.integration
def test_killed_writer_is_replaced_by_the_best_replica(bed):
    bed.start(own_process=("db-1",))  # the writer is a process of its own: SIGKILL, not a polite stop
    t = bed.cp.topology()
    assert (t.writer, t.generation) == ("db-1", 1) and roles(t)["db-3"] == "replica"
    watch = bed.watch()
    wait_until(lambda: watch.received, 5, "the watch stream's first topology")
    bed.wait_past_grace()
    killed_s = time.monotonic()
    bed.procs["db-1"].kill()
    wait_until(lambda: bed.fakes["db-3"].promote_calls, FAILOVER_WAIT_S, "db-3 promoted")
    seen_s, t = wait_until(lambda: watch.first(lambda t: t.generation == 2), FAILOVER_WAIT_S,
                           "the watch stream to deliver generation 2")
    call = bed.fakes["db-3"].promote_calls[0]
    print(f"\nrefused path: kill -> Promote {1000 * (call.at_s - killed_s):.0f} ms, "
          f"kill -> watchers told {1000 * (seen_s - killed_s):.0f} ms")
    assert call.generation == 2 and "db-1" in call.reason
    # Connection refused twice, not the time bound, detected it.
    assert call.at_s - killed_s < DETECT_S
    assert t.writer == "db-3" and t.epoch == bed.volume.epoch
    assert roles(t) == {"db-1": "down", "db-2": "replica", "db-3": "writer", "db-4": "replica", "db-5": "replica"}
    assert not next(i for i in t.instances if i.name == "db-1").healthy
    assert bed.promotions() == {"db-3": 1}


@pytest.mark.integration
def test_hung_writer_is_replaced_after_the_detection_bound_not_before(bed):
    bed.start()
    watch = bed.watch()
    bed.fakes["db-1"].health_mode = "hang"
    wait_until(lambda: bed.fakes["db-3"].promote_calls, FAILOVER_WAIT_S, "db-3 promoted")
    last_ok_s = bed.fakes["db-1"].health_answered_s
    call = bed.fakes["db-3"].promote_calls[0]
    print(f"\nhung path: last answered health check -> Promote {1000 * (call.at_s - last_ok_s):.0f} ms "
          f"(bound {FAILOVER_DETECT_MS} ms)")
    assert call.at_s - last_ok_s >= DETECT_S
    assert call.at_s - last_ok_s < DETECT_S + 5.0
    _, t = wait_until(lambda: watch.first(lambda t: t.writer == "db-3"), FAILOVER_WAIT_S, "watchers told")
    assert t.generation == 2 and roles(t)["db-1"] == "down"
    # The old writer wakes up fenced: it stays down, and nothing else changes.
    bed.fakes["db-1"].health_mode = "ok"
    wait_until(lambda: bed.fakes["db-1"].health_answered_s > call.at_s, 5, "db-1 answering again")
    t = bed.wait_all_healthy()
    assert (t.writer, t.generation, roles(t)["db-1"]) == ("db-3", 2, "down")


@pytest.mark.integration
def test_planned_failover_and_its_refusals(bed):
    bed.start()
    stub = bed.cp.stub

    def refused(target: str, code=grpc.StatusCode.FAILED_PRECONDITION) -> str:
        with pytest.raises(grpc.RpcError) as e:
            stub.Failover(pb.FailoverRequest(target=target), timeout=30)
        assert e.value.code() == code, e.value
        return e.value.details()

    assert "no compute instance" in refused("db-9")
    assert "already the writer" in refused("db-1")
    assert "not a healthy, synced replica" in refused("db-4")  # not synced
    r = stub.Failover(pb.FailoverRequest(target="db-2"), timeout=30)
    assert (r.old_writer, r.new_writer, r.epoch) == ("db-1", "db-2", bed.volume.epoch)
    assert r.duration_ms > 0
    t = bed.cp.topology()
    assert (t.writer, t.generation, roles(t)["db-1"]) == ("db-2", 2, "down")
    assert bed.fakes["db-1"].role == "fenced"  # the new epoch fenced it

    bed.fakes["db-5"].stop()
    wait_until(lambda: not next(i for i in bed.cp.topology().instances if i.name == "db-5").healthy, 10,
               "db-5 reported unhealthy")
    assert "not a healthy, synced replica" in refused("db-5")

    bed.fakes["db-3"].promote_mode = "fail"
    bed.allowed_log.append(re.compile(r"promotion of db-3 failed"))
    assert "recovery failed" in refused("db-3", grpc.StatusCode.ABORTED)
    t = bed.cp.topology()
    assert (t.writer, t.generation) == ("db-2", 2)  # the writer was fine: it stays

    # Without a target, the control plane chooses: db-3 again once it is synced (its
    # failure counts only until its next health check), and now it succeeds.
    bed.fakes["db-3"].promote_mode = "ok"
    wait_until(lambda: stub.Failover(pb.FailoverRequest(), timeout=30), 10, "a planned failover accepted")
    t = bed.wait_writer("db-3", 3)
    assert roles(t)["db-2"] == "down"
    assert bed.cp.terminate() == 0  # SIGTERM stops it cleanly


@pytest.mark.integration
def test_failed_promotion_moves_on_to_the_next_candidate(bed):
    bed.start()
    bed.fakes["db-3"].promote_mode = "fail"
    bed.allowed_log.append(re.compile(r"promotion of db-3 failed"))
    bed.wait_past_grace()
    bed.fakes["db-1"].stop()
    t = bed.wait_writer("db-2", 2)
    assert len(bed.fakes["db-3"].promote_calls) >= 1
    assert bed.promotions()["db-2"] == 1
    assert bed.fakes["db-3"].promote_calls[0].at_s < bed.fakes["db-2"].promote_calls[0].at_s
    assert roles(t)["db-3"] == "replica" and roles(t)["db-1"] == "down"


@pytest.mark.integration
def test_restarted_control_plane_resumes_without_failing_over(bed):
    bed.start()
    bed.wait_past_grace()
    bed.fakes["db-1"].stop()
    before = bed.wait_writer("db-3", 2)
    saved = json.loads((bed.data_dir / "control-plane.json").read_text())
    assert (saved["writer"], saved["generation"], saved["roles"]["db-1"]) == ("db-3", 2, "down")

    bed.cp.kill()
    bed.cp.start()
    t = bed.cp.topology()  # at once, before any health check could have changed it
    assert (t.writer, t.generation, t.epoch, roles(t)) == (before.writer, 2, before.epoch, roles(before))
    # Past a whole detection bound after the restart, with every live instance checked:
    # nobody was promoted because the control plane restarted.
    wait_until(lambda: time.monotonic() - bed.cp.started_s > 1.5 * DETECT_S and bed.wait_all_healthy(),
               FAILOVER_WAIT_S, "a detection bound and a half after the restart")
    t = bed.cp.topology()
    assert (t.writer, t.generation) == ("db-3", 2)
    assert bed.promotions() == {"db-3": 1}

    # And it still fails over: db-2 is the next best.
    bed.fakes["db-3"].stop()
    t = bed.wait_writer("db-2", 3)
    assert roles(t)["db-3"] == "down" and t.epoch == bed.volume.epoch


@pytest.mark.integration
def test_a_control_plane_started_without_its_writer_waits_one_bound(bed):
    # The writer's port refuses from the first check, but it may be starting too (a
    # reboot): refusals count only after a grace of one detection bound.
    bed.start(absent=("db-1",))
    wait_until(lambda: bed.fakes["db-3"].promote_calls, FAILOVER_WAIT_S, "db-3 promoted")
    call = bed.fakes["db-3"].promote_calls[0]
    print(f"\nstart without a writer: control plane started -> Promote {1000 * (call.at_s - bed.cp.started_s):.0f} ms")
    assert call.at_s - bed.cp.started_s >= DETECT_S
    t = bed.wait_writer("db-3", 2)
    assert roles(t)["db-1"] == "down"
