"""Figures of the side-by-side comparison: per system and client count over rounds
(summarize), the markdown table for the README (render_markdown), one summary line."""

from __future__ import annotations

import statistics

from bench.workloads import percentile

SYSTEM_LABELS = {"sixfold": "Sixfold (4/6 quorum, 6 storage nodes)", "pg-single": "PostgreSQL 15 single node",
                 "pg-sync": "PostgreSQL 15 + 2 sync standbys (ANY 1)"}


def _median(vals):
    vals = [v for v in vals if v is not None]
    return statistics.median(vals) if vals else None


def _ratio(a, b, nd=2):
    return round(a / b, nd) if a is not None and b else None


WORKLOAD_LABELS = {"tpcb": "TPC-B", "select-only": "select-only (-S)", "tpcb-prepared": "TPC-B -M prepared",
                   "tpcb-scale20": "TPC-B, scale 20"}


def summarize(runs: list[dict], systems: list[str], workloads: list[tuple[str, int]]) -> list[dict]:
    """One row per (workload, clients, system): TPS median and per round, p50/p99 over the
    pooled latencies of all rounds, medians of bytes and CPU per transaction (Sixfold: per
    process kind too, and transactions per append message), and the ratios Sixfold / this
    system (TPS, p99, bytes, CPU)."""
    rows = []
    for w, c in workloads:
        for s in systems:
            rs = [r for r in runs if r["system"] == s and r["clients"] == c and r.get("workload", "tpcb") == w]
            if not rs:
                continue
            lat = sorted(x for r in rs for x in r.get("_latencies_us", []))
            by_process = {k: _round(_median(r.get("cpu_ms_per_txn_by_process", {}).get(k) for r in rs), 3)
                          for k in ("writer", "storage_nodes", "storage_node_mean")}
            rows.append({
                "system": s, "clients": c, "workload": w, "rounds": len(rs),
                "cpu_ms_per_txn_by_process": by_process if any(v is not None for v in by_process.values()) else None,
                "txns_per_append_message": _round(_median(r.get("txns_per_append_message") for r in rs), 3),
                "write_lock_held_ms_per_txn": _round(_median(r.get("write_lock_held_ms_per_txn") for r in rs), 3),
                "write_lock_busy_fraction": _round(_median(r.get("write_lock_busy_fraction") for r in rs), 3),
                "tps_median": _round(_median(r["tps"] for r in rs), 1),
                "tps_rounds": [r["tps"] for r in rs],
                "p50_ms": _round(_ms(percentile(lat, 0.50)), 2), "p99_ms": _round(_ms(percentile(lat, 0.99)), 2),
                "p50_ms_rounds": [r["latency_ms"]["p50"] for r in rs],
                "p99_ms_rounds": [r["latency_ms"]["p99"] for r in rs],
                "bytes_per_txn": _round(_median(r["bytes_per_txn"] for r in rs), 0),
                "log_bytes_per_txn": _round(_median(r.get("log_bytes_per_txn") for r in rs), 0),
                "cpu_s_per_txn": _round(_median(r["cpu_s_per_txn"] for r in rs), 6),
                "pgbench_cpu_s_per_txn": _round(_median(r["pgbench_cpu_s_per_txn"] for r in rs), 6),
            })
    for row in rows:
        sf = next((r for r in rows if r["system"] == "sixfold" and r["clients"] == row["clients"]
                   and r["workload"] == row["workload"]), None)
        if sf is None or row["system"] == "sixfold":
            row["sixfold_over_this"] = None
            continue
        row["sixfold_over_this"] = {k: _ratio(sf[k], row[k]) for k in
                                    ("tps_median", "p50_ms", "p99_ms", "bytes_per_txn", "log_bytes_per_txn", "cpu_s_per_txn")}
    return rows


def _ms(us):
    return None if us is None else us / 1000


def _round(v, nd):
    return None if v is None else round(v, nd) if nd else round(v)


def _f(v, nd=1, unit=""):
    if v is None:
        return "n/a"
    return f"{v:,.{nd}f}{unit}"


