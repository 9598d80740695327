"""The country of an IP address, from the GeoIP2Fast database shipped in its package.

One piece of place-of-supply evidence for tax.py. "" when the address is private,
reserved, unknown to the database or not an address at all.
"""

import ipaddress
import threading
from pathlib import Path

import geoip2fast
from geoip2fast import GeoIP2Fast

# The package's IPv6 file holds the IPv4 networks too; the default file is IPv4 only.
_IPV6_DATA = Path(geoip2fast.__file__).with_name("geoip2fast-ipv6.dat.gz")
_database: GeoIP2Fast | None = None
_loading = threading.Lock()


def ip_country(ip: str) -> str:
    """ISO 3166-1 alpha-2 code, e.g. "US", or ""."""
    try:
        address = ipaddress.ip_address((ip or "").strip())
    except ValueError:
        return ""
    if address.version == 6 and address.ipv4_mapped:
        address = address.ipv4_mapped
    if not address.is_global:
        return ""
    code = getattr(database().lookup(str(address)), "country_code", "")
    return code if len(code) == 2 and code.isalpha() else ""


def database() -> GeoIP2Fast:
    """Loaded on first use, once per process (about 0.1 s)."""
    global _database
    if _database is None:
        with _loading:
            if _database is None:
                path = str(_IPV6_DATA) if _IPV6_DATA.is_file() else ""
                _database = GeoIP2Fast(geoip2fast_data_file=path)
    return _database
