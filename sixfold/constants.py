"""Every limit, bound and quorum parameter of Sixfold, in one place.

Names carry their unit last (`_ms`, `_bytes`, `_records`, `_count`). Change a value
here and nowhere else. The quorum asserts at the bottom are the reason a lost AZ
keeps writes available and a lost AZ plus one node loses no data.
"""

# --- Volume geometry -------------------------------------------------------
PAGE_SIZE_BYTES = 4096
# Pages per protection group. Aurora uses 10 GiB; ours is small by default so that
# even small tests spread over many PGs.
PG_PAGES_DEFAULT_COUNT = 64
AZ_COUNT = 3
SEGMENTS_PER_AZ_COUNT = 2

# --- Quorums ---------------------------------------------------------------
V_SEGMENTS_COUNT = AZ_COUNT * SEGMENTS_PER_AZ_COUNT  # copies of every PG
W_QUORUM_COUNT = 4  # segments that must hold a record before it is complete
R_QUORUM_COUNT = 3  # segments read by recovery

assert V_SEGMENTS_COUNT == 6
assert W_QUORUM_COUNT + R_QUORUM_COUNT > V_SEGMENTS_COUNT, "a read quorum must see every write"
assert 2 * W_QUORUM_COUNT > V_SEGMENTS_COUNT, "two writes must intersect"
# Losing one AZ (two segments) leaves a write quorum.
assert V_SEGMENTS_COUNT - SEGMENTS_PER_AZ_COUNT >= W_QUORUM_COUNT
# Losing one AZ plus one node leaves a read quorum: no data lost, repairable.
assert V_SEGMENTS_COUNT - SEGMENTS_PER_AZ_COUNT - 1 >= R_QUORUM_COUNT

# --- Log ---------------------------------------------------------------------
# LSN allocation limit: the writer never allocates an LSN more than this above VDL.
# It also bounds what recovery must read back from every segment.
LAL_RECORDS = 80_000
# Records (changed pages) in one mini-transaction: 256 MiB of pages. A transaction is one
# mini-transaction, and `pgbench -i` loads its accounts in one (19,115 pages at scale 50).
MTR_RECORDS_MAX = 65_536
RECORD_PAYLOAD_BYTES_MAX = PAGE_SIZE_BYTES + 1024

# --- Writer (volume client) ------------------------------------------------
APPEND_BATCH_BYTES_MAX = 512 * 1024  # records packed into one AppendRequest
APPEND_IN_FLIGHT_BATCHES_MAX = 1  # record batches awaiting their ack per link; later records wait and share the next
# Group commit (sixfold.core.group_commit): a commit made while other transactions wait
# for the write lock is held back at most this long, for the next one to share its messages.
GROUP_COMMIT_WAIT_MS = 12
GROUP_COMMIT_TXNS_MAX = 8  # commits one held group may collect before it leaves
# An append stream whose oldest message has waited this long for its ack is dropped and
# reopened: a silent (paused, partitioned) node is noticed within this bound.
APPEND_ACK_TIMEOUT_MS = 3_000
APPEND_CONNECT_TIMEOUT_MS = 2_000  # a new append stream's first answer
APPEND_RECONNECT_BACKOFF_MS_MIN = 50
APPEND_RECONNECT_BACKOFF_MS_MAX = 1_000
COMMIT_WAIT_TIMEOUT_MS = 10_000  # a commit not durable by then is reported in doubt (CommitTimeout)
COMMIT_WAIT_PER_RECORD_US = 1_000  # ... plus this per record of a large one (shipping 6 copies takes time)
LAL_WAIT_TIMEOUT_MS = 10_000  # an allocation blocked by LAL this long is refused (nothing was sent)
ADVERTISE_INTERVAL_MS = 200  # writer -> storage: VDL hint and minimum read point
VDL_STALL_WARNING_MS = 2_000  # VDL stuck this long with records in flight: the writer logs what each link holds
READ_HEDGE_DELAY_MS = 50  # a page read not answered by then goes to a second segment too
READ_TIMEOUT_MS = 5_000
# Pages read ahead, all at once, when a storage read follows one of the page before it (a
# scan of a cold table, DROP TABLE walking a tree): one read's latency for the batch.
READ_AHEAD_PAGES_MAX = 32
CLOSE_FLUSH_TIMEOUT_MS = 500  # a closing writer's last records and heartbeat
RPC_TIMEOUT_MS = 5_000  # recovery, truncate and other unary calls
RECOVERY_ATTEMPTS_MAX = 8
# Recovery found fewer than a write quorum of some PG answering (its probe, fence or
# truncation): it asks again (after RECOVERY_RETRY_BACKOFF_MS, doubling to 1 s) for this
# long, then gives up. A storage node that is up but slow to answer (a busy machine, a
# channel reconnecting, a node restarting) then does not fail a writer's start; a lost
# quorum still fails it, boundedly. One RPC_TIMEOUT_MS (the first probe) plus this fits
# in PROMOTE_TIMEOUT_MS.
RECOVERY_RETRY_MS = 3_000
RECOVERY_RETRY_BACKOFF_MS = 100
IN_FLIGHT_HOLD_RECORDS_MAX = 20_000  # durable records the writer keeps for a connected but slower link
RECOVERY_STRAGGLER_GRACE_MS = 300  # recovery's probe: once a write quorum answered, the rest get this long
RECOVERY_HEADERS_MAX = 4 * LAL_RECORDS  # record headers one segment may return to recovery

