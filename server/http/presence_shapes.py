"""HTTP layer: the shapes of presence, ``POST`` and ``GET /tickets/{n}/presence`` (who of the
staff is on a ticket now; rules: server/helpdesk/presence.py)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from server.http.schemas import Strict, UserOut
from server.vocabulary import PresenceState


class PresenceIn(Strict):
    state: PresenceState


class PresentOut(BaseModel):
    user: UserOut
    state: PresenceState
    expires_at: datetime


class PresenceOut(BaseModel):
    ticket: int
    state: PresenceState
    expires_at: datetime
    others: list[PresentOut]


class OnTicketOut(BaseModel):
    ticket: int
    present: list[PresentOut] = Field(description="everyone on the ticket now, you too if you are")
