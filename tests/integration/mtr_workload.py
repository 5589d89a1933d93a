"""A checkable mini-transaction workload: MTR i writes a full image of its own page
(`image_page(i)`) and a stamp of i into a shared page (`stamp_page(i)`), so a reader
can tell for every MTR whether it is present entirely, absent entirely, or partial
(a bug). Seeded: the same seed gives the same bytes."""

from __future__ import annotations

import hashlib
import os
import random

from compute_node.volume_client import PageChange
from sixfold.constants import PAGE_SIZE_BYTES

STAMP_PAGES_COUNT = 40
STAMP_BYTES = 8
STAMP_BASE_PAGE = 1_000_000  # stamp pages live far from the image pages


def seed_from_env() -> int:
    seed = int(os.environ.get("SIXFOLD_SEED") or random.SystemRandom().randrange(1 << 31))
    print(f"SIXFOLD_SEED={seed}")
    return seed


class MtrWorkload:
    def __init__(self, seed: int, image_pages_count: int, image_bytes: int = PAGE_SIZE_BYTES):
        """`image_bytes` < a page makes MTR i write only the first bytes of its page
        (a delta), for workloads that want small records."""
        self.seed = seed
        self.image_pages_count = image_pages_count
        self.image_bytes = image_bytes

    def image_page(self, i: int) -> int:
        return i % self.image_pages_count

    def stamp_page(self, i: int) -> int:
        return STAMP_BASE_PAGE + i % STAMP_PAGES_COUNT

    def stamp_offset(self, i: int) -> int:
        slots = PAGE_SIZE_BYTES // STAMP_BYTES
        return (i // STAMP_PAGES_COUNT) % slots * STAMP_BYTES

    def image(self, i: int) -> bytes:
        block = hashlib.sha256(f"{self.seed}:{i}".encode()).digest()
        return (block * (PAGE_SIZE_BYTES // len(block)))[:PAGE_SIZE_BYTES]

    def stamp(self, i: int) -> bytes:
        return (i + 1).to_bytes(STAMP_BYTES, "little")

    def changes(self, i: int) -> list[PageChange]:
        first = (PageChange.image(self.image_page(i), self.image(i)) if self.image_bytes == PAGE_SIZE_BYTES
                 else PageChange.delta(self.image_page(i), [(0, self.image(i)[: self.image_bytes])]))
        return [first,
                PageChange.delta(self.stamp_page(i), [(self.stamp_offset(i), self.stamp(i))])]

    def state_of(self, i: int, image_page: bytes, stamp_page: bytes) -> str:
        """'present', 'absent' or 'partial' for MTR i, given the pages it wrote
        (valid while each page slot was written by MTR i alone)."""
        has_image = image_page[: self.image_bytes] == self.image(i)[: self.image_bytes]
        off = self.stamp_offset(i)
        has_stamp = stamp_page[off:off + STAMP_BYTES] == self.stamp(i)
        if has_image and has_stamp:
            return "present"
        if not has_image and not has_stamp:
            return "absent"
        return "partial"
