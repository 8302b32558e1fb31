"""Rules layer: merge a duplicate into another ticket, and take it out again.

A merge moves nothing: the duplicate keeps its messages and events and gets a
pointer (``merged_into``); the target's conversation and history *show* the
duplicate's beside its own (``merged_sources``), so an unmerge is exact. The
duplicate is closed (its status before is kept in the ``merged`` event, for the
undo), both tickets' versions move, and each gets a ``merged`` event; their mails
(server/outbox/enqueue.py) tell the duplicate's requester and, when it is
someone else, the target's. Staff only; across organizations only when asked
for in so many words (``across``), since the target's staff view then holds
another organization's words — a customer of the target never sees them.
"""

from __future__ import annotations

from typing import Any

from server.helpdesk.errors import Conflict, Forbidden, Invalid, StaleVersion
from server.helpdesk.tickets import status_side_effects
from server.helpdesk.visibility import get_ticket
from server.storage.fields import utcnow
from server.storage.models import Event, Ticket, User
from server.vocabulary import EventKind, Status


def _log(ticket: Ticket, actor: User, kind: str, changes: dict[str, Any]) -> Event:
    """The unsaved event of one side of a merge (the write path saves it last)."""
    return Event(
        ticket=ticket.id,
        organization=ticket.organization_id,
        kind=kind,
        actor=actor.id,
        changes=changes,
        at=ticket.updated_at,
    )


def _check_version(ticket: Ticket, expected: int) -> None:
    if ticket.version != expected:
        raise StaleVersion(
            f"ticket {ticket.id} was changed by someone else (now version {ticket.version})",
            details={"ticket": ticket.id, "current_version": ticket.version},
        )


def _both(user: User, first: int, second: int) -> tuple[Ticket, Ticket]:
    """The two tickets, locked in number order (two merges in opposite directions cannot
    deadlock on PostgreSQL)."""
    low, high = sorted((first, second))
    locked = {n: get_ticket(user, n, for_update=True) for n in (low, high)}
    return locked[first], locked[second]


def _update(ticket: Ticket, values: dict[str, Any]) -> None:
    rows = (
        Ticket.update(**values)
        .where(Ticket.id == ticket.id, Ticket.version == ticket.version)
        .execute()
    )
    if rows != 1:
        raise StaleVersion(f"ticket {ticket.id} was changed by someone else")
    for key, value in values.items():
        setattr(ticket, key, value)


def merge(
    user: User, number: int, into: int, expected: int, into_expected: int, across: bool
) -> tuple[Ticket, list[Event]]:
    """Merge ticket ``number`` (at version ``expected``) into ``into`` (at ``into_expected``).

    Returns the duplicate and the two events. Raises Forbidden (not staff),
    Invalid (itself), NotFound, StaleVersion, Conflict (already merged, tickets
    merged into the duplicate, another organization without ``across``).
    """
    if not user.is_staff:
        raise Forbidden("only support staff merge tickets")
    if number == into:
        raise Invalid("a ticket cannot be merged into itself")
    source, target = _both(user, number, into)
    if source.merged_into is not None:
        raise Conflict(f"ticket {number} is already merged into #{source.merged_into}")
    if target.merged_into is not None:
        raise Conflict(
            f"ticket {into} was itself merged into #{target.merged_into}; merge into that one"
        )
    if target.deleted_at is not None:
        raise Invalid(f"ticket {into} was deleted; merge into a ticket the customer can see")
    if Ticket.select().where(Ticket.merged_into == source.id).exists():
        raise Conflict(f"other tickets are merged into #{number}; merge into #{number} instead")
    _check_version(source, expected)
    _check_version(target, into_expected)
    other_org = source.organization_id != target.organization_id
    if other_org and not across:
        raise Conflict(
            f"tickets {number} and {into} belong to different organizations; "
            'send "across_organizations": true to merge them anyway',
            details={"across_organizations_required": True},
        )
    now = utcnow()
    before = source.status
    values: dict[str, Any] = {
        "merged_into": target.id,
        "updated_at": now,
        "version": source.version + 1,
    }
    if before != Status.CLOSED:
        values["status"] = Status.CLOSED
        status_side_effects(source, Status.CLOSED, values)
    values.pop("reopens", None)
    _update(source, values)
    _update(target, {"updated_at": now, "version": target.version + 1})
    merged = {
        "into": target.id,
        "status": [before, source.status],
        "across_organizations": other_org,
    }
    events = [
        _log(source, user, EventKind.MERGED, merged),
        _log(
            target, user, EventKind.MERGED, {"from": source.id, "across_organizations": other_org}
        ),
    ]
    return source, events


def _status_before_merge(ticket: Ticket) -> str:
    """The duplicate's status before its last merge (open when the log does not say)."""
    event = (
        Event.select(Event.changes)
        .where(Event.ticket == ticket.id, Event.kind == EventKind.MERGED)
        .order_by(Event.id.desc())
        .first()
    )
    pair = (event.changes.get("status") if event else None) or [Status.OPEN]
    return str(pair[0]) if pair[0] in tuple(Status) else Status.OPEN


def unmerge(user: User, number: int, expected: int) -> tuple[Ticket, list[Event]]:
    """Undo the merge of ticket ``number``: the pointer goes, its status comes back.

    Raises Forbidden, NotFound, StaleVersion, Conflict (not merged).
    """
    if not user.is_staff:
        raise Forbidden("only support staff unmerge tickets")
    ticket = get_ticket(user, number)
    if ticket.merged_into is None:
        raise Conflict(f"ticket {number} is not merged into another ticket")
    source, target = _both(user, number, ticket.merged_into)
    if source.merged_into != target.id:
        raise Conflict(f"ticket {number} was changed by someone else")
    _check_version(source, expected)
    now = utcnow()
    values: dict[str, Any] = {"merged_into": None, "updated_at": now, "version": source.version + 1}
    status = _status_before_merge(source)
    if status != source.status:
        values["status"] = status
        status_side_effects(source, status, values)
    values.pop("reopens", None)  # coming back from a merge is no reopen
    before = source.status
    _update(source, values)
    _update(target, {"updated_at": now, "version": target.version + 1})
    return source, [
        _log(source, user, EventKind.UNMERGED, {"into": target.id, "status": [before, status]}),
        _log(target, user, EventKind.UNMERGED, {"from": source.id}),
    ]


def merged_sources(user: User, ticket: Ticket) -> list[int]:
    """The tickets merged into ``ticket`` whose words ``user`` may see beside its own.

    Staff see every one; a customer only those of their own organization (an
    across-organization merge never shows one customer's words to another).
    """
    query = Ticket.select(Ticket.id).where(Ticket.merged_into == ticket.id)
    if not user.is_staff:
        query = query.where(
            Ticket.organization == user.organization_id, Ticket.deleted_at.is_null()
        )
    return [row.id for row in query.order_by(Ticket.id)]
