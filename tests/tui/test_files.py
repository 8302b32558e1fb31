"""An agent opens a ticket's files in padcom-admin: reads the customer's log in the app
(sanitised: an escape sequence in it shows as a symbol) and saves a screenshot to a file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual.widgets import Input

from padcom_tui.app import PadcomAdmin
from padcom_tui.screens.files import FilesScreen, TextFileScreen
from tests.support.files import upload
from tests.support.live import Person
from tests.support.tickets import file_ticket
from tests.tui.conftest import screen_text, settle, until
from tests.tui.test_ticket import open_ticket

PNG = b"\x89PNG\r\n\x1a\n" + bytes(300)


async def test_the_agent_reads_a_log_and_saves_a_screenshot(
    admin_app: Callable[..., PadcomAdmin], customer: Person, word: str, tmp_path: Path
) -> None:
    api = customer.api()
    log = upload(api, "php.log", b"worker exited\n\x1b]52;c;cm0gLXJmIH4=\x07 clipboard?\n")
    shot = upload(api, "screen.png", PNG)
    ticket = file_ticket(api, f"{word} crash", "see files", attachments=[log["id"], shot["id"]])
    app = admin_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await open_ticket(pilot, word)
        await pilot.press("f")
        await until(pilot, lambda: isinstance(app.screen, FilesScreen) and bool(app.screen.items))
        text = screen_text(app)
        assert f"Files on #{ticket['number']}" in text
        assert "php.log" in text and "screen.png" in text and "image/png" in text
        await pilot.press("enter")  # the log, in the app
        await until(pilot, lambda: isinstance(app.screen, TextFileScreen))
        await settle(pilot)
        text = screen_text(app)
        assert "worker exited" in text and "␛" in text and "\x1b]52" not in text
        await pilot.press("escape", "down", "s")  # save the screenshot
        box = app.screen.query_one("#save-as", Input)
        box.value = str(tmp_path / "shot.png")
        await pilot.press("enter")
        await until(pilot, lambda: (tmp_path / "shot.png").exists())
        assert (tmp_path / "shot.png").read_bytes() == PNG
