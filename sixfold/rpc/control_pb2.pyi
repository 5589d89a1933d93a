from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Instance(_message.Message):
    __slots__ = ("name", "az", "tier", "role", "host", "port", "admin_port", "healthy", "lag_lsn", "lag_ms", "promotable")
    NAME_FIELD_NUMBER: _ClassVar[int]
    AZ_FIELD_NUMBER: _ClassVar[int]
    TIER_FIELD_NUMBER: _ClassVar[int]
    ROLE_FIELD_NUMBER: _ClassVar[int]
    HOST_FIELD_NUMBER: _ClassVar[int]
    PORT_FIELD_NUMBER: _ClassVar[int]
    ADMIN_PORT_FIELD_NUMBER: _ClassVar[int]
    HEALTHY_FIELD_NUMBER: _ClassVar[int]
    LAG_LSN_FIELD_NUMBER: _ClassVar[int]
    LAG_MS_FIELD_NUMBER: _ClassVar[int]
    PROMOTABLE_FIELD_NUMBER: _ClassVar[int]
    name: str
    az: str
    tier: int
    role: str
    host: str
    port: int
    admin_port: int
    healthy: bool
    lag_lsn: int
    lag_ms: float
    promotable: bool
    def __init__(self, name: _Optional[str] = ..., az: _Optional[str] = ..., tier: _Optional[int] = ..., role: _Optional[str] = ..., host: _Optional[str] = ..., port: _Optional[int] = ..., admin_port: _Optional[int] = ..., healthy: _Optional[bool] = ..., lag_lsn: _Optional[int] = ..., lag_ms: _Optional[float] = ..., promotable: _Optional[bool] = ...) -> None: ...

class Topology(_message.Message):
    __slots__ = ("generation", "writer", "epoch", "instances")
    GENERATION_FIELD_NUMBER: _ClassVar[int]
    WRITER_FIELD_NUMBER: _ClassVar[int]
    EPOCH_FIELD_NUMBER: _ClassVar[int]
    INSTANCES_FIELD_NUMBER: _ClassVar[int]
    generation: int
    writer: str
    epoch: int
    instances: _containers.RepeatedCompositeFieldContainer[Instance]
    def __init__(self, generation: _Optional[int] = ..., writer: _Optional[str] = ..., epoch: _Optional[int] = ..., instances: _Optional[_Iterable[_Union[Instance, _Mapping]]] = ...) -> None: ...

class TopologyRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class FailoverRequest(_message.Message):
    __slots__ = ("target",)
    TARGET_FIELD_NUMBER: _ClassVar[int]
    target: str
    def __init__(self, target: _Optional[str] = ...) -> None: ...

class FailoverResponse(_message.Message):
    __slots__ = ("old_writer", "new_writer", "epoch", "duration_ms")
    OLD_WRITER_FIELD_NUMBER: _ClassVar[int]
    NEW_WRITER_FIELD_NUMBER: _ClassVar[int]
    EPOCH_FIELD_NUMBER: _ClassVar[int]
    DURATION_MS_FIELD_NUMBER: _ClassVar[int]
    old_writer: str
    new_writer: str
    epoch: int
    duration_ms: float
    def __init__(self, old_writer: _Optional[str] = ..., new_writer: _Optional[str] = ..., epoch: _Optional[int] = ..., duration_ms: _Optional[float] = ...) -> None: ...
