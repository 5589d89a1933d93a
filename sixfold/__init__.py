"""Sixfold: a log-structured relational database whose log is the database.

Shared pieces live here: `constants` (every limit, with its unit last),
`errors` (the error hierarchy), `core/` (pure state machines: no I/O, no clock,
no randomness) and `rpc/` (generated gRPC stubs, see `scripts/gen_proto.sh`).
"""

__version__ = "0.1.0"
