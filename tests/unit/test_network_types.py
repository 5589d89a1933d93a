"""network_types: inet, cidr, macaddr, macaddr8 and pg_lsn values as PostgreSQL stores,
shows and orders them."""

import functools

import pytest

from compute_node.pg_sql import network_types as nt


@pytest.mark.parametrize("kind, given, shown", [
    ("inet", "192.168.1.226/24", "192.168.1.226/24"), ("inet", "10.1.2.3/32", "10.1.2.3"),
    ("inet", "::ffff:1.2.3.4", "::ffff:1.2.3.4"), ("inet", "::4.3.2.1/24", "::4.3.2.1/24"),
    ("inet", "::1", "::1"), ("inet", "10:23::ffff", "10:23::ffff"),
    ("cidr", "192.168.1.0/24", "192.168.1.0/24"), ("cidr", "::/0", "::/0"),
    ("macaddr", "08-00-2b-01-02-03", "08:00:2b:01:02:03"), ("macaddr", "0800.2b01.0203", "08:00:2b:01:02:03"),
    ("macaddr", "08002B010203", "08:00:2b:01:02:03"),
    ("macaddr8", "08:00:2b:01:02:03", "08:00:2b:ff:fe:01:02:03"),
    ("pg_lsn", "16/b374d848", "16/B374D848"), ("pg_lsn", "0/0", "0/0"),
])
def test_stored_as_postgres_shows(kind, given, shown):
    assert nt.stored(kind, given) == shown


@pytest.mark.parametrize("kind, given, sqlstate", [
    ("inet", "1234::1234::1234", "22P02"), ("cidr", "192.168.1.2/30", "22P02"), ("cidr", "10", "0A000"),
    ("macaddr", "0800:2b01:0203", "22P02"), ("macaddr", "not even close", "22P02"),
    ("pg_lsn", " 0/12345678", "22P02"), ("pg_lsn", "G/0", "22P02"),
])
def test_refused_input(kind, given, sqlstate):
    with pytest.raises(nt.NetworkInputError) as e:
        nt.stored(kind, given)
    assert e.value.sqlstate == sqlstate


def test_inet_order_is_network_cmp():
    values = ["10:23::ffff", "192.168.1.226/24", "9.1.2.3/8", "10.1.2.3/16", "10.1.2.3/8", "not an address"]
    ordered = sorted(values, key=functools.cmp_to_key(nt.inet_order))
    assert ordered == ["9.1.2.3/8", "10.1.2.3/8", "10.1.2.3/16", "192.168.1.226/24", "10:23::ffff", "not an address"]
