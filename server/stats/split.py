"""Which of a period's tickets come from the pre-aggregate and which from ``ticket`` itself.

The pre-aggregate (``rollup.py``) holds resolved tickets by UTC day, with their
priority and category, deleted ones included. So it can answer for staff,
filtered by nothing but priority and category, and only for whole days. Every
other ticket of the period is read from ``ticket``: those created in the partial
days at either end, and those still open (few; the ``resolved_at`` index finds
them). A customer's or one organization's or agent's figures are read from
``ticket`` entirely; those are small slices that their indexes find.
"""

from __future__ import annotations

from dataclasses import dataclass

from peewee import ColumnBase, Expression

from server.reads.listing import TicketFilters
from server.stats.scope import DAY_MS, Period
from server.storage.models import Ticket, User
from server.vocabulary import CATEGORIES, PRIORITIES, Category, Priority, W


def in_period(period: Period) -> Expression:
    return _span(Ticket.created_at, period.start, period.end)


def _span(column: ColumnBase, start: int, end: int) -> Expression:
    return (column >= start) & (column < end)


@dataclass(frozen=True)
class Split:
    """A period, and the whole days [``first_day``, ``end_day``) the pre-aggregate answers for.

    ``end_day == first_day`` when it answers for none (then everything is read from
    ``ticket``). ``priorities`` and ``categories`` narrow the pre-aggregate's rows
    as the request's filters narrow the tickets.
    """

    period: Period
    first_day: int
    end_day: int
    priorities: tuple[Priority, ...] = PRIORITIES
    categories: tuple[Category, ...] = CATEGORIES

    @property
    def whole_days(self) -> bool:
        return self.end_day > self.first_day

    def keeps(self, priority: str, category: str) -> bool:
        """Whether a pre-aggregated row of this priority and category is in scope."""
        return priority in self.priorities and category in self.categories

    def created_rest(self) -> Expression:
        """The period's tickets not in the pre-aggregate: the partial days, and the open ones."""
        period = self.period
        if not self.whole_days:
            return in_period(period)
        first, end = self.first_day * DAY_MS, self.end_day * DAY_MS
        return (
            _span(Ticket.created_at, period.start, first)
            | _span(Ticket.created_at, end, period.end)
            | (_span(Ticket.created_at, first, end) & Ticket.resolved_at.is_null())
        )

    def resolved_rest(self) -> Expression:
        """Tickets resolved since the period began, on days the pre-aggregate does not cover."""
        start = self.period.start
        if not self.whole_days:
            return Ticket.resolved_at >= start
        first, end = self.first_day * DAY_MS, self.end_day * DAY_MS
        return _span(Ticket.resolved_at, start, first) | (Ticket.resolved_at >= end)

    def straddling(self) -> Expression:
        """Resolved on a whole day, created on the period's first, partial day before it began.

        The pre-aggregate knows their creation day only; it cannot tell them from
        tickets created after the start on that same day.
        """
        day_start = self.period.start // DAY_MS * DAY_MS
        return _span(Ticket.created_at, day_start, self.period.start) & _span(
            Ticket.resolved_at, self.first_day * DAY_MS, self.end_day * DAY_MS
        )


def _words(value: str | None, allowed: tuple[W, ...]) -> tuple[W, ...]:
    """The words of a filter (already checked by ``apply_filters``), or all of them."""
    if not value:
        return allowed
    return tuple(w for w in allowed if w in {v.strip() for v in value.split(",")})


def make_split(user: User, filters: TicketFilters, period: Period) -> Split:
    """The split for this user's request: whole days only when the pre-aggregate can answer."""
    first_day = -(-period.start // DAY_MS)
    end_day = period.end // DAY_MS
    narrowed = (
        filters.status,
        filters.assignee,
        filters.requester,
        filters.organization,
        filters.q,
    )
    if not user.is_staff or any(v is not None for v in narrowed) or end_day <= first_day:
        return Split(period, first_day, first_day)
    return Split(
        period,
        first_day,
        end_day,
        _words(filters.priority, PRIORITIES),
        _words(filters.category, CATEGORIES),
    )
