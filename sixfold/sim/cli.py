"""`sixfold sim`: run the deterministic simulation over many seeds.

    sixfold sim --seeds 10000               the long run (all cores)
    sixfold sim --seed 4242                 replay one seed, printing its fault schedule
    sixfold sim --seeds 300 --plant vdl-at-3   must fail, naming the invariant

Exit codes: 0 every seed held; 1 a seed violated an invariant (the first one is
printed with its schedule and the command that replays it); 2 bad usage.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor

from sixfold.sim.plants import PLANTS

CHUNK_SEEDS = 20  # seeds handed to a worker process at a time


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--seeds", type=int, default=100, metavar="N", help="how many seeds to run (default 100)")
    p.add_argument("--start", type=int, default=0, metavar="S", help="first seed (default 0)")
    p.add_argument("--seed", type=int, default=None, metavar="K",
                   help="run this one seed and print its fault schedule (replays a failure bit for bit)")
    p.add_argument("--plant", choices=sorted(PLANTS), default=None,
                   help="plant a known bug in the simulated processes; the run must then fail: "
                        + "; ".join(f"{k}: {v}" for k, v in PLANTS.items()))
    p.add_argument("--jobs", type=int, default=min(os.cpu_count() or 1, 8), metavar="J",
                   help="worker processes (default: one per core)")
    p.add_argument("--keep-going", action="store_true", help="run every seed even after a failure")
    p.add_argument("--json", metavar="FILE", default=None, help="also write the totals and failures as JSON")


def _run_chunk(args: tuple[list[int], str | None]) -> list[dict]:
    from sixfold.sim.runner import run_seed

    seeds, plant = args
    out = []
    for s in seeds:
        r = run_seed(s, plant)
        out.append({"seed": r.seed, "ok": r.ok, "invariant": r.invariant, "detail": r.detail,
                    "schedule": r.schedule, "outcomes": r.outcomes, "faults": r.faults, "wall_s": r.wall_s,
                    "virtual_s": r.virtual_s, "messages": r.messages, "checks": r.checks, "digest": r.digest,
                    "storage": r.storage, "log_tail": r.log_tail, "summary": r.summary()})
    return out


def _report_failure(r: dict, plant: str | None) -> None:
    print(f"\n{r['summary']}", file=sys.stderr)
    print(r["schedule"], file=sys.stderr)
    if r["log_tail"]:
        print("last log lines:", file=sys.stderr)
        for line in r["log_tail"][-12:]:
            print(f"  {line}", file=sys.stderr)
    replay = f"sixfold sim --seed {r['seed']}" + (f" --plant {plant}" if plant else "")
    print(f"replay: {replay}  (digest {r['digest']})", file=sys.stderr)


def run(args: argparse.Namespace) -> int:
    if args.seed is not None:
        from sixfold.sim.runner import run_seed

        r = run_seed(args.seed, args.plant)
        print(r.schedule)
        print(f"{r.summary()}\n  outcomes {r.outcomes}\n  {r.virtual_s:.1f} s simulated in {r.wall_s:.2f} s, "
              f"{r.messages} messages, {r.checks} invariant checks, digest {r.digest}\n  storage {r.storage}")
        if not r.ok:
            for line in r.log_tail[-12:]:
                print(f"  {line}")
        return 0 if r.ok else 1
    if args.seeds < 1 or args.jobs < 1:
        print("sixfold sim: error: --seeds and --jobs must be at least 1", file=sys.stderr)
        return 2
    seeds = list(range(args.start, args.start + args.seeds))
    chunks = [(seeds[i:i + CHUNK_SEEDS], args.plant) for i in range(0, len(seeds), CHUNK_SEEDS)]
    t0 = time.perf_counter()
    done, failures = 0, []
    faults, outcomes, storage = Counter(), Counter(), Counter()
    messages = checks = 0
    virtual_s = 0.0
    tty = sys.stderr.isatty()
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        for results in pool.map(_run_chunk, chunks):
            for r in results:
                done += 1
                faults.update(r["faults"])
                outcomes.update(r["outcomes"])
                storage.update(r["storage"])
                messages += r["messages"]
                checks += r["checks"]
                virtual_s += r["virtual_s"]
                if not r["ok"]:
                    failures.append(r)
                    if len(failures) == 1:
                        _report_failure(r, args.plant)
            rate = done / (time.perf_counter() - t0)
            line = f"{done}/{len(seeds)} seeds, {rate:.1f} seeds/s, {len(failures)} failed"
            print(("\r" if tty else "") + line, end="" if tty else "\n", file=sys.stderr, flush=True)
            if failures and not args.keep_going:
                pool.shutdown(cancel_futures=True)
                break
    elapsed = time.perf_counter() - t0
    if tty:
        print(file=sys.stderr)
    faults.pop("writer-open", None)
    faults.pop("healed", None)
    print(f"{done} seeds in {elapsed:.1f} s ({done / elapsed:.1f} seeds/s, {virtual_s:.0f} s simulated), "
          f"{len(failures)} failed" + (f" (plant {args.plant})" if args.plant else ""))
    print(f"  commits: {dict(sorted(outcomes.items()))}")
    print(f"  faults injected: {dict(sorted(faults.items()))}")
    print(f"  storage: {dict(sorted(storage.items()))}")
    print(f"  messages: {messages}, invariant checks: {checks}")
    if failures:
        print(f"  failed seeds: {[r['seed'] for r in failures][:20]}; first: {failures[0]['summary']}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"seeds": done, "start": args.start, "plant": args.plant, "elapsed_s": elapsed,
                       "seeds_per_s": done / elapsed, "virtual_s": virtual_s, "failed": len(failures),
                       "outcomes": dict(outcomes), "faults": dict(faults), "storage": dict(storage), "messages": messages,
                       "checks": checks, "failures": [{k: r[k] for k in ("seed", "invariant", "detail", "digest")}
                                                      for r in failures]}, f, indent=2)
    return 1 if failures else 0
