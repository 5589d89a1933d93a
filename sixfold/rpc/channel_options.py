"""gRPC options shared by every Sixfold client and server (hand-written, not generated).

Keepalive: a client pings an idle connection every GRPC_KEEPALIVE_TIME_MS and drops
it when no answer comes within GRPC_KEEPALIVE_TIMEOUT_MS, so a peer that vanished
without closing its socket (power loss, a partition) is noticed even when no call is
in flight. Servers accept those pings. Reconnect backoff is capped at
GRPC_RECONNECT_BACKOFF_MS_MAX: gRPC's default cap is 120 s, and a storage node down
for 20 s was reached again only 7 s after it returned (measured), which stalls
commits that wait for that node.
"""

from sixfold import sabotage
from sixfold.constants import (
    GRPC_KEEPALIVE_TIME_MS, GRPC_KEEPALIVE_TIMEOUT_MS, GRPC_MESSAGE_BYTES_MAX, GRPC_RECONNECT_BACKOFF_MS_MAX,
    GRPC_RECONNECT_BACKOFF_MS_MIN,
)

_MESSAGE_SIZE = [
    ("grpc.max_send_message_length", GRPC_MESSAGE_BYTES_MAX),
    ("grpc.max_receive_message_length", GRPC_MESSAGE_BYTES_MAX),
]
GRPC_OPTIONS = _MESSAGE_SIZE + [
    ("grpc.keepalive_time_ms", GRPC_KEEPALIVE_TIME_MS),
    ("grpc.keepalive_timeout_ms", GRPC_KEEPALIVE_TIMEOUT_MS),
    ("grpc.keepalive_permit_without_calls", 1),
    ("grpc.http2.max_pings_without_data", 0),
]
if not sabotage.active("slow-reconnect"):  # the sabotage: gRPC's defaults, the stall they caused
    GRPC_OPTIONS += [
        ("grpc.initial_reconnect_backoff_ms", GRPC_RECONNECT_BACKOFF_MS_MIN),
        ("grpc.min_reconnect_backoff_ms", GRPC_RECONNECT_BACKOFF_MS_MIN),
        ("grpc.max_reconnect_backoff_ms", GRPC_RECONNECT_BACKOFF_MS_MAX),
    ]
# gRPC servers set SO_REUSEPORT by default: a second node started on a taken port would
# come up and split the traffic with the first. A node must own its port.
SERVER_OPTIONS = _MESSAGE_SIZE + [
    ("grpc.so_reuseport", 0),
    ("grpc.keepalive_time_ms", GRPC_KEEPALIVE_TIME_MS),
    ("grpc.keepalive_timeout_ms", GRPC_KEEPALIVE_TIMEOUT_MS),
    ("grpc.keepalive_permit_without_calls", 1),
    ("grpc.http2.min_recv_ping_interval_without_data_ms", GRPC_KEEPALIVE_TIME_MS // 2),
    ("grpc.http2.max_ping_strikes", 0),
]
