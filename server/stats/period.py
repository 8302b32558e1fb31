"""What happened over a period: tickets created and resolved per day, backlog, SLA outcomes.

Two grouped queries: the tickets created in the period (read in order from
the covering ``ticket_period_stats`` index, so the groups by day stream out
without a sort, with the SLA and reopen outcomes counted alongside), and the
tickets resolved since the period began (the ``resolved_at`` index, by day). The backlog per day follows
from those and the open count: open at the start, plus created, minus resolved.
A reopened ticket counts from its current timestamps (its last resolution).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from peewee import SQL, ModelSelect, fn

from server.models import Ticket
from server.stats.clock import (
    count_if,
    first_response_late,
    first_response_met,
    resolution_late,
    resolution_met,
)
from server.stats.scope import DAY_MS, Period, rows

OUTCOMES = (
    "first_response_met",
    "first_response_late",
    "resolution_met",
    "resolution_late",
    "solved",
    "reopened",
    "deleted",
)


@dataclass
class Outcomes:
    """Counts over the tickets created in the period."""

    created: int = 0
    by_day: Counter[int] = field(default_factory=Counter)
    totals: Counter[str] = field(default_factory=Counter)


def day_of(column: Any) -> Any:
    """The UTC day number of an epoch-ms column (integer division on both databases)."""
    return column / SQL(str(DAY_MS))


def in_period(period: Period) -> Any:
    return (Ticket.created_at >= period.start) & (Ticket.created_at < period.end)


def created_query(tickets: ModelSelect[Ticket], period: Period) -> ModelSelect[Ticket]:
    """Tickets created in the period by day, with their outcomes."""
    day = day_of(Ticket.created_at)
    return (
        tickets.select(
            day,
            fn.COUNT(Ticket.id),
            count_if(first_response_met()),
            count_if(first_response_late(period.now)),
            count_if(resolution_met()),
            count_if(resolution_late(period.now)),
            count_if(Ticket.resolved_at.is_null(False) | (Ticket.reopens > 0)),
            count_if(Ticket.reopens > 0),
            count_if(Ticket.deleted_at.is_null(False)),
        )
        .where(in_period(period))
        .group_by(day)
        .tuples()
    )


def resolved_query(tickets: ModelSelect[Ticket], period: Period) -> ModelSelect[Ticket]:
    """Tickets resolved since the period began, by day: how many in the period, how many
    created before it (those were open when it began)."""
    day = day_of(Ticket.resolved_at)
    return (
        tickets.select(
            day,
            count_if(Ticket.resolved_at < period.end),
            count_if(Ticket.created_at < period.start),
        )
        .where(Ticket.resolved_at >= period.start)
        .group_by(day)
        .tuples()
    )


def created(tickets: ModelSelect[Ticket], period: Period) -> Outcomes:
    """Counts of the period's tickets by day, and their outcomes."""
    out = Outcomes()
    for day, n, *counts in rows(created_query(tickets, period)):
        out.created += n
        out.by_day[day] += n
        for name, value in zip(OUTCOMES, counts, strict=True):
            out.totals[name] += value
    return out


@dataclass
class Daily:
    """One day of the period: created, resolved, and open at its end."""

    day: int
    created: int
    resolved: int
    backlog: int


def daily(
    tickets: ModelSelect[Ticket], period: Period, created_by_day: Counter[int], open_before: int
) -> tuple[list[Daily], int]:
    """Per-day created/resolved/backlog for the period, and the number resolved in it.

    ``open_before`` counts tickets open now that were created before the period.
    """
    resolved_by_day: Counter[int] = Counter()
    backlog = open_before
    for day, n, created_before in rows(resolved_query(tickets, period)):
        backlog += created_before  # resolved since the start, so open at the start
        if day <= period.last_day:
            resolved_by_day[day] += n
    days = []
    for day in range(period.first_day, period.last_day + 1):
        backlog += created_by_day[day] - resolved_by_day[day]
        days.append(Daily(day, created_by_day[day], resolved_by_day[day], backlog))
    return days, sum(resolved_by_day.values())
