"""Webhook delivery: an allow-list of targets, an HMAC-SHA256 signature, one JSON POST.

The signature covers ``"<timestamp>." + body`` with the shared secret; receivers
recompute it and reject stale timestamps, so a captured request cannot be
replayed later. Redirects are not followed: a target cannot bounce the server
to an address the allow-list does not name.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from typing import Any
from urllib.parse import urlsplit

import httpx

from server.outbox.settings import WebhookSettings

SIGNATURE_HEADER = "X-Padcom-Signature"
TIMESTAMP_HEADER = "X-Padcom-Timestamp"
DELIVERY_HEADER = "X-Padcom-Delivery"
EVENT_HEADER = "X-Padcom-Event"


def allowed(url: str, allow: tuple[str, ...]) -> bool:
    """Whether ``url`` is an http(s) URL whose host, or which as a whole, the allow-list names.

    An entry with ``://`` is a URL prefix, matched only at a path boundary
    (``https://a.example/hooks`` does not let ``https://a.example/hooks-evil`` or
    ``https://a.example/hooks@evil.example`` through); any other entry is a host name.
    """
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
    except ValueError:
        return False
    if parts.scheme not in ("http", "https") or not host or parts.username or parts.password:
        return False
    for entry in allow:
        if "://" in entry:
            if url == entry or (
                url.startswith(entry) and (entry.endswith("/") or url[len(entry)] in "/?#")
            ):
                return True
        elif host == entry.lower():
            return True
    return False


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """``sha256=<hex>``: HMAC-SHA256 of ``timestamp + "." + body`` under ``secret``."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def post(
    client: httpx.Client, settings: WebhookSettings, url: str, payload: dict[str, Any], key: str
) -> str | None:
    """POST one delivery; returns None on a 2xx, else what went wrong (to retry)."""
    body = json.dumps(payload["body"], separators=(",", ":"), sort_keys=True).encode()
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
    except httpx.HTTPError as exc:
        return f"POST failed: {type(exc).__name__}: {exc}"
    if 200 <= response.status_code < 300:
        return None
    return f"HTTP {response.status_code} from the receiver"
