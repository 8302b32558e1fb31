"""Statistics layer: assemble ``GET /stats`` from grouped queries over ``ticket`` and the pre-aggregate.

About a dozen statements whatever the table size; see ``split.py`` for which
tickets each source counts.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

from peewee import ModelSelect

from server.helpdesk.visibility import named_organization
from server.reads.listing import TicketFilters
from server.stats.durations import Durations, Spread, durations
from server.stats.now import Now, assignee_names, current
from server.stats.period import created, daily
from server.stats.ranking import top_organizations, top_services
from server.stats.scope import DAY_MS, Period, scoped_tickets
from server.stats.split import Split, make_split
from server.stats.tags import tag_figures
from server.storage.db import db
from server.storage.fields import from_ms
from server.storage.models import Ticket, User
from server.vocabulary import CATEGORIES, OPEN_STATUSES, PRIORITIES


def _percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _compliance(met: int, late: int) -> dict[str, Any]:
    return {"met": met, "late": late, "percent": _percent(met, met + late)}


def _spread(spread: Spread) -> dict[str, Any]:
    return {"count": spread.count, "median_seconds": spread.median, "p90_seconds": spread.p90}


def _durations(found: Durations) -> dict[str, Any]:
    return {
        "overall": _spread(found.overall),
        "by_priority": {p: _spread(found.by_priority.get(p, Spread())) for p in PRIORITIES},
        "by_category": {c: _spread(found.by_category.get(c, Spread())) for c in CATEGORIES},
    }


def _now(now: Now, period: Period) -> dict[str, Any]:
    names = assignee_names(list(now.by_assignee))
    load = sorted(now.by_assignee.items(), key=lambda item: (-item[1], item[0]))
    oldest = None
    if now.oldest is not None:
        age = period.now - int(now.oldest["created_at"].timestamp() * 1000)
        oldest = dict(now.oldest, age_seconds=max(age, 0) // 1000)
    return {
        "open": now.open,
        "by_status": {s: now.by_status[s] for s in OPEN_STATUSES},
        "by_priority": {p: now.by_priority[p] for p in PRIORITIES},
        "by_category": {c: now.by_category[c] for c in CATEGORIES},
        "by_assignee": [{"id": i, "name": names.get(i, ""), "open": n} for i, n in load],
        "unassigned": now.unassigned,
        "at_risk": now.at_risk,
        "breached": now.breached,
        "oldest_open": oldest,
    }


def _day(number: int) -> date:
    return datetime.fromtimestamp(number * DAY_MS / 1000, tz=UTC).date()


def build_report(tickets: ModelSelect[Ticket], split: Split) -> dict[str, Any]:
    """The whole statistics response for the tickets in ``tickets`` (already scoped).

    ``split`` says which whole days the pre-aggregate answers for (``split.py``).
    """
    period = split.period
    now = current(tickets, period)
    made = created(tickets, split)
    days, resolved = daily(tickets, split, made.by_day, now.open_before_period)
    spreads = durations(tickets, split)
    totals = made.totals
    return {
        "generated_at": from_ms(period.now),
        "period": {"from": from_ms(period.start), "to": from_ms(period.end), "days": period.days},
        "now": _now(now, period),
        "created": made.created,
        "resolved": resolved,
        "deleted": totals["deleted"],
        "daily": [
            {"day": _day(d.day), "created": d.created, "resolved": d.resolved, "backlog": d.backlog}
            for d in days
        ],
        "first_response": _durations(spreads["first_response"]),
        "resolution": _durations(spreads["resolution"]),
        "sla": {
            "first_response": _compliance(
                totals["first_response_met"], totals["first_response_late"]
            ),
            "resolution": _compliance(totals["resolution_met"], totals["resolution_late"]),
        },
        "reopens": {
            "solved": totals["solved"],
            "reopened": totals["reopened"],
            "percent": _percent(totals["reopened"], totals["solved"]),
        },
        "top_organizations": top_organizations(tickets, period),
        "top_services": top_services(tickets, period),
    }


def report_for(user: User, filters: TicketFilters, period: Period) -> dict[str, Any]:
    """``GET /stats`` for ``user``: the filters checked (an organization they may name), on a
    connection of its own. Raises NotFound, Invalid."""
    with db.connection_context():
        filters = replace(filters, organization=named_organization(user, filters.organization))
        tickets = scoped_tickets(user, filters)  # checks the filters
        report = build_report(tickets, make_split(user, filters, period))
        if user.is_staff:  # tags are staff-only words
            report["tags"] = tag_figures(tickets, period)
        return report
