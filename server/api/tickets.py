"""Tickets, their conversation and their history."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Header, Path, Query, Request, Response
from peewee import IntegrityError

from server import tickets
from server.api.deps import AppSettings, CurrentUser, write
from server.db import db
from server.errors import ApiError, PreconditionRequired
from server.listing import SortName, TicketFilters, apply_filters, page
from server.models import Event, Message
from server.schemas import (
    EventOut,
    MessageIn,
    MessageOut,
    TicketIn,
    TicketOut,
    TicketPage,
    TicketPatch,
)
from server.serialize import events_json, messages_json
from server.ticket_read import JSON, dumps, read_tickets, ticket_response
from server.visibility import get_ticket, visible_messages, visible_tickets

router = APIRouter(tags=["tickets"])

Number = Annotated[int, Path(ge=1, le=2**31 - 1, description="ticket number")]
ETAG = re.compile(r'^\s*(?:W/)?"?(\d{1,9})"?\s*$')
IDEMPOTENCY_KEY = re.compile(r"^[\x21-\x7e]{1,200}$")


@router.get("/tickets", response_model=TicketPage)
def list_tickets(
    user: CurrentUser,
    status: Annotated[str | None, Query(max_length=100, description="comma-separated")] = None,
    priority: Annotated[str | None, Query(max_length=100)] = None,
    category: Annotated[str | None, Query(max_length=100)] = None,
    assignee: Annotated[str | None, Query(max_length=12, description="id, me or none")] = None,
    requester: Annotated[str | None, Query(max_length=12, description="id or me")] = None,
    organization: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
    q: Annotated[str | None, Query(max_length=200, description="text in subject or body")] = None,
    sort: SortName = "-number",
    cursor: Annotated[str | None, Query(max_length=400)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
) -> Response:
    """A page of the tickets the user may see, newest first unless sorted otherwise."""
    filters = TicketFilters(status, priority, category, assignee, requester, organization, q)
    with db.connection_context():
        query = apply_filters(visible_tickets(user), filters, user)
        numbers, next_cursor = page(query, sort, cursor, limit)
        items = read_tickets(user, numbers)
    return Response(dumps({"items": items, "next_cursor": next_cursor}), media_type=JSON)


@router.post("/tickets", response_model=TicketOut, status_code=201)
def create_ticket(
    data: TicketIn,
    request: Request,
    user: CurrentUser,
    settings: AppSettings,
    idempotency_key: Annotated[str | None, Header(max_length=200)] = None,
) -> Response:
    """File a ticket. A retry with the same ``Idempotency-Key`` returns the first ticket."""
    ttl = timedelta(hours=settings.idempotency_ttl_hours)
    idempotency = None
    if idempotency_key is not None:
        if not IDEMPOTENCY_KEY.match(idempotency_key):
            raise ApiError("Idempotency-Key must be 1-200 printable ASCII characters")
        idempotency = (idempotency_key, tickets.request_fingerprint(data))
    try:
        ticket, replayed = write(
            request, lambda: tickets.create_ticket(user, data, settings.sla, idempotency, ttl)
        )
    except IntegrityError:
        if idempotency is None:
            raise
        # a concurrent create with the same key committed first: answer with its ticket
        with db.connection_context():
            found = tickets.find_idempotent(user, idempotency[0], idempotency[1], ttl)
        if found is None:
            raise
        ticket, replayed = found, True
    answer = ticket_response(user, ticket.id, status_code=201)
    if replayed:
        answer.headers["Idempotent-Replayed"] = "true"
    return answer


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


@router.patch("/tickets/{number}", response_model=TicketOut)
def update_ticket(
    number: Number,
    patch: TicketPatch,
    request: Request,
    user: CurrentUser,
    settings: AppSettings,
    if_match: Annotated[str | None, Header(max_length=40)] = None,
) -> Response:
    """Change fields of a ticket; 412 if it changed since the version in ``If-Match``."""
    expected = _expected_version(if_match)
    write(request, lambda: tickets.update_ticket(user, number, expected, patch, settings.sla))
    return ticket_response(user, number)


@router.delete("/tickets/{number}", status_code=204)
def delete_ticket(number: Number, request: Request, user: CurrentUser) -> Response:
    """Hide the ticket from customers; staff keep it and its history."""
    write(request, lambda: (None, tickets.delete_ticket(user, number)))
    return Response(status_code=204)


@router.get("/tickets/{number}/messages", response_model=list[MessageOut])
def list_messages(number: Number, user: CurrentUser) -> list[dict[str, Any]]:
    """The conversation, oldest first; customers never see internal notes."""
    with db.connection_context():
        ticket = get_ticket(user, number)
        rows = list(visible_messages(user, ticket).order_by(Message.id).limit(1000))
        return messages_json(rows, user)


@router.post("/tickets/{number}/messages", response_model=MessageOut, status_code=201)
def add_message(
    number: Number, data: MessageIn, request: Request, user: CurrentUser
) -> dict[str, Any]:
    """Reply on a ticket (or, for staff, leave an internal note)."""

    def change() -> tuple[Any, list[Event]]:
        message, _ticket, events = tickets.add_message(user, number, data.body, data.internal)
        return message, events

    message = write(request, change)
    with db.connection_context():
        return messages_json([message], user)[0]


@router.get("/tickets/{number}/events", response_model=list[EventOut])
def ticket_history(number: Number, user: CurrentUser) -> list[dict[str, Any]]:
    """Everything that happened to a ticket, oldest first."""
    with db.connection_context():
        ticket = get_ticket(user, number)
        query = Event.select().where(Event.ticket == ticket.id)
        if not user.is_staff:
            query = query.where(Event.internal == False)  # noqa: E712
        return events_json(list(query.order_by(Event.id).limit(1000)), user)
