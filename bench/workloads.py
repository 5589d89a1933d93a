"""Workloads shared by bench/, chaos runs and tests: objects with setup / run / metrics.

PgbenchLike: one TPC-B-like mini-transaction per commit, written straight to the
volume through a `VolumeClient` (no SQL layer). The volume is laid out as

    accounts  pages [0, accounts)                 default 2,000 pages
    tellers   the next `tellers` pages            default 20
    branches  the next `branches` pages           default 2
    history   a ring of `history_pages` pages     default 64

and each commit holds:

  * a 100-byte delta at a random offset of an accounts page drawn uniformly;
  * a 16-byte delta on a random teller page and on a random branch page;
  * a 50-byte delta appended to the current history page (the next one when full);
  * with probability `image_probability` (default 0.05), a full 4 KiB image of a
    random accounts page, like a full-page write after a checkpoint.

That is 4 records per commit, 5 with an image (4.05 on average). Each committer is an
asyncio task with its own `random.Random(seed * 1000 + index)`; committers share one
VolumeClient and commit sequentially (submit, wait until durable on 4 of 6 segments,
repeat). `setup` writes an image of every page first, so deltas land on real pages.

    wl = PgbenchLike(seed=1)
    await wl.setup(vc)
    result = await wl.run(vc, committers=16, warmup_s=2, measure_s=10)
    print(result.metrics())
"""

from __future__ import annotations

import asyncio
import math
import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from compute_node.volume_client import PageChange, VolumeClient
from sixfold.constants import PAGE_SIZE_BYTES
from sixfold.errors import SixfoldError

SETUP_PAGES_PER_COMMIT_COUNT = 16
SETUP_COMMITTERS_COUNT = 8


def percentile(sorted_values: list[float], q: float) -> float | None:
    """Nearest-rank percentile (q in [0, 1]) of an ascending list; None when empty."""
    if not sorted_values:
        return None
    k = min(len(sorted_values) - 1, max(0, math.ceil(q * len(sorted_values)) - 1))
    return sorted_values[k]


@dataclass
class RunResult:
    """What one measured period produced. Commits count when they complete inside it."""

    committers: int
    measure_s: float
    latencies_s: list[float] = field(default_factory=list)
    records: int = 0
    errors: Counter = field(default_factory=Counter)
    sent_bytes: int = 0
    lal_waits: int = 0

    def metrics(self) -> dict:
        lat = sorted(self.latencies_s)
        n = len(lat)

        def ms(v):
            return None if v is None else round(v * 1000, 3)

        return {
            "committers": self.committers,
            "measure_s": round(self.measure_s, 3),
            "commits": n,
            "commits_per_s": round(n / self.measure_s, 1) if self.measure_s else None,
            "latency_ms": {"mean": ms(sum(lat) / n if n else None), "p50": ms(percentile(lat, 0.50)),
                           "p90": ms(percentile(lat, 0.90)), "p99": ms(percentile(lat, 0.99)),
                           "max": ms(lat[-1] if lat else None)},
            "records_per_commit": round(self.records / n, 3) if n else None,
            "bytes_sent_per_commit": round(self.sent_bytes / n, 1) if n else None,
            "lal_waits": self.lal_waits,
            "errors": dict(self.errors),
        }


