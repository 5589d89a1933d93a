"""What every Sixfold server process does at start: log to stderr with its name, run
its main coroutine on uvloop."""

from __future__ import annotations

import logging
import sys


def run_server(name: str, log_level: str, main_coro) -> None:
    logging.basicConfig(level=log_level, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s [" + name + "] %(message)s")
    import uvloop

    uvloop.run(main_coro)
