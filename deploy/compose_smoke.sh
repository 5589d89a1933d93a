#!/usr/bin/env bash
# Smoke test of the HA compose deployment (deploy/docker-compose.yml), for real:
#
#   1. Docker (with `docker compose` or `docker-compose`) must be installed. Where it is
#      not, DOCKER_ENGINE_SCRIPT may name a script that installs it and builds a local base
#      image `local/python-base` (for machines that reach no image registry); the smoke
#      test runs it first and then builds on that image. Otherwise BASE_IMAGE may be left
#      unset (the Dockerfile's default, python:3.11-slim, is then pulled).
#   2. Builds the image (--build-arg BASE_IMAGE=$BASE_IMAGE when set or local/python-base
#      is used) and starts the cluster (six storage nodes, the control plane, db-1 the
#      writer, db-2 and db-3 replicas, the router) under a unique project name, with a
#      generated SIXFOLD_PASSWORD and the router's writer/reader endpoints published on
#      free host ports.
#   3. Waits (bounded) until psql through the router's writer endpoint answers; creates a
#      table, inserts, selects; runs `pgbench -i -s 1` and `pgbench -c 2 -T 10`.
#   4. Asks the control plane which instance is the writer, `docker kill`s its container,
#      and polls (bounded) until a write through the router's writer endpoint succeeds
#      (logging why each try failed), then checks that everything committed before (the
#      table's rows, pgbench's history and balances) is still there. Reports the failover
#      time (kill to first successful write), the new writer and what the control plane
#      and the router logged; checks that the reader endpoint sees the new row, and that
#      the old writer's container, started again, rejoins as a replica.
#   5. Always (trap on exit) prints the logs when a step failed, then `down -v`.
#
# Usage: deploy/compose_smoke.sh   (as root, or a user allowed to use Docker; it expects the
#        services `control-plane` and `router` of the checked-in deploy/cluster.json)
# Env:   DOCKER_ENGINE_SCRIPT (see 1), BASE_IMAGE (base image build argument), SMOKE_READY_TIMEOUT_S (default 180),
#        SMOKE_FAILOVER_TIMEOUT_S (default 30).
# Needs psql and pgbench (installs postgresql-client with apt-get when psql is missing)
# and python3 (to pick free ports). Exit status 0 only when every check passed.
set -euo pipefail

DEPLOY_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
COMPOSE_FILE=$DEPLOY_DIR/docker-compose.yml
ENGINE_SCRIPT=${DOCKER_ENGINE_SCRIPT:-}
READY_TIMEOUT_S=${SMOKE_READY_TIMEOUT_S:-180}
FAILOVER_TIMEOUT_S=${SMOKE_FAILOVER_TIMEOUT_S:-30}
POLL_S=0.2
START=$EPOCHREALTIME

# --- helpers ------------------------------------------------------------------------------
since() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'; }
log() { printf '[%6ss] %s\n' "$(since "$START")" "$*"; }
die() { log "FAIL: $*"; exit 1; }

# `step NAME CMD...`: run CMD, then log how long it took.
step() {
  local name=$1 t0=$EPOCHREALTIME
  shift
  log "$name ..."
  "$@"
  log "$name: done in $(since "$t0") s"
}

# Until CMD succeeds, at most TIMEOUT seconds: `poll TIMEOUT CMD...` (polls every POLL_S).
poll() {
  local deadline
  deadline=$(awk -v a="$EPOCHREALTIME" -v t="$1" 'BEGIN { printf "%.3f", a + t }')
  shift
  until "$@" >/dev/null 2>&1; do
    if awk -v now="$EPOCHREALTIME" -v d="$deadline" 'BEGIN { exit !(now > d) }'; then
      return 1
    fi
    sleep "$POLL_S"
  done
}

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# --- 1. Docker ------------------------------------------------------------------------------
if [ -n "$ENGINE_SCRIPT" ]; then
  [ -f "$ENGINE_SCRIPT" ] || die "DOCKER_ENGINE_SCRIPT=$ENGINE_SCRIPT: no such file"
  step "docker engine ($ENGINE_SCRIPT)" bash "$ENGINE_SCRIPT"
  BASE_IMAGE=${BASE_IMAGE:-local/python-base}
fi
docker info >/dev/null 2>&1 || die "no working Docker engine (install Docker, or run as a user allowed to use it)"
if docker compose version >/dev/null 2>&1; then
  COMPOSE=(docker compose)
elif command -v docker-compose >/dev/null; then
  COMPOSE=(docker-compose)
else
  die "neither \`docker compose\` nor \`docker-compose\` is installed"
fi
if ! command -v psql >/dev/null; then
  step "install postgresql-client" bash -c "apt-get update -qq && apt-get install -y -qq postgresql-client >/dev/null"
