"""Mail from unknown senders in padcom-admin: a customer wrote from a private address; the agent
reads the mail (shown as text, never obeyed), links it to the customer, and it is their ticket;
spam is refused and kept. The mails come in through ``padcom-server mail-in``, as from an MTA."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.pilot import Pilot
from textual.widgets import OptionList

from padcom_tui.app import PadcomAdmin
from padcom_tui.screens.confirm import ConfirmScreen
from padcom_tui.screens.help import HelpScreen
from padcom_tui.screens.mail_link import LinkMailScreen
from padcom_tui.screens.mail_triage import TriageScreen
from padcom_tui.screens.queue import QueueScreen
from padcom_tui.screens.ticket import TicketScreen
from server.storage.db import db
from server.storage.mail_models import InboundMail
from tests.mail.support import mail, mail_in
from tests.support.live import Live, Person
from tests.tui.conftest import screen_text, settle


def _receive(live: Live, sender: str, subject: str, body: str, **extra: Any) -> None:
    taken = mail_in(live, mail(sender, subject, body, **extra))
    assert taken.returncode == 0 and "triage" in taken.stdout, taken.stdout + taken.stderr


async def _to_mail_of(pilot: Pilot[Any], sender: str) -> None:
    """The cursor onto the mail from ``sender``, with the keys an agent would press."""
    screen = pilot.app.screen
    assert isinstance(screen, TriageScreen)
    senders = [m["sender"] for m in screen.mails.values()]
    await pilot.press("home", *["down"] * senders.index(sender))
    assert screen.current is not None and screen.current["sender"] == sender


async def test_the_agent_links_a_strangers_mail_to_its_customer_and_refuses_spam(
    admin_app: Callable[..., PadcomAdmin], live: Live, agent: Person, word: str
) -> None:
    org = live.organization(name=f"Weingut {word}")
    customer = live.person("customer", org=org)
    private, spammer = f"{word}@home.example", f"offers-{word}@bulk.example"
    _receive(live, private, f"Shop down {word} \x1b[2J [b]now[/b]",
             "Our shop shows 500 errors.\n\x1b]52;c;aGk=\x07 Please help.",
             files=[("php-error.log", b"PHP Fatal error: memory exhausted\n")])  # fmt: skip
    _receive(live, spammer, "Cheap pills", "Buy now")
    app = admin_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert "e Mail in" in screen_text(app)  # the footer names the key
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen) and "Mail in" in screen_text(app)
        await pilot.press("escape", "e")  # 1 key from the queue: the triage
        await settle(pilot)
        assert isinstance(app.screen, TriageScreen)
        await _to_mail_of(pilot, private)
        shown = screen_text(app)
        assert private in shown and "Our shop shows 500 errors." in shown  # the list and the mail
        assert "\x1b" not in shown and "␛[2J" in shown and "[b]now[/b]" in shown  # text, not obeyed

        await pilot.press("l")  # link: the customer lookup of a ticket for a caller
        assert isinstance(app.screen, LinkMailScreen)
        await pilot.press(*word, "enter")  # part of the company's name, Enter: the matches
        await settle(pilot)
        matches = app.screen.query_one(OptionList)
        assert matches.option_count == 1 and customer.email in str(
            matches.get_option_at_index(0).prompt
        )
        await pilot.press("enter")  # this customer: asked once
        assert isinstance(app.screen, ConfirmScreen) and customer.email in screen_text(app)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, TicketScreen)  # the ticket the mail became, open
        number = app.screen.number
        ticket = agent.api().get(f"/tickets/{number}").json()
        assert ticket["requester"]["id"] == customer.id and ticket["subject"].startswith(
            "Shop down"
        )
        files = customer.api().get(f"/tickets/{number}/attachments").json()
        assert [f["filename"] for f in files] == ["php-error.log"]

        await pilot.press("escape")  # back in the triage, the linked mail gone from it
        await settle(pilot)
        assert isinstance(app.screen, TriageScreen)
        assert private not in [m["sender"] for m in app.screen.mails.values()]
        await _to_mail_of(pilot, spammer)
        await pilot.press("x", *"spam", "enter")  # refuse, with the reason
        await settle(pilot)
        assert spammer not in [m["sender"] for m in app.screen.mails.values()]
        await pilot.press("escape")
        assert isinstance(app.screen, QueueScreen)
    with db.connection_context():
        kept = InboundMail.get(InboundMail.sender == spammer)
    assert kept.state == "refused" and kept.reason == f"refused by {agent.email}: spam"
