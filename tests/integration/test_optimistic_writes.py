"""Optimistic write transactions (sixfold.write_concurrency = optimistic) through psycopg
on a real cluster: they run off the write lock, commit when their replay answers as they
did, fail with 40001 (nothing written) when it does not, and go serial on a statement the
replay cannot vouch for. compute_node/optimistic.py has the design; the isolation of
whole histories is checked in test_isolation.py."""

from __future__ import annotations

import random
import threading
import time

import psycopg
import pytest

from sixfold.constants import GROUP_COMMIT_WAIT_MS
from tests.integration.mtr_workload import seed_from_env

OPTIMISTIC = "-c sixfold.write_concurrency=optimistic"


@pytest.fixture
def uri(pg_module_cluster):
    uri = pg_module_cluster.uri()
    with psycopg.connect(uri, autocommit=True) as c:
        c.execute("drop table if exists acc")
        c.execute("create table acc (id int primary key, bal int not null)")
        c.execute("insert into acc select g, 0 from generate_series(1, 10) g")
    return uri


def _optimistic(uri: str) -> psycopg.Connection:
    return psycopg.connect(uri, options=OPTIMISTIC)


def _metric(conn: psycopg.Connection, name: str) -> int:
    return conn.execute("select sixfold_metric(%s)", (name,)).fetchone()[0]


def _bal(conn: psycopg.Connection, id_: int) -> int:
    return conn.execute("select bal from acc where id = %s", (id_,)).fetchone()[0]


def test_the_setting(uri):
    with psycopg.connect(uri, autocommit=True) as c:
        assert c.execute("show sixfold.write_concurrency").fetchone() == ("serial",)
        c.execute("set sixfold.write_concurrency = optimistic")
        assert c.execute("show sixfold.write_concurrency").fetchone() == ("optimistic",)
        with pytest.raises(psycopg.Error) as e:
            c.execute("set sixfold.write_concurrency = sometimes")
        assert e.value.sqlstate == "22023"
    with _optimistic(uri) as c:
        assert c.execute("show sixfold.write_concurrency").fetchone() == ("optimistic",)


def test_the_write_lock_is_free_while_an_optimistic_transaction_is_open(uri):
    """The transaction's writes wait on a private copy: a serial writer (which would wait
    for the lock up to 5 s and fail with 55P03 behind a serial transaction) commits at
    once, and the optimistic one still commits (its answers still hold)."""
    with _optimistic(uri) as a, psycopg.connect(uri, autocommit=True) as b:
        commits = _metric(b, "optimistic_commits")
        a.execute("update acc set bal = bal + 1 where id = 1")
        assert _bal(a, 1) == 1  # its own write
        assert _bal(b, 1) == 0  # not anyone else's yet
        b.execute("set statement_timeout = 1000")  # far below the write lock's wait
        b.execute("update acc set bal = bal + 10 where id = 2")
        a.commit()
        assert (_bal(b, 1), _bal(b, 2)) == (1, 10)
        assert _metric(b, "optimistic_commits") == commits + 1


def test_a_changed_read_fails_the_commit_and_writes_nothing(uri):
    with _optimistic(uri) as a, psycopg.connect(uri, autocommit=True) as b:
        a.execute("update acc set bal = bal + 1 where id = 3")
        assert _bal(a, 4) == 0
        b.execute("update acc set bal = 7 where id = 4")  # what `a` read changes
        with pytest.raises(psycopg.Error) as e:
            a.commit()
        assert e.value.sqlstate == "40001"
        assert "answers differently" in str(e.value)
        assert a.info.transaction_status == psycopg.pq.TransactionStatus.IDLE  # the COMMIT ended it
        assert (_bal(b, 3), _bal(b, 4)) == (0, 7)


def test_a_write_of_a_row_changed_meanwhile_keeps_both_changes(uri):
    """Its answer (UPDATE 1) still holds, so it commits, applied to the newest row: no
    lost update."""
    with _optimistic(uri) as a, psycopg.connect(uri, autocommit=True) as b:
        a.execute("update acc set bal = bal + 1 where id = 5")
        b.execute("update acc set bal = bal + 100 where id = 5")
        a.commit()
        assert _bal(b, 5) == 101


def test_an_insert_that_collides_at_commit_fails_with_40001(uri):
    with _optimistic(uri) as a, psycopg.connect(uri, autocommit=True) as b:
        a.execute("insert into acc values (50, 1)")
        b.execute("insert into acc values (50, 2)")
        with pytest.raises(psycopg.Error) as e:
            a.commit()
        assert e.value.sqlstate == "40001" and "23505" in str(e.value)
        assert b.execute("select bal from acc where id = 50").fetchall() == [(2,)]


