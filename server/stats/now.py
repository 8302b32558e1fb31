"""The queue as it stands: open tickets by status, priority, category and assignee.

One grouped query over the open tickets (the ``status`` index finds them; there
are few compared with the whole history) gives every breakdown, the at-risk and
breached counts, and the oldest creation time; a second looks that ticket up. A ticket
its customer deleted is no work any more: it is in no count here (as in no queue).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from peewee import ModelSelect, fn

from server.stats.clock import at_risk, breached, count_if
from server.stats.scope import Period, rows
from server.storage.fields import to_ms
from server.storage.models import Ticket, User
from server.vocabulary import OPEN_STATUSES


@dataclass
class Now:
    """Open tickets counted every way the dashboard shows them."""

    open: int = 0
    by_status: Counter[str] = field(default_factory=Counter)
    by_priority: Counter[str] = field(default_factory=Counter)
    by_category: Counter[str] = field(default_factory=Counter)
    by_assignee: Counter[int] = field(default_factory=Counter)
    unassigned: int = 0
    at_risk: int = 0
    breached: int = 0
    open_before_period: int = 0
    oldest: dict[str, Any] | None = None


def now_query(tickets: ModelSelect[Ticket], period: Period) -> ModelSelect[Ticket]:
    """Open tickets grouped by (status, priority, category, assignee), with SLA counts."""
    return (
        tickets.select(
            Ticket.status,
            Ticket.priority,
            Ticket.category,
            Ticket.assignee,
            fn.COUNT(Ticket.id),
            count_if(at_risk(period.now)),
            count_if(breached(period.now)),
            count_if(Ticket.created_at < period.start),
            fn.MIN(Ticket.created_at),
        )
        .where(Ticket.status.in_(OPEN_STATUSES), Ticket.deleted_at.is_null())
        .group_by(Ticket.status, Ticket.priority, Ticket.category, Ticket.assignee)
        .tuples()
    )


def oldest_query(tickets: ModelSelect[Ticket], created_at: int) -> ModelSelect[Ticket]:
    """The open ticket created at ``created_at`` (the oldest), lowest number first."""
    return (
        tickets.select(Ticket.id, Ticket.created_at, Ticket.subject)
        .where(
            Ticket.status.in_(OPEN_STATUSES),
            Ticket.deleted_at.is_null(),
            Ticket.created_at == created_at,
        )
        .order_by(Ticket.id)
        .limit(1)
    )


def current(tickets: ModelSelect[Ticket], period: Period) -> Now:
    """The open tickets now, and how many of them were already open when the period began."""
    now = Now()
    oldest_ms: int | None = None
    for status, priority, category, assignee, n, risky, late, before, first in rows(
        now_query(tickets, period)
    ):
        now.open += n
        now.by_status[status] += n
        now.by_priority[priority] += n
        now.by_category[category] += n
        if assignee is None:
            now.unassigned += n
        else:
            now.by_assignee[assignee] += n
        now.at_risk += risky
        now.breached += late
        now.open_before_period += before
        first_ms = to_ms(first)
        oldest_ms = first_ms if oldest_ms is None else min(oldest_ms, first_ms)
    if oldest_ms is not None:
        row = oldest_query(tickets, oldest_ms).first()
        if row is not None:
            now.oldest = {"number": row.id, "subject": row.subject, "created_at": row.created_at}
    return now


def assignee_names(ids: list[int]) -> dict[int, str]:
    """Display names of the staff who hold open tickets."""
    if not ids:
        return {}
    return {u.id: u.name for u in User.select(User.id, User.name).where(User.id.in_(ids))}