# --- Read replicas ------------------------------------------------------------------
REDO_RING_BYTES_MAX = 64 * 1024 * 1024  # the writer's recent redo kept for replicas (beyond it a lagging one resets)
REDO_BATCH_BYTES_MAX = 512 * 1024  # records in one message of the redo stream
REDO_HEARTBEAT_INTERVAL_MS = 1_000  # an idle writer still sends a replica this often ...
REDO_STREAM_SILENCE_MS = 3_000  # ... and a replica that hears nothing this long drops the stream
REPLICA_PENDING_RECORDS_MAX = 2 * 20_000  # records a replica holds above its read point (else it resets)
REPLICA_CATCH_UP_RECORDS_MAX = 50_000  # records a replica fetches from storage to keep its cache warm (else it drops it)
LOG_FETCH_BYTES_MAX = 256 * 1024 * 1024  # one answer reading a range of the log back (replica catch-up, global replication)
REPLICA_PG_LSNS_KEPT_MAX = 64  # recent record LSNs a replica remembers per PG, for read requirements
REPLICA_RECONNECT_BACKOFF_MS_MAX = 1_000
REPLICA_PROGRESS_INTERVAL_MS = 200  # a replica reports its oldest read point this often
REPLICA_READ_POINT_GRACE_MS = 30_000  # a disconnected replica's read point still holds storage GC back this long
CONTROL_PLANE_FIRST_ANSWER_TIMEOUT_MS = 5_000  # a starting compute instance waits this long to learn its role

# --- gRPC channels -------------------------------------------------------------
GRPC_KEEPALIVE_TIME_MS = 10_000  # an idle connection is pinged this often ...
GRPC_KEEPALIVE_TIMEOUT_MS = 5_000  # ... and dropped when the ping is not answered by then
GRPC_RECONNECT_BACKOFF_MS_MIN = 100
GRPC_RECONNECT_BACKOFF_MS_MAX = 1_000  # gRPC's default (120 s) kept returning nodes unreachable for seconds

