"""The words of each notification mail: plain text, the ticket number in the subject.

Ticket text is untrusted: it goes into bodies as it is (plain text, never HTML)
and into subjects on one line; ``server.outbox.mime`` writes both as data, so
no one can inject a mail header.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from server.outbox.mime import header_text
from server.storage.models import Message, Organization, Ticket, User
from server.vocabulary import Status

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


def _files(names: Sequence[str]) -> str:
    """The line naming the files a mail's message carries (they are not attached: fetched with
    ``padcom ticket download``), or nothing."""
    if not names:
        return ""
    return f"\nFiles: {', '.join(one_line(name, 255) for name in names)}\n"


def new_ticket(
    ticket: Ticket, requester: User, org: Organization, files: Sequence[str] = ()
) -> tuple[str, str]:
    """Subject and body of the staff's mail about a new ticket (``files``: its files' names)."""
    body = (
        f"New ticket #{ticket.id} from {_who(requester)} ({one_line(org.name, 200)}).\n"
        f"Priority: {ticket.priority}   Category: {ticket.category}\n"
        f"Subject: {one_line(ticket.subject, 400)}\n\n"
        f"{ticket.body}\n{_files(files)}" + _footer(ticket)
    )
    return subject(ticket, "New ticket"), body


def reply(
    ticket: Ticket, author: User, message: Message, to_staff: bool, files: Sequence[str] = ()
) -> tuple[str, str]:
    """Subject and body of a mail carrying a public reply (``files``: the reply's files' names)."""
    what = "Customer reply" if to_staff else "New reply"
    body = (
        f"{_who(author) if to_staff else one_line(author.name, 200)} replied on ticket "
        f"#{ticket.id} ({one_line(ticket.subject, 400)}):\n\n"
        f"{message.body}\n{_files(files)}\nStatus: {ticket.status}\n" + _footer(ticket)
    )
    return subject(ticket, what), body


def status_change(ticket: Ticket, actor: User, old: str, new: str) -> tuple[str, str]:
    """Subject and body of the customer's mail when staff change the status.

    A resolve asks how we did (server/helpdesk/satisfaction.py): the answer is a
    signed-in command, there is no login-free link.
    """
    body = (
        f"{one_line(actor.name, 200)} changed the status of ticket #{ticket.id} "
        f"({one_line(ticket.subject, 400)}) from {old} to {new}.\n"
    )
    if new == Status.RESOLVED:
        body += (
            "\nHow did we do? Tell us in one line:\n"
            f'  padcom ticket rate {ticket.id} good   (or: bad -m "what went wrong")\n'
        )
    return subject(ticket, f"Status {new}"), body + _footer(ticket)


def filed_for_you(ticket: Ticket, agent: User, files: Sequence[str] = ()) -> tuple[str, str]:
    """The customer's mail when staff filed a ticket on their behalf (they phoned, or their
    mail from an unknown address was linked to them)."""
    body = (
        f"{one_line(agent.name, 200)} of our support team opened ticket #{ticket.id} for you:\n"
        f"Subject: {one_line(ticket.subject, 400)}\n\n{ticket.body}\n{_files(files)}\n"
        "Reply to it to add anything we missed.\n" + _footer(ticket)
    )
    return subject(ticket, "Opened for you"), body


def merged_away(ticket: Ticket, into: int, same_organization: bool) -> tuple[str, str]:
    """The duplicate's requester: their ticket was closed into another one."""
    if same_organization:
        where = f"The conversation goes on there: padcom ticket show {into}\n"
    else:
        where = "Our team handles the problem there; file a new ticket if you need anything more.\n"
    body = (
        f"Ticket #{ticket.id} ({one_line(ticket.subject, 400)}) is about the same problem as "
        f"ticket #{into}, so we merged it into #{into} and closed it.\n{where}" + _footer(ticket)
    )
    return subject(ticket, f"Merged into #{into}"), body


def merged_here(ticket: Ticket, source: int) -> tuple[str, str]:
    """The target's requester, when the duplicate was someone else's."""
    body = (
        f"Another request about the same problem (#{source}) was merged into your ticket "
        f"#{ticket.id} ({one_line(ticket.subject, 400)}); we answer both here.\n" + _footer(ticket)
    )
    return subject(ticket, "Related request merged"), body


def reminder(ticket: Ticket, days: int, resolve_in_days: int | None) -> tuple[str, str]:
    """The requester's reminder: we have been waiting on them for ``days`` days."""
    then = (
        f"If we hear nothing within {resolve_in_days} more days, the ticket is resolved "
        "automatically (a reply reopens it).\n"
        if resolve_in_days
        else ""
    )
    body = (
        f"We are still waiting for your answer on ticket #{ticket.id} "
        f"({one_line(ticket.subject, 400)}), for {days} days now.\n{then}"
        f"Answer with: padcom ticket reply {ticket.id}\n" + _footer(ticket)
    )
    return subject(ticket, "Waiting for your answer"), body
