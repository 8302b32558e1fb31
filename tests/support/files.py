"""Test support: a file uploaded the way a client uploads one (``POST /uploads``), over HTTP."""

from __future__ import annotations

from typing import Any

import httpx


def upload(api: httpx.Client, name: str, data: bytes, **headers: str) -> dict[str, Any]:
    """Upload ``data`` as ``name``; the pending upload's JSON, failing loudly on anything but 201."""
    reply = api.post("/uploads", params={"name": name}, content=data, headers=headers)
    assert reply.status_code == 201, reply.text
    shown: dict[str, Any] = reply.json()
    return shown
