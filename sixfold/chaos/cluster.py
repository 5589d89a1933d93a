"""The cluster a chaos run starts: real processes through the one supervisor, each AZ
in its own network namespace when the machine allows it, every process able to have
its wall clock stepped, and sabotages switched on only here.

Topology: six storage nodes (two per AZ), the writer db-1 (az1) and `replicas` read
replicas (az2, az3, ...), the control plane and the router. With namespaces, an AZ's
storage nodes and instances listen on that AZ's address (10.77.<k>.1); the control
plane, the router and the workload's clients stay in the root namespace on the bridge
(10.77.0.1), so a partitioned AZ is cut from all of them at once.

Clocks: with the `clock-jump` nemesis, every process runs under libfaketime
(`FAKETIME_TIMESTAMP_FILE`, re-read every second; monotonic clocks are left alone), and
`set_clock_offset(name, s)` steps that process's wall clock.
"""

from __future__ import annotations

import dataclasses
import glob
import os
import random
import secrets
import shutil
import subprocess
from pathlib import Path

import lmdb

from sixfold import sabotage
from sixfold.chaos import netns
from sixfold.chaos.schedule import Layout
from sixfold.constants import LMDB_MAP_SIZE_BYTES
from sixfold.supervisor import CONTROL_PLANE, ROUTER, Launch, Supervisor

FAKETIME_GLOBS = ("/usr/lib/*/faketime/libfaketimeMT.so.1", "/usr/lib/faketime/libfaketimeMT.so.1",
                  "/usr/local/lib/faketime/libfaketimeMT.so.1")
CORRUPT_DBS = (b"log", b"versions")  # checksummed values: damage there must be caught and repaired


def faketime_library(install: bool = True) -> str | None:
    """libfaketime's multi-threaded library; installed with apt-get when missing."""
    for pattern in FAKETIME_GLOBS:
        found = sorted(glob.glob(pattern))
        if found:
            return found[0]
    if install and shutil.which("apt-get") and os.geteuid() == 0:
        subprocess.run(["apt-get", "install", "-y", "-qq", "faketime"], capture_output=True, timeout=300)
        return faketime_library(install=False)
    return None


