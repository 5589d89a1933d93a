"""Continuous backup, the pure part (sixfold/core/backup.py) and the object formats.

* coverage: `contiguous_end` is how far ranges reach from 0 without a hole, against a
  brute-force model; `first_gap` names the first hole;
* `CommitIndex.restore_point` lands on the last commit at or before the time (or LSN),
  never past the restorable LSN, and refuses points outside the window;
* `BackupOwnership` (hypothesis state machine): nodes of one PG, some of them stopped,
  pass after pass. Always: a running first-ranked node ships; a stopped one is taken
  over within rank x takeover time by the next running node; while the first-ranked
  node runs and keeps shipping, no one else ships (each record goes once);
* blocks and JSON objects: a flipped byte or a cut is reported by the object's key; a
  header read alone (`backup status` without --verify) names a damaged header.
* a spec refuses an `image_log_ratio` that is not a positive number.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from sixfold.backup.catalog import Catalog, decode_block, decode_json, encode_block, encode_json, read_header
from sixfold.backup.objects import DirObjectStore, MissingObject
from sixfold.core.backup import (
    BackupOwnership, CommitIndex, backup_rank, contiguous_end, covered_by_pg, first_gap, pg_restorable_floor, prune_plan,
    restorable_lsn,
)
from sixfold.errors import CorruptBackupObject

RANGES = st.lists(st.tuples(st.integers(0, 60), st.integers(1, 20)).map(lambda t: (t[0], t[0] + t[1])), max_size=8)


@given(RANGES)
def test_contiguous_end_matches_a_brute_force_model(ranges):
    covered = set()
    for s, e in ranges:
        covered.update(range(s + 1, e + 1))
    reach = 0
    while reach + 1 in covered:
        reach += 1
    assert contiguous_end(ranges) == reach
    gap = first_gap(ranges, 100)
    if reach >= 100:
        assert gap is None
    else:
        assert gap[0] == reach and gap[1] > reach and reach + 1 not in covered


def test_restorable_lsn_is_the_least_pg_coverage():
    assert restorable_lsn(2, {0: [(0, 10), (10, 30)], 1: [(0, 12)]}) == 12
    assert restorable_lsn(3, {0: [(0, 10)], 1: [(0, 12)]}) == 0  # PG 2 not shipped at all
    assert restorable_lsn(0, {}) == 0


CPLS = [(3, 100), (7, 200), (9, 200), (15, 350), (20, 400)]


@given(st.integers(50, 500), st.integers(0, 25))
def test_restore_point_is_the_last_commit_at_or_before(t, restorable):
    idx = CommitIndex(CPLS)
    window = idx.window(restorable)
    if window is None:
        assert restorable < 3
        with pytest.raises(ValueError):
            idx.restore_point(restorable, to_time_us=t)
        return
    earliest, latest = window
    if not earliest.commit_ts_us <= t <= latest.commit_ts_us:
        with pytest.raises(ValueError, match="outside the restorable window"):
            idx.restore_point(restorable, to_time_us=t)
        return
    p = idx.restore_point(restorable, to_time_us=t)
    assert p.lsn <= restorable and p.commit_ts_us <= t
    later = [c for c in CPLS if c[0] > p.lsn and c[0] <= restorable]
    assert all(ts > t for _l, ts in later), "a commit at or before T was left out"


def test_restore_point_by_lsn_lands_on_a_commit():
    idx = CommitIndex(CPLS)
    assert idx.restore_point(20, to_lsn=14).lsn == 9
    assert idx.restore_point(20, to_lsn=20).lsn == 20
    with pytest.raises(ValueError):
        idx.restore_point(16, to_lsn=20)


def test_a_clock_that_stepped_back_does_not_reorder_commits():
    idx = CommitIndex([(1, 100), (2, 90), (3, 120)])
    assert [c[1] for c in idx.cpls] == [100, 100, 120]
    assert idx.restore_point(3, to_time_us=100).lsn == 2
    assert idx.restore_point(3, to_time_us=119).lsn == 2
    assert idx.restore_point(3, to_time_us=120).lsn == 3


def test_ranks_rotate_over_the_pgs():
    segs = tuple(f"n{i}" for i in range(6))
    firsts = [next(n for n in segs if backup_rank(segs, pg, n) == 0) for pg in range(12)]
    assert sorted(set(firsts)) == sorted(segs)
    for pg in range(12):
        assert sorted(backup_rank(segs, pg, n) for n in segs) == list(range(6))


SEGS = tuple(f"n{i}" for i in range(6))
PG = 4
TAKEOVER_S = 5.0


class OwnershipMachine(RuleBasedStateMachine):
    """Six nodes of one PG run `owns` every pass; the ones that own it ship up to the
    durable LSN. Nodes stop and start (a started node begins with fresh state; what was
    shipped stays in the object store)."""

    def __init__(self):
        super().__init__()
        self.nodes = {n: BackupOwnership(n, TAKEOVER_S) for n in SEGS}
        self.running = set(SEGS)
        self.started = {n: 0.0 for n in SEGS}
        self.claims: dict[str, dict[int, int]] = {n: {} for n in SEGS}
        self.now = 0.0
        self.durable = 0
        self.stalled_since: float | None = None  # since when the PG lags with nobody shipping
        self.prev_shippers: list[str] = []
        self.lagged_last_pass = False
        self.by_rank = sorted(SEGS, key=lambda n: backup_rank(SEGS, PG, n))
        self.passes = 0

    @rule(node=st.sampled_from(SEGS))
    def stop(self, node):
        self.running.discard(node)

    @rule(node=st.sampled_from(SEGS))
    def start(self, node):
        if node not in self.running:
            self.running.add(node)
            self.nodes[node] = BackupOwnership(node, TAKEOVER_S)
            self.started[node] = self.now

    @rule(dt=st.floats(0.5, 3.0), writes=st.integers(0, 5))
    def a_pass(self, dt, writes):
        self.now += dt
        self.durable += writes
        # As the storage node calls it (the coverage computed once per pass), and for odd
        # passes without it (owns computes it).
        self.passes += 1
        given_covered = covered_by_pg(self.claims).get(PG, 0) if self.passes % 2 == 0 else None
        shippers = [n for n in sorted(self.running)
                    if self.nodes[n].owns(PG, SEGS, self.claims, self.durable, self.now, given_covered)]
        covered = max((c.get(PG, 0) for c in self.claims.values()), default=0)
        first = self.by_rank[0]
        if covered < self.durable and first in self.running:
            assert first in shippers, "the first-ranked node runs and does not ship"
        if first in self.running and (first in self.prev_shippers or not self.lagged_last_pass) \
                and self.started[first] < self.now - dt:
            # It ran last pass and either shipped or had nothing to ship: it keeps up, so
            # no standby ships too (every record goes once).
            assert shippers in ([], [first]), shippers
        self.lagged_last_pass = covered < self.durable
        if shippers or covered >= self.durable:
            self.stalled_since = None
        elif self.stalled_since is None:
            self.stalled_since = self.now
        if self.stalled_since is not None and self.running:
            # Nobody ships a lagging PG: some running node must take over by its deadline
            # (rank x takeover after the stall began or after it started), plus a pass.
            deadline = min(max(self.stalled_since, self.started[n]) + backup_rank(SEGS, PG, n) * TAKEOVER_S
                           for n in self.running)
            assert self.now <= deadline + 3.0, "a lagging PG was left without a shipper"
        for n in shippers:
            self.claims[n][PG] = self.durable
        self.prev_shippers = shippers

    @invariant()
    def claims_never_exceed_durable(self):
        assert all(c.get(PG, 0) <= self.durable for c in self.claims.values())


TestOwnership = OwnershipMachine.TestCase
TestOwnership.settings = settings(max_examples=150, stateful_step_count=60, deadline=None)


def test_block_round_trip_and_corruption_is_named():
    header = {"pgs": {"0": [0, 9]}, "cpls": [[9, 5]], "records": 2, "pg_count": 1}
    data = encode_block(header, [b"one", b"two!"])
    h, recs = decode_block("v/log/x.blk", data)
    assert h == header and recs == [b"one", b"two!"]
    for pos in (0, 8, len(data) // 2, len(data) - 1):
        bad = bytearray(data)
        bad[pos] ^= 0x40
        with pytest.raises(CorruptBackupObject, match="v/log/x.blk"):
            decode_block("v/log/x.blk", bytes(bad))
    with pytest.raises(CorruptBackupObject, match="truncated|checksum"):
        decode_block("v/log/x.blk", data[:-5])


@pytest.mark.parametrize("header_pgs", [1, 20_000], ids=["small-header", "header-past-the-first-read"])
def test_a_header_is_read_without_the_block_and_damage_to_it_is_named(tmp_path, header_pgs):
    store = DirObjectStore(tmp_path / "b")
    header = {"pgs": {str(pg): [0, 9] for pg in range(header_pgs)}, "cpls": [[9, 5]], "records": 2,
              "pg_count": header_pgs}
    data = encode_block(header, [b"r" * 100_000, b"two!"])
    store.put("v/log/x.blk", data)
    assert read_header(store, "v/log/x.blk") == (header, len(data))
    assert Catalog.load(store, "v", verify=False).blocks == [("v/log/x.blk", header)]
    # A byte flipped in the records: the header read does not see it; a verifying load does.
    bad = bytearray(data)
    bad[-1000] ^= 0x40
    store.put("v/log/x.blk", bytes(bad))
    assert read_header(store, "v/log/x.blk")[0] == header
    assert [e.key for e in Catalog.load(store, "v").corrupt] == ["v/log/x.blk"]
    for damaged in (data[:20], b"XXXX" + data[4:], data[:5] + b"\xff\xff\xff\x7f" + data[9:]):
        store.put("v/log/x.blk", damaged)
        with pytest.raises(CorruptBackupObject, match="v/log/x.blk"):
            read_header(store, "v/log/x.blk")
        assert [e.key for e in Catalog.load(store, "v", verify=False).corrupt] == ["v/log/x.blk"]


def test_json_objects_carry_a_checksum():
    data = encode_json({"pgs": {"1": 5}})
    assert decode_json("k", data) == {"pgs": {"1": 5}}
    with pytest.raises(CorruptBackupObject, match="k: SHA-256"):
        decode_json("k", data.replace(b'"1": 5', b'"1": 6'))


def test_dir_store_put_get_list_delete(tmp_path):
    s = DirObjectStore(tmp_path / "b")
    s.put("v/log/2.blk", b"b")
    s.put("v/log/1.blk", b"a")
    s.put("v/progress/n.json", b"{}")
    assert s.list("v/log/") == ["v/log/1.blk", "v/log/2.blk"]
    assert s.get("v/log/1.blk") == b"a"
    s.delete("v/log/1.blk")
    with pytest.raises(MissingObject):
        s.get("v/log/1.blk")
    assert s.list("w/") == []
    with pytest.raises(Exception, match="bad object key"):
        s.put("../x", b"")


def test_restore_checker_catches_lost_future_and_unbalanced_transfers():
    from sixfold.checkers.restore import check_restored_bank
    from sixfold.workloads.base import History

    h = History()
    ops = []
    for i, (start, end, outcome) in enumerate([(1.0, 1.5, "ok"), (2.0, 2.5, "ok"), (2.8, 3.5, "ok"),
                                               (2.9, None, "info"), (4.0, 4.2, "ok")]):
        op = h.invoke(0, [("transfer", 0, 1, 5, 100 + i)])
        op.start = start
        h.complete(op, outcome, op.value) if outcome == "ok" else h.info(op, "08007")
        op.end = end
        ops.append(op)
    balances = lambda n: {0: 100 - 5 * n, 1: 100 + 5 * n}  # noqa: E731
    rows = lambda tids: [(t, 0, 1, 5) for t in tids]  # noqa: E731
    # At T=3.0: 100 and 101 must be there; 102 and 103 (in flight) may be; 104 must not.
    for tids in ([100, 101], [100, 101, 102], [100, 101, 102, 103]):
        assert check_restored_bank(h, 0.0, 3.0, rows(tids), balances(len(tids)), 2, 100).valid, tids
    r = check_restored_bank(h, 0.0, 3.0, rows([100]), balances(1), 2, 100)
    assert list(r.anomalies) == ["lost-transfer"]
    r = check_restored_bank(h, 0.0, 3.0, rows([100, 101, 104]), balances(3), 2, 100)
    assert list(r.anomalies) == ["future-transfer"]
    r = check_restored_bank(h, 0.0, 3.0, rows([100, 101]), {0: 90, 1: 109}, 2, 100)
    assert set(r.anomalies) == {"wrong-total", "wrong-balances"}
    # The wall offset shifts every op: at offset 10, T=13.0 is the same instant.
    assert check_restored_bank(h, 10.0, 13.0, rows([100, 101]), balances(2), 2, 100).valid


@pytest.mark.parametrize("ratio", [0, -1, "1", True, None])
def test_a_spec_refuses_an_image_log_ratio_that_is_not_a_positive_number(ratio):
    from sixfold.spec import local_spec

    spec = local_spec(7000)
    assert spec.replace(backup={"kind": "dir", "path": "/b", "image_log_ratio": 0.5}).backup["image_log_ratio"] == 0.5
    with pytest.raises(ValueError, match="image_log_ratio"):
        spec.replace(backup={"kind": "dir", "path": "/b", "image_log_ratio": ratio})


@given(st.dictionaries(st.sampled_from(["a", "b", "c"]),
                       st.dictionaries(st.integers(0, 20), st.integers(0, 100), max_size=10), max_size=3))
def test_covered_by_pg_is_the_highest_claim_of_each_pg(claims):
    covered = covered_by_pg(claims)
    for pg in range(21):
        assert covered.get(pg, 0) == max((c.get(pg, 0) for c in claims.values()), default=0)


class _ReferenceOwnership:
    """`BackupOwnership.owns` written plainly from `backup_rank` (the storage node's is
    inlined for speed): the two must agree call for call."""

    def __init__(self, node: str, takeover_s: float):
        self.node, self.takeover_s, self.watch = node, takeover_s, {}

    def owns(self, pg, segments, claims, durable, now):
        rank = backup_rank(segments, pg, self.node)
        covered = max((c.get(pg, 0) for c in claims.values()), default=0)
        if rank == 0:
            return covered < durable
        lower = [n for n in segments if backup_rank(segments, pg, n) < rank]
        claim = max((claims.get(n, {}).get(pg, 0) for n in lower), default=0)
        w = self.watch.get(pg)
        if w is None or claim > w[0] or covered >= durable:
            self.watch[pg] = (claim, now)
            return False
        return now - w[1] >= rank * self.takeover_s


@settings(max_examples=100, deadline=None)
@given(st.permutations(SEGS), st.lists(st.tuples(st.integers(0, 5), st.sampled_from(SEGS), st.integers(0, 2),
                                                 st.floats(0, 4)), max_size=80))
def test_owns_agrees_with_its_plain_definition(segments, steps):
    segments = tuple(segments)
    node = segments[2]
    fast, ref = BackupOwnership(node, 1.0), _ReferenceOwnership(node, 1.0)  # stalls outlast it often
    claims: dict[str, dict[int, int]] = {n: {} for n in segments}
    now, durable = 0.0, 5
    for pg, claimer, advance, dt in steps:
        now += dt
        durable += advance
        claims[claimer][pg] = min(durable, claims[claimer].get(pg, 0) + advance)
        assert fast.owns(pg, segments, claims, durable, now) == ref.owns(pg, segments, claims, durable, now)


@st.composite
def _backup_histories(draw):
    """Passes of a backup: each ships every PG's range up to the pass's durable point,
    in one block or one block per PG, and some PGs' images at that point."""
    pg_count = draw(st.integers(1, 3))
    passes = draw(st.integers(1, 12))
    blocks, images, ends, prev = [], {}, [], {pg: 0 for pg in range(pg_count)}
    durable = 0
    for i in range(passes):
        durable += draw(st.integers(1, 5))
        ends.append(durable)
        ranges = {pg: (prev[pg], durable) for pg in range(pg_count)}
        if draw(st.booleans()):
            blocks.append((f"b{i}", ranges))
        else:
            blocks += [(f"b{i}-{pg}", {pg: r}) for pg, r in ranges.items()]
        prev = {pg: durable for pg in range(pg_count)}
        for pg in range(pg_count):
            if draw(st.integers(0, 3)) == 0:
                images.setdefault(pg, []).append((durable, f"i{pg}-{i}"))
    floor_i = draw(st.integers(0, passes - 1))
    snaps = draw(st.lists(st.sampled_from(ends), max_size=3))
    return pg_count, blocks, images, ends, floor_i, snaps


