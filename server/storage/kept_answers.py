"""The answers of writes, kept for retries with the same ``Idempotency-Key``.

``server/http/idempotency.py`` says why a retry must get the first answer; this
module is the table's side: find a user's live key, keep an answer in the
write's transaction, let an expired key be used again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from server.storage.db import db
from server.storage.fields import utcnow
from server.storage.models import IdempotencyKey


@dataclass(frozen=True)
class KeptAnswer:
    """What an earlier write with a key answered, and which request it answered."""

    request_hash: str
    status: int
    body: bytes | None
    """None: kept before every write kept its answer (a create; its ticket is the answer)."""
    ticket_id: int


def kept_answer(user_id: int, key: str, ttl: timedelta) -> KeptAnswer | None:
    """The answer kept for ``user_id``'s ``key`` within ``ttl``, or None."""
    row = IdempotencyKey.get_or_none(
        IdempotencyKey.user == user_id,
        IdempotencyKey.key == key,
        IdempotencyKey.created_at > utcnow() - ttl,
    )
    if row is None:
        return None
    body = None if row.response is None else row.response.encode()
    return KeptAnswer(row.request_hash, row.status_code or 201, body, row.ticket_id)


def kept_answer_now(user_id: int, key: str, ttl: timedelta) -> KeptAnswer | None:
    """``kept_answer`` on a connection of its own (after a write lost the race for ``key``)."""
    with db.connection_context():
        return kept_answer(user_id, key, ttl)


def keep_answer(
    user_id: int,
    key: str,
    request_hash: str,
    ticket_id: int,
    status: int,
    body: bytes,
    ttl: timedelta,
) -> None:
    """Keep an answer for retries with ``key``; call in the write's transaction.

    An expired row of the same key goes first, so a key may be reused after its
    time. A concurrent write with the same key that committed first makes this
    fail on the unique index.
    """
    IdempotencyKey.delete().where(
        IdempotencyKey.user == user_id,
        IdempotencyKey.key == key,
        IdempotencyKey.created_at <= utcnow() - ttl,
    ).execute()
    IdempotencyKey.create(
        user=user_id,
        key=key,
        request_hash=request_hash,
        ticket=ticket_id,
        status_code=status,
        response=body.decode(),
    )
