"""Reading the event log without a stream: where it ends now, and what came since.

``GET /events`` pages oldest first, so the newest id is found by a galloping
then binary search with one-event pages (about 2·log2(n) small requests, on a
thread, once at start-up), and each poll reads at most ``MAX_PAGES`` pages.
"""

from __future__ import annotations

from typing import Any

from padcom_cli.client import PadcomClient

MAX_PAGES = 10


def latest_event_id(client: PadcomClient) -> int:
    """The id of the newest event this user may see (0 when there is none)."""

    def beyond(after: int) -> bool:
        return bool(client.events(after=after, limit=1)["items"])

    if not beyond(0):
        return 0
    low, high = 0, 1024  # invariant: an event exists after low
    while beyond(high):
        low, high = high, high * 2
    while high - low > 1:
        middle = (low + high) // 2
        if beyond(middle):
            low = middle
        else:
            high = middle
    return high


def events_since(client: PadcomClient, after: int) -> tuple[list[dict[str, Any]], int]:
    """Events after ``after`` (a bounded number of pages) and the id to poll from next."""
    found: list[dict[str, Any]] = []
    for _ in range(MAX_PAGES):
        page = client.events(after=after, limit=500)
        found.extend(page["items"])
        if found:
            after = int(found[-1]["id"])
        if not page.get("next_cursor"):
            break
    return found, after
