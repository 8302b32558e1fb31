"""Migrations 3 and 5: the SLA clock's columns, the reopen count and the indexes the statistics read.

An existing database gets the columns with their defaults, the reopen count
backfilled from the status history in the event log (one UPDATE, in SQL), and
tickets already waiting paused from their last change. Migration 5 adds the
pre-aggregate of resolved tickets (``rollup.py``) and counts it from ``ticket``.
"""

from __future__ import annotations

import operator
from functools import reduce
from typing import Any

from peewee import BigIntegerField, Expression, SmallIntegerField, fn
from playhouse.migrate import SchemaMigrator, migrate

from server.stats import rollup, triggers
from server.storage.db import db
from server.storage.fields import TimeField
from server.storage.models import (
    PERIOD_STATS_COLUMNS,
    Event,
    SettledDay,
    SettledDuration,
    Ticket,
)

REOPEN_PATTERNS = [
    f'%"status":["{old}","{new}"]%'
    for old in ("resolved", "closed")
    for new in ("new", "open", "waiting")
]
"""How a reopening looks in an event's JSON changes (status events and customer replies)."""


def _reopens() -> Any:
    """SQL: the number of reopen events of the ticket being updated."""
    reopened = reduce(operator.or_, [Expression(Event.changes, "LIKE", p) for p in REOPEN_PATTERNS])
    return Event.select(fn.COUNT(Event.id)).where(
        Event.ticket == Ticket.id, Event.kind.in_(("status", "replied")), reopened
    )


def sla_and_stats(migrator: SchemaMigrator) -> None:
    """Add sla_paused_at/_ms, sla_breached, reopens and the stats indexes to ``ticket``."""
    migrate(
        migrator.add_column("ticket", "sla_paused_at", TimeField(null=True)),
        migrator.add_column("ticket", "sla_paused_ms", BigIntegerField(default=0)),
        migrator.add_column("ticket", "sla_breached", SmallIntegerField(default=0)),
        migrator.add_column("ticket", "reopens", SmallIntegerField(default=0)),
        migrator.add_index("ticket", ("resolved_at", "created_at"), False),
        migrator.add_index("ticket", ("organization_id", "created_at"), False),
        migrator.add_index(
            "ticket",
            [getattr(Ticket, c).column_name for c in PERIOD_STATS_COLUMNS],
            False,
            name="ticket_period_stats",
        ),
    )
    Ticket.update(reopens=_reopens()).execute()
    Ticket.update(sla_paused_at=Ticket.updated_at).where(Ticket.status == "waiting").execute()


def settled_rollup(migrator: SchemaMigrator) -> None:
    """Migration 5: the statistics pre-aggregate, its triggers, and its back-fill from ``ticket``."""
    db.create_tables([SettledDay, SettledDuration])
    triggers.install()
    rollup.rebuild()