def render_markdown(rows: list[dict], meta: dict) -> str:
    """The table for the README, with a line saying what was measured where."""
    out = ["| Workload | System | Clients | TPS (median) | p50 ms | p99 ms | Bytes leaving writer / txn "
           "| Log bytes / txn | CPU ms / txn | Sixfold / this (TPS) |",
           "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        ratio = r["sixfold_over_this"]
        tps_spread = "" if len(r["tps_rounds"]) < 2 else \
            f" ({_f(min(r['tps_rounds']), 0)}–{_f(max(r['tps_rounds']), 0)})"
        out.append(f"| {WORKLOAD_LABELS.get(r['workload'], r['workload'])} | "
                   f"{SYSTEM_LABELS.get(r['system'], r['system'])} | {r['clients']} | "
                   f"{_f(r['tps_median'])}{tps_spread} | {_f(r['p50_ms'], 2)} | {_f(r['p99_ms'], 2)} | "
                   f"{_f(r['bytes_per_txn'], 0)} | {_f(r['log_bytes_per_txn'], 0)} | "
                   f"{_f(None if r['cpu_s_per_txn'] is None else r['cpu_s_per_txn'] * 1000, 2)} | "
                   f"{'—' if ratio is None else 'x' + _f(ratio['tps_median'], 2)} |")
    sf_rows = [r for r in rows if r["system"] == "sixfold" and r.get("cpu_ms_per_txn_by_process")]
    if sf_rows:
        out += ["", "| Sixfold: workload | Clients | Writer CPU ms / txn | Storage CPU ms / txn (all six) "
                "| per storage node | Transactions per append message |", "|---|---:|---:|---:|---:|---:|"]
        for r in sf_rows:
            p = r["cpu_ms_per_txn_by_process"]
            out.append(f"| {WORKLOAD_LABELS.get(r['workload'], r['workload'])} | {r['clients']} | "
                       f"{_f(p['writer'], 2)} | {_f(p['storage_nodes'], 2)} | {_f(p['storage_node_mean'], 2)} | "
                       f"{_f(r['txns_per_append_message'], 2)} |")
    out.append("")
    out.append(f"pgbench TPC-B-like, scale {meta['scale']}, {meta['seconds']:g} s per run, {meta['rounds']} round(s) "
               f"alternating the systems; p50/p99 over all rounds' transactions (pgbench -l); fsync on everywhere "
               f"(PostgreSQL defaults; Sixfold's storage nodes fsync LMDB). Bytes leaving the writer: Sixfold append messages (records, framing, hints) "
               f"to six segments; PostgreSQL WAL x standbys (0 for a single node). Log bytes: one copy of Sixfold's redo records (headers included), PostgreSQL's WAL. CPU: all processes of the "
               f"system (pgbench excluded). {meta['machine']}, {meta['date']}, commit {meta['commit']}.")
    return "\n".join(out) + "\n"


def sixfold_only_lines(extra: dict) -> list[str]:
    """Markdown lines for the Sixfold-only figures."""
    lines = []
    p = extra.get("paused_node")
    if p:
        lines.append(f"- Commit p99 at 4 clients, one storage node paused ({p['node']}): "
                     f"{_f(p['paused_p99_ms'], 2)} ms vs {_f(p['healthy_p99_ms'], 2)} ms healthy "
                     f"(x{_f(p['p99_ratio'], 2)}); TPS {_f(p['paused_tps'])} vs {_f(p['healthy_tps'])}.")
    r = extra.get("recovery")
    if r:
        parts = [f"{s['records']:,} records: {_f(s['median_recovery_ms'], 0)} ms (first after crash "
                 f"{_f(s['first_open_after_crash_ms'], 0)} ms)" for s in r["sizes"]]
        lines.append("- Writer crash recovery (median): " + "; ".join(parts) + ".")
    lag = extra.get("replica_lag")
    if lag and lag.get("value") is not None:
        lines.append(f"- Replica lag under pgbench at {lag['pgbench_clients']} clients ({_f(lag['tps'])} TPS), "
                     f"commit on the writer -> visible on a replica: p50 {_f(lag['p50_ms'], 2)} ms, "
                     f"p99 {_f(lag['p99_ms'], 2)} ms.")
    fo = extra.get("failover_rto")
    if fo and fo.get("value") is not None:
        lines.append(f"- Failover RTO, writer SIGKILLed {fo['endpoint']['kills']} times, to the first commit: "
                     f"cluster endpoint p50 {_f(fo['endpoint']['rto_ms_p50'], 0)} ms / max "
                     f"{_f(fo['endpoint']['rto_ms_max'], 0)} ms; driver p50 {_f(fo['driver']['rto_ms_p50'], 0)} ms "
                     f"/ max {_f(fo['driver']['rto_ms_max'], 0)} ms.")
    return lines


def summary_line(rows: list[dict], extra: dict, warnings: list[str]) -> str:
    parts = []
    tpcb = [r for r in rows if r["workload"] == "tpcb"]
    for c in sorted({r["clients"] for r in tpcb}):
        sf = next(r for r in tpcb if r["system"] == "sixfold" and r["clients"] == c)
        pg = {r["system"]: r for r in tpcb if r["clients"] == c and r["system"] != "sixfold"}
        ratios = ", ".join(f"x{_f(v['sixfold_over_this']['tps_median'], 2)} vs {k}" for k, v in pg.items())
        parts.append(f"{c}c sixfold {_f(sf['tps_median'], 0)} tps p99 {_f(sf['p99_ms'], 1)} ms ({ratios})")
    line = "compare: " + " | ".join(parts)
    p = extra.get("paused_node")
    if p:
        line += f" | paused node p99 x{_f(p['p99_ratio'], 2)}"
    r = extra.get("recovery")
    if r:
        line += " | recovery " + "/".join(f"{_f(s['median_recovery_ms'], 0)}" for s in r["sizes"]) + " ms"
    for w in warnings:
        line += f" | WARNING: {w}"
    return line
