"""gRPC options shared by every Sixfold client and server (hand-written, not generated)."""

from sixfold.constants import GRPC_MESSAGE_BYTES_MAX

GRPC_OPTIONS = [
    ("grpc.max_send_message_length", GRPC_MESSAGE_BYTES_MAX),
    ("grpc.max_receive_message_length", GRPC_MESSAGE_BYTES_MAX),
]
# gRPC servers set SO_REUSEPORT by default: a second node started on a taken port would
# come up and split the traffic with the first. A node must own its port.
SERVER_OPTIONS = GRPC_OPTIONS + [("grpc.so_reuseport", 0)]