# --- Storage node ------------------------------------------------------------
LMDB_MAP_SIZE_BYTES = 8 * 1024 ** 3
LMDB_MAX_READERS_COUNT = 256
PERSIST_BATCH_BYTES_MAX = 4 * 1024 * 1024  # appends folded into one LMDB commit (one fsync)
PERSIST_QUEUE_BATCHES_MAX = 1_024
GOSSIP_INTERVAL_MS = 200  # a node that knows of a hole, or is catching up, asks a peer this often
GOSSIP_IDLE_INTERVAL_MS = 2_000  # ... and otherwise this often (a tail it cannot know it lacks)
GOSSIP_FETCH_BYTES_MAX = 2 * 1024 * 1024  # per gossip response
GOSSIP_FETCH_RECORDS_MAX = 8_192
COPY_SEGMENT_BYTES_MAX = 24 * 1024 * 1024  # one segment copy (its versions and records), under GRPC_MESSAGE_BYTES_MAX
COPY_SEGMENTS_PER_TURN_MAX = 4  # segment copies a node takes from a peer per gossip turn
COALESCE_INTERVAL_MS = 1_000
COALESCE_RECORDS_PER_PASS_MAX = 2_000
COALESCE_VERSIONS_PER_PASS_MAX = 128  # page versions written by one pass (one LMDB transaction)
COALESCE_DELTAS_PER_PAGE_MIN = 8  # a page with fewer pending deltas is left to on-demand apply
GC_INTERVAL_MS = 1_000
GC_VERSIONS_PER_PASS_MAX = 5_000
SCRUB_INTERVAL_MS = 1_000
SCRUB_ENTRIES_PER_PASS_MAX = 1_000
SCRUB_ENTRIES_PER_SLICE_MAX = 100  # checked between two turns of the event loop
SCRUB_CYCLE_MIN_INTERVAL_MS = 60_000  # a full walk over a node's log and versions starts at most this often
GET_PAGE_APPLY_RECORDS_MAX = 100_000  # redo applied on demand for one GetPage
GRPC_MESSAGE_BYTES_MAX = 32 * 1024 * 1024
SHUTDOWN_GRACE_MS = 1_000

# --- Continuous backup and restore --------------------------------------------
BACKUP_INTERVAL_MS = 1_000  # each storage node ships its part of the durable log this often
BACKUP_IDLE_INTERVAL_MS = 10_000  # ... and, while the durable point stands still, passes this often
BACKUP_TAKEOVER_MS = 5_000  # a segment backs up a PG once the ones ranked before it made no progress this long (times its rank)
BACKUP_BLOCK_BYTES_MAX = 8 * 1024 * 1024  # records in one backup object
# A PG's pages are shipped whole once the log shipped since its last image reaches this
# many times the PG's size: replaying more log than that costs a restore more than an image.
BACKUP_IMAGE_LOG_RATIO = 1
BACKUP_RETENTION_S_DEFAULT = 86_400  # restorable window kept (the spec's backup.retention_s overrides it)
BACKUP_PRUNE_INTERVAL_MS = 300_000  # objects older than the window are deleted this often (or retention/4 if shorter)
BACKUP_PRUNE_DELETES_MAX = 2_000  # objects one pruning round deletes
BACKUP_AGE_IMAGES_PER_PASS_MAX = 16  # images a pass ships for PGs whose last image is half the retention old
BACKUP_OBJECT_TIMEOUT_MS = 10_000  # one object store request (connect, read) never waits longer
BACKUP_PROBE_RECORDS_MAX = 4_096  # records a completeness probe may bring back from one peer
TRIM_RECORDS_PER_PASS_MAX = 20_000  # log records a storage node trims per backup pass
RESTORE_BATCH_RECORDS_MAX = 20_000
CLONE_CREATE_TIMEOUT_MS = 10_000  # a storage node still filling a gap up to the fork point is asked again this long  # records written into a restored node's store per transaction

# --- Launcher and the `sixfold` command ------------------------------------------
PROCESS_START_TIMEOUT_MS = 20_000
PROCESS_STOP_TIMEOUT_MS = 5_000
CLI_STATUS_HEALTH_TIMEOUT_MS = 1_000  # a node not answering Health by then is reported not alive
CLI_LOCK_WAIT_TIMEOUT_MS = 30_000  # another `sixfold` command holding the data dir
CLI_SIGNAL_WAIT_TIMEOUT_MS = 1_000  # pause/resume: the kernel reflecting SIGSTOP/SIGCONT

