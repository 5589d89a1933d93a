"""The control plane: knows every compute instance, checks their health, fails the
writer over, and serves the topology. Run it with `python -m control_plane`.

Modules: `state` (what survives a restart), `monitor` (health checks and promotions
around the pure `sixfold.core.failover` core), `topology` (the Topology message and its
watchers), `service` (the gRPC service), `__main__` (the process)."""
