"""Rules layer: who may see which ticket, event and message: the one place the rule lives.

A customer sees their own organization's tickets that they have not deleted,
and never an internal note or event; staff see everything. A customer sees
staff members by name only, never their email addresses. Anything invisible
is reported as not found, so ticket numbers leak nothing.

An incident (and its events) a customer sees when it is public or hits one of
their organization's services; whom else it hits they never learn.
"""

from __future__ import annotations

import heapq
from collections.abc import Collection, Hashable

from peewee import ModelSelect, fn

from server.helpdesk.errors import NotFound
from server.storage.db import is_postgres
from server.storage.hosting_models import Incident
from server.storage.models import Event, Message, Organization, Service, Ticket, User
from server.vocabulary import Role


def visible_tickets(user: User) -> ModelSelect[Ticket]:
    query = Ticket.select()
    if not user.is_staff:
        query = query.where(
            Ticket.organization == user.organization_id, Ticket.deleted_at.is_null()
        )
    return query


def get_ticket(user: User, number: int, *, for_update: bool = False) -> Ticket:
    """The ticket ``number`` if ``user`` may see it; raises NotFound otherwise."""
    query = visible_tickets(user).where(Ticket.id == number)
    if for_update and is_postgres():
        # SQLite needs no row lock: its write transactions begin IMMEDIATE. NO KEY
        # UPDATE: an event's foreign key check (KEY SHARE, under the event-order
        # lock) must not wait for it, or two processes deadlock.
        query = query.for_update("FOR NO KEY UPDATE")  # type: ignore[arg-type]  # peewee takes a string
    ticket: Ticket | None = query.first()
    if ticket is None:
        raise NotFound(f"ticket {number} not found")
    return ticket


def visible_messages(user: User, ticket: Ticket) -> ModelSelect[Message]:
    query = Message.select().where(Message.ticket == ticket.id)
    if not user.is_staff:
        query = query.where(Message.internal == False)  # noqa: E712
    return query


def visible_messages_by_id(user: User, ids: Collection[int]) -> ModelSelect[Message]:
    """The messages ``ids`` that ``user`` may see, on whichever tickets (a live batch's)."""
    query = Message.select().where(Message.id.in_(list(ids)))
    if not user.is_staff:
        query = query.join(Ticket).where(
            Ticket.organization == user.organization_id,
            Ticket.deleted_at.is_null(),
            Message.internal == False,  # noqa: E712
        )
    return query


def hits(incident: Incident, service: Service) -> bool:
    """Whether ``incident`` names ``service``: its server, datacenter, kind or the service."""
    return (
        service.server in incident.servers
        or service.datacenter in incident.datacenters
        or service.kind in incident.service_kinds
        or service.id in incident.services
    )


def seen_incidents(user: User, among: Collection[int] | None = None) -> set[int]:
    """The incidents (of ``among``, or all) ``user`` sees: staff every one, a customer the
    public ones and those hitting a service of their organization."""
    query = Incident.select()
    if among is not None:
        query = query.where(Incident.id.in_(list(among)))
    if user.is_staff:
        return {i.id for i in query.select(Incident.id)}
    services = list(Service.select().where(Service.organization == user.organization_id))
    return {i.id for i in query if i.public or any(hits(i, s) for s in services)}


def visible_event_queries(user: User) -> list[ModelSelect[Event]]:
    """The events ``user`` may see, as queries that each read along an index: staff one
    (``id``); a customer their organization's tickets' public events (``(organization, id)``)
    and, if they see any incident, its public events (``(incident, id)``). Two queries, not
    one with OR: SQLite then scanned the whole log along ``id``
    (``tests/live/test_replay_plan.py``)."""
    if user.is_staff:
        return [Event.select()]
    public = Event.internal == False  # noqa: E712
    queries = [
        Event.select()
        .join(Ticket)
        .where(Event.organization == user.organization_id, public, Ticket.deleted_at.is_null())
    ]
    incidents = seen_incidents(user)
    if incidents:
        queries.append(Event.select().where(Event.incident.in_(sorted(incidents)), public))
    return queries


def event_page_queries(user: User, after: int, upto: int, limit: int) -> list[ModelSelect[Event]]:
    """``visible_event_queries`` for one page ``after < id <= upto``: each reads at most
    ``limit`` rows along its index."""
    return [
        query.where(Event.id > after, Event.id <= upto).order_by(Event.id).limit(limit)
        for query in visible_event_queries(user)
    ]


def visible_events_between(user: User, after: int, upto: int, limit: int) -> list[Event]:
    """The first ``limit`` events ``after < id <= upto`` that ``user`` may see, oldest first
    (a resuming stream's page, ``GET /events``)."""
    pages = [list(query) for query in event_page_queries(user, after, upto, limit)]
    return list(heapq.merge(*pages, key=lambda event: int(event.id)))[:limit]


def newest_visible_event(user: User, upto: int) -> int:
    """The newest event id ``<= upto`` that ``user`` may see (0 when none)."""
    found = [
        query.select(fn.MAX(Event.id)).where(Event.id <= upto).scalar() or 0
        for query in visible_event_queries(user)
    ]
    return int(max(found))


def sees_event(
    user: User, event: Event, ticket_deleted: bool, incidents: Collection[int] = ()
) -> bool:
    """``visible_event_queries`` for one event already read (the live hub reads a round's
    events once for every audience and sorts them out here; ``incidents``: those of
    ``seen_incidents`` among the round's); keep the two alike."""
    if user.is_staff:
        return True
    if event.internal:
        return False
    if event.incident is not None:
        return event.incident in incidents
    return event.organization_id == user.organization_id and not ticket_deleted


def shown_email(viewer: User | None, role: str, email: str) -> str | None:
    """The email of a person with ``role`` as ``viewer`` sees it: None for staff seen by a customer.

    Staff addresses are for the team (and for phishing a customer with, once known);
    a customer still sees their own colleagues' addresses.
    """
    return email if viewer is None or viewer.is_staff or role == Role.CUSTOMER else None


def sees_organization(viewer: User | None, org_id: int | None) -> bool:
    """Whether ``viewer`` may see organization ``org_id`` named beside a person.

    A customer sees no organization but their own: someone who moved elsewhere
    still appears on their old tickets, without where they went. ``None`` is
    the system itself (webhooks to staff tools), which sees everything.
    """
    return viewer is None or viewer.is_staff or org_id == viewer.organization_id


def named_organization(user: User, organization: int | None) -> int | None:
    """The organization ``user`` may filter by (statistics): staff any, a customer their own.

    Anything else, like one that does not exist, raises NotFound (the two look the same).
    """
    if organization is None:
        return None
    if not user.is_staff and organization != user.organization_id:
        raise NotFound(f"organization {organization} not found")
    if not Organization.select().where(Organization.id == organization).exists():
        raise NotFound(f"organization {organization} not found")
    return organization


def audience(user: User) -> Hashable:
    """What the rules above read from a user: users with equal audiences see the same events.

    The live hub reads the new events once per audience, not once per stream.
    """
    return ("staff",) if user.is_staff else (Role.CUSTOMER, user.organization_id)
