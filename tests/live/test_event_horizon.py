"""Story: a write that draws its event id first commits last. Until it has committed (or
given up), nobody is told of any later event: a client that resumed from the later
id would never see the earlier one.

On PostgreSQL the ids are drawn without a lock held to COMMIT
(``server/storage/event_horizon.py``); the late writer is played here by a
transaction of the test's own that has drawn an id and not yet committed.
SQLite runs one writer at a time, so the story cannot happen there.
"""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest

from tests.support.databases import postgres_database, require_postgres
from tests.support.live import Live

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def database_url() -> Iterator[str]:
    """PostgreSQL only: SQLite runs one writer at a time, so the story cannot happen there."""
    require_postgres()
    with postgres_database() as url:
        yield url


def _latest(live: Live, token: str) -> int:
    with live.anonymous() as api:
        reply = api.get("/events/latest", headers={"Authorization": f"Bearer {token}"})
    assert reply.status_code == 200, reply.text
    return int(reply.json()["id"])


def test_no_event_is_shown_above_a_write_still_in_flight(live: Live, database_url: str) -> None:
    org = live.organization()
    customer = live.person("customer", org=org)
    agent = live.person("agent")
    filed = customer.api().post("/tickets", json={"subject": "first", "body": "x"})
    assert filed.status_code == 201, filed.text
    before = _latest(live, agent.token)
    with psycopg.connect(database_url) as late:  # a transaction: it stays open
        drawn = late.execute("SELECT padcom_draw_event_ids(1)").fetchone()
        assert drawn is not None and drawn[0] > before
        filed = customer.api().post("/tickets", json={"subject": "second", "body": "y"})
        assert filed.status_code == 201, filed.text
        assert _latest(live, agent.token) == before  # the newer event waits for the late one
        late.rollback()  # the late writer gives up: its id will never appear
    assert _latest(live, agent.token) > drawn[0]
