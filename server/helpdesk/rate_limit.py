"""Rate limits on customer writes, counted in the database so every server process agrees.

Each key (``create:user:7``, ``reply:org:3``, ...) holds one number, its GCRA
"theoretical arrival time": every action moves it ``window/count`` later (from
now at the earliest), and an action is refused when that would put it more than
a window ahead. One ``INSERT ... ON CONFLICT DO UPDATE ... RETURNING`` statement
moves it, so concurrent requests in any process never both slip through, on
SQLite and PostgreSQL alike. It runs inside the write's own transaction: a
refused write raises, and the rollback takes its step back with everything else,
so refused tries cost the customer nothing further and store nothing.
"""

from __future__ import annotations

import math
from typing import Any

from peewee import Case

from server.helpdesk.errors import TooManyRequests
from server.helpdesk.limits import Limit, WriteLimits
from server.storage.fields import to_ms, utcnow
from server.storage.models import RateLimit, User

ACTIONS = ("create", "reply", "change")
_NOUNS = {"create": "new tickets", "reply": "replies", "change": "changes"}


def _step(key: str, limit: Limit, now_ms: int) -> int:
    """Advance ``key`` by one action; milliseconds to wait if that is over the limit, else 0."""
    window_ms = limit.window_seconds * 1000
    interval = max(window_ms // limit.count, 1)
    later: Any = Case(None, [(RateLimit.tat_ms > now_ms, RateLimit.tat_ms)], now_ms) + interval
    query = (
        RateLimit.insert(key=key, tat_ms=now_ms + interval)
        .on_conflict(conflict_target=[RateLimit.key], update={RateLimit.tat_ms: later})
        .returning(RateLimit.tat_ms)
    )
    tat_ms = int(next(iter(query.tuples().execute()))[0])
    return max(tat_ms - window_ms - now_ms, 0)


def spend(limits: WriteLimits, action: str, user: User) -> None:
    """Count one ``action`` of ``user`` against their own and their organization's limit.

    Call inside the write transaction. Staff are not limited. Raises
    TooManyRequests (429, ``Retry-After``) when either limit is used up; the
    caller's rollback then undoes the count as well.
    """
    if user.is_staff:
        return
    per_user, per_org = limits.for_action(action)
    now_ms = to_ms(utcnow())
    waits = []
    if not per_user.unlimited:
        waits.append((_step(f"{action}:user:{user.id}", per_user, now_ms), "your account"))
    if not per_org.unlimited and user.organization_id is not None:
        key = f"{action}:org:{user.organization_id}"
        waits.append((_step(key, per_org, now_ms), "your organization"))
    wait_ms, whose = max(waits, default=(0, ""))
    if wait_ms > 0:
        seconds = max(math.ceil(wait_ms / 1000), 1)
        raise TooManyRequests(
            f"too many {_NOUNS[action]} from {whose}; try again in {seconds} s",
            retry_after=seconds,
            details={"retry_after": seconds, "limit": action},
        )


def spend_key(key: str, limit: Limit) -> int:
    """Count one action against ``key`` (any key, e.g. a mail sender's); milliseconds to wait
    when it is over ``limit`` (and the action should be refused), else 0. In a write transaction."""
    if limit.unlimited:
        return 0
    return _step(key[:100], limit, to_ms(utcnow()))
