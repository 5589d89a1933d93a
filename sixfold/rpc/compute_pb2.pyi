from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ComputeHealthRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ComputeHealth(_message.Message):
    __slots__ = ("name", "role", "epoch", "vdl", "writer_vdl", "lag_ms", "synced", "pid", "writer", "vdl_commit_ts_us", "region", "secondaries")
    NAME_FIELD_NUMBER: _ClassVar[int]
    ROLE_FIELD_NUMBER: _ClassVar[int]
    EPOCH_FIELD_NUMBER: _ClassVar[int]
    VDL_FIELD_NUMBER: _ClassVar[int]
    WRITER_VDL_FIELD_NUMBER: _ClassVar[int]
    LAG_MS_FIELD_NUMBER: _ClassVar[int]
    SYNCED_FIELD_NUMBER: _ClassVar[int]
    PID_FIELD_NUMBER: _ClassVar[int]
    WRITER_FIELD_NUMBER: _ClassVar[int]
    VDL_COMMIT_TS_US_FIELD_NUMBER: _ClassVar[int]
    REGION_FIELD_NUMBER: _ClassVar[int]
    SECONDARIES_FIELD_NUMBER: _ClassVar[int]
    name: str
    role: str
    epoch: int
    vdl: int
    writer_vdl: int
    lag_ms: float
    synced: bool
    pid: int
    writer: str
    vdl_commit_ts_us: int
    region: str
    secondaries: _containers.RepeatedCompositeFieldContainer[SecondaryLag]
    def __init__(self, name: _Optional[str] = ..., role: _Optional[str] = ..., epoch: _Optional[int] = ..., vdl: _Optional[int] = ..., writer_vdl: _Optional[int] = ..., lag_ms: _Optional[float] = ..., synced: _Optional[bool] = ..., pid: _Optional[int] = ..., writer: _Optional[str] = ..., vdl_commit_ts_us: _Optional[int] = ..., region: _Optional[str] = ..., secondaries: _Optional[_Iterable[_Union[SecondaryLag, _Mapping]]] = ...) -> None: ...

class PromoteRequest(_message.Message):
    __slots__ = ("generation", "reason", "global_primary", "rpo_s")
    GENERATION_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    GLOBAL_PRIMARY_FIELD_NUMBER: _ClassVar[int]
    RPO_S_FIELD_NUMBER: _ClassVar[int]
    generation: int
    reason: str
    global_primary: bool
    rpo_s: float
    def __init__(self, generation: _Optional[int] = ..., reason: _Optional[str] = ..., global_primary: _Optional[bool] = ..., rpo_s: _Optional[float] = ...) -> None: ...

class PromoteResponse(_message.Message):
    __slots__ = ("epoch", "vdl", "recovery_ms")
    EPOCH_FIELD_NUMBER: _ClassVar[int]
    VDL_FIELD_NUMBER: _ClassVar[int]
    RECOVERY_MS_FIELD_NUMBER: _ClassVar[int]
    epoch: int
    vdl: int
    recovery_ms: float
    def __init__(self, epoch: _Optional[int] = ..., vdl: _Optional[int] = ..., recovery_ms: _Optional[float] = ...) -> None: ...

class RedoBatch(_message.Message):
    __slots__ = ("epoch", "vdl", "vdl_commit_ts_us", "records", "start_lsn", "reset", "pg_tails", "writer")
    EPOCH_FIELD_NUMBER: _ClassVar[int]
    VDL_FIELD_NUMBER: _ClassVar[int]
    VDL_COMMIT_TS_US_FIELD_NUMBER: _ClassVar[int]
    RECORDS_FIELD_NUMBER: _ClassVar[int]
    START_LSN_FIELD_NUMBER: _ClassVar[int]
    RESET_FIELD_NUMBER: _ClassVar[int]
    PG_TAILS_FIELD_NUMBER: _ClassVar[int]
    WRITER_FIELD_NUMBER: _ClassVar[int]
    epoch: int
    vdl: int
    vdl_commit_ts_us: int
    records: _containers.RepeatedScalarFieldContainer[bytes]
    start_lsn: int
    reset: bool
    pg_tails: _containers.RepeatedCompositeFieldContainer[PgTail]
    writer: str
    def __init__(self, epoch: _Optional[int] = ..., vdl: _Optional[int] = ..., vdl_commit_ts_us: _Optional[int] = ..., records: _Optional[_Iterable[bytes]] = ..., start_lsn: _Optional[int] = ..., reset: _Optional[bool] = ..., pg_tails: _Optional[_Iterable[_Union[PgTail, _Mapping]]] = ..., writer: _Optional[str] = ...) -> None: ...

