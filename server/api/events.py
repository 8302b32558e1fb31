"""The event log as pages, for clients that poll (the live stream builds on the same query)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from server.api.deps import CurrentUser
from server.db import db
from server.models import Event
from server.schemas import EventPage
from server.serialize import events_json
from server.visibility import visible_events

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
            visible_events(user).where(Event.id > after).order_by(Event.id).limit(limit + 1)
        )
        more = len(rows) > limit
        rows = rows[:limit]
        return {
            "items": events_json(rows),
            "next_cursor": str(rows[-1].id) if more else None,
        }
