"""`python -m compute_node` / `sixfold-compute-node`: run one compute instance.

It starts as the writer (recovers the volume) or as a read replica (follows the
writer's redo stream): the control plane's topology decides when there is one, else
the spec's `role`. It serves PostgreSQL clients, and on its admin port the
ComputeNode service (health, promotion, the redo stream for replicas), until SIGTERM.
A writer that learns another instance replaced it restarts itself as a replica
(the same process, so its pid stays)."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import secrets
import signal
import sys
from pathlib import Path

from compute_node.admin import serve_admin
from compute_node.engine import ComputeNode
from compute_node.pg_sql import functions
from compute_node.pgwire.scram import make_verifier
from compute_node.pgwire.server import PgServer
from compute_node.topology import TopologyView, fetch_topology
from sixfold.constants import CONTROL_PLANE_FIRST_ANSWER_TIMEOUT_MS, SCRAM_ITERATIONS_COUNT
from sixfold.errors import StaleEpoch
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
    topo = None
    while spec.control_plane is not None and topo is None:
        # Never guess the role: an instance that took the spec's word ("writer") while
        # the control plane was out of reach would recover the volume with a new epoch
        # and fence the real writer (seen in a chaos run: a restart inside a partition).
        topo = await loop.run_in_executor(None, fetch_topology, spec, CONTROL_PLANE_FIRST_ANSWER_TIMEOUT_MS / 1000)
        if topo is None:
            log.warning("the control plane at %s did not answer within %d ms: waiting for it to learn this "
                        "instance's role", spec.control_plane.address, CONTROL_PLANE_FIRST_ANSWER_TIMEOUT_MS)
    if topo is not None and topo.writer:
        role = "writer" if topo.writer == me.name else "replica"
    else:
        role = me.role
    view = TopologyView(spec, me.name, topo)

    def on_connection(conn) -> None:
        functions.register(conn)
        # `select sixfold_metric('redo_bytes_sent')`: the node's counters, from any client.
        conn.create_scalar_function("sixfold_metric", lambda name: node.metrics().get(name), 1)
        conn.create_scalar_function("pg_is_in_recovery", lambda: 0 if node.is_writer else 1, 0)

    def on_writer_failure(err) -> None:
        if isinstance(err, StaleEpoch):
            return  # fenced: the topology watch decides (a newer writer means: become a replica)
        log.critical("the writer stopped after a failure (%s); exiting so it can be replaced", err)
        os._exit(70)

    node = ComputeNode(spec, writer_id=me.name, connection_hook=on_connection, on_writer_failure=on_writer_failure,
                       role=role, follow=view.writer_admin)
    await loop.run_in_executor(None, node.start)
    admin = None  # held: a gRPC server that is garbage-collected stops serving
    if me.admin_port:
        admin = asyncio.run_coroutine_threadsafe(serve_admin(node, me.name, me.admin_address), node._loop).result()

    def on_topology(topo) -> None:
        # On the node's loop. A replica moves to the new writer at once. Replaced while we
        # thought we were the writer: restart as a replica (exec: same pid), so we follow
        # the new writer with a clean slate.
        node.retarget()
        if node.role == "writer" and topo.writer and topo.writer != me.name:
            log.warning("%s replaced this writer (generation %d): restarting as a replica", topo.writer,
                        topo.generation)
            sys.stdout.flush()
            sys.stderr.flush()
            logging.shutdown()
            os.execv(sys.executable, [sys.executable, "-m", "compute_node", *sys.argv[1:]])

    asyncio.run_coroutine_threadsafe(view.watch(on_topology), node._loop)
    server = PgServer(node, me.host, me.port, spec.database, spec.auth.get("method", "trust"), users_from(spec),
                      spec.tls)
    try:
        await server.start()
    except OSError as e:
        node.close()
        raise SystemExit(f"cannot listen on {me.address}: {e}") from None
    if node.is_writer:
        log.info("compute node %s (%s) ready as the writer: epoch %d, VDL %d", me.name, me.az, node.vc.epoch,
                 node.vc.vdl)
    else:
        log.info("compute node %s (%s) ready as a read replica of %s", me.name, me.az, view.writer or "(unknown)")
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    log.info("compute node %s stopping", me.name)
    node._loop.call_soon_threadsafe(view.stop)
    if admin is not None:
        asyncio.run_coroutine_threadsafe(admin.stop(0.5), node._loop).result()
    await server.close()
    await loop.run_in_executor(None, node.close)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    run_server(args.name, args.log_level, serve(args))


if __name__ == "__main__":
    main()
