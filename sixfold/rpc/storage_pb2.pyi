from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Truncation(_message.Message):
    __slots__ = ("epoch", "above_lsn")
    EPOCH_FIELD_NUMBER: _ClassVar[int]
    ABOVE_LSN_FIELD_NUMBER: _ClassVar[int]
    epoch: int
    above_lsn: int
    def __init__(self, epoch: _Optional[int] = ..., above_lsn: _Optional[int] = ...) -> None: ...

class AppendRequest(_message.Message):
    __slots__ = ("volume", "epoch", "batch_id", "records", "vdl_hint", "min_read_lsn", "pg_count", "truncations", "truncation_floor")
    VOLUME_FIELD_NUMBER: _ClassVar[int]
    EPOCH_FIELD_NUMBER: _ClassVar[int]
    BATCH_ID_FIELD_NUMBER: _ClassVar[int]
    RECORDS_FIELD_NUMBER: _ClassVar[int]
    VDL_HINT_FIELD_NUMBER: _ClassVar[int]
    MIN_READ_LSN_FIELD_NUMBER: _ClassVar[int]
    PG_COUNT_FIELD_NUMBER: _ClassVar[int]
    TRUNCATIONS_FIELD_NUMBER: _ClassVar[int]
    TRUNCATION_FLOOR_FIELD_NUMBER: _ClassVar[int]
    volume: str
    epoch: int
    batch_id: int
    records: _containers.RepeatedScalarFieldContainer[bytes]
    vdl_hint: int
    min_read_lsn: int
    pg_count: int
    truncations: _containers.RepeatedCompositeFieldContainer[Truncation]
    truncation_floor: int
    def __init__(self, volume: _Optional[str] = ..., epoch: _Optional[int] = ..., batch_id: _Optional[int] = ..., records: _Optional[_Iterable[bytes]] = ..., vdl_hint: _Optional[int] = ..., min_read_lsn: _Optional[int] = ..., pg_count: _Optional[int] = ..., truncations: _Optional[_Iterable[_Union[Truncation, _Mapping]]] = ..., truncation_floor: _Optional[int] = ...) -> None: ...

class SegmentScl(_message.Message):
    __slots__ = ("pg", "scl")
    PG_FIELD_NUMBER: _ClassVar[int]
    SCL_FIELD_NUMBER: _ClassVar[int]
    pg: int
    scl: int
    def __init__(self, pg: _Optional[int] = ..., scl: _Optional[int] = ...) -> None: ...

class AppendAck(_message.Message):
    __slots__ = ("batch_id", "scls", "applied_epoch")
    BATCH_ID_FIELD_NUMBER: _ClassVar[int]
    SCLS_FIELD_NUMBER: _ClassVar[int]
    APPLIED_EPOCH_FIELD_NUMBER: _ClassVar[int]
    batch_id: int
    scls: _containers.RepeatedCompositeFieldContainer[SegmentScl]
    applied_epoch: int
    def __init__(self, batch_id: _Optional[int] = ..., scls: _Optional[_Iterable[_Union[SegmentScl, _Mapping]]] = ..., applied_epoch: _Optional[int] = ...) -> None: ...

class GetPageRequest(_message.Message):
    __slots__ = ("volume", "page", "read_lsn", "required_scl")
    VOLUME_FIELD_NUMBER: _ClassVar[int]
    PAGE_FIELD_NUMBER: _ClassVar[int]
    READ_LSN_FIELD_NUMBER: _ClassVar[int]
    REQUIRED_SCL_FIELD_NUMBER: _ClassVar[int]
    volume: str
    page: int
    read_lsn: int
    required_scl: int
    def __init__(self, volume: _Optional[str] = ..., page: _Optional[int] = ..., read_lsn: _Optional[int] = ..., required_scl: _Optional[int] = ...) -> None: ...

class GetPageResponse(_message.Message):
    __slots__ = ("image", "page_lsn", "scl")
    IMAGE_FIELD_NUMBER: _ClassVar[int]
    PAGE_LSN_FIELD_NUMBER: _ClassVar[int]
    SCL_FIELD_NUMBER: _ClassVar[int]
    image: bytes
    page_lsn: int
    scl: int
    def __init__(self, image: _Optional[bytes] = ..., page_lsn: _Optional[int] = ..., scl: _Optional[int] = ...) -> None: ...

