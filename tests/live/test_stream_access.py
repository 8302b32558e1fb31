"""An open stream keeps checking who holds it: a revoked token or a changed account ends it."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from server.storage.db import db
from server.storage.models import User
from tests.live.sse import StreamReader
from tests.support.live import Live, own_server


@pytest.fixture(scope="module")
def strict(database_url: str) -> Iterator[Live]:
    """A server whose streams re-check their token, and send a heartbeat, five times a second."""
    with own_server(database_url, live_recheck_seconds=0.2, live_heartbeat_seconds=0.2) as world:
        yield world


def test_signing_out_ends_the_stream_and_a_reconnect_is_refused(strict: Live) -> None:
    customer = strict.person("customer")
    stream = StreamReader(strict.url, customer.token)
    try:
        assert customer.api().post("/auth/logout").status_code in (200, 204)
        assert stream.ended.wait(10)
        again = customer.api().get("/events/stream")
        assert again.status_code == 401
    finally:
        stream.close()


def test_a_customer_moved_to_another_organization_loses_the_old_stream(strict: Live) -> None:
    customer = strict.person("customer")
    stream = StreamReader(strict.url, customer.token)
    try:
        with db.connection_context():
            User.update(organization=strict.organization().id).where(
                User.id == customer.id
            ).execute()
        assert stream.ended.wait(10)
    finally:
        stream.close()


def test_a_valid_stream_outlives_many_checks(strict: Live) -> None:
    agent = strict.person("agent")
    customer = strict.person("customer")
    stream = StreamReader(strict.url, agent.token)
    try:
        assert not stream.ended.wait(1)  # five checks passed
        customer.api().post("/tickets", json={"subject": "Still here?", "body": "-"})
        assert stream.next()["kind"] == "created"
    finally:
        stream.close()


def test_an_idle_stream_carries_heartbeat_comments(strict: Live) -> None:
    agent = strict.person("agent")
    headers = {"Authorization": f"Bearer {agent.token}"}
    with (
        httpx.Client(base_url=strict.url, timeout=10) as client,
        client.stream("GET", "/api/v1/events/stream", headers=headers) as response,
    ):
        lines = response.iter_lines()
        comment = next(line for line in lines if line)
    assert comment.startswith(":")  # a comment: EventSource clients ignore it, proxies see traffic
