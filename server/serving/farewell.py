"""An event stream ends with a last word on shutdown, not in the middle of a chunk.

On SIGTERM sse-starlette used to cancel each stream, so the response ended
without its closing chunk and clients saw a protocol error. Now it sets the
stream's ``shutdown`` event (its cooperative shutdown); the stream sends
``FAREWELL`` — a comment saying why and a ``retry`` hint — and returns, so the
response ends cleanly and the client reconnects (with ``Last-Event-ID``) to
another worker or to the restarted server.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import TypeVar

import anyio

T = TypeVar("T")

FAREWELL = b": server shutting down; reconnect\nretry: 1000\n\n"
"""The stream's last frame: a comment (ignored by every client) and a 1 s reconnect delay."""
GRACE_SECONDS = 2.0
"""How long sse-starlette lets a stream send its farewell before it cancels it."""


async def unless_set(awaitable: Awaitable[T], event: anyio.Event) -> T | None:
    """What ``awaitable`` gives, or None as soon as ``event`` is set (it is then cancelled)."""
    work = asyncio.ensure_future(awaitable)
    if event.is_set():
        work.cancel()
        return None
    stop = asyncio.ensure_future(event.wait())
    try:
        await asyncio.wait((work, stop), return_when=asyncio.FIRST_COMPLETED)
    finally:
        stop.cancel()
        work.cancel()  # no-op when it finished
    return work.result() if work.done() and not work.cancelled() else None
