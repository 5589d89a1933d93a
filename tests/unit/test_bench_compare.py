"""Pure parts of bench/compare: pgbench log and report parsing, percentiles, LSNs,
/proc CPU trees, ETA, collapsed-stack analysis, the markdown table."""

import io

from bench import compare_report, pgbench_run, profile
from bench.cpu import parse_stat, tree_ticks
from bench.progress import Progress, eta_s, fmt_s
from bench.systems import lsn_int

PGBENCH_STDOUT = """pgbench (15.18 (Debian 15.18-0+deb12u1), server 15.0)
transaction type: <builtin: TPC-B (sort of)>
scaling factor: 1
number of clients: 4
number of threads: 2
maximum number of tries: 1
duration: 5 s
number of transactions actually processed: 613
number of failed transactions: 0 (0.000%)
latency average = 32.622 ms
initial connection time = 28.432 ms
tps = 122.616676 (without initial connection time)
"""


def test_parse_log_lines_pg15_format():
    lines = ["0 1 170027 0 1662132851 580065", "1 1 1500 0 1662132851 581837 12",
             "2 3 failed 0 1662132851 581860", "3 4 skipped 0 1662132851 581870 0 0", "", "garbage"]
    r = pgbench_run.parse_log_lines(lines)
    assert r["latencies_us"] == [170027, 1500]
    assert (r["failed"], r["skipped"], r["unparsed_lines"]) == (1, 1, 1)


def test_read_logs_joins_thread_files(tmp_path):
    (tmp_path / "run.123").write_text("0 1 1000 0 1 2\n")
    (tmp_path / "run.123.1").write_text("1 1 3000 0 1 2\n1 2 failed 0 1 3\n")
    (tmp_path / "other.1").write_text("0 1 9 0 1 2\n")
    r = pgbench_run.read_logs(tmp_path / "run")
    assert sorted(r["latencies_us"]) == [1000, 3000] and r["failed"] == 1 and r["files"] == 2


def test_parse_stdout():
    r = pgbench_run.parse_stdout(PGBENCH_STDOUT)
    assert r == {"processed": 613, "failed": 0, "latency_avg_ms": 32.622, "initial_connection_ms": 28.432,
                 "tps": 122.616676}
    assert pgbench_run.parse_stdout("")["tps"] is None


def test_latency_percentiles_nearest_rank():
    r = pgbench_run.latency_ms(list(range(1000, 101_000, 1000)))  # 1..100 ms
    assert (r["n"], r["p50"], r["p90"], r["p99"], r["max"]) == (100, 50.0, 90.0, 99.0, 100.0)
    assert pgbench_run.latency_ms([])["p99"] is None


def test_lsn_int():
    assert lsn_int("0/0") == 0
    assert lsn_int("1/10") == (1 << 32) + 16
    assert lsn_int("0/1A2B3C8") - lsn_int("0/1A2B3C0") == 8


def test_cpu_tree_counts_live_descendants_and_reaped_children():
    stat = "12 (postgres: walwriter) S 10 12 12 0 -1 4194560 100 0 0 0 7 3 5 1 20 0 1 0 100 0 0"
    ppid, ticks = parse_stat(stat)
    assert ppid == 10 and ticks == [7, 3, 5, 1]
    stats = {10: (1, [1, 1, 40, 10]), 12: (10, [7, 3, 0, 0]), 13: (12, [2, 0, 0, 0]), 99: (1, [500, 0, 0, 0])}
    assert tree_ticks([10], stats) == 52 + 10 + 2
    assert tree_ticks([10, 404], stats) == 64  # a root that is gone counts nothing


def test_eta_scales_by_finished_steps():
    assert eta_s([10, 10, 10], 0, 0.0, 0.0) == 30
    assert eta_s([10, 10, 10], 1, 20.0, 5.0) == 20 * 2 - 5 + 0  # x2 slower than planned: 15 + 20
    assert eta_s([10, 10], 2, 20.0, 0.0) == 0
    assert fmt_s(65) == "1:05" and fmt_s(3725) == "1:02:05"


def test_progress_plain_lines_off_a_terminal(capsys):
    buf = io.StringIO()
    bar = Progress([("a", 1), ("b", 1)], stream=buf)
    bar.step("a")
    bar.step("b")
    bar.note("result")
    bar.finish()
    lines = buf.getvalue().splitlines()
    assert len(lines) == 2 and "step 1/2 a" in lines[0] and "step 2/2 b" in lines[1] and "\r" not in buf.getvalue()
    assert capsys.readouterr().out == "result\n"


COLLAPSED = """thread (0x7F01);main (a.py:1);loop (a.py:5);work (b.py:2) 60
thread (0x7F01);main (a.py:1);loop (a.py:5) 10
thread (0x7F02);run (c.py:1);work (b.py:2);work (b.py:2) 30
not a stack line
"""


def test_collapsed_stacks_self_and_inclusive():
    stacks = profile.parse_collapsed(COLLAPSED)
    assert len(stacks) == 3 and stacks[0][0] == "thread (0x7F01)" and stacks[2][1][0] == "run (c.py:1)"
    t = profile.top_functions(stacks, 3)
    assert t["total_samples"] == 100
    assert t["self"][0] == ("work (b.py:2)", 90)
    assert dict(t["inclusive"])["work (b.py:2)"] == 90  # recursion counted once per stack
    assert dict(profile.top_functions(stacks, 10)["inclusive"])["main (a.py:1)"] == 70
    assert profile.by_thread(stacks) == [("thread (0x7F01)", 70), ("thread (0x7F02)", 30)]
    md = profile.render("writer", stacks, 2.0, 100)
    assert "20.000 ms CPU per transaction" in md and "| 1 | `work (b.py:2)` | 90.0% | 18.000 |" in md


