"""PNG plots of the comparison (matplotlib, optional extra `bench`): TPS per system at
each client count with the round-to-round spread, and latency p50/p99."""

from __future__ import annotations

from pathlib import Path

COLORS = {"sixfold": "#d95f02", "pg-single": "#1b9e77", "pg-sync": "#7570b3"}


def _grouped(rows, systems, clients):
    return {(r["system"], r["clients"]): r for r in rows if r["system"] in systems and r["clients"] in clients}


def plot(rows: list[dict], out_dir: Path, title_note: str) -> list[Path]:
    """compare_tps.png and compare_latency.png in out_dir; [] when matplotlib is missing."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("warning: matplotlib not installed (pip install matplotlib, or the `bench` extra): no plots")
        return []
    systems = list(dict.fromkeys(r["system"] for r in rows))
    clients = sorted({r["clients"] for r in rows})
    by = _grouped(rows, systems, clients)
    width = 0.8 / len(systems)
    paths = []

    fig, ax = plt.subplots(figsize=(7, 4))
    for i, s in enumerate(systems):
        xs = [j + (i - (len(systems) - 1) / 2) * width for j in range(len(clients))]
        meds = [by[(s, c)]["tps_median"] or 0 for c in clients]
        lo = [max(0.0, m - min(by[(s, c)]["tps_rounds"] or [m])) for m, c in zip(meds, clients)]
        hi = [max(0.0, max(by[(s, c)]["tps_rounds"] or [m]) - m) for m, c in zip(meds, clients)]
        ax.bar(xs, meds, width, yerr=[lo, hi], capsize=4, label=s, color=COLORS.get(s))
        for x, c in zip(xs, clients):
            ax.scatter([x] * len(by[(s, c)]["tps_rounds"]), by[(s, c)]["tps_rounds"], s=8, color="black", zorder=3)
    ax.set_xticks(range(len(clients)), [f"{c} client{'s' if c > 1 else ''}" for c in clients])
    ax.set_ylabel("TPS (median over rounds)")
    ax.set_title(f"pgbench TPC-B-like TPS (whiskers: min-max, dots: rounds)\n{title_note}", fontsize=9)
    ax.legend()
    fig.tight_layout()
    paths.append(out_dir / "compare_tps.png")
    fig.savefig(paths[-1], dpi=110)
    plt.close(fig)

    fig, axes = plt.subplots(1, 2, figsize=(9, 4))
    for ax, key, name in ((axes[0], "p50_ms", "p50"), (axes[1], "p99_ms", "p99")):
        for i, s in enumerate(systems):
            xs = [j + (i - (len(systems) - 1) / 2) * width for j in range(len(clients))]
            ax.bar(xs, [by[(s, c)][key] or 0 for c in clients], width, label=s, color=COLORS.get(s))
        ax.set_xticks(range(len(clients)), [f"{c} client{'s' if c > 1 else ''}" for c in clients])
        ax.set_ylabel(f"latency {name} (ms, all rounds)")
        ax.set_yscale("log")
        ax.set_title(f"transaction latency {name}", fontsize=9)
    axes[0].legend(fontsize=8)
    fig.suptitle(title_note, fontsize=8)
    fig.tight_layout()
    paths.append(out_dir / "compare_latency.png")
    fig.savefig(paths[-1], dpi=110)
    plt.close(fig)
    return paths
