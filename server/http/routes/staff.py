"""HTTP layer: staff-only administration: people, organizations, services and tokens.

Agents may look; only admins create people, change roles or revoke tokens of others.
The rules are in server/helpdesk/administration.py and tokens.py, the shapes in
server/reads/people.py; writes go through the one write path (``deps.write``).
"""

from __future__ import annotations

from typing import Annotated, Any

from anyio import to_thread
from fastapi import APIRouter, Path, Query, Request, Response

from server.helpdesk import administration as admin_rules
from server.helpdesk import password_policy as policy
from server.helpdesk.accounts import create_user
from server.helpdesk.passwords import Passwords
from server.helpdesk.tokens import revoke_as, tokens_of
from server.http.deps import AdminUser, StaffUser, write
from server.http.schemas import (
    OrganizationIn,
    OrganizationOut,
    ServiceIn,
    ServiceOut,
    TokenOut,
    UserAdminOut,
    UserIn,
    UserPatch,
)
from server.reads import people
from server.reads.serialize import org_json, service_json, token_json
from server.storage.write_path import plain
from server.vocabulary import ROLES

router = APIRouter(tags=["staff"])
ROLE_FILTER = f"^({'|'.join([*ROLES, people.STAFF])})$"
"""A role, or ``staff`` for agents and admins."""
Id = Annotated[int, Path(ge=1, le=2**31 - 1)]


@router.get("/users", response_model=list[UserAdminOut])
def list_users(
    staff: StaffUser,
    role: Annotated[str | None, Query(pattern=ROLE_FILTER)] = None,
    organization: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 200,
    q: Annotated[
        str | None, Query(max_length=100, description="in the email, name or organization name")
    ] = None,
) -> list[dict[str, Any]]:
    """People, optionally of one role (``staff`` = agents and admins) or organization, or
    matching ``q``."""
    return people.users(role, organization, limit, q)


@router.post("/users", response_model=UserAdminOut, status_code=201)
async def add_user(data: UserIn, request: Request, admin: AdminUser) -> dict[str, Any]:
    """A new user; the password is hashed on the sign-in pool, like every argon2 use."""
    await to_thread.run_sync(policy.check, data.password, data.email, data.name)
    passwords: Passwords = request.app.state.passwords
    with passwords.admission():
        password_hash = await passwords.hash_async(data.password)

    def change() -> dict[str, Any]:
        user = create_user(
            email=data.email,
            name=data.name,
            role=data.role,
            password_hash=password_hash,
            organization_id=data.organization,
        )
        return people.user_shown(user)

    created: dict[str, Any] = await to_thread.run_sync(write, request, plain(change))
    return created


@router.get("/users/{user_id}", response_model=UserAdminOut)
def show_user(user_id: Id, staff: StaffUser) -> dict[str, Any]:
    return people.user(user_id)


@router.patch("/users/{user_id}", response_model=UserAdminOut)
def change_user(
    user_id: Id, patch: UserPatch, request: Request, admin: AdminUser
) -> dict[str, Any]:
    """Rename, change role or organization, or (de)activate; deactivating revokes tokens."""
    values = patch.model_dump(exclude_unset=True)
    return write(
        request, plain(lambda: people.user_shown(admin_rules.change_user(user_id, values)))
    )


@router.post("/users/{user_id}/revoke-tokens", status_code=204)
def revoke_user_tokens(user_id: Id, request: Request, admin: AdminUser) -> Response:
    """Sign a user out everywhere (a lost laptop, a leaked token)."""
    write(request, plain(lambda: admin_rules.sign_out_everywhere(user_id)))
    return Response(status_code=204)


@router.get("/organizations", response_model=list[OrganizationOut])
def list_organizations(
    staff: StaffUser,
    q: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 200,
) -> list[dict[str, Any]]:
    return people.organizations(q, limit)


@router.post("/organizations", response_model=OrganizationOut, status_code=201)
def add_organization(data: OrganizationIn, request: Request, admin: AdminUser) -> dict[str, Any]:
    return write(
        request,
        plain(lambda: org_json(admin_rules.add_organization(data.name, data.customer_number))),
    )


@router.get("/organizations/{org_id}/services", response_model=list[ServiceOut])
def list_services(org_id: Id, staff: StaffUser) -> list[dict[str, Any]]:
    return people.services(org_id)


@router.post("/organizations/{org_id}/services", response_model=ServiceOut, status_code=201)
def add_service(org_id: Id, data: ServiceIn, request: Request, admin: AdminUser) -> dict[str, Any]:
    values = data.model_dump()
    return write(request, plain(lambda: service_json(admin_rules.add_service(org_id, values))))


@router.get("/tokens", response_model=list[TokenOut])
def list_tokens(
    staff: StaffUser, user: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None
) -> list[dict[str, Any]]:
    """Token metadata (never the secrets): the staff member's own, or any user's for admins."""
    return [token_json(t) for t in tokens_of(staff, user)]


@router.delete("/tokens/{token_id}", status_code=204)
def revoke_token(token_id: Id, request: Request, staff: StaffUser) -> Response:
    write(request, plain(lambda: revoke_as(staff, token_id)))
    return Response(status_code=204)
