"""Migrations 3, 5 and 13: the SLA clock's columns, the reopen count, the statistics' tables.

An existing database gets the columns with their defaults, the reopen count
backfilled from the status history in the event log (one UPDATE, in SQL), and
tickets already waiting paused from their last change. Migration 5 adds the
pre-aggregate of resolved tickets (``rollup.py``) and counts it from ``ticket``.
Migration 13 unpacks the durations' group key into three columns (``unpacked_durations``).
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
from server.vocabulary import DONE_STATUSES, OPEN_STATUSES, Category, EventKind, Status

REOPEN_PATTERNS = [
    f'%"status":["{old}","{new}"]%' for old in DONE_STATUSES for new in OPEN_STATUSES
]
"""How a reopening looks in an event's JSON changes (status events and customer replies)."""


def _reopens() -> Any:
    """SQL: the number of reopen events of the ticket being updated."""
    reopened = reduce(operator.or_, [Expression(Event.changes, "LIKE", p) for p in REOPEN_PATTERNS])
    return Event.select(fn.COUNT(Event.id)).where(
        Event.ticket == Ticket.id, Event.kind.in_((EventKind.STATUS, EventKind.REPLIED)), reopened
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
    Ticket.update(sla_paused_at=Ticket.updated_at).where(Ticket.status == Status.WAITING).execute()


def settled_rollup(migrator: SchemaMigrator) -> None:
    """Migration 5: the statistics pre-aggregate, its triggers, and its back-fill from ``ticket``."""
    db.create_tables([SettledDay, SettledDuration])
    triggers.install()
    rollup.rebuild()


PACKED_CATEGORIES = (
    Category.HARDWARE, Category.SOFTWARE, Category.USAGE, Category.SECURITY, Category.OTHER,
)  # fmt: skip
"""The category numbers of the packed key before migration 13 (``key % 8``): history, frozen."""
PACKED = "stats_settled_duration_packed"


def unpacked_durations(migrator: SchemaMigrator) -> None:
    """Migration 13: ``key = bucket * 64 + priority * 8 + category number`` becomes three columns.

    The packed key depended on the order of a tuple of categories and had room for
    eight. Each row is converted in SQL (the priority's stored code is unchanged;
    the category number becomes its word), so no count is lost or recounted. The
    triggers are dropped first and installed again for the new columns.
    """
    table = SettledDuration._meta.table_name
    if "key" not in {c.name for c in db.get_columns(table)}:
        return  # created by migration 5 of this version, already unpacked
    triggers.remove()
    db.execute_sql(f"CREATE TABLE {PACKED} AS SELECT * FROM {table}")  # noqa: S608 - our names
    db.drop_tables([SettledDuration])
    db.create_tables([SettledDuration])
    # no ``%``: the PostgreSQL driver reads it as a placeholder; integer division on both
    category = " ".join(f"WHEN {i} THEN '{c.value}'" for i, c in enumerate(PACKED_CATEGORIES))
    convert = (  # names and words of our own, no input
        f"INSERT INTO {table} (metric, span, start_day, priority, category, bucket, tickets)"  # noqa: S608
        f" SELECT metric, span, start_day, (key - key / 64 * 64) / 8,"
        f" CASE key - key / 8 * 8 {category} END,"
        f" key / 64, tickets FROM {PACKED}"
    )
    db.execute_sql(convert)
    db.execute_sql(f"DROP TABLE {PACKED}")
    triggers.install()
