"""Service-level targets: how soon a ticket of each priority must be answered and solved."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

HOUR = timedelta(hours=1)
DAY = timedelta(days=1)


@dataclass(frozen=True)
class SlaTargets:
    """First-response and resolution targets per priority."""

    first_response: dict[str, timedelta] = field(
        default_factory=lambda: {"urgent": HOUR, "high": 4 * HOUR, "normal": 8 * HOUR, "low": DAY}
    )
    resolution: dict[str, timedelta] = field(
        default_factory=lambda: {"urgent": 4 * HOUR, "high": DAY, "normal": 3 * DAY, "low": 7 * DAY}
    )

    def due_times(self, created_at: datetime, priority: str) -> tuple[datetime, datetime]:
        """(first response due, resolution due) for a ticket created at ``created_at``."""
        return created_at + self.first_response[priority], created_at + self.resolution[priority]
