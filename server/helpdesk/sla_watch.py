"""Rules layer: record an ``sla_breached`` event the moment a ticket misses a target.

A background task (server/live/breach_watch.py, started in the app's lifespan) looks every
``sla_check_seconds`` for open tickets whose clock runs (status new or open;
``waiting`` is paused) and whose due time has passed without the breach being
recorded yet. The ``status`` index finds the open tickets, a small set beside
the history, so a check costs about a millisecond. Each breach is claimed with
``UPDATE ... WHERE sla_breached = <seen>``, so with several server processes
exactly one records it; the claim and the event commit together, written the
way every ticket change is (server/live/journal.py): in event-id order, with
their mails and webhooks in the outbox and, on PostgreSQL, a NOTIFY that wakes
the other processes' streams. Events are
staff-only (``internal``): they are an alert for the team, and their actor is
the inactive "SLA clock" account rather than a person.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from peewee import IntegrityError

from server.storage.db import db
from server.storage.fields import to_ms
from server.storage.models import Event, Ticket, User
from server.storage.write_path import Journal, write
from server.vocabulary import (
    BREACH_BITS,
    RUNNING_STATUSES,
    SYSTEM_ACCOUNT_EMAIL,
    EventKind,
    Role,
    Target,
)

FIRST_RESPONSE = BREACH_BITS[Target.FIRST_RESPONSE]
RESOLUTION = BREACH_BITS[Target.RESOLUTION]
CLOCK_EMAIL = SYSTEM_ACCOUNT_EMAIL
BATCH = 500


def overdue_query(now_ms: int) -> Any:
    """Running tickets past a due time whose breach is not recorded yet (oldest due first).

    A ticket its customer deleted is no work any more: its clocks stand still.
    """
    response_due = (
        Ticket.first_response_at.is_null()
        & (Ticket.first_response_due <= now_ms)
        & (Ticket.sla_breached.bin_and(FIRST_RESPONSE) == 0)
    )
    resolution_due = (Ticket.resolution_due <= now_ms) & (
        Ticket.sla_breached.bin_and(RESOLUTION) == 0
    )
    return (
        Ticket.select(
            Ticket.id,
            Ticket.organization,
            Ticket.first_response_at,
            Ticket.first_response_due,
            Ticket.resolution_due,
            Ticket.sla_breached,
        )
        .where(
            Ticket.status.in_(RUNNING_STATUSES),
            Ticket.deleted_at.is_null(),
            response_due | resolution_due,
        )
        .order_by(Ticket.resolution_due, Ticket.id)
        .limit(BATCH)
    )


def clock_user() -> User:
    """The inactive account that signs breach events (created on first use; cannot sign in)."""
    found = User.get_or_none(User.email == CLOCK_EMAIL)
    if found is not None:
        return found
    try:
        with db.atomic():  # a savepoint in the breach write: losing the race undoes only this
            return User.create(
                email=CLOCK_EMAIL,
                name="SLA clock",
                role=Role.AGENT,
                active=False,
                system=True,  # never offered as a person (server/reads/people.py)
                password_hash="!",  # noqa: S106 - no argon2 hash matches "!"
            )
    except IntegrityError:  # another process created it first
        return User.get(User.email == CLOCK_EMAIL)


def _missed(ticket: Ticket, now: datetime) -> int:
    missed = 0
    if ticket.first_response_at is None and ticket.first_response_due <= now:
        missed |= FIRST_RESPONSE
    if ticket.resolution_due <= now:
        missed |= RESOLUTION
    return missed & ~ticket.sla_breached


def record_breaches(now: datetime, journal: Journal) -> list[int]:
    """Write an event for every newly missed target; returns the new event ids.

    One write through the one write path (its own transaction, off the
    requests' group commit), so the claims, the events, their outbox rows and
    the wake-up go together as for any change.
    """
    with db.connection_context():
        tickets = list(overdue_query(to_ms(now)))
    if not tickets:
        return []

    def change() -> tuple[list[Event], list[Event]]:
        actor = clock_user()
        events = [event for ticket in tickets if (event := _breach(ticket, actor, now)) is not None]
        return events, events

    return [event.id for event in write(change, journal, batched=False)]  # ids drawn at commit


def _breach(ticket: Ticket, actor: User, now: datetime) -> Event | None:
    """Claim the newly missed targets of ``ticket`` and log them; None if none (or lost)."""
    missed = _missed(ticket, now)
    claimed = (
        Ticket.update(sla_breached=ticket.sla_breached | missed)
        .where(Ticket.id == ticket.id, Ticket.sla_breached == ticket.sla_breached)
        .execute()
    )
    if not missed or claimed != 1:
        return None
    targets = [str(name) for name, bit in BREACH_BITS.items() if missed & bit]
    due = {
        name: getattr(ticket, f"{name}_due").isoformat().replace("+00:00", "Z") for name in targets
    }
    return Event(
        ticket=ticket.id,
        organization=ticket.organization_id,
        kind=EventKind.SLA_BREACHED,
        actor=actor.id,
        changes={"targets": targets, "due": due},
        internal=True,
        at=now,
    )
