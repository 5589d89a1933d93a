"""The cluster spec: one JSON document that names every process of a cluster.

Storage nodes read it to find their peers (gossip), the writer to place segments,
the launcher and the compose file generator to start everything. Example:

    {"name": "local", "volume": "main", "pg_pages": 64, "database": "sixfold",
     "storage_nodes": [{"name": "sn-az1-a", "az": "az1", "host": "127.0.0.1", "port": 7101}, ...],
     "compute_nodes": [{"name": "db-1", "az": "az1", "host": "127.0.0.1", "port": 5441,
                        "admin_port": 7201, "role": "writer", "tier": 0},
                       {"name": "db-2", "az": "az2", "host": "127.0.0.1", "port": 5442,
                        "admin_port": 7202, "role": "replica", "tier": 1}],
     "control_plane": {"host": "127.0.0.1", "port": 7300},
     "router": {"host": "127.0.0.1", "writer_port": 5432, "reader_port": 5433,
                "custom": {"reporting": {"port": 5434, "members": ["db-2"]}}},
     "auth": {"method": "scram-sha-256",
              "users": {"sixfold": "SCRAM-SHA-256$4096:<salt>$<StoredKey>:<ServerKey>"}}}

Compute instances keep their names for life; which one is the writer changes with
failover. `role` is only the role an instance starts in when no control plane says
otherwise; `tier` (0-15) orders the candidates of a failover. The name "writer" is
never an instance's: it is an alias for whichever instance is the writer now.

`auth.users` holds SCRAM verifiers (what PostgreSQL stores in pg_authid), never a
password. `auth.method` is "scram-sha-256" or "trust" (any user, no password: only for
a cluster on a private machine). TLS: `tls: {"cert": PATH, "key": PATH}` when set.

`backup` names the object store the storage nodes back the volume up to continuously:
`{"kind": "dir", "path": ABS_PATH}` (what `sixfold up` writes: DATA_DIR/backup) or
`{"kind": "s3", "bucket": ..., "prefix": ..., "endpoint_url": ..., "region": ...,
"access_key_id": ..., "secret_access_key": ...}`. Without it nothing is backed up.
Either may add `"image_log_ratio": R` (default BACKUP_IMAGE_LOG_RATIO): a PG's pages are
shipped whole once the log shipped since its last image reaches R times the PG's size.
Lower means faster restores and a larger backup. `"retention_s": S` (default
BACKUP_RETENTION_S_DEFAULT, a day) is the restorable window: objects no restore to a
point in the last S seconds or to a snapshot needs are deleted.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from sixfold.constants import PG_PAGES_DEFAULT_COUNT
from sixfold.core.geometry import Geometry, NodeInfo


@dataclass(frozen=True)
class StorageNodeSpec:
    name: str
    az: str
    host: str
    port: int

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"


@dataclass(frozen=True)
class ComputeNodeSpec:
    """A compute instance: it speaks the PostgreSQL protocol on `port` and, with
    `admin_port`, the ComputeNode gRPC service (health, promotion, the redo stream
    replicas subscribe to)."""

    name: str
    az: str
    host: str
    port: int
    role: str = "writer"  # the role it starts in: "writer" or "replica"
    tier: int = 0  # failover priority: the healthy replica with the lowest tier is promoted first
    admin_port: int = 0  # 0: no admin service (a single writer without replicas)

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"

    @property
    def admin_address(self) -> str:
        return f"{self.host}:{self.admin_port}"


@dataclass(frozen=True)
class ControlPlaneSpec:
    host: str
    port: int  # the ControlPlane gRPC service

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"


@dataclass(frozen=True)
class CustomEndpointSpec:
    port: int
    members: tuple[str, ...]  # compute instance names


@dataclass(frozen=True)
class RouterSpec:
    """The endpoints: `writer_port` always reaches the current writer, `reader_port`
    spreads new connections over healthy replicas (the writer when there are none),
    each custom endpoint over its members."""

    host: str
    writer_port: int
    reader_port: int
    custom: dict[str, CustomEndpointSpec] = field(default_factory=dict)


@dataclass(frozen=True)
class ReplicationSpec:
    """This region's part in a global database (`docs/2026-12-03-global-database.md`).

    In the primary region, `port` is the replication server's: it follows the writer's
    durable log and serves it to every secondary. In a secondary region, `port` is the
    replication agent's admin port (its readers follow it as they would a writer), and
    `upstream` the primary's replication server. `delay_ms` acts out distance: the
    one-way delay the server's sender adds on the cross-region link. `rpo_s` (primary,
    0 = off) is the managed RPO: commits are refused while no secondary is within it."""

    role: str  # "primary" or "secondary": what the region is now
    host: str
    port: int
    upstream: str = ""
    delay_ms: int = 0
    rpo_s: float = 0.0
    generation: int = 1  # the global database's region generation this region last learned
    # A secondary whose log went past what the new primary started from (a failover that
    # lost data): it must not follow anyone until `sixfold global rejoin` rebuilds it.
    diverged: bool = False

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"


@dataclass(frozen=True)
class ClusterSpec:
    name: str
    storage_nodes: tuple[StorageNodeSpec, ...]
    volume: str = "main"
    pg_pages: int = PG_PAGES_DEFAULT_COUNT
    extra: dict = field(default_factory=dict)
    compute_nodes: tuple[ComputeNodeSpec, ...] = ()
    database: str = "sixfold"  # the one database name clients connect to
    auth: dict = field(default_factory=lambda: {"method": "trust", "users": {}})
    tls: dict = field(default_factory=dict)  # {"cert": path, "key": path} enables TLS
    control_plane: ControlPlaneSpec | None = None
    router: RouterSpec | None = None
    region: str = "r1"  # the region this cluster is (a global database has several)
    replication: ReplicationSpec | None = None
    # Where the storage nodes back the volume up (`sixfold.backup.objects`); empty: no backup.
    backup: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        for field_name in ("image_log_ratio", "retention_s"):
            v = self.backup.get(field_name, 1)
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not v > 0:
                raise ValueError(f"backup.{field_name} must be a number above 0, not {v!r}")

    def geometry(self) -> Geometry:
        return Geometry([NodeInfo(n.name, n.az, n.address) for n in self.storage_nodes], self.pg_pages)

    def node(self, name: str) -> StorageNodeSpec:
        for n in self.storage_nodes:
            if n.name == name:
                return n
        raise KeyError(f"no storage node named {name!r} in cluster {self.name!r}")

    def compute(self, name: str) -> ComputeNodeSpec:
        for n in self.compute_nodes:
            if n.name == name:
                return n
        raise KeyError(f"no compute node named {name!r} in cluster {self.name!r}")

    @property
    def writer(self) -> ComputeNodeSpec | None:
        """The instance that starts as the writer (after a failover, ask the control plane)."""
        return next((n for n in self.compute_nodes if n.role == "writer"), None)

    @property
    def replicas(self) -> tuple[ComputeNodeSpec, ...]:
        return tuple(n for n in self.compute_nodes if n.role == "replica")

    def replace(self, **changes) -> "ClusterSpec":
        import dataclasses

        return dataclasses.replace(self, **changes)

    def to_json(self) -> str:
        d = asdict(self)
        d["storage_nodes"] = [asdict(n) for n in self.storage_nodes]
        d["compute_nodes"] = [asdict(n) for n in self.compute_nodes]
        if self.router is not None:
            d["router"]["custom"] = {k: {"port": c.port, "members": list(c.members)}
                                     for k, c in self.router.custom.items()}
        return json.dumps(d, indent=2, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> "ClusterSpec":
        d = json.loads(text)
        nodes = tuple(StorageNodeSpec(**n) for n in d.pop("storage_nodes"))
        computes = tuple(ComputeNodeSpec(**n) for n in d.pop("compute_nodes", ()))
        cp = d.pop("control_plane", None)
        router = d.pop("router", None)
        repl = d.pop("replication", None)
        if repl is not None:
            d["replication"] = ReplicationSpec(**repl)
        if router is not None:
            custom = {k: CustomEndpointSpec(v["port"], tuple(v["members"])) for k, v in router.pop("custom", {}).items()}
            router = RouterSpec(custom=custom, **router)
        return cls(storage_nodes=nodes, compute_nodes=computes,
                   control_plane=ControlPlaneSpec(**cp) if cp else None, router=router, **d)

    @classmethod
    def load(cls, path: str | Path) -> "ClusterSpec":
        return cls.from_json(Path(path).read_text())

    def save(self, path: str | Path) -> None:
        tmp = Path(str(path) + ".tmp")
        tmp.write_text(self.to_json())
        tmp.replace(path)


def local_spec(base_port: int, nodes_per_az: int = 2, pg_pages: int = PG_PAGES_DEFAULT_COUNT,
               host: str = "127.0.0.1", name: str = "local", pg_port: int | None = None,
               replica_ports: tuple[int, ...] = (), admin_ports: tuple[int, ...] = (),
               control_plane_port: int | None = None, router_ports: tuple[int, int] | None = None) -> ClusterSpec:
    """Six (or more) storage nodes over az1..az3 on consecutive ports; with `pg_port`,
    also compute instance db-1 (the writer, tier 0, in az1) listening for PostgreSQL
    clients there, and one read replica db-2, db-3, ... per `replica_ports` (tier 1,
    spread over the AZs). `admin_ports` gives each compute instance, in that order, its
    admin (ComputeNode gRPC) port. With `control_plane_port` a control plane; with
    `router_ports` (writer endpoint, reader endpoint) a router."""
    nodes = []
    port = base_port
    for az in ("az1", "az2", "az3"):
        for i in range(nodes_per_az):
            nodes.append(StorageNodeSpec(f"sn-{az}-{chr(ord('a') + i)}", az, host, port))
            port += 1
    computes: list[ComputeNodeSpec] = []
    if pg_port is not None:
        ports = (pg_port, *replica_ports)
        admins = tuple(admin_ports) + (0,) * (len(ports) - len(admin_ports))
        for i, (p, a) in enumerate(zip(ports, admins)):
            computes.append(ComputeNodeSpec(f"db-{i + 1}", f"az{i % 3 + 1}", host, p,
                                            role="writer" if i == 0 else "replica", tier=0 if i == 0 else 1,
                                            admin_port=a))
    return ClusterSpec(
        name=name, storage_nodes=tuple(nodes), pg_pages=pg_pages, compute_nodes=tuple(computes),
        control_plane=ControlPlaneSpec(host, control_plane_port) if control_plane_port else None,
        router=RouterSpec(host, *router_ports) if router_ports else None)
