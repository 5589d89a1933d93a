"""A progress bar on stderr for a run of planned steps: step k/N, the current step's
name, elapsed time and an ETA. Redrawn in place (\\r) on a terminal, once a second
by a ticker thread; one plain line per step otherwise. No dependency."""

from __future__ import annotations

import sys
import threading
import time

BAR_WIDTH = 24
TICK_S = 1.0


def eta_s(planned: list[float], done: int, elapsed_done: float, elapsed_current: float) -> float:
    """Seconds left: the planned durations of the steps not finished, scaled by how the
    finished ones compared with their plan (actual/planned)."""
    plan_done = sum(planned[:done])
    scale = elapsed_done / plan_done if plan_done > 0 and elapsed_done > 0 else 1.0
    current = planned[done] * scale - elapsed_current if done < len(planned) else 0.0
    return max(0.0, current) + sum(planned[done + 1:]) * scale


def fmt_s(s: float) -> str:
    s = int(round(s))
    return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}" if s >= 3600 else f"{s // 60}:{s % 60:02d}"


def render(k: int, n: int, name: str, elapsed: float, eta: float, frac: float) -> str:
    filled = int(frac * BAR_WIDTH)
    return (f"[{'#' * filled}{'-' * (BAR_WIDTH - filled)}] step {k}/{n} {name} "
            f"| elapsed {fmt_s(elapsed)} ETA {fmt_s(eta)}")


class Progress:
    def __init__(self, plan: list[tuple[str, float]], stream=None):
        self.names = [n for n, _ in plan]
        self.planned = [max(0.1, s) for _, s in plan]
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self.t0 = time.monotonic()
        self.done = 0
        self.done_elapsed = 0.0
        self.step_t0 = self.t0
        self.current = ""
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._ticker = None
        if self.tty:
            self._ticker = threading.Thread(target=self._tick, name="progress", daemon=True)
            self._ticker.start()

    def _line(self) -> str:
        now = time.monotonic()
        eta = eta_s(self.planned, self.done, self.done_elapsed, now - self.step_t0)
        elapsed = now - self.t0
        frac = elapsed / (elapsed + eta) if elapsed + eta > 0 else 1.0
        return render(min(self.done + 1, len(self.names)), len(self.names), self.current, elapsed, eta, frac)

    def _draw(self) -> None:
        with self._lock:
            if self.tty:
                self.stream.write("\r" + self._line() + "\x1b[K")
            else:
                self.stream.write(self._line() + "\n")
            self.stream.flush()

    def _tick(self) -> None:
        while not self._stop.wait(TICK_S):
            self._draw()

    def step(self, name: str) -> None:
        """Begin the next planned step (the previous one ends here)."""
        now = time.monotonic()
        if self.current:
            self.done += 1
            self.done_elapsed += now - self.step_t0
        self.current, self.step_t0 = name, now
        self._draw()

    def note(self, text: str) -> None:
        """A line on stdout (a step's result); on a terminal the bar is cleared first and
        redrawn below it."""
        with self._lock:
            if self.tty:
                self.stream.write("\r\x1b[K")
                self.stream.flush()
            print(text, flush=True)
        if self.tty:
            self._draw()

    def finish(self) -> None:
        self._stop.set()
        if self._ticker is not None:
            self._ticker.join(2 * TICK_S)
        if self.tty:
            self.stream.write("\n")
            self.stream.flush()
