"""HTTP layer: a ticket write as every write route runs it: rate limit, change, answer, once per key.

The order inside the one transaction: an earlier write with the same
``Idempotency-Key`` answers at once (no limit spent, nothing changed); else the
customer's rate limit is spent, the change is made, and with a key its answer
is built and stored beside it. Without a key the answer is read after the
COMMIT, off the writer thread, as before.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from fastapi import Request
from starlette.responses import Response

from server.config import Settings
from server.helpdesk import rate_limit
from server.http import idempotency
from server.http.deps import write
from server.http.errors import DomainError
from server.http.idempotency import Answer
from server.storage.models import Event, User
from server.storage.still_wanted import Abandoned
from server.storage.write_path import ConstraintRefused


@dataclass(frozen=True)
class Done:
    """What a change touched, and how to answer for it (inside or after the transaction)."""

    ticket_id: int
    answer: Callable[[], Answer]


@dataclass(frozen=True)
class Once:
    """The request's Idempotency-Key (checked) and the hash of what it asks."""

    key: str | None
    request_hash: str

    @classmethod
    def of(
        cls, request: Request, raw_key: str | None, body: object, if_match: str | None = None
    ) -> Once:
        """Raises DomainError for a malformed key."""
        key = idempotency.checked_key(raw_key)
        digest = idempotency.fingerprint(request.method, request.url.path, if_match, body)
        return cls(key, digest)


def write_once(
    request: Request,
    user: User,
    once: Once,
    action: str,
    change: Callable[[], tuple[Done, list[Event]]],
) -> Response:
    """Run ``change`` as ``user``'s ``action`` (``create``, ``reply``, ``change``) and answer.

    Raises what ``change`` raises, TooManyRequests past the rate limit, Invalid
    when the key was used for a different request.
    """
    settings: Settings = request.app.state.settings
    ttl = timedelta(hours=settings.idempotency_ttl_hours)
    key = once.key

    def step() -> tuple[tuple[Answer | Done, bool], list[Event]]:
        if key is not None:
            earlier = idempotency.find(user, key, once.request_hash, ttl)
            if earlier is not None:
                return (earlier, True), []
        rate_limit.spend(settings.write_limits, action, user)
        done, events = change()
        if key is None:
            return (done, False), events
        answer = done.answer()
        idempotency.remember(user, key, once.request_hash, done.ticket_id, answer, ttl)
        return (answer, False), events

    try:
        result, replayed = write(request, step)
    except (ConstraintRefused, DomainError, Abandoned):
        if key is None:
            raise
        # a concurrent write with the same key committed first: answer as it did
        earlier = idempotency.find_now(user, key, once.request_hash, ttl)
        if earlier is None:
            raise
        return earlier.response(replayed=True)
    if isinstance(result, Done):
        return result.answer().response()
    return result.response(replayed=replayed)
