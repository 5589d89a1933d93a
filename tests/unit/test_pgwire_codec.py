"""The PostgreSQL protocol codec and the SCRAM-SHA-256 server exchange (pure).

Properties:
* every frontend decoder either returns a value or raises a SixfoldError (never struct
  errors, IndexError, ...), whatever the bytes;
* a length field outside [4, limit] is refused before anything is read for it;
* Bind/Parse round-trip what a client encodes;
* SCRAM: the right password authenticates and the server signature is the one the
  client expects; a wrong password, an unknown user, a tampered nonce or proof fail
  with 28P01.
"""

from __future__ import annotations

import struct

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from compute_node.pgwire import messages as m
from compute_node.pgwire.scram import AuthFailed, ScramExchange, client_proof_for_tests, make_verifier
from sixfold.errors import SixfoldError

FAST = settings(max_examples=200, deadline=None)
DECODERS = [m.decode_startup, m.decode_parse, m.decode_bind, m.decode_execute, m.decode_query,
            m.decode_sasl_initial, lambda b: m.decode_describe_or_close(b, m.Describe)]


@FAST
@given(st.binary(max_size=200), st.sampled_from(range(len(DECODERS))))
def test_decoders_never_crash(data, i):
    try:
        DECODERS[i](data)
    except SixfoldError:
        pass


def test_length_checks():
    for bad in (-1, 0, 3, -2**31):
        with pytest.raises(m.ProtocolViolation):
            m.check_length(bad, 10_000, "x")
    with pytest.raises(m.ProtocolViolation, match="exceeds"):
        m.check_length(256 * 1024 * 1024, 64 * 1024 * 1024, "x")
    m.check_length(4, 10, "x")


def _bind(portal, stmt, pformats, values, rformats) -> bytes:
    b = portal.encode() + b"\0" + stmt.encode() + b"\0" + struct.pack("!h", len(pformats))
    b += b"".join(struct.pack("!h", f) for f in pformats) + struct.pack("!h", len(values))
    for v in values:
        b += struct.pack("!i", -1) if v is None else struct.pack("!i", len(v)) + v
    return b + struct.pack("!h", len(rformats)) + b"".join(struct.pack("!h", f) for f in rformats)


@FAST
@given(st.text(alphabet=st.characters(blacklist_characters="\0", blacklist_categories=("Cs",)), max_size=10),
       st.lists(st.one_of(st.none(), st.binary(max_size=20)), max_size=5), st.sampled_from([(), (0,), (1,)]))
def test_bind_round_trip(name, values, rformats):
    b = m.decode_bind(_bind(name, "s1", [0] * len(values), values, rformats))
    assert (b.portal, b.statement, b.params, b.result_formats) == (name, "s1", tuple(values), rformats)


def test_bind_rejects_negative_lengths_and_counts():
    # Malformed contents of a well-framed message: an ERROR, not a lost stream.
    with pytest.raises(m.MalformedMessage):
        m.decode_bind(b"\0\0" + struct.pack("!hh", 0, 1) + struct.pack("!i", -5) + struct.pack("!h", 0))
    with pytest.raises(m.MalformedMessage):
        m.decode_bind(b"\0\0" + struct.pack("!h", -1))
    with pytest.raises(m.MalformedMessage, match="formats"):
        m.decode_bind(_bind("", "", [0, 0], [b"1", b"2", b"3"], []))


def test_parse_and_startup():
    p = m.decode_parse(b"s\0select $1\0" + struct.pack("!hi", 1, 23))
    assert p == m.Parse("s", "select $1", (23,))
    st_ = m.decode_startup(struct.pack("!i", m.PROTOCOL_V3) + b"user\0bob\0database\0d\0\0")
    assert st_.params == {"user": "bob", "database": "d"}
    assert isinstance(m.decode_startup(struct.pack("!i", m.SSL_REQUEST_CODE)), m.SslRequest)
    assert m.decode_startup(struct.pack("!iii", m.CANCEL_REQUEST_CODE, 7, 9)) == m.CancelRequest(7, 9)
    with pytest.raises(SixfoldError) as e:
        m.decode_startup(struct.pack("!i", 2 << 16) + b"user\0bob\0\0")
    assert e.value.sqlstate == "0A000"
    with pytest.raises(SixfoldError) as e:
        m.decode_startup(struct.pack("!i", m.PROTOCOL_V3) + b"database\0d\0\0")
    assert e.value.sqlstate == "28000"


def test_backend_messages_frame_correctly():
    for msg in (m.error_response("42P01", "no such table", detail="d", hint="h"), m.ready_for_query("I"),
                m.row_description([("a", 23, 4, 0)]), m.data_row([b"1", None]), m.command_complete("SELECT 1")):
        assert struct.unpack("!i", msg[1:5])[0] == len(msg) - 1


# --- SCRAM ----------------------------------------------------------------------------------
DECOY = make_verifier("decoy", b"d" * 16)


def _exchange(verifier, password, tamper=None):
    ex = ScramExchange(verifier, "servernonce", DECOY)
    server_first = ex.client_first(b"n,,n=,r=clientnonce").decode()
    final, server_sig = client_proof_for_tests(password, "clientnonce", server_first)
    if tamper == "nonce":
        final = final.replace("r=clientnonce", "r=xlientnonce")
    if tamper == "proof":
        head, proof = final.rsplit("p=", 1)
        final = head + "p=" + ("A" if proof[0] != "A" else "B") + proof[1:]
    server_final = ex.client_final(final.encode())
    return ex, server_final, server_sig


def test_scram_right_password():
    import base64

    v = make_verifier("s3cret", b"s" * 16)
    ex, server_final, sig = _exchange(v, "s3cret")
    assert ex.authenticated
    assert server_final == b"v=" + base64.b64encode(sig)


@pytest.mark.parametrize("case", ["wrong", "unknown", "nonce", "proof"])
def test_scram_failures(case):
    v = make_verifier("s3cret", b"s" * 16)
    with pytest.raises(AuthFailed) as e:
        if case == "wrong":
            _exchange(v, "guess")
        elif case == "unknown":
            _exchange(None, "decoy")  # even the decoy's own password must not log in
        else:
            _exchange(v, "s3cret", tamper=case)
    assert e.value.sqlstate == "28P01"


@FAST
@given(st.binary(max_size=80), st.binary(max_size=80))
def test_scram_garbage_never_crashes(first, final):
    ex = ScramExchange(make_verifier("p", b"x" * 16, 1), "n", DECOY)
    try:
        ex.client_first(first)
        ex.client_final(final)
    except AuthFailed:
        pass
    assert not ex.authenticated
