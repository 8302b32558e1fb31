"""Which status changes are legal for whom, where a reopened ticket lands, and what is a reopen.

``new`` means nobody from staff has touched the ticket yet: it is where a ticket
starts, and where an untouched one goes back to when it is reopened. So a
customer who closes their own unanswered ticket and reopens it finds it ``new``
again (not ``open``: that would skip triage), and no reopen is counted — the
statistics' reopen rate is about tickets staff had worked on coming back.

    customer: any status -> closed; resolved/closed -> open (``new`` if untouched)
    staff:    any status -> open, waiting, resolved, closed;
              -> new only while no staff reply exists
"""

from __future__ import annotations

from typing import Any

from server.helpdesk.errors import Invalid
from server.storage.models import Event, Ticket, User
from server.vocabulary import CUSTOMER_STATUSES, DONE_STATUSES, OPEN_STATUSES, STAFF_ROLES, Status


def staff_involved(ticket: Ticket) -> bool:
    """Whether anyone from staff has answered or acted on the ticket (reply, note, change)."""
    if ticket.first_response_at is not None:
        return True
    return bool(
        Event.select()
        .join(User, on=(Event.actor == User.id))
        .where(Event.ticket == ticket.id, User.role.in_(STAFF_ROLES))
        .exists()
    )


def reopened_status(ticket: Ticket) -> str:
    """Where a resolved or closed ticket goes when it is reopened."""
    return Status.OPEN if staff_involved(ticket) else Status.NEW


def wanted_status(user: User, ticket: Ticket, status: str) -> str:
    """The status ``user`` asking for ``status`` gets; raises Invalid when it is not theirs to set."""
    if not user.is_staff:
        if status not in CUSTOMER_STATUSES:
            raise Invalid("customers can only close or reopen a ticket")
        if status == Status.OPEN:
            if ticket.status not in DONE_STATUSES:
                raise Invalid("only a resolved or closed ticket can be reopened")
            return reopened_status(ticket)
        return status
    if status == Status.NEW != ticket.status and ticket.first_response_at is not None:
        raise Invalid("a ticket that was answered cannot be new again; choose open")
    return status


def count_reopen(ticket: Ticket, new_status: str, values: dict[str, Any]) -> None:
    """Add a reopen to ``values`` when a ticket staff had worked on comes back from done."""
    if ticket.status in DONE_STATUSES and new_status in OPEN_STATUSES and staff_involved(ticket):
        values["reopens"] = ticket.reopens + 1
