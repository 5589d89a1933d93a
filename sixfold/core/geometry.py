"""Volume geometry: page -> protection group -> six segments, two per AZ.

A volume is an array of 4 KiB pages. Contiguous ranges of `pg_pages` pages form a
protection group (PG); each PG is stored as six segments on six distinct nodes, two
in each of three AZs. Placement is a pure function of the node list, so the writer,
every storage node (for gossip) and the tests all compute the same answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from math import gcd, lcm

from sixfold.constants import AZ_COUNT, PG_PAGES_DEFAULT_COUNT, SEGMENTS_PER_AZ_COUNT, V_SEGMENTS_COUNT


@dataclass(frozen=True, slots=True)
class NodeInfo:
    name: str
    az: str
    address: str  # host:port of its gRPC server


class Geometry:
    """Placement of protection groups on nodes. Immutable."""

    def __init__(self, nodes: list[NodeInfo], pg_pages: int = PG_PAGES_DEFAULT_COUNT):
        assert pg_pages >= 1
        names = [n.name for n in nodes]
        assert len(set(names)) == len(names), "node names must be unique"
        by_az: dict[str, list[NodeInfo]] = {}
        for n in sorted(nodes, key=lambda n: (n.az, n.name)):
            by_az.setdefault(n.az, []).append(n)
        if len(by_az) != AZ_COUNT:
            raise ValueError(f"need nodes in exactly {AZ_COUNT} AZs, got {sorted(by_az)}")
        for az, members in by_az.items():
            if len(members) < SEGMENTS_PER_AZ_COUNT:
                raise ValueError(f"AZ {az} has {len(members)} nodes, needs at least {SEGMENTS_PER_AZ_COUNT}")
        self.pg_pages = pg_pages
        self.nodes = {n.name: n for n in nodes}
        self._azs = sorted(by_az)
        self._by_az = by_az
        self._placement = lru_cache(maxsize=65536)(self._place)

    def pg_of_page(self, page: int) -> int:
        assert page >= 0
        return page // self.pg_pages

    def pages_of_pg(self, pg: int) -> range:
        return range(pg * self.pg_pages, (pg + 1) * self.pg_pages)

    def segments(self, pg: int) -> tuple[str, ...]:
        """Names of the six nodes holding PG `pg`, ordered by AZ."""
        return self._placement(pg)

    def _place(self, pg: int) -> tuple[str, ...]:
        assert pg >= 0
        chosen: list[str] = []
        for az in self._azs:
            members = self._by_az[az]
            k = len(members)
            # Rotate through the AZ's nodes so PGs spread evenly; the two picks of one
            # AZ are adjacent in the rotation and therefore distinct (k >= 2).
            for j in range(SEGMENTS_PER_AZ_COUNT):
                chosen.append(members[(pg * SEGMENTS_PER_AZ_COUNT + j) % k].name)
        assert len(chosen) == V_SEGMENTS_COUNT and len(set(chosen)) == V_SEGMENTS_COUNT
        return tuple(chosen)

    @property
    def placement_period(self) -> int:
        """Placement repeats every this many PGs (the rotation of each AZ's nodes)."""
        return lcm(*(len(m) // gcd(len(m), SEGMENTS_PER_AZ_COUNT) for m in self._by_az.values()))

    def placements(self, pg_count: int) -> set[tuple[str, ...]]:
        """The distinct six-node sets used by PGs 0..pg_count-1, without visiting them all."""
        return {self.segments(pg) for pg in range(min(pg_count, self.placement_period))}

    def az_of(self, node: str) -> str:
        return self.nodes[node].az

    def pgs_on_node(self, node: str, pg_count: int) -> list[int]:
        """PGs among the first `pg_count` that place a segment on `node`."""
        return [pg for pg in range(pg_count) if node in self.segments(pg)]

    def peers(self, pg: int, node: str) -> list[str]:
        """The other five nodes holding `pg`."""
        segs = self.segments(pg)
        assert node in segs
        return [n for n in segs if n != node]
