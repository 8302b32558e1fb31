"""Who holds the outbox rows a worker claimed: a process id with a heartbeat in the database.

A lease with only an expiry kept a crashed worker's rows for the whole lease
(5 minutes) before anyone retried them, and a longer batch than the lease
could be taken over while its worker was still busy. Now each claim names its
owner, the owner beats its heart every third of the lease on a thread of its
own (a slow SMTP conversation does not stop it), and a row is free again as
soon as its owner's heartbeat is older than the lease, or at once when the
owner shuts down and hands its rows back.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from datetime import timedelta

from peewee import ModelSelect

from server.storage.db import db
from server.storage.fields import utcnow
from server.storage.models import Outbox, OutboxOwner

log = logging.getLogger("padcom.outbox")


def new_owner_id() -> str:
    """Unique per process start: host, pid, and a random part (pids are reused)."""
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def live_owners(lease_seconds: float) -> ModelSelect[OutboxOwner]:
    """The owners that beat their heart within the last ``lease_seconds`` (a subquery)."""
    fresh = utcnow() - timedelta(seconds=lease_seconds)
    return OutboxOwner.select(OutboxOwner.owner).where(OutboxOwner.heartbeat_at > fresh)


def beat(owner: str) -> None:
    """Say ``owner`` is alive now (one upsert)."""
    with db.connection_context(), db.atomic():
        OutboxOwner.insert(owner=owner, heartbeat_at=utcnow()).on_conflict(
            conflict_target=[OutboxOwner.owner], update={OutboxOwner.heartbeat_at: utcnow()}
        ).execute()


def hand_back(owner: str) -> int:
    """At shutdown: release every row ``owner`` still holds and forget the owner."""
    with db.connection_context(), db.atomic():
        released = (
            Outbox.update(lease_until=None, lease_owner=None)
            .where(Outbox.lease_owner == owner)
            .execute()
        )
        OutboxOwner.delete().where(OutboxOwner.owner == owner).execute()
    return int(released)


class Heartbeat:
    """Beats ``owner``'s heart every ``lease_seconds / 3`` until stopped."""

    def __init__(self, owner: str, lease_seconds: float) -> None:
        self.owner = owner
        self.every = max(0.2, lease_seconds / 3)
        self.lease_seconds = lease_seconds
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="padcom-outbox-heart", daemon=True)
        self.last_beat: float | None = None
        """``time.monotonic()`` of the last beat that reached the database."""

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(5)

    def fresh(self, now: float) -> bool:
        """Whether the last beat is recent enough that other workers leave our rows alone."""
        return self.last_beat is not None and now - self.last_beat < self.lease_seconds

    def _run(self) -> None:
        while True:
            try:
                beat(self.owner)
                self.last_beat = time.monotonic()
            except Exception:  # the database is away: beat again next time
                log.warning("outbox heartbeat failed; retrying", exc_info=True)
            if self._stop.wait(self.every):
                return
