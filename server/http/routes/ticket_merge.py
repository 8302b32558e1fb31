"""HTTP layer: merge a duplicate into another ticket and undo it (staff); rate a resolution.

Rules: server/helpdesk/merge.py and server/helpdesk/satisfaction.py. Every change
goes through ``write_once`` like the other ticket writes (Idempotency-Key,
limits, the one write path); both merge routes answer with the duplicate's JSON.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Request, Response

from server.helpdesk import merge, satisfaction
from server.http.deps import CurrentUser, StaffUser
from server.http.once import Done, Once, write_once
from server.http.routes.tickets import (
    IdempotencyKeyHeader,
    Number,
    _expected_version,
    _ticket_answer,
)
from server.http.schemas import MergeIn, RatingIn, TicketOut
from server.storage.models import Event

router = APIRouter(tags=["tickets"])

IfMatch = Annotated[
    str | None, Header(max_length=40, description="the duplicate's version last seen")
]


@router.post("/tickets/{number}/merge", response_model=TicketOut)
def merge_ticket(
    number: Number,
    data: MergeIn,
    request: Request,
    user: StaffUser,
    if_match: IfMatch = None,
    idempotency_key: IdempotencyKeyHeader = None,
) -> Response:
    """Merge ticket ``number`` (``If-Match``: its version) into ``into`` (``into_version``).

    The duplicate is closed with ``merged_into`` set; the target lists it in ``merged``
    and shows its conversation and history. 409 across organizations unless
    ``across_organizations`` is true; 412 if either ticket changed.
    """
    expected = _expected_version(if_match)
    once = Once.of(request, idempotency_key, data.model_dump(), str(expected))

    def change() -> tuple[Done, list[Event]]:
        ticket, events = merge.merge(
            user, number, data.into, expected, data.into_version, data.across_organizations
        )
        return Done(ticket.id, _ticket_answer(user, number)), events

    return write_once(request, user, once, "change", change)


@router.post("/tickets/{number}/unmerge", response_model=TicketOut)
def unmerge_ticket(
    number: Number,
    request: Request,
    user: StaffUser,
    if_match: IfMatch = None,
    idempotency_key: IdempotencyKeyHeader = None,
) -> Response:
    """Undo the merge of ticket ``number``: the pointer goes and its status before comes back."""
    expected = _expected_version(if_match)
    once = Once.of(request, idempotency_key, None, str(expected))

    def change() -> tuple[Done, list[Event]]:
        ticket, events = merge.unmerge(user, number, expected)
        return Done(ticket.id, _ticket_answer(user, number)), events

    return write_once(request, user, once, "change", change)


@router.post("/tickets/{number}/rating", response_model=TicketOut, status_code=201)
def rate_ticket(
    number: Number,
    data: RatingIn,
    request: Request,
    user: CurrentUser,
    idempotency_key: IdempotencyKeyHeader = None,
) -> Response:
    """The requester rates the latest resolution ``good`` or ``bad`` (once per resolution)."""
    once = Once.of(request, idempotency_key, data.model_dump())

    def change() -> tuple[Done, list[Event]]:
        ticket, events = satisfaction.rate(user, number, data.rating, data.comment)
        return Done(ticket.id, _ticket_answer(user, number, 201)), events

    return write_once(request, user, once, "change", change)
