#!/usr/bin/env bash
# Regenerate the gRPC/protobuf Python modules in sixfold/rpc/ from proto/.
# Needs the pinned grpcio-tools of the test extra: pip install -e '.[test]'.
# tests/unit/test_proto_fresh.py fails when the committed modules are stale.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-.}"
python -m grpc_tools.protoc -Iproto --python_out="$out" --grpc_python_out="$out" --pyi_out="$out" \
  proto/sixfold/rpc/storage.proto proto/sixfold/rpc/compute.proto proto/sixfold/rpc/control.proto
