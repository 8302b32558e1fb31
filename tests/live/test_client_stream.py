"""``padcom_cli.client.live.iter_events``, the stream client of the CLI and the admin app, against a real server."""

from __future__ import annotations

import queue
import threading
from typing import Any

import pytest

from padcom_cli.client.errors import NotAuthorized
from padcom_cli.client.live import iter_events
from tests.live.proxy import CuttableProxy
from tests.support.live import Live, Person


class Follower:
    """``iter_events`` running on a thread, its events and status changes collected."""

    def __init__(self, url: str, person: Person, last_event_id: int | None) -> None:
        self.stop = threading.Event()
        self.events: queue.Queue[dict[str, Any]] = queue.Queue()
        self.states: queue.Queue[str] = queue.Queue()
        self.thread = threading.Thread(
            target=self._run, args=(url, person.token, last_event_id), daemon=True
        )
        self.thread.start()

    def _run(self, url: str, token: str, last_event_id: int | None) -> None:
        for event in iter_events(url, token, last_event_id, self.stop, on_status=self.states.put):
            self.events.put(event)

    def wait_state(self, wanted: str) -> None:
        while self.states.get(timeout=15) != wanted:
            pass

    def next(self) -> dict[str, Any]:
        return self.events.get(timeout=15)

    def close(self) -> bool:
        """Stop following; True when the thread ended (it must, promptly, even while idle)."""
        self.stop.set()
        self.thread.join(5)
        return not self.thread.is_alive()


def _reply(person: Person, number: int, body: str) -> int:
    response = person.api().post(f"/tickets/{number}/messages", json={"body": body})
    assert response.status_code == 201
    return int(response.json()["id"])


def test_a_dropped_connection_resumes_where_it_left_off(live: Live) -> None:
    agent = live.person("agent")
    customer = live.person("customer")
    number = (
        customer.api()
        .post("/tickets", json={"subject": "VPS unreachable", "body": "-"})
        .json()["number"]
    )
    created = agent.api().get(f"/tickets/{number}/events").json()[-1]["id"]
    proxy = CuttableProxy(live.thread.port)
    follower = Follower(proxy.url, agent, created)
    try:
        follower.wait_state("connected")
        first = _reply(customer, number, "first")
        assert follower.next()["changes"]["message"] == first

        proxy.cut()
        follower.wait_state("reconnecting")
        missed = [_reply(customer, number, text) for text in ("second", "third")]
        follower.wait_state("connected")
        after = [follower.next()["changes"]["message"] for _ in range(2)]
        assert after == missed
        assert proxy.connections >= 2
        assert follower.events.empty()  # nothing repeated
    finally:
        assert follower.close()
        proxy.close()


def test_stop_ends_an_idle_stream_promptly(live: Live) -> None:
    follower = Follower(live.url, live.person("agent"), None)
    follower.wait_state("connected")
    assert follower.close()


def test_a_refused_token_raises_not_authorized_at_once(live: Live) -> None:
    with pytest.raises(NotAuthorized):
        next(iter_events(live.url, "not-a-token"))
