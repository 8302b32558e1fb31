"""Rules layer: what an administrator changes about people, organizations and services.

Each function runs inside the caller's write transaction (server/storage/write_path.py)
and raises domain errors. The rule that lived in the route before: deactivating
a person revokes every token they hold, so their open streams end at once.
"""

from __future__ import annotations

from typing import Any

from server.helpdesk.errors import Conflict, NotFound
from server.helpdesk.tokens import revoke_all
from server.storage.models import Organization, Service, User
from server.storage.notify import announce_access_change
from server.storage.write_path import ConstraintRefused


def user_by_id(user_id: int) -> User:
    """A person (never a system account such as the SLA clock). Raises NotFound."""
    found = User.get_or_none(User.id == user_id, User.system == False)  # noqa: E712
    if found is None:
        raise NotFound(f"user {user_id} not found")
    return found


def organization_by_id(org_id: int) -> Organization:
    """Raises NotFound."""
    found = Organization.get_or_none(Organization.id == org_id)
    if found is None:
        raise NotFound(f"organization {org_id} not found")
    return found


def change_user(user_id: int, values: dict[str, Any]) -> User:
    """Set ``values`` (name, role, active, organization) on a person; returns them as stored now.

    Streams re-check role and organization at once; deactivating revokes every
    token. Raises NotFound (the person or the organization named).
    """
    user = user_by_id(user_id)
    if values.get("organization") is not None:
        organization_by_id(values["organization"])
    if values:
        User.update(**values).where(User.id == user.id).execute()
        announce_access_change()  # open streams re-check role and organization now
    if values.get("active") is False:
        revoke_all(user.id)
    return user_by_id(user_id)


def sign_out_everywhere(user_id: int) -> None:
    """Revoke every token of a person (a lost laptop, a leaked token). Raises NotFound."""
    revoke_all(user_by_id(user_id).id)


def add_organization(name: str, customer_number: str) -> Organization:
    """Raises Conflict when the name or the customer number is taken."""
    try:
        return Organization.create(name=name, customer_number=customer_number)
    except ConstraintRefused as exc:
        raise Conflict("an organization with that name or customer number exists") from exc


def add_service(org_id: int, values: dict[str, Any]) -> Service:
    """A service (kind, label, plan, datacenter) the organization rents. Raises NotFound."""
    org = organization_by_id(org_id)
    return Service.create(organization=org.id, **values)
