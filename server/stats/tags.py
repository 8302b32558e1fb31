"""Statistics layer: the tags breakdown of ``GET /stats`` (staff only: tags are never a customer's).

Two grouped counts over ``ticket_tag`` joined to the scoped tickets: the open
tickets carrying each tag now, and the period's new tickets carrying each tag.
The ``(tag, ticket)`` index and the ticket's primary key serve both.
"""

from __future__ import annotations

from typing import Any, cast

from peewee import ModelSelect, fn

from server.stats.scope import Period
from server.storage.desk_models import TicketTag
from server.storage.models import Ticket
from server.vocabulary import OPEN_STATUSES

MAX_TAGS_SHOWN = 50


def _counts(ids: ModelSelect[Ticket]) -> list[dict[str, Any]]:
    count = fn.COUNT(TicketTag.ticket)
    rows = (
        TicketTag.select(TicketTag.tag, count)
        .where(TicketTag.ticket.in_(ids))
        .group_by(TicketTag.tag)
        .order_by(count.desc(), TicketTag.tag)
        .limit(MAX_TAGS_SHOWN)
        .tuples()
    )
    pairs = cast(list[tuple[str, int]], list(rows))
    return [{"tag": tag, "tickets": n} for tag, n in pairs]


def tag_figures(tickets: ModelSelect[Ticket], period: Period) -> dict[str, Any]:
    """``{"open": [...], "created": [...]}``: each ``{"tag", "tickets"}``, most first."""
    open_now = tickets.select(Ticket.id).where(Ticket.status.in_(OPEN_STATUSES))
    created = tickets.select(Ticket.id).where(
        (Ticket.created_at >= period.start) & (Ticket.created_at < period.end)
    )
    return {"open": _counts(open_now), "created": _counts(created)}