class RecordHeader(_message.Message):
    __slots__ = ("lsn", "cpl", "epoch")
    LSN_FIELD_NUMBER: _ClassVar[int]
    CPL_FIELD_NUMBER: _ClassVar[int]
    EPOCH_FIELD_NUMBER: _ClassVar[int]
    lsn: int
    cpl: bool
    epoch: int
    def __init__(self, lsn: _Optional[int] = ..., cpl: _Optional[bool] = ..., epoch: _Optional[int] = ...) -> None: ...

class SegmentState(_message.Message):
    __slots__ = ("pg", "scl", "headers", "last_lsn")
    PG_FIELD_NUMBER: _ClassVar[int]
    SCL_FIELD_NUMBER: _ClassVar[int]
    HEADERS_FIELD_NUMBER: _ClassVar[int]
    LAST_LSN_FIELD_NUMBER: _ClassVar[int]
    pg: int
    scl: int
    headers: _containers.RepeatedCompositeFieldContainer[RecordHeader]
    last_lsn: int
    def __init__(self, pg: _Optional[int] = ..., scl: _Optional[int] = ..., headers: _Optional[_Iterable[_Union[RecordHeader, _Mapping]]] = ..., last_lsn: _Optional[int] = ...) -> None: ...

class SegmentStateRequest(_message.Message):
    __slots__ = ("volume", "fence_epoch", "writer_id", "pg_count")
    VOLUME_FIELD_NUMBER: _ClassVar[int]
    FENCE_EPOCH_FIELD_NUMBER: _ClassVar[int]
    WRITER_ID_FIELD_NUMBER: _ClassVar[int]
    PG_COUNT_FIELD_NUMBER: _ClassVar[int]
    volume: str
    fence_epoch: int
    writer_id: str
    pg_count: int
    def __init__(self, volume: _Optional[str] = ..., fence_epoch: _Optional[int] = ..., writer_id: _Optional[str] = ..., pg_count: _Optional[int] = ...) -> None: ...

class SegmentStateResponse(_message.Message):
    __slots__ = ("node", "epoch", "vdl_hint", "pg_count", "segments", "truncations", "rebuilding")
    NODE_FIELD_NUMBER: _ClassVar[int]
    EPOCH_FIELD_NUMBER: _ClassVar[int]
    VDL_HINT_FIELD_NUMBER: _ClassVar[int]
    PG_COUNT_FIELD_NUMBER: _ClassVar[int]
    SEGMENTS_FIELD_NUMBER: _ClassVar[int]
    TRUNCATIONS_FIELD_NUMBER: _ClassVar[int]
    REBUILDING_FIELD_NUMBER: _ClassVar[int]
    node: str
    epoch: int
    vdl_hint: int
    pg_count: int
    segments: _containers.RepeatedCompositeFieldContainer[SegmentState]
    truncations: _containers.RepeatedCompositeFieldContainer[Truncation]
    rebuilding: bool
    def __init__(self, node: _Optional[str] = ..., epoch: _Optional[int] = ..., vdl_hint: _Optional[int] = ..., pg_count: _Optional[int] = ..., segments: _Optional[_Iterable[_Union[SegmentState, _Mapping]]] = ..., truncations: _Optional[_Iterable[_Union[Truncation, _Mapping]]] = ..., rebuilding: _Optional[bool] = ...) -> None: ...

class TruncateRequest(_message.Message):
    __slots__ = ("volume", "epoch", "writer_id", "above_lsn", "pg_count", "truncations")
    VOLUME_FIELD_NUMBER: _ClassVar[int]
    EPOCH_FIELD_NUMBER: _ClassVar[int]
    WRITER_ID_FIELD_NUMBER: _ClassVar[int]
    ABOVE_LSN_FIELD_NUMBER: _ClassVar[int]
    PG_COUNT_FIELD_NUMBER: _ClassVar[int]
    TRUNCATIONS_FIELD_NUMBER: _ClassVar[int]
    volume: str
    epoch: int
    writer_id: str
    above_lsn: int
    pg_count: int
    truncations: _containers.RepeatedCompositeFieldContainer[Truncation]
    def __init__(self, volume: _Optional[str] = ..., epoch: _Optional[int] = ..., writer_id: _Optional[str] = ..., above_lsn: _Optional[int] = ..., pg_count: _Optional[int] = ..., truncations: _Optional[_Iterable[_Union[Truncation, _Mapping]]] = ...) -> None: ...

