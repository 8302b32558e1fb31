"""HTTP layer: staff-only administration: people, organizations, services and tokens.

Agents may look; only admins create or invite people, change roles, reset a second
factor or revoke tokens of others. The rules are in server/helpdesk/administration.py,
mailed_codes.py and tokens.py, the shapes in server/reads/people.py; writes go
through the one write path (``deps.write``) and each is in the audit trail.
"""

from __future__ import annotations

from typing import Annotated, Any

from anyio import to_thread
from fastapi import APIRouter, Path, Query, Request, Response

from server.helpdesk import administration as admin_rules
from server.helpdesk import mailed_codes
from server.helpdesk import password_policy as policy
from server.helpdesk import services as service_rules
from server.helpdesk.accounts import create_user
from server.helpdesk.audit import Actor, record
from server.helpdesk.passwords import Passwords
from server.helpdesk.tokens import revocable_by, tokens_of
from server.http.admin_schemas import (
    InvitationIn,
    OrganizationIn,
    OrganizationPatch,
    ServiceIn,
    UserIn,
    UserPatch,
)
from server.http.deps import AdminUser, StaffUser, write
from server.http.schemas import OrganizationOut, ServiceOut, TokenOut, UserAdminOut
from server.reads import people
from server.reads.serialize import org_json, service_json, token_json
from server.storage.write_path import plain
from server.vocabulary import ROLES, AuditAction

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
        after = {"role": data.role, "organization": data.organization, "name": data.name}
        record(Actor.of(admin), AuditAction.USER_ADDED, "user", user.id, user.email, after=after)
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
        request,
        plain(lambda: people.user_shown(admin_rules.change_user(user_id, values, Actor.of(admin)))),
    )


@router.post("/users/{user_id}/revoke-tokens", status_code=204)
def revoke_user_tokens(user_id: Id, request: Request, admin: AdminUser) -> Response:
    """Sign a user out everywhere (a lost laptop, a leaked token)."""
    write(request, plain(lambda: admin_rules.sign_out_everywhere(user_id, Actor.of(admin))))
    return Response(status_code=204)


@router.post("/users/{user_id}/reset-totp", status_code=204)
def reset_user_totp(user_id: Id, request: Request, admin: AdminUser) -> Response:
    """Forget a person's second factor (a lost phone) and sign them out everywhere."""
    write(request, plain(lambda: admin_rules.reset_second_factor(user_id, Actor.of(admin))))
    return Response(status_code=204)


def _sender(request: Request) -> str | None:
    mail = request.app.state.settings.mail
    return mail.sender if mail.enabled else None


def _wake_outbox(request: Request) -> None:
    worker = getattr(request.app.state, "outbox_worker", None)
    if worker is not None:
        worker.wake()


@router.post("/invitations", response_model=UserAdminOut, status_code=201)
def invite_user(data: InvitationIn, request: Request, admin: AdminUser) -> dict[str, Any]:
    """A new person without a password: they get a mail with a one-time code to set one.

    Nobody sends passwords by mail; the code works once, for ``PADCOM_INVITATION_HOURS``.
    """
    hours = request.app.state.settings.invitation_hours

    def change() -> dict[str, Any]:
        user, _code = mailed_codes.invite(
            Actor.of(admin),
            email=data.email,
            name=data.name,
            role=data.role,
            organization_id=data.organization,
            hours=hours,
            sender=_sender(request),
        )
        return people.user_shown(user)

    made = write(request, plain(change))
    _wake_outbox(request)
    return made


@router.post("/users/{user_id}/invite", status_code=204)
def reinvite_user(user_id: Id, request: Request, admin: AdminUser) -> Response:
    """Send someone who has not accepted yet a fresh invitation (the old code stops working)."""
    hours = request.app.state.settings.invitation_hours

    def change() -> None:
        user = admin_rules.user_by_id(user_id)
        mailed_codes.reinvite(Actor.of(admin), user, hours, _sender(request))

    write(request, plain(change))
    _wake_outbox(request)
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
        plain(
            lambda: org_json(
                admin_rules.add_organization(data.name, data.customer_number, Actor.of(admin))
            )
        ),
    )


@router.patch("/organizations/{org_id}", response_model=OrganizationOut)
def change_organization(
    org_id: Id, patch: OrganizationPatch, request: Request, admin: AdminUser
) -> dict[str, Any]:
    """Rename an organization or change its customer number (409 when taken)."""
    values = patch.model_dump(exclude_unset=True)
    return write(
        request,
        plain(lambda: org_json(admin_rules.change_organization(org_id, values, Actor.of(admin)))),
    )


@router.get("/organizations/{org_id}/services", response_model=list[ServiceOut])
def list_services(org_id: Id, staff: StaffUser) -> list[dict[str, Any]]:
    return people.services(org_id)


@router.post("/organizations/{org_id}/services", response_model=ServiceOut, status_code=201)
def add_service(org_id: Id, data: ServiceIn, request: Request, admin: AdminUser) -> dict[str, Any]:
    values = data.model_dump(mode="json")
    return write(
        request,
        plain(lambda: service_json(service_rules.add_service(org_id, values, Actor.of(admin)))),
    )


@router.get("/tokens", response_model=list[TokenOut])
def list_tokens(
    staff: StaffUser, user: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None
) -> list[dict[str, Any]]:
    """Token metadata (never the secrets): the staff member's own, or any user's for admins."""
    return [token_json(t) for t in tokens_of(staff, user)]


@router.delete("/tokens/{token_id}", status_code=204)
def revoke_token(token_id: Id, request: Request, staff: StaffUser) -> Response:
    actor = Actor.of(staff)
    write(request, plain(lambda: admin_rules.revoke_token(revocable_by(staff, token_id), actor)))
    return Response(status_code=204)
