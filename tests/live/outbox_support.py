"""What the outbox tests share: fast retries, a server that mails a loopback mailbox,
the outbox rows of some tickets, and a bounded wait.

A test module makes fixtures of ``fresh_mailbox`` and ``mailing_helpdesk``:
``mailbox = pytest.fixture(scope="module", name="mailbox")(fresh_mailbox)``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from server.outbox.settings import MailSettings, OutboxSettings
from server.storage.db import db
from server.storage.models import Event, Outbox
from tests.live.mailbox import Mailbox
from tests.support.live import Live, Person, own_server
from tests.support.ports import free_port

FAST_RETRIES = OutboxSettings(
    first_retry_seconds=0.1, max_retry_seconds=0.3, poll_seconds=0.2, outage_probe_max_seconds=0.3
)
"""Retries and outage probes a few tenths of a second apart."""


@contextmanager
def mailing_server(
    database_url: str, mailbox: Mailbox, outbox: OutboxSettings = FAST_RETRIES, **mail: Any
) -> Iterator[Live]:
    """A real server that mails ``mailbox`` over plain SMTP on loopback."""
    settings = MailSettings(
        host="127.0.0.1", port=mailbox.port, security="none", sender="help@padcom.test", **mail
    )
    with own_server(database_url, mail=settings, outbox=outbox) as world:
        yield world


def fresh_mailbox(database_url: str) -> Iterator[Mailbox]:
    """A plain SMTP mailbox on loopback, fresh per database (ticket numbers start at 1)."""
    box = Mailbox(free_port()).start()
    yield box
    box.stop()


def mailing_helpdesk(database_url: str, mailbox: Mailbox) -> Iterator[Live]:
    """A server that mails every agent through ``mailbox``, retrying fast."""
    with mailing_server(database_url, mailbox) as world:
        yield world


def ticket_rows(numbers: list[int], channel: str | None = None) -> list[Any]:
    """The outbox rows the events of tickets ``numbers`` caused, oldest first."""
    with db.connection_context():
        events = Event.select(Event.id).where(Event.ticket.in_(numbers))
        query = Outbox.select().where(Outbox.event_id.in_(events))
        if channel is not None:
            query = query.where(Outbox.channel == channel)
        return list(query.order_by(Outbox.id))


def set_status(person: Person, number: int, status: str) -> None:
    """Change a ticket's status as ``person``, with the version the ticket has now."""
    api = person.api()
    version = api.get(f"/tickets/{number}").json()["version"]
    response = api.patch(
        f"/tickets/{number}", json={"status": status}, headers={"If-Match": f'"{version}"'}
    )
    assert response.status_code == 200, response.text


def until(condition: Callable[[], bool], timeout: float = 20) -> None:
    """Wait until ``condition`` holds; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("the outbox did not get there in time")
        time.sleep(0.05)
