"""The event log as pages, for clients that poll (the live stream builds on the same query).

``/events/latest`` is where a client that shows a snapshot (a queue page) starts
following: asked before the snapshot is read and given to the stream as
``Last-Event-ID``, every change after the snapshot arrives, none falls between.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from peewee import fn

from server.helpdesk.visibility import visible_events
from server.http.deps import CurrentUser
from server.http.schemas import EventPage, LatestEvent
from server.reads.serialize import events_json
from server.storage import event_horizon
from server.storage.db import db
from server.storage.models import Event

router = APIRouter(tags=["events"])


@router.get("/events", response_model=EventPage)
def list_events(
    user: CurrentUser,
    after: Annotated[int, Query(ge=0, le=2**63 - 1, description="last event id seen")] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> dict[str, Any]:
    """Events after ``after`` that the user may see, oldest first."""
    with db.connection_context():
        rows = list(
            visible_events(user)
            .where(Event.id > after, Event.id <= event_horizon.horizon())
            .order_by(Event.id)
            .limit(limit + 1)
        )
        more = len(rows) > limit
        rows = rows[:limit]
        return {
            "items": events_json(rows, user),
            "next_cursor": str(rows[-1].id) if more else None,
        }


@router.get("/events/latest", response_model=LatestEvent)
def latest_event(user: CurrentUser) -> dict[str, int]:
    """The newest event id the user may see (0 when none): a stream's starting point."""
    with db.connection_context():
        upto = event_horizon.horizon()  # never an id a later commit could come in under
        newest = visible_events(user).select(fn.MAX(Event.id)).where(Event.id <= upto).scalar()
        return {"id": int(newest or 0)}