class TruncateResponse(_message.Message):
    __slots__ = ("node", "segments")
    NODE_FIELD_NUMBER: _ClassVar[int]
    SEGMENTS_FIELD_NUMBER: _ClassVar[int]
    node: str
    segments: _containers.RepeatedCompositeFieldContainer[SegmentState]
    def __init__(self, node: _Optional[str] = ..., segments: _Optional[_Iterable[_Union[SegmentState, _Mapping]]] = ...) -> None: ...

class FetchRange(_message.Message):
    __slots__ = ("pg", "after_lsn", "up_to_lsn")
    PG_FIELD_NUMBER: _ClassVar[int]
    AFTER_LSN_FIELD_NUMBER: _ClassVar[int]
    UP_TO_LSN_FIELD_NUMBER: _ClassVar[int]
    pg: int
    after_lsn: int
    up_to_lsn: int
    def __init__(self, pg: _Optional[int] = ..., after_lsn: _Optional[int] = ..., up_to_lsn: _Optional[int] = ...) -> None: ...

class FetchRequest(_message.Message):
    __slots__ = ("volume", "ranges", "max_records", "max_bytes", "from_node", "include_unlisted", "durable_only", "range_pgs", "range_after_lsns", "range_up_to_lsns")
    VOLUME_FIELD_NUMBER: _ClassVar[int]
    RANGES_FIELD_NUMBER: _ClassVar[int]
    MAX_RECORDS_FIELD_NUMBER: _ClassVar[int]
    MAX_BYTES_FIELD_NUMBER: _ClassVar[int]
    FROM_NODE_FIELD_NUMBER: _ClassVar[int]
    INCLUDE_UNLISTED_FIELD_NUMBER: _ClassVar[int]
    DURABLE_ONLY_FIELD_NUMBER: _ClassVar[int]
    RANGE_PGS_FIELD_NUMBER: _ClassVar[int]
    RANGE_AFTER_LSNS_FIELD_NUMBER: _ClassVar[int]
    RANGE_UP_TO_LSNS_FIELD_NUMBER: _ClassVar[int]
    volume: str
    ranges: _containers.RepeatedCompositeFieldContainer[FetchRange]
    max_records: int
    max_bytes: int
    from_node: str
    include_unlisted: bool
    durable_only: bool
    range_pgs: _containers.RepeatedScalarFieldContainer[int]
    range_after_lsns: _containers.RepeatedScalarFieldContainer[int]
    range_up_to_lsns: _containers.RepeatedScalarFieldContainer[int]
    def __init__(self, volume: _Optional[str] = ..., ranges: _Optional[_Iterable[_Union[FetchRange, _Mapping]]] = ..., max_records: _Optional[int] = ..., max_bytes: _Optional[int] = ..., from_node: _Optional[str] = ..., include_unlisted: _Optional[bool] = ..., durable_only: _Optional[bool] = ..., range_pgs: _Optional[_Iterable[int]] = ..., range_after_lsns: _Optional[_Iterable[int]] = ..., range_up_to_lsns: _Optional[_Iterable[int]] = ...) -> None: ...