fi
command -v pgbench >/dev/null || die "pgbench is missing (it comes with postgresql-client)"

PROJECT=sixfold-smoke-$(date +%s)-$$
SIXFOLD_PASSWORD=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
SIXFOLD_WRITER_PORT=$(free_port)
SIXFOLD_READER_PORT=$(free_port)
while [ "$SIXFOLD_READER_PORT" = "$SIXFOLD_WRITER_PORT" ]; do SIXFOLD_READER_PORT=$(free_port); done
export SIXFOLD_PASSWORD SIXFOLD_WRITER_PORT SIXFOLD_READER_PORT
compose() { "${COMPOSE[@]}" -p "$PROJECT" -f "$COMPOSE_FILE" "$@"; }

# Every client below logs in as `sixfold` through the router's published endpoints.
export PGHOST=127.0.0.1 PGUSER=sixfold PGPASSWORD=$SIXFOLD_PASSWORD PGDATABASE=sixfold PGCONNECT_TIMEOUT=3 \
  PGSSLMODE=disable
# psql on an endpoint, bounded: `sql writer|reader SQL` prints the result, unaligned.
sql() {
  local port=$SIXFOLD_WRITER_PORT
  [ "$1" = reader ] && port=$SIXFOLD_READER_PORT
  timeout 10 psql -p "$port" -X -q -At -v ON_ERROR_STOP=1 -c "$2"
}

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [ "$rc" -ne 0 ]; then
    log "stopped early (exit status $rc): state and last logs of project $PROJECT"
    compose ps || true
    compose logs --no-color --tail=30 || true
  fi
  log "tearing down project $PROJECT (down -v) ..."
  compose down -v --remove-orphans >/dev/null 2>&1 || compose down -v || true
  log "torn down; total $(since "$START") s; $([ "$rc" -eq 0 ] && echo PASS || echo FAIL)"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

log "project $PROJECT: compose '${COMPOSE[*]}', base image ${BASE_IMAGE:-(the Dockerfile default)}," \
    "writer endpoint 127.0.0.1:$SIXFOLD_WRITER_PORT, reader endpoint 127.0.0.1:$SIXFOLD_READER_PORT"

# --- 2. build and start ---------------------------------------------------------------------
build_args=()
[ -n "${BASE_IMAGE:-}" ] && build_args=(--build-arg "BASE_IMAGE=$BASE_IMAGE")
# Every service runs the one image (sixfold:latest): building it for one service builds it for all.
step "build the image" compose build -q "${build_args[@]}" router
step "start the cluster (up -d: waits for the healthchecks depends_on names)" compose up -d --no-build
compose ps

# --- 3. the writer endpoint answers; SQL; pgbench ---------------------------------------------
t0=$EPOCHREALTIME
poll "$READY_TIMEOUT_S" sql writer "select 1" \
  || die "psql through the router's writer endpoint did not answer within $READY_TIMEOUT_S s"
log "psql through the router's writer endpoint answers (after $(since "$t0") s more)"

sql writer "create table smoke (id int primary key, note text)"
sql writer "insert into smoke values (1, 'one'), (2, 'two'), (3, 'three')"
rows=$(sql writer "select string_agg(id || '=' || note, ',' order by id) from smoke")
[ "$rows" = "1=one,2=two,3=three" ] || die "select returned '$rows'"
log "psql: created table smoke, inserted 3 rows, select returned $rows"

step "pgbench -i -s 1" pgbench -i -s 1 -q -p "$SIXFOLD_WRITER_PORT"
t0=$EPOCHREALTIME
bench=$(pgbench -c 2 -T 10 -p "$SIXFOLD_WRITER_PORT" 2>&1) || { echo "$bench"; die "pgbench failed"; }
echo "$bench" | grep -E '^(number of (transactions actually processed|failed)|latency average|tps)' | sed 's/^/    /'
tps=$(echo "$bench" | sed -n 's/^tps = \([0-9.]*\).*/\1/p' | tail -1)
log "pgbench -c 2 -T 10: $tps tps (took $(since "$t0") s)"

history=$(sql writer "select count(*) from pgbench_history")
accounts=$(sql writer "select count(*) from pgbench_accounts")
balance=$(sql writer "select sum(abalance) from pgbench_accounts")
log "before the failover: pgbench_history $history rows, pgbench_accounts $accounts rows, sum(abalance) $balance"

# --- 4. kill the writer; wait for a write through the router ----------------------------------
# The control plane decides who the writer is: ask it, inside its container.
TOPOLOGY_PY="
from compute_node.topology import fetch_topology
from sixfold.spec import ClusterSpec
t = fetch_topology(ClusterSpec.load('/etc/sixfold/cluster.json'), 3)
print(t.writer, 'generation', t.generation, 'epoch', t.epoch,
      ' '.join(i.name + '=' + i.role + ('' if i.healthy else '(unhealthy)') for i in t.instances))"
