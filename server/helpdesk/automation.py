"""Rules layer: tickets that wait too long move on by themselves — a reminder, a resolve, a close.

A ticket waiting on the customer gets one reminder mail after ``remind_after_days``
and is resolved after ``resolve_after_days`` (both counted from when it started
waiting); a resolved ticket is closed after ``close_after_days``. Each step is an
event whose actor is the inactive "Padcom (automatic)" account, so the customer's
history says who did it in words they understand, and the mails follow from the
events as for any change (the resolve mail asks for a rating).

One pass is one write through the one write path (its own transaction, off the
requests' group commit). Several server processes may run the pass: on PostgreSQL
the transaction takes a transaction-level advisory lock *without waiting* (as the
stream leases do, server/live/leases.py, but a busy lock means another instance
is already at it, so this one skips the round); on SQLite the write transaction
begins IMMEDIATE and so runs alone. Inside it each ticket is re-read and claimed
with ``UPDATE ... WHERE version = <seen>``, so nothing is done twice even so.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from peewee import IntegrityError, fn

from server.helpdesk.tickets import status_side_effects, timed_event
from server.storage.db import db, is_postgres
from server.storage.fields import to_ms
from server.storage.models import Event, Ticket, User
from server.storage.write_path import Journal, write
from server.vocabulary import PAUSING_STATUS, EventKind, Role, Status

AUTOMATIC_EMAIL = "automatic@padcom.invalid"
AUTOMATIC_NAME = "Padcom (automatic)"
AUTOMATION_LOCK = 72661
"""Advisory lock key: one instance runs a pass at a time on PostgreSQL."""
BATCH = 200
DAY = timedelta(days=1)


def _days(name: str, default: float) -> float:
    raw = os.environ.get(name, "")
    return float(raw) if raw.strip() else default


@dataclass(frozen=True)
class AutomationSettings:
    """When waiting and resolved tickets move on by themselves; 0 turns a step off."""

    remind_after_days: float = 3.0
    """A ticket waiting on the customer this long gets one reminder (``PADCOM_WAITING_REMIND_DAYS``)."""
    resolve_after_days: float = 7.0
    """... and is resolved when it has waited this long (``PADCOM_WAITING_RESOLVE_DAYS``)."""
    close_after_days: float = 7.0
    """A resolved ticket is closed this long after it was resolved (``PADCOM_RESOLVED_CLOSE_DAYS``)."""
    check_seconds: float = 300.0
    """How often the server looks; 0 never (``PADCOM_AUTOMATION_CHECK_SECONDS``)."""

    @classmethod
    def from_env(cls) -> AutomationSettings:
        """The defaults, each overridable by its environment variable (a number)."""
        return cls(
            remind_after_days=_days("PADCOM_WAITING_REMIND_DAYS", cls.remind_after_days),
            resolve_after_days=_days("PADCOM_WAITING_RESOLVE_DAYS", cls.resolve_after_days),
            close_after_days=_days("PADCOM_RESOLVED_CLOSE_DAYS", cls.close_after_days),
            check_seconds=_days("PADCOM_AUTOMATION_CHECK_SECONDS", cls.check_seconds),
        )

    def __post_init__(self) -> None:
        values = (self.remind_after_days, self.resolve_after_days, self.close_after_days)
        if min(*values, self.check_seconds) < 0:
            raise ValueError("automation days and seconds cannot be negative")


def automatic_user() -> User:
    """The inactive account that signs automatic steps (created on first use; cannot sign in)."""
    found = User.get_or_none(User.email == AUTOMATIC_EMAIL)
    if found is not None:
        return found
    try:
        with db.atomic():  # a savepoint: losing the race to another process undoes only this
            return User.create(
                email=AUTOMATIC_EMAIL,
                name=AUTOMATIC_NAME,
                role=Role.AGENT,
                active=False,
                password_hash="!",  # noqa: S106 - no argon2 hash matches "!"
            )
    except IntegrityError:
        return User.get(User.email == AUTOMATIC_EMAIL)


WAITING_SINCE = fn.COALESCE(Ticket.sla_paused_at, Ticket.updated_at)
"""When a waiting ticket started waiting (the paused SLA clock says; else its last change)."""


def _due(settings: AutomationSettings, now: datetime) -> list[Ticket]:
    """The tickets with a step due at ``now``, oldest first, at most ``BATCH`` of each kind."""
    found: list[Ticket] = []
    live = Ticket.deleted_at.is_null() & Ticket.merged_into.is_null()
    waiting = live & (Ticket.status == PAUSING_STATUS)
    if settings.resolve_after_days > 0:
        cut = to_ms(now - settings.resolve_after_days * DAY)
        found.extend(Ticket.select().where(waiting & (cut >= WAITING_SINCE)).limit(BATCH))
    if 0 < settings.remind_after_days < (settings.resolve_after_days or float("inf")):
        cut = to_ms(now - settings.remind_after_days * DAY)
        unreminded = Ticket.reminded_at.is_null() | (Ticket.reminded_at < WAITING_SINCE)
        found.extend(
            Ticket.select().where(waiting & (cut >= WAITING_SINCE) & unreminded).limit(BATCH)
        )
    if settings.close_after_days > 0:
        cut = to_ms(now - settings.close_after_days * DAY)
        resolved = live & (Ticket.status == Status.RESOLVED) & (Ticket.resolved_at <= cut)
        found.extend(Ticket.select().where(resolved).limit(BATCH))
    unique = {ticket.id: ticket for ticket in found}
    return [unique[n] for n in sorted(unique)]


def _claim(ticket: Ticket, values: dict[str, Any]) -> bool:
    rows = (
        Ticket.update(**values)
        .where(Ticket.id == ticket.id, Ticket.version == ticket.version)
        .execute()
    )
    return bool(rows == 1)


def _waited_days(ticket: Ticket, now: datetime) -> float:
    since = ticket.sla_paused_at or ticket.updated_at
    return float((now - since) / DAY)


def _step(ticket: Ticket, settings: AutomationSettings, actor: User, now: datetime) -> Event | None:
    """The one step due on ``ticket`` (re-read in the transaction), claimed; None if none."""
    if ticket.deleted_at is not None or ticket.merged_into is not None:
        return None
    if ticket.status == Status.RESOLVED and settings.close_after_days > 0:
        if (
            ticket.resolved_at is None
            or (now - ticket.resolved_at) / DAY < settings.close_after_days
        ):
            return None
        return _move(ticket, Status.CLOSED, settings.close_after_days, actor, now, "resolved")
    if ticket.status != PAUSING_STATUS:
        return None
    waited = _waited_days(ticket, now)
    if 0 < settings.resolve_after_days <= waited:
        return _move(ticket, Status.RESOLVED, settings.resolve_after_days, actor, now, "waiting")
    since = ticket.sla_paused_at or ticket.updated_at
    reminded = ticket.reminded_at is not None and ticket.reminded_at >= since
    if reminded or not 0 < settings.remind_after_days <= waited:
        return None
    if not _claim(ticket, {"reminded_at": now}):
        return None
    left = settings.resolve_after_days - waited if settings.resolve_after_days else 0
    changes: dict[str, Any] = {"days": int(waited)}
    if left > 0:
        changes["resolve_in_days"] = max(1, math.ceil(left))
    return timed_event(ticket, actor, EventKind.REMINDED, changes, at=now)


def _move(
    ticket: Ticket, status: Status, days: float, actor: User, now: datetime, was: str
) -> Event | None:
    values: dict[str, Any] = {"status": status, "updated_at": now, "version": ticket.version + 1}
    status_side_effects(ticket, status, values)
    if not _claim(ticket, values):
        return None
    before = ticket.status
    ticket.updated_at = now
    why = "no answer from the customer" if was == "waiting" else "resolved, nothing more heard"
    reason = f"{why} for {days:g} days"
    changes = {"status": [before, status], "reason": reason}
    return timed_event(ticket, actor, EventKind.STATUS, changes, at=now)


def run_pass(settings: AutomationSettings, now: datetime, journal: Journal) -> list[int]:
    """Take every step due at ``now``; returns the new event ids (none if another instance
    holds the pass). ``now`` is passed in so a test can move the clock."""
    with db.connection_context():
        due = _due(settings, now)
    if not due:
        return []

    def change() -> tuple[list[Event], list[Event]]:
        if is_postgres():
            got = db.execute_sql("SELECT pg_try_advisory_xact_lock(%s)", (AUTOMATION_LOCK,))
            if not got.fetchone()[0]:
                return [], []  # another instance is taking these steps right now
        actor = automatic_user()
        events = []
        for seen in due:
            ticket = Ticket.get_or_none(Ticket.id == seen.id)
            if ticket is not None and (event := _step(ticket, settings, actor, now)) is not None:
                events.append(event)
        return events, events

    return [event.id for event in write(change, journal, batched=False)]
