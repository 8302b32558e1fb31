"""HTTP layer: incidents — declare, update, resolve, link tickets; customers read and subscribe.

Rules: server/helpdesk/incidents.py; the JSON each viewer sees:
server/reads/incidents_read.py; subscribers' mails: server/outbox/incident_news.py.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request, Response

from server.helpdesk import incidents as rules
from server.http.deps import AppSettings, CurrentUser, StaffUser, write
from server.http.hosting_shapes import (
    IncidentIn,
    IncidentOut,
    IncidentPatch,
    IncidentResolveIn,
    IncidentTicketIn,
    IncidentUpdateIn,
)
from server.outbox import incident_news
from server.reads import incidents_read
from server.storage.models import Event
from server.storage.write_path import plain

router = APIRouter(tags=["incidents"])
Number = Annotated[int, Path(ge=1, le=2**31 - 1, description="incident number")]
TicketNumber = Annotated[int, Path(ge=1, le=2**31 - 1, description="ticket number")]
Shown = tuple[dict[str, Any], list[Event]]


@router.get("/incidents", response_model=list[IncidentOut])
def list_incidents(
    user: CurrentUser,
    state: Literal["live", "resolved", "all"] = "live",
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> list[dict[str, Any]]:
    """Newest first. Staff: by state; a customer: the open ones hitting their services, and
    the open public ones (``padcom status``)."""
    return incidents_read.listing(user, state, limit)


@router.post("/incidents", response_model=IncidentOut, status_code=201)
def declare(data: IncidentIn, request: Request, staff: StaffUser) -> dict[str, Any]:
    """Declare an incident (acknowledged at once: staff know of it)."""
    values = data.model_dump(mode="json")

    def step() -> Shown:
        found, events = rules.declare(staff, values)
        return incidents_read.incident_json(found, staff), events

    return write(request, step)


@router.get("/incidents/{incident}", response_model=IncidentOut)
def show(incident: Number, user: CurrentUser) -> dict[str, Any]:
    return incidents_read.show(user, incident)


@router.patch("/incidents/{incident}", response_model=IncidentOut)
def change(incident: Number, patch: IncidentPatch, request: Request, staff: StaffUser) -> Any:
    """Edit the title, texts, severity, public flag or what is affected."""
    values = patch.model_dump(mode="json", exclude_unset=True)

    def step() -> Shown:
        found, events = rules.change(staff, incident, values)
        return incidents_read.incident_json(found, staff), events

    return write(request, step)


@router.post("/incidents/{incident}/updates", response_model=IncidentOut, status_code=201)
def post_update(
    incident: Number,
    data: IncidentUpdateIn,
    request: Request,
    staff: StaffUser,
    settings: AppSettings,
) -> Any:
    """An update: public ones reply on every linked open ticket and mail the subscribers."""

    def step() -> Shown:
        found, events, news = rules.post_update(staff, incident, data.body, internal=data.internal)
        incident_news.tell(news, settings.mail)
        return incidents_read.incident_json(found, staff), events

    return write(request, step)


@router.post("/incidents/{incident}/resolve", response_model=IncidentOut)
def resolve(
    incident: Number,
    data: IncidentResolveIn,
    request: Request,
    staff: StaffUser,
    settings: AppSettings,
) -> Any:
    """Resolve it; with ``resolve_tickets`` every open linked ticket is resolved with the
    closing message (one reply each)."""

    def step() -> Shown:
        found, events, news = rules.resolve(
            staff, incident, data.body, settings.sla, resolve_tickets=data.resolve_tickets
        )
        incident_news.tell(news, settings.mail)
        return incidents_read.incident_json(found, staff), events

    return write(request, step)


@router.post("/incidents/{incident}/tickets", response_model=IncidentOut, status_code=201)
def link_ticket(
    incident: Number, data: IncidentTicketIn, request: Request, staff: StaffUser
) -> Any:
    """Link a ticket to the incident (one filed before it, or about another service)."""

    def step() -> Shown:
        events = rules.link_ticket(staff, incident, data.ticket)
        return incidents_read.incident_shown(staff, incident), events

    return write(request, step)


@router.delete("/incidents/{incident}/tickets/{ticket}", status_code=204)
def unlink_ticket(
    incident: Number, ticket: TicketNumber, request: Request, staff: StaffUser
) -> Response:
    def step() -> tuple[None, list[Event]]:
        return None, rules.unlink_ticket(staff, incident, ticket)

    write(request, step)
    return Response(status_code=204)


@router.post("/incidents/{incident}/subscribe", response_model=IncidentOut)
def subscribe(incident: Number, request: Request, user: CurrentUser) -> Any:
    """Hear of the incident's updates by mail instead of filing a ticket."""
    return write(
        request,
        plain(lambda: incidents_read.incident_json(rules.subscribe(user, incident), user)),
    )
