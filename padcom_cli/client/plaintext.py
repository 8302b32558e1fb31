"""A password or a token never crosses a network in clear without the user's say-so.

``http://`` is fine to this machine (loopback: 127.0.0.0/8, ::1, ``localhost``);
to any other host a sniffer on the way reads the password or the token, so the
CLI refuses unless the user accepted it: ``padcom login --insecure`` (kept in
the config file for that one URL) or ``PADCOM_INSECURE=1`` (for scripts).
Every path that sends a secret asks ``guard`` first: ``login``, every command
with the saved token (``session.signed_in``) and the event stream (``watch``),
so a plain-http URL saved earlier, or set in ``PADCOM_URL``, is caught too.
``padcom-admin`` follows the same rule through ``check`` (at start with the saved
token, and on its sign-in screen), showing the warning its own way.
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
    warning = check(url, accepted=accepted, what=what)
    if warning:
        sys.stderr.write(f"padcom: warning: {warning}\n")


def check(url: str, *, accepted: bool, what: str = "token") -> str | None:
    """The rule of ``guard`` without the printing: None when ``what`` may go to ``url``, a
    warning to show when it goes in clear with the user's leave, InsecureTransport when not."""
    if not in_clear(url):
        return None
    if accepted or os.environ.get(INSECURE_ENV) == "1":
        return f"your {what} goes unencrypted to {url} (no https)"
    raise InsecureTransport(
        f"refusing to send your {what} unencrypted to {url}: use https://, "
        f"or accept the risk with `padcom login --url {url} --insecure` (or {INSECURE_ENV}=1)"
    )
