"""The PostgreSQL wire protocol (v3) of the compute node.

`messages` encodes and decodes messages (pure), `scram` is the SCRAM-SHA-256 server
exchange (pure), `sql_session` gives PostgreSQL transaction semantics on top of an
engine session (blocking, runs in the connection's worker thread), `connection` is one
client's protocol loop, `copy_flow` its COPY sub-protocol, and `server` accepts
connections (asyncio).
"""
