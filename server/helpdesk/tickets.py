"""Rules layer: what may happen to a ticket, and the event each change leaves in the log.

Every function here runs inside the caller's write transaction and returns the
events it wrote, so the change and its history commit together or not at all.
Edits are optimistic: ``UPDATE ... WHERE version = ?`` and a row count check,
so of two concurrent writers with the same version exactly one wins.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from server.helpdesk.errors import Conflict, Forbidden, Invalid, StaleVersion
from server.helpdesk.sla import SlaTargets, track_status
from server.helpdesk.ticket_status import count_reopen, reopened_status, wanted_status
from server.helpdesk.visibility import get_ticket
from server.storage.db import db
from server.storage.fast_insert import Computed, insert
from server.storage.fields import utcnow
from server.storage.models import Event, Message, Service, Ticket, User
from server.vocabulary import (
    DONE_STATUSES,
    OPEN_STATUSES,
    PAUSING_STATUS,
    SERVING_STATES,
    EventKind,
    Status,
)

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
    requester: int | str | None = None
    """Staff filing for a customer (who phoned): their user id or email; None files for oneself."""


def _customer(named: int | str) -> User:
    """The active customer a staff member files a ticket for; raises Invalid if there is none."""
    if isinstance(named, int):
        found = User.get_or_none(User.id == named)
    else:
        found = User.get_or_none(User.email == named.strip().lower())
    if found is None or found.is_staff or not found.active or found.organization_id is None:
        raise Invalid(f"no active customer {named!s} to file the ticket for")
    return found


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


@cache
def _only_serving_service_sql(param: str, quote: str) -> str:
    """The organization's service when exactly one is serving (active or suspended), else NULL:
    worked out by the ticket's INSERT itself (a query of its own was a round trip of every create)."""
    table, id_, org, state = (
        name.join(quote)
        for name in (
            Service._meta.table_name,
            Service.id.column_name,
            Service.organization.column_name,
            Service.state.column_name,
        )
    )
    states = ", ".join([param] * len(SERVING_STATES))
    # names come from the model's metadata; values are parameters
    found = f"FROM {table} WHERE {org} = {param} AND {state} IN ({states})"
    return f"SELECT CASE WHEN count(*) = 1 THEN min({id_}) END {found}"


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

    Staff file for a customer by naming them (``data.requester``): the ticket is
    that customer's, the event's actor the staff member who filed it. Raises
    Forbidden (a customer naming a requester; staff naming none), Invalid.
    """
    if data.requester is not None and not user.is_staff:
        raise Forbidden("only support staff file tickets for someone else")
    customer = user if data.requester is None else _customer(data.requester)
    if customer.organization_id is None:
        raise Forbidden(
            "only customers of an organization can open tickets; "
            "staff name the customer in requester"
        )
    service_id = data.service
    computed: Computed = {}
    if service_id is None:  # the only serving one, if there is exactly one
        sql = _only_serving_service_sql(db.obj.param, db.obj.quote)
        computed["service"] = sql, (customer.organization_id, *SERVING_STATES)
    else:
        _check_service(service_id, customer.organization_id)  # one the customer named
    now = utcnow()
    first_due, resolution_due = sla.due_times(now, data.priority)
    ticket = insert(
        Ticket,
        computed,
        subject=data.subject,
        body=data.body,
        category=data.category,
        priority=data.priority,
        status=Status.NEW,
        requester=customer.id,
        organization=customer.organization_id,
        service=service_id,
        created_at=now,
        updated_at=now,
        first_response_due=first_due,
        resolution_due=resolution_due,
    )
    created = {"subject": ticket.subject, "priority": ticket.priority, "category": ticket.category}
    if customer.id != user.id:
        created["on_behalf_of"] = customer.id  # the actor (staff) filed it for the requester
    return ticket, [_event(ticket, user, EventKind.CREATED, created)]


def status_side_effects(ticket: Ticket, new_status: str, values: dict[str, Any]) -> None:
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


def refuse_if_stale(ticket: Ticket, expected_version: int | None) -> None:
    """Raises StaleVersion when the writer saw another version of ``ticket`` than it has now
    (``None``: they named none, the change applies to the ticket as it is)."""
    if expected_version is not None and ticket.version != expected_version:
        raise StaleVersion(
            f"ticket {ticket.id} was changed by someone else (now version {ticket.version})",
            details={"current_version": ticket.version},
        )


def refuse_if_merged(ticket: Ticket, what: str) -> None:
    """Replies and status changes belong on the ticket a duplicate was merged into
    (server/helpdesk/merge.py); raises Conflict."""
    if ticket.merged_into is not None:
        raise Conflict(
            f"ticket {ticket.id} was merged into #{ticket.merged_into}: {what} there "
            "(or unmerge it first)",
            details={"merged_into": ticket.merged_into},
        )


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
        refuse_if_merged(ticket, "change the status")
        wanted["status"] = wanted_status(user, ticket, wanted["status"])
    refuse_if_stale(ticket, expected_version)
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
        status_side_effects(ticket, changed["status"], values)
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
    user: User,
    number: int,
    body: str,
    internal: bool,
    status: str | None = None,
    expected_version: int | None = None,
) -> tuple[Message, Ticket, list[Event]]:
    """A reply (or a staff-only note); replies move the ticket along.

    A staff reply records the first response and opens a new ticket; a customer
    reply reopens a ticket that was waiting, resolved or closed (to ``new`` if no
    staff member ever touched it: server/helpdesk/ticket_status.py). A note leaves
    the ticket row alone: its ``version``, ``updated_at`` (so the ETag and the
    ``-updated`` order) are what a customer sees, and a note must not show
    there, nor fail a customer's ``If-Match``; no field of the ticket changed.
    ``status`` (staff, replies only) sets the status in the same change: send and
    set waiting or resolved in one step, one ``replied`` event. ``expected_version``
    (optional): the version the writer saw when they began, so a reply written while a
    colleague answered is refused rather than sent blind. Raises NotFound, Invalid, StaleVersion.
    """
    if internal and not user.is_staff:
        raise Invalid("customers cannot write internal notes")
    if status is not None and (internal or not user.is_staff):
        raise Invalid("only a staff member's reply can set the status with it")
    ticket = get_ticket(user, number, for_update=True)
    refuse_if_stale(ticket, expected_version)
    if not internal:
        refuse_if_merged(ticket, "reply")
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
        status_side_effects(ticket, new_status, values)
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


timed_event = _event
"""The log entry of a change on ``ticket`` (unsaved), for rules beside this module (links, incidents)."""
