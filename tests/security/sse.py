"""Reading a bounded piece of the live event stream, as a client would."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx


def read_until(
    base_url: str,
    token: str,
    stop: Callable[[dict[str, Any]], bool],
    *,
    after: int = 0,
    limit: int = 500,
) -> list[dict[str, Any]]:
    """Events from the stream (replayed from ``after``) up to the first one ``stop`` accepts.

    Bounded: at most ``limit`` events, and a read timeout ends a silent stream.
    """
    return [
        json.loads(data)
        for data in read_data_until(base_url, token, stop, after=after, limit=limit)
    ]


def read_data_until(
    base_url: str,
    token: str,
    stop: Callable[[dict[str, Any]], bool],
    *,
    after: int = 0,
    limit: int = 500,
) -> list[str]:
    """As ``read_until``, each event's ``data`` as the server wrote it (to compare bytes)."""
    seen: list[str] = []
    with (
        httpx.Client(base_url=base_url, timeout=httpx.Timeout(10, read=10)) as client,
        client.stream(
            "GET",
            "/api/v1/events/stream",
            params={"last_event_id": after},
            headers={"Authorization": f"Bearer {token}"},
        ) as reply,
    ):
        assert reply.status_code == 200, reply.read()
        for line in reply.iter_lines():
            if not line.startswith("data:") or not line[5:].strip():
                continue
            data = line[5:].removeprefix(" ")
            seen.append(data)
            if stop(json.loads(data)) or len(seen) >= limit:
                break
    return seen
