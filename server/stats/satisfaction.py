"""Statistics layer: the customers' ratings given in a period, overall and per day, agent, category.

The ``satisfaction`` key of ``GET /stats``. A rating counts in the period it was
*given* (``ticket_rating.created_at``), for the tickets the request counts (the
same scope as every other figure); the agent and category are the ticket's
when it was rated (server/helpdesk/satisfaction.py). One grouped statement.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from peewee import SQL, ModelSelect, fn

from server.stats.now import assignee_names
from server.stats.scope import DAY_MS, Period, rows
from server.storage.models import Ticket
from server.storage.rating_models import TicketRating
from server.vocabulary import CATEGORIES, Rating


def _share(good: int, bad: int) -> dict[str, Any]:
    total = good + bad
    return {"good": good, "bad": bad, "percent": round(100 * good / total, 1) if total else None}


def _day(number: int) -> date:
    return datetime.fromtimestamp(number * DAY_MS / 1000, tz=UTC).date()


def satisfaction(tickets: ModelSelect[Ticket], period: Period) -> dict[str, Any]:
    """Good and bad ratings given in ``period`` on ``tickets``, with the share of good ones."""
    day = TicketRating.created_at / SQL(str(DAY_MS))  # integer division on both, one GROUP BY text
    query = (
        TicketRating.select(
            day, TicketRating.agent, TicketRating.category, TicketRating.score, fn.COUNT(1)
        )
        .where(
            TicketRating.ticket.in_(tickets.select(Ticket.id)),
            TicketRating.created_at >= period.start,
            TicketRating.created_at < period.end,
        )
        .group_by(day, TicketRating.agent, TicketRating.category, TicketRating.score)
        .tuples()
    )
    counts: dict[str, dict[Any, list[int]]] = {"day": {}, "agent": {}, "category": {}}
    total = [0, 0]
    for on, agent, category, score, count in rows(query):
        slot = 0 if score == Rating.GOOD else 1
        total[slot] += count
        for name, key in (("day", int(on)), ("agent", agent), ("category", category)):
            counts[name].setdefault(key, [0, 0])[slot] += count
    names = assignee_names([a for a in counts["agent"] if a is not None])
    by_agent = [
        {"id": agent, "name": names.get(agent, "") if agent else "", **_share(*pair)}
        for agent, pair in sorted(counts["agent"].items(), key=lambda kv: (-sum(kv[1]), kv[0] or 0))
    ]
    return {
        **_share(*total),
        "by_day": [{"day": _day(d), **_share(*counts["day"][d])} for d in sorted(counts["day"])],
        "by_agent": by_agent,
        "by_category": {c: _share(*counts["category"].get(c, [0, 0])) for c in CATEGORIES},
    }
