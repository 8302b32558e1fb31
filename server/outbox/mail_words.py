"""The words of each notification mail: plain text, the ticket number in the subject.

Ticket text is untrusted: it goes into bodies as it is (plain text, never HTML)
and into subjects on one line; ``server.outbox.mime`` writes both as data, so
no one can inject a mail header.
"""

from __future__ import annotations

from dataclasses import dataclass

from server.outbox.mime import header_text
from server.storage.models import Message, Organization, Ticket, User

SUBJECT_TEXT_MAX = 120


@dataclass(frozen=True)
class Mail:
    """One mail to one address (of a user, or configured when ``user_id`` is None)."""

    to: str
    subject: str
    body: str
    user_id: int | None = None
    staff_only: bool = False


def one_line(text: str, limit: int = SUBJECT_TEXT_MAX) -> str:
    """``text`` fit for a mail header: control characters and line breaks become spaces."""
    flat = header_text(text)
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def subject(ticket: Ticket, what: str) -> str:
    return f"[Padcom #{ticket.id}] {what}: {one_line(ticket.subject)}"


def _who(user: User) -> str:
    return f"{one_line(user.name, 200)} <{user.email}>"


def _footer(ticket: Ticket) -> str:
    return (
        "\n-- \n"
        f"Padcom helpdesk, ticket #{ticket.id}.\n"
        f"See it with: padcom ticket show {ticket.id}\n"
    )


def new_ticket(ticket: Ticket, requester: User, org: Organization) -> tuple[str, str]:
    """Subject and body of the staff's mail about a new ticket."""
    body = (
        f"New ticket #{ticket.id} from {_who(requester)} ({one_line(org.name, 200)}).\n"
        f"Priority: {ticket.priority}   Category: {ticket.category}\n"
        f"Subject: {one_line(ticket.subject, 400)}\n\n"
        f"{ticket.body}\n" + _footer(ticket)
    )
    return subject(ticket, "New ticket"), body


def reply(ticket: Ticket, author: User, message: Message, to_staff: bool) -> tuple[str, str]:
    """Subject and body of a mail carrying a public reply."""
    what = "Customer reply" if to_staff else "New reply"
    body = (
        f"{_who(author) if to_staff else one_line(author.name, 200)} replied on ticket "
        f"#{ticket.id} ({one_line(ticket.subject, 400)}):\n\n"
        f"{message.body}\n\nStatus: {ticket.status}\n" + _footer(ticket)
    )
    return subject(ticket, what), body


def status_change(ticket: Ticket, actor: User, old: str, new: str) -> tuple[str, str]:
    """Subject and body of the customer's mail when staff change the status."""
    body = (
        f"{one_line(actor.name, 200)} changed the status of ticket #{ticket.id} "
        f"({one_line(ticket.subject, 400)}) from {old} to {new}.\n" + _footer(ticket)
    )
    return subject(ticket, f"Status {new}"), body
