#!/usr/bin/env bash
# Make sure the PostgreSQL client tools the tests and benchmarks drive are installed:
# psql and pgbench (and, for `sixfold bench`, the PostgreSQL 15 server). Installs the
# Debian/Ubuntu package when one is missing; does nothing when they are all there.
set -euo pipefail
missing=0
for tool in psql pgbench; do
    command -v "$tool" >/dev/null 2>&1 || missing=1
done
if ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || command -v postgres >/dev/null 2>&1; then :; else missing=1; fi
if [ "$missing" = 0 ]; then
    exit 0
fi
echo "installing PostgreSQL (psql, pgbench, server) with apt-get" >&2
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql postgresql-contrib >/dev/null
