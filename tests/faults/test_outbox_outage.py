"""An SMTP server or a webhook receiver that is down: the outbox waits as a whole.

While a destination is down, its deliveries wait untouched — no attempt spent,
no line logged per row — and one probe at a time asks whether it is back. The
operator sees one line when the outage starts and one when it ends, and
delivery resumes by itself as soon as the far side answers again.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator

import pytest

from server.outbox.settings import MailSettings, WebhookSettings
from tests.live.mailbox import Mailbox
from tests.live.outbox_support import FAST_RETRIES, ticket_rows, until
from tests.live.receiver import Receiver
from tests.support.live import Live, Person, own_server
from tests.support.ports import free_port
from tests.support.tickets import file_number

ROWS = 30
HOOK_PORT = free_port()
HOOK = f"http://127.0.0.1:{HOOK_PORT}/hooks/pager"


@pytest.fixture(scope="module")
def mailbox(database_url: str) -> Iterator[Mailbox]:
    box = Mailbox(free_port())
    yield box
    box.stop()


@pytest.fixture(scope="module")
def helpdesk(database_url: str, mailbox: Mailbox) -> Iterator[Live]:
    """Mail to the team address, and every new ticket to a pager whose receiver is down."""
    mail = MailSettings(
        host="127.0.0.1",
        port=mailbox.port,
        security="none",
        sender="help@padcom.test",
        staff=("team@padcom.test",),
    )
    hooks = WebhookSettings(
        urls=(HOOK,), events=("created",), secret="s3cret", allow=(f"127.0.0.1:{HOOK_PORT}",)
    )
    with own_server(database_url, mail=mail, webhooks=hooks, outbox=FAST_RETRIES) as world:
        yield world


def _file_many(customer: Person) -> list[int]:
    api = customer.api()
    numbers = []
    for i in range(ROWS):
        numbers.append(file_number(api, f"Quota warning {i}", "Disk 95%."))
    return numbers


def _lines(caplog: pytest.LogCaptureFixture, about: str) -> list[str]:
    return [
        r.getMessage()
        for r in caplog.records
        if r.name == "padcom.outbox" and about in r.getMessage()
    ]


def _states(numbers: list[int], channel: str) -> set[tuple[str, int]]:
    return {(r.state, r.attempts) for r in ticket_rows(numbers, channel)}


def test_outages_are_logged_once_cost_no_attempts_and_delivery_resumes(
    helpdesk: Live, mailbox: Mailbox, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="padcom.outbox")
    smtp, hook = "SMTP server", f"webhook receiver http://127.0.0.1:{HOOK_PORT}"
    numbers = _file_many(helpdesk.person("customer"))  # neither far side is up yet
    until(lambda: bool(_lines(caplog, smtp) and _lines(caplog, hook)))
    time.sleep(1.0)  # several probes, 0.1-0.3 s apart
    assert len(ticket_rows(numbers, "mail")) == len(ticket_rows(numbers, "webhook")) == ROWS
    assert _states(numbers, "mail") == _states(numbers, "webhook") == {("pending", 0)}
    for about in (smtp, hook):
        (line,) = _lines(caplog, about)
        assert "unreachable" in line
    assert not _lines(caplog, "failed (attempt")  # not a line per row

    mailbox.start()
    # the line "reachable again" comes once the batch is saved: wait for both
    until(lambda: _states(numbers, "mail") == {("sent", 1)} and len(_lines(caplog, smtp)) == 2)
    subjects = sorted(str(m["Subject"]) for m in mailbox.to("team@padcom.test"))
    assert subjects == sorted(
        f"[Padcom #{n}] New ticket: Quota warning {i}" for i, n in enumerate(numbers)
    )
    assert "reachable again" in _lines(caplog, smtp)[-1] and len(_lines(caplog, smtp)) == 2
    assert _states(numbers, "webhook") == {("pending", 0)}  # that receiver is still down

    receiver = Receiver(port=HOOK_PORT).start()
    try:
        until(
            lambda: _states(numbers, "webhook") == {("sent", 1)} and len(_lines(caplog, hook)) == 2
        )
        got = sorted(json.loads(r.body)["ticket"]["number"] for r in receiver.at("/hooks/pager"))
        assert got == sorted(numbers)
    finally:
        receiver.stop()
    assert "reachable again" in _lines(caplog, hook)[-1] and len(_lines(caplog, hook)) == 2
    assert not _lines(caplog, "failed (attempt")
