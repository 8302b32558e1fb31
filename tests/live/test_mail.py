"""Notification mail through a real SMTP server (aiosmtpd on loopback), on both databases."""

from __future__ import annotations

from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest

from server.outbox.enqueue import staff_recipients
from server.outbox.settings import MailSettings, OutboxSettings
from server.storage.db import db
from server.storage.models import Event, Outbox, Ticket
from tests.live.mailbox import Mailbox, self_signed
from tests.live.outbox_support import set_status, until
from tests.support.files import upload
from tests.support.live import Live, Person, own_server
from tests.support.ports import free_port
from tests.support.tickets import file_number

TEAM = "support-team@padcom.test"
SMTP_LOGIN = ("helpdesk", "smtp secret")
FAST_RETRIES = OutboxSettings(
    first_retry_seconds=0.1,
    max_retry_seconds=0.4,
    poll_seconds=0.2,
    max_attempts=100,
    outage_probe_max_seconds=0.4,
)


@pytest.fixture(scope="module")
def mailbox(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Mailbox]:
    """A fresh mailbox per database (ticket numbers start at 1 on each) that demands
    STARTTLS and a login, as a real submission server does."""
    tls = self_signed(tmp_path_factory.mktemp("smtp"))
    box = Mailbox(free_port(), tls=tls, login=SMTP_LOGIN).start()
    yield box
    box.stop()


@pytest.fixture(scope="module")
def helpdesk(database_url: str, mailbox: Mailbox) -> Iterator[Live]:
    """A server that mails every agent and the team address, through ``mailbox``."""
    assert mailbox.tls is not None
    mail = MailSettings(
        host="127.0.0.1",
        port=mailbox.port,
        security="starttls",
        username=SMTP_LOGIN[0],
        password=SMTP_LOGIN[1],
        ca_file=str(mailbox.tls[0]),
        sender="help@padcom.test",
        staff=("agents", TEAM),
    )
    with own_server(database_url, mail=mail, outbox=FAST_RETRIES) as world:
        yield world


def _reply(person: Person, number: int, body: str, internal: bool = False) -> None:
    response = person.api().post(
        f"/tickets/{number}/messages", json={"body": body, "internal": internal}
    )
    assert response.status_code == 201, response.text


def _rows(number: int) -> list[Any]:
    with db.connection_context():
        return list(
            Outbox.select()
            .where(Outbox.event_id.in_(Event.select(Event.id).where(Event.ticket == number)))
            .order_by(Outbox.id)
        )


def test_staff_hear_of_new_tickets_and_replies_and_the_customer_of_answers(
    helpdesk: Live, mailbox: Mailbox
) -> None:
    agent = helpdesk.person("agent")
    customer = helpdesk.person("customer")

    number = file_number(
        customer, "Website down", "The site shows a 502 since 09:10.\nPlease help."
    )
    new_ticket = mailbox.wait_for(agent.email, 1)[0]
    assert new_ticket["Subject"] == f"[Padcom #{number}] New ticket: Website down"
    assert new_ticket.get_content_type() == "text/plain"
    assert "The site shows a 502 since 09:10." in new_ticket.get_content()
    assert customer.email in new_ticket.get_content()
    assert mailbox.wait_for(TEAM, 1)  # the team address too
    assert mailbox.logins and set(mailbox.logins) == {SMTP_LOGIN[0]}  # over STARTTLS

    _reply(agent, number, "The customer's PHP pool is exhausted; secret cause.", internal=True)
    _reply(agent, number, "We restarted PHP; please check.")
    _reply(customer, number, "Works again, thanks!")
    set_status(agent, number, "resolved")

    answer, status = mailbox.wait_for(customer.email, 2)
    assert answer["Subject"] == f"[Padcom #{number}] New reply: Website down"
    assert "We restarted PHP; please check." in answer.get_content()
    assert status["Subject"] == f"[Padcom #{number}] Status resolved: Website down"
    assert "from open to resolved" in status.get_content()
    staff_mails = mailbox.wait_for(agent.email, 2)
    assert staff_mails[1]["Subject"] == f"[Padcom #{number}] Customer reply: Website down"
    assert "Works again, thanks!" in staff_mails[1].get_content()

    until(lambda: all(row.state == "sent" for row in _rows(number)))
    assert len(mailbox.to(customer.email)) == 2  # nothing else: not the note, not their own reply
    everything = "".join(mail.get_content() for _, mail in mailbox.mails)
    assert "secret cause" not in everything


