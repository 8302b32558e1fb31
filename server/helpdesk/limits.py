"""How much each customer may write, and how much statistics work one user may cause.

Settings only (read from ``PADCOM_RATE_*`` and ``PADCOM_STATS_*``); the counting
lives in ``server.helpdesk.rate_limit`` and ``server.http.stats_gate``. Kept apart from
``server.config`` so that module stays short; it embeds these.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, fields

_UNITS = {"s": 1, "m": 60, "h": 3600}
_SPEC = re.compile(r"^\s*(\d{1,9})\s*/\s*(\d{1,6})\s*([smh])\s*$")
_OFF = ("", "0", "off", "none")


class BadLimitSpec(ValueError):
    """A ``PADCOM_RATE_*`` value that cannot be read."""


@dataclass(frozen=True)
class Limit:
    """At most ``count`` actions per ``window_seconds``, in a burst or spread out.

    ``count`` 0 means unlimited. Counted as a GCRA (a leaky bucket): after a
    burst of ``count`` the next action is free again after ``window/count`` s.
    """

    count: int
    window_seconds: int

    @property
    def unlimited(self) -> bool:
        return self.count <= 0

    @classmethod
    def parse(cls, spec: str) -> Limit:
        """``"30/10m"`` (30 per 10 minutes; units s, m, h), or ``0``/``off`` for no limit.

        Raises BadLimitSpec for anything else.
        """
        if spec.strip().lower() in _OFF:
            return cls(0, 1)
        found = _SPEC.match(spec)
        if not found or int(found.group(2)) == 0:
            raise BadLimitSpec(f"cannot read rate limit {spec!r}; write e.g. 30/10m or off")
        count, length, unit = found.groups()
        return cls(int(count), int(length) * _UNITS[unit])


def _env_limit(name: str, default: Limit) -> Limit:
    raw = os.environ.get(name)
    return default if raw is None else Limit.parse(raw)


@dataclass(frozen=True)
class WriteLimits:
    """Customer writes per user and per organization: what stops one account flooding staff.

    Staff are not limited (they are accountable, and triage in bulk). A refused
    write is a 429 with ``Retry-After`` and stores nothing.
    """

    creates_per_user: Limit = field(default_factory=lambda: Limit(30, 600))
    """New tickets one customer may file (``PADCOM_RATE_CREATES_PER_USER``, 30/10m)."""
    creates_per_org: Limit = field(default_factory=lambda: Limit(100, 600))
    """New tickets one organization may file (``PADCOM_RATE_CREATES_PER_ORG``, 100/10m)."""
    replies_per_user: Limit = field(default_factory=lambda: Limit(60, 600))
    """Replies of one customer (``PADCOM_RATE_REPLIES_PER_USER``, 60/10m)."""
    replies_per_org: Limit = field(default_factory=lambda: Limit(200, 600))
    """Replies of one organization (``PADCOM_RATE_REPLIES_PER_ORG``, 200/10m)."""
    changes_per_user: Limit = field(default_factory=lambda: Limit(60, 600))
    """Edits of one customer: priority, status, any field, deletes (``PADCOM_RATE_CHANGES_PER_USER``)."""
    changes_per_org: Limit = field(default_factory=lambda: Limit(200, 600))
    """Edits of one organization (``PADCOM_RATE_CHANGES_PER_ORG``, 200/10m)."""

    def for_action(self, action: str) -> tuple[Limit, Limit]:
        """(per user, per organization) for ``create``, ``reply`` or ``change``."""
        plural = {"create": "creates", "reply": "replies", "change": "changes"}[action]
        return getattr(self, f"{plural}_per_user"), getattr(self, f"{plural}_per_org")

    @classmethod
    def from_env(cls) -> WriteLimits:
        default = cls()
        found = {
            f.name: _env_limit(f"PADCOM_RATE_{f.name.upper()}", getattr(default, f.name))
            for f in fields(cls)
        }
        return cls(**found)


@dataclass(frozen=True)
class StatsLimits:
    """How much ``GET /stats`` work one user may cause in one server process."""

    cache_seconds: float = 5.0
    """A user's identical request within this time (and no change since) is answered from
    the last result (``PADCOM_STATS_CACHE_SECONDS``); 0 turns the cache off."""
    per_user: int = 2
    """Different reports one user may have computed at once; more is a 429
    (``PADCOM_STATS_PER_USER``). Identical requests share one computation."""
    at_once: int = 4
    """Reports computed at once per process, whoever asks; more wait their turn
    (``PADCOM_STATS_AT_ONCE``)."""

    @classmethod
    def from_env(cls) -> StatsLimits:
        default = cls()
        return cls(
            cache_seconds=float(
                os.environ.get("PADCOM_STATS_CACHE_SECONDS", default.cache_seconds)
            ),
            per_user=int(os.environ.get("PADCOM_STATS_PER_USER", default.per_user)),
            at_once=int(os.environ.get("PADCOM_STATS_AT_ONCE", default.at_once)),
        )
