"""Rules layer: tickets tied together ("same outage", "caused by") and to incidents — one mechanism.

A link is one ``Link`` row, shown on both ends, and each end gets an event
(``linked``/``unlinked``) so both histories and both streams hear of it. Only
staff link and unlink; a customer sees a ticket's links only to tickets they
may see themselves (an event naming another organization's ticket is internal).
An incident link is the same row with ``incident`` set instead of ``other``:
what ``padcom status``, the queue's folding and "one update reaches everyone" read.
"""

from __future__ import annotations

from typing import Any

from server.helpdesk.errors import Conflict, Forbidden, Invalid, NotFound
from server.helpdesk.tickets import timed_event
from server.helpdesk.visibility import get_ticket, visible_tickets
from server.storage.fields import utcnow
from server.storage.hosting_models import Incident, Link
from server.storage.models import Event, Ticket, User
from server.vocabulary import LINK_KINDS, EventKind, LinkKind


def _staff(user: User) -> None:
    if not user.is_staff:
        raise Forbidden("only support staff link and unlink tickets")


def _kind(kind: str) -> str:
    if kind not in LINK_KINDS:
        raise Invalid(f"kind must be one of {', '.join(LINK_KINDS)}")
    return kind


def _between(a: int, b: int) -> Link | None:
    found: Link | None = (
        Link.select()
        .where(((Link.ticket == a) & (Link.other == b)) | ((Link.ticket == b) & (Link.other == a)))
        .first()
    )
    return found


def link_tickets(user: User, number: int, other: int, kind: str) -> tuple[Link, list[Event]]:
    """Tie ticket ``number`` to ``other``; an event on each. Raises Forbidden, NotFound, Invalid,
    Conflict (already linked)."""
    _staff(user)
    _kind(kind)
    if number == other:
        raise Invalid("a ticket cannot be linked to itself")
    ticket = get_ticket(user, number, for_update=True)
    target = get_ticket(user, other, for_update=True)
    if _between(ticket.id, target.id) is not None:
        raise Conflict(f"tickets {number} and {other} are already linked")
    link = Link.create(ticket=ticket.id, other=target.id, kind=kind, created_by=user.id)
    return link, _both(user, EventKind.LINKED, link, ticket, target)


def _both(user: User, kind: EventKind, link: Link, ticket: Ticket, target: Ticket) -> list[Event]:
    """The event on each end; internal where the other end is another organization's."""
    across = ticket.organization_id != target.organization_id
    at = utcnow()
    return [
        timed_event(
            here, user, kind, {"link": link.id, "ticket": there.id, "kind": link.kind}, across, at
        )
        for here, there in ((ticket, target), (target, ticket))
    ]


def unlink(user: User, number: int, link_id: int) -> list[Event]:
    """Remove link ``link_id`` of ticket ``number`` (to a ticket or an incident).

    Raises Forbidden, NotFound.
    """
    _staff(user)
    ticket = get_ticket(user, number, for_update=True)
    link = Link.get_or_none(
        Link.id == link_id, (Link.ticket == ticket.id) | (Link.other == ticket.id)
    )
    if link is None:
        raise NotFound(f"ticket {number} has no link {link_id}")
    Link.delete().where(Link.id == link.id).execute()
    if link.incident_id is not None:
        changes = {"link": link.id, "incident": link.incident_id}
        return [timed_event(ticket, user, EventKind.UNLINKED, changes, at=utcnow())]
    first = Ticket.get_by_id(link.ticket_id)
    second = Ticket.get_by_id(link.other_id)
    return _both(user, EventKind.UNLINKED, link, first, second)


def link_incident(
    actor: User, ticket: Ticket, incident: Incident, *, automatic: bool = False
) -> list[Event]:
    """Tie ``ticket`` to ``incident`` (nothing if it already is); the event on the ticket."""
    if Link.select().where(Link.ticket == ticket.id, Link.incident == incident.id).exists():
        return []
    link = Link.create(
        ticket=ticket.id,
        incident=incident.id,
        kind=LinkKind.SAME_OUTAGE,
        automatic=automatic,
        created_by=None if automatic else actor.id,
    )
    changes = {"link": link.id, "incident": incident.id, "automatic": automatic}
    return [timed_event(ticket, actor, EventKind.LINKED, changes, at=utcnow())]


def unlink_incident(actor: User, ticket: Ticket, incident: Incident) -> list[Event]:
    """Untie ``ticket`` from ``incident``. Raises NotFound when it was not tied."""
    link = Link.get_or_none(Link.ticket == ticket.id, Link.incident == incident.id)
    if link is None:
        raise NotFound(f"ticket {ticket.id} is not linked to incident {incident.id}")
    Link.delete().where(Link.id == link.id).execute()
    changes = {"link": link.id, "incident": incident.id}
    return [timed_event(ticket, actor, EventKind.UNLINKED, changes, at=utcnow())]


def incident_tickets(incident_id: int) -> list[Ticket]:
    """The tickets tied to an incident, oldest first."""
    return list(
        Ticket.select()
        .join(Link, on=(Link.ticket == Ticket.id))
        .where(Link.incident == incident_id)
        .order_by(Ticket.id)
    )


def links_of(user: User, number: int) -> list[dict[str, Any]]:
    """Ticket ``number``'s links as ``user`` may see them, oldest first. Raises NotFound.

    A link to another ticket shows only if the user may see that ticket too; a
    link to an incident shows the incident's number, title and state.
    """
    ticket = get_ticket(user, number)
    rows = list(
        Link.select()
        .where((Link.ticket == ticket.id) | (Link.other == ticket.id))
        .order_by(Link.id)
    )
    others = {r.other_id if r.ticket_id == ticket.id else r.ticket_id for r in rows} - {None}
    seen = (
        {t.id: t for t in visible_tickets(user).where(Ticket.id.in_(list(others)))}
        if others
        else {}
    )
    incidents = {
        i.id: i
        for i in Incident.select().where(
            Incident.id.in_([r.incident_id for r in rows if r.incident_id is not None])
        )
    }
    shown = []
    for row in rows:
        item: dict[str, Any] = {"id": row.id, "kind": row.kind, "created_at": row.created_at}
        if row.incident_id is not None:
            found = incidents[row.incident_id]
            item["incident"] = {"number": found.id, "title": found.title, "state": found.state}
            item["ticket"] = None
        else:
            other = row.other_id if row.ticket_id == ticket.id else row.ticket_id
            if other not in seen:
                continue
            item["ticket"] = {"number": other, "subject": seen[other].subject,
                              "status": seen[other].status}  # fmt: skip
            item["incident"] = None
        item["automatic"] = row.automatic
        shown.append(item)
    return shown
