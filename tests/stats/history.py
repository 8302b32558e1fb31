"""A fixed history of eleven tickets with known timestamps, and the figures it must produce.

Day 0 (``d0``) is midnight UTC eleven days ago; the period under test is days
0-9, so every figure except the "now" ones is fixed. Edge cases: T3 reopened,
T4 deleted by its customer, T5 never answered, T6 raised from low to urgent
after creation, T7 paused 24 h while waiting, T8 waiting now, T9 at risk,
T10 and T11 created before the period. Default targets: urgent 1 h/4 h,
high 4 h/1 d, normal 8 h/3 d, low 1 d/7 d.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from server.storage.db import db
from server.storage.fields import utcnow
from server.storage.models import Organization, Service, Ticket
from tests.support.live import Live, Person

H = timedelta(hours=1)
D = timedelta(days=1)


@dataclass
class History:
    d0: datetime
    org_a: Organization
    org_b: Organization
    agent_x: Person
    agent_y: Person
    customer_a: Person
    customer_b: Person
    services: dict[str, int] = field(default_factory=dict)
    tickets: dict[str, int] = field(default_factory=dict)

    def period(self) -> dict[str, str]:
        """The query parameters of days 0-9."""
        return {"from": self.d0.isoformat(), "to": (self.d0 + 10 * D).isoformat()}


def _ticket(org: Organization, requester: Person, service: int, **values: Any) -> int:
    created = values["created_at"]
    values.setdefault("updated_at", created)
    ticket = Ticket.create(
        subject=values.pop("subject", "Fixed history"),
        body="A ticket with known timestamps.",
        requester=requester.id,
        organization=org.id,
        service=service,
        **values,
    )
    return int(ticket.id)


def seed_history(live: Live) -> History:
    """Insert the eleven tickets; the people and organizations are new for this module."""
    now = utcnow()
    d0 = datetime(now.year, now.month, now.day, tzinfo=UTC) - 11 * D
    org_a, org_b = live.organization(services=2), live.organization(services=1)
    h = History(
        d0=d0,
        org_a=org_a,
        org_b=org_b,
        agent_x=live.person("agent"),
        agent_y=live.person("agent"),
        customer_a=live.person("customer", org=org_a),
        customer_b=live.person("customer", org=org_b),
    )
    with db.connection_context():
        a1, a2 = (
            s.id
            for s in Service.select().where(Service.organization == org_a.id).order_by(Service.id)
        )
        (b1,) = (s.id for s in Service.select().where(Service.organization == org_b.id))
    h.services = {"a1": a1, "a2": a2, "b1": b1}
    x, y = h.agent_x.id, h.agent_y.id
    a, b = (org_a, h.customer_a), (org_b, h.customer_b)
    t = d0
    rows: dict[str, tuple[tuple[Organization, Person], int, dict[str, Any]]] = {
        "T1": (
            a,
            a1,
            dict(
                priority="normal",
                category="software",
                status="closed",
                assignee=x,
                created_at=t + 1 * H,
                first_response_at=t + 3 * H,
                resolved_at=t + D + 1 * H,
                closed_at=t + D + 1 * H,
                first_response_due=t + 9 * H,
                resolution_due=t + 3 * D + 1 * H,
            ),
        ),
        "T2": (
            a,
            a1,
            dict(
                priority="urgent",
                category="security",
                status="resolved",
                assignee=x,
                created_at=t + 2 * H,
                first_response_at=t + 5 * H,
                resolved_at=t + 7 * H,
                first_response_due=t + 3 * H,
                resolution_due=t + 6 * H,
            ),
        ),
        "T3": (
            a,
            a2,
            dict(
                priority="high",
                category="hardware",
                status="open",
                assignee=y,
                reopens=1,
                created_at=t + D,
                first_response_at=t + D + H,
                first_response_due=t + D + 4 * H,
                resolution_due=t + 2 * D,
            ),
        ),
        "T4": (
            a,
            a1,
            dict(
                priority="low",
                category="usage",
                status="closed",
                created_at=t + 2 * D,
                resolved_at=t + 2 * D + H,
                closed_at=t + 2 * D + H,
                deleted_at=t + 2 * D + 2 * H,
                first_response_due=t + 3 * D,
                resolution_due=t + 9 * D,
            ),
        ),
        "T5": (
            b,
            b1,
            dict(
                priority="normal",
                category="other",
                status="new",
                created_at=t + 3 * D,
                first_response_due=t + 3 * D + 8 * H,
                resolution_due=t + 6 * D,
            ),
        ),
        "T6": (
            b,
            b1,
            dict(
                priority="urgent",
                category="hardware",
                status="resolved",
                assignee=y,
                created_at=t + 4 * D,
                first_response_at=t + 4 * D + 2 * H,
                resolved_at=t + 4 * D + 3 * H,
                first_response_due=t + 4 * D + H,
                resolution_due=t + 4 * D + 4 * H,
            ),
        ),
        "T7": (
            a,
            a2,
            dict(
                priority="normal",
                category="software",
                status="resolved",
                assignee=x,
                created_at=t + 5 * D,
                first_response_at=t + 5 * D + H,
                resolved_at=t + 8 * D + 12 * H,
                sla_paused_ms=86_400_000,
                first_response_due=t + 5 * D + 8 * H,
                resolution_due=t + 9 * D,
            ),
        ),
        "T8": (
            a,
            a1,
            dict(
                priority="high",
                category="usage",
                status="waiting",
                assignee=x,
                created_at=t + 9 * D,
                first_response_at=t + 9 * D + H / 2,
                sla_paused_at=t + 9 * D + H,
                first_response_due=t + 9 * D + 4 * H,
                resolution_due=t + 10 * D,
            ),
        ),
        "T9": (
            b,
            b1,
            dict(
                priority="urgent",
                category="security",
                status="new",
                created_at=now - timedelta(minutes=1),
                first_response_due=now + H / 2,
                resolution_due=now + 4 * H,
            ),
        ),
        "T10": (
            a,
            a1,
            dict(
                priority="normal",
                category="other",
                status="open",
                assignee=x,
                created_at=t - 2 * D,
                first_response_at=t - 2 * D + H,
                first_response_due=t - 2 * D + 8 * H,
                resolution_due=t + D,
            ),
        ),
        "T11": (
            a,
            a1,
            dict(
                priority="normal",
                category="software",
                status="closed",
                created_at=t - D,
                first_response_at=t - D + H,
                resolved_at=t + 3 * H,
                closed_at=t + 3 * H,
                first_response_due=t - D + 8 * H,
                resolution_due=t + 2 * D,
            ),
        ),
    }
    with db.connection_context(), db.atomic():
        for name, ((org, requester), service, values) in rows.items():
            h.tickets[name] = _ticket(org, requester, service, **values)
    return h
