"""Statistics: the outages of a period — how many, how many tickets each drew, how fast.

For staff only (the ``incidents`` key of ``GET /stats``, null for customers):
incidents started in the period, per day; the tickets linked to each; the
median and mean time to acknowledge and to resolve; and the tickets created in
the period per server and per datacenter of their service, most first. An
outage is a handful of rows; the per-server count is one GROUP BY.
"""

from __future__ import annotations

from statistics import mean, median
from typing import Any

from peewee import fn

from server.stats.scope import Period, rows
from server.storage.db import db
from server.storage.fields import from_ms, to_ms
from server.storage.hosting_models import Incident, Link
from server.storage.models import Service, Ticket

DAY_MS = 86_400_000
TOP = 10


def _seconds(pairs: list[tuple[Any, Any]]) -> dict[str, float | None]:
    spans = [(to_ms(b) - to_ms(a)) / 1000 for a, b in pairs if a is not None and b is not None]
    return {
        "count": len(spans),
        "median_seconds": median(spans) if spans else None,
        "mean_seconds": round(mean(spans), 1) if spans else None,
    }


def _per_place(column: Any, period: Period) -> list[dict[str, Any]]:
    query = (
        Ticket.select(column, fn.COUNT(Ticket.id))
        .join(Service, on=(Ticket.service == Service.id))
        .where(
            Ticket.created_at >= from_ms(period.start),
            Ticket.created_at < from_ms(period.end),
            column != "",
        )
        .group_by(column)
        .order_by(fn.COUNT(Ticket.id).desc(), column)
        .limit(TOP)
        .tuples()
    )
    return [{"name": name, "tickets": count} for name, count in rows(query)]


def incident_stats(period: Period) -> dict[str, Any]:
    """The period's incident figures, on a connection of their own."""
    with db.connection_context():
        return _figures(period)


def _figures(period: Period) -> dict[str, Any]:
    started = list(
        Incident.select()
        .where(
            Incident.started_at >= from_ms(period.start),
            Incident.started_at < from_ms(period.end),
        )
        .order_by(Incident.id)
    )
    ids = [i.id for i in started]
    counts: dict[int, int] = {}
    if ids:
        query = (
            Link.select(Link.incident, fn.COUNT(Link.id))
            .where(Link.incident.in_(ids))
            .group_by(Link.incident)
            .tuples()
        )
        counts = {int(number): int(count) for number, count in rows(query)}
    per_day: dict[int, int] = {}
    for incident in started:
        day = (to_ms(incident.started_at) - period.start) // DAY_MS
        per_day[day] = per_day.get(day, 0) + 1
    linked = [counts.get(i.id, 0) for i in started]
    return {
        "declared": len(started),
        "resolved": sum(1 for i in started if i.resolved_at is not None),
        "by_monitoring": sum(1 for i in started if i.declared_by_id is None),
        "per_day": [
            {"date": from_ms(period.start + day * DAY_MS).date().isoformat(), "incidents": n}
            for day, n in sorted(per_day.items())
        ],
        "tickets": sum(linked),
        "tickets_per_incident": round(mean(linked), 2) if linked else None,
        "incidents": [
            {"number": i.id, "title": i.title, "state": i.state, "tickets": counts.get(i.id, 0)}
            for i in started[-TOP:]
        ],
        "acknowledge": _seconds([(i.started_at, i.acknowledged_at) for i in started]),
        "resolve": _seconds([(i.started_at, i.resolved_at) for i in started]),
        "tickets_per_server": _per_place(Service.server, period),
        "tickets_per_datacenter": _per_place(Service.datacenter, period),
    }
