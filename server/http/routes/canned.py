"""HTTP layer: canned replies, shared (admins manage) or an agent's own (rules: server/helpdesk/canned.py)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response

from server.helpdesk import canned
from server.http.deps import StaffUser, write
from server.http.desk_schemas import CannedIn, CannedOut, CannedPatch, PlaceholdersOut, RenderedOut
from server.reads import desk
from server.storage.write_path import plain

router = APIRouter(tags=["canned replies"])
Id = Annotated[int, Path(ge=1, le=2**31 - 1, description="canned reply id")]


@router.get("/canned-replies", response_model=list[CannedOut])
def list_canned(staff: StaffUser) -> list[dict[str, Any]]:
    """The shared replies, then the staff member's own, each by name."""
    return desk.canned_list(staff)


@router.get("/canned-replies/placeholders", response_model=PlaceholdersOut)
def list_placeholders(staff: StaffUser) -> dict[str, Any]:
    """Every ``{placeholder}`` a body may name."""
    return {"placeholders": list(canned.PLACEHOLDERS)}


@router.post("/canned-replies", response_model=CannedOut, status_code=201)
def add_canned(data: CannedIn, request: Request, staff: StaffUser) -> dict[str, Any]:
    """A new reply; ``shared`` ones only by admins. An unknown placeholder is a 422."""
    return write(
        request,
        plain(lambda: desk.canned_json(canned.create(staff, data.name, data.body, data.shared))),
    )


@router.get("/canned-replies/{reply_id}", response_model=CannedOut)
def show_canned(reply_id: Id, staff: StaffUser) -> dict[str, Any]:
    return desk.canned_one(staff, reply_id)


@router.get("/canned-replies/{reply_id}/rendered", response_model=RenderedOut)
def render_canned(
    reply_id: Id,
    staff: StaffUser,
    ticket: Annotated[int, Query(ge=1, le=2**31 - 1, description="the ticket it answers")],
) -> dict[str, Any]:
    """The reply with ticket ``ticket``'s values filled in, ready to edit and send."""
    return desk.canned_rendered(staff, reply_id, ticket)


@router.patch("/canned-replies/{reply_id}", response_model=CannedOut)
def change_canned(
    reply_id: Id, patch: CannedPatch, request: Request, staff: StaffUser
) -> dict[str, Any]:
    values = {k: v for k, v in patch.model_dump(exclude_unset=True).items() if v is not None}
    return write(request, plain(lambda: desk.canned_json(canned.change(staff, reply_id, values))))


@router.delete("/canned-replies/{reply_id}", status_code=204)
def delete_canned(reply_id: Id, request: Request, staff: StaffUser) -> Response:
    write(request, plain(lambda: canned.delete(staff, reply_id)))
    return Response(status_code=204)
