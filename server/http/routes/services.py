"""HTTP layer: the services organizations rent, as staff manage them, and their open incidents.

Rules: server/helpdesk/services.py; a customer sees their own services in
``GET /me`` and may ask which open incidents hit one of them.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request

from server.helpdesk import services as rules
from server.helpdesk.audit import Actor
from server.http.admin_schemas import ServiceNew, ServicePatch
from server.http.deps import CurrentUser, StaffUser, write
from server.http.hosting_shapes import IncidentOut
from server.http.schemas import StaffServiceOut
from server.reads import incidents_read, people
from server.reads.serialize import staff_service_json
from server.storage.write_path import plain
from server.vocabulary import ServiceState

router = APIRouter(tags=["services"])
Id = Annotated[int, Path(ge=1, le=2**31 - 1)]
Place = Annotated[str | None, Query(max_length=100)]


@router.get("/services", response_model=list[StaffServiceOut])
def list_services(
    staff: StaffUser,
    organization: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
    server: Place = None,
    datacenter: Place = None,
    state: ServiceState | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> list[dict[str, Any]]:
    """Services, oldest first, by organization, server, datacenter or state."""
    return people.found_services(organization, server, datacenter, state, limit)


@router.post("/services", response_model=StaffServiceOut, status_code=201)
def add_service(data: ServiceNew, request: Request, staff: StaffUser) -> dict[str, Any]:
    """A new service of an organization: kind, label, plan, where it runs, its state."""
    values = data.model_dump(mode="json")
    org = values.pop("organization")
    return write(
        request, plain(lambda: staff_service_json(rules.add_service(org, values, Actor.of(staff))))
    )


@router.get("/services/{service_id}", response_model=StaffServiceOut)
def show_service(service_id: Id, staff: StaffUser) -> dict[str, Any]:
    return people.service(service_id)


@router.patch("/services/{service_id}", response_model=StaffServiceOut)
def change_service(
    service_id: Id, patch: ServicePatch, request: Request, staff: StaffUser
) -> dict[str, Any]:
    """Suspend, cancel or reactivate a service, move it to another server, change its addresses."""
    values = patch.model_dump(mode="json", exclude_unset=True)
    return write(
        request,
        plain(
            lambda: staff_service_json(rules.change_service(service_id, values, Actor.of(staff)))
        ),
    )


@router.get("/services/{service_id}/incidents", response_model=list[IncidentOut])
def service_incidents(service_id: Id, user: CurrentUser) -> list[dict[str, Any]]:
    """The open incidents that hit a service (a customer's own, or any for staff)."""
    return incidents_read.service_incidents(user, service_id)
