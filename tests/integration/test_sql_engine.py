"""The SQL engine on the volume: commits continue with two storage nodes killed, a
long read-only transaction keeps its snapshot while 1,000 transactions commit, and a
second writer fences the first."""

from __future__ import annotations

import threading

import pytest

from compute_node.engine import ComputeNode
from sixfold.supervisor import wait_until
from sixfold.errors import CommitInDoubt, SixfoldError, StaleEpoch


@pytest.mark.integration
def test_transactions_keep_committing_with_two_storage_nodes_killed(cluster_builder):
    cluster = cluster_builder.build()
    with ComputeNode(cluster.spec) as node:
        s = node.session()
        s.execute("create table t(id integer primary key, session integer, v text)")
        done: list[int] = []
        errors: list[Exception] = []
        stop = threading.Event()

        def writer(n: int):
            sess = node.session()
            i = 0
            while not stop.is_set():
                i += 1
                try:
                    sess.execute("insert into t values (?, ?, ?)", (n * 1_000_000 + i, n, "x" * 200))
                    done.append(n)
                except SixfoldError as e:
                    errors.append(e)
                    return

        threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
        for t in threads:
            t.start()
        try:
            wait_until(lambda: len(done) >= 200, 60, "200 commits before the kill")
            victims = [cluster.names_in_az("az1")[0], cluster.names_in_az("az3")[1]]
            for v in victims:
                cluster.kill(v)
            at_kill = len(done)
            wait_until(lambda: len(done) >= at_kill + 300 or errors, 60, "300 commits with two nodes down")
        finally:
            stop.set()
            for t in threads:
                t.join(30)
        assert not errors, errors[:3]
        count = s.execute("select count(*) from t").rows[0][0]
        assert count == len(done), (count, len(done))
        print(f"{at_kill} commits before the kill, {len(done) - at_kill} after, with {victims} down")


@pytest.mark.integration
def test_long_read_only_transaction_keeps_its_snapshot(cluster_builder):
    cluster = cluster_builder.build()
    with ComputeNode(cluster.spec) as node:
        w = node.session()
        w.execute("create table acct(id integer primary key, balance integer not null)")
        w.execute("begin")
        for i in range(200):
            w.execute("insert into acct values (?, ?)", (i, 1000))
        w.execute("commit")
        r = node.session()
        r.execute("begin read only")
        before = r.execute("select id, balance from acct order by id").rows
        total = sum(b for _, b in before)
        for k in range(1000):  # transfers, and every 100th a new account
            a, b = k % 200, (k * 7 + 1) % 200
            w.execute("begin")
            w.execute("update acct set balance = balance - 1 where id = ?", (a,))
            w.execute("update acct set balance = balance + 2 where id = ?", (b,))
            if k % 100 == 0:
                w.execute("insert into acct values (?, 5)", (1000 + k,))
            w.execute("commit")
            if k % 250 == 0:
                assert r.execute("select id, balance from acct order by id").rows == before
        assert r.execute("select id, balance from acct order by id").rows == before
        assert r.execute("select sum(balance), count(*) from acct").rows == [(total, 200)]
        r.execute("commit")
        now = r.execute("select sum(balance), count(*) from acct").rows[0]
        assert now == (total + 1000 + 10 * 5, 210), now


@pytest.mark.integration
def test_second_writer_fences_the_first(cluster_builder):
    cluster = cluster_builder.build()
    first = ComputeNode(cluster.spec).start()
    try:
        s1 = first.session()
        s1.execute("create table t(a integer primary key)")
        s1.execute("insert into t values (1)")
        second = ComputeNode(cluster.spec).start()
        try:
            assert second.vc.epoch > first.vc.epoch
            in_doubt = 0
            with pytest.raises(StaleEpoch) as exc:
                for i in range(2, 50):
                    try:
                        s1.execute("insert into t values (?)", (i,))
                    except CommitInDoubt:
                        in_doubt += 1  # sent before the writer learned of the fence
            assert exc.value.sqlstate == "25006" and in_doubt <= 1
            s2 = second.session()
            rows = s2.execute("select a from t order by a").rows
            assert rows[0] == (1,)
            s2.execute("insert into t values (100)")
            # Whatever the first writer saw acknowledged is there; nothing after its fence.
            assert rows == [(a,) for a in range(1, len(rows) + 1)]
        finally:
            second.close()
    finally:
        first.close()
