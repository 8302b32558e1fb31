"""Whether the server is about to send passwords and tokens in the clear.

Serving on loopback without TLS is fine (a reverse proxy or SSH tunnel in front
does the encryption); serving any other address without TLS exposes every
sign-in on the network, so ``padcom-server serve`` warns about it.
"""

from __future__ import annotations

import ipaddress


def is_loopback(host: str) -> bool:
    """Whether ``host`` is reachable only from this machine."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def plaintext_warning(host: str, tls: bool) -> str | None:
    """The warning to print before serving ``host``, or None when there is nothing to fear."""
    if tls or is_loopback(host):
        return None
    return (
        f"warning: serving {host} without TLS: passwords and tokens cross the network in the "
        "clear. Pass --ssl-certfile/--ssl-keyfile, or listen on 127.0.0.1 behind a TLS proxy."
    )
