"""What happened over a period: tickets created and resolved per day, backlog, SLA outcomes.

Two grouped questions, each asked of ``ticket`` for what the pre-aggregate
does not hold and of ``SettledDay`` for the whole days it does (``split.py``):
the tickets created in the period by day, with the SLA and reopen outcomes
counted alongside, and the tickets resolved since the period began, by day.
The backlog per day follows from those and the open count: open at the start,
plus created, minus resolved. A reopened ticket counts from its current
timestamps (its last resolution).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from itertools import chain
from typing import Any

from peewee import SQL, Case, Expression, ModelSelect, fn

from server.stats.clock import (
    count_if,
    first_response_late,
    first_response_met,
    resolution_late,
    resolution_met,
)
from server.stats.scope import DAY_MS, rows
from server.stats.split import Split
from server.storage.models import SettledDay, Ticket
from server.vocabulary import PRIORITY_CODES


@dataclass
class Outcomes:
    """Counts over the tickets created in the period."""

    created: int = 0
    by_day: Counter[int] = field(default_factory=Counter)
    totals: Counter[str] = field(default_factory=Counter)


def day_of(column: Any) -> Any:
    """The UTC day number of an epoch-ms column (integer division on both databases)."""
    return column / SQL(str(DAY_MS))


def outcomes(now_ms: int) -> dict[str, Expression]:
    """What is counted about each ticket created in the period, in ``OUTCOMES`` order."""
    return {
        "first_response_met": first_response_met(),
        "first_response_late": first_response_late(now_ms),
        "resolution_met": resolution_met(),
        "resolution_late": resolution_late(now_ms),
        "solved": Ticket.resolved_at.is_null(False) | (Ticket.reopens > 0),
        "reopened": Ticket.reopens > 0,
        "deleted": Ticket.deleted_at.is_null(False),
    }


def created_query(tickets: ModelSelect[Ticket], split: Split) -> ModelSelect[Ticket]:
    """The period's tickets the pre-aggregate does not hold, by day, with their outcomes."""
    day = day_of(Ticket.created_at)
    return (
        tickets.select(
            day, fn.COUNT(Ticket.id), *(count_if(c) for c in outcomes(split.period.now).values())
        )
        .where(split.created_rest())
        .group_by(day)
        .tuples()
    )


def _settled(split: Split) -> ModelSelect[SettledDay]:
    """The pre-aggregate's rows in the split's scope (priority and category)."""
    ranks = [PRIORITY_CODES[p] for p in split.priorities]
    return SettledDay.select().where(
        SettledDay.priority.in_(ranks), SettledDay.category.in_(split.categories)
    )


def settled_created_query(split: Split) -> ModelSelect[SettledDay]:
    """The resolved tickets created on the split's whole days, by day, with their outcomes."""
    return (
        _settled(split)
        .select(
            SettledDay.created_day,
            fn.SUM(SettledDay.tickets),
            *(fn.SUM(getattr(SettledDay, name)) for name in outcomes(0)),
        )
        .where(SettledDay.created_day >= split.first_day, SettledDay.created_day < split.end_day)
        .group_by(SettledDay.created_day)
        .tuples()
    )


def resolved_query(tickets: ModelSelect[Ticket], split: Split) -> ModelSelect[Ticket]:
    """Tickets resolved since the period began (outside the pre-aggregate's days), by day:
    how many in the period, how many created before it (those were open when it began)."""
    period = split.period
    day = day_of(Ticket.resolved_at)
    return (
        tickets.select(
            day,
            count_if(Ticket.resolved_at < period.end),
            count_if(Ticket.created_at < period.start),
        )
        .where(split.resolved_rest())
        .group_by(day)
        .tuples()
    )


def settled_resolved_query(split: Split) -> ModelSelect[SettledDay]:
    """The same for the split's whole days, from the pre-aggregate.

    Created before the period means created on an earlier day; tickets created on
    the period's first (partial) day before it began are counted by ``straddling``.
    """
    before = SettledDay.created_day < split.period.start // DAY_MS
    return (
        _settled(split)
        .select(
            SettledDay.resolved_day,
            fn.SUM(SettledDay.tickets),
            fn.SUM(Case(None, [(before, SettledDay.tickets)], 0)),
        )
        .where(SettledDay.resolved_day >= split.first_day, SettledDay.resolved_day < split.end_day)
        .group_by(SettledDay.resolved_day)
        .tuples()
    )


def created(tickets: ModelSelect[Ticket], split: Split) -> Outcomes:
    """Counts of the period's tickets by day, and their outcomes."""
    out = Outcomes()
    found = rows(created_query(tickets, split))
    if split.whole_days:
        found = chain(found, rows(settled_created_query(split)))
    for day, n, *counts in found:
        out.created += n
        out.by_day[day] += n
        for name, value in zip(outcomes(0), counts, strict=True):
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
    tickets: ModelSelect[Ticket], split: Split, created_by_day: Counter[int], open_before: int
) -> tuple[list[Daily], int]:
    """Per-day created/resolved/backlog for the period, and the number resolved in it.

    ``open_before`` counts tickets open now that were created before the period.
    """
    period = split.period
    resolved_by_day: Counter[int] = Counter()
    backlog = open_before
    found = rows(resolved_query(tickets, split))
    if split.whole_days:
        found = chain(found, rows(settled_resolved_query(split)))
        backlog += tickets.where(split.straddling()).count()
    for day, n, created_before in found:
        backlog += created_before  # resolved since the start, so open at the start
        if day <= period.last_day:
            resolved_by_day[day] += n
    days = []
    for day in range(period.first_day, period.last_day + 1):
        backlog += created_by_day[day] - resolved_by_day[day]
        days.append(Daily(day, created_by_day[day], resolved_by_day[day], backlog))
    return days, sum(resolved_by_day.values())
