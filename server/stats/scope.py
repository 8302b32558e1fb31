"""Which tickets a statistics request counts: the user's visible tickets, filtered, over a period.

The same rule as the ticket list (``visible_tickets``): staff count every
ticket, deleted ones included, because the work on them happened; a customer
counts only their organization's tickets they have not deleted, exactly what
``padcom list`` shows them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from peewee import ModelSelect

from server.helpdesk.errors import Invalid
from server.helpdesk.visibility import visible_tickets
from server.reads.listing import TicketFilters, apply_filters
from server.storage.fields import to_ms
from server.storage.models import Ticket, User

DAY_MS = 86_400_000
MAX_DAYS = 366
DEFAULT_DAYS = 30


@dataclass(frozen=True)
class Period:
    """A half-open span [start, end) in epoch milliseconds, and the clock's now."""

    start: int
    end: int
    now: int

    @property
    def first_day(self) -> int:
        return self.start // DAY_MS

    @property
    def last_day(self) -> int:
        return (self.end - 1) // DAY_MS

    @property
    def days(self) -> int:
        """Its length in days, to the nearest day and at least 1: 7 x 24 h is 7 days wherever it
        starts (its ``daily`` rows are the UTC dates it touches: one more unless it starts at
        midnight), and a client whose clock is a few ms behind still asked for 7."""
        return max(1, (self.end - self.start + DAY_MS // 2) // DAY_MS)


def make_period(start: datetime | None, end: datetime | None, now: datetime) -> Period:
    """The requested period, by default the last 30 days up to now.

    Raises Invalid when it is empty, longer than a year, or starts in the future.
    """
    end_at = end or now
    start_at = start or end_at - timedelta(days=DEFAULT_DAYS)
    period = Period(to_ms(start_at), to_ms(end_at), to_ms(now))
    if period.end <= period.start:
        raise Invalid("'from' must be before 'to'")
    if period.end - period.start > MAX_DAYS * DAY_MS:
        raise Invalid(f"a period can be at most {MAX_DAYS} days")
    if period.start > period.now:
        raise Invalid("'from' is in the future")
    return period


def scoped_tickets(user: User, filters: TicketFilters) -> ModelSelect[Ticket]:
    """The tickets ``user`` may count, narrowed by the request's filters."""
    return apply_filters(visible_tickets(user), filters, user)


def rows(query: Any) -> Iterator[tuple[Any, ...]]:
    """The rows of a ``.tuples()`` query, typed as the tuples they are."""
    return iter(query)
