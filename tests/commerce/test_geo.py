"""The IP country, the second piece of place-of-supply evidence (real GeoIP2Fast data)."""

import pytest

from masthead.commerce import geo


@pytest.mark.parametrize(
    ("ip", "country"),
    [
        ("8.8.8.8", "US"),
        (" 8.8.8.8 ", "US"),
        ("::ffff:8.8.8.8", "US"),  # IPv4 as a dual-stack server sees it
        ("2001:4860:4860::8888", "US"),
        ("127.0.0.1", ""),
        ("10.0.0.1", ""),
        ("203.0.113.5", ""),  # documentation range
        ("::1", ""),
        ("2001:db8::1", ""),
        ("not an ip", ""),
        ("", ""),
    ],
)
def test_ip_country(ip, country):
    assert geo.ip_country(ip) == country


def test_database_is_loaded_once():
    assert geo.database() is geo.database()
