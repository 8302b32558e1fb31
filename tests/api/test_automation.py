"""Waiting tickets move on by themselves as days pass on a clock the test moves: a reminder,
then a resolve, then a close, each an event of "Padcom (automatic)" with its mail — on both
databases, with the server's own background pass, and once only when two passes race."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import httpx
import pytest

from server.helpdesk.automation import AUTOMATIC_NAME, AutomationSettings, run_pass
from server.helpdesk.tokens import issue
from server.live.consequences import Consequences
from server.storage.db import db
from server.storage.fields import utcnow
from tests.api.desk_mail import customer_mail, mailbox
from tests.live.mailbox import Mailbox
from tests.live.receiver import QUICK_RETRIES
from tests.support.clock import DAY, Shift, shifted
from tests.support.live import Live, Person, own_server

__all__ = ["mailbox"]  # the fixture this module's stories use

RULES = AutomationSettings(
    remind_after_days=3, resolve_after_days=7, close_after_days=5, check_seconds=0.05
)


@pytest.fixture(scope="module")
def clock() -> Iterator[Shift]:
    with shifted() as moved:
        yield moved


@pytest.fixture(scope="module")
def desk(database_url: str, mailbox: Mailbox, clock: Shift) -> Iterator[Live]:
    """A server that takes the automatic steps every 50 ms and mails customers."""
    with own_server(
        database_url,
        automation=RULES,
        sla_check_seconds=0,
        mail=customer_mail(mailbox.port),
        outbox=QUICK_RETRIES,
    ) as world:
        yield world


def _api(desk: Live, person: Person) -> httpx.Client:
    """A client whose token outlives the days the test lets pass."""
    with db.connection_context():
        secret, _ = issue(person.user, timedelta(days=365))
    client = httpx.Client(
        base_url=f"{desk.url}/api/v1", headers={"Authorization": f"Bearer {secret}"}, timeout=30
    )
    person.clients.append(client)
    return client


def _waiting(desk: Live) -> tuple[Person, httpx.Client, httpx.Client, int]:
    customer, agent = desk.person("customer"), desk.person("agent")
    mine, staff = _api(desk, customer), _api(desk, agent)
    number = mine.post("/tickets", json={"subject": "DNS", "body": "which records?"}).json()[
        "number"
    ]
    assert staff.post(f"/tickets/{number}/messages", json={"body": "send a dig"}).status_code == 201
    version = staff.get(f"/tickets/{number}").json()["version"]
    waiting = staff.patch(
        f"/tickets/{number}", json={"status": "waiting"}, headers={"If-Match": f'"{version}"'}
    )
    assert waiting.status_code == 200, waiting.text
    return customer, mine, staff, number


def _automatic(api: httpx.Client, number: int) -> list[dict[str, Any]]:
    events = api.get(f"/tickets/{number}/events").json()
    return [e for e in events if e["actor"]["name"] == AUTOMATIC_NAME]


def _settle(api: httpx.Client, number: int, count: int) -> list[dict[str, Any]]:
    """The automatic events once there are ``count`` (the pass runs every 50 ms), and a bit
    longer, so a second copy of one would show."""
    deadline = time.monotonic() + 10
    while len(_automatic(api, number)) < count and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.3)
    return _automatic(api, number)


def _mail(mailbox: Mailbox, address: str, subject: str) -> str:
    """The body of the first mail to ``address`` whose subject holds ``subject`` (waiting for it)."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        for mail in mailbox.to(address):
            if subject in str(mail["Subject"]):
                return str(mail.get_content())
        time.sleep(0.05)
    raise AssertionError(f"no mail '{subject}' to {address}")


def test_remind_then_resolve_then_close_as_the_days_pass(
    desk: Live, clock: Shift, mailbox: Mailbox
) -> None:
    customer, mine, _staff, number = _waiting(desk)
    clock.pass_time(2 * DAY)
    assert _settle(mine, number, 0) == []

    clock.pass_time(1.5 * DAY)
    reminded = _settle(mine, number, 1)
    assert [(e["kind"], e["changes"]) for e in reminded] == [
        ("reminded", {"days": 3, "resolve_in_days": 4})
    ]
    assert reminded[0]["actor"]["email"] is None  # a staff-side account, shown by name
    mail = _mail(mailbox, customer.email, "Waiting for your answer")
    assert f"padcom ticket reply {number}" in mail
    clock.pass_time(1 * DAY)
    assert len(_settle(mine, number, 1)) == 1  # one reminder per wait

    clock.pass_time(3 * DAY)
    steps = _settle(mine, number, 2)
    assert steps[-1]["kind"] == "status"
    assert steps[-1]["changes"]["status"] == ["waiting", "resolved"]
    assert "no answer from the customer for 7 days" in steps[-1]["changes"]["reason"]
    resolved_mail = _mail(mailbox, customer.email, "Status resolved")
    assert f"padcom ticket rate {number} good" in resolved_mail

    clock.pass_time(5.5 * DAY)
    steps = _settle(mine, number, 3)
    assert steps[-1]["changes"]["status"] == ["resolved", "closed"]
    assert mine.get(f"/tickets/{number}").json()["status"] == "closed"


def test_an_answer_from_the_customer_stops_the_countdown(desk: Live, clock: Shift) -> None:
    _, mine, staff, number = _waiting(desk)
    clock.pass_time(4 * DAY)
    assert len(_settle(mine, number, 1)) == 1  # reminded
    assert (
        mine.post(f"/tickets/{number}/messages", json={"body": "dig attached"}).status_code == 201
    )
    clock.pass_time(4 * DAY)
    assert len(_settle(mine, number, 1)) == 1
    assert staff.get(f"/tickets/{number}").json()["status"] == "open"


def test_two_passes_at_once_take_each_step_once(desk: Live, clock: Shift) -> None:
    quiet = AutomationSettings(remind_after_days=3, resolve_after_days=0, close_after_days=0)
    numbers = [_waiting(desk)[3] for _ in range(3)]
    clock.pass_time(3.5 * DAY)
    journal = Consequences(desk.settings)
    found: list[list[int]] = []
    now = utcnow()
    racers = [
        threading.Thread(target=lambda: found.append(run_pass(quiet, now, journal)))
        for _ in range(2)
    ]
    for racer in racers:
        racer.start()
    for racer in racers:
        racer.join()
    staff = _api(desk, desk.person("agent"))
    for number in numbers:
        kinds = [e["kind"] for e in _settle(staff, number, 1)]
        assert kinds == ["reminded"], (number, kinds)
