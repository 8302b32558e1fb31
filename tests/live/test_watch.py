"""``padcom ticket watch`` as a customer runs it: a real subprocess following a real server."""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.live import Live, Person

PADCOM = str(Path(sys.executable).parent / "padcom")


class Watcher:
    """``padcom ticket watch ...`` running, its stdout lines readable with a timeout."""

    def __init__(self, live: Live, person: Person, *args: str) -> None:
        env = dict(os.environ, PADCOM_URL=live.url, PADCOM_TOKEN=person.token, NO_COLOR="1")
        self.process = subprocess.Popen(
            [PADCOM, "ticket", "watch", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line)

    def line(self, timeout: float = 15) -> str:
        try:
            return self.lines.get(timeout=timeout)
        except queue.Empty:
            self.stop()
            assert self.process.stderr is not None
            raise AssertionError(f"no output; stderr: {self.process.stderr.read()}") from None

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(10)


@pytest.fixture
def watchers() -> Iterator[list[Watcher]]:
    started: list[Watcher] = []
    yield started
    for watcher in started:
        watcher.stop()


def _ticket_with_history(customer: Person) -> tuple[int, int]:
    """A new ticket's number and the id of its "created" event."""
    api = customer.api()
    number = api.post("/tickets", json={"subject": "SSL expired", "body": "Browsers warn."}).json()[
        "number"
    ]
    return number, api.get(f"/tickets/{number}/events").json()[-1]["id"]


def test_watch_json_prints_one_object_per_line_for_a_new_reply(
    live: Live, watchers: list[Watcher]
) -> None:
    agent = live.person("agent")
    customer = live.person("customer")
    number, created = _ticket_with_history(customer)
    watcher = Watcher(live, customer, str(number), "--json", "--since", str(created))
    watchers.append(watcher)

    reply = agent.api().post(
        f"/tickets/{number}/messages", json={"body": "Renewed the certificate."}
    )
    assert reply.status_code == 201

    event = json.loads(watcher.line())
    assert (event["ticket"], event["kind"]) == (number, "replied")
    assert event["changes"]["message"] == reply.json()["id"]
    assert event["id"] > created


def test_watch_shows_a_person_the_reply_with_its_escapes_made_harmless(
    live: Live, watchers: list[Watcher]
) -> None:
    agent = live.person("agent")
    customer = live.person("customer")
    number, created = _ticket_with_history(customer)
    watcher = Watcher(live, customer, "--since", str(created))
    watchers.append(watcher)

    agent.api().post(
        f"/tickets/{number}/messages", json={"body": "Done.\x1b[2J\x1b]52;c;cm0gLXJm\x07"}
    )

    header, body = watcher.line(), watcher.line()
    assert f"#{number}" in header and agent.user.name in header and "replied" in header
    assert "Done.␛[2J␛]52;c;cm0gLXJm␇" in body
    assert "\x1b" not in header + body and "\x07" not in body
