"""Read models: people, organizations, services and tokens as the staff API and ``/me`` show them.

Each function opens its own connection (a route's one database step) unless it
says it runs inside the caller's transaction.
"""

from __future__ import annotations

from typing import Any

from server.helpdesk.administration import organization_by_id, user_by_id
from server.reads.serialize import (
    Related,
    org_json,
    service_json,
    single_user_json,
    user_admin_json,
)
from server.storage.db import db
from server.storage.models import Organization, Service, User
from server.vocabulary import STAFF_ROLES

STAFF = "staff"
"""The role filter that means agents and admins."""


def user_shown(user: User) -> dict[str, Any]:
    """A person as an admin sees them (in the caller's transaction or connection)."""
    return user_admin_json(user, Related(org_ids=[user.organization_id], viewer=None))


def users(
    role: str | None, organization: int | None, limit: int, q: str | None = None
) -> list[dict[str, Any]]:
    """People, oldest first, optionally of one role (``staff``: agents and admins) or
    organization, or whose email, name or organization's name contains ``q`` (the
    customer lookup of the admin app's "new ticket for a customer")."""
    with db.connection_context():
        query = User.select().order_by(User.id).limit(limit)
        if q:
            orgs = Organization.select(Organization.id).where(Organization.name.contains(q))
            query = query.where(
                User.email.contains(q) | User.name.contains(q) | User.organization.in_(orgs)
            )
        if role == STAFF:
            query = query.where(User.role.in_(STAFF_ROLES))
        elif role:
            query = query.where(User.role == role)
        if organization:
            query = query.where(User.organization == organization)
        found = list(query)
        related = Related(org_ids=[u.organization_id for u in found], viewer=None)
        return [user_admin_json(u, related) for u in found]


def user(user_id: int) -> dict[str, Any]:
    """One person as an admin sees them. Raises NotFound."""
    with db.connection_context():
        return user_shown(user_by_id(user_id))


def organizations(q: str | None, limit: int) -> list[dict[str, Any]]:
    """Organizations by name, optionally those whose name contains ``q``."""
    with db.connection_context():
        query = Organization.select().order_by(Organization.name).limit(limit)
        if q:
            query = query.where(Organization.name.contains(q))
        return [org_json(o) for o in query]


def services(org_id: int) -> list[dict[str, Any]]:
    """What an organization rents. Raises NotFound."""
    with db.connection_context():
        org = organization_by_id(org_id)
        return [service_json(s) for s in Service.select().where(Service.organization == org.id)]


def me(user: User) -> dict[str, Any]:
    """The signed-in user, their organization and the active services it rents."""
    with db.connection_context():
        data = single_user_json(user)
        rented = (
            Service.select()
            .where(Service.organization == user.organization_id, Service.active == True)  # noqa: E712
            .order_by(Service.id)
            if user.organization_id
            else []
        )
        data["services"] = [service_json(s) for s in rented]
    return data
