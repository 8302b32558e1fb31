"""Staff-only administration: people, organizations, services and tokens.

Agents may look; only admins create people, change roles or revoke tokens of others.
"""

from __future__ import annotations

from typing import Annotated, Any

from anyio import to_thread
from fastapi import APIRouter, Path, Query, Request, Response
from peewee import IntegrityError

from server.helpdesk import password_policy as policy
from server.helpdesk.accounts import create_user
from server.helpdesk.passwords import Passwords
from server.helpdesk.tokens import revoke, revoke_all
from server.http.deps import AdminUser, StaffUser
from server.http.errors import Conflict, NotFound
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
from server.live.journal import announce_access_change
from server.reads.serialize import (
    Related,
    org_json,
    service_json,
    token_json,
    user_admin_json,
)
from server.storage.db import db
from server.storage.models import Organization, Service, Token, User
from server.vocabulary import ROLES, STAFF_ROLES, Role

router = APIRouter(tags=["staff"])
Id = Annotated[int, Path(ge=1, le=2**31 - 1)]

ROLE_FILTER = f"^({'|'.join([*ROLES, 'staff'])})$"
"""A role, or ``staff`` for agents and admins."""


def _user(user_id: int) -> User:
    found = User.get_or_none(User.id == user_id)
    if found is None:
        raise NotFound(f"user {user_id} not found")
    return found


def _org(org_id: int) -> Organization:
    found = Organization.get_or_none(Organization.id == org_id)
    if found is None:
        raise NotFound(f"organization {org_id} not found")
    return found


def _user_out(user: User) -> dict[str, Any]:
    return user_admin_json(user, Related(org_ids=[user.organization_id], viewer=None))


@router.get("/users", response_model=list[UserAdminOut])
def list_users(
    staff: StaffUser,
    role: Annotated[str | None, Query(pattern=ROLE_FILTER)] = None,
    organization: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 200,
) -> list[dict[str, Any]]:
    """People, optionally of one role (``staff`` = agents and admins) or organization."""
    with db.connection_context():
        query = User.select().order_by(User.id).limit(limit)
        if role == "staff":
            query = query.where(User.role.in_(STAFF_ROLES))
        elif role:
            query = query.where(User.role == role)
        if organization:
            query = query.where(User.organization == organization)
        users = list(query)
        related = Related(org_ids=[u.organization_id for u in users], viewer=None)
        return [user_admin_json(u, related) for u in users]


def _create(data: UserIn, password_hash: str) -> dict[str, Any]:
    with db.connection_context(), db.atomic():
        user = create_user(
            email=data.email,
            name=data.name,
            role=data.role,
            password_hash=password_hash,
            organization_id=data.organization,
        )
        return _user_out(user)


@router.post("/users", response_model=UserAdminOut, status_code=201)
async def add_user(data: UserIn, request: Request, admin: AdminUser) -> dict[str, Any]:
    """A new user; the password is hashed on the sign-in pool, like every argon2 use."""
    await to_thread.run_sync(policy.check, data.password, data.email, data.name)
    passwords: Passwords = request.app.state.passwords
    with passwords.admission():
        password_hash = await passwords.hash_async(data.password)
    created: dict[str, Any] = await to_thread.run_sync(_create, data, password_hash)
    return created


@router.get("/users/{user_id}", response_model=UserAdminOut)
def show_user(user_id: Id, staff: StaffUser) -> dict[str, Any]:
    with db.connection_context():
        return _user_out(_user(user_id))


@router.patch("/users/{user_id}", response_model=UserAdminOut)
def change_user(user_id: Id, patch: UserPatch, admin: AdminUser) -> dict[str, Any]:
    """Rename, change role or organization, or (de)activate; deactivating revokes tokens."""
    values = patch.model_dump(exclude_unset=True)
    with db.connection_context(), db.atomic():
        user = _user(user_id)
        if "organization" in values and values["organization"] is not None:
            _org(values["organization"])
        if values:
            User.update(**values).where(User.id == user.id).execute()
            announce_access_change()  # open streams re-check role and organization now
        if values.get("active") is False:
            revoke_all(user.id)
        return _user_out(_user(user_id))


@router.post("/users/{user_id}/revoke-tokens", status_code=204)
def revoke_user_tokens(user_id: Id, admin: AdminUser) -> Response:
    """Sign a user out everywhere (a lost laptop, a leaked token)."""
    with db.connection_context(), db.atomic():
        revoke_all(_user(user_id).id)
    return Response(status_code=204)


@router.get("/organizations", response_model=list[OrganizationOut])
def list_organizations(
    staff: StaffUser,
    q: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 200,
) -> list[dict[str, Any]]:
    with db.connection_context():
        query = Organization.select().order_by(Organization.name).limit(limit)
        if q:
            query = query.where(Organization.name.contains(q))
        return [org_json(o) for o in query]


@router.post("/organizations", response_model=OrganizationOut, status_code=201)
def add_organization(data: OrganizationIn, admin: AdminUser) -> dict[str, Any]:
    with db.connection_context():
        try:
            with db.atomic():
                org = Organization.create(name=data.name, customer_number=data.customer_number)
        except IntegrityError as exc:
            raise Conflict("an organization with that name or customer number exists") from exc
        return org_json(org)


@router.get("/organizations/{org_id}/services", response_model=list[ServiceOut])
def list_services(org_id: Id, staff: StaffUser) -> list[dict[str, Any]]:
    with db.connection_context():
        org = _org(org_id)
        return [service_json(s) for s in Service.select().where(Service.organization == org.id)]


@router.post("/organizations/{org_id}/services", response_model=ServiceOut, status_code=201)
def add_service(org_id: Id, data: ServiceIn, admin: AdminUser) -> dict[str, Any]:
    with db.connection_context(), db.atomic():
        org = _org(org_id)
        return service_json(Service.create(organization=org.id, **data.model_dump()))


@router.get("/tokens", response_model=list[TokenOut])
def list_tokens(
    staff: StaffUser, user: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None
) -> list[dict[str, Any]]:
    """Token metadata (never the secrets): the staff member's own, or any user's for admins."""
    owner = user if user is not None and staff.role == Role.ADMIN else staff.id
    with db.connection_context():
        rows = Token.select().where(Token.user == owner).order_by(Token.id.desc()).limit(200)
        return [token_json(t) for t in rows]


@router.delete("/tokens/{token_id}", status_code=204)
def revoke_token(token_id: Id, staff: StaffUser) -> Response:
    with db.connection_context():
        token = Token.get_or_none(Token.id == token_id)
        if token is None or (token.user_id != staff.id and staff.role != Role.ADMIN):
            raise NotFound(f"token {token_id} not found")
        revoke(token.id)
    return Response(status_code=204)
