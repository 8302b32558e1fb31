"""A password or a token never crosses a network in clear without the user's say-so.

``http://`` is fine to this machine (loopback: 127.0.0.0/8, ::1, ``localhost``);
to any other host a sniffer on the way reads the password or the token, so the
CLI refuses unless the user accepted it: ``padcom login --insecure`` (kept in
the config file for that one URL) or ``PADCOM_INSECURE=1`` (for scripts).
Every path that sends a secret asks ``guard`` first: ``login``, every command
with the saved token (``session.signed_in``) and the event stream (``watch``),
so a plain-http URL saved earlier, or set in ``PADCOM_URL``, is caught too.
"""

from __future__ import annotations

import ipaddress
import os
import sys
from urllib.parse import urlsplit

from padcom_cli.client.errors import InsecureTransport

INSECURE_ENV = "PADCOM_INSECURE"


def in_clear(url: str) -> bool:
    """Whether a secret sent to ``url`` would cross a network unencrypted."""
    parts = urlsplit(url)
    if parts.scheme.lower() != "http":
        return parts.scheme.lower() != "https"
    host = (parts.hostname or "").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return False
    try:
        return not ipaddress.ip_address(host).is_loopback
    except ValueError:
        return True  # a host name: it may resolve anywhere


def guard(url: str, *, accepted: bool, what: str = "token") -> None:
    """Raise InsecureTransport before ``what`` goes to ``url`` in clear, unless ``accepted``
    (then warn on stderr: the user should still know)."""
    if not in_clear(url):
        return
    if accepted or os.environ.get(INSECURE_ENV) == "1":
        sys.stderr.write(f"padcom: warning: your {what} goes unencrypted to {url} (no https)\n")
        return
    raise InsecureTransport(
        f"refusing to send your {what} unencrypted to {url}: use https://, "
        f"or accept the risk with `padcom login --url {url} --insecure` (or {INSECURE_ENV}=1)"
    )
