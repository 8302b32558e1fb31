"""Record an ``sla_breached`` event the moment a ticket misses a target.

A background task (started in the app's lifespan) looks every
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

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import datetime
from typing import Any

import anyio
from fastapi import FastAPI
from peewee import IntegrityError

from server.config import Settings
from server.live.journal import order_event_writes, record
from server.storage.db import db
from server.storage.fields import to_ms, utcnow
from server.storage.models import Event, Ticket, User
from server.vocabulary import BREACH_BITS, RUNNING_STATUSES, EventKind, Role, Target

log = logging.getLogger("padcom.sla")

FIRST_RESPONSE = BREACH_BITS[Target.FIRST_RESPONSE]
RESOLUTION = BREACH_BITS[Target.RESOLUTION]
CLOCK_EMAIL = "sla-clock@padcom.invalid"
BATCH = 500


def overdue_query(now_ms: int) -> Any:
    """Running tickets past a due time whose breach is not recorded yet (oldest due first)."""
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
        .where(Ticket.status.in_(RUNNING_STATUSES), response_due | resolution_due)
        .order_by(Ticket.resolution_due, Ticket.id)
        .limit(BATCH)
    )


def clock_user() -> User:
    """The inactive account that signs breach events (created on first use; cannot sign in)."""
    found = User.get_or_none(User.email == CLOCK_EMAIL)
    if found is not None:
        return found
    try:
        with db.atomic():
            return User.create(
                email=CLOCK_EMAIL,
                name="SLA clock",
                role=Role.AGENT,
                active=False,
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


def record_breaches(now: datetime, settings: Settings) -> list[int]:
    """Write an event for every newly missed target; returns the new event ids."""
    events: list[Event] = []
    with db.connection_context():
        tickets = list(overdue_query(to_ms(now)))
        if not tickets:
            return []
        actor = clock_user()
        with db.atomic():
            order_event_writes()
            for ticket in tickets:
                missed = _missed(ticket, now)
                claimed = (
                    Ticket.update(sla_breached=ticket.sla_breached | missed)
                    .where(Ticket.id == ticket.id, Ticket.sla_breached == ticket.sla_breached)
                    .execute()
                )
                if not missed or claimed != 1:
                    continue
                targets = [str(name) for name, bit in BREACH_BITS.items() if missed & bit]
                due = {
                    name: getattr(ticket, f"{name}_due").isoformat().replace("+00:00", "Z")
                    for name in targets
                }
                events.append(
                    Event.create(
                        ticket=ticket.id,
                        organization=ticket.organization_id,
                        kind=EventKind.SLA_BREACHED,
                        actor=actor.id,
                        changes={"targets": targets, "due": due},
                        internal=True,
                        at=now,
                    )
                )
            if events:
                record(events, settings)
    return [event.id for event in events]


def check_once(app: FastAPI) -> list[int]:
    """One check; the new events go to the same listeners as any committed change."""
    ids = record_breaches(utcnow(), app.state.settings)
    if ids:
        for listener in list(app.state.on_commit):
            listener(ids)
    return ids


async def watch(app: FastAPI, interval: float) -> None:
    """Check every ``interval`` seconds until cancelled; a failed check is logged and retried."""
    while True:
        try:
            await anyio.to_thread.run_sync(check_once, app)
        except Exception:  # a database outage must not end the watch
            log.exception("SLA breach check failed; retrying in %s s", interval)
        await asyncio.sleep(interval)


Lifespan = Callable[[FastAPI], AbstractAsyncContextManager[None]]


def with_sla_watch(inner: Lifespan) -> Lifespan:
    """``inner`` (the app's other background services) plus the breach watch around it."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with inner(app):
            interval = float(app.state.settings.sla_check_seconds)
            task = asyncio.create_task(watch(app, interval)) if interval > 0 else None
            try:
                yield
            finally:
                if task is not None:
                    task.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await task

    return lifespan
