"""The deterministic simulation in CI: a few hundred seeds must hold every invariant,
each planted bug must be caught (in-process and through `sixfold sim`), and a seed
must replay bit for bit, whatever Python's hash seed.

`SIXFOLD_SIM_SEEDS` changes how many seeds CI runs (default CI_SEEDS); the long run
is `sixfold sim --seeds 10000`."""

from __future__ import annotations

import functools
import os
import subprocess
import sys
from concurrent.futures import ProcessPoolExecutor

import pytest

from sixfold.sim.cli import CHUNK_SEEDS, _run_chunk
from sixfold.sim.plants import PLANTS
from sixfold.sim.runner import run_seed

CI_SEEDS = 300
PLANT_SEED_BUDGET = 40  # every plant must be caught within this many seeds
CAUGHT_AS = {"vdl-at-3": {"vdl-quorum"}, "no-epoch-check": {"fenced-ack", "durable-lost"},
             "amnesia-fences": {"fenced-by-newer"}, "chain-below-trim": {"unreadable", "wedged"}}


def test_ci_seeds_hold_every_invariant():
    count = int(os.environ.get("SIXFOLD_SIM_SEEDS", CI_SEEDS))
    seeds = list(range(count))
    chunks = [(seeds[i:i + CHUNK_SEEDS], None) for i in range(0, count, CHUNK_SEEDS)]
    with ProcessPoolExecutor(max_workers=min(2, os.cpu_count() or 1)) as pool:
        results = [r for rs in pool.map(_run_chunk, chunks) for r in rs]
    failed = [r for r in results if not r["ok"]]
    faults = {}
    for r in results:
        for k, v in r["faults"].items():
            faults[k] = faults.get(k, 0) + v
    durable = sum(r["outcomes"].get("durable", 0) for r in results)
    trimmed = sum(r["storage"].get("trimmed_records", 0) for r in results)
    copies = sum(r["storage"].get("segment_copies", 0) for r in results)
    rebuilds = sum(r["storage"].get("rebuilds_finished", 0) for r in results)
    print(f"{len(results)} seeds, {len(failed)} failed; {durable} durable commits; faults {faults}; "
          f"{trimmed} records trimmed, {copies} segments copied, {rebuilds} rebuilds finished")
    assert not failed, "\n\n".join(f"{r['summary']}\n{r['schedule']}\nreplay: sixfold sim --seed {r['seed']}"
                                   for r in failed[:3])
    assert durable > 20 * count, "the workload barely ran: the seeds prove little"
    assert trimmed > 0 and copies > 0, "trimming and segment copies never happened: the seeds prove nothing of them"
    assert rebuilds > 0, "no node rebuilt after a lost disk: the seeds prove nothing of rebuilding"
    kinds = {"crash", "pause", "cut-az", "cut-writer", "fsync-fail", "disk-full", "clock-jump", "writer-crash",
             "writer-takeover", "stream-reset", "recovery-storm", "flap", "crash-in-recovery", "disk-loss", "power-cut"}
    assert kinds <= set(faults), f"fault kinds never injected: {kinds - set(faults)}"


@functools.lru_cache(maxsize=None)
def first_catch(plant: str):
    """The first seed that catches `plant`, and its result (None: none within the budget)."""
    for seed in range(PLANT_SEED_BUDGET):
        r = run_seed(seed, plant)
        if not r.ok:
            return seed, r
    return None


@pytest.mark.parametrize("plant", sorted(PLANTS))
def test_each_planted_bug_is_caught_within_the_budget(plant):
    caught = first_catch(plant)
    assert caught is not None, f"plant {plant} survived {PLANT_SEED_BUDGET} seeds"
    seed, r = caught
    print(f"{plant}: caught at seed {seed}: {r.summary()}")
    assert r.invariant in CAUGHT_AS[plant], r.summary()


@pytest.mark.parametrize("plant", sorted(PLANTS))
def test_sixfold_sim_command_fails_on_a_plant_and_names_the_invariant(plant):
    caught = first_catch(plant)
    assert caught is not None
    # From the seed before the catch (the command stops at the first failing seed).
    start = max(0, caught[0] - 1)
    proc = subprocess.run([sys.executable, "-m", "sixfold.cli", "sim", "--start", str(start), "--seeds", "5",
                           "--plant", plant, "--jobs", "1"], capture_output=True, text=True, timeout=600)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1, out
    assert any(f"VIOLATED {inv}" in out for inv in CAUGHT_AS[plant]), out
    assert "replay: sixfold sim --seed" in out


def test_sixfold_sim_command_passes_clean_seeds():
    proc = subprocess.run([sys.executable, "-m", "sixfold.cli", "sim", "--seeds", "6", "--jobs", "1"],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "6 seeds in" in proc.stdout and "0 failed" in proc.stdout


def test_a_seed_replays_bit_for_bit_whatever_the_hash_seed():
    digests = set()
    for hash_seed in ("1", "2"):
        proc = subprocess.run([sys.executable, "-m", "sixfold.cli", "sim", "--seed", "46"],
                              capture_output=True, text=True, timeout=300,
                              env={**os.environ, "PYTHONHASHSEED": hash_seed})
        assert proc.returncode == 0, proc.stdout + proc.stderr
        digests.add(proc.stdout.rsplit("digest ", 1)[1].split()[0])
    digests.add(run_seed(46).digest)
    assert len(digests) == 1, digests
