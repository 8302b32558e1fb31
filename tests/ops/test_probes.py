"""A balancer asks ``/healthz`` and ``/readyz`` without a token; Prometheus scrapes ``/metrics``.

Readiness is real: a schema this server does not know makes it answer 503, and
it is ready again once the schema is back. Metrics stay off until the operator
gives the scraper a token, and then count requests by route template.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from server.storage.db import db
from server.storage.migrations import LATEST
from server.storage.models import SchemaVersion
from tests.support.live import Live, own_server

SCRAPER = "scraper-secret-0123456789"


@pytest.fixture(scope="module")
def watched(database_url: str) -> Iterator[Live]:
    with own_server(database_url, metrics_token=SCRAPER) as server:
        yield server


def test_the_balancer_sees_a_live_and_ready_server_without_a_token(live: Live) -> None:
    assert httpx.get(f"{live.url}/healthz").json() == {"status": "ok"}
    ready = httpx.get(f"{live.url}/readyz")
    assert ready.status_code == 200, ready.text
    assert ready.json() == {
        "status": "ready",
        "checks": {"database": "ok", "schema": "ok", "listen": "ok"},
    }


def test_a_schema_this_server_does_not_know_makes_it_not_ready(live: Live) -> None:
    with db.connection_context():
        SchemaVersion.update(version=LATEST + 1).execute()
    try:
        refused = httpx.get(f"{live.url}/readyz")
        assert refused.status_code == 503
        assert (
            refused.json()["checks"]["schema"]
            == f"version {LATEST + 1}, this server knows {LATEST}"
        )
        assert httpx.get(f"{live.url}/healthz").status_code == 200  # alive all the same
    finally:
        with db.connection_context():
            SchemaVersion.update(version=LATEST).execute()
    assert httpx.get(f"{live.url}/readyz").status_code == 200


def test_metrics_are_off_unless_the_operator_sets_a_token(live: Live) -> None:
    assert httpx.get(f"{live.url}/metrics").status_code == 404


def test_the_scraper_with_its_token_reads_requests_per_route_template(watched: Live) -> None:
    agent = watched.person("agent")
    customer = watched.person("customer")
    number = (
        customer.api().post("/tickets", json={"subject": "Disk", "body": "full"}).json()["number"]
    )
    assert agent.api().get(f"/tickets/{number}").status_code == 200
    assert httpx.get(f"{watched.url}/metrics").status_code == 401
    wrong = {"Authorization": "Bearer not-the-token"}
    assert httpx.get(f"{watched.url}/metrics", headers=wrong).status_code == 401
    scraped = httpx.get(f"{watched.url}/metrics", headers={"Authorization": f"Bearer {SCRAPER}"})
    assert scraped.status_code == 200
    text = scraped.text
    read = 'padcom_http_requests_total{method="GET",route="/api/v1/tickets/{number}",status="200"}'
    assert read in text
    assert 'route="/api/v1/tickets",status="201"' in text
    assert f'/tickets/{number}"' not in text, "raw paths would make a series per ticket"
    for name in (
        "padcom_http_request_seconds_bucket",
        "padcom_db_pool_wait_seconds",
        "padcom_outbox_backlog",
        "padcom_outbox_oldest_seconds",
        "padcom_db_lock_waiters",
        "padcom_open_streams",
        "padcom_listen_reconnects_total",
    ):
        assert name in text, name
