"""Rules layer: who of the staff is on a ticket right now, viewing it or writing a reply.

Two agents answering the same customer at once is the collision a desk most
wants to avoid, so a staff member's client announces itself on the ticket it
shows (``POST /tickets/{n}/presence``) and renews that while the screen is
open. Each announcement is an internal event of kind ``presence`` (staff
only, like a note), written by the one write path, so it reaches every staff
stream of every server process the way any event does and never a
customer's. It holds until ``expires_at`` (``TTL_SECONDS`` later) unless
renewed; ``left`` ends it at once. It changes nothing of the ticket (its
version, ``updated_at``), and the ticket's history leaves it out.
"""

from __future__ import annotations

from datetime import UTC, timedelta
from typing import Any

from server.helpdesk.errors import Forbidden
from server.helpdesk.visibility import get_ticket
from server.storage.fields import utcnow
from server.storage.models import Event, User
from server.vocabulary import EventKind, PresenceState

TTL_SECONDS = 30
"""How long an announcement holds; clients renew every ``RENEW_SECONDS``."""
RENEW_SECONDS = 10
"""How often a client showing a ticket renews its presence (a third of the TTL)."""


def announce(user: User, number: int, state: str) -> tuple[dict[str, Any], list[Event]]:
    """``user`` is ``state`` on ticket ``number``: the announcement and its (unsaved) event.

    Raises Forbidden for a customer, NotFound for a ticket that does not exist.
    """
    if not user.is_staff:
        raise Forbidden("presence is for support staff only")
    ticket = get_ticket(user, number)
    now = utcnow()
    until = now + timedelta(seconds=0 if state == PresenceState.LEFT else TTL_SECONDS)
    naive = until.astimezone(UTC).replace(tzinfo=None)
    shown = naive.replace(microsecond=naive.microsecond // 1000 * 1000).isoformat()
    changes = {"state": str(state), "expires_at": shown + "Z"}  # as every time the API writes
    event = Event(
        ticket=ticket.id,
        organization=ticket.organization_id,
        kind=EventKind.PRESENCE,
        actor=user.id,
        changes=changes,
        internal=True,
        at=now,
    )
    return {"ticket": ticket.id, **changes}, [event]


def present(number: int, leaving_out: int | None = None) -> list[tuple[int, str, str]]:
    """Who is on ticket ``number`` now, but ``leaving_out``: (user id, state, expires_at),
    oldest first. The caller has checked that the viewer may know (``on_ticket``)."""
    now = utcnow()
    latest: dict[int, Event] = {}
    query = Event.select().where(
        Event.ticket == number,
        Event.kind == EventKind.PRESENCE,
        Event.at >= now - timedelta(seconds=TTL_SECONDS),
    )
    for event in query.order_by(Event.id):
        latest[event.actor_id] = event
    return [
        (actor, str(event.changes["state"]), str(event.changes["expires_at"]))
        for actor, event in latest.items()
        if actor != leaving_out and event.changes.get("state") != PresenceState.LEFT
    ]


def on_ticket(user: User, number: int) -> list[tuple[int, str, str]]:
    """Everyone on ticket ``number`` now, ``user`` too if they are (``GET .../presence``): what a
    screen that opens shows before the stream's next event.

    Raises Forbidden for a customer, NotFound for a ticket that does not exist.
    """
    if not user.is_staff:
        raise Forbidden("presence is for support staff only")
    return present(get_ticket(user, number).id)
