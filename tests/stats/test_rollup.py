"""The pre-aggregate of resolved tickets always equals what ``ticket`` says, on both databases.

A generated history is taken back to a database from before migration 5 (no
pre-aggregate, no triggers); the migration back-fills it. Then tickets are
resolved, reopened, re-prioritised, moved, deleted and removed with plain SQL
(the triggers must catch any writer, not only the API), and after each round:
the stored pre-aggregate equals one recounted from scratch, and every report
(aligned and ragged periods, 1 hour to 100 days, filtered or not) equals the
same report read entirely from ``ticket``.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any, cast

import pytest

from bench.generate import Shape, generate
from server.reads.listing import TicketFilters
from server.stats import rollup, triggers
from server.stats.report import build_report
from server.stats.scope import DAY_MS, Period, scoped_tickets
from server.stats.split import Split, make_split
from server.storage.db import bind, db
from server.storage.fields import to_ms, utcnow
from server.storage.migrations import LATEST, current_version, migrate
from server.storage.models import (
    SchemaVersion,
    SettledDay,
    SettledDuration,
    Ticket,
    User,
)
from server.vocabulary import PRIORITIES


def _as_before_migration_5() -> None:
    """Take the pre-aggregate and its triggers away, as a database of schema 4 has none."""
    with db.connection_context(), db.atomic():
        triggers.remove()
        db.drop_tables([SettledDay, SettledDuration])
        SchemaVersion.update(version=4).execute()


@pytest.fixture(scope="module")
def upgraded(database_url: str) -> Iterator[None]:
    """A history of 4,000 tickets, taken back to schema 4, then migrated."""
    bind(database_url)
    migrate()
    generate(Shape(tickets=4_000, organizations=80), seed=11)
    _as_before_migration_5()
    assert migrate() == (4, LATEST)
    yield
    db.close_all()


def _tuples(query: Any) -> list[tuple[Any, ...]]:
    """The rows of ``query`` as tuples (peewee's hints type ``.tuples()`` rows as models)."""
    return cast(list[tuple[Any, ...]], list(query.tuples()))


def _stored() -> dict[str, set[tuple[Any, ...]]]:
    """Both tables' rows, without the all-zero ones left when tickets move away."""
    return {
        "days": {r for r in _tuples(SettledDay.select()) if any(r[4:])},
        "durations": {r for r in _tuples(SettledDuration.select()) if r[-1]},
    }


def _recounted() -> dict[str, set[tuple[Any, ...]]]:
    """What a back-fill from scratch stores (rolled back afterwards)."""
    with db.atomic() as transaction:
        rollup.rebuild()
        found = _stored()
        transaction.rollback()
    return found


def _periods(rng: random.Random, now_ms: int) -> Iterator[Period]:
    """Periods ending now, on day boundaries or anywhere, from an hour to 100 days."""
    today = now_ms // DAY_MS * DAY_MS
    for days in (1, 7, 30, 100):
        yield Period(now_ms - days * DAY_MS, now_ms, now_ms)
        yield Period(today - days * DAY_MS, today, now_ms)
    for _ in range(12):
        end = now_ms - rng.randrange(0, 400 * DAY_MS)
        yield Period(end - rng.randrange(3_600_000, 100 * DAY_MS), end, now_ms)


def _filters(rng: random.Random) -> TicketFilters:
    priority = ",".join(rng.sample(PRIORITIES, rng.randint(1, 2))) if rng.random() < 0.3 else None
    category = "software,usage" if rng.random() < 0.3 else None
    return TicketFilters(priority=priority, category=category)


def _reports_agree(rng: random.Random) -> None:
    staff = User.get(User.role == "agent")
    now_ms = to_ms(utcnow())
    for period in _periods(rng, now_ms):
        filters = _filters(rng)
        tickets = scoped_tickets(staff, filters)
        split = make_split(staff, filters, period)
        whole = build_report(tickets, split)
        raw = build_report(tickets, Split(period, split.first_day, split.first_day))
        assert whole == raw, (period, filters)


def _changes(now: int) -> list[dict[str, Any] | None]:
    """One column (or the columns a server change writes together) at a time; None deletes."""
    return [
        {"resolved_at": None, "closed_at": None, "status": "open", "reopens": Ticket.reopens + 1},
        {"resolved_at": now, "status": "resolved"},
        {"priority": Ticket.priority / 2},
        {"category": "security"},
        {"deleted_at": now},
        {"first_response_at": Ticket.created_at + 7_200_000},
        {"sla_paused_ms": Ticket.sla_paused_ms + 600_000},
        {"resolution_due": Ticket.resolution_due - 3_600_000},
        {"first_response_due": Ticket.first_response_due + 3_600_000},
        {"updated_at": now},
        None,
    ]


def _shuffle(rng: random.Random) -> None:
    """Change tickets the way the server and operators can, with plain SQL."""
    ids = [t.id for t in Ticket.select(Ticket.id)]
    changes = _changes(to_ms(utcnow()))
    with db.atomic():
        for n, ticket_id in enumerate(rng.sample(ids, 330)):
            values = changes[n % len(changes)]
            if values is None:
                Ticket.delete().where(Ticket.id == ticket_id).execute()
            else:
                Ticket.update(values).where(Ticket.id == ticket_id).execute()


def test_the_migration_back_fills_the_pre_aggregate(upgraded: None) -> None:
    with db.connection_context():
        assert current_version() == LATEST
        stored = _stored()
        assert stored["days"] and stored["durations"]
        assert stored == _recounted()


def test_reports_from_the_pre_aggregate_equal_reports_from_the_tickets(upgraded: None) -> None:
    rng = random.Random(5)
    with db.connection_context():
        _reports_agree(rng)


def test_the_triggers_keep_it_exact_through_any_change(upgraded: None) -> None:
    rng = random.Random(9)
    with db.connection_context():
        for _ in range(3):
            _shuffle(rng)
            assert _stored() == _recounted()
            _reports_agree(rng)
