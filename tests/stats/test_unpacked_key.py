"""Migration 13 turns the durations' packed key into columns without losing a count, on both databases.

Before migration 13 a row of ``stats_settled_duration`` was keyed by one integer,
``bucket * 64 + priority * 8 + category number`` (the number being the category's
place in a tuple, room for eight). Here a generated history's durations are
written back in that old form, the database is stamped as schema 11, and the
upgrade must give back the very rows a fresh count gives, keep the reports as
they were, and leave triggers that keep counting the new columns.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, cast

import pytest

from bench.generate import Shape, generate
from server.reads.listing import TicketFilters
from server.stats import rollup, triggers
from server.stats.report import build_report
from server.stats.scope import DAY_MS, Period, scoped_tickets
from server.stats.split import make_split
from server.storage.db import bind, db
from server.storage.fields import to_ms, utcnow
from server.storage.migrations import LATEST, migrate
from server.storage.models import SchemaVersion, SettledDuration, Ticket, User
from server.vocabulary import Role, Status

OLD_CATEGORY_NUMBERS = {"hardware": 0, "software": 1, "usage": 2, "security": 3, "other": 4}
"""The category numbers of the packed key as schema 11 stored them (history, pinned here)."""
OLD_TABLE = (
    "CREATE TABLE stats_settled_duration (metric SMALLINT NOT NULL, span SMALLINT NOT NULL,"
    " start_day INTEGER NOT NULL, key BIGINT NOT NULL, tickets INTEGER NOT NULL,"
    " PRIMARY KEY (metric, span, start_day, key))"
)


def _durations() -> set[tuple[Any, ...]]:
    rows = cast(list[tuple[Any, ...]], list(SettledDuration.select().tuples()))
    return {r for r in rows if r[-1]}


def _reports() -> list[dict[str, Any]]:
    """Whole-day reports over 7, 30 and 100 days, without what moves with the clock."""
    staff = User.get(User.role == Role.AGENT)
    now_ms = to_ms(utcnow())
    today = now_ms // DAY_MS * DAY_MS
    found = []
    for days in (7, 30, 100):
        period = Period(today - days * DAY_MS, today, now_ms)
        tickets = scoped_tickets(staff, TicketFilters())
        report = build_report(tickets, make_split(staff, TicketFilters(), period))
        found.append({k: v for k, v in report.items() if k not in ("generated_at", "now")})
    return found


def _as_schema_11(rows: set[tuple[Any, ...]]) -> None:
    """Store ``rows`` in the packed form of schema 11, as that version left them."""
    triggers.remove()
    db.drop_tables([SettledDuration])
    db.execute_sql(OLD_TABLE)
    packed = [
        (metric, span, start, bucket * 64 + priority * 8 + OLD_CATEGORY_NUMBERS[category], n)
        for metric, span, start, priority, category, bucket, n in rows
    ]
    insert = "INSERT INTO stats_settled_duration (metric, span, start_day, key, tickets) VALUES "
    for at in range(0, len(packed), 100):  # 500 parameters a statement, within SQLite's limit
        batch = packed[at : at + 100]
        marks = ", ".join(["(?, ?, ?, ?, ?)"] * len(batch)).replace("?", db.param)
        db.execute_sql(insert + marks, [value for row in batch for value in row])
    SchemaVersion.update(version=11).execute()


@pytest.fixture(scope="module")
def history(database_url: str) -> Iterator[None]:
    bind(database_url)
    migrate()
    generate(Shape(tickets=2_000, organizations=40), seed=13)
    yield
    db.close_all()


def test_the_upgrade_unpacks_every_count_and_keeps_the_reports(history: None) -> None:
    with db.connection_context():
        counted, reports = _durations(), _reports()
        assert counted
        with db.atomic():
            _as_schema_11(counted)
        assert db.get_columns("stats_settled_duration")[3].name == "key"

        assert migrate() == (11, LATEST)

        assert _durations() == counted
        assert _reports() == reports
        resolved = Ticket.select(Ticket.id).where(Ticket.status == Status.RESOLVED).limit(50)
        Ticket.update(category="security", priority=3).where(Ticket.id.in_(resolved)).execute()
        with db.atomic() as transaction:  # what a count from scratch stores now
            rollup.rebuild()
            recounted = _durations()
            transaction.rollback()
        assert _durations() == recounted != counted