topology() { compose exec -T control-plane python -c "$TOPOLOGY_PY"; }
before=$(topology)
old_writer=${before%% *}
log "control plane: writer $before"
[ -n "$old_writer" ] || die "the control plane names no writer"
container=$(compose ps -q "$old_writer")
[ -n "$container" ] || die "no container for $old_writer"

# One try: a write through the writer endpoint; when it fails, log why (poll silences the
# command, so the log goes to fd 3).
write_once() {
  local err
  if err=$(sql writer "insert into smoke values (4, 'after failover') on conflict (id) do nothing" 2>&1); then
    return 0
  fi
  err=$(echo "$err" | head -1 | sed -E 's/^psql: error: connection to server at [^:]* failed: //' | cut -c1-170)
  log "  $(since "$t_kill") s after the kill: no write yet: ${err:-no answer}" >&3
  return 1
}
exec 3>&1

log "docker kill $old_writer (container ${container:0:12}) at $(date +%T.%3N) (the clock of the logs below)"
t_kill=$EPOCHREALTIME
docker kill "$container" >/dev/null
poll "$FAILOVER_TIMEOUT_S" write_once \
  || die "no successful write through the writer endpoint within $FAILOVER_TIMEOUT_S s of the kill"
failover_s=$(since "$t_kill")
log "FAILOVER: a write through the router's writer endpoint succeeded ${failover_s} s after the kill"

# Everything committed before the kill is still there (the new writer reads it from storage).
t0=$EPOCHREALTIME
rows=$(sql writer "select string_agg(id || '=' || note, ',' order by id) from smoke") || die "cannot read smoke after the failover"
[ "$rows" = "1=one,2=two,3=three,4=after failover" ] || die "smoke holds '$rows' after the failover"
[ "$(sql writer "select count(*) from pgbench_history")" = "$history" ] || die "pgbench_history lost rows"
[ "$(sql writer "select count(*) || ' ' || sum(abalance) from pgbench_accounts")" = "$accounts $balance" ] \
  || die "pgbench_accounts changed"
log "data intact after the failover: smoke $rows; pgbench_history $history rows; pgbench_accounts $accounts rows," \
    "sum(abalance) $balance (checked in $(since "$t0") s)"
after=$(topology)
new_writer=${after%% *}
log "control plane: writer $after"
[ -n "$new_writer" ] && [ "$new_writer" != "$old_writer" ] || die "the writer is still '$new_writer'"
[ "$(sql writer "select pg_is_in_recovery()")" = "f" ] || die "the writer endpoint reaches an instance in recovery"
log "new writer: $new_writer (was $old_writer); pg_is_in_recovery() through the writer endpoint: f"
# The topology's generation grows by one per failover: more than one means the control
# plane failed over again (e.g. the new writer missed its health checks for FAILOVER_DETECT_MS).
old_generation=$(echo "$before" | awk '{ print $3 }')
generation=$(echo "$after" | awk '{ print $3 }')
failovers=$((generation - old_generation))
log "what the control plane and the router logged about it:"
compose logs --no-color control-plane router \
  | grep -E "promoting|is the writer at epoch|topology: generation ($(seq -s'|' $((old_generation + 1)) "$generation")) " \
  | sed 's/^/    /' || true
[ "$failovers" -eq 1 ] || log "NOTE: $failovers failovers (generation $old_generation -> $generation), not one: see above"

# The remaining replica follows the new writer: the reader endpoint sees the new row.
t0=$EPOCHREALTIME
reader_sees_it() { [ "$(sql reader "select note from smoke where id = 4")" = "after failover" ]; }
poll "$FAILOVER_TIMEOUT_S" reader_sees_it \
  || die "the reader endpoint did not see the row written after the failover within $FAILOVER_TIMEOUT_S s"
log "reader endpoint sees the row written after the failover ($(since "$t0") s; pg_is_in_recovery() there:" \
    "$(sql reader "select pg_is_in_recovery()"))"

# The old writer's container, started again, rejoins as a replica of the new writer.
log "docker start $old_writer (its container: $(docker inspect -f '{{.State.Status}}, {{.RestartCount}} restarts' "$container"))"
t0=$EPOCHREALTIME
docker start "$container" >/dev/null
rejoined() { topology | grep -Eq " $old_writer=replica( |\$)"; }
poll 60 rejoined || die "$old_writer did not rejoin as a healthy replica within 60 s"
log "$old_writer rejoined as a replica after $(since "$t0") s: control plane: writer $(topology)"

log "SUMMARY: pgbench $tps tps (2 clients, 10 s, scale 1); failover $old_writer -> $new_writer in ${failover_s} s" \
    "(kill to first successful write through the router; $failovers failover(s)); data intact"
