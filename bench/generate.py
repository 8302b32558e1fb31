"""Fill a Padcom database with a realistic history of tickets, fast, for benchmarks.

    .venv/bin/python -m bench.generate --database-url sqlite:////tmp/padcom-1m.db --tickets 1000000
    .venv/bin/python -m bench.generate --database-url postgresql://postgres@127.0.0.1/padcom_bench

Three years of tickets growing over time, fewer at weekends and at night; a
few big customers and a long tail; priorities, categories, response and
resolution times spread around the SLA targets (about one in ten late); the
last weeks still open, some waiting on the customer, some reopened or deleted.
Rows go in with ``executemany`` (SQLite) or ``COPY`` (PostgreSQL) in batches
with the statistics triggers off, then the pre-aggregate is counted in one go
and the triggers are back (as the server keeps it), then ``ANALYZE``. Deterministic for a given ``--seed``.
"""

from __future__ import annotations

import argparse
import math
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from server.helpdesk.sla import SlaTargets
from server.stats import rollup, triggers
from server.storage.db import bind, db, is_postgres
from server.storage.fields import to_ms, utcnow
from server.storage.migrations import migrate
from server.vocabulary import CATEGORIES, PRIORITIES, PRIORITY_CODES, SERVICE_KINDS

HOUR_MS = 3_600_000
DAY_MS = 24 * HOUR_MS
SPAN_DAYS = 3 * 365
PRIORITY_DRAW = [  # stored codes, drawn low 20%, normal 55%, high 20%, urgent 5%
    PRIORITY_CODES[p] for p, w in zip(PRIORITIES, (20, 55, 20, 5), strict=True) for _ in range(w)
]
CATEGORY_DRAW = [c for c, w in zip(CATEGORIES, (15, 40, 25, 8, 12), strict=True) for _ in range(w)]
TICKET_COLUMNS = (
    "subject",
    "body",
    "category",
    "priority",
    "status",
    "requester_id",
    "organization_id",
    "service_id",
    "assignee_id",
    "created_at",
    "updated_at",
    "first_response_at",
    "resolved_at",
    "closed_at",
    "first_response_due",
    "resolution_due",
    "version",
    "deleted_at",
    "sla_paused_at",
    "sla_paused_ms",
    "sla_breached",
    "reopens",
)


