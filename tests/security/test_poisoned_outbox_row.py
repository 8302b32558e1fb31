"""One delivery that cannot be made is that delivery's failure alone.

A subject with a malformed encoded word used to make the mail library raise
in the middle of a batch: nothing of the batch was marked, mails after it were
never sent and mails before it went out again after every lease. Here three
tickets wait in the outbox while SMTP is down, the middle one with such a
subject, and one recipient is an agent whose address cannot be written without
SMTPUTF8. When the server returns, every mail that can be sent arrives exactly
once, and the one that never can is ``failed`` at once with the reason.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest

from tests.live.mailbox import Mailbox
from tests.live.outbox_support import (
    FAST_RETRIES,
    fresh_mailbox,
    mailing_server,
    ticket_rows,
    until,
)
from tests.support.live import Live, Person

POISON = "Grüße =?utf-8?b?/w==?="
"""A broken UTF-8 sequence in an encoded word: EmailMessage.as_bytes() raised on it."""
SUBJECTS = ("Before: mail bounces", POISON, "After: DNS question")

mailbox = pytest.fixture(scope="module", name="mailbox")(fresh_mailbox)


@pytest.fixture(scope="module")
def helpdesk(database_url: str, mailbox: Mailbox) -> Iterator[Live]:
    """Short leases, so a batch that was never marked would be re-sent within the test."""
    retries = replace(FAST_RETRIES, lease_seconds=1.0)
    with mailing_server(database_url, mailbox, retries) as world:
        yield world


def _settled(numbers: list[int]) -> list[Any]:
    until(lambda: all(row.state != "pending" for row in ticket_rows(numbers)))
    return ticket_rows(numbers)


def _unicode_agent(admin: Person) -> str:
    email = f"jörg.{time.monotonic_ns()}@example.com"
    response = admin.api().post(
        "/users",
        json={"email": email, "name": "Jörg", "role": "agent", "password": "x7-Kq!f9-Wm2#tz"},
    )
    assert response.status_code == 201, response.text
    return str(response.json()["email"])


def test_a_poisoned_row_in_the_middle_of_a_batch_fails_alone(
    helpdesk: Live, mailbox: Mailbox
) -> None:
    agent = helpdesk.person("agent")
    admin = helpdesk.person("admin")
    customer = helpdesk.person("customer")
    unwritable = _unicode_agent(admin)

    mailbox.stop()
    try:
        numbers = []
        for subject in SUBJECTS:
            filed = customer.api().post("/tickets", json={"subject": subject, "body": "Help."})
            assert filed.status_code == 201, filed.text
            numbers.append(filed.json()["number"])
    finally:
        mailbox.start()

    rows = _settled(numbers)
    time.sleep(1.5)  # longer than a lease: nothing may go out a second time
    for person in (agent.email, admin.email):
        subjects = sorted(str(m["Subject"]) for m in mailbox.to(person))
        assert subjects == sorted(
            f"[Padcom #{n}] New ticket: {s}" for n, s in zip(numbers, SUBJECTS, strict=True)
        )
    failed = [row for row in ticket_rows(numbers) if row.state == "failed"]
    assert {row.target for row in failed} == {unwritable}
    assert all(row.attempts == 1 for row in failed)  # at once, not after twelve tries
    assert all("cannot compose" in row.last_error for row in failed)
    assert all("address" in row.last_error for row in failed)
    assert {row.state for row in rows if row.target != unwritable} == {"sent"}
