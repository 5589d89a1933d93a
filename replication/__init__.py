"""The global database: one primary region takes writes; each secondary region keeps
a six-copy volume of its own, fed from the primary's durable log.

- `server.py`: the replication server (primary region) follows the writer's durable
  log (`durable_log.py`, `log_fetch.py`) and serves it to every secondary.
- `agent.py`: the replication agent (secondary region) is its volume's only writer:
  it writes each primary mini-transaction into it with 4-of-6 quorums, at the same
  LSNs, and serves the region's readers the redo stream a writer would.
- `link.py`: the cross-region link's one-way delay (acting out distance).
- `regions.py`: a global database on one machine (`sixfold up --regions N`).
- `switchover.py`: moving the primary to another region (planned, nothing lost).
- `failover.py`: promoting a secondary when the primary is gone (the lost window), and
  rebuilding a region left diverged (`rejoin`).
- `global_endpoint.py`: the global writer endpoint.
"""
