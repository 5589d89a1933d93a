"""A compute node process for crash tests: several sessions (threads) run bank
transfers, each one transaction that inserts a ledger row and moves an amount
between two accounts, and print `ack <session> <seq>` (flushed) after each COMMIT
returns. The test SIGKILLs the process; its stdout says what was acknowledged.

    python -m tests.integration.sql_writer_proc SPEC SEED SESSIONS ACCOUNTS FIRST_SESSION_NO
"""

from __future__ import annotations

import random
import sys
import threading

from compute_node.engine import ComputeNode
from sixfold.errors import SixfoldError
from sixfold.spec import ClusterSpec

SCHEMA = ("create table if not exists accounts(id integer primary key, balance integer not null)",
          "create table if not exists ledger(session integer, seq integer, src integer, dst integer, "
          "amount integer, primary key(session, seq))")


def setup(node: ComputeNode, accounts: int) -> None:
    s = node.session()
    for stmt in SCHEMA:
        s.execute(stmt)
    if not s.execute("select count(*) from accounts").rows[0][0]:
        s.execute("begin")
        for i in range(accounts):
            s.execute("insert into accounts values (?, 0)", (i,))
        s.execute("commit")
    s.close()


def transfer_loop(node: ComputeNode, session_no: int, seed: int, accounts: int, out_lock: threading.Lock) -> None:
    rnd = random.Random(seed * 1000 + session_no)
    s = node.session()
    seq = 0
    while True:
        seq += 1
        src, dst = rnd.sample(range(accounts), 2)
        amount = rnd.randint(1, 100)
        try:
            s.execute("begin")
            s.execute("insert into ledger values (?, ?, ?, ?, ?)", (session_no, seq, src, dst, amount))
            s.execute("update accounts set balance = balance - ? where id = ?", (amount, src))
            s.execute("update accounts set balance = balance + ? where id = ?", (amount, dst))
            s.execute("commit")
        except SixfoldError as e:
            if s.txn:
                s.execute("rollback")
            with out_lock:
                print(f"error {session_no} {seq} {e.sqlstate} {e}", flush=True)
            if not e.retriable:
                return
            continue
        with out_lock:
            sys.stdout.write(f"ack {session_no} {seq}\n")
            sys.stdout.flush()


def main(spec_path: str, seed: int, sessions: int, accounts: int, first: int) -> None:
    node = ComputeNode(ClusterSpec.load(spec_path)).start()
    setup(node, accounts)
    print(f"open epoch {node.vc.epoch}", flush=True)
    lock = threading.Lock()
    threads = [threading.Thread(target=transfer_loop, args=(node, first + i, seed, accounts, lock), daemon=True)
               for i in range(sessions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


if __name__ == "__main__":
    a = sys.argv[1:]
    main(a[0], int(a[1]), int(a[2]), int(a[3]), int(a[4]))
