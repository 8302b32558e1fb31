"""Creating people and organizations: used by the staff API and by ``padcom-server user add``."""

from __future__ import annotations

from peewee import IntegrityError, fn

from server.http.errors import Conflict, Invalid
from server.storage.models import Organization, User
from server.vocabulary import Role


def create_user(
    *, email: str, name: str, role: str, password_hash: str, organization_id: int | None
) -> User:
    """A new active user; customers must belong to an organization, staff to none.

    The caller hashes the password first, outside the write transaction.

    Raises Invalid for a customer without organization, Conflict for a taken email.
    """
    if role == Role.CUSTOMER and organization_id is None:
        raise Invalid("a customer must belong to an organization")
    if role != Role.CUSTOMER and organization_id is not None:
        raise Invalid("staff do not belong to a customer organization")
    if (
        organization_id is not None
        and Organization.get_or_none(Organization.id == organization_id) is None
    ):
        raise Invalid(f"organization {organization_id} does not exist")
    if User.select().where(User.email == email.lower()).exists():
        raise Conflict(f"a user with email {email.lower()} already exists")
    try:
        return User.create(
            email=email.lower(),
            name=name,
            role=role,
            organization=organization_id,
            password_hash=password_hash,
        )
    except IntegrityError as exc:
        raise Conflict(f"a user with email {email.lower()} already exists") from exc


def organization_named(name: str) -> Organization:
    """The organization called ``name``, created with the next customer number when new."""
    found = Organization.get_or_none(Organization.name == name)
    if found:
        return found
    last = Organization.select(fn.MAX(Organization.id)).scalar() or 0
    return Organization.create(name=name, customer_number=f"C{10001 + last}")