def test_an_error_inside_stays_that_error_and_rollback_discards(uri):
    with _optimistic(uri) as a, psycopg.connect(uri, autocommit=True) as b:
        a.execute("update acc set bal = 9 where id = 6")
        with pytest.raises(psycopg.Error) as e:
            a.execute("insert into acc values (1, 0)")
        assert e.value.sqlstate == "23505"
        a.rollback()
        a.execute("update acc set bal = 9 where id = 7")
        a.rollback()
        assert (_bal(b, 6), _bal(b, 7)) == (0, 0)


def test_a_statement_the_replay_cannot_vouch_for_goes_serial(uri):
    """A savepoint (and random(), a schema change...) takes the lock and replays what
    ran so far: the transaction goes on serially; a difference found there is 40001 at
    that statement."""
    with _optimistic(uri) as a, psycopg.connect(uri, autocommit=True) as b:
        to_serial = _metric(b, "optimistic_to_serial")
        a.execute("update acc set bal = bal + 1 where id = 8")
        a.execute("savepoint s")
        a.execute("update acc set bal = bal + 1 where id = 8")
        a.execute("rollback to savepoint s")
        a.execute("update acc set bal = bal + 5 where id = 9")
        a.commit()
        assert (_bal(b, 8), _bal(b, 9)) == (1, 5)
        assert _metric(b, "optimistic_to_serial") == to_serial + 1

        assert _bal(a, 10) == 0
        a.execute("update acc set bal = 1 where id = 10")
        b.execute("update acc set bal = 2 where id = 10")
        with pytest.raises(psycopg.Error) as e:
            a.execute("select random()")
        assert e.value.sqlstate == "40001"
        a.rollback()
        assert _bal(b, 10) == 2


def test_an_idle_optimistic_transaction_holds_back_no_commit(uri):
    """Group commit holds a commit back for optimistic transactions that ran a statement
    within its wait (their commits are near), never for one idle in its transaction: a
    forgotten transaction would add the whole wait to every commit."""
    with _optimistic(uri) as a, psycopg.connect(uri, autocommit=True) as b:
        a.execute("update acc set bal = bal + 1 where id = 1")
        time.sleep(3 * GROUP_COMMIT_WAIT_MS / 1000)  # what is tested: `a` idle longer than the wait
        holds = _metric(b, "group_commit_holds")
        for _ in range(5):
            b.execute("update acc set bal = bal + 1 where id = 2")
        assert _metric(b, "group_commit_holds") == holds
        a.rollback()


def test_a_transaction_that_only_read_commits_without_a_replay(uri):
    with _optimistic(uri) as a, psycopg.connect(uri, autocommit=True) as b:
        commits = _metric(b, "optimistic_commits")
        first = _bal(a, 1)
        b.execute("update acc set bal = bal + 1 where id = 1")
        assert _bal(a, 1) == first  # one snapshot for the whole transaction
        a.commit()
        assert _metric(b, "optimistic_commits") == commits
        assert _bal(a, 1) == first + 1


def test_concurrent_transfers_conserve_money(uri):
    """Four clients move money between ten accounts, retrying on 40001: every transfer
    that committed is applied exactly once, and no money appears or vanishes."""
    seed = seed_from_env()
    print(f"SIXFOLD_SEED={seed}")
    committed: list[tuple[int, int, int]] = []
    errors: list[str] = []
    lock = threading.Lock()

    def client(n: int) -> None:
        rng = random.Random(f"{seed}:{n}")
        with _optimistic(uri) as c:
            for _ in range(40):
                src, dst = rng.sample(range(1, 11), 2)
                amount = rng.randint(1, 50)
                for _attempt in range(50):
                    try:
                        bal = c.execute("select bal from acc where id = %s", (src,)).fetchone()[0]
                        c.execute("update acc set bal = %s where id = %s", (bal - amount, src))
                        c.execute("update acc set bal = bal + %s where id = %s", (amount, dst))
                        c.commit()
                    except psycopg.Error as e:
                        c.rollback()
                        if e.sqlstate != "40001":
                            with lock:
                                errors.append(f"{e.sqlstate}: {e}")
                            return
                        continue
                    with lock:
                        committed.append((src, dst, amount))
                    break

    threads = [threading.Thread(target=client, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors, errors[:3]
    assert committed, "no transfer committed"
    expected = {i: 0 for i in range(1, 11)}
    for src, dst, amount in committed:
        expected[src] -= amount
        expected[dst] += amount
    with psycopg.connect(uri, autocommit=True) as c:
        got = dict(c.execute("select id, bal from acc").fetchall())
    assert got == expected, f"SIXFOLD_SEED={seed}"
