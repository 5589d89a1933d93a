"""The router: the cluster's endpoints (like RDS Proxy), a TCP proxy in front of the
compute instances.

`topology` is what the router believes about the instances (from the spec at start,
then from the control plane), `policy` decides where a new connection may go and which
proxied connections must close when the topology changes (both pure), `watch` follows
the control plane's WatchTopology stream, `proxy` pipes bytes between a client and an
instance, `refuse` answers a client no instance can take, and `server` ties them
together. `python -m router --cluster-spec PATH` runs it (docs/2026-12-02-router.md).
"""
