"""The cross-region link: a bounded queue that holds each message for a one-way delay.

Only the replication transport acts out distance; storage and SQL never see it. The
delay is a latency, not a rate limit: messages queued together leave together, each
`delay_ms` after it was put, in order."""

from __future__ import annotations

import asyncio
import time


class DelayLine:
    def __init__(self, delay_ms: int, max_items: int):
        assert delay_ms >= 0 and max_items > 0
        self.delay_s = delay_ms / 1000
        self._q: asyncio.Queue = asyncio.Queue(max_items)

    async def put(self, item) -> None:
        """Waits while the link is full (back-pressure on the sender)."""
        await self._q.put((time.monotonic() + self.delay_s, item))

    async def get(self):
        due, item = await self._q.get()
        wait = due - time.monotonic()
        if wait > 0:
            await asyncio.sleep(wait)  # the simulated distance itself, not a stand-in for a condition
        return item

    def empty(self) -> bool:
        return self._q.empty()
