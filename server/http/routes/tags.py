"""HTTP layer: tags on tickets (staff only) and the admins' allow-list (rules: server/helpdesk/tags.py)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Request, Response

from server.helpdesk import tags
from server.http.deps import AdminUser, StaffUser, write
from server.http.desk_schemas import AllowedTagsChange, AllowedTagsIn, TagsIn, TagsOut
from server.http.idempotency import Answer
from server.http.once import Done, Once, write_once
from server.http.routes.tickets import IdempotencyKeyHeader, Number, optional_version
from server.http.schemas import TicketOut
from server.reads import desk
from server.reads.ticket_read import JSON, dumps, ticket_now
from server.storage.models import Event
from server.storage.write_path import plain

router = APIRouter(tags=["tags"])


@router.post("/tickets/{number}/tags", response_model=TicketOut)
def change_tags(
    number: Number,
    data: TagsIn,
    request: Request,
    staff: StaffUser,
    if_match: Annotated[str | None, Header(max_length=40)] = None,
    idempotency_key: IdempotencyKeyHeader = None,
) -> Response:
    """Add and remove tags; answers the ticket. ``If-Match`` is optional (adding and removing
    commute); a tag change leaves the version alone, as customers never see tags."""
    expected = optional_version(if_match)
    once = Once.of(request, idempotency_key, data.model_dump(), if_match)

    def change() -> tuple[Done, list[Event]]:
        ticket, events = tags.change_tags(staff, number, data.add, data.remove, expected)
        return Done(ticket.id, lambda: Answer.of(200, ticket_now(staff, number))), events

    return write_once(request, staff, once, "change", change)


@router.get("/tags", response_model=TagsOut)
def list_tags(staff: StaffUser) -> Response:
    """The allow-list and the tags in use, most used first."""
    return Response(dumps(desk.tags_in_use()), media_type=JSON)


@router.put("/tags/allowed", response_model=TagsOut)
def set_allowed_tags(data: AllowedTagsIn, request: Request, admin: AdminUser) -> Response:
    """Replace the allow-list (admins); ``[]`` lets staff use free words again."""
    write(request, plain(lambda: tags.set_allowed(admin, data.allowed)))
    return Response(dumps(desk.tags_in_use()), media_type=JSON)


@router.post("/tags/allowed", response_model=TagsOut)
def change_allowed_tags(data: AllowedTagsChange, request: Request, admin: AdminUser) -> Response:
    """Put words on the allow-list and take words off (admins); the rest of it stays, so two
    admins at once lose nothing. Taking off the last word is a 422: ``PUT []`` frees the words."""
    write(request, plain(lambda: tags.change_allowed(admin, data.add, data.remove)))
    return Response(dumps(desk.tags_in_use()), media_type=JSON)
