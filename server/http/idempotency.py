"""``Idempotency-Key`` on every write: a retry answers what the first try answered.

A client that lost the answer to a write (a cut connection, a 503 after the
COMMIT) cannot know whether it happened. Sent again with the same key, the
write is not done twice: the first answer, stored in the same transaction as
the change, is returned as it was. Keys belong to one user and live
``idempotency_ttl_hours``; the same key with another request (method, path,
If-Match or body) is a 422.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from starlette.responses import Response

from server.http.errors import ApiError, Invalid
from server.reads.ticket_read import JSON, dumps, read_ticket, ticket_now
from server.storage.kept_answers import KeptAnswer, keep_answer, kept_answer, kept_answer_now
from server.storage.models import User

KEY = re.compile(r"^[\x21-\x7e]{1,200}$")


@dataclass(frozen=True)
class Answer:
    """A write's response, kept so a retry gets the same."""

    status: int
    body: bytes = b""

    def response(self, replayed: bool = False) -> Response:
        headers = {"Idempotent-Replayed": "true"} if replayed else {}
        if not self.body:
            return Response(status_code=self.status, headers=headers)
        shown = json.loads(self.body)
        if isinstance(shown, dict) and "number" in shown and "version" in shown:
            headers["ETag"] = f'"{shown["version"]}"'  # a ticket: its version, as on GET
        return Response(self.body, status_code=self.status, media_type=JSON, headers=headers)

    @classmethod
    def of(cls, status: int, shown: Any) -> Answer:
        return cls(status, dumps(shown))


def checked_key(raw: str | None) -> str | None:
    """The header's key, or None without one; raises ApiError when it is malformed."""
    if raw is not None and not KEY.match(raw):
        raise ApiError("Idempotency-Key must be 1-200 printable ASCII characters")
    return raw


def fingerprint(method: str, path: str, if_match: str | None, body: Any) -> str:
    """A stable hash of a request, to tell a retry from a different request."""
    canonical = json.dumps([method, path, if_match, body], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _answer(user: User, kept: KeptAnswer | None, request_hash: str, *, own: bool) -> Answer | None:
    """The kept answer as a response, or None; 422 if it answered a different request."""
    if kept is None:
        return None
    if kept.request_hash != request_hash:
        raise Invalid("this Idempotency-Key was already used for a different request")
    if kept.body is None:  # a create remembered before every write kept its answer
        read = ticket_now if own else read_ticket
        return Answer.of(201, read(user, kept.ticket_id))
    return Answer(kept.status, kept.body)


def find(user: User, key: str, request_hash: str, ttl: timedelta) -> Answer | None:
    """The first answer of an earlier write with ``key``, or None; 422 if the request differs."""
    return _answer(user, kept_answer(user.id, key, ttl), request_hash, own=False)


def find_now(user: User, key: str, request_hash: str, ttl: timedelta) -> Answer | None:
    """``find`` on a connection of its own (after a write lost the race for ``key``)."""
    return _answer(user, kept_answer_now(user.id, key, ttl), request_hash, own=True)


def remember(
    user: User, key: str, request_hash: str, ticket_id: int, answer: Answer, ttl: timedelta
) -> None:
    """Keep ``answer`` for retries with ``key``; call in the write's transaction."""
    keep_answer(user.id, key, request_hash, ticket_id, answer.status, answer.body, ttl)
