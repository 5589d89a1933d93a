"""py-spy profiles of a running process and what its collapsed stacks say: the top
functions by self and by inclusive time, per thread group, CPU per transaction.

`py-spy record --format raw` writes one line per distinct stack, root first:
    thread (0x7F..);frame;frame;...;leaf COUNT
(the thread frame comes from --threads). py-spy samples only threads that are not
idle (not blocked in the kernel), so sample shares approximate CPU shares.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path

PYSPY_EXTRA_S = 30.0  # py-spy attaching and writing, beyond --duration
THREAD_FRAME = re.compile(r"^thread \(|^process \d+")


def start(pid: int, seconds: float, out: Path) -> subprocess.Popen | None:
    """py-spy record on `pid` for `seconds` (collapsed stacks to `out`); None without py-spy."""
    exe = shutil.which("py-spy")
    if exe is None:
        print("warning: py-spy not installed (pip install py-spy): no profile")
        return None
    cmd = [exe, "record", "--pid", str(pid), "--duration", str(int(seconds)), "--format", "raw", "--threads",
           "--function", "--nonblocking", "--output", str(out)]
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, text=True)


def finish(proc: subprocess.Popen, seconds: float) -> str:
    try:
        out, _ = proc.communicate(timeout=seconds + PYSPY_EXTRA_S)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, _ = proc.communicate()
    return out or ""


def parse_collapsed(text: str) -> list[tuple[str, list[str], int]]:
    """[(thread frame or '', frames root first, samples)] of collapsed-stack lines."""
    out = []
    for line in text.splitlines():
        stack, _, n = line.rpartition(" ")
        if not stack or not n.isdigit():
            continue
        frames = stack.split(";")
        thread = frames.pop(0) if frames and THREAD_FRAME.match(frames[0]) else ""
        out.append((thread, frames, int(n)))
    return out


def top_functions(stacks, limit: int = 15) -> dict:
    """Samples per function: self (leaf) and inclusive (anywhere in the stack, once per
    stack), the top `limit` of each, and the total."""
    self_c, incl_c = Counter(), Counter()
    total = 0
    for _thread, frames, n in stacks:
        total += n
        if frames:
            self_c[frames[-1]] += n
        for f in set(frames):
            incl_c[f] += n
    return {"total_samples": total, "self": self_c.most_common(limit), "inclusive": incl_c.most_common(limit)}


def by_thread(stacks) -> list[tuple[str, int]]:
    c = Counter()
    for thread, _frames, n in stacks:
        c[thread or "(no thread frame)"] += n
    return c.most_common()


def render(title: str, stacks, cpu_s: float | None, txns: int | None, limit: int = 15) -> str:
    """Markdown: CPU per transaction, then the top functions by self and by inclusive time
    (share of samples, and that share of the process's CPU per transaction)."""
    t = top_functions(stacks, limit)
    total = t["total_samples"] or 1
    per_txn_ms = cpu_s / txns * 1000 if cpu_s is not None and txns else None
    lines = [f"## {title}", "",
             f"{t['total_samples']} samples; process CPU {cpu_s if cpu_s is None else round(cpu_s, 2)} s over "
             f"{txns} transactions = "
             + ("n/a" if per_txn_ms is None else f"{per_txn_ms:.3f} ms CPU per transaction") + ".", ""]
    for kind in ("self", "inclusive"):
        lines += [f"### Top functions by {kind} time", "", "| # | function | share | CPU ms / txn |", "|---:|---|---:|---:|"]
        for i, (f, n) in enumerate(t[kind], 1):
            share = n / total
            lines.append(f"| {i} | `{f}` | {share:.1%} | "
                         + ("n/a" if per_txn_ms is None else f"{share * per_txn_ms:.3f}") + " |")
        lines.append("")
    threads = by_thread(stacks)
    lines += ["### Samples per thread", "", "| thread | share |", "|---|---:|"]
    lines += [f"| `{th}` | {n / total:.1%} |" for th, n in threads[:limit]]
    return "\n".join(lines) + "\n"