class PgbenchLike:
    def __init__(self, seed: int = 1, accounts: int = 2_000, tellers: int = 20, branches: int = 2,
                 history_pages: int = 64, image_probability: float = 0.05,
                 account_delta_bytes: int = 100, small_delta_bytes: int = 16, history_row_bytes: int = 50):
        self.seed = seed
        self.accounts, self.tellers, self.branches = accounts, tellers, branches
        self.history_pages = history_pages
        self.image_probability = image_probability
        self.account_delta_bytes = account_delta_bytes
        self.small_delta_bytes = small_delta_bytes
        self.history_row_bytes = history_row_bytes
        self.teller0 = accounts
        self.branch0 = self.teller0 + tellers
        self.history0 = self.branch0 + branches
        self.pages = self.history0 + history_pages
        self._history_row = 0  # shared by all committers: one append point, like a table's tail

    def describe(self) -> dict:
        return {"name": "pgbench-like", "seed": self.seed, "accounts_pages": self.accounts,
                "teller_pages": self.tellers, "branch_pages": self.branches, "history_pages": self.history_pages,
                "image_probability": self.image_probability, "account_delta_bytes": self.account_delta_bytes,
                "small_delta_bytes": self.small_delta_bytes, "history_row_bytes": self.history_row_bytes}

    async def setup(self, vc: VolumeClient) -> None:
        """Write a seeded image of every page the workload touches."""
        rng = random.Random(self.seed)
        pages = list(range(self.pages))
        chunks = [pages[i:i + SETUP_PAGES_PER_COMMIT_COUNT] for i in range(0, len(pages), SETUP_PAGES_PER_COMMIT_COUNT)]
        images = {p: rng.randbytes(PAGE_SIZE_BYTES) for p in pages}

        async def writer(mine):
            for chunk in mine:
                await vc.commit([PageChange.image(p, images[p]) for p in chunk])

        await asyncio.gather(*(writer(chunks[i::SETUP_COMMITTERS_COUNT]) for i in range(SETUP_COMMITTERS_COUNT)))

    def next_commit(self, rng: random.Random) -> list[PageChange]:
        """The page changes of one mini-transaction."""
        def delta(page: int, size: int, offset: int | None = None) -> PageChange:
            if offset is None:
                offset = rng.randrange(PAGE_SIZE_BYTES - size + 1)
            return PageChange.delta(page, [(offset, rng.randbytes(size))])

        changes = [delta(rng.randrange(self.accounts), self.account_delta_bytes),
                   delta(self.teller0 + rng.randrange(self.tellers), self.small_delta_bytes),
                   delta(self.branch0 + rng.randrange(self.branches), self.small_delta_bytes)]
        rows_per_page = PAGE_SIZE_BYTES // self.history_row_bytes
        row = self._history_row
        self._history_row += 1
        page = self.history0 + (row // rows_per_page) % self.history_pages
        changes.append(delta(page, self.history_row_bytes, (row % rows_per_page) * self.history_row_bytes))
        if rng.random() < self.image_probability:
            changes.append(PageChange.image(rng.randrange(self.accounts), rng.randbytes(PAGE_SIZE_BYTES)))
        return changes

    async def run(self, vc: VolumeClient, committers: int, warmup_s: float, measure_s: float,
                  on_window: Callable[[str], None] | None = None) -> RunResult:
        """`committers` tasks commit back to back for warmup_s + measure_s; only commits
        completing inside the measured period are counted. `on_window("start")` and
        `on_window("end")` are called at the edges of the measured period."""
        res = RunResult(committers, measure_s)
        t_start = time.monotonic() + warmup_s
        t_end = t_start + measure_s

        def sent_total() -> int:
            return sum(s["sent_bytes"] for s in vc.link_stats().values())

        async def committer(i: int) -> None:
            rng = random.Random(self.seed * 1000 + i)
            while (t0 := time.monotonic()) < t_end:
                changes = self.next_commit(rng)
                try:
                    await vc.commit(changes)
                except SixfoldError as e:
                    t1 = time.monotonic()
                    if t_start <= t1 <= t_end:
                        res.errors[type(e).__name__] += 1
                    continue
                t1 = time.monotonic()
                if t_start <= t1 <= t_end:
                    res.latencies_s.append(t1 - t0)
                    res.records += len(changes)

        async def sampler() -> None:
            await asyncio.sleep(max(0.0, t_start - time.monotonic()))
            sent0, lal0 = sent_total(), vc.stats["lal_waits"]
            if on_window:
                on_window("start")
            await asyncio.sleep(max(0.0, t_end - time.monotonic()))
            if on_window:
                on_window("end")
            res.sent_bytes = sent_total() - sent0
            res.lal_waits = vc.stats["lal_waits"] - lal0

        await asyncio.gather(sampler(), *(committer(i) for i in range(committers)))
        return res
