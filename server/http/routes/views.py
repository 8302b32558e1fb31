"""HTTP layer: saved views, ``GET/POST/PATCH/DELETE /views`` (rules: server/helpdesk/views.py).

Staff only. An agent's own views and the shared ones an admin makes; the filters are
checked as ``GET /tickets`` checks them before anything is stored.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request, Response

from server.helpdesk import views as rules
from server.http.deps import StaffUser, write
from server.http.schemas import ViewIn, ViewOut, ViewPatch
from server.reads import pages
from server.storage.write_path import plain

router = APIRouter(tags=["views"])
Id = Annotated[int, Path(ge=1, le=2**31 - 1)]


@router.get("/views", response_model=list[ViewOut])
def list_views(staff: StaffUser) -> list[dict[str, Any]]:
    """The agent's own views and the shared ones, in the order of the number keys."""
    return pages.views(staff)


@router.post("/views", response_model=ViewOut, status_code=201)
def add_view(data: ViewIn, request: Request, staff: StaffUser) -> dict[str, Any]:
    """A view of one's own, or (``shared``, admins) one every agent sees."""
    pages.check_view_filters(data.filters, staff)
    values = data.model_dump(exclude={"shared"})
    return write(
        request,
        plain(lambda: rules.view_json(rules.create_view(staff, values, data.shared), staff)),
    )


@router.patch("/views/{view_id}", response_model=ViewOut)
def change_view(
    view_id: Id, patch: ViewPatch, request: Request, staff: StaffUser
) -> dict[str, Any]:
    values = patch.model_dump(exclude_unset=True)
    if patch.filters is not None:
        pages.check_view_filters(patch.filters, staff)
    return write(
        request,
        plain(lambda: rules.view_json(rules.change_view(staff, view_id, values), staff)),
    )


@router.delete("/views/{view_id}", status_code=204)
def delete_view(view_id: Id, request: Request, staff: StaffUser) -> Response:
    write(request, plain(lambda: rules.delete_view(staff, view_id)))
    return Response(status_code=204)
