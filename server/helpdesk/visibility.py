"""Rules layer: who may see which ticket, event and message: the one place the rule lives.

A customer sees their own organization's tickets that they have not deleted,
and never an internal note or event; staff see everything. A customer sees
staff members by name only, never their email addresses. Anything invisible
is reported as not found, so ticket numbers leak nothing.
"""

from __future__ import annotations

from collections.abc import Collection, Hashable

from peewee import ModelSelect

from server.helpdesk.errors import NotFound
from server.storage.db import is_postgres
from server.storage.models import Event, Message, Organization, Ticket, User
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


def visible_events(user: User) -> ModelSelect[Event]:
    query = Event.select()
    if not user.is_staff:
        query = query.join(Ticket).where(
            Event.organization == user.organization_id,
            Event.internal == False,  # noqa: E712
            Ticket.deleted_at.is_null(),
        )
    return query


def sees_event(user: User, event: Event, ticket_deleted: bool) -> bool:
    """``visible_events`` for one event already read (the live hub reads a round's
    events once for every audience and sorts them out here); keep the two alike."""
    if user.is_staff:
        return True
    return (
        event.organization_id == user.organization_id and not event.internal and not ticket_deleted
    )


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
