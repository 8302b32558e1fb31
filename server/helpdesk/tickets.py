"""Rules layer: what may happen to a ticket, and the event each change leaves in the log.

Every function here runs inside the caller's write transaction and returns the
events it wrote, so the change and its history commit together or not at all.
Edits are optimistic: ``UPDATE ... WHERE version = ?`` and a row count check,
so of two concurrent writers with the same version exactly one wins.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from server.helpdesk.errors import Forbidden, Invalid, StaleVersion
from server.helpdesk.sla import SlaTargets, track_status
from server.helpdesk.ticket_status import count_reopen, reopened_status, wanted_status
from server.helpdesk.visibility import get_ticket
from server.storage.fast_insert import insert
from server.storage.fields import utcnow
from server.storage.models import Event, Message, Service, Ticket, User
from server.vocabulary import DONE_STATUSES, OPEN_STATUSES, PAUSING_STATUS, EventKind, Status

STAFF_ONLY_FIELDS = ("assignee",)
CONTENT_FIELDS = ("subject", "body", "category", "priority", "service")
REFERENCE_FIELDS = ("service", "assignee")
"""Patch fields that name another row by id."""
NULLABLE_FIELDS = ("service", "assignee")


@dataclass(frozen=True)
class NewTicket:
    """What a customer files (the API's body, checked): ``service`` None lets the rules pick."""

    subject: str
    body: str
    category: str
    priority: str
    service: int | None = None


def _attr(name: str) -> str:
    """The Ticket attribute holding a patch field (``service`` -> ``service_id``)."""
    return f"{name}_id" if name in REFERENCE_FIELDS else name


def _event(
    ticket: Ticket,
    actor: User,
    kind: str,
    changes: dict[str, Any],
    internal: bool = False,
    at: datetime | None = None,
) -> Event:
    """The log entry of a change, at the ticket's new ``updated_at`` unless ``at`` is given.

    Not saved yet: the write path saves it, with its id, last in the transaction
    (``server/live/journal.py``).
    """
    return Event(
        ticket=ticket.id,
        organization=ticket.organization_id,
        kind=kind,
        actor=actor.id,
        changes=changes,
        internal=internal,
        at=at or ticket.updated_at,
    )


def ticket_event(
    ticket: Ticket, actor: User, kind: str, changes: dict[str, Any], *, internal: bool = False
) -> Event:
    """The log entry of a change made by another rule (tags, a macro), at this moment."""
    return _event(ticket, actor, kind, changes, internal, utcnow())


def _check_service(service_id: int | None, organization_id: int) -> None:
    if service_id is None:
        return
    if (
        not Service.select()
        .where(Service.id == service_id, Service.organization == organization_id)
        .exists()
    ):
        raise Invalid(f"service {service_id} does not belong to this organization")


def create_ticket(user: User, data: NewTicket, sla: SlaTargets) -> tuple[Ticket, list[Event]]:
    """File a ticket for the user's organization; requester and service come from the account.

    Raises Forbidden, Invalid.
    """
    if user.organization_id is None:
        raise Forbidden("only customers of an organization can open tickets")
    service_id = data.service
    if service_id is None:
        services = list(
            Service.select(Service.id)
            .where(Service.organization == user.organization_id, Service.active == True)  # noqa: E712
            .limit(2)
        )
        service_id = services[0].id if len(services) == 1 else None
    else:
        _check_service(service_id, user.organization_id)  # one the customer named
    now = utcnow()
    first_due, resolution_due = sla.due_times(now, data.priority)
    ticket = insert(
        Ticket,
        subject=data.subject,
        body=data.body,
        category=data.category,
        priority=data.priority,
        status=Status.NEW,
        requester=user.id,
        organization=user.organization_id,
        service=service_id,
        created_at=now,
        updated_at=now,
        first_response_due=first_due,
        resolution_due=resolution_due,
    )
    event = _event(
        ticket,
        user,
        EventKind.CREATED,
        {"subject": ticket.subject, "priority": ticket.priority, "category": ticket.category},
    )
    return ticket, [event]


def _status_side_effects(ticket: Ticket, new_status: str, values: dict[str, Any]) -> None:
    """Timestamps that follow a status change: resolved/closed set, reopening clears."""
    track_status(ticket, new_status, values)  # SLA clock pause/resume
    count_reopen(ticket, new_status, values)
    now = values["updated_at"]
    if new_status == Status.RESOLVED:
        values["resolved_at"] = now
    elif new_status == Status.CLOSED:
        values["closed_at"] = now
        if ticket.resolved_at is None:
            values["resolved_at"] = now
    elif new_status in OPEN_STATUSES:
        values["resolved_at"] = None
        values["closed_at"] = None


def _check_permissions(user: User, ticket: Ticket, patch: dict[str, Any]) -> None:
    if user.is_staff:
        return
    for name in STAFF_ONLY_FIELDS:
        if name in patch:
            raise Invalid(f"customers cannot set {name}")


def _check_assignee(assignee_id: int | None) -> None:
    if assignee_id is None:
        return
    staff = User.get_or_none(User.id == assignee_id)
    if staff is None or not staff.is_staff or not staff.active:
        raise Invalid(f"user {assignee_id} is not an active staff member")


def update_ticket(
    user: User, number: int, expected_version: int, patch: dict[str, Any], sla: SlaTargets
) -> tuple[Ticket, list[Event]]:
    """Apply the fields in ``patch`` (those the client set) if the ticket is still at
    ``expected_version``.

    Raises NotFound, Invalid (forbidden field or value), StaleVersion.
    """
    ticket = get_ticket(user, number, for_update=True)
    wanted = dict(patch)
    _check_permissions(user, ticket, wanted)
    if wanted.get("status") is not None:
        wanted["status"] = wanted_status(user, ticket, wanted["status"])
    if ticket.version != expected_version:
        raise StaleVersion(
            f"ticket {number} was changed by someone else (now version {ticket.version})",
            details={"current_version": ticket.version},
        )
    cleared = [k for k, v in wanted.items() if v is None and k not in NULLABLE_FIELDS]
    if cleared:
        raise Invalid(f"{', '.join(cleared)} cannot be null")
    changed = {k: v for k, v in wanted.items() if getattr(ticket, _attr(k)) != v}
    if not changed:
        return ticket, []
    if "service" in changed:
        _check_service(changed["service"], ticket.organization_id)
    if "assignee" in changed:
        _check_assignee(changed["assignee"])
    now = utcnow()
    values: dict[str, Any] = dict(changed, updated_at=now, version=ticket.version + 1)
    if "priority" in changed:
        values["first_response_due"], values["resolution_due"] = sla.due_times(
            ticket.created_at, changed["priority"], ticket.sla_paused_ms
        )
    if "status" in changed:
        _status_side_effects(ticket, changed["status"], values)
    rows = (
        Ticket.update(**values)
        .where(Ticket.id == ticket.id, Ticket.version == expected_version)
        .execute()
    )
    if rows != 1:
        raise StaleVersion(f"ticket {number} was changed by someone else")
    before = {k: getattr(ticket, _attr(k)) for k in changed}
    for key, value in values.items():
        setattr(ticket, _attr(key), value)
    return ticket, _change_events(ticket, user, before, changed)


def _change_events(
    ticket: Ticket, actor: User, before: dict[str, Any], changed: dict[str, Any]
) -> list[Event]:
    """One event per kind of change: content, status, assignment."""
    diff = {k: [before[k], v] for k, v in changed.items()}
    events = []
    content = {k: diff[k] for k in CONTENT_FIELDS if k in diff}
    if content:
        events.append(_event(ticket, actor, EventKind.UPDATED, content))
    if "status" in diff:
        events.append(_event(ticket, actor, EventKind.STATUS, {"status": diff["status"]}))
    if "assignee" in diff:
        events.append(_event(ticket, actor, EventKind.ASSIGNED, {"assignee": diff["assignee"]}))
    return events


def add_message(
    user: User, number: int, body: str, internal: bool, status: str | None = None
) -> tuple[Message, Ticket, list[Event]]:
    """A reply (or a staff-only note); replies move the ticket along.

    A staff reply records the first response and opens a new ticket; a customer
    reply reopens a ticket that was waiting, resolved or closed (to ``new`` if no
    staff member ever touched it: server/helpdesk/ticket_status.py). A note leaves
    the ticket row alone: its ``version``, ``updated_at`` (so the ETag and the
    ``-updated`` order) are what a customer sees, and a note must not show
    there, nor fail a customer's ``If-Match``; no field of the ticket changed.
    ``status`` (staff, replies only) sets the status in the same change: send and
    set waiting or resolved in one step, one ``replied`` event. Raises NotFound, Invalid.
    """
    if internal and not user.is_staff:
        raise Invalid("customers cannot write internal notes")
    if status is not None and (internal or not user.is_staff):
        raise Invalid("only a staff member's reply can set the status with it")
    ticket = get_ticket(user, number, for_update=True)
    now = utcnow()
    message = Message.create(
        ticket=ticket.id, author=user.id, body=body, internal=internal, created_at=now
    )
    if internal:
        note = _event(ticket, user, EventKind.NOTE, {"message": message.id}, internal=True, at=now)
        return message, ticket, [note]
    values: dict[str, Any] = {"updated_at": now, "version": ticket.version + 1}
    changes: dict[str, Any] = {"message": message.id}
    new_status = ticket.status
    if user.is_staff:
        if ticket.first_response_at is None:
            values["first_response_at"] = now
        if ticket.status == Status.NEW:
            new_status = Status.OPEN
    elif ticket.status == PAUSING_STATUS:
        new_status = Status.OPEN
    elif ticket.status in DONE_STATUSES:
        new_status = reopened_status(ticket)
    if status is not None:
        if status == Status.NEW:
            raise Invalid("a reply answers the ticket: it cannot be new after it")
        new_status = wanted_status(user, ticket, status)
    if new_status != ticket.status:
        values["status"] = new_status
        _status_side_effects(ticket, new_status, values)
        changes["status"] = [ticket.status, new_status]
    Ticket.update(**values).where(Ticket.id == ticket.id).execute()
    for key, value in values.items():
        setattr(ticket, key, value)
    return message, ticket, [_event(ticket, user, EventKind.REPLIED, changes)]


def delete_ticket(user: User, number: int) -> tuple[int, list[Event]]:
    """Hide a ticket from customers; the record and its history stay for staff.

    Returns (the ticket's id, events).
    """
    ticket = get_ticket(user, number, for_update=True)
    if ticket.deleted_at is not None:
        return ticket.id, []
    now = utcnow()
    Ticket.update(deleted_at=now, updated_at=now, version=ticket.version + 1).where(
        Ticket.id == ticket.id
    ).execute()
    ticket.updated_at = now
    return ticket.id, [_event(ticket, user, EventKind.DELETED, {})]