class FetchResponse(_message.Message):
    __slots__ = ("records", "epoch", "truncations", "scls", "vdl_hint", "pg_count", "applied_epoch", "packed_ranges_read", "trimmed_pgs", "trimmed_lsns", "clone_parent", "clone_fork_lsn", "holds_nothing", "rebuilding", "highest_lsn", "cut")
    RECORDS_FIELD_NUMBER: _ClassVar[int]
    EPOCH_FIELD_NUMBER: _ClassVar[int]
    TRUNCATIONS_FIELD_NUMBER: _ClassVar[int]
    SCLS_FIELD_NUMBER: _ClassVar[int]
    VDL_HINT_FIELD_NUMBER: _ClassVar[int]
    PG_COUNT_FIELD_NUMBER: _ClassVar[int]
    APPLIED_EPOCH_FIELD_NUMBER: _ClassVar[int]
    PACKED_RANGES_READ_FIELD_NUMBER: _ClassVar[int]
    TRIMMED_PGS_FIELD_NUMBER: _ClassVar[int]
    TRIMMED_LSNS_FIELD_NUMBER: _ClassVar[int]
    CLONE_PARENT_FIELD_NUMBER: _ClassVar[int]
    CLONE_FORK_LSN_FIELD_NUMBER: _ClassVar[int]
    HOLDS_NOTHING_FIELD_NUMBER: _ClassVar[int]
    REBUILDING_FIELD_NUMBER: _ClassVar[int]
    HIGHEST_LSN_FIELD_NUMBER: _ClassVar[int]
    CUT_FIELD_NUMBER: _ClassVar[int]
    records: _containers.RepeatedScalarFieldContainer[bytes]
    epoch: int
    truncations: _containers.RepeatedCompositeFieldContainer[Truncation]
    scls: _containers.RepeatedCompositeFieldContainer[SegmentScl]
    vdl_hint: int
    pg_count: int
    applied_epoch: int
    packed_ranges_read: int
    trimmed_pgs: _containers.RepeatedScalarFieldContainer[int]
    trimmed_lsns: _containers.RepeatedScalarFieldContainer[int]
    clone_parent: str
    clone_fork_lsn: int
    holds_nothing: bool
    rebuilding: bool
    highest_lsn: int
    cut: bool
    def __init__(self, records: _Optional[_Iterable[bytes]] = ..., epoch: _Optional[int] = ..., truncations: _Optional[_Iterable[_Union[Truncation, _Mapping]]] = ..., scls: _Optional[_Iterable[_Union[SegmentScl, _Mapping]]] = ..., vdl_hint: _Optional[int] = ..., pg_count: _Optional[int] = ..., applied_epoch: _Optional[int] = ..., packed_ranges_read: _Optional[int] = ..., trimmed_pgs: _Optional[_Iterable[int]] = ..., trimmed_lsns: _Optional[_Iterable[int]] = ..., clone_parent: _Optional[str] = ..., clone_fork_lsn: _Optional[int] = ..., holds_nothing: _Optional[bool] = ..., rebuilding: _Optional[bool] = ..., highest_lsn: _Optional[int] = ..., cut: _Optional[bool] = ...) -> None: ...

class CopySegmentRequest(_message.Message):
    __slots__ = ("volume", "pg")
    VOLUME_FIELD_NUMBER: _ClassVar[int]
    PG_FIELD_NUMBER: _ClassVar[int]
    volume: str
    pg: int
    def __init__(self, volume: _Optional[str] = ..., pg: _Optional[int] = ...) -> None: ...

class PageVersionCopy(_message.Message):
    __slots__ = ("page", "lsn", "version")
    PAGE_FIELD_NUMBER: _ClassVar[int]
    LSN_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    page: int
    lsn: int
    version: bytes
    def __init__(self, page: _Optional[int] = ..., lsn: _Optional[int] = ..., version: _Optional[bytes] = ...) -> None: ...

class CopySegmentResponse(_message.Message):
    __slots__ = ("scl", "trimmed_lsn", "materialized_lsn", "gc_horizon_lsn", "applied_epoch", "versions", "records")
    SCL_FIELD_NUMBER: _ClassVar[int]
    TRIMMED_LSN_FIELD_NUMBER: _ClassVar[int]
    MATERIALIZED_LSN_FIELD_NUMBER: _ClassVar[int]
    GC_HORIZON_LSN_FIELD_NUMBER: _ClassVar[int]
    APPLIED_EPOCH_FIELD_NUMBER: _ClassVar[int]
    VERSIONS_FIELD_NUMBER: _ClassVar[int]
    RECORDS_FIELD_NUMBER: _ClassVar[int]
    scl: int
    trimmed_lsn: int
    materialized_lsn: int
    gc_horizon_lsn: int
    applied_epoch: int
    versions: _containers.RepeatedCompositeFieldContainer[PageVersionCopy]
    records: _containers.RepeatedScalarFieldContainer[bytes]
    def __init__(self, scl: _Optional[int] = ..., trimmed_lsn: _Optional[int] = ..., materialized_lsn: _Optional[int] = ..., gc_horizon_lsn: _Optional[int] = ..., applied_epoch: _Optional[int] = ..., versions: _Optional[_Iterable[_Union[PageVersionCopy, _Mapping]]] = ..., records: _Optional[_Iterable[bytes]] = ...) -> None: ...

