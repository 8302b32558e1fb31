"""``padcom-server demo``: a hosting company's helpdesk with 90 days of history.

Deterministic (a fixed random seed), so screenshots and talks tell the same
story. Every ticket's messages, events and timestamps agree with each other,
so the history view and the statistics read like the real thing.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from server.config import Settings
from server.helpdesk.password_policy import DEMO_PASSWORD
from server.helpdesk.passwords import Passwords
from server.ops.demo_words import (
    COMPANIES,
    CUSTOMER_REPLIES,
    FIRST,
    LAST,
    NOTES,
    PROBLEMS,
    STAFF_REPLIES,
)
from server.storage import search_index
from server.storage.db import db
from server.storage.desk_models import TicketTag
from server.storage.fields import utcnow
from server.storage.models import Event, Message, Organization, Service, Ticket, User
from server.storage.write_path import plain, write
from server.vocabulary import (
    PAUSING_STATUS,
    Category,
    EventKind,
    Priority,
    Role,
    ServiceKind,
    Status,
)

PRIORITY_WEIGHTS = {Priority.LOW: 2, Priority.NORMAL: 6, Priority.HIGH: 3, Priority.URGENT: 1}


def _people(orgs: list[Organization], password_hash: str) -> tuple[list[User], list[User]]:
    staff = [
        User.create(
            email="admin@padcom.test",
            name="Ada Admin",
            role=Role.ADMIN,
            password_hash=password_hash,
        ),
        User.create(
            email="agent@padcom.test",
            name="Sam Support",
            role=Role.AGENT,
            password_hash=password_hash,
        ),
        User.create(
            email="kim@padcom.test", name="Kim Nguyen", role=Role.AGENT, password_hash=password_hash
        ),
    ]
    customers = []
    for i, org in enumerate(orgs):
        for j in range(2):
            first, last = FIRST[(i + j * 3) % len(FIRST)], LAST[(i * 2 + j) % len(LAST)]
            email = (
                "customer@padcom.test"
                if (i, j) == (0, 0)
                else f"{first}.{last}.{i}{j}@example.com".lower()
            )
            customers.append(
                User.create(
                    email=email,
                    name=f"{first} {last}",
                    role=Role.CUSTOMER,
                    organization=org,
                    password_hash=password_hash,
                )
            )
    return staff, customers


def _ticket_story(
    rng: random.Random,
    settings: Settings,
    requester: User,
    services: list[Service],
    staff: list[User],
    created: datetime,
    now: datetime,
) -> None:
    """One ticket with the replies, notes, status changes and events of its life so far."""
    category = rng.choice(list(PROBLEMS))
    subject, body, tags = rng.choice(PROBLEMS[category])
    priority = rng.choices(list(PRIORITY_WEIGHTS), weights=list(PRIORITY_WEIGHTS.values()))[0]
    if category == Category.SECURITY and priority in (Priority.LOW, Priority.NORMAL):
        priority = Priority.HIGH
    first_due, resolution_due = settings.sla.due_times(created, priority)
    ticket = Ticket.create(
        subject=subject,
        body=body,
        category=category,
        priority=priority,
        status=Status.NEW,
        requester=requester,
        organization=requester.organization_id,
        service=services[0] if services else None,
        created_at=created,
        updated_at=created,
        first_response_due=first_due,
        resolution_due=resolution_due,
    )
    events: list[dict[str, Any]] = [
        dict(
            kind=EventKind.CREATED,
            actor=requester.id,
            at=created,
            changes={"subject": subject, "priority": priority, "category": category},
        )
    ]
    age = now - created
    agent = rng.choice(staff[1:])
    values: dict[str, Any] = {}
    clock = created
    # First response: most tickets answered within their target, some late; only
    # the last two days' tickets may still wait for one (a working desk, not a backlog).
    target = settings.sla.first_response[priority]
    unanswered = 0.4 if age < timedelta(days=2) else 0.0
    if age > timedelta(minutes=20) and rng.random() >= unanswered:
        clock = created + target * rng.uniform(0.05, 1.4)
        if clock < now:
            values.update(assignee=agent.id, first_response_at=clock, status=Status.OPEN)
            events.append(
                dict(
                    kind=EventKind.ASSIGNED,
                    actor=agent.id,
                    at=clock,
                    changes={"assignee": [None, agent.id]},
                )
            )
            if tags:  # the agent who takes it tags it (no version: tags are staff-only)
                TicketTag.insert_many([{"ticket": ticket.id, "tag": t} for t in tags]).execute()
                events.append(
                    dict(
                        kind=EventKind.TAGGED,
                        actor=agent.id,
                        at=clock,
                        internal=True,
                        changes={"tags": [[], sorted(tags)]},
                    )
                )
            if rng.random() < 0.4:
                note = Message.create(
                    ticket=ticket,
                    author=agent,
                    body=rng.choice(NOTES),
                    internal=True,
                    created_at=clock,
                )
                events.append(
                    dict(
                        kind=EventKind.NOTE,
                        actor=agent.id,
                        at=clock,
                        internal=True,
                        changes={"message": note.id},
                    )
                )
            reply = Message.create(
                ticket=ticket, author=agent, body=rng.choice(STAFF_REPLIES), created_at=clock
            )
            events.append(
                dict(
                    kind=EventKind.REPLIED,
                    actor=agent.id,
                    at=clock,
                    changes={"message": reply.id, "status": [Status.NEW, Status.OPEN]},
                )
            )
    if values.get("status") == Status.OPEN:
        fate = rng.random()
        later = clock + settings.sla.resolution[priority] * rng.uniform(0.1, 1.3)
        # Older than three weeks: a few stragglers still open or waiting, the rest solved.
        waiting, solved = (0.02, 0.97) if age > timedelta(days=21) else (0.15, 0.85)
        if fate < waiting and later < now:
            values.update(status=Status.WAITING, sla_paused_at=later)
            events.append(
                dict(
                    kind=EventKind.STATUS,
                    actor=agent.id,
                    at=later,
                    changes={"status": [Status.OPEN, PAUSING_STATUS]},
                )
            )
            clock = later
        elif fate < solved and later < now:
            answer = Message.create(
                ticket=ticket, author=requester, body=rng.choice(CUSTOMER_REPLIES), created_at=later
            )
            events.append(
                dict(
                    kind=EventKind.REPLIED,
                    actor=requester.id,
                    at=later,
                    changes={"message": answer.id},
                )
            )
            status = Status.CLOSED if later < now - timedelta(days=7) else Status.RESOLVED
            values.update(
                status=status,
                resolved_at=later,
                closed_at=later if status == Status.CLOSED else None,
            )
            events.append(
                dict(
                    kind=EventKind.STATUS,
                    actor=agent.id,
                    at=later,
                    changes={"status": [Status.OPEN, status]},
                )
            )
            clock = later
    changes = [e for e in events if e["kind"] != EventKind.TAGGED]
    values.update(updated_at=clock, version=len(changes))
    Ticket.update(**values).where(Ticket.id == ticket.id).execute()
    Event.insert_many(
        [dict(e, ticket=ticket.id, organization=ticket.organization_id) for e in events]
    ).execute()


def seed(
    settings: Settings, *, tickets: int = 400, password: str = DEMO_PASSWORD, days: int = 90
) -> str:
    """Seed an empty database; returns what a person needs to sign in.

    Raises ValueError when the database already has users (demo data never
    mixes with real data).
    """
    with db.connection_context():
        if User.select().exists():
            raise ValueError("the database already has users; demo data goes into an empty one")
    rng = random.Random(2026)
    password_hash = Passwords(settings.passwords, 1).hash(password)
    now = utcnow()

    def fill() -> tuple[int, int, int]:
        """The whole company in one write, without notifications: a seed's history is no news."""
        orgs, services_by_org = [], {}
        for i, (name, kind, label) in enumerate(COMPANIES):
            org = Organization.create(
                name=name, customer_number=f"C{10001 + i}", created_at=now - timedelta(days=400)
            )
            orgs.append(org)
            services_by_org[org.id] = [
                Service.create(
                    organization=org,
                    kind=kind,
                    label=label,
                    plan=rng.choice(["S", "M", "L"]),
                    datacenter=rng.choice(["FRA-1", "NBG-2"]),
                    server=f"web-{i % 8 + 1:02d}",
                    ips=[f"203.0.113.{10 + i}"],
                    hostnames=[label],
                )
            ]
            if i % 4 == 1:  # some customers rent more than one thing
                services_by_org[org.id].append(
                    Service.create(
                        organization=org, kind=ServiceKind.DOMAIN, label=label.split(".", 1)[-1]
                    )
                )
        staff, customers = _people(orgs, password_hash)
        starts = sorted(now - timedelta(days=days) * rng.random() ** 1.3 for _ in range(tickets))
        for created in starts:
            requester = rng.choice(customers)
            _ticket_story(
                rng,
                settings,
                requester,
                services_by_org[int(requester.organization_id or 0)],
                staff,
                created,
                now,
            )
        search_index.rebuild()  # a seed makes no events, so its words are indexed here
        return len(orgs), len(customers), len(staff)

    n_orgs, n_customers, n_staff = write(plain(fill), None, batched=False)
    return (
        f"demo company seeded: {n_orgs} organizations, {n_customers} customers, "
        f"{n_staff} staff, {tickets} tickets over {days} days\n"
        f"  staff:    agent@padcom.test / {password}  (admin@padcom.test is an admin)\n"
        f"  customer: customer@padcom.test / {password}"
    )
