"""Open event streams counted per user and per address, over every server process.

A stream claims a lease row before it starts and deletes it when it ends; the
process serving it renews the lease every ``RENEW_SECONDS``, so the streams of
a process killed with SIGKILL stop counting after ``LEASE_SECONDS``. The count
and the insert run in one write transaction (SQLite's single writer; an
advisory lock on PostgreSQL), so a burst of opens cannot overshoot the cap.
"""

from __future__ import annotations

from datetime import timedelta

from server.live.settings import StreamLimits
from server.storage.db import db, is_postgres
from server.storage.fields import utcnow
from server.storage.group_commit import soon
from server.storage.models import StreamLease
from server.storage.write_path import plain, write

LEASE_SECONDS = 30
RENEW_SECONDS = LEASE_SECONDS / 3
RETRY_AFTER_SECONDS = 5
"""What a refused stream is told to wait (``Retry-After``): streams end all the time."""
LEASE_LOCK = 72659
"""Advisory lock key that serializes claims on PostgreSQL."""


def claim(user_id: int, address: str, limits: StreamLimits) -> int | None:
    """A lease for a new stream of ``user_id`` from ``address``; None when either is at its cap."""

    address = address[:64]
    with db.connection_context():
        if _at_cap(user_id, address, limits):
            return None  # refused by a read: a crowd of refusals costs no write

    # A transaction of its own, not a turn in the group commit: batched beside a ticket
    # write (which takes the event-order lock) the two advisory locks could be taken in
    # opposite orders by two processes, and PostgreSQL would break the deadlock by failing one.
    def take() -> int | None:
        if is_postgres():
            db.execute_sql("SELECT pg_advisory_xact_lock(%s)", (LEASE_LOCK,))
        now = utcnow()
        StreamLease.delete().where(StreamLease.expires_at <= now).execute()
        if _at_cap(user_id, address, limits):
            return None
        expires = now + timedelta(seconds=LEASE_SECONDS)
        lease = StreamLease.create(user=user_id, address=address, expires_at=expires)
        return int(lease.id)

    return write(plain(take), None, batched=False)


def _at_cap(user_id: int, address: str, limits: StreamLimits) -> bool:
    """Whether the user or the address already holds as many live leases as allowed."""
    live = StreamLease.select().where(StreamLease.expires_at > utcnow())
    mine = live.where(StreamLease.user == user_id).count()
    here = live.where(StreamLease.address == address).count()
    return mine >= limits.per_user or here >= limits.per_address


def release(lease_id: int) -> None:
    """The stream ended: its lease stops counting (queued; the caller does not wait)."""
    soon(StreamLease.delete().where(StreamLease.id == lease_id).execute)


def renew(lease_ids: list[int]) -> None:
    """Keep the leases of this process's open streams alive (queued)."""
    if lease_ids:
        expires = utcnow() + timedelta(seconds=LEASE_SECONDS)
        soon(StreamLease.update(expires_at=expires).where(StreamLease.id.in_(lease_ids)).execute)
