"""Story: a stream that goes quiet between events carries heartbeats, and whoever follows it
hears each event once all the same, whatever SSE client they use.

A heartbeat is a comment line. Followed by an empty line it closed a block of its own, and
clients that keep the last event id for the next block (httpx-sse 0.4, the Python client
integrations and our cluster stories use; r3labs/sse in Go) handed that block out as an
event without data carrying the last id again: a stream of the scale-out stories heard
``repeated [127]`` whenever one of its connections outlived the 15 s heartbeat.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from tests.scale.recorder import Recorder
from tests.scale.support import wait_until
from tests.support.live import Live, own_server
from tests.support.tickets import file_ticket

HEARTBEAT = 0.1


@pytest.fixture(scope="module")
def chatty(database_url: str) -> Iterator[Live]:
    """A server whose quiet streams send a heartbeat ten times a second."""
    with own_server(database_url, live_heartbeat_seconds=HEARTBEAT) as world:
        yield world


def test_heartbeats_between_two_events_repeat_neither(chatty: Live) -> None:
    agent, customer = chatty.person("agent"), chatty.person("customer")
    since = agent.api().get("/events/latest").json()["id"]
    stream = Recorder(chatty.url, chatty.url, agent.token)
    try:
        file_ticket(customer, "Backups stopped", "Since Tuesday.")
        wait_until(lambda: stream.ids, timeout=10)
        time.sleep(10 * HEARTBEAT)  # a quiet spell: ten heartbeats
        file_ticket(customer, "Backups stopped again", "Since Friday.")
        stored = agent.api().get("/events", params={"after": since}).json()["items"]
        assert stream.wait_for(stored[-1]["id"], timeout=10)
        time.sleep(5 * HEARTBEAT)  # and another after the last event
    finally:
        stream.close()
    assert stream.ids == [event["id"] for event in stored]
