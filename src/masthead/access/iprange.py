"""IP ranges as sortable keys, and which ranges a customer may not claim. Pure Python.

Every address maps into one IPv6 key space (IPv4 as ::ffff:a.b.c.d, so an IPv4-mapped
IPv6 peer counts as the IPv4 address) written as 32 hex digits: string order is numeric
order, so the database finds the range holding an address with one index lookup.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

_MAPPED = int(ipaddress.IPv6Address("::ffff:0:0"))

# Documentation ranges (RFC 5737, RFC 3849): refused for customers except in demo mode.
DOCUMENTATION = [
    ipaddress.ip_network(n)
    for n in ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "2001:db8::/32")
]


@dataclass(frozen=True)
class ParsedRange:
    text: str
    first: ipaddress.IPv4Address | ipaddress.IPv6Address
    last: ipaddress.IPv4Address | ipaddress.IPv6Address

    @property
    def start_key(self) -> str:
        return address_key(self.first)

    @property
    def end_key(self) -> str:
        return address_key(self.last)


def address_key(address: str | ipaddress.IPv4Address | ipaddress.IPv6Address) -> str:
    ip = ipaddress.ip_address(address) if isinstance(address, str) else address
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    value = _MAPPED + int(ip) if ip.version == 4 else int(ip)
    return f"{value:032x}"


def parse_range(text: str) -> ParsedRange:
    """'203.0.113.0/24', '2001:db8::/48', '10.0.0.1-10.0.0.9' or a single address."""
    text = text.strip()
    try:
        if "-" in text:
            first_text, last_text = (part.strip() for part in text.split("-", 1))
            first, last = ipaddress.ip_address(first_text), ipaddress.ip_address(last_text)
            if first.version != last.version:
                raise ValueError("both ends must be IPv4 or both IPv6")
            if last < first:
                raise ValueError("the range ends before it starts")
            return ParsedRange(f"{first}-{last}", first, last)
        network = ipaddress.ip_network(text, strict=False)
    except ValueError as error:
        raise ValueError(f"not an IP range: {text[:60]!r} ({error})") from None
    return ParsedRange(str(network), network.network_address, network.broadcast_address)


def refusal(parsed: ParsedRange, allow_documentation: bool = False) -> str:
    """Why a customer may not have this range, or '' when it may."""
    network_types = ipaddress.summarize_address_range(parsed.first, parsed.last)
    for network in network_types:
        if any(network.subnet_of(doc) for doc in DOCUMENTATION if doc.version == network.version):
            if allow_documentation:
                continue
            return "documentation addresses are allowed only in demo mode"
        for flag in (
            "is_private",
            "is_loopback",
            "is_link_local",
            "is_multicast",
            "is_reserved",
            "is_unspecified",
        ):
            if getattr(network, flag):
                return f"{network} is not a public range ({flag.removeprefix('is_')})"
    return ""
