"""An agent finds a ticket by a word in a reply and sees a colleague on it: the search screen
and presence."""

from __future__ import annotations

import pytest
from textual.widgets import Input, OptionList

from padcom_tui.format import utc_now
from padcom_tui.screens import search as search_screen
from padcom_tui.screens.search import SearchScreen
from padcom_tui.screens.ticket import TicketScreen
from tests.support.live import Live, Person
from tests.support.tickets import file_ticket
from tests.tui.conftest import build_app, screen_text, settle, until


async def test_find_by_a_word_in_a_reply_and_open_the_hit(
    live: Live, agent: Person, customer: Person, word: str
) -> None:
    ticket = file_ticket(customer, "Mail stopped", "Nothing arrives.")
    agent.api().post(
        f"/tickets/{ticket['number']}/messages", json={"body": f"The {word} relay was full."}
    ).raise_for_status()
    app = build_app(live.url, agent.token)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("F")
        assert isinstance(app.screen, SearchScreen)
        app.screen.query_one("#words", Input).insert_text_at_cursor(word)
        await pilot.press("enter")
        await settle(pilot)
        text = screen_text(app)
        assert f"#{ticket['number']} Mail stopped" in text
        assert f"reply: The {word} relay was full." in text
        assert app.screen.query_one(OptionList).option_count == 1
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, TicketScreen) and app.screen.number == ticket["number"]


async def test_a_search_with_more_hits_than_it_shows_says_so(
    live: Live, agent: Person, customer: Person, word: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search_screen, "HITS", 2)
    for n in range(3):
        file_ticket(customer, f"{word} backup failed", f"night {n}")
    app = build_app(live.url, agent.token)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("F")
        app.screen.query_one("#words", Input).insert_text_at_cursor(word)
        await pilot.press("enter")
        await settle(pilot)
        assert f"2+ hits for '{word}'" in screen_text(app)
        assert app.screen.query_one(OptionList).option_count == 2


async def test_a_colleague_writing_shows_on_the_ticket(
    live: Live, agent: Person, customer: Person
) -> None:
    colleague = live.person("agent")
    number = file_ticket(customer, "Disk full", "Help")["number"]
    colleague.api().post(
        f"/tickets/{number}/presence", json={"state": "writing"}
    ).raise_for_status()
    app = build_app(live.url, agent.token, clock=utc_now, live=True)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        app.push_screen(TicketScreen(number))
        await settle(pilot)
        name = colleague.user.name
        await until(pilot, lambda: f"{name} is writing a reply" in screen_text(app))
