"""Two real ``padcom-server serve`` processes on one PostgreSQL database wake each other.

A change committed through one process reaches a stream held by the other,
carried by LISTEN/NOTIFY (the hub has no polling to fall back on).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from server.storage.db import bind, db
from server.storage.migrations import migrate
from tests.live.sse import StreamReader
from tests.support import live as support
from tests.support.databases import postgres_database, require_postgres
from tests.support.live import World
from tests.support.process import ServerProcess

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def two_servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[World, World]]:
    require_postgres()
    with postgres_database() as url:
        settings = support.test_settings(url)
        bind(url)
        migrate()
        folders = [tmp_path_factory.mktemp("server") for _ in range(2)]
        servers = [ServerProcess(url, folder, folder / "server.log") for folder in folders]
        try:
            for server in servers:
                server.start()
            # one world per process: what the first is told must reach the second's streams
            worlds = (World(settings, servers[0].url), World(settings, servers[1].url))
            yield worlds
            for world in worlds:
                world.close()
        finally:
            for server in servers:
                server.stop()
            db.close_all()


def test_a_ticket_filed_through_one_process_reaches_a_stream_on_the_other(
    two_servers: tuple[World, World],
) -> None:
    first, second = two_servers
    agent = second.person("agent")
    customer = first.person("customer")
    stream = StreamReader(second.url, agent.token)
    try:
        for subject in ("Power supply failed in rack 4", "And the second PSU too"):
            created = customer.api().post("/tickets", json={"subject": subject, "body": "-"})
            assert created.status_code == 201
            event = stream.next()
            assert (event["kind"], event["ticket"]) == ("created", created.json()["number"])
            assert event["changes"]["subject"] == subject
    finally:
        stream.close()


def test_a_reply_through_the_second_process_reaches_the_first(
    two_servers: tuple[World, World],
) -> None:
    first, second = two_servers
    customer = first.person("customer")
    agent = second.person("agent")
    number = (
        customer.api().post("/tickets", json={"subject": "Slow disk", "body": "-"}).json()["number"]
    )
    stream = StreamReader(first.url, customer.token)
    try:
        reply = agent.api().post(f"/tickets/{number}/messages", json={"body": "Replaced it."})
        event = stream.next()
        assert (event["kind"], event["changes"]["message"]) == ("replied", reply.json()["id"])
    finally:
        stream.close()
