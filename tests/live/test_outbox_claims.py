"""While the SMTP server is down, a wake of the outbox does not read the mail it holds.

Every commit wakes the worker; with thousands of mails held by an outage, a
claim that read them all to skip them cost more the longer the outage lasted.
The claim names the channels it wants, and the database answers it from the
(channel, state, next_attempt_at) index, never touching a held mail.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest

from server.outbox.outage import SMTP, Outages
from server.outbox.worker import claim, due_now, not_waiting
from server.storage.db import bind, db, is_postgres
from server.storage.fields import utcnow
from server.storage.migrations import migrate
from server.storage.models import Outbox

HELD = 5_000
CHANNEL_INDEX = "outbox_channel_state_next_attempt_at"


@pytest.fixture(scope="module")
def backlog(database_url: str) -> Iterator[None]:
    """5,000 mails waiting on an outage and three webhooks due."""
    bind(database_url)
    migrate()
    rows: list[dict[str, Any]] = [
        {"channel": "mail", "dedupe_key": f"m{i}", "target": f"c{i}@example.com", "payload": {}}
        for i in range(HELD)
    ]
    rows += [
        {"channel": "webhook", "dedupe_key": f"w{i}", "target": "https://h.example/", "payload": {}}
        for i in range(3)
    ]
    with db.connection_context(), db.atomic():
        for start in range(0, len(rows), 500):
            Outbox.insert_many(rows[start : start + 500]).execute()
    with db.connection_context():
        db.execute_sql("ANALYZE outbox" if is_postgres() else "ANALYZE")
    yield
    db.close_all()


def _smtp_down() -> Outages:
    outages = Outages(60, 60, logging.getLogger("test.outbox"))
    outages.failed(SMTP, "SMTP server", "connection refused")
    return outages


def test_a_claim_during_an_smtp_outage_reads_through_the_channel_index(backlog: None) -> None:
    query = Outbox.select().where(due_now(utcnow(), not_waiting(_smtp_down()))).limit(50)
    sql, params = db.get_sql_context().sql(query).query()
    explain = "EXPLAIN" if is_postgres() else "EXPLAIN QUERY PLAN"
    with db.connection_context():
        plan = "\n".join(str(row[-1]) for row in db.execute_sql(f"{explain} {sql}", params))
    assert CHANNEL_INDEX in plan, plan


def test_a_claim_during_an_smtp_outage_takes_only_what_can_go_out(backlog: None) -> None:
    with db.connection_context():
        claimed = claim(50, 300, not_waiting(_smtp_down()))
        assert {row.channel for row in claimed} == {"webhook"} and len(claimed) == 3
        assert Outbox.select().where(Outbox.lease_until.is_null(False)).count() == 3
