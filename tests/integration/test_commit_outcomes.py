"""Commit outcomes over the PostgreSQL protocol when the writer is fenced with commits
in flight: each client commit ends durable (COMMIT succeeded), refused (an error
other than 08007: it never appears) or in doubt (08007, the connection ends, as when
a connection dies during COMMIT). Checked against the volume afterwards: every
durable row is there, no refused row is, an in-doubt one is there at most once (the
server never retried it)."""

from __future__ import annotations

import asyncio
import threading
from collections import Counter

import psycopg
import pytest

from compute_node.engine import ComputeNode
from compute_node.volume_client import VolumeClient
from sixfold.supervisor import wait_until

CLIENTS = 4
REFUSALS_PER_CLIENT = 5


@pytest.mark.integration
def test_fenced_writer_reports_every_commit_honestly(pg_cluster):
    uri = pg_cluster.uri()
    with psycopg.connect(uri, autocommit=True) as c:
        c.execute("create table t(id integer, client integer)")  # no key: a retried insert would show twice
    outcomes: dict[int, str] = {}
    lock = threading.Lock()
    fenced = threading.Event()
    stop = threading.Event()
    errors: list[BaseException] = []

    def client(n: int) -> None:
        refusals, i = 0, 0
        conn = psycopg.connect(uri, autocommit=True)
        try:
            while not stop.is_set() and refusals < REFUSALS_PER_CLIENT:
                i += 1
                row = n * 1_000_000 + i
                try:
                    conn.execute("insert into t values (%s, %s)", (row, n))
                    kind = "durable"
                except psycopg.errors.TransactionResolutionUnknown:
                    kind = "in_doubt"  # 08007: the server ends the connection
                except psycopg.OperationalError:
                    kind = "in_doubt"  # the connection died under the statement: unknown too
                except psycopg.Error as e:
                    assert fenced.is_set(), f"an error before the fence: {e!r}"
                    kind = "refused"
                    refusals += 1
                with lock:
                    outcomes[row] = kind
                if conn.closed or conn.broken:
                    conn = psycopg.connect(uri, autocommit=True)
        except BaseException as e:  # noqa: BLE001 - reported by the test
            errors.append(e)
        finally:
            conn.close()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    for t in threads:
        t.start()
    try:
        wait_until(lambda: sum(k == "durable" for k in list(outcomes.values())) >= 200, 60, "200 commits")

        async def fence() -> None:  # a second writer recovers the volume: the first is fenced
            vc = await VolumeClient.open(pg_cluster.spec)
            await vc.close()

        fenced.set()  # from here on, refusals are expected
        asyncio.run(fence())
        for t in threads:
            t.join(60)
    finally:
        stop.set()
        for t in threads:
            t.join(10)
    assert not errors, errors
    pg_cluster.stop("writer")
    with ComputeNode(pg_cluster.spec) as node:
        present = Counter(r[0] for r in node.session().execute("select id from t").rows)
    kinds = Counter(outcomes.values())
    print(f"outcomes: {dict(kinds)}; rows present: {len(present)}")
    assert kinds["refused"] >= CLIENTS * REFUSALS_PER_CLIENT
    assert all(n == 1 for n in present.values()), [r for r, n in present.items() if n > 1]
    missing = [r for r, k in outcomes.items() if k == "durable" and r not in present]
    assert not missing, f"commits reported durable are missing: {missing[:10]}"
    appeared = [r for r, k in outcomes.items() if k == "refused" and r in present]
    assert not appeared, f"refused commits appeared: {appeared[:10]}"
    assert set(present) <= set(outcomes), "a row nobody inserted"
