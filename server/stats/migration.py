"""Migration 3: the SLA clock's columns, the reopen count and the indexes the statistics read.

An existing database gets the columns with their defaults, the reopen count
backfilled from the status history in the event log (one UPDATE, in SQL), and
tickets already waiting paused from their last change.
"""

from __future__ import annotations

from peewee import BigIntegerField, SmallIntegerField
from playhouse.migrate import SchemaMigrator, migrate

from server.db import db
from server.fields import TimeField

_REOPENS = " OR ".join(
    f'e.changes LIKE \'%"status":["{old}","{new}"]%\''
    for old in ("resolved", "closed")
    for new in ("new", "open", "waiting")
)


def sla_and_stats(migrator: SchemaMigrator) -> None:
    """Add sla_paused_at/_ms, sla_breached, reopens and the stats indexes to ``ticket``."""
    migrate(
        migrator.add_column("ticket", "sla_paused_at", TimeField(null=True)),
        migrator.add_column("ticket", "sla_paused_ms", BigIntegerField(default=0)),
        migrator.add_column("ticket", "sla_breached", SmallIntegerField(default=0)),
        migrator.add_column("ticket", "reopens", SmallIntegerField(default=0)),
        migrator.add_index("ticket", ("resolved_at",), False),
        migrator.add_index("ticket", ("organization_id", "created_at"), False),
    )
    db.execute_sql(
        "UPDATE ticket SET reopens = (SELECT COUNT(*) FROM event e"  # noqa: S608 - constant SQL
        f" WHERE e.ticket_id = ticket.id AND e.kind IN ('status', 'replied') AND ({_REOPENS}))"
    )
    db.execute_sql("UPDATE ticket SET sla_paused_at = updated_at WHERE status = 'waiting'")
