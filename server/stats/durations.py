"""Median and 90th percentile of first-response and resolution times, in one SQL statement.

Portable nearest-rank percentiles: the period's tickets go into a CTE once;
``ROW_NUMBER()`` and ``COUNT(*)`` windows rank each duration within its group
(all, each priority, each category), and only the rows at rank ceil(n/2) and
ceil(9n/10) come back. SQLite (3.25+) and PostgreSQL run the same SQL; no
``percentile_cont``. Resolution time leaves out the time spent waiting on the
customer (the paused SLA clock); first response is wall-clock time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from peewee import SQL, Cast, ModelSelect, Node, Select, fn

from server.models import PRIORITIES, Ticket
from server.stats.period import in_period
from server.stats.scope import Period

METRICS = ("first_response", "resolution")
DIMENSIONS = ("all", "priority", "category")


@dataclass
class Spread:
    """How many durations, and their median and p90 in seconds (None when there are none)."""

    count: int = 0
    median: int | None = None
    p90: int | None = None


@dataclass
class Durations:
    """Spreads for one metric: overall, per priority, per category."""

    overall: Spread = field(default_factory=Spread)
    by_priority: dict[str, Spread] = field(default_factory=dict)
    by_category: dict[str, Spread] = field(default_factory=dict)


def durations_query(tickets: ModelSelect[Ticket], period: Period) -> Node:
    """(metric, dimension, group, n, rank, ms) at the median and p90 ranks of every group."""
    source = (
        tickets.select(
            Ticket.priority.alias("priority"),
            Ticket.category.alias("category"),
            (Ticket.first_response_at - Ticket.created_at).alias("first_response"),
            (Ticket.resolved_at - Ticket.created_at - Ticket.sla_paused_ms).alias("resolution"),
        )
        .where(in_period(period))
        .cte("period_tickets", columns=("priority", "category", "first_response", "resolution"))
    )
    parts = []
    for m, metric in enumerate(METRICS):
        value = getattr(source.c, metric)
        for d, dimension in enumerate(DIMENSIONS):
            group = (
                SQL("'all'") if dimension == "all" else Cast(getattr(source.c, dimension), "TEXT")
            )
            partition = [] if dimension == "all" else [getattr(source.c, dimension)]
            ranked = (
                Select(
                    [source],
                    [
                        SQL(str(m)).alias("metric"),
                        SQL(str(d)).alias("dimension"),
                        group.alias("grp"),
                        value.alias("ms"),
                        fn.ROW_NUMBER().over(partition_by=partition, order_by=[value]).alias("rnk"),
                        fn.COUNT(SQL("*")).over(partition_by=partition).alias("n"),
                    ],
                )
                .where(value.is_null(False))
                .alias(f"r{m}{d}")
            )
            n, rank = ranked.c.n, ranked.c.rnk
            parts.append(
                Select(
                    [ranked],
                    [ranked.c.metric, ranked.c.dimension, ranked.c.grp, n, rank, ranked.c.ms],
                ).where(
                    (rank == (n + SQL("1")) / SQL("2"))
                    | (rank == (n * SQL("9") + SQL("9")) / SQL("10"))
                )
            )
    union: Any = parts[0]
    for part in parts[1:]:
        union = union.union_all(part)
    return union.with_cte(source)


def durations(tickets: ModelSelect[Ticket], period: Period) -> dict[str, Durations]:
    """First-response and resolution spreads of the tickets created in the period."""
    found = {metric: Durations() for metric in METRICS}
    query = durations_query(tickets, period)
    for metric, dimension, group, n, rank, ms in tickets.model._meta.database.execute(query):
        spreads = found[METRICS[metric]]
        if DIMENSIONS[dimension] == "all":
            spread = spreads.overall
        elif DIMENSIONS[dimension] == "priority":
            spread = spreads.by_priority.setdefault(PRIORITIES[int(group)], Spread())
        else:
            spread = spreads.by_category.setdefault(str(group), Spread())
        spread.count = n
        if rank == (n + 1) // 2:
            spread.median = ms // 1000
        if rank == (n * 9 + 9) // 10:
            spread.p90 = ms // 1000
    return found
