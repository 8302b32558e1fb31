"""Who is told, decided when a mail is delivered, by the rule every read obeys.

A mail is enqueued with its recipient's user id and ticket; between then and
delivery the person may have been moved to another organization, deactivated
or lost their staff role. Delivery asks ``server.helpdesk.visibility`` again, so nobody
is mailed about a ticket that ``GET /tickets/N`` would answer 404 for them. The
worker asks when it claims a row and once more inside the open SMTP
conversation, just before that mail is sent: a change committed while it
connected or sent the mails before this one still withholds it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from server.helpdesk.incidents import sees_incident
from server.helpdesk.visibility import visible_tickets
from server.storage.hosting_models import Incident
from server.storage.models import Ticket, User

TO_USER = "to_user"
"""Payload key: the recipient's user id (absent for a configured address such as a team's)."""
TICKET = "ticket"
"""Payload key: the number of the ticket the mail is about."""
INCIDENT = "incident"
"""Payload key: the number of the incident a subscriber's mail is about (no ticket)."""
STAFF_ONLY = "staff_only"
"""Payload key: true for mails meant for staff (new tickets, customer replies)."""


@dataclass(frozen=True)
class Addressee:
    """Where a mail goes now: the address, and the name shown beside it."""

    address: str
    name: str


def recipient(user_id: int | None, number: int, staff_only: bool) -> dict[str, Any]:
    """The payload keys that let delivery re-decide who is told."""
    if user_id is None:
        return {TICKET: number}
    return {TO_USER: user_id, TICKET: number, STAFF_ONLY: staff_only}


def addressee(target: str, payload: dict[str, Any]) -> Addressee | None:
    """Whom this mail may reach now; None when its recipient may no longer see the ticket.

    Call inside a connection context. Rows without a user (a configured team
    address, or written before this rule) go to their target as enqueued.
    """
    user_id = payload.get(TO_USER)
    if user_id is None:
        return Addressee(target, "")
    user = User.get_or_none(User.id == user_id, User.active == True)  # noqa: E712
    if user is None or (payload.get(STAFF_ONLY) and not user.is_staff):
        return None
    if INCIDENT in payload:
        incident = Incident.get_or_none(Incident.id == payload[INCIDENT])
        seen = incident is not None and sees_incident(user, incident)
        return Addressee(user.email, user.name) if seen else None
    if not visible_tickets(user).where(Ticket.id == payload.get(TICKET)).exists():
        return None
    return Addressee(user.email, user.name)
