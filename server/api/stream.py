"""``GET /events/stream``: the event log as Server-Sent Events, live.

The bearer token is checked by a dependency, so a bad one is a 401 before the
stream starts. Each SSE ``id`` is the Event id; a client reconnecting with
``Last-Event-ID`` (header, or ``last_event_id`` in the query) gets every event
after it that it may see, then the live ones, without gap or repeat. The
stream is a coroutine waiting on its queue: hundreds of idle streams cost no
thread, and the database is read only when the hub is woken by a commit.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import AsyncIterator, Hashable
from typing import Annotated

import anyio
from fastapi import APIRouter, Depends, Header, Query, Request
from fastapi.security import HTTPAuthorizationCredentials
from sse_starlette import EventSourceResponse

from server.api.deps import CurrentUser, bearer
from server.config import Settings
from server.db import db
from server.errors import ApiError
from server.live.hub import Hub
from server.live.reader import latest_event_id
from server.models import User
from server.serving.farewell import FAREWELL, GRACE_SECONDS, unless_set
from server.tokens import authenticate
from server.visibility import audience

router = APIRouter(tags=["events"])
EVENT_ID = re.compile(r"^\s*(\d{1,18})\s*$")
SEND_TIMEOUT = 30.0
"""A client that takes longer than this to accept a write is disconnected."""


def _still_allowed(secret: str, was: Hashable) -> bool:
    """Whether the token still works and its user still sees what the stream was opened for."""
    with db.connection_context():
        found = authenticate(secret)
    return found is not None and audience(found[0]) == was


async def _events(
    hub: Hub, user: User, cursor: int, secret: str, recheck: float, shutdown: anyio.Event
) -> AsyncIterator[bytes]:
    """Each batch the hub hands over, as one write of ready-encoded SSE frames.

    Every ``recheck`` seconds the token is checked again: a revoked or expired
    token, a deactivated user or one moved to another organization ends the
    stream, and the client's reconnect then gets its 401. On ``shutdown`` (and when the
    hub lets go) the last frame is the farewell that tells the client to reconnect.
    """
    subscriber = hub.subscribe(user, cursor)
    was = audience(user)
    checked = time.monotonic()
    try:
        while True:
            due = checked + recheck - time.monotonic()
            try:
                async with asyncio.timeout(max(due, 0.0)):  # a timer; shutdown wakes it too
                    batch = await unless_set(subscriber.queue.get(), shutdown)
            except TimeoutError:
                batch = []
            if time.monotonic() - checked >= recheck:
                if not await anyio.to_thread.run_sync(_still_allowed, secret, was):
                    return
                checked = time.monotonic()
            if batch is None:  # the hub let go (too far behind) or shutdown: client resumes
                yield FAREWELL
                return
            if batch:
                yield b"".join(frame for _, frame in batch)
    finally:
        hub.unsubscribe(subscriber)


def _resume_point(header: str | None, query: int | None) -> int | None:
    """The last event id the client saw: the header (sent on reconnect) wins over the query."""
    if header is not None:
        found = EVENT_ID.match(header)
        if not found:
            raise ApiError("Last-Event-ID must be an event id")
        return int(found.group(1))
    return query


@router.get(
    "/events/stream",
    response_class=EventSourceResponse,
    responses={200: {"content": {"text/event-stream": {}}, "description": "endless event stream"}},
)
async def event_stream(
    request: Request,
    user: CurrentUser,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    last_event_id_header: Annotated[
        str | None, Header(alias="Last-Event-ID", max_length=40, include_in_schema=False)
    ] = None,
    last_event_id: Annotated[
        int | None, Query(ge=0, le=10**18, description="resume after this event id")
    ] = None,
) -> EventSourceResponse:
    """Every event the user may see, as it commits; ``data`` is an Event, ``id`` its id."""
    cursor = _resume_point(last_event_id_header, last_event_id)
    if cursor is None:
        cursor = await anyio.to_thread.run_sync(latest_event_id)
    hub: Hub = request.app.state.hub
    settings: Settings = request.app.state.settings
    assert credentials is not None  # CurrentUser refused the request otherwise
    shutdown = anyio.Event()
    return EventSourceResponse(
        _events(
            hub, user, cursor, credentials.credentials, settings.live_recheck_seconds, shutdown
        ),
        ping=settings.live_heartbeat_seconds,
        send_timeout=SEND_TIMEOUT,
        shutdown_event=shutdown,
        shutdown_grace_period=GRACE_SECONDS,
    )