@settings(max_examples=300, deadline=None)
@given(_backup_histories())
def test_pruning_keeps_every_point_from_the_floor_and_every_snapshot_restorable(history):
    pg_count, blocks, images, ends, floor_i, snaps = history
    floor = ends[floor_i]
    gone = set(prune_plan(blocks, images, floor, snaps))
    kept_blocks = [(k, r) for k, r in blocks if k not in gone]
    kept_images = {pg: [(lsn, k) for lsn, k in imgs if k not in gone] for pg, imgs in images.items()}
    for point in ends[floor_i:] + snaps:
        for pg in range(pg_count):
            base = max((lsn for lsn, _k in kept_images.get(pg, []) if lsn <= point), default=0)
            ranges = [(0, base)] + [r[pg] for _k, r in kept_blocks if pg in r]
            assert contiguous_end(ranges) >= point, (point, pg, sorted(gone))
    # Not vacuous: once every PG has an image after the first pass and at or below the
    # floor, the first pass's objects go (when no snapshot predates them).
    imaged = all(any(ends[0] < lsn <= floor for lsn, _k in images.get(pg, [])) for pg in range(pg_count))
    if imaged and not snaps:
        assert {k for k, r in blocks if all(e <= ends[0] for _s, e in r.values())} <= gone


@given(st.lists(st.integers(0, 30), max_size=4), RANGES, st.integers(0, 30))
def test_pg_restorable_floor_matches_a_brute_force_model(images, ranges, top):
    def restorable(p):
        base = max((i for i in images if i <= p), default=0)
        return contiguous_end([(0, base)] + ranges) >= p

    expected = top + 1
    while expected > 0 and restorable(expected - 1):
        expected -= 1
    assert pg_restorable_floor(images, ranges, top) == expected
