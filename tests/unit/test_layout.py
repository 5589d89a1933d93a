"""The library does not import the tools: building the `sixfold` command line loads
neither the benchmark, nor deploy/, nor gRPC; the supervisor does not load the wire
protocol. Checked in a fresh interpreter, where sys.modules tells the truth."""

from __future__ import annotations

import json
import subprocess
import sys


def modules_after(code: str) -> set[str]:
    out = subprocess.run([sys.executable, "-c", f"{code}\nimport sys, json; print(json.dumps(sorted(sys.modules)))"],
                         capture_output=True, text=True, check=True, timeout=60).stdout
    return set(json.loads(out.splitlines()[-1]))


def test_cli_parser_loads_no_tool_and_no_grpc():
    mods = modules_after("from sixfold.cli import build_parser; build_parser().parse_args(['status'])")
    assert "sixfold.cli" in mods  # the check can see what was imported
    loaded = sorted(m for m in mods if m.split(".")[0] in ("deploy", "grpc", "lmdb") or m == "bench.compare")
    assert loaded == []


def test_supervisor_does_not_import_the_wire_protocol():
    mods = modules_after("import sixfold.supervisor")
    assert "sixfold.supervisor" in mods
    assert not [m for m in mods if m.startswith("compute_node.pgwire") or m.split(".")[0] in ("deploy", "bench")]
