"""HTTP layer: macros — many actions on a ticket, or on a selection, in one step (rules: server/helpdesk/macros.py)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Path, Request, Response

from server.helpdesk import macros
from server.helpdesk.errors import DomainError
from server.http.deps import AppSettings, StaffUser, write
from server.http.desk_schemas import MacroBulkIn, MacroBulkOut, MacroIn, MacroOut, MacroPatch
from server.http.errors import status_of
from server.http.idempotency import Answer
from server.http.once import Done, Once, write_once
from server.http.routes.tickets import IdempotencyKeyHeader, Number, optional_version
from server.http.schemas import TicketOut
from server.reads import desk
from server.reads.ticket_read import JSON, dumps, ticket_now
from server.storage.models import Event
from server.storage.write_path import plain

router = APIRouter(tags=["macros"])
Id = Annotated[int, Path(ge=1, le=2**31 - 1, description="macro id")]


@router.get("/macros", response_model=list[MacroOut])
def list_macros(staff: StaffUser) -> list[dict[str, Any]]:
    """The shared macros, then the staff member's own, each by name."""
    return desk.macro_list(staff)


@router.post("/macros", response_model=MacroOut, status_code=201)
def add_macro(data: MacroIn, request: Request, staff: StaffUser) -> dict[str, Any]:
    """A new macro; ``shared`` ones only by admins. Actions are checked now, not when applied."""
    actions = [a.model_dump() for a in data.actions]
    return write(
        request,
        plain(lambda: desk.macro_json(macros.create(staff, data.name, actions, data.shared))),
    )


@router.get("/macros/{macro_id}", response_model=MacroOut)
def show_macro(macro_id: Id, staff: StaffUser) -> dict[str, Any]:
    return desk.macro_one(staff, macro_id)


@router.patch("/macros/{macro_id}", response_model=MacroOut)
def change_macro(
    macro_id: Id, patch: MacroPatch, request: Request, staff: StaffUser
) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if patch.name is not None:
        values["name"] = patch.name
    if patch.actions is not None:
        values["actions"] = [a.model_dump() for a in patch.actions]
    return write(request, plain(lambda: desk.macro_json(macros.change(staff, macro_id, values))))


@router.delete("/macros/{macro_id}", status_code=204)
def delete_macro(macro_id: Id, request: Request, staff: StaffUser) -> Response:
    write(request, plain(lambda: macros.delete(staff, macro_id)))
    return Response(status_code=204)


@router.post("/tickets/{number}/macros/{macro_id}", response_model=TicketOut)
def apply_macro(
    number: Number,
    macro_id: Id,
    request: Request,
    staff: StaffUser,
    settings: AppSettings,
    if_match: Annotated[str | None, Header(max_length=40)] = None,
    idempotency_key: IdempotencyKeyHeader = None,
) -> Response:
    """Apply a macro to one ticket in one change; 412 if it moved on since ``If-Match``."""
    expected = optional_version(if_match)
    once = Once.of(request, idempotency_key, {"macro": macro_id}, if_match)

    def change() -> tuple[Done, list[Event]]:
        ticket, events = macros.apply(staff, macro_id, number, expected, settings.sla)
        return Done(ticket.id, lambda: Answer.of(200, ticket_now(staff, number))), events

    return write_once(request, staff, once, "change", change)


@router.post("/macros/{macro_id}/apply", response_model=MacroBulkOut)
def apply_macro_to_many(
    macro_id: Id, data: MacroBulkIn, request: Request, staff: StaffUser, settings: AppSettings
) -> Response:
    """Apply a macro to each ticket of a selection, each in its own change with its own
    version check: one that fails (stale, gone, refused) is reported and the others still apply."""
    desk.macro_one(staff, macro_id)  # an unknown macro is a 404, not a list of failures
    results: list[dict[str, Any]] = []
    for target in data.tickets:

        def change(number: int = target.number, version: int | None = target.version) -> Any:
            return macros.apply(staff, macro_id, number, version, settings.sla)

        try:
            write(request, change)
        except DomainError as exc:
            error = {"status": status_of(exc), "code": exc.code, "message": exc.message}
            if exc.details:
                error["details"] = exc.details
            results.append({"number": target.number, "ok": False, "ticket": None, "error": error})
            continue
        shown = ticket_now(staff, target.number)
        results.append({"number": target.number, "ok": True, "ticket": shown, "error": None})
    applied = sum(1 for r in results if r["ok"])
    summary = {"applied": applied, "failed": len(results) - applied, "results": results}
    return Response(dumps(summary), media_type=JSON)
