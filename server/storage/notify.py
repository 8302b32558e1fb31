"""Storage layer: the NOTIFY that tells every server process something changed (PostgreSQL).

One channel: a payload with an event id says "events up to here are
committed" (server/live/journal.py), an empty one says "who may see what
changed" (a role, an organization, a revoked token), so each process's hub
re-checks its streams' tokens. On SQLite every commit already wakes every
process (server/live/sqlite_waker.py), so nothing is sent.
"""

from __future__ import annotations

from server.storage.db import db, is_postgres

NOTIFY_CHANNEL = "padcom_events"


def announce_access_change() -> None:
    """Make every process's hub re-check its streams' tokens now (call in the transaction).

    On PostgreSQL an empty NOTIFY, delivered at commit.
    """
    if is_postgres():
        db.execute_sql("SELECT pg_notify(%s, '')", (NOTIFY_CHANNEL,))
