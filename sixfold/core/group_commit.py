"""Group commit: when the writer's links may send the newest records.

The writer runs one write transaction at a time, so two commits are at least one
transaction body apart, and a commit that is sent at once almost never shares its
message (and each storage node's fsync) with another. When a transaction commits
while others already wait for the write lock, the next commit is only a body away:
holding the first one back for at most GROUP_COMMIT_WAIT_MS lets both leave in one
message per segment, which halves the messages, acks and fsyncs per commit on every
node. A commit that nobody waits behind is never held (one client sees no delay).

Pure: the caller passes the time and whether more commits are coming.

    hold = GroupCommitHold(wait_ms=4, txns_max=4)
    hold.on_commit(now_s=10.000, more_coming=True)   # held: hold.until_s == 10.004
    hold.on_commit(now_s=10.003, more_coming=False)  # released: hold.until_s == 0.0
"""

from __future__ import annotations


class GroupCommitHold:
    def __init__(self, wait_ms: float, txns_max: int):
        assert wait_ms >= 0 and txns_max >= 1
        self.wait_s = wait_ms / 1000
        self.txns_max = txns_max
        self.until_s = 0.0  # records wait until then; at or before now: send
        self.held = 0  # commits in the group being held
        self.groups = 0  # held groups released (a metric: group_commit_holds)

    def on_commit(self, now_s: float, more_coming: bool) -> None:
        """A commit's records are in the writer's log."""
        if self.held and self.until_s <= now_s:
            # The group's time ran out before the caller's timer released it: it leaves
            # now, with this commit (a new hold would keep it past its bound).
            self._release()
            return
        if more_coming and self.held + 1 < self.txns_max and self.wait_s > 0:
            if self.held == 0:
                self.until_s = now_s + self.wait_s  # bounded by the group's first commit
            self.held += 1
        elif self.held:
            self._release()
        assert self.held < self.txns_max and (self.held == 0) == (self.until_s == 0.0)

    def expire(self, until_s: float) -> bool:
        """The caller's timer for the hold ending at `until_s` fired: release the group if
        it is still that one (a timer may fire a hair early, or for a group that left).
        Returns whether it released anything."""
        if self.held == 0 or self.until_s != until_s:
            return False
        self._release()
        return True

    def _release(self) -> None:
        self.groups += 1
        self.until_s, self.held = 0.0, 0

    def held_until(self, now_s: float) -> float | None:
        """When the held records may go (None: send now)."""
        return self.until_s if self.until_s > now_s else None
