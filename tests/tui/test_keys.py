"""Every action has a key in the footer or in ``?`` help, and a name in the command palette."""

from __future__ import annotations

from collections.abc import Callable

from textual.widgets import TextArea

from padcom_tui.app import PadcomAdmin
from padcom_tui.screens.help import HelpScreen
from padcom_tui.screens.ticket import TicketScreen
from padcom_tui.widgets.reply_pane import ReplyPane
from tests.support.live import Person
from tests.support.tickets import file_ticket
from tests.tui.conftest import screen_text, settle
from tests.tui.test_queue import search


async def test_help_lists_the_keys_of_the_screen_in_front(
    admin_app: Callable[..., PadcomAdmin], customer: Person, word: str
) -> None:
    file_ticket(customer, f"{word} help")
    app = admin_app()
    async with app.run_test(size=(80, 30)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app)
        for key, what in [("/", "Search"), ("m", "Mine"), ("u", "Unassigned"), ("q", "Quit")]:
            assert f"{key}" in text and what in text
        await pilot.press("escape")
        await search(pilot, word)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("question_mark")
        text = screen_text(app)
        for what in ("Reply", "Note", "Status", "Priority", "Category", "Assign", "Back"):
            assert what in text
        await pilot.press("escape")
        assert isinstance(app.screen, TicketScreen)


async def test_the_command_palette_offers_every_action_and_runs_it(
    admin_app: Callable[..., PadcomAdmin], customer: Person, word: str
) -> None:
    file_ticket(customer, f"{word} palette")
    app = admin_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await search(pilot, word)
        await pilot.press("enter")
        await settle(pilot)
        ticket_screen = app.screen
        offered = {c.title for c in app.get_system_commands(ticket_screen)}
        assert {"Reply", "Note", "Status", "Priority", "Category", "Assign", "Back"} <= offered
        assert {"Conversation tab", "Customer tab", "History tab", "Reload", "Quit"} <= offered
        await pilot.press("ctrl+p")
        await pilot.press(*"reply", "enter")
        await settle(pilot)
        assert app.screen.query_one(ReplyPane).display  # beside the conversation
        assert app.screen.query_one(TextArea).has_focus
