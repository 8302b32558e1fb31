"""The queue: what an agent sees first, how they narrow it down, and how it grows as they scroll."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from textual.pilot import Pilot
from textual.widgets import Input

from padcom_tui.app import PadcomAdmin
from padcom_tui.screens.choice import ChoiceScreen
from padcom_tui.screens.multi_choice import MultiChoiceScreen
from padcom_tui.screens.queue import QueueScreen
from tests.support.live import Live, Person
from tests.support.tickets import file_ticket
from tests.tui.conftest import build_app, settle, shown_numbers, shown_rows, status_line


async def search(pilot: Pilot[None], text: str) -> None:
    """``/``, the text (pasted rather than typed key by key, to keep the test quick), enter."""
    await pilot.press("slash")
    pilot.app.screen.query_one("#search", Input).insert_text_at_cursor(text)
    await pilot.press("enter")
    await settle(pilot)


async def test_the_queue_opens_most_urgent_first(
    admin_app: Callable[..., PadcomAdmin], customer: Person, word: str
) -> None:
    low = file_ticket(customer, f"{word} low", priority="low")
    urgent = file_ticket(customer, f"{word} urgent", priority="urgent")
    normal = file_ticket(customer, f"{word} normal")
    app = admin_app()
    async with app.run_test(size=(140, 36)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
        mine = [
            n
            for n in shown_numbers(app)
            if n in {low["number"], urgent["number"], normal["number"]}
        ]
        assert mine == [urgent["number"], normal["number"], low["number"]]
        row = next(r for r in shown_rows(app) if r["number"] == str(urgent["number"]))
        assert row["priority"] == "urgent" and row["status"] == "new"
        assert row["subject"] == f"{word} urgent"
        assert row["organization"].startswith("Org")
        assert row["assignee"] == "-"
        assert "online" in status_line(app) and "open work" in status_line(app)


async def test_search_and_filters_narrow_the_queue(
    admin_app: Callable[..., PadcomAdmin], customer: Person, agent: Person, word: str
) -> None:
    security = file_ticket(customer, f"{word} breach", category="security", priority="high")
    usage = file_ticket(customer, f"{word} quota", category="usage")
    agent.api().patch(
        f"/tickets/{usage['number']}",
        json={"assignee": agent.id, "status": "waiting"},
        headers={"If-Match": '"1"'},
    ).raise_for_status()
    app = admin_app()
    async with app.run_test(size=(140, 36)) as pilot:
        await settle(pilot)
        await search(pilot, word)
        assert sorted(shown_numbers(app)) == sorted([security["number"], usage["number"]])
        assert f"search '{word}'" in status_line(app)

        await pilot.press("m")  # mine
        await settle(pilot)
        assert shown_numbers(app) == [usage["number"]]
        await pilot.press("u")  # unassigned instead
        await settle(pilot)
        assert shown_numbers(app) == [security["number"]]
        await pilot.press("u")  # off again
        await settle(pilot)

        await pilot.press("f")  # filters live under f: which one, then its values
        assert isinstance(app.screen, ChoiceScreen)
        await pilot.press("down", "down", "enter")  # status, priority, category
        assert isinstance(app.screen, MultiChoiceScreen)
        await pilot.press("down", "down", "space", "enter")  # tick usage
        await settle(pilot)
        assert shown_numbers(app) == [usage["number"]]
        assert all(row["category"] == "usage" for row in shown_rows(app))

        await pilot.press("x")  # clear every filter
        await settle(pilot)
        await search(pilot, word)
        await pilot.press("f", "enter")  # status: open work (new, open, waiting) is ticked
        assert isinstance(app.screen, MultiChoiceScreen)
        await pilot.press("space", "down", "space", "enter")  # untick new and open: waiting
        await settle(pilot)
        assert shown_numbers(app) == [usage["number"]]
        assert "status waiting" in status_line(app)

        await pilot.press("f", "enter", "down", "space", "enter")  # several: open and waiting
        await settle(pilot)
        assert "status open,waiting" in status_line(app)
        assert shown_numbers(app) == [usage["number"]]

        await pilot.press("f", "escape")  # cancelling changes nothing
        await settle(pilot)
        assert shown_numbers(app) == [usage["number"]]


async def test_the_queue_loads_further_pages_as_the_agent_scrolls(
    admin_app: Callable[..., PadcomAdmin], customer: Person, word: str
) -> None:
    numbers = [file_ticket(customer, f"{word} {i}")["number"] for i in range(10)]
    app = admin_app(page_size=4)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await search(pilot, word)
        assert len(shown_numbers(app)) == 4
        assert "4+ tickets" in status_line(app)
        for _ in range(9):
            await pilot.press("down")
            await settle(pilot)
        assert shown_numbers(app) == numbers  # same priority and deadline order: by number
        assert "10 tickets" in status_line(app)


async def test_one_ticket_is_counted_as_one_ticket(
    admin_app: Callable[..., PadcomAdmin], customer: Person, word: str
) -> None:
    only = file_ticket(customer, f"{word} alone")
    app = admin_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await search(pilot, word)
        assert shown_numbers(app) == [only["number"]]
        assert "1 ticket ·" in status_line(app)


async def test_ages_and_due_times_move_on_while_the_queue_stays_open(
    live: Live, agent: Person, customer: Person, word: str
) -> None:
    urgent = file_ticket(customer, f"{word} site down", priority="urgent")
    waiting = file_ticket(customer, f"{word} needs the customer")
    agent.api().patch(
        f"/tickets/{waiting['number']}", json={"status": "waiting"}, headers={"If-Match": '"1"'}
    ).raise_for_status()
    later = timedelta(0)
    app = build_app(live.url, agent.token, clock=lambda: datetime.now(UTC) + later)
    async with app.run_test(size=(140, 36)) as pilot:
        await search(pilot, word)
        rows = {row["number"].lstrip("✓● "): row for row in shown_rows(app)}
        assert "late" not in rows[str(urgent["number"])]["sla"]
        assert rows[str(waiting["number"])]["sla"] == "paused"  # the clock stands still

        later = timedelta(hours=3)  # the agent leaves the queue open; nothing changes
        assert isinstance(app.screen, QueueScreen)
        app.screen.tick()
        await pilot.pause()
        rows = {row["number"].lstrip("✓● "): row for row in shown_rows(app)}
        assert rows[str(urgent["number"])]["sla"] == "2h late"
        assert rows[str(urgent["number"])]["age"] == "3h"
        assert rows[str(waiting["number"])]["sla"] == "paused"


async def test_on_a_narrow_terminal_the_subject_gets_the_category_columns_room(
    admin_app: Callable[..., PadcomAdmin], customer: Person, word: str
) -> None:
    subject = f"{word} dns"  # 16 characters: at 80 columns it was cut after 12
    file_ticket(customer, subject)
    app = admin_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await search(pilot, word)
        (row,) = shown_rows(app)
        assert "category" not in row
        assert row["subject"] == subject