# --- Compute node (SQL engine) ---------------------------------------------------
BUFFER_CACHE_BYTES_MAX = 256 * 1024 * 1024  # page images the compute node caches
# Pinned pages one eviction pass steps over (to the recent end) before it gives up: an
# unbounded pass looked at every cached page on each install once pinned pages filled
# the cache, quadratic in a large transaction's pages.
EVICT_PINNED_SKIPS_MAX = 16
WRITE_LOCK_WAIT_TIMEOUT_MS = 5_000  # a write transaction waiting longer fails with 55P03 (retriable)
# Statements an optimistic write transaction keeps for its replay at COMMIT; at this
# many it takes the write lock and goes on serially (optimistic.py).
OPTIMISTIC_LOG_STATEMENTS_MAX = 10_000
OPTIMISTIC_LOG_ROWS_MAX = 100_000  # result rows the log holds (one statement may pass it; the next goes serial)
ADVISORY_LOCK_WAIT_MS = 60_000  # pg_advisory_lock waiting longer for another session fails with 55P03
ADVISORY_LOCK_POLL_MS = 50  # how often such a wait looks for its statement's cancel
NOTIFY_PAYLOAD_BYTES_MAX = 8000  # a NOTIFY payload this long or longer fails (22023), as in PostgreSQL
NOTIFY_PENDING_MAX = 10_000  # notifications queued for one client that does not read: then it is closed
REDO_FULL_IMAGE_DELTA_BYTES_MIN = 2_048  # a page diff larger than this ships as a full image
VOLUME_CALL_TIMEOUT_MS = 30_000  # a VFS call into the volume client (read, submit) never waits longer
SQL_BUSY_TIMEOUT_MS = 5_000
# A REPEATABLE READ / SERIALIZABLE transaction's first read waits at most this long for
# VDL to reach the last commit already shipped, so that its snapshot includes it (else
# its first write would fail with 40001). Past it, the snapshot is the VDL of then.
SNAPSHOT_WAIT_TIMEOUT_MS = 1_000

# --- Compute node (PostgreSQL protocol) --------------------------------------------
PG_STARTUP_BYTES_MAX = 10_000  # any message before authentication completes
PG_MESSAGE_BYTES_MAX = 64 * 1024 * 1024  # any message after it (a claimed length above: connection closed)
PG_AUTH_TIMEOUT_MS = 10_000  # startup + authentication must finish within this
# A client idle inside a transaction that holds the write lock is disconnected after
# this (25P03), its transaction rolled back: it would block every other writer.
PG_IDLE_IN_WRITE_TRANSACTION_TIMEOUT_MS = 60_000
PG_CONNECTIONS_MAX = 100  # beyond it a new client gets 53300
PG_STARTING_CONNECTIONS_MAX = 64  # connections not yet authenticated; beyond it new ones are refused at once
PG_OUTPUT_FLUSH_BYTES = 64 * 1024  # buffered output is written once it grows past this
PG_COPY_CHUNK_BYTES = 256 * 1024  # COPY FROM data handed to the engine at a time
PG_SHUTDOWN_GRACE_MS = 2_000  # SIGTERM: running statements get this long before connections close
SCRAM_ITERATIONS_COUNT = 4096
TRANSLATION_CACHE_STATEMENTS_MAX = 4096  # PostgreSQL -> SQLite translations kept (LRU)
FUNCTION_INLINE_DEPTH_MAX = 16  # SQL functions calling SQL functions, inlined into a statement (then 54001)
TRANSLATION_VISITS_PER_NODE_MAX = 64  # rewrite visits of one statement's tree per node it has, plus ...
TRANSLATION_VISITS_MIN = 100_000  # ... these (catalog subqueries); past both: XX000 (a bug, not a hung core)
FUNCTION_BODY_CHARS_MAX = 20_000  # a function's body as one expression (IF branches repeat what follows them)
SCHEMA_COLUMNS_CACHE_TABLES_MAX = 1024  # tables whose column types the translator keeps per schema version
REGEX_CACHE_PATTERNS_MAX = 256  # compiled patterns of the `~` operators kept (LRU)
# RETURNING rows of a data-modifying WITH query carried into the rest of its statement (as
# constants in its text: data_modifying_with.py); more is 0A000 and the statement undone
WITH_RETURNING_ROWS_MAX = 10_000
# Quantified atoms a regular expression may hold once bounded repetitions are spelled out
# (regex_engine.complexity): Tcl's engine compiles in time growing with about their cube
# (x*y*z* 150 times: 0.17 s, 500 times: seconds, and no statement can cancel it); past
# this, 2201B "regular expression is too complex", PostgreSQL's own error for such patterns
REGEX_QUANTIFIED_ATOMS_MAX = 1_000
# Parsed values each collation of a typed column keeps (LRU): pg_jsonb's documents,
# pg_timetz's, pg_lsn's and pg_macaddr's sort keys (an index walk reads few)
COLLATION_KEYS_CACHED_MAX = 4_096
# pg_sleep() checks for a cancel (an interrupted statement) this often
PG_SLEEP_CANCEL_POLL_MS = 50

