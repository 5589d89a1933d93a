"""A deterministic asyncio event loop on virtual time.

`SimLoop` is an ordinary selector event loop whose selector never waits: when no
callback is ready, the clock jumps straight to the next timer. Nothing touches a
real socket, clock or thread, so a run is a pure function of its seed. Every task is
created inside some simulated process (a context variable names it), which is how
the simulator cancels exactly one process's tasks when it crashes.
"""

from __future__ import annotations

import asyncio
import contextvars
import selectors

PROCESS: contextvars.ContextVar[str | None] = contextvars.ContextVar("sim_process", default=None)
WALL_EPOCH_US = 1_780_000_000_000_000  # the simulated wall clock starts here (2026)


class Deadlock(Exception):
    """Nothing is ready and no timer is pending: the simulated world is stuck."""


class _InstantSelector(selectors.BaseSelector):
    """Registers file objects but never waits: `select(t)` advances virtual time by t."""

    def __init__(self, loop: "SimLoop"):
        self._loop = loop
        self._keys: dict[int, selectors.SelectorKey] = {}

    def register(self, fileobj, events, data=None):
        fd = fileobj if isinstance(fileobj, int) else fileobj.fileno()
        key = selectors.SelectorKey(fileobj, fd, events, data)
        self._keys[fd] = key
        return key

    def unregister(self, fileobj):
        fd = fileobj if isinstance(fileobj, int) else fileobj.fileno()
        return self._keys.pop(fd)

    def modify(self, fileobj, events, data=None):
        self.unregister(fileobj)
        return self.register(fileobj, events, data)

    def select(self, timeout=None):
        if timeout is None:
            raise Deadlock("no callback is ready and no timer is pending")
        if timeout > 0:
            # Land exactly on the next timer: adding a tiny float timeout to a large
            # clock can round to no change at all, and the loop would spin forever.
            self._loop.advance_to_next_timer(timeout)
        return []

    def get_map(self):
        return self._keys

    def close(self):
        self._keys.clear()


class SimLoop(asyncio.SelectorEventLoop):
    def __init__(self) -> None:
        self._now = 0.0
        self._wall_offset_us = 0
        self.tasks_by_process: dict[str | None, set[asyncio.Task]] = {}
        super().__init__(_InstantSelector(self))
        self.set_task_factory(self._make_task)
        self.steps = 0

    # --- time ---------------------------------------------------------------------------
    def time(self) -> float:
        return self._now

    def advance(self, seconds: float) -> None:
        self._now += seconds

    def call_at(self, when, callback, *args, context=None):
        # A timer that fires moves the clock to its time. asyncio fires timers up to a
        # clock resolution early; on a clock that only moves when nothing is ready, a
        # task retrying "wait the few nanoseconds left" would otherwise spin forever.
        return super().call_at(when, self._fire, when, callback, args, context=context)

    def _fire(self, when: float, callback, args) -> None:
        if when > self._now:
            self._now = when
        callback(*args)

    def advance_to_next_timer(self, seconds: float) -> None:
        nxt = self._scheduled[0].when() if self._scheduled else self._now + seconds
        self._now = max(self._now + seconds, nxt)

    def wall_us(self) -> int:
        return WALL_EPOCH_US + int(self._now * 1_000_000) + self._wall_offset_us

    def jump_wall_clock(self, seconds: float) -> None:
        """The wall clock (commit timestamps) jumps; monotonic time does not."""
        self._wall_offset_us += int(seconds * 1_000_000)

    def _run_once(self) -> None:
        self.steps += 1
        super()._run_once()

    # --- processes ----------------------------------------------------------------------
    def _make_task(self, loop, coro, context=None, **kw):
        task = asyncio.Task(coro, loop=loop, context=context, **kw)
        owner = (context or contextvars.copy_context()).get(PROCESS)
        tasks = self.tasks_by_process.setdefault(owner, set())
        tasks.add(task)
        task.add_done_callback(tasks.discard)
        return task

    def spawn(self, process: str, coro, name: str | None = None) -> asyncio.Task:
        """Start `coro` as a task of `process` (its children belong to it too)."""
        ctx = contextvars.copy_context()
        ctx.run(PROCESS.set, process)
        return self.create_task(coro, name=name, context=ctx)

    def kill_process(self, process: str) -> int:
        """Cancel every task of `process` (a crash). Returns how many."""
        tasks = list(self.tasks_by_process.get(process, ()))
        for t in tasks:
            t.cancel()
        return len(tasks)


def new_loop() -> SimLoop:
    loop = SimLoop()
    loop._clock_resolution = 1e-9
    return loop


__all__ = ["SimLoop", "Deadlock", "PROCESS", "new_loop"]
