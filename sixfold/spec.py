"""The cluster spec: one JSON document that names every process of a cluster.

Storage nodes read it to find their peers (gossip), the writer to place segments,
the launcher and the compose file generator to start everything. Example:

    {"name": "local", "volume": "main", "pg_pages": 64,
     "storage_nodes": [{"name": "sn1a", "az": "az1", "host": "127.0.0.1", "port": 7101}, ...]}
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
class ClusterSpec:
    name: str
    storage_nodes: tuple[StorageNodeSpec, ...]
    volume: str = "main"
    pg_pages: int = PG_PAGES_DEFAULT_COUNT
    extra: dict = field(default_factory=dict)

    def geometry(self) -> Geometry:
        return Geometry([NodeInfo(n.name, n.az, n.address) for n in self.storage_nodes], self.pg_pages)

    def node(self, name: str) -> StorageNodeSpec:
        for n in self.storage_nodes:
            if n.name == name:
                return n
        raise KeyError(f"no storage node named {name!r} in cluster {self.name!r}")

    def to_json(self) -> str:
        d = asdict(self)
        d["storage_nodes"] = [asdict(n) for n in self.storage_nodes]
        return json.dumps(d, indent=2, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> "ClusterSpec":
        d = json.loads(text)
        nodes = tuple(StorageNodeSpec(**n) for n in d.pop("storage_nodes"))
        return cls(storage_nodes=nodes, **d)

    @classmethod
    def load(cls, path: str | Path) -> "ClusterSpec":
        return cls.from_json(Path(path).read_text())

    def save(self, path: str | Path) -> None:
        tmp = Path(str(path) + ".tmp")
        tmp.write_text(self.to_json())
        tmp.replace(path)


def local_spec(base_port: int, nodes_per_az: int = 2, pg_pages: int = PG_PAGES_DEFAULT_COUNT,
               host: str = "127.0.0.1", name: str = "local") -> ClusterSpec:
    """Six (or more) storage nodes over az1..az3 on consecutive ports."""
    nodes = []
    port = base_port
    for az in ("az1", "az2", "az3"):
        for i in range(nodes_per_az):
            nodes.append(StorageNodeSpec(f"sn-{az}-{chr(ord('a') + i)}", az, host, port))
            port += 1
    return ClusterSpec(name=name, storage_nodes=tuple(nodes), pg_pages=pg_pages)
