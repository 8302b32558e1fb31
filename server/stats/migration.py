"""Migrations 3, 5, 13 and 35: the SLA clock's columns, the reopen count, the statistics' tables.

An existing database gets the columns with their defaults, the reopen count
backfilled from the status history in the event log (one UPDATE, in SQL), and
tickets already waiting paused from their last change. Migration 5 adds the
pre-aggregate of resolved tickets (``rollup.py``) and counts it from ``ticket``.
Migrations 13 and 35 turn earlier layouts of the durations' group key into ``group_key``.
"""

from __future__ import annotations

import operator
from functools import reduce
from typing import Any

from peewee import BigIntegerField, Expression, SmallIntegerField, fn
from playhouse.migrate import SchemaMigrator, migrate

from server.stats import rollup, triggers
from server.stats.group_key import BUCKET_STEP, ROOM
from server.storage.db import db
from server.storage.fields import TimeField
from server.storage.models import (
    PERIOD_STATS_COLUMNS,
    Event,
    SettledDay,
    SettledDuration,
    Ticket,
)
from server.vocabulary import (
    CATEGORY_CODES,
    DONE_STATUSES,
    OPEN_STATUSES,
    Category,
    EventKind,
    Status,
)

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
OLD = "stats_settled_duration_old"


def _rekey(old_column: str, new_key: str) -> None:
    """Rebuild the durations table with ``group_key``, each row's computed by SQL ``new_key``
    from the old table's row, when the table still has ``old_column``.

    Done in SQL row by row, so no count is lost or recounted; the triggers are
    dropped first and installed again for the new table.
    """
    table = SettledDuration._meta.table_name
    if old_column not in {c.name for c in db.get_columns(table)}:
        return  # made by a later migration 5, or converted already
    triggers.remove()
    db.execute_sql(f"CREATE TABLE {OLD} AS SELECT * FROM {table}")  # noqa: S608 - our names
    db.drop_tables([SettledDuration])
    db.create_tables([SettledDuration])
    db.execute_sql(  # names, words and numbers of our own, no input
        f"INSERT INTO {table} (metric, span, start_day, group_key, tickets)"  # noqa: S608
        f" SELECT metric, span, start_day, {new_key}, tickets FROM {OLD}"
    )
    db.execute_sql(f"DROP TABLE {OLD}")
    triggers.install()


def _code_of(column: str, words: dict[str, int]) -> str:
    """SQL: ``CASE column WHEN … THEN code … END`` for literal words or numbers."""
    return f"CASE {column} " + " ".join(f"WHEN {w} THEN {c}" for w, c in words.items()) + " END"


def keyed_from_packed(migrator: SchemaMigrator) -> None:
    """Migration 13: ``key = bucket * 64 + priority * 8 + place in a tuple`` becomes ``group_key``.

    The old key depended on the order of a tuple of categories and had room for
    eight; ``group_key`` packs explicit stored codes with room for 64
    (``group_key.py``). Integer division on both databases, and no ``%``: the
    PostgreSQL driver reads it as a placeholder.
    """
    codes = {str(i): CATEGORY_CODES[c] for i, c in enumerate(PACKED_CATEGORIES)}
    bucket, priority = "key / 64", "(key - key / 64 * 64) / 8"
    category = _code_of("key - key / 8 * 8", codes)
    _rekey("key", f"{bucket} * {BUCKET_STEP} + {priority} * {ROOM} + {category}")


def keyed_from_columns(migrator: SchemaMigrator) -> None:
    """Migration 35: the (priority, category word, bucket) columns that an earlier migration 13
    made become ``group_key``, which groups about twice as fast."""
    category = _code_of("category", {f"'{w.value}'": c for w, c in CATEGORY_CODES.items()})
    _rekey("priority", f"bucket * {BUCKET_STEP} + priority * {ROOM} + {category}")
