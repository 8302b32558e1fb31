"""Read models: a search's matches beside the texts: the customer, the organization, the service.

An agent on the phone has a name, an email, a customer number or a service
(a domain, a server's label) before they have a ticket number. The words as
typed (at least two characters) are looked for, ignoring case, in the small
tables (people, organizations, services); then the tickets of what matched are
listed newest first, as ``visible_tickets`` and the list's filters allow. What
a service is found by is ``SERVICE_COLUMNS`` and nothing else, in
``services_matching``.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass
from functools import reduce
from typing import Any

from peewee import Field, ModelSelect

from server.reads.listing import _contains
from server.storage.models import Organization, Service, Ticket, User
from server.vocabulary import Role

SERVICE_COLUMNS: tuple[Field, ...] = (Service.label,)
"""Every column of a service that a search looks in (add a service's hostnames or IPs here)."""
MIN_CHARACTERS = 2
"""Shorter text matches nearly every name: it is looked up in the index only."""
MATCHED = 500
"""At most this many people, organizations and services are taken from one search."""


@dataclass(frozen=True)
class Hit:
    """Why a ticket was found: the text that matched (``field``) and the text itself."""

    number: int
    field: str  # subject, customer, organization, service, description, reply, note
    text: str
    message: int | None = None


def services_matching(text: str) -> dict[int, str]:
    """The services with ``text`` in one of ``SERVICE_COLUMNS``: id → the value that matched."""
    condition = reduce(operator.or_, (_contains(column, text) for column in SERVICE_COLUMNS))
    found: dict[int, str] = {}
    for row in Service.select(Service.id, *SERVICE_COLUMNS).where(condition).limit(MATCHED):
        needle = text.lower()
        values = [str(getattr(row, column.name) or "") for column in SERVICE_COLUMNS]
        found[row.id] = next((v for v in values if needle in v.lower()), values[0])
    return found


def _customers(text: str) -> dict[int, str]:
    query = (
        User.select(User.id, User.name, User.email)
        .where(User.role == Role.CUSTOMER, _contains(User.name, text) | _contains(User.email, text))
        .limit(MATCHED)
    )
    return {u.id: f"{u.name} <{u.email}>" for u in query}


def _organizations(text: str) -> dict[int, str]:
    query = (
        Organization.select(Organization.id, Organization.name, Organization.customer_number)
        .where(_contains(Organization.name, text) | _contains(Organization.customer_number, text))
        .limit(MATCHED)
    )
    return {o.id: f"{o.name} ({o.customer_number})" for o in query}


def context_hits(base: ModelSelect[Ticket], text: str, viewer: User, limit: int) -> list[Hit]:
    """The newest tickets (of ``base``) whose customer, organization or service matches ``text``."""
    text = text.strip()
    if len(text) < MIN_CHARACTERS:
        return []
    customers, services = _customers(text), services_matching(text)
    organizations = _organizations(text) if viewer.is_staff else {}
    conditions: list[Any] = []
    if customers:
        conditions.append(Ticket.requester.in_(list(customers)))
    if organizations:
        conditions.append(Ticket.organization.in_(list(organizations)))
    if services:
        conditions.append(Ticket.service.in_(list(services)))
    if not conditions:
        return []
    rows = (
        base.select(Ticket.id, Ticket.requester, Ticket.organization, Ticket.service)
        .where(reduce(operator.or_, conditions))
        .order_by(Ticket.id.desc())
        .limit(limit)
        .tuples()
    )
    hits = []
    for number, requester, organization, service in rows:
        if requester in customers:
            hits.append(Hit(number, "customer", customers[requester]))
        elif organization in organizations:
            hits.append(Hit(number, "organization", organizations[organization]))
        else:
            hits.append(Hit(number, "service", services[service]))
    return hits
