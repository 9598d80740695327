"""Addresses as keys, and whose X-Forwarded-For to believe. Pure."""

import pytest

from masthead.access.client_ip import client_ip
from masthead.access.iprange import address_key, parse_range


def test_keys_sort_like_addresses():
    addresses = ["0.0.0.1", "9.255.255.255", "10.0.0.0", "203.0.113.5", "255.255.255.255",
                 "::1", "2001:db8::1", "ffff::"]  # fmt: skip
    keys = [address_key(a) for a in addresses]
    assert all(len(k) == 32 for k in keys)
    ipv4 = keys[:5]
    assert ipv4 == sorted(ipv4)
    assert address_key("::ffff:203.0.113.5") == address_key("203.0.113.5")


@pytest.mark.parametrize(
    "text, first, last",
    [
        ("203.0.113.0/24", "203.0.113.0", "203.0.113.255"),
        ("203.0.113.7", "203.0.113.7", "203.0.113.7"),
        (" 198.51.100.10 - 198.51.100.20 ", "198.51.100.10", "198.51.100.20"),
        ("2001:db8::/126", "2001:db8::", "2001:db8::3"),
        ("203.0.113.9/24", "203.0.113.0", "203.0.113.255"),  # host bits forgiven
    ],
)
def test_parse_range(text, first, last):
    parsed = parse_range(text)
    assert (str(parsed.first), str(parsed.last)) == (first, last)


@pytest.mark.parametrize("text", ["203.0.113.0/33", "1.2.3.4-::1", "banana", ""])
def test_bad_ranges(text):
    with pytest.raises(ValueError):
        parse_range(text)


TRUSTED = ["127.0.0.1", "10.0.0.0/8"]


@pytest.mark.parametrize(
    "peer, header, client",
    [
        ("198.51.100.9", "203.0.113.5", "198.51.100.9"),  # untrusted peer: header ignored
        ("127.0.0.1", "203.0.113.5", "203.0.113.5"),
        ("127.0.0.1", "203.0.113.5, 10.1.2.3", "203.0.113.5"),  # through two proxies
        ("127.0.0.1", "203.0.113.5, 198.51.100.1", "198.51.100.1"),  # a forged left part
        ("127.0.0.1", "", "127.0.0.1"),
        ("127.0.0.1", "not-an-ip", "127.0.0.1"),
        ("::ffff:127.0.0.1", "203.0.113.5", "203.0.113.5"),
    ],
)
def test_client_ip(peer, header, client):
    assert client_ip(peer, header, TRUSTED) == client
