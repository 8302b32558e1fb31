"""HTTP layer: the request bodies of administration — people, invitations, organizations, services.

Beside ``schemas.py`` (which would pass 400 lines with them); like every request
model they forbid unknown fields (``Strict``), so a stray field is a 422 and
changes nothing.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import EmailStr, Field, StringConstraints, field_validator

from server.http.schemas import Name, Password, Strict
from server.vocabulary import Role, ServiceKind, ServiceState


class UserIn(Strict):
    email: EmailStr
    name: Name
    role: Role = Role.CUSTOMER
    organization: int | None = Field(default=None, ge=1, le=2**31 - 1)
    password: Password


class UserPatch(Strict):
    """What an admin may change; ``organization: null`` takes the person out of theirs."""

    name: Name | None = None
    role: Role | None = None
    active: bool | None = None
    organization: int | None = Field(default=None, ge=1, le=2**31 - 1)

    @field_validator("name", "role", "active")
    @classmethod
    def _not_null(cls, value: object) -> object:
        """Leave a field out to keep it; null is not a name, a role or a state."""
        if value is None:
            raise ValueError("may not be null; leave the field out to keep it")
        return value


class InvitationIn(Strict):
    email: EmailStr
    name: Name
    role: Role = Role.CUSTOMER
    organization: int | None = Field(default=None, ge=1, le=2**31 - 1)


class OrganizationPatch(Strict):
    name: Name | None = None
    customer_number: (
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=32)] | None
    ) = None

    @field_validator("name", "customer_number")
    @classmethod
    def _not_null(cls, value: object) -> object:
        """Leave a field out to keep it."""
        if value is None:
            raise ValueError("may not be null; leave the field out to keep it")
        return value


class OrganizationIn(Strict):
    name: Name
    customer_number: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=32)
    ]


Place = Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)]
Addresses = Annotated[list[Annotated[str, StringConstraints(max_length=253)]], Field(max_length=64)]


class ServiceIn(Strict):
    kind: ServiceKind
    label: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=253)]
    plan: Annotated[str, StringConstraints(max_length=100)] = ""
    datacenter: Place = ""
    state: ServiceState = ServiceState.ACTIVE
    server: Place = ""
    ips: Addresses = Field(default_factory=list)
    hostnames: Addresses = Field(default_factory=list)


class ServiceNew(ServiceIn):
    """A service with the organization that rents it (``POST /services``)."""

    organization: int = Field(ge=1, le=2**31 - 1)


class ServicePatch(Strict):
    """What staff change on a service; leave a field out to keep it."""

    kind: ServiceKind | None = None
    label: (
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=253)]
        | None
    ) = None
    plan: Annotated[str, StringConstraints(max_length=100)] | None = None
    datacenter: Place | None = None
    state: ServiceState | None = None
    server: Place | None = None
    ips: Addresses | None = None
    hostnames: Addresses | None = None

    @field_validator("kind", "label", "plan", "datacenter", "state", "server", "ips", "hostnames")
    @classmethod
    def _not_null(cls, value: object) -> object:
        if value is None:
            raise ValueError("may not be null; leave the field out to keep it")
        return value


# --- responses ------------------------------------------------------------
