"""Median and 90th percentile of first-response and resolution times, from histograms.

Exact percentiles need a sort per group (window functions: ~6 sorts of the
period's rows, far too slow at a million tickets). Instead each duration is
rounded down to a bucket in SQL, one ``GROUP BY`` of (bucket, priority, category)
per metric counts them, and the nearest-rank percentiles are read off those
few hundred counts. A group is one integer packed from the bucket start and the
priority's and category's stored codes (``group_key.py``), which sorts about
twice as fast as three columns. Buckets: a minute below an hour, ten minutes below a day,
an hour below 30 days, a day beyond, so a figure is exact to that precision
(reported as its bucket's start). Resolution time leaves out the time spent
waiting on the customer (the paused SLA clock); first response is wall-clock.
"""

from __future__ import annotations

import operator
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import reduce
from typing import Any

from peewee import SQL, Case, ModelSelect, fn

from server.stats.group_key import key_sql, unpack
from server.stats.spans import cover
from server.stats.split import Split
from server.storage.db import db
from server.storage.models import SettledDuration, Ticket
from server.vocabulary import PRIORITY_BY_CODE, TARGET_CODES, TARGETS, Target

BUCKETS_MS = (  # (below this, round down to this)
    (3_600_000, 60_000),
    (86_400_000, 600_000),
    (2_592_000_000, 3_600_000),
)
DAY_MS = 86_400_000


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


def metric_ms(metric: Target) -> Any:
    """The duration in milliseconds, NULL when it has not ended."""
    if metric == Target.FIRST_RESPONSE:
        return Ticket.first_response_at - Ticket.created_at
    return Ticket.resolved_at - Ticket.created_at - Ticket.sla_paused_ms


def bucket(value: Any) -> Any:
    """SQL: ``value`` rounded down to its bucket's start (integer division on both databases)."""

    def down(size: int) -> Any:
        return value / SQL(str(size)) * SQL(str(size))

    # literals, not parameters: PostgreSQL matches the GROUP BY to the SELECT only by its text
    steps = [(value < SQL(str(limit)), down(size)) for limit, size in BUCKETS_MS]
    return Case(None, steps, down(DAY_MS))


def group_key(value: Any) -> Any:
    """SQL: the key of the (bucket, priority, category) a duration ``value`` is counted in."""
    return key_sql(bucket(value), Ticket.priority, Ticket.category)


def histogram_query(
    tickets: ModelSelect[Ticket], split: Split, metric: Target
) -> ModelSelect[Ticket]:
    """(group key, count) of the period's finished durations the pre-aggregate does not hold."""
    value = metric_ms(metric)
    key = group_key(value)
    return (
        tickets.select(key, fn.COUNT(Ticket.id))
        .where(split.created_rest(), value.is_null(False))
        .group_by(key)
        .tuples()
    )


def settled_histogram_query(split: Split, metric: Target) -> ModelSelect[SettledDuration]:
    """(group key, count) of the resolved tickets created on the split's whole days.

    Read from the fewest aligned spans that cover those days (``spans.cover``).
    """
    pieces = [  # each term whole, so each reads its own range of the primary key
        (SettledDuration.metric == TARGET_CODES[metric])
        & (SettledDuration.span == span)
        & SettledDuration.start_day.in_(starts)
        for span, starts in cover(split.first_day, split.end_day).items()
        if starts
    ]
    return (
        SettledDuration.select(SettledDuration.group_key, fn.SUM(SettledDuration.tickets))
        .where(reduce(operator.or_, pieces))
        .group_by(SettledDuration.group_key)
        .tuples()
    )


def nearest_rank(counts: Counter[int]) -> Spread:
    """Count, median and p90 (nearest rank: the ceil(p*n)-th smallest) of a histogram."""
    n = sum(counts.values())
    if n == 0:
        return Spread()
    wanted = {"median": (n + 1) // 2, "p90": (9 * n + 9) // 10}
    found: dict[str, int] = {}
    seen = 0
    for start in sorted(counts):
        seen += counts[start]
        for name, rank in wanted.items():
            if name not in found and seen >= rank:
                found[name] = start // 1000
    return Spread(n, found["median"], found["p90"])


def _histogram(tickets: ModelSelect[Ticket], split: Split, metric: Target) -> Counter[int]:
    """{group key: count} of the period's finished durations, from both sources, in scope.

    Read with plain cursors: a month holds thousands of groups, and peewee's row
    objects cost more than the query.
    """
    counts: Counter[int] = Counter(dict(db.execute(histogram_query(tickets, split, metric))))
    if split.whole_days:
        for key, n in db.execute(settled_histogram_query(split, metric)):
            _, priority, category = unpack(key)
            if split.keeps(PRIORITY_BY_CODE[priority], category):
                counts[key] += n
    return counts


def durations(tickets: ModelSelect[Ticket], split: Split) -> dict[str, Durations]:
    """First-response and resolution spreads of the tickets created in the period."""
    found = {}
    for metric in TARGETS:
        overall: Counter[int] = Counter()
        by_priority: defaultdict[str, Counter[int]] = defaultdict(Counter)
        by_category: defaultdict[str, Counter[int]] = defaultdict(Counter)
        for key, n in _histogram(tickets, split, metric).items():
            start, code, category = unpack(key)
            overall[start] += n
            by_priority[PRIORITY_BY_CODE[code]][start] += n
            by_category[category][start] += n
        found[metric.value] = Durations(
            nearest_rank(overall),
            {p: nearest_rank(c) for p, c in by_priority.items()},
            {c: nearest_rank(h) for c, h in by_category.items()},
        )
    return found
