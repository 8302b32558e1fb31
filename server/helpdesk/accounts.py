"""Rules layer: creating people and organizations, signing in, changing a password.

Used by the staff and sign-in API and by ``padcom-server user add``.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from peewee import IntegrityError, fn

from server.helpdesk.errors import Conflict, Invalid
from server.helpdesk.tokens import issue, revoke_all
from server.storage.db import db
from server.storage.fields import utcnow
from server.storage.models import Organization, Token, User
from server.vocabulary import Role, TokenScope


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


def by_email(email: str) -> User | None:
    """The person signing in as ``email`` (any case), on a connection of its own."""
    with db.connection_context():
        return User.get_or_none(User.email == email.lower())


INVITED = "!invited"
"""The password hash of someone invited who has not set a password: no password matches it."""


def usable_hash(user: User | None) -> str | None:
    """The hash a sign-in checks: None (the dummy's cost, always wrong) for nobody, a
    deactivated person or an invitation not yet accepted."""
    if user is None or not user.active or user.password_hash.startswith("!"):
        return None
    return str(user.password_hash)


def record_sign_in(
    user: User,
    new_hash: str | None,
    ttl: timedelta,
    token_name: str,
    scope: TokenScope = TokenScope.FULL,
) -> tuple[str, Token]:
    """Note the sign-in (and a rehashed password) and issue a token: (its secret, its row).

    Runs in the write transaction.
    """
    values: dict[str, Any] = {"last_login_at": utcnow()}
    if new_hash:
        values["password_hash"] = new_hash
    User.update(**values).where(User.id == user.id).execute()
    return issue(user, ttl, token_name, scope)


def set_password(user: User, new_hash: str, keep_token: int) -> None:
    """A new password; every token but ``keep_token`` (the one asking) is revoked."""
    User.update(password_hash=new_hash).where(User.id == user.id).execute()
    revoke_all(user.id, keep=keep_token)
