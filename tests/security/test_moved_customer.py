"""A customer moved to another organization leaves their old tickets behind.

After the move, ``GET /tickets/N`` of an old ticket answers them 404, so no
mail about it may reach them either — not even one enqueued before the move
and delivered after it: who is told is decided at delivery by the rule every
read obeys. And their old colleagues, who still see the ticket, do not learn
from it which organization the person went to.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from server.db import db
from server.models import Event, Organization, Outbox
from server.outbox.settings import MailSettings, OutboxSettings
from tests.live.mailbox import Mailbox, free_port
from tests.support.live import Live, Person, own_server


@pytest.fixture(scope="module")
def mailbox(database_url: str) -> Iterator[Mailbox]:
    box = Mailbox(free_port()).start()
    yield box
    box.stop()


@pytest.fixture(scope="module")
def helpdesk(database_url: str, mailbox: Mailbox) -> Iterator[Live]:
    mail = MailSettings(
        host="127.0.0.1", port=mailbox.port, security="none", sender="help@padcom.test"
    )
    retries = OutboxSettings(
        first_retry_seconds=0.1,
        max_retry_seconds=0.3,
        poll_seconds=0.2,
        outage_probe_max_seconds=0.3,
    )
    with own_server(database_url, mail=mail, outbox=retries) as world:
        yield world


def _rows(number: int) -> list[Any]:
    with db.connection_context():
        events = Event.select(Event.id).where(Event.ticket == number)
        return list(Outbox.select().where(Outbox.event_id.in_(events)).order_by(Outbox.id))


def _until(condition: Callable[[], bool], timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("the outbox did not get there in time")
        time.sleep(0.05)


def _settled(number: int, count: int) -> list[Any]:
    _until(lambda: len(_rows(number)) >= count and all(r.state != "pending" for r in _rows(number)))
    return _rows(number)


def _status(person: Person, number: int, status: str) -> None:
    api = person.api()
    version = api.get(f"/tickets/{number}").json()["version"]
    changed = api.patch(
        f"/tickets/{number}", json={"status": status}, headers={"If-Match": f'"{version}"'}
    )
    assert changed.status_code == 200, changed.text


def test_a_moved_customer_gets_no_mail_and_old_colleagues_do_not_see_where_they_went(
    helpdesk: Live, mailbox: Mailbox
) -> None:
    agent, admin = helpdesk.person("agent"), helpdesk.person("admin")
    old_org = helpdesk.organization()
    new_org = helpdesk.organization("Moved-To Hosting GmbH")
    moved = helpdesk.person("customer", org=old_org)
    colleague = helpdesk.person("customer", org=old_org)
    filed = moved.api().post("/tickets", json={"subject": "Mailbox full", "body": "Help."})
    assert filed.status_code == 201, filed.text
    number = filed.json()["number"]
    moved.api().post(f"/tickets/{number}/messages", json={"body": "It is urgent."})

    mailbox.stop()  # the reply waits in the outbox while they are moved
    try:
        replied = agent.api().post(f"/tickets/{number}/messages", json={"body": "Cleaned up."})
        assert replied.status_code == 201, replied.text
        move = admin.api().patch(f"/users/{moved.id}", json={"organization": new_org.id})
        assert move.status_code == 200, move.text
        assert moved.api().get(f"/tickets/{number}").status_code == 404
    finally:
        mailbox.start()
    agent.api().post(f"/tickets/{number}/messages", json={"body": "Anything else?"})
    _status(agent, number, "resolved")

    rows = _settled(number, 4)
    to_moved = [row for row in rows if row.target == moved.email]
    assert len(to_moved) == 3  # two replies and the status change were enqueued for them
    assert {row.state for row in to_moved} == {"withheld"}
    assert mailbox.to(moved.email) == []

    with db.connection_context():
        new = Organization.get_by_id(new_org.id)
    api = colleague.api()
    shown = [
        api.get(f"/tickets/{number}").text,
        api.get("/tickets").text,
        api.get(f"/tickets/{number}/messages").text,
        api.get(f"/tickets/{number}/events").text,
        api.get("/events").text,
    ]
    for text in shown:
        assert new.name not in text and new.customer_number not in text
    assert api.get(f"/tickets/{number}").json()["requester"]["organization"] is None
    staff_view = agent.api().get(f"/tickets/{number}").json()
    assert staff_view["requester"]["organization"]["name"] == new.name  # staff see the truth
