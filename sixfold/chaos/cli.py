"""`sixfold chaos`: the command line of a chaos run (sixfold/chaos/runner.py does it)."""

from __future__ import annotations

import argparse
import json
import logging
import random
import sys
from pathlib import Path

from sixfold.sabotage import SABOTAGES

EXIT_VALID, EXIT_ANOMALIES, EXIT_USAGE = 0, 1, 2


def _csv(text: str) -> tuple[str, ...]:
    return tuple(x.strip() for x in text.split(",") if x.strip())


def add_arguments(ap: argparse.ArgumentParser) -> None:
    from sixfold.chaos.schedule import NEMESES
    from sixfold.workloads import CHAOS_WORKLOADS as WORKLOADS

    ap.formatter_class = argparse.RawDescriptionHelpFormatter
    ap.epilog = ("workloads:\n" + "".join(f"  {k:12} {v}\n" for k, v in WORKLOADS.items())
                 + "nemeses:\n" + "".join(f"  {k:12} {v}\n" for k, v in NEMESES.items())
                 + "sabotages (bugs planted on purpose, to show the checkers catch them):\n"
                 + "".join(f"  {k:19} {v}\n" for k, v in SABOTAGES.items())
                 + "\nexit status: 0 valid, 1 anomalies found (or the run failed), 2 bad usage")
    ap.add_argument("--workload", type=_csv, default=("bank",), metavar="W[,W...]",
                    help="workloads to run together (default: bank)")
    ap.add_argument("--nemesis", type=_csv, default=("kill",), metavar="N[,N...]",
                    help="faults to inject (default: kill)")
    ap.add_argument("--duration", type=float, default=60.0, metavar="S", help="seconds of workload (default 60)")
    ap.add_argument("--seed", type=int, default=None, metavar="K",
                    help="the schedule's seed (default: random, printed); the same seed replays the same faults")
    ap.add_argument("--sabotage", choices=sorted(SABOTAGES), default=None,
                    help="switch on a planted bug in every process of this run only")
    ap.add_argument("--writer-kill-interval", type=float, default=30.0, metavar="S",
                    help="with the writer-kill nemesis: seconds between writer kills (default 30)")
    ap.add_argument("--replicas", type=int, default=2, metavar="N", help="read replicas (default 2)")
    ap.add_argument("--write-concurrency", choices=("serial", "optimistic"), default="serial",
                    help="the workloads' sessions' sixfold.write_concurrency (default serial; optimistic: "
                         "transactions off the write lock, replayed at COMMIT)")
    ap.add_argument("--out", type=Path, default=None, metavar="DIR",
                    help="where verdict.json, history.jsonl and the cluster's data and logs go "
                         "(default: a new temporary directory, printed)")
    ap.add_argument("--no-netns", action="store_true",
                    help="run every process in this network namespace (no partition nemesis)")
    ap.add_argument("--json", action="store_true", help="print the verdict as JSON instead of the summary")
    ap.add_argument("--regions", type=int, default=None, metavar="2",
                    help="region chaos instead: a global database of two regions, the bank through the global "
                         "writer endpoint, readers in every region, and region nemeses (replication server or agent "
                         "killed, secondary storage or a whole secondary region lost, the cross-region link cut, "
                         "switchovers); --seed, --duration, --out and --json apply")


def run(args: argparse.Namespace) -> int:
    from sixfold.chaos import runner

    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(2**31)
    if args.regions is not None:
        return run_regions(args, seed)
    cfg = runner.ChaosConfig(workloads=args.workload, nemeses=args.nemesis, duration_s=args.duration, seed=seed,
                             sabotage=args.sabotage, writer_kill_interval_s=args.writer_kill_interval,
                             replicas=args.replicas, out_dir=args.out, use_netns=False if args.no_netns else None,
                             write_concurrency=args.write_concurrency)
    try:
        cfg.validate()
    except ValueError as e:
        print(f"sixfold chaos: error: {e}", file=sys.stderr)
        return EXIT_USAGE
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    print(f"sixfold chaos: seed {seed} (replay with --seed {seed}); workloads {','.join(cfg.workloads)}; "
          f"nemeses {','.join(cfg.nemeses) or 'none'}; {cfg.duration_s:g} s", flush=True)
    try:
        verdict = runner.run(cfg, progress=lambda line: print(line, flush=True))
    except (RuntimeError, TimeoutError, OSError) as e:
        print(f"sixfold chaos: the run failed (seed {seed}): {e}", file=sys.stderr)
        return EXIT_ANOMALIES
    print(json.dumps(verdict, indent=2, default=str) if args.json else runner.summary(verdict))
    return EXIT_VALID if verdict["valid"] else EXIT_ANOMALIES


def run_regions(args: argparse.Namespace, seed: int) -> int:
    import tempfile

    from sixfold.chaos.regions import run_region_chaos

    if args.regions != 2:
        print("sixfold chaos: error: --regions takes 2 (a primary and one secondary)", file=sys.stderr)
        return EXIT_USAGE
    out = args.out or Path(tempfile.mkdtemp(prefix="sixfold-region-chaos-"))
    print(f"sixfold chaos: seed {seed} (replay with --regions 2 --seed {seed}); {args.duration:g} s; data in {out}",
          flush=True)
    try:
        verdict = run_region_chaos(out / "global", seed, args.duration, log=lambda line: print(line, flush=True))
    except (RuntimeError, TimeoutError, OSError) as e:
        print(f"sixfold chaos: the run failed (seed {seed}): {e}", file=sys.stderr)
        return EXIT_ANOMALIES
    out.mkdir(parents=True, exist_ok=True)
    (out / "verdict.json").write_text(json.dumps(verdict, indent=2, default=str) + "\n")
    if args.json:
        print(json.dumps(verdict, indent=2, default=str))
    else:
        print(f"{'VALID' if verdict['valid'] else 'ANOMALIES FOUND'} (seed {seed}): faults {', '.join(verdict['faults'])}; "
              f"bank {verdict['bank']['counts']}; region reads {verdict['region_reads']}; primary at the end "
              f"{verdict['primary']}")
        for a in verdict["region_anomalies"] + verdict["regions_behind"]:
            print(f"  {a}")
        for kind, items in verdict["bank"]["anomalies"].items():
            print(f"  bank {kind}: {items[:3]}")
    return EXIT_VALID if verdict["valid"] else EXIT_ANOMALIES