# --- Control plane (docs/2026-12-02-control-plane.md) --------------------------------
# Every compute instance's Health is called this often. A killed writer is failed on the
# second refused connection in a row (the first check after the kill usually sees the
# old connection reset, not a refusal): 2-3 intervals, so fast enough to keep a whole
# failover (detection + recovery) under a second.
CONTROL_HEALTH_INTERVAL_MS = 100
CONTROL_HEALTH_TIMEOUT_MS = 500  # a Health call not answered by then is a failed check (not a refusal)
# A writer that answered no check for this long (hung, paused, partitioned, or answering
# as fenced) has failed. Four health timeouts: one slow answer or a busy second on a
# loaded machine does not fail a working writer over.
MAX_REPLICAS_COUNT = 15  # read replicas per cluster, as Aurora allows
FAILOVER_DETECT_MS = 2_000
# A Promote (recovery at a new epoch) not answered by then has failed and the next
# candidate is tried; recovery normally takes well under a second, this leaves room for
# one storage RPC timeout (RPC_TIMEOUT_MS). A promotion that still succeeds later is
# adopted when its instance reports itself the writer.
PROMOTE_TIMEOUT_MS = 10_000
FAILOVER_REQUEST_TIMEOUT_MS = PROMOTE_TIMEOUT_MS + 2_000  # a planned Failover call waits at most this long
CONTROL_TOPOLOGY_REFRESH_MS = 1_000  # watchers get the topology at least this often (lag moves)
CONTROL_WATCH_QUEUE_TOPOLOGIES_MAX = 64  # topologies queued for one watcher; beyond, it is dropped
CONTROL_WATCHERS_MAX = 256  # WatchTopology streams at once; more are refused (RESOURCE_EXHAUSTED)
CONTROL_HISTORY_ENTRIES_MAX = 100  # past (generation, writer, epoch) entries kept in the state file

# --- Workloads (tests, chaos runs, bench) -------------------------------------------
WORKLOAD_CONNECT_TIMEOUT_MS = 5_000  # a workload client's connection attempt
WORKLOAD_STATEMENT_TIMEOUT_MS = 20_000  # statement_timeout each workload client sets (server side)
WORKLOAD_RECONNECT_BACKOFF_MS = 100  # between a lost connection and the next attempt
WORKLOAD_STOP_TIMEOUT_MS = 30_000  # clients still busy this long after a run's end are abandoned
CHAOS_STALL_RESUME_BOUND_S = 5.0  # a stalled quorum whole again: the next commit within this (liveness)
CHAOS_FINAL_RESUME_BOUND_S = 60.0  # after the heal, the cluster endpoint takes a commit within this
CHAOS_OPS_SETTLE_TIMEOUT_S = 60.0  # after the heal, every op of a workload has ended within this
WORKLOAD_RETRIES_MAX = 2  # a transaction failed with 40001 is retried (as a new one) at most this often
# Checkers: a badly broken history of tens of thousands of transactions still checks in seconds.
CHECKER_CYCLES_PER_KIND_MAX = 100  # cycles of one kind reported per SCC (the kind is then marked truncated)
CHECKER_CYCLE_SEARCHES_PER_SCC_MAX = 2_000  # rw edges tried (one BFS each) per SCC