class HealthRequest(_message.Message):
    __slots__ = ("volume",)
    VOLUME_FIELD_NUMBER: _ClassVar[int]
    volume: str
    def __init__(self, volume: _Optional[str] = ...) -> None: ...

class HealthResponse(_message.Message):
    __slots__ = ("node", "az", "epoch", "vdl_hint", "min_read_lsn", "gc_horizon_lsn", "scls", "records_count", "versions_count", "checksum_failures_count", "repairs_count", "gossip_records_count", "rebuilding", "rebuild_target_lsn")
    NODE_FIELD_NUMBER: _ClassVar[int]
    AZ_FIELD_NUMBER: _ClassVar[int]
    EPOCH_FIELD_NUMBER: _ClassVar[int]
    VDL_HINT_FIELD_NUMBER: _ClassVar[int]
    MIN_READ_LSN_FIELD_NUMBER: _ClassVar[int]
    GC_HORIZON_LSN_FIELD_NUMBER: _ClassVar[int]
    SCLS_FIELD_NUMBER: _ClassVar[int]
    RECORDS_COUNT_FIELD_NUMBER: _ClassVar[int]
    VERSIONS_COUNT_FIELD_NUMBER: _ClassVar[int]
    CHECKSUM_FAILURES_COUNT_FIELD_NUMBER: _ClassVar[int]
    REPAIRS_COUNT_FIELD_NUMBER: _ClassVar[int]
    GOSSIP_RECORDS_COUNT_FIELD_NUMBER: _ClassVar[int]
    REBUILDING_FIELD_NUMBER: _ClassVar[int]
    REBUILD_TARGET_LSN_FIELD_NUMBER: _ClassVar[int]
    node: str
    az: str
    epoch: int
    vdl_hint: int
    min_read_lsn: int
    gc_horizon_lsn: int
    scls: _containers.RepeatedCompositeFieldContainer[SegmentScl]
    records_count: int
    versions_count: int
    checksum_failures_count: int
    repairs_count: int
    gossip_records_count: int
    rebuilding: bool
    rebuild_target_lsn: int
    def __init__(self, node: _Optional[str] = ..., az: _Optional[str] = ..., epoch: _Optional[int] = ..., vdl_hint: _Optional[int] = ..., min_read_lsn: _Optional[int] = ..., gc_horizon_lsn: _Optional[int] = ..., scls: _Optional[_Iterable[_Union[SegmentScl, _Mapping]]] = ..., records_count: _Optional[int] = ..., versions_count: _Optional[int] = ..., checksum_failures_count: _Optional[int] = ..., repairs_count: _Optional[int] = ..., gossip_records_count: _Optional[int] = ..., rebuilding: _Optional[bool] = ..., rebuild_target_lsn: _Optional[int] = ...) -> None: ...

class CloneRequest(_message.Message):
    __slots__ = ("parent", "clone", "fork_lsn", "pg_count")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    CLONE_FIELD_NUMBER: _ClassVar[int]
    FORK_LSN_FIELD_NUMBER: _ClassVar[int]
    PG_COUNT_FIELD_NUMBER: _ClassVar[int]
    parent: str
    clone: str
    fork_lsn: int
    pg_count: int
    def __init__(self, parent: _Optional[str] = ..., clone: _Optional[str] = ..., fork_lsn: _Optional[int] = ..., pg_count: _Optional[int] = ...) -> None: ...

class CloneResponse(_message.Message):
    __slots__ = ("node",)
    NODE_FIELD_NUMBER: _ClassVar[int]
    node: str
    def __init__(self, node: _Optional[str] = ...) -> None: ...

class DropVolumeRequest(_message.Message):
    __slots__ = ("volume",)
    VOLUME_FIELD_NUMBER: _ClassVar[int]
    volume: str
    def __init__(self, volume: _Optional[str] = ...) -> None: ...

class DropVolumeResponse(_message.Message):
    __slots__ = ("node",)
    NODE_FIELD_NUMBER: _ClassVar[int]
    node: str
    def __init__(self, node: _Optional[str] = ...) -> None: ...
