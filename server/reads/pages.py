"""Read models: what the ticket and event GET routes answer, each on a connection of its own.

A route calls one of these and only turns the result into HTTP; the queries,
the visibility rules (server/helpdesk/visibility.py) and the shapes
(server/reads/serialize.py, ticket_read.py) stay out of the HTTP layer.
"""

from __future__ import annotations

from typing import Any

from server.helpdesk import presence
from server.helpdesk.merge import merged_sources
from server.helpdesk.views import view_json, visible_views
from server.helpdesk.visibility import (
    get_ticket,
    newest_visible_event,
    visible_events_between,
    visible_messages,
    visible_tickets,
)
from server.reads.listing import TicketFilters, apply_filters, checked_filters, page
from server.reads.serialize import Related, events_json, messages_json
from server.reads.ticket_read import read_tickets
from server.storage import event_horizon
from server.storage.db import db
from server.storage.models import Event, Message, User
from server.vocabulary import EventKind

MAX_ITEMS = 1000
"""A ticket's conversation or history is shown up to this many entries."""


def ticket_page(
    user: User, filters: TicketFilters, sort: str, cursor: str | None, limit: int
) -> dict[str, Any]:
    """``{"items", "next_cursor"}``: one page of the tickets ``user`` may see."""
    with db.connection_context():
        query = apply_filters(visible_tickets(user), filters, user)
        numbers, next_cursor = page(query, sort, cursor, limit)
        return {"items": read_tickets(user, numbers), "next_cursor": next_cursor}


def tickets_shown(user: User, numbers: list[int]) -> list[dict[str, Any]]:
    """The tickets ``numbers`` as ``user`` sees them now (after a bulk change)."""
    with db.connection_context():
        return read_tickets(user, numbers)


def views(user: User) -> list[dict[str, Any]]:
    """The user's saved views and the shared ones, in the order of the number keys."""
    with db.connection_context():
        return [view_json(v, user) for v in visible_views(user)]


def check_view_filters(params: dict[str, Any], user: User) -> None:
    """A saved view's filters, checked as a list checks them. Raises Invalid."""
    with db.connection_context():
        checked_filters(params, user)


def conversation(user: User, number: int) -> list[dict[str, Any]]:
    """A ticket's messages with those of the duplicates merged into it, oldest first
    (each names its ``ticket``); customers never see internal notes. Raises NotFound."""
    with db.connection_context():
        ticket = get_ticket(user, number)
        query = visible_messages(user, ticket)
        merged = merged_sources(user, ticket)
        if merged:
            query = query.orwhere(Message.ticket.in_(merged))
            if not user.is_staff:  # the OR above must not bring internal notes back
                query = query.where(Message.internal == False)  # noqa: E712
        rows = list(query.order_by(Message.created_at, Message.id).limit(MAX_ITEMS))
        return messages_json(rows, user)


def message_shown(user: User, message: Message) -> dict[str, Any]:
    """One message as ``user`` sees it (after the write that added it)."""
    with db.connection_context():
        return messages_json([message], user)[0]


def history(user: User, number: int) -> list[dict[str, Any]]:
    """Everything that happened to a ticket and the duplicates merged into it, oldest first
    (staff see internal events)."""
    with db.connection_context():
        ticket = get_ticket(user, number)
        tickets = [ticket.id, *merged_sources(user, ticket)]
        query = Event.select().where(Event.ticket.in_(tickets), Event.kind != EventKind.PRESENCE)
        if not user.is_staff:
            query = query.where(Event.internal == False)  # noqa: E712
        return events_json(list(query.order_by(Event.id).limit(MAX_ITEMS)), user)


def events_after(user: User, after: int, limit: int) -> dict[str, Any]:
    """``{"items", "next_cursor"}``: the events after ``after`` that ``user`` may see."""
    with db.connection_context():
        rows = visible_events_between(user, after, event_horizon.horizon(), limit + 1)
        more = len(rows) > limit
        rows = rows[:limit]
        return {
            "items": events_json(rows, user),
            "next_cursor": str(rows[-1].id) if more else None,
        }


def latest_event_id(user: User) -> int:
    """The newest event id ``user`` may see (0 when none)."""
    with db.connection_context():
        upto = event_horizon.horizon()  # never an id a later commit could come in under
        return newest_visible_event(user, upto)


def _shown(user: User, found: list[tuple[int, str, str]]) -> list[dict[str, Any]]:
    related = Related(user_ids=[actor for actor, _, _ in found], viewer=user)
    return [
        {"user": related.user(actor), "state": state, "expires_at": until}
        for actor, state, until in found
    ]


def others_present(user: User, number: int) -> list[dict[str, Any]]:
    """Who else of the staff is on ticket ``number`` now (``presence.present``), with who they are."""
    with db.connection_context():
        return _shown(user, presence.present(number, user.id))


def on_ticket(user: User, number: int) -> dict[str, Any]:
    """``GET /tickets/{n}/presence``: everyone on the ticket now (``presence.on_ticket``)."""
    with db.connection_context():
        return {"ticket": number, "present": _shown(user, presence.on_ticket(user, number))}