# --- Router (the cluster's endpoints) ----------------------------------------------------
ROUTER_CONNECTIONS_MAX = 2_000  # client connections proxied at once (each holds two sockets)
ROUTER_REFUSING_CONNECTIONS_MAX = 64  # clients being answered with an error at once; beyond it they are dropped
ROUTER_FIRST_PACKET_TIMEOUT_MS = 10_000  # a client's first packet (SSLRequest/StartupMessage) must arrive by then
ROUTER_BACKEND_CONNECT_TIMEOUT_MS = 2_000  # a TCP connect to an instance; past it, the next candidate is tried
ROUTER_CONNECT_ATTEMPTS_MAX = 3  # instances tried for one new client connection before it is refused
ROUTER_PENDING_BYTES_MAX = 64 * 1024  # client bytes held while its instance is being connected
ROUTER_BUFFER_BYTES_MAX = 256 * 1024  # unsent bytes per direction before the sending side stops being read
ROUTER_CLOSE_FLUSH_TIMEOUT_MS = 1_000  # a closing client connection's buffered bytes; then it is reset
ROUTER_WATCH_BACKOFF_MS_MIN = 100  # between two WatchTopology attempts while the control plane is away ...
ROUTER_WATCH_BACKOFF_MS_MAX = 1_000  # ... doubling up to this
ROUTER_SHUTDOWN_GRACE_MS = 2_000  # SIGTERM: connections closing get this long before they are reset

# --- Driver (sixfold.driver) --------------------------------------------------------
DRIVER_FAILOVER_WAIT_MS = 30_000  # a call waits this long for a writer to accept a connection again
DRIVER_RETRY_INTERVAL_MS = 50  # between tries while it waits (or as soon as the topology changes)
DRIVER_CONNECT_TIMEOUT_S = 2  # libpq's connect_timeout (whole seconds, 2 at least)
SHELL_CONNECT_TIMEOUT_S = 10  # `sixfold sql` and the CLI's own connections (libpq's connect_timeout)
GLOBAL_ENDPOINT_WATCH_INTERVAL_MS = 100  # how often the global endpoint checks which region is the primary
LOST_WINDOW_READ_TIMEOUT_S = 30.0  # a global failover reading the old primary's durable end (recovery included)

# --- global database (replication/) ------------------------------------------------------
REPLICATION_RING_BYTES_MAX = 64 * 1024 * 1024  # the durable log the replication server keeps in memory
REPLICATION_FETCH_LSNS_MAX = 20_000  # LSNs one catch-up read from primary storage covers (a secondary behind the ring)
REPLICATION_LINK_BATCHES_MAX = 4_096  # batches on the (delayed) cross-region link at once, per secondary
REPLICATION_PROGRESS_INTERVAL_MS = 100  # an agent reports its durable point, the server its best lag, this often
REPLICATION_AGENT_IN_FLIGHT_MAX = 4_096  # primary commits an agent has sent and not yet seen durable
REPLICATION_STREAM_SILENCE_MS = 5_000  # an agent that hears nothing this long (delay included) reconnects
RPO_WAIT_TIMEOUT_MS = 5_000  # under a managed RPO, a commit waits this long for a secondary to be within it, then is refused
GLOBAL_DELAY_MS_MAX = 2_000  # the largest one-way delay a cross-region link may be given
SWITCHOVER_CATCH_UP_TIMEOUT_MS = 30_000  # a switchover waits this long for the target to apply up to the marker
