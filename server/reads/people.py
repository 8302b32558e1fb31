"""Read models: people, organizations, services and tokens as the staff API and ``/me`` show them.

Each function opens its own connection (a route's one database step) unless it
says it runs inside the caller's transaction.
"""

from __future__ import annotations

from typing import Any

from server.helpdesk.administration import organization_by_id, user_by_id
from server.helpdesk.services import find_services, service_by_id
from server.reads.serialize import (
    Related,
    org_json,
    service_json,
    single_user_json,
    staff_service_json,
    user_admin_json,
)
from server.storage.db import db
from server.storage.identity_models import SecondFactor
from server.storage.models import Organization, Service, User
from server.vocabulary import SERVING_STATES, STAFF_ROLES

STAFF = "staff"
"""The role filter that means agents and admins."""


def _with_second_factor(user_ids: list[int]) -> frozenset[int]:
    if not user_ids:
        return frozenset()
    query = SecondFactor.select(SecondFactor.user).where(
        SecondFactor.user.in_(user_ids), SecondFactor.confirmed_at.is_null(False)
    )
    return frozenset(int(row.user_id) for row in query)


def user_shown(user: User) -> dict[str, Any]:
    """A person as an admin sees them (in the caller's transaction or connection)."""
    related = Related(org_ids=[user.organization_id], viewer=None)
    return user_admin_json(user, related, _with_second_factor([user.id]))


def users(
    role: str | None, organization: int | None, limit: int, q: str | None = None
) -> list[dict[str, Any]]:
    """People, oldest first, optionally of one role (``staff``: agents and admins) or
    organization, or whose email, name or organization's name contains ``q`` (the
    customer lookup of the admin app's "new ticket for a customer").

    System accounts (the SLA clock that signs breach events) are no people: never listed.
    """
    with db.connection_context():
        query = User.select().where(User.system == False).order_by(User.id).limit(limit)  # noqa: E712
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
        factors = _with_second_factor([u.id for u in found])
        return [user_admin_json(u, related, factors) for u in found]


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


def found_services(
    organization: int | None, server: str | None, datacenter: str | None, state: str | None,
    limit: int,
) -> list[dict[str, Any]]:  # fmt: skip
    """Services as staff manage them, by organization, server, datacenter or state."""
    with db.connection_context():
        query = find_services(organization, server, datacenter, state).limit(limit)
        return [staff_service_json(s) for s in query]


def service(service_id: int) -> dict[str, Any]:
    """One service as staff see it. Raises NotFound."""
    with db.connection_context():
        return staff_service_json(service_by_id(service_id))


def me(user: User) -> dict[str, Any]:
    """The signed-in user, their organization and the services it rents (active or suspended)."""
    with db.connection_context():
        data = single_user_json(user)
        rented = (
            Service.select()
            .where(
                Service.organization == user.organization_id,
                Service.state.in_(SERVING_STATES),
            )
            .order_by(Service.id)
            if user.organization_id
            else []
        )
        data["services"] = [service_json(s) for s in rented]
    return data
