"""Ticket text is data: markup, actions and terminal escape sequences in a subject or a body
are shown as characters, never obeyed."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual.pilot import Pilot

from padcom_tui.app import PadcomAdmin
from padcom_tui.screens.ticket import TicketScreen
from tests.security.terminal import (
    EMOJI_TEXT,
    INVISIBLE_BODY,
    INVISIBLE_VISIBLE,
    hidden_characters,
)
from tests.support.live import Person
from tests.support.tickets import file_ticket
from tests.tui.conftest import screen_text, settle, shown_rows
from tests.tui.test_queue import search

HOSTILE = "[@click=app.quit]x[/] [b]bold[/b] \x1b[2J\x1b]52;c;cHduZWQ=\x07 \x9b31m"


async def _row_and_ticket(
    pilot: Pilot[None], app: PadcomAdmin, word: str, number: int
) -> tuple[dict[str, str], str]:
    """The ticket's row in the queue (found by ``word``), then the opened ticket's screen."""
    await settle(pilot)
    await search(pilot, word)
    row = next(r for r in shown_rows(app) if r["number"] == str(number))
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(app.screen, TicketScreen)
    return row, screen_text(app)


async def test_markup_and_escape_sequences_are_shown_not_obeyed(
    admin_app: Callable[..., PadcomAdmin], customer: Person, word: str, tmp_path: Path
) -> None:
    trap = tmp_path / "owned.svg"
    body = f"{HOSTILE}\n[@click=app.screenshot('{trap.name}','{tmp_path}')]click me[/]"
    ticket = file_ticket(customer, f"{word} {HOSTILE}", body=body)
    app = admin_app()
    async with app.run_test(size=(220, 40)) as pilot:  # wide: no line of the body wraps
        row, text = await _row_and_ticket(pilot, app, word, ticket["number"])
        assert row["subject"].startswith(f"{word} [@click=app.quit]x[/] [b]bold[/b] ␛[2J")
        assert "[@click=app.quit]x[/] [b]bold[/b] ␛[2J␛]52;c;cHduZWQ=␇ <U+009B>31m" in text
        assert "click me[/]" in text
        assert not any(ch in text for ch in "\x1b\x07\x9b")
        for y in range(3, 30):  # click all over the conversation: nothing is a link
            await pilot.click(offset=(10, y))
        await settle(pilot)
        assert app.is_running and isinstance(app.screen, TicketScreen)
    assert not trap.exists()


async def test_invisible_and_reordering_characters_are_shown_in_queue_and_ticket(
    admin_app: Callable[..., PadcomAdmin], customer: Person, word: str
) -> None:
    """Zero-width characters, bidi marks and tags in a subject and a body read as stand-ins."""
    subject = f"{word} pay\u200bpal\u200e\u202eevil\U000e0041"
    ticket = file_ticket(customer, subject, body=f"{INVISIBLE_BODY}\n{EMOJI_TEXT}")
    app = admin_app()
    async with app.run_test(size=(220, 40)) as pilot:
        row, text = await _row_and_ticket(pilot, app, word, ticket["number"])
        assert row["subject"].startswith(f"{word} pay<U+200B>pal<U+200E><U+202E>evil<U+E0041>")
        assert hidden_characters(text) == [], text
        for visible in INVISIBLE_VISIBLE:
            assert visible in text, (visible, text)
        assert EMOJI_TEXT in text
