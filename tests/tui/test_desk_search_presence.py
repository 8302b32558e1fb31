"""An agent finds a ticket by a word in a reply, sees a colleague on it, and is warned before
answering over a colleague's reply: the search screen, presence and the collision dialog."""

from __future__ import annotations

from textual.widgets import Input, OptionList, TextArea

from padcom_tui.format import utc_now
from padcom_tui.screens.collision import CollisionScreen
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
        await pilot.press("f")
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


async def test_a_colleague_writing_shows_and_their_reply_comes_first(
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

        await pilot.press("r")
        app.screen.query_one(TextArea).insert("We cleaned up /tmp.")
        colleague.api().post(
            f"/tickets/{number}/messages", json={"body": "Raised the quota to 20 GB."}
        ).raise_for_status()
        ticket_screen = app.screen_stack[-2]
        assert isinstance(ticket_screen, TicketScreen)
        await until(
            pilot,
            lambda: ticket_screen.data is not None and len(ticket_screen.data.messages) == 1,
        )
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, CollisionScreen)
        assert "Raised the quota to 20 GB." in screen_text(app)
        assert f"{name} replied while you were writing" in screen_text(app)
        await pilot.press("s")  # send anyway
        await settle(pilot)
    bodies = [m["body"] for m in agent.api().get(f"/tickets/{number}/messages").json()]
    assert bodies == ["Raised the quota to 20 GB.", "We cleaned up /tmp."]
