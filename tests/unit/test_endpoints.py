"""`sixfold.endpoints.endpoints`: the URIs `sixfold status --json` lists, with and
without a router in the spec."""

from __future__ import annotations

from sixfold.endpoints import endpoints
from sixfold.spec import ClusterSpec, ComputeNodeSpec, CustomEndpointSpec, RouterSpec, StorageNodeSpec

SN = tuple(StorageNodeSpec(f"sn{i}", f"az{i % 3 + 1}", "127.0.0.1", 7100 + i) for i in range(6))
CN = (ComputeNodeSpec("db-1", "az1", "127.0.0.1", 5441, "writer", 0, 7201),
      ComputeNodeSpec("db-2", "az2", "127.0.0.1", 5442, "replica", 1, 7202))
CREDS = {"user": "sixfold", "password": "p w"}


def test_without_router_writer_is_the_starting_writer():
    eps = endpoints(ClusterSpec("t", SN, compute_nodes=CN), CREDS)
    assert eps == {"db-1": "postgresql://sixfold:p%20w@127.0.0.1:5441/sixfold",
                   "db-2": "postgresql://sixfold:p%20w@127.0.0.1:5442/sixfold",
                   "writer": "postgresql://sixfold:p%20w@127.0.0.1:5441/sixfold"}


def test_without_compute_nodes_no_endpoints():
    assert endpoints(ClusterSpec("t", SN), None) == {}


def test_with_router_endpoints_are_its_ports():
    router = RouterSpec("10.0.0.9", 5432, 5433, {"reporting": CustomEndpointSpec(5434, ("db-2",))})
    eps = endpoints(ClusterSpec("t", SN, compute_nodes=CN, router=router), None)
    assert eps == {"db-1": "postgresql://sixfold@127.0.0.1:5441/sixfold",
                   "db-2": "postgresql://sixfold@127.0.0.1:5442/sixfold",
                   "writer": "postgresql://sixfold@10.0.0.9:5432/sixfold",
                   "reader": "postgresql://sixfold@10.0.0.9:5433/sixfold",
                   "reporting": "postgresql://sixfold@10.0.0.9:5434/sixfold"}


def test_custom_endpoint_never_hides_an_instance():
    router = RouterSpec("127.0.0.1", 5432, 5433, {"db-2": CustomEndpointSpec(5434, ("db-2",))})
    eps = endpoints(ClusterSpec("t", SN, compute_nodes=CN, router=router), None)
    assert eps["db-2"] == "postgresql://sixfold@127.0.0.1:5442/sixfold"
