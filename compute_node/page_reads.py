"""Reading a page from storage: one segment whose SCL covers the read point, hedged to
a second after READ_HEDGE_DELAY_MS. Reads need no quorum. Shared by the writer's
volume client and a replica's."""

from __future__ import annotations

import asyncio

import grpc

from sixfold.clock import monotonic_s
from sixfold.constants import READ_HEDGE_DELAY_MS, READ_TIMEOUT_MS
from sixfold.errors import QuorumUnavailable, SixfoldError, error_from_status
from sixfold.rpc import storage_pb2 as pb


async def hedged_read(stubs: dict, order: list[str], req: pb.GetPageRequest, stats=None) -> tuple[bytes, int]:
    """(image, page LSN) from the first of `order` that answers; the next one is asked
    too whenever READ_HEDGE_DELAY_MS passes without an answer. Raises ReadPointCollected
    if a segment says the read point was garbage-collected, else QuorumUnavailable."""
    deadline = monotonic_s() + READ_TIMEOUT_MS / 1000
    pending: set[asyncio.Task] = set()
    started: list[asyncio.Task] = []
    errors: list[SixfoldError] = []
    queue = list(order)
    try:
        while queue or pending:
            if queue:
                node = queue.pop(0)
                started.append(asyncio.ensure_future(_read_one(stubs, node, req)))
                pending.add(started[-1])
            left = deadline - monotonic_s()
            if left <= 0:
                break
            wait = min(left, READ_HEDGE_DELAY_MS / 1000) if queue else left
            done, pending = await asyncio.wait(pending, timeout=wait, return_when=asyncio.FIRST_COMPLETED)
            for t in done:
                try:
                    return t.result()
                except SixfoldError as e:
                    errors.append(e)
            if stats is not None and done:
                stats["read_retries"] += 1  # the answer was an error: the next segment is asked
            elif stats is not None and queue:
                stats["read_hedges"] += 1  # no answer yet: a second segment is asked too
    finally:
        # Every read started ends retrieved: one that finished with an error alongside the
        # one that answered, or that fails after being cancelled, is not an "exception
        # never retrieved" in the log (seen in a chaos run).
        for t in started:
            t.cancel()
            t.add_done_callback(_retrieve)
    collected = [e for e in errors if e.grpc_status == "OUT_OF_RANGE"]
    if collected:
        raise collected[0]
    raise QuorumUnavailable(f"page {req.page} at LSN {req.read_lsn}: no segment could serve it "
                            f"({'; '.join(str(e) for e in errors[:3]) or 'timed out'})")


async def read_many(read_one, pages: list[int], read_lsn: int) -> list:
    """`read_one(page, read_lsn)` for every page at once: per page (image, page LSN) or
    the exception its read raised (a read-ahead: the caller needs only the first)."""
    return await asyncio.gather(*(read_one(p, read_lsn) for p in pages), return_exceptions=True)


def _retrieve(t: asyncio.Task) -> None:
    if not t.cancelled():
        t.exception()


async def _read_one(stubs: dict, node: str, req: pb.GetPageRequest) -> tuple[bytes, int]:
    try:
        resp = await stubs[node].GetPage(req, timeout=READ_TIMEOUT_MS / 1000)
    except grpc.aio.AioRpcError as e:
        raise error_from_status(e.code().name, f"{node}: {e.details()}") from None
    return resp.image, resp.page_lsn
