"""An Elle-style checker for list-append histories. Pure: no I/O, clock or randomness.

Each key holds a list; transactions append unique elements to keys and read whole
lists. Because a read returns every element in order, one read reveals the whole
version history of its key up to that point, so dependencies can be inferred
exactly instead of guessed (Kingsbury & Alvaro, "Elle", VLDB 2020):

* version order of a key: its longest read (every other read must be a prefix of
  it, else the key has incompatible orders and yields no ww / rw edges);
* ww: T1 ww-> T2 when T2 appended the element right after T1's (and, as the final
  list extends the longest read, from the last observed writer to every committed
  append no read saw);
* wr: T1 wr-> T2 when the last element of a list T2 read (its own appends aside)
  was T1's;
* rw: T1 rw-> T2 when T1 read a version and T2 appended the next element (or, when
  T1 read the longest version, any committed append no read saw).

A transaction whose outcome is unknown (info, or never completed) may have
committed: its appends may be read without that being an aborted read, and once one
of them is read it counts as committed. A failed transaction's appends must never
be read (G1a).

Then: Tarjan's SCCs over the dependency graph, and inside each SCC a search for the
specific cycles (G0 on ww, G1c on ww+wr, G-single: an rw edge closed by a ww/wr
path, G2: an rw edge that only another rw edge closes). Each search is bounded, so a
badly broken history of tens of thousands of transactions still checks in seconds.

    result = check(history, FORBIDDEN_BY_LEVEL["repeatable read"])
    assert result.valid, result.render()
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Iterable

from sixfold.checkers.anomalies import (
    DUPLICATE, FORBIDDEN_BY_LEVEL, G0, G1A, G1B, G1C, G2, G_SINGLE, GARBAGE, INCOMPATIBLE_ORDER, INTERNAL, KINDS,
    LOST_UPDATE, SERIALIZABLE_FORBIDS, SNAPSHOT_ISOLATION_FORBIDS, Anomaly, CheckResult, Edge,
)
from sixfold.constants import CHECKER_CYCLE_SEARCHES_PER_SCC_MAX, CHECKER_CYCLES_PER_KIND_MAX
from sixfold.workloads.base import FAIL, OK, History, Op

__all__ = ["check", "FORBIDDEN_BY_LEVEL", "SNAPSHOT_ISOLATION_FORBIDS", "SERIALIZABLE_FORBIDS", "KINDS"]


# When two transactions are linked by several kinds of edge, a path prefers the
# stronger one (fewer rw edges in the cycle).
_PREFERENCE = ("ww", "wr", "rw")


def check(history: History | Iterable[Op], forbidden: Iterable[str] = SERIALIZABLE_FORBIDS) -> CheckResult:
    """Every anomaly in a list-append history; `valid` when none is of a forbidden kind."""
    return _Checker(list(history), frozenset(forbidden)).run()


class _Checker:
    def __init__(self, ops: list[Op], forbidden: frozenset[str]):
        self.ops = {op.index: op for op in ops}
        assert len(self.ops) == len(ops), "op indexes must be unique"
        self.result = CheckResult(forbidden)
        self.writer: dict[tuple[int, object], Op] = {}  # (key, element) -> the op that appended it
        self.own: dict[int, dict[int, list]] = defaultdict(lambda: defaultdict(list))  # op -> key -> its appends
        for op in ops:
            for f, k, v in op.value:
                if f == "append":
                    other = self.writer.get((k, v))
                    if other is not None:
                        raise ValueError(f"element {v} appended to key {k} by both T{other.index} and T{op.index}: "
                                         "list-append needs unique elements")
                    self.writer[(k, v)] = op
                    self.own[op.index][k].append(v)
        # Every read of a committed transaction: (op, key, list).
        self.reads = [(op, k, list(v)) for op in ops if op.type == OK for f, k, v in op.value
                      if f == "r" and v is not None]
        self.observed = {(k, e) for _, k, lst in self.reads for e in lst}
        self.committed = {op.index for op in ops if op.type == OK}
        for k, e in self.observed:
            w = self.writer.get((k, e))
            if w is not None and w.type not in (OK, FAIL):
                self.committed.add(w.index)  # an unknown outcome, seen: it committed
        self.out: dict[int, dict[int, dict[str, Edge]]] = defaultdict(lambda: defaultdict(dict))
        self.order: dict[int, list] = {}  # key -> version order (its longest read), when consistent

    def add(self, kind: str, summary: str, ops: list[Op], cycle: list[Edge] | None = None) -> None:
        self.result.add(Anomaly(kind, summary, ops, cycle or []))

    def run(self) -> CheckResult:
        self.check_elements()
        self.check_internal()
        self.infer_orders()
        self.check_lost_updates()
        self.build_edges()
        self.find_cycles()
        st = self.result.stats
        st.update(txns=len(self.ops), ok=sum(op.type == OK for op in self.ops.values()),
                  committed=len(self.committed), keys=len({k for k, _ in self.writer} | {k for _, k, _ in self.reads}),
                  edges=sum(len(kinds) for d in self.out.values() for kinds in d.values()))
        return self.result

    # --- element-level anomalies ------------------------------------------------------------
    def check_elements(self) -> None:
        """Duplicates, garbage, aborted reads (G1a) and intermediate reads (G1b)."""
        for op, k, lst in self.reads:
            if len(set(lst)) != len(lst):
                dups = sorted({e for e in lst if lst.count(e) > 1}, key=str)
                self.add(DUPLICATE, f"T{op.index} read key {k} holding {dups} more than once", [op])
            for e in lst:
                w = self.writer.get((k, e))
                if w is None:
                    self.add(GARBAGE, f"T{op.index} read element {e} of key {k}, which no transaction appended", [op])
                elif w.type == FAIL:
                    self.add(G1A, f"T{op.index} read element {e} of key {k}, appended by T{w.index}, which failed",
                             [op, w])
            if lst:
                last = lst[-1]
                w = self.writer.get((k, last))
                if w is not None and w.index != op.index:
                    mine = self.own[w.index][k]
                    if mine and mine[-1] != last:
                        self.add(G1B, f"T{op.index} read key {k} ending in {last}, an intermediate append of "
                                      f"T{w.index} (whose last append to it was {mine[-1]})", [op, w])

    def check_internal(self) -> None:
        """Inside one transaction, a read must be its earlier read of the key plus its own
        appends since (or, with no earlier read, end with its own appends so far)."""
        for op in self.ops.values():
            if op.type != OK:
                continue
            known: dict[int, list] = {}
            pending: dict[int, list] = defaultdict(list)
            for f, k, v in op.value:
                if f == "append":
                    (known[k] if k in known else pending[k]).append(v)
                    continue
                if f != "r" or v is None:
                    continue
                lst = list(v)
                if k in known:
                    if lst != known[k]:
                        self.add(INTERNAL, f"T{op.index} read key {k} as {_fmt(lst)}, but its earlier read plus "
                                           f"its own appends make {_fmt(known[k])}", [op])
                elif pending[k] and lst[-len(pending[k]):] != pending[k]:
                    self.add(INTERNAL, f"T{op.index} read key {k} as {_fmt(lst)}, which does not end with its own "
                                       f"appends {_fmt(pending[k])}", [op])
                known[k] = lst

    # --- version orders ----------------------------------------------------------------------
    def infer_orders(self) -> None:
        by_key: dict[int, list[tuple[Op, list]]] = defaultdict(list)
        for op, k, lst in self.reads:
            by_key[k].append((op, lst))
        for k, reads in by_key.items():
            longest_op, longest = max(reads, key=lambda r: len(r[1]))
            bad = next(((op, lst) for op, lst in reads if lst != longest[: len(lst)]), None)
            if bad is not None:
                self.add(INCOMPATIBLE_ORDER, f"key {k} was read as {_fmt(bad[1])} by T{bad[0].index} and as "
                                             f"{_fmt(longest)} by T{longest_op.index}: neither extends the other",
                         [bad[0], longest_op])
                continue
            self.order[k] = longest

    def _version_read(self, op: Op, k: int, lst: list) -> list:
        """The committed version a read saw: the list without the reader's own appends."""
        n = len(lst)
        while n and (w := self.writer.get((k, lst[n - 1]))) is not None and w.index == op.index:
            n -= 1
        return lst[:n]

    def check_lost_updates(self) -> None:
        """Two committed transactions that read the same version of a key (before
        appending to it) and both appended to it: one overwrote the other's base."""
        seen: dict[tuple[int, tuple], list[Op]] = defaultdict(list)
        for op in self.ops.values():
            if op.type != OK:
                continue
            done: set[int] = set()
            read: dict[int, list] = {}
            for f, k, v in op.value:
                if f == "r" and v is not None and k not in read and k not in done:
                    read[k] = list(v)
                elif f == "append" and k not in done:
                    done.add(k)
                    if k in read:
                        seen[(k, tuple(read[k]))].append(op)
        for (k, version), ops in seen.items():
            if len(ops) > 1:
                self.add(LOST_UPDATE, f"{', '.join(f'T{o.index}' for o in ops)} all read key {k} as {_fmt(version)} "
                                      f"and appended to it, and all committed", ops)

    # --- the dependency graph ----------------------------------------------------------------
    def _edge(self, src: Op, dst: Op, kind: str, key: int, why: str) -> None:
        if src.index == dst.index or src.index not in self.committed or dst.index not in self.committed:
            return
        self.out[src.index][dst.index].setdefault(kind, Edge(src.index, dst.index, kind, key, why))

    def build_edges(self) -> None:
        unobserved: dict[int, list[tuple[object, Op]]] = defaultdict(list)  # key -> committed appends no read saw
        for (k, e), w in self.writer.items():
            if w.type == OK and (k, e) not in self.observed:
                unobserved[k].append((e, w))
        for k, order in self.order.items():
            writers = [self.writer.get((k, e)) for e in order]
            for i in range(1, len(order)):
                a, b = writers[i - 1], writers[i]
                if a is not None and b is not None:
                    self._edge(a, b, "ww", k, f"key {k}: {order[i]} (T{b.index}) follows {order[i - 1]} (T{a.index})")
            if order and writers[-1] is not None:
                for e, w in unobserved.get(k, ()):
                    self._edge(writers[-1], w, "ww", k, f"key {k}: T{w.index} appended {e}, which no read saw, after "
                                                        f"the last element read, {order[-1]} (T{writers[-1].index})")
        for op, k, lst in self.reads:
            version = self._version_read(op, k, lst)
            if version:
                w = self.writer.get((k, version[-1]))
                if w is not None:
                    self._edge(w, op, "wr", k, f"T{op.index} read key {k} as {_fmt(lst)}, ending in T{w.index}'s "
                                               f"{version[-1]}")
            order = self.order.get(k)
            if order is None or order[: len(version)] != version:
                continue
            if len(version) < len(order):
                w = self.writer.get((k, order[len(version)]))
                if w is not None:
                    self._edge(op, w, "rw", k, f"T{op.index} read key {k} as {_fmt(version)}; T{w.index} appended "
                                               f"the next element, {order[len(version)]}")
            else:
                for e, w in unobserved.get(k, ()):
                    self._edge(op, w, "rw", k, f"T{op.index} read key {k} as {_fmt(version)} (the longest read); "
                                               f"T{w.index} appended {e} after it")

    def _succ(self, v: int, kinds: tuple[str, ...], within: set[int]):
        for d, ks in self.out.get(v, {}).items():
            if d in within and any(kind in ks for kind in kinds):
                yield d

    def _path(self, src: int, dst: int, kinds: tuple[str, ...], within: set[int]) -> list[Edge] | None:
        """The shortest path src -> dst over edges of `kinds` inside `within` (BFS)."""
        if src == dst:
            return None
        prev: dict[int, int] = {src: src}
        queue = deque([src])
        while queue and dst not in prev:
            v = queue.popleft()
            for d in self._succ(v, kinds, within):
                if d not in prev:
                    prev[d] = v
                    if d == dst:
                        break
                    queue.append(d)
        if dst not in prev:
            return None
        path, v = [], dst
        while v != src:
            u = prev[v]
            ks = self.out[u][v]
            path.append(ks[next(k for k in _PREFERENCE if k in kinds and k in ks)])
            v = u
        return path[::-1]

    def find_cycles(self) -> None:
        nodes = sorted(self.committed)
        everything = set(nodes)
        for scc in _sccs(nodes, lambda v: self._succ(v, _PREFERENCE, everything)):
            if len(scc) < 2:
                continue
            members = set(scc)
            self._find_in(members)

    def _find_in(self, members: set[int]) -> None:
        seen: set[frozenset] = set()

        def report(kind: str, cycle: list[Edge], summary: str) -> bool:
            """False once the kind's bound is reached."""
            key = (kind, frozenset(e.src for e in cycle))
            if key in seen:
                return True
            if sum(1 for k, _ in seen if k == kind) >= CHECKER_CYCLES_PER_KIND_MAX:
                self.result.truncated.add(kind)
                return False
            seen.add(key)
            self.add(kind, summary, [self.ops[e.src] for e in cycle], cycle)
            return True

        # G0: cycles of ww edges; G1c: cycles of ww and wr edges with a wr edge in them.
        for kinds, kind in ((("ww",), G0), (("ww", "wr"), G1C)):
            for sub in _sccs(sorted(members), lambda v: self._succ(v, kinds, members)):
                if len(sub) < 2:
                    continue
                inner = set(sub)
                if kind == G0:
                    a = sub[0]
                    b = next(self._succ(a, kinds, inner))
                    back = self._path(b, a, kinds, inner)
                    first = self.out[a][b]["ww"]
                else:
                    wr = next((self.out[a][b]["wr"] for a in sub for b in self._succ(a, ("wr",), inner)), None)
                    if wr is None:
                        continue  # a pure ww cycle: G0, reported above
                    first, back = wr, self._path(wr.dst, wr.src, kinds, inner)
                if back is not None:
                    report(kind, [first] + back,
                           f"a cycle of {len(back) + 1} transactions over {'/'.join(kinds)} edges")
        # G-single and G2: every rw edge inside the SCC, closed by a ww/wr path or not.
        tried = 0
        for a in sorted(members):
            for b in sorted(self._succ(a, ("rw",), members)):
                tried += 1
                if tried > CHECKER_CYCLE_SEARCHES_PER_SCC_MAX:
                    self.result.truncated.update((G_SINGLE, G2))
                    return
                rw = self.out[a][b]["rw"]
                back = self._path(b, a, ("ww", "wr"), members)
                if back is not None:
                    report(G_SINGLE, [rw] + back, f"a cycle of {len(back) + 1} transactions with exactly one rw edge")
                    continue
                back = self._path(b, a, _PREFERENCE, members)
                if back is not None:
                    n = 1 + sum(e.kind == "rw" for e in back)
                    report(G2, [rw] + back, f"a cycle of {len(back) + 1} transactions with {n} rw edges")


def _sccs(nodes: list[int], succ) -> list[list[int]]:
    """Tarjan's strongly connected components, iteratively (histories are deep)."""
    index: dict[int, int] = {}
    low: dict[int, int] = {}
    on_stack: set[int] = set()
    stack: list[int] = []
    out: list[list[int]] = []
    counter = 0
    for root in nodes:
        if root in index:
            continue
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        work = [(root, iter(list(succ(root))))]
        while work:
            v, it = work[-1]
            pushed = False
            for w in it:
                if w not in index:
                    index[w] = low[w] = counter
                    counter += 1
                    stack.append(w)
                    on_stack.add(w)
                    work.append((w, iter(list(succ(w)))))
                    pushed = True
                    break
                if w in on_stack:
                    low[v] = min(low[v], index[w])
            if pushed:
                continue
            work.pop()
            if work:
                u = work[-1][0]
                low[u] = min(low[u], low[v])
            if low[v] == index[v]:
                comp = []
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    comp.append(w)
                    if w == v:
                        break
                out.append(sorted(comp))
    return out


def _fmt(lst) -> str:
    return "[" + ",".join(map(str, lst)) + "]"
