"""Both earlier layouts of the durations' group key upgrade to ``group_key`` without losing a count.

Schema 11 keyed a row of ``stats_settled_duration`` by one integer, ``bucket * 64
+ priority * 8 + category number`` (the number being the category's place in a
tuple, room for eight); schemas 13 to 17 by three columns (priority code,
category word, bucket). Here a generated history's durations are written back
in each old form, the database is stamped with that schema, and the upgrade must
give back the very rows a fresh count gives, keep the reports as they were, and
leave triggers that keep counting the key.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, cast

import pytest

from bench.generate import Shape, generate
from server.reads.listing import TicketFilters
from server.stats import rollup, triggers
from server.stats.group_key import unpack
from server.stats.report import build_report
from server.stats.scope import DAY_MS, Period, scoped_tickets
from server.stats.split import make_split
from server.storage.db import bind, db
from server.storage.fields import to_ms, utcnow
from server.storage.migrations import LATEST, migrate
from server.storage.models import SchemaVersion, SettledDuration, Ticket, User
from server.vocabulary import Role

OLD_CATEGORY_NUMBERS = {"hardware": 0, "software": 1, "usage": 2, "security": 3, "other": 4}
"""The category numbers of the packed key as schema 11 stored them (history, pinned here)."""
KEYED_BY = {
    11: ("key BIGINT NOT NULL", "key"),
    17: (
        "priority SMALLINT NOT NULL, category VARCHAR(16) NOT NULL, bucket BIGINT NOT NULL",
        "priority, category, bucket",
    ),
}
"""Schema → the old table's key columns: its definition and its names."""


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


def _old_key(schema: int, group_key: int) -> tuple[Any, ...]:
    bucket, priority, category = unpack(group_key)
    if schema == 11:
        return (bucket * 64 + priority * 8 + OLD_CATEGORY_NUMBERS[category],)
    return (priority, category.value, bucket)


def _as_schema(schema: int, rows: set[tuple[Any, ...]]) -> None:
    """Store ``rows`` in the layout of ``schema``, as that version left them."""
    triggers.remove()
    db.drop_tables([SettledDuration])
    columns, names = KEYED_BY[schema]
    db.execute_sql(
        f"CREATE TABLE stats_settled_duration (metric SMALLINT NOT NULL, span SMALLINT NOT NULL,"
        f" start_day INTEGER NOT NULL, {columns}, tickets INTEGER NOT NULL,"
        f" PRIMARY KEY (metric, span, start_day, {names}))"
    )
    old = [(m, span, start, *_old_key(schema, key), n) for m, span, start, key, n in rows]
    width = len(old[0])
    insert = (  # our own column names, no input
        f"INSERT INTO stats_settled_duration (metric, span, start_day, {names}, tickets) VALUES "  # noqa: S608
    )
    for at in range(0, len(old), 60):  # within SQLite's 999 parameters a statement
        batch = old[at : at + 60]
        marks = ", ".join([f"({', '.join(['?'] * width)})"] * len(batch)).replace("?", db.param)
        db.execute_sql(insert + marks, [value for row in batch for value in row])
    SchemaVersion.update(version=schema).execute()


@pytest.fixture(scope="module")
def history(database_url: str) -> Iterator[None]:
    bind(database_url)
    migrate()
    generate(Shape(tickets=2_000, organizations=40), seed=13)
    yield
    db.close_all()


@pytest.mark.parametrize("schema", sorted(KEYED_BY))
def test_the_upgrade_keys_every_count_and_keeps_the_reports(history: None, schema: int) -> None:
    with db.connection_context():
        counted, reports = _durations(), _reports()
        assert counted
        with db.atomic():
            _as_schema(schema, counted)
        assert "group_key" not in {c.name for c in db.get_columns("stats_settled_duration")}

        assert migrate() == (schema, LATEST)

        assert _durations() == counted
        assert _reports() == reports
        resolved = (
            Ticket.select(Ticket.id)
            .where(Ticket.resolved_at.is_null(False), Ticket.category != "security")
            .limit(50)
        )
        Ticket.update(category="security", priority=3).where(Ticket.id.in_(resolved)).execute()
        with db.atomic() as transaction:  # what a count from scratch stores now
            rollup.rebuild()
            recounted = _durations()
            transaction.rollback()
        assert _durations() == recounted != counted
