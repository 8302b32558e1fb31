"""``GET /events/stream``: the event log as Server-Sent Events, live.

The bearer token is checked by a dependency, so a bad one is a 401 before the
stream starts. Each SSE ``id`` is the Event id; a client reconnecting with
``Last-Event-ID`` (header, or ``last_event_id`` in the query) gets every event
after it that it may see, then the live ones, without gap or repeat. The
stream is a coroutine waiting on its queue: hundreds of idle streams cost no
thread, and the database is read only when the hub is woken by a commit.

Each user and each client address holds a bounded number of streams (429
with ``Retry-After`` past it); a stream resumes at most
``StreamLimits.replay_window`` events back (410 beyond: the client reloads)
and reads that history itself, a page at a time and a few streams at once per
process, so a resuming crowd never delays anyone's live events.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Annotated, cast

import anyio
from fastapi import APIRouter, Header, Query, Request
from sse_starlette import EventSourceResponse, ServerSentEvent

from server.config import Settings
from server.http.client_address import scope_address
from server.http.deps import CurrentUser
from server.http.errors import ApiError, Gone, TooManyRequests
from server.live import leases
from server.live.hub import Hub, Subscriber
from server.live.reader import latest_event_id, replay_page
from server.live.settings import StreamLimits
from server.serving.farewell import FAREWELL, GRACE_SECONDS
from server.storage.models import User

router = APIRouter(tags=["events"])
EVENT_ID = re.compile(r"^\s*(\d{1,18})\s*$")
SEND_TIMEOUT = 30.0
"""A client that takes longer than this to accept a write is disconnected."""


class _Heartbeat(ServerSentEvent):
    """sse-starlette's ping: a comment line that keeps proxies and read timeouts awake.

    No empty line follows it. Clients that keep the last event id for the next block
    (httpx-sse 0.4, r3labs/sse) hand out every block an empty line ends, data or none, as
    an event with that id: a heartbeat after event 127 reached them as 127 again. The
    line becomes part of the next event's block, where every SSE parser skips it.
    """

    def encode(self) -> bytes:
        return b": heartbeat\r\n"


class _LetGoAtShutdown:
    """sse-starlette's ``shutdown_event``: it calls ``set()`` when the server begins to stop.

    The hub then lets go of every stream, so each generator sends its farewell,
    returns, and its response ends properly; cancelled mid-stream, uvicorn would log "ASGI
    callable returned without completing response" as an error. The clients
    reconnect with Last-Event-ID and miss nothing.
    """

    def __init__(self, hub: Hub) -> None:
        self.hub = hub

    def set(self) -> None:
        self.hub.close()


async def _replay(
    subscriber: Subscriber, limits: StreamLimits, slots: anyio.Semaphore
) -> AsyncIterator[bytes]:
    """The history after the subscriber's cursor, a page at a time, then hand it to the hub."""
    cursor = subscriber.cursor
    while True:
        async with slots:
            if subscriber.closed:
                return  # the hub let go meanwhile (signed out, say)
            latest, page = await anyio.to_thread.run_sync(
                replay_page, subscriber.user, cursor, limits.replay_page
            )
        if page:
            yield b"".join(frame for _, frame in page)
        if len(page) < limits.replay_page:
            cursor = latest  # everything up to it is read (or the log was reset: from here)
            break
        cursor = page[-1][0]
    subscriber.cursor = cursor


async def _events(request: Request, user: User, cursor: int, lease_id: int) -> AsyncIterator[bytes]:
    """The replayed history, then each batch the hub hands over, as ready-encoded SSE frames.

    The hub ends the stream (``None``) when its token is revoked or expires, or its
    user is deactivated, changes role or organization; the client's reconnect then
    gets its 401 or its new view.
    """
    hub: Hub = request.app.state.hub
    limits: StreamLimits = request.app.state.settings.streams
    slots: anyio.Semaphore = request.app.state.replay_slots
    subscriber = hub.subscribe(
        user, cursor, token_id=request.state.token_id, replaying=True, lease_id=lease_id
    )
    try:
        async for chunk in _replay(subscriber, limits, slots):
            yield chunk
        if not subscriber.closed:
            hub.caught_up(subscriber, subscriber.cursor)
            while (batch := await subscriber.queue.get()) is not None:
                if batch:
                    yield b"".join(frame for _, frame in batch)
        # The hub let go (too far behind, revoked, shutting down), while replaying or live:
        # the client reconnects and resumes (or hears its 401).
        yield FAREWELL
    finally:
        hub.unsubscribe(subscriber)
        leases.release(lease_id)


def _resume_point(header: str | None, query: int | None) -> int | None:
    """The last event id the client saw: the header (sent on reconnect) wins over the query."""
    if header is not None:
        found = EVENT_ID.match(header)
        if not found:
            raise ApiError("Last-Event-ID must be an event id")
        return int(found.group(1))
    return query


async def _open(request: Request, user: User, cursor: int | None) -> tuple[int, int]:
    """Check the resume point and the caps and take a lease: (cursor, lease id).

    Raises Gone (410) for a resume point too far back, TooManyRequests (429) past a cap.
    """
    settings: Settings = request.app.state.settings
    limits = settings.streams
    latest = await anyio.to_thread.run_sync(latest_event_id)
    if cursor is None:
        cursor = latest
    elif latest - cursor > limits.replay_window:
        raise Gone(
            f"event {cursor} is more than {limits.replay_window} events ago and is no longer "
            "replayed: reload what you show, then follow from GET /api/v1/events/latest",
            details={"latest": latest},
        )
    address = scope_address(request.scope, request.app.state.trusted_proxies)
    lease = await anyio.to_thread.run_sync(leases.claim, user.id, address, limits)
    if lease is None:
        raise TooManyRequests(
            f"too many open event streams (at most {limits.per_user} per account and "
            f"{limits.per_address} per address); close one or try again later",
            retry_after=leases.RETRY_AFTER_SECONDS,
        )
    return cursor, lease


@router.get(
    "/events/stream",
    response_class=EventSourceResponse,
    responses={200: {"content": {"text/event-stream": {}}, "description": "endless event stream"}},
)
async def event_stream(
    request: Request,
    user: CurrentUser,
    last_event_id_header: Annotated[
        str | None, Header(alias="Last-Event-ID", max_length=40, include_in_schema=False)
    ] = None,
    last_event_id: Annotated[
        int | None, Query(ge=0, le=10**18, description="resume after this event id")
    ] = None,
) -> EventSourceResponse:
    """Every event the user may see, as it commits; ``data`` is an Event, ``id`` its id.

    429 (``Retry-After``) past the per-account or per-address cap of open streams;
    410 when the resume point is older than the replay window.
    """
    resume = _resume_point(last_event_id_header, last_event_id)
    cursor, lease_id = await _open(request, user, resume)
    settings: Settings = request.app.state.settings
    return EventSourceResponse(
        _events(request, user, cursor, lease_id),
        ping=settings.live_heartbeat_seconds,
        ping_message_factory=_Heartbeat,
        send_timeout=SEND_TIMEOUT,
        shutdown_event=cast(anyio.Event, _LetGoAtShutdown(request.app.state.hub)),
        shutdown_grace_period=GRACE_SECONDS,
    )
