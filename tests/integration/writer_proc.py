"""A writer process for crash tests: commits MtrWorkload MTRs from a start id with
several concurrent committers and prints `ack <id> <cpl>` (flushed) for each commit
the volume acknowledges. The test SIGKILLs it; its stdout says what was acknowledged.

    python -m tests.integration.writer_proc SPEC SEED IMAGE_PAGES START COUNT COMMITTERS
"""

from __future__ import annotations

import asyncio
import sys

from compute_node.volume_client import VolumeClient
from sixfold.errors import SixfoldError
from sixfold.spec import ClusterSpec
from tests.integration.mtr_workload import MtrWorkload


async def main(spec_path: str, seed: int, pages: int, start: int, count: int, committers: int) -> None:
    wl = MtrWorkload(seed, pages)
    vc = await VolumeClient.open(ClusterSpec.load(spec_path))
    print(f"open epoch {vc.epoch} vdl {vc.vdl}", flush=True)
    ids = iter(range(start, start + count))

    async def worker():
        for i in ids:
            try:
                cpl = await vc.commit(wl.changes(i), timeout_ms=60_000)
            except SixfoldError as e:
                print(f"error {i} {type(e).__name__}", flush=True)
                return
            sys.stdout.write(f"ack {i} {cpl}\n")
            sys.stdout.flush()

    await asyncio.gather(*(worker() for _ in range(committers)))
    print("done", flush=True)
    await vc.close()


if __name__ == "__main__":
    a = sys.argv[1:]
    asyncio.run(main(a[0], int(a[1]), int(a[2]), int(a[3]), int(a[4]), int(a[5])))
