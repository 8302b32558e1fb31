"""Service-level targets and the SLA clock: due times, pausing while we wait on the customer.

The clock runs from creation. While a ticket is ``waiting`` (on the customer) it
stops: entering ``waiting`` stamps ``sla_paused_at``; leaving it adds the pause
to ``sla_paused_ms`` and moves both due times later by the same amount. A
priority change recomputes the due times from creation plus every pause so far.
Only ``waiting`` pauses: a resolved ticket that is reopened keeps its old
resolution due time, so a reopen after the deadline counts as late.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from server.vocabulary import PAUSING_STATUS, PRIORITIES, Priority

HOUR = timedelta(hours=1)
DAY = timedelta(days=1)

_UNITS = {"m": 60, "h": 3600, "d": 86400}
_SPEC = re.compile(rf"^\s*({'|'.join(PRIORITIES)})\s*=\s*(\d+)([mhd])\s*/\s*(\d+)([mhd])\s*$")


class BadSlaSpec(ValueError):
    """A ``PADCOM_SLA`` value that cannot be read."""


@dataclass(frozen=True)
class SlaTargets:
    """First-response and resolution targets per priority."""

    first_response: dict[str, timedelta] = field(
        default_factory=lambda: {
            Priority.URGENT: HOUR,
            Priority.HIGH: 4 * HOUR,
            Priority.NORMAL: 8 * HOUR,
            Priority.LOW: DAY,
        }
    )
    resolution: dict[str, timedelta] = field(
        default_factory=lambda: {
            Priority.URGENT: 4 * HOUR,
            Priority.HIGH: DAY,
            Priority.NORMAL: 3 * DAY,
            Priority.LOW: 7 * DAY,
        }
    )

    def due_times(
        self, created_at: datetime, priority: str, paused_ms: int = 0
    ) -> tuple[datetime, datetime]:
        """(first response due, resolution due) for a ticket created at ``created_at``.

        ``paused_ms`` is the time the clock already stood still (waiting on the customer).
        """
        start = created_at + timedelta(milliseconds=paused_ms)
        return start + self.first_response[priority], start + self.resolution[priority]

    @classmethod
    def parse(cls, spec: str) -> SlaTargets:
        """Targets from ``"urgent=1h/4h,high=4h/1d"``; priorities not named keep the default.

        Raises BadSlaSpec for anything else.
        """
        default = cls()
        first, resolution = dict(default.first_response), dict(default.resolution)
        for part in filter(None, (p.strip() for p in spec.split(","))):
            found = _SPEC.match(part)
            if not found:
                raise BadSlaSpec(f"cannot read SLA target {part!r}; write e.g. urgent=1h/4h")
            priority, n1, u1, n2, u2 = found.groups()
            first[priority] = timedelta(seconds=int(n1) * _UNITS[u1])
            resolution[priority] = timedelta(seconds=int(n2) * _UNITS[u2])
            if first[priority] <= timedelta(0) or resolution[priority] < first[priority]:
                raise BadSlaSpec(f"{priority}: targets must be positive, resolution >= response")
        return cls(first, resolution)


def track_status(ticket: Any, new_status: str, values: dict[str, Any]) -> None:
    """Add to ``values`` what a status change does to the SLA clock.

    ``ticket`` holds the row before the change; ``values`` the columns about to
    be written (it may already hold due times recomputed for a new priority).
    """
    now: datetime = values["updated_at"]
    if new_status == PAUSING_STATUS:
        if ticket.sla_paused_at is None:
            values["sla_paused_at"] = now
        return
    if ticket.sla_paused_at is None:
        return
    pause = max(now - ticket.sla_paused_at, timedelta(0))
    values["sla_paused_at"] = None
    values["sla_paused_ms"] = ticket.sla_paused_ms + pause // timedelta(milliseconds=1)
    answered = values.get("first_response_at", ticket.first_response_at) is not None
    for name in ("resolution_due",) if answered else ("first_response_due", "resolution_due"):
        due = values.get(name, getattr(ticket, name))
        if due is not None:
            values[name] = due + pause
