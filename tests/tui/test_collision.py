"""Two agents on one ticket: the one who opens it sees that a colleague is already answering,
and a reply written while a colleague answered is not sent blind — the prompt quotes the
colleague's reply and asks: send anyway, or review it with the draft kept."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot

from padcom_tui.app import PadcomAdmin
from padcom_tui.format import utc_now
from padcom_tui.screens.confirm import ConfirmScreen
from padcom_tui.screens.ticket import TicketScreen
from padcom_tui.widgets.reply_pane import ReplyPane
from tests.support.live import Live, Person
from tests.support.tickets import file_ticket
from tests.tui.conftest import build_app, screen_text, settle, until


def _app(live: Live, who: Person) -> PadcomAdmin:
    return build_app(live.url, who.token, clock=utc_now)


async def _start_reply(pilot: Pilot[Any], number: int, text: str) -> ReplyPane:
    """Open ticket ``number``, press r and type ``text`` (pasted, to keep the test quick)."""
    pilot.app.push_screen(TicketScreen(number))
    await settle(pilot)
    await pilot.press("r")
    await settle(pilot)
    editor = pilot.app.screen.query_one(ReplyPane)
    editor.area.insert(text)
    return editor


def _bodies(customer: Person, number: int) -> list[str]:
    return [m["body"] for m in customer.api().get(f"/tickets/{number}/messages").json()]


async def test_a_colleague_answering_shows_to_the_agent_who_opens_the_ticket(
    live: Live, customer: Person
) -> None:
    kim, lee = live.person("agent"), live.person("agent")
    number = file_ticket(customer, "Backups missing", "Since Monday.")["number"]
    kims, lees = _app(live, kim), _app(live, lee)
    async with kims.run_test(size=(120, 36)) as kim_pilot:
        await settle(kim_pilot)
        await _start_reply(kim_pilot, number, "Checking the backup job.")
        await until(
            kim_pilot,
            lambda: (
                [
                    (p["user"]["id"], p["state"])
                    for p in lee.api().get(f"/tickets/{number}/presence").json()["present"]
                ]
                == [(kim.id, "writing")]
            ),
        )
        async with lees.run_test(size=(120, 36)) as lee_pilot:
            await settle(lee_pilot)
            lees.push_screen(TicketScreen(number))
            await settle(lee_pilot)
            assert f"{kim.user.name} is writing a reply" in screen_text(lees)
        await kim_pilot.press("escape")  # Kim leaves the editor, the draft kept: viewing again
        await settle(kim_pilot)
        await until(
            kim_pilot,
            lambda: (
                [p["state"] for p in lee.api().get(f"/tickets/{number}/presence").json()["present"]]
                == ["viewing"]
            ),
        )


async def test_a_reply_sent_after_a_colleague_answered_asks_first_and_sends_anyway(
    live: Live, customer: Person
) -> None:
    kim, lee = live.person("agent"), live.person("agent")
    number = file_ticket(customer, "Mail bounces", "All of them.")["number"]
    app = _app(live, kim)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await _start_reply(pilot, number, "I am restarting the mail queue.")
        lee.api().post(
            f"/tickets/{number}/messages",
            json={"body": "\nFixed: the MX record was wrong.\nRegards, Lee"},
        ).raise_for_status()
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert app.screen.question == (
            f"{lee.user.name} replied just now while you were typing: "
            "Fixed: the MX record was wrong.\n\nSend anyway?"
        )  # its first line with words, as the dialog shows it (wrapped to its width)
        text = screen_text(app)
        assert "record was wrong." in text
        assert "Send anyway (y)" in text and "Review (n)" in text
        assert _bodies(customer, number) == ["\nFixed: the MX record was wrong.\nRegards, Lee"]
        await pilot.press("y")
        await settle(pilot)
        await until(pilot, lambda: len(_bodies(customer, number)) == 2)
        assert _bodies(customer, number)[-1] == "I am restarting the mail queue."
        assert isinstance(app.screen, TicketScreen)
        assert app.screen.query_one(ReplyPane).text == ""


async def test_review_shows_the_colleagues_reply_keeps_the_draft_and_sends_nothing(
    live: Live, customer: Person
) -> None:
    kim, lee = live.person("agent"), live.person("agent")
    number = file_ticket(customer, "Disk full", "df says 100%.")["number"]
    app = _app(live, kim)
    async with app.run_test(
        size=(100, 30)
    ) as pilot:  # narrow: the editor in the conversation's place
        await settle(pilot)
        editor = await _start_reply(pilot, number, "Please delete old logs.")
        lee.api().post(
            f"/tickets/{number}/messages", json={"body": "I grew the disk to 200 GB."}
        ).raise_for_status()
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")  # Review
        await settle(pilot)
        assert isinstance(app.screen, TicketScreen)
        assert "I grew the disk to 200 GB." in screen_text(app)
        assert editor.text == "Please delete old logs."  # the draft is kept
        assert _bodies(customer, number) == ["I grew the disk to 200 GB."]

        await pilot.press("ctrl+t")  # back to the draft; Kim has read Lee's reply now
        await settle(pilot)
        editor.area.insert(" (Not needed any more.)")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, ConfirmScreen)
        await until(pilot, lambda: len(_bodies(customer, number)) == 2)


async def test_the_agents_own_change_while_writing_asks_nothing(
    live: Live, customer: Person
) -> None:
    kim = live.person("agent")
    number = file_ticket(customer, "Slow site", "Very slow.")["number"]
    app = _app(live, kim)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await _start_reply(pilot, number, "Looking at it.")
        version = kim.api().get(f"/tickets/{number}").json()["version"]
        kim.api().patch(  # e.g. from the CLI in another window: no one else's answer
            f"/tickets/{number}", json={"priority": "high"}, headers={"If-Match": f'"{version}"'}
        ).raise_for_status()
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, ConfirmScreen)
        await until(pilot, lambda: _bodies(customer, number) == ["Looking at it."])