def _run(system, clients, rnd, tps, lat_us, bytes_per_txn, cpu, workload="tpcb"):
    r = {"system": system, "clients": clients, "round": rnd, "tps": tps, "_latencies_us": lat_us,
         "latency_ms": pgbench_run.latency_ms(lat_us), "bytes_per_txn": bytes_per_txn,
         "log_bytes_per_txn": bytes_per_txn / 4, "workload": workload,
         "cpu_s_per_txn": cpu, "pgbench_cpu_s_per_txn": 0.0001}
    if system == "sixfold":
        r["cpu_ms_per_txn_by_process"] = {"writer": cpu * 400, "storage_nodes": cpu * 600,
                                          "storage_node_mean": cpu * 100}
        r["txns_per_append_message"] = 1.25 + rnd
        r["write_lock_held_ms_per_txn"] = 2.0 + rnd
        r["write_lock_busy_fraction"] = 0.5 + rnd / 10
    return r


def test_summarize_and_render():
    runs = [_run("sixfold", 1, 0, 100.0, [10_000] * 99 + [50_000], 8000.0, 0.012),
            _run("sixfold", 1, 1, 120.0, [10_000] * 100, 8000.0, 0.010),
            _run("pg-single", 1, 0, 1000.0, [1000] * 100, 0.0, 0.0005),
            _run("pg-single", 1, 1, 800.0, [1000] * 100, 0.0, 0.0005),
            _run("pg-sync", 1, 0, 500.0, [2000] * 100, 2000.0, 0.001),
            _run("pg-sync", 1, 1, 500.0, [2000] * 100, 2000.0, 0.001)]
    runs += [_run("sixfold", 4, 0, 300.0, [1000] * 10, 4000.0, 0.002, workload="select-only"),
             _run("pg-single", 4, 0, 3000.0, [100] * 10, 0.0, 0.0002, workload="select-only")]
    rows = compare_report.summarize(runs, ["sixfold", "pg-single", "pg-sync"], [("tpcb", 1), ("select-only", 4)])
    assert [(r["workload"], r["clients"], r["system"]) for r in rows] == [
        ("tpcb", 1, "sixfold"), ("tpcb", 1, "pg-single"), ("tpcb", 1, "pg-sync"),
        ("select-only", 4, "sixfold"), ("select-only", 4, "pg-single")]  # no pg-sync run of it: no row
    sf, single, sync, sf_s, single_s = rows
    assert sf["cpu_ms_per_txn_by_process"] == {"writer": 4.4, "storage_nodes": 6.6, "storage_node_mean": 1.1}
    assert sf["txns_per_append_message"] == 1.75 and single["cpu_ms_per_txn_by_process"] is None
    assert sf["write_lock_held_ms_per_txn"] == 2.5 and sf["write_lock_busy_fraction"] == 0.55
    assert single["write_lock_held_ms_per_txn"] is None
    assert single_s["sixfold_over_this"]["tps_median"] == 0.1  # against the same workload's row
    assert sf["tps_median"] == 110.0 and sf["tps_rounds"] == [100.0, 120.0]
    assert sf["p50_ms"] == 10.0 and sf["p99_ms"] == 10.0  # pooled: 1 slow of 200
    assert sf["sixfold_over_this"] is None
    assert single["sixfold_over_this"]["tps_median"] == 0.12 and sync["sixfold_over_this"]["tps_median"] == 0.22
    assert sync["sixfold_over_this"]["bytes_per_txn"] == 4.0 and single["sixfold_over_this"]["bytes_per_txn"] is None
    meta = {"scale": 1, "seconds": 5, "rounds": 2, "date": "2025-01-01", "commit": "abc", "machine": "m"}
    md = compare_report.render_markdown(rows, meta)
    lines = md.splitlines()
    assert lines[0].startswith("| Workload | System | Clients | TPS") and lines[1].startswith("|---|")
    assert "| TPC-B | Sixfold (4/6 quorum, 6 storage nodes) | 1 | 110.0 (100–120) | 10.00 | 10.00 | 8,000 | 2,000 " \
        "| 11.00 | — |" in lines
    assert any(line.startswith("| TPC-B | PostgreSQL 15 single node | 1 | 900.0") and line.endswith("| x0.12 |")
               for line in lines)
    assert "| TPC-B | 1 | 4.40 | 6.60 | 1.10 | 1.75 |" in lines
    assert any(line.startswith("| select-only (-S) | Sixfold") for line in lines)
    extra = {"paused_node": {"node": "sn-az1-b", "healthy_p99_ms": 50.0, "paused_p99_ms": 60.0, "p99_ratio": 1.2,
                             "healthy_tps": 100.0, "paused_tps": 90.0},
             "replica_lag": {"value": 13.1, "p50_ms": 13.1, "p99_ms": 39.2, "pgbench_clients": 4, "tps": 130.3},
             "failover_rto": {"value": 261.4, "endpoint": {"kills": 2, "rto_ms_p50": 261.4, "rto_ms_max": 565.5},
                              "driver": {"kills": 2, "rto_ms_p50": 254.3, "rto_ms_max": 571.4}}}
    extra_lines = compare_report.sixfold_only_lines(extra)
    assert "x1.20" in extra_lines[0]
    assert "p50 13.10 ms, p99 39.20 ms" in extra_lines[1] and "130.3 TPS" in extra_lines[1]
    assert "endpoint p50 261 ms / max 566 ms; driver p50 254 ms / max 571 ms" in extra_lines[2]
    line = compare_report.summary_line(rows, extra, ["machine busy"])
    assert line.startswith("compare: 1c sixfold 110 tps") and "x0.12 vs pg-single" in line
    assert line.endswith("| WARNING: machine busy")
