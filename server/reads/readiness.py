"""What ``GET /readyz`` and the metrics ask the database (read models layer), each a cheap query.

Ready means this process can do its work: the database answers, its schema is
the one this code knows, the waker hears other processes' commits (LISTEN on
PostgreSQL, ``data_version`` on SQLite), and the outbox worker, when mail or
webhooks are configured, is alive and has beaten its heart lately.
"""

from __future__ import annotations

from dataclasses import dataclass

from peewee import fn

from server.storage.db import db, is_postgres
from server.storage.fields import utcnow
from server.storage.migrations import LATEST, current_version
from server.storage.models import Outbox


@dataclass(frozen=True)
class Check:
    """One part of readiness: its name, whether it holds, and a word on why not."""

    name: str
    ok: bool
    detail: str = "ok"


def database_checks() -> list[Check]:
    """Reachability and schema in one round trip (reading the schema version)."""
    try:
        with db.connection_context():
            version = current_version()
    except Exception as exc:  # any failure to reach or read it: not ready
        return [Check("database", False, type(exc).__name__), Check("schema", False, "unknown")]
    schema = Check("schema", version == LATEST, f"version {version}, this server knows {LATEST}")
    return [Check("database", True), schema if not schema.ok else Check("schema", True)]


def database_gauges() -> tuple[int, float, int]:
    """Pending outbox rows, the oldest one's age in seconds, and lock waiters (PostgreSQL)."""
    with db.connection_context():
        pending = Outbox.select(fn.COUNT(Outbox.id), fn.MIN(Outbox.created_at)).where(
            Outbox.state == "pending"
        )
        count, oldest = pending.scalar(as_tuple=True)
        age = (utcnow() - oldest).total_seconds() if oldest is not None else 0.0
        waiters = 0
        if is_postgres():
            cursor = db.execute_sql(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            waiters = int(cursor.fetchone()[0])
    return int(count or 0), max(0.0, age), waiters
