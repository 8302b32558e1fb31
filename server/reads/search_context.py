"""Read models: a search's matches beside the texts: the customer, the organization, the service.

An agent on the phone has a name, an email, a customer number or a service
(a domain, a server's label) before they have a ticket number. The words as
typed (at least two characters) are looked for in the small tables (people,
organizations, services), ASCII capitals and small letters alike on both
databases (``folded``); the tickets of what matched are listed newest first, as
``visible_tickets`` and the list's filters allow. What a service is found by is
``SERVICE_COLUMNS`` and nothing else, in ``services_matching``.
"""

from __future__ import annotations

import operator
import string
from dataclasses import dataclass
from functools import reduce
from typing import Any, cast

from peewee import SQL, Field, ModelSelect, NodeList, fn

from server.storage.db import is_postgres
from server.storage.models import Organization, Service, Ticket, User
from server.vocabulary import Role

SERVICE_COLUMNS: tuple[Field, ...] = (
    Service.label,
    Service.hostnames,
    Service.ips,
    Service.server,
)
"""Every column of a service that a search looks in (hostnames and IPs are JSON lists as text:
a part of one address matches, as in the label)."""
MIN_CHARACTERS = 2
"""Shorter text matches nearly every name: it is looked up in the index only."""
FEW = 200
"""Up to this many matched people, organizations or services, their tickets are read by
index; past it the newest tickets are read in turn and each is checked."""
_UPPER, _LOWER = string.ascii_uppercase, string.ascii_lowercase
_FOLD = str.maketrans(_UPPER, _LOWER)


@dataclass(frozen=True)
class Hit:
    """Why a ticket was found: the text that matched (``field``) and the text itself."""

    number: int
    field: str  # subject, customer, organization, service, description, reply, note
    text: str
    message: int | None = None


def folded(text: str) -> str:
    """``text`` with its ASCII capitals made small: the folding both databases do alike."""
    return text.translate(_FOLD)


def _folded_column(column: Field) -> Any:
    """``column`` folded as ``folded`` folds: SQLite's LOWER folds only ASCII, and so does
    PostgreSQL's under the "C" collation (``translate`` did the same at 15x the cost)."""
    if is_postgres():
        return fn.LOWER(NodeList((column, SQL('COLLATE "C"'))))
    return fn.LOWER(column)


def contains(column: Field, text: str) -> Any:
    """``column`` holds ``text``, ASCII capitals alike, ``%``, ``_`` and ``\\`` as themselves."""
    escaped = folded(text).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return NodeList((_folded_column(column), SQL("LIKE"), f"%{escaped}%", SQL("ESCAPE '\\'")))


def _any(columns: tuple[Field, ...], text: str) -> Any:
    return reduce(operator.or_, (contains(column, text) for column in columns))


def services_matching(text: str) -> ModelSelect[Service]:
    """The ids of the services with ``text`` in one of ``SERVICE_COLUMNS``."""
    return Service.select(Service.id).where(_any(SERVICE_COLUMNS, text))


def _shown(value: Any) -> str:
    """A service column's value as a snippet shows it (a list of addresses comma-separated)."""
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value or "")


def _customers(text: str) -> ModelSelect[User]:
    return User.select(User.id).where(
        User.role == Role.CUSTOMER, _any((User.name, User.email), text)
    )


def _organizations(text: str) -> ModelSelect[Organization]:
    return Organization.select(Organization.id).where(
        _any((Organization.name, Organization.customer_number), text)
    )


def _first_holding(values: list[str], text: str) -> str | None:
    needle = folded(text)
    return next((v for v in values if needle in folded(v)), None)


def context_hits(base: ModelSelect[Ticket], text: str, viewer: User, limit: int) -> list[Hit]:
    """The newest tickets (of ``base``) whose customer, organization or service holds ``text``."""
    text = text.strip()
    if len(text) < MIN_CHARACTERS:
        return []
    wanted: list[tuple[Any, Any]] = [
        (Ticket.requester, _customers(text)),
        (Ticket.service, services_matching(text)),
    ]
    if viewer.is_staff:
        wanted.append((Ticket.organization, _organizations(text)))
    found = [(column, [row.id for row in query.limit(FEW + 1)]) for column, query in wanted]
    if all(len(ids) <= FEW for _, ids in found):  # a customer or two: their tickets by index
        conditions = [column.in_(ids) for column, ids in found if ids]
    else:  # a word in every address: the newest tickets, each looked up (no index to merge)
        conditions = [(column + 0).in_(query) for column, query in wanted]
    if not conditions:
        return []
    rows = cast(
        list[tuple[int, int, int, int | None]],
        list(
            base.select(Ticket.id, Ticket.requester, Ticket.organization, Ticket.service)
            .where(reduce(operator.or_, conditions))
            .order_by(Ticket.id.desc())
            .limit(limit)
            .tuples()
        ),
    )
    people = {u.id: u for u in User.select().where(User.id.in_({r[1] for r in rows}))}
    orgs = {o.id: o for o in Organization.select().where(Organization.id.in_({r[2] for r in rows}))}
    services = {
        s.id: s for s in Service.select().where(Service.id.in_({r[3] for r in rows if r[3]}))
    }
    hits = []
    for number, requester, organization, service in rows:
        person, org = people.get(requester), orgs.get(organization)
        rented = services.get(service) if service is not None else None
        if person and _first_holding([person.name, person.email], text):
            hits.append(Hit(number, "customer", f"{person.name} <{person.email}>"))
        elif viewer.is_staff and org and _first_holding([org.name, org.customer_number], text):
            hits.append(Hit(number, "organization", f"{org.name} ({org.customer_number})"))
        elif rented:
            values = [_shown(getattr(rented, column.name)) for column in SERVICE_COLUMNS]
            hits.append(Hit(number, "service", _first_holding(values, text) or values[0]))
    return hits
