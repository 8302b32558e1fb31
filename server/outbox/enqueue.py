"""What a committed change sends out: the outbox rows for its events, same transaction.

The rows are composed (every read, every template) while the change runs, before
its events have ids, and stamped with the ids at the end of the transaction
(``server/live/journal.py``), so none of this work happens under the event-order lock.

Staff hear of new tickets and customer replies; the requester hears of staff's
public replies and status changes; internal notes never reach a customer.
Webhooks get every chosen event kind. Each row has a dedupe key (event id +
recipient), so nothing is enqueued twice.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from server.helpdesk import reply_address
from server.helpdesk.mail_in import MailInSettings
from server.helpdesk.mail_parse import REPLY_MARKER
from server.outbox import audience
from server.outbox import mail_words as compose
from server.outbox.settings import MailSettings, WebhookSettings
from server.reads.serialize import events_json, messages_json, with_wire_times
from server.reads.ticket_read import read_tickets
from server.storage.file_models import Attachment
from server.storage.models import (
    Event,
    Message,
    Organization,
    Ticket,
    User,
)
from server.vocabulary import STAFF_ROLES, EventKind

REPLY_HINT = "Reply to this mail to answer: your reply lands on the ticket."


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def staff_recipients(mail: MailSettings, ticket: Ticket) -> dict[str, int | None]:
    """The configured staff recipients for ``ticket``, in order, without repeats:
    address -> user id (None for a configured address such as a team's)."""
    found: dict[str, int | None] = {}
    for entry in mail.staff:
        if entry == "agents":
            query = User.select(User.id, User.email).where(
                User.role.in_(STAFF_ROLES),
                User.active == True,  # noqa: E712
            )
            for user in query.order_by(User.id):
                found.setdefault(user.email, user.id)
        elif entry == "assignee" and ticket.assignee_id is not None:
            assignee = User.get_or_none(User.id == ticket.assignee_id, User.active == True)  # noqa: E712
            if assignee is not None:
                found.setdefault(assignee.email, assignee.id)
        elif "@" in entry:
            found.setdefault(entry.lower(), None)
    return found


def public_file_names(ticket: Ticket, message_id: int | None) -> list[str]:
    """The names of the files on ``ticket``'s description (``message_id`` None) or on one of its
    messages, in upload order; a note's files (``internal``) are never named in any mail."""
    on = Attachment.message.is_null() if message_id is None else Attachment.message == message_id
    query = Attachment.select(Attachment.filename).where(
        Attachment.ticket == ticket.id,
        on,
        Attachment.internal == False,  # noqa: E712
    )
    return [str(row.filename) for row in query.order_by(Attachment.id)]


def _to_staff(mail: MailSettings, ticket: Ticket, title: str, body: str) -> list[compose.Mail]:
    return [
        compose.Mail(address, title, body, user_id, staff_only=True)
        for address, user_id in staff_recipients(mail, ticket).items()
    ]


def _mails(mail: MailSettings, event: Event, ticket: Ticket, actor: User) -> list[compose.Mail]:
    """The mails one event causes (none for internal notes, assignments, edits)."""
    if event.kind == EventKind.CREATED:
        requester = User.get_by_id(ticket.requester_id)
        org = Organization.get_by_id(ticket.organization_id)
        files = public_file_names(ticket, None)
        title, body = compose.new_ticket(ticket, requester, org, files)
        told = _to_staff(mail, ticket, title, body)
        if "on_behalf_of" in event.changes:  # staff filed it: the customer hears of it
            told += _to_requester(ticket, *compose.filed_for_you(ticket, actor, files))
        return told
    if event.kind == EventKind.REPLIED:
        message = Message.get_by_id(event.changes["message"])
        to_staff = not actor.is_staff
        files = public_file_names(ticket, message.id)
        title, body = compose.reply(ticket, actor, message, to_staff, files)
        if to_staff:
            return _to_staff(mail, ticket, title, body)
        return _to_requester(ticket, title, body)
    if event.kind == EventKind.STATUS and actor.is_staff:
        old, new = event.changes["status"]
        title, body = compose.status_change(ticket, actor, old, new)
        return _to_requester(ticket, title, body)
    return _desk_mails(event, ticket)


def _desk_mails(event: Event, ticket: Ticket) -> list[compose.Mail]:
    """The requesters' mails of merges and reminders (server/helpdesk/merge.py, automation.py)."""
    if event.kind == EventKind.MERGED and "into" in event.changes:
        target = Ticket.get_by_id(event.changes["into"])
        same = target.organization_id == ticket.organization_id
        return _to_requester(ticket, *compose.merged_away(ticket, target.id, same))
    if event.kind == EventKind.MERGED and "from" in event.changes:
        source = Ticket.get_by_id(event.changes["from"])
        if source.requester_id == ticket.requester_id:
            return []  # one person, told once (on the duplicate)
        return _to_requester(ticket, *compose.merged_here(ticket, source.id))
    if event.kind == EventKind.REMINDED:
        days, left = event.changes.get("days", 0), event.changes.get("resolve_in_days")
        return _to_requester(ticket, *compose.reminder(ticket, days, left))
    return []


def _to_requester(ticket: Ticket, title: str, body: str) -> list[compose.Mail]:
    requester = User.get_or_none(User.id == ticket.requester_id, User.active == True)  # noqa: E712
    if requester is None:
        return []
    return [compose.Mail(requester.email, title, body, requester.id, staff_only=False)]


@dataclass(frozen=True)
class Draft:
    """An outbox row composed before its event has an id (``stamp`` completes it)."""

    channel: str
    target: str
    payload: dict[str, Any]
    domain: str = ""


def stamp(draft: Draft, event: Event) -> dict[str, Any]:
    """The outbox row of ``draft`` for ``event``, which now has its id."""
    digest = _digest(draft.target)
    payload = dict(draft.payload)
    if draft.channel == "mail":
        payload["message_id"] = f"<padcom.{event.id}.{digest}@{draft.domain}>"
    else:
        body = dict(payload["body"])
        body["event"] = {**body["event"], "id": event.id}
        payload["body"] = body
    return {
        "channel": draft.channel,
        "dedupe_key": f"{draft.channel}:{event.id}:{digest}",
        "target": draft.target,
        "event_id": event.id,
        "payload": payload,
    }


def _threading(replies: MailInSettings | None, domain: str, ticket: Ticket) -> dict[str, str]:
    """The reply address and thread id of a mail about ``ticket``, when replies come in."""
    if replies is None or not replies.reply_secret:
        return {}
    return {
        "reply_to": reply_address.reply_address(
            replies.address, replies.reply_secret, int(ticket.id)
        ),
        "references": reply_address.thread_id(domain, replies.reply_secret, int(ticket.id)),
    }


def _mail_rows(
    mail: MailSettings,
    event: Event,
    ticket: Ticket,
    actor: User,
    replies: MailInSettings | None = None,
) -> list[Draft]:
    domain = mail.sender.rpartition("@")[2] or "localhost"
    threading = _threading(replies, domain, ticket)
    rows = []
    for item in _mails(mail, event, ticket, actor):
        if item.to == actor.email:
            continue  # nobody is mailed about their own action
        body = f"{REPLY_MARKER}\n{REPLY_HINT}\n\n{item.body}" if threading else item.body
        payload = {
            "subject": item.subject,
            "body": body,
            **threading,
            **audience.recipient(item.user_id, ticket.id, item.staff_only),
        }
        rows.append(Draft("mail", item.to, payload, domain))
    return rows


def webhook_body(event: Event, ticket: Ticket) -> dict[str, Any]:
    """What a webhook receives: the event, the ticket, and the message it carried if any.

    Webhooks go to the operator's own tools (an allow-list), so they get the staff view;
    the ticket is the very JSON GET /tickets/{n} gives staff (``ticket_read``), as the
    change's transaction left it. An event not yet saved shows id 0 until ``stamp``
    gives it its own.
    """
    shown = events_json([event], None)[0]
    shown["id"] = shown["id"] or 0
    body: dict[str, Any] = {
        "event": with_wire_times(shown, "at"),
        "ticket": read_tickets(None, [ticket.id])[0],
    }
    message_id = event.changes.get("message")
    if message_id is not None:
        message = Message.get_by_id(message_id)
        body["message"] = with_wire_times(messages_json([message], None)[0], "created_at")
        for file in body["message"]["attachments"]:
            with_wire_times(file, "created_at")
    return body


def _webhook_rows(hooks: WebhookSettings, event: Event, ticket: Ticket) -> list[Draft]:
    if event.kind not in hooks.events or not hooks.urls:
        return []
    body = webhook_body(event, ticket)
    return [Draft("webhook", url, {"kind": event.kind, "body": body}) for url in hooks.urls]


def drafts_for(
    events: list[Event],
    mail: MailSettings,
    hooks: WebhookSettings,
    replies: MailInSettings | None = None,
) -> dict[int, list[Draft]]:
    """The outbox rows ``events`` cause, per event (keyed by ``id(event)``); runs in the
    change's transaction, so it reads what the change wrote. Empty when mail and webhooks are off.
    """
    if not (mail.enabled or hooks.urls):
        return {}
    drafts: dict[int, list[Draft]] = {}
    tickets: dict[int, Ticket] = {}
    actors: dict[int, User] = {}
    for event in events:
        if event.ticket_id is None:
            continue  # an incident's: its subscribers hear of it (server/outbox/incident_news.py)
        if event.ticket_id not in tickets:
            tickets[event.ticket_id] = Ticket.get_by_id(event.ticket_id)
        if event.actor_id not in actors:
            actors[event.actor_id] = User.get_by_id(event.actor_id)
        ticket, actor = tickets[event.ticket_id], actors[event.actor_id]
        rows = _mail_rows(mail, event, ticket, actor, replies) if mail.enabled else []
        rows += _webhook_rows(hooks, event, ticket)
        drafts[id(event)] = rows
    return drafts