class ChaosCluster:
    def __init__(self, root: Path, run_id: str, replicas: int = 2, sabotage_name: str | None = None,
                 use_netns: bool = True, fake_clock: bool = False):
        assert sabotage_name is None or sabotage_name in sabotage.SABOTAGES, sabotage_name
        self.root = root
        self.run_id = run_id
        self.replicas = replicas
        self.sabotage = sabotage_name
        self.net = netns.AzNetwork(run_id, ["az1", "az2", "az3"]) if use_netns else None
        self.clock_dir = root / "clock"
        self.faketime = None
        if fake_clock:
            self.faketime = faketime_library()
            if self.faketime is None:
                raise RuntimeError("the clock-jump nemesis needs libfaketime (apt-get install faketime)")
        self.sup: Supervisor | None = None
        self.silenced: set[str] = set()  # instances that cannot hear the control plane now

    # --- launching ------------------------------------------------------------------------
    def _az(self, name: str) -> str | None:
        return self.sup.az_of(name) if self.sup is not None else None

    def _wrap(self, name: str, argv: list[str]) -> list[str]:
        az = self._az(name)
        return self.net.wrap(az, argv) if self.net is not None and az is not None else argv

    def _env(self, name: str) -> dict[str, str]:
        env = {sabotage.RUN_ENV: self.run_id}
        if self.sabotage:
            env[sabotage.ENV] = self.sabotage
        if self.faketime:
            clock = self.clock_dir / name
            if not clock.exists():
                clock.write_text("+0s\n")
            env.update(LD_PRELOAD=self.faketime, FAKETIME_TIMESTAMP_FILE=str(clock), FAKETIME_CACHE_DURATION="1",
                       FAKETIME_DONT_FAKE_MONOTONIC="1")
        return env

    def start(self) -> Supervisor:
        self.root.mkdir(parents=True, exist_ok=True)
        self.clock_dir.mkdir(exist_ok=True)
        if self.net is not None:
            self.net.create()
        launch = Launch(wrap=self._wrap, env=self._env)
        sup = Supervisor.create(self.root / "cluster", writer=True, replicas=self.replicas, control_plane=True,
                                router=True, password=secrets.token_urlsafe(12), launch=launch, backup=True)
        if self.net is not None:  # each AZ's processes on its namespace's address
            spec, net = sup.spec, self.net
            spec = spec.replace(
                storage_nodes=tuple(dataclasses.replace(n, host=net.host_of(n.az)) for n in spec.storage_nodes),
                compute_nodes=tuple(dataclasses.replace(n, host=net.host_of(n.az)) for n in spec.compute_nodes),
                control_plane=dataclasses.replace(spec.control_plane, host=net.root_host),
                router=dataclasses.replace(spec.router, host=net.root_host))
            spec.save(sup.spec_path)
            sup = Supervisor.attach(spec, sup.root, launch=launch)
        self.sup = sup
        sup.start_all()
        return sup

    def layout(self) -> Layout:
        spec = self.sup.spec
        storage: dict[str, tuple[str, ...]] = {}
        compute: dict[str, tuple[str, ...]] = {}
        for n in spec.storage_nodes:
            storage[n.az] = (*storage.get(n.az, ()), n.name)
        for n in spec.compute_nodes:
            compute[n.az] = (*compute.get(n.az, ()), n.name)
        return Layout(storage, compute, (CONTROL_PLANE, ROUTER))

    # --- what the nemeses do beyond signals ------------------------------------------------
    def set_clock_offset(self, name: str, offset_s: int) -> None:
        """Step `name`'s wall clock to now + offset_s (0: back to the real time)."""
        assert self.faketime is not None, "the cluster was started without a fake clock"
        tmp = self.clock_dir / f".{name}.tmp"
        tmp.write_text(f"{offset_s:+d}s\n")
        tmp.replace(self.clock_dir / name)

    def corrupt(self, name: str, seed: int, values_count: int = 8) -> int:
        """Flip one byte in up to `values_count` values of the (stopped) storage node's log
        and page versions. Returns how many values were damaged."""
        node = self.sup.nodes[name]
        assert not node.alive, f"corrupt {name} only while it is down"
        rng = random.Random(seed)
        damaged = 0
        for path in sorted((node.data_dir / "volumes").glob("*")):
            env = lmdb.open(str(path), map_size=LMDB_MAP_SIZE_BYTES, max_dbs=8, sync=True)
            try:
                for db_name in CORRUPT_DBS:
                    db = env.open_db(db_name)
                    with env.begin(db=db, write=True) as txn:
                        keys = [k for k, _ in txn.cursor()]
                        for key in rng.sample(keys, min(values_count, len(keys))):
                            value = bytearray(txn.get(key))
                            if not value:
                                continue
                            value[rng.randrange(len(value))] ^= 1 << rng.randrange(8)
                            txn.put(key, bytes(value))
                            damaged += 1
            finally:
                env.close()
        return damaged

    def wipe(self, name: str) -> None:
        """Delete everything the (stopped) storage node keeps on disk: a replaced disk."""
        node = self.sup.nodes[name]
        assert not node.alive, f"wipe {name} only while it is down"
        shutil.rmtree(node.data_dir, ignore_errors=True)

    def partition(self, az: str, cut: bool) -> None:
        if self.net is None:
            raise RuntimeError("the partition nemesis needs network namespaces (root and iproute2)")
        (self.net.cut if cut else self.net.heal)(az)

    def silence_control_plane(self, name: str, on: bool) -> None:
        """Make instance `name`'s AZ drop the control plane's packets (on) or not."""
        if self.net is None:
            raise RuntimeError("silencing the control plane needs network namespaces")
        cp = self.sup.spec.control_plane
        if on == (name in self.silenced):
            return
        self.net.silence(self.sup.az_of(name), cp.host, cp.port, on)
        (self.silenced.add if on else self.silenced.discard)(name)

    def stop(self) -> None:
        try:
            if self.sup is not None:
                self.sup.stop_all(kill=True)
        finally:
            if self.net is not None:
                self.net.destroy()
