"""HTTP layer: ``POST /tickets/bulk``: one change to many tickets in one round trip.

Each ticket goes through the same rule and the one write path as ``PATCH /tickets/{n}``
(its own transaction, its version check, its events, mails and webhooks); one
ticket's refusal (412 changed meanwhile, 403, 404, 422) is reported and leaves the
others alone. Staff only. Actions other helpers add (tags, merge) plug in as fields
of ``BulkChanges`` handled by ``tickets.update_ticket``.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response

from server.helpdesk import tickets
from server.http.deps import AppSettings, StaffUser, write
from server.http.errors import DomainError, status_of
from server.http.schemas import BulkIn, BulkOut
from server.reads import pages
from server.reads.ticket_read import JSON, dumps
from server.storage.models import Event, Ticket

router = APIRouter(tags=["tickets"])


@router.post("/tickets/bulk", response_model=BulkOut)
def bulk_change(
    data: BulkIn, request: Request, staff: StaffUser, settings: AppSettings
) -> Response:
    """Set the same fields on every ticket listed, each as of the version given."""
    wanted = data.changes.model_dump(exclude_unset=True)
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
            return tickets.update_ticket(staff, number, version, wanted, settings.sla)

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
