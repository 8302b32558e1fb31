"""Webhook delivery: an allow-list of targets, an HMAC-SHA256 signature, one JSON POST.

The signature covers ``"<timestamp>." + body`` with the shared secret; receivers
recompute it and reject stale timestamps, so a captured request cannot be
replayed later. Redirects are not followed: a target cannot bounce the server
to an address the allow-list does not name.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import time
from dataclasses import dataclass
from typing import Any

import httpx

from server.outbox.settings import WebhookSettings
from server.reads.ticket_read import dumps

SIGNATURE_HEADER = "X-Padcom-Signature"
TIMESTAMP_HEADER = "X-Padcom-Timestamp"
DELIVERY_HEADER = "X-Padcom-Delivery"
EVENT_HEADER = "X-Padcom-Event"


_DEFAULT_PORTS = {"http": 80, "https": 443}
_ENCODED_SEPARATORS = re.compile(r"%(2e|2f|5c)", re.IGNORECASE)
"""Percent-encoded ``.``, ``/`` and ``\\``: a receiver may decode them into ``../`` after our check."""


_DOWN = (httpx.NetworkError, httpx.TimeoutException, httpx.RemoteProtocolError)
"""What says the receiver is down (refused, reset, silent, hung up), not that this POST is wrong."""


class Unreachable(Exception):
    """The receiver could not be reached (refused, reset, timed out): its destination is down."""


@dataclass(frozen=True)
class Target:
    """A URL as it will be sent: scheme, host (lower-case, IDNA), effective port, raw path."""

    scheme: str
    host: str
    port: int
    path: str
    url: str
    """The normalised URL itself, which is what is POSTed."""

    @property
    def destination(self) -> str:
        """The receiver as one machine: deliveries to it are down or up together."""
        return f"{self.scheme}://{self.host}:{self.port}"


def parse(url: str) -> Target | None:
    """``url`` normalised as httpx (the sender) reads it; None unless plainly http(s)."""
    if "\\" in url:
        return None
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL:
        return None
    host = parsed.raw_host.decode("ascii").lower().rstrip(".")
    if parsed.scheme not in _DEFAULT_PORTS or not host or parsed.userinfo:
        return None
    path = parsed.raw_path.decode("ascii").partition("?")[0]
    if _ENCODED_SEPARATORS.search(path):
        return None
    port = parsed.port or _DEFAULT_PORTS[parsed.scheme]
    return Target(parsed.scheme, host, port, path or "/", str(parsed))


def _matches(target: Target, entry: str) -> bool:
    if "://" in entry:  # a URL prefix: same scheme, host and port, and a path below it
        prefix = parse(entry)
        if prefix is None or (prefix.scheme, prefix.host, prefix.port) != (
            target.scheme,
            target.host,
            target.port,
        ):
            return False
        base = prefix.path if prefix.path.endswith("/") else prefix.path + "/"
        return target.path == prefix.path or target.path.startswith(base)
    host = parse(f"{target.scheme}://{entry}/")  # a host, with a port if it names one
    return host is not None and (host.host, host.port) == (target.host, target.port)


def checked(url: str, allow: tuple[str, ...]) -> Target | None:
    """``url`` normalised, if the allow-list lets it through; None otherwise.

    Both sides are compared normalised: scheme, host and port exactly (a host
    entry means its scheme's default port unless it names one), and for an entry
    with ``://`` the path below it at a segment boundary, after dot segments are
    resolved (``https://a.example/hooks/../admin`` is not under ``/hooks``;
    percent-encoded dots and slashes are refused outright). Credentials in the
    URL are refused.
    """
    target = parse(url)
    if target is None:
        return None
    return target if any(_matches(target, entry) for entry in allow) else None


def allowed(url: str, allow: tuple[str, ...]) -> bool:
    """Whether ``url`` may be sent to (see ``checked``)."""
    return checked(url, allow) is not None


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """``sha256=<hex>``: HMAC-SHA256 of ``timestamp + "." + body`` under ``secret``."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def post(
    client: httpx.Client, settings: WebhookSettings, url: str, payload: dict[str, Any], key: str
) -> str | None:
    """POST one delivery; returns None on a 2xx, else what went wrong (to retry).

    Raises ``Unreachable`` when the receiver could not be reached at all.
    """
    body = dumps(payload["body"])  # as the API writes JSON: its ticket is GET's, byte for byte
    timestamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "padcom-webhooks/1",
        TIMESTAMP_HEADER: timestamp,
        SIGNATURE_HEADER: signature(settings.secret, timestamp, body),
        DELIVERY_HEADER: key,
        EVENT_HEADER: str(payload["kind"]),
    }
    try:
        response = client.post(url, content=body, headers=headers, timeout=settings.timeout_seconds)
    except _DOWN as exc:
        raise Unreachable(f"POST failed: {type(exc).__name__}: {exc}") from exc
    except httpx.HTTPError as exc:
        return f"POST failed: {type(exc).__name__}: {exc}"
    if 200 <= response.status_code < 300:
        return None
    return f"HTTP {response.status_code} from the receiver"