@dataclass(frozen=True)
class Shape:
    """How big the generated company is."""

    tickets: int
    organizations: int
    agents: int = 25
    batch: int = 20_000

    @classmethod
    def for_tickets(cls, tickets: int) -> Shape:
        return cls(tickets=tickets, organizations=max(10, tickets // 50))


def _insert(table: str, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
    """Bulk insert: COPY on PostgreSQL, executemany on SQLite."""
    if not rows:
        return
    names = ", ".join(columns)
    if is_postgres():
        with (
            db.connection().cursor() as cursor,
            cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
        return
    marks = ", ".join("?" for _ in columns)
    db.connection().executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)  # noqa: S608


def _ids(sql: str, pattern: str) -> list[Any]:
    """Rows of ``sql`` for a LIKE ``pattern``, in insertion (id) order."""
    mark = "%s" if is_postgres() else "?"
    return list(db.execute_sql(sql.replace("?", mark), (pattern,)).fetchall())


@dataclass(frozen=True)
class People:
    """Ids of what tickets refer to; ``requesters[i]`` belongs to ``organizations[i]``."""

    organizations: list[int]
    requesters: list[int]
    agents: list[int]
    services: list[list[int]]


def _people(shape: Shape, rng: random.Random, now_ms: int) -> People:
    """Organizations (each with a requester and 1-3 services) and agents, read back by tag."""
    tag = f"{now_ms:x}"
    _insert(
        "organization",
        ("name", "customer_number", "created_at"),
        [(f"Bench org {tag}-{i}", f"B{tag}-{i}", now_ms) for i in range(shape.organizations)],
    )
    org_ids = [
        r[0]
        for r in _ids(
            "SELECT id FROM organization WHERE customer_number LIKE ? ORDER BY id", f"B{tag}-%"
        )
    ]
    users = [
        (f"c{i}.{tag}@bench.example", f"Customer {i}", "customer", org, "!", True, now_ms)
        for i, org in enumerate(org_ids)
    ] + [
        (f"a{i}.{tag}@bench.example", f"Agent {i}", "agent", None, "!", True, now_ms)
        for i in range(shape.agents)
    ]
    _insert(
        '"user"',
        ("email", "name", "role", "organization_id", "password_hash", "active", "created_at"),
        users,
    )
    people = _ids(
        'SELECT id, role FROM "user" WHERE email LIKE ? ORDER BY id', f"%.{tag}@bench.example"
    )
    services = [
        (org, kind, f"{kind}{i}.{tag}.bench.example", "", "", "active", "", "[]", "[]")
        for org in org_ids
        for i, kind in enumerate(rng.choices(SERVICE_KINDS, k=rng.choice((1, 1, 1, 2, 2, 3))))
    ]
    _insert(
        "service",
        (
            "organization_id",
            "kind",
            "label",
            "plan",
            "datacenter",
            "state",
            "server",
            "ips",
            "hostnames",
        ),
        services,
    )
    by_org: dict[int, list[int]] = {}
    for service_id, org in _ids(
        "SELECT id, organization_id FROM service WHERE label LIKE ? ORDER BY id",
        f"%.{tag}.bench.example",
    ):
        by_org.setdefault(org, []).append(service_id)
    return People(
        organizations=org_ids,
        requesters=[i for i, role in people if role == "customer"],
        agents=[i for i, role in people if role == "agent"],
        services=[by_org[org] for org in org_ids],
    )


def _creation_times(count: int, rng: random.Random, now_ms: int) -> list[int]:
    """Linear growth over the span, fewer at weekends and at night; oldest first.

    Sorted because in production ticket numbers follow time, so a period's
    tickets sit together in the table (unsorted rows made every read random).
    """
    times: list[int] = []
    while len(times) < count:
        at = int(now_ms - SPAN_DAYS * DAY_MS * (1 - math.sqrt(rng.random())))
        day, hour = (at // DAY_MS + 3) % 7, at % DAY_MS // HOUR_MS  # day 0 = Monday
        if rng.random() < (0.35 if day >= 5 else 1.0) * (1.0 if 7 <= hour < 19 else 0.3):
            times.append(at)
    times.sort()
    return times


def _duration(rng: random.Random, target_ms: int, z_late: float) -> int:
    """A log-normal duration; the share past ``target_ms`` is 1 - Phi(z_late)."""
    sigma = 0.9
    median = target_ms / math.exp(sigma * z_late)
    return max(60_000, int(median * math.exp(rng.gauss(0, sigma))))


def _targets(sla: SlaTargets) -> dict[int, tuple[int, int]]:
    """{priority code: (first response, resolution) target in ms}."""
    ms = timedelta(milliseconds=1)
    return {
        PRIORITY_CODES[p]: (sla.first_response[p] // ms, sla.resolution[p] // ms)
        for p in PRIORITIES
    }


def _ticket(
    i: int,
    created: int,
    rng: random.Random,
    now_ms: int,
    people: People,
    targets: dict[int, tuple[int, int]],
) -> tuple[Any, ...]:
    """One ticket row in TICKET_COLUMNS order, consistent with what the server would have written."""
    org = min(len(people.organizations) - 1, int(len(people.organizations) * rng.random() ** 3))
    priority = PRIORITY_DRAW[int(rng.random() * 100)]
    first_target, resolve_target = targets[priority]
    paused = rng.choice((0, 0, 0, 0, HOUR_MS * rng.randint(1, 48)))
    first_due, resolution_due = created + first_target, created + paused + resolve_target
    answered = created + _duration(rng, first_target, 1.405)  # ~8 % late
    first_response = answered if answered <= now_ms and rng.random() > 0.03 else None
    resolved: int | None = created + paused + _duration(rng, resolve_target, 1.2816)  # ~10 %
    paused_at = None
    if resolved is not None and resolved > now_ms:
        resolved = None
    if resolved is None:
        status = "new" if first_response is None else rng.choice(("open", "open", "waiting"))
        if status == "waiting":
            paused_at = min(now_ms, (first_response or created) + HOUR_MS)
    else:
        status = "closed" if resolved < now_ms - 3 * DAY_MS else "resolved"
    clock = resolved or paused_at or now_ms
    breached = (1 if (first_response or clock) > first_due else 0) | (
        2 if clock > resolution_due else 0
    )
    deleted = created + DAY_MS if rng.random() < 0.01 and created + DAY_MS < now_ms else None
    return (
        f"Bench ticket {i}",
        "Generated for the statistics benchmark.",
        CATEGORY_DRAW[int(rng.random() * 100)],
        priority,
        status,
        people.requesters[org],
        people.organizations[org],
        rng.choice(people.services[org]),
        rng.choice(people.agents) if first_response is not None else None,
        created,
        max(created, resolved or first_response or created),
        first_response,
        resolved,
        resolved if status == "closed" else None,
        first_due,
        resolution_due,
        1,
        deleted,
        paused_at,
        paused,
        breached,
        1 if rng.random() < 0.03 and resolved is not None else 0,
    )


def generate(shape: Shape, seed: int = 1, now_ms: int | None = None) -> float:
    """Insert ``shape.tickets`` tickets (and their people) into the bound database; seconds taken."""
    rng = random.Random(seed)
    now = now_ms if now_ms is not None else to_ms(utcnow())
    began = time.perf_counter()
    with db.connection_context():
        if not is_postgres():  # a bulk load may be lost on power failure: it is a benchmark
            db.execute_sql("PRAGMA synchronous = OFF")
            db.execute_sql("PRAGMA cache_size = -400000")
        with db.atomic():
            people = _people(shape, rng, now)
        targets = _targets(SlaTargets())
        created = _creation_times(shape.tickets, rng, now)
        triggers.remove()  # the statistics pre-aggregate is counted once at the end
        done = 0
        while done < shape.tickets:
            size = min(shape.batch, shape.tickets - done)
            rows = [
                _ticket(done + k, created[done + k], rng, now, people, targets) for k in range(size)
            ]
            with db.atomic():
                _insert("ticket", TICKET_COLUMNS, rows)
            done += size
        with db.atomic():
            triggers.install()
            rollup.rebuild()
        db.execute_sql("ANALYZE")
    return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True, help="sqlite:////path or postgresql://...")
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    bind(args.database_url)
    migrate()
    seconds = generate(Shape.for_tickets(args.tickets), args.seed)
    print(f"{args.tickets} tickets in {seconds:.1f} s ({args.tickets / seconds:,.0f}/s)")


if __name__ == "__main__":
    main()
