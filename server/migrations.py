"""Numbered schema migrations, applied by ``padcom-server migrate`` and at start-up.

A fresh database gets the tables as the models declare them and is stamped with
the latest number (like Alembic's create-all + stamp), plus the triggers the
models cannot declare. An older database gets
each migration after its number, in order, each in its own transaction. To
change the schema: change the model, then append a ``Migration`` that alters an
existing database the same way (``playhouse.migrate`` works on both dialects).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from playhouse.migrate import SchemaMigrator

from server.db import db, is_postgres
from server.models import ALL_MODELS, LoginFailure, Outbox, SchemaVersion, StreamLease
from server.stats import triggers
from server.stats.migration import settled_rollup, sla_and_stats


@dataclass(frozen=True)
class Migration:
    """One step of the schema's history."""

    number: int
    description: str
    apply: Callable[[SchemaMigrator], None]


def _baseline(migrator: SchemaMigrator) -> None:
    """The first schema: every table the models declared at 0.1."""
    db.create_tables(ALL_MODELS)


def _outbox(migrator: SchemaMigrator) -> None:
    """Mails and webhooks waiting to go out, written with the change that caused them."""
    db.create_tables([Outbox])


def _login_failures(migrator: SchemaMigrator) -> None:
    """Failed sign-ins per email and per address, for throttling shared by all workers."""
    db.create_tables([LoginFailure])


def _stream_leases(migrator: SchemaMigrator) -> None:
    """Open event streams per user and address, for caps shared by all workers."""
    db.create_tables([StreamLease])


MIGRATIONS: list[Migration] = [
    Migration(1, "accounts, services, tickets, messages, events, tokens", _baseline),
    Migration(2, "outbox of mails and webhooks to deliver", _outbox),
    Migration(3, "SLA clock pauses, breaches, reopen count; statistics indexes", sla_and_stats),
    Migration(4, "login throttling: failed sign-ins per email and per address", _login_failures),
    Migration(5, "statistics pre-aggregate of resolved tickets, kept by triggers", settled_rollup),
    Migration(11, "event stream leases: open streams per user and per address", _stream_leases),
]

LATEST = MIGRATIONS[-1].number


def current_version() -> int:
    """The schema version of the bound database; 0 when it is empty."""
    if not db.table_exists(SchemaVersion._meta.table_name):
        return 0
    row = SchemaVersion.select().order_by(SchemaVersion.version.desc()).first()
    return row.version if row else 0


def migrate() -> tuple[int, int]:
    """Bring the bound database to the latest schema; returns (from, to) versions.

    Safe to run from several processes at once: the work happens under a
    database-wide lock (an advisory lock on PostgreSQL; on SQLite the transaction
    begins IMMEDIATE, which takes the write lock).
    """
    with db.connection_context(), db.atomic():
        if is_postgres():
            db.execute_sql("SELECT pg_advisory_xact_lock(72657)")
        before = current_version()
        if before == 0:
            db.create_tables(ALL_MODELS)
            triggers.install()  # what the models cannot declare
            SchemaVersion.create(version=LATEST)
            return before, LATEST
        migrator = SchemaMigrator.from_database(db.obj)
        for step in MIGRATIONS:
            if step.number > before:
                step.apply(migrator)
                SchemaVersion.update(version=step.number).execute()
        return before, max(before, LATEST)
