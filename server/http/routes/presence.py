"""HTTP layer: ``POST /tickets/{n}/presence``, a staff member says they are viewing or writing;
``GET`` says who is on the ticket now.

The rules and why are in server/helpdesk/presence.py; the announcement is an
internal event on the stream (staff only). The answer says until when it holds
and who else is on the ticket now; ``GET`` answers the same without announcing
anything, so a screen (or a script) learns who is there before the stream's next event.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from server.helpdesk import presence
from server.http.deps import StaffUser, write
from server.http.presence_shapes import OnTicketOut, PresenceIn, PresenceOut
from server.http.routes.tickets import Number
from server.reads import pages
from server.storage.models import Event

router = APIRouter(tags=["tickets"])


@router.post("/tickets/{number}/presence", response_model=PresenceOut)
def announce_presence(
    number: Number, data: PresenceIn, request: Request, user: StaffUser
) -> dict[str, Any]:
    """Viewing or writing on this ticket (``left`` ends it); holds 30 s unless renewed.

    Staff only (403 for a customer); 404 for a ticket that does not exist.
    """

    def change() -> tuple[dict[str, Any], list[Event]]:
        return presence.announce(user, number, data.state)

    announced = write(request, change)
    return {**announced, "others": pages.others_present(user, number)}


@router.get("/tickets/{number}/presence", response_model=OnTicketOut)
def who_is_on(number: Number, user: StaffUser) -> dict[str, Any]:
    """Who of the staff is viewing or writing on this ticket now (you too, if you are).

    Staff only (403 for a customer); 404 for a ticket that does not exist.
    """
    return pages.on_ticket(user, number)