class PgTail(_message.Message):
    __slots__ = ("pg", "lsn")
    PG_FIELD_NUMBER: _ClassVar[int]
    LSN_FIELD_NUMBER: _ClassVar[int]
    pg: int
    lsn: int
    def __init__(self, pg: _Optional[int] = ..., lsn: _Optional[int] = ...) -> None: ...

class ReplicaProgress(_message.Message):
    __slots__ = ("name", "applied_vdl", "min_read_lsn", "resume_after_lsn", "best_secondary_lag_ms", "replication_server", "resume_commit_ts_us")
    NAME_FIELD_NUMBER: _ClassVar[int]
    APPLIED_VDL_FIELD_NUMBER: _ClassVar[int]
    MIN_READ_LSN_FIELD_NUMBER: _ClassVar[int]
    RESUME_AFTER_LSN_FIELD_NUMBER: _ClassVar[int]
    BEST_SECONDARY_LAG_MS_FIELD_NUMBER: _ClassVar[int]
    REPLICATION_SERVER_FIELD_NUMBER: _ClassVar[int]
    RESUME_COMMIT_TS_US_FIELD_NUMBER: _ClassVar[int]
    name: str
    applied_vdl: int
    min_read_lsn: int
    resume_after_lsn: int
    best_secondary_lag_ms: float
    replication_server: bool
    resume_commit_ts_us: int
    def __init__(self, name: _Optional[str] = ..., applied_vdl: _Optional[int] = ..., min_read_lsn: _Optional[int] = ..., resume_after_lsn: _Optional[int] = ..., best_secondary_lag_ms: _Optional[float] = ..., replication_server: _Optional[bool] = ..., resume_commit_ts_us: _Optional[int] = ...) -> None: ...

class SecondaryLag(_message.Message):
    __slots__ = ("region", "applied_lsn", "lag_lsn", "lag_ms", "connected")
    REGION_FIELD_NUMBER: _ClassVar[int]
    APPLIED_LSN_FIELD_NUMBER: _ClassVar[int]
    LAG_LSN_FIELD_NUMBER: _ClassVar[int]
    LAG_MS_FIELD_NUMBER: _ClassVar[int]
    CONNECTED_FIELD_NUMBER: _ClassVar[int]
    region: str
    applied_lsn: int
    lag_lsn: int
    lag_ms: float
    connected: bool
    def __init__(self, region: _Optional[str] = ..., applied_lsn: _Optional[int] = ..., lag_lsn: _Optional[int] = ..., lag_ms: _Optional[float] = ..., connected: _Optional[bool] = ...) -> None: ...

class PauseWritesRequest(_message.Message):
    __slots__ = ("reason", "resume")
    REASON_FIELD_NUMBER: _ClassVar[int]
    RESUME_FIELD_NUMBER: _ClassVar[int]
    reason: str
    resume: bool
    def __init__(self, reason: _Optional[str] = ..., resume: _Optional[bool] = ...) -> None: ...

class PauseWritesResponse(_message.Message):
    __slots__ = ("marker_lsn", "epoch")
    MARKER_LSN_FIELD_NUMBER: _ClassVar[int]
    EPOCH_FIELD_NUMBER: _ClassVar[int]
    marker_lsn: int
    epoch: int
    def __init__(self, marker_lsn: _Optional[int] = ..., epoch: _Optional[int] = ...) -> None: ...
