"""HTTP layer: tickets, their conversation and their history (rules: server/helpdesk/tickets.py)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Header, Path, Query, Request, Response

from server.helpdesk import attachments, incidents, tickets
from server.http.deps import AppSettings, CurrentUser
from server.http.errors import ApiError, PreconditionRequired
from server.http.event_shapes import EventOut
from server.http.idempotency import Answer
from server.http.once import Done, Once, write_once
from server.http.schemas import (
    MessageIn,
    MessageOut,
    TicketIn,
    TicketOut,
    TicketPage,
    TicketPatch,
    fingerprinted,
)
from server.http.ticket_response import ticket_response
from server.reads import pages, search
from server.reads.listing import DELETED_PATTERN, SORT_PATTERN, TicketFilters
from server.reads.ticket_read import JSON, dumps, ticket_now
from server.storage.models import Event

router = APIRouter(tags=["tickets"])

Number = Annotated[int, Path(ge=1, le=2**31 - 1, description="ticket number")]
ETAG = re.compile(r'^\s*(?:W/)?"?(\d{1,9})"?\s*$')


@router.get("/tickets", response_model=TicketPage)
def list_tickets(
    user: CurrentUser,
    status: Annotated[str | None, Query(max_length=100, description="comma-separated")] = None,
    priority: Annotated[str | None, Query(max_length=100, description="comma-separated")] = None,
    category: Annotated[str | None, Query(max_length=100, description="comma-separated")] = None,
    assignee: Annotated[
        str | None, Query(max_length=200, description="comma-separated: ids, me, none")
    ] = None,
    requester: Annotated[
        str | None, Query(max_length=200, description="comma-separated: ids, me")
    ] = None,
    organization: Annotated[
        str | None, Query(max_length=200, description="comma-separated ids")
    ] = None,
    q: Annotated[
        str | None,
        Query(max_length=200, description="search: words in any text, a customer, a service"),
    ] = None,
    server: Annotated[str | None, Query(max_length=400, description="comma-separated")] = None,
    datacenter: Annotated[str | None, Query(max_length=400, description="comma-separated")] = None,
    incident: Annotated[int | None, Query(ge=1, le=2**31 - 1, description="linked to it")] = None,
    tag: Annotated[
        str | None, Query(max_length=400, description="staff: any of these tags, comma-separated")
    ] = None,
    idle: Annotated[
        str | None, Query(max_length=6, description="not changed for this long: 12h, 3d")
    ] = None,
    deleted: Annotated[
        str, Query(pattern=DELETED_PATTERN, description="false, true (only deleted) or any")
    ] = "false",
    sort: Annotated[
        str, Query(pattern=SORT_PATTERN, description="a column, '-' before it for descending")
    ] = "-number",
    cursor: Annotated[str | None, Query(max_length=1000)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
) -> Response:
    """A page of the tickets the user may see, newest first unless sorted otherwise.

    Tickets their customer deleted are left out unless ``deleted=true`` (or ``any``).
    With ``q``: the search's hits, best first, each with its ``match``.
    """
    filters = TicketFilters(
        status=status,
        priority=priority,
        category=category,
        assignee=assignee,
        requester=requester,
        organization=organization,
        q=q,
        tag=tag,
        deleted=deleted,
        idle=idle,
        server=server,
        datacenter=datacenter,
        incident=incident,
    )
    if q is not None and q.strip():
        found = search.search_page(user, filters, limit, cursor, sort)
        return Response(dumps(found), media_type=JSON)
    return Response(dumps(pages.ticket_page(user, filters, sort, cursor, limit)), media_type=JSON)


IdempotencyKeyHeader = Annotated[
    str | None,
    Header(max_length=200, description="retry-safe: a repeat answers as the first time"),
]


def _ticket_answer(user: Any, number: int, status: int = 200) -> Callable[[], Answer]:
    def answer() -> Answer:
        return Answer.of(status, ticket_now(user, number))

    return answer


@router.post("/tickets", response_model=TicketOut, status_code=201)
def create_ticket(
    data: TicketIn,
    request: Request,
    user: CurrentUser,
    settings: AppSettings,
    idempotency_key: IdempotencyKeyHeader = None,
) -> Response:
    """File a ticket (with your uploads as ``attachments``). A retry with the same
    ``Idempotency-Key`` returns the first ticket."""
    once = Once.of(request, idempotency_key, fingerprinted(data))
    fields = data.model_dump()
    files = fields.pop("attachments")
    new = tickets.NewTicket(**fields)

    def change() -> tuple[Done, list[Event]]:
        ticket, events = tickets.create_ticket(user, new, settings.sla)
        attachments.attach(user, files, ticket, None, False, settings.files)
        events += incidents.join_incidents(ticket, user)  # filed during an outage: it joins
        return Done(ticket.id, _ticket_answer(user, ticket.id, 201)), events

    return write_once(request, user, once, "create", change)


@router.get("/tickets/{number}", response_model=TicketOut)
def show_ticket(number: Number, user: CurrentUser) -> Response:
    """One ticket, with its version as ETag (send it back in If-Match to edit)."""
    return ticket_response(user, number)


def _expected_version(if_match: str | None) -> int:
    if if_match is None:
        raise PreconditionRequired('send If-Match: "<version>" with the version you last saw')
    found = ETAG.match(if_match)
    if not found:
        raise ApiError('If-Match must be a ticket version such as "3"')
    return int(found.group(1))


def optional_version(if_match: str | None) -> int | None:
    """The version in an optional ``If-Match``; a malformed one is a 400."""
    return None if if_match is None else _expected_version(if_match)


IfMatchHeader = Annotated[
    str | None, Header(max_length=40, description='the ticket version you last saw: "3"')
]


@router.patch("/tickets/{number}", response_model=TicketOut)
def update_ticket(
    number: Number,
    patch: TicketPatch,
    request: Request,
    user: CurrentUser,
    settings: AppSettings,
    if_match: Annotated[str | None, Header(max_length=40)] = None,
    idempotency_key: IdempotencyKeyHeader = None,
) -> Response:
    """Change fields of a ticket; 412 if it changed since the version in ``If-Match``."""
    expected = _expected_version(if_match)
    wanted = patch.model_dump(exclude_unset=True)
    once = Once.of(request, idempotency_key, wanted, str(expected))

    def change() -> tuple[Done, list[Event]]:
        ticket, events = tickets.update_ticket(user, number, expected, wanted, settings.sla)
        return Done(ticket.id, _ticket_answer(user, number)), events

    return write_once(request, user, once, "change", change)


@router.delete("/tickets/{number}", status_code=204)
def delete_ticket(
    number: Number,
    request: Request,
    user: CurrentUser,
    idempotency_key: IdempotencyKeyHeader = None,
) -> Response:
    """Hide the ticket from customers; staff keep it and its history."""
    once = Once.of(request, idempotency_key, None)

    def change() -> tuple[Done, list[Event]]:
        ticket_id, events = tickets.delete_ticket(user, number)
        return Done(ticket_id, lambda: Answer(204)), events

    return write_once(request, user, once, "change", change)


@router.get("/tickets/{number}/messages", response_model=list[MessageOut])
def list_messages(number: Number, user: CurrentUser) -> list[dict[str, Any]]:
    """The conversation, oldest first; customers never see internal notes."""
    return pages.conversation(user, number)


@router.post("/tickets/{number}/messages", response_model=MessageOut, status_code=201)
def add_message(
    number: Number,
    data: MessageIn,
    request: Request,
    user: CurrentUser,
    settings: AppSettings,
    if_match: IfMatchHeader = None,
    idempotency_key: IdempotencyKeyHeader = None,
) -> Response:
    """Reply on a ticket (or, for staff, leave an internal note), with your uploads as
    ``attachments``: a note's files are staff-only, as the note is. ``If-Match`` is
    optional: with it, a ticket that moved on (someone replied while you wrote) is a 412."""
    expected = optional_version(if_match)
    once = Once.of(request, idempotency_key, fingerprinted(data), if_match)

    def change() -> tuple[Done, list[Event]]:
        message, ticket, events = tickets.add_message(
            user, number, data.body, data.internal, data.status, expected
        )
        attachments.attach(
            user, data.attachments, ticket, message.id, message.internal, settings.files
        )

        def answer() -> Answer:
            shown = MessageOut.model_validate(pages.message_shown(user, message))
            return Answer(201, shown.model_dump_json().encode())

        return Done(ticket.id, answer), events

    return write_once(request, user, once, "reply", change)


@router.get("/tickets/{number}/events", response_model=list[EventOut])
def ticket_history(number: Number, user: CurrentUser) -> list[dict[str, Any]]:
    """Everything that happened to a ticket, oldest first."""
    return pages.history(user, number)
