"""A global database on one machine: one supervisor per region.

The primary region lives in the data directory itself (the layout of a one-region
cluster, plus the replication server); each secondary region in `regions/NAME/`
with its own cluster spec: six storage nodes over its own three AZs, its readers, and
its replication agent. `global.json` names the regions in order and which is the
primary. Every process is a separate process with its own ports and data directory.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from sixfold.constants import GLOBAL_DELAY_MS_MAX
from sixfold.spec import ClusterSpec, ComputeNodeSpec, ReplicationSpec, local_spec
from sixfold.supervisor import Launch, Supervisor, free_ports

GLOBAL_FILE = "global.json"
REGIONS_DIR = "regions"
REGIONS_COUNT_MAX = 11  # a primary and up to ten secondaries, as Aurora allows


def region_names(count: int) -> list[str]:
    return [f"r{i + 1}" for i in range(count)]


def is_global(root: Path) -> bool:
    return (root / GLOBAL_FILE).exists()


@dataclass
class GlobalDatabase:
    root: Path
    regions: dict[str, Supervisor] = field(default_factory=dict)  # in order; the first was created primary
    primary: str = "r1"
    generation: int = 1  # the region generation: moves with every switchover or failover
    lost_window: dict | None = None  # what the last unplanned failover gave up (see replication/failover.py)

    # --- creating and finding one ------------------------------------------------------------
    @classmethod
    def create(cls, root: Path, regions: int, delay_ms: int = 0, rpo_s: float = 0.0, replicas: int = 1,
               readers: int = 1, password: str | None = None, launch: Launch | None = None,
               **spec_kw) -> GlobalDatabase:
        """A new global database in `root` on free ports: the primary region as
        `Supervisor.create` makes a cluster (writer, `replicas`, control plane, router) plus
        its replication server, and `regions - 1` secondary regions with `readers` each."""
        if not 2 <= regions <= REGIONS_COUNT_MAX:
            raise ValueError(f"a global database has 2 to {REGIONS_COUNT_MAX} regions, not {regions}")
        if not 0 <= delay_ms <= GLOBAL_DELAY_MS_MAX:
            raise ValueError(f"the cross-region delay must be 0 to {GLOBAL_DELAY_MS_MAX} ms, not {delay_ms}")
        if rpo_s < 0:
            raise ValueError(f"the managed RPO must be 0 (off) or a number of seconds, not {rpo_s}")
        names = region_names(regions)
        primary = Supervisor.create(root, writer=True, replicas=replicas, control_plane=True, router=True,
                                    password=password, launch=launch, **spec_kw)
        server_port, endpoint_port = free_ports(2)
        host = primary.spec.storage_nodes[0].host
        pspec = primary.spec.replace(
            region=names[0], replication=ReplicationSpec("primary", host, server_port, delay_ms=delay_ms, rpo_s=rpo_s),
            extra={**primary.spec.extra, "global_endpoint": {"host": host, "port": endpoint_port}})
        pspec.save(root / "cluster.json")
        g = cls(root, primary=names[0])
        g.regions[names[0]] = Supervisor.attach(pspec, root, launch=launch)
        for name in names[1:]:
            g.regions[name] = g._create_secondary(name, pspec, readers, launch)
        g.save()
        return g

    def _create_secondary(self, name: str, pspec: ClusterSpec, readers: int, launch: Launch | None) -> Supervisor:
        root = self.region_root(name)
        root.mkdir(parents=True, exist_ok=True)
        ports = free_ports(6 + 2 * readers + 1)
        host = pspec.storage_nodes[0].host
        base = local_spec(ports[0], pg_pages=pspec.pg_pages, host=host)
        nodes = tuple(type(n)(n.name, n.az, n.host, p) for n, p in zip(base.storage_nodes, ports))
        computes = tuple(ComputeNodeSpec(f"db-{i + 1}", f"az{i % 3 + 1}", host, ports[6 + 2 * i], role="replica",
                                         tier=1, admin_port=ports[7 + 2 * i]) for i in range(readers))
        spec = ClusterSpec(
            name=f"{pspec.name}-{name}", storage_nodes=nodes, volume=pspec.volume, pg_pages=pspec.pg_pages,
            compute_nodes=computes, database=pspec.database, auth=pspec.auth, tls=pspec.tls, region=name,
            replication=ReplicationSpec("secondary", host, ports[-1], upstream=pspec.replication.address,
                                        delay_ms=pspec.replication.delay_ms))
        spec.save(root / "cluster.json")
        creds = self.root / "credentials.json"
        if creds.exists():
            shutil.copy(creds, root / "credentials.json")
        return Supervisor.attach(spec, root, launch=launch)

    @classmethod
    def attach(cls, root: Path, adopt: bool = False, launch: Launch | None = None) -> GlobalDatabase:
        d = json.loads((root / GLOBAL_FILE).read_text())
        g = cls(root, primary=d["primary"], generation=d["generation"], lost_window=d.get("lost_window"))
        for name in d["regions"]:
            rroot = g.region_root(name)
            g.regions[name] = Supervisor.attach(ClusterSpec.load(rroot / "cluster.json"), rroot, adopt=adopt,
                                                launch=launch)
        return g

    def save(self) -> None:
        tmp = self.root / (GLOBAL_FILE + ".tmp")
        tmp.write_text(json.dumps({"regions": list(self.regions), "primary": self.primary,
                                   "generation": self.generation, "lost_window": self.lost_window}, indent=2) + "\n")
        tmp.replace(self.root / GLOBAL_FILE)

    def region_root(self, name: str) -> Path:
        """Where a region's cluster lives: the first region in the data directory itself."""
        first = next(iter(self.regions), name)
        return self.root if name == first else self.root / REGIONS_DIR / name

    def endpoints(self) -> dict[str, str]:
        """`global-writer`: the global endpoint (it reaches the current primary's writer);
        `reader-REGION`: each region's reader endpoint (its router's, else its first
        reader instance's)."""
        from sixfold.endpoints import DEFAULT_USER, endpoints, load_credentials, uri

        out = {}
        first = self.regions[next(iter(self.regions))]
        ep = first.spec.extra.get("global_endpoint")
        if ep:
            creds = load_credentials(first.root) or {"user": DEFAULT_USER, "password": None}
            out["global-writer"] = uri(ep["host"], ep["port"], first.spec.database, creds["user"], creds["password"])
        for name, sup in self.regions.items():
            eps = endpoints(sup.spec, load_credentials(sup.root))
            reader = eps.get("reader") or next((eps[n.name] for n in sup.spec.compute_nodes
                                                if n.role == "replica"), None) or eps.get("writer")
            if reader:
                out[f"reader-{name}"] = reader
        return out

    # --- running -----------------------------------------------------------------------------
    @property
    def secondaries(self) -> list[str]:
        return [n for n in self.regions if n != self.primary]

    def start_all(self) -> None:
        """The primary region first (its replication server), then every secondary."""
        for name in [self.primary, *self.secondaries]:
            self.regions[name].start_all()
            self.regions[name].save_state()

    def stop_all(self, kill: bool = False) -> list[str]:
        """Every region, secondaries first; the names that needed SIGKILL."""
        killed = []
        for name in [*self.secondaries, self.primary]:
            killed += [f"{name}/{n}" for n in self.regions[name].stop_all(kill=kill)]
            self.regions[name].save_state()
        return killed
