"""Every statistics statement reads through the index meant for it, on both databases.

The trap (FIELD-NOTES): on a million tickets a "last 30 days" query took 880 ms
when SQLite chose an index for its GROUP BY order and 8 ms with the range index.
So the plans are checked on a generated history of 30,000 tickets (three
years, realistic spread, ANALYZEd), with the statements the server runs.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from bench.generate import Shape, generate
from server.helpdesk.sla_watch import overdue_query
from server.reads.listing import TicketFilters
from server.stats.durations import histogram_query, settled_histogram_query
from server.stats.now import now_query
from server.stats.period import (
    created_query,
    resolved_query,
    settled_created_query,
    settled_resolved_query,
)
from server.stats.ranking import top_query
from server.stats.scope import make_period, scoped_tickets
from server.stats.split import Split, make_split
from server.storage.db import bind, db, is_postgres
from server.storage.fields import utcnow
from server.storage.migrations import migrate
from server.storage.models import Ticket, User
from server.vocabulary import Target

PERIOD_INDEX = "ticket_period_stats"
STATUS_INDEX = "ticket_status_priority_resolution_due"


@pytest.fixture(scope="module")
def history(database_url: str) -> Iterator[None]:
    bind(database_url)
    migrate()
    generate(Shape(tickets=30_000, organizations=600), seed=7)
    if is_postgres():
        with db.connection_context():
            db.execute_sql("VACUUM ANALYZE ticket")
    yield
    db.close_all()


def plan(query: Any) -> str:
    """The database's own explanation of ``query``, as one string."""
    sql, params = db.get_sql_context().sql(query).query()
    explain = "EXPLAIN" if is_postgres() else "EXPLAIN QUERY PLAN"
    with db.connection_context():
        return "\n".join(str(row[-1]) for row in db.execute_sql(f"{explain} {sql}", params))


def _staff_scope() -> tuple[Any, Split]:
    """The staff's last 30 days: partial days at both ends, whole days from the pre-aggregate."""
    with db.connection_context():
        agent = User.get(User.role == "agent")
    now = utcnow()
    period = make_period(now - timedelta(days=30, hours=5), now, now)
    split = make_split(agent, TicketFilters(), period)
    assert split.whole_days
    return scoped_tickets(agent, TicketFilters()), split


def _no_full_scan(text: str) -> None:
    assert "Seq Scan" not in text
    assert not any(
        line.strip().startswith("SCAN t1") and "INDEX" not in line for line in text.splitlines()
    ), text


def test_the_period_figures_read_the_period_range(history: None) -> None:
    tickets, split = _staff_scope()
    for query in (
        top_query(tickets, split.period, Ticket.organization),
        top_query(tickets, split.period, Ticket.service),
    ):
        text = plan(query)
        _no_full_scan(text)
        if is_postgres():
            # PostgreSQL may take the narrower (created_at, status) index and the table
            assert PERIOD_INDEX in text or "ticket_created_at_status" in text, text
        else:
            assert f"COVERING INDEX {PERIOD_INDEX} (created_at>? AND created_at<?)" in text, text


def test_the_rest_of_the_period_reads_only_its_edges_and_its_open_tickets(history: None) -> None:
    """What the pre-aggregate does not hold: the partial days through the period index, the
    open tickets of the whole days through the resolution index (resolved_at IS NULL)."""
    tickets, split = _staff_scope()
    for query in (
        created_query(tickets, split),
        histogram_query(tickets, split, Target.FIRST_RESPONSE),
        histogram_query(tickets, split, Target.RESOLUTION),
    ):
        text = plan(query)
        _no_full_scan(text)
        assert "ticket_resolved_at_created_at" in text, text
        if is_postgres():
            assert PERIOD_INDEX in text or "ticket_created_at_status" in text, text
        else:
            assert text.count(f"COVERING INDEX {PERIOD_INDEX} (created_at>? AND created_at<?)") == 2
            assert "ticket_resolved_at_created_at (resolved_at=? AND created_at>?" in text, text


def test_the_resolved_per_day_read_the_resolution_index(history: None) -> None:
    tickets, split = _staff_scope()
    for query in (resolved_query(tickets, split), tickets.where(split.straddling())):
        text = plan(query)
        _no_full_scan(text)
        assert "ticket_resolved_at_created_at" in text or PERIOD_INDEX in text, text


def test_the_pre_aggregate_is_read_by_its_keys(history: None) -> None:
    """Whole days by creation day, by resolution day, and the durations' spans by key."""
    _, split = _staff_scope()
    expected = {
        settled_created_query(split): "stats_settled_day",
        settled_resolved_query(split): "stats_settled_day_resolved_day_created_day",
        settled_histogram_query(split, Target.RESOLUTION): "stats_settled_duration",
    }
    for query, index in expected.items():
        text = plan(query)
        assert "Seq Scan" not in text and "SCAN t1" not in text.replace("SCAN t1 USING", ""), text
        assert index in text, text
    if not is_postgres():
        assert "(metric=? AND span=? AND start_day=?)" in plan(
            settled_histogram_query(split, Target.RESOLUTION)
        )


def test_the_queue_now_and_the_breach_check_read_only_open_tickets(history: None) -> None:
    tickets, split = _staff_scope()
    for query in (now_query(tickets, split.period), overdue_query(split.period.now)):
        text = plan(query)
        _no_full_scan(text)
        assert STATUS_INDEX in text, text


def test_a_customer_s_figures_read_only_their_organization(history: None) -> None:
    with db.connection_context():
        customer = User.get(User.role == "customer")
    now = utcnow()
    period = make_period(now - timedelta(days=30), now, now)
    tickets = scoped_tickets(customer, TicketFilters())
    split = make_split(customer, TicketFilters(), period)
    assert not split.whole_days  # a customer's figures never come from the pre-aggregate
    for query in (
        created_query(tickets, split),
        histogram_query(tickets, split, Target.RESOLUTION),
    ):
        text = plan(query)
        _no_full_scan(text)
        if is_postgres():
            # PostgreSQL may read the period's range of the covering index, organization inside
            assert "ticket_organization_id_created_at" in text or (
                PERIOD_INDEX in text and "organization_id =" in text
            ), text
        else:
            assert "ticket_organization_id_created_at (organization_id=?" in text, text
