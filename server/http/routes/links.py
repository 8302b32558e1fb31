"""HTTP layer: links between tickets ("same outage", "caused by"), shown on both tickets.

Rules: server/helpdesk/links.py. Staff add and remove; anyone who may see the
ticket lists its links (a customer: only those to tickets they may see too).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request, Response

from server.helpdesk import links as rules
from server.http.deps import CurrentUser, StaffUser, write
from server.http.hosting_shapes import LinkIn, LinkOut
from server.reads import incidents_read
from server.storage.models import Event

router = APIRouter(tags=["tickets"])
Number = Annotated[int, Path(ge=1, le=2**31 - 1, description="ticket number")]
LinkId = Annotated[int, Path(ge=1, le=2**31 - 1)]


@router.get("/tickets/{number}/links", response_model=list[LinkOut])
def list_links(number: Number, user: CurrentUser) -> list[dict[str, Any]]:
    """The ticket's links to other tickets and to incidents, oldest first."""
    return incidents_read.links_shown(user, number)


@router.post("/tickets/{number}/links", response_model=list[LinkOut], status_code=201)
def add_link(number: Number, data: LinkIn, request: Request, staff: StaffUser) -> Any:
    """Link another ticket (staff); an event on both. Answers the ticket's links now."""

    def change() -> tuple[list[dict[str, Any]], list[Event]]:
        _, events = rules.link_tickets(staff, number, data.ticket, data.kind.value)
        return rules.links_of(staff, number), events

    return write(request, change)


@router.delete("/tickets/{number}/links/{link_id}", status_code=204)
def remove_link(number: Number, link_id: LinkId, request: Request, staff: StaffUser) -> Response:
    """Remove a link of the ticket (to a ticket or an incident); an event on each end."""

    def change() -> tuple[None, list[Event]]:
        return None, rules.unlink(staff, number, link_id)

    write(request, change)
    return Response(status_code=204)
