"""The organizations and services with the most tickets created in the period."""

from __future__ import annotations

from typing import Any

from peewee import SQL, ModelSelect, fn

from server.stats.scope import Period, rows
from server.stats.split import in_period
from server.storage.models import Organization, Service, Ticket

TOP = 5


def top_query(tickets: ModelSelect[Ticket], period: Period, column: Any) -> ModelSelect[Ticket]:
    """(id, tickets) for the ``TOP`` values of ``column`` by tickets created in the period.

    Grouped by ``column + 0``: given the bare column, SQLite preferred the
    (organization_id, created_at) index for its order and skip-scanned every
    organization instead of reading the period's range.
    """
    count = fn.COUNT(Ticket.id)
    key = column + SQL("0")
    return (
        tickets.select(key, count)
        .where(in_period(period), column.is_null(False))
        .group_by(key)
        .order_by(count.desc(), key)
        .limit(TOP)
        .tuples()
    )


def top_organizations(tickets: ModelSelect[Ticket], period: Period) -> list[dict[str, Any]]:
    found_rows = list(rows(top_query(tickets, period, Ticket.organization)))
    names = {
        o.id: o.name
        for o in Organization.select(Organization.id, Organization.name).where(
            Organization.id.in_([r[0] for r in found_rows])
        )
    }
    return [{"id": i, "name": names.get(i, ""), "tickets": n} for i, n in found_rows]


def top_services(tickets: ModelSelect[Ticket], period: Period) -> list[dict[str, Any]]:
    found_rows = list(rows(top_query(tickets, period, Ticket.service)))
    found = {
        s.id: s
        for s in Service.select(Service.id, Service.kind, Service.label).where(
            Service.id.in_([r[0] for r in found_rows])
        )
    }
    return [
        {"id": i, "kind": found[i].kind, "label": found[i].label, "tickets": n}
        for i, n in found_rows
        if i in found
    ]
