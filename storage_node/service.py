"""The StorageNode gRPC service: translates requests into NodeVolume calls and
Sixfold errors into gRPC statuses."""

from __future__ import annotations

import asyncio
import logging

import grpc

from sixfold.errors import EpochUnknown, InvalidMessage, SegmentBehind, SixfoldError, StaleEpoch
from sixfold.rpc import storage_pb2 as pb
from sixfold.rpc import storage_pb2_grpc as pb_grpc
from storage_node import segment_copy
from storage_node.node import StorageNode

log = logging.getLogger("sixfold.storage.service")



def truncations_pb(truncs: dict[int, int]) -> list[pb.Truncation]:
    return [pb.Truncation(epoch=e, above_lsn=t) for e, t in sorted(truncs.items())]


def truncations_from_pb(items) -> dict[int, int]:
    return {t.epoch: t.above_lsn for t in items}


async def _abort(context, err: SixfoldError):
    await context.abort(getattr(grpc.StatusCode, err.grpc_status), f"{type(err).__name__}: {err}")


class StorageService(pb_grpc.StorageNodeServicer):
    def __init__(self, node: StorageNode):
        self.node = node

    async def _volume(self, name: str, context):
        """The node's part of volume `name`; a volume dropped here (StaleEpoch) or a bad
        name (InvalidRecord) is the call's status, not an unhandled servicer error."""
        try:
            return self.node.volume(name)
        except SixfoldError as e:
            await _abort(context, e)  # raises

    async def Append(self, request_iterator, context):
        """One writer's append stream, one message at a time: check it, persist its
        records (inline when nothing else waits to be persisted), ack with the SCLs
        that moved. The writer keeps one record batch in flight per stream, so nothing
        is gained by reading ahead, and every hand-off between tasks costs a turn of
        the event loop per message."""
        reported: dict[int, int] = {}  # pg -> SCL this stream was last told
        refusal: SixfoldError | None = None
        try:
            async for req in request_iterator:
                try:
                    vol = self.node.volume(req.volume)
                    if vol.dropped:
                        raise StaleEpoch(f"volume {req.volume!r} was dropped")
                    if vol.unconfirmed or vol.lost_clone is not None:  # rare: one test per message
                        await self._admit(vol)
                    if req.truncations:
                        await vol.learn(truncations_from_pb(req.truncations))
                    if req.truncation_floor > vol.fence.applied_epoch and vol.holds_nothing():
                        await vol.adopt_floor(req.truncation_floor)
                    vol.fence.check_write(req.epoch)
                    vol.note_hints(req.vdl_hint, req.min_read_lsn, req.pg_count)
                    if req.truncation_floor > vol.fence.floor:
                        await vol.raise_floor(req.truncation_floor)
                    if req.records:
                        scls = await vol.persist_records(
                            [(vol.decode_for_segment(raw), raw) for raw in req.records], req.epoch)
                    else:
                        # A heartbeat: report every segment whose SCL moved since this stream
                        # last heard (gossip advances SCLs without any append).
                        scls = {pg: ch.scl for pg, ch in vol.chains.items() if reported.get(pg) != ch.scl}
                except SixfoldError as e:
                    refusal = e
                    break
                reported.update(scls)
                await context.write(pb.AppendAck(
                    batch_id=req.batch_id, scls=[pb.SegmentScl(pg=pg, scl=s) for pg, s in scls.items()],
                    applied_epoch=vol.fence.applied_epoch))
        except asyncio.CancelledError:
            raise
        except grpc.aio.AioRpcError:
            return  # the writer went away
        except Exception as e:  # a bug: refused as INTERNAL and logged, never a silent stop
            log.error("append stream failed", exc_info=e)
            refusal = SixfoldError(f"internal error: {e!r}")
        if refusal is not None:
            # Outside the handlers above: the abort unwinds this call with an exception of
            # its own, which must reach gRPC (or the simulator's transport) untouched.
            await self._refuse(context, refusal)

    async def _admit(self, vol) -> None:
        """A volume opened holding nothing asks its peers first (`confirm_volume`); a clone
        this node lost is not served."""
        if vol.unconfirmed:
            await self.node.confirm_volume(vol)
        vol.check_served()

    async def _refuse(self, context, err: SixfoldError):
        if isinstance(err, StaleEpoch):
            log.info("append refused: %s", err)
        else:
            log.warning("append refused: %s", err)
        await _abort(context, err)

    async def GetPage(self, request, context):
        vol = await self._volume(request.volume, context)
        try:
            if vol.unconfirmed or vol.lost_clone is not None:
                try:
                    await self._admit(vol)
                except EpochUnknown as e:
                    raise SegmentBehind(str(e)) from None
            r = vol.get_page(request.page, request.read_lsn, request.required_scl)
        except SixfoldError as e:
            await _abort(context, e)
        return pb.GetPageResponse(image=r.image, page_lsn=r.page_lsn, scl=r.scl)

    async def GetSegmentState(self, request, context):
        vol = await self._volume(request.volume, context)
        try:
            if vol.unconfirmed:
                # What it must rebuild decides whether recovery may count it; a node that
                # cannot tell yet answers as rebuilding.
                try:
                    await self.node.confirm_volume(vol)
                except EpochUnknown as e:
                    log.info("answering recovery as rebuilding: %s", e)
            vol.check_served()
            if request.fence_epoch:
                await vol.fence_epoch(request.fence_epoch, request.writer_id)
            segs = []
            for pg in sorted(vol.chains):
                scl, headers, last = vol.headers_for_recovery(pg)
                segs.append(pb.SegmentState(
                    pg=pg, scl=scl, last_lsn=last,
                    headers=[pb.RecordHeader(lsn=l, cpl=c, epoch=e) for l, c, e in headers]))
        except SixfoldError as e:
            await _abort(context, e)
        return pb.SegmentStateResponse(
            node=self.node.name, epoch=vol.fence.epoch, vdl_hint=vol.hints.vdl_hint,
            pg_count=max(request.pg_count, vol.hints.pg_count, max(vol.chains, default=-1) + 1), segments=segs,
            truncations=truncations_pb(vol.fence.truncations), rebuilding=vol.rebuilding)

    async def Truncate(self, request, context):
        vol = await self._volume(request.volume, context)
        try:
            vol.check_served()
            await vol.truncate(request.epoch, request.writer_id, request.above_lsn,
                               truncations_from_pb(request.truncations))
            vol.note_hints(request.above_lsn, 0, request.pg_count)
            await vol.flush_hints()
        except SixfoldError as e:
            await _abort(context, e)
        segs = [pb.SegmentState(pg=pg, scl=vol.scl(pg), last_lsn=vol.last_held(pg, request.above_lsn))
                for pg in sorted(vol.chains)]
        return pb.TruncateResponse(node=self.node.name, segments=segs)

    async def FetchRecords(self, request, context):
        vol = await self._volume(request.volume, context)
        ranges = [(r.pg, r.after_lsn, r.up_to_lsn) for r in request.ranges]
        scl_pgs = [pg for pg, _a, _u in ranges]
        packed = len(request.range_pgs)
        if packed:
            ups = request.range_up_to_lsns or [0] * packed
            if len(request.range_after_lsns) != packed or len(ups) != packed:
                await _abort(context, InvalidMessage(f"{packed} range_pgs but {len(request.range_after_lsns)} "
                                                     f"range_after_lsns and {len(ups)} range_up_to_lsns"))
            ranges += zip(request.range_pgs, request.range_after_lsns, ups)
        if request.include_unlisted and request.from_node in self.node.geometry.nodes:
            listed = {pg for pg, _a, _u in ranges}
            ranges += [(pg, 0, 0) for pg in sorted(vol.chains)
                       if pg not in listed and request.from_node in vol.geometry.segments(pg)]
        trimmed = [(pg, vol.trimmed[pg]) for pg, a, _u in ranges if vol.trimmed.get(pg, 0) > a]
        if request.durable_only:
            bound = vol.hints.vdl_hint
            ranges = [(pg, a, min(u, bound) if u else bound) for pg, a, u in ranges if a < bound]
        records, cut = vol.fetch(ranges, request.max_records or 1, request.max_bytes or 1)
        clone = vol.clone_of or vol.lost_clone
        return pb.FetchResponse(
            records=records, epoch=vol.fence.epoch, truncations=truncations_pb(vol.fence.truncations),
            scls=[pb.SegmentScl(pg=pg, scl=vol.scl(pg)) for pg in scl_pgs],
            vdl_hint=vol.hints.vdl_hint, pg_count=vol.hints.pg_count, applied_epoch=vol.fence.applied_epoch,
            packed_ranges_read=packed, trimmed_pgs=[pg for pg, _t in trimmed], trimmed_lsns=[t for _pg, t in trimmed],
            clone_parent=clone["parent"] if clone else "", clone_fork_lsn=clone["fork_lsn"] if clone else 0,
            holds_nothing=vol.holds_nothing(), rebuilding=vol.rebuild is not None, highest_lsn=vol.highest_lsn(),
            cut=cut)

    async def CopySegment(self, request, context):
        vol = await self._volume(request.volume, context)
        try:
            c = segment_copy.read_copy(vol, request.pg)
        except SixfoldError as e:
            await _abort(context, e)
        return segment_copy.copy_to_pb(c)

    async def CreateClone(self, request, context):
        try:
            await self.node.create_clone(request.parent, request.clone, request.fork_lsn, request.pg_count)
        except SixfoldError as e:
            await _abort(context, e)
        return pb.CloneResponse(node=self.node.name)

    async def DropVolume(self, request, context):
        try:
            await self.node.drop_volume(request.volume)
        except SixfoldError as e:
            await _abort(context, e)
        return pb.DropVolumeResponse(node=self.node.name)

    async def Health(self, request, context):
        vol = self.node.volume(request.volume, create=False)
        if vol is None:
            return pb.HealthResponse(node=self.node.name, az=self.node.az)
        c = vol.counters
        return pb.HealthResponse(
            node=self.node.name, az=self.node.az, epoch=vol.fence.epoch, vdl_hint=vol.hints.vdl_hint,
            min_read_lsn=vol.hints.min_read_lsn, gc_horizon_lsn=vol.hints.gc_horizon_lsn,
            scls=[pb.SegmentScl(pg=pg, scl=ch.scl) for pg, ch in sorted(vol.chains.items())],
            records_count=vol.store.count(vol.store.log), versions_count=vol.store.count(vol.store.versions),
            checksum_failures_count=c.checksum_failures, repairs_count=c.repairs,
            gossip_records_count=c.gossip_records, rebuilding=vol.rebuilding,
            rebuild_target_lsn=vol.rebuild.target if vol.rebuild else 0)
