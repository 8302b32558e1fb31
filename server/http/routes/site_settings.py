"""HTTP layer: ``/settings/security``: who must use two-factor sign-in, read by staff, set by admins."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from server.helpdesk import site_settings
from server.helpdesk.audit import Actor
from server.http.deps import AdminUser, StaffUser, write
from server.http.schemas import Strict
from server.storage.write_path import plain

router = APIRouter(tags=["staff"])


class SecurityOut(BaseModel):
    totp_required: list[str]


class SecurityIn(Strict):
    totp_required: list[str] = Field(max_length=8)


def required_roles(request: Request) -> tuple[str, ...]:
    """Who must use two-factor sign-in now: the stored setting, else ``PADCOM_TOTP_REQUIRED``."""
    return site_settings.totp_required(request.app.state.settings.totp_required)


@router.get("/settings/security", response_model=SecurityOut)
def show_security(request: Request, staff: StaffUser) -> dict[str, Any]:
    return {"totp_required": list(required_roles(request))}


@router.put("/settings/security", response_model=SecurityOut)
def change_security(data: SecurityIn, request: Request, admin: AdminUser) -> dict[str, Any]:
    """Set the roles that must use two-factor sign-in (admins always); takes effect at the
    next sign-in in every server process. Recorded in the audit trail."""
    default = request.app.state.settings.totp_required
    roles = write(
        request,
        plain(
            lambda: site_settings.set_totp_required(data.totp_required, default, Actor.of(admin))
        ),
    )
    return {"totp_required": list(roles)}
