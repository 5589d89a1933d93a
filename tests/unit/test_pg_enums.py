"""Enum types' pure parts: the token that carries a type's labels, and the collation
built from it (compute_node/pg_sql/enums.py)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from compute_node.pg_sql import enums
from compute_node.pg_sql.translate import SessionContext, translate

CTX = SessionContext(user="u", database="d")
labels_st = st.lists(st.text(max_size=12), max_size=8, unique=True)


@given(name=st.text(min_size=1, max_size=10), labels=labels_st)
def test_token_round_trips_and_is_safe_in_sql(name, labels):
    token = enums.encode(name, labels)
    assert enums.decode(token) == (name, labels)
    assert "'" not in token and '"' not in token and "*/" not in token  # inside literals, identifiers, comments
    assert enums.token_in(f"CREATE VIEW x AS SELECT /*{token}*/ NULL") == token


@given(labels=labels_st, data=st.data())
def test_collation_orders_by_label_position(labels, data):
    compare = enums._collation(enums.encode("t", labels))
    if len(labels) < 2:
        return
    i, j = sorted(data.draw(st.lists(st.integers(0, len(labels) - 1), min_size=2, max_size=2, unique=True)))
    assert compare(labels[i], labels[j]) == -1 and compare(labels[j], labels[i]) == 1
    assert compare(labels[i], labels[i]) == 0


def test_collation_puts_unknown_text_after_the_labels():
    compare = enums._collation(enums.encode("mood", ["sad", "ok", "happy"]))
    assert compare("happy", "aaa") == -1 and compare("aaa", "zzz") == -1


def test_create_type_keeps_its_token_in_a_hidden_view():
    stmt, = translate("CREATE TYPE mood AS ENUM ('sad', 'it''s ok')", CTX)
    view = next(s for s in stmt.sqlite if s.startswith("CREATE VIEW"))
    assert '"sqlite_enum:mood"' in view and enums.token_in(view) == enums.encode("mood", ["sad", "it's ok"])
