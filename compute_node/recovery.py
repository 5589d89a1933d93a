"""Volume recovery, the I/O half: fence a read quorum at a new epoch, plan with
`sixfold.core.recovery`, truncate a write quorum above the new VDL, and collect what
the writer needs to resume (PG tails, segment SCLs, truncation history, records to
carry over). The time it takes depends on LAL, not on the length of the log."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field

import grpc

from sixfold.clock import monotonic_s
from sixfold.constants import (RECOVERY_ATTEMPTS_MAX, RECOVERY_RETRY_BACKOFF_MS, RECOVERY_RETRY_MS,
                               RECOVERY_STRAGGLER_GRACE_MS, RPC_TIMEOUT_MS, W_QUORUM_COUNT)
from sixfold.core.geometry import Geometry
from sixfold.core.quorum import has_write_quorum
from sixfold.core.recovery import RecordHeader, RecoveryPlan, SegmentReport, next_epoch, plan_recovery
from sixfold.core.segment_state import compact_history
from sixfold.errors import InvalidMessage, QuorumUnavailable, StaleEpoch
from sixfold.rpc import storage_pb2 as pb
from sixfold.rpc import storage_pb2_grpc as pb_grpc

log = logging.getLogger("sixfold.compute.recovery")


@dataclass
class Recovered:
    epoch: int
    vdl: int
    pg_count: int
    pg_tails: dict[int, int]
    known_scls: dict[tuple[int, str], int]  # (pg, node) -> SCL after truncation
    truncations: dict[int, int]
    carry_over: dict[int, tuple[int, bytes]]  # lsn -> (pg, encoded record), to re-replicate
    plan: RecoveryPlan
    phases_ms: dict[str, float] = field(default_factory=dict)  # where the time went


async def _gather(calls: dict[str, object]) -> dict[str, object]:
    """Await named calls; a failed one maps to its exception."""
    names = list(calls)
    results = await asyncio.gather(*calls.values(), return_exceptions=True)
    return dict(zip(names, results))


async def _gather_quorum(calls: dict[str, object], enough, grace_s: float) -> dict[str, object]:
    """Like `_gather`, but once the answers so far are `enough` (a predicate on the
    names that answered), the rest get `grace_s` more and are then given up (mapped to
    TimeoutError). A node cut off by a partition then costs the grace, not a whole RPC
    timeout: fencing needs a read quorum and truncation a write quorum, not everyone."""
    tasks = {asyncio.ensure_future(c): n for n, c in calls.items()}
    for t in tasks:  # a straggler given up may still fail later: nobody will look
        t.add_done_callback(lambda f: f.cancelled() or f.exception())
    results: dict[str, object] = {}
    pending = set(tasks)
    grace_until = None
    loop = asyncio.get_running_loop()
    while pending:
        wait_s = None if grace_until is None else max(0.0, grace_until - loop.time())
        done, pending = await asyncio.wait(pending, timeout=wait_s, return_when=asyncio.FIRST_COMPLETED)
        if not done:
            break
        for t in done:
            results[tasks[t]] = t.exception() if t.exception() is not None else t.result()
        answered = {n for n, r in results.items() if not isinstance(r, BaseException)}
        if grace_until is None and enough(answered):
            grace_until = loop.time() + grace_s
    for t in pending:
        t.cancel()
        results[tasks[t]] = TimeoutError(f"{tasks[t]} did not answer within the grace after a quorum did")
    return results


async def recover_volume(stubs: dict[str, pb_grpc.StorageNodeStub], geometry: Geometry, volume: str,
                         writer_id: str) -> Recovered:
    last_error: Exception | None = None
    phases: dict[str, float] = {}
    t = monotonic_s()

    def lap(name: str) -> None:
        nonlocal t
        now = monotonic_s()
        phases[name] = phases.get(name, 0.0) + (now - t) * 1000
        t = now

    placements = geometry.placements(geometry.placement_period)
    window = _RetryWindow()

    def write_quorum_everywhere(answered: set[str]) -> bool:
        return all(has_write_quorum(nodes, answered) for nodes in placements)

    for attempt in range(RECOVERY_ATTEMPTS_MAX):
        # 1. What epoch is the volume at, and how many PGs does it have? Whatever the answers
        # say about the volume's size, they must be a write quorum: a node that lost its disk
        # reports no PG at all, and a recovery planned from it alone would reuse an epoch and
        # truncate everything (a simulated power cut with only that node back did exactly that).
        probe = await _gather_quorum(
            {n: s.GetSegmentState(pb.SegmentStateRequest(volume=volume), timeout=window.rpc_timeout_s())
             for n, s in stubs.items()},
            write_quorum_everywhere, RECOVERY_STRAGGLER_GRACE_MS / 1000)
        alive = {n: r for n, r in probe.items() if not isinstance(r, Exception)}
        if not write_quorum_everywhere(set(alive)):
            last_error = QuorumUnavailable(
                f"recovery needs {W_QUORUM_COUNT} segments of every PG to answer; {len(alive)} of {len(stubs)} "
                f"nodes did ({', '.join(sorted(alive)) or 'none'}); the others: {_silent(probe, alive)}")
            if await window.again(str(last_error)):
                continue
            raise last_error
        epoch = next_epoch([r.epoch for r in alive.values()]
                           + [t.epoch for r in alive.values() for t in r.truncations])
        pg_count = max(r.pg_count for r in alive.values())
        lap("probe")
        # 2. Fence: from now on the previous writer cannot reach a write quorum anywhere.
        fenced = await _gather({n: stubs[n].GetSegmentState(pb.SegmentStateRequest(
            volume=volume, fence_epoch=epoch, writer_id=writer_id, pg_count=pg_count),
            timeout=window.rpc_timeout_s())
            for n in alive})
        ok = {n: r for n, r in fenced.items() if not isinstance(r, Exception)}
        refused = [r for r in fenced.values() if isinstance(r, grpc.aio.AioRpcError)
                   and r.code() == grpc.StatusCode.FAILED_PRECONDITION]
        if refused:
            last_error = StaleEpoch(f"another writer claimed epoch {epoch}: {refused[0].details()}")
            log.info("recovery attempt %d: %s; retrying with a newer epoch", attempt + 1, last_error)
            continue
        if not write_quorum_everywhere(set(ok)):
            last_error = QuorumUnavailable(f"fencing at epoch {epoch} reached {len(ok)} nodes: fewer than "
                                           f"{W_QUORUM_COUNT} segments of some PG ({_silent(fenced, ok)})")
            if await window.again(str(last_error)):
                continue
            raise last_error
        pg_count = max([pg_count] + [r.pg_count for r in ok.values()])
        lap("fence")
        history: dict[int, int] = {}
        for n, r in ok.items():
            for tr in r.truncations:
                if history.setdefault(tr.epoch, tr.above_lsn) != tr.above_lsn:
                    raise InvalidMessage(f"{n} reports epoch {tr.epoch} truncated above {tr.above_lsn}, "
                                         f"another node above {history[tr.epoch]}")
        reports = [SegmentReport(pg=s.pg, node=n, scl=s.scl, vdl_hint=r.vdl_hint,
                                 headers=tuple(RecordHeader(h.lsn, h.cpl, h.epoch) for h in s.headers))
                   for n, r in ok.items() for s in r.segments if n in geometry.segments(s.pg)]
        # A node reports only the segments holding records; having answered, it counts
        # toward the read quorum of every PG placed on it. A node that missed a recovery
        # may still report records it truncated: the merged history rules them out.
        plan = plan_recovery(pg_count, geometry.segments, reports, responders=set(ok),
                             placements=geometry.placements(pg_count), truncations=history,
                             responder_hint=max(r.vdl_hint for r in ok.values()),
                             rebuilding={n for n, r in ok.items() if r.rebuilding})
        history[epoch] = plan.vdl
        history = compact_history(history)
        lap("plan")
        # 3. Fetch the records to carry over before truncating anything.
        carry = await _fetch_carry_over(stubs, volume, plan)
        lap("fetch_carry_over")
        # 4. Truncate above VDL on a write quorum of every PG.
        trunc = await _gather({n: stubs[n].Truncate(pb.TruncateRequest(
            volume=volume, epoch=epoch, writer_id=writer_id, above_lsn=plan.vdl, pg_count=pg_count,
            truncations=[pb.Truncation(epoch=e, above_lsn=t) for e, t in sorted(history.items())]),
            timeout=window.rpc_timeout_s()) for n in ok})
        tok = {n: r for n, r in trunc.items() if not isinstance(r, Exception)}
        if any(isinstance(r, grpc.aio.AioRpcError) and r.code() == grpc.StatusCode.FAILED_PRECONDITION
               for r in trunc.values()):
            last_error = StaleEpoch(f"epoch {epoch} was taken over during recovery")
            continue
        short = [nodes for nodes in placements if not has_write_quorum(nodes, tok)]  # whatever pg_count said
        if short:
            got = sum(1 for n in short[0] if n in tok)
            last_error = QuorumUnavailable(f"truncation reached {got} of {W_QUORUM_COUNT} segments on "
                                           f"{sorted(short[0])}")
            if await window.again(str(last_error)):
                continue  # at a newer epoch: the nodes that truncated are fenced at this one
            raise last_error
        lap("truncate")
        tails: dict[int, int] = {}
        scls: dict[tuple[int, str], int] = {}
        for n, r in tok.items():
            for s in r.segments:
                tails[s.pg] = max(tails.get(s.pg, 0), s.last_lsn)
                scls[(s.pg, n)] = s.scl
        for lsn, (pg, _nodes, _epoch) in plan.carry_over.items():
            tails[pg] = max(tails.get(pg, 0), lsn)
        log.info("recovered volume %s at epoch %d: VDL %d (base %d, %d records carried over, %d PGs)",
                 volume, epoch, plan.vdl, plan.base, len(carry), pg_count)
        return Recovered(epoch, plan.vdl, pg_count, tails, scls, history, carry, plan, phases)
    raise last_error or QuorumUnavailable("recovery did not converge")


class _RetryWindow:
    """Recovery found fewer than a write quorum of some PG answering (its probe, its
    fence or its truncation): it starts over after a backoff (doubling to 1 s) for
    RECOVERY_RETRY_MS from the first shortfall, then gives up. Bounded: every wait ends
    within the window, a retry's RPCs get at most what is left of it, and the attempts
    are RECOVERY_ATTEMPTS_MAX."""

    def __init__(self) -> None:
        self.give_up_at: float | None = None
        self.backoff_s = RECOVERY_RETRY_BACKOFF_MS / 1000

    def rpc_timeout_s(self) -> float:
        if self.give_up_at is None:
            return RPC_TIMEOUT_MS / 1000
        return max(0.05, min(RPC_TIMEOUT_MS / 1000, self.give_up_at - monotonic_s()))

    async def again(self, why: str) -> bool:
        """Wait out the backoff and say True, or say False when the window is spent."""
        now = monotonic_s()
        if self.give_up_at is None:
            self.give_up_at = now + RECOVERY_RETRY_MS / 1000
        if now + self.backoff_s >= self.give_up_at:
            return False
        log.warning("recovery: %s; asking again in %d ms", why, self.backoff_s * 1000)
        await asyncio.sleep(self.backoff_s)
        self.backoff_s = min(2 * self.backoff_s, 1.0)
        return True


def _silent(results: dict[str, object], answered) -> str:
    """The nodes of `results` that did not answer, each with its gRPC status or error."""
    return "; ".join(f"{n}: {r.code().name} {r.details()}" if isinstance(r, grpc.aio.AioRpcError) else f"{n}: {r!r}"
                     for n, r in sorted(results.items()) if n not in answered)


async def _fetch_carry_over(stubs, volume: str, plan: RecoveryPlan) -> dict[int, tuple[int, bytes]]:
    from sixfold.core.records import decode_record

    out: dict[int, tuple[int, bytes]] = {}
    for lsn, (pg, nodes, _epoch) in sorted(plan.carry_over.items()):
        if lsn in out:
            continue
        for n in nodes:
            try:
                resp = await stubs[n].FetchRecords(pb.FetchRequest(
                    volume=volume, ranges=[pb.FetchRange(pg=pg, after_lsn=lsn - 1, up_to_lsn=plan.vdl)],
                    max_records=100_000, max_bytes=64 << 20), timeout=RPC_TIMEOUT_MS / 1000)
            except grpc.aio.AioRpcError:
                continue
            for raw in resp.records:
                rec = decode_record(raw)
                want = plan.carry_over.get(rec.lsn)
                if want is not None and want[0] == rec.pg and want[2] == rec.epoch:
                    out.setdefault(rec.lsn, (rec.pg, bytes(raw)))
            if lsn in out:
                break
        if lsn not in out:
            raise QuorumUnavailable(f"record {lsn} of PG {pg} could not be read back for recovery")
    return out
