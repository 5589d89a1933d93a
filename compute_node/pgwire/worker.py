"""One connection's SQL thread.

A session's SQL (SQLite, translation, the volume client's blocking calls) runs off the
protocol's event loop, on a thread of its own. This is the smallest such hand-off: a
C-implemented SimpleQueue in, `call_soon_threadsafe` out. ThreadPoolExecutor, used
before, took a Python-level semaphore and condition on every call, which showed up on
the commit path (seven calls per pgbench transaction).
"""

from __future__ import annotations

import asyncio
import queue
import threading


def _settle(fut: asyncio.Future, ok: bool, value) -> None:
    if fut.cancelled():
        return  # the caller went away; what ran, ran
    if ok:
        fut.set_result(value)
    else:
        fut.set_exception(value)


class SessionWorker:
    """Runs calls one at a time, in order, on its own thread."""

    def __init__(self, name: str):
        self._calls: queue.SimpleQueue = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._serve, name=name, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while True:
            call = self._calls.get()
            if call is None:
                return
            loop, fut, fn, args = call
            try:
                value, ok = fn(*args), True
            except BaseException as e:  # noqa: BLE001 - handed to the awaiting coroutine
                value, ok = e, False
            try:
                loop.call_soon_threadsafe(_settle, fut, ok, value)
            except RuntimeError:  # the loop is closed: nobody waits any more
                return

    async def run(self, fn, *args):
        """`fn(*args)` on the worker thread. Cancelling the wait does not stop the call."""
        loop = asyncio.get_running_loop()
        fut = loop.create_future()
        self._calls.put((loop, fut, fn, args))
        return await fut

    def stop(self) -> None:
        """The thread ends after the calls queued before this one."""
        self._calls.put(None)
