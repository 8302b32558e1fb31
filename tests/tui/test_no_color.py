"""NO_COLOR: states stay readable as words with emphasis, never as colour alone."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from rich.style import Style

from padcom_tui.app import PadcomAdmin
from padcom_tui.widgets.ticket_table import TicketTable
from tests.support.live import Person
from tests.support.tickets import file_ticket
from tests.tui.conftest import settle
from tests.tui.test_queue import search


@pytest.mark.parametrize("no_color", [True, False], ids=["NO_COLOR", "colour"])
async def test_an_urgent_late_ticket_reads_without_colour(
    admin_app: Callable[..., PadcomAdmin],
    customer: Person,
    word: str,
    monkeypatch: pytest.MonkeyPatch,
    no_color: bool,
) -> None:
    if no_color:
        monkeypatch.setenv("NO_COLOR", "1")
    file_ticket(customer, f"{word} urgent", priority="urgent")
    app = admin_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await search(pilot, word)
        table = app.screen.query_one(TicketTable)
        cell = table.get_row_at(0)[1]
        assert cell.plain == "URG"
        style = Style.parse(str(cell.style))
        assert style.bold
        assert (style.color is None) is no_color
