"""The reader's address: X-Forwarded-For is believed only from a trusted proxy. Pure Python."""

import ipaddress
from collections.abc import Iterable


def client_ip(peer: str, forwarded_for: str, trusted_proxies: Iterable[str]) -> str:
    """Walk X-Forwarded-For from the right while each hop is a trusted proxy.

    The first address not vouched for by a trusted proxy is the client. An untrusted peer's
    header is ignored entirely, so a reader cannot claim a campus address.
    """
    trusted = _networks(trusted_proxies)

    def is_trusted(address: str) -> bool:
        return _within(address, trusted)

    current = peer.strip()
    if not is_trusted(current):
        return current
    hops = [h.strip() for h in forwarded_for.split(",") if h.strip()]
    while hops:
        current = hops.pop()
        try:
            ipaddress.ip_address(current)
        except ValueError:
            return peer.strip()  # a garbled header: fall back to the peer we can see
        if not is_trusted(current):
            return current
    return current


def is_trusted_proxy(peer: str, trusted_proxies: Iterable[str]) -> bool:
    """Whether the address we see is one of our own proxies (whose headers we believe)."""
    return in_networks(peer, trusted_proxies)


def in_networks(address: str, networks: Iterable[str]) -> bool:
    """Whether an address lies in one of these networks ("10.0.0.0/8", "::1", ...)."""
    return _within(address.strip(), _networks(networks))


def _networks(trusted_proxies: Iterable[str]) -> list:
    return [ipaddress.ip_network(p.strip(), strict=False) for p in trusted_proxies if p.strip()]


def _within(address: str, networks: list) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return any(ip.version == net.version and ip in net for net in networks)
