"""`python -m compute_node` / `sixfold-compute-node`: run one compute node (the writer):
recover the volume, then serve PostgreSQL clients until SIGTERM."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import secrets
import signal
from pathlib import Path

from compute_node.engine import ComputeNode
from compute_node.pg_sql import functions
from compute_node.pgwire.scram import make_verifier
from compute_node.pgwire.server import PgServer
from sixfold.constants import SCRAM_ITERATIONS_COUNT
from sixfold.process import run_server
from sixfold.spec import ClusterSpec

log = logging.getLogger("sixfold.compute")
PASSWORD_ENV = "SIXFOLD_PASSWORD"  # adds user `sixfold` with this password (containers)
BOOTSTRAP_USER = "sixfold"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="sixfold-compute-node",
        description="Run one Sixfold compute node: recover the volume (fencing any older writer), "
        "then serve PostgreSQL clients. Users and TLS come from the cluster spec; "
        f"${PASSWORD_ENV}, when set, adds user '{BOOTSTRAP_USER}' with that password.")
    p.add_argument("--cluster-spec", required=True, type=Path, help="cluster spec JSON (names every node)")
    p.add_argument("--name", required=True, help="this compute node's name in the spec")
    p.add_argument("--log-level", default="INFO", choices=["DEBUG", "INFO", "WARNING", "ERROR"])
    return p.parse_args(argv)


def users_from(spec: ClusterSpec) -> dict[str, str]:
    users = dict(spec.auth.get("users", {}))
    password = os.environ.get(PASSWORD_ENV)
    if password:
        users[BOOTSTRAP_USER] = make_verifier(password, secrets.token_bytes(16), SCRAM_ITERATIONS_COUNT)
    return users


async def serve(args: argparse.Namespace) -> None:
    spec = ClusterSpec.load(args.cluster_spec)
    me = spec.compute(args.name)
    loop = asyncio.get_running_loop()
    node: ComputeNode | None = None

    def on_connection(conn) -> None:
        functions.register(conn)
        # `select sixfold_metric('redo_bytes_sent')`: the node's counters, from any client.
        conn.create_scalar_function("sixfold_metric", lambda name: node.metrics().get(name), 1)

    def on_writer_failure(err) -> None:
        log.critical("the writer stopped after a failure (%s); exiting so it can be replaced", err)
        os._exit(70)

    node = ComputeNode(spec, writer_id=me.name, connection_hook=on_connection, on_writer_failure=on_writer_failure)
    await loop.run_in_executor(None, node.start)
    server = PgServer(node, me.host, me.port, spec.database, spec.auth.get("method", "trust"), users_from(spec),
                      spec.tls)
    try:
        await server.start()
    except OSError as e:
        node.close()
        raise SystemExit(f"cannot listen on {me.address}: {e}") from None
    log.info("compute node %s (%s, %s) ready: epoch %d, VDL %d", me.name, me.az, me.role, node.vc.epoch,
             node.vc.vdl)
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    log.info("compute node %s stopping", me.name)
    await server.close()
    await loop.run_in_executor(None, node.close)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    run_server(args.name, args.log_level, serve(args))


if __name__ == "__main__":
    main()
