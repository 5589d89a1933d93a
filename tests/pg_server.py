"""Moved to bench/pg_server.py (the benchmarks use it too); re-exported for the tests."""

from bench.pg_server import (  # noqa: F401
    DEFAULT_CONF, SUPERUSER, PostgresNotInstalled, PostgresServer, bin_dir,
)
