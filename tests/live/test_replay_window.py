"""A stream resumes at most ``StreamLimits.replay_window`` events back; older is a clear 410,
and the shared client then starts again from the latest event and tells its caller to reload."""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from padcom_cli.client.live import iter_events
from server.live.settings import StreamLimits
from tests.support.live import Live, Person, own_server

WINDOW = 5


@pytest.fixture(scope="module")
def short(database_url: str) -> Iterator[Live]:
    with own_server(database_url, streams=StreamLimits(replay_window=WINDOW)) as world:
        yield world


def _history(customer: Person, replies: int) -> int:
    """A ticket with ``replies`` replies; returns its number."""
    api = customer.api()
    number = int(api.post("/tickets", json={"subject": "Slow", "body": "-"}).json()["number"])
    for n in range(replies):
        api.post(f"/tickets/{number}/messages", json={"body": f"still slow ({n})"})
    return number


def test_a_resume_point_older_than_the_window_is_told_to_reload(short: Live) -> None:
    agent, customer = short.person("agent"), short.person("customer")
    _history(customer, WINDOW + 2)
    latest = agent.api().get("/events/latest").json()["id"]

    old = agent.api().get("/events/stream", headers={"Last-Event-ID": str(latest - WINDOW - 1)})
    assert old.status_code == 410
    error = old.json()["error"]
    assert error["code"] == "gone" and "reload" in error["message"]
    assert error["details"]["latest"] == latest

    with agent.api().stream(
        "GET", "/events/stream", headers={"Last-Event-ID": str(latest - WINDOW)}
    ) as recent:
        assert recent.status_code == 200


def test_the_client_starts_again_from_the_latest_and_says_reload(short: Live) -> None:
    agent, customer = short.person("agent"), short.person("customer")
    number = _history(customer, WINDOW + 2)
    stop = threading.Event()
    events: queue.Queue[dict[str, Any]] = queue.Queue()
    states: queue.Queue[str] = queue.Queue()

    def follow() -> None:
        for event in iter_events(short.url, agent.token, 0, stop, on_status=states.put):
            events.put(event)

    thread = threading.Thread(target=follow, daemon=True)
    thread.start()
    try:
        assert states.get(timeout=15) == "reload"
        assert states.get(timeout=15) == "connected"
        reply = customer.api().post(f"/tickets/{number}/messages", json={"body": "fixed!"})
        event = events.get(timeout=15)
        assert event["changes"]["message"] == reply.json()["id"]
        assert events.empty()  # none of the old history was replayed
    finally:
        stop.set()
        thread.join(10)
