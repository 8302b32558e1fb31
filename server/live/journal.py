"""Live layer: what every ticket write does inside its transaction so notifications never miss a change.

Event ids are the stream's cursor, so they must become visible in id order: a
stream that saw event 11 must not later find a 10 that committed late. SQLite
already runs one writer at a time (``BEGIN IMMEDIATE``); on PostgreSQL an
advisory transaction lock does the same for ticket writes. Then the outbox rows
are written and, on PostgreSQL, a NOTIFY (delivered at commit) wakes the other
server processes.
"""

from __future__ import annotations

from server.config import Settings
from server.outbox.enqueue import enqueue
from server.storage.db import db, is_postgres
from server.storage.models import Event
from server.storage.notify import NOTIFY_CHANNEL

EVENT_ORDER_LOCK = 72658
"""Advisory lock key that orders event-writing transactions on PostgreSQL."""


def order_event_writes() -> None:
    """Take the event-order lock (PostgreSQL; held until commit). Call first in the transaction."""
    if is_postgres():
        db.execute_sql("SELECT pg_advisory_xact_lock(%s)", (EVENT_ORDER_LOCK,))


def record(events: list[Event], settings: Settings) -> None:
    """Enqueue the mails and webhooks ``events`` cause and tell other processes about them."""
    enqueue(events, settings.mail, settings.webhooks)
    if is_postgres():
        latest = max(event.id for event in events)
        db.execute_sql("SELECT pg_notify(%s, %s)", (NOTIFY_CHANNEL, str(latest)))
