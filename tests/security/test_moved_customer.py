"""A customer moved to another organization leaves their old tickets behind.

After the move, ``GET /tickets/N`` of an old ticket answers them 404, so no
mail about it may reach them either — not even one enqueued before the move
and delivered after it, nor one the worker had already claimed (and found
them a recipient) when the move committed: who is told is decided at
delivery by the rule every read obeys, asked again just before each mail is
sent. And their old colleagues, who still see the ticket, do not learn
from it which organization the person went to.
"""

from __future__ import annotations

from typing import Any

import pytest

from server.storage.db import db
from server.storage.models import Organization, Outbox
from tests.live.mailbox import Mailbox
from tests.live.outbox_support import (
    fresh_mailbox,
    mailing_helpdesk,
    set_status,
    ticket_rows,
    until,
)
from tests.support.live import Live

mailbox = pytest.fixture(scope="module", name="mailbox")(fresh_mailbox)
helpdesk = pytest.fixture(scope="module", name="helpdesk")(mailing_helpdesk)


def _settled(number: int, count: int) -> list[Any]:
    def done() -> bool:
        rows = ticket_rows([number])
        return len(rows) >= count and all(r.state != "pending" for r in rows)

    until(done)
    return ticket_rows([number])


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
    set_status(agent, number, "resolved")

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


def test_a_customer_moved_while_the_worker_connects_does_not_get_the_mail_it_had_claimed(
    helpdesk: Live, mailbox: Mailbox
) -> None:
    agent, admin = helpdesk.person("agent"), helpdesk.person("admin")
    old_org = helpdesk.organization()
    new_org = helpdesk.organization("Moved-Along Hosting GmbH")
    moved = helpdesk.person("customer", org=old_org)
    filed = moved.api().post("/tickets", json={"subject": "Quota", "body": "Help."})
    assert filed.status_code == 201, filed.text
    number = filed.json()["number"]
    staff_mails = _settled(number, 1)  # the mails to staff are out of the way

    mailbox.stop()  # the reply waits, the only mail due, until the mailbox is back
    try:
        replied = agent.api().post(f"/tickets/{number}/messages", json={"body": "Cleaned up."})
        assert replied.status_code == 201, replied.text
        (reply,) = [r for r in ticket_rows([number]) if r.target == moved.email]
        seen: list[tuple[int, bool]] = []

        def move_while_connecting() -> None:
            # The worker has claimed the reply and found them a recipient; it is connecting.
            mailbox.on_ehlo = None
            with db.connection_context():
                claimed = Outbox.get_by_id(reply.id).lease_until is not None
            move = admin.api().patch(f"/users/{moved.id}", json={"organization": new_org.id})
            seen.append((move.status_code, claimed))

        mailbox.on_ehlo = move_while_connecting
    finally:
        mailbox.start()
    try:
        rows = _settled(number, len(staff_mails) + 1)
    finally:
        mailbox.on_ehlo = None
    assert seen == [(200, True)]  # moved while the claimed reply was on its way
    assert [r.state for r in rows if r.target == moved.email] == ["withheld"]
    assert mailbox.to(moved.email) == []
