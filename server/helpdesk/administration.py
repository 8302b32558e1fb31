"""Rules layer: what an administrator changes about people, organizations and tokens
(services: server/helpdesk/services.py).

Each function runs inside the caller's write transaction (server/storage/write_path.py),
raises domain errors, and records the change in the audit trail (``audit.record``)
in that same transaction. The API passes the signed-in admin as the actor,
``padcom-server`` the operator at the host. Deactivating or demoting a person
takes effect at once: every token of a deactivated person is revoked, and open
streams re-check role and organization (``announce_access_change``).
"""

from __future__ import annotations

from typing import Any

from server.helpdesk import second_factor
from server.helpdesk.audit import Actor, changed, record
from server.helpdesk.errors import Conflict, Invalid, NotFound
from server.helpdesk.tokens import revoke, revoke_all
from server.storage.models import Organization, Token, User
from server.storage.notify import announce_access_change
from server.storage.write_path import ConstraintRefused
from server.vocabulary import AuditAction, Role

USER_FIELDS = ("name", "role", "active", "organization")
ORG_FIELDS = ("name", "customer_number")


def user_by_id(user_id: int) -> User:
    """A person (never a system account such as the SLA clock). Raises NotFound."""
    found = User.get_or_none(User.id == user_id, User.system == False)  # noqa: E712
    if found is None:
        raise NotFound(f"user {user_id} not found")
    return found


def user_by_email(email: str) -> User:
    """Raises NotFound."""
    found = User.get_or_none(User.email == email.strip().lower())
    if found is None:
        raise NotFound(f"no user with email {email.strip().lower()}")
    return found


def organization_by_id(org_id: int) -> Organization:
    """Raises NotFound."""
    found = Organization.get_or_none(Organization.id == org_id)
    if found is None:
        raise NotFound(f"organization {org_id} not found")
    return found


def _user_values(user: User) -> dict[str, Any]:
    return {
        "name": user.name,
        "role": user.role,
        "active": bool(user.active),
        "organization": user.organization_id,
    }


def change_user(user_id: int, values: dict[str, Any], actor: Actor) -> User:
    """Set ``values`` (name, role, active, organization) on a person; returns them as stored now.

    Streams re-check role and organization at once; deactivating revokes every
    token. Raises NotFound (the person or the organization named), Invalid (a
    customer without organization, staff with one).
    """
    user = user_by_id(user_id)
    before = _user_values(user)
    after = {**before, **{k: v for k, v in values.items() if k in USER_FIELDS}}
    if after["organization"] is not None:
        organization_by_id(after["organization"])
    if after["role"] == Role.CUSTOMER and after["organization"] is None:
        raise Invalid("a customer must belong to an organization")
    if after["role"] != Role.CUSTOMER and after["organization"] is not None:
        raise Invalid("staff do not belong to a customer organization")
    old, new = changed(before, after)
    if new:
        User.update(**new).where(User.id == user.id).execute()
        announce_access_change()  # open streams re-check role and organization now
        record(actor, AuditAction.USER_CHANGED, "user", user.id, user.email, old, new)
    if new.get("active") is False:
        revoke_all(user.id)
    return user_by_id(user_id)


def sign_out_everywhere(user_id: int, actor: Actor) -> int:
    """Revoke every token of a person (a lost laptop, a leaked token); how many. Raises NotFound."""
    user = user_by_id(user_id)
    count = revoke_all(user.id)
    record(actor, AuditAction.USER_SIGNED_OUT, "user", user.id, user.email, after={"tokens": count})
    return count


def reset_second_factor(user_id: int, actor: Actor) -> None:
    """Forget a person's TOTP secret and recovery codes (a lost phone) and sign them out.

    Where their role requires a second factor, their next sign-in enrols anew.
    Raises NotFound.
    """
    user = user_by_id(user_id)
    had = second_factor.remove(user.id)
    revoke_all(user.id)
    record(
        actor,
        AuditAction.USER_TOTP_RESET,
        "user",
        user.id,
        user.email,
        {"totp": had},
        {"totp": False},
    )


def add_organization(name: str, customer_number: str, actor: Actor) -> Organization:
    """Raises Conflict when the name or the customer number is taken."""
    try:
        org = Organization.create(name=name, customer_number=customer_number)
    except ConstraintRefused as exc:
        raise Conflict("an organization with that name or customer number exists") from exc
    record(actor, AuditAction.ORG_ADDED, "organization", org.id, org.name, after={
        "name": name, "customer_number": customer_number})  # fmt: skip
    return org


def change_organization(org_id: int, values: dict[str, Any], actor: Actor) -> Organization:
    """Rename an organization or change its customer number. Raises NotFound, Conflict."""
    org = organization_by_id(org_id)
    before = {"name": org.name, "customer_number": org.customer_number}
    old, new = changed(before, {**before, **{k: v for k, v in values.items() if k in ORG_FIELDS}})
    if new:
        try:
            Organization.update(**new).where(Organization.id == org.id).execute()
        except ConstraintRefused as exc:
            raise Conflict("an organization with that name or customer number exists") from exc
        record(actor, AuditAction.ORG_CHANGED, "organization", org.id, org.name, old, new)
    return organization_by_id(org_id)


def revoke_token(token: Token, actor: Actor) -> None:
    """Revoke one token and note whose it was."""
    owner = User.get_or_none(User.id == token.user_id)
    revoke(token.id)
    label = owner.email if owner is not None else ""
    record(actor, AuditAction.TOKEN_REVOKED, "token", token.id, label, after={
        "user": token.user_id, "name": token.name})  # fmt: skip
