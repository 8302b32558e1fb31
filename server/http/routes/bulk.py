"""HTTP layer: ``POST /tickets/bulk``: one change to many tickets in one round trip.

Each ticket goes through the same rules and the one write path as ``PATCH /tickets/{n}``
and ``POST /tickets/{n}/tags`` (its own transaction, its version check, its events,
mails and webhooks; ``server/helpdesk/bulk.py``); one ticket's refusal (412 changed
meanwhile, 403, 404, 422) is reported and leaves the others alone. The tag words are
checked once, before any ticket: a word that is not one, or not allowed, refuses the
request (422) and changes nothing. Staff only.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response

from server.helpdesk import bulk
from server.http.deps import AppSettings, StaffUser, write
from server.http.desk_schemas import BulkIn, BulkOut
from server.http.errors import DomainError, status_of
from server.reads import desk, pages
from server.reads.ticket_read import JSON, dumps
from server.storage.models import Event, Ticket

router = APIRouter(tags=["tickets"])


@router.post("/tickets/bulk", response_model=BulkOut)
def bulk_change(
    data: BulkIn, request: Request, staff: StaffUser, settings: AppSettings
) -> Response:
    """Set the same fields on every ticket listed, each as of the version given."""
    wanted = data.changes.model_dump(exclude_unset=True)
    if any(k in wanted for k in bulk.TAG_CHANGES):
        wanted["add_tags"], wanted["remove_tags"] = desk.checked_tag_words(
            data.changes.add_tags, data.changes.remove_tags
        )
    changed: list[int] = []
    refused: list[dict[str, Any]] = []
    seen: set[int] = set()
    for item in data.tickets:
        if item.number in seen:
            continue
        seen.add(item.number)

        def change(
            number: int = item.number, version: int = item.version
        ) -> tuple[Ticket, list[Event]]:
            return bulk.change_one(staff, number, version, wanted, settings.sla)

        try:
            write(request, change)
        except DomainError as error:
            refused.append(
                {
                    "number": item.number,
                    "status": status_of(error),
                    "code": error.code,
                    "message": error.message,
                }
            )
        else:
            changed.append(item.number)
    shown = pages.tickets_shown(staff, changed)
    return Response(dumps({"changed": shown, "refused": refused}), media_type=JSON)
