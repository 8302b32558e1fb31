"""The IMAP poller against a real Dovecot (Debian's dovecot-imapd): a customer mails the support
mailbox, staff answer in padcom-admin, the customer replies from their mail client with a log, and the whole
conversation is on the ticket, as ``padcom ticket show`` prints it. One poller at a time."""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from padcom_tui.screens.ticket import TicketScreen
from server.live.mail_poller import hold_lease
from server.storage.db import db
from tests.cli.terminal import PADCOM
from tests.live.mailbox import Mailbox
from tests.mail.support import FAST, mail, mail_in_settings, mail_settings, poller_reaches
from tests.support.dovecot import Dovecot
from tests.support.live import Live, Person, own_server
from tests.support.ports import free_port
from tests.tui.conftest import build_app, screen_text, settle


@pytest.fixture(scope="module")
def dovecot() -> Iterator[Dovecot]:
    server = Dovecot().start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def mailbox() -> Iterator[Mailbox]:
    box = Mailbox(free_port()).start()
    yield box
    box.stop()


@pytest.fixture(scope="module")
def helpdesk(database_url: str, mailbox: Mailbox, dovecot: Dovecot) -> Iterator[Live]:
    with own_server(
        database_url,
        mail=mail_settings(mailbox.port),
        mail_in=mail_in_settings(imap_url=dovecot.url),
        outbox=FAST,
    ) as world:
        yield world


async def _answer_in_padcom_admin(helpdesk: Live, agent: Person, number: int, state: Path) -> None:
    """The agent opens the ticket in padcom-admin, writes the reply and sends it."""
    app = build_app(helpdesk.url, agent.token, state_dir=state)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("g", *str(number), "enter")  # go to the ticket
        await settle(pilot)
        assert isinstance(app.screen, TicketScreen) and app.screen.number == number
        assert "all mail bounces" in screen_text(app)  # the customer's mail, as they wrote it
        await pilot.press("r", *"MX fixed.", "ctrl+s")  # reply, write, send
        await settle(pilot)


async def test_a_real_imap_round_trip_lands_every_mail_on_the_ticket(
    helpdesk: Live, mailbox: Mailbox, dovecot: Dovecot, tmp_path: Path
) -> None:
    customer, agent = helpdesk.person("customer"), helpdesk.person("agent")
    api = customer.api()
    dovecot.deliver(mail(customer.email, "Mail bounces", "Since the DNS move all mail bounces."))
    poller_reaches(lambda: bool(api.get("/tickets").json()["items"]))
    number = api.get("/tickets").json()["items"][0]["number"]
    assert dovecot.waiting() == 0  # taken, then deleted from the mailbox

    await _answer_in_padcom_admin(helpdesk, agent, number, tmp_path / "admin-state")
    answer = mailbox.wait_for(customer.email, 1)[-1]
    assert "MX fixed." in answer.get_content() and "Reply to this mail" in answer.get_content()
    reply = mail(
        customer.email, f"Re: {answer['Subject']}", "Works now. Log attached.\n\n> MX fixed.",
        to=answer["Reply-To"],
        headers={"In-Reply-To": answer["Message-ID"], "References": answer["References"]},
        files=[("maillog.txt", b"status=sent (250 ok)\n")],
    )  # fmt: skip
    dovecot.deliver(reply)
    poller_reaches(lambda: len(api.get(f"/tickets/{number}/messages").json()) == 2)
    shown = subprocess.run(
        [PADCOM, "ticket", "show", str(number), "--json"],
        capture_output=True, text=True, timeout=60,
        env={"PADCOM_URL": helpdesk.url, "PADCOM_TOKEN": customer.token,
             "PADCOM_CONFIG": str(tmp_path / "c.toml")},
    )  # fmt: skip
    assert shown.returncode == 0, shown.stderr
    conversation = json.loads(shown.stdout)
    assert "all mail bounces" in conversation["ticket"]["body"]
    assert [m["body"] for m in conversation["messages"]] == [
        "MX fixed.",
        "Works now. Log attached.",
    ]
    assert [f["filename"] for f in conversation["messages"][1]["attachments"]] == ["maillog.txt"]


def test_an_auto_reply_in_the_mailbox_is_taken_and_never_answered(
    helpdesk: Live, mailbox: Mailbox, dovecot: Dovecot
) -> None:
    customer = helpdesk.person("customer")
    before = len(mailbox.raw)
    dovecot.deliver(
        mail(
            customer.email,
            "Out of office",
            "Back Monday",
            headers={"Auto-Submitted": "auto-replied"},
        )
    )
    poller_reaches(lambda: dovecot.waiting() == 0)
    time.sleep(0.5)
    assert customer.api().get("/tickets").json()["items"] == []
    assert len(mailbox.raw) == before


def test_one_server_process_polls_at_a_time(helpdesk: Live) -> None:
    holder = helpdesk.thread.app.state.mail_poller
    with db.connection_context():
        assert hold_lease(holder.owner) is True
        assert hold_lease("another-instance") is False