def test_a_hostile_subject_cannot_add_mail_headers(helpdesk: Live, mailbox: Mailbox) -> None:
    agent = helpdesk.person("agent")
    customer = helpdesk.person("customer")
    refused = customer.api().post(
        "/tickets", json={"subject": "Hi\r\nBcc: victim@example.com", "body": "Please help."}
    )
    assert refused.status_code == 422  # a subject is one line: the break never reaches a mail
    number = file_number(customer, "Hi\x1b[2J Bcc: victim@example.com")
    mail = mailbox.wait_for(agent.email, 1)[0]
    assert mail["Bcc"] is None
    assert "\n" not in mail["Subject"] and "\x1b" not in mail["Subject"]
    assert mail["Subject"].startswith(f"[Padcom #{number}] New ticket: Hi")


def test_an_smtp_outage_delays_mail_but_loses_none_and_repeats_none(
    helpdesk: Live, mailbox: Mailbox
) -> None:
    agent = helpdesk.person("agent")
    customer = helpdesk.person("customer")
    mailbox.stop()
    try:
        number = file_number(customer, "Backups failing")
        _reply(agent, number, "Looking into it.")
        _reply(agent, number, "Fixed the backup job.")
        until(
            lambda: (
                len(_rows(number)) >= 3
                and all("SMTP connection failed" in r.last_error for r in _rows(number))
            )
        )
        assert {row.state for row in _rows(number)} == {"pending"}
        assert {row.attempts for row in _rows(number)} == {0}  # an outage spends no attempts
    finally:
        mailbox.start()

    until(lambda: all(row.state == "sent" for row in _rows(number)))
    to_customer = mailbox.to(customer.email)
    assert [m["Subject"] for m in to_customer] == [
        f"[Padcom #{number}] New reply: Backups failing"
    ] * 2
    assert len({m["Message-ID"] for m in to_customer}) == 2
    assert [m["Subject"] for m in mailbox.to(agent.email)] == [
        f"[Padcom #{number}] New ticket: Backups failing"
    ]


def test_staff_recipients_can_be_the_assignee_and_a_team_address(helpdesk: Live) -> None:
    agent = helpdesk.person("agent")
    colleague = helpdesk.person("agent")
    customer = helpdesk.person("customer")
    number = file_number(customer, "Assigned")
    api = agent.api()
    version = api.get(f"/tickets/{number}").json()["version"]
    api.patch(
        f"/tickets/{number}", json={"assignee": agent.id}, headers={"If-Match": f'"{version}"'}
    )

    with db.connection_context():
        ticket = Ticket.get_by_id(number)
        chosen = list(
            staff_recipients(MailSettings(staff=("assignee", "Night-Shift@Example.com")), ticket)
        )
        everyone = list(staff_recipients(MailSettings(staff=("agents",)), ticket))
    assert chosen == [agent.email, "night-shift@example.com"]
    assert {agent.email, colleague.email} <= set(everyone)
    assert customer.email not in everyone


def _body(raw: bytes) -> str:
    """The text of a mail as its reader's client decodes it from the bytes SMTP carried."""
    parsed = message_from_bytes(raw, policy=policy.default)
    assert isinstance(parsed, EmailMessage)
    return str(parsed.get_content())


def test_each_mail_names_the_files_of_the_message_it_announces_and_never_a_notes(
    helpdesk: Live, mailbox: Mailbox
) -> None:
    agent = helpdesk.person("agent")
    customer = helpdesk.person("customer")
    with customer.api() as api:
        log = upload(api, "php-fpm-error.log", b"[pool www] server reached max_children\n")
        made = api.post("/tickets", json={"subject": "502 again", "body": "See the log.",
                                          "attachments": [log["id"]]})  # fmt: skip
    assert made.status_code == 201, made.text
    number = int(made.json()["number"])
    [(_, to_staff)] = mailbox.wait_for_raw(agent.email, 1)
    assert "Files: php-fpm-error.log" in _body(to_staff)

    with agent.api() as api:
        secret = upload(api, "root-passwords.txt", b"not for the customer\n")
        note = {"body": "Creds inside.", "internal": True, "attachments": [secret["id"]]}
        assert api.post(f"/tickets/{number}/messages", json=note).status_code == 201
        patch = upload(api, "pool-fix.diff", b"-pm.max_children = 5\n+pm.max_children = 20\n")
        answer = {"body": "Raised the pool; the diff is attached.", "attachments": [patch["id"]]}
        assert api.post(f"/tickets/{number}/messages", json=answer).status_code == 201
        plain = {"body": "And restarted PHP."}
        assert api.post(f"/tickets/{number}/messages", json=plain).status_code == 201

    (_, with_diff), (_, without) = mailbox.wait_for_raw(customer.email, 2)
    assert "Files: pool-fix.diff" in _body(with_diff).splitlines()
    assert "php-fpm-error.log" not in _body(with_diff)  # only the files of the reply announced
    assert "Files:" not in _body(without)
    until(lambda: all(row.state == "sent" for row in _rows(number)))
    for _, raw in mailbox.raw:
        assert b"root-passwords" not in raw and "root-passwords" not in _body(raw)
