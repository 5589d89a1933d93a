"""The options of `sixfold bench`, apart from the benchmark itself, so that building the
command line (every `sixfold` command does) does not load the benchmark or gRPC."""

from __future__ import annotations

import argparse
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def add_arguments(ap: argparse.ArgumentParser) -> None:
    ap.add_argument("--quick", action="store_true",
                    help="short run: 1 round, 5 s per run, scale 1, recovery at 10k and 100k records")
    ap.add_argument("--rounds", type=int, help="rounds of all systems x client counts (default 3, quick 1)")
    ap.add_argument("--seconds", type=float, help="seconds per pgbench run (default 20, quick 5)")
    ap.add_argument("--scale", type=int, help="pgbench scale factor (default 2, quick 1)")
    ap.add_argument("--profile", action="store_true",
                    help="py-spy the Sixfold writer and one storage node during an extra 4-client run")
    ap.add_argument("--no-recovery", dest="recovery", action="store_false",
                    help="skip the writer crash-recovery figures")
    ap.add_argument("--seed", type=int, default=1, help="seed of the paused-node choice (default 1)")
    ap.add_argument("--out-dir", type=Path, default=REPO / "bench" / "results",
                    help="where compare.json/.md and the plots go (default bench/results)")
    ap.add_argument("--keep", action="store_true", help="keep the systems' temporary directories")
