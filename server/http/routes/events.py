"""HTTP layer: the event log as pages, for clients that poll (the live stream builds on the same query).

``/events/latest`` is where a client that shows a snapshot (a queue page) starts
following: asked before the snapshot is read and given to the stream as
``Last-Event-ID``, every change after the snapshot arrives, none falls between.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from server.http.deps import CurrentUser
from server.http.event_shapes import EventPage, LatestEvent
from server.reads import pages

router = APIRouter(tags=["events"])


@router.get("/events", response_model=EventPage)
def list_events(
    user: CurrentUser,
    after: Annotated[int, Query(ge=0, le=2**63 - 1, description="last event id seen")] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> dict[str, Any]:
    """Events after ``after`` that the user may see, oldest first."""
    return pages.events_after(user, after, limit)


@router.get("/events/latest", response_model=LatestEvent)
def latest_event(user: CurrentUser) -> dict[str, int]:
    """The newest event id the user may see (0 when none): a stream's starting point."""
    return {"id": pages.latest_event_id(user)}
