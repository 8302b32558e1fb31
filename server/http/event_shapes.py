"""HTTP layer: the shapes of the event log — a ticket's or an incident's change, a page of them.

Beside ``schemas.py`` (which would pass 400 lines with them). An Event names either
its ticket or its incident (``server/helpdesk/incident_events.py``), never both.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from server.http.schemas import UserOut


class EventOut(BaseModel):
    id: int
    ticket: int | None = Field(description="the ticket changed; null for an incident's event")
    incident: int | None = Field(description="the incident changed; null for a ticket's event")
    kind: str
    actor: UserOut
    changes: dict[str, Any]
    internal: bool
    at: datetime


class EventPage(BaseModel):
    items: list[EventOut]
    next_cursor: str | None


class LatestEvent(BaseModel):
    id: int = Field(description="the newest event id the user may see; 0 when there is none")
