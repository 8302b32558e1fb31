"""The address a request came from, as used for throttling and logs.

``X-Forwarded-For`` is a header any client can write, so it counts only when the
connection itself comes from a reverse proxy the operator listed in
``trusted_proxies``; then the nearest address in the chain that is not a trusted
proxy is the client.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, MutableMapping, Sequence
from typing import Any

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(entries: Iterable[str]) -> tuple[Network, ...]:
    """Networks from addresses or CIDR blocks; raises ValueError for a malformed entry."""
    return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in entries)


def _trusted(address: str, proxies: Sequence[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in proxies)


def client_address(peer: str | None, forwarded_for: str | None, proxies: Sequence[Network]) -> str:
    """The client's address: the TCP peer, unless that peer is a trusted proxy."""
    address = peer or "unknown"
    if not proxies or forwarded_for is None or not _trusted(address, proxies):
        return address
    for hop in reversed([part.strip() for part in forwarded_for.split(",")]):
        try:
            ipaddress.ip_address(hop)
        except ValueError:
            return address  # a garbled chain: fall back to the proxy itself
        if not _trusted(hop, proxies):
            return hop
        address = hop
    return address


def scope_address(scope: MutableMapping[str, Any], proxies: Sequence[Network]) -> str:
    """The client's address for an ASGI ``scope`` (a Starlette request's ``.scope``)."""
    peer = scope.get("client")
    forwarded = dict(scope.get("headers", [])).get(b"x-forwarded-for")
    return client_address(
        peer[0] if peer else None, forwarded.decode("latin-1") if forwarded else None, proxies
    )
