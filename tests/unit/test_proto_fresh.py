"""The committed gRPC modules in sixfold/rpc/ are exactly what scripts/gen_proto.sh
generates from proto/ with the pinned grpcio-tools. Never skipped: a missing
grpc_tools is a failure (it is part of the test extra)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
GENERATED = tuple(f"{name}{suffix}" for name in ("storage", "compute", "control")
                  for suffix in ("_pb2.py", "_pb2_grpc.py", "_pb2.pyi"))
HINT = "sixfold/rpc/ is stale: run scripts/gen_proto.sh (with `pip install -e '.[test]'`) and commit the result"


def test_grpc_tools_installed():
    try:
        import grpc_tools.protoc  # noqa: F401
    except ImportError as e:  # pragma: no cover - the failure path
        pytest.fail(f"grpc_tools is missing ({e}); install the test extra: pip install -e '.[test]'")


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("proto_out")
    proc = subprocess.run(
        ["bash", str(REPO / "scripts" / "gen_proto.sh"), str(out)],
        capture_output=True, text=True, timeout=120,
        # Use the interpreter running the tests (its grpc_tools) for `python -m`.
        env={**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"},
    )
    assert proc.returncode == 0, f"scripts/gen_proto.sh failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}"
    return out / "sixfold" / "rpc"


@pytest.mark.parametrize("name", GENERATED)
def test_generated_module_is_fresh(generated, name):
    fresh = generated / name
    committed = REPO / "sixfold" / "rpc" / name
    assert fresh.is_file(), f"gen_proto.sh produced no {name}"
    assert committed.is_file(), f"sixfold/rpc/{name} is not committed; {HINT}"
    assert fresh.read_bytes() == committed.read_bytes(), f"sixfold/rpc/{name} differs from the generated one; {HINT}"
